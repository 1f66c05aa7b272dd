# Google Container-Optimized OS: no package manager, but a public bucket (cos-tools) with a
# directory of artifacts per build, read through the generic steps of mk/family.mk. A source is
# one milestone (mk/cos.sh does the work, cos-index reads what the bucket answers):
#
# Root: the milestone's builds, from the bucket's paginated XML listing (GET
#   MIRROR?prefix=<build number>.&delimiter=/; build ids validated by cos-index).
# Verify: each build's kernel, learned once from its artifacts: its object listing (kept once the
#   build is complete: a build's artifacts never change), then its kernel-headers.tgz (or
#   kernel-src.tar.gz where it has no headers), downloaded once per distinct archive (known by
#   its ETag and size), checked against the listing's MD5, hashed and read by cos-index; the
#   facts are kept in $(CACHE)/cos, the archive is not (the build fetches it by its SHA-256 as
#   any package). A build that is incomplete or holds no usable kernel is left out with a note.
# List: one line per kernel; builds sharing a kernel (same release, version and archive hash)
#   are one line, with the oldest build's archive, so that a new build of an old kernel changes
#   nothing.
#
# Falco's loaders name a COS probe falco_cos_<uname -r>_<n of uname -v '#n'>: no build id, so
# every build of a kernel asks for that one file. Each kernel's tree is prepared with
# d_FIXUP (mk/cos-fixup.sh), the loader's own preparation of COS headers.
#
# A distribution d with d_FAMILY := cos gives:
#   d_MILESTONES       milestone|build-number ... (milestone 101's builds are 17162.*)
#   d_OS_RELEASE_DIR   where the cos-<milestone> os-release files are (default distros/os-release);
#                      a milestone without one is left out with a note
#   d_UNAME_M          the builds' architecture (x86_64)
#   MIRROR_<d>         the bucket, without a trailing slash

COS_CACHE := $(CACHE)/cos
cos_osrel_dir = $(or $($(1)_OS_RELEASE_DIR),distros/os-release)
cos_entries = $(foreach m,$($(1)_MILESTONES),$(if $(wildcard $(call cos_osrel_dir,$(1))/cos-$(call field,1,$(m))),$(m)))
define cos_source
$(call source,$(1),m$(call field,1,$(2)),,milestone $(call field,1,$(2)),\
  MILESTONE=$(call field,1,$(2)) BUILD_NUMBER=$(call field,2,$(2)) OSREL=$(call cos_osrel_dir,$(1))/cos-$(call field,1,$(2)) \
  URL=$$(MIRROR_$(1))?prefix=$(call field,2,$(2)).)
endef
cos_TOOLS = $(call tool,cos-index) mk/cos.sh mk/cos-fixup.sh
COS_SH = FP_BIN=$(BIN) sh mk/cos.sh

refresh_cos = $(COS_SH) builds '$(MIRROR_$(D))' $(BUILD_NUMBER) $(basename $@)
verify_cos = $(COS_SH) facts '$(MIRROR_$(D))' $(COS_CACHE) $(OSREL) '$$(MIRROR_$(D))' $<
list_cos = $(foreach m,$($(D)_MILESTONES),$(if $(wildcard $(call cos_osrel_dir,$(D))/cos-$(call field,1,$(m))),,\
	  $(call note,$(D): no $(call cos_osrel_dir,$(D))/cos-$(call field,1,$(m)); leaving out milestone $(call field,1,$(m)));)) \
	$(COS_SH) listing $(COS_CACHE) $(or $($(D)_UNAME_M),x86_64) /dev/null $(filter %.indexes,$^)
