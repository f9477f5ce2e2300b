// SPDX-License-Identifier: GPL-2.0
/*
 * caches.c - set-up and tear-down of the module's slab caches.
 */
#include "caches.h"
#include "space.h"

/* Empty slabs each cache keeps before giving them back to the buddy. */
#define VMARENA_CACHE_RESERVE	1

struct vmarena_slab_cache vmarena_caches[VMARENA_NR_CACHES];

static const struct {
	const char *name;
	u32 size;
} vmarena_cache_defs[VMARENA_NR_CACHES] = {
	[VMARENA_CACHE_SPACE] = { "space", sizeof(struct vmarena_space) },
	[VMARENA_CACHE_FAMILY] = { "family", sizeof(struct vmarena_family) },
	[VMARENA_CACHE_CKPT] = { "checkpoint", sizeof(struct vmarena_gen) },
};

/**
 * vmarena_caches_init() - set up every cache (no memory is taken yet).
 *
 * Return: 0, or the error of the first cache that could not be set up.
 */
int vmarena_caches_init(void)
{
	int i, ret;

	for (i = 0; i < VMARENA_NR_CACHES; i++) {
		ret = vmarena_slab_cache_init(&vmarena_caches[i],
					      vmarena_cache_defs[i].name,
					      vmarena_cache_defs[i].size, 0,
					      VMARENA_CACHE_RESERVE);
		if (ret)
			goto err;
	}
	return 0;
err:
	while (i--)
		vmarena_slab_cache_destroy(&vmarena_caches[i]);
	return ret;
}

/**
 * vmarena_caches_shrink() - every cache gives back its empty slabs.
 *
 * Called when the last space goes: every metadata object belongs to a
 * space, so an idle arena is back to its load-time free count.
 */
void vmarena_caches_shrink(void)
{
	int i;

	for (i = 0; i < VMARENA_NR_CACHES; i++)
		vmarena_slab_shrink(&vmarena_caches[i]);
}

/* Every object must have been freed: a cache with live objects warns. */
void vmarena_caches_exit(void)
{
	int i;

	for (i = 0; i < VMARENA_NR_CACHES; i++)
		vmarena_slab_cache_destroy(&vmarena_caches[i]);
}
