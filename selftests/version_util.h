/* SPDX-License-Identifier: GPL-2.0 */
/*
 * version_util.h - pages in numbered versions: every 64-bit word of page
 * P in version V is derived from (P, V), so a page that holds another
 * page's bytes, another version's, or a torn mix shows.  Include it after
 * space_util.h (PAGE).
 */
#ifndef _VMARENA_VERSION_UTIL_H
#define _VMARENA_VERSION_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

/* The first 64-bit word page @page holds in version @v. */
static inline __u64 page_word(__u64 page, __u64 v)
{
	return (page * 0x9e3779b97f4a7c15ULL) ^ (v << 48) ^ 0x5bd1e995ULL;
}

/* Writes version @v of page @page into the mapping @p. */
static inline void fill(char *p, __u64 page, __u64 v)
{
	__u64 *w = (__u64 *)(p + page * PAGE), x = page_word(page, v);
	size_t i;

	for (i = 0; i < PAGE / 8; i++)
		w[i] = x + i;
}

/* Whether page @page of the mapping @p holds exactly version @v. */
static inline bool intact(const char *p, __u64 page, __u64 v)
{
	const __u64 *w = (const __u64 *)(p + page * PAGE);
	__u64 x = page_word(page, v);
	size_t i;

	for (i = 0; i < PAGE / 8; i++)
		if (w[i] != x + i)
			return false;
	return true;
}

#endif /* _VMARENA_VERSION_UTIL_H */
