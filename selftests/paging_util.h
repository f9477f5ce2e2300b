/* SPDX-License-Identifier: GPL-2.0 */
/*
 * paging_util.h - helpers of the paging_test_* programs that need the
 * swap device: attach it, pick a policy, set the watermarks, and put the
 * arena-wide controls back as they were.  Include it after space_util.h
 * and vm_util.h.
 */
#ifndef _VMARENA_PAGING_UTIL_H
#define _VMARENA_PAGING_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_util.h"

#define SYS "/sys/class/misc/vmarena/"

/*
 * Attaches the spare disk as swap unless something is attached; true if
 * it attached it (for a caller that detaches it again).
 */
static inline bool need_swap(struct __test_metadata *_metadata)
{
	const char *dev = getenv("VMARENA_SWAP_DEV");
	char cur[256] = "";
	FILE *f = fopen(SYS "swap_dev", "r");

	if (f) {
		if (!fgets(cur, sizeof(cur), f))
			cur[0] = '\0';
		fclose(f);
	}
	if (cur[0] && cur[0] != '\n')
		return false;
	if (!dev)
		SKIP(exit(KSFT_SKIP), "no spare disk ($VMARENA_SWAP_DEV)");
	ASSERT_EQ(0, write_str(SYS "swap_dev", dev));
	return true;
}

/* The arena-wide controls a test changes, to put back afterwards. */
struct knobs {
	char policy[32];
	long long low, high;
};

static inline long long sys_value(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), SYS "%s", name);
	return file_number(path);
}

/* The policy in force: the name in brackets of the policy attribute. */
static inline void knobs_save(struct knobs *k)
{
	char buf[128] = "", *open, *close;
	FILE *f = fopen(SYS "policy", "r");

	snprintf(k->policy, sizeof(k->policy), "clock");
	if (f) {
		if (fgets(buf, sizeof(buf), f)) {
			open = strchr(buf, '[');
			close = open ? strchr(open, ']') : NULL;
			if (close) {
				*close = '\0';
				snprintf(k->policy, sizeof(k->policy), "%s", open + 1);
			}
		}
		fclose(f);
	}
	k->low = sys_value("watermark_low");
	k->high = sys_value("watermark_high");
}

/*
 * Sets both watermarks whatever the current ones are: the attributes
 * refuse a low at or above the high in force, so the order matters.
 */
static inline int set_watermarks(long long low, long long high)
{
	char l[32], h[32];
	int ret;

	snprintf(l, sizeof(l), "%lld", low);
	snprintf(h, sizeof(h), "%lld", high);
	if (low < sys_value("watermark_high")) {
		ret = write_str(SYS "watermark_low", l);
		return ret ? ret : write_str(SYS "watermark_high", h);
	}
	ret = write_str(SYS "watermark_high", h);
	return ret ? ret : write_str(SYS "watermark_low", l);
}

static inline void knobs_restore(const struct knobs *k)
{
	write_str(SYS "policy", k->policy);
	if (k->low > 0 && k->high > 0)
		set_watermarks(k->low, k->high);
}

/* Fills a page with words derived from (page, version): mix-ups show. */
static inline void fill_words(char *p, __u64 page, __u64 v)
{
	__u64 *w = (__u64 *)(p + page * PAGE);
	__u64 x = (page * 0x9e3779b97f4a7c15ULL) ^ (v << 48) ^ 0x5bd1e995ULL;
	size_t i;

	for (i = 0; i < PAGE / 8; i++)
		w[i] = x + i;
}

static inline bool words_intact(const char *p, __u64 page, __u64 v)
{
	const __u64 *w = (const __u64 *)(p + page * PAGE);
	__u64 x = (page * 0x9e3779b97f4a7c15ULL) ^ (v << 48) ^ 0x5bd1e995ULL;
	size_t i;

	for (i = 0; i < PAGE / 8; i++)
		if (w[i] != x + i)
			return false;
	return true;
}

/* The slot of a swapped page, or -1 if it is not in a slot. */
static inline long long slot_of(int fd, __u64 page)
{
	struct vmarena_pte_info e = { 0 };

	if (translate(fd, page * PAGE, 1, &e) ||
	    !(e.flags & VMARENA_PTE_INFO_SWAPPED))
		return -1;
	return e.frame;
}

#endif /* _VMARENA_PAGING_UTIL_H */
