# plan: what a run builds of a distribution (mk/kernels.mk includes its output).
TOOLS += plan
tool_plan_SRCS := tools/plan.c tools/outputs.c tools/common.c
tool_plan_LDFLAGS := -pthread
