# falco-probes: pre-built Falco drivers for every kernel a distribution ships.
#
#   make -j$(nproc) debian          every current Debian kernel's drivers
#   make dist/<driver-version>/...  one driver, by the path Falco requests it at
#   make -j$(nproc) all             every configured distribution
#   make list-debian                the dist/ path of every Debian driver, sorted
#   make check                      the tests
#
# Variables a user sets are documented in mk/config.mk. There is no recursive make: mk/*.mk
# define the rules (mk/lib.mk the idioms, mk/family.mk the one infrastructure every repository
# family's mk/family-<F>.mk fills in), distros/*.mk hold each distribution's data, and kernels/
# holds the fragments generated from the distributions' package indexes.

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules --no-builtin-variables

include mk/config.mk
include mk/lib.mk
include mk/tools.mk
include $(sort $(wildcard mk/family-*.mk))
include $(sort $(wildcard distros/*.mk))
include mk/goals.mk
include mk/falco.mk
include mk/run.mk
include mk/family.mk
include mk/outputs.mk
include mk/driver.mk
include mk/verify.mk
include mk/repo.mk
include mk/kernels.mk
include mk/check.mk
include mk/fuzz.mk

.PHONY: help
help:
	@sed -n '3,8s/^# \{0,1\}//p' Makefile
