/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user_util.h - running part of a test as an unprivileged user, and
 * reading users' charges (debugfs vmarena/users, Documentation/debugfs.rst).
 *
 * The test runs as root; run_as() forks a child that drops to a uid (with
 * the device's group as its only supplementary group, or none), and the
 * child's body stops at user_sync() until the parent, which may read
 * debugfs meanwhile, lets it go on.
 */
#ifndef _VMARENA_USER_UTIL_H
#define _VMARENA_USER_UTIL_H

#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vm_util.h"

#define DEV "/dev/vmarena"
#define USERS VMARENA_DBG "users"
#define SYS_USER "/sys/class/misc/vmarena/"
/* Ids no account on the test machine uses (the guest has no entries). */
#define UID_A 4001
#define UID_B 4002
#define GID_DEV 4100

/* A child failing a check says where and why, and exits 1. */
#define CHILD_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "# %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		_exit(1);						\
	}								\
} while (0)

struct as_user {
	pid_t pid;
	int up[2];	/* child -> parent: the step reached */
	int down[2];	/* parent -> child: go on */
};

/* Child: step @step is reached; waits for the parent to look. */
static inline void user_sync(struct as_user *u, int step)
{
	char go;

	CHILD_CHECK(write(u->up[1], &step, sizeof(step)) == sizeof(step),
		    "sync %d", step);
	CHILD_CHECK(read(u->down[0], &go, 1) == 1, "go after %d", step);
}

/*
 * Forks a child as @uid (gid @uid), in group GID_DEV if @in_group, that
 * runs @body and exits with its return value.
 */
static inline int run_as(struct as_user *u, uid_t uid, bool in_group,
			 int (*body)(struct as_user *u, void *arg), void *arg)
{
	gid_t g = GID_DEV;

	if (pipe(u->up) || pipe(u->down))
		return -1;
	fflush(stdout);
	fflush(stderr);
	u->pid = fork();
	if (u->pid < 0)
		return -1;
	if (u->pid)
		return 0;
	close(u->up[0]);
	close(u->down[1]);
	CHILD_CHECK(!setgroups(in_group ? 1 : 0, &g), "setgroups: %m");
	CHILD_CHECK(!setresgid(uid, uid, uid), "setresgid: %m");
	CHILD_CHECK(!setresuid(uid, uid, uid), "setresuid: %m");
	_exit(body(u, arg));
}

/* Parent: the next step the child reached, or -1 once it has exited. */
static inline int user_wait(struct as_user *u)
{
	int step;

	if (u->up[1] >= 0) {
		close(u->up[1]);
		close(u->down[0]);
		u->up[1] = -1;
		u->down[0] = -1;
	}
	if (read(u->up[0], &step, sizeof(step)) != sizeof(step))
		return -1;
	return step;
}

static inline void user_go(struct as_user *u)
{
	if (write(u->down[1], "g", 1) != 1)
		perror("user_go");
}

/* Parent: waits for the child; its exit status, or 128 + signal. */
static inline int user_end(struct as_user *u)
{
	int status;

	close(u->up[0]);
	close(u->down[1]);
	if (waitpid(u->pid, &status, 0) != u->pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Hands @fd over the unix socket @sock (SCM_RIGHTS); 0 or -1. */
static inline int send_fd(int sock, int fd)
{
	char c = 'f', ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

/* The fd send_fd() handed over, or -1. */
static inline int recv_fd(int sock)
{
	char c, ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &m, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Fields of a user's line in debugfs users. */
enum { USER_SPACES, USER_PAGES, USER_PINNED, USER_REFUSED };

/* A field of @uid's line; 0 when the user has no line (nothing charged). */
static inline long long user_field(uid_t uid, int field)
{
	long long v[4];
	char line[256];
	unsigned int id;
	FILE *f = fopen(USERS, "r");
	long long ret = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%u %lld %lld %lld %lld", &id, &v[0], &v[1],
			   &v[2], &v[3]) == 5 && id == uid)
			ret = v[field];
	fclose(f);
	return ret;
}

/*
 * Waits, up to 30 s, for @uid's spaces to be freed (a space's last put may
 * be the page-out daemon's, or a work item's), and returns its charge then.
 */
static inline long long user_settled_pages(uid_t uid)
{
	int i;

	for (i = 0; i < 30000 && user_field(uid, USER_SPACES) > 0; i++)
		usleep(1000);
	return user_field(uid, USER_PAGES);
}

static inline int set_user_limits(long long pages, long long pinned)
{
	char v[32];

	snprintf(v, sizeof(v), "%lld", pages);
	if (write_str(SYS_USER "user_max_pages", v))
		return -1;
	snprintf(v, sizeof(v), "%lld", pinned);
	return write_str(SYS_USER "user_max_pinned", v);
}

/* The node opened to GID_DEV (mode 0660), as a site's udev rule does. */
static inline int dev_to_group(void)
{
	return chown(DEV, 0, GID_DEV) || chmod(DEV, 0660) ? -1 : 0;
}

static inline int dev_restore(mode_t mode, gid_t gid)
{
	return chown(DEV, 0, gid) || chmod(DEV, mode) ? -1 : 0;
}

#endif /* _VMARENA_USER_UTIL_H */
