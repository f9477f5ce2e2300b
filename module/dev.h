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
int vmarena_dev_prepare(struct vmarena_space *space, bool cloexec, bool read,
			bool write, struct file **file);
void vmarena_dev_abort(int fd, struct file *file);
void vmarena_dev_exit(void);

/* ioctl.c */
long vmarena_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* fault.c */
int vmarena_mmap(struct file *file, struct vm_area_struct *vma);

/* rw.c */
ssize_t vmarena_read(struct file *file, char __user *buf, size_t len,
		     loff_t *ppos);
ssize_t vmarena_write(struct file *file, const char __user *buf, size_t len,
		      loff_t *ppos);
loff_t vmarena_llseek(struct file *file, loff_t offset, int whence);

static inline struct vmarena_space *vmarena_file_space(struct file *file)
{
	return file->private_data;
}

#endif /* _VMARENA_DEV_H */
