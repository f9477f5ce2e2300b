// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - the global counters and their text form.
 */
#include "stats.h"
#include "arena.h"
#include "caches.h"

struct vmarena_stats vmarena_stats;

#define STAT_LINE(m, name) \
	seq_printf(m, "%-20s %lld\n", #name, atomic64_read(&vmarena_stats.name))

static void stat_u64(struct seq_file *m, const char *name, u64 v)
{
	seq_printf(m, "%-20s %llu\n", name, v);
}

static void stats_arena_show(struct seq_file *m)
{
	struct vmarena_arena_counters c;
	char name[24];
	int o;

	vmarena_arena_counters(&c);
	stat_u64(m, "arena_frames", vmarena_arena_frames());
	stat_u64(m, "free_frames", vmarena_arena_free_frames());
	for (o = 0; o < VMARENA_NR_ORDERS; o++) {
		snprintf(name, sizeof(name), "alloc_order_%d", o);
		stat_u64(m, name, c.alloc[o]);
	}
	for (o = 0; o < VMARENA_NR_ORDERS; o++) {
		snprintf(name, sizeof(name), "free_order_%d", o);
		stat_u64(m, name, c.free[o]);
	}
	stat_u64(m, "pcp_hits", c.pcp_hits);
	stat_u64(m, "splits", c.splits);
	stat_u64(m, "merges", c.merges);
	stat_u64(m, "alloc_failures", c.failures);
	stat_u64(m, "alloc_injected", c.injected);
	stat_u64(m, "bad_frees", c.bad_frees);
}

static void stats_slab_show(struct seq_file *m)
{
	struct vmarena_slab_stats t = {};
	int i;

	for (i = 0; i < VMARENA_NR_CACHES; i++) {
		struct vmarena_slab_stats *s = &vmarena_caches[i].stats;

		t.allocs += READ_ONCE(s->allocs);
		t.frees += READ_ONCE(s->frees);
		t.failures += READ_ONCE(s->failures);
		t.injected += READ_ONCE(s->injected);
		t.slabs_created += READ_ONCE(s->slabs_created);
		t.slabs_destroyed += READ_ONCE(s->slabs_destroyed);
		t.overflows += READ_ONCE(s->overflows);
		t.use_after_free += READ_ONCE(s->use_after_free);
		t.double_frees += READ_ONCE(s->double_frees);
	}
	stat_u64(m, "slab_allocs", t.allocs);
	stat_u64(m, "slab_frees", t.frees);
	stat_u64(m, "slab_failures", t.failures);
	stat_u64(m, "slab_injected", t.injected);
	stat_u64(m, "slabs_created", t.slabs_created);
	stat_u64(m, "slabs_destroyed", t.slabs_destroyed);
	stat_u64(m, "slab_overflows", t.overflows);
	stat_u64(m, "slab_use_after_free", t.use_after_free);
	stat_u64(m, "slab_double_frees", t.double_frees);
}

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
	stats_arena_show(m);
	stats_slab_show(m);
	STAT_LINE(m, spaces_created);
	STAT_LINE(m, spaces_destroyed);
	STAT_LINE(m, mmaps);
	STAT_LINE(m, ioctls);
	STAT_LINE(m, ioctl_errors);
	return 0;
}
