#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/deb_test.sh - make deb's packages install into a root of their
# own, DKMS builds the module there for Debian's 6.1 and 6.12, and each
# module it built loads in the VM booted on its own kernel; the packages
# purge cleanly; then make dkms-install and dkms-remove, in that root.
#
# The root is an overlay on this machine's own root (what make deps
# installed: dkms, compilers, both kernels' headers), with vmarena taken
# out of it first, so that everything the packages put there lands in the
# overlay's upper layer, under build/deb-test/, where the checks (and the
# VM) find it; this machine's root is not changed.  Prints TAP; exit
# status 1 when a check failed.  Needs root, dkms and a 6.12 kernel
# (make deps).
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$repo/build/deb-test
up=$dir/upper
root=$dir/root
n=0
failed=0

check() {	# check DESCRIPTION COMMAND...
	local what=$1
	shift
	n=$((n + 1))
	if "$@" >"$dir/out" 2>&1; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		tail -n 15 "$dir/out" | sed 's/^/#   /'
		failed=1
	fi
	cat "$dir/out" >>"$dir/log"
}

# The root: an overlay of / (which does not take in what is mounted on
# it), with /proc, /sys, /dev and this tree bound in.
mount_root() {
	local m
	mount -t overlay overlay \
		-o "lowerdir=/,upperdir=$up,workdir=$dir/work" "$root" || return 1
	for m in proc sys dev dev/pts; do
		mount --bind "/$m" "$root/$m" || return 1
	done
	mkdir -p "$root$repo" && mount --bind "$repo" "$root$repo"
}

teardown() {
	local m
	for m in "$repo" /dev/pts /dev /sys /proc; do
		! mountpoint -q "$root$m" || umount "$root$m"
	done
	! mountpoint -q "$root" || umount "$root"
}

if [ "$(id -u)" != 0 ] || ! command -v dkms >/dev/null; then
	echo "1..0 # SKIP needs root and dkms (make deps)"
	exit 4
fi
k61=$(KVER=6.1 "$repo/tools/kdir" --version) || exit 1
k612=$(KVER=6.12 "$repo/tools/kdir" --version) || exit 1
# Where the modules land in the upper layer: /lib is /usr/lib on a
# merged-/usr system (Debian 12's default).
mods=$up$(readlink -f /lib)/modules

echo "1..11"
teardown 2>/dev/null
rm -rf "$dir"
mkdir -p "$up" "$dir/work" "$root"
: >"$dir/log"
trap teardown EXIT
trap 'exit 1' TERM INT
check "make deb builds vmarena-dkms and vmarena-tools" \
	make -s -C "$repo" deb
mount_root || exit 1
# No vmarena in the new root, whatever this machine has.
rm -rf "$root"/var/lib/dkms/vmarena "$root"/usr/src/vmarena-* \
	"$root"/lib/modules/*/updates/dkms/vmarena.ko*
mkdir -p "$root/var/cache/vmarena-debs"
cp "$repo"/build/deb/*.deb "$root/var/cache/vmarena-debs/"

check "dpkg installs both packages; their scripts succeed" \
	chroot "$root" sh -c 'dpkg -i /var/cache/vmarena-debs/*.deb &&
		dpkg-query -W -f="\${Status}\n" vmarena-dkms vmarena-tools |
		grep -vc "install ok installed" | grep -qx 0'
for k in "$k61" "$k612"; do
	check "DKMS built and installed the module for $k" \
		sh -c "modinfo -F vermagic '$mods/$k/updates/dkms/'vmarena.ko* |
			grep -q '^$k '"
done
check "the CLI runs from the package, and its allocator is where it looks" \
	chroot "$root" sh -c 'vmarena --help 2>&1 | grep -q "^usage: vmarena" &&
		test -r /usr/lib/vmarena/libvmarena-run.so &&
		test -r /usr/share/man/man1/vmarena.1.gz'
check "the group vmarena exists and the udev rule gives it the device" \
	chroot "$root" sh -c 'getent group vmarena &&
		grep -q "GROUP=\"vmarena\"" /lib/udev/rules.d/60-vmarena.rules'
teardown

# Each module DKMS built loads into its own kernel, works, and unloads.
for k in "$k61" "$k612"; do
	ko=$(ls "$mods/$k/updates/dkms/"vmarena.ko* 2>/dev/null | head -n 1)
	check "the module DKMS built for $k loads in the VM on $k" \
		env KVER="$k" "$repo/tools/vm/run" --timeout 300 --module "${ko:-none}" \
		--load -- "$up/usr/bin/vmarena" info
done
mount_root || exit 1
check "dpkg removes both packages, and DKMS its modules" \
	sh -c "chroot '$root' dpkg --purge vmarena-tools vmarena-dkms &&
		! ls '$root'/lib/modules/*/updates/dkms/vmarena.ko* 2>/dev/null &&
		! ls -d '$root'/usr/src/vmarena-* 2>/dev/null"

# Without packages: make dkms-install in the same root, from this tree.
check "make dkms-install has DKMS build for $k61 and $k612" \
	chroot "$root" sh -c "make -s -C '$repo' dkms-install &&
		modinfo -F vermagic /lib/modules/$k61/updates/dkms/vmarena.ko* | grep -q '^$k61 ' &&
		modinfo -F vermagic /lib/modules/$k612/updates/dkms/vmarena.ko* | grep -q '^$k612 '"
check "make dkms-remove takes the module and its sources away" \
	chroot "$root" sh -c "make -s -C '$repo' dkms-remove &&
		! ls /lib/modules/*/updates/dkms/vmarena.ko* 2>/dev/null &&
		! ls -d /usr/src/vmarena-* /var/lib/dkms/vmarena 2>/dev/null"
exit $failed
