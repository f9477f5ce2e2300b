// SPDX-License-Identifier: GPL-2.0
/*
 * supply.c - frames for the pages of spaces: the charge to a space and
 * its user, the resident cap, allocation and reservation, the watermarks,
 * and the page-table frames' count.
 *
 * When the arena is short, or a space is at its resident cap, this layer
 * makes room through the reclaimer registered from above (struct
 * vmarena_reclaimer, supply.h): the one call upward in the core.
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>

#include "internal.h"
#include "arena.h"
#include "caches.h"
#include "counters.h"
#include "pagetable.h"
#include "policy.h"
#include "slab.h"
#include "space.h"
#include "supply.h"
#include "swap.h"
#include "trace.h"
#include "user.h"

unsigned long vmarena_space_max_pages;

/**
 * struct vmarena_supply - the watermarks, and who makes room.
 * @lock:      makes a change of both watermarks one change.
 * @low:       watermark_low, frames: below it the daemon is woken.
 * @high:      watermark_high, frames: where it stops.
 * @reclaimer: registered by reclaim.c before any space exists.
 */
struct vmarena_supply {
	spinlock_t lock;	/* see the kernel-doc above */
	u64 low;
	u64 high;
	const struct vmarena_reclaimer *reclaimer;
};

static struct vmarena_supply supply = {
	.lock = __SPIN_LOCK_UNLOCKED(supply.lock),
};

/**
 * vmarena_supply_register() - set who makes room (struct vmarena_reclaimer).
 * @reclaimer: the reclaimer; static, so it outlives every caller.
 */
void vmarena_supply_register(const struct vmarena_reclaimer *reclaimer)
{
	supply.reclaimer = reclaimer;
}

/**
 * vmarena_supply_short() - whether free frames are below watermark_low.
 *
 * Return: true when the arena is short of frames.
 */
bool vmarena_supply_short(void)
{
	return vmarena_arena_free_frames_estimate() < READ_ONCE(supply.low);
}

/**
 * vmarena_supply_check() - wake the page-out daemon if free frames are
 * below watermark_low (called after a user page's frame is allocated).
 */
void vmarena_supply_check(void)
{
	if (vmarena_supply_short())
		supply.reclaimer->wake();
}

/**
 * vmarena_supply_retry() - an operation failed with -ENOMEM, changing
 * nothing, and its caller holds no space's lock: reclaim (waiting for
 * other spaces' locks, struct vmarena_reclaimer's @unlocked) before it
 * tries again.
 * @mark:  vmarena_injections() before the operation: an injected failure
 *         is never retried.
 * @tries: retries left (VMARENA_RECLAIM_RETRIES to start with); one is used.
 *
 * Return: true if the operation is worth trying again (never once the
 * caller is being killed).
 */
bool vmarena_supply_retry(u64 mark, unsigned int *tries)
{
	might_sleep();
	if (!*tries || vmarena_injections() != mark ||
	    fatal_signal_pending(current))
		return false;
	(*tries)--;
	return supply.reclaimer->unlocked();
}

void vmarena_supply_watermarks(u64 *low, u64 *high)
{
	spin_lock(&supply.lock);
	*low = supply.low;
	*high = supply.high;
	spin_unlock(&supply.lock);
}

/**
 * vmarena_supply_set_watermarks() - set both watermarks.
 * @low:  frames; the daemon wakes below it.  0 < @low.
 * @high: frames; it stops at it.  @low < @high <= half the arena.
 *
 * Return: 0 or -EINVAL.
 */
int vmarena_supply_set_watermarks(u64 low, u64 high)
{
	if (!low || low >= high || high > vmarena_arena_frames() / 2)
		return -EINVAL;
	spin_lock(&supply.lock);
	WRITE_ONCE(supply.low, low);
	WRITE_ONCE(supply.high, high);
	spin_unlock(&supply.lock);
	vmarena_supply_check();
	return 0;
}

/**
 * vmarena_space_default_cap() - the cap on a space's pages unless root
 * raises it: space_max_pages, or half of the arena and the swap device
 * together when that is 0.
 *
 * Return: pages.
 */
u64 vmarena_space_default_cap(void)
{
	return vmarena_space_max_pages ?: vmarena_user_half_memory();
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
 * reclaimed for (vmarena_supply_retry()), but for a failure on purpose.
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
	       vmarena_supply_retry(mark, &tries))
		;
	return obj;
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

/* Counts and traces the evictions a space's resident cap forced. */
void vmarena_space_cap_reclaimed(struct vmarena_space *space, u64 got, u64 t0)
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
		n = supply.reclaimer->evict(space, space->resident + extra -
					    space->max_resident + 1);
		if (!n)
			break;
		got += n;
	}
	vmarena_space_cap_reclaimed(space, got, t0);
	return space->resident + extra < space->max_resident;
}

static int space_arena_alloc(u32 *frame, bool *zeroed)
{
	int ret;

	if (!zeroed)
		return vmarena_frames_alloc(0, frame);
	ret = vmarena_frames_alloc_zeroed(frame);
	*zeroed = ret > 0;
	return ret < 0 ? ret : 0;
}

/*
 * A frame from the arena for @space, reclaiming as hard as direct reclaim
 * goes.  A failure on purpose is not retried.  A shortage is reclaimed
 * for; one that another task's reclaim ended meanwhile (the arena is no
 * longer short) is simply tried again.  What one reclaim frees, another
 * allocator may take first: a few tries.  With @zeroed, a frame zeroed
 * ahead is taken if there is one (*@zeroed says whether it was).
 */
static int space_arena_frame(struct vmarena_space *space, u32 *frame,
			     bool *zeroed)
{
	unsigned int tries = VMARENA_RECLAIM_TRIES;
	u64 injections = vmarena_arena_injections();
	int ret;

	ret = space_arena_alloc(frame, zeroed);
	while (ret == -ENOMEM && tries-- &&
	       vmarena_arena_injections() == injections) {
		if (vmarena_supply_short() &&
		    !supply.reclaimer->direct(space))
			break;
		ret = space_arena_alloc(frame, zeroed);
	}
	vmarena_supply_check();
	return ret;
}

/**
 * vmarena_space_get_frame() - vmarena_space_alloc_frame() without the
 * user's limit (the caller checked it, or the charge moves from a slot).
 * @space: the space, locked.
 * @extra: frames the caller already holds, not charged yet.
 * @frame: out: the frame.
 *
 * Return: 0; -EDQUOT past the space's resident cap; -ENOMEM.
 */
int vmarena_space_get_frame(struct vmarena_space *space, u64 extra,
			    u32 *frame)
{
	lockdep_assert_held(space->lock);
	if (!space_cap_room(space, extra))
		return -EDQUOT;
	return space_arena_frame(space, frame, NULL);
}

/**
 * vmarena_space_zeroed_frame() - vmarena_space_get_frame() of a zeroed
 * frame, for a page touched for the first time: one the arena zeroed
 * ahead if it has one, else zeroed here.
 * @space: the space, locked.
 * @frame: out: the frame.
 *
 * Return: 0; -EDQUOT past the space's resident cap; -ENOMEM.
 */
int vmarena_space_zeroed_frame(struct vmarena_space *space, u32 *frame)
{
	bool zeroed;
	int ret;

	lockdep_assert_held(space->lock);
	if (!space_cap_room(space, 0))
		return -EDQUOT;
	ret = space_arena_frame(space, frame, &zeroed);
	if (!ret && !zeroed)
		clear_highpage(vmarena_frame_page(*frame));
	return ret;
}

/**
 * vmarena_space_spare_frame() - a frame for a page read ahead: only one
 * free now, with the arena above its low watermark and @space below its
 * resident cap, so that nothing is evicted for it; none while fail_frames
 * is armed, so that readahead never takes an injected failure.
 * @space: the space, locked.
 * @frame: out: the frame.
 *
 * Return: 0; -EDQUOT at the space's resident cap; -ENOMEM.
 */
int vmarena_space_spare_frame(struct vmarena_space *space, u32 *frame)
{
	lockdep_assert_held(space->lock);
	if (space->max_resident && space->resident >= space->max_resident)
		return -EDQUOT;
	if (vmarena_supply_short() || vmarena_arena_injection_armed())
		return -ENOMEM;
	return vmarena_frames_alloc(0, frame);
}

/**
 * vmarena_space_alloc_frame() - a frame for a page of @space, evicting the
 * space's own pages first when it is at its resident cap, and reclaiming
 * when the arena is empty (the reclaimer's @direct, until it gives
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
	return vmarena_space_get_frame(space, 0, frame);
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
		ret = capped ? vmarena_space_get_frame(space, i, &f) :
			       space_arena_frame(space, &f, NULL);
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

/**
 * vmarena_ckpt_account_pt() - keep the global page-table frame count in
 * step with a checkpoint's table, and its space's user's charge.
 * @space: the space, locked.
 * @ckpt:  its checkpoint.
 */
void vmarena_ckpt_account_pt(struct vmarena_space *space,
			     struct vmarena_gen *ckpt)
{
	u64 now = vmarena_pt_frames(&ckpt->pt);

	lockdep_assert_held(space->lock);
	atomic64_add(now - ckpt->pt_frames, &vmarena_counters.pt_frames);
	vmarena_user_charge(space->user, now - ckpt->pt_frames);
	ckpt->pt_frames = now;
}
