// SPDX-License-Identifier: GPL-2.0
/*
 * regress_test.c - regression tests for bugs found from outside, each named
 * for the property it checks: checkpoints of pinned pages under a resident
 * cap and under arena pressure keep exactly the pages' data (or fail
 * changing nothing), and EXPORT/IMPORT through a file the kernel cannot
 * write or read from inside fail with -EINVAL without a word in the kernel
 * log.  The cases that need swap are in paging_test_regress_test.c.
 *
 * Runs in the VM, as root, with the module loaded (run_vmarena.sh; the
 * main load: a 64 MiB arena, no swap).  Sizes adapt to the arena found.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "kselftest_harness.h"

#include "space_util.h"
#include "cow_util.h"
#include "version_util.h"
#include "kmsg_util.h"

/* Pages a test space pins and checkpoints. */
#define NPIN 64

/* Pages of [0, @n) not holding version @v. */
static int bad_pages(const char *p, int n, __u64 v)
{
	int i, bad = 0;

	for (i = 0; i < n; i++)
		bad += !intact(p, i, v);
	return bad;
}

static __u64 free_frames(int fd)
{
	struct vmarena_info info = { 0 };

	if (ioctl(fd, VMARENA_IOC_INFO, &info))
		return 0;
	return info.free_frames;
}

/* A new space with NPIN pages in version 1, pinned: its fd, mapping in *@p. */
static int pinned_space(struct __test_metadata *_metadata, char **p)
{
	int fd = open_space(_metadata), i;

	*p = map(fd, NPIN, 0);
	if (!*p)
		return -1;
	for (i = 0; i < NPIN; i++)
		fill(*p, i, 1);
	if (range_ioctl(fd, VMARENA_IOC_PIN, 0, NPIN * PAGE))
		return -1;
	return fd;
}

/*
 * Generation @gen of @fd was taken when its NPIN pages held version 1 and
 * the live space has changed them since: EXPORT of it, imported into a
 * fresh space, and RESTORE to it both give version 1 back, every page.
 */
static void expect_generation_is_version_1(struct __test_metadata *_metadata,
					   int fd, char *p, __u64 gen)
{
	int st = memfd_create("stream", MFD_CLOEXEC), dst;
	struct vmarena_export e = { .fd = st, .generation = gen };
	struct vmarena_import im = { .fd = st };
	char *q;

	ASSERT_LE(0, st);
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_EXPORT, &e)) TH_LOG("EXPORT: %s", strerror(errno));
	EXPECT_EQ(NPIN, e.pages);
	lseek(st, 0, SEEK_SET);
	dst = open_space(_metadata);
	ASSERT_EQ(0, ioctl(dst, VMARENA_IOC_IMPORT, &im)) TH_LOG("IMPORT: %s", strerror(errno));
	q = map(dst, NPIN, 0);
	ASSERT_NE(NULL, q);
	EXPECT_EQ(0, bad_pages(q, NPIN, 1))
		TH_LOG("pages of the exported generation not as they were checkpointed");
	munmap(q, NPIN * PAGE);
	close(dst);
	close(st);

	ASSERT_EQ(0, restore(fd, gen)) TH_LOG("RESTORE: %s", strerror(errno));
	EXPECT_EQ(0, bad_pages(p, NPIN, 1))
		TH_LOG("pages restored from the generation not as they were checkpointed");
}

/*
 * CHECKPOINT of a space whose pages are pinned copies those pages at once.
 * Either it fails with -ENOMEM or -EDQUOT and nothing changed, or the
 * generation holds exactly the pages' data.
 */
FIXTURE(pinned_under_cap) {
	int kmsg;
};

FIXTURE_VARIANT(pinned_under_cap) {
	__u64 max_resident;
};

FIXTURE_VARIANT_ADD(pinned_under_cap, cap_72) {
	.max_resident = 72,
};

FIXTURE_VARIANT_ADD(pinned_under_cap, cap_100) {
	.max_resident = 100,
};

FIXTURE_SETUP(pinned_under_cap)
{
	self->kmsg = kmsg_open();
}

FIXTURE_TEARDOWN(pinned_under_cap)
{
}

TEST_F(pinned_under_cap, a_checkpoint_of_pinned_pages_keeps_their_data_or_fails_changing_nothing)
{
	__u64 gen = 0, pages = 0;
	char *p;
	int fd, ret, i;

	fd = pinned_space(_metadata, &p);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_limit(fd, 0, variant->max_resident));
	ret = ckpt_call(fd, VMARENA_IOC_CHECKPOINT, &gen, &pages);
	if (ret) {
		EXPECT_TRUE(ret == -ENOMEM || ret == -EDQUOT)
			TH_LOG("CHECKPOINT failed with %s", strerror(-ret));
		EXPECT_EQ(0, ckpt_count(fd));
		EXPECT_EQ(NPIN, space_stat(fd, VMARENA_SPACE_STAT_PINNED));
		EXPECT_EQ(NPIN, space_stat(fd, VMARENA_SPACE_STAT_PAGES));
		EXPECT_EQ(0, bad_pages(p, NPIN, 1));
	} else {
		EXPECT_EQ(NPIN, pages);
		EXPECT_EQ(0, bad_pages(p, NPIN, 1));
		/* The live space moves on: half rewritten, half dropped. */
		for (i = 0; i < NPIN / 2; i++)
			fill(p, i, 2);
		ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_UNPIN, 0, NPIN * PAGE));
		ASSERT_EQ(0, discard(fd, NPIN / 2 * PAGE, NPIN / 2 * PAGE));
		expect_generation_is_version_1(_metadata, fd, p, gen);
	}
	munmap(p, NPIN * PAGE);
	close(fd);
	EXPECT_EQ(0, kmsg_warnings(_metadata, self->kmsg))
		TH_LOG("the kernel logged warnings");
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
		for (i = 0; i < n && *next < max; i++, (*next)++) {
			if (!touch_survives_sigbus(q + *next * PAGE))
				return;
			fill(q, *next, v);
		}
	}
}

/*
 * A CHECKPOINT of pinned pages while another space has taken the arena to
 * within @target free frames: after the live space drops those pages and
 * the other space takes the frames they had, the generation still holds
 * the original bytes, never the other space's.
 */
static void pinned_ckpt_under_pressure(struct __test_metadata *_metadata,
				       __u64 target)
{
	__u64 gen = 0, pages = 0, max, next = 0;
	int fd, other, ret, kmsg = kmsg_open();
	char *p, *q;

	fd = pinned_space(_metadata, &p);
	ASSERT_LE(0, fd);
	other = open_space(_metadata);
	max = global_stat(other, VMARENA_STAT_ARENA_FRAMES);
	ASSERT_EQ(0, set_limit(other, max, 0));
	q = map(other, max, 0);
	ASSERT_NE(NULL, q);
	fill_arena_to(other, q, max, &next, target, 0xb0);
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
		fill_arena_to(other, q, max, &next, target, 0xb1);
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
}

FIXTURE_TEARDOWN(pressure)
{
}

TEST_F_TIMEOUT(pressure, a_checkpoint_of_pinned_pages_with_the_arena_nearly_full_keeps_their_data,
	       120)
{
	pinned_ckpt_under_pressure(_metadata, variant->free_target);
}

/* A space holding generation 1 of one page; its fd. */
static int space_with_generation(struct __test_metadata *_metadata)
{
	int fd = open_space(_metadata);
	char buf[PAGE];

	memset(buf, 0x5a, PAGE);
	if (pwrite(fd, buf, PAGE, 0) != PAGE || checkpoint(fd) != 1)
		return -1;
	return fd;
}

/*
 * Files the kernel cannot write to from inside (no ->write_iter): an
 * eventfd and /dev/full have only ->write, a timerfd and an epoll fd no
 * write method at all.
 */
TEST(export_to_a_file_without_write_iter_is_einval_and_logs_nothing)
{
	struct { const char *what; int fd; } out[] = {
		{ "eventfd", eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) },
		{ "/dev/full", open("/dev/full", O_WRONLY | O_CLOEXEC) },
		{ "timerfd", timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC) },
		{ "epoll", epoll_create1(EPOLL_CLOEXEC) },
	};
	int fd = space_with_generation(_metadata), kmsg = kmsg_open();
	size_t i;

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(out); i++) {
		struct vmarena_export e = { .fd = out[i].fd, .generation = 1 };

		ASSERT_LE(0, out[i].fd) TH_LOG("%s: %s", out[i].what, strerror(errno));
		EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_EXPORT, &e)) TH_LOG("%s", out[i].what);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s: %s", out[i].what, strerror(errno));
		close(out[i].fd);
	}
	EXPECT_EQ(0, kmsg_warnings(_metadata, kmsg)) TH_LOG("the kernel logged warnings");
	close(fd);
}

/*
 * Files the kernel cannot read from inside (no ->read_iter): a signalfd
 * has only ->read, an epoll fd no read method at all.  (A timerfd had only
 * ->read on 6.1 and has ->read_iter on 6.12; the debug kernel has no
 * inotify.)  Neither would give a stream; the space stays empty.
 */
TEST(import_from_a_file_without_read_iter_is_einval_and_logs_nothing)
{
	sigset_t mask;
	struct { const char *what; int fd; } in[] = {
		{ "signalfd", -1 },
		{ "epoll", epoll_create1(EPOLL_CLOEXEC) },
	};
	int fd = open_space(_metadata), kmsg = kmsg_open();
	size_t i;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	in[0].fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		struct vmarena_import im = { .fd = in[i].fd };

		ASSERT_LE(0, in[i].fd) TH_LOG("%s: %s", in[i].what, strerror(errno));
		EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_IMPORT, &im)) TH_LOG("%s", in[i].what);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s: %s", in[i].what, strerror(errno));
		close(in[i].fd);
	}
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_PAGES));
	EXPECT_EQ(0, kmsg_warnings(_metadata, kmsg)) TH_LOG("the kernel logged warnings");
	close(fd);
}

/*
 * Found by the fuzzer (selftests/fuzz_repro/pwrite-efault-zeroes.calls): a
 * pwrite from a buffer it cannot read fails and writes nothing; it used to
 * zero the page (copy_from_user() pads what it could not copy).
 */
TEST(a_pwrite_from_a_bad_buffer_fails_and_leaves_the_page_as_it_was)
{
	int fd = open_space(_metadata);
	static char buf[PAGE], back[PAGE];
	char *volatile bad = NULL;	/* unreadable, hidden from the compiler */

	memset(buf, 0x41, PAGE);
	ASSERT_EQ((ssize_t)PAGE, pwrite(fd, buf, PAGE, 0));
	EXPECT_EQ(-1, pwrite(fd, bad, PAGE, 0));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ((ssize_t)PAGE, pread(fd, back, PAGE, 0));
	EXPECT_EQ(0, memcmp(buf, back, PAGE));
	close(fd);
}

TEST_HARNESS_MAIN
