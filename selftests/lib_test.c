// SPDX-License-Identifier: GPL-2.0
/*
 * lib_test.c - libvmarena (Documentation/libvmarena.rst) against the
 * module: every function does its command and gives back what the kernel
 * answered, returns a negative errno on failure, and leaves errno alone.
 * The 64-bit build links the shared library, the 32-bit one its source.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libvmarena.h"

#define PAGE 4096UL
#define N 8

/* errno is set to this before each call: the library must not change it. */
#define CANARY 4242

/* The space's pages (SPACE_STATS through the library), or ~0. */
static __u64 space_pages(int fd)
{
	__u64 v[VMARENA_NR_SPACE_STATS] = { 0 };
	unsigned int count = VMARENA_NR_SPACE_STATS;

	if (vmarena_stats(fd, VMARENA_STATS_SPACE, v, &count))
		return ~0ULL;
	return v[VMARENA_SPACE_STAT_PAGES];
}

FIXTURE(lib) {
	int fd;
	char *p;
};

FIXTURE_SETUP(lib)
{
	void *addr = NULL;
	int i;

	self->fd = vmarena_open(O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, vmarena_map(self->fd, 0, N * PAGE, PROT_READ | PROT_WRITE,
				 &addr));
	self->p = addr;
	for (i = 0; i < N; i++)
		memset(self->p + i * PAGE, 'a' + i, PAGE);
}

FIXTURE_TEARDOWN(lib)
{
	munmap(self->p, N * PAGE);
	close(self->fd);
}

TEST_F(lib, info_and_stats_answer_for_this_space)
{
	__u64 v[VMARENA_NR_SPACE_STATS + 8] = { 0 };
	unsigned int count = VMARENA_NR_SPACE_STATS + 8;
	struct vmarena_info info;

	ASSERT_EQ(0, vmarena_info(self->fd, &info));
	EXPECT_EQ(VMARENA_ABI_VERSION, info.abi_version);
	EXPECT_EQ(PAGE, info.page_size);
	ASSERT_EQ(0, vmarena_stats(self->fd, VMARENA_STATS_SPACE, v, &count));
	EXPECT_EQ(VMARENA_NR_SPACE_STATS, count);
	EXPECT_EQ(info.space_id, v[VMARENA_SPACE_STAT_ID]);
	EXPECT_EQ(N, v[VMARENA_SPACE_STAT_PAGES]);
	count = 0;
	ASSERT_EQ(0, vmarena_stats(self->fd, VMARENA_STATS_GLOBAL, v, &count));
	EXPECT_EQ(VMARENA_NR_GLOBAL_STATS, count);
	EXPECT_STREQ("1.2", vmarena_version());
}

/* run_test.sh and rewind_test.sh test them under vmarena run. */
TEST(snapshot_and_rewind_outside_vmarena_run_are_enxio)
{
	errno = CANARY;
	EXPECT_EQ(-ENXIO, vmarena_snapshot());
	EXPECT_EQ(-ENXIO, vmarena_rewind());
	EXPECT_EQ(CANARY, errno);
}

TEST_F(lib, errors_are_negative_errno_and_errno_is_left_alone)
{
	struct vmarena_info info;
	void *addr = NULL;
	__u64 gen = 99;

	errno = CANARY;
	EXPECT_EQ(-EBADF, vmarena_info(-1, &info));
	EXPECT_EQ(-EINVAL, vmarena_discard(self->fd, 1, PAGE));
	EXPECT_EQ(-ENOENT, vmarena_restore(self->fd, 77, NULL));
	EXPECT_EQ(-ENOENT, vmarena_ckpt_drop(self->fd, 77, NULL));
	EXPECT_EQ(-EINVAL, vmarena_map(self->fd, 1ULL << 48, PAGE, PROT_READ,
				       &addr));
	EXPECT_EQ(-EBADF, vmarena_checkpoint(-1, &gen, NULL));
	EXPECT_EQ(-EINVAL, vmarena_clone(self->fd, ~0U, NULL));
	EXPECT_EQ(CANARY, errno);
}

/*
 * 1 when the module parameter zero_page is Y (reads of holes map the zero
 * page), 0 when N (always so on Linux 6.12, Documentation/compat.rst).
 */
static int zero_page_on(void)
{
	int fd = open("/sys/module/vmarena/parameters/zero_page", O_RDONLY);
	char c = 'N';

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 'N';
		close(fd);
	}
	return c == 'Y';
}

TEST_F(lib, pages_discard_pin_unpin_and_translate)
{
	struct vmarena_pte_info e[N];
	int i, zp;

	ASSERT_EQ(0, vmarena_pin(self->fd, 0, 2 * PAGE));
	ASSERT_EQ(0, vmarena_translate(self->fd, 0, N, e));
	for (i = 0; i < N; i++) {
		EXPECT_TRUE(e[i].flags & VMARENA_PTE_INFO_PRESENT) TH_LOG("%d", i);
		EXPECT_EQ(i < 2, !!(e[i].flags & VMARENA_PTE_INFO_PINNED));
	}
	ASSERT_EQ(0, vmarena_unpin(self->fd, 0, 2 * PAGE));
	ASSERT_EQ(0, vmarena_discard(self->fd, 3 * PAGE, PAGE));
	ASSERT_EQ(0, vmarena_translate(self->fd, 0, N, e));
	EXPECT_EQ(0, e[0].flags & VMARENA_PTE_INFO_PINNED);
	EXPECT_EQ(0, e[3].flags);
	EXPECT_EQ(0, self->p[3 * PAGE]);
	EXPECT_EQ('e', self->p[4 * PAGE]);
	/*
	 * The read of the hole took no frame (the zero page): N - 1 pages;
	 * N where the kernel refuses the zero page (Linux 6.12).
	 */
	zp = zero_page_on();
	EXPECT_EQ(N - zp, space_pages(self->fd));
	ASSERT_EQ(0, vmarena_set_limit(self->fd, N - zp, 0));
	EXPECT_EQ(-EDQUOT, pwrite(self->fd, "x", 1, N * PAGE) < 0 ? -errno : 0);
}

TEST_F(lib, clone_checkpoint_restore_list_dirty_and_drop)
{
	struct vmarena_ckpt_info list[4];
	__u64 gen, pages, id = 0, bitmap = 0, dirty = 0, freed;
	unsigned int count = 0;
	char c;
	int cl;

	cl = vmarena_clone(self->fd, VMARENA_CLONE_CLOEXEC, &id);
	ASSERT_LE(0, cl);
	EXPECT_NE(0, id);
	ASSERT_EQ(0, vmarena_checkpoint(self->fd, &gen, &pages));
	EXPECT_EQ(1, gen);
	EXPECT_EQ(N, pages);
	self->p[PAGE] = 'X';
	ASSERT_EQ(1, pread(cl, &c, 1, PAGE));
	EXPECT_EQ('b', c);
	ASSERT_EQ(0, vmarena_get_dirty(self->fd, gen, 0, N, &bitmap, 0, &dirty));
	EXPECT_EQ(1, dirty);
	EXPECT_EQ(2, bitmap);
	ASSERT_EQ(0, vmarena_ckpt_list(self->fd, list, 4, &count));
	EXPECT_EQ(1, count);
	EXPECT_EQ(gen, list[0].generation);
	ASSERT_EQ(0, vmarena_restore(self->fd, gen, &pages));
	EXPECT_EQ('b', self->p[PAGE]);
	ASSERT_EQ(0, vmarena_ckpt_drop(self->fd, gen, &freed));
	ASSERT_EQ(0, vmarena_ckpt_list(self->fd, list, 4, &count));
	EXPECT_EQ(0, count);
	close(cl);
}

TEST_F(lib, export_then_import_gives_the_same_pages)
{
	__u64 gen, pages = 0, bytes = 0, igen = 0, ipages = 0, ibytes = 0;
	int out = memfd_create("stream", MFD_CLOEXEC), to;
	char c;

	ASSERT_LE(0, out);
	ASSERT_EQ(0, vmarena_checkpoint(self->fd, &gen, NULL));
	ASSERT_EQ(0, vmarena_export(self->fd, out, gen, 0, 0, &pages, &bytes));
	EXPECT_EQ(N, pages);
	EXPECT_LT(N * PAGE, bytes);
	lseek(out, 0, SEEK_SET);
	to = vmarena_open(O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, to);
	ASSERT_EQ(0, vmarena_import(to, out, &igen, &ipages, &ibytes));
	EXPECT_EQ(gen, igen);
	EXPECT_EQ(N, ipages);
	EXPECT_EQ(bytes, ibytes);
	ASSERT_EQ(1, pread(to, &c, 1, 7 * PAGE));
	EXPECT_EQ('h', c);
	close(to);
	close(out);
}

TEST_HARNESS_MAIN
