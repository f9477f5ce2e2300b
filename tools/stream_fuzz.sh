#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/stream_fuzz.sh - run the stream fuzzer for a while and print one
# TAP line saying whether it found anything.
#
#   tools/stream_fuzz.sh [SECONDS [CORPUS]]
#
# Runs build/fuzz/stream_fuzz (selftests/unit/stream_fuzz.c; make userspace
# builds it and the seeds in build/fuzz/seeds/) for SECONDS (default 25),
# starting from the seeds and CORPUS, adding new inputs to CORPUS (default:
# a temporary directory, removed afterwards).  The unit level of
# tools/check runs it for 25 s; make fuzz for FUZZ_TIME (600 s) on
# build/fuzz/corpus.  Example output:
#
#   ok - stream fuzzer: 25 s, 160823 inputs, no crash, report or wrong answer
#
# A failure prints what went wrong from libFuzzer's log
# (build/fuzz/stream_fuzz.log) and leaves the input in build/fuzz/crash-*;
# rerun it with build/fuzz/stream_fuzz build/fuzz/crash-<sha1>.  Exit
# status 1 then.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/build/fuzz
fuzz=$out/stream_fuzz
seconds=${1:-25}
corpus=${2:-}
log=$out/stream_fuzz.log
what="stream fuzzer: $seconds s"

if [[ ! -x "$fuzz" || ! -e "$out/seeds/.stamp" ]]; then
	echo "not ok - $what (not built: make userspace)"
	exit 1
fi
if [[ -z "$corpus" ]]; then
	corpus=$(mktemp -d)
	trap 'rm -rf "$corpus"' EXIT
fi
mkdir -p "$corpus"
# -max_len: room for a stream of three pages; the recipe mode builds its own
# streams of up to 8 pages from the first few dozen bytes.
"$fuzz" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/" \
	"$corpus" "$out/seeds" >"$log" 2>&1
status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
if [[ $status -eq 0 && -n "$runs" ]]; then
	echo "ok - $what, $runs inputs, no crash, report or wrong answer"
	exit 0
fi
echo "not ok - $what: libFuzzer exited $status (log: $log)"
grep -aE '^stream_fuzz: |ERROR: |runtime error: |^SUMMARY: |Test unit written' \
	"$log" | head -n 8 | sed 's/^/#   /'
exit 1
