// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle.c - a space's life: creation, CLONE, and the teardown at its
 * file's release (its memory lasts until its last reference: live.c).
 */
#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/random.h>

#include "internal.h"
#include "arena.h"
#include "caches.h"
#include "changes.h"
#include "ckpt.h"
#include "counters.h"
#include "fs.h"
#include "lifecycle.h"
#include "pagetable.h"
#include "policy.h"
#include "live.h"
#include "share.h"
#include "slab.h"
#include "space.h"
#include "supply.h"
#include "trace.h"
#include "user.h"

/* The last id handed out; ids start at 1 so that 0 can mean "none". */
static atomic64_t last_space_id = ATOMIC64_INIT(0);

/**
 * vmarena_space_create() - a new, empty address space with one reference,
 * its file's (vmarena_space_destroy() drops it).
 * @parent: the space it will be a clone of (it joins its family), or NULL.
 *
 * Return: the space, or an ERR_PTR().
 */
struct vmarena_space *vmarena_space_create(struct vmarena_space *parent)
{
	struct vmarena_space *space;
	struct vmarena_user *user;
	struct inode *inode;
	unsigned int i;
	int ret;

	user = vmarena_user_get(current_fsuid());
	if (!user)
		return ERR_PTR(-ENOMEM);
	ret = -EDQUOT;
	if (!vmarena_user_room(user, 1))
		goto err_user;
	ret = -ENOMEM;
	space = vmarena_space_zalloc(VMARENA_CACHE_SPACE);
	if (!space)
		goto err_user;
	inode = vmarena_fs_inode_new();
	if (IS_ERR(inode)) {
		ret = PTR_ERR(inode);
		goto err_free;
	}
	kref_init(&space->ref);
	INIT_LIST_HEAD(&space->ckpts);
	vmarena_changes_init(space);
	vmarena_pt_init(&space->pt);
	space->inode = inode;
	space->user = user;
	space->max_pages = vmarena_space_default_cap();
	space->lineage = get_random_u64();
	space->max_resident = 0;
	vmarena_lru_init(&space->lru);
	for (i = 0; i < VMARENA_TLB_ENTRIES; i++)
		space->tlb[i].vpn = U64_MAX;	/* an empty TLB */
	space->id = atomic64_inc_return(&last_space_id);
	/*
	 * Published last: a family member is walked by the other members'
	 * faults and evictions (vmarena_share_each()) as soon as it joins,
	 * and the reclaimer finds it on the list of live spaces.
	 */
	ret = vmarena_family_join(space, parent);
	if (ret)
		goto err_inode;
	vmarena_user_charge(user, 1);	/* the space itself */
	atomic64_inc(&user->spaces);
	vmarena_live_add(space);
	vmarena_count(&vmarena_counters.spaces_created);
	trace_space_create(space->id);
	return space;
err_inode:
	vmarena_fs_inode_free(inode);
err_free:
	vmarena_slab_free(&vmarena_caches[VMARENA_CACHE_SPACE], space);
err_user:
	vmarena_user_put(user);
	return ERR_PTR(ret);
}

/**
 * vmarena_space_clone() - CLONE: a new space holding @parent's pages,
 * copy-on-write, in @parent's family.
 * @parent: the space cloned (not locked).
 *
 * Return: the clone with one reference, or an ERR_PTR(): -ENOMEM, or
 * -EDQUOT (copies of pinned pages beyond the clone's cap).
 */
struct vmarena_space *vmarena_space_clone(struct vmarena_space *parent)
{
	struct vmarena_space *child;
	u64 t0 = ktime_get_ns(), pages, copies;
	int ret;

	lockdep_assert_not_held(parent->lock);
	child = vmarena_space_create(parent);
	if (IS_ERR(child))
		return child;
	mutex_lock(parent->lock);
	ret = vmarena_share_copy(parent, child, &child->pt,
				 &child->swapped, &copies);
	vmarena_space_unreserve(vmarena_pt_unpool(&child->pt));
	vmarena_space_account_pt(child);
	pages = child->pt.used;
	mutex_unlock(parent->lock);
	if (ret) {
		vmarena_space_destroy(child);
		return ERR_PTR(ret);
	}
	trace_clone(parent->id, child->id, pages, ktime_get_ns() - t0);
	return child;
}

static int space_release_live(void *arg, u64 vpn, u64 *pte)
{
	struct vmarena_space *space = arg;

	if (*pte & VMARENA_PTE_SWAP)
		space->swapped--;
	return vmarena_space_release_entry(arg, vpn, pte);
}

/**
 * vmarena_space_destroy() - tear a space down at its file's release (or
 * when its file could not be made), and drop the file's reference.
 * @space: the space; its family's lock is not held.
 *
 * Its pages, tables and checkpoints are given back and it is marked dead:
 * a reclaimer that still holds a reference finds nothing to do.
 */
void vmarena_space_destroy(struct vmarena_space *space)
{
	might_sleep();
	trace_space_destroy(space->id);
	vmarena_live_del(space);
	/* No file, so no mapping and no fault, can reach the space now. */
	mutex_lock(space->lock);
	space->dead = true;
	vmarena_ckpt_drop_all(space);	/* and stops tracking changes */
	vmarena_pt_destroy(&space->pt, space_release_live, space);
	vmarena_space_account_pt(space);
	vmarena_share_rehome(space);
	mutex_unlock(space->lock);
	vmarena_fs_inode_free(space->inode);
	/* Frames it let go while their pages were held (GUP) may be free now. */
	vmarena_arena_reap_deferred();
	vmarena_count(&vmarena_counters.spaces_destroyed);
	vmarena_user_charge(space->user, -1);
	atomic64_dec(&space->user->spaces);
	vmarena_space_put(space);
}
