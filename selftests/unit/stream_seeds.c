// SPDX-License-Identifier: GPL-2.0
/*
 * stream_seeds.c - write the stream fuzzer's seed corpus (make builds and
 * runs it into build/fuzz/seeds/; nothing binary is committed).
 *
 *   stream_seeds DIR
 *
 * A few valid streams made by module/stream.c's writer, so that the fuzzer
 * starts from inputs that reach the records, pages and trailer: an empty
 * stream, a full one with a ZERO record, a delta of ZERO records only, and
 * a delta whose last page is the last page number (2^36 - 1).
 */
#include "stream.h"

#define MAX_RECORDS 5

struct seed {
	const char *name;
	u64 generation, base;
	bool delta;
	unsigned int n;
	u64 vpn[MAX_RECORDS];
	bool zero[MAX_RECORDS];
};

static const struct seed seeds[] = {
	{ .name = "empty", .generation = 1 },
	{ .name = "full", .generation = 3, .n = 3, .vpn = { 0, 1, 9 },
	  .zero = { false, true, false } },
	{ .name = "delta-zero", .generation = 7, .base = 6, .delta = true,
	  .n = 5, .vpn = { 1, 2, 3, 64, 65 },
	  .zero = { true, true, true, true, true } },
	{ .name = "delta-last-page", .generation = 9, .base = 2, .delta = true,
	  .n = 2, .vpn = { 5, VMARENA_MAX_PAGES - 1 }, .zero = { true, false } },
};

static void put(FILE *f, const void *p, size_t len)
{
	if (fwrite(p, 1, len, f) != len) {
		perror("stream_seeds: fwrite");
		exit(1);
	}
}

static void write_seed(FILE *f, const struct seed *s)
{
	struct vmarena_stream_writer w;
	struct vmarena_stream_header h;
	struct vmarena_stream_record r;
	struct vmarena_stream_trailer t;
	static u8 page[VMARENA_PAGE_SIZE];
	unsigned int i;

	vmarena_stream_write_header(&w, &h, 0x5eed, s->generation, s->base,
				    s->delta, s->n);
	put(f, &h, sizeof(h));
	for (i = 0; i < s->n; i++) {
		vmarena_stream_write_record(&w, &r, s->vpn[i], s->zero[i]);
		put(f, &r, sizeof(r));
		if (s->zero[i])
			continue;
		memset(page, 0xa5 ^ i, sizeof(page));
		vmarena_stream_write_data(&w, page);
		put(f, page, sizeof(page));
	}
	vmarena_stream_write_trailer(&w, &t);
	put(f, &t, sizeof(t));
}

int main(int argc, char **argv)
{
	char path[4096];
	unsigned int i;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: stream_seeds DIR\n");
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], seeds[i].name);
		f = fopen(path, "wb");
		if (!f) {
			perror(path);
			return 1;
		}
		write_seed(f, &seeds[i]);
		if (fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return shim_warnings ? 1 : 0;
}
