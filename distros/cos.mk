# Google Container-Optimized OS: the distribution as data. mk/cos.mk reads the cos-tools bucket.
DISTROS += cos
cos_FAMILY := cos
# File names of COS probes, to route `make dist/.../falco_cos_...o` here.
cos_NAMES := falco_cos_%
# The public bucket of COS build artifacts (Cloud Storage, XML API), no trailing slash.
MIRROR_cos ?= https://storage.googleapis.com/cos-tools
# The milestones followed, from 93 on (the LTS milestones), each with the build number its build
# ids start with (image cos-101-17162-40-20 is milestone 101, build 17162.40.20). A milestone's
# probes are named with distros/os-release/cos-<milestone>; one without that file is left out.
cos_MILESTONES ?= \
  93|16623 \
  97|16919 \
  101|17162 \
  105|17412 \
  109|17800 \
  113|18244 \
  117|18613 \
  121|18867 \
  125|19216 \
  129|19506 \
  133|19999
# COS loads no third-party kernel module (its kernels enforce module signatures): no release asks
# for one there that could be served, and none is built.
cos_KINDS := bpf
# The builds' kernels are x86_64 (the bucket's per-build artifacts are lakitu, x86_64).
cos_UNAME_M := x86_64
# The loader's preparation of COS headers, run on each kernel's work tree (mk/kernel-tree.sh).
cos_FIXUP := mk/cos-fixup.sh
