# The tests: bats-core files under tests/, run against sanitizer builds of the C tools.
BATS ?= bats
TESTS ?= $(sort $(wildcard tests/*.bats))

.PHONY: check
check:
	$(Q)$(MAKE) --no-print-directory SAN=1 tools
	$(Q)FP_BIN=$(abspath $(BUILD)/san/bin) FP_TOP=$(CURDIR) $(BATS) $(BATS_FLAGS) $(TESTS)

.PHONY: clean
clean:
	rm -rf $(BUILD) $(KERNELS)/*/ $(DIST)/*/
