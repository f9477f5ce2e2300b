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

#include "internal.h"
#include "dev.h"
#include "space.h"

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

static struct miscdevice vmarena_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmarena",
	.fops = &vmarena_fops,
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
