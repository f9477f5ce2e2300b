/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - global counters (debugfs vmarena/stats, the STATS ioctl).
 *
 * One struct of atomic64_t, each field with its unit; add a field, add its
 * line to vmarena_stats_show() and to Documentation/debugfs.rst.
 */
#ifndef _VMARENA_STATS_H
#define _VMARENA_STATS_H

#include <linux/atomic.h>
#include <linux/seq_file.h>

struct vmarena_stats {
	atomic64_t spaces_created;	/* spaces opened since load */
	atomic64_t spaces_destroyed;	/* spaces freed since load */
	atomic64_t mmaps;		/* successful mmap() calls */
	atomic64_t ioctls;		/* ioctl() calls, any command */
	atomic64_t ioctl_errors;	/* ioctl() calls that failed */
};

extern struct vmarena_stats vmarena_stats;

static inline void vmarena_count(atomic64_t *counter)
{
	atomic64_inc(counter);
}

int vmarena_stats_show(struct seq_file *m, void *unused);

#endif /* _VMARENA_STATS_H */
