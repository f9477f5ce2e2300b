// SPDX-License-Identifier: GPL-2.0
/*
 * bench_rewind.c - the cost of vmarena_rewind() per fuzzing iteration
 * against its floor (make bench; Documentation/results.rst, "Rewind").
 *
 *   vmarena run --max-pages P -- bench_rewind MIB DIRTY ITERATIONS ROUNDS
 *
 * Sets up a heap of MIB MiB (malloc'd in 1 MiB blocks, every page
 * written), takes a snapshot, then per round measures, in nanoseconds:
 *
 *   clean    a rewind with no page written since the last one
 *   iter     one iteration's whole overhead: DIRTY pages spread over the
 *            heap written (one byte each: the faults that causes) and the
 *            rewind; divided by DIRTY, per dirty page
 *   memcpy   one 4 KiB memcpy (DIRTY of them per iteration, between
 *            buffers DIRTY pages apart, so that they miss the cache alike)
 *   syscall  one trivial system call (getppid)
 *
 * and prints one line per round:
 *
 *   heap 16 MiB: clean 12345 ns (= 41.2 syscalls), per dirty page 2345 ns (= 3.1 memcpy)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "libvmarena.h"

#define PAGE	4096
#define MIB	(1 << 20)

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

int main(int argc, char **argv)
{
	long mib, dirty, iters, rounds, i, r, d;
	static char src[64][PAGE], dst[64][PAGE];
	char **blocks, **pages;
	volatile long sink = 0;
	double t, clean, iter, copy, sys;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_rewind MIB DIRTY ITERATIONS ROUNDS\n");
		return 2;
	}
	mib = atol(argv[1]);
	dirty = atol(argv[2]);
	iters = atol(argv[3]);
	rounds = atol(argv[4]);
	if (mib < 1 || dirty < 1 || dirty > 64 || iters < 1 || rounds < 1)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench_rewind: heap %ld MiB, %ld dirty pages, %ld iterations\n", mib, dirty, iters);
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
	check(vmarena_snapshot(), "vmarena_snapshot");
	for (r = 0; r < rounds; r++) {
		t = now_ns();
		for (i = 0; i < iters; i++)
			check(vmarena_rewind(), "vmarena_rewind");
		clean = (now_ns() - t) / iters;

		t = now_ns();
		for (i = 0; i < iters; i++) {
			for (d = 0; d < dirty; d++)
				pages[d][i % PAGE] ^= 1;
			check(vmarena_rewind(), "vmarena_rewind");
		}
		iter = (now_ns() - t) / iters / dirty;

		t = now_ns();
		for (i = 0; i < iters; i++) {
			for (d = 0; d < dirty; d++)
				memcpy(dst[d], src[d], PAGE);
			__asm__ volatile("" : : "r"(dst) : "memory");
		}
		copy = (now_ns() - t) / iters / dirty;

		t = now_ns();
		for (i = 0; i < iters; i++)
			sink += syscall(SYS_getppid);
		sys = (now_ns() - t) / iters;

		printf("heap %ld MiB: clean %.0f ns (= %.1f syscalls), ", mib, clean, clean / sys);
		printf("per dirty page %.0f ns (= %.1f memcpy)\n", iter, iter / copy);
	}
	return sink < 0;
}
