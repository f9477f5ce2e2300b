#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_vmarena.sh - load vmarena, run the VM selftests, check, unload.
#
#   selftests/run_vmarena.sh [MODULE_PARAM=VALUE ...]
#
# Runs as root inside the VM (tools/vm/run -- selftests/run_vmarena.sh).
# Loads $VMARENA_KO (default ./vmarena.ko) with the given parameters, runs
# every test program in $VMARENA_BUILD/selftests (or only those named in
# $VMARENA_TESTS), then asserts that the arena's free count is back to its
# load-time value and that the module unloads.  Output is TAP; the exit
# status is non-zero when anything failed.
repo=$(cd "$(dirname "$0")/.." && pwd)
ko=${VMARENA_KO:-$repo/vmarena.ko}
bin=${VMARENA_BUILD:-$repo/build}/selftests
stats=/sys/kernel/debug/vmarena/stats
failed=0

free_frames() {
	awk '$1 == "free_frames" { print $2 }' "$stats" 2>/dev/null
}

tap() {	# tap RESULT DESCRIPTION
	if [ "$1" = 0 ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		failed=1
	fi
}

if ! insmod "$ko" "$@"; then
	tap 1 "insmod $ko $*"
	exit 1
fi
load_free=$(free_frames)

for t in ${VMARENA_TESTS:-$(ls "$bin")}; do
	[ -x "$bin/$t" ] || { tap 1 "$t: no such test program"; continue; }
	echo "# $t"
	"$bin/$t" || failed=1
done

end_free=$(free_frames)
[ -n "$load_free" ] && [ "$end_free" = "$load_free" ]
tap $? "arena free frames back to the load-time count ($load_free, now $end_free)"
rmmod vmarena
tap $? "module unloads"
exit $failed
