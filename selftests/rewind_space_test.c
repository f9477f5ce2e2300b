// SPDX-License-Identifier: GPL-2.0
/*
 * rewind_space_test.c - REWIND: RESTORE in place, at a cost that grows
 * with what changed (Documentation/abi.rst).  The swapped-page cases are
 * in paging_test.c.
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
#include <unistd.h>

#include <linux/vmarena.h>

#include "kselftest_harness.h"

#include "space_util.h"
#include "cow_util.h"

#define N 128

FIXTURE(rw) {
	int fd;
	char *p;
	unsigned char model[N];		/* a byte a page: the generation's */
};

FIXTURE_SETUP(rw)
{
	unsigned int i;

	self->fd = open_space(_metadata);
	self->p = map(self->fd, N, 0);
	ASSERT_NE(NULL, self->p);
	srand(7);
	for (i = 0; i < N; i++)
		self->model[i] = 0;
}

FIXTURE_TEARDOWN(rw)
{
	munmap(self->p, N * PAGE);
	close(self->fd);
}

/* The first @pages pages filled with distinct bytes, then a generation. */
static __u64 fill_and_take(int fd, char *p, unsigned char *model,
			   unsigned int pages)
{
	unsigned int i;

	for (i = 0; i < pages; i++) {
		model[i] = 1 + i % 250;
		fill_page(p, i, model[i]);
	}
	return checkpoint(fd);
}

/* The space's N pages, against a byte a page. */
#define matches(p, model) pages_match(p, model, N)

/* What one REWIND did: its return value, and its space's counters. */
struct rw_res {
	__u64 pages;	/* the space's pages afterwards */
	__u64 copied;	/* the return value */
	__u64 reset;	/* rewind_resets' step */
	__u64 result;	/* rewind_restores' step: 1 when done as a RESTORE */
};

static int rewind_to(int fd, __u64 gen, struct rw_res *r)
{
	__u64 resets = space_stat(fd, VMARENA_SPACE_STAT_REWIND_RESETS);
	__u64 restores = space_stat(fd, VMARENA_SPACE_STAT_REWIND_RESTORES);
	long n = ioctl(fd, VMARENA_IOC_REWIND, (unsigned long)gen);

	if (n < 0)
		return -errno;
	r->copied = n;
	r->reset = space_stat(fd, VMARENA_SPACE_STAT_REWIND_RESETS) - resets;
	r->result = space_stat(fd, VMARENA_SPACE_STAT_REWIND_RESTORES) - restores;
	r->pages = space_stat(fd, VMARENA_SPACE_STAT_PAGES);
	return 0;
}

/* Faults of every kind the space took so far. */
static __u64 faults(int fd)
{
	return space_stat(fd, VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH) +
	       space_stat(fd, VMARENA_SPACE_STAT_FAULTS_MINOR) +
	       space_stat(fd, VMARENA_SPACE_STAT_WRITE_NOTIFY) +
	       space_stat(fd, VMARENA_SPACE_STAT_COW_BREAKS) +
	       space_stat(fd, VMARENA_SPACE_STAT_COW_REUSES);
}

TEST_F(rw, rewind_gives_the_generation_copying_back_the_pages_written)
{
	struct rw_res r;
	__u64 gen = fill_and_take(self->fd, self->p, self->model, N);
	unsigned int i;

	ASSERT_NE(0, gen);
	for (i = 0; i < 10; i++)
		fill_page(self->p, i * 7, 0xee);
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	EXPECT_EQ(N, r.pages);
	EXPECT_EQ(10, r.copied);
	EXPECT_EQ(0, r.reset);
	EXPECT_EQ(0, r.result);
	EXPECT_TRUE(matches(self->p, self->model));
	/* Read through a new mapping too. */
	{
		char *q = map(self->fd, N, 0);

		ASSERT_NE(NULL, q);
		EXPECT_TRUE(matches(q, self->model));
		munmap(q, N * PAGE);
	}
	/* Pages copied back stay noted: copied again, written or not. */
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	EXPECT_EQ(10, r.copied);
	EXPECT_TRUE(matches(self->p, self->model));
	EXPECT_EQ(2, space_stat(self->fd, VMARENA_SPACE_STAT_REWINDS));
	EXPECT_EQ(20, space_stat(self->fd, VMARENA_SPACE_STAT_REWIND_COPIES));
	EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_RESTORES));
}

TEST_F(rw, a_rewind_with_nothing_written_copies_nothing)
{
	struct rw_res r;
	__u64 gen = fill_and_take(self->fd, self->p, self->model, N);
	volatile char sink;
	unsigned int i;

	for (i = 0; i < N; i++)
		sink = self->p[i * PAGE];	/* reads are no change */
	(void)sink;
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	EXPECT_EQ(0, r.copied + r.reset + r.result);
	EXPECT_EQ(N, r.pages);
	EXPECT_TRUE(matches(self->p, self->model));
}

/*
 * Nothing written is REWIND's shortest path: it must still see another
 * generation, a pin and a dropped generation.
 */
TEST_F(rw, a_rewind_with_nothing_written_still_checks_its_generation)
{
	unsigned char model1[N];
	struct rw_res r;
	__u64 gen1, gen2;

	gen1 = fill_and_take(self->fd, self->p, self->model, N);
	memcpy(model1, self->model, N);
	fill_page(self->p, 5, 0x55);
	self->model[5] = 0x55;
	gen2 = checkpoint(self->fd);
	/* Nothing written since gen2, but gen1 is asked for. */
	ASSERT_EQ(0, rewind_to(self->fd, gen1, &r));
	EXPECT_EQ(1, r.result);
	EXPECT_TRUE(matches(self->p, model1));
	ASSERT_EQ(0, rewind_to(self->fd, gen2, &r));
	EXPECT_TRUE(matches(self->p, self->model));
	ASSERT_EQ(0, rewind_to(self->fd, gen2, &r));
	EXPECT_EQ(0, r.copied + r.reset + r.result);
	ASSERT_EQ(0, range_ioctl(self->fd, VMARENA_IOC_PIN, 0, PAGE));
	EXPECT_EQ(-EBUSY, rewind_to(self->fd, gen2, &r));
	ASSERT_EQ(0, range_ioctl(self->fd, VMARENA_IOC_UNPIN, 0, PAGE));
	ASSERT_EQ(0, rewind_to(self->fd, gen2, &r));
	ASSERT_EQ(0, rewind_to(self->fd, gen2, &r));
	EXPECT_EQ(0, r.copied + r.reset + r.result);
	ASSERT_EQ(0, ckpt_call(self->fd, VMARENA_IOC_CKPT_DROP, &gen2, NULL));
	EXPECT_EQ(-ENOENT, rewind_to(self->fd, gen2, &r));
	EXPECT_TRUE(matches(self->p, self->model));
	EXPECT_EQ(5, space_stat(self->fd, VMARENA_SPACE_STAT_REWINDS));
}

TEST_F(rw, writing_the_same_pages_again_after_a_rewind_takes_no_fault)
{
	struct rw_res r;
	__u64 gen = fill_and_take(self->fd, self->p, self->model, N);
	unsigned int i, round;
	__u64 before;

	for (i = 0; i < 10; i++)
		fill_page(self->p, i * 11, 0x5a);
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	/* Every page mapped (CHECKPOINT may have zapped the mappings). */
	ASSERT_TRUE(matches(self->p, self->model));
	before = faults(self->fd);
	for (round = 0; round < 5; round++) {
		for (i = 0; i < 10; i++)
			fill_page(self->p, i * 11, 0x60 + round);
		ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
		EXPECT_EQ(10, r.copied);
		EXPECT_TRUE(matches(self->p, self->model));
	}
	EXPECT_EQ(before, faults(self->fd));
}

TEST_F(rw, new_pages_become_holes_and_discarded_pages_come_back)
{
	struct rw_res r;
	__u64 gen = fill_and_take(self->fd, self->p, self->model, 64);
	unsigned int i;
	int zp;

	for (i = 64; i < 74; i++)
		fill_page(self->p, i, 0x33);		/* first touches */
	ASSERT_EQ(0, discard(self->fd, 0, 5 * PAGE));	/* holes in the space */
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	EXPECT_EQ(64, r.pages);
	EXPECT_EQ(15, r.reset);
	EXPECT_EQ(0, r.copied);
	EXPECT_EQ(64, space_stat(self->fd, VMARENA_SPACE_STAT_PAGES));
	EXPECT_TRUE(matches(self->p, self->model));
	/*
	 * Reading the 64 holes mapped the zero page: nothing to set back.
	 * Where the kernel refuses the zero page (Linux 6.12) the reads took
	 * frames, and the rewind makes the 64 pages holes again.
	 */
	zp = zero_page_default();
	ASSERT_LE(0, zp);
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	EXPECT_EQ(zp ? 0 : 64, r.reset);
	EXPECT_EQ(64, space_stat(self->fd, VMARENA_SPACE_STAT_PAGES));
	/* Nothing left noted. */
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	EXPECT_EQ(0, r.copied + r.reset + r.result);
}

TEST_F(rw, get_dirty_after_a_rewind_reports_only_later_writes)
{
	struct rw_res r;
	__u64 gen = fill_and_take(self->fd, self->p, self->model, N);
	__u64 bitmap[N / 64];
	unsigned int i;

	for (i = 0; i < 20; i++)
		fill_page(self->p, i * 5, 0xab);
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	EXPECT_EQ(0, get_dirty(self->fd, gen, N, memset(bitmap, 0, sizeof(bitmap)), 0));
	fill_page(self->p, 5, 0xcd);		/* a page copied back */
	fill_page(self->p, 6, 0xcd);		/* one never written */
	EXPECT_EQ(2, get_dirty(self->fd, gen, N, memset(bitmap, 0, sizeof(bitmap)), 0));
	EXPECT_TRUE(bit_of(bitmap, 5));
	EXPECT_TRUE(bit_of(bitmap, 6));
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	EXPECT_EQ(0, get_dirty(self->fd, gen, N, memset(bitmap, 0, sizeof(bitmap)), 0));
	EXPECT_TRUE(matches(self->p, self->model));
}

TEST_F(rw, another_generation_or_a_pin_make_it_a_restore)
{
	struct rw_res r;
	unsigned char model1[N];
	__u64 gen1, gen2;

	gen1 = fill_and_take(self->fd, self->p, self->model, N);
	memcpy(model1, self->model, N);
	fill_page(self->p, 3, 0x77);
	gen2 = checkpoint(self->fd);
	ASSERT_NE(0, gen2);
	ASSERT_EQ(0, rewind_to(self->fd, gen1, &r));	/* gen2 is tracked */
	EXPECT_EQ(1, r.result);
	EXPECT_TRUE(matches(self->p, model1));
	fill_page(self->p, 3, 0x78);
	ASSERT_EQ(0, rewind_to(self->fd, gen1, &r));	/* now gen1 is */
	EXPECT_EQ(0, r.result);
	EXPECT_TRUE(matches(self->p, model1));
	ASSERT_EQ(0, range_ioctl(self->fd, VMARENA_IOC_PIN, 0, PAGE));
	ASSERT_EQ(0, range_ioctl(self->fd, VMARENA_IOC_UNPIN, 0, PAGE));
	fill_page(self->p, 3, 0x79);
	ASSERT_EQ(0, rewind_to(self->fd, gen1, &r));
	EXPECT_EQ(1, r.result);
	EXPECT_TRUE(matches(self->p, model1));
	fill_page(self->p, 3, 0x7a);
	ASSERT_EQ(0, rewind_to(self->fd, gen1, &r));
	EXPECT_EQ(0, r.result);
	EXPECT_TRUE(matches(self->p, model1));
	/* Dropping the tracked generation's sibling changes nothing. */
	ASSERT_EQ(0, ckpt_call(self->fd, VMARENA_IOC_CKPT_DROP, &gen2, NULL));
	fill_page(self->p, 3, 0x7b);
	ASSERT_EQ(0, rewind_to(self->fd, gen1, &r));
	EXPECT_EQ(0, r.result);
	EXPECT_TRUE(matches(self->p, model1));
}

TEST_F(rw, a_page_shared_with_a_clone_is_set_back_and_the_clone_keeps_it)
{
	struct rw_res r;
	__u64 gen = fill_and_take(self->fd, self->p, self->model, N);
	char *q;
	int c;

	fill_page(self->p, 9, 0x41);
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	EXPECT_EQ(1, r.copied);
	fill_page(self->p, 9, 0x42);	/* its own frame, written in place */
	c = clone_space(self->fd);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
	EXPECT_EQ(0, r.copied);
	EXPECT_EQ(1, r.reset);
	EXPECT_TRUE(matches(self->p, self->model));
	q = map(c, N, 0);
	ASSERT_NE(NULL, q);
	EXPECT_TRUE(page_is(q, 9, 0x42));
	EXPECT_TRUE(page_is(q, 10, self->model[10]));
	munmap(q, N * PAGE);
	close(c);
}

/* Random writes, first touches and discards; each rewind must equal N. */
TEST_F(rw, rounds_of_random_changes_always_rewind_to_the_generation)
{
	struct rw_res r;
	__u64 gen = fill_and_take(self->fd, self->p, self->model, N / 2);
	__u64 bitmap[N / 64];
	unsigned int round, i, page;

	for (round = 0; round < 50; round++) {
		for (i = 0; i < 12; i++) {
			page = rand() % N;
			if (rand() % 8)
				fill_page(self->p, page, 1 + rand() % 255);
			else
				ASSERT_EQ(0, discard(self->fd, page * PAGE, PAGE));
		}
		ASSERT_EQ(0, rewind_to(self->fd, gen, &r));
		EXPECT_EQ(0, r.result);
		EXPECT_EQ(N / 2, r.pages);
		ASSERT_TRUE(matches(self->p, self->model));
		ASSERT_EQ(0, get_dirty(self->fd, gen, N,
				       memset(bitmap, 0, sizeof(bitmap)), 0));
	}
}

TEST(bad_arguments_are_refused_and_change_nothing)
{
	int fd = open_space(_metadata), ro;
	char *p = map(fd, 1, 0);
	struct rw_res r;
	__u64 gen;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	gen = checkpoint(fd);
	p[0] = 2;
	EXPECT_EQ(-ENOENT, rewind_to(fd, 0, &r));
	EXPECT_EQ(-ENOENT, rewind_to(fd, gen + 1, &r));
	EXPECT_EQ(-ENOENT, rewind_to(fd, (unsigned long)-1, &r));
	/* A structure's size in the command is another command. */
	EXPECT_EQ(-1, ioctl(fd, _IOWR(VMARENA_IOC_MAGIC, 0x0f, __u64), &gen));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(2, p[0]);
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, 0, PAGE));
	EXPECT_EQ(-EBUSY, rewind_to(fd, gen, &r));
	EXPECT_EQ(2, p[0]);
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_UNPIN, 0, PAGE));
	ro = open("/dev/vmarena", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EBADF, rewind_to(ro, 1, &r));
	close(ro);
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_REWINDS));
	EXPECT_EQ(0, rewind_to(fd, gen, &r));
	EXPECT_EQ(1, p[0]);
	munmap(p, PAGE);
	close(fd);
}

TEST(every_frame_comes_back_after_rewinds)
{
	int fd = open_space(_metadata);
	__u64 free0 = global_stat(fd, VMARENA_STAT_FREE_FRAMES);
	struct rw_res r;
	char *p = map(fd, 64, 0);
	unsigned int round, i;
	__u64 gen;

	ASSERT_NE(NULL, p);
	for (i = 0; i < 32; i++)
		fill_page(p, i, i + 1);
	gen = checkpoint(fd);
	for (round = 0; round < 10; round++) {
		for (i = round; i < 64; i += 5)
			fill_page(p, i, 0xf0);
		ASSERT_EQ(0, rewind_to(fd, gen, &r));
	}
	munmap(p, 64 * PAGE);
	close(fd);
	expect_all_frames_back(_metadata, free0);
}

TEST_HARNESS_MAIN
