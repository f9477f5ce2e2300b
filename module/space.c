// SPDX-License-Identifier: GPL-2.0
/*
 * space.c - address spaces: their pages, limits, software TLB and DISCARD.
 *
 * A page of a space is a shadow PTE in its page table pointing at an arena
 * frame that is zeroed when the page is first touched.  Hardware mappings
 * get the frame's struct page from the fault handler (fault.c); kernel
 * accesses (rw.c) translate through the software TLB.
 *
 * Dropping a page while a fault may be installing it: the fault handler
 * finds the frame under the space lock and locks its page before dropping
 * the lock (if the page is locked by someone else, it waits for it
 * without the space lock and retries the access); it returns the page
 * locked, and the kernel unlocks it only once its PTE is in place.
 * DISCARD, eviction, copy-on-write and restore change the shadow entry,
 * then lock the page (waiting for such faults), then zap the hardware
 * mappings, so a dropped or replaced frame is never left mapped.  A frame
 * that something else still holds (a GUP pin, a pread copying it) is not
 * reused until it is let go (arena.c).
 *
 * Swap-in: the fault allocates a frame, locks its page (not up to date),
 * points the entry at it and drops the space lock for the read, so other
 * faults of the space go on; a fault on the same page waits on the page
 * lock.  A failed read leaves the entry "lost" (VMARENA_SLOT_LOST): every
 * access gets SIGBUS until the page is discarded, and the slot is retired.
 * Kernel-side accesses (pread, PIN) read with the space lock held.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/workqueue.h>

#include "internal.h"
#include "arena.h"
#include "caches.h"
#include "debugfs.h"
#include "evict.h"
#include "fs.h"
#include "ckpt.h"
#include "reclaim.h"
#include "share.h"
#include "space.h"
#include "counters.h"
#include "swap.h"
#include "trace.h"

static void space_put_work(struct work_struct *work);

/* The last id handed out; ids start at 1 so that 0 can mean "none". */
static atomic64_t last_space_id = ATOMIC64_INIT(0);

/* Spaces alive; when it drops to zero the caches give back empty slabs. */
static atomic64_t live_spaces = ATOMIC64_INIT(0);

unsigned long vmarena_space_max_pages;

/* Where the last reference of a space is dropped when its dropper cannot. */
static struct workqueue_struct *space_wq;

/**
 * vmarena_space_default_cap() - the cap on a space's pages unless root
 * raises it: space_max_pages, or half of the arena and the swap device
 * together when that is 0.
 *
 * Return: pages.
 */
u64 vmarena_space_default_cap(void)
{
	u64 slots, used, retired;

	if (vmarena_space_max_pages)
		return vmarena_space_max_pages;
	vmarena_swap_counts(&slots, &used, &retired);
	return (vmarena_arena_frames() + slots - retired) / 2;
}

/**
 * vmarena_space_tlb_flush() - forget the TLB entries of a range of pages.
 * @space: the space, locked.
 * @first: first page.
 * @nr:    pages.
 *
 * Whoever changes a present entry (clears it, swaps it out) calls this.
 */
void vmarena_space_tlb_flush(struct vmarena_space *space, u64 first, u64 nr)
{
	struct vmarena_tlb_entry *e;
	unsigned int i;
	u64 vpn;

	lockdep_assert_held(space->lock);
	/* Direct-mapped: a short range can only sit in its own entries. */
	if (nr < VMARENA_TLB_ENTRIES) {
		for (vpn = first; vpn < first + nr; vpn++) {
			e = &space->tlb[vpn % VMARENA_TLB_ENTRIES];
			if (e->vpn == vpn)
				e->vpn = U64_MAX;
		}
		return;
	}
	for (i = 0; i < VMARENA_TLB_ENTRIES; i++) {
		vpn = space->tlb[i].vpn;
		if (vpn != U64_MAX && vpn >= first && vpn - first < nr)
			space->tlb[i].vpn = U64_MAX;
	}
}

/**
 * vmarena_space_unmap() - zap every hardware mapping of a range of pages.
 * @space: the space.
 * @first: first page.
 * @nr:    pages.
 */
void vmarena_space_unmap(struct vmarena_space *space, u64 first, u64 nr)
{
	unmap_mapping_range(space->inode->i_mapping, first << PAGE_SHIFT,
			    nr << PAGE_SHIFT, 1);
}

/**
 * vmarena_space_wrprotect() - make every hardware mapping of a range of
 * pages read-only, so that the next write goes through .page_mkwrite.
 * @space: the space.
 * @first: first page.
 * @nr:    pages.
 *
 * In place where the kernel has the mapping dirty helpers (Debian's stock
 * kernel; they are EXPORT_SYMBOL_GPL): mappings stay, reads do not fault
 * again.  Elsewhere (the lean debug kernel) the mappings are zapped, which
 * costs a fault on the next access of any kind.
 */
void vmarena_space_wrprotect(struct vmarena_space *space, u64 first, u64 nr)
{
#if IS_ENABLED(CONFIG_MAPPING_DIRTY_HELPERS)
	wp_shared_mapping_range(space->inode->i_mapping, first, nr);
#else
	vmarena_space_unmap(space, first, nr);
#endif
}

/* Keeps the global page-table frame count in step with this space's. */
void vmarena_space_account_pt(struct vmarena_space *space)
{
	u64 now = vmarena_pt_frames(&space->pt);

	atomic64_add(now - space->pt_frames, &vmarena_counters.pt_frames);
	vmarena_user_charge(space->user, now - space->pt_frames);
	space->pt_frames = now;
}

/**
 * vmarena_space_zalloc() - a zeroed object of one of the caches, for a
 * caller that holds no space's lock: a slab the arena cannot give is
 * reclaimed for (vmarena_reclaim_unlocked()), but for a failure on purpose.
 * @cache: the cache (enum in caches.h).
 *
 * Return: the object, or NULL.
 */
void *vmarena_space_zalloc(unsigned int cache)
{
	unsigned int tries = VMARENA_RECLAIM_RETRIES;
	u64 mark = vmarena_injections();
	void *obj;

	might_sleep();
	while (!(obj = vmarena_slab_zalloc(&vmarena_caches[cache])) &&
	       vmarena_reclaim_retry(mark, &tries))
		;
	return obj;
}

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

/**
 * vmarena_space_forget_frame() - a frame no entry holds any more leaves
 * the space it is charged to: out of its ring, its slot copy freed (the
 * caller then unlocks the page, if it holds it, and gives the frame back).
 * @frame: the frame; its owner's family locked.
 */
void vmarena_space_forget_frame(u32 frame)
{
	struct vmarena_frame *f = &vmarena_frame_table()[frame];
	struct vmarena_space *owner = f->owner;

	lockdep_assert_held(owner->lock);
	if (f->lru_next != VMARENA_NO_FRAME)
		vmarena_lru_del(&owner->lru, vmarena_frame_table(), frame);
	if (f->slot != VMARENA_NO_SLOT)
		vmarena_swap_free(f->slot, false);
	if (f->shares > 1)	/* all its holders let go at once */
		atomic64_dec(&vmarena_counters.pages_shared);
	f->slot = VMARENA_NO_SLOT;
	f->owner = NULL;
	f->shares = 0;
	vmarena_space_resident_add(owner, -1);
	atomic64_dec(&vmarena_counters.resident);
}

/* Takes a pinned page's pin off the books (the entry goes or is unpinned). */
static void space_unpin_entry(struct vmarena_space *space, u64 *pte)
{
	if (!(*pte & VMARENA_PTE_PINNED))
		return;
	*pte &= ~VMARENA_PTE_PINNED;
	space->pinned--;
	vmarena_user_pin(space->user, -1);
	atomic64_dec(&vmarena_counters.pinned);
}

/* Frees what a dropped swap entry holds. */
static void space_drop_swap(struct vmarena_space *space, u64 pte)
{
	if (vmarena_pte_frame(pte) != VMARENA_SLOT_LOST)
		vmarena_swap_free(vmarena_pte_frame(pte), false);
	space->swapped--;
}

/**
 * vmarena_space_release_entry() - a table going away lets go of one entry.
 * @arg: the space whose table (or checkpoint) it is, locked.
 * @vpn: the page.
 * @pte: the entry.
 *
 * Return: 0 (a vmarena_pt_fn).
 */
int vmarena_space_release_entry(void *arg, u64 vpn, u64 *pte)
{
	struct vmarena_space *space = arg;
	u32 frame = vmarena_pte_frame(*pte);

	lockdep_assert_held(space->lock);
	space_unpin_entry(space, pte);
	if (vmarena_share_drop_entry(space, *pte)) {
		vmarena_space_forget_frame(frame);
		vmarena_arena_release_user(frame);
	}
	return 0;
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

/* Counts and traces the evictions a space's resident cap forced. */
static void space_cap_reclaimed(struct vmarena_space *space, u64 got, u64 t0)
{
	if (!got)
		return;
	atomic64_add(got, &vmarena_counters.cap_reclaims);
	trace_reclaim(VMARENA_RECLAIM_CAP, space->id, got, ktime_get_ns() - t0);
}

/*
 * Evicts the space's own pages until @extra more frames fit under its
 * resident cap; true if they do.
 */
static bool space_cap_room(struct vmarena_space *space, u64 extra)
{
	u64 t0, got = 0, n;

	lockdep_assert_held(space->lock);
	if (!space->max_resident)
		return true;
	t0 = ktime_get_ns();
	while (space->resident + extra >= space->max_resident) {
		n = vmarena_evict_hard(space, space->resident + extra -
				       space->max_resident + 1);
		if (!n)
			break;
		got += n;
	}
	space_cap_reclaimed(space, got, t0);
	return space->resident + extra < space->max_resident;
}

/*
 * A frame from the arena for @space, reclaiming as hard as direct reclaim
 * goes.  A failure on purpose is not retried.  A shortage is reclaimed
 * for; one that another task's reclaim ended meanwhile (the arena is no
 * longer short) is simply tried again.  What one reclaim frees, another
 * allocator may take first: a few tries.
 */
static int space_arena_frame(struct vmarena_space *space, u32 *frame)
{
	unsigned int tries = VMARENA_RECLAIM_TRIES;
	u64 injections = vmarena_arena_injections();
	int ret;

	ret = vmarena_frames_alloc(0, frame);
	while (ret == -ENOMEM && tries-- &&
	       vmarena_arena_injections() == injections) {
		if (vmarena_reclaim_short() && !vmarena_reclaim_direct(space))
			break;
		ret = vmarena_frames_alloc(0, frame);
	}
	vmarena_reclaim_check();
	return ret;
}

/* As vmarena_space_alloc_frame(), @extra frames already held uncharged. */
static int space_alloc_frame(struct vmarena_space *space, u64 extra,
			     u32 *frame)
{
	lockdep_assert_held(space->lock);
	if (!space_cap_room(space, extra))
		return -EDQUOT;
	return space_arena_frame(space, frame);
}

/**
 * vmarena_space_alloc_frame() - a frame for a page of @space, evicting the
 * space's own pages first when it is at its resident cap, and reclaiming
 * when the arena is empty (vmarena_reclaim_direct(), until it gives
 * nothing more).
 * @space: the space, locked.
 * @frame: out: the frame.
 *
 * Return: 0, -EDQUOT (the cap, and nothing could be evicted) or -ENOMEM.
 */
int vmarena_space_alloc_frame(struct vmarena_space *space, u32 *frame)
{
	lockdep_assert_held(space->lock);
	if (!vmarena_user_room(space->user, 1))
		return -EDQUOT;
	return space_alloc_frame(space, 0, frame);
}

/* Frames taken ahead, capped as a space's pages or not (page-table nodes). */
static int space_reserve(struct vmarena_space *space, u64 n, bool capped,
			 u32 *pool)
{
	u64 i;
	u32 f;
	int ret;

	lockdep_assert_held(space->lock);
	*pool = VMARENA_NO_FRAME;
	if (!vmarena_user_room(space->user, n))
		return -EDQUOT;
	for (i = 0; i < n; i++) {
		ret = capped ? space_alloc_frame(space, i, &f) :
			       space_arena_frame(space, &f);
		if (ret) {
			vmarena_space_unreserve(*pool);
			*pool = VMARENA_NO_FRAME;
			return ret;
		}
		*(u32 *)vmarena_frame_addr(f) = *pool;
		*pool = f;
	}
	return 0;
}

/**
 * vmarena_space_reserve() - frames for copies that @space will be charged
 * for, taken before a table is built so that no eviction runs while it is
 * half built (an evicted copy that no table holds yet would be lost).
 * @space: the space charged, locked.
 * @n:     frames wanted.
 * @pool:  out: the frames, chained through their first word and ended by
 *         VMARENA_NO_FRAME; not charged, not in any ring.
 *
 * Return: 0; -EDQUOT when they do not fit under the space's resident cap
 * beside what it holds, or -ENOMEM: *@pool is then empty.
 */
int vmarena_space_reserve(struct vmarena_space *space, u64 n, u32 *pool)
{
	lockdep_assert_held(space->lock);
	return space_reserve(space, n, true, pool);
}

/**
 * vmarena_space_reserve_nodes() - as vmarena_space_reserve(), for the
 * page-table nodes of a table about to be built (not charged against the
 * resident cap; vmarena_pt_pool() hands them to the table).
 * @space: the space, locked.
 * @n:     frames wanted.
 * @pool:  out: the frames.
 *
 * Return: 0 or -ENOMEM (*@pool then empty).
 */
int vmarena_space_reserve_nodes(struct vmarena_space *space, u64 n, u32 *pool)
{
	lockdep_assert_held(space->lock);
	return space_reserve(space, n, false, pool);
}

/**
 * vmarena_space_reserved() - one frame of a pool (vmarena_space_reserve()).
 * @pool: the pool; the frame leaves it.
 *
 * Return: the frame, or VMARENA_NO_FRAME if the pool is empty.
 */
u32 vmarena_space_reserved(u32 *pool)
{
	u32 f = *pool;

	if (f != VMARENA_NO_FRAME)
		*pool = *(u32 *)vmarena_frame_addr(f);
	return f;
}

/**
 * vmarena_space_unreserve() - give back what is left of a pool.
 * @pool: the pool (vmarena_space_reserve()).
 */
void vmarena_space_unreserve(u32 pool)
{
	u32 f;

	while ((f = vmarena_space_reserved(&pool)) != VMARENA_NO_FRAME)
		vmarena_frames_free(f, 0);
}

/**
 * vmarena_space_take_frame() - a new frame takes a page of @space: held by
 * one entry, charged to @space, in its ring.
 * @space: the space, locked.
 * @frame: the frame.
 * @vpn:   the page.
 * @slot:  a slot holding the same bytes, or VMARENA_NO_SLOT.
 */
void vmarena_space_take_frame(struct vmarena_space *space, u32 frame, u64 vpn,
			      u64 slot)
{
	struct vmarena_frame *f = &vmarena_frame_table()[frame];

	lockdep_assert_held(space->lock);
	f->use = VMARENA_USE_USER;
	ClearPageChecked(vmarena_frame_page(frame));	/* see rewind.c */
	f->owner = space;
	f->vpn = vpn;
	f->shares = 1;
	f->slot = slot;
	vmarena_lru_add(&space->lru, vmarena_frame_table(), frame);
	vmarena_space_resident_add(space, 1);
	atomic64_inc(&vmarena_counters.resident);
}

/*
 * Sets an entry of the live table.  Page-table nodes the arena cannot give
 * are reclaimed for, as a page's frame is (the entry is not set yet and
 * its frame not in a ring, so nothing eviction can see is half built).
 */
static int space_pt_set(struct vmarena_space *space, u64 vpn, u64 pte)
{
	unsigned int tries = VMARENA_RECLAIM_TRIES;
	u64 injections = vmarena_arena_injections();
	int ret;

	while ((ret = vmarena_pt_set(&space->pt, vpn, pte)) == -ENOMEM &&
	       tries-- && vmarena_arena_injections() == injections &&
	       vmarena_reclaim_direct(space))
		;
	vmarena_space_account_pt(space);
	return ret;
}

/*
 * Room under the user's limit for a new page and the page-table nodes on
 * its path (no walk for an unlimited user).
 */
static bool space_page_room(struct vmarena_space *space, u64 vpn)
{
	return !vmarena_user_limited(space->user) ||
	       vmarena_user_room(space->user,
				 1 + vmarena_pt_missing(&space->pt, vpn));
}

/*
 * A zeroed frame for a page touched for the first time, its entry created
 * present and accessed; space lock held.
 */
static int space_new_page(struct vmarena_space *space, u64 vpn, u32 *frame)
{
	u64 nodes = vmarena_pt_frames(&space->pt);
	int ret;

	lockdep_assert_held(space->lock);
	if (space->pt.used >= space->max_pages || !space_page_room(space, vpn))
		return -EDQUOT;
	ret = space_alloc_frame(space, 0, frame);
	if (ret)
		return ret;
	/* Making room pruned nodes, maybe on the page's path: ask again. */
	if (vmarena_pt_frames(&space->pt) != nodes &&
	    !space_page_room(space, vpn)) {
		vmarena_frames_free(*frame, 0);
		return -EDQUOT;
	}
	clear_highpage(vmarena_frame_page(*frame));
	SetPageUptodate(vmarena_frame_page(*frame));
	ret = space_pt_set(space, vpn, vmarena_pte_make(*frame, VMARENA_PTE_PRESENT |
							 VMARENA_PTE_ACCESSED));
	if (ret) {
		vmarena_frames_free(*frame, 0);
		return ret;
	}
	vmarena_space_take_frame(space, *frame, vpn, VMARENA_NO_SLOT);
	vmarena_changes_note(space, vpn);
	return 0;
}

/*
 * Swap-in: each entry holding the slot gets the new frame, copy-on-write
 * (the caller clears COW when its own entry turns out to be the only one).
 */
static void space_swap_in_entry(void *arg, struct vmarena_space *space,
				struct vmarena_gen *ckpt, u64 vpn, u64 *pte)
{
	*pte = vmarena_pte_make(*(u32 *)arg, VMARENA_PTE_PRESENT |
				VMARENA_PTE_COW | (*pte & VMARENA_PTE_GEN_MASK));
	if (!ckpt)
		space->swapped--;
}

/*
 * Starts bringing a swapped page back: a new frame, its page locked and
 * not up to date, every entry holding the slot pointing at it; the caller
 * reads the slot (which the frame keeps as its valid copy).  Space lock
 * held.
 */
static int space_swap_in_start(struct vmarena_space *space, u64 vpn,
			       u32 *frame)
{
	u64 *pte = vmarena_pt_lookup(&space->pt, vpn);
	u64 slot = vmarena_pte_frame(*pte), id = vmarena_pte_id(*pte);
	unsigned int i, holders;
	struct page *page;
	int ret;

	lockdep_assert_held(space->lock);
	if (slot == VMARENA_SLOT_LOST)
		return -EIO;
	/* Not refused at the user's limit: the charge moves from the slot. */
	ret = space_alloc_frame(space, 0, frame);
	if (ret)
		return ret;
	page = vmarena_frame_page(*frame);
	ClearPageUptodate(page);
	if (WARN_ON_ONCE(!trylock_page(page)))
		lock_page(page);
	holders = vmarena_share_each(space, vpn, id, space_swap_in_entry, frame);
	/* Eviction may have changed the table: look the entry up again. */
	pte = vmarena_pt_lookup(&space->pt, vpn);
	*pte |= VMARENA_PTE_ACCESSED;
	if (holders == 1)
		*pte &= ~VMARENA_PTE_COW;
	vmarena_space_take_frame(space, *frame, vpn, slot);
	vmarena_swap_uncharge(slot);	/* the frame's now */
	for (i = 1; i < holders; i++) {
		vmarena_share_get(*frame);
		vmarena_swap_free(slot, false);	/* the frame keeps one */
	}
	space->c.swap_ins++;
	return 0;
}

/**
 * vmarena_space_swap_in_read() - read a page being swapped in.
 * @space: the space (locked or not).
 * @frame: the frame, its page locked by the caller.
 * @vpn:   the page.
 * @slot:  the slot it comes from.
 *
 * Return: 0 with the page up to date, or -EIO (the caller then calls
 * vmarena_space_swap_in_failed()).
 */
int vmarena_space_swap_in_read(struct vmarena_space *space, u32 frame,
			       u64 vpn, u64 slot)
{
	u64 t0 = ktime_get_ns();
	int ret;

	VM_WARN_ON_ONCE_PAGE(!PageLocked(vmarena_frame_page(frame)), vmarena_frame_page(frame));
	ret = vmarena_swap_read(slot, frame);
	if (!ret)
		SetPageUptodate(vmarena_frame_page(frame));
	trace_swap_in(space->id, vpn, frame, slot, ktime_get_ns() - t0, ret);
	return ret;
}

/* A read failed: every entry holding the frame is marked lost. */
struct space_lose {
	struct vmarena_space *reader;
	bool mine;
};

static void space_lose_entry(void *arg, struct vmarena_space *space,
			     struct vmarena_gen *ckpt, u64 vpn, u64 *pte)
{
	struct space_lose *l = arg;

	if (!ckpt) {
		space_unpin_entry(space, pte);
		vmarena_space_tlb_flush(space, vpn, 1);
		space->swapped++;
		l->mine |= space == l->reader;
	}
	*pte = vmarena_pte_make(VMARENA_SLOT_LOST, VMARENA_PTE_SWAP |
				(*pte & VMARENA_PTE_GEN_MASK));
}

/**
 * vmarena_space_swap_in_failed() - a swap-in read failed: the page is
 * lost in every entry that holds it, its slot retired.
 * @space: the space that started the read, locked.
 * @frame: the frame it was read into, its page locked by the caller (and
 *         unlocked here).
 * @vpn:   the page.
 *
 * Return: true if @space's own page was lost (it was not discarded
 * meanwhile): its access gets SIGBUS.
 */
bool vmarena_space_swap_in_failed(struct vmarena_space *space, u32 frame,
				  u64 vpn)
{
	struct vmarena_frame *f = &vmarena_frame_table()[frame];
	struct space_lose l = { .reader = space };

	lockdep_assert_held(space->lock);
	if (f->owner != space || f->vpn != vpn) {
		/* Discarded meanwhile: nothing is left to mark. */
		unlock_page(vmarena_frame_page(frame));
		return false;
	}
	vmarena_share_each(space, vpn, vmarena_frame_id(frame), space_lose_entry,
			   &l);
	vmarena_swap_free(f->slot, true);
	f->slot = VMARENA_NO_SLOT;
	vmarena_space_forget_frame(frame);
	unlock_page(vmarena_frame_page(frame));
	vmarena_arena_release_user(frame);
	space->c.io_errors++;
	return l.mine;
}

/**
 * vmarena_space_wait_install() - wait for a fault installing a page's
 * hardware mapping (or a read bringing it in) to finish.
 * @space: the space, locked.
 * @frame: the page's frame.
 *
 * A fault locks the page under the space lock and unlocks it once its PTE
 * is in place; a swap-in locks it under the space lock too.  With the
 * space lock held, a page that is not locked now has none on its way, so
 * the common case costs a flag test.
 */
void vmarena_space_wait_install(struct vmarena_space *space, u32 frame)
{
	struct page *page = vmarena_frame_page(frame);

	lockdep_assert_held(space->lock);
	if (PageLocked(page)) {
		lock_page(page);
		unlock_page(page);
	}
}

/**
 * vmarena_space_write_notify() - a present page is about to be written:
 * dirty, written in the generation in force (vmarena_space_gen_bits()),
 * and its slot copy (if any) is stale now.
 * @space: the space, locked.
 * @pte:   the page's present entry.
 */
void vmarena_space_write_notify(struct vmarena_space *space, u64 *pte)
{
	struct vmarena_frame *f = &vmarena_frame_table()[vmarena_pte_frame(*pte)];

	lockdep_assert_held(space->lock);
	*pte = (*pte & ~VMARENA_PTE_GEN_MASK) | vmarena_space_gen_bits(space) |
	       VMARENA_PTE_DIRTY | VMARENA_PTE_ACCESSED;
	space->import_gen = 0;	/* no longer an imported generation */
	if (f->slot != VMARENA_NO_SLOT) {
		vmarena_swap_free(f->slot, false);
		f->slot = VMARENA_NO_SLOT;
	}
}

/**
 * vmarena_space_fault_in() - the frame of a faulting page, made if missing.
 * @space: the space, locked.
 * @vpn:   the page.
 * @write: a write fault: a copy-on-write page is copied (or taken over).
 * @frame: out: its frame.
 * @kind:  out: enum vmarena_fault_kind.
 *
 * Marks the page accessed and counts the fault by kind.  For
 * VMARENA_FAULT_SWAP_IN the frame's page is locked and not up to date:
 * the caller reads it with vmarena_space_swap_in_read() from the slot in
 * the frame descriptor.
 *
 * Return: 0; -EDQUOT beyond the space's caps; -ENOMEM when the arena is
 * empty and nothing can be evicted; -EIO for a page lost to a read error;
 * -EINVAL beyond the offset space; -EAGAIN when the access is to be
 * retried (vmarena_share_cow()).
 */
int vmarena_space_fault_in(struct vmarena_space *space, u64 vpn, bool write,
			   u32 *frame, int *kind)
{
	u64 *pte = vmarena_pt_lookup(&space->pt, vpn);
	int ret;

	lockdep_assert_held(space->lock);
	if (pte && (*pte & VMARENA_PTE_COW) && write) {
		ret = vmarena_share_cow(space, vpn, &pte);
		if (ret)
			return ret;
		*pte |= VMARENA_PTE_ACCESSED;
		*frame = vmarena_pte_frame(*pte);
		*kind = VMARENA_FAULT_COW;
		return 0;
	}
	if (pte && (*pte & VMARENA_PTE_PRESENT)) {
		*pte |= VMARENA_PTE_ACCESSED;
		*frame = vmarena_pte_frame(*pte);
		*kind = VMARENA_FAULT_MINOR;
		space->c.faults_minor++;
		atomic64_inc(&vmarena_counters.faults_minor);
		return 0;
	}
	if (pte && (*pte & VMARENA_PTE_SWAP)) {
		*kind = VMARENA_FAULT_SWAP_IN;
		return space_swap_in_start(space, vpn, frame);
	}
	ret = space_new_page(space, vpn, frame);
	if (ret)
		return ret;
	*kind = VMARENA_FAULT_FIRST_TOUCH;
	space->c.faults_first_touch++;
	atomic64_inc(&vmarena_counters.faults_first_touch);
	return 0;
}

/* Swap-in for a kernel-side access: the read is done under the lock. */
static int space_swap_in_locked(struct vmarena_space *space, u64 vpn)
{
	u32 frame;
	int ret;

	lockdep_assert_held(space->lock);
	ret = space_swap_in_start(space, vpn, &frame);
	if (ret)
		return ret;
	ret = vmarena_space_swap_in_read(space, frame, vpn,
					 vmarena_frame_table()[frame].slot);
	if (ret) {
		vmarena_space_swap_in_failed(space, frame, vpn);
		return ret;
	}
	unlock_page(vmarena_frame_page(frame));
	return 0;
}

/**
 * vmarena_space_translate() - a page's shadow PTE for a kernel-side access.
 * @space: the space, locked.
 * @vpn:   the page.
 * @alloc: make the page (first touch) if it is missing.
 * @pte:   out: the slot of its (present) shadow PTE.
 *
 * Looks in the software TLB first, walks the page table on a miss and
 * fills the TLB entry.  A swapped page is read back.  The page may still
 * be being read in by a fault (not up to date): the caller checks.
 *
 * Return: 0; -ENOENT for a hole when !@alloc; else as
 * vmarena_space_fault_in().
 */
int vmarena_space_translate(struct vmarena_space *space, u64 vpn, bool alloc,
			    u64 **pte)
{
	struct vmarena_tlb_entry *e = &space->tlb[vpn % VMARENA_TLB_ENTRIES];
	u32 frame;
	int ret;

	lockdep_assert_held(space->lock);
	if (e->vpn == vpn) {
		space->c.tlb_hits++;
		atomic64_inc(&vmarena_counters.tlb_hits);
		*pte = e->pte;
		return 0;
	}
	space->c.tlb_misses++;
	atomic64_inc(&vmarena_counters.tlb_misses);
	*pte = vmarena_pt_lookup(&space->pt, vpn);
	if (!*pte || !(**pte & VMARENA_PTE_PRESENT)) {
		if (!alloc && !(*pte && (**pte & VMARENA_PTE_SWAP)))
			return -ENOENT;
		if (*pte && (**pte & VMARENA_PTE_SWAP))
			ret = space_swap_in_locked(space, vpn);
		else
			ret = space_new_page(space, vpn, &frame);
		if (ret)
			return ret;
		*pte = vmarena_pt_lookup(&space->pt, vpn);
	}
	e->vpn = vpn;
	e->pte = *pte;
	return 0;
}

/*
 * DISCARD's collection of dropped frames, taken out of the ring and
 * chained through frame->next.
 */
struct space_dropped {
	struct vmarena_space *space;
	u32 head;
	u64 n;
};

static int space_collect_entry(void *arg, u64 vpn, u64 *pte)
{
	struct space_dropped *d = arg;
	struct vmarena_space *owner;
	u32 frame;

	d->n++;
	vmarena_changes_note(d->space, vpn);
	if (*pte & VMARENA_PTE_SWAP)
		space_drop_swap(d->space, *pte);
	if (!(*pte & VMARENA_PTE_PRESENT))
		return 0;
	space_unpin_entry(d->space, pte);
	frame = vmarena_pte_frame(*pte);
	owner = vmarena_frame_table()[frame].owner;
	/* Out of the ring first: the chain uses the ring's links. */
	if (vmarena_frame_table()[frame].lru_next != VMARENA_NO_FRAME)
		vmarena_lru_del(&owner->lru, vmarena_frame_table(), frame);
	vmarena_frame_table()[frame].next = d->head;
	d->head = frame;
	return 0;
}

/**
 * vmarena_space_discard() - drop a range: frames and slots freed, reads
 * give zeros.
 * @space: the space (not locked).
 * @first: first page.
 * @nr:    pages; the range was validated by the caller.
 *
 * Return: 0.
 */
int vmarena_space_discard(struct vmarena_space *space, u64 first, u64 nr)
{
	struct space_dropped d = { .space = space, .head = VMARENA_NO_FRAME };
	u32 f, next;

	lockdep_assert_not_held(space->lock);
	mutex_lock(space->lock);
	space->import_gen = 0;
	vmarena_pt_clear_range(&space->pt, first, nr, space_collect_entry, &d);
	vmarena_space_account_pt(space);
	vmarena_space_tlb_flush(space, first, nr);
	/* Wait for faults that found these frames before the entries went. */
	for (f = d.head; f != VMARENA_NO_FRAME; f = vmarena_frame_table()[f].next)
		lock_page(vmarena_frame_page(f));
	vmarena_space_unmap(space, first, nr);
	for (f = d.head; f != VMARENA_NO_FRAME; f = next) {
		next = vmarena_frame_table()[f].next;
		vmarena_frame_table()[f].next = VMARENA_NO_FRAME;
		if (!vmarena_share_put(f)) {
			/* Other entries (clones, checkpoints) still hold it. */
			unlock_page(vmarena_frame_page(f));
			vmarena_lru_add(&vmarena_frame_owner(f)->lru,
					vmarena_frame_table(), f);
			continue;
		}
		vmarena_space_forget_frame(f);
		unlock_page(vmarena_frame_page(f));
		vmarena_arena_release_user(f);
	}
	space->c.discarded += d.n;
	atomic64_add(d.n, &vmarena_counters.discarded);
	mutex_unlock(space->lock);
	return 0;
}

/*
 * Evicts the space's pages down to its resident cap; space locked.  Gives
 * up after three calls in a row that evicted nothing (a failed write puts
 * its pages back; the next call writes them to other slots).
 */
static int space_shrink(struct vmarena_space *space)
{
	u64 t0 = ktime_get_ns(), got = 0, n;
	unsigned int idle = 0;
	int ret = 0;

	lockdep_assert_held(space->lock);
	while (space->max_resident && space->resident > space->max_resident) {
		n = vmarena_evict(space, space->resident - space->max_resident);
		got += n;
		if (n) {
			idle = 0;
		} else if (++idle == 3) {
			ret = -ENOMEM;
			break;
		}
		cond_resched();
	}
	space_cap_reclaimed(space, got, t0);
	return ret;
}

/**
 * vmarena_space_set_limit() - set the space's caps.
 * @space:        the space.
 * @max_pages:    cap on its pages; 0 for the default cap.
 * @max_resident: cap on its resident frames; 0 for none beyond @max_pages.
 *
 * A resident cap below the space's resident frames evicts its pages down
 * to it before returning.
 *
 * Return: 0; -EPERM when a cap above the default lacks CAP_SYS_ADMIN;
 * -ENOMEM when the pages could not all be evicted (no swap device, swap
 * full, pinned pages): the caps are set all the same.
 */
int vmarena_space_set_limit(struct vmarena_space *space, u64 max_pages,
			    u64 max_resident)
{
	u64 cap = vmarena_space_default_cap();
	int ret;

	if (!max_pages)
		max_pages = cap;
	if ((max_pages > cap || max_resident > cap) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	mutex_lock(space->lock);
	space->max_pages = max_pages;
	space->max_resident = max_resident;
	ret = space_shrink(space);
	mutex_unlock(space->lock);
	return ret;
}

/* Bit 7 of an entry marks, during one PIN call, the pins it made. */
#define SPACE_PTE_PIN_NEW	BIT_ULL(7)

/* A pinned page goes back into the ring, as its newest page. */
static int space_unpin_one(void *arg, u64 vpn, u64 *pte)
{
	struct vmarena_space *space = arg;

	if (!(*pte & VMARENA_PTE_PINNED))
		return 0;
	space_unpin_entry(space, pte);
	vmarena_lru_add(&space->lru, vmarena_frame_table(),
			vmarena_pte_frame(*pte));
	return 0;
}

static int space_pin_undo(void *arg, u64 vpn, u64 *pte)
{
	if (!(*pte & SPACE_PTE_PIN_NEW))
		return 0;
	*pte &= ~SPACE_PTE_PIN_NEW;
	return space_unpin_one(arg, vpn, pte);
}

static int space_pin_commit(void *arg, u64 vpn, u64 *pte)
{
	*pte &= ~SPACE_PTE_PIN_NEW;
	return 0;
}

/* A frame held by @space alone is charged to it (it may have been another's). */
static void space_charge(struct vmarena_space *space, u32 frame)
{
	struct vmarena_space *owner = vmarena_frame_owner(frame);

	if (owner == space)
		return;
	vmarena_lru_del(&owner->lru, vmarena_frame_table(), frame);
	vmarena_space_resident_add(owner, -1);
	vmarena_frame_table()[frame].owner = space;
	vmarena_space_resident_add(space, 1);
	vmarena_lru_add(&space->lru, vmarena_frame_table(), frame);
}

/* A checkpoint's entry for a page a pin just copied holds the same bytes. */
static void space_pin_same(void *arg, struct vmarena_space *space,
			   struct vmarena_gen *ckpt, u64 vpn, u64 *pte)
{
	if (ckpt)
		*pte |= VMARENA_PTE_SAME;
}

/*
 * A shared page is copied for the pin; the checkpoints that hold the
 * original are marked SAME, so GET_DIRTY does not take the copy for a
 * write.
 */
static int space_pin_cow(struct vmarena_space *space, u64 vpn, u64 **pte)
{
	u64 old = vmarena_pte_id(**pte);
	int ret = vmarena_share_cow(space, vpn, pte);

	if (!ret && vmarena_pte_id(**pte) != old)
		vmarena_share_each(space, vpn, old, space_pin_same, NULL);
	return ret;
}

/* Pins a page: made resident, private (a pin is never shared), charged. */
static int space_pin_one(struct vmarena_space *space, u64 vpn)
{
	struct vmarena_space *owner;
	int ret = 0;
	u64 *pte;

	if (fatal_signal_pending(current))
		return -EINTR;
	ret = vmarena_space_translate(space, vpn, true, &pte);
	if (ret || (*pte & VMARENA_PTE_PINNED))
		return ret;
	if (!vmarena_user_pin_room(space->user, 1))
		return -EDQUOT;
	/* -EAGAIN: the page changed meanwhile; the pin starts again unlocked. */
	if (*pte & VMARENA_PTE_COW)
		ret = space_pin_cow(space, vpn, &pte);
	if (ret)
		return ret;
	/* A frame charged to another user's space is charged to ours now. */
	owner = vmarena_frame_owner(vmarena_pte_frame(*pte));
	if (owner->user != space->user && !vmarena_user_room(space->user, 1))
		return -EDQUOT;
	space_charge(space, vmarena_pte_frame(*pte));
	*pte |= VMARENA_PTE_PINNED | SPACE_PTE_PIN_NEW;
	vmarena_lru_del(&space->lru, vmarena_frame_table(),
			vmarena_pte_frame(*pte));
	space->pinned++;
	vmarena_user_pin(space->user, 1);
	atomic64_inc(&vmarena_counters.pinned);
	return 0;
}

/* The pin limit: all pins together stay below the arena minus watermark_high. */
bool vmarena_space_pin_fits(u64 nr)
{
	u64 low, high;

	vmarena_reclaim_watermarks(&low, &high);
	return atomic64_read(&vmarena_counters.pinned) + nr <=
	       vmarena_arena_frames() - high;
}

/**
 * vmarena_space_pin() - make a range resident and unswappable.
 * @space: the space (not locked).
 * @first: first page.
 * @nr:    pages; the range was validated by the caller.
 *
 * Return: 0; -ENOMEM when pinned pages would exceed what the arena can
 * spare (all but watermark_high), or when a page cannot be made resident;
 * -EDQUOT beyond the space's caps; -EIO for a page lost to a read error.
 * On failure nothing stays pinned by this call.
 */
int vmarena_space_pin(struct vmarena_space *space, u64 first, u64 nr)
{
	u64 vpn;
	int ret = 0;

	lockdep_assert_not_held(space->lock);
	if (!vmarena_space_pin_fits(nr))
		return -ENOMEM;
	/*
	 * A page that changed under a copy (evicted to make room, or its read
	 * failed and the reader needs the lock to mark it lost) makes the
	 * whole pin start again with the lock dropped meanwhile.
	 */
	do {
		cond_resched();
		ret = 0;
		mutex_lock(space->lock);
		/* A pin may move the page a generation shares (share.c). */
		vmarena_changes_track(space, 0);
		for (vpn = first; vpn < first + nr && !ret; vpn++)
			ret = space_pin_one(space, vpn);
		vmarena_pt_range(&space->pt, first, nr,
				 ret ? space_pin_undo : space_pin_commit, space);
		mutex_unlock(space->lock);
	} while (ret == -EAGAIN);
	return ret;
}

/**
 * vmarena_space_unpin() - let a range's pinned pages be evicted again.
 * @space: the space (not locked).
 * @first: first page.
 * @nr:    pages; the range was validated by the caller.
 *
 * Return: 0.
 */
int vmarena_space_unpin(struct vmarena_space *space, u64 first, u64 nr)
{
	lockdep_assert_not_held(space->lock);
	mutex_lock(space->lock);
	vmarena_pt_range(&space->pt, first, nr, space_unpin_one, space);
	mutex_unlock(space->lock);
	return 0;
}

/**
 * vmarena_space_stats() - the space's counters, by enum vmarena_space_stat.
 * @space: the space.
 * @v:     out: VMARENA_NR_SPACE_STATS values.
 */
void vmarena_space_stats(struct vmarena_space *space, u64 *v)
{
	mutex_lock(space->lock);
	v[VMARENA_SPACE_STAT_ID] = space->id;
	v[VMARENA_SPACE_STAT_RESIDENT] = space->resident;
	v[VMARENA_SPACE_STAT_PAGES] = space->pt.used;
	v[VMARENA_SPACE_STAT_PT_FRAMES] = vmarena_pt_frames(&space->pt);
	v[VMARENA_SPACE_STAT_MAX_PAGES] = space->max_pages;
	v[VMARENA_SPACE_STAT_MAX_RESIDENT] = space->max_resident;
	v[VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH] = space->c.faults_first_touch;
	v[VMARENA_SPACE_STAT_FAULTS_MINOR] = space->c.faults_minor;
	v[VMARENA_SPACE_STAT_WRITE_NOTIFY] = space->c.write_notify;
	v[VMARENA_SPACE_STAT_TLB_HITS] = space->c.tlb_hits;
	v[VMARENA_SPACE_STAT_TLB_MISSES] = space->c.tlb_misses;
	v[VMARENA_SPACE_STAT_SIGBUS] = space->c.sigbus;
	v[VMARENA_SPACE_STAT_DISCARDED] = space->c.discarded;
	v[VMARENA_SPACE_STAT_BYTES_READ] = space->c.bytes_read;
	v[VMARENA_SPACE_STAT_BYTES_WRITTEN] = space->c.bytes_written;
	v[VMARENA_SPACE_STAT_SWAPPED] = space->swapped;
	v[VMARENA_SPACE_STAT_PINNED] = space->pinned;
	v[VMARENA_SPACE_STAT_EVICTIONS] = space->c.evictions;
	v[VMARENA_SPACE_STAT_SWAP_OUTS] = space->c.swap_outs;
	v[VMARENA_SPACE_STAT_CLEAN_DROPS] = space->c.clean_drops;
	v[VMARENA_SPACE_STAT_SWAP_INS] = space->c.swap_ins;
	v[VMARENA_SPACE_STAT_IO_ERRORS] = space->c.io_errors;
	v[VMARENA_SPACE_STAT_POLICY_SCANS] = space->c.policy_scans;
	v[VMARENA_SPACE_STAT_COW_BREAKS] = space->c.cow_breaks;
	v[VMARENA_SPACE_STAT_COW_REUSES] = space->c.cow_reuses;
	v[VMARENA_SPACE_STAT_CHECKPOINTS] = space->nr_ckpts;
	v[VMARENA_SPACE_STAT_LAST_GENERATION] = space->last_gen;
	v[VMARENA_SPACE_STAT_RESTORES] = space->c.restores;
	v[VMARENA_SPACE_STAT_USER_PAGES] = atomic64_read(&space->user->pages);
	v[VMARENA_SPACE_STAT_USER_PINNED] = atomic64_read(&space->user->pinned);
	v[VMARENA_SPACE_STAT_REWINDS] = READ_ONCE(space->c.rewinds);
	v[VMARENA_SPACE_STAT_REWIND_COPIES] = READ_ONCE(space->c.rewind_copies);
	v[VMARENA_SPACE_STAT_REWIND_RESETS] = READ_ONCE(space->c.rewind_resets);
	v[VMARENA_SPACE_STAT_REWIND_RESTORES] = READ_ONCE(space->c.rewind_restores);
	mutex_unlock(space->lock);
}
