/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arena.h - the arena of page frames.
 *
 * Today the arena only sizes itself from arena_mb; the frame pool, buddy
 * allocator and slab caches that fill it are the next layer.
 */
#ifndef _VMARENA_ARENA_H
#define _VMARENA_ARENA_H

#include <linux/types.h>

/* Bounds of the arena_mb module parameter. */
#define VMARENA_ARENA_MB_MIN	1
#define VMARENA_ARENA_MB_MAX	(64 * 1024)

int vmarena_arena_init(unsigned int arena_mb);
void vmarena_arena_exit(void);
u64 vmarena_arena_frames(void);
u64 vmarena_arena_free_frames(void);

#endif /* _VMARENA_ARENA_H */
