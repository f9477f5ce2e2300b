// SPDX-License-Identifier: GPL-2.0
/*
 * export_test.c - EXPORT and IMPORT: round trips full and delta, the size
 * of a delta, and every kind of bad stream refused with the space
 * unchanged.  The stream's parser has its own unit test and fuzzer
 * (selftests/unit/stream_*.c); this checks the kernel side.
 *
 * Runs in the VM, as root, with the module loaded (run_vmarena.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "kselftest_harness.h"

#include "space_util.h"
#include "cow_util.h"

#define N 64
#define HDR sizeof(struct vmarena_stream_header)
#define REC sizeof(struct vmarena_stream_record)
#define TRL sizeof(struct vmarena_stream_trailer)

/* EXPORT into a new memfd, rewound; -errno on failure. */
static int export_to(int fd, __u64 gen, __u64 base, struct vmarena_export *e)
{
	int out = memfd_create("stream", MFD_CLOEXEC);

	*e = (struct vmarena_export){ .fd = out, .generation = gen, .base = base,
				      .flags = base ? VMARENA_EXPORT_DELTA : 0 };
	if (ioctl(fd, VMARENA_IOC_EXPORT, e)) {
		close(out);
		return -errno;
	}
	lseek(out, 0, SEEK_SET);
	return out;
}

static int import_from(int fd, int in, struct vmarena_import *im)
{
	*im = (struct vmarena_import){ .fd = in };
	return ioctl(fd, VMARENA_IOC_IMPORT, im) ? -errno : 0;
}

/* A stream held in memory, to be damaged and fed back through a memfd. */
static int stream_of(const void *buf, size_t len)
{
	int fd = memfd_create("bad", MFD_CLOEXEC);

	if (write(fd, buf, len) != (ssize_t)len)
		return -1;
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static bool same_pages(const char *a, const char *b, unsigned int n)
{
	return !memcmp(a, b, n * PAGE);
}

/* A source with N pages (some zero), its generation 1, and a target. */
FIXTURE(xfer) {
	int src, dst;
	char *s, *d;
	__u64 g1;
};

FIXTURE_SETUP(xfer)
{
	unsigned int i;

	self->src = open_space(_metadata);
	self->dst = open_space(_metadata);
	self->s = map(self->src, N, 0);
	self->d = map(self->dst, N, 0);
	ASSERT_NE(NULL, self->s);
	ASSERT_NE(NULL, self->d);
	for (i = 0; i < N; i++)
		if (i % 5)
			fill_page(self->s, i, i);
	self->g1 = checkpoint(self->src);
	ASSERT_NE(0, self->g1);
}

FIXTURE_TEARDOWN(xfer)
{
	munmap(self->s, N * PAGE);
	munmap(self->d, N * PAGE);
	close(self->src);
	close(self->dst);
}

TEST_F(xfer, a_full_round_trip_gives_identical_contents)
{
	struct vmarena_export e;
	struct vmarena_import im;
	int st = export_to(self->src, self->g1, 0, &e);

	ASSERT_LE(0, st);
	/* Pages of zeros are not written: 4 of every 5 pages are. */
	EXPECT_EQ(N - N / 5 - 1, e.pages);
	EXPECT_EQ(HDR + TRL + e.pages * (REC + PAGE), e.bytes);
	ASSERT_EQ(0, import_from(self->dst, st, &im));
	EXPECT_EQ(self->g1, im.generation);
	EXPECT_EQ(e.pages, im.pages);
	EXPECT_EQ(e.bytes, im.bytes);
	EXPECT_TRUE(same_pages(self->s, self->d, N));
	close(st);
}

TEST_F(xfer, a_delta_is_the_dirty_set_and_applies_onto_its_base)
{
	struct vmarena_export e;
	struct vmarena_import im;
	__u64 bitmap[N / 64], g2;
	long dirty;
	int st = export_to(self->src, self->g1, 0, &e);

	ASSERT_LE(0, st);
	ASSERT_EQ(0, import_from(self->dst, st, &im));
	close(st);
	fill_page(self->s, 3, 0x33);
	fill_page(self->s, 5, 0x55);		/* was a hole */
	fill_page(self->s, 40, 0x40);
	ASSERT_EQ(0, discard(self->src, 7 * PAGE, PAGE));
	g2 = checkpoint(self->src);
	dirty = get_dirty(self->src, self->g1, N, bitmap, 0);
	ASSERT_EQ(4, dirty);
	st = export_to(self->src, g2, self->g1, &e);
	ASSERT_LE(0, st);
	EXPECT_EQ(dirty, e.pages);
	/* Three pages of data and one ZERO record for the discarded page. */
	EXPECT_EQ(HDR + TRL + 4 * REC + 3 * PAGE, e.bytes);
	ASSERT_EQ(0, import_from(self->dst, st, &im));
	EXPECT_EQ(g2, im.generation);
	EXPECT_TRUE(same_pages(self->s, self->d, N));
	close(st);
}

TEST_F(xfer, a_delta_onto_the_wrong_base_is_refused)
{
	struct vmarena_export e;
	struct vmarena_import im;
	int st, full;
	__u64 g2, g3;

	fill_page(self->s, 1, 0x11);
	g2 = checkpoint(self->src);
	fill_page(self->s, 2, 0x22);
	g3 = checkpoint(self->src);
	full = export_to(self->src, self->g1, 0, &e);
	ASSERT_EQ(0, import_from(self->dst, full, &im));
	st = export_to(self->src, g3, g2, &e);		/* base g2, dst has g1 */
	ASSERT_LE(0, st);
	EXPECT_EQ(-EINVAL, import_from(self->dst, st, &im));
	EXPECT_TRUE(page_is(self->d, 1, 1));
	close(st);
	/* And a delta onto a base that was written since is refused too. */
	st = export_to(self->src, g2, self->g1, &e);
	self->d[9 * PAGE] = 1;
	EXPECT_EQ(-EINVAL, import_from(self->dst, st, &im));
	close(st);
	close(full);
}

TEST_F(xfer, a_full_stream_goes_only_into_an_empty_space)
{
	struct vmarena_export e;
	struct vmarena_import im;
	int st = export_to(self->src, self->g1, 0, &e);

	self->d[0] = 9;
	EXPECT_EQ(-EINVAL, import_from(self->dst, st, &im));
	EXPECT_EQ(9, self->d[0]);
	EXPECT_EQ(1, space_stat(self->dst, VMARENA_SPACE_STAT_PAGES));
	close(st);
}

TEST_F(xfer, export_refuses_bad_arguments)
{
	struct vmarena_export e = { .fd = 0, .generation = self->g1,
				    .flags = VMARENA_EXPORT_DELTA,
				    .base = self->g1 };
	int ro = open("/dev/null", O_RDONLY | O_CLOEXEC);

	__u64 g2 = checkpoint(self->src);

	ASSERT_NE(0, g2);
	EXPECT_EQ(-1, ioctl(self->src, VMARENA_IOC_EXPORT, &e));
	EXPECT_EQ(EINVAL, errno);
	/* A delta from a newer base than the generation: no such delta. */
	e.generation = self->g1;
	e.base = g2;
	EXPECT_EQ(-1, ioctl(self->src, VMARENA_IOC_EXPORT, &e));
	EXPECT_EQ(EINVAL, errno);
	e.base = self->g1;
	EXPECT_EQ(-ENOENT, export_to(self->src, g2 + 1, 0, &e));
	e = (struct vmarena_export){ .fd = ro, .generation = self->g1 };
	EXPECT_EQ(-1, ioctl(self->src, VMARENA_IOC_EXPORT, &e));
	EXPECT_EQ(EBADF, errno);
	e = (struct vmarena_export){ .fd = -1, .generation = self->g1 };
	EXPECT_EQ(-1, ioctl(self->src, VMARENA_IOC_EXPORT, &e));
	EXPECT_EQ(EBADF, errno);
	close(ro);
}

/* A valid full stream of the source, read into memory. */
static size_t valid_stream(struct __test_metadata *_metadata, int src,
			   __u64 gen, char **buf)
{
	struct vmarena_export e;
	int st = export_to(src, gen, 0, &e);

	ASSERT_LE(0, st);
	*buf = malloc(e.bytes);
	ASSERT_NE(NULL, *buf);
	ASSERT_EQ((ssize_t)e.bytes, read(st, *buf, e.bytes));
	close(st);
	return e.bytes;
}

/* Feeds @len bytes of @buf to IMPORT into a space holding one page. */
static int import_bad(struct __test_metadata *_metadata, const char *buf,
		      size_t len, __u64 max_pages)
{
	int fd = open_space(_metadata), st = stream_of(buf, len), ret;
	struct vmarena_import im;
	char *p = map(fd, 1, 0);
	__u64 rejected = global_stat(fd, VMARENA_STAT_STREAMS_REJECTED);

	if (max_pages)
		set_limit(fd, max_pages, 0);
	ret = import_from(fd, st, &im);
	/* Refused: the space is unchanged, empty. */
	if (ret)
		EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_PAGES));
	if (ret == -EBADMSG || ret == -EINVAL || ret == -E2BIG)
		EXPECT_EQ(rejected + 1, global_stat(fd, VMARENA_STAT_STREAMS_REJECTED));
	munmap(p, PAGE);
	close(st);
	close(fd);
	return ret;
}

TEST_F(xfer, a_stream_truncated_at_any_record_boundary_is_refused)
{
	char *buf;
	size_t len = valid_stream(_metadata, self->src, self->g1, &buf), off;

	ASSERT_EQ(0, import_bad(_metadata, buf, len, 0));
	for (off = 0; off < len; off += off < HDR ? HDR : REC + PAGE) {
		ASSERT_EQ(-EBADMSG, import_bad(_metadata, buf, off, 0));
		if (off >= HDR && off + REC + 8 < len - TRL)	/* inside its page */
			ASSERT_EQ(-EBADMSG, import_bad(_metadata, buf, off + REC + 8, 0));
	}
	ASSERT_EQ(-EBADMSG, import_bad(_metadata, buf, len - 1, 0));
	free(buf);
}

TEST_F(xfer, a_damaged_stream_is_refused_with_the_documented_error)
{
	struct vmarena_stream_header *h;
	char *buf, *bad;
	size_t len = valid_stream(_metadata, self->src, self->g1, &buf);

	bad = malloc(len + 8);
	ASSERT_NE(NULL, bad);
	h = (struct vmarena_stream_header *)bad;
#define DAMAGE(what, expect)				\
	do {						\
		memcpy(bad, buf, len);			\
		what;					\
		EXPECT_EQ(expect, import_bad(_metadata, bad, len, 0)); \
	} while (0)
	DAMAGE(bad[len - 1] ^= 1, -EBADMSG);			/* checksum */
	DAMAGE(bad[HDR + REC + 100] ^= 4, -EBADMSG);		/* data */
	DAMAGE(h->magic ^= 1, -EBADMSG);
	DAMAGE(h->version = 2, -EINVAL);
	DAMAGE(h->page_size = 8192, -EINVAL);
	DAMAGE(h->reserved = 1, -EBADMSG);
	DAMAGE(h->flags |= VMARENA_STREAM_DELTA, -EBADMSG);	/* base 0 */
	/* Records out of order: swap the first two page numbers. */
	DAMAGE(((struct vmarena_stream_record *)(bad + HDR + REC + PAGE))->vpn = 0,
	       -EBADMSG);
#undef DAMAGE
	/* More pages than the space's cap. */
	EXPECT_EQ(-E2BIG, import_bad(_metadata, buf, len, 4));
	free(bad);
	free(buf);
}

TEST(export_and_import_of_a_clone_and_of_restored_data)
{
	int fd = open_space(_metadata), c, dst = open_space(_metadata), st;
	struct vmarena_export e;
	struct vmarena_import im;
	char *p = map(fd, 4, 0), *q;
	__u64 g;

	ASSERT_NE(NULL, p);
	fill_page(p, 0, 0xa0);
	c = clone_space(fd);
	ASSERT_LE(0, c);
	q = map(c, 4, 0);
	fill_page(q, 1, 0xb1);
	g = checkpoint(c);
	st = export_to(c, g, 0, &e);
	ASSERT_EQ(2, e.pages);
	ASSERT_EQ(0, import_from(dst, st, &im));
	munmap(q, 4 * PAGE);
	q = map(dst, 4, 0);
	EXPECT_TRUE(page_is(q, 0, 0xa0));
	EXPECT_TRUE(page_is(q, 1, 0xb1));
	munmap(q, 4 * PAGE);
	munmap(p, 4 * PAGE);
	close(st);
	close(c);
	close(dst);
	close(fd);
}

TEST_HARNESS_MAIN
