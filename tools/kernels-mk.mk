TOOLS += kernels-mk
tool_kernels-mk_SRCS := tools/kernels-mk.c tools/falconame.c
