/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dev.h - the /dev/vmarena misc device and its attributes (dev.c).
 */
#ifndef _VMARENA_DEV_H
#define _VMARENA_DEV_H

#include <linux/fs.h>
#include <linux/types.h>

int vmarena_dev_init(umode_t mode);
void vmarena_dev_exit(void);

#endif /* _VMARENA_DEV_H */
