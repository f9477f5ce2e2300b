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
	VMARENA_NR_GLOBAL_STATS
};

/* struct vmarena_stats.which */
#define VMARENA_STATS_GLOBAL	0	/* enum vmarena_global_stat */

/**
 * struct vmarena_stats - VMARENA_IOC_STATS: counters as an array of __u64.
 * @which:    VMARENA_STATS_GLOBAL.
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

#endif /* _UAPI_LINUX_VMARENA_H */
