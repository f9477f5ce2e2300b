# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# tools/tap_judge.sh - run a TAP program and judge it; tally a TAP log.
# Sourced (". tools/tap_judge.sh") by tools/check on the host and by
# selftests/run_vmarena.sh in the guest, so plain POSIX sh and awk: the
# guest runs the host's /bin/sh (dash) and mawk over 9p.
#
#   tap_judge NAME SECONDS COMMAND [ARG...]
#	Runs COMMAND (stderr merged into stdout) under timeout(1), at most
#	SECONDS (0: no limit), streaming its output, then judges it with
#	tap_verdict.  Returns 0 when the program is good, 1 when not.
#
#   tap_verdict NAME STATUS ELAPSED SECONDS <OUTPUT
#	Prints "not ok - NAME: ..." for each way the program failed:
#	  exited N, killed by signal S (NAME), timed out after SECONDS s
#	  (STATUS 124, or 137 after SECONDS: timeout -k sent SIGKILL);
#	  plan 1..N but R results; P plans (TAP allows one); printed no
#	  result (no plan, or 1..0 without a # SKIP reason); Bail out!;
#	  result K skipped without a reason.
#	Exit status 4 (KSFT_SKIP) is no failure when every result printed is
#	a skip with a reason, or the plan is "1..0 # SKIP reason"; then, if no
#	result was printed, it prints "ok - NAME # SKIP reason" so that the
#	skip is counted.  Ends with a "# done: NAME ..." line.
#
#   tap_level_ran LEVEL <OUTPUT
#	Prints "not ok - level LEVEL ran no test" when OUTPUT holds no result.
#
#   tap_summary LOG
#	Prints "failed: " for each not ok line, "skipped: PROGRAM: TEST:
#	REASON" for each skip, then "N passed, N failed, N skipped".  Returns
#	0 only when nothing failed and something passed.
#
# A result is a line starting "ok" or "not ok" (indented subtests are not
# counted); a skip is an ok line with a "# SKIP" directive.  Carriage
# returns (the VM's serial console) are ignored.

# timeout -k: a program that ignores SIGTERM gets SIGKILL 10 s later.
if timeout -k 1 5 true 2>/dev/null; then
	_tj_timeout="timeout -k 10"
elif timeout 5 true 2>/dev/null; then
	_tj_timeout=timeout
else
	_tj_timeout=
fi

tap_judge() {
	_tj_name=$1
	_tj_secs=$2
	shift 2
	_tj_dir=$(mktemp -d) || return 1
	echo "# run: $_tj_name"
	if [ "$_tj_secs" -gt 0 ] && [ -z "$_tj_timeout" ]; then
		echo "# no timeout(1) here: $_tj_name runs without a time limit"
		_tj_secs=0
	fi
	_tj_start=$(date +%s)
	{
		if [ "$_tj_secs" -gt 0 ]; then
			# shellcheck disable=SC2086 # "timeout -k 10": two words
			$_tj_timeout "$_tj_secs" "$@" 2>&1
		else
			"$@" 2>&1
		fi
		echo $? >"$_tj_dir/status"
	} | tee "$_tj_dir/out"
	_tj_end=$(date +%s)
	tap_verdict "$_tj_name" "$(cat "$_tj_dir/status")" \
		$((_tj_end - _tj_start)) "$_tj_secs" <"$_tj_dir/out"
	_tj_rc=$?
	rm -rf "$_tj_dir"
	return $_tj_rc
}

tap_verdict() {
	_tj_how=
	if [ "$4" -gt 0 ] && { [ "$2" = 124 ] ||
		{ [ "$2" = 137 ] && [ "$3" -ge "$4" ]; }; }; then
		_tj_how="timed out after $4 s"
	elif [ "$2" -gt 128 ] && [ "$2" -lt 193 ]; then
		_tj_how="killed by signal $(($2 - 128)) ($(kill -l $(($2 - 128))))"
	elif [ "$2" != 0 ]; then
		_tj_how="exited $2"
	fi
	awk -v name="$1" -v status="$2" -v how="$_tj_how" '
	function directive(line, d) {	# "" or the reason of a # SKIP
		if (!match(line, /#[ \t]*[Ss][Kk][Ii][Pp]/))
			return ""
		d = substr(line, RSTART + RLENGTH)
		sub(/^[ \t:]*/, "", d)
		sub(/[ \t]*$/, "", d)
		return d == "unknown" ? "" : d	# the harness says unknown
	}
	function fail(msg) {
		print "not ok - " name ": " msg
		bad = 1
	}
	{ sub(/\r$/, "") }
	/^1\.\.[0-9]+/ {
		plans++
		plan = $0
		sub(/^1\.\./, "", plan)
		plan += 0
		if (plan == 0 && /#[ \t]*[Ss][Kk][Ii][Pp]/)
			planskip = directive($0)
	}
	/^Bail out!/ { bail = $0 }
	/^(not )?ok([ \t]|$)/ { results++ }
	/^not ok([ \t]|$)/ { failures++ }
	/^ok([ \t]|$)/ && /#[ \t]*[Ss][Kk][Ii][Pp]/ {
		skips++
		r = directive($0)
		if (r == "")
			fail("result " results " skipped without a reason")
		else if (why == "")
			why = r
	}
	END {
		skipped = status == 4 && !failures && results == skips &&
			(results ? why != "" : planskip != "")
		if (how != "" && !skipped)
			fail(how)
		if (plans > 1)
			fail(plans " plans (TAP allows one)")
		else if (plans == 1 && plan != results)
			fail("plan 1.." plan " but " results + 0 " result" \
				(results == 1 ? "" : "s"))
		if (bail != "")
			fail(bail)
		if (!results && planskip == "" && !(plans == 1 && plan))
			fail("printed no result")
		if (!results && planskip != "" && !bad)
			print "ok - " name " # SKIP " planskip
		printf "# done: %s: %s, %d result%s, %s\n", name,
			how == "" ? "exit status 0" : how, results,
			results == 1 ? "" : "s",
			plans == 1 ? "plan 1.." plan : "no plan"
		exit bad
	}'
}

tap_level_ran() {
	if ! tr -d '\r' | grep -qaE '^(not )?ok([ \t]|$)'; then
		echo "not ok - level $1 ran no test"
		return 1
	fi
}

# The name of a skip: the program ("# run: NAME", else the level), then the
# result's description, else the test that last started ("#  RUN  F.T").
tap_summary() {
	tr -d '\r' <"$1" | awk '
	function reason(line) {
		match(line, /#[ \t]*[Ss][Kk][Ii][Pp]/)
		line = substr(line, RSTART + RLENGTH)
		sub(/^[ \t:]*/, "", line)
		return line == "" ? "(no reason)" : line
	}
	/^# level / { lvl = $3; sub(/:$/, "", lvl); where = lvl; test = "" }
	/^# run: / { where = substr($0, 8); test = "" }
	/^# done: / { where = lvl; test = "" }
	/^#  RUN / { test = $3 }
	/^not ok([ \t]|$)/ { failed++; print "failed: " $0; next }
	/^ok([ \t]|$)/ && /#[ \t]*[Ss][Kk][Ii][Pp]/ {
		skipped++
		d = $0
		sub(/#.*/, "", d)
		sub(/^ok[ \t]*[0-9]*[ \t]*(-[ \t]*)?/, "", d)
		sub(/[ \t]*$/, "", d)
		if (d == "")
			d = test
		if (where != "")
			d = d == "" ? where : where ": " d
		skips[skipped] = "skipped: " (d == "" ? "(unnamed)" : d) \
			": " reason($0)
		next
	}
	/^ok([ \t]|$)/ { passed++ }
	END {
		for (i = 1; i <= skipped; i++)
			print skips[i]
		printf "%d passed, %d failed, %d skipped\n", passed, failed, \
			skipped
		exit !(failed == 0 && passed > 0)
	}'
}
