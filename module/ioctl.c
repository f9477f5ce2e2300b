// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl.c - the ioctl dispatcher.
 *
 * The argument is copied in once into a kernel buffer (for commands that
 * carry input), the handler works on kernel memory only, and the result is
 * copied out once (for commands that return output); a command with no
 * structure (REWIND) is handed the argument's value.  A command
 * matches only with its exact number, direction and size; anything else
 * is -ENOTTY.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "arena.h"
#include "file.h"
#include "ioctl.h"
#include "export.h"
#include "supply.h"
#include "rewind.h"
#include "ckpt.h"
#include "space.h"
#include "counters.h"
#include "stats.h"
#include "access.h"
#include "lifecycle.h"
#include "live.h"

/* Large enough for every command's argument (checked at build time). */
#define VMARENA_IOCTL_BUF	256

/*
 * One call: the space, the file operations it came through (a clone's
 * file gets the same), and how its fd is open.  CLONE
 * leaves its new file and fd here, installed only once the result has
 * been copied out (a process never holds an fd it was not told about).
 */
struct vmarena_ioc {
	struct vmarena_space *space;
	const struct file_operations *fops;
	bool read;
	bool write;
	bool final;	/* an -ENOMEM that no reclaim can cure (a limit) */
	struct file *new_file;
	int new_fd;
};

typedef int (*vmarena_ioctl_fn)(struct vmarena_ioc *ioc, void *arg);

/*
 * @write: the command changes the space: its fd must be open for writing.
 * @once:  it cannot be started again after a failure for want of frames:
 *         it moves a stream through an fd (IMPORT retries inside), or a
 *         failure may have done part of it (GET_DIRTY's re-arm).
 */
struct vmarena_ioctl_desc {
	unsigned int cmd;
	vmarena_ioctl_fn fn;
	bool write;
	bool once;
};

static int vmarena_ioc_info(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	struct vmarena_info *info = arg;

	info->abi_version = VMARENA_ABI_VERSION;
	info->page_size = VMARENA_PAGE_SIZE;
	info->arena_frames = vmarena_arena_frames();
	info->free_frames = vmarena_arena_free_frames();
	info->space_id = space->id;
	return 0;
}

/*
 * Copies @nr counters out to @values, as many as *@count holds, and sets
 * *@count to @nr.
 */
static int ioc_stats_out(const u64 *v, u32 nr, u32 *count, u64 values)
{
	u32 n = min(*count, nr);

	*count = nr;
	if (copy_to_user(u64_to_user_ptr(values), v, n * sizeof(*v)))
		return -EFAULT;
	return 0;
}

static int vmarena_ioc_stats(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	struct vmarena_stats *st = arg;
	u64 *v;
	u32 nr;
	int ret;

	if (!vmarena_reserved_zero(st->reserved, sizeof(st->reserved)))
		return -EINVAL;
	if (st->which == VMARENA_STATS_GLOBAL)
		nr = VMARENA_NR_GLOBAL_STATS;
	else if (st->which == VMARENA_STATS_SPACE)
		nr = VMARENA_NR_SPACE_STATS;
	else
		return -EINVAL;
	v = kcalloc(nr, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	if (st->which == VMARENA_STATS_GLOBAL)
		vmarena_stats_global(v);
	else
		vmarena_space_stats(space, v);
	ret = ioc_stats_out(v, nr, &st->count, st->values);
	kfree(v);
	return ret;
}

/* The counters of @space, -ESRCH if it was torn down before they were read. */
static int ioc_live_stats(struct vmarena_space *space, u64 *v)
{
	bool dead;

	vmarena_space_stats(space, v);
	mutex_lock(space->lock);
	dead = space->dead;
	mutex_unlock(space->lock);
	return dead ? -ESRCH : 0;
}

static int vmarena_ioc_space_stats(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space_stats *st = arg;
	struct vmarena_space *space;
	u64 v[VMARENA_NR_SPACE_STATS];
	int ret;

	if (st->reserved0 ||
	    !vmarena_reserved_zero(st->reserved, sizeof(st->reserved)))
		return -EINVAL;
	if (st->space_id == ioc->space->id) {
		vmarena_space_stats(ioc->space, v);
	} else {
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		space = vmarena_live_get(st->space_id);
		if (!space)
			return -ESRCH;
		ret = ioc_live_stats(space, v);
		vmarena_space_put(space);
		if (ret)
			return ret;
	}
	return ioc_stats_out(v, VMARENA_NR_SPACE_STATS, &st->count, st->values);
}

static int vmarena_ioc_set_limit(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	struct vmarena_limit *l = arg;
	int ret;

	if (!vmarena_reserved_zero(l->reserved, sizeof(l->reserved)))
		return -EINVAL;
	ret = vmarena_space_set_limit(space, l->max_pages, l->max_resident);
	/* -ENOMEM: its own pages could not go below the new cap. */
	ioc->final = ret == -ENOMEM;
	return ret;
}

/* A struct vmarena_range argument as pages; -EINVAL when it is bad. */
static int ioc_range(void *arg, u64 *first, u64 *nr)
{
	struct vmarena_range *r = arg;

	if (!vmarena_reserved_zero(r->reserved, sizeof(r->reserved)) ||
	    vmarena_range_bytes(r->offset, r->length, first, nr))
		return -EINVAL;
	return 0;
}

static int vmarena_ioc_discard(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	u64 first, nr;

	return ioc_range(arg, &first, &nr) ?:
	       vmarena_space_discard(space, first, nr);
}

static int vmarena_ioc_pin(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	u64 first, nr;

	if (ioc_range(arg, &first, &nr))
		return -EINVAL;
	if (!vmarena_space_pin_fits(nr)) {
		ioc->final = true;	/* the pin limit, not a shortage */
		return -ENOMEM;
	}
	return vmarena_space_pin(space, first, nr);
}

static int vmarena_ioc_unpin(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	u64 first, nr;

	return ioc_range(arg, &first, &nr) ?:
	       vmarena_space_unpin(space, first, nr);
}

/*
 * One shadow PTE in the ABI's form.  Frame numbers are physical addresses
 * of a sort (frames of a chunk are contiguous): like pagemap's PFNs, only
 * CAP_SYS_ADMIN sees them (@frames); others get 0, the rest intact.
 */
static void pte_info(u64 pte, struct vmarena_pte_info *e, bool frames)
{
	bool lost = (pte & VMARENA_PTE_SWAP) &&
		    vmarena_pte_frame(pte) == VMARENA_SLOT_LOST;

	e->frame = ((pte & VMARENA_PTE_SWAP) && !lost) ||
		   ((pte & VMARENA_PTE_PRESENT) && frames) ?
		   vmarena_pte_frame(pte) : 0;
	e->flags = (pte & VMARENA_PTE_PRESENT ? VMARENA_PTE_INFO_PRESENT : 0) |
		   (pte & VMARENA_PTE_SWAP ? VMARENA_PTE_INFO_SWAPPED : 0) |
		   (pte & VMARENA_PTE_DIRTY ? VMARENA_PTE_INFO_DIRTY : 0) |
		   (pte & VMARENA_PTE_ACCESSED ? VMARENA_PTE_INFO_ACCESSED : 0) |
		   (pte & VMARENA_PTE_WRITE ? VMARENA_PTE_INFO_WRITABLE : 0) |
		   (pte & VMARENA_PTE_COW ? VMARENA_PTE_INFO_COW : 0) |
		   (pte & VMARENA_PTE_PINNED ? VMARENA_PTE_INFO_PINNED : 0) |
		   (lost ? VMARENA_PTE_INFO_LOST : 0);
	e->generation = (pte & VMARENA_PTE_GEN_MASK) >> VMARENA_PTE_GEN_SHIFT;
}

struct translate_fill {
	u64 first;
	bool frames;
	struct vmarena_pte_info *out;
};

static int translate_entry(void *arg, u64 vpn, u64 *pte)
{
	struct translate_fill *t = arg;

	pte_info(*pte, &t->out[vpn - t->first], t->frames);
	return 0;
}

static int vmarena_ioc_translate(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	struct vmarena_translate *tr = arg;
	struct translate_fill t;
	size_t bytes;
	u64 nr;
	int ret = 0;

	if (!vmarena_reserved_zero(tr->reserved, sizeof(tr->reserved)) ||
	    !tr->pages || tr->pages > VMARENA_TRANSLATE_MAX ||
	    tr->pages > U64_MAX / VMARENA_PAGE_SIZE ||
	    vmarena_range_bytes(tr->offset, tr->pages * VMARENA_PAGE_SIZE,
				&t.first, &nr))
		return -EINVAL;
	bytes = nr * sizeof(*t.out);
	t.frames = capable(CAP_SYS_ADMIN);
	t.out = kvzalloc(bytes, GFP_KERNEL);
	if (!t.out)
		return -ENOMEM;
	mutex_lock(space->lock);
	vmarena_pt_range(&space->pt, t.first, nr, translate_entry, &t);
	mutex_unlock(space->lock);
	if (copy_to_user(u64_to_user_ptr(tr->entries), t.out, bytes))
		ret = -EFAULT;
	kvfree(t.out);
	return ret;
}

static int vmarena_ioc_clone(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	struct vmarena_clone *c = arg;
	struct vmarena_space *child;
	int fd;

	if ((c->flags & ~VMARENA_CLONE_CLOEXEC) ||
	    !vmarena_reserved_zero(c->reserved, sizeof(c->reserved)))
		return -EINVAL;
	child = vmarena_space_clone(space);
	if (IS_ERR(child))
		return PTR_ERR(child);
	c->space_id = child->id;
	/* The clone has the access mode of the fd it was made through. */
	fd = vmarena_file_prepare(child, ioc->fops,
				  c->flags & VMARENA_CLONE_CLOEXEC, ioc->read,
				  ioc->write, &ioc->new_file);
	if (fd < 0)
		return fd;
	ioc->new_fd = fd;
	c->fd = fd;
	return 0;
}

/* A struct vmarena_ckpt argument: its reserved fields must be zero. */
static int ioc_ckpt(void *arg, u64 **gen, u64 **pages)
{
	struct vmarena_ckpt *c = arg;

	*gen = &c->generation;
	*pages = &c->pages;
	return vmarena_reserved_zero(c->reserved, sizeof(c->reserved)) ?
	       0 : -EINVAL;
}

static int vmarena_ioc_checkpoint(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	u64 *gen, *pages;

	return ioc_ckpt(arg, &gen, &pages) ?:
	       vmarena_ckpt_take(space, gen, pages);
}

static int vmarena_ioc_restore(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	u64 *gen, *pages;

	return ioc_ckpt(arg, &gen, &pages) ?:
	       vmarena_ckpt_restore(space, *gen, pages);
}

/* REWIND: the generation is the argument; returns the pages copied. */
static int vmarena_ioc_rewind(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_rewind_result res = {};
	int ret = vmarena_rewind(ioc->space, *(u64 *)arg, &res);

	return ret ?: res.copied;
}

static int vmarena_ioc_ckpt_drop(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	u64 *gen, *pages;

	return ioc_ckpt(arg, &gen, &pages) ?:
	       vmarena_ckpt_drop(space, *gen, pages);
}

static int vmarena_ioc_ckpt_list(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	struct vmarena_ckpt_list *l = arg;
	struct vmarena_ckpt_info *out;
	u32 max = min_t(u32, l->count, VMARENA_CKPT_MAX), n;
	int ret = 0;

	if (l->reserved0 ||
	    !vmarena_reserved_zero(l->reserved, sizeof(l->reserved)))
		return -EINVAL;
	out = kcalloc(VMARENA_CKPT_MAX, sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	vmarena_ckpt_list(space, out, max, &n);
	if (copy_to_user(u64_to_user_ptr(l->entries), out,
			 min(n, max) * sizeof(*out)))
		ret = -EFAULT;
	kfree(out);
	l->count = n;
	return ret;
}

static int vmarena_ioc_get_dirty(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	struct vmarena_dirty *d = arg;
	unsigned long *bitmap;
	u64 first, nr;
	size_t bytes;
	int ret;

	if ((d->flags & VMARENA_DIRTY_REARM) && !ioc->write)
		return -EBADF;	/* a re-arm changes the generation */
	if ((d->flags & ~VMARENA_DIRTY_REARM) || d->reserved0 ||
	    !vmarena_reserved_zero(d->reserved, sizeof(d->reserved)) ||
	    !d->pages || d->pages > VMARENA_DIRTY_MAX ||
	    vmarena_range_bytes(d->offset, d->pages * VMARENA_PAGE_SIZE,
				&first, &nr))
		return -EINVAL;
	bytes = DIV_ROUND_UP(nr, 64) * sizeof(u64);
	bitmap = kvzalloc(bytes, GFP_KERNEL);
	if (!bitmap)
		return -ENOMEM;
	ret = vmarena_ckpt_dirty(space, d->generation, first, nr,
				 d->flags & VMARENA_DIRTY_REARM, bitmap, &d->dirty);
	if (!ret && copy_to_user(u64_to_user_ptr(d->bitmap), bitmap, bytes))
		ret = -EFAULT;
	kvfree(bitmap);
	return ret;
}

/*
 * EXPORT writes with vfs_iter_write(), which needs ->write_iter; IMPORT
 * reads with kernel_read(), which needs ->read_iter and no ->read beside
 * it, and logs a message for other files: such files are refused up front.
 */
static int vmarena_stream_file_ok(struct file *file, bool write)
{
	const struct file_operations *op = file->f_op;

	if (!(file->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (write ? !op->write_iter || !(file->f_mode & FMODE_CAN_WRITE) :
		    !op->read_iter || op->read || !(file->f_mode & FMODE_CAN_READ))
		return -EINVAL;
	return 0;
}

static int vmarena_ioc_export(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	struct vmarena_export *e = arg;
	bool delta = e->flags & VMARENA_EXPORT_DELTA;
	struct file *file;
	int ret;

	if ((e->flags & ~VMARENA_EXPORT_DELTA) || !e->generation ||
	    (delta ? !e->base || e->base >= e->generation : e->base) ||
	    !vmarena_reserved_zero(e->reserved, sizeof(e->reserved)))
		return -EINVAL;
	file = fget(e->fd);
	if (!file)
		return -EBADF;
	ret = vmarena_stream_file_ok(file, true) ?:
	      vmarena_export(space, file, e->generation, e->base, delta,
			     &e->pages, &e->bytes);
	fput(file);
	return ret;
}

static int vmarena_ioc_import(struct vmarena_ioc *ioc, void *arg)
{
	struct vmarena_space *space = ioc->space;
	struct vmarena_import *im = arg;
	struct file *file;
	int ret;

	if (im->flags || !vmarena_reserved_zero(im->reserved, sizeof(im->reserved)))
		return -EINVAL;
	file = fget(im->fd);
	if (!file)
		return -EBADF;
	ret = vmarena_stream_file_ok(file, false) ?:
	      vmarena_import(space, file, &im->generation, &im->pages,
			     &im->bytes);
	fput(file);
	return ret;
}

#define VMARENA_IOCTL(name, func, wr)					\
	[_IOC_NR(VMARENA_IOC_##name)] = { .cmd = VMARENA_IOC_##name,	\
					  .fn = func, .write = wr }

/* Which commands change the space (GET_DIRTY's re-arm checks itself). */
static const struct vmarena_ioctl_desc vmarena_ioctls[] = {
	VMARENA_IOCTL(INFO, vmarena_ioc_info, false),
	VMARENA_IOCTL(STATS, vmarena_ioc_stats, false),
	VMARENA_IOCTL(SET_LIMIT, vmarena_ioc_set_limit, true),
	VMARENA_IOCTL(DISCARD, vmarena_ioc_discard, true),
	VMARENA_IOCTL(TRANSLATE, vmarena_ioc_translate, false),
	VMARENA_IOCTL(PIN, vmarena_ioc_pin, true),
	VMARENA_IOCTL(UNPIN, vmarena_ioc_unpin, true),
	VMARENA_IOCTL(CLONE, vmarena_ioc_clone, false),
	VMARENA_IOCTL(CHECKPOINT, vmarena_ioc_checkpoint, true),
	VMARENA_IOCTL(RESTORE, vmarena_ioc_restore, true),
	VMARENA_IOCTL(CKPT_DROP, vmarena_ioc_ckpt_drop, true),
	VMARENA_IOCTL(CKPT_LIST, vmarena_ioc_ckpt_list, false),
	/* A re-arm that failed halfway must not be retried: it would miss pages. */
	[_IOC_NR(VMARENA_IOC_GET_DIRTY)] = { .cmd = VMARENA_IOC_GET_DIRTY,
		.fn = vmarena_ioc_get_dirty, .once = true },
	[_IOC_NR(VMARENA_IOC_EXPORT)] = { .cmd = VMARENA_IOC_EXPORT,
		.fn = vmarena_ioc_export, .once = true },
	[_IOC_NR(VMARENA_IOC_IMPORT)] = { .cmd = VMARENA_IOC_IMPORT,
		.fn = vmarena_ioc_import, .write = true, .once = true },
	VMARENA_IOCTL(REWIND, vmarena_ioc_rewind, true),
	VMARENA_IOCTL(SPACE_STATS, vmarena_ioc_space_stats, false),
};

static_assert(sizeof(struct vmarena_info) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_stats) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_space_stats) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_limit) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_range) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_translate) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_clone) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_ckpt) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_ckpt_list) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_dirty) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_export) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_import) <= VMARENA_IOCTL_BUF);

static const struct vmarena_ioctl_desc *vmarena_ioctl_find(unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) != VMARENA_IOC_MAGIC || nr >= ARRAY_SIZE(vmarena_ioctls))
		return NULL;
	if (vmarena_ioctls[nr].cmd != cmd || !vmarena_ioctls[nr].fn)
		return NULL;
	return &vmarena_ioctls[nr];
}

/*
 * Runs a command.  One that fails for want of frames changes nothing: it
 * is tried again once reclaim, free to wait for other spaces now that
 * none is locked, made room.  REWIND, once per fuzzing iteration, is
 * called directly rather than through a retpoline.
 */
static int vmarena_ioctl_run(struct vmarena_ioc *ioc,
			     const struct vmarena_ioctl_desc *desc, void *arg)
{
	unsigned int tries = VMARENA_RECLAIM_RETRIES;
	u64 mark;
	int ret;

	lockdep_assert_not_held(ioc->space->lock);
	do {
		mark = vmarena_injections();
		ret = INDIRECT_CALL_1(desc->fn, vmarena_ioc_rewind, ioc, arg);
	} while (ret == -ENOMEM && !desc->once && !ioc->final &&
		 vmarena_supply_retry(mark, &tries));
	return ret;
}

/*
 * A command with a structure: its argument, exactly (the command matched
 * its size), copied in if it carries input, out if it returns output.
 * Out of line, so that a command without one does not pay for clearing
 * the buffer (the kernel zeroes every stack variable).
 */
static noinline long vmarena_ioctl_buf(struct vmarena_ioc *ioc,
				       const struct vmarena_ioctl_desc *desc,
				       unsigned int cmd, void __user *uarg)
{
	u64 buf[VMARENA_IOCTL_BUF / sizeof(u64)];
	unsigned int size = _IOC_SIZE(cmd);
	int ret;

	if (!(_IOC_DIR(cmd) & _IOC_WRITE))
		memset(buf, 0, size);
	else if (copy_from_user(buf, uarg, size))
		return -EFAULT;
	ret = vmarena_ioctl_run(ioc, desc, buf);
	if (ret)
		return ret;
	if ((_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(uarg, buf, size))
		return -EFAULT;
	return 0;
}

static long vmarena_ioctl_call(struct vmarena_ioc *ioc, unsigned int cmd,
			       void __user *uarg)
{
	const struct vmarena_ioctl_desc *desc = vmarena_ioctl_find(cmd);
	u64 value;

	if (!desc)
		return -ENOTTY;
	if (desc->write && !ioc->write)
		return -EBADF;
	if (_IOC_DIR(cmd) != _IOC_NONE)
		return vmarena_ioctl_buf(ioc, desc, cmd, uarg);
	/* A command with no structure (_IO) takes the argument's value. */
	value = (uintptr_t)uarg;
	return vmarena_ioctl_run(ioc, desc, &value);	/* or REWIND's count */
}

/**
 * vmarena_ioctl() - unlocked_ioctl of /dev/vmarena.
 * @file: an open file of the device.
 * @cmd:  a VMARENA_IOC_* command.
 * @arg:  its argument, a user pointer (REWIND: a generation).
 *
 * Return: 0, CLONE's new fd, REWIND's count of pages copied, or a
 * negative errno (documented per command in abi.rst).
 */
long vmarena_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vmarena_ioc ioc = {
		.space = vmarena_file_space(file),
		.fops = file->f_op,
		.read = file->f_mode & FMODE_READ,
		.write = file->f_mode & FMODE_WRITE,
		.new_fd = -1,
	};
	long ret;

	vmarena_count(&vmarena_counters.ioctls);
	ret = vmarena_ioctl_call(&ioc, cmd, (void __user *)arg);
	if (ioc.new_fd >= 0) {
		/* CLONE: the fd is the process's only once it was told. */
		if (ret) {
			vmarena_file_abort(ioc.new_fd, ioc.new_file);
		} else {
			fd_install(ioc.new_fd, ioc.new_file);
			vmarena_count(&vmarena_counters.clones);
			ret = ioc.new_fd;
		}
	}
	if (ret < 0)
		vmarena_count(&vmarena_counters.ioctl_errors);
	return ret;
}
