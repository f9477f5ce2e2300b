// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - the arena's allocators against the kernel's, side by side.
 *
 * Reading debugfs vmarena/bench runs every row and prints nanoseconds per
 * alloc+free pair for vmarena and for the kernel, and their ratio.  Each
 * figure is the best of BENCH_ROUNDS rounds of BENCH_ITERS pairs, rounds of
 * the two sides interleaved so that both see the same machine.  Run it on
 * an idle arena: the row without per-CPU caches switches them off.
 */
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "arena.h"
#include "bench.h"
#include "slab.h"

#define BENCH_ITERS	100000
#define BENCH_ROUNDS	5

/* One timed round: @iters alloc+free pairs.  Return: ns, or 0 on failure. */
typedef u64 (*bench_fn)(unsigned int arg, unsigned int iters);

static u64 bench_frames(unsigned int order, unsigned int iters)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;
	u32 f;

	for (i = 0; i < iters; i++) {
		if (vmarena_frames_alloc(order, &f))
			return 0;
		vmarena_frames_free(f, order);
	}
	return ktime_get_ns() - t0;
}

static u64 bench_pages(unsigned int order, unsigned int iters)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iters; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		if (!p)
			return 0;
		__free_pages(p, order);
	}
	return ktime_get_ns() - t0;
}

static struct vmarena_slab_cache bench_cache;
static struct kmem_cache *bench_kcache;

static u64 bench_slab(unsigned int size, unsigned int iters)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iters; i++) {
		void *p = vmarena_slab_alloc(&bench_cache);

		if (!p)
			return 0;
		vmarena_slab_free(&bench_cache, p);
	}
	return ktime_get_ns() - t0;
}

static u64 bench_kmem_cache(unsigned int size, unsigned int iters)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iters; i++) {
		void *p = kmem_cache_alloc(bench_kcache, GFP_KERNEL);

		if (!p)
			return 0;
		kmem_cache_free(bench_kcache, p);
	}
	return ktime_get_ns() - t0;
}

/* Best of the rounds for each side; false when a side failed. */
static bool bench_pair(bench_fn ours, bench_fn theirs, unsigned int arg,
		       u64 *best_ours, u64 *best_theirs)
{
	unsigned int r;

	*best_ours = U64_MAX;
	*best_theirs = U64_MAX;
	for (r = 0; r < BENCH_ROUNDS; r++) {
		u64 a = ours(arg, BENCH_ITERS), b = theirs(arg, BENCH_ITERS);

		if (!a || !b)
			return false;
		*best_ours = min(*best_ours, a);
		*best_theirs = min(*best_theirs, b);
		cond_resched();
	}
	return true;
}

static void bench_row(struct seq_file *m, const char *name, bench_fn ours,
		      bench_fn theirs, unsigned int arg)
{
	u64 a, b;

	if (!bench_pair(ours, theirs, arg, &a, &b)) {
		seq_printf(m, "%-22s failed (out of memory)\n", name);
		return;
	}
	/* Tenths of a nanosecond per pair; the ratio in hundredths. */
	a = div_u64(a * 10, BENCH_ITERS);
	b = div_u64(b * 10, BENCH_ITERS);
	seq_printf(m, "%-22s %8llu.%llu %8llu.%llu %6llu.%02llu\n", name,
		   a / 10, a % 10, b / 10, b % 10,
		   div_u64(a * 100, b) / 100, div_u64(a * 100, b) % 100);
}

static void bench_slab_rows(struct seq_file *m, unsigned int size)
{
	char name[32];

	if (vmarena_slab_cache_init(&bench_cache, "bench", size, 0, 1))
		return;
	bench_kcache = kmem_cache_create("vmarena_bench", size, 0, 0, NULL);
	if (bench_kcache) {
		snprintf(name, sizeof(name), "slab %u B", size);
		bench_row(m, name, bench_slab, bench_kmem_cache, size);
		kmem_cache_destroy(bench_kcache);
	}
	vmarena_slab_cache_destroy(&bench_cache);
}

static int vmarena_bench_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "# ns per alloc+free pair, best of %u rounds of %u; ratio = vmarena / kernel\n",
		   BENCH_ROUNDS, BENCH_ITERS);
	seq_printf(m, "%-22s %10s %10s %9s\n", "# test", "vmarena", "kernel", "ratio");
	bench_row(m, "order 0", bench_frames, bench_pages, 0);
	vmarena_arena_use_pcp(false);
	bench_row(m, "order 0, no pcp cache", bench_frames, bench_pages, 0);
	vmarena_arena_use_pcp(true);
	bench_row(m, "order 3", bench_frames, bench_pages, 3);
	bench_slab_rows(m, 64);
	bench_slab_rows(m, 256);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmarena_bench);

void vmarena_bench_debugfs_init(struct dentry *root)
{
	debugfs_create_file("bench", 0400, root, NULL, &vmarena_bench_fops);
}
