// SPDX-License-Identifier: GPL-2.0
/*
 * fs.c - the vmarena pseudo-filesystem.
 *
 * Each space needs an address_space of its own: its mappings are found
 * through it (unmap_mapping_range() drops one space's hardware mappings),
 * and do_page_mkwrite() needs vm_file->f_mapping->host to be a real
 * inode.  The shared anon inode will not do (other subsystems' mappings
 * live in it), so, as DRM does, an internal mount is pinned while inodes
 * exist and each space gets alloc_anon_inode().
 */
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>

#include "fs.h"

#define VMARENA_FS_MAGIC	0x766d6172	/* "vmar" */

/* simple_pin_fs() state: the mount and how many inodes hold it. */
static struct vfsmount *vmarena_fs_mnt;
static int vmarena_fs_count;

static int vmarena_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, VMARENA_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type vmarena_fs_type = {
	.name = "vmarena",
	.owner = THIS_MODULE,
	.init_fs_context = vmarena_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

/**
 * vmarena_fs_inode_new() - an inode (and address_space) for a new space.
 *
 * Return: the inode, or an ERR_PTR().
 */
struct inode *vmarena_fs_inode_new(void)
{
	struct inode *inode;
	int ret;

	ret = simple_pin_fs(&vmarena_fs_type, &vmarena_fs_mnt, &vmarena_fs_count);
	if (ret < 0)
		return ERR_PTR(ret);
	inode = alloc_anon_inode(vmarena_fs_mnt->mnt_sb);
	if (IS_ERR(inode))
		simple_release_fs(&vmarena_fs_mnt, &vmarena_fs_count);
	return inode;
}

/**
 * vmarena_fs_inode_free() - release a space's inode and its pin on the mount.
 * @inode: from vmarena_fs_inode_new().
 */
void vmarena_fs_inode_free(struct inode *inode)
{
	iput(inode);
	simple_release_fs(&vmarena_fs_mnt, &vmarena_fs_count);
}
