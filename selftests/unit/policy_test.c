// SPDX-License-Identifier: GPL-2.0
/*
 * policy_test.c - module/policy.c in user space: the ring, each policy's
 * choice, and the course's classic results on reference strings.
 *
 * A small simulator stands in for a space: a page is resident in a frame of
 * the ring; every reference sets its accessed bit (as a fault or a hardware
 * access would), a write its dirty bit.
 */
#include "policy.h"
#include "kselftest_harness.h"

#define FRAMES 64
#define PAGES 64

struct sim {
	struct vmarena_frame ft[FRAMES];
	struct vmarena_lru l;
	int page_of[FRAMES];		/* -1: the frame is free */
	int frame_of[PAGES];		/* -1: not resident */
	bool young[FRAMES];
	bool dirty[FRAMES];
	bool busy[FRAMES];
	unsigned int policy, cap, faults;
	u64 scanned;
	u32 seed;
};

static bool sim_young(void *arg, u32 frame, bool clear)
{
	struct sim *s = arg;
	bool y = s->young[frame];

	if (clear)
		s->young[frame] = false;
	return y;
}

static bool sim_dirty(void *arg, u32 frame)
{
	return ((struct sim *)arg)->dirty[frame];
}

static bool sim_busy(void *arg, u32 frame)
{
	return ((struct sim *)arg)->busy[frame];
}

static u32 sim_random(void *arg)
{
	struct sim *s = arg;

	s->seed ^= s->seed << 13;
	s->seed ^= s->seed >> 17;
	s->seed ^= s->seed << 5;
	return s->seed;
}

static const struct vmarena_policy_ops sim_ops = {
	.young = sim_young,
	.dirty = sim_dirty,
	.busy = sim_busy,
	.random = sim_random,
};

static void sim_init(struct sim *s, unsigned int policy, unsigned int cap)
{
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < FRAMES; i++) {
		s->page_of[i] = -1;
		s->ft[i].lru_next = VMARENA_NO_FRAME;
	}
	for (i = 0; i < PAGES; i++)
		s->frame_of[i] = -1;
	vmarena_lru_init(&s->l);
	s->policy = policy;
	s->cap = cap;
	s->seed = 12345;
}

static int sim_free_frame(struct sim *s)
{
	int i;

	for (i = 0; i < FRAMES; i++)
		if (s->page_of[i] < 0)
			return i;
	return -1;
}

/* One reference; returns false when no victim could be found. */
static bool sim_ref(struct sim *s, int page, bool write)
{
	u32 victim;
	int f = s->frame_of[page];

	if (f < 0) {
		s->faults++;
		if (s->l.nr >= s->cap) {
			if (vmarena_policy_pick(s->policy, &s->l, s->ft, &sim_ops,
						s, &victim, 1, &s->scanned) != 1)
				return false;
			s->frame_of[s->page_of[victim]] = -1;
			s->page_of[victim] = -1;
		}
		f = sim_free_frame(s);
		s->page_of[f] = page;
		s->frame_of[page] = f;
		s->dirty[f] = false;
		vmarena_lru_add(&s->l, s->ft, f);
	}
	s->young[f] = true;
	s->dirty[f] |= write;
	return true;
}

static unsigned int sim_string(unsigned int policy, unsigned int cap,
			       const int *refs, int n)
{
	struct sim s;
	int i;

	sim_init(&s, policy, cap);
	for (i = 0; i < n; i++)
		if (!sim_ref(&s, refs[i], false))
			return 0;
	return s.faults;
}

static const int belady[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };

TEST(fifo_shows_beladys_anomaly_9_faults_with_3_frames_10_with_4)
{
	EXPECT_EQ(9, sim_string(VMARENA_POLICY_FIFO, 3, belady, 12));
	EXPECT_EQ(10, sim_string(VMARENA_POLICY_FIFO, 4, belady, 12));
}

/* N+1 pages in a loop with N frames. */
static unsigned int loop_faults(unsigned int policy)
{
	int refs[9 * 20], i;

	for (i = 0; i < 9 * 20; i++)
		refs[i] = i % 9;
	return sim_string(policy, 8, refs, 9 * 20);
}

TEST(a_loop_one_page_too_big_faults_on_every_access_under_fifo_lru_clock)
{
	EXPECT_EQ(180, loop_faults(VMARENA_POLICY_FIFO));
	EXPECT_EQ(180, loop_faults(VMARENA_POLICY_LRU));
	EXPECT_EQ(180, loop_faults(VMARENA_POLICY_CLOCK));
}

TEST(a_loop_one_page_too_big_does_not_always_fault_under_random)
{
	EXPECT_LT(loop_faults(VMARENA_POLICY_RANDOM), 150);
	EXPECT_GT(loop_faults(VMARENA_POLICY_RANDOM), 9);
}

TEST(clock_gives_an_accessed_page_a_second_chance)
{
	struct sim s;
	u32 v;

	sim_init(&s, VMARENA_POLICY_CLOCK, 3);
	sim_ref(&s, 0, false);
	sim_ref(&s, 1, false);
	sim_ref(&s, 2, false);
	s.young[s.frame_of[1]] = false;
	ASSERT_EQ(1, vmarena_policy_pick(VMARENA_POLICY_CLOCK, &s.l, s.ft,
					 &sim_ops, &s, &v, 1, &s.scanned));
	EXPECT_EQ(s.frame_of[1], (int)v);
	EXPECT_FALSE(s.young[s.frame_of[0]]);	/* cleared in passing */
	EXPECT_TRUE(s.young[s.frame_of[2]]);	/* not reached */
	EXPECT_EQ(2, s.scanned);
}

TEST(clean_first_prefers_an_unaccessed_clean_page_to_an_older_dirty_one)
{
	struct sim s;
	u32 v;
	int p;

	sim_init(&s, VMARENA_POLICY_CLEAN_FIRST, 4);
	for (p = 0; p < 4; p++)
		sim_ref(&s, p, p != 2);
	for (p = 0; p < 4; p++)
		s.young[s.frame_of[p]] = false;
	ASSERT_EQ(1, vmarena_policy_pick(VMARENA_POLICY_CLEAN_FIRST, &s.l,
					 s.ft, &sim_ops, &s, &v, 1, &s.scanned));
	EXPECT_EQ(s.frame_of[2], (int)v);
}

TEST(clean_first_takes_a_dirty_page_when_every_page_is_dirty)
{
	struct sim s;
	u32 v;
	int p;

	sim_init(&s, VMARENA_POLICY_CLEAN_FIRST, 4);
	for (p = 0; p < 4; p++)
		sim_ref(&s, p, true);
	EXPECT_EQ(1, vmarena_policy_pick(VMARENA_POLICY_CLEAN_FIRST, &s.l,
					 s.ft, &sim_ops, &s, &v, 1, &s.scanned));
	EXPECT_EQ(s.frame_of[0], (int)v);
}

TEST(lru_takes_the_least_recently_used_pages_of_a_batch)
{
	struct sim s;
	u32 v[2];
	int p;

	sim_init(&s, VMARENA_POLICY_LRU, 8);
	for (p = 0; p < 5; p++)
		sim_ref(&s, p, false);
	/* Age once, then touch 0, 1 and 3: 2 and 4 are the oldest. */
	ASSERT_EQ(0, vmarena_policy_pick(VMARENA_POLICY_LRU, &s.l, s.ft,
					 &sim_ops, &s, v, 0, &s.scanned));
	sim_ref(&s, 0, false);
	sim_ref(&s, 1, false);
	sim_ref(&s, 3, false);
	ASSERT_EQ(2, vmarena_policy_pick(VMARENA_POLICY_LRU, &s.l, s.ft,
					 &sim_ops, &s, v, 2, &s.scanned));
	EXPECT_EQ(s.frame_of[2], (int)v[0]);
	EXPECT_EQ(s.frame_of[4], (int)v[1]);
	EXPECT_EQ(3, s.l.nr);
}

TEST(busy_pages_are_never_chosen_by_any_policy)
{
	unsigned int policy;
	struct sim s;
	u32 v[4];
	int p;

	for (policy = 0; policy < VMARENA_NR_POLICIES; policy++) {
		sim_init(&s, policy, 4);
		for (p = 0; p < 4; p++)
			sim_ref(&s, p, false);
		s.busy[s.frame_of[0]] = true;
		s.busy[s.frame_of[3]] = true;
		EXPECT_EQ(2, vmarena_policy_pick(policy, &s.l, s.ft, &sim_ops,
						 &s, v, 4, &s.scanned));
		EXPECT_NE(s.frame_of[0], (int)v[0]);
		EXPECT_NE(s.frame_of[3], (int)v[0]);
		EXPECT_NE(s.frame_of[0], (int)v[1]);
		EXPECT_NE(s.frame_of[3], (int)v[1]);
		EXPECT_EQ(2, s.l.nr);
	}
}

TEST(removing_the_page_under_the_hand_moves_the_hand_and_empties_cleanly)
{
	struct sim s;
	int p;

	sim_init(&s, VMARENA_POLICY_FIFO, 4);
	for (p = 0; p < 3; p++)
		sim_ref(&s, p, false);
	vmarena_lru_del(&s.l, s.ft, s.frame_of[0]);
	EXPECT_EQ(s.frame_of[1], (int)s.l.hand);
	vmarena_lru_del(&s.l, s.ft, s.frame_of[2]);
	vmarena_lru_del(&s.l, s.ft, s.frame_of[1]);
	EXPECT_EQ(VMARENA_NO_FRAME, s.l.hand);
	EXPECT_EQ(0, s.l.nr);
	shim_warnings = 0;
	vmarena_lru_del(&s.l, s.ft, s.frame_of[1]);	/* not in the ring */
	EXPECT_EQ(1, shim_warnings);
}

TEST(policy_names_parse_back_and_unknown_names_are_refused)
{
	unsigned int p;

	for (p = 0; p < VMARENA_NR_POLICIES; p++)
		EXPECT_EQ((int)p, vmarena_policy_parse(vmarena_policy_name(p)));
	EXPECT_EQ(-EINVAL, vmarena_policy_parse("lfu"));
	EXPECT_EQ(-EINVAL, vmarena_policy_parse(""));
	EXPECT_STREQ("?", vmarena_policy_name(VMARENA_NR_POLICIES));
}

TEST_HARNESS_MAIN
