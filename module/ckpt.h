/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ckpt.h - checkpoints: generations of a space kept copy-on-write,
 * rewinding to them, and what changed since.
 */
#ifndef _VMARENA_CKPT_H
#define _VMARENA_CKPT_H

#include <linux/types.h>

struct vmarena_space;
struct vmarena_ckpt_info;
struct vmarena_gen;
struct vmarena_pt;
struct vmarena_dirty;

void vmarena_ckpt_install(struct vmarena_space *space, struct vmarena_pt *pt);
void vmarena_ckpt_drop_all(struct vmarena_space *space);
int vmarena_ckpt_take(struct vmarena_space *space, u64 *gen, u64 *pages);
int vmarena_ckpt_restore(struct vmarena_space *space, u64 gen, u64 *pages);
int vmarena_ckpt_restore_locked(struct vmarena_space *space, u64 gen,
				u64 *pages);
int vmarena_ckpt_drop(struct vmarena_space *space, u64 gen, u64 *freed);
int vmarena_ckpt_list(struct vmarena_space *space,
		      struct vmarena_ckpt_info *out, u32 max, u32 *count);
int vmarena_ckpt_dirty(struct vmarena_space *space, u64 gen, u64 first,
		       u64 nr, bool rearm, unsigned long *bitmap, u64 *dirty);
struct vmarena_gen *vmarena_ckpt_find(struct vmarena_space *space, u64 gen);

#endif /* _VMARENA_CKPT_H */
