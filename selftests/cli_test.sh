#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cli_test.sh - the CLI's copy-on-write commands against the module,
# printing TAP (run_vmarena.sh runs it as build/selftests/cli_test).
#
# What it checks:
#   - vmarena clone: the clone's writes copy pages, the parent keeps its own
#   - vmarena ckpt on a space the shell holds (exec 3<>/dev/vmarena): save,
#     dirty, export, import into another space, restore, list, drop
#   - vmarena migrate: a live space reaches another process intact, and
#     with a writer confined to a hot set, every delta is at most that set
# Exit status 1 when any check failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cli=$here/../bin/vmarena
tmp=$here/cli_test.tmp		# not /tmp: keep it beside the build
n=0
failed=0

report() {	# report DESCRIPTION GOT WANT
	n=$((n + 1))
	if [[ "$2" == "$3" ]]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "#   got '$2', want '$3'"
		failed=1
	fi
}

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
echo "1..$n"
exit $failed
