#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tools/check_test.sh - tests of the gate itself (tools/tap_judge.sh, which
# tools/check and selftests/run_vmarena.sh use), printing TAP.  Run by
# tools/check in the unit level, on the host.
#
#   tools/check_test.sh
#
# It runs synthetic programs under tap_judge and asserts the verdicts:
#   - a program that exits 0 with as many results as its plan passes
#   - exit 1 with only ok lines, SIGKILL, SIGSEGV, a hang (SIGTERM after
#     1 s) and a hang that ignores SIGTERM (SIGKILL 10 s later) each give
#     one "not ok - NAME: exited 1 / killed by signal S / timed out" line
#   - a plan of 1..5 with 3 results, no result at all, a skip without a
#     reason (or the harness's "unknown"), exit 4 after a pass and
#     "Bail out!" fail; "1..0 # SKIP reason" with exit 4 is one skip
#   - tap_level_ran fails a level with no result
#   - tap_summary lists failures and skips (named for program and test,
#     with their reasons), counts through carriage returns, and fails a
#     log in which nothing passed
# Plain sh, like the guest.  Exit status 1 when any check failed.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/tap_judge.sh
. "$repo/tools/tap_judge.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

# prog NAME BODY: a synthetic test program, $tmp/NAME, running BODY.
prog() {
	printf '#!/bin/sh\n%s\n' "$2" >"$tmp/$1"
	chmod +x "$tmp/$1"
}

# judged NAME SECONDS: run $tmp/NAME under tap_judge, its output into
# $tmp/out; returns tap_judge's status.
judged() {
	tap_judge "$1" "$2" "$tmp/$1" >"$tmp/out" 2>&1
}

# has LINE: $tmp/out holds exactly LINE.
has() {
	grep -qxF "$1" "$tmp/out"
}

# nfail: the number of "not ok" lines in $tmp/out.
nfail() {
	grep -c '^not ok' "$tmp/out"
}

# check RESULT DESCRIPTION: one TAP line; on failure, the output judged.
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/#   /' "$tmp/out"
		failed=1
	fi
}

prog good 'echo "TAP version 13"; echo 1..3
echo "#  RUN           global.a ..."; echo "ok 1 global.a"
echo "ok 2 # SKIP no loop devices in this kernel"
echo "ok 3 global.c # XFAIL known"; exit 0'
judged good 10 && [ "$(nfail)" = 0 ] && has "# done: good: exit status 0, 3 results, plan 1..3"
check $? "a program that exits 0 with 3 results for 1..3 passes"

prog exit1 'echo 1..2; echo "ok 1 a"; echo "ok 2 b"; exit 1'
! judged exit1 10 && has "not ok - exit1: exited 1" && [ "$(nfail)" = 1 ]
check $? "exit status 1 after two ok lines: not ok, exited 1"

prog sigkill 'echo 1..1; echo "ok 1 a"; kill -KILL $$'
! judged sigkill 10 && has "not ok - sigkill: killed by signal 9 (KILL)"
check $? "killed by SIGKILL after its results: not ok, killed by signal 9"

prog sigsegv 'echo 1..2; echo "ok 1 a"; kill -SEGV $$'
! judged sigsegv 10 && has "not ok - sigsegv: killed by signal 11 (SEGV)" &&
	has "not ok - sigsegv: plan 1..2 but 1 result"
check $? "killed by SIGSEGV midway: not ok, signal 11, and the short plan"

prog hang 'echo 1..1; sleep 100; echo "ok 1 a"'
start=$(date +%s)
! judged hang 1 && has "not ok - hang: timed out after 1 s"
rc=$?
took=$(($(date +%s) - start))
[ "$rc" = 0 ] && [ "$took" -lt 10 ]
check $? "a hang past 1 s: not ok, timed out after 1 s (ended in $took s)"

prog stubborn 'trap "" TERM; echo 1..1; sleep 100; echo "ok 1 a"'
start=$(date +%s)
! judged stubborn 1 && has "not ok - stubborn: timed out after 1 s"
rc=$?
took=$(($(date +%s) - start))
[ "$rc" = 0 ] && [ "$took" -lt 30 ]
check $? "a hang that ignores SIGTERM: SIGKILL 10 s later, timed out (ended in $took s)"

prog short 'echo "TAP version 13"; echo 1..5
echo "ok 1 a"; echo "ok 2 b"; echo "ok 3 c"'
! judged short 10 && has "not ok - short: plan 1..5 but 3 results" &&
	[ "$(nfail)" = 1 ]
check $? "plan 1..5 with 3 results and exit 0: not ok, naming 5 and 3"

prog late 'echo "ok 1 a"; echo "ok 2 b"; echo 1..3'
! judged late 10 && has "not ok - late: plan 1..3 but 2 results"
check $? "a trailing plan of 1..3 after 2 results: not ok"

prog twice 'echo 1..1; echo "ok 1 a"; echo 1..1; echo "ok 1 a"'
! judged twice 10 && has "not ok - twice: 2 plans (TAP allows one)"
check $? "two plans: not ok"

prog silent 'echo "# nothing to see"'
! judged silent 10 && has "not ok - silent: printed no result"
check $? "exit 0 without a result: not ok, printed no result"

prog noplan 'echo "ok - one check"'
judged noplan 10 && [ "$(nfail)" = 0 ]
check $? "one ok line, no plan, exit 0 passes (scripts need no plan)"

prog noreason 'echo 1..2; echo "ok 1 # SKIP"; echo "ok 2 # SKIP unknown"'
! judged noreason 10 &&
	has "not ok - noreason: result 1 skipped without a reason" &&
	has "not ok - noreason: result 2 skipped without a reason"
check $? "skips without a reason (none, the harness's unknown): not ok"

prog skipall 'echo "1..0 # SKIP no spare disk"; exit 4'
judged skipall 10 && has "ok - skipall # SKIP no spare disk" &&
	[ "$(nfail)" = 0 ]
check $? "a plan of 1..0 with a SKIP reason, and exit 4: one skip, no failure"

prog skip4 'echo 1..1; echo "ok 1 a"; exit 4'
! judged skip4 10 && has "not ok - skip4: exited 4"
check $? "exit 4 after a pass: not ok, exited 4"

prog bail 'echo 1..1; echo "ok 1 a"; echo "Bail out! no device"'
! judged bail 10 && has "not ok - bail: Bail out! no device"
check $? "Bail out!: not ok"

if [ -x "$repo/build/unit/range_test" ]; then
	tap_judge range_test 60 "$repo/build/unit/range_test" >"$tmp/out" 2>&1 &&
		[ "$(nfail)" = 0 ] && grep -q '^# done: range_test: exit status 0' "$tmp/out"
	check $? "a real kselftest-harness program (build/unit/range_test) passes"
else
	n=$((n + 1))
	echo "ok $n # SKIP build/unit/range_test not built (make userspace)"
fi

: | tap_level_ran stock >"$tmp/out"
[ $? = 1 ] && has "not ok - level stock ran no test"
check $? "a level with no result: not ok - level stock ran no test"

echo "ok - something" | tap_level_ran unit >"$tmp/out" && [ ! -s "$tmp/out" ]
check $? "a level with a result passes tap_level_ran silently"

cat >"$tmp/log" <<'EOF'
# level stock: VM selftests
# run: device_test
TAP version 13
1..3
#  RUN           global.a ...
ok 1 global.a
#  RUN           global.b ...
#      SKIP      no 48-bit mmap
ok 2 # SKIP no 48-bit mmap
#  RUN           global.c ...
not ok 3 global.c
not ok - device_test: exited 1
# done: device_test: exited 1, 3 results, plan 1..3
ok - paging tests paging_test # SKIP no spare disk for swap
ok - stock kernel: boot ended cleanly
EOF
tap_summary "$tmp/log" >"$tmp/out"
[ $? = 1 ] && [ "$(sed -n '$p' "$tmp/out")" = "2 passed, 2 failed, 2 skipped" ] &&
	has "failed: not ok 3 global.c" &&
	has "failed: not ok - device_test: exited 1" &&
	has "skipped: device_test: global.b: no 48-bit mmap" &&
	has "skipped: stock: paging tests paging_test: no spare disk for swap"
check $? "tap_summary lists failures, skips with program, test and reason, and counts"

printf 'ok 1 a\r\nok 2 # SKIP why\r\n' >"$tmp/log"
tap_summary "$tmp/log" >"$tmp/out" && has "1 passed, 0 failed, 1 skipped" &&
	has "skipped: (unnamed): why"
check $? "tap_summary reads lines ending in a carriage return (serial console)"

echo "ok 1 # SKIP no disk" >"$tmp/log"
tap_summary "$tmp/log" >"$tmp/out"
[ $? = 1 ] && has "0 passed, 0 failed, 1 skipped"
check $? "tap_summary fails a log in which nothing passed"

echo "1..$n"
exit $failed
