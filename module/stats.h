/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - the counters reported: debugfs vmarena/stats and the STATS
 * ioctl gather the device's (counters.h), the arena's and the caches'.
 */
#ifndef _VMARENA_STATS_H
#define _VMARENA_STATS_H

#include <linux/seq_file.h>
#include <linux/slab.h>

#include "internal.h"

struct vmarena_space;

int vmarena_stats_show(struct seq_file *m, void *unused);
void vmarena_stats_global(u64 *v);
void vmarena_space_stats(struct vmarena_space *space, u64 *v);
extern const char * const vmarena_space_stat_names[VMARENA_NR_SPACE_STATS];

#endif /* _VMARENA_STATS_H */
