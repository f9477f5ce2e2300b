// SPDX-License-Identifier: GPL-2.0
/*
 * space_test.c - address spaces: faults, shared mappings, pread/pwrite,
 * TRANSLATE and the dirty bit, DISCARD, limits and SIGBUS, lifetimes.
 *
 * Runs in the VM, as root, with the module loaded (run_vmarena.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "kselftest_harness.h"

#include "space_util.h"
#include "vm_util.h"

/* A write's first touch: zeros but for the byte written. */
TEST(a_first_write_reads_zeros_and_costs_one_frame)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 4, 0);
	__u64 free0 = global_stat(fd, VMARENA_STAT_FREE_FRAMES);
	unsigned int i;

	ASSERT_NE(NULL, p);
	p[2 * PAGE] = 1;
	for (i = 1; i < PAGE; i++)
		ASSERT_EQ(0, p[2 * PAGE + i]);
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH));
	/* One data frame and the four page-table nodes of its path. */
	EXPECT_EQ(4, space_stat(fd, VMARENA_SPACE_STAT_PT_FRAMES));
	EXPECT_GE(free0 - global_stat(fd, VMARENA_STAT_FREE_FRAMES), 1);
	munmap(p, 4 * PAGE);
	close(fd);
}

/* True if the page at @p holds only zeros from byte @from on. */
static bool zeros_from(const char *p, size_t from)
{
	size_t i;

	for (i = from; i < PAGE; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * A space writes @n pages and goes; another touches @n pages for the first
 * time, even pages by a read (zero_page off: a read takes a frame too),
 * odd ones by a write of their first byte: every page must read as zeros
 * but for that byte.  Returns the pages that did not.
 */
static size_t first_touches_after_a_dirty_space(struct __test_metadata *_metadata,
						size_t n)
{
	int fd = open_space(_metadata);
	char *p = map(fd, n, 0);
	size_t i, bad = 0;

	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		memset(p + i * PAGE, 0xa5, PAGE);
	munmap(p, n * PAGE);
	close(fd);
	fd = open_space(_metadata);
	p = map(fd, n, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, set_zero_page(false));
	for (i = 0; i < n; i++) {
		if (i & 1)
			p[i * PAGE] = 1;
		bad += !zeros_from(p + i * PAGE, i & 1);
	}
	EXPECT_LE(0, zero_page_default());
	munmap(p, n * PAGE);
	close(fd);
	return bad;
}

/*
 * First touches take frames that vmarena_zerod zeroed ahead (hits) or,
 * when the pool is empty, frames they zero themselves (misses).  Four
 * times the pool's worth of pages, written by one space and freed, then
 * touched by another: the pool is refilled meanwhile from the frames the
 * first space left, and not one byte of theirs shows through.
 */
TEST(first_touches_from_the_zeroed_pool_never_see_a_previous_space)
{
	long long hits0 = debugfs_value("stats", "zeroed_hits");
	long long misses0 = debugfs_value("stats", "zeroed_misses");
	long long room;

	if (hits0 < 0 || misses0 < 0)
		SKIP(return, "debugfs vmarena/stats not readable");
	room = set_zeroed_target(1LL << 30);	/* capped to the pool's room */
	ASSERT_GT(room, 0);
	ASSERT_EQ(room, wait_stat_above("zeroed_pool", room - 1));
	EXPECT_EQ(0, first_touches_after_a_dirty_space(_metadata, 4 * room));
	/* More hits than the pool held: frames zeroed again were taken. */
	EXPECT_GT(debugfs_value("stats", "zeroed_hits") - hits0, room);
	/* Every first touch of the two spaces is a hit or a miss. */
	EXPECT_EQ(2 * 4 * room, debugfs_value("stats", "zeroed_hits") - hits0 +
		  debugfs_value("stats", "zeroed_misses") - misses0);
}

/* With the pool off (zeroed_target 0) every first touch zeroes its frame. */
TEST(with_the_zeroed_pool_off_first_touches_zero_their_own_frames)
{
	long long hits0 = debugfs_value("stats", "zeroed_hits");
	long long misses0 = debugfs_value("stats", "zeroed_misses");

	if (hits0 < 0 || misses0 < 0)
		SKIP(return, "debugfs vmarena/stats not readable");
	ASSERT_EQ(0, set_zeroed_target(0));
	EXPECT_EQ(0, debugfs_value("stats", "zeroed_pool"));
	EXPECT_EQ(0, first_touches_after_a_dirty_space(_metadata, 256));
	EXPECT_EQ(hits0, debugfs_value("stats", "zeroed_hits"));
	/* The first space's 256 first touches, then the second's. */
	EXPECT_EQ(misses0 + 2 * 256, debugfs_value("stats", "zeroed_misses"));
	EXPECT_LT(0, set_zeroed_target(1LL << 30));
}

TEST(two_mappings_of_a_range_share_the_memory)
{
	int fd = open_space(_metadata);
	char *a = map(fd, 8, 0), *b = map(fd, 4, 4 * PAGE);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	strcpy(a + 5 * PAGE + 10, "through a");
	EXPECT_STREQ("through a", b + PAGE + 10);
	strcpy(b + 3 * PAGE, "through b");
	EXPECT_STREQ("through b", a + 7 * PAGE);
	munmap(a, 8 * PAGE);
	munmap(b, 4 * PAGE);
	close(fd);
}

TEST(pread_and_pwrite_see_what_mappings_see_across_pages)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 4, 0), buf[PAGE + 200];
	unsigned int i;

	ASSERT_NE(NULL, p);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	ASSERT_EQ(sizeof(buf), pwrite(fd, buf, sizeof(buf), PAGE - 100));
	EXPECT_EQ(0, memcmp(p + PAGE - 100, buf, sizeof(buf)));
	memset(p + 3 * PAGE - 10, 'x', 20);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(20, pread(fd, buf, 20, 3 * PAGE - 10));
	EXPECT_EQ('x', buf[0]);
	EXPECT_EQ('x', buf[19]);
	munmap(p, 4 * PAGE);
	close(fd);
}

TEST(holes_read_as_zeros_without_taking_a_frame)
{
	int fd = open_space(_metadata);
	char buf[3 * PAGE];

	memset(buf, 0x55, sizeof(buf));
	ASSERT_EQ(sizeof(buf), pread(fd, buf, sizeof(buf), 1000 * PAGE + 7));
	for (unsigned int i = 0; i < sizeof(buf); i++)
		ASSERT_EQ(0, buf[i]);
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	close(fd);
}

TEST(the_tlb_serves_repeated_kernel_accesses)
{
	int fd = open_space(_metadata);
	char c = 'q';

	ASSERT_EQ(1, pwrite(fd, &c, 1, 5 * PAGE));	/* miss: allocates */
	ASSERT_EQ(1, pread(fd, &c, 1, 5 * PAGE + 1));	/* hit */
	ASSERT_EQ(1, pread(fd, &c, 1, 5 * PAGE + 2));	/* hit */
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_TLB_MISSES));
	EXPECT_EQ(2, space_stat(fd, VMARENA_SPACE_STAT_TLB_HITS));
	close(fd);
}

TEST(a_forked_child_shares_the_mapping_and_outlives_the_parent_fd)
{
	int fd = open_space(_metadata), status;
	char *p = map(fd, 2, 0);
	int go[2], done[2];
	pid_t pid;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	strcpy(p, "parent");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char c;

		close(fd);
		if (strcmp(p, "parent"))
			_exit(1);
		strcpy(p + PAGE, "child");
		if (write(done[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		/* The parent closed and unmapped: the mapping alone holds it. */
		_exit(strcmp(p, "parent again") ? 3 : 0);
	}
	{
		char c;

		ASSERT_EQ(1, read(done[0], &c, 1));
	}
	EXPECT_STREQ("child", p + PAGE);
	strcpy(p, "parent again");
	munmap(p, 2 * PAGE);
	close(fd);
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(data_survives_unmapping_and_remapping)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 3, PAGE);

	ASSERT_NE(NULL, p);
	strcpy(p + PAGE, "kept");
	munmap(p, 3 * PAGE);
	p = map(fd, 1, 2 * PAGE);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("kept", p);
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_FAULTS_MINOR));
	munmap(p, PAGE);
	close(fd);
}

TEST(a_refault_after_the_hardware_mapping_went_is_minor)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 8, 0);

	ASSERT_NE(NULL, p);
	memset(p, 1, 8 * PAGE);
	ASSERT_EQ(0, madvise(p, 8 * PAGE, MADV_DONTNEED));
	EXPECT_EQ(1, p[3 * PAGE]);
	EXPECT_EQ(8, space_stat(fd, VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH));
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_FAULTS_MINOR));
	munmap(p, 8 * PAGE);
	close(fd);
}

/*
 * Fault-around: a read fault also maps the resident neighbours in the
 * kernel's fault-around window (16 pages by default, aligned in the
 * address space), read-only, so a write to one of them still notifies.
 */
TEST(a_refault_maps_the_resident_neighbours_read_only)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 16, 0);
	__u64 minor, around, wn, g;
	unsigned int i, sum = 0;

	ASSERT_NE(NULL, p);
	memset(p, 1, 16 * PAGE);
	ASSERT_EQ(0, madvise(p, 16 * PAGE, MADV_DONTNEED));
	minor = space_stat(fd, VMARENA_SPACE_STAT_FAULTS_MINOR);
	around = space_stat(fd, VMARENA_SPACE_STAT_FAULTS_AROUND);
	wn = space_stat(fd, VMARENA_SPACE_STAT_WRITE_NOTIFY);
	g = global_stat(fd, VMARENA_STAT_FAULTS_AROUND);
	for (i = 0; i < 16; i++)
		sum += p[i * PAGE + i];
	EXPECT_EQ(16, sum);
	minor = space_stat(fd, VMARENA_SPACE_STAT_FAULTS_MINOR) - minor;
	around = space_stat(fd, VMARENA_SPACE_STAT_FAULTS_AROUND) - around;
	EXPECT_EQ(16, minor + around);
	EXPECT_GT(16, minor);	/* at most two windows: two faults */
	EXPECT_LE(g + around, global_stat(fd, VMARENA_STAT_FAULTS_AROUND));
	p[7 * PAGE] = 2;
	EXPECT_EQ(wn + 1, space_stat(fd, VMARENA_SPACE_STAT_WRITE_NOTIFY));
	munmap(p, 16 * PAGE);
	close(fd);
}

TEST(a_write_to_a_shared_page_mapped_around_copies_it)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 16, 0), c;
	struct vmarena_ckpt ck = { 0 };
	unsigned int i;

	ASSERT_NE(NULL, p);
	memset(p, 1, 16 * PAGE);
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_CHECKPOINT, &ck));
	ASSERT_EQ(0, madvise(p, 16 * PAGE, MADV_DONTNEED));
	for (i = 0; i < 16; i++)
		ASSERT_EQ(1, p[i * PAGE]);
	p[5 * PAGE] = 2;	/* mapped around, shared with the generation */
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_COW_BREAKS));
	ASSERT_EQ(1, pread(fd, &c, 1, 5 * PAGE));
	EXPECT_EQ(2, c);
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_RESTORE, &ck));
	EXPECT_EQ(1, p[5 * PAGE]);	/* the generation kept its byte */
	munmap(p, 16 * PAGE);
	close(fd);
}

TEST(offsets_up_to_the_48_bit_limit_work_and_beyond_fail)
{
	int fd = open_space(_metadata);
	char c = 'z', *p;

	ASSERT_EQ(1, pwrite(fd, &c, 1, LIMIT - 1));
	c = 0;
	ASSERT_EQ(1, pread(fd, &c, 1, LIMIT - 1));
	EXPECT_EQ('z', c);
	EXPECT_EQ(0, pread(fd, &c, 1, LIMIT));		/* end of "file" */
	EXPECT_EQ(-1, pwrite(fd, &c, 1, LIMIT));
	EXPECT_EQ(EFBIG, errno);
	if (sizeof(long) == 8) {
		p = map(fd, 1, LIMIT - PAGE);
		ASSERT_NE(NULL, p);
		EXPECT_EQ('z', p[PAGE - 1]);
		munmap(p, PAGE);
	}
	close(fd);
}

TEST(translate_and_the_dirty_bit_agree_with_what_was_touched)
{
	struct vmarena_pte_info e[6];
	int fd = open_space(_metadata);
	char *p = map(fd, 6, 0), c = 'w';
	volatile char sink;
	int zp;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, set_zero_page(false));
	sink = p[0];				/* read: accessed, clean */
	zp = zero_page_default();
	ASSERT_LE(0, zp);
	sink = p[3 * PAGE];			/* read: the zero page (if zp) */
	p[PAGE] = 1;				/* write through the mapping */
	sink = p[2 * PAGE];
	p[2 * PAGE] = 2;			/* read, then write */
	ASSERT_EQ(1, pwrite(fd, &c, 1, 4 * PAGE));	/* write by pwrite */
	ASSERT_EQ(1, pread(fd, &c, 1, 5 * PAGE));	/* a hole stays one */
	(void)sink;
	memset(e, 0xff, sizeof(e));
	ASSERT_EQ(0, translate(fd, 0, 6, e));
	EXPECT_EQ(VMARENA_PTE_INFO_PRESENT | VMARENA_PTE_INFO_ACCESSED, e[0].flags);
	EXPECT_TRUE(e[1].flags & VMARENA_PTE_INFO_DIRTY);
	EXPECT_TRUE(e[1].flags & VMARENA_PTE_INFO_WRITABLE);
	EXPECT_TRUE(e[2].flags & VMARENA_PTE_INFO_DIRTY);
	if (zp) {
		EXPECT_EQ(0, e[3].flags);	/* only read: a hole */
		EXPECT_EQ(0, e[3].frame);
	} else {				/* a frame, as page 0 */
		EXPECT_EQ(VMARENA_PTE_INFO_PRESENT | VMARENA_PTE_INFO_ACCESSED, e[3].flags);
	}
	EXPECT_TRUE(e[4].flags & VMARENA_PTE_INFO_DIRTY);
	EXPECT_EQ(0, e[5].flags);
	EXPECT_NE(e[0].frame, e[1].frame);
	EXPECT_EQ(2, space_stat(fd, VMARENA_SPACE_STAT_WRITE_NOTIFY));
	munmap(p, 6 * PAGE);
	close(fd);
}

TEST(discard_frees_the_frames_and_everyone_reads_zeros)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 16, 0), buf[PAGE];
	__u64 free0;

	ASSERT_NE(NULL, p);
	memset(p, 0x77, 16 * PAGE);
	free0 = global_stat(fd, VMARENA_STAT_FREE_FRAMES);
	ASSERT_EQ(0, discard(fd, 4 * PAGE, 8 * PAGE));
	EXPECT_EQ(8, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(8, space_stat(fd, VMARENA_SPACE_STAT_DISCARDED));
	EXPECT_LE(free0 + 8, global_stat(fd, VMARENA_STAT_FREE_FRAMES));
	EXPECT_EQ(0, p[4 * PAGE]);
	EXPECT_EQ(0, p[11 * PAGE + PAGE - 1]);
	EXPECT_EQ(0x77, p[3 * PAGE + PAGE - 1]);
	EXPECT_EQ(0x77, p[12 * PAGE]);
	ASSERT_EQ(PAGE, pread(fd, buf, PAGE, 5 * PAGE));
	EXPECT_EQ(0, buf[0]);
	munmap(p, 16 * PAGE);
	close(fd);
}

TEST(bad_range_arguments_are_einval_and_change_nothing)
{
	struct vmarena_pte_info e[2];
	struct vmarena_range r = { .offset = 0, .length = PAGE, .reserved = { 1 } };
	struct vmarena_translate tr = { .offset = 0, .pages = 1,
					.entries = (uintptr_t)e };
	struct vmarena_limit l = { .reserved = { 0, 1 } };
	int fd = open_space(_metadata);
	char c = 1;

	ASSERT_EQ(1, pwrite(fd, &c, 1, 0));
	EXPECT_EQ(-1, discard(fd, 1, PAGE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, discard(fd, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, discard(fd, 0, PAGE + 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, discard(fd, LIMIT - PAGE, 2 * PAGE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, discard(fd, PAGE, ~(__u64)(PAGE - 1)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_DISCARD, &r));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(-1, translate(fd, 0, 0, e));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, translate(fd, 1, 1, e));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, translate(fd, 0, VMARENA_TRANSLATE_MAX + 1, e));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, translate(fd, LIMIT - PAGE, 2, e));
	EXPECT_EQ(EINVAL, errno);
	tr.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_TRANSLATE, &tr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, translate(fd, 0, 1, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_SET_LIMIT, &l));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(a_fault_beyond_the_page_cap_is_sigbus_and_the_process_goes_on)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 8, 0);
	__u64 sigbus0 = global_stat(fd, VMARENA_STAT_SIGBUS);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, set_limit(fd, 4, 0));
	EXPECT_EQ(4, space_stat(fd, VMARENA_SPACE_STAT_MAX_PAGES));
	for (int i = 0; i < 4; i++)
		ASSERT_TRUE(touch_survives_sigbus(p + i * PAGE));
	EXPECT_FALSE(touch_survives_sigbus(p + 4 * PAGE));
	EXPECT_EQ(1, space_stat(fd, VMARENA_SPACE_STAT_SIGBUS));
	EXPECT_EQ(sigbus0 + 1, global_stat(fd, VMARENA_STAT_SIGBUS));
	/* pwrite beyond the cap: EDQUOT, nothing written. */
	EXPECT_EQ(-1, pwrite(fd, "x", 1, 6 * PAGE));
	EXPECT_EQ(EDQUOT, errno);
	/* Resident pages still work; so does a page freed by DISCARD. */
	p[PAGE] = 9;
	EXPECT_EQ(9, p[PAGE]);
	ASSERT_EQ(0, discard(fd, 0, PAGE));
	EXPECT_TRUE(touch_survives_sigbus(p + 5 * PAGE));
	munmap(p, 8 * PAGE);
	close(fd);
}

/*
 * debugfs free_frames once @destroyed spaces have been destroyed since the
 * load and the count has come back to @want, or what it is after 30 s of
 * waiting for that (a space whose last reference the page-out daemon
 * drops is freed, and its slabs given back, in the daemon's time).
 */
static long long free_frames_back_to(long long want, long long destroyed)
{
	long long free = -1;
	int i;

	for (i = 0; i < 30000; i++) {
		if (debugfs_value("stats", "spaces_destroyed") >= destroyed) {
			free = debugfs_value("stats", "free_frames");
			if (free == want)
				break;
		}
		usleep(1000);
	}
	return free;
}

/*
 * The hog fills the arena to its last frame and takes a SIGBUS; the victim
 * keeps its data.  Once both are closed, the free count is exactly what it
 * was before either opened: no frame lost to the hog's page tables, its
 * pages, the victim's, or the slabs of their bookkeeping (the last space
 * to close gives every empty slab back).
 */
TEST(an_empty_arena_gives_sigbus_to_the_faulting_space_only)
{
	long long free0 = debugfs_value("stats", "free_frames");
	long long destroyed0 = debugfs_value("stats", "spaces_destroyed");
	int victim, fd;
	__u64 frames;
	size_t n, i;
	char *v, *p;

	if (free0 < 0 || destroyed0 < 0)
		SKIP(return, "debugfs vmarena/stats not readable");
	victim = open_space(_metadata);
	fd = open_space(_metadata);
	frames = global_stat(fd, VMARENA_STAT_ARENA_FRAMES);
	n = frames + 16;
	v = map(victim, 1, 0);
	p = map(fd, n, 0);
	ASSERT_NE(NULL, v);
	ASSERT_NE(NULL, p);
	strcpy(v, "victim data");
	ASSERT_EQ(0, set_limit(fd, n, 0));	/* root may go beyond the cap */
	for (i = 0; i < n; i++)
		if (!touch_survives_sigbus(p + i * PAGE))
			break;
	EXPECT_LT(i, n);
	EXPECT_EQ(0, global_stat(fd, VMARENA_STAT_FREE_FRAMES));
	EXPECT_STREQ("victim data", v);
	munmap(p, n * PAGE);
	close(fd);
	munmap(v, PAGE);
	close(victim);
	/* Everything both held is back, to the frame. */
	EXPECT_EQ(free0, free_frames_back_to(free0, destroyed0 + 2));
}

TEST(raising_a_cap_above_the_default_needs_privilege)
{
	int fd = open_space(_metadata), status;
	__u64 cap = space_stat(fd, VMARENA_SPACE_STAT_MAX_PAGES);
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (set_limit(fd, cap + 1, 0) == 0 || errno != EPERM)
			_exit(3);
		_exit(set_limit(fd, cap / 2, 0) ? 4 : 0);	/* lowering is fine */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(cap / 2, space_stat(fd, VMARENA_SPACE_STAT_MAX_PAGES));
	close(fd);
}

TEST(a_process_that_exits_with_live_mappings_frees_its_space)
{
	int fd = open_space(_metadata), status;
	__u64 resident0 = global_stat(fd, VMARENA_STAT_RESIDENT);
	__u64 destroyed = global_stat(fd, VMARENA_STAT_SPACES_DESTROYED);
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		int own = open("/dev/vmarena", O_RDWR);
		char *p = own < 0 ? NULL : map(own, 64, 0);

		if (!p)
			_exit(1);
		memset(p, 3, 64 * PAGE);
		_exit(0);	/* no munmap, no close */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_TRUE(wait_spaces_destroyed(fd, destroyed + 1));
	EXPECT_EQ(resident0, global_stat(fd, VMARENA_STAT_RESIDENT));
	close(fd);
}

struct thread_arg {
	char *p;
	int id;
	pthread_barrier_t *barrier;
	int bad;
};

static void *fault_thread(void *a)
{
	struct thread_arg *t = a;
	int i;

	pthread_barrier_wait(t->barrier);
	for (i = 0; i < 64; i++) {
		char *own = t->p + (1 + t->id * 64 + i) * PAGE;

		own[i] = (char)(t->id + 1);	/* a page of its own */
		__atomic_fetch_add(&t->p[i * 8], 1, __ATOMIC_RELAXED);	/* shared */
	}
	pthread_barrier_wait(t->barrier);
	for (i = 0; i < 64; i++)
		if (t->p[(1 + t->id * 64 + i) * PAGE + i] != (char)(t->id + 1))
			t->bad++;
	return NULL;
}

TEST(threads_faulting_the_same_and_different_pages_agree)
{
	enum { T = 4 };
	int fd = open_space(_metadata), i;
	char *p = map(fd, 1 + T * 64, 0);
	struct thread_arg args[T];
	pthread_t th[T];
	pthread_barrier_t barrier;

	ASSERT_NE(NULL, p);
	pthread_barrier_init(&barrier, NULL, T);
	for (i = 0; i < T; i++) {
		args[i] = (struct thread_arg){ .p = p, .id = i, .barrier = &barrier };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, fault_thread, &args[i]));
	}
	for (i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, args[i].bad);
	}
	for (i = 0; i < 64; i++)
		EXPECT_EQ(T, p[i * 8]);
	EXPECT_EQ(1 + T * 64, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	pthread_barrier_destroy(&barrier);
	munmap(p, (1 + T * 64) * PAGE);
	close(fd);
}

/*
 * Re-faults race every change that takes a frame out of an entry:
 * DISCARD, the copy of a write after a checkpoint, RESTORE and REWIND.  A
 * re-fault of a resident page reads the shadow table without the space lock
 * (access.c, vmarena_space_fault_unlocked()); a mapping it makes of a
 * frame the page has just lost would outlive the change.  While one thread
 * keeps dropping its mappings and reading every page, the other keeps
 * changing the pages; the reader sees only values the pages held, and at
 * the end every mapping shows what pread() shows.  The debugfs knob
 * delay_unlocked_faults widens the window between the entry read and the
 * page lock, where those changes must be noticed.
 */
#define RACE_PAGES 32
#define RACE_TAG(round, page) (0x5eedULL << 48 | (__u64)(round) << 16 | (page))

struct refault_race {
	char *p;
	int stop;
	long reads;
	long bad;
};

static void *refault_reader(void *a)
{
	struct refault_race *r = a;
	unsigned int i;
	__u64 v;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		if (madvise(r->p, RACE_PAGES * PAGE, MADV_DONTNEED))
			r->bad++;
		for (i = 0; i < RACE_PAGES; i++) {
			v = *(volatile __u64 *)(r->p + i * PAGE);
			if (v && (v >> 48 != 0x5eed || (v & 0xffff) != i))
				r->bad++;
			r->reads++;
		}
	}
	return NULL;
}

static int race_write(int fd, unsigned int round, unsigned int i)
{
	__u64 v = RACE_TAG(round, i);

	return pwrite(fd, &v, sizeof(v), i * PAGE) == sizeof(v) ? 0 : -1;
}

TEST(refaults_racing_discards_copies_and_restores_never_keep_a_lost_frame)
{
	struct refault_race r = { 0 };
	struct vmarena_ckpt ck;
	int fd = open_space(_metadata);
	unsigned int round, i;
	__u64 v, w;
	pthread_t th;

	r.p = map(fd, RACE_PAGES, 0);
	ASSERT_NE(NULL, r.p);
	ASSERT_EQ(0, write_str(VMARENA_DBG "delay_unlocked_faults", "200"));
	for (i = 0; i < RACE_PAGES; i++)
		ASSERT_EQ(0, race_write(fd, 0, i));
	ASSERT_EQ(0, pthread_create(&th, NULL, refault_reader, &r));
	for (round = 1; round < 200; round++) {
		for (i = 0; i < RACE_PAGES; i++) {
			ASSERT_EQ(0, discard(fd, i * PAGE, PAGE));
			ASSERT_EQ(0, race_write(fd, round, i));
		}
		memset(&ck, 0, sizeof(ck));
		ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_CHECKPOINT, &ck));
		for (i = 0; i < RACE_PAGES; i++)	/* each a copy */
			ASSERT_EQ(0, race_write(fd, round + 1000, i));
		if (round % 3 == 1) {
			ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_RESTORE, &ck));
		} else if (round % 3 == 2) {	/* in place: copies, sets back */
			ASSERT_LE(0, ioctl(fd, VMARENA_IOC_REWIND,
					   (unsigned long)ck.generation));
		}
		ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_CKPT_DROP, &ck));
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	ASSERT_EQ(0, write_str(VMARENA_DBG "delay_unlocked_faults", "0"));
	EXPECT_EQ(0, r.bad);
	EXPECT_LT(0, r.reads);
	EXPECT_LT(0, space_stat(fd, VMARENA_SPACE_STAT_FAULTS_MINOR));
	for (i = 0; i < RACE_PAGES; i++) {
		v = *(volatile __u64 *)(r.p + i * PAGE);
		ASSERT_EQ(sizeof(w), pread(fd, &w, sizeof(w), i * PAGE));
		EXPECT_EQ(w, v) TH_LOG("page %u: mapped %llx, space %llx", i,
				       (unsigned long long)v, (unsigned long long)w);
	}
	munmap(r.p, RACE_PAGES * PAGE);
	close(fd);
}

/*
 * Writes race write-protection.  The write notification of a page whose
 * entry is written and writable already (W) goes without the space lock
 * (access.c, vmarena_space_write_unlocked()); CLONE and CHECKPOINT clear
 * W, then wait for a page lock they find.  A writable mapping made across
 * that would let later writes into the pages the clone or the generation
 * shares.  One thread keeps dropping its mappings and writing every page
 * (a write fault, or a read then a write, each with its notification),
 * then writing them again through the mappings it made writable, while
 * the other takes a clone or a generation, reads it, waits for the
 * writer's pass to end and reads it again: nothing may have changed.
 * delay_unlocked_faults widens the window between the entry read and the
 * page lock.
 */
struct write_race {
	char *p;
	int stop;
	unsigned long passes;
	pthread_mutex_t lock;
	pthread_cond_t passed;
};

static void *race_writer(void *a)
{
	struct write_race *r = a;
	unsigned long pass;
	unsigned int i;

	for (pass = 1; !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE); pass++) {
		madvise(r->p, RACE_PAGES * PAGE, MADV_DONTNEED);
		for (i = 0; i < RACE_PAGES; i++) {
			if (pass & 1)	/* mapped read-only first */
				(void)*(volatile __u64 *)(r->p + i * PAGE);
			*(volatile __u64 *)(r->p + i * PAGE) = RACE_TAG(pass, i);
		}
		/* Again, through the mappings made writable, if they still are. */
		for (i = 0; i < RACE_PAGES * 2; i++)
			*(volatile __u64 *)(r->p + i % RACE_PAGES * PAGE) =
				RACE_TAG(pass + 0x1000, i);
		pthread_mutex_lock(&r->lock);
		r->passes = pass;
		pthread_cond_broadcast(&r->passed);
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

/* Until the writer's pass under way ends: its writes are all made. */
static void race_wait_pass(struct write_race *r)
{
	unsigned long now;

	pthread_mutex_lock(&r->lock);
	now = r->passes;
	while (r->passes < now + 1)
		pthread_cond_wait(&r->passed, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

/* What generation @gen holds: its EXPORT stream, into @buf. */
static ssize_t race_export(int fd, __u64 gen, char *buf, size_t size)
{
	struct vmarena_export e = { .generation = gen };
	ssize_t n = -1;

	e.fd = memfd_create("stream", MFD_CLOEXEC);
	if (e.fd >= 0 && !ioctl(fd, VMARENA_IOC_EXPORT, &e))
		n = pread(e.fd, buf, size, 0);
	close(e.fd);
	return n;
}

TEST(writes_racing_clones_and_checkpoints_never_reach_them)
{
	size_t size = (RACE_PAGES + 4) * (PAGE + 64);
	char *s1 = malloc(size), *s2 = malloc(size);
	__u64 a[RACE_PAGES], b[RACE_PAGES];
	struct write_race r = { .lock = PTHREAD_MUTEX_INITIALIZER,
				.passed = PTHREAD_COND_INITIALIZER };
	struct vmarena_clone cl;
	struct vmarena_ckpt ck;
	int fd = open_space(_metadata);
	unsigned int round, i;
	ssize_t n1, n2;
	pthread_t th;

	ASSERT_NE(NULL, s1);
	ASSERT_NE(NULL, s2);
	r.p = map(fd, RACE_PAGES, 0);
	ASSERT_NE(NULL, r.p);
	ASSERT_EQ(0, write_str(VMARENA_DBG "delay_unlocked_faults", "200"));
	ASSERT_EQ(0, pthread_create(&th, NULL, race_writer, &r));
	for (round = 0; round < 100; round++) {
		memset(&cl, 0, sizeof(cl));
		ASSERT_LE(0, ioctl(fd, VMARENA_IOC_CLONE, &cl));
		for (i = 0; i < RACE_PAGES; i++)
			ASSERT_EQ(8, pread(cl.fd, &a[i], 8, i * PAGE));
		race_wait_pass(&r);
		for (i = 0; i < RACE_PAGES; i++)
			ASSERT_EQ(8, pread(cl.fd, &b[i], 8, i * PAGE));
		close(cl.fd);
		ASSERT_EQ(0, memcmp(a, b, sizeof(a))) TH_LOG("clone, round %u", round);
		memset(&ck, 0, sizeof(ck));
		ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_CHECKPOINT, &ck));
		n1 = race_export(fd, ck.generation, s1, size);
		race_wait_pass(&r);
		n2 = race_export(fd, ck.generation, s2, size);
		ASSERT_LT(0, n1);
		ASSERT_EQ(n1, n2);
		ASSERT_EQ(0, memcmp(s1, s2, n1)) TH_LOG("generation, round %u", round);
		ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_CKPT_DROP, &ck));
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	ASSERT_EQ(0, write_str(VMARENA_DBG "delay_unlocked_faults", "0"));
	EXPECT_LE(2 * round, r.passes);
	EXPECT_LE(r.passes * RACE_PAGES,
		  space_stat(fd, VMARENA_SPACE_STAT_WRITE_NOTIFY));
	munmap(r.p, RACE_PAGES * PAGE);
	free(s1);
	free(s2);
	close(fd);
}

TEST(debugfs_pagetable_and_stats_agree_with_translate)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 520, 0), path[96], line[128];
	struct vmarena_info info;
	struct vmarena_pte_info e;
	unsigned long long page, frame, nodes, resident = ~0ULL;
	unsigned int entries = 0, level, levels = 0;
	char flags[16];
	FILE *f;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_INFO, &info));
	p[0] = 1;
	p[519 * PAGE] = 2;		/* the next leaf node */
	snprintf(path, sizeof(path), "/sys/kernel/debug/vmarena/spaces/%llu/pagetable",
		 (unsigned long long)info.space_id);
	f = fopen(path, "r");
	if (!f)
		SKIP(return, "debugfs not readable");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "# level %u nodes %llu", &level, &nodes) == 2) {
			EXPECT_EQ(level < 3 ? 1 : 2, nodes);
			levels++;
		} else if (sscanf(line, "%llu %llu %15s", &page, &frame, flags) == 3) {
			ASSERT_EQ(0, translate(fd, page * PAGE, 1, &e));
			EXPECT_EQ(e.frame, frame);
			EXPECT_STREQ("p-daw--", flags);
			entries++;
		}
	}
	fclose(f);
	EXPECT_EQ(4, levels);
	EXPECT_EQ(2, entries);
	snprintf(path, sizeof(path), "/sys/kernel/debug/vmarena/spaces/%llu/stats",
		 (unsigned long long)info.space_id);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		sscanf(line, "resident %llu", &resident);
	fclose(f);
	EXPECT_EQ(2, resident);
	EXPECT_EQ(5, space_stat(fd, VMARENA_SPACE_STAT_PT_FRAMES));
	munmap(p, 520 * PAGE);
	close(fd);
	EXPECT_NE(0, access(path, F_OK));	/* the directory went with the space */
}

TEST_HARNESS_MAIN
