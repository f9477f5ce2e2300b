// SPDX-License-Identifier: GPL-2.0
/*
 * cow_test.c - copy-on-write clones (CLONE): isolation both ways, across
 * processes, clones of clones, lifetimes and what sharing costs.  The
 * swapped-page cases are in paging_test.c (they need the swap device).
 *
 * Runs in the VM, as root, with the module loaded (run_vmarena.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include "cow_util.h"

#define N 32

/* A parent with N pages, page i filled with i + 1, and its clone. */
FIXTURE(pair) {
	int parent, clone;
	char *p, *c;
};

FIXTURE_SETUP(pair)
{
	unsigned int i;

	self->parent = open_space(_metadata);
	self->p = map(self->parent, N, 0);
	ASSERT_NE(NULL, self->p);
	for (i = 0; i < N; i++)
		fill_page(self->p, i, i + 1);
	self->clone = clone_space(self->parent);
	ASSERT_LE(0, self->clone);
	self->c = map(self->clone, N, 0);
	ASSERT_NE(NULL, self->c);
}

FIXTURE_TEARDOWN(pair)
{
	munmap(self->p, N * PAGE);
	munmap(self->c, N * PAGE);
	close(self->clone);
	close(self->parent);
}

TEST_F(pair, the_clone_sees_the_parents_pages_sharing_their_frames)
{
	unsigned int i;

	for (i = 0; i < N; i++) {
		ASSERT_TRUE(page_is(self->c, i, i + 1));
		ASSERT_EQ(frame_of(self->parent, i), frame_of(self->clone, i));
		ASSERT_TRUE(flags_of(self->clone, i) & VMARENA_PTE_INFO_COW);
		ASSERT_TRUE(flags_of(self->parent, i) & VMARENA_PTE_INFO_COW);
	}
	EXPECT_EQ(N, space_stat(self->clone, VMARENA_SPACE_STAT_PAGES));
	EXPECT_EQ(0, space_stat(self->clone, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_LE(N, global_stat(self->clone, VMARENA_STAT_PAGES_SHARED));
}

TEST_F(pair, no_write_of_the_parent_reaches_the_clone)
{
	unsigned int i;

	for (i = 0; i < N; i += 2)
		fill_page(self->p, i, 0xaa);
	for (i = 0; i < N; i++) {
		ASSERT_TRUE(page_is(self->c, i, i + 1));
		ASSERT_TRUE(page_is(self->p, i, i % 2 ? i + 1 : 0xaa));
	}
	EXPECT_EQ(N / 2, space_stat(self->parent, VMARENA_SPACE_STAT_COW_BREAKS));
}

TEST_F(pair, no_write_of_the_clone_reaches_the_parent)
{
	unsigned int i;

	for (i = 0; i < N; i++)
		fill_page(self->c, i, 0x55);
	for (i = 0; i < N; i++) {
		ASSERT_TRUE(page_is(self->p, i, i + 1));
		ASSERT_TRUE(page_is(self->c, i, 0x55));
	}
	EXPECT_EQ(N, space_stat(self->clone, VMARENA_SPACE_STAT_COW_BREAKS));
	EXPECT_EQ(N, space_stat(self->clone, VMARENA_SPACE_STAT_RESIDENT));
}

TEST_F(pair, a_write_copies_that_page_only)
{
	unsigned int i;

	self->c[5 * PAGE] = 'x';
	for (i = 0; i < N; i++)
		ASSERT_EQ(i == 5, frame_of(self->parent, i) != frame_of(self->clone, i));
	EXPECT_EQ('x', self->c[5 * PAGE]);
	EXPECT_EQ(6, self->c[5 * PAGE + 1]);
	EXPECT_TRUE(page_is(self->p, 5, 6));
}

TEST_F(pair, pwrite_to_the_clone_copies_and_pread_of_the_parent_is_unchanged)
{
	char buf[PAGE];

	memset(buf, 0x77, PAGE);
	ASSERT_EQ(PAGE, pwrite(self->clone, buf, PAGE, 3 * PAGE));
	ASSERT_EQ(PAGE, pread(self->parent, buf, PAGE, 3 * PAGE));
	EXPECT_EQ(4, buf[0]);
	EXPECT_EQ(4, buf[PAGE - 1]);
	EXPECT_TRUE(page_is(self->c, 3, 0x77));
}

TEST_F(pair, no_leak_between_spaces_mapped_in_other_processes)
{
	int go[2], done[2], status;
	pid_t pid;
	char b;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* A second process writes the clone through its own mapping. */
		char *m = map(self->clone, N, 0);

		if (!m || read(go[0], &b, 1) != 1)
			_exit(1);
		fill_page(m, 7, 0xc7);
		if (write(done[1], "x", 1) != 1)
			_exit(1);
		_exit(page_is(m, 8, 9) ? 0 : 2);
	}
	fill_page(self->p, 8, 0xe8);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(1, read(done[0], &b, 1));
	EXPECT_TRUE(page_is(self->c, 7, 0xc7));
	EXPECT_TRUE(page_is(self->p, 7, 8));
	EXPECT_TRUE(page_is(self->p, 8, 0xe8));
	EXPECT_TRUE(page_is(self->c, 8, 9));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(pair, a_clone_of_a_clone_is_isolated_from_both)
{
	int grand = clone_space(self->clone);
	char *g;

	ASSERT_LE(0, grand);
	g = map(grand, N, 0);
	ASSERT_NE(NULL, g);
	fill_page(self->p, 1, 0x11);
	fill_page(self->c, 2, 0x22);
	fill_page(g, 3, 0x33);
	EXPECT_TRUE(page_is(g, 1, 2));
	EXPECT_TRUE(page_is(g, 2, 3));
	EXPECT_TRUE(page_is(self->c, 1, 2));
	EXPECT_TRUE(page_is(self->c, 3, 4));
	EXPECT_TRUE(page_is(self->p, 2, 3));
	EXPECT_TRUE(page_is(self->p, 3, 4));
	EXPECT_TRUE(page_is(g, 3, 0x33));
	munmap(g, N * PAGE);
	close(grand);
}

TEST_F(pair, closing_the_parent_first_keeps_the_clones_pages)
{
	unsigned int i;

	munmap(self->p, N * PAGE);
	close(self->parent);
	self->p = map(self->clone, N, 0);	/* for the teardown */
	self->parent = dup(self->clone);
	for (i = 0; i < N; i++)
		ASSERT_TRUE(page_is(self->c, i, i + 1));
	/* The frames were charged to the parent: now to the clone. */
	EXPECT_EQ(N, space_stat(self->clone, VMARENA_SPACE_STAT_RESIDENT));
}

TEST_F(pair, the_last_sharer_writes_in_place_without_copying)
{
	__u64 frame = frame_of(self->parent, 4);
	__u64 breaks = global_stat(self->parent, VMARENA_STAT_COW_BREAKS);

	munmap(self->c, N * PAGE);
	close(self->clone);
	self->clone = dup(self->parent);
	self->c = map(self->parent, N, 0);
	self->p[4 * PAGE] = 'w';
	EXPECT_EQ(frame, frame_of(self->parent, 4));
	EXPECT_EQ(breaks, global_stat(self->parent, VMARENA_STAT_COW_BREAKS));
	EXPECT_EQ(1, space_stat(self->parent, VMARENA_SPACE_STAT_COW_REUSES));
	EXPECT_FALSE(flags_of(self->parent, 4) & VMARENA_PTE_INFO_COW);
}

TEST_F(pair, discard_in_the_clone_leaves_the_parents_page)
{
	ASSERT_EQ(0, discard(self->clone, 6 * PAGE, PAGE));
	EXPECT_TRUE(page_is(self->c, 6, 0));
	EXPECT_TRUE(page_is(self->p, 6, 7));
}

TEST(a_pinned_page_is_copied_at_clone_time_and_the_copy_is_not_pinned)
{
	int fd = open_space(_metadata), c;
	char *p = map(fd, 2, 0), *q;

	ASSERT_NE(NULL, p);
	fill_page(p, 0, 0x42);
	fill_page(p, 1, 0x43);
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, 0, PAGE));
	c = clone_space(fd);
	ASSERT_LE(0, c);
	EXPECT_NE(frame_of(fd, 0), frame_of(c, 0));
	EXPECT_EQ(frame_of(fd, 1), frame_of(c, 1));
	EXPECT_FALSE(flags_of(c, 0) & VMARENA_PTE_INFO_PINNED);
	EXPECT_TRUE(flags_of(fd, 0) & VMARENA_PTE_INFO_PINNED);
	EXPECT_FALSE(flags_of(fd, 0) & VMARENA_PTE_INFO_COW);
	p[0] = 1;
	q = map(c, 1, 0);
	ASSERT_NE(NULL, q);
	EXPECT_TRUE(page_is(q, 0, 0x42));
	munmap(q, PAGE);
	close(c);
	munmap(p, 2 * PAGE);
	close(fd);
}

TEST(pinning_a_shared_page_copies_it_first)
{
	int fd = open_space(_metadata), c;
	char *p = map(fd, 1, 0), *q;

	ASSERT_NE(NULL, p);
	fill_page(p, 0, 0x21);
	c = clone_space(fd);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, range_ioctl(c, VMARENA_IOC_PIN, 0, PAGE));
	EXPECT_NE(frame_of(fd, 0), frame_of(c, 0));
	EXPECT_TRUE(flags_of(c, 0) & VMARENA_PTE_INFO_PINNED);
	EXPECT_FALSE(flags_of(c, 0) & VMARENA_PTE_INFO_COW);
	p[0] = 0;
	/* The parent's write stays in the parent: the clone's copy is old. */
	q = map(c, 1, 0);
	ASSERT_NE(NULL, q);
	EXPECT_TRUE(page_is(q, 0, 0x21));
	EXPECT_EQ(0, p[0]);
	EXPECT_EQ(0x21, p[1]);
	munmap(q, PAGE);
	EXPECT_EQ(0, range_ioctl(c, VMARENA_IOC_UNPIN, 0, PAGE));
	close(c);
	munmap(p, PAGE);
	close(fd);
}

TEST(clone_refuses_unknown_flags_and_reserved_fields)
{
	int fd = open_space(_metadata);
	struct vmarena_clone c = { .flags = 2 };

	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_CLONE, &c));
	EXPECT_EQ(EINVAL, errno);
	c.flags = 0;
	c.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_CLONE, &c));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(a_clone_fd_reports_its_own_space_id)
{
	int fd = open_space(_metadata);
	struct vmarena_clone c = { 0 };
	struct vmarena_info a, b;
	int cfd = ioctl(fd, VMARENA_IOC_CLONE, &c);

	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_INFO, &a));
	ASSERT_EQ(0, ioctl(cfd, VMARENA_IOC_INFO, &b));
	EXPECT_NE(a.space_id, b.space_id);
	EXPECT_EQ(c.space_id, b.space_id);
	EXPECT_EQ(0, fcntl(cfd, F_GETFD) & FD_CLOEXEC);
	close(cfd);
	close(fd);
}

TEST(every_frame_comes_back_when_parent_and_clones_are_closed)
{
	int fd = open_space(_metadata), c1, c2;
	__u64 free0 = global_stat(fd, VMARENA_STAT_FREE_FRAMES);
	char *p = map(fd, N, 0), *q;
	unsigned int i;

	ASSERT_NE(NULL, p);
	for (i = 0; i < N; i++)
		fill_page(p, i, i);
	c1 = clone_space(fd);
	c2 = clone_space(c1);
	ASSERT_LE(0, c1);
	ASSERT_LE(0, c2);
	q = map(c2, N, 0);
	ASSERT_NE(NULL, q);
	for (i = 0; i < N; i += 3)
		fill_page(q, i, 0xee);
	munmap(p, N * PAGE);
	close(fd);
	close(c1);
	munmap(q, N * PAGE);
	fd = c2;
	EXPECT_EQ(N, space_stat(fd, VMARENA_SPACE_STAT_RESIDENT));
	close(fd);
	expect_all_frames_back(_metadata, free0);
}

TEST_HARNESS_MAIN
