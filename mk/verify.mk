# Boot verification: each probe is loaded, attached and watched for events in the very kernel
# it is for, under qemu (mk/verify-probe.sh, tools/bpf-load.c).
#
#   $(call verify_rule,PROBE,IMAGE_SHA256,DISTRO,KIND)
#     defines PROBE.verified (next to the probe, so that the repository index can record it)
#     from PROBE and the kernel's image package, and adds it to `verify` and `verify-DISTRO`;
#     kernels/<driver version>/<d>.verify.mk calls it for each output (tools/kernels-mk).
#   make verify            every probe that has a verify rule, then a PASS/FAIL summary
#   make PROBE.verified    one probe
#
# A .verified file holds key=value lines (result=PASS|FAIL, kernel, probe_sha256,
# programs_loaded, tracepoints_attached, events_seen, boot_seconds, load_seconds...). A FAIL
# is a verdict and is kept (the probe and kernel have not changed, so neither would the
# verdict); `verify` then fails, naming it. A run that reaches no verdict (timeout before the
# loader reports, missing kernel in the package) writes nothing and stops make.
# The VM's console is kept under $(VERIFY_DIR), mirroring $(DIST).
#
# Needs mk/driver.mk (DRIVER_KEY, DRIVER_INFO; DRIVER_DIR is read when the recipe runs).

VERIFY_DIR := $(BUILD)/verify
# Taken now: --no-builtin-variables empties the built-in CC before recipes run.
VERIFY_CC := $(or $(CC),cc)
VERIFY_TIMEOUT ?= 240

# The tables the driver version's probes need from userspace (tools/scap-tables.c), compiled
# from the configured driver tree; which table sources exist depends on the driver version.
SCAP_TABLE_SOURCES := event_table fillers_table syscall_table flags_table dynamic_params_table
VERIFY_TABLES := $(VERIFY_DIR)/$(DRIVER_KEY).tables
$(VERIFY_TABLES): tools/scap-tables.c tools/scap-compat/userspace/common/types.h $(DRIVER_INFO)
	$(call run,TABLES  $@,mkdir -p $(@D) && srcs=; for f in $(SCAP_TABLE_SOURCES); do \
	  [ ! -f $(DRIVER_DIR)/$$f.c ] || srcs="$$srcs $(DRIVER_DIR)/$$f.c"; done; \
	  $(VERIFY_CC) -std=gnu17 -O1 -w -I$(DRIVER_DIR) -Itools/scap-compat/userspace \
	    -o $@.bin tools/scap-tables.c $$srcs && $@.bin $@ && rm -f $@.bin)

# The loader runs alone in the initramfs, so it is always a static build of its own, whatever
# BIN and SAN say (the sanitized tools cannot be static).
VERIFY_LOADER := $(VERIFY_DIR)/bpf-load
$(VERIFY_LOADER): $(tool_bpf-load_SRCS) mk/tools.mk mk/verify.mk
	@$(call label,CC      $@)
	$(Q)mkdir -p $(@D) && $(VERIFY_CC) $(TOOL_CFLAGS) -o $@.tmp $(tool_bpf-load_SRCS) -static -lelf -lz -lzstd && \
	  mv -f $@.tmp $@

VERIFY_PROBE = FP_BIN=$(BIN) FP_BPF_LOAD=$(VERIFY_LOADER) sh mk/verify-probe.sh \
  --timeout $(VERIFY_TIMEOUT) --tables $(VERIFY_TABLES)

# $(call verify_rule,probe,image package sha256,distro,kind)
define verify_rule
$(1).verified: $(1) $(PKG_DIR)/$(2) $(VERIFY_TABLES) $(VERIFY_LOADER) mk/verify-probe.sh | $(call tool,extract)
verify verify-$(3): $(1).verified
endef
$(DIST)/%.verified:
	$(call run,VERIFY  $(notdir $*),$(VERIFY_PROBE) --console $(VERIFY_DIR)/$*.console $< \
	  $(filter $(PKG_DIR)/%,$^) $@ || [ $$? -eq 1 ])

# Prints one line per FAIL and the counts; fails when any probe failed.
VERIFY_SUMMARY = @awk -F= '$$1 == "result" { n[$$2]++; if ($$2 != "PASS") print "  FAIL    " FILENAME } \
  END { printf "verify: %d PASS, %d FAIL\n", n["PASS"], n["FAIL"]; exit (n["FAIL"] > 0) }' \
  /dev/null $(filter %.verified,$^)

.PHONY: verify $(addprefix verify-,$(DISTROS))
verify:
	$(VERIFY_SUMMARY)
$(foreach d,$(DISTROS),$(eval verify-$(d): ; $$(VERIFY_SUMMARY)))
