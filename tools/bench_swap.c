// SPDX-License-Identifier: GPL-2.0
/*
 * bench_swap - swap-out throughput and swap-in fault cost of /dev/vmarena
 * against the kernel's own swap, side by side in one boot.
 *
 *   bench_swap [PAGES [ROUNDS]]      (run as root in the VM)
 *
 *   tools/vm/run --mem 512 --kswap-mb 256 --load -- build/bin/bench_swap 4096 3
 *
 * kernel   PAGES of anonymous memory (THP off), swapped to the disk in
 *          $VMARENA_KSWAP_DEV, which this program mkswaps, swaps on and, at
 *          the end, off again.  Swap-out: MADV_PAGEOUT over the range,
 *          timed until the disk (/sys/block/DEV/stat) has completed writes
 *          of PAGES pages (or stops writing) with nothing in flight; pswpout
 *          in /proc/vmstat counts the pages written.  Swap-in: the
 *          program runs in a cgroup v2 group, whose memory.reclaim then
 *          frees the written pages from the swap cache; every page is read
 *          once with vm.page-cluster at 0 (no readahead), so each read of a
 *          swapped page is one major fault, counted by pswpin.  Then once
 *          more (reclaim drops the clean pages) with the system's
 *          page-cluster, readahead included: the "readahead" row; then
 *          twice in a random order (the same permutation on both sides),
 *          without readahead and with it: the "random" rows.
 * vmarena  PAGES of a space, swapped to the disk in $VMARENA_SWAP_DEV
 *          (attached through /sys/class/misc/vmarena/swap_dev unless one is
 *          attached already, detached at the end if this program attached
 *          it).  Swap-out: VMARENA_IOC_SET_LIMIT with max_resident = 1,
 *          which writes the pages before it returns (SWAP_OUTS counts
 *          them).  Swap-in: max_resident back up, every page read once
 *          with readahead off (debugfs swap_readahead = 1: SWAP_INS counts
 *          the major faults); then evicted again (dropped, not written)
 *          and read with the readahead the module had, and twice more in
 *          the random order, as on the kernel side.  Pages read per pass:
 *          SWAP_INS + SWAP_READAHEAD.
 *
 * Rows: swap-out throughput in pages written per second; CPU per page
 * written, of this task during the page-out call and of all CPUs over the
 * timed interval (from /proc/stat, tick-sampled, this program's polling
 * left out); wall time per page read back from swap (each one a major
 * fault, except in the readahead row) and this task's CPU time per page
 * read back (the fault's software cost: the wait for the disk is not CPU
 * time).  Each figure is the median of
 * ROUNDS rounds; the sides alternate round by round.  Ratio =
 * vmarena / kernel: above 1 is better for throughput, below 1 for costs.
 * Every page holds a distinct pattern, checked after it is read back; a
 * bad page fails the run (exit 1).  A side whose prerequisite is missing
 * is skipped with a message (exit 4 when both are).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/vmarena.h>

#define PAGE		4096UL
#define MAX_ROUNDS	99

#define CG_ROOT		"/sys/fs/cgroup"
#define CG_DIR		CG_ROOT "/bench_swap"
#define PAGE_CLUSTER	"/proc/sys/vm/page-cluster"
#define SWAP_DEV_ATTR	"/sys/class/misc/vmarena/swap_dev"

/* Give up waiting for writeback after this long; call it done after a stall. */
#define WRITEBACK_TIMEOUT_NS	30000000000ULL
#define WRITEBACK_STALL_NS	200000000ULL

enum side { VMARENA, KERNEL, NR_SIDES };
enum metric {
	OUT_RATE, OUT_CPU_TASK, OUT_CPU_ALL, IN_COST, IN_CPU, IN_AHEAD,
	IN_RANDOM, IN_RANDOM_AHEAD, NR_METRICS
};

static const char *const side_name[NR_SIDES] = { "vmarena", "kernel" };
static const char *const metric_name[NR_METRICS] = {
	"swap-out pages/s", "swap-out CPU us/page, task",
	"swap-out CPU us/page, all CPUs", "swap-in us/page",
	"swap-in CPU us/page, task", "swap-in us/page, readahead",
	"swap-in us/page, random", "swap-in us/page, random, readahead",
};

/* How a pass reads the pages back: in order, or in a random order. */
enum order { SEQUENTIAL, RANDOM };

static unsigned long pages;
static unsigned int rounds;
/* A random permutation of the pages, the same for both sides. */
static unsigned long *shuffled;
/* One figure per side, metric and round; NAN where there is none. */
static double result[NR_SIDES][NR_METRICS][MAX_ROUNDS];
static bool side_on[NR_SIDES];
static unsigned long bad_pages;

/* Kernel side: what setup changed, for cleanup to undo. */
static const char *kswap_dev;
static char kswap_stat[64];
static bool kswap_on, cg_mounted, cg_entered;
static char page_cluster[32];

/* vmarena side: whether this program attached the swap device. */
static bool vm_attached;
/* ... and the readahead it found (debugfs swap_readahead), or "". */
static char vm_readahead[32];

#define VM_READAHEAD	"/sys/kernel/debug/vmarena/swap_readahead"

/* Counters of /proc/vmstat that the kernel side uses. */
struct vmstat {
	uint64_t pswpout;
	uint64_t pswpin;
};

/* Counters of the kernel's swap disk, from /sys/block/DEV/stat. */
struct disk {
	uint64_t write_sectors;		/* completed */
	uint64_t in_flight;		/* requests */
};

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* CPU time of this task (user + system). */
static uint64_t cpu_ns(void)
{
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static void sleep_us(long us)
{
	struct timespec ts = { .tv_nsec = us * 1000 };

	nanosleep(&ts, NULL);
}

static void skip(enum side s, const char *why)
{
	printf("# %s: skipped: %s\n", side_name[s], why);
	side_on[s] = false;
}

static void skip_errno(enum side s, const char *what, int err)
{
	char why[256];

	snprintf(why, sizeof(why), "%s: %s", what, strerror(err));
	skip(s, why);
}

/* Reads up to @len - 1 bytes of @path into @buf; bytes read or -errno. */
static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/* Writes @s to @path in one write(); 0 or -errno. */
static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* The value of the line "@name value" in @buf, or 0. */
static uint64_t field(const char *buf, const char *name)
{
	size_t len = strlen(name);
	const char *s = buf;

	while (s && *s) {
		if (!strncmp(s, name, len) && (s[len] == ' ' || s[len] == ':'))
			return strtoull(s + len + 1, NULL, 10);
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	return 0;
}

static int vmstat_read(struct vmstat *v)
{
	static char buf[16384];

	memset(v, 0, sizeof(*v));
	if (read_file("/proc/vmstat", buf, sizeof(buf)) < 0)
		return -1;
	v->pswpout = field(buf, "pswpout");
	v->pswpin = field(buf, "pswpin");
	return 0;
}

/* Far cheaper to poll than /proc/vmstat, and counts completed writes. */
static int disk_read(struct disk *d)
{
	unsigned long long f[9];
	char buf[256];

	if (read_file(kswap_stat, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7],
		   &f[8]) != 9)
		return -1;
	d->write_sectors = f[6];
	d->in_flight = f[8];
	return 0;
}

/* Pages in the swap cache, from /proc/meminfo. */
static uint64_t swap_cached(void)
{
	static char buf[8192];

	if (read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		return 0;
	return field(buf, "SwapCached") * 1024 / PAGE;
}

/* Busy time of all CPUs from the first line of /proc/stat, in ns. */
static uint64_t busy_ns(void)
{
	unsigned long long t[8] = { 0 };
	char buf[512];
	uint64_t busy;

	if (read_file("/proc/stat", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &t[7]) != 8)
		return 0;
	/* user nice system idle iowait irq softirq steal: all but idle, wait */
	busy = t[0] + t[1] + t[2] + t[5] + t[6] + t[7];
	return busy * (1000000000ULL / sysconf(_SC_CLK_TCK));
}

static uint64_t pattern(unsigned int tag, unsigned long page)
{
	return ((uint64_t)tag << 56) ^ ((page + 1) * 0x9e3779b97f4a7c15ULL);
}

/* Gives every page a pattern of its own, tagged by round and side. */
static void fill(char *p, unsigned int tag)
{
	unsigned long i, j;

	for (i = 0; i < pages; i++) {
		uint64_t *w = (uint64_t *)(p + i * PAGE), x = pattern(tag, i);

		for (j = 0; j < PAGE / sizeof(*w); j++)
			w[j] = x + j;
	}
}

/* Pages whose contents differ from what fill() wrote. */
static unsigned long check(const char *p, unsigned int tag)
{
	unsigned long i, j, bad = 0;

	for (i = 0; i < pages; i++) {
		const uint64_t *w = (const uint64_t *)(p + i * PAGE);
		uint64_t x = pattern(tag, i);

		for (j = 0; j < PAGE / sizeof(*w); j++)
			if (w[j] != x + j)
				break;
		if (j < PAGE / sizeof(*w))
			bad++;
	}
	return bad;
}

/* CPU time (user + system) of the last touch(). */
static uint64_t touch_cpu_ns;

/* Reads one word of every page, in @order; ns taken. */
static uint64_t touch(const volatile char *p, enum order order)
{
	uint64_t t0 = now_ns(), cpu0 = cpu_ns(), sum = 0;
	unsigned long i, page;

	for (i = 0; i < pages; i++) {
		page = order == RANDOM ? shuffled[i] : i;
		sum += *(const volatile uint64_t *)(p + page * PAGE);
	}
	if (!sum)
		fprintf(stderr, "bench_swap: every page read as zero\n");
	touch_cpu_ns = cpu_ns() - cpu0;
	return now_ns() - t0;
}

/* What one round moved: pages written, in swap before the reads, read. */
static void print_round(enum side s, unsigned int r, uint64_t written,
			uint64_t in_swap, uint64_t read, unsigned long bad)
{
	printf("# %-7s round %u: %llu written, %llu in swap, %llu read, %lu bad\n",
	       side_name[s], r + 1, (unsigned long long)written,
	       (unsigned long long)in_swap, (unsigned long long)read, bad);
}

/* Pages of [@p, @p + pages) whose PTE is a swap entry (pagemap bit 62). */
static unsigned long pagemap_swapped(const char *p)
{
	unsigned long first = (uintptr_t)p / PAGE, i, n = 0;
	uint64_t e[512];
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	for (i = 0; i < pages; i += 512) {
		unsigned long k, nr = pages - i < 512 ? pages - i : 512;

		if (pread(fd, e, nr * sizeof(*e), (first + i) * sizeof(*e)) !=
		    (ssize_t)(nr * sizeof(*e)))
			break;
		for (k = 0; k < nr; k++)
			n += (e[k] >> 62) & 1;
	}
	close(fd);
	return n;
}

/* Runs @path with one argument, its output discarded; 0 on exit status 0. */
static int run(const char *path, const char *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execl(path, path, arg, (char *)NULL);
		fprintf(stderr, "bench_swap: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/* Puts this process in a child group of a cgroup v2 hierarchy with memory. */
static int cgroup_enter(void)
{
	struct statfs sf;
	char pid[32];
	int ret;

	if (statfs(CG_ROOT, &sf) || sf.f_type != CGROUP2_SUPER_MAGIC) {
		if (mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL))
			return -errno;
		cg_mounted = true;
	}
	ret = write_file(CG_ROOT "/cgroup.subtree_control", "+memory");
	if (ret)
		return ret;
	if (mkdir(CG_DIR, 0755) && errno != EEXIST)
		return -errno;
	if (access(CG_DIR "/memory.reclaim", W_OK))
		return -errno;
	snprintf(pid, sizeof(pid), "%d", getpid());
	ret = write_file(CG_DIR "/cgroup.procs", pid);
	if (ret)
		return ret;
	cg_entered = true;
	return 0;
}

static void cgroup_leave(void)
{
	char pid[32];

	if (cg_entered) {
		snprintf(pid, sizeof(pid), "%d", getpid());
		write_file(CG_ROOT "/cgroup.procs", pid);
		rmdir(CG_DIR);
	}
	if (cg_mounted)
		umount(CG_ROOT);
}

/*
 * The kernel side: swap on $VMARENA_KSWAP_DEV, readahead off, this process
 * in a memory cgroup.  Without the cgroup only the swap-in figure is lost.
 */
static void kernel_setup(void)
{
	int ret;

	kswap_dev = getenv("VMARENA_KSWAP_DEV");
	if (!kswap_dev || !*kswap_dev) {
		skip(KERNEL, "no $VMARENA_KSWAP_DEV (tools/vm/run --kswap-mb)");
		return;
	}
	if (run("/sbin/mkswap", kswap_dev)) {
		skip(KERNEL, "mkswap failed");
		return;
	}
	if (swapon(kswap_dev, 0)) {
		skip_errno(KERNEL, "swapon", errno);
		return;
	}
	kswap_on = true;
	snprintf(kswap_stat, sizeof(kswap_stat), "/sys/block/%s/stat",
		 strrchr(kswap_dev, '/') ? strrchr(kswap_dev, '/') + 1 :
					   kswap_dev);
	if (read_file(PAGE_CLUSTER, page_cluster, sizeof(page_cluster)) <= 0 ||
	    write_file(PAGE_CLUSTER, "0"))
		printf("# kernel: page-cluster not 0: swap-in reads ahead\n");
	ret = cgroup_enter();
	if (ret)
		printf("# kernel: no memory cgroup (%s): no swap-in figure\n",
		       strerror(-ret));
}

static void kernel_cleanup(void)
{
	cgroup_leave();
	if (*page_cluster)
		write_file(PAGE_CLUSTER, page_cluster);
	if (kswap_on && swapoff(kswap_dev))
		printf("# kernel: swapoff: %s\n", strerror(errno));
}

/*
 * Polls the swap disk until @pages more pages than in @d0 were written and
 * no request is in flight, or nothing changed for a while.  Returns the
 * time the writes were seen to be done.
 */
static uint64_t wait_writeback(const struct disk *d0)
{
	uint64_t start = now_ns(), last = start, t;
	struct disk d, prev = *d0;

	for (;;) {
		if (disk_read(&d))
			return last;
		t = now_ns();
		if (d.write_sectors - d0->write_sectors >= pages * PAGE / 512 &&
		    !d.in_flight)
			return t;
		if (d.write_sectors != prev.write_sectors ||
		    d.in_flight != prev.in_flight)
			last = t;
		else if (t - last > WRITEBACK_STALL_NS && !d.in_flight)
			return last;
		if (t - start > WRITEBACK_TIMEOUT_NS) {
			printf("# kernel: writeback still going after 30 s\n");
			return last;
		}
		prev = d;
		sleep_us(1000);
	}
}

/* Kernel swap-out of the filled range at @p; pages written. */
static uint64_t kernel_pageout(char *p, unsigned int r)
{
	uint64_t t0, t1, cpu0, cpu1, poll, busy0, all, written;
	struct vmstat v0, v;
	struct disk d0;

	if (vmstat_read(&v0) || disk_read(&d0)) {
		printf("# kernel: cannot read /proc/vmstat or %s\n", kswap_stat);
		return 0;
	}
	busy0 = busy_ns();
	cpu0 = cpu_ns();
	t0 = now_ns();
	if (madvise(p, pages * PAGE, MADV_PAGEOUT)) {
		printf("# kernel: MADV_PAGEOUT: %s\n", strerror(errno));
		return 0;
	}
	cpu1 = cpu_ns();
	t1 = wait_writeback(&d0);
	poll = cpu_ns() - cpu1;
	vmstat_read(&v);
	written = v.pswpout - v0.pswpout;
	if (!written)
		return 0;
	result[KERNEL][OUT_RATE][r] = written * 1e9 / (t1 - t0);
	result[KERNEL][OUT_CPU_TASK][r] = (cpu1 - cpu0) / 1e3 / written;
	all = busy_ns() - busy0;
	all = all > poll ? all - poll : 0;
	result[KERNEL][OUT_CPU_ALL][r] = all / 1e3 / written;
	return written;
}

/* Frees the written pages from the swap cache through memory.reclaim. */
static void kernel_reclaim(void)
{
	char bytes[32];
	int i;

	snprintf(bytes, sizeof(bytes), "%lu", pages * PAGE);
	for (i = 0; i < 8 && swap_cached() > pages / 100; i++)
		write_file(CG_DIR "/memory.reclaim", bytes);	/* or EAGAIN */
}

/*
 * Kernel swap-in of the range at @p again, in @order, with the readahead
 * the system had (vm.page-cluster) or none: its pages are still in swap,
 * so reclaim drops them without writing.  Time per page read (pswpin),
 * readahead included, into metric @m.
 */
static void kernel_swapin_again(char *p, unsigned int r, unsigned int tag,
				enum order order, bool ahead, enum metric m)
{
	struct vmstat v0, v1;
	unsigned long bad;
	uint64_t ns, read;

	if (ahead && (!*page_cluster || write_file(PAGE_CLUSTER, page_cluster)))
		return;
	kernel_reclaim();
	vmstat_read(&v0);
	ns = touch(p, order);
	vmstat_read(&v1);
	write_file(PAGE_CLUSTER, "0");
	read = v1.pswpin - v0.pswpin;
	bad = check(p, tag);
	bad_pages += bad;
	printf("# %-7s round %u: %s: %llu read, %lu bad\n", "kernel", r + 1,
	       metric_name[m], (unsigned long long)read, bad);
	if (read)
		result[KERNEL][m][r] = ns / 1e3 / read;
}

/* Kernel swap-in of the range at @p, swapped out with pattern @tag. */
static void kernel_swapin(char *p, unsigned int r, unsigned int tag,
			  uint64_t written)
{
	unsigned long swapped, bad;
	struct vmstat v0, v1;
	uint64_t ns, read;

	kernel_reclaim();
	swapped = pagemap_swapped(p);
	if (vmstat_read(&v0))
		return;
	ns = touch(p, SEQUENTIAL);
	vmstat_read(&v1);
	read = v1.pswpin - v0.pswpin;
	bad = check(p, tag);
	bad_pages += bad;
	print_round(KERNEL, r, written, swapped, read, bad);
	if (read) {
		result[KERNEL][IN_COST][r] = ns / 1e3 / read;
		result[KERNEL][IN_CPU][r] = touch_cpu_ns / 1e3 / read;
	}
	kernel_swapin_again(p, r, tag, SEQUENTIAL, true, IN_AHEAD);
	kernel_swapin_again(p, r, tag, RANDOM, r % 2,
			    r % 2 ? IN_RANDOM_AHEAD : IN_RANDOM);
	kernel_swapin_again(p, r, tag, RANDOM, !(r % 2),
			    r % 2 ? IN_RANDOM : IN_RANDOM_AHEAD);
}

static void kernel_round(unsigned int r)
{
	unsigned int tag = 2 * r + KERNEL + 1;
	uint64_t written;
	char *p;

	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		skip_errno(KERNEL, "mmap", errno);
		return;
	}
	madvise(p, pages * PAGE, MADV_NOHUGEPAGE);
	fill(p, tag);
	written = kernel_pageout(p, r);
	if (!written)
		printf("# kernel  round %u: nothing written\n", r + 1);
	else if (cg_entered)
		kernel_swapin(p, r, tag, written);
	else
		print_round(KERNEL, r, written, pagemap_swapped(p), 0, 0);
	munmap(p, pages * PAGE);
}

/* Counters of kind @which into @v[@n]; entries the module has, or -errno. */
static int vm_stats(int fd, unsigned int which, uint64_t *v, unsigned int n)
{
	struct vmarena_stats s = {
		.which = which, .count = n, .values = (uintptr_t)v,
	};

	memset(v, 0, n * sizeof(*v));
	if (ioctl(fd, VMARENA_IOC_STATS, &s))
		return -errno;
	return s.count;
}

static int vm_set_limit(int fd, uint64_t max_pages, uint64_t max_resident)
{
	struct vmarena_limit l = {
		.max_pages = max_pages, .max_resident = max_resident,
	};

	return ioctl(fd, VMARENA_IOC_SET_LIMIT, &l) ? -errno : 0;
}

/* Attaches $VMARENA_SWAP_DEV unless a device is attached already. */
static int vm_attach(void)
{
	const char *dev = getenv("VMARENA_SWAP_DEV");
	char cur[512];
	ssize_t n;
	int ret;

	n = read_file(SWAP_DEV_ATTR, cur, sizeof(cur));
	if (n < 0) {
		skip_errno(VMARENA, SWAP_DEV_ATTR, -n);
		return -1;
	}
	if (n > 1)
		return 0;
	if (!dev || !*dev) {
		skip(VMARENA, "no swap device and no $VMARENA_SWAP_DEV");
		return -1;
	}
	ret = write_file(SWAP_DEV_ATTR, dev);
	if (ret) {
		skip_errno(VMARENA, "attaching $VMARENA_SWAP_DEV", -ret);
		return -1;
	}
	vm_attached = true;
	return 0;
}

/* The vmarena side: the device, room in the arena, counters, swap. */
static void vmarena_setup(void)
{
	uint64_t v[VMARENA_NR_GLOBAL_STATS];
	struct vmarena_info info = { 0 };
	char why[128];
	int fd, n;

	fd = open("/dev/vmarena", O_RDWR);
	if (fd < 0) {
		skip_errno(VMARENA, "/dev/vmarena (vm/run --load)", errno);
		return;
	}
	n = vm_stats(fd, VMARENA_STATS_GLOBAL, v, VMARENA_NR_GLOBAL_STATS);
	if (ioctl(fd, VMARENA_IOC_INFO, &info)) {
		skip_errno(VMARENA, "VMARENA_IOC_INFO", errno);
	} else if (info.free_frames < pages + 16) {
		snprintf(why, sizeof(why),
			 "%llu free frames, too few for %lu pages (arena_mb=)",
			 (unsigned long long)info.free_frames, pages);
		skip(VMARENA, why);
	} else if (n <= VMARENA_STAT_SWAP_INS) {
		skip(VMARENA, n < 0 ? "VMARENA_IOC_STATS failed" :
				      "the module has no swap counters");
	} else {
		vm_attach();
	}
	close(fd);
	/* Each pass sets it; without it (an older module), no readahead row. */
	if (read_file(VM_READAHEAD, vm_readahead, sizeof(vm_readahead)) <= 0)
		vm_readahead[0] = '\0';
}

static void vmarena_cleanup(void)
{
	int ret;

	if (*vm_readahead)
		write_file(VM_READAHEAD, vm_readahead);
	if (!vm_attached)
		return;
	ret = write_file(SWAP_DEV_ATTR, "\n");
	if (ret)
		printf("# vmarena: detaching the swap device: %s\n",
		       strerror(-ret));
}

/* vmarena swap-out of the filled space @fd; pages written or -errno. */
static long long vmarena_pageout(int fd, unsigned int r)
{
	uint64_t s0[VMARENA_NR_GLOBAL_STATS], s1[VMARENA_NR_GLOBAL_STATS];
	uint64_t t0, t1, cpu0, cpu1, busy0, busy1, written;
	int ret;

	vm_stats(fd, VMARENA_STATS_GLOBAL, s0, VMARENA_NR_GLOBAL_STATS);
	busy0 = busy_ns();
	cpu0 = cpu_ns();
	t0 = now_ns();
	ret = vm_set_limit(fd, pages, 1);
	t1 = now_ns();
	cpu1 = cpu_ns();
	busy1 = busy_ns();
	if (ret)
		return ret;
	vm_stats(fd, VMARENA_STATS_GLOBAL, s1, VMARENA_NR_GLOBAL_STATS);
	written = s1[VMARENA_STAT_SWAP_OUTS] - s0[VMARENA_STAT_SWAP_OUTS];
	if (!written)
		return 0;
	result[VMARENA][OUT_RATE][r] = written * 1e9 / (t1 - t0);
	result[VMARENA][OUT_CPU_TASK][r] = (cpu1 - cpu0) / 1e3 / written;
	result[VMARENA][OUT_CPU_ALL][r] = (busy1 - busy0) / 1e3 / written;
	return written;
}

/*
 * Pages read back from slots between two samples of the global counters:
 * those faults asked for and those read ahead with them.
 */
static uint64_t vm_read(const uint64_t *s0, const uint64_t *s1)
{
	return s1[VMARENA_STAT_SWAP_INS] - s0[VMARENA_STAT_SWAP_INS] +
	       s1[VMARENA_STAT_SWAP_READAHEAD] - s0[VMARENA_STAT_SWAP_READAHEAD];
}

/*
 * vmarena swap-in of the space @fd mapped at @p, filled with @tag: every
 * page read once, in @order, with readahead (debugfs swap_readahead as it
 * was found) or without (1), into metric @m (and IN_CPU for IN_COST).
 * A pass after the first evicts the pages again first, which drops them
 * without writing (their slot copies are valid).  -errno or 0.
 */
static int vmarena_swapin(int fd, char *p, unsigned int r, unsigned int tag,
			  long long written, enum order order, bool ahead,
			  enum metric m)
{
	uint64_t s0[VMARENA_NR_GLOBAL_STATS], s1[VMARENA_NR_GLOBAL_STATS];
	uint64_t sp[VMARENA_NR_SPACE_STATS], ns, read;
	unsigned long bad;
	int ret;

	if (!*vm_readahead && m != IN_COST)
		return -ENOENT;
	if (*vm_readahead && write_file(VM_READAHEAD, ahead ? vm_readahead : "1"))
		return -EIO;
	if (m != IN_COST) {
		ret = vm_set_limit(fd, pages, 1);
		if (ret)
			return ret;
	}
	ret = vm_set_limit(fd, pages, pages);
	if (ret)
		return ret;
	vm_stats(fd, VMARENA_STATS_SPACE, sp, VMARENA_NR_SPACE_STATS);
	vm_stats(fd, VMARENA_STATS_GLOBAL, s0, VMARENA_NR_GLOBAL_STATS);
	ns = touch(p, order);
	vm_stats(fd, VMARENA_STATS_GLOBAL, s1, VMARENA_NR_GLOBAL_STATS);
	read = vm_read(s0, s1);
	bad = check(p, tag);
	bad_pages += bad;
	if (m == IN_COST)
		print_round(VMARENA, r, written, sp[VMARENA_SPACE_STAT_SWAPPED],
			    read, bad);
	else
		printf("# %-7s round %u: %s: %llu read, %lu bad\n", "vmarena",
		       r + 1, metric_name[m], (unsigned long long)read, bad);
	if (read) {
		result[VMARENA][m][r] = ns / 1e3 / read;
		if (m == IN_COST)
			result[VMARENA][IN_CPU][r] = touch_cpu_ns / 1e3 / read;
	}
	return 0;
}

static void vmarena_round(unsigned int r)
{
	unsigned int tag = 2 * r + VMARENA + 1;
	long long written;
	char *p;
	int fd, ret;

	fd = open("/dev/vmarena", O_RDWR);
	if (fd < 0) {
		skip_errno(VMARENA, "/dev/vmarena", errno);
		return;
	}
	ret = vm_set_limit(fd, pages, 0);
	if (ret) {
		skip_errno(VMARENA, "VMARENA_IOC_SET_LIMIT", -ret);
		goto out_close;
	}
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		skip_errno(VMARENA, "mmap", errno);
		goto out_close;
	}
	fill(p, tag);
	written = vmarena_pageout(fd, r);
	if (written < 0) {
		skip_errno(VMARENA, "VMARENA_IOC_SET_LIMIT max_resident=1",
			   -written);
		goto out_unmap;
	}
	if (!written) {
		skip(VMARENA, "max_resident=1 swapped nothing out");
		goto out_unmap;
	}
	ret = vmarena_swapin(fd, p, r, tag, written, SEQUENTIAL, false,
			     IN_COST);
	if (!ret)
		ret = vmarena_swapin(fd, p, r, tag, written, SEQUENTIAL, true,
				     IN_AHEAD);
	/* The two random passes in turn first: the disk drifts. */
	if (!ret)
		ret = vmarena_swapin(fd, p, r, tag, written, RANDOM, r % 2,
				     r % 2 ? IN_RANDOM_AHEAD : IN_RANDOM);
	if (!ret)
		ret = vmarena_swapin(fd, p, r, tag, written, RANDOM, !(r % 2),
				     r % 2 ? IN_RANDOM : IN_RANDOM_AHEAD);
	if (ret && ret != -ENOENT)
		skip_errno(VMARENA, "a swap-in pass (SET_LIMIT, swap_readahead)",
			   -ret);
out_unmap:
	munmap(p, pages * PAGE);
out_close:
	close(fd);
}

/* @v[0..n) a random permutation of 0..n-1 (fixed seed, xorshift). */
static void shuffle(unsigned long *v, unsigned long n)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned long i, j, t;

	for (i = 0; i < n; i++)
		v[i] = i;
	for (i = n - 1; i > 0; i--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = x % (i + 1);
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of the figures of @v[rounds] that are there, or NAN. */
static double median(const double *v)
{
	double t[MAX_ROUNDS];
	unsigned int i, n = 0;

	for (i = 0; i < rounds; i++)
		if (!isnan(v[i]))
			t[n++] = v[i];
	if (!n)
		return NAN;
	qsort(t, n, sizeof(*t), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static void print_value(double v, int decimals)
{
	if (isnan(v))
		printf(" %10s", "-");
	else
		printf(" %10.*f", decimals, v);
}

/* The range of the rounds' ratios vmarena / kernel of metric @i. */
static void print_ratios(int i)
{
	double lo = NAN, hi = NAN, x;
	unsigned int r;

	for (r = 0; r < rounds; r++) {
		if (isnan(result[VMARENA][i][r]) || isnan(result[KERNEL][i][r]) ||
		    !result[KERNEL][i][r])
			continue;
		x = result[VMARENA][i][r] / result[KERNEL][i][r];
		if (isnan(lo) || x < lo)
			lo = x;
		if (isnan(hi) || x > hi)
			hi = x;
	}
	if (isnan(lo))
		printf(" %11s\n", "-");
	else
		printf(" %5.2f-%-5.2f\n", lo, hi);
}

/* vmarena's metric @a against its metric @b, round by round. */
static void print_own(int a, int b, const char *what)
{
	double x[MAX_ROUNDS], lo = NAN, hi = NAN;
	unsigned int r;

	for (r = 0; r < rounds; r++) {
		x[r] = result[VMARENA][a][r] / result[VMARENA][b][r];
		if (isinf(x[r]))
			x[r] = NAN;
		if (isnan(x[r]))
			continue;
		if (isnan(lo) || x[r] < lo)
			lo = x[r];
		if (isnan(hi) || x[r] > hi)
			hi = x[r];
	}
	if (!isnan(lo))
		printf("# vmarena %s swap-in, readahead / none: median %.2f, %s %.2f-%.2f\n",
		       what, median(x), "rounds", lo, hi);
}

static void print_table(void)
{
	double m[NR_SIDES];
	int i, s;

	printf("# median of %u rounds of %lu pages; ratio = vmarena / kernel\n",
	       rounds, pages);
	printf("# (of the medians; rounds: the range of each round's)\n");
	printf("%-35s %10s %10s %6s %11s\n", "# metric", "vmarena", "kernel",
	       "ratio", "rounds");
	for (i = 0; i < NR_METRICS; i++) {
		printf("%-35s", metric_name[i]);
		for (s = 0; s < NR_SIDES; s++) {
			m[s] = median(result[s][i]);
			print_value(m[s], i == OUT_RATE ? 0 : 1);
		}
		if (isnan(m[VMARENA]) || isnan(m[KERNEL]) || !m[KERNEL])
			printf(" %6s", "-");
		else
			printf(" %6.2f", m[VMARENA] / m[KERNEL]);
		print_ratios(i);
	}
	print_own(IN_AHEAD, IN_COST, "sequential");
	print_own(IN_RANDOM_AHEAD, IN_RANDOM, "random");
}

int main(int argc, char **argv)
{
	unsigned int r;
	int s, i;

	pages = argc > 1 ? strtoul(argv[1], NULL, 0) : 4096;
	rounds = argc > 2 ? strtoul(argv[2], NULL, 0) : 3;
	if (!pages || !rounds || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: bench_swap [PAGES [ROUNDS (1..%d)]]\n",
			MAX_ROUNDS);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	shuffled = calloc(pages, sizeof(*shuffled));
	if (!shuffled)
		return 1;
	shuffle(shuffled, pages);
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	/* memory.reclaim must take the benchmark's pages, not our own. */
	mlockall(MCL_CURRENT);
	for (s = 0; s < NR_SIDES; s++)
		for (i = 0; i < NR_METRICS; i++)
			for (r = 0; r < MAX_ROUNDS; r++)
				result[s][i][r] = NAN;
	for (s = 0; s < NR_SIDES; s++)
		side_on[s] = true;
	vmarena_setup();
	kernel_setup();
	for (r = 0; r < rounds; r++) {
		if (side_on[VMARENA])
			vmarena_round(r);
		if (side_on[KERNEL])
			kernel_round(r);
	}
	vmarena_cleanup();
	kernel_cleanup();
	print_table();
	if (bad_pages) {
		printf("# FAIL: %lu pages read back with the wrong contents\n",
		       bad_pages);
		return 1;
	}
	return isnan(median(result[VMARENA][OUT_RATE])) &&
	       isnan(median(result[KERNEL][OUT_RATE])) ? 4 : 0;
}
