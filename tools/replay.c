// SPDX-License-Identifier: GPL-2.0
/*
 * replay - replay a page reference string through page-replacement
 * policies offline and print how many page faults each one takes, so that
 * vmarena's policies can be compared against Belady's optimal.
 *
 *   replay [-p POLICY[,POLICY...]] [-s SEED] [-c] FRAMES[,FRAMES...] [FILE]
 *
 * FRAMES   frame counts to simulate, comma-separated; an item LO-HI stands
 *          for every count from LO to HI
 * FILE     the reference string; "-" or none reads standard input
 * -p       the policies to run, one column each (default all five):
 *            fifo    evict the page that has been resident longest
 *            lru     evict the page used least recently (exact LRU)
 *            random  evict a uniformly chosen resident page (xorshift64)
 *            clock   second chance: every reference sets the page's bit;
 *                    the hand clears set bits and evicts the first page
 *                    found clear; a new page goes behind the hand, bit set
 *            opt     Belady's MIN: evict the page whose next use is
 *                    farthest in the future, pages never used again first
 * -s SEED  seed of random (non-zero, default 1); every row starts from it
 * -c       print CSV with a header line instead of the table
 *
 * The input is unsigned decimal page numbers separated by white space or
 * commas; lines starting with '#' are comments.  A line containing "vpn=N",
 * as printed by a tracing script ("fault space=3 vpn=17 kind=0"), gives N
 * alone.  Once the input holds such a line it is a trace, and its lines
 * without "vpn=" that are not all numbers (bpftrace's banners) are skipped;
 * in a plain list they are an error.
 *
 * A fault is a reference to a page that is not resident, cold misses
 * included.  Exit status: 0; 1 on a system error; 2 on a usage error or
 * malformed input.
 *
 * Example, Belady's anomaly (FIFO faults more with 4 frames than with 3):
 *   $ echo 1,2,3,4,1,2,5,1,2,3,4,5 | replay 3,4
 *   frames      refs distinct     fifo      lru   random    clock      opt
 *        3        12        5        9       10        8        9        7
 *        4        12        5       10        8        7       10        6
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_ID UINT32_MAX	/* no id, no frame: an empty hash bucket, a
				 * page not resident, the end of a list
				 */
#define SEPARATORS " \t\r\n\v\f,"

#define EXIT_USAGE 2		/* bad arguments or malformed input */

static const char *prog = "replay";

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(EXIT_FAILURE);
}

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s [-p fifo,lru,random,clock,opt] [-s SEED] [-c]\n"
		"              FRAMES[,FRAMES...|LO-HI] [FILE]\n", prog);
	exit(EXIT_USAGE);
}

/* The input is beyond what the 32-bit ids and indices here can count. */
static void limit_error(const char *what)
{
	fprintf(stderr, "%s: more than %u %s\n", prog, NO_ID / 2, what);
	exit(EXIT_USAGE);
}

static void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size);

	if (!p)
		die("calloc");
	return p;
}

static void *xreallocarray(void *old, size_t nmemb, size_t size)
{
	void *p = reallocarray(old, nmemb, size);

	if (!p)
		die("realloc");
	return p;
}

/* Parse @len characters of @s as an unsigned decimal number. */
static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/*
 * Page numbers to dense ids 0..count-1, by open addressing with linear
 * probing; the table is a power of two at most half full.
 */
struct pagemap {
	uint64_t *key;		/* page number of each bucket */
	uint32_t *id;		/* its id, or NO_ID for an empty bucket */
	unsigned int bits;	/* log2 of the number of buckets */
	uint32_t count;		/* pages (ids handed out) */
};

static size_t pagemap_bucket(const struct pagemap *m, uint64_t key)
{
	return (key * 0x9e3779b97f4a7c15ULL) >> (64 - m->bits);
}

static void pagemap_alloc(struct pagemap *m, unsigned int bits)
{
	size_t n = (size_t)1 << bits;

	m->bits = bits;
	m->key = xcalloc(n, sizeof(*m->key));
	m->id = xcalloc(n, sizeof(*m->id));
	memset(m->id, 0xff, n * sizeof(*m->id));
}

/* Put @key, known to be absent, with @id into a table with room for it. */
static void pagemap_insert(struct pagemap *m, uint64_t key, uint32_t id)
{
	size_t mask = ((size_t)1 << m->bits) - 1;
	size_t b = pagemap_bucket(m, key);

	while (m->id[b] != NO_ID)
		b = (b + 1) & mask;
	m->key[b] = key;
	m->id[b] = id;
}

static void pagemap_grow(struct pagemap *m)
{
	struct pagemap old = *m;
	size_t i;

	pagemap_alloc(m, old.bits + 1);
	for (i = 0; i < (size_t)1 << old.bits; i++)
		if (old.id[i] != NO_ID)
			pagemap_insert(m, old.key[i], old.id[i]);
	free(old.key);
	free(old.id);
}

/* The id of page @key, handing out the next one if it is new. */
static uint32_t pagemap_id(struct pagemap *m, uint64_t key)
{
	size_t mask = ((size_t)1 << m->bits) - 1;
	size_t b = pagemap_bucket(m, key);

	for (; m->id[b] != NO_ID; b = (b + 1) & mask)
		if (m->key[b] == key)
			return m->id[b];
	if (m->count == NO_ID / 2)
		limit_error("distinct pages");
	if (2 * ((size_t)m->count + 1) > mask + 1) {
		pagemap_grow(m);
		pagemap_insert(m, key, m->count);
	} else {
		m->key[b] = key;
		m->id[b] = m->count;
	}
	return m->count++;
}

/* The reference string, as dense page ids. */
struct trace {
	uint32_t *ref;		/* page id of each reference */
	uint32_t n;		/* references */
	uint32_t room;		/* entries allocated in @ref */
	uint32_t *next_use;	/* index of the next reference to the same
				 * page, or n if none; for opt only
				 */
	struct pagemap pages;	/* page number -> id */
};

static void trace_add(struct trace *t, uint64_t page)
{
	if (t->n == t->room) {
		if (t->room >= NO_ID / 2)
			limit_error("references");
		t->room = t->room ? 2 * t->room : 4096;
		t->ref = xreallocarray(t->ref, t->room, sizeof(*t->ref));
	}
	t->ref[t->n++] = pagemap_id(&t->pages, page);
}

/* One backward pass: each reference's next use is the page's last seen. */
static void trace_next_use(struct trace *t)
{
	uint32_t *seen = xcalloc(t->pages.count, sizeof(*seen));
	uint32_t i;

	t->next_use = xcalloc(t->n, sizeof(*t->next_use));
	for (i = 0; i < t->pages.count; i++)
		seen[i] = t->n;
	for (i = t->n; i-- > 0;) {
		t->next_use[i] = seen[t->ref[i]];
		seen[t->ref[i]] = i;
	}
	free(seen);
}

/* Where the input is read from, and what has been learnt about it. */
struct parser {
	const char *name;	/* file name, for messages */
	unsigned long line;	/* current line number */
	bool trace;		/* a line with "vpn=" was seen */
	unsigned long skipped;	/* lines that are not all numbers */
	unsigned long bad_line;	/* the first of them */
	char *bad_token;	/* its first token that is not a number */
};

static void input_error(const struct parser *p, unsigned long line,
			const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s:%lu: ", prog, p->name, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

/* A line with "vpn=" at @vpn gives the number that follows it. */
static void parse_vpn(struct parser *p, struct trace *t, const char *vpn)
{
	const char *s = vpn + strlen("vpn=");
	size_t len = strcspn(s, SEPARATORS);
	uint64_t page;

	if (!parse_u64(s, len, &page))
		input_error(p, p->line, "\"vpn=%.*s\" is not a page number",
			    (int)(len < 40 ? len : 40), s);
	p->trace = true;
	trace_add(t, page);
}

/*
 * The first token of @s that is not a number, or NULL if all are.  Its
 * length goes to *len.
 */
static const char *first_non_number(const char *s, size_t *len)
{
	uint64_t page;

	for (s += strspn(s, SEPARATORS); *s; s += strspn(s, SEPARATORS)) {
		*len = strcspn(s, SEPARATORS);
		if (!parse_u64(s, *len, &page))
			return s;
		s += *len;
	}
	return NULL;
}

/* A line without "vpn=" gives all its numbers, if it is only numbers. */
static void parse_numbers(struct parser *p, struct trace *t, const char *s)
{
	uint64_t page = 0;
	const char *bad;
	size_t len;

	bad = first_non_number(s, &len);
	if (bad) {
		if (!p->skipped++) {
			p->bad_line = p->line;
			p->bad_token = strndup(bad, len < 40 ? len : 40);
			if (!p->bad_token)
				die("strndup");
		}
		return;
	}
	for (s += strspn(s, SEPARATORS); *s; s += strspn(s, SEPARATORS)) {
		len = strcspn(s, SEPARATORS);
		parse_u64(s, len, &page);
		trace_add(t, page);
		s += len;
	}
}

static void parse_line(struct parser *p, struct trace *t, const char *line)
{
	const char *vpn;

	line += strspn(line, " \t");
	if (*line == '#')
		return;
	vpn = strstr(line, "vpn=");
	if (vpn)
		parse_vpn(p, t, vpn);
	else
		parse_numbers(p, t, line);
}

/* Read the reference string from @name ("-" is standard input) into @t. */
static void read_trace(const char *name, struct trace *t)
{
	struct parser p = { .name = name };
	FILE *f = stdin;
	size_t size = 0;
	char *line = NULL;

	if (strcmp(name, "-"))
		f = fopen(name, "r");
	else
		p.name = "<stdin>";
	if (!f)
		die(name);
	pagemap_alloc(&t->pages, 10);
	for (;;) {
		errno = 0;
		if (getline(&line, &size, f) < 0)
			break;
		p.line++;
		parse_line(&p, t, line);
	}
	if (errno || ferror(f))
		die(p.name);
	free(line);
	if (f != stdin)
		fclose(f);
	if (p.skipped && !p.trace)
		input_error(&p, p.bad_line,
			    "\"%s\" is neither a page number nor vpn=N",
			    p.bad_token);
	if (p.skipped)
		fprintf(stderr, "%s: %s: lines without vpn= skipped: %lu\n",
			prog, p.name, p.skipped);
	free(p.bad_token);
	if (!t->n) {
		fprintf(stderr, "%s: %s: no page references\n", prog, p.name);
		exit(EXIT_USAGE);
	}
}

/*
 * The state of one run of one policy: @cap frames, of which @used are
 * taken.  Frame @slot holds page page[slot]; slot_of[id] is the frame of
 * page id, or NO_ID if it is not resident.
 */
struct sim {
	const struct trace *t;
	uint32_t now;		/* index of the current reference */
	uint32_t cap;		/* frames */
	uint32_t used;		/* frames holding a page */
	uint32_t *page;		/* page id in each frame */
	uint32_t *slot_of;	/* frame of each page id, or NO_ID */
	uint32_t hand;		/* fifo: the oldest frame; clock: the hand */
	uint8_t *refbit;	/* clock: referenced bit of each frame */
	uint32_t *prev, *next;	/* lru: list of frames, most recent first */
	uint32_t head, tail;	/* lru: most and least recently used frame */
	uint64_t rng;		/* random: xorshift64 state */
	uint32_t *heap;		/* opt: frames, farthest next use first */
	uint32_t *pos;		/* opt: index of each frame in @heap */
	uint32_t *key;		/* opt: next use of each frame's page */
};

/*
 * A policy is told of every hit, chooses a victim when all frames are
 * taken, and is told of the page put into a frame (a new one or the
 * victim's); @hit and @insert may be NULL.
 */
struct policy {
	const char *name;
	void (*hit)(struct sim *s, uint32_t slot);
	uint32_t (*victim)(struct sim *s);
	void (*insert)(struct sim *s, uint32_t slot);
};

/* fifo: frames fill in order, then the hand walks them oldest first. */
static uint32_t fifo_victim(struct sim *s)
{
	uint32_t v = s->hand;

	s->hand = (s->hand + 1) % s->cap;
	return v;
}

static void lru_unlink(struct sim *s, uint32_t slot)
{
	if (s->prev[slot] != NO_ID)
		s->next[s->prev[slot]] = s->next[slot];
	else
		s->head = s->next[slot];
	if (s->next[slot] != NO_ID)
		s->prev[s->next[slot]] = s->prev[slot];
	else
		s->tail = s->prev[slot];
}

static void lru_push(struct sim *s, uint32_t slot)
{
	s->prev[slot] = NO_ID;
	s->next[slot] = s->head;
	if (s->head != NO_ID)
		s->prev[s->head] = slot;
	else
		s->tail = slot;
	s->head = slot;
}

static void lru_hit(struct sim *s, uint32_t slot)
{
	lru_unlink(s, slot);
	lru_push(s, slot);
}

static uint32_t lru_victim(struct sim *s)
{
	uint32_t v = s->tail;

	lru_unlink(s, v);
	return v;
}

static uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* Every frame is taken, so a uniform frame is a uniform resident page. */
static uint32_t random_victim(struct sim *s)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % s->cap;
	uint64_t r;

	do {
		r = xorshift64(&s->rng);
	} while (r >= limit);
	return r % s->cap;
}

static void clock_set(struct sim *s, uint32_t slot)
{
	s->refbit[slot] = 1;
}

/*
 * The victim is the first frame at or after the hand whose bit is clear;
 * the hand then moves past it, which leaves the new page right behind it.
 * While frames fill the hand stays at 0 and each new frame, the last of
 * the ring, is behind it too.
 */
static uint32_t clock_victim(struct sim *s)
{
	uint32_t v;

	while (s->refbit[s->hand]) {
		s->refbit[s->hand] = 0;
		s->hand = (s->hand + 1) % s->cap;
	}
	v = s->hand;
	s->hand = (s->hand + 1) % s->cap;
	return v;
}

static void heap_swap(struct sim *s, uint32_t a, uint32_t b)
{
	uint32_t slot = s->heap[a];

	s->heap[a] = s->heap[b];
	s->heap[b] = slot;
	s->pos[s->heap[a]] = a;
	s->pos[s->heap[b]] = b;
}

static uint32_t heap_key(const struct sim *s, uint32_t at)
{
	return s->key[s->heap[at]];
}

/* Restore the max-heap order at @at, of the first @n entries. */
static void heap_fix(struct sim *s, uint32_t at, uint32_t n)
{
	uint32_t child;

	while (at && heap_key(s, (at - 1) / 2) < heap_key(s, at)) {
		heap_swap(s, at, (at - 1) / 2);
		at = (at - 1) / 2;
	}
	for (child = 2 * at + 1; child < n; child = 2 * at + 1) {
		if (child + 1 < n && heap_key(s, child + 1) > heap_key(s, child))
			child++;
		if (heap_key(s, at) >= heap_key(s, child))
			break;
		heap_swap(s, at, child);
		at = child;
	}
}

/*
 * The heap holds the @used frames, keyed by the next use of their pages; a
 * frame just taken (the last one) joins at the end.
 */
static void opt_insert(struct sim *s, uint32_t slot)
{
	if (s->pos[slot] == NO_ID) {
		s->heap[slot] = slot;
		s->pos[slot] = slot;
	}
	s->key[slot] = s->t->next_use[s->now];
	heap_fix(s, s->pos[slot], s->used);
}

/* The root is the page used again farthest away, or never. */
static uint32_t opt_victim(struct sim *s)
{
	return s->heap[0];
}

enum { FIFO, LRU, RANDOM, CLOCK, OPT, NR_POLICIES };

static const struct policy policies[NR_POLICIES] = {
	[FIFO] = { "fifo", NULL, fifo_victim, NULL },
	[LRU] = { "lru", lru_hit, lru_victim, lru_push },
	[RANDOM] = { "random", NULL, random_victim, NULL },
	[CLOCK] = { "clock", clock_set, clock_victim, clock_set },
	[OPT] = { "opt", opt_insert, opt_victim, opt_insert },
};

static void sim_init(struct sim *s, const struct trace *t, uint32_t cap,
		     uint64_t seed)
{
	*s = (struct sim){ .t = t, .cap = cap, .rng = seed,
			   .head = NO_ID, .tail = NO_ID };
	s->page = xcalloc(cap, sizeof(*s->page));
	s->slot_of = xcalloc(t->pages.count, sizeof(*s->slot_of));
	memset(s->slot_of, 0xff, t->pages.count * sizeof(*s->slot_of));
	s->refbit = xcalloc(cap, sizeof(*s->refbit));
	s->prev = xcalloc(cap, sizeof(*s->prev));
	s->next = xcalloc(cap, sizeof(*s->next));
	s->heap = xcalloc(cap, sizeof(*s->heap));
	s->pos = xcalloc(cap, sizeof(*s->pos));
	memset(s->pos, 0xff, cap * sizeof(*s->pos));
	s->key = xcalloc(cap, sizeof(*s->key));
}

static void sim_free(struct sim *s)
{
	free(s->page);
	free(s->slot_of);
	free(s->refbit);
	free(s->prev);
	free(s->next);
	free(s->heap);
	free(s->pos);
	free(s->key);
}

/* The frame for a missing page: a free one, else the policy's victim. */
static uint32_t sim_frame(struct sim *s, const struct policy *pol)
{
	uint32_t slot;

	if (s->used < s->cap)
		return s->used++;
	slot = pol->victim(s);
	s->slot_of[s->page[slot]] = NO_ID;
	return slot;
}

/* Faults of policy @pol over trace @t with @frames frames. */
static uint32_t simulate(const struct trace *t, const struct policy *pol,
			 uint32_t frames, uint64_t seed)
{
	uint32_t id, slot, faults = 0;
	struct sim s;

	/* With a frame per page only cold misses fault. */
	if (frames >= t->pages.count)
		return t->pages.count;
	sim_init(&s, t, frames, seed);
	for (s.now = 0; s.now < t->n; s.now++) {
		id = t->ref[s.now];
		slot = s.slot_of[id];
		if (slot != NO_ID) {
			if (pol->hit)
				pol->hit(&s, slot);
			continue;
		}
		faults++;
		slot = sim_frame(&s, pol);
		s.page[slot] = id;
		s.slot_of[id] = slot;
		if (pol->insert)
			pol->insert(&s, slot);
	}
	sim_free(&s);
	return faults;
}

/* Frame counts from the command line, as inclusive ranges. */
struct range {
	uint32_t lo, hi;
};

static uint32_t parse_frames(const char *s, size_t len)
{
	uint64_t v;

	if (!parse_u64(s, len, &v) || !v || v >= NO_ID)
		usage_error("bad frame count \"%.*s\"", (int)len, s);
	return v;
}

/* Parse "N,LO-HI,..." into @r, which has room for one range per comma. */
static size_t parse_ranges(const char *arg, struct range *r)
{
	size_t n = 0, len, dash;

	for (; ; arg += len + 1) {
		len = strcspn(arg, ",");
		dash = strcspn(arg, "-");
		if (dash < len) {
			r[n].lo = parse_frames(arg, dash);
			r[n].hi = parse_frames(arg + dash + 1, len - dash - 1);
			if (r[n].lo > r[n].hi)
				usage_error("empty range \"%.*s\"", (int)len,
					    arg);
		} else {
			r[n].lo = parse_frames(arg, len);
			r[n].hi = r[n].lo;
		}
		n++;
		if (!arg[len])
			return n;
	}
}

/* Parse "fifo,lru,..." into a mask of policies. */
static unsigned int parse_policies(const char *arg)
{
	unsigned int mask = 0, k;
	size_t len;

	for (; ; arg += len + 1) {
		len = strcspn(arg, ",");
		for (k = 0; k < NR_POLICIES; k++)
			if (strlen(policies[k].name) == len &&
			    !strncmp(arg, policies[k].name, len))
				break;
		if (k == NR_POLICIES)
			usage_error("unknown policy \"%.*s\"", (int)len, arg);
		mask |= 1U << k;
		if (!arg[len])
			return mask;
	}
}

struct options {
	unsigned int policies;	/* mask of policies to run */
	uint64_t seed;		/* of random */
	bool csv;
};

static void print_header(const struct options *o)
{
	unsigned int k;

	printf(o->csv ? "frames,refs,distinct" : "%6s %9s %8s",
	       "frames", "refs", "distinct");
	for (k = 0; k < NR_POLICIES; k++)
		if (o->policies & 1U << k)
			printf(o->csv ? ",%s" : " %8s", policies[k].name);
	putchar('\n');
}

static void print_row(const struct options *o, const struct trace *t,
		      uint32_t frames)
{
	unsigned int k;
	uint32_t f;

	printf(o->csv ? "%u,%u,%u" : "%6u %9u %8u", frames, t->n,
	       t->pages.count);
	for (k = 0; k < NR_POLICIES; k++) {
		if (!(o->policies & 1U << k))
			continue;
		f = simulate(t, &policies[k], frames, o->seed);
		printf(o->csv ? ",%u" : " %8u", f);
	}
	putchar('\n');
}

static void parse_options(int argc, char **argv, struct options *o)
{
	uint64_t seed;
	int c;

	*o = (struct options){ .policies = (1U << NR_POLICIES) - 1, .seed = 1 };
	while ((c = getopt(argc, argv, "p:s:c")) != -1) {
		switch (c) {
		case 'p':
			o->policies = parse_policies(optarg);
			break;
		case 's':
			if (!parse_u64(optarg, strlen(optarg), &seed) || !seed)
				usage_error("bad seed \"%s\" (want a non-zero number)",
					    optarg);
			o->seed = seed;
			break;
		case 'c':
			o->csv = true;
			break;
		default:
			usage_error("bad option");
		}
	}
	if (optind >= argc || argc - optind > 2)
		usage_error("want FRAMES and at most one FILE");
}

int main(int argc, char **argv)
{
	struct trace t = { 0 };
	struct options o;
	struct range *r;
	size_t n, j;
	uint64_t f;

	parse_options(argc, argv, &o);
	r = xcalloc(strlen(argv[optind]) + 1, sizeof(*r));
	n = parse_ranges(argv[optind], r);
	read_trace(optind + 1 < argc ? argv[optind + 1] : "-", &t);
	if (o.policies & 1U << OPT)
		trace_next_use(&t);
	print_header(&o);
	for (j = 0; j < n; j++)
		for (f = r[j].lo; f <= r[j].hi; f++)
			print_row(&o, &t, f);
	free(r);
	free(t.ref);
	free(t.next_use);
	free(t.pages.key);
	free(t.pages.id);
	return fflush(stdout) ? EXIT_FAILURE : 0;
}
