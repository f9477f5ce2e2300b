/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmarena - a self-contained virtual-memory system behind /dev/vmarena.
 *
 * The only header shared with user space.  It needs nothing beyond
 * <linux/types.h> and <linux/ioctl.h>.  Rules every command follows
 * (Documentation/abi.rst has the per-command details):
 *
 *  - structures are made of fixed-width fields with no implicit padding;
 *    pointers travel in __u64 (REWIND takes a number, not a structure);
 *  - a field named reserved* must be zero on input (else -EINVAL) and is
 *    written as zero on output;
 *  - an unknown command returns -ENOTTY; a new need gets a new command,
 *    never a new version of an existing structure.
 */
#ifndef _UAPI_LINUX_VMARENA_H
#define _UAPI_LINUX_VMARENA_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Bumped on any incompatible change of this header; reported by INFO. */
#define VMARENA_ABI_VERSION	1

/* The offset space of a space: 48 bits of bytes, 2^36 pages of 4 KiB. */
#define VMARENA_PAGE_SHIFT	12
#define VMARENA_OFFSET_BITS	48

/* ioctl type 0xB8: unassigned in Documentation/userspace-api/ioctl/. */
#define VMARENA_IOC_MAGIC	0xB8

/**
 * struct vmarena_info - VMARENA_IOC_INFO: the arena and the calling space.
 * @abi_version:  VMARENA_ABI_VERSION of the running module.
 * @page_size:    bytes in a page (4096).
 * @arena_frames: frames in the arena (arena_mb * 256).
 * @free_frames:  frames free in the arena now.
 * @space_id:     the id of the address space this fd is; unique per load,
 *                names spaces/<id>/ in debugfs.
 * @reserved:     written as zero.
 */
struct vmarena_info {
	__u32 abi_version;
	__u32 page_size;
	__u64 arena_frames;
	__u64 free_frames;
	__u64 space_id;
	__u64 reserved[4];
};

#define VMARENA_IOC_INFO	_IOR(VMARENA_IOC_MAGIC, 0x00, struct vmarena_info)

/*
 * The counters, each table defined once, as a list of X(ID, name) in the
 * order of VMARENA_IOC_STATS's array and debugfs's "name value" lines.
 * ID completes the enumerator (VMARENA_STAT_ID, VMARENA_SPACE_STAT_ID);
 * name, ID in lower case, is the counter's name in debugfs, the CLI and
 * Documentation/ (debugfs.rst and abi.rst give each one's unit and
 * meaning; tools/check_counters checks that their tables list exactly
 * these).  The enums below, the module's names and the CLI's are expanded
 * from these lists.  A macro passed as X should use its arguments only
 * with ## and # (an ID such as SIGBUS is a macro elsewhere).  The names,
 * indexed by the enum:
 *
 *	const char *const names[] = { VMARENA_GLOBAL_STATS(VMARENA_COUNTER_NAME) };
 *
 * The values are ABI: new counters are only ever appended.
 */

/* The global counters (VMARENA_STATS_GLOBAL, debugfs vmarena/stats). */
#define VMARENA_GLOBAL_STATS(X)									\
	X(ARENA_FRAMES, arena_frames)								\
	X(FREE_FRAMES, free_frames)								\
	X(ALLOC_ORDER_0, alloc_order_0)			/* + order, 0..10 */			\
	X(ALLOC_ORDER_1, alloc_order_1)								\
	X(ALLOC_ORDER_2, alloc_order_2)								\
	X(ALLOC_ORDER_3, alloc_order_3)								\
	X(ALLOC_ORDER_4, alloc_order_4)								\
	X(ALLOC_ORDER_5, alloc_order_5)								\
	X(ALLOC_ORDER_6, alloc_order_6)								\
	X(ALLOC_ORDER_7, alloc_order_7)								\
	X(ALLOC_ORDER_8, alloc_order_8)								\
	X(ALLOC_ORDER_9, alloc_order_9)								\
	X(ALLOC_ORDER_10, alloc_order_10)							\
	X(FREE_ORDER_0, free_order_0)			/* + order */				\
	X(FREE_ORDER_1, free_order_1)								\
	X(FREE_ORDER_2, free_order_2)								\
	X(FREE_ORDER_3, free_order_3)								\
	X(FREE_ORDER_4, free_order_4)								\
	X(FREE_ORDER_5, free_order_5)								\
	X(FREE_ORDER_6, free_order_6)								\
	X(FREE_ORDER_7, free_order_7)								\
	X(FREE_ORDER_8, free_order_8)								\
	X(FREE_ORDER_9, free_order_9)								\
	X(FREE_ORDER_10, free_order_10)								\
	X(PCP_HITS, pcp_hits)									\
	X(SPLITS, splits)									\
	X(MERGES, merges)									\
	X(ALLOC_FAILURES, alloc_failures)							\
	X(ALLOC_INJECTED, alloc_injected)							\
	X(BAD_FREES, bad_frees)									\
	X(SLAB_ALLOCS, slab_allocs)								\
	X(SLAB_FREES, slab_frees)								\
	X(SLAB_FAILURES, slab_failures)								\
	X(SLAB_INJECTED, slab_injected)								\
	X(SLABS_CREATED, slabs_created)								\
	X(SLABS_DESTROYED, slabs_destroyed)							\
	X(SLAB_OVERFLOWS, slab_overflows)							\
	X(SLAB_USE_AFTER_FREE, slab_use_after_free)						\
	X(SLAB_DOUBLE_FREES, slab_double_frees)							\
	X(SPACES_CREATED, spaces_created)							\
	X(SPACES_DESTROYED, spaces_destroyed)							\
	X(MMAPS, mmaps)										\
	X(IOCTLS, ioctls)									\
	X(IOCTL_ERRORS, ioctl_errors)								\
	X(RESIDENT, resident)									\
	X(PT_FRAMES, pt_frames)									\
	X(FAULTS_FIRST_TOUCH, faults_first_touch)						\
	X(FAULTS_MINOR, faults_minor)								\
	X(WRITE_NOTIFY, write_notify)								\
	X(TLB_HITS, tlb_hits)									\
	X(TLB_MISSES, tlb_misses)								\
	X(SIGBUS, sigbus)									\
	X(DISCARDED, discarded)									\
	X(DEFERRED_FREES, deferred_frees)							\
	X(SWAP_SLOTS, swap_slots)			/* slots of the backing device */	\
	X(SWAP_SLOTS_USED, swap_slots_used)		/* ... holding a page */		\
	X(SWAP_SLOTS_RETIRED, swap_slots_retired)	/* ... retired after an I/O error */	\
	X(EVICTIONS, evictions)				/* pages taken from their frame */	\
	X(SWAP_OUTS, swap_outs)				/* pages written to the device */	\
	X(SWAP_OUT_BIOS, swap_out_bios)			/* write bios (pages/bio = ratio) */	\
	X(CLEAN_DROPS, clean_drops)			/* evicted with no write */		\
	X(SWAP_INS, swap_ins)				/* major faults: pages read back */	\
	X(READ_ERRORS, read_errors)			/* failed swap-in reads */		\
	X(WRITE_ERRORS, write_errors)			/* failed swap-out writes (pages) */	\
	X(DAEMON_WAKEUPS, daemon_wakeups)		/* page-out daemon runs */		\
	X(DIRECT_RECLAIMS, direct_reclaims)		/* faults that reclaimed themselves */	\
	X(CAP_RECLAIMS, cap_reclaims)			/* evictions forced by a space's cap */	\
	X(POLICY_SCANS, policy_scans)			/* pages a policy looked at */		\
	X(PINNED, pinned)				/* pinned pages */			\
	X(CLONES, clones)				/* CLONE calls that succeeded */	\
	X(COW_BREAKS, cow_breaks)			/* writes that copied a shared page */	\
	X(COW_REUSES, cow_reuses)			/* ... that found it no longer shared */ \
	X(PAGES_SHARED, pages_shared)			/* frames and slots held by >1 entry */	\
	X(CHECKPOINTS, checkpoints)			/* generations taken */			\
	X(RESTORES, restores)				/* RESTORE calls that succeeded */	\
	X(CKPT_PAGES, ckpt_pages)			/* pages captured by checkpoints */	\
	X(EXPORT_PAGES, export_pages)			/* page records exported */		\
	X(EXPORT_BYTES, export_bytes)			/* stream bytes exported */		\
	X(IMPORT_PAGES, import_pages)			/* page records imported */		\
	X(IMPORT_BYTES, import_bytes)			/* stream bytes imported */		\
	X(STREAMS_REJECTED, streams_rejected)		/* imports refused */			\
	X(REWINDS, rewinds)				/* REWIND calls that succeeded */	\
	X(REWIND_COPIES, rewind_copies)			/* pages REWIND copied back */		\
	X(REWIND_RESETS, rewind_resets)			/* entries REWIND set back */		\
	X(REWIND_RESTORES, rewind_restores)		/* REWINDs done as a RESTORE */	\
	X(FAULTS_AROUND, faults_around)			/* pages mapped around a fault */	\
	X(ZEROED_HITS, zeroed_hits)			/* first touches: a frame zeroed ahead */ \
	X(ZEROED_MISSES, zeroed_misses)			/* ... one they zeroed themselves */	\
	X(ZEROED_AHEAD, zeroed_ahead)			/* frames vmarena_zerod zeroed */	\
	X(ZEROED_POOL, zeroed_pool)			/* ... waiting now (in free_frames) */ \
	X(SWAP_READAHEAD, swap_readahead)		/* pages read ahead of swap-in faults */ \
	X(SWAP_READAHEAD_HITS, swap_readahead_hits)	/* ... that an access then used */	\
	X(SWAP_IN_BIOS, swap_in_bios)			/* read bios (pages/bio: a ratio) */	\
	X(FAULTS_ZERO, faults_zero)			/* pages reads mapped the zero page at */

/* A space's counters (VMARENA_STATS_SPACE, debugfs spaces/<id>/stats). */
#define VMARENA_SPACE_STATS(X)									\
	X(ID, id)										\
	X(RESIDENT, resident)			/* frames holding its pages */			\
	X(PAGES, pages)				/* pages it holds, anywhere */			\
	X(PT_FRAMES, pt_frames)			/* page-table nodes */				\
	X(MAX_PAGES, max_pages)			/* the cap in force */				\
	X(MAX_RESIDENT, max_resident)		/* the cap in force */				\
	X(FAULTS_FIRST_TOUCH, faults_first_touch)						\
	X(FAULTS_MINOR, faults_minor)								\
	X(WRITE_NOTIFY, write_notify)								\
	X(TLB_HITS, tlb_hits)									\
	X(TLB_MISSES, tlb_misses)								\
	X(SIGBUS, sigbus)									\
	X(DISCARDED, discarded)									\
	X(BYTES_READ, bytes_read)								\
	X(BYTES_WRITTEN, bytes_written)								\
	X(SWAPPED, swapped)			/* pages in swap slots */			\
	X(PINNED, pinned)			/* pinned pages */				\
	X(EVICTIONS, evictions)									\
	X(SWAP_OUTS, swap_outs)									\
	X(CLEAN_DROPS, clean_drops)								\
	X(SWAP_INS, swap_ins)			/* major faults (and swap-ins by ioctls) */	\
	X(IO_ERRORS, io_errors)									\
	X(POLICY_SCANS, policy_scans)								\
	X(COW_BREAKS, cow_breaks)		/* its writes that copied */			\
	X(COW_REUSES, cow_reuses)		/* its writes that found a page unshared */	\
	X(CHECKPOINTS, checkpoints)		/* generations it holds now */			\
	X(LAST_GENERATION, last_generation)	/* the newest one it took, 0: none */		\
	X(RESTORES, restores)									\
	X(USER_PAGES, user_pages)		/* its user's charge, all spaces */		\
	X(USER_PINNED, user_pinned)		/* its user's pinned pages */			\
	X(REWINDS, rewinds)									\
	X(REWIND_COPIES, rewind_copies)		/* pages its REWINDs copied back */		\
	X(REWIND_RESETS, rewind_resets)		/* entries its REWINDs set back */		\
	X(REWIND_RESTORES, rewind_restores)	/* its REWINDs done as a RESTORE */	\
	X(FAULTS_AROUND, faults_around)		/* pages mapped around its faults */	\
	X(SWAP_READAHEAD, swap_readahead)	/* pages read ahead of its swap-ins */	\
	X(SWAP_READAHEAD_HITS, swap_readahead_hits) /* ... that an access then used */ \
	X(FAULTS_ZERO, faults_zero)		/* pages its reads mapped the zero page at */

/* X for an initializer of the names, in enum order (see above). */
#define VMARENA_COUNTER_NAME(id, name)	#name,

#define __VMARENA_STAT_ENUM(id, name)	VMARENA_STAT_##id,
enum vmarena_global_stat {
	VMARENA_GLOBAL_STATS(__VMARENA_STAT_ENUM)
	VMARENA_NR_GLOBAL_STATS
};

#undef __VMARENA_STAT_ENUM

#define __VMARENA_SPACE_STAT_ENUM(id, name)	VMARENA_SPACE_STAT_##id,
enum vmarena_space_stat {
	VMARENA_SPACE_STATS(__VMARENA_SPACE_STAT_ENUM)
	VMARENA_NR_SPACE_STATS
};

#undef __VMARENA_SPACE_STAT_ENUM

/* struct vmarena_stats.which */
#define VMARENA_STATS_GLOBAL	0	/* enum vmarena_global_stat */
#define VMARENA_STATS_SPACE	1	/* enum vmarena_space_stat, this fd's */

/**
 * struct vmarena_stats - VMARENA_IOC_STATS: counters as an array of __u64.
 * @which:    VMARENA_STATS_GLOBAL or VMARENA_STATS_SPACE.
 * @count:    in: entries @values can hold; out: entries the module has
 *            (may be more than were written: a newer module).
 * @values:   user pointer to __u64[@count]; entry i is counter i.
 * @reserved: must be zero.
 *
 * Needs no privilege beyond the open fd.
 */
struct vmarena_stats {
	__u32 which;
	__u32 count;
	__u64 values;
	__u64 reserved[2];
};

#define VMARENA_IOC_STATS	_IOWR(VMARENA_IOC_MAGIC, 0x01, struct vmarena_stats)

/**
 * struct vmarena_space_stats - VMARENA_IOC_SPACE_STATS: the counters of a
 * live space named by its id, which need not be the fd's (debugfs
 * spaces/<id>/stats as an ABI).
 * @space_id: the space's id (VMARENA_IOC_INFO's space_id).
 * @count:    as struct vmarena_stats.
 * @reserved0: must be zero.
 * @values:   user pointer to __u64[@count]; entry i is enum
 *            vmarena_space_stat i.
 * @reserved: must be zero.
 *
 * Another space than the fd's needs CAP_SYS_ADMIN (-EPERM); an id that no
 * live space has (never made, or its last file closed) is -ESRCH.
 */
struct vmarena_space_stats {
	__u64 space_id;
	__u32 count;
	__u32 reserved0;
	__u64 values;
	__u64 reserved[2];
};

#define VMARENA_IOC_SPACE_STATS	_IOWR(VMARENA_IOC_MAGIC, 0x10, struct vmarena_space_stats)

/**
 * struct vmarena_limit - VMARENA_IOC_SET_LIMIT: caps of this space.
 * @max_pages:    pages the space may hold (resident or not); 0 for the
 *                default cap (module parameter space_max_pages).
 * @max_resident: frames the space may hold resident; 0 for no cap beyond
 *                @max_pages.
 * @reserved:     must be zero.
 *
 * Raising a cap above the default needs CAP_SYS_ADMIN.  A @max_pages
 * below what the space holds now keeps those pages and refuses new ones; a
 * @max_resident below its resident frames evicts its own pages (by the
 * current policy) down to the cap before the call returns, or fails with
 * -ENOMEM (no swap device, swap full) keeping the new cap.
 */
struct vmarena_limit {
	__u64 max_pages;
	__u64 max_resident;
	__u64 reserved[2];
};

#define VMARENA_IOC_SET_LIMIT	_IOW(VMARENA_IOC_MAGIC, 0x02, struct vmarena_limit)

/**
 * struct vmarena_range - a page-aligned byte range of the offset space.
 * @offset:   first byte, a multiple of the page size.
 * @length:   bytes, a non-zero multiple of the page size.
 * @reserved: must be zero.
 */
struct vmarena_range {
	__u64 offset;
	__u64 length;
	__u64 reserved[2];
};

/* Drops a range: its frames are freed, it reads as zeros again. */
#define VMARENA_IOC_DISCARD	_IOW(VMARENA_IOC_MAGIC, 0x03, struct vmarena_range)

/*
 * Makes a range unswappable: every page is faulted in (allocated or read
 * back) and stays resident until UNPIN, DISCARD or the space's end.
 * Pinning more than the arena can spare (all but the high watermark) fails
 * with -ENOMEM and pins nothing.
 */
#define VMARENA_IOC_PIN		_IOW(VMARENA_IOC_MAGIC, 0x05, struct vmarena_range)
/* Lets a range be evicted again; holes and unpinned pages are skipped. */
#define VMARENA_IOC_UNPIN	_IOW(VMARENA_IOC_MAGIC, 0x06, struct vmarena_range)

/* struct vmarena_pte_info.flags */
#define VMARENA_PTE_INFO_PRESENT	(1U << 0)	/* in a frame */
#define VMARENA_PTE_INFO_SWAPPED	(1U << 1)	/* in a swap slot */
#define VMARENA_PTE_INFO_DIRTY		(1U << 2)	/* written */
#define VMARENA_PTE_INFO_ACCESSED	(1U << 3)	/* touched */
#define VMARENA_PTE_INFO_WRITABLE	(1U << 4)	/* may be mapped writable */
#define VMARENA_PTE_INFO_COW		(1U << 5)	/* shared, copy on write */
#define VMARENA_PTE_INFO_PINNED		(1U << 6)	/* never evicted */
/* Lost to a swap read error: accesses get SIGBUS until it is discarded. */
#define VMARENA_PTE_INFO_LOST		(1U << 7)

/**
 * struct vmarena_pte_info - one page of a TRANSLATE answer.
 * @frame:      the frame (PRESENT; 0 unless the caller has CAP_SYS_ADMIN)
 *              or swap slot (SWAPPED), else 0.
 * @flags:      VMARENA_PTE_INFO_*; 0 for a hole.
 * @generation: when the page was last written: the newest generation the
 *              space had taken then (0 before its first CHECKPOINT; a
 *              clone's pages start at 0), modulo 256.
 */
struct vmarena_pte_info {
	__u64 frame;
	__u32 flags;
	__u32 generation;
};

/* At most this many pages per TRANSLATE call. */
#define VMARENA_TRANSLATE_MAX	65536

/**
 * struct vmarena_translate - VMARENA_IOC_TRANSLATE: shadow PTEs of a range.
 * @offset:   first byte, a multiple of the page size.
 * @pages:    pages, 1..VMARENA_TRANSLATE_MAX.
 * @entries:  user pointer to struct vmarena_pte_info[@pages].
 * @reserved: must be zero.
 */
struct vmarena_translate {
	__u64 offset;
	__u64 pages;
	__u64 entries;
	__u64 reserved[2];
};

#define VMARENA_IOC_TRANSLATE	_IOW(VMARENA_IOC_MAGIC, 0x04, struct vmarena_translate)

/* struct vmarena_clone.flags */
#define VMARENA_CLONE_CLOEXEC	(1U << 0)	/* the new fd is close-on-exec */

/**
 * struct vmarena_clone - VMARENA_IOC_CLONE: a copy-on-write clone.
 * @flags:    VMARENA_CLONE_*.
 * @fd:       out: the new fd (also the ioctl's return value).
 * @space_id: out: the new space's id.
 * @reserved: must be zero.
 *
 * The clone holds the same pages as this space at the time of the call,
 * sharing their frames and swap slots; a write in either copies that
 * page.  Pinned pages are copied at once (a pin stays with its frame), and
 * the clone's copies are not pinned.  Caps and checkpoints are not
 * inherited.
 */
struct vmarena_clone {
	__u32 flags;
	__s32 fd;
	__u64 space_id;
	__u64 reserved[2];
};

#define VMARENA_IOC_CLONE	_IOWR(VMARENA_IOC_MAGIC, 0x07, struct vmarena_clone)

/* Generations a space may hold at once (CHECKPOINT fails with -ENOSPC). */
#define VMARENA_CKPT_MAX	64

/**
 * struct vmarena_ckpt - CHECKPOINT, RESTORE and CKPT_DROP.
 * @generation: CHECKPOINT: out, the new generation (1, 2, ... per space,
 *              never reused); RESTORE, CKPT_DROP: in.
 * @pages:      CHECKPOINT: out, pages captured (every page the space
 *              holds); RESTORE: out, pages the space holds afterwards;
 *              CKPT_DROP: out, pages whose frame or slot it freed.
 * @reserved:   must be zero.
 */
struct vmarena_ckpt {
	__u64 generation;
	__u64 pages;
	__u64 reserved[2];
};

#define VMARENA_IOC_CHECKPOINT	_IOWR(VMARENA_IOC_MAGIC, 0x08, struct vmarena_ckpt)
#define VMARENA_IOC_RESTORE	_IOWR(VMARENA_IOC_MAGIC, 0x09, struct vmarena_ckpt)
#define VMARENA_IOC_CKPT_DROP	_IOWR(VMARENA_IOC_MAGIC, 0x0a, struct vmarena_ckpt)

/*
 * VMARENA_IOC_REWIND: RESTORE in place.  The argument is the generation
 * itself, not a pointer (from a 32-bit program: generations below 2^31),
 * and the return value the pages copied back into their own frames, or -1
 * with errno.  Afterwards the space holds the bytes RESTORE of that
 * generation would give; the cost grows with the pages written or discarded since the
 * space took the generation (or was last restored or rewound to it), not
 * with the space: those pages are copied back in place, mappings kept, or
 * set back one by one.  Another generation, or a change the space could
 * not follow, makes it a RESTORE.  The counters rewind_* tell which
 * (Documentation/abi.rst has the details).  No structure to copy in or
 * out: a rewind per fuzzing iteration costs about a system call.
 */
#define VMARENA_IOC_REWIND	_IO(VMARENA_IOC_MAGIC, 0x0f)

/**
 * struct vmarena_ckpt_info - one generation in a CKPT_LIST answer.
 * @generation:   its number.
 * @pages:        pages it holds (holes are not pages).
 * @private:      of those, pages held by no other generation, clone or the
 *                live space: what dropping it frees.
 * @pinned_bytes: bytes it keeps from being freed: @private pages and its
 *                page-table nodes, 4096 bytes each.
 * @created_ns:   CLOCK_MONOTONIC time it was taken.
 * @reserved:     written as zero.
 */
struct vmarena_ckpt_info {
	__u64 generation;
	__u64 pages;
	__u64 private;
	__u64 pinned_bytes;
	__u64 created_ns;
	__u64 reserved[3];
};

/**
 * struct vmarena_ckpt_list - VMARENA_IOC_CKPT_LIST.
 * @count:    in: entries @entries can hold; out: generations the space
 *            holds (more than were written when @count was too small).
 * @reserved0: must be zero.
 * @entries:  user pointer to struct vmarena_ckpt_info[@count], oldest
 *            first.
 * @reserved: must be zero.
 */
struct vmarena_ckpt_list {
	__u32 count;
	__u32 reserved0;
	__u64 entries;
	__u64 reserved[2];
};

#define VMARENA_IOC_CKPT_LIST	_IOWR(VMARENA_IOC_MAGIC, 0x0b, struct vmarena_ckpt_list)

/*
 * struct vmarena_dirty.flags.  REARM: atomically with the answer, the
 * range of the generation becomes the space's present contents: the next
 * call reports only later changes.
 */
#define VMARENA_DIRTY_REARM	(1U << 0)

/* At most this many pages per GET_DIRTY call (a 512 KiB bitmap). */
#define VMARENA_DIRTY_MAX	(1ULL << 22)

/**
 * struct vmarena_dirty - VMARENA_IOC_GET_DIRTY: pages changed since a
 * generation.
 * @generation: the generation to compare with.
 * @offset:     first byte of the range, a multiple of the page size.
 * @pages:      pages in the range, 1..VMARENA_DIRTY_MAX.
 * @bitmap:     user pointer to __u64[(@pages + 63) / 64]: bit i (bit i % 64
 *              of word i / 64) is set when page @offset / 4096 + i has
 *              changed: written or discarded (a page a read made
 *              holds zeros, like the hole it was: no change).
 * @dirty:      out: bits set.
 * @flags:      VMARENA_DIRTY_*.
 * @reserved0:  must be zero.
 * @reserved:   must be zero.
 *
 * Exact: a page changed when its contents in the space are no longer the
 * generation's, which copy-on-write tracks page by page; reads never
 * count.
 */
struct vmarena_dirty {
	__u64 generation;
	__u64 offset;
	__u64 pages;
	__u64 bitmap;
	__u64 dirty;
	__u32 flags;
	__u32 reserved0;
	__u64 reserved[2];
};

#define VMARENA_IOC_GET_DIRTY	_IOWR(VMARENA_IOC_MAGIC, 0x0c, struct vmarena_dirty)

/* struct vmarena_export.flags */
#define VMARENA_EXPORT_DELTA	(1U << 0)	/* only what changed since @base */

/**
 * struct vmarena_export - VMARENA_IOC_EXPORT: a generation as a stream.
 * @fd:         where the stream is written (a file, pipe or socket).
 * @flags:      VMARENA_EXPORT_*.
 * @generation: the generation to write.
 * @base:       with VMARENA_EXPORT_DELTA, an older generation of the
 *              space: only pages that differ from it are written (pages
 *              discarded since are written as zero records).
 * @pages:      out: page records written.
 * @bytes:      out: stream bytes written.
 * @reserved:   must be zero.
 */
struct vmarena_export {
	__s32 fd;
	__u32 flags;
	__u64 generation;
	__u64 base;
	__u64 pages;
	__u64 bytes;
	__u64 reserved[2];
};

#define VMARENA_IOC_EXPORT	_IOWR(VMARENA_IOC_MAGIC, 0x0d, struct vmarena_export)

/**
 * struct vmarena_import - VMARENA_IOC_IMPORT: a stream into this space.
 * @fd:         where the stream is read from.
 * @flags:      must be zero.
 * @generation: out: the stream's generation.
 * @pages:      out: page records applied.
 * @bytes:      out: stream bytes read.
 * @reserved:   must be zero.
 *
 * A full stream goes into an empty space; a delta stream only onto the
 * space that imported its base (same source, generation @base) and has
 * not been changed since.  The whole stream is read and checked before
 * anything changes: -EBADMSG (truncated, corrupted: magic, checksum,
 * record order, reserved bits), -EINVAL (another version or page size, a
 * full stream into a non-empty space, a delta onto the wrong base),
 * -E2BIG (more pages than the space's cap), and the space is unchanged.
 */
struct vmarena_import {
	__s32 fd;
	__u32 flags;
	__u64 generation;
	__u64 pages;
	__u64 bytes;
	__u64 reserved[2];
};

#define VMARENA_IOC_IMPORT	_IOWR(VMARENA_IOC_MAGIC, 0x0e, struct vmarena_import)

/*
 * The export stream (Documentation/stream.rst, byte by byte).  Every
 * field is little-endian.  A stream is a header, page records in strictly
 * increasing page order, and a trailer:
 *
 *	struct vmarena_stream_header
 *	{ struct vmarena_stream_record, 4096 data bytes unless ZERO } * pages
 *	struct vmarena_stream_trailer
 */
#define VMARENA_STREAM_MAGIC	0x4d52545352414d56ULL	/* bytes "VMARSTRM" */
#define VMARENA_STREAM_END	0x444e455f52414d56ULL	/* bytes "VMAR_END" */
#define VMARENA_STREAM_VERSION	1

/* struct vmarena_stream_header.flags */
#define VMARENA_STREAM_DELTA	(1U << 0)

/**
 * struct vmarena_stream_header - 64 bytes.
 * @magic:       VMARENA_STREAM_MAGIC.
 * @version:     VMARENA_STREAM_VERSION.
 * @header_size: 64.
 * @page_size:   4096.
 * @flags:       VMARENA_STREAM_*.
 * @source:      the exporting space's lineage: a random number drawn when
 *               the space was created (a clone draws its own).
 * @generation:  the generation the stream carries.
 * @base:        DELTA: the generation it is a delta from; else 0.
 * @pages:       page records that follow.
 * @reserved:    zero.
 */
struct vmarena_stream_header {
	__u64 magic;
	__u32 version;
	__u32 header_size;
	__u32 page_size;
	__u32 flags;
	__u64 source;
	__u64 generation;
	__u64 base;
	__u64 pages;
	__u64 reserved;
};

/* struct vmarena_stream_record.flags */
#define VMARENA_RECORD_ZERO	(1U << 0)	/* a hole: no data follows */

/**
 * struct vmarena_stream_record - 16 bytes before each page.
 * @vpn:      page number, below 2^36, above the previous record's.
 * @flags:    VMARENA_RECORD_*.
 * @reserved: zero.
 */
struct vmarena_stream_record {
	__u64 vpn;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct vmarena_stream_trailer - 24 bytes.
 * @magic:    VMARENA_STREAM_END.
 * @pages:    page records, again.
 * @checksum: Fletcher-64 of every byte before it (header, records, data
 *            and the trailer's first 16 bytes) as little-endian 32-bit
 *            words (Documentation/stream.rst).
 */
struct vmarena_stream_trailer {
	__u64 magic;
	__u64 pages;
	__u64 checksum;
};

/* The kind field of the vmarena:fault tracepoint. */
enum vmarena_fault_kind {
	VMARENA_FAULT_FIRST_TOUCH,	/* demand zero: a new frame */
	VMARENA_FAULT_MINOR,		/* resident: the hardware PTE was missing */
	VMARENA_FAULT_WRITE_NOTIFY,	/* first write through a clean mapping */
	VMARENA_FAULT_SWAP_IN,		/* major: read back from a swap slot */
	VMARENA_FAULT_COW,		/* a write to a shared page: copied */
	VMARENA_FAULT_ZERO		/* read of a hole: the zero page, no frame */
};

/*
 * Replacement policies: the policy sysfs attribute takes their names, the
 * policy field of the evict tracepoint their numbers.
 */
enum vmarena_policy {
	VMARENA_POLICY_FIFO,		/* "fifo": oldest resident first */
	VMARENA_POLICY_RANDOM,		/* "random" */
	VMARENA_POLICY_CLOCK,		/* "clock": second chance */
	VMARENA_POLICY_LRU,		/* "lru": aging counters */
	VMARENA_POLICY_CLEAN_FIRST,	/* "clean-first": clock preferring clean */
	VMARENA_NR_POLICIES
};

#endif /* _UAPI_LINUX_VMARENA_H */
