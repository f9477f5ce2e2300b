// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - the global counters: one snapshot, two views (debugfs
 * vmarena/stats and the STATS ioctl), so names and values cannot drift.
 */
#include "arena.h"
#include "caches.h"
#include "counters.h"
#include "pagetable.h"
#include "slab.h"
#include "space.h"
#include "stats.h"
#include "swap.h"

/*
 * The names, indexed by enum vmarena_global_stat and enum
 * vmarena_space_stat: expanded from the uapi header's lists, as the enums
 * are.
 */
static const char * const vmarena_stat_names[] = {
	VMARENA_GLOBAL_STATS(VMARENA_COUNTER_NAME)
};

const char * const vmarena_space_stat_names[] = {
	VMARENA_SPACE_STATS(VMARENA_COUNTER_NAME)
};

static_assert(ARRAY_SIZE(vmarena_stat_names) == VMARENA_NR_GLOBAL_STATS);
static_assert(ARRAY_SIZE(vmarena_space_stat_names) == VMARENA_NR_SPACE_STATS);
/* snapshot_arena() fills ALLOC_ORDER_0 + order and FREE_ORDER_0 + order. */
static_assert(VMARENA_STAT_FREE_ORDER_0 - VMARENA_STAT_ALLOC_ORDER_0 == VMARENA_NR_ORDERS);
static_assert(VMARENA_STAT_PCP_HITS - VMARENA_STAT_FREE_ORDER_0 == VMARENA_NR_ORDERS);

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
	v[VMARENA_STAT_DEFERRED_FREES] = c.deferred;
	v[VMARENA_STAT_ZEROED_HITS] = c.zeroed_hits;
	v[VMARENA_STAT_ZEROED_MISSES] = c.zeroed_misses;
	v[VMARENA_STAT_ZEROED_AHEAD] = c.zeroed;
	v[VMARENA_STAT_ZEROED_POOL] = vmarena_arena_zeroed_count();
}

#define COUNTER(v, id, field) \
	((v)[VMARENA_STAT_##id] = atomic64_read(&vmarena_counters.field))

static void snapshot_slabs(u64 *v)
{
	int i;

	for (i = 0; i < VMARENA_NR_CACHES; i++) {
		struct vmarena_slab_stats s;

		vmarena_slab_counts(&vmarena_caches[i], &s);
		v[VMARENA_STAT_SLAB_ALLOCS] += s.allocs;
		v[VMARENA_STAT_SLAB_FREES] += s.frees;
		v[VMARENA_STAT_SLAB_FAILURES] += s.failures;
		v[VMARENA_STAT_SLAB_INJECTED] += s.injected;
		v[VMARENA_STAT_SLABS_CREATED] += s.slabs_created;
		v[VMARENA_STAT_SLABS_DESTROYED] += s.slabs_destroyed;
		v[VMARENA_STAT_SLAB_OVERFLOWS] += s.overflows;
		v[VMARENA_STAT_SLAB_USE_AFTER_FREE] += s.use_after_free;
		v[VMARENA_STAT_SLAB_DOUBLE_FREES] += s.double_frees;
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
	COUNTER(v, SPACES_CREATED, spaces_created);
	COUNTER(v, SPACES_DESTROYED, spaces_destroyed);
	COUNTER(v, MMAPS, mmaps);
	COUNTER(v, IOCTLS, ioctls);
	COUNTER(v, IOCTL_ERRORS, ioctl_errors);
	COUNTER(v, RESIDENT, resident);
	COUNTER(v, PT_FRAMES, pt_frames);
	COUNTER(v, FAULTS_FIRST_TOUCH, faults_first_touch);
	COUNTER(v, FAULTS_MINOR, faults_minor);
	COUNTER(v, WRITE_NOTIFY, write_notify);
	COUNTER(v, TLB_HITS, tlb_hits);
	COUNTER(v, TLB_MISSES, tlb_misses);
	COUNTER(v, SIGBUS, sigbus);
	COUNTER(v, DISCARDED, discarded);
	vmarena_swap_counts(&v[VMARENA_STAT_SWAP_SLOTS],
			    &v[VMARENA_STAT_SWAP_SLOTS_USED],
			    &v[VMARENA_STAT_SWAP_SLOTS_RETIRED]);
	COUNTER(v, EVICTIONS, evictions);
	COUNTER(v, SWAP_OUTS, swap_outs);
	COUNTER(v, SWAP_OUT_BIOS, swap_out_bios);
	COUNTER(v, CLEAN_DROPS, clean_drops);
	COUNTER(v, SWAP_INS, swap_ins);
	COUNTER(v, READ_ERRORS, read_errors);
	COUNTER(v, WRITE_ERRORS, write_errors);
	COUNTER(v, DAEMON_WAKEUPS, daemon_wakeups);
	COUNTER(v, DIRECT_RECLAIMS, direct_reclaims);
	COUNTER(v, CAP_RECLAIMS, cap_reclaims);
	COUNTER(v, POLICY_SCANS, policy_scans);
	COUNTER(v, PINNED, pinned);
	COUNTER(v, CLONES, clones);
	COUNTER(v, COW_BREAKS, cow_breaks);
	COUNTER(v, COW_REUSES, cow_reuses);
	COUNTER(v, PAGES_SHARED, pages_shared);
	COUNTER(v, CHECKPOINTS, checkpoints);
	COUNTER(v, RESTORES, restores);
	COUNTER(v, CKPT_PAGES, ckpt_pages);
	COUNTER(v, EXPORT_PAGES, export_pages);
	COUNTER(v, EXPORT_BYTES, export_bytes);
	COUNTER(v, IMPORT_PAGES, import_pages);
	COUNTER(v, IMPORT_BYTES, import_bytes);
	COUNTER(v, STREAMS_REJECTED, streams_rejected);
	COUNTER(v, REWINDS, rewinds);
	COUNTER(v, REWIND_COPIES, rewind_copies);
	COUNTER(v, REWIND_RESETS, rewind_resets);
	COUNTER(v, REWIND_RESTORES, rewind_restores);
	COUNTER(v, FAULTS_AROUND, faults_around);
	COUNTER(v, SWAP_READAHEAD, swap_readahead);
	COUNTER(v, SWAP_READAHEAD_HITS, swap_readahead_hits);
	COUNTER(v, SWAP_IN_BIOS, swap_in_bios);
	COUNTER(v, FAULTS_ZERO, faults_zero);
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

/**
 * vmarena_space_stats() - the space's counters, by enum vmarena_space_stat.
 * @space: the space.
 * @v:     out: VMARENA_NR_SPACE_STATS values.
 */
void vmarena_space_stats(struct vmarena_space *space, u64 *v)
{
	mutex_lock(space->lock);
	v[VMARENA_SPACE_STAT_ID] = space->id;
	v[VMARENA_SPACE_STAT_RESIDENT] = space->resident;
	v[VMARENA_SPACE_STAT_PAGES] = space->pt.used;
	v[VMARENA_SPACE_STAT_PT_FRAMES] = vmarena_pt_frames(&space->pt);
	v[VMARENA_SPACE_STAT_MAX_PAGES] = space->max_pages;
	v[VMARENA_SPACE_STAT_MAX_RESIDENT] = space->max_resident;
	v[VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH] = space->c.faults_first_touch;
	v[VMARENA_SPACE_STAT_FAULTS_MINOR] = atomic64_read(&space->c.faults_minor);
	v[VMARENA_SPACE_STAT_WRITE_NOTIFY] = atomic64_read(&space->c.write_notify);
	v[VMARENA_SPACE_STAT_TLB_HITS] = space->c.tlb_hits;
	v[VMARENA_SPACE_STAT_TLB_MISSES] = space->c.tlb_misses;
	v[VMARENA_SPACE_STAT_SIGBUS] = space->c.sigbus;
	v[VMARENA_SPACE_STAT_DISCARDED] = space->c.discarded;
	v[VMARENA_SPACE_STAT_BYTES_READ] = space->c.bytes_read;
	v[VMARENA_SPACE_STAT_BYTES_WRITTEN] = space->c.bytes_written;
	v[VMARENA_SPACE_STAT_SWAPPED] = space->swapped;
	v[VMARENA_SPACE_STAT_PINNED] = space->pinned;
	v[VMARENA_SPACE_STAT_EVICTIONS] = space->c.evictions;
	v[VMARENA_SPACE_STAT_SWAP_OUTS] = space->c.swap_outs;
	v[VMARENA_SPACE_STAT_CLEAN_DROPS] = space->c.clean_drops;
	v[VMARENA_SPACE_STAT_SWAP_INS] = space->c.swap_ins;
	v[VMARENA_SPACE_STAT_IO_ERRORS] = space->c.io_errors;
	v[VMARENA_SPACE_STAT_POLICY_SCANS] = space->c.policy_scans;
	v[VMARENA_SPACE_STAT_COW_BREAKS] = space->c.cow_breaks;
	v[VMARENA_SPACE_STAT_COW_REUSES] = space->c.cow_reuses;
	v[VMARENA_SPACE_STAT_CHECKPOINTS] = space->nr_ckpts;
	v[VMARENA_SPACE_STAT_LAST_GENERATION] = space->last_gen;
	v[VMARENA_SPACE_STAT_RESTORES] = space->c.restores;
	v[VMARENA_SPACE_STAT_USER_PAGES] = atomic64_read(&space->user->pages);
	v[VMARENA_SPACE_STAT_USER_PINNED] = atomic64_read(&space->user->pinned);
	v[VMARENA_SPACE_STAT_REWINDS] = READ_ONCE(space->c.rewinds);
	v[VMARENA_SPACE_STAT_REWIND_COPIES] = READ_ONCE(space->c.rewind_copies);
	v[VMARENA_SPACE_STAT_REWIND_RESETS] = READ_ONCE(space->c.rewind_resets);
	v[VMARENA_SPACE_STAT_REWIND_RESTORES] = READ_ONCE(space->c.rewind_restores);
	v[VMARENA_SPACE_STAT_FAULTS_AROUND] = atomic64_read(&space->c.faults_around);
	v[VMARENA_SPACE_STAT_SWAP_READAHEAD] = space->c.swap_readahead;
	v[VMARENA_SPACE_STAT_SWAP_READAHEAD_HITS] = space->c.swap_readahead_hits;
	v[VMARENA_SPACE_STAT_FAULTS_ZERO] = space->c.faults_zero;
	mutex_unlock(space->lock);
}
