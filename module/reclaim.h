/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reclaim.h - the page-out daemon, direct reclaim, watermarks, and the
 * choice of the replacement policy, which evict.c keeps (reclaim.c).
 */
#ifndef _VMARENA_RECLAIM_H
#define _VMARENA_RECLAIM_H

#include <linux/seq_file.h>
#include <linux/types.h>

struct vmarena_space;

/* The reclaim tracepoint's kind. */
enum vmarena_reclaim_kind {
	VMARENA_RECLAIM_DAEMON,	/* the page-out daemon, low -> high */
	VMARENA_RECLAIM_DIRECT,	/* an allocation found the arena empty */
	VMARENA_RECLAIM_CAP,	/* a space reached its resident cap */
};

int vmarena_reclaim_init(const char *policy, u64 low, u64 high);
void vmarena_reclaim_exit(void);
void vmarena_reclaim_space_add(struct vmarena_space *space);
void vmarena_reclaim_space_del(struct vmarena_space *space);
void vmarena_reclaim_check(void);
/* Allocation attempts after direct reclaim before -ENOMEM. */
#define VMARENA_RECLAIM_TRIES	8
/*
 * Restarts of an operation that dropped its lock to reclaim (each after
 * a batch was evicted: another task's faults may take those frames first,
 * so a busy arena needs more than a few).
 */
#define VMARENA_RECLAIM_RETRIES	32

bool vmarena_reclaim_direct(struct vmarena_space *self);
unsigned int vmarena_reclaim_unlocked(void);
bool vmarena_reclaim_retry(u64 mark, unsigned int *tries);
bool vmarena_reclaim_short(void);

int vmarena_reclaim_set_policy(const char *name);
ssize_t vmarena_reclaim_policy_show(char *buf, size_t len);
void vmarena_reclaim_watermarks(u64 *low, u64 *high);
int vmarena_reclaim_set_watermarks(u64 low, u64 high);
int vmarena_reclaim_show(struct seq_file *m, void *unused);

#endif /* _VMARENA_RECLAIM_H */
