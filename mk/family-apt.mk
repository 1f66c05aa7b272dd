# apt repositories (Debian, Ubuntu): from a signed InRelease to a kernel listing, through the
# generic steps of mk/family.mk. A source is one suite.
#
# Root: dists/<suite>/InRelease, or where a mirror has none, Release and its detached
# Release.gpg. Verify: apt-release checks the signature with gpgv against d_KEYRING, the suite
# and the Valid-Until date, and names every Packages index of the components and architectures,
# by the hash the verified text gives. List: deb-index resolves each kernel's header packages
# over all the suites' indexes at once (a kernel of -security may need a package of the release).
# Package URLs are written as $(MIRROR_...)/pool/..., so a later change of mirror needs no new
# listing.
#
# A distribution d with d_FAMILY := apt gives:
#   d_SUITES            suite|MIRROR_VARIABLE|os-release-name[|KEYRING_VARIABLE] ...  (os-release
#                       under distros/os-release/; the keyring, where not d_KEYRING, of suites
#                       signed by keys a distribution has retired); $(call apt_suites,...) writes
#                       them from releases and pockets
#   d_OPTIONAL_SUITES   suites (or % patterns) a mirror may lack or that may not answer (skipped
#                       with a note)
#   d_COMPONENTS        e.g. main
#   d_ARCHES            uname-m|debian-arch|flavour,flavour,...  (no flavour list: every flavour);
#                       ARCHES selects among them by uname -m
#   d_ARCH_MIRROR_<uname-m>  the mirror variable that serves every suite's indexes of that
#                       architecture, where not the suite's own mirror (Ubuntu's ports): its suites
#                       are sources of their own, keyed <mirror>/<suite> (MIRROR_ubuntu_ports ->
#                       ports/jammy), which d_OPTIONAL_SUITES patterns may name
#   d_HOST_INDEX        non-empty where a kernel of another architecture than this host's takes
#                       its Multi-Arch: foreign build programs from the host's architecture's
#                       indexes (Debian's linux-kbuild-*), which are then read too
#   d_MAY_NOT_ANSWER    mirror variables whose hosts may not answer from where a run is: a suite
#                       of theirs that does not answer is skipped with a note, as an optional one
#   d_KEYRING           the keyring that signs the suites
#   d_STYLE             debian | ubuntu (how deb-index reads versions and shared headers)

# $(call apt_suites,RELEASES,POCKETS,MIRROR_VARIABLE,SECURITY_MIRROR_VARIABLE[,KEYRING_VARIABLE]):
# the suites of each release (codename|os-release) in each pocket: "release" is the codename
# itself, "security" <codename>-security from the security mirror, "security-old" the layout of
# Debian 10 and before (<codename>/updates, security mirror), any other <codename>-<pocket>.
apt_suite_name = $(if $(filter release,$(2)),$(1),$(if $(filter security-old,$(2)),$(1)/updates,$(1)-$(2)))
apt_suites = $(foreach r,$(1),$(foreach p,$(2),$(call apt_suite_name,$(call field,1,$(r)),$(p))|$\
  $(if $(filter security%,$(p)),$(4),$(3))|$(call field,2,$(r))$(if $(5),|$(5))))

# An entry is one source: key|suite|mirror variable|os-release|debian-arches,...[|keyring variable].
# Each suite is read from its own mirror for the architectures that have no mirror of their own,
# and from d_ARCH_MIRROR_<uname-m> for those that have (with the host's architecture where another
# one is listed, for its Multi-Arch: foreign build programs: see apt_arches).
apt_mirror_of = $(or $($(1)_ARCH_MIRROR_$(2)),-)
apt_read_arches = $(sort $(foreach a,$(call apt_arches,$(1)),$(call field,1,$(a))) \
  $(if $($(1)_HOST_INDEX),$(if $(filter-out $(HOST_ARCH),$(foreach a,$(call apt_arches,$(1)),$(call field,1,$(a)))),$(HOST_ARCH))))
apt_debian_arch = $(call field,2,$(firstword $(filter $(2)|%,$($(1)_ARCHES))))
apt_group_arches = $(subst $(space),$(comma),$(strip $(sort $(foreach m,$(call apt_read_arches,$(1)),\
  $(if $(filter $(2),$(call apt_mirror_of,$(1),$(m))),$(call apt_debian_arch,$(1),$(m)))))))
apt_entries = $(foreach g,$(sort $(foreach m,$(call apt_read_arches,$(1)),$(call apt_mirror_of,$(1),$(m)))),\
  $(foreach s,$($(1)_SUITES),$(if $(filter -,$(g)),$(call field,1,$(s)),$(patsubst MIRROR_$(1)_%,%,$(g))/$(call field,1,$(s)))|$\
    $(call field,1,$(s))|$(if $(filter -,$(g)),$(call field,2,$(s)),$(g))|$(call field,3,$(s))|$(call apt_group_arches,$(1),$(g))$\
    $(if $(call field,4,$(s)),|$(call field,4,$(s)))))
# $(call apt_arches,d): the entries of d_ARCHES that ARCHES selects; apt_host_arch: the
# architecture of this host's, for d_HOST_INDEX.
apt_arches = $(foreach a,$($(1)_ARCHES),$(if $(filter $(call field,1,$(a)),$(ARCHES)),$(a)))
apt_host_arch = $(call field,2,$(firstword $(filter $(HOST_ARCH)|%,$($(1)_ARCHES))))
define apt_source
$(call source,$(1),$(call field,1,$(2)),$(filter $($(1)_OPTIONAL_SUITES),$(call field,1,$(2))),suite $(call field,1,$(2)),\
  SUITE=$(call field,2,$(2)) MIRROR_VAR=$(call field,3,$(2)) OSREL=distros/os-release/$(call field,4,$(2)) \
  INDEX_ARCHES=$(call field,5,$(2)) MAY_NOT_ANSWER=$(filter $(call field,3,$(2)),$($(1)_MAY_NOT_ANSWER)) \
  KEYRING=$(or $($(call field,6,$(2))),$($(1)_KEYRING)) URL=$$($(call field,3,$(2)))/dists/$(call field,2,$(2)))
endef
apt_TOOLS = $(call tool,apt-release) $(call tool,deb-index)

refresh_apt = base='$($(MIRROR_VAR))/dists/$(SUITE)'; cd $(basename $@) || exit 1; \
	if $(FETCH) --quiet --refresh "$$base/InRelease" InRelease 2>.err; then rm -f Release Release.gpg; \
	else rc=$$?; [ $$rc = 4 ] || { cat .err >&2; exit $$rc; }; rm -f InRelease; \
	  $(FETCH) --quiet --refresh "$$base/Release" Release 2>.err || { rc=$$?; [ $$rc = 4 ] || cat .err >&2; exit $$rc; }; \
	  $(FETCH) --quiet --refresh "$$base/Release.gpg" Release.gpg || exit 1; fi; \
	rm -f .err; for f in InRelease Release Release.gpg; do [ ! -f $$f ] || sha256sum $$f; done

verify_apt = dir=$(basename $<); \
	if [ -f $$dir/InRelease ]; then signed="--inrelease $$dir/InRelease"; \
	else signed="--release $$dir/Release --signature $$dir/Release.gpg"; fi; \
	$(call tool,apt-release) --keyring $(KEYRING) $$signed --suite $(SUITE) \
	  $(foreach c,$($(D)_COMPONENTS),$(foreach a,$(subst $(comma), ,$(INDEX_ARCHES)),$(c)/binary-$(a)/Packages)) \
	  > $@.verified && \
	awk -v base='$($(MIRROR_VAR))/dists/$(SUITE)' -v osrel=$(OSREL) -v listed='$$($(MIRROR_VAR))' \
	  '{ print $$1, $$2, base "/" $$3, $$3, osrel, listed }' $@.verified && rm -f $@.verified

# One deb-index run per architecture, over the indexes of that architecture of every suite (and,
# for another architecture than this host's, the host's as --host-index).
apt_index_args = awk '$$4 ~ "/binary-$(2)/" { print "$(1)", $$5, $$6, "$(BYHASH)/" $$1 }' /dev/null $(filter %.indexes,$^)
list_apt = $(foreach a,$(call apt_arches,$(D)),\
	args=$$($(call apt_index_args,--index,$(call field,2,$(a))) \
	  $(if $(filter $(HOST_ARCH),$(call field,1,$(a)))$(if $($(D)_HOST_INDEX),,-),,; $(call apt_index_args,--host-index,$(call apt_host_arch,$(D))))); \
	[ -z "$$args" ] || $(call tool,deb-index) --style $($(D)_STYLE) --uname-m $(call field,1,$(a)) \
	  $(foreach f,$(subst $(comma), ,$(call field,3,$(a))),--flavour $(f)) $$args || exit 1;)
