# Amazon Linux 2023: one core repository per release, found through its mirror.list, as dnf
# finds it ("latest" is the newest release; each release's repository keeps every kernel of it).
DISTROS += amazonlinux2023
amazonlinux2023_FAMILY := rpmmd
amazonlinux2023_NAMES := falco_amazonlinux2023_%
MIRROR_amazonlinux2023 ?= https://cdn.amazonlinux.com
amazonlinux2023_MIRRORLIST_ORIGIN := https://cdn.amazonlinux.com
# id | mirror variable | mirror list ({arch} is dnf's $basearch) | os-release of its hosts
amazonlinux2023_REPOS ?= \
  core-latest|MIRROR_amazonlinux2023|al2023/core/mirrors/latest/{arch}/mirror.list|amzn-2023
# This host\'s architecture alone by default: their kernel-devel carries its build programs
# built for its own (mk/config.mk, native_arches).
amazonlinux2023_ARCHES ?= $(call native_arches,x86_64 aarch64)
amazonlinux2023_PACKAGES ?= kernel-devel kernel6.12-devel
