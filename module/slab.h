/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slab.h - caches of fixed-size objects carved from buddy blocks, for
 * vmarena's own metadata (address spaces, page-table bookkeeping, swap and
 * checkpoint records).
 *
 * Pure logic (slab.c compiles in user space too).
 */
#ifndef _VMARENA_SLAB_H
#define _VMARENA_SLAB_H

#include "frames.h"

#define VMARENA_SLAB_NAME_LEN	24
#define VMARENA_SLAB_MAX_SIZE	2048	/* larger objects: use frames */
#define VMARENA_SLAB_MAX_ORDER	3

/*
 * Debugging, per cache, for slabs created after it is switched on.  Poisoning
 * implies red zones (it needs the debug layout).
 */
#define VMARENA_SLAB_RED_ZONE	BIT(0)	/* catch overflows and double frees */
#define VMARENA_SLAB_POISON	BIT(1)	/* catch writes after free */

/* A CPU's cache of free objects of one cache: its size, and its batch. */
#define VMARENA_SLAB_CPU_OBJS	32
#define VMARENA_SLAB_CPU_BATCH	16

/**
 * struct vmarena_slab_cpu - a CPU's cache of free objects of one cache.
 * @lock:   protects the rest; taken by its CPU, and by any CPU draining it.
 * @count:  objects cached.
 * @allocs: objects handed out from here.
 * @frees:  objects taken back here.
 * @objs:   the objects; taken out of their slabs (counted in @active).
 */
struct vmarena_slab_cpu {
	spinlock_t lock;	/* see the kernel-doc above */
	unsigned int count;
	u64 allocs;
	u64 frees;
	void *objs[VMARENA_SLAB_CPU_OBJS];
};

/**
 * struct vmarena_slab_stats - counters of one cache.
 * @allocs:          objects handed out (by the slow path; the per-CPU
 *                   caches count theirs, vmarena_slab_counts() sums).
 * @frees:           objects taken back (likewise).
 * @failures:        allocations that failed (no frame, or injected).
 * @injected:        of @failures, those injected through @fail_next.
 * @slabs_created:   slabs carved from the buddy allocator.
 * @slabs_destroyed: empty slabs given back to it.
 * @overflows:       red zones found overwritten (reported, repaired).
 * @use_after_free:  poison found overwritten in a free object (reported).
 * @double_frees:    frees of a free object (reported, refused).
 *
 * Written under the cache lock, read locklessly for display.
 */
struct vmarena_slab_stats {
	u64 allocs;
	u64 frees;
	u64 failures;
	u64 injected;
	u64 slabs_created;
	u64 slabs_destroyed;
	u64 overflows;
	u64 use_after_free;
	u64 double_frees;
};

/**
 * struct vmarena_slab_cache - a cache of objects of one size.
 * @name:          for slabinfo and reports.
 * @lock:          protects the lists and counts below and the @inuse,
 *                 @freelist, @next and @prev of the cache's slab heads.
 * @object_size:   bytes a caller may use in an object.
 * @align:         alignment of objects.
 * @size:          stride of objects in a plain slab.
 * @dsize:         stride in a debug slab: object, red zone, free index.
 * @order:         a slab is a buddy block of 2^@order frames.
 * @objs:          objects in a plain slab.
 * @dobjs:         objects in a debug slab.
 * @debug:         VMARENA_SLAB_* flags given to new slabs.
 * @reserve:       empty slabs kept before giving them back.
 * @partial:       head frame of the first slab with free and used objects.
 * @full:          ... with no free object.
 * @empty:         ... with no used object.
 * @nr_slabs:      slabs of each list: [0] partial, [1] full, [2] empty.
 * @active:        objects out of their slabs (allocated, or parked in a
 *                 per-CPU cache).
 * @total:         objects in all slabs.
 * @fail_next:     fault injection: refuse this many more allocations.
 * @stats:         counters.
 * @cpu:           per-CPU caches of free objects, used while the cache is
 *                 not debugging (debug slabs need the checked slow path).
 */
struct vmarena_slab_cache {
	char name[VMARENA_SLAB_NAME_LEN];
	spinlock_t lock;	/* see the kernel-doc above */
	u32 object_size;
	u32 align;
	u32 size;
	u32 dsize;
	u8 order;
	u16 objs;
	u16 dobjs;
	unsigned int debug;
	unsigned int reserve;
	u32 partial;
	u32 full;
	u32 empty;
	u32 nr_slabs[3];
	u64 active;
	u64 total;
	u64 fail_next;
	struct vmarena_slab_stats stats;
	struct vmarena_slab_cpu __percpu *cpu;
};

/**
 * struct vmarena_slab_info - a consistent snapshot for slabinfo.
 * @object_size:   bytes a caller may use.
 * @size:          stride of plain slabs.
 * @objs_per_slab: objects in a plain slab.
 * @frames_per_slab: 2^order.
 * @active:        objects allocated.
 * @total:         objects in all slabs.
 * @slabs:         slabs of all lists.
 * @waste:         bytes of the slabs not usable by callers: stride padding,
 *                 red zones, the unused tail of each slab, and free objects
 *                 are not counted (they are usable).
 */
struct vmarena_slab_info {
	u32 object_size;
	u32 size;
	u32 objs_per_slab;
	u32 frames_per_slab;
	u64 active;
	u64 total;
	u64 slabs;
	u64 waste;
};

int vmarena_slab_cache_init(struct vmarena_slab_cache *c, const char *name,
			    u32 object_size, u32 align, unsigned int reserve);
int vmarena_slab_cache_destroy(struct vmarena_slab_cache *c);
void *vmarena_slab_alloc(struct vmarena_slab_cache *c);
void *vmarena_slab_zalloc(struct vmarena_slab_cache *c);
void vmarena_slab_free(struct vmarena_slab_cache *c, void *obj);
void vmarena_slab_set_debug(struct vmarena_slab_cache *c, unsigned int flags);
void vmarena_slab_fail_next(struct vmarena_slab_cache *c, u64 n);
unsigned int vmarena_slab_shrink(struct vmarena_slab_cache *c);
void vmarena_slab_info(struct vmarena_slab_cache *c,
		       struct vmarena_slab_info *info);
void vmarena_slab_counts(struct vmarena_slab_cache *c,
			 struct vmarena_slab_stats *s);

#endif /* _VMARENA_SLAB_H */
