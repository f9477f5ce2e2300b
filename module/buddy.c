// SPDX-License-Identifier: GPL-2.0
/*
 * buddy.c - the buddy allocator over frame numbers.
 *
 * Free blocks of order k (2^k frames, the head's number a multiple of 2^k)
 * sit in free list k, doubly linked through the head frames' @next/@prev.
 * Allocation takes the smallest free block that fits and splits it, the
 * upper half of each split going back on the list below.  Freeing merges
 * the block with its buddy (frame ^ 2^k) while the buddy is a free block of
 * the same order and the merged block stays inside the frames' kernel chunk.
 *
 * Pure logic: also compiled by selftests/unit/.
 */
#include "buddy.h"

static void free_list_add(struct vmarena_buddy *b, u32 frame, unsigned int order)
{
	b->frames[frame].state = VMARENA_FRAME_FREE;
	b->frames[frame].order = order;
	vmarena_flist_add(b->frames, &b->free_head[order], frame);
	b->nr_free[order]++;
	b->free_frames += 1U << order;
}

static void free_list_del(struct vmarena_buddy *b, u32 frame, unsigned int order)
{
	vmarena_flist_del(b->frames, &b->free_head[order], frame);
	b->nr_free[order]--;
	b->free_frames -= 1U << order;
}

/**
 * vmarena_buddy_init() - an allocator over a table of frames, none free yet.
 * @b:         the allocator.
 * @frames:    the frame table.
 * @nr_frames: entries in @frames.
 *
 * Frames become allocatable when vmarena_buddy_add() hands them over.
 */
void vmarena_buddy_init(struct vmarena_buddy *b, struct vmarena_frame *frames,
			u32 nr_frames)
{
	unsigned int order;
	u32 i;

	memset(b, 0, sizeof(*b));
	spin_lock_init(&b->lock);
	b->frames = frames;
	b->nr_frames = nr_frames;
	for (order = 0; order < VMARENA_NR_ORDERS; order++)
		b->free_head[order] = VMARENA_NO_FRAME;
	for (i = 0; i < nr_frames; i++) {
		memset(&frames[i], 0, sizeof(frames[i]));
		frames[i].state = VMARENA_FRAME_TAIL;
		frames[i].next = VMARENA_NO_FRAME;
		frames[i].prev = VMARENA_NO_FRAME;
	}
}

/**
 * vmarena_buddy_add() - hand a physically contiguous chunk to the allocator.
 * @b:     the allocator.
 * @first: its first frame, a multiple of 2^@order.
 * @order: its order; blocks never grow beyond it.
 *
 * Return: 0, or -EINVAL for a misaligned or out-of-range chunk.
 */
int vmarena_buddy_add(struct vmarena_buddy *b, u32 first, unsigned int order)
{
	u32 i, n = 1U << order;

	if (order > VMARENA_MAX_ORDER || first & (n - 1) ||
	    first >= b->nr_frames || n > b->nr_frames - first)
		return -EINVAL;
	spin_lock(&b->lock);
	for (i = first; i < first + n; i++) {
		b->frames[i].max_order = order;
		b->frames[i].state = VMARENA_FRAME_TAIL;
	}
	free_list_add(b, first, order);
	spin_unlock(&b->lock);
	return 0;
}

/* Should the next allocation fail on purpose?  Counts the injection. */
static bool buddy_inject_failure(struct vmarena_buddy *b)
{
	lockdep_assert_held(&b->lock);
	if (likely(!b->fail_next))
		return false;
	b->fail_next--;
	b->stats.injected++;
	return true;
}

static int buddy_alloc_locked(struct vmarena_buddy *b, unsigned int order,
			      u32 *frame)
{
	unsigned int o = order;
	u32 head;

	lockdep_assert_held(&b->lock);
	if (buddy_inject_failure(b))
		goto fail;
	while (o <= VMARENA_MAX_ORDER && b->free_head[o] == VMARENA_NO_FRAME)
		o++;
	if (o > VMARENA_MAX_ORDER)
		goto fail;
	head = b->free_head[o];
	free_list_del(b, head, o);
	while (o > order) {
		o--;
		free_list_add(b, head + (1U << o), o);
		b->stats.splits++;
	}
	b->frames[head].state = VMARENA_FRAME_ALLOC;
	b->frames[head].order = order;
	b->frames[head].use = VMARENA_USE_NONE;
	b->stats.alloc[order]++;
	*frame = head;
	return 0;
fail:
	b->stats.failures++;
	return -ENOMEM;
}

/**
 * vmarena_buddy_alloc() - allocate a block of 2^@order frames.
 * @b:     the allocator.
 * @order: 0..VMARENA_MAX_ORDER.
 * @frame: out: the block's first frame.
 *
 * Return: 0, -ENOMEM when no block is large enough (or a failure was
 * injected), -EINVAL for an order beyond VMARENA_MAX_ORDER.
 */
int vmarena_buddy_alloc(struct vmarena_buddy *b, unsigned int order, u32 *frame)
{
	int ret;

	if (order > VMARENA_MAX_ORDER)
		return -EINVAL;
	spin_lock(&b->lock);
	ret = buddy_alloc_locked(b, order, frame);
	spin_unlock(&b->lock);
	return ret;
}

/* Is @frame the head of an allocated block of @order?  Else count it. */
static bool buddy_free_valid(struct vmarena_buddy *b, u32 frame,
			     unsigned int order)
{
	struct vmarena_frame *f;

	if (WARN_ON_ONCE(frame >= b->nr_frames || order > VMARENA_MAX_ORDER))
		goto bad;
	f = &b->frames[frame];
	if (WARN_ON_ONCE(f->state != VMARENA_FRAME_ALLOC || f->order != order))
		goto bad;
	return true;
bad:
	b->stats.bad_frees++;
	return false;
}

static void buddy_free_locked(struct vmarena_buddy *b, u32 frame,
			      unsigned int order)
{
	lockdep_assert_held(&b->lock);
	b->stats.free[order]++;
	while (order < b->frames[frame].max_order) {
		u32 buddy = frame ^ (1U << order);
		struct vmarena_frame *bf = &b->frames[buddy];

		if (bf->state != VMARENA_FRAME_FREE || bf->order != order)
			break;
		free_list_del(b, buddy, order);
		/* The higher half's head becomes a tail of the merged block. */
		b->frames[frame | (1U << order)].state = VMARENA_FRAME_TAIL;
		frame &= ~(1U << order);
		order++;
		b->stats.merges++;
	}
	free_list_add(b, frame, order);
}

/**
 * vmarena_buddy_free() - free a block allocated by vmarena_buddy_alloc().
 * @b:     the allocator.
 * @frame: the block's first frame.
 * @order: the order it was allocated with.
 *
 * A frame that is not the head of an allocated block of @order (a double
 * free, a tail, a wrong order) is refused with a one-time warning and
 * counted in bad_frees; the allocator's state is untouched.
 *
 * Return: 0, or -EINVAL for a refused free.
 */
int vmarena_buddy_free(struct vmarena_buddy *b, u32 frame, unsigned int order)
{
	int ret = 0;

	spin_lock(&b->lock);
	if (buddy_free_valid(b, frame, order))
		buddy_free_locked(b, frame, order);
	else
		ret = -EINVAL;
	spin_unlock(&b->lock);
	return ret;
}

/**
 * vmarena_buddy_alloc_bulk() - allocate up to @n single frames at once.
 * @b:      the allocator.
 * @frames: out: the frames.
 * @n:      how many are wanted.
 *
 * One lock round trip for a per-CPU cache refill.
 *
 * Return: how many were allocated (fewer than @n when memory runs out).
 */
unsigned int vmarena_buddy_alloc_bulk(struct vmarena_buddy *b, u32 *frames,
				      unsigned int n)
{
	unsigned int i;

	spin_lock(&b->lock);
	for (i = 0; i < n; i++)
		if (buddy_alloc_locked(b, 0, &frames[i]))
			break;
	spin_unlock(&b->lock);
	return i;
}

/**
 * vmarena_buddy_free_bulk() - free @n single frames at once.
 * @b:      the allocator.
 * @frames: the frames, each an allocated order-0 block.
 * @n:      how many.
 */
void vmarena_buddy_free_bulk(struct vmarena_buddy *b, const u32 *frames,
			     unsigned int n)
{
	unsigned int i;

	spin_lock(&b->lock);
	for (i = 0; i < n; i++)
		if (buddy_free_valid(b, frames[i], 0))
			buddy_free_locked(b, frames[i], 0);
	spin_unlock(&b->lock);
}

/**
 * vmarena_buddy_fail_next() - make the next @n allocations fail.
 * @b: the allocator.
 * @n: how many; 0 disarms.
 */
void vmarena_buddy_fail_next(struct vmarena_buddy *b, u64 n)
{
	spin_lock(&b->lock);
	b->fail_next = n;
	spin_unlock(&b->lock);
}

/**
 * vmarena_buddy_free_counts() - a consistent copy of the free blocks per order.
 * @b:       the allocator.
 * @nr_free: out: free blocks per order.
 */
void vmarena_buddy_free_counts(struct vmarena_buddy *b,
			       u64 nr_free[VMARENA_NR_ORDERS])
{
	spin_lock(&b->lock);
	memcpy(nr_free, b->nr_free, sizeof(b->nr_free));
	spin_unlock(&b->lock);
}

/* Free pages, free blocks, and blocks that could serve @order (mm/vmstat.c). */
struct contig_info {
	u64 free_pages;
	u64 free_blocks_total;
	u64 free_blocks_suitable;
};

static void contig_info(const u64 nr_free[VMARENA_NR_ORDERS],
			unsigned int suitable_order, struct contig_info *info)
{
	unsigned int order;

	memset(info, 0, sizeof(*info));
	for (order = 0; order < VMARENA_NR_ORDERS; order++) {
		info->free_blocks_total += nr_free[order];
		info->free_pages += nr_free[order] << order;
		if (order >= suitable_order)
			info->free_blocks_suitable +=
				nr_free[order] << (order - suitable_order);
	}
}

/**
 * vmarena_unusable_free_index() - share of free memory unusable for @order.
 * @nr_free: free blocks per order.
 * @order:   the request's order.
 *
 * As unusable_free_index() of mm/vmstat.c: 0 (no fragmentation) to 1000
 * (all free memory is in blocks smaller than 2^@order; also when nothing
 * is free).
 *
 * Return: the index in thousandths.
 */
int vmarena_unusable_free_index(const u64 nr_free[VMARENA_NR_ORDERS],
				unsigned int order)
{
	struct contig_info info;

	contig_info(nr_free, order, &info);
	if (!info.free_pages)
		return 1000;
	return (info.free_pages - (info.free_blocks_suitable << order)) * 1000 /
		info.free_pages;
}

/**
 * vmarena_fragmentation_index() - why a request of @order would fail.
 * @nr_free: free blocks per order.
 * @order:   the request's order.
 *
 * As __fragmentation_index() of mm/vmstat.c: -1000 when the request would
 * succeed; else 0 (it fails for lack of memory) to 1000 (it fails because
 * free memory is fragmented); 0 when nothing is free.
 *
 * Return: the index in thousandths.
 */
int vmarena_fragmentation_index(const u64 nr_free[VMARENA_NR_ORDERS],
				unsigned int order)
{
	u64 requested = 1ULL << order;
	struct contig_info info;

	contig_info(nr_free, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return 1000 - (1000 + info.free_pages * 1000 / requested) /
		info.free_blocks_total;
}
