// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - /dev/vmarena: open makes a space, release drops it, mmap maps it.
 *
 * The module cannot go away under a user: the fops' owner pins it for every
 * open file, and every mapping holds its file.
 */
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>

#include "internal.h"
#include "dev.h"
#include "space.h"
#include "stats.h"

static int vmarena_open(struct inode *inode, struct file *file)
{
	struct vmarena_space *space;

	space = vmarena_space_create();
	if (!space)
		return -ENOMEM;
	file->private_data = space;
	return 0;
}

static int vmarena_release(struct inode *inode, struct file *file)
{
	vmarena_space_put(vmarena_file_space(file));
	return 0;
}

/*
 * Nothing backs a space's pages until the address-space layer lands: any
 * touch of a mapping is a bus error, never a kernel fault.
 */
static vm_fault_t vmarena_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct vmarena_vm_ops = {
	.fault = vmarena_fault,
};

/*
 * Only MAP_SHARED: a mapping shows the space itself.  The whole range must
 * lie in the 48-bit offset space; the mapping cannot grow by mremap().
 */
static int vmarena_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vmarena_range_pages(vma->vm_pgoff, vma_pages(vma)))
		return -EINVAL;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_ops = &vmarena_vm_ops;
	vmarena_count(&vmarena_counters.mmaps);
	return 0;
}

static const struct file_operations vmarena_fops = {
	.owner = THIS_MODULE,
	.open = vmarena_open,
	.release = vmarena_release,
	.unlocked_ioctl = vmarena_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = vmarena_mmap,
	.llseek = noop_llseek,
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
