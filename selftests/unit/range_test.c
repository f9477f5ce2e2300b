// SPDX-License-Identifier: GPL-2.0
/*
 * range_test.c - module/range.c in user space: the rules every mmap and
 * range ioctl relies on.
 */
#include "internal.h"
#include "kselftest_harness.h"

#define PAGE VMARENA_PAGE_SIZE
#define LIMIT BIT_ULL(VMARENA_OFFSET_BITS)

TEST(whole_offset_space_is_valid)
{
	u64 first = 1, nr = 0;

	ASSERT_EQ(0, vmarena_range_bytes(0, LIMIT, &first, &nr));
	EXPECT_EQ(0, first);
	EXPECT_EQ(VMARENA_MAX_PAGES, nr);
}

TEST(last_page_is_valid_one_beyond_is_not)
{
	u64 first = 0, nr = 0;

	ASSERT_EQ(0, vmarena_range_bytes(LIMIT - PAGE, PAGE, &first, &nr));
	EXPECT_EQ(VMARENA_MAX_PAGES - 1, first);
	EXPECT_EQ(1, nr);
	EXPECT_EQ(-EINVAL, vmarena_range_bytes(LIMIT, PAGE, &first, &nr));
	EXPECT_EQ(-EINVAL, vmarena_range_bytes(LIMIT - PAGE, 2 * PAGE, &first, &nr));
}

TEST(empty_and_unaligned_ranges_are_refused)
{
	u64 first = 7, nr = 9;

	EXPECT_EQ(-EINVAL, vmarena_range_bytes(0, 0, &first, &nr));
	EXPECT_EQ(-EINVAL, vmarena_range_bytes(1, PAGE, &first, &nr));
	EXPECT_EQ(-EINVAL, vmarena_range_bytes(0, PAGE + 1, &first, &nr));
	EXPECT_EQ(-EINVAL, vmarena_range_bytes(PAGE / 2, PAGE / 2, &first, &nr));
	/* Outputs are untouched on error. */
	EXPECT_EQ(7, first);
	EXPECT_EQ(9, nr);
}

TEST(overflowing_ranges_are_refused)
{
	u64 first, nr;

	EXPECT_EQ(-EINVAL, vmarena_range_bytes(PAGE, UINT64_MAX & ~(PAGE - 1),
					       &first, &nr));
	EXPECT_EQ(-EINVAL, vmarena_range_bytes(UINT64_MAX & ~(PAGE - 1), PAGE,
					       &first, &nr));
	EXPECT_EQ(-EINVAL, vmarena_range_pages(1, UINT64_MAX));
	EXPECT_EQ(-EINVAL, vmarena_range_pages(UINT64_MAX, 1));
	EXPECT_EQ(-EINVAL, vmarena_range_pages(VMARENA_MAX_PAGES - 1, 2));
	EXPECT_EQ(0, vmarena_range_pages(VMARENA_MAX_PAGES - 1, 1));
}

TEST(reserved_fields_must_be_all_zero)
{
	u64 r[4] = { 0 };

	EXPECT_TRUE(vmarena_reserved_zero(r, sizeof(r)));
	((u8 *)r)[sizeof(r) - 1] = 1;
	EXPECT_FALSE(vmarena_reserved_zero(r, sizeof(r)));
	EXPECT_TRUE(vmarena_reserved_zero(r, 0));
}

TEST_HARNESS_MAIN
