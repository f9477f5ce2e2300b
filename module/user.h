/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user.h - per-user accounting: what each user's spaces hold, against
 * per-user limits (Documentation/vmarena.rst, "Accounting").
 */
#ifndef _VMARENA_USER_H
#define _VMARENA_USER_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/seq_file.h>
#include <linux/types.h>
#include <linux/uidgid.h>

/**
 * struct vmarena_user - a user's charge.
 * @node:    in the list of users (user.c), under its lock.
 * @uid:     the user (in the initial user namespace).
 * @ref:     one for each of its spaces and each swap slot charged to it;
 *           the last put frees it.
 * @pages:   pages charged: frames of its spaces' pages (live, copies,
 *           kept by checkpoints), page-table frames, one per space, and
 *           swap slots held by swap entries only.
 * @pinned:  pages its spaces have pinned.
 * @spaces:  its spaces.
 * @refused: allocations and pins refused at its limits (-EDQUOT).
 */
struct vmarena_user {
	struct list_head node;
	kuid_t uid;
	refcount_t ref;
	atomic64_t pages;
	atomic64_t pinned;
	atomic64_t spaces;
	atomic64_t refused;
};

struct vmarena_user *vmarena_user_get(kuid_t uid);
void vmarena_user_hold(struct vmarena_user *user);
void vmarena_user_put(struct vmarena_user *user);
bool vmarena_user_room(struct vmarena_user *user, u64 n);
bool vmarena_user_pin_room(struct vmarena_user *user, u64 n);

/* Root's spaces are charged but not limited. */
static inline bool vmarena_user_limited(const struct vmarena_user *user)
{
	return !uid_eq(user->uid, GLOBAL_ROOT_UID);
}

/* Charges (or, negative, uncharges) @n pages; never refused. */
static inline void vmarena_user_charge(struct vmarena_user *user, s64 n)
{
	atomic64_add(n, &user->pages);
}

static inline void vmarena_user_pin(struct vmarena_user *user, s64 n)
{
	atomic64_add(n, &user->pinned);
}

u64 vmarena_user_max_pages(void);
u64 vmarena_user_half_memory(void);
u64 vmarena_user_max_pinned(void);
void vmarena_user_set_swap_slots(u64 n);
void vmarena_user_set_limit(bool pinned, u64 max);
int vmarena_users_show(struct seq_file *m, void *unused);
void vmarena_user_init(u64 max_pages, u64 max_pinned);

#endif /* _VMARENA_USER_H */
