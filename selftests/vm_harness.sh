#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm_harness.sh - tests of tools/vm/run itself, run on the host.
#
# Every other VM test trusts the runner to pass exit codes through and to
# fail a run on a crash, a kernel warning or a hang; these prove it does.
# Output is TAP; the exit status is non-zero when anything failed.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
run="$repo/tools/vm/run"
build="$repo/build"
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

tap() {	# tap RESULT DESCRIPTION
	if [ "$1" = 0 ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		tail -n 20 "$out" | sed 's/^/#   /'
		failed=1
	fi
}

"$run" -- sh -c 'exit 3' >"$out" 2>&1
rc=$?
kver=$("$repo/tools/kdir" --version)
[ "$rc" = 3 ] && grep -q "^# vm/run: booting stock kernel $kver .*built for $kver\$" "$out"
tap $? "vm/run passes the command's exit status through and names the kernels (3, got $rc)"

# A module built for one kernel is never loaded into another: the run
# refuses to boot.
other=$(ls /boot/vmlinuz-* | grep -v -- "-$kver\$" | head -n 1)
if [ -n "$other" ] && [ -e "$repo/vmarena.ko" ]; then
	"$run" --kernel "$other" --load -- true >"$out" 2>&1
	rc=$?
	[ "$rc" = 2 ] && grep -q "is built for $kver, not for the kernel this run boots" "$out"
	tap $? "vm/run refuses a module built for another kernel (2, got $rc)"
else
	echo "ok - vm/run refuses a module built for another kernel # SKIP one kernel installed"
fi

"$run" -- sh -c 'echo c > /proc/sysrq-trigger' >"$out" 2>&1
rc=$?
[ "$rc" = 125 ] && grep -q 'guest died' "$out"
tap $? "vm/run fails a run whose kernel crashes (125, got $rc)"

"$run" --timeout 25 -- sleep 1000 >"$out" 2>&1
rc=$?
[ "$rc" = 124 ] && grep -q 'timed out' "$out"
tap $? "vm/run fails a run that outlives --timeout (124, got $rc)"

mkdir -p "$build/harness"
cp -p "$repo/selftests/harness/Kbuild" "$repo/selftests/harness/"*.c \
	"$build/harness/"
if make -s -C "$("$repo/tools/kdir")" M="$build/harness" modules >"$out" 2>&1; then
	"$run" -- insmod "$build/harness/warn_on_load.ko" >"$out" 2>&1
	rc=$?
	[ "$rc" != 0 ] && grep -q 'kernel log shows a report' "$out" &&
		grep -q 'WARNING:' "$out"
	tap $? "vm/run fails a run whose kernel log shows a WARNING (got $rc)"

	# insmod sleeps five minutes in state D, reported after 5 to 10 s.
	# The run must end with insmod's stack and QEMU's shown, before the
	# module's init returns ("insmod returned" would follow otherwise).
	"$run" --append sysctl.kernel.hung_task_timeout_secs=5 -- \
		sh -c 'insmod "$1"; echo "insmod returned"' sh \
		"$build/harness/hang_on_load.ko" >"$out" 2>&1
	rc=$?
	missing=
	for want in 'vmrun: job stopped: a task hung' 'hang_on_load_init' \
		'blocked for more than' '^qemu-probe: thread .*(qemu-system-x86)' \
		'^qemu-probe: .*swapdev.* queue 0:'; do
		grep -q "$want" "$out" || missing="$missing '$want'"
	done
	grep -q 'insmod returned' "$out" && missing="$missing (insmod returned)"
	[ -n "$missing" ] && echo "missing:$missing" >>"$out"
	[ "$rc" = 1 ] && [ -z "$missing" ]
	tap $? "vm/run ends a run whose task hangs, showing its stack and QEMU's (1, got $rc)"
else
	tap 1 "building the harness modules"
fi

"$run" --load -- bpftrace -l 'tracepoint:vmarena:*' >"$out" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q '^tracepoint:vmarena:space_create' "$out"
tap $? "bpftrace in the guest lists the module's tracepoints (got $rc)"
exit $failed
