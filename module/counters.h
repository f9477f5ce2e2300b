/* SPDX-License-Identifier: GPL-2.0 */
/*
 * counters.h - the device's global counters, as atomic64_t, each with its
 * unit: every layer counts here, stats.c reports them (debugfs
 * vmarena/stats, the STATS ioctl) beside the arena's and the caches',
 * which their owners keep.  A new counter is appended to enum
 * vmarena_global_stat (uapi), named in stats.c and documented in
 * Documentation/debugfs.rst.
 */
#ifndef _VMARENA_COUNTERS_H
#define _VMARENA_COUNTERS_H

#include <linux/atomic.h>

#include "internal.h"

struct vmarena_counters {
	atomic64_t spaces_created;	/* spaces opened since load */
	atomic64_t spaces_destroyed;	/* spaces freed since load */
	atomic64_t mmaps;		/* successful mmap() calls */
	atomic64_t ioctls;		/* ioctl() calls, any command */
	atomic64_t ioctl_errors;	/* ioctl() calls that failed */
	atomic64_t resident;		/* frames holding pages of spaces */
	atomic64_t pt_frames;		/* frames holding page-table nodes */
	atomic64_t faults_first_touch;	/* faults that made a zeroed page */
	atomic64_t faults_minor;	/* faults on a resident page */
	atomic64_t faults_zero;		/* pages reads mapped the zero page at */
	atomic64_t faults_around;	/* pages mapped around a fault */
	atomic64_t write_notify;	/* first writes through clean mappings */
	atomic64_t tlb_hits;		/* pread/pwrite translations: TLB hits */
	atomic64_t tlb_misses;		/* ... and page-table walks */
	atomic64_t sigbus;		/* faults answered with SIGBUS */
	atomic64_t discarded;		/* pages dropped by DISCARD */
	atomic64_t evictions;		/* pages taken from their frames */
	atomic64_t swap_outs;		/* pages written to swap slots */
	atomic64_t swap_out_bios;	/* write bios (pages per bio: ratio) */
	atomic64_t clean_drops;		/* evictions with no write */
	atomic64_t swap_ins;		/* pages read back from swap slots */
	atomic64_t swap_readahead;	/* ... read ahead of them, in their bio */
	atomic64_t swap_readahead_hits;	/* ... that a fault found */
	atomic64_t swap_in_bios;	/* read bios */
	atomic64_t read_errors;		/* swap reads that failed (pages) */
	atomic64_t write_errors;	/* swap writes that failed (pages) */
	atomic64_t daemon_wakeups;	/* runs of the page-out daemon */
	atomic64_t direct_reclaims;	/* allocations that reclaimed first */
	atomic64_t cap_reclaims;	/* evictions forced by a resident cap */
	atomic64_t policy_scans;	/* pages a policy looked at */
	atomic64_t pinned;		/* pinned pages */
	atomic64_t clones;		/* CLONE calls that succeeded */
	atomic64_t cow_breaks;		/* writes that copied a shared page */
	atomic64_t cow_reuses;		/* ... that found it unshared: no copy */
	atomic64_t pages_shared;	/* frames and slots held by >1 entry */
	atomic64_t checkpoints;		/* generations taken */
	atomic64_t restores;		/* successful RESTOREs */
	atomic64_t ckpt_pages;		/* pages captured by checkpoints */
	atomic64_t export_pages;	/* page records exported */
	atomic64_t export_bytes;	/* stream bytes exported */
	atomic64_t import_pages;	/* page records imported */
	atomic64_t import_bytes;	/* stream bytes imported */
	atomic64_t streams_rejected;	/* IMPORTs refused */
	atomic64_t rewinds;		/* successful REWINDs */
	atomic64_t rewind_copies;	/* pages REWIND copied back */
	atomic64_t rewind_resets;	/* entries REWIND set back */
	atomic64_t rewind_restores;	/* REWINDs done as a RESTORE */
};

extern struct vmarena_counters vmarena_counters;

static inline void vmarena_count(atomic64_t *counter)
{
	atomic64_inc(counter);
}

#endif /* _VMARENA_COUNTERS_H */
