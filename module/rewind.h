/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rewind.h - REWIND: a space back to a generation, in place.
 */
#ifndef _VMARENA_REWIND_H
#define _VMARENA_REWIND_H

#include <linux/types.h>

struct vmarena_space;

/**
 * struct vmarena_rewind_result - what one REWIND did.
 * @pages:  pages the space holds afterwards.
 * @copied: pages whose bytes were copied back into their own frame.
 * @reset:  pages whose entry became the generation's again (shared, or a
 *          hole).
 * @full:   it was done as a RESTORE.
 */
struct vmarena_rewind_result {
	u64 pages;
	u64 copied;
	u64 reset;
	bool full;
};

int vmarena_rewind(struct vmarena_space *space, u64 gen,
		   struct vmarena_rewind_result *res);

#endif /* _VMARENA_REWIND_H */
