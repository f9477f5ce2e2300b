#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/install_test.sh - make install, staged under DESTDIR, puts the
# module where modprobe finds it for the kernel it was built for, and the
# udev rule of tools/udev/ where udev reads it (Documentation/vmarena.rst,
# "Opening the device to a group").  Prints TAP; exit status 1 when a
# check failed.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
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

echo "1..4"
check "make install DESTDIR=... succeeds" \
	make -s -C "$repo" install DESTDIR="$dest"
kver=$(modinfo -F vermagic "$repo/vmarena.ko" | cut -d' ' -f1)
check "the module is under /lib/modules/$kver/extra/" \
	cmp -s "$repo/vmarena.ko" "$dest/lib/modules/$kver/extra/vmarena.ko"
check "the udev rule is under /etc/udev/rules.d/" \
	cmp -s "$repo/tools/udev/60-vmarena.rules" \
	"$dest/etc/udev/rules.d/60-vmarena.rules"
check "the rule gives /dev/vmarena to group vmarena, mode 0660" \
	grep -qx 'KERNEL=="vmarena", SUBSYSTEM=="misc", GROUP="vmarena", MODE="0660"' \
	"$dest/etc/udev/rules.d/60-vmarena.rules"
exit $failed
