# What this run's goals ask for, decided before any rule is defined: the distributions whose
# fragments must be read, and the driver version a goal under dist/ names.

# A goal below DIST or CACHE may be named relative to make's directory, as README shows it
# (`make dist/...`), while every rule names its target absolute (mk/config.mk): such a goal is
# made as the absolute path it names.
rel_goals := $(foreach g,$(MAKECMDGOALS),$(if $(filter-out $(g),$(abspath $(g))),$(if \
  $(filter $(DIST)/% $(CACHE)/%,$(abspath $(g))),$(g))))
.PHONY: $(rel_goals)
$(foreach g,$(rel_goals),$(eval $(g): $(abspath $(g))))
GOALS := $(filter-out $(rel_goals),$(MAKECMDGOALS)) $(abspath $(rel_goals))

# Distributions whose probes this run's goals name.
dist_goals := $(filter $(DIST)/%,$(GOALS))
NEED_DISTROS := $(sort \
  $(if $(filter all verify,$(MAKECMDGOALS)),$(DISTROS)) \
  $(foreach d,$(DISTROS),$(if $(filter $(d) list-$(d) verify-$(d),$(MAKECMDGOALS)),$(d))) \
  $(foreach d,$(DISTROS),$(if $(filter $($(d)_NAMES),$(notdir $(dist_goals))),$(d))))

# `make dist/<driver-version>/...` builds for the driver versions its paths name (mk/falco.mk).
goal_driver_versions := $(sort $(foreach g,$(dist_goals),$(firstword $(subst /, ,$(patsubst $(DIST)/%,%,$(g))))))

NEED_DRIVER := $(NEED_DISTROS) $(filter drivers,$(MAKECMDGOALS))
# A goal in the package cache may be an image package, which only verification defines.
NEED_VERIFY := $(filter-out verify-repo,$(filter verify verify-% %.verified $(CACHE)/packages/%,$(GOALS)))
