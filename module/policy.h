/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - a space's resident ring and the page-replacement policies.
 *
 * Replacement is local, as in VAX/VMS: each space keeps its resident pages
 * in a ring of frames, linked through the frame descriptors' lru_next and
 * lru_prev, in the order they became resident.  The hand points at the
 * oldest page; a page made resident goes just behind the hand.
 *
 *  fifo         the page under the hand: the oldest.
 *  random       a page drawn uniformly.
 *  clock        second chance: the hand skips (and clears) accessed pages.
 *  lru          sampled reference times: each call is a tick; a page seen
 *               accessed (its bit then cleared) is idle 0 ticks, any other
 *               one tick more idle (up to 255); the most idle pages go,
 *               the oldest first among equals.
 *  clean-first  the enhanced clock: a page neither accessed nor dirty,
 *               else one not accessed (clearing accessed bits as it goes).
 *
 * Accessed and dirty bits live in the shadow PTEs, which the ring does not
 * know: the caller answers through struct vmarena_policy_ops.
 *
 * Pure logic: policy.c compiles in user space too, where the unit tests
 * drive it.  tools/replay.c does not run it: it is an offline model of
 * fifo, exact LRU, random, clock and Belady's OPT over a reference
 * string, to compare policies with the optimum.  The caller serialises
 * access to one ring (the space lock).
 */
#ifndef _VMARENA_POLICY_H
#define _VMARENA_POLICY_H

#include "buddy.h"

/**
 * struct vmarena_lru - a space's resident ring.
 * @hand: the oldest page, where the policies start; VMARENA_NO_FRAME when
 *        the ring is empty.
 * @nr:   pages in the ring.
 */
struct vmarena_lru {
	u32 hand;
	u64 nr;
};

/**
 * struct vmarena_policy_ops - what a policy asks of the owner of the pages.
 * @young:  whether the page was accessed since the bit was last cleared;
 *          with @clear, clear it (and make the next access noticed, by
 *          the time the pick returns at the latest).
 * @dirty:  whether the page must be written before its frame is reused.
 * @busy:   whether the page cannot be evicted now (under I/O); may be NULL.
 * @random: a random 32-bit number.
 */
struct vmarena_policy_ops {
	bool (*young)(void *arg, u32 frame, bool clear);
	bool (*dirty)(void *arg, u32 frame);
	bool (*busy)(void *arg, u32 frame);
	u32 (*random)(void *arg);
};

void vmarena_lru_init(struct vmarena_lru *l);
void vmarena_lru_add(struct vmarena_lru *l, struct vmarena_frame *ft, u32 frame);
void vmarena_lru_del(struct vmarena_lru *l, struct vmarena_frame *ft, u32 frame);
unsigned int vmarena_policy_pick(unsigned int policy, struct vmarena_lru *l,
				 struct vmarena_frame *ft,
				 const struct vmarena_policy_ops *ops, void *arg,
				 u32 *victims, unsigned int want, u64 *scanned);
int vmarena_policy_parse(const char *name);
const char *vmarena_policy_name(unsigned int policy);

#endif /* _VMARENA_POLICY_H */
