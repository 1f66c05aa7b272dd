# AlmaLinux: the distribution as data (mk/rpmmd.mk). The main mirror carries the current minor
# release of each major one; kernel-devel is in AppStream, kernel-core in BaseOS.
DISTROS += almalinux
almalinux_FAMILY := rpmmd
almalinux_NAMES := falco_almalinux_%
MIRROR_almalinux ?= https://repo.almalinux.org/almalinux
# id | mirror variable | repository path ({arch} is dnf's $basearch) | os-release of its hosts
almalinux_REPOS ?= \
  8-baseos|MIRROR_almalinux|8/BaseOS/{arch}/os|almalinux-8 \
  8-appstream|MIRROR_almalinux|8/AppStream/{arch}/os|almalinux-8 \
  9-baseos|MIRROR_almalinux|9/BaseOS/{arch}/os|almalinux-9 \
  9-appstream|MIRROR_almalinux|9/AppStream/{arch}/os|almalinux-9
almalinux_ARCHES ?= x86_64
almalinux_PACKAGES ?= kernel-devel
