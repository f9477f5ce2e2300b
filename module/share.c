// SPDX-License-Identifier: GPL-2.0
/*
 * share.c - copy-on-write sharing of frames and swap slots between the
 * tables of a family: the live tables of a space and its clones, and
 * their checkpoints.
 *
 * Sharing never moves a page: a shared frame or slot is held by entries
 * for the same page number in several tables, so the entries holding it
 * are found by looking that page up in each table of the family
 * (vmarena_share_each()); this is the reverse map beyond the frame
 * descriptor's owner.  Every table of a family is under the family's one
 * lock.  A frame counts the entries holding it (vmarena_frame.shares), a
 * slot its holders beyond the first (swap.c).
 *
 * A frame is charged to one space, whose resident ring holds it, like a
 * page charged to the memory cgroup that first touched it: eviction of a
 * shared frame (evict.c) turns every entry holding it into a swap entry
 * for one slot, and swap-in of a shared slot gives every entry holding it
 * the new frame.  When the charged space goes, its shared frames move to
 * another member's ring (vmarena_share_rehome()).
 *
 * A present entry holding a frame with other holders has the COW bit and
 * is never mapped writable: the first write copies the page for the
 * writer (vmarena_share_cow()); a write to an entry whose frame has lost
 * its other holders takes the frame over without copying.  Taking a share
 * (clone, checkpoint) write-protects each page as it shares it: its
 * writable hardware mappings are made read-only (a run at a time, all
 * before the call returns; vmarena_space_wrprotect()), after the page lock
 * has been waited for so that no fault is still installing one; writes
 * then fault and wait for the family lock, which is held until the
 * sharing is complete, so a clone or checkpoint is one point in time for
 * the writers (vmarena_share_copy()).
 *
 * Pinned pages are never shared: a pin promises the frame stays, so a
 * clone or checkpoint copies them at once, and PIN of a shared page
 * copies it first.
 */
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>

#include "internal.h"
#include "arena.h"
#include "caches.h"
#include "changes.h"
#include "share.h"
#include "space.h"
#include "counters.h"
#include "swap.h"
#include "trace.h"
#include "mapping.h"
#include "supply.h"

/**
 * vmarena_family_join() - make @space a member of a family.
 * @space:  a new space.
 * @parent: the space it is cloned from (its family is joined), or NULL
 *          for a family of its own.
 *
 * Sets @space->family and @space->lock.
 *
 * Return: 0 or -ENOMEM.
 */
int vmarena_family_join(struct vmarena_space *space,
			struct vmarena_space *parent)
{
	struct vmarena_family *fam;

	if (parent) {
		fam = parent->family;
		kref_get(&fam->ref);
	} else {
		fam = vmarena_space_zalloc(VMARENA_CACHE_FAMILY);
		if (!fam)
			return -ENOMEM;
		mutex_init(&fam->lock);
		kref_init(&fam->ref);
		INIT_LIST_HEAD(&fam->spaces);
	}
	space->family = fam;
	space->lock = &fam->lock;
	mutex_lock(&fam->lock);
	list_add_tail(&space->family_node, &fam->spaces);
	mutex_unlock(&fam->lock);
	return 0;
}

static void family_release(struct kref *ref)
{
	struct vmarena_family *fam = container_of(ref, struct vmarena_family, ref);

	mutex_destroy(&fam->lock);
	vmarena_slab_free(&vmarena_caches[VMARENA_CACHE_FAMILY], fam);
}

/**
 * vmarena_family_leave() - drop @space's membership; the last member frees
 * the family.
 * @space: a space whose tables are empty, taken out of the member list
 *         (vmarena_share_rehome()); its family's lock is not held.
 */
void vmarena_family_leave(struct vmarena_space *space)
{
	lockdep_assert_not_held(space->lock);
	kref_put(&space->family->ref, family_release);
}

/* Calls @fn for @pte if it holds @id; returns 1 if so. */
static unsigned int share_one(struct vmarena_space *space,
			      struct vmarena_gen *ckpt, u64 vpn, u64 *pte,
			      u64 id, vmarena_share_fn fn, void *arg)
{
	if (!pte || vmarena_pte_id(*pte) != id)
		return 0;
	if (fn)
		fn(arg, space, ckpt, vpn, pte);
	return 1;
}

/**
 * vmarena_share_each() - call @fn for every entry of @space's family that
 * holds a page.
 * @space: a member, its family locked.
 * @vpn:   the page number.
 * @id:    what the entries hold: vmarena_pte_id() of one of them.
 * @fn:    called for each; may change the entry; NULL only counts.
 * @arg:   for @fn.
 *
 * Return: the entries found.
 */
unsigned int vmarena_share_each(struct vmarena_space *space, u64 vpn, u64 id,
				vmarena_share_fn fn, void *arg)
{
	struct vmarena_space *s;
	struct vmarena_gen *ck;
	unsigned int n = 0;

	lockdep_assert_held(space->lock);
	list_for_each_entry(s, &space->family->spaces, family_node) {
		n += share_one(s, NULL, vpn, vmarena_pt_lookup(&s->pt, vpn),
			       id, fn, arg);
		list_for_each_entry(ck, &s->ckpts, node)
			n += share_one(s, ck, vpn, vmarena_pt_lookup(&ck->pt, vpn),
				       id, fn, arg);
	}
	return n;
}

/**
 * vmarena_share_unmap() - zap the hardware mappings of a range of pages in
 * every space of @space's family.
 * @space: a member, its family locked.
 * @first: first page.
 * @nr:    pages.
 */
void vmarena_share_unmap(struct vmarena_space *space, u64 first, u64 nr)
{
	struct vmarena_space *s;

	lockdep_assert_held(space->lock);
	list_for_each_entry(s, &space->family->spaces, family_node)
		vmarena_space_unmap(s, first, nr);
}

/**
 * vmarena_share_get() - one more entry holds a frame.
 * @frame: a user page's frame, its family locked, with fewer than
 *         VMARENA_SHARES_MAX holders (vmarena_share_entry() checks; a
 *         swap-in gives a frame no more holders than its slot had).
 */
void vmarena_share_get(u32 frame)
{
	struct vmarena_frame *f = &vmarena_frame_table()[frame];

	lockdep_assert_held(vmarena_frame_owner(frame)->lock);
	if (++f->shares == 2)
		atomic64_inc(&vmarena_counters.pages_shared);
}

/**
 * vmarena_share_put() - an entry lets go of a frame.
 * @frame: a user page's frame, its family locked.
 *
 * Return: true if it was the last: the caller frees the frame.
 */
bool vmarena_share_put(u32 frame)
{
	struct vmarena_frame *f = &vmarena_frame_table()[frame];

	if (WARN_ON_ONCE(!f->shares))
		return false;
	lockdep_assert_held(vmarena_frame_owner(frame)->lock);
	if (--f->shares == 1)
		atomic64_dec(&vmarena_counters.pages_shared);
	return !f->shares;
}

/*
 * Shares a present entry's frame with a new entry, made copy-on-write;
 * @shared counts the frames it makes shared (a clone adds them up before
 * touching the global counter).  -EMLINK at VMARENA_SHARES_MAX holders.
 */
static inline int share_present(struct vmarena_frame *ft, u64 *pte,
				u64 *copy, u64 *shared)
{
	struct vmarena_frame *f = &ft[vmarena_pte_frame(*pte)];

	if (f->shares >= VMARENA_SHARES_MAX)
		return -EMLINK;
	*shared += ++f->shares == 2;
	*pte = (*pte | VMARENA_PTE_COW) & ~VMARENA_PTE_WRITE;
	*copy = *pte;
	return 0;
}

/**
 * vmarena_share_entry() - share what an entry holds with a new entry.
 * @pte: an entry, not pinned; a present one becomes copy-on-write.
 * @copy: out: the entry for the other table.
 *
 * Return: 0, or -EMLINK when the frame has VMARENA_SHARES_MAX holders.
 */
int vmarena_share_entry(u64 *pte, u64 *copy)
{
	u64 slot = vmarena_pte_frame(*pte), shared = 0;
	int ret;

	if (*pte & VMARENA_PTE_PRESENT) {
		ret = share_present(vmarena_frame_table(), pte, copy, &shared);
		atomic64_add(shared, &vmarena_counters.pages_shared);
		return ret;
	}
	/* A slot's holders all get its frame at swap-in: the same cap. */
	if (slot != VMARENA_SLOT_LOST) {
		if (vmarena_swap_holders(slot) >= VMARENA_SHARES_MAX)
			return -EMLINK;
		vmarena_swap_dup(slot);
	}
	*copy = *pte;
	return 0;
}

/**
 * vmarena_share_drop_entry() - an entry that is going away lets go of
 * what it holds (a slot, or a share of a frame).
 * @space: the space whose table (or checkpoint) held it, locked.
 * @pte:   the entry's value.
 *
 * Return: true if it held the last share of a frame: the caller takes
 * the frame from its owner and frees it (vmarena_space_forget_frame(),
 * vmarena_arena_release_user()).
 */
bool vmarena_share_drop_entry(struct vmarena_space *space, u64 pte)
{
	u64 slot = vmarena_pte_frame(pte);

	lockdep_assert_held(space->lock);
	if (pte & VMARENA_PTE_PRESENT)
		return vmarena_share_put(slot);
	if ((pte & VMARENA_PTE_SWAP) && slot != VMARENA_SLOT_LOST)
		vmarena_swap_free(slot, false);
	return false;
}

/*
 * The copy for a write to a shared page: a new frame with the page's
 * bytes, charged to the writer.  The source is locked meanwhile, which
 * also waits for faults installing it and for a read bringing it in.
 */
static int share_copy(struct vmarena_space *space, u64 vpn, u64 *pte,
		      u32 *new)
{
	struct vmarena_frame *ft = vmarena_frame_table();
	u64 id = vmarena_pte_id(*pte);
	u32 old = vmarena_pte_frame(id);
	struct vmarena_space *owner = ft[old].owner;
	bool ringed = ft[old].lru_next != VMARENA_NO_FRAME;
	struct page *src;
	int ret;

	lockdep_assert_held(space->lock);
	/*
	 * The source leaves its ring while the copy's frame is found: making
	 * room (at a resident cap of one, say) must not evict the very page
	 * being copied, or the retried write would bring it back and evict
	 * it again, for ever.
	 */
	if (ringed)
		vmarena_lru_del(&owner->lru, ft, old);
	ret = vmarena_space_alloc_frame(space, new);
	if (ringed)
		vmarena_lru_add(&owner->lru, ft, old);
	if (ret)
		return ret;
	/* Making room may have evicted the page: the fault is retried. */
	pte = vmarena_pt_lookup(&space->pt, vpn);
	src = vmarena_frame_page(vmarena_pte_frame(id));
	if (!pte || vmarena_pte_id(*pte) != id)
		goto again;
	lock_page(src);
	if (!PageUptodate(src)) {
		unlock_page(src);	/* its read failed: lost */
		goto again;
	}
	copy_highpage(vmarena_frame_page(*new), src);
	SetPageUptodate(vmarena_frame_page(*new));
	return 0;
again:
	vmarena_frames_free(*new, 0);
	return -EAGAIN;
}

/**
 * vmarena_share_cow() - a write to a copy-on-write page: the writer gets
 * a private copy, or the frame itself if no other entry holds it now.
 * @space: the writing space, locked.
 * @vpn:   the page.
 * @pte:   in: its present COW entry; out: the entry (same slot).
 *
 * The space's hardware mappings of the page are zapped when it moves to
 * a copy; the entry is neither dirty nor writable yet unless copied (the
 * caller notes the write).
 *
 * Return: 0; -EAGAIN when the page changed meanwhile (evicted to make
 * room, or lost): the access is retried; or as vmarena_space_fault_in().
 */
int vmarena_share_cow(struct vmarena_space *space, u64 vpn, u64 **pte)
{
	u32 old = vmarena_pte_frame(**pte), new;
	u64 t0;
	int ret;

	lockdep_assert_held(space->lock);
	vmarena_changes_note(space, vpn);
	if (vmarena_frame_table()[old].shares == 1) {
		**pte &= ~VMARENA_PTE_COW;
		space->c.cow_reuses++;
		atomic64_inc(&vmarena_counters.cow_reuses);
		return 0;
	}
	/* A write fault's path: the clock is read only while traced. */
	t0 = trace_cow_break_enabled() ? ktime_get_ns() : 0;
	ret = share_copy(space, vpn, *pte, &new);
	if (ret)
		return ret;
	*pte = vmarena_pt_lookup(&space->pt, vpn);
	vmarena_pt_replace(&space->pt, *pte,
			   vmarena_pte_make(new, VMARENA_PTE_PRESENT |
					    VMARENA_PTE_ACCESSED | VMARENA_PTE_DIRTY |
					    (**pte & VMARENA_PTE_GEN_MASK)));
	vmarena_space_take_frame(space, new, vpn, VMARENA_NO_SLOT);
	vmarena_share_put(old);
	vmarena_space_unmap(space, vpn, 1);
	unlock_page(vmarena_frame_page(old));
	space->c.cow_breaks++;
	atomic64_inc(&vmarena_counters.cow_breaks);
	if (t0)
		trace_cow_break(space->id, vpn, old, new, ktime_get_ns() - t0);
	return 0;
}

/**
 * vmarena_share_rehome() - a space is going: its ring's frames, which
 * other members of its family still hold, move to another member's ring.
 * @space: the space, locked, its tables empty; it leaves the member list.
 */
void vmarena_share_rehome(struct vmarena_space *space)
{
	struct vmarena_frame *ft = vmarena_frame_table();
	struct vmarena_space *heir;
	u32 frame;

	lockdep_assert_held(space->lock);
	list_del(&space->family_node);
	heir = list_first_entry_or_null(&space->family->spaces,
					struct vmarena_space, family_node);
	while (space->lru.nr) {
		frame = space->lru.hand;
		vmarena_lru_del(&space->lru, ft, frame);
		if (WARN_ON_ONCE(!heir))
			continue;
		ft[frame].owner = heir;
		vmarena_lru_add(&heir->lru, ft, frame);
		vmarena_space_resident_add(heir, 1);
		vmarena_space_resident_add(space, -1);
	}
}

/*
 * Write-protecting a space's entries: the run of neighbouring pages whose
 * writable mappings are still to be made read-only.
 */
struct share_wp {
	struct vmarena_space *space;
	u64 first;
	u64 nr;
};

static void share_wp_flush(struct share_wp *w)
{
	if (w->nr)
		vmarena_space_wrprotect(w->space, w->first, w->nr);
	w->nr = 0;
}

/*
 * Write-protects one live entry (but a pinned one, which is never shared):
 * a fault installing a writable mapping of it is waited for (page lock),
 * and its mapping joins the run to write-protect.  A write notification
 * without the lock (access.c, vmarena_space_write_unlocked()) locks the
 * page, then reads W: W is cleared, then the page lock read, with a full
 * barrier between, so that one of the two sees the other.
 */
static void share_wp_entry(struct share_wp *w, u64 vpn, u64 *pte)
{
	if (!(*pte & VMARENA_PTE_WRITE) || (*pte & VMARENA_PTE_PINNED))
		return;
	WRITE_ONCE(*pte, *pte & ~VMARENA_PTE_WRITE);
	smp_mb();	/* W cleared before the page lock is read */
	vmarena_space_wait_install(w->space, vmarena_pte_frame(*pte));
	if (w->nr && vpn != w->first + w->nr)
		share_wp_flush(w);
	if (!w->nr)
		w->first = vpn;
	w->nr++;
}

/* Write-protecting a whole space, counting the pages pins hold. */
struct share_wp_all {
	struct share_wp wp;
	u64 held;
};

static int share_wp_one(void *arg, u64 vpn, u64 *pte)
{
	struct share_wp_all *w = arg;

	share_wp_entry(&w->wp, vpn, pte);
	w->held += !(*pte & VMARENA_PTE_PINNED) && vmarena_share_held(*pte);
	return 0;
}

/**
 * vmarena_share_wrprotect() - make every writable hardware mapping of a
 * space's pages (but pinned ones) read-only, before they are shared.
 * @space: the space, locked (so none can come back until it is unlocked).
 *
 * From its return until the lock is dropped, a get_user_pages() pin for
 * writing can only come through .page_mkwrite, which waits for the lock:
 * vmarena_share_held() then sees every pin that could write.
 *
 * Return: the pages a get_user_pages() pin held as they were looked at
 * (vmarena_share_held(), PIN's pinned pages not counted): how many copies
 * to reserve.  A pin may come or go before the copy.
 */
u64 vmarena_share_wrprotect(struct vmarena_space *space)
{
	struct share_wp_all w = { .wp.space = space };

	lockdep_assert_held(space->lock);
	vmarena_pt_range(&space->pt, 0, VMARENA_MAX_PAGES, share_wp_one, &w);
	share_wp_flush(&w.wp);
	/*
	 * The mappings are read-only (the page-table lock and the TLB flush
	 * order it for the kernel's GUP, which takes a pin, then reads the
	 * PTE again) before a page count is read for a pin.
	 */
	smp_mb();
	return w.held;
}

/**
 * vmarena_share_held() - whether a live entry's page is copied, not
 * shared, into a table that lives beside the space's (a checkpoint's, a
 * clone's): pinned by PIN, or held by a get_user_pages() pin (FOLL_PIN:
 * process_vm_writev(), or O_DIRECT on kernels that pin its pages, as 6.12
 * does), which may write into the frame after it is shared, with no fault
 * to copy it first.  The kernel's fork() copies a pinned anonymous page
 * for the same reason (page_needs_cow_for_dma()).  A reference taken with
 * FOLL_GET (6.1's O_DIRECT) is not seen, as fork() does not see it.
 * @pte: the entry, its space locked; its writable mappings gone
 * (vmarena_share_wrprotect()).
 *
 * A pin adds GUP_PIN_COUNTING_BIAS to the page's count, a mapping one:
 * past the arena's own reference and the mappings', a pin is seen, and a
 * page mapped by a thousand processes is not taken for one.
 *
 * Return: true to copy.
 */
bool vmarena_share_held(u64 pte)
{
	struct page *page;

	if (pte & VMARENA_PTE_PINNED)
		return true;
	if (!(pte & VMARENA_PTE_PRESENT))
		return false;
	page = vmarena_frame_page(vmarena_pte_frame(pte));
	return page_count(page) - page_mapcount(page) > GUP_PIN_COUNTING_BIAS;
}

/*
 * A frame for a copy of a held page: from @pool (vmarena_space_reserve()),
 * else (a pin came after the pages were counted) a free frame without
 * eviction: the table is half built.
 */
static int share_pool_frame(struct vmarena_space *charge, u32 *pool,
			    u32 *frame)
{
	*frame = vmarena_space_reserved(pool);
	if (*frame != VMARENA_NO_FRAME)
		return 0;
	if (!vmarena_user_room(charge->user, 1))
		return -EDQUOT;
	return vmarena_space_spare_frame(charge, frame);
}

/*
 * A held page (vmarena_share_held()): the new table gets a copy of its
 * own, charged to @charge, its frame from @pool when the caller builds a
 * table that eviction must not see half built, else allocated here.  A
 * page that holds zeros (never written, no slot copy) needs no copy: a
 * hole reads the same.  @same marks a checkpoint's copy for GET_DIRTY.
 */
static int share_copy_pinned(struct vmarena_space *charge, u32 *pool, u64 vpn,
			     u64 pte, u64 same, u64 *copy)
{
	u32 frame;
	int ret;

	lockdep_assert_held(charge->lock);
	if (!vmarena_ckpt_content(pte)) {
		*copy = 0;
		return 0;
	}
	ret = pool ? share_pool_frame(charge, pool, &frame) :
		     vmarena_space_alloc_frame(charge, &frame);
	if (ret)
		return ret;
	copy_highpage(vmarena_frame_page(frame),
		      vmarena_frame_page(vmarena_pte_frame(pte)));
	SetPageUptodate(vmarena_frame_page(frame));
	vmarena_space_take_frame(charge, frame, vpn, VMARENA_NO_SLOT);
	*copy = vmarena_pte_make(frame, VMARENA_PTE_PRESENT | VMARENA_PTE_DIRTY |
				 same | (pte & VMARENA_PTE_GEN_MASK));
	return 0;
}

/**
 * vmarena_share_copy_entry() - give another table of the family the page
 * a live entry holds, copy-on-write (a pinned or held page is copied at
 * once: vmarena_share_held()), in place of what that table held for it.
 * @charge: the space a copy of a pinned page is charged to, locked.
 * @dst:    the other table (a checkpoint's, so a copy is marked SAME),
 *          in the family.
 * @vpn:    the page.
 * @pte:    the live entry, write-protected (vmarena_share_wrprotect()).
 * @held:   vmarena_share_held() of @pte, as the caller found it.
 * @old:    out: what @dst held for the page (0: nothing), no longer in
 *          it: the caller lets it go (vmarena_space_release_entry()).
 *
 * The copy of a held page is made first, while @dst is whole, so that
 * whatever its allocation evicts is found in @dst.
 *
 * Return: 0, or -ENOMEM/-EDQUOT/-EMLINK (nothing changed, *@old is 0).
 */
int vmarena_share_copy_entry(struct vmarena_space *charge,
			     struct vmarena_pt *dst, u64 vpn, u64 *pte,
			     bool held, u64 *old)
{
	u64 copy, *cur;
	int ret;

	lockdep_assert_held(charge->lock);
	*old = 0;
	ret = held ? share_copy_pinned(charge, NULL, vpn, *pte,
				       VMARENA_PTE_SAME, &copy) :
		     vmarena_share_entry(pte, &copy);
	if (ret)
		return ret;
	/* No allocation from here on: the table stays as it is looked up. */
	cur = vmarena_pt_lookup(dst, vpn);
	if (cur && *cur) {
		*old = *cur;
		if (copy)
			*cur = copy;	/* an entry for an entry: counts hold */
		else
			vmarena_pt_clear(dst, vpn);
		return 0;
	}
	if (!copy)
		return 0;
	/* The nodes on the page's path are @charge's user's too. */
	ret = vmarena_user_room(charge->user, vmarena_pt_missing(dst, vpn)) ?
	      vmarena_pt_set(dst, vpn, copy) : -EDQUOT;
	if (ret)
		vmarena_space_release_entry(charge, vpn, &copy);
	return ret;
}

/* Copying a whole live table, node by node. */
struct share_copy {
	struct share_wp wp;
	struct vmarena_space *charge;
	u64 keep;	/* entry bits kept: a clone's pages start at gen 0 */
	u64 same;	/* VMARENA_PTE_SAME for a checkpoint's copies */
	bool beside;	/* the table lives beside the space's: held pages copied */
	u64 copies;	/* pages copied, not shared */
	u32 pool;
	u64 swapped;
	u64 shared;
};

/* Whether a live entry's page is copied for the table, not shared. */
static bool share_copy_it(struct share_copy *c, u64 pte)
{
	return c->beside ? vmarena_share_held(pte) : pte & VMARENA_PTE_PINNED;
}

/*
 * One leaf of a live table.  The common case, a resident page no one
 * holds, is shared here without a call per page; its frame counts in a
 * batch.
 */
static int share_copy_leaf(void *arg, u64 base, u64 *src, u64 *dst,
			   unsigned int *filled)
{
	struct vmarena_frame *ft = vmarena_frame_table();
	struct share_copy *c = arg;
	unsigned int i;
	int ret;

	for (i = 0; i < VMARENA_PT_ENTRIES; i++) {
		u64 *pte = &src[i];

		if (!*pte)
			continue;
		share_wp_entry(&c->wp, base + i, pte);
		if (share_copy_it(c, *pte)) {
			ret = share_copy_pinned(c->charge, &c->pool, base + i,
						*pte, c->same, &dst[i]);
			c->copies++;
		} else if (*pte & VMARENA_PTE_PRESENT) {
			ret = share_present(ft, pte, &dst[i], &c->shared);
		} else {
			c->swapped += !!(*pte & VMARENA_PTE_SWAP);
			ret = vmarena_share_entry(pte, &dst[i]);
		}
		if (ret)
			return ret;
		dst[i] &= c->keep;
		*filled += !!dst[i];
	}
	return 0;
}

/**
 * vmarena_share_copy() - give a new table of the family every page of a
 * space, copy-on-write: one point in time for the space's writers.
 * @space:   the space, locked.
 * @charge:  the space copies of pinned pages are charged to.
 * @dst:     the new, empty table.
 * @swapped: out: swap entries copied.
 * @copies:  out: pages copied for @dst, not shared (pinned or held); NULL
 *           for a table that replaces the space's (IMPORT's), not beside
 *           it: a page held by a get_user_pages() pin is then shared.
 *
 * Each page is write-protected (its writable mappings made read-only a
 * run of neighbouring pages at a time) and shared.  Writes through a
 * mapping not write-protected yet land in the shared frame before the call
 * returns, as if made before it; every other write faults and waits for
 * the space lock, so the copy is one point in time for the writers.  With
 * @copies, the whole space is write-protected first, and a pinned or held
 * page (vmarena_share_held(), looked for only then) is copied for @dst:
 * the space keeps the frame, and a transfer under way into it lands in
 * the space (what it wrote before the copy is in both).  Else (IMPORT)
 * one pass does both, the last run write-protected before returning.
 *
 * The frames it needs (copies of pinned and held pages, every node of
 * @dst) are taken before the first page is shared; nodes left over stay in
 * @dst's pool (vmarena_pt_unpool()) for the caller, which may have put
 * more there for its own use of @dst before any eviction can run.  A pin
 * that comes after the count takes a free frame, evicting nothing.
 *
 * Return: 0; -ENOMEM (page-table nodes, copies of pinned or held pages),
 * -EDQUOT or -EMLINK: @dst then holds part of the pages and is to be
 * released.
 */
int vmarena_share_copy(struct vmarena_space *space,
		       struct vmarena_space *charge, struct vmarena_pt *dst,
		       u64 *swapped, u64 *copies)
{
	struct share_copy c = { .wp.space = space, .charge = charge,
				.keep = ~0ULL, .beside = !!copies };
	u64 held = 0;
	u32 nodes;
	int ret;

	lockdep_assert_held(space->lock);
	/*
	 * The generations in the entries are @space's: not a clone's.  A
	 * table charged to @space itself is a checkpoint's (IMPORT's copy has
	 * no pins to copy): its copies of pinned pages are marked SAME.
	 */
	if (charge != space)
		c.keep = ~VMARENA_PTE_GEN_MASK;
	else
		c.same = VMARENA_PTE_SAME;
	/*
	 * Every frame a user page takes comes before the first entry is
	 * shared: an eviction while @dst is half built could take a copy
	 * that no table it can see holds yet, or clear an entry of a leaf
	 * whose count is not written yet.  Reserving evicts (never a held
	 * page) under the lock: what is write-protected stays so.
	 */
	if (copies)
		held = space->pinned + vmarena_share_wrprotect(space);
	else
		held = space->pinned;
	ret = vmarena_space_reserve(charge, held, &c.pool);
	if (ret)
		return ret;
	/* Charged while reserved, so that the nodes' check counts them. */
	vmarena_user_charge(charge->user, held);
	/* @dst's nodes, charged (and checked) as the copies are: @charge. */
	ret = vmarena_space_reserve_nodes(charge, vmarena_pt_frames(&space->pt),
					  &nodes);
	if (!ret) {
		vmarena_pt_pool(dst, nodes);
		ret = vmarena_pt_copy(&space->pt, dst, share_copy_leaf, &c);
		share_wp_flush(&c.wp);
	}
	vmarena_user_charge(charge->user, -(s64)held);
	vmarena_space_unreserve(c.pool);
	atomic64_add(c.shared, &vmarena_counters.pages_shared);
	*swapped = c.swapped;
	if (copies)
		*copies = c.copies;
	return ret;
}

/*
 * Takes a pinned page's pin off the books (the entry goes or is unpinned);
 * @space is locked.
 */
void vmarena_space_unpin_entry(struct vmarena_space *space, u64 *pte)
{
	lockdep_assert_held(space->lock);
	if (!(*pte & VMARENA_PTE_PINNED))
		return;
	*pte &= ~VMARENA_PTE_PINNED;
	space->pinned--;
	vmarena_user_pin(space->user, -1);
	atomic64_dec(&vmarena_counters.pinned);
}

/* Frees what a dropped swap entry of @space (locked) holds. */
void vmarena_space_drop_swap(struct vmarena_space *space, u64 pte)
{
	lockdep_assert_held(space->lock);
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
	vmarena_space_unpin_entry(space, pte);
	if (vmarena_share_drop_entry(space, *pte)) {
		vmarena_space_forget_frame(frame);
		vmarena_arena_release_user(frame);
	}
	return 0;
}

/**
 * vmarena_ckpt_content() - what an entry's page holds, for comparing
 * generations: a page never written since its first touch (clean, no slot
 * copy) holds zeros, like a hole, so a read that made it is no change.
 * @pte: the entry; its space locked.
 *
 * Return: the entry's identity (vmarena_pte_id()), or 0 for zeros.
 */
u64 vmarena_ckpt_content(u64 pte)
{
	struct vmarena_frame *f;

	if (pte & VMARENA_PTE_PRESENT) {
		f = &vmarena_frame_table()[vmarena_pte_frame(pte)];
		/* Its owner is in the entry's family: their one lock. */
		lockdep_assert_held(vmarena_frame_owner(vmarena_pte_frame(pte))->lock);
		if (!(pte & VMARENA_PTE_DIRTY) && f->slot == VMARENA_NO_SLOT)
			return 0;
	}
	return vmarena_pte_id(pte);
}
