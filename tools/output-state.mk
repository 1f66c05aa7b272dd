# output-state: what became of every output of a distribution (make coverage, the index's
# coverage); tools/outputs.c reads it, for tools/plan too.
TOOLS += output-state
tool_output-state_SRCS := tools/output-state.c tools/outputs.c tools/common.c
tool_output-state_LDFLAGS := -pthread
