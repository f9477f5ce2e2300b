/* SPDX-License-Identifier: GPL-2.0 */
/*
 * evict.h - taking a space's pages out of their frames (evict.c).
 */
#ifndef _VMARENA_EVICT_H
#define _VMARENA_EVICT_H

#include <linux/types.h>

/* Victims one eviction call takes at most. */
#define VMARENA_EVICT_BATCH	128
/* Batches vmarena_evict_hard() tries at most after the first call. */
#define VMARENA_EVICT_HARD_ROUNDS	32

struct vmarena_space;

unsigned int vmarena_evict(struct vmarena_space *space, unsigned int want);
u64 vmarena_evict_down(struct vmarena_space *space, u64 cap);
void vmarena_evict_unread(struct vmarena_space *space, u32 frame);
unsigned int vmarena_evict_hard(struct vmarena_space *space, unsigned int want);
unsigned int vmarena_evict_policy(void);
void vmarena_evict_set_policy(unsigned int policy);
void vmarena_evict_counts(unsigned int policy, u64 *scans, u64 *evictions);

#endif /* _VMARENA_EVICT_H */
