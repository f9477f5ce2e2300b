/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * shim.h - what the parts of libvmarena-run.so share: the heap's space and
 * the calls between set-up (shim.c), the allocator's entry points
 * (malloc.c) and the report at exit (exit.c).
 */
#ifndef VMARENA_RUN_SHIM_H
#define VMARENA_RUN_SHIM_H

#include <stddef.h>

struct run {
	int fd;			/* the space, close-on-exec */
	char *base;		/* where its offset 0 is mapped */
	size_t size;		/* bytes of it given to mimalloc */
};

extern struct run run;

/* The first call of any entry point sets the heap up (shim.c). */
void run_start(void);

/* Reports "vmarena run: ..." on stderr and ends the process (125). */
void run_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* exit.c: the end-of-run report is armed once the heap is set up, */
void run_started(void);
/* and re-armed in a fork child, whose heap is another space. */
void run_forked(void);

#endif /* VMARENA_RUN_SHIM_H */
