#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/check_counters_test.sh - tests of tools/check_counters, printing
# TAP.  Run by tools/check in the unit level, on the host.
#
#   tools/check_counters_test.sh
#
# What it checks: the check passes on this repository, and on a copy of
# its uapi header and Documentation/ with one drift each it exits 1 and
# names the drift:
#   - a row taken out of a table, or a range cut short: missing
#   - a row that is no counter: extra
#   - a counter appended to a list without a row: missing
#   - two rows swapped: out of order
#   - a table's marker gone: the list has no table
#   - a name that is not its ID in lower case
# Exit status 1 when any check failed.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=selftests/tap.sh
. "$repo/selftests/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# drift DESCRIPTION FILE SCRIPT WANT: the check on a copy whose FILE
# (header or document) sed SCRIPT changed exits 1 with a line holding WANT.
drift() {
	local out status
	rm -rf "$tmp/repo" && mkdir -p "$tmp/repo/include/uapi/linux" &&
		cp -r "$repo/Documentation" "$tmp/repo/" &&
		cp "$repo/include/uapi/linux/vmarena.h" "$tmp/repo/include/uapi/linux/" &&
		sed -i "$3" "$tmp/repo/$2" || exit 1
	if cmp -s "$repo/$2" "$tmp/repo/$2"; then
		report "$1" "sed changed nothing in $2" "a drift"
		return
	fi
	out=$("$repo/tools/check_counters" "$tmp/repo")
	status=$?
	grep -qF -- "$4" <<<"$out" || awk '{ print "#   " $0 }' <<<"$out"
	report "$1" "exit $status, $(grep -cF -- "$4" <<<"$out") line(s) '$4'" \
		"exit 1, 1 line(s) '$4'"
}

out=$("$repo/tools/check_counters" "$repo")
report "this repository's tables match the lists" "exit $?, $(tail -n 1 <<<"$out")" \
	"exit 0, $(grep '^check_counters: clean in 2 tables' <<<"$out")"

drift "a counter taken out of debugfs.rst's table is missing" \
	Documentation/debugfs.rst '/^sigbus  /d' \
	"VMARENA_GLOBAL_STATS: missing: sigbus"
drift "a range cut short (alloc_order_0..9) misses alloc_order_10" \
	Documentation/debugfs.rst 's/^alloc_order_0\.\.10 /alloc_order_0..9  /' \
	"VMARENA_GLOBAL_STATS: missing: alloc_order_10"
drift "a row in abi.rst's table that is no counter is extra" \
	Documentation/abi.rst '/^bytes_read /a bogus_counter        pages     not a counter' \
	"VMARENA_SPACE_STATS: extra: bogus_counter"
drift "a counter added to VMARENA_SPACE_STATS without a row is missing" \
	include/uapi/linux/vmarena.h \
	's/^#define VMARENA_SPACE_STATS(X).*/&\n\tX(NEW_COUNTER, new_counter) \\/' \
	"VMARENA_SPACE_STATS: missing: new_counter"
drift "two rows swapped are out of order" \
	Documentation/abi.rst '/^tlb_hits /{h;d};/^tlb_misses /G' \
	"VMARENA_SPACE_STATS: out of order: tlb_misses where the list has tlb_hits"
drift "a list whose table lost its marker has no table" \
	Documentation/abi.rst '/^\.\. check_counters: VMARENA_SPACE_STATS/d' \
	"VMARENA_SPACE_STATS: no table"
drift "a name that is not its ID in lower case is refused" \
	include/uapi/linux/vmarena.h 's/X(MMAPS, mmaps)/X(MMAPS, mmap_calls)/' \
	"X(MMAPS, mmap_calls): the name is not the ID in lower case"

echo "1..$n"
exit "$failed"
