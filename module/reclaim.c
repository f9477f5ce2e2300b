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
 * The spaces come from the list of live spaces (live.c), each referenced:
 * one torn down meanwhile is found dead under its lock and left alone.
 * The daemon holds no other lock when it takes a space's lock; direct
 * reclaim only trylocks other families.
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
#include "live.h"
#include "supply.h"

/* Spaces one round looks at. */
#define RECLAIM_ROUND	16

/**
 * struct vmarena_reclaim - the reclaimer.
 * @daemon:    the page-out kthread.
 * @wait:      where it sleeps.
 * @wake:      set to wake it; cleared by it as a run starts.
 */
struct vmarena_reclaim {
	struct task_struct *daemon;
	wait_queue_head_t wait;
	bool wake;
};

static struct vmarena_reclaim reclaim = {
	.wait = __WAIT_QUEUE_HEAD_INITIALIZER(reclaim.wait),
};

/*
 * Evicts up to @want of a locked space's pages unless it was torn down
 * after the reclaimer found it (@hard: vmarena_evict_hard()).
 */
static unsigned int reclaim_locked(struct vmarena_space *space,
				   unsigned int want, bool hard)
{
	lockdep_assert_held(space->lock);
	if (space->dead)
		return 0;
	return hard ? vmarena_evict_hard(space, want) :
		      vmarena_evict(space, want);
}

/* The reclaimer's @wake: the supply found free frames below watermark_low. */
static void reclaim_wake(void)
{
	if (READ_ONCE(reclaim.wake))
		return;
	WRITE_ONCE(reclaim.wake, true);
	wake_up(&reclaim.wait);
}

/* watermark_high, where a run of the daemon stops. */
static u64 reclaim_high(void)
{
	u64 low, high;

	vmarena_supply_watermarks(&low, &high);
	return high;
}

/* One round over the spaces; returns pages evicted. */
static u64 reclaim_round(void)
{
	struct vmarena_space *spaces[RECLAIM_ROUND];
	unsigned int i, n;
	u64 got = 0;

	n = vmarena_live_snapshot(spaces, RECLAIM_ROUND, NULL);
	for (i = 0; i < n; i++) {
		if (vmarena_arena_free_frames() < reclaim_high()) {
			mutex_lock(spaces[i]->lock);
			got += reclaim_locked(spaces[i], VMARENA_EVICT_BATCH,
					      false);
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

	while (vmarena_arena_free_frames() < reclaim_high() &&
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
	u64 t0, got, low, high;

	while (!kthread_should_stop()) {
		wait_event_interruptible(reclaim.wait, READ_ONCE(reclaim.wake) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			break;
		/* Taken before the run: a request made during it runs again. */
		WRITE_ONCE(reclaim.wake, false);
		atomic64_inc(&vmarena_counters.daemon_wakeups);
		vmarena_supply_watermarks(&low, &high);
		trace_reclaim_wake(vmarena_arena_free_frames(), low, high);
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

/* The spaces of @self's family, all under the lock @self holds. */
static unsigned int reclaim_family(struct vmarena_space *self)
{
	struct vmarena_space *s;
	unsigned int got;

	lockdep_assert_held(self->lock);
	got = vmarena_evict_hard(self, VMARENA_EVICT_BATCH);
	list_for_each_entry(s, &self->family->spaces, family_node)
		if (!got && s != self)
			got = vmarena_evict_hard(s, VMARENA_EVICT_BATCH);
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

	n = vmarena_live_snapshot(spaces, RECLAIM_ROUND, self);
	for (i = 0; i < n; i++) {
		if (!got) {
			if (mutex_trylock(spaces[i]->lock)) {
				got = reclaim_locked(spaces[i],
						     VMARENA_EVICT_BATCH, true);
				mutex_unlock(spaces[i]->lock);
			} else {
				*busy = true;
			}
		}
		vmarena_space_put(spaces[i]);
	}
	return got;
}

/**
 * vmarena_reclaim_direct() - evict for an allocation that found no free
 * frame (its caller then wakes the daemon: vmarena_supply_check()).
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
	/*
	 * A busy space's holder (the daemon, most often, evicting a batch)
	 * frees frames as it goes: give it a tick before the caller tries
	 * again, rather than spending its few tries at once.
	 */
	if (!got && busy)
		schedule_timeout_uninterruptible(1);
	return got || busy;
}

/*
 * The reclaimer's @unlocked: evict for an allocation made with no space
 * locked (a new space's bookkeeping, an operation to be retried): like the
 * daemon, it may wait for a space's lock; a batch from the first space
 * that gives one.
 *
 * Return: pages evicted.
 */
static unsigned int reclaim_unlocked(void)
{
	struct vmarena_space *spaces[RECLAIM_ROUND];
	unsigned int i, n, got = 0;
	u64 t0 = ktime_get_ns();

	might_sleep();
	n = vmarena_live_snapshot(spaces, RECLAIM_ROUND, NULL);
	for (i = 0; i < n; i++) {
		if (!got) {
			mutex_lock(spaces[i]->lock);
			got = reclaim_locked(spaces[i], VMARENA_EVICT_BATCH,
					     true);
			mutex_unlock(spaces[i]->lock);
		}
		vmarena_space_put(spaces[i]);
	}
	atomic64_inc(&vmarena_counters.direct_reclaims);
	trace_reclaim(VMARENA_RECLAIM_DIRECT, 0, got, ktime_get_ns() - t0);
	return got;
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

	vmarena_supply_watermarks(&low, &high);
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

/* How the frame supply makes room (supply.h). */
static const struct vmarena_reclaimer reclaimer = {
	.evict = vmarena_evict_hard,
	.direct = vmarena_reclaim_direct,
	.unlocked = reclaim_unlocked,
	.wake = reclaim_wake,
};

/**
 * vmarena_reclaim_init() - set the policy and watermarks, make room for the
 * frame supply (struct vmarena_reclaimer), start the daemon.
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
	vmarena_supply_register(&reclaimer);
	ret = vmarena_supply_set_watermarks(low ?: max_t(u64, frames / 32, 2),
					    high ?: max_t(u64, frames / 16, 4));
	if (ret)
		return ret;
	reclaim.daemon = kthread_run(reclaim_daemon, NULL, "vmarena_reclaimd");
	return PTR_ERR_OR_ZERO(reclaim.daemon);
}

/*
 * Every file is gone by now; the daemon may still hold references to spaces
 * torn down, which the round kthread_stop() waits for drops.
 */
void vmarena_reclaim_exit(void)
{
	kthread_stop(reclaim.daemon);
}
