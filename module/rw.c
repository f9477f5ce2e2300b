// SPDX-License-Identifier: GPL-2.0
/*
 * rw.c - read()/pread() and write()/pwrite() of a space's bytes.
 *
 * Each page is translated through the space's software TLB (mapping.c) with
 * the space lock held.  A read drops the lock before its copy, which may
 * fault (even on a mapping of this very space), and holds the page by a
 * reference meanwhile (so it is not evicted).  A write first copies the
 * caller's bytes into a bounce page without the lock (that copy may fault
 * and sleep), then into the space's page under the lock: a page written
 * after the lock went could be shared meanwhile by a CHECKPOINT or CLONE,
 * and the bytes would land in the generation's or the clone's page, not
 * in the space's copy of it.  Holes read as zeros; writes
 * allocate on first touch and mark the page dirty, and copy a
 * copy-on-write page first (share.c); swapped pages are read back.  The
 * offset space is a file of 2^48 bytes.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
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

/* What a write puts in one page: @n bytes of @src at offset @off. */
struct rw_bytes {
	const void *src;
	size_t off;
	size_t n;
};

/*
 * The page holding @vpn, referenced, or NULL for a hole (reads only); for
 * a write (@w), its bytes copied in under the lock.  A page still being
 * read in by a fault (its own, or read ahead with it) is waited for
 * without the lock and looked up again: a write notes nothing until the
 * page is up to date, since noting it frees the slot the read comes from.
 * If that read failed, the page is lost (-EIO) or back in its slot (read
 * here).
 */
static int rw_get_page(struct vmarena_space *space, u64 vpn,
		       const struct rw_bytes *w, struct page **page)
{
	bool write = w;
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
			if (write) {
				vmarena_space_write_notify(space, pte);
				memcpy(page_address(*page) + w->off, w->src,
				       w->n);
			}
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
static int rw_page(struct vmarena_space *space, u64 vpn,
		   const struct rw_bytes *w, struct page **page)
{
	unsigned int tries = VMARENA_RECLAIM_RETRIES;
	u64 mark;
	int ret;

	do {
		mark = vmarena_injections();
		ret = rw_get_page(space, vpn, w, page);
	} while (ret == -ENOMEM && vmarena_supply_retry(mark, &tries));
	return ret;
}

/* A read of one page's part; returns bytes not copied. */
static size_t rw_read(struct vmarena_space *space, u64 vpn, size_t off,
		      char __user *buf, size_t n, int *ret)
{
	struct page *page;
	size_t left;

	*ret = rw_page(space, vpn, NULL, &page);
	if (*ret)
		return n;
	if (!page)
		return clear_user(buf, n);
	left = copy_to_user(buf, page_address(page) + off, n);
	vmarena_arena_put_page(page);
	return left;
}

/*
 * A write of one page's part, through @bounce; returns bytes not copied.
 * It stops at the first byte it cannot read, leaving the rest of the page
 * as it was (as before the bounce: copy_from_user() would zero the rest
 * of a kernel buffer, which is not copied on).
 */
static size_t rw_write(struct vmarena_space *space, u64 vpn, size_t off,
		       const char __user *buf, size_t n, void *bounce,
		       int *ret)
{
	struct rw_bytes w = { .src = bounce, .off = off };
	struct page *page;

	*ret = 0;
	if (!access_ok(buf, n))
		return n;
	w.n = n - __copy_from_user(bounce, buf, n);
	if (!w.n)
		return n;
	*ret = rw_page(space, vpn, &w, &page);
	if (*ret)
		return n;
	vmarena_arena_put_page(page);
	return n - w.n;
}

static ssize_t rw_loop(struct file *file, char __user *buf, size_t len,
		       loff_t *ppos, bool write)
{
	struct vmarena_space *space = vmarena_file_space(file);
	void *bounce = NULL;
	u64 pos = *ppos;
	size_t done = 0;
	int ret = 0;

	if (*ppos < 0)
		return -EINVAL;
	if (pos >= VMARENA_BYTES)
		return write ? -EFBIG : 0;
	len = min_t(u64, len, VMARENA_BYTES - pos);
	if (write && len) {
		bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!bounce)
			return -ENOMEM;
	}
	while (done < len) {
		size_t off = pos & (PAGE_SIZE - 1);
		size_t n = min_t(size_t, PAGE_SIZE - off, len - done);
		size_t left;

		if (write)
			left = rw_write(space, pos >> PAGE_SHIFT, off, buf + done,
					n, bounce, &ret);
		else
			left = rw_read(space, pos >> PAGE_SHIFT, off, buf + done,
				       n, &ret);
		if (ret)
			break;
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
	kfree(bounce);
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
