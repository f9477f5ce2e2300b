#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bpftrace_test.sh - every script of tools/bpftrace/ runs against the
# module and prints what its header and its *_example.txt promise, with
# figures that agree with the workload and the debugfs counters.  Prints
# TAP (run_vmarena.sh runs it as build/selftests/bpftrace_test, in the
# main load; it attaches $VMARENA_SWAP_DEV for the scripts about swap and
# detaches it again).
#
# One bpftrace process a script: started in the background, synchronised
# on the READY line every script prints in BEGIN, stopped with SIGINT once
# the workload is done (and, for the scripts that print once a second,
# once a line covering the end of the workload is out); every wait is
# bounded.  bpftrace takes 10-30 s to start under TCG.
# Exit status 1 when any check failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/tap.sh
. "$here/../helpers/tap.sh"
repo=${VMARENA_REPO:-$(cd "$here/../.." && pwd)}
cli=$here/../bin/vmarena
bt=$repo/tools/bpftrace
dbg=/sys/kernel/debug/vmarena
sys=/sys/class/misc/vmarena
start_timeout=${BPFTRACE_START_TIMEOUT:-180}

skip_all() {
	echo "ok 1 # SKIP $1"
	echo "1..1"
	exit 0
}

[ -c /dev/vmarena ] || skip_all "/dev/vmarena missing"
command -v bpftrace >/dev/null || skip_all "bpftrace missing"
# The lean debug kernel is built without BPF (CONFIG_BPF_SYSCALL): the
# stock kernel's level runs these.
[ -e /proc/sys/kernel/unprivileged_bpf_disabled ] ||
	skip_all "this kernel has no BPF (CONFIG_BPF_SYSCALL), bpftrace cannot run"
[ -r "$dbg/stats" ] || skip_all "debugfs vmarena/stats not readable"
tmp=$(mktemp -d)
pid=
policy0=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$sys/policy")
attached=0
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	[ -n "$policy0" ] && echo "$policy0" >"$sys/policy"
	[ "$attached" = 1 ] && "$cli" swap detach
	rm -rf "$tmp"
}
trap cleanup EXIT

stat() {	# stat FILE NAME: a "name value" line of a debugfs file
	awk -v k="$2" '$1 == k { print $2 }' "$dbg/$1"
}

# bt_start OUT SCRIPT [ARGS]: bpftrace in the background, $pid, until its
# READY line is out (0) or the start timed out or it died (1).
bt_start() {
	local out=$1 i
	shift
	bpftrace "$bt/$1" "${@:2}" >"$out" 2>&1 &
	pid=$!
	for ((i = 0; i < start_timeout * 10; i++)); do
		grep -q '^READY$' "$out" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/#   /' "$out" | tail -n 20
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	return 1
}

# bt_stop: SIGINT, then up to 180 s (a loaded TCG host is slow to detach)
# for bpftrace to print its maps and exit.
bt_stop() {
	local i
	# Under TCG a SIGINT is sometimes not acted on: it is sent again
	# every 20 s until bpftrace prints its maps and exits.
	for ((i = 0; i < 1800; i++)); do
		((i % 200 == 0)) && kill -INT "$pid" 2>/dev/null
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null &&
		echo "# bpftrace did not exit within 180 s of SIGINT: killed"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}

# wait_lines OUT REGEX N: until N lines match (30 s at most).
wait_lines() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -cE "$2" "$1")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# hist_total OUT MAP: the sum of the counts of histogram MAP ("@ns[minor]").
hist_total() {
	awk -v m="$2:" '
		$1 == m { on = 1; next }
		on && /^\[/ { for (i = 2; i <= NF; i++) if ($i ~ /^\|/) { s += $(i - 1); break }; next }
		on { on = 0 }
		END { print s + 0 }' "$1"
}

has_line() {	# has_line OUT LINE: 1 if LINE is a whole line of OUT
	grep -cxF -- "$2" "$1" | awk '{ print ($1 > 0) }'
}

# Sums of the numeric columns of the per-second lines of OUT ("a b c ...").
column_sums() {
	awk -v cols="$2" '
		NF == cols { for (i = 1; i <= NF; i++) if ($i !~ /^[0-9]+$/) next
			     for (i = 1; i <= NF; i++) s[i] += $i; lines++ }
		END { for (i = 1; i <= cols; i++) printf "%d ", s[i]; print lines + 0 }' "$1"
}

need_swap() {
	[ -n "$(tr -d '\n' <"$sys/swap_dev")" ] && return 0
	[ -n "${VMARENA_SWAP_DEV:-}" ] || return 1
	"$cli" swap attach "$VMARENA_SWAP_DEV" && attached=1
}

# faultlat.bt: per-kind counts equal to the kernel's fault counters, each
# histogram holding its count, and every kind named (a COW fault too:
# the clone's writes to pages it has not mapped are kind 4).
out=$tmp/faultlat.out
ft0=$(stat stats faults_first_touch) mi0=$(stat stats faults_minor)
wn0=$(stat stats write_notify)
if bt_start "$out" faultlat.bt; then
	"$cli" touch 300 >/dev/null && "$cli" clone 16 >/dev/null
	bt_stop
	ft=$(($(stat stats faults_first_touch) - ft0))
	wn=$(($(stat stats write_notify) - wn0))
	mi=$(($(stat stats faults_minor) - mi0))
	report "faultlat.bt prints its banner" \
		"$(has_line "$out" "Tracing vmarena faults... Hit Ctrl-C to end.")" 1
	report "faultlat.bt: @count[first_touch] is the first-touch faults ($ft)" \
		"$(sed -n 's/^@count\[first_touch\]: //p' "$out")" "$ft"
	report "faultlat.bt: @count[write_notify] is the write notifications ($wn)" \
		"$(sed -n 's/^@count\[write_notify\]: //p' "$out")" "$wn"
	report "faultlat.bt: @count[minor] is the minor faults ($mi)" \
		"$(sed -n 's/^@count\[minor\]: //p' "$out")" "$([ "$mi" = 0 ] || echo "$mi")"
	report "faultlat.bt: the @ns[first_touch] histogram holds every first touch" \
		"$(hist_total "$out" "@ns[first_touch]")" "$ft"
	report "faultlat.bt: the @ns[write_notify] histogram holds every notification" \
		"$(hist_total "$out" "@ns[write_notify]")" "$wn"
	report "faultlat.bt names every kind of fault (no @count[] of an unnamed kind)" \
		"$(grep -c '^@count\[\]' "$out")" 0
else
	report "faultlat.bt starts and prints READY" 1 0
fi

# allocsize.bt: @alloc_frames and the histogram of orders agree with the
# alloc_order_* counters (every allocation is traced).
out=$tmp/allocsize.out
orders() {	# Σ alloc_order_k and Σ alloc_order_k << k
	awk '$1 ~ /^alloc_order_[0-9]+$/ { k = substr($1, 13); b += $2; f += $2 * 2 ^ k }
	     END { printf "%d %d\n", b, f }' "$dbg/stats"
}
read -r ab0 af0 <<<"$(orders)"
if bt_start "$out" allocsize.bt; then
	"$cli" open 1000 >/dev/null
	bt_stop
	read -r ab af <<<"$(orders)"
	report "allocsize.bt prints its banner" \
		"$(has_line "$out" "Tracing vmarena frame allocations... Hit Ctrl-C to end.")" 1
	report "allocsize.bt: @alloc_frames is the frames allocated ($((af - af0)))" \
		"$(sed -n 's/^@alloc_frames: //p' "$out")" "$((af - af0))"
	report "allocsize.bt: the @alloc_order histogram holds every block ($((ab - ab0)))" \
		"$(hist_total "$out" "@alloc_order")" "$((ab - ab0))"
	report "allocsize.bt prints both histograms, @alloc_order and @free_order" \
		"$(awk '$1 == "@alloc_order:" || $1 == "@free_order:"' "$out" | wc -l)" 2
else
	report "allocsize.bt starts and prints READY" 1 0
fi

# cow.bt: the per-second lines add up to the growth of the cow_breaks,
# clones, checkpoints and restores counters, which the workload sets: one
# clone whose 8 writes copy, two checkpoints, a write that copies a page
# generation 1 holds, one restore; the four histograms hold them.
out=$tmp/cow.out
counts() {
	echo "$(stat stats cow_breaks) $(stat stats clones) $(stat stats checkpoints)" \
		"$(stat stats restores)"
}
read -r cb0 cl0 ck0 rs0 <<<"$(counts)"
if bt_start "$out" cow.bt; then
	"$cli" clone 16 >/dev/null
	exec 3<>/dev/vmarena
	printf 'one' >&3
	"$cli" ckpt 3 save >/dev/null
	printf 'two' >&3
	"$cli" ckpt 3 save >/dev/null
	"$cli" ckpt 3 restore 1 >/dev/null
	exec 3>&-
	re='^ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+$'
	lines=$(grep -cE "$re" "$out")
	wait_lines "$out" "$re" $((lines + 2))
	bt_stop
	read -r cb cl ck rs <<<"$(counts)"
	cb=$((cb - cb0)) cl=$((cl - cl0)) ck=$((ck - ck0)) rs=$((rs - rs0))
	report "cow.bt prints its banner and its column header" \
		"$(has_line "$out" "Tracing vmarena copy-on-write... Hit Ctrl-C to end.")$(
		   has_line "$out" "  breaks  clones  ckpts  restores")" 11
	report "the cow.bt workload made 9 breaks, 1 clone, 2 checkpoints, 1 restore" \
		"$cb $cl $ck $rs" "9 1 2 1"
	report "cow.bt: the lines add up to the counters ($cb $cl $ck $rs)" \
		"$(column_sums "$out" 4 | cut -d' ' -f1-4)" "$cb $cl $ck $rs"
	report "cow.bt: @cow_break_us, @checkpoint_us, @checkpoint_pages, @restore_us" \
		"$(for h in @cow_break_us @checkpoint_us @checkpoint_pages @restore_us; do
			printf '%s ' "$(hist_total "$out" $h)"; done)" "$cb $ck $ck $rs "
else
	report "cow.bt starts and prints READY" 1 0
fi

if ! need_swap; then
	report "swapio.bt and refstring.bt # SKIP no swap device" 0 0
	echo "1..$n"
	exit $failed
fi

# swapio.bt: 64 pages written with 8 resident, then read back: the
# per-second lines add up to the debugfs counters' growth.
out=$tmp/swapio.out
w0=$(stat swap pages_written) b0=$(stat swap write_bios) r0=$(stat swap pages_read)
cd0=$(stat stats clean_drops) ev0=$(stat stats evictions)
dw0=$(stat stats daemon_wakeups)
if bt_start "$out" swapio.bt; then
	"$cli" page 64 8 >/dev/null
	re='^ +[0-9]+( +[0-9]+){6}$'
	lines=$(grep -cE "$re" "$out")
	wait_lines "$out" "$re" $((lines + 2))
	bt_stop
	w=$(($(stat swap pages_written) - w0)) b=$(($(stat swap write_bios) - b0))
	r=$(($(stat swap pages_read) - r0)) cd=$(($(stat stats clean_drops) - cd0))
	ev=$(($(stat stats evictions) - ev0)) dw=$(($(stat stats daemon_wakeups) - dw0))
	report "swapio.bt prints its banner and its column header" \
		"$(has_line "$out" "Tracing vmarena swap I/O... Hit Ctrl-C to end.")$(
		   has_line "$out" "     out  bios     in  written  clean  zeros  daemon")" 11
	sums=$(column_sums "$out" 7)
	report "swapio.bt: out, bios, in are pages_written, write_bios, pages_read" \
		"$(cut -d' ' -f1-3 <<<"$sums")" "$w $b $r"
	report "swapio.bt: written + clean + zeros are the evictions ($ev), clean $cd" \
		"$(awk '{ print $4 + $5 + $6, $5 }' <<<"$sums")" "$ev $cd"
	report "swapio.bt: daemon is the daemon's wake-ups" "$(cut -d' ' -f7 <<<"$sums")" "$dw"
	report "swapio.bt: the workload wrote and read pages (56 each at least)" \
		"$((w >= 56 && r >= 56))" 1
	report "swapio.bt: the @swap_in_us histogram holds every read" \
		"$(hist_total "$out" "@swap_in_us")" "$r"
else
	report "swapio.bt starts and prints READY" 1 0
fi

# refstring.bt: 'vmarena page 24 8' under FIFO misses on every access:
# pages 0..23 written, then 0..23 read back, one vpn= line each, in order.
out=$tmp/refstring.out
id=$(("$("$cli" info | awk '$1 == "space_id" { print $2 }')" + 1))
echo fifo >"$sys/policy"
if bt_start "$out" refstring.bt "$id"; then
	got_id=$("$cli" page 24 8 | awk '$1 == "id" { print $2 }')
	wait_lines "$out" '^vpn=' 48
	bt_stop
	report "refstring.bt traced the space 'vmarena page' used ($id)" "$got_id" "$id"
	report "refstring.bt prints its banner" \
		"$(has_line "$out" "Recording the reference string of space $id... Hit Ctrl-C to end.")" 1
	report "refstring.bt: the misses of page 24 8 under fifo are 0..23 twice" \
		"$(grep '^vpn=' "$out" | tr '\n' ' ')" \
		"$(for i in 0 1; do seq -f 'vpn=%g' 0 23; done | tr '\n' ' ')"
	report "refstring.bt prints nothing but its banner and vpn= lines" \
		"$(grep -cvE '^(vpn=[0-9]+|READY|Attaching [0-9]+ probes?\.\.\.|Recording .*|)$' "$out")" 0
else
	report "refstring.bt starts and prints READY" 1 0
fi
echo "1..$n"
exit $failed
