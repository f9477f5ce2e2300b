/* SPDX-License-Identifier: GPL-2.0 */
/*
 * access.h - the pages of a space: faults in, swap-in, translation, DISCARD,
 * limits and PIN (access.c).
 */
#ifndef _VMARENA_ACCESS_H
#define _VMARENA_ACCESS_H

#include <linux/types.h>

struct vmarena_space;

extern u32 vmarena_fault_unlocked_delay_us;
u32 vmarena_space_lock_resident(struct vmarena_space *space, u64 vpn,
				bool write);
u32 vmarena_space_lock_entry(struct vmarena_space *space, u64 pte, u32 seq,
			     bool write);
u32 vmarena_space_fault_unlocked(struct vmarena_space *space, u64 vpn,
				 bool write);
void vmarena_space_count_minor(struct vmarena_space *space, unsigned int minor,
			       unsigned int around);
int vmarena_space_fault_in(struct vmarena_space *space, u64 vpn, bool write,
			   u32 *frame, int *kind);
int vmarena_space_swap_in_read(struct vmarena_space *space, u32 frame,
			       u64 vpn, u64 slot);
bool vmarena_space_swap_in_failed(struct vmarena_space *space, u32 frame,
				  u64 vpn);
void vmarena_space_write_notify(struct vmarena_space *space, u64 *pte);
int vmarena_space_translate(struct vmarena_space *space, u64 vpn, bool alloc,
			    u64 **pte);
int vmarena_space_discard(struct vmarena_space *space, u64 first, u64 nr);
int vmarena_space_set_limit(struct vmarena_space *space, u64 max_pages,
			    u64 max_resident);
bool vmarena_space_pin_fits(u64 nr);
int vmarena_space_pin(struct vmarena_space *space, u64 first, u64 nr);
int vmarena_space_unpin(struct vmarena_space *space, u64 first, u64 nr);

#endif /* _VMARENA_ACCESS_H */
