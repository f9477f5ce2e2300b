// SPDX-License-Identifier: GPL-2.0
/*
 * pagetable.c - the shadow page table's walk, populate, clear and range
 * operations.
 *
 * A node is one arena frame of VMARENA_PT_ENTRIES entries; the number of
 * non-zero entries of a node is kept in its frame descriptor's @inuse, so a
 * node is freed as soon as its last entry goes.  Interior entries are
 * vmarena_pte_make(child frame, VMARENA_PTE_PRESENT).
 *
 * Pure logic: also compiled by selftests/unit/.
 */
#include "pagetable.h"

static unsigned int pt_index(u64 vpn, unsigned int level)
{
	unsigned int shift = (VMARENA_PT_LEVELS - 1 - level) * VMARENA_PT_BITS;

	return (vpn >> shift) & (VMARENA_PT_ENTRIES - 1);
}

/* Pages covered by one entry of a node at @level. */
static u64 pt_span(unsigned int level)
{
	return 1ULL << ((VMARENA_PT_LEVELS - 1 - level) * VMARENA_PT_BITS);
}

static u64 *pt_entries(u32 node)
{
	return vmarena_frame_addr(node);
}

static struct vmarena_frame *pt_desc(u32 node)
{
	return &vmarena_frame_table()[node];
}

/*
 * A zeroed node; whoever links it in publishes it (pt_publish_entry()), so
 * a reader without the lock never sees it before it is zeroed.
 */
static int pt_node_alloc(struct vmarena_pt *pt, unsigned int level, u32 *node)
{
	u32 n;
	int ret = 0;

	if (pt->pool != VMARENA_NO_FRAME) {
		n = pt->pool;
		pt->pool = *(u32 *)vmarena_frame_addr(n);
	} else {
		ret = vmarena_frames_alloc(0, &n);
	}
	if (ret)
		return ret;
	memset(pt_entries(n), 0, VMARENA_PT_ENTRIES * sizeof(u64));
	pt_desc(n)->use = VMARENA_USE_PTNODE;
	pt_desc(n)->inuse = 0;
	pt->nodes[level]++;
	*node = n;
	return 0;
}

/* Links a new node's entry (or the root): its zeroes are seen first. */
static void pt_publish_entry(u64 *slot, u32 node)
{
	smp_wmb();	/* the node's zeroes before the entry naming it */
	WRITE_ONCE(*slot, vmarena_pte_make(node, VMARENA_PTE_PRESENT));
}

static void pt_node_free(struct vmarena_pt *pt, unsigned int level, u32 node)
{
	pt_desc(node)->use = VMARENA_USE_NONE;
	vmarena_frames_free(node, 0);
	pt->nodes[level]--;
}

/**
 * vmarena_pt_init() - an empty table (no node until the first entry).
 * @pt: the table.
 */
void vmarena_pt_init(struct vmarena_pt *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->root = VMARENA_NO_FRAME;
	pt->pool = VMARENA_NO_FRAME;
}

/**
 * vmarena_pt_pool() - frames the table takes its next nodes from before it
 * asks the arena (a caller that must not fail, or reclaim, halfway through
 * building a table reserves them first).
 * @pt:   the table.
 * @pool: frames chained through their first word, ended by
 *        VMARENA_NO_FRAME; they join what the table has in reserve.
 */
void vmarena_pt_pool(struct vmarena_pt *pt, u32 pool)
{
	u32 *link = &pt->pool;

	while (*link != VMARENA_NO_FRAME)
		link = vmarena_frame_addr(*link);
	*link = pool;
}

/**
 * vmarena_pt_unpool() - take back the frames a table did not use.
 * @pt: the table.
 *
 * Return: them, chained as vmarena_pt_pool() takes them.
 */
u32 vmarena_pt_unpool(struct vmarena_pt *pt)
{
	u32 pool = pt->pool;

	pt->pool = VMARENA_NO_FRAME;
	return pool;
}

/**
 * vmarena_pt_lookup() - the leaf slot of a page, if its leaf node exists.
 * @pt:  the table.
 * @vpn: the page.
 *
 * The slot may hold 0.  Through it a caller may change a non-zero entry
 * to another non-zero value; making an entry zero or non-zero goes through
 * vmarena_pt_set() or vmarena_pt_clear(), which keep the counts.
 *
 * Return: the slot, or NULL when no leaf node covers @vpn.
 */
u64 *vmarena_pt_lookup(struct vmarena_pt *pt, u64 vpn)
{
	unsigned int level;
	u32 node = pt->root;

	if (vpn >= VMARENA_PT_MAX_VPN || node == VMARENA_NO_FRAME)
		return NULL;
	for (level = 0; level < VMARENA_PT_LEVELS - 1; level++) {
		u64 e = pt_entries(node)[pt_index(vpn, level)];

		if (!e)
			return NULL;
		node = vmarena_pte_frame(e);
	}
	return &pt_entries(node)[pt_index(vpn, VMARENA_PT_LEVELS - 1)];
}

/* A node a reader without the lock follows: an arena frame, or none. */
static bool pt_peek_node(u64 e, u32 *node)
{
	if (!(e & VMARENA_PTE_PRESENT) ||
	    vmarena_pte_frame(e) >= vmarena_frames_count())
		return false;
	*node = vmarena_pte_frame(e);
	return true;
}

/**
 * vmarena_pt_peek_leaf() - the leaf node holding a page's entry, found
 * without the table's lock.
 * @pt:  the table.
 * @vpn: the page.
 * @seq: out: the count to check with vmarena_pt_peek_valid() (pagetable.h).
 *
 * Return: the node's VMARENA_PT_ENTRIES entries (read them with
 * READ_ONCE(); a frame number in them is not checked), or NULL: no leaf
 * node covers @vpn, or a change was under way.
 */
const u64 *vmarena_pt_peek_leaf(const struct vmarena_pt *pt, u64 vpn,
				u32 *seq)
{
	unsigned int level;
	u32 node;
	u64 e;

	*seq = READ_ONCE(pt->seq);
	smp_rmb();	/* the count before the entries */
	if ((*seq & 1) || vpn >= VMARENA_PT_MAX_VPN)
		return NULL;
	e = vmarena_pte_make(READ_ONCE(pt->root), VMARENA_PTE_PRESENT);
	for (level = 0; level < VMARENA_PT_LEVELS - 1; level++) {
		if (!pt_peek_node(e, &node))
			return NULL;
		e = READ_ONCE(pt_entries(node)[pt_index(vpn, level)]);
	}
	return pt_peek_node(e, &node) ? pt_entries(node) : NULL;
}

/**
 * vmarena_pt_peek() - a page's entry, read without the table's lock.
 * @pt:  the table.
 * @vpn: the page.
 * @seq: out: the count to check with vmarena_pt_peek_valid() before the
 *       entry is trusted (pagetable.h).
 *
 * A present entry's frame is within the arena, whatever the walk met.
 *
 * Return: the entry; 0 for none, or when a change was under way.
 */
u64 vmarena_pt_peek(const struct vmarena_pt *pt, u64 vpn, u32 *seq)
{
	const u64 *leaf = vmarena_pt_peek_leaf(pt, vpn, seq);
	u64 e;

	if (!leaf)
		return 0;
	e = READ_ONCE(leaf[pt_index(vpn, VMARENA_PT_LEVELS - 1)]);
	if ((e & VMARENA_PTE_PRESENT) &&
	    vmarena_pte_frame(e) >= vmarena_frames_count())
		return 0;
	return e;
}

/**
 * vmarena_pt_move() - install @src's nodes in @dst, whose old ones go to
 * @src; readers without the lock see the old table or the new one.
 * @dst: the table (in use) that takes @src's nodes.
 * @src: a table no reader without the lock looks at; the caller frees the
 *       nodes it gets back.
 */
void vmarena_pt_move(struct vmarena_pt *dst, struct vmarena_pt *src)
{
	struct vmarena_pt old = *dst;

	vmarena_pt_write_begin(dst);
	WRITE_ONCE(dst->root, src->root);
	dst->pool = src->pool;
	memcpy(dst->nodes, src->nodes, sizeof(dst->nodes));
	dst->used = src->used;
	vmarena_pt_write_end(dst);
	old.seq = src->seq;
	*src = old;
}

/**
 * vmarena_pt_missing() - the nodes vmarena_pt_set() would allocate for a
 * page.
 * @pt:  the table.
 * @vpn: the page, below VMARENA_PT_MAX_VPN.
 *
 * Return: 0 to VMARENA_PT_LEVELS.
 */
unsigned int vmarena_pt_missing(struct vmarena_pt *pt, u64 vpn)
{
	unsigned int level;
	u32 node = pt->root;
	u64 e;

	if (node == VMARENA_NO_FRAME)
		return VMARENA_PT_LEVELS;
	for (level = 0; level < VMARENA_PT_LEVELS - 1; level++) {
		e = pt_entries(node)[pt_index(vpn, level)];
		if (!e)
			return VMARENA_PT_LEVELS - 1 - level;
		node = vmarena_pte_frame(e);
	}
	return 0;
}

/* The node below @slot of a node at @level, allocated if missing. */
static int pt_child(struct vmarena_pt *pt, u32 node, unsigned int level,
		    u64 vpn, u32 *child)
{
	u64 *slot = &pt_entries(node)[pt_index(vpn, level)];
	int ret;

	if (*slot) {
		*child = vmarena_pte_frame(*slot);
		return 0;
	}
	ret = pt_node_alloc(pt, level + 1, child);
	if (ret)
		return ret;
	pt_publish_entry(slot, *child);
	pt_desc(node)->inuse++;
	return 0;
}

/**
 * vmarena_pt_set() - set a page's entry, allocating the nodes on its path.
 * @pt:  the table.
 * @vpn: the page, below VMARENA_PT_MAX_VPN.
 * @pte: the entry; 0 clears it.
 *
 * On failure the table is as it was (nodes allocated on the way are freed).
 *
 * Return: 0, -EINVAL for a page beyond the table, -ENOMEM.
 */
int vmarena_pt_set(struct vmarena_pt *pt, u64 vpn, u64 pte)
{
	unsigned int level;
	u32 node;
	u64 *leaf;
	int ret;

	if (vpn >= VMARENA_PT_MAX_VPN)
		return -EINVAL;
	if (!pte) {
		vmarena_pt_clear(pt, vpn);
		return 0;
	}
	if (pt->root == VMARENA_NO_FRAME) {
		ret = pt_node_alloc(pt, 0, &node);
		if (ret)
			return ret;
		smp_wmb();	/* as pt_publish_entry() */
		WRITE_ONCE(pt->root, node);
	}
	node = pt->root;
	for (level = 0; level < VMARENA_PT_LEVELS - 1; level++) {
		ret = pt_child(pt, node, level, vpn, &node);
		if (ret) {
			vmarena_pt_clear(pt, vpn);	/* prunes empty nodes */
			return ret;
		}
	}
	leaf = &pt_entries(node)[pt_index(vpn, VMARENA_PT_LEVELS - 1)];
	if (*leaf) {
		vmarena_pt_replace(pt, leaf, pte);
		return 0;
	}
	pt_desc(node)->inuse++;
	pt->used++;
	WRITE_ONCE(*leaf, pte);
	return 0;
}

/**
 * vmarena_pt_fill() - set an empty entry found by a walk of the table.
 * @pt:    the table.
 * @entry: the entry, zero, in a leaf node of @pt that is still linked in
 *         (vmarena_pt_lookup() under the table's lock, or
 *         vmarena_pt_peek_leaf() still valid under it).
 * @pte:   the entry, not zero.
 *
 * vmarena_pt_set() without the second walk.
 */
void vmarena_pt_fill(struct vmarena_pt *pt, u64 *entry, u64 pte)
{
	pt_desc(vmarena_addr_frame(entry))->inuse++;
	pt->used++;
	WRITE_ONCE(*entry, pte);
}

struct pt_walk {
	struct vmarena_pt *pt;
	u64 first;
	u64 last;		/* inclusive */
	vmarena_pt_fn fn;
	void *arg;
	bool clear;
};

static int pt_walk_node(struct pt_walk *w, u32 node, unsigned int level, u64 base);

/* Visits entry @i of @node; for a clear walk, drops what became empty. */
static int pt_walk_entry(struct pt_walk *w, u32 node, unsigned int level,
			 u64 vpn, unsigned int i)
{
	u64 *slot = &pt_entries(node)[i];
	int ret;

	if (level < VMARENA_PT_LEVELS - 1) {
		u32 child = vmarena_pte_frame(*slot);

		ret = pt_walk_node(w, child, level + 1, vpn);
		if (w->clear && !pt_desc(child)->inuse) {
			WRITE_ONCE(*slot, 0);
			pt_node_free(w->pt, level + 1, child);
			pt_desc(node)->inuse--;
		}
		return ret;
	}
	ret = w->fn ? w->fn(w->arg, vpn, slot) : 0;
	if (!w->clear)
		return ret;
	WRITE_ONCE(*slot, 0);
	pt_desc(node)->inuse--;
	w->pt->used--;
	return 0;
}

static int pt_walk_node(struct pt_walk *w, u32 node, unsigned int level, u64 base)
{
	u64 span = pt_span(level);
	unsigned int i = 0, end = VMARENA_PT_ENTRIES - 1;
	int ret;

	if (w->first > base)
		i = (w->first - base) / span;
	if (w->last < base + span * VMARENA_PT_ENTRIES - 1)
		end = (w->last - base) / span;
	for (; i <= end; i++) {
		if (!pt_entries(node)[i])
			continue;
		ret = pt_walk_entry(w, node, level, base + i * span, i);
		if (ret)
			return ret;
	}
	return 0;
}

static int pt_walk(struct vmarena_pt *pt, u64 first, u64 nr, vmarena_pt_fn fn,
		   void *arg, bool clear)
{
	struct pt_walk w = { .pt = pt, .first = first, .fn = fn, .arg = arg,
			     .clear = clear };
	int ret;

	if (!nr || first >= VMARENA_PT_MAX_VPN || pt->root == VMARENA_NO_FRAME)
		return 0;
	w.last = nr > VMARENA_PT_MAX_VPN - first ? VMARENA_PT_MAX_VPN - 1 :
		 first + nr - 1;
	if (!clear)
		return pt_walk_node(&w, pt->root, 0, 0);
	vmarena_pt_write_begin(pt);
	ret = pt_walk_node(&w, pt->root, 0, 0);
	if (!pt_desc(pt->root)->inuse) {
		pt_node_free(pt, 0, pt->root);
		WRITE_ONCE(pt->root, VMARENA_NO_FRAME);
	}
	vmarena_pt_write_end(pt);
	return ret;
}

/**
 * vmarena_pt_range() - call @fn for each non-zero entry in a range.
 * @pt:    the table.
 * @first: first page.
 * @nr:    pages (clipped to the table).
 * @fn:    called with the page and its slot; may change a non-zero entry to
 *         another non-zero value; a non-zero return stops the walk.
 * @arg:   passed to @fn.
 *
 * Subtrees with no entry are skipped whole.
 *
 * Return: 0, or what @fn returned to stop the walk.
 */
int vmarena_pt_range(struct vmarena_pt *pt, u64 first, u64 nr,
		     vmarena_pt_fn fn, void *arg)
{
	return pt_walk(pt, first, nr, fn, arg, false);
}

/**
 * vmarena_pt_clear() - clear a page's entry; free nodes left empty.
 * @pt:  the table.
 * @vpn: the page.
 */
void vmarena_pt_clear(struct vmarena_pt *pt, u64 vpn)
{
	pt_walk(pt, vpn, 1, NULL, NULL, true);
}

/**
 * vmarena_pt_destroy() - clear every entry, calling @fn on each first.
 * @pt:  the table; empty and without nodes afterwards.
 * @fn:  called for each non-zero entry before it is cleared (to release
 *       what it refers to); its return value is ignored.  May be NULL.
 * @arg: passed to @fn.
 */
void vmarena_pt_destroy(struct vmarena_pt *pt, vmarena_pt_fn fn, void *arg)
{
	pt_walk(pt, 0, VMARENA_PT_MAX_VPN, fn, arg, true);
}

/**
 * vmarena_pt_clear_range() - clear a range, calling @fn on each entry first.
 * @pt:    the table.
 * @first: first page.
 * @nr:    pages.
 * @fn:    as for vmarena_pt_destroy(); may be NULL.
 * @arg:   passed to @fn.
 */
void vmarena_pt_clear_range(struct vmarena_pt *pt, u64 first, u64 nr,
			    vmarena_pt_fn fn, void *arg)
{
	pt_walk(pt, first, nr, fn, arg, true);
}

/* Copies @snode's subtree into @dnode (a new node at the same level). */
static int pt_copy_node(struct vmarena_pt *dst, u32 snode, u32 dnode,
			unsigned int level, u64 base, vmarena_pt_copy_fn fn,
			void *arg)
{
	u64 *s = pt_entries(snode), *d = pt_entries(dnode), span = pt_span(level);
	unsigned int i, filled = 0;
	u32 child;
	int ret;

	if (level == VMARENA_PT_LEVELS - 1) {
		ret = fn(arg, base, s, d, &filled);
		pt_desc(dnode)->inuse += filled;
		dst->used += filled;
		return ret;
	}
	for (i = 0; i < VMARENA_PT_ENTRIES; i++) {
		if (!s[i])
			continue;
		ret = pt_node_alloc(dst, level + 1, &child);
		if (ret)
			return ret;
		d[i] = vmarena_pte_make(child, VMARENA_PTE_PRESENT);
		pt_desc(dnode)->inuse++;
		ret = pt_copy_node(dst, vmarena_pte_frame(s[i]), child, level + 1,
				   base + i * span, fn, arg);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * vmarena_pt_copy() - copy a table node by node into an empty one.
 * @src: the table copied.
 * @dst: an empty table (vmarena_pt_init()).
 * @fn:  called for each leaf node of @src with its entries and those of
 *       the new leaf of @dst, which it fills (vmarena_pt_copy_fn); it may
 *       change the source entries; a non-zero return stops the copy.
 * @arg: passed to @fn.
 *
 * No walk from the root per entry and no call per entry: a clone or a
 * checkpoint costs a visit of each source node and one loop per leaf.
 * On failure @dst holds what was copied so far (its counts right) and is
 * to be destroyed by the caller.
 *
 * Return: 0, -ENOMEM, or what @fn returned.
 */
int vmarena_pt_copy(struct vmarena_pt *src, struct vmarena_pt *dst,
		    vmarena_pt_copy_fn fn, void *arg)
{
	int ret;

	if (src->root == VMARENA_NO_FRAME)
		return 0;
	ret = pt_node_alloc(dst, 0, &dst->root);
	if (ret)
		return ret;
	return pt_copy_node(dst, src->root, dst->root, 0, 0, fn, arg);
}

/**
 * vmarena_pt_frames() - frames the table's nodes take (its overhead).
 * @pt: the table.
 *
 * Return: the number of nodes at all levels.
 */
u64 vmarena_pt_frames(const struct vmarena_pt *pt)
{
	u64 n = 0;
	unsigned int level;

	for (level = 0; level < VMARENA_PT_LEVELS; level++)
		n += pt->nodes[level];
	return n;
}
