// SPDX-License-Identifier: GPL-2.0
/*
 * reclaim.c - keeping frames free: the page-out daemon between the
 * watermarks, direct reclaim when the arena is empty, and the policy.
 *
 * When an allocation of a user page leaves fewer than watermark_low free
 * frames, the daemon (kthread vmarena_reclaimd) wakes and evicts, a batch
 * per space in turn (round robin over the list of spaces), until
 * watermark_high frames are free or no space gives anything.  An
 * allocation that finds no free frame at all evicts a batch itself: from
 * its own space first, else from the first other space whose lock it can
 * take without waiting (it holds its own space's lock, and two faulting
 * spaces must not wait for each other).
 *
 * Locks: reclaim.lock (a spinlock) protects the list of spaces and is a
 * leaf: a space found on the list is referenced under it, then locked
 * after it is dropped.  The daemon holds no other lock when it takes a
 * space's lock; direct reclaim only trylocks other spaces, and drops the
 * references it took with vmarena_space_put_async().
 */
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "internal.h"
#include "arena.h"
#include "caches.h"
#include "evict.h"
#include "reclaim.h"
#include "share.h"
#include "space.h"
#include "counters.h"
#include "trace.h"
#include "lifecycle.h"

/* Spaces one round looks at. */
#define RECLAIM_ROUND	16

/**
 * struct vmarena_reclaim - the reclaimer.
 * @lock:      protects @spaces.
 * @spaces:    every live space (space->node), rotated for round robin.
 * @daemon:    the page-out kthread.
 * @wait:      where it sleeps.
 * @wake:      set to wake it; cleared by it as a run starts.
 * @low:       watermark_low, frames.
 * @high:      watermark_high, frames.
 */
struct vmarena_reclaim {
	spinlock_t lock;	/* see the kernel-doc above */
	struct list_head spaces;
	struct task_struct *daemon;
	wait_queue_head_t wait;
	bool wake;
	u64 low;
	u64 high;
};

static struct vmarena_reclaim reclaim = {
	.lock = __SPIN_LOCK_UNLOCKED(reclaim.lock),
	.spaces = LIST_HEAD_INIT(reclaim.spaces),
	.wait = __WAIT_QUEUE_HEAD_INITIALIZER(reclaim.wait),
};

void vmarena_reclaim_space_add(struct vmarena_space *space)
{
	spin_lock(&reclaim.lock);
	list_add_tail(&space->node, &reclaim.spaces);
	spin_unlock(&reclaim.lock);
}

void vmarena_reclaim_space_del(struct vmarena_space *space)
{
	spin_lock(&reclaim.lock);
	list_del(&space->node);
	spin_unlock(&reclaim.lock);
}

/*
 * References to up to @max live spaces but @skip, the list rotated by one
 * so that the next round starts elsewhere.
 */
static unsigned int reclaim_snapshot(struct vmarena_space **out,
				     unsigned int max, struct vmarena_space *skip)
{
	struct vmarena_space *space;
	unsigned int n = 0;

	spin_lock(&reclaim.lock);
	list_for_each_entry(space, &reclaim.spaces, node) {
		if (n == max)
			break;
		if (space != skip && kref_get_unless_zero(&space->ref))
			out[n++] = space;
	}
	if (!list_empty(&reclaim.spaces))
		list_rotate_left(&reclaim.spaces);
	spin_unlock(&reclaim.lock);
	return n;
}

/**
 * vmarena_reclaim_short() - whether free frames are below watermark_low.
 *
 * Return: true when the arena is short of frames.
 */
bool vmarena_reclaim_short(void)
{
	return vmarena_arena_free_frames() < READ_ONCE(reclaim.low);
}

/**
 * vmarena_reclaim_check() - wake the daemon if free frames are below
 * watermark_low (called after a user page's frame is allocated).
 */
void vmarena_reclaim_check(void)
{
	if (!vmarena_reclaim_short() || READ_ONCE(reclaim.wake))
		return;
	WRITE_ONCE(reclaim.wake, true);
	wake_up(&reclaim.wait);
}

/* One round over the spaces; returns pages evicted. */
static u64 reclaim_round(void)
{
	struct vmarena_space *spaces[RECLAIM_ROUND];
	unsigned int i, n;
	u64 got = 0;

	n = reclaim_snapshot(spaces, RECLAIM_ROUND, NULL);
	for (i = 0; i < n; i++) {
		if (vmarena_arena_free_frames() < READ_ONCE(reclaim.high)) {
			mutex_lock(spaces[i]->lock);
			got += vmarena_evict(spaces[i], VMARENA_EVICT_BATCH);
			mutex_unlock(spaces[i]->lock);
		}
		vmarena_space_put(spaces[i]);
	}
	return got;
}

/* Evicts until watermark_high frames are free or nothing more goes. */
static u64 reclaim_balance(void)
{
	u64 got, total = 0;

	while (vmarena_arena_free_frames() < READ_ONCE(reclaim.high) &&
	       !kthread_should_stop()) {
		got = reclaim_round();
		if (!got)
			break;
		total += got;
		cond_resched();
	}
	return total;
}

static int reclaim_daemon(void *unused)
{
	u64 t0, got;

	while (!kthread_should_stop()) {
		wait_event_interruptible(reclaim.wait, READ_ONCE(reclaim.wake) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			break;
		/* Taken before the run: a request made during it runs again. */
		WRITE_ONCE(reclaim.wake, false);
		atomic64_inc(&vmarena_counters.daemon_wakeups);
		trace_reclaim_wake(vmarena_arena_free_frames(),
				   READ_ONCE(reclaim.low), READ_ONCE(reclaim.high));
		t0 = ktime_get_ns();
		got = reclaim_balance();
		trace_reclaim(VMARENA_RECLAIM_DAEMON, 0, got,
			      ktime_get_ns() - t0);
		/* Nothing could go: wait a little before running again. */
		if (!got)
			schedule_timeout_interruptible(HZ / 10);
	}
	return 0;
}

/* A batch from a locked space, trying hard (vmarena_evict_hard()). */
static unsigned int reclaim_space_hard(struct vmarena_space *space)
{
	lockdep_assert_held(space->lock);
	return vmarena_evict_hard(space, VMARENA_EVICT_BATCH);
}

/* The spaces of @self's family, all under the lock @self holds. */
static unsigned int reclaim_family(struct vmarena_space *self)
{
	struct vmarena_space *s;
	unsigned int got;

	lockdep_assert_held(self->lock);
	got = reclaim_space_hard(self);
	list_for_each_entry(s, &self->family->spaces, family_node)
		if (!got && s != self)
			got = reclaim_space_hard(s);
	return got;
}

/*
 * Other families, those whose lock can be taken without waiting; *@busy
 * is set if some lock could not.
 */
static unsigned int reclaim_others(struct vmarena_space *self, bool *busy)
{
	struct vmarena_space *spaces[RECLAIM_ROUND];
	unsigned int i, n, got = 0;

	n = reclaim_snapshot(spaces, RECLAIM_ROUND, self);
	for (i = 0; i < n; i++) {
		if (!got && spaces[i]->lock != self->lock) {
			if (mutex_trylock(spaces[i]->lock)) {
				got = reclaim_space_hard(spaces[i]);
				mutex_unlock(spaces[i]->lock);
			} else {
				*busy = true;
			}
		}
		vmarena_space_put_async(spaces[i]);
	}
	return got;
}

/**
 * vmarena_reclaim_direct() - evict for an allocation that found no free
 * frame (its caller then wakes the daemon: vmarena_reclaim_check()).
 * @self: the allocating space, locked.
 *
 * Tries its own family first (every member's ring, each page looked at
 * twice), then each other space whose lock it can take without waiting
 * (it holds its own, and two allocating spaces must not wait for each
 * other), until one page goes.
 *
 * Return: true if a page was evicted, or another space was busy (it may
 * be freeing frames): the caller tries its allocation again, a bounded
 * number of times (VMARENA_RECLAIM_TRIES).
 */
bool vmarena_reclaim_direct(struct vmarena_space *self)
{
	u64 t0 = ktime_get_ns();
	bool busy = false;
	unsigned int got;

	lockdep_assert_held(self->lock);
	atomic64_inc(&vmarena_counters.direct_reclaims);
	got = reclaim_family(self);
	if (!got)
		got = reclaim_others(self, &busy);
	trace_reclaim(VMARENA_RECLAIM_DIRECT, self->id, got, ktime_get_ns() - t0);
	if (!got && busy)
		cond_resched();
	return got || busy;
}

/**
 * vmarena_reclaim_unlocked() - evict for an allocation made with no space
 * locked (a new space's bookkeeping, an operation to be retried): like the
 * daemon, it may wait for a space's lock; a batch from the first space
 * that gives one.
 *
 * Return: pages evicted.
 */
unsigned int vmarena_reclaim_unlocked(void)
{
	struct vmarena_space *spaces[RECLAIM_ROUND];
	unsigned int i, n, got = 0;
	u64 t0 = ktime_get_ns();

	might_sleep();
	n = reclaim_snapshot(spaces, RECLAIM_ROUND, NULL);
	for (i = 0; i < n; i++) {
		if (!got) {
			mutex_lock(spaces[i]->lock);
			got = vmarena_evict_hard(spaces[i], VMARENA_EVICT_BATCH);
			mutex_unlock(spaces[i]->lock);
		}
		/* A fault may hold mmap_lock: the last put is a work item's. */
		vmarena_space_put_async(spaces[i]);
	}
	atomic64_inc(&vmarena_counters.direct_reclaims);
	trace_reclaim(VMARENA_RECLAIM_DIRECT, 0, got, ktime_get_ns() - t0);
	return got;
}

/**
 * vmarena_reclaim_retry() - an operation failed with -ENOMEM, changing
 * nothing, and its caller holds no space's lock: reclaim (waiting for
 * other spaces' locks, vmarena_reclaim_unlocked()) before it tries again.
 * @mark:  vmarena_injections() before the operation: an injected failure
 *         is never retried.
 * @tries: retries left (VMARENA_RECLAIM_RETRIES to start with); one is used.
 *
 * Return: true if the operation is worth trying again (never once the
 * caller is being killed).
 */
bool vmarena_reclaim_retry(u64 mark, unsigned int *tries)
{
	might_sleep();
	if (!*tries || vmarena_injections() != mark ||
	    fatal_signal_pending(current))
		return false;
	(*tries)--;
	return vmarena_reclaim_unlocked();
}

/**
 * vmarena_reclaim_set_policy() - switch the replacement policy.
 * @name: a policy's name (policy.h).
 *
 * Return: 0 or -EINVAL.
 */
int vmarena_reclaim_set_policy(const char *name)
{
	int p = vmarena_policy_parse(name);

	if (p < 0)
		return p;
	vmarena_evict_set_policy(p);
	return 0;
}

/**
 * vmarena_reclaim_policy_show() - every policy's name, the one in force in
 * brackets: "fifo random [clock] lru clean-first\n".
 * @buf: out.
 * @len: its size.
 *
 * Return: bytes written.
 */
ssize_t vmarena_reclaim_policy_show(char *buf, size_t len)
{
	unsigned int p, cur = vmarena_evict_policy();
	ssize_t n = 0;

	for (p = 0; p < VMARENA_NR_POLICIES; p++)
		n += scnprintf(buf + n, len - n, p == cur ? "%s[%s]" : "%s%s",
			       p ? " " : "", vmarena_policy_name(p));
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}

void vmarena_reclaim_watermarks(u64 *low, u64 *high)
{
	spin_lock(&reclaim.lock);
	*low = reclaim.low;
	*high = reclaim.high;
	spin_unlock(&reclaim.lock);
}

/**
 * vmarena_reclaim_set_watermarks() - set both watermarks.
 * @low:  frames; the daemon wakes below it.  0 < @low.
 * @high: frames; it stops at it.  @low < @high <= half the arena.
 *
 * Return: 0 or -EINVAL.
 */
int vmarena_reclaim_set_watermarks(u64 low, u64 high)
{
	if (!low || low >= high || high > vmarena_arena_frames() / 2)
		return -EINVAL;
	spin_lock(&reclaim.lock);
	WRITE_ONCE(reclaim.low, low);
	WRITE_ONCE(reclaim.high, high);
	spin_unlock(&reclaim.lock);
	vmarena_reclaim_check();
	return 0;
}

/**
 * vmarena_reclaim_show() - debugfs vmarena/reclaim: the policy, the
 * watermarks, then a line per policy: name, pages scanned, pages evicted.
 * @m:      the seq_file.
 * @unused: unused.
 *
 * Return: 0.
 */
int vmarena_reclaim_show(struct seq_file *m, void *unused)
{
	u64 low, high, scans, evictions;
	unsigned int p;

	vmarena_reclaim_watermarks(&low, &high);
	seq_printf(m, "policy %s\nwatermark_low %llu\nwatermark_high %llu\n",
		   vmarena_policy_name(vmarena_evict_policy()), low, high);
	seq_puts(m, "policy       scanned      evicted\n");
	for (p = 0; p < VMARENA_NR_POLICIES; p++) {
		vmarena_evict_counts(p, &scans, &evictions);
		seq_printf(m, "%-12s %-12lld %lld\n", vmarena_policy_name(p),
			   scans, evictions);
	}
	return 0;
}

/**
 * vmarena_reclaim_init() - set the policy and watermarks, start the daemon.
 * @policy: the policy's name.
 * @low:    watermark_low in frames; 0 for 1/32 of the arena.
 * @high:   watermark_high in frames; 0 for 1/16 of the arena.
 *
 * Return: 0, -EINVAL for a bad policy or watermarks, or the daemon's error.
 */
int vmarena_reclaim_init(const char *policy, u64 low, u64 high)
{
	u64 frames = vmarena_arena_frames();
	int ret;

	ret = vmarena_reclaim_set_policy(policy);
	if (ret)
		return ret;
	ret = vmarena_reclaim_set_watermarks(low ?: max_t(u64, frames / 32, 2),
					     high ?: max_t(u64, frames / 16, 4));
	if (ret)
		return ret;
	reclaim.daemon = kthread_run(reclaim_daemon, NULL, "vmarena_reclaimd");
	return PTR_ERR_OR_ZERO(reclaim.daemon);
}

/* Every space is gone by now: the daemon holds no reference. */
void vmarena_reclaim_exit(void)
{
	kthread_stop(reclaim.daemon);
}
