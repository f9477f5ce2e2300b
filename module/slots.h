/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slots.h - the allocator of swap slots (4 KiB blocks of the backing
 * device).
 *
 * Pure logic (slots.c compiles in user space too).
 */
#ifndef _VMARENA_SLOTS_H
#define _VMARENA_SLOTS_H

#include "internal.h"

/**
 * struct vmarena_slots - a bitmap of slots with a next-fit cursor.
 * @lock:         protects everything below.
 * @map:          one bit a slot, set while allocated or retired.
 * @bad:          one bit a slot, set once retired (never handed out again).
 * @nr:           slots.
 * @used:         slots allocated (retired ones not counted).
 * @retired:      slots retired after an I/O error.
 * @cursor:       where the next search starts: consecutive allocations get
 *                neighbouring slots, so pages evicted together can go out
 *                in one multi-page bio.
 * @double_frees: frees of a free slot (refused, warned once).
 */
struct vmarena_slots {
	spinlock_t lock;	/* see the kernel-doc above */
	u64 *map;
	u64 *bad;
	u64 nr;
	u64 used;
	u64 retired;
	u64 cursor;
	u64 double_frees;
};

/* Words of a bitmap of @nr slots. */
static inline u64 vmarena_slots_words(u64 nr)
{
	return (nr + 63) / 64;
}

void vmarena_slots_init(struct vmarena_slots *s, u64 *map, u64 *bad, u64 nr);
unsigned int vmarena_slots_alloc(struct vmarena_slots *s, unsigned int want,
				 u64 *first);
int vmarena_slots_free(struct vmarena_slots *s, u64 slot);
int vmarena_slots_retire(struct vmarena_slots *s, u64 slot);

#endif /* _VMARENA_SLOTS_H */
