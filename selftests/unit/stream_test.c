// SPDX-License-Identifier: GPL-2.0
/*
 * stream_test.c - module/stream.c in user space: streams made by the
 * writer read back unchanged, the checksum is Fletcher-64, and every rule
 * of Documentation/stream.rst refuses a stream with its own errno.
 *
 * Streams that break a rule are made by the writer and then patched; the
 * checksum is then made right again ("resealed"), so that the refusal is
 * the rule's and not the checksum's.  Every buffer handed to the code
 * under test is a malloc() of exactly its length, so a read beyond it is
 * an ASan report.
 */
#include "stream.h"
#include "kselftest_harness.h"

#define MAX_RECORDS 8
#define PAGE VMARENA_PAGE_SIZE
#define HEADER VMARENA_STREAM_HEADER_BYTES
#define RECORD VMARENA_STREAM_RECORD_BYTES
#define TRAILER VMARENA_STREAM_TRAILER_BYTES
#define HDR_FIELD(f) offsetof(struct vmarena_stream_header, f)
#define REC_FIELD(f) offsetof(struct vmarena_stream_record, f)
#define TRL_FIELD(f) offsetof(struct vmarena_stream_trailer, f)

struct page_spec {
	u64 vpn;
	bool zero;
};

/* A stream in memory and where its pieces start. */
struct stream {
	u8 *buf;
	size_t len;
	unsigned int n;
	size_t record[MAX_RECORDS];	/* offset of each record */
	size_t trailer;			/* offset of the trailer */
};

/* The contents the tests give page @vpn: different for every page. */
static u8 page_byte(u64 vpn, size_t i)
{
	return (u8)(vpn * 131 + i * 7 + (i >> 9));
}

static void fill_page(u8 *p, u64 vpn)
{
	size_t i;

	for (i = 0; i < PAGE; i++)
		p[i] = page_byte(vpn, i);
}

/* Fletcher-64 exactly as Documentation/stream.rst defines it. */
static u64 naive_fletcher64(const u8 *p, size_t len)
{
	u64 sum1 = 1, sum2 = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		u32 w = p[i] | p[i + 1] << 8 | p[i + 2] << 16 | (u32)p[i + 3] << 24;

		sum1 = (sum1 + w) % 0xffffffff;
		sum2 = (sum2 + sum1) % 0xffffffff;
	}
	return sum2 << 32 | sum1;
}

static size_t stream_len(const struct page_spec *p, unsigned int n)
{
	size_t len = HEADER + TRAILER + n * RECORD;
	unsigned int i;

	for (i = 0; i < n; i++)
		len += p[i].zero ? 0 : PAGE;
	return len;
}

/* Write a stream of the pages @p with the writer. */
static void build(struct stream *s, u64 generation, u64 base, bool delta,
		  const struct page_spec *p, unsigned int n)
{
	struct vmarena_stream_writer w;
	size_t off = HEADER;
	unsigned int i;

	assert(n <= MAX_RECORDS);
	s->n = n;
	s->len = stream_len(p, n);
	s->buf = malloc(s->len);
	assert(s->buf);
	vmarena_stream_write_header(&w, (void *)s->buf, 0x0123456789abcdefULL,
				    generation, base, delta, n);
	for (i = 0; i < n; i++) {
		s->record[i] = off;
		vmarena_stream_write_record(&w, (void *)(s->buf + off), p[i].vpn,
					    p[i].zero);
		off += RECORD;
		if (p[i].zero)
			continue;
		fill_page(s->buf + off, p[i].vpn);
		vmarena_stream_write_data(&w, s->buf + off);
		off += PAGE;
	}
	s->trailer = off;
	vmarena_stream_write_trailer(&w, (void *)(s->buf + off));
	assert(off + TRAILER == s->len);
}

/* Make the checksum right again after a patch. */
static void reseal(struct stream *s)
{
	struct vmarena_stream_sum sum;

	vmarena_stream_sum_init(&sum);
	vmarena_stream_sum_update(&sum, s->buf, s->len - 8);
	put_unaligned_le64(vmarena_stream_sum_final(&sum), s->buf + s->len - 8);
}

static void patch64(struct stream *s, size_t off, u64 v)
{
	put_unaligned_le64(v, s->buf + off);
	reseal(s);
}

static void patch32(struct stream *s, size_t off, u32 v)
{
	put_unaligned_le32(v, s->buf + off);
	reseal(s);
}

/* vmarena_stream_check() on the first @len bytes, in a buffer of @len. */
static int check_prefix(const struct stream *s, size_t len, u64 max_pages)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	assert(copy);
	memcpy(copy, s->buf, len);
	ret = vmarena_stream_check(copy, len, max_pages);
	free(copy);
	return ret;
}

static int check(const struct stream *s)
{
	return check_prefix(s, s->len, MAX_RECORDS);
}

/* Call a reader function on a copy of the piece of @len bytes at @src. */
#define FEED(fn, r, src, len, ...) ({				\
	size_t __len = (len);					\
	void *__p = malloc(__len);				\
	int __ret;						\
								\
	assert(__p);						\
	memcpy(__p, src, __len);				\
	__ret = fn(r, __p, ##__VA_ARGS__);			\
	free(__p);						\
	__ret;							\
})

/* What a reader made of a stream: its pages and their data's sums. */
struct read_back {
	u64 vpn[MAX_RECORDS];
	bool zero[MAX_RECORDS];
	u64 data_sum[MAX_RECORDS];
	unsigned int n;
};

/* Read @s piece by piece, as the importer does; stop at an error. */
static int read_pieces(const struct stream *s, struct vmarena_stream_reader *r,
		       struct read_back *out)
{
	size_t off = HEADER;
	int ret;

	vmarena_stream_reader_init(r);
	memset(out, 0, sizeof(*out));
	ret = FEED(vmarena_stream_read_header, r, s->buf, HEADER, MAX_RECORDS);
	while (!ret && out->n < r->pages) {
		unsigned int i = out->n++;

		ret = FEED(vmarena_stream_read_record, r, s->buf + off, RECORD,
			   &out->vpn[i], &out->zero[i]);
		off += RECORD;
		if (ret || out->zero[i])
			continue;
		out->data_sum[i] = naive_fletcher64(s->buf + off, PAGE);
		ret = FEED(vmarena_stream_read_data, r, s->buf + off, PAGE);
		off += PAGE;
	}
	return ret ? ret : FEED(vmarena_stream_read_trailer, r, s->buf + off, TRAILER);
}

static const struct page_spec three_pages[] = {
	{ .vpn = 0 }, { .vpn = 7, .zero = true }, { .vpn = 4096 },
};

static void expect_read_back(struct __test_metadata *_metadata,
			     const struct stream *s, const struct page_spec *p,
			     unsigned int n)
{
	struct vmarena_stream_reader r;
	struct read_back out;
	u8 page[PAGE];
	unsigned int i;

	ASSERT_EQ(0, read_pieces(s, &r, &out));
	EXPECT_EQ(VMARENA_STREAM_DONE, r.state);
	ASSERT_EQ(n, out.n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(p[i].vpn, out.vpn[i]);
		EXPECT_EQ(p[i].zero, out.zero[i]);
		if (p[i].zero)
			continue;
		fill_page(page, p[i].vpn);
		EXPECT_EQ(naive_fletcher64(page, PAGE), out.data_sum[i]);
	}
}

TEST(a_full_stream_reads_back_the_pages_written)
{
	struct vmarena_stream_reader r;
	struct read_back out;
	struct stream s;

	shim_warnings = 0;
	build(&s, 5, 0, false, three_pages, 3);
	EXPECT_EQ(0, check(&s));
	expect_read_back(_metadata, &s, three_pages, 3);
	ASSERT_EQ(0, read_pieces(&s, &r, &out));
	EXPECT_EQ(0, r.flags);
	EXPECT_EQ(0x0123456789abcdefULL, r.source);
	EXPECT_EQ(5, r.generation);
	EXPECT_EQ(0, r.base);
	EXPECT_EQ(3, r.pages);
	EXPECT_EQ(0, shim_warnings);
	free(s.buf);
}

TEST(a_delta_stream_reads_back_its_pages_and_zero_records)
{
	static const struct page_spec delta[] = {
		{ .vpn = 1, .zero = true }, { .vpn = 2 }, { .vpn = 3, .zero = true },
		{ .vpn = 1000 }, { .vpn = VMARENA_MAX_PAGES - 1, .zero = true },
	};
	struct vmarena_stream_reader r;
	struct read_back out;
	struct stream s;

	shim_warnings = 0;
	build(&s, 9, 4, true, delta, ARRAY_SIZE(delta));
	EXPECT_EQ(0, check(&s));
	expect_read_back(_metadata, &s, delta, ARRAY_SIZE(delta));
	ASSERT_EQ(0, read_pieces(&s, &r, &out));
	EXPECT_EQ(VMARENA_STREAM_DELTA, r.flags);
	EXPECT_EQ(9, r.generation);
	EXPECT_EQ(4, r.base);
	EXPECT_EQ(0, shim_warnings);
	free(s.buf);
}

TEST(a_stream_of_no_pages_is_a_header_and_a_trailer)
{
	struct stream s;

	build(&s, 1, 0, false, NULL, 0);
	EXPECT_EQ(HEADER + TRAILER, s.len);
	EXPECT_EQ(0, check(&s));
	EXPECT_EQ(0, check_prefix(&s, s.len, 0));
	free(s.buf);
}

TEST(a_zero_record_in_a_full_stream_is_accepted_as_a_hole)
{
	static const struct page_spec holes[] = {
		{ .vpn = 3, .zero = true }, { .vpn = 4, .zero = true },
	};
	struct stream s;

	build(&s, 2, 0, false, holes, 2);
	EXPECT_EQ(0, check(&s));
	expect_read_back(_metadata, &s, holes, 2);
	free(s.buf);
}

/* Random bytes, summed in random 4-byte-aligned slices, against the naive. */
TEST(the_sum_is_fletcher64_however_the_bytes_are_sliced)
{
	static u8 buf[3 * PAGE * VMARENA_STREAM_SUM_BLOCK / 1024 + 64];
	struct vmarena_stream_sum sum;
	unsigned int round;
	size_t i, len, off, n;

	srandom(11);
	for (round = 0; round < 200; round++) {
		len = 4 * (random() % (sizeof(buf) / 4 + 1));
		for (i = 0; i < len; i++)
			buf[i] = random();
		vmarena_stream_sum_init(&sum);
		for (off = 0; off < len; off += n) {
			n = 4 * (random() % 700);
			n = n > len - off ? len - off : n;
			vmarena_stream_sum_update(&sum, buf + off, n);
		}
		ASSERT_EQ(naive_fletcher64(buf, len), vmarena_stream_sum_final(&sum))
			TH_LOG("round %u, %zu bytes", round, len);
	}
}

/* 2^32 - 1 is 0 modulo 2^32 - 1: a sum is always given as 0..2^32 - 2. */
TEST(a_sum_of_2_to_the_32_minus_1_reduces_to_0)
{
	static const u8 word[4] = { 0xfe, 0xff, 0xff, 0xff };
	struct vmarena_stream_sum sum;

	vmarena_stream_sum_init(&sum);		/* 1 + 0xfffffffe */
	vmarena_stream_sum_update(&sum, word, sizeof(word));
	EXPECT_EQ(0, vmarena_stream_sum_final(&sum));
	EXPECT_EQ(naive_fletcher64(word, sizeof(word)), 0);
}

/*
 * All-ones words make both sums grow fastest between reductions, and
 * 0xffffffff is congruent to 0: the deferred reduction must still agree
 * with the naive sum after many blocks, in one update or word by word.
 */
TEST(deferred_reduction_is_exact_for_the_largest_words)
{
	size_t len = 256 * VMARENA_STREAM_SUM_BLOCK * 4 + 12, off;
	struct vmarena_stream_sum one, many;
	u8 *buf = malloc(len);

	ASSERT_NE(NULL, buf);
	memset(buf, 0xff, len);
	vmarena_stream_sum_init(&one);
	vmarena_stream_sum_init(&many);
	vmarena_stream_sum_update(&one, buf, len);
	for (off = 0; off < len; off += 4)
		vmarena_stream_sum_update(&many, buf + off, 4);
	EXPECT_EQ(naive_fletcher64(buf, len), vmarena_stream_sum_final(&one));
	EXPECT_EQ(vmarena_stream_sum_final(&one), vmarena_stream_sum_final(&many));
	free(buf);
}

TEST(a_partial_word_is_warned_and_not_summed)
{
	static const u8 bytes[6] = { 1, 0, 0, 0, 9, 9 };
	struct vmarena_stream_sum sum;

	shim_warnings = 0;
	vmarena_stream_sum_init(&sum);
	vmarena_stream_sum_update(&sum, bytes, sizeof(bytes));
	EXPECT_EQ(1, shim_warnings);
	EXPECT_EQ(naive_fletcher64(bytes, 4), vmarena_stream_sum_final(&sum));
	shim_warnings = 0;
}

/* The values Documentation/stream.rst gives as examples. */
TEST(the_documented_checksum_examples_hold)
{
	static const u8 words[8] = { 1, 0, 0, 0, 2, 0, 0, 0 };
	struct vmarena_stream_sum sum;
	struct stream s;

	vmarena_stream_sum_init(&sum);
	EXPECT_EQ(1, vmarena_stream_sum_final(&sum));
	vmarena_stream_sum_update(&sum, words, sizeof(words));
	EXPECT_EQ(0x0000000600000004ULL, vmarena_stream_sum_final(&sum));
	build(&s, 1, 0, false, NULL, 0);
	EXPECT_EQ(0xd657202ac0f257f8ULL, get_unaligned_le64(s.buf + s.len - 8));
	free(s.buf);
}

TEST(the_checksum_covers_every_byte_before_it)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	EXPECT_EQ(naive_fletcher64(s.buf, s.len - 8),
		  get_unaligned_le64(s.buf + s.len - 8));
	free(s.buf);
}

TEST(a_stream_cut_at_any_piece_boundary_or_inside_a_piece_is_ebadmsg)
{
	struct stream s;
	unsigned int i;

	build(&s, 5, 0, false, three_pages, 3);
	EXPECT_EQ(-EBADMSG, check_prefix(&s, 0, MAX_RECORDS));
	EXPECT_EQ(-EBADMSG, check_prefix(&s, HEADER / 2, MAX_RECORDS));
	for (i = 0; i < s.n; i++) {
		size_t at = s.record[i];

		EXPECT_EQ(-EBADMSG, check_prefix(&s, at, MAX_RECORDS)) TH_LOG("%u", i);
		EXPECT_EQ(-EBADMSG, check_prefix(&s, at + RECORD / 2, MAX_RECORDS));
		EXPECT_EQ(-EBADMSG, check_prefix(&s, at + RECORD, MAX_RECORDS));
		if (three_pages[i].zero)
			continue;
		EXPECT_EQ(-EBADMSG, check_prefix(&s, at + RECORD + PAGE / 2, MAX_RECORDS));
		EXPECT_EQ(-EBADMSG, check_prefix(&s, at + RECORD + PAGE - 4, MAX_RECORDS));
	}
	EXPECT_EQ(-EBADMSG, check_prefix(&s, s.trailer, MAX_RECORDS));
	EXPECT_EQ(-EBADMSG, check_prefix(&s, s.trailer + 16, MAX_RECORDS));
	EXPECT_EQ(-EBADMSG, check_prefix(&s, s.len - 1, MAX_RECORDS));
	EXPECT_EQ(0, check_prefix(&s, s.len, MAX_RECORDS));
	free(s.buf);
}

TEST(every_shorter_prefix_of_a_stream_is_ebadmsg)
{
	static const struct page_spec p[] = {
		{ .vpn = 2, .zero = true }, { .vpn = 5 }, { .vpn = 6, .zero = true },
	};
	struct stream s;
	size_t len;

	build(&s, 3, 1, true, p, 3);
	for (len = 0; len < s.len; len++)
		ASSERT_EQ(-EBADMSG, check_prefix(&s, len, MAX_RECORDS)) TH_LOG("%zu", len);
	free(s.buf);
}

TEST(bytes_after_the_trailer_are_ebadmsg)
{
	struct stream s, longer;

	build(&s, 5, 0, false, three_pages, 3);
	longer = s;
	longer.buf = calloc(1, s.len + 8);
	ASSERT_NE(NULL, longer.buf);
	memcpy(longer.buf, s.buf, s.len);
	EXPECT_EQ(0, check_prefix(&longer, s.len, MAX_RECORDS));
	EXPECT_EQ(-EBADMSG, check_prefix(&longer, s.len + 1, MAX_RECORDS));
	EXPECT_EQ(-EBADMSG, check_prefix(&longer, s.len + 8, MAX_RECORDS));
	free(longer.buf);
	free(s.buf);
}

TEST(a_flipped_checksum_bit_is_ebadmsg)
{
	struct stream s;
	unsigned int bit;

	build(&s, 5, 0, false, three_pages, 3);
	for (bit = 0; bit < 64; bit++) {
		s.buf[s.len - 8 + bit / 8] ^= 1 << (bit % 8);
		EXPECT_EQ(-EBADMSG, check(&s)) TH_LOG("bit %u", bit);
		s.buf[s.len - 8 + bit / 8] ^= 1 << (bit % 8);
	}
	EXPECT_EQ(0, check(&s));
	free(s.buf);
}

TEST(a_flipped_data_bit_is_ebadmsg)
{
	struct stream s;
	size_t data;
	unsigned int bit;

	build(&s, 5, 0, false, three_pages, 3);
	data = s.record[2] + RECORD;
	for (bit = 0; bit < 8 * PAGE; bit += 97) {
		s.buf[data + bit / 8] ^= 1 << (bit % 8);
		EXPECT_EQ(-EBADMSG, check(&s)) TH_LOG("bit %u", bit);
		s.buf[data + bit / 8] ^= 1 << (bit % 8);
	}
	EXPECT_EQ(0, check(&s));
	free(s.buf);
}

/*
 * Whatever a one-byte change does to the parse, the checksum field stays
 * the last 8 bytes and covers all the others, and a word changed by one
 * byte changes by less than 2^32 - 1 in absolute value: the first sum
 * always moves.  So no single-byte change leaves a valid stream.
 */
TEST(every_single_byte_change_is_refused)
{
	static const struct page_spec p[] = {
		{ .vpn = 2, .zero = true }, { .vpn = 5 }, { .vpn = 6, .zero = true },
	};
	static const u8 flips[] = { 0x01, 0x80, 0xff };
	struct stream s;
	unsigned int f;
	size_t i;
	int ret;

	build(&s, 3, 1, true, p, 3);
	for (i = 0; i < s.len; i++) {
		for (f = 0; f < ARRAY_SIZE(flips); f++) {
			s.buf[i] ^= flips[f];
			ret = check_prefix(&s, s.len, MAX_RECORDS);
			s.buf[i] ^= flips[f];
			ASSERT_TRUE(ret == -EBADMSG || ret == -EINVAL || ret == -E2BIG)
				TH_LOG("byte %zu ^ %#x: %d", i, flips[f], ret);
		}
	}
	free(s.buf);
}

TEST(a_wrong_header_magic_is_ebadmsg)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch64(&s, HDR_FIELD(magic), VMARENA_STREAM_END);
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

TEST(a_wrong_trailer_magic_is_ebadmsg)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch64(&s, s.trailer + TRL_FIELD(magic), VMARENA_STREAM_MAGIC);
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

TEST(another_version_is_einval)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch32(&s, HDR_FIELD(version), VMARENA_STREAM_VERSION + 1);
	EXPECT_EQ(-EINVAL, check(&s));
	patch32(&s, HDR_FIELD(version), 0);
	EXPECT_EQ(-EINVAL, check(&s));
	/* The version is checked before the sizes, which it may change. */
	patch32(&s, HDR_FIELD(header_size), 128);
	EXPECT_EQ(-EINVAL, check(&s));
	free(s.buf);
}

TEST(another_page_size_is_einval)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch32(&s, HDR_FIELD(page_size), 8192);
	EXPECT_EQ(-EINVAL, check(&s));
	patch32(&s, HDR_FIELD(page_size), 0);
	EXPECT_EQ(-EINVAL, check(&s));
	free(s.buf);
}

TEST(another_header_size_is_ebadmsg)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch32(&s, HDR_FIELD(header_size), 72);
	EXPECT_EQ(-EBADMSG, check(&s));
	patch32(&s, HDR_FIELD(header_size), 0);
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

TEST(a_non_zero_reserved_field_is_ebadmsg)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch64(&s, HDR_FIELD(reserved), 1ULL << 63);
	EXPECT_EQ(-EBADMSG, check(&s));
	patch64(&s, HDR_FIELD(reserved), 0);
	ASSERT_EQ(0, check(&s));
	patch32(&s, s.record[1] + REC_FIELD(reserved), 1);
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

TEST(unknown_flags_are_ebadmsg)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch32(&s, HDR_FIELD(flags), 1U << 1);
	EXPECT_EQ(-EBADMSG, check(&s));
	patch32(&s, HDR_FIELD(flags), 1U << 31);
	EXPECT_EQ(-EBADMSG, check(&s));
	patch32(&s, HDR_FIELD(flags), 0);
	ASSERT_EQ(0, check(&s));
	/* A ZERO record (no data follows) with one more bit. */
	patch32(&s, s.record[1] + REC_FIELD(flags), VMARENA_RECORD_ZERO | 1U << 4);
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

TEST(page_numbers_out_of_order_are_ebadmsg)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch64(&s, s.record[1] + REC_FIELD(vpn), 5000);	/* 0, 5000, 4096 */
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

TEST(a_repeated_page_number_is_ebadmsg)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch64(&s, s.record[1] + REC_FIELD(vpn), 0);		/* 0, 0, 4096 */
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

TEST(a_page_number_of_2_to_the_36_is_ebadmsg_and_one_less_is_valid)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch64(&s, s.record[2] + REC_FIELD(vpn), VMARENA_MAX_PAGES - 1);
	EXPECT_EQ(0, check(&s));
	patch64(&s, s.record[2] + REC_FIELD(vpn), VMARENA_MAX_PAGES);
	EXPECT_EQ(-EBADMSG, check(&s));
	patch64(&s, s.record[2] + REC_FIELD(vpn), ~0ULL);
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

TEST(a_trailer_count_other_than_the_header_is_ebadmsg)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch64(&s, s.trailer + TRL_FIELD(pages), 2);
	EXPECT_EQ(-EBADMSG, check(&s));
	patch64(&s, s.trailer + TRL_FIELD(pages), 4);
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

/* The header says 2: the third record is read where the trailer should be. */
TEST(more_records_than_the_header_says_is_ebadmsg)
{
	struct vmarena_stream_reader r;
	struct read_back out;
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	put_unaligned_le64(2, s.buf + HDR_FIELD(pages));
	patch64(&s, s.trailer + TRL_FIELD(pages), 2);
	EXPECT_EQ(-EBADMSG, check(&s));
	/* The importer, told 2 by the header, finds a record for a trailer. */
	EXPECT_EQ(-EBADMSG, read_pieces(&s, &r, &out));
	EXPECT_EQ(2, out.n);
	free(s.buf);
}

/* The header says 4: the trailer is read where a fourth record should be. */
TEST(fewer_records_than_the_header_says_is_ebadmsg)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	put_unaligned_le64(4, s.buf + HDR_FIELD(pages));
	patch64(&s, s.trailer + TRL_FIELD(pages), 4);
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

TEST(more_records_than_the_caller_accepts_is_e2big)
{
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	EXPECT_EQ(0, check_prefix(&s, s.len, 3));
	EXPECT_EQ(-E2BIG, check_prefix(&s, s.len, 2));
	EXPECT_EQ(-E2BIG, check_prefix(&s, s.len, 0));
	free(s.buf);
}

/* Page numbers are distinct and below 2^36: so are the records. */
TEST(more_records_than_page_numbers_is_ebadmsg_whatever_the_cap)
{
	struct vmarena_stream_reader r;
	struct stream s;

	build(&s, 5, 0, false, three_pages, 3);
	patch64(&s, HDR_FIELD(pages), VMARENA_MAX_PAGES);
	vmarena_stream_reader_init(&r);
	EXPECT_EQ(0, FEED(vmarena_stream_read_header, &r, s.buf, HEADER, ~0ULL));
	patch64(&s, HDR_FIELD(pages), VMARENA_MAX_PAGES + 1);
	vmarena_stream_reader_init(&r);
	EXPECT_EQ(-EBADMSG, FEED(vmarena_stream_read_header, &r, s.buf, HEADER, ~0ULL));
	/* Not -E2BIG: the stream is malformed before it is too big. */
	vmarena_stream_reader_init(&r);
	EXPECT_EQ(-EBADMSG, FEED(vmarena_stream_read_header, &r, s.buf, HEADER, 3));
	free(s.buf);
}

TEST(a_delta_base_must_be_a_generation_before_the_stream)
{
	struct stream s;

	build(&s, 9, 4, true, three_pages, 3);
	ASSERT_EQ(0, check(&s));
	patch64(&s, HDR_FIELD(base), 0);
	EXPECT_EQ(-EBADMSG, check(&s));
	patch64(&s, HDR_FIELD(base), 9);
	EXPECT_EQ(-EBADMSG, check(&s));
	patch64(&s, HDR_FIELD(base), 10);
	EXPECT_EQ(-EBADMSG, check(&s));
	patch64(&s, HDR_FIELD(base), 8);
	EXPECT_EQ(0, check(&s));
	free(s.buf);
}

TEST(a_full_stream_has_base_0_and_no_stream_has_generation_0)
{
	struct stream s;

	build(&s, 9, 0, false, three_pages, 3);
	patch64(&s, HDR_FIELD(base), 4);
	EXPECT_EQ(-EBADMSG, check(&s));
	patch64(&s, HDR_FIELD(base), 0);
	ASSERT_EQ(0, check(&s));
	patch64(&s, HDR_FIELD(generation), 0);
	EXPECT_EQ(-EBADMSG, check(&s));
	free(s.buf);
}

TEST(the_reader_refuses_a_piece_it_does_not_expect_and_all_after_an_error)
{
	struct vmarena_stream_reader r;
	struct stream s;
	bool zero;
	u64 vpn;

	build(&s, 5, 0, false, three_pages, 3);
	vmarena_stream_reader_init(&r);
	EXPECT_EQ(-EBADMSG, FEED(vmarena_stream_read_record, &r, s.buf + s.record[0],
				 RECORD, &vpn, &zero));
	EXPECT_EQ(-EBADMSG, FEED(vmarena_stream_read_header, &r, s.buf, HEADER, 8));

	vmarena_stream_reader_init(&r);
	ASSERT_EQ(0, FEED(vmarena_stream_read_header, &r, s.buf, HEADER, 8));
	EXPECT_EQ(-EBADMSG, FEED(vmarena_stream_read_data, &r, s.buf + HEADER, PAGE));

	vmarena_stream_reader_init(&r);
	ASSERT_EQ(0, FEED(vmarena_stream_read_header, &r, s.buf, HEADER, 8));
	EXPECT_EQ(-EBADMSG, FEED(vmarena_stream_read_trailer, &r, s.buf + s.trailer,
				 TRAILER));
	EXPECT_EQ(VMARENA_STREAM_BROKEN, r.state);

	vmarena_stream_reader_init(&r);
	ASSERT_EQ(0, FEED(vmarena_stream_read_header, &r, s.buf, HEADER, 8));
	ASSERT_EQ(0, FEED(vmarena_stream_read_record, &r, s.buf + s.record[0],
			  RECORD, &vpn, &zero));
	ASSERT_FALSE(zero);
	/* The next record where the page should be. */
	EXPECT_EQ(-EBADMSG, FEED(vmarena_stream_read_record, &r, s.buf + s.record[1],
				 RECORD, &vpn, &zero));
	EXPECT_EQ(-EBADMSG, FEED(vmarena_stream_read_data, &r, s.buf + s.record[0]
				 + RECORD, PAGE));
	free(s.buf);
}

TEST(a_finished_reader_takes_nothing_more)
{
	struct vmarena_stream_reader r;
	struct read_back out;
	struct stream s;
	bool zero;
	u64 vpn;

	build(&s, 5, 0, false, three_pages, 3);
	ASSERT_EQ(0, read_pieces(&s, &r, &out));
	EXPECT_EQ(-EBADMSG, FEED(vmarena_stream_read_record, &r, s.buf + s.record[0],
				 RECORD, &vpn, &zero));
	ASSERT_EQ(0, read_pieces(&s, &r, &out));
	EXPECT_EQ(-EBADMSG, FEED(vmarena_stream_read_trailer, &r, s.buf + s.trailer,
				 TRAILER));
	free(s.buf);
}

TEST(the_writer_warns_on_records_out_of_order)
{
	struct vmarena_stream_writer w;
	struct vmarena_stream_header h;
	struct vmarena_stream_record rec;

	shim_warnings = 0;
	vmarena_stream_write_header(&w, &h, 1, 2, 0, false, 2);
	vmarena_stream_write_record(&w, &rec, 9, true);
	EXPECT_EQ(0, shim_warnings);
	vmarena_stream_write_record(&w, &rec, 9, true);
	EXPECT_EQ(1, shim_warnings);
	shim_warnings = 0;
}

TEST_HARNESS_MAIN
