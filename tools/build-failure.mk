# build-failure: whether a failed compile's log is a verdict or a fault (mk/build-output.sh).
TOOLS += build-failure
tool_build-failure_SRCS := tools/build-failure.c tools/common.c
