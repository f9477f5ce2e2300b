// SPDX-License-Identifier: GPL-2.0
/*
 * access.c - the pages of a space: faults in, swap-in, kernel-side
 * translation, DISCARD, limits and PIN.
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
 * The fault also reads ahead the pages after its own whose slots follow,
 * in the same bio (vmarena_space_swap_in_ahead()); if the bio fails they
 * go back to their slots.  Kernel-side accesses (pread, PIN) read with
 * the space lock held, one page at a time.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>

#include "internal.h"
#include "access.h"
#include "arena.h"
#include "changes.h"
#include "counters.h"
#include "evict.h"
#include "mapping.h"
#include "pagetable.h"
#include "policy.h"
#include "reclaim.h"
#include "share.h"
#include "space.h"
#include "supply.h"
#include "swap.h"
#include "trace.h"
#include "user.h"

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
static bool space_page_room(struct vmarena_space *space, u64 vpn,
			    const u64 *pte)
{
	return !vmarena_user_limited(space->user) ||
	       vmarena_user_room(space->user, 1 + (pte ? 0 :
				 vmarena_pt_missing(&space->pt, vpn)));
}

/*
 * The bits of a page written now (vmarena_space_write_notify()), which a
 * first touch by a write fault gets at once, with W: the write
 * notification that follows (.page_mkwrite) then finds nothing to change
 * and goes without the lock (vmarena_space_write_unlocked()).
 */
static u64 space_written_bits(const struct vmarena_space *space)
{
	return vmarena_space_gen_bits(space) | VMARENA_PTE_DIRTY |
	       VMARENA_PTE_ACCESSED;
}

/*
 * A zeroed frame for a page touched for the first time, its entry created
 * present and accessed, and for a @write fault written and writable
 * (space_written_bits()); space lock held.  @pte: the page's empty entry,
 * or NULL when no leaf node covers it yet.  If the zero page was mapped
 * in the page's window (vmarena_space_zero_mapped()), the page's hardware
 * mappings are zapped: any there is the zero page's, and the new frame
 * must replace it everywhere.
 */
static int space_new_page(struct vmarena_space *space, u64 vpn, u64 *pte,
			  bool write, u32 *frame)
{
	const u64 new = VMARENA_PTE_PRESENT | VMARENA_PTE_ACCESSED |
			(write ? space_written_bits(space) | VMARENA_PTE_WRITE : 0);
	u64 nodes = vmarena_pt_frames(&space->pt);
	u32 seq = space->pt.seq;
	int ret;

	lockdep_assert_held(space->lock);
	if (space->pt.used >= space->max_pages ||
	    !space_page_room(space, vpn, pte))
		return -EDQUOT;
	ret = vmarena_space_zeroed_frame(space, frame);
	if (ret)
		return ret;
	/* Making room freed nodes, maybe on the page's path: walk again. */
	if (pte && READ_ONCE(space->pt.seq) != seq)
		pte = NULL;
	if (!pte && vmarena_pt_frames(&space->pt) != nodes &&
	    !space_page_room(space, vpn, NULL)) {
		vmarena_frames_free(*frame, 0);
		return -EDQUOT;
	}
	SetPageUptodate(vmarena_frame_page(*frame));
	if (pte) {
		vmarena_pt_fill(&space->pt, pte, vmarena_pte_make(*frame, new));
	} else {
		ret = space_pt_set(space, vpn, vmarena_pte_make(*frame, new));
		if (ret) {
			vmarena_frames_free(*frame, 0);
			return ret;
		}
	}
	vmarena_space_take_frame(space, *frame, vpn, VMARENA_NO_SLOT);
	vmarena_changes_note(space, vpn);
	if (write)
		WRITE_ONCE(space->import_gen, 0);	/* as a write notification */
	/* The hole's zero-page mappings go: each faults in the frame. */
	if (test_bit(vmarena_zero_window(vpn), space->zero_windows))
		vmarena_space_unmap(space, vpn, 1);
	return 0;
}

/**
 * vmarena_space_zero_mapped() - note a page a read mapped the zero page at.
 * @space: the space, locked: the zero page is mapped under it.
 * @vpn:   the page, a hole.
 * @count: its PTE was none: count it in faults_zero.
 *
 * Sets the bit of its window of 16 page numbers, so that a frame made for
 * any page of the window zaps that page's mappings (space_new_page()).
 */
void vmarena_space_zero_mapped(struct vmarena_space *space, u64 vpn,
			       bool count)
{
	lockdep_assert_held(space->lock);
	__set_bit(vmarena_zero_window(vpn), space->zero_windows);
	if (!count)
		return;
	space->c.faults_zero++;
	atomic64_inc(&vmarena_counters.faults_zero);
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
 * Every entry holding the slot of @vpn's swap entry gets @frame, its page
 * locked and not up to date; the frame keeps the slot as its valid copy
 * and takes over its charge.  Space lock held.
 */
static void space_swap_in_take(struct vmarena_space *space, u64 vpn,
			       u32 frame, bool accessed)
{
	u64 *pte = vmarena_pt_lookup(&space->pt, vpn);
	u64 slot = vmarena_pte_frame(*pte), id = vmarena_pte_id(*pte);
	struct page *page = vmarena_frame_page(frame);
	unsigned int i, holders;

	lockdep_assert_held(space->lock);
	ClearPageUptodate(page);
	/* A fault without the lock may hold it a moment (fault_unlocked). */
	lock_page(page);
	holders = vmarena_share_each(space, vpn, id, space_swap_in_entry, &frame);
	pte = vmarena_pt_lookup(&space->pt, vpn);
	if (accessed)
		*pte |= VMARENA_PTE_ACCESSED;
	if (holders == 1)
		*pte &= ~VMARENA_PTE_COW;
	vmarena_space_take_frame(space, frame, vpn, slot);
	vmarena_swap_uncharge(slot);	/* the frame's now */
	for (i = 1; i < holders; i++) {
		vmarena_share_get(frame);
		vmarena_swap_free(slot, false);	/* the frame keeps one */
	}
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
	int ret;

	lockdep_assert_held(space->lock);
	if (vmarena_pte_frame(*pte) == VMARENA_SLOT_LOST)
		return -EIO;
	/* Not refused at the user's limit: the charge moves from the slot. */
	ret = vmarena_space_get_frame(space, 0, frame);
	if (ret)
		return ret;
	/* Making room may have changed the table: the entry is looked up. */
	space_swap_in_take(space, vpn, *frame, true);
	space->c.swap_ins++;
	return 0;
}

/*
 * The most pages a swap-in fault reads in one bio, its own included
 * (debugfs "swap_readahead"; 1 or 0: none read ahead).
 */
u32 vmarena_swap_readahead = 16;

/*
 * How many pages a swap-in fault at @vpn reads, as the kernel's
 * swapin_nr_pages() decides: from the hits on the pages read ahead since
 * the previous one (a window that grows by powers of two while they are
 * used), else two for a fault just after the previous one, else one; never
 * less than half the previous window at once.
 */
static unsigned int space_readahead_window(struct vmarena_space *space,
					   u64 vpn)
{
	unsigned int max = min_t(u32, READ_ONCE(vmarena_swap_readahead),
				 VMARENA_READAHEAD_MAX);
	struct vmarena_readahead *ra = &space->ra;
	unsigned int pages;

	lockdep_assert_held(space->lock);
	if (ra->hits)
		pages = roundup_pow_of_two(max(ra->hits + 2, 4U));
	else
		pages = vpn == ra->prev + 1 ? 2 : 1;
	pages = max(pages, ra->window / 2);
	pages = clamp(pages, 1U, max(max, 1U));
	ra->window = pages;
	ra->hits = 0;
	ra->prev = vpn;
	return pages;
}

/*
 * A fault or a kernel-side access (pread, pwrite, PIN) found a page read
 * ahead that nothing had used yet.  One still being read is not counted
 * yet: its read may fail and give it back to its slot; the access waits
 * for it and looks again.
 */
static void space_readahead_hit(struct vmarena_space *space, u64 vpn,
				u64 pte)
{
	u32 frame = vmarena_pte_frame(pte);
	struct vmarena_frame *f = &vmarena_frame_table()[frame];

	lockdep_assert_held(space->lock);
	if (likely(f->use != VMARENA_USE_READAHEAD) ||
	    !PageUptodate(vmarena_frame_page(frame)))
		return;
	f->use = VMARENA_USE_USER;
	space->ra.hits++;
	space->ra.prev = vpn;
	space->c.swap_readahead_hits++;
	atomic64_inc(&vmarena_counters.swap_readahead_hits);
}

/**
 * vmarena_space_swap_in_ahead() - the pages after one a fault is swapping
 * in whose slots follow its slot, brought in with it: readahead.
 * @space: the space, locked.
 * @run:   in: @vpn, @slot and @frames[0] of the faulting page, which
 *         vmarena_space_fault_in() started swapping in; out: @n pages, and
 *         their frames, each page locked, not up to date, held (get_page())
 *         and marked VMARENA_USE_READAHEAD, for vmarena_space_swap_in_read().
 *
 * A page read ahead is not marked accessed, so a replacement policy takes
 * it first; a fault that finds it counts a hit.  Only free frames are
 * taken, within the space's resident cap and above the arena's low
 * watermark: readahead never evicts.
 */
void vmarena_space_swap_in_ahead(struct vmarena_space *space,
				 struct vmarena_swap_run *run)
{
	unsigned int want = space_readahead_window(space, run->vpn);
	u64 vpn, slot, *pte;
	u32 frame;

	lockdep_assert_held(space->lock);
	for (run->n = 1; run->n < want; run->n++) {
		vpn = run->vpn + run->n;
		slot = run->slot + run->n;
		pte = vmarena_pt_lookup(&space->pt, vpn);
		if (!pte || !(*pte & VMARENA_PTE_SWAP) ||
		    vmarena_pte_frame(*pte) != slot || slot == VMARENA_SLOT_LOST)
			break;
		if (vmarena_space_spare_frame(space, &frame))
			break;
		space_swap_in_take(space, vpn, frame, false);
		vmarena_frame_table()[frame].use = VMARENA_USE_READAHEAD;
		get_page(vmarena_frame_page(frame));
		run->frames[run->n] = frame;
	}
	space->c.swap_readahead += run->n - 1;
}

/**
 * vmarena_space_swap_in_read() - read the pages of a swap-in, in one bio.
 * @space: the space (locked or not).
 * @run:   the pages: their frames' pages locked by the caller.
 *
 * Return: 0 with every page up to date, or -EIO with none (the caller then
 * calls vmarena_space_swap_in_failed() for the first page and
 * vmarena_space_swap_in_undo() for the others).
 */
int vmarena_space_swap_in_read(struct vmarena_space *space,
			       const struct vmarena_swap_run *run)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int ret;

	ret = vmarena_swap_read(run->slot, run->frames, run->n);
	for (i = 0; !ret && i < run->n; i++)
		SetPageUptodate(vmarena_frame_page(run->frames[i]));
	if (!ret)	/* as swap_ins, which vmarena_swap_read() counted */
		atomic64_add(run->n - 1, &vmarena_counters.swap_readahead);
	trace_swap_in(space->id, run->vpn, run->frames[0], run->slot,
		      ktime_get_ns() - t0, ret);
	return ret;
}

/**
 * vmarena_space_swap_in_undo() - a page read ahead whose read failed goes
 * back to its slot, as it was before: it is not lost, since no access
 * asked for it (a fault that does reads it again).
 * @space: the space, locked.
 * @frame: the frame it was read into, its page locked by the caller (and
 *         unlocked here).
 * @vpn:   the page.
 */
void vmarena_space_swap_in_undo(struct vmarena_space *space, u32 frame,
				u64 vpn)
{
	struct vmarena_frame *f = &vmarena_frame_table()[frame];

	lockdep_assert_held(space->lock);
	if (f->owner != space || f->vpn != vpn) {
		/* Discarded meanwhile: nothing is left to undo. */
		unlock_page(vmarena_frame_page(frame));
		return;
	}
	vmarena_evict_unread(space, frame);
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
		vmarena_space_unpin_entry(space, pte);
		vmarena_space_tlb_flush(space, vpn, 1);
		space->swapped++;
		l->mine |= space == l->reader;
	}
	vmarena_pt_replace(ckpt ? &ckpt->pt : &space->pt, pte,
			   vmarena_pte_make(VMARENA_SLOT_LOST, VMARENA_PTE_SWAP |
					    (*pte & VMARENA_PTE_GEN_MASK)));
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
	/* Read by vmarena_space_write_unlocked() without the lock. */
	WRITE_ONCE(*pte, (*pte & ~VMARENA_PTE_GEN_MASK) |
			 space_written_bits(space));
	WRITE_ONCE(space->import_gen, 0);	/* no longer an imported generation */
	if (f->slot != VMARENA_NO_SLOT) {
		vmarena_swap_free(f->slot, false);
		f->slot = VMARENA_NO_SLOT;
	}
}

/*
 * The entry of a faulting page, space locked: found by the walk made
 * without the lock while the table has not changed since, or looked up.
 */
static u64 *space_fault_entry(struct vmarena_space *space, u64 vpn,
			      const struct vmarena_peek *peek)
{
	lockdep_assert_held(space->lock);
	if (peek && peek->leaf && vmarena_pt_peek_valid(&space->pt, peek->seq))
		return (u64 *)&peek->leaf[vpn % VMARENA_PT_ENTRIES];
	return vmarena_pt_lookup(&space->pt, vpn);
}

/**
 * vmarena_space_fault_in() - the frame of a faulting page, made if missing.
 * @space: the space, locked.
 * @vpn:   the page.
 * @write: a write fault: a copy-on-write page is copied (or taken over).
 * @zero:  a hole is not made: VMARENA_FAULT_ZERO, for the caller to map the
 *         kernel's zero page while it holds the space lock.
 * @peek:  the walk vmarena_space_fault_unlocked() made, used if the table
 *         has not changed since; or NULL.
 * @frame: out: its frame.
 * @kind:  out: enum vmarena_fault_kind.
 *
 * Marks the page accessed and counts the fault by kind.  For
 * VMARENA_FAULT_SWAP_IN the frame's page is locked and not up to date:
 * the caller reads it with vmarena_space_swap_in_read() from the slot in
 * the frame descriptor.  A first touch takes a frame zeroed ahead when
 * there is one (vmarena_frames_alloc_zeroed()).  For VMARENA_FAULT_ZERO
 * *@frame is VMARENA_NO_FRAME and nothing changes: the caller maps the zero
 * page and notes it (vmarena_space_zero_mapped()).
 *
 * Return: 0; -EDQUOT beyond the space's caps; -ENOMEM when the arena is
 * empty and nothing can be evicted; -EIO for a page lost to a read error;
 * -EINVAL beyond the offset space; -EAGAIN when the access is to be
 * retried (vmarena_share_cow()).
 */
int vmarena_space_fault_in(struct vmarena_space *space, u64 vpn, bool write,
			   bool zero, const struct vmarena_peek *peek,
			   u32 *frame, int *kind)
{
	u64 *pte = space_fault_entry(space, vpn, peek);
	int ret;

	lockdep_assert_held(space->lock);
	if (pte && (*pte & VMARENA_PTE_PRESENT))
		space_readahead_hit(space, vpn, *pte);
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
		atomic64_inc(&space->c.faults_minor);
		atomic64_inc(&vmarena_counters.faults_minor);
		return 0;
	}
	if (pte && (*pte & VMARENA_PTE_SWAP)) {
		*kind = VMARENA_FAULT_SWAP_IN;
		return space_swap_in_start(space, vpn, frame);
	}
	if (zero) {
		/* The caller maps the zero page before it drops the lock. */
		*frame = VMARENA_NO_FRAME;
		*kind = VMARENA_FAULT_ZERO;
		return 0;
	}
	ret = space_new_page(space, vpn, pte, write, frame);
	if (ret)
		return ret;
	*kind = VMARENA_FAULT_FIRST_TOUCH;
	space->c.faults_first_touch++;
	atomic64_inc(&vmarena_counters.faults_first_touch);
	return 0;
}

/*
 * A test knob (debugfs "delay_unlocked_faults"): microseconds a fault
 * without the lock waits between reading its entry and locking its page,
 * so that a test can make the changes it must notice happen in between.
 */
u32 vmarena_fault_unlocked_delay_us;

static void fault_unlocked_delay(void)
{
	u32 us = READ_ONCE(vmarena_fault_unlocked_delay_us);

	if (unlikely(us))
		udelay(min(us, 1000U));
}

/**
 * vmarena_space_lock_entry() - a resident page whose entry was read
 * without the space lock, its page locked if the entry still holds.
 * @space: the space, not locked.
 * @pte:   the entry, read (READ_ONCE()) after vmarena_pt_peek_leaf() or
 *         vmarena_pt_peek() gave @seq; its frame number not trusted yet.
 * @seq:   the table's count then.
 * @write: for a write fault: a copy-on-write page does not qualify.
 *
 * Return: the frame, its page locked (the caller maps it and unlocks it);
 * VMARENA_NO_FRAME when the page is not resident and accessed, or is to
 * be copied, or is busy, or changed (vmarena_space_fault_unlocked()).
 */
u32 vmarena_space_lock_entry(struct vmarena_space *space, u64 pte, u32 seq,
			     bool write)
{
	const u64 need = VMARENA_PTE_PRESENT | VMARENA_PTE_ACCESSED;
	struct page *page;

	if ((pte & need) != need || (write && (pte & VMARENA_PTE_COW)) ||
	    vmarena_pte_frame(pte) >= vmarena_frames_count())
		return VMARENA_NO_FRAME;
	page = vmarena_frame_page(vmarena_pte_frame(pte));
	fault_unlocked_delay();
	if (!trylock_page(page))
		return VMARENA_NO_FRAME;
	if (!vmarena_pt_peek_valid(&space->pt, seq) || !PageUptodate(page)) {
		unlock_page(page);
		return VMARENA_NO_FRAME;
	}
	return vmarena_pte_frame(pte);
}

/**
 * vmarena_space_fault_unlocked() - a minor fault without the space lock.
 * @space: the space, not locked.
 * @vpn:   the page.
 * @write: a write fault: a copy-on-write page does not qualify.
 * @peek:  out: the page's leaf node as the walk found it, for a fault
 *         that goes on under the lock (vmarena_space_fault_in()).
 *
 * The common re-fault: a resident page, accessed already, not to be
 * copied for a write.  Its entry is read without the lock
 * (vmarena_pt_peek_leaf()), its page locked if no one holds it, then the
 * entry checked unchanged since (vmarena_space_lock_entry()).  Whoever
 * takes the frame out of the entry afterwards locks the page next, so
 * waits until the kernel has mapped it and unlocked it, then zaps the
 * mapping: the rule of a fault under the lock (above).
 *
 * Return: the frame, its page locked and held (get_page()), counted as a
 * minor fault; VMARENA_NO_FRAME when the fault must take the lock.
 */
u32 vmarena_space_fault_unlocked(struct vmarena_space *space, u64 vpn,
				 bool write, struct vmarena_peek *peek)
{
	u64 pte = 0;
	u32 frame;

	peek->leaf = vmarena_pt_peek_leaf(&space->pt, vpn, &peek->seq);
	if (peek->leaf)
		pte = READ_ONCE(peek->leaf[vpn % VMARENA_PT_ENTRIES]);
	if (!(pte & VMARENA_PTE_PRESENT))
		return VMARENA_NO_FRAME;	/* a hole or a slot: locked */
	frame = vmarena_space_lock_entry(space, pte, peek->seq, write);
	if (frame == VMARENA_NO_FRAME)
		return frame;
	get_page(vmarena_frame_page(frame));
	vmarena_space_count_minor(space, 1, 0);
	return frame;
}

/*
 * An entry a write notification would leave as it is: present, accessed,
 * written in the generation in force, made writable since (W), not to be
 * copied, not pinned.  W goes whenever the page is to be shared or a
 * generation taken (share.c, share_wp_entry()), so the rest holds while W
 * does; the other bits are checked all the same.  A pinned page keeps W
 * through a CHECKPOINT, which copies it under the space lock: its
 * notification takes the lock.
 */
static bool space_write_noted(const struct vmarena_space *space, u64 pte)
{
	const u64 need = VMARENA_PTE_PRESENT | VMARENA_PTE_ACCESSED |
			 VMARENA_PTE_DIRTY | VMARENA_PTE_WRITE;
	const u64 not = VMARENA_PTE_COW | VMARENA_PTE_PINNED;

	return (pte & (need | not)) == need &&
	       (pte & VMARENA_PTE_GEN_MASK) == vmarena_space_gen_bits(space) &&
	       vmarena_pte_frame(pte) < vmarena_frames_count();
}

/**
 * vmarena_space_write_unlocked() - a write notification without the space
 * lock, for a page whose entry it would not change.
 * @space: the space, not locked.
 * @vpn:   the page.
 * @page:  the page the kernel has mapped read-only, or has just been
 *         given by .fault for a write (vmf->page).
 *
 * The common write notifications: the one that follows a first touch by
 * a write (vmarena_space_fault_in() made the entry written and writable),
 * and a write to a page written before whose mapping went (a re-fault,
 * fault-around, a policy's sample).  The entry is read without the lock
 * (vmarena_pt_peek_leaf()); if it qualifies (space_write_noted()), the
 * page is trylocked, then the entry read again, the table's count checked
 * (no frame left it: pagetable.h) and the frame found without a slot copy
 * and the space not an imported generation, which W implies.
 *
 * Whoever clears W afterwards (to share the page or take a generation)
 * checks the page lock next, with a full barrier between: it sees this
 * page locked and waits until the kernel has made the mapping writable,
 * then write-protects it, or this function sees W gone
 * (vmarena_space_wait_install()).  Whoever takes the frame out of the
 * entry locks the page, as for a minor fault.
 *
 * Return: the frame, @page locked, for the kernel to make writable and
 * unlock; VMARENA_NO_FRAME when the notification must take the lock.
 */
u32 vmarena_space_write_unlocked(struct vmarena_space *space, u64 vpn,
				 struct page *page)
{
	const u64 *leaf;
	u64 pte;
	u32 seq;

	leaf = vmarena_pt_peek_leaf(&space->pt, vpn, &seq);
	if (!leaf)
		return VMARENA_NO_FRAME;
	pte = READ_ONCE(leaf[vpn % VMARENA_PT_ENTRIES]);
	if (!space_write_noted(space, pte) ||
	    vmarena_frame_page(vmarena_pte_frame(pte)) != page)
		return VMARENA_NO_FRAME;
	fault_unlocked_delay();
	if (!trylock_page(page))
		return VMARENA_NO_FRAME;
	smp_mb__after_atomic();	/* the lock before W is read again */
	if (READ_ONCE(leaf[vpn % VMARENA_PT_ENTRIES]) != pte ||
	    !vmarena_pt_peek_valid(&space->pt, seq) || !PageUptodate(page) ||
	    READ_ONCE(vmarena_frame_table()[vmarena_pte_frame(pte)].slot) !=
	    VMARENA_NO_SLOT || READ_ONCE(space->import_gen)) {
		unlock_page(page);
		return VMARENA_NO_FRAME;
	}
	return vmarena_pte_frame(pte);
}

/**
 * vmarena_space_count_minor() - count resident pages mapped without the
 * space lock.
 * @space:  the space.
 * @minor:  faults on them (0 or 1).
 * @around: pages mapped around a fault (.map_pages) besides its own.
 */
void vmarena_space_count_minor(struct vmarena_space *space, unsigned int minor,
			       unsigned int around)
{
	if (minor) {
		atomic64_add(minor, &space->c.faults_minor);
		atomic64_add(minor, &vmarena_counters.faults_minor);
	}
	if (around) {
		atomic64_add(around, &space->c.faults_around);
		atomic64_add(around, &vmarena_counters.faults_around);
	}
}

/* Swap-in for a kernel-side access: the read is done under the lock. */
static int space_swap_in_locked(struct vmarena_space *space, u64 vpn)
{
	struct vmarena_swap_run run;
	u32 frame;
	int ret;

	lockdep_assert_held(space->lock);
	ret = space_swap_in_start(space, vpn, &frame);
	if (ret)
		return ret;
	run.vpn = vpn;
	run.slot = vmarena_frame_table()[frame].slot;
	run.frames[0] = frame;
	run.n = 1;
	ret = vmarena_space_swap_in_read(space, &run);
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
	if (*pte && (**pte & VMARENA_PTE_PRESENT))
		space_readahead_hit(space, vpn, **pte);
	if (!*pte || !(**pte & VMARENA_PTE_PRESENT)) {
		if (!alloc && !(*pte && (**pte & VMARENA_PTE_SWAP)))
			return -ENOENT;
		if (*pte && (**pte & VMARENA_PTE_SWAP))
			ret = space_swap_in_locked(space, vpn);
		else
			ret = space_new_page(space, vpn, *pte, false, &frame);
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
		vmarena_space_drop_swap(d->space, *pte);
	if (!(*pte & VMARENA_PTE_PRESENT))
		return 0;
	vmarena_space_unpin_entry(d->space, pte);
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
 * Evicts the space's pages down to its resident cap (vmarena_evict_down());
 * space locked.
 */
static int space_shrink(struct vmarena_space *space)
{
	u64 t0 = ktime_get_ns(), got = 0;
	int ret = 0;

	lockdep_assert_held(space->lock);
	if (space->max_resident && space->resident > space->max_resident) {
		got = vmarena_evict_down(space, space->max_resident);
		if (space->resident > space->max_resident)
			ret = -ENOMEM;
	}
	vmarena_space_cap_reclaimed(space, got, t0);
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
	vmarena_space_unpin_entry(space, pte);
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

/*
 * Pins a page: made resident, private (a pin is never shared), charged.
 * A page a fault is still reading in (its own, or read ahead with it) is
 * not pinned: *@wait takes it, referenced, and -EAGAIN makes the pin wait
 * for the read without the lock and start again.
 */
static int space_pin_one(struct vmarena_space *space, u64 vpn,
			 struct page **wait)
{
	struct vmarena_space *owner;
	struct page *page;
	int ret = 0;
	u64 *pte;

	if (fatal_signal_pending(current))
		return -EINTR;
	ret = vmarena_space_translate(space, vpn, true, &pte);
	if (ret || (*pte & VMARENA_PTE_PINNED))
		return ret;
	page = vmarena_frame_page(vmarena_pte_frame(*pte));
	if (!PageUptodate(page)) {
		get_page(page);
		*wait = page;
		return -EAGAIN;
	}
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

	vmarena_supply_watermarks(&low, &high);
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
	struct page *wait = NULL;
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
			ret = space_pin_one(space, vpn, &wait);
		vmarena_pt_range(&space->pt, first, nr,
				 ret ? space_pin_undo : space_pin_commit, space);
		mutex_unlock(space->lock);
		if (wait) {
			wait_on_page_locked(wait);
			vmarena_arena_put_page(wait);
			wait = NULL;
		}
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
