/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs.h - a private pseudo-filesystem: one inode, so one address_space,
 * per vmarena space.
 */
#ifndef _VMARENA_FS_H
#define _VMARENA_FS_H

struct inode;

struct inode *vmarena_fs_inode_new(void);
void vmarena_fs_inode_free(struct inode *inode);

#endif /* _VMARENA_FS_H */
