/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fault.h - mmap of /dev/vmarena and its page faults (fault.c).
 */
#ifndef _VMARENA_FAULT_H
#define _VMARENA_FAULT_H

#include <linux/fs.h>
#include <linux/mm_types.h>

extern bool vmarena_zero_page;

int vmarena_mmap(struct file *file, struct vm_area_struct *vma);

#endif /* _VMARENA_FAULT_H */
