// SPDX-License-Identifier: GPL-2.0
/*
 * paging_test_regress_test.c - regression tests for bugs found from
 * outside that need swap, each named for the property it checks: a
 * checkpoint of pinned pages under arena pressure keeps their data, CLONE
 * racing swap-in faults keeps every read exact (and the kernel up), and
 * with swap full a fault drops a clean page rather than give SIGBUS.
 *
 * Runs in the VM, as root, in the paging load of run_vmarena.sh (its name
 * starts with paging_): a small arena (arena_mb=1) and the runner's
 * spare disk ($VMARENA_SWAP_DEV) as swap.  Sizes adapt to the arena found.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/loop.h>
#include <linux/vmarena.h>

#include "kselftest_harness.h"
#include "space_util.h"
#include "cow_util.h"
#include "version_util.h"
#include "kmsg_util.h"
#include "vm_util.h"
#include "paging_util.h"

/* Pages a test space pins and checkpoints. */
#define NPIN 64

static __u64 arena_frames(int fd)
{
	return global_stat(fd, VMARENA_STAT_ARENA_FRAMES);
}

static __u64 free_frames(int fd)
{
	struct vmarena_info info = { 0 };

	if (ioctl(fd, VMARENA_IOC_INFO, &info))
		return 0;
	return info.free_frames;
}

/* Pages of [0, @n) not holding version @v. */
static int bad_pages(const char *p, int n, __u64 v)
{
	int i, bad = 0;

	for (i = 0; i < n; i++)
		bad += !intact(p, i, v);
	return bad;
}

/* fill() of a page that may get SIGBUS on the way; false if it did. */
static bool fill_survives_sigbus(char *p, __u64 page, __u64 v)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	volatile bool ok = true;

	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(sigbus_jmp, 1))
		ok = false;
	else
		fill(p, page, v);
	signal(SIGBUS, SIG_DFL);
	return ok;
}

/* intact() of a page that may get SIGBUS on the way: 1, 0 or -1 (SIGBUS). */
static int check_survives_sigbus(const char *p, __u64 page, __u64 v)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	volatile int ret;

	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(sigbus_jmp, 1))
		ret = -1;
	else
		ret = intact(p, page, v);
	signal(SIGBUS, SIG_DFL);
	return ret;
}

/*
 * Writes version @v into pages of the filler's mapping @q from *@next on,
 * until the arena has at most @target frames free (or @max pages are
 * written, or a page gets SIGBUS).
 */
static void fill_arena_to(int fd, char *q, __u64 max, __u64 *next,
			  __u64 target, __u64 v)
{
	__u64 f, n, i;

	while (*next < max) {
		f = free_frames(fd);
		if (f <= target)
			break;
		/* Page-table nodes take frames too: approach by halves. */
		n = (f - target + 1) / 2;
		for (i = 0; i < n && *next < max; i++, (*next)++)
			if (!fill_survives_sigbus(q, *next, v))
				return;
	}
}

/*
 * A CHECKPOINT of pinned pages (it copies them at once) while another
 * space has taken the arena to within a few dozen free frames: after the
 * live space drops those pages and the other space takes frames again, the
 * generation still holds the original bytes, never the other space's (or
 * the CHECKPOINT failed with -ENOMEM/-EDQUOT, changing nothing).
 */
FIXTURE(pressure) {
};

FIXTURE_VARIANT(pressure) {
	__u64 free_target;
};

FIXTURE_VARIANT_ADD(pressure, free_32) {
	.free_target = 32,
};

FIXTURE_VARIANT_ADD(pressure, free_56) {
	.free_target = 56,
};

FIXTURE_SETUP(pressure)
{
	need_swap(_metadata);
}

FIXTURE_TEARDOWN(pressure)
{
}

TEST_F(pressure, a_checkpoint_of_pinned_pages_with_the_arena_nearly_full_keeps_their_data)
{
	__u64 gen = 0, pages = 0, max, next = 0;
	int fd, other, ret, i, kmsg = kmsg_open();
	char *p, *q;

	fd = open_space(_metadata);
	p = map(fd, NPIN, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < NPIN; i++)
		fill(p, i, 1);
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, 0, NPIN * PAGE));
	other = open_space(_metadata);
	max = 2 * arena_frames(other);
	ASSERT_EQ(0, set_limit(other, max, 0));
	q = map(other, max, 0);
	ASSERT_NE(NULL, q);
	fill_arena_to(other, q, max, &next, variant->free_target, 0xb0);
	TH_LOG("the other space wrote %llu pages, %llu frames free",
	       (unsigned long long)next, (unsigned long long)free_frames(other));

	ret = ckpt_call(fd, VMARENA_IOC_CHECKPOINT, &gen, &pages);
	if (ret) {
		EXPECT_TRUE(ret == -ENOMEM || ret == -EDQUOT)
			TH_LOG("CHECKPOINT failed with %s", strerror(-ret));
		EXPECT_EQ(0, ckpt_count(fd));
		EXPECT_EQ(0, bad_pages(p, NPIN, 1));
	} else {
		EXPECT_EQ(NPIN, pages);
		ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_UNPIN, 0, NPIN * PAGE));
		ASSERT_EQ(0, discard(fd, 0, NPIN * PAGE));
		/* The other space takes what the live pages had. */
		fill_arena_to(other, q, max, &next, variant->free_target, 0xb1);
		ASSERT_EQ(0, restore(fd, gen)) TH_LOG("RESTORE: %s", strerror(errno));
		EXPECT_EQ(0, bad_pages(p, NPIN, 1))
			TH_LOG("pages restored from the generation not as they were checkpointed");
	}
	munmap(q, max * PAGE);
	close(other);
	munmap(p, NPIN * PAGE);
	close(fd);
	EXPECT_EQ(0, kmsg_warnings(_metadata, kmsg)) TH_LOG("the kernel logged warnings");
}

static __u64 rnd(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Seconds the clone race runs. */
#define RACE_SECONDS	15
#define RACE_READERS	4
#define RACE_CLONERS	1

struct race {
	char *p;
	int fd;
	__u64 n;
	int stop;
	long reads, bad, clones, clone_enomem, clone_errors;
	int clone_errno;
};

struct reader {
	struct race *race;
	__u64 seed;
};

/* Reads random pages (most of them swapped out) and checks each. */
static void *race_reader(void *arg)
{
	struct reader *r = arg;
	struct race *race = r->race;
	__u64 pg;

	while (!__atomic_load_n(&race->stop, __ATOMIC_RELAXED)) {
		pg = rnd(&r->seed) % race->n;
		if (!intact(race->p, pg, 1))
			__atomic_add_fetch(&race->bad, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&race->reads, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * CLONE and close, over and over.  A clone needs page-table nodes from an
 * arena kept full: -ENOMEM is allowed, no other error.
 */
static void *race_cloner(void *arg)
{
	struct race *race = arg;
	int c;

	while (!__atomic_load_n(&race->stop, __ATOMIC_RELAXED)) {
		c = clone_space(race->fd);
		if (c == -ENOMEM) {
			__atomic_add_fetch(&race->clone_enomem, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (c < 0) {
			__atomic_add_fetch(&race->clone_errors, 1, __ATOMIC_RELAXED);
			__atomic_store_n(&race->clone_errno, -c, __ATOMIC_RELAXED);
			continue;
		}
		close(c);
		__atomic_add_fetch(&race->clones, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A swap-in fault updates every entry of the family that holds the slot,
 * clones included: a clone being made must not be visible to it before it
 * is built (a NULL dereference in vmarena_pt_lookup() from
 * vmarena_share_each() <- space_swap_in_start(), once).
 */
/*
 * GET_DIRTY with REARM shares each changed page into the generation's
 * table, which may lack the nodes on that page's path (here three: the
 * page was first written after the generation, far from its pages).  With
 * the arena empty but for pages that can be evicted (the watermarks at
 * their lowest keep at most 2 frames free, fewer than the 3 nodes), the
 * re-arm reclaims for them, as a fault does, and succeeds; it used to fail
 * with -ENOMEM (seen in paging_stress_test).
 */
TEST(a_rearm_needing_page_table_nodes_reclaims_for_them)
{
	const __u64 far = 1ULL << 27;	/* its own path below the root */
	char buf[PAGE], got[PAGE];
	__u64 bitmap = 0, max, next = 0;
	struct vmarena_dirty d = { .generation = 1, .offset = far * PAGE,
				   .pages = 1, .bitmap = (uintptr_t)&bitmap,
				   .flags = VMARENA_DIRTY_REARM };
	struct knobs k;
	int fd, other;
	char *q;

	need_swap(_metadata);
	knobs_save(&k);
	ASSERT_EQ(0, set_watermarks(1, 2));
	fd = open_space(_metadata);
	memset(buf, 0x11, PAGE);
	ASSERT_EQ(PAGE, pwrite(fd, buf, PAGE, 0));
	ASSERT_EQ(1, checkpoint(fd));
	memset(buf, 0x22, PAGE);
	ASSERT_EQ(PAGE, pwrite(fd, buf, PAGE, far * PAGE));
	other = open_space(_metadata);
	max = arena_frames(other);
	ASSERT_EQ(0, set_limit(other, max, 0));
	q = map(other, max, 0);
	ASSERT_NE(NULL, q);
	fill_arena_to(other, q, max, &next, 0, 0xc0);
	TH_LOG("the other space wrote %llu pages, %llu frames free",
	       (unsigned long long)next, (unsigned long long)free_frames(other));
	EXPECT_EQ(0, ioctl(fd, VMARENA_IOC_GET_DIRTY, &d))
		TH_LOG("GET_DIRTY REARM: %s", strerror(errno));
	EXPECT_EQ(1, d.dirty);
	/* The generation holds the page now: a RESTORE keeps it. */
	memset(buf, 0x33, PAGE);
	ASSERT_EQ(PAGE, pwrite(fd, buf, PAGE, far * PAGE));
	ASSERT_EQ(0, restore(fd, 1));
	ASSERT_EQ(PAGE, pread(fd, got, PAGE, far * PAGE));
	EXPECT_EQ(0x22, got[0]);
	EXPECT_EQ(0x22, got[PAGE - 1]);
	munmap(q, max * PAGE);
	close(other);
	close(fd);
	knobs_restore(&k);
}

TEST(clone_racing_swap_in_faults_keeps_every_read_exact)
{
	struct reader readers[RACE_READERS];
	pthread_t rt[RACE_READERS], ct[RACE_CLONERS];
	struct race race = { 0 };
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	double end;
	__u64 i;
	int kmsg = kmsg_open();

	need_swap(_metadata);
	write_str(SYS "policy", "clock");
	race.fd = open_space(_metadata);
	race.n = 4 * arena_frames(race.fd);
	ASSERT_EQ(0, set_limit(race.fd, race.n, 0));
	race.p = map(race.fd, race.n, 0);
	ASSERT_NE(NULL, race.p);
	for (i = 0; i < race.n; i++)
		fill(race.p, i, 1);
	ASSERT_LT(race.n / 2, space_stat(race.fd, VMARENA_SPACE_STAT_SWAPPED));
	for (i = 0; i < RACE_READERS; i++) {
		readers[i].race = &race;
		readers[i].seed = 88172645463325252ULL + i * 7919;
		ASSERT_EQ(0, pthread_create(&rt[i], NULL, race_reader, &readers[i]));
	}
	for (i = 0; i < RACE_CLONERS; i++)
		ASSERT_EQ(0, pthread_create(&ct[i], NULL, race_cloner, &race));
	/* A bounded run: the threads work until the deadline. */
	end = now() + RACE_SECONDS;
	while (now() < end)
		nanosleep(&tick, NULL);
	__atomic_store_n(&race.stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < RACE_READERS; i++)
		pthread_join(rt[i], NULL);
	for (i = 0; i < RACE_CLONERS; i++)
		pthread_join(ct[i], NULL);
	TH_LOG("%ld reads, %ld clones, %ld refused with ENOMEM", race.reads, race.clones,
	       race.clone_enomem);
	EXPECT_EQ(0, race.bad) TH_LOG("reads that found other bytes");
	EXPECT_EQ(0, race.clone_errors) TH_LOG("CLONE failed: %s", strerror(race.clone_errno));
	EXPECT_LT(0, race.clones);
	EXPECT_LT(0, space_stat(race.fd, VMARENA_SPACE_STAT_SWAP_INS));
	EXPECT_EQ(0, bad_pages(race.p, race.n, 1));
	munmap(race.p, race.n * PAGE);
	close(race.fd);
	EXPECT_EQ(0, kmsg_warnings(_metadata, kmsg)) TH_LOG("the kernel logged warnings");
}

/* A loop device over a file of @slots slots, or -1. */
static int small_disk(char *dev, size_t len, int slots)
{
	int ctl, file, loop, n;

	ctl = open("/dev/loop-control", O_RDWR);
	if (ctl < 0 && system("modprobe loop 2>/dev/null") == 0)
		ctl = open("/dev/loop-control", O_RDWR);
	if (ctl < 0)
		return -1;
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	snprintf(dev, len, "/dev/loop%d", n);
	file = open("/tmp/vmarena-regress.img", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (n < 0 || file < 0 || ftruncate(file, slots * PAGE))
		return -1;
	loop = open(dev, O_RDWR);
	if (loop < 0 || ioctl(loop, LOOP_SET_FD, file))
		return -1;
	close(file);
	unlink("/tmp/vmarena-regress.img");
	return loop;
}

/*
 * With swap full, a fault that needs a frame may evict a clean page whose
 * swap copy is valid (no write needed): SIGBUS is for when nothing can go.
 * A space fills swap and the arena (or its resident cap), drops a few of
 * its newest pages, then reads the rest back, five times over: each page
 * read back from swap is clean and keeps its slot, so one can always go,
 * however many dirty pages come before it in the policy's order.
 */
FIXTURE(swap_full) {
	int loop;
	__u64 frames;
};

FIXTURE_VARIANT(swap_full) {
	const char *policy;
};

FIXTURE_VARIANT_ADD(swap_full, clock) {
	.policy = "clock",
};

FIXTURE_VARIANT_ADD(swap_full, fifo) {
	.policy = "fifo",
};

/* A swap device of as many slots as the arena has frames, the policy. */
FIXTURE_SETUP(swap_full)
{
	char dev[32];
	int fd = open_space(_metadata);

	self->frames = arena_frames(fd);
	close(fd);
	self->loop = small_disk(dev, sizeof(dev), self->frames);
	if (self->loop < 0)
		SKIP(return, "no loop devices in this kernel");
	write_str(SYS "swap_dev", "\n");
	ASSERT_EQ(0, write_str(SYS "swap_dev", dev));
	ASSERT_EQ(0, write_str(SYS "policy", variant->policy));
}

FIXTURE_TEARDOWN(swap_full)
{
	if (self->loop < 0)
		return;
	write_str(SYS "swap_dev", "\n");
	ioctl(self->loop, LOOP_CLR_FD, 0);
	close(self->loop);
	write_str(SYS "policy", "clock");
}

/*
 * A space capped at @max_resident frames (0: none) writes pages until one
 * gets SIGBUS (swap and arena or cap full), drops its newest @drop pages,
 * then reads back the others five times.  Expects no SIGBUS and every
 * page intact; waits for the space to go (the swap device can go then).
 */
static void fill_drop_read_back(struct __test_metadata *_metadata,
				__u64 max_resident, __u64 drop)
{
	__u64 limit, k, i, keep, destroyed, sigbus0;
	int fd, pass, sigbus = 0, bad = 0, r;
	char *p;

	fd = open_space(_metadata);
	destroyed = global_stat(fd, VMARENA_STAT_SPACES_DESTROYED);
	limit = 3 * arena_frames(fd);	/* more than arena and swap hold */
	ASSERT_EQ(0, set_limit(fd, limit, max_resident));
	p = map(fd, limit, 0);
	ASSERT_NE(NULL, p);
	for (k = 0; k < limit; k++)
		if (!fill_survives_sigbus(p, k, 1))
			break;
	ASSERT_LT(k, limit) TH_LOG("swap never filled up");
	ASSERT_LT(2 * drop, k);
	keep = k - drop;
	ASSERT_EQ(0, discard(fd, keep * PAGE, drop * PAGE));
	sigbus0 = space_stat(fd, VMARENA_SPACE_STAT_SIGBUS);
	for (pass = 0; pass < 5; pass++) {
		for (i = 0; i < keep; i++) {
			r = check_survives_sigbus(p, i, 1);
			sigbus += r < 0;
			bad += r == 0;
		}
	}
	TH_LOG("%llu pages written before SIGBUS, %llu read back 5 times",
	       (unsigned long long)k, (unsigned long long)keep);
	EXPECT_EQ(0, sigbus) TH_LOG("reads that got SIGBUS with clean pages to drop");
	EXPECT_EQ(0, bad) TH_LOG("reads that found other bytes");
	EXPECT_EQ(sigbus0, space_stat(fd, VMARENA_SPACE_STAT_SIGBUS));
	munmap(p, limit * PAGE);
	close(fd);
	fd = open_space(_metadata);
	EXPECT_TRUE(wait_spaces_destroyed(fd, destroyed + 1));
	close(fd);
}

/*
 * Arena and swap full: the newest sixteenth of the arena dropped leaves
 * well over a batch of dirty pages that cannot go and a few frames for
 * pages read back.
 */
TEST_F(swap_full, with_swap_and_arena_full_a_fault_drops_a_clean_page_instead_of_sigbus)
{
	fill_drop_read_back(_metadata, 0, self->frames / 16);
}

/* The same at a resident cap of a quarter of the arena, arena not full. */
TEST_F(swap_full, with_swap_full_a_fault_at_the_cap_drops_a_clean_page_instead_of_sigbus)
{
	fill_drop_read_back(_metadata, self->frames / 4, self->frames / 16);
}

/*
 * Found by the fuzzer (selftests/fuzz_repro/cow-cap1-*.calls): a write to
 * a page a checkpoint shares, in a space capped at one resident frame,
 * returns: the page is copied (the cap evicts something else) or the call
 * gets -EDQUOT.  It used to loop for ever in the kernel, evicting the page
 * being copied and reading it back.  PIN of such a page likewise.
 */
TEST(a_write_to_a_shared_page_at_a_cap_of_one_frame_returns)
{
	int fd = open_space(_metadata), ret;
	struct vmarena_range r = { .offset = 0, .length = PAGE };
	static char buf[2 * PAGE];
	char c = 0;
	ssize_t n;

	need_swap(_metadata);
	memset(buf, 0x5a, sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), pwrite(fd, buf, sizeof(buf), 0));
	ASSERT_NE(0, checkpoint(fd));
	set_limit(fd, 0, 1);	/* may fail to evict down to it: set anyway */
	n = pwrite(fd, "b", 1, PAGE + 0x104);
	EXPECT_TRUE(n == 1 || (n == -1 && errno == EDQUOT))
		TH_LOG("pwrite: %zd, %s", n, strerror(errno));
	ret = ioctl(fd, VMARENA_IOC_PIN, &r);
	EXPECT_TRUE(!ret || errno == EDQUOT) TH_LOG("PIN: %s", strerror(errno));
	ASSERT_EQ(1, pread(fd, &c, 1, 0));
	EXPECT_EQ(0x5a, c);
	ASSERT_EQ(1, pread(fd, &c, 1, PAGE + 0x104));
	EXPECT_EQ(n == 1 ? 'b' : 0x5a, c);
	close(fd);
}

TEST_HARNESS_MAIN
