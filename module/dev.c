// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - /dev/vmarena: open makes a space, release tears it down; mapping
 * (fault.c), reading and writing (rw.c) and ioctls (ioctl.c) act on it, and
 * its attributes under /sys/class/misc/vmarena/ set the module's knobs.
 *
 * The module cannot go away under a user: the fops' owner pins it for every
 * open file, and every mapping holds its file.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>

#include "internal.h"
#include "debugfs.h"
#include "dev.h"
#include "fault.h"
#include "file.h"
#include "ioctl.h"
#include "reclaim.h"
#include "space.h"
#include "supply.h"
#include "swap.h"
#include "user.h"
#include "lifecycle.h"
#include "rw.h"

static int vmarena_open(struct inode *inode, struct file *file)
{
	struct vmarena_space *space;

	space = vmarena_space_create(NULL);
	if (IS_ERR(space))
		return PTR_ERR(space);
	file->private_data = space;
	/* Mappings of this file live in the space's own address_space. */
	file->f_mapping = space->inode->i_mapping;
	vmarena_debugfs_space_add(space);
	return 0;
}

/* The file is the space: its release tears the space down. */
static int vmarena_release(struct inode *inode, struct file *file)
{
	struct vmarena_space *space = vmarena_file_space(file);

	vmarena_debugfs_space_remove(space);	/* waits for its readers */
	vmarena_space_destroy(space);
	return 0;
}

static const struct file_operations vmarena_fops = {
	.owner = THIS_MODULE,
	.open = vmarena_open,
	.release = vmarena_release,
	.unlocked_ioctl = vmarena_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = vmarena_mmap,
	.read = vmarena_read,
	.write = vmarena_write,
	.llseek = vmarena_llseek,
};

/*
 * /sys/class/misc/vmarena/swap_dev: the backing device's path; write a
 * path to attach one, an empty line to detach it (root only: mode 0644).
 */
static ssize_t swap_dev_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return vmarena_swap_path(buf, PAGE_SIZE);
}

static ssize_t swap_dev_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t len)
{
	char path[VMARENA_SWAP_PATH_MAX];
	int ret;

	if (len >= sizeof(path))
		return -EINVAL;
	memcpy(path, buf, len);
	path[len] = '\0';
	strim(path);
	ret = *path ? vmarena_swap_attach(path) : vmarena_swap_detach();
	return ret ? ret : len;
}
static DEVICE_ATTR_RW(swap_dev);

/*
 * policy: every policy's name, the one in force in brackets; write a name
 * to switch (takes effect at the next eviction).
 */
static ssize_t policy_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return vmarena_reclaim_policy_show(buf, PAGE_SIZE);
}

static ssize_t policy_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t len)
{
	char name[16];
	int ret;

	if (len >= sizeof(name))
		return -EINVAL;
	memcpy(name, buf, len);
	name[len] = '\0';
	ret = vmarena_reclaim_set_policy(strim(name));
	return ret ? ret : len;
}
static DEVICE_ATTR_RW(policy);

/*
 * watermark_low, watermark_high: free frames below which the page-out
 * daemon wakes, and at which it stops; 0 < low < high <= half the arena.
 */
static ssize_t watermark_show(char *buf, bool high)
{
	u64 lo, hi;

	vmarena_supply_watermarks(&lo, &hi);
	return sysfs_emit(buf, "%llu\n", high ? hi : lo);
}

static ssize_t watermark_store(const char *buf, size_t len, bool high)
{
	u64 lo, hi, v;
	int ret;

	ret = kstrtou64(buf, 0, &v);
	if (ret)
		return ret;
	vmarena_supply_watermarks(&lo, &hi);
	ret = vmarena_supply_set_watermarks(high ? lo : v, high ? v : hi);
	return ret ? ret : len;
}

static ssize_t watermark_low_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return watermark_show(buf, false);
}

static ssize_t watermark_low_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t len)
{
	return watermark_store(buf, len, false);
}
static DEVICE_ATTR_RW(watermark_low);

static ssize_t watermark_high_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return watermark_show(buf, true);
}

static ssize_t watermark_high_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t len)
{
	return watermark_store(buf, len, true);
}
static DEVICE_ATTR_RW(watermark_high);

/*
 * user_max_pages, user_max_pinned: the per-user limits in force (user.c);
 * write a number of pages, 0 for the default.
 */
static ssize_t user_limit_store(const char *buf, size_t len, bool pinned)
{
	u64 v;
	int ret;

	ret = kstrtou64(buf, 0, &v);
	if (ret)
		return ret;
	vmarena_user_set_limit(pinned, v);
	return len;
}

static ssize_t user_max_pages_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", vmarena_user_max_pages());
}

static ssize_t user_max_pages_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t len)
{
	return user_limit_store(buf, len, false);
}
static DEVICE_ATTR_RW(user_max_pages);

static ssize_t user_max_pinned_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", vmarena_user_max_pinned());
}

static ssize_t user_max_pinned_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t len)
{
	return user_limit_store(buf, len, true);
}
static DEVICE_ATTR_RW(user_max_pinned);

static struct attribute *vmarena_dev_attrs[] = {
	&dev_attr_swap_dev.attr,
	&dev_attr_policy.attr,
	&dev_attr_watermark_low.attr,
	&dev_attr_watermark_high.attr,
	&dev_attr_user_max_pages.attr,
	&dev_attr_user_max_pinned.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vmarena_dev);

static struct miscdevice vmarena_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmarena",
	.fops = &vmarena_fops,
	.groups = vmarena_dev_groups,
};

/**
 * vmarena_dev_init() - register /dev/vmarena.
 * @mode: the device node's permission bits.
 *
 * Return: 0 or the error of misc_register().
 */
int vmarena_dev_init(umode_t mode)
{
	vmarena_misc.mode = mode;
	return misc_register(&vmarena_misc);
}

void vmarena_dev_exit(void)
{
	misc_deregister(&vmarena_misc);
}
