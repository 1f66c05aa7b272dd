# Ubuntu: the distribution as data. mk/apt.mk reads it as it reads Debian; deb-index's ubuntu
# style takes uname -v from the package version (5.15.0-204.214 -> #214, HWE
# 5.15.0-91.101~20.04.1 -> #101~20.04.1) and each flavour's shared headers from its Depends
# (linux-headers-<abi>, linux-<source>-headers-<abi>).
DISTROS += ubuntu
ubuntu_FAMILY := apt
ubuntu_STYLE := ubuntu
# Each kernel tree is prepared as its hosts have it installed (mk/kernel-tree.sh).
ubuntu_FIXUP := mk/fixup-debian.sh
# File names of Ubuntu probes (falco_ubuntu-generic_..., falco_ubuntu-aws_...), to route
# `make dist/.../falco_ubuntu-...o` here.
ubuntu_NAMES := falco_ubuntu-%
# Debian 12 ships no Ubuntu keyring: distros/keyrings/README.md says where this one comes from.
ubuntu_KEYRING ?= distros/keyrings/ubuntu-archive-keyring.gpg
MIRROR_ubuntu ?= http://archive.ubuntu.com/ubuntu
MIRROR_ubuntu_security ?= http://security.ubuntu.com/ubuntu
# suite | mirror variable | os-release of its hosts. Ubuntu keeps every ABI of a release in
# its indexes (each ABI is a package of its own name), so the listing holds every kernel the
# release ever published, not only the newest.
ubuntu_SUITES ?= \
  focal|MIRROR_ubuntu|ubuntu-20.04 \
  focal-updates|MIRROR_ubuntu|ubuntu-20.04 \
  focal-security|MIRROR_ubuntu_security|ubuntu-20.04 \
  jammy|MIRROR_ubuntu|ubuntu-22.04 \
  jammy-updates|MIRROR_ubuntu|ubuntu-22.04 \
  jammy-security|MIRROR_ubuntu_security|ubuntu-22.04 \
  noble|MIRROR_ubuntu|ubuntu-24.04 \
  noble-updates|MIRROR_ubuntu|ubuntu-24.04 \
  noble-security|MIRROR_ubuntu_security|ubuntu-24.04
# Kernels for every supported flavour (generic, lowlatency, aws, azure, gcp, gke, gkeop,
# oracle, ibm, kvm, nvidia, oem, the hwe backports) are in main; universe carries the community
# and board kernels (linux-raspi, linux-qcom...) and restricted the signed nvidia modules, not
# headers. universe costs the most to read and is kept so that no flavour is missed.
ubuntu_COMPONENTS ?= main restricted universe
# uname -m | Ubuntu architecture, and no flavour list: every flavour the indexes carry.
ubuntu_ARCHES ?= x86_64|amd64
# aarch64|arm64 is the same data for arm hosts (ports.ubuntu.com/ubuntu-ports).
