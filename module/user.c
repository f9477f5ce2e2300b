// SPDX-License-Identifier: GPL-2.0
/*
 * user.c - per-user accounting.
 *
 * A space belongs to the user who created it (the fsuid of the task that
 * opened the device, cloned or imported).  Its user is charged a page for
 * every frame charged to the space (space.h: resident, pinned pages
 * included), every frame of its page tables and its checkpoints' tables,
 * one for the space itself, and a page for every swap slot the space's
 * evictions filled while only swap entries hold it (a slot that a
 * resident frame keeps as its clean copy is the frame's: swap.c).  A
 * shared frame or slot is charged once, to whoever is charged for it
 * (share.c), and moves with it.
 *
 * Limits (module parameters and root's sysfs attributes user_max_pages,
 * user_max_pinned; 0 for the defaults: half of the arena and the swap
 * device's usable slots together, a quarter of the arena) are checked, under the space's lock,
 * before each allocation that gives a space more: a new page, a
 * copy-on-write copy, a copy of a pinned page, page-table nodes, a new
 * space (open, CLONE, IMPORT), and before PIN.  Bringing a swapped page
 * back is never refused (its charge moves from its slot to its frame), nor
 * is eviction.  Root's spaces (fsuid 0) are charged but not limited.
 *
 * Locks: users_lock (a spinlock) protects the list and is a leaf; a user
 * leaves the list under it with its last reference, so one found there is
 * live.  The counters are atomic.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "internal.h"
#include "arena.h"
#include "user.h"

static LIST_HEAD(users);
/* Swap slots that can hold a page, for the default page limit. */
static atomic64_t swap_slots = ATOMIC64_INIT(0);
static DEFINE_SPINLOCK(users_lock);

static struct {
	u64 max_pages;		/* 0: half of the arena plus swap */
	u64 max_pinned;		/* 0: a quarter of the arena */
} limits;

static struct vmarena_user *user_find(kuid_t uid)
{
	struct vmarena_user *u;

	lockdep_assert_held(&users_lock);
	list_for_each_entry(u, &users, node)
		if (uid_eq(u->uid, uid)) {
			refcount_inc(&u->ref);
			return u;
		}
	return NULL;
}

/**
 * vmarena_user_get() - a user's accounting, referenced; made on first use.
 * @uid: the user.
 *
 * Return: the user, or NULL (no memory).
 */
struct vmarena_user *vmarena_user_get(kuid_t uid)
{
	struct vmarena_user *u, *found;

	spin_lock(&users_lock);
	found = user_find(uid);
	spin_unlock(&users_lock);
	if (found)
		return found;
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return NULL;
	u->uid = uid;
	refcount_set(&u->ref, 1);
	spin_lock(&users_lock);
	found = user_find(uid);
	if (!found)
		list_add_tail(&u->node, &users);
	spin_unlock(&users_lock);
	if (found)
		kfree(u);
	return found ?: u;
}

/**
 * vmarena_user_hold() - one more reference to a user already referenced.
 * @user: the user.
 */
void vmarena_user_hold(struct vmarena_user *user)
{
	refcount_inc(&user->ref);
}

/**
 * vmarena_user_put() - drop a reference; the last one frees the user (its
 * charge is 0 by then: every space and slot charged to it held one).
 * @user: the user.
 */
void vmarena_user_put(struct vmarena_user *user)
{
	bool last;

	spin_lock(&users_lock);
	last = refcount_dec_and_test(&user->ref);
	if (last)
		list_del(&user->node);
	spin_unlock(&users_lock);
	if (last)
		kfree(user);
}

/**
 * vmarena_user_max_pages() - the per-user page limit in force.
 *
 * Return: pages.
 */
u64 vmarena_user_max_pages(void)
{
	u64 max = READ_ONCE(limits.max_pages);

	return max ?: vmarena_user_half_memory();
}

/**
 * vmarena_user_half_memory() - half of the arena and the usable swap slots
 * together: the default of the per-user limit and of a space's cap.
 *
 * Return: pages.
 */
u64 vmarena_user_half_memory(void)
{
	return (vmarena_arena_frames() + atomic64_read(&swap_slots)) / 2;
}

/**
 * vmarena_user_set_swap_slots() - the swap slots that can hold a page
 * changed (a device attached or detached, a slot retired): the default
 * page limit follows.  swap.c tells, under its lock, so that the last
 * change is the last told.
 * @n: slots, retired ones not counted.
 */
void vmarena_user_set_swap_slots(u64 n)
{
	atomic64_set(&swap_slots, n);
}

/**
 * vmarena_user_max_pinned() - the per-user pin limit in force.
 *
 * Return: pages.
 */
u64 vmarena_user_max_pinned(void)
{
	return READ_ONCE(limits.max_pinned) ?: vmarena_arena_frames() / 4;
}

static bool user_refuse(struct vmarena_user *user)
{
	atomic64_inc(&user->refused);
	return false;
}

/**
 * vmarena_user_room() - may @user be charged @n more pages?
 * @user: the user.
 * @n:    pages.
 *
 * Return: true, or false (counted as refused): the caller fails -EDQUOT.
 */
bool vmarena_user_room(struct vmarena_user *user, u64 n)
{
	if (!vmarena_user_limited(user) ||
	    atomic64_read(&user->pages) + n <= vmarena_user_max_pages())
		return true;
	return user_refuse(user);
}

/**
 * vmarena_user_pin_room() - may @user pin @n more pages?
 * @user: the user.
 * @n:    pages.
 *
 * Return: true, or false (counted as refused).
 */
bool vmarena_user_pin_room(struct vmarena_user *user, u64 n)
{
	if (!vmarena_user_limited(user) ||
	    atomic64_read(&user->pinned) + n <= vmarena_user_max_pinned())
		return true;
	return user_refuse(user);
}

/**
 * vmarena_user_set_limit() - set one limit; it applies to the next
 * allocation (nothing already charged is taken back).
 * @pinned: the pin limit, else the page limit.
 * @max:    pages per user, 0 for the default.
 */
void vmarena_user_set_limit(bool pinned, u64 max)
{
	WRITE_ONCE(*(pinned ? &limits.max_pinned : &limits.max_pages), max);
}

/**
 * vmarena_users_show() - debugfs vmarena/users: the limits in force, then
 * a line per user: uid, spaces, pages, pinned, refused, and "-" for the
 * limits of an unlimited user (root) or its two limits.
 * @m:      the seq_file.
 * @unused: unused.
 *
 * Return: 0.
 */
int vmarena_users_show(struct seq_file *m, void *unused)
{
	u64 max = vmarena_user_max_pages(), max_pinned = vmarena_user_max_pinned();
	struct vmarena_user *u;

	seq_printf(m, "user_max_pages %llu\nuser_max_pinned %llu\n", max,
		   max_pinned);
	seq_puts(m, "uid        spaces     pages      pinned     refused    max_pages  max_pinned\n");
	spin_lock(&users_lock);
	list_for_each_entry(u, &users, node) {
		seq_printf(m, "%-10u %-10lld %-10lld %-10lld %-10lld ",
			   from_kuid(&init_user_ns, u->uid),
			   atomic64_read(&u->spaces), atomic64_read(&u->pages),
			   atomic64_read(&u->pinned), atomic64_read(&u->refused));
		if (vmarena_user_limited(u))
			seq_printf(m, "%-10llu %llu\n", max, max_pinned);
		else
			seq_puts(m, "-          -\n");
	}
	spin_unlock(&users_lock);
	return 0;
}

/**
 * vmarena_user_init() - the limits given at load (0: the defaults).
 * @max_pages:  module parameter user_max_pages.
 * @max_pinned: module parameter user_max_pinned.
 */
void vmarena_user_init(u64 max_pages, u64 max_pinned)
{
	vmarena_user_set_limit(false, max_pages);
	vmarena_user_set_limit(true, max_pinned);
}
