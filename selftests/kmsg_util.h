/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmsg_util.h - what the kernel logged while a test ran, from /dev/kmsg.
 * Include it after kselftest_harness.h.
 */
#ifndef _VMARENA_KMSG_UTIL_H
#define _VMARENA_KMSG_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* /dev/kmsg read from its end on: the records logged from now on. */
static inline int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * Warnings the kernel logs about the emulated machine's clocks, not about
 * anything a test did: a host that deschedules QEMU's vCPU thread makes a
 * timer interrupt or a clock read look slow (hrtimer's and the RT
 * throttler's are logged once a boot, the clocksource watchdog's when it
 * gives up on a clock).
 */
static inline int kmsg_about_the_clock(const char *msg)
{
	static const char * const clock[] = {
		"hrtimer: interrupt took ",
		"sched: RT throttling activated",
		"clocksource: ",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(clock); i++)
		if (!strncmp(msg, clock[i], strlen(clock[i])))
			return 1;
	return 0;
}

/*
 * Records logged since kmsg_open() at level warning or above (a WARNING,
 * an oops, "kernel write not supported ..."), the first three shown, less
 * those kmsg_about_the_clock(); closes @fd.
 */
static inline int kmsg_warnings(struct __test_metadata *_metadata, int fd)
{
	char rec[2048];
	const char *msg;
	int bad = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		rec[strcspn(rec, "\n")] = '\0';
		msg = strchr(rec, ';') ? strchr(rec, ';') + 1 : rec;
		if ((atoi(rec) & 7) > 4 || kmsg_about_the_clock(msg))
			continue;
		if (bad++ < 3)
			TH_LOG("kernel: %s", msg);
	}
	close(fd);
	return bad;
}

#endif /* _VMARENA_KMSG_UTIL_H */
