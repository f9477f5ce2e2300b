/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swap.h - the backing block device whose 4 KiB blocks are swap slots.
 */
#ifndef _VMARENA_SWAP_H
#define _VMARENA_SWAP_H

#include <linux/seq_file.h>
#include <linux/types.h>

/* A device smaller than this many slots is refused. */
#define VMARENA_SWAP_MIN_SLOTS	16
#define VMARENA_SWAP_PATH_MAX	256

int vmarena_swap_attach(const char *path);
int vmarena_swap_detach(void);
void vmarena_swap_exit(void);
ssize_t vmarena_swap_path(char *buf, size_t len);
int vmarena_swap_show(struct seq_file *m, void *unused);

#endif /* _VMARENA_SWAP_H */
