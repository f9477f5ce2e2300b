// SPDX-License-Identifier: GPL-2.0
/*
 * stream_fuzz.c - a libFuzzer target for module/stream.c.
 *
 *   make fuzz                     10 minutes, corpus in build/fuzz/corpus
 *   tools/stream_fuzz.sh 25       what the unit level of tools/check runs
 *
 * Every input is used twice (Documentation/stream.rst, "Fuzzing"):
 *
 * 1. As a stream: vmarena_stream_check() must answer 0, -EBADMSG, -EINVAL
 *    or -E2BIG, without a sanitizer report (ASan, UBSan, unsigned integer
 *    overflow, a leak) and without a warning: input must never trigger one.
 *
 * 2. As a recipe: the input chooses a stream (delta or full, generation,
 *    base, up to 8 records, their gaps, ZERO flags and page contents),
 *    which the writer writes.  It must check as 0, and the piece-by-piece
 *    reader must give back the recipe.  Then one byte of it is changed, it
 *    is cut short, and a byte is appended: each must be refused.
 *
 * Why every single-byte change is refused: whatever the change does to the
 * parse, a stream that parses to its end has its checksum in its last 8
 * bytes and sums every byte before them.  A change there alters the stored
 * value and not the sum; a change before them alters one 32-bit word by
 * (new - old) * 2^(8k), non-zero and smaller than 2^32 - 1 in absolute
 * value, so the first sum moves modulo 2^32 - 1 and the checksum with it.
 * (Two changes can cancel: that is not claimed.)
 */
#include "stream.h"

#define MAX_RECORDS 8
#define STREAM_MAX (VMARENA_STREAM_HEADER_BYTES + VMARENA_STREAM_TRAILER_BYTES + \
		    MAX_RECORDS * (VMARENA_STREAM_RECORD_BYTES + VMARENA_PAGE_SIZE))

/* The bytes of a recipe, consumed from the front; zeros once exhausted. */
struct recipe {
	const u8 *p;
	size_t left;
};

static u64 take(struct recipe *rc, unsigned int bytes)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes && rc->left; i++, rc->left--)
		v |= (u64)*rc->p++ << (8 * i);
	return v;
}

/* A stream the recipe chose, and what it holds. */
struct made {
	u8 buf[STREAM_MAX + 1];		/* + 1: a byte appended */
	size_t len;
	u64 generation;
	unsigned int n;
	u64 vpn[MAX_RECORDS];
	bool zero[MAX_RECORDS];
};

static void fail(const char *what, int ret)
{
	fprintf(stderr, "stream_fuzz: %s (%d)\n", what, ret);
	abort();
}

/* Errors the stream code may give; anything else is a bug. */
static void expect_refusal(int ret, const char *what)
{
	if (ret != -EBADMSG && ret != -EINVAL && ret != -E2BIG)
		fail(what, ret);
}

/* Page numbers in order: near 0 or near 2^36, with gaps of 1 to 256. */
static void choose_pages(struct made *m, struct recipe *rc)
{
	u64 vpn = take(rc, 1) & 1 ? VMARENA_MAX_PAGES - 1 - take(rc, 2) : take(rc, 2);
	unsigned int want = take(rc, 1) % (MAX_RECORDS + 1), i;

	for (i = 0; i < want && vpn < VMARENA_MAX_PAGES; i++) {
		m->vpn[i] = vpn;
		m->zero[i] = take(rc, 1) & 1;
		vpn += 1 + take(rc, 1);
	}
	m->n = i;
}

/* A page of bytes from a small generator seeded by the recipe and @vpn. */
static void fill_page(u8 *p, u64 vpn, u32 seed)
{
	u32 x = seed ^ (u32)vpn ^ 0x9e3779b9;
	size_t i;

	for (i = 0; i < VMARENA_PAGE_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = seed & 0x100 ? (u8)seed : (u8)x;	/* a run, or noise */
	}
}

static void make_stream(struct made *m, struct recipe *rc)
{
	bool delta = take(rc, 1) & 1;
	u64 base, off = VMARENA_STREAM_HEADER_BYTES;
	struct vmarena_stream_writer w;
	unsigned int i;

	m->generation = 2 + take(rc, 4);
	base = 1 + take(rc, 4) % (m->generation - 1);
	choose_pages(m, rc);
	vmarena_stream_write_header(&w, (void *)m->buf, take(rc, 8), m->generation,
				    base, delta, m->n);
	for (i = 0; i < m->n; i++) {
		vmarena_stream_write_record(&w, (void *)(m->buf + off), m->vpn[i],
					    m->zero[i]);
		off += VMARENA_STREAM_RECORD_BYTES;
		if (m->zero[i])
			continue;
		fill_page(m->buf + off, m->vpn[i], take(rc, 2));
		vmarena_stream_write_data(&w, m->buf + off);
		off += VMARENA_PAGE_SIZE;
	}
	vmarena_stream_write_trailer(&w, (void *)(m->buf + off));
	m->len = off + VMARENA_STREAM_TRAILER_BYTES;
}

/* vmarena_stream_check() on a copy of exactly @len bytes (ASan bounds). */
static int check_copy(const u8 *buf, size_t len, u64 max_pages)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	if (!copy)
		abort();
	memcpy(copy, buf, len);
	ret = vmarena_stream_check(copy, len, max_pages);
	free(copy);
	return ret;
}

/* The piece-by-piece reader must give back what the recipe chose. */
static void read_back(const struct made *m)
{
	struct vmarena_stream_reader r;
	size_t off = VMARENA_STREAM_HEADER_BYTES;
	unsigned int i;
	bool zero;
	u64 vpn;

	vmarena_stream_reader_init(&r);
	if (vmarena_stream_read_header(&r, m->buf, m->n) || r.pages != m->n ||
	    r.generation != m->generation)
		fail("the header of a valid stream", 0);
	for (i = 0; i < m->n; i++) {
		if (vmarena_stream_read_record(&r, m->buf + off, &vpn, &zero) ||
		    vpn != m->vpn[i] || zero != m->zero[i])
			fail("a record of a valid stream", i);
		off += VMARENA_STREAM_RECORD_BYTES;
		if (zero)
			continue;
		if (vmarena_stream_read_data(&r, m->buf + off))
			fail("a page of a valid stream", i);
		off += VMARENA_PAGE_SIZE;
	}
	if (vmarena_stream_read_trailer(&r, m->buf + off))
		fail("the trailer of a valid stream", 0);
}

/* Valid, read back; one byte changed, cut, or lengthened: refused. */
static void structured(struct recipe *rc)
{
	static struct made m;
	size_t at;
	u8 flip;
	int ret;

	make_stream(&m, rc);
	ret = check_copy(m.buf, m.len, m.n);
	if (ret)
		fail("a stream from the writer", ret);
	read_back(&m);
	at = take(rc, 4) % m.len;
	flip = take(rc, 1) ? : 0x01;
	m.buf[at] ^= flip;
	ret = check_copy(m.buf, m.len, m.n);	/* pages changed: -E2BIG */
	expect_refusal(ret, "one byte changed");
	m.buf[at] ^= flip;
	if (check_copy(m.buf, at, MAX_RECORDS) != -EBADMSG)
		fail("a stream cut short", at);
	m.buf[m.len] = (u8)take(rc, 1);
	if (check_copy(m.buf, m.len + 1, MAX_RECORDS) != -EBADMSG)
		fail("a stream with a byte appended", 0);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct recipe rc = { .p = data, .left = size };
	int ret;

	ret = vmarena_stream_check(data, size, ~0ULL);
	if (ret)
		expect_refusal(ret, "arbitrary bytes");
	structured(&rc);
	if (shim_warnings)
		fail("a warning", (int)shim_warnings);
	return 0;
}
