// SPDX-License-Identifier: GPL-2.0
/*
 * arena_test.c - the arena as user space sees it: buddyinfo and slabinfo
 * agree with the counters, metadata comes from slabs carved from frames,
 * and injected failures reach the caller as -ENOMEM.
 *
 * Runs in the VM, as root, with the module loaded (run_vmarena.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "kselftest_harness.h"
#include "vm_util.h"

#define DBG "/sys/kernel/debug/vmarena/"
#define NR_ORDERS 11
#define MANY 600

/* The free_blocks row of buddyinfo. */
static int buddy_free_blocks(unsigned long long n[NR_ORDERS])
{
	char line[512], *p;
	int o, ret = -1;
	FILE *f = fopen(DBG "buddyinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "free_blocks", 11))
			continue;
		p = line + 11;
		for (o = 0; o < NR_ORDERS; o++)
			n[o] = strtoull(p, &p, 10);
		ret = 0;
	}
	fclose(f);
	return ret;
}

struct slab_line {
	unsigned long long object_size, size, objs_per_slab, frames_per_slab;
	unsigned long long active, total, slabs, waste;
	char debug[16];
};

static int slabinfo(const char *cache, struct slab_line *s)
{
	char line[512], name[32];
	struct slab_line t;
	int ret = -1;
	FILE *f = fopen(DBG "slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		/* Parsed aside: a later cache's line must not overwrite *s. */
		if (sscanf(line, "%31s %llu %llu %llu %llu %llu %llu %llu %llu %15s",
			   name, &t.object_size, &t.size, &t.objs_per_slab,
			   &t.frames_per_slab, &t.active, &t.total, &t.slabs,
			   &t.waste, t.debug) == 10 && !strcmp(name, cache)) {
			*s = t;
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

FIXTURE(arena) {
	int fds[MANY];
	int n;
};

FIXTURE_SETUP(arena)
{
	if (access(DBG "buddyinfo", R_OK))
		SKIP(return, "debugfs vmarena/ not readable (root, debugfs)");
	self->n = 0;
}

FIXTURE_TEARDOWN(arena)
{
	while (self->n)
		close(self->fds[--self->n]);
}

/* Opens @n spaces into @fds[*nr...]; returns how many failed with ENOMEM. */
static int open_into(struct __test_metadata *_metadata, int *fds, int *nr, int n)
{
	int failed = 0;

	while (n--) {
		int fd = open("/dev/vmarena", O_RDWR | O_CLOEXEC);

		if (fd < 0) {
			ASSERT_EQ(ENOMEM, errno);
			failed++;
			continue;
		}
		fds[(*nr)++] = fd;
	}
	return failed;
}

TEST_F(arena, buddyinfo_free_blocks_add_up_to_the_free_frames)
{
	unsigned long long n[NR_ORDERS], sum = 0;
	struct vmarena_info info;
	int o;

	/* vmarena_zerod would move frames between the reads: pool off. */
	ASSERT_EQ(0, set_zeroed_target(0));
	open_into(_metadata, self->fds, &self->n, 300);		/* some frames in use */
	ASSERT_EQ(0, buddy_free_blocks(n));
	for (o = 0; o < NR_ORDERS; o++)
		sum += n[o] << o;
	EXPECT_EQ(sum, debugfs_value("buddyinfo", "buddy_free_frames"));
	sum += debugfs_value("buddyinfo", "pcp_free_frames");
	EXPECT_EQ(0, debugfs_value("buddyinfo", "zeroed_free_frames"));
	EXPECT_EQ(sum, debugfs_value("stats", "free_frames"));
	ASSERT_EQ(0, ioctl(self->fds[0], VMARENA_IOC_INFO, &info));
	EXPECT_EQ(sum, info.free_frames);
	EXPECT_LT(info.free_frames, info.arena_frames);
	EXPECT_LT(0, set_zeroed_target(1LL << 30));
}

TEST_F(arena, slabinfo_counts_every_open_space)
{
	struct slab_line before, during, after;

	ASSERT_EQ(0, slabinfo("space", &before));
	open_into(_metadata, self->fds, &self->n, MANY);
	ASSERT_EQ(0, slabinfo("space", &during));
	EXPECT_EQ(before.active + MANY, during.active);
	EXPECT_LE(during.active, during.total);
	EXPECT_EQ(during.slabs * during.objs_per_slab, during.total);
	EXPECT_GE(during.slabs, MANY / during.objs_per_slab);
	EXPECT_EQ(during.slabs * during.frames_per_slab * 4096 -
		  during.total * during.object_size, during.waste);
	while (self->n)
		close(self->fds[--self->n]);
	ASSERT_EQ(0, slabinfo("space", &after));
	EXPECT_EQ(before.active, after.active);
	EXPECT_LE(after.slabs, 1);	/* emptied slabs beyond the reserve go back */
}

TEST_F(arena, slabs_take_their_frames_from_the_arena)
{
	long long free0 = debugfs_value("stats", "free_frames");
	struct slab_line s;

	open_into(_metadata, self->fds, &self->n, MANY);
	ASSERT_EQ(0, slabinfo("space", &s));
	EXPECT_LE(debugfs_value("stats", "free_frames"),
		  free0 - (long long)(s.slabs - 1) * (long long)s.frames_per_slab);
	while (self->n)
		close(self->fds[--self->n]);
	EXPECT_GE(debugfs_value("stats", "free_frames"),
		  free0 - (long long)s.frames_per_slab);
}

TEST_F(arena, an_injected_slab_failure_fails_one_open_with_enomem)
{
	long long injected = debugfs_value("stats", "slab_injected");

	ASSERT_EQ(0, write_str(DBG "slab/space/fail_next", "1"));
	EXPECT_EQ(1, open_into(_metadata, self->fds, &self->n, 10));
	EXPECT_EQ(9, self->n);
	EXPECT_EQ(injected + 1, debugfs_value("stats", "slab_injected"));
}

TEST_F(arena, an_injected_frame_failure_fails_the_open_that_needs_a_slab)
{
	long long injected = debugfs_value("stats", "alloc_injected");
	struct slab_line s;

	ASSERT_EQ(0, slabinfo("space", &s));
	ASSERT_EQ(0, write_str(DBG "fail_frames", "1"));
	/* Enough opens to need a new slab whatever the current state. */
	EXPECT_EQ(1, open_into(_metadata, self->fds, &self->n, s.objs_per_slab + 1));
	EXPECT_EQ(injected + 1, debugfs_value("stats", "alloc_injected"));
	ASSERT_EQ(0, write_str(DBG "fail_frames", "0"));
}

TEST_F(arena, slab_debug_switch_reads_back_and_refuses_nonsense)
{
	struct slab_line s;

	ASSERT_EQ(0, write_str(DBG "slab/space/debug", "poison"));
	ASSERT_EQ(0, slabinfo("space", &s));
	EXPECT_STREQ("poison", s.debug);
	open_into(_metadata, self->fds, &self->n, 50);	/* objects from poisoned slabs */
	while (self->n)
		close(self->fds[--self->n]);
	EXPECT_EQ(0, debugfs_value("stats", "slab_use_after_free"));
	EXPECT_EQ(0, debugfs_value("stats", "slab_overflows"));
	EXPECT_EQ(-EINVAL, write_str(DBG "slab/space/debug", "bogus"));
	ASSERT_EQ(0, write_str(DBG "slab/space/debug", "none"));
	ASSERT_EQ(0, slabinfo("space", &s));
	EXPECT_STREQ("none", s.debug);
}

TEST_HARNESS_MAIN
