// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_kernel.c - a system-call fuzzer of the whole surface of /dev/vmarena.
 *
 *   fuzz_kernel [--seed S] [--calls N] [--seconds T] [--threads K]
 *               [--log FILE] [--replay FILE [--minimize]] [--hang S]
 *               [--no-drop] [--no-oracle] [--keep-going] [--skip-known]
 *               [--verbose]
 *
 * Modelled on syzkaller's descriptions (the sys/linux directory of
 * google/syzkaller): every call of the ABI is a name and typed arguments,
 * and resources flow from one call into the next.  open() and CLONE give
 * fds (slots), CHECKPOINT gives generations that RESTORE, REWIND,
 * CKPT_DROP, GET_DIRTY and EXPORT take, EXPORT fills stream slots that IMPORT reads
 * back (as they are, or with bits flipped, truncated, spliced, fields
 * overwritten, with or without a recomputed checksum), and mmap gives
 * mappings that touches, munmap, mremap, mprotect and madvise work on.
 * Each call gets valid, boundary (0, 1, max, 2^36 pages, off by one) or
 * random field values, reserved fields set now and then, and bad pointers:
 * NULL, (void *)8, unmapped, read-only, straddling an unmapped page, a
 * kernel address, or a vmarena mapping.  Unknown commands and wrong sizes
 * must give -ENOTTY or -EINVAL.  Reads and writes of mapped memory run
 * under sigsetjmp: SIGBUS and SIGSEGV are counted, they are allowed.
 *
 * Started as root, it opens /dev/vmarena to group 4242 (mode 0660), forks
 * a helper that stays root and writes the sysfs attributes when asked
 * (policy, watermark_low, watermark_high, swap_dev, user_max_pages,
 * user_max_pinned: valid and garbage values), then drops to uid/gid 65534
 * with the group 4242 and fuzzes.
 *
 * Single-thread mode (the default) is deterministic for a seed: the
 * sequence of calls depends only on the seed and the results.  It keeps a
 * shadow of the first SHADOW_PAGES pages of every space (written through
 * pwrite and the mappings, zeroed by DISCARD, copied by CLONE, saved by
 * CHECKPOINT and put back by RESTORE and REWIND, forgotten by IMPORT and
 * fork) and
 * checks every read against it.  With --threads K, K threads run calls
 * and close fds under each other; no determinism, no data oracle.
 *
 * A finding (data mismatch, an errno that means "bad argument" from a
 * valid call, a reserved field accepted, a crash of the fuzzer or of a
 * forked child, a call that hangs) prints the seed and the last calls.
 * --log FILE writes every call before it runs, one line each
 * ("name a0 .. a7" in hex); --replay FILE runs such a file, --minimize
 * removes calls while the finding persists and writes FILE.min.  Kernel
 * reports (oops, WARNING, KASAN) are caught by tools/vm/run.
 *
 * Output is TAP: "1..1" then "ok 1 - fuzz seed S: N calls, no finding".
 * Exit status 0 when nothing was found.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmarena.h>

#define DEV		"/dev/vmarena"
#define SYSFS		"/sys/class/misc/vmarena/"
#define FUZZ_GID	4242
#define NOBODY		65534
#define PAGE		4096ULL
#define LIMIT		(1ULL << VMARENA_OFFSET_BITS)
#define NFD		16		/* fd slots */
#define NMAP		16		/* mapping windows */
#define WIN		(4ULL << 20)	/* bytes per window */
#define NSTREAM		4		/* stream slots */
#define NGEN		8		/* generations remembered per slot */
#define SHADOW_PAGES	8		/* pages of each space the oracle checks */
#define BUFMAX		(8UL << 20)	/* per-thread buffer */
#define TMPMAX		(4 * PAGE)	/* touches */
#define NARG		8
#define RING		64		/* calls shown with a finding */
#define LINE		200
#define MAXTHREADS	16
#define ERRMAX		134
#define SYSVAL		320
#define KERNEL_PTR	0xffff888000000000ULL
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum op {
	OP_OPEN, OP_CLOSE, OP_CLONE, OP_INFO, OP_STATS, OP_SET_LIMIT,
	OP_DISCARD, OP_TRANSLATE, OP_PIN, OP_UNPIN, OP_CHECKPOINT, OP_RESTORE,
	OP_CKPT_DROP, OP_CKPT_LIST, OP_GET_DIRTY, OP_EXPORT, OP_IMPORT,
	OP_BAD_IOCTL, OP_MMAP, OP_MUNMAP, OP_MREMAP, OP_MPROTECT, OP_MADVISE,
	OP_TOUCH, OP_PREAD, OP_PWRITE, OP_FORK, OP_SYSFS, OP_VERIFY, OP_REWIND,
	NR_OPS
};

/* Name in the log, and weight in the random choice. */
static const struct {
	const char *name;
	unsigned int weight;
} ops[NR_OPS] = {
	[OP_OPEN] = { "open", 25 },
	[OP_CLOSE] = { "close", 12 },
	[OP_CLONE] = { "clone", 20 },
	[OP_INFO] = { "info", 8 },
	[OP_STATS] = { "stats", 12 },
	[OP_SET_LIMIT] = { "set_limit", 22 },
	[OP_DISCARD] = { "discard", 30 },
	[OP_TRANSLATE] = { "translate", 20 },
	[OP_PIN] = { "pin", 25 },
	[OP_UNPIN] = { "unpin", 18 },
	[OP_CHECKPOINT] = { "checkpoint", 40 },
	[OP_RESTORE] = { "restore", 35 },
	[OP_CKPT_DROP] = { "ckpt_drop", 20 },
	[OP_CKPT_LIST] = { "ckpt_list", 10 },
	[OP_GET_DIRTY] = { "get_dirty", 25 },
	[OP_EXPORT] = { "export", 35 },
	[OP_IMPORT] = { "import", 35 },
	[OP_BAD_IOCTL] = { "bad_ioctl", 15 },
	[OP_MMAP] = { "mmap", 45 },
	[OP_MUNMAP] = { "munmap", 18 },
	[OP_MREMAP] = { "mremap", 15 },
	[OP_MPROTECT] = { "mprotect", 10 },
	[OP_MADVISE] = { "madvise", 10 },
	[OP_TOUCH] = { "touch", 120 },
	[OP_PREAD] = { "pread", 45 },
	[OP_PWRITE] = { "pwrite", 90 },
	[OP_FORK] = { "fork", 3 },
	[OP_SYSFS] = { "sysfs", 6 },
	[OP_VERIFY] = { "verify", 20 },
	[OP_REWIND] = { "rewind", 35 },
};

/* One call: what the log holds, all a replay needs. */
struct call {
	int op;
	uint64_t a[NARG];
};

/* Pointer kinds (low 4 bits of a pointer argument). */
enum ptr_kind {
	P_VALID, P_NULL, P_LOW, P_NONE, P_RO, P_KERNEL, P_MAP, P_STRADDLE,
	NR_PTR
};

/* fd kinds (bits 8..15 of an fd argument). */
enum fd_kind { F_SLOT, F_MINUS1, F_DEVNULL, F_MEMFD, F_HUGE, F_EVENTFD, NR_FDK };

/* An fd of a space; serial names the space for the mappings and shadow. */
struct slot {
	int fd;
	int mode;
	uint64_t serial;
	int ngen;
	uint64_t gen[NGEN];
};

/* A mapping window: at most one vmarena mapping, at start..start+len. */
struct maprec {
	bool used;
	bool priv;
	bool tainted;	/* mprotect'ed or remapped in part: no oracle */
	int prot;
	int slot;
	uint64_t serial;
	uint64_t off;	/* file offset of start */
	uint64_t start;
	uint64_t len;
};

/* What the oracle knows of the first SHADOW_PAGES pages of a space. */
struct shadow {
	bool known[SHADOW_PAGES];
	unsigned char data[SHADOW_PAGES][PAGE];
};

/*
 * Shared with the watchdog process: progress and the last calls of each
 * thread.  A process with a thread stuck in the kernel may not even be
 * able to take a page fault (mmap_lock), so the watchdog is another
 * process.
 */
struct shared {
	uint64_t calls;
	int done;
	int nctx;
	unsigned long nring[MAXTHREADS];
	char ring[MAXTHREADS][RING][LINE];
};

struct ctx {
	uint64_t rng;
	int id;
	bool child;	/* a forked child: no lock, log or oracle */
	bool oracle;
	bool finding;
	char *buf;
	char *tmp;
	int scratch;	/* memfd: the source of IMPORTs */
	sigjmp_buf jb;
	char (*ring)[LINE];
	unsigned long nring;
	int prev[2];
	pthread_t thread;
};

struct sysreq {
	uint32_t attr;
	uint32_t len;
	char val[SYSVAL];
};

static struct {
	uint64_t seed;
	uint64_t max_calls;
	double seconds;
	double hang;
	int threads;
	bool oracle;
	bool drop;
	bool keep_going;
	bool skip_known;
	bool verbose;
	bool replaying;
	int watch_slot;
	uint64_t watch_off;
	const char *log_path;
	const char *replay_path;
	bool minimize;
	int log_fd;
	char *region;
	char *guard;
	char *ro_page;
	char *straddle;
	int devnull;
	int efd;
	int stream_fd[NSTREAM];
	uint64_t stream_len[NSTREAM];
	int sys_req;
	int sys_resp;
	const char *swap_dev;
	struct slot slots[NFD];
	struct maprec maps[NMAP];
	uint64_t serial;
	pthread_mutex_t lock;
	pthread_mutex_t log_lock;
	struct ctx *ctxs[MAXTHREADS];
	struct shared *sh;
	FILE *min_file;
	int nctx;
	double t0;
	/* Statistics, added to atomically. */
	uint64_t calls;
	uint64_t findings;
	uint64_t sigbus;
	uint64_t sigsegv;
	uint64_t forks;
	uint64_t per_op[NR_OPS];
	uint64_t hist[NR_OPS][ERRMAX];
	uint64_t triples[(NR_OPS * NR_OPS * NR_OPS + 63) / 64];
	bool stop;
} g = { .seed = 1, .max_calls = 100000, .seconds = 60, .hang = 60,
	.threads = 1, .oracle = true, .watch_slot = -1, .drop = true, .log_fd = -1,
	.devnull = -1, .efd = -1, .sys_req = -1, .sys_resp = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.log_lock = PTHREAD_MUTEX_INITIALIZER };

static struct shadow shadow[NFD];
static struct shadow gshadow[NFD][NGEN];

static __thread sigjmp_buf *tl_jb;
static __thread volatile sig_atomic_t tl_armed;
static __thread struct ctx *tl_ctx;

static const uint64_t interesting[] = {
	0, 1, 2, 7, 8, 63, 64, 511, 512, 513, 4095, 4096, 4097, 65535, 65536,
	65537, 1ULL << 20, (1ULL << 22) - 1, 1ULL << 22, (1ULL << 22) + 1,
	0x7fffffff, 0x80000000, 0xffffffff, 1ULL << 32, (1ULL << 36) - 1,
	1ULL << 36, (1ULL << 36) + 1, LIMIT - PAGE, LIMIT - 1, LIMIT,
	LIMIT + PAGE, 1ULL << 63, ~0ULL, ~0ULL - 4095, ~0ULL << 12,
};

#define NR_INTERESTING ARRAY_SIZE(interesting)

/* ---- small helpers ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct ctx *cx)
{
	return splitmix64(&cx->rng);
}

static uint64_t rn(struct ctx *cx, uint64_t n)
{
	return n ? rnd(cx) % n : 0;
}

static bool chance(struct ctx *cx, unsigned int pct)
{
	return rn(cx, 100) < pct;
}

static uint64_t pick_interesting(struct ctx *cx)
{
	return interesting[rn(cx, NR_INTERESTING)];
}

static void lock(struct ctx *cx)
{
	if (g.threads > 1 && !cx->child)
		pthread_mutex_lock(&g.lock);
}

static void unlock(struct ctx *cx)
{
	if (g.threads > 1 && !cx->child)
		pthread_mutex_unlock(&g.lock);
}

static void add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static long xioctl(int fd, unsigned long cmd, void *arg)
{
	long r = ioctl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

/* Fills @n bytes with a pattern named by @seed. */
static void fill(void *p, size_t n, uint64_t seed)
{
	unsigned char *b = p;
	uint64_t x = seed, w = 0;
	size_t i;

	if (seed % 4 == 0) {
		memset(p, (int)(seed >> 8) & 0xff, n);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			w = splitmix64(&x);
		b[i] = w >> (i % 8 * 8);
	}
}

static const char *errname(long res)
{
	static char other[32];
	const char *n;

	if (res >= 0)
		return "ok";
	n = strerrorname_np((int)-res);
	if (n)
		return n;
	snprintf(other, sizeof(other), "errno%ld", -res);
	return other;
}

/* ---- the log and findings ---- */

static void format_call(const struct call *c, char *line, size_t size)
{
	snprintf(line, size,
		 "%s %lx %lx %lx %lx %lx %lx %lx %lx\n",
		 ops[c->op].name, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4],
		 c->a[5], c->a[6], c->a[7]);
}

static void log_call(struct ctx *cx, const struct call *c)
{
	char *line = cx->ring[cx->nring % RING];

	if (cx->child)
		return;
	format_call(c, line, LINE);
	g.sh->nring[cx->id] = ++cx->nring;
	if (g.log_fd < 0)
		return;
	pthread_mutex_lock(&g.log_lock);
	if (write(g.log_fd, line, strlen(line)) < 0)
		g.log_fd = -1;
	pthread_mutex_unlock(&g.log_lock);
}

/* The last calls of thread @id, with write(2) only: also used by the crash handler. */
static void dump_ring(int id, char (*ring)[LINE], unsigned long nring)
{
	unsigned long i = nring > RING ? nring - RING : 0;
	char head[64];
	int n;

	n = snprintf(head, sizeof(head), "# last calls of thread %d:\n", id);
	if (write(2, head, n) < 0)
		return;
	for (; i < nring; i++) {
		const char *l = ring[i % RING];

		if (write(2, "#   ", 4) < 0 || write(2, l, strlen(l)) < 0)
			return;
	}
}

static void report(struct ctx *cx, const char *msg)
{
	if (cx->child)
		return;
	cx->finding = true;
	add(&g.findings, 1);
	pthread_mutex_lock(&g.log_lock);
	fprintf(stderr, "# FINDING (seed %lu, thread %d, call %lu): ",
		g.seed, cx->id, cx->nring);
	fprintf(stderr, "%s\n", msg);
	fflush(stderr);
	dump_ring(cx->id, cx->ring, cx->nring);
	if (g.log_path)
		fprintf(stderr, "# the whole sequence: %s (--replay it)\n", g.log_path);
	if (g.log_fd >= 0) {
		char note[64];
		int n = snprintf(note, sizeof(note), "# finding after this call\n");

		if (write(g.log_fd, note, n) < 0)
			g.log_fd = -1;
	}
	pthread_mutex_unlock(&g.log_lock);
}

/* A finding: the message (printf-like, checked as such), the seed, the last calls. */
#define finding(cx, ...) do {						\
	char msg_[512];							\
									\
	snprintf(msg_, sizeof(msg_), __VA_ARGS__);			\
	report(cx, msg_);						\
} while (0)

/*
 * A call whose fields are all in their documented domains and whose
 * pointers are all good must not fail with an errno that means a bad
 * argument.  Checked in single-thread mode only (with threads, an fd may
 * be closed and reused under the call).
 */
static void check_valid(struct ctx *cx, const struct call *c, bool valid,
			long res, bool einval_ok)
{
	if (!valid || res >= 0 || cx->child || g.threads > 1)
		return;
	if (res == -EFAULT || res == -ENOTTY || (res == -EINVAL && !einval_ok))
		finding(cx, "%s: a valid call failed with %s", ops[c->op].name,
			errname(res));
}

/* A call with a bad field must fail. */
static void check_refused(struct ctx *cx, const struct call *c, bool bad,
			  long res)
{
	if (!bad || res < 0 || cx->child || g.threads > 1)
		return;
	finding(cx, "%s: a call with a bad field or reserved bits succeeded (%ld)",
		ops[c->op].name, res);
}

/* ---- signals ---- */

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	void *bt[32];
	struct ctx *cx = tl_ctx;
	char msg[128];
	int n, i;

	if (tl_armed) {
		tl_armed = 0;
		siglongjmp(*tl_jb, sig);
	}
	(void)uc;
	n = snprintf(msg, sizeof(msg),
		     "# FINDING: the fuzzer crashed with signal %d at %p (seed %lu)\n",
		     sig, si->si_addr, g.seed);
	if (write(2, msg, n) < 0)
		_exit(2);
	backtrace_symbols_fd(bt, backtrace(bt, 32), 2);
	if (cx) {
		dump_ring(cx->id, cx->ring, cx->nring);
	} else {
		for (i = 0; i < g.nctx; i++)
			dump_ring(i, g.ctxs[i]->ring, g.ctxs[i]->nring);
	}
	n = snprintf(msg, sizeof(msg), "not ok 1 - fuzz seed %lu: crashed\n",
		     g.seed);
	if (write(1, msg, n) < 0)
		_exit(2);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Copies @n bytes; returns 0, or the signal the copy raised. */
static int guarded_copy(struct ctx *cx, void *dst, const void *src, size_t n)
{
	int sig = sigsetjmp(cx->jb, 1);

	if (sig) {
		tl_armed = 0;
		if (sig == SIGBUS)
			add(&g.sigbus, 1);
		else
			add(&g.sigsegv, 1);
		return sig;
	}
	tl_jb = &cx->jb;
	tl_armed = 1;
	memcpy(dst, src, n);
	tl_armed = 0;
	return 0;
}

/* ---- the shadow (single-thread mode only) ---- */

static bool oracle_on(struct ctx *cx)
{
	return cx->oracle && !cx->child && g.threads == 1;
}

static void shadow_forget_all(struct ctx *cx)
{
	if (!oracle_on(cx))
		return;
	memset(shadow, 0, sizeof(shadow));
	memset(gshadow, 0, sizeof(gshadow));
}

static void shadow_zero_space(int s)
{
	int p;

	for (p = 0; p < SHADOW_PAGES; p++) {
		shadow[s].known[p] = true;
		memset(shadow[s].data[p], 0, PAGE);
	}
}

/* A call with a bad struct pointer may have done anything to slot @s. */
static void shadow_forget_slot(struct ctx *cx, int s)
{
	if (!oracle_on(cx) || s < 0)
		return;
	memset(&shadow[s], 0, sizeof(shadow[s]));
	memset(gshadow[s], 0, sizeof(gshadow[s]));
}

/* Bytes [@off, @off + @n) of slot @s: set to @data, unknown (NULL, !zero) or zero. */
static void shadow_update(struct ctx *cx, int s, uint64_t off, uint64_t n,
			  const unsigned char *data, bool zero)
{
	uint64_t end = off + n, o;

	if (!oracle_on(cx) || off >= SHADOW_PAGES * PAGE || end < off)
		return;
	if (end > SHADOW_PAGES * PAGE)
		end = SHADOW_PAGES * PAGE;
	for (o = off; o < end; ) {
		uint64_t p = o / PAGE, in = o % PAGE;
		uint64_t k = PAGE - in < end - o ? PAGE - in : end - o;

		if (data)
			memcpy(&shadow[s].data[p][in], data + (o - off), k);
		else if (zero)
			memset(&shadow[s].data[p][in], 0, k);
		else
			shadow[s].known[p] = false;
		o += k;
	}
}

/* Compares what was read from slot @s at @off with the shadow. */
static void shadow_check(struct ctx *cx, int s, uint64_t off, uint64_t n,
			 const unsigned char *got, const char *how)
{
	uint64_t end = off + n, o;

	if (!oracle_on(cx) || off >= SHADOW_PAGES * PAGE || end < off)
		return;
	if (end > SHADOW_PAGES * PAGE)
		end = SHADOW_PAGES * PAGE;
	for (o = off; o < end; o++) {
		uint64_t p = o / PAGE, in = o % PAGE;
		unsigned char want = shadow[s].data[p][in];

		if (!shadow[s].known[p] || got[o - off] == want)
			continue;
		finding(cx, "data mismatch (%s): slot %d space %lu byte %#lx: read %#x, want %#x",
			how, s, g.slots[s].serial, o, got[o - off], want);
		shadow[s].known[p] = false;
		return;
	}
}

/* ---- resources ---- */

static int live_slot(struct ctx *cx)
{
	int i, s = rn(cx, NFD);

	for (i = 0; i < NFD; i++)
		if (g.slots[(s + i) % NFD].fd >= 0)
			return (s + i) % NFD;
	return s;
}

static int free_slot(struct ctx *cx)
{
	int i, s = rn(cx, NFD);

	for (i = 0; i < NFD; i++)
		if (g.slots[(s + i) % NFD].fd < 0)
			return (s + i) % NFD;
	return s;
}

static int nr_live(void)
{
	int i, n = 0;

	for (i = 0; i < NFD; i++)
		n += g.slots[i].fd >= 0;
	return n;
}

/* The fd an argument names; *@slot is the slot, or -1 for another fd. */
static int fd_of(struct ctx *cx, uint64_t a, int *slot)
{
	int s = (a & 0xff) % NFD, fd;

	*slot = -1;
	switch ((a >> 8 & 0xff) % NR_FDK) {
	case F_MINUS1:
		return -1;
	case F_DEVNULL:
		return g.devnull;
	case F_MEMFD:
		return g.stream_fd[s % NSTREAM];
	case F_HUGE:
		return 1 << 20;
	case F_EVENTFD:
		return g.efd;
	default:
		lock(cx);
		fd = g.slots[s].fd;
		unlock(cx);
		if (fd >= 0)
			*slot = s;
		return fd;
	}
}

static uint64_t fd_arg(struct ctx *cx, int slot)
{
	if (chance(cx, 96))
		return slot;
	return slot | (1 + rn(cx, NR_FDK - 1)) << 8;
}

/* Remembers generation @gen of slot @s, with a copy of the shadow. */
static void gen_add(struct ctx *cx, int s, uint64_t gen)
{
	struct slot *sl = &g.slots[s];
	int i;

	lock(cx);
	if (sl->ngen == NGEN) {
		memmove(sl->gen, sl->gen + 1, (NGEN - 1) * sizeof(sl->gen[0]));
		if (oracle_on(cx))
			memmove(gshadow[s], gshadow[s] + 1,
				(NGEN - 1) * sizeof(gshadow[s][0]));
		sl->ngen--;
	}
	i = sl->ngen++;
	sl->gen[i] = gen;
	unlock(cx);
	if (oracle_on(cx))
		gshadow[s][i] = shadow[s];
}

static int gen_index(int s, uint64_t gen)
{
	int i;

	for (i = 0; i < g.slots[s].ngen; i++)
		if (g.slots[s].gen[i] == gen)
			return i;
	return -1;
}

static void gen_del(struct ctx *cx, int s, uint64_t gen)
{
	struct slot *sl = &g.slots[s];
	int i;

	lock(cx);
	i = gen_index(s, gen);
	if (i >= 0) {
		memmove(sl->gen + i, sl->gen + i + 1,
			(sl->ngen - i - 1) * sizeof(sl->gen[0]));
		if (oracle_on(cx))
			memmove(gshadow[s] + i, gshadow[s] + i + 1,
				(sl->ngen - i - 1) * sizeof(gshadow[s][0]));
		sl->ngen--;
	}
	unlock(cx);
}

/* A generation of slot @s to use: a known one mostly, else a boundary. */
static uint64_t gen_pick(struct ctx *cx, int s)
{
	uint64_t gen = 0;
	int n;

	lock(cx);
	n = g.slots[s].ngen;
	if (n && chance(cx, 85))
		gen = g.slots[s].gen[rn(cx, n)];
	unlock(cx);
	if (gen)
		return gen;
	switch (rn(cx, 5)) {
	case 0:
		return 1 + rn(cx, 8);
	case 1:
		return 1 + rn(cx, 70);
	case 2:
		return 0;
	default:
		return pick_interesting(cx);
	}
}

/* Sets slot @s to a new space on @fd (opened or cloned). */
static void slot_set(struct ctx *cx, int s, int fd, int mode)
{
	int old;

	lock(cx);
	old = g.slots[s].fd;
	g.slots[s].fd = fd;
	g.slots[s].mode = mode;
	g.slots[s].serial = ++g.serial;
	g.slots[s].ngen = 0;
	unlock(cx);
	if (old >= 0)
		close(old);
}

static char *window(int w)
{
	return g.region + (uint64_t)w * WIN;
}

/* Puts anonymous PROT_NONE memory over part of a window: nothing else lives there. */
static void cover(int w, uint64_t off, uint64_t len)
{
	if (off >= WIN)
		return;
	if (len > WIN - off)
		len = WIN - off;
	len = (len + PAGE - 1) & ~(PAGE - 1);
	if (!len)
		return;
	if (mmap(window(w) + off, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED) {
		perror("# fuzz_kernel: cannot cover a window");
		abort();
	}
}

/* A pointer of kind @d (P_*) for an argument of @size bytes whose good value is @good. */
static void *ptr_of(uint64_t d, void *good, size_t size)
{
	char *p;

	switch (d % 16 % NR_PTR) {
	case P_NULL:
		return NULL;
	case P_LOW:
		return (void *)8;
	case P_NONE:
		return g.guard + (d >> 8) % PAGE;
	case P_RO:
		return g.ro_page;
	case P_KERNEL:
		return (void *)KERNEL_PTR;
	case P_MAP:
		return window((d >> 4) % NMAP) + (d >> 8) % WIN;
	case P_STRADDLE:
		/* The first half readable (a copy of the good value), the rest not. */
		if (size > PAGE)
			size = PAGE;
		p = g.straddle + PAGE - (size + 1) / 2;
		if (good)
			memcpy(p, good, (size + 1) / 2);
		return p;
	default:
		return good;
	}
}

static bool ptr_good(uint64_t d)
{
	return d % 16 % NR_PTR == P_VALID;
}

static uint64_t ptr_arg(struct ctx *cx)
{
	if (chance(cx, 93))
		return P_VALID;
	return 1 + rn(cx, NR_PTR - 1) + (rnd(cx) << 4 & ~0xfULL);
}

/* A reserved-field mutation: 0 mostly, else (index << 56 | a non-zero value). */
static uint64_t res_arg(struct ctx *cx)
{
	if (chance(cx, 95))
		return 0;
	return rn(cx, 8) << 56 | (chance(cx, 50) ? 1 : rnd(cx) >> 8 | 1);
}

/* Applies a reserved-field mutation to @n u64 reserved words; true if it did. */
static bool set_reserved(uint64_t a, __u64 *words, int n)
{
	if (!a)
		return false;
	words[(a >> 56) % n] = a & ((1ULL << 56) - 1);
	return true;
}

static bool range_ok(uint64_t off, uint64_t len)
{
	return off % PAGE == 0 && len && len % PAGE == 0 && off + len > off &&
	       off + len <= LIMIT;
}

/* A page-aligned range, mostly small and near page 0, sometimes at the edges. */
static void gen_range(struct ctx *cx, uint64_t *off, uint64_t *len)
{
	uint64_t k;

	switch (rn(cx, 20)) {
	case 0:
		k = 1 + rn(cx, 4);
		*off = LIMIT - k * PAGE + (chance(cx, 50) ? PAGE * rn(cx, 2) : 0);
		*len = k * PAGE;
		return;
	case 1:
		*off = 0;
		*len = chance(cx, 50) ? LIMIT : LIMIT + PAGE;
		return;
	case 2:
		*off = pick_interesting(cx);
		*len = pick_interesting(cx);
		return;
	case 3:
		*off = rn(cx, 64) * PAGE + rn(cx, 3);
		*len = (1 + rn(cx, 8)) * PAGE - rn(cx, 2);
		return;
	default:
		*off = rn(cx, 24) * PAGE;
		*len = (1 + (chance(cx, 80) ? rn(cx, 8) : rn(cx, 600))) * PAGE;
	}
}

/* ---- the calls ---- */

static long do_open(struct ctx *cx, const struct call *c)
{
	static const int modes[] = { O_RDWR, O_RDWR, O_RDWR, O_RDWR, O_RDWR,
				     O_RDONLY, O_WRONLY, O_RDWR | O_NONBLOCK };
	int s = c->a[0] % NFD, mode = modes[c->a[1] % 8];
	int fd = open(DEV, mode | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	slot_set(cx, s, fd, mode & O_ACCMODE);
	if (oracle_on(cx))
		shadow_zero_space(s);
	return 0;
}

static long do_close(struct ctx *cx, const struct call *c)
{
	int s = c->a[0] % NFD, fd;

	lock(cx);
	fd = g.slots[s].fd;
	g.slots[s].fd = -1;
	g.slots[s].ngen = 0;
	unlock(cx);
	if (fd < 0)
		return -EBADF;
	return close(fd) ? -errno : 0;
}

static long do_info(struct ctx *cx, const struct call *c)
{
	struct vmarena_info in = { 0 };
	int s, fd = fd_of(cx, c->a[0], &s);
	long res = xioctl(fd, VMARENA_IOC_INFO, ptr_of(c->a[1], &in, sizeof(in)));

	check_valid(cx, c, s >= 0 && ptr_good(c->a[1]), res, false);
	if (res == 0 && ptr_good(c->a[1]) && s >= 0 && g.threads == 1 &&
	    (in.abi_version != VMARENA_ABI_VERSION || in.page_size != PAGE ||
	     in.free_frames > in.arena_frames))
		finding(cx, "INFO answered abi %u page %u free %llu of %llu", in.abi_version,
			in.page_size, in.free_frames, in.arena_frames);
	return res;
}

static long do_stats(struct ctx *cx, const struct call *c)
{
	struct vmarena_stats st = {
		.which = c->a[2], .count = c->a[3],
		.values = (uintptr_t)ptr_of(c->a[4], cx->buf, (c->a[3] & 0xffffffff) * 8),
	};
	bool res_set = set_reserved(c->a[7], st.reserved, 2);
	int s, fd = fd_of(cx, c->a[0], &s);
	bool fields = st.which <= VMARENA_STATS_SPACE;
	long res;

	res = xioctl(fd, VMARENA_IOC_STATS, ptr_of(c->a[1], &st, sizeof(st)));
	check_valid(cx, c, s >= 0 && fields && !res_set && ptr_good(c->a[1]) &&
		    (ptr_good(c->a[4]) || !st.count), res, false);
	check_refused(cx, c, s >= 0 && ptr_good(c->a[1]) && (res_set || !fields), res);
	return res;
}

static long do_set_limit(struct ctx *cx, const struct call *c)
{
	struct vmarena_limit l = { .max_pages = c->a[2], .max_resident = c->a[3] };
	bool res_set = set_reserved(c->a[7], l.reserved, 2);
	int s, fd = fd_of(cx, c->a[0], &s);
	long res = xioctl(fd, VMARENA_IOC_SET_LIMIT, ptr_of(c->a[1], &l, sizeof(l)));

	check_valid(cx, c, s >= 0 && !res_set && ptr_good(c->a[1]), res, false);
	check_refused(cx, c, s >= 0 && ptr_good(c->a[1]) && res_set, res);
	return res;
}

static long do_range(struct ctx *cx, const struct call *c, unsigned long cmd)
{
	struct vmarena_range r = { .offset = c->a[2], .length = c->a[3] };
	bool res_set = set_reserved(c->a[7], r.reserved, 2);
	int s, fd = fd_of(cx, c->a[0], &s);
	bool ok = range_ok(r.offset, r.length);
	long res = xioctl(fd, cmd, ptr_of(c->a[1], &r, sizeof(r)));

	check_valid(cx, c, s >= 0 && ok && !res_set && ptr_good(c->a[1]), res, false);
	check_refused(cx, c, s >= 0 && ptr_good(c->a[1]) && (res_set || !ok), res);
	/* DISCARD: zeros on success, unchanged on failure. */
	if (cmd == VMARENA_IOC_DISCARD && s >= 0 && ptr_good(c->a[1]) && res == 0)
		shadow_update(cx, s, r.offset, r.length, NULL, true);
	else if (!ptr_good(c->a[1]) && res == 0)
		shadow_forget_slot(cx, s);
	return res;
}

static long do_translate(struct ctx *cx, const struct call *c)
{
	struct vmarena_translate t = {
		.offset = c->a[2], .pages = c->a[3],
		.entries = (uintptr_t)ptr_of(c->a[4], cx->buf,
					     (c->a[3] & 0xffff) * sizeof(struct vmarena_pte_info)),
	};
	bool res_set = set_reserved(c->a[7], t.reserved, 2);
	int s, fd = fd_of(cx, c->a[0], &s);
	bool ok = t.offset % PAGE == 0 && t.pages && t.pages <= VMARENA_TRANSLATE_MAX &&
		  t.offset < LIMIT && t.pages <= (LIMIT - t.offset) / PAGE;
	long res = xioctl(fd, VMARENA_IOC_TRANSLATE, ptr_of(c->a[1], &t, sizeof(t)));

	check_valid(cx, c, s >= 0 && ok && !res_set && ptr_good(c->a[1]) &&
		    ptr_good(c->a[4]), res, false);
	check_refused(cx, c, s >= 0 && ptr_good(c->a[1]) && (res_set || !ok), res);
	if (ptr_good(c->a[4]) || c->a[4] % 16 % NR_PTR != P_MAP)
		return res;
	/* The answer may have gone into a mapping of some space. */
	shadow_forget_all(cx);
	return res;
}

static long do_clone(struct ctx *cx, const struct call *c)
{
	struct vmarena_clone cl = { .flags = c->a[2] };
	bool res_set = set_reserved(c->a[7], cl.reserved, 2);
	int s, fd = fd_of(cx, c->a[0], &s), to = c->a[3] % NFD, mode = O_RDWR;
	bool ok = cl.flags <= VMARENA_CLONE_CLOEXEC;
	long res = xioctl(fd, VMARENA_IOC_CLONE, ptr_of(c->a[1], &cl, sizeof(cl)));

	check_valid(cx, c, s >= 0 && ok && !res_set && ptr_good(c->a[1]), res, false);
	check_refused(cx, c, s >= 0 && ptr_good(c->a[1]) && (res_set || !ok), res);
	if (res < 0)
		return res;
	if (ptr_good(c->a[1]) && cl.fd != res && g.threads == 1)
		finding(cx, "CLONE returned fd %ld but wrote %d", res, cl.fd);
	if (s >= 0)
		mode = g.slots[s].mode;
	if (!(cl.flags & VMARENA_CLONE_CLOEXEC))
		fcntl((int)res, F_SETFD, FD_CLOEXEC);
	if (to == s) {
		close((int)res);
		return res;
	}
	slot_set(cx, to, (int)res, mode);
	if (oracle_on(cx)) {
		if (s >= 0)
			shadow[to] = shadow[s];
		else
			memset(&shadow[to], 0, sizeof(shadow[to]));
	}
	return res;
}

/* RESTORE or REWIND of slot @s to generation @gen succeeded. */
static void shadow_rewound(int s, uint64_t gen)
{
	int i = gen_index(s, gen);

	if (i >= 0)
		shadow[s] = gshadow[s][i];
	else
		memset(&shadow[s], 0, sizeof(shadow[s]));
}

static long do_ckpt(struct ctx *cx, const struct call *c, unsigned long cmd)
{
	struct vmarena_ckpt k = { .generation = c->a[2] };
	bool res_set = set_reserved(c->a[7], k.reserved, 2);
	int s, fd = fd_of(cx, c->a[0], &s);
	bool ok = cmd == VMARENA_IOC_CHECKPOINT ? !k.generation :
		  k.generation && k.generation < 1ULL << 31;
	bool good = ptr_good(c->a[1]);
	long res = xioctl(fd, cmd, ptr_of(c->a[1], &k, sizeof(k)));

	check_valid(cx, c, s >= 0 && ok && !res_set && good, res, false);
	check_refused(cx, c, s >= 0 && good && res_set, res);
	if (s < 0)
		return res;
	if (!good && (res == 0 || res == -EFAULT)) {
		/* The struct came from odd memory, or the answer was lost. */
		shadow_forget_slot(cx, s);
	} else if (cmd == VMARENA_IOC_CHECKPOINT && res == 0) {
		gen_add(cx, s, k.generation);
	} else if (cmd == VMARENA_IOC_RESTORE && res == 0 && oracle_on(cx)) {
		shadow_rewound(s, c->a[2]);
	} else if (cmd == VMARENA_IOC_CKPT_DROP && (res == 0 || res == -ENOENT)) {
		gen_del(cx, s, c->a[2]);
	}
	return res;
}

/* REWIND: the generation is the argument; the same oracle as RESTORE. */
static long do_rewind(struct ctx *cx, const struct call *c)
{
	int s, fd = fd_of(cx, c->a[0], &s);
	uint64_t gen = c->a[2];
	long res = xioctl(fd, VMARENA_IOC_REWIND, (void *)(uintptr_t)gen);

	check_valid(cx, c, s >= 0 && gen && gen < 1ULL << 31, res, false);
	if (s >= 0 && res >= 0 && oracle_on(cx))
		shadow_rewound(s, gen);
	return res;
}

static long do_ckpt_list(struct ctx *cx, const struct call *c)
{
	struct vmarena_ckpt_list l = {
		.count = c->a[2],
		.entries = (uintptr_t)ptr_of(c->a[3], cx->buf, (c->a[2] & 0xff) * 64),
		.reserved0 = c->a[6],
	};
	bool res_set = set_reserved(c->a[7], l.reserved, 2) || l.reserved0;
	int s, fd = fd_of(cx, c->a[0], &s);
	long res = xioctl(fd, VMARENA_IOC_CKPT_LIST, ptr_of(c->a[1], &l, sizeof(l)));

	check_valid(cx, c, s >= 0 && !res_set && ptr_good(c->a[1]) &&
		    (ptr_good(c->a[3]) || !l.count), res, false);
	check_refused(cx, c, s >= 0 && ptr_good(c->a[1]) && res_set, res);
	if (!ptr_good(c->a[3]) && c->a[3] % 16 % NR_PTR == P_MAP)
		shadow_forget_all(cx);
	return res;
}

static long do_get_dirty(struct ctx *cx, const struct call *c)
{
	struct vmarena_dirty d = {
		.generation = c->a[2], .offset = c->a[3], .pages = c->a[4],
		.bitmap = (uintptr_t)ptr_of(c->a[5], cx->buf,
					    ((c->a[4] & ((1 << 22) - 1)) + 63) / 64 * 8),
		.flags = c->a[6], .reserved0 = c->a[6] >> 32,
	};
	bool res_set = set_reserved(c->a[7], d.reserved, 2) || d.reserved0;
	int s, fd = fd_of(cx, c->a[0], &s), i;
	bool ok = d.flags <= VMARENA_DIRTY_REARM && d.offset % PAGE == 0 && d.pages &&
		  d.pages <= VMARENA_DIRTY_MAX && d.offset < LIMIT &&
		  d.pages <= (LIMIT - d.offset) / PAGE && d.generation &&
		  d.generation < 1ULL << 31;
	long res = xioctl(fd, VMARENA_IOC_GET_DIRTY, ptr_of(c->a[1], &d, sizeof(d)));

	check_valid(cx, c, s >= 0 && ok && !res_set && ptr_good(c->a[1]) &&
		    ptr_good(c->a[5]), res, false);
	check_refused(cx, c, s >= 0 && ptr_good(c->a[1]) && (res_set || !ok), res);
	if (!ptr_good(c->a[5]) && c->a[5] % 16 % NR_PTR == P_MAP)
		shadow_forget_all(cx);
	if (!ptr_good(c->a[1]) && (res == 0 || res == -EFAULT))
		shadow_forget_slot(cx, s);
	/* A re-arm changes what the generation holds: forget its copy. */
	if (s >= 0 && (d.flags & VMARENA_DIRTY_REARM) && oracle_on(cx)) {
		i = gen_index(s, d.generation);
		if (i >= 0)
			memset(&gshadow[s][i], 0, sizeof(gshadow[s][i]));
	}
	return res;
}

/* The fletcher-64 of Documentation/stream.rst over @n bytes (a multiple of 4). */
static uint64_t fletcher64(const unsigned char *p, size_t n)
{
	uint64_t s1 = 1, s2 = 0;
	size_t i;

	for (i = 0; i + 4 <= n; i += 4) {
		uint32_t w;

		memcpy(&w, p + i, 4);
		s1 = (s1 + w) % 0xffffffff;
		s2 = (s2 + s1) % 0xffffffff;
	}
	return s2 << 32 | s1;
}

/* Reads stream slot @s into @buf; returns its length. */
static size_t stream_read(int s, char *buf)
{
	ssize_t n = pread(g.stream_fd[s], buf, BUFMAX, 0);

	return n > 0 ? n : 0;
}

static long do_export(struct ctx *cx, const struct call *c)
{
	struct vmarena_export e = {
		.flags = c->a[6], .generation = c->a[2], .base = c->a[3],
	};
	bool res_set = set_reserved(c->a[7], e.reserved, 2);
	int s, fd = fd_of(cx, c->a[0], &s), st = c->a[4] % NSTREAM;
	int kind = (c->a[4] >> 8) % 10, p[2] = { -1, -1 }, out;
	bool ok = s >= 0 && gen_index(s, e.generation) >= 0 &&
		  ((e.flags == 0 && !e.base) ||
		   (e.flags == VMARENA_EXPORT_DELTA && e.base < e.generation &&
		    gen_index(s, e.base) >= 0));
	long res;
	ssize_t n;

	switch (kind) {
	case 6: case 7:	/* a non-blocking pipe, drained into the slot after */
		if (pipe2(p, O_NONBLOCK | O_CLOEXEC))
			return -errno;
		fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
		out = p[1];
		break;
	case 8:		/* a pipe nobody reads: -EPIPE */
		if (pipe2(p, O_NONBLOCK | O_CLOEXEC))
			return -errno;
		close(p[0]);
		p[0] = -1;
		out = p[1];
		ok = false;
		break;
	case 9:		/* the read end, the space itself, -1, /dev/null */
		ok = false;
		if (pipe2(p, O_NONBLOCK | O_CLOEXEC))
			return -errno;
		out = (c->a[4] >> 16) % 4 == 0 ? p[0] : (c->a[4] >> 16) % 4 == 1 ? fd :
		      (c->a[4] >> 16) % 4 == 2 ? -1 : g.devnull;
		break;
	default:
		out = g.stream_fd[st];
		if (ftruncate(out, 0) || lseek(out, 0, SEEK_SET))
			return -errno;
	}
	e.fd = out;
	res = xioctl(fd, VMARENA_IOC_EXPORT, ptr_of(c->a[1], &e, sizeof(e)));
	check_valid(cx, c, s >= 0 && ok && !res_set && ptr_good(c->a[1]), res, false);
	check_refused(cx, c, s >= 0 && ptr_good(c->a[1]) && res_set, res);
	if (kind < 6) {
		g.stream_len[st] = lseek(out, 0, SEEK_END);
		if (res == 0 && ptr_good(c->a[1]) && g.threads == 1 &&
		    e.bytes != g.stream_len[st])
			finding(cx, "EXPORT said %llu bytes, the file holds %lu",
				e.bytes, g.stream_len[st]);
	} else if (kind < 8 && p[0] >= 0) {
		if (ftruncate(g.stream_fd[st], 0) == 0) {
			n = read(p[0], cx->buf, BUFMAX);
			if (n > 0 && pwrite(g.stream_fd[st], cx->buf, n, 0) == n)
				g.stream_len[st] = n;
		}
	}
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return res;
}

/* Mutates the stream in @buf (@len bytes) as @c's arguments say; returns the new length. */
static size_t mutate(struct ctx *cx, const struct call *c, size_t len)
{
	unsigned int kind = c->a[3] % 8;
	uint64_t pos = c->a[4], val = c->a[5];
	char *b = cx->buf;
	size_t k;

	if (!len)
		return 0;
	pos %= len;
	switch (kind) {
	case 1:		/* a bit flip */
		b[pos] ^= 1 << (val % 8);
		break;
	case 2:		/* truncation */
		len = pos;
		break;
	case 3:		/* a 32-bit word */
		pos &= ~3ULL;
		if (pos + 4 <= len)
			memcpy(b + pos, &val, 4);
		break;
	case 4:		/* a 64-bit field, an interesting value */
		pos &= ~7ULL;
		val = interesting[val % NR_INTERESTING];
		if (pos + 8 <= len)
			memcpy(b + pos, &val, 8);
		break;
	case 5:		/* splice: the tail of another stream */
		k = pread(g.stream_fd[val % NSTREAM], b + pos, BUFMAX - pos, pos);
		if (k != (size_t)-1)
			len = pos + k;
		break;
	case 6:		/* a chunk repeated (records out of order) */
		k = (val >> 8) % 8300;
		if (len + k <= BUFMAX && pos + k <= len) {
			memmove(b + pos + k, b + pos, len - pos);
			len += k;
		}
		break;
	case 7:		/* zeros */
		k = (val >> 8) % 4200;
		memset(b + pos, 0, pos + k <= len ? k : len - pos);
		break;
	default:
		break;
	}
	/* Recompute the trailer's checksum: the parser then looks deeper. */
	if ((c->a[3] >> 8 & 1) && len >= 24 && len % 4 == 0) {
		uint64_t sum = fletcher64((unsigned char *)b, len - 8);

		memcpy(b + len - 8, &sum, 8);
	}
	return len;
}

static long do_import(struct ctx *cx, const struct call *c)
{
	struct vmarena_import im = { .flags = c->a[6] };
	bool res_set = set_reserved(c->a[7], im.reserved, 2) || im.flags;
	int s, fd = fd_of(cx, c->a[0], &s), st = c->a[2] % NSTREAM;
	int kind = (c->a[2] >> 8) % 10, p[2] = { -1, -1 }, in;
	size_t len = stream_read(st, cx->buf);
	bool good = ptr_good(c->a[1]);
	long res;

	len = mutate(cx, c, len);
	switch (kind) {
	case 6: case 7:	/* a pipe, the writer closed (EOF after the stream) or not */
		if (pipe2(p, O_NONBLOCK | O_CLOEXEC))
			return -errno;
		fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
		if (len && write(p[1], cx->buf, len) < 0)
			len = 0;
		if (kind == 6) {
			close(p[1]);
			p[1] = -1;
		}
		in = p[0];
		break;
	case 8:
		in = (c->a[2] >> 16) % 3 == 0 ? fd : (c->a[2] >> 16) % 3 == 1 ? -1 : g.devnull;
		break;
	case 9:		/* a write-only fd: -EBADF */
		if (pipe2(p, O_NONBLOCK | O_CLOEXEC))
			return -errno;
		in = p[1];
		break;
	default:
		in = cx->scratch;
		if (ftruncate(in, 0) || (len && pwrite(in, cx->buf, len, 0) != (ssize_t)len) ||
		    lseek(in, 0, SEEK_SET))
			return -errno;
	}
	im.fd = in;
	res = xioctl(fd, VMARENA_IOC_IMPORT, ptr_of(c->a[1], &im, sizeof(im)));
	check_valid(cx, c, s >= 0 && !res_set && good && kind < 8, res, true);
	check_refused(cx, c, s >= 0 && good && res_set, res);
	if (s >= 0 && (res == 0 || (!good && res == -EFAULT)))
		shadow_update(cx, s, 0, SHADOW_PAGES * PAGE, NULL, false);
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return res;
}

static long do_bad_ioctl(struct ctx *cx, const struct call *c)
{
	static const unsigned long real[] = {
		VMARENA_IOC_INFO, VMARENA_IOC_STATS, VMARENA_IOC_SET_LIMIT,
		VMARENA_IOC_DISCARD, VMARENA_IOC_TRANSLATE, VMARENA_IOC_PIN,
		VMARENA_IOC_UNPIN, VMARENA_IOC_CLONE, VMARENA_IOC_CHECKPOINT,
		VMARENA_IOC_RESTORE, VMARENA_IOC_CKPT_DROP, VMARENA_IOC_CKPT_LIST,
		VMARENA_IOC_GET_DIRTY, VMARENA_IOC_EXPORT, VMARENA_IOC_IMPORT,
		VMARENA_IOC_REWIND, VMARENA_IOC_SPACE_STATS,
	};
	unsigned long cmd = (uint32_t)c->a[2];
	int s, fd = fd_of(cx, c->a[0], &s);
	unsigned int i;
	long res;

	for (i = 0; i < ARRAY_SIZE(real); i++)
		if (cmd == real[i])
			return -ENOTTY;	/* not a bad command after all */
	res = xioctl(fd, cmd, ptr_of(c->a[1], cx->buf, 256));
	if (s >= 0 && !cx->child && g.threads == 1 && _IOC_TYPE(cmd) == VMARENA_IOC_MAGIC &&
	    res != -ENOTTY && res != -EINVAL)
		finding(cx, "unknown command %#lx answered %s", cmd, errname(res));
	return res;
}

static uint64_t bad_cmd(struct ctx *cx)
{
	uint32_t nr = rn(cx, 0x12), size = rn(cx, 80), dir = rn(cx, 4);

	switch (rn(cx, 6)) {
	case 0:
		return rnd(cx) & 0xffffffff;
	case 1:
		return _IOC(dir, 0xB7 + rn(cx, 3), nr, size);
	case 2:
		return _IOC(dir, VMARENA_IOC_MAGIC, 0x0f + rn(cx, 0xf0), size);
	case 3:	/* a real number with a wrong size */
		return _IOC(dir, VMARENA_IOC_MAGIC, nr, (size & ~7U) + 8 * rn(cx, 2) - 4);
	default:
		return _IOC(dir, VMARENA_IOC_MAGIC, nr, size);
	}
}

/* Snapshot of window @w's record. */
static struct maprec map_get(struct ctx *cx, int w)
{
	struct maprec r;

	lock(cx);
	r = g.maps[w];
	unlock(cx);
	return r;
}

static void map_set(struct ctx *cx, int w, const struct maprec *r)
{
	lock(cx);
	g.maps[w] = *r;
	unlock(cx);
}

static long do_mmap(struct ctx *cx, const struct call *c)
{
	static const int kinds[] = { MAP_SHARED, MAP_SHARED, MAP_SHARED, MAP_SHARED,
				     MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE,
				     MAP_SHARED | MAP_POPULATE };
	int w = c->a[0] % NMAP, s, fd = fd_of(cx, c->a[1], &s);
	uint64_t start = c->a[6] % (WIN / PAGE) * PAGE, len = c->a[3];
	int prot = c->a[4] % 8, flags = kinds[c->a[5] % 8];
	struct maprec r = { 0 };
	bool priv;
	void *p;

	if (len > WIN - start)
		len = WIN - start;
	cover(w, 0, WIN);
	r.used = false;
	map_set(cx, w, &r);
	p = mmap(window(w) + start, len, prot, flags | MAP_FIXED, fd, (off_t)c->a[2]);
	if (p == MAP_FAILED) {
		long res = -errno;

		cover(w, 0, WIN);
		return res;
	}
	priv = (flags & MAP_TYPE) == MAP_PRIVATE;
	if (priv && g.threads == 1 && !cx->child && s >= 0)
		finding(cx, "MAP_PRIVATE was accepted (abi.rst: -EINVAL)");
	r = (struct maprec){ .used = s >= 0, .priv = priv, .prot = prot,
			     .slot = s, .off = c->a[2], .start = start,
			     .len = (len + PAGE - 1) & ~(PAGE - 1) };
	if (s >= 0)
		r.serial = g.slots[s].serial;
	map_set(cx, w, &r);
	return 0;
}

static long do_munmap(struct ctx *cx, const struct call *c)
{
	int w = c->a[0] % NMAP;
	uint64_t off = c->a[1] % (WIN / PAGE) * PAGE, len = (1 + c->a[2] % 1024) * PAGE;

	(void)cx;
	/* Like munmap(), but the hole stays ours. */
	cover(w, off, len);
	return 0;
}

static long do_mremap(struct ctx *cx, const struct call *c)
{
	int w = c->a[0] % NMAP, to = c->a[1] % NMAP;
	struct maprec r = map_get(cx, w), d;
	uint64_t old = r.len, nlen = (c->a[2] % (WIN / PAGE + 1)) * PAGE;
	uint64_t dst = c->a[4] % (WIN / PAGE) * PAGE;
	char *at = window(w) + r.start;
	long res = 0;
	void *p;

	if (!r.used)
		return -ENOENT;
	switch (c->a[3] % 4) {
	case 0:		/* shrink in place */
		if (!nlen || nlen >= old)
			nlen = old > PAGE ? old - PAGE : PAGE;
		p = mremap(at, old, nlen, 0);
		if (p == MAP_FAILED)
			return -errno;
		cover(w, r.start + nlen, old - nlen);
		r.len = nlen;
		map_set(cx, w, &r);
		return 0;
	case 1:		/* grow in place: refused (VM_DONTEXPAND) */
		p = mremap(at, old, old + PAGE + nlen, 0);
		if (p == MAP_FAILED)
			return -errno;
		r.tainted = true;
		map_set(cx, w, &r);
		return 0;
	default:	/* move, or duplicate (old size 0), to another window */
		if (to == w)
			to = (w + 1) % NMAP;
		if (c->a[3] % 4 == 3)
			old = 0;
		if (!nlen)
			nlen = r.len;
		if (nlen > WIN - dst)
			nlen = WIN - dst;
		cover(to, 0, WIN);
		d = (struct maprec){ 0 };
		map_set(cx, to, &d);
		p = mremap(at, old, nlen, MREMAP_MAYMOVE | MREMAP_FIXED, window(to) + dst);
		if (p == MAP_FAILED) {
			res = -errno;
			cover(to, 0, WIN);
			return res;
		}
		d = r;
		d.start = dst;
		d.len = nlen;
		d.tainted = r.tainted || nlen > r.len;
		map_set(cx, to, &d);
		if (old) {
			cover(w, r.start, old);
			if (old >= r.len)
				r.used = false;
			else
				r.tainted = true;
			map_set(cx, w, &r);
		}
		return 0;
	}
}

static long do_mprotect(struct ctx *cx, const struct call *c)
{
	int w = c->a[0] % NMAP;
	uint64_t off = c->a[1] % (WIN / PAGE) * PAGE, len = (1 + c->a[2] % 1024) * PAGE;
	struct maprec r;

	if (len > WIN - off)
		len = WIN - off;
	if (mprotect(window(w) + off, len, c->a[3] % 8))
		return -errno;
	r = map_get(cx, w);
	r.tainted = true;	/* the holes may be writable now */
	map_set(cx, w, &r);
	return 0;
}

static long do_madvise(struct ctx *cx, const struct call *c)
{
	static const int advice[] = { MADV_DONTNEED, MADV_DONTNEED, MADV_WILLNEED,
				      MADV_RANDOM, MADV_NORMAL, MADV_COLD,
				      MADV_PAGEOUT, MADV_REMOVE, MADV_DONTFORK,
				      MADV_DOFORK, MADV_POPULATE_READ,
				      MADV_POPULATE_WRITE };
	int w = c->a[0] % NMAP, adv = advice[c->a[3] % 12];
	uint64_t off = c->a[1] % (WIN / PAGE) * PAGE, len = (1 + c->a[2] % 1024) * PAGE;
	struct maprec r = map_get(cx, w);

	if (len > WIN - off)
		len = WIN - off;
	if (madvise(window(w) + off, len, adv))
		return -errno;
	if ((adv == MADV_REMOVE || adv == MADV_POPULATE_WRITE) && r.used)
		shadow_update(cx, r.slot, 0, SHADOW_PAGES * PAGE, NULL, false);
	return 0;
}

/* Whether a touch of [@off, @off + @len) of window @w is all inside the record. */
static bool map_covers(const struct maprec *r, uint64_t off, uint64_t len)
{
	return r->used && off >= r->start && off + len <= r->start + r->len;
}

static long do_touch(struct ctx *cx, const struct call *c)
{
	int w = c->a[0] % NMAP, sig;
	uint64_t off = c->a[1] % WIN, len = 1 + c->a[2] % (3 * PAGE);
	bool write = c->a[3] & 1;
	struct maprec r = map_get(cx, w);
	char *addr = window(w) + off;
	bool ours, overlap;
	uint64_t foff;

	if (len > WIN - off)
		len = WIN - off;
	ours = r.used && !r.priv && r.serial == g.slots[r.slot].serial &&
	       g.slots[r.slot].fd >= 0;
	overlap = r.used && off < r.start + r.len && off + len > r.start;
	foff = r.off + (off - r.start);
	if (write) {
		fill(cx->tmp, len, c->a[3] >> 1);
		sig = guarded_copy(cx, addr, cx->tmp, len);
	} else {
		sig = guarded_copy(cx, cx->tmp, addr, len);
	}
	if (!ours || !overlap)
		return sig ? -(sig == SIGBUS ? 1000 : 1001) : 0;
	if (write && (sig || r.tainted || !map_covers(&r, off, len))) {
		uint64_t a = off > r.start ? off : r.start;
		uint64_t b = off + len < r.start + r.len ? off + len : r.start + r.len;

		shadow_update(cx, r.slot, r.off + (a - r.start), b - a, NULL, false);
	} else if (write) {
		shadow_update(cx, r.slot, foff, len, (unsigned char *)cx->tmp, false);
	} else if (!sig && !r.tainted && map_covers(&r, off, len)) {
		shadow_check(cx, r.slot, foff, len, (unsigned char *)cx->tmp, "mapping");
	}
	return sig ? -(sig == SIGBUS ? 1000 : 1001) : 0;
}

static long do_pread(struct ctx *cx, const struct call *c)
{
	int s, fd = fd_of(cx, c->a[0], &s);
	size_t len = c->a[3] % (256 << 10);
	bool good = ptr_good(c->a[1]);
	void *p = ptr_of(c->a[1], cx->buf, len);
	ssize_t n = pread(fd, p, len, (off_t)c->a[2]);

	if (n < 0) {
		check_valid(cx, c, s >= 0 && good && (off_t)c->a[2] >= 0, -errno, false);
		return -errno;
	}
	if (s >= 0 && good)
		shadow_check(cx, s, c->a[2], n, (unsigned char *)cx->buf, "pread");
	if (!good && c->a[1] % 16 % NR_PTR == P_MAP)
		shadow_forget_all(cx);
	return n;
}

static long do_pwrite(struct ctx *cx, const struct call *c)
{
	int s, fd = fd_of(cx, c->a[0], &s);
	size_t len = c->a[3] % (256 << 10);
	bool good = ptr_good(c->a[1]);
	void *p;
	ssize_t n;

	fill(cx->buf, len, c->a[4]);
	p = ptr_of(c->a[1], cx->buf, len);
	n = pwrite(fd, p, len, (off_t)c->a[2]);
	if (s < 0)
		return n < 0 ? -errno : n;
	if (n < 0) {
		long res = -errno;

		check_valid(cx, c, good && (off_t)c->a[2] >= 0 && res != -EFBIG, res, false);
		/*
		 * A failed write changes nothing.  selftests/fuzz_repro/
		 * pwrite-efault-zeroes: it does, for a bad buffer.
		 */
		if ((res != -EFAULT || g.skip_known) && res != -EBADF && res != -EINVAL &&
		    res != -EFBIG)
			shadow_update(cx, s, c->a[2], len, NULL, false);
		return res;
	}
	if (good)
		shadow_update(cx, s, c->a[2], n, (unsigned char *)cx->buf, false);
	else
		shadow_update(cx, s, c->a[2], g.skip_known ? len : (size_t)n, NULL, false);
	return n;
}

static long do_verify(struct ctx *cx, const struct call *c)
{
	int s = c->a[0] % NFD, fd;
	ssize_t n;

	lock(cx);
	fd = g.slots[s].fd;
	unlock(cx);
	if (fd < 0 || g.slots[s].mode == O_WRONLY)
		return -EBADF;
	n = pread(fd, cx->buf, SHADOW_PAGES * PAGE, 0);
	if (n < 0)
		return -errno;
	shadow_check(cx, s, 0, n, (unsigned char *)cx->buf, "verify");
	return n;
}

/* Asks the root helper to write a sysfs attribute. */
static long do_sysfs(struct ctx *cx, const struct call *c)
{
	static const char * const policies[] = { "fifo", "random", "clock", "lru",
						 "clean-first" };
	static const char * const junk[] = { "", "-1", "18446744073709551616", "abc",
					     "12abc", "0x10", " 5", "\n", "LRU\n", "clock ",
					     "/dev/null\n", "/nonexistent\n" };
	struct sysreq q = { .attr = c->a[0] % 6 };
	uint64_t kind = c->a[1] % 12, v = c->a[2];
	struct pollfd pfd = { .fd = g.sys_resp, .events = POLLIN };
	int err = -EOPNOTSUPP;

	if (g.sys_req < 0 || cx->child)
		return -EOPNOTSUPP;
	if (kind < 4 && q.attr == 0) {
		q.len = snprintf(q.val, SYSVAL, "%s\n", policies[v % 5]);
	} else if (kind < 4 && q.attr < 3) {
		q.len = snprintf(q.val, SYSVAL, "%lu\n", v % 300);
	} else if (kind < 4 && q.attr > 3) {
		/* A user limit: 0 (the default) or one calls soon reach. */
		q.len = snprintf(q.val, SYSVAL, "%lu\n", v % 2 ? 0 : v % 600);
	} else if (kind < 2 && q.attr == 3) {
		q.len = snprintf(q.val, SYSVAL, "\n");
	} else if (kind < 4 && q.attr == 3) {
		q.len = snprintf(q.val, SYSVAL, "%s\n", g.swap_dev ? g.swap_dev : "");
	} else if (kind == 4) {
		q.len = 0;		/* a zero-length write */
	} else if (kind == 5) {
		q.len = 10;		/* a name, a NUL, junk */
		memcpy(q.val, "fifo\0junk", 10);
	} else if (kind == 6) {
		q.len = SYSVAL - 1;	/* too long for anything */
		memset(q.val, '7', SYSVAL - 1);
	} else {
		q.len = snprintf(q.val, SYSVAL, "%s", junk[v % 12]);
	}
	lock(cx);
	if (write(g.sys_req, &q, sizeof(q)) != sizeof(q) ||
	    poll(&pfd, 1, 10000) != 1 ||
	    read(g.sys_resp, &err, sizeof(err)) != sizeof(err))
		err = -EPIPE;	/* or an IMPORT of another thread took the reply */
	unlock(cx);
	return err;
}

static void gen_call(struct ctx *cx, struct call *c, bool childish);
static long exec_call(struct ctx *cx, const struct call *c);

static long do_fork(struct ctx *cx, const struct call *c)
{
	int n = 1 + c->a[1] % 6, st, i;
	pid_t pid;

	add(&g.forks, 1);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct call cc;

		cx->child = true;
		cx->rng = c->a[0];
		alarm(60);
		for (i = 0; i < n; i++) {
			gen_call(cx, &cc, true);
			exec_call(cx, &cc);
		}
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	shadow_forget_all(cx);	/* the child may have changed any space */
	if (WIFSIGNALED(st))
		finding(cx, "a forked child died of signal %d", WTERMSIG(st));
	return 0;
}

static long exec_call(struct ctx *cx, const struct call *c)
{
	switch (c->op) {
	case OP_OPEN: return do_open(cx, c);
	case OP_CLOSE: return do_close(cx, c);
	case OP_CLONE: return do_clone(cx, c);
	case OP_INFO: return do_info(cx, c);
	case OP_STATS: return do_stats(cx, c);
	case OP_SET_LIMIT: return do_set_limit(cx, c);
	case OP_DISCARD: return do_range(cx, c, VMARENA_IOC_DISCARD);
	case OP_TRANSLATE: return do_translate(cx, c);
	case OP_PIN: return do_range(cx, c, VMARENA_IOC_PIN);
	case OP_UNPIN: return do_range(cx, c, VMARENA_IOC_UNPIN);
	case OP_CHECKPOINT: return do_ckpt(cx, c, VMARENA_IOC_CHECKPOINT);
	case OP_RESTORE: return do_ckpt(cx, c, VMARENA_IOC_RESTORE);
	case OP_CKPT_DROP: return do_ckpt(cx, c, VMARENA_IOC_CKPT_DROP);
	case OP_CKPT_LIST: return do_ckpt_list(cx, c);
	case OP_GET_DIRTY: return do_get_dirty(cx, c);
	case OP_EXPORT: return do_export(cx, c);
	case OP_IMPORT: return do_import(cx, c);
	case OP_BAD_IOCTL: return do_bad_ioctl(cx, c);
	case OP_MMAP: return do_mmap(cx, c);
	case OP_MUNMAP: return do_munmap(cx, c);
	case OP_MREMAP: return do_mremap(cx, c);
	case OP_MPROTECT: return do_mprotect(cx, c);
	case OP_MADVISE: return do_madvise(cx, c);
	case OP_TOUCH: return do_touch(cx, c);
	case OP_PREAD: return do_pread(cx, c);
	case OP_PWRITE: return do_pwrite(cx, c);
	case OP_FORK: return do_fork(cx, c);
	case OP_SYSFS: return do_sysfs(cx, c);
	case OP_VERIFY: return do_verify(cx, c);
	case OP_REWIND: return do_rewind(cx, c);
	default: return -EINVAL;
	}
}

/* ---- the generator: what syzkaller's descriptions say, in code ---- */

static int pick_op(struct ctx *cx, bool childish)
{
	unsigned int total = 0, r, i;

	for (i = 0; i < NR_OPS; i++)
		total += ops[i].weight;
	for (;;) {
		r = rn(cx, total);
		for (i = 0; r >= ops[i].weight; i++)
			r -= ops[i].weight;
		if (childish && (i == OP_FORK || i == OP_SYSFS))
			continue;
		return i;
	}
}

/* A window with a mapping, mostly. */
static int pick_window(struct ctx *cx)
{
	int i, w = rn(cx, NMAP);

	if (chance(cx, 10))
		return w;
	for (i = 0; i < NMAP; i++)
		if (g.maps[(w + i) % NMAP].used)
			return (w + i) % NMAP;
	return w;
}

static uint64_t gen_u64(struct ctx *cx, uint64_t good)
{
	if (chance(cx, 80))
		return good;
	return chance(cx, 70) ? pick_interesting(cx) : rnd(cx);
}

static void gen_stream_mutation(struct ctx *cx, struct call *c, int st)
{
	uint64_t len = g.stream_len[st], pages = len > 88 ? (len - 88) / 4112 : 0;

	if (chance(cx, 45)) {
		c->a[3] = 0;
		return;
	}
	c->a[3] = rn(cx, 8) | (uint64_t)chance(cx, 60) << 8;
	switch (rn(cx, 4)) {
	case 0:		/* the header */
		c->a[4] = rn(cx, 64);
		break;
	case 1:		/* a record header */
		c->a[4] = 64 + rn(cx, pages + 1) * 4112 + rn(cx, 16);
		break;
	case 2:		/* the trailer */
		c->a[4] = len > 24 ? len - 24 + rn(cx, 24) : 0;
		break;
	default:
		c->a[4] = rnd(cx);
	}
	c->a[5] = rnd(cx);
}

static void gen_call(struct ctx *cx, struct call *c, bool childish)
{
	int s, w, st;
	uint64_t off, len;

	memset(c, 0, sizeof(*c));
	lock(cx);
	if (!nr_live() && !childish)
		c->op = OP_OPEN;
	else if (!childish && chance(cx, 20) && !g.maps[rn(cx, NMAP)].used)
		c->op = OP_MMAP;
	else
		c->op = pick_op(cx, childish);
	if (c->op == OP_OPEN && nr_live() == NFD && chance(cx, 80))
		c->op = OP_CLOSE;
	s = live_slot(cx);
	unlock(cx);
	c->a[0] = fd_arg(cx, s);
	c->a[1] = ptr_arg(cx);
	c->a[7] = res_arg(cx);
	switch (c->op) {
	case OP_OPEN:
		lock(cx);
		c->a[0] = free_slot(cx);
		unlock(cx);
		c->a[1] = rn(cx, 8);
		break;
	case OP_CLOSE:
	case OP_VERIFY:
		c->a[0] = s;
		break;
	case OP_CLONE:
		c->a[2] = gen_u64(cx, chance(cx, 80) ? VMARENA_CLONE_CLOEXEC : 0);
		lock(cx);
		c->a[3] = free_slot(cx);
		unlock(cx);
		break;
	case OP_STATS:
		c->a[2] = gen_u64(cx, rn(cx, 2));
		c->a[3] = gen_u64(cx, chance(cx, 50) ? 128 : rn(cx, 40));
		c->a[4] = ptr_arg(cx);
		break;
	case OP_SET_LIMIT:
		c->a[2] = chance(cx, 30) ? 0 : gen_u64(cx, rn(cx, 200));
		c->a[3] = chance(cx, 40) ? 0 : gen_u64(cx, 1 + rn(cx, 64));
		/* selftests/fuzz_repro/cow-cap1-*: a resident cap livelocks COW breaks */
		if (g.skip_known)
			c->a[3] = 0;
		break;
	case OP_DISCARD:
	case OP_PIN:
	case OP_UNPIN:
		gen_range(cx, &c->a[2], &c->a[3]);
		break;
	case OP_TRANSLATE:
		gen_range(cx, &c->a[2], &len);
		c->a[3] = chance(cx, 85) ? len / PAGE : pick_interesting(cx);
		c->a[4] = ptr_arg(cx);
		break;
	case OP_CHECKPOINT:
		c->a[2] = chance(cx, 95) ? 0 : pick_interesting(cx);
		break;
	case OP_RESTORE:
	case OP_CKPT_DROP:
		c->a[2] = gen_pick(cx, s);
		break;
	case OP_REWIND:
		c->a[2] = gen_pick(cx, s);
		break;
	case OP_CKPT_LIST:
		c->a[2] = gen_u64(cx, chance(cx, 50) ? 64 : rn(cx, 4));
		c->a[3] = ptr_arg(cx);
		c->a[6] = chance(cx, 97) ? 0 : 1 + rn(cx, 0xffff);
		break;
	case OP_GET_DIRTY:
		c->a[2] = gen_pick(cx, s);
		gen_range(cx, &c->a[3], &len);
		c->a[4] = chance(cx, 85) ? len / PAGE : pick_interesting(cx);
		c->a[5] = ptr_arg(cx);
		c->a[6] = chance(cx, 30) ? VMARENA_DIRTY_REARM :
			  chance(cx, 95) ? 0 : rnd(cx) >> rn(cx, 64);
		break;
	case OP_EXPORT:
		c->a[2] = gen_pick(cx, s);
		c->a[6] = chance(cx, 40) ? VMARENA_EXPORT_DELTA : 0;
		if (c->a[6]) {
			c->a[3] = gen_pick(cx, s);
			if (c->a[3] >= c->a[2] && chance(cx, 70))
				c->a[3] = c->a[2] > 1 ? 1 + rn(cx, c->a[2] - 1) : 0;
		}
		if (chance(cx, 5))
			c->a[6] = rnd(cx) >> rn(cx, 64);
		if (chance(cx, 5))
			c->a[3] = pick_interesting(cx);
		c->a[4] = rn(cx, NSTREAM) | rn(cx, 10) << 8 | rn(cx, 4) << 16;
		break;
	case OP_IMPORT:
		st = rn(cx, NSTREAM);
		c->a[2] = st | rn(cx, 10) << 8 | rn(cx, 3) << 16;
		gen_stream_mutation(cx, c, st);
		c->a[6] = chance(cx, 97) ? 0 : 1 + rn(cx, 0xff);
		if (chance(cx, 40)) {
			/* an empty space to import into: a fresh slot */
			lock(cx);
			w = free_slot(cx);
			unlock(cx);
			if (g.slots[w].fd < 0) {
				c->op = OP_OPEN;
				c->a[0] = w;
				c->a[1] = 0;
			}
		}
		break;
	case OP_BAD_IOCTL:
		c->a[2] = bad_cmd(cx);
		break;
	case OP_MMAP:
		c->a[0] = rn(cx, NMAP);
		c->a[1] = fd_arg(cx, s);
		if (chance(cx, 5)) {	/* PMD-sized and aligned */
			c->a[2] = rn(cx, 2) << 21;
			c->a[3] = (1 + rn(cx, 2)) << 21;
			c->a[6] = 0;
		} else {
			c->a[2] = chance(cx, 85) ? rn(cx, 16) * PAGE :
				  chance(cx, 50) ? LIMIT - rn(cx, 4) * PAGE : rnd(cx) >> rn(cx, 64);
			c->a[3] = chance(cx, 85) ? (1 + rn(cx, 48)) * PAGE :
				  chance(cx, 50) ? rn(cx, 5 * PAGE) : pick_interesting(cx);
			c->a[6] = chance(cx, 70) ? 0 : rn(cx, 1024);
		}
		c->a[4] = chance(cx, 85) ? PROT_READ | PROT_WRITE : rn(cx, 8);
		c->a[5] = chance(cx, 90) ? 0 : rn(cx, 8);
		break;
	case OP_MUNMAP:
	case OP_MPROTECT:
	case OP_MADVISE:
		w = pick_window(cx);
		c->a[0] = w;
		c->a[1] = g.maps[w].start / PAGE + rn(cx, 64);
		c->a[2] = rn(cx, 64);
		c->a[3] = chance(cx, 70) ? PROT_READ | PROT_WRITE : rnd(cx);
		if (c->op == OP_MPROTECT && chance(cx, 50))
			c->a[3] = PROT_READ;
		break;
	case OP_MREMAP:
		c->a[0] = pick_window(cx);
		c->a[1] = rn(cx, NMAP);
		c->a[2] = rn(cx, 64);
		c->a[3] = rnd(cx);
		c->a[4] = chance(cx, 70) ? 0 : rn(cx, 1024);
		break;
	case OP_TOUCH:
		w = pick_window(cx);
		c->a[0] = w;
		off = g.maps[w].start;
		c->a[1] = chance(cx, 90) ? off + rn(cx, g.maps[w].len ? g.maps[w].len : WIN) :
			  rn(cx, WIN);
		if (chance(cx, 70))
			c->a[1] &= ~(PAGE - 1);
		c->a[2] = chance(cx, 60) ? PAGE - 1 : rnd(cx);
		c->a[3] = rnd(cx);
		break;
	case OP_PREAD:
	case OP_PWRITE:
		c->a[2] = chance(cx, 85) ? rn(cx, 12 * PAGE) :
			  chance(cx, 50) ? LIMIT - rn(cx, 2 * PAGE) : pick_interesting(cx);
		c->a[3] = chance(cx, 80) ? rn(cx, 3 * PAGE) :
			  chance(cx, 50) ? rn(cx, 64) * PAGE : pick_interesting(cx);
		c->a[4] = rnd(cx);
		break;
	case OP_FORK:
		c->a[0] = rnd(cx);
		c->a[1] = rn(cx, 6);
		break;
	case OP_SYSFS:
		c->a[0] = rn(cx, 4);
		c->a[1] = rn(cx, 12);
		c->a[2] = chance(cx, 50) ? 1 + rn(cx, 64) : rnd(cx);
		break;
	default:
		break;
	}
}

/* ---- one call: log, run, count ---- */

static void account(struct ctx *cx, const struct call *c, long res)
{
	long e = res < 0 ? -res : 0;
	uint64_t t;

	add(&g.calls, 1);
	add(&g.sh->calls, 1);
	add(&g.per_op[c->op], 1);
	if (res <= -1000)
		e = ERRMAX - 1;	/* a touch that got a signal */
	else if (e >= ERRMAX - 1)
		e = ERRMAX - 2;
	add(&g.hist[c->op][e], 1);
	t = ((uint64_t)cx->prev[0] * NR_OPS + cx->prev[1]) * NR_OPS + c->op;
	__atomic_fetch_or(&g.triples[t / 64], 1ULL << (t % 64), __ATOMIC_RELAXED);
	cx->prev[0] = cx->prev[1];
	cx->prev[1] = c->op;
}

/* --watch: one byte of a slot's space, as read and as the shadow has it. */
static void watch(struct ctx *cx)
{
	int s = g.watch_slot, p = g.watch_off / PAGE;
	unsigned char b = 0;
	ssize_t n = -1;

	if (g.slots[s].fd >= 0)
		n = pread(g.slots[s].fd, &b, 1, g.watch_off);
	fprintf(stderr, "# watch slot %d @%#lx: fd %d read %zd byte %#x, shadow %s %#x\n",
		s, g.watch_off, g.slots[s].fd, n, b,
		oracle_on(cx) && shadow[s].known[p] ? "known" : "unknown",
		shadow[s].data[p][g.watch_off % PAGE]);
}

static void run_one(struct ctx *cx, const struct call *c)
{
	long res;

	log_call(cx, c);
	res = exec_call(cx, c);
	if (g.verbose)
		fprintf(stderr, "# [%d] %s -> %s\n", cx->id, ops[c->op].name, errname(res));
	if (g.watch_slot >= 0)
		watch(cx);
	account(cx, c, res);
}

static bool should_stop(void)
{
	if (__atomic_load_n(&g.stop, __ATOMIC_RELAXED))
		return true;
	if (!g.keep_going && __atomic_load_n(&g.findings, __ATOMIC_RELAXED))
		return true;
	if (__atomic_load_n(&g.calls, __ATOMIC_RELAXED) >= g.max_calls)
		return true;
	return now() - g.t0 >= g.seconds;
}

static void *fuzz_thread(void *arg)
{
	struct ctx *cx = arg;
	struct call c;

	tl_ctx = cx;
	while (!should_stop()) {
		gen_call(cx, &c, false);
		run_one(cx, &c);
	}
	return NULL;
}

/* ---- set-up ---- */

static struct ctx *ctx_new(int id, uint64_t seed)
{
	struct ctx *cx = calloc(1, sizeof(*cx));

	if (!cx)
		abort();
	cx->id = id;
	cx->rng = seed;
	splitmix64(&cx->rng);
	cx->oracle = g.oracle;
	cx->ring = g.sh->ring[id % MAXTHREADS];
	cx->buf = mmap(NULL, BUFMAX, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cx->tmp = malloc(TMPMAX);
	cx->scratch = memfd_create("fuzz-import", MFD_CLOEXEC);
	if (cx->buf == MAP_FAILED || !cx->tmp || cx->scratch < 0) {
		perror("# fuzz_kernel: set-up");
		exit(2);
	}
	g.ctxs[g.nctx++] = cx;
	return cx;
}

/*
 * An IMPORT whose struct comes from random memory may name any fd: one that
 * reads a terminal (the VM's console, inherited) waits for input for good,
 * as read(2) would.  Standard input becomes /dev/null; a terminal on any
 * other fd is reopened write-only, so reading it fails with -EBADF.
 */
static void no_terminal_reads(void)
{
	char path[32];
	int fd, w;

	for (fd = 0; fd < 64; fd++) {
		if (!isatty(fd))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		w = fd ? open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC) : -1;
		if (dup3(w >= 0 ? w : g.devnull, fd, 0) < 0)
			close(fd);
		if (w >= 0)
			close(w);
	}
}

static void setup_memory(void)
{
	uint64_t size = (NMAP + 1) * WIN + (2ULL << 20);
	char *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	int i;

	if (p == MAP_FAILED) {
		perror("# fuzz_kernel: reserve");
		exit(2);
	}
	/* Windows 2 MiB-aligned, so that PMD mappings are possible. */
	g.region = (char *)(((uintptr_t)p + (2ULL << 20) - 1) & ~((2ULL << 20) - 1));
	g.guard = g.region + NMAP * WIN;
	g.ro_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g.straddle = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g.ro_page == MAP_FAILED || g.straddle == MAP_FAILED ||
	    mprotect(g.straddle + PAGE, PAGE, PROT_NONE)) {
		perror("# fuzz_kernel: set-up");
		exit(2);
	}
	g.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	no_terminal_reads();
	g.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	for (i = 0; i < NSTREAM; i++)
		g.stream_fd[i] = memfd_create("fuzz-stream", MFD_CLOEXEC);
	for (i = 0; i < NFD; i++)
		g.slots[i].fd = -1;
}

/* The root helper: writes sysfs attributes on request, replies -errno. */
static void sysfs_helper(int req, int resp)
{
	static const char * const attrs[] = { "policy", "watermark_low",
					      "watermark_high", "swap_dev",
					      "user_max_pages",
					      "user_max_pinned" };
	struct sysreq q;
	char path[128];
	int err, fd;

	while (read(req, &q, sizeof(q)) == sizeof(q)) {
		snprintf(path, sizeof(path), SYSFS "%s", attrs[q.attr % 6]);
		err = 0;
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			err = -errno;
		else if (write(fd, q.val, q.len > SYSVAL ? SYSVAL : q.len) < 0)
			err = -errno;
		if (fd >= 0)
			close(fd);
		if (write(resp, &err, sizeof(err)) != sizeof(err))
			break;
	}
	_exit(0);
}

static void start_helper(void)
{
	int req[2], resp[2];
	pid_t pid;

	/*
	 * The reply pipe does not block: an IMPORT given its fd number (from
	 * a random struct) must not wait for a reply that never comes.
	 */
	if (pipe2(req, O_CLOEXEC) || pipe2(resp, O_CLOEXEC | O_NONBLOCK))
		return;
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		close(req[1]);
		close(resp[0]);
		sysfs_helper(req[0], resp[1]);
	}
	close(req[0]);
	close(resp[1]);
	g.sys_req = req[1];
	g.sys_resp = resp[0];
}

/* As root: the device to group FUZZ_GID, the helper forked, then nobody. */
static void drop_privileges(void)
{
	gid_t grp = FUZZ_GID;

	if (geteuid() != 0) {
		fprintf(stderr, "# not root: no sysfs helper, privileges as they are\n");
		return;
	}
	if (chown(DEV, 0, FUZZ_GID) || chmod(DEV, 0660))
		fprintf(stderr, "# cannot chgrp/chmod %s: %s\n", DEV, strerror(errno));
	start_helper();
	if (!g.drop)
		return;
	if (setgroups(1, &grp) || setgid(NOBODY) || setuid(NOBODY)) {
		perror("# fuzz_kernel: dropping privileges");
		exit(2);
	}
}

/* ---- the watchdog: a call that never returns is a finding too ---- */

/*
 * In a process of its own, forked before the privileges are dropped (so
 * that it can read the kernel stacks of the fuzzer's threads).  It goes
 * when the fuzzer is done or gone.
 */
static void watchdog(pid_t fuzzer)
{
	uint64_t last = ~0ULL, cur;
	double since = now();
	char cmd[160];
	int i;

	for (;;) {
		sleep(1);
		if (getppid() != fuzzer || __atomic_load_n(&g.sh->done, __ATOMIC_RELAXED))
			_exit(0);
		cur = __atomic_load_n(&g.sh->calls, __ATOMIC_RELAXED);
		if (cur != last) {
			last = cur;
			since = now();
			continue;
		}
		if (now() - since < g.hang)
			continue;
		fprintf(stderr, "# FINDING: no call returned for %.0f s (seed %lu)\n",
			g.hang, g.seed);
		for (i = 0; i < MAXTHREADS; i++)
			if (g.sh->nring[i])
				dump_ring(i, g.sh->ring[i], g.sh->nring[i]);
		snprintf(cmd, sizeof(cmd),
			 "for t in /proc/%d/task/*; do echo \"# $t:\"; sed 's/^/#   /' $t/stack; done >&2",
			 (int)fuzzer);
		if (system(cmd))
			fprintf(stderr, "# (no kernel stacks: not root)\n");
		printf("not ok 1 - fuzz seed %lu: a call hangs\n", g.seed);
		fflush(stdout);
		_exit(3);
	}
}

static void start_watchdog(void)
{
	pid_t fuzzer = getpid(), pid;

	if (g.hang <= 0)
		return;
	pid = fork();
	if (pid == 0)
		watchdog(fuzzer);
	if (pid < 0)
		perror("# fuzz_kernel: no watchdog");
}

/* ---- replay and minimisation ---- */

static struct call *load_calls(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	struct call *v = NULL;
	size_t cap = 0;
	char line[512], name[64];
	int i;

	*n = 0;
	if (!f) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		struct call c = { 0 };
		char *hash = strchr(line, '#');

		if (hash)
			*hash = 0;
		if (sscanf(line, "%63s %lx %lx %lx %lx %lx %lx %lx %lx", name,
			   &c.a[0], &c.a[1], &c.a[2],
			   &c.a[3], &c.a[4], &c.a[5], &c.a[6], &c.a[7]) < 1)
			continue;
		for (i = 0; i < NR_OPS && strcmp(name, ops[i].name); i++)
			;
		if (i == NR_OPS) {
			fprintf(stderr, "# %s: unknown call '%s'\n", path, name);
			exit(2);
		}
		c.op = i;
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				abort();
		}
		v[(*n)++] = c;
	}
	fclose(f);
	return v;
}

static void run_calls(struct ctx *cx, const struct call *v, size_t n, const bool *skip)
{
	size_t i;

	for (i = 0; i < n && !(cx->finding && !g.keep_going); i++)
		if (!skip || !skip[i])
			run_one(cx, &v[i]);
}

/* Runs the calls not skipped in a child; true if that finds something. */
static bool fails(const struct call *v, size_t n, const bool *skip)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return false;
	if (pid == 0) {
		struct ctx *cx = ctx_new(0, g.seed);
		int fd = open("/dev/null", O_WRONLY);

		tl_ctx = cx;
		g.log_fd = -1;
		dup2(fd, 2);
		alarm((unsigned int)g.hang + 30);
		run_calls(cx, v, n, skip);
		_exit(cx->finding ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return false;
	return !WIFEXITED(st) || WEXITSTATUS(st) != 0;
}

static int minimize(const struct call *v, size_t n)
{
	bool *skip = calloc(n ? n : 1, sizeof(*skip));
	bool *was = calloc(n ? n : 1, sizeof(*was));
	size_t chunk, i, j, left = n, k;
	char line[LINE];
	FILE *f;

	if (!skip || !was)
		abort();
	if (!fails(v, n, skip)) {
		printf("# --minimize: the replay does not fail in user space\n");
		return 1;
	}
	for (chunk = n / 2 ? n / 2 : 1; chunk >= 1; chunk /= 2) {
		for (i = 0; i < n; i += chunk) {
			size_t end = i + chunk < n ? i + chunk : n;

			memcpy(was, skip, n * sizeof(*skip));
			for (j = i; j < end; j++)
				skip[j] = true;
			if (!memcmp(was, skip, n * sizeof(*skip)))
				continue;
			if (!fails(v, n, skip)) {
				memcpy(skip, was, n * sizeof(*skip));
				continue;
			}
			for (left = 0, k = 0; k < n; k++)
				left += !skip[k];
			printf("# --minimize: %zu calls left\n", left);
		}
		if (chunk == 1)
			break;
	}
	f = g.min_file;
	fprintf(f, "# fuzz_kernel --replay: minimised from %s (seed %lu)\n",
		g.replay_path, g.seed);
	for (i = 0; i < n; i++) {
		if (skip[i])
			continue;
		format_call(&v[i], line, sizeof(line));
		fputs(line, f);
		printf("#   %s", line);
	}
	fclose(f);
	printf("# --minimize: %zu of %zu calls in %s.min\n", left, n, g.replay_path);
	return 0;
}

/* ---- the summary ---- */

static void summary(double secs)
{
	uint64_t distinct = 0, tot[ERRMAX] = { 0 };
	unsigned int i, e;

	for (i = 0; i < ARRAY_SIZE(g.triples); i++)
		distinct += __builtin_popcountll(g.triples[i]);
	printf("# %lu calls in %.1f s (%.0f calls/s), %d thread(s), seed %lu\n",
	       g.calls, secs, secs > 0 ? g.calls / secs : 0.0, g.threads, g.seed);
	printf("# distinct triples %lu, SIGBUS %lu, SIGSEGV %lu, forks %lu, findings %lu\n",
	       distinct, g.sigbus, g.sigsegv, g.forks, g.findings);
	for (i = 0; i < NR_OPS; i++) {
		char line[1024];
		int len;

		if (!g.per_op[i])
			continue;
		len = snprintf(line, sizeof(line), "#   %-11s %8lu:", ops[i].name,
			       g.per_op[i]);
		for (e = 0; e < ERRMAX && len < (int)sizeof(line) - 40; e++) {
			if (!g.hist[i][e])
				continue;
			tot[e] += g.hist[i][e];
			len += snprintf(line + len, sizeof(line) - len, " %s %lu",
					e == ERRMAX - 1 ? "signal" : errname(-(long)e),
					g.hist[i][e]);
		}
		puts(line);
	}
	printf("# errno histogram:");
	for (e = 0; e < ERRMAX; e++)
		if (tot[e])
			printf(" %s %lu", e == ERRMAX - 1 ? "signal" : errname(-(long)e),
			       tot[e]);
	printf("\n");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fuzz_kernel [--seed S] [--calls N] [--seconds T] [--threads K]\n"
		"                   [--log FILE] [--replay FILE [--minimize]] [--hang S]\n"
		"                   [--no-drop] [--no-oracle] [--keep-going] [--skip-known]\n"
		"                   [--verbose]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--no-drop")) {
			g.drop = false;
		} else if (!strcmp(a, "--no-oracle")) {
			g.oracle = false;
		} else if (!strcmp(a, "--keep-going")) {
			g.keep_going = true;
		} else if (!strcmp(a, "--skip-known")) {
			g.skip_known = true;
		} else if (!strcmp(a, "--verbose")) {
			g.verbose = true;
		} else if (!strcmp(a, "--minimize")) {
			g.minimize = true;
		} else if (!v) {
			usage();
		} else if (!strcmp(a, "--seed")) {
			g.seed = strtoull(v, NULL, 0);
			i++;
		} else if (!strcmp(a, "--calls")) {
			g.max_calls = strtoull(v, NULL, 0);
			i++;
		} else if (!strcmp(a, "--seconds")) {
			g.seconds = atof(v);
			i++;
		} else if (!strcmp(a, "--hang")) {
			g.hang = atof(v);
			i++;
		} else if (!strcmp(a, "--threads")) {
			g.threads = atoi(v);
			i++;
		} else if (!strcmp(a, "--log")) {
			g.log_path = v;
			i++;
		} else if (!strcmp(a, "--watch")) {
			g.watch_slot = strtol(v, NULL, 0) % NFD;
			g.watch_off = strtoull(strchr(v, ':') ? strchr(v, ':') + 1 : "0", NULL, 0) %
				      (SHADOW_PAGES * PAGE);
			i++;
		} else if (!strcmp(a, "--replay")) {
			g.replay_path = v;
			i++;
		} else {
			usage();
		}
	}
	if (g.threads < 1 || g.threads > MAXTHREADS)
		usage();
	if (g.replay_path)
		g.threads = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	struct call *replay = NULL;
	size_t nreplay = 0;
	double secs;
	int i, ok;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..1\n");
	if (g.replay_path)
		replay = load_calls(g.replay_path, &nreplay);
	if (g.minimize && g.replay_path) {
		char path[4096];

		/* Opened now: the privileges are dropped before it is written. */
		snprintf(path, sizeof(path), "%s.min", g.replay_path);
		g.min_file = fopen(path, "w");
		if (!g.min_file) {
			perror(path);
			return 2;
		}
	}
	if (g.log_path) {
		g.log_fd = open(g.log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (g.log_fd < 0) {
			perror(g.log_path);
			return 2;
		}
		dprintf(g.log_fd, "# fuzz_kernel --seed %lu --threads %d\n", g.seed,
			g.threads);
	}
	g.swap_dev = getenv("VMARENA_SWAP_DEV");
	g.sh = mmap(NULL, sizeof(*g.sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g.sh == MAP_FAILED) {
		perror("# fuzz_kernel: shared memory");
		return 2;
	}
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setup_memory();
	if (!g.minimize)
		start_watchdog();
	drop_privileges();
	for (i = 0; i < NMAP; i++)
		cover(i, 0, WIN);
	if (g.minimize) {
		if (!g.replay_path)
			usage();
		return minimize(replay, nreplay);
	}
	g.t0 = now();
	if (g.replay_path) {
		struct ctx *cx = ctx_new(0, g.seed);

		tl_ctx = cx;
		run_calls(cx, replay, nreplay, NULL);
	} else if (g.threads == 1) {
		struct ctx *cx = ctx_new(0, g.seed);

		fuzz_thread(cx);
	} else {
		for (i = 0; i < g.threads; i++)
			ctx_new(i, g.seed + i);
		for (i = 0; i < g.threads; i++)
			pthread_create(&g.ctxs[i]->thread, NULL, fuzz_thread, g.ctxs[i]);
		for (i = 0; i < g.threads; i++)
			pthread_join(g.ctxs[i]->thread, NULL);
	}
	secs = now() - g.t0;
	g.sh->done = 1;
	summary(secs);
	ok = !g.findings;
	if (g.replay_path)
		printf("%s 1 - replay of %s: %lu calls, %s\n", ok ? "ok" : "not ok",
		       g.replay_path, g.calls, ok ? "no finding" : "finding reproduced");
	else
		printf("%s 1 - fuzz seed %lu: %lu calls, %s\n",
		       ok ? "ok" : "not ok", g.seed, g.calls,
		       ok ? "no finding" : "finding (see above)");
	return ok ? 0 : 1;
}
