# Settings a user may override on the command line or in the environment.

# Which Falco driver to build, and from where. DRIVER_SOURCE is one of:
#   debian-dkms  Debian's falcosecurity-scap-dkms package, fetched and verified through
#                Debian's signed archive (the default: a real, signed driver tree)
#   upstream     the falcosecurity/libs archive at DRIVER_VERSION (a tag such as
#                7.3.0+driver, or a commit), configured with cmake as upstream does
#   <path>       a local driver tree (a directory with bpf/ and driver_config.h), a libs
#                checkout, or an archive of either
# DRIVER_VERSION is the version the tree declares unless set; a goal under
# dist/<driver-version>/ sets it, and a tree that declares another version is refused.
DRIVER_SOURCE ?= debian-dkms
DRIVER_VERSION ?=

# Falco's naming rules and repository layout change with the Falco release that asks for a
# probe. Both default from DRIVER_VERSION (see tools/falconame.c); set them to override.
#   FALCO_RULES  0.28 | 0.32 | 0.33 | 0.34 | 0.35 (the first Falco release of each rule set)
#   LAYOUT       flat | arch
FALCO_RULES ?=
LAYOUT ?=

# Compilers. The probe is compiled to LLVM IR by CLANG and to BPF by LLC, as upstream does.
CLANG ?= clang
LLC ?= llc
CC ?= cc

# Where downloads, work trees and outputs go. CACHE survives `make clean`.
CACHE ?= cache
BUILD ?= build
DIST ?= dist
KERNELS ?= kernels

# REFRESH=0 builds from the package indexes already downloaded, without asking the mirrors.
REFRESH ?= 1

# MIRRORS_FROM_APT=1 takes each Debian mirror from this host's apt sources instead of the
# official defaults in distros/, for hosts that can reach only an internal mirror.
MIRRORS_FROM_APT ?=

# SAN=1 builds the C helpers with AddressSanitizer and UBSan (the tests do).
SAN ?=

# Progress: V=1 prints every command, make -s nothing (mk/lib.mk).
V ?=
