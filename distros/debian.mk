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
# suite | mirror variable | os-release of its hosts
debian_SUITES ?= \
  bullseye|MIRROR_debian|debian-11 \
  bullseye-updates|MIRROR_debian|debian-11 \
  bullseye-security|MIRROR_debian_security|debian-11 \
  bookworm|MIRROR_debian|debian-12 \
  bookworm-updates|MIRROR_debian|debian-12 \
  bookworm-security|MIRROR_debian_security|debian-12 \
  trixie|MIRROR_debian|debian-13 \
  trixie-updates|MIRROR_debian|debian-13 \
  trixie-security|MIRROR_debian_security|debian-13
debian_COMPONENTS ?= main
# uname -m | Debian architecture | kernel flavours built
debian_ARCHES ?= x86_64|amd64|amd64,cloud-amd64,rt-amd64
# aarch64|arm64|arm64,cloud-arm64,rt-arm64 is the same data for arm hosts.

# A suite the mirror does not carry (bullseye leaves the main mirror for the archive one day)
# is skipped with a note rather than failing the listing.
debian_OPTIONAL_SUITES ?= bullseye bullseye-updates bullseye-security trixie-updates

ifeq ($(MIRRORS_FROM_APT),1)
MIRROR_debian := $(shell sh mk/apt-mirror.sh '^(bullseye|bookworm|trixie|forky|sid)(-updates)?$$')
MIRROR_debian_security := $(shell sh mk/apt-mirror.sh 'security$$')
endif
