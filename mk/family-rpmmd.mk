# rpm-md repositories (Amazon Linux, CentOS, Rocky, Alma, Fedora, Oracle), read the way dnf
# reads them, through the generic steps of mk/family.mk. A source is one repository of one
# architecture.
#
# Root: the repository's base URL, the first mirror of its mirror.list ($basearch filled in)
# where its path ends in /mirror.list (Amazon Linux), else the mirror URL and path themselves;
# then repodata/repomd.xml. Verify: the primary metadata repomd names, by the SHA-256 it gives
# (rpmmd-index refuses anything weaker). List: rpmmd-index reads every primary, streamed, into
# one line per kernel headers package. Package URLs are written as $(MIRROR_...)/..., so a later
# change of mirror needs no new listing.
#
# A distribution d with d_FAMILY := rpmmd gives:
#   d_REPOS             id|MIRROR_VARIABLE|path|os-release[|arch,arch] ...   path may hold {arch};
#                       a path ending in /mirror.list is a mirror list; os-release is a name
#                       under distros/os-release/ (a repository whose file is missing is left
#                       out); the last field, where given, the only architectures it serves
#   d_ARCHES            the uname -m values (yum's basearch) it has, e.g. x86_64 aarch64; those
#                       ARCHES names are listed
#   d_PACKAGES          headers package names (default kernel-devel)
#   d_OPTIONAL_REPOS    ids of repositories a mirror may lack (skipped with a note)
#   d_MIRRORLIST_ORIGIN the URL the mirror lists' entries start with, when MIRROR_... may point
#                       at a copy of it (Amazon Linux's lists name https://cdn.amazonlinux.com)

rpmmd_arches = $(filter $(ARCHES),$($(1)_ARCHES))
rpmmd_entries = $(foreach r,$($(1)_REPOS),$(if $(wildcard distros/os-release/$(call field,4,$(r))),\
	$(foreach a,$(call rpmmd_arches,$(1)),$(if $(call field,5,$(r)),$(if $(filter $(a),$(subst $(comma), ,$(call field,5,$(r)))),\
	  $(call field,1,$(r))|$(call field,2,$(r))|$(call field,3,$(r))|$(call field,4,$(r))|$(a)),$(r)|$(a)))))
define rpmmd_source
$(call source,$(1),$(call field,1,$(2)).$(call field,5,$(2)),$(filter $(call field,1,$(2)),$($(1)_OPTIONAL_REPOS)),\
  repository $(call field,1,$(2)) for $(call field,5,$(2)),\
  ARCH=$(call field,5,$(2)) MIRROR_VAR=$(call field,2,$(2)) REPO_PATH=$(subst {arch},$(call field,5,$(2)),$(call field,3,$(2))) \
  OSREL=distros/os-release/$(call field,4,$(2)) \
  URL=$$($(call field,2,$(2)))/$(subst {arch},$(call field,5,$(2)),$(call field,3,$(2))))
endef
rpmmd_TOOLS = $(call tool,rpmmd-index)

# base: line 1 the URL to fetch from, line 2 the same as the listing writes it.
refresh_rpmmd = cd $(basename $@) || exit 1; \
	$(if $(filter %/mirror.list,$(REPO_PATH)),\
	  $(FETCH) --quiet --refresh '$($(MIRROR_VAR))/$(REPO_PATH)' mirror.list || exit $$?; \
	  $(call tool,rpmmd-index) mirrorlist --basearch $(ARCH) --mirror '$(MIRROR_VAR)=$($(MIRROR_VAR))' \
	    $(if $($(D)_MIRRORLIST_ORIGIN),--origin '$($(D)_MIRRORLIST_ORIGIN)') mirror.list > base.tmp || exit 1,\
	  printf '%s\n%s\n' '$($(MIRROR_VAR))/$(REPO_PATH)' '$$($(MIRROR_VAR))/$(REPO_PATH)' > base.tmp); \
	mv -f base.tmp base && $(FETCH) --quiet --refresh "$$(sed -n 1p base)/repodata/repomd.xml" repomd.xml || exit $$?; \
	sha256sum base repomd.xml

verify_rpmmd = dir=$(basename $<); info=$$($(call tool,rpmmd-index) repomd $$dir/repomd.xml) && set -- $$info && \
	echo "$$2 $$3 $$(sed -n 1p $$dir/base)/$$1 primary $(OSREL) $$(sed -n 2p $$dir/base)"

# The distribution's os-release files that are missing leave their repositories out.
list_rpmmd = $(foreach r,$($(D)_REPOS),$(if $(wildcard distros/os-release/$(call field,4,$(r))),,\
	  $(call note,$(D): no distros/os-release/$(call field,4,$(r)); leaving out repository $(call field,1,$(r)));)) \
	set -- $$(awk '{ print "--repo", $$5, $$6, "$(BYHASH)/" $$1 }' /dev/null $(filter %.indexes,$^)); \
	[ $$\# = 0 ] || $(call tool,rpmmd-index) listing $(foreach n,$(or $($(D)_PACKAGES),kernel-devel),--name $(n)) \
	  $(foreach a,$(call rpmmd_arches,$(D)),--arch $(a)) "$$@"
