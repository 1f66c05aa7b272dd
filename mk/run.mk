# A make run: its id, its own directory of records ($(RUN_DIR)) and the lock that keeps a second
# run off the same BUILD (mk/run.sh). Taken by runs that build or list; the id is the same across
# make's restarts.
# A kernel's work tree is extracted, compiled and deleted within seconds. On a RAM file system
# that costs a fraction of what it does on disk (0.8 s against 2-4 s for a Debian kernel's
# 13,000 files here), so /dev/shm is used when it has room for a few trees (2 GiB; a container's
# 64 MiB /dev/shm is not enough); set WORK_DIR to choose.
ifeq ($(origin WORK_DIR),undefined)
ifneq ($(NEED_DISTROS),)
WORK_DIR := $(shell d=/dev/shm; [ -d $$d ] && [ -w $$d ] && \
  [ "$$(df -Pk $$d 2>/dev/null | awk 'NR == 2 { print $$4 }')" -gt 2097152 ] 2>/dev/null && \
  echo "$$d/falco-probes-$$(id -u)/$$(echo '$(BUILD)' | sha256sum | cut -c1-12)")
endif
WORK_DIR := $(or $(WORK_DIR),$(BUILD)/work)
endif
override WORK_DIR := $(abspath $(WORK_DIR))
ifneq ($(NEED_DISTROS)$(filter repo index verify%,$(MAKECMDGOALS)),)
RUN_ID := $(shell sh mk/run.sh $(BUILD) $(WORK_DIR) $$PPID)
ifeq ($(RUN_ID),busy)
$(error one make run at a time on $(BUILD))
endif
ifeq ($(RUN_ID),)
$(error cannot start a run in $(BUILD)/runs)
endif
else
RUN_ID := none
endif
RUN_DIR := $(BUILD)/runs/$(RUN_ID)
# This run's work trees (mk/outputs.mk).
WORK := $(WORK_DIR)/$(RUN_ID)
