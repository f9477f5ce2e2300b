// SPDX-License-Identifier: GPL-2.0
/*
 * evict.c - taking a space's pages out of their frames.
 *
 * The current policy (policy.c) picks victims from the space's resident
 * ring.  Each victim is locked (waiting for a fault that is installing it),
 * every hardware mapping of it is zapped through the space's inode (the
 * reverse map: frame -> space, page -> file offset), and then:
 *
 *  - a page still referenced elsewhere (a fault in progress, a GUP pin, a
 *    pread copying it) or still being read in goes back into the ring;
 *  - a dirty page is written to a newly allocated slot; victims taken
 *    together get neighbouring slots and go out in one bio a run (their
 *    mappings are zapped a run of neighbouring pages at a time too),
 *    waited for at the batch's end (vmarena_evict_down() chooses and sends
 *    the next batch meanwhile);
 *  - a clean page whose slot copy is still valid is dropped with no I/O;
 *  - a page never written since its first touch holds zeros and becomes a
 *    hole again.
 *
 * The space lock is held throughout, so a fault on a page being written
 * out waits for the write (and then reads it back, or finds it resident
 * again if the write failed).  Accessed bits come from refaulting: the
 * policies clear the shadow accessed bit and zap the page's hardware
 * mappings, so its next access faults and sets the bit again.  Reading the
 * hardware young bits would need the kernel's rmap walk (folio_referenced),
 * which 6.1 does not export to modules.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/random.h>
#include <linux/sched/signal.h>

#include "internal.h"
#include "arena.h"
#include "evict.h"
#include "share.h"
#include "space.h"
#include "counters.h"
#include "swap.h"
#include "trace.h"
#include "mapping.h"
#include "supply.h"

/*
 * The policy in force (enum vmarena_policy; READ_ONCE: it may change
 * between two calls), and what each policy did since load.
 */
static struct {
	unsigned int policy;
	atomic64_t scans[VMARENA_NR_POLICIES];
	atomic64_t evictions[VMARENA_NR_POLICIES];
} evict_policy;

/**
 * vmarena_evict_policy() - the replacement policy in force.
 *
 * Return: an enum vmarena_policy.
 */
unsigned int vmarena_evict_policy(void)
{
	return READ_ONCE(evict_policy.policy);
}

/**
 * vmarena_evict_set_policy() - switch the replacement policy: the next
 * eviction uses it.
 * @policy: an enum vmarena_policy.
 */
void vmarena_evict_set_policy(unsigned int policy)
{
	WRITE_ONCE(evict_policy.policy, policy);
}

/**
 * vmarena_evict_counts() - what a policy did since load.
 * @policy:    an enum vmarena_policy.
 * @scans:     out: pages it looked at.
 * @evictions: out: pages it evicted.
 */
void vmarena_evict_counts(unsigned int policy, u64 *scans, u64 *evictions)
{
	*scans = atomic64_read(&evict_policy.scans[policy]);
	*evictions = atomic64_read(&evict_policy.evictions[policy]);
}

/* The entries holding a frame, in every table of the family. */
static unsigned int evict_each(struct vmarena_space *space, u32 frame,
			       vmarena_share_fn fn, void *arg)
{
	return vmarena_share_each(space, vmarena_frame_table()[frame].vpn,
				  vmarena_frame_id(frame), fn, arg);
}

/* The bits of the entries holding a frame, ORed; cleared if asked. */
struct evict_bits {
	u64 bit;
	bool clear;
	u64 seen;
};

static void evict_bits_entry(void *arg, struct vmarena_space *space,
			     struct vmarena_gen *ckpt, u64 vpn, u64 *pte)
{
	struct evict_bits *b = arg;

	b->seen |= *pte & b->bit;
	if (b->clear)
		*pte &= ~b->bit;
}

/* Writes one batch has in flight at most; then it waits for them. */
#define EVICT_RUNS	4

/* A run of dirty victims written to neighbouring slots in one bio. */
struct evict_run {
	struct vmarena_swap_write w;
	u64 slot;
	u64 t0;
	unsigned int first;	/* in evict.frames */
};

/*
 * One batch's victims and what became of them: @frames holds the victims,
 * then (compacted in place as they are sorted) the dirty ones, whose
 * writes (@runs) may still be in flight: @pending pages, locked and
 * unmapped, off the ring, still resident.
 */
struct evict {
	struct vmarena_space *space;
	unsigned int policy;
	u32 frames[VMARENA_EVICT_BATCH];
	unsigned int nr_dirty;
	unsigned int done;
	unsigned int pending;
	unsigned int nr_runs;
	struct vmarena_swap_io io;
	struct evict_run runs[EVICT_RUNS];
	u64 young_first;	/* evict_young_note() */
	u64 young_nr;
};

/*
 * A page a policy found accessed, its bit cleared: its hardware mappings
 * go, so that its next access faults and sets the bit again.  Pages of a
 * run of neighbouring page numbers are zapped in one call (a sweep of the
 * clock's hand passes a freshly written range in order), when the next
 * page does not extend the run and once the pick is done.  Space locked
 * throughout, so no fault sets the bit again meanwhile.
 */
static void evict_young_flush(struct evict *e)
{
	if (e->young_nr)
		vmarena_share_unmap(e->space, e->young_first, e->young_nr);
	e->young_nr = 0;
}

static void evict_young_note(struct evict *e, u64 vpn)
{
	if (e->young_nr && vpn == e->young_first + e->young_nr) {
		e->young_nr++;
		return;
	}
	evict_young_flush(e);
	e->young_first = vpn;
	e->young_nr = 1;
}

static bool evict_young(void *arg, u32 frame, bool clear)
{
	struct evict_bits b = { .bit = VMARENA_PTE_ACCESSED, .clear = clear };
	struct evict *e = arg;

	evict_each(e->space, frame, evict_bits_entry, &b);
	if (b.seen && clear)
		evict_young_note(e, vmarena_frame_table()[frame].vpn);
	return b.seen;
}

/*
 * Written since its slot copy (if any) was made: a page never written
 * since its first touch holds zeros (every copy of a page is dirty).
 */
static bool evict_dirty(void *arg, u32 frame)
{
	struct evict_bits b = { .bit = VMARENA_PTE_DIRTY };
	struct evict *e = arg;

	evict_each(e->space, frame, evict_bits_entry, &b);
	return b.seen;
}

/* A page being read in is not up to date until the read succeeds. */
static bool evict_busy(void *arg, u32 frame)
{
	return !PageUptodate(vmarena_frame_page(frame));
}

static u32 evict_random(void *arg)
{
	return get_random_u32();
}

static const struct vmarena_policy_ops evict_ops = {
	.young = evict_young,
	.dirty = evict_dirty,
	.busy = evict_busy,
	.random = evict_random,
};

/* A victim that cannot go now: unlocked, back in the ring as the newest. */
static void evict_putback(struct evict *e, u32 frame)
{
	unlock_page(vmarena_frame_page(frame));
	vmarena_lru_add(&e->space->lru, vmarena_frame_table(), frame);
}

enum { EVICT_WRITTEN, EVICT_CLEAN, EVICT_ZERO };

/* One entry holding a victim becomes a swap entry for @slot, or a hole. */
static void evict_entry(void *arg, struct vmarena_space *space,
			struct vmarena_gen *ckpt, u64 vpn, u64 *pte)
{
	u64 *slot = arg;
	struct vmarena_pt *pt = ckpt ? &ckpt->pt : &space->pt;

	if (*slot == VMARENA_NO_SLOT) {
		vmarena_pt_clear(pt, vpn);
		if (ckpt)
			vmarena_ckpt_account_pt(space, ckpt);
		else
			vmarena_space_account_pt(space);
	} else {
		vmarena_pt_replace(pt, pte,
				   vmarena_pte_make(*slot, VMARENA_PTE_SWAP |
						    (*pte & VMARENA_PTE_GEN_MASK)));
		if (!ckpt)
			space->swapped++;
	}
	if (!ckpt)
		vmarena_space_tlb_flush(space, vpn, 1);
}

/*
 * A page leaves its frame: every entry holding it becomes a swap entry for
 * @slot (or a hole for VMARENA_NO_SLOT), the frame is unlocked and given
 * back.
 */
static void evict_release(struct vmarena_space *space, u32 frame, u64 slot)
{
	struct vmarena_frame *f = &vmarena_frame_table()[frame];
	unsigned int n;

	n = evict_each(space, frame, evict_entry, &slot);
	/* The slot had one holder (the frame, or the write): now n entries. */
	while (slot != VMARENA_NO_SLOT && n-- > 1)
		vmarena_swap_dup(slot);
	if (f->slot == slot)
		f->slot = VMARENA_NO_SLOT;	/* now the entries' */
	if (slot != VMARENA_NO_SLOT)	/* ... and charged as the frame was */
		vmarena_swap_charge(slot, space->user);
	vmarena_space_forget_frame(frame);	/* frees a stale one */
	unlock_page(vmarena_frame_page(frame));
	vmarena_arena_release_user(frame);
}

/* evict_release(), counted and traced as an eviction. */
static void evict_finish(struct evict *e, u32 frame, u64 slot, int kind)
{
	struct vmarena_space *space = e->space;

	trace_evict(space->id, vmarena_frame_table()[frame].vpn, frame, slot,
		    e->policy, kind);
	evict_release(space, frame, slot);
	space->c.evictions++;
	atomic64_inc(&vmarena_counters.evictions);
	if (kind != EVICT_WRITTEN) {
		space->c.clean_drops++;
		atomic64_inc(&vmarena_counters.clean_drops);
	}
	e->done++;
}

/*
 * Locks the victims' pages (waiting for faults installing them), then zaps
 * their hardware mappings, a run of neighbouring pages in one call.
 */
static void evict_lock_unmap(struct evict *e, unsigned int n)
{
	struct vmarena_frame *ft = vmarena_frame_table();
	u64 first = 0, nr = 0, vpn;
	unsigned int i;

	for (i = 0; i < n; i++)
		lock_page(vmarena_frame_page(e->frames[i]));
	for (i = 0; i < n; i++) {
		vpn = ft[e->frames[i]].vpn;
		if (nr && vpn == first + nr) {
			nr++;
			continue;
		}
		if (nr)
			vmarena_share_unmap(e->space, first, nr);
		first = vpn;
		nr = 1;
	}
	if (nr)
		vmarena_share_unmap(e->space, first, nr);
}

/* Decides what to do with a locked, unmapped victim. */
static void evict_one(struct evict *e, u32 frame)
{
	struct vmarena_frame *f = &vmarena_frame_table()[frame];
	struct page *page = vmarena_frame_page(frame);

	lockdep_assert_held(e->space->lock);
	VM_WARN_ON_ONCE_PAGE(!PageLocked(page), page);
	if (page_count(page) != 1 || !PageUptodate(page)) {
		evict_putback(e, frame);
		return;
	}
	if (evict_dirty(e, frame))
		e->frames[e->nr_dirty++] = frame;
	else if (f->slot != VMARENA_NO_SLOT)
		evict_finish(e, frame, f->slot, EVICT_CLEAN);
	else
		evict_finish(e, frame, VMARENA_NO_SLOT, EVICT_ZERO);
}

/* Waits for a run's write: its pages leave, or stay if it failed. */
static void evict_run_end(struct evict *e, struct evict_run *r)
{
	unsigned int j, n = r->w.n;
	int ret = vmarena_swap_write_end(&r->w);

	trace_swap_out(e->space->id, r->slot, n, ktime_get_ns() - r->t0, ret);
	for (j = 0; j < n; j++) {
		if (!ret) {
			e->space->c.swap_outs++;
			evict_finish(e, e->frames[r->first + j], r->slot + j,
				     EVICT_WRITTEN);
			continue;
		}
		/* The slot is suspect: retired; the page stays, still dirty. */
		vmarena_swap_free(r->slot + j, true);
		e->space->c.io_errors++;
		evict_putback(e, e->frames[r->first + j]);
	}
	e->pending -= n;
}

/* Waits for every write of the batch still in flight. */
static void evict_wait(struct evict *e)
{
	unsigned int i;

	vmarena_swap_io_wait(&e->io);
	for (i = 0; i < e->nr_runs; i++)
		evict_run_end(e, &e->runs[i]);
	e->nr_runs = 0;
}

/* Sends @n dirty victims from @i on to one run of slots. */
static unsigned int evict_write_run(struct evict *e, unsigned int i,
				    unsigned int n)
{
	struct evict_run *r;
	u64 slot;

	n = vmarena_swap_alloc(min_t(unsigned int, n, VMARENA_SWAP_MAX_RUN), &slot);
	if (!n)
		return 0;
	if (e->nr_runs == EVICT_RUNS)
		evict_wait(e);
	r = &e->runs[e->nr_runs++];
	r->slot = slot;
	r->first = i;
	r->t0 = ktime_get_ns();
	vmarena_swap_write_start(&e->io, &r->w, slot, &e->frames[i], n);
	e->pending += n;
	return n;
}

/* Sends the dirty victims' writes; the last ones stay in flight. */
static void evict_write(struct evict *e)
{
	unsigned int i = 0, n;

	while (i < e->nr_dirty) {
		n = evict_write_run(e, i, e->nr_dirty - i);
		if (!n)
			break;
		i += n;
	}
	/* No slot for the rest (no device, or it is full). */
	for (; i < e->nr_dirty; i++)
		evict_putback(e, e->frames[i]);
}

/**
 * vmarena_evict_unread() - a page read ahead whose read failed leaves its
 * frame for its slot again, as it was before the read: not counted as an
 * eviction.
 * @space: the space, locked.
 * @frame: the frame, its page locked by the caller (unlocked here) and not
 *         up to date; it keeps the slot as its copy (a swap-in's frame).
 */
void vmarena_evict_unread(struct vmarena_space *space, u32 frame)
{
	u64 slot = vmarena_frame_table()[frame].slot;

	lockdep_assert_held(space->lock);
	VM_WARN_ON_ONCE_PAGE(PageUptodate(vmarena_frame_page(frame)),
			     vmarena_frame_page(frame));
	if (WARN_ON_ONCE(slot == VMARENA_NO_SLOT)) {
		unlock_page(vmarena_frame_page(frame));
		return;
	}
	evict_release(space, frame, slot);
}

/*
 * Chooses a batch of victims by the current policy, unmaps them, lets the
 * clean ones go and sends the dirty ones' writes (evict_end() waits).
 */
static void evict_start(struct evict *e, struct vmarena_space *space,
			u64 want)
{
	unsigned int i, n;
	u64 scanned = 0;

	lockdep_assert_held(space->lock);
	e->space = space;
	e->policy = vmarena_evict_policy();
	e->nr_dirty = 0;
	e->done = 0;
	e->pending = 0;
	e->nr_runs = 0;
	e->young_nr = 0;
	vmarena_swap_io_init(&e->io);
	n = vmarena_policy_pick(e->policy, &space->lru, vmarena_frame_table(),
				&evict_ops, e, e->frames,
				min_t(u64, want, VMARENA_EVICT_BATCH), &scanned);
	evict_young_flush(e);
	space->c.policy_scans += scanned;
	atomic64_add(scanned, &evict_policy.scans[e->policy]);
	atomic64_add(scanned, &vmarena_counters.policy_scans);
	evict_lock_unmap(e, n);
	for (i = 0; i < n; i++)
		evict_one(e, e->frames[i]);
	evict_write(e);
}

/* Waits for a batch's writes. Return: pages the batch evicted. */
static unsigned int evict_end(struct evict *e)
{
	evict_wait(e);
	atomic64_add(e->done, &evict_policy.evictions[e->policy]);
	return e->done;
}

/* vmarena_evict_down() a batch at a time, for want of memory for two. */
static u64 evict_down_one(struct vmarena_space *space, u64 cap)
{
	unsigned int idle = 0, n;
	u64 got = 0;

	while (idle < 3 && space->resident > cap) {
		n = vmarena_evict(space, space->resident - cap);
		got += n;
		idle = n ? 0 : idle + 1;
		cond_resched();
	}
	return got;
}

/**
 * vmarena_evict() - evict some of a space's pages by the current policy.
 * @space: the space, locked.
 * @want:  pages wanted; at most VMARENA_EVICT_BATCH are tried per call.
 *
 * Sleeps (page locks, I/O).
 *
 * Return: pages evicted, whose frames are free now (or once a holder of
 * their page lets go).
 */
unsigned int vmarena_evict(struct vmarena_space *space, unsigned int want)
{
	struct evict e;

	evict_start(&e, space, want);
	return evict_end(&e);
}

/**
 * vmarena_evict_down() - evict a space's pages until it holds at most
 * @cap, two batches at a time: the next batch's victims are chosen,
 * unmapped and sent while the previous batch's write is under way, as the
 * kernel's reclaim sends a page's write and goes on to the next.
 * @space: the space, locked.
 * @cap:   resident pages to be left at most.
 *
 * Gives up after three batches in a row that evicted nothing (a failed
 * write puts its pages back; the next batch writes them to other slots).
 * Sleeps (page locks, I/O).
 *
 * Return: pages evicted; the caller compares @space->resident with @cap.
 */
u64 vmarena_evict_down(struct vmarena_space *space, u64 cap)
{
	struct evict *pair, *prev = NULL, *next;
	unsigned int idle = 0, k = 0, n;
	u64 got = 0, busy;

	lockdep_assert_held(space->lock);
	pair = kmalloc_array(2, sizeof(*pair), GFP_KERNEL);
	if (!pair)
		return evict_down_one(space, cap);
	for (;;) {
		busy = prev ? prev->pending : 0;
		next = NULL;
		/* A batch in flight may come back empty: the third. */
		if (idle + !!prev < 3 && space->resident > cap + busy) {
			next = &pair[k];
			k ^= 1;
			evict_start(next, space, space->resident - cap - busy);
		}
		if (!prev && !next)
			break;
		if (prev) {
			n = evict_end(prev);
			got += n;
			idle = n ? 0 : idle + 1;
		}
		prev = next;
		cond_resched();
	}
	kfree(pair);
	return got;
}

/**
 * vmarena_evict_hard() - vmarena_evict(), and if nothing went, batches
 * until a page goes or every page of the ring has been looked at twice (a
 * second chance for each), VMARENA_EVICT_HARD_ROUNDS batches at most:
 * dirty pages with no free slot go back to the ring, clean ones behind
 * them may still be dropped.  Each batch unmaps its victims, so a ring
 * with nothing to give is not searched without end.
 * @space: the space, locked.
 * @want:  pages wanted by the first try.
 *
 * Return: pages evicted.
 */
unsigned int vmarena_evict_hard(struct vmarena_space *space, unsigned int want)
{
	u64 rounds = min_t(u64, 2 * DIV_ROUND_UP(space->lru.nr, VMARENA_EVICT_BATCH),
			   VMARENA_EVICT_HARD_ROUNDS);
	unsigned int got;

	lockdep_assert_held(space->lock);
	got = vmarena_evict(space, want);
	while (!got && rounds-- && !fatal_signal_pending(current)) {
		cond_resched();
		got = vmarena_evict(space, VMARENA_EVICT_BATCH);
	}
	return got;
}
