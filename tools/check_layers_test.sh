#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/check_layers_test.sh - tests of tools/check_layers, printing TAP:
# it passes the tree as it is, and fails a copy of module/ broken in each
# way it promises to find (an include up a layer, a circle within a layer,
# a header declaring another file's function, a file in no layer).
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0
echo "1..5"

result() {	# result OK DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

# broken WANT DESCRIPTION: the copy in $tmp/m fails, naming WANT.
broken() {
	local out
	out=$("$repo/tools/check_layers" --module "$tmp/m" 2>&1)
	local rc=$?
	[ $rc = 1 ] && grep -q -- "$1" <<<"$out"
	result $((! $?)) "$2"
	[ $rc = 1 ] || echo "# exit $rc: $out"
}

fresh() {
	rm -rf "$tmp/m"
	cp -r "$repo/module" "$tmp/m"
}

"$repo/tools/check_layers" >"$tmp/out" 2>&1
result $((! $?)) "the tree passes: $(cat "$tmp/out")"

fresh
sed -i '0,/^#include "buddy.h"/s//#include "buddy.h"\n#include "access.h"/' "$tmp/m/buddy.c"
broken 'buddy (layer base) includes access.h, a higher layer' \
	"an include up a layer fails"

fresh
sed -i '0,/^#include "internal.h"/s//#include "internal.h"\n#include "evict.h"/' "$tmp/m/live.c"
sed -i '0,/^#include "internal.h"/s//#include "internal.h"\n#include "live.h"/' "$tmp/m/evict.c"
broken 'circle: evict, live use one another' "a circle within a layer fails"

fresh
echo 'void vmarena_evict_elsewhere(void);' >>"$tmp/m/live.h"
broken 'live.h declares vmarena_evict_elsewhere, which live.c does not define' \
	"a header declaring another file's function fails"

fresh
printf '// SPDX-License-Identifier: GPL-2.0\n' >"$tmp/m/stray.c"
broken 'module/stray.\[ch\] is in no layer' "a file in no layer fails"
exit $failed
