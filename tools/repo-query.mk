# repo-query: what a probe repository's index.json lists (paths, one entry, SHA256SUMS).
TOOLS += repo-query
tool_repo-query_SRCS := tools/repo-query.c tools/repo.c tools/common.c
tool_repo-query_PKGS := jansson
