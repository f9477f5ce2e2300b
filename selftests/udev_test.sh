#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# udev_test.sh - the device node's access (Documentation/vmarena.rst,
# "Opening the device to a group"): by default (dev_mode 0600) it is root's
# and another user's open is refused; with the udev rule that make install
# installs (tools/udev/60-vmarena.rules) it is group vmarena's, mode 0660,
# its members open it and others still cannot.  Prints TAP (run_vmarena.sh
# runs it as build/selftests/udev_test, in the main load, as root).
#
# The guest's root is the host's, read-only: the rule goes to udev's
# runtime directory (/run/udev/rules.d), and the group to a copy of
# /etc/group bind-mounted over it; udevadm test applies the rules to the
# node.  Everything is put back at the end.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=${VMARENA_REPO:-$(cd "$here/../.." && pwd)}
rule=$repo/tools/udev/60-vmarena.rules
dev=/dev/vmarena
gid=4100	# as selftests/user_util.h's GID_DEV
n=0
failed=0

check() {	# check DESCRIPTION COMMAND...
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		failed=1
	fi
}

# can_open UID [GROUP]: a user (in GROUP, if given) opens the node for
# reading and writing.
can_open() {
	local groups=--clear-groups
	[ $# -gt 1 ] && groups=--groups=$2
	setpriv --reuid="$1" --regid="$1" "$groups" -- \
		sh -c "exec 3<>$dev" 2>/dev/null
}

udev_add() {	# the rules applied as for the node's "add" event
	udevadm test --action=add /sys/class/misc/vmarena >/dev/null 2>&1
}

node_is() {	# node_is MODE USER GROUP
	[ "$(stat -c '%a %U %G' "$dev")" = "$1 $2 $3" ]
}

tmp=$(mktemp -d)
cleanup() {
	rm -f /run/udev/rules.d/60-vmarena.rules
	mountpoint -q /etc/group && umount /etc/group
	chgrp root "$dev" && chmod 0600 "$dev"
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "1..6"
check "the default node is 0600 root:root" node_is 600 root root
check "another user cannot open it" eval '! can_open 4001'
cp /etc/group "$tmp/group"
echo "vmarena:x:$gid:" >>"$tmp/group"
mount --bind "$tmp/group" /etc/group
mkdir -p /run/udev/rules.d
cp "$rule" /run/udev/rules.d/
check "udev applies the rule" udev_add
check "with the rule the node is 0660 root:vmarena" node_is 660 root vmarena
check "a member of group vmarena opens it" can_open 4001 "$gid"
check "a user outside the group still cannot" eval '! can_open 4002'
exit $failed
