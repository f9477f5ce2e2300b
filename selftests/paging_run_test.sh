#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# paging_run_test.sh - `vmarena run` of a program whose heap is four times
# the arena (run_vmarena.sh runs it in the paging load: a 1 MiB arena and
# a swap device), printing TAP.
#
# What it checks: the program prints what it prints natively, through swap,
# both under a resident cap (--resident, the space's own evictions) and
# under the arena's pressure alone (the page-out daemon and direct
# reclaim); the cap holds at exit and pages did go to swap.
# Exit status 1 when any check failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/tap.sh
. "$here/../helpers/tap.sh"
cli=$here/../bin/vmarena
probe=$here/../helpers/run_probe
tmp=$here/paging_run_test.tmp

stat_of() {	# stat_of NAME: a counter of the --stats line
	grep '^vmarena run: pid=' "$tmp/err" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

[ -c /dev/vmarena ] || { echo "ok 1 # SKIP /dev/vmarena missing"; exit 0; }
swap=$(cat /sys/class/misc/vmarena/swap_dev 2>/dev/null)
[ -n "$swap" ] || { echo "ok 1 # SKIP no swap device attached"; exit 0; }
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
frames=$(awk '$1 == "arena_frames" { print $2 }' /sys/kernel/debug/vmarena/stats)
mib=$((frames * 4 / 256))
cap=$((frames / 2))
want=$("$probe" fill "$mib")

report "a heap of 4x the arena under --resident $cap: the native output" \
	"$("$cli" run --resident "$cap" --stats -- "$probe" fill "$mib" 2>"$tmp/err")" "$want"
report "--resident $cap: at most $cap pages resident at exit, the cap in force" \
	"$([ "$(stat_of resident)" -le "$cap" ] && echo yes || echo "no: $(stat_of resident)"):$(stat_of max_resident)" \
	"yes:$cap"
report "--resident $cap: pages went to swap and came back" \
	"$([ "$(stat_of swap_outs)" -gt 0 ] && [ "$(stat_of swap_ins)" -gt 0 ] && echo yes)" yes
report "a heap of 4x the arena, no cap: the native output" \
	"$("$cli" run --stats -- "$probe" fill "$mib" 2>"$tmp/err")" "$want"
report "no cap: the arena's reclaim sent pages to swap" \
	"$([ "$(stat_of swap_outs)" -gt 0 ] && echo yes)" yes
echo "1..$n"
exit $failed
