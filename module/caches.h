/* SPDX-License-Identifier: GPL-2.0 */
/*
 * caches.h - the module's slab caches of metadata objects.
 */
#ifndef _VMARENA_CACHES_H
#define _VMARENA_CACHES_H

#include "slab.h"

/* One per kind of metadata object; later layers add theirs here. */
enum vmarena_cache_id {
	VMARENA_CACHE_SPACE,		/* struct vmarena_space */
	VMARENA_CACHE_FAMILY,		/* struct vmarena_family */
	VMARENA_CACHE_CKPT,		/* struct vmarena_ckpt */
	VMARENA_NR_CACHES,
};

extern struct vmarena_slab_cache vmarena_caches[VMARENA_NR_CACHES];

int vmarena_caches_init(void);
void vmarena_caches_exit(void);
void vmarena_caches_shrink(void);

#endif /* _VMARENA_CACHES_H */
