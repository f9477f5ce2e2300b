/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm_util.h - helpers shared by the VM selftests: debugfs values and
 * one-shot writes to control files.
 */
#ifndef _VMARENA_VM_UTIL_H
#define _VMARENA_VM_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define VMARENA_DBG "/sys/kernel/debug/vmarena/"

/* The value of a "name value" line of a debugfs vmarena/ file, or -1. */
static inline long long debugfs_value(const char *file, const char *name)
{
	char line[512], key[64], path[128];
	long long v, found = -1;
	FILE *f;

	snprintf(path, sizeof(path), VMARENA_DBG "%s", file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", key, &v) == 2 && !strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

/* Writes @s to @path in one write(); 0 or -errno. */
static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/*
 * Polls @name of debugfs stats until it exceeds @than, for up to 20 s
 * (the wait for something asynchronous to end, not a sleep instead of it).
 */
static inline long long wait_stat_above(const char *name, long long than)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	long long v = debugfs_value("stats", name);
	int i;

	for (i = 0; i < 2000 && v <= than; i++) {
		nanosleep(&ts, NULL);
		v = debugfs_value("stats", name);
	}
	return v;
}

/* The number a file (a sysfs or debugfs value) starts with, or -1. */
static inline long long file_number(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * Sets debugfs zeroed_target (frames kept zeroed ahead for first touches)
 * and returns what it holds then (the pool's room caps it), or -1.
 */
static inline long long set_zeroed_target(long long frames)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", frames);
	if (write_str(VMARENA_DBG "zeroed_target", buf))
		return -1;
	return file_number(VMARENA_DBG "zeroed_target");
}

/* Open fds of this process (those /proc/self/fd lists, less its own). */
static inline int open_fds(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n - 1;
}

#endif /* _VMARENA_VM_UTIL_H */
