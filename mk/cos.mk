# Google Container-Optimized OS: no package manager, but a public bucket (cos-tools) with a
# directory of artifacts per build. From the bucket's XML listing to a kernel listing:
#
# 1. $(BUILD)/cos/<d>/builds.mk: the builds of the milestones d follows, `build|milestone`
#    (mk/cos-builds.sh: one paginated listing per milestone, build ids validated by cos-index).
#    Asked for again once per run (REFRESH=1; not again when make restarts to read what it
#    generated), replaced only when it changes; included, so the builds are known to make.
# 2. $(BUILD)/cos/<d>/facts/<build>, one per build, made in parallel under make -j
#    (mk/cos-build.sh): the build's kernel tree, uname -r, uname -v and package, learned from its
#    kernel-headers.tgz (or kernel-src.tar.gz where it has no headers). Object lists of complete
#    builds and the facts of each archive (by ETag and size) are cached in $(CACHE)/cos, and
#    each archive is left in the package cache under its SHA-256, so a build's archive is
#    downloaded once, ever, and identical archives of many builds once.
# 3. $(BUILD)/listing/<d>.tsv (mk/cos-listing.sh): one line per kernel; builds sharing a kernel
#    (same release, version and archive hash) are one line, whose probe make builds once.
#
# Falco's loaders name a COS probe falco_cos_<uname -r>_<n of uname -v '#n'>: no build id (the
# os-release BUILD_ID only picks the headers to download), so every build of a kernel asks for
# that one file. Each probe is built with d_PROBE_FIXUP (mk/cos-fixup.sh), the loader's own
# preparation of COS headers.
#
# d_MILESTONES:      milestone|build-number ... (milestone 101's builds are 17162.*)
# d_OS_RELEASE_DIR:  where cos-<milestone> os-release files are (default distros/os-release)
# MIRROR_<d>:        the bucket, without a trailing slash

COS_CACHE := $(CACHE)/cos
COS_BUILD := $(BUILD)/cos

# $(call cos_distro_rules,distro)
define cos_distro_rules
$(1)_OS_RELEASE_DIR ?= distros/os-release

$(COS_BUILD)/$(1)/builds.mk: $(if $(filter 1,$(REFRESH)),$(if $(MAKE_RESTARTS),,FORCE)) distros/$(1).mk mk/cos-builds.sh | $(call tool,cos-index) $(call tool,fetch)
	@mkdir -p $$(@D)
	$(Q)FP_BIN=$(BIN) sh mk/cos-builds.sh $$@ $(1) '$$(MIRROR_$(1))' '$$($(1)_OS_RELEASE_DIR)' \
	  $$(foreach m,$$($(1)_MILESTONES),'$$(m)')

# Only a run that needs this distribution's listing reads the bucket.
ifneq ($(filter $(1),$(NEED_DISTROS))$(filter $(BUILD)/listing/$(1).%,$(MAKECMDGOALS)),)
-include $(COS_BUILD)/$(1)/builds.mk
endif

$(COS_BUILD)/$(1)/facts/%: mk/cos-build.sh mk/cos-fixup.sh $(call tool,cos-index) | $(call tool,fetch)
	$(Q)FP_BIN=$(BIN) sh mk/cos-build.sh $$@ $$* '$$(MIRROR_$(1))' '$$$$(MIRROR_$(1))' $(COS_CACHE) $(PKG_DIR)

$(BUILD)/listing/$(1).stamp: $(COS_BUILD)/$(1)/builds.mk mk/cos-listing.sh \
  $$(foreach b,$$(COS_BUILDS_$(1)),$(COS_BUILD)/$(1)/facts/$$(firstword $$(subst |, ,$$(b))))
	@mkdir -p $$(@D)
	@echo "  LIST    $(1)"
	$(Q)sh mk/cos-listing.sh $(BUILD)/listing/$(1).tsv $(COS_BUILD)/$(1)/facts '$$($(1)_OS_RELEASE_DIR)' \
	  $(or $($(1)_UNAME_M),x86_64) $$(foreach b,$$(COS_BUILDS_$(1)),'$$(b)')
	@touch $$@
endef
