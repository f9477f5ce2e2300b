// SPDX-License-Identifier: GPL-2.0
/*
 * slots_test.c - module/slots.c in user space against a reference model.
 */
#include "slots.h"
#include "kselftest_harness.h"

#define NR 1000

FIXTURE(slots) {
	struct vmarena_slots s;
	u64 map[(NR + 63) / 64];
	u64 bad[(NR + 63) / 64];
};

FIXTURE_SETUP(slots)
{
	shim_warnings = 0;
	memset(self->map, 0, sizeof(self->map));
	memset(self->bad, 0, sizeof(self->bad));
	vmarena_slots_init(&self->s, self->map, self->bad, NR);
}

FIXTURE_TEARDOWN(slots)
{
}

TEST_F(slots, consecutive_allocations_get_neighbouring_slots)
{
	u64 a, b, c;

	ASSERT_EQ(1, vmarena_slots_alloc(&self->s, 1, &a));
	ASSERT_EQ(1, vmarena_slots_alloc(&self->s, 1, &b));
	ASSERT_EQ(8, vmarena_slots_alloc(&self->s, 8, &c));
	EXPECT_EQ(a + 1, b);
	EXPECT_EQ(b + 1, c);
	EXPECT_EQ(10, self->s.used);
}

TEST_F(slots, a_run_stops_at_the_first_taken_slot)
{
	u64 first, x;

	ASSERT_EQ(10, vmarena_slots_alloc(&self->s, 10, &first));
	ASSERT_EQ(0, vmarena_slots_free(&self->s, first + 3));
	ASSERT_EQ(0, vmarena_slots_free(&self->s, first + 4));
	self->s.cursor = first;			/* search from the start again */
	EXPECT_EQ(2, vmarena_slots_alloc(&self->s, 5, &x));
	EXPECT_EQ(first + 3, x);
}

TEST_F(slots, a_full_device_gives_nothing_and_a_free_slot_is_found_again)
{
	u64 first, got = 0;
	unsigned int n;

	while ((n = vmarena_slots_alloc(&self->s, 64, &first)))
		got += n;
	EXPECT_EQ(NR, got);
	EXPECT_EQ(NR, self->s.used);
	ASSERT_EQ(0, vmarena_slots_free(&self->s, 500));
	EXPECT_EQ(1, vmarena_slots_alloc(&self->s, 4, &first));
	EXPECT_EQ(500, first);
}

TEST_F(slots, double_and_stray_frees_are_refused_and_counted)
{
	u64 a;

	ASSERT_EQ(1, vmarena_slots_alloc(&self->s, 1, &a));
	EXPECT_EQ(0, vmarena_slots_free(&self->s, a));
	EXPECT_EQ(-EINVAL, vmarena_slots_free(&self->s, a));
	EXPECT_EQ(-EINVAL, vmarena_slots_free(&self->s, NR));
	EXPECT_EQ(2, self->s.double_frees);
	EXPECT_EQ(2, shim_warnings);
	EXPECT_EQ(0, self->s.used);
}

TEST_F(slots, a_retired_slot_is_never_handed_out_again)
{
	u64 a, x;
	unsigned int i;

	ASSERT_EQ(1, vmarena_slots_alloc(&self->s, 1, &a));
	ASSERT_EQ(0, vmarena_slots_retire(&self->s, a));
	EXPECT_EQ(-EINVAL, vmarena_slots_retire(&self->s, a));
	EXPECT_EQ(0, self->s.used);
	EXPECT_EQ(1, self->s.retired);
	EXPECT_EQ(-EINVAL, vmarena_slots_free(&self->s, a));
	for (i = 0; i < 3 * NR; i++) {
		if (!vmarena_slots_alloc(&self->s, 1, &x))
			break;
		ASSERT_NE(a, x);
	}
	EXPECT_EQ(NR - 1, self->s.used);
}

/*
 * Random runs allocated and slots freed, checked against a model after
 * every step: no slot is given twice, counts agree, everything frees.
 */
TEST_F(slots, random_runs_match_the_reference_model)
{
	static u8 taken[NR];
	unsigned int step;
	u64 i, used = 0;

	srandom(5);
	memset(taken, 0, sizeof(taken));
	for (step = 0; step < 20000; step++) {
		if (random() % 2) {
			u64 first;
			unsigned int n = vmarena_slots_alloc(&self->s, 1 + random() % 16, &first);

			for (i = first; i < first + n; i++) {
				ASSERT_EQ(0, taken[i]) TH_LOG("slot given twice");
				taken[i] = 1;
			}
			used += n;
		} else {
			u64 slot = random() % NR;

			if (!taken[slot])
				continue;
			ASSERT_EQ(0, vmarena_slots_free(&self->s, slot));
			taken[slot] = 0;
			used--;
		}
		ASSERT_EQ(used, self->s.used);
	}
	for (i = 0; i < NR; i++)
		if (taken[i])
			ASSERT_EQ(0, vmarena_slots_free(&self->s, i));
	EXPECT_EQ(0, self->s.used);
	EXPECT_EQ(0, shim_warnings);
}

TEST_HARNESS_MAIN
