/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - what every vmarena file shares.
 *
 * Lock ordering, outermost first (each subsystem adds its locks here; a lock
 * not listed is a leaf and is never held while taking another):
 *
 *	mmap_lock (the kernel's, in the fault path)
 *	  vmarena_space.lock		a space's page table and pages (space.h):
 *					its family's mutex, shared by the
 *					space, its clones and their
 *					checkpoints (share.c)
 *	    vmarena_space.lock		of another space: direct reclaim only
 *					trylocks it (reclaim.c); an operation
 *					short of frames waits for it only
 *					after dropping its own (fault.c,
 *					rw.c, ioctl.c: vmarena_supply_retry())
 *	    page lock			of one of its frames (fault.c, access.c,
 *					evict.c), or alone by a fault that
 *					goes without the space lock (a minor
 *					fault, fault-around, a write
 *					notification: access.c); a holder of
 *					a page lock never takes a space lock
 *	    i_mmap_rwsem		(unmap_mapping_range(): DISCARD, eviction,
 *					copy-on-write, RESTORE, REWIND, a
 *					first touch where the zero page was
 *					mapped: fault.c, access.c)
 *	    PTE lock			(vmf_insert_mixed() of the zero page,
 *					which may allocate a page table:
 *					fault.c)
 *	    vmarena_swap.lock		the backing device (swap.c); a
 *					mutex, taken under mmap_lock by
 *					faults, so never held across a path
 *					lookup (attach opens the device
 *					first: directory locks come before
 *					mmap_lock)
 *	      vmarena_slots.lock	its slot bitmap (slots.c)
 *	    vmarena_slab_cpu.lock	a CPU's cache of free objects (slab.c)
 *	      vmarena_slab_cache.lock	a cache's slabs (slab.c)
 *	      vmarena_pcp.lock		a CPU's cache of free frames (arena.c)
 *	      vmarena_zeroed.lock	the frames zeroed ahead (arena.c)
 *	        vmarena_buddy.lock	free lists, frame states (buddy.c)
 *	    arena.deferred_lock	(arena.c)
 *
 *	vmarena_live.lock (live.c), the list of live spaces, is a leaf: a
 *	space found there is referenced under it and locked after it.
 *	users_lock (user.c), the list of users, and vmarena_supply.lock
 *	(supply.c), the watermarks, are leaves too.
 *
 *	A slab cache drops its cache lock before it takes or gives back
 *	frames, so the cache lock and the frame locks are never nested.
 *
 * The space lock (faults sleep on page locks) and vmarena_swap.lock are
 * mutexes; the rest are spinlocks.  No lock is taken in interrupt
 * context: frames and objects are allocated and freed in process context
 * only.  Frame allocation never sleeps, so a caller may hold a spinlock
 * across it.
 *
 * Pure-logic files (range.c, buddy.c, slab.c, pagetable.c, slots.c,
 * policy.c and stream.c) include nothing but this header (and frames.h,
 * whose kernel side reads the arena inline), so
 * selftests/unit/ can compile the very same .c files in user space: there
 * VMARENA_USERSPACE is defined and shim.h stands in for the kernel's
 * headers.
 */
#ifndef _VMARENA_INTERNAL_H
#define _VMARENA_INTERNAL_H

#ifdef VMARENA_USERSPACE
#include "shim.h"
#else
#include <linux/bits.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "compat.h"
#endif

#include <linux/vmarena.h>

/* Pages of the offset space: [0, VMARENA_MAX_PAGES). */
#define VMARENA_PAGE_SIZE	BIT_ULL(VMARENA_PAGE_SHIFT)
#define VMARENA_MAX_PAGES	BIT_ULL(VMARENA_OFFSET_BITS - VMARENA_PAGE_SHIFT)

/* range.c: validation of byte and page ranges of the offset space. */
int vmarena_range_bytes(u64 off, u64 len, u64 *first, u64 *nr);
int vmarena_range_pages(u64 first, u64 nr);
bool vmarena_reserved_zero(const void *p, size_t len);

#endif /* _VMARENA_INTERNAL_H */
