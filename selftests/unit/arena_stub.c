// SPDX-License-Identifier: GPL-2.0
/*
 * arena_stub.c - module/frames.h in user space: the real buddy allocator
 * over a page-aligned buffer, one order-10 chunk at a time.
 */
#include "arena_stub.h"

static struct vmarena_buddy buddy;
static struct vmarena_frame *frames;
static u8 *base;
static u32 nr;

/**
 * stub_arena_init() - an arena of @nr_frames frames, all free.
 * @nr_frames: a multiple of 2^VMARENA_MAX_ORDER, or a power of two below it.
 *
 * Return: 0, or -ENOMEM.
 */
int stub_arena_init(u32 nr_frames)
{
	unsigned int order = VMARENA_MAX_ORDER;
	u32 f;

	frames = calloc(nr_frames, sizeof(*frames));
	base = aligned_alloc(VMARENA_PAGE_SIZE, (size_t)nr_frames * VMARENA_PAGE_SIZE);
	if (!frames || !base)
		return -ENOMEM;
	nr = nr_frames;
	vmarena_buddy_init(&buddy, frames, nr_frames);
	while ((1U << order) > nr_frames)
		order--;
	for (f = 0; f < nr_frames; f += 1U << order)
		if (vmarena_buddy_add(&buddy, f, order))
			return -EINVAL;
	return 0;
}

void stub_arena_fini(void)
{
	free(frames);
	free(base);
	frames = NULL;
	base = NULL;
}

struct vmarena_buddy *stub_arena_buddy(void)
{
	return &buddy;
}

int vmarena_frames_alloc(unsigned int order, u32 *frame)
{
	return vmarena_buddy_alloc(&buddy, order, frame);
}

void vmarena_frames_free(u32 frame, unsigned int order)
{
	vmarena_buddy_free(&buddy, frame, order);
}

struct vmarena_frame *vmarena_frame_table(void)
{
	return frames;
}

u32 vmarena_frames_count(void)
{
	return nr;
}

void *vmarena_frame_addr(u32 frame)
{
	BUG_ON(frame >= nr);
	return base + (size_t)frame * VMARENA_PAGE_SIZE;
}

void vmarena_frames_injected(void)
{
}

u32 vmarena_addr_frame(const void *addr)
{
	size_t off = (const u8 *)addr - base;

	BUG_ON((const u8 *)addr < base || off >= (size_t)nr * VMARENA_PAGE_SIZE);
	return off / VMARENA_PAGE_SIZE;
}
