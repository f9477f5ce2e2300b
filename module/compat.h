/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the kernel APIs vmarena uses that changed after Linux 6.1.
 *
 * The module is written against 6.1, the reference kernel, and builds
 * unchanged against 6.12 (Debian 13's kernel, also in Debian 12's
 * security suite).  Each shim below names the release that changed the
 * API.  Where the old spelling can still be offered on the newer kernel,
 * the shim gives it (the code keeps 6.1's); where it cannot (a field that
 * became read-only, a handle that became a file), the shim gives the newer
 * spelling on 6.1.  Kernels between 6.1 and 6.12 are not built.
 * Documentation/compat.rst lists the kernels built and tested and how the
 * module behaves differently on each.
 */
#ifndef _VMARENA_COMPAT_H
#define _VMARENA_COMPAT_H

#include <linux/version.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/mm.h>

/* 6.12: <asm/unaligned.h> moved to <linux/unaligned.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * 6.3: vma->vm_flags became read-only outside mm/; vm_flags_set() (which
 * on 6.3 and later also asserts the mmap lock held for writing and marks
 * the VMA written for per-VMA locking) is the way to set flags.  Here for
 * 6.1, where the field is written directly.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	/* mmap_assert_write_locked() needs dump_mm(), not exported on 6.1. */
	lockdep_assert_held_write(&vma->vm_mm->mmap_lock);
	vma->vm_flags |= flags;
}
#endif

/*
 * 6.12: page_mapcount() is gone.  Every arena page is a folio of its own
 * (order 0), whose folio_mapcount() counts the same mappings; on 6.1,
 * folio_mapcount() is an out-of-line call, and page_mapcount() stays.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static inline int page_mapcount(struct page *page)
{
	return folio_mapcount(page_folio(page));
}
#endif

/*
 * A block device held open exclusively, as the swap device is.  6.5
 * replaced FMODE_EXCL by a non-NULL holder, 6.9 opens a block device as a
 * file: on 6.12 blkdev_get_by_path() and blkdev_put() are gone, and
 * bdev_file_open_by_path() gives a file, file_bdev() its device and
 * bdev_fput() yields the claim at once (fput() would defer it).  struct
 * vmarena_bdev keeps what was opened; @bdev is the device.
 */
struct vmarena_bdev {
	struct block_device *bdev;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	struct file *file;
#endif
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static inline int vmarena_bdev_open(struct vmarena_bdev *b, const char *path,
				    void *holder)
{
	struct file *f = bdev_file_open_by_path(path, BLK_OPEN_READ |
						BLK_OPEN_WRITE, holder, NULL);

	if (IS_ERR(f))
		return PTR_ERR(f);
	b->file = f;
	b->bdev = file_bdev(f);
	return 0;
}

static inline void vmarena_bdev_close(struct vmarena_bdev *b)
{
	bdev_fput(b->file);
}
#else
#define VMARENA_BDEV_MODE	(FMODE_READ | FMODE_WRITE | FMODE_EXCL)

static inline int vmarena_bdev_open(struct vmarena_bdev *b, const char *path,
				    void *holder)
{
	struct block_device *d = blkdev_get_by_path(path, VMARENA_BDEV_MODE,
						    holder);

	if (IS_ERR(d))
		return PTR_ERR(d);
	b->bdev = d;
	return 0;
}

static inline void vmarena_bdev_close(struct vmarena_bdev *b)
{
	blkdev_put(b->bdev, VMARENA_BDEV_MODE);
}
#endif

/*
 * The page table of a fault-around window, read by .map_pages.  On 6.12,
 * do_fault_around() calls .map_pages inside rcu_read_lock(), which keeps
 * the page table a PMD pointed at alive (page tables are freed after a
 * grace period since 6.5), and __pte_offset_map(), behind pte_offset_map(),
 * is not exported to modules: the table @pmdval, the PMD value the caller
 * read and checked, points at is read directly.  On 6.1 the mmap lock
 * keeps the table, and pte_offset_map() maps it.  Inside that RCU section
 * .map_pages must not sleep: vm_insert_pages() would allocate a missing
 * page table (VMARENA_MAP_PAGES_ATOMIC).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define VMARENA_MAP_PAGES_ATOMIC	true

static inline pte_t *vmarena_pte_map(pmd_t *pmd, pmd_t pmdval,
				     unsigned long addr)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "fault-around outside RCU");
	return (pte_t *)pmd_page_vaddr(pmdval) + pte_index(addr);
}

static inline void vmarena_pte_unmap(pte_t *pte)
{
}
#else
#define VMARENA_MAP_PAGES_ATOMIC	false

static inline pte_t *vmarena_pte_map(pmd_t *pmd, pmd_t pmdval,
				     unsigned long addr)
{
	return pte_offset_map(pmd, addr);
}

static inline void vmarena_pte_unmap(pte_t *pte)
{
	pte_unmap(pte);
}
#endif

/*
 * Per-VMA locks (6.4): a fault may run under the VMA's own lock, without
 * the mmap lock, until the VMA is marked written (vma_start_write()).  On
 * 6.12, mprotect() calls .mprotect with the mmap lock held for writing but
 * before it marks the VMA: vmarena_mprotect() marks it first, so that no
 * fault maps a page again between its zap and the new protection.  On 6.1
 * the mmap lock alone keeps faults out.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
static inline void vma_start_write(struct vm_area_struct *vma)
{
	lockdep_assert_held_write(&vma->vm_mm->mmap_lock);
}
#endif

/*
 * The kernel's zero page in a mapping of a space.  On 6.12,
 * vmf_insert_mixed() refuses the zero page in a shared mapping that may be
 * written (vm_mixed_zeropage_allowed(): a long-term pin of the zero page
 * would go stale once .pfn_mkwrite replaced it), which every mapping of a
 * space is.  There a read of a hole takes a zeroed frame, as a write does:
 * the module parameter zero_page is N and refuses Y.
 */
#define VMARENA_ZERO_PAGE_MAPPABLE \
	(LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0))

#endif /* _VMARENA_COMPAT_H */
