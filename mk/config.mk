# Settings a user may override on the command line or in the environment.

# Which Falco releases to serve, and where their drivers come from (mk/falco.mk, mk/driver.mk).
#   FALCO_VERSIONS  the releases (default: the newest, 0.44.1, and the newest with legacy probes,
#                   0.43.1), or "all"; `make falco-versions` prints the table
#   DRIVER_SOURCE   upstream      falcosecurity/libs at each release's driver version, from
#                                 LIBS_ARCHIVES, pinned by content (the default)
#                   debian-dkms   Debian's signed falcosecurity-scap-dkms tree, through Debian's
#                                 signed archive, as a driver of one's own
#                   <path>        a driver tree (bpf/ beside driver_config.h), a libs checkout,
#                                 or an archive of either, of one's own
#   DRIVER_VERSION  the driver version a source of one's own is published under; the tree
#                   declares it, and a goal under dist/<driver-version>/ names it
#   FALCO_RULES, LAYOUT   the naming rule set (falco-name --help lists them) and layout (flat,
#                   arch) of a driver of one's own; default from its driver version
#   RETRY_FAILED=1  builds again what failed to compile with the same inputs (a recorded verdict)
DRIVER_SOURCE ?= upstream
CUSTOM_DRIVER := $(filter-out upstream,$(DRIVER_SOURCE))
DRIVER_VERSION ?=
# The name a driver of one's own is served as, in the coverage of the index and make summary.
DRIVER_RELEASE ?= custom
FALCO_RULES ?=
LAYOUT ?=
RETRY_FAILED ?=

# Compilers. The probe is compiled to LLVM IR by CLANG and to BPF by LLC, as upstream does.
CLANG ?= clang
LLC ?= llc
# Reads a probe's sections for its checks (GNU objcopy knows no eBPF object).
LLVM_OBJCOPY ?= llvm-objcopy
CC ?= cc

# The architectures (uname -m) listed and built: each distribution lists those of its own
# (d_ARCHES in distros/) that are here. All are built on this host, whatever its own (HOST_ARCH):
# the others are cross-built, with their kernels' compilers as cross compilers and the build
# programs of this host's architecture (Debian's Multi-Arch: foreign linux-kbuild).
ARCHES ?= x86_64 aarch64
HOST_ARCH := $(shell uname -m)
# $(call native_arches,ENTRIES): the entries (uname -m[|...]) of this host's architecture. A
# distribution whose headers carry their build programs (fixdep, modpost) built for their own
# architecture, with no host-architecture kbuild as Debian's, is cross-built nowhere: by default
# it lists what this host runs (an arm64 runner lists and builds its arm64 kernels), and a
# d_ARCHES naming another lists and names those kernels, whose builds here are faults.
native_arches = $(filter $(HOST_ARCH) $(HOST_ARCH)|%,$(1))
# A flat path (no uname -m directory: Falco 0.28 to 0.32.0, 0.32.1's probe) holds one
# architecture's driver where kernels of two print the same uname -r and -v (Ubuntu's, the rpm
# distributions'): this one's; the other's output is unservable, named so.
FLAT_ARCH ?= x86_64

# Where downloads, work trees and outputs go. CACHE survives `make clean`.
CACHE ?= cache
BUILD ?= build
DIST ?= dist
KERNELS ?= kernels
# Each is made absolute here, once, where the run starts: recipes and scripts hand these paths
# to programs that change directory (kbuild's -C, bubblewrap's binds, time -o, qemu), where a
# relative one would name another file. A goal may still be named as the user spells it
# (mk/goals.mk); DIST_AS_GIVEN is how paths are shown back (make list-<distro>).
DIST_AS_GIVEN := $(patsubst %/,%,$(DIST))
override CACHE := $(abspath $(CACHE))
override BUILD := $(abspath $(BUILD))
override DIST := $(abspath $(DIST))
override KERNELS := $(abspath $(KERNELS))
# A PEM file holding a private key and its certificate (as kbuild's signing_key.pem): every module
# this run publishes is signed with it (mk/build-output.sh; make signing-key makes one).
MODULE_SIGNING_KEY ?=
override MODULE_SIGNING_KEY := $(if $(MODULE_SIGNING_KEY),$(abspath $(MODULE_SIGNING_KEY)))

# The run's time, in seconds since 1970: when a kernel a run lists for the first time was first
# seen (the time to driver of make summary and the index). Taken once, where the run starts.
ifeq ($(origin RUN_TIME),undefined)
RUN_TIME := $(shell date +%s)
endif

# REFRESH=0 builds from the package indexes already downloaded, without asking the mirrors.
REFRESH ?= 1
# How often a failed download is tried again (with back-off: 1, 2, 4, 8... seconds).
FETCH_RETRIES ?= 4

# MIRRORS_FROM_APT=1 takes each Debian mirror from this host's apt sources instead of the
# official defaults in distros/, for hosts that can reach only an internal mirror.
MIRRORS_FROM_APT ?=

# SAN=1 builds the C helpers with AddressSanitizer and UBSan (the tests do).
SAN ?=

# Progress: V=1 prints every command, make -s nothing (mk/lib.mk).
V ?=
