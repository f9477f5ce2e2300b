// SPDX-License-Identifier: GPL-2.0
/*
 * stream.c - the export stream's checksum, writer and reader.
 *
 * A stream is a header, page records in strictly increasing page order
 * (each followed by a page of data unless it is a ZERO record), and a
 * trailer that repeats the record count and carries a Fletcher-64 of every
 * byte before its checksum field (Documentation/stream.rst).
 *
 * The writer fills little-endian structures and sums them as it goes.  The
 * reader is fed the same pieces in the same order, checks each one as it
 * arrives and reads nothing beyond the piece it is given, so an importer
 * can refuse a bad stream before it has read it all.  Every field is
 * accessed with get/put_unaligned_le*(): the layout is fixed, the host's
 * byte order and the buffer's alignment are not.
 *
 * Pure logic: also compiled by selftests/unit/ (and its fuzzer).
 */
#include "stream.h"

static_assert(sizeof(struct vmarena_stream_header) == 64, "header layout");
static_assert(sizeof(struct vmarena_stream_record) == 16, "record layout");
static_assert(sizeof(struct vmarena_stream_trailer) == 24, "trailer layout");
static_assert(VMARENA_PAGE_SIZE % 4 == 0, "pages are whole words");

/* The Fletcher modulus. */
#define SUM_MOD		0xffffffffULL

/* A little-endian field of a stream structure at @buf, aligned or not. */
#define field_le64(buf, type, field) \
	get_unaligned_le64((const u8 *)(buf) + offsetof(struct type, field))
#define field_le32(buf, type, field) \
	get_unaligned_le32((const u8 *)(buf) + offsetof(struct type, field))

/* @x modulo 2^32 - 1, without a division: 2^32 is 1 modulo 2^32 - 1. */
static u64 sum_mod(u64 x)
{
	x = (x & U32_MAX) + (x >> 32);	/* below 2^33 */
	x = (x & U32_MAX) + (x >> 32);	/* at most 2^32 */
	return x >= SUM_MOD ? x - SUM_MOD : x;
}

/**
 * vmarena_stream_sum_init() - start a Fletcher-64.
 * @s: the running sum.
 *
 * The first sum starts at 1, so that no input, empty or not, sums to 0.
 */
void vmarena_stream_sum_init(struct vmarena_stream_sum *s)
{
	s->a = 1;
	s->b = 0;
	s->pending = 0;
}

/* Add @n words, @n no more than the block's room, without reducing. */
static void sum_words(struct vmarena_stream_sum *s, const u8 *p, size_t n)
{
	u64 a = s->a, b = s->b;
	size_t i;

	for (i = 0; i < n; i++) {
		a += get_unaligned_le32(p + 4 * i);
		b += a;
	}
	s->a = a;
	s->b = b;
	s->pending += n;
}

/**
 * vmarena_stream_sum_update() - add bytes to a Fletcher-64.
 * @s:   the running sum.
 * @buf: the bytes, read as little-endian 32-bit words.
 * @len: their count, a multiple of 4 (every piece of a stream is).  A
 *       partial word is a bug of the caller: warned once and not summed.
 */
void vmarena_stream_sum_update(struct vmarena_stream_sum *s, const void *buf,
			       size_t len)
{
	const u8 *p = buf;
	size_t words = len / 4, n;

	WARN_ON_ONCE(len % 4);
	while (words) {
		n = VMARENA_STREAM_SUM_BLOCK - s->pending;
		n = words < n ? words : n;
		sum_words(s, p, n);
		p += 4 * n;
		words -= n;
		if (s->pending == VMARENA_STREAM_SUM_BLOCK) {
			s->a = sum_mod(s->a);
			s->b = sum_mod(s->b);
			s->pending = 0;
		}
	}
}

/**
 * vmarena_stream_sum_final() - the value of a Fletcher-64.
 * @s: the running sum; it may go on being updated afterwards.
 *
 * Return: the second sum in the upper 32 bits, the first in the lower,
 * each reduced modulo 2^32 - 1.
 */
u64 vmarena_stream_sum_final(const struct vmarena_stream_sum *s)
{
	return sum_mod(s->b) << 32 | sum_mod(s->a);
}

/**
 * vmarena_stream_write_header() - fill a stream's header and start its sum.
 * @w:          the writer, (re)initialised here.
 * @h:          the header to fill.
 * @source:     the exporting space's lineage.
 * @generation: the generation the stream carries, not 0.
 * @base:       @delta: the generation it is a delta from, in
 *              [1, @generation); else ignored (written as 0).
 * @delta:      whether the stream is a delta.
 * @pages:      the records that will follow.
 */
void vmarena_stream_write_header(struct vmarena_stream_writer *w,
				 struct vmarena_stream_header *h, u64 source,
				 u64 generation, u64 base, bool delta, u64 pages)
{
	WARN_ON_ONCE(!generation || (delta && (!base || base >= generation)));
	memset(h, 0, sizeof(*h));
	put_unaligned_le64(VMARENA_STREAM_MAGIC, &h->magic);
	put_unaligned_le32(VMARENA_STREAM_VERSION, &h->version);
	put_unaligned_le32(sizeof(*h), &h->header_size);
	put_unaligned_le32(VMARENA_PAGE_SIZE, &h->page_size);
	put_unaligned_le32(delta ? VMARENA_STREAM_DELTA : 0, &h->flags);
	put_unaligned_le64(source, &h->source);
	put_unaligned_le64(generation, &h->generation);
	put_unaligned_le64(delta ? base : 0, &h->base);
	put_unaligned_le64(pages, &h->pages);
	memset(w, 0, sizeof(*w));
	w->pages = pages;
	vmarena_stream_sum_init(&w->sum);
	vmarena_stream_sum_update(&w->sum, h, sizeof(*h));
}

/**
 * vmarena_stream_write_record() - fill the record of the next page.
 * @w:    the writer.
 * @r:    the record to fill.
 * @vpn:  its page number: below VMARENA_MAX_PAGES and above the last one.
 * @zero: a ZERO record (a hole; no data follows); else the page must be
 *        written next with vmarena_stream_write_data().
 */
void vmarena_stream_write_record(struct vmarena_stream_writer *w,
				 struct vmarena_stream_record *r, u64 vpn,
				 bool zero)
{
	WARN_ON_ONCE(w->data_due || w->written >= w->pages ||
		     vpn >= VMARENA_MAX_PAGES ||
		     (w->written && vpn <= w->last_vpn));
	memset(r, 0, sizeof(*r));
	put_unaligned_le64(vpn, &r->vpn);
	put_unaligned_le32(zero ? VMARENA_RECORD_ZERO : 0, &r->flags);
	vmarena_stream_sum_update(&w->sum, r, sizeof(*r));
	w->written++;
	w->last_vpn = vpn;
	w->data_due = !zero;
}

/**
 * vmarena_stream_write_data() - sum the page that follows a record.
 * @w:    the writer.
 * @page: its VMARENA_PAGE_SIZE bytes, written to the stream unchanged.
 */
void vmarena_stream_write_data(struct vmarena_stream_writer *w,
			       const void *page)
{
	WARN_ON_ONCE(!w->data_due);
	vmarena_stream_sum_update(&w->sum, page, VMARENA_PAGE_SIZE);
	w->data_due = false;
}

/**
 * vmarena_stream_write_trailer() - fill the trailer, checksum and all.
 * @w: the writer, after every record (and page) the header announced.
 * @t: the trailer to fill.
 */
void vmarena_stream_write_trailer(struct vmarena_stream_writer *w,
				  struct vmarena_stream_trailer *t)
{
	WARN_ON_ONCE(w->data_due || w->written != w->pages);
	put_unaligned_le64(VMARENA_STREAM_END, &t->magic);
	put_unaligned_le64(w->pages, &t->pages);
	vmarena_stream_sum_update(&w->sum, t, VMARENA_STREAM_TRAILER_SUMMED);
	put_unaligned_le64(vmarena_stream_sum_final(&w->sum), &t->checksum);
}

/* Refuse the piece at hand and every one after it. */
static int stream_fail(struct vmarena_stream_reader *r, int err)
{
	r->state = VMARENA_STREAM_BROKEN;
	return err;
}

/**
 * vmarena_stream_reader_init() - get a reader ready for a header.
 * @r: the reader.
 */
void vmarena_stream_reader_init(struct vmarena_stream_reader *r)
{
	memset(r, 0, sizeof(*r));
	r->state = VMARENA_STREAM_WANT_HEADER;
}

/* The header's format fields: magic, version, sizes, flags, reserved. */
static int header_format(const void *buf)
{
	if (field_le64(buf, vmarena_stream_header, magic) != VMARENA_STREAM_MAGIC)
		return -EBADMSG;
	if (field_le32(buf, vmarena_stream_header, version) != VMARENA_STREAM_VERSION)
		return -EINVAL;
	if (field_le32(buf, vmarena_stream_header, header_size) !=
	    VMARENA_STREAM_HEADER_BYTES)
		return -EBADMSG;
	if (field_le32(buf, vmarena_stream_header, page_size) != VMARENA_PAGE_SIZE)
		return -EINVAL;
	if (field_le32(buf, vmarena_stream_header, flags) & ~VMARENA_STREAM_DELTA)
		return -EBADMSG;
	if (field_le64(buf, vmarena_stream_header, reserved))
		return -EBADMSG;
	return 0;
}

/* The header's content: generation and base, and a possible record count. */
static int header_lineage(const struct vmarena_stream_reader *r)
{
	if (!r->generation)
		return -EBADMSG;
	if (r->flags & VMARENA_STREAM_DELTA) {
		if (!r->base || r->base >= r->generation)
			return -EBADMSG;
	} else if (r->base) {
		return -EBADMSG;
	}
	/* Distinct page numbers below VMARENA_MAX_PAGES: no more records. */
	if (r->pages > VMARENA_MAX_PAGES)
		return -EBADMSG;
	return 0;
}

/* What a reader wants after a record's page (or its ZERO record). */
static enum vmarena_stream_state after_page(const struct vmarena_stream_reader *r)
{
	if (r->records == r->pages)
		return VMARENA_STREAM_WANT_TRAILER;
	return VMARENA_STREAM_WANT_RECORD;
}

/**
 * vmarena_stream_read_header() - check a stream's header and start its sum.
 * @r:         the reader, expecting a header.
 * @buf:       the first VMARENA_STREAM_HEADER_BYTES bytes of the stream.
 * @max_pages: the most records the caller accepts.
 *
 * On success, @r holds the header's fields in host order.
 *
 * Return: 0, or the error of the first failing check, in this order:
 * -EBADMSG for a reader that was not expecting a header or a wrong magic;
 * -EINVAL for another version; -EBADMSG for a header_size other than 64;
 * -EINVAL for a page_size other than 4096; -EBADMSG for unknown flags, a
 * non-zero reserved field, generation 0, a delta whose base is 0 or not
 * below its generation, a full stream with a non-zero base, or more
 * records than there are page numbers (2^36); -E2BIG for more records
 * than @max_pages.  After an error the reader refuses every piece.
 */
int vmarena_stream_read_header(struct vmarena_stream_reader *r,
			       const void *buf, u64 max_pages)
{
	int ret;

	if (r->state != VMARENA_STREAM_WANT_HEADER)
		return stream_fail(r, -EBADMSG);
	ret = header_format(buf);
	if (ret)
		return stream_fail(r, ret);
	r->flags = field_le32(buf, vmarena_stream_header, flags);
	r->source = field_le64(buf, vmarena_stream_header, source);
	r->generation = field_le64(buf, vmarena_stream_header, generation);
	r->base = field_le64(buf, vmarena_stream_header, base);
	r->pages = field_le64(buf, vmarena_stream_header, pages);
	ret = header_lineage(r);
	if (!ret && r->pages > max_pages)
		ret = -E2BIG;
	if (ret)
		return stream_fail(r, ret);
	vmarena_stream_sum_init(&r->sum);
	vmarena_stream_sum_update(&r->sum, buf, VMARENA_STREAM_HEADER_BYTES);
	r->state = after_page(r);
	return 0;
}

/**
 * vmarena_stream_read_record() - check the record of the next page.
 * @r:    the reader, expecting a record (fewer than the header's count have
 *        been read, and the last one's page too).
 * @buf:  the record's VMARENA_STREAM_RECORD_BYTES bytes.
 * @vpn:  out: its page number.
 * @zero: out: whether it is a ZERO record (the page is a hole; no data
 *        follows; allowed in full streams too, where it changes nothing);
 *        if not, the page must be read next with vmarena_stream_read_data().
 *
 * Return: 0, or -EBADMSG for a reader not expecting a record, unknown
 * flags, a non-zero reserved field, a page number of VMARENA_MAX_PAGES or
 * more, or one not above the previous record's.
 */
int vmarena_stream_read_record(struct vmarena_stream_reader *r,
			       const void *buf, u64 *vpn, bool *zero)
{
	u64 v = field_le64(buf, vmarena_stream_record, vpn);
	u32 flags = field_le32(buf, vmarena_stream_record, flags);

	if (r->state != VMARENA_STREAM_WANT_RECORD ||
	    (flags & ~VMARENA_RECORD_ZERO) ||
	    field_le32(buf, vmarena_stream_record, reserved) ||
	    v >= VMARENA_MAX_PAGES || (r->records && v <= r->last_vpn))
		return stream_fail(r, -EBADMSG);
	vmarena_stream_sum_update(&r->sum, buf, VMARENA_STREAM_RECORD_BYTES);
	r->records++;
	r->last_vpn = v;
	*vpn = v;
	*zero = flags & VMARENA_RECORD_ZERO;
	r->state = *zero ? after_page(r) : VMARENA_STREAM_WANT_DATA;
	return 0;
}

/**
 * vmarena_stream_read_data() - sum the page that follows a record.
 * @r:    the reader, after a record that was not ZERO.
 * @page: its VMARENA_PAGE_SIZE bytes (any contents are valid).
 *
 * Return: 0, or -EBADMSG for a reader that was not expecting a page.
 */
int vmarena_stream_read_data(struct vmarena_stream_reader *r, const void *page)
{
	if (r->state != VMARENA_STREAM_WANT_DATA)
		return stream_fail(r, -EBADMSG);
	vmarena_stream_sum_update(&r->sum, page, VMARENA_PAGE_SIZE);
	r->state = after_page(r);
	return 0;
}

/**
 * vmarena_stream_read_trailer() - check the trailer and the checksum.
 * @r:   the reader, after every record (and page) the header announced.
 * @buf: the trailer's VMARENA_STREAM_TRAILER_BYTES bytes.
 *
 * Return: 0 when the whole stream is valid, or -EBADMSG for a reader not
 * expecting the trailer (records missing), a wrong magic, a record count
 * other than the header's, or a checksum mismatch.
 */
int vmarena_stream_read_trailer(struct vmarena_stream_reader *r,
				const void *buf)
{
	if (r->state != VMARENA_STREAM_WANT_TRAILER ||
	    field_le64(buf, vmarena_stream_trailer, magic) != VMARENA_STREAM_END ||
	    field_le64(buf, vmarena_stream_trailer, pages) != r->pages)
		return stream_fail(r, -EBADMSG);
	vmarena_stream_sum_update(&r->sum, buf, VMARENA_STREAM_TRAILER_SUMMED);
	if (field_le64(buf, vmarena_stream_trailer, checksum) !=
	    vmarena_stream_sum_final(&r->sum))
		return stream_fail(r, -EBADMSG);
	r->state = VMARENA_STREAM_DONE;
	return 0;
}

/* The bytes of a whole stream not yet checked. */
struct stream_cursor {
	const u8 *p;
	size_t left;
};

/* The next @len bytes, or NULL when the stream ends before them. */
static const void *cursor_take(struct stream_cursor *c, size_t len)
{
	const void *piece = c->p;

	if (c->left < len)
		return NULL;
	c->p += len;
	c->left -= len;
	return piece;
}

/* One record and, unless it is ZERO, its page. */
static int check_page(struct vmarena_stream_reader *r, struct stream_cursor *c)
{
	const void *piece = cursor_take(c, VMARENA_STREAM_RECORD_BYTES);
	bool zero;
	u64 vpn;
	int ret;

	if (!piece)
		return -EBADMSG;
	ret = vmarena_stream_read_record(r, piece, &vpn, &zero);
	if (ret || zero)
		return ret;
	piece = cursor_take(c, VMARENA_PAGE_SIZE);
	return piece ? vmarena_stream_read_data(r, piece) : -EBADMSG;
}

/**
 * vmarena_stream_check() - check a whole stream held in memory.
 * @buf:       the stream.
 * @len:       its length in bytes.
 * @max_pages: the most records accepted.
 *
 * Reads the pieces in stream order with the reader above, exactly as an
 * importer does; nothing at or past @buf + @len is read.
 *
 * Return: 0 for a valid stream of exactly @len bytes; the reader's errors;
 * -EBADMSG when the stream is cut short (anywhere, the header included) or
 * followed by more bytes.
 */
int vmarena_stream_check(const void *buf, size_t len, u64 max_pages)
{
	struct stream_cursor c = { .p = buf, .left = len };
	struct vmarena_stream_reader r;
	const void *piece;
	int ret;

	vmarena_stream_reader_init(&r);
	piece = cursor_take(&c, VMARENA_STREAM_HEADER_BYTES);
	ret = piece ? vmarena_stream_read_header(&r, piece, max_pages) : -EBADMSG;
	while (!ret && r.state != VMARENA_STREAM_WANT_TRAILER)
		ret = check_page(&r, &c);
	if (ret)
		return ret;
	piece = cursor_take(&c, VMARENA_STREAM_TRAILER_BYTES);
	ret = piece ? vmarena_stream_read_trailer(&r, piece) : -EBADMSG;
	return !ret && c.left ? -EBADMSG : ret;
}
