// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt_test.c - checkpoints: CHECKPOINT, RESTORE, CKPT_LIST, CKPT_DROP
 * and GET_DIRTY.  The swapped-page cases are in paging_test.c.
 *
 * Runs in the VM, as root, with the module loaded (run_vmarena.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/userfaultfd.h>
#include <linux/vmarena.h>

#include "kselftest_harness.h"

#include "space_util.h"
#include "cow_util.h"

#define N 128
#define GENS 6

/* One byte a page stands for its contents: the test fills whole pages. */
FIXTURE(gens) {
	int fd;
	char *p;
	unsigned char model[GENS + 1][N];	/* [g]: contents at gen g */
	__u64 gen[GENS + 1];
};

FIXTURE_SETUP(gens)
{
	self->fd = open_space(_metadata);
	self->p = map(self->fd, N, 0);
	ASSERT_NE(NULL, self->p);
	srand(42);
}

FIXTURE_TEARDOWN(gens)
{
	munmap(self->p, N * PAGE);
	close(self->fd);
}

/* Random writes (and a few discards) to the space and the model. */
static void scribble(char *p, unsigned char *now, unsigned int writes)
{
	unsigned int i, page;

	for (i = 0; i < writes; i++) {
		page = rand() % N;
		now[page] = 1 + rand() % 255;
		fill_page(p, page, now[page]);
	}
}

/* The space's N pages, against a byte a page. */
#define matches(p, model) pages_match(p, model, N)

TEST_F(gens, restore_to_each_generation_in_turn_gives_its_data)
{
	static const unsigned int order[] = { 3, 1, 6, 2, 5, 4, 1 };
	unsigned char now[N] = { 0 };
	unsigned int g, i;

	for (g = 1; g <= GENS; g++) {
		scribble(self->p, now, 40);
		memcpy(self->model[g], now, N);
		self->gen[g] = checkpoint(self->fd);
		ASSERT_EQ(g, self->gen[g]);
	}
	scribble(self->p, now, 40);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		g = order[i];
		ASSERT_EQ(0, restore(self->fd, self->gen[g]));
		/* The mapping made before the restore sees the generation. */
		ASSERT_TRUE(matches(self->p, self->model[g]));
		/* And writes after a restore do not reach the generation. */
		scribble(self->p, now, 10);
	}
	EXPECT_EQ(GENS, space_stat(self->fd, VMARENA_SPACE_STAT_CHECKPOINTS));
	EXPECT_EQ(ARRAY_SIZE(order), space_stat(self->fd, VMARENA_SPACE_STAT_RESTORES));
}

TEST_F(gens, get_dirty_is_exactly_the_pages_written_not_read)
{
	unsigned char now[N] = { 0 }, wrote[N] = { 0 };
	__u64 bitmap[N / 64], gen;
	unsigned int i, page, n = 0;
	volatile char sink;

	scribble(self->p, now, 200);
	gen = checkpoint(self->fd);
	ASSERT_NE(0, gen);
	for (i = 0; i < 30; i++) {
		page = rand() % N;
		self->p[page * PAGE + 7] = 1;
		n += !wrote[page];
		wrote[page] = 1;
	}
	for (i = 0; i < N; i++)
		sink = self->p[i * PAGE];	/* reads are not writes */
	(void)sink;
	ASSERT_EQ(n, get_dirty(self->fd, gen, N, bitmap, 0));
	for (i = 0; i < N; i++)
		ASSERT_EQ(wrote[i], bit_of(bitmap, i));
}

TEST_F(gens, discard_and_first_write_count_as_changes)
{
	__u64 bitmap[N / 64], gen;

	fill_page(self->p, 0, 1);
	fill_page(self->p, 1, 2);
	gen = checkpoint(self->fd);
	ASSERT_EQ(0, discard(self->fd, 0, PAGE));
	fill_page(self->p, 9, 9);
	EXPECT_EQ(0, self->p[10 * PAGE]);	/* a read of a hole: no change */
	ASSERT_EQ(2, get_dirty(self->fd, gen, N, bitmap, 0));
	EXPECT_TRUE(bit_of(bitmap, 0));
	EXPECT_TRUE(bit_of(bitmap, 9));
	EXPECT_FALSE(bit_of(bitmap, 1));
}

TEST_F(gens, rearm_moves_the_generation_so_only_later_writes_are_reported)
{
	__u64 bitmap[N / 64], gen;

	fill_page(self->p, 3, 3);
	gen = checkpoint(self->fd);
	fill_page(self->p, 4, 4);
	fill_page(self->p, 5, 5);
	ASSERT_EQ(2, get_dirty(self->fd, gen, N, bitmap, VMARENA_DIRTY_REARM));
	ASSERT_EQ(0, get_dirty(self->fd, gen, N, bitmap, 0));
	fill_page(self->p, 5, 6);
	ASSERT_EQ(1, get_dirty(self->fd, gen, N, bitmap, 0));
	EXPECT_TRUE(bit_of(bitmap, 5));
	/* The generation now holds what the space held at the re-arm. */
	ASSERT_EQ(0, restore(self->fd, gen));
	EXPECT_TRUE(page_is(self->p, 4, 4));
	EXPECT_TRUE(page_is(self->p, 5, 5));
}

TEST_F(gens, taking_a_checkpoint_copies_no_data)
{
	__u64 resident, free0, pages = 0, gen = 0;
	unsigned int i;

	for (i = 0; i < N; i++)
		fill_page(self->p, i, i);
	resident = global_stat(self->fd, VMARENA_STAT_RESIDENT);
	free0 = global_stat(self->fd, VMARENA_STAT_FREE_FRAMES);
	ASSERT_EQ(0, ckpt_call(self->fd, VMARENA_IOC_CHECKPOINT, &gen, &pages));
	EXPECT_EQ(N, pages);
	EXPECT_EQ(resident, global_stat(self->fd, VMARENA_STAT_RESIDENT));
	/* Only metadata: a path of 4 page-table nodes, and a slab. */
	EXPECT_GE(5, free0 - global_stat(self->fd, VMARENA_STAT_FREE_FRAMES));
	/* Each page written afterwards costs one frame. */
	for (i = 0; i < 10; i++)
		self->p[i * PAGE] = 1;
	EXPECT_EQ(resident + 10, global_stat(self->fd, VMARENA_STAT_RESIDENT));
}

TEST_F(gens, drop_frees_exactly_the_pages_only_that_generation_held)
{
	struct vmarena_ckpt_info info[2];
	struct vmarena_ckpt_list l = { .count = 2, .entries = (uintptr_t)info };
	__u64 g1, g2, freed, res;
	unsigned int i;

	for (i = 0; i < 20; i++)
		fill_page(self->p, i, 1);
	g1 = checkpoint(self->fd);
	for (i = 0; i < 8; i++)
		fill_page(self->p, i, 2);
	g2 = checkpoint(self->fd);
	ASSERT_EQ(0, ioctl(self->fd, VMARENA_IOC_CKPT_LIST, &l));
	ASSERT_EQ(2, l.count);
	EXPECT_EQ(g1, info[0].generation);
	EXPECT_EQ(20, info[0].pages);
	EXPECT_EQ(8, info[0].private);
	EXPECT_EQ(0, info[1].private);
	res = global_stat(self->fd, VMARENA_STAT_RESIDENT);
	freed = g1;
	ASSERT_EQ(0, ckpt_call(self->fd, VMARENA_IOC_CKPT_DROP, &freed, NULL));
	EXPECT_EQ(res - 8, global_stat(self->fd, VMARENA_STAT_RESIDENT));
	EXPECT_EQ(-ENOENT, restore(self->fd, g1));
	EXPECT_EQ(0, restore(self->fd, g2));
	for (i = 0; i < 20; i++)
		ASSERT_TRUE(page_is(self->p, i, i < 8 ? 2 : 1));
}

TEST(drop_reports_the_pages_it_freed)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 4, 0);
	__u64 gen, freed = 0;
	struct vmarena_ckpt c = { 0 };

	ASSERT_NE(NULL, p);
	fill_page(p, 0, 1);
	fill_page(p, 1, 1);
	gen = checkpoint(fd);
	fill_page(p, 0, 2);
	c.generation = gen;
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_CKPT_DROP, &c));
	freed = c.pages;
	EXPECT_EQ(1, freed);
	munmap(p, 4 * PAGE);
	close(fd);
}

TEST(at_most_ckpt_max_generations_then_enospc)
{
	int fd = open_space(_metadata);
	__u64 gen = 0;
	unsigned int i;

	for (i = 0; i < VMARENA_CKPT_MAX; i++)
		ASSERT_NE(0, checkpoint(fd));
	EXPECT_EQ(-ENOSPC, ckpt_call(fd, VMARENA_IOC_CHECKPOINT, &gen, NULL));
	gen = 1;
	ASSERT_EQ(0, ckpt_call(fd, VMARENA_IOC_CKPT_DROP, &gen, NULL));
	EXPECT_EQ(VMARENA_CKPT_MAX + 1, checkpoint(fd));
	close(fd);
}

TEST(bad_arguments_are_refused_and_change_nothing)
{
	int fd = open_space(_metadata);
	struct vmarena_ckpt c = { .reserved = { 1 } };
	__u64 bitmap[1], gen;
	struct vmarena_dirty d = { .pages = 1, .bitmap = (uintptr_t)bitmap };

	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_CHECKPOINT, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, space_stat(fd, VMARENA_SPACE_STAT_CHECKPOINTS));
	EXPECT_EQ(-ENOENT, restore(fd, 7));
	gen = checkpoint(fd);
	d.generation = gen;
	d.flags = 2;
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_GET_DIRTY, &d));
	EXPECT_EQ(EINVAL, errno);
	d.flags = 0;
	d.pages = VMARENA_DIRTY_MAX + 1;
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_GET_DIRTY, &d));
	EXPECT_EQ(EINVAL, errno);
	d.pages = 1;
	d.offset = 100;
	EXPECT_EQ(-1, ioctl(fd, VMARENA_IOC_GET_DIRTY, &d));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-ENOENT, get_dirty(fd, gen + 1, 1, bitmap, 0));
	close(fd);
}

TEST(restore_is_refused_while_pages_are_pinned)
{
	int fd = open_space(_metadata);
	char *p = map(fd, 1, 0);
	__u64 gen;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	gen = checkpoint(fd);
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_PIN, 0, PAGE));
	p[0] = 2;
	EXPECT_EQ(-EBUSY, restore(fd, gen));
	EXPECT_EQ(2, p[0]);
	ASSERT_EQ(0, range_ioctl(fd, VMARENA_IOC_UNPIN, 0, PAGE));
	EXPECT_EQ(0, restore(fd, gen));
	EXPECT_EQ(1, p[0]);
	munmap(p, PAGE);
	close(fd);
}

TEST(a_clone_takes_no_checkpoints_and_the_parents_survive_it)
{
	int fd = open_space(_metadata), c;
	char *p = map(fd, 2, 0);
	__u64 gen;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	gen = checkpoint(fd);
	p[0] = 2;
	c = clone_space(fd);
	ASSERT_LE(0, c);
	EXPECT_EQ(0, space_stat(c, VMARENA_SPACE_STAT_CHECKPOINTS));
	EXPECT_EQ(-ENOENT, restore(c, gen));
	close(c);
	EXPECT_EQ(0, restore(fd, gen));
	EXPECT_EQ(1, p[0]);
	munmap(p, 2 * PAGE);
	close(fd);
}

TEST(every_frame_comes_back_when_a_space_with_generations_closes)
{
	int fd = open_space(_metadata);
	__u64 free0 = global_stat(fd, VMARENA_STAT_FREE_FRAMES);
	char *p = map(fd, 64, 0);
	unsigned int g, i;

	ASSERT_NE(NULL, p);
	for (g = 0; g < 5; g++) {
		for (i = g; i < 64; i += 3)
			fill_page(p, i, g + 1);
		ASSERT_NE(0, checkpoint(fd));
	}
	munmap(p, 64 * PAGE);
	close(fd);
	expect_all_frames_back(_metadata, free0);
}

/* TRANSLATE's generation of page @i (its 8 bits), or -1. */
static int gen_of(int fd, __u64 i)
{
	struct vmarena_pte_info e;

	if (translate(fd, i * PAGE, 1, &e))
		return -1;
	return e.generation;
}

/*
 * Each entry records when its page was last written: the newest
 * generation taken by then (0 before any), which agrees with GET_DIRTY.
 */
TEST(translate_shows_the_generation_in_force_at_each_pages_last_write)
{
	int fd = open_space(_metadata), clone;
	__u64 g1, g2, dirty1 = 0, dirty2 = 0;
	volatile char *p = (volatile char *)map(fd, 4, 0);
	char c;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, pwrite(fd, "a", 1, 0));	/* page 0, before any */
	c = p[3 * PAGE];			/* page 3: read, never written */
	EXPECT_EQ(0, c);
	EXPECT_EQ(0, gen_of(fd, 0));
	g1 = checkpoint(fd);
	ASSERT_NE(0, g1);
	ASSERT_EQ(1, pwrite(fd, "b", 1, PAGE));	/* page 1, after g1 */
	p[2 * PAGE] = 'c';			/* page 2, after g1, by a fault */
	g2 = checkpoint(fd);
	ASSERT_EQ(g1 + 1, g2);
	p[0] = 'd';				/* page 0 again, after g2 */
	EXPECT_EQ(g2 & 0xff, gen_of(fd, 0));
	EXPECT_EQ(g1 & 0xff, gen_of(fd, 1));
	EXPECT_EQ(g1 & 0xff, gen_of(fd, 2));
	EXPECT_EQ(0, gen_of(fd, 3));
	/* GET_DIRTY for N reports exactly the pages whose generation >= N. */
	EXPECT_EQ(3, get_dirty(fd, g1, 4, &dirty1, 0));
	EXPECT_EQ(0x7, dirty1);
	EXPECT_EQ(1, get_dirty(fd, g2, 4, &dirty2, 0));
	EXPECT_EQ(0x1, dirty2);
	/* A clone has taken no generation: its pages start at 0. */
	clone = clone_space(fd);
	ASSERT_LE(0, clone);
	EXPECT_EQ(0, gen_of(clone, 0));
	EXPECT_EQ(0, gen_of(clone, 1));
	/* ... while the checkpoints keep theirs, and a restore brings them. */
	ASSERT_EQ(0, restore(fd, g2));
	EXPECT_EQ(0, gen_of(fd, 0));
	EXPECT_EQ(g1 & 0xff, gen_of(fd, 1));
	close(clone);
	munmap((void *)p, 4 * PAGE);
	close(fd);
}

/*
 * A CHECKPOINT or CLONE write-protects the space's mappings in place
 * (where the kernel has the mapping dirty helpers), and a PTE it made
 * read-only stays dirty; mprotect() makes such a PTE of a shared mapping
 * with write notification writable without a write fault.  The module
 * zaps the range first, so a write after mprotect() still copies the
 * page the generation and the clone share.
 */
TEST(mprotect_after_a_checkpoint_or_clone_cannot_write_into_their_pages)
{
	struct vmarena_clone cl = { 0 };
	struct vmarena_ckpt ck = { 0 };
	int fd = open_space(_metadata);
	char *p = map(fd, 2, 0);
	__u64 v;

	ASSERT_NE(NULL, p);
	*(volatile __u64 *)p = 0xa;		/* dirty, writable PTEs */
	*(volatile __u64 *)(p + PAGE) = 0xa;
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_CHECKPOINT, &ck));
	ASSERT_LE(0, ioctl(fd, VMARENA_IOC_CLONE, &cl));
	ASSERT_EQ(0, mprotect(p, 2 * PAGE, PROT_READ));
	ASSERT_EQ(0, mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE));
	*(volatile __u64 *)p = 0xb;
	*(volatile __u64 *)(p + PAGE) = 0xb;
	ASSERT_EQ(sizeof(v), pread(cl.fd, &v, sizeof(v), PAGE));
	EXPECT_EQ(0xa, v);
	ASSERT_EQ(0, ioctl(fd, VMARENA_IOC_RESTORE, &ck));
	ASSERT_EQ(sizeof(v), pread(fd, &v, sizeof(v), 0));
	EXPECT_EQ(0xa, v);
	EXPECT_EQ(0xa, *(volatile __u64 *)p);
	munmap(p, 2 * PAGE);
	close(cl.fd);
	close(fd);
}

/*
 * A write whose source is slow to read (here: a page userfaultfd holds
 * back, as a FUSE file or a swapped-out buffer may) races a CHECKPOINT, a
 * CLONE or a GET_DIRTY re-arm.  pwrite() copies the caller's bytes before
 * it takes the space lock.  process_vm_writev() pins the page
 * (pin_user_pages_remote()) and holds it while it waits: a page a pin
 * holds is copied for the generation or the clone, not shared, as fork()
 * copies a pinned anonymous page.  Either way the bytes land in the
 * space, never in what was taken meanwhile.
 */
enum race { RACE_CKPT, RACE_CLONE, RACE_REARM, RACE_REWIND };

struct slow_write {
	int fd;
	char *p;
	char *src;
	bool pin;
	ssize_t ret;
};

static void *slow_write(void *a)
{
	struct slow_write *w = a;
	struct iovec from = { w->src, 16 }, to = { w->p, 16 };

	w->ret = w->pin ? process_vm_writev(getpid(), &from, 1, &to, 1, 0) :
			  pwrite(w->fd, w->src, 16, 0);
	return NULL;
}

/* What the race needs that a kernel may lack, or NULL. */
static const char *slow_write_missing(bool pin)
{
	int uffd;

	if (pin && process_vm_writev(getpid(), NULL, 0, NULL, 0, 0))
		return "process_vm_writev (CONFIG_CROSS_MEMORY_ATTACH)";
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		return "userfaultfd (CONFIG_USERFAULTFD)";
	close(uffd);
	return NULL;
}

/* Starts @w and returns once it waits on its source's first byte. */
static int slow_write_start(struct __test_metadata *_metadata,
			    struct slow_write *w, pthread_t *th)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffd_msg msg;
	int uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };

	ASSERT_LE(0, uffd);
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	w->src = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, w->src);
	reg.range.start = (unsigned long)w->src;
	reg.range.len = PAGE;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));
	ASSERT_EQ(0, pthread_create(th, NULL, slow_write, w));
	/* A writer that failed before its source never asks: 10 s, no hang. */
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	ASSERT_EQ(sizeof(msg), read(uffd, &msg, sizeof(msg)));
	return uffd;
}

/* Gives @w its source, all 'B', and waits for it. */
static void slow_write_finish(struct __test_metadata *_metadata,
			      struct slow_write *w, int uffd, pthread_t th)
{
	struct uffdio_copy cp = { .dst = (unsigned long)w->src, .len = PAGE };
	char *fill = aligned_alloc(PAGE, PAGE);

	ASSERT_NE(NULL, fill);
	memset(fill, 'B', PAGE);
	cp.src = (unsigned long)fill;
	EXPECT_EQ(0, ioctl(uffd, UFFDIO_COPY, &cp));
	EXPECT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(16, w->ret);
	free(fill);
	close(uffd);
	munmap(w->src, PAGE);
}

/* Takes what @race names; 0 or an errno. */
static int race_take(int fd, enum race race, struct vmarena_clone *cl,
		     struct vmarena_ckpt *ck)
{
	__u64 bitmap = 0;

	switch (race) {
	case RACE_CLONE:
		return ioctl(fd, VMARENA_IOC_CLONE, cl) < 0 ? errno : 0;
	case RACE_REARM:
		return get_dirty(fd, ck->generation, 1, &bitmap,
				 VMARENA_DIRTY_REARM) == 1 ? 0 : EINVAL;
	default:
		return ioctl(fd, VMARENA_IOC_CHECKPOINT, ck) ? errno : 0;
	}
}

/* Goes back to the generation @ck: RESTORE, or REWIND for RACE_REWIND. */
static int race_back(int fd, enum race race, struct vmarena_ckpt *ck)
{
	if (race == RACE_REWIND)
		return ioctl(fd, VMARENA_IOC_REWIND,
			     (unsigned long)ck->generation) < 0 ? errno : 0;
	return ioctl(fd, VMARENA_IOC_RESTORE, ck) ? errno : 0;
}

/*
 * The first byte of what @race took while a slow write into page 0 was
 * under way: the generation's (RESTORE, or REWIND, which must not take
 * the page for unchanged: no fault saw the write) or the clone's.
 */
static char slow_write_race(struct __test_metadata *_metadata, bool pin,
			    enum race race)
{
	struct slow_write w = { .fd = open_space(_metadata), .pin = pin };
	struct vmarena_clone cl = { 0 };
	struct vmarena_ckpt ck = { 0 };
	__u64 bitmap = 0;
	char buf[16] = { 0 };
	pthread_t th;
	int uffd;

	w.p = map(w.fd, 1, 0);
	ASSERT_NE(NULL, w.p);
	memset(w.p, 'A', PAGE);
	if (race == RACE_REARM) {
		EXPECT_EQ(0, ioctl(w.fd, VMARENA_IOC_CHECKPOINT, &ck));
		w.p[200] = 'D';		/* the space's own page now */
	}
	uffd = slow_write_start(_metadata, &w, &th);
	EXPECT_EQ(0, race_take(w.fd, race, &cl, &ck));
	w.p[100] = 'C';
	slow_write_finish(_metadata, &w, uffd, th);
	EXPECT_EQ('B', w.p[0]);
	EXPECT_EQ('C', w.p[100]);
	if (race == RACE_CLONE) {
		EXPECT_EQ(sizeof(buf), pread(cl.fd, buf, sizeof(buf), 0));
		close(cl.fd);
	} else {
		/* The page changed since: the bytes tell, not the frames. */
		EXPECT_EQ(1, get_dirty(w.fd, ck.generation, 1, &bitmap, 0));
		EXPECT_EQ(0, race_back(w.fd, race, &ck));
		EXPECT_EQ(sizeof(buf), pread(w.fd, buf, sizeof(buf), 0));
		EXPECT_EQ(race == RACE_REARM ? 'D' : 'A', w.p[200]);
	}
	munmap(w.p, PAGE);
	close(w.fd);
	return buf[0];
}

TEST(a_pwrite_of_a_slow_source_lands_in_the_space_not_a_checkpoint_taken_meanwhile)
{
	const char *missing = slow_write_missing(false);

	if (missing)
		SKIP(return, "missing: %s", missing);
	EXPECT_EQ('A', slow_write_race(_metadata, false, RACE_CKPT));
}

/* What the page a pin holds is taken into while the pin writes. */
FIXTURE(pin_race) {};
FIXTURE_VARIANT(pin_race) { enum race race; };
FIXTURE_VARIANT_ADD(pin_race, checkpoint) { .race = RACE_CKPT };
FIXTURE_VARIANT_ADD(pin_race, clone) { .race = RACE_CLONE };
FIXTURE_VARIANT_ADD(pin_race, get_dirty_rearm) { .race = RACE_REARM };
FIXTURE_VARIANT_ADD(pin_race, rewind) { .race = RACE_REWIND };
FIXTURE_SETUP(pin_race) {}
FIXTURE_TEARDOWN(pin_race) {}

TEST_F(pin_race, a_page_a_pin_holds_is_copied_not_shared)
{
	const char *missing = slow_write_missing(true);

	if (missing)
		SKIP(return, "missing: %s", missing);
	EXPECT_EQ('A', slow_write_race(_metadata, true, variant->race));
}

TEST_HARNESS_MAIN
