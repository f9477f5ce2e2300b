// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - the global counters: one snapshot, two views (debugfs
 * vmarena/stats and the STATS ioctl), so names and values cannot drift.
 */
#include "stats.h"
#include "arena.h"
#include "caches.h"

struct vmarena_counters vmarena_counters;

/* Indexed by enum vmarena_global_stat (include/uapi/linux/vmarena.h). */
static const char * const vmarena_stat_names[VMARENA_NR_GLOBAL_STATS] = {
	[VMARENA_STAT_ARENA_FRAMES] = "arena_frames",
	[VMARENA_STAT_FREE_FRAMES] = "free_frames",
	[VMARENA_STAT_ALLOC_ORDER_0 + 0] = "alloc_order_0",
	[VMARENA_STAT_ALLOC_ORDER_0 + 1] = "alloc_order_1",
	[VMARENA_STAT_ALLOC_ORDER_0 + 2] = "alloc_order_2",
	[VMARENA_STAT_ALLOC_ORDER_0 + 3] = "alloc_order_3",
	[VMARENA_STAT_ALLOC_ORDER_0 + 4] = "alloc_order_4",
	[VMARENA_STAT_ALLOC_ORDER_0 + 5] = "alloc_order_5",
	[VMARENA_STAT_ALLOC_ORDER_0 + 6] = "alloc_order_6",
	[VMARENA_STAT_ALLOC_ORDER_0 + 7] = "alloc_order_7",
	[VMARENA_STAT_ALLOC_ORDER_0 + 8] = "alloc_order_8",
	[VMARENA_STAT_ALLOC_ORDER_0 + 9] = "alloc_order_9",
	[VMARENA_STAT_ALLOC_ORDER_0 + 10] = "alloc_order_10",
	[VMARENA_STAT_FREE_ORDER_0 + 0] = "free_order_0",
	[VMARENA_STAT_FREE_ORDER_0 + 1] = "free_order_1",
	[VMARENA_STAT_FREE_ORDER_0 + 2] = "free_order_2",
	[VMARENA_STAT_FREE_ORDER_0 + 3] = "free_order_3",
	[VMARENA_STAT_FREE_ORDER_0 + 4] = "free_order_4",
	[VMARENA_STAT_FREE_ORDER_0 + 5] = "free_order_5",
	[VMARENA_STAT_FREE_ORDER_0 + 6] = "free_order_6",
	[VMARENA_STAT_FREE_ORDER_0 + 7] = "free_order_7",
	[VMARENA_STAT_FREE_ORDER_0 + 8] = "free_order_8",
	[VMARENA_STAT_FREE_ORDER_0 + 9] = "free_order_9",
	[VMARENA_STAT_FREE_ORDER_0 + 10] = "free_order_10",
	[VMARENA_STAT_PCP_HITS] = "pcp_hits",
	[VMARENA_STAT_SPLITS] = "splits",
	[VMARENA_STAT_MERGES] = "merges",
	[VMARENA_STAT_ALLOC_FAILURES] = "alloc_failures",
	[VMARENA_STAT_ALLOC_INJECTED] = "alloc_injected",
	[VMARENA_STAT_BAD_FREES] = "bad_frees",
	[VMARENA_STAT_SLAB_ALLOCS] = "slab_allocs",
	[VMARENA_STAT_SLAB_FREES] = "slab_frees",
	[VMARENA_STAT_SLAB_FAILURES] = "slab_failures",
	[VMARENA_STAT_SLAB_INJECTED] = "slab_injected",
	[VMARENA_STAT_SLABS_CREATED] = "slabs_created",
	[VMARENA_STAT_SLABS_DESTROYED] = "slabs_destroyed",
	[VMARENA_STAT_SLAB_OVERFLOWS] = "slab_overflows",
	[VMARENA_STAT_SLAB_USE_AFTER_FREE] = "slab_use_after_free",
	[VMARENA_STAT_SLAB_DOUBLE_FREES] = "slab_double_frees",
	[VMARENA_STAT_SPACES_CREATED] = "spaces_created",
	[VMARENA_STAT_SPACES_DESTROYED] = "spaces_destroyed",
	[VMARENA_STAT_MMAPS] = "mmaps",
	[VMARENA_STAT_IOCTLS] = "ioctls",
	[VMARENA_STAT_IOCTL_ERRORS] = "ioctl_errors",
};

static void snapshot_arena(u64 *v)
{
	struct vmarena_arena_counters c;
	int o;

	vmarena_arena_counters(&c);
	v[VMARENA_STAT_ARENA_FRAMES] = vmarena_arena_frames();
	v[VMARENA_STAT_FREE_FRAMES] = vmarena_arena_free_frames();
	for (o = 0; o < VMARENA_NR_ORDERS; o++) {
		v[VMARENA_STAT_ALLOC_ORDER_0 + o] = c.alloc[o];
		v[VMARENA_STAT_FREE_ORDER_0 + o] = c.free[o];
	}
	v[VMARENA_STAT_PCP_HITS] = c.pcp_hits;
	v[VMARENA_STAT_SPLITS] = c.splits;
	v[VMARENA_STAT_MERGES] = c.merges;
	v[VMARENA_STAT_ALLOC_FAILURES] = c.failures;
	v[VMARENA_STAT_ALLOC_INJECTED] = c.injected;
	v[VMARENA_STAT_BAD_FREES] = c.bad_frees;
}

static void snapshot_slabs(u64 *v)
{
	int i;

	for (i = 0; i < VMARENA_NR_CACHES; i++) {
		struct vmarena_slab_stats *s = &vmarena_caches[i].stats;

		v[VMARENA_STAT_SLAB_ALLOCS] += READ_ONCE(s->allocs);
		v[VMARENA_STAT_SLAB_FREES] += READ_ONCE(s->frees);
		v[VMARENA_STAT_SLAB_FAILURES] += READ_ONCE(s->failures);
		v[VMARENA_STAT_SLAB_INJECTED] += READ_ONCE(s->injected);
		v[VMARENA_STAT_SLABS_CREATED] += READ_ONCE(s->slabs_created);
		v[VMARENA_STAT_SLABS_DESTROYED] += READ_ONCE(s->slabs_destroyed);
		v[VMARENA_STAT_SLAB_OVERFLOWS] += READ_ONCE(s->overflows);
		v[VMARENA_STAT_SLAB_USE_AFTER_FREE] += READ_ONCE(s->use_after_free);
		v[VMARENA_STAT_SLAB_DOUBLE_FREES] += READ_ONCE(s->double_frees);
	}
}

/**
 * vmarena_stats_global() - a snapshot of every global counter.
 * @v: out: VMARENA_NR_GLOBAL_STATS values, indexed by enum
 *     vmarena_global_stat.
 *
 * Each counter is read once; counters are not mutually consistent while
 * the arena is busy.
 */
void vmarena_stats_global(u64 *v)
{
	memset(v, 0, VMARENA_NR_GLOBAL_STATS * sizeof(*v));
	snapshot_arena(v);
	snapshot_slabs(v);
	v[VMARENA_STAT_SPACES_CREATED] = atomic64_read(&vmarena_counters.spaces_created);
	v[VMARENA_STAT_SPACES_DESTROYED] = atomic64_read(&vmarena_counters.spaces_destroyed);
	v[VMARENA_STAT_MMAPS] = atomic64_read(&vmarena_counters.mmaps);
	v[VMARENA_STAT_IOCTLS] = atomic64_read(&vmarena_counters.ioctls);
	v[VMARENA_STAT_IOCTL_ERRORS] = atomic64_read(&vmarena_counters.ioctl_errors);
}

/**
 * vmarena_stats_show() - print the global counters, one "name value" a line.
 * @m:      the seq_file.
 * @unused: seq_file private data, unused.
 *
 * The format is stable and documented in Documentation/debugfs.rst.
 *
 * Return: 0, or -ENOMEM.
 */
int vmarena_stats_show(struct seq_file *m, void *unused)
{
	u64 *v = kcalloc(VMARENA_NR_GLOBAL_STATS, sizeof(*v), GFP_KERNEL);
	int i;

	if (!v)
		return -ENOMEM;
	vmarena_stats_global(v);
	for (i = 0; i < VMARENA_NR_GLOBAL_STATS; i++)
		seq_printf(m, "%-20s %llu\n", vmarena_stat_names[i], v[i]);
	kfree(v);
	return 0;
}
