// SPDX-License-Identifier: GPL-2.0
/*
 * paging_stress_test.c - concurrency stress with exact data checks: several
 * processes, several threads each, against a few spaces, for
 * $VMARENA_STRESS_SECONDS (default 20), all under memory pressure (a small
 * arena, swap attached), while the replacement policy and the watermarks
 * change underneath (after the kernel's mm/uffd-stress.c: checksummed data
 * while threads race).
 *
 * The workload.  The test forks 2 processes of 2 threads each (4 threads
 * each from 8 MiB of arena up): 4 or 8 workers.  Before the fork it opens
 * 2 shared spaces and maps them whole (MAP_SHARED); the processes inherit
 * the fds and the mappings.  Each worker owns 24 pages of each shared space
 * and a private space of 32 pages of its own, and picks at random, until
 * the time is up: writes and reads through the mapping and through
 * pwrite/pread (1 to 3 pages a call), DISCARD, PIN and UNPIN of its own
 * pages; on a shared space, CHECKPOINT, GET_DIRTY (with and without
 * VMARENA_DIRTY_REARM) of its range against its generation, EXPORT of it
 * and IMPORT into a fresh space, CKPT_DROP, and CLONE; on its private
 * space the same plus RESTORE and delta EXPORT/IMPORT.  The parent switches
 * the policy (fifo random clock lru clean-first) and watermark_low/high
 * every 20-120 ms.  The total of pages (spaces, clones, imports, generations)
 * stays far below the swap device, and page tables and pins far below the
 * arena: the contract allows no SIGBUS and no -ENOMEM here.
 *
 * Page contents.  Version v (v > 0) of page p of a space whose lineage tag
 * is t holds a header (magic, t, p, v, a checksum of the whole page) and
 * 508 words, each (v << 32 | hash(t, p, v, word index)); version 0 is a
 * hole: zeros.  Versions come from a per-worker counter, so a page's
 * versions only grow.  Each page has one writer: its owner.
 *
 * Invariants checked, exactly, under all that concurrency:
 *
 * - An owner reading its own page (mapping or pread) finds exactly the
 *   version it wrote last (zeros after DISCARD): right tag, page and
 *   version, checksum matching; never torn, never another page's or
 *   space's bytes.
 * - Pages of other owners, read in a clone or an imported generation: an
 *   owner publishes each write in a seqlock of a board all processes
 *   share (sequence odd while it writes).  A page whose sequence was even
 *   and unchanged across the CLONE or CHECKPOINT call must hold exactly
 *   the version the board names; any other page may be mid-write in user
 *   space, so it may mix versions, but every word must be zero or a word of
 *   that same page and space in a version not older than the one named
 *   before the call.
 * - CLONE: the clone's pages equal the parent's at the time of the call;
 *   afterwards writes to either (the clone's with another tag) are seen
 *   only by the one written.
 * - CHECKPOINT/RESTORE (private space, one owner): after RESTORE of
 *   generation N every page holds exactly the version recorded when N was
 *   taken (or re-armed); RESTORE while a page is pinned fails with -EBUSY.
 * - GET_DIRTY: for the owner's range, bit i is set when the version of
 *   page i differs from the generation's: never a false negative (a write,
 *   or a DISCARD of a page the generation had, always counts); abi.rst
 *   calls it exact, so a bit for an unchanged page is a failure too, but
 *   for the documented case: a page that was ever pinned (a pin copies the
 *   page away from the generations that share it, and a CHECKPOINT copies
 *   a pinned page into the generation; GET_DIRTY compares the bytes of
 *   such copies while both are resident, and counts the page as changed
 *   once the generation's copy was evicted, as abi.rst says), tolerated
 *   and counted unless $VMARENA_STRESS_STRICT_DIRTY is set; the small test
 *   pins_are_no_change_for_get_dirty checks the resident case exactly.
 *   With REARM the generation's range
 *   then holds the present versions (the next RESTORE and EXPORT see them).
 * - EXPORT/IMPORT: a full stream of generation N imported into a fresh
 *   space holds exactly N's recorded versions (and, private space, has a
 *   record per non-hole page, plus at most the zero pages of the pinned
 *   case above, counted); a delta stream (N from M) imported onto M's
 *   import gives exactly N.
 * - No SIGBUS anywhere, no unexpected errno from any call.  The pages of
 *   all spaces, clones, imports and generations stay far below the swap
 *   device and page tables and pins far below the arena, so -ENOMEM is
 *   not the contract's "arena empty and nothing can be evicted": an
 *   -ENOMEM from a call that changes nothing when it fails (pread, pwrite,
 *   PIN, CLONE, CHECKPOINT, RESTORE, IMPORT) is counted, the call made
 *   again (up to 100 times), and the count must be 0 at the end.
 * - At the end: evictions, swap_ins and direct_reclaims moved; no swap I/O
 *   error, SIGBUS or slab/buddy report; every space is destroyed; swap
 *   slots used, pinned and shared pages, resident and page-table frames
 *   are back to their values at the start, and, once the last space is
 *   gone (the caches then give back their empty slabs), the arena's free
 *   frames to the count it had with no space open.
 *
 * $VMARENA_SEED fixes the random choices (the seed is printed);
 * $VMARENA_STRESS_MIN_LOW is the lowest watermark_low the test sets
 * (default 1).
 *
 * Two small tests reproduce what it found: pins_are_no_change_for_get_dirty
 * and import_under_pressure_finds_frames_for_its_page_table.
 *
 * It prints the operations per second of each kind as TAP comments.
 * Runs in the VM as root with the module loaded (paging_* programs get a
 * 1 MiB arena and the swap disk); works with a larger arena too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "kselftest_harness.h"
#include "space_util.h"
#include "cow_util.h"
#include "vm_util.h"
#include "paging_util.h"

#define NSHARED		2	/* shared spaces */
#define SH_RANGE	16	/* pages a worker owns in each */
#define PRIV_PAGES	32	/* pages of a worker's private space */
#define PRIV_GENS	2	/* generations a worker keeps of it */
#define OWN_MAX		32	/* at least SH_RANGE and PRIV_PAGES */
#define MAX_WORKERS	8
#define SH_PAGES	(MAX_WORKERS * SH_RANGE)
#define NPROC		2
#define MAX_RUN		3	/* pages per pread/pwrite/DISCARD */
#define SH_PIN_MAX	1	/* pinned pages per worker per shared space */
#define PRIV_PIN_MAX	2
#define WORDS		(PAGE / 8)
#define MAGIC		0x53545253ULL	/* "SRTS" */
#define CLONE_TAG	0x10000U	/* added to the tag of writes to a clone */
#define LOOSE		(1ULL << 63)	/* expected: not known, at least this */
#define EXIT_SIGBUS	97

static const char * const policies[] = {
	"fifo", "random", "clock", "lru", "clean-first",
};

enum op {
	OP_MMAP_WRITE, OP_MMAP_READ, OP_PWRITE, OP_PREAD, OP_DISCARD, OP_PIN,
	OP_UNPIN, OP_CLONE, OP_CHECKPOINT, OP_RESTORE, OP_RESTORE_EBUSY,
	OP_GET_DIRTY, OP_REARM, OP_CKPT_DROP, OP_EXPORT, OP_IMPORT,
	OP_DELTA, OP_POLICY, OP_WATERMARK, OP_PAGES_CHECKED, OP_PINNED_DIRTY,
	OP_ZERO_RECORDS, OP_ENOMEM, NR_OPS
};

static const char * const op_names[NR_OPS] = {
	"mmap_write", "mmap_read", "pwrite", "pread", "discard", "pin",
	"unpin", "clone", "checkpoint", "restore", "restore_ebusy",
	"get_dirty", "get_dirty_rearm", "ckpt_drop", "export", "import",
	"delta_round_trip", "policy", "watermark", "pages_verified",
	"dirty_bits_of_unchanged_pinned_pages",
	"export_records_of_zero_pages", "enomem_retried",
};

/* A page of a shared space: seqlock (odd while its owner writes), version. */
struct sh_page {
	__u64 seq;
	__u64 cur;
};

/* Shared by every process (MAP_SHARED anonymous, made before the fork). */
struct board {
	struct sh_page page[NSHARED][SH_PAGES];
	pthread_mutex_t import_lock;	/* one IMPORT at a time */
	__u64 ops[NR_OPS];
	__u64 failures;
	__u64 deadline_ns;
	int stop;
	int claimed;
	char first_failure[1024];
	int enomem_claimed;
	char first_enomem[1024];
};

static struct board *board;
static int sh_fd[NSHARED];
static char *sh_map[NSHARED];
static __u64 sh_pages;		/* pages of each shared space in use */
/*
 * GET_DIRTY may report a page pinned when its generation was taken (or
 * re-armed), or pinned since, as changed though nothing wrote it, once
 * the generation's copy of it was evicted (abi.rst): a bit set for an
 * unchanged page that was ever pinned is tolerated, and counted, unless
 * $VMARENA_STRESS_STRICT_DIRTY is set.
 */
static bool strict_dirty;

struct gen {
	__u64 gen;
	__u64 *v;		/* expected versions (| LOOSE), whole space */
};

/* What a worker owns: @n pages from @first of a space. */
struct range {
	int fd;
	char *map;
	__u32 tag;
	int sh;			/* shared space index, or -1: private */
	__u64 first, n, space_pages;
	__u64 *cur;		/* private: versions of the space's pages */
	bool *pinned;		/* of the owned pages */
	bool *ever_pinned;	/* ... pinned at some time (strict_dirty) */
	int max_pins;
};

struct worker {
	int id;
	__u64 rng, vnext;
	int stream;		/* a memfd for EXPORT streams */
	int stream2;
	struct range sh[NSHARED], priv;
	bool sh_pinned[NSHARED][SH_RANGE];
	bool priv_pinned[PRIV_PAGES];
	bool sh_ever_pinned[NSHARED][SH_RANGE];
	bool priv_ever_pinned[PRIV_PAGES];
	__u64 priv_cur[PRIV_PAGES];
	struct gen sh_gen[NSHARED];	/* at most one a shared space */
	struct gen pv_gen[PRIV_GENS];	/* oldest first */
	int npv;
	__u64 buf[MAX_RUN * WORDS];
	__u64 want[MAX_RUN * WORDS];
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static __u64 rnd(struct worker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

static void count(enum op op, __u64 n)
{
	__atomic_fetch_add(&board->ops[op], n, __ATOMIC_RELAXED);
}

static bool stopping(void)
{
	return __atomic_load_n(&board->stop, __ATOMIC_RELAXED) ||
	       now_ns() >= board->deadline_ns;
}

/* Records a failure (the first one's message is kept) and stops the run. */
static void fail(struct worker *w, const char *fmt, ...)
{
	char msg[sizeof(board->first_failure)];
	int len, zero = 0;
	va_list ap;

	len = snprintf(msg, sizeof(msg), "worker %d: ", w ? w->id : -1);
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(msg) - len, fmt, ap);
	va_end(ap);
	fprintf(stderr, "# FAIL %s\n", msg);
	if (__atomic_compare_exchange_n(&board->claimed, &zero, 1, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		memcpy(board->first_failure, msg, sizeof(msg));
	__atomic_fetch_add(&board->failures, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&board->stop, 1, __ATOMIC_SEQ_CST);
}

/* The arena's state, for the message of an -ENOMEM. */
static void arena_note(int fd, char *out, size_t len)
{
	__u64 v[VMARENA_NR_GLOBAL_STATS] = { 0 };
	struct vmarena_stats st = {
		.which = VMARENA_STATS_GLOBAL, .count = VMARENA_NR_GLOBAL_STATS,
		.values = (uintptr_t)v,
	};

	ioctl(fd, VMARENA_IOC_STATS, &st);
	snprintf(out, len,
		 "arena: %llu free, %llu resident, %llu pinned, %llu page-table frames, %llu swap slots used, %llu direct reclaims",
		 (unsigned long long)v[VMARENA_STAT_FREE_FRAMES],
		 (unsigned long long)v[VMARENA_STAT_RESIDENT],
		 (unsigned long long)v[VMARENA_STAT_PINNED],
		 (unsigned long long)v[VMARENA_STAT_PT_FRAMES],
		 (unsigned long long)v[VMARENA_STAT_SWAP_SLOTS_USED],
		 (unsigned long long)v[VMARENA_STAT_DIRECT_RECLAIMS]);
}

/*
 * After a call failed with -ENOMEM (@err): the arena has most of its
 * frames in evictable pages and the swap device is nearly empty, so that is
 * not the contract's "arena empty and nothing can be evicted".  Counted
 * (it fails the test at the end), the first one described; true while
 * the call (which changed nothing) is to be made again.
 */
static bool again(struct worker *w, int fd, int err, const char *what,
		  int *tries)
{
	int zero = 0;
	char a[200];

	if (err != ENOMEM || ++*tries > 100)
		return false;
	count(OP_ENOMEM, 1);
	if (__atomic_compare_exchange_n(&board->enomem_claimed, &zero, 1, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		arena_note(fd, a, sizeof(a));
		snprintf(board->first_enomem, sizeof(board->first_enomem),
			 "worker %d: %s: ENOMEM (%s)", w ? w->id : -1, what, a);
		fprintf(stderr, "# %s\n", board->first_enomem);
	}
	return true;
}

/* Page contents ---------------------------------------------------------- */

static __u64 word_of(__u32 tag, __u64 page, __u64 v, unsigned int i)
{
	__u64 x = tag * 0x9e3779b97f4a7c15ULL ^ page * 0xc2b2ae3d27d4eb4fULL ^
		  v * 0x165667b19e3779f9ULL ^ i;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	return v << 32 | (x & 0xffffffffULL);
}

static __u64 sum_of(const __u64 *w)
{
	__u64 a = 1, b = 0;
	unsigned int i;

	for (i = 0; i < WORDS; i++) {
		if (i == 3)
			continue;
		a += w[i] ^ i;
		b += a;
	}
	return a ^ b * 0x100000001b3ULL;
}

static void fill(__u64 *w, __u32 tag, __u64 page, __u64 v)
{
	unsigned int i;

	w[0] = MAGIC << 32 | tag;
	w[1] = page;
	w[2] = v;
	for (i = 4; i < WORDS; i++)
		w[i] = word_of(tag, page, v, i);
	w[3] = sum_of(w);
}

static bool is_zero(const __u64 *w)
{
	unsigned int i;

	for (i = 0; i < WORDS; i++)
		if (w[i])
			return false;
	return true;
}

/* Exactly version @v of page @page of @tag (0: zeros)? */
static bool page_ok(const __u64 *w, __u32 tag, __u64 page, __u64 v)
{
	unsigned int i;

	if (!v)
		return is_zero(w);
	if (w[0] != (MAGIC << 32 | tag) || w[1] != page || w[2] != v ||
	    w[3] != sum_of(w))
		return false;
	for (i = 4; i < WORDS; i++)
		if (w[i] != word_of(tag, page, v, i))
			return false;
	return true;
}

/*
 * A page that may have been mid-write when it was shared: a user-space
 * memcpy() stores bytes, not words (rep movsb), so the page may mix the
 * bytes of several versions.  Every body byte must be that byte of this
 * page's word (same tag, page and index) in some version of at least
 * @floor, or zero.  The candidate versions are @floor and those the page
 * names (the header's, the top half of each word) from @floor up (the
 * first 16).
 */
static bool page_loose_ok(const __u64 *w, __u32 tag, __u64 page, __u64 floor)
{
	__u64 cand[16], v, x;
	unsigned int i, b, k, n = 0;
	bool ok;

	cand[n++] = floor;
	for (i = 2; i < WORDS && n < ARRAY_SIZE(cand); i++) {
		v = i == 2 ? w[2] : w[i] >> 32;
		if (i == 3 || v < floor || !v)
			continue;
		for (k = 0; k < n && cand[k] != v; k++)
			;
		if (k == n)
			cand[n++] = v;
	}
	for (i = 4; i < WORDS; i++) {
		for (b = 0; b < 64; b += 8) {
			x = w[i] >> b & 0xff;
			ok = !x;
			for (k = 0; k < n && !ok; k++)
				ok = cand[k] &&
				     x == (word_of(tag, page, cand[k], i) >> b & 0xff);
			if (!ok)
				return false;
		}
	}
	return true;
}

/* What a page holds, for a failure message. */
static void describe(const __u64 *w, char *out, size_t len)
{
	__u64 lo = ~0ULL, hi = 0, v;
	unsigned int i, zeros = 0;

	if (is_zero(w)) {
		snprintf(out, len, "zeros");
		return;
	}
	for (i = 4; i < WORDS; i++) {
		if (!w[i]) {
			zeros++;
			continue;
		}
		v = w[i] >> 32;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	snprintf(out, len,
		 "magic %llx tag %llu page %llu v%llu sum %s, body versions %llu..%llu, %u zero words",
		 (unsigned long long)(w[0] >> 32),
		 (unsigned long long)(w[0] & 0xffffffffULL),
		 (unsigned long long)w[1], (unsigned long long)w[2],
		 w[3] == sum_of(w) ? "ok" : "bad", (unsigned long long)lo,
		 (unsigned long long)hi, zeros);
}

/*
 * The first body word that is not a word of the page in a version of at
 * least @floor, and whose it is: another page's (of the same tag, within
 * 64 pages), another index's, or unknown.
 */
static void bad_word(const __u64 *w, __u32 tag, __u64 page, __u64 floor,
		     char *out, size_t len)
{
	unsigned int i, j;
	__u64 v, p;

	snprintf(out, len, "no bad body word");
	for (i = 4; i < WORDS; i++) {
		v = w[i] >> 32;
		if (!w[i] || (v >= floor && w[i] == word_of(tag, page, v, i)))
			continue;
		snprintf(out, len, "word %u is %#llx (v%llu): unknown", i,
			 (unsigned long long)w[i], (unsigned long long)v);
		for (p = page > 64 ? page - 64 : 0; p < page + 64; p++)
			if (w[i] == word_of(tag, p, v, i))
				snprintf(out, len,
					 "word %u is page %llu's in v%llu (first bad word)",
					 i, (unsigned long long)p,
					 (unsigned long long)v);
		for (j = 4; j < WORDS; j++)
			if (j != i && w[i] == word_of(tag, page, v, j))
				snprintf(out, len,
					 "word %u is word %u of this page in v%llu",
					 i, j, (unsigned long long)v);
		if (v < floor && w[i] == word_of(tag, page, v, i))
			snprintf(out, len,
				 "word %u is of v%llu, older than v%llu",
				 i, (unsigned long long)v,
				 (unsigned long long)floor);
		return;
	}
}

/* Checks a page against an expected value (| LOOSE); false after fail(). */
static bool check_page(struct worker *w, const __u64 *got, __u32 tag,
		       __u64 page, __u64 want, const char *what)
{
	char d[200], b[300];
	bool ok;

	if (want & LOOSE)
		ok = page_loose_ok(got, tag, page, want & ~LOOSE);
	else
		ok = page_ok(got, tag, page, want);
	count(OP_PAGES_CHECKED, 1);
	if (ok)
		return true;
	describe(got, d, sizeof(d));
	bad_word(got, tag, page, want & ~LOOSE, b, sizeof(b));
	fail(w, "%s: tag %u page %llu: want %sv%llu, found %s; %s", what, tag,
	     (unsigned long long)page, want & LOOSE ? "a mix of >= " : "",
	     (unsigned long long)(want & ~LOOSE), d, b);
	return false;
}

/* Reads @n pages from @page of a space (mapping @map, else pread). */
static bool get_pages(struct worker *w, int fd, const char *map, __u64 page,
		      __u64 n, __u64 *buf, const char *what)
{
	int tries = 0;
	ssize_t got;

	if (map) {
		memcpy(buf, map + page * PAGE, n * PAGE);
		count(OP_MMAP_READ, 1);
		return true;
	}
	do
		got = pread(fd, buf, n * PAGE, page * PAGE);
	while (got < 0 && again(w, fd, errno, "pread", &tries));
	count(OP_PREAD, 1);
	if (got == (ssize_t)(n * PAGE))
		return true;
	fail(w, "%s: pread of %llu pages at %llu: %zd (%s)", what,
	     (unsigned long long)n, (unsigned long long)page, got,
	     strerror(errno));
	return false;
}

/* Every page of a space against @want (tag @tag, or @tag + CLONE_TAG where
 * @clone_tagged says so).
 */
static bool verify_space(struct worker *w, int fd, const char *map,
			 __u64 pages, __u32 tag, const __u64 *want,
			 const bool *clone_tagged, const char *what)
{
	__u64 pg;

	for (pg = 0; pg < pages; pg++) {
		__u32 t = clone_tagged && clone_tagged[pg] ? tag + CLONE_TAG : tag;

		if (!get_pages(w, fd, map, pg, 1, w->buf, what) ||
		    !check_page(w, w->buf, t, pg, want[pg], what))
			return false;
	}
	return true;
}

/* Ownership and the seqlock of shared pages ------------------------------ */

static __u64 version_of(struct range *r, __u64 pg)
{
	if (r->sh >= 0)
		return board->page[r->sh][pg].cur;
	return r->cur[pg];
}

static void write_begin(struct range *r, __u64 pg)
{
	if (r->sh >= 0)
		__atomic_fetch_add(&board->page[r->sh][pg].seq, 1, __ATOMIC_SEQ_CST);
}

static void write_end(struct range *r, __u64 pg, __u64 v)
{
	if (r->sh >= 0) {
		__atomic_store_n(&board->page[r->sh][pg].cur, v, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&board->page[r->sh][pg].seq, 1, __ATOMIC_SEQ_CST);
	} else {
		r->cur[pg] = v;
	}
}

/* Before a snapshot call: each page's sequence and version. */
static void snap_begin(struct range *r, __u64 *seq, __u64 *v)
{
	__u64 pg;

	for (pg = 0; pg < r->space_pages; pg++) {
		if (r->sh < 0) {
			seq[pg] = 0;
			v[pg] = r->cur[pg];
			continue;
		}
		seq[pg] = __atomic_load_n(&board->page[r->sh][pg].seq, __ATOMIC_SEQ_CST);
		v[pg] = __atomic_load_n(&board->page[r->sh][pg].cur, __ATOMIC_SEQ_CST);
	}
}

/* After it: pages written meanwhile (or then) become LOOSE. */
static void snap_end(struct range *r, const __u64 *seq, __u64 *v)
{
	__u64 pg, s;

	if (r->sh < 0)
		return;
	for (pg = 0; pg < r->space_pages; pg++) {
		s = __atomic_load_n(&board->page[r->sh][pg].seq, __ATOMIC_SEQ_CST);
		if (s != seq[pg] || (s & 1))
			v[pg] |= LOOSE;
	}
}

/* Owned-page operations (any range) -------------------------------------- */

static __u64 pick_run(struct worker *w, struct range *r, __u64 *i)
{
	__u64 n = 1 + rnd(w) % MAX_RUN;

	*i = rnd(w) % r->n;
	return n < r->n - *i ? n : r->n - *i;
}

static void op_write(struct worker *w, struct range *r)
{
	__u64 i, k, n = pick_run(w, r, &i), pg = r->first + i;
	bool mmap_it = !(rnd(w) % 2);
	int tries = 0;
	ssize_t got;

	for (k = 0; k < n; k++)
		fill(w->buf + k * WORDS, r->tag, pg + k, ++w->vnext);
	for (k = 0; k < n; k++)
		write_begin(r, pg + k);
	if (mmap_it) {
		memcpy(r->map + pg * PAGE, w->buf, n * PAGE);
		count(OP_MMAP_WRITE, 1);
	} else {
		do
			got = pwrite(r->fd, w->buf, n * PAGE, pg * PAGE);
		while (got < 0 && again(w, r->fd, errno, "pwrite", &tries));
		count(OP_PWRITE, 1);
		if (got != (ssize_t)(n * PAGE)) {
			fail(w, "pwrite of %llu pages at %llu (tag %u): %zd (%s)",
			     (unsigned long long)n, (unsigned long long)pg,
			     r->tag, got, strerror(errno));
			return;
		}
	}
	for (k = 0; k < n; k++)
		write_end(r, pg + k, w->buf[k * WORDS + 2]);
}

static void op_read(struct worker *w, struct range *r)
{
	__u64 i, k, n = pick_run(w, r, &i), pg = r->first + i;
	bool mmap_it = !(rnd(w) % 2);

	if (!get_pages(w, r->fd, mmap_it ? r->map : NULL, pg, n, w->buf,
		       "own read"))
		return;
	for (k = 0; k < n; k++)
		if (!check_page(w, w->buf + k * WORDS, r->tag, pg + k,
				version_of(r, pg + k),
				mmap_it ? "own page through the mapping" :
					  "own page through pread"))
			return;
}

static void op_discard(struct worker *w, struct range *r)
{
	__u64 i, k, n = pick_run(w, r, &i), pg = r->first + i;

	for (k = 0; k < n; k++)
		write_begin(r, pg + k);
	if (discard(r->fd, pg * PAGE, n * PAGE)) {
		fail(w, "DISCARD %llu+%llu: %s", (unsigned long long)pg,
		     (unsigned long long)n, strerror(errno));
		return;
	}
	count(OP_DISCARD, 1);
	for (k = 0; k < n; k++) {
		write_end(r, pg + k, 0);
		r->pinned[i + k] = false;	/* DISCARD drops pins */
	}
}

static int pins_of(struct range *r)
{
	int n = 0;
	__u64 i;

	for (i = 0; i < r->n; i++)
		n += r->pinned[i];
	return n;
}

static void op_pin(struct worker *w, struct range *r)
{
	__u64 i = rnd(w) % r->n;
	int ret, tries = 0;

	if (r->pinned[i] || pins_of(r) >= r->max_pins)
		return;
	do
		ret = range_ioctl(r->fd, VMARENA_IOC_PIN, (r->first + i) * PAGE, PAGE);
	while (ret && again(w, r->fd, errno, "PIN", &tries));
	if (ret) {
		fail(w, "PIN page %llu (tag %u): %s",
		     (unsigned long long)(r->first + i), r->tag, strerror(errno));
		return;
	}
	count(OP_PIN, 1);
	r->pinned[i] = true;
	r->ever_pinned[i] = true;
}

static bool unpin_range(struct worker *w, struct range *r, __u64 i, __u64 n)
{
	__u64 k;

	if (range_ioctl(r->fd, VMARENA_IOC_UNPIN, (r->first + i) * PAGE,
			n * PAGE)) {
		fail(w, "UNPIN %llu+%llu (tag %u): %s",
		     (unsigned long long)(r->first + i), (unsigned long long)n,
		     r->tag, strerror(errno));
		return false;
	}
	count(OP_UNPIN, 1);
	for (k = i; k < i + n; k++)
		r->pinned[k] = false;
	return true;
}

static void op_unpin(struct worker *w, struct range *r)
{
	__u64 i = rnd(w) % r->n;

	if (rnd(w) % 4 == 0)
		unpin_range(w, r, 0, r->n);	/* holes and unpinned skipped */
	else if (r->pinned[i])
		unpin_range(w, r, i, 1);
}

/*
 * CLONE: the clone equals the parent at the call (exactly for pages stable
 * across it); then writes to the clone and to the parent stay apart.
 */
static void op_clone(struct worker *w, struct range *r)
{
	__u64 *seq = calloc(r->space_pages, sizeof(__u64));
	__u64 *want = calloc(r->space_pages, sizeof(__u64));
	bool *tagged = calloc(r->space_pages, sizeof(bool));
	__u64 i, k, pg, n;
	char *cm = NULL;
	int c = -1, tries = 0;

	if (!seq || !want || !tagged) {
		fail(w, "out of memory");
		goto out;
	}
	snap_begin(r, seq, want);
	do
		c = clone_space(r->fd);
	while (c < 0 && again(w, r->fd, -c, "CLONE", &tries));
	snap_end(r, seq, want);
	if (c < 0) {
		fail(w, "CLONE (tag %u): %s", r->tag, strerror(-c));
		goto out;
	}
	count(OP_CLONE, 1);
	cm = map(c, r->space_pages, 0);
	if (!cm) {
		fail(w, "mmap of a clone: %s", strerror(errno));
		goto out;
	}
	if (!verify_space(w, c, rnd(w) % 2 ? cm : NULL, r->space_pages, r->tag,
			  want, NULL, "clone at the time of CLONE"))
		goto out;
	/* Diverge: some owned pages of the clone, then of the parent. */
	n = pick_run(w, r, &i);
	for (k = 0; k < n; k++) {
		pg = r->first + i + k;
		fill(w->buf, r->tag + CLONE_TAG, pg, ++w->vnext);
		memcpy(cm + pg * PAGE, w->buf, PAGE);
		want[pg] = w->vnext;
		tagged[pg] = true;
	}
	op_write(w, r);
	for (k = 0; k < r->n; k++) {
		pg = r->first + k;
		if (!get_pages(w, r->fd, r->map, pg, 1, w->buf, "parent") ||
		    !check_page(w, w->buf, r->tag, pg, version_of(r, pg),
				"parent's own page after writes to its clone"))
			goto out;
		if (!get_pages(w, c, rnd(w) % 2 ? cm : NULL, pg, 1, w->buf,
			       "clone") ||
		    !check_page(w, w->buf, tagged[pg] ? r->tag + CLONE_TAG : r->tag,
				pg, want[pg],
				"clone's page after writes to clone and parent"))
			goto out;
	}
out:
	if (cm)
		munmap(cm, r->space_pages * PAGE);
	if (c >= 0)
		close(c);
	free(seq);
	free(want);
	free(tagged);
}

/* Generations ------------------------------------------------------------ */

/* CHECKPOINT of @r's space into @g, its expected versions recorded. */
static bool take_gen(struct worker *w, struct range *r, struct gen *g)
{
	__u64 *seq = calloc(r->space_pages, sizeof(__u64));
	int ret, tries = 0;

	g->v = calloc(r->space_pages, sizeof(__u64));
	if (!seq || !g->v) {
		fail(w, "out of memory");
		free(seq);
		return false;
	}
	snap_begin(r, seq, g->v);
	do {
		g->gen = 0;
		ret = ckpt_call(r->fd, VMARENA_IOC_CHECKPOINT, &g->gen, NULL);
	} while (ret && again(w, r->fd, -ret, "CHECKPOINT", &tries));
	snap_end(r, seq, g->v);
	free(seq);
	if (ret) {
		fail(w, "CHECKPOINT (tag %u): %s", r->tag, strerror(-ret));
		free(g->v);
		g->v = NULL;
		g->gen = 0;
		return false;
	}
	count(OP_CHECKPOINT, 1);
	return true;
}

static bool drop_gen(struct worker *w, struct range *r, struct gen *g)
{
	__u64 gen = g->gen;
	int ret = ckpt_call(r->fd, VMARENA_IOC_CKPT_DROP, &gen, NULL);

	if (ret) {
		fail(w, "CKPT_DROP %llu (tag %u): %s", (unsigned long long)g->gen,
		     r->tag, strerror(-ret));
		return false;
	}
	count(OP_CKPT_DROP, 1);
	free(g->v);
	g->v = NULL;
	g->gen = 0;
	return true;
}

/*
 * GET_DIRTY over the owned range: exactly the pages whose version is not
 * the generation's; with REARM the generation takes the present versions.
 */
static void op_dirty(struct worker *w, struct range *r, struct gen *g)
{
	__u64 bitmap[4];	/* owned ranges are at most 256 pages */
	bool rearm = rnd(w) % 2;
	struct vmarena_dirty d = {
		.generation = g->gen, .offset = r->first * PAGE, .pages = r->n,
		.bitmap = (uintptr_t)bitmap,
		.flags = rearm ? VMARENA_DIRTY_REARM : 0,
	};
	__u64 i, pg, want = 0;
	bool bit, changed;
	char bad[400];
	int len = 0;

	memset(bitmap, 0, sizeof(bitmap));
	if (ioctl(r->fd, VMARENA_IOC_GET_DIRTY, &d)) {
		fail(w, "GET_DIRTY gen %llu%s (tag %u): %s",
		     (unsigned long long)g->gen, rearm ? " REARM" : "", r->tag,
		     strerror(errno));
		return;
	}
	count(rearm ? OP_REARM : OP_GET_DIRTY, 1);
	bad[0] = '\0';
	for (i = 0; i < r->n; i++) {
		pg = r->first + i;
		bit = bit_of(bitmap, i);
		changed = version_of(r, pg) != g->v[pg];
		if (!changed && bit && r->ever_pinned[i] && !strict_dirty) {
			/* Known: see pins_are_no_change_for_get_dirty. */
			count(OP_PINNED_DIRTY, 1);
			changed = true;
		}
		want += changed;
		if (changed != bit && len < (int)sizeof(bad) - 80)
			len += snprintf(bad + len, sizeof(bad) - len,
					" page %llu: bit %d, v%llu now, v%llu in the generation%s%s;",
					(unsigned long long)pg, bit,
					(unsigned long long)version_of(r, pg),
					(unsigned long long)g->v[pg],
					r->pinned[i] ? ", pinned" : "",
					r->ever_pinned[i] ? ", pinned before" : "");
		if (rearm)
			g->v[pg] = version_of(r, pg);
	}
	if (len || d.dirty != want)
		fail(w, "GET_DIRTY gen %llu%s (tag %u) pages %llu+%llu: %llu set, %llu changed:%s",
		     (unsigned long long)g->gen, rearm ? " REARM" : "", r->tag,
		     (unsigned long long)r->first, (unsigned long long)r->n,
		     (unsigned long long)d.dirty, (unsigned long long)want, bad);
}

/* EXPORT generation @gen (a delta from @base if not 0) into memfd @out. */
static bool export_to(struct worker *w, struct range *r, __u64 gen,
		      __u64 base, int out, __u64 *pages)
{
	struct vmarena_export e = {
		.fd = out, .generation = gen, .base = base,
		.flags = base ? VMARENA_EXPORT_DELTA : 0,
	};

	if (ftruncate(out, 0) || lseek(out, 0, SEEK_SET)) {
		fail(w, "memfd reset: %s", strerror(errno));
		return false;
	}
	if (ioctl(r->fd, VMARENA_IOC_EXPORT, &e)) {
		fail(w, "EXPORT gen %llu base %llu (tag %u): %s",
		     (unsigned long long)gen, (unsigned long long)base, r->tag,
		     strerror(errno));
		return false;
	}
	count(OP_EXPORT, 1);
	lseek(out, 0, SEEK_SET);
	*pages = e.pages;
	return true;
}

static bool import_from(struct worker *w, int fd, int in, __u64 gen)
{
	struct vmarena_import im = { .fd = in };
	int ret, tries = 0;

	/*
	 * IMPORT holds every page of the stream in a frame of its own until it
	 * is applied (abi.rst: -ENOMEM when the arena cannot hold them): one
	 * at a time keeps that within a 256-frame arena.  An -ENOMEM all the
	 * same, with most of the arena evictable, is counted (it fails the
	 * test at the end) and the call made again: a failed IMPORT leaves
	 * the space unchanged.
	 */
	do {
		pthread_mutex_lock(&board->import_lock);
		ret = ioctl(fd, VMARENA_IOC_IMPORT, &im);
		pthread_mutex_unlock(&board->import_lock);
	} while (ret && again(w, fd, errno, "IMPORT", &tries) &&
		 !lseek(in, 0, SEEK_SET));
	if (ret) {
		char a[200];

		arena_note(fd, a, sizeof(a));
		fail(w, "IMPORT of gen %llu: %s (%s)", (unsigned long long)gen,
		     strerror(errno), a);
		return false;
	}
	count(OP_IMPORT, 1);
	if (im.generation != gen) {
		fail(w, "IMPORT: stream of gen %llu, exported gen %llu",
		     (unsigned long long)im.generation, (unsigned long long)gen);
		return false;
	}
	return true;
}

/*
 * EXPORT of @g, IMPORT into a fresh space: it holds @g's versions; a full
 * stream of a private space has a record per page that is not a hole.
 */
static void op_export(struct worker *w, struct range *r, struct gen *g)
{
	__u64 pages, holding = 0, pg;
	int fd;

	if (!export_to(w, r, g->gen, 0, w->stream, &pages))
		return;
	for (pg = 0; pg < r->space_pages; pg++)
		holding += g->v[pg] != 0;
	/*
	 * A page pinned when a generation was taken is copied into it marked
	 * dirty, zeros or not (see pins_are_no_change_for_get_dirty),
	 * and then goes in the stream even when it holds zeros: counted.
	 */
	if (r->sh < 0 && pages > holding && pages <= r->space_pages) {
		count(OP_ZERO_RECORDS, pages - holding);
	} else if (r->sh < 0 && pages != holding) {
		fail(w, "EXPORT gen %llu (tag %u): %llu records, %llu pages hold data",
		     (unsigned long long)g->gen, r->tag,
		     (unsigned long long)pages, (unsigned long long)holding);
		return;
	}
	fd = open("/dev/vmarena", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fail(w, "open: %s", strerror(errno));
		return;
	}
	if (import_from(w, fd, w->stream, g->gen)) {
		char *im = rnd(w) % 2 ? map(fd, r->space_pages, 0) : NULL;

		verify_space(w, fd, im, r->space_pages, r->tag, g->v, NULL,
			     "import of an exported generation");
		if (im)
			munmap(im, r->space_pages * PAGE);
	}
	close(fd);
}

/*
 * The delta from the older private generation to the newer one, imported
 * onto the older one's import, gives the newer one.
 */
static void op_delta(struct worker *w, struct range *r)
{
	struct gen *base = &w->pv_gen[0], *g = &w->pv_gen[1];
	__u64 pages;
	int fd;

	if (!export_to(w, r, base->gen, 0, w->stream, &pages) ||
	    !export_to(w, r, g->gen, base->gen, w->stream2, &pages))
		return;
	fd = open("/dev/vmarena", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fail(w, "open: %s", strerror(errno));
		return;
	}
	if (import_from(w, fd, w->stream, base->gen) &&
	    import_from(w, fd, w->stream2, g->gen) &&
	    verify_space(w, fd, NULL, r->space_pages, r->tag, g->v, NULL,
			 "import of a base and a delta"))
		count(OP_DELTA, 1);
	close(fd);
}

/* RESTORE of a private generation: refused while pinned, then exact. */
static void op_restore(struct worker *w, struct range *r)
{
	struct gen *g = &w->pv_gen[rnd(w) % w->npv];
	__u64 gen = g->gen;
	int ret, tries = 0;

	if (pins_of(r)) {
		ret = ckpt_call(r->fd, VMARENA_IOC_RESTORE, &gen, NULL);
		if (ret != -EBUSY) {
			fail(w, "RESTORE with %d pinned pages: %s, want EBUSY",
			     pins_of(r), ret ? strerror(-ret) : "done");
			return;
		}
		count(OP_RESTORE_EBUSY, 1);
		if (!unpin_range(w, r, 0, r->n))
			return;
	}
	do
		ret = ckpt_call(r->fd, VMARENA_IOC_RESTORE, &gen, NULL);
	while (ret && again(w, r->fd, -ret, "RESTORE", &tries));
	if (ret) {
		fail(w, "RESTORE gen %llu: %s", (unsigned long long)g->gen,
		     strerror(-ret));
		return;
	}
	count(OP_RESTORE, 1);
	memcpy(r->cur, g->v, r->space_pages * sizeof(__u64));
	verify_space(w, r->fd, rnd(w) % 2 ? r->map : NULL, r->space_pages,
		     r->tag, r->cur, NULL, "private space after RESTORE");
}

/* The workers ------------------------------------------------------------ */

/* A worker keeps at most one generation of the shared spaces. */
static int sh_gens_held(struct worker *w)
{
	int s, n = 0;

	for (s = 0; s < NSHARED; s++)
		n += w->sh_gen[s].gen != 0;
	return n;
}

static void shared_op(struct worker *w, int s)
{
	struct range *r = &w->sh[s];
	struct gen *g = &w->sh_gen[s];
	unsigned int x = rnd(w) % 100;

	if (x < 30)
		op_write(w, r);
	else if (x < 55)
		op_read(w, r);
	else if (x < 60)
		op_discard(w, r);
	else if (x < 65)
		op_pin(w, r);
	else if (x < 70)
		op_unpin(w, r);
	else if (x < 75)
		op_clone(w, r);
	else if (x < 80 && !g->gen && !sh_gens_held(w))
		take_gen(w, r, g);
	else if (x < 90 && g->gen)
		op_dirty(w, r, g);
	else if (x < 95 && g->gen)
		op_export(w, r, g);
	else if (g->gen)
		drop_gen(w, r, g);
}

static void private_op(struct worker *w)
{
	struct range *r = &w->priv;
	unsigned int x = rnd(w) % 100;
	struct gen *g = w->npv ? &w->pv_gen[rnd(w) % w->npv] : NULL;

	if (x < 25) {
		op_write(w, r);
	} else if (x < 45) {
		op_read(w, r);
	} else if (x < 50) {
		op_discard(w, r);
	} else if (x < 55) {
		op_pin(w, r);
	} else if (x < 58) {
		op_unpin(w, r);
	} else if (x < 62) {
		op_clone(w, r);
	} else if (x < 68) {
		if (w->npv == PRIV_GENS) {
			if (!drop_gen(w, r, &w->pv_gen[0]))
				return;
			w->pv_gen[0] = w->pv_gen[1];
			w->pv_gen[1].v = NULL;
			w->npv--;
		}
		if (take_gen(w, r, &w->pv_gen[w->npv]))
			w->npv++;
	} else if (x < 76 && g) {
		op_restore(w, r);
	} else if (x < 88 && g) {
		op_dirty(w, r, g);
	} else if (x < 94 && g) {
		op_export(w, r, g);
	} else if (w->npv == PRIV_GENS) {
		op_delta(w, r);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int s;

	w->stream = memfd_create("stream", MFD_CLOEXEC);
	w->stream2 = memfd_create("delta", MFD_CLOEXEC);
	w->priv.fd = open("/dev/vmarena", O_RDWR | O_CLOEXEC);
	if (w->stream < 0 || w->stream2 < 0 || w->priv.fd < 0) {
		fail(w, "memfd or open: %s", strerror(errno));
		return NULL;
	}
	w->priv.map = map(w->priv.fd, PRIV_PAGES, 0);
	if (!w->priv.map) {
		fail(w, "mmap: %s", strerror(errno));
		return NULL;
	}
	w->priv.tag = 100 + w->id;
	w->priv.sh = -1;
	w->priv.first = 0;
	w->priv.n = PRIV_PAGES;
	w->priv.space_pages = PRIV_PAGES;
	w->priv.cur = w->priv_cur;
	w->priv.pinned = w->priv_pinned;
	w->priv.ever_pinned = w->priv_ever_pinned;
	w->priv.max_pins = PRIV_PIN_MAX;
	for (s = 0; s < NSHARED; s++) {
		w->sh[s] = (struct range){
			.fd = sh_fd[s], .map = sh_map[s], .tag = 1 + s, .sh = s,
			.first = w->id * SH_RANGE, .n = SH_RANGE,
			.space_pages = sh_pages, .pinned = w->sh_pinned[s],
			.ever_pinned = w->sh_ever_pinned[s],
			.max_pins = SH_PIN_MAX,
		};
	}
	while (!stopping()) {
		s = rnd(w) % 3;
		if (s < NSHARED)
			shared_op(w, s);
		else
			private_op(w);
	}
	/* A last full check of the private space, then everything goes. */
	if (!__atomic_load_n(&board->failures, __ATOMIC_SEQ_CST))
		verify_space(w, w->priv.fd, w->priv.map, PRIV_PAGES, w->priv.tag,
			     w->priv_cur, NULL, "private space at the end");
	for (s = 0; s < NSHARED; s++)
		if (w->sh_gen[s].gen)
			drop_gen(w, &w->sh[s], &w->sh_gen[s]);
	for (s = 0; s < w->npv; s++)
		free(w->pv_gen[s].v);
	munmap(w->priv.map, PRIV_PAGES * PAGE);
	close(w->priv.fd);
	close(w->stream);
	close(w->stream2);
	return NULL;
}

static void on_sigbus_fatal(int sig, siginfo_t *si, void *uc)
{
	static const char hex[] = "0123456789abcdef";
	char msg[] = "# FAIL SIGBUS at 0x0000000000000000\n";
	uintptr_t a = (uintptr_t)si->si_addr;
	int i;

	(void)sig;
	(void)uc;
	for (i = 0; i < 16; i++)
		msg[sizeof(msg) - 3 - i] = hex[(a >> (4 * i)) & 15];
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_SIGBUS);
	__atomic_fetch_add(&board->failures, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&board->stop, 1, __ATOMIC_SEQ_CST);
	_exit(EXIT_SIGBUS);
}

/* A child process: @nthr worker threads, ids from @first. */
static void child(int first, int nthr, __u64 seed)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus_fatal,
				.sa_flags = SA_SIGINFO };
	pthread_t tid[MAX_WORKERS];
	struct worker *w;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigaction(SIGBUS, &sa, NULL);
	w = calloc(nthr, sizeof(*w));
	if (!w)
		_exit(2);
	for (i = 0; i < nthr; i++) {
		w[i].id = first + i;
		w[i].rng = seed ^ (0x9e3779b97f4a7c15ULL * (first + i + 1));
		w[i].vnext = (__u64)(first + i) << 24;
		if (pthread_create(&tid[i], NULL, worker_main, &w[i]))
			_exit(2);
	}
	for (i = 0; i < nthr; i++)
		pthread_join(tid[i], NULL);
	_exit(0);
}

/* The controls ----------------------------------------------------------- */

/* Set when need_swap() attached the disk: the test detaches it at its end. */
static bool attached_swap;

static void detach_swap(void)
{
	if (attached_swap)
		write_str(SYS "swap_dev", "\n");
	attached_swap = false;
}

static void all_stats(int fd, __u64 *v)
{
	if (stats_of(fd, VMARENA_STATS_GLOBAL, v, VMARENA_NR_GLOBAL_STATS))
		memset(v, 0xff, VMARENA_NR_GLOBAL_STATS * sizeof(*v));
}

static unsigned int stress_seconds(void)
{
	const char *s = getenv("VMARENA_STRESS_SECONDS");
	int n = s ? atoi(s) : 0;

	return n > 0 ? n : 20;
}

FIXTURE(stress) {
	int probe;
	long long idle_free;
	__u64 frames;
	struct knobs knobs;
};

FIXTURE_SETUP(stress)
{
	attached_swap = need_swap(_metadata);
	self->idle_free = debugfs_value("stats", "free_frames");
	self->probe = open_space(_metadata);
	self->frames = global_stat(self->probe, VMARENA_STAT_ARENA_FRAMES);
	knobs_save(&self->knobs);
	ASSERT_LT(0, self->knobs.low);
}

FIXTURE_TEARDOWN(stress)
{
	knobs_restore(&self->knobs);
	if (self->probe >= 0)
		close(self->probe);
	else
		detach_swap();	/* every space is gone */
}

/* Waits, up to 30 s, until every space ever created is destroyed. */
static bool wait_spaces_destroyed_all(void)
{
	int i;

	for (i = 0; i < 30000; i++) {
		if (debugfs_value("stats", "spaces_destroyed") >=
		    debugfs_value("stats", "spaces_created"))
			return true;
		usleep(1000);
	}
	return false;
}

/* The parent's part: policies and watermarks until the time is up. */
static void control(__u64 frames, __u64 seed, pid_t *pids, int nproc)
{
	struct worker ctl = { .id = -1, .rng = seed | 1 };
	const char *env = getenv("VMARENA_STRESS_MIN_LOW");
	long long min_low = env ? atoll(env) : 1;
	long long low, high;
	struct timespec ts;
	int i, status;

	while (!stopping()) {
		ts.tv_sec = 0;
		ts.tv_nsec = (20 + rnd(&ctl) % 100) * 1000000L;
		nanosleep(&ts, NULL);
		if (rnd(&ctl) % 2) {
			const char *p = policies[rnd(&ctl) % ARRAY_SIZE(policies)];

			if (write_str(SYS "policy", p))
				fail(NULL, "policy %s refused", p);
			count(OP_POLICY, 1);
		} else {
			/* From nearly no reserve to a quarter of the arena. */
			high = min_low + 1 + rnd(&ctl) % (frames / 4 - min_low);
			low = min_low + rnd(&ctl) % (high - min_low);
			if (set_watermarks(low, high))
				fail(NULL, "watermarks %lld/%lld refused", low, high);
			count(OP_WATERMARK, 1);
		}
		for (i = 0; i < nproc; i++) {
			if (!pids[i] || waitpid(pids[i], &status, WNOHANG) != pids[i])
				continue;
			pids[i] = 0;
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				fail(NULL, "process %d ended early: %s %d", i,
				     WIFEXITED(status) ? "exit" : "signal",
				     WIFEXITED(status) ? WEXITSTATUS(status) :
							 WTERMSIG(status));
		}
	}
}

TEST_F_TIMEOUT(stress, data_stays_exact_under_concurrent_faults_ioctls_and_policy_switches,
	       3600)
{
	__u64 g0[VMARENA_NR_GLOBAL_STATS], g1[VMARENA_NR_GLOBAL_STATS];
	unsigned int secs = stress_seconds();
	int nthr = self->frames >= 2048 ? 4 : 2, i, s, status;
	const char *seed_env = getenv("VMARENA_SEED");
	__u64 seed, t0, elapsed, pg;
	__u64 ballast_pages = 0;
	pthread_mutexattr_t ma;
	int ballast = -1;
	char *bmap = NULL;
	pid_t pids[NPROC];
	__u64 buf[WORDS];
	bool ok;

	strict_dirty = getenv("VMARENA_STRESS_STRICT_DIRTY");
	seed = seed_env ? strtoull(seed_env, NULL, 0) : now_ns();
	seed |= 1;
	printf("# %u s, %d processes x %d threads, %llu frames, seed %llu\n",
	       secs, NPROC, nthr, (unsigned long long)self->frames,
	       (unsigned long long)seed);
	fflush(stdout);
	board = mmap(NULL, sizeof(*board), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, board);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&board->import_lock, &ma);
	all_stats(self->probe, g0);
	sh_pages = NPROC * nthr * SH_RANGE;
	for (s = 0; s < NSHARED; s++) {
		sh_fd[s] = open_space(_metadata);
		sh_map[s] = map(sh_fd[s], sh_pages, 0);
		ASSERT_NE(NULL, sh_map[s]);
	}
	/*
	 * A larger arena gets ballast: all but 256 of its frames (384 for 8
	 * workers) written once in a space of their own, kept open, so that
	 * the workload runs under the same pressure as in a 1 MiB arena.
	 */
	if (self->frames > (nthr == 2 ? 256U : 384U)) {
		ballast_pages = self->frames - (nthr == 2 ? 256 : 384);
		ballast = open_space(_metadata);
		bmap = map(ballast, ballast_pages, 0);
		ASSERT_NE(NULL, bmap);
		for (pg = 0; pg < ballast_pages; pg++)
			bmap[pg * PAGE] = 1;
		printf("# ballast: %llu pages\n", (unsigned long long)ballast_pages);
	}
	t0 = now_ns();
	board->deadline_ns = t0 + secs * 1000000000ULL;
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < NPROC; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			child(i * nthr, nthr, seed + i);
	}
	control(self->frames, seed, pids, NPROC);
	__atomic_store_n(&board->stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < NPROC; i++) {
		if (!pids[i])
			continue;
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fail(NULL, "process %d: %s %d", i,
			     WIFEXITED(status) ? "exit" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) :
						 WTERMSIG(status));
	}
	elapsed = now_ns() - t0;
	knobs_restore(&self->knobs);

	/* Every shared page holds the last version its owner wrote. */
	for (s = 0; s < NSHARED && !board->failures; s++) {
		for (pg = 0; pg < sh_pages; pg++) {
			memcpy(buf, sh_map[s] + pg * PAGE, PAGE);
			ok = page_ok(buf, 1 + s, pg, board->page[s][pg].cur);
			if (!ok || pread(sh_fd[s], buf, PAGE, pg * PAGE) != PAGE ||
			    !page_ok(buf, 1 + s, pg, board->page[s][pg].cur)) {
				fail(NULL, "shared space %d page %llu at the end: not v%llu",
				     s, (unsigned long long)pg,
				     (unsigned long long)board->page[s][pg].cur);
				break;
			}
		}
	}
	for (s = 0; s < NSHARED; s++) {
		munmap(sh_map[s], sh_pages * PAGE);
		close(sh_fd[s]);
	}
	if (bmap)
		munmap(bmap, ballast_pages * PAGE);
	if (ballast >= 0)
		close(ballast);

	for (i = 0; i < NR_OPS; i++)
		printf("# %s: %llu ops, %.1f/s\n", op_names[i],
		       (unsigned long long)board->ops[i],
		       board->ops[i] * 1e9 / elapsed);
	fflush(stdout);
	EXPECT_EQ(0, board->failures)
		TH_LOG("first failure: %s", board->first_failure);
	EXPECT_EQ(0, board->ops[OP_ENOMEM])
		TH_LOG("spurious -ENOMEM: %s", board->first_enomem);

	/* Every space goes, and all it held comes back. */
	all_stats(self->probe, g1);
	EXPECT_TRUE(wait_spaces_destroyed(self->probe,
					  g0[VMARENA_STAT_SPACES_DESTROYED] +
					  g1[VMARENA_STAT_SPACES_CREATED] -
					  g0[VMARENA_STAT_SPACES_CREATED]));
	all_stats(self->probe, g1);
#define DELTA(c) ((unsigned long long)(g1[VMARENA_STAT_##c] - g0[VMARENA_STAT_##c]))
	printf("# spaces %llu, evictions %llu, swap_outs %llu, swap_ins %llu\n",
	       DELTA(SPACES_CREATED), DELTA(EVICTIONS), DELTA(SWAP_OUTS),
	       DELTA(SWAP_INS));
	printf("# direct_reclaims %llu, daemon_wakeups %llu, clean_drops %llu, cow_breaks %llu\n",
	       DELTA(DIRECT_RECLAIMS), DELTA(DAEMON_WAKEUPS), DELTA(CLEAN_DROPS),
	       DELTA(COW_BREAKS));
	fflush(stdout);
	EXPECT_LT(0, DELTA(EVICTIONS));
	EXPECT_LT(0, DELTA(SWAP_INS));
	EXPECT_LT(0, DELTA(DIRECT_RECLAIMS));
	EXPECT_EQ(0, DELTA(SIGBUS));
	EXPECT_EQ(0, DELTA(READ_ERRORS));
	EXPECT_EQ(0, DELTA(WRITE_ERRORS));
	EXPECT_EQ(0, DELTA(BAD_FREES));
	EXPECT_EQ(0, DELTA(SLAB_OVERFLOWS));
	EXPECT_EQ(0, DELTA(SLAB_USE_AFTER_FREE));
	EXPECT_EQ(0, DELTA(SLAB_DOUBLE_FREES));
	EXPECT_EQ(g0[VMARENA_STAT_SWAP_SLOTS_USED], g1[VMARENA_STAT_SWAP_SLOTS_USED]);
	EXPECT_EQ(g0[VMARENA_STAT_PINNED], g1[VMARENA_STAT_PINNED]);
	EXPECT_EQ(g0[VMARENA_STAT_PAGES_SHARED], g1[VMARENA_STAT_PAGES_SHARED]);
	EXPECT_EQ(g0[VMARENA_STAT_RESIDENT], g1[VMARENA_STAT_RESIDENT]);
	EXPECT_EQ(g0[VMARENA_STAT_PT_FRAMES], g1[VMARENA_STAT_PT_FRAMES]);
#undef DELTA
	munmap(board, sizeof(*board));

	/*
	 * When the last space goes the caches give back their empty slabs:
	 * the arena is back to the free count it had with no space open.
	 */
	close(self->probe);
	self->probe = -1;
	EXPECT_TRUE(wait_spaces_destroyed_all());
	EXPECT_EQ(self->idle_free, debugfs_value("stats", "free_frames"));
}

/*
 * Found by the stress test: GET_DIRTY compares frames and slots, and a
 * pin breaks the sharing of a page with a generation with no write: a page
 * pinned when a generation is taken is copied into the generation (a pin
 * keeps its frame), and pinning a page that a generation shares copies it
 * for the space.  Either way GET_DIRTY then reports the page as changed
 * though nothing wrote it (and again after each REARM while it stays
 * pinned).  abi.rst: exact, "a page changed when its contents in the
 * space are no longer the generation's".  Pages: 0 written and pinned,
 * 1 written (the control), 2 a pinned hole, 3 written and pinned after
 * the CHECKPOINT.
 */
TEST(pins_are_no_change_for_get_dirty)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 4, 0);
	__u64 bitmap[1], gen;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	p[PAGE] = 2;
	p[3 * PAGE] = 4;
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, 0, PAGE));
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, 2 * PAGE, PAGE));
	gen = checkpoint(fd);
	ASSERT_NE(0, gen);
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, 3 * PAGE, PAGE));
	EXPECT_EQ(0, get_dirty(fd, gen, 4, bitmap, 0))
		TH_LOG("bitmap %#llx (pages 0, 2 and 3 pinned, none written)",
		       (unsigned long long)bitmap[0]);
	get_dirty(fd, gen, 4, bitmap, VMARENA_DIRTY_REARM);
	EXPECT_EQ(0, get_dirty(fd, gen, 4, bitmap, 0))
		TH_LOG("after REARM: bitmap %#llx", (unsigned long long)bitmap[0]);
	p[PAGE] = 3;
	EXPECT_EQ(1, get_dirty(fd, gen, 4, bitmap, 0));
	EXPECT_TRUE(bit_of(bitmap, 1));
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_UNPIN, 0, 4 * PAGE));
	munmap(p, 4 * PAGE);
	close(fd);
}

/*
 * Found by the stress test: IMPORT stages every page of the stream in a
 * frame, reclaiming only when an allocation fails, so while another
 * process keeps taking frames its staging ends with the arena (nearly)
 * empty; then the new table's page-table nodes are allocated with no
 * reclaim at all (import_commit -> import_apply -> vmarena_pt_set ->
 * pt_node_alloc -> vmarena_frames_alloc) and the IMPORT fails with -ENOMEM,
 * though nearly every frame holds an evictable page and the swap device is
 * almost empty.  (Faults have the same hole: space_new_page() takes its
 * data frame with reclaim, then vmarena_pt_set() its nodes without.)
 */
TEST(import_under_pressure_finds_frames_for_its_page_table)
{
	int src = open_space(_metadata), dst, st = memfd_create("s", MFD_CLOEXEC);
	__u64 frames = global_stat(src, VMARENA_STAT_ARENA_FRAMES), n, i;
	int hog = open_space(_metadata), failed = 0, round, err = 0;
	struct vmarena_export e = { .fd = st };
	char *p, *h;
	pid_t pid;

	attached_swap = need_swap(_metadata);
	n = frames / 4;
	p = map(src, n, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		p[i * PAGE] = 1;
	e.generation = checkpoint(src);
	ASSERT_EQ(0, ioctl(src, VMARENA_IOC_EXPORT, &e));
	h = map(hog, 2 * frames, 0);
	ASSERT_NE(NULL, h);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {		/* keeps the arena full of dirty pages */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (round = 0;; round++)
			for (i = 0; i < 2 * frames; i++)
				h[i * PAGE] = (char)round;
	}
	for (round = 0; round < 20; round++) {
		struct vmarena_import im = { .fd = st };

		lseek(st, 0, SEEK_SET);
		dst = open_space(_metadata);
		if (ioctl(dst, VMARENA_IOC_IMPORT, &im)) {
			failed++;
			err = errno;
		}
		close(dst);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(0, failed)
		TH_LOG("%d of 20 IMPORTs of %llu pages into a %llu-frame arena failed: %s",
		       failed, (unsigned long long)n, (unsigned long long)frames,
		       strerror(err));
	munmap(h, 2 * frames * PAGE);
	munmap(p, n * PAGE);
	close(hog);
	close(src);
	close(st);
	wait_spaces_destroyed_all();
	detach_swap();
}

TEST_HARNESS_MAIN
