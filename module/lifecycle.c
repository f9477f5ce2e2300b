// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle.c - a space's life: creation, CLONE, and the last reference.
 */
#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/workqueue.h>

#include "internal.h"
#include "arena.h"
#include "caches.h"
#include "changes.h"
#include "ckpt.h"
#include "counters.h"
#include "debugfs.h"
#include "fs.h"
#include "lifecycle.h"
#include "pagetable.h"
#include "policy.h"
#include "reclaim.h"
#include "share.h"
#include "slab.h"
#include "space.h"
#include "supply.h"
#include "trace.h"
#include "user.h"

static void space_put_work(struct work_struct *work);

/* The last id handed out; ids start at 1 so that 0 can mean "none". */
static atomic64_t last_space_id = ATOMIC64_INIT(0);

/* Spaces alive; when it drops to zero the caches give back empty slabs. */
static atomic64_t live_spaces = ATOMIC64_INIT(0);

/* Where the last reference of a space is dropped when its dropper cannot. */
static struct workqueue_struct *space_wq;

/**
 * vmarena_space_create() - a new, empty address space with one reference.
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
	INIT_WORK(&space->put_work, space_put_work);
	for (i = 0; i < VMARENA_TLB_ENTRIES; i++)
		space->tlb[i].vpn = U64_MAX;	/* an empty TLB */
	space->id = atomic64_inc_return(&last_space_id);
	/*
	 * Published last: a family member is walked by the other members'
	 * faults and evictions (vmarena_share_each()) as soon as it joins,
	 * and the reclaimer and debugfs find it on their lists.
	 */
	ret = vmarena_family_join(space, parent);
	if (ret)
		goto err_inode;
	atomic64_inc(&live_spaces);
	vmarena_user_charge(user, 1);	/* the space itself */
	atomic64_inc(&user->spaces);
	vmarena_reclaim_space_add(space);
	vmarena_debugfs_space_add(space);
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
	u64 t0 = ktime_get_ns(), pages;
	int ret;

	lockdep_assert_not_held(parent->lock);
	child = vmarena_space_create(parent);
	if (IS_ERR(child))
		return child;
	mutex_lock(parent->lock);
	ret = vmarena_share_copy(parent, child, &child->pt, &child->swapped);
	vmarena_space_unreserve(vmarena_pt_unpool(&child->pt));
	vmarena_space_account_pt(child);
	pages = child->pt.used;
	mutex_unlock(parent->lock);
	if (ret) {
		vmarena_space_put(child);
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

static void space_release(struct kref *ref)
{
	struct vmarena_space *space = container_of(ref, struct vmarena_space, ref);

	trace_space_destroy(space->id);
	vmarena_reclaim_space_del(space);
	vmarena_debugfs_space_remove(space);
	/* No file, so no mapping and no fault, can reach the space now. */
	mutex_lock(space->lock);
	vmarena_ckpt_drop_all(space);	/* and stops tracking changes */
	vmarena_pt_destroy(&space->pt, space_release_live, space);
	vmarena_space_account_pt(space);
	vmarena_share_rehome(space);
	mutex_unlock(space->lock);
	vmarena_family_leave(space);
	vmarena_fs_inode_free(space->inode);
	/* Frames it let go while their pages were held (GUP) may be free now. */
	vmarena_arena_reap_deferred();
	vmarena_count(&vmarena_counters.spaces_destroyed);
	vmarena_user_charge(space->user, -1);
	atomic64_dec(&space->user->spaces);
	vmarena_user_put(space->user);
	vmarena_slab_free(&vmarena_caches[VMARENA_CACHE_SPACE], space);
	if (atomic64_dec_and_test(&live_spaces))
		vmarena_caches_shrink();
}

/**
 * vmarena_space_put() - drop a reference; the last one frees the space.
 * @space: the space.
 *
 * The caller holds no space's lock (freeing takes the space's lock).
 */
void vmarena_space_put(struct vmarena_space *space)
{
	might_sleep();
	kref_put(&space->ref, space_release);
}

static void space_put_work(struct work_struct *work)
{
	space_release(&container_of(work, struct vmarena_space, put_work)->ref);
}

static void space_release_async(struct kref *ref)
{
	struct vmarena_space *space = container_of(ref, struct vmarena_space, ref);

	queue_work(space_wq, &space->put_work);
}

/**
 * vmarena_space_put_async() - vmarena_space_put() for a caller that holds
 * another space's lock: the last reference frees the space from a work
 * item.
 * @space: the space.
 */
void vmarena_space_put_async(struct vmarena_space *space)
{
	kref_put(&space->ref, space_release_async);
}

int vmarena_space_init(void)
{
	space_wq = alloc_workqueue("vmarena", 0, 0);
	return space_wq ? 0 : -ENOMEM;
}

/* Waits for spaces being freed by the work item. */
void vmarena_space_exit(void)
{
	destroy_workqueue(space_wq);
}
