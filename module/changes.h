/* SPDX-License-Identifier: GPL-2.0 */
/*
 * changes.h - the pages of a space that may no longer hold one of its
 * generations: the set REWIND (rewind.c) walks instead of the whole table.
 */
#ifndef _VMARENA_CHANGES_H
#define _VMARENA_CHANGES_H

#include <linux/types.h>

/* Pages noted at most; one more and the set is dropped (REWIND restores). */
#define VMARENA_CHANGES_MAX	16384

struct vmarena_space;

void vmarena_changes_init(struct vmarena_space *space);
void vmarena_changes_track(struct vmarena_space *space, u64 gen);
void vmarena_changes_note(struct vmarena_space *space, u64 vpn);
void vmarena_changes_order(struct vmarena_space *space);

#endif /* _VMARENA_CHANGES_H */
