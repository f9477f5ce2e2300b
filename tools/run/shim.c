// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * libvmarena-run.so - the heap of an unmodified program in a vmarena space
 * (`vmarena run`, Documentation/run.rst).
 *
 * Preloaded by `vmarena run`, it is the program's malloc: every function
 * glibc's manual lists for replacing malloc goes to mimalloc (Debian's
 * libmimalloc2.0), whose only memory is one arena that this library hands
 * it: a range of a /dev/vmarena space mapped MAP_SHARED.  mimalloc's OS
 * allocations are switched off (limit_os_alloc), so no block of the heap
 * ever comes from ordinary memory: when the space is full, malloc returns
 * NULL or the faulting access gets SIGBUS, as the ABI says.
 *
 * fork() gives the child a copy-on-write CLONE of the space mapped at the
 * same address (pthread_atfork); a child made without those handlers
 * (_Fork, a raw clone) has no heap at all (MADV_DONTFORK) rather than a
 * shared one.  The space's fd is close-on-exec: exec() leaves it, and the
 * new image, preloaded again, gets a space of its own.
 *
 * Settings come from the environment `vmarena run` sets (VMARENA_RUN_*);
 * anything that cannot be done is reported on stderr and ends the process
 * with status 125.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mimalloc.h>

#include "libvmarena.h"
#include "shim.h"

/* mimalloc's arenas are made of 32 MiB blocks, aligned to their size. */
#define BLOCK		(32ULL << 20)

struct run run = { .fd = -1 };
static atomic_int state;		/* 0: not set up, 1: being set up, 2: ready */
static __thread bool starting;
static int clone_fd = -1;		/* made by fork_prepare, for the child */

void run_die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "vmarena run: ");
	va_start(ap, fmt);
	n += vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(msg) - 1)
		n = sizeof(msg) - 2;
	msg[n++] = '\n';
	if (write(STDERR_FILENO, msg, n) < 0)
		n = 0;
	_exit(125);
}

static unsigned long long env_num(const char *name, unsigned long long dflt)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return dflt;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		run_die("%s=%s is not a number", name, s);
	return v;
}

int run_record(void *addr, size_t len, __u64 off)
{
	if (run.nmaps == RUN_MAPS) {
		errno = ENOSPC;
		return -1;
	}
	run.maps[run.nmaps++] = (struct run_map){ addr, len, off };
	return madvise(addr, len, MADV_DONTFORK);
}

/* A mapping of the space (@fd: it, or its clone in a fork child). */
static int map_fixed(const struct run_map *m, int fd)
{
	void *p = mmap(m->addr, m->len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		       fd, m->off);

	return p == MAP_FAILED ? -1 : madvise(m->addr, m->len, MADV_DONTFORK);
}

int run_map(void *addr, size_t len, __u64 off, int fd)
{
	struct run_map m = { addr, len, off };

	return map_fixed(&m, fd) ? -1 : run_record(addr, len, off);
}

/* The heap's range of the space, mapped at a BLOCK-aligned address. */
static void map_heap(void)
{
	size_t size = run.size;
	char *p, *base;

	p = mmap(NULL, size + BLOCK, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		run_die("cannot reserve %zu bytes of address space: %s", size, strerror(errno));
	base = (char *)(((uintptr_t)p + BLOCK - 1) & ~(uintptr_t)(BLOCK - 1));
	if (run_map(base, size, HEAP_OFF, run.fd))
		run_die("cannot map the space: %s", strerror(errno));
	if (base > p)
		munmap(p, base - p);
	munmap(base + size, p + BLOCK - base);
	run.base = base;
}

/*
 * A fault the space cannot serve (the arena and swap full, a cap) is
 * SIGBUS: say so before the signal's default action, unless the program
 * handles SIGBUS itself.
 */
static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	static const char * const msg[] = {
		"vmarena run: SIGBUS in the heap: its space is out of memory",
		" (the arena and swap are full, or a cap is reached: --max-pages,",
		" the module's space_max_pages, the user's limit)\n",
	};
	char *a = si->si_addr;
	bool ours = false;
	ssize_t n = 0;
	int i;

	(void)uc;
	for (i = 0; i < run.nmaps; i++)
		ours |= a >= run.maps[i].addr && a < run.maps[i].addr + run.maps[i].len;
	for (i = 0; i < 3 && ours; i++)
		n += write(STDERR_FILENO, msg[i], strlen(msg[i]));
	(void)n;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_sigbus(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	struct sigaction old;

	if (sigaction(SIGBUS, NULL, &old) || old.sa_handler != SIG_DFL)
		return;
	sigaction(SIGBUS, &sa, NULL);
}

static void fork_prepare(void)
{
	clone_fd = vmarena_clone(run.fd, VMARENA_CLONE_CLOEXEC, NULL);
}

static void fork_parent(void)
{
	if (clone_fd >= 0)
		close(clone_fd);
	clone_fd = -1;
}

/*
 * The child: its own copy of the space, every mapping at the same address,
 * the same caps (a clone inherits none), no snapshot (nor checkpoints).
 */
static void fork_child(void)
{
	int i, ret;

	if (clone_fd < 0)
		run_die("fork: the child's copy of the heap could not be made: %s",
			strerror(-clone_fd));
	for (i = 0; i < run.nmaps; i++)
		if (map_fixed(&run.maps[i], clone_fd))
			run_die("fork: cannot map the child's heap: %s", strerror(errno));
	if (dup3(clone_fd, run.fd, O_CLOEXEC) < 0)
		run_die("fork: dup3: %s", strerror(errno));
	close(clone_fd);
	clone_fd = -1;
	ret = vmarena_set_limit(run.fd, run.max_pages, run.max_resident);
	if (ret)
		run_die("fork: SET_LIMIT in the child: %s", strerror(-ret));
	run.snapshot = 0;
	run_forked();
}

static void set_up(void)
{
	int ret;

	static const char * const outside[] = {
		"MIMALLOC_RESERVE_OS_MEMORY", "MIMALLOC_RESERVE_HUGE_OS_PAGES",
		"MIMALLOC_RESERVE_HUGE_OS_PAGES_AT",
	};
	unsigned int i;

	/* libmimalloc's constructor has acted on these: memory outside. */
	for (i = 0; i < ARRAY_SIZE(outside); i++)
		if (getenv(outside[i]))
			run_die("%s gives mimalloc memory outside the space: unset it",
				outside[i]);
	catch_sigbus();
	run.fd = vmarena_open(O_RDWR | O_CLOEXEC);
	if (run.fd < 0)
		run_die("cannot open /dev/vmarena: %s", strerror(-run.fd));
	run.size = env_num("VMARENA_RUN_HEAP", 16ULL << 30);
	if (!run.size || run.size % BLOCK || run.size > (1ULL << 46))
		run_die("VMARENA_RUN_HEAP must be a multiple of 32 MiB, at most 64 TiB");
	run.max_pages = env_num("VMARENA_RUN_MAX_PAGES", 0);
	run.max_resident = env_num("VMARENA_RUN_RESIDENT", 0);
	ret = vmarena_set_limit(run.fd, run.max_pages, run.max_resident);
	if (ret)
		run_die("SET_LIMIT: %s", strerror(-ret));
	map_heap();
	/* Nothing from the OS; never madvise the space's pages away. */
	mi_option_set(mi_option_limit_os_alloc, 1);
	mi_option_set(mi_option_allow_decommit, 0);
	mi_option_set(mi_option_page_reset, 0);
	mi_option_set(mi_option_abandoned_page_decommit, 0);
	mi_option_set(mi_option_large_os_pages, 0);
	mi_option_set(mi_option_reserve_huge_os_pages, 0);
	mi_option_set(mi_option_reserve_os_memory, 0);
	run_state_init();
	if (pthread_atfork(fork_prepare, fork_parent, fork_child))
		run_die("pthread_atfork failed");
	run_started();
}

/* Called by every entry point: the first one sets the heap up. */
void run_start(void)
{
	int idle = 0;

	if (atomic_load_explicit(&state, memory_order_acquire) == 2)
		return;
	if (starting)
		run_die("the allocator was called while the heap was being set up");
	if (atomic_compare_exchange_strong(&state, &idle, 1)) {
		starting = true;
		set_up();
		starting = false;
		atomic_store_explicit(&state, 2, memory_order_release);
		return;
	}
	while (atomic_load_explicit(&state, memory_order_acquire) != 2)
		sched_yield();
}

/*
 * The heap is set up before main, and an allocator that is not this one
 * (a program linked statically against another malloc, a library bound
 * with RTLD_DEEPBIND) is refused rather than left to allocate elsewhere.
 */
/*
 * Whether the program's malloc is this library's: the block it returns is
 * in the heap.  (Comparing addresses would not do: an executable that
 * takes malloc's address has dlsym() return its own PLT stub.)
 */
typedef void *(*malloc_fn)(size_t size);

static bool ours(void)
{
	malloc_fn global_malloc = (malloc_fn)dlsym(RTLD_DEFAULT, "malloc");
	char *p = global_malloc ? global_malloc(16) : NULL;
	bool in = p >= run.base && p < run.base + run.size;

	if (in)
		free(p);
	return in;
}

__attribute__((constructor)) static void run_init(void)
{
	run_start();
	if (!ours())
		run_die("this program's malloc is not vmarena's: it brings its own allocator");
}
