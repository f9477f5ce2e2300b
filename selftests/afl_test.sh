#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# afl_test.sh - AFL++ (Debian's afl++) fuzzing a target whose state leaks
# between inputs, in persistent mode, with its heap in a space through
# vmarena run's allocator (AFL_PRELOAD), with and without a rewind after
# each input (tools/examples/afl_rewind.c; Documentation/run.rst,
# "Rewind"), printing TAP (run_vmarena.sh runs it as
# build/selftests/afl_test).
#
# What it checks: with the rewind AFL++'s own stability figure is 100%;
# without it, below 100%; both sessions ran, found no crash, and the
# libFuzzer-style loop (tools/examples/loop_rewind.c) gives each input the
# same answer wherever it comes in the list.
# Exit status 1 when any check failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/tap.sh
. "$here/../helpers/tap.sh"
cli=$here/../bin/vmarena
shim=$here/../lib/vmarena/libvmarena-run.so
harness=$here/../helpers/afl_rewind
loop=$here/../helpers/loop_rewind
tmp=$here/afl_test.tmp
seconds=${VMARENA_AFL_SECONDS:-20}

stat_of() {	# stat_of DIR NAME: a line of AFL++'s fuzzer_stats
	sed -n "s/^$2 *: //p" "$1/default/fuzzer_stats" 2>/dev/null
}

[ -c /dev/vmarena ] || { echo "ok 1 # SKIP /dev/vmarena missing"; exit 0; }
command -v afl-fuzz >/dev/null || { echo "ok 1 # SKIP afl-fuzz missing (afl++)"; exit 0; }
rm -rf "$tmp"
mkdir -p "$tmp/in"
trap 'rm -rf "$tmp"' EXIT
printf 'hello world' >"$tmp/in/a"
printf 'a b a c' >"$tmp/in/b"

fuzz() {	# fuzz OUTDIR REWIND: one session of $seconds seconds
	AFL_PRELOAD=$shim AFL_REWIND=$2 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 \
	AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
	AFL_SKIP_CRASHES=1 AFL_QUIET=1 \
		afl-fuzz -i "$tmp/in" -o "$1" -t 5000 -V "$seconds" -- "$harness" \
		>"$1.log" 2>&1 </dev/null
}

fuzz "$tmp/rewind" 1
report "with rewind: afl-fuzz ran and saved no crash" \
	"$?:$(stat_of "$tmp/rewind" saved_crashes)" "0:0"
report "with rewind: AFL++'s stability is 100%" \
	"$(stat_of "$tmp/rewind" stability)" "100.00%"
fuzz "$tmp/leak" 0
report "without rewind: afl-fuzz ran and saved no crash" \
	"$?:$(stat_of "$tmp/leak" saved_crashes)" "0:0"
stab=$(stat_of "$tmp/leak" stability)
report "without rewind: AFL++'s stability is below 100%" \
	"$([ -n "$stab" ] && [ "$stab" != "100.00%" ] && echo below || echo "${stab:-none}")" below
for s in rewind leak; do
	execs=$(stat_of "$tmp/$s" execs_done)
	echo "# $s: stability $(stat_of "$tmp/$s" stability), ${execs:-0} executions in ${seconds} s"
done

printf 'x y' >"$tmp/p"
printf 'y z y' >"$tmp/q"
want=$("$cli" run -- "$loop" "$tmp/p" | sed 's/.*: //')
report "the rewinding loop gives an input the same answer at any place" \
	"$("$cli" run -- "$loop" "$tmp/q" "$tmp/p" "$tmp/q" "$tmp/p" "$tmp/p" | sed 's/.*: //' | tr '\n' ' ')" \
	"$("$cli" run -- "$loop" "$tmp/q" | sed 's/.*: //') $want $("$cli" run -- "$loop" "$tmp/q" | sed 's/.*: //') $want $want "
echo "1..$n"
exit $failed
