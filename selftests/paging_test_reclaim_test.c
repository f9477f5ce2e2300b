// SPDX-License-Identifier: GPL-2.0
/*
 * paging_test_reclaim_test.c - the counters of reclaim and swap I/O keep
 * their promises (Documentation/debugfs.rst): direct reclaim when an
 * allocation finds the arena empty, more than one page per write bio for
 * a sequential write-out, and a clean page dropped with no I/O.
 *
 * Runs in the VM, as root, with the module loaded with a small arena and
 * the spare disk as swap device (run_vmarena.sh runs paging_test*
 * programs with arena_mb=1 swap_dev=...).
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
#include "paging_util.h"

FIXTURE(paging) {
	struct knobs knobs;
	int fd;
	char *p;
	size_t pages;
};

FIXTURE_SETUP(paging)
{
	need_swap(_metadata);
	knobs_save(&self->knobs);
	self->fd = open_space(_metadata);
	self->p = NULL;
}

FIXTURE_TEARDOWN(paging)
{
	if (self->p)
		munmap(self->p, self->pages * PAGE);
	close(self->fd);
	knobs_restore(&self->knobs);
}

static char *map_pages(struct __test_metadata *_metadata,
		       struct _test_data_paging *self, size_t pages)
{
	self->pages = pages;
	self->p = map(self->fd, pages, 0);
	ASSERT_NE(NULL, self->p);
	return self->p;
}

/*
 * With the watermarks at their lowest (1 and 2) a writer of twice the
 * arena, then a reader of it, find it empty again and again, and every
 * page reads back intact.  Whether the daemon or the faulting task evicts
 * is a race, so a PIN then settles it: PIN holds the space's lock over
 * its whole range, so the daemon cannot evict this space's pages
 * meanwhile, and a pin of more new pages than are free finds the arena
 * empty and reclaims directly.  An eviction takes a batch of up to 128
 * pages, so the reads go on until fewer than half the frames are free:
 * the pin then fits in the arena beside enough pages to evict.
 */
TEST_F(paging, an_allocation_that_finds_the_arena_empty_reclaims_directly)
{
	long long frames = debugfs_value("stats", "arena_frames");
	long long sigbus0 = debugfs_value("stats", "sigbus");
	long long direct0, pin, i;
	int n = 2 * frames;
	char *p;

	ASSERT_LT(8, frames);
	ASSERT_EQ(0, write_str(SYS "policy", "fifo"));
	ASSERT_EQ(0, set_watermarks(1, 2));
	ASSERT_EQ(0, set_limit(self->fd, n + frames, 0));
	p = map_pages(_metadata, self, n + frames);
	for (i = 0; i < n; i++)
		fill_words(p, i, 1);
	for (i = 0; i < n; i++)
		EXPECT_TRUE(words_intact(p, i, 1)) TH_LOG("page %lld", i);
	EXPECT_EQ(sigbus0, debugfs_value("stats", "sigbus"));
	for (i = 0; i < 4 * n &&
	     debugfs_value("stats", "free_frames") >= frames / 2; i++)
		EXPECT_TRUE(words_intact(p, i % n, 1)) TH_LOG("page %lld", i % n);
	direct0 = debugfs_value("stats", "direct_reclaims");
	pin = debugfs_value("stats", "free_frames") + frames / 16;
	ASSERT_LE(0, direct0);
	ASSERT_GT(frames * 3 / 4, pin)
		TH_LOG("%lld frames free after the reads", pin - frames / 16);
	ASSERT_EQ(0, range_ioctl(self->fd, VMARENA_IOC_PIN,
				 (long long)n * PAGE, pin * PAGE));
	EXPECT_LT(direct0, debugfs_value("stats", "direct_reclaims"));
	ASSERT_EQ(0, range_ioctl(self->fd, VMARENA_IOC_UNPIN,
				 (long long)n * PAGE, pin * PAGE));
}

/*
 * 128 pages written in order, then a resident cap of 8: the 120 pages
 * that go are neighbours and go out in runs, so pages_written / write_bios
 * of debugfs swap (and swap_outs / swap_out_bios of stats) is above 1.
 */
TEST_F(paging, a_sequential_write_out_carries_more_than_one_page_per_bio)
{
	long long w0 = debugfs_value("swap", "pages_written");
	long long b0 = debugfs_value("swap", "write_bios");
	long long so0 = debugfs_value("stats", "swap_outs");
	long long sb0 = debugfs_value("stats", "swap_out_bios");
	long long pages, bios;
	char *p = map_pages(_metadata, self, 128);
	int i;

	ASSERT_LE(0, w0);
	ASSERT_LE(0, b0);
	ASSERT_EQ(0, write_str(SYS "policy", "fifo"));
	for (i = 0; i < 128; i++)
		fill_words(p, i, 2);
	ASSERT_EQ(0, set_limit(self->fd, 0, 8));
	pages = debugfs_value("swap", "pages_written") - w0;
	bios = debugfs_value("swap", "write_bios") - b0;
	EXPECT_EQ(120, pages);
	EXPECT_LT(0, bios);
	EXPECT_LT(bios, pages) TH_LOG("%lld pages in %lld bios", pages, bios);
	EXPECT_EQ(pages, debugfs_value("stats", "swap_outs") - so0);
	EXPECT_EQ(bios, debugfs_value("stats", "swap_out_bios") - sb0);
	for (i = 0; i < 128; i++)
		EXPECT_TRUE(words_intact(p, i, 2)) TH_LOG("page %d", i);
}

/*
 * 31 pages written out, read back (clean: their slot copies stay valid),
 * then evicted again but one: 30 clean drops (global and the space's),
 * each page back in the slot it was read from, and not one page written
 * or bio sent.
 */
TEST_F(paging, a_page_read_back_and_evicted_unwritten_is_dropped_without_io)
{
	char *p = map_pages(_metadata, self, 32);
	long long slot[32], w0, b0, clean0, read0;
	__u64 sclean0, souts0;
	int i, swapped = 0, kept = 0;

	ASSERT_EQ(0, write_str(SYS "policy", "fifo"));
	for (i = 0; i < 32; i++)
		fill_words(p, i, 3);
	ASSERT_EQ(0, set_limit(self->fd, 0, 1));
	ASSERT_EQ(0, set_limit(self->fd, 0, 0));
	for (i = 0; i < 32; i++) {
		slot[i] = slot_of(self->fd, i);
		if (slot[i] >= 0) {
			swapped++;
			continue;
		}
		/* The one page left resident: dropped, a hole. */
		ASSERT_EQ(0, discard(self->fd, i * PAGE, PAGE));
	}
	ASSERT_EQ(31, swapped);
	read0 = debugfs_value("swap", "pages_read");
	for (i = 0; i < 32; i++)
		if (slot[i] >= 0)
			EXPECT_TRUE(words_intact(p, i, 3)) TH_LOG("page %d", i);
	EXPECT_EQ(31, debugfs_value("swap", "pages_read") - read0);
	w0 = debugfs_value("swap", "pages_written");
	b0 = debugfs_value("swap", "write_bios");
	clean0 = debugfs_value("stats", "clean_drops");
	sclean0 = space_stat(self->fd, VMARENA_SPACE_STAT_CLEAN_DROPS);
	souts0 = space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_OUTS);
	ASSERT_EQ(0, set_limit(self->fd, 0, 1));
	EXPECT_EQ(30, debugfs_value("stats", "clean_drops") - clean0);
	EXPECT_EQ(30, space_stat(self->fd, VMARENA_SPACE_STAT_CLEAN_DROPS) - sclean0);
	EXPECT_EQ(w0, debugfs_value("swap", "pages_written"));
	EXPECT_EQ(b0, debugfs_value("swap", "write_bios"));
	EXPECT_EQ(souts0, space_stat(self->fd, VMARENA_SPACE_STAT_SWAP_OUTS));
	for (i = 0; i < 32; i++)
		if (slot[i] >= 0 && slot_of(self->fd, i) == slot[i])
			kept++;
	EXPECT_EQ(30, kept);
	ASSERT_EQ(0, set_limit(self->fd, 0, 0));
	for (i = 0; i < 32; i++)
		if (slot[i] >= 0)
			EXPECT_TRUE(words_intact(p, i, 3)) TH_LOG("page %d", i);
}

TEST_HARNESS_MAIN
