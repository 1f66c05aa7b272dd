# From listings to a run's plan: the fragments generated from each distribution's listing
# ($(BUILD)/listing/<d>.tsv, mk/family.mk) and the plan of what this run builds; make
# regenerates a fragment when its listing or naming settings changed, then restarts.
#
# The listing: one kernel per line, tab-separated:
#   os-release file | uname -m | uname -r | uname -v (as far as the index tells) |
#   kernel build tree under the extraction root | packages <url>|<sha256>|<size> ... |
#   kernel image packages, same form, or -
#
#   kernels/<d>.mk             each kernel's tree, packages and identity (tools/kernels-mk kernels)
#   kernels/<dv>/<d>.mk        each output of driver version dv (tools/kernels-mk outputs), with
#                              its table (.outputs) and boot verification rules (.verify.mk)
#   $(BUILD)/plan/<d>.mk       the outputs this run builds, grouped by kernel (tools/plan): less
#                              those REPO has, in SHARD; .list holds their paths, .report what
#                              was left out and why
.PRECIOUS: $(BUILD)/naming/%.id

# The naming settings a driver version's fragments were generated with; rewritten only when
# they change.
$(BUILD)/naming/%.id: FORCE
	$(call filechk,naming)
filechk_naming = echo '$(RELEASES.$*)'

quiet_chk_kernels_mk = KERNELS $@
filechk_kernels_mk = mkdir -p $(IDS_DIR)/$(D) && $(call tool,kernels-mk) kernels --distro $(D) --ids $(IDS_DIR)/$(D) $<
quiet_chk_outputs_mk = KERNELS $@
filechk_outputs_mk = $(call tool,kernels-mk) outputs --distro $(D) --driver-version '$(DV)' \
	$(foreach s,$(RELEASES.$(DV)),--release '$(s)') --kinds '$(or $($(D)_KINDS),bpf kmod)' --outputs $(@:.mk=.outputs) --verify $(@:.mk=.verify.mk) $<

# $(call distro_fragments,distro)
define distro_fragments
$(KERNELS)/$(1).mk: $(BUILD)/listing/$(1).tsv $(call tool,kernels-mk)
	$$(call filechk,kernels_mk)
$(KERNELS)/$(1).mk: D := $(1)
$(foreach dv,$(SELECTED_DVS),$(eval $(call dv_fragment,$(1),$(dv))))
endef
define dv_fragment
$(KERNELS)/$(2)/$(1).mk: $(BUILD)/listing/$(1).tsv $(BUILD)/naming/$(2).id $(call tool,kernels-mk) $(wildcard distros/$(1).mk)
	$$(call filechk,outputs_mk)
$(KERNELS)/$(2)/$(1).mk: D := $(1)
$(KERNELS)/$(2)/$(1).mk: DV := $(2)
# Made by the fragment's rule, with it.
$(KERNELS)/$(2)/$(1).outputs $(KERNELS)/$(2)/$(1).verify.mk: $(KERNELS)/$(2)/$(1).mk ;
endef
$(foreach d,$(NEED_DISTROS),$(eval $(call distro_fragments,$(d))))

# The stamps a verdict is checked against (tools/plan): those that exist; one that does not yet
# makes every verdict of its outputs void.
plan_stamps = $(foreach dv,$(SELECTED_DVS),$(if $(wildcard $(DRV.$(dv))),$(dv)=$(DRV.$(dv)))) \
	$(foreach k,bpf kmod,$(if $(wildcard $(TC.$(k))),$(k)=$(TC.$(k))))
quiet_chk_plan = PLAN    $(D)
filechk_plan = $(call tool,plan) --distro $(D) --list $(@:.mk=.list) --report $(@:.mk=.report) \
	$(foreach r,$(SELECTED_RELEASES),--release $(r)) \
	$(if $(REPO),--published $(REMOTE_PATHS)) $(if $(SHARD),--shard $(SHARD)) \
	--verdicts $(VERDICT_DIR) --verdict-format $(VERDICT_FORMAT) --dist $(DIST) --kernel-ids $(IDS_DIR) $(foreach s,$(plan_stamps),--stamp $(s)) \
	$(foreach f,$(OUT_DEPS.$(D)),--dep $(f)) $(foreach k,bpf kmod,$(foreach f,$(OUT_DEPS.$(k)),--kind-dep $(k)=$(f))) \
	$(if $(filter 1,$(RETRY_FAILED)),--retry-failed) \
	$(foreach dv,$(SELECTED_DVS),$(KERNELS)/$(dv)/$(D).outputs)
define distro_plan
$(BUILD)/plan/$(1).mk: FORCE $(KERNELS)/$(1).mk $(foreach dv,$(SELECTED_DVS),$(KERNELS)/$(dv)/$(1).outputs) \
  $(if $(REPO),$(REMOTE_PATHS)) $(call tool,plan) $(wildcard $(VERDICT_DIR)/.changed) \
  $(foreach s,$(plan_stamps),$(lastword $(subst =, ,$(s)))) $(OUT_DEPS.$(1))
	$$(call filechk,plan)
$(BUILD)/plan/$(1).mk: D := $(1)
$(BUILD)/plan/$(1).list $(BUILD)/plan/$(1).report: $(BUILD)/plan/$(1).mk ;
endef

# Fragments are made only once the driver versions are known, so that no fragment is made for a
# version this run does not build. The plan's prerequisites are what must exist before it is
# made; it is made on every run all the same, with the run's settings (SHARD, REPO, RELEASES,
# RETRY_FAILED) on its command line (tools/plan stats the outputs
# against their inputs, as make would) and names only the outputs there is work for; a
# distribution's rules (tens of megabytes at fleet scale) are read only when there is, or when
# a goal names an output or its verification: a run with nothing to do reads none of them.
ifneq ($(SELECTED_DVS),)
$(foreach d,$(NEED_DISTROS),$(eval $(call distro_plan,$(d))))
include $(foreach d,$(NEED_DISTROS),$(BUILD)/plan/$(d).mk)
RULE_DISTROS := $(if $(dist_goals)$(NEED_VERIFY),$(NEED_DISTROS),$(foreach d,$(NEED_DISTROS),$(if $(strip $(PLAN.$(d))),$(d))))
include $(foreach d,$(RULE_DISTROS),$(KERNELS)/$(d).mk $(foreach dv,$(SELECTED_DVS),$(KERNELS)/$(dv)/$(d).mk))
.SECONDARY: $(foreach d,$(RULE_DISTROS),$(TREES.$(d)))
ifneq ($(NEED_VERIFY),)
include $(foreach d,$(NEED_DISTROS),$(foreach dv,$(SELECTED_DVS),$(KERNELS)/$(dv)/$(d).verify.mk))
endif
endif

# $(call distro_goals,distro): what a run builds of a distribution, then a summary.
define distro_goals
.PHONY: $(1) list-$(1)
$(1): $$(PLAN.$(1))
	@sh mk/summary.sh $(RUN_DIR) $(1) $$(or $$(PLANNED.$(1)),0) $$(or $$(UPTODATE.$(1)),0) $(DIST) $(LOG_DIR) $(BUILD)/plan/$(1).report \
	  $(if $(FP_QUIET),--quiet)
list-$(1): $(BUILD)/plan/$(1).list
	@sed 's|^|$(DIST_AS_GIVEN)/|' $$<
endef
$(foreach d,$(DISTROS),$(eval $(call distro_goals,$(d))))

.PHONY: all
all: $(DISTROS)

# What the listings hold and what became of it, from the files the last runs left (no mirror is
# asked): per distribution and release, kernels listed and, per driver version and kind,
# outputs built, verified, failed, unservable and pending (mk/coverage.sh).
.PHONY: coverage
coverage:
	@FP_VERDICT_FORMAT=$(VERDICT_FORMAT) sh mk/coverage.sh $(DIST) $(VERDICT_DIR) $(BUILD)/listing $(KERNELS) '$(SELECTED_RELEASES)' \
	  $(foreach d,$(DISTROS),$(if $(wildcard $(BUILD)/listing/$(d).tsv),$(d)))
