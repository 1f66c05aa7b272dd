# apt repositories (Debian, Ubuntu): from a signed InRelease to a kernel listing.
#
# For a distribution d with d_FAMILY := apt, each suite's InRelease is refreshed (one
# conditional request; an unchanged file keeps its time, so nothing below it is redone), its
# signature checked with gpgv against d_KEYRING and the hashes of its Packages indexes taken
# from the verified text by apt-release. Each index is then fetched by that hash, and deb-index
# resolves every kernel's header packages into $(BUILD)/listing/d.tsv. A broken link in that
# chain stops the listing: nothing is built from an index we could not verify.
#
# d_SUITES:  suite|MIRROR_VARIABLE|os-release-name ...   (os-release under distros/os-release/)
# d_ARCHES:  uname-m|debian-arch|flavour,flavour,...      (empty flavour list: every flavour)
# d_COMPONENTS, d_KEYRING, d_STYLE (debian|ubuntu), d_OPTIONAL_SUITES (may be missing).

APT_CACHE := $(CACHE)/apt
APT_BUILD := $(BUILD)/apt


# $(call apt_suite_rule,distro,suite-entry)
define apt_suite_rule
# InRelease, or where a mirror has none, Release and its detached Release.gpg; an empty
# InRelease then stands for them (touched when they change) or for an optional, absent suite.
$(APT_CACHE)/$(1)/$(call field,1,$(2))/InRelease: $(if $(filter 1,$(REFRESH)),FORCE) | $(call tool,fetch)
	@mkdir -p $$(@D)
	$(Q)base=$$($(call field,2,$(2)))/dists/$(call field,1,$(2)); d=$$(@D); \
	$(call tool,fetch) --quiet --refresh $$$$base/InRelease $$@ 2>$$@.err && { rm -f $$@.err $$$$d/Release $$$$d/Release.gpg; exit 0; }; \
	rc=$$$$?; [ $$$$rc = 4 ] || { cat $$@.err >&2; rm -f $$@.err; exit $$$$rc; }; rm -f $$@.err; \
	if $(call tool,fetch) --quiet --refresh $$$$base/Release $$$$d/Release 2>/dev/null; then \
	  $(call tool,fetch) --quiet --refresh $$$$base/Release.gpg $$$$d/Release.gpg || exit 1; \
	  if [ -s $$@ ] || [ ! -e $$@ ] || [ $$$$d/Release -nt $$@ ] || [ $$$$d/Release.gpg -nt $$@ ]; then : > $$@; fi; \
	elif [ -n "$(filter $(call field,1,$(2)),$($(1)_OPTIONAL_SUITES))" ]; then \
	  echo "  NOTE    $(1): the mirror has no suite $(call field,1,$(2)); skipping it"; \
	  rm -f $$$$d/Release $$$$d/Release.gpg; [ -e $$@ ] && [ ! -s $$@ ] || : > $$@; \
	else echo "fetch: $$$$base: neither InRelease nor Release" >&2; exit 4; fi

$(APT_BUILD)/$(1)/$(call field,1,$(2)).indexes: $(APT_CACHE)/$(1)/$(call field,1,$(2))/InRelease $(call tool,apt-release)
	@mkdir -p $$(@D)
	$(Q)d=$$(<D); if [ -s $$< ]; then signed="--inrelease $$<"; \
	elif [ -s $$$$d/Release ]; then signed="--release $$$$d/Release --signature $$$$d/Release.gpg"; \
	else signed=; fi; \
	if [ -n "$$$$signed" ]; then \
	  $(call tool,apt-release) --keyring $($(1)_KEYRING) $$$$signed --suite $(call field,1,$(2)) \
	    $(foreach c,$($(1)_COMPONENTS),$(foreach a,$($(1)_ARCHES),$(c)/binary-$(call field,2,$(a))/Packages)) > $$@.tmp; \
	else : > $$@.tmp; fi && mv -f $$@.tmp $$@
endef

# $(call apt_distro_rules,distro)
define apt_distro_rules
$(foreach s,$($(1)_SUITES),$(eval $(call apt_suite_rule,$(1),$(s))))

$(BUILD)/listing/$(1).stamp: $(foreach s,$($(1)_SUITES),$(APT_BUILD)/$(1)/$(call field,1,$(s)).indexes) $(call tool,deb-index) $(call tool,fetch) distros/$(1).mk mk/apt-listing.sh
	@mkdir -p $$(@D)
	@echo "  LIST    $(1)"
	$(Q)FP_BIN=$(BIN) sh mk/apt-listing.sh $(BUILD)/listing/$(1).tsv $($(1)_STYLE) '$($(1)_COMPONENTS)' \
	  '$($(1)_ARCHES)' $(APT_CACHE) $(APT_BUILD) $(1) \
	  $(foreach s,$($(1)_SUITES),'$(s)|$$($(call field,2,$(s)))')
	@touch $$@
endef
