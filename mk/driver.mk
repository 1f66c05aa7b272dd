# The driver source, prepared once per source and shared by every probe.
#
# Preparing it writes $(DRIVER_INFO), a small make fragment that names the configured tree
# (DRIVER_DIR), the driver version the tree declares, and a stamp whose content is the tree's
# hash (DRIVER_STAMP), so that a changed driver rebuilds every probe and an unchanged one none.

ifeq ($(DRIVER_SOURCE),upstream)
ifeq ($(DRIVER_VERSION),)
$(if $(NEED_DRIVER),$(error DRIVER_SOURCE=upstream needs DRIVER_VERSION, a falcosecurity/libs tag or commit))
endif
DRIVER_KEY := upstream-$(subst +,_,$(DRIVER_VERSION))
else ifeq ($(DRIVER_SOURCE),debian-dkms)
DRIVER_KEY := debian-dkms
else
DRIVER_KEY := local-$(subst /,_,$(subst .,_,$(abspath $(DRIVER_SOURCE))))
endif
DRIVER_ROOT := $(BUILD)/driver/$(DRIVER_KEY)
DRIVER_INFO := $(DRIVER_ROOT).mk
DRIVER_PREPARE = FP_BIN=$(BIN) FP_DRIVER_VERSION='$(DRIVER_VERSION)' sh mk/prepare-driver.sh

# The suite whose signed index carries falcosecurity-scap-dkms.
DKMS_SUITE ?= bookworm

ifeq ($(DRIVER_SOURCE),upstream)
LIBS_ARCHIVE_URL ?= https://github.com/falcosecurity/libs/archive/$(subst +,%2B,$(DRIVER_VERSION)).tar.gz
$(DRIVER_INFO): mk/prepare-driver.sh | $(call tool,fetch) $(call tool,extract)
	$(Q)$(DRIVER_PREPARE) upstream $(DRIVER_ROOT) '$(DRIVER_VERSION)' '$(LIBS_ARCHIVE_URL)' $(CACHE)/driver
else ifeq ($(DRIVER_SOURCE),debian-dkms)
$(DRIVER_INFO): $(BUILD)/listing/debian.stamp mk/prepare-driver.sh | $(call tool,fetch) $(call tool,extract) $(call tool,deb-index)
	$(Q)$(DRIVER_PREPARE) debian-dkms $(DRIVER_ROOT) '$(MIRROR_debian)' $(APT_BUILD)/debian/$(DKMS_SUITE).indexes \
	  $(APT_CACHE) $(DKMS_SUITE) $(PKG_DIR)
else
$(DRIVER_INFO): $(shell find $(DRIVER_SOURCE) -newer $(DRIVER_INFO) 2>/dev/null | head -n 1) mk/prepare-driver.sh | $(call tool,extract)
	$(Q)$(DRIVER_PREPARE) local $(DRIVER_ROOT) '$(DRIVER_SOURCE)'
endif
