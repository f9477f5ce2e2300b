/* SPDX-License-Identifier: GPL-2.0 */
/*
 * export.h - EXPORT and IMPORT of generations as streams.
 */
#ifndef _VMARENA_EXPORT_H
#define _VMARENA_EXPORT_H

#include <linux/fs.h>
#include <linux/types.h>

struct vmarena_space;

int vmarena_export(struct vmarena_space *space, struct file *file, u64 gen,
		   u64 base, bool delta, u64 *pages, u64 *bytes);
int vmarena_import(struct vmarena_space *space, struct file *file, u64 *gen,
		   u64 *pages, u64 *bytes);

#endif /* _VMARENA_EXPORT_H */
