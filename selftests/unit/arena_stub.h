/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arena_stub.h - the arena's frames in user space, for unit tests of the
 * layers above the buddy allocator (module/frames.h over a buffer).
 */
#ifndef _VMARENA_ARENA_STUB_H
#define _VMARENA_ARENA_STUB_H

#include "frames.h"

int stub_arena_init(u32 nr_frames);
void stub_arena_fini(void);
struct vmarena_buddy *stub_arena_buddy(void);

#endif /* _VMARENA_ARENA_STUB_H */
