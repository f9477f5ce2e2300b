// SPDX-License-Identifier: GPL-2.0
/*
 * access_test.c - fd access modes (abi.rst, "Access modes"): a command
 * that changes a space needs an fd open for writing, a clone keeps the
 * access mode of the fd it came through, and CLONE hands out its fd only
 * once the caller has been told about it.
 */
#include <dirent.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "space_util.h"
#include "vm_util.h"
#include "cow_util.h"

#define NPAGES 4

static int open_ro(struct __test_metadata *_metadata)
{
	int fd = open("/dev/vmarena", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	return fd;
}

/* The ioctl fails with @err, errno-style. */
static int ioctl_errno(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/*
 * A read-only space holding pages (made by read faults, which need no
 * write access), then every changing command on it.
 */
TEST(each_changing_command_on_a_read_only_fd_is_ebadf_and_changes_nothing)
{
	int fd = open_ro(_metadata), pipefd[2];
	struct vmarena_range r = { .offset = 0, .length = NPAGES * PAGE };
	struct vmarena_limit l = { .max_pages = 1, .max_resident = 1 };
	struct vmarena_ckpt c = { .generation = 1 };
	struct vmarena_import im = { 0 };
	__u64 bitmap[1] = { 0 };
	struct vmarena_dirty d = { .generation = 1, .pages = NPAGES,
				   .bitmap = (uintptr_t)bitmap,
				   .flags = VMARENA_DIRTY_REARM };
	volatile char *p;
	unsigned int i;
	char sum = 0;

	p = mmap(NULL, NPAGES * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	/* Read faults that make pages, for the commands to leave alone. */
	ASSERT_EQ(0, set_zero_page(false));
	for (i = 0; i < NPAGES; i++)
		sum += p[i * PAGE];
	ASSERT_LE(0, zero_page_default());
	EXPECT_EQ(0, sum);
	ASSERT_EQ(NPAGES, space_stat(fd, VMARENA_SPACE_STAT_PAGES));
	ASSERT_EQ(0, pipe(pipefd));
	im.fd = pipefd[0];

	EXPECT_EQ(EBADF, ioctl_errno(fd, VMARENA_IOC_DISCARD, &r));
	EXPECT_EQ(EBADF, ioctl_errno(fd, VMARENA_IOC_PIN, &r));
	EXPECT_EQ(EBADF, ioctl_errno(fd, VMARENA_IOC_UNPIN, &r));
	EXPECT_EQ(EBADF, ioctl_errno(fd, VMARENA_IOC_SET_LIMIT, &l));
	EXPECT_EQ(EBADF, ioctl_errno(fd, VMARENA_IOC_CHECKPOINT, &c));
	EXPECT_EQ(EBADF, ioctl_errno(fd, VMARENA_IOC_RESTORE, &c));
	EXPECT_EQ(EBADF, ioctl_errno(fd, VMARENA_IOC_CKPT_DROP, &c));
	EXPECT_EQ(EBADF, ioctl_errno(fd, VMARENA_IOC_IMPORT, &im));
	EXPECT_EQ(EBADF, ioctl_errno(fd, VMARENA_IOC_GET_DIRTY, &d));
	EXPECT_EQ(-1, pwrite(fd, "x", 1, 0));
	EXPECT_EQ(EBADF, errno);

	/* Nothing changed. */
	EXPECT_EQ(NPAGES, space_stat(fd, VMARENA_SPACE_STAT_PAGES));
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_PINNED));
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_MAX_RESIDENT));
	EXPECT_NE(1, space_stat(fd, VMARENA_SPACE_STAT_MAX_PAGES));
	munmap((void *)p, NPAGES * PAGE);
	close(pipefd[0]);
	close(pipefd[1]);
	close(fd);
}

/* Commands that only read get past the access check (to their own errors). */
TEST(commands_that_only_read_work_on_a_read_only_fd)
{
	int fd = open_ro(_metadata), st[2];
	struct vmarena_ckpt_info info[2];
	struct vmarena_ckpt_list l = { .count = 2, .entries = (uintptr_t)info };
	struct vmarena_pte_info pte[NPAGES];
	struct vmarena_info in;
	struct vmarena_export e = { .generation = 1 };
	__u64 bitmap[1] = { 0 };
	struct vmarena_dirty d = { .generation = 1, .pages = NPAGES,
				   .bitmap = (uintptr_t)bitmap };

	ASSERT_EQ(0, pipe(st));
	e.fd = st[1];
	EXPECT_EQ(0, ioctl_errno(fd, VMARENA_IOC_INFO, &in));
	EXPECT_NE(~0ULL, space_stat(fd, VMARENA_SPACE_STAT_PAGES));
	EXPECT_EQ(0, translate(fd, 0, NPAGES, pte));
	EXPECT_EQ(0, ioctl_errno(fd, VMARENA_IOC_CKPT_LIST, &l));
	EXPECT_EQ(0, l.count);
	/* No generation 1 in a space that could never take one. */
	EXPECT_EQ(ENOENT, ioctl_errno(fd, VMARENA_IOC_EXPORT, &e));
	EXPECT_EQ(ENOENT, ioctl_errno(fd, VMARENA_IOC_GET_DIRTY, &d));
	close(st[0]);
	close(st[1]);
	close(fd);
}

TEST(a_clone_of_a_read_only_fd_is_read_only)
{
	int ro = open_ro(_metadata), rw = open_space(_metadata), c1, c2;
	struct vmarena_range r = { .offset = 0, .length = PAGE };
	char byte = 1;

	c1 = clone_space(ro);
	ASSERT_LE(0, c1);
	EXPECT_EQ(O_RDONLY, fcntl(c1, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(-1, pwrite(c1, "x", 1, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED, c1, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(EBADF, ioctl_errno(c1, VMARENA_IOC_DISCARD, &r));
	EXPECT_EQ(1, pread(c1, &byte, 1, 0));
	EXPECT_EQ(0, byte);
	/* ... and of a read-only clone, read-only again. */
	c2 = clone_space(c1);
	ASSERT_LE(0, c2);
	EXPECT_EQ(O_RDONLY, fcntl(c2, F_GETFL) & O_ACCMODE);
	close(c2);
	/* A clone of a read-write fd is read-write. */
	c2 = clone_space(rw);
	ASSERT_LE(0, c2);
	EXPECT_EQ(O_RDWR, fcntl(c2, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(1, pwrite(c2, "x", 1, 0));
	close(c2);
	close(c1);
	close(rw);
	close(ro);
}

/*
 * CLONE's argument on a read-only page: it is read, the clone is made,
 * and writing the result back fails.  The caller was never told of an
 * fd, so it must not hold one, and the clone must be gone.
 */
TEST(a_clone_whose_result_cannot_be_written_back_leaves_no_fd)
{
	int fd = open_space(_metadata), before;
	__u64 created, destroyed;
	struct vmarena_clone *c;

	c = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c);
	memset(c, 0, sizeof(*c));
	ASSERT_EQ(0, mprotect(c, PAGE, PROT_READ));
	created = global_stat(fd, VMARENA_STAT_SPACES_CREATED);
	destroyed = global_stat(fd, VMARENA_STAT_SPACES_DESTROYED);
	before = open_fds();
	ASSERT_LT(0, before);
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_CLONE, c));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(before, open_fds());
	/* The clone was made and, its only file dropped, is gone again. */
	EXPECT_EQ(created + 1, global_stat(fd, VMARENA_STAT_SPACES_CREATED));
	EXPECT_TRUE(wait_spaces_destroyed(fd, destroyed + 1));
	munmap(c, PAGE);
	close(fd);
}

TEST(a_successful_clone_is_not_counted_as_an_ioctl_error)
{
	int fd = open_space(_metadata), c;
	__u64 errors = global_stat(fd, VMARENA_STAT_IOCTL_ERRORS);
	__u64 clones = global_stat(fd, VMARENA_STAT_CLONES);

	c = clone_space(fd);
	ASSERT_LE(0, c);
	EXPECT_EQ(clones + 1, global_stat(fd, VMARENA_STAT_CLONES));
	EXPECT_EQ(errors, global_stat(fd, VMARENA_STAT_IOCTL_ERRORS));
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_CLONE, NULL));
	EXPECT_EQ(errors + 1, global_stat(fd, VMARENA_STAT_IOCTL_ERRORS));
	close(c);
	close(fd);
}

/*
 * Frame numbers are for CAP_SYS_ADMIN: a child that drops root reads the
 * same entry (through the same fd) with frame 0 and the flags intact.
 */
TEST(an_unprivileged_translate_shows_frame_0_and_root_the_frame)
{
	int fd = open_space(_metadata), status;
	struct vmarena_pte_info root, user;
	int pipefd[2];
	pid_t pid;

	ASSERT_EQ(1, pwrite(fd, "a", 1, 0));
	ASSERT_EQ(0, translate(fd, 0, 1, &root));
	ASSERT_NE(0, root.flags & VMARENA_PTE_INFO_PRESENT);
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pipefd[0]);
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (translate(fd, 0, 1, &user))
			_exit(3);
		_exit(write(pipefd[1], &user, sizeof(user)) == sizeof(user) ? 0 : 4);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(user), read(pipefd[0], &user, sizeof(user)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	if (!root.frame)	/* frame 0 is a page-table node's or the slab's */
		SKIP(return, "the page landed in frame 0: nothing to hide");
	EXPECT_EQ(0, user.frame);
	EXPECT_EQ(root.flags, user.flags);
	EXPECT_EQ(root.generation, user.generation);
	close(pipefd[0]);
	close(fd);
}

TEST_HARNESS_MAIN
