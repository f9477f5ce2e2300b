/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arena.h - the arena of page frames (module side of frames.h).
 */
#ifndef _VMARENA_ARENA_H
#define _VMARENA_ARENA_H

#include <linux/atomic.h>
#include <linux/mm_types.h>
#include <linux/types.h>

#include "buddy.h"
#include "frames.h"

/* Bounds of the arena_mb module parameter. */
#define VMARENA_ARENA_MB_MIN	1
#define VMARENA_ARENA_MB_MAX	(64 * 1024)

/* Per-CPU cache of order-0 frames: its size, and the refill/drain batch. */
#define VMARENA_PCP_HIGH	64
#define VMARENA_PCP_BATCH	16

/* The most frames the pool of frames zeroed ahead can hold (16 MiB). */
#define VMARENA_ZEROED_MAX	4096

/**
 * struct vmarena_arena_counters - the arena's counters, summed over CPUs.
 * @alloc:     blocks allocated per order (per-CPU cache hits included).
 * @free:      blocks freed per order.
 * @pcp_hits:  order-0 allocations served by a per-CPU cache.
 * @failures:  allocations that failed (injected ones included).
 * @injected:  allocations failed on purpose (debugfs fail_frames).
 * @bad_frees: frees refused (not allocated, double, wrong order).
 * @splits:    buddy blocks split.
 * @merges:    buddy pairs coalesced.
 * @deferred:  user frames whose release waited for another holder.
 */
struct vmarena_arena_counters {
	u64 alloc[VMARENA_NR_ORDERS];
	u64 free[VMARENA_NR_ORDERS];
	u64 pcp_hits;
	u64 failures;
	u64 injected;
	u64 bad_frees;
	u64 splits;
	u64 merges;
	u64 deferred;
	u64 zeroed_hits;
	u64 zeroed_misses;
	u64 zeroed;
};

int vmarena_arena_init(unsigned int arena_mb);
void vmarena_arena_exit(void);
u64 vmarena_arena_frames(void);
u64 vmarena_arena_free_frames(void);
u64 vmarena_arena_free_frames_estimate(void);
u64 vmarena_arena_pcp_frames(void);
struct vmarena_buddy *vmarena_arena_buddy(void);
void vmarena_arena_counters(struct vmarena_arena_counters *c);
void vmarena_arena_fail_next(u64 n);
void vmarena_arena_fail_skip(u64 n);
u64 vmarena_arena_injections(void);
bool vmarena_arena_injection_armed(void);
void vmarena_arena_put_page(struct page *page);
void vmarena_arena_reap_deferred(void);
void vmarena_arena_use_pcp(bool on);
void vmarena_arena_release_user(u32 frame);
int vmarena_frames_alloc_zeroed(u32 *frame);
u32 vmarena_arena_zeroed_count(void);
u32 vmarena_arena_zeroed_target(void);
void vmarena_arena_set_zeroed_target(u32 target);

extern atomic64_t vmarena_injected;
/* The page of a frame of the arena: every fault asks, so no call. */
static inline struct page *vmarena_frame_page(u32 frame)
{
	return vmarena_frame_pages[frame];
}

/**
 * vmarena_injections() - allocation failures injected so far (frames and
 * every slab cache): a caller that reads it before and after a failure
 * tells one on purpose from a shortage.  Read before every command that
 * may allocate, so one load.
 *
 * Return: the count.
 */
static inline u64 vmarena_injections(void)
{
	return atomic64_read(&vmarena_injected);
}

#endif /* _VMARENA_ARENA_H */
