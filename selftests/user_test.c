// SPDX-License-Identifier: GPL-2.0
/*
 * user_test.c - the device opened beyond root (Documentation/vmarena.rst,
 * "Accounting"; abi.rst, "Who may do what"): the default node refuses
 * other users, a group given the node gets in, every path to more memory
 * stops at the user's limit with -EDQUOT (SIGBUS for an access), the
 * charge goes back to 0 once everything is closed, one user's frames
 * reach another only zeroed, and root is charged but not limited.
 *
 * Runs as root in the VM; the bodies marked "as a user" run in a child
 * that dropped to UID_A or UID_B (user_util.h), with the node opened to
 * its group (as a site's udev rule does: Documentation/vmarena.rst).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "space_util.h"
#include "cow_util.h"
#include "vm_util.h"
#include "paging_util.h"
#include "user_util.h"

/* The limits of the limited fixture: pages and pinned pages per user. */
#define MAXP 64
#define MAXPIN 4

static char page_buf[PAGE];

/* A space's own charge: itself, its frames and its page-table frames. */
static long long own_charge(int fd)
{
	return 1 + space_stat(fd, VMARENA_SPACE_STAT_RESIDENT) +
	       space_stat(fd, VMARENA_SPACE_STAT_PT_FRAMES);
}

static int pwrite_page(int fd, __u64 page, char v)
{
	memset(page_buf, v, PAGE);
	return pwrite(fd, page_buf, PAGE, page * PAGE) == PAGE ? 0 : -errno;
}

FIXTURE(limited) {
	struct stat node;
	long long pages, pinned;
};

FIXTURE_SETUP(limited)
{
	ASSERT_EQ(0, stat(DEV, &self->node));
	self->pages = sys_value("user_max_pages");
	self->pinned = sys_value("user_max_pinned");
	ASSERT_LT(0, self->pages);
	ASSERT_EQ(0, dev_to_group());
	ASSERT_EQ(0, set_user_limits(MAXP, MAXPIN));
	ASSERT_EQ(0, user_settled_pages(UID_A));
}

FIXTURE_TEARDOWN(limited)
{
	set_user_limits(0, 0);
	dev_restore(self->node.st_mode & 07777, self->node.st_gid);
}

/* Runs @body as UID_A; at each sync, the charge is what the child says. */
static void run_and_compare(struct __test_metadata *_metadata,
			    int (*body)(struct as_user *u, void *arg))
{
	struct as_user u;
	int step, steps = 0;

	ASSERT_EQ(0, run_as(&u, UID_A, true, body, NULL));
	while ((step = user_wait(&u)) >= 0) {
		EXPECT_EQ(step, user_field(UID_A, USER_PAGES));
		EXPECT_GE(MAXP, user_field(UID_A, USER_PAGES));
		EXPECT_LT(0, user_field(UID_A, USER_REFUSED));
		steps++;
		user_go(&u);
	}
	EXPECT_EQ(0, user_end(&u));
	EXPECT_LT(0, steps);
	EXPECT_EQ(0, user_settled_pages(UID_A));
}

/* As a user: spaces cost a page each, the one past the limit is refused. */
static int opens_body(struct as_user *u, void *arg)
{
	int fd = -1, n = 0;

	(void)arg;
	while (n <= MAXP && (fd = open(DEV, O_RDWR | O_CLOEXEC)) >= 0)
		n++;
	CHILD_CHECK(fd < 0 && errno == EDQUOT, "open %d: %m", n + 1);
	CHILD_CHECK(n == MAXP, "%d spaces", n);
	user_sync(u, n);
	return 0;
}

TEST_F(limited, opens_stop_at_the_user_limit)
{
	run_and_compare(_metadata, opens_body);
}

/*
 * As a user: first-touch pages until pwrite fails with -EDQUOT; a write
 * through a mapping past that gets SIGBUS, the pages written read back.
 */
static int pages_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), ret = 0;
	volatile char *p;
	__u64 n;

	(void)arg;
	CHILD_CHECK(fd >= 0, "open: %m");
	for (n = 0; n <= MAXP && !(ret = pwrite_page(fd, n, 7)); n++)
		;
	CHILD_CHECK(ret == -EDQUOT, "pwrite of page %llu: %d", n, ret);
	p = map(fd, n + 1, 0);
	CHILD_CHECK(p, "mmap: %m");
	CHILD_CHECK(!touch_survives_sigbus(p + n * PAGE), "page %llu", n);
	CHILD_CHECK(p[0] == 7 && p[(n - 1) * PAGE] == 7, "pages written");
	CHILD_CHECK(space_stat(fd, VMARENA_SPACE_STAT_USER_PAGES) ==
		    (__u64)own_charge(fd), "STATS: user_pages %llu",
		    space_stat(fd, VMARENA_SPACE_STAT_USER_PAGES));
	user_sync(u, own_charge(fd));
	return 0;
}

TEST_F(limited, first_touch_pages_stop_at_the_user_limit)
{
	run_and_compare(_metadata, pages_body);
}

/*
 * As a user: pages a GiB apart, each on a path of page-table nodes of its
 * own, until one is refused; the nodes are in the charge.
 */
static int pt_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), ret = 0;
	__u64 n;

	(void)arg;
	CHILD_CHECK(fd >= 0, "open: %m");
	for (n = 0; n <= MAXP && !(ret = pwrite_page(fd, n << 18, 1)); n++)
		;
	CHILD_CHECK(ret == -EDQUOT, "page %llu: %d", n, ret);
	CHILD_CHECK(space_stat(fd, VMARENA_SPACE_STAT_PT_FRAMES) >= 2 * n,
		    "%llu pages, %llu table frames", n,
		    space_stat(fd, VMARENA_SPACE_STAT_PT_FRAMES));
	user_sync(u, own_charge(fd));
	return 0;
}

TEST_F(limited, page_table_growth_stops_at_the_user_limit)
{
	run_and_compare(_metadata, pt_body);
}

/*
 * As a user: a clone's copy-on-write breaks are its user's: 40 pages, a
 * clone (a space and its table), then writes to the clone until refused.
 */
static int cow_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), c, ret = 0;
	long long before;
	__u64 n;

	(void)arg;
	CHILD_CHECK(fd >= 0, "open: %m");
	for (n = 0; n < 40; n++)
		CHILD_CHECK(!pwrite_page(fd, n, 1), "page %llu", n);
	c = clone_space(fd);
	CHILD_CHECK(c >= 0, "clone: %d", c);
	before = space_stat(c, VMARENA_SPACE_STAT_RESIDENT);
	for (n = 0; n < 40 && !(ret = pwrite_page(c, n, 2)); n++)
		;
	CHILD_CHECK(ret == -EDQUOT, "write %llu of the clone: %d", n, ret);
	CHILD_CHECK(space_stat(c, VMARENA_SPACE_STAT_RESIDENT) == before + n,
		    "copies charged to the clone");
	user_sync(u, own_charge(fd) + own_charge(c));
	return 0;
}

TEST_F(limited, copy_on_write_breaks_stop_at_the_user_limit)
{
	run_and_compare(_metadata, cow_body);
}

/* As a user: clones of a one-page space until CLONE fails -EDQUOT. */
static int clones_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), c = 0, n = 0;
	long long charge;

	(void)arg;
	CHILD_CHECK(fd >= 0, "open: %m");
	CHILD_CHECK(!pwrite_page(fd, 0, 1), "page 0");
	charge = own_charge(fd);
	while (n <= MAXP && (c = clone_space(fd)) >= 0) {
		charge += own_charge(c);
		n++;
	}
	/* A clone of it costs a space and a table of 4 nodes. */
	CHILD_CHECK(c == -EDQUOT, "clone %d: %d", n + 1, c);
	CHILD_CHECK(n > 0 && charge > MAXP - 5, "%d clones, charge %lld", n,
		    charge);
	user_sync(u, charge);
	return 0;
}

TEST_F(limited, clones_stop_at_the_user_limit)
{
	run_and_compare(_metadata, clones_body);
}

/*
 * As a user: checkpoints, each followed by a rewrite of the 8 pages, until
 * CHECKPOINT or a write is refused.  Checkpoint tables and the rewrites'
 * copies are charged: the charge ends at most 4 pages (one table) short.
 */
static int ckpt_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), ret = 0, v = 1;
	__u64 n, gen = 0;

	(void)arg;
	CHILD_CHECK(fd >= 0, "open: %m");
	for (n = 0; n < 8; n++)
		CHILD_CHECK(!pwrite_page(fd, n, v), "page %llu", n);
	while (!ret && v < MAXP) {
		ret = ckpt_call(fd, VMARENA_IOC_CHECKPOINT, &gen, NULL);
		for (n = 0, v++; !ret && n < 8; n++)
			ret = pwrite_page(fd, n, v);
	}
	CHILD_CHECK(ret == -EDQUOT, "generation %llu, rewrite %d: %d", gen, v,
		    ret);
	CHILD_CHECK(gen > 1, "%llu generations", gen);
	user_sync(u, 0);
	return 0;
}

/* Runs @body as UID_A; at its one sync, the charge is at most @short short. */
static void run_and_bound(struct __test_metadata *_metadata,
			  int (*body)(struct as_user *u, void *arg), int shortfall)
{
	struct as_user u;
	int steps = 0;

	ASSERT_EQ(0, run_as(&u, UID_A, true, body, NULL));
	while (user_wait(&u) >= 0) {
		EXPECT_GE(MAXP, user_field(UID_A, USER_PAGES));
		EXPECT_LE(MAXP - shortfall, user_field(UID_A, USER_PAGES));
		EXPECT_LT(0, user_field(UID_A, USER_REFUSED));
		steps++;
		user_go(&u);
	}
	EXPECT_EQ(0, user_end(&u));
	EXPECT_EQ(1, steps);
	EXPECT_EQ(0, user_settled_pages(UID_A));
}

TEST_F(limited, checkpoints_and_rewrites_stop_at_the_user_limit)
{
	run_and_bound(_metadata, ckpt_body, 4);
}

/*
 * As a user: a 4-page generation exported once, then imported into new
 * spaces until an open or IMPORT is refused; each import is 4 pages and a
 * table of 4, so the charge ends at most 8 short.
 */
static int imports_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), in, to = 0, ret = 0;
	struct vmarena_export e = { 0 };
	struct vmarena_import im;
	__u64 n, gen = 0;

	(void)arg;
	CHILD_CHECK(fd >= 0, "open: %m");
	for (n = 0; n < 4; n++)
		CHILD_CHECK(!pwrite_page(fd, n, 5), "page %llu", n);
	CHILD_CHECK(!ckpt_call(fd, VMARENA_IOC_CHECKPOINT, &gen, NULL), "ckpt");
	in = memfd_create("stream", MFD_CLOEXEC);
	e.fd = in;
	e.generation = gen;
	CHILD_CHECK(!ioctl(fd, VMARENA_IOC_EXPORT, &e), "export: %m");
	for (n = 0; !ret && n <= MAXP; n++) {
		to = open(DEV, O_RDWR | O_CLOEXEC);
		if (to < 0) {
			ret = -errno;
			break;
		}
		lseek(in, 0, SEEK_SET);
		im = (struct vmarena_import){ .fd = in };
		ret = ioctl(to, VMARENA_IOC_IMPORT, &im) ? -errno : 0;
	}
	CHILD_CHECK(ret == -EDQUOT, "import %llu: %d", n, ret);
	CHILD_CHECK(n > 1, "%llu imports", n);
	user_sync(u, 0);
	return 0;
}

TEST_F(limited, imports_stop_at_the_user_limit)
{
	run_and_bound(_metadata, imports_body, 8);
}

/*
 * As a user: a generation of page 0, then a page a GiB away (2 nodes of
 * its own in the live table) and its neighbours up to the limit; a
 * GET_DIRTY with REARM of that page would add those 2 nodes to the
 * generation's table, and is refused.
 */
static int rearm_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), ret = 0;
	__u64 gen = 0, n, bitmap = 0, far = 1ULL << 18;
	struct vmarena_dirty d = { .offset = far * PAGE, .pages = 1,
				   .bitmap = (uintptr_t)&bitmap,
				   .flags = VMARENA_DIRTY_REARM };

	(void)arg;
	CHILD_CHECK(fd >= 0, "open: %m");
	CHILD_CHECK(!pwrite_page(fd, 0, 1), "page 0");
	CHILD_CHECK(!ckpt_call(fd, VMARENA_IOC_CHECKPOINT, &gen, NULL), "ckpt");
	for (n = 0; n <= MAXP && !(ret = pwrite_page(fd, far + n, 2)); n++)
		;
	CHILD_CHECK(ret == -EDQUOT && n > 0, "page %llu: %d", far + n, ret);
	d.generation = gen;
	ret = ioctl(fd, VMARENA_IOC_GET_DIRTY, &d) ? -errno : 0;
	CHILD_CHECK(ret == -EDQUOT, "REARM at the limit: %d", ret);
	d.flags = 0;
	CHILD_CHECK(!ioctl(fd, VMARENA_IOC_GET_DIRTY, &d) && bitmap == 1,
		    "the page is still changed since the generation");
	user_sync(u, 0);
	return 0;
}

TEST_F(limited, get_dirty_rearm_stops_at_the_user_limit)
{
	run_and_bound(_metadata, rearm_body, 0);
}

/* As a user: pins stop at the pin limit, and an unpin makes room. */
static int pins_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	(void)arg;
	CHILD_CHECK(fd >= 0, "open: %m");
	CHILD_CHECK(!range_ioctl(fd, VMARENA_IOC_PIN, 0, MAXPIN * PAGE),
		    "pin of %d: %m", MAXPIN);
	CHILD_CHECK(range_ioctl(fd, VMARENA_IOC_PIN, MAXPIN * PAGE, PAGE) &&
		    errno == EDQUOT, "one more pin: %m");
	CHILD_CHECK(!range_ioctl(fd, VMARENA_IOC_PIN, 0, MAXPIN * PAGE),
		    "pinned pages pinned again: %m");
	CHILD_CHECK(space_stat(fd, VMARENA_SPACE_STAT_USER_PINNED) == MAXPIN,
		    "STATS: user_pinned");
	user_sync(u, MAXPIN);
	CHILD_CHECK(!range_ioctl(fd, VMARENA_IOC_UNPIN, 0, PAGE), "unpin");
	CHILD_CHECK(!range_ioctl(fd, VMARENA_IOC_PIN, MAXPIN * PAGE, PAGE),
		    "a pin after an unpin: %m");
	user_sync(u, MAXPIN);
	return 0;
}

TEST_F(limited, pins_stop_at_the_user_pin_limit)
{
	struct as_user u;
	int step, steps = 0;

	ASSERT_EQ(0, run_as(&u, UID_A, true, pins_body, NULL));
	while ((step = user_wait(&u)) >= 0) {
		EXPECT_EQ(step, user_field(UID_A, USER_PINNED));
		steps++;
		user_go(&u);
	}
	EXPECT_EQ(0, user_end(&u));
	EXPECT_EQ(2, steps);
	EXPECT_EQ(0, user_settled_pages(UID_A));
	EXPECT_EQ(0, user_field(UID_A, USER_PINNED));
}

/* As a user: another user at its limit does not stop this one. */
static int one_space_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	(void)arg;
	CHILD_CHECK(fd >= 0, "open: %m");
	CHILD_CHECK(!pwrite_page(fd, 0, 3), "a page: %m");
	user_sync(u, own_charge(fd));
	return 0;
}

TEST_F(limited, each_user_has_a_limit_of_its_own)
{
	struct as_user a, b;
	int step;

	ASSERT_EQ(0, run_as(&a, UID_A, true, opens_body, NULL));
	ASSERT_EQ(MAXP, user_wait(&a));
	ASSERT_EQ(0, run_as(&b, UID_B, true, one_space_body, NULL));
	step = user_wait(&b);
	EXPECT_LT(0, step);
	EXPECT_EQ(step, user_field(UID_B, USER_PAGES));
	EXPECT_EQ(MAXP, user_field(UID_A, USER_PAGES));
	user_go(&b);
	EXPECT_EQ(0, user_end(&b));
	user_go(&a);
	EXPECT_EQ(0, user_end(&a));
	EXPECT_EQ(0, user_settled_pages(UID_A));
	EXPECT_EQ(0, user_settled_pages(UID_B));
}

/* Root's spaces are charged, and the limits do not apply to them. */
TEST_F(limited, root_is_charged_but_not_limited)
{
	int fds[MAXP + 8], i;
	long long before = user_field(0, USER_PAGES);

	for (i = 0; i < MAXP + 8; i++) {
		fds[i] = open(DEV, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fds[i]);
	}
	EXPECT_LE(before + MAXP + 8, user_field(0, USER_PAGES));
	for (i = 0; i < MAXP + 8; i++)
		close(fds[i]);
}

/* As a user: the limits are root's to write. */
static int write_limit_body(struct as_user *u, void *arg)
{
	(void)u;
	(void)arg;
	CHILD_CHECK(write_str(SYS_USER "user_max_pages", "1000000") == -EACCES,
		    "user_max_pages written by a user");
	CHILD_CHECK(write_str(SYS_USER "user_max_pinned", "1000000") == -EACCES,
		    "user_max_pinned written by a user");
	return 0;
}

TEST_F(limited, only_root_sets_the_limits)
{
	struct as_user u;

	ASSERT_EQ(0, run_as(&u, UID_A, true, write_limit_body, NULL));
	EXPECT_EQ(-1, user_wait(&u));
	EXPECT_EQ(0, user_end(&u));
	EXPECT_EQ(MAXP, sys_value("user_max_pages"));
	EXPECT_EQ(MAXPIN, sys_value("user_max_pinned"));
}

/*
 * The defaults: half of the arena and the swap device's usable slots
 * together, a quarter of the arena for pins; debugfs users shows them.
 */
TEST_F(limited, the_default_limits_share_the_arena_and_swap_by_half)
{
	long long frames = debugfs_value("stats", "arena_frames");
	long long slots = debugfs_value("stats", "swap_slots");
	long long retired = debugfs_value("stats", "swap_slots_retired");

	ASSERT_EQ(0, set_user_limits(0, 0));
	ASSERT_LT(0, frames);
	ASSERT_LE(0, slots);
	EXPECT_EQ((frames + slots - retired) / 2,
		  sys_value("user_max_pages"));
	EXPECT_EQ(frames / 4, sys_value("user_max_pinned"));
	EXPECT_EQ((frames + slots - retired) / 2,
		  debugfs_value("users", "user_max_pages"));
	EXPECT_EQ(frames / 4, debugfs_value("users", "user_max_pinned"));
}

/*
 * As UID_A: @arg pages written with 0xa5 through mappings of 4 spaces (a
 * space's default cap is half the arena); the step is the first space's
 * fd, for UID_B to try to reach through /proc.
 */
static int fill_body(struct as_user *u, void *arg)
{
	long long i, n = *(long long *)arg / 4;
	int fd[4], s;
	char *p;

	for (s = 0; s < 4; s++) {
		fd[s] = open(DEV, O_RDWR | O_CLOEXEC);
		CHILD_CHECK(fd[s] >= 0, "open: %m");
		p = map(fd[s], n, 0);
		CHILD_CHECK(p, "mmap: %m");
		for (i = 0; i < n; i++)
			memset(p + i * PAGE, 0xa5, PAGE);
	}
	user_sync(u, fd[0]);
	return 0;
}

/* As UID_B: UID_A's space, by its fd in /proc, is out of reach. */
static int reach_body(struct as_user *u, void *arg)
{
	char path[64];

	(void)u;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", ((int *)arg)[0],
		 ((int *)arg)[1]);
	CHILD_CHECK(open(path, O_RDWR) < 0 && errno == EACCES, "%s: %m", path);
	CHILD_CHECK(open(path, O_RDONLY) < 0 && errno == EACCES, "%s: %m",
		    path);
	return 0;
}

/* As UID_B: @arg pages first touched by a write at their end read zeros. */
static int zeros_body(struct as_user *u, void *arg)
{
	long long i, j, n = *(long long *)arg / 4, dirty = 0;
	int fd, s;
	char *p;

	(void)u;
	for (s = 0; s < 4; s++) {
		fd = open(DEV, O_RDWR | O_CLOEXEC);
		CHILD_CHECK(fd >= 0, "open: %m");
		p = map(fd, n, 0);
		CHILD_CHECK(p, "mmap: %m");
		for (i = 0; i < n; i++) {
			p[i * PAGE + PAGE - 1] = 1;
			for (j = 0; j < (long long)PAGE - 1; j++)
				if (p[i * PAGE + j]) {
					dirty++;
					break;
				}
		}
	}
	CHILD_CHECK(!dirty, "%lld of %lld pages were not zeroed", dirty, 4 * n);
	return 0;
}

/*
 * Two users: the first fills nearly every free frame of the arena with
 * 0xa5 and closes; the second, which could not reach the first's space
 * meanwhile, then first-touches as many pages: at most 256 of its frames
 * can be frames the first did not write, so nearly all are reused, and
 * every page reads zeros: frames are zeroed before reuse.
 */
TEST_F(limited, a_frame_one_user_freed_reaches_the_next_only_zeroed)
{
	long long n = debugfs_value("stats", "free_frames") - 256;
	struct as_user a, b;
	int ids[2];

	ASSERT_LT(8 * 256, n);
	ASSERT_EQ(0, set_user_limits(2 * n, 0));
	ASSERT_EQ(0, run_as(&a, UID_A, true, fill_body, &n));
	ids[0] = a.pid;
	ids[1] = user_wait(&a);
	ASSERT_LT(0, ids[1]);
	EXPECT_LE(n, user_field(UID_A, USER_PAGES));
	ASSERT_EQ(0, run_as(&b, UID_B, true, reach_body, ids));
	EXPECT_EQ(-1, user_wait(&b));
	EXPECT_EQ(0, user_end(&b));
	user_go(&a);
	EXPECT_EQ(0, user_end(&a));
	EXPECT_EQ(0, user_settled_pages(UID_A));
	ASSERT_EQ(0, run_as(&b, UID_B, true, zeros_body, &n));
	EXPECT_EQ(-1, user_wait(&b));
	EXPECT_EQ(0, user_end(&b));
	EXPECT_EQ(0, user_settled_pages(UID_B));
}

/*
 * As UID_A: a space written up to the user's limit, its fd handed to
 * UID_B over the socket @arg; after the first go, its pages discarded.
 */
static int owner_body(struct as_user *u, void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), ro, ret = 0;
	__u64 n;

	CHILD_CHECK(fd >= 0, "open: %m");
	for (n = 0; n <= MAXP && !(ret = pwrite_page(fd, n, 1)); n++)
		;
	CHILD_CHECK(ret == -EDQUOT, "page %llu: %d", n, ret);
	ro = open(DEV, O_RDONLY | O_CLOEXEC);
	CHILD_CHECK(ro < 0 && errno == EDQUOT, "a space past the limit");
	CHILD_CHECK(!send_fd(*(int *)arg, fd), "send_fd: %m");
	user_sync(u, n);
	CHILD_CHECK(!range_ioctl(fd, VMARENA_IOC_DISCARD, 0, n * PAGE),
		    "discard: %m");
	user_sync(u, n);
	return 0;
}

/*
 * As UID_B: CLONE of the fd UID_A handed over (A being at its limit), then,
 * once A discarded its pages (the clone's frames are still charged to A),
 * a second space of B's own, and a PIN of every page of the clone, which
 * would move more frames to B than its limit leaves room for.
 */
static int cloner_body(struct as_user *u, void *arg)
{
	int fd = recv_fd(*(int *)arg), c, own, ret = 0;
	__u64 pages, n;

	CHILD_CHECK(fd >= 0, "recv_fd");
	c = clone_space(fd);
	CHILD_CHECK(c >= 0, "CLONE of another user's space at its limit: %d", c);
	close(fd);
	pages = space_stat(c, VMARENA_SPACE_STAT_PAGES);
	user_sync(u, own_charge(c));
	own = open(DEV, O_RDWR | O_CLOEXEC);
	CHILD_CHECK(own >= 0, "open: %m");
	for (n = 0; n < MAXP / 2 && !ret; n++)
		ret = pwrite_page(own, n, 2);
	CHILD_CHECK(!ret, "own pages: %d", ret);
	CHILD_CHECK(range_ioctl(c, VMARENA_IOC_PIN, 0, pages * PAGE) &&
		    errno == EDQUOT, "PIN of %llu frames A was charged for: %m",
		    pages);
	user_sync(u, 0);
	return 0;
}

/*
 * A clone belongs to the cloner: its table is checked against the
 * cloner's limit, not the owner's (the owner is at its limit here); and
 * frames a PIN moves from another user's charge are checked against the
 * pinner's.
 */
TEST_F(limited, a_clone_and_the_frames_it_pins_are_the_cloners)
{
	struct as_user a, b;
	int sv[2], pages, step;

	ASSERT_EQ(0, set_user_limits(MAXP, 2 * MAXP));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, run_as(&a, UID_A, true, owner_body, &sv[0]));
	ASSERT_EQ(0, run_as(&b, UID_B, true, cloner_body, &sv[1]));
	pages = user_wait(&a);
	ASSERT_LT(0, pages);
	EXPECT_EQ(MAXP, user_field(UID_A, USER_PAGES));
	step = user_wait(&b);
	ASSERT_LT(0, step);
	EXPECT_EQ(step, user_field(UID_B, USER_PAGES));
	EXPECT_EQ(MAXP, user_field(UID_A, USER_PAGES));
	user_go(&a);
	EXPECT_EQ(pages, user_wait(&a));	/* discarded */
	user_go(&b);
	EXPECT_EQ(0, user_wait(&b));		/* pinned, refused */
	EXPECT_GE(MAXP, user_field(UID_B, USER_PAGES));
	EXPECT_LT(0, user_field(UID_B, USER_REFUSED));
	user_go(&b);
	EXPECT_EQ(0, user_end(&b));
	user_go(&a);
	EXPECT_EQ(0, user_end(&a));
	close(sv[0]);
	close(sv[1]);
	EXPECT_EQ(0, user_settled_pages(UID_A));
	EXPECT_EQ(0, user_settled_pages(UID_B));
}

/* errno of an ioctl, 0 for success. */
static int ioctl_errno(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/*
 * As a user: every changing command on an O_RDONLY fd of its own space is
 * -EBADF and changes nothing, and a clone of that fd is read-only too.
 */
static int read_only_body(struct as_user *u, void *arg)
{
	struct vmarena_range r = { .offset = 0, .length = PAGE };
	struct vmarena_limit l = { .max_pages = 1 };
	struct vmarena_ckpt c = { .generation = 1 };
	struct vmarena_import im = { .fd = 0 };
	__u64 bitmap = 0;
	struct vmarena_dirty d = { .generation = 1, .pages = 1,
				   .bitmap = (uintptr_t)&bitmap,
				   .flags = VMARENA_DIRTY_REARM };
	int ro = open(DEV, O_RDONLY | O_CLOEXEC), cl;
	volatile char *p;
	char b = 1;

	(void)u;
	(void)arg;
	CHILD_CHECK(ro >= 0, "open: %m");
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
	CHILD_CHECK(p != MAP_FAILED, "read-only mmap: %m");
	CHILD_CHECK(!p[0], "a read fault");
	CHILD_CHECK(ioctl_errno(ro, VMARENA_IOC_DISCARD, &r) == EBADF, "DISCARD");
	CHILD_CHECK(ioctl_errno(ro, VMARENA_IOC_PIN, &r) == EBADF, "PIN");
	CHILD_CHECK(ioctl_errno(ro, VMARENA_IOC_UNPIN, &r) == EBADF, "UNPIN");
	CHILD_CHECK(ioctl_errno(ro, VMARENA_IOC_SET_LIMIT, &l) == EBADF,
		    "SET_LIMIT");
	CHILD_CHECK(ioctl_errno(ro, VMARENA_IOC_CHECKPOINT, &c) == EBADF,
		    "CHECKPOINT");
	CHILD_CHECK(ioctl_errno(ro, VMARENA_IOC_RESTORE, &c) == EBADF,
		    "RESTORE");
	CHILD_CHECK(ioctl_errno(ro, VMARENA_IOC_CKPT_DROP, &c) == EBADF,
		    "CKPT_DROP");
	CHILD_CHECK(ioctl_errno(ro, VMARENA_IOC_IMPORT, &im) == EBADF, "IMPORT");
	CHILD_CHECK(ioctl_errno(ro, VMARENA_IOC_GET_DIRTY, &d) == EBADF,
		    "GET_DIRTY with REARM");
	CHILD_CHECK(pwrite(ro, &b, 1, 0) < 0 && errno == EBADF, "pwrite");
	CHILD_CHECK(space_stat(ro, VMARENA_SPACE_STAT_PAGES) == 1 &&
		    space_stat(ro, VMARENA_SPACE_STAT_PINNED) == 0 &&
		    space_stat(ro, VMARENA_SPACE_STAT_CHECKPOINTS) == 0 &&
		    space_stat(ro, VMARENA_SPACE_STAT_MAX_PAGES) > 1,
		    "the space changed");
	cl = clone_space(ro);
	CHILD_CHECK(cl >= 0, "clone of a read-only fd: %d", cl);
	CHILD_CHECK(pwrite(cl, &b, 1, 0) < 0 && errno == EBADF, "clone pwrite");
	CHILD_CHECK(ioctl_errno(cl, VMARENA_IOC_PIN, &r) == EBADF, "clone PIN");
	CHILD_CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, cl, 0) ==
		    MAP_FAILED && errno == EACCES, "a writable mapping of the clone");
	return 0;
}

TEST_F(limited, a_users_read_only_fd_changes_nothing)
{
	struct as_user u;

	ASSERT_EQ(0, set_user_limits(0, 0));
	/* The read fault makes a page for the commands to leave alone. */
	ASSERT_EQ(0, set_zero_page(false));
	EXPECT_EQ(0, run_as(&u, UID_A, true, read_only_body, NULL));
	EXPECT_EQ(-1, user_wait(&u));
	EXPECT_EQ(0, user_end(&u));
	ASSERT_LE(0, zero_page_default());
	EXPECT_EQ(0, user_settled_pages(UID_A));
}

/* The node's default, 0600 and root's, refuses others. */
static int open_refused_body(struct as_user *u, void *arg)
{
	(void)u;
	(void)arg;
	CHILD_CHECK(open(DEV, O_RDWR) < 0 && errno == EACCES, "O_RDWR: %m");
	CHILD_CHECK(open(DEV, O_RDONLY) < 0 && errno == EACCES, "O_RDONLY: %m");
	return 0;
}

TEST(the_default_node_is_0600_and_refuses_other_users)
{
	struct as_user u;
	struct stat st;

	ASSERT_EQ(0, stat(DEV, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
	ASSERT_EQ(0, run_as(&u, UID_A, true, open_refused_body, NULL));
	EXPECT_EQ(-1, user_wait(&u));
	EXPECT_EQ(0, user_end(&u));
}

/* With the node given to a group, its members get in and others do not. */
TEST_F(limited, a_group_given_the_node_lets_in_its_members_only)
{
	struct as_user u;

	ASSERT_EQ(0, run_as(&u, UID_B, false, open_refused_body, NULL));
	EXPECT_EQ(-1, user_wait(&u));
	EXPECT_EQ(0, user_end(&u));
	ASSERT_EQ(0, run_as(&u, UID_B, true, one_space_body, NULL));
	EXPECT_LT(0, user_wait(&u));
	user_go(&u);
	EXPECT_EQ(0, user_end(&u));
	EXPECT_EQ(0, user_settled_pages(UID_B));
}

TEST_HARNESS_MAIN
