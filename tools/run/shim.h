/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * shim.h - what the parts of libvmarena-run.so share: the heap's space and
 * the calls between set-up (shim.c), the allocator's entry points
 * (malloc.c) and the report at exit (exit.c).
 */
#ifndef VMARENA_RUN_SHIM_H
#define VMARENA_RUN_SHIM_H

#include <stddef.h>

#include <stdbool.h>
#include <linux/types.h>

/* Offsets of the space: mimalloc's globals, its descriptors, the heap. */
#define DATA_OFF	0ULL
#define META_OFF	(16ULL << 20)
#define HEAP_OFF	(32ULL << 20)
#define RUN_MAPS	8
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct run_map {
	char *addr;
	size_t len;
	__u64 off;
};

struct run {
	int fd;			/* the space, close-on-exec */
	char *base;		/* the heap: mimalloc's arena, at HEAP_OFF */
	size_t size;		/* its bytes */
	__u64 max_pages, max_resident;	/* the caps asked for */
	struct run_map maps[RUN_MAPS];	/* every mapping of the space */
	int nmaps;
	bool rewindable;	/* mimalloc's globals are in the space */
	__u64 snapshot;		/* the generation a rewind goes back to */
};

extern struct run run;

/* Maps [addr, addr + len) to the space at @off (MAP_FIXED), recorded. */
int run_map(void *addr, size_t len, __u64 off, int fd);
/* Records a mapping made otherwise, for fork to map again; 0 or -1. */
int run_record(void *addr, size_t len, __u64 off);

/* state.c: mimalloc's arena and globals in the space. */
void run_state_init(void);

/* The first call of any entry point sets the heap up (shim.c). */
void run_start(void);

/* Reports "vmarena run: ..." on stderr and ends the process (125). */
void run_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* exit.c: the end-of-run report is armed once the heap is set up, */
void run_started(void);
/* and re-armed in a fork child, whose heap is another space. */
void run_forked(void);

#endif /* VMARENA_RUN_SHIM_H */
