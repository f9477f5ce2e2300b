// SPDX-License-Identifier: GPL-2.0
/*
 * policy.c - the resident ring and the page-replacement policies (policy.h).
 *
 * A victim is taken out of the ring ("isolated") as it is chosen, so one
 * call can hand out several distinct victims; the caller puts back those it
 * could not evict with vmarena_lru_add().
 */
#include "policy.h"

static const char * const policy_names[VMARENA_NR_POLICIES] = {
	[VMARENA_POLICY_FIFO] = "fifo",
	[VMARENA_POLICY_RANDOM] = "random",
	[VMARENA_POLICY_CLOCK] = "clock",
	[VMARENA_POLICY_LRU] = "lru",
	[VMARENA_POLICY_CLEAN_FIRST] = "clean-first",
};

/**
 * vmarena_policy_name() - a policy's name.
 * @policy: enum vmarena_policy.
 *
 * Return: its name, or "?" for a bad number.
 */
const char *vmarena_policy_name(unsigned int policy)
{
	return policy < VMARENA_NR_POLICIES ? policy_names[policy] : "?";
}

/**
 * vmarena_policy_parse() - a policy's number from its name.
 * @name: the name, exactly.
 *
 * Return: enum vmarena_policy, or -EINVAL.
 */
int vmarena_policy_parse(const char *name)
{
	int i;

	for (i = 0; i < VMARENA_NR_POLICIES; i++)
		if (!strcmp(name, policy_names[i]))
			return i;
	return -EINVAL;
}

void vmarena_lru_init(struct vmarena_lru *l)
{
	l->hand = VMARENA_NO_FRAME;
	l->nr = 0;
}

/**
 * vmarena_lru_add() - put a page in the ring, as the newest (behind the hand).
 * @l:     the ring.
 * @ft:    the frame table.
 * @frame: the page's frame, not in a ring.
 */
void vmarena_lru_add(struct vmarena_lru *l, struct vmarena_frame *ft, u32 frame)
{
	struct vmarena_frame *f = &ft[frame];
	u32 tail;

	f->idle = 0;	/* becoming resident counts as a use */
	if (l->hand == VMARENA_NO_FRAME) {
		f->lru_next = frame;
		f->lru_prev = frame;
		l->hand = frame;
	} else {
		tail = ft[l->hand].lru_prev;
		f->lru_next = l->hand;
		f->lru_prev = tail;
		ft[tail].lru_next = frame;
		ft[l->hand].lru_prev = frame;
	}
	l->nr++;
}

/**
 * vmarena_lru_del() - take a page out of the ring; the hand moves past it.
 * @l:     the ring.
 * @ft:    the frame table.
 * @frame: the page's frame; a frame in no ring is refused with a warning.
 */
void vmarena_lru_del(struct vmarena_lru *l, struct vmarena_frame *ft, u32 frame)
{
	struct vmarena_frame *f = &ft[frame];

	if (WARN_ON_ONCE(f->lru_next == VMARENA_NO_FRAME || !l->nr))
		return;
	if (f->lru_next == frame) {
		l->hand = VMARENA_NO_FRAME;
	} else {
		ft[f->lru_prev].lru_next = f->lru_next;
		ft[f->lru_next].lru_prev = f->lru_prev;
		if (l->hand == frame)
			l->hand = f->lru_next;
	}
	f->lru_next = VMARENA_NO_FRAME;
	f->lru_prev = VMARENA_NO_FRAME;
	l->nr--;
}

/* One pick: the ring, its frames, the owner's answers, pages looked at. */
struct pick {
	struct vmarena_lru *l;
	struct vmarena_frame *ft;
	const struct vmarena_policy_ops *ops;
	void *arg;
	u64 scanned;
	bool no_clean;	/* clean-first: a turn found no clean page */
};

static bool is_busy(struct pick *p, u32 frame)
{
	return p->ops->busy && p->ops->busy(p->arg, frame);
}

/* is_busy(), counting the page as looked at. */
static bool pick_busy(struct pick *p, u32 frame)
{
	p->scanned++;
	return is_busy(p, frame);
}

static u32 pick_next(struct pick *p, u32 frame)
{
	return p->ft[frame].lru_next;
}

/* The oldest page that is not busy. */
static u32 pick_fifo(struct pick *p)
{
	u32 f = p->l->hand;
	u64 i;

	for (i = 0; i < p->l->nr; i++, f = pick_next(p, f))
		if (!pick_busy(p, f))
			return f;
	return VMARENA_NO_FRAME;
}

/* A page drawn uniformly, or the first not busy after it. */
static u32 pick_random(struct pick *p)
{
	u64 i, skip = p->ops->random(p->arg) % p->l->nr;
	u32 f = p->l->hand;

	for (i = 0; i < skip; i++)
		f = pick_next(p, f);
	for (i = 0; i < p->l->nr; i++, f = pick_next(p, f))
		if (!pick_busy(p, f))
			return f;
	return VMARENA_NO_FRAME;
}

/* Second chance: at most two turns of the hand (the first clears). */
static u32 pick_clock(struct pick *p)
{
	u64 i;
	u32 f;

	for (i = 0; i < 2 * p->l->nr; i++) {
		f = p->l->hand;
		if (!pick_busy(p, f) && !p->ops->young(p->arg, f, true))
			return f;
		p->l->hand = pick_next(p, f);
	}
	return VMARENA_NO_FRAME;
}

/*
 * Enhanced clock, up to four turns: even turns look for a page neither
 * accessed nor dirty and change nothing, odd turns for one not accessed,
 * clearing the accessed bits they pass.  Once an even turn finds no clean
 * page, later picks of the same call skip the even turns (victims only
 * leave the ring, so none can have become clean).
 */
static u32 pick_clean_first(struct pick *p)
{
	unsigned int turn;
	u64 i;
	u32 f;

	for (turn = p->no_clean; turn < 4; turn++) {
		for (i = 0; i < p->l->nr; i++) {
			f = p->l->hand;
			if (!pick_busy(p, f) &&
			    !p->ops->young(p->arg, f, turn & 1) &&
			    ((turn & 1) || !p->ops->dirty(p->arg, f)))
				return f;
			p->l->hand = pick_next(p, f);
		}
		/* No clean page: the next picks of this call start dirty. */
		if (!(turn & 1))
			p->no_clean = true;
	}
	return VMARENA_NO_FRAME;
}

/* 255 - the ticks a page has been idle: low keys go first. */
static unsigned int lru_key(struct pick *p, u32 frame)
{
	return 255 - p->ft[frame].idle;
}

/*
 * A tick: a page seen accessed since the last one (its bit cleared) is
 * idle 0 ticks, any other one more.  The histogram of keys saturates: only
 * sums up to a batch size matter.
 */
static void lru_age(struct pick *p, u16 counts[256])
{
	u32 f = p->l->hand;
	u64 i;

	for (i = 0; i < p->l->nr; i++, f = pick_next(p, f)) {
		struct vmarena_frame *d = &p->ft[f];

		if (p->ops->young(p->arg, f, true))
			d->idle = 0;
		else if (d->idle < 255)
			d->idle++;
		if (!pick_busy(p, f) && counts[lru_key(p, f)] < U16_MAX)
			counts[lru_key(p, f)]++;
	}
}

/*
 * Least recently used by sampled reference times: the @want pages idle for
 * the most ticks, the oldest first among equals.  The threshold key is
 * found from a histogram, then the ring is walked from the hand twice:
 * pages below the threshold, then pages at it.
 */
static unsigned int pick_lru(struct pick *p, u32 *victims, unsigned int want)
{
	u16 counts[256] = { 0 };
	u64 below = 0, i;
	unsigned int n = 0, key, pass;
	u32 f;

	lru_age(p, counts);
	for (key = 0; key < 255 && below + counts[key] < want; key++)
		below += counts[key];
	for (pass = 0; pass < 2; pass++) {
		f = p->l->hand;
		for (i = 0; i < p->l->nr && n < want; i++, f = pick_next(p, f)) {
			unsigned int k = lru_key(p, f);

			if ((pass ? k == key : k < key) && !is_busy(p, f))
				victims[n++] = f;
		}
	}
	for (i = 0; i < n; i++)
		vmarena_lru_del(p->l, p->ft, victims[i]);
	return n;
}

/**
 * vmarena_policy_pick() - choose victims and take them out of the ring.
 * @policy:  enum vmarena_policy.
 * @l:       the ring.
 * @ft:      the frame table.
 * @ops:     the owner's answers about accessed, dirty and busy pages.
 * @arg:     their first argument.
 * @victims: out: the chosen frames.
 * @want:    how many to choose at most.
 * @scanned: incremented by the pages looked at.
 *
 * Return: victims chosen (fewer than @want when the ring runs out of pages
 * that are not busy).
 */
unsigned int vmarena_policy_pick(unsigned int policy, struct vmarena_lru *l,
				 struct vmarena_frame *ft,
				 const struct vmarena_policy_ops *ops, void *arg,
				 u32 *victims, unsigned int want, u64 *scanned)
{
	struct pick p = { .l = l, .ft = ft, .ops = ops, .arg = arg };
	unsigned int n = 0;
	u32 f;

	if (policy == VMARENA_POLICY_LRU && l->nr) {
		n = pick_lru(&p, victims, want);
		*scanned += p.scanned;
		return n;
	}
	while (n < want && l->nr) {
		switch (policy) {
		case VMARENA_POLICY_RANDOM:
			f = pick_random(&p);
			break;
		case VMARENA_POLICY_CLOCK:
			f = pick_clock(&p);
			break;
		case VMARENA_POLICY_CLEAN_FIRST:
			f = pick_clean_first(&p);
			break;
		default:
			f = pick_fifo(&p);
			break;
		}
		if (f == VMARENA_NO_FRAME)
			break;
		vmarena_lru_del(l, ft, f);
		victims[n++] = f;
	}
	*scanned += p.scanned;
	return n;
}
