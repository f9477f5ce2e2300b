/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dev.h - the /dev/vmarena misc device and its file operations.
 */
#ifndef _VMARENA_DEV_H
#define _VMARENA_DEV_H

#include <linux/fs.h>
#include <linux/types.h>

struct vmarena_space;

int vmarena_dev_init(umode_t mode);
void vmarena_dev_exit(void);

/* ioctl.c */
long vmarena_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

static inline struct vmarena_space *vmarena_file_space(struct file *file)
{
	return file->private_data;
}

#endif /* _VMARENA_DEV_H */
