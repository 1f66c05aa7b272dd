# The compilers kernels are built with, and where each comes from when this host has none that
# runs a kernel's build tree (mk/toolchain.sh): a private root made by mmdebstrap from that
# distribution's signed archive, run with bubblewrap. A kernel module is built with the compiler
# its kernel was built with (CONFIG_CC_VERSION_TEXT); the same major version of another
# distribution's gcc accepts the same kernel flags, and the record of each module says which was
# used.
#
# Before gcc 5 a series is named by major and minor (gcc-4.8). The series kernels older than 5.8
# name (in compile.h, CONFIG_GCC_VERSION or their image's banner): Ubuntu xenial's gcc-5, bionic's
# gcc-7, focal's gcc-9; CentOS and RHEL 7's 4.8.5, Amazon Linux 2's 7.3.1, RHEL 8's 8.5.
#
# name | debian or ubuntu | suites (the first names the release; Ubuntu's compilers are updated
# in -updates) | mirror variable    (the host's own gcc-<N> comes first)
TOOLCHAINS ?= \
  gcc-4.8|ubuntu|xenial,xenial-updates|MIRROR_ubuntu \
  gcc-4.9|ubuntu|xenial,xenial-updates|MIRROR_ubuntu \
  gcc-5|ubuntu|xenial,xenial-updates|MIRROR_ubuntu \
  gcc-6|ubuntu|bionic,bionic-updates|MIRROR_ubuntu \
  gcc-7|ubuntu|bionic,bionic-updates|MIRROR_ubuntu \
  gcc-8|ubuntu|bionic,bionic-updates|MIRROR_ubuntu \
  gcc-9|ubuntu|focal,focal-updates|MIRROR_ubuntu \
  gcc-10|debian|bullseye|MIRROR_debian \
  gcc-11|ubuntu|jammy,jammy-updates|MIRROR_ubuntu \
  gcc-12|debian|bookworm|MIRROR_debian \
  gcc-13|debian|trixie|MIRROR_debian \
  gcc-14|debian|trixie|MIRROR_debian \
  gcc-15|ubuntu|resolute,resolute-updates|MIRROR_ubuntu
# What a root holds besides the compiler: what kbuild runs for an out-of-tree module, and the
# shell and utilities its Makefiles call (a root is these packages and their dependencies, no
# more: mk/toolchain.sh).
TOOLCHAIN_PACKAGES ?= dpkg base-files base-passwd perl-base dash bash coreutils sed grep mawk findutils diffutils gzip tar \
  libc-bin init-system-helpers make libc6-dev libelf-dev bc flex bison kmod xz-utils dwarves
