// SPDX-License-Identifier: GPL-2.0
/*
 * vmarena_run.c - `vmarena run [OPTIONS] -- CMD [ARGS...]`: CMD with its
 * heap in a vmarena space (Documentation/run.rst).
 *
 * Checks what would make the preload silently not happen (a static or
 * set-id program, a missing shim or device), sets the environment that
 * libvmarena-run.so reads (VMARENA_RUN_*), preloads it and executes CMD in
 * this process, so CMD's exit status is the command's.  Its own failures
 * exit with 125, as env(1) and timeout(1) do; 126 and 127 mean CMD could
 * not be executed or found.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "vmarena_cli.h"

#define SHIM_REL "/../lib/vmarena/libvmarena-run.so"
#define POLICY "/sys/class/misc/vmarena/policy"

static void __attribute__((format(printf, 1, 2), noreturn)) fail(const char *fmt, ...)
{
	va_list ap;

	fputs("vmarena run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(125);
}

/* A size with an optional K, M or G suffix (powers of 1024). */
static unsigned long long parse_size(const char *opt, const char *s)
{
	unsigned long long v;
	int shift;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end != s && *end && strchr("KMG", *end)) {
		shift = *end == 'K' ? 10 : *end == 'M' ? 20 : 30;
		if (v > ~0ULL >> shift)
			errno = ERANGE;
		v <<= shift;
		end++;
	}
	if (errno || end == s || *end)
		fail("%s %s: not a number of bytes", opt, s);
	return v;
}

static unsigned long long parse_count(const char *opt, const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || !v)
		fail("%s %s: not a positive number", opt, s);
	return v;
}

/* CMD as execvp(3) would find it. */
static bool find_cmd(const char *cmd, char *path, size_t len)
{
	const char *dirs = getenv("PATH"), *p, *q;

	if (strchr(cmd, '/')) {
		snprintf(path, len, "%s", cmd);
		return access(path, X_OK) == 0;
	}
	for (p = dirs ? dirs : "/bin:/usr/bin"; ; p = q + 1) {
		q = strchrnul(p, ':');
		snprintf(path, len, "%.*s/%s", q > p ? (int)(q - p) : 1, q > p ? p : ".", cmd);
		if (access(path, X_OK) == 0)
			return true;
		if (!*q)
			return false;
	}
}

/*
 * ld.so preloads nothing into a static program, nor from a path into a
 * set-id one or one with file capabilities (secure mode): refuse them.  A
 * script is judged by its interpreter.
 */
static void check_cmd(const char *cmd, int depth)
{
	char line[PATH_MAX + 3], *interp_path;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	struct stat st;
	bool interp = false;
	ssize_t n;
	int fd, i;

	fd = open(cmd, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return;		/* execvp reports it */
	if (((st.st_mode & S_ISUID) && st.st_uid != getuid()) ||
	    ((st.st_mode & S_ISGID) && st.st_gid != getgid()))
		fail("%s is set-user or set-group-ID: %s", cmd,
		     "the loader would not preload the heap's allocator");
	if (fgetxattr(fd, "security.capability", NULL, 0) >= 0)
		fail("%s has file capabilities: %s", cmd,
		     "the loader would not preload the heap's allocator");
	n = pread(fd, line, sizeof(line) - 1, 0);
	if (n > 2 && !memcmp(line, "#!", 2) && depth < 4) {
		/* A script: what counts is its interpreter. */
		line[n] = 0;
		interp_path = line + 2 + strspn(line + 2, " \t");
		interp_path[strcspn(interp_path, " \t\n")] = 0;
		close(fd);
		check_cmd(interp_path, depth + 1);
		return;
	}
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG))
		goto out;	/* not ELF: execvp reports it */
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		fail("%s is not a 64-bit program", cmd);
	for (i = 0; i < eh.e_phnum; i++) {
		off_t at = eh.e_phoff + (off_t)i * eh.e_phentsize;

		if (pread(fd, &ph, sizeof(ph), at) != sizeof(ph))
			break;
		interp |= ph.p_type == PT_INTERP;
	}
	if (!interp)
		fail("%s is statically linked: its malloc cannot be replaced", cmd);
out:
	close(fd);
}

/* The shim: $VMARENA_RUN_SHIM, else ../lib/vmarena/ beside this program. */
static const char *shim_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("VMARENA_RUN_SHIM");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s", env);
	} else {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n < 0)
			fail("/proc/self/exe: %s", strerror(errno));
		self[n] = 0;
		snprintf(path, sizeof(path), "%s" SHIM_REL, dirname(self));
	}
	if (access(path, R_OK))
		fail("the heap's allocator %s: %s", path, strerror(errno));
	return path;
}

static void set_policy(const char *name)
{
	int fd = open(POLICY, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, name, strlen(name)) < 0)
		fail("--policy %s: %s: %s (the policy is the whole arena's: root sets it)",
		     name, POLICY, strerror(errno));
	close(fd);
}

static void setenv_num(const char *name, unsigned long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%llu", v);
	setenv(name, s, 1);
}

static void preload(const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	char *v;

	if (asprintf(&v, "%s%s%s", shim, old && *old ? ":" : "", old ? old : "") < 0)
		fail("out of memory");
	setenv("LD_PRELOAD", v, 1);
	free(v);
}

int cmd_run(int argc, char **argv)
{
	unsigned long long heap = 16ULL << 30;
	const char *policy = NULL;
	char path[PATH_MAX];
	int i, fd, err;

	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		const char *opt = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(opt, "--stats")) {
			setenv("VMARENA_RUN_STATS", "1", 1);
			continue;
		}
		if (!arg || !strcmp(arg, "--"))
			usage();
		i++;
		if (!strcmp(opt, "--resident"))
			setenv_num("VMARENA_RUN_RESIDENT", parse_count(opt, arg));
		else if (!strcmp(opt, "--max-pages"))
			setenv_num("VMARENA_RUN_MAX_PAGES", parse_count(opt, arg));
		else if (!strcmp(opt, "--heap"))
			heap = parse_size(opt, arg);
		else if (!strcmp(opt, "--policy"))
			policy = arg;
		else if (!strcmp(opt, "--export"))
			setenv("VMARENA_RUN_EXPORT", arg, 1);
		else
			usage();
	}
	if (i + 1 >= argc)
		usage();
	if (!heap || heap % (32ULL << 20) || heap > (1ULL << 46))
		fail("--heap: a multiple of 32M, at most 64T");
	setenv_num("VMARENA_RUN_HEAP", heap);
	fd = vmarena_open(O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fail("/dev/vmarena: %s", strerror(-fd));
	close(fd);
	preload(shim_path());
	argv += i + 1;
	if (find_cmd(argv[0], path, sizeof(path)))
		check_cmd(path, 0);
	if (policy)
		set_policy(policy);
	setenv_num("VMARENA_RUN_PID", getpid());
	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "vmarena run: %s: %s\n", argv[0], strerror(err));
	return err == ENOENT ? 127 : 126;
}
