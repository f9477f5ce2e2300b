// SPDX-License-Identifier: GPL-2.0
/*
 * paging_user_test.c - per-user accounting with swap (Documentation/
 * vmarena.rst, "Accounting"): a page in a swap slot stays charged to its
 * user, the charge moves to the frame when the page comes back (which is
 * never refused at the limit), and the default limit counts the swap
 * device.
 *
 * Runs as root in the VM with a 1 MiB arena and the spare disk as swap
 * (run_vmarena.sh runs paging_* programs so); the bodies run in a child
 * that dropped to UID_A, with the node opened to its group (user_util.h).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "space_util.h"
#include "vm_util.h"
#include "paging_util.h"
#include "user_util.h"

/* Pages written: about twice the arena, so most go to swap. */
#define NPAGES 500
#define MAXP 600

/*
 * A space's whole charge from one STATS snapshot: itself, its frames, its
 * page-table frames and the slots its swap entries hold (one space, no
 * clone or checkpoint: a slot per swapped page).
 */
static long long charge_of(int fd)
{
	__u64 v[VMARENA_NR_SPACE_STATS] = { 0 };

	if (stats_of(fd, VMARENA_STATS_SPACE, v, VMARENA_NR_SPACE_STATS))
		return -1;
	return 1 + v[VMARENA_SPACE_STAT_RESIDENT] +
	       v[VMARENA_SPACE_STAT_PT_FRAMES] + v[VMARENA_SPACE_STAT_SWAPPED];
}

FIXTURE(swapped) {
	struct stat node;
	struct knobs knobs;
};

FIXTURE_SETUP(swapped)
{
	need_swap(_metadata);
	knobs_save(&self->knobs);
	ASSERT_EQ(0, stat(DEV, &self->node));
	ASSERT_EQ(0, dev_to_group());
	ASSERT_EQ(0, user_settled_pages(UID_A));
}

FIXTURE_TEARDOWN(swapped)
{
	set_user_limits(0, 0);
	dev_restore(self->node.st_mode & 07777, self->node.st_gid);
	knobs_restore(&self->knobs);
}

/*
 * As a user: NPAGES pages written (most evicted to swap), read back
 * (swapped in) at a limit that leaves no room for one page more, then
 * first touches are refused.
 */
static int swap_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	long long swapped;
	__u64 i;
	char *p;

	(void)arg;
	CHILD_CHECK(fd >= 0, "open: %m");
	p = map(fd, NPAGES + 1, 0);
	CHILD_CHECK(p, "mmap: %m");
	for (i = 0; i < NPAGES; i++)
		fill_words(p, i, 1);
	swapped = space_stat(fd, VMARENA_SPACE_STAT_SWAPPED);
	CHILD_CHECK(swapped > NPAGES / 2, "%lld pages swapped", swapped);
	user_sync(u, charge_of(fd));
	/* The parent lowers the limit to the charge: nothing more fits. */
	for (i = 0; i < NPAGES; i++)
		CHILD_CHECK(words_intact(p, i, 1), "page %llu", i);
	CHILD_CHECK(space_stat(fd, VMARENA_SPACE_STAT_SWAP_INS) > 0, "swap-ins");
	user_sync(u, charge_of(fd));
	CHILD_CHECK(!touch_survives_sigbus(p + NPAGES * PAGE),
		    "a new page past the limit");
	user_sync(u, charge_of(fd));
	return 0;
}

TEST_F(swapped, a_swapped_page_stays_charged_and_comes_back_at_the_limit)
{
	struct as_user u;
	int step, steps = 0;

	ASSERT_EQ(0, set_user_limits(MAXP, 0));
	ASSERT_EQ(0, run_as(&u, UID_A, true, swap_body, NULL));
	while ((step = user_wait(&u)) >= 0) {
		EXPECT_EQ(step, user_field(UID_A, USER_PAGES));
		EXPECT_GE(MAXP, user_field(UID_A, USER_PAGES));
		if (!steps++)
			ASSERT_EQ(0, set_user_limits(step, 0));
		user_go(&u);
	}
	EXPECT_EQ(0, user_end(&u));
	EXPECT_EQ(3, steps);
	EXPECT_EQ(0, user_settled_pages(UID_A));
}

/* With swap attached, the default limit is half of the arena and swap. */
TEST_F(swapped, the_default_limit_counts_the_swap_device)
{
	long long frames = debugfs_value("stats", "arena_frames");
	long long slots = debugfs_value("stats", "swap_slots");
	long long retired = debugfs_value("stats", "swap_slots_retired");

	ASSERT_EQ(0, set_user_limits(0, 0));
	ASSERT_LT(frames, slots);
	EXPECT_EQ((frames + slots - retired) / 2, sys_value("user_max_pages"));
	EXPECT_EQ(frames / 4, sys_value("user_max_pinned"));
}

TEST_HARNESS_MAIN
