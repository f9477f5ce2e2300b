/* SPDX-License-Identifier: GPL-2.0 */
/*
 * space.h - address spaces: one per open() of /dev/vmarena.
 */
#ifndef _VMARENA_SPACE_H
#define _VMARENA_SPACE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "pagetable.h"
#include "policy.h"
#include "user.h"

/**
 * struct vmarena_family - spaces that may share frames and slots: a space
 * and every clone made from it or from its clones.
 * @lock:   the lock of every member (space.h: "the space lock"): their
 *          page tables, checkpoints, rings and the frames they hold.  One
 *          lock for the family is what lets a shared page be found and
 *          changed in every table that holds it.
 * @ref:    one reference per member space.
 * @spaces: the members (vmarena_space.family_node), under @lock.
 */
struct vmarena_family {
	struct mutex lock;	/* see the kernel-doc above */
	struct kref ref;
	struct list_head spaces;
};

/**
 * struct vmarena_gen - a checkpoint: generation @gen of a space, a page
 * table sharing its frames and slots copy-on-write.
 * @node:       in its space's list, oldest first.
 * @gen:        its generation number.
 * @pt:         its page table (entries as in a live table, never present
 *              in a hardware mapping).
 * @pt_frames:  page-table frames last accounted in the global counter.
 * @created_ns: when it was taken (CLOCK_MONOTONIC).
 * @busy:       EXPORTs reading it: it cannot be dropped or re-armed.
 */
struct vmarena_gen {
	struct list_head node;
	u64 gen;
	struct vmarena_pt pt;
	u64 pt_frames;
	u64 created_ns;
	unsigned int busy;
};

/**
 * struct vmarena_changes - the pages whose entry may differ from @gen's.
 * @vpns:   their page numbers: the first @sorted ascending and distinct,
 *          then the ones noted since, in any order, repeats allowed.
 * @nr:     entries in @vpns.
 * @sorted: of those, the ordered prefix.
 * @cap:    entries @vpns has room for.
 * @gen:    the generation they are compared with; 0 when none is tracked.
 *
 * Protected by the space's lock.
 */
struct vmarena_changes {
	u64 *vpns;
	u32 nr;
	u32 sorted;
	u32 cap;
	u64 gen;
};

/* A swap entry whose page was lost to a read error: accesses get SIGBUS. */
#define VMARENA_SLOT_LOST	((u64)U32_MAX)

/*
 * The software TLB in front of the shadow walk for kernel-side accesses.
 * An entry caches the slot of a present page's shadow PTE; whoever clears
 * or replaces a page's entry flushes its TLB entry (a node, hence a slot,
 * lives as long as it holds an entry).
 */
#define VMARENA_TLB_ENTRIES	64

/* Zero-page mappings noted by window of 16 pages, modulo 1024 windows. */
#define VMARENA_ZERO_WINDOW_SHIFT	4
#define VMARENA_ZERO_WINDOWS		1024

struct vmarena_tlb_entry {
	u64 vpn;	/* U64_MAX: invalid */
	u64 *pte;	/* the page's shadow PTE slot */
};

/*
 * A space's counters; written under its lock, read with READ_ONCE(), but
 * for the atomic ones, counted without it too.
 */
struct vmarena_space_counters {
	u64 faults_first_touch;	/* faults that allocated a zeroed frame */
	u64 faults_zero;	/* pages its reads mapped the zero page at */
	atomic64_t faults_minor; /* faults on a resident page */
	atomic64_t faults_around; /* pages mapped around a fault */
	atomic64_t write_notify; /* first writes through a clean mapping */
	u64 tlb_hits;		/* pread/pwrite translations from the TLB */
	u64 tlb_misses;		/* ... that walked the page table */
	u64 sigbus;		/* faults answered with SIGBUS */
	u64 discarded;		/* pages dropped by DISCARD */
	u64 bytes_read;		/* bytes read by read()/pread() */
	u64 bytes_written;	/* bytes written by write()/pwrite() */
	u64 evictions;		/* pages taken from their frames */
	u64 swap_outs;		/* ... written to a slot on the way */
	u64 clean_drops;	/* ... dropped with no write */
	u64 swap_ins;		/* major faults: reads of a slot started */
	u64 swap_readahead;	/* pages read ahead of them (reads started) */
	u64 swap_readahead_hits; /* ... that a fault found */
	u64 io_errors;		/* pages whose read or write failed */
	u64 policy_scans;	/* pages the policy looked at */
	u64 cow_breaks;		/* writes that copied a shared page */
	u64 cow_reuses;		/* ... that found it no longer shared */
	u64 restores;		/* RESTOREs */
	u64 rewinds;		/* REWINDs */
	u64 rewind_copies;	/* pages REWIND copied back in place */
	u64 rewind_resets;	/* entries REWIND set back */
	u64 rewind_restores;	/* REWINDs done as a RESTORE */
};

/**
 * struct vmarena_readahead - a space's swap-in readahead (access.c).
 * @prev:   the last page a swap-in fault read, or a fault found read ahead.
 * @hits:   faults that found a page read ahead, since the last swap-in.
 * @window: pages the last swap-in fault read.
 */
struct vmarena_readahead {
	u64 prev;
	u32 hits;
	u32 window;
};

/**
 * struct vmarena_space - an address space.
 * @id:           unique among the spaces of this load of the module, never
 *                reused; names spaces/<id>/ in debugfs and is the space
 *                field of tracepoints.
 * @ref:          one reference for its file (mappings hold the file) until
 *                the file's release tears the space down
 *                (vmarena_space_destroy()), and one for each holder
 *                that took it from the list of live spaces (the
 *                reclaimer, SPACE_STATS); the last vmarena_space_put()
 *                frees its memory (live.c).
 * @lock:         its family's lock (share.h): protects everything below
 *                but @id, @ref, @inode, @family and @node, and the frames
 *                holding its pages.  Taken in the fault path: never held across a
 *                user copy.
 * @family:       the spaces it may share frames with (itself, its clones,
 *                what it was cloned from).
 * @family_node:  in @family's list of spaces.
 * @pt:           the shadow page table.
 * @inode:        its address_space (i_mapping) for its hardware mappings.
 * @user:         the user charged for it (user.c): who created it.
 * @resident:     frames charged to it: in its ring, or pinned (a shared
 *                frame is charged to one of its holders, see share.c).
 * @pt_frames:    page-table frames last accounted in the global counter.
 * @max_pages:    cap on the pages it holds.
 * @max_resident: cap on @resident.
 * @swapped:      pages in swap slots.
 * @pinned:       pages pinned resident (PIN).
 * @ckpts:        its checkpoints (struct vmarena_gen), oldest first.
 * @nr_ckpts:     how many.
 * @last_gen:     the newest generation it took (0: none yet).
 * @lineage:      a random number naming it in the streams it exports.
 * @import_source: the lineage of the last stream it imported, while its
 *                contents are still that stream's generation ...
 * @import_gen:   ... that generation; 0 once it changed (a delta stream
 *                applies only onto its base).
 * @changes:      the pages that may no longer hold the generation it
 *                tracks, for REWIND (changes.c).
 * @lru:          its resident ring (unpinned pages), in policy order.
 * @node:         in the list of live spaces (live.c), under its lock.
 * @dead:         torn down: its file is released and it holds nothing.
 * @zero_windows: the windows of 16 pages (modulo 1024) where a read of a
 *                hole mapped the kernel's zero page, set under the lock and
 *                cleared when every mapping goes: a page made in one may
 *                have zero-page mappings to zap (fault.c).
 * @tlb:          the software TLB, direct-mapped by page number.
 * @ra:           swap-in readahead.
 * @c:            counters.
 * @debugfs:      its spaces/<id>/ directory.
 */
struct vmarena_space {
	u64 id;
	struct kref ref;
	struct mutex *lock;	/* see the kernel-doc above */
	struct vmarena_family *family;
	struct list_head family_node;
	struct vmarena_pt pt;
	struct inode *inode;
	struct vmarena_user *user;
	u64 resident;
	u64 pt_frames;
	u64 max_pages;
	u64 max_resident;
	u64 swapped;
	u64 pinned;
	struct list_head ckpts;
	unsigned int nr_ckpts;
	u64 last_gen;
	u64 lineage;
	u64 import_source;
	u64 import_gen;
	struct vmarena_changes changes;
	struct vmarena_lru lru;
	struct list_head node;
	bool dead;
	DECLARE_BITMAP(zero_windows, VMARENA_ZERO_WINDOWS);
	struct vmarena_tlb_entry tlb[VMARENA_TLB_ENTRIES];
	struct vmarena_readahead ra;
	struct vmarena_space_counters c;
	struct dentry *debugfs;
};

/* The bit of @vpn's window in struct vmarena_space.zero_windows. */
static inline unsigned long vmarena_zero_window(u64 vpn)
{
	return (vpn >> VMARENA_ZERO_WINDOW_SHIFT) % VMARENA_ZERO_WINDOWS;
}

/* The space a user page's frame is charged to. */
static inline struct vmarena_space *vmarena_frame_owner(u32 frame)
{
	return vmarena_frame_table()[frame].owner;
}

/* @n more (or, negative, fewer) frames charged to @space and its user. */
static inline void vmarena_space_resident_add(struct vmarena_space *space,
					      s64 n)
{
	space->resident += n;
	vmarena_user_charge(space->user, n);
}

/*
 * The entry bits of a page written now: the newest generation the space
 * has taken (0 before its first), modulo 256 (pagetable.h).  Read once:
 * a write notification without the space lock compares with it.
 */
static inline u64 vmarena_space_gen_bits(const struct vmarena_space *space)
{
	return (READ_ONCE(space->last_gen) << VMARENA_PTE_GEN_SHIFT) &
	       VMARENA_PTE_GEN_MASK;
}

#endif /* _VMARENA_SPACE_H */
