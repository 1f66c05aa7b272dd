# The driver sources, each prepared once (mk/prepare-driver.sh) and shared by every output of its
# driver version. For each driver version dv a run builds:
#   DRV.<dv>     its stamp, the hash of its configured units: a changed driver rebuilds every
#                output of dv, an unchanged one none
#   DRVDIR.<dv>  where they are (bpf-unit/, kmod/), with .prepared, or error under make -k
#
# DRIVER_SOURCE=upstream (the default): falcosecurity/libs at each selected driver version
# (mk/falco.mk), from LIBS_ARCHIVES/<ref>.tar.gz ('+' sent as %2B), pinned to the content hash
# of the table. DRIVER_SOURCE=debian-dkms (Debian's signed falcosecurity-scap-dkms, fetched
# through the verified Debian indexes as any package) or a tree or archive of one's own: the
# one driver version it declares (DRIVER_VERSION= may name it), as the release DRIVER_RELEASE
# (default "custom"; a name no Falco release has), named by FALCO_RULES and LAYOUT or that
# driver version's defaults.

LIBS_ARCHIVES ?= https://github.com/falcosecurity/libs/archive
DRIVER_PREPARE = FP_BIN=$(BIN) FP_KEEP_GOING=$(KEEP_GOING) FP_DRIVER_VERSION='$(DRIVER_VERSION)' sh mk/prepare-driver.sh

# $(call upstream_driver,dv)
define upstream_driver
DRV.$(1) := $(BUILD)/driver/$(1).sha256
DRVDIR.$(1) := $(BUILD)/driver/$(1)
$(BUILD)/driver/$(1).sha256: $(BUILD)/driver/$(1)/.prepared ;
$(BUILD)/driver/$(1)/.prepared: mk/prepare-driver.sh $(FALCO_TABLE) | $(call tool,fetch) $(call tool,extract)
	$$(call run,DRIVER  $(1),$(DRIVER_PREPARE) upstream $(BUILD)/driver/$(1) '$(1)' \
	  '$(LIBS_ARCHIVES)/$(subst +,%2B,$(1)).tar.gz' $(FALCO_TREE.$(1)) $(CACHE)/driver)
endef

ifeq ($(CUSTOM_DRIVER),)
$(foreach dv,$(SELECTED_DVS),$(eval $(call upstream_driver,$(dv))))
else
ifeq ($(DRIVER_SOURCE),debian-dkms)
DRIVER_KEY := debian-dkms
else
DRIVER_KEY := local-$(subst /,_,$(subst .,_,$(abspath $(DRIVER_SOURCE))))
endif
DRIVER_ROOT := $(BUILD)/driver/$(DRIVER_KEY)
DRIVER_INFO := $(DRIVER_ROOT).mk

ifeq ($(DRIVER_SOURCE),debian-dkms)
# The suite whose signed index carries falcosecurity-scap-dkms. The package, found in the
# verified indexes of the Debian listing, is fetched by the package rule like any other
# (mk/outputs.mk), then unpacked as an archive of one's own.
DKMS_SUITE ?= bookworm
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
ifneq ($(filter-out $(DRIVER_VERSION),$(goal_driver_versions)),)
$(error DRIVER_SOURCE=$(DRIVER_SOURCE) is driver version $(DRIVER_VERSION), but the goals are under $(DIST)/$(goal_driver_versions))
endif
SELECTED_DVS := $(DRIVER_VERSION)
SELECTED_RELEASES := $(DRIVER_RELEASE)
DRV.$(DRIVER_VERSION) := $(DRIVER_ROOT).sha256
DRVDIR.$(DRIVER_VERSION) := $(DRIVER_ROOT)
$(DRIVER_ROOT).sha256: $(DRIVER_INFO) ;
RELEASES.$(DRIVER_VERSION) := $(DRIVER_RELEASE):$(FALCO_RULES):$(or $(LAYOUT),-):$(or $(LAYOUT),-):$(subst $(space),$(comma),$(DRIVER_TREE_KINDS))
KINDS.$(DRIVER_VERSION) := $(DRIVER_TREE_KINDS)
endif
endif

# Every selected driver version's sources, fetched, checked and configured, and nothing else.
.PHONY: drivers
drivers: $(foreach dv,$(SELECTED_DVS),$(DRV.$(dv)))
