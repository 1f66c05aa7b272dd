# Oracle Linux: the distribution as data (mk/family-rpmmd.mk), with its Red Hat compatible kernel
# (kernel-devel) and its Unbreakable Enterprise Kernels (kernel-uek-devel, one repository per UEK
# release). Falco names its hosts by os-release ID: "ol". OL7 keeps its Red Hat compatible kernels
# (3.10, not split: the image is "kernel") in one "latest" repository beside UEK R4, R5 and R6
# (not R3: falcoctl asks for no driver for its 3.8 kernels, never a module on UEK and no probe
# below 4.14); OL8 to OL10 split theirs between baseos (the image) and appstream (kernel-devel).
DISTROS += oracle
oracle_FAMILY := rpmmd
oracle_NAMES := falco_ol_%
MIRROR_oracle ?= https://yum.oracle.com/repo/OracleLinux
# id | mirror variable | repository path ({arch} is dnf's $basearch) | os-release of its hosts
# [| the only architectures it serves: UEK R4 was never built for aarch64]
oracle_REPOS ?= \
  7-latest|MIRROR_oracle|OL7/latest/{arch}|ol-7 \
  7-uekr4|MIRROR_oracle|OL7/UEKR4/{arch}|ol-7|x86_64 \
  7-uekr5|MIRROR_oracle|OL7/UEKR5/{arch}|ol-7 \
  7-uekr6|MIRROR_oracle|OL7/UEKR6/{arch}|ol-7 \
  8-baseos|MIRROR_oracle|OL8/baseos/latest/{arch}|ol-8 \
  8-appstream|MIRROR_oracle|OL8/appstream/{arch}|ol-8 \
  8-uekr6|MIRROR_oracle|OL8/UEKR6/{arch}|ol-8 \
  8-uekr7|MIRROR_oracle|OL8/UEKR7/{arch}|ol-8 \
  9-baseos|MIRROR_oracle|OL9/baseos/latest/{arch}|ol-9 \
  9-appstream|MIRROR_oracle|OL9/appstream/{arch}|ol-9 \
  9-uekr7|MIRROR_oracle|OL9/UEKR7/{arch}|ol-9 \
  9-uekr8|MIRROR_oracle|OL9/UEKR8/{arch}|ol-9 \
  10-baseos|MIRROR_oracle|OL10/baseos/latest/{arch}|ol-10 \
  10-appstream|MIRROR_oracle|OL10/appstream/{arch}|ol-10 \
  10-uekr8|MIRROR_oracle|OL10/UEKR8/{arch}|ol-10
# This host\'s architecture alone by default: their kernel-devel carries its build programs
# built for its own (mk/config.mk, native_arches).
oracle_ARCHES ?= $(call native_arches,x86_64 aarch64)
oracle_PACKAGES ?= kernel-devel kernel-uek-devel
# UEK 8 is newer than OL9 itself; a mirror without it is skipped.
oracle_OPTIONAL_REPOS ?= 9-uekr8
