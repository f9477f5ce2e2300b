/* SPDX-License-Identifier: GPL-2.0 */
/*
 * share.h - families of spaces that share frames and swap slots:
 * copy-on-write clones and checkpoints.
 */
#ifndef _VMARENA_SHARE_H
#define _VMARENA_SHARE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "pagetable.h"

struct vmarena_space;

/**
 * struct vmarena_family - spaces that may share frames and slots: a space
 * and every clone made from it or from its clones.
 * @lock:   the lock of every member (space.h: "the space lock"): their
 *          page tables, checkpoints, rings and the frames they hold.  One
 *          lock for the family is what lets a shared page be found and
 *          changed in every table that holds it.
 * @ref:    one reference per member space.
 * @spaces: the members (vmarena_space.family_node), under @lock.
 */
struct vmarena_family {
	struct mutex lock;	/* see the kernel-doc above */
	struct kref ref;
	struct list_head spaces;
};

/**
 * struct vmarena_gen - a checkpoint: generation @gen of a space, a page
 * table sharing its frames and slots copy-on-write.
 * @node:       in its space's list, oldest first.
 * @gen:        its generation number.
 * @pt:         its page table (entries as in a live table, never present
 *              in a hardware mapping).
 * @pt_frames:  page-table frames last accounted in the global counter.
 * @created_ns: when it was taken (CLOCK_MONOTONIC).
 * @busy:       EXPORTs reading it: it cannot be dropped or re-armed.
 */
struct vmarena_gen {
	struct list_head node;
	u64 gen;
	struct vmarena_pt pt;
	u64 pt_frames;
	u64 created_ns;
	unsigned int busy;
};

/* A page's identity: what it refers to (frame or slot), or 0 for none. */
static inline u64 vmarena_pte_id(u64 pte)
{
	u64 kind = pte & (VMARENA_PTE_PRESENT | VMARENA_PTE_SWAP);

	return kind ? (pte & ~(BIT_ULL(VMARENA_PTE_PFN_SHIFT) - 1)) | kind : 0;
}

/* The identity of entries holding a frame. */
static inline u64 vmarena_frame_id(u32 frame)
{
	return vmarena_pte_id(vmarena_pte_make(frame, VMARENA_PTE_PRESENT));
}

/*
 * Called for each entry of a family holding a page: @ckpt is NULL for
 * @space's live table.
 */
typedef void (*vmarena_share_fn)(void *arg, struct vmarena_space *space,
				 struct vmarena_gen *ckpt, u64 vpn, u64 *pte);

int vmarena_family_join(struct vmarena_space *space,
			struct vmarena_space *parent);
void vmarena_family_leave(struct vmarena_space *space);
unsigned int vmarena_share_each(struct vmarena_space *space, u64 vpn, u64 id,
				vmarena_share_fn fn, void *arg);
void vmarena_share_unmap(struct vmarena_space *space, u64 first, u64 nr);
void vmarena_share_get(u32 frame);
bool vmarena_share_put(u32 frame);
int vmarena_share_entry(u64 *pte, u64 *copy);
bool vmarena_share_drop_entry(struct vmarena_space *space, u64 pte);
int vmarena_share_cow(struct vmarena_space *space, u64 vpn, u64 **pte);
void vmarena_share_rehome(struct vmarena_space *space);
void vmarena_share_wrprotect(struct vmarena_space *space);
int vmarena_share_copy_entry(struct vmarena_space *charge,
			     struct vmarena_pt *dst, u64 vpn, u64 *pte,
			     u64 *old);
int vmarena_share_copy(struct vmarena_space *space,
		       struct vmarena_space *charge, struct vmarena_pt *dst,
		       u64 *swapped);

#endif /* _VMARENA_SHARE_H */
