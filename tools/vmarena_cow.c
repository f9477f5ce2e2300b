// SPDX-License-Identifier: GPL-2.0
/*
 * vmarena_cow.c - the CLI's copy-on-write commands: clone, ckpt and
 * migrate (see the usage in vmarena.c).
 *
 * A space lives as long as an fd to it, so the ckpt commands act on an fd
 * the shell holds: `exec 3<>/dev/vmarena` makes space 3 for the shell's
 * life, and `vmarena ckpt 3 save` checkpoints it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmarena.h>

#include "vmarena_cli.h"

#define PAGE 4096UL

static int fail(const char *what)
{
	fprintf(stderr, "vmarena: %s: %s\n", what, strerror(errno));
	return 1;
}

/* A library call failed with @ret (-errno). */
static int lib_fail(const char *what, int ret)
{
	errno = -ret;
	return fail(what);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static char *map_space(int fd, unsigned long pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);

	if (p == MAP_FAILED) {
		fail("mmap");
		exit(1);
	}
	return p;
}

/* vmarena clone PAGES: a space, its clone, writes in the clone. */
int cmd_clone(const char *arg)
{
	unsigned long pages = strtoul(arg, NULL, 0), i;
	__u64 id = 0;
	int fd, cfd;
	char *p, *q;

	if (!pages)
		usage();
	fd = open_space();
	p = map_space(fd, pages);
	for (i = 0; i < pages; i++)
		memset(p + i * PAGE, 'a', PAGE);
	cfd = vmarena_clone(fd, VMARENA_CLONE_CLOEXEC, &id);
	if (cfd < 0)
		return lib_fail("CLONE", cfd);
	q = map_space(cfd, pages);
	for (i = 0; i < pages; i += 2)
		q[i * PAGE] = 'b';	/* every other page: copied */
	printf("parent (%lu pages written) after its clone wrote every other page:\n",
	       pages);
	show_space(fd);
	printf("clone (space %llu):\n", (unsigned long long)id);
	show_space(cfd);
	printf("parent page 0 starts with '%c', the clone's with '%c'\n", p[0], q[0]);
	show_translate(fd, pages);
	show_translate(cfd, pages);
	return 0;
}

static int ckpt_save(int fd)
{
	__u64 gen, pages;
	int ret = vmarena_checkpoint(fd, &gen, &pages);

	if (ret)
		return lib_fail("CHECKPOINT", ret);
	printf("generation %llu: %llu pages\n", (unsigned long long)gen,
	       (unsigned long long)pages);
	return 0;
}

static int ckpt_restore(int fd, const char *gen)
{
	__u64 pages;
	int ret = vmarena_restore(fd, strtoull(gen, NULL, 0), &pages);

	if (ret)
		return lib_fail("RESTORE", ret);
	printf("restored: %llu pages\n", (unsigned long long)pages);
	return 0;
}

static int ckpt_drop(int fd, const char *gen)
{
	__u64 freed;
	int ret = vmarena_ckpt_drop(fd, strtoull(gen, NULL, 0), &freed);

	if (ret)
		return lib_fail("CKPT_DROP", ret);
	printf("dropped: %llu pages freed\n", (unsigned long long)freed);
	return 0;
}

static int ckpt_list(int fd)
{
	struct vmarena_ckpt_info info[VMARENA_CKPT_MAX];
	unsigned int i, count;
	int ret = vmarena_ckpt_list(fd, info, VMARENA_CKPT_MAX, &count);

	if (ret)
		return lib_fail("CKPT_LIST", ret);
	printf("%10s %10s %10s %14s\n", "generation", "pages", "private",
	       "pinned_bytes");
	for (i = 0; i < count && i < VMARENA_CKPT_MAX; i++)
		printf("%10llu %10llu %10llu %14llu\n",
		       (unsigned long long)info[i].generation,
		       (unsigned long long)info[i].pages,
		       (unsigned long long)info[i].private,
		       (unsigned long long)info[i].pinned_bytes);
	return 0;
}

static int ckpt_dirty(int fd, const char *gen, const char *pages)
{
	unsigned long long i, n = pages ? strtoull(pages, NULL, 0) : 65536;
	__u64 *bits, dirty = 0;
	int ret;

	bits = calloc((n + 63) / 64, 8);
	if (!bits)
		return fail("calloc");
	ret = vmarena_get_dirty(fd, strtoull(gen, NULL, 0), 0, n, bits, 0, &dirty);
	if (ret)
		return lib_fail("GET_DIRTY", ret);
	printf("%llu pages changed since generation %s:", (unsigned long long)dirty,
	       gen);
	for (i = 0; i < n; i++)
		if (bits[i / 64] >> (i % 64) & 1)
			printf(" %llu", i);
	printf("\n");
	free(bits);
	return 0;
}

static int ckpt_export(int fd, const char *gen, const char *base)
{
	__u64 pages, bytes;
	int ret;

	ret = vmarena_export(fd, 1, strtoull(gen, NULL, 0),
			     base ? strtoull(base, NULL, 0) : 0,
			     base ? VMARENA_EXPORT_DELTA : 0, &pages, &bytes);
	if (ret)
		return lib_fail("EXPORT", ret);
	fprintf(stderr, "exported %llu pages, %llu bytes\n",
		(unsigned long long)pages, (unsigned long long)bytes);
	return 0;
}

static int ckpt_import(int fd)
{
	__u64 gen, pages, bytes;
	int ret = vmarena_import(fd, 0, &gen, &pages, &bytes);

	if (ret)
		return lib_fail("IMPORT", ret);
	printf("imported generation %llu: %llu pages, %llu bytes\n",
	       (unsigned long long)gen, (unsigned long long)pages,
	       (unsigned long long)bytes);
	return 0;
}

/* The first bytes of each of @pages pages, as text (pread). */
static int ckpt_show(int fd, const char *pages)
{
	unsigned long n = pages ? strtoul(pages, NULL, 0) : 4, i, j;
	char buf[40];

	for (i = 0; i < n; i++) {
		if (pread(fd, buf, sizeof(buf), i * PAGE) != sizeof(buf))
			return fail("pread");
		for (j = 0; j < sizeof(buf); j++)
			if (buf[j] && (buf[j] < ' ' || buf[j] > '~'))
				buf[j] = '.';
		printf("page %lu: \"%.*s\"\n", i, (int)strnlen(buf, sizeof(buf)), buf);
	}
	return 0;
}

/* vmarena ckpt FD save|restore GEN|list|drop GEN|dirty GEN [PAGES]|... */
int cmd_ckpt(int argc, char **argv)
{
	int fd = argc > 3 ? atoi(argv[2]) : -1;
	const char *op = argc > 3 ? argv[3] : "";
	const char *a = argc > 4 ? argv[4] : NULL, *b = argc > 5 ? argv[5] : NULL;

	if (!strcmp(op, "save") && argc == 4)
		return ckpt_save(fd);
	if (!strcmp(op, "restore") && argc == 5)
		return ckpt_restore(fd, a);
	if (!strcmp(op, "drop") && argc == 5)
		return ckpt_drop(fd, a);
	if (!strcmp(op, "list") && argc == 4)
		return ckpt_list(fd);
	if (!strcmp(op, "dirty") && (argc == 5 || argc == 6))
		return ckpt_dirty(fd, a, b);
	if (!strcmp(op, "export") && (argc == 5 || argc == 6))
		return ckpt_export(fd, a, b);
	if (!strcmp(op, "import") && argc == 4)
		return ckpt_import(fd);
	if (!strcmp(op, "show") && (argc == 4 || argc == 5))
		return ckpt_show(fd, a);
	usage();
	return 2;
}

/*
 * vmarena migrate [PAGES [ROUNDS [COLD]]]: iterative pre-copy of a live space
 * from this process to a receiver process, through a pipe, while a writer
 * process keeps writing to it.
 */
struct migration {
	int src;
	char *p;
	unsigned long pages;
	unsigned int cold;	/* percent of writes outside the hot set */
	volatile int *stop;	/* shared with the writer */
	int to_rx;		/* the stream pipe */
	int from_rx;		/* the receiver's acknowledgements */
	pid_t writer, receiver;
};

static uint64_t contents_sum(const char *p, unsigned long pages)
{
	const uint64_t *w = (const uint64_t *)p;
	uint64_t h = 1469598103934665603ULL;
	unsigned long i;

	for (i = 0; i < pages * PAGE / 8; i++)
		h = (h ^ w[i]) * 1099511628211ULL;
	return h;
}

/*
 * The writer: all but @m->cold percent of its writes go to a hot 1/16 of
 * the pages (its working set), the rest anywhere.
 */
static void writer(struct migration *m)
{
	unsigned long n = 0, page;

	srand(getpid());
	while (!*m->stop) {
		page = (unsigned int)rand() % 100 >= m->cold ?
		       rand() % (m->pages / 16 + 1) :
		       (unsigned long)rand() % m->pages;
		n++;
		((volatile uint64_t *)(m->p + page * PAGE))[n % 512] = n;
		if (!(n % 64))
			usleep(1000);	/* a rate: about 64 pages a ms */
	}
	*m->stop = 2;		/* stopped: no write after this */
	_exit(0);
}

/* The receiver: imports each stream the pipe carries into its space. */
static void receiver(int in, int out, unsigned long pages)
{
	int dst = open_space(), ret;
	__u64 got;
	uint64_t sum;
	char cmd;

	while (read(in, &cmd, 1) == 1 && cmd == 'S') {
		ret = vmarena_import(dst, in, NULL, &got, NULL);
		if (ret)
			_exit(lib_fail("IMPORT", ret));
		if (write(out, &got, sizeof(got)) != sizeof(got))
			_exit(1);
	}
	sum = contents_sum(map_space(dst, pages), pages);
	_exit(write(out, &sum, sizeof(sum)) == sizeof(sum) ? 0 : 1);
}

/* Sends generation @gen (a delta from @base unless 0); returns its pages. */
static long send_gen(struct migration *m, uint64_t gen, uint64_t base,
		     double *ms)
{
	double t0 = now_ms();
	__u64 pages = 0;
	uint64_t got;
	int ret;

	if (write(m->to_rx, "S", 1) != 1)
		return -fail("EXPORT");
	ret = vmarena_export(m->src, m->to_rx, gen, base,
			     base ? VMARENA_EXPORT_DELTA : 0, &pages, NULL);
	if (ret)
		return -lib_fail("EXPORT", ret);
	if (read(m->from_rx, &got, sizeof(got)) != sizeof(got) || got != pages)
		return -fail("receiver");
	*ms = now_ms() - t0;
	return pages;
}

static uint64_t take(struct migration *m)
{
	__u64 gen;
	int ret = vmarena_checkpoint(m->src, &gen, NULL);

	if (ret)
		exit(lib_fail("CHECKPOINT", ret));
	return gen;
}

static void drop(struct migration *m, uint64_t gen)
{
	vmarena_ckpt_drop(m->src, gen, NULL);
}

/*
 * Pre-copy rounds until a delta is small, or stops shrinking (it has
 * reached the writer's working set), or ROUNDS; returns the last
 * generation sent.
 */
static uint64_t precopy(struct migration *m, unsigned int rounds)
{
	uint64_t gen = take(m), next;
	long n, last;
	unsigned int r;
	double ms;

	n = send_gen(m, gen, 0, &ms);
	if (n < 0)
		return 0;
	last = n;
	printf("round %2u: full   %6ld pages %8.1f ms (writer running)\n", 0, n, ms);
	for (r = 1; r <= rounds; r++) {
		next = take(m);
		n = send_gen(m, next, gen, &ms);
		if (n < 0)
			return 0;
		printf("round %2u: delta  %6ld pages %8.1f ms (writer running)\n",
		       r, n, ms);
		drop(m, gen);
		gen = next;
		if ((unsigned long)n <= m->pages / 64 + 1 || n >= last)
			break;
		last = n;
	}
	return gen;
}

/* Stops the writer; it acknowledges once it will write no more. */
static void stop_writer(struct migration *m)
{
	int status;

	*m->stop = 1;
	while (*m->stop != 2)
		sched_yield();
	waitpid(m->writer, &status, 0);
}

static int migrate_run(struct migration *m, unsigned int rounds)
{
	uint64_t gen, last, sum;
	double t0, ms;
	long n;
	int status;

	gen = precopy(m, rounds);
	t0 = now_ms();
	stop_writer(m);
	if (!gen)
		return 1;		/* a round failed (said why) */
	last = take(m);
	n = send_gen(m, last, gen, &ms);
	if (n < 0)
		return 1;
	printf("final   : delta  %6ld pages %8.1f ms (writer stopped: pause %.1f ms)\n",
	       n, ms, now_ms() - t0);
	if (write(m->to_rx, "E", 1) != 1 ||
	    read(m->from_rx, &sum, sizeof(sum)) != sizeof(sum))
		return fail("receiver");
	waitpid(m->receiver, &status, 0);
	printf("receiver's space %s the source (checksum %016llx)\n",
	       sum == contents_sum(m->p, m->pages) ? "matches" : "DIFFERS FROM",
	       (unsigned long long)sum);
	return sum != contents_sum(m->p, m->pages);
}

int cmd_migrate(int argc, char **argv)
{
	unsigned int rounds = argc > 3 ? strtoul(argv[3], NULL, 0) : 10;
	struct migration m = { .pages = argc > 2 ? strtoul(argv[2], NULL, 0) : 4096,
			       .cold = argc > 4 ? strtoul(argv[4], NULL, 0) : 10 };
	int tx[2], rx[2];
	unsigned long i;

	if (!m.pages || m.cold > 100 || pipe2(tx, O_CLOEXEC) || pipe2(rx, O_CLOEXEC))
		usage();
	m.src = open_space();
	m.p = map_space(m.src, m.pages);
	for (i = 0; i < m.pages; i++)
		memset(m.p + i * PAGE, (int)i, PAGE);
	m.stop = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	/* A receiver that dies shows as EPIPE (export) or EOF (its answers). */
	signal(SIGPIPE, SIG_IGN);
	m.receiver = fork();
	if (!m.receiver) {
		close(tx[1]);
		close(rx[0]);
		receiver(tx[0], rx[1], m.pages);
	}
	close(tx[0]);
	close(rx[1]);
	m.writer = fork();
	if (!m.writer)
		writer(&m);
	m.to_rx = tx[1];
	m.from_rx = rx[0];
	printf("migrating a %lu-page space while a writer writes to it (%u%% of its\n"
	       "writes outside a hot set of %lu pages):\n", m.pages, m.cold,
	       m.pages / 16 + 1);
	return migrate_run(&m, rounds);
}
