# repo-index: a probe repository's index.json, SHA256SUMS and pages (index.html, coverage/) from its records.
TOOLS += repo-index
tool_repo-index_SRCS := tools/repo-index.c tools/repo-pages.c tools/repo.c tools/common.c tools/common-sha256.c
tool_repo-index_PKGS := libcrypto jansson
