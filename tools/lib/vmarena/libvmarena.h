/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * libvmarena.h - the user-space library of /dev/vmarena's ABI
 * (Documentation/libvmarena.rst; man 3 libvmarena).
 *
 * One function per command of include/uapi/linux/vmarena.h, each taking
 * the space's fd first and returning 0 (or a count, or an fd) on success
 * and a negative errno on failure, never setting errno, as liburing does.
 * Structures are the uapi's own.  Link with -lvmarena (pkg-config
 * libvmarena); symbols are versioned (LIBVMARENA_1).
 */
#ifndef LIBVMARENA_H
#define LIBVMARENA_H

#include <stddef.h>
#include <linux/vmarena.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, and the ABI version it was built against. */
#define LIBVMARENA_MAJOR	1
#define LIBVMARENA_MINOR	2

int vmarena_open(int flags);
int vmarena_info(int fd, struct vmarena_info *info);
int vmarena_stats(int fd, unsigned int which, __u64 *values,
		  unsigned int *count);
int vmarena_set_limit(int fd, __u64 max_pages, __u64 max_resident);
int vmarena_discard(int fd, __u64 offset, __u64 length);
int vmarena_pin(int fd, __u64 offset, __u64 length);
int vmarena_unpin(int fd, __u64 offset, __u64 length);
int vmarena_translate(int fd, __u64 offset, __u64 pages,
		      struct vmarena_pte_info *entries);
int vmarena_clone(int fd, unsigned int flags, __u64 *space_id);
int vmarena_checkpoint(int fd, __u64 *generation, __u64 *pages);
int vmarena_restore(int fd, __u64 generation, __u64 *pages);
int vmarena_ckpt_drop(int fd, __u64 generation, __u64 *freed);
int vmarena_ckpt_list(int fd, struct vmarena_ckpt_info *entries,
		      unsigned int max, unsigned int *count);
int vmarena_get_dirty(int fd, __u64 generation, __u64 offset, __u64 pages,
		      __u64 *bitmap, unsigned int flags, __u64 *dirty);
int vmarena_export(int fd, int out, __u64 generation, __u64 base,
		   unsigned int flags, __u64 *pages, __u64 *bytes);
int vmarena_import(int fd, int in, __u64 *generation, __u64 *pages,
		   __u64 *bytes);
int vmarena_map(int fd, __u64 offset, size_t length, int prot, void **addr);
const char *vmarena_version(void);

/* 1.1: the heap of a program run by `vmarena run` (Documentation/run.rst). */
int vmarena_snapshot(void);
int vmarena_rewind(void);

/* 1.2: REWIND. */
int vmarena_rewind_to(int fd, __u64 generation, __u64 *copied);

#ifdef __cplusplus
}
#endif

#endif /* LIBVMARENA_H */
