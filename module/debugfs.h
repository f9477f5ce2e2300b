/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs.h - /sys/kernel/debug/vmarena/ (formats: Documentation/debugfs.rst).
 */
#ifndef _VMARENA_DEBUGFS_H
#define _VMARENA_DEBUGFS_H

#ifdef CONFIG_DEBUG_FS
void vmarena_debugfs_init(void);
void vmarena_debugfs_exit(void);
#else
static inline void vmarena_debugfs_init(void) { }
static inline void vmarena_debugfs_exit(void) { }
#endif

#endif /* _VMARENA_DEBUGFS_H */
