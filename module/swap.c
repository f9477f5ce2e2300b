// SPDX-License-Identifier: GPL-2.0
/*
 * swap.c - attaching and detaching the backing block device.
 *
 * The device is opened exclusively by path; its size gives the number of
 * 4 KiB slots, allocated by slots.c.  It cannot be detached while a slot
 * is in use.  Eviction, swap-in and the bio I/O build on this.
 */
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "slots.h"
#include "swap.h"

/**
 * struct vmarena_swap - the backing device.
 * @lock:  protects everything below (attach, detach, display).
 * @bdev:  the device, opened exclusively; NULL when none is attached.
 * @path:  the path it was attached by.
 * @slots: its slots.
 */
struct vmarena_swap {
	struct mutex lock;	/* see the kernel-doc above */
	struct block_device *bdev;
	char path[VMARENA_SWAP_PATH_MAX];
	struct vmarena_slots slots;
};

static struct vmarena_swap swap = {
	.lock = __MUTEX_INITIALIZER(swap.lock),
};

#define SWAP_MODE	(FMODE_READ | FMODE_WRITE | FMODE_EXCL)

static int swap_open(const char *path, struct block_device **bdev, u64 *nr)
{
	struct block_device *b;

	b = blkdev_get_by_path(path, SWAP_MODE, &swap);
	if (IS_ERR(b))
		return PTR_ERR(b);
	*nr = bdev_nr_bytes(b) >> VMARENA_PAGE_SHIFT;
	if (*nr < VMARENA_SWAP_MIN_SLOTS ||
	    bdev_logical_block_size(b) > VMARENA_PAGE_SIZE) {
		pr_err("swap device %s is too small (%llu slots of 4 KiB, %u needed) or has blocks over 4 KiB\n",
		       path, *nr, VMARENA_SWAP_MIN_SLOTS);
		blkdev_put(b, SWAP_MODE);
		return -EINVAL;
	}
	*bdev = b;
	return 0;
}

/**
 * vmarena_swap_attach() - attach the block device at @path as backing store.
 * @path: a block device node.
 *
 * Return: 0; -EBUSY when a device is attached already or @path is in use
 * by someone else; -EINVAL when it is too small; -ENOENT, -ENOTBLK,
 * -EACCES and the like from opening it; -ENOMEM.
 */
int vmarena_swap_attach(const char *path)
{
	struct block_device *bdev;
	u64 nr, *map, *bad;
	int ret;

	if (!*path || strlen(path) >= VMARENA_SWAP_PATH_MAX)
		return -EINVAL;
	mutex_lock(&swap.lock);
	ret = -EBUSY;
	if (swap.bdev)
		goto out;
	ret = swap_open(path, &bdev, &nr);
	if (ret)
		goto out;
	map = kvcalloc(vmarena_slots_words(nr), sizeof(u64), GFP_KERNEL);
	bad = kvcalloc(vmarena_slots_words(nr), sizeof(u64), GFP_KERNEL);
	if (!map || !bad) {
		kvfree(map);
		kvfree(bad);
		blkdev_put(bdev, SWAP_MODE);
		ret = -ENOMEM;
		goto out;
	}
	vmarena_slots_init(&swap.slots, map, bad, nr);
	swap.bdev = bdev;
	strscpy(swap.path, path, sizeof(swap.path));
	pr_info("swap: %s attached, %llu slots\n", path, nr);
out:
	mutex_unlock(&swap.lock);
	return ret;
}

/* Releases the device and its bitmaps; swap lock held. */
static void swap_release(void)
{
	lockdep_assert_held(&swap.lock);
	blkdev_put(swap.bdev, SWAP_MODE);
	kvfree(swap.slots.map);
	kvfree(swap.slots.bad);
	swap.bdev = NULL;
	swap.path[0] = '\0';
	memset(&swap.slots, 0, sizeof(swap.slots));
}

/**
 * vmarena_swap_detach() - detach the backing device if no slot is in use.
 *
 * Return: 0 (also when none is attached), or -EBUSY while slots are used.
 */
int vmarena_swap_detach(void)
{
	int ret = 0;

	mutex_lock(&swap.lock);
	if (swap.bdev && READ_ONCE(swap.slots.used))
		ret = -EBUSY;
	else if (swap.bdev)
		swap_release();
	mutex_unlock(&swap.lock);
	return ret;
}

/* At module exit every space is gone, so no slot is used. */
void vmarena_swap_exit(void)
{
	mutex_lock(&swap.lock);
	if (swap.bdev) {
		WARN_ON_ONCE(swap.slots.used);
		swap_release();
	}
	mutex_unlock(&swap.lock);
}

/**
 * vmarena_swap_path() - the attached device's path and a newline, or just
 * a newline (for the swap_dev sysfs attribute).
 * @buf: out.
 * @len: its size.
 *
 * Return: bytes written.
 */
ssize_t vmarena_swap_path(char *buf, size_t len)
{
	ssize_t n;

	mutex_lock(&swap.lock);
	n = scnprintf(buf, len, "%s\n", swap.path);
	mutex_unlock(&swap.lock);
	return n;
}

/**
 * vmarena_swap_show() - debugfs vmarena/swap: "name value" lines.
 * @m:      the seq_file.
 * @unused: unused.
 *
 * Return: 0.
 */
int vmarena_swap_show(struct seq_file *m, void *unused)
{
	mutex_lock(&swap.lock);
	seq_printf(m, "%-14s %s\n", "device", swap.bdev ? swap.path : "-");
	seq_printf(m, "%-14s %llu\n", "slots", swap.slots.nr);
	seq_printf(m, "%-14s %llu\n", "used", swap.slots.used);
	seq_printf(m, "%-14s %llu\n", "free",
		   swap.slots.nr - swap.slots.used - swap.slots.retired);
	seq_printf(m, "%-14s %llu\n", "retired", swap.slots.retired);
	seq_printf(m, "%-14s %llu\n", "bad_frees", swap.slots.double_frees);
	mutex_unlock(&swap.lock);
	return 0;
}
