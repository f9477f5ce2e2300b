// SPDX-License-Identifier: GPL-2.0
/*
 * rewind_probe.c - a target whose state leaks from one input to the next
 * through its heap, for rewind_test.sh: run under `vmarena run`, with and
 * without vmarena_snapshot() / vmarena_rewind() around its loop.
 *
 *   rewind_probe ITERATIONS [rewind|forked|segments|bigfree]
 *
 * forked: the loop, with rewinds, runs in a fork child (as under AFL++'s
 * fork server), the parent waiting for it.
 *
 * segments: each iteration allocates a 40 MiB block (a segment of its own
 * in mimalloc's arena) and rewinds; prints "segments: N of N" when every
 * allocation succeeded (the arena's own bookkeeping is rewound too, or
 * the arena fills up).  bigfree: a 20 MiB block made before the snapshot
 * is freed, and another allocated and written, in each iteration; prints
 * "bigfree: intact, not reused" when after the rewinds the block still
 * holds its bytes and a new 20 MiB allocation does not get it again.
 *
 * Each iteration counts itself in a heap object made at set-up, appends to
 * a heap log (realloc), allocates a scratch block and frees the log of the
 * previous iteration's state.  It prints one line per iteration:
 *
 *   counter=C log=L scratch=ADDR
 *
 * With rewind, every line should be the first one: the counter and the log
 * come back to their set-up values and the allocator hands out the same
 * block again.  Exit status 1 when a libvmarena call fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libvmarena.h"

struct state {
	int counter;
	char *log;
};

static struct state *st;	/* set once, before the snapshot */

static void check_ret(int ret, const char *what)
{
	if (ret) {
		fprintf(stderr, "%s: %s\n", what, strerror(-ret));
		exit(1);
	}
}

static void one_input(const char *input)
{
	size_t len = strlen(st->log);
	char *scratch, *log;

	st->counter++;
	scratch = malloc(64 + st->counter % 8);
	snprintf(scratch, 64, "%s%d;", input, st->counter);
	log = realloc(st->log, len + strlen(scratch) + 1);
	if (!log)
		exit(1);
	strcpy(log + len, scratch);
	st->log = log;
	printf("counter=%d log=%zu scratch=%p\n", st->counter, strlen(st->log), (void *)scratch);
	free(scratch);
}

static int segments(int n)
{
	int i, ok = 0;
	char *p;

	check_ret(vmarena_snapshot(), "vmarena_snapshot");
	for (i = 0; i < n; i++) {
		p = malloc(40 << 20);
		if (p) {
			p[0] = 1;
			ok++;
		}
		check_ret(vmarena_rewind(), "vmarena_rewind");
	}
	printf("segments: %d of %d\n", ok, n);
	return 0;
}

static int bigfree(int n)
{
	size_t len = 20 << 20;
	char *big = malloc(len), *q;
	int i, intact;

	memset(big, 0x5a, len);
	check_ret(vmarena_snapshot(), "vmarena_snapshot");
	for (i = 0; i < n; i++) {
		free(big);
		q = malloc(len);
		if (q)
			memset(q, 0xee, 4096);
		check_ret(vmarena_rewind(), "vmarena_rewind");
	}
	intact = big[0] == 0x5a && big[len / 2] == 0x5a && big[len - 1] == 0x5a;
	q = malloc(len);
	printf("bigfree: %s, %s\n", intact ? "intact" : "CHANGED",
	       q && q != big ? "not reused" : "REUSED");
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3, i, ret;
	int forked = argc > 2 && !strcmp(argv[2], "forked");
	int rewind = forked || (argc > 2 && !strcmp(argv[2], "rewind"));
	int status;
	pid_t pid;

	st = calloc(1, sizeof(*st));
	st->log = strdup("set-up;");
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("start\n");
	if (argc > 2 && !strcmp(argv[2], "segments"))
		return segments(n);
	if (argc > 2 && !strcmp(argv[2], "bigfree"))
		return bigfree(n);
	if (forked) {
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid > 0)
			return waitpid(pid, &status, 0) != pid || status;
	}
	if (rewind) {
		ret = vmarena_snapshot();
		if (ret) {
			fprintf(stderr, "vmarena_snapshot: %s\n", strerror(-ret));
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		one_input("input");
		if (rewind) {
			ret = vmarena_rewind();
			if (ret) {
				fprintf(stderr, "vmarena_rewind: %s\n", strerror(-ret));
				return 1;
			}
		}
	}
	return 0;
}
