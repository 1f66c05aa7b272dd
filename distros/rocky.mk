# Rocky Linux: the distribution as data (mk/rpmmd.mk). The main mirror carries the current
# minor release of each major one; kernel-devel is in AppStream, kernel-core in BaseOS.
DISTROS += rocky
rocky_FAMILY := rpmmd
rocky_NAMES := falco_rocky_%
MIRROR_rocky ?= https://dl.rockylinux.org/pub/rocky
# id | mirror variable | repository path ({arch} is dnf's $basearch) | os-release of its hosts
rocky_REPOS ?= \
  8-baseos|MIRROR_rocky|8/BaseOS/{arch}/os|rocky-8 \
  8-appstream|MIRROR_rocky|8/AppStream/{arch}/os|rocky-8 \
  9-baseos|MIRROR_rocky|9/BaseOS/{arch}/os|rocky-9 \
  9-appstream|MIRROR_rocky|9/AppStream/{arch}/os|rocky-9
rocky_ARCHES ?= x86_64
rocky_PACKAGES ?= kernel-devel
