#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_test.sh - `vmarena run` (Documentation/run.rst): unmodified programs
# with their heap in a space, each compared with the same program run
# natively; printing TAP (run_vmarena.sh runs it as build/selftests/run_test).
#
# What it checks:
#   - refusals, each with its message and exit status: no CMD (2), a
#     static program or a script with a static interpreter, a program with
#     its own malloc, mimalloc told to reserve OS memory, no shim (125),
#     no such CMD (127); CMD's own exit status passes through
#   - every malloc entry point, libc's own users of malloc (strdup, stdio)
#     and C++ new put their blocks in a /dev/vmarena mapping
#   - python3 (with pymalloc, and with PYTHONMALLOC=malloc so that every
#     object is on the heap) and sqlite3 (an in-memory database of 100,000
#     rows) print what they print natively, and their space holds pages
#   - fork: parent and child each see only their own changes, the child's
#     heap is a clone (its own space, copy-on-write breaks); a child made
#     by _Fork, which runs no fork handlers, has no heap at all (SIGSEGV)
#     rather than a shared one
#   - threads: 4 threads allocating and freeing compute the native checksum
#     with every block in the space
#   - exec: the new image has one space (its own), the old one is gone
#   - --stats prints the space's counters at exit; --max-pages stops the
#     heap with SIGBUS and a message; --export writes a stream that imports
#     into another space; --policy sets the arena's policy
# Exit status 1 when any check failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/tap.sh
. "$here/../helpers/tap.sh"
cli=$here/../bin/vmarena
probe=$here/../helpers/run_probe
tmp=$here/run_test.tmp
policy=/sys/class/misc/vmarena/policy

run() {		# run [OPTIONS] -- CMD...: under vmarena run, stderr to $tmp/err
	"$cli" run "$@" 2>"$tmp/err"
}

stat_of() {	# stat_of NAME [LINE]: a counter of the last --stats line
	grep '^vmarena run: pid=' "$tmp/err" | tail -n "${2:-1}" | head -n 1 |
		tr ' ' '\n' | sed -n "s/^$1=//p"
}

[ -c /dev/vmarena ] || { echo "ok 1 # SKIP /dev/vmarena missing"; exit 0; }
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

# Refusals.
"$cli" run >/dev/null 2>&1
report "run without CMD prints the usage, exit 2" "$?" 2
run -- /bin/busybox true
report "a static program is refused, exit 125" "$?:$(cat "$tmp/err")" \
	"125:vmarena run: /bin/busybox is statically linked: its malloc cannot be replaced"
VMARENA_RUN_SHIM=$tmp/none run -- true
report "no shim: refused, exit 125" "$?:$(cat "$tmp/err")" \
	"125:vmarena run: the heap's allocator $tmp/none: No such file or directory"
run -- "$tmp/no-such-program"
report "no such CMD: exit 127" "$?" 127
run --heap 1000 -- true
report "--heap not a multiple of 32M: exit 125" "$?:$(cat "$tmp/err")" \
	"125:vmarena run: --heap: a multiple of 32M, at most 64T"
run -- sh -c 'exit 7'
report "CMD's exit status is the command's" "$?" 7
run -- "$here/../helpers/run_probe_own"
report "a program with its own malloc is refused, exit 125" "$?:$(cat "$tmp/err")" \
	"125:vmarena run: this program's malloc is not vmarena's: it brings its own allocator"
printf '#!/bin/busybox sh\necho hi\n' >"$tmp/script"
chmod +x "$tmp/script"
run -- "$tmp/script"
report "a script whose interpreter is static is refused, exit 125" "$?:$(cat "$tmp/err")" \
	"125:vmarena run: /bin/busybox is statically linked: its malloc cannot be replaced"
MIMALLOC_RESERVE_OS_MEMORY=64M run -- true
report "MIMALLOC_RESERVE_OS_MEMORY (memory outside the space) is refused" "$?:$(cat "$tmp/err")" \
	"125:vmarena run: MIMALLOC_RESERVE_OS_MEMORY gives mimalloc memory outside the space: unset it"

# Where the blocks are.
report "every malloc entry point and libc's own users allocate in the space" \
	"$(run -- "$probe" where)" "14 of 14 blocks in /dev/vmarena"
report "C++ new allocates in the space" \
	"$(run -- "$here/../helpers/run_probe_cxx")" "6 of 6 blocks in /dev/vmarena"

# Real programs, compared with themselves run natively.
py='import hashlib, random
random.seed(7)
d = {}
for i in range(30000):
    d[str(random.random())] = [i] * (i % 7) + [str(i) * 3]
rows = sorted((k, sum(len(x) if isinstance(x, str) else x for x in v)) for k, v in d.items())
text = "".join("%s:%d\n" % r for r in rows)
print(len(rows), len(text), hashlib.sha256(text.encode()).hexdigest())'
want=$(python3 -c "$py")
report "python3 prints what it prints natively" "$(run --stats -- python3 -c "$py")" "$want"
report "python3 with PYTHONMALLOC=malloc: every object on the heap, same output" \
	"$(PYTHONMALLOC=malloc run --stats -- python3 -c "$py")" "$want"
pages=$(stat_of pages)
report "python3 with PYTHONMALLOC=malloc: its space holds more than 2000 pages" \
	"$([ "${pages:-0}" -gt 2000 ] && echo yes || echo "no: ${pages:-none}")" yes

sql="create table t(id integer primary key, k text, v integer);
with recursive c(x) as (select 1 union all select x + 1 from c where x < 100000)
insert into t select x, printf('key%08d', (x * 7919) % 100003), (x * 31) % 1000 from c;
create index tk on t(k);
select count(*), sum(v), min(k), max(k) from t;
select v, count(*) from t group by v order by count(*) desc, v limit 3;
select id from t where k = 'key00050000';"
want=$(sqlite3 :memory: "$sql")
report "sqlite3: 100,000 rows in memory, the native answers" \
	"$(run --stats -- sqlite3 :memory: "$sql")" "$want"
pages=$(stat_of pages)
report "sqlite3: its space holds more than 1000 pages" \
	"$([ "${pages:-0}" -gt 1000 ] && echo yes || echo "no: ${pages:-none}")" yes

# fork, threads, exec.
out=$(run --stats -- "$probe" fork)
report "fork: each process sees only its own changes" "$out" \
	"parent sees before after the child wrote
child sees child and child's block (in the space)
parent sees parent and parent's block"
spaces=$(grep -c '^vmarena run: pid=' "$tmp/err")
ids=$(sed -n 's/^vmarena run: pid=[0-9]* space=\([0-9]*\).*/\1/p' "$tmp/err" | sort -u | wc -l)
report "fork: parent and child report two spaces" "$spaces:$ids" "2:2"
report "fork: the child's writes broke copy-on-write sharing" \
	"$(stat_of cow_breaks 2 | grep -c '^[1-9]')" 1
report "a child made by _Fork has no heap (SIGSEGV), not a shared one" \
	"$(run -- "$probe" rawfork)" "the child died of Segmentation fault; the parent sees parent"
want=$("$probe" threads 4 | cut -d, -f1)
report "threads: the native checksum, every block in the space" \
	"$(run -- "$probe" threads 4)" "$want, every block in the space"
report "exec: the new image holds one space, its own" \
	"$(run -- "$probe" exec)" "1 /dev/vmarena fds, mappings of 1 spaces"

# Options.
run --stats -- "$probe" fill 4 >/dev/null
report "--stats: one line of the space's counters at exit" \
	"$(grep -c '^vmarena run: pid=[0-9]* space=[0-9]* pages=[0-9]* resident=' "$tmp/err")" 1
report "--stats: 4 MiB of heap is more than 1024 pages" \
	"$([ "$(stat_of first_touch)" -gt 1024 ] && echo yes || echo no)" yes
run --max-pages 200 -- "$probe" fill 4 >/dev/null 2>&1
report "--max-pages: the heap stops with SIGBUS and says why" \
	"$?:$(grep -c '^vmarena run: SIGBUS in the heap: its space is out of memory' "$tmp/err")" \
	"135:1"
out=$(run --export "$tmp/heap" -- "$probe" fill 1)
exported=$(sed -n 's/.*exported to .*: \([0-9]*\) pages.*/\1/p' "$tmp/err")
report "--export: the program's output is unchanged" "$out" "$("$probe" fill 1)"
run --export "$tmp/heap2" -- "$probe" spawn >/dev/null
report "--export: only the started process exports, not the program it runs" \
	"$(grep -c 'heap exported' "$tmp/err")" 1
exec 3<>/dev/vmarena
report "--export: the stream imports into another space" \
	"$("$cli" ckpt 3 import <"$tmp/heap" | sed 's/imported generation [0-9]*: \([0-9]*\) pages.*/\1/')" \
	"$exported"
exec 3>&-
old=$(sed 's/.*\[\(.*\)\].*/\1/' "$policy")
run --policy clock -- true
report "--policy clock: the arena's policy is clock" \
	"$(sed 's/.*\[\(.*\)\].*/\1/' "$policy")" clock
echo "$old" >"$policy"
echo "1..$n"
exit $failed
