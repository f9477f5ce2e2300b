#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/replay_test.sh - check tools/replay's fault counts against known
# answers, printing TAP.
#
#   tools/replay_test.sh [REPLAY]     (default: build/bin/replay of this repo)
#
# What it checks:
#   - Belady's string 1,2,3,4,1,2,5,1,2,3,4,5: fifo 9/10 faults with 3/4
#     frames (Belady's anomaly), lru 10/8, clock 9/10, opt 7/6
#   - a loop over 9 pages, 20 times, in 8 frames: fifo, lru and clock fault
#     on every reference, random and opt fault less
#   - opt faults no more than any other policy, for 1 to 16 frames, on
#     pseudo-random strings (awk, fixed seeds)
#   - random is reproducible: the same seed gives the same counts
#   - a bpftrace-style trace (vpn=N) counts as the plain list it holds
#   - malformed input exits 2
# Exit status 1 when any check failed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
replay=${1:-$repo/build/bin/replay}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

# report DESCRIPTION GOT WANT: one TAP line saying whether GOT is WANT.
report() {
	n=$((n + 1))
	if [[ "$2" == "$3" ]]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "#   got '$2', want '$3'"
		failed=$((failed + 1))
	fi
}

# faults POLICY FRAMES FILE: the fault count replay prints, or "error".
faults() {
	"$replay" -c -p "$1" "$2" "$3" |
		awk -F, 'NR == 2 { print $NF }' || echo error
}

belady=$tmp/belady
echo 1,2,3,4,1,2,5,1,2,3,4,5 >"$belady"
report "fifo, 3 frames: 9 faults on Belady's string" \
	"$(faults fifo 3 "$belady")" 9
report "fifo, 4 frames: 10 faults (Belady's anomaly)" \
	"$(faults fifo 4 "$belady")" 10
report "lru, 3 frames: 10 faults on Belady's string" \
	"$(faults lru 3 "$belady")" 10
report "lru, 4 frames: 8 faults on Belady's string" \
	"$(faults lru 4 "$belady")" 8
report "clock, 3 frames: 9 faults (new pages start referenced)" \
	"$(faults clock 3 "$belady")" 9
report "clock, 4 frames: 10 faults (new pages start referenced)" \
	"$(faults clock 4 "$belady")" 10
report "opt, 3 frames: 7 faults on Belady's string" \
	"$(faults opt 3 "$belady")" 7
report "opt, 4 frames: 6 faults on Belady's string" \
	"$(faults opt 4 "$belady")" 6

loop=$tmp/loop
for _ in $(seq 20); do seq 0 8; done >"$loop"
for p in fifo lru clock; do
	report "$p, 8 frames: all 180 references of a 9-page loop fault" \
		"$(faults "$p" 8 "$loop")" 180
done
for p in random opt; do
	got=$(faults "$p" 8 "$loop")
	ok=no
	[[ "$got" =~ ^[0-9]+$ ]] && ((got >= 9 && got < 180)) && ok=yes
	report "$p, 8 frames: fewer than 180 faults on a 9-page loop ($got)" \
		"$ok" yes
done

# opt_is_least FILE: "yes" if in every row of 1-16 frames opt is at most
# every other column; else the first row where it is not.
opt_is_least() {
	"$replay" -c 1-16 "$1" | awk -F, '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{
			for (p in col)
				if (col[p] > col["distinct"] &&
				    $col["opt"] > $col[p] && !bad)
					bad = $0
		}
		END {
			if (NR != 17 || !("opt" in col))
				print "rows: " NR
			else
				print bad ? bad : "yes"
		}' || echo error
}

for k in 1 2 3 4 5; do
	awk -v k="$k" 'BEGIN {
		srand(7 + k)
		pages = 4 + int(rand() * 40)
		for (i = 0; i < 2000; i++)
			printf "%d%s", int(rand() * rand() * pages) * 4099,
				i % 16 == 15 ? "\n" : ","
		print ""
	}' >"$tmp/random$k"
	report "opt <= fifo, lru, random, clock: random string $k, 1-16 frames" \
		"$(opt_is_least "$tmp/random$k")" yes
done

first=$("$replay" -c -s 5 -p random 1-16 "$tmp/random1" || echo error)
again=$("$replay" -c -s 5 -p random 1-16 "$tmp/random1" || echo again)
report "random: two runs with seed 5 give the same counts" "$again" "$first"

trace=$tmp/trace
{
	echo "Attaching 1 probe..."
	echo "Tracing vmarena faults... Hit Ctrl-C to end."
	tr ',' '\n' <"$belady" | awk '{ print "fault space=3 vpn=" $1 " kind=0" }'
	echo "^C"
} >"$trace"
report "a vpn= trace with banners counts as the list it holds" \
	"$("$replay" -c -p opt,fifo 3,4 "$trace" 2>/dev/null || echo error)" \
	"$(printf 'frames,refs,distinct,fifo,opt\n3,12,5,9,7\n4,12,5,10,6')"

echo "1 2 x3" >"$tmp/bad"
status=0
"$replay" 3 "$tmp/bad" >/dev/null 2>&1 || status=$?
report "a token that is not a page number exits 2" "$status" 2

echo "1..$n"
if ((failed)); then
	echo "# $failed of $n failed"
	exit 1
fi
