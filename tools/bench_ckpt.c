// SPDX-License-Identifier: GPL-2.0
/*
 * bench_ckpt - an incremental checkpoint of vmarena against the kernel's
 * way at its best, and a 4 KiB memcpy, at several sizes and dirty
 * fractions, in one boot (make bench; Documentation/results.rst,
 * "Incremental checkpoints").
 *
 *   bench_ckpt REPEAT [MIB...]		(sizes 16 48 96 by default)
 *
 * For each size and each count of dirty pages (1%, 10% and 50% of the
 * pages, and 16 pages), REPEAT rounds of three measurements, each on
 * memory of that size written whole beforehand, the dirty pages spread
 * over it the same way on both sides:
 *
 *   vmarena     a space: CHECKPOINT (the base, untimed), then timed: one
 *               store to each dirty page, CHECKPOINT, EXPORT of the delta
 *               from the base to a file on tmpfs.
 *   soft-dirty  a child process holding anonymous memory in 4 KiB pages
 *               (MADV_NOHUGEPAGE: soft-dirty marks a whole huge page
 *               written by one store); it writes its memory itself, so
 *               nothing is shared with the parent.  Timed: clear_refs 4,
 *               the child's stores (timed by the child: the pipe that
 *               tells it to go is left out), one pread() of the range's
 *               pagemap, process_vm_readv() of the runs of dirty pages
 *               (up to IOV_MAX runs a call) into one buffer, and one
 *               write() of it to a file on tmpfs.
 *   memcpy      a 4 KiB memcpy() at its best: 4096 of them between two
 *               buffers of 16 pages already faulted in.
 *
 * Each side is timed once the pool of frames zeroed ahead is full again
 * (bench_pool.h): the first touches drained it.
 *
 * Prints, per size and count, the medians of the cost per dirty page and
 * the ranges over the rounds of vmarena / soft-dirty and of vmarena /
 * memcpy (each round's own figures paired).
 *
 * With VMARENA_BENCH_PERF=CTL,ACK (two FIFOs), vmarena's timed part is
 * bracketed with "enable" and "disable" written to CTL, each answered on
 * ACK: perf record -D -1 --control fifo:CTL,ACK then profiles it alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "bench_pool.h"

#define PAGE 4096UL
#define MAX_REPEAT 32
#define SOFT_DIRTY (1ULL << 55)
#define SINK "/tmp/bench_ckpt.sink"

static void die(const char *what)
{
	fprintf(stderr, "bench_ckpt: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v: then v[0], v[n / 2] and v[n - 1] are min, median and max. */
static void sort(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
}

static int sink(void)
{
	int fd = open(SINK, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		die(SINK);
	return fd;
}

static char *map_anon(unsigned long pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* Every page of @p written, each with its own byte. */
static void write_all(char *p, unsigned long pages)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		p[i * PAGE] = (char)(i + 1);
}

/* The @dirty pages: a fixed spread, no page twice, in increasing order. */
static unsigned long *dirty_set(unsigned long pages, unsigned long dirty)
{
	unsigned long *d = malloc(dirty * sizeof(*d)), i;

	if (!d)
		die("malloc");
	for (i = 0; i < dirty; i++)
		d[i] = i * pages / dirty + (i * 7) % (pages / dirty);
	return d;
}

static void rewrite(char *p, const unsigned long *d, unsigned long dirty)
{
	unsigned long i;

	for (i = 0; i < dirty; i++)
		p[d[i] * PAGE] = (char)0xa5;
}

/* A command to perf record --control, and its answer awaited. */
static void perf_ctl(const char *cmd)
{
	static char ctl[256], *ack;
	const char *env = getenv("VMARENA_BENCH_PERF");
	char buf[16];
	int fd;

	if (!env)
		return;
	if (!ack) {
		snprintf(ctl, sizeof(ctl), "%s", env);
		ack = strchr(ctl, ',');
		if (!ack)
			die("VMARENA_BENCH_PERF is CTL,ACK");
		*ack++ = '\0';
	}
	fd = open(ctl, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, cmd, strlen(cmd)) < 0)
		die(ctl);
	close(fd);
	fd = open(ack, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf)) < 0)
		die(ack);
	close(fd);
}

static uint64_t checkpoint(int fd)
{
	struct vmarena_ckpt c = { 0 };

	if (ioctl(fd, VMARENA_IOC_CHECKPOINT, &c))
		die("CHECKPOINT");
	return c.generation;
}

/* vmarena: stores, CHECKPOINT, EXPORT of the delta; ns. */
static uint64_t vmarena_round(unsigned long pages, const unsigned long *d,
			      unsigned long dirty)
{
	int fd = open("/dev/vmarena", O_RDWR | O_CLOEXEC), out = sink();
	struct vmarena_export e = { .fd = out, .flags = VMARENA_EXPORT_DELTA };
	uint64_t t0, t;
	char *p;

	if (fd < 0)
		die("open /dev/vmarena");
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap /dev/vmarena");
	write_all(p, pages);
	e.base = checkpoint(fd);
	bench_settle_pool();
	perf_ctl("enable\n");
	t0 = now_ns();
	rewrite(p, d, dirty);
	e.generation = checkpoint(fd);
	if (ioctl(fd, VMARENA_IOC_EXPORT, &e))
		die("EXPORT");
	t = now_ns() - t0;
	perf_ctl("disable\n");
	if (e.pages != dirty) {
		fprintf(stderr, "bench_ckpt: EXPORT wrote %llu pages, not %lu\n",
			(unsigned long long)e.pages, dirty);
		exit(1);
	}
	munmap(p, pages * PAGE);
	close(fd);
	close(out);
	return t;
}

/* The dirty pages of @pid's range at @addr, copied and written; ns. */
static uint64_t soft_dirty_collect(pid_t pid, char *addr, unsigned long pages,
				   unsigned long dirty, int out)
{
	struct iovec *runs = malloc(dirty * sizeof(*runs)), local;
	uint64_t *pm = malloc(pages * 8), t0 = now_ns();
	unsigned long i, n = 0, k, batch;
	char *buf = malloc(dirty * PAGE), path[64];
	size_t got = 0, want;
	int fd;

	if (!pm || !runs || !buf)
		die("malloc");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, pm, pages * 8, (uintptr_t)addr / PAGE * 8) !=
		      (ssize_t)(pages * 8))
		die("pagemap");
	/* One pass over the pagemap: the runs of dirty pages. */
	for (i = 0; i < pages; i++) {
		if (!(pm[i] & SOFT_DIRTY))
			continue;
		if (n && (char *)runs[n - 1].iov_base + runs[n - 1].iov_len ==
			 addr + i * PAGE) {
			runs[n - 1].iov_len += PAGE;
			continue;
		}
		if (n == dirty)
			break;	/* more than were written: counted below */
		runs[n].iov_base = addr + i * PAGE;
		runs[n++].iov_len = PAGE;
	}
	/* Up to IOV_MAX runs a call, each call into the buffer's next part. */
	for (k = 0; k < n; k += batch) {
		batch = n - k < IOV_MAX ? n - k : IOV_MAX;
		for (want = 0, i = k; i < k + batch; i++)
			want += runs[i].iov_len;
		local.iov_base = buf + got;
		local.iov_len = want;
		if (got + want > dirty * PAGE ||
		    process_vm_readv(pid, &local, 1, runs + k, batch, 0) !=
		    (ssize_t)want)
			die("process_vm_readv");
		got += want;
	}
	if (write(out, buf, got) != (ssize_t)got)
		die("write");
	t0 = now_ns() - t0;
	if (got != dirty * PAGE) {
		fprintf(stderr, "bench_ckpt: soft-dirty found %zu pages, not %lu\n",
			got / PAGE, dirty);
		exit(1);
	}
	close(fd);
	free(pm);
	free(runs);
	free(buf);
	return t0;
}

static void write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, s, strlen(s)) < 0)
		die(path);
	close(fd);
}

/* The kernel's way; ns. */
static uint64_t soft_dirty_round(unsigned long pages, const unsigned long *d,
				 unsigned long dirty)
{
	char *p = map_anon(pages), path[64], b;
	int go[2], done[2], out = sink();
	uint64_t t0, t, store;
	pid_t pid;

	if (madvise(p, pages * PAGE, MADV_NOHUGEPAGE))
		die("madvise");
	if (pipe(go) || pipe(done))
		die("pipe");
	pid = fork();
	if (!pid) {
		write_all(p, pages);
		if (write(done[1], &store, sizeof(store)) != sizeof(store) ||
		    read(go[0], &b, 1) != 1)
			_exit(1);
		store = now_ns();
		rewrite(p, d, dirty);
		store = now_ns() - store;
		if (write(done[1], &store, sizeof(store)) != sizeof(store))
			_exit(1);
		/* Alive until the parent has read its memory. */
		_exit(read(go[0], &b, 1) != 1);
	}
	if (pid < 0 || read(done[0], &store, sizeof(store)) != sizeof(store))
		die("child");
	snprintf(path, sizeof(path), "/proc/%d/clear_refs", pid);
	bench_settle_pool();
	t0 = now_ns();
	write_str(path, "4");
	t = now_ns() - t0;
	if (write(go[1], "g", 1) != 1 ||
	    read(done[0], &store, sizeof(store)) != sizeof(store))
		die("child");
	t += store + soft_dirty_collect(pid, p, pages, dirty, out);
	if (write(go[1], "x", 1) != 1)
		die("child");
	waitpid(pid, NULL, 0);
	munmap(p, pages * PAGE);
	close(out);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	return t;
}

/*
 * The yardstick: a 4 KiB memcpy() at its best, 4096 of them between two
 * buffers of 16 pages already faulted in (cache-hot); ns a copy.
 */
static double memcpy_page(void)
{
	char *src = map_anon(16), *dst = map_anon(16);
	unsigned long i;
	uint64_t t0;

	write_all(src, 16);
	write_all(dst, 16);
	t0 = now_ns();
	for (i = 0; i < 4096; i++)
		memcpy(dst + i % 16 * PAGE, src + (i * 5) % 16 * PAGE, PAGE);
	/* The copies are used: the compiler must not drop them. */
	__asm__ volatile("" : : "r"(dst) : "memory");
	t0 = now_ns() - t0;
	munmap(src, 16 * PAGE);
	munmap(dst, 16 * PAGE);
	return (double)t0 / 4096;
}

static void measure(unsigned long mib, unsigned long dirty, int rep)
{
	double v[MAX_REPEAT], s[MAX_REPEAT], m[MAX_REPEAT];
	double rs[MAX_REPEAT], rm[MAX_REPEAT];
	unsigned long pages = mib * 256, *d = dirty_set(pages, dirty);
	int r;

	for (r = 0; r < rep; r++) {
		v[r] = (double)vmarena_round(pages, d, dirty) / dirty;
		s[r] = (double)soft_dirty_round(pages, d, dirty) / dirty;
		m[r] = memcpy_page();
		rs[r] = v[r] / s[r];
		rm[r] = v[r] / m[r];
	}
	sort(v, rep);
	sort(s, rep);
	sort(m, rep);
	sort(rs, rep);
	sort(rm, rep);
	printf("%4lu %6lu %9.2f %9.2f %6.2f %5.2f-%-5.2f %7.2f %6.1f %5.1f-%-5.1f\n",
	       mib, dirty, v[rep / 2] / 1e3, s[rep / 2] / 1e3, rs[rep / 2],
	       rs[0], rs[rep - 1], m[rep / 2] / 1e3, rm[rep / 2], rm[0],
	       rm[rep - 1]);
	fflush(stdout);
	free(d);
}

int main(int argc, char **argv)
{
	static const unsigned long dflt[] = { 16, 48, 96 };
	static const unsigned int pct[] = { 1, 10, 50 };
	int rep = argc > 1 ? atoi(argv[1]) : 5, nsizes, i, j;
	unsigned long sizes[16];

	if (rep < 1 || rep > MAX_REPEAT || argc > 18) {
		fprintf(stderr, "usage: bench_ckpt REPEAT [MIB...]\n");
		return 2;
	}
	for (nsizes = 0; nsizes + 2 < argc; nsizes++)
		sizes[nsizes] = strtoul(argv[nsizes + 2], NULL, 0);
	if (!nsizes) {
		memcpy(sizes, dflt, sizeof(dflt));
		nsizes = 3;
	}
	printf("# incremental checkpoint + delta export, us per dirty page:\n"
	       "# medians of %d rounds; ratios: median and range of the rounds'\n",
	       rep);
	printf("# %-3s %6s %9s %9s %6s %-11s %7s %6s %-11s\n", "MiB", "dirty",
	       "vmarena", "soft-dty", "ratio", "rounds", "memcpy", "ratio",
	       "rounds");
	for (i = 0; i < nsizes; i++) {
		for (j = 0; j < 3; j++)
			measure(sizes[i], sizes[i] * 256 * pct[j] / 100, rep);
		measure(sizes[i], 16, rep);
	}
	unlink(SINK);
	return 0;
}
