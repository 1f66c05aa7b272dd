# perf-mirror-shim.so: LD_PRELOAD for old libscap readers on current kernels (see the source).
TOOLS += perf-mirror-shim
tool_perf-mirror-shim_SRCS := tools/perf-mirror-shim.c
tool_perf-mirror-shim_SHARED := 1
