# AlmaLinux: the distribution as data (mk/family-rpmmd.mk). The main mirror carries only the
# current minor release of each major one; when the next minor ships, the previous one moves to
# the vault (with every kernel it had) and leaves the main mirror. kernel-devel is in BaseOS on
# EL8 and in AppStream from EL9; the image (kernel-core) is in BaseOS. EL10 also publishes an
# x86_64_v2 $basearch, whose kernels are not listed here (almalinux_ARCHES takes only uname -m
# values).
DISTROS += almalinux
almalinux_FAMILY := rpmmd
almalinux_NAMES := falco_almalinux_%
MIRROR_almalinux ?= https://repo.almalinux.org/almalinux
MIRROR_almalinux_vault ?= https://vault.almalinux.org
# id | mirror variable | repository path ({arch} is dnf's $basearch) | os-release of its hosts
# The vault's list of minors is a table, not a crawl of its HTML index: a minor it does not have
# (9.8 and 10.2 move there when their successors ship) is skipped.
almalinux_REPOS ?= \
  8-baseos|MIRROR_almalinux|8/BaseOS/{arch}/os|almalinux-8 \
  8-appstream|MIRROR_almalinux|8/AppStream/{arch}/os|almalinux-8 \
  9-baseos|MIRROR_almalinux|9/BaseOS/{arch}/os|almalinux-9 \
  9-appstream|MIRROR_almalinux|9/AppStream/{arch}/os|almalinux-9 \
  10-baseos|MIRROR_almalinux|10/BaseOS/{arch}/os|almalinux-10 \
  10-appstream|MIRROR_almalinux|10/AppStream/{arch}/os|almalinux-10 \
  8.3-baseos|MIRROR_almalinux_vault|8.3/BaseOS/{arch}/os|almalinux-8 \
  8.4-baseos|MIRROR_almalinux_vault|8.4/BaseOS/{arch}/os|almalinux-8 \
  8.5-baseos|MIRROR_almalinux_vault|8.5/BaseOS/{arch}/os|almalinux-8 \
  8.6-baseos|MIRROR_almalinux_vault|8.6/BaseOS/{arch}/os|almalinux-8 \
  8.7-baseos|MIRROR_almalinux_vault|8.7/BaseOS/{arch}/os|almalinux-8 \
  8.8-baseos|MIRROR_almalinux_vault|8.8/BaseOS/{arch}/os|almalinux-8 \
  8.9-baseos|MIRROR_almalinux_vault|8.9/BaseOS/{arch}/os|almalinux-8 \
  9.0-baseos|MIRROR_almalinux_vault|9.0/BaseOS/{arch}/os|almalinux-9 \
  9.0-appstream|MIRROR_almalinux_vault|9.0/AppStream/{arch}/os|almalinux-9 \
  9.1-baseos|MIRROR_almalinux_vault|9.1/BaseOS/{arch}/os|almalinux-9 \
  9.1-appstream|MIRROR_almalinux_vault|9.1/AppStream/{arch}/os|almalinux-9 \
  9.2-baseos|MIRROR_almalinux_vault|9.2/BaseOS/{arch}/os|almalinux-9 \
  9.2-appstream|MIRROR_almalinux_vault|9.2/AppStream/{arch}/os|almalinux-9 \
  9.3-baseos|MIRROR_almalinux_vault|9.3/BaseOS/{arch}/os|almalinux-9 \
  9.3-appstream|MIRROR_almalinux_vault|9.3/AppStream/{arch}/os|almalinux-9 \
  9.4-baseos|MIRROR_almalinux_vault|9.4/BaseOS/{arch}/os|almalinux-9 \
  9.4-appstream|MIRROR_almalinux_vault|9.4/AppStream/{arch}/os|almalinux-9 \
  9.5-baseos|MIRROR_almalinux_vault|9.5/BaseOS/{arch}/os|almalinux-9 \
  9.5-appstream|MIRROR_almalinux_vault|9.5/AppStream/{arch}/os|almalinux-9 \
  9.6-baseos|MIRROR_almalinux_vault|9.6/BaseOS/{arch}/os|almalinux-9 \
  9.6-appstream|MIRROR_almalinux_vault|9.6/AppStream/{arch}/os|almalinux-9 \
  9.7-baseos|MIRROR_almalinux_vault|9.7/BaseOS/{arch}/os|almalinux-9 \
  9.7-appstream|MIRROR_almalinux_vault|9.7/AppStream/{arch}/os|almalinux-9 \
  9.8-baseos|MIRROR_almalinux_vault|9.8/BaseOS/{arch}/os|almalinux-9 \
  9.8-appstream|MIRROR_almalinux_vault|9.8/AppStream/{arch}/os|almalinux-9 \
  10.0-baseos|MIRROR_almalinux_vault|10.0/BaseOS/{arch}/os|almalinux-10 \
  10.0-appstream|MIRROR_almalinux_vault|10.0/AppStream/{arch}/os|almalinux-10 \
  10.1-baseos|MIRROR_almalinux_vault|10.1/BaseOS/{arch}/os|almalinux-10 \
  10.1-appstream|MIRROR_almalinux_vault|10.1/AppStream/{arch}/os|almalinux-10 \
  10.2-baseos|MIRROR_almalinux_vault|10.2/BaseOS/{arch}/os|almalinux-10 \
  10.2-appstream|MIRROR_almalinux_vault|10.2/AppStream/{arch}/os|almalinux-10
# This host\'s architecture alone by default: their kernel-devel carries its build programs
# built for its own (mk/config.mk, native_arches).
almalinux_ARCHES ?= $(call native_arches,x86_64 aarch64)
almalinux_PACKAGES ?= kernel-devel
# Every vault entry: a mirror without it is skipped with a note.
almalinux_OPTIONAL_REPOS ?= $(foreach r,$(almalinux_REPOS),\
  $(if $(findstring |MIRROR_almalinux_vault|,$(r)),$(firstword $(subst |, ,$(r)))))
