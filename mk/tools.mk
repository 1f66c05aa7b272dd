# The C helpers in tools/. Each tool is one program built from its sources with the pkg-config
# modules it names; a tool registers itself with three lines:
#   TOOLS += name
#   tool_name_SRCS := tools/name.c [tools/shared.c ...]
#   tool_name_PKGS := libcurl ...      (optional)
# Optional: tool_name_LDFLAGS, tool_name_CFLAGS, tool_name_SHARED := 1 (an LD_PRELOAD .so,
# never sanitized, since a sanitizer runtime cannot be preloaded after libc).
# SAN=1 builds everything into build/san/ with ASan and UBSan, which the tests use.

TOOL_CFLAGS := -std=c17 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
BIN := $(BUILD)/$(if $(SAN),san/)bin
# Recipes run tools from other directories (a source's cache, a work tree): the path is absolute.
override BIN := $(abspath $(BIN))

TOOLS :=
include $(sort $(wildcard tools/*.mk))

# $(call tool_rule,name)
define tool_rule
$(BIN)/$(1)$(if $(tool_$(1)_SHARED),.so): $(tool_$(1)_SRCS) $(wildcard tools/*.h) mk/tools.mk
	@$$(call label,CC      $$@)
	$(Q)mkdir -p $$(@D) && $(CC) $(TOOL_CFLAGS) $(tool_$(1)_CFLAGS) \
	  $(if $(tool_$(1)_SHARED),-shared -fPIC,$(if $(SAN),$(SAN_FLAGS))) \
	  $$(if $(tool_$(1)_PKGS),$$(shell pkg-config --cflags $(tool_$(1)_PKGS))) \
	  -o $$@.tmp $(tool_$(1)_SRCS) \
	  $$(if $(tool_$(1)_PKGS),$$(shell pkg-config --libs $(tool_$(1)_PKGS))) $(tool_$(1)_LDFLAGS) \
	  && mv -f $$@.tmp $$@
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

tool = $(BIN)/$(1)$(if $(tool_$(1)_SHARED),.so)
ALL_TOOLS = $(foreach t,$(TOOLS),$(call tool,$(t)))

.PHONY: tools
tools: $(ALL_TOOLS)
