// SPDX-License-Identifier: GPL-2.0
/*
 * paging_test.c - demand paging: eviction and swap-in under every policy,
 * the course's classic results with a resident cap, pinning, I/O errors,
 * swap and arena both full, the policy and watermark controls.
 *
 * Runs in the VM, as root, with the module loaded with a small arena and
 * the runner's spare disk ($VMARENA_SWAP_DEV) as swap device
 * (run_vmarena.sh loads arena_mb=1 swap_dev=... for it).
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/loop.h>
#include <linux/vmarena.h>

#include "kselftest_harness.h"
#include "space_util.h"
#include "cow_util.h"
#include "version_util.h"
#include "vm_util.h"
#include "paging_util.h"

static const char * const policies[] = {
	"fifo", "random", "clock", "lru", "clean-first",
};

static void use_policy(const char *name)
{
	write_str(SYS "policy", name);
}

static __u64 arena_frames(int fd)
{
	return global_stat(fd, VMARENA_STAT_ARENA_FRAMES);
}

/* Pages of [@first, @first + @n) not holding version @v. */
static int bad_pages(const char *p, int first, int n, __u64 v)
{
	int i, bad = 0;

	for (i = first; i < first + n; i++)
		bad += !intact(p, i, v);
	return bad;
}

/* A new space under @policy with @n pages mapped and filled in version @v. */
static char *filled_space(struct __test_metadata *_metadata, const char *policy,
			  int n, __u64 v, int *fd)
{
	char *p;
	int i;

	need_swap(_metadata);
	use_policy(policy);
	*fd = open_space(_metadata);
	p = map(*fd, n, 0);
	if (!p)
		return NULL;
	for (i = 0; i < n; i++)
		fill(p, i, v);
	return p;
}

static __u64 rnd(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

enum pattern { SEQUENTIAL, RANDOM, HOT_COLD };

/* The @i-th page of a pass over @n pages in @pattern. */
static __u64 next_page(enum pattern pat, __u64 i, __u64 n, __u64 *seed)
{
	__u64 hot = n / 5;

	switch (pat) {
	case SEQUENTIAL:
		return i % n;
	case RANDOM:
		return rnd(seed) % n;
	default:	/* 80% of the accesses to 20% of the pages */
		if (rnd(seed) % 10 < 8)
			return rnd(seed) % hot;
		return hot + rnd(seed) % (n - hot);
	}
}

FIXTURE(integrity) {
	__u64 *version;
};

FIXTURE_VARIANT(integrity) {
	enum pattern pattern;
};

FIXTURE_VARIANT_ADD(integrity, sequential) {
	.pattern = SEQUENTIAL,
};

FIXTURE_VARIANT_ADD(integrity, random) {
	.pattern = RANDOM,
};

FIXTURE_VARIANT_ADD(integrity, hot_cold) {
	.pattern = HOT_COLD,
};

FIXTURE_SETUP(integrity)
{
	need_swap(_metadata);
}

FIXTURE_TEARDOWN(integrity)
{
	EXPECT_EQ(0, debugfs_value("swap", "used"));
}

/*
 * Every page written once in order, then 2n writes in the pattern (each a
 * new version of its page), then every page checked in the pattern and in
 * order.  Returns the pages found wrong.
 */
static __u64 write_and_check(char *p, __u64 n, __u64 *version,
			     enum pattern pat)
{
	__u64 i, pg, seed = 88172645463325252ULL, bad = 0;

	for (pg = 0; pg < n; pg++) {
		version[pg] = 1;
		fill(p, pg, 1);
	}
	for (i = 0; i < 2 * n; i++) {
		pg = next_page(pat, i, n, &seed);
		fill(p, pg, ++version[pg]);
	}
	for (i = 0; i < n; i++) {
		pg = next_page(pat, i, n, &seed);
		bad += !intact(p, pg, version[pg]);
	}
	for (pg = 0; pg < n; pg++)
		bad += !intact(p, pg, version[pg]);
	return bad;
}

/* Five spaces of 4n pages each: minutes on the debug kernel. */
TEST_F_TIMEOUT(integrity, a_space_four_times_the_arena_reads_back_intact_under_each_policy,
	       900)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(policies); i++) {
		int fd = open_space(_metadata);
		__u64 n = 4 * arena_frames(fd);
		char *p;

		ASSERT_EQ(0, write_str(SYS "policy", policies[i]));
		ASSERT_EQ(0, set_limit(fd, n, 0));
		p = map(fd, n, 0);
		ASSERT_NE(NULL, p);
		self->version = calloc(n, sizeof(__u64));
		ASSERT_NE(NULL, self->version);
		EXPECT_EQ(0, write_and_check(p, n, self->version,
					     variant->pattern))
			TH_LOG("policy %s", policies[i]);
		EXPECT_LT(0, space_stat(fd, VMARENA_SPACE_STAT_SWAP_OUTS));
		EXPECT_LT(0, space_stat(fd, VMARENA_SPACE_STAT_SWAP_INS));
		EXPECT_LT(0, space_stat(fd, VMARENA_SPACE_STAT_POLICY_SCANS));
		EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_IO_ERRORS));
		free(self->version);
		munmap(p, n * PAGE);
		close(fd);
	}
	use_policy("clock");
}

/* Faults (misses) of a reference string written with @frames resident. */
static __u64 string_faults(struct __test_metadata *_metadata,
			   const char *policy, __u64 frames, const int *refs,
			   int n)
{
	__u64 before, after;
	char *p;
	int fd, i;

	need_swap(_metadata);
	use_policy(policy);
	fd = open_space(_metadata);
	EXPECT_EQ(0, set_limit(fd, 0, frames));
	p = map(fd, 16, 0);
	EXPECT_NE(NULL, p);
	if (!p)
		return 0;
	before = space_stat(fd, VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH) +
		 space_stat(fd, VMARENA_SPACE_STAT_SWAP_INS);
	for (i = 0; i < n; i++)
		p[refs[i] * PAGE] = (char)i;
	after = space_stat(fd, VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH) +
		space_stat(fd, VMARENA_SPACE_STAT_SWAP_INS);
	EXPECT_GE(frames, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	munmap(p, 16 * PAGE);
	close(fd);
	return after - before;
}

TEST(fifo_shows_beladys_anomaly_9_faults_with_3_frames_10_with_4)
{
	static const int s[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };

	EXPECT_EQ(9, string_faults(_metadata, "fifo", 3, s, 12));
	EXPECT_EQ(10, string_faults(_metadata, "fifo", 4, s, 12));
}

static __u64 loop_faults(struct __test_metadata *_metadata, const char *policy)
{
	int refs[9 * 10], i;

	for (i = 0; i < 9 * 10; i++)
		refs[i] = i % 9;
	return string_faults(_metadata, policy, 8, refs, 9 * 10);
}

TEST(a_loop_over_n_plus_1_pages_with_n_frames_faults_every_time_fifo_lru)
{
	EXPECT_EQ(90, loop_faults(_metadata, "fifo"));
	EXPECT_EQ(90, loop_faults(_metadata, "lru"));
}

TEST(the_same_loop_under_random_faults_well_under_every_time)
{
	EXPECT_GT(75, loop_faults(_metadata, "random"));
}

/*
 * The clock's hand clears the accessed bit of each page it passes and
 * zaps its mappings, so that the page's next access faults and sets the
 * bit again: at a cap of 4, a fifth page makes the hand pass pages 0 to 3
 * (all accessed) and come back to evict page 0; then pages 1 and 3 are
 * read through the mapping, and only they are accessed again.
 */
TEST(pages_the_clock_passed_are_noticed_when_read_through_a_mapping)
{
	struct vmarena_pte_info e[5];
	volatile char *p;
	int fd, i;

	need_swap(_metadata);
	use_policy("clock");
	fd = open_space(_metadata);
	ASSERT_EQ(0, set_limit(fd, 0, 4));
	p = map(fd, 5, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < 5; i++)
		p[i * PAGE] = (char)(i + 1);
	ASSERT_EQ(0, translate(fd, 0, 5, e));
	EXPECT_TRUE(e[0].flags & VMARENA_PTE_INFO_SWAPPED);
	for (i = 1; i < 4; i++) {
		EXPECT_TRUE(e[i].flags & VMARENA_PTE_INFO_PRESENT) TH_LOG("page %d", i);
		EXPECT_FALSE(e[i].flags & VMARENA_PTE_INFO_ACCESSED) TH_LOG("page %d", i);
	}
	EXPECT_EQ(2, p[1 * PAGE]);
	EXPECT_EQ(4, p[3 * PAGE]);
	ASSERT_EQ(0, translate(fd, 0, 5, e));
	EXPECT_TRUE(e[1].flags & VMARENA_PTE_INFO_ACCESSED);
	EXPECT_FALSE(e[2].flags & VMARENA_PTE_INFO_ACCESSED);
	EXPECT_TRUE(e[3].flags & VMARENA_PTE_INFO_ACCESSED);
	munmap((void *)p, 5 * PAGE);
	close(fd);
}

/* Writes @n pages of a new space beyond @skip pages: pressure on the arena. */
static void pressure(struct __test_metadata *_metadata, __u64 n)
{
	int fd = open_space(_metadata);
	char *p;
	__u64 i;

	ASSERT_EQ(0, set_limit(fd, n, 0));
	p = map(fd, n, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		p[i * PAGE] = 1;
	munmap(p, n * PAGE);
	close(fd);
}

TEST(pinned_pages_stay_in_their_frames_under_pressure)
{
	struct vmarena_pte_info before[16], after[16];
	int fd, i, bad = 0;
	char *p = filled_space(_metadata, "clock", 16, 7, &fd);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, 0, 16 * PAGE));
	ASSERT_EQ(0, translate(fd, 0, 16, before));
	EXPECT_EQ(16, space_stat(fd, VMARENA_SPACE_STAT_PINNED));
	pressure(_metadata, 2 * arena_frames(fd));
	ASSERT_EQ(0, translate(fd, 0, 16, after));
	for (i = 0; i < 16; i++) {
		bad += !(after[i].flags & VMARENA_PTE_INFO_PINNED) ||
		       !(after[i].flags & VMARENA_PTE_INFO_PRESENT) ||
		       after[i].frame != before[i].frame || !intact(p, i, 7);
	}
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_EVICTIONS));
	/* Unpinned, they go like any other page. */
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_UNPIN, 0, 16 * PAGE));
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_PINNED));
	ASSERT_EQ(0, set_limit(fd, 0, 1));
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(0, bad_pages(p, 0, 16, 7));
	munmap(p, 16 * PAGE);
	close(fd);
}

TEST(pin_faults_in_swapped_pages_and_refuses_more_than_the_arena)
{
	__u64 frames, pinned;
	int fd, i;
	char *p;

	need_swap(_metadata);
	fd = open_space(_metadata);
	frames = arena_frames(fd);
	p = map(fd, 8, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < 8; i++)
		fill(p, i, 3);
	ASSERT_EQ(0, set_limit(fd, 0, 1));	/* 7 pages go to swap */
	ASSERT_EQ(0, set_limit(fd, 0, 0));
	EXPECT_LE(7, space_stat(fd, VMARENA_SPACE_STAT_SWAPPED));
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, 0, 8 * PAGE));
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_SWAPPED));
	EXPECT_EQ(8, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(0, bad_pages(p, 0, 8, 3));
	pinned = global_stat(fd, VMARENA_STAT_PINNED);
	ASSERT_EQ(0, set_limit(fd, 4 * frames, 0));
	EXPECT_EQ(-1, range_ioctl(fd, VMARENA_IOC_PIN, 64 * PAGE, frames * PAGE));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(pinned, global_stat(fd, VMARENA_STAT_PINNED));
	EXPECT_EQ(-1, range_ioctl(fd, VMARENA_IOC_PIN, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	munmap(p, 8 * PAGE);
	close(fd);
	EXPECT_EQ(pinned - 8, (__u64)debugfs_value("stats", "pinned"));
}

TEST(a_pin_that_fails_halfway_leaves_nothing_pinned)
{
	int fd;
	char *p;

	need_swap(_metadata);
	fd = open_space(_metadata);
	ASSERT_EQ(0, set_limit(fd, 8, 0));	/* a ninth page is refused */
	p = map(fd, 4, 0);
	ASSERT_NE(NULL, p);
	p[0] = 1;
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, 0, PAGE));
	EXPECT_EQ(-1, range_ioctl(fd, VMARENA_IOC_PIN, 0, 16 * PAGE));
	EXPECT_EQ(EDQUOT, errno);
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_PINNED));
	munmap(p, 4 * PAGE);
	close(fd);
}

TEST(a_device_in_use_cannot_be_detached)
{
	int fd;
	char *p;

	need_swap(_metadata);
	fd = open_space(_metadata);
	p = map(fd, 4, 0);
	ASSERT_NE(NULL, p);
	memset(p, 1, 4 * PAGE);
	ASSERT_EQ(0, set_limit(fd, 0, 1));
	EXPECT_LT(0, debugfs_value("swap", "used"));
	EXPECT_EQ(-EBUSY, write_str(SYS "swap_dev", "\n"));
	munmap(p, 4 * PAGE);
	close(fd);
	EXPECT_EQ(0, debugfs_value("swap", "used"));
}

TEST(a_read_error_gives_sigbus_to_that_page_only_and_retires_its_slot)
{
	struct vmarena_pte_info e;
	long long retired;
	int fd;
	char *p = filled_space(_metadata, "fifo", 8, 5, &fd), c;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, set_limit(fd, 0, 4));	/* pages 0..3 are in swap */
	retired = debugfs_value("swap", "retired");
	ASSERT_EQ(0, write_str(VMARENA_DBG "fail_swap_reads", "1"));
	EXPECT_FALSE(read_survives_sigbus(p, &c));
	EXPECT_EQ(retired + 1, debugfs_value("swap", "retired"));
	/* The default per-user limit no longer counts the retired slot. */
	ASSERT_EQ(0, write_str(SYS "user_max_pages", "0"));
	EXPECT_EQ((debugfs_value("stats", "arena_frames") +
		   debugfs_value("stats", "swap_slots") - retired - 1) / 2,
		  sys_value("user_max_pages"));
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_IO_ERRORS));
	ASSERT_EQ(0, translate(fd, 0, 1, &e));
	EXPECT_TRUE(e.flags & VMARENA_PTE_INFO_LOST);
	EXPECT_FALSE(read_survives_sigbus(p, &c));	/* still lost */
	EXPECT_EQ(0, bad_pages(p, 1, 7, 5));
	ASSERT_EQ(0, discard(fd, 0, PAGE));		/* a hole again */
	EXPECT_TRUE(read_survives_sigbus(p, &c));
	EXPECT_EQ(0, c);
	munmap(p, 8 * PAGE);
	close(fd);
}

/*
 * Until @fd's space is the only one alive, up to 30 s: the page-out
 * daemon may still be evicting an earlier test's space, whose write would
 * take a failure injected for this one.
 */
static bool only_space_alive(int fd)
{
	return wait_spaces_destroyed(fd, global_stat(fd, VMARENA_STAT_SPACES_CREATED) - 1);
}

TEST(a_write_error_keeps_the_page_resident_and_intact)
{
	long long retired;
	int fd;
	char *p = filled_space(_metadata, "fifo", 4, 9, &fd);

	ASSERT_NE(NULL, p);
	ASSERT_TRUE(only_space_alive(fd));
	retired = debugfs_value("swap", "retired");
	ASSERT_EQ(0, write_str(VMARENA_DBG "fail_swap_writes", "1"));
	ASSERT_EQ(0, set_limit(fd, 0, 1));		/* a later bio works */
	EXPECT_LT(retired, debugfs_value("swap", "retired"));
	EXPECT_LT(0, space_stat(fd, VMARENA_SPACE_STAT_IO_ERRORS));
	EXPECT_EQ(0, bad_pages(p, 0, 4, 9));
	munmap(p, 4 * PAGE);
	close(fd);
}

/*
 * A page-out of two runs of slots or more, in flight together, whose first
 * write fails while the next is sent: the failed run's pages stay (their
 * slots retired), a later run writes them, and every page reads back whole.
 * The space is filled under a resident cap of 200, which evicts its own
 * pages as it goes: the arena never runs short, so the page-out daemon
 * stays asleep and 199 dirty pages are still resident for the page-out.
 * (Filled without a cap, the daemon's batch of 128 could take all that was
 * left, and the write meant to fail would never be sent.)
 */
TEST(a_write_error_amid_a_long_page_out_loses_no_page)
{
	const int n = 5 * 128, cap = 200;
	__u64 resident;
	char *p;
	int fd, i;

	need_swap(_metadata);
	use_policy("fifo");
	fd = open_space(_metadata);
	ASSERT_TRUE(only_space_alive(fd));
	ASSERT_EQ(0, set_limit(fd, 0, cap));
	p = map(fd, n, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		fill(p, i, 11);
	resident = space_stat(fd, VMARENA_SPACE_STAT_RESIDENT);
	ASSERT_LT(128, resident);		/* two runs to write */
	ASSERT_EQ(0, write_str(VMARENA_DBG "fail_swap_writes", "1"));
	ASSERT_EQ(0, set_limit(fd, 0, 1));
	EXPECT_LT(0, space_stat(fd, VMARENA_SPACE_STAT_IO_ERRORS));
	EXPECT_GE(1, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_LE(n - 1, space_stat(fd, VMARENA_SPACE_STAT_SWAP_OUTS));
	EXPECT_EQ(0, bad_pages(p, 0, n, 11));
	munmap(p, n * PAGE);
	close(fd);
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
	file = open("/tmp/vmarena-tiny.img", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (n < 0 || file < 0 || ftruncate(file, slots * PAGE))
		return -1;
	loop = open(dev, O_RDWR);
	if (loop < 0 || ioctl(loop, LOOP_SET_FD, file))
		return -1;
	close(file);
	unlink("/tmp/vmarena-tiny.img");
	return loop;
}

/* In a child: writes pages until one gets SIGBUS; exits with its number. */
static void fill_until_sigbus(__u64 limit)
{
	int fd = open("/dev/vmarena", O_RDWR);
	__u64 i;
	char *p;

	if (fd < 0 || set_limit(fd, limit, 0))
		_exit(255);
	p = map(fd, limit, 0);
	if (!p)
		_exit(255);
	for (i = 0; i < limit; i++)
		if (!touch_survives_sigbus(p + i * PAGE))
			_exit(i ? 1 : 2);
	_exit(0);
}

TEST(swap_full_and_arena_full_give_sigbus_and_the_system_recovers)
{
	long long free_before, frames = debugfs_value("stats", "arena_frames");
	long long destroyed;
	char dev[32], *p;
	int loop, fd, status;
	pid_t pid;

	loop = small_disk(dev, sizeof(dev), 32);
	if (loop < 0)
		SKIP(return, "no loop devices in this kernel");
	write_str(SYS "swap_dev", "\n");
	ASSERT_EQ(0, write_str(SYS "swap_dev", dev));
	free_before = debugfs_value("stats", "free_frames");	/* no space open */
	destroyed = debugfs_value("stats", "spaces_destroyed");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		fill_until_sigbus(2 * frames);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(1, WEXITSTATUS(status));
	/*
	 * The child's space goes when its last reference does: at its exit,
	 * or when the page-out daemon, busy with the full arena, ends the
	 * round it holds it for.  Its pages go at the first; the frames of
	 * the slab caches that held its objects at the second (the caches
	 * shrink when the last space's memory goes): all it had is back then
	 * (and a frame held before may be too).
	 */
	ASSERT_LT(destroyed, wait_stat_above("spaces_destroyed", destroyed));
	EXPECT_LE(free_before, wait_stat_above("free_frames", free_before - 1));
	EXPECT_EQ(0, debugfs_value("swap", "used"));
	fd = open_space(_metadata);
	p = map(fd, 1, 0);		/* and a new page works */
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(touch_survives_sigbus(p));
	munmap(p, PAGE);
	close(fd);
	EXPECT_EQ(0, write_str(SYS "swap_dev", "\n"));
	ioctl(loop, LOOP_CLR_FD, 0);
	close(loop);
}

TEST(the_policy_attribute_lists_all_marks_the_current_and_refuses_others)
{
	char buf[128];
	size_t i;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(policies); i++) {
		char want[32];

		ASSERT_EQ(0, write_str(SYS "policy", policies[i]));
		f = fopen(SYS "policy", "r");
		ASSERT_NE(NULL, f);
		ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
		fclose(f);
		snprintf(want, sizeof(want), "[%s]", policies[i]);
		EXPECT_NE(NULL, strstr(buf, want));
		EXPECT_NE(NULL, strstr(buf, "fifo"));
		EXPECT_NE(NULL, strstr(buf, "clean-first"));
	}
	EXPECT_EQ(-EINVAL, write_str(SYS "policy", "lfu"));
	EXPECT_EQ(-EINVAL, write_str(SYS "policy", "clockclockclockclock"));
	use_policy("clock");
}

TEST(watermarks_must_be_ordered_and_within_half_the_arena)
{
	long long low = 0, high = 0;
	char buf[32];
	FILE *f;
	int fd = open_space(_metadata);
	__u64 frames = arena_frames(fd);

	f = fopen(SYS "watermark_low", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%lld", &low));
	fclose(f);
	f = fopen(SYS "watermark_high", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%lld", &high));
	fclose(f);
	EXPECT_LT(0, low);
	EXPECT_LT(low, high);
	EXPECT_EQ(-EINVAL, write_str(SYS "watermark_low", "0"));
	snprintf(buf, sizeof(buf), "%lld", high);
	EXPECT_EQ(-EINVAL, write_str(SYS "watermark_low", buf));
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)frames);
	EXPECT_EQ(-EINVAL, write_str(SYS "watermark_high", buf));
	EXPECT_EQ(-EINVAL, write_str(SYS "watermark_high", "many"));
	snprintf(buf, sizeof(buf), "%lld", high + 1);
	EXPECT_EQ(0, write_str(SYS "watermark_high", buf));
	snprintf(buf, sizeof(buf), "%lld", high);
	EXPECT_EQ(0, write_str(SYS "watermark_high", buf));
	close(fd);
}

/*
 * Each run of the daemon starts below watermark_low and stops at
 * watermark_high; the writer may take frames again after a run, so what
 * is checked is that the daemon (not direct reclaim) evicted at least
 * high - low pages and that free frames end at or above low.
 */
TEST(the_daemon_wakes_below_the_low_watermark_and_frees_up_to_high)
{
	long long wakes, direct, low, high;
	char buf[32];
	__u64 frames, i, n;
	int fd;
	char *p;

	need_swap(_metadata);
	fd = open_space(_metadata);
	frames = arena_frames(fd);
	low = frames / 4;
	high = frames / 2;
	snprintf(buf, sizeof(buf), "%lld", high);
	ASSERT_EQ(0, write_str(SYS "watermark_high", buf));
	snprintf(buf, sizeof(buf), "%lld", low);
	ASSERT_EQ(0, write_str(SYS "watermark_low", buf));
	wakes = debugfs_value("stats", "daemon_wakeups");
	direct = debugfs_value("stats", "direct_reclaims");
	n = frames - low / 2;		/* leaves fewer than low free */
	ASSERT_EQ(0, set_limit(fd, n, 0));
	p = map(fd, n, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		p[i * PAGE] = 1;
	EXPECT_LT(wakes, wait_stat_above("daemon_wakeups", wakes));
	EXPECT_LE(low, wait_stat_above("free_frames", low - 1));
	EXPECT_LE(high - low, space_stat(fd, VMARENA_SPACE_STAT_EVICTIONS));
	EXPECT_EQ(direct, debugfs_value("stats", "direct_reclaims"));
	munmap(p, n * PAGE);
	close(fd);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)frames / 32);
	write_str(SYS "watermark_low", buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)frames / 16);
	write_str(SYS "watermark_high", buf);
}

/* Evicts every page of a space (SET_LIMIT to one frame, then back). */
static void evict_all(struct __test_metadata *_metadata, int fd)
{
	ASSERT_EQ(0, set_limit(fd, 0, 1));
	ASSERT_EQ(0, set_limit(fd, 0, 0));
}

TEST(a_clone_shares_swapped_pages_and_neither_sees_the_others_writes)
{
	int fd, c, n = 64, i;
	char *p = filled_space(_metadata, "clock", n, 1, &fd), *q;
	__u64 used;

	ASSERT_NE(NULL, p);
	evict_all(_metadata, fd);
	used = global_stat(fd, VMARENA_STAT_SWAP_SLOTS_USED);
	c = clone_space(fd);
	ASSERT_LE(0, c);
	/* Same slots (and the one page the cap left resident), no new ones. */
	for (i = 0; i < n; i++) {
		ASSERT_EQ(flags_of(fd, i) & VMARENA_PTE_INFO_SWAPPED,
			  flags_of(c, i) & VMARENA_PTE_INFO_SWAPPED);
		ASSERT_EQ(frame_of(fd, i), frame_of(c, i));
	}
	EXPECT_EQ(n - 1, space_stat(c, VMARENA_SPACE_STAT_SWAPPED));
	EXPECT_EQ(used, global_stat(fd, VMARENA_STAT_SWAP_SLOTS_USED));
	q = map(c, n, 0);
	ASSERT_NE(NULL, q);
	/* A read brings a page back for both: one frame, shared. */
	i = flags_of(fd, 0) & VMARENA_PTE_INFO_SWAPPED ? 0 : 1;
	ASSERT_TRUE(flags_of(fd, i) & VMARENA_PTE_INFO_SWAPPED);
	EXPECT_TRUE(intact(q, i, 1));
	EXPECT_EQ(frame_of(fd, i), frame_of(c, i));
	EXPECT_TRUE(flags_of(fd, i) & VMARENA_PTE_INFO_PRESENT);
	EXPECT_TRUE(flags_of(c, i) & VMARENA_PTE_INFO_COW);
	for (i = 0; i < n; i += 2)
		fill(q, i, 2);
	for (i = 1; i < n; i += 2)
		fill(p, i, 3);
	evict_all(_metadata, fd);
	evict_all(_metadata, c);
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(intact(q, i, i % 2 ? 1 : 2));
		ASSERT_TRUE(intact(p, i, i % 2 ? 3 : 1));
	}
	munmap(q, n * PAGE);
	close(c);
	munmap(p, n * PAGE);
	close(fd);
}

TEST(generations_survive_eviction_and_restore_from_swap_is_exact)
{
	int fd, n = 96, i;
	char *p = filled_space(_metadata, "lru", n, 1, &fd);
	__u64 bitmap[2], g1, g2;

	ASSERT_NE(NULL, p);
	g1 = checkpoint(fd);
	ASSERT_NE(0, g1);
	for (i = 0; i < n; i += 3)
		fill(p, i, 2);
	g2 = checkpoint(fd);
	for (i = 1; i < n; i += 3)
		fill(p, i, 3);
	evict_all(_metadata, fd);
	/* Eviction and swap-in are no changes: exactly the pages written. */
	ASSERT_EQ(n / 3, get_dirty(fd, g2, n, bitmap, 0));
	for (i = 0; i < n; i++)
		ASSERT_EQ(i % 3 == 1, bit_of(bitmap, i));
	ASSERT_EQ(0, restore(fd, g1));
	ASSERT_EQ(0, bad_pages(p, 0, n, 1));
	evict_all(_metadata, fd);
	ASSERT_EQ(0, restore(fd, g2));
	for (i = 0; i < n; i++)
		ASSERT_TRUE(intact(p, i, i % 3 == 0 ? 2 : 1));
	munmap(p, n * PAGE);
	close(fd);
}

/*
 * REWIND with pages swapped out on either side: the live page, the
 * generation's, or both; each ends as the generation's, exactly.
 */
TEST(rewind_from_swap_is_exact_whichever_side_is_swapped)
{
	int fd, n = 96, i, round;
	char *p = filled_space(_metadata, "clock", n, 1, &fd);
	__u64 g;

	ASSERT_NE(NULL, p);
	g = checkpoint(fd);
	ASSERT_NE(0, g);
	for (round = 0; round < 4; round++) {
		for (i = round; i < n; i += 4)
			fill(p, i, 10 + round);
		if (round % 2)
			evict_all(_metadata, fd);
		ASSERT_LE(0, ioctl(fd, VMARENA_IOC_REWIND, (unsigned long)g));
		EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_REWIND_RESTORES));
		EXPECT_EQ(n, space_stat(fd, VMARENA_SPACE_STAT_PAGES));
		ASSERT_EQ(0, bad_pages(p, 0, n, 1));
		if (round == 2)
			evict_all(_metadata, fd);	/* both sides out */
	}
	EXPECT_LT(0, space_stat(fd, VMARENA_SPACE_STAT_REWIND_COPIES));
	munmap(p, n * PAGE);
	close(fd);
}

TEST(export_reads_swapped_pages_of_a_generation_back_exactly)
{
	int fd, dst, st = memfd_create("stream", MFD_CLOEXEC), n = 80, i;
	char *p = filled_space(_metadata, "fifo", n, 4, &fd), *q;
	struct vmarena_export e = { .fd = st };
	struct vmarena_import im = { .fd = st };

	ASSERT_NE(NULL, p);
	e.generation = checkpoint(fd);
	for (i = 0; i < n; i += 2)
		fill(p, i, 5);
	evict_all(_metadata, fd);
	ASSERT_LT(n / 2, space_stat(fd, VMARENA_SPACE_STAT_SWAPPED));
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_EXPORT, &e));
	ASSERT_EQ(n, e.pages);
	lseek(st, 0, SEEK_SET);
	dst = open_space(_metadata);
	ASSERT_EQ(0, ioctl(dst, VMARENA_IOC_IMPORT, &im));
	q = map(dst, n, 0);
	ASSERT_NE(NULL, q);
	ASSERT_EQ(0, bad_pages(q, 0, n, 4));
	munmap(q, n * PAGE);
	close(dst);
	munmap(p, n * PAGE);
	close(fd);
	close(st);
}

/* ---- swap-in readahead (debugfs swap_readahead) ---- */

/* Sets debugfs swap_readahead; what it held before, or -1. */
static long long set_readahead(long long pages)
{
	long long was = file_number(VMARENA_DBG "swap_readahead");
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", pages);
	if (write_str(VMARENA_DBG "swap_readahead", buf))
		return -1;
	return was;
}

FIXTURE(readahead) {
	long long was;
	int fd;
	char *p;
	int n;
};

FIXTURE_SETUP(readahead)
{
	self->was = set_readahead(16);
	ASSERT_LE(0, self->was);
	/* 64 pages written in order, then evicted to neighbouring slots. */
	self->n = 64;
	self->p = filled_space(_metadata, "fifo", self->n, 7, &self->fd);
	ASSERT_NE(NULL, self->p);
	evict_all(_metadata, self->fd);
	ASSERT_EQ(self->n - 1, space_stat(self->fd, VMARENA_SPACE_STAT_SWAPPED));
}

FIXTURE_TEARDOWN(readahead)
{
	write_str(VMARENA_DBG "delay_swap_reads", "0");
	if (self->p)
		munmap(self->p, self->n * PAGE);
	close(self->fd);
	set_readahead(self->was);
}

/* Reads pages [0, n) with @step between them; the pages that were swapped. */
static int read_pass(const char *p, int fd, int n, int step, int *bad)
{
	int i, swapped = 0;

	for (i = 0; i < n; i += step) {
		swapped += !!(flags_of(fd, i) & VMARENA_PTE_INFO_SWAPPED);
		*bad += !intact(p, i, 7);
	}
	return swapped;
}

TEST_F(readahead, a_sequential_pass_reads_ahead_in_few_bios_and_uses_every_page)
{
	__u64 bios = global_stat(self->fd, VMARENA_STAT_SWAP_IN_BIOS);
	__u64 ins, ahead, hits;
	int bad = 0, swapped;

	swapped = read_pass(self->p, self->fd, self->n, 1, &bad);
	EXPECT_EQ(0, bad);
	ins = space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_INS);
	ahead = space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD);
	hits = space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD_HITS);
	/* Each swapped page came back once: by its fault or ahead of one. */
	EXPECT_EQ(self->n - 1, ins + ahead);
	EXPECT_GT(self->n - 1, swapped);	/* read ahead: no longer swapped */
	EXPECT_EQ(ins, swapped);
	EXPECT_EQ(ahead, hits);			/* in order: every one was used */
	/* The window grows: well under a bio a page, and more than two. */
	EXPECT_GE(self->n / 4, ins);
	EXPECT_EQ(ins, global_stat(self->fd, VMARENA_STAT_SWAP_IN_BIOS) - bios);
	EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_SWAPPED));
}

TEST_F(readahead, set_to_one_each_fault_reads_its_own_page_alone)
{
	__u64 bios = global_stat(self->fd, VMARENA_STAT_SWAP_IN_BIOS);
	int bad = 0;

	ASSERT_EQ(16, set_readahead(1));
	EXPECT_EQ(self->n - 1, read_pass(self->p, self->fd, self->n, 1, &bad));
	EXPECT_EQ(0, bad);
	EXPECT_EQ(self->n - 1, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_INS));
	EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD));
	EXPECT_EQ(self->n - 1,
		  global_stat(self->fd, VMARENA_STAT_SWAP_IN_BIOS) - bios);
}

TEST_F(readahead, faults_that_skip_pages_read_nothing_ahead)
{
	int bad = 0, i;

	/* Every other page: no fault follows the previous one, no hit. */
	read_pass(self->p, self->fd, self->n, 2, &bad);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD));
	for (i = 1; i < self->n - 1; i += 2)
		EXPECT_TRUE(flags_of(self->fd, i) & VMARENA_PTE_INFO_SWAPPED);
}

TEST_F(readahead, a_page_read_ahead_counts_one_hit_when_pread_uses_it_first)
{
	char buf[8];

	/* The second of two faults in order reads the page after it. */
	ASSERT_TRUE(intact(self->p, 0, 7));
	ASSERT_TRUE(intact(self->p, 1, 7));
	ASSERT_EQ(1, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD));
	ASSERT_FALSE(flags_of(self->fd, 2) & VMARENA_PTE_INFO_SWAPPED);
	EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD_HITS));
	ASSERT_EQ(sizeof(buf), pread(self->fd, buf, sizeof(buf), 2 * PAGE));
	EXPECT_EQ(1, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD_HITS));
	/* The fault that follows finds it used already. */
	EXPECT_TRUE(intact(self->p, 2, 7));
	EXPECT_EQ(1, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD_HITS));
}

TEST_F(readahead, nothing_is_read_ahead_while_frame_failures_are_armed)
{
	int bad = 0;

	/* Armed, but far off: no allocation of this pass fails. */
	ASSERT_EQ(0, write_str(VMARENA_DBG "fail_frames_skip", "100000"));
	ASSERT_EQ(0, write_str(VMARENA_DBG "fail_frames", "1"));
	read_pass(self->p, self->fd, self->n, 1, &bad);
	write_str(VMARENA_DBG "fail_frames", "0");
	write_str(VMARENA_DBG "fail_frames_skip", "0");
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD));
	EXPECT_EQ(self->n - 1, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_INS));
}

TEST_F(readahead, pages_read_ahead_stay_within_a_resident_cap)
{
	int bad = 0;

	ASSERT_EQ(0, set_limit(self->fd, 0, 8));
	read_pass(self->p, self->fd, self->n, 1, &bad);
	EXPECT_EQ(0, bad);
	EXPECT_GE(8, space_stat(self->fd, VMARENA_SPACE_STAT_RESIDENT));
}

TEST_F(readahead, a_failed_read_loses_the_faulting_page_only_and_undoes_the_rest)
{
	__u64 errors = global_stat(self->fd, VMARENA_STAT_READ_ERRORS);
	char c;
	int i;

	ASSERT_TRUE(flags_of(self->fd, 0) & VMARENA_PTE_INFO_SWAPPED);
	EXPECT_TRUE(intact(self->p, 0, 7));	/* page 0 alone */
	/* Page 1 follows: its fault reads pages 1 and 2 in one bio. */
	ASSERT_EQ(0, write_str(VMARENA_DBG "fail_swap_reads", "1"));
	EXPECT_FALSE(read_survives_sigbus(self->p + PAGE, &c));
	EXPECT_EQ(1, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD));
	EXPECT_EQ(errors + 1, global_stat(self->fd, VMARENA_STAT_READ_ERRORS));
	EXPECT_EQ(1, space_stat(self->fd, VMARENA_SPACE_STAT_IO_ERRORS));
	EXPECT_TRUE(flags_of(self->fd, 1) & VMARENA_PTE_INFO_LOST);
	/* Page 2 is back in its slot, as before the read, and reads back. */
	EXPECT_TRUE(flags_of(self->fd, 2) & VMARENA_PTE_INFO_SWAPPED);
	EXPECT_FALSE(flags_of(self->fd, 2) & VMARENA_PTE_INFO_LOST);
	EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_READAHEAD_HITS));
	for (i = 2; i < self->n; i++)
		EXPECT_TRUE(intact(self->p, i, 7));
}

/*
 * pwrite and PIN on pages a fault is reading ahead: while the test reads
 * every page in order through the mapping, a thread waits for every fourth
 * page to be brought in (its entry present: the read may still be under
 * way, delay_swap_reads makes it last), then writes it with pwrite or pins
 * and unpins it, in turn.
 */
struct ra_race {
	int fd;
	int n;
	const char *src;	/* version 9 of every page */
	volatile int at;	/* the page the pass reads now */
	bool written[64];
};

static void *ra_racer(void *arg)
{
	struct ra_race *r = arg;
	int i;

	for (i = 2; i < r->n; i += 4) {
		/* Until a fault brings it in (or the pass is past it). */
		while (r->at <= i && !(flags_of(r->fd, i) &
				       (VMARENA_PTE_INFO_PRESENT | VMARENA_PTE_INFO_LOST)))
			;
		if (i % 8 == 2) {
			r->written[i] = pwrite(r->fd, r->src + i * PAGE, PAGE,
					       i * PAGE) == PAGE;
		} else if (!range_ioctl(r->fd, VMARENA_IOC_PIN, i * PAGE, PAGE)) {
			range_ioctl(r->fd, VMARENA_IOC_UNPIN, i * PAGE, PAGE);
		}
	}
	return NULL;
}

TEST_F(readahead, pwrite_and_pin_wait_for_pages_being_read_ahead)
{
	struct ra_race r = { .fd = self->fd, .n = self->n };
	int i, bad = 0, lost = 0, round;
	pthread_t t;
	char *src, c;

	src = malloc(self->n * PAGE);
	ASSERT_NE(NULL, src);
	for (i = 0; i < self->n; i++)
		fill(src, i, 9);
	r.src = src;
	/* Reads take 2 ms: the thread acts while they are in flight. */
	ASSERT_EQ(0, write_str(VMARENA_DBG "delay_swap_reads", "2000"));
	/* Round 1 reads; in round 2 every read bio fails. */
	for (round = 0; round < 2; round++) {
		if (round) {
			evict_all(_metadata, self->fd);
			ASSERT_EQ(0, write_str(VMARENA_DBG "fail_swap_reads",
					       "100000"));
		}
		memset(r.written, 0, sizeof(r.written));
		r.at = -1;
		ASSERT_EQ(0, pthread_create(&t, NULL, ra_racer, &r));
		for (i = 0; i < self->n; i++) {
			r.at = i;
			read_survives_sigbus(self->p + i * PAGE, &c);
		}
		r.at = self->n;
		ASSERT_EQ(0, pthread_join(t, NULL));
		ASSERT_EQ(0, write_str(VMARENA_DBG "fail_swap_reads", "0"));
		/* Each page holds what was written last, or is lost. */
		for (i = 0; i < self->n; i++) {
			if (flags_of(self->fd, i) & VMARENA_PTE_INFO_LOST) {
				lost++;
				continue;
			}
			if (r.written[i])
				bad += !intact(self->p, i, 9);
			else if (i % 8 != 2 || !round)
				bad += !intact(self->p, i, 7);
		}
		EXPECT_EQ(0, bad);
		if (!round)
			EXPECT_EQ(0, lost);
		EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_PINNED));
	}
	write_str(VMARENA_DBG "delay_swap_reads", "0");
	free(src);
}

TEST_F(readahead, a_clone_reading_ahead_shares_the_frames_and_copies_on_write)
{
	int c, i, bad = 0;
	char *q;

	c = clone_space(self->fd);
	ASSERT_LE(0, c);
	q = map(c, self->n, 0);
	ASSERT_NE(NULL, q);
	read_pass(q, c, self->n, 1, &bad);	/* the clone reads ahead */
	EXPECT_EQ(0, bad);
	EXPECT_LT(0, space_stat(c, VMARENA_SPACE_STAT_SWAP_READAHEAD));
	for (i = 0; i < self->n; i++) {
		ASSERT_EQ(frame_of(self->fd, i), frame_of(c, i));
		ASSERT_TRUE(flags_of(self->fd, i) & VMARENA_PTE_INFO_PRESENT);
	}
	for (i = 0; i < self->n; i += 2)
		fill(q, i, 8);
	for (i = 0; i < self->n; i++) {
		bad += !intact(self->p, i, 7);
		bad += !intact(q, i, i % 2 ? 7 : 8);
	}
	EXPECT_EQ(0, bad);
	munmap(q, self->n * PAGE);
	close(c);
}

TEST_HARNESS_MAIN
