# Settings a user may override on the command line or in the environment.

# Which Falco driver to build, and from where. DRIVER_SOURCE is one of:
#   upstream     the falcosecurity/libs archive at DRIVER_VERSION, configured with cmake
#   debian-dkms  Debian's falcosecurity-scap-dkms package, fetched and verified through
#                Debian's signed archive; DRIVER_VERSION is then the one its tree declares
#   <path>       a local driver tree (a directory with bpf/ and driver_config.h) or an archive
DRIVER_SOURCE ?= upstream
DRIVER_VERSION ?= 7.3.0+driver

# Falco's naming rules and repository layout change with the Falco release that asks for a
# probe. Both default from DRIVER_VERSION (see tools/falconame.c); set them to override.
#   FALCO_RULES  0.28 | 0.33 | 0.35      LAYOUT  flat | arch
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

# Progress: V=1 prints every command.
V ?=
Q := $(if $(filter 1,$(V)),,@)

space := $(subst ,, )
comma := ,
