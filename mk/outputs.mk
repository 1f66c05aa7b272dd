# From packages to outputs: the recipes the generated fragments use. kernels/<d>.mk names each
# kernel's work tree and packages; kernels/<driver version>/<d>.mk names each output (tools/
# kernels-mk); the plan (tools/plan) groups a run's outputs by kernel.
#
#   $(PKG_DIR)/<sha256>              a package, downloaded once and verified by its hash; a
#                                    package shared by many kernels (Debian's -common) is one file
#   $(WORK)/<d>/<kernel id>/.tree    the kernel's work tree: its packages extracted and prepared
#                                    once in a run for all of its outputs (mk/kernel-tree.sh). An
#                                    intermediate file: make makes it only when an output of the
#                                    kernel is out of date, and done/<d>/<kernel id> removes it
#                                    once they are all made, so that disk use is bounded by the
#                                    kernels in flight.
#   $(DIST)/<path>                   an output (mk/build-output.sh), rebuilt when its kernel's
#                                    identity, its driver tree (DRV.<driver version>), its
#                                    toolchain (TC.<kind>) or the scripts that make it change
#
# The work trees of a run are below $(WORK), which is this run's own (mk/run.sh removes it when
# make exits, however it exits).

PKG_DIR := $(CACHE)/packages
LOG_DIR := $(BUILD)/logs
# One record per output of what went into it (mk/build-output.sh), keyed like dist/.
RECORD_DIR := $(BUILD)/records
IDS_DIR := $(BUILD)/kernels
# What failed with inputs that would fail the same way again, keyed like dist/ (tools/plan does
# not plan them again until an input changes, or RETRY_FAILED=1).
VERDICT_DIR := $(BUILD)/verdicts
# The form of a verdict file: one written before verdicts needed the build's own evidence
# (format 2) says nothing tools/plan may keep, and is voided.
VERDICT_FORMAT := 2


# What a probe's bytes depend on besides its packages and the driver tree: the compilers, the
# flags and this recipe. The file changes only when that text does (kbuild's if_changed), so a
# new compiler rebuilds every probe and an unchanged one rebuilds none.
TC.bpf := $(BUILD)/toolchain/bpf.id
FP_KBUILD_ARGS ?=
$(TC.bpf): FORCE
	$(call filechk,toolchain_bpf)
filechk_toolchain_bpf = echo "CLANG=$(CLANG) LLC=$(LLC) FP_KBUILD_ARGS=$(FP_KBUILD_ARGS)"; \
	$(CLANG) --version | head -n 1; $(LLC) --version | sed -n 2p
# A module's compiler is its kernel's (mk/toolchain.sh): the host's gcc of that version, or a root
# made from distros/toolchains.mk's packages. What chooses it is the module's toolchain.
TC.kmod := $(BUILD)/toolchain/kmod.id
$(TC.kmod): FORCE
	$(call filechk,toolchain_kmod)
filechk_toolchain_kmod = echo "TOOLCHAINS=$(TOOLCHAINS) PACKAGES=$(TOOLCHAIN_PACKAGES) FP_KBUILD_ARGS=$(FP_KBUILD_ARGS)"; \
	sha256sum mk/toolchain.sh; for cc in $(foreach t,$(TOOLCHAINS),$(call field,1,$(t))); do \
	  for c in $$cc $(foreach a,$(filter-out $(HOST_ARCH),$(ARCHES)),$(a)-linux-gnu-$$cc); do \
	    ! command -v $$c >/dev/null || $$c --version | head -n 1; done; done

# Who signs the modules (MODULE_SIGNING_KEY, mk/build-output.sh): its certificate's fingerprint,
# never the key. An input of every module where a key is given, so that a new key signs what is
# built from then on; what a repository has published is not planned again (tools/plan), so it
# keeps its signature. A run without a key rebuilds nothing for it (a module signed before stays
# as it is).
MODSIGN_ID := $(BUILD)/toolchain/module-signing.id
$(MODSIGN_ID): FORCE
	$(call filechk,module_signing)
filechk_module_signing = $(if $(MODULE_SIGNING_KEY),\
	fp=$$(sh mk/module-sign.sh fingerprint '$(call escsq,$(MODULE_SIGNING_KEY))') && echo "certificate_sha256=$$fp",\
	echo unsigned)

# The scripts whose work reaches an output's bytes, and each distribution's tree fixup.
$(foreach d,$(DISTROS),$(eval OUT_DEPS.$(d) := mk/kernel-tree.sh mk/build-output.sh $($(d)_FIXUP)))
OUT_DEPS.kmod := mk/toolchain.sh mk/module-sign.sh $(if $(MODULE_SIGNING_KEY),$(MODSIGN_ID))

# A package that cannot be had fails the kernels that need it, not the run: under make -k it is
# recorded for them (mk/kernel-tree.sh) and the run goes on to its summary. It is asked for
# again on the next run.
$(PKG_DIR)/%: | $(call tool,fetch)
	$(call run,FETCH   $(word 2,$(PKG.$*)),mkdir -p $(@D) $(RUN_DIR) && \
	  $(FETCH) --quiet --sha256 $* --size $(word 1,$(PKG.$*)) '$(word 2,$(PKG.$*))' $@ 2>$@.err \
	  || { rc=$$?; cat $@.err >&2; \
	    if [ $$rc = 4 ]; then why='the mirror no longer has $(word 2,$(PKG.$*))'; \
	    else why="cannot download $(word 2,$(PKG.$*)): $$(tail -n 1 $@.err)"; fi; rm -f $@.err; \
	    printf '%s\t%s\n' $@ "$$why" >> $(RUN_DIR)/packages.failed; [ '$(KEEP_GOING)' = 1 ] || exit $$rc; }; \
	  rm -f $@.err)

# The run's context: the settings every output's scripts read (mk/lib.sh sources it from
# FP_CONTEXT), its directories absolute (mk/config.mk), written when make reads its makefiles.
# What differs between outputs (driver version, kind, make -k for this output) is passed to each.
# FP_MAKE_PID is the make process of this run (the last part of its id, mk/run.sh): a failure
# seen after it has gone is an interruption, never a verdict.
RUN_CONTEXT := $(RUN_DIR)/context
define run_context
# This run's settings (mk/outputs.mk), for mk/lib.sh to source.
FP_BIN='$(call escsq,$(BIN))'
FP_CACHE='$(call escsq,$(CACHE))'
FP_DIST='$(call escsq,$(DIST))'
FP_WORK='$(call escsq,$(WORK))'
FP_IDS='$(call escsq,$(IDS_DIR))'
FP_LOGS='$(call escsq,$(LOG_DIR))'
FP_RECORDS='$(call escsq,$(RECORD_DIR))'
FP_VERDICTS='$(call escsq,$(VERDICT_DIR))'
FP_VERDICT_FORMAT='$(VERDICT_FORMAT)'
FP_FETCH_RETRIES='$(FETCH_RETRIES)'
FP_HOST_ARCH='$(call escsq,$(HOST_ARCH))'
FP_RUN='$(call escsq,$(RUN_DIR))'
FP_MAKE_PID='$(call escsq,$(lastword $(subst ., ,$(RUN_ID))))'
CLANG='$(call escsq,$(CLANG))'
LLC='$(call escsq,$(LLC))'
LLVM_OBJCOPY='$(call escsq,$(LLVM_OBJCOPY))'
FP_KBUILD_ARGS='$(call escsq,$(FP_KBUILD_ARGS))'
FP_MODULE_SIGNING_KEY='$(call escsq,$(MODULE_SIGNING_KEY))'
FP_MODULE_SIGNING_ID='$(call escsq,$(MODSIGN_ID))'
TOOLCHAINS='$(call escsq,$(foreach t,$(TOOLCHAINS),$(call field,1,$(t))|$(call field,2,$(t))|$(call field,3,$(t))|$($(call field,4,$(t)))))'
TOOLCHAIN_PACKAGES='$(call escsq,$(TOOLCHAIN_PACKAGES))'
FP_KEYRING_debian='$(call escsq,$(abspath $(debian_KEYRING)))'
FP_KEYRING_ubuntu='$(call escsq,$(abspath $(ubuntu_KEYRING)))'
endef
ifneq ($(RUN_ID),none)
$(file >$(RUN_CONTEXT).tmp,$(run_context))
$(shell mv -f $(RUN_CONTEXT).tmp $(RUN_CONTEXT))
endif

# Whether this host can make the namespaces a compiler root is entered with (bubblewrap, run as
# mk/build-output.sh runs it): checked once a run, before any kernel's tree is made, and said
# once when the run plans kernel modules. Without them a module whose compiler must come from a
# root is a fault (mk/toolchain.sh reads this file), never a verdict; the rest is built.
$(RUN_DIR)/namespaces:
	$(Q)mkdir -p $(@D) && if why=$$(bwrap --bind / / --dev /dev --proc /proc --tmpfs /tmp true 2>&1); then \
	  echo ok > $@.tmp; else echo "$${why:-bwrap failed}" | head -n 1 > $@.tmp; \
	  [ -z '$(filter kmod,$(foreach d,$(NEED_DISTROS),$(PLANNED_KINDS.$(d))))' ] || \
	  printf '  WARN    %s\n' "this host cannot make user namespaces ($$(cat $@.tmp)): a kernel module whose \
	compiler must come from a root (mk/toolchain.sh) is a fault, tried again next run, not built here; run make \
	where bubblewrap can make namespaces (README: Kernel modules and their compilers)" >&2; fi; \
	  mv -f $@.tmp $@

KERNEL_TREE = FP_CONTEXT=$(RUN_CONTEXT) FP_KEEP_GOING=$(KEEP_GOING) sh mk/kernel-tree.sh
# The tools that an output's scripts run, made before the first kernel's tree: every output
# needs its tree first.
OUTPUT_TOOLS := $(call tool,extract) $(call tool,falco-name) $(call tool,build-failure) $(call tool,fetch) \
  $(call tool,kernel-banner)
# FP_IMAGE: the kernel's image package (sha256, size, URL), whose banner names the kernel's
# compiler where its headers do not (fetched then only).
$(WORK)/%/.tree: | $(OUTPUT_TOOLS) $(RUN_DIR)/namespaces
	$(call run,TREE    $(subst /, ,$*),FP_FIXUP=$($(firstword $(subst /, ,$*))_FIXUP) \
	  FP_IMAGE='$(if $(IMG.$*),$(IMG.$*) $(PKG.$(IMG.$*)))' \
	  $(KERNEL_TREE) $(IDS_DIR)/$*.id $(@D) $(filter $(PKG_DIR)/%,$|))

# With -k a failed output lets make go on to the distribution's summary, which fails the run; an
# output named on the command line in a run without a summary fails make itself.
output_keep_going = $(if $(filter $(DISTROS) all,$(MAKECMDGOALS)),$(KEEP_GOING),$(if $(filter $@,$(GOALS)),,$(KEEP_GOING)))
BUILD_OUTPUT = FP_CONTEXT=$(RUN_CONTEXT) FP_KEEP_GOING=$(output_keep_going) sh mk/build-output.sh
# The settings of one driver version's build.
output_env = FP_DRIVER_VERSION='$(1)' FP_DRIVER_DIR=$(DRVDIR.$(1)) FP_RULES='$(FALCO_RULES)' FP_LAYOUT='$(LAYOUT)' \
  FP_TOOLCHAIN=$(TC.$(2))
# A path under DIST as the user named DIST, for labels.
shown = $(patsubst $(DIST)/%,$(DIST_AS_GIVEN)/%,$(1))

# The rules tools/plan writes call these, with what they know of the output (nothing is read
# back out of its path):
# $(call build_output,distro,kernel id,kind,release,driver version,uname -r)
build_output = $(call run,$(if $(filter kmod,$(3)),KMOD    ,PROBE   )$(1) $(6) -> $(call shown,$@),\
  $(call output_env,$(5),$(3)) $(BUILD_OUTPUT) $@ $(1)/$(2) $(3) $(4))
# $(call copy_output,distro,kernel id,release,driver version)
copy_output = $(call run,COPY    $(call shown,$@),$(call output_env,$(4),bpf) $(BUILD_OUTPUT) --copy $< $@ $(1)/$(2) $(3))
# $(call done_kernel,<d>/<kernel id>): every planned output of the kernel is made.
done_kernel = $(if $(wildcard $(WORK)/$(1)),@rm -rf $(WORK)/$(1) && rmdir $(WORK)/$(dir $(1)) $(WORK) 2>/dev/null || :)
