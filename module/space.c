// SPDX-License-Identifier: GPL-2.0
/*
 * space.c - creation and release of address spaces.
 */
#include <linux/atomic.h>
#include "internal.h"
#include "caches.h"
#include "space.h"
#include "stats.h"
#include "trace.h"

/* The last id handed out; ids start at 1 so that 0 can mean "none". */
static atomic64_t last_space_id = ATOMIC64_INIT(0);

/* Spaces alive; when it drops to zero the caches give back empty slabs. */
static atomic64_t live_spaces = ATOMIC64_INIT(0);

/**
 * vmarena_space_create() - a new, empty address space with one reference.
 *
 * Return: the space, or NULL when out of memory.
 */
struct vmarena_space *vmarena_space_create(void)
{
	struct vmarena_space *space;

	space = vmarena_slab_zalloc(&vmarena_caches[VMARENA_CACHE_SPACE]);
	if (!space)
		return NULL;
	kref_init(&space->ref);
	atomic64_inc(&live_spaces);
	space->id = atomic64_inc_return(&last_space_id);
	vmarena_count(&vmarena_counters.spaces_created);
	trace_space_create(space->id);
	return space;
}

static void space_release(struct kref *ref)
{
	struct vmarena_space *space = container_of(ref, struct vmarena_space, ref);

	trace_space_destroy(space->id);
	vmarena_count(&vmarena_counters.spaces_destroyed);
	vmarena_slab_free(&vmarena_caches[VMARENA_CACHE_SPACE], space);
	if (atomic64_dec_and_test(&live_spaces))
		vmarena_caches_shrink();
}

/**
 * vmarena_space_put() - drop a reference; the last one frees the space.
 * @space: the space.
 */
void vmarena_space_put(struct vmarena_space *space)
{
	kref_put(&space->ref, space_release);
}
