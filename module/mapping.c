// SPDX-License-Identifier: GPL-2.0
/*
 * mapping.c - a space's hardware mappings and its software TLB: what
 * whoever changes an entry zaps, write-protects, flushes or waits for.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>

#include "internal.h"
#include "arena.h"
#include "space.h"
#include "mapping.h"

/**
 * vmarena_space_tlb_flush() - forget the TLB entries of a range of pages.
 * @space: the space, locked.
 * @first: first page.
 * @nr:    pages.
 *
 * Whoever changes a present entry (clears it, swaps it out) calls this.
 */
void vmarena_space_tlb_flush(struct vmarena_space *space, u64 first, u64 nr)
{
	struct vmarena_tlb_entry *e;
	unsigned int i;
	u64 vpn;

	lockdep_assert_held(space->lock);
	/* Direct-mapped: a short range can only sit in its own entries. */
	if (nr < VMARENA_TLB_ENTRIES) {
		for (vpn = first; vpn < first + nr; vpn++) {
			e = &space->tlb[vpn % VMARENA_TLB_ENTRIES];
			if (e->vpn == vpn)
				e->vpn = U64_MAX;
		}
		return;
	}
	for (i = 0; i < VMARENA_TLB_ENTRIES; i++) {
		vpn = space->tlb[i].vpn;
		if (vpn != U64_MAX && vpn >= first && vpn - first < nr)
			space->tlb[i].vpn = U64_MAX;
	}
}

/**
 * vmarena_space_unmap() - zap every hardware mapping of a range of pages.
 * @space: the space.
 * @first: first page.
 * @nr:    pages.
 */
void vmarena_space_unmap(struct vmarena_space *space, u64 first, u64 nr)
{
	unmap_mapping_range(space->inode->i_mapping, first << PAGE_SHIFT,
			    nr << PAGE_SHIFT, 1);
}

/**
 * vmarena_space_wrprotect() - make every hardware mapping of a range of
 * pages read-only, so that the next write goes through .page_mkwrite.
 * @space: the space.
 * @first: first page.
 * @nr:    pages.
 *
 * In place where the kernel has the mapping dirty helpers (Debian's stock
 * kernel; they are EXPORT_SYMBOL_GPL): mappings stay, reads do not fault
 * again.  Elsewhere (the lean debug kernel) the mappings are zapped, which
 * costs a fault on the next access of any kind.
 */
void vmarena_space_wrprotect(struct vmarena_space *space, u64 first, u64 nr)
{
#if IS_ENABLED(CONFIG_MAPPING_DIRTY_HELPERS)
	wp_shared_mapping_range(space->inode->i_mapping, first, nr);
#else
	vmarena_space_unmap(space, first, nr);
#endif
}

/**
 * vmarena_space_wait_install() - wait for a fault installing a page's
 * hardware mapping (or a read bringing it in) to finish.
 * @space: the space, locked.
 * @frame: the page's frame.
 *
 * For a *writable* mapping (write-protection before sharing): every
 * fault that installs one (.page_mkwrite) locks the page under the space
 * lock, or without it having seen the entry's W set, and unlocks it once
 * its PTE is in place; a swap-in locks it under the space lock too.  With
 * the space lock held and W cleared before (a full barrier between: see
 * share_wp_entry()), a page that is not locked now has none on its way,
 * so the common case costs a flag test.
 * A frame taken out of an entry needs vmarena_space_wait_dropped().
 */
void vmarena_space_wait_install(struct vmarena_space *space, u32 frame)
{
	struct page *page = vmarena_frame_page(frame);

	lockdep_assert_held(space->lock);
	if (PageLocked(page)) {
		lock_page(page);
		unlock_page(page);
	}
}

/**
 * vmarena_space_wait_dropped() - a frame was taken out of an entry: wait
 * for any fault that may still map it.
 * @space: the space, locked.
 * @frame: the frame, no longer in the entry.
 *
 * A minor fault without the space lock (access.c) checks the entry once
 * it holds the page lock: locking the page after the entry changed, always
 * (no flag test: such a fault may be between its read and its lock), makes
 * it either see the change or finish mapping first; the caller zaps the
 * mappings next.
 */
void vmarena_space_wait_dropped(struct vmarena_space *space, u32 frame)
{
	struct page *page = vmarena_frame_page(frame);

	lockdep_assert_held(space->lock);
	lock_page(page);
	unlock_page(page);
}
