# falco-probes: pre-built Falco eBPF probes for every kernel a distribution ships.
#
#   make -j$(nproc) debian          every current Debian kernel's probe
#   make dist/<driver-version>/...  one probe, by the path Falco requests it at
#   make -j$(nproc) all             every configured distribution
#   make list-debian                the dist/ path of every Debian probe, sorted
#   make check                      the tests
#
# Variables a user sets are documented in mk/config.mk. There is no recursive make: mk/*.mk
# define templates, distros/*.mk hold each distribution's data, and kernels/ holds the
# fragments generated from the distributions' package indexes.

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules --no-builtin-variables

include mk/config.mk
include mk/tools.mk
# Each package-repository family turns a distribution's indexes into a kernel listing.
include mk/apt.mk
include mk/rpmmd.mk
include mk/cos.mk
include $(sort $(wildcard distros/*.mk))
include mk/goals.mk
include mk/probe.mk
include mk/driver.mk
include mk/verify.mk
include mk/repo.mk
include mk/kernels.mk
include mk/check.mk

.PHONY: help
help:
	@sed -n '3,8s/^# \{0,1\}//p' Makefile
