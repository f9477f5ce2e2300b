/* SPDX-License-Identifier: GPL-2.0 */
/*
 * supply.h - frames for the pages of spaces, and their charge (supply.c).
 */
#ifndef _VMARENA_SUPPLY_H
#define _VMARENA_SUPPLY_H

#include <linux/types.h>

struct vmarena_space;
struct vmarena_gen;

/* The default cap on a space's pages (module parameter space_max_pages). */
extern unsigned long vmarena_space_max_pages;

u64 vmarena_space_default_cap(void);
void *vmarena_space_zalloc(unsigned int cache);
int vmarena_space_alloc_frame(struct vmarena_space *space, u32 *frame);
int vmarena_space_get_frame(struct vmarena_space *space, u64 extra,
			    u32 *frame);
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
