/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mapping.h - a space's hardware mappings and its software TLB (mapping.c).
 */
#ifndef _VMARENA_MAPPING_H
#define _VMARENA_MAPPING_H

#include <linux/types.h>

struct vmarena_space;

void vmarena_space_tlb_flush(struct vmarena_space *space, u64 first, u64 nr);
void vmarena_space_unmap(struct vmarena_space *space, u64 first, u64 nr);
void vmarena_space_wrprotect(struct vmarena_space *space, u64 first, u64 nr);
void vmarena_space_wait_install(struct vmarena_space *space, u32 frame);
void vmarena_space_wait_dropped(struct vmarena_space *space, u32 frame);

#endif /* _VMARENA_MAPPING_H */
