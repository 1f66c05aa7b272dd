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
	  ! command -v $$cc >/dev/null || $$cc --version | head -n 1; done

# The scripts whose work reaches an output's bytes, and each distribution's tree fixup.
$(foreach d,$(DISTROS),$(eval OUT_DEPS.$(d) := mk/kernel-tree.sh mk/build-output.sh $($(d)_FIXUP)))
OUT_DEPS.kmod := mk/toolchain.sh

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

# The make process of this run (the last part of its id, mk/run.sh): a failure seen after it
# has gone is an interruption, never a verdict.
MAKE_PID := $(lastword $(subst ., ,$(RUN_ID)))
KERNEL_TREE = FP_BIN=$(BIN) FP_LOGS=$(LOG_DIR) FP_RUN=$(RUN_DIR) FP_KEEP_GOING=$(KEEP_GOING) FP_MAKE_PID=$(MAKE_PID) \
  sh mk/kernel-tree.sh
$(WORK)/%/.tree: | $(call tool,extract)
	$(call run,TREE    $(subst /, ,$*),FP_FIXUP=$($(firstword $(subst /, ,$*))_FIXUP) \
	  $(KERNEL_TREE) $(IDS_DIR)/$*.id $(@D) $(filter $(PKG_DIR)/%,$|))

# The driver version of an output path.
path_dv = $(firstword $(subst /, ,$(patsubst $(DIST)/%,%,$(1))))
# With -k a failed output lets make go on to the distribution's summary, which fails the run; an
# output named on the command line in a run without a summary fails make itself.
output_keep_going = $(if $(filter $(DISTROS) all,$(MAKECMDGOALS)),$(KEEP_GOING),$(if $(filter $@,$(abspath $(MAKECMDGOALS))),,$(KEEP_GOING)))
BUILD_OUTPUT = FP_BIN=$(BIN) FP_DIST=$(DIST) FP_WORK=$(WORK) FP_IDS=$(IDS_DIR) FP_LOGS=$(LOG_DIR) FP_MAKE_PID=$(MAKE_PID) \
  FP_RUN=$(RUN_DIR) FP_KEEP_GOING=$(output_keep_going) FP_RECORDS=$(RECORD_DIR) FP_VERDICTS=$(VERDICT_DIR) \
  CLANG='$(CLANG)' LLC='$(LLC)' FP_KBUILD_ARGS='$(FP_KBUILD_ARGS)' sh mk/build-output.sh
# The settings of one driver version's build.
output_env = FP_DRIVER_VERSION='$(1)' FP_DRIVER_DIR=$(DRVDIR.$(1)) FP_RULES='$(FALCO_RULES)' FP_LAYOUT='$(LAYOUT)' \
  FP_TOOLCHAIN=$(TC.$(2))

# $(call build_output,<d>/<kernel id>,kind,release)
build_output = $(call run,$(if $(filter kmod,$(2)),KMOD    ,PROBE   )$(firstword $(subst /, ,$(1))) $(call kid_release,$(1)) -> $@,\
  $(call output_env,$(call path_dv,$@),$(2)) $(TOOLCHAIN_ENV) $(BUILD_OUTPUT) $@ $(1) $(2) $(3))
# Where the roots of kernels' compilers come from (mk/toolchain.sh).
# Each spec with its mirror variable's value.
TOOLCHAIN_ENV = TOOLCHAINS='$(foreach t,$(TOOLCHAINS),$(call field,1,$(t))|$(call field,2,$(t))|$(call field,3,$(t))|$($(call field,4,$(t))))' \
  TOOLCHAIN_PACKAGES='$(TOOLCHAIN_PACKAGES)' FP_CACHE=$(CACHE) \
  FP_KEYRING_debian=$(abspath $(debian_KEYRING)) FP_KEYRING_ubuntu=$(abspath $(ubuntu_KEYRING))
# $(call copy_output,<d>/<kernel id>,release)
copy_output = $(call run,COPY    $@,$(call output_env,$(call path_dv,$@),bpf) $(BUILD_OUTPUT) --copy $< $@ $(1) $(2))
# The uname -r a kernel id names: the id is <os-release name>_<uname -r>.
kid_release = $(patsubst $(firstword $(subst _, ,$(notdir $(1))))_%,%,$(notdir $(1)))
# $(call done_kernel,<d>/<kernel id>): every planned output of the kernel is made.
done_kernel = $(if $(wildcard $(WORK)/$(1)),@rm -rf $(WORK)/$(1) && rmdir $(WORK)/$(dir $(1)) $(WORK) 2>/dev/null || :)
