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


# What a probe's bytes depend on besides its packages and the driver tree: the compilers, the
# flags and this recipe. The file changes only when that text does (kbuild's if_changed), so a
# new compiler rebuilds every probe and an unchanged one rebuilds none.
TC.bpf := $(BUILD)/toolchain/bpf.id
FP_KBUILD_ARGS ?=
$(TC.bpf): FORCE
	$(call filechk,toolchain_bpf)
filechk_toolchain_bpf = echo "CLANG=$(CLANG) LLC=$(LLC) FP_KBUILD_ARGS=$(FP_KBUILD_ARGS)"; \
	$(CLANG) --version | head -n 1; $(LLC) --version | sed -n 2p

# The scripts whose work reaches an output's bytes, and each distribution's tree fixup.
$(foreach d,$(DISTROS),$(eval OUT_DEPS.$(d) := mk/kernel-tree.sh mk/build-output.sh $($(d)_FIXUP)))

$(PKG_DIR)/%: | $(call tool,fetch)
	$(call run,FETCH   $(word 2,$(PKG.$*)),mkdir -p $(@D) && \
	  $(call tool,fetch) --quiet --sha256 $* --size $(word 1,$(PKG.$*)) '$(word 2,$(PKG.$*))' $@)

KERNEL_TREE = FP_BIN=$(BIN) FP_LOGS=$(LOG_DIR) FP_KEEP_GOING=$(KEEP_GOING) sh mk/kernel-tree.sh
$(WORK)/%/.tree: | $(call tool,extract)
	$(call run,TREE    $(subst /, ,$*),FP_FIXUP=$($(firstword $(subst /, ,$*))_FIXUP) \
	  $(KERNEL_TREE) $(IDS_DIR)/$*.id $(@D) $(filter $(PKG_DIR)/%,$|))

# The driver version of an output path.
path_dv = $(firstword $(subst /, ,$(patsubst $(DIST)/%,%,$(1))))
BUILD_OUTPUT = FP_BIN=$(BIN) FP_DIST=$(DIST) FP_WORK=$(WORK) FP_IDS=$(IDS_DIR) FP_LOGS=$(LOG_DIR) \
  FP_RUN=$(RUN_DIR) FP_KEEP_GOING=$(KEEP_GOING) FP_RECORDS=$(RECORD_DIR) CLANG='$(CLANG)' LLC='$(LLC)' \
  FP_KBUILD_ARGS='$(FP_KBUILD_ARGS)' sh mk/build-output.sh
# The settings of one driver version's build.
output_env = FP_DRIVER_VERSION='$(1)' FP_DRIVER_DIR=$(DRVDIR.$(1)) FP_DRIVER_TREE_SHA256=$(DRVSHA.$(1)) \
  FP_DRIVER_SOURCE_SHA256=$(DRVSRC.$(1)) FP_RULES='$(RULES.$(1))' FP_LAYOUT='$(LAYOUT.$(1))' FP_TOOLCHAIN=$(TC.bpf)

# $(call build_output,<d>/<kernel id>,kind,release)
build_output = $(call run,PROBE   $(firstword $(subst /, ,$(1))) $(call kid_release,$(1)) -> $@,\
  $(call output_env,$(call path_dv,$@)) $(BUILD_OUTPUT) $@ $(1) $(2) $(3))
# $(call copy_output,<d>/<kernel id>,release)
copy_output = $(call run,COPY    $@,$(call output_env,$(call path_dv,$@)) $(BUILD_OUTPUT) --copy $< $@ $(1) $(2))
# The uname -r a kernel id names: the id is <os-release name>_<uname -r>.
kid_release = $(patsubst $(firstword $(subst _, ,$(notdir $(1))))_%,%,$(notdir $(1)))
# $(call done_kernel,<d>/<kernel id>): every planned output of the kernel is made.
done_kernel = $(if $(wildcard $(WORK)/$(1)),@rm -rf $(WORK)/$(1) && rmdir $(WORK)/$(dir $(1)) $(WORK) 2>/dev/null || :)
