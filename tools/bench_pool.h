/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_pool.h - for the benchmarks that first touch memory and then time
 * a call (bench_cow.c, bench_ckpt.c).
 */
#ifndef _VMARENA_BENCH_POOL_H
#define _VMARENA_BENCH_POOL_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmarena.h>

/*
 * Waits, 5 s at most, until the pool of frames zeroed ahead is back at its
 * target (debugfs zeroed_target): first touches take frames from it, and
 * the kthread refilling it would otherwise run during the call timed next,
 * taking host time from it when one host thread runs both vCPUs
 * (tools/vm/run).  Nothing to wait for without debugfs or the device.
 */
static inline void bench_settle_pool(void)
{
	uint64_t v[VMARENA_NR_GLOBAL_STATS];
	struct vmarena_stats st = {
		.which = VMARENA_STATS_GLOBAL,
		.count = VMARENA_NR_GLOBAL_STATS,
		.values = (uintptr_t)v,
	};
	FILE *f = fopen("/sys/kernel/debug/vmarena/zeroed_target", "r");
	long long target = -1;
	int fd, i;

	if (f && fscanf(f, "%lld", &target) != 1)
		target = -1;
	if (f)
		fclose(f);
	fd = open("/dev/vmarena", O_RDWR | O_CLOEXEC);
	for (i = 0; fd >= 0 && target >= 0 && i < 5000; i++) {
		if (ioctl(fd, VMARENA_IOC_STATS, &st) ||
		    (long long)v[VMARENA_STAT_ZEROED_POOL] >= target)
			break;
		usleep(1000);
	}
	if (fd >= 0)
		close(fd);
}

#endif /* _VMARENA_BENCH_POOL_H */
