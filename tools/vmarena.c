// SPDX-License-Identifier: GPL-2.0
/*
 * vmarena - command-line tool for /dev/vmarena.
 *
 *   vmarena info         INFO of a fresh space: ABI, page size, arena, free
 *   vmarena stats        the global counters (debugfs vmarena/stats, root)
 *   vmarena map PAGES    open a space, mmap PAGES pages of it, report, unmap
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmarena.h>

#define DEV "/dev/vmarena"
#define STATS "/sys/kernel/debug/vmarena/stats"

static int open_space(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "vmarena: open %s: %s\n", DEV, strerror(errno));
		exit(1);
	}
	return fd;
}

static void get_info(int fd, struct vmarena_info *info)
{
	if (ioctl(fd, VMARENA_IOC_INFO, info)) {
		fprintf(stderr, "vmarena: INFO: %s\n", strerror(errno));
		exit(1);
	}
}

static int cmd_info(void)
{
	struct vmarena_info info;
	int fd = open_space();

	get_info(fd, &info);
	printf("abi_version   %u\n", info.abi_version);
	printf("page_size     %u\n", info.page_size);
	printf("arena_frames  %llu (%llu MiB)\n",
	       (unsigned long long)info.arena_frames,
	       (unsigned long long)info.arena_frames * info.page_size >> 20);
	printf("free_frames   %llu\n", (unsigned long long)info.free_frames);
	printf("space_id      %llu\n", (unsigned long long)info.space_id);
	close(fd);
	return 0;
}

static int cmd_stats(void)
{
	char line[256];
	FILE *f = fopen(STATS, "r");

	if (!f) {
		fprintf(stderr, "vmarena: %s: %s (root and debugfs needed)\n",
			STATS, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return 0;
}

static int cmd_map(const char *arg)
{
	unsigned long pages = strtoul(arg, NULL, 0);
	struct vmarena_info info;
	size_t len;
	void *p;
	int fd;

	if (!pages) {
		fprintf(stderr, "vmarena: map: '%s' is not a page count\n", arg);
		return 2;
	}
	fd = open_space();
	get_info(fd, &info);
	len = pages * info.page_size;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "vmarena: mmap: %s\n", strerror(errno));
		return 1;
	}
	printf("space %llu: %lu pages mapped at %p\n",
	       (unsigned long long)info.space_id, pages, p);
	munmap(p, len);
	close(fd);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vmarena info | stats | map PAGES\n"
		"  info       ABI version, page size, arena size, free frames\n"
		"  stats      global counters (debugfs, root)\n"
		"  map PAGES  map PAGES pages of a new space and report\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "info") && argc == 2)
		return cmd_info();
	if (!strcmp(argv[1], "stats") && argc == 2)
		return cmd_stats();
	if (!strcmp(argv[1], "map") && argc == 3)
		return cmd_map(argv[2]);
	usage();
	return 2;
}
