// SPDX-License-Identifier: GPL-2.0
/*
 * live.c - the list of live spaces, and the reference that keeps a space's
 * memory.
 *
 * A space has two ends, as an mm has (mm_users and mm_count).  Its file's
 * release tears it down (vmarena_space_destroy(), lifecycle.c): out of this
 * list, its pages, tables and checkpoints given back, marked dead.  Its
 * memory, the struct and its family's lock, lasts until the last reference
 * (space->ref) is dropped here: the file holds one until the teardown is
 * done, and whoever took a space from the list (the reclaimer, SPACE_STATS)
 * one while it uses it.  So such a holder may lock a space it found,
 * whatever its file does meanwhile, and finds it dead, or alive.
 *
 * Freeing the memory takes no space's lock, so the last reference may be
 * dropped under any space's lock.
 *
 * Locks: live.lock (a spinlock) protects the list and is a leaf: a space
 * is referenced under it, then locked after it is dropped.
 */
#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#include "internal.h"
#include "caches.h"
#include "live.h"
#include "share.h"
#include "slab.h"
#include "space.h"
#include "user.h"

/**
 * struct vmarena_live - the live spaces.
 * @lock:   protects @spaces.
 * @spaces: every space from its creation to its teardown (space->node),
 *          rotated for round robin.
 * @count:  spaces whose memory is not freed yet; when it drops to zero the
 *          caches give back their empty slabs.
 */
struct vmarena_live {
	spinlock_t lock;	/* see the kernel-doc above */
	struct list_head spaces;
	atomic64_t count;
};

static struct vmarena_live live = {
	.lock = __SPIN_LOCK_UNLOCKED(live.lock),
	.spaces = LIST_HEAD_INIT(live.spaces),
	.count = ATOMIC64_INIT(0),
};

/**
 * vmarena_live_add() - put a new space, complete, on the list.
 * @space: the space, with its one reference.
 */
void vmarena_live_add(struct vmarena_space *space)
{
	atomic64_inc(&live.count);
	spin_lock(&live.lock);
	list_add_tail(&space->node, &live.spaces);
	spin_unlock(&live.lock);
}

/**
 * vmarena_live_del() - take a space being torn down off the list.
 * @space: the space.
 */
void vmarena_live_del(struct vmarena_space *space)
{
	spin_lock(&live.lock);
	list_del(&space->node);
	spin_unlock(&live.lock);
}

/**
 * vmarena_live_snapshot() - references to live spaces, the list rotated by
 * one so that the next snapshot starts elsewhere.
 * @out:  out: the spaces, each referenced (vmarena_space_put() each).
 * @max:  entries @out holds.
 * @skip: a space whose whole family is left out (its caller holds their
 *        lock), or NULL.
 *
 * Return: the spaces in @out.
 */
unsigned int vmarena_live_snapshot(struct vmarena_space **out,
				   unsigned int max,
				   struct vmarena_space *skip)
{
	struct vmarena_space *space;
	unsigned int n = 0;

	spin_lock(&live.lock);
	list_for_each_entry(space, &live.spaces, node) {
		if (n == max)
			break;
		/* A listed space's memory is not freed: the file holds it. */
		if (!skip || space->family != skip->family) {
			kref_get(&space->ref);
			out[n++] = space;
		}
	}
	if (!list_empty(&live.spaces))
		list_rotate_left(&live.spaces);
	spin_unlock(&live.lock);
	return n;
}

/**
 * vmarena_live_get() - a reference to the live space with an id.
 * @id: the id.
 *
 * Return: the space (vmarena_space_put() it), or NULL if none has @id.
 * It may be torn down right after: its lock tells (space->dead).
 */
struct vmarena_space *vmarena_live_get(u64 id)
{
	struct vmarena_space *space, *found = NULL;

	spin_lock(&live.lock);
	list_for_each_entry(space, &live.spaces, node) {
		if (space->id == id) {
			kref_get(&space->ref);
			found = space;
			break;
		}
	}
	spin_unlock(&live.lock);
	return found;
}

static void space_free(struct kref *ref)
{
	struct vmarena_space *space = container_of(ref, struct vmarena_space, ref);

	vmarena_family_leave(space);
	vmarena_user_put(space->user);
	vmarena_slab_free(&vmarena_caches[VMARENA_CACHE_SPACE], space);
	if (atomic64_dec_and_test(&live.count))
		vmarena_caches_shrink();
}

/**
 * vmarena_space_put() - drop a reference; the last one frees the memory of
 * a space torn down.
 * @space: the space; its family's lock is not held by the caller (another
 *         family's may be).
 */
void vmarena_space_put(struct vmarena_space *space)
{
	lockdep_assert_not_held(space->lock);
	kref_put(&space->ref, space_free);
}
