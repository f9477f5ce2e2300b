/* SPDX-License-Identifier: GPL-2.0 */
/*
 * space.h - address spaces: one per open() of /dev/vmarena.
 */
#ifndef _VMARENA_SPACE_H
#define _VMARENA_SPACE_H

#include <linux/kref.h>
#include <linux/types.h>

/**
 * struct vmarena_space - an address space.
 * @id:  unique among the spaces of this load of the module, never reused;
 *       names spaces/<id>/ in debugfs and is the space field of tracepoints.
 * @ref: one reference for each open file description that is this space;
 *       later holders (mappings, clones) take their own.  The space is freed
 *       by the last vmarena_space_put().
 */
struct vmarena_space {
	u64 id;
	struct kref ref;
};

struct vmarena_space *vmarena_space_create(void);
void vmarena_space_put(struct vmarena_space *space);

#endif /* _VMARENA_SPACE_H */
