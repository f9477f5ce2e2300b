// SPDX-License-Identifier: GPL-2.0
/*
 * changes.c - the pages of a space that may no longer hold the generation
 * it tracks.
 *
 * A space tracks the generation it took or was rewound to last.  Its live
 * entries hold that generation's pages (shared, copy-on-write) until an
 * entry is replaced: a first touch gives a hole a frame, a write copies a
 * shared page, DISCARD drops one.  Those paths note the page here.
 * Eviction and swap-in change every holder of a page together, so they
 * never make the two differ.  What could change the live table without
 * noting (PIN's copies, IMPORT) stops the tracking instead.
 *
 * The set is a flat array of page numbers, appended to on the fault path
 * and put in order (repeats dropped) by REWIND, which walks it: a walk
 * costs a load a page, where an xarray's costs a tree descent.  It grows
 * without sleeping under the space's lock (GFP_NOWAIT, charged to the
 * caller's memory cgroup): when it cannot grow, or past
 * VMARENA_CHANGES_MAX entries, it is dropped and the tracking stops, so
 * that a set in use is always complete.
 */
#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "internal.h"
#include "changes.h"
#include "space.h"

#define CHANGES_FIRST_CAP	64

/**
 * vmarena_changes_init() - a new space tracks nothing.
 * @space: the space, not yet published.
 */
void vmarena_changes_init(struct vmarena_space *space)
{
	memset(&space->changes, 0, sizeof(space->changes));
}

/**
 * vmarena_changes_track() - start afresh comparing with a generation.
 * @space: the space, locked (or not yet published, or going).
 * @gen:   a generation whose pages the live table holds right now, every
 *         one (CHECKPOINT, RESTORE); 0 to stop tracking.
 *
 * The set's memory is kept for the next generation, freed when tracking
 * stops.
 */
void vmarena_changes_track(struct vmarena_space *space, u64 gen)
{
	struct vmarena_changes *c = &space->changes;

	lockdep_assert_held(space->lock);
	if (!gen) {
		kfree(c->vpns);
		c->vpns = NULL;
		c->cap = 0;
	}
	c->nr = 0;
	c->sorted = 0;
	c->gen = gen;
}

static bool changes_grow(struct vmarena_changes *c)
{
	u32 cap = c->cap ? 2 * c->cap : CHANGES_FIRST_CAP;
	u64 *vpns;

	if (c->cap >= VMARENA_CHANGES_MAX)
		return false;
	vpns = krealloc(c->vpns, min_t(u32, cap, VMARENA_CHANGES_MAX) *
			sizeof(*vpns), GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT);
	if (!vpns)
		return false;
	c->vpns = vpns;
	c->cap = min_t(u32, cap, VMARENA_CHANGES_MAX);
	return true;
}

/**
 * vmarena_changes_note() - a live entry was replaced or dropped.
 * @space: the space, locked.
 * @vpn:   the page.
 */
void vmarena_changes_note(struct vmarena_space *space, u64 vpn)
{
	struct vmarena_changes *c = &space->changes;

	lockdep_assert_held(space->lock);
	if (!c->gen)
		return;
	if (c->nr == c->cap && !changes_grow(c)) {
		vmarena_changes_track(space, 0);
		return;
	}
	c->vpns[c->nr++] = vpn;
}

static int changes_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * vmarena_changes_order() - the set in ascending order, each page once.
 * @space: the space, locked.
 */
void vmarena_changes_order(struct vmarena_space *space)
{
	struct vmarena_changes *c = &space->changes;
	u32 i, n = 0;

	lockdep_assert_held(space->lock);
	if (c->sorted == c->nr)
		return;
	sort(c->vpns, c->nr, sizeof(*c->vpns), changes_cmp, NULL);
	for (i = 0; i < c->nr; i++)
		if (!n || c->vpns[i] != c->vpns[n - 1])
			c->vpns[n++] = c->vpns[i];
	c->nr = n;
	c->sorted = n;
}
