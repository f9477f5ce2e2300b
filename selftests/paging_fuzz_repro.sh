#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# paging_fuzz_repro.sh - replay every call log the system-call fuzzer saved
# for a bug now fixed (selftests/fuzz_repro/*.calls), as a regression test.
#
# Runs as root in the VM, in the paging load (swap attached; its name
# starts with paging_), as build/selftests/paging_fuzz_repro.  Each replay
# (build/bin/fuzz_kernel --replay FILE, which drops to an unprivileged user
# as the fuzzer does) must finish within 120 s and report no finding: one
# TAP line per file.  A kernel report fails the boot (tools/vm/run).
repo=$(cd "$(dirname "$0")/../.." && pwd)
fuzz=$repo/build/bin/fuzz_kernel
sys=/sys/class/misc/vmarena
set -- "$repo"/selftests/fuzz_repro/*.calls
echo "1..$#"
if [ -z "$(cat "$sys/swap_dev" 2>/dev/null)" ] && [ -n "$VMARENA_SWAP_DEV" ]; then
	echo "$VMARENA_SWAP_DEV" >"$sys/swap_dev"
fi
n=0
failed=0
for f in "$@"; do
	n=$((n + 1))
	name=$(basename "$f" .calls)
	out=$(timeout 120 "$fuzz" --replay "$f" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/#   /'
	if [ "$rc" = 0 ]; then
		echo "ok $n - the fuzzer's $name replays with no finding"
	else
		echo "not ok $n - the fuzzer's $name replays with no finding (exit $rc)"
		failed=1
	fi
done
exit $failed
