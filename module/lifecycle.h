/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lifecycle.h - a space's life: creation, CLONE and the last reference (lifecycle.c).
 */
#ifndef _VMARENA_LIFECYCLE_H
#define _VMARENA_LIFECYCLE_H

#include <linux/types.h>

struct vmarena_space;

struct vmarena_space *vmarena_space_create(struct vmarena_space *parent);
struct vmarena_space *vmarena_space_clone(struct vmarena_space *parent);
void vmarena_space_put(struct vmarena_space *space);
void vmarena_space_put_async(struct vmarena_space *space);
int vmarena_space_init(void);
void vmarena_space_exit(void);

#endif /* _VMARENA_LIFECYCLE_H */
