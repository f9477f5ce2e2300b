# SPDX-License-Identifier: GPL-2.0
#
# selftests/tap.sh - the TAP reporting the shell tests share, sourced from
# build/helpers/tap.sh (installed there by make, beside the helper
# programs, so that run_vmarena.sh does not take it for a test):
#
#   . "$here/../helpers/tap.sh"
#   report "what is checked" "$got" "$want"
#   exit "$failed"
#
# report prints "ok N - ..." when GOT equals WANT, else "not ok N - ..."
# with both, and sets failed=1.

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
