# Fuzzing: a libFuzzer harness for every parser of tools/ (tools/fuzz/fuzz_<name>.c, built with
# clang's -fsanitize=fuzzer,address,undefined), each with a seed corpus of real inputs.
#
#   make fuzzers                       build them, into build/fuzz/bin/
#   make fuzz [FUZZ_SECONDS=N]         run each for N seconds (default 60), one after the other
#   make fuzz-<name> [FUZZ_SECONDS=N]  run one
#
# Each harness keeps its corpus in build/fuzz/<name>/corpus (it grows from run to run) and its
# crashes in build/fuzz/<name>/crashes/; mk/fuzz.sh prints its figures and the report of any
# crash, and the goal fails on a crash. A crash that was fixed is kept as a regression test in
# tests/fixtures/fuzz/<name>/ (tests/fuzz.bats replays them). bench/fuzz.sh runs a campaign.
#
# A harness is registered with:
#   FUZZERS += name
#   fuzz_name_TOOL := the tool whose sources it takes (all but the tool's main file, which
#                     the harness includes itself when it needs the tool's static functions)
# Optional: fuzz_name_INCLUDES := the tool's other sources the harness includes itself (so
# that what they take is tracked, see tools/fuzz/fuzz.h), left out of the link;
# fuzz_name_LDFLAGS; fuzz_name_LEAKS := 0 (no leak detection: say why).

FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=c17 -Wall -Wextra -Werror -O1 -g -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SECONDS ?= 60

FUZZERS :=
FUZZERS += deb-index
fuzz_deb-index_TOOL := deb-index
FUZZERS += apt-release
fuzz_apt-release_TOOL := apt-release
FUZZERS += rpmmd-repomd rpmmd-primary rpmmd-mirrorlist
fuzz_rpmmd-repomd_TOOL := rpmmd-index
fuzz_rpmmd-primary_TOOL := rpmmd-index
fuzz_rpmmd-mirrorlist_TOOL := rpmmd-index
fuzz_rpmmd-repomd_INCLUDES := tools/xmlread.c
fuzz_rpmmd-primary_INCLUDES := tools/xmlread.c
fuzz_rpmmd-mirrorlist_INCLUDES := tools/xmlread.c
FUZZERS += cos-page cos-archive
fuzz_cos-page_TOOL := cos-index
fuzz_cos-archive_TOOL := cos-index
fuzz_cos-page_INCLUDES := tools/xmlread.c
fuzz_cos-archive_INCLUDES := tools/xmlread.c
FUZZERS += extract
fuzz_extract_TOOL := extract
FUZZERS += repo
fuzz_repo_TOOL := repo-query
FUZZERS += bpf-load
fuzz_bpf-load_TOOL := bpf-load
fuzz_bpf-load_LDFLAGS := -lelf -lz
FUZZERS += verify-events
fuzz_verify-events_TOOL := kmod-read
fuzz_verify-events_INCLUDES := tools/verify-events.c
FUZZERS += falconame
fuzz_falconame_TOOL := falco-name
FUZZERS += kernels-mk
fuzz_kernels-mk_TOOL := kernels-mk
FUZZERS += plan
fuzz_plan_TOOL := plan
fuzz_plan_INCLUDES := tools/outputs.c
fuzz_plan_LDFLAGS := -pthread

fuzz_srcs = tools/fuzz/fuzz_$(1).c \
  $(filter-out tools/$(fuzz_$(1)_TOOL).c $(fuzz_$(1)_INCLUDES),$(tool_$(fuzz_$(1)_TOOL)_SRCS))
fuzz_pkgs = $(tool_$(fuzz_$(1)_TOOL)_PKGS)
fuzz_bin = $(FUZZ_DIR)/bin/fuzz_$(1)

# $(call fuzz_rule,name)
define fuzz_rule
$(call fuzz_bin,$(1)): $(call fuzz_srcs,$(1)) $(wildcard tools/*.h tools/fuzz/*.h) tools/$(fuzz_$(1)_TOOL).c \
  $(fuzz_$(1)_INCLUDES) mk/fuzz.mk
	@$$(call label,FUZZCC  $$@)
	$(Q)mkdir -p $$(@D) && $(FUZZ_CC) $(FUZZ_CFLAGS) \
	  $$(if $(call fuzz_pkgs,$(1)),$$(shell pkg-config --cflags $(call fuzz_pkgs,$(1)))) \
	  -o $$@.tmp $(call fuzz_srcs,$(1)) \
	  $$(if $(call fuzz_pkgs,$(1)),$$(shell pkg-config --libs $(call fuzz_pkgs,$(1)))) $(fuzz_$(1)_LDFLAGS) \
	  && mv -f $$@.tmp $$@

# Seeds are made by mk/fuzz-seeds.sh, some with this project's tools.
$(FUZZ_DIR)/$(1)/seeds.done: mk/fuzz-seeds.sh $(call tool,deb-index) $(call tool,kernels-mk) $(call tool,repo-index)
	@$$(call label,SEEDS   $(1))
	$(Q)FP_BIN=$(BIN) mk/fuzz-seeds.sh $(1) $(FUZZ_DIR)/$(1)/seeds && touch $$@

fuzz_run_$(1) = FUZZ_BIN=$(call fuzz_bin,$(1)) FUZZ_SEEDS=$(FUZZ_DIR)/$(1)/seeds FUZZ_WORK=$(FUZZ_DIR)/$(1) \
  FUZZ_LEAKS=$(if $(fuzz_$(1)_LEAKS),$(fuzz_$(1)_LEAKS),1) mk/fuzz.sh $(1) $(FUZZ_SECONDS)

.PHONY: fuzz-$(1)
fuzz-$(1): $(call fuzz_bin,$(1)) $(FUZZ_DIR)/$(1)/seeds.done
	$(Q)$$(fuzz_run_$(1))
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))

.PHONY: fuzzers fuzz-seeds fuzz
fuzzers: $(foreach f,$(FUZZERS),$(call fuzz_bin,$(f)))
fuzz-seeds: $(foreach f,$(FUZZERS),$(FUZZ_DIR)/$(f)/seeds.done)
# One harness after the other, whatever -j says: each uses a whole core for its time. Every
# harness runs; the goal fails if one crashed.
fuzz: fuzzers fuzz-seeds
	$(Q)rc=0; $(foreach f,$(FUZZERS),$(fuzz_run_$(f)) || rc=1;) exit $$rc
