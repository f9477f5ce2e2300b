/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cow_util.h - helpers of the clone and checkpoint selftests.  Include it
 * after space_util.h.
 */
#ifndef _VMARENA_COW_UTIL_H
#define _VMARENA_COW_UTIL_H

#include <string.h>

/* CLONE: the new fd, or -errno. */
static inline int clone_space(int fd)
{
	struct vmarena_clone c = { .flags = VMARENA_CLONE_CLOEXEC };
	int ret = ioctl(fd, VMARENA_IOC_CLONE, &c);

	if (ret < 0)
		return -errno;
	return c.fd == ret ? ret : -EPROTO;
}

/* CHECKPOINT, RESTORE, CKPT_DROP: 0 or -errno; *gen in or out. */
static inline int ckpt_call(int fd, unsigned long cmd, __u64 *gen,
			    __u64 *pages)
{
	struct vmarena_ckpt c = { .generation = *gen };

	if (ioctl(fd, cmd, &c))
		return -errno;
	*gen = c.generation;
	if (pages)
		*pages = c.pages;
	return 0;
}

static inline __u64 checkpoint(int fd)
{
	__u64 gen = 0;

	return ckpt_call(fd, VMARENA_IOC_CHECKPOINT, &gen, NULL) ? 0 : gen;
}

static inline int restore(int fd, __u64 gen)
{
	return ckpt_call(fd, VMARENA_IOC_RESTORE, &gen, NULL);
}

/* GET_DIRTY over pages [0, @pages): bits into @bitmap; -errno or count. */
static inline long get_dirty(int fd, __u64 gen, __u64 pages, __u64 *bitmap,
			     __u32 flags)
{
	struct vmarena_dirty d = { .generation = gen, .pages = pages,
				   .bitmap = (uintptr_t)bitmap, .flags = flags };

	if (ioctl(fd, VMARENA_IOC_GET_DIRTY, &d))
		return -errno;
	return d.dirty;
}

static inline bool bit_of(const __u64 *bitmap, __u64 i)
{
	return bitmap[i / 64] >> (i % 64) & 1;
}

/* A page's contents: every byte is @v. */
static inline void fill_page(char *p, __u64 page, unsigned char v)
{
	memset(p + page * PAGE, v, PAGE);
}

static inline bool page_is(const char *p, __u64 page, unsigned char v)
{
	__u64 i;

	for (i = 0; i < PAGE; i++)
		if ((unsigned char)p[page * PAGE + i] != v)
			return false;
	return true;
}

/* Whether pages [0, @n) of @p each hold @model's byte, every byte of it. */
static inline bool pages_match(const char *p, const unsigned char *model,
			       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!page_is(p, i, model[i]))
			return false;
	return true;
}

static inline __u64 frame_of(int fd, __u64 page)
{
	struct vmarena_pte_info e = { 0 };

	if (translate(fd, page * PAGE, 1, &e))
		return ~0ULL;
	return e.frame;
}

static inline __u32 flags_of(int fd, __u64 page)
{
	struct vmarena_pte_info e = { 0 };

	if (translate(fd, page * PAGE, 1, &e))
		return ~0U;
	return e.flags;
}

/*
 * Once every space of a test is closed: the arena's free frames are back to
 * @free0 (counted with one space open) and nothing is shared any more.
 */
static inline void expect_all_frames_back(struct __test_metadata *_metadata,
					  __u64 free0)
{
	int fd = open_space(_metadata);

	EXPECT_EQ(free0, global_stat(fd, VMARENA_STAT_FREE_FRAMES));
	EXPECT_EQ(0, global_stat(fd, VMARENA_STAT_PAGES_SHARED));
	close(fd);
}

/* Generations the space holds (CKPT_LIST), or ~0 on error. */
static inline __u64 ckpt_count(int fd)
{
	struct vmarena_ckpt_info info[VMARENA_CKPT_MAX];
	struct vmarena_ckpt_list l = { .count = VMARENA_CKPT_MAX,
				       .entries = (uintptr_t)info };

	if (ioctl(fd, VMARENA_IOC_CKPT_LIST, &l))
		return ~0ULL;
	return l.count;
}

#endif /* _VMARENA_COW_UTIL_H */
