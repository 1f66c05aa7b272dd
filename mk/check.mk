# The tests: bats-core files under tests/, run against sanitizer builds of the C tools, with
# leak detection on and every sanitizer report failing the run (tests/setup_suite.bash);
# tests/fuzz.bats builds and runs the fuzz harnesses (mk/fuzz.mk). They run make as a user does,
# so this make's own flags are not passed down to them.
BATS ?= bats
TESTS ?= $(sort $(wildcard tests/*.bats))

.PHONY: check
check:
	$(Q)$(MAKE) --no-print-directory SAN=1 tools
	$(Q)env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	  FP_BIN=$(abspath $(BUILD)/san/bin) FP_TOP=$(CURDIR) $(BATS) $(BATS_FLAGS) $(TESTS)

.PHONY: clean
clean:
	rm -rf $(BUILD) $(KERNELS)/*/ $(KERNELS)/*.kernels $(DIST)/*/ $(WORK_DIR)

# `make print-WORK_DIR` prints a variable's value as this run computes it.
print-%:
	@echo '$($*)'

# The mutation campaign (tests/mutate.sh, tests/mutations.txt): each mutation applied to a
# scratch copy of the tree, the tests that cover it run there, killed or survived, and the kill
# rate. MUTATIONS="id ..." runs some of them.
MUTATIONS ?=
.PHONY: mutate
mutate:
	$(Q)env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES tests/mutate.sh $(MUTATIONS)
