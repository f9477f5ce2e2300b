// SPDX-License-Identifier: GPL-2.0
/*
 * trace_test.c - the tracepoints of the vmarena system that need no swap
 * device: each one's fields, for a workload whose values are known (the
 * space id from INFO, the page touched, the frame TRANSLATE shows, the
 * generation CHECKPOINT returned, the fault's kind).  The events of
 * eviction, swap and reclaim are checked by paging_test_trace_test.c.
 *
 * Runs in the VM, as root, with the module loaded and tracefs mounted
 * (run_vmarena.sh); also built as a 32-bit program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "kselftest_harness.h"
#include "space_util.h"
#include "cow_util.h"
#include "vm_util.h"
#include "trace_util.h"

static __u64 space_id(struct __test_metadata *_metadata, int fd)
{
	struct vmarena_info info;

	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_INFO, &info));
	return info.space_id;
}

static char peek(const char *p)
{
	return *(volatile const char *)p;
}

/* Every test leaves every vmarena event off, even when it fails. */
FIXTURE(tp) {
	int unused;
};

FIXTURE_SETUP(tp)
{
}

FIXTURE_TEARDOWN(tp)
{
	trace_stop();
}

TEST_F(tp, space_create_and_space_destroy_carry_the_space_id_once_each)
{
	const char *const ev[] = { "space_create", "space_destroy", NULL };
	long long deadline;
	int fd;
	__u64 id;

	trace_start(_metadata, ev);
	fd = open_space(_metadata);
	id = space_id(_metadata, fd);
	close(fd);
	/* The last reference may be dropped by the daemon's round: poll. */
	deadline = now_ms() + 30000;
	while (trace_count(NULL, "space_destroy: space=%llu\n", id) < 1 &&
	       now_ms() < deadline)
		poll_pause(10);
	EXPECT_EQ(1, trace_count(NULL, "space_create: space=%llu\n", id));
	EXPECT_EQ(1, trace_count(NULL, "space_destroy: space=%llu\n", id));
}

TEST_F(tp, a_first_touch_is_a_kind_0_fault_of_its_page_and_new_frame)
{
	const char *const ev[] = { "fault", "frames_alloc", NULL };
	int fd = open_space(_metadata);
	char line[512], *p = map(fd, 4, 16 * PAGE);	/* pages 16..19 */
	__u64 id = space_id(_metadata, fd), frame;

	ASSERT_NE(NULL, p);
	trace_start(_metadata, ev);
	p[2 * PAGE] = 1;				/* page 18 */
	trace_stop();
	frame = frame_of(fd, 18);
	ASSERT_NE(~0ULL, frame);
	EXPECT_EQ(1, trace_count(line, "fault: space=%llu vpn=18 frame=%llu kind=%d ns=",
				 id, frame, VMARENA_FAULT_FIRST_TOUCH));
	EXPECT_LT(0, trace_field(line, "ns")) TH_LOG("%s", line);
	/* Then the write notification, which finds nothing to change. */
	EXPECT_EQ(1, trace_count(NULL, "fault: space=%llu vpn=18 frame=%llu kind=%d ns=",
				 id, frame, VMARENA_FAULT_WRITE_NOTIFY));
	EXPECT_EQ(2, trace_count(NULL, "fault: space=%llu ", id));
	/* The frame came from the arena as one order-0 block, once. */
	EXPECT_EQ(1, trace_count(NULL, "frames_alloc: frame=%llu order=0\n", frame));
	munmap(p, 4 * PAGE);
	close(fd);
}

/*
 * A read of a hole is kind 5 with no frame (4294967295) and allocates
 * nothing; the write after it gives the page its frame through
 * .pfn_mkwrite (kind 0), and the retried access maps it.
 */
TEST_F(tp, a_read_of_a_hole_is_kind_5_and_the_write_after_it_kind_0)
{
	const char *const ev[] = { "fault", "frames_alloc", NULL };
	int fd = open_space(_metadata);
	char line[512], *p = map(fd, 4, 16 * PAGE);	/* pages 16..19 */
	__u64 id = space_id(_metadata, fd), frame;

	if (!zero_page_mapped(_metadata))
		SKIP(return, NO_ZERO_PAGE);
	ASSERT_NE(NULL, p);
	trace_start(_metadata, ev);
	EXPECT_EQ(0, peek(p + 3 * PAGE));		/* page 19 */
	trace_stop();
	EXPECT_EQ(1, trace_count(line, "fault: space=%llu vpn=19 frame=%llu kind=%d ns=",
				 id, 4294967295ULL, VMARENA_FAULT_ZERO));
	EXPECT_EQ(1, trace_count(NULL, "fault: space=%llu ", id));
	EXPECT_EQ(0, flags_of(fd, 19));			/* still a hole */
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_PT_FRAMES));
	trace_start(_metadata, ev);
	p[3 * PAGE] = 5;
	trace_stop();
	frame = frame_of(fd, 19);
	ASSERT_NE(~0ULL, frame);
	EXPECT_EQ(1, trace_count(NULL, "fault: space=%llu vpn=19 frame=%llu kind=%d ns=",
				 id, frame, VMARENA_FAULT_FIRST_TOUCH));
	EXPECT_EQ(1, trace_count(NULL, "frames_alloc: frame=%llu order=0\n", frame));
	EXPECT_EQ(5, peek(p + 3 * PAGE));
	munmap(p, 4 * PAGE);
	close(fd);
}

TEST_F(tp, a_write_after_a_read_is_write_notify_and_a_refault_is_minor)
{
	const char *const ev[] = { "fault", NULL };
	int fd = open_space(_metadata);
	char *p = map(fd, 2, 0);
	__u64 id = space_id(_metadata, fd), frame;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, set_zero_page(false));	/* a read that takes a frame */
	EXPECT_EQ(0, peek(p + PAGE));			/* first touch, untraced */
	ASSERT_LE(0, zero_page_default());
	frame = frame_of(fd, 1);
	trace_start(_metadata, ev);
	p[PAGE] = 7;					/* write notify */
	ASSERT_EQ(0, madvise(p, 2 * PAGE, MADV_DONTNEED));
	EXPECT_EQ(7, peek(p + PAGE));			/* minor */
	trace_stop();
	EXPECT_EQ(1, trace_count(NULL, "fault: space=%llu vpn=1 frame=%llu kind=%d ns=",
				 id, frame, VMARENA_FAULT_WRITE_NOTIFY));
	EXPECT_EQ(1, trace_count(NULL, "fault: space=%llu vpn=1 frame=%llu kind=%d ns=",
				 id, frame, VMARENA_FAULT_MINOR));
	EXPECT_EQ(2, trace_count(NULL, "fault: space=%llu ", id));
	munmap(p, 2 * PAGE);
	close(fd);
}

TEST_F(tp, clone_carries_parent_child_and_pages)
{
	const char *const ev[] = { "clone", NULL };
	int fd = open_space(_metadata), c;
	char line[512], *p = map(fd, 3, 0);
	struct vmarena_clone cl = { .flags = VMARENA_CLONE_CLOEXEC };
	__u64 id = space_id(_metadata, fd);

	ASSERT_NE(NULL, p);
	fill_page(p, 0, 1);
	fill_page(p, 2, 3);				/* two pages, one hole */
	trace_start(_metadata, ev);
	c = ioctl(fd, VMARENA_IOC_CLONE, &cl);
	trace_stop();
	ASSERT_LE(0, c);
	EXPECT_EQ(cl.space_id, space_id(_metadata, c));
	EXPECT_EQ(1, trace_count(line, "clone: space=%llu child=%llu pages=2 ns=",
				 id, cl.space_id));
	EXPECT_LT(0, trace_field(line, "ns")) TH_LOG("%s", line);
	close(c);
	munmap(p, 3 * PAGE);
	close(fd);
}

/*
 * A write fault of the clone on a page it has not mapped copies the page
 * in .fault: one fault of kind 4 (COW) with the copy's frame, and one
 * cow_break from the parent's frame to the copy.
 */
TEST_F(tp, a_write_fault_on_a_shared_page_is_kind_4_and_a_cow_break_old_to_new)
{
	const char *const ev[] = { "fault", "cow_break", NULL };
	int fd = open_space(_metadata), c;
	char line[512], *p = map(fd, 2, 0), *q;
	__u64 pid = space_id(_metadata, fd), cid, old, new;

	ASSERT_NE(NULL, p);
	fill_page(p, 0, 0x11);
	fill_page(p, 1, 0x22);
	old = frame_of(fd, 1);
	c = clone_space(fd);
	ASSERT_LE(0, c);
	cid = space_id(_metadata, c);
	q = map(c, 2, 0);
	ASSERT_NE(NULL, q);
	trace_start(_metadata, ev);
	q[PAGE] = 0x33;
	trace_stop();
	new = frame_of(c, 1);
	EXPECT_NE(old, new);
	EXPECT_EQ(old, frame_of(fd, 1));
	EXPECT_EQ(1, trace_count(NULL, "fault: space=%llu vpn=1 frame=%llu kind=%d ns=",
				 cid, new, VMARENA_FAULT_COW));
	EXPECT_EQ(1, trace_count(line, "cow_break: space=%llu vpn=1 old=%llu new=%llu ns=",
				 cid, old, new));
	EXPECT_LT(0, trace_field(line, "ns")) TH_LOG("%s", line);
	EXPECT_EQ(1, trace_count(NULL, "cow_break: "));
	EXPECT_EQ(0, trace_count(NULL, "fault: space=%llu ", pid));
	EXPECT_TRUE(page_is(p, 1, 0x22));
	munmap(q, 2 * PAGE);
	close(c);
	munmap(p, 2 * PAGE);
	close(fd);
}

/* The same through a read-only mapping: .page_mkwrite copies. */
TEST_F(tp, a_write_after_a_read_of_a_shared_page_traces_one_cow_break)
{
	const char *const ev[] = { "cow_break", NULL };
	int fd = open_space(_metadata), c;
	char *p = map(fd, 1, 0), *q;
	__u64 cid, old;

	ASSERT_NE(NULL, p);
	fill_page(p, 0, 0x44);
	old = frame_of(fd, 0);
	c = clone_space(fd);
	ASSERT_LE(0, c);
	cid = space_id(_metadata, c);
	q = map(c, 1, 0);
	ASSERT_NE(NULL, q);
	EXPECT_EQ(0x44, peek(q));
	trace_start(_metadata, ev);
	q[0] = 0x55;
	trace_stop();
	EXPECT_EQ(1, trace_count(NULL, "cow_break: space=%llu vpn=0 old=%llu new=%llu ns=",
				 cid, old, frame_of(c, 0)));
	EXPECT_EQ(1, trace_count(NULL, "cow_break: "));
	EXPECT_TRUE(page_is(p, 0, 0x44));
	munmap(q, PAGE);
	close(c);
	munmap(p, PAGE);
	close(fd);
}

TEST_F(tp, checkpoint_and_restore_carry_the_generation_and_the_pages)
{
	const char *const ev[] = { "checkpoint", "restore", NULL };
	int fd = open_space(_metadata);
	char line[512], *p = map(fd, 4, 0);
	__u64 id = space_id(_metadata, fd);
	__u64 g1 = 0, g2 = 0, n1 = 0, n2 = 0, r = 0;

	ASSERT_NE(NULL, p);
	fill_page(p, 0, 1);
	fill_page(p, 1, 2);
	fill_page(p, 2, 3);
	trace_start(_metadata, ev);
	ASSERT_EQ(0, ckpt_call(fd, VMARENA_IOC_CHECKPOINT, &g1, &n1));
	fill_page(p, 3, 4);
	ASSERT_EQ(0, ckpt_call(fd, VMARENA_IOC_CHECKPOINT, &g2, &n2));
	r = g1;
	ASSERT_EQ(0, ckpt_call(fd, VMARENA_IOC_RESTORE, &r, &n1));
	trace_stop();
	EXPECT_EQ(3, n1);
	EXPECT_EQ(4, n2);
	EXPECT_EQ(g1 + 1, g2);
	EXPECT_EQ(1, trace_count(line, "checkpoint: space=%llu gen=%llu pages=3 ns=",
				 id, g1));
	EXPECT_LT(0, trace_field(line, "ns")) TH_LOG("%s", line);
	EXPECT_EQ(1, trace_count(NULL, "checkpoint: space=%llu gen=%llu pages=4 ns=",
				 id, g2));
	EXPECT_EQ(1, trace_count(line, "restore: space=%llu gen=%llu pages=3 ns=",
				 id, g1));
	EXPECT_LT(0, trace_field(line, "ns")) TH_LOG("%s", line);
	EXPECT_EQ(2, trace_count(NULL, "checkpoint: "));
	EXPECT_EQ(1, trace_count(NULL, "restore: "));
	EXPECT_TRUE(page_is(p, 3, 0));
	munmap(p, 4 * PAGE);
	close(fd);
}

TEST_F(tp, rewind_carries_the_pages_copied_and_reset_and_whether_it_restored)
{
	const char *const ev[] = { "rewind", NULL };
	int fd = open_space(_metadata);
	char line[512], *p = map(fd, 4, 0);
	__u64 id = space_id(_metadata, fd);
	__u64 g1, g2;

	ASSERT_NE(NULL, p);
	fill_page(p, 0, 1);
	fill_page(p, 1, 2);
	g1 = checkpoint(fd);
	g2 = checkpoint(fd);
	ASSERT_NE(0, g1);
	ASSERT_NE(0, g2);
	fill_page(p, 0, 3);	/* copied back */
	fill_page(p, 2, 4);	/* a hole again */
	trace_start(_metadata, ev);
	ASSERT_EQ(1, ioctl(fd, VMARENA_IOC_REWIND, (unsigned long)g2));
	/* Not the generation tracked: a restore. */
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_REWIND, (unsigned long)g1));
	trace_stop();
	EXPECT_EQ(1, trace_count(line, "rewind: space=%llu gen=%llu copied=1 reset=1 full=0 ns=",
				 id, g2));
	EXPECT_LT(0, trace_field(line, "ns")) TH_LOG("%s", line);
	EXPECT_EQ(1, trace_count(NULL, "rewind: space=%llu gen=%llu copied=0 reset=0 full=1 ns=",
				 id, g1));
	EXPECT_EQ(2, trace_count(NULL, "rewind: "));
	EXPECT_TRUE(page_is(p, 0, 1));
	EXPECT_TRUE(page_is(p, 2, 0));
	munmap(p, 4 * PAGE);
	close(fd);
}

TEST_F(tp, discard_traces_frames_free_of_the_pages_frame_once)
{
	const char *const ev[] = { "frames_free", NULL };
	int fd = open_space(_metadata);
	char *p = map(fd, 1, 0);
	__u64 frame;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	frame = frame_of(fd, 0);
	munmap(p, PAGE);
	trace_start(_metadata, ev);
	ASSERT_EQ(0, discard(fd, 0, PAGE));
	trace_stop();
	EXPECT_EQ(1, trace_count(NULL, "frames_free: frame=%llu order=0\n", frame));
	close(fd);
}

TEST_HARNESS_MAIN
