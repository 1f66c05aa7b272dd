# From listings to probes: which fragments this run needs, the goals per distribution, and the
# summary. A fragment kernels/<driver-version>/<distro>.mk is generated from the distribution's
# listing ($(BUILD)/listing/<distro>.tsv, made by the family's rules: mk/apt.mk...) and included;
# make regenerates it first when the listing or the naming settings changed, then restarts.
#
# The listing: one kernel per line, tab-separated:
#   os-release file | uname -m | uname -r | uname -v (as far as the index tells) |
#   kernel build tree under the extraction root | packages <url>|<sha256>|<size> ... |
#   kernel image packages, same form, or -

$(BUILD)/listing/%.tsv: $(BUILD)/listing/%.stamp ;
# Made by their stamps' rules: never intermediate files for make to delete after a restart.
.PRECIOUS: $(BUILD)/listing/%.tsv $(BUILD)/naming/%.id

ifneq ($(NEED_DISTROS),)
include $(DRIVER_INFO)
endif

# A driver tree declares its version; a probe must be published under that one.
ifneq ($(DRIVER_TREE_VERSION),)
ifneq ($(DRIVER_TREE_VERSION),$(DRIVER_VERSION))
ifeq ($(DRIVER_VERSION),)
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

# Boot-verification rules are read only when a goal verifies.
ifneq ($(NEED_VERIFY),)
$(foreach d,$(NEED_DISTROS),$(foreach p,$(PROBES_$(d)),$(if $(IMAGE_$(p)),\
  $(eval $(call image_rule,$(p),$(d),$(word 1,$(IMAGE_$(p))),$(word 2,$(IMAGE_$(p))),$(word 3,$(IMAGE_$(p))))))))
endif

# $(call distro_goals,distro)
# What a run builds of a distribution: its probes less those REPO has, in SHARD (mk/repo.mk).
define distro_goals
.PHONY: $(1) list-$(1)
WANT_$(1) := $$(call repo_select,$(1),$$(PROBES_$(1)))
$(1): $$(WANT_$(1))
	@sh mk/summary.sh $(RUN_DIR) $(1) $$(words $$(WANT_$(1))) $(LOG_DIR)
# make prints the list itself: thousands of paths are too long for one shell command.
list-$(1):
	$$(foreach p,$$(sort $$(WANT_$(1))),$$(info $$(p)))@:
endef
$(foreach d,$(DISTROS),$(eval $(call distro_goals,$(d))))

.PHONY: all
all: $(DISTROS)

# A distribution whose kernels are given as a listing file (d_FAMILY := listing,
# d_LISTING := path): a curated list, or a synthetic one for the benchmarks.
define listing_distro_rules
$(BUILD)/listing/$(1).stamp: $($(1)_LISTING)
	@mkdir -p $$(@D)
	$(Q)LC_ALL=C sort $$< > $(BUILD)/listing/$(1).tsv.tmp && \
	  if cmp -s $(BUILD)/listing/$(1).tsv.tmp $(BUILD)/listing/$(1).tsv; then rm -f $(BUILD)/listing/$(1).tsv.tmp; \
	  else mv -f $(BUILD)/listing/$(1).tsv.tmp $(BUILD)/listing/$(1).tsv; fi
	@touch $$@
endef

$(foreach d,$(DISTROS),$(eval $(call $($(d)_FAMILY)_distro_rules,$(d))))
