#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/install_test.sh - make install, staged under DESTDIR, puts the
# module where modprobe finds it for the kernel it was built for, the udev
# rule of tools/udev/ where udev reads it (Documentation/vmarena.rst,
# "Opening the device to a group"), and libvmarena where a program finds
# it through pkg-config (Documentation/libvmarena.rst): a shared library
# with its soname and versioned symbols, a static one, the headers and the
# man pages, and the CLI with its man page and the bpftrace scripts.
# Prints TAP; exit status 1 when a check failed.
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

echo "1..13"
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
lib=$dest/usr/local/lib
check "libvmarena.so.1 is the soname of the installed shared library" \
	sh -c "readelf -d '$lib/libvmarena.so.1.2' | grep -q 'SONAME.*\[libvmarena.so.1\]'"
check "every exported function carries a version, LIBVMARENA_1, 1.1 or 1.2" \
	sh -c "readelf --dyn-syms -W '$lib/libvmarena.so' | grep ' vmarena_' >'$dest/syms' &&
	       [ \$(wc -l <'$dest/syms') -ge 19 ] &&
	       ! grep -vE '@@LIBVMARENA_1(\\.[12])?\$' '$dest/syms'"
check "a man page for libvmarena(3) and one for each function, in section 3" \
	sh -c "[ \$(grep -l '^\.TH .* 3 ' '$dest'/usr/local/share/man/man3/*.3 | wc -l) -ge 20 ]"
cat >"$dest/prog.c" <<'EOF'
#include <stdio.h>
#include <libvmarena.h>

int main(void)
{
	printf("%s %d\n", vmarena_version(), VMARENA_ABI_VERSION);
	return 0;
}
EOF
pc() {	# pkg-config of the staged prefix
	PKG_CONFIG_PATH=$lib/pkgconfig pkg-config \
		--define-variable=prefix="$dest/usr/local" "$@" libvmarena
}
check "pkg-config builds a program against the shared library" \
	sh -c "gcc -o '$dest/prog' '$dest/prog.c' $(pc --cflags) $(pc --libs) \
		-Wl,-rpath,'$lib' && [ \"\$('$dest/prog')\" = '1.2 1' ]"
check "and against the static one" \
	sh -c "gcc -static -o '$dest/prog-static' '$dest/prog.c' $(pc --cflags) \
		'$lib/libvmarena.a' && '$dest/prog-static' >/dev/null"
check "the CLI, and vmarena run's allocator where the CLI looks for it" \
	test -x "$dest/usr/local/bin/vmarena" -a \
	-r "$dest/usr/local/bin/../lib/vmarena/libvmarena-run.so"
check "the installed uapi header is the repository's" \
	cmp -s "$repo/include/uapi/linux/vmarena.h" \
	"$dest/usr/local/include/linux/vmarena.h"
check "vmarena(1), the CLI's man page, lists its commands" \
	sh -c "grep -q '^\.TH VMARENA \"1\"' '$dest/usr/local/share/man/man1/vmarena.1' &&
	       grep -q 'swap attach' '$dest/usr/local/share/man/man1/vmarena.1'"
check "the bpftrace scripts, executable, under share/vmarena/bpftrace/" \
	sh -c "for f in '$repo'/tools/bpftrace/*.bt; do
		cmp -s \"\$f\" '$dest/usr/local/share/vmarena/bpftrace/'\$(basename \"\$f\") &&
		test -x '$dest/usr/local/share/vmarena/bpftrace/'\$(basename \"\$f\") || exit 1; done"
exit $failed
