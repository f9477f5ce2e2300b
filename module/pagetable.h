/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagetable.h - per-space shadow page tables and the shadow PTE format.
 *
 * A radix tree of VMARENA_PT_LEVELS levels indexed by the page number of
 * the mmap offset, VMARENA_PT_BITS bits a level; each node is one arena
 * frame of 2^VMARENA_PT_BITS 64-bit entries.  Interior entries hold a child
 * node's frame; leaf entries are shadow PTEs.  Nodes are allocated on first
 * use and freed when their last entry goes.
 *
 * Pure logic (pagetable.c compiles in user space too); the caller
 * serialises changes to one table (the space's lock).
 *
 * Reading without that lock (vmarena_pt_peek_leaf()): a change that takes a
 * frame out of an entry (a clear, or a present entry made anything else)
 * and every free of a node happen between vmarena_pt_write_begin() and
 * vmarena_pt_write_end(), which make the table's sequence count odd, then
 * even again, as a seqcount does.  A node is zeroed before an entry
 * points at it.  A reader that sees the same even count before its walk
 * and after it (and after whatever it did with the entry, such as locking
 * the frame's page) read an entry that held its value all along.  Freed
 * nodes stay arena memory, and every frame number a reader follows is
 * checked against the arena's size, so a walk through a node freed under
 * it reads garbage, never outside the arena; the count then tells it so.
 */
#ifndef _VMARENA_PAGETABLE_H
#define _VMARENA_PAGETABLE_H

#include "frames.h"

/* Geometry: unit tests may shrink it (-DVMARENA_PT_BITS=2, ...). */
#ifndef VMARENA_PT_LEVELS
#define VMARENA_PT_LEVELS	4
#endif
#ifndef VMARENA_PT_BITS
#define VMARENA_PT_BITS		9
#endif
#define VMARENA_PT_ENTRIES	BIT(VMARENA_PT_BITS)
#define VMARENA_PT_VPN_BITS	(VMARENA_PT_LEVELS * VMARENA_PT_BITS)
#define VMARENA_PT_MAX_VPN	BIT_ULL(VMARENA_PT_VPN_BITS)

/*
 * Shadow PTE (u64).  Zero means "nothing here": a hole that reads as zeros.
 *
 *  63            16 15       8 7   6   5   4   3   2   1   0
 * +----------------+----------+---+---+---+---+---+---+---+---+
 * | frame or slot  |   gen    | - |PIN|COW| W | A | D |SWP| P |
 * +----------------+----------+---+---+---+---+---+---+---+---+
 *
 * P    present: bits 63..16 are a frame number.
 * SWP  swapped: not present, bits 63..16 are a swap slot.
 * D    dirty: written since it was last clean (write notification).
 * A    accessed: touched since the bit was last cleared.
 * W    writable: the hardware mapping may be writable (write notified).
 * COW  the frame is shared (clone, checkpoint): a write must copy.
 * PIN  pinned: never evicted.
 * -    bit 7: in a live table, free between calls; PIN marks the pins it
 *      makes with it while it runs (access.c).  In a checkpoint's table,
 *      SAME (VMARENA_PTE_SAME): a copy of, or the original of, a pinned
 *      live page, made when the two held the same bytes (ckpt.c).
 * gen  when the page was last written: the newest generation its space
 *      had taken then (0: none yet), modulo 256.
 */
#define VMARENA_PTE_PRESENT	BIT_ULL(0)
#define VMARENA_PTE_SWAP	BIT_ULL(1)
#define VMARENA_PTE_DIRTY	BIT_ULL(2)
#define VMARENA_PTE_ACCESSED	BIT_ULL(3)
#define VMARENA_PTE_WRITE	BIT_ULL(4)
#define VMARENA_PTE_COW		BIT_ULL(5)
#define VMARENA_PTE_PINNED	BIT_ULL(6)
#define VMARENA_PTE_SAME	BIT_ULL(7)	/* checkpoint tables only */
#define VMARENA_PTE_GEN_SHIFT	8
#define VMARENA_PTE_GEN_MASK	(0xffULL << VMARENA_PTE_GEN_SHIFT)
#define VMARENA_PTE_PFN_SHIFT	16

static inline u64 vmarena_pte_frame(u64 pte)
{
	return pte >> VMARENA_PTE_PFN_SHIFT;
}

static inline u64 vmarena_pte_make(u64 frame_or_slot, u64 flags)
{
	return frame_or_slot << VMARENA_PTE_PFN_SHIFT | flags;
}

/**
 * struct vmarena_pt - a shadow page table.
 * @root:  frame of the root node, or VMARENA_NO_FRAME while empty.
 * @pool:  frames for new nodes, taken first (vmarena_pt_pool()), chained
 *         through their first word.
 * @nodes: nodes (frames) per level, [0] the root level.
 * @used:  non-zero leaf entries.
 * @seq:   odd while an entry loses its frame or a node is freed (above).
 */
struct vmarena_pt {
	u32 root;
	u32 pool;
	u64 nodes[VMARENA_PT_LEVELS];
	u64 used;
	u32 seq;
};

/* Called for each non-zero leaf entry; a non-zero return stops the walk. */
typedef int (*vmarena_pt_fn)(void *arg, u64 vpn, u64 *pte);

/*
 * Fills a new leaf node from a leaf of another table (vmarena_pt_copy()):
 * @src and @dst are their VMARENA_PT_ENTRIES entries, the first for page
 * @base.  Each zero source entry stays zero; a non-zero one is copied in
 * order, and *@filled counts the non-zero entries written to @dst, on
 * failure too.
 */
typedef int (*vmarena_pt_copy_fn)(void *arg, u64 base, u64 *src, u64 *dst,
				  unsigned int *filled);

void vmarena_pt_init(struct vmarena_pt *pt);
void vmarena_pt_move(struct vmarena_pt *dst, struct vmarena_pt *src);
const u64 *vmarena_pt_peek_leaf(const struct vmarena_pt *pt, u64 vpn,
				u32 *seq);
u64 vmarena_pt_peek(const struct vmarena_pt *pt, u64 vpn, u32 *seq);
void vmarena_pt_pool(struct vmarena_pt *pt, u32 pool);
u32 vmarena_pt_unpool(struct vmarena_pt *pt);
u64 *vmarena_pt_lookup(struct vmarena_pt *pt, u64 vpn);
unsigned int vmarena_pt_missing(struct vmarena_pt *pt, u64 vpn);
int vmarena_pt_set(struct vmarena_pt *pt, u64 vpn, u64 pte);
void vmarena_pt_fill(struct vmarena_pt *pt, u64 *entry, u64 pte);
void vmarena_pt_clear(struct vmarena_pt *pt, u64 vpn);
void vmarena_pt_clear_range(struct vmarena_pt *pt, u64 first, u64 nr,
			    vmarena_pt_fn fn, void *arg);
int vmarena_pt_range(struct vmarena_pt *pt, u64 first, u64 nr,
		     vmarena_pt_fn fn, void *arg);
void vmarena_pt_destroy(struct vmarena_pt *pt, vmarena_pt_fn fn, void *arg);
int vmarena_pt_copy(struct vmarena_pt *src, struct vmarena_pt *dst,
		    vmarena_pt_copy_fn fn, void *arg);
u64 vmarena_pt_frames(const struct vmarena_pt *pt);

/*
 * A change readers without the lock must not see half done (above); the
 * table's lock held.  Sections do not nest.
 */
static inline void vmarena_pt_write_begin(struct vmarena_pt *pt)
{
	WARN_ON_ONCE(pt->seq & 1);
	WRITE_ONCE(pt->seq, pt->seq + 1);
	smp_wmb();	/* the count odd before any entry changes */
}

static inline void vmarena_pt_write_end(struct vmarena_pt *pt)
{
	smp_wmb();	/* the entries changed before the count is even */
	WRITE_ONCE(pt->seq, pt->seq + 1);
}

/* A present entry that becomes @pte (another frame, a slot, lost). */
static inline void vmarena_pt_replace(struct vmarena_pt *pt, u64 *slot,
				      u64 pte)
{
	vmarena_pt_write_begin(pt);
	WRITE_ONCE(*slot, pte);
	vmarena_pt_write_end(pt);
}

/*
 * True if no entry lost its frame and no node was freed since
 * vmarena_pt_peek() gave @seq: what it read, and what the reader did
 * since, still holds.
 */
static inline bool vmarena_pt_peek_valid(const struct vmarena_pt *pt, u32 seq)
{
	smp_rmb();	/* the reader's loads (and its page lock) first */
	return READ_ONCE(pt->seq) == seq;
}

/* A page's entry, 0 when no leaf node covers it. */
static inline u64 vmarena_pt_get(struct vmarena_pt *pt, u64 vpn)
{
	u64 *pte = vmarena_pt_lookup(pt, vpn);

	return pte ? *pte : 0;
}

/* A page's identity: what it refers to (frame or slot), or 0 for none. */
static inline u64 vmarena_pte_id(u64 pte)
{
	u64 kind = pte & (VMARENA_PTE_PRESENT | VMARENA_PTE_SWAP);

	return kind ? (pte & ~(BIT_ULL(VMARENA_PTE_PFN_SHIFT) - 1)) | kind : 0;
}

/* The identity of entries holding a frame. */
static inline u64 vmarena_frame_id(u32 frame)
{
	return vmarena_pte_id(vmarena_pte_make(frame, VMARENA_PTE_PRESENT));
}

#endif /* _VMARENA_PAGETABLE_H */
