// SPDX-License-Identifier: GPL-2.0
/*
 * file.c - the files that are spaces: the space a file is, and the file of
 * a space made without open() (a clone).
 *
 * A file is its space: the file holds the space's first reference, and its
 * release (dev.c) tears the space down.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>

#include "internal.h"
#include "debugfs.h"
#include "file.h"
#include "lifecycle.h"
#include "space.h"

/**
 * vmarena_file_prepare() - a new file for a space made without open() (a
 * clone), like those of /dev/vmarena, and an fd for it, not installed yet.
 * @space:   the space; its reference passes to the file, or it is torn
 *           down on failure.
 * @fops:    the file operations of /dev/vmarena: those of the file the
 *           caller acts through.
 * @cloexec: the fd is close-on-exec.
 * @read:    the file is open for reading ...
 * @write:   ... for writing (its access mode is that of the fd it was
 *           made through).
 * @file:    out: the file.
 *
 * The caller installs it (fd_install()) once nothing can fail any more,
 * or gives both back (vmarena_file_abort()).
 *
 * Return: the fd, or a negative errno.
 */
int vmarena_file_prepare(struct vmarena_space *space,
			 const struct file_operations *fops, bool cloexec,
			 bool read, bool write, struct file **file)
{
	int fd;

	fd = get_unused_fd_flags(O_RDWR | (cloexec ? O_CLOEXEC : 0));
	if (fd < 0)
		goto err;
	*file = anon_inode_getfile("[vmarena]", fops, space,
				   !write ? O_RDONLY : read ? O_RDWR : O_WRONLY);
	if (IS_ERR(*file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(*file);
		goto err;
	}
	(*file)->f_mapping = space->inode->i_mapping;
	/* pwrite() on a read-only one gets -EBADF from vfs_write(). */
	(*file)->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	vmarena_debugfs_space_add(space);
	return fd;
err:
	vmarena_space_destroy(space);
	return fd;
}

/**
 * vmarena_file_abort() - give back what vmarena_file_prepare() made (the
 * space goes with its file's release).
 * @fd:   the fd.
 * @file: the file.
 */
void vmarena_file_abort(int fd, struct file *file)
{
	put_unused_fd(fd);
	fput(file);
}

