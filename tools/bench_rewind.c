// SPDX-License-Identifier: GPL-2.0
/*
 * bench_rewind.c - the cost of vmarena_rewind() per fuzzing iteration
 * against its floor (make bench; Documentation/results.rst, "Rewind").
 *
 *   vmarena run --max-pages P -- bench_rewind MIB DIRTY ITERATIONS ROUNDS
 *
 * Sets up a heap of MIB MiB (malloc'd in 1 MiB blocks, every page
 * written), then per round takes a snapshot and measures, in nanoseconds
 * (each figure in 10 blocks alternating with its yardstick's):
 *
 *   clean    a rewind with no page written since the snapshot
 *   iter     one iteration's whole overhead: DIRTY pages spread over the
 *            heap written (one byte each: the faults that causes) and the
 *            rewind; divided by DIRTY, per dirty page
 *   again    a rewind with no page written since the last rewind, the
 *            DIRTY pages written in earlier iterations (REWIND copies them
 *            back at every call: Documentation/abi.rst)
 *   memcpy   one 4 KiB memcpy (DIRTY of them per iteration, between
 *            buffers DIRTY pages apart, so that they miss the cache alike)
 *   syscall  one trivial system call (getppid)
 *   refused  an ioctl of /dev/vmarena that the device refuses at once
 *            (no such command): the floor of any command
 *
 * Before that, the two ways the kernel offers are compared on a space of
 * the program's own (MIB MiB mapped, every page written, a CHECKPOINT,
 * DIRTY pages written per iteration): RESTORE, which rebuilds the table
 * and zaps the mappings (so each page written faults again), and REWIND,
 * which copies back in place.  One line, per dirty page and iteration:
 *
 *   space 16 MiB: restore 123456 ns (= 130.1 memcpy), rewind 1500 ns (= 1.6 memcpy)
 *
 * Then it prints one line per round:
 *
 *   heap 16 MiB: clean 1234 ns (= 2.1 syscalls), per dirty page 2345 ns
 *   (= 1.1 memcpy), again 5678 ns (= 9.9 syscalls), refused ioctl 901 ns
 *   (= 1.8 syscalls)
 *
 * (on one line).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "libvmarena.h"

#define PAGE	4096
#define MIB	(1 << 20)
#define BLOCKS	10
/* No such command: the device refuses it at once (-ENOTTY). */
#define VMARENA_IOC_NONE	_IO(VMARENA_IOC_MAGIC, 0x7f)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void check(int ret, const char *what)
{
	if (ret) {
		fprintf(stderr, "bench_rewind: %s: %s\n", what, strerror(-ret));
		exit(1);
	}
}

/* ns per dirty page of ITERS iterations: DIRTY writes, then @cmd. */
static double raw_iter(int fd, char *p, long pages, long dirty, long iters,
		       unsigned long cmd, __u64 gen)
{
	struct vmarena_ckpt c = { .generation = gen };
	double t = now_ns();
	long i, d;

	for (i = 0; i < iters; i++) {
		for (d = 0; d < dirty; d++)
			p[(d * (pages / dirty)) * PAGE + i % PAGE] ^= 1;
		if ((cmd == VMARENA_IOC_RESTORE ? ioctl(fd, cmd, &c) :
		     ioctl(fd, cmd, (unsigned long)gen)) < 0) {
			perror("bench_rewind: RESTORE/REWIND");
			exit(1);
		}
	}
	return (now_ns() - t) / iters / dirty;
}

/* RESTORE against REWIND on a space of @mib MiB; @copy: a memcpy's ns. */
static void raw_compare(long mib, long dirty, long iters, double copy)
{
	long pages = mib * (MIB / PAGE);
	int fd = vmarena_open(O_RDWR | O_CLOEXEC);
	__u64 gen = 0;
	double restore, rewind;
	void *v;
	char *p;

	if (fd < 0)
		check(fd, "open");
	check(vmarena_map(fd, 0, mib * MIB, PROT_READ | PROT_WRITE, &v), "mmap");
	p = v;
	memset(p, 1, mib * MIB);
	check(vmarena_checkpoint(fd, &gen, NULL), "CHECKPOINT");
	/* RESTORE is O(space): fewer iterations on larger spaces. */
	restore = raw_iter(fd, p, pages, dirty, iters / mib > 10 ? iters / mib : 10,
			   VMARENA_IOC_RESTORE, gen);
	rewind = raw_iter(fd, p, pages, dirty, iters, VMARENA_IOC_REWIND, gen);
	printf("space %ld MiB: restore %.0f ns (= %.1f memcpy), rewind %.0f ns (= %.2f memcpy)\n",
	       mib, restore, restore / copy, rewind, rewind / copy);
	munmap(p, mib * MIB);
	close(fd);
}

/* One 4 KiB memcpy, ns: DIRTY of them per iteration, @iters times. */
static double memcpy_ns(long dirty, long iters)
{
	static char src[64][PAGE], dst[64][PAGE];
	double t = now_ns();
	long i, d;

	for (i = 0; i < iters; i++) {
		for (d = 0; d < dirty; d++)
			memcpy(dst[d], src[d], PAGE);
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
	return (now_ns() - t) / iters / dirty;
}

int main(int argc, char **argv)
{
	long mib, dirty, iters, rounds, i, r, d, b, n;
	char **blocks, **pages;
	volatile long sink = 0;
	double t, clean, iter, again, copy, sys, floor;
	int dev;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_rewind MIB DIRTY ITERATIONS ROUNDS\n");
		return 2;
	}
	mib = atol(argv[1]);
	dirty = atol(argv[2]);
	iters = atol(argv[3]);
	rounds = atol(argv[4]);
	if (mib < 1 || dirty < 1 || dirty > 64 || iters < BLOCKS || rounds < 1)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench_rewind: heap %ld MiB, %ld dirty pages, %ld iterations\n", mib, dirty, iters);
	raw_compare(mib, dirty, iters, memcpy_ns(dirty, iters));
	dev = vmarena_open(O_RDWR | O_CLOEXEC);
	if (dev < 0)
		check(dev, "open");
	blocks = malloc(mib * sizeof(*blocks));
	pages = malloc(dirty * sizeof(*pages));
	if (!blocks || !pages)
		return 1;
	for (i = 0; i < mib; i++) {
		blocks[i] = malloc(MIB);
		if (!blocks[i])
			return 1;
		memset(blocks[i], (int)i, MIB);
	}
	/* DIRTY pages spread evenly over the heap. */
	for (d = 0; d < dirty; d++) {
		long page = d * (mib * (MIB / PAGE)) / dirty;

		pages[d] = blocks[page / (MIB / PAGE)] + (page % (MIB / PAGE)) * PAGE;
	}
	for (r = 0; r < rounds; r++) {
		check(vmarena_snapshot(), "vmarena_snapshot");
		/*
		 * Each figure and its yardstick are timed in alternating
		 * blocks, so that a slow spell of the host weighs on both.
		 */
		clean = 0;
		sys = 0;
		floor = 0;
		iter = 0;
		copy = 0;
		for (b = 0; b < BLOCKS; b++) {
			t = now_ns();
			for (i = 0; i < iters / BLOCKS; i++)
				check(vmarena_rewind(), "vmarena_rewind");
			clean += now_ns() - t;
			t = now_ns();
			for (i = 0; i < iters / BLOCKS; i++)
				sink += syscall(SYS_getppid);
			sys += now_ns() - t;
			t = now_ns();
			for (i = 0; i < iters / BLOCKS; i++)
				sink += ioctl(dev, VMARENA_IOC_NONE);
			floor += now_ns() - t;
		}
		for (b = 0; b < BLOCKS; b++) {
			t = now_ns();
			for (i = b * (iters / BLOCKS); i < (b + 1) * (iters / BLOCKS); i++) {
				for (d = 0; d < dirty; d++)
					pages[d][i % PAGE] ^= 1;
				check(vmarena_rewind(), "vmarena_rewind");
			}
			iter += now_ns() - t;
			copy += memcpy_ns(dirty, iters / BLOCKS) * (iters / BLOCKS) * dirty;
		}
		t = now_ns();
		for (i = 0; i < iters; i++)
			check(vmarena_rewind(), "vmarena_rewind");
		again = (now_ns() - t) / iters;
		n = BLOCKS * (iters / BLOCKS);
		clean /= n;
		sys /= n;
		floor /= n;
		iter /= n * dirty;
		copy /= n * dirty;

		printf("heap %ld MiB: clean %.0f ns (= %.1f syscalls), ", mib, clean, clean / sys);
		printf("per dirty page %.0f ns (= %.2f memcpy), ", iter, iter / copy);
		printf("again %.0f ns (= %.1f syscalls), ", again, again / sys);
		printf("refused ioctl %.0f ns (= %.1f syscalls)\n", floor, floor / sys);
	}
	return sink < 0;
}
