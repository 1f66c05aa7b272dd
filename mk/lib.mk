# The idioms every rule uses, after kbuild's scripts/Kbuild.include.
#
# Output: a step prints one aligned label (quiet_cmd_<name>), V=1 prints its commands instead
# (cmd_<name>), and make -s prints neither:
#
#   quiet_cmd_list = LIST    $(D)
#         cmd_list = deb-index ... > $@
#   target: prerequisites
#   	$(call cmd,list)
#
# Files that make compares: $(call filechk,name) writes what filechk_name prints to $@, and
# replaces $@ only when that text changed (kbuild's filechk), so that make sees change, not
# activity. Every output is written to a temporary name and renamed: an interrupted run never
# leaves half a file where a whole one belongs.
#
# Notes and warnings go to stderr: $(call note,text) (information; silent under -s) and
# $(call warn,text) (always). Scripts do the same through mk/lib.sh, reading FP_QUIET.

ifeq ($(V),1)
quiet :=
Q :=
else
quiet := quiet_
Q := @
endif
# The first word of MAKEFLAGS holds the single-letter flags, when there are any: otherwise it is
# a long option (the Makefile's own --no-builtin-rules), whose letters are no flags.
make_flags := $(filter-out --%,$(firstword -$(MAKEFLAGS)))
ifneq ($(findstring s,$(make_flags)),)
quiet := silent_
endif
KEEP_GOING := $(if $(findstring k,$(make_flags)),1)
FP_QUIET := $(if $(filter silent_,$(quiet)),1)
export FP_QUIET

space := $(subst ,, )
comma := ,
# Field n of an "a|b|c" entry, the form distribution data uses for its lists.
field = $(word $(1),$(subst |, ,$(2)))
# A string inside single quotes.
escsq = $(subst ','\'',$(1))

# $(call run,label,command): the label (or, with V=1, the command; with -s, nothing), then the
# command. $(call cmd,name) is $(call run,$(quiet_cmd_name),$(cmd_name)).
run = @$(if $(filter quiet_,$(quiet)),$(if $(strip $(1)),printf '  %s\n' '$(call escsq,$(1))';),$(if \
  $(quiet),,printf '%s\n' '$(call escsq,$(2))';)) $(2)
cmd = $(call run,$(quiet_cmd_$(1)),$(cmd_$(1)))
# $(call label,text): a step's label alone, for a recipe whose command make echoes itself
# under V=1 (its text may hold commas, which run's arguments cannot).
label = $(if $(filter quiet_,$(quiet)),printf '  %s\n' '$(call escsq,$(1))',:)

# $(call filechk,name): the output of filechk_name into $@ when it differs from $@'s content;
# the label of quiet_chk_name is printed only then.
define filechk
	$(Q)mkdir -p $(dir $@) && { $(filechk_$(1)); } > $@.tmp || { rm -f $@.tmp; exit 1; }; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else \
	  $(if $($(quiet)chk_$(1)),printf '  %s\n' '$(call escsq,$($(quiet)chk_$(1)))';) mv -f $@.tmp $@; fi
endef

note = $(if $(FP_QUIET),:,printf '  NOTE    %s\n' '$(call escsq,$(1))' >&2)
warn = printf '  WARN    %s\n' '$(call escsq,$(1))' >&2

# A prerequisite that makes a rule run every time (its target decides whether anything changed).
.PHONY: FORCE
FORCE:
