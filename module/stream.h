/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stream.h - the export stream: its checksum, a writer and a reader.
 *
 * The format is defined in include/uapi/linux/vmarena.h and described byte
 * by byte in Documentation/stream.rst.  The EXPORT and IMPORT ioctls move a
 * stream through a file descriptor in fixed-size pieces (a 64-byte header,
 * 16-byte records, 4096-byte pages, a 24-byte trailer) and hand each piece
 * to the functions here, which only fill or check bytes: no I/O, no
 * allocation, no locks.
 *
 * Pure logic (stream.c compiles in user space too).
 */
#ifndef _VMARENA_STREAM_H
#define _VMARENA_STREAM_H

#include "internal.h"

/* Bytes of each piece of a stream; all are multiples of 4 (and of 8). */
#define VMARENA_STREAM_HEADER_BYTES	sizeof(struct vmarena_stream_header)
#define VMARENA_STREAM_RECORD_BYTES	sizeof(struct vmarena_stream_record)
#define VMARENA_STREAM_TRAILER_BYTES	sizeof(struct vmarena_stream_trailer)
/* The trailer's bytes the checksum covers: its magic and pages. */
#define VMARENA_STREAM_TRAILER_SUMMED	offsetof(struct vmarena_stream_trailer, checksum)

/**
 * struct vmarena_stream_sum - a running Fletcher-64 (Documentation/stream.rst).
 * @a:       the sum of the words, reduced modulo 2^32 - 1 once every
 *           VMARENA_STREAM_SUM_BLOCK words (so it may exceed 2^32).
 * @b:       the sum of the successive values of @a, reduced likewise.
 * @pending: words added since the last reduction.
 *
 * It holds whole little-endian 32-bit words only: every piece of a stream
 * is a multiple of 4 bytes long, so no partial word is ever carried from
 * one update to the next.
 */
struct vmarena_stream_sum {
	u64 a;
	u64 b;
	u32 pending;
};

/*
 * Words between reductions.  After n words from reduced values (below
 * 2^32), @a < (n + 1) * 2^32 and @b < (1 + n + n * (n + 1) / 2) * 2^32,
 * which stays below 2^64 for n up to about 92000; one page is 1024 words.
 */
#define VMARENA_STREAM_SUM_BLOCK	1024

/**
 * struct vmarena_stream_writer - the state of a stream being written.
 * @sum:      the checksum of every byte written so far.
 * @pages:    records the header announced.
 * @written:  records written so far.
 * @last_vpn: the last record's page number.
 * @data_due: the last record was not ZERO: its page comes next.
 *
 * The writer trusts its caller (the exporter); a misuse is a bug, warned
 * once, and makes a stream that every reader refuses.
 */
struct vmarena_stream_writer {
	struct vmarena_stream_sum sum;
	u64 pages;
	u64 written;
	u64 last_vpn;
	bool data_due;
};

/* What a reader expects next. */
enum vmarena_stream_state {
	VMARENA_STREAM_WANT_HEADER,
	VMARENA_STREAM_WANT_RECORD,
	VMARENA_STREAM_WANT_DATA,
	VMARENA_STREAM_WANT_TRAILER,	/* every record has been read */
	VMARENA_STREAM_DONE,		/* a valid stream, checksum and all */
	VMARENA_STREAM_BROKEN,		/* a piece was refused: nothing more */
};

/**
 * struct vmarena_stream_reader - the state of a stream being read.
 * @state:      what the next piece must be (enum vmarena_stream_state).
 * @flags:      the header's flags (VMARENA_STREAM_*), host order.
 * @source:     the header's source.
 * @generation: the header's generation.
 * @base:       the header's base (0 unless VMARENA_STREAM_DELTA).
 * @pages:      the header's record count.
 * @records:    records read so far.
 * @last_vpn:   the last record's page number.
 * @sum:        the checksum of every byte read so far.
 *
 * A zeroed reader (or vmarena_stream_reader_init()) expects a header.
 */
struct vmarena_stream_reader {
	enum vmarena_stream_state state;
	u32 flags;
	u64 source;
	u64 generation;
	u64 base;
	u64 pages;
	u64 records;
	u64 last_vpn;
	struct vmarena_stream_sum sum;
};

void vmarena_stream_sum_init(struct vmarena_stream_sum *s);
void vmarena_stream_sum_update(struct vmarena_stream_sum *s, const void *buf,
			       size_t len);
u64 vmarena_stream_sum_final(const struct vmarena_stream_sum *s);

void vmarena_stream_write_header(struct vmarena_stream_writer *w,
				 struct vmarena_stream_header *h, u64 source,
				 u64 generation, u64 base, bool delta, u64 pages);
void vmarena_stream_write_record(struct vmarena_stream_writer *w,
				 struct vmarena_stream_record *r, u64 vpn,
				 bool zero);
void vmarena_stream_write_data(struct vmarena_stream_writer *w,
			       const void *page);
void vmarena_stream_write_trailer(struct vmarena_stream_writer *w,
				  struct vmarena_stream_trailer *t);

void vmarena_stream_reader_init(struct vmarena_stream_reader *r);
int vmarena_stream_read_header(struct vmarena_stream_reader *r,
			       const void *buf, u64 max_pages);
int vmarena_stream_read_record(struct vmarena_stream_reader *r,
			       const void *buf, u64 *vpn, bool *zero);
int vmarena_stream_read_data(struct vmarena_stream_reader *r, const void *page);
int vmarena_stream_read_trailer(struct vmarena_stream_reader *r,
				const void *buf);
int vmarena_stream_check(const void *buf, size_t len, u64 max_pages);

#endif /* _VMARENA_STREAM_H */
