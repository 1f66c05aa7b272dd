# CentOS Stream: the distribution as data (mk/rpmmd.mk). kernel-devel is in AppStream, the
# kernel image (kernel-core) in BaseOS. Stream 8 has ended and lives on in the vault.
DISTROS += centos
centos_FAMILY := rpmmd
centos_NAMES := falco_centos_%
MIRROR_centos ?= https://mirror.stream.centos.org
MIRROR_centos_vault ?= https://vault.centos.org
# id | mirror variable | repository path ({arch} is dnf's $basearch) | os-release of its hosts
centos_REPOS ?= \
  8-baseos|MIRROR_centos_vault|8-stream/BaseOS/{arch}/os|centos-8 \
  8-appstream|MIRROR_centos_vault|8-stream/AppStream/{arch}/os|centos-8 \
  9-baseos|MIRROR_centos|9-stream/BaseOS/{arch}/os|centos-9 \
  9-appstream|MIRROR_centos|9-stream/AppStream/{arch}/os|centos-9
centos_ARCHES ?= x86_64
centos_PACKAGES ?= kernel-devel
