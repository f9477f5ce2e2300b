// SPDX-License-Identifier: GPL-2.0
/*
 * slab_test.c - module/slab.c in user space over the real buddy allocator.
 */
#include "slab.h"
#include "arena_stub.h"
#include "kselftest_harness.h"

#define ARENA_FRAMES 1024

FIXTURE(slab) {
	struct vmarena_slab_cache c;
	u64 free_at_start;
};

FIXTURE_VARIANT(slab) {
	u32 size;
	u32 align;
};

FIXTURE_VARIANT_ADD(slab, tiny) { .size = 1, .align = 0 };
FIXTURE_VARIANT_ADD(slab, odd_100) { .size = 100, .align = 0 };
FIXTURE_VARIANT_ADD(slab, aligned_64) { .size = 40, .align = 64 };
FIXTURE_VARIANT_ADD(slab, large_2048) { .size = 2048, .align = 0 };

FIXTURE_SETUP(slab)
{
	shim_warnings = 0;
	shim_errors = 0;
	ASSERT_EQ(0, stub_arena_init(ARENA_FRAMES));
	self->free_at_start = stub_arena_buddy()->free_frames;
	ASSERT_EQ(0, vmarena_slab_cache_init(&self->c, "test", variant->size,
					     variant->align, 1));
}

FIXTURE_TEARDOWN(slab)
{
	stub_arena_fini();
}

static void fill(void *p, u32 len, unsigned int tag)
{
	memset(p, tag & 0xff, len);
}

static bool filled(const void *p, u32 len, unsigned int tag)
{
	const u8 *b = p;
	u32 i;

	for (i = 0; i < len; i++)
		if (b[i] != (tag & 0xff))
			return false;
	return true;
}

/*
 * Random allocations and frees keep every live object's contents intact,
 * objects never overlap, and destroying the emptied cache gives every frame
 * back to the buddy allocator.
 */
TEST_F(slab, random_alloc_free_keeps_contents_intact)
{
	static void *obj[600];
	static unsigned int tag[600];
	unsigned int n = 0, step, i, next_tag = 1;
	u32 sz = variant->size;

	srandom(7);
	for (step = 0; step < 20000; step++) {
		if (n < ARRAY_SIZE(obj) && (n == 0 || random() % 3)) {
			void *p = vmarena_slab_alloc(&self->c);

			if (!p)
				continue;
			if (variant->align)
				ASSERT_EQ(0, (uintptr_t)p % variant->align);
			fill(p, sz, next_tag);
			tag[n] = next_tag++;
			obj[n++] = p;
		} else {
			unsigned int k = random() % n;

			ASSERT_TRUE(filled(obj[k], sz, tag[k])) TH_LOG("object %u", k);
			vmarena_slab_free(&self->c, obj[k]);
			obj[k] = obj[--n];
			tag[k] = tag[n];
		}
		if (step % 97 == 0) {
			struct vmarena_slab_info info;

			vmarena_slab_info(&self->c, &info);
			ASSERT_EQ(n, info.active);
		}
	}
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(filled(obj[i], sz, tag[i]));
		vmarena_slab_free(&self->c, obj[i]);
	}
	EXPECT_EQ(0, vmarena_slab_cache_destroy(&self->c));
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
	EXPECT_EQ(0, shim_warnings);
	EXPECT_EQ(0, shim_errors);
}

TEST_F(slab, a_freed_object_is_reused_by_the_next_allocation)
{
	void *a = vmarena_slab_alloc(&self->c), *b;

	ASSERT_NE(NULL, a);
	vmarena_slab_free(&self->c, a);
	b = vmarena_slab_alloc(&self->c);
	EXPECT_EQ(a, b);
	vmarena_slab_free(&self->c, b);
	EXPECT_EQ(0, vmarena_slab_cache_destroy(&self->c));
}

/* Checked on the slow path (a debugging cache), where each free is exact. */
TEST_F(slab, empty_slabs_beyond_the_reserve_go_back_to_the_buddy)
{
	struct vmarena_slab_info info;
	u32 per_slab, i;
	void *obj[3 * 512];

	vmarena_slab_set_debug(&self->c, VMARENA_SLAB_RED_ZONE);
	per_slab = self->c.dobjs;
	ASSERT_LE(3 * per_slab, ARRAY_SIZE(obj));
	for (i = 0; i < 3 * per_slab; i++)
		ASSERT_NE(NULL, obj[i] = vmarena_slab_alloc(&self->c));
	vmarena_slab_info(&self->c, &info);
	EXPECT_EQ(3, info.slabs);
	EXPECT_EQ(3 * per_slab, info.active);
	for (i = 0; i < 3 * per_slab; i++)
		vmarena_slab_free(&self->c, obj[i]);
	vmarena_slab_info(&self->c, &info);
	EXPECT_EQ(1, info.slabs);		/* the reserve of one */
	EXPECT_EQ(2, self->c.stats.slabs_destroyed);
	EXPECT_EQ(1, vmarena_slab_shrink(&self->c));
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

TEST_F(slab, per_cpu_caches_park_frees_and_shrink_gives_everything_back)
{
	struct vmarena_slab_stats st;
	struct vmarena_slab_info info;
	void *obj[100];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(obj); i++)
		ASSERT_NE(NULL, obj[i] = vmarena_slab_alloc(&self->c));
	for (i = 0; i < ARRAY_SIZE(obj); i++)
		vmarena_slab_free(&self->c, obj[i]);
	vmarena_slab_info(&self->c, &info);
	EXPECT_EQ(0, info.active);		/* parked objects are free */
	vmarena_slab_counts(&self->c, &st);
	EXPECT_EQ(ARRAY_SIZE(obj), st.allocs);
	EXPECT_EQ(ARRAY_SIZE(obj), st.frees);
	vmarena_slab_shrink(&self->c);
	vmarena_slab_info(&self->c, &info);
	EXPECT_EQ(0, info.slabs);
	EXPECT_EQ(0, self->c.active);
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
	EXPECT_EQ(0, vmarena_slab_cache_destroy(&self->c));
}

TEST_F(slab, slabinfo_counts_internal_fragmentation)
{
	struct vmarena_slab_info info;
	void *p = vmarena_slab_alloc(&self->c);

	ASSERT_NE(NULL, p);
	vmarena_slab_info(&self->c, &info);
	EXPECT_EQ(variant->size, info.object_size);
	EXPECT_EQ(1, info.slabs);
	EXPECT_EQ(info.objs_per_slab, info.total);
	EXPECT_EQ(4096ULL * info.frames_per_slab -
		  (u64)info.objs_per_slab * variant->size, info.waste);
	/* At most 1/8 of a slab is lost beyond the objects' own padding. */
	EXPECT_GE(4096ULL * info.frames_per_slab / 8,
		  4096ULL * info.frames_per_slab - (u64)info.objs_per_slab * info.size);
	vmarena_slab_free(&self->c, p);
}

TEST_F(slab, red_zone_catches_an_overflow_and_the_cache_goes_on)
{
	u8 *p, *q;

	vmarena_slab_set_debug(&self->c, VMARENA_SLAB_RED_ZONE);
	p = vmarena_slab_alloc(&self->c);
	ASSERT_NE(NULL, p);
	p[variant->size] = 0x42;			/* one byte too far */
	vmarena_slab_free(&self->c, p);
	EXPECT_EQ(1, self->c.stats.overflows);
	EXPECT_EQ(1, shim_errors);
	EXPECT_EQ(0, self->c.active);
	q = vmarena_slab_alloc(&self->c);
	EXPECT_EQ(p, q);
	vmarena_slab_free(&self->c, q);
	EXPECT_EQ(1, shim_errors);			/* the red zone was repaired */
	EXPECT_EQ(0, vmarena_slab_cache_destroy(&self->c));
}

TEST_F(slab, poison_catches_a_write_after_free)
{
	u8 *p, *q;

	vmarena_slab_set_debug(&self->c, VMARENA_SLAB_POISON);
	p = vmarena_slab_alloc(&self->c);
	ASSERT_NE(NULL, p);
	vmarena_slab_free(&self->c, p);
	EXPECT_EQ(0, shim_errors);
	p[0] = 1;					/* use after free */
	q = vmarena_slab_alloc(&self->c);
	EXPECT_EQ(p, q);
	EXPECT_EQ(1, self->c.stats.use_after_free);
	EXPECT_EQ(1, shim_errors);
	vmarena_slab_free(&self->c, q);
	EXPECT_EQ(0, vmarena_slab_cache_destroy(&self->c));
}

TEST_F(slab, double_free_is_reported_and_refused)
{
	void *p, *a, *b;

	vmarena_slab_set_debug(&self->c, VMARENA_SLAB_RED_ZONE);
	p = vmarena_slab_alloc(&self->c);
	ASSERT_NE(NULL, p);
	vmarena_slab_free(&self->c, p);
	vmarena_slab_free(&self->c, p);
	EXPECT_EQ(1, self->c.stats.double_frees);
	EXPECT_EQ(1, self->c.stats.frees);
	EXPECT_EQ(0, self->c.active);
	/* The free list was not corrupted: two allocations, two objects. */
	a = vmarena_slab_alloc(&self->c);
	b = vmarena_slab_alloc(&self->c);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_NE(a, b);
	vmarena_slab_free(&self->c, a);
	vmarena_slab_free(&self->c, b);
	EXPECT_EQ(0, vmarena_slab_cache_destroy(&self->c));
}

TEST_F(slab, debug_switch_applies_to_new_slabs_only)
{
	void *plain = vmarena_slab_alloc(&self->c), *dbg;

	ASSERT_NE(NULL, plain);
	vmarena_slab_set_debug(&self->c, VMARENA_SLAB_POISON);
	dbg = vmarena_slab_alloc(&self->c);	/* from the plain partial slab */
	ASSERT_NE(NULL, dbg);
	vmarena_slab_free(&self->c, dbg);
	vmarena_slab_free(&self->c, plain);
	EXPECT_EQ(0, shim_errors);
	EXPECT_EQ(0, vmarena_slab_cache_destroy(&self->c));
	EXPECT_EQ(self->free_at_start, stub_arena_buddy()->free_frames);
}

TEST_F(slab, injected_failures_return_null_then_allocation_resumes)
{
	void *p;

	vmarena_slab_fail_next(&self->c, 2);
	EXPECT_EQ(NULL, vmarena_slab_alloc(&self->c));
	EXPECT_EQ(NULL, vmarena_slab_alloc(&self->c));
	EXPECT_EQ(2, self->c.stats.injected);
	EXPECT_EQ(2, self->c.stats.failures);
	p = vmarena_slab_alloc(&self->c);
	ASSERT_NE(NULL, p);
	vmarena_slab_free(&self->c, p);
	EXPECT_EQ(0, vmarena_slab_cache_destroy(&self->c));
}

TEST(an_exhausted_arena_gives_null_and_recovers)
{
	struct vmarena_slab_cache c;
	static void *obj[64 * 2 + 1];
	unsigned int n = 0;

	ASSERT_EQ(0, stub_arena_init(64));
	ASSERT_EQ(0, vmarena_slab_cache_init(&c, "big", 2048, 0, 0));
	while (n < ARRAY_SIZE(obj) && (obj[n] = vmarena_slab_alloc(&c)))
		n++;
	EXPECT_EQ(64 * 2, n);			/* two objects a frame */
	EXPECT_EQ(1, c.stats.failures);
	while (n)
		vmarena_slab_free(&c, obj[--n]);
	EXPECT_EQ(0, vmarena_slab_cache_destroy(&c));
	EXPECT_EQ(64, stub_arena_buddy()->free_frames);
	stub_arena_fini();
}

TEST(bad_sizes_and_alignments_are_refused)
{
	struct vmarena_slab_cache c;

	EXPECT_EQ(-EINVAL, vmarena_slab_cache_init(&c, "x", 0, 0, 0));
	EXPECT_EQ(-EINVAL, vmarena_slab_cache_init(&c, "x", VMARENA_SLAB_MAX_SIZE + 1, 0, 0));
	EXPECT_EQ(-EINVAL, vmarena_slab_cache_init(&c, "x", 8, 3, 0));
	EXPECT_EQ(-EINVAL, vmarena_slab_cache_init(&c, "x", 8, 8192, 0));
}

TEST(destroying_a_cache_with_live_objects_is_refused)
{
	struct vmarena_slab_cache c;
	void *p;

	shim_warnings = 0;
	shim_errors = 0;
	ASSERT_EQ(0, stub_arena_init(64));
	ASSERT_EQ(0, vmarena_slab_cache_init(&c, "leaky", 64, 0, 0));
	p = vmarena_slab_alloc(&c);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(-EBUSY, vmarena_slab_cache_destroy(&c));
	EXPECT_EQ(1, shim_warnings);
	vmarena_slab_free(&c, p);
	EXPECT_EQ(0, vmarena_slab_cache_destroy(&c));
	stub_arena_fini();
}

TEST_HARNESS_MAIN
