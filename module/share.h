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
struct vmarena_gen;

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
u64 vmarena_share_wrprotect(struct vmarena_space *space);
int vmarena_share_copy_entry(struct vmarena_space *charge,
			     struct vmarena_pt *dst, u64 vpn, u64 *pte,
			     bool held, u64 *old);
int vmarena_share_copy(struct vmarena_space *space,
		       struct vmarena_space *charge, struct vmarena_pt *dst,
		       u64 *swapped, u64 *copies);
bool vmarena_share_held(u64 pte);

void vmarena_space_unpin_entry(struct vmarena_space *space, u64 *pte);
void vmarena_space_drop_swap(struct vmarena_space *space, u64 pte);
int vmarena_space_release_entry(void *arg, u64 vpn, u64 *pte);
u64 vmarena_ckpt_content(u64 pte);

#endif /* _VMARENA_SHARE_H */
