// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl.c - the ioctl dispatcher.
 *
 * The argument is copied in once into a kernel buffer (for commands that
 * carry input), the handler works on kernel memory only, and the result is
 * copied out once (for commands that return output).  A command matches
 * only with its exact number, direction and size; anything else is -ENOTTY.
 */
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
	u32 n = min_t(u32, st->count, VMARENA_NR_GLOBAL_STATS);
	u64 *v;
	int ret = 0;

	if (st->which != VMARENA_STATS_GLOBAL ||
	    !vmarena_reserved_zero(st->reserved, sizeof(st->reserved)))
		return -EINVAL;
	v = kcalloc(VMARENA_NR_GLOBAL_STATS, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	vmarena_stats_global(v);
	if (copy_to_user(u64_to_user_ptr(st->values), v, n * sizeof(*v)))
		ret = -EFAULT;
	kfree(v);
	st->count = VMARENA_NR_GLOBAL_STATS;
	return ret;
}

#define VMARENA_IOCTL(name, func)					\
	[_IOC_NR(VMARENA_IOC_##name)] = { .cmd = VMARENA_IOC_##name, .fn = func }

static const struct vmarena_ioctl_desc vmarena_ioctls[] = {
	VMARENA_IOCTL(INFO, vmarena_ioc_info),
	VMARENA_IOCTL(STATS, vmarena_ioc_stats),
};

static_assert(sizeof(struct vmarena_info) <= VMARENA_IOCTL_BUF);
static_assert(sizeof(struct vmarena_stats) <= VMARENA_IOCTL_BUF);

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
