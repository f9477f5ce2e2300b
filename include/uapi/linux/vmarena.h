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

#endif /* _UAPI_LINUX_VMARENA_H */
