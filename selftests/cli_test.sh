#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cli_test.sh - the CLI's copy-on-write commands against the module,
# printing TAP (run_vmarena.sh runs it as build/selftests/cli_test).
#
# What it checks:
#   - usage: no command, or an unknown one, prints the usage and exits 2
#     (run_test.sh tests `vmarena run`)
#   - vmarena info, stats, buddyinfo, slabinfo: INFO, STATS and the debugfs
#     files, as documented (Documentation/debugfs.rst), in the CLI's layout
#     (stats: debugfs vmarena/stats's names, order and format)
#   - vmarena map, open, touch: a space mapped, spaces held open, faults
#     counted and TRANSLATE's flags
#   - vmarena space ID, translate ID [FIRST [N]]: a space the shell holds
#   - vmarena swap, swap attach PATH, swap detach, policy [NAME], page
#     PAGES [CAP] (with $VMARENA_SWAP_DEV attached when nothing is)
#   - vmarena clone: the clone's writes copy pages, the parent keeps its own
#   - vmarena ckpt on a space the shell holds (exec 3<>/dev/vmarena): save,
#     dirty, export (full and delta), import into another space, restore,
#     list, drop, show
#   - vmarena migrate: a live space reaches another process intact, and
#     with a writer confined to a hot set, every delta is at most that set
# Exit status 1 when any check failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/tap.sh
. "$here/../helpers/tap.sh"
cli=$here/../bin/vmarena
tmp=$here/cli_test.tmp		# not /tmp: keep it beside the build

[ -c /dev/vmarena ] || { echo "ok 1 # SKIP /dev/vmarena missing"; exit 0; }
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

out=$("$cli" clone 16)
report "clone: the parent keeps 'a' where the clone wrote 'b'" \
	"$(grep -c "parent page 0 starts with 'a', the clone's with 'b'" <<<"$out")" 1
report "clone: the clone copied the 8 pages it wrote" \
	"$(awk '$1 == "cow_breaks" { print $2 }' <<<"$out" | tail -1)" 8

exec 3<>/dev/vmarena 4<>/dev/vmarena
report "ckpt save of an empty space is generation 1" \
	"$("$cli" ckpt 3 save)" "generation 1: 0 pages"
printf 'hello' >&3
report "ckpt save after a write holds one page" \
	"$("$cli" ckpt 3 save)" "generation 2: 1 pages"
report "ckpt dirty lists the page written since generation 1" \
	"$("$cli" ckpt 3 dirty 1 64)" "1 pages changed since generation 1: 0"
"$cli" ckpt 3 export 2 >"$tmp/gen2" 2>/dev/null
report "ckpt export then import moves generation 2 to another space" \
	"$("$cli" ckpt 4 import <"$tmp/gen2")" \
	"imported generation 2: 1 pages, $(stat -c %s "$tmp/gen2") bytes"
report "the imported space reads what was written" "$(head -c 5 <&4)" hello
report "ckpt restore 1 rewinds the space to no pages" \
	"$("$cli" ckpt 3 restore 1)" "restored: 0 pages"
report "ckpt list shows both generations" \
	"$("$cli" ckpt 3 list | awk 'NR > 1 { printf "%s:%s ", $1, $2 }')" "1:0 2:1 "
report "ckpt drop of generation 2 frees its page" \
	"$("$cli" ckpt 3 drop 2)" "dropped: 1 pages freed"
"$cli" ckpt 3 restore 9 2>/dev/null
report "ckpt restore of a missing generation fails" "$?" 1
exec 3>&- 4>&-

# Every write of the writer goes to its hot set of 2048/16 + 1 pages, so a
# delta after the full copy carries at most those pages, whatever the
# speeds: a delta with more would be pages sent that were not written.
out=$("$cli" migrate 2048 12 0)
status=$?
report "migrate exits 0" "$status" 0
report "migrate: the receiver's space matches the source" \
	"$(grep -c '^receiver.s space matches the source' <<<"$out")" 1
report "migrate: the full copy, then deltas of at most the hot set" \
	"$(awk '/^round  0:/ { ok = $4 == 2048 }
		/^round +[1-9]|^final/ { n++; if ($4 > 2048 / 16 + 1) ok = 0 }
		END { print (ok && n > 1) }' <<<"$out")" 1
echo "$out" | sed 's/^/# /'

dbg=/sys/kernel/debug/vmarena
sys=/sys/class/misc/vmarena
dstat() {	# dstat FILE NAME: a "name value" line of a debugfs file
	awk -v k="$2" '$1 == k { print $2 }' "$dbg/$1"
}

"$cli" >/dev/null 2>"$tmp/usage"
status=$?
report "no command: the usage on stderr, exit 2" \
	"$status $(head -1 "$tmp/usage")" "2 usage: vmarena COMMAND [ARGS]"
"$cli" frobnicate >/dev/null 2>&1
report "an unknown command exits 2" "$?" 2
report "the usage lists every command" \
	"$(awk '/^  [a-z]/ { print $1 }' "$tmp/usage" | sort -u | tr '\n' ' ')" \
	"buddyinfo ckpt clone info map migrate open page policy run slabinfo space stats swap touch translate "

frames=$(dstat stats arena_frames)
out=$("$cli" info)
report "info: ABI version 1, 4096-byte pages, the arena in frames and MiB" \
	"$(awk '$1 != "free_frames" && $1 != "space_id"' <<<"$out")" \
	"abi_version   1
page_size     4096
arena_frames  $frames ($((frames / 256)) MiB)"
report "info: free frames and a space id, numbers" \
	"$(awk '($1 == "free_frames" || $1 == "space_id") && $2 ~ /^[0-9]+$/ { n++ }
		END { print n }' <<<"$out")" 2

report "stats: the STATS counters, every name in debugfs's order" \
	"$("$cli" stats | awk '{ print $1 }' | tr '\n' ' ')" \
	"$(awk '{ print $1 }' "$dbg/stats" | tr '\n' ' ')"
report "stats: the arena_frames line as debugfs prints it" \
	"$("$cli" stats | grep '^arena_frames ')" "$(grep '^arena_frames ' "$dbg/stats")"

out=$("$cli" buddyinfo)
report "buddyinfo: a header, a row per order 0..10 (block sizes 4 KiB << order)" \
	"$(awk 'NR == 1 { print $1, $2, $3, $4 } NR > 1 && NR <= 12 { printf "%s:%s ", $1, $2 }' <<<"$out")" \
	"order block free blocks
0:4 1:8 2:16 3:32 4:64 5:128 6:256 7:512 8:1024 9:2048 10:4096 "
report "buddyinfo: its free blocks add up to debugfs buddy_free_frames" \
	"$(awk 'NR > 1 && NR <= 12 { f += $4 * 2 ^ $1 }
		/^free in the buddy lists:/ { t = $6 } END { print f, t }' <<<"$out")" \
	"$(dstat buddyinfo buddy_free_frames) $(dstat buddyinfo buddy_free_frames)"

report "slabinfo: a header, then one line per debugfs slab cache" \
	"$("$cli" slabinfo | awk 'NR == 1 { print $1 } NR > 1 { print $1 }' | tr '\n' ' ')" \
	"cache $(awk '!/^#/ { print $1 }' "$dbg/slabinfo" | tr '\n' ' ')"

report "map 16: one line naming the space and the pages mapped" \
	"$("$cli" map 16 | grep -cE '^space [0-9]+: 16 pages mapped at 0x[0-9a-f]+$')" 1

out=$("$cli" open 3)
report "open 3: the free frames before and after, then slabinfo and buddyinfo" \
	"$(grep -cE '^3 spaces open: free frames [0-9]+ -> [0-9]+$' <<<"$out")$(
	   grep -c '^cache ' <<<"$out")$(grep -c '^free in the buddy lists:' <<<"$out")" 111

# The reads map the zero page, but where the kernel refuses it (zero_page
# is N on Linux 6.12, Documentation/compat.rst) they take frames.
if [ "$(cat /sys/module/vmarena/parameters/zero_page)" = Y ]; then
	touched="faults_first_touch=2 write_notify=2 faults_zero=4 "
	odd=hole
else
	touched="faults_first_touch=4 write_notify=2 faults_zero=0 "
	odd="present accessed"
fi
out=$("$cli" touch 4)
report "touch 4: 4 reads of the zero page, then 2 first touches, 2 write notifications" \
	"$(awk '$1 == "faults_first_touch" || $1 == "write_notify" || $1 == "faults_zero" { printf "%s=%s ", $1, $2 }' <<<"$out")" \
	"$touched"
report "touch 4: TRANSLATE shows the even pages dirty and writable, the odd ones holes" \
	"$(awk '$1 ~ /^[0-3]$/ && $2 ~ /^[0-9]+$/ { $2 = "F"; print }' <<<"$out")" \
	"0 F present accessed dirty writable
1 F $odd
2 F present accessed dirty writable
3 F $odd"

# A space the shell holds: ids are handed out in order, one per open.
id=$(("$("$cli" info | awk '$1 == "space_id" { print $2 }')" + 1))
exec 5<>/dev/vmarena
printf 'a%4095s' "" >&5
printf 'b%4095s' "" >&5
printf 'c' >&5
out=$("$cli" space "$id")
# user_pages counts the space the CLI opens to ask: one more than now.
report "space ID: the counters of the space the shell holds, as debugfs has them" \
	"$(grep -v '^user_pages ' <<<"$out")" \
	"$(grep -v '^user_pages ' "$dbg/spaces/$id/stats")"
report "space ID: its id and its 3 pages" \
	"$(awk '$1 == "id" || $1 == "pages" { printf "%s ", $2 }' <<<"$out")" "$id 3 "
report "translate ID: the page-table dump, pages 0..2" \
	"$("$cli" translate "$id" | grep -v '^#' | awk '{ print $1 }' | tr '\n' ' ')" "0 1 2 "
report "translate ID 1 1: only page 1, as in debugfs" \
	"$("$cli" translate "$id" 1 1 | grep -v '^#')" \
	"$(grep '^1 ' "$dbg/spaces/$id/pagetable")"
report "translate ID 1 1: the header lines stay" \
	"$("$cli" translate "$id" 1 1 | grep -c '^# page frame flags generation$')" 1
exec 5>&-
err=$("$cli" space "$id" 2>&1 >/dev/null)
report "space ID of a space closed since: refused (exit 1), no live space" \
	"$? $err" "1 vmarena: space $id: no live space has this id"
"$cli" space 12abc >/dev/null 2>&1
report "space 12abc: not a space id (exit 2)" "$?" 2

policy0=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$sys/policy")
report "policy: every policy, the one in force in brackets" \
	"$("$cli" policy | tr -d '[]')" "fifo random clock lru clean-first"
"$cli" policy fifo
report "policy fifo: switches" "$("$cli" policy)" "[fifo] random clock lru clean-first"
"$cli" policy lfu 2>/dev/null
report "policy lfu: refused (exit 1), the policy unchanged" \
	"$? $("$cli" policy)" "1 [fifo] random clock lru clean-first"
"$cli" policy "$policy0"

attached=
if [ -z "$(tr -d '\n' <"$sys/swap_dev")" ] && [ -n "${VMARENA_SWAP_DEV:-}" ]; then
	"$cli" swap attach "$VMARENA_SWAP_DEV"
	report "swap attach PATH: the attribute names the device" \
		"$(cat "$sys/swap_dev")" "$VMARENA_SWAP_DEV"
	attached=$VMARENA_SWAP_DEV
fi
if [ -n "$(tr -d '\n' <"$sys/swap_dev")" ]; then
	out=$("$cli" swap)
	report "swap: the device, its slots and I/O, then the policy and watermarks" \
		"$(awk '{ print $1 }' <<<"$out" | head -14 | tr '\n' ' ')" \
		"device slots used free retired bad_frees pages_written write_bios pages_read write_errors read_errors policy watermark_low watermark_high "
	report "swap: the device attached, its slots" \
		"$(awk '$1 == "device" || $1 == "slots" { printf "%s ", $2 }' <<<"$out")" \
		"$(cat "$sys/swap_dev") $(dstat swap slots) "
	w0=$(dstat swap pages_written)
	out=$("$cli" page 64 8)
	status=$?
	report "page 64 8: exit 0, nothing read back wrong" \
		"$status $(head -1 <<<"$out")" \
		"0 space after writing 64 pages and reading them back (0 wrong):"
	report "page 64 8: at most 8 resident, at least 56 pages evicted and read back" \
		"$(awk '$1 == "resident" { r = $2 } $1 == "evictions" { e = $2 }
			$1 == "swap_ins" { s = $2 } END { print (r <= 8 && e >= 56 && s >= 56) }' <<<"$out")" 1
	report "page 64 8: its swap_outs are the pages debugfs swap saw written" \
		"$(awk '$1 == "swap_outs" { print $2 }' <<<"$out")" \
		"$(($(dstat swap pages_written) - w0))"
	if [ -n "$attached" ]; then
		"$cli" swap detach
		report "swap detach: no device any more" \
			"$("$cli" swap | awk '$1 == "device" { print $2 }')" -
	fi
else
	report "swap, swap attach, page # SKIP no swap device" 0 0
fi

# ckpt show, and export of a delta.
exec 5<>/dev/vmarena 6<>/dev/vmarena
printf 'first%4091s' "" >&5
"$cli" ckpt 5 save >/dev/null
printf 'second page' >&5
"$cli" ckpt 5 save >/dev/null
report "ckpt show 3: the first 40 bytes of each page, holes empty" \
	"$("$cli" ckpt 5 show 3)" "$(printf 'page 0: "first%35s"' "")
page 1: \"second page\"
page 2: \"\""
"$cli" ckpt 5 export 2 1 >"$tmp/delta" 2>"$tmp/delta.err"
report "ckpt export 2 1: a delta of the one page written since generation 1" \
	"$(cat "$tmp/delta.err")" "exported 1 pages, $(stat -c %s "$tmp/delta") bytes"
"$cli" ckpt 5 export 1 >"$tmp/gen1" 2>/dev/null
"$cli" ckpt 6 import <"$tmp/gen1" >/dev/null
report "ckpt import of the delta onto its base gives the source's generation 2" \
	"$("$cli" ckpt 6 import <"$tmp/delta")" \
	"imported generation 2: 1 pages, $(stat -c %s "$tmp/delta") bytes"
report "the space that took the delta reads as the source" \
	"$("$cli" ckpt 6 show 3)" "$("$cli" ckpt 5 show 3)"
exec 5>&- 6>&-
echo "1..$n"
exit $failed
