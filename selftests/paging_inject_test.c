// SPDX-License-Identifier: GPL-2.0
/*
 * paging_inject_test.c - a fault-injection matrix: every operation that
 * takes memory or does swap I/O, failed at each of its allocation sites
 * in turn, must end in the errno abi.rst documents for it (or SIGBUS for
 * that access only), leave the space usable (a retry with injection off
 * succeeds, and the data that existed before reads back intact) and leak
 * nothing (free frames, swap slots, shares, pins and page-table frames all
 * back once its spaces are closed).
 *
 * Sites: the K-th frame allocation (fail_frames_skip = K, fail_frames = 1,
 * K = 0, 1, ... until the operation succeeds with the knob still armed,
 * which shows every frame allocation of it was failed once), the next
 * allocation of each slab cache (slab/<cache>/fail_next), swap read and
 * write bios (fail_swap_reads, fail_swap_writes: 1 bio, then every bio).
 * On a kernel with fault injection (the debug kernel), also the K-th
 * kernel allocation of the test task (failslab and fail_page_alloc,
 * counted by /proc/thread-self/fail-nth).
 *
 * Each cell prints a TAP comment line:
 *   # matrix OP SITE K=first..last: ENOMEM 3, SIGBUS 0, success 1
 *
 * Runs in the VM, as root, with the module loaded with a 1 MiB arena and
 * the runner's spare disk ($VMARENA_SWAP_DEV) as swap device.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "kselftest_harness.h"
#include "space_util.h"
#include "cow_util.h"
#include "vm_util.h"
#include "paging_util.h"

#define FAULT_DBG "/sys/kernel/debug/"

/* An access that raised SIGBUS, as an outcome (errnos are positive). */
#define OUT_SIGBUS	(-1)
/* An access that read the wrong data, as an outcome of its own. */
#define OUT_WRONG_DATA	EPROTO

/* Pages every set-up fills, and the size of the main mapping. */
#define NPAGES		8
#define MAP_PAGES	16

/* Where page-table growth touches: 2^40 bytes, new nodes at 3 levels. */
#define FAR_OFFSET	(1ULL << 40)

/* K values tried at most per cell (frames; kernel allocations). */
#define MAX_K_FRAMES	40
#define MAX_K_KERNEL	400

#define MAX_CACHES	8

enum site_kind { SITE_FRAMES, SITE_SLAB, SITE_SWAP_READ, SITE_SWAP_WRITE,
		 SITE_KERNEL };

struct site {
	enum site_kind kind;
	char name[40];		/* "frames", "slab:space", ... */
	char cache[24];		/* SITE_SLAB */
};

/* Results, in memory shared with the harness's children. */
#define MAX_CELLS	256
#define MAX_ERRNOS	4

struct cell {
	char op[16];
	char site[40];
	int kfirst, klast, tried;
	int err[MAX_ERRNOS], nerr[MAX_ERRNOS];
	int sigbus, success, unexpected, bad;
	long ms;
};

struct results {
	int n;
	long long free0;
	struct cell cells[MAX_CELLS];
};

static struct results *results;

/* What one operation works on. */
struct ctx {
	const struct site *site;	/* the site the run had armed */
	int fd, fd2, mfd;
	char *p, *far;
	__u64 gen, page, word;
	__u64 pt0, pages0;
};

struct op {
	const char *name;
	bool fault;		/* a memory access: SIGBUS, not an errno */
	void (*setup)(struct __test_metadata *_metadata, struct ctx *c);
	int (*run)(struct ctx *c);
	/* After the run: state, retry with injection off, result. */
	void (*check)(struct __test_metadata *_metadata, struct ctx *c,
		      int out);
	const char *slab_enomem[2];	/* caches whose failure is -ENOMEM */
	int swap_read;		/* outcome of a failed swap read, 0: none */
	bool swap_write;	/* does swap writes */
};

/* ---- debugfs and fault-injection knobs ---- */

static void knob(const char *path, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", v);
	write_str(path, buf);
}

static void vknob(const char *name, unsigned long long v)
{
	char path[128];

	snprintf(path, sizeof(path), VMARENA_DBG "%s", name);
	knob(path, v);
}

static long long stat_dbg(const char *name)
{
	return debugfs_value("stats", name);
}

/* The site armed now (global: used after a siglongjmp). */
static const struct site *armed;
static long long kernel_left;

static void arm(const struct site *s, int k)
{
	char path[128];

	armed = s;
	switch (s->kind) {
	case SITE_FRAMES:
		vknob("fail_frames_skip", k);
		vknob("fail_frames", 1);
		break;
	case SITE_SLAB:
		snprintf(path, sizeof(path), VMARENA_DBG "slab/%s/fail_next",
			 s->cache);
		knob(path, 1);
		break;
	case SITE_SWAP_READ:
		vknob("fail_swap_reads", k);
		break;
	case SITE_SWAP_WRITE:
		vknob("fail_swap_writes", k);
		break;
	case SITE_KERNEL:
		knob("/proc/thread-self/fail-nth", k);
		break;
	}
}

static void disarm(void)
{
	const struct site *s = armed;
	char path[128], buf[32];
	int fd;
	ssize_t n;

	if (!s)
		return;
	armed = NULL;
	switch (s->kind) {
	case SITE_FRAMES:
		vknob("fail_frames", 0);
		vknob("fail_frames_skip", 0);
		break;
	case SITE_SLAB:
		snprintf(path, sizeof(path), VMARENA_DBG "slab/%s/fail_next",
			 s->cache);
		knob(path, 0);
		break;
	case SITE_SWAP_READ:
		vknob("fail_swap_reads", 0);
		break;
	case SITE_SWAP_WRITE:
		vknob("fail_swap_writes", 0);
		break;
	case SITE_KERNEL:
		/* 0: the fault was injected; else the calls still to go. */
		fd = open("/proc/thread-self/fail-nth", O_RDWR);
		kernel_left = -1;
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			if (n > 0) {
				buf[n] = '\0';
				kernel_left = atoll(buf);
			}
			n = write(fd, "0", 1);
			close(fd);
		}
		break;
	}
}

/* The counter that says whether an injection happened at a site. */
static long long injected_count(const struct site *s)
{
	switch (s->kind) {
	case SITE_FRAMES:
		return stat_dbg("alloc_injected");
	case SITE_SLAB:
		return stat_dbg("slab_injected");
	case SITE_SWAP_READ:
		return stat_dbg("read_errors");
	case SITE_SWAP_WRITE:
		return stat_dbg("write_errors");
	default:
		return 0;
	}
}

/* ---- accesses that may raise SIGBUS, with the site armed around them ---- */

static const struct site *access_site;
static int access_k;

static int access_armed(volatile char *p, __u64 *val, bool write)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(sigbus_jmp, 1)) {
		disarm();
		signal(SIGBUS, SIG_DFL);
		return OUT_SIGBUS;
	}
	if (access_site)
		arm(access_site, access_k);
	if (write)
		*(volatile __u64 *)p = *val;
	else
		*val = *(volatile __u64 *)p;
	disarm();
	signal(SIGBUS, SIG_DFL);
	return 0;
}

static int poke(char *p, __u64 v)
{
	return access_armed(p, &v, true);
}

static int peek(char *p, __u64 *v)
{
	return access_armed(p, v, false);
}

/* An ioctl with the site armed around it: 0 or errno. */
static int ioctl_armed(int fd, unsigned long cmd, void *arg)
{
	int ret, err;

	if (access_site)
		arm(access_site, access_k);
	ret = ioctl(fd, cmd, arg);
	err = errno;
	disarm();
	return ret < 0 ? err : 0;
}

/* ---- page contents ---- */

static __u64 page_word(__u64 page, __u64 v)
{
	return (page * 0x9e3779b97f4a7c15ULL) ^ (v << 48) ^ 0x5bd1e995ULL;
}

static void fill(char *p, __u64 page, __u64 v)
{
	__u64 *w = (__u64 *)(p + page * PAGE), x = page_word(page, v);
	size_t i;

	for (i = 0; i < PAGE / 8; i++)
		w[i] = x + i;
}

/* @pg, one page, holds page @page in version @v (0: zeros); word 0 is @w0. */
static bool page_ok(const char *pg, __u64 page, __u64 v, bool any0, __u64 w0)
{
	const __u64 *w = (const __u64 *)pg;
	__u64 x = page_word(page, v);
	size_t i;

	if (any0 ? w[0] != w0 : w[0] != (v ? x : 0))
		return false;
	for (i = 1; i < PAGE / 8; i++)
		if (w[i] != (v ? x + i : 0))
			return false;
	return true;
}

/* Page @page of mapping @p holds version @v (0: zeros). */
static bool intact(const char *p, __u64 page, __u64 v)
{
	return page_ok(p + page * PAGE, page, v, false, 0);
}

/* As intact(), but its first word was overwritten with @w0. */
static bool poked(const char *p, __u64 page, __u64 v, __u64 w0)
{
	return page_ok(p + page * PAGE, page, v, true, w0);
}

/* Pages [first, first + n) of @fd, read with pread, not in version @v. */
static int bad_pread(int fd, __u64 first, __u64 n, __u64 v)
{
	static char buf[PAGE];
	int bad = 0;
	__u64 i;

	for (i = first; i < first + n; i++)
		bad += pread(fd, buf, PAGE, i * PAGE) != (ssize_t)PAGE ||
		       !page_ok(buf, i, v, false, 0);
	return bad;
}

static int bad_pages(const char *p, __u64 first, __u64 n, __u64 v)
{
	int bad = 0;
	__u64 i;

	for (i = first; i < first + n; i++)
		bad += !intact(p, i, v);
	return bad;
}

/* ---- set-ups ---- */

/* A space with pages 0..NPAGES-1 in version 1, mapped at c->p. */
static void base_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	__u64 i;

	c->fd = open_space(_metadata);
	c->p = map(c->fd, MAP_PAGES, 0);
	ASSERT_NE(NULL, c->p);
	for (i = 0; i < NPAGES; i++)
		fill(c->p, i, 1);
	c->pt0 = space_stat(c->fd, VMARENA_SPACE_STAT_PT_FRAMES);
	c->pages0 = space_stat(c->fd, VMARENA_SPACE_STAT_PAGES);
	c->word = 0xfeedfacecafe0000ULL;
}

/* Evicts all pages but @keep of the space (cap, then no cap). */
static void evict_to(struct __test_metadata *_metadata, int fd, __u64 keep)
{
	ASSERT_EQ(0, set_limit(fd, 0, keep));
	ASSERT_EQ(0, set_limit(fd, 0, 0));
}

/* The first swapped page of pages [0, n), or -1. */
static long long first_swapped(int fd, __u64 n)
{
	__u64 i;

	for (i = 0; i < n; i++)
		if (flags_of(fd, i) & VMARENA_PTE_INFO_SWAPPED)
			return i;
	return -1;
}

/* ---- operations ---- */

/* First touch: a write fault on a hole next to the space's pages. */
static void first_touch_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	base_setup(_metadata, c);
	c->page = NPAGES;
}

static int write_page_run(struct ctx *c)
{
	return poke(c->p + c->page * PAGE, c->word);
}

/* After a write fault that may have failed: retry, then check everything. */
static void check_written(struct __test_metadata *_metadata, struct ctx *c,
			  int out, __u64 was, const char *what)
{
	__u64 i;

	if (out) {
		EXPECT_TRUE(intact(c->p, c->page, was))
			TH_LOG("%s: the page changed under a failed write", what);
		access_site = NULL;
		EXPECT_EQ(0, poke(c->p + c->page * PAGE, c->word))
			TH_LOG("%s: the retry failed", what);
	}
	EXPECT_TRUE(poked(c->p, c->page, was, c->word)) TH_LOG("%s", what);
	for (i = 0; i < NPAGES; i++)
		if (i != c->page)
			EXPECT_TRUE(intact(c->p, i, 1)) TH_LOG("%s: page %llu", what,
							       (unsigned long long)i);
}

static void first_touch_check(struct __test_metadata *_metadata, struct ctx *c,
			      int out)
{
	if (out) {
		EXPECT_EQ(c->pages0, space_stat(c->fd, VMARENA_SPACE_STAT_PAGES));
		EXPECT_EQ(c->pt0, space_stat(c->fd, VMARENA_SPACE_STAT_PT_FRAMES));
		EXPECT_EQ(0, flags_of(c->fd, c->page));
	}
	check_written(_metadata, c, out, 0, "first touch");
}

/* Page-table growth: first touch 2^40 bytes away (three new nodes). */
static void pt_growth_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	base_setup(_metadata, c);
	c->far = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
		      FAR_OFFSET);
	ASSERT_NE(MAP_FAILED, c->far);
}

static int pt_growth_run(struct ctx *c)
{
	return poke(c->far, c->word);
}

static void pt_growth_check(struct __test_metadata *_metadata, struct ctx *c,
			    int out)
{
	__u64 w;

	if (out) {
		/* Nodes made on the way were freed with the frame. */
		EXPECT_EQ(c->pt0, space_stat(c->fd, VMARENA_SPACE_STAT_PT_FRAMES));
		EXPECT_EQ(c->pages0, space_stat(c->fd, VMARENA_SPACE_STAT_PAGES));
		access_site = NULL;
		EXPECT_EQ(0, poke(c->far, c->word));
	}
	EXPECT_EQ(0, peek(c->far, &w));
	EXPECT_EQ(c->word, w);
	EXPECT_EQ(c->pt0 + 3, space_stat(c->fd, VMARENA_SPACE_STAT_PT_FRAMES));
	EXPECT_EQ(0, bad_pages(c->p, 0, NPAGES, 1));
}

/* Copy-on-write break of a page shared with a clone. */
static void cow_clone_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	base_setup(_metadata, c);
	c->fd2 = clone_space(c->fd);
	ASSERT_LE(0, c->fd2);
	c->page = 2;
}

static void cow_clone_check(struct __test_metadata *_metadata, struct ctx *c,
			    int out)
{
	check_written(_metadata, c, out, 1, "cow break (clone)");
	EXPECT_EQ(0, bad_pread(c->fd2, 0, NPAGES, 1))
		TH_LOG("the clone sees a change");
}

/* Copy-on-write break of a page shared with a checkpoint. */
static void cow_ckpt_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	base_setup(_metadata, c);
	c->gen = checkpoint(c->fd);
	ASSERT_NE(0, c->gen);
	c->page = 2;
}

static void cow_ckpt_check(struct __test_metadata *_metadata, struct ctx *c,
			   int out)
{
	check_written(_metadata, c, out, 1, "cow break (checkpoint)");
	ASSERT_EQ(0, restore(c->fd, c->gen));
	EXPECT_EQ(0, bad_pages(c->p, 0, NPAGES, 1)) TH_LOG("generation changed");
}

/* Swap-in: a read fault on an evicted page. */
static void swap_in_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	long long pg;

	need_swap(_metadata);
	base_setup(_metadata, c);
	evict_to(_metadata, c->fd, 1);
	pg = first_swapped(c->fd, NPAGES);
	ASSERT_LE(0, pg);
	c->page = pg;
}

static int swap_in_run(struct ctx *c)
{
	__u64 w = 0;
	int out = peek(c->p + c->page * PAGE, &w);

	if (!out && w != page_word(c->page, 1))
		return OUT_WRONG_DATA;
	return out;
}

/* A page lost to a read error: SIGBUS until DISCARD, then a hole. */
static void check_lost(struct __test_metadata *_metadata, struct ctx *c)
{
	__u64 w;

	EXPECT_TRUE(flags_of(c->fd, c->page) & VMARENA_PTE_INFO_LOST);
	access_site = NULL;
	EXPECT_EQ(OUT_SIGBUS, peek(c->p + c->page * PAGE, &w));
	EXPECT_EQ(0, discard(c->fd, c->page * PAGE, PAGE));
	EXPECT_TRUE(intact(c->p, c->page, 0));
}

static void swap_in_check(struct __test_metadata *_metadata, struct ctx *c,
			  int out)
{
	__u64 i;

	if (out && c->site->kind == SITE_SWAP_READ) {
		check_lost(_metadata, c);
	} else if (out) {
		EXPECT_TRUE(flags_of(c->fd, c->page) & VMARENA_PTE_INFO_SWAPPED);
		EXPECT_TRUE(intact(c->p, c->page, 1)) TH_LOG("retry");
	}
	/* Every other page reads back (swap-ins with injection off). */
	for (i = 0; i < NPAGES; i++)
		if (i != c->page || !out || c->site->kind != SITE_SWAP_READ)
			EXPECT_TRUE(intact(c->p, i, 1)) TH_LOG("page %llu",
							       (unsigned long long)i);
}

/* Swap-out: a write fault at the resident cap evicts (writes) a page. */
static void swap_out_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	__u64 i;

	need_swap(_metadata);
	c->fd = open_space(_metadata);
	ASSERT_EQ(0, set_limit(c->fd, 0, 4));
	c->p = map(c->fd, MAP_PAGES, 0);
	ASSERT_NE(NULL, c->p);
	for (i = 0; i < 4; i++)
		fill(c->p, i, 1);
	c->page = 4;
	c->word = 0xfeedfacecafe0000ULL;
	c->pages0 = space_stat(c->fd, VMARENA_SPACE_STAT_PAGES);
}

static void swap_out_check(struct __test_metadata *_metadata, struct ctx *c,
			   int out)
{
	if (out) {
		EXPECT_EQ(c->pages0, space_stat(c->fd, VMARENA_SPACE_STAT_PAGES));
		EXPECT_EQ(0, flags_of(c->fd, c->page));
		access_site = NULL;
		EXPECT_EQ(0, poke(c->p + c->page * PAGE, c->word));
	}
	EXPECT_LE(space_stat(c->fd, VMARENA_SPACE_STAT_RESIDENT), 4);
	EXPECT_EQ(0, bad_pages(c->p, 0, 4, 1));
	EXPECT_TRUE(poked(c->p, c->page, 0, c->word));
}

/* SET_LIMIT: a resident cap below the resident set evicts down to it. */
static void set_limit_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	need_swap(_metadata);
	base_setup(_metadata, c);
}

static int set_limit_run(struct ctx *c)
{
	struct vmarena_limit l = { .max_resident = 2 };

	return ioctl_armed(c->fd, VMARENA_IOC_SET_LIMIT, &l);
}

static void set_limit_check(struct __test_metadata *_metadata, struct ctx *c,
			    int out)
{
	if (out)
		EXPECT_EQ(0, set_limit(c->fd, 0, 2)) TH_LOG("retry");
	EXPECT_GE(2, space_stat(c->fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(0, bad_pages(c->p, 0, NPAGES, 1));
}

/* CLONE of a space with a pinned page (copied at once). */
static void clone_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	base_setup(_metadata, c);
	ASSERT_EQ(0, range_ioctl(c->fd, VMARENA_IOC_PIN, 0, PAGE));
}

static int clone_run(struct ctx *c)
{
	struct vmarena_clone cl = { .flags = VMARENA_CLONE_CLOEXEC };
	int ret = ioctl_armed(c->fd, VMARENA_IOC_CLONE, &cl);

	if (!ret)
		c->fd2 = cl.fd;
	return ret;
}

static void clone_check(struct __test_metadata *_metadata, struct ctx *c,
			int out)
{
	if (out) {
		EXPECT_EQ(0, global_stat(c->fd, VMARENA_STAT_PAGES_SHARED));
		EXPECT_EQ(1, space_stat(c->fd, VMARENA_SPACE_STAT_PINNED));
		EXPECT_EQ(0, bad_pages(c->p, 0, NPAGES, 1));
		c->fd2 = clone_space(c->fd);
		ASSERT_LE(0, c->fd2) TH_LOG("retry");
	}
	EXPECT_EQ(0, bad_pread(c->fd2, 0, NPAGES, 1));
	/* A write in the parent stays there. */
	fill(c->p, 3, 2);
	EXPECT_EQ(0, bad_pread(c->fd2, 3, 1, 1));
	EXPECT_TRUE(intact(c->p, 3, 2));
}

/* CHECKPOINT of a space with a pinned page (copied at once). */
static int checkpoint_run(struct ctx *c)
{
	struct vmarena_ckpt ck = { 0 };
	int ret = ioctl_armed(c->fd, VMARENA_IOC_CHECKPOINT, &ck);

	if (!ret)
		c->gen = ck.generation;
	return ret;
}

static void checkpoint_check(struct __test_metadata *_metadata, struct ctx *c,
			     int out)
{
	if (out) {
		EXPECT_EQ(0, space_stat(c->fd, VMARENA_SPACE_STAT_CHECKPOINTS));
		EXPECT_EQ(0, global_stat(c->fd, VMARENA_STAT_PAGES_SHARED));
		EXPECT_EQ(0, bad_pages(c->p, 0, NPAGES, 1));
		c->gen = checkpoint(c->fd);
		ASSERT_NE(0, c->gen) TH_LOG("retry");
	}
	EXPECT_EQ(1, space_stat(c->fd, VMARENA_SPACE_STAT_CHECKPOINTS));
	fill(c->p, 0, 2);
	fill(c->p, 5, 2);
	ASSERT_EQ(0, range_ioctl(c->fd, VMARENA_IOC_UNPIN, 0, PAGE));
	ASSERT_EQ(0, restore(c->fd, c->gen));
	EXPECT_EQ(0, bad_pages(c->p, 0, NPAGES, 1)) TH_LOG("generation wrong");
}

/* RESTORE of a generation the space has written over since. */
static void restore_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	__u64 i;

	base_setup(_metadata, c);
	c->gen = checkpoint(c->fd);
	ASSERT_NE(0, c->gen);
	for (i = 0; i < NPAGES / 2; i++)
		fill(c->p, i, 2);
}

static int restore_run(struct ctx *c)
{
	struct vmarena_ckpt ck = { .generation = c->gen };

	return ioctl_armed(c->fd, VMARENA_IOC_RESTORE, &ck);
}

static void restore_check(struct __test_metadata *_metadata, struct ctx *c,
			  int out)
{
	if (out) {
		EXPECT_EQ(0, space_stat(c->fd, VMARENA_SPACE_STAT_RESTORES));
		EXPECT_EQ(0, bad_pages(c->p, 0, NPAGES / 2, 2)) TH_LOG("changed");
		EXPECT_EQ(0, bad_pages(c->p, NPAGES / 2, NPAGES / 2, 1));
		ASSERT_EQ(0, restore(c->fd, c->gen)) TH_LOG("retry");
	}
	EXPECT_EQ(0, bad_pages(c->p, 0, NPAGES, 1));
}

/* EXPORT of a generation whose pages are partly swapped. */
static void export_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	__u64 i;

	need_swap(_metadata);
	base_setup(_metadata, c);
	c->gen = checkpoint(c->fd);
	ASSERT_NE(0, c->gen);
	for (i = 0; i < NPAGES / 2; i++)
		fill(c->p, i, 2);
	evict_to(_metadata, c->fd, 1);
	c->mfd = memfd_create("stream", MFD_CLOEXEC);
	ASSERT_LE(0, c->mfd);
}

static int export_run(struct ctx *c)
{
	struct vmarena_export e = { .fd = c->mfd, .generation = c->gen };

	return ioctl_armed(c->fd, VMARENA_IOC_EXPORT, &e);
}

static int plain_export(struct ctx *c)
{
	struct vmarena_export e = { .fd = c->mfd, .generation = c->gen };

	if (ftruncate(c->mfd, 0) || lseek(c->mfd, 0, SEEK_SET))
		return errno;
	return ioctl(c->fd, VMARENA_IOC_EXPORT, &e) ? errno : 0;
}

static void export_check(struct __test_metadata *_metadata, struct ctx *c,
			 int out)
{
	struct vmarena_import im = { .fd = c->mfd };
	int dst;

	if (out)
		ASSERT_EQ(0, plain_export(c)) TH_LOG("retry");
	/* The stream carries the generation: import it and compare. */
	ASSERT_EQ(0, lseek(c->mfd, 0, SEEK_SET));
	dst = open_space(_metadata);
	EXPECT_EQ(0, ioctl(dst, VMARENA_IOC_IMPORT, &im));
	EXPECT_EQ(0, bad_pread(dst, 0, NPAGES, 1));
	close(dst);
	EXPECT_EQ(0, bad_pages(c->p, 0, NPAGES / 2, 2));
	EXPECT_EQ(0, bad_pages(c->p, NPAGES / 2, NPAGES / 2, 1));
}

/* IMPORT of a full stream into an empty space. */
static void import_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	struct vmarena_export e = { 0 };

	base_setup(_metadata, c);
	c->mfd = memfd_create("stream", MFD_CLOEXEC);
	ASSERT_LE(0, c->mfd);
	e.fd = c->mfd;
	e.generation = checkpoint(c->fd);
	ASSERT_NE(0, e.generation);
	ASSERT_EQ(0, ioctl(c->fd, VMARENA_IOC_EXPORT, &e));
	/* The source goes: the destination is the only space. */
	munmap(c->p, MAP_PAGES * PAGE);
	close(c->fd);
	c->p = NULL;
	c->fd = open_space(_metadata);
}

static int import_run(struct ctx *c)
{
	struct vmarena_import im = { .fd = c->mfd };

	if (lseek(c->mfd, 0, SEEK_SET))
		return errno;
	return ioctl_armed(c->fd, VMARENA_IOC_IMPORT, &im);
}

static void import_check(struct __test_metadata *_metadata, struct ctx *c,
			 int out)
{
	struct vmarena_import im = { .fd = c->mfd };

	if (out) {
		EXPECT_EQ(0, space_stat(c->fd, VMARENA_SPACE_STAT_PAGES));
		EXPECT_EQ(0, space_stat(c->fd, VMARENA_SPACE_STAT_PT_FRAMES));
		EXPECT_EQ(0, space_stat(c->fd, VMARENA_SPACE_STAT_RESIDENT));
		ASSERT_EQ(0, lseek(c->mfd, 0, SEEK_SET));
		ASSERT_EQ(0, ioctl(c->fd, VMARENA_IOC_IMPORT, &im)) TH_LOG("retry");
	}
	EXPECT_EQ(NPAGES, space_stat(c->fd, VMARENA_SPACE_STAT_PAGES));
	EXPECT_EQ(0, bad_pread(c->fd, 0, NPAGES, 1));
}

/* PIN of resident, swapped and missing pages. */
static void pin_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	long long pg;

	need_swap(_metadata);
	base_setup(_metadata, c);
	evict_to(_metadata, c->fd, NPAGES / 2);
	pg = first_swapped(c->fd, NPAGES);
	ASSERT_LE(0, pg);
	c->page = pg;
}

static int pin_run(struct ctx *c)
{
	struct vmarena_range r = { .offset = 0, .length = 12 * PAGE };

	return ioctl_armed(c->fd, VMARENA_IOC_PIN, &r);
}

static void pin_check(struct __test_metadata *_metadata, struct ctx *c,
		      int out)
{
	bool lost = out && c->site->kind == SITE_SWAP_READ;
	__u64 i;

	if (out) {
		EXPECT_EQ(0, space_stat(c->fd, VMARENA_SPACE_STAT_PINNED))
			TH_LOG("a failed PIN left pins");
		EXPECT_EQ(0, global_stat(c->fd, VMARENA_STAT_PINNED));
		if (lost)
			check_lost(_metadata, c);
		ASSERT_EQ(0, range_ioctl(c->fd, VMARENA_IOC_PIN, 0, 12 * PAGE))
			TH_LOG("retry");
	}
	EXPECT_EQ(12, space_stat(c->fd, VMARENA_SPACE_STAT_PINNED));
	EXPECT_EQ(0, space_stat(c->fd, VMARENA_SPACE_STAT_SWAPPED));
	for (i = 0; i < NPAGES; i++)
		EXPECT_TRUE(intact(c->p, i, lost && i == c->page ? 0 : 1))
			TH_LOG("page %llu", (unsigned long long)i);
	EXPECT_EQ(0, bad_pages(c->p, NPAGES, 12 - NPAGES, 0));
}

/* open() of /dev/vmarena with no other space alive (caches empty). */
static int open_run(struct ctx *c)
{
	int err;

	if (access_site)
		arm(access_site, access_k);
	c->fd = open("/dev/vmarena", O_RDWR | O_CLOEXEC);
	err = errno;
	disarm();
	return c->fd < 0 ? err : 0;
}

static void open_check(struct __test_metadata *_metadata, struct ctx *c,
		       int out)
{
	if (out)
		c->fd = open_space(_metadata);
	ASSERT_LE(0, c->fd);
	c->p = map(c->fd, MAP_PAGES, 0);
	ASSERT_NE(NULL, c->p);
	fill(c->p, 1, 1);
	EXPECT_EQ(0, bad_pread(c->fd, 1, 1, 1));
}

static const struct op ops[] = {
	{ .name = "open", .run = open_run, .check = open_check,
	  .slab_enomem = { "space", "family" } },
	{ .name = "first_touch", .fault = true, .setup = first_touch_setup,
	  .run = write_page_run, .check = first_touch_check },
	{ .name = "cow_clone", .fault = true, .setup = cow_clone_setup,
	  .run = write_page_run, .check = cow_clone_check },
	{ .name = "cow_ckpt", .fault = true, .setup = cow_ckpt_setup,
	  .run = write_page_run, .check = cow_ckpt_check },
	{ .name = "swap_in", .fault = true, .setup = swap_in_setup,
	  .run = swap_in_run, .check = swap_in_check, .swap_read = OUT_SIGBUS },
	{ .name = "swap_out", .fault = true, .setup = swap_out_setup,
	  .run = write_page_run, .check = swap_out_check, .swap_write = true },
	{ .name = "clone", .setup = clone_setup, .run = clone_run,
	  .check = clone_check, .slab_enomem = { "space" } },
	{ .name = "checkpoint", .setup = clone_setup, .run = checkpoint_run,
	  .check = checkpoint_check, .slab_enomem = { "checkpoint" } },
	{ .name = "restore", .setup = restore_setup, .run = restore_run,
	  .check = restore_check },
	{ .name = "export", .setup = export_setup, .run = export_run,
	  .check = export_check, .swap_read = EIO },
	{ .name = "import", .setup = import_setup, .run = import_run,
	  .check = import_check },
	{ .name = "pin", .setup = pin_setup, .run = pin_run, .check = pin_check,
	  .swap_read = EIO },
	{ .name = "pt_growth", .fault = true, .setup = pt_growth_setup,
	  .run = pt_growth_run, .check = pt_growth_check },
	{ .name = "set_limit", .setup = set_limit_setup, .run = set_limit_run,
	  .check = set_limit_check, .swap_write = true },
};

/* ---- the matrix ---- */

static struct site sites[4 + MAX_CACHES];
static int nr_sites;

static void add_site(enum site_kind kind, const char *name, const char *cache)
{
	struct site *s = &sites[nr_sites++];

	s->kind = kind;
	snprintf(s->name, sizeof(s->name), "%.39s", name);
	snprintf(s->cache, sizeof(s->cache), "%.23s", cache ? cache : "");
}

static void find_sites(void)
{
	struct dirent *d;
	char name[40];
	DIR *dir;

	if (nr_sites)
		return;
	add_site(SITE_FRAMES, "frames", NULL);
	dir = opendir(VMARENA_DBG "slab");
	while (dir && (d = readdir(dir)) && nr_sites < 1 + MAX_CACHES) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "slab:%.30s", d->d_name);
		add_site(SITE_SLAB, name, d->d_name);
	}
	if (dir)
		closedir(dir);
	add_site(SITE_SWAP_READ, "swap_read", NULL);
	add_site(SITE_SWAP_WRITE, "swap_write", NULL);
}

static bool slab_enomem(const struct op *op, const struct site *s)
{
	int i;

	for (i = 0; i < 2; i++)
		if (op->slab_enomem[i] && !strcmp(op->slab_enomem[i], s->cache))
			return true;
	return false;
}

/* Whether @out is what abi.rst documents for @op failed at @s. */
static bool documented(const struct op *op, const struct site *s, int out)
{
	int fail = op->fault ? OUT_SIGBUS : ENOMEM;

	if (!out)
		return true;	/* success: checked by the caller's counts */
	switch (s->kind) {
	case SITE_FRAMES:
	case SITE_KERNEL:
		return out == fail;
	case SITE_SLAB:
		return slab_enomem(op, s) && out == ENOMEM;
	case SITE_SWAP_READ:
		return out == op->swap_read;
	case SITE_SWAP_WRITE:
		/*
		 * SET_LIMIT retries a failed write and says -ENOMEM when
		 * the pages stay; a fault at the cap gets SIGBUS when no
		 * page could be evicted.
		 */
		return op->swap_write && out == fail;
	}
	return false;
}

/* Nothing held once every space is closed: as before the cell. */
struct snapshot {
	long long free, deferred;
};

static void take_snapshot(struct snapshot *sn)
{
	sn->free = stat_dbg("free_frames");
	sn->deferred = stat_dbg("deferred_frees");
}

/*
 * Waits up to 30 s for the spaces to go (the page-out daemon may hold one
 * for its round), then up to 2 s for the frames to come back (a space
 * counts as destroyed just before its slab object and the caches' empty
 * slabs are given back).
 */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static bool all_back(long long free0)
{
	struct timespec ts = { 0, 1000 * 1000 };
	long long created = stat_dbg("spaces_created"), end = now_ms() + 30000;

	while (stat_dbg("spaces_destroyed") < created && now_ms() < end)
		nanosleep(&ts, NULL);
	end = now_ms() + 2000;
	while (stat_dbg("free_frames") != free0) {
		if (now_ms() >= end)
			return false;
		nanosleep(&ts, NULL);
	}
	return true;
}

static void teardown(struct ctx *c)
{
	if (c->far && c->far != MAP_FAILED)
		munmap(c->far, PAGE);
	if (c->p)
		munmap(c->p, MAP_PAGES * PAGE);
	if (c->fd2 >= 0)
		close(c->fd2);
	if (c->mfd >= 0)
		close(c->mfd);
	if (c->fd >= 0)
		close(c->fd);
}

static void expect_nothing_held(struct __test_metadata *_metadata,
				const char *what, long long free0,
				long long deferred0)
{
	EXPECT_TRUE(all_back(free0))
		TH_LOG("%s: %lld frames not back (spaces %lld of %lld gone, %lld deferred frees)",
		       what, free0 - stat_dbg("free_frames"),
		       stat_dbg("spaces_destroyed"), stat_dbg("spaces_created"),
		       stat_dbg("deferred_frees") - deferred0);
	EXPECT_EQ(0, debugfs_value("swap", "used")) TH_LOG("%s: swap slots", what);
	EXPECT_EQ(0, stat_dbg("pages_shared")) TH_LOG("%s: shared pages", what);
	EXPECT_EQ(0, stat_dbg("pinned")) TH_LOG("%s: pins", what);
	EXPECT_EQ(0, stat_dbg("resident")) TH_LOG("%s: resident", what);
	EXPECT_EQ(0, stat_dbg("pt_frames")) TH_LOG("%s: page-table frames", what);
}

static void count(struct cell *cl, int k, int out, bool ok)
{
	int i;

	if (!cl->tried++)
		cl->kfirst = k;
	cl->klast = k;
	cl->unexpected += !ok;
	if (!out) {
		cl->success++;
		return;
	}
	if (out == OUT_SIGBUS) {
		cl->sigbus++;
		return;
	}
	for (i = 0; i < MAX_ERRNOS; i++) {
		if (!cl->nerr[i] || cl->err[i] == out) {
			cl->err[i] = out;
			cl->nerr[i]++;
			return;
		}
	}
}

static void print_cell(const struct cell *cl)
{
	char errs[128] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < MAX_ERRNOS && cl->nerr[i]; i++)
		len += snprintf(errs + len, sizeof(errs) - len, "%s %d, ",
				strerrorname_np(cl->err[i]) ?: "E?", cl->nerr[i]);
	if (!len)
		snprintf(errs, sizeof(errs), "errno 0, ");
	printf("# matrix %-11s %-16s K=%d..%d (%d): %sSIGBUS %d, success %d; %ld ms%s\n",
	       cl->op, cl->site, cl->kfirst, cl->klast, cl->tried, errs,
	       cl->sigbus, cl->success, cl->ms,
	       cl->unexpected ? " <-- UNDOCUMENTED OUTCOME" :
	       cl->bad ? " <-- CHECK FAILED" : "");
	fflush(stdout);
}

static struct cell *new_cell(const struct op *op, const struct site *s)
{
	struct cell *cl = &results->cells[results->n < MAX_CELLS - 1 ?
					  results->n++ : MAX_CELLS - 1];

	memset(cl, 0, sizeof(*cl));
	snprintf(cl->op, sizeof(cl->op), "%s", op->name);
	snprintf(cl->site, sizeof(cl->site), "%s", s->name);
	return cl;
}

/*
 * One trial: set up, run with @s armed at @k, check, close, and check that
 * nothing is held.  Returns the outcome; *@hit says whether the site was
 * actually failed.
 */
static int trial(struct __test_metadata *_metadata, const struct op *op,
		 const struct site *s, int k, bool *hit)
{
	struct ctx c = { .fd = -1, .fd2 = -1, .mfd = -1 };
	struct snapshot sn;
	char what[96];
	long long inj;
	int out, was_passing = _metadata->passed;

	snprintf(what, sizeof(what), "%s x %s K=%d", op->name, s->name, k);
	take_snapshot(&sn);
	c.site = s;
	if (op->setup)
		op->setup(_metadata, &c);
	inj = injected_count(s);
	access_site = s;
	access_k = k;
	kernel_left = 0;
	out = op->run(&c);
	access_site = NULL;
	if (s->kind == SITE_KERNEL)
		*hit = kernel_left == 0;
	else
		*hit = injected_count(s) != inj;
	EXPECT_TRUE(documented(op, s, out))
		TH_LOG("%s: outcome %d (%s)", what, out,
		       out > 0 ? strerror(out) : out ? "SIGBUS" : "success");
	op->check(_metadata, &c, out);
	teardown(&c);
	expect_nothing_held(_metadata, what, sn.free, sn.deferred);
	if (was_passing && !_metadata->passed)
		TH_LOG("^ in %s", what);
	return out;
}

/* Every K of a site, until the operation succeeds with nothing failed. */
static void run_cell(struct __test_metadata *_metadata, const struct op *op,
		     const struct site *s)
{
	struct cell *cl = new_cell(op, s);
	int k, out, maxk, was_passing = _metadata->passed;
	long long t0 = now_ms();
	bool hit = false;

	/* Each cell's verdict of its own: passed again, then ANDed back. */
	_metadata->passed = 1;

	switch (s->kind) {
	case SITE_FRAMES:
	case SITE_KERNEL:
		maxk = s->kind == SITE_FRAMES ? MAX_K_FRAMES : MAX_K_KERNEL;
		for (k = s->kind == SITE_KERNEL; k <= maxk; k++) {
			out = trial(_metadata, op, s, k, &hit);
			count(cl, k, out, documented(op, s, out));
			if (!out && !hit)
				break;
		}
		EXPECT_FALSE(!!out || hit)
			TH_LOG("%s x %s: never got through", op->name, s->name);
		break;
	case SITE_SLAB:
		out = trial(_metadata, op, s, 0, &hit);
		count(cl, 0, out, documented(op, s, out));
		/* A cache the operation takes from must fail it. */
		EXPECT_EQ(slab_enomem(op, s), !!out)
			TH_LOG("%s x %s", op->name, s->name);
		break;
	case SITE_SWAP_READ:
	case SITE_SWAP_WRITE:
		/* One failed bio, then every bio. */
		for (k = 1; k <= 64; k *= 64) {
			out = trial(_metadata, op, s, k, &hit);
			count(cl, k, out, documented(op, s, out));
		}
		break;
	}
	cl->ms = now_ms() - t0;
	cl->bad = !_metadata->passed;
	_metadata->passed &= was_passing;
	print_cell(cl);
}

static void run_op(struct __test_metadata *_metadata, const char *name)
{
	const struct op *op = NULL;
	size_t i;
	int j;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(ops[i].name, name))
			op = &ops[i];
	ASSERT_NE(NULL, op);
	if (access("/dev/vmarena", F_OK))
		SKIP(return, "/dev/vmarena missing: is the module loaded?");
	if (access(VMARENA_DBG "fail_frames_skip", F_OK))
		SKIP(return, "no debugfs fault injection (fail_frames_skip)");
	find_sites();
	for (j = 0; j < nr_sites; j++)
		run_cell(_metadata, op, &sites[j]);
}

/* Taken before any test: the arena with no space of this program. */
static void __attribute__((constructor)) matrix_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	results = mmap(NULL, sizeof(*results), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (results == MAP_FAILED) {
		perror("mmap");
		exit(KSFT_FAIL);
	}
	results->free0 = stat_dbg("free_frames");
}

/* Each cell checks itself; the fixture only gives the tests time. */
FIXTURE(matrix) {
};

FIXTURE_SETUP(matrix)
{
}

FIXTURE_TEARDOWN(matrix)
{
}

TEST_F_TIMEOUT(matrix, open_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "open");
}

TEST_F_TIMEOUT(matrix, first_touch_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "first_touch");
}

TEST_F_TIMEOUT(matrix, cow_break_of_a_clone_page_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "cow_clone");
}

TEST_F_TIMEOUT(matrix, cow_break_of_a_checkpoint_page_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "cow_ckpt");
}

TEST_F_TIMEOUT(matrix, swap_in_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "swap_in");
}

TEST_F_TIMEOUT(matrix, swap_out_at_the_cap_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "swap_out");
}

TEST_F_TIMEOUT(matrix, clone_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "clone");
}

TEST_F_TIMEOUT(matrix, checkpoint_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "checkpoint");
}

TEST_F_TIMEOUT(matrix, restore_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "restore");
}

TEST_F_TIMEOUT(matrix, export_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "export");
}

TEST_F_TIMEOUT(matrix, import_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "import");
}

TEST_F_TIMEOUT(matrix, pin_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "pin");
}

TEST_F_TIMEOUT(matrix, page_table_growth_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "pt_growth");
}

TEST_F_TIMEOUT(matrix, set_limit_fails_cleanly_at_each_site, 600)
{
	run_op(_metadata, "set_limit");
}

/* ---- the kernel's own fault injection (debug kernel only) ---- */

static bool fault_knob(const char *attr, const char *file, const char *v)
{
	char path[128];

	snprintf(path, sizeof(path), FAULT_DBG "%s/%s", attr, file);
	return write_str(path, v) == 0;
}

/*
 * failslab and fail_page_alloc for this task only: task-filter=Y with
 * make-it-fail=0 keeps the probability path off for every task, and
 * /proc/thread-self/fail-nth (the kernel's own "fail the N-th call")
 * names the K-th allocation; module allocations must qualify
 * (min-order=0, ignore-gfp-wait=N, ignore-gfp-highmem=N).
 */
static bool kernel_injection_setup(void)
{
	static const char * const attrs[] = { "failslab", "fail_page_alloc" };
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		ok &= fault_knob(attrs[i], "task-filter", "Y");
		ok &= fault_knob(attrs[i], "probability", "100");
		ok &= fault_knob(attrs[i], "interval", "1");
		ok &= fault_knob(attrs[i], "times", "1");
		ok &= fault_knob(attrs[i], "space", "0");
		ok &= fault_knob(attrs[i], "verbose", "0");
		ok &= fault_knob(attrs[i], "ignore-gfp-wait", "N");
	}
	ok &= fault_knob("failslab", "cache-filter", "N");
	ok &= fault_knob("fail_page_alloc", "ignore-gfp-highmem", "N");
	ok &= fault_knob("fail_page_alloc", "min-order", "0");
	ok &= write_str("/proc/self/make-it-fail", "0") == 0;
	return ok;
}

TEST_F_TIMEOUT(matrix, kernel_allocations_of_each_operation_fail_cleanly, 3600)
{
	struct site k = { .kind = SITE_KERNEL, .name = "kernel-alloc" };
	struct utsname u;
	size_t i;

	uname(&u);
	if (access(FAULT_DBG "fail_page_alloc", F_OK) ||
	    access(FAULT_DBG "failslab", F_OK) ||
	    access("/proc/thread-self/fail-nth", F_OK))
		SKIP(return, "kernel %s has no failslab/fail_page_alloc/fail-nth",
		     u.release);
	if (access("/dev/vmarena", F_OK))
		SKIP(return, "/dev/vmarena missing: is the module loaded?");
	ASSERT_TRUE(kernel_injection_setup());
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		run_cell(_metadata, &ops[i], &k);
}

/* Last: the whole matrix, and the arena as the program found it. */
TEST_F(matrix, the_matrix_and_no_frame_leaked)
{
	int i;

	for (i = 0; i < results->n; i++)
		print_cell(&results->cells[i]);
	EXPECT_TRUE(all_back(results->free0))
		TH_LOG("%lld frames missing since the start",
		       results->free0 - stat_dbg("free_frames"));
}

TEST_HARNESS_MAIN
