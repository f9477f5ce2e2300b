// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt.c - checkpoints: CHECKPOINT, RESTORE, CKPT_LIST, CKPT_DROP and
 * GET_DIRTY.
 *
 * Generation N of a space is a page table of the space's family holding
 * the space's pages as they were when it was taken, copy-on-write
 * (share.c): taking it copies no data (pinned and held pages excepted:
 * vmarena_share_held()) and costs page-table nodes, and from then on each
 * page the space writes for the first time costs one copy.  Generations
 * are numbered from 1 per space and never reused; a space holds at most
 * VMARENA_CKPT_MAX of them.
 *
 * RESTORE makes the live table a copy-on-write copy of generation N's (it
 * is built first, so a failure changes nothing), then waits for faults
 * installing the old pages, zaps every hardware mapping and lets the old
 * table go: live mappings see the generation at their next access.  Later
 * generations are kept, so a space can be rewound and fast-forwarded.
 *
 * GET_DIRTY compares the live table with generation N's: a page changed
 * when the two entries do not hold the same frame or slot, but for a page
 * pinned or held when the generation was taken (or re-armed), or copied
 * by a pin since: the generation then holds a copy (or the original) marked SAME,
 * and the bytes decide while both are resident.  Sharing is
 * broken only by a write or DISCARD, never by a read, eviction or swap-in
 * (which change every holder together), so the answer is exact; a page
 * made by a read fault holds zeros and compares equal to a hole.
 */
#include <linux/bitmap.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>

#include "internal.h"
#include "arena.h"
#include "caches.h"
#include "changes.h"
#include "ckpt.h"
#include "share.h"
#include "space.h"
#include "counters.h"
#include "swap.h"
#include "trace.h"
#include "mapping.h"
#include "supply.h"

/**
 * vmarena_ckpt_find() - a space's generation by number.
 * @space: the space, locked.
 * @gen:   the generation.
 *
 * Return: the checkpoint, or NULL.
 */
struct vmarena_gen *vmarena_ckpt_find(struct vmarena_space *space, u64 gen)
{
	struct vmarena_gen *ck;

	lockdep_assert_held(space->lock);
	list_for_each_entry(ck, &space->ckpts, node)
		if (ck->gen == gen)
			return ck;
	return NULL;
}

/* Frees a checkpoint's table and the checkpoint; space locked. */
static void ckpt_free(struct vmarena_space *space, struct vmarena_gen *ck)
{
	lockdep_assert_held(space->lock);
	vmarena_pt_destroy(&ck->pt, vmarena_space_release_entry, space);
	vmarena_ckpt_account_pt(space, ck);
	vmarena_slab_free(&vmarena_caches[VMARENA_CACHE_CKPT], ck);
}

/**
 * vmarena_ckpt_drop_all() - a space is going: its checkpoints go first.
 * @space: the space, locked.
 */
void vmarena_ckpt_drop_all(struct vmarena_space *space)
{
	struct vmarena_gen *ck, *tmp;

	lockdep_assert_held(space->lock);
	vmarena_changes_track(space, 0);
	list_for_each_entry_safe(ck, tmp, &space->ckpts, node) {
		list_del(&ck->node);
		ckpt_free(space, ck);
	}
	space->nr_ckpts = 0;
}

static int ckpt_take_locked(struct vmarena_space *space, u64 *gen, u64 *pages)
{
	struct vmarena_gen *ck;
	u64 swapped, copies;
	int ret;

	if (space->nr_ckpts >= VMARENA_CKPT_MAX)
		return -ENOSPC;
	ck = vmarena_slab_zalloc(&vmarena_caches[VMARENA_CACHE_CKPT]);
	if (!ck)
		return -ENOMEM;
	vmarena_pt_init(&ck->pt);
	ret = vmarena_share_copy(space, space, &ck->pt, &swapped, &copies);
	vmarena_space_unreserve(vmarena_pt_unpool(&ck->pt));
	if (ret) {
		ckpt_free(space, ck);
		return ret;
	}
	vmarena_ckpt_account_pt(space, ck);
	ck->gen = space->last_gen + 1;
	WRITE_ONCE(space->last_gen, ck->gen);	/* read without the lock */
	ck->created_ns = ktime_get_ns();
	list_add_tail(&ck->node, &space->ckpts);
	space->nr_ckpts++;
	/* Pinned or held pages copied: the generation holds other frames. */
	vmarena_changes_track(space, copies ? 0 : ck->gen);
	*gen = ck->gen;
	*pages = ck->pt.used;
	return 0;
}

/**
 * vmarena_ckpt_take() - CHECKPOINT: take the next generation of a space.
 * @space: the space (not locked).
 * @gen:   out: its number.
 * @pages: out: pages it holds.
 *
 * Return: 0; -ENOSPC at VMARENA_CKPT_MAX generations; -ENOMEM (page-table
 * nodes, copies of pinned pages); -EDQUOT (copies of pinned pages beyond
 * the space's resident cap).
 */
int vmarena_ckpt_take(struct vmarena_space *space, u64 *gen, u64 *pages)
{
	u64 t0 = ktime_get_ns();
	int ret;

	lockdep_assert_not_held(space->lock);
	mutex_lock(space->lock);
	ret = ckpt_take_locked(space, gen, pages);
	mutex_unlock(space->lock);
	if (ret)
		return ret;
	atomic64_inc(&vmarena_counters.checkpoints);
	atomic64_add(*pages, &vmarena_counters.ckpt_pages);
	trace_checkpoint(space->id, *gen, *pages, ktime_get_ns() - t0);
	return 0;
}

/* Builds the table a restore installs: generation @ck's pages, shared. */
struct ckpt_build {
	struct vmarena_space *space;
	struct vmarena_pt pt;
};

static int ckpt_build_leaf(void *arg, u64 base, u64 *src, u64 *dst,
			   unsigned int *filled)
{
	unsigned int i;
	int ret;

	for (i = 0; i < VMARENA_PT_ENTRIES; i++) {
		if (!src[i])
			continue;
		ret = vmarena_share_entry(&src[i], &dst[i]);
		if (ret)
			return ret;
		dst[i] &= ~VMARENA_PTE_SAME;	/* bit 7 is PIN's in a live table */
		*filled += !!dst[i];
	}
	return 0;
}

/* Waits for faults installing an old page before its mappings go. */
static int ckpt_wait_entry(void *arg, u64 vpn, u64 *pte)
{
	if (*pte & VMARENA_PTE_PRESENT)
		vmarena_space_wait_dropped(arg, vmarena_pte_frame(*pte));
	return 0;
}

static int ckpt_count_swapped(void *arg, u64 vpn, u64 *pte)
{
	*(u64 *)arg += !!(*pte & VMARENA_PTE_SWAP);
	return 0;
}

/**
 * vmarena_ckpt_install() - a new live table replaces the space's: the old
 * one is let go once no fault is installing its pages, and every hardware
 * mapping is zapped (they fault in the new pages).
 * @space: the space, locked.
 * @pt:    the new table, holding its pages (shares, slots, frames); empty
 *         on return.
 */
void vmarena_ckpt_install(struct vmarena_space *space, struct vmarena_pt *pt)
{
	lockdep_assert_held(space->lock);
	vmarena_pt_move(&space->pt, pt);	/* @pt: the old table now */
	space->swapped = 0;
	vmarena_changes_track(space, 0);
	vmarena_pt_range(&space->pt, 0, VMARENA_MAX_PAGES, ckpt_count_swapped,
			 &space->swapped);
	space->import_gen = 0;
	vmarena_pt_range(pt, 0, VMARENA_MAX_PAGES, ckpt_wait_entry, space);
	vmarena_space_tlb_flush(space, 0, U64_MAX);
	vmarena_space_unmap(space, 0, VMARENA_MAX_PAGES);
	bitmap_zero(space->zero_windows, VMARENA_ZERO_WINDOWS);	/* all gone */
	vmarena_pt_destroy(pt, vmarena_space_release_entry, space);
	vmarena_space_account_pt(space);
}

/**
 * vmarena_ckpt_restore_locked() - vmarena_ckpt_restore(), space locked.
 * @space: the space, locked.
 * @gen:   the generation.
 * @pages: out: pages the space holds afterwards.
 *
 * Return: as vmarena_ckpt_restore(); counts nothing.
 */
int vmarena_ckpt_restore_locked(struct vmarena_space *space, u64 gen,
				u64 *pages)
{
	struct ckpt_build b = { .space = space };
	struct vmarena_gen *ck = vmarena_ckpt_find(space, gen);
	u32 nodes;
	int ret;

	lockdep_assert_held(space->lock);
	if (!ck)
		return -ENOENT;
	if (space->pinned)
		return -EBUSY;
	/* Every node first: no eviction while the new table is half built. */
	ret = vmarena_space_reserve_nodes(space, vmarena_pt_frames(&ck->pt),
					  &nodes);
	if (ret)
		return ret;
	vmarena_pt_init(&b.pt);
	vmarena_pt_pool(&b.pt, nodes);
	ret = vmarena_pt_copy(&ck->pt, &b.pt, ckpt_build_leaf, &b);
	vmarena_space_unreserve(vmarena_pt_unpool(&b.pt));
	if (ret) {
		vmarena_pt_destroy(&b.pt, vmarena_space_release_entry, space);
		return ret;
	}
	vmarena_ckpt_install(space, &b.pt);
	vmarena_changes_track(space, gen);
	*pages = space->pt.used;
	return 0;
}

/**
 * vmarena_ckpt_restore() - RESTORE: rewind a space to a generation.
 * @space: the space (not locked).
 * @gen:   the generation; it and every other one are kept.
 * @pages: out: pages the space holds afterwards.
 *
 * Return: 0; -ENOENT for no such generation; -EBUSY while pages are
 * pinned (a pin promises the frame stays); -ENOMEM (page-table nodes): the
 * space is unchanged.
 */
int vmarena_ckpt_restore(struct vmarena_space *space, u64 gen, u64 *pages)
{
	u64 t0 = ktime_get_ns();
	int ret;

	lockdep_assert_not_held(space->lock);
	mutex_lock(space->lock);
	ret = vmarena_ckpt_restore_locked(space, gen, pages);
	space->c.restores += !ret;
	mutex_unlock(space->lock);
	if (ret)
		return ret;
	atomic64_inc(&vmarena_counters.restores);
	trace_restore(space->id, gen, *pages, ktime_get_ns() - t0);
	return 0;
}

/* Whether an entry's page is held by no other entry (frame or slot). */
static bool ckpt_private(u64 pte)
{
	if (pte & VMARENA_PTE_PRESENT)
		return vmarena_frame_table()[vmarena_pte_frame(pte)].shares == 1;
	if (vmarena_pte_frame(pte) == VMARENA_SLOT_LOST)
		return true;
	return vmarena_swap_holders(vmarena_pte_frame(pte)) == 1;
}

static int ckpt_count_private(void *arg, u64 vpn, u64 *pte)
{
	*(u64 *)arg += ckpt_private(*pte);
	return 0;
}

/**
 * vmarena_ckpt_drop() - CKPT_DROP: let a generation go.
 * @space: the space (not locked).
 * @gen:   the generation.
 * @freed: out: its pages whose frame or slot no one else held (freed).
 *
 * Return: 0, -ENOENT, or -EBUSY while an EXPORT reads it.
 */
int vmarena_ckpt_drop(struct vmarena_space *space, u64 gen, u64 *freed)
{
	struct vmarena_gen *ck;

	lockdep_assert_not_held(space->lock);
	*freed = 0;
	mutex_lock(space->lock);
	ck = vmarena_ckpt_find(space, gen);
	if (ck && ck->busy) {
		mutex_unlock(space->lock);
		return -EBUSY;
	}
	if (ck) {
		vmarena_pt_range(&ck->pt, 0, VMARENA_MAX_PAGES,
				 ckpt_count_private, freed);
		list_del(&ck->node);
		space->nr_ckpts--;
		if (space->changes.gen == gen)
			vmarena_changes_track(space, 0);
		ckpt_free(space, ck);
	}
	mutex_unlock(space->lock);
	return ck ? 0 : -ENOENT;
}

/**
 * vmarena_ckpt_list() - CKPT_LIST: the generations of a space.
 * @space: the space (not locked).
 * @out:   room for @max entries, oldest first.
 * @max:   entries @out holds.
 * @count: out: generations the space holds.
 *
 * Return: 0.
 */
int vmarena_ckpt_list(struct vmarena_space *space,
		      struct vmarena_ckpt_info *out, u32 max, u32 *count)
{
	struct vmarena_gen *ck;
	u32 n = 0;

	lockdep_assert_not_held(space->lock);
	mutex_lock(space->lock);
	list_for_each_entry(ck, &space->ckpts, node) {
		if (n < max) {
			out[n].generation = ck->gen;
			out[n].pages = ck->pt.used;
			out[n].private = 0;
			vmarena_pt_range(&ck->pt, 0, VMARENA_MAX_PAGES,
					 ckpt_count_private, &out[n].private);
			out[n].pinned_bytes = (out[n].private + ck->pt_frames) *
					      VMARENA_PAGE_SIZE;
			out[n].created_ns = ck->created_ns;
		}
		n++;
	}
	mutex_unlock(space->lock);
	*count = n;
	return 0;
}

/* GET_DIRTY: the range, its bitmap, and the tables compared. */
struct ckpt_dirty {
	struct vmarena_space *space;
	struct vmarena_gen *ck;
	u64 first;
	unsigned long *bitmap;
	u64 dirty;
};

/*
 * A generation's page marked SAME is a copy of a pinned live page (or the
 * original a pin copied), and a live frame REWIND copied a generation's
 * bytes into is marked Checked (rewind.c): they differ in frame, not
 * necessarily in bytes.  Both resident: the bytes decide.  Else it counts
 * as changed.
 */
static bool ckpt_same_bytes(u64 live, u64 old)
{
	struct page *a, *b;

	if (!(old & VMARENA_PTE_PRESENT) || !(live & VMARENA_PTE_PRESENT))
		return false;
	a = vmarena_frame_page(vmarena_pte_frame(live));
	b = vmarena_frame_page(vmarena_pte_frame(old));
	if (!(old & VMARENA_PTE_SAME) && !PageChecked(a))
		return false;
	return PageUptodate(a) && PageUptodate(b) &&
	       !memcmp(page_address(a), page_address(b), PAGE_SIZE);
}

static void ckpt_mark(struct ckpt_dirty *d, u64 vpn, u64 live, u64 old)
{
	if (vmarena_ckpt_content(live) == vmarena_ckpt_content(old) ||
	    test_bit(vpn - d->first, d->bitmap) ||
	    ckpt_same_bytes(live, old))
		return;
	__set_bit(vpn - d->first, d->bitmap);
	d->dirty++;
}

static int ckpt_dirty_live(void *arg, u64 vpn, u64 *pte)
{
	struct ckpt_dirty *d = arg;

	ckpt_mark(d, vpn, *pte, vmarena_pt_get(&d->ck->pt, vpn));
	return 0;
}

static int ckpt_dirty_old(void *arg, u64 vpn, u64 *pte)
{
	struct ckpt_dirty *d = arg;

	ckpt_mark(d, vpn, vmarena_pt_get(&d->space->pt, vpn), *pte);
	return 0;
}

/*
 * The nodes the generation's table lacks on a page's path, reserved (with
 * reclaim, as a fault's are) before the page is shared into it:
 * vmarena_share_copy_entry() reclaims for none, and a reclaim once the
 * page is shared but not yet in the table would miss it.  Reclaim may
 * change both tables (prune nodes, evict the page): the caller looks the
 * page up again, and gives back what is left with
 * vmarena_space_unreserve(vmarena_pt_unpool()).
 */
static int ckpt_rearm_nodes(struct ckpt_dirty *d, u64 vpn, bool held)
{
	unsigned int have = 0, need;
	u32 nodes;
	int ret;

	/*
	 * A held page (vmarena_share_held()) is copied first, and that copy's
	 * reclaim may prune the path again: the worst case for it.  Else what
	 * is missing, until a reclaim on the way left no more missing than is
	 * reserved.
	 */
	while ((need = held ? VMARENA_PT_LEVELS :
		       vmarena_pt_missing(&d->ck->pt, vpn)) > have) {
		ret = vmarena_space_reserve_nodes(d->space, need - have, &nodes);
		if (ret)
			return ret;
		vmarena_pt_pool(&d->ck->pt, nodes);
		have = need;
	}
	return 0;
}

/* Generation @d->ck's page @vpn becomes the live one. */
static int ckpt_rearm_one(struct ckpt_dirty *d, u64 vpn)
{
	struct vmarena_space *space = d->space;
	u64 *live = vmarena_pt_lookup(&space->pt, vpn), old = 0, *cur;
	bool held = false;
	int ret = 0;

	if (live && *live) {
		/* Looked at once: a pin for reading may come meanwhile. */
		held = vmarena_share_held(*live);
		ret = ckpt_rearm_nodes(d, vpn, held);
		if (ret)
			return ret;
		live = vmarena_pt_lookup(&space->pt, vpn);
	}
	if (live && *live) {
		ret = vmarena_share_copy_entry(space, &d->ck->pt, vpn, live,
					       held, &old);
	} else {
		cur = vmarena_pt_lookup(&d->ck->pt, vpn);
		old = cur ? *cur : 0;
		if (old)
			vmarena_pt_clear(&d->ck->pt, vpn);
	}
	vmarena_space_unreserve(vmarena_pt_unpool(&d->ck->pt));
	/* Let go of the old page last: it may have been the only holder. */
	if (old)
		vmarena_space_release_entry(space, vpn, &old);
	return ret;
}

static int ckpt_rearm(struct ckpt_dirty *d, u64 nr)
{
	unsigned long i;
	int ret = 0;

	vmarena_share_wrprotect(d->space);
	for_each_set_bit(i, d->bitmap, nr) {
		ret = ckpt_rearm_one(d, d->first + i);
		/* Nodes charged as they come: the next page's check counts them. */
		vmarena_ckpt_account_pt(d->space, d->ck);
		if (ret)
			break;
	}
	return ret;
}

/**
 * vmarena_ckpt_dirty() - GET_DIRTY: which pages of a range changed since a
 * generation.
 * @space:  the space (not locked).
 * @gen:    the generation.
 * @first:  first page of the range.
 * @nr:     pages, validated by the caller.
 * @rearm:  afterwards, the generation's range becomes the live contents.
 * @bitmap: out: bit i for page @first + i; zeroed by the caller.
 * @dirty:  out: bits set.
 *
 * Return: 0; -ENOENT for no such generation; -EBUSY for a re-arm while
 * an EXPORT reads the generation; -ENOMEM while re-arming
 * (page-table nodes): the bitmap is not valid, and part of the range may
 * have been re-armed.
 */
int vmarena_ckpt_dirty(struct vmarena_space *space, u64 gen, u64 first,
		       u64 nr, bool rearm, unsigned long *bitmap, u64 *dirty)
{
	struct ckpt_dirty d = { .space = space, .first = first, .bitmap = bitmap };
	int ret = 0;

	lockdep_assert_not_held(space->lock);
	mutex_lock(space->lock);
	d.ck = vmarena_ckpt_find(space, gen);
	if (!d.ck || (rearm && d.ck->busy)) {
		ret = d.ck ? -EBUSY : -ENOENT;
		goto out;
	}
	vmarena_pt_range(&space->pt, first, nr, ckpt_dirty_live, &d);
	vmarena_pt_range(&d.ck->pt, first, nr, ckpt_dirty_old, &d);
	if (rearm)
		ret = ckpt_rearm(&d, nr);
	*dirty = d.dirty;
out:
	mutex_unlock(space->lock);
	return ret;
}
