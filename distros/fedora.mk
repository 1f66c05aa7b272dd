# Fedora: the distribution as data (mk/rpmmd.mk). A release's kernels are the one it shipped
# with (releases/) and the newest update (updates/); the image package is kernel-core.
# Releases leave the main mirror for the archive about a year after they ship: a release the
# mirror no longer has is skipped with a note (point MIRROR_fedora at
# https://archives.fedoraproject.org/pub/archive/fedora/linux for those). A newer release needs
# its distros/os-release/fedora-<n> and two lines here.
DISTROS += fedora
fedora_FAMILY := rpmmd
fedora_NAMES := falco_fedora_%
MIRROR_fedora ?= https://dl.fedoraproject.org/pub/fedora/linux
# id | mirror variable | repository path ({arch} is dnf's $basearch) | os-release of its hosts
fedora_REPOS ?= \
  40-releases|MIRROR_fedora|releases/40/Everything/{arch}/os|fedora-40 \
  40-updates|MIRROR_fedora|updates/40/Everything/{arch}|fedora-40 \
  41-releases|MIRROR_fedora|releases/41/Everything/{arch}/os|fedora-41 \
  41-updates|MIRROR_fedora|updates/41/Everything/{arch}|fedora-41 \
  42-releases|MIRROR_fedora|releases/42/Everything/{arch}/os|fedora-42 \
  42-updates|MIRROR_fedora|updates/42/Everything/{arch}|fedora-42
fedora_ARCHES ?= x86_64
fedora_PACKAGES ?= kernel-devel
fedora_OPTIONAL_REPOS ?= $(foreach r,$(fedora_REPOS),$(firstword $(subst |, ,$(r))))
