// SPDX-License-Identifier: GPL-2.0
/*
 * range.c - validation of ranges of a space's offset space.
 *
 * Every ioctl that takes a range and every mmap go through here, so the
 * rules (page aligned, non-empty, no overflow, below 2^48 bytes) are written
 * once.  Pure logic: also compiled by selftests/unit/.
 */
#include "internal.h"

/**
 * vmarena_range_pages() - check a range of pages.
 * @first: first page number.
 * @nr:    number of pages.
 *
 * Return: 0 when [@first, @first + @nr) is non-empty and lies below
 * VMARENA_MAX_PAGES, else -EINVAL.
 */
int vmarena_range_pages(u64 first, u64 nr)
{
	if (!nr || first >= VMARENA_MAX_PAGES)
		return -EINVAL;
	if (nr > VMARENA_MAX_PAGES - first)
		return -EINVAL;
	return 0;
}

/**
 * vmarena_range_bytes() - check a page-aligned byte range, convert to pages.
 * @off:   byte offset, a multiple of the page size.
 * @len:   byte length, a non-zero multiple of the page size.
 * @first: out: first page number (set only on success).
 * @nr:    out: number of pages (set only on success).
 *
 * Return: 0, or -EINVAL for an unaligned, empty, overflowing or
 * out-of-range request.
 */
int vmarena_range_bytes(u64 off, u64 len, u64 *first, u64 *nr)
{
	u64 mask = VMARENA_PAGE_SIZE - 1;
	int ret;

	if ((off & mask) || (len & mask))
		return -EINVAL;
	ret = vmarena_range_pages(off >> VMARENA_PAGE_SHIFT,
				  len >> VMARENA_PAGE_SHIFT);
	if (ret)
		return ret;
	*first = off >> VMARENA_PAGE_SHIFT;
	*nr = len >> VMARENA_PAGE_SHIFT;
	return 0;
}

/**
 * vmarena_reserved_zero() - are all bytes of a reserved field zero?
 * @p:   the field.
 * @len: its size in bytes.
 *
 * Return: true when every byte is zero.
 */
bool vmarena_reserved_zero(const void *p, size_t len)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}
