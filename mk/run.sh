#!/bin/sh
# One make run at a time on a BUILD directory, and its work trees gone when it ends, however it
# ends. Called by mk/run.mk while make reads its makefiles:
#
#   run.sh BUILD WORK_ROOT MAKE_PID
#
# prints the run's id. The first call of a make process takes the lock BUILD/runs/lock (flock)
# and leaves a guardian process holding it until make exits; the guardian then removes the run's
# work trees, WORK_ROOT/<id>, and the lock is free again. make's restarts (after it regenerated
# its fragments: the same process) get the same id. Another make on the same BUILD waits for the
# lock when FP_LOCK_WAIT=1, and otherwise is refused, naming the run that holds it; "busy" is
# then printed for mk/run.mk to stop with that message.
set -u
build=$1 work_root=$2 pid=$3
runs=$build/runs
mkdir -p "$runs" || exit 1
lock=$runs/lock

exec 9>>"$lock"
if ! flock -n 9; then
	holder=$(cat "$runs/current" 2>/dev/null)
	if [ "${holder%% *}" = "$pid" ]; then
		echo "${holder#* }"
		exit 0
	fi
	if ! kill -0 "${holder%% *}" 2>/dev/null; then
		# That make has ended; its guardian is letting go of the lock.
		flock 9
	elif [ "${FP_LOCK_WAIT:-}" = 1 ]; then
		echo "  WAIT    for the make run ${holder#* } (process ${holder%% *}) on $build" >&2
		flock 9
	else
		echo "error: another make run (${holder#* }, process ${holder%% *}) is using $build;" \
			"wait for it to end, or set FP_LOCK_WAIT=1 to wait" >&2
		echo busy
		exit 0
	fi
fi

id=$(date +%Y%m%dT%H%M%S).$pid
echo "$pid $id" >"$runs/current.tmp" && mv -f "$runs/current.tmp" "$runs/current"
mkdir -p "$runs/$id"
# The guardian: detached from make's output (or $(shell) would wait for it), holding fd 9.
(
	exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&-
	trap '' INT TERM HUP
	while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
	rm -rf "${work_root:?}/$id"
	# Only if it is still ours: a `make clean` meanwhile takes the lock file with it, and the
	# next run's current (under a new lock) must survive us, or its restarts would wait on
	# their own lock.
	[ "$(cat "$runs/current" 2>/dev/null)" = "$pid $id" ] && rm -f "$runs/current"
) </dev/null >/dev/null 2>&1 &
echo "$id"
