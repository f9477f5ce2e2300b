// SPDX-License-Identifier: GPL-2.0
/*
 * bench_cow - copy-on-write and checkpoints against the kernel's ways, in
 * one boot (make bench; Documentation/results.rst).
 *
 *   bench_cow MIB REPEAT
 *
 * 1. CLONE of a space with MIB MiB resident vs fork() of a process with
 *    MIB MiB of anonymous memory written: the time of the call, and the
 *    cost per page of the first write afterwards (a COW break in both).
 *    Fork twice: with the memory in transparent huge pages (the kernel's
 *    default: a few PMDs to copy) and in 4 KiB pages (MADV_NOHUGEPAGE:
 *    a PTE a page, like vmarena's table).  Each call also less the same
 *    call with nothing to share (CLONE of an empty space, fork() of this
 *    process with the memory unmapped): without making the space or the
 *    process, the page-table work alone.  Each call is timed once the
 *    pool of frames zeroed ahead is full again (bench_pool.h).
 * 2. RESTORE per page: rewinding MIB MiB all rewritten since.
 *
 * Each figure is the median of REPEAT runs; ratios are vmarena / kernel.
 * Incremental checkpoints against soft-dirty: bench_ckpt.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "bench_pool.h"

#define PAGE 4096UL
#define MAX_REPEAT 32

static void die(const char *what)
{
	fprintf(stderr, "bench_cow: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

static int open_space(void)
{
	int fd = open("/dev/vmarena", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open /dev/vmarena");
	return fd;
}

static char *map_fd(int fd, unsigned long pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void write_pages(char *p, unsigned long pages, char v)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		p[i * PAGE] = v;
}

/* CLONE: the call, then the first write to every page (parent side). */
static void clone_once(unsigned long pages, uint64_t *call, uint64_t *wr)
{
	struct vmarena_clone c = { .flags = VMARENA_CLONE_CLOEXEC };
	int fd = open_space(), cfd;
	char *p = map_fd(fd, pages);
	uint64_t t0;

	write_pages(p, pages, 1);
	bench_settle_pool();
	t0 = now_ns();
	cfd = ioctl(fd, VMARENA_IOC_CLONE, &c);
	*call = now_ns() - t0;
	if (cfd < 0)
		die("CLONE");
	t0 = now_ns();
	write_pages(p, pages, 2);
	*wr = (now_ns() - t0) / pages;
	close(cfd);
	munmap(p, pages * PAGE);
	close(fd);
}

/*
 * The same calls with nothing to share: CLONE of an empty space, fork()
 * of this process with the benchmark's memory unmapped.  Taken from the
 * calls above, they leave the page-table work alone.
 */
static void empty_once(uint64_t *clone, uint64_t *fork_call)
{
	struct vmarena_clone c = { .flags = VMARENA_CLONE_CLOEXEC };
	int fd = open_space(), cfd;
	uint64_t t0;
	pid_t pid;

	bench_settle_pool();
	t0 = now_ns();
	cfd = ioctl(fd, VMARENA_IOC_CLONE, &c);
	*clone = now_ns() - t0;
	if (cfd < 0)
		die("CLONE");
	close(cfd);
	close(fd);
	t0 = now_ns();
	pid = fork();
	if (!pid)
		_exit(0);
	*fork_call = now_ns() - t0;
	if (pid < 0)
		die("fork");
	waitpid(pid, NULL, 0);
}

/*
 * fork(): the call, then the child's first write to every page; with
 * @small, the memory in 4 KiB pages only (MADV_NOHUGEPAGE), as vmarena's.
 */
static void fork_once(unsigned long pages, bool small, uint64_t *call,
		      uint64_t *wr)
{
	char *p = map_fd(-1, pages);
	int res[2];
	uint64_t t0;
	pid_t pid;

	if (small && madvise(p, pages * PAGE, MADV_NOHUGEPAGE))
		die("madvise");
	write_pages(p, pages, 1);
	if (pipe(res))
		die("pipe");
	bench_settle_pool();
	t0 = now_ns();
	pid = fork();
	if (!pid) {
		uint64_t t = now_ns();

		write_pages(p, pages, 2);
		t = (now_ns() - t) / pages;
		_exit(write(res[1], &t, sizeof(t)) != sizeof(t));
	}
	*call = now_ns() - t0;
	if (pid < 0 || read(res[0], wr, sizeof(*wr)) != sizeof(*wr))
		die("fork");
	waitpid(pid, NULL, 0);
	close(res[0]);
	close(res[1]);
	munmap(p, pages * PAGE);
}

static uint64_t ckpt(int fd)
{
	struct vmarena_ckpt c = { 0 };

	if (ioctl(fd, VMARENA_IOC_CHECKPOINT, &c))
		die("CHECKPOINT");
	return c.generation;
}

static uint64_t restore_once(unsigned long pages)
{
	int fd = open_space();
	char *p = map_fd(fd, pages);
	struct vmarena_ckpt c = { 0 };
	uint64_t t0;

	write_pages(p, pages, 1);
	c.generation = ckpt(fd);
	write_pages(p, pages, 2);
	t0 = now_ns();
	if (ioctl(fd, VMARENA_IOC_RESTORE, &c))
		die("RESTORE");
	t0 = (now_ns() - t0) / pages;
	if (p[0] != 1)
		die("RESTORE gave the wrong data");
	munmap(p, pages * PAGE);
	close(fd);
	return t0;
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 16;
	int r, rep = argc > 2 ? atoi(argv[2]) : 5;
	unsigned long pages = mib * 256;
	uint64_t a[8][MAX_REPEAT], m[8], k[MAX_REPEAT];

	if (rep < 1 || rep > MAX_REPEAT || argc > 3)
		die("usage: bench_cow MIB REPEAT");
	for (r = 0; r < rep; r++) {
		clone_once(pages, &a[0][r], &a[1][r]);
		fork_once(pages, false, &a[2][r], &a[3][r]);
		fork_once(pages, true, &a[4][r], &a[5][r]);
		empty_once(&a[6][r], &a[7][r]);
	}
	for (r = 0; r < 8; r++)
		m[r] = median(a[r], rep);
	printf("# clone vs fork, %lu MiB resident (median of %d); fork of memory\n"
	       "# in transparent huge pages (the default) and in 4 KiB pages\n",
	       mib, rep);
	printf("%-22s %10s %10s %6s %10s %6s\n", "", "vmarena", "fork THP",
	       "ratio", "fork 4K", "ratio");
	printf("%-22s %8.1fus %8.1fus %6.2f %8.1fus %6.2f\n", "clone / fork call",
	       m[0] / 1e3, m[2] / 1e3, (double)m[0] / m[2], m[4] / 1e3,
	       (double)m[0] / m[4]);
	/* Less the empty call: the page-table work alone. */
	m[0] -= m[6] < m[0] ? m[6] : m[0];
	m[2] -= m[7] < m[2] ? m[7] : m[2];
	m[4] -= m[7] < m[4] ? m[7] : m[4];
	printf("%-22s %8.1fus %8.1fus %6.2f %8.1fus %6.2f\n", "... less an empty one",
	       m[0] / 1e3, m[2] / 1e3, (double)m[0] / m[2], m[4] / 1e3,
	       (double)m[0] / m[4]);
	printf("%-22s %8.1fus %8.1fus\n", "empty clone / fork", m[6] / 1e3,
	       m[7] / 1e3);
	printf("%-22s %8.2fus %8.2fus %6.2f %8.2fus %6.2f\n", "first write per page",
	       m[1] / 1e3, m[3] / 1e3, (double)m[1] / m[3], m[5] / 1e3,
	       (double)m[1] / m[5]);
	for (r = 0; r < rep; r++)
		k[r] = restore_once(pages);
	printf("\n# restore, %lu MiB all rewritten since the checkpoint\n", mib);
	printf("%-28s %10.2fus\n", "restore per page", median(k, rep) / 1e3);
	return 0;
}
