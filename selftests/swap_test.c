// SPDX-License-Identifier: GPL-2.0
/*
 * swap_test.c - attaching and detaching the backing device through
 * /sys/class/misc/vmarena/swap_dev, and what bad paths get.
 *
 * Runs in the VM, as root, with the module loaded (run_vmarena.sh); the
 * runner's spare disk is $VMARENA_SWAP_DEV.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/fs.h>
#include <linux/loop.h>
#include <linux/vmarena.h>

#include "kselftest_harness.h"
#include "vm_util.h"

#define SWAP_DEV "/sys/class/misc/vmarena/swap_dev"

static const char *spare_disk(struct __test_metadata *_metadata)
{
	const char *dev = getenv("VMARENA_SWAP_DEV");

	if (!dev || access(dev, R_OK | W_OK))
		SKIP(exit(KSFT_SKIP), "no spare disk ($VMARENA_SWAP_DEV)");
	return dev;
}

/* Each test starts with no device attached (an empty line detaches). */
static void __attribute__((constructor)) detach_first(void)
{
	write_str(SWAP_DEV, "\n");
}

static int attached(char *buf, size_t len)
{
	FILE *f = fopen(SWAP_DEV, "r");

	if (!f || !fgets(buf, len, f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

TEST(the_spare_disk_attaches_with_one_slot_per_4k_and_detaches)
{
	const char *dev = spare_disk(_metadata);
	char path[256];
	unsigned long long bytes = 0;
	int fd = open(dev, O_RDONLY);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, BLKGETSIZE64, &bytes));
	close(fd);
	ASSERT_EQ(0, write_str(SWAP_DEV, dev));
	ASSERT_EQ(0, attached(path, sizeof(path)));
	EXPECT_STREQ(dev, path);
	EXPECT_EQ((long long)(bytes / 4096), debugfs_value("swap", "slots"));
	EXPECT_EQ(0, debugfs_value("swap", "used"));
	EXPECT_EQ(-EBUSY, write_str(SWAP_DEV, dev));	/* one device at a time */
	ASSERT_EQ(0, write_str(SWAP_DEV, "\n"));
	ASSERT_EQ(0, attached(path, sizeof(path)));
	EXPECT_STREQ("", path);
	EXPECT_EQ(0, debugfs_value("swap", "slots"));
	EXPECT_EQ(0, write_str(SWAP_DEV, "\n"));	/* detaching nothing is fine */
}

/*
 * Regression (lockdep on the debug kernel): attach held the swap lock
 * across its path lookup (directory locks), while a fault that evicts
 * takes the swap lock under mmap_lock and getdents() into a mapping of a
 * space faults under a directory lock: a cycle.  This builds all three
 * edges; the debug kernel's log check fails the run if they close one.
 */
TEST(attach_looks_its_path_up_without_the_swap_lock)
{
	const char *dev = spare_disk(_metadata);
	struct vmarena_limit lim = { .max_resident = 4 };
	size_t len = 64 * 4096, i;
	long long destroyed;
	int fd, dir;
	char *p;

	ASSERT_EQ(0, write_str(SWAP_DEV, dev));
	fd = open("/dev/vmarena", O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_SET_LIMIT, &lim));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < len / 2; i += 4096)	/* faults that evict to swap */
		p[i] = 1;
	dir = open("/dev", O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, dir);
	/* getdents64 writes into pages not faulted in yet, under /dev's lock */
	EXPECT_LT(0, syscall(SYS_getdents64, dir, p + len / 2, len / 2));
	close(dir);
	munmap(p, len);
	destroyed = debugfs_value("stats", "spaces_destroyed");
	close(fd);
	/* The space goes (a page-out round may hold it), then its slots. */
	ASSERT_LT(destroyed, wait_stat_above("spaces_destroyed", destroyed));
	ASSERT_EQ(0, write_str(SWAP_DEV, "\n"));
	EXPECT_EQ(0, write_str(SWAP_DEV, dev));	/* the lookup, third edge */
	EXPECT_EQ(0, write_str(SWAP_DEV, "\n"));
}

TEST(bad_paths_get_clear_errors_and_attach_nothing)
{
	char path[256];

	EXPECT_EQ(-ENOENT, write_str(SWAP_DEV, "/dev/no-such-disk"));
	EXPECT_EQ(-ENOTBLK, write_str(SWAP_DEV, "/etc/hostname"));
	ASSERT_EQ(0, attached(path, sizeof(path)));
	EXPECT_STREQ("", path);
}

TEST(a_disk_held_exclusively_elsewhere_is_ebusy)
{
	const char *dev = spare_disk(_metadata);
	int fd = open(dev, O_RDWR | O_EXCL);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBUSY, write_str(SWAP_DEV, dev));
	close(fd);
	EXPECT_EQ(0, write_str(SWAP_DEV, dev));
	EXPECT_EQ(0, write_str(SWAP_DEV, "\n"));
}

TEST(a_disk_smaller_than_16_slots_is_einval)
{
	char loopdev[32], path[256];
	int ctl, file, loop, n;

	ctl = open("/dev/loop-control", O_RDWR);
	if (ctl < 0 && system("modprobe loop 2>/dev/null") == 0)
		ctl = open("/dev/loop-control", O_RDWR);
	if (ctl < 0)
		SKIP(return, "no loop devices in this kernel");
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	ASSERT_LE(0, n);
	snprintf(loopdev, sizeof(loopdev), "/dev/loop%d", n);
	file = open("/tmp/vmarena-small.img", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, ftruncate(file, 8 * 4096));
	loop = open(loopdev, O_RDWR);
	ASSERT_LE(0, loop);
	ASSERT_EQ(0, ioctl(loop, LOOP_SET_FD, file));
	EXPECT_EQ(-EINVAL, write_str(SWAP_DEV, loopdev));
	ASSERT_EQ(0, attached(path, sizeof(path)));
	EXPECT_STREQ("", path);
	ioctl(loop, LOOP_CLR_FD, 0);
	close(loop);
	close(file);
	close(ctl);
	unlink("/tmp/vmarena-small.img");
}

TEST(only_root_may_attach)
{
	const char *dev = spare_disk(_metadata);
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(write_str(SWAP_DEV, dev) == -EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
