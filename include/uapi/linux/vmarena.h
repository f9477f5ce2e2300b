/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmarena - a self-contained virtual-memory system behind /dev/vmarena.
 *
 * The only header shared with user space.  It needs nothing beyond
 * <linux/types.h> and <linux/ioctl.h>.  Rules every command follows
 * (Documentation/abi.rst has the per-command details):
 *
 *  - structures are made of fixed-width fields with no implicit padding;
 *    pointers travel in __u64;
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
 * Global counters, in the order VMARENA_IOC_STATS returns them and
 * debugfs vmarena/stats prints them (Documentation/debugfs.rst gives each
 * one's unit).  New counters are only ever appended.
 */
enum vmarena_global_stat {
	VMARENA_STAT_ARENA_FRAMES,
	VMARENA_STAT_FREE_FRAMES,
	VMARENA_STAT_ALLOC_ORDER_0,				/* + order, 0..10 */
	VMARENA_STAT_FREE_ORDER_0 = VMARENA_STAT_ALLOC_ORDER_0 + 11, /* + order */
	VMARENA_STAT_PCP_HITS = VMARENA_STAT_FREE_ORDER_0 + 11,
	VMARENA_STAT_SPLITS,
	VMARENA_STAT_MERGES,
	VMARENA_STAT_ALLOC_FAILURES,
	VMARENA_STAT_ALLOC_INJECTED,
	VMARENA_STAT_BAD_FREES,
	VMARENA_STAT_SLAB_ALLOCS,
	VMARENA_STAT_SLAB_FREES,
	VMARENA_STAT_SLAB_FAILURES,
	VMARENA_STAT_SLAB_INJECTED,
	VMARENA_STAT_SLABS_CREATED,
	VMARENA_STAT_SLABS_DESTROYED,
	VMARENA_STAT_SLAB_OVERFLOWS,
	VMARENA_STAT_SLAB_USE_AFTER_FREE,
	VMARENA_STAT_SLAB_DOUBLE_FREES,
	VMARENA_STAT_SPACES_CREATED,
	VMARENA_STAT_SPACES_DESTROYED,
	VMARENA_STAT_MMAPS,
	VMARENA_STAT_IOCTLS,
	VMARENA_STAT_IOCTL_ERRORS,
	VMARENA_STAT_RESIDENT,
	VMARENA_STAT_PT_FRAMES,
	VMARENA_STAT_FAULTS_FIRST_TOUCH,
	VMARENA_STAT_FAULTS_MINOR,
	VMARENA_STAT_WRITE_NOTIFY,
	VMARENA_STAT_TLB_HITS,
	VMARENA_STAT_TLB_MISSES,
	VMARENA_STAT_SIGBUS,
	VMARENA_STAT_DISCARDED,
	VMARENA_STAT_DEFERRED_FREES,
	VMARENA_STAT_SWAP_SLOTS,		/* slots of the backing device */
	VMARENA_STAT_SWAP_SLOTS_USED,		/* ... holding a page */
	VMARENA_STAT_SWAP_SLOTS_RETIRED,	/* ... retired after an I/O error */
	VMARENA_STAT_EVICTIONS,			/* pages taken from their frame */
	VMARENA_STAT_SWAP_OUTS,			/* pages written to the device */
	VMARENA_STAT_SWAP_OUT_BIOS,		/* write bios (pages/bio = ratio) */
	VMARENA_STAT_CLEAN_DROPS,		/* evicted with no write */
	VMARENA_STAT_SWAP_INS,			/* major faults: pages read back */
	VMARENA_STAT_READ_ERRORS,		/* failed swap-in reads */
	VMARENA_STAT_WRITE_ERRORS,		/* failed swap-out writes (pages) */
	VMARENA_STAT_DAEMON_WAKEUPS,		/* page-out daemon runs */
	VMARENA_STAT_DIRECT_RECLAIMS,		/* faults that reclaimed themselves */
	VMARENA_STAT_CAP_RECLAIMS,		/* evictions forced by a space's cap */
	VMARENA_STAT_POLICY_SCANS,		/* pages a policy looked at */
	VMARENA_STAT_PINNED,			/* pinned pages */
	VMARENA_NR_GLOBAL_STATS
};

/* A space's counters (VMARENA_STATS_SPACE); only ever appended. */
enum vmarena_space_stat {
	VMARENA_SPACE_STAT_ID,
	VMARENA_SPACE_STAT_RESIDENT,		/* frames holding its pages */
	VMARENA_SPACE_STAT_PAGES,		/* pages it holds, anywhere */
	VMARENA_SPACE_STAT_PT_FRAMES,		/* page-table nodes */
	VMARENA_SPACE_STAT_MAX_PAGES,		/* the cap in force */
	VMARENA_SPACE_STAT_MAX_RESIDENT,	/* the cap in force */
	VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH,
	VMARENA_SPACE_STAT_FAULTS_MINOR,
	VMARENA_SPACE_STAT_WRITE_NOTIFY,
	VMARENA_SPACE_STAT_TLB_HITS,
	VMARENA_SPACE_STAT_TLB_MISSES,
	VMARENA_SPACE_STAT_SIGBUS,
	VMARENA_SPACE_STAT_DISCARDED,
	VMARENA_SPACE_STAT_BYTES_READ,
	VMARENA_SPACE_STAT_BYTES_WRITTEN,
	VMARENA_SPACE_STAT_SWAPPED,		/* pages in swap slots */
	VMARENA_SPACE_STAT_PINNED,		/* pinned pages */
	VMARENA_SPACE_STAT_EVICTIONS,
	VMARENA_SPACE_STAT_SWAP_OUTS,
	VMARENA_SPACE_STAT_CLEAN_DROPS,
	VMARENA_SPACE_STAT_SWAP_INS,		/* major faults (and swap-ins by ioctls) */
	VMARENA_SPACE_STAT_IO_ERRORS,
	VMARENA_SPACE_STAT_POLICY_SCANS,
	VMARENA_NR_SPACE_STATS
};

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
#define VMARENA_PTE_INFO_WRITABLE	(1U << 4)	/* mapped writable */
#define VMARENA_PTE_INFO_COW		(1U << 5)	/* shared, copy on write */
#define VMARENA_PTE_INFO_PINNED		(1U << 6)	/* never evicted */
/* Lost to a swap read error: accesses get SIGBUS until it is discarded. */
#define VMARENA_PTE_INFO_LOST		(1U << 7)

/**
 * struct vmarena_pte_info - one page of a TRANSLATE answer.
 * @frame:      the frame (PRESENT) or swap slot (SWAPPED), else 0.
 * @flags:      VMARENA_PTE_INFO_*; 0 for a hole.
 * @generation: the checkpoint generation the page was last written in.
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

/* The kind field of the vmarena:fault tracepoint. */
enum vmarena_fault_kind {
	VMARENA_FAULT_FIRST_TOUCH,	/* demand zero: a new frame */
	VMARENA_FAULT_MINOR,		/* resident: the hardware PTE was missing */
	VMARENA_FAULT_WRITE_NOTIFY,	/* first write through a clean mapping */
	VMARENA_FAULT_SWAP_IN,		/* major: read back from a swap slot */
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
