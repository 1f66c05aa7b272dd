# Templates the generated fragments in kernels/ call: one package_rule per package and one
# probe_rule per kernel. Packages are cached by their SHA-256, so a package shared by many
# kernels (Debian's -common, Ubuntu's shared headers) is downloaded once and never again.

PKG_DIR := $(CACHE)/packages
# A probe's work tree is extracted, compiled and deleted within seconds. On a RAM file system
# that costs a fraction of what it does on disk (0.8 s against 2-4 s for a Debian kernel's
# 13,000 files here), so /dev/shm is used when it has room for a few trees (2 GiB; a container's
# 64 MiB /dev/shm is not enough); set WORK_DIR to choose.
ifeq ($(origin WORK_DIR),undefined)
ifneq ($(NEED_DISTROS),)
WORK_DIR := $(shell d=/dev/shm; [ -d $$d ] && [ -w $$d ] && \
  [ "$$(df -Pk $$d 2>/dev/null | awk 'NR == 2 { print $$4 }')" -gt 2097152 ] 2>/dev/null && \
  echo "$$d/falco-probes-$$(id -u)/$$(echo '$(abspath $(BUILD))' | sha256sum | cut -c1-12)")
endif
WORK_DIR := $(or $(WORK_DIR),$(BUILD)/work)
endif
LOG_DIR = $(BUILD)/logs/$(DRIVER_VERSION)
# One record per probe of what went into it (mk/build-probe.sh), keyed like dist/.
RECORD_DIR := $(BUILD)/records

# Every make run records what it built and what failed under its own id. Probes are built only
# after make has remade its fragments and restarted, so the id of the last process is the run's.
FP_RUN_ID := $(shell date +%Y%m%dT%H%M%S.%N)
RUN_DIR := $(BUILD)/runs/$(FP_RUN_ID)

# Under make -k a failed probe is recorded and the run goes on to its summary.
KEEP_GOING := $(if $(findstring k,$(firstword -$(MAKEFLAGS))),1)

# What a probe's bytes depend on besides its packages and the driver tree: the compilers, the
# flags and this recipe. The file changes only when that text does (kbuild's if_changed), so a
# new compiler rebuilds every probe and an unchanged one rebuilds none.
TOOLCHAIN_STAMP := $(BUILD)/toolchain.id
FP_KBUILD_ARGS ?=
$(TOOLCHAIN_STAMP): FORCE
	@mkdir -p $(@D)
	$(Q){ echo "CLANG=$(CLANG) LLC=$(LLC) FP_KBUILD_ARGS=$(FP_KBUILD_ARGS)"; \
	  $(CLANG) --version | head -n 1; $(LLC) --version | sed -n 2p; } > $@.tmp \
	  && if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

PROBE_TOOLS = $(call tool,extract) $(call tool,falco-name)

BUILD_PROBE = FP_BIN=$(BIN) FP_DRIVER_DIR=$(DRIVER_DIR) FP_DRIVER_VERSION='$(DRIVER_VERSION)' \
  FP_RULES='$(FALCO_RULES)' FP_LAYOUT='$(LAYOUT)' FP_WORK=$(WORK_DIR) FP_LOGS=$(LOG_DIR) \
  FP_RUN=$(RUN_DIR) FP_KEEP_GOING=$(KEEP_GOING) CLANG='$(CLANG)' LLC='$(LLC)' \
  FP_KBUILD_ARGS='$(FP_KBUILD_ARGS)' FP_RECORDS=$(RECORD_DIR) FP_TOOLCHAIN=$(TOOLCHAIN_STAMP) \
  FP_DRIVER_TREE_SHA256=$(DRIVER_TREE_SHA256) FP_DRIVER_SOURCE_SHA256=$(DRIVER_SOURCE_SHA256) \
  sh mk/build-probe.sh

# $(call package_rule,sha256,size,url)
define package_rule
$(PKG_DIR)/$(1): | $(call tool,fetch)
	@mkdir -p $$(@D)
	@echo "  FETCH   $(3)"
	$(Q)$(call tool,fetch) --quiet --sha256 $(1) --size $(2) '$(3)' $$@
endef

# $(call probe_rule,distro,probe path,os-release,uname-m,uname-r,kernel tree,package sha256s)
# A distribution may prepare each extracted tree as its hosts' loader does (d_PROBE_FIXUP: a
# script given the tree, printing extra kbuild arguments), COS for one.
define probe_rule
$(2): $(addprefix $(PKG_DIR)/,$(7)) $(DRIVER_STAMP) $(TOOLCHAIN_STAMP) mk/build-probe.sh $($(1)_PROBE_FIXUP) | $(PROBE_TOOLS)
	$(Q)FP_FIXUP=$($(1)_PROBE_FIXUP) $(BUILD_PROBE) $$@ $(3) $(4) $(5) $(6) $(1) $(addprefix $(PKG_DIR)/,$(7))
endef

# The kernel image package a probe is booted with by `make verify` (mk/verify.mk); fragments
# name it as IMAGE_<probe path> := sha256 size url.
# $(call image_rule,probe path,distro,sha256,size,url)
define image_rule
$(call package_rule,$(3),$(4),$(5))
$(call verify_rule,$(1),$(PKG_DIR)/$(3),$(2))
endef
