#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_vmarena.sh - load vmarena, run the VM selftests, check, unload.
#
#   selftests/run_vmarena.sh [MODULE_PARAM=VALUE ...]
#
# Runs as root inside the VM (tools/vm/run -- selftests/run_vmarena.sh).
# First loads and unloads the module with several arena sizes, valid and
# not.  Then loads $VMARENA_KO (default ./vmarena.ko) with the given
# parameters, runs every test program in $VMARENA_BUILD/selftests (or only
# those named in $VMARENA_TESTS; with VMARENA_NO32=1, not the 32-bit
# builds NAME-32), and asserts that the arena's free count is
# back to its load-time value and that the module unloads.  The paging
# tests (paging_*) then run in a load of their own, with a 1 MiB arena
# and $VMARENA_SWAP_DEV as swap device, so that a space four times the
# arena stays small.  Output is TAP; the exit status is non-zero when
# anything failed.
#
# Each program runs under tools/tap_judge.sh: a "not ok" line when it exits
# non-zero, is killed by a signal, runs longer than $VMARENA_TEST_TIMEOUT
# seconds (default 600, 1500 on the debug kernel), or prints a plan (1..N)
# other than its number of results.
repo=$(cd "$(dirname "$0")/.." && pwd)
ko=${VMARENA_KO:-$repo/vmarena.ko}
bin=${VMARENA_BUILD:-$repo/build}/selftests
stats=/sys/kernel/debug/vmarena/stats
failed=0
if [ "$VMARENA_KERNEL" = debug ]; then
	test_timeout=${VMARENA_TEST_TIMEOUT:-1500}
else
	test_timeout=${VMARENA_TEST_TIMEOUT:-600}
fi
# shellcheck source=tools/tap_judge.sh
. "$repo/tools/tap_judge.sh"

stat() {
	awk -v k="$1" '$1 == k { print $2 }' "$stats" 2>/dev/null
}

free_frames() {
	stat free_frames
}

tap() {	# tap RESULT DESCRIPTION
	if [ "$1" = 0 ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		failed=1
	fi
}

# A load with arena_mb=$1 gives 256 frames a MiB, all free, and unloads.
load_size() {
	insmod "$ko" arena_mb="$1" || return 1
	frames=$(stat arena_frames)
	free=$(free_frames)
	rmmod vmarena || return 1
	[ "$frames" = $(($1 * 256)) ] && [ "$free" = "$frames" ]
}

# A load with the parameter $1 fails with the message $2 and leaves no module.
load_refused() {
	if insmod "$ko" "$1" 2>/dev/null; then
		rmmod vmarena
		return 1
	fi
	! grep -q '^vmarena ' /proc/modules && dmesg | tail -n 5 | grep -q "$2"
}

if [ -z "$VMARENA_TESTS" ]; then
	for mb in 1 16 64; do
		load_size $mb
		tap $? "a ${mb} MiB arena loads with $((mb * 256)) frames, all free, and unloads"
	done
	load_refused arena_mb=0 "outside"
	tap $? "arena_mb=0 is refused with a message"
	mem_mb=$(awk '$1 == "MemTotal:" { print int($2 / 1024) }' /proc/meminfo)
	load_refused arena_mb=$((mem_mb * 2)) "exceeds"
	tap $? "an arena larger than the machine ($((mem_mb * 2)) MiB) is refused cleanly"
	load_refused policy=lfu "refused"
	tap $? "an unknown replacement policy is refused with a message"
	load_refused watermark_low=2000 "refused"
	tap $? "watermarks out of order (low 2000 above the default high, 1024) are refused"
	load_size 8
	tap $? "the module loads again after the refusals"
	if [ -n "$VMARENA_SWAP_DEV" ]; then
		insmod "$ko" swap_dev="$VMARENA_SWAP_DEV" &&
			grep -qx "$VMARENA_SWAP_DEV" /sys/class/misc/vmarena/swap_dev &&
			rmmod vmarena
		tap $? "swap_dev=$VMARENA_SWAP_DEV attaches the disk at load"
		load_refused swap_dev=/dev/no-such-disk "cannot be attached"
		tap $? "a swap_dev that cannot be attached fails the load"
	fi
fi

# run_load "PROGRAMS" [MODULE_PARAM=VALUE ...]: one load, its programs,
# then the free-count and unload checks.
# A program that changed the module parameter zero_page and left it so
# fails; the parameter is put back to its load-time value (Y, but N on a
# kernel that refuses the zero page: Documentation/compat.rst) for the
# next one.
zp=/sys/module/vmarena/parameters/zero_page
zero_page_back() {	# zero_page_back PROGRAM
	left=$(cat "$zp")
	[ "$left" = "$load_zp" ] && return
	echo "$load_zp" >"$zp"
	tap 1 "$1 left the module parameter zero_page at $left"
}

run_load() {
	progs=$1
	shift
	if ! insmod "$ko" "$@"; then
		tap 1 "insmod $ko $*"
		return
	fi
	load_free=$(free_frames)
	load_zp=$(cat "$zp")
	for t in $progs; do
		[ -x "$bin/$t" ] || { tap 1 "$t: no such test program"; continue; }
		tap_judge "$t" "$test_timeout" "$bin/$t" || failed=1
		zero_page_back "$t"
	done
	end_free=$(free_frames)
	[ -n "$load_free" ] && [ "$end_free" = "$load_free" ]
	tap $? "arena free frames back to the load-time count ($load_free, now $end_free)"
	rmmod vmarena
	tap $? "module unloads"
}

all=${VMARENA_TESTS:-$(ls "$bin")}
# VMARENA_NO32=1 (make check's 6.12 level) leaves the 32-bit builds out.
if [ "$VMARENA_NO32" = 1 ]; then
	all=$(for t in $all; do case $t in *-32) ;; *) echo "$t" ;; esac; done)
fi
main=$(for t in $all; do case $t in paging_*) ;; *) echo "$t" ;; esac; done)
# On the debug kernel (6-12 times slower) the 32-bit paging run is left
# out: the stock kernel runs it, and the ioctls it adds share compat code.
paging=$(for t in $all; do
	case $t in
	paging_*-32) [ "$VMARENA_KERNEL" = debug ] || echo "$t" ;;
	paging_*) echo "$t" ;;
	esac
done)
[ -n "$main" ] && run_load "$main" "$@"
if [ -n "$paging" ]; then
	if [ -n "$VMARENA_SWAP_DEV" ]; then
		run_load "$paging" arena_mb=1 swap_dev="$VMARENA_SWAP_DEV" "$@"
	else
		# shellcheck disable=SC2086 # one line for all the names
		echo "ok - paging tests" $paging "# SKIP no spare disk for swap"
	fi
fi
exit $failed
