/* SPDX-License-Identifier: GPL-2.0 */
/*
 * space_util.h - helpers of the VM selftests that use spaces: open, map,
 * counters, TRANSLATE, DISCARD, SET_LIMIT and surviving a SIGBUS.
 * Include it after kselftest_harness.h.
 */
#ifndef _VMARENA_SPACE_UTIL_H
#define _VMARENA_SPACE_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmarena.h>

#define PAGE 4096UL
#define LIMIT (1ULL << VMARENA_OFFSET_BITS)

static inline int open_space(struct __test_metadata *_metadata)
{
	int fd = open("/dev/vmarena", O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		SKIP(exit(KSFT_SKIP), "/dev/vmarena missing: is the module loaded?");
	ASSERT_LE(0, fd);
	return fd;
}

static inline char *map(int fd, size_t pages, off_t off)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, off);

	return p == MAP_FAILED ? NULL : p;
}

/* One STATS snapshot of @fd's space or global counters into v[@count]. */
static inline int stats_of(int fd, __u32 which, __u64 *v, __u32 count)
{
	struct vmarena_stats st = {
		.which = which,
		.count = count,
		.values = (uintptr_t)v,
	};

	return ioctl(fd, VMARENA_IOC_STATS, &st);
}

/* Counter @id of the space (VMARENA_STATS_SPACE) or global set of @fd. */
static inline __u64 stat_of(int fd, __u32 which, int id)
{
	__u64 v[VMARENA_NR_GLOBAL_STATS + VMARENA_NR_SPACE_STATS] = { 0 };

	if (stats_of(fd, which, v, ARRAY_SIZE(v)))
		return ~0ULL;
	return v[id];
}

#define space_stat(fd, id) stat_of(fd, VMARENA_STATS_SPACE, id)
#define global_stat(fd, id) stat_of(fd, VMARENA_STATS_GLOBAL, id)

static inline int translate(int fd, __u64 off, __u64 pages, struct vmarena_pte_info *e)
{
	struct vmarena_translate tr = {
		.offset = off, .pages = pages, .entries = (uintptr_t)e,
	};

	return ioctl(fd, VMARENA_IOC_TRANSLATE, &tr);
}

static inline int discard(int fd, __u64 off, __u64 len)
{
	struct vmarena_range r = { .offset = off, .length = len };

	return ioctl(fd, VMARENA_IOC_DISCARD, &r);
}

static inline int set_limit(int fd, __u64 max_pages, __u64 max_resident)
{
	struct vmarena_limit l = { .max_pages = max_pages,
				   .max_resident = max_resident };

	return ioctl(fd, VMARENA_IOC_SET_LIMIT, &l);
}

static sigjmp_buf sigbus_jmp;

static inline void on_sigbus(int sig)
{
	siglongjmp(sigbus_jmp, sig);
}

/*
 * Writes one byte at @p (@out NULL) or reads it into @out; returns false
 * if that raised SIGBUS.
 */
static inline bool access_survives_sigbus(volatile char *p, char *out)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(sigbus_jmp, 1)) {
		signal(SIGBUS, SIG_DFL);
		return false;
	}
	if (out)
		*out = *p;
	else
		*p = 1;
	signal(SIGBUS, SIG_DFL);
	return true;
}

static inline bool touch_survives_sigbus(volatile char *p)
{
	return access_survives_sigbus(p, NULL);
}

static inline bool read_survives_sigbus(volatile char *p, char *out)
{
	return access_survives_sigbus(p, out);
}

/*
 * Waits, up to 30 s, until @n spaces have been destroyed since the load.
 * Closing a space's last fd frees it at once, unless the page-out daemon
 * holds a reference for its round: then the daemon frees it when the
 * round ends.  Returns false if that never happens.
 */
static inline bool wait_spaces_destroyed(int fd, __u64 n)
{
	int i;

	for (i = 0; i < 30000; i++) {
		if (global_stat(fd, VMARENA_STAT_SPACES_DESTROYED) >= n)
			return true;
		usleep(1000);
	}
	return false;
}

/*
 * Sets the module parameter zero_page: with it (the default) a read of a
 * hole maps the kernel's zero page and takes no frame; without it a read
 * allocates a zeroed frame, as a write does.  0 or -errno.
 */
static inline int set_zero_page(bool on)
{
	int fd = open("/sys/module/vmarena/parameters/zero_page",
		      O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, on ? "Y" : "N", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Puts zero_page back to its default after a test turned it off: Y, or N
 * on a kernel that refuses its zero page in a space's mappings, where the
 * module refuses Y (-EINVAL; Linux 6.12, Documentation/compat.rst).
 * 1 when reads of holes map the zero page, 0 when they take frames, or
 * -errno.
 */
static inline int zero_page_default(void)
{
	int ret = set_zero_page(true);

	if (ret == -EINVAL)
		return 0;
	return ret ? ret : 1;
}

/*
 * True when reads of holes map the zero page (zero_page back at its
 * default, Y); a test about the zero page skips, NO_ZERO_PAGE, when not.
 */
#define NO_ZERO_PAGE \
	"the kernel refuses its zero page in a space's mappings (Linux 6.12, Documentation/compat.rst)"

static inline bool zero_page_mapped(struct __test_metadata *_metadata)
{
	int zp = zero_page_default();

	ASSERT_LE(0, zp);
	return zp;
}

static inline int range_ioctl(int fd, unsigned long cmd, __u64 off, __u64 len)
{
	struct vmarena_range r = { .offset = off, .length = len };

	return ioctl(fd, cmd, &r);
}

#endif /* _VMARENA_SPACE_UTIL_H */
