// SPDX-License-Identifier: GPL-2.0
/*
 * bench_policy - miss rate against resident-set size for each of vmarena's
 * replacement policies, measured on the module, on the course's three
 * workloads: no locality (uniform), 80/20 and a loop.
 *
 * Runs in the VM as root with the module loaded and a swap device (it
 * attaches $VMARENA_SWAP_DEV when none is).  Each workload is a reference
 * string of REFS references over PAGES pages (30% of them writes, fixed
 * seed); for each policy and each resident cap from PAGES/16 to PAGES in
 * sixteenths, a fresh space with that cap plays the string through a
 * mapping, and the misses are its faults that brought a page in (first
 * touches and swap-ins).  The strings are written to OUTDIR/refs-<name>.txt
 * so that build/bin/replay can give Belady's optimal (OPT) for the same
 * strings offline.
 *
 * USAGE: bench_policy OUTDIR [PAGES [REFS]]     (defaults 256, 4096)
 * Output: CSV on stdout, "workload,policy,frames,refs,misses".
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
#include <unistd.h>

#include <linux/vmarena.h>

#define PAGE 4096UL
#define SYS "/sys/class/misc/vmarena/"

/* Where reads go, so that the compiler keeps them. */
static volatile char sink;

static const char * const policies[] = {
	"fifo", "random", "clock", "lru", "clean-first",
};

enum workload { UNIFORM, HOT_COLD, LOOP, NR_WORKLOADS };

static const char * const workload_names[NR_WORKLOADS] = {
	"uniform", "80-20", "loop",
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Page of reference @i; bit 63 set for a write. */
static uint64_t reference(enum workload w, uint64_t i, uint64_t pages,
			  uint64_t *seed)
{
	uint64_t hot = pages / 5, page;

	switch (w) {
	case UNIFORM:
		page = rnd(seed) % pages;
		break;
	case HOT_COLD:
		page = rnd(seed) % 10 < 8 ? rnd(seed) % hot :
		       hot + rnd(seed) % (pages - hot);
		break;
	default:
		page = i % pages;
		break;
	}
	return page | (rnd(seed) % 10 < 3 ? 1ULL << 63 : 0);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd >= 0) {
		n = write(fd, s, strlen(s));
		close(fd);
	}
	return n < 0 ? -1 : 0;
}

static uint64_t misses_of(int fd)
{
	__u64 v[VMARENA_NR_SPACE_STATS] = { 0 };
	struct vmarena_stats st = {
		.which = VMARENA_STATS_SPACE,
		.count = VMARENA_NR_SPACE_STATS,
		.values = (uintptr_t)v,
	};

	if (ioctl(fd, VMARENA_IOC_STATS, &st))
		return UINT64_MAX;
	return v[VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH] +
	       v[VMARENA_SPACE_STAT_SWAP_INS];
}

/* Plays @refs through a fresh space with @frames resident; its misses. */
static uint64_t play(const uint64_t *refs, uint64_t n, uint64_t pages,
		     uint64_t frames)
{
	struct vmarena_limit l = { .max_pages = pages, .max_resident = frames };
	volatile char *p;
	uint64_t i, misses;
	int fd;

	fd = open("/dev/vmarena", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, VMARENA_IOC_SET_LIMIT, &l)) {
		perror("bench_policy: /dev/vmarena");
		exit(1);
	}
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("bench_policy: mmap");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		uint64_t pg = refs[i] & ~(1ULL << 63);

		if (refs[i] >> 63)
			p[pg * PAGE] = (char)i;
		else
			sink = p[pg * PAGE];
	}
	misses = misses_of(fd);
	munmap((void *)p, pages * PAGE);
	close(fd);
	return misses;
}

static void save_string(const char *dir, enum workload w, const uint64_t *refs,
			uint64_t n)
{
	char path[512];
	uint64_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/refs-%s.txt", dir, workload_names[w]);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fprintf(f, "# %s: %llu references\n", workload_names[w],
		(unsigned long long)n);
	for (i = 0; i < n; i++)
		fprintf(f, "%llu\n", (unsigned long long)(refs[i] & ~(1ULL << 63)));
	fclose(f);
}

static void attach_swap(void)
{
	const char *dev = getenv("VMARENA_SWAP_DEV");
	char cur[256] = "";
	FILE *f = fopen(SYS "swap_dev", "r");

	if (f) {
		if (!fgets(cur, sizeof(cur), f))
			cur[0] = '\0';
		fclose(f);
	}
	if ((!cur[0] || cur[0] == '\n') && (!dev || write_str(SYS "swap_dev", dev))) {
		fprintf(stderr, "bench_policy: no swap device\n");
		exit(4);
	}
}

int main(int argc, char **argv)
{
	uint64_t pages = argc > 2 ? strtoull(argv[2], NULL, 0) : 256;
	uint64_t n = argc > 3 ? strtoull(argv[3], NULL, 0) : 4096;
	uint64_t *refs, i, frames, seed;
	unsigned int w, pol;

	if (argc < 2 || pages < 16 || !n) {
		fprintf(stderr, "usage: bench_policy OUTDIR [PAGES [REFS]]\n");
		return 2;
	}
	attach_swap();
	refs = calloc(n, sizeof(*refs));
	if (!refs)
		return 1;
	printf("workload,policy,frames,refs,misses\n");
	for (w = 0; w < NR_WORKLOADS; w++) {
		seed = 0x2545f4914f6cdd1dULL + w;
		for (i = 0; i < n; i++)
			refs[i] = reference(w, i, pages, &seed);
		save_string(argv[1], w, refs, n);
		for (pol = 0; pol < sizeof(policies) / sizeof(*policies); pol++) {
			if (write_str(SYS "policy", policies[pol])) {
				perror("bench_policy: policy");
				return 1;
			}
			for (frames = pages / 16; frames <= pages; frames += pages / 16)
				printf("%s,%s,%llu,%llu,%llu\n", workload_names[w],
				       policies[pol], (unsigned long long)frames,
				       (unsigned long long)n,
				       (unsigned long long)play(refs, n, pages, frames));
			fflush(stdout);
		}
	}
	write_str(SYS "policy", "clock");
	free(refs);
	return 0;
}
