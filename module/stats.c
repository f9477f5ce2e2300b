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
	[VMARENA_STAT_RESIDENT] = "resident",
	[VMARENA_STAT_PT_FRAMES] = "pt_frames",
	[VMARENA_STAT_FAULTS_FIRST_TOUCH] = "faults_first_touch",
	[VMARENA_STAT_FAULTS_MINOR] = "faults_minor",
	[VMARENA_STAT_WRITE_NOTIFY] = "write_notify",
	[VMARENA_STAT_TLB_HITS] = "tlb_hits",
	[VMARENA_STAT_TLB_MISSES] = "tlb_misses",
	[VMARENA_STAT_SIGBUS] = "sigbus",
	[VMARENA_STAT_DISCARDED] = "discarded",
	[VMARENA_STAT_DEFERRED_FREES] = "deferred_frees",
	[VMARENA_STAT_SWAP_SLOTS] = "swap_slots",
	[VMARENA_STAT_SWAP_SLOTS_USED] = "swap_slots_used",
	[VMARENA_STAT_SWAP_SLOTS_RETIRED] = "swap_slots_retired",
	[VMARENA_STAT_EVICTIONS] = "evictions",
	[VMARENA_STAT_SWAP_OUTS] = "swap_outs",
	[VMARENA_STAT_SWAP_OUT_BIOS] = "swap_out_bios",
	[VMARENA_STAT_CLEAN_DROPS] = "clean_drops",
	[VMARENA_STAT_SWAP_INS] = "swap_ins",
	[VMARENA_STAT_READ_ERRORS] = "read_errors",
	[VMARENA_STAT_WRITE_ERRORS] = "write_errors",
	[VMARENA_STAT_DAEMON_WAKEUPS] = "daemon_wakeups",
	[VMARENA_STAT_DIRECT_RECLAIMS] = "direct_reclaims",
	[VMARENA_STAT_CAP_RECLAIMS] = "cap_reclaims",
	[VMARENA_STAT_POLICY_SCANS] = "policy_scans",
	[VMARENA_STAT_PINNED] = "pinned",
	[VMARENA_STAT_CLONES] = "clones",
	[VMARENA_STAT_COW_BREAKS] = "cow_breaks",
	[VMARENA_STAT_COW_REUSES] = "cow_reuses",
	[VMARENA_STAT_PAGES_SHARED] = "pages_shared",
	[VMARENA_STAT_CHECKPOINTS] = "checkpoints",
	[VMARENA_STAT_RESTORES] = "restores",
	[VMARENA_STAT_CKPT_PAGES] = "ckpt_pages",
	[VMARENA_STAT_EXPORT_PAGES] = "export_pages",
	[VMARENA_STAT_EXPORT_BYTES] = "export_bytes",
	[VMARENA_STAT_IMPORT_PAGES] = "import_pages",
	[VMARENA_STAT_IMPORT_BYTES] = "import_bytes",
	[VMARENA_STAT_STREAMS_REJECTED] = "streams_rejected",
	[VMARENA_STAT_REWINDS] = "rewinds",
	[VMARENA_STAT_REWIND_COPIES] = "rewind_copies",
	[VMARENA_STAT_REWIND_RESETS] = "rewind_resets",
	[VMARENA_STAT_REWIND_RESTORES] = "rewind_restores",
};

/* Indexed by enum vmarena_space_stat (include/uapi/linux/vmarena.h). */
const char * const vmarena_space_stat_names[VMARENA_NR_SPACE_STATS] = {
	[VMARENA_SPACE_STAT_ID] = "id",
	[VMARENA_SPACE_STAT_RESIDENT] = "resident",
	[VMARENA_SPACE_STAT_PAGES] = "pages",
	[VMARENA_SPACE_STAT_PT_FRAMES] = "pt_frames",
	[VMARENA_SPACE_STAT_MAX_PAGES] = "max_pages",
	[VMARENA_SPACE_STAT_MAX_RESIDENT] = "max_resident",
	[VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH] = "faults_first_touch",
	[VMARENA_SPACE_STAT_FAULTS_MINOR] = "faults_minor",
	[VMARENA_SPACE_STAT_WRITE_NOTIFY] = "write_notify",
	[VMARENA_SPACE_STAT_TLB_HITS] = "tlb_hits",
	[VMARENA_SPACE_STAT_TLB_MISSES] = "tlb_misses",
	[VMARENA_SPACE_STAT_SIGBUS] = "sigbus",
	[VMARENA_SPACE_STAT_DISCARDED] = "discarded",
	[VMARENA_SPACE_STAT_BYTES_READ] = "bytes_read",
	[VMARENA_SPACE_STAT_BYTES_WRITTEN] = "bytes_written",
	[VMARENA_SPACE_STAT_SWAPPED] = "swapped",
	[VMARENA_SPACE_STAT_PINNED] = "pinned",
	[VMARENA_SPACE_STAT_EVICTIONS] = "evictions",
	[VMARENA_SPACE_STAT_SWAP_OUTS] = "swap_outs",
	[VMARENA_SPACE_STAT_CLEAN_DROPS] = "clean_drops",
	[VMARENA_SPACE_STAT_SWAP_INS] = "swap_ins",
	[VMARENA_SPACE_STAT_IO_ERRORS] = "io_errors",
	[VMARENA_SPACE_STAT_POLICY_SCANS] = "policy_scans",
	[VMARENA_SPACE_STAT_COW_BREAKS] = "cow_breaks",
	[VMARENA_SPACE_STAT_COW_REUSES] = "cow_reuses",
	[VMARENA_SPACE_STAT_CHECKPOINTS] = "checkpoints",
	[VMARENA_SPACE_STAT_LAST_GENERATION] = "last_generation",
	[VMARENA_SPACE_STAT_RESTORES] = "restores",
	[VMARENA_SPACE_STAT_USER_PAGES] = "user_pages",
	[VMARENA_SPACE_STAT_USER_PINNED] = "user_pinned",
	[VMARENA_SPACE_STAT_REWINDS] = "rewinds",
	[VMARENA_SPACE_STAT_REWIND_COPIES] = "rewind_copies",
	[VMARENA_SPACE_STAT_REWIND_RESETS] = "rewind_resets",
	[VMARENA_SPACE_STAT_REWIND_RESTORES] = "rewind_restores",
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
	v[VMARENA_STAT_DEFERRED_FREES] = c.deferred;
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
	v[VMARENA_SPACE_STAT_FAULTS_MINOR] = space->c.faults_minor;
	v[VMARENA_SPACE_STAT_WRITE_NOTIFY] = space->c.write_notify;
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
	mutex_unlock(space->lock);
}
