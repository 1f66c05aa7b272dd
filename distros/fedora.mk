# Fedora: the distribution as data (mk/family-rpmmd.mk). A release's kernels are the one it
# shipped with (releases/) and the newest update (updates/, which has no os/ level); the image
# package is kernel-core. Some weeks after a release's end of life its trees leave the main mirror
# for the archive, laid out the same under another root: a supported release is listed from the
# main mirror, an ended one from the archive, and one near its end (43 ends on 2026-12-02) from
# both, the tree that does not have it (yet, or any more) skipped with a note. A newer release
# needs its distros/os-release/fedora-<n> and its lines here; so does an older one of the archive.
DISTROS += fedora
fedora_FAMILY := rpmmd
fedora_NAMES := falco_fedora_%
MIRROR_fedora ?= https://dl.fedoraproject.org/pub/fedora/linux
MIRROR_fedora_archive ?= https://archives.fedoraproject.org/pub/archive/fedora/linux
# id | mirror variable | repository path ({arch} is dnf's $basearch) | os-release of its hosts
fedora_REPOS ?= \
  40-archive-releases|MIRROR_fedora_archive|releases/40/Everything/{arch}/os|fedora-40 \
  40-archive-updates|MIRROR_fedora_archive|updates/40/Everything/{arch}|fedora-40 \
  41-archive-releases|MIRROR_fedora_archive|releases/41/Everything/{arch}/os|fedora-41 \
  41-archive-updates|MIRROR_fedora_archive|updates/41/Everything/{arch}|fedora-41 \
  42-archive-releases|MIRROR_fedora_archive|releases/42/Everything/{arch}/os|fedora-42 \
  42-archive-updates|MIRROR_fedora_archive|updates/42/Everything/{arch}|fedora-42 \
  43-releases|MIRROR_fedora|releases/43/Everything/{arch}/os|fedora-43 \
  43-updates|MIRROR_fedora|updates/43/Everything/{arch}|fedora-43 \
  43-archive-releases|MIRROR_fedora_archive|releases/43/Everything/{arch}/os|fedora-43 \
  43-archive-updates|MIRROR_fedora_archive|updates/43/Everything/{arch}|fedora-43 \
  44-releases|MIRROR_fedora|releases/44/Everything/{arch}/os|fedora-44 \
  44-updates|MIRROR_fedora|updates/44/Everything/{arch}|fedora-44
# This host\'s architecture alone by default: their kernel-devel carries its build programs
# built for its own (mk/config.mk, native_arches).
fedora_ARCHES ?= $(call native_arches,x86_64 aarch64)
fedora_PACKAGES ?= kernel-devel
fedora_OPTIONAL_REPOS ?= $(foreach r,$(fedora_REPOS),$(firstword $(subst |, ,$(r))))
