# Shared helpers of the scripts in mk/ (sourced: . mk/lib.sh). The scripts print no progress
# labels of their own (make prints those, mk/lib.mk); they print notes and warnings to stderr,
# and notes only when make was not run with -s (FP_QUIET=1).
#
#   note TEXT...      information, e.g. an optional suite the mirror does not carry
#   warn TEXT...      something to act on
#   die TEXT...       an error: "<script>: TEXT" on stderr, exit 1
#   replace_if_changed TMP OUT
#                     renames TMP to OUT unless OUT already has that content (then TMP goes):
#                     make then sees a change, not activity

fp_script=${0##*/}
fp_script=${fp_script%.sh}

# The run's context (mk/outputs.mk writes it when make reads its makefiles): the run's settings,
# every directory absolute, in one file instead of a growing list of variables per script.
if [ -n "${FP_CONTEXT:-}" ]; then
	# shellcheck source=/dev/null # written by make for each run
	. "$FP_CONTEXT" || {
		printf '%s: cannot read the run context %s\n' "$fp_script" "$FP_CONTEXT" >&2
		exit 1
	}
fi

note() {
	[ "${FP_QUIET:-}" = 1 ] || printf '  NOTE    %s\n' "$*" >&2
}

warn() {
	printf '  WARN    %s\n' "$*" >&2
}

die() {
	printf '%s: %s\n' "$fp_script" "$*" >&2
	exit 1
}

replace_if_changed() {
	if cmp -s "$1" "$2"; then
		rm -f "$1"
	else
		mv -f "$1" "$2"
	fi
}

# interrupted: whether this run was stopped under us: its make has gone (a SIGTERM to make
# alone, a cancelled CI job), or our work directory was taken away (the run's guardian removes
# it once make has gone). What fails then is no fact about the kernel or the driver, and must
# never become a verdict.
interrupted() {
	{ [ -n "${FP_MAKE_PID:-}" ] && ! kill -0 "$FP_MAKE_PID" 2>/dev/null; } || { [ -n "${1:-}" ] && [ ! -d "$1" ]; }
}

# disk_full LOG DIR: whether LOG shows a write failed for want of space, printing the reason to
# give (the disk under DIR is full). A full disk is no fact about the kernel or the driver: never
# a verdict.
disk_full() {
	grep -q 'No space left on device' "$1" && echo "no space left on device under $2"
}
