# CentOS: the distribution as data (mk/family-rpmmd.mk). CentOS Linux 7 and 8 and CentOS Stream 8
# have ended and live on in the vault, one tree per point release; Streams 9 and 10 are on the
# main mirror. CentOS Linux 7 keeps kernel-devel and the kernel image (kernel, not split) in os/
# (the release's own kernel) and updates/ (every later one of that point release); CentOS Linux 8
# keeps both kernel-devel and kernel-core in BaseOS; Streams 9 and 10 have kernel-devel in
# AppStream and kernel-core in BaseOS. CentOS Linux 8 hosts print ID centos and VERSION_ID 8, as
# Stream 8 hosts do. CentOS Linux 7's aarch64 trees are under altarch/, apart from x86_64's: its
# last point release's are listed from there.
DISTROS += centos
centos_FAMILY := rpmmd
centos_NAMES := falco_centos_%
MIRROR_centos ?= https://mirror.stream.centos.org
MIRROR_centos_vault ?= https://vault.centos.org
# id | mirror variable | repository path ({arch} is dnf's $basearch) | os-release of its hosts
# [| the only architectures it serves]
centos_REPOS ?= \
  7.0.1406-os|MIRROR_centos_vault|7.0.1406/os/{arch}|centos-7|x86_64 \
  7.0.1406-updates|MIRROR_centos_vault|7.0.1406/updates/{arch}|centos-7|x86_64 \
  7.1.1503-os|MIRROR_centos_vault|7.1.1503/os/{arch}|centos-7|x86_64 \
  7.1.1503-updates|MIRROR_centos_vault|7.1.1503/updates/{arch}|centos-7|x86_64 \
  7.2.1511-os|MIRROR_centos_vault|7.2.1511/os/{arch}|centos-7|x86_64 \
  7.2.1511-updates|MIRROR_centos_vault|7.2.1511/updates/{arch}|centos-7|x86_64 \
  7.3.1611-os|MIRROR_centos_vault|7.3.1611/os/{arch}|centos-7|x86_64 \
  7.3.1611-updates|MIRROR_centos_vault|7.3.1611/updates/{arch}|centos-7|x86_64 \
  7.4.1708-os|MIRROR_centos_vault|7.4.1708/os/{arch}|centos-7|x86_64 \
  7.4.1708-updates|MIRROR_centos_vault|7.4.1708/updates/{arch}|centos-7|x86_64 \
  7.5.1804-os|MIRROR_centos_vault|7.5.1804/os/{arch}|centos-7|x86_64 \
  7.5.1804-updates|MIRROR_centos_vault|7.5.1804/updates/{arch}|centos-7|x86_64 \
  7.6.1810-os|MIRROR_centos_vault|7.6.1810/os/{arch}|centos-7|x86_64 \
  7.6.1810-updates|MIRROR_centos_vault|7.6.1810/updates/{arch}|centos-7|x86_64 \
  7.7.1908-os|MIRROR_centos_vault|7.7.1908/os/{arch}|centos-7|x86_64 \
  7.7.1908-updates|MIRROR_centos_vault|7.7.1908/updates/{arch}|centos-7|x86_64 \
  7.8.2003-os|MIRROR_centos_vault|7.8.2003/os/{arch}|centos-7|x86_64 \
  7.8.2003-updates|MIRROR_centos_vault|7.8.2003/updates/{arch}|centos-7|x86_64 \
  7.9.2009-os|MIRROR_centos_vault|7.9.2009/os/{arch}|centos-7|x86_64 \
  7.9.2009-updates|MIRROR_centos_vault|7.9.2009/updates/{arch}|centos-7|x86_64 \
  7.9.2009-altarch-os|MIRROR_centos_vault|altarch/7.9.2009/os/{arch}|centos-7|aarch64 \
  7.9.2009-altarch-updates|MIRROR_centos_vault|altarch/7.9.2009/updates/{arch}|centos-7|aarch64 \
  8.0.1905-baseos|MIRROR_centos_vault|8.0.1905/BaseOS/{arch}/os|centos-8 \
  8.1.1911-baseos|MIRROR_centos_vault|8.1.1911/BaseOS/{arch}/os|centos-8 \
  8.2.2004-baseos|MIRROR_centos_vault|8.2.2004/BaseOS/{arch}/os|centos-8 \
  8.3.2011-baseos|MIRROR_centos_vault|8.3.2011/BaseOS/{arch}/os|centos-8 \
  8.4.2105-baseos|MIRROR_centos_vault|8.4.2105/BaseOS/{arch}/os|centos-8 \
  8.5.2111-baseos|MIRROR_centos_vault|8.5.2111/BaseOS/{arch}/os|centos-8 \
  8-baseos|MIRROR_centos_vault|8-stream/BaseOS/{arch}/os|centos-8 \
  8-appstream|MIRROR_centos_vault|8-stream/AppStream/{arch}/os|centos-8 \
  9-baseos|MIRROR_centos|9-stream/BaseOS/{arch}/os|centos-9 \
  9-appstream|MIRROR_centos|9-stream/AppStream/{arch}/os|centos-9 \
  10-baseos|MIRROR_centos|10-stream/BaseOS/{arch}/os|centos-10 \
  10-appstream|MIRROR_centos|10-stream/AppStream/{arch}/os|centos-10
# This host\'s architecture alone by default: their kernel-devel carries its build programs
# built for its own (mk/config.mk, native_arches).
centos_ARCHES ?= $(call native_arches,x86_64 aarch64)
centos_PACKAGES ?= kernel-devel
# The older point releases of CentOS Linux 7 and 8: a mirror of the vault may leave them out.
# The last ones (7.9.2009, 8.5.2111), where the hosts of each release were pointed at its end,
# and Stream 8 are required.
centos_OPTIONAL_REPOS ?= \
  $(foreach v,7.0.1406 7.1.1503 7.2.1511 7.3.1611 7.4.1708 7.5.1804 7.6.1810 7.7.1908 7.8.2003,\
    $(v)-os $(v)-updates) \
  $(foreach v,8.0.1905 8.1.1911 8.2.2004 8.3.2011 8.4.2105,$(v)-baseos)
