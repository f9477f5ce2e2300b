// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl.c - the ioctl dispatcher.
 *
 * The argument is copied in once into a kernel buffer (for commands that
 * carry input), the handler works on kernel memory only, and the result is
 * copied out once (for commands that return output).  A command matches
 * only with its exact number, direction and size; anything else is -ENOTTY.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "arena.h"
#include "dev.h"
#include "space.h"
#include "stats.h"

/* Large enough for every command's argument (checked at build time). */
#define VMARENA_IOCTL_BUF	256

typedef int (*vmarena_ioctl_fn)(struct vmarena_space *space, void *arg);

struct vmarena_ioctl_desc {
	unsigned int cmd;
	vmarena_ioctl_fn fn;
};

static int vmarena_ioc_info(struct vmarena_space *space, void *arg)
{
	struct vmarena_info *info = arg;

	info->abi_version = VMARENA_ABI_VERSION;
	info->page_size = VMARENA_PAGE_SIZE;
	info->arena_frames = vmarena_arena_frames();
	info->free_frames = vmarena_arena_free_frames();
	info->space_id = space->id;
	return 0;
}

static int vmarena_ioc_stats(struct vmarena_space *space, void *arg)
{
	struct vmarena_stats *st = arg;
	u32 nr, n;
	u64 *v;
	int ret = 0;

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
	n = min(st->count, nr);
	if (copy_to_user(u64_to_user_ptr(st->values), v, n * sizeof(*v)))
		ret = -EFAULT;
	kfree(v);
	st->count = nr;
	return ret;
}

static int vmarena_ioc_set_limit(struct vmarena_space *space, void *arg)
{
	struct vmarena_limit *l = arg;

	if (!vmarena_reserved_zero(l->reserved, sizeof(l->reserved)))
		return -EINVAL;
	return vmarena_space_set_limit(space, l->max_pages, l->max_resident);
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

static int vmarena_ioc_discard(struct vmarena_space *space, void *arg)
{
	u64 first, nr;

	return ioc_range(arg, &first, &nr) ?:
	       vmarena_space_discard(space, first, nr);
}

static int vmarena_ioc_pin(struct vmarena_space *space, void *arg)
{
	u64 first, nr;

	return ioc_range(arg, &first, &nr) ?:
	       vmarena_space_pin(space, first, nr);
}

static int vmarena_ioc_unpin(struct vmarena_space *space, void *arg)
{
	u64 first, nr;

	return ioc_range(arg, &first, &nr) ?:
	       vmarena_space_unpin(space, first, nr);
}

/* One shadow PTE in the ABI's form. */
static void pte_info(u64 pte, struct vmarena_pte_info *e)
{
	bool lost = (pte & VMARENA_PTE_SWAP) &&
		    vmarena_pte_frame(pte) == VMARENA_SLOT_LOST;

	e->frame = pte & (VMARENA_PTE_PRESENT | VMARENA_PTE_SWAP) && !lost ?
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
	struct vmarena_pte_info *out;
};

static int translate_entry(void *arg, u64 vpn, u64 *pte)
{
	struct translate_fill *t = arg;

	pte_info(*pte, &t->out[vpn - t->first]);
	return 0;
}

static int vmarena_ioc_translate(struct vmarena_space *space, void *arg)
{
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
	t.out = kvzalloc(bytes, GFP_KERNEL);
	if (!t.out)
		return -ENOMEM;
	mutex_lock(&space->lock);
	vmarena_pt_range(&space->pt, t.first, nr, translate_entry, &t);
	mutex_unlock(&space->lock);
	if (copy_to_user(u64_to_user_ptr(tr->entries), t.out, bytes))
		ret = -EFAULT;
	kvfree(t.out);
	return ret;
}

#define VMARENA_IOCTL(name, func)					\
	[_IOC_NR(VMARENA_IOC_##name)] = { .cmd = VMARENA_IOC_##name, .fn = func }

static const struct vmarena_ioctl_desc vmarena_ioctls[] = {
	VMARENA_IOCTL(INFO, vmarena_ioc_info),
	VMARENA_IOCTL(STATS, vmarena_ioc_stats),
	VMARENA_IOCTL(SET_LIMIT, vmarena_ioc_set_limit),
	VMARENA_IOCTL(DISCARD, vmarena_ioc_discard),
	VMARENA_IOCTL(TRANSLATE, vmarena_ioc_translate),
	VMARENA_IOCTL(PIN, vmarena_ioc_pin),
	VMARENA_IOCTL(UNPIN, vmarena_ioc_unpin),
};

static_assert(sizeof(struct vmarena_info) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_stats) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_limit) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_range) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_translate) <= VMARENA_IOCTL_BUF);

static const struct vmarena_ioctl_desc *vmarena_ioctl_find(unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) != VMARENA_IOC_MAGIC || nr >= ARRAY_SIZE(vmarena_ioctls))
		return NULL;
	if (vmarena_ioctls[nr].cmd != cmd || !vmarena_ioctls[nr].fn)
		return NULL;
	return &vmarena_ioctls[nr];
}

static long vmarena_ioctl_call(struct vmarena_space *space, unsigned int cmd,
			       void __user *uarg)
{
	const struct vmarena_ioctl_desc *desc = vmarena_ioctl_find(cmd);
	u64 buf[VMARENA_IOCTL_BUF / sizeof(u64)] = {};
	unsigned int size = _IOC_SIZE(cmd);
	int ret;

	if (!desc)
		return -ENOTTY;
	if ((_IOC_DIR(cmd) & _IOC_WRITE) && copy_from_user(buf, uarg, size))
		return -EFAULT;
	ret = desc->fn(space, buf);
	if (ret)
		return ret;
	if ((_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(uarg, buf, size))
		return -EFAULT;
	return 0;
}

/**
 * vmarena_ioctl() - unlocked_ioctl of /dev/vmarena.
 * @file: an open file of the device.
 * @cmd:  a VMARENA_IOC_* command.
 * @arg:  its argument, a user pointer.
 *
 * Return: 0 or a negative errno (documented per command in abi.rst).
 */
long vmarena_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	long ret;

	vmarena_count(&vmarena_counters.ioctls);
	ret = vmarena_ioctl_call(vmarena_file_space(file), cmd,
				 (void __user *)arg);
	if (ret)
		vmarena_count(&vmarena_counters.ioctl_errors);
	return ret;
}
