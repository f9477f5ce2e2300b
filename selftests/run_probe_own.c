// SPDX-License-Identifier: GPL-2.0
/*
 * run_probe_own.c - a program that brings its own malloc (a bump
 * allocator over a static pool), for run_test.sh: `vmarena run` must
 * refuse it rather than run it with its heap outside the space.
 */
#include <stdio.h>
#include <string.h>

static char pool[1 << 20] __attribute__((aligned(16)));
static size_t used;

void *malloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(pool) - used)
		return NULL;
	p = pool + used;
	used += n;
	return p;
}

void free(void *p)
{
	(void)p;
}

void *calloc(size_t n, size_t size)
{
	void *p = n && size > sizeof(pool) / n ? NULL : malloc(n * size);

	if (p)
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *old, size_t n)
{
	char *p = malloc(n);
	size_t avail;

	if (p && old) {
		avail = (size_t)(pool + used - (char *)old);
		memcpy(p, old, n < avail ? n : avail);
	}
	return p;
}

int main(void)
{
	puts("my own allocator");
	return 0;
}
