# Boot verification: each driver is proven in the very kernel it is for, under qemu
# (mk/verify-output.sh): a legacy probe is loaded, attached and watched for events
# (tools/bpf-load.c), a kernel module is loaded and read from (tools/kmod-read.c).
#
#   $(call verify_rule,OUTPUT,IMAGE_SHA256,DISTRO,KIND,DRIVER_VERSION,ARCH)
#     defines OUTPUT.verified (next to the output, so that the repository index can record it)
#     from OUTPUT, the kernel's image package, its driver version's tables and the verifier of
#     KIND (bpf or kmod), both of the kernel's architecture ARCH (its uname -m: x86_64 or
#     aarch64, booted under qemu-system-ARCH), and adds it to `verify` and `verify-DISTRO`;
#     the plan (tools/plan) calls it for each output a verify goal names (mk/kernels.mk).
#   make verify            every output that has a verify rule, then a PASS/FAIL summary
#   make OUTPUT.verified   one output
#
# A .verified file holds key=value lines (result=PASS|FAIL, kind, kernel, probe_sha256 (the
# output's, module or probe), events_seen, boot_seconds, load_seconds...; a probe's
# programs_loaded and tracepoints_attached, a module's vermagic and devices_opened). A FAIL
# is a verdict and is kept (the output and kernel have not changed, so neither would the
# verdict); `verify` then fails, naming it. A run that reaches no verdict (timeout before the
# verifier reports, missing kernel in the package) writes nothing and stops make.
# The VM's console is kept under $(VERIFY_DIR), mirroring $(DIST).
#
# Needs mk/driver.mk (DRV.<dv>, DRVDIR.<dv> of every selected driver version).

VERIFY_DIR := $(BUILD)/verify
# Taken now: --no-builtin-variables empties the built-in CC before recipes run.
VERIFY_CC := $(or $(CC),cc)
VERIFY_TIMEOUT ?= 240

# Each architecture verified (VERIFY_ARCHES: those of ARCHES that mk/verify-output.sh boots) has
# its own tables, guest tools and busybox, all compiled for it: this host's under $(VERIFY_DIR),
# another one's under $(VERIFY_DIR)/<arch> (as its drivers, cross-built: mk/build-output.sh).
#   VERIFY_CC.<arch>   its C compiler: this host's, or <arch>-linux-gnu-gcc (mk/packages.txt)
#   VERIFY_RUN.<arch>  what runs its programs here: nothing, or qemu-user (qemu-<arch>-static)
VERIFY_ARCHES := $(filter x86_64 aarch64,$(ARCHES))
verify_arch_dir = $(VERIFY_DIR)$(if $(filter $(HOST_ARCH),$(1)),,/$(1))
$(foreach a,$(VERIFY_ARCHES),$(eval VERIFY_CC.$(a) := $(if $(filter $(HOST_ARCH),$(a)),$(VERIFY_CC),$(a)-linux-gnu-gcc)))
$(foreach a,$(VERIFY_ARCHES),$(eval VERIFY_RUN.$(a) := $(if $(filter $(HOST_ARCH),$(a)),,qemu-$(a)-static)))

# The tables of a driver version (tools/scap-tables.c), compiled from its prepared tree with
# the table sources that version's libscap compiles. Where they are: bpf-unit/ in the trees
# up to 7.0.0 and in trees of one's own (the module's sources with bpf/ beside them); kmod/
# from 7.2.0, whose bpf-unit/bpf/ is the probe's own copy (bpf/types.h, and the userspace
# syscall numbers kmod/ lacks); kmod/ alone for 10.x, which has no probe. One file per
# prepared tree and architecture: a tree of one's own is named by its key, not by the version
# it declares. The syscall table is indexed by the kernel's syscall numbers, which arm64's
# generic table numbers otherwise than x86_64's: for another architecture the same sources are
# compiled by its compiler, as libscap is on it, and the program run under qemu-user, so that
# its own preprocessor picks the tree's syscall_compat_<arch>.h and its own C library's
# layout fills the blobs (nothing about arm64 is restated here).
SCAP_COMPAT := $(wildcard tools/scap-compat/*.h tools/scap-compat/userspace/common/*.h)
cmd_tables = d=$(1); [ ! -f $$d/error ] || { cat $$d/error >&2; exit 1; }; \
  if [ -f $$d/bpf-unit/event_table.c ]; then src=$$d/bpf-unit; else src=$$d/kmod; fi; \
  [ -f $$src/event_table.c ] || { echo "verify: $$d has no event_table.c in bpf-unit/ or kmod/" >&2; exit 1; }; \
  incs=-I$$src; [ ! -d $$d/bpf-unit ] || incs="$$incs -I$$d/bpf-unit -I$$d/bpf-unit/bpf"; \
  set -- $$src/event_table.c $$src/fillers_table.c $$src/flags_table.c $$src/dynamic_params_table.c; \
  if [ -f $$src/syscall_table64.c ]; then set -- "$$@" $$src/syscall_table64.c; else set -- "$$@" $$src/syscall_table.c; fi; \
  defs=; if [ -f $$src/syscall_ia32_64_map.c ]; then set -- "$$@" $$src/syscall_ia32_64_map.c; defs=-DHAVE_IA32_64_MAP; fi; \
  mkdir -p $(@D) && $(VERIFY_CC.$(2)) -std=gnu17 -O1 -w $$incs -Itools/scap-compat/userspace -Itools/scap-compat $$defs \
    $(if $(VERIFY_RUN.$(2)),-static )-o $@.bin tools/scap-tables.c "$$@" && $(VERIFY_RUN.$(2)) $@.bin $@ && rm -f $@.bin
define verify_tables
VERIFY_TABLES.$(1).$(2) := $(call verify_arch_dir,$(2))/$(notdir $(DRVDIR.$(1))).tables
$(call verify_arch_dir,$(2))/$(notdir $(DRVDIR.$(1))).tables: tools/scap-tables.c $(SCAP_COMPAT) $(DRV.$(1)) mk/verify.mk
	$$(call run,TABLES  $$@,$$(call cmd_tables,$(DRVDIR.$(1)),$(2)))
endef
$(foreach dv,$(SELECTED_DVS),$(if $(DRVDIR.$(dv)),$(foreach a,$(VERIFY_ARCHES),$(eval $(call verify_tables,$(dv),$(a))))))

# The verifiers run alone in the initramfs, so they are always static builds of their own,
# whatever BIN and SAN say (the sanitized tools cannot be static). Another architecture's link
# against that architecture's static libraries (libelf, zlib, libzstd for bpf-load), taken with
# its static busybox from Debian's own packages (VERIFY_GUEST_PACKAGES) in the verified indexes
# of the Debian listing's suite VERIFY_GUEST_SUITE: resolved by deb-index, fetched by their
# indexes' hashes into the package cache as any package, unpacked into
# $(VERIFY_DIR)/<arch>/sysroot. (Its C library is the cross compiler's, libc6-dev-<debian
# arch>-cross.)
VERIFY_GUEST_PACKAGES := libelf-dev zlib1g-dev libzstd-dev busybox-static
VERIFY_GUEST_SUITE ?= bookworm
verify_guest_mirror = $(call field,2,$(firstword $(filter $(VERIFY_GUEST_SUITE)|%,$(debian_SUITES))))
verify_deb_arch = $(call field,2,$(firstword $(filter $(1)|%,$(debian_ARCHES))))
# The packages are resolved into a list (name url sha256 size) rewritten only when it changes,
# so that a listing with a new kernel does not make the tools, and so every verdict, again.
cmd_guest_packages = [ -n '$(verify_guest_mirror)' ] || \
    { echo "verify: debian_SUITES has no suite $(VERIFY_GUEST_SUITE) (VERIFY_GUEST_SUITE) for $(1)'s guest tools" >&2; exit 1; }; \
  set -- $$(awk '$$4 ~ /^main\/binary-$(call verify_deb_arch,$(1))\// { print "--index", "-", "$($(verify_guest_mirror))", "$(BYHASH)/" $$1 }' \
    $(SRC_BUILD)/debian/$(VERIFY_GUEST_SUITE).indexes); \
  [ $$\# -gt 0 ] || { echo "verify: $(SRC_BUILD)/debian/$(VERIFY_GUEST_SUITE).indexes names no $(call verify_deb_arch,$(1)) index (is $(1) in ARCHES?)" >&2; exit 1; }; \
  for p in $(VERIFY_GUEST_PACKAGES); do \
    found=$$($(call tool,deb-index) --package $$p "$$@") && [ -n "$$found" ] || \
      { echo "verify: no $$p in the $(call verify_deb_arch,$(1)) index of $(VERIFY_GUEST_SUITE)" >&2; exit 1; }; \
    echo "$$p $$found" | cut -d' ' -f1-4; \
  done
cmd_sysroot = d=$(@D); rm -rf $$d $$d.tmp && mkdir -p $$d.tmp $(PKG_DIR) || exit 1; \
  while read -r p url sha size; do \
    [ -f $(PKG_DIR)/$$sha ] || $(FETCH) --quiet --sha256 $$sha --size $$size "$$url" $(PKG_DIR)/$$sha </dev/null || exit 1; \
    $(call tool,extract) --quiet $(PKG_DIR)/$$sha $$d.tmp </dev/null || { echo "verify: cannot unpack $$url ($(PKG_DIR)/$$sha)" >&2; exit 1; }; \
  done <$< && cp $< $$d.tmp/.packages && mv $$d.tmp $$d
define verify_guest
VERIFY_SYSROOT.$(1) := $(VERIFY_DIR)/$(1)/sysroot/.packages
$(VERIFY_DIR)/$(1)/guest.packages: $(BUILD)/listing/debian.tsv mk/verify.mk | $(call tool,deb-index)
	$$(call filechk,guest_packages_$(1))
filechk_guest_packages_$(1) = $$(call cmd_guest_packages,$(1))
$(VERIFY_DIR)/$(1)/sysroot/.packages: $(VERIFY_DIR)/$(1)/guest.packages | $(call tool,fetch) $(call tool,extract)
	$$(call run,SYSROOT $(1): $(VERIFY_GUEST_PACKAGES),$$(cmd_sysroot))
# Where the package puts it (/bin, or /usr/bin after the /usr merge).
VERIFY_BUSYBOX.$(1) := $(VERIFY_DIR)/$(1)/busybox
$(VERIFY_DIR)/$(1)/busybox: $(VERIFY_DIR)/$(1)/sysroot/.packages
	$$(call run,BUSYBOX $$@,for b in bin usr/bin; do [ ! -f $$(<D)/$$$$b/busybox ] || { cp $$(<D)/$$$$b/busybox $$@.tmp && mv -f $$@.tmp $$@; exit; }; done; \
	  echo "verify: busybox-static put no busybox in $$(<D)/bin or usr/bin" >&2; exit 1)
VERIFY_LIBS.$(1) := -isystem $(VERIFY_DIR)/$(1)/sysroot/usr/include -L$(VERIFY_DIR)/$(1)/sysroot/usr/lib/$(1)-linux-gnu
endef
$(foreach a,$(filter-out $(HOST_ARCH),$(VERIFY_ARCHES)),$(eval $(call verify_guest,$(a))))

define verify_tools
VERIFY_TOOL.bpf.$(1) := $(call verify_arch_dir,$(1))/bpf-load
VERIFY_TOOL.kmod.$(1) := $(call verify_arch_dir,$(1))/kmod-read
$(call verify_arch_dir,$(1))/bpf-load: $(tool_bpf-load_SRCS) $(wildcard tools/*.h) $(VERIFY_SYSROOT.$(1)) mk/tools.mk mk/verify.mk
	@$$(call label,CC      $$@)
	$$(Q)mkdir -p $$(@D) && $(VERIFY_CC.$(1)) $$(TOOL_CFLAGS) $(VERIFY_LIBS.$(1)) -o $$@.tmp $(tool_bpf-load_SRCS) \
	  -static -lelf -lz -lzstd && mv -f $$@.tmp $$@
$(call verify_arch_dir,$(1))/kmod-read: $(tool_kmod-read_SRCS) $(wildcard tools/*.h) mk/tools.mk mk/verify.mk
	@$$(call label,CC      $$@)
	$$(Q)mkdir -p $$(@D) && $(VERIFY_CC.$(1)) $$(TOOL_CFLAGS) -o $$@.tmp $(tool_kmod-read_SRCS) -static && mv -f $$@.tmp $$@
endef
$(foreach a,$(VERIFY_ARCHES),$(eval $(call verify_tools,$(a))))
# This host's, by the names the tests and older notes use.
VERIFY_LOADER := $(VERIFY_TOOL.bpf.$(HOST_ARCH))
VERIFY_READER := $(VERIFY_TOOL.kmod.$(HOST_ARCH))

# Each output is booted by the verifier of its kernel's architecture (VERIFY_ARCH, set by
# verify_rule); verify-output.sh checks that kernel, tools and module are all of it.
VERIFY_OUTPUT = FP_BIN=$(BIN) FP_BPF_LOAD=$(VERIFY_TOOL.bpf.$(VERIFY_ARCH)) FP_KMOD_READ=$(VERIFY_TOOL.kmod.$(VERIFY_ARCH)) \
  $(if $(VERIFY_BUSYBOX.$(VERIFY_ARCH)),BUSYBOX=$(VERIFY_BUSYBOX.$(VERIFY_ARCH))) sh mk/verify-output.sh \
  --arch $(VERIFY_ARCH) --timeout $(VERIFY_TIMEOUT)

# $(call verify_rule,output,image package sha256,distro,kind,driver version,uname -m)
define verify_rule
$(1).verified: VERIFY_ARCH := $(6)
$(1).verified: $(1) $(PKG_DIR)/$(2) $(VERIFY_TABLES.$(5).$(6)) $(VERIFY_TOOL.$(4).$(6)) $(VERIFY_BUSYBOX.$(6)) mk/verify-output.sh | $(call tool,extract)
verify verify-$(3): $(1).verified
endef
# The kind is the output's: mk/verify-output.sh tells a module (.ko) from a probe.
$(DIST)/%.verified:
	$(call run,VERIFY  $(notdir $*),$(VERIFY_OUTPUT) --console $(VERIFY_DIR)/$*.console \
	  $(addprefix --tables ,$(filter %.tables,$^)) $< $(filter $(PKG_DIR)/%,$^) $@ || [ $$? -eq 1 ])

# Prints one line per FAIL and the counts; fails when any output failed.
VERIFY_SUMMARY = @awk -F= '$$1 == "result" { n[$$2]++; if ($$2 != "PASS") print "  FAIL    " FILENAME } \
  END { printf "verify: %d PASS, %d FAIL\n", n["PASS"], n["FAIL"]; exit (n["FAIL"] > 0) }' \
  /dev/null $(filter %.verified,$^)

.PHONY: verify $(addprefix verify-,$(DISTROS))
verify:
	$(VERIFY_SUMMARY)
$(foreach d,$(DISTROS),$(eval verify-$(d): ; $$(VERIFY_SUMMARY)))
