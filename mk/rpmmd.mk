# rpm-md repositories (Amazon Linux, CentOS Stream, Rocky, Alma, Fedora, Oracle): read the way
# dnf reads them, over HTTP, from repodata/repomd.xml to a kernel listing.
#
# For a distribution d with d_FAMILY := rpmmd, each repository of each architecture gets:
#   1. its base URL: the first mirror of its mirror.list (refreshed, $basearch filled in) when
#      its path ends in /mirror.list (Amazon Linux), else the mirror URL and path themselves;
#   2. repodata/repomd.xml, refreshed (one conditional request);
#   3. the primary metadata repomd names, fetched pinned to the SHA-256 repomd gives for it
#      (fetch refuses anything else), into that repository's cache directory.
# rpmmd-index then lists every kernel headers package of all of them into
# $(BUILD)/listing/d.tsv, replaced only when its text changes. Package URLs are written as
# $(MIRROR_...)/..., so a later change of mirror needs no new listing.
#
# d_REPOS:    id|MIRROR_VARIABLE|path|os-release ...   path may hold {arch}; a path ending in
#             /mirror.list is a mirror list; os-release is a name under distros/os-release/
# d_ARCHES:   the uname -m values (yum's basearch) to list, e.g. x86_64 aarch64
# d_PACKAGES: headers package names (default kernel-devel), e.g. kernel-devel kernel-uek-devel
# d_OPTIONAL_REPOS: ids of repositories a mirror may lack (skipped with a note)
# d_MIRRORLIST_ORIGIN: the URL the mirror lists' entries start with, when MIRROR_... may
#             point at a copy of it (Amazon Linux's lists name https://cdn.amazonlinux.com)

RPMMD_CACHE := $(CACHE)/rpmmd
RPMMD_BUILD := $(BUILD)/rpmmd

# $(call rpmmd_path,entry,arch): the repository's path with the architecture filled in.
rpmmd_path = $(subst {arch},$(2),$(call field,3,$(1)))
rpmmd_is_mirrorlist = $(filter %/mirror.list,$(call rpmmd_path,$(1),$(2)))
# $(call rpmmd_dir,root,distro,entry,arch): where one repository's files live, below a root.
rpmmd_dir = $(1)/$(2)/$(call field,1,$(3))/$(4)
rpmmd_optional = $(filter $(call field,1,$(2)),$($(1)_OPTIONAL_REPOS))
# Repositories whose hosts' os-release file exists, and those left out for want of one.
rpmmd_repos = $(foreach r,$($(1)_REPOS),$(if $(wildcard distros/os-release/$(call field,4,$(r))),$(r)))
rpmmd_repos_unnamed = $(filter-out $(call rpmmd_repos,$(1)),$($(1)_REPOS))

# A missing repository (fetch exits 4) is an error unless the distribution names it optional;
# then it is recorded as an empty file and skipped.
# $(call rpmmd_fetch_or_skip,distro,entry,arch)
define rpmmd_fetch_or_skip
|| { rc=$$$$?; if [ $$$$rc = 4 ] && [ -n "$(call rpmmd_optional,$(1),$(2))" ]; then \
       echo "  NOTE    $(1): the mirror has no repository $(call field,1,$(2)) for $(3); skipping it"; : > $$@; \
     else exit $$$$rc; fi; }
endef

# $(call rpmmd_repo_rule,distro,entry,arch)
define rpmmd_repo_rule
ifneq ($(call rpmmd_is_mirrorlist,$(2),$(3)),)
$(call rpmmd_dir,$(RPMMD_CACHE),$(1),$(2),$(3))/mirror.list: $(if $(filter 1,$(REFRESH)),FORCE) | $(call tool,fetch)
	@mkdir -p $$(@D)
	$(Q)$(call tool,fetch) --quiet --refresh '$$($(call field,2,$(2)))/$(call rpmmd_path,$(2),$(3))' $$@ \
	  $(call rpmmd_fetch_or_skip,$(1),$(2),$(3))

# Line 1: the base URL to fetch from; line 2: the same as the listing writes it.
$(call rpmmd_dir,$(RPMMD_BUILD),$(1),$(2),$(3)).url: $(call rpmmd_dir,$(RPMMD_CACHE),$(1),$(2),$(3))/mirror.list $(call tool,rpmmd-index) FORCE
	@mkdir -p $$(@D)
	$(Q)if [ -s $$< ]; then \
	  $(call tool,rpmmd-index) mirrorlist --basearch $(3) \
	    --mirror '$(call field,2,$(2))=$$($(call field,2,$(2)))' \
	    $(if $($(1)_MIRRORLIST_ORIGIN),--origin '$($(1)_MIRRORLIST_ORIGIN)') $$< > $$@.tmp; \
	else : > $$@.tmp; fi && \
	if cmp -s $$@.tmp $$@; then rm -f $$@.tmp; else mv -f $$@.tmp $$@; fi
else
$(call rpmmd_dir,$(RPMMD_BUILD),$(1),$(2),$(3)).url: FORCE
	@mkdir -p $$(@D)
	$(Q)printf '%s\n' '$$($(call field,2,$(2)))/$(call rpmmd_path,$(2),$(3))' \
	  '$$$$($(call field,2,$(2)))/$(call rpmmd_path,$(2),$(3))' > $$@.tmp && \
	if cmp -s $$@.tmp $$@; then rm -f $$@.tmp; else mv -f $$@.tmp $$@; fi
endif

# Asked for again on every run (REFRESH=1); an unchanged repomd.xml keeps its time (fetch
# replaces only a changed file), so nothing below it is redone. With REFRESH=0 the one in the
# cache is used, whatever mirror is set.
$(call rpmmd_dir,$(RPMMD_CACHE),$(1),$(2),$(3))/repomd.xml: $(if $(filter 1,$(REFRESH)),FORCE) | $(call rpmmd_dir,$(RPMMD_BUILD),$(1),$(2),$(3)).url $(call tool,fetch)
	@mkdir -p $$(@D)
	$(Q)url=$$$$(sed -n 1p $(call rpmmd_dir,$(RPMMD_BUILD),$(1),$(2),$(3)).url); \
	if [ -z "$$$$url" ]; then : > $$@; else \
	  $(call tool,fetch) --quiet --refresh "$$$$url/repodata/repomd.xml" $$@ \
	    $(call rpmmd_fetch_or_skip,$(1),$(2),$(3)); \
	fi

# One line for rpmmd-index listing: os-release, base as listed, verified primary file; and the
# primary's hash, so that this file changes (and the listing is made again) when it does.
$(call rpmmd_dir,$(RPMMD_BUILD),$(1),$(2),$(3)).repo: $(call rpmmd_dir,$(RPMMD_CACHE),$(1),$(2),$(3))/repomd.xml $(call rpmmd_dir,$(RPMMD_BUILD),$(1),$(2),$(3)).url $(call tool,rpmmd-index) | $(call tool,fetch)
	@mkdir -p $$(@D)
	$(Q)set -e; primary=$(call rpmmd_dir,$(RPMMD_CACHE),$(1),$(2),$(3))/primary; \
	if [ -s $$< ]; then \
	  info=$$$$($(call tool,rpmmd-index) repomd $$<); \
	  set -- $$$$info; \
	  size=; [ "$$$$3" = - ] || size="--size $$$$3"; \
	  $(call tool,fetch) --quiet --sha256 $$$$2 $$$$size "$$$$(sed -n 1p $$(word 2,$$^))/$$$$1" $$$$primary; \
	  printf '%s %s %s %s\n' distros/os-release/$(call field,4,$(2)) "$$$$(sed -n 2p $$(word 2,$$^))" $$$$primary $$$$2 > $$@.tmp; \
	else : > $$@.tmp; fi; \
	if cmp -s $$@.tmp $$@; then rm -f $$@.tmp; else mv -f $$@.tmp $$@; fi
endef

# $(call rpmmd_distro_rules,distro)
define rpmmd_distro_rules
$(foreach r,$(call rpmmd_repos,$(1)),$(foreach a,$($(1)_ARCHES),$(eval $(call rpmmd_repo_rule,$(1),$(r),$(a)))))

# Named here, the listing is no intermediate file make would delete after using it.
$(BUILD)/listing/$(1).tsv: $(BUILD)/listing/$(1).stamp ;

$(BUILD)/listing/$(1).stamp: $(foreach r,$(call rpmmd_repos,$(1)),$(foreach a,$($(1)_ARCHES),$(call rpmmd_dir,$(RPMMD_BUILD),$(1),$(r),$(a)).repo)) $(call tool,rpmmd-index) distros/$(1).mk
	@mkdir -p $$(@D)
	@echo "  LIST    $(1)"
	$(foreach r,$(call rpmmd_repos_unnamed,$(1)),@echo "  NOTE    $(1): no distros/os-release/$(call field,4,$(r)); leaving out repository $(call field,1,$(r))"
	)$(Q)set -e; out=$(BUILD)/listing/$(1).tsv; \
	repos=$$$$(awk '{ print "--repo", $$$$1, $$$$2, $$$$3 }' /dev/null $$(filter %.repo,$$^)); \
	if [ -n "$$$$repos" ]; then \
	  $(call tool,rpmmd-index) listing $(foreach n,$(or $($(1)_PACKAGES),kernel-devel),--name $(n)) \
	    $(foreach a,$($(1)_ARCHES),--arch $(a)) $$$$repos > $$$$out.tmp; \
	else : > $$$$out.tmp; fi; \
	if cmp -s $$$$out.tmp $$$$out; then rm -f $$$$out.tmp; else mv -f $$$$out.tmp $$$$out; fi
	@touch $$@
endef
