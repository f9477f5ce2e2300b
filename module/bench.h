/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - allocator micro-benchmarks behind debugfs vmarena/bench.
 */
#ifndef _VMARENA_BENCH_H
#define _VMARENA_BENCH_H

struct dentry;

#ifdef CONFIG_DEBUG_FS
void vmarena_bench_debugfs_init(struct dentry *root);
#else
static inline void vmarena_bench_debugfs_init(struct dentry *root) { }
#endif

#endif /* _VMARENA_BENCH_H */
