// SPDX-License-Identifier: GPL-2.0
/*
 * arena.c - the arena of page frames: reserved at load, numbered, handed
 * out by the buddy allocator with a per-CPU cache in front for order 0.
 *
 * At load the arena takes arena_mb of RAM from the kernel in chunks of
 * order VMARENA_MAX_ORDER, falling back to smaller orders when memory is
 * fragmented (the order never goes back up, so every chunk starts at a
 * frame number aligned to its size).  Each chunk is split_page()d so that
 * every 4 KiB page has its own refcount and can be mapped on its own.
 * Frame f is pages[f]; its page->private is f, so an address finds its
 * frame in O(1).
 *
 * In front of them all, a pool of free frames zeroed ahead (struct
 * vmarena_zeroed) for pages touched for the first time.
 *
 * Locking: a per-CPU cache's lock or the zeroed pool's, then the buddy
 * lock (internal.h).
 */
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "arena.h"
#include "frames.h"
#include "trace.h"

/**
 * struct vmarena_pcp - a CPU's cache of free order-0 frames.
 * @lock:   protects @count and @frames; taken by its CPU, and by any CPU
 *          draining it.
 * @count:  frames cached.
 * @frames: the frames; all allocated order-0 blocks in the buddy's view,
 *          with @use VMARENA_USE_PCP.
 */
struct vmarena_pcp {
	spinlock_t lock;	/* see the kernel-doc above */
	unsigned int count;
	u32 frames[VMARENA_PCP_HIGH];
};

/**
 * struct vmarena_zeroed - free frames zeroed ahead, for first touches
 * (vmarena_frames_alloc_zeroed()); the kthread vmarena_zerod fills it
 * at nice 19, the lowest priority of a normal task.
 * @lock:    protects @count, @filling, @frames; the buddy lock nests in it.
 * @count:   frames zeroed and waiting in @frames.
 * @filling: frames taken from the buddy allocator and being zeroed.
 * @target:  frames the filler keeps zeroed, at most @size (0: none).
 * @size:    @frames' room, set at load: VMARENA_ZEROED_MAX, or 1/16 of
 *           the arena if that is less.
 * @frames:  the frames: allocated blocks in the buddy's view, with @use
 *           VMARENA_USE_ZEROED, and free frames in the arena's count.
 * @filler:  the kthread.
 * @wait:    where it waits for @wake.
 * @wake:    set to ask it for a round.
 */
struct vmarena_zeroed {
	spinlock_t lock;	/* see the kernel-doc above */
	u32 count;
	u32 filling;
	u32 target;
	u32 size;
	u32 *frames;
	struct task_struct *filler;
	wait_queue_head_t wait;
	bool wake;
};

/*
 * The frame table and the page of each frame, read inline (frames.h:
 * vmarena_frame_table(), vmarena_frame_addr(); arena.h:
 * vmarena_frame_page()): every fault and table walk asks.
 */
struct vmarena_frame *vmarena_frames __read_mostly;
struct page **vmarena_frame_pages __read_mostly;
u32 vmarena_nr_frames __read_mostly;

/**
 * struct vmarena_arena - the one arena of this module.
 * @nr_frames: frames in the arena; constant after init.
 * @buddy:     the buddy allocator over the frame table.
 * @pcp:       per-CPU caches of order-0 frames.
 * @use_pcp:   whether order-0 requests go through @pcp (a benchmark switch).
 * @stats:     per-CPU counters (splits and merges are the buddy's).
 * @fail_next: fault injection: refuse this many more frame allocations,
 *             whichever path serves them ...
 * @fail_skip: ... once this many more have been served (so that the Nth
 *             allocation of an operation can be made to fail).
 * @injections: failures injected so far (vmarena_arena_injections()).
 * @deferred_lock: protects @deferred.
 * @deferred:  first of the user frames let go by their space while their
 *             page was still held elsewhere (a GUP pin), chained through
 *             frame->next; freed once only the arena holds the page.
 * @zeroed:    free frames zeroed ahead.
 */
struct vmarena_arena {
	u32 nr_frames;
	struct vmarena_buddy buddy;
	struct vmarena_pcp __percpu *pcp;
	bool use_pcp;
	struct vmarena_arena_counters __percpu *stats;
	atomic64_t fail_next;
	atomic64_t fail_skip;
	atomic64_t injections;
	spinlock_t deferred_lock;	/* see the kernel-doc above */
	u32 deferred;
	struct vmarena_zeroed zeroed;
};

static struct vmarena_arena arena;

/* Failures injected so far, the arena's and the slab caches'. */
atomic64_t vmarena_injected = ATOMIC64_INIT(0);

u32 vmarena_addr_frame(const void *addr)
{
	return page_private(virt_to_page(addr));
}

static bool arena_inject_failure(void)
{
	if (likely(!atomic64_read(&arena.fail_next)))
		return false;
	if (atomic64_dec_if_positive(&arena.fail_skip) >= 0)
		return false;
	if (atomic64_dec_if_positive(&arena.fail_next) < 0)
		return false;
	this_cpu_inc(arena.stats->injected);
	atomic64_inc(&arena.injections);
	atomic64_inc(&vmarena_injected);
	return true;
}

/**
 * vmarena_frames_injected() - an allocator on the frames (a slab cache)
 * failed an allocation on purpose: vmarena_injections() counts it.
 */
void vmarena_frames_injected(void)
{
	atomic64_inc(&vmarena_injected);
}

/**
 * vmarena_arena_injections() - failures injected so far: a caller that
 * read it before an allocation tells a failure on purpose from a
 * shortage (which it may reclaim for, or find gone, and retry).
 *
 * Return: the count.
 */
u64 vmarena_arena_injections(void)
{
	return atomic64_read(&arena.injections);
}

/**
 * vmarena_arena_injection_armed() - whether fail_frames is armed: frame
 * allocations an access did not ask for (readahead) are not made then, so
 * the Nth allocation of an operation stays the one it was.
 *
 * Return: true while failures are armed.
 */
bool vmarena_arena_injection_armed(void)
{
	return atomic64_read(&arena.fail_next);
}

/* Moves @n frames from the top of a CPU's cache to the buddy; pcp lock held. */
static void pcp_drain_locked(struct vmarena_pcp *pcp, unsigned int n)
{
	unsigned int i;

	lockdep_assert_held(&pcp->lock);
	pcp->count -= n;
	for (i = 0; i < n; i++)
		vmarena_frames[pcp->frames[pcp->count + i]].use = VMARENA_USE_NONE;
	vmarena_buddy_free_bulk(&arena.buddy, pcp->frames + pcp->count, n);
}

/* Gives every CPU's cached frames back to the buddy allocator. */
static void pcp_drain_all(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmarena_pcp *pcp = per_cpu_ptr(arena.pcp, cpu);

		spin_lock(&pcp->lock);
		pcp_drain_locked(pcp, pcp->count);
		spin_unlock(&pcp->lock);
	}
}

static int pcp_alloc(u32 *frame)
{
	struct vmarena_pcp *pcp = get_cpu_ptr(arena.pcp);
	int ret = 0;

	spin_lock(&pcp->lock);
	if (pcp->count)
		this_cpu_inc(arena.stats->pcp_hits);
	else
		pcp->count = vmarena_buddy_alloc_bulk(&arena.buddy, pcp->frames,
						      VMARENA_PCP_BATCH);
	if (pcp->count) {
		*frame = pcp->frames[--pcp->count];
		vmarena_frames[*frame].use = VMARENA_USE_NONE;
	} else {
		ret = -ENOMEM;
	}
	spin_unlock(&pcp->lock);
	put_cpu_ptr(arena.pcp);
	return ret;
}

/**
 * vmarena_arena_reap_deferred() - free the deferred frames whose pages only
 * the arena holds now.
 */
void vmarena_arena_reap_deferred(void)
{
	u32 *link, f;

	spin_lock(&arena.deferred_lock);
	link = &arena.deferred;
	while ((f = *link) != VMARENA_NO_FRAME) {
		if (page_count(vmarena_frame_pages[f]) != 1) {
			link = &vmarena_frames[f].next;
			continue;
		}
		*link = vmarena_frames[f].next;
		vmarena_frames[f].use = VMARENA_USE_NONE;
		ClearPageDirty(vmarena_frame_pages[f]);
		ClearPageChecked(vmarena_frame_pages[f]);
		spin_unlock(&arena.deferred_lock);
		vmarena_frames_free(f, 0);
		spin_lock(&arena.deferred_lock);
		link = &arena.deferred;
	}
	spin_unlock(&arena.deferred_lock);
}

/**
 * vmarena_arena_put_page() - drop a reference taken on a frame's page
 * (get_page() while it is read, written or installed without the space
 * lock).
 * @page: the page.
 *
 * A frame its space let go meanwhile was deferred (it was still held):
 * the last such reference frees it, so the free count does not wait for
 * the next shortage.
 */
void vmarena_arena_put_page(struct page *page)
{
	put_page(page);
	if (unlikely(READ_ONCE(arena.deferred) != VMARENA_NO_FRAME))
		vmarena_arena_reap_deferred();
}

/**
 * vmarena_arena_release_user() - give back the frame of a dropped user page.
 * @frame: the frame; no space refers to it any more.
 *
 * If its page is still held beyond the arena's own reference (pinned by
 * get_user_pages(), say), the frame waits on a list and is freed once it
 * is let go, so no later owner can see it through the old holder.
 */
void vmarena_arena_release_user(u32 frame)
{
	struct page *page = vmarena_frame_pages[frame];

	if (page_count(page) == 1) {
		vmarena_frames[frame].use = VMARENA_USE_NONE;
		ClearPageDirty(page);
		ClearPageChecked(page);
		vmarena_frames_free(frame, 0);
		return;
	}
	this_cpu_inc(arena.stats->deferred);
	spin_lock(&arena.deferred_lock);
	vmarena_frames[frame].next = arena.deferred;
	arena.deferred = frame;
	spin_unlock(&arena.deferred_lock);
}

static int arena_alloc_once(unsigned int order, u32 *frame)
{
	if (order == 0 && READ_ONCE(arena.use_pcp))
		return pcp_alloc(frame);
	return vmarena_buddy_alloc(&arena.buddy, order, frame);
}

/* Gives the frames zeroed ahead beyond the first @keep back to the buddy. */
static void zeroed_drain_to(u32 keep)
{
	struct vmarena_zeroed *z = &arena.zeroed;
	u32 i;

	spin_lock(&z->lock);
	if (z->count > keep) {
		for (i = keep; i < z->count; i++)
			vmarena_frames[z->frames[i]].use = VMARENA_USE_NONE;
		vmarena_buddy_free_bulk(&arena.buddy, z->frames + keep,
					z->count - keep);
		z->count = keep;
	}
	spin_unlock(&z->lock);
}

/* Gives every frame zeroed ahead back to the buddy allocator. */
static void zeroed_drain(void)
{
	zeroed_drain_to(0);
}

/* vmarena_frames_alloc() but for the failure on purpose. */
static int arena_alloc(unsigned int order, u32 *frame)
{
	int ret;

	ret = arena_alloc_once(order, frame);
	if (ret == -ENOMEM) {
		vmarena_arena_reap_deferred();
		pcp_drain_all();
		zeroed_drain();
		ret = arena_alloc_once(order, frame);
	}
	if (ret) {
		this_cpu_inc(arena.stats->failures);
		return ret;
	}
	this_cpu_inc(arena.stats->alloc[order]);
	trace_frames_alloc(*frame, order);
	return 0;
}

/**
 * vmarena_frames_alloc() - allocate a block of 2^@order frames.
 * @order: 0..VMARENA_MAX_ORDER.
 * @frame: out: its first frame.
 *
 * Never sleeps.  When the block cannot be found, the per-CPU caches and
 * the frames zeroed ahead are given back to the buddy allocator and the
 * search is made once more.
 *
 * Return: 0, -ENOMEM, or -EINVAL for a bad order.
 */
int vmarena_frames_alloc(unsigned int order, u32 *frame)
{
	if (order > VMARENA_MAX_ORDER)
		return -EINVAL;
	if (arena_inject_failure()) {
		this_cpu_inc(arena.stats->failures);
		return -ENOMEM;
	}
	return arena_alloc(order, frame);
}

static void pcp_free(u32 frame)
{
	struct vmarena_pcp *pcp = get_cpu_ptr(arena.pcp);
	struct vmarena_frame *f = &vmarena_frames[frame];

	spin_lock(&pcp->lock);
	if (WARN_ON_ONCE(f->state != VMARENA_FRAME_ALLOC || f->order)) {
		this_cpu_inc(arena.stats->bad_frees);
		goto out;
	}
	if (pcp->count == VMARENA_PCP_HIGH)
		pcp_drain_locked(pcp, VMARENA_PCP_BATCH);
	f->use = VMARENA_USE_PCP;
	pcp->frames[pcp->count++] = frame;
	this_cpu_inc(arena.stats->free[0]);
out:
	spin_unlock(&pcp->lock);
	put_cpu_ptr(arena.pcp);
}

/**
 * vmarena_frames_free() - free a block from vmarena_frames_alloc().
 * @frame: its first frame.
 * @order: the order it was allocated with.
 *
 * A bad free (not allocated, already free, wrong order) is refused with a
 * one-time warning and counted.
 */
void vmarena_frames_free(u32 frame, unsigned int order)
{
	if (WARN_ON_ONCE(frame >= arena.nr_frames)) {
		this_cpu_inc(arena.stats->bad_frees);
		return;
	}
	if (WARN_ON_ONCE(vmarena_frames[frame].use == VMARENA_USE_PCP ||
			 vmarena_frames[frame].use == VMARENA_USE_ZEROED)) {
		this_cpu_inc(arena.stats->bad_frees);	/* free already */
		return;
	}
	trace_frames_free(frame, order);
	if (order == 0 && READ_ONCE(arena.use_pcp)) {
		pcp_free(frame);
		return;
	}
	if (vmarena_buddy_free(&arena.buddy, frame, order))
		return;
	this_cpu_inc(arena.stats->free[order]);
}

/*
 * Whether the filler has room to fill and frames to fill it from: the
 * buddy allocator holds more than a quarter of the arena.
 */
static bool zeroed_can_fill(struct vmarena_zeroed *z)
{
	return READ_ONCE(z->count) + READ_ONCE(z->filling) < READ_ONCE(z->target) &&
	       READ_ONCE(arena.buddy.free_frames) > arena.nr_frames / 4;
}

/*
 * Asks the filler for a round, unless it has one to run already or could
 * not fill anything.
 */
static void zeroed_wake(struct vmarena_zeroed *z)
{
	if (READ_ONCE(z->wake) || !z->filler || !zeroed_can_fill(z))
		return;
	WRITE_ONCE(z->wake, true);
	wake_up(&z->wait);
}

/*
 * Takes a free frame from the buddy allocator, zeroes it and adds it to
 * the pool; false once the pool is full, or the buddy allocator has a
 * quarter of the arena or less (the frames are better left for pages).
 */
static bool zeroed_fill_one(struct vmarena_zeroed *z)
{
	u32 f;

	spin_lock(&z->lock);
	if (!zeroed_can_fill(z) || vmarena_buddy_alloc(&arena.buddy, 0, &f)) {
		spin_unlock(&z->lock);
		return false;
	}
	z->filling++;
	spin_unlock(&z->lock);
	clear_highpage(vmarena_frame_pages[f]);
	spin_lock(&z->lock);
	z->filling--;
	if (z->count >= READ_ONCE(z->target)) {
		/* The target went down meanwhile. */
		vmarena_buddy_free(&arena.buddy, f, 0);
		spin_unlock(&z->lock);
		return false;
	}
	vmarena_frames[f].use = VMARENA_USE_ZEROED;
	z->frames[z->count++] = f;	/* count + filling <= size */
	spin_unlock(&z->lock);
	this_cpu_inc(arena.stats->zeroed);
	return true;
}

/* The kthread vmarena_zerod: fills the pool when asked, at nice 19. */
static int zeroed_filler(void *unused)
{
	struct vmarena_zeroed *z = &arena.zeroed;

	sched_set_normal(current, MAX_NICE);
	while (!kthread_should_stop()) {
		wait_event_interruptible(z->wait, READ_ONCE(z->wake) ||
					 kthread_should_stop());
		/* Taken before the round: a request made during it runs again. */
		WRITE_ONCE(z->wake, false);
		while (!kthread_should_stop() && zeroed_fill_one(z))
			cond_resched();
	}
	return 0;
}

/**
 * vmarena_frames_alloc_zeroed() - allocate one frame for a page touched
 * for the first time: one zeroed ahead if the pool has one (a hit), else
 * as vmarena_frames_alloc() (a miss: the caller zeroes it).
 * @frame: out: the frame.
 *
 * Never sleeps.  A hit that leaves the pool half full, and a miss, ask
 * the filler for a round.
 *
 * Return: 1 for a zeroed frame, 0 for one to zero, or -ENOMEM.
 */
int vmarena_frames_alloc_zeroed(u32 *frame)
{
	struct vmarena_zeroed *z = &arena.zeroed;
	bool hit = false;
	int ret;

	if (arena_inject_failure()) {
		this_cpu_inc(arena.stats->failures);
		return -ENOMEM;
	}
	if (READ_ONCE(z->count)) {
		spin_lock(&z->lock);
		if (z->count) {
			*frame = z->frames[--z->count];
			vmarena_frames[*frame].use = VMARENA_USE_NONE;
			hit = true;
		}
		spin_unlock(&z->lock);
	}
	if (hit) {
		this_cpu_inc(arena.stats->alloc[0]);
		this_cpu_inc(arena.stats->zeroed_hits);
		trace_frames_alloc(*frame, 0);
		if (READ_ONCE(z->count) < READ_ONCE(z->target) / 2)
			zeroed_wake(z);
		return 1;
	}
	ret = arena_alloc(0, frame);
	if (ret)
		return ret;
	this_cpu_inc(arena.stats->zeroed_misses);
	zeroed_wake(z);
	return 0;
}

/* Frames zeroed ahead and waiting now. */
u32 vmarena_arena_zeroed_count(void)
{
	return READ_ONCE(arena.zeroed.count);
}

/* The pool's target, frames (0: off). */
u32 vmarena_arena_zeroed_target(void)
{
	return READ_ONCE(arena.zeroed.target);
}

/**
 * vmarena_arena_set_zeroed_target() - how many frames to keep zeroed ahead.
 * @target: frames; more than the pool's room is taken as its room, and 0
 *          turns the pool off.  Frames beyond it go back to the buddy
 *          allocator at once.
 */
void vmarena_arena_set_zeroed_target(u32 target)
{
	struct vmarena_zeroed *z = &arena.zeroed;

	spin_lock(&z->lock);
	WRITE_ONCE(z->target, min(target, z->size));
	spin_unlock(&z->lock);
	zeroed_drain_to(READ_ONCE(z->target));
	zeroed_wake(z);
}

/**
 * vmarena_arena_fail_next() - make the next @n frame allocations fail.
 * @n: how many; 0 disarms.
 */
void vmarena_arena_fail_next(u64 n)
{
	atomic64_set(&arena.fail_next, n);
}

/**
 * vmarena_arena_fail_skip() - let @n more frame allocations through before
 * those that vmarena_arena_fail_next() armed fail (counted only while
 * armed).
 * @n: how many.
 */
void vmarena_arena_fail_skip(u64 n)
{
	atomic64_set(&arena.fail_skip, n);
}

/**
 * vmarena_arena_use_pcp() - switch the per-CPU caches on or off.
 * @on: true to use them (the default).
 *
 * Off, every order-0 request goes to the buddy allocator (for measuring
 * what the caches buy).  Only while no other thread allocates frames.
 */
void vmarena_arena_use_pcp(bool on)
{
	WRITE_ONCE(arena.use_pcp, on);
	if (!on)
		pcp_drain_all();
}

/* Free frames parked in the per-CPU caches. */
u64 vmarena_arena_pcp_frames(void)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(arena.pcp, cpu)->count);
	return n;
}

/*
 * Free frames: in the buddy's free lists, parked in per-CPU caches, and
 * zeroed ahead or being zeroed (read under the pool's lock, so that a
 * frame on its way from the buddy to the pool is counted once: the count
 * a test compares with the load-time one).
 */
u64 vmarena_arena_free_frames(void)
{
	struct vmarena_zeroed *z = &arena.zeroed;
	u64 n;

	spin_lock(&z->lock);
	n = READ_ONCE(arena.buddy.free_frames) + z->count + z->filling;
	spin_unlock(&z->lock);
	return n + vmarena_arena_pcp_frames();
}

/*
 * vmarena_arena_free_frames() without the pool's lock, for the watermark
 * check of every allocation: may be one off while a frame is being zeroed.
 */
u64 vmarena_arena_free_frames_estimate(void)
{
	struct vmarena_zeroed *z = &arena.zeroed;

	return READ_ONCE(arena.buddy.free_frames) + READ_ONCE(z->count) +
	       READ_ONCE(z->filling) + vmarena_arena_pcp_frames();
}

u64 vmarena_arena_frames(void)
{
	return arena.nr_frames;
}

struct vmarena_buddy *vmarena_arena_buddy(void)
{
	return &arena.buddy;
}

/**
 * vmarena_arena_counters() - the arena's counters summed over CPUs.
 * @c: out: the counters.
 */
void vmarena_arena_counters(struct vmarena_arena_counters *c)
{
	int cpu, o;

	memset(c, 0, sizeof(*c));
	for_each_possible_cpu(cpu) {
		struct vmarena_arena_counters *s = per_cpu_ptr(arena.stats, cpu);

		for (o = 0; o < VMARENA_NR_ORDERS; o++) {
			c->alloc[o] += READ_ONCE(s->alloc[o]);
			c->free[o] += READ_ONCE(s->free[o]);
		}
		c->pcp_hits += READ_ONCE(s->pcp_hits);
		c->failures += READ_ONCE(s->failures);
		c->injected += READ_ONCE(s->injected);
		c->bad_frees += READ_ONCE(s->bad_frees);
		c->deferred += READ_ONCE(s->deferred);
		c->zeroed_hits += READ_ONCE(s->zeroed_hits);
		c->zeroed_misses += READ_ONCE(s->zeroed_misses);
		c->zeroed += READ_ONCE(s->zeroed);
	}
	c->bad_frees += READ_ONCE(arena.buddy.stats.bad_frees);
	c->splits = READ_ONCE(arena.buddy.stats.splits);
	c->merges = READ_ONCE(arena.buddy.stats.merges);
}

/* Takes one chunk of 2^@order frames from the kernel, numbered from @first. */
static int arena_add_chunk(u32 first, unsigned int order)
{
	struct page *page;
	u32 i;

	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, order);
	if (!page)
		return -ENOMEM;
	split_page(page, order);
	for (i = 0; i < (1U << order); i++) {
		vmarena_frame_pages[first + i] = nth_page(page, i);
		set_page_private(vmarena_frame_pages[first + i], first + i);
	}
	return vmarena_buddy_add(&arena.buddy, first, order);
}

/* Reserves every frame, largest chunks first; see the top of the file. */
static int arena_reserve(void)
{
	unsigned int order = VMARENA_MAX_ORDER;
	u32 first = 0;

	while (first < arena.nr_frames) {
		while (order && (1U << order) > arena.nr_frames - first)
			order--;
		if (!arena_add_chunk(first, order)) {
			first += 1U << order;
			continue;
		}
		if (!order)
			return -ENOMEM;
		order--;
	}
	return 0;
}

/* Gives back the frames reserved so far (all of them must be free). */
static void arena_release(void)
{
	u32 f;

	for (f = 0; f < arena.nr_frames && vmarena_frame_pages[f]; f++) {
		set_page_private(vmarena_frame_pages[f], 0);
		__free_page(vmarena_frame_pages[f]);
	}
}

/* The pool of zeroed frames, empty; its filler starts once the arena is up. */
static int zeroed_init(struct vmarena_zeroed *z)
{
	spin_lock_init(&z->lock);
	init_waitqueue_head(&z->wait);
	z->size = min_t(u32, VMARENA_ZEROED_MAX, arena.nr_frames / 16);
	z->target = z->size;
	z->frames = kvcalloc(max(z->size, 1U), sizeof(*z->frames), GFP_KERNEL);
	return z->frames ? 0 : -ENOMEM;
}

static void arena_free_tables(void)
{
	kvfree(arena.zeroed.frames);
	free_percpu(arena.stats);
	free_percpu(arena.pcp);
	kvfree(vmarena_frame_pages);
	vmarena_frame_pages = NULL;
	kvfree(vmarena_frames);
	vmarena_frames = NULL;
	vmarena_nr_frames = 0;
	memset(&arena, 0, sizeof(arena));
}

static int arena_alloc_tables(void)
{
	int cpu;

	vmarena_frames = kvcalloc(arena.nr_frames, sizeof(*vmarena_frames),
				  GFP_KERNEL);
	vmarena_frame_pages = kvcalloc(arena.nr_frames,
				       sizeof(*vmarena_frame_pages), GFP_KERNEL);
	arena.pcp = alloc_percpu(struct vmarena_pcp);
	arena.stats = alloc_percpu(struct vmarena_arena_counters);
	if (!vmarena_frames || !vmarena_frame_pages || !arena.pcp || !arena.stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		spin_lock_init(&per_cpu_ptr(arena.pcp, cpu)->lock);
	arena.use_pcp = true;
	spin_lock_init(&arena.deferred_lock);
	arena.deferred = VMARENA_NO_FRAME;
	return zeroed_init(&arena.zeroed);
}

/**
 * vmarena_arena_init() - reserve the arena.
 * @arena_mb: its size in MiB.
 *
 * Return: 0; -EINVAL when @arena_mb is out of bounds; -ENOMEM when the
 * kernel cannot give that much memory (nothing is kept).
 */
int vmarena_arena_init(unsigned int arena_mb)
{
	u64 frames = (u64)arena_mb * SZ_1M / VMARENA_PAGE_SIZE;
	long avail = si_mem_available();
	int ret;

	if (arena_mb < VMARENA_ARENA_MB_MIN || arena_mb > VMARENA_ARENA_MB_MAX) {
		pr_err("arena_mb=%u is outside [%u, %u]\n", arena_mb,
		       VMARENA_ARENA_MB_MIN, VMARENA_ARENA_MB_MAX);
		return -EINVAL;
	}
	if (frames > avail) {
		pr_err("arena_mb=%u exceeds the %ld MiB of available memory\n",
		       arena_mb, avail >> (20 - PAGE_SHIFT));
		return -ENOMEM;
	}
	arena.nr_frames = frames;
	ret = arena_alloc_tables();
	if (ret)
		goto err_tables;
	vmarena_buddy_init(&arena.buddy, vmarena_frames, arena.nr_frames);
	ret = arena_reserve();
	if (ret) {
		pr_err("arena_mb=%u: the kernel could not give that much memory\n",
		       arena_mb);
		goto err_reserve;
	}
	vmarena_nr_frames = arena.nr_frames;
	arena.zeroed.filler = kthread_run(zeroed_filler, NULL, "vmarena_zerod");
	if (IS_ERR(arena.zeroed.filler)) {
		ret = PTR_ERR(arena.zeroed.filler);
		arena.zeroed.filler = NULL;
		goto err_reserve;
	}
	zeroed_wake(&arena.zeroed);
	return 0;

err_reserve:
	arena_release();
err_tables:
	arena_free_tables();
	return ret;
}

/**
 * vmarena_arena_exit() - give the arena back to the kernel.
 *
 * Every frame must be free by now (every space, slab and cache is gone); a
 * frame still allocated is a leak, warned about and not freed.
 */
void vmarena_arena_exit(void)
{
	kthread_stop(arena.zeroed.filler);
	arena.zeroed.filler = NULL;
	vmarena_arena_reap_deferred();
	pcp_drain_all();
	zeroed_drain();
	if (WARN_ON_ONCE(arena.buddy.free_frames != arena.nr_frames)) {
		pr_err("%llu frames leaked; the arena is kept\n",
		       (u64)arena.nr_frames - arena.buddy.free_frames);
		return;
	}
	arena_release();
	arena_free_tables();
}
