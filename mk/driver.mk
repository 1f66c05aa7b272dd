# The driver source, prepared once and shared by every output of its driver version.
#
# Preparing it writes $(DRIVER_INFO), a small make fragment that names the configured tree
# (DRIVER_DIR), the driver version the tree declares, and a stamp whose content is the tree's
# hash (DRIVER_STAMP), so that a changed driver rebuilds every output and an unchanged one none.
# Each driver version's settings are then DRV.<dv> (the stamp), DRVDIR.<dv> (the tree),
# DRVSHA.<dv>, DRVSRC.<dv> (the hashes of the tree and of the archive it came from) and
# RULES.<dv>, LAYOUT.<dv> (the naming settings), as mk/outputs.mk reads them.

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
	$(call run,DRIVER  $(DRIVER_VERSION) from $(LIBS_ARCHIVE_URL),$(DRIVER_PREPARE) upstream $(DRIVER_ROOT) '$(DRIVER_VERSION)' '$(LIBS_ARCHIVE_URL)' $(CACHE)/driver)
else ifeq ($(DRIVER_SOURCE),debian-dkms)
# The package, found in the verified indexes of the Debian listing, is fetched by the package
# rule like any other (mk/outputs.mk), and then unpacked as a local archive.
DKMS_INFO := $(BUILD)/driver/debian-dkms.package.mk
$(DKMS_INFO): $(BUILD)/listing/debian.tsv | $(call tool,deb-index)
	$(call filechk,dkms_package)
filechk_dkms_package = set -- $$(awk '$$4 ~ /^main\/binary-/ { print "--index", "-", $$6, "$(BYHASH)/" $$1 }' \
	  $(SRC_BUILD)/debian/$(DKMS_SUITE).indexes) && [ $$\# -gt 0 ] && \
	found=$$($(call tool,deb-index) --package falcosecurity-scap-dkms "$$@") && set -- $$found && \
	echo "PKG.$$2 := $$3 $$1" && echo "DKMS_PACKAGE := $(PKG_DIR)/$$2"
ifneq ($(NEED_DRIVER),)
include $(DKMS_INFO)
endif
$(DRIVER_INFO): $(DKMS_PACKAGE) mk/prepare-driver.sh | $(call tool,extract)
	$(call run,DRIVER  falcosecurity-scap-dkms,$(DRIVER_PREPARE) local $(DRIVER_ROOT) $(DKMS_PACKAGE))
else
$(DRIVER_INFO): $(shell find $(DRIVER_SOURCE) -newer $(DRIVER_INFO) 2>/dev/null | head -n 1) mk/prepare-driver.sh | $(call tool,extract)
	$(call run,DRIVER  $(DRIVER_SOURCE),$(DRIVER_PREPARE) local $(DRIVER_ROOT) '$(DRIVER_SOURCE)')
endif

# (Debian's dkms package must be known first: the first pass reads where it is.)
ifneq ($(NEED_DRIVER),)
ifneq ($(DRIVER_SOURCE)$(DKMS_PACKAGE),debian-dkms)
include $(DRIVER_INFO)
endif
endif

# A driver tree declares its version; an output must be published under that one.
ifneq ($(DRIVER_TREE_VERSION),)
ifneq ($(DRIVER_TREE_VERSION),$(DRIVER_VERSION))
ifeq ($(DRIVER_VERSION),)
DRIVER_VERSION := $(DRIVER_TREE_VERSION)
else
$(error DRIVER_SOURCE=$(DRIVER_SOURCE) is driver version $(DRIVER_TREE_VERSION), not $(DRIVER_VERSION))
endif
endif
SELECTED_DVS := $(DRIVER_VERSION)
DRV.$(DRIVER_VERSION) := $(DRIVER_STAMP)
DRVDIR.$(DRIVER_VERSION) := $(DRIVER_DIR)
DRVSHA.$(DRIVER_VERSION) := $(DRIVER_TREE_SHA256)
DRVSRC.$(DRIVER_VERSION) := $(DRIVER_SOURCE_SHA256)
RULES.$(DRIVER_VERSION) := $(FALCO_RULES)
LAYOUT.$(DRIVER_VERSION) := $(LAYOUT)
RELEASES.$(DRIVER_VERSION) := default:$(FALCO_RULES):$(or $(LAYOUT),-):$(or $(LAYOUT),-):bpf
endif
