# SPDX-License-Identifier: GPL-2.0
#
# vmarena: build, test, demo and style targets.
#
#   make            the module (vmarena.ko) and the user-space programs
#   make demo       install what is missing, build, boot the VM, show it working
#   make check      install what is missing, build, run every test level
#   make bench      the benchmarks in the VM; build/bench/results.txt
#   make fuzz       the stream fuzzer for FUZZ_TIME seconds (default 600),
#                   corpus kept in build/fuzz/corpus
#   make fuzz-kernel the system-call fuzzer in the VM for DURATION seconds
#                   (default 600), on the debug kernel
#   make stress     the concurrency stress test for DURATION seconds
#                   (default 600) on the stock, then the debug kernel
#   make deps       install the Debian packages the project needs
#   make install    the module for KDIR's kernel, the udev rule that opens
#                   /dev/vmarena to group vmarena, and the group
#   make style      checkpatch --strict over our sources
#   make check-counters  the counter tables of Documentation/ list exactly
#                   the counters of the uapi header's lists
#   make sparse     the module built under sparse (C=2)
#   make module-debug   the module built for the debug kernel
#   make clean
#
#   make module-kver KVER=6.12   the module for another installed kernel,
#                   in build/kernel/<its version>/
#
# KVER picks the kernel to build for and to boot in the VM (KVER=6.12, or
# an exact version); unset, the running kernel when its headers are
# installed, else Debian's 6.1, the reference (tools/kdir says which, and
# why).  KDIR overrides the build tree alone.

export KVER
KDIR ?= $(shell tools/kdir)
KDIR_WHY = $(if $(filter file,$(origin KDIR)),$(shell tools/kdir --why),KDIR=$(KDIR), as given)
BUILD := $(CURDIR)/build
SRCTAR := /usr/src/linux-source-6.1.tar.xz
LINUX_SRC := $(BUILD)/linux-src
KSFT := $(LINUX_SRC)/tools/testing/selftests

CC := gcc
UAPI := -I$(CURDIR)/include/uapi
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_FILE_OFFSET_BITS=64 $(UAPI)
UNIT_CFLAGS := -O1 -g -Wall -Wextra -Werror -std=gnu11 $(UAPI) \
	-DVMARENA_USERSPACE -I$(CURDIR)/selftests/unit -I$(CURDIR)/module \
	-isystem $(KSFT) -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

# Module sources (what the debug build copies and what style checks).
MODULE_SRCS := $(wildcard module/*.c module/*.h)
# Pure-logic module files the unit tests compile in user space.
UNIT_MODULE_SRCS := module/range.c module/buddy.c module/slab.c module/pagetable.c \
	module/slots.c module/policy.c module/stream.c
UNIT_SUPPORT := selftests/unit/arena_stub.c selftests/unit/shim.c
UNIT_TESTS := $(patsubst selftests/unit/%.c,$(BUILD)/unit/%,\
	$(wildcard selftests/unit/*_test.c)) $(BUILD)/unit/pagetable_small_test
VM_TESTS := $(patsubst selftests/%.c,$(BUILD)/selftests/%,\
	$(wildcard selftests/*_test.c))
VM_TESTS32 := $(addsuffix -32,$(VM_TESTS))
VM_SCRIPTS := $(BUILD)/selftests/cli_test $(BUILD)/selftests/bpftrace_test \
	$(BUILD)/selftests/run_test $(BUILD)/selftests/paging_run_test \
	$(BUILD)/selftests/rewind_test $(BUILD)/selftests/afl_test \
	$(BUILD)/selftests/paging_fuzz_repro $(BUILD)/selftests/udev_test
# The stream parser's libFuzzer target (clang, from tools/deps), its seeds.
FUZZ_CC := clang-14
FUZZ_CFLAGS := -O1 -g -Wall -Wextra -Werror -std=gnu11 $(UAPI) \
	-DVMARENA_USERSPACE -I$(CURDIR)/selftests/unit -I$(CURDIR)/module \
	-fsanitize=fuzzer,address,undefined,unsigned-integer-overflow \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRCS := module/stream.c selftests/unit/shim.c
FUZZ_DEPS := $(FUZZ_SRCS) module/stream.h module/internal.h selftests/unit/shim.h \
	include/uapi/linux/vmarena.h
FUZZ := $(BUILD)/fuzz/stream_fuzz $(BUILD)/fuzz/seeds/.stamp
FUZZ_TIME ?= 600
# Programs run_test.sh runs natively and under `vmarena run`.
RUN_PROBES := $(BUILD)/helpers/run_probe $(BUILD)/helpers/run_probe_cxx \
	$(BUILD)/helpers/run_probe_own \
	$(BUILD)/helpers/rewind_probe $(BUILD)/helpers/loop_rewind $(BUILD)/helpers/afl_rewind
TOOLS := $(RUN_PROBES) $(BUILD)/bin/bench_rewind $(BUILD)/bin/vmarena $(BUILD)/bin/fuzz_kernel $(BUILD)/bin/bench_fault $(BUILD)/bin/bench_swap \
	$(BUILD)/bin/replay $(BUILD)/bin/bench_policy $(BUILD)/bin/bench_cow $(BUILD)/bin/bench_ckpt

.PHONY: all module module-debug module-kver install-module install-tools dkms-src dkms-install dkms-remove deb userspace deps check demo bench fuzz fuzz-kernel stress \
	style sparse layers check-counters clean install

# libvmarena (tools/lib/vmarena): a static and a shared library (soname
# libvmarena.so.1, symbols versioned by libvmarena.map), its man pages made
# from its kernel-doc comments, and its pkg-config file at install.
LIB_SRC := tools/lib/vmarena
LIB_HDR := $(LIB_SRC)/libvmarena.h
LIB_VERSION := 1.2
LIB_A := $(BUILD)/lib/libvmarena.a
LIB_SO := $(BUILD)/lib/libvmarena.so.$(LIB_VERSION)
LIB_MAN := $(BUILD)/man/.stamp
LIB := $(LIB_A) $(LIB_SO) $(LIB_MAN)
RUN_SHIM := $(BUILD)/lib/vmarena/libvmarena-run.so
PREFIX ?= /usr/local

all: module userspace

module:
	@echo "vmarena: building for $(KDIR_WHY)"
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# copy_module DIR: the module's sources copied to DIR (cp -p keeps make's
# view of what changed), to build there for a kernel other than KDIR's.
define copy_module
	mkdir -p $(1)/module $(1)/include/uapi/linux && \
	cp -p Kbuild $(1)/ && cp -p $(MODULE_SRCS) $(1)/module/ && \
	cp -p include/uapi/linux/vmarena.h $(1)/include/uapi/linux/
endef

# The debug kernel's tree differs from the stock one, so the module is built
# from a copy of the sources in build/debug/.
module-debug:
	@dkdir=$$(tools/vm/build-debug-kernel | sed -n 's/^KDIR=//p') && \
	test -n "$$dkdir" && \
	$(call copy_module,$(BUILD)/debug) && \
	$(MAKE) -C $$dkdir M=$(BUILD)/debug modules

# The module for the kernel KVER names, in build/kernel/<version>/.
module-kver:
	@test -n "$(KVER)" || { echo "make module-kver: say which kernel (KVER=6.12)" >&2; exit 2; }
	@kdir=$$(tools/kdir) && ver=$$(tools/kdir --version) && \
	echo "vmarena: building for $$(tools/kdir --why), in build/kernel/$$ver" && \
	$(call copy_module,$(BUILD)/kernel/$$ver) && \
	$(MAKE) -C $$kdir M=$(BUILD)/kernel/$$ver modules

userspace: $(LIB) $(UNIT_TESTS) $(VM_TESTS) $(VM_TESTS32) $(VM_SCRIPTS) $(TOOLS) $(FUZZ)

$(BUILD)/lib/libvmarena.o: $(LIB_SRC)/libvmarena.c $(LIB_HDR) include/uapi/linux/vmarena.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -fPIC -c -o $@ $<

$(LIB_A): $(BUILD)/lib/libvmarena.o
	rm -f $@ && ar rcs $@ $<

$(LIB_SO): $(BUILD)/lib/libvmarena.o $(LIB_SRC)/libvmarena.map
	$(CC) -shared -Wl,-soname,libvmarena.so.1 \
		-Wl,--version-script=$(LIB_SRC)/libvmarena.map -o $@ $<
	ln -sf libvmarena.so.$(LIB_VERSION) $(BUILD)/lib/libvmarena.so.1
	ln -sf libvmarena.so.1 $(BUILD)/lib/libvmarena.so

# One page per function (kernel-doc -man, put in section 3), and the
# overview libvmarena(3).
$(LIB_MAN): $(LIB_SRC)/libvmarena.c $(LIB_SRC)/libvmarena.3 $(LINUX_SRC)/.stamp
	@rm -rf $(dir $@) && mkdir -p $(dir $@)man3
	perl $(LINUX_SRC)/scripts/kernel-doc -man $< | \
		sed 's/^\.TH "\([^"]*\)" 9 "[^"]*" "\([^"]*\)" .*/.TH "\1" 3 "\2" "libvmarena $(LIB_VERSION)" "libvmarena Manual"/' | \
		awk '/^\.TH /{ f = "$(dir $@)man3/" substr($$2, 2, length($$2) - 2) ".3" } f { print > f }'
	cp $(LIB_SRC)/libvmarena.3 $(dir $@)man3/
	@touch $@

# Third-party files (kselftest harness, checkpatch) come from Debian's
# linux-source-6.1 at build time and are never committed.
$(LINUX_SRC)/.stamp: $(SRCTAR)
	@mkdir -p $(BUILD)
	@rm -rf $(LINUX_SRC) && mkdir -p $(LINUX_SRC)
	tar -xJf $(SRCTAR) -C $(LINUX_SRC) --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/kernel-doc \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	@touch $@

$(BUILD)/unit/%: selftests/unit/%.c $(UNIT_MODULE_SRCS) $(UNIT_SUPPORT) \
		$(wildcard module/*.h selftests/unit/*.h) include/uapi/linux/vmarena.h \
		$(LINUX_SRC)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(UNIT_MODULE_SRCS) $(UNIT_SUPPORT)

# The page-table tests again with 2 bits a level: deep trees, node reclaim.
$(BUILD)/unit/pagetable_small_test: selftests/unit/pagetable_test.c \
		$(UNIT_MODULE_SRCS) $(UNIT_SUPPORT) $(wildcard module/*.h selftests/unit/*.h) \
		$(LINUX_SRC)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -DVMARENA_PT_BITS=2 -o $@ $< $(UNIT_MODULE_SRCS) $(UNIT_SUPPORT)

$(BUILD)/fuzz/stream_fuzz: selftests/unit/stream_fuzz.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS)

# The seed corpus: a few valid streams written by module/stream.c itself.
$(BUILD)/fuzz/stream_seeds: selftests/unit/stream_seeds.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(FUZZ_SRCS)

$(BUILD)/fuzz/seeds/.stamp: $(BUILD)/fuzz/stream_seeds
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	$< $(dir $@)
	@touch $@

SELFTEST_HDRS := $(wildcard selftests/*.h)

# The library's own tests link the shared library (64-bit) or its source.
$(BUILD)/selftests/lib_test: selftests/lib_test.c $(SELFTEST_HDRS) $(LIB_HDR) $(LIB_SO) \
		$(LINUX_SRC)/.stamp
	$(CC) $(USER_CFLAGS) -I$(LIB_SRC) -isystem $(KSFT) -o $@ $< \
		-L$(BUILD)/lib -lvmarena -Wl,-rpath,$(BUILD)/lib -pthread

$(BUILD)/selftests/lib_test-32: selftests/lib_test.c $(SELFTEST_HDRS) $(LIB_HDR) \
		$(LIB_SRC)/libvmarena.c include/uapi/linux/vmarena.h $(LINUX_SRC)/.stamp
	$(CC) -m32 -static $(USER_CFLAGS) -I$(LIB_SRC) -isystem $(KSFT) -o $@ $< \
		$(LIB_SRC)/libvmarena.c -pthread

$(BUILD)/selftests/%: selftests/%.c $(SELFTEST_HDRS) include/uapi/linux/vmarena.h $(LINUX_SRC)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -isystem $(KSFT) -o $@ $< -pthread

# The same tests as 32-bit programs exercise compat_ioctl.
$(BUILD)/selftests/%-32: selftests/%.c $(SELFTEST_HDRS) include/uapi/linux/vmarena.h $(LINUX_SRC)/.stamp
	@mkdir -p $(dir $@)
	$(CC) -m32 -static $(USER_CFLAGS) -isystem $(KSFT) -o $@ $< -pthread

$(BUILD)/selftests/%: selftests/%.sh $(BUILD)/helpers/tap.sh
	@mkdir -p $(dir $@)
	install -m 0755 $< $@

# The TAP reporting the shell tests source (not a test itself).
$(BUILD)/helpers/tap.sh: selftests/tap.sh
	@mkdir -p $(dir $@)
	install -m 0644 $< $@

# The CLI is built on libvmarena (static, so it runs from build/bin/).
CLI_SRCS := tools/vmarena.c tools/vmarena_cow.c tools/vmarena_run.c
$(BUILD)/bin/vmarena: $(CLI_SRCS) tools/vmarena_cli.h include/uapi/linux/vmarena.h \
		$(LIB_HDR) $(LIB_A) $(RUN_SHIM)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $(CLI_SRCS) $(LIB_A)

# The heap allocator `vmarena run` preloads (tools/run): mimalloc given a
# space as its only memory.  It exports only the malloc family.
RUN_SRCS := $(wildcard tools/run/*.c)
$(RUN_SHIM): $(RUN_SRCS) tools/run/shim.h tools/run/shim.map $(LIB_HDR) \
		$(BUILD)/lib/libvmarena.o
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -fPIC -shared -I$(LIB_SRC) -o $@ $(RUN_SRCS) \
		$(BUILD)/lib/libvmarena.o -Wl,--version-script=tools/run/shim.map \
		-Wl,--no-undefined-version -Wl,-z,defs -lmimalloc

$(BUILD)/bin/bench_rewind: tools/bench_rewind.c $(LIB_HDR) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I$(LIB_SRC) -o $@ $< $(LIB_A)

$(BUILD)/bin/fuzz_kernel: tools/fuzz_kernel.c include/uapi/linux/vmarena.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $< -pthread

$(BUILD)/bin/%: tools/%.c include/uapi/linux/vmarena.h tools/bench_pool.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $<

$(BUILD)/helpers/run_probe_own: selftests/run_probe_own.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $<

$(BUILD)/helpers/run_probe: selftests/run_probe.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $< -pthread

$(BUILD)/helpers/rewind_probe: selftests/rewind_probe.c $(LIB_HDR) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I$(LIB_SRC) -o $@ $< $(LIB_A)

# The rewind examples (tools/examples): a libFuzzer-style loop, and an
# AFL++ persistent-mode harness built by afl-clang-fast (Debian's afl++),
# at -O0: optimised, AFL++ 4.04c's persistent loop alone reports a
# stability below 100% (tools/examples/afl_rewind.c).
$(BUILD)/helpers/loop_rewind: tools/examples/loop_rewind.c tools/examples/rewind_target.h \
		$(LIB_HDR) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I$(LIB_SRC) -o $@ $< $(LIB_A)

$(BUILD)/helpers/afl_rewind: tools/examples/afl_rewind.c tools/examples/rewind_target.h \
		$(LIB_HDR) $(LIB_A)
	@mkdir -p $(dir $@)
	AFL_QUIET=1 afl-clang-fast -O0 -g -Wall -Werror $(UAPI) -I$(LIB_SRC) -o $@ $< $(LIB_A)

$(BUILD)/helpers/run_probe_cxx: selftests/run_probe_cxx.cc
	@mkdir -p $(dir $@)
	g++ -O2 -g -Wall -Wextra -Werror -std=gnu++17 -o $@ $<

deps:
	@tools/deps

# make install: install-module, then install-tools; without DESTDIR also
# depmod, the group vmarena and a reload of udev's rules; with DESTDIR
# (staging, packaging) only the files.
#
# install-module: the module for KDIR's kernel through the kernel's own
# modules_install, under /lib/modules/<its kernel>/extra/.
# install-tools: under $(PREFIX) (default /usr/local) the CLI and its
# man page, the allocator `vmarena run` preloads (lib/vmarena/, where the
# CLI looks for it), libvmarena (header, libraries, pkg-config file, man
# pages), the uapi header and the bpftrace scripts (share/vmarena/
# bpftrace/); the udev rule in $(UDEVDIR) (Documentation/vmarena.rst,
# "Opening the device to a group").
UDEVDIR ?= /etc/udev/rules.d
VERSION := $(LIB_VERSION)
CLI_MAN := $(BUILD)/man/man1/vmarena.1

install: install-module install-tools
	@if [ -z "$(DESTDIR)" ]; then \
		depmod -a "$$(modinfo -F vermagic vmarena.ko | cut -d' ' -f1)" && \
		{ getent group vmarena >/dev/null || groupadd --system vmarena; } && \
		{ udevadm control --reload 2>/dev/null || true; }; \
	fi

# (Debian's kernels would sign it with a key their headers do not carry:
# it stays unsigned, CONFIG_MODULE_SIG_ALL cleared; depmod comes after.)
install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra CONFIG_MODULE_SIG_ALL= modules_install

install-tools: $(LIB) $(BUILD)/bin/vmarena $(RUN_SHIM) $(CLI_MAN)
	install -D -m 0644 tools/udev/60-vmarena.rules $(DESTDIR)$(UDEVDIR)/60-vmarena.rules
	install -D -m 0644 $(LIB_HDR) $(DESTDIR)$(PREFIX)/include/libvmarena.h
	install -D -m 0644 include/uapi/linux/vmarena.h \
		$(DESTDIR)$(PREFIX)/include/linux/vmarena.h
	install -D -m 0644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/libvmarena.a
	install -D -m 0755 $(LIB_SO) $(DESTDIR)$(PREFIX)/lib/libvmarena.so.$(LIB_VERSION)
	ln -sf libvmarena.so.$(LIB_VERSION) $(DESTDIR)$(PREFIX)/lib/libvmarena.so.1
	ln -sf libvmarena.so.1 $(DESTDIR)$(PREFIX)/lib/libvmarena.so
	mkdir -p $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/man/man3
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(LIB_VERSION)|' \
		$(LIB_SRC)/libvmarena.pc.in >$(DESTDIR)$(PREFIX)/lib/pkgconfig/libvmarena.pc
	install -m 0644 $(BUILD)/man/man3/*.3 $(DESTDIR)$(PREFIX)/share/man/man3/
	install -D -m 0644 $(CLI_MAN) $(DESTDIR)$(PREFIX)/share/man/man1/vmarena.1
	install -D -m 0755 $(BUILD)/bin/vmarena $(DESTDIR)$(PREFIX)/bin/vmarena
	install -D -m 0644 $(RUN_SHIM) $(DESTDIR)$(PREFIX)/lib/vmarena/libvmarena-run.so
	install -D -m 0755 -t $(DESTDIR)$(PREFIX)/share/vmarena/bpftrace tools/bpftrace/*.bt

# DKMS: the module's sources, with dkms.conf, under
# $(DESTDIR)/usr/src/vmarena-$(VERSION)/ (dkms-src); dkms-install adds them
# to DKMS and has it build and install the module for KVER's kernel, or
# when KVER is unset for every installed kernel with headers; DKMS builds
# it again for each kernel installed later.  dkms-remove undoes it all.
DKMS_SRC = $(DESTDIR)/usr/src/vmarena-$(VERSION)

dkms-src:
	@rm -rf $(DKMS_SRC) && \
	$(call copy_module,$(DKMS_SRC)) && \
	sed 's/@VERSION@/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf

dkms-install: dkms-src
	@command -v dkms >/dev/null || { echo "make dkms-install: dkms missing (apt-get install dkms)" >&2; exit 1; }
	dkms add vmarena/$(VERSION)
	@if [ -n "$(KVER)" ]; then kernels=$$(tools/kdir --version); \
	else kernels=$$(for d in /lib/modules/*/build; do [ -d "$$d" ] && basename "$$(dirname "$$d")"; done); fi; \
	test -n "$$kernels" || { echo "make dkms-install: no kernel with headers installed" >&2; exit 1; }; \
	for k in $$kernels; do \
		echo "vmarena: DKMS builds for kernel $$k"; \
		dkms install vmarena/$(VERSION) -k "$$k" || exit 1; \
	done

dkms-remove:
	@if dkms status vmarena/$(VERSION) 2>/dev/null | grep -q .; then \
		dkms remove vmarena/$(VERSION) --all; fi
	rm -rf $(DKMS_SRC)

# make deb: vmarena-dkms and vmarena-tools in build/deb/ (tools/mkdeb,
# dpkg-deb), from trees staged by dkms-src and install-tools (PREFIX=/usr,
# the udev rule in /lib/udev/rules.d/, where packages put theirs).
DEB_DIR := $(BUILD)/deb

deb: $(LIB) $(BUILD)/bin/vmarena $(RUN_SHIM) $(CLI_MAN)
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)
	@$(MAKE) --no-print-directory -s dkms-src DESTDIR=$(DEB_DIR)/stage/dkms
	@$(MAKE) --no-print-directory -s install-tools DESTDIR=$(DEB_DIR)/stage/tools \
		PREFIX=/usr UDEVDIR=/lib/udev/rules.d
	@tools/mkdeb $(VERSION) $(DEB_DIR)

# The CLI's man page, from its --help (help2man) and tools/vmarena.h2m.
$(CLI_MAN): $(BUILD)/bin/vmarena tools/vmarena.h2m
	@mkdir -p $(dir $@)
	help2man --no-discard-stderr --no-info --version-string=$(VERSION) \
		--name "drive and inspect the vmarena virtual-memory module" \
		--include tools/vmarena.h2m -o $@ $(BUILD)/bin/vmarena

check: deps
	@$(MAKE) --no-print-directory all module-debug
	@$(MAKE) --no-print-directory module-kver KVER=6.12
	@tools/check

demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo

# Kernel code gets every --strict check; user-space programs are exempt
# only from the checks about kernel-only facilities (kernel types, BUG,
# BIT, the __printf and __noreturn macros) and volatile, which tests need
# to force a memory access that a signal interrupts.
CHECKPATCH = $(LINUX_SRC)/scripts/checkpatch.pl --strict --no-tree --quiet \
	--show-types -f
USER_EXEMPT = PREFER_KERNEL_TYPES,AVOID_BUG,EMBEDDED_FUNCTION_NAME,BIT_MACRO,VOLATILE,PREFER_DEFINED_ATTRIBUTE_MACRO
# A fuzzer must define libFuzzer's entry point, LLVMFuzzerTestOneInput()
# (so do the rewind examples); vmarena run reads ELF headers (Elf64_Ehdr,
# Elf64_Phdr), asks dladdr() (Dl_info), and its probe calls _Fork().
FUZZ_EXEMPT = $(USER_EXEMPT),CAMELCASE
# The uapi header's counter lists (VMARENA_GLOBAL_STATS, VMARENA_SPACE_STATS)
# are X-macros: a run of X(ID, name) expands into an enum or an
# initializer, so it uses X many times and parentheses would break it.
UAPI_EXEMPT = COMPLEX_MACRO,MACRO_ARG_REUSE
# compat.h tests the kernel's version: that is its purpose.
COMPAT_EXEMPT = LINUX_VERSION_CODE,CONSTANT_COMPARISON

bench: deps
	@$(MAKE) --no-print-directory all
	@tools/bench

DURATION ?= 600

stress: deps
	@$(MAKE) --no-print-directory all module-debug
	@tools/stress $(DURATION)

fuzz-kernel: deps
	@$(MAKE) --no-print-directory all module-debug
	@tools/fuzz_kernel.sh --debug-kernel $(DURATION)

# The unit level of tools/check runs the same fuzzer for 25 s.
fuzz: $(FUZZ)
	@tools/stream_fuzz.sh $(FUZZ_TIME) $(BUILD)/fuzz/corpus

style: $(LINUX_SRC)/.stamp
	@$(CHECKPATCH) $(filter-out module/compat.h,$(MODULE_SRCS)) selftests/harness/*.c
	@$(CHECKPATCH) --ignore $(COMPAT_EXEMPT) module/compat.h
	@$(CHECKPATCH) --ignore $(UAPI_EXEMPT) include/uapi/linux/vmarena.h
	@$(CHECKPATCH) --ignore $(USER_EXEMPT) \
		$(filter-out selftests/run_probe.c,$(wildcard selftests/*.c)) selftests/*.h \
		$(filter-out %_fuzz.c,$(wildcard selftests/unit/*.c)) \
		selftests/unit/*.h $(filter-out tools/vmarena_run.c,$(wildcard tools/*.c)) \
		$(LIB_SRC)/*.c $(LIB_SRC)/*.h
	@$(CHECKPATCH) --ignore $(FUZZ_EXEMPT) selftests/unit/*_fuzz.c \
		tools/vmarena_run.c selftests/run_probe.c tools/examples/*.c tools/run/state.c tools/run/shim.c
	@$(CHECKPATCH) --ignore $(USER_EXEMPT) $(filter-out tools/run/state.c tools/run/shim.c,\
		$(wildcard tools/run/*.c)) tools/run/*.h tools/examples/*.h
	@echo "style: clean"

# Documentation/'s counter tables against VMARENA_GLOBAL_STATS and
# VMARENA_SPACE_STATS (tools/check_counters says how tables are marked).
check-counters:
	@tools/check_counters

# sparse over every source (C=2 checks files whether or not they need
# rebuilding; a Kbuild clean here would also delete build/debug's module);
# any sparse line fails.
sparse:
	@mkdir -p $(BUILD)
	@$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules 2>&1 | tee $(BUILD)/sparse.log | \
		grep -E '(warning|error):' && { echo "sparse: not clean"; exit 1; } || \
		echo "sparse: clean"

# The layering of module/ that Documentation/vmarena.rst draws ("Layers").
layers:
	@tools/check_layers

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
