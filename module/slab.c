// SPDX-License-Identifier: GPL-2.0
/*
 * slab.c - caches of fixed-size objects on top of the buddy allocator.
 *
 * A slab is a buddy block of 2^order frames cut into objects.  Its head
 * frame's descriptor holds the slab's state: objects in use, the index of
 * the first free object, and its links in the cache's partial, full or
 * empty list.  A free object holds the index of the next free one.
 *
 * Plain layout (stride @size): the free index overlays the object.
 * Debug layout (stride @dsize), chosen per slab when red zones (and maybe
 * poisoning) were on at its creation, recorded in the head's @use:
 *
 *	| object_size | red zone (>= 8 bytes) | free index (8) |
 *
 * The red zone reads VMARENA_RED_ACTIVE while the object is allocated and
 * VMARENA_RED_INACTIVE while it is free, so an overflow (neither) and a double free
 * (already inactive) are told apart on free; a free object is filled with
 * VMARENA_POISON_FREE (last byte VMARENA_POISON_END), so a write after free shows on the
 * next allocation.  Reports name the cache and object, count, repair what
 * they can, and the cache keeps working.
 *
 * Pure logic: also compiled by selftests/unit/.
 */
#include "slab.h"

#define VMARENA_RED_INACTIVE	0xbb	/* SLUB_RED_INACTIVE */
#define VMARENA_RED_ACTIVE	0xcc	/* SLUB_RED_ACTIVE */
#define VMARENA_POISON_FREE	0x6b
#define VMARENA_POISON_END	0xa5
#define NO_OBJECT	U16_MAX

enum { SLAB_PARTIAL, SLAB_FULL, SLAB_EMPTY };

static bool is_slab(const struct vmarena_frame *h)
{
	return h->use == VMARENA_USE_SLAB || h->use == VMARENA_USE_SLAB_RZ ||
	       h->use == VMARENA_USE_SLAB_RZ_POISON;
}

/* Debug layout: red zones, and the free index off the object. */
static bool slab_debug(const struct vmarena_frame *h)
{
	return h->use == VMARENA_USE_SLAB_RZ || h->use == VMARENA_USE_SLAB_RZ_POISON;
}

static bool slab_poisoned(const struct vmarena_frame *h)
{
	return h->use == VMARENA_USE_SLAB_RZ_POISON;
}

static u32 slab_stride(struct vmarena_slab_cache *c, const struct vmarena_frame *h)
{
	return slab_debug(h) ? c->dsize : c->size;
}

static u16 slab_objs(struct vmarena_slab_cache *c, const struct vmarena_frame *h)
{
	return slab_debug(h) ? c->dobjs : c->objs;
}

static u32 *slab_list(struct vmarena_slab_cache *c, int which)
{
	return which == SLAB_PARTIAL ? &c->partial :
	       which == SLAB_FULL ? &c->full : &c->empty;
}

static int slab_which(struct vmarena_slab_cache *c, struct vmarena_frame *h)
{
	if (!h->inuse)
		return SLAB_EMPTY;
	return h->inuse == slab_objs(c, h) ? SLAB_FULL : SLAB_PARTIAL;
}

static void slab_list_add(struct vmarena_slab_cache *c, u32 head, int which)
{
	vmarena_flist_add(vmarena_frame_table(), slab_list(c, which), head);
	c->nr_slabs[which]++;
}

static void slab_list_del(struct vmarena_slab_cache *c, u32 head, int which)
{
	vmarena_flist_del(vmarena_frame_table(), slab_list(c, which), head);
	c->nr_slabs[which]--;
}

/* Where a free object keeps the index of the next free object. */
static u16 *slab_free_index(struct vmarena_slab_cache *c,
			    const struct vmarena_frame *h, u8 *obj)
{
	return (u16 *)(slab_debug(h) ? obj + c->dsize - 8 : obj);
}

static u32 red_zone_start(struct vmarena_slab_cache *c)
{
	return c->object_size;
}

static u32 red_zone_len(struct vmarena_slab_cache *c)
{
	return c->dsize - 8 - c->object_size;
}

static bool bytes_all(const u8 *p, u32 len, u8 v)
{
	u32 i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void poison(struct vmarena_slab_cache *c, u8 *obj)
{
	memset(obj, VMARENA_POISON_FREE, c->object_size - 1);
	obj[c->object_size - 1] = VMARENA_POISON_END;
}

static bool poison_intact(struct vmarena_slab_cache *c, const u8 *obj)
{
	return bytes_all(obj, c->object_size - 1, VMARENA_POISON_FREE) &&
	       obj[c->object_size - 1] == VMARENA_POISON_END;
}

/* Picks the smallest slab order that wastes at most 1/8 of the slab. */
static u8 slab_order(u32 size)
{
	u8 order;

	for (order = 0; order < VMARENA_SLAB_MAX_ORDER; order++) {
		u32 bytes = VMARENA_PAGE_SIZE << order;
		u32 objs = bytes / size;

		if (objs >= 4 && (bytes - objs * size) * 8 <= bytes)
			break;
	}
	return order;
}

/**
 * vmarena_slab_cache_init() - set up a cache; no memory is taken yet.
 * @c:           the cache.
 * @name:        its name in slabinfo and reports.
 * @object_size: 1..VMARENA_SLAB_MAX_SIZE bytes.
 * @align:       a power of two up to the page size, or 0 for 8.
 * @reserve:     empty slabs to keep before giving them back.
 *
 * Return: 0, -EINVAL for a bad size or alignment, -ENOMEM.
 */
int vmarena_slab_cache_init(struct vmarena_slab_cache *c, const char *name,
			    u32 object_size, u32 align, unsigned int reserve)
{
	u32 bytes;
	int cpu;

	if (!align)
		align = 8;
	if (!object_size || object_size > VMARENA_SLAB_MAX_SIZE ||
	    align & (align - 1) || align > VMARENA_PAGE_SIZE)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	spin_lock_init(&c->lock);
	c->object_size = object_size;
	c->align = align < 8 ? 8 : align;
	c->size = ALIGN(object_size < 8 ? 8 : object_size, c->align);
	c->dsize = ALIGN(ALIGN(object_size, 8) + 8 + 8, c->align);
	c->order = slab_order(c->size);
	bytes = VMARENA_PAGE_SIZE << c->order;
	c->objs = bytes / c->size;
	c->dobjs = bytes / c->dsize;
	c->reserve = reserve;
	c->partial = VMARENA_NO_FRAME;
	c->full = VMARENA_NO_FRAME;
	c->empty = VMARENA_NO_FRAME;
	c->cpu = alloc_percpu(struct vmarena_slab_cpu);
	if (!c->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		spin_lock_init(&per_cpu_ptr(c->cpu, cpu)->lock);
	return 0;
}

/* Carves a new slab (no lock held: it may take frames). */
static int slab_create(struct vmarena_slab_cache *c, unsigned int debug,
		       u32 *headp)
{
	struct vmarena_frame *h;
	u32 head, stride, i;
	u16 objs;
	u8 *base;

	lockdep_assert_not_held(&c->lock);
	if (vmarena_frames_alloc(c->order, &head))
		return -ENOMEM;
	h = &vmarena_frame_table()[head];
	h->use = debug & VMARENA_SLAB_POISON ? VMARENA_USE_SLAB_RZ_POISON :
		 debug ? VMARENA_USE_SLAB_RZ : VMARENA_USE_SLAB;
	h->inuse = 0;
	h->freelist = 0;
	stride = slab_stride(c, h);
	objs = slab_objs(c, h);
	base = vmarena_frame_addr(head);
	for (i = 0; i < objs; i++) {
		u8 *obj = base + i * stride;

		if (slab_poisoned(h))
			poison(c, obj);
		if (slab_debug(h))
			memset(obj + red_zone_start(c), VMARENA_RED_INACTIVE, red_zone_len(c));
		*slab_free_index(c, h, obj) = i + 1 < objs ? i + 1 : NO_OBJECT;
	}
	*headp = head;
	return 0;
}

/* Is the poison of a free object being handed out intact? */
static void check_poison(struct vmarena_slab_cache *c, u8 *obj, u16 idx)
{
	if (poison_intact(c, obj))
		return;
	c->stats.use_after_free++;
	pr_err("slab %s: object %u at %p was written after free\n",
	       c->name, idx, obj);
}

/* Takes the first free object of a slab that has one; cache lock held. */
static void *slab_take(struct vmarena_slab_cache *c, u32 head)
{
	struct vmarena_frame *h = &vmarena_frame_table()[head];
	int from = slab_which(c, h);
	u16 idx = h->freelist;
	u8 *obj = (u8 *)vmarena_frame_addr(head) + idx * slab_stride(c, h);

	lockdep_assert_held(&c->lock);
	h->freelist = *slab_free_index(c, h, obj);
	h->inuse++;
	if (slab_which(c, h) != from) {
		slab_list_del(c, head, from);
		slab_list_add(c, head, slab_which(c, h));
	}
	if (slab_poisoned(h))
		check_poison(c, obj, idx);
	if (slab_debug(h))
		memset(obj + red_zone_start(c), VMARENA_RED_ACTIVE, red_zone_len(c));
	c->active++;
	return obj;
}

static bool slab_inject_failure(struct vmarena_slab_cache *c)
{
	lockdep_assert_held(&c->lock);
	if (likely(!c->fail_next))
		return false;
	c->fail_next--;
	c->stats.injected++;
	c->stats.failures++;
	vmarena_frames_injected();
	return true;
}

/*
 * A slab with a free object, carving a new one if there is none; cache
 * lock held on entry and on return (dropped while carving).
 */
static int slab_get(struct vmarena_slab_cache *c, u32 *head)
	__must_hold(&c->lock)
{
	unsigned int debug = c->debug;

	lockdep_assert_held(&c->lock);
	*head = c->partial != VMARENA_NO_FRAME ? c->partial : c->empty;
	if (*head != VMARENA_NO_FRAME)
		return 0;
	spin_unlock(&c->lock);
	if (slab_create(c, debug, head)) {
		spin_lock(&c->lock);
		return -ENOMEM;
	}
	spin_lock(&c->lock);
	slab_list_add(c, *head, SLAB_EMPTY);
	c->total += slab_objs(c, &vmarena_frame_table()[*head]);
	c->stats.slabs_created++;
	return 0;
}

/*
 * Fills an empty CPU cache with up to a batch of objects from the slabs
 * that have free ones, carving a new slab only for the first object; CPU
 * cache lock held.
 */
static void cpu_refill(struct vmarena_slab_cache *c, struct vmarena_slab_cpu *cpu)
{
	u32 head;

	lockdep_assert_held(&cpu->lock);
	spin_lock(&c->lock);
	while (cpu->count < VMARENA_SLAB_CPU_BATCH) {
		if (cpu->count && c->partial == VMARENA_NO_FRAME &&
		    c->empty == VMARENA_NO_FRAME)
			break;
		if (slab_get(c, &head))
			break;
		cpu->objs[cpu->count++] = slab_take(c, head);
	}
	spin_unlock(&c->lock);
}

/* The fast path: an object from this CPU's cache; NULL if none could be had. */
static void *cpu_alloc(struct vmarena_slab_cache *c)
{
	struct vmarena_slab_cpu *cpu = get_cpu_ptr(c->cpu);
	void *obj = NULL;

	spin_lock(&cpu->lock);
	if (!cpu->count)
		cpu_refill(c, cpu);
	if (cpu->count) {
		obj = cpu->objs[--cpu->count];
		cpu->allocs++;
	}
	spin_unlock(&cpu->lock);
	put_cpu_ptr(c->cpu);
	return obj;
}

static void slab_count_failure(struct vmarena_slab_cache *c)
{
	spin_lock(&c->lock);
	c->stats.failures++;
	spin_unlock(&c->lock);
}

/* Whether allocations may use the per-CPU caches right now. */
static bool cpu_cache_usable(struct vmarena_slab_cache *c)
{
	return !READ_ONCE(c->debug) && !READ_ONCE(c->fail_next);
}

/**
 * vmarena_slab_alloc() - an object of the cache (contents undefined).
 * @c: the cache.
 *
 * Served by this CPU's cache of free objects unless the cache is
 * debugging or a failure is armed; else by the slabs, under the cache lock.
 *
 * Return: the object, or NULL when no frame is left or a failure was
 * injected.
 */
void *vmarena_slab_alloc(struct vmarena_slab_cache *c)
{
	u32 head;
	void *obj;

	if (likely(cpu_cache_usable(c))) {
		obj = cpu_alloc(c);
		if (!obj)	/* no slab had a free object, none could be made */
			slab_count_failure(c);
		return obj;
	}
	spin_lock(&c->lock);
	if (slab_inject_failure(c))
		goto fail;
	if (slab_get(c, &head)) {
		c->stats.failures++;
		goto fail;
	}
	obj = slab_take(c, head);
	c->stats.allocs++;
	spin_unlock(&c->lock);
	return obj;
fail:
	spin_unlock(&c->lock);
	return NULL;
}

/**
 * vmarena_slab_zalloc() - a zeroed object of the cache.
 * @c: the cache.
 *
 * Return: the object, or NULL.
 */
void *vmarena_slab_zalloc(struct vmarena_slab_cache *c)
{
	void *obj = vmarena_slab_alloc(c);

	if (obj)
		memset(obj, 0, c->object_size);
	return obj;
}

/*
 * Checks the red zone of an object being freed; cache lock held.
 * Return: false for a double free (the free must be refused).
 */
static bool check_red_zone(struct vmarena_slab_cache *c, u8 *obj, u16 idx)
{
	u8 *rz = obj + red_zone_start(c);

	lockdep_assert_held(&c->lock);
	if (bytes_all(rz, red_zone_len(c), VMARENA_RED_ACTIVE))
		return true;
	if (bytes_all(rz, red_zone_len(c), VMARENA_RED_INACTIVE)) {
		c->stats.double_frees++;
		pr_err("slab %s: double free of object %u at %p\n",
		       c->name, idx, obj);
		return false;
	}
	c->stats.overflows++;
	pr_err("slab %s: object %u at %p overflowed into its red zone\n",
	       c->name, idx, obj);
	return true;
}

/* Puts an object back in its slab; cache lock held. */
static void slab_put(struct vmarena_slab_cache *c, u32 head, u8 *obj, u16 idx)
{
	struct vmarena_frame *h = &vmarena_frame_table()[head];
	int from = slab_which(c, h);

	lockdep_assert_held(&c->lock);
	if (slab_debug(h)) {
		if (!check_red_zone(c, obj, idx))
			return;
		memset(obj + red_zone_start(c), VMARENA_RED_INACTIVE, red_zone_len(c));
		if (slab_poisoned(h))
			poison(c, obj);
	}
	*slab_free_index(c, h, obj) = h->freelist;
	h->freelist = idx;
	h->inuse--;
	if (slab_which(c, h) != from) {
		slab_list_del(c, head, from);
		slab_list_add(c, head, slab_which(c, h));
	}
	c->active--;
}

/* Takes an empty slab off the cache for freeing; cache lock held. */
static void slab_detach(struct vmarena_slab_cache *c, u32 head)
{
	lockdep_assert_held(&c->lock);
	slab_list_del(c, head, SLAB_EMPTY);
	c->total -= slab_objs(c, &vmarena_frame_table()[head]);
	c->stats.slabs_destroyed++;
}

static void slab_release(struct vmarena_slab_cache *c, u32 head)
{
	vmarena_frame_table()[head].use = VMARENA_USE_NONE;
	vmarena_frames_free(head, c->order);
}

/* Finds an object's slab and index; false (and a warning) for a bad one. */
static bool slab_of(struct vmarena_slab_cache *c, void *obj, u32 *headp,
		    u16 *idx)
{
	u32 head = vmarena_addr_frame(obj) & ~((1U << c->order) - 1);
	struct vmarena_frame *h = &vmarena_frame_table()[head];
	u32 stride, off;

	if (WARN_ON_ONCE(!is_slab(h)))
		return false;
	stride = slab_stride(c, h);
	off = (u8 *)obj - (u8 *)vmarena_frame_addr(head);
	if (WARN_ON_ONCE(off % stride || off / stride >= slab_objs(c, h)))
		return false;
	*headp = head;
	*idx = off / stride;
	return true;
}

/*
 * Puts an object back in its slab; cache lock held.  Return: the slab's
 * head if it emptied beyond the reserve (detached: the caller releases it
 * after dropping the lock), else VMARENA_NO_FRAME.
 */
static u32 slab_put_obj(struct vmarena_slab_cache *c, void *obj)
{
	u32 head;
	u16 idx;

	lockdep_assert_held(&c->lock);
	if (!slab_of(c, obj, &head, &idx))
		return VMARENA_NO_FRAME;
	slab_put(c, head, obj, idx);
	if (vmarena_frame_table()[head].inuse ||
	    c->nr_slabs[SLAB_EMPTY] <= c->reserve)
		return VMARENA_NO_FRAME;
	slab_detach(c, head);
	return head;
}

/* Gives @n objects of a CPU cache back to their slabs; CPU lock held. */
static void cpu_flush(struct vmarena_slab_cache *c, struct vmarena_slab_cpu *cpu,
		      unsigned int n)
{
	u32 release = VMARENA_NO_FRAME, head;

	lockdep_assert_held(&cpu->lock);
	spin_lock(&c->lock);
	while (n--) {
		head = slab_put_obj(c, cpu->objs[--cpu->count]);
		if (head == VMARENA_NO_FRAME)
			continue;
		vmarena_frame_table()[head].next = release;
		release = head;
	}
	spin_unlock(&c->lock);
	for (head = release; head != VMARENA_NO_FRAME; head = release) {
		release = vmarena_frame_table()[head].next;
		slab_release(c, head);
	}
}

/* The fast path: park an object in this CPU's cache. */
static void cpu_free(struct vmarena_slab_cache *c, void *obj)
{
	struct vmarena_slab_cpu *cpu = get_cpu_ptr(c->cpu);

	spin_lock(&cpu->lock);
	if (cpu->count == VMARENA_SLAB_CPU_OBJS)
		cpu_flush(c, cpu, VMARENA_SLAB_CPU_BATCH);
	cpu->objs[cpu->count++] = obj;
	cpu->frees++;
	spin_unlock(&cpu->lock);
	put_cpu_ptr(c->cpu);
}

/**
 * vmarena_slab_free() - give an object back to its cache.
 * @c:   the cache it came from.
 * @obj: the object.
 *
 * Parked in this CPU's cache unless the cache is debugging (or the object
 * is in a debug slab); else put back in its slab under the cache lock.  A
 * pointer that is not an object of this cache is a kernel bug: warned
 * about once and ignored.  An empty slab beyond the cache's reserve goes
 * back to the buddy allocator.
 */
void vmarena_slab_free(struct vmarena_slab_cache *c, void *obj)
{
	u64 active;
	u32 head;
	u16 idx;

	if (!slab_of(c, obj, &head, &idx))
		return;
	if (likely(!READ_ONCE(c->debug) &&
		   !slab_debug(&vmarena_frame_table()[head]))) {
		cpu_free(c, obj);
		return;
	}
	spin_lock(&c->lock);
	active = c->active;
	head = slab_put_obj(c, obj);
	if (c->active != active)	/* not a refused double free */
		c->stats.frees++;
	spin_unlock(&c->lock);
	if (head != VMARENA_NO_FRAME)
		slab_release(c, head);
}

/**
 * vmarena_slab_shrink() - empty the per-CPU caches into their slabs, then
 * give every empty slab back to the buddy allocator.
 * @c: the cache.
 *
 * Return: the number of slabs given back.
 */
unsigned int vmarena_slab_shrink(struct vmarena_slab_cache *c)
{
	unsigned int n = 0;
	u32 head;
	int i;

	for_each_possible_cpu(i) {
		struct vmarena_slab_cpu *cpu = per_cpu_ptr(c->cpu, i);

		spin_lock(&cpu->lock);
		cpu_flush(c, cpu, cpu->count);
		spin_unlock(&cpu->lock);
	}
	for (;;) {
		spin_lock(&c->lock);
		head = c->empty;
		if (head != VMARENA_NO_FRAME)
			slab_detach(c, head);
		spin_unlock(&c->lock);
		if (head == VMARENA_NO_FRAME)
			return n;
		slab_release(c, head);
		n++;
	}
}

/**
 * vmarena_slab_set_debug() - switch red zones and poisoning for new slabs.
 * @c:     the cache.
 * @flags: VMARENA_SLAB_RED_ZONE and/or VMARENA_SLAB_POISON, or 0.
 *
 * Empty slabs are given back so that the next slabs take the new layout;
 * slabs with objects keep theirs until they empty.
 */
void vmarena_slab_set_debug(struct vmarena_slab_cache *c, unsigned int flags)
{
	spin_lock(&c->lock);
	c->debug = flags & (VMARENA_SLAB_RED_ZONE | VMARENA_SLAB_POISON);
	spin_unlock(&c->lock);
	vmarena_slab_shrink(c);
}

/**
 * vmarena_slab_fail_next() - make the next @n allocations of @c fail.
 * @c: the cache.
 * @n: how many; 0 disarms.
 */
void vmarena_slab_fail_next(struct vmarena_slab_cache *c, u64 n)
{
	spin_lock(&c->lock);
	c->fail_next = n;
	spin_unlock(&c->lock);
}

/**
 * vmarena_slab_info() - a consistent snapshot of a cache for slabinfo.
 * @c:    the cache.
 * @info: out: the snapshot.
 */
void vmarena_slab_info(struct vmarena_slab_cache *c,
		       struct vmarena_slab_info *info)
{
	u64 slab_bytes, parked = 0;
	int i;

	for_each_possible_cpu(i)
		parked += READ_ONCE(per_cpu_ptr(c->cpu, i)->count);
	spin_lock(&c->lock);
	info->object_size = c->object_size;
	info->size = c->size;
	info->objs_per_slab = c->objs;
	info->frames_per_slab = 1U << c->order;
	info->active = parked < c->active ? c->active - parked : 0;
	info->total = c->total;
	info->slabs = (u64)c->nr_slabs[SLAB_PARTIAL] + c->nr_slabs[SLAB_FULL] +
		      c->nr_slabs[SLAB_EMPTY];
	spin_unlock(&c->lock);
	slab_bytes = info->slabs * info->frames_per_slab * VMARENA_PAGE_SIZE;
	info->waste = slab_bytes - info->total * info->object_size;
}

/**
 * vmarena_slab_counts() - the cache's counters, per-CPU caches included.
 * @c: the cache.
 * @s: out: the counters.
 */
void vmarena_slab_counts(struct vmarena_slab_cache *c,
			 struct vmarena_slab_stats *s)
{
	int i;

	*s = c->stats;
	for_each_possible_cpu(i) {
		s->allocs += READ_ONCE(per_cpu_ptr(c->cpu, i)->allocs);
		s->frees += READ_ONCE(per_cpu_ptr(c->cpu, i)->frees);
	}
}

/**
 * vmarena_slab_cache_destroy() - give every slab back; the cache is unusable.
 * @c: the cache.
 *
 * Return: 0, or -EBUSY when objects are still allocated (a leak in the
 * caller; their slabs are kept, and warned about once).
 */
int vmarena_slab_cache_destroy(struct vmarena_slab_cache *c)
{
	vmarena_slab_shrink(c);
	if (WARN_ON_ONCE(READ_ONCE(c->active))) {
		pr_err("slab %s: %llu objects still allocated at destroy\n",
		       c->name, (unsigned long long)READ_ONCE(c->active));
		return -EBUSY;
	}
	free_percpu(c->cpu);
	c->cpu = NULL;
	return 0;
}
