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
# Every release the archive serves (codename | os-release of its hosts), in the pockets its hosts
# install kernels from. "proposed" is there to be added (ubuntu_POCKETS += proposed); releases
# that have left the archive come from old-releases when named in ubuntu_OLD_RELEASES (e.g.
# "lunar|ubuntu-23.04"). The indexes keep a release's recent ABIs, not every one it published.
ubuntu_RELEASES ?= \
  xenial|ubuntu-16.04 \
  bionic|ubuntu-18.04 \
  focal|ubuntu-20.04 \
  jammy|ubuntu-22.04 \
  noble|ubuntu-24.04 \
  plucky|ubuntu-25.04 \
  questing|ubuntu-25.10 \
  resolute|ubuntu-26.04
ubuntu_POCKETS ?= release updates security
ubuntu_OLD_RELEASES ?=
MIRROR_ubuntu_old ?= http://old-releases.ubuntu.com/ubuntu
# suite | mirror variable | os-release of its hosts
ubuntu_SUITES ?= $(call apt_suites,$(ubuntu_RELEASES),$(ubuntu_POCKETS),MIRROR_ubuntu,MIRROR_ubuntu_security) \
  $(call apt_suites,$(ubuntu_OLD_RELEASES),$(ubuntu_POCKETS),MIRROR_ubuntu_old,MIRROR_ubuntu_old)
# Suites a mirror may lack: the end-of-life releases still on the archive move to old-releases
# one day, the oldest have no -proposed, and old-releases may not answer.
# The same of ports (ports/<suite>).
ubuntu_OPTIONAL_SUITES ?= $(foreach s,plucky% questing% %-proposed %-backports \
  $(foreach r,$(ubuntu_OLD_RELEASES),$(call field,1,$(r))%),$(s) ports/$(s))
# Kernels for every supported flavour (generic, lowlatency, aws, azure, gcp, gke, gkeop,
# oracle, ibm, kvm, nvidia, oem, the hwe backports) are in main; universe carries the community
# and board kernels (linux-raspi, linux-qcom, linux-realtime, linux-gkeop...). restricted holds
# the signed nvidia modules and no headers at all, so it is not read. universe costs the most
# to read and is kept so that no flavour is missed.
ubuntu_COMPONENTS ?= main universe
# uname -m | Ubuntu architecture, and no flavour list: every flavour the indexes carry. This
# host's alone by default (mk/config.mk, native_arches): see below.
ubuntu_ARCHES ?= $(call native_arches,x86_64|amd64 aarch64|arm64)
# Every architecture but amd64 and i386 is on another host, ports, in every pocket (security
# too), under the same suites, signed by the same keys. Ubuntu has no linux-kbuild: a flavour's
# headers package carries its build programs, built for its own architecture (no d_HOST_INDEX).
MIRROR_ubuntu_ports ?= http://ports.ubuntu.com/ubuntu-ports
ubuntu_ARCH_MIRROR_aarch64 := MIRROR_ubuntu_ports
# A network that reaches the archive may not reach ports: its arm64 kernels are then skipped
# with a warning (a fault, asked again next run), and the amd64 ones listed.
ubuntu_MAY_NOT_ANSWER ?= MIRROR_ubuntu_ports
