/* SPDX-License-Identifier: GPL-2.0 */
/*
 * access.h - the pages of a space: faults in, swap-in, translation, DISCARD,
 * limits and PIN (access.c).
 */
#ifndef _VMARENA_ACCESS_H
#define _VMARENA_ACCESS_H

#include <linux/types.h>

struct page;
struct vmarena_space;

/**
 * struct vmarena_peek - a page's leaf node, as a walk of its space's table
 * without the lock found it (vmarena_space_fault_unlocked()).
 * @leaf: the node's entries, or NULL: none covered the page then, or a
 *        change was under way.
 * @seq:  the table's count then: the node is still the page's while it
 *        has not changed (vmarena_pt_peek_valid()).
 */
struct vmarena_peek {
	const u64 *leaf;
	u32 seq;
};

/* The most pages a swap-in fault reads (vmarena_swap_readahead's cap). */
#define VMARENA_READAHEAD_MAX	32

/**
 * struct vmarena_swap_run - the pages a swap-in reads in one bio: the
 * faulting page and those read ahead after it (vmarena_space_swap_in_ahead()).
 * @vpn:    the first page; page i is @vpn + i ...
 * @slot:   ... and comes from slot @slot + i ...
 * @frames: ... into frame @frames[i].
 * @n:      pages, 1..VMARENA_READAHEAD_MAX.
 */
struct vmarena_swap_run {
	u64 vpn;
	u64 slot;
	u32 frames[VMARENA_READAHEAD_MAX];
	unsigned int n;
};

extern u32 vmarena_fault_unlocked_delay_us;
extern u32 vmarena_swap_readahead;
u32 vmarena_space_lock_entry(struct vmarena_space *space, u64 pte, u32 seq,
			     bool write);
u32 vmarena_space_fault_unlocked(struct vmarena_space *space, u64 vpn,
				 bool write, struct vmarena_peek *peek);
u32 vmarena_space_write_unlocked(struct vmarena_space *space, u64 vpn,
				 struct page *page);
void vmarena_space_count_minor(struct vmarena_space *space, unsigned int minor,
			       unsigned int around);
void vmarena_space_zero_mapped(struct vmarena_space *space, u64 vpn,
			       bool count);
int vmarena_space_fault_in(struct vmarena_space *space, u64 vpn, bool write,
			   bool zero, const struct vmarena_peek *peek,
			   u32 *frame, int *kind);
void vmarena_space_swap_in_ahead(struct vmarena_space *space,
				 struct vmarena_swap_run *run);
int vmarena_space_swap_in_read(struct vmarena_space *space,
			       const struct vmarena_swap_run *run);
void vmarena_space_swap_in_undo(struct vmarena_space *space, u32 frame,
				u64 vpn);
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
