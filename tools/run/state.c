// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * state.c - the allocator's own state in the space, and the snapshot and
 * rewind of the whole heap (Documentation/run.rst, "Rewind").
 *
 * A rewind must put back mimalloc's bookkeeping with the blocks it
 * describes.  That bookkeeping lives in three places, each put in the
 * space at set-up, so that one REWIND of the space covers all of it:
 *
 *  - mimalloc's writable globals (its .data and .bss after RELRO: the main
 *    thread's heap, the segment map, statistics) are copied to offset
 *    DATA_OFF of the space, which is then mapped over them;
 *  - what mimalloc takes from the system while it is handed the arena (the
 *    arena's descriptor and bitmaps, through mmap) comes from offset
 *    META_OFF instead: mmap is interposed for the length of that call;
 *  - the heap's blocks are the arena, at HEAP_OFF.
 *
 * Left out, and said so in the documentation: the program's own globals,
 * stacks, libc's globals (stdio's FILE objects, whose buffers are heap
 * blocks), other threads' heaps (their descriptors come from the system).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mimalloc.h>

#include "libvmarena.h"
#include "shim.h"

#define PAGE		4096UL
#define META_MAX	(16UL << 20)

static bool capturing;
static size_t meta_used;

static uintptr_t page_up(uintptr_t a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

/* Maps [addr, addr + len) to the space at @off, keeping its contents. */
static void move_into_space(char *addr, size_t len, __u64 off)
{
	char *tmp = (void *)syscall(SYS_mmap, NULL, len, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (tmp == MAP_FAILED)
		run_die("moving mimalloc's globals: %s", strerror(errno));
	memcpy(tmp, addr, len);
	if (run_map(addr, len, off, run.fd))
		run_die("mapping mimalloc's globals in the space: %s", strerror(errno));
	memcpy(addr, tmp, len);
	munmap(tmp, len);
}

/* libmimalloc's writable data after RELRO, if it starts on a page. */
static int find_data(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t lo = 0, hi = 0, relro = 0, *range = arg;
	int i;

	(void)size;
	if (!strstr(info->dlpi_name, "/libmimalloc.so"))
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const Elf64_Phdr *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W)) {
			lo = start;
			hi = start + ph->p_memsz;
		} else if (ph->p_type == PT_GNU_RELRO) {
			relro = start + ph->p_memsz;
		}
	}
	if (relro > lo)
		lo = relro;
	range[0] = lo;
	range[1] = page_up(hi);
	return 1;
}

/*
 * During mi_manage_os_memory_ex(), mimalloc's anonymous mappings come from
 * the space; at any other time mmap is the system call, as in libc.  It is
 * the symbol "mmap" that libmimalloc imports (<sys/mman.h> would rename a
 * plain definition to mmap64 under _FILE_OFFSET_BITS=64).
 */
void *run_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__asm__("mmap");

void *run_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	if (!capturing || fd != -1 || !(flags & MAP_ANONYMOUS) || (flags & MAP_FIXED))
		return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	len = page_up(len);
	if (meta_used + len > META_MAX) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	p = (void *)syscall(SYS_mmap, NULL, len, prot, MAP_SHARED, run.fd,
			    META_OFF + meta_used);
	if (p == MAP_FAILED || run_record(p, len, META_OFF + meta_used))
		run_die("mimalloc's arena descriptor in the space: %s", strerror(errno));
	meta_used += len;
	return p;
}

/*
 * Gives mimalloc the heap's range as its arena, with its globals and the
 * arena's descriptor in the space too.  Whether a rewind is possible is
 * decided here: libmimalloc's data must start on a page of its own.
 */
void run_state_init(void)
{
	uintptr_t range[2] = { 0, 0 };
	bool ok;

	dl_iterate_phdr(find_data, range);
	run.rewindable = range[0] && !(range[0] % PAGE) && range[1] > range[0] &&
			 range[1] - range[0] <= META_OFF - DATA_OFF;
	if (run.rewindable)
		move_into_space((char *)range[0], range[1] - range[0], DATA_OFF);
	capturing = run.rewindable;
	ok = mi_manage_os_memory_ex(run.base, run.size, true, false, true, -1, false, NULL);
	capturing = false;
	if (!ok)
		run_die("mimalloc refused the heap's range");
	/* Rewinding needs the arena's descriptor in the space too. */
	if (run.rewindable && !meta_used)
		run.rewindable = false;
	/* The main thread's heap is set up now, not after a snapshot. */
	mi_free(mi_malloc(16));
}

/**
 * vmarena_run_snapshot() - the heap as it is now becomes what
 * vmarena_run_rewind() puts back (libvmarena's vmarena_snapshot()).
 *
 * Return: 0, or -errno: -ENOTSUP when this mimalloc's globals could not be
 * put in the space, or CHECKPOINT's error.
 */
int vmarena_run_snapshot(void)
{
	__u64 gen = 0;
	int ret;

	run_start();
	if (!run.rewindable)
		return -ENOTSUP;
	ret = vmarena_checkpoint(run.fd, &gen, NULL);
	if (ret)
		return ret;
	if (run.snapshot)
		vmarena_ckpt_drop(run.fd, run.snapshot, NULL);
	run.snapshot = gen;
	return 0;
}

/**
 * vmarena_run_rewind() - the heap, mimalloc's state with it, back to the
 * last vmarena_run_snapshot() (libvmarena's vmarena_rewind()).
 *
 * REWIND copies back in place what the program wrote since the snapshot
 * (or the last rewind), keeping its mappings: the cost grows with the
 * pages written, not with the heap.
 *
 * Return: 0, or -errno: -ENOENT without a snapshot, or REWIND's error.
 */
int vmarena_run_rewind(void)
{
	int saved = errno;
	long ret;

	if (!run.snapshot || run.snapshot > ~0UL)
		return -ENOENT;
	/* The ioctl itself: this runs once per fuzzing iteration. */
	ret = ioctl(run.fd, VMARENA_IOC_REWIND, (unsigned long)run.snapshot);
	if (ret >= 0)
		return 0;
	ret = -errno;
	errno = saved;
	return ret;
}
