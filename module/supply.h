/* SPDX-License-Identifier: GPL-2.0 */
/*
 * supply.h - frames for the pages of spaces, and their charge (supply.c).
 */
#ifndef _VMARENA_SUPPLY_H
#define _VMARENA_SUPPLY_H

#include <linux/types.h>

struct vmarena_space;
struct vmarena_gen;

/*
 * struct vmarena_reclaimer - how the frame supply makes room: the one call
 * upward in the core.  Eviction sits above the supply (it unmaps through
 * the reverse map and gives frames back through it), yet an allocation
 * that finds the arena empty, or a space at its resident cap, must evict;
 * the reclaimer (reclaim.c) registers these before /dev/vmarena exists,
 * as the kernel's shrinkers register with its allocator.
 * @evict:    evicts up to @want of @space's own pages (@space locked),
 *            trying hard (vmarena_evict_hard()); returns pages evicted.
 * @direct:   evicts for an allocation by @self (locked) that found no free
 *            frame; true if the allocation is worth trying again.
 * @unlocked: evicts a batch for a caller that holds no space's lock;
 *            returns pages evicted.
 * @wake:     wakes the page-out daemon.
 */
struct vmarena_reclaimer {
	unsigned int (*evict)(struct vmarena_space *space, unsigned int want);
	bool (*direct)(struct vmarena_space *self);
	unsigned int (*unlocked)(void);
	void (*wake)(void);
};

/* The reclaim tracepoint's kind. */
enum vmarena_reclaim_kind {
	VMARENA_RECLAIM_DAEMON,	/* the page-out daemon, low -> high */
	VMARENA_RECLAIM_DIRECT,	/* an allocation found the arena empty */
	VMARENA_RECLAIM_CAP,	/* a space reached its resident cap */
};

void vmarena_supply_register(const struct vmarena_reclaimer *reclaimer);

/* Allocation attempts after direct reclaim before -ENOMEM. */
#define VMARENA_RECLAIM_TRIES	8
/*
 * Restarts of an operation that dropped its lock to reclaim (each after
 * a batch was evicted: another task's faults may take those frames first,
 * so a busy arena needs more than a few).
 */
#define VMARENA_RECLAIM_RETRIES	32

bool vmarena_supply_short(void);
void vmarena_supply_check(void);
bool vmarena_supply_retry(u64 mark, unsigned int *tries);
void vmarena_supply_watermarks(u64 *low, u64 *high);
int vmarena_supply_set_watermarks(u64 low, u64 high);

/* The default cap on a space's pages (module parameter space_max_pages). */
extern unsigned long vmarena_space_max_pages;

u64 vmarena_space_default_cap(void);
void *vmarena_space_zalloc(unsigned int cache);
int vmarena_space_alloc_frame(struct vmarena_space *space, u32 *frame);
int vmarena_space_get_frame(struct vmarena_space *space, u64 extra,
			    u32 *frame);
int vmarena_space_zeroed_frame(struct vmarena_space *space, u32 *frame);
int vmarena_space_spare_frame(struct vmarena_space *space, u32 *frame);
int vmarena_space_reserve(struct vmarena_space *space, u64 n, u32 *pool);
int vmarena_space_reserve_nodes(struct vmarena_space *space, u64 n, u32 *pool);
u32 vmarena_space_reserved(u32 *pool);
void vmarena_space_unreserve(u32 pool);
void vmarena_space_take_frame(struct vmarena_space *space, u32 frame, u64 vpn,
			      u64 slot);
void vmarena_space_forget_frame(u32 frame);
void vmarena_space_cap_reclaimed(struct vmarena_space *space, u64 got, u64 t0);
void vmarena_space_account_pt(struct vmarena_space *space);
void vmarena_ckpt_account_pt(struct vmarena_space *space,
			     struct vmarena_gen *ckpt);

#endif /* _VMARENA_SUPPLY_H */
