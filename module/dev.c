// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - /dev/vmarena: open makes a space, release drops it; mapping
 * (fault.c), reading and writing (rw.c) and ioctls (ioctl.c) act on it.
 *
 * The module cannot go away under a user: the fops' owner pins it for every
 * open file, and every mapping holds its file.
 */
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>

#include "internal.h"
#include "dev.h"
#include "space.h"
#include "swap.h"

static int vmarena_open(struct inode *inode, struct file *file)
{
	struct vmarena_space *space;

	space = vmarena_space_create();
	if (IS_ERR(space))
		return PTR_ERR(space);
	file->private_data = space;
	/* Mappings of this file live in the space's own address_space. */
	file->f_mapping = space->inode->i_mapping;
	return 0;
}

static int vmarena_release(struct inode *inode, struct file *file)
{
	vmarena_space_put(vmarena_file_space(file));
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

static struct attribute *vmarena_dev_attrs[] = {
	&dev_attr_swap_dev.attr,
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
