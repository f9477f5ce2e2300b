// SPDX-License-Identifier: GPL-2.0
/*
 * arena.c - sizing of the arena of page frames.
 */
#include <linux/printk.h>
#include <linux/sizes.h>

#include "internal.h"
#include "arena.h"

/* Set once at init, read-only afterwards. */
static u64 arena_frames;

/**
 * vmarena_arena_init() - size the arena.
 * @arena_mb: the arena's size in MiB.
 *
 * Return: 0, or -EINVAL when @arena_mb is out of bounds.
 */
int vmarena_arena_init(unsigned int arena_mb)
{
	if (arena_mb < VMARENA_ARENA_MB_MIN || arena_mb > VMARENA_ARENA_MB_MAX) {
		pr_err("arena_mb=%u is outside [%u, %u]\n", arena_mb,
		       VMARENA_ARENA_MB_MIN, VMARENA_ARENA_MB_MAX);
		return -EINVAL;
	}
	arena_frames = (u64)arena_mb * SZ_1M / VMARENA_PAGE_SIZE;
	return 0;
}

void vmarena_arena_exit(void)
{
	arena_frames = 0;
}

u64 vmarena_arena_frames(void)
{
	return arena_frames;
}

u64 vmarena_arena_free_frames(void)
{
	return arena_frames;
}
