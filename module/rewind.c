// SPDX-License-Identifier: GPL-2.0
/*
 * rewind.c - REWIND: a space back to a generation, in place.
 *
 * RESTORE (ckpt.c) installs a new table built from the generation's and
 * zaps every hardware mapping: its cost grows with the space, and each
 * page touched next faults again.  REWIND reaches the same contents and
 * keeps everything else.  The space tracks the generation it took or was
 * rewound to last and notes each page whose live entry may no longer hold
 * that generation's page (changes.c).  For each noted page:
 *
 *  - the same frame or slot as the generation's, or both holes: nothing
 *    to do, and the page is no longer noted;
 *  - a frame of its own, the generation's page resident: the generation's
 *    bytes are copied into it.  Its hardware mappings stay, writable ones
 *    too, so the next writes to it go unseen: it stays noted, and is
 *    copied back at every REWIND until an entry replaces it;
 *  - else (either page swapped out, the frame shared with a clone, a hole
 *    in the generation): the entry becomes a share of the generation's,
 *    as RESTORE makes it, its mappings are zapped, and it is no longer
 *    noted.
 *
 * The cost grows with the pages written since the generation, not with
 * the space.  All of it is checked before anything changes: a generation
 * other than the tracked one, no set (it outgrew VMARENA_CHANGES_MAX or
 * could not be allocated), or a page the fast path could not set without
 * allocating (a missing page-table node) or past VMARENA_SHARES_MAX
 * holders makes the call a RESTORE, whose failure changes nothing.
 */
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>

#include "internal.h"
#include "arena.h"
#include "changes.h"
#include "ckpt.h"
#include "rewind.h"
#include "share.h"
#include "space.h"
#include "counters.h"
#include "swap.h"
#include "trace.h"
#include "mapping.h"
#include "supply.h"
#include "access.h"

enum { REWIND_SAME, REWIND_COPY, REWIND_SET, REWIND_CLEAR, REWIND_CANNOT };

/* One call: the space, the generation, and what became of the pages. */
struct rewind {
	struct vmarena_space *space;
	struct vmarena_gen *ck;
	struct vmarena_rewind_result *res;
	u32 clears;
	bool broken;
};

/*
 * A page that rewind_classify() found could be set back could not: a bug.
 * The call ends with a RESTORE of the whole table (rewind_locked()).
 */
static void rewind_broken(struct rewind *rw)
{
	WARN_ON_ONCE(1);
	rw->broken = true;
}

/* Whether an entry of the generation can be shared once more. */
static bool rewind_shareable(u64 old)
{
	u64 slot = vmarena_pte_frame(old);

	if (old & VMARENA_PTE_PRESENT)
		return vmarena_frame_table()[slot].shares < VMARENA_SHARES_MAX;
	return slot == VMARENA_SLOT_LOST ||
	       vmarena_swap_holders(slot) < VMARENA_SHARES_MAX;
}

/*
 * Whether a live frame can take the generation's bytes in place: the
 * space's own, read in, and referenced by its mappings alone (no GUP pin
 * or O_DIRECT transfer, no pread or EXPORT copying it) so that no write
 * started before the call lands after it.
 */
static bool rewind_in_place(u32 frame)
{
	struct page *page = vmarena_frame_page(frame);

	return vmarena_frame_table()[frame].shares == 1 && PageUptodate(page) &&
	       page_count(page) == 1 + page_mapcount(page);
}

/* What a noted page needs; @live and @old its entries (NULL: no node). */
static int rewind_kind(u64 *live, u64 *old)
{
	u64 l = live ? *live : 0, o = old ? *old : 0;

	if (vmarena_pte_id(l) == vmarena_pte_id(o))
		return REWIND_SAME;
	/* Every page must be one that could be set back. */
	if (o && !(live && rewind_shareable(o)))
		return REWIND_CANNOT;
	if ((l & VMARENA_PTE_PRESENT) && (o & VMARENA_PTE_PRESENT) &&
	    rewind_in_place(vmarena_pte_frame(l)) &&
	    PageUptodate(vmarena_frame_page(vmarena_pte_frame(o))))
		return REWIND_COPY;
	return o ? REWIND_SET : REWIND_CLEAR;
}

static int rewind_kind_of(struct rewind *rw, u64 vpn, u64 **live, u64 **old)
{
	*live = vmarena_pt_lookup(&rw->space->pt, vpn);
	*old = vmarena_pt_lookup(&rw->ck->pt, vpn);
	return rewind_kind(*live, *old);
}

/*
 * The first pass classifies every noted page, its kind kept in the top
 * bits of its entry for the next passes (page numbers have 36 bits), and
 * counts the pages to clear.
 */
#define REWIND_KIND_SHIFT	60
#define REWIND_VPN_MASK		(BIT_ULL(REWIND_KIND_SHIFT) - 1)

/* Whether every noted page can be rewound in place. */
static bool rewind_classify(struct rewind *rw)
{
	struct vmarena_changes *c = &rw->space->changes;
	u64 *live, *old;
	u32 i;
	int kind;

	for (i = 0; i < c->nr; i++) {
		kind = rewind_kind_of(rw, c->vpns[i], &live, &old);
		if (kind == REWIND_CANNOT)
			return false;
		rw->clears += kind == REWIND_CLEAR;
		c->vpns[i] |= (u64)kind << REWIND_KIND_SHIFT;
	}
	return true;
}

/*
 * A page copy in plain 64-bit moves, eight a step.  On hardware it goes
 * as fast as copy_page(); under QEMU's TCG, which runs each iteration of
 * copy_page()'s "rep movsq" on its own, it takes a third less time
 * (Documentation/results.rst, "Rewind").
 */
static void rewind_copy_page(u64 *dst, const u64 *src)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i += 8) {
		dst[i] = src[i];
		dst[i + 1] = src[i + 1];
		dst[i + 2] = src[i + 2];
		dst[i + 3] = src[i + 3];
		dst[i + 4] = src[i + 4];
		dst[i + 5] = src[i + 5];
		dst[i + 6] = src[i + 6];
		dst[i + 7] = src[i + 7];
	}
}

/*
 * The generation's bytes into the page's own frame, mappings kept.  The
 * frame is marked Checked: GET_DIRTY compares its bytes, not its number,
 * with a generation's (ckpt.c); the mark goes when the frame is freed.
 */
static void rewind_copy(struct rewind *rw, u64 *live, u64 old)
{
	struct page *page = vmarena_frame_page(vmarena_pte_frame(*live));

	/* A write notification without the space lock waits for it. */
	lock_page(page);
	rewind_copy_page(page_address(page),
			 page_address(vmarena_frame_page(vmarena_pte_frame(old))));
	flush_dcache_page(page);	/* mapped in user space */
	SetPageChecked(page);
	unlock_page(page);
	vmarena_space_write_notify(rw->space, live);
	rw->res->copied++;
}

/*
 * The live entry becomes @now (a share of the generation's, or 0): as
 * RESTORE, the old one's mappings go once no fault is installing them.
 */
static void rewind_set(struct rewind *rw, u64 vpn, u64 *live, u64 now)
{
	struct vmarena_space *space = rw->space;
	u64 was = *live;

	space->swapped -= !!(was & VMARENA_PTE_SWAP);
	space->swapped += !!(now & VMARENA_PTE_SWAP);
	if (!now)
		vmarena_pt_clear(&space->pt, vpn);
	else if (was)
		vmarena_pt_replace(&space->pt, live, now);
	else if (vmarena_pt_set(&space->pt, vpn, now))	/* node exists */
		rewind_broken(rw);
	/* Changed first: a fault without the lock then sees it or is done. */
	if (was & VMARENA_PTE_PRESENT)
		vmarena_space_wait_dropped(space, vmarena_pte_frame(was));
	vmarena_space_tlb_flush(space, vpn, 1);
	vmarena_space_unmap(space, vpn, 1);
	vmarena_space_release_entry(space, vpn, &was);
	rw->res->reset++;
}

/*
 * One noted page, of the kind the first pass found: whether it stays
 * noted.  @clear: the pass for pages that become holes, after every other
 * (a hole may free a node that a page set back before needs).
 */
static bool rewind_page(struct rewind *rw, u64 vpn, int kind, bool clear)
{
	bool to_clear = kind == REWIND_CLEAR;
	u64 *live, *old, now;

	if (kind == REWIND_SAME)
		return false;
	if (clear != to_clear)
		return true;	/* a page for the other pass */
	/* Looked up only for pages that change: none can have moved. */
	live = vmarena_pt_lookup(&rw->space->pt, vpn);
	old = vmarena_pt_lookup(&rw->ck->pt, vpn);
	if (clear) {
		rewind_set(rw, vpn, live, 0);
		return false;
	}
	if (kind == REWIND_COPY) {
		/*
		 * Checked again: a GUP pin may have come while an earlier page
		 * slept.  Else it is set back, which the first pass allowed.
		 */
		if (rewind_in_place(vmarena_pte_frame(*live))) {
			rewind_copy(rw, live, *old);
			return true;
		}
	} else if (kind != REWIND_SET) {
		rewind_broken(rw);	/* rewind_classify() said otherwise */
		return false;
	}
	if (vmarena_share_entry(old, &now)) {
		rewind_broken(rw);
		return false;
	}
	rewind_set(rw, vpn, live, now & ~VMARENA_PTE_SAME);
	return false;
}

/*
 * A pass over the noted pages, keeping those that stay noted; the last
 * one takes the kinds off.
 */
static void rewind_pass(struct rewind *rw, bool clear, bool last)
{
	struct vmarena_changes *c = &rw->space->changes;
	u32 i, kept = 0;
	u64 vpn;
	int kind;

	for (i = 0; i < c->nr; i++) {
		vpn = c->vpns[i] & REWIND_VPN_MASK;
		kind = c->vpns[i] >> REWIND_KIND_SHIFT;
		if (rewind_page(rw, vpn, kind, clear))
			c->vpns[kept++] = last ? vpn : c->vpns[i];
		if (i % 256 == 255)
			cond_resched();
	}
	c->nr = kept;
	c->sorted = kept;
}

/* The whole table as RESTORE makes it; a failure stops the tracking. */
static int rewind_restore(struct vmarena_space *space, u64 gen,
			  struct vmarena_rewind_result *res)
{
	int ret = vmarena_ckpt_restore_locked(space, gen, &res->pages);

	if (ret) {
		vmarena_changes_track(space, 0);
		return ret;
	}
	res->full = true;
	return 0;
}

/* Some page noted, or another generation: the pages one by one, or RESTORE. */
static int rewind_changed(struct vmarena_space *space, u64 gen,
			  struct vmarena_rewind_result *res)
{
	struct rewind rw = { .space = space, .res = res };

	rw.ck = vmarena_ckpt_find(space, gen);
	if (!rw.ck)
		return -ENOENT;
	if (space->pinned)
		return -EBUSY;
	if (space->changes.gen == gen)
		vmarena_changes_order(space);
	/* Tracking starts afresh: the kinds marked go with the set. */
	if (space->changes.gen != gen || !rewind_classify(&rw))
		return rewind_restore(space, gen, res);
	rewind_pass(&rw, false, !rw.clears);
	if (rw.clears)
		rewind_pass(&rw, true, true);
	if (res->reset)
		vmarena_space_account_pt(space);
	res->pages = space->pt.used;
	return rw.broken ? rewind_restore(space, gen, res) : 0;
}

static int rewind_locked(struct vmarena_space *space, u64 gen,
			 struct vmarena_rewind_result *res)
{
	int ret;

	/*
	 * Nothing noted since the tracked generation: the space holds it.
	 * (Tracking stops when that generation goes and when a page is
	 * pinned, so it exists and nothing is pinned.)  A fuzzer's input
	 * that wrote nothing costs this alone.
	 */
	if (space->changes.gen == gen && !space->changes.nr) {
		res->pages = space->pt.used;
	} else {
		ret = rewind_changed(space, gen, res);
		if (ret)
			return ret;
	}
	space->c.rewinds++;
	space->c.rewind_copies += res->copied;
	space->c.rewind_resets += res->reset;
	space->c.rewind_restores += res->full;
	return 0;
}

/**
 * vmarena_rewind() - REWIND: a space back to a generation, in place.
 * @space: the space (not locked).
 * @gen:   the generation; it and every other one are kept.
 * @res:   out: what was done (zeroed by the caller).
 *
 * Return: 0; -ENOENT for no such generation; -EBUSY while pages are
 * pinned; -ENOMEM (page-table nodes, when it restores): the space is
 * unchanged.
 */
int vmarena_rewind(struct vmarena_space *space, u64 gen,
		   struct vmarena_rewind_result *res)
{
	/* The clock only while traced: it can cost more than the rewind. */
	u64 t0 = trace_rewind_enabled() ? ktime_get_ns() : 0;
	int ret;

	lockdep_assert_not_held(space->lock);
	mutex_lock(space->lock);
	ret = rewind_locked(space, gen, res);
	mutex_unlock(space->lock);
	if (ret)
		return ret;
	atomic64_inc(&vmarena_counters.rewinds);
	if (res->copied)
		atomic64_add(res->copied, &vmarena_counters.rewind_copies);
	if (res->reset)
		atomic64_add(res->reset, &vmarena_counters.rewind_resets);
	if (res->full)
		atomic64_inc(&vmarena_counters.rewind_restores);
	if (t0)
		trace_rewind(space->id, gen, res->copied, res->reset, res->full,
			     ktime_get_ns() - t0);
	return 0;
}
