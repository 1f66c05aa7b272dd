# Debian: the distribution as data. mk/apt.mk knows how to read any apt repository.
DISTROS += debian
debian_FAMILY := apt
debian_STYLE := debian
# Each kernel tree is prepared as its hosts have it installed (mk/kernel-tree.sh).
debian_FIXUP := mk/fixup-debian.sh
# File names of Debian probes, to route `make dist/.../falco_debian_...o` here.
debian_NAMES := falco_debian_%
debian_KEYRING := /usr/share/keyrings/debian-archive-keyring.gpg
MIRROR_debian ?= http://ftp.debian.org/debian
MIRROR_debian_security ?= http://security.debian.org/debian-security
# Each supported release (codename | os-release of its hosts) in the pockets its hosts install
# kernels from: backports carries the newer kernels (trixie-backports the 7.x ones).
debian_RELEASES ?= \
  bullseye|debian-11 \
  bookworm|debian-12 \
  trixie|debian-13
debian_POCKETS ?= release updates security backports
# Testing and unstable, when asked for (e.g. "forky|debian-forky sid|debian-forky": they share
# an os-release, with no VERSION_ID).
debian_TESTING ?=
# End-of-life releases from the archive mirror, when asked for (e.g. "buster|debian-10"), with
# their security suites in the layout of their time, signed by keys Debian has since retired.
debian_ARCHIVE_RELEASES ?=
MIRROR_debian_archive ?= http://archive.debian.org/debian
MIRROR_debian_archive_security ?= http://archive.debian.org/debian-security
debian_ARCHIVE_KEYRING ?= /usr/share/keyrings/debian-archive-removed-keys.gpg
# suite | mirror variable | os-release of its hosts [| keyring variable]
debian_SUITES ?= $(call apt_suites,$(debian_RELEASES),$(debian_POCKETS),MIRROR_debian,MIRROR_debian_security) \
  $(call apt_suites,$(debian_TESTING),release,MIRROR_debian,MIRROR_debian_security) \
  $(call apt_suites,$(debian_ARCHIVE_RELEASES),release updates security-old,MIRROR_debian_archive,MIRROR_debian_archive_security,debian_ARCHIVE_KEYRING)
debian_COMPONENTS ?= main
# uname -m | Debian architecture | kernel flavours built
debian_ARCHES ?= x86_64|amd64|amd64,cloud-amd64,rt-amd64 \
  aarch64|arm64|arm64,cloud-arm64,rt-arm64
# An arm64 kernel's linux-kbuild (Multi-Arch: foreign: fixdep, modpost) is this host's
# architecture's, as apt takes it for a cross-build.
debian_HOST_INDEX := yes

# A suite the mirror does not carry (bullseye leaves the main mirror for the archive one day;
# bullseye-backports already has) is skipped with a note rather than failing the listing; so is
# an archive mirror that does not answer.
debian_OPTIONAL_SUITES ?= bullseye% %-updates %-backports \
  $(foreach r,$(debian_TESTING) $(debian_ARCHIVE_RELEASES),$(call field,1,$(r))%)

ifeq ($(MIRRORS_FROM_APT),1)
MIRROR_debian := $(shell sh mk/apt-mirror.sh '^(bullseye|bookworm|trixie|forky|sid)(-updates)?$$')
MIRROR_debian_security := $(shell sh mk/apt-mirror.sh 'security$$')
endif
