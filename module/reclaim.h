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

int vmarena_reclaim_init(const char *policy, u64 low, u64 high);
void vmarena_reclaim_exit(void);
bool vmarena_reclaim_direct(struct vmarena_space *self);

int vmarena_reclaim_set_policy(const char *name);
ssize_t vmarena_reclaim_policy_show(char *buf, size_t len);
int vmarena_reclaim_show(struct seq_file *m, void *unused);

#endif /* _VMARENA_RECLAIM_H */
