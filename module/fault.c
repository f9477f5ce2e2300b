// SPDX-License-Identifier: GPL-2.0
/*
 * fault.c - mmap of a space and its page faults.
 *
 * The hardware page tables act as a TLB of the shadow tables: a fault is a
 * miss.  .fault walks the shadow table, allocates a zeroed frame on first
 * touch or reads a swapped page back (without the space lock), and hands
 * the frame's page back locked; the kernel maps it and unlocks it (see
 * access.c for why locked).  A re-fault of a resident page, the common
 * miss, first tries without the space lock at all
 * (vmarena_space_fault_unlocked()).  Mappings are shared and use write
 * notification: a read fault maps the page read-only, and the first write
 * goes through .page_mkwrite, which sets the shadow dirty bit (a first
 * touch by a write fault has it set by .fault), so the module knows
 * exactly which pages were written.  A read of a hole maps the kernel's
 * zero page (fault_zero()) and allocates nothing; a write to it comes to
 * .pfn_mkwrite.  A write to a
 * copy-on-write page (share.c) is copied by .page_mkwrite, which then
 * zaps the read-only mapping and returns VM_FAULT_NOPAGE, so that the
 * retried access maps the copy; a write fault with no mapping at all is
 * copied in .fault, which returns the copy directly.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/pfn_t.h>

#include "internal.h"
#include "arena.h"
#include "fault.h"
#include "file.h"
#include "mapping.h"
#include "supply.h"
#include "share.h"
#include "space.h"
#include "counters.h"
#include "trace.h"
#include "access.h"

/*
 * Module parameter zero_page: a read of a hole maps the kernel's zero
 * page (fault_zero()) rather than making a zeroed frame.  Off, and only
 * off, where the kernel refuses it (VMARENA_ZERO_PAGE_MAPPABLE).
 */
bool vmarena_zero_page = VMARENA_ZERO_PAGE_MAPPABLE;

static u64 fault_clock(void)
{
	return trace_fault_enabled() ? ktime_get_ns() : 0;
}

static void fault_sigbus(struct vmarena_space *space)
{
	space->c.sigbus++;
	atomic64_inc(&vmarena_counters.sigbus);
}

/*
 * Reads a page being swapped in and those read ahead with it (space lock
 * dropped, pages locked and held).  The faulting page is returned locked,
 * the others unlocked and let go.  A failed read marks the faulting page
 * lost: SIGBUS, unless it was discarded meanwhile (then the access simply
 * retries); the pages read ahead go back to their slots.
 */
static vm_fault_t fault_swap_in(struct vmarena_space *space,
				const struct vmarena_swap_run *run)
{
	struct page *page = vmarena_frame_page(run->frames[0]);
	unsigned int i;
	bool lost;

	lockdep_assert_not_held(space->lock);
	if (!vmarena_space_swap_in_read(space, run)) {
		for (i = 1; i < run->n; i++) {
			unlock_page(vmarena_frame_page(run->frames[i]));
			vmarena_arena_put_page(vmarena_frame_page(run->frames[i]));
		}
		return 0;
	}
	/* The space lock comes before page locks. */
	for (i = 0; i < run->n; i++)
		unlock_page(vmarena_frame_page(run->frames[i]));
	mutex_lock(space->lock);
	lock_page(page);
	lost = vmarena_space_swap_in_failed(space, run->frames[0], run->vpn);
	if (lost)
		fault_sigbus(space);
	for (i = 1; i < run->n; i++) {
		lock_page(vmarena_frame_page(run->frames[i]));
		vmarena_space_swap_in_undo(space, run->frames[i], run->vpn + i);
	}
	mutex_unlock(space->lock);
	for (i = 0; i < run->n; i++)
		vmarena_arena_put_page(vmarena_frame_page(run->frames[i]));
	return lost ? VM_FAULT_SIGBUS : VM_FAULT_NOPAGE;
}

/*
 * Locks the page of a frame found under the space lock, before dropping
 * it.  If someone else holds it (eviction, DISCARD, a fault installing
 * it, a read bringing it in), the space lock is dropped, the page waited
 * for, and the access retried: NOPAGE.  Else 0, the page locked and up to
 * date, the space still locked.
 */
static vm_fault_t fault_lock_page(struct vmarena_space *space,
				  struct page *page)
{
	lockdep_assert_held(space->lock);
	if (trylock_page(page)) {
		if (PageUptodate(page))
			return 0;
		unlock_page(page);	/* a failed read, not yet marked lost */
		mutex_unlock(space->lock);
		return VM_FAULT_NOPAGE;
	}
	get_page(page);
	mutex_unlock(space->lock);
	lock_page(page);
	unlock_page(page);
	vmarena_arena_put_page(page);
	return VM_FAULT_NOPAGE;
}

static vm_fault_t fault_error(struct vmarena_space *space, int err)
{
	if (err == -EAGAIN) {
		mutex_unlock(space->lock);
		return VM_FAULT_NOPAGE;
	}
	fault_sigbus(space);
	mutex_unlock(space->lock);
	return VM_FAULT_SIGBUS;
}

/*
 * vmarena_space_fault_in(), space locked; for want of frames, tried again
 * after a reclaim that may wait for other spaces' locks, so the space's
 * own is dropped meanwhile (a failed fault_in changed nothing).
 */
static int fault_in(struct vmarena_space *space, u64 vpn, bool write,
		    bool zero, const struct vmarena_peek *peek, u32 *frame,
		    int *kind)
{
	unsigned int tries = VMARENA_RECLAIM_RETRIES;
	bool again;
	u64 mark;
	int err;

	lockdep_assert_held(space->lock);
	for (;;) {
		mark = vmarena_injections();
		err = vmarena_space_fault_in(space, vpn, write, zero, peek,
					     frame, kind);
		if (err != -ENOMEM)
			return err;
		mutex_unlock(space->lock);
		again = vmarena_supply_retry(mark, &tries);
		mutex_lock(space->lock);
		peek = NULL;	/* the table changed, maybe: walk it */
		if (!again)
			return err;
	}
}

/*
 * The pages of a fault-around window (at most 64) whose PTE is there
 * already, read without the PTE lock: a hint, which vm_insert_pages()
 * checks under it.  False if the PMD is not a page table to look in.
 */
static bool around_mapped(struct vm_fault *vmf, unsigned long addr,
			  unsigned int n, u64 *mapped)
{
	pmd_t pmd = READ_ONCE(*vmf->pmd);
	unsigned int i;
	pte_t *ptes;

	*mapped = 0;
	/* No table: vm_insert_pages() would allocate one (compat.h). */
	if (pmd_none(pmd))
		return !VMARENA_MAP_PAGES_ATOMIC;
	if (!pmd_present(pmd) || pmd_trans_huge(pmd) || pmd_bad(pmd))
		return false;
	/* The window lies in one page table (do_fault_around()). */
	ptes = vmarena_pte_map(vmf->pmd, pmd, addr);
	if (!ptes)	/* from 6.5: the table went meanwhile */
		return false;
	for (i = 0; i < n; i++)
		if (!pte_none(ptep_get(ptes + i)))
			*mapped |= BIT_ULL(i);
	vmarena_pte_unmap(ptes);
	return true;
}

/* Pages around a read of a hole that get the zero page with it. */
#define VMARENA_ZERO_AROUND	16

/*
 * The pages a read of a hole maps the zero page at: the aligned window of
 * 16 around it, within the VMA, when no leaf node covers any of them
 * (untouched memory: all holes), so that a sequential read of fresh
 * memory faults once a window, as fault-around maps a resident page's
 * neighbours; else the page alone.  Returns how many, from *@from (page
 * *@first of the space).  Space locked.
 */
static unsigned int zero_window(struct vm_fault *vmf,
				struct vmarena_space *space,
				unsigned long *from, pgoff_t *first)
{
	const unsigned long size = VMARENA_ZERO_AROUND << PAGE_SHIFT;
	unsigned long base = ALIGN_DOWN(vmf->address, size);
	unsigned long to = min(base + size, vmf->vma->vm_end);
	unsigned int n;

	lockdep_assert_held(space->lock);
	*from = max(base, vmf->vma->vm_start);
	*first = vmf->pgoff - ((vmf->address - *from) >> PAGE_SHIFT);
	n = (to - *from) >> PAGE_SHIFT;
	/* Within one leaf node or two: look at both ends. */
	if (!vmarena_pt_lookup(&space->pt, *first) &&
	    !vmarena_pt_lookup(&space->pt, *first + n - 1))
		return n;
	*from = vmf->address;
	*first = vmf->pgoff;
	return 1;
}

/*
 * A read of a hole maps the kernel's zero page, read-only (the VMA's
 * protection: write notification), as anonymous memory does, at the page
 * and its window's holes (zero_window()), the faulting page first: no
 * frame is taken and nothing is charged.  A neighbour whose PTE is there
 * is passed over; a page is counted only if its PTE was none (another
 * thread's fault may have mapped it).  It is mapped under the space lock,
 * so that a frame made for a page afterwards zaps it (space_new_page());
 * a write to it comes to vmarena_pfn_mkwrite().
 */
static vm_fault_t fault_zero(struct vm_fault *vmf, struct vmarena_space *space)
{
	unsigned long from, addr;
	unsigned int i, j, n, at;
	vm_fault_t ret = 0;
	pgoff_t first;
	u64 mapped;

	n = zero_window(vmf, space, &from, &first);
	at = (vmf->address - from) >> PAGE_SHIFT;
	if (!around_mapped(vmf, from, n, &mapped))
		mapped = ~0ULL;		/* not a page table: the page alone */
	for (j = 0; j < n; j++) {
		i = (at + j) % n;
		if (j && (mapped & BIT_ULL(i)))
			continue;
		addr = from + ((unsigned long)i << PAGE_SHIFT);
		ret = vmf_insert_mixed(vmf->vma, addr,
				       pfn_to_pfn_t(my_zero_pfn(addr)));
		if (ret != VM_FAULT_NOPAGE)
			break;
		vmarena_space_zero_mapped(space, first + i,
					  !(mapped & BIT_ULL(i)));
	}
	mutex_unlock(space->lock);
	return j ? VM_FAULT_NOPAGE : ret;
}

/*
 * A fault under the space lock: 0 with *@frame's page locked and held for
 * the kernel to map, or what the fault returns (VM_FAULT_NOPAGE for a
 * read of a hole that mapped the zero page: VMARENA_FAULT_ZERO).
 */
static vm_fault_t fault_locked(struct vm_fault *vmf, bool write,
			       const struct vmarena_peek *peek, u32 *frame,
			       int *kind)
{
	struct vmarena_space *space = vmf->vma->vm_private_data;
	bool zero = !write && READ_ONCE(vmarena_zero_page);
	struct vmarena_swap_run run;
	u64 vpn = vmf->pgoff;
	struct page *page;
	vm_fault_t ret;
	int err;

	mutex_lock(space->lock);
	err = fault_in(space, vpn, write, zero, peek, frame, kind);
	if (err)
		return fault_error(space, err);
	if (*kind == VMARENA_FAULT_ZERO)
		return fault_zero(vmf, space);
	page = vmarena_frame_page(*frame);
	if (*kind == VMARENA_FAULT_SWAP_IN) {
		/* Locked and not up to date: read without the space lock. */
		get_page(page);
		run.vpn = vpn;
		run.slot = vmarena_frame_table()[*frame].slot;
		run.frames[0] = *frame;
		vmarena_space_swap_in_ahead(space, &run);
		mutex_unlock(space->lock);
		return fault_swap_in(space, &run);
	}
	/* Locked while found: whoever drops it waits for the install. */
	ret = fault_lock_page(space, page);
	if (ret)
		return ret;
	get_page(page);
	mutex_unlock(space->lock);
	return 0;
}

static vm_fault_t vmarena_fault(struct vm_fault *vmf)
{
	struct vmarena_space *space = vmf->vma->vm_private_data;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	int kind = VMARENA_FAULT_MINOR;
	u64 t0 = fault_clock();
	struct vmarena_peek peek;
	vm_fault_t ret;
	u32 frame;

	frame = vmarena_space_fault_unlocked(space, vmf->pgoff, write, &peek);
	if (frame == VMARENA_NO_FRAME) {
		ret = fault_locked(vmf, write, &peek, &frame, &kind);
		if (t0 && kind == VMARENA_FAULT_ZERO && ret == VM_FAULT_NOPAGE)
			trace_fault(space->id, vmf->pgoff, frame, kind,
				    ktime_get_ns() - t0);
		if (ret)
			return ret;
	}
	vmf->page = vmarena_frame_page(frame);
	if (t0)
		trace_fault(space->id, vmf->pgoff, frame, kind, ktime_get_ns() - t0);
	return VM_FAULT_LOCKED;
}

static vm_fault_t fault_write_noted(struct vmarena_space *space,
				    pgoff_t vpn, u32 frame, u64 t0)
{
	atomic64_inc(&space->c.write_notify);
	atomic64_inc(&vmarena_counters.write_notify);
	if (t0)
		trace_fault(space->id, vpn, frame, VMARENA_FAULT_WRITE_NOTIFY,
			    ktime_get_ns() - t0);
	return VM_FAULT_LOCKED;
}

/*
 * The first write through a read-only mapping of a page, or the write
 * fault that gave a page: a shared page is copied (the copy is mapped by
 * the retried access), then the write is noted: dirty, its slot copy
 * stale.  A page whose entry has all that already goes without the lock
 * (vmarena_space_write_unlocked()).
 */
static vm_fault_t vmarena_page_mkwrite(struct vm_fault *vmf)
{
	struct vmarena_space *space = vmf->vma->vm_private_data;
	unsigned int tries = VMARENA_RECLAIM_RETRIES;
	u64 t0 = fault_clock(), mark;
	vm_fault_t ret;
	u64 *pte;
	u32 frame;
	int err;

	frame = vmarena_space_write_unlocked(space, vmf->pgoff, vmf->page);
	if (frame != VMARENA_NO_FRAME)
		return fault_write_noted(space, vmf->pgoff, frame, t0);
again:
	mark = vmarena_injections();
	mutex_lock(space->lock);
	pte = vmarena_pt_lookup(&space->pt, vmf->pgoff);
	if (!pte || !(*pte & VMARENA_PTE_PRESENT) ||
	    vmarena_frame_page(vmarena_pte_frame(*pte)) != vmf->page) {
		/* Dropped since the page was mapped: fault again. */
		mutex_unlock(space->lock);
		return VM_FAULT_NOPAGE;
	}
	if (*pte & VMARENA_PTE_COW) {
		err = vmarena_share_cow(space, vmf->pgoff, &pte);
		if (err == -ENOMEM) {
			/* As fault_in(): reclaim without the lock, start again. */
			mutex_unlock(space->lock);
			if (vmarena_supply_retry(mark, &tries))
				goto again;
			mutex_lock(space->lock);
		}
		if (err)
			return fault_error(space, err);
		if (vmarena_frame_page(vmarena_pte_frame(*pte)) != vmf->page) {
			mutex_unlock(space->lock);	/* copied: map the copy */
			return VM_FAULT_NOPAGE;
		}
	}
	ret = fault_lock_page(space, vmf->page);
	if (ret)
		return ret;
	vmarena_space_write_notify(space, pte);
	WRITE_ONCE(*pte, *pte | VMARENA_PTE_WRITE);
	frame = vmarena_pte_frame(*pte);
	mutex_unlock(space->lock);
	return fault_write_noted(space, vmf->pgoff, frame, t0);
}

/*
 * A write to the zero page, the only page mapped by PFN (fault_zero()):
 * the hole gets its frame as by a write fault, which zaps every mapping
 * of the zero page there, this one too (space_new_page()), and the
 * retried access maps the frame.  If the page was made meanwhile, its
 * maker zapped them; zapped again all the same, in case one was left
 * (else the access would come back here for ever).  Never 0, on which the
 * kernel would make the zero page writable (wp_pfn_shared()).
 */
static vm_fault_t vmarena_pfn_mkwrite(struct vm_fault *vmf)
{
	struct vmarena_space *space = vmf->vma->vm_private_data;
	int kind = VMARENA_FAULT_MINOR;
	u64 t0 = fault_clock();
	struct page *page;
	vm_fault_t ret;
	u32 frame;

	ret = fault_locked(vmf, true, NULL, &frame, &kind);
	if (t0 && !ret)
		trace_fault(space->id, vmf->pgoff, frame, kind,
			    ktime_get_ns() - t0);
	if (!ret) {
		/* Handed back locked and held for the kernel to map. */
		page = vmarena_frame_page(frame);
		unlock_page(page);
		vmarena_arena_put_page(page);
	}
	if (kind != VMARENA_FAULT_FIRST_TOUCH)
		vmarena_space_unmap(space, vmf->pgoff, 1);
	return ret ? ret : VM_FAULT_NOPAGE;
}

/*
 * Fault-around's look at a page of its window: the entry read in its leaf
 * node without the lock, each node walked to once, and the table's count
 * then, which vmarena_space_lock_entry() checks once it holds the page.
 */
struct around_hint {
	const u64 *leaf;
	u64 base;
	u32 seq;
	bool looked;
};

/* The page's entry in its leaf node (0 for none), read under h->seq. */
static u64 around_entry(struct vmarena_space *space, struct around_hint *h,
			u64 vpn)
{
	u64 base = vpn & ~(u64)(VMARENA_PT_ENTRIES - 1);

	if (!h->looked || h->base != base) {
		h->leaf = vmarena_pt_peek_leaf(&space->pt, vpn, &h->seq);
		h->base = base;
		h->looked = true;
	}
	return h->leaf ? READ_ONCE(h->leaf[vpn - base]) : 0;
}

/* Pages of a fault-around window looked at: the first ones, if more. */
#define VMARENA_AROUND_MAX	64

/*
 * A run of pages of the window, locked, to be mapped at consecutive
 * addresses with one vm_insert_pages() (its PTE lock taken once for up to
 * 8 pages, where vm_insert_page() takes it for each).
 */
struct around_run {
	struct vm_area_struct *vma;
	unsigned long addr;		/* of the first page */
	pgoff_t first;
	unsigned int nr;
	struct page *pages[VMARENA_AROUND_MAX];
};

/* Maps the run and unlocks its pages; counts what was mapped. */
static void around_flush(struct around_run *r, pgoff_t fault, u32 fault_frame,
			 u32 *mine, unsigned int *around)
{
	unsigned long left = r->nr;
	unsigned int i, done;

	if (!r->nr)
		return;
	vm_insert_pages(r->vma, r->addr, r->pages, &left);
	done = r->nr - left;	/* the first ones are in */
	for (i = 0; i < r->nr; i++) {
		if (i < done && r->first + i == fault)
			*mine = fault_frame;
		else if (i < done)
			(*around)++;
		unlock_page(r->pages[i]);
	}
	r->nr = 0;
}

/*
 * Fault-around (.map_pages, called on a read fault before .fault): maps
 * the resident neighbours of the faulting page that qualify for a fault
 * without the lock (vmarena_space_lock_entry()), each while its page is
 * locked, read-only (the VMA's protection: write notification), a run of
 * consecutive pages at a time through vm_insert_pages() (VM_MIXEDMAP, see
 * vmarena_mmap()).  With no leaf node, nothing is resident: it returns at
 * once (a read of untouched memory).  A page that does not qualify (not resident, not
 * accessed since a policy sampled it, busy) is left to its own fault,
 * and a page mapped already is passed over (around_mapped()).  A window
 * of more than 64 pages (the kernel's fault_around_bytes raised) maps its
 * first 64.  VM_FAULT_NOPAGE when the faulting page itself was mapped:
 * then .fault is not called.
 */
static vm_fault_t vmarena_map_pages(struct vm_fault *vmf, pgoff_t start,
				    pgoff_t end)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vmarena_space *space = vma->vm_private_data;
	unsigned long base = vma->vm_start - (vma->vm_pgoff << PAGE_SHIFT);
	unsigned int i, n = min_t(pgoff_t, end - start + 1, VMARENA_AROUND_MAX);
	struct around_hint hint = { .looked = false };
	u32 frame, fault_frame = VMARENA_NO_FRAME, mine = VMARENA_NO_FRAME;
	struct around_run run = { .vma = vma };
	u64 t0 = fault_clock(), mapped, pte;
	unsigned int around = 0;

	/* No leaf node, nothing resident: a read of untouched memory. */
	if (!around_entry(space, &hint, start) && !hint.leaf &&
	    !around_entry(space, &hint, start + n - 1) && !hint.leaf)
		return 0;
	if (!around_mapped(vmf, base + (start << PAGE_SHIFT), n, &mapped))
		return 0;
	for (i = 0; i < n; i++) {
		frame = VMARENA_NO_FRAME;
		if (!(mapped & BIT_ULL(i))) {
			pte = around_entry(space, &hint, start + i);
			frame = vmarena_space_lock_entry(space, pte, hint.seq,
							 false);
		}
		if (frame == VMARENA_NO_FRAME) {
			around_flush(&run, vmf->pgoff, fault_frame, &mine, &around);
			continue;
		}
		if (!run.nr) {
			run.first = start + i;
			run.addr = base + (run.first << PAGE_SHIFT);
		}
		if (start + i == vmf->pgoff)
			fault_frame = frame;
		run.pages[run.nr++] = vmarena_frame_page(frame);
	}
	around_flush(&run, vmf->pgoff, fault_frame, &mine, &around);
	vmarena_space_count_minor(space, mine != VMARENA_NO_FRAME, around);
	if (mine == VMARENA_NO_FRAME)
		return 0;
	if (t0)
		trace_fault(space->id, vmf->pgoff, mine, VMARENA_FAULT_MINOR,
			    ktime_get_ns() - t0);
	return VM_FAULT_NOPAGE;
}

/*
 * mprotect() of a mapping, before the kernel changes its PTEs: a change
 * that leaves it writable zaps the range's hardware mappings first.  A
 * page write-protected for sharing keeps a dirty read-only PTE
 * (wp_shared_mapping_range() does not clean it), and mprotect() makes a
 * dirty read-only PTE of a shared mapping with write notification
 * writable at once, without .page_mkwrite (can_change_pte_writable()): a
 * write through it would reach the frame a clone or a generation shares.
 * Zapped, each page faults in again (mmap_lock, held for writing, and
 * the VMA marked written, keep this mm's faults out meanwhile).
 */
static int vmarena_mprotect(struct vm_area_struct *vma, unsigned long start,
			    unsigned long end, unsigned long newflags)
{
	if (!(newflags & VM_WRITE))
		return 0;
	vma_start_write(vma);	/* no fault under the VMA lock (compat.h) */
	vmarena_space_unmap(vma->vm_private_data,
			    vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT),
			    (end - start) >> PAGE_SHIFT);
	return 0;
}

static const struct vm_operations_struct vmarena_vm_ops = {
	.fault = vmarena_fault,
	.map_pages = vmarena_map_pages,
	.page_mkwrite = vmarena_page_mkwrite,
	.pfn_mkwrite = vmarena_pfn_mkwrite,
	.mprotect = vmarena_mprotect,
};

/**
 * vmarena_mmap() - map a range of a space.
 * @file: the space's file.
 * @vma:  the new mapping.
 *
 * Only MAP_SHARED: a mapping shows the space itself, and the kernel's
 * private copy-on-write over vmarena pages is not offered.  The range must
 * lie in the 48-bit offset space; the mapping cannot grow by mremap().
 * VM_MIXEDMAP lets fault-around insert pages from a fault
 * (vm_insert_pages()); the kernel then copies the mapping's PTEs at fork
 * and mlock() does not mark it locked (Documentation/vmarena.rst).
 *
 * Return: 0 or -EINVAL.
 */
int vmarena_mmap(struct file *file, struct vm_area_struct *vma)
{
	/* A shared mapping of a read-only fd has VM_MAYSHARE only. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vmarena_range_pages(vma->vm_pgoff, vma_pages(vma)))
		return -EINVAL;
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_MIXEDMAP);
	vma->vm_private_data = vmarena_file_space(file);
	vma->vm_ops = &vmarena_vm_ops;
	vmarena_count(&vmarena_counters.mmaps);
	return 0;
}
