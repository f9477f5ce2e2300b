/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioctl.h - the ioctl dispatcher, /dev/vmarena's unlocked_ioctl (ioctl.c).
 */
#ifndef _VMARENA_IOCTL_H
#define _VMARENA_IOCTL_H

#include <linux/fs.h>

long vmarena_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* _VMARENA_IOCTL_H */
