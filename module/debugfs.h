/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs.h - /sys/kernel/debug/vmarena/ (formats: Documentation/debugfs.rst).
 */
#ifndef _VMARENA_DEBUGFS_H
#define _VMARENA_DEBUGFS_H

struct vmarena_space;

#ifdef CONFIG_DEBUG_FS
void vmarena_debugfs_init(void);
void vmarena_debugfs_exit(void);
void vmarena_debugfs_space_add(struct vmarena_space *space);
void vmarena_debugfs_space_remove(struct vmarena_space *space);
#else
static inline void vmarena_debugfs_init(void) { }
static inline void vmarena_debugfs_exit(void) { }
static inline void vmarena_debugfs_space_add(struct vmarena_space *space) { }
static inline void vmarena_debugfs_space_remove(struct vmarena_space *space) { }
#endif

#endif /* _VMARENA_DEBUGFS_H */
