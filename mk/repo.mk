# The probe repository: $(DIST) as Falco's DRIVERS_REPO, described by index.json (every probe
# and the SHA-256 of every input it was built from), index.html and the pages of coverage/, a
# SHA256SUMS per directory, and minisign signatures; building only what a published repository
# lacks; shards.
#
#   make repo                       (or `make index`) index.json, index.html, coverage/,
#                                   SHA256SUMS from the records in $(BUILD)/records and what
#                                   became of every output; signed when SIGNING_KEY is set
#   make REPO=<url|dir> debian      builds only the probes that REPO's index.json lacks: one
#                                   request for the index, never one per probe
#   make REPO=<url|dir> repo        the index of REPO's probes and the new ones together; the
#                                   files to upload are listed in $(BUILD)/repo/upload-*.list
#   make SHARD=i/N debian           a stable 1/N of the outputs, chosen by a hash of each
#                                   output's repository path (tools/plan: a new kernel never moves
#                                   an old one)
#   make repo REPO_MERGE='a b'      merges other shards' outputs (directories holding an
#                                   index.json and their probes, or index.json files)
#   make is-uploaded PROBE=<path> REPO=...     succeeds if REPO has that probe (mk/is-uploaded.sh
#                                   exits 0 or 1, as the original design's tool did)
#   make rebuild-check PROBE=<path> [REPO=...] rebuilds a published probe from its recorded
#                                   inputs in a scratch directory and compares the bytes
#   make verify-repo REPO=<url|dir> SIGNING_PUBKEY=<file> [MODULE_SIGNING_CERT=<files>]
#                                   checks signatures and checksums, and with the certificates
#                                   every signed module's signature (mk/module-sign.sh)
#   make signing-key [MODULE_SIGNING_KEY=<pem>]   a module signing key and certificate for MOK
#   make summary [SUMMARY_FORMAT=markdown]   the coverage matrix of $(DIST)/index.json, as text
#                                   (or markdown, for GitHub's job summary)
#   make lookup [UNAME_R= UNAME_V= UNAME_M= OS_RELEASE=] [REPO=]   per Falco release, the URL
#                                   its loader requests for that host (default: this one) and
#                                   whether REPO (default $(DIST)) has it (mk/lookup.sh)
#
# Must be included before mk/kernels.mk, whose plan reads REMOTE_PATHS.

# A published repository (URL or directory), as Falco's DRIVERS_REPO names it.
REPO ?=
# REPO_INIT=1: a REPO without index.json is an empty repository (its first publication).
# Otherwise a missing index is an error: building and publishing everything again would put a
# second copy over every published probe.
REPO_INIT ?=
SHARD ?=
REPO_MERGE ?=
# minisign key pair: the secret key signs index.json and every SHA256SUMS; the public key
# checks a downloaded repository, and the published index before it is merged into a new one.
SIGNING_KEY ?=
SIGNING_PUBKEY ?=
# The certificates (PEM) of the keys that signed modules (MODULE_SIGNING_KEY): verify-repo checks
# every signed module's signature with the one its index entry names.
MODULE_SIGNING_CERT ?=
MINISIGN ?= minisign
# The probe rebuild-check and is-uploaded look at, as a repository path.
PROBE ?=

REPO_STATE := $(BUILD)/repo
repo_url = $(if $(findstring ://,$(1)),$(patsubst %/,%,$(1)),file://$(abspath $(1)))
REPO_URL := $(if $(REPO),$(call repo_url,$(REPO)))
REMOTE_DIR := $(REPO_STATE)/remote/$(subst %,_,$(subst /,_,$(subst :,_,$(REPO_URL))))
REMOTE_INDEX := $(REMOTE_DIR)/index.json
REPO_TOOLS = $(call tool,fetch) $(call tool,repo-index) $(call tool,repo-query)


# ---- Building only what REPO lacks ----
# The published index is fetched once per make run (make restarts after regenerating
# fragments; a restart does not ask again) and its paths listed in REMOTE_PATHS, which the plan
# (mk/kernels.mk) leaves out. The fetch is conditional (tools/fetch --refresh): an unchanged
# index is not rewritten, so nothing is planned again for it.
REMOTE_PATHS := $(REMOTE_DIR)/paths
ifneq ($(REPO),)
$(REMOTE_INDEX): $(if $(MAKE_RESTARTS),,FORCE) | $(REPO_TOOLS)
	$(call cmd,remote_index)
quiet_cmd_remote_index =
      cmd_remote_index = mkdir -p $(@D) && $(call tool,fetch) --quiet --refresh '$(REPO_URL)/index.json' $@; rc=$$?; \
	if [ $$rc -eq 4 ] && [ '$(REPO_INIT)' = 1 ]; then \
	  printf '{"format": "falco-probes-index/2", "probes": []}\n' > $@; \
	elif [ $$rc -eq 4 ]; then \
	  echo "error: $(REPO_URL)/index.json does not exist; REPO_INIT=1 publishes a new repository" >&2; exit 1; \
	elif [ $$rc -ne 0 ]; then \
	  echo "error: cannot read $(REPO_URL)/index.json" >&2; exit 1; fi
$(REMOTE_PATHS): $(REMOTE_INDEX)
	$(call cmd,remote_paths)
quiet_cmd_remote_paths =
      cmd_remote_paths = $(call tool,repo-query) paths $< > $@.tmp && \
	$(if $(FP_QUIET),,printf '  REMOTE  %s: %s probes published\n' '$(REPO_URL)' "$$(wc -l < $@.tmp)" &&) \
	$(call replace,$@.tmp,$@)
endif

# ---- Shards ----
ifneq ($(SHARD),)
ifneq ($(shell [ '$(words $(subst /, ,$(SHARD)))' = 2 ] && [ '$(word 1,$(subst /, ,$(SHARD)))' -ge 1 ] 2>/dev/null && \
  [ '$(word 1,$(subst /, ,$(SHARD)))' -le '$(word 2,$(subst /, ,$(SHARD)))' ] 2>/dev/null && echo ok),ok)
$(error SHARD=$(SHARD): expected i/N, with 1 <= i <= N)
endif
endif

# ---- The index ----
# $(BUILD)/repo/upload-index.list: what the publish job uploads after the probes: every
# SHA256SUMS, the pages of coverage/ (upload-pages.list, from repo-index), index.json, index.html
# and the signatures. Signed: index.json and the SHA256SUMS, which say what the probes are. The
# pages (index.html, coverage/*.html, coverage/*.js) only show what index.json says, as a web
# page does: they are not signed, and nothing reads them to decide what to trust.
# Other shards' outputs: a directory brings its probes (copied into $(DIST); an existing file
# must be the same bytes) and its index.json; a file is an index.json.
repo_merge_index = $(if $(filter %.json,$(1)),$(1),$(1)/index.json)
TOOLCHAIN_HISTORY := $(BUILD)/toolchains

.PHONY: repo index
index: repo
# After any build this run's goals ask for, never beside it.
repo: $(REPO_TOOLS) $(call tool,output-state) $(if $(REPO),$(REMOTE_PATHS)) | $(filter-out repo index,$(filter $(DISTROS) all $(DIST)/%,$(GOALS)))
	@mkdir -p $(REPO_STATE) $(DIST)
	$(Q)set -e; for m in $(REPO_MERGE); do \
	  [ -d "$$m" ] || continue; \
	  $(call tool,repo-query) paths "$$m/index.json" | while read -r p; do \
	    [ -f "$$m/$$p" ] || continue; \
	    if [ -f "$(DIST)/$$p" ]; then cmp -s "$$m/$$p" "$(DIST)/$$p" || \
	      { echo "error: $$m/$$p differs from $(DIST)/$$p" >&2; exit 1; }; \
	    else mkdir -p "$$(dirname "$(DIST)/$$p")" && cp "$$m/$$p" "$(DIST)/$$p.tmp" && mv -f "$(DIST)/$$p.tmp" "$(DIST)/$$p"; fi; \
	  done; done
	$(if $(and $(REPO),$(SIGNING_PUBKEY)),$(Q)if [ -s $(REMOTE_INDEX) ] && grep -q '"path"' $(REMOTE_INDEX); then \
	  $(call tool,fetch) --quiet '$(REPO_URL)/index.json.minisig' $(REMOTE_INDEX).minisig.tmp && \
	  mv -f $(REMOTE_INDEX).minisig.tmp $(REMOTE_INDEX).minisig && \
	  $(MINISIGN) -V -q -p $(SIGNING_PUBKEY) -m $(REMOTE_INDEX) -x $(REMOTE_INDEX).minisig || \
	  { echo "error: $(REPO_URL)/index.json is not signed by $(SIGNING_PUBKEY)" >&2; exit 1; }; fi)
	$(Q)if [ -f $(TC.bpf) ]; then mkdir -p $(TOOLCHAIN_HISTORY) && \
	  cp $(TC.bpf) $(TOOLCHAIN_HISTORY)/$$(sha256sum $(TC.bpf) | cut -d' ' -f1).id; fi
	$(Q){ $(foreach d,$(DISTROS),$(call tool,output-state) status $(call state_args,$(d)) --runs $(BUILD)/runs --seen $(SEEN)/$(d).tsv \
	  $(foreach r,$(STATUS_RELEASES),--release $(r)) &&) :; } > $(REPO_STATE)/status.tsv.tmp && \
	  if cmp -s $(REPO_STATE)/status.tsv.tmp $(REPO_STATE)/status.tsv; then rm -f $(REPO_STATE)/status.tsv.tmp; \
	  else mv -f $(REPO_STATE)/status.tsv.tmp $(REPO_STATE)/status.tsv; fi
	$(Q)$(call tool,repo-index) --dist $(DIST) --records $(RECORD_DIR) --status $(REPO_STATE)/status.tsv \
	  --signed $(if $(SIGNING_KEY),yes,no) \
	  $$(for t in $(TOOLCHAIN_HISTORY)/*.id; do [ -f "$$t" ] && printf ' --toolchain %s' "$$t"; done) \
	  $(if $(REPO),--published $(REMOTE_INDEX)) $(foreach m,$(REPO_MERGE),--merge $(call repo_merge_index,$(m))) \
	  --upload-list $(REPO_STATE)/upload-probes.list --page-list $(REPO_STATE)/upload-pages.list
	$(Q)dirs=$$($(call tool,repo-query) dirs $(DIST)/index.json) && \
	  { for d in $$dirs; do echo "$$d/SHA256SUMS"; done | sed 's|^\./||'; cat $(REPO_STATE)/upload-pages.list; \
	    echo index.json; echo index.html; } > $(REPO_STATE)/upload-index.list.tmp && \
	  $(if $(SIGNING_KEY),\
	    echo "  SIGN    $(DIST)/index.json and $$(echo $$dirs | wc -w) SHA256SUMS" && \
	    (cd $(DIST) && for f in $$(grep -v -e '^index.html$$' -e '^coverage/' $(REPO_STATE)/upload-index.list.tmp); do \
	      $(MINISIGN) -S -s $(abspath $(SIGNING_KEY)) -t "falco-probes $$f" -m "$$f" </dev/null >/dev/null || exit 1; \
	      echo "$$f.minisig" >> $(REPO_STATE)/upload-index.list.tmp; done) &&) \
	  mv -f $(REPO_STATE)/upload-index.list.tmp $(REPO_STATE)/upload-index.list

# What the coverage of the index counts: the selected releases' outputs (a driver of one's own:
# its one release, known here without reading its tree).
STATUS_RELEASES = $(if $(CUSTOM_DRIVER),$(DRIVER_RELEASE),$(SELECTED_RELEASES))

# ---- The repository as its users read it ----
SUMMARY_FORMAT ?= text
UNAME_R ?=
UNAME_V ?=
UNAME_M ?=
OS_RELEASE ?=
.PHONY: summary lookup
summary: | $(call tool,repo-query)
	$(if $(filter text markdown,$(SUMMARY_FORMAT)),,$(error SUMMARY_FORMAT=$(SUMMARY_FORMAT): text or markdown))
	@[ -f $(DIST)/index.json ] || { echo "error: $(DIST)/index.json does not exist (make repo writes it)" >&2; exit 1; }
	@$(call tool,repo-query) summary $(DIST)/index.json $(SUMMARY_FORMAT) $(RUN_TIME)

lookup: | $(call tool,falco-name) $(call tool,fetch)
	$(Q)FP_BIN=$(BIN) sh mk/lookup.sh '$(if $(REPO),$(REPO_URL),file://$(DIST))' \
	  '$(call escsq,$(UNAME_R))' '$(call escsq,$(UNAME_V))' '$(call escsq,$(UNAME_M))' '$(call escsq,$(OS_RELEASE))'

# ---- One probe ----
.PHONY: is-uploaded rebuild-check verify-repo
is-uploaded: | $(REPO_TOOLS)
	$(if $(REPO),,$(error is-uploaded needs REPO=<url or directory>))$(if $(PROBE),,$(error is-uploaded needs PROBE=<repository path>))
	$(Q)FP_BIN=$(BIN) sh mk/is-uploaded.sh '$(REPO_URL)' '$(PROBE)'

rebuild-check: | $(REPO_TOOLS)
	$(if $(PROBE),,$(error rebuild-check needs PROBE=<repository path>))
	+$(Q)FP_BIN=$(BIN) FP_MAKE='$(MAKE)' FP_BUILD=$(BUILD) sh mk/rebuild-check.sh \
	  '$(if $(REPO),$(REPO_URL),file://$(DIST))' '$(PROBE)'

verify-repo: | $(REPO_TOOLS)
	$(if $(REPO),,$(error verify-repo needs REPO=<url or directory>))$(if $(SIGNING_PUBKEY),,$(error verify-repo needs SIGNING_PUBKEY=<minisign public key>))
	$(Q)FP_BIN=$(BIN) MINISIGN='$(MINISIGN)' sh mk/verify-repo.sh '$(REPO)' '$(SIGNING_PUBKEY)' \
	  $(foreach c,$(MODULE_SIGNING_CERT),'$(call escsq,$(abspath $(c)))')

# ---- Module signing ----
# A key and certificate for MODULE_SIGNING_KEY, fit for MOK enrollment (mk/module-sign.sh),
# beside it its certificate as PEM (.crt, for verify-repo's MODULE_SIGNING_CERT) and DER (.der,
# for mokutil). Never under DIST: what is there is published.
SIGNING_KEY_BITS ?= 4096
.PHONY: signing-key
signing-key:
	$(eval signing_key_pem := $(or $(MODULE_SIGNING_KEY),$(BUILD)/module-signing/signing_key.pem))
	$(if $(filter $(DIST)/%,$(signing_key_pem)),$(error MODULE_SIGNING_KEY=$(signing_key_pem) is under DIST ($(DIST)), which is published))
	@sh mk/module-sign.sh key '$(call escsq,$(signing_key_pem))' '$(SIGNING_KEY_BITS)'
	@echo "  KEY     $(signing_key_pem) (private: keep it out of dist/ and of logs)"
	@echo "  CERT    $(basename $(signing_key_pem)).crt, $(basename $(signing_key_pem)).der (sha256 $$(sh mk/module-sign.sh fingerprint '$(call escsq,$(signing_key_pem))'))"
	@echo "Enroll it on each host (Secure Boot's MOK; confirmed in MokManager at the next boot):"
	@echo "  sudo mokutil --import $(basename $(signing_key_pem)).der"
	@echo "Then sign the modules a run builds: make MODULE_SIGNING_KEY=$(signing_key_pem) ..."

# The workflow's matrix: one job per distribution and shard (<distro>_SHARDS, default 1).
.PHONY: matrix-json
matrix-json:
	@printf '{"include":[%s]}\n' '$(subst $(space),$(comma),$(strip $(foreach d,$(sort $(DISTROS)),\
	  $(foreach i,$(shell seq 1 $(or $($(d)_SHARDS),1)),{"distro":"$(d)"$(comma)"shard":"$(i)/$(or $($(d)_SHARDS),1)"}))))'
