// SPDX-License-Identifier: GPL-2.0
/*
 * rw.c - read()/pread() and write()/pwrite() of a space's bytes.
 *
 * Each page is translated through the space's software TLB (mapping.c) with
 * the space lock held; the lock is dropped before the copy, which may fault
 * (even on a mapping of this very space), and the page is held by a
 * reference meanwhile (so it is not evicted).  Holes read as zeros; writes
 * allocate on first touch and mark the page dirty, and copy a
 * copy-on-write page first (share.c); swapped pages are read back.  The
 * offset space is a file of 2^48 bytes.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "arena.h"
#include "file.h"
#include "rw.h"
#include "supply.h"
#include "share.h"
#include "space.h"
#include "access.h"

#define VMARENA_BYTES	BIT_ULL(VMARENA_OFFSET_BITS)

/*
 * The page holding @vpn, referenced, or NULL for a hole (reads only).  A
 * page still being read in by a fault (its own, or read ahead with it) is
 * waited for without the lock and looked up again: a write notes nothing
 * until the page is up to date, since noting it frees the slot the read
 * comes from.  If that read failed, the page is lost (-EIO) or back in its
 * slot (read here).
 */
static int rw_get_page(struct vmarena_space *space, u64 vpn, bool write,
		       struct page **page)
{
	bool busy;
	u64 *pte;
	int ret;

again:
	*page = NULL;
	busy = false;
	if (fatal_signal_pending(current))
		return -EINTR;	/* a page that keeps changing cannot hold it */
	mutex_lock(space->lock);
	ret = vmarena_space_translate(space, vpn, write, &pte);
	if (!ret && write && (*pte & VMARENA_PTE_COW)) {
		ret = vmarena_share_cow(space, vpn, &pte);
		if (ret == -EAGAIN) {
			mutex_unlock(space->lock);
			goto again;
		}
	}
	if (!ret) {
		*page = vmarena_frame_page(vmarena_pte_frame(*pte));
		get_page(*page);
		busy = !PageUptodate(*page);
		if (!busy) {
			*pte |= VMARENA_PTE_ACCESSED;
			if (write)
				vmarena_space_write_notify(space, pte);
		}
	} else if (ret == -ENOENT) {
		ret = 0;
	}
	mutex_unlock(space->lock);
	if (busy) {
		wait_on_page_locked(*page);
		vmarena_arena_put_page(*page);
		cond_resched();
		goto again;
	}
	return ret;
}

/* rw_get_page(), tried again after reclaim for want of frames. */
static int rw_page(struct vmarena_space *space, u64 vpn, bool write,
		   struct page **page)
{
	unsigned int tries = VMARENA_RECLAIM_RETRIES;
	u64 mark;
	int ret;

	do {
		mark = vmarena_injections();
		ret = rw_get_page(space, vpn, write, page);
	} while (ret == -ENOMEM && vmarena_supply_retry(mark, &tries));
	return ret;
}

/*
 * Copies one page's part; returns bytes not copied.  A write stops at the
 * first byte it cannot read, leaving the rest of the page as it was
 * (copy_from_user() would zero it, as for a kernel buffer).
 */
static size_t rw_copy(struct page *page, size_t off, char __user *buf,
		      size_t n, bool write)
{
	void *kaddr;

	if (!page)
		return clear_user(buf, n);
	kaddr = page_address(page) + off;
	if (!write)
		return copy_to_user(buf, kaddr, n);
	if (!access_ok(buf, n))
		return n;
	return __copy_from_user(kaddr, buf, n);
}

static ssize_t rw_loop(struct file *file, char __user *buf, size_t len,
		       loff_t *ppos, bool write)
{
	struct vmarena_space *space = vmarena_file_space(file);
	u64 pos = *ppos;
	size_t done = 0;
	int ret = 0;

	if (*ppos < 0)
		return -EINVAL;
	if (pos >= VMARENA_BYTES)
		return write ? -EFBIG : 0;
	len = min_t(u64, len, VMARENA_BYTES - pos);
	while (done < len) {
		size_t off = pos & (PAGE_SIZE - 1);
		size_t n = min_t(size_t, PAGE_SIZE - off, len - done);
		struct page *page;
		size_t left;

		ret = rw_page(space, pos >> PAGE_SHIFT, write, &page);
		if (ret)
			break;
		left = rw_copy(page, off, buf + done, n, write);
		if (page)
			vmarena_arena_put_page(page);
		done += n - left;
		pos += n - left;
		if (left) {
			ret = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	*ppos = pos;
	mutex_lock(space->lock);
	if (write)
		space->c.bytes_written += done;
	else
		space->c.bytes_read += done;
	mutex_unlock(space->lock);
	return done ? done : ret;
}

ssize_t vmarena_read(struct file *file, char __user *buf, size_t len,
		     loff_t *ppos)
{
	return rw_loop(file, buf, len, ppos, false);
}

ssize_t vmarena_write(struct file *file, const char __user *buf, size_t len,
		      loff_t *ppos)
{
	return rw_loop(file, (char __user *)buf, len, ppos, true);
}

loff_t vmarena_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, VMARENA_BYTES);
}
