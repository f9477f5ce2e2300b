/* SPDX-License-Identifier: GPL-2.0 */
/*
 * frames.h - the arena's frames as pure logic sees them.
 *
 * The slab caches (and later the page tables) get frames, and turn frame
 * numbers into addresses and back, only through these calls: module/arena.c
 * implements them over kernel pages (the table and the addresses read
 * inline, below), selftests/unit/arena_stub.c over a buffer, both on the
 * same buddy allocator.
 */
#ifndef _VMARENA_FRAMES_H
#define _VMARENA_FRAMES_H

#include "buddy.h"

int vmarena_frames_alloc(unsigned int order, u32 *frame);
void vmarena_frames_free(u32 frame, unsigned int order);
#ifdef VMARENA_USERSPACE
struct vmarena_frame *vmarena_frame_table(void);
void *vmarena_frame_addr(u32 frame);
u32 vmarena_frames_count(void);
#else
#include <linux/mm.h>

/* The module's arena (arena.c), read inline: every fault and walk asks. */
extern struct vmarena_frame *vmarena_frames;
extern struct page **vmarena_frame_pages;
extern u32 vmarena_nr_frames;

/* Frames in the arena: every frame number is below it. */
static inline u32 vmarena_frames_count(void)
{
	return vmarena_nr_frames;
}

static inline struct vmarena_frame *vmarena_frame_table(void)
{
	return vmarena_frames;
}

static inline void *vmarena_frame_addr(u32 frame)
{
	return page_address(vmarena_frame_pages[frame]);
}
#endif
u32 vmarena_addr_frame(const void *addr);
void vmarena_frames_injected(void);

#endif /* _VMARENA_FRAMES_H */
