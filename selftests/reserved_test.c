// SPDX-License-Identifier: GPL-2.0
/*
 * reserved_test.c - reserved fields and undefined flags (abi.rst,
 * "Rules"): every command that takes input refuses a non-zero reserved
 * word, a non-zero reserved0 and a flag bit the uapi header does not
 * define with -EINVAL, and changes nothing: the space's counters, its
 * generations, its contents, the caller's buffers and fds stay as they
 * were.  Each test ends with the same call, every reserved field zero,
 * succeeding: the -EINVAL came from the field under test.
 *
 * Runs in the VM, as root, with the module loaded (run_vmarena.sh).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "space_util.h"
#include "vm_util.h"
#include "cow_util.h"

/* Pages written before generation 1; page NPAGES is written after it. */
#define NPAGES 4
#define ALL (NPAGES + 1)
#define SENTINEL 0xa5

/* What each reserved word and reserved0 is set to, one at a time. */
static const __u64 word_values[] = {
	1, 1ULL << 31, 1ULL << 32, 1ULL << 63, ~0ULL,
};

static const __u32 half_values[] = { 1, 1U << 31, ~0U };

/* What the tests look at in a space. */
struct observed {
	__u64 pages;
	__u64 pinned;
	__u64 max_pages;
	__u64 max_resident;
	__u64 checkpoints;
	__u64 last_generation;
	__u64 restores;
	__u32 listed;		/* generations CKPT_LIST reports */
	__u64 oldest;		/* ... the first of them, 0 for none */
	unsigned char first;	/* the first byte of page 0 */
	unsigned char extra;	/* ... of page NPAGES */
};

/* The ioctl's errno, 0 for success. */
static int ioctl_errno(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static void observe(int fd, struct observed *o)
{
	struct vmarena_ckpt_info info[VMARENA_CKPT_MAX];
	struct vmarena_ckpt_list l = { .count = VMARENA_CKPT_MAX,
				       .entries = (uintptr_t)info };

	memset(o, 0, sizeof(*o));
	o->pages = space_stat(fd, VMARENA_SPACE_STAT_PAGES);
	o->pinned = space_stat(fd, VMARENA_SPACE_STAT_PINNED);
	o->max_pages = space_stat(fd, VMARENA_SPACE_STAT_MAX_PAGES);
	o->max_resident = space_stat(fd, VMARENA_SPACE_STAT_MAX_RESIDENT);
	o->checkpoints = space_stat(fd, VMARENA_SPACE_STAT_CHECKPOINTS);
	o->last_generation = space_stat(fd, VMARENA_SPACE_STAT_LAST_GENERATION);
	o->restores = space_stat(fd, VMARENA_SPACE_STAT_RESTORES);
	if (ioctl(fd, VMARENA_IOC_CKPT_LIST, &l)) {
		o->listed = ~0U;
	} else {
		o->listed = l.count;
		o->oldest = l.count ? info[0].generation : 0;
	}
	if (pread(fd, &o->first, 1, 0) != 1)
		o->first = SENTINEL;
	if (pread(fd, &o->extra, 1, NPAGES * PAGE) != 1)
		o->extra = SENTINEL;
}

/* The space is as @before says; @what names the field under test. */
static void expect_unchanged(struct __test_metadata *_metadata, int fd,
			     const struct observed *before, const char *what)
{
	struct observed now;

	observe(fd, &now);
	EXPECT_EQ(before->pages, now.pages) TH_LOG("%s", what);
	EXPECT_EQ(before->pinned, now.pinned) TH_LOG("%s", what);
	EXPECT_EQ(before->max_pages, now.max_pages) TH_LOG("%s", what);
	EXPECT_EQ(before->max_resident, now.max_resident) TH_LOG("%s", what);
	EXPECT_EQ(before->checkpoints, now.checkpoints) TH_LOG("%s", what);
	EXPECT_EQ(before->last_generation, now.last_generation)
		TH_LOG("%s", what);
	EXPECT_EQ(before->restores, now.restores) TH_LOG("%s", what);
	EXPECT_EQ(before->listed, now.listed) TH_LOG("%s", what);
	EXPECT_EQ(before->oldest, now.oldest) TH_LOG("%s", what);
	EXPECT_EQ(before->first, now.first) TH_LOG("%s", what);
	EXPECT_EQ(before->extra, now.extra) TH_LOG("%s", what);
}

/* The ioctl fails with EINVAL and the space is unchanged. */
static void expect_refused(struct __test_metadata *_metadata, int fd,
			   unsigned long cmd, void *arg,
			   const struct observed *before, const char *what)
{
	EXPECT_EQ(EINVAL, ioctl_errno(fd, cmd, arg)) TH_LOG("%s", what);
	expect_unchanged(_metadata, fd, before, what);
}

static bool untouched(const void *buf, size_t len)
{
	const unsigned char *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != SENTINEL)
			return false;
	return true;
}

static void write_page(struct __test_metadata *_metadata, int fd, __u64 page,
		       unsigned char v)
{
	char buf[PAGE];

	memset(buf, v, sizeof(buf));
	ASSERT_EQ((ssize_t)PAGE, pwrite(fd, buf, PAGE, page * PAGE));
}

/* Bytes waiting in a pipe; -1 if FIONREAD fails. */
static int pipe_bytes(int fd)
{
	int n;

	return ioctl(fd, FIONREAD, &n) ? -1 : n;
}

/* Empties the non-blocking read end of a pipe. */
static void drain(int fd)
{
	char buf[PAGE];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/*
 * Pages 0..NPAGES-1 hold 'a' at generation 1; since then page 0 holds 'b'
 * and page NPAGES 'c'.  RESTORE and GET_DIRTY of generation 1 both have
 * something to show.
 */
FIXTURE(space) {
	int fd;
	struct observed before;
};

FIXTURE_SETUP(space)
{
	unsigned int i;

	self->fd = open_space(_metadata);
	for (i = 0; i < NPAGES; i++)
		write_page(_metadata, self->fd, i, 'a');
	ASSERT_EQ(1, checkpoint(self->fd));
	write_page(_metadata, self->fd, 0, 'b');
	write_page(_metadata, self->fd, NPAGES, 'c');
	observe(self->fd, &self->before);
	ASSERT_EQ(ALL, self->before.pages);
	ASSERT_EQ(0, self->before.pinned);
	ASSERT_EQ(1, self->before.checkpoints);
	ASSERT_EQ(1, self->before.last_generation);
	ASSERT_EQ(1, self->before.listed);
	ASSERT_EQ(1, self->before.oldest);
	ASSERT_EQ('b', self->before.first);
	ASSERT_EQ('c', self->before.extra);
}

FIXTURE_TEARDOWN(space)
{
	close(self->fd);
}

TEST_F(space, set_limit_with_a_reserved_word_set_is_einval_and_keeps_the_caps)
{
	struct vmarena_limit l;
	unsigned int i, v;
	char what[64];

	ASSERT_NE(ALL + 1, self->before.max_pages);
	ASSERT_NE(ALL + 1, self->before.max_resident);
	for (i = 0; i < ARRAY_SIZE(l.reserved); i++) {
		for (v = 0; v < ARRAY_SIZE(word_values); v++) {
			l = (struct vmarena_limit){ .max_pages = ALL + 1,
						    .max_resident = ALL + 1 };
			l.reserved[i] = word_values[v];
			snprintf(what, sizeof(what), "reserved[%u] = %#llx", i,
				 (unsigned long long)word_values[v]);
			expect_refused(_metadata, self->fd, VMARENA_IOC_SET_LIMIT,
				       &l, &self->before, what);
		}
	}
	EXPECT_EQ(0, set_limit(self->fd, ALL + 1, ALL + 1));
	EXPECT_EQ(ALL + 1, space_stat(self->fd, VMARENA_SPACE_STAT_MAX_PAGES));
	EXPECT_EQ(ALL + 1, space_stat(self->fd, VMARENA_SPACE_STAT_MAX_RESIDENT));
}

/* DISCARD, PIN or UNPIN of every page, one reserved word set at a time. */
static void range_refused(struct __test_metadata *_metadata, int fd,
			  unsigned long cmd, const struct observed *before)
{
	struct vmarena_range r;
	unsigned int i, v;
	char what[64];

	for (i = 0; i < ARRAY_SIZE(r.reserved); i++) {
		for (v = 0; v < ARRAY_SIZE(word_values); v++) {
			r = (struct vmarena_range){ .offset = 0,
						    .length = ALL * PAGE };
			r.reserved[i] = word_values[v];
			snprintf(what, sizeof(what), "reserved[%u] = %#llx", i,
				 (unsigned long long)word_values[v]);
			expect_refused(_metadata, fd, cmd, &r, before, what);
		}
	}
}

TEST_F(space, discard_with_a_reserved_word_set_is_einval_and_discards_nothing)
{
	range_refused(_metadata, self->fd, VMARENA_IOC_DISCARD, &self->before);
	EXPECT_EQ(0, discard(self->fd, 0, ALL * PAGE));
	EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_PAGES));
}

TEST_F(space, pin_with_a_reserved_word_set_is_einval_and_pins_nothing)
{
	range_refused(_metadata, self->fd, VMARENA_IOC_PIN, &self->before);
	EXPECT_EQ(0, range_ioctl(self->fd, VMARENA_IOC_PIN, 0, ALL * PAGE));
	EXPECT_EQ(ALL, space_stat(self->fd, VMARENA_SPACE_STAT_PINNED));
}

TEST_F(space, unpin_with_a_reserved_word_set_is_einval_and_keeps_the_pins)
{
	struct observed pinned;

	ASSERT_EQ(0, range_ioctl(self->fd, VMARENA_IOC_PIN, 0, ALL * PAGE));
	observe(self->fd, &pinned);
	ASSERT_EQ(ALL, pinned.pinned);
	range_refused(_metadata, self->fd, VMARENA_IOC_UNPIN, &pinned);
	EXPECT_EQ(0, range_ioctl(self->fd, VMARENA_IOC_UNPIN, 0, ALL * PAGE));
	EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_PINNED));
}

TEST_F(space, translate_with_a_reserved_word_set_is_einval_and_writes_no_entry)
{
	struct vmarena_pte_info e[ALL];
	struct vmarena_translate tr;
	unsigned int i, v;
	char what[64];

	for (i = 0; i < ARRAY_SIZE(tr.reserved); i++) {
		for (v = 0; v < ARRAY_SIZE(word_values); v++) {
			memset(e, SENTINEL, sizeof(e));
			tr = (struct vmarena_translate){
				.offset = 0, .pages = ALL,
				.entries = (uintptr_t)e };
			tr.reserved[i] = word_values[v];
			snprintf(what, sizeof(what), "reserved[%u] = %#llx", i,
				 (unsigned long long)word_values[v]);
			expect_refused(_metadata, self->fd, VMARENA_IOC_TRANSLATE,
				       &tr, &self->before, what);
			EXPECT_TRUE(untouched(e, sizeof(e))) TH_LOG("%s", what);
		}
	}
	EXPECT_EQ(0, translate(self->fd, 0, ALL, e));
	for (i = 0; i < ALL; i++)
		EXPECT_TRUE(e[i].flags & VMARENA_PTE_INFO_PRESENT);
}

/* CLONE with @c refused: no fd, no space made, no clone counted. */
static void clone_refused(struct __test_metadata *_metadata, int fd,
			  struct vmarena_clone *c,
			  const struct observed *before, const char *what)
{
	__u64 created = global_stat(fd, VMARENA_STAT_SPACES_CREATED);
	__u64 clones = global_stat(fd, VMARENA_STAT_CLONES);
	int fds = open_fds();

	ASSERT_LT(0, fds);
	expect_refused(_metadata, fd, VMARENA_IOC_CLONE, c, before, what);
	EXPECT_EQ(fds, open_fds()) TH_LOG("%s", what);
	EXPECT_EQ(created, global_stat(fd, VMARENA_STAT_SPACES_CREATED))
		TH_LOG("%s", what);
	EXPECT_EQ(clones, global_stat(fd, VMARENA_STAT_CLONES))
		TH_LOG("%s", what);
}

TEST_F(space, clone_with_a_reserved_word_set_is_einval_and_makes_no_fd)
{
	struct vmarena_clone c;
	unsigned int i, v;
	char what[64];
	int fd;

	for (i = 0; i < ARRAY_SIZE(c.reserved); i++) {
		for (v = 0; v < ARRAY_SIZE(word_values); v++) {
			c = (struct vmarena_clone){
				.flags = VMARENA_CLONE_CLOEXEC };
			c.reserved[i] = word_values[v];
			snprintf(what, sizeof(what), "reserved[%u] = %#llx", i,
				 (unsigned long long)word_values[v]);
			clone_refused(_metadata, self->fd, &c, &self->before,
				      what);
		}
	}
	fd = clone_space(self->fd);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(space, clone_with_an_undefined_flag_is_einval_and_makes_no_fd)
{
	struct vmarena_clone c;
	char what[64];
	unsigned int b;
	int fd;

	for (b = 0; b < 32; b++) {
		if (VMARENA_CLONE_CLOEXEC & (1U << b))
			continue;
		c = (struct vmarena_clone){
			.flags = VMARENA_CLONE_CLOEXEC | 1U << b };
		snprintf(what, sizeof(what), "flags bit %u", b);
		clone_refused(_metadata, self->fd, &c, &self->before, what);
	}
	fd = clone_space(self->fd);
	EXPECT_LE(0, fd);
	close(fd);
}

/* CHECKPOINT, RESTORE or CKPT_DROP of @gen, one reserved word at a time. */
static void ckpt_refused(struct __test_metadata *_metadata, int fd,
			 unsigned long cmd, __u64 gen,
			 const struct observed *before)
{
	struct vmarena_ckpt c;
	unsigned int i, v;
	char what[64];

	for (i = 0; i < ARRAY_SIZE(c.reserved); i++) {
		for (v = 0; v < ARRAY_SIZE(word_values); v++) {
			c = (struct vmarena_ckpt){ .generation = gen };
			c.reserved[i] = word_values[v];
			snprintf(what, sizeof(what), "reserved[%u] = %#llx", i,
				 (unsigned long long)word_values[v]);
			expect_refused(_metadata, fd, cmd, &c, before, what);
		}
	}
}

TEST_F(space, checkpoint_with_a_reserved_word_set_is_einval_and_takes_no_generation)
{
	__u64 taken = global_stat(self->fd, VMARENA_STAT_CHECKPOINTS);

	ckpt_refused(_metadata, self->fd, VMARENA_IOC_CHECKPOINT, 0,
		     &self->before);
	EXPECT_EQ(taken, global_stat(self->fd, VMARENA_STAT_CHECKPOINTS));
	EXPECT_EQ(2, checkpoint(self->fd));
}

TEST_F(space, restore_with_a_reserved_word_set_is_einval_and_keeps_the_contents)
{
	ckpt_refused(_metadata, self->fd, VMARENA_IOC_RESTORE, 1,
		     &self->before);
	EXPECT_EQ(0, restore(self->fd, 1));
	EXPECT_EQ(NPAGES, space_stat(self->fd, VMARENA_SPACE_STAT_PAGES));
	EXPECT_EQ(1, space_stat(self->fd, VMARENA_SPACE_STAT_RESTORES));
}

TEST_F(space, ckpt_drop_with_a_reserved_word_set_is_einval_and_keeps_the_generation)
{
	__u64 gen = 1;

	ckpt_refused(_metadata, self->fd, VMARENA_IOC_CKPT_DROP, 1,
		     &self->before);
	EXPECT_EQ(0, ckpt_call(self->fd, VMARENA_IOC_CKPT_DROP, &gen, NULL));
	EXPECT_EQ(0, space_stat(self->fd, VMARENA_SPACE_STAT_CHECKPOINTS));
}

/* A CKPT_LIST argument for @info, every reserved field zero. */
static struct vmarena_ckpt_list ckpt_list_of(struct vmarena_ckpt_info *info,
					     __u32 count)
{
	memset(info, SENTINEL, count * sizeof(*info));
	return (struct vmarena_ckpt_list){ .count = count,
					   .entries = (uintptr_t)info };
}

TEST_F(space, ckpt_list_with_reserved0_set_is_einval_and_writes_no_entry)
{
	struct vmarena_ckpt_info info[2];
	struct vmarena_ckpt_list l;
	unsigned int v;
	char what[64];

	for (v = 0; v < ARRAY_SIZE(half_values); v++) {
		l = ckpt_list_of(info, ARRAY_SIZE(info));
		l.reserved0 = half_values[v];
		snprintf(what, sizeof(what), "reserved0 = %#x", half_values[v]);
		expect_refused(_metadata, self->fd, VMARENA_IOC_CKPT_LIST, &l,
			       &self->before, what);
		EXPECT_TRUE(untouched(info, sizeof(info))) TH_LOG("%s", what);
	}
	l = ckpt_list_of(info, ARRAY_SIZE(info));
	EXPECT_EQ(0, ioctl_errno(self->fd, VMARENA_IOC_CKPT_LIST, &l));
	EXPECT_EQ(1, l.count);
	EXPECT_EQ(1, info[0].generation);
}

TEST_F(space, ckpt_list_with_a_reserved_word_set_is_einval_and_writes_no_entry)
{
	struct vmarena_ckpt_info info[2];
	struct vmarena_ckpt_list l;
	unsigned int i, v;
	char what[64];

	for (i = 0; i < ARRAY_SIZE(l.reserved); i++) {
		for (v = 0; v < ARRAY_SIZE(word_values); v++) {
			l = ckpt_list_of(info, ARRAY_SIZE(info));
			l.reserved[i] = word_values[v];
			snprintf(what, sizeof(what), "reserved[%u] = %#llx", i,
				 (unsigned long long)word_values[v]);
			expect_refused(_metadata, self->fd, VMARENA_IOC_CKPT_LIST,
				       &l, &self->before, what);
			EXPECT_TRUE(untouched(info, sizeof(info)))
				TH_LOG("%s", what);
		}
	}
	l = ckpt_list_of(info, ARRAY_SIZE(info));
	EXPECT_EQ(0, ioctl_errno(self->fd, VMARENA_IOC_CKPT_LIST, &l));
	EXPECT_EQ(1, l.count);
	EXPECT_EQ(1, info[0].generation);
}

/*
 * GET_DIRTY of generation 1 over every page with REARM: @d refused, no
 * bitmap written, generation 1 not re-armed (pages 0 and NPAGES still
 * changed since it).
 */
static void dirty_refused(struct __test_metadata *_metadata, int fd,
			  struct vmarena_dirty *d, __u64 *bitmap,
			  const struct observed *before, const char *what)
{
	__u64 again[1];

	expect_refused(_metadata, fd, VMARENA_IOC_GET_DIRTY, d, before, what);
	EXPECT_TRUE(untouched(bitmap, sizeof(*bitmap))) TH_LOG("%s", what);
	EXPECT_EQ(2, get_dirty(fd, 1, ALL, again, 0)) TH_LOG("%s", what);
	EXPECT_TRUE(bit_of(again, 0) && bit_of(again, NPAGES))
		TH_LOG("%s", what);
}

static struct vmarena_dirty dirty_of(__u64 *bitmap)
{
	memset(bitmap, SENTINEL, sizeof(*bitmap));
	return (struct vmarena_dirty){ .generation = 1, .offset = 0,
				       .pages = ALL,
				       .bitmap = (uintptr_t)bitmap,
				       .flags = VMARENA_DIRTY_REARM };
}

/* The control: the same call without the field re-arms generation 1. */
static void dirty_works(struct __test_metadata *_metadata, int fd)
{
	__u64 bitmap[1];
	struct vmarena_dirty d = dirty_of(bitmap);

	EXPECT_EQ(0, ioctl_errno(fd, VMARENA_IOC_GET_DIRTY, &d));
	EXPECT_EQ(2, d.dirty);
	EXPECT_EQ(0, get_dirty(fd, 1, ALL, bitmap, 0));
}

TEST_F(space, get_dirty_with_reserved0_set_is_einval_and_neither_answers_nor_rearms)
{
	struct vmarena_dirty d;
	__u64 bitmap[1];
	unsigned int v;
	char what[64];

	for (v = 0; v < ARRAY_SIZE(half_values); v++) {
		d = dirty_of(bitmap);
		d.reserved0 = half_values[v];
		snprintf(what, sizeof(what), "reserved0 = %#x", half_values[v]);
		dirty_refused(_metadata, self->fd, &d, bitmap, &self->before,
			      what);
	}
	dirty_works(_metadata, self->fd);
}

TEST_F(space, get_dirty_with_a_reserved_word_set_is_einval_and_neither_answers_nor_rearms)
{
	struct vmarena_dirty d;
	__u64 bitmap[1];
	unsigned int i, v;
	char what[64];

	for (i = 0; i < ARRAY_SIZE(d.reserved); i++) {
		for (v = 0; v < ARRAY_SIZE(word_values); v++) {
			d = dirty_of(bitmap);
			d.reserved[i] = word_values[v];
			snprintf(what, sizeof(what), "reserved[%u] = %#llx", i,
				 (unsigned long long)word_values[v]);
			dirty_refused(_metadata, self->fd, &d, bitmap,
				      &self->before, what);
		}
	}
	dirty_works(_metadata, self->fd);
}

TEST_F(space, get_dirty_with_an_undefined_flag_is_einval_and_neither_answers_nor_rearms)
{
	struct vmarena_dirty d;
	__u64 bitmap[1];
	char what[64];
	unsigned int b;

	for (b = 0; b < 32; b++) {
		if (VMARENA_DIRTY_REARM & (1U << b))
			continue;
		d = dirty_of(bitmap);
		d.flags |= 1U << b;
		snprintf(what, sizeof(what), "flags bit %u", b);
		dirty_refused(_metadata, self->fd, &d, bitmap, &self->before,
			      what);
	}
	dirty_works(_metadata, self->fd);
}

/* A pipe whose read end does not block. */
static void open_pipe(struct __test_metadata *_metadata, int p[2])
{
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, fcntl(p[0], F_SETFL, O_NONBLOCK));
}

/* EXPORT @e refused: nothing in the pipe (emptied, in case, for the next). */
static void export_refused(struct __test_metadata *_metadata, int fd,
			   struct vmarena_export *e, int rd,
			   const struct observed *before, const char *what)
{
	__u64 pages = global_stat(fd, VMARENA_STAT_EXPORT_PAGES);
	char byte;

	expect_refused(_metadata, fd, VMARENA_IOC_EXPORT, e, before, what);
	EXPECT_EQ(0, pipe_bytes(rd)) TH_LOG("%s", what);
	EXPECT_EQ(-1, read(rd, &byte, 1)) TH_LOG("%s", what);
	EXPECT_EQ(EAGAIN, errno) TH_LOG("%s", what);
	EXPECT_EQ(pages, global_stat(fd, VMARENA_STAT_EXPORT_PAGES))
		TH_LOG("%s", what);
	drain(rd);
}

/* The control: the same call without the field writes a stream. */
static void export_works(struct __test_metadata *_metadata, int fd, int p[2])
{
	struct vmarena_export e = { .fd = p[1], .generation = 1 };

	EXPECT_EQ(0, ioctl_errno(fd, VMARENA_IOC_EXPORT, &e));
	EXPECT_EQ(NPAGES, e.pages);
	EXPECT_EQ(e.bytes, (__u64)pipe_bytes(p[0]));
	close(p[0]);
	close(p[1]);
}

TEST_F(space, export_with_a_reserved_word_set_is_einval_and_writes_nothing)
{
	struct vmarena_export e;
	unsigned int i, v;
	char what[64];
	int p[2];

	open_pipe(_metadata, p);
	for (i = 0; i < ARRAY_SIZE(e.reserved); i++) {
		for (v = 0; v < ARRAY_SIZE(word_values); v++) {
			e = (struct vmarena_export){ .fd = p[1],
						     .generation = 1 };
			e.reserved[i] = word_values[v];
			snprintf(what, sizeof(what), "reserved[%u] = %#llx", i,
				 (unsigned long long)word_values[v]);
			export_refused(_metadata, self->fd, &e, p[0],
				       &self->before, what);
		}
	}
	export_works(_metadata, self->fd, p);
}

TEST_F(space, export_with_an_undefined_flag_is_einval_and_writes_nothing)
{
	struct vmarena_export e;
	char what[64];
	unsigned int b;
	int p[2];

	open_pipe(_metadata, p);
	for (b = 0; b < 32; b++) {
		if (VMARENA_EXPORT_DELTA & (1U << b))
			continue;
		e = (struct vmarena_export){ .fd = p[1], .generation = 1,
					     .flags = 1U << b };
		snprintf(what, sizeof(what), "flags bit %u", b);
		export_refused(_metadata, self->fd, &e, p[0], &self->before,
			       what);
	}
	export_works(_metadata, self->fd, p);
}

/* Generation 1 of the fixture's space as a stream in a memfd. */
static int stream_of_gen1(struct __test_metadata *_metadata, int fd)
{
	int m = memfd_create("stream", MFD_CLOEXEC);
	struct vmarena_export e = { .fd = m, .generation = 1 };

	ASSERT_LE(0, m);
	ASSERT_EQ(0, ioctl_errno(fd, VMARENA_IOC_EXPORT, &e));
	ASSERT_EQ(NPAGES, e.pages);
	return m;
}

/* IMPORT @im of the stream in @m into a new space: refused, it stays empty. */
static void import_refused(struct __test_metadata *_metadata, int fd, int m,
			   struct vmarena_import *im,
			   const struct observed *before, const char *what)
{
	int dst = open_space(_metadata);
	struct observed empty;

	ASSERT_EQ(0, lseek(m, 0, SEEK_SET));
	im->fd = m;
	observe(dst, &empty);
	ASSERT_EQ(0, empty.pages);
	expect_refused(_metadata, dst, VMARENA_IOC_IMPORT, im, &empty, what);
	EXPECT_EQ(0, space_stat(dst, VMARENA_SPACE_STAT_RESIDENT))
		TH_LOG("%s", what);
	/* The exporting space is not touched either. */
	expect_unchanged(_metadata, fd, before, what);
	close(dst);
}

/* The control: the same call without the field fills a new space. */
static void import_works(struct __test_metadata *_metadata, int m)
{
	struct vmarena_import im = { .fd = m };
	int dst = open_space(_metadata);
	char byte = 0;

	ASSERT_EQ(0, lseek(m, 0, SEEK_SET));
	EXPECT_EQ(0, ioctl_errno(dst, VMARENA_IOC_IMPORT, &im));
	EXPECT_EQ(1, im.generation);
	EXPECT_EQ(NPAGES, space_stat(dst, VMARENA_SPACE_STAT_PAGES));
	EXPECT_EQ(1, pread(dst, &byte, 1, 0));
	EXPECT_EQ('a', byte);
	close(dst);
	close(m);
}

TEST_F(space, import_with_a_reserved_word_set_is_einval_and_leaves_the_space_empty)
{
	int m = stream_of_gen1(_metadata, self->fd);
	struct vmarena_import im;
	unsigned int i, v;
	char what[64];

	for (i = 0; i < ARRAY_SIZE(im.reserved); i++) {
		for (v = 0; v < ARRAY_SIZE(word_values); v++) {
			im = (struct vmarena_import){ 0 };
			im.reserved[i] = word_values[v];
			snprintf(what, sizeof(what), "reserved[%u] = %#llx", i,
				 (unsigned long long)word_values[v]);
			import_refused(_metadata, self->fd, m, &im,
				       &self->before, what);
		}
	}
	import_works(_metadata, m);
}

/* IMPORT defines no flag: each of the 32 bits is refused. */
TEST_F(space, import_with_any_flag_is_einval_and_leaves_the_space_empty)
{
	int m = stream_of_gen1(_metadata, self->fd);
	struct vmarena_import im;
	char what[64];
	unsigned int b;

	for (b = 0; b < 32; b++) {
		im = (struct vmarena_import){ .flags = 1U << b };
		snprintf(what, sizeof(what), "flags bit %u", b);
		import_refused(_metadata, self->fd, m, &im, &self->before,
			       what);
	}
	import_works(_metadata, m);
}

TEST_F(space, stats_with_a_reserved_word_set_is_einval_and_writes_no_counter)
{
	__u64 values[VMARENA_NR_SPACE_STATS];
	struct vmarena_stats st;
	unsigned int i, v;
	char what[64];

	for (i = 0; i < ARRAY_SIZE(st.reserved); i++) {
		for (v = 0; v < ARRAY_SIZE(word_values); v++) {
			memset(values, SENTINEL, sizeof(values));
			st = (struct vmarena_stats){
				.which = VMARENA_STATS_SPACE,
				.count = ARRAY_SIZE(values),
				.values = (uintptr_t)values };
			st.reserved[i] = word_values[v];
			snprintf(what, sizeof(what), "reserved[%u] = %#llx", i,
				 (unsigned long long)word_values[v]);
			expect_refused(_metadata, self->fd, VMARENA_IOC_STATS,
				       &st, &self->before, what);
			EXPECT_TRUE(untouched(values, sizeof(values)))
				TH_LOG("%s", what);
		}
	}
	st = (struct vmarena_stats){ .which = VMARENA_STATS_SPACE,
				     .count = ARRAY_SIZE(values),
				     .values = (uintptr_t)values };
	EXPECT_EQ(0, ioctl_errno(self->fd, VMARENA_IOC_STATS, &st));
	EXPECT_EQ(ALL, values[VMARENA_SPACE_STAT_PAGES]);
}

TEST_HARNESS_MAIN
