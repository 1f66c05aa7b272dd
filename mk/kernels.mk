# From listings to a run's plan: the tables made from each distribution's listing
# ($(BUILD)/listing/<d>.tsv, mk/family.mk) and the plan of what this run builds, the make rules
# of that work alone; make remakes a table when its listing or naming settings changed.
#
# The listing: one kernel per line, tab-separated:
#   os-release file | uname -m | uname -r | uname -v (as far as the index tells) |
#   kernel build tree under the extraction root | packages <url>|<sha256>|<size> ... |
#   kernel image packages, same form, or -
#
#   kernels/<d>.kernels        each kernel: its id and its listing's fields, and its identity
#                              ($(BUILD)/kernels/<d>/<kernel id>.id) (tools/kernels-mk kernels)
#   kernels/<dv>/<d>.outputs   each output of driver version dv: path, kernel, kind, releases,
#                              role (tools/kernels-mk outputs)
#   $(BUILD)/plan/<d>.mk       the rules of the outputs this run builds, grouped by kernel, and of
#                              what its goals name (tools/plan): less what REPO has, outside SHARD
#                              or failed before; .list holds their paths, .report what was left
#                              out and why
.PRECIOUS: $(BUILD)/naming/%.id

# The naming settings a driver version's table was made with; rewritten only when they change.
$(BUILD)/naming/%.id: FORCE
	$(call filechk,naming)
filechk_naming = echo '$(RELEASES.$*) FLAT_ARCH=$(FLAT_ARCH)'

# A table is rewritten only when its text changes (make then sees change, not activity); its
# stamp says it was made from the listing it has now.
TABLES := $(BUILD)/tables
# When a run first listed each kernel (tools/kernels-mk --seen).
SEEN := $(BUILD)/seen
quiet_cmd_kernels_table = KERNELS $(KERNELS)/$(D).kernels
      cmd_kernels_table = mkdir -p $(IDS_DIR)/$(D) $(KERNELS) $(@D) $(SEEN) && $(call tool,kernels-mk) kernels --distro $(D) \
	--ids $(IDS_DIR)/$(D) --table $(KERNELS)/$(D).kernels --seen $(SEEN)/$(D).tsv --now $(RUN_TIME) $< && touch $@
quiet_cmd_outputs_table = KERNELS $(KERNELS)/$(DV)/$(D).outputs
      cmd_outputs_table = mkdir -p $(KERNELS)/$(DV) $(@D) && $(call tool,kernels-mk) outputs --distro $(D) --driver-version '$(DV)' \
	$(foreach s,$(RELEASES.$(DV)),--release '$(s)') --kinds '$(or $($(D)_KINDS),bpf kmod)' --flat-arch '$(FLAT_ARCH)' \
	--outputs $(KERNELS)/$(DV)/$(D).outputs $< && touch $@

# $(call distro_tables,distro)
define distro_tables
$(TABLES)/$(1).kernels.stamp: $(BUILD)/listing/$(1).tsv $(call tool,kernels-mk)
	$$(call cmd,kernels_table)
$(TABLES)/$(1).kernels.stamp: D := $(1)
$(KERNELS)/$(1).kernels: $(TABLES)/$(1).kernels.stamp ;
$(foreach dv,$(SELECTED_DVS),$(eval $(call dv_table,$(1),$(dv))))
endef
define dv_table
$(TABLES)/$(2)/$(1).outputs.stamp: $(BUILD)/listing/$(1).tsv $(BUILD)/naming/$(2).id $(call tool,kernels-mk) $(wildcard distros/$(1).mk)
	$$(call cmd,outputs_table)
$(TABLES)/$(2)/$(1).outputs.stamp: D := $(1)
$(TABLES)/$(2)/$(1).outputs.stamp: DV := $(2)
$(KERNELS)/$(2)/$(1).outputs: $(TABLES)/$(2)/$(1).outputs.stamp ;
endef
$(foreach d,$(NEED_DISTROS),$(eval $(call distro_tables,$(d))))
.PRECIOUS: $(KERNELS)/%.kernels $(KERNELS)/%.outputs

# The stamps a verdict is checked against (tools/plan): those that exist; one that does not yet
# makes every verdict of its outputs void.
plan_stamps = $(foreach dv,$(SELECTED_DVS),$(if $(wildcard $(DRV.$(dv))),$(dv)=$(DRV.$(dv)))) \
	$(foreach k,bpf kmod,$(if $(wildcard $(TC.$(k))),$(k)=$(TC.$(k))))
# What the goals name, for the plan to write the rules of whatever it plans: outputs under
# $(DIST) (relative to it), their boot verification, packages of the cache.
verify_goals = $(patsubst $(DIST)/%.verified,%,$(filter $(DIST)/%.verified,$(GOALS)))
output_goals = $(patsubst $(DIST)/%,%,$(filter-out %.verified,$(dist_goals)))
package_goals = $(patsubst $(CACHE)/packages/%,%,$(filter $(CACHE)/packages/%,$(GOALS)))
# $(call state_args,distro): where what became of a distribution's outputs is read, and what
# each output's inputs are (tools/outputs.h), for the plan and for tools/output-state alike.
state_args = --distro $(1) --kernels $(KERNELS)/$(1).kernels --dist $(DIST) --verdicts $(VERDICT_DIR) \
	--verdict-format $(VERDICT_FORMAT) --kernel-ids $(IDS_DIR) $(foreach s,$(plan_stamps),--stamp $(s)) \
	$(foreach f,$(OUT_DEPS.$(1)),--dep $(f)) $(foreach k,bpf kmod,$(foreach f,$(OUT_DEPS.$(k)),--kind-dep $(k)=$(f))) \
	$(foreach dv,$(SELECTED_DVS),$(if $(wildcard $(KERNELS)/$(dv)/$(1).outputs),--outputs '$(dv)=$(KERNELS)/$(dv)/$(1).outputs'))
quiet_chk_plan = PLAN    $(D)
filechk_plan = $(call tool,plan) $(call state_args,$(D)) --list $(@:.mk=.list) --report $(@:.mk=.report) \
	$(foreach r,$(SELECTED_RELEASES),--release $(r)) \
	$(if $(REPO),--published $(REMOTE_PATHS)) $(if $(SHARD),--shard $(SHARD)) \
	$(if $(filter 1,$(RETRY_FAILED)),--retry-failed) \
	$(foreach g,$(output_goals),--goal '$(g)') $(foreach g,$(verify_goals),--verify-goal '$(g)') \
	$(foreach g,$(package_goals),--package-goal '$(g)') $(if $(filter verify verify-$(D),$(MAKECMDGOALS)),--verify-all) \
	$(if $(MAKECMDGOALS),$(if $(filter-out list-% coverage,$(MAKECMDGOALS)),,--list-only))
define distro_plan
$(BUILD)/plan/$(1).mk: FORCE $(KERNELS)/$(1).kernels $(foreach dv,$(SELECTED_DVS),$(KERNELS)/$(dv)/$(1).outputs) \
  $(if $(REPO),$(REMOTE_PATHS)) $(call tool,plan) $(wildcard $(VERDICT_DIR)/.changed) \
  $(foreach s,$(plan_stamps),$(lastword $(subst =, ,$(s)))) $(OUT_DEPS.$(1))
	$$(call filechk,plan)
$(BUILD)/plan/$(1).mk: D := $(1)
$(BUILD)/plan/$(1).list $(BUILD)/plan/$(1).report: $(BUILD)/plan/$(1).mk ;
endef

# Tables are made only once the driver versions are known, so that none is made for a version
# this run does not build. The plan is made on every run, with the run's settings (SHARD, REPO,
# RELEASES, RETRY_FAILED, the goals) on its command line (tools/plan stats the outputs against
# their inputs, as make would), and holds the rules of the work there is and of what the goals
# name: a run reads rules in proportion to its work, and a run with nothing to do reads none.
ifneq ($(SELECTED_DVS),)
$(foreach d,$(NEED_DISTROS),$(eval $(call distro_plan,$(d))))
include $(foreach d,$(NEED_DISTROS),$(BUILD)/plan/$(d).mk)
.SECONDARY: $(foreach d,$(NEED_DISTROS),$(TREES.$(d)))
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
# outputs built, verified, failed, fault, unservable and pending (tools/output-state).
.PHONY: coverage
coverage: | $(call tool,output-state)
	@$(foreach d,$(DISTROS),$(if $(wildcard $(KERNELS)/$(d).kernels),$(call tool,output-state) coverage \
	  $(call state_args,$(d)) --runs $(BUILD)/runs $(foreach r,$(SELECTED_RELEASES),--release $(r)) &&)) :
