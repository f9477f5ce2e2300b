// SPDX-License-Identifier: GPL-2.0
/*
 * run_probe.c - a program for run_test.sh to run natively and under
 * `vmarena run`; nothing in it knows about vmarena.
 *
 *   run_probe where      allocate through every malloc entry point and
 *                        libc's own users of malloc; print how many of
 *                        the blocks lie in a /dev/vmarena mapping
 *   run_probe fork       parent and child change the same heap block and
 *                        each prints what it sees
 *   run_probe rawfork    a child made by _Fork (no fork handlers) touches
 *                        the heap; print how it ended
 *   run_probe threads N  N threads allocate, fill, check and free; print a
 *                        checksum and whether every block was in the space
 *   run_probe fill MIB   MIB MiB of heap in 64 KiB blocks, filled with a
 *                        pattern, read back: print a checksum
 *   run_probe exec       allocate, then execute `run_probe fds`
 *   run_probe spawn      run `run_probe fill 1` as a child (fork, exec),
 *                        wait for it, exit
 *   run_probe fds        print the /dev/vmarena fds it has and how many
 *                        spaces (inodes) its mappings are of
 *
 * Exit status 0, 1 when a check of its own failed, 2 for usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXR 64

static struct { uintptr_t lo, hi; unsigned long inode; } ranges[MAXR];
static int nranges;

/* The /dev/vmarena mappings of this process, from /proc/self/maps. */
static int load_ranges(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	nranges = 0;
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, inode;

		/* a space opened, or made by CLONE */
		if ((strstr(line, " /dev/vmarena\n") || strstr(line, " anon_inode:[vmarena]")) &&
		    nranges < MAXR &&
		    sscanf(line, "%lx-%lx %*s %*s %*s %lu", &lo, &hi, &inode) == 3) {
			ranges[nranges].inode = inode;
			ranges[nranges].lo = lo;
			ranges[nranges++].hi = hi;
		}
	}
	if (f)
		fclose(f);
	return nranges;
}

static int in_space(const void *p)
{
	int i;

	for (i = 0; i < nranges; i++)
		if ((uintptr_t)p >= ranges[i].lo && (uintptr_t)p < ranges[i].hi)
			return 1;
	return 0;
}

static int where(void)
{
	void *p[16];
	char *s = NULL;
	FILE *f;
	int n = 0, in = 0, i;

	p[n++] = malloc(16);
	p[n++] = malloc(5000);
	p[n++] = malloc(3 << 20);
	p[n++] = malloc(40 << 20);		/* more than mimalloc's segment */
	p[n++] = calloc(100, 100);
	p[n++] = realloc(malloc(10), 100000);
	p[n++] = reallocarray(NULL, 10, 1000);
	if (posix_memalign(&p[n++], 4096, 10000))
		p[n - 1] = NULL;
	p[n++] = aligned_alloc(64, 640);
	p[n++] = memalign(1 << 16, 100);
	p[n++] = valloc(100);
	p[n++] = strdup("libc's strdup");
	if (asprintf(&s, "%d", 42) < 0)
		s = NULL;
	p[n++] = s;
	f = fopen("/proc/self/stat", "r");
	if (f && fgetc(f) != EOF)
		p[n++] = f->_IO_buf_base;	/* stdio's buffer: libc's malloc */
	load_ranges();
	for (i = 0; i < n; i++)
		in += p[i] && in_space(p[i]) && malloc_usable_size(p[i]) > 0;
	printf("%d of %d blocks in /dev/vmarena\n", in, n);
	if (f)
		fclose(f);
	for (i = 0; i < n - 1; i++)
		free(p[i]);
	return 0;
}

static void sync_read(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		exit(1);
}

static void sync_write(int fd)
{
	if (write(fd, "x", 1) != 1)
		exit(1);
}

static int do_fork(void)
{
	char *buf = malloc(1 << 20), *mine;
	int p2c[2], c2p[2], st;
	pid_t pid;

	strcpy(buf, "before");
	if (pipe(p2c) || pipe(c2p))
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		strcpy(buf, "child");
		mine = malloc(4096);
		strcpy(mine, "child's block");
		sync_write(c2p[1]);
		sync_read(p2c[0]);
		load_ranges();
		printf("child sees %s and %s (%s)\n", buf, mine,
		       in_space(buf) ? "in the space" : "elsewhere");
		free(mine);
		exit(0);
	}
	sync_read(c2p[0]);
	printf("parent sees %s after the child wrote\n", buf);
	strcpy(buf, "parent");
	mine = malloc(4096);
	strcpy(mine, "parent's block");
	fflush(stdout);
	sync_write(p2c[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 1;
	printf("parent sees %s and %s\n", buf, mine);
	return 0;
}

static int rawfork(void)
{
	char *buf = malloc(100);
	int st;
	pid_t pid;

	strcpy(buf, "parent");
	fflush(stdout);
	pid = _Fork();
	if (!pid) {
		buf[0] = 'c';
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	if (WIFSIGNALED(st))
		printf("the child died of %s; the parent sees %s\n", strsignal(WTERMSIG(st)), buf);
	else
		printf("the child exited %d; the parent sees %s\n", WEXITSTATUS(st), buf);
	return 0;
}

static int all_in;

static void *worker(void *arg)
{
	uint64_t seed = (uintptr_t)arg, sum = 0;
	unsigned char *p[64] = { 0 };
	size_t len[64] = { 0 };
	int i, k;

	for (i = 0; i < 20000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		k = seed >> 58;
		if (p[k]) {
			for (size_t j = 0; j < len[k]; j += 61)
				sum += p[k][j] ^ (unsigned char)(k + j) ? 1000000 : p[k][j];
			if (nranges && !in_space(p[k]))
				__atomic_store_n(&all_in, 0, __ATOMIC_RELAXED);
			free(p[k]);
		}
		len[k] = (seed >> 20) % 20000 + 1;
		p[k] = malloc(len[k]);
		for (size_t j = 0; j < len[k]; j++)
			p[k][j] = (unsigned char)(k + j);
	}
	for (k = 0; k < 64; k++)
		free(p[k]);
	return (void *)(uintptr_t)sum;
}

static int threads(int n)
{
	pthread_t t[16];
	uint64_t total = 0;
	void *r;
	int i;

	if (n < 1 || n > 16)
		return 2;
	load_ranges();
	all_in = 1;
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1)))
			return 1;
	for (i = 0; i < n; i++) {
		pthread_join(t[i], &r);
		total += (uintptr_t)r;
	}
	printf("%d threads: checksum %llu, every block %s\n", n, (unsigned long long)total,
	       nranges ? (all_in ? "in the space" : "NOT in the space") : "(no space)");
	return 0;
}

static int fill(long mib)
{
	long nblk = mib * 16, i, j;
	uint64_t **blk = calloc(nblk, sizeof(*blk)), sum = 0;

	if (!blk)
		return 1;
	for (i = 0; i < nblk; i++) {
		blk[i] = malloc(65536);
		if (!blk[i])
			return 1;
		for (j = 0; j < 8192; j++)
			blk[i][j] = (uint64_t)i * 8192 + j;
	}
	for (i = 0; i < nblk; i++) {
		for (j = 0; j < 8192; j++)
			sum = sum * 31 + (blk[i][j] ^ ((uint64_t)i * 8192 + j)) + j;
		free(blk[i]);
	}
	printf("%ld MiB: checksum %llx\n", mib, (unsigned long long)sum);
	free(blk);
	return 0;
}

static int fds(void)
{
	char path[300], target[256];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0, spaces = 0, i, j;
	ssize_t len;

	while (dir && (d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len > 0) {
			target[len] = 0;
			n += !strcmp(target, "/dev/vmarena");
		}
	}
	if (dir)
		closedir(dir);
	load_ranges();
	for (i = 0; i < nranges; i++) {
		for (j = 0; j < i && ranges[j].inode != ranges[i].inode; j++)
			;
		spaces += j == i;
	}
	printf("%d /dev/vmarena fds, mappings of %d spaces\n", n, spaces);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "where"))
		return where();
	if (argc == 2 && !strcmp(argv[1], "fork"))
		return do_fork();
	if (argc == 2 && !strcmp(argv[1], "rawfork"))
		return rawfork();
	if (argc == 3 && !strcmp(argv[1], "threads"))
		return threads(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "fill"))
		return fill(atol(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "exec")) {
		free(malloc(1000));
		execl("/proc/self/exe", argv[0], "fds", (char *)NULL);
		return 1;
	}
	if (argc == 2 && !strcmp(argv[1], "fds"))
		return fds();
	if (argc == 2 && !strcmp(argv[1], "spawn")) {
		pid_t pid;
		int st;

		fflush(stdout);
		pid = fork();
		if (!pid) {
			execl("/proc/self/exe", argv[0], "fill", "1", (char *)NULL);
			_exit(127);
		}
		return pid < 0 || waitpid(pid, &st, 0) != pid || st;
	}
	fprintf(stderr, "usage: run_probe where|fork|rawfork|threads N|fill MIB|exec|fds|spawn\n");
	return 2;
}
