/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lifecycle.h - a space's life: creation, CLONE and teardown (lifecycle.c).
 */
#ifndef _VMARENA_LIFECYCLE_H
#define _VMARENA_LIFECYCLE_H

#include <linux/types.h>

struct vmarena_space;

struct vmarena_space *vmarena_space_create(struct vmarena_space *parent);
struct vmarena_space *vmarena_space_clone(struct vmarena_space *parent);
void vmarena_space_destroy(struct vmarena_space *space);

#endif /* _VMARENA_LIFECYCLE_H */
