// SPDX-License-Identifier: GPL-2.0
/*
 * paging_test_trace_test.c - the tracepoints of eviction, swap and
 * reclaim, each one's fields for a workload whose values are known: the
 * space id from INFO, the pages evicted and their frames and slots from
 * TRANSLATE, the policy in force, the watermarks set, the kind of fault
 * and of reclaim.  The other events are checked by trace_test.c.
 *
 * Runs in the VM, as root, with tracefs mounted and the module loaded
 * with a small arena and the spare disk as swap device (run_vmarena.sh
 * runs paging_test* programs with arena_mb=1 swap_dev=...).
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
#include "paging_util.h"

/* An evict line: space, page, frame, slot, policy and how, all known. */
#define EVICT "evict: space=%llu vpn=%d frame=%llu slot=%lld policy=%d how=%d\n"

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

/* A space with swap attached; the controls put back, every event off. */
FIXTURE(paging) {
	struct knobs knobs;
	int fd;
	__u64 id;
	char *p;
	size_t pages;
};

FIXTURE_SETUP(paging)
{
	need_swap(_metadata);
	knobs_save(&self->knobs);
	self->fd = open_space(_metadata);
	self->id = space_id(_metadata, self->fd);
	self->p = NULL;
}

FIXTURE_TEARDOWN(paging)
{
	trace_stop();
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
 * Written pages evicted by a resident cap (FIFO: pages 0..11 go, 12..15
 * stay): one evict line per page with its frame, the slot TRANSLATE then
 * shows, policy 0 and how 0 (written); the swap_out lines of the space
 * carry exactly those pages, without error, fewer bios than pages.
 */
TEST_F(paging, a_written_page_evicted_traces_evict_how_0_with_its_frame_and_slot)
{
	const char *const ev[] = { "evict", "swap_out", NULL };
	char *p = map_pages(_metadata, self, 16);
	__u64 frame[16];
	long long slot;
	int i, lines, swapped = 0;

	ASSERT_EQ(0, write_str(SYS "policy", "fifo"));
	for (i = 0; i < 16; i++) {
		fill_words(p, i, 1);
		frame[i] = frame_of(self->fd, i);
	}
	trace_start(_metadata, ev);
	ASSERT_EQ(0, set_limit(self->fd, 0, 4));
	trace_stop();
	for (i = 0; i < 16; i++) {
		slot = slot_of(self->fd, i);
		if (slot < 0)
			continue;
		swapped++;
		EXPECT_EQ(1, trace_count(NULL, EVICT, self->id, i, frame[i], slot,
					 VMARENA_POLICY_FIFO, 0))
			TH_LOG("page %d", i);
	}
	EXPECT_EQ(12, swapped);
	EXPECT_EQ(12, trace_count(NULL, "evict: space=%llu ", self->id));
	EXPECT_EQ(12, trace_sum("pages", &lines, "swap_out: space=%llu ", self->id));
	EXPECT_LT(0, lines);
	EXPECT_GT(12, lines);
	EXPECT_EQ(0, trace_sum("error", &lines, "swap_out: space=%llu ", self->id));
	/* The first page went in a bio that starts at its slot. */
	EXPECT_EQ(1, trace_count(NULL, "swap_out: space=%llu slot=%lld pages=",
				 self->id, slot_of(self->fd, 0)));
	for (i = 0; i < 16; i++)
		EXPECT_TRUE(words_intact(p, i, 1)) TH_LOG("page %d", i);
}

/* Evicts every page of the mapping but one, then lifts the cap. */
static void evict_all_but_one(struct __test_metadata *_metadata, int fd)
{
	ASSERT_EQ(0, set_limit(fd, 0, 1));
	ASSERT_EQ(0, set_limit(fd, 0, 0));
}

/*
 * A read of a swapped page is a fault of kind 3 (swap-in) whose frame is
 * the one TRANSLATE shows afterwards, and one swap_in line with the slot
 * the page was in and that frame, error 0.
 */
TEST_F(paging, a_swap_in_is_a_kind_3_fault_and_a_swap_in_from_its_slot_to_its_frame)
{
	const char *const ev[] = { "fault", "swap_in", NULL };
	char line[TRACE_LINE], *p = map_pages(_metadata, self, 8);
	long long slot;
	__u64 frame;
	int i;

	ASSERT_EQ(0, write_str(SYS "policy", "fifo"));
	for (i = 0; i < 8; i++)
		fill_words(p, i, 2);
	evict_all_but_one(_metadata, self->fd);
	slot = slot_of(self->fd, 3);
	ASSERT_LE(0, slot);
	trace_start(_metadata, ev);
	EXPECT_TRUE(words_intact(p, 3, 2));
	trace_stop();
	frame = frame_of(self->fd, 3);
	EXPECT_EQ(1, trace_count(line, "fault: space=%llu vpn=3 frame=%llu kind=%d ns=",
				 self->id, frame, VMARENA_FAULT_SWAP_IN));
	EXPECT_LT(0, trace_field(line, "ns")) TH_LOG("%s", line);
	EXPECT_EQ(1, trace_count(line, "swap_in: space=%llu vpn=3 frame=%llu slot=%lld ns=",
				 self->id, frame, slot));
	EXPECT_EQ(0, trace_field(line, "error")) TH_LOG("%s", line);
	EXPECT_EQ(1, trace_count(NULL, "swap_in: space=%llu ", self->id));
	EXPECT_EQ(1, trace_count(NULL, "fault: space=%llu ", self->id));
}

/*
 * A page read back from swap and evicted again unwritten is dropped clean:
 * one evict line with how 1, its frame, the slot it came from (still
 * valid) and the policy in force (clean-first, which picks it over a
 * dirty page), and no swap_out line.
 */
TEST_F(paging, a_clean_page_evicted_again_traces_how_1_with_its_old_slot)
{
	const char *const ev[] = { "evict", "swap_out", NULL };
	char *p = map_pages(_metadata, self, 8);
	long long slot;
	__u64 frame;
	int i;

	ASSERT_EQ(0, write_str(SYS "policy", "fifo"));
	for (i = 0; i < 7; i++)
		fill_words(p, i, 3);
	evict_all_but_one(_metadata, self->fd);
	/* Only swapped pages left: drop the resident one. */
	for (i = 0; i < 7; i++)
		if (slot_of(self->fd, i) < 0)
			ASSERT_EQ(0, discard(self->fd, i * PAGE, PAGE));
	slot = slot_of(self->fd, 0);
	ASSERT_LE(0, slot);
	EXPECT_TRUE(words_intact(p, 0, 3));		/* swap-in, clean */
	frame = frame_of(self->fd, 0);
	fill_words(p, 7, 3);				/* a dirty page beside it */
	ASSERT_EQ(0, write_str(SYS "policy", "clean-first"));
	trace_start(_metadata, ev);
	ASSERT_EQ(0, set_limit(self->fd, 0, 1));
	trace_stop();
	EXPECT_EQ(slot, slot_of(self->fd, 0));
	EXPECT_EQ(1, trace_count(NULL, EVICT, self->id, 0, frame, slot,
				 VMARENA_POLICY_CLEAN_FIRST, 1));
	EXPECT_EQ(1, trace_count(NULL, "evict: space=%llu ", self->id));
	EXPECT_EQ(0, trace_count(NULL, "swap_out: space=%llu ", self->id));
	EXPECT_TRUE(words_intact(p, 0, 3));
	EXPECT_TRUE(words_intact(p, 7, 3));
}

/*
 * Pages only read hold zeros: evicted, each is dropped as zeros (how 2)
 * with slot -1 and becomes a hole again, policy random (1) in force.
 */
TEST_F(paging, a_page_never_written_is_dropped_as_zeros_how_2_slot_minus_1)
{
	const char *const ev[] = { "evict", "swap_out", NULL };
	char *p = map_pages(_metadata, self, 8);
	__u64 frame[8];
	int i, holes = 0;

	ASSERT_EQ(0, write_str(SYS "policy", "random"));
	ASSERT_EQ(0, set_zero_page(false));	/* reads that take frames */
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, peek(p + i * PAGE));
		frame[i] = frame_of(self->fd, i);
	}
	ASSERT_LE(0, zero_page_default());
	trace_start(_metadata, ev);
	ASSERT_EQ(0, set_limit(self->fd, 0, 1));
	trace_stop();
	for (i = 0; i < 8; i++) {
		if (flags_of(self->fd, i))
			continue;			/* still resident */
		holes++;
		EXPECT_EQ(1, trace_count(NULL, EVICT, self->id, i, frame[i], -1LL,
					 VMARENA_POLICY_RANDOM, 2))
			TH_LOG("page %d", i);
	}
	EXPECT_EQ(7, holes);
	EXPECT_EQ(7, trace_count(NULL, "evict: space=%llu ", self->id));
	EXPECT_EQ(0, trace_count(NULL, "swap_out: space=%llu ", self->id));
}

/*
 * Faults at the resident cap evict the space's own pages: reclaim lines
 * of kind 2 for the space whose evicted fields add up to its evictions
 * and to the growth of cap_reclaims.
 */
TEST_F(paging, faults_at_the_resident_cap_trace_kind_2_reclaims_adding_up_to_the_evictions)
{
	const char *const ev[] = { "reclaim", NULL };
	char *p = map_pages(_metadata, self, 12);
	long long cap0 = debugfs_value("stats", "cap_reclaims"), sum;
	__u64 ev0;
	int i, lines;

	ASSERT_EQ(0, write_str(SYS "policy", "fifo"));
	ASSERT_EQ(0, set_limit(self->fd, 0, 4));
	ev0 = space_stat(self->fd, VMARENA_SPACE_STAT_EVICTIONS);
	trace_start(_metadata, ev);
	for (i = 0; i < 12; i++)
		fill_words(p, i, 4);
	trace_stop();
	EXPECT_EQ(8, space_stat(self->fd, VMARENA_SPACE_STAT_EVICTIONS) - ev0);
	sum = trace_sum("evicted", &lines, "reclaim: kind=2 space=%llu ", self->id);
	EXPECT_EQ(8, sum);
	EXPECT_LE(1, lines);
	EXPECT_EQ(8, debugfs_value("stats", "cap_reclaims") - cap0);
	EXPECT_EQ(0, trace_count(NULL, "reclaim: kind=1 "));
	for (i = 0; i < 12; i++)
		EXPECT_TRUE(words_intact(p, i, 4)) TH_LOG("page %d", i);
}

/*
 * Below watermark_low the daemon wakes: a reclaim_wake line with the free
 * frames (below low) and the watermarks just set, and when its runs are
 * over, reclaim lines of kind 0 (space 0) whose evicted fields add up to
 * every eviction made meanwhile (direct reclaims counted apart).
 */
TEST_F(paging, the_daemon_traces_its_wake_with_the_watermarks_and_kind_0_reclaims)
{
	const char *const ev[] = { "reclaim_wake", "reclaim", NULL };
	long long frames = debugfs_value("stats", "arena_frames");
	long long low = frames / 4, high = frames / 2, ev0, deadline;
	long long daemon_sum, direct_sum;
	char line[TRACE_LINE], *p;
	int i, n = frames - low / 2, wakes, runs, direct;

	ASSERT_LT(0, frames);
	ASSERT_EQ(0, set_watermarks(low, high));
	ASSERT_EQ(0, set_limit(self->fd, n, 0));
	p = map_pages(_metadata, self, n);
	ev0 = debugfs_value("stats", "evictions");
	trace_start(_metadata, ev);
	for (i = 0; i < n; i++)
		p[i * PAGE] = 1;
	/* Every run that started has ended (nothing allocates any more). */
	deadline = now_ms() + 60000;
	do {
		poll_pause(50);
		wakes = trace_count(NULL, "reclaim_wake: ");
		daemon_sum = trace_sum("evicted", &runs, "reclaim: kind=0 space=0 ");
	} while ((!wakes || runs != wakes) && now_ms() < deadline);
	direct_sum = trace_sum("evicted", &direct, "reclaim: kind=1 ");
	EXPECT_LE(1, wakes);
	EXPECT_EQ(wakes, runs);
	/* Only reclaim_wake lines have these fields. */
	EXPECT_EQ(wakes, trace_count(NULL, "low=%lld high=%lld\n", low, high));
	ASSERT_LE(1, trace_count(line, "reclaim_wake: free="));
	EXPECT_GT(low, trace_field(line, "free")) TH_LOG("%s", line);
	EXPECT_LE(high - low, daemon_sum);
	EXPECT_EQ(debugfs_value("stats", "evictions") - ev0, daemon_sum + direct_sum);
	trace_stop();
}

/*
 * An allocation that finds the arena empty reclaims itself, and reclaim
 * lines of kind 1 name its space.  With the watermarks at their lowest a
 * writer of twice the arena usually outruns the daemon, but whether it
 * does is a race.  PIN of all the arena that pins may take (all but
 * watermark_high) is not: page-table and slab frames leave less, so its
 * last allocation finds the arena empty with nothing left to evict, and
 * the PIN fails with nothing pinned after reclaiming.
 */
TEST_F(paging, an_allocation_finding_the_arena_empty_traces_a_kind_1_reclaim_of_its_space)
{
	const char *const ev[] = { "reclaim", NULL };
	long long frames = debugfs_value("stats", "arena_frames");
	char *p;
	int i, n = 2 * frames, lines;

	ASSERT_LT(0, frames);
	ASSERT_EQ(0, write_str(SYS "policy", "fifo"));
	ASSERT_EQ(0, set_watermarks(1, 2));
	ASSERT_EQ(0, set_limit(self->fd, n, 0));
	p = map_pages(_metadata, self, n);
	trace_start(_metadata, ev);
	for (i = 0; i < n; i++)
		fill_words(p, i, 5);
	EXPECT_EQ(-1, range_ioctl(self->fd, VMARENA_IOC_PIN, 0,
				  (frames - 2) * PAGE));
	EXPECT_EQ(ENOMEM, errno);
	trace_stop();
	trace_sum("evicted", &lines, "reclaim: kind=1 space=%llu ", self->id);
	EXPECT_LE(1, lines);
	for (i = 0; i < n; i++)
		EXPECT_TRUE(words_intact(p, i, 5)) TH_LOG("page %d", i);
}

TEST_HARNESS_MAIN
