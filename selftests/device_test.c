// SPDX-License-Identifier: GPL-2.0
/*
 * device_test.c - /dev/vmarena as a device: spaces, INFO, the ioctl and mmap
 * contracts, tracepoints and the module's lifetime.
 *
 * Runs in the VM with the module loaded (selftests/run_vmarena.sh); also
 * built as a 32-bit program, which exercises compat_ioctl.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "kselftest_harness.h"
#include "vm_util.h"

#define DEV "/dev/vmarena"
#define PARAMS "/sys/module/vmarena/parameters/"
#define TRACEFS "/sys/kernel/tracing/"
#define PAGE 4096UL

#define NO_48BIT_MMAP "a 32-bit mmap cannot reach 2^48 bytes"

/* mmap2() of a 32-bit program carries the offset in pages in 32 bits. */
static bool offset_limit_unreachable(void)
{
	return sizeof(long) == 4;
}

static int open_dev(struct __test_metadata *_metadata)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		SKIP(exit(KSFT_SKIP), DEV " missing: is the module loaded?");
	ASSERT_LE(0, fd) TH_LOG("open " DEV ": %s", strerror(errno));
	return fd;
}

static long read_long(const char *path)
{
	char buf[64] = "";
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 0);
	fclose(f);
	return v;
}

static long long debugfs_stat(const char *name)
{
	return debugfs_value("stats", name);
}

TEST(each_open_is_a_new_space_with_a_unique_id)
{
	struct vmarena_info a = {}, b = {};
	int fa = open_dev(_metadata), fb = open_dev(_metadata);

	ASSERT_EQ(0, ioctl(fa, VMARENA_IOC_INFO, &a));
	ASSERT_EQ(0, ioctl(fb, VMARENA_IOC_INFO, &b));
	EXPECT_NE(0, a.space_id);
	EXPECT_NE(0, b.space_id);
	EXPECT_NE(a.space_id, b.space_id);
	close(fa);
	close(fb);
}

TEST(info_reports_the_abi_and_the_arena)
{
	struct vmarena_info info;
	long arena_mb = read_long(PARAMS "arena_mb");
	int fd = open_dev(_metadata);
	unsigned int i;

	ASSERT_LT(0, arena_mb);
	memset(&info, 0xa5, sizeof(info));
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_INFO, &info));
	EXPECT_EQ(VMARENA_ABI_VERSION, info.abi_version);
	EXPECT_EQ(PAGE, info.page_size);
	EXPECT_EQ((unsigned long long)arena_mb * 256, info.arena_frames);
	EXPECT_GE(info.arena_frames, info.free_frames);
	for (i = 0; i < ARRAY_SIZE(info.reserved); i++)
		EXPECT_EQ(0, info.reserved[i]);
	close(fd);
}

TEST(info_to_a_bad_pointer_is_efault)
{
	int fd = open_dev(_metadata);

	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_INFO, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(unknown_ioctls_are_enotty)
{
	struct vmarena_info info;
	unsigned long bad[] = {
		_IOR(VMARENA_IOC_MAGIC, 0x7f, struct vmarena_info), /* unused nr */
		_IOR(VMARENA_IOC_MAGIC, 0x00, __u64),		/* wrong size */
		_IOW(VMARENA_IOC_MAGIC, 0x00, struct vmarena_info), /* wrong dir */
		_IO(VMARENA_IOC_MAGIC, 0x00),			/* no arg */
		_IOR('V', 0x00, struct vmarena_info),		/* wrong type */
		0,
	};
	int fd = open_dev(_metadata);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, bad[i], &info)) TH_LOG("cmd %#lx", bad[i]);
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", bad[i]);
	}
	close(fd);
}

TEST(shared_mappings_are_accepted_in_the_48_bit_offset_space)
{
	int fd = open_dev(_metadata);
	off_t last = (1LL << VMARENA_OFFSET_BITS) - PAGE;
	void *p;

	if (offset_limit_unreachable())
		SKIP(return, NO_48BIT_MMAP);
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, munmap(p, 4 * PAGE));
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, last);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("last page: %s", strerror(errno));
	EXPECT_EQ(0, munmap(p, PAGE));
	close(fd);
}

TEST(mappings_beyond_the_offset_space_are_einval)
{
	int fd = open_dev(_metadata);
	off_t limit = 1LL << VMARENA_OFFSET_BITS;
	void *p;

	if (offset_limit_unreachable())
		SKIP(return, NO_48BIT_MMAP);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, limit);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, limit - PAGE);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(private_mappings_are_einval)
{
	int fd = open_dev(_metadata);
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(mappings_cannot_grow_by_mremap)
{
	int fd = open_dev(_metadata);
	void *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	void *q;

	ASSERT_NE(MAP_FAILED, p);
	q = mremap(p, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, munmap(p, PAGE));
	close(fd);
}

TEST(open_fds_and_mappings_pin_the_module)
{
	int fd = open_dev(_metadata);
	void *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, syscall(SYS_delete_module, "vmarena", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	close(fd);
	/* The mapping alone still holds the file, hence the module. */
	EXPECT_EQ(-1, syscall(SYS_delete_module, "vmarena", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_EQ(0, munmap(p, PAGE));
}

TEST(debugfs_stats_count_spaces)
{
	long long created, destroyed, free_before;
	int fd;

	free_before = debugfs_stat("free_frames");
	created = debugfs_stat("spaces_created");
	destroyed = debugfs_stat("spaces_destroyed");
	if (created < 0)
		SKIP(return, "debugfs vmarena/stats not readable");
	fd = open_dev(_metadata);
	EXPECT_EQ(created + 1, debugfs_stat("spaces_created"));
	EXPECT_EQ(destroyed, debugfs_stat("spaces_destroyed"));
	close(fd);
	EXPECT_EQ(destroyed + 1, debugfs_stat("spaces_destroyed"));
	EXPECT_EQ(free_before, debugfs_stat("free_frames"));
}

TEST(space_create_tracepoint_records_the_space_id)
{
	const char *enable = TRACEFS "events/vmarena/space_create/enable";
	struct vmarena_info info;
	char line[512], want[64];
	bool seen = false;
	FILE *f;
	int fd;

	if (access(enable, W_OK))
		SKIP(return, "tracefs event vmarena/space_create not writable");
	ASSERT_EQ(0, write_str(TRACEFS "trace", ""));
	ASSERT_EQ(0, write_str(enable, "1"));
	fd = open_dev(_metadata);
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_INFO, &info));
	close(fd);
	ASSERT_EQ(0, write_str(enable, "0"));
	snprintf(want, sizeof(want), "space_create: space=%llu\n",
		 (unsigned long long)info.space_id);
	f = fopen(TRACEFS "trace", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, want))
			seen = true;
	fclose(f);
	EXPECT_TRUE(seen) TH_LOG("no '%s' in the trace buffer", want);
}

static int get_stats(int fd, __u64 *v, __u32 count, __u32 *out)
{
	struct vmarena_stats st = {
		.which = VMARENA_STATS_GLOBAL,
		.count = count,
		.values = (uintptr_t)v,
	};
	int ret = ioctl(fd, VMARENA_IOC_STATS, &st);

	if (out)
		*out = st.count;
	return ret;
}

TEST(stats_global_counters_agree_with_info)
{
	__u64 v[VMARENA_NR_GLOBAL_STATS];
	struct vmarena_info info;
	int fd = open_dev(_metadata);
	__u32 n = 0;

	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_INFO, &info));
	ASSERT_EQ(0, get_stats(fd, v, VMARENA_NR_GLOBAL_STATS, &n));
	EXPECT_EQ(VMARENA_NR_GLOBAL_STATS, n);
	EXPECT_EQ(info.arena_frames, v[VMARENA_STAT_ARENA_FRAMES]);
	EXPECT_EQ(info.free_frames, v[VMARENA_STAT_FREE_FRAMES]);
	EXPECT_LE(1, v[VMARENA_STAT_SPACES_CREATED]);
	EXPECT_LE(2, v[VMARENA_STAT_IOCTLS]);
	close(fd);
}

TEST(stats_into_a_short_buffer_writes_a_prefix_and_reports_the_count)
{
	__u64 v[3] = { 7, 7, 7 };
	int fd = open_dev(_metadata);
	__u32 n = 0;

	ASSERT_EQ(0, get_stats(fd, v, 2, &n));
	EXPECT_EQ(VMARENA_NR_GLOBAL_STATS, n);
	EXPECT_NE(7, v[VMARENA_STAT_ARENA_FRAMES]);
	EXPECT_EQ(7, v[2]);			/* beyond count: untouched */
	ASSERT_EQ(0, get_stats(fd, NULL, 0, &n));	/* just ask the count */
	EXPECT_EQ(VMARENA_NR_GLOBAL_STATS, n);
	close(fd);
}

TEST(stats_with_bad_arguments_fail_and_write_nothing)
{
	struct vmarena_stats st = { .which = VMARENA_STATS_GLOBAL, .count = 1 };
	__u64 v = 7;
	int fd = open_dev(_metadata);

	st.values = (uintptr_t)&v;
	st.which = 99;
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	st.which = VMARENA_STATS_GLOBAL;
	st.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(7, v);
	st.reserved[1] = 0;
	st.values = 16;
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_STATS, &st));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(stats_need_no_privilege_beyond_the_fd)
{
	int fd = open_dev(_metadata), status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		__u64 v[2];

		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(get_stats(fd, v, 2, NULL) ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(fd);
}

static __u64 space_id(struct __test_metadata *_metadata, int fd)
{
	struct vmarena_info info;

	EXPECT_EQ(0, ioctl(fd, VMARENA_IOC_INFO, &info));
	return info.space_id;
}

/* SPACE_STATS of space @id through @fd: 0 or the errno. */
static int space_stats(int fd, __u64 id, __u64 *v, __u32 count)
{
	struct vmarena_space_stats st = {
		.space_id = id,
		.count = count,
		.values = (uintptr_t)v,
	};

	return ioctl(fd, VMARENA_IOC_SPACE_STATS, &st) ? errno : 0;
}

/* Writes the first byte of @pages pages of @fd through a mapping. */
static void touch(struct __test_metadata *_metadata, int fd, unsigned long pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);
	unsigned long i;

	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < pages; i++)
		p[i * PAGE] = 1;
	munmap(p, pages * PAGE);
}

TEST(space_stats_of_the_fds_own_space_are_its_stats)
{
	__u64 mine[VMARENA_NR_SPACE_STATS], by_id[VMARENA_NR_SPACE_STATS];
	struct vmarena_stats st = {
		.which = VMARENA_STATS_SPACE,
		.count = VMARENA_NR_SPACE_STATS,
		.values = (uintptr_t)mine,
	};
	int fd = open_dev(_metadata);

	touch(_metadata, fd, 3);
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_STATS, &st));
	ASSERT_EQ(0, space_stats(fd, space_id(_metadata, fd), by_id,
				 VMARENA_NR_SPACE_STATS));
	EXPECT_EQ(0, memcmp(mine, by_id, sizeof(mine)));
	EXPECT_EQ(3, by_id[VMARENA_SPACE_STAT_PAGES]);
	close(fd);
}

TEST(space_stats_reach_another_space_only_with_cap_sys_admin)
{
	__u64 v[VMARENA_NR_SPACE_STATS];
	int a = open_dev(_metadata), b = open_dev(_metadata), status;
	__u64 id_a = space_id(_metadata, a), id_b = space_id(_metadata, b);
	pid_t pid;

	touch(_metadata, b, 5);
	ASSERT_EQ(0, space_stats(a, id_b, v, VMARENA_NR_SPACE_STATS));
	EXPECT_EQ(id_b, v[VMARENA_SPACE_STAT_ID]);
	EXPECT_EQ(5, v[VMARENA_SPACE_STAT_PAGES]);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (space_stats(a, id_b, v, VMARENA_NR_SPACE_STATS) != EPERM)
			_exit(11);
		if (space_stats(a, id_a, v, VMARENA_NR_SPACE_STATS) ||
		    v[VMARENA_SPACE_STAT_ID] != id_a)
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: setuid, 11: another space not EPERM, 12: its own refused");
	close(a);
	close(b);
}

TEST(space_stats_of_no_live_space_are_esrch)
{
	__u64 v[VMARENA_NR_SPACE_STATS];
	int a = open_dev(_metadata), b = open_dev(_metadata);
	__u64 id_b = space_id(_metadata, b);

	close(b);
	EXPECT_EQ(ESRCH, space_stats(a, id_b, v, VMARENA_NR_SPACE_STATS));
	EXPECT_EQ(ESRCH, space_stats(a, 0, v, VMARENA_NR_SPACE_STATS));
	EXPECT_EQ(ESRCH, space_stats(a, ~0ULL, v, VMARENA_NR_SPACE_STATS));
	close(a);
}

TEST(space_stats_with_a_reserved_word_set_are_einval)
{
	__u64 v = 7;
	int fd = open_dev(_metadata);
	struct vmarena_space_stats st = {
		.space_id = space_id(_metadata, fd),
		.count = 1,
		.values = (uintptr_t)&v,
	};

	st.reserved0 = 1;
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_SPACE_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	st.reserved0 = 0;
	st.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_SPACE_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(7, v);
	st.reserved[1] = 0;
	st.count = 1;
	EXPECT_EQ(0, ioctl(fd, VMARENA_IOC_SPACE_STATS, &st));
	EXPECT_EQ(st.space_id, v);
	EXPECT_EQ(VMARENA_NR_SPACE_STATS, st.count);
	close(fd);
}

TEST_HARNESS_MAIN
