# One infrastructure for every repository family (after Buildroot's package/pkg-generic.mk):
# from a distribution's mirrors to its kernel listing, $(BUILD)/listing/<d>.tsv. A family
# (mk/family-<F>.mk) supplies data and commands, and a distribution (distros/<d>.mk, d_FAMILY
# := F) supplies data only. The generic steps, for each source s of a distribution d (an apt
# suite, an rpm-md repository of one architecture, a COS milestone):
#
#   $(SRC_CACHE)/d/s.root     the source's root index, refreshed on every run with conditional
#                             requests into $(SRC_CACHE)/d/s/ by refresh_F, which prints what it
#                             holds ("<sha256>  <file>" lines); rewritten only when that changes.
#                             refresh_F exits 4 when the mirror has no such source, 5 when it
#                             does not answer: an optional one (or, not answering, one of a
#                             mirror its distribution says may not answer) is then an empty root
#                             (or, not answering, the last one), with a note, and anything else an
#                             error.
#   $(SRC_BUILD)/d/s.indexes  the indexes the verified root names, by verify_F, one a line:
#                               <sha256> <size> <url> <tag> <os-release> <listing base>
#                             each fetched by its hash into $(BYHASH)/<sha256> (size "-": not
#                             known; sha256 "-": the family's verify made the file <tag> itself).
# and for the distribution:
#   $(BUILD)/listing/d.tsv    list_F over every source's .indexes ($^), sorted; replaced only when
#                             its text changes (the .stamp beside it records that it was made).
#
# A family F defines:
#   F_entries  $(call F_entries,d): the distribution's source entries (words of its data)
#   F_source   $(call F_source,d,entry): $(call source,d,key,optional,what,VAR=value...) for one
#              entry: its key, whether it may be missing, how a note names it, and the settings its
#              commands read (target-specific variables; URL, where the source is, for messages)
#   refresh_F, verify_F, list_F   shell commands (recipes' text), reading $@, $<, $^, $(D), $(S)
#              and the source's settings
#   F_TOOLS    the tools its commands run (prerequisites, so that a new tool redoes the step)
# Nothing else: a new family is mk/family-F.mk and its index tool; a new distribution of a
# family is distros/<d>.mk and its os-release files.

SRC_CACHE := $(CACHE)/sources
SRC_BUILD := $(BUILD)/sources
BYHASH := $(CACHE)/by-hash
FETCH = $(call tool,fetch) --retries $(FETCH_RETRIES)

# Roots are asked for once per make invocation: not again when make restarts to read the
# fragments it has just generated.
REFRESH_FORCE := $(if $(filter 1,$(REFRESH)),$(if $(MAKE_RESTARTS),,FORCE))

# replace TMP OUT: TMP becomes OUT unless OUT has that content already.
replace = if cmp -s $(1) $(2); then rm -f $(1); else mv -f $(1) $(2); fi

# $(call source,distro,key,optional (non-empty) or not,what a note calls it,VAR=value ...)
define source
SOURCES.$(1) += $(2)
$(SRC_CACHE)/$(1)/$(2).root $(SRC_BUILD)/$(1)/$(2).indexes: D := $(1)
$(SRC_CACHE)/$(1)/$(2).root $(SRC_BUILD)/$(1)/$(2).indexes: F := $($(1)_FAMILY)
$(SRC_CACHE)/$(1)/$(2).root $(SRC_BUILD)/$(1)/$(2).indexes: S := $(2)
$(SRC_CACHE)/$(1)/$(2).root: OPTIONAL := $(3)
$(SRC_CACHE)/$(1)/$(2).root: WHAT := $(4)
$(foreach v,$(5),$(SRC_CACHE)/$(1)/$(2).root $(SRC_BUILD)/$(1)/$(2).indexes: $(v)
)
$(SRC_BUILD)/$(1)/$(2).indexes: $(SRC_CACHE)/$(1)/$(2).root $$($($(1)_FAMILY)_TOOLS)
endef

# $(call distro_listing,distro)
define distro_listing
$(foreach e,$(call $($(1)_FAMILY)_entries,$(1)),$(eval $(call $($(1)_FAMILY)_source,$(1),$(e))))
$(BUILD)/listing/$(1).stamp: $(foreach s,$(SOURCES.$(1)),$(SRC_BUILD)/$(1)/$(s).indexes) \
  $$($($(1)_FAMILY)_TOOLS) $(call $($(1)_FAMILY)_LIST_DEPS,$(1)) $(wildcard distros/$(1).mk) $(BUILD)/listing/settings
$(BUILD)/listing/$(1).stamp: D := $(1)
$(BUILD)/listing/$(1).stamp: F := $($(1)_FAMILY)
endef

# A source whose mirror may not answer from here (MAY_NOT_ANSWER: its mirror variable) is
# skipped like an optional one when it does not answer. Once one of that mirror's sources has not
# answered in this run, the others do not ask again: each would wait out every retry.
DOWN_RUN := $(shell echo "$$PPID-$$(date +%s%N)")
down_mark = $(SRC_CACHE)/$(D)/.down-$(MAY_NOT_ANSWER)

$(SRC_CACHE)/%.root: $(REFRESH_FORCE) | $(call tool,fetch)
	$(call cmd,refresh)
quiet_cmd_refresh =
      cmd_refresh = mkdir -p $(basename $@) && \
	if [ -n "$(MAY_NOT_ANSWER)" ] && [ "$$(cat $(down_mark) 2>/dev/null)" = '$(DOWN_RUN)' ]; then rc=5; \
	else ( $(refresh_$(F)) ) > $@.tmp; rc=$$?; \
	  if [ $$rc = 5 ] && [ -n "$(MAY_NOT_ANSWER)" ] && [ -z "$(OPTIONAL)" ]; then echo '$(DOWN_RUN)' > $(down_mark); \
	    $(call warn,$(D): $(MAY_NOT_ANSWER) ($($(MAY_NOT_ANSWER))) does not answer: a fault$(comma) not a verdict; what it serves is not listed this run and is asked again next run); fi; fi; \
	if [ $$rc = 4 ] && [ -n "$(OPTIONAL)" ]; then \
	  $(call note,$(D): the mirror has no $(WHAT); skipping it); : > $@.tmp; \
	elif [ $$rc = 5 ] && [ -n "$(OPTIONAL)$(MAY_NOT_ANSWER)" ] && [ -f $@ ]; then \
	  $(call note,$(D): $(URL) does not answer; keeping what it listed last); rm -f $@.tmp; exit 0; \
	elif [ $$rc = 5 ] && [ -n "$(OPTIONAL)$(MAY_NOT_ANSWER)" ]; then \
	  $(call note,$(D): $(URL) does not answer; skipping $(WHAT)); : > $@.tmp; \
	elif [ $$rc = 4 ]; then rm -f $@.tmp; echo "error: $(D): the mirror has no $(WHAT) at $(URL)" >&2; exit 4; \
	elif [ $$rc != 0 ]; then rm -f $@.tmp; exit $$rc; fi; \
	$(call replace,$@.tmp,$@)

$(SRC_BUILD)/%.indexes: | $(call tool,fetch)
	$(call filechk,indexes)
filechk_indexes = [ ! -s $< ] || { mkdir -p $(BYHASH) && ( $(verify_$(F)) ) > $@.list && \
	while read -r sha size url rest; do [ "$$sha" = - ] || { sz=; [ "$$size" = - ] || sz="--size $$size"; \
	  $(FETCH) --quiet --sha256 $$sha $$sz "$$url" $(BYHASH)/$$sha || exit 1; }; \
	done < $@.list && cat $@.list && rm -f $@.list; }

# The settings that choose what a listing holds from the same indexes.
$(BUILD)/listing/settings: FORCE
	$(call filechk,listing_settings)
filechk_listing_settings = echo 'ARCHES=$(ARCHES)'
$(BUILD)/listing/%.stamp:
	$(call cmd,listing)
quiet_cmd_listing = LIST    $(D)
      cmd_listing = mkdir -p $(@D) && ( $(list_$(F)) ) > $(@:.stamp=.tsv).tmp && \
	LC_ALL=C sort -o $(@:.stamp=.tsv).tmp $(@:.stamp=.tsv).tmp && \
	$(call replace,$(@:.stamp=.tsv).tmp,$(@:.stamp=.tsv)) && touch $@ || { rm -f $(@:.stamp=.tsv).tmp; exit 1; }

# The listing is made by its stamp's rule; never an intermediate file for make to delete.
$(BUILD)/listing/%.tsv: $(BUILD)/listing/%.stamp ;
.PRECIOUS: $(BUILD)/listing/%.tsv $(SRC_BUILD)/%.indexes $(SRC_CACHE)/%.root

$(foreach d,$(DISTROS),$(eval $(call distro_listing,$(d))))
