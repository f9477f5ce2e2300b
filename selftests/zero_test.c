// SPDX-License-Identifier: GPL-2.0
/*
 * zero_test - a read of a hole maps the kernel's zero page and takes no
 * frame; the first write gives the page a frame that every mapping, in
 * every process, then sees; pwrite, PIN, clones, checkpoints and caps
 * (Documentation/vmarena.rst, "The zero page for reads").
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <stdint.h>
#include <time.h>

#include "kselftest_harness.h"
#include "space_util.h"
#include "cow_util.h"

/* Reads every byte of pages [first, first + n) through @p: all zero? */
static bool read_zeros(const volatile char *p, __u64 first, __u64 n)
{
	__u64 i;

	for (i = first * PAGE; i < (first + n) * PAGE; i++)
		if (p[i])
			return false;
	return true;
}

static __u64 sstat(int fd, int id)
{
	return space_stat(fd, id);
}

TEST(a_read_of_a_hole_maps_the_zero_page_and_takes_no_frame)
{
	int fd = open_space(_metadata);
	__u64 zero0 = global_stat(fd, VMARENA_STAT_FAULTS_ZERO);
	char *p = map(fd, 64, 0);
	char buf[PAGE];
	__u64 n;

	if (!zero_page_mapped(_metadata))
		SKIP(return, NO_ZERO_PAGE);
	ASSERT_NE(NULL, p);
	/* One read: its window of 16 (6 at least, here) gets the zero page. */
	ASSERT_EQ(0, p[5 * PAGE]);
	n = sstat(fd, VMARENA_SPACE_STAT_FAULTS_ZERO);
	EXPECT_LE(6, n);
	EXPECT_GE(16, n);
	ASSERT_TRUE(read_zeros(p, 0, 64));
	EXPECT_EQ(0, sstat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(0, sstat(fd, VMARENA_SPACE_STAT_PAGES));
	EXPECT_EQ(0, sstat(fd, VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH));
	EXPECT_EQ(64, sstat(fd, VMARENA_SPACE_STAT_FAULTS_ZERO));
	EXPECT_LE(zero0 + 64, global_stat(fd, VMARENA_STAT_FAULTS_ZERO));
	/* Mapped now: read again, no fault. */
	ASSERT_TRUE(read_zeros(p, 0, 64));
	EXPECT_EQ(64, sstat(fd, VMARENA_SPACE_STAT_FAULTS_ZERO));
	memset(buf, 1, sizeof(buf));
	ASSERT_EQ(PAGE, pread(fd, buf, PAGE, 5 * PAGE));
	EXPECT_EQ(0, memcmp(buf, p, PAGE));
	munmap(p, 64 * PAGE);
	close(fd);
}

/* A byte written into a page that reads as zeros, through @p: did it? */
static bool write_after_read(char *p, __u64 page, char v)
{
	if (p[page * PAGE] != 0)
		return false;
	p[page * PAGE + 7] = v;
	return true;
}

/* In a child: waits for a byte on @in, checks, answers on @out. */
static int child_sees(int in, int out, const char *a, const char *c)
{
	char cmd;

	/* Read through both mappings first: both map the zero page. */
	if (!read_zeros(a, 0, 4) || !read_zeros(c, 0, 4))
		return 1;
	if (write(out, "r", 1) != 1 || read(in, &cmd, 1) != 1)
		return 2;
	/* The parent wrote page 1 through its own mapping. */
	if (a[PAGE + 7] != 'p' || c[PAGE + 7] != 'p')
		return 3;
	if (!read_zeros(a, 2, 2) || a[7])
		return 4;
	/* Page 2 through the mapping inherited, with its zero-page PTE. */
	if (!write_after_read((char *)a, 2, 'c') || c[2 * PAGE + 7] != 'c')
		return 5;
	return write(out, "w", 1) == 1 ? 0 : 6;
}

/* Where a leaf node exists, a read of a hole maps that page alone. */
TEST(a_read_of_a_hole_beside_a_written_page_maps_that_page_alone)
{
	int fd = open_space(_metadata);
	volatile char *p = map(fd, 16, 0);	/* the write comes first */

	if (!zero_page_mapped(_metadata))
		SKIP(return, NO_ZERO_PAGE);
	ASSERT_NE(NULL, p);
	p[0] = 1;
	ASSERT_EQ(0, p[PAGE]);
	EXPECT_EQ(1, sstat(fd, VMARENA_SPACE_STAT_FAULTS_ZERO));
	ASSERT_TRUE(read_zeros(p, 2, 14));
	EXPECT_EQ(15, sstat(fd, VMARENA_SPACE_STAT_FAULTS_ZERO));
	p[3 * PAGE] = 3;
	EXPECT_EQ(3, p[3 * PAGE]);
	EXPECT_TRUE(read_zeros(p, 4, 12));
	EXPECT_EQ(2, sstat(fd, VMARENA_SPACE_STAT_RESIDENT));
	munmap((void *)p, 16 * PAGE);
	close(fd);
}

TEST(the_first_write_after_reads_reaches_every_mapping_in_every_process)
{
	int fd = open_space(_metadata);
	char *a = map(fd, 4, 0), *b = map(fd, 4, 0), *c, *anon, ans;
	int to_child[2], to_parent[2], status;
	pid_t pid;

	if (!zero_page_mapped(_metadata))
		SKIP(return, NO_ZERO_PAGE);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_TRUE(read_zeros(a, 0, 4));	/* inherited by the child */
	ASSERT_TRUE(read_zeros(b, 0, 4));
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		c = map(fd, 4, 0);	/* a mapping of the child's own */
		_exit(c ? child_sees(to_child[0], to_parent[1], a, c) : 7);
	}
	ASSERT_EQ(1, read(to_parent[0], &ans, 1));
	EXPECT_EQ('r', ans);
	ASSERT_TRUE(write_after_read(a, 1, 'p'));
	EXPECT_EQ('p', b[PAGE + 7]);
	ASSERT_EQ(1, write(to_child[1], "w", 1));
	ASSERT_EQ(1, read(to_parent[0], &ans, 1));
	EXPECT_EQ('w', ans);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ('c', b[2 * PAGE + 7]);
	EXPECT_EQ('c', a[2 * PAGE + 7]);
	EXPECT_TRUE(read_zeros(b, 3, 1));
	EXPECT_EQ(2, sstat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(2, sstat(fd, VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH));
	/* The kernel's zero page itself was never written. */
	anon = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	EXPECT_TRUE(read_zeros(anon, 0, 1));
	munmap(anon, PAGE);
	munmap(a, 4 * PAGE);
	munmap(b, 4 * PAGE);
	close(fd);
}

TEST(pwrite_pin_and_kernel_copies_replace_the_zero_page_in_mappings)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 4, 0), *q = map(fd, 4, 0), buf[8];
	struct iovec local, remote;
	int fds[2];

	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	ASSERT_TRUE(read_zeros(p, 0, 4));
	ASSERT_TRUE(read_zeros(q, 0, 4));
	ASSERT_EQ(3, pwrite(fd, "abc", 3, 0));
	EXPECT_EQ(0, memcmp(p, "abc", 3));
	EXPECT_EQ(0, memcmp(q, "abc", 3));
	/* PIN makes the page; then pwrite, which finds it present. */
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, PAGE, PAGE));
	ASSERT_EQ(1, pwrite(fd, "x", 1, PAGE));
	EXPECT_EQ('x', q[PAGE]);
	EXPECT_EQ('x', p[PAGE]);
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_UNPIN, PAGE, PAGE));
	/* copy_to_user() into a zero-page mapping: a write fault in the kernel. */
	ASSERT_EQ(0, pipe(fds));
	ASSERT_EQ(3, write(fds[1], "def", 3));
	ASSERT_EQ(3, read(fds[0], p + 2 * PAGE, 3));
	EXPECT_EQ(0, memcmp(q + 2 * PAGE, "def", 3));
	ASSERT_EQ(3, pread(fd, buf, 3, 2 * PAGE));
	EXPECT_EQ(0, memcmp(buf, "def", 3));
	/* get_user_pages() for writing (process_vm_writev() to ourselves). */
	local.iov_base = "ghi";
	local.iov_len = 3;
	remote.iov_base = p + 3 * PAGE;
	remote.iov_len = 3;
	if (process_vm_writev(getpid(), NULL, 0, NULL, 0, 0))
		SKIP(goto out, "process_vm_writev() missing (CONFIG_CROSS_MEMORY_ATTACH)");
	ASSERT_EQ(3, process_vm_writev(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_EQ(0, memcmp(q + 3 * PAGE, "ghi", 3));
	EXPECT_EQ(4, sstat(fd, VMARENA_SPACE_STAT_RESIDENT));
out:
	close(fds[0]);
	close(fds[1]);
	munmap(p, 4 * PAGE);
	munmap(q, 4 * PAGE);
	close(fd);
}

TEST(clones_and_checkpoints_of_read_holes_keep_them_holes)
{
	int fd = open_space(_metadata), cfd;
	volatile char *p = map(fd, 4, 0), *c;	/* each access made */
	__u64 gen, bitmap[1] = { 0 };

	ASSERT_NE(NULL, p);
	ASSERT_TRUE(read_zeros(p, 0, 4));
	cfd = clone_space(fd);
	ASSERT_LE(0, cfd);
	c = map(cfd, 4, 0);
	ASSERT_NE(NULL, c);
	ASSERT_TRUE(read_zeros(c, 0, 4));
	p[0] = 'p';
	c[PAGE] = 'c';
	EXPECT_EQ(0, c[0]);
	EXPECT_EQ(0, p[PAGE]);
	EXPECT_EQ('p', p[0]);
	EXPECT_EQ('c', c[PAGE]);
	EXPECT_EQ(1, sstat(cfd, VMARENA_SPACE_STAT_RESIDENT));
	/* A checkpoint of holes mapped to the zero page, then a write. */
	gen = checkpoint(fd);
	ASSERT_NE(0, gen);
	p[2 * PAGE] = 'w';
	ASSERT_EQ(1, get_dirty(fd, gen, 4, bitmap, 0));
	EXPECT_TRUE(bit_of(bitmap, 2));
	ASSERT_EQ(0, restore(fd, gen));
	EXPECT_TRUE(read_zeros(p, 2, 2));
	EXPECT_EQ('p', p[0]);
	p[3 * PAGE] = 'r';
	ASSERT_LE(0, ioctl(fd, VMARENA_IOC_REWIND, gen));
	EXPECT_TRUE(read_zeros(p, 3, 1));
	EXPECT_EQ(0, c[3 * PAGE]);
	munmap((void *)c, 4 * PAGE);
	munmap((void *)p, 4 * PAGE);
	close(cfd);
	close(fd);
}

/*
 * A generation's page set back where the space has a hole that another
 * mapping maps the zero page at: REWIND and RESTORE each replace it.
 */
TEST(rewind_and_restore_replace_the_zero_page_of_a_discarded_page)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 2, 0), *q = map(fd, 2, 0);
	__u64 gen;

	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	p[0] = 'g';
	p[PAGE] = 'h';
	gen = checkpoint(fd);
	ASSERT_NE(0, gen);
	ASSERT_EQ(0, discard(fd, 0, 2 * PAGE));
	ASSERT_TRUE(read_zeros(q, 0, 2));
	ASSERT_TRUE(read_zeros(p, 0, 2));
	ASSERT_LE(0, ioctl(fd, VMARENA_IOC_REWIND, gen));
	EXPECT_EQ('g', q[0]);
	EXPECT_EQ('h', q[PAGE]);
	ASSERT_EQ(0, discard(fd, 0, 2 * PAGE));
	ASSERT_TRUE(read_zeros(q, 0, 2));
	ASSERT_EQ(0, restore(fd, gen));
	EXPECT_EQ('g', q[0]);
	EXPECT_EQ('h', p[PAGE]);
	munmap(p, 2 * PAGE);
	munmap(q, 2 * PAGE);
	close(fd);
}

/*
 * A fault's window of 16 pages is aligned by address; the marks are by
 * page number.  Mapped at page 8 of the space at an aligned address, a
 * read of page 8 maps pages 8-23, across two windows of page numbers: a
 * pwrite in the second still replaces the zero page there.
 */
TEST(a_window_across_two_windows_of_page_numbers_marks_both)
{
	int fd = open_space(_metadata);
	char *area, *p;

	if (!zero_page_mapped(_metadata))
		SKIP(return, NO_ZERO_PAGE);
	area = mmap(NULL, 48 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	p = (char *)(((uintptr_t)area + 16 * PAGE - 1) & ~(16 * PAGE - 1));
	ASSERT_EQ(p, mmap(p, 16 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_FIXED, fd, 8 * PAGE));
	ASSERT_EQ(0, p[0]);
	EXPECT_EQ(16, sstat(fd, VMARENA_SPACE_STAT_FAULTS_ZERO));
	ASSERT_EQ(3, pwrite(fd, "abc", 3, 20 * PAGE));
	EXPECT_EQ(0, memcmp(p + 12 * PAGE, "abc", 3));
	ASSERT_EQ(3, pwrite(fd, "def", 3, 9 * PAGE));
	EXPECT_EQ(0, memcmp(p + PAGE, "def", 3));
	munmap(area, 48 * PAGE);
	close(fd);
}

TEST(a_read_beyond_the_caps_maps_zeros_and_a_write_there_is_sigbus)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 8, 0), v = 1;

	if (!zero_page_mapped(_metadata))
		SKIP(return, NO_ZERO_PAGE);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, set_limit(fd, 1, 0));
	ASSERT_TRUE(touch_survives_sigbus(p));
	for (unsigned int i = 1; i < 8; i++) {
		ASSERT_TRUE(read_survives_sigbus(p + i * PAGE, &v));
		ASSERT_EQ(0, v);
	}
	EXPECT_FALSE(touch_survives_sigbus(p + 3 * PAGE));
	EXPECT_TRUE(read_zeros(p, 1, 7));
	EXPECT_EQ(1, sstat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(1, sstat(fd, VMARENA_SPACE_STAT_SIGBUS));
	munmap(p, 8 * PAGE);
	close(fd);
}

/*
 * With zero_page N (the default where the kernel refuses its zero page) a
 * read of a hole takes a frame and counts as a first touch; back at Y,
 * where Y is allowed, reads of other holes take none again.
 */
TEST(with_zero_page_off_a_read_of_a_hole_takes_a_frame)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 4, 0);
	int zp = zero_page_default();

	ASSERT_LE(0, zp);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, set_zero_page(false));
	EXPECT_TRUE(read_zeros(p, 0, 2));
	EXPECT_EQ(zp, zero_page_default());
	EXPECT_EQ(2, sstat(fd, VMARENA_SPACE_STAT_RESIDENT));
	EXPECT_EQ(2, sstat(fd, VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH));
	EXPECT_EQ(0, sstat(fd, VMARENA_SPACE_STAT_FAULTS_ZERO));
	if (zp) {
		EXPECT_TRUE(read_zeros(p, 2, 2));
		EXPECT_EQ(2, sstat(fd, VMARENA_SPACE_STAT_RESIDENT));
		EXPECT_EQ(2, sstat(fd, VMARENA_SPACE_STAT_FAULTS_ZERO));
	}
	munmap(p, 4 * PAGE);
	close(fd);
}

/*
 * zero_page=Y is refused, -EINVAL, and the parameter stays N exactly on
 * the kernels that refuse their zero page in a space's mappings: 6.12 and
 * later (Documentation/compat.rst).  Judged from uname, not the module.
 */
TEST(zero_page_y_is_refused_exactly_on_kernels_from_6_12)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;
	bool refuses;
	char val[4] = "";
	int fields, fd;

	ASSERT_EQ(0, uname(&u));
	fields = sscanf(u.release, "%u.%u", &major, &minor);
	ASSERT_EQ(2, fields);
	refuses = major > 6 || (major == 6 && minor >= 12);
	EXPECT_EQ(refuses ? -EINVAL : 0, set_zero_page(true));
	fd = open("/sys/module/vmarena/parameters/zero_page", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, val, sizeof(val) - 1));
	close(fd);
	EXPECT_EQ(refuses ? 'N' : 'Y', val[0]);
	TH_LOG("kernel %s: zero_page=Y %s", u.release,
	       refuses ? "refused" : "taken");
}

TEST(a_read_only_mapping_made_writable_writes_a_frame_not_the_zero_page)
{
	int fd = open_space(_metadata);
	char *p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	char *q = map(fd, 2, 0);

	if (!zero_page_mapped(_metadata))
		SKIP(return, NO_ZERO_PAGE);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(NULL, q);
	ASSERT_TRUE(read_zeros(p, 0, 2));
	ASSERT_EQ(0, mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE));
	p[PAGE] = 'm';
	EXPECT_EQ('m', q[PAGE]);
	EXPECT_TRUE(read_zeros(q, 0, 1));
	EXPECT_EQ(1, sstat(fd, VMARENA_SPACE_STAT_RESIDENT));
	munmap(p, 2 * PAGE);
	munmap(q, 2 * PAGE);
	close(fd);
}

/*
 * Writes racing reads of holes: each round the parent discards the range
 * (holes again), a reader in another process reads every page through its
 * own mapping (zero-page mappings, each must read 0) and says so, then
 * keeps reading while the parent writes the round number into every page
 * by one of the ways a hole gets a frame; every page must reach the
 * round.  A zero-page mapping left behind would show zeros for ever: the
 * reader gives up after 10 s.  The 300 rounds take 25 to 30 s on the debug
 * kernel, the harness's default limit: this test has 120.
 */
#define RACE_PAGES	16
#define RACE_ROUNDS	300

struct race {
	volatile unsigned int round;	/* discarded for this round */
	volatile unsigned int ready;	/* the reader read the holes */
	volatile unsigned int seen;	/* ... and then saw the round whole */
	volatile unsigned int bad;	/* a value it should not have seen */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Until @flag is @round, up to 10 s: false if it never is. */
static bool wait_for(const volatile unsigned int *flag, unsigned int round)
{
	double start = now_s();

	while (*flag != round)
		if (now_s() - start > 10)
			return false;
	return true;
}

/* Pages of @p not at @round yet; a value beyond it is noted bad. */
static unsigned int race_behind(struct race *r,
				const volatile unsigned int *p,
				unsigned int round)
{
	unsigned int i, v, behind = 0;

	for (i = 0; i < RACE_PAGES; i++) {
		v = p[i * PAGE / sizeof(*p)];
		if (v > round)
			r->bad = v;
		behind += v != round;
	}
	return behind;
}

static int race_reader(struct race *r, const volatile unsigned int *p)
{
	unsigned int round;
	double start;

	for (round = 1; round <= RACE_ROUNDS; round++) {
		if (!wait_for(&r->round, round))
			return 1;
		if (race_behind(r, p, 0))	/* holes: the zero page */
			r->bad = round;
		r->ready = round;
		start = now_s();
		while (race_behind(r, p, round))
			if (now_s() - start > 10)
				return 2;
		r->seen = round;
	}
	return 0;
}

/* Round @round into page @i: a write fault, a write after a read, pwrite. */
static void race_write(int fd, volatile unsigned int *p, unsigned int round,
		       unsigned int i)
{
	volatile unsigned int *w = p + i * PAGE / sizeof(*p);

	switch ((round + i) % 3) {
	case 0:
		*w = round;
		break;
	case 1:
		if (*w == 0)
			*w = round;
		break;
	default:
		if (pwrite(fd, &round, sizeof(round), i * PAGE) != sizeof(round))
			*w = round;
	}
}

FIXTURE(race) {};
FIXTURE_SETUP(race) {}
FIXTURE_TEARDOWN(race) {}

TEST_F_TIMEOUT(race, writes_racing_reads_of_holes_in_another_process_are_always_seen,
	       120)
{
	int fd = open_space(_metadata), status;
	struct race *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile unsigned int *p = (void *)map(fd, RACE_PAGES, 0);
	unsigned int round, i;
	int zp = zero_page_default();
	pid_t pid;

	ASSERT_LE(0, zp);
	ASSERT_NE(MAP_FAILED, r);
	ASSERT_NE(NULL, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		void *q = map(fd, RACE_PAGES, 0);

		_exit(q ? race_reader(r, q) : 3);
	}
	for (round = 1; round <= RACE_ROUNDS; round++) {
		ASSERT_EQ(0, discard(fd, 0, RACE_PAGES * PAGE));
		r->round = round;
		ASSERT_TRUE(wait_for(&r->ready, round)) TH_LOG("round %u", round);
		for (i = 0; i < RACE_PAGES; i++)
			race_write(fd, p, round, i);
		/* The reader gives up after 10 s: then so does this. */
		ASSERT_TRUE(wait_for(&r->seen, round)) TH_LOG("round %u", round);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(0, r->bad);
	if (zp)		/* else the reads took frames (Linux 6.12) */
		EXPECT_LE(RACE_ROUNDS * RACE_PAGES,
			  sstat(fd, VMARENA_SPACE_STAT_FAULTS_ZERO));
	munmap((void *)p, RACE_PAGES * PAGE);
	munmap(r, sizeof(*r));
	close(fd);
}

TEST_HARNESS_MAIN
