#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rewind_test.sh - vmarena_snapshot() and vmarena_rewind() (libvmarena
# 1.1, Documentation/run.rst "Rewind") on a program run by `vmarena run`,
# printing TAP (run_vmarena.sh runs it as build/selftests/rewind_test).
#
# What it checks, on selftests/rewind_probe.c (a target whose state leaks
# from one input to the next through its heap):
#   - without rewind the state leaks: every iteration differs
#   - with a rewind after each input, every iteration is the first: the
#     heap's bytes (a counter, a log grown by realloc), blocks allocated
#     since the snapshot (the allocator hands out the same block again) and
#     blocks freed since (the old log) are all back
#   - a fork child (as under AFL++'s fork server) rewinds its own heap
#   - mimalloc's arena bookkeeping is rewound with the heap: segments
#     allocated in each iteration do not fill the arena, a large block
#     freed in each iteration is not handed out again
#   - outside `vmarena run` both calls fail with -ENXIO
# Exit status 1 when any check failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/tap.sh
. "$here/../helpers/tap.sh"
cli=$here/../bin/vmarena
probe=$here/../helpers/rewind_probe

[ -c /dev/vmarena ] || { echo "ok 1 # SKIP /dev/vmarena missing"; exit 0; }

out=$("$cli" run -- "$probe" 20)
report "without rewind the state leaks: 20 different iterations" \
	"$(grep -c counter <<<"$out"):$(grep counter <<<"$out" | sort -u | wc -l)" "20:20"
out=$("$cli" run -- "$probe" 20 rewind)
first=$(grep counter <<<"$out" | head -n 1)
report "with rewind every iteration is the first: counter, log, same block" \
	"$(grep -c counter <<<"$out"):$(grep counter <<<"$out" | sort -u | wc -l):${first%% scratch=*}" \
	"20:1:counter=1 log=14"
out=$("$cli" run -- "$probe" 500 rewind)
report "500 rewinds: still the first iteration" \
	"$(grep counter <<<"$out" | sort -u | wc -l)" 1
out=$("$cli" run -- "$probe" 5 forked)
report "a fork child snapshots and rewinds its own heap (its clone)" \
	"$(grep -c counter <<<"$out"):$(grep counter <<<"$out" | sed 's/ scratch=.*//' | sort -u)" \
	"5:counter=1 log=14"
report "60 rewinds of a 40 MiB allocation in a 1 GiB heap: every one succeeds" \
	"$("$cli" run --heap 1G -- "$probe" 60 segments | tail -n 1)" "segments: 60 of 60"
report "a 20 MiB block freed in each iteration is back, whole, after each rewind" \
	"$("$cli" run -- "$probe" 20 bigfree | tail -n 1)" "bigfree: intact, not reused"
out=$("$probe" 1 rewind 2>&1)
report "outside vmarena run, vmarena_snapshot() is -ENXIO" \
	"$?:$(tail -n 1 <<<"$out")" "1:vmarena_snapshot: No such device or address"
echo "1..$n"
exit $failed
