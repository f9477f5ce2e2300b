/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rw.h - read(), write() and lseek() on /dev/vmarena (rw.c).
 */
#ifndef _VMARENA_RW_H
#define _VMARENA_RW_H

#include <linux/fs.h>
#include <linux/types.h>

ssize_t vmarena_read(struct file *file, char __user *buf, size_t len,
		     loff_t *ppos);
ssize_t vmarena_write(struct file *file, const char __user *buf, size_t len,
		      loff_t *ppos);
loff_t vmarena_llseek(struct file *file, loff_t offset, int whence);

#endif /* _VMARENA_RW_H */
