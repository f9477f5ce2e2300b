/* SPDX-License-Identifier: GPL-2.0 */
/*
 * buddy.h - frame descriptors and the buddy allocator over frame numbers.
 *
 * Pure logic (buddy.c compiles in user space too): frames are numbers
 * 0..nr_frames-1; whatever backs them (kernel pages, a test buffer) is the
 * caller's business.
 */
#ifndef _VMARENA_BUDDY_H
#define _VMARENA_BUDDY_H

#include "internal.h"

#define VMARENA_MAX_ORDER	10
#define VMARENA_NR_ORDERS	(VMARENA_MAX_ORDER + 1)
#define VMARENA_NO_FRAME	U32_MAX

enum vmarena_frame_state {
	VMARENA_FRAME_TAIL,	/* inside a block, not its head */
	VMARENA_FRAME_FREE,	/* head of a free block of @order */
	VMARENA_FRAME_ALLOC,	/* head of an allocated block of @order */
};

/**
 * struct vmarena_frame - the descriptor of one frame (the frame table).
 * @state:     enum vmarena_frame_state; buddy lock.
 * @order:     order of the block this frame heads; buddy lock.
 * @max_order: order of the kernel chunk that holds the frame; a block never
 *             grows beyond its chunk, so every block is physically
 *             contiguous.  Constant after the frame is added.
 * @use:       what an allocated block holds (enum vmarena_frame_use); set
 *             by the allocating layer.
 * @next:      free block head: link in its order's free list (buddy lock);
 *             slab head: link in its cache's slab list (cache lock); a user
 *             page off its ring: link in a chain of dropped frames.
 * @prev:      the other direction of @next.
 * @lru_next:  user page: the next in its space's resident ring (policy.h),
 *             VMARENA_NO_FRAME when in none (same storage as @next).
 * @lru_prev:  user page: the previous one (same storage as @prev).
 * @inuse:     slab head: objects in use (cache lock); page-table node:
 *             non-zero entries (space lock).
 * @freelist:  slab head: index of the first free object, or U16_MAX.
 * @slot:      user page: a swap slot holding the same bytes (kept after a
 *             swap-in until the page is written), or VMARENA_NO_SLOT (same
 *             storage as @inuse and @freelist).
 * @owner:     user page: the space it is charged to, whose resident ring
 *             holds it (the reverse map; spaces sharing it are @owner's
 *             family, see share.c).
 * @vpn:       user page: the page number, the same in every table that
 *             holds it (sharing never moves a page).
 * @shares:    user page: page-table entries holding it (live tables of
 *             spaces and checkpoints), up to VMARENA_SHARES_MAX.
 * @idle:      user page: lru policy ticks since it was last seen accessed,
 *             up to 255 (policy.c).
 *
 * 32 bytes: the descriptor is on the allocators' fast paths (a 48-byte one
 * made slab alloc+free pairs about 40% slower), so what only a user page
 * needs shares storage with what only free blocks and slabs need.  A user
 * page's @owner, @vpn, @shares, @lru_*, @slot and @idle are written under
 * its space's lock (its family's lock).
 */
struct vmarena_frame {
	u8 state;
	u8 order;
	u8 max_order;
	u8 use;
	union {
		struct {
			u32 next;
			u32 prev;
		};
		struct {
			u32 lru_next;
			u32 lru_prev;
		};
	};
	union {
		struct {
			u16 inuse;
			u16 freelist;
		};
		u32 slot;
	};
	void *owner;
	u64 vpn : 36;
	u64 shares : 20;
	u64 idle : 8;
};

static_assert(sizeof(struct vmarena_frame) == 32,
	      "the frame descriptor is on the allocators' fast paths");

#define VMARENA_NO_SLOT		U32_MAX
#define VMARENA_SHARES_MAX	(BIT(20) - 1)

enum vmarena_frame_use {
	VMARENA_USE_NONE,
	VMARENA_USE_SLAB,	/* a slab of vmarena's metadata objects */
	VMARENA_USE_SLAB_RZ,	/* ... laid out with red zones */
	VMARENA_USE_SLAB_RZ_POISON, /* ... with red zones and poisoning */
	VMARENA_USE_PCP,	/* parked in a per-CPU cache of free frames */
	VMARENA_USE_PTNODE,	/* a node of a shadow page table */
	VMARENA_USE_USER,	/* a page of an address space */
	VMARENA_USE_OTHER,	/* anything else (tests, benchmarks) */
	VMARENA_USE_ZEROED,	/* zeroed ahead, waiting for a first touch */
	VMARENA_USE_READAHEAD,	/* a page read ahead, no fault found it yet */
};

/*
 * Lists of block heads, doubly linked through @next/@prev by frame number:
 * the buddy's free lists and the slab caches' slab lists.  The caller holds
 * the lock that protects the list.
 */
static inline void vmarena_flist_add(struct vmarena_frame *frames, u32 *head,
				     u32 frame)
{
	frames[frame].prev = VMARENA_NO_FRAME;
	frames[frame].next = *head;
	if (*head != VMARENA_NO_FRAME)
		frames[*head].prev = frame;
	*head = frame;
}

static inline void vmarena_flist_del(struct vmarena_frame *frames, u32 *head,
				     u32 frame)
{
	struct vmarena_frame *f = &frames[frame];

	if (f->prev != VMARENA_NO_FRAME)
		frames[f->prev].next = f->next;
	else
		*head = f->next;
	if (f->next != VMARENA_NO_FRAME)
		frames[f->next].prev = f->prev;
	f->next = VMARENA_NO_FRAME;
	f->prev = VMARENA_NO_FRAME;
}

/**
 * struct vmarena_buddy_stats - counters of one buddy allocator.
 * @alloc:     blocks allocated, per order.
 * @free:      blocks freed, per order.
 * @splits:    blocks split in two to serve a smaller request.
 * @merges:    buddy pairs coalesced on free.
 * @failures:  allocations refused (no block large enough, or injected).
 * @injected:  of @failures, those injected through @fail_next.
 * @bad_frees: frees refused: not a block head, already free, wrong order.
 *
 * Written under the buddy lock, read locklessly (READ_ONCE) for display.
 */
struct vmarena_buddy_stats {
	u64 alloc[VMARENA_NR_ORDERS];
	u64 free[VMARENA_NR_ORDERS];
	u64 splits;
	u64 merges;
	u64 failures;
	u64 injected;
	u64 bad_frees;
};

/**
 * struct vmarena_buddy - a buddy allocator over a frame table.
 * @lock:        protects everything below and the @state, @order, @next and
 *               @prev of free frames.
 * @frames:      the frame table, @nr_frames entries.
 * @nr_frames:   frames in the table.
 * @free_head:   per order, the first free block head, or VMARENA_NO_FRAME.
 * @nr_free:     per order, free blocks.
 * @free_frames: frames in free blocks.
 * @fail_next:   fault injection: refuse this many more allocations.
 * @stats:       counters.
 */
struct vmarena_buddy {
	spinlock_t lock;	/* see the kernel-doc above */
	struct vmarena_frame *frames;
	u32 nr_frames;
	u32 free_head[VMARENA_NR_ORDERS];
	u64 nr_free[VMARENA_NR_ORDERS];
	u64 free_frames;
	u64 fail_next;
	struct vmarena_buddy_stats stats;
};

void vmarena_buddy_init(struct vmarena_buddy *b, struct vmarena_frame *frames,
			u32 nr_frames);
int vmarena_buddy_add(struct vmarena_buddy *b, u32 first, unsigned int order);
int vmarena_buddy_alloc(struct vmarena_buddy *b, unsigned int order, u32 *frame);
int vmarena_buddy_free(struct vmarena_buddy *b, u32 frame, unsigned int order);
unsigned int vmarena_buddy_alloc_bulk(struct vmarena_buddy *b, u32 *frames,
				      unsigned int n);
void vmarena_buddy_free_bulk(struct vmarena_buddy *b, const u32 *frames,
			     unsigned int n);
void vmarena_buddy_fail_next(struct vmarena_buddy *b, u64 n);
void vmarena_buddy_free_counts(struct vmarena_buddy *b,
			       u64 nr_free[VMARENA_NR_ORDERS]);

int vmarena_unusable_free_index(const u64 nr_free[VMARENA_NR_ORDERS],
				unsigned int order);
int vmarena_fragmentation_index(const u64 nr_free[VMARENA_NR_ORDERS],
				unsigned int order);

#endif /* _VMARENA_BUDDY_H */
