// SPDX-License-Identifier: GPL-2.0
/*
 * pagetable_test.c - module/pagetable.c in user space against a reference
 * map.  Built twice: with the real geometry (4 levels of 9 bits) and shrunk
 * to 4 levels of 2 bits (pagetable_small_test), where random sparse sets
 * build deep trees and clear them node by node.
 */
#include "pagetable.h"
#include "arena_stub.h"
#include "kselftest_harness.h"

#define ARENA_FRAMES 4096
/* Test pages: fewer than the table holds, so test_vpn() is one-to-one. */
/* A present entry for frame @f. */
#define PTE(f) vmarena_pte_make(f, VMARENA_PTE_PRESENT)
#define NPAGES (VMARENA_PT_MAX_VPN < 2000 ? VMARENA_PT_MAX_VPN / 2 : 2000)

/* Test page i: an odd multiplier spreads i over the whole table. */
static u64 test_vpn(unsigned int i)
{
	return (u64)i * 2654435761ULL % VMARENA_PT_MAX_VPN;
}

FIXTURE(pt) {
	struct vmarena_pt pt;
	u64 free_at_start;
};

FIXTURE_SETUP(pt)
{
	ASSERT_EQ(0, stub_arena_init(ARENA_FRAMES));
	self->free_at_start = stub_arena_buddy()->free_frames;
	vmarena_pt_init(&self->pt);
}

FIXTURE_TEARDOWN(pt)
{
	stub_arena_fini();
}

struct visit {
	u64 count;
	u64 last_vpn;
	bool ordered;
	u64 *ref;		/* reference entries, by test index */
};

static int count_entry(void *arg, u64 vpn, u64 *pte)
{
	struct visit *v = arg;

	if (v->count && vpn <= v->last_vpn)
		v->ordered = false;
	v->last_vpn = vpn;
	v->count++;
	return *pte ? 0 : -1;
}

TEST_F(pt, an_empty_table_has_no_nodes_and_reads_nothing)
{
	EXPECT_EQ(NULL, vmarena_pt_lookup(&self->pt, 0));
	EXPECT_EQ(0, vmarena_pt_frames(&self->pt));
	EXPECT_EQ(-EINVAL, vmarena_pt_set(&self->pt, VMARENA_PT_MAX_VPN, 1));
	EXPECT_EQ(0, vmarena_pt_frames(&self->pt));
}

TEST_F(pt, one_entry_takes_one_node_per_level_and_gives_them_back)
{
	u64 vpn = VMARENA_PT_MAX_VPN - 1, *slot;

	ASSERT_EQ(0, vmarena_pt_set(&self->pt, vpn, PTE(42)));
	EXPECT_EQ(VMARENA_PT_LEVELS, vmarena_pt_frames(&self->pt));
	slot = vmarena_pt_lookup(&self->pt, vpn);
	ASSERT_NE(NULL, slot);
	EXPECT_EQ(42, vmarena_pte_frame(*slot));
	EXPECT_EQ(NULL, vmarena_pt_lookup(&self->pt, 0));
	vmarena_pt_clear(&self->pt, vpn);
	EXPECT_EQ(0, vmarena_pt_frames(&self->pt));
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

/*
 * Random sets and clears over sparse pages, checked after every step
 * against a reference array: lookups agree, the range walk visits exactly
 * the non-zero entries in order, and clearing everything frees every node.
 */
TEST_F(pt, random_sparse_sets_and_clears_match_the_reference)
{
	static u64 ref[NPAGES];
	unsigned int step, i, live = 0;

	srandom(11);
	memset(ref, 0, sizeof(ref));
	for (step = 0; step < 20000; step++) {
		unsigned int k = random() % NPAGES;
		u64 vpn = test_vpn(k), *slot;

		if (ref[k] && random() % 2) {
			vmarena_pt_clear(&self->pt, vpn);
			ref[k] = 0;
			live--;
		} else {
			u64 pte = PTE(step + 1);

			if (!ref[k])
				live++;
			ASSERT_EQ(0, vmarena_pt_set(&self->pt, vpn, pte));
			ref[k] = pte;
		}
		slot = vmarena_pt_lookup(&self->pt, vpn);
		ASSERT_EQ(ref[k], slot ? *slot : 0);
		ASSERT_EQ(live, self->pt.used);
	}
	for (i = 0; i < NPAGES; i++) {
		u64 *slot = vmarena_pt_lookup(&self->pt, test_vpn(i));

		ASSERT_EQ(ref[i], slot ? *slot : 0) TH_LOG("page %u", i);
	}
	{
		struct visit v = { .ordered = true };

		ASSERT_EQ(0, vmarena_pt_range(&self->pt, 0, VMARENA_PT_MAX_VPN,
					      count_entry, &v));
		EXPECT_EQ(live, v.count);
		EXPECT_TRUE(v.ordered);
	}
	for (i = 0; i < NPAGES; i++)
		vmarena_pt_clear(&self->pt, test_vpn(i));
	EXPECT_EQ(0, self->pt.used);
	EXPECT_EQ(0, vmarena_pt_frames(&self->pt));
	EXPECT_EQ(VMARENA_NO_FRAME, self->pt.root);
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

/* Counts entries that are non-zero and in the table; stops any walk. */
static int release_entry(void *arg, u64 vpn, u64 *pte)
{
	if (*pte && vpn < VMARENA_PT_MAX_VPN)
		(*(u64 *)arg)++;
	return 1;	/* ignored by a clearing walk */
}

/*
 * Filling an empty entry a lookup found (the fault path's one walk) is
 * a set: the same entry, count and node use, so a clear frees every node.
 */
TEST_F(pt, a_fill_through_a_looked_up_entry_is_a_set)
{
	u64 vpn = 2 * VMARENA_PT_ENTRIES, *slot;	/* vpn + 1: the same leaf */

	ASSERT_EQ(0, vmarena_pt_set(&self->pt, vpn, PTE(7)));
	vmarena_pt_clear(&self->pt, vpn);	/* keeps nothing */
	ASSERT_EQ(0, vmarena_pt_set(&self->pt, vpn + 1, PTE(8)));
	slot = vmarena_pt_lookup(&self->pt, vpn);
	ASSERT_NE(NULL, slot);
	ASSERT_EQ(0, *slot);
	vmarena_pt_fill(&self->pt, slot, PTE(9));
	EXPECT_EQ(9, vmarena_pte_frame(vmarena_pt_get(&self->pt, vpn)));
	EXPECT_EQ(2, self->pt.used);
	vmarena_pt_clear(&self->pt, vpn + 1);
	EXPECT_EQ(VMARENA_PT_LEVELS, vmarena_pt_frames(&self->pt));
	vmarena_pt_clear(&self->pt, vpn);
	EXPECT_EQ(0, self->pt.used);
	EXPECT_EQ(0, vmarena_pt_frames(&self->pt));
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

TEST_F(pt, range_walk_and_clear_range_see_only_their_range)
{
	u64 first = VMARENA_PT_ENTRIES - 2, i, n = 0;
	struct visit v = { .ordered = true };

	for (i = 0; i < 3 * VMARENA_PT_ENTRIES; i++)
		ASSERT_EQ(0, vmarena_pt_set(&self->pt, i, PTE(i)));
	ASSERT_EQ(0, vmarena_pt_range(&self->pt, first, 5, count_entry, &v));
	EXPECT_EQ(5, v.count);
	EXPECT_EQ(first + 4, v.last_vpn);
	vmarena_pt_clear_range(&self->pt, first, VMARENA_PT_ENTRIES + 4, release_entry, &n);
	EXPECT_EQ(VMARENA_PT_ENTRIES + 4, n);
	EXPECT_EQ(2 * VMARENA_PT_ENTRIES - 4, self->pt.used);
	/* The middle leaf node emptied and went; its neighbours stay. */
	EXPECT_EQ(NULL, vmarena_pt_lookup(&self->pt, VMARENA_PT_ENTRIES));
	EXPECT_EQ(0, *vmarena_pt_lookup(&self->pt, first));
	EXPECT_EQ(first - 1, vmarena_pte_frame(*vmarena_pt_lookup(&self->pt, first - 1)));
	EXPECT_EQ(first + VMARENA_PT_ENTRIES + 4,
		  vmarena_pte_frame(*vmarena_pt_lookup(&self->pt, first + VMARENA_PT_ENTRIES + 4)));
	n = 0;
	vmarena_pt_destroy(&self->pt, release_entry, &n);
	EXPECT_EQ(2 * VMARENA_PT_ENTRIES - 4, n);
	EXPECT_EQ(0, vmarena_pt_frames(&self->pt));
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

TEST_F(pt, a_failed_set_leaves_the_table_as_it_was)
{
	u64 vpn = VMARENA_PT_MAX_VPN / 2;

	ASSERT_EQ(0, vmarena_pt_set(&self->pt, 0, PTE(1)));
	/* The root exists; the path to vpn needs LEVELS - 1 new nodes. */
	vmarena_buddy_fail_next(stub_arena_buddy(), 1);
	EXPECT_EQ(-ENOMEM, vmarena_pt_set(&self->pt, vpn, PTE(2)));
	EXPECT_EQ(VMARENA_PT_LEVELS, vmarena_pt_frames(&self->pt));
	EXPECT_EQ(1, self->pt.used);
	EXPECT_EQ(0, vmarena_pt_set(&self->pt, vpn, PTE(2)));
	vmarena_pt_clear(&self->pt, vpn);
	EXPECT_EQ(VMARENA_PT_LEVELS, vmarena_pt_frames(&self->pt));
	vmarena_pt_clear(&self->pt, 0);
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

/* Pages for the copy tests: the source and its copy both fit the arena. */
#define CPAGES (NPAGES / 4)

/* Copies entries with their value + 1; fails at the @fail_at-th if set. */
struct copy_ctl {
	struct vmarena_pt *src;
	u64 calls;
	u64 fail_at;
};

static int copy_plus_one(void *arg, u64 base, u64 *src, u64 *dst,
			 unsigned int *filled)
{
	struct copy_ctl *c = arg;
	unsigned int i;

	for (i = 0; i < VMARENA_PT_ENTRIES; i++) {
		if (!src[i])
			continue;
		if (&src[i] != vmarena_pt_lookup(c->src, base + i))
			return -EFAULT;	/* the page number must be the slot's */
		if (c->fail_at && ++c->calls == c->fail_at)
			return -EIO;
		dst[i] = src[i] + 1;
		++*filled;
	}
	return 0;
}

TEST_F(pt, a_copy_has_every_entry_and_the_same_shape)
{
	struct copy_ctl c = { .src = &self->pt };
	struct vmarena_pt copy;
	unsigned int i, level;

	for (i = 0; i < CPAGES; i++)
		ASSERT_EQ(0, vmarena_pt_set(&self->pt, test_vpn(i), PTE(i + 1)));
	vmarena_pt_init(&copy);
	ASSERT_EQ(0, vmarena_pt_copy(&self->pt, &copy, copy_plus_one, &c));
	EXPECT_EQ(self->pt.used, copy.used);
	for (level = 0; level < VMARENA_PT_LEVELS; level++)
		EXPECT_EQ(self->pt.nodes[level], copy.nodes[level]);
	for (i = 0; i < CPAGES; i++)
		ASSERT_EQ(PTE(i + 1) + 1, *vmarena_pt_lookup(&copy, test_vpn(i)));
	/* Clearing the copy entry by entry frees every node it took. */
	for (i = 0; i < CPAGES; i++)
		vmarena_pt_clear(&copy, test_vpn(i));
	EXPECT_EQ(0, vmarena_pt_frames(&copy));
	vmarena_pt_destroy(&self->pt, NULL, NULL);
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

TEST_F(pt, a_failed_copy_leaves_a_table_that_destroys_cleanly)
{
	struct copy_ctl c = { .src = &self->pt, .fail_at = CPAGES / 2 };
	struct visit v = { 0 };
	struct vmarena_pt copy;
	unsigned int i;

	for (i = 0; i < CPAGES; i++)
		ASSERT_EQ(0, vmarena_pt_set(&self->pt, test_vpn(i), PTE(i + 1)));
	vmarena_pt_init(&copy);
	EXPECT_EQ(-EIO, vmarena_pt_copy(&self->pt, &copy, copy_plus_one, &c));
	vmarena_pt_range(&copy, 0, VMARENA_PT_MAX_VPN, count_entry, &v);
	EXPECT_EQ(CPAGES / 2 - 1, copy.used);
	EXPECT_EQ(copy.used, v.count);
	vmarena_pt_destroy(&copy, NULL, NULL);
	EXPECT_EQ(0, vmarena_pt_frames(&copy));
	/* And with the allocation of a node failing. */
	vmarena_pt_init(&copy);
	vmarena_buddy_fail_next(stub_arena_buddy(), 1);
	c.fail_at = 0;
	EXPECT_EQ(-ENOMEM, vmarena_pt_copy(&self->pt, &copy, copy_plus_one, &c));
	vmarena_pt_destroy(&copy, NULL, NULL);
	vmarena_pt_destroy(&self->pt, NULL, NULL);
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

/*
 * Reading without the lock (vmarena_pt_peek()): it reads what a lookup
 * reads; new entries and nodes leave a peek valid, and every change that
 * takes a frame out of an entry or frees a node invalidates it.
 */
TEST_F(pt, a_peek_reads_what_a_lookup_reads)
{
	unsigned int step, k;
	u32 seq;

	srandom(12);
	for (step = 0; step < 20000; step++) {
		u64 vpn = test_vpn(random() % NPAGES), *slot;

		if (random() % 3 == 0)
			vmarena_pt_clear(&self->pt, vpn);
		else
			ASSERT_EQ(0, vmarena_pt_set(&self->pt, vpn,
						    PTE(1 + step % 1000)));
		for (k = 0; k < 4; k++) {
			u64 v = k ? test_vpn(random() % NPAGES) : vpn;

			slot = vmarena_pt_lookup(&self->pt, v);
			ASSERT_EQ(slot ? *slot : 0,
				  vmarena_pt_peek(&self->pt, v, &seq));
			ASSERT_EQ(0, seq & 1);
			ASSERT_TRUE(vmarena_pt_peek_valid(&self->pt, seq));
		}
	}
	vmarena_pt_destroy(&self->pt, NULL, NULL);
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

TEST_F(pt, a_leaf_peek_finds_the_node_a_lookup_finds)
{
	u64 vpn = VMARENA_PT_ENTRIES + 3;
	const u64 *leaf;
	u32 seq;

	EXPECT_EQ(NULL, vmarena_pt_peek_leaf(&self->pt, vpn, &seq));
	ASSERT_EQ(0, vmarena_pt_set(&self->pt, vpn, PTE(7)));
	leaf = vmarena_pt_peek_leaf(&self->pt, vpn, &seq);
	ASSERT_NE(NULL, leaf);
	EXPECT_EQ(vmarena_pt_lookup(&self->pt, vpn), &leaf[3]);
	EXPECT_EQ(NULL, vmarena_pt_peek_leaf(&self->pt, 3, &seq));
	EXPECT_EQ(NULL, vmarena_pt_peek_leaf(&self->pt, VMARENA_PT_MAX_VPN, &seq));
	vmarena_pt_destroy(&self->pt, NULL, NULL);
}

TEST_F(pt, a_new_entry_or_node_leaves_a_peek_valid)
{
	u32 seq;

	ASSERT_EQ(0, vmarena_pt_set(&self->pt, 0, PTE(7)));
	EXPECT_EQ(PTE(7), vmarena_pt_peek(&self->pt, 0, &seq));
	ASSERT_EQ(0, vmarena_pt_set(&self->pt, 1, PTE(8)));
	ASSERT_EQ(0, vmarena_pt_set(&self->pt, VMARENA_PT_MAX_VPN - 1, PTE(9)));
	*vmarena_pt_lookup(&self->pt, 0) |= VMARENA_PTE_ACCESSED;
	EXPECT_TRUE(vmarena_pt_peek_valid(&self->pt, seq));
	vmarena_pt_destroy(&self->pt, NULL, NULL);
}

TEST_F(pt, every_change_that_drops_a_frame_or_a_node_invalidates_a_peek)
{
	struct vmarena_pt other;
	u32 seq;

	ASSERT_EQ(0, vmarena_pt_set(&self->pt, 0, PTE(7)));
	ASSERT_EQ(0, vmarena_pt_set(&self->pt, 1, PTE(8)));
	/* vmarena_pt_replace(): another frame, or a slot. */
	vmarena_pt_peek(&self->pt, 0, &seq);
	vmarena_pt_replace(&self->pt, vmarena_pt_lookup(&self->pt, 0), PTE(9));
	EXPECT_FALSE(vmarena_pt_peek_valid(&self->pt, seq));
	/* vmarena_pt_set() over a non-zero entry. */
	vmarena_pt_peek(&self->pt, 0, &seq);
	ASSERT_EQ(0, vmarena_pt_set(&self->pt, 0, PTE(10)));
	EXPECT_FALSE(vmarena_pt_peek_valid(&self->pt, seq));
	/* A clear, of one page and of a range. */
	vmarena_pt_peek(&self->pt, 0, &seq);
	vmarena_pt_clear(&self->pt, 0);
	EXPECT_FALSE(vmarena_pt_peek_valid(&self->pt, seq));
	vmarena_pt_peek(&self->pt, 1, &seq);
	vmarena_pt_clear_range(&self->pt, 0, 2, NULL, NULL);
	EXPECT_FALSE(vmarena_pt_peek_valid(&self->pt, seq));
	EXPECT_EQ(VMARENA_NO_FRAME, self->pt.root);
	/* A move brings in a whole other table. */
	vmarena_pt_init(&other);
	ASSERT_EQ(0, vmarena_pt_set(&other, 5, PTE(11)));
	vmarena_pt_peek(&self->pt, 5, &seq);
	vmarena_pt_move(&self->pt, &other);
	EXPECT_FALSE(vmarena_pt_peek_valid(&self->pt, seq));
	EXPECT_EQ(PTE(11), vmarena_pt_peek(&self->pt, 5, &seq));
	EXPECT_EQ(VMARENA_NO_FRAME, other.root);
	vmarena_pt_destroy(&self->pt, NULL, NULL);
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

TEST_F(pt, a_peek_during_a_change_reads_nothing)
{
	u32 seq;

	ASSERT_EQ(0, vmarena_pt_set(&self->pt, 3, PTE(7)));
	vmarena_pt_write_begin(&self->pt);
	EXPECT_EQ(0, vmarena_pt_peek(&self->pt, 3, &seq));
	vmarena_pt_write_end(&self->pt);
	EXPECT_EQ(PTE(7), vmarena_pt_peek(&self->pt, 3, &seq));
	vmarena_pt_destroy(&self->pt, NULL, NULL);
}

/*
 * A walk through a node freed and reused under it meets any bytes: a
 * frame number beyond the arena, in a node or a leaf, is not followed
 * (the stub's vmarena_frame_addr() aborts on one) and reads as nothing.
 */
TEST_F(pt, a_peek_never_follows_a_frame_outside_the_arena)
{
	u64 *slot, saved;
	u32 seq;

	ASSERT_EQ(0, vmarena_pt_set(&self->pt, 3, PTE(ARENA_FRAMES)));
	EXPECT_EQ(0, vmarena_pt_peek(&self->pt, 3, &seq));
	slot = vmarena_frame_addr(self->pt.root);
	saved = slot[0];
	slot[0] = PTE(ARENA_FRAMES + 5);
	EXPECT_EQ(0, vmarena_pt_peek(&self->pt, 3, &seq));
	slot[0] = PTE(U32_MAX);
	EXPECT_EQ(0, vmarena_pt_peek(&self->pt, 3, &seq));
	slot[0] = saved;
	vmarena_pt_destroy(&self->pt, NULL, NULL);
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

TEST_HARNESS_MAIN
