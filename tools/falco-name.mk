# falco-name: the name and repository path Falco requests for a host (tools/falconame.c holds
# the rules; tools/kernels-mk links the same library).
TOOLS += falco-name
tool_falco-name_SRCS := tools/falco-name.c tools/falconame.c tools/common.c
