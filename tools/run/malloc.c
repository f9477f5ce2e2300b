// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * malloc.c - the functions glibc lets a program replace ("Replacing
 * malloc", the GNU C Library manual), each going to mimalloc once the heap
 * is set up.  C++ new and delete reach them through libstdc++.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <malloc.h>
#include <stdlib.h>

#include <mimalloc.h>

#include "shim.h"

void *malloc(size_t size)
{
	run_start();
	return mi_malloc(size);
}

void free(void *p)
{
	if (p)
		mi_free(p);
}

void *calloc(size_t n, size_t size)
{
	run_start();
	return mi_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	run_start();
	return mi_realloc(p, size);
}

void *reallocarray(void *p, size_t n, size_t size)
{
	run_start();
	return mi_reallocarray(p, n, size);
}

int posix_memalign(void **p, size_t align, size_t size)
{
	run_start();
	return mi_posix_memalign(p, align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	run_start();
	return mi_aligned_alloc(align, size);
}

void *memalign(size_t align, size_t size)
{
	run_start();
	return mi_memalign(align, size);
}

void *valloc(size_t size)
{
	run_start();
	return mi_valloc(size);
}

void *pvalloc(size_t size)
{
	run_start();
	return mi_pvalloc(size);
}

size_t malloc_usable_size(void *p)
{
	return p ? mi_malloc_usable_size(p) : 0;
}
