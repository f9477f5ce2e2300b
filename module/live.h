/* SPDX-License-Identifier: GPL-2.0 */
/*
 * live.h - the list of live spaces, and the reference that keeps a space's
 * memory (live.c).
 */
#ifndef _VMARENA_LIVE_H
#define _VMARENA_LIVE_H

#include <linux/types.h>

struct vmarena_space;

void vmarena_live_add(struct vmarena_space *space);
void vmarena_live_del(struct vmarena_space *space);
unsigned int vmarena_live_snapshot(struct vmarena_space **out,
				   unsigned int max,
				   struct vmarena_space *skip);
struct vmarena_space *vmarena_live_get(u64 id);
void vmarena_space_put(struct vmarena_space *space);

#endif /* _VMARENA_LIVE_H */
