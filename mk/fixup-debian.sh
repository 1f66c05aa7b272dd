#!/bin/sh
# Debian's and Ubuntu's preparation of an extracted kernel tree (d_FIXUP of distros/debian.mk,
# distros/ubuntu.mk), run by mk/kernel-tree.sh:
#
#   fixup-debian.sh TREE ROOT        prints extra kbuild arguments (none)
#
# A Debian headers package's Makefile includes its shared half (-common) by its installed
# absolute path, /usr/src/linux-headers-<abi>-common/Makefile, and from Linux 7 names itself as
# the build's output by its installed path too (KBUILD_OUTPUT=/usr/src/linux-headers-<abi>-<flavour>):
# both are pointed into the extraction ROOT, never at the host's /usr/src. Ubuntu's flavour
# Makefile is a relative symlink into its shared tree and needs nothing.
set -eu
tree=$1 root=$2
mf=$tree/Makefile
if [ ! -L "$mf" ] && grep -Eq '^(include|KBUILD_OUTPUT *:?=) */' "$mf"; then
	echo "fixup-debian: pointing $mf's absolute paths into $root" >&2
	sed -i -E -e "s#^include /#include $root/#" -e "s#^(KBUILD_OUTPUT *:?= *)/#\1$root/#" "$mf"
fi
