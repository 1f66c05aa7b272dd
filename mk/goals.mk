# What this run's goals ask for, decided before any rule is defined: the distributions whose
# fragments must be read, and the driver version a goal under dist/ names.

# Distributions whose probes this run's goals name.
dist_goals := $(filter $(DIST)/%,$(MAKECMDGOALS))
NEED_DISTROS := $(sort \
  $(if $(filter all verify,$(MAKECMDGOALS)),$(DISTROS)) \
  $(foreach d,$(DISTROS),$(if $(filter $(d) list-$(d) verify-$(d),$(MAKECMDGOALS)),$(d))) \
  $(foreach d,$(DISTROS),$(if $(filter $($(d)_NAMES),$(notdir $(dist_goals))),$(d))))

# `make dist/<driver-version>/...` builds for the driver versions its paths name (mk/falco.mk).
goal_driver_versions := $(sort $(foreach g,$(dist_goals),$(firstword $(subst /, ,$(patsubst $(DIST)/%,%,$(g))))))

NEED_DRIVER := $(NEED_DISTROS) $(filter drivers,$(MAKECMDGOALS))
# A goal in the package cache may be an image package, which only verification defines.
NEED_VERIFY := $(filter-out verify-repo,$(filter verify verify-% %.verified $(CACHE)/packages/%,$(MAKECMDGOALS)))
