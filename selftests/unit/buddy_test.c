// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_test.c - module/buddy.c in user space, checked against a reference
 * model of which frames are allocated.
 */
#include "buddy.h"
#include "kselftest_harness.h"

/* Walks every free list; checks links, counts and block alignment. */
static bool free_lists_consistent(struct vmarena_buddy *b, u8 *owner)
{
	u64 frames = 0;
	unsigned int order;

	for (order = 0; order <= VMARENA_MAX_ORDER; order++) {
		u32 f = b->free_head[order], prev = VMARENA_NO_FRAME, i;
		u64 n = 0;

		for (; f != VMARENA_NO_FRAME; prev = f, f = b->frames[f].next) {
			if (b->frames[f].prev != prev || b->frames[f].order != order ||
			    b->frames[f].state != VMARENA_FRAME_FREE ||
			    (f & ((1U << order) - 1)))
				return false;
			for (i = f; i < f + (1U << order); i++) {
				if (owner && owner[i])	/* free and allocated */
					return false;
				if (i != f && b->frames[i].state != VMARENA_FRAME_TAIL)
					return false;
			}
			n++;
		}
		if (n != b->nr_free[order])
			return false;
		frames += n << order;
	}
	return frames == b->free_frames;
}

FIXTURE(buddy) {
	struct vmarena_buddy b;
	struct vmarena_frame frames[2048];
};

FIXTURE_SETUP(buddy)
{
	shim_warnings = 0;
	vmarena_buddy_init(&self->b, self->frames, ARRAY_SIZE(self->frames));
}

FIXTURE_TEARDOWN(buddy)
{
}

/*
 * The course's example: 16 frames; requests of 2 and 4 frames; the first is
 * freed; a request of 4 then gets frames 0-3, because the freed pair merged
 * with its free buddy.
 */
TEST_F(buddy, course_example_16_frames)
{
	u32 a, c, d;

	ASSERT_EQ(0, vmarena_buddy_add(&self->b, 0, 4));
	ASSERT_EQ(0, vmarena_buddy_alloc(&self->b, 1, &a));
	EXPECT_EQ(0, a);
	EXPECT_EQ(3, self->b.stats.splits);		/* 16 -> 8 -> 4 -> 2 */
	ASSERT_EQ(0, vmarena_buddy_alloc(&self->b, 2, &c));
	EXPECT_EQ(4, c);
	EXPECT_EQ(10, self->b.free_frames);
	ASSERT_EQ(0, vmarena_buddy_free(&self->b, a, 1));
	EXPECT_EQ(1, self->b.stats.merges);		/* [0,1] + [2,3] */
	EXPECT_EQ(1, self->b.nr_free[2]);
	EXPECT_EQ(1, self->b.nr_free[3]);
	ASSERT_EQ(0, vmarena_buddy_alloc(&self->b, 2, &d));
	EXPECT_EQ(0, d);
	EXPECT_TRUE(free_lists_consistent(&self->b, NULL));
}

TEST_F(buddy, freeing_everything_restores_the_initial_free_lists)
{
	u32 got[16];
	unsigned int i;

	ASSERT_EQ(0, vmarena_buddy_add(&self->b, 0, 4));
	for (i = 0; i < 16; i++)
		ASSERT_EQ(0, vmarena_buddy_alloc(&self->b, 0, &got[i]));
	EXPECT_EQ(-ENOMEM, vmarena_buddy_alloc(&self->b, 0, &got[0]));
	for (i = 0; i < 16; i++)
		ASSERT_EQ(0, vmarena_buddy_free(&self->b, got[(i * 7) % 16], 0));
	EXPECT_EQ(1, self->b.nr_free[4]);
	EXPECT_EQ(0, self->b.free_head[4]);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, self->b.nr_free[i]);
	EXPECT_EQ(15, self->b.stats.merges);
}

TEST_F(buddy, blocks_never_grow_beyond_their_chunk)
{
	u32 a, c;

	/* Two neighbouring order-2 chunks that are not contiguous in memory. */
	ASSERT_EQ(0, vmarena_buddy_add(&self->b, 0, 2));
	ASSERT_EQ(0, vmarena_buddy_add(&self->b, 4, 2));
	EXPECT_EQ(2, self->b.nr_free[2]);
	EXPECT_EQ(0, self->b.nr_free[3]);
	EXPECT_EQ(-ENOMEM, vmarena_buddy_alloc(&self->b, 3, &a));
	ASSERT_EQ(0, vmarena_buddy_alloc(&self->b, 2, &a));
	ASSERT_EQ(0, vmarena_buddy_alloc(&self->b, 2, &c));
	ASSERT_EQ(0, vmarena_buddy_free(&self->b, a, 2));
	ASSERT_EQ(0, vmarena_buddy_free(&self->b, c, 2));
	EXPECT_EQ(2, self->b.nr_free[2]);
	EXPECT_EQ(0, self->b.nr_free[3]);
}

TEST_F(buddy, misaligned_and_oversized_chunks_are_refused)
{
	EXPECT_EQ(-EINVAL, vmarena_buddy_add(&self->b, 2, 2));
	EXPECT_EQ(-EINVAL, vmarena_buddy_add(&self->b, 0, VMARENA_MAX_ORDER + 1));
	EXPECT_EQ(-EINVAL, vmarena_buddy_add(&self->b, 2048, 0));
	EXPECT_EQ(-EINVAL, vmarena_buddy_add(&self->b, 1024, 11));
	EXPECT_EQ(0, self->b.free_frames);
}

TEST_F(buddy, bad_frees_are_refused_and_counted)
{
	u32 a;

	ASSERT_EQ(0, vmarena_buddy_add(&self->b, 0, 3));
	ASSERT_EQ(0, vmarena_buddy_alloc(&self->b, 1, &a));
	EXPECT_EQ(-EINVAL, vmarena_buddy_free(&self->b, a, 0));	/* wrong order */
	EXPECT_EQ(-EINVAL, vmarena_buddy_free(&self->b, a + 1, 0));	/* a tail */
	EXPECT_EQ(-EINVAL, vmarena_buddy_free(&self->b, 6, 1));	/* free block */
	EXPECT_EQ(-EINVAL, vmarena_buddy_free(&self->b, 4096, 0));	/* no frame */
	EXPECT_EQ(0, vmarena_buddy_free(&self->b, a, 1));
	EXPECT_EQ(-EINVAL, vmarena_buddy_free(&self->b, a, 1));	/* double */
	EXPECT_EQ(5, self->b.stats.bad_frees);
	EXPECT_EQ(5, shim_warnings);
	EXPECT_EQ(8, self->b.free_frames);
	EXPECT_EQ(1, self->b.nr_free[3]);
	EXPECT_TRUE(free_lists_consistent(&self->b, NULL));
}

TEST_F(buddy, injected_failures_are_returned_then_allocation_resumes)
{
	u32 a;

	ASSERT_EQ(0, vmarena_buddy_add(&self->b, 0, 3));
	vmarena_buddy_fail_next(&self->b, 2);
	EXPECT_EQ(-ENOMEM, vmarena_buddy_alloc(&self->b, 0, &a));
	EXPECT_EQ(0, vmarena_buddy_alloc_bulk(&self->b, &a, 1));
	EXPECT_EQ(0, vmarena_buddy_alloc(&self->b, 0, &a));
	EXPECT_EQ(2, self->b.stats.injected);
	EXPECT_EQ(2, self->b.stats.failures);
	EXPECT_EQ(7, self->b.free_frames);
}

TEST_F(buddy, bulk_alloc_stops_when_memory_runs_out)
{
	u32 got[8];

	ASSERT_EQ(0, vmarena_buddy_add(&self->b, 0, 2));
	EXPECT_EQ(4, vmarena_buddy_alloc_bulk(&self->b, got, 8));
	EXPECT_EQ(0, self->b.free_frames);
	vmarena_buddy_free_bulk(&self->b, got, 4);
	EXPECT_EQ(1, self->b.nr_free[2]);
}

/*
 * Random allocations and frees of mixed orders over chunks of mixed orders,
 * checked after every step against a model of which frames are allocated:
 * no block overlaps another or a free block, every frame is accounted for,
 * and freeing everything gives back exactly the initial free lists.
 */
TEST_F(buddy, random_sequence_matches_the_reference_model)
{
	static const unsigned int chunk_order[] = { 10, 9, 8, 3, 0 };
	static u8 owner[2048];
	u32 head[512];
	u8 ord[512];
	unsigned int n = 0, step, i, first = 0, total = 0;

	srandom(getenv("VMARENA_SEED") ? atoi(getenv("VMARENA_SEED")) : 42);
	memset(owner, 0, sizeof(owner));
	for (i = 0; i < ARRAY_SIZE(chunk_order); i++) {
		ASSERT_EQ(0, vmarena_buddy_add(&self->b, first, chunk_order[i]));
		first += 1U << chunk_order[i];
	}
	for (step = 0; step < 20000; step++) {
		bool do_alloc = n == 0 || (n < ARRAY_SIZE(head) && random() % 2);

		if (do_alloc) {
			unsigned int o = random() % 6;
			u32 f;

			if (vmarena_buddy_alloc(&self->b, o, &f))
				continue;
			ASSERT_EQ(0, f & ((1U << o) - 1));
			for (i = f; i < f + (1U << o); i++) {
				ASSERT_EQ(0, owner[i]) TH_LOG("frame %u given twice", i);
				owner[i] = 1;
			}
			head[n] = f;
			ord[n++] = o;
			total += 1U << o;
		} else {
			unsigned int k = random() % n;

			ASSERT_EQ(0, vmarena_buddy_free(&self->b, head[k], ord[k]));
			for (i = head[k]; i < head[k] + (1U << ord[k]); i++)
				owner[i] = 0;
			total -= 1U << ord[k];
			head[k] = head[--n];
			ord[k] = ord[n];
		}
		ASSERT_EQ(first - total, self->b.free_frames);
		ASSERT_TRUE(free_lists_consistent(&self->b, owner));
	}
	while (n) {
		n--;
		ASSERT_EQ(0, vmarena_buddy_free(&self->b, head[n], ord[n]));
	}
	for (i = 0; i <= VMARENA_MAX_ORDER; i++) {
		bool is_chunk = i == 10 || i == 9 || i == 8 || i == 3 || i == 0;

		EXPECT_EQ(is_chunk ? 1 : 0, self->b.nr_free[i]) TH_LOG("order %u", i);
	}
	EXPECT_EQ(0, shim_warnings);
}

TEST(fragmentation_indices_follow_mm_vmstat)
{
	u64 nr_free[VMARENA_NR_ORDERS] = { 0 };

	/* Nothing free: all unusable; the fragmentation index is 0. */
	EXPECT_EQ(1000, vmarena_unusable_free_index(nr_free, 0));
	EXPECT_EQ(0, vmarena_fragmentation_index(nr_free, 0));
	/* Four single frames: an order-1 request fails for fragmentation. */
	nr_free[0] = 4;
	EXPECT_EQ(0, vmarena_unusable_free_index(nr_free, 0));
	EXPECT_EQ(1000, vmarena_unusable_free_index(nr_free, 1));
	EXPECT_EQ(-1000, vmarena_fragmentation_index(nr_free, 0));
	EXPECT_EQ(1000 - (1000 + 4 * 1000 / 2) / 4,
		  vmarena_fragmentation_index(nr_free, 1));	/* 250 */
	/* One order-3 block too: order 3 succeeds, order 4 lacks memory. */
	nr_free[3] = 1;
	EXPECT_EQ(-1000, vmarena_fragmentation_index(nr_free, 3));
	EXPECT_EQ(4 * 1000 / 12, vmarena_unusable_free_index(nr_free, 3));
	EXPECT_EQ(1000 - (1000 + 12 * 1000 / 16) / 5,
		  vmarena_fragmentation_index(nr_free, 4));	/* 650 */
}

TEST_HARNESS_MAIN
