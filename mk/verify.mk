# Boot verification: each driver is proven in the very kernel it is for, under qemu
# (mk/verify-output.sh): a legacy probe is loaded, attached and watched for events
# (tools/bpf-load.c), a kernel module is loaded and read from (tools/kmod-read.c).
#
#   $(call verify_rule,OUTPUT,IMAGE_SHA256,DISTRO,KIND,DRIVER_VERSION)
#     defines OUTPUT.verified (next to the output, so that the repository index can record it)
#     from OUTPUT, the kernel's image package, its driver version's tables and the verifier of
#     KIND (bpf or kmod), and adds it to `verify` and `verify-DISTRO`;
#     the plan (tools/plan) calls it for each output a verify goal names (mk/kernels.mk).
#   make verify            every output that has a verify rule, then a PASS/FAIL summary
#   make OUTPUT.verified   one output
#
# A .verified file holds key=value lines (result=PASS|FAIL, kind, kernel, probe_sha256 (the
# output's, module or probe), events_seen, boot_seconds, load_seconds...; a probe's
# programs_loaded and tracepoints_attached, a module's vermagic and devices_opened). A FAIL
# is a verdict and is kept (the output and kernel have not changed, so neither would the
# verdict); `verify` then fails, naming it. A run that reaches no verdict (timeout before the
# verifier reports, missing kernel in the package) writes nothing and stops make.
# The VM's console is kept under $(VERIFY_DIR), mirroring $(DIST).
#
# Needs mk/driver.mk (DRV.<dv>, DRVDIR.<dv> of every selected driver version).

VERIFY_DIR := $(BUILD)/verify
# Taken now: --no-builtin-variables empties the built-in CC before recipes run.
VERIFY_CC := $(or $(CC),cc)
VERIFY_TIMEOUT ?= 240

# The tables of a driver version (tools/scap-tables.c), compiled from its prepared tree with
# the table sources that version's libscap compiles. Where they are: bpf-unit/ in the trees
# up to 7.0.0 and in trees of one's own (the module's sources with bpf/ beside them); kmod/
# from 7.2.0, whose bpf-unit/bpf/ is the probe's own copy (bpf/types.h, and the userspace
# syscall numbers kmod/ lacks); kmod/ alone for 10.x, which has no probe. One file per
# prepared tree: a tree of one's own is named by its key, not by the version it declares.
SCAP_COMPAT := $(wildcard tools/scap-compat/*.h tools/scap-compat/userspace/common/*.h)
cmd_tables = d=$(1); [ ! -f $$d/error ] || { cat $$d/error >&2; exit 1; }; \
  if [ -f $$d/bpf-unit/event_table.c ]; then src=$$d/bpf-unit; else src=$$d/kmod; fi; \
  [ -f $$src/event_table.c ] || { echo "verify: $$d has no event_table.c in bpf-unit/ or kmod/" >&2; exit 1; }; \
  incs=-I$$src; [ ! -d $$d/bpf-unit ] || incs="$$incs -I$$d/bpf-unit -I$$d/bpf-unit/bpf"; \
  set -- $$src/event_table.c $$src/fillers_table.c $$src/flags_table.c $$src/dynamic_params_table.c; \
  if [ -f $$src/syscall_table64.c ]; then set -- "$$@" $$src/syscall_table64.c; else set -- "$$@" $$src/syscall_table.c; fi; \
  defs=; if [ -f $$src/syscall_ia32_64_map.c ]; then set -- "$$@" $$src/syscall_ia32_64_map.c; defs=-DHAVE_IA32_64_MAP; fi; \
  mkdir -p $(@D) && $(VERIFY_CC) -std=gnu17 -O1 -w $$incs -Itools/scap-compat/userspace -Itools/scap-compat $$defs \
    -o $@.bin tools/scap-tables.c "$$@" && $@.bin $@ && rm -f $@.bin
define verify_tables
VERIFY_TABLES.$(1) := $(VERIFY_DIR)/$(notdir $(DRVDIR.$(1))).tables
$(VERIFY_DIR)/$(notdir $(DRVDIR.$(1))).tables: tools/scap-tables.c $(SCAP_COMPAT) $(DRV.$(1)) mk/verify.mk
	$$(call run,TABLES  $$@,$$(call cmd_tables,$(DRVDIR.$(1))))
endef
$(foreach dv,$(SELECTED_DVS),$(if $(DRVDIR.$(dv)),$(eval $(call verify_tables,$(dv)))))

# The verifiers run alone in the initramfs, so they are always static builds of their own,
# whatever BIN and SAN say (the sanitized tools cannot be static).
VERIFY_LOADER := $(VERIFY_DIR)/bpf-load
VERIFY_READER := $(VERIFY_DIR)/kmod-read
VERIFY_TOOL.bpf := $(VERIFY_LOADER)
VERIFY_TOOL.kmod := $(VERIFY_READER)
$(VERIFY_LOADER): $(tool_bpf-load_SRCS) $(wildcard tools/*.h) mk/tools.mk mk/verify.mk
	@$(call label,CC      $@)
	$(Q)mkdir -p $(@D) && $(VERIFY_CC) $(TOOL_CFLAGS) -o $@.tmp $(tool_bpf-load_SRCS) -static -lelf -lz -lzstd && \
	  mv -f $@.tmp $@
$(VERIFY_READER): $(tool_kmod-read_SRCS) $(wildcard tools/*.h) mk/tools.mk mk/verify.mk
	@$(call label,CC      $@)
	$(Q)mkdir -p $(@D) && $(VERIFY_CC) $(TOOL_CFLAGS) -o $@.tmp $(tool_kmod-read_SRCS) -static && mv -f $@.tmp $@

VERIFY_OUTPUT = FP_BIN=$(BIN) FP_BPF_LOAD=$(VERIFY_LOADER) FP_KMOD_READ=$(VERIFY_READER) sh mk/verify-output.sh \
  --timeout $(VERIFY_TIMEOUT)

# $(call verify_rule,output,image package sha256,distro,kind,driver version)
define verify_rule
$(1).verified: $(1) $(PKG_DIR)/$(2) $(VERIFY_TABLES.$(5)) $(VERIFY_TOOL.$(4)) mk/verify-output.sh | $(call tool,extract)
verify verify-$(3): $(1).verified
endef
# The kind is the output's: mk/verify-output.sh tells a module (.ko) from a probe.
$(DIST)/%.verified:
	$(call run,VERIFY  $(notdir $*),$(VERIFY_OUTPUT) --console $(VERIFY_DIR)/$*.console \
	  $(addprefix --tables ,$(filter %.tables,$^)) $< $(filter $(PKG_DIR)/%,$^) $@ || [ $$? -eq 1 ])

# Prints one line per FAIL and the counts; fails when any output failed.
VERIFY_SUMMARY = @awk -F= '$$1 == "result" { n[$$2]++; if ($$2 != "PASS") print "  FAIL    " FILENAME } \
  END { printf "verify: %d PASS, %d FAIL\n", n["PASS"], n["FAIL"]; exit (n["FAIL"] > 0) }' \
  /dev/null $(filter %.verified,$^)

.PHONY: verify $(addprefix verify-,$(DISTROS))
verify:
	$(VERIFY_SUMMARY)
$(foreach d,$(DISTROS),$(eval verify-$(d): ; $$(VERIFY_SUMMARY)))
