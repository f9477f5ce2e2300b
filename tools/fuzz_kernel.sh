#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/fuzz_kernel.sh - fuzz the system calls of /dev/vmarena in the VM.
#
#   tools/fuzz_kernel.sh [--debug-kernel] SECONDS [SEED] [-- FUZZER-OPTIONS]
#
# Boots the VM (tools/vm/run --load --param dev_mode=0660 --param
# arena_mb=2, the swap disk attached as the module's swap device; the debug
# kernel with panic_on_warn=1) and runs
# build/bin/fuzz_kernel (tools/fuzz_kernel.c) for SECONDS in three processes
# at once: seeds SEED and SEED+1 single-threaded (deterministic, with the
# data oracle) and SEED+2 with 4 threads (closes racing calls).  SEED
# defaults to the time.  Prints one TAP line per fuzzer run; a run fails on
# a finding of the fuzzer or on any kernel report (oops, WARNING, KASAN...)
# in the guest log; a fourth line checks that once every space is gone the
# arena's free count is back to its value before the fuzzers (and the
# module must unload: tools/vm/run fails the run otherwise).  The call log of a failed run is kept as
# build/fuzz-kernel/repro-SEED.calls (replay: fuzz_kernel --replay FILE,
# in the VM); the logs of clean runs are removed.  Example:
#
#   1..4
#   ok 1 - fuzz seed 7: 41734 calls, no finding
#   ok 2 - fuzz seed 8: 40211 calls, no finding
#   ok 3 - fuzz seed 9 (4 threads): 52090 calls, no finding
#   ok 4 - the arena's free count is back to 512
#
# FUZZER-OPTIONS go to every run (e.g. --skip-known: steer clear of the
# livelocks kept in selftests/fuzz_repro/).  A call that never returns is
# reported by the fuzzer's watchdog after 60 s (with the kernel stacks of
# the process); such a process cannot be killed, so the guest stops
# waiting for it and the module's rmmod then fails.  Exit status 0 when
# every run is ok.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$repo/build/bin/fuzz_kernel
out=$repo/build/fuzz-kernel
reports='BUG:|WARNING:|Oops|general protection|UBSAN:|KASAN|INFO: possible|inconsistent lock state|possible circular locking|INFO: task .* blocked|Kernel panic|kernel BUG at'

usage() {
	sed -n '4,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

stat() {	# stat NAME: a line of debugfs vmarena/stats
	awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/debug/vmarena/stats
}

# In the guest, as root: attach swap, run the fuzzers, write $out/tap.
guest() {
	local seconds=$1 seed=$2 i s threads pids=() rc line dmesg0 what deadline free0
	shift 2

	echo "$VMARENA_SWAP_DEV" >/sys/class/misc/vmarena/swap_dev ||
		echo "# could not attach $VMARENA_SWAP_DEV as swap"
	dmesg0=$(dmesg | wc -l)
	free0=$(stat free_frames)
	for i in 0 1 2; do
		s=$((seed + i))
		threads=1
		[ "$i" = 2 ] && threads=4
		"$bin" --seed "$s" --seconds "$seconds" --calls 1000000000 --threads "$threads" \
			--log "$out/run-$s.calls" "$@" >"$out/run-$s.out" 2>&1 &
		pids+=($!)
	done
	: >"$out/tap"
	deadline=$((SECONDS + seconds + 120))
	for i in 0 1 2; do
		s=$((seed + i))
		# A process stuck in the kernel cannot be reaped: stop waiting.
		while kill -0 "${pids[$i]}" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
			sleep 1
		done
		if kill -0 "${pids[$i]}" 2>/dev/null; then
			rc=3
		else
			wait "${pids[$i]}"
			rc=$?
		fi
		what="fuzz seed $s"
		[ "$i" = 2 ] && what="$what (4 threads)"
		sed 's/^/# /; s/^# #/#/' "$out/run-$s.out" | grep -v '^# 1\.\.1$' |
			grep -vE '^# (not )?ok 1 ' || true
		line=$(grep -E '^(not )?ok 1 ' "$out/run-$s.out" | tail -n 1)
		line=${line#* 1 - fuzz seed "$s"}
		if [ "$rc" = 0 ]; then
			echo "ok - $what$line" >>"$out/tap"
		else
			echo "not ok - $what$line (exit $rc)" >>"$out/tap"
		fi
	done
	# Every space gone (a page-out round may hold the last one a moment):
	# the free count is back to what it was before the fuzzers.
	deadline=$((SECONDS + 30))
	while [ "$(stat spaces_destroyed)" != "$(stat spaces_created)" ] &&
	      [ "$SECONDS" -lt "$deadline" ]; do
		sleep 0.2
	done
	if [ "$(stat free_frames)" = "$free0" ]; then
		echo "ok - the arena's free count is back to $free0" >>"$out/tap"
	else
		echo "not ok - the arena's free count is back to $free0 (now $(stat free_frames))" >>"$out/tap"
	fi
	if dmesg | tail -n +"$((dmesg0 + 1))" | grep -qaE "$reports"; then
		echo "# the kernel log shows a report:"
		dmesg | tail -n +"$((dmesg0 + 1))" | grep -aE -A 30 "$reports" | head -n 80 |
			sed 's/^/#   /'
		sed -i 's/^ok - \(.*\)/not ok - \1 (kernel report during the runs)/' "$out/tap"
	fi
	return 0
}

if [ "${1:-}" = --guest ]; then
	shift
	guest "$@"
	exit 0
fi

debug=()
if [ "${1:-}" = --debug-kernel ]; then
	# A WARNING stops the machine there, as on a panic_on_warn site.
	debug=(--debug-kernel --append panic_on_warn=1)
	shift
fi
fuzz_opts=()
args=()
while [ $# -gt 0 ]; do
	if [ "$1" = -- ]; then
		shift
		fuzz_opts=("$@")
		break
	fi
	args+=("$1")
	shift
done
if [ ${#args[@]} -lt 1 ] || [ ${#args[@]} -gt 2 ]; then
	usage
fi
seconds=${args[0]}
seed=${args[1]:-$(date +%s)}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ! [[ "$seed" =~ ^[0-9]+$ ]]; then
	usage
fi

mkdir -p "$out" "$repo/build/bin"
if [ ! -x "$bin" ] || [ "$repo/tools/fuzz_kernel.c" -nt "$bin" ] ||
   [ "$repo/include/uapi/linux/vmarena.h" -nt "$bin" ]; then
	gcc -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_FILE_OFFSET_BITS=64 \
		-I"$repo/include/uapi" -o "$bin" "$repo/tools/fuzz_kernel.c" -pthread || exit 1
fi
rm -f "$out/tap" "$out"/run-*.calls "$out"/run-*.out

cd "$repo" || exit 1
tools/vm/run "${debug[@]}" --timeout $((seconds + 600)) --load --param dev_mode=0660 \
	--param arena_mb=2 -- "$repo/tools/fuzz_kernel.sh" --guest "$seconds" "$seed" \
	"${fuzz_opts[@]+"${fuzz_opts[@]}"}"
vmrc=$?

echo "1..4"
fail=0
for i in 0 1 2; do
	s=$((seed + i))
	line=$(sed -n "$((i + 1))p" "$out/tap" 2>/dev/null)
	if [ -z "$line" ]; then
		line="not ok - fuzz seed $s: the guest died or hung (tools/vm/run exit $vmrc)"
	elif [ "$vmrc" != 0 ] && [ "${line#ok}" != "$line" ]; then
		line="not ok - ${line#ok - } (tools/vm/run exit $vmrc: a kernel report)"
	fi
	echo "${line/ - / $((i + 1)) - }"
	if [ "${line#not ok}" != "$line" ]; then
		fail=1
		if [ -s "$out/run-$s.calls" ]; then
			mv "$out/run-$s.calls" "$out/repro-$s.calls"
			echo "# reproducer: build/fuzz-kernel/repro-$s.calls"
		fi
	fi
	rm -f "$out/run-$s.calls"
done
line=$(sed -n 4p "$out/tap" 2>/dev/null)
[ -n "$line" ] || line="not ok - the arena's free count is back (no answer from the guest)"
[ "${line#not ok}" != "$line" ] && fail=1
echo "${line/ - / 4 - }"
exit "$fail"
