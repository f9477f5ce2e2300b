// SPDX-License-Identifier: GPL-2.0
/*
 * vmarena - command-line tool for /dev/vmarena.
 *
 *   vmarena info         INFO of a fresh space: ABI, page size, arena, free
 *   vmarena stats        the global counters (STATS of a fresh space), as
 *                        debugfs vmarena/stats prints them
 *   vmarena buddyinfo    free blocks per order and fragmentation (root)
 *   vmarena slabinfo     the slab caches (root)
 *   vmarena map PAGES    open a space, mmap PAGES pages of it, report, unmap
 *   vmarena open N       hold N spaces open, show slabinfo and buddyinfo
 *   vmarena space ID     a space's counters (the SPACE_STATS ioctl, root)
 *   vmarena translate ID [FIRST [N]]
 *                        a space's shadow PTEs from page FIRST (root)
 *   vmarena touch PAGES  map PAGES pages, read them (the zero page), write
 *                        every other one, show the space's counters and
 *                        TRANSLATE of the first pages
 *   vmarena swap         the swap device, slots and I/O, the policy and the
 *                        watermarks (debugfs swap and reclaim, root)
 *   vmarena swap attach PATH | detach
 *                        attach or detach the backing device (root)
 *   vmarena policy [NAME]  show the replacement policies, or switch (root)
 *   vmarena page PAGES [CAP]
 *                        write PAGES pages (with at most CAP resident),
 *                        read them back and check them, show the counters
 *   vmarena clone PAGES  a space, its copy-on-write clone, writes in the
 *                        clone: both spaces' counters and TRANSLATE
 *   vmarena ckpt FD save | restore GEN | list | drop GEN | dirty GEN [PAGES]
 *                | export GEN [BASE] >FILE | import <FILE | show [PAGES]
 *                        checkpoints of the space open as fd FD (a shell
 *                        keeps one with `exec 3<>/dev/vmarena`)
 *   vmarena migrate [PAGES [ROUNDS [COLD]]]
 *                        move a live space to another process by
 *                        iterative pre-copy, printing each round, while
 *                        a writer writes (COLD percent of its writes
 *                        outside its hot set of PAGES/16 pages; 10)
 *   vmarena run [--resident PAGES] [--max-pages PAGES] [--heap BYTES]
 *               [--policy NAME] [--stats] [--export FILE] -- CMD [ARGS]
 *                        CMD with its heap in a space (vmarena_run.c)
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

#include "vmarena_cli.h"

#define DEV "/dev/vmarena"
#define SYS "/sys/class/misc/vmarena/"
#define DBG "/sys/kernel/debug/vmarena/"
#define NR_ORDERS 11
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The counters' names, indexed by their enums: the uapi header's lists. */
static const char *const global_stat_names[] = {
	VMARENA_GLOBAL_STATS(VMARENA_COUNTER_NAME)
};

static const char *const space_stat_names[] = {
	VMARENA_SPACE_STATS(VMARENA_COUNTER_NAME)
};

int open_space(void)
{
	int fd = vmarena_open(O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "vmarena: open %s: %s\n", DEV, strerror(-fd));
		exit(1);
	}
	return fd;
}

static void get_info(int fd, struct vmarena_info *info)
{
	int ret = vmarena_info(fd, info);

	if (ret) {
		fprintf(stderr, "vmarena: INFO: %s\n", strerror(-ret));
		exit(1);
	}
}

static int cmd_info(void)
{
	struct vmarena_info info;
	int fd = open_space();

	get_info(fd, &info);
	printf("abi_version   %u\n", info.abi_version);
	printf("page_size     %u\n", info.page_size);
	printf("arena_frames  %llu (%llu MiB)\n",
	       (unsigned long long)info.arena_frames,
	       (unsigned long long)info.arena_frames * info.page_size >> 20);
	printf("free_frames   %llu\n", (unsigned long long)info.free_frames);
	printf("space_id      %llu\n", (unsigned long long)info.space_id);
	close(fd);
	return 0;
}

/*
 * Prints the counters @which of the space @fd (STATS), one "name value"
 * line each after @indent, as debugfs does: those both the module and
 * @names (@nr of them) know.  Returns 0 or -errno.
 */
static int print_stats(int fd, unsigned int which, const char *const *names,
		       unsigned int nr, const char *indent)
{
	__u64 *v = calloc(nr, sizeof(*v));
	unsigned int i, count = nr;
	int ret = v ? vmarena_stats(fd, which, v, &count) : -ENOMEM;

	if (ret)
		fprintf(stderr, "vmarena: STATS: %s\n", strerror(-ret));
	for (i = 0; !ret && i < nr && i < count; i++)
		printf("%s%-20s %llu\n", indent, names[i], (unsigned long long)v[i]);
	free(v);
	return ret;
}

/*
 * STATS needs only an fd open for reading, no debugfs: anyone the device's
 * mode lets open it (the space opened to ask is charged to them).
 */
static int cmd_stats(void)
{
	int fd = vmarena_open(O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0) {
		fprintf(stderr, "vmarena: open %s: %s\n", DEV, strerror(-fd));
		return 1;
	}
	ret = print_stats(fd, VMARENA_STATS_GLOBAL, global_stat_names,
			  ARRAY_SIZE(global_stat_names), "");
	close(fd);
	return ret ? 1 : 0;
}

static FILE *open_debugfs(const char *name)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), DBG "%s", name);
	f = fopen(path, "r");
	if (!f)
		fprintf(stderr, "vmarena: %s: %s (root and debugfs needed)\n",
			path, strerror(errno));
	return f;
}

/* Reads the row of buddyinfo named @row into @v (NR_ORDERS numbers). */
static int buddy_row(const char *row, double *v)
{
	char line[512], *p;
	size_t n = strlen(row);
	int o, found = -1;
	FILE *f = open_debugfs("buddyinfo");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, row, n) || line[n] != ' ')
			continue;
		p = line + n;
		for (o = 0; o < NR_ORDERS; o++)
			v[o] = strtod(p, &p);
		found = 0;
	}
	fclose(f);
	return found;
}

static int cmd_buddyinfo(void)
{
	double blocks[NR_ORDERS], unusable[NR_ORDERS], frag[NR_ORDERS];
	unsigned long long frames = 0;
	int o;

	if (buddy_row("free_blocks", blocks) || buddy_row("unusable", unusable) ||
	    buddy_row("fragindex", frag))
		return 1;
	printf("%5s %9s %11s %11s %9s %10s\n", "order", "block", "free blocks",
	       "free KiB", "unusable", "fragindex");
	for (o = 0; o < NR_ORDERS; o++) {
		unsigned long long b = blocks[o];

		printf("%5d %6d KiB %11llu %11llu %8.1f%% ", o, 4 << o, b,
		       (b << o) * 4, unusable[o] * 100);
		if (frag[o] < 0)
			printf("%10s\n", "(fits)");
		else
			printf("%10.3f\n", frag[o]);
		frames += b << o;
	}
	printf("free in the buddy lists: %llu frames (%llu KiB)\n",
	       frames, frames * 4);
	puts("unusable: share of free memory in blocks too small for the order");
	puts("fragindex: for an order that does not fit, 0 = lack of memory, 1 = fragmentation");
	return 0;
}

static int cmd_slabinfo(void)
{
	unsigned long long osz, sz, per, fps, act, tot, slabs, waste;
	char line[512], name[32], dbg[16];
	FILE *f = open_debugfs("slabinfo");

	if (!f)
		return 1;
	printf("%-12s %7s %9s %15s %6s %8s %12s %7s\n", "cache", "objsize",
	       "objs/slab", "active/total", "slabs", "KiB", "waste", "debug");
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' ||
		    sscanf(line, "%31s %llu %llu %llu %llu %llu %llu %llu %llu %15s",
			   name, &osz, &sz, &per, &fps, &act, &tot, &slabs, &waste,
			   dbg) != 10)
			continue;
		printf("%-12s %7llu %9llu %7llu/%-7llu %6llu %8llu %6llu KiB %3llu%% %s\n",
		       name, osz, per, act, tot, slabs, slabs * fps * 4,
		       waste / 1024, slabs ? waste * 100 / (slabs * fps * 4096) : 0,
		       dbg);
	}
	fclose(f);
	return 0;
}

static int cmd_map(const char *arg)
{
	unsigned long pages = strtoul(arg, NULL, 0);
	struct vmarena_info info;
	size_t len;
	void *p;
	int fd;

	if (!pages) {
		fprintf(stderr, "vmarena: map: '%s' is not a page count\n", arg);
		return 2;
	}
	fd = open_space();
	get_info(fd, &info);
	len = pages * info.page_size;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "vmarena: mmap: %s\n", strerror(errno));
		return 1;
	}
	printf("space %llu: %lu pages mapped at %p\n",
	       (unsigned long long)info.space_id, pages, p);
	munmap(p, len);
	close(fd);
	return 0;
}

static int cmd_open(const char *arg)
{
	unsigned long n = strtoul(arg, NULL, 0), i;
	struct vmarena_info before, after;
	int *fds, ret;

	fds = calloc(n ? n : 1, sizeof(*fds));
	if (!n || !fds) {
		fprintf(stderr, "vmarena: open: '%s' is not a count\n", arg);
		return 2;
	}
	fds[0] = open_space();
	get_info(fds[0], &before);
	for (i = 1; i < n; i++)
		fds[i] = open_space();
	get_info(fds[0], &after);
	printf("%lu spaces open: free frames %llu -> %llu\n", n,
	       (unsigned long long)before.free_frames,
	       (unsigned long long)after.free_frames);
	ret = cmd_slabinfo() || cmd_buddyinfo();
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return ret;
}

static int cat_debugfs(const char *path, unsigned long long first,
		       unsigned long long n)
{
	unsigned long long vpn;
	char line[256], *end;
	FILE *f = open_debugfs(path);

	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		vpn = strtoull(line, &end, 10);
		if (line[0] != '#' && end != line && (vpn < first || vpn - first >= n))
			continue;
		fputs(line, stdout);
	}
	fclose(f);
	return 0;
}

/* SPACE_STATS: another space's counters need CAP_SYS_ADMIN, not debugfs. */
static int cmd_space(const char *arg)
{
	__u64 v[ARRAY_SIZE(space_stat_names)];
	struct vmarena_space_stats st = {
		.count = ARRAY_SIZE(v),
		.values = (uintptr_t)v,
	};
	unsigned int i;
	char *end;
	int fd;

	errno = 0;
	st.space_id = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-') {
		fprintf(stderr, "vmarena: space: '%s' is not a space id\n", arg);
		return 2;
	}
	fd = vmarena_open(O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "vmarena: open %s: %s\n", DEV, strerror(-fd));
		return 1;
	}
	if (ioctl(fd, VMARENA_IOC_SPACE_STATS, &st)) {
		fprintf(stderr, "vmarena: space %s: %s\n", arg,
			errno == ESRCH ? "no live space has this id" :
			errno == EPERM ? "another space's counters need root (CAP_SYS_ADMIN)" :
			strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	for (i = 0; i < ARRAY_SIZE(v) && i < st.count; i++)
		printf("%-20s %llu\n", space_stat_names[i], (unsigned long long)v[i]);
	return 0;
}

static int cmd_translate(int argc, char **argv)
{
	unsigned long long first = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;
	unsigned long long n = argc > 4 ? strtoull(argv[4], NULL, 0) : ~0ULL;
	char path[64];

	snprintf(path, sizeof(path), "spaces/%s/pagetable", argv[2]);
	return cat_debugfs(path, first, n);
}

void show_space(int fd)
{
	print_stats(fd, VMARENA_STATS_SPACE, space_stat_names,
		    ARRAY_SIZE(space_stat_names), "  ");
}

void show_translate(int fd, unsigned long pages)
{
	struct vmarena_pte_info e[8];
	unsigned long i, n = pages < 8 ? pages : 8;
	int ret;

	ret = vmarena_translate(fd, 0, n, e);
	if (ret) {
		fprintf(stderr, "vmarena: TRANSLATE: %s\n", strerror(-ret));
		return;
	}
	printf("  %4s %8s %s\n", "page", "frame", "flags");
	for (i = 0; i < n; i++)
		printf("  %4lu %8llu %s%s%s%s%s\n", i, (unsigned long long)e[i].frame,
		       e[i].flags & VMARENA_PTE_INFO_PRESENT ? "present " : "hole",
		       e[i].flags & VMARENA_PTE_INFO_ACCESSED ? "accessed " : "",
		       e[i].flags & VMARENA_PTE_INFO_DIRTY ? "dirty " : "",
		       e[i].flags & VMARENA_PTE_INFO_WRITABLE ? "writable " : "",
		       e[i].flags & VMARENA_PTE_INFO_COW ? "cow (shared)" : "");
}

static int cmd_touch(const char *arg)
{
	unsigned long pages = strtoul(arg, NULL, 0), i;
	volatile char *p;
	char sum = 0;
	int fd;

	if (!pages) {
		fprintf(stderr, "vmarena: touch: '%s' is not a page count\n", arg);
		return 2;
	}
	fd = open_space();
	p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "vmarena: mmap: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < pages; i++)
		sum += p[i * 4096];		/* reads of holes: the zero page */
	for (i = 0; i < pages; i += 2)
		p[i * 4096] = 1;		/* every other page: a frame */
	printf("space after reading %lu pages (the zero page) and writing every other one (%d):\n",
	       pages, sum);
	show_space(fd);
	show_translate(fd, pages);
	munmap((void *)p, pages * 4096);
	close(fd);
	return 0;
}

static int write_sys(const char *name, const char *value)
{
	int fd = open(name, O_WRONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd >= 0) {
		n = write(fd, value, strlen(value));
		close(fd);
	}
	if (n < 0) {
		fprintf(stderr, "vmarena: %s: %s\n", name, strerror(errno));
		return 1;
	}
	return 0;
}

static int cat_file(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "vmarena: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return 0;
}

static int cmd_swap(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[2], "attach"))
		return write_sys(SYS "swap_dev", argv[3]);
	if (argc == 3 && !strcmp(argv[2], "detach"))
		return write_sys(SYS "swap_dev", "\n");
	if (argc != 2)
		usage();
	return cat_debugfs("swap", 0, ~0ULL) || cat_debugfs("reclaim", 0, ~0ULL);
}

static int cmd_policy(int argc, char **argv)
{
	if (argc == 3)
		return write_sys(SYS "policy", argv[2]);
	return cat_file(SYS "policy");
}

/* Writes @pages pages with a pattern; returns the pages read back wrong. */
static unsigned long page_pass(volatile unsigned long *p, unsigned long pages)
{
	unsigned long i, bad = 0, per = 4096 / sizeof(*p);

	for (i = 0; i < pages; i++)
		p[i * per] = i * 2654435761UL + 1;
	for (i = 0; i < pages; i++)
		bad += p[i * per] != i * 2654435761UL + 1;
	return bad;
}

static int cmd_page(int argc, char **argv)
{
	struct vmarena_limit l = { 0 };
	unsigned long pages = strtoul(argv[2], NULL, 0), bad;
	volatile unsigned long *p;
	int fd, ret;

	l.max_pages = pages;
	l.max_resident = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
	if (!pages) {
		fprintf(stderr, "vmarena: page: '%s' is not a page count\n", argv[2]);
		return 2;
	}
	fd = open_space();
	ret = vmarena_set_limit(fd, l.max_pages, l.max_resident);
	if (ret)
		fprintf(stderr, "vmarena: SET_LIMIT: %s\n", strerror(-ret));
	p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "vmarena: mmap: %s\n", strerror(errno));
		return 1;
	}
	bad = page_pass(p, pages);
	printf("space after writing %lu pages and reading them back (%lu wrong):\n",
	       pages, bad);
	show_space(fd);
	munmap((void *)p, pages * 4096);
	close(fd);
	return bad ? 1 : 0;
}

void usage(void)
{
	fprintf(stderr,
		"usage: vmarena COMMAND [ARGS]\n"
		"  info       ABI version, page size, arena size, free frames\n"
		"  stats      global counters (STATS ioctl, no debugfs)\n"
		"  buddyinfo  free blocks per order, fragmentation (debugfs, root)\n"
		"  slabinfo   slab caches: objects, slabs, waste (debugfs, root)\n"
		"  map PAGES  map PAGES pages of a new space and report\n"
		"  open N     hold N spaces open, show slabinfo and buddyinfo\n"
		"  space ID   a space's counters (root)\n"
		"  translate ID [FIRST [N]]  a space's shadow PTEs (debugfs, root)\n"
		"  touch PAGES  fault PAGES pages in, show counters and TRANSLATE\n"
		"  swap       swap device, slots, I/O, policy, watermarks (root)\n"
		"  swap attach PATH | swap detach   the backing device (root)\n"
		"  policy [NAME]  show the replacement policies, or switch (root)\n"
		"  page PAGES [CAP]  write and check PAGES pages, CAP resident\n"
		"  clone PAGES  a space and its copy-on-write clone\n"
		"  ckpt FD save|restore GEN|list|drop GEN|dirty GEN [PAGES]|\n"
		"          export GEN [BASE] >FILE|import <FILE|show [PAGES]\n"
		"             checkpoints of the space open as fd FD\n"
		"  migrate [PAGES [ROUNDS [COLD]]]  move a live space by pre-copy\n"
		"  run [--resident PAGES] [--max-pages PAGES] [--heap BYTES]\n"
		"      [--policy NAME] [--stats] [--export FILE] -- CMD [ARGS]\n"
		"             CMD with its heap (malloc) in a new space\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "info") && argc == 2)
		return cmd_info();
	if (!strcmp(argv[1], "stats") && argc == 2)
		return cmd_stats();
	if (!strcmp(argv[1], "buddyinfo") && argc == 2)
		return cmd_buddyinfo();
	if (!strcmp(argv[1], "slabinfo") && argc == 2)
		return cmd_slabinfo();
	if (!strcmp(argv[1], "map") && argc == 3)
		return cmd_map(argv[2]);
	if (!strcmp(argv[1], "open") && argc == 3)
		return cmd_open(argv[2]);
	if (!strcmp(argv[1], "space") && argc == 3)
		return cmd_space(argv[2]);
	if (!strcmp(argv[1], "translate") && argc >= 3 && argc <= 5)
		return cmd_translate(argc, argv);
	if (!strcmp(argv[1], "touch") && argc == 3)
		return cmd_touch(argv[2]);
	if (!strcmp(argv[1], "swap"))
		return cmd_swap(argc, argv);
	if (!strcmp(argv[1], "policy") && argc <= 3)
		return cmd_policy(argc, argv);
	if (!strcmp(argv[1], "page") && (argc == 3 || argc == 4))
		return cmd_page(argc, argv);
	if (!strcmp(argv[1], "clone") && argc == 3)
		return cmd_clone(argv[2]);
	if (!strcmp(argv[1], "ckpt"))
		return cmd_ckpt(argc, argv);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (!strcmp(argv[1], "migrate") && argc <= 5)
		return cmd_migrate(argc, argv);
	usage();
	return 2;
}
