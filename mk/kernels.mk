# From listings to probes: which fragments this run needs, the goals per distribution, and the
# summary. A fragment kernels/<driver-version>/<distro>.mk is generated from the distribution's
# listing ($(BUILD)/listing/<distro>.tsv, made by the family's rules: mk/apt.mk...) and included;
# make regenerates it first when the listing or the naming settings changed, then restarts.
#
# The listing: one kernel per line, tab-separated:
#   os-release file | uname -m | uname -r | uname -v (as far as the index tells) |
#   kernel build tree under the extraction root | packages <url>|<sha256>|<size> ... |
#   kernel image packages, same form, or -

$(foreach d,$(DISTROS),$(eval $(call $($(d)_FAMILY)_distro_rules,$(d))))
$(BUILD)/listing/%.tsv: $(BUILD)/listing/%.stamp ;

# Distributions whose probes this run's goals name.
dist_goals := $(filter $(DIST)/%,$(MAKECMDGOALS))
NEED_DISTROS := $(sort \
  $(if $(filter all verify,$(MAKECMDGOALS)),$(DISTROS)) \
  $(foreach d,$(DISTROS),$(if $(filter $(d) list-$(d) verify-$(d),$(MAKECMDGOALS)),$(d))) \
  $(foreach d,$(DISTROS),$(if $(filter $($(d)_NAMES),$(notdir $(dist_goals))),$(d))))

# `make dist/<driver-version>/...` builds for the driver version its path names.
goal_driver_versions := $(sort $(foreach g,$(dist_goals),$(firstword $(subst /, ,$(patsubst $(DIST)/%,%,$(g))))))
ifneq ($(words $(goal_driver_versions)),0)
ifneq ($(words $(goal_driver_versions)),1)
$(error one driver version per run, please: the goals name $(goal_driver_versions))
endif
ifeq ($(origin DRIVER_VERSION),file)
DRIVER_VERSION := $(goal_driver_versions)
else ifneq ($(DRIVER_VERSION),$(goal_driver_versions))
$(error DRIVER_VERSION=$(DRIVER_VERSION), but the goals are under $(DIST)/$(goal_driver_versions))
endif
endif

ifneq ($(NEED_DISTROS),)
include $(DRIVER_INFO)
endif

# A driver tree declares its version; a probe must be published under that one.
ifneq ($(DRIVER_TREE_VERSION),)
ifneq ($(DRIVER_TREE_VERSION),$(DRIVER_VERSION))
ifeq ($(origin DRIVER_VERSION),file)
DRIVER_VERSION := $(DRIVER_TREE_VERSION)
else
$(error DRIVER_SOURCE=$(DRIVER_SOURCE) is driver version $(DRIVER_TREE_VERSION), not $(DRIVER_VERSION))
endif
endif
endif

# The naming settings every fragment was generated with; rewritten only when they change.
NAMING_STAMP = $(BUILD)/naming/$(DRIVER_VERSION).id
$(BUILD)/naming/%.id: FORCE
	@mkdir -p $(@D)
	$(Q)echo 'rules=$(FALCO_RULES) layout=$(LAYOUT)' > $@.tmp && \
	  if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(KERNELS)/$(DRIVER_VERSION)/%.mk: $(BUILD)/listing/%.tsv $(NAMING_STAMP) $(call tool,kernels-mk)
	@mkdir -p $(@D)
	$(Q)$(call tool,kernels-mk) --distro $* --driver-version '$(DRIVER_VERSION)' \
	  --rules '$(FALCO_RULES)' --layout '$(LAYOUT)' $< > $@.tmp && \
	  if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; echo "  KERNELS $@"; fi

# Fragments are included only once the driver version is known, so that no fragment is made
# for a version this run does not build.
ifneq ($(DRIVER_TREE_VERSION),)
include $(foreach d,$(NEED_DISTROS),$(KERNELS)/$(DRIVER_VERSION)/$(d).mk)
endif

# $(call distro_goals,distro)
define distro_goals
.PHONY: $(1) list-$(1)
$(1): $$(PROBES_$(1))
	@sh mk/summary.sh $(RUN_DIR) $(1) $$(words $$(PROBES_$(1))) $(LOG_DIR)
list-$(1):
	@printf '%s\n' $$(sort $$(PROBES_$(1)))
endef
$(foreach d,$(DISTROS),$(eval $(call distro_goals,$(d))))

.PHONY: all
all: $(DISTROS)
