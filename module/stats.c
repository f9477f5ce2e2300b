// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - the global counters and their text form.
 */
#include "stats.h"
#include "arena.h"

struct vmarena_stats vmarena_stats;

#define STAT_LINE(m, name) \
	seq_printf(m, "%-20s %lld\n", #name, atomic64_read(&vmarena_stats.name))

/**
 * vmarena_stats_show() - print the global counters, one "name value" a line.
 * @m:      the seq_file.
 * @unused: seq_file private data, unused.
 *
 * The format is stable and documented in Documentation/debugfs.rst.
 *
 * Return: 0.
 */
int vmarena_stats_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%-20s %llu\n", "arena_frames", vmarena_arena_frames());
	seq_printf(m, "%-20s %llu\n", "free_frames", vmarena_arena_free_frames());
	STAT_LINE(m, spaces_created);
	STAT_LINE(m, spaces_destroyed);
	STAT_LINE(m, mmaps);
	STAT_LINE(m, ioctls);
	STAT_LINE(m, ioctl_errors);
	return 0;
}
