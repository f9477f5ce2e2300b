// SPDX-License-Identifier: GPL-2.0
/*
 * space.c - address spaces: their pages, limits, software TLB and DISCARD.
 *
 * A page of a space is a shadow PTE in its page table pointing at an arena
 * frame that is zeroed when the page is first touched.  Hardware mappings
 * get the frame's struct page from the fault handler (fault.c); kernel
 * accesses (rw.c) translate through the software TLB.
 *
 * Dropping a page while a fault may be installing it: the fault handler
 * returns the page locked, and the kernel unlocks it only once its PTE is
 * in place.  DISCARD clears the shadow entries, then locks each dropped
 * page (waiting for such faults), then zaps the hardware mappings, so a
 * dropped frame is never left mapped.  A frame that something else still
 * holds (a GUP pin) is not reused until it is let go (arena.c).
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>

#include "internal.h"
#include "arena.h"
#include "caches.h"
#include "debugfs.h"
#include "fs.h"
#include "space.h"
#include "stats.h"
#include "trace.h"

/* The last id handed out; ids start at 1 so that 0 can mean "none". */
static atomic64_t last_space_id = ATOMIC64_INIT(0);

/* Spaces alive; when it drops to zero the caches give back empty slabs. */
static atomic64_t live_spaces = ATOMIC64_INIT(0);

unsigned long vmarena_space_max_pages;

/**
 * vmarena_space_default_cap() - the cap on a space's pages unless root
 * raises it: space_max_pages, or half the arena when that is 0.
 *
 * Return: pages.
 */
u64 vmarena_space_default_cap(void)
{
	return vmarena_space_max_pages ?: vmarena_arena_frames() / 2;
}

static void tlb_flush(struct vmarena_space *space, u64 first, u64 nr)
{
	unsigned int i;

	for (i = 0; i < VMARENA_TLB_ENTRIES; i++) {
		u64 vpn = space->tlb[i].vpn;

		if (vpn != U64_MAX && vpn >= first && vpn - first < nr)
			space->tlb[i].vpn = U64_MAX;
	}
}

/* Keeps the global page-table frame count in step with this space's. */
static void space_account_pt(struct vmarena_space *space)
{
	u64 now = vmarena_pt_frames(&space->pt);

	atomic64_add(now - space->pt_frames, &vmarena_counters.pt_frames);
	space->pt_frames = now;
}

/**
 * vmarena_space_create() - a new, empty address space with one reference.
 *
 * Return: the space, or an ERR_PTR().
 */
struct vmarena_space *vmarena_space_create(void)
{
	struct vmarena_space *space;
	struct inode *inode;

	space = vmarena_slab_zalloc(&vmarena_caches[VMARENA_CACHE_SPACE]);
	if (!space)
		return ERR_PTR(-ENOMEM);
	inode = vmarena_fs_inode_new();
	if (IS_ERR(inode)) {
		vmarena_slab_free(&vmarena_caches[VMARENA_CACHE_SPACE], space);
		return ERR_CAST(inode);
	}
	kref_init(&space->ref);
	mutex_init(&space->lock);
	vmarena_pt_init(&space->pt);
	space->inode = inode;
	space->max_pages = vmarena_space_default_cap();
	space->max_resident = 0;
	tlb_flush(space, 0, U64_MAX);
	atomic64_inc(&live_spaces);
	space->id = atomic64_inc_return(&last_space_id);
	vmarena_debugfs_space_add(space);
	vmarena_count(&vmarena_counters.spaces_created);
	trace_space_create(space->id);
	return space;
}

/* Gives a page's frame back (the caller holds the space lock). */
static void space_drop_frame(struct vmarena_space *space, u32 frame)
{
	struct vmarena_frame *f = &vmarena_frame_table()[frame];

	f->owner = NULL;
	space->resident--;
	atomic64_dec(&vmarena_counters.resident);
	vmarena_arena_release_user(frame);
}

static int space_release_entry(void *arg, u64 vpn, u64 *pte)
{
	if (*pte & VMARENA_PTE_PRESENT)
		space_drop_frame(arg, vmarena_pte_frame(*pte));
	return 0;
}

static void space_release(struct kref *ref)
{
	struct vmarena_space *space = container_of(ref, struct vmarena_space, ref);

	trace_space_destroy(space->id);
	vmarena_debugfs_space_remove(space);
	/* No file, so no mapping and no fault, can reach the space now. */
	mutex_lock(&space->lock);
	vmarena_pt_destroy(&space->pt, space_release_entry, space);
	space_account_pt(space);
	mutex_unlock(&space->lock);
	mutex_destroy(&space->lock);
	vmarena_fs_inode_free(space->inode);
	vmarena_count(&vmarena_counters.spaces_destroyed);
	vmarena_slab_free(&vmarena_caches[VMARENA_CACHE_SPACE], space);
	if (atomic64_dec_and_test(&live_spaces))
		vmarena_caches_shrink();
}

/**
 * vmarena_space_put() - drop a reference; the last one frees the space.
 * @space: the space.
 */
void vmarena_space_put(struct vmarena_space *space)
{
	kref_put(&space->ref, space_release);
}

/*
 * A zeroed frame for a page touched for the first time, its entry created
 * present and accessed; space lock held.
 */
static int space_new_page(struct vmarena_space *space, u64 vpn, u32 *frame)
{
	struct vmarena_frame *f;
	int ret;

	lockdep_assert_held(&space->lock);
	if (space->pt.used >= space->max_pages ||
	    (space->max_resident && space->resident >= space->max_resident))
		return -EDQUOT;
	ret = vmarena_frames_alloc(0, frame);
	if (ret)
		return ret;
	clear_highpage(vmarena_frame_page(*frame));
	ret = vmarena_pt_set(&space->pt, vpn,
			     vmarena_pte_make(*frame, VMARENA_PTE_PRESENT |
					      VMARENA_PTE_ACCESSED));
	space_account_pt(space);
	if (ret) {
		vmarena_frames_free(*frame, 0);
		return ret;
	}
	f = &vmarena_frame_table()[*frame];
	f->use = VMARENA_USE_USER;
	f->owner = space;
	f->vpn = vpn;
	space->resident++;
	atomic64_inc(&vmarena_counters.resident);
	return 0;
}

/**
 * vmarena_space_fault_in() - the frame of a faulting page, made if missing.
 * @space: the space, locked.
 * @vpn:   the page.
 * @frame: out: its frame.
 * @kind:  out: enum vmarena_fault_kind.
 *
 * Marks the page accessed and counts the fault by kind.
 *
 * Return: 0; -EDQUOT beyond the space's caps; -ENOMEM when the arena is
 * empty; -EINVAL beyond the offset space.
 */
int vmarena_space_fault_in(struct vmarena_space *space, u64 vpn, u32 *frame,
			   int *kind)
{
	u64 *pte = vmarena_pt_lookup(&space->pt, vpn);
	int ret;

	lockdep_assert_held(&space->lock);
	if (pte && (*pte & VMARENA_PTE_PRESENT)) {
		*pte |= VMARENA_PTE_ACCESSED;
		*frame = vmarena_pte_frame(*pte);
		*kind = VMARENA_FAULT_MINOR;
		space->c.faults_minor++;
		atomic64_inc(&vmarena_counters.faults_minor);
		return 0;
	}
	ret = space_new_page(space, vpn, frame);
	if (ret)
		return ret;
	*kind = VMARENA_FAULT_FIRST_TOUCH;
	space->c.faults_first_touch++;
	atomic64_inc(&vmarena_counters.faults_first_touch);
	return 0;
}

/**
 * vmarena_space_translate() - a page's shadow PTE for a kernel-side access.
 * @space: the space, locked.
 * @vpn:   the page.
 * @alloc: make the page (first touch) if it is missing.
 * @pte:   out: the slot of its (present) shadow PTE.
 *
 * Looks in the software TLB first, walks the page table on a miss and
 * fills the TLB entry.
 *
 * Return: 0; -ENOENT for a hole when !@alloc; else as
 * vmarena_space_fault_in().
 */
int vmarena_space_translate(struct vmarena_space *space, u64 vpn, bool alloc,
			    u64 **pte)
{
	struct vmarena_tlb_entry *e = &space->tlb[vpn % VMARENA_TLB_ENTRIES];
	u32 frame;
	int ret;

	lockdep_assert_held(&space->lock);
	if (e->vpn == vpn) {
		space->c.tlb_hits++;
		atomic64_inc(&vmarena_counters.tlb_hits);
		*pte = e->pte;
		return 0;
	}
	space->c.tlb_misses++;
	atomic64_inc(&vmarena_counters.tlb_misses);
	*pte = vmarena_pt_lookup(&space->pt, vpn);
	if (!*pte || !(**pte & VMARENA_PTE_PRESENT)) {
		if (!alloc)
			return -ENOENT;
		ret = space_new_page(space, vpn, &frame);
		if (ret)
			return ret;
		*pte = vmarena_pt_lookup(&space->pt, vpn);
	}
	e->vpn = vpn;
	e->pte = *pte;
	return 0;
}

/* DISCARD's collection of dropped frames, chained through frame->next. */
struct space_dropped {
	struct vmarena_space *space;
	u32 head;
	u64 n;
};

static int space_collect_entry(void *arg, u64 vpn, u64 *pte)
{
	struct space_dropped *d = arg;
	u32 frame;

	if (!(*pte & VMARENA_PTE_PRESENT))
		return 0;
	frame = vmarena_pte_frame(*pte);
	vmarena_frame_table()[frame].next = d->head;
	d->head = frame;
	d->n++;
	return 0;
}

/**
 * vmarena_space_discard() - drop a range: frames freed, reads give zeros.
 * @space: the space (not locked).
 * @first: first page.
 * @nr:    pages; the range was validated by the caller.
 *
 * Return: 0.
 */
int vmarena_space_discard(struct vmarena_space *space, u64 first, u64 nr)
{
	struct space_dropped d = { .space = space, .head = VMARENA_NO_FRAME };
	u32 f, next;

	mutex_lock(&space->lock);
	vmarena_pt_clear_range(&space->pt, first, nr, space_collect_entry, &d);
	space_account_pt(space);
	tlb_flush(space, first, nr);
	/* Wait for faults that found these frames before the entries went. */
	for (f = d.head; f != VMARENA_NO_FRAME; f = vmarena_frame_table()[f].next)
		lock_page(vmarena_frame_page(f));
	unmap_mapping_range(space->inode->i_mapping, first << PAGE_SHIFT,
			    nr << PAGE_SHIFT, 1);
	for (f = d.head; f != VMARENA_NO_FRAME; f = next) {
		next = vmarena_frame_table()[f].next;
		unlock_page(vmarena_frame_page(f));
		space_drop_frame(space, f);
	}
	space->c.discarded += d.n;
	atomic64_add(d.n, &vmarena_counters.discarded);
	mutex_unlock(&space->lock);
	return 0;
}

/**
 * vmarena_space_set_limit() - set the space's caps.
 * @space:        the space.
 * @max_pages:    cap on its pages; 0 for the default cap.
 * @max_resident: cap on its resident frames; 0 for none beyond @max_pages.
 *
 * Return: 0, or -EPERM when a cap above the default lacks CAP_SYS_ADMIN.
 */
int vmarena_space_set_limit(struct vmarena_space *space, u64 max_pages,
			    u64 max_resident)
{
	u64 cap = vmarena_space_default_cap();

	if (!max_pages)
		max_pages = cap;
	if ((max_pages > cap || max_resident > cap) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	mutex_lock(&space->lock);
	space->max_pages = max_pages;
	space->max_resident = max_resident;
	mutex_unlock(&space->lock);
	return 0;
}

/**
 * vmarena_space_stats() - the space's counters, by enum vmarena_space_stat.
 * @space: the space.
 * @v:     out: VMARENA_NR_SPACE_STATS values.
 */
void vmarena_space_stats(struct vmarena_space *space, u64 *v)
{
	mutex_lock(&space->lock);
	v[VMARENA_SPACE_STAT_ID] = space->id;
	v[VMARENA_SPACE_STAT_RESIDENT] = space->resident;
	v[VMARENA_SPACE_STAT_PAGES] = space->pt.used;
	v[VMARENA_SPACE_STAT_PT_FRAMES] = vmarena_pt_frames(&space->pt);
	v[VMARENA_SPACE_STAT_MAX_PAGES] = space->max_pages;
	v[VMARENA_SPACE_STAT_MAX_RESIDENT] = space->max_resident;
	v[VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH] = space->c.faults_first_touch;
	v[VMARENA_SPACE_STAT_FAULTS_MINOR] = space->c.faults_minor;
	v[VMARENA_SPACE_STAT_WRITE_NOTIFY] = space->c.write_notify;
	v[VMARENA_SPACE_STAT_TLB_HITS] = space->c.tlb_hits;
	v[VMARENA_SPACE_STAT_TLB_MISSES] = space->c.tlb_misses;
	v[VMARENA_SPACE_STAT_SIGBUS] = space->c.sigbus;
	v[VMARENA_SPACE_STAT_DISCARDED] = space->c.discarded;
	v[VMARENA_SPACE_STAT_BYTES_READ] = space->c.bytes_read;
	v[VMARENA_SPACE_STAT_BYTES_WRITTEN] = space->c.bytes_written;
	mutex_unlock(&space->lock);
}
