# Amazon Linux 2, the design's reference distribution: the distribution as data. mk/family-rpmmd.mk
# reads any rpm-md repository. Each repository is found through its mirror.list, as yum finds
# it; the lists name https://cdn.amazonlinux.com, and MIRROR_amazonlinux2 may point at a copy of
# that tree (the lists are then read from the copy and their URLs rewritten to it).
DISTROS += amazonlinux2
amazonlinux2_FAMILY := rpmmd
# File names of its probes, to route `make dist/.../falco_amazonlinux2_...o` here.
amazonlinux2_NAMES := falco_amazonlinux2_%
MIRROR_amazonlinux2 ?= https://cdn.amazonlinux.com
amazonlinux2_MIRRORLIST_ORIGIN := https://cdn.amazonlinux.com
# id | mirror variable | mirror list ({arch} is yum's $basearch) | os-release of its hosts
# core/2.0 and core/latest usually name the same repository; a kernel is listed once.
amazonlinux2_REPOS ?= \
  core-2.0|MIRROR_amazonlinux2|2/core/2.0/{arch}/mirror.list|amzn-2 \
  core-latest|MIRROR_amazonlinux2|2/core/latest/{arch}/mirror.list|amzn-2 \
  kernel-5.4|MIRROR_amazonlinux2|2/extras/kernel-5.4/latest/{arch}/mirror.list|amzn-2 \
  kernel-5.10|MIRROR_amazonlinux2|2/extras/kernel-5.10/latest/{arch}/mirror.list|amzn-2 \
  kernel-5.15|MIRROR_amazonlinux2|2/extras/kernel-5.15/latest/{arch}/mirror.list|amzn-2 \
  kernel-ng|MIRROR_amazonlinux2|2/extras/kernel-ng/latest/{arch}/mirror.list|amzn-2
# This host\'s architecture alone by default: their kernel-devel carries its build programs
# built for its own (mk/config.mk, native_arches).
amazonlinux2_ARCHES ?= $(call native_arches,x86_64 aarch64)
amazonlinux2_PACKAGES ?= kernel-devel
# The extras come and go (kernel-ng is newer than the others): a missing one is skipped.
amazonlinux2_OPTIONAL_REPOS ?= kernel-5.4 kernel-5.10 kernel-5.15 kernel-ng
