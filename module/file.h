/* SPDX-License-Identifier: GPL-2.0 */
/*
 * file.h - the files that are spaces (file.c).
 */
#ifndef _VMARENA_FILE_H
#define _VMARENA_FILE_H

#include <linux/fs.h>
#include <linux/types.h>

struct vmarena_space;

int vmarena_file_prepare(struct vmarena_space *space,
			 const struct file_operations *fops, bool cloexec,
			 bool read, bool write, struct file **file);
void vmarena_file_abort(int fd, struct file *file);

/* The space a file of /dev/vmarena is. */
static inline struct vmarena_space *vmarena_file_space(struct file *file)
{
	return file->private_data;
}

#endif /* _VMARENA_FILE_H */
