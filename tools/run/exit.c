// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * exit.c - what `vmarena run` reports when the program exits (exit(3) or
 * a return from main; not _exit(2) or a fatal signal): the space's
 * counters with --stats (VMARENA_RUN_STATS=1), one line on stderr per
 * process, and with --export FILE (VMARENA_RUN_EXPORT) the heap as an
 * EXPORT stream of a last CHECKPOINT, written by the process that was
 * started (VMARENA_RUN_PID; not by its fork children, whose heaps are
 * clones, nor by programs it runs in turn).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libvmarena.h"
#include "shim.h"

static bool report_stats, is_child;
static const char *export_path;

static const struct {
	const char *name;
	unsigned int index;
} shown[] = {
	{ "pages", VMARENA_SPACE_STAT_PAGES },
	{ "resident", VMARENA_SPACE_STAT_RESIDENT },
	{ "max_resident", VMARENA_SPACE_STAT_MAX_RESIDENT },
	{ "first_touch", VMARENA_SPACE_STAT_FAULTS_FIRST_TOUCH },
	{ "minor", VMARENA_SPACE_STAT_FAULTS_MINOR },
	{ "swapped", VMARENA_SPACE_STAT_SWAPPED },
	{ "evictions", VMARENA_SPACE_STAT_EVICTIONS },
	{ "swap_outs", VMARENA_SPACE_STAT_SWAP_OUTS },
	{ "swap_ins", VMARENA_SPACE_STAT_SWAP_INS },
	{ "cow_breaks", VMARENA_SPACE_STAT_COW_BREAKS },
	{ "sigbus", VMARENA_SPACE_STAT_SIGBUS },
};

void run_started(void)
{
	const char *s = getenv("VMARENA_RUN_STATS"), *pid = getenv("VMARENA_RUN_PID");

	report_stats = s && !strcmp(s, "1");
	export_path = getenv("VMARENA_RUN_EXPORT");
	/* Only the process vmarena run started: not what it runs in turn. */
	if ((export_path && !*export_path) || (pid && atoi(pid) != getpid()))
		export_path = NULL;
}

void run_forked(void)
{
	is_child = true;
}

static void print_stats(void)
{
	__u64 v[VMARENA_SPACE_STAT_USER_PINNED + 1] = { 0 };
	unsigned int count = ARRAY_SIZE(v), i;
	char line[512];
	int n, ret;

	ret = vmarena_stats(run.fd, VMARENA_STATS_SPACE, v, &count);
	if (ret) {
		dprintf(STDERR_FILENO, "vmarena run: pid %d: STATS: %s\n", getpid(),
			strerror(-ret));
		return;
	}
	n = snprintf(line, sizeof(line), "vmarena run: pid=%d space=%llu", getpid(),
		     (unsigned long long)v[VMARENA_SPACE_STAT_ID]);
	for (i = 0; i < ARRAY_SIZE(shown) && n < (int)sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " %s=%llu", shown[i].name,
			      (unsigned long long)v[shown[i].index]);
	dprintf(STDERR_FILENO, "%s\n", line);
}

static void export_heap(void)
{
	__u64 gen = 0, pages = 0, bytes = 0;
	int out, ret;

	ret = vmarena_checkpoint(run.fd, &gen, NULL);
	if (ret) {
		dprintf(STDERR_FILENO, "vmarena run: export: CHECKPOINT: %s\n", strerror(-ret));
		return;
	}
	out = open(export_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		dprintf(STDERR_FILENO, "vmarena run: export: %s: %s\n", export_path,
			strerror(errno));
		return;
	}
	ret = vmarena_export(run.fd, out, gen, 0, 0, &pages, &bytes);
	if (ret)
		dprintf(STDERR_FILENO, "vmarena run: export: %s: %s\n", export_path,
			strerror(-ret));
	else
		dprintf(STDERR_FILENO,
			"vmarena run: heap exported to %s: %llu pages, %llu bytes; the heap is at offset %llu, mapped at %p\n",
			export_path, (unsigned long long)pages, (unsigned long long)bytes,
			HEAP_OFF, (void *)run.base);
	close(out);
}

__attribute__((destructor)) static void run_exit(void)
{
	if (run.fd < 0)
		return;
	if (report_stats)
		print_stats();
	if (export_path && !is_child)
		export_heap();
}
