# The Falco releases a run serves, and the driver versions they ask for.
#
#   FALCO_VERSIONS="0.28.1 0.39.2 0.44.1"   the releases to serve (or "all"); each brings its
#                                            driver version, naming rules and layout. The default
#                                            serves the newest release (0.44.1, kernel modules)
#                                            and the newest with legacy probes (0.43.1).
#   make falco-versions                      the table of releases (tools/falconame.c holds it)
#   make dist/<driver version>/...           that one file, for any driver version of the table
#   make drivers                             fetch, check and configure the selected releases'
#                                            driver sources, and nothing else (mk/driver.mk)
#
# A driver source of one's own (DRIVER_SOURCE=debian-dkms, a tree or an archive: mk/driver.mk)
# is built instead, as the one release $(DRIVER_RELEASE) (default "custom") of its declared
# driver version.
#
# The table reaches make as $(BUILD)/falco-releases.mk (falco-name --releases-mk):
# FALCO_RELEASES, and per release FALCO_DV.<release>, FALCO_KINDS.<release>, per driver version
# FALCO_TREE.<driver version> (the content hash its source is pinned to).

FALCO_VERSIONS ?= 0.44.1 0.43.1

FALCO_TABLE := $(BUILD)/falco-releases.mk
$(FALCO_TABLE): $(call tool,falco-name)
	$(call filechk,falco_table)
filechk_falco_table = $(call tool,falco-name) --releases-mk

ifneq ($(NEED_DISTROS)$(filter falco-versions drivers coverage repo index,$(MAKECMDGOALS)),)
include $(FALCO_TABLE)
endif

.PHONY: falco-versions
falco-versions: | $(call tool,falco-name)
	@$(call tool,falco-name) --releases | column -t -s "$$(printf '\t')"
	@echo "COS: no release asks for a kernel module on COS; Falco 0.37.0-0.38.2 cannot name a COS kernel" \
	  "(0.37 asks for falco_cos__1.o, one name for every COS host; 0.38 for nothing): they get none."

ifeq ($(CUSTOM_DRIVER),)
ifneq ($(FALCO_RELEASES),)
SELECTED_RELEASES := $(if $(filter all,$(FALCO_VERSIONS)),$(FALCO_RELEASES),$(FALCO_VERSIONS))
$(foreach r,$(filter-out $(FALCO_RELEASES),$(SELECTED_RELEASES)),\
  $(error FALCO_VERSIONS: Falco $(r) is not in the table (make falco-versions lists it)))
# A goal under dist/<driver version>/ brings every release asking for that driver version.
SELECTED_RELEASES += $(foreach r,$(FALCO_RELEASES),$(if $(filter $(FALCO_DV.$(r)),$(goal_driver_versions)),$(r)))
SELECTED_RELEASES := $(sort $(SELECTED_RELEASES))
$(foreach dv,$(filter-out $(foreach r,$(FALCO_RELEASES),$(FALCO_DV.$(r))),$(goal_driver_versions)),\
  $(error no Falco release asks for driver version $(dv) (make falco-versions lists them)))
SELECTED_DVS := $(sort $(foreach r,$(SELECTED_RELEASES),$(FALCO_DV.$(r))))
# A fragment names the outputs of every release of its driver version; the plan keeps those of
# the selected releases.
$(foreach dv,$(SELECTED_DVS),$(eval RELEASES.$(dv) := $(foreach r,$(FALCO_RELEASES),$(if $(filter $(dv),$(FALCO_DV.$(r))),$(r)))))
$(foreach dv,$(SELECTED_DVS),$(eval KINDS.$(dv) := $(sort $(foreach r,$(RELEASES.$(dv)),$(FALCO_KINDS.$(r))))))
endif
endif
