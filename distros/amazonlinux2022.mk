# Amazon Linux 2022, the preview that became Amazon Linux 2023: one core repository per release,
# found through its mirror.list, as dnf finds it ("latest" is the newest release; each release's
# repository keeps every kernel of it). Falco's loaders name its hosts amazonlinux2022 from Falco
# 0.35 on (VERSION_ID 2022), amazonlinux before.
DISTROS += amazonlinux2022
amazonlinux2022_FAMILY := rpmmd
amazonlinux2022_NAMES := falco_amazonlinux2022_%
MIRROR_amazonlinux2022 ?= https://cdn.amazonlinux.com
amazonlinux2022_MIRRORLIST_ORIGIN := https://cdn.amazonlinux.com
# id | mirror variable | mirror list ({arch} is dnf's $basearch) | os-release of its hosts
amazonlinux2022_REPOS ?= \
  core-latest|MIRROR_amazonlinux2022|al2022/core/mirrors/latest/{arch}/mirror.list|amzn-2022 \
  core-2022.0.20220202|MIRROR_amazonlinux2022|al2022/core/mirrors/2022.0.20220202/{arch}/mirror.list|amzn-2022 \
  core-2022.0.20220315|MIRROR_amazonlinux2022|al2022/core/mirrors/2022.0.20220315/{arch}/mirror.list|amzn-2022
# This host\'s architecture alone by default: their kernel-devel carries its build programs
# built for its own (mk/config.mk, native_arches).
amazonlinux2022_ARCHES ?= $(call native_arches,x86_64 aarch64)
amazonlinux2022_PACKAGES ?= kernel-devel
# A preview, never supported: the CDN may stop serving any of it.
amazonlinux2022_OPTIONAL_REPOS ?= core-latest core-2022.0.20220202 core-2022.0.20220315
