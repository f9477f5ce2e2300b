// SPDX-License-Identifier: GPL-2.0
/*
 * bench_fault - page-fault cost of /dev/vmarena against the kernel's own
 * anonymous memory (THP off) and shmem (memfd), in one run.
 *
 *   bench_fault [PAGES [ROUNDS]]     (run as root in the VM, module loaded)
 *
 * first touch, write   a write to each page of a fresh mapping
 * first touch, read    a read of each page of a fresh mapping
 * re-fault             a read of each resident page after MADV_DONTNEED
 *                      dropped the hardware mapping (anonymous memory has
 *                      no such case: MADV_DONTNEED frees it)
 *
 * Each figure is the best of ROUNDS rounds, in ns per page; the kinds are
 * interleaved round by round so that every side sees the same machine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmarena.h>

#define PAGE 4096UL

enum kind { VMARENA, ANON, SHMEM, NR_KINDS };
enum test { TOUCH_WRITE, TOUCH_READ, REFAULT, NR_TESTS };

static const char *const kind_name[NR_KINDS] = { "vmarena", "anon", "shmem" };
static const char *const test_name[NR_TESTS] = {
	"first touch, write", "first touch, read", "re-fault (resident)",
};

static unsigned long pages;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_fault: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A fresh mapping of @pages pages of kind @k; *fd is its file or -1. */
static char *map_kind(enum kind k, int *fd)
{
	size_t len = pages * PAGE;
	struct vmarena_limit l = { .max_pages = pages };
	char *p;

	*fd = -1;
	if (k == ANON) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			madvise(p, len, MADV_NOHUGEPAGE);
	} else {
		*fd = k == VMARENA ? open("/dev/vmarena", O_RDWR) :
				     memfd_create("bench", 0);
		if (*fd < 0)
			die(kind_name[k]);
		if (k == VMARENA && ioctl(*fd, VMARENA_IOC_SET_LIMIT, &l))
			die("SET_LIMIT");
		if (k == SHMEM && ftruncate(*fd, len))
			die("ftruncate");
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	}
	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void unmap_kind(char *p, int fd)
{
	munmap(p, pages * PAGE);
	if (fd >= 0)
		close(fd);
}

static uint64_t touch(volatile char *p, int write)
{
	uint64_t t0 = now_ns();
	unsigned long i;
	char sum = 0;

	for (i = 0; i < pages; i++) {
		if (write)
			p[i * PAGE] = 1;
		else
			sum += p[i * PAGE];
	}
	if (sum)
		fprintf(stderr, "bench_fault: a fresh page was not zero\n");
	return now_ns() - t0;
}

/* One round of test @t on kind @k: ns, or 0 when it does not apply. */
static uint64_t round_of(enum test t, enum kind k)
{
	uint64_t ns;
	int fd;
	char *p;

	if (t == REFAULT && k == ANON)
		return 0;
	p = map_kind(k, &fd);
	if (t == REFAULT) {
		touch(p, 1);
		if (madvise(p, pages * PAGE, MADV_DONTNEED))
			die("madvise");
		ns = touch(p, 0);
	} else {
		ns = touch(p, t == TOUCH_WRITE);
	}
	unmap_kind(p, fd);
	return ns;
}

static void print_row(enum test t, const uint64_t *best)
{
	double v = (double)best[VMARENA] / pages;

	printf("%-22s %9.0f", test_name[t], v);
	if (best[ANON])
		printf(" %9.0f %6.2f", (double)best[ANON] / pages,
		       (double)best[VMARENA] / best[ANON]);
	else
		printf(" %9s %6s", "-", "-");
	printf(" %9.0f %6.2f\n", (double)best[SHMEM] / pages,
	       (double)best[VMARENA] / best[SHMEM]);
}

int main(int argc, char **argv)
{
	unsigned int rounds = argc > 2 ? atoi(argv[2]) : 5, r;
	uint64_t best[NR_TESTS][NR_KINDS];
	int t, k;

	pages = argc > 1 ? strtoul(argv[1], NULL, 0) : 4096;
	if (!pages || !rounds) {
		fprintf(stderr, "usage: bench_fault [PAGES [ROUNDS]]\n");
		return 2;
	}
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	memset(best, 0xff, sizeof(best));
	for (r = 0; r < rounds; r++)
		for (t = 0; t < NR_TESTS; t++)
			for (k = 0; k < NR_KINDS; k++) {
				uint64_t ns = round_of(t, k);

				if (ns < best[t][k])
					best[t][k] = ns;
			}
	printf("# ns per page, best of %u rounds of %lu pages; ratio = vmarena / other\n",
	       rounds, pages);
	printf("%-22s %9s %9s %6s %9s %6s\n", "# test", "vmarena", "anon", "ratio",
	       "shmem", "ratio");
	for (t = 0; t < NR_TESTS; t++) {
		for (k = 0; k < NR_KINDS; k++)
			if (best[t][k] == UINT64_MAX)
				best[t][k] = 0;
		print_row(t, best[t]);
	}
	return 0;
}
