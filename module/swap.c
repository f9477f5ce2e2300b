// SPDX-License-Identifier: GPL-2.0
/*
 * swap.c - the backing block device: attach, detach, slots and bio I/O.
 *
 * The device is opened exclusively by path; its size gives the number of
 * 4 KiB slots, allocated by slots.c.  It cannot be detached while a slot
 * is in use, so whoever holds a slot may do I/O on it without the lock.
 * Reads and writes are bios, each over a run of neighbouring slots (one
 * bio for up to VMARENA_SWAP_MAX_RUN pages): a write of the pages evicted
 * together, sent and waited for later with the other writes of its set
 * (vmarena_swap_write_start()), a read of a faulting page and those read
 * ahead with it, waited for at once.  debugfs fail_swap_reads / fail_swap_writes make the next
 * bios fail with -EIO without reaching the device.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "arena.h"
#include "slots.h"
#include "counters.h"
#include "swap.h"
#include "user.h"

/**
 * struct vmarena_swap - the backing device.
 * @lock:  protects everything below (attach, detach, display).
 * @dev:   the device, opened exclusively; its bdev is NULL when none is
 *         attached.
 * @path:  the path it was attached by.
 * @slots: its slots (allocation and freeing also under @lock, so that a
 *         detach never races with them).
 * @extra: per slot, the holders beyond the first (swap entries of clones
 *         and checkpoints share slots); 0 for most.
 * @owner: per slot, the user charged for it while only swap entries hold
 *         it (user.c), referenced; NULL while a frame keeps it, or free
 *         (set and cleared without @lock: see swap_uncharge()).
 * @fail_reads:  fault injection: fail this many more read bios.
 * @fail_writes: ... write bios.
 */
struct vmarena_swap {
	struct mutex lock;	/* see the kernel-doc above */
	struct vmarena_bdev dev;
	char path[VMARENA_SWAP_PATH_MAX];
	struct vmarena_slots slots;
	u32 *extra;
	struct vmarena_user **owner;
	atomic64_t fail_reads;
	atomic64_t fail_writes;
};

static struct vmarena_swap swap = {
	.lock = __MUTEX_INITIALIZER(swap.lock),
};

/* The default per-user limit counts the slots that can hold a page. */
static void swap_tell_users(void)
{
	lockdep_assert_held(&swap.lock);
	vmarena_user_set_swap_slots(swap.slots.nr - swap.slots.retired);
}

static int swap_open(const char *path, struct vmarena_bdev *dev, u64 *nr)
{
	struct block_device *b;
	int ret = vmarena_bdev_open(dev, path, &swap);

	if (ret)
		return ret;
	b = dev->bdev;
	/* Slots are u32 in frame descriptors; U32_MAX is no slot. */
	*nr = min_t(u64, bdev_nr_bytes(b) >> VMARENA_PAGE_SHIFT, U32_MAX - 1);
	if (*nr < VMARENA_SWAP_MIN_SLOTS ||
	    bdev_logical_block_size(b) > VMARENA_PAGE_SIZE) {
		pr_err("swap device %s is too small (%llu slots of 4 KiB, %u needed) or has blocks over 4 KiB\n",
		       path, *nr, VMARENA_SWAP_MIN_SLOTS);
		vmarena_bdev_close(dev);
		return -EINVAL;
	}
	return 0;
}

/**
 * vmarena_swap_attach() - attach the block device at @path as backing store.
 * @path: a block device node.
 *
 * Return: 0; -EBUSY when a device is attached already or @path is in use
 * by someone else; -EINVAL when it is too small; -ENOENT, -ENOTBLK,
 * -EACCES and the like from opening it; -ENOMEM.
 */
int vmarena_swap_attach(const char *path)
{
	struct vmarena_user **owner;
	struct vmarena_bdev dev;
	u64 nr, *map, *bad;
	u32 *extra;
	bool busy;
	int ret;

	if (!*path || strlen(path) >= VMARENA_SWAP_PATH_MAX)
		return -EINVAL;
	mutex_lock(&swap.lock);
	busy = swap.dev.bdev;
	mutex_unlock(&swap.lock);
	if (busy)
		return -EBUSY;
	/*
	 * Opened and sized without the swap lock: the path lookup takes
	 * directory locks, under which a fault (getdents into a mapping of a
	 * space) may need the swap lock.
	 */
	ret = swap_open(path, &dev, &nr);
	if (ret)
		return ret;
	map = kvcalloc(vmarena_slots_words(nr), sizeof(u64), GFP_KERNEL);
	bad = kvcalloc(vmarena_slots_words(nr), sizeof(u64), GFP_KERNEL);
	extra = kvcalloc(nr, sizeof(u32), GFP_KERNEL);
	owner = kvcalloc(nr, sizeof(*owner), GFP_KERNEL);
	ret = -ENOMEM;
	if (!map || !bad || !extra || !owner)
		goto out;
	mutex_lock(&swap.lock);
	ret = -EBUSY;
	if (!swap.dev.bdev) {
		vmarena_slots_init(&swap.slots, map, bad, nr);
		swap.extra = extra;
		swap.owner = owner;
		swap.dev = dev;
		strscpy(swap.path, path, sizeof(swap.path));
		swap_tell_users();
		ret = 0;
	}
	mutex_unlock(&swap.lock);
	if (!ret) {
		pr_info("swap: %s attached, %llu slots\n", path, nr);
		return 0;
	}
out:
	kvfree(map);
	kvfree(bad);
	kvfree(extra);
	kvfree(owner);
	vmarena_bdev_close(&dev);
	return ret;
}

/* Releases the device and its bitmaps; swap lock held. */
static void swap_release(void)
{
	lockdep_assert_held(&swap.lock);
	vmarena_bdev_close(&swap.dev);
	kvfree(swap.slots.map);
	kvfree(swap.slots.bad);
	kvfree(swap.extra);
	kvfree(swap.owner);
	swap.extra = NULL;
	swap.owner = NULL;
	swap.dev.bdev = NULL;
	swap.path[0] = '\0';
	memset(&swap.slots, 0, sizeof(swap.slots));
	swap_tell_users();
}

/**
 * vmarena_swap_detach() - detach the backing device if no slot is in use.
 *
 * Return: 0 (also when none is attached), or -EBUSY while slots are used.
 */
int vmarena_swap_detach(void)
{
	int ret = 0;

	mutex_lock(&swap.lock);
	if (swap.dev.bdev && READ_ONCE(swap.slots.used))
		ret = -EBUSY;
	else if (swap.dev.bdev)
		swap_release();
	mutex_unlock(&swap.lock);
	return ret;
}

/* At module exit every space is gone, so no slot is used. */
void vmarena_swap_exit(void)
{
	mutex_lock(&swap.lock);
	if (swap.dev.bdev) {
		WARN_ON_ONCE(swap.slots.used);
		swap_release();
	}
	mutex_unlock(&swap.lock);
}

/**
 * vmarena_swap_path() - the attached device's path and a newline, or just
 * a newline (for the swap_dev sysfs attribute).
 * @buf: out.
 * @len: its size.
 *
 * Return: bytes written.
 */
ssize_t vmarena_swap_path(char *buf, size_t len)
{
	ssize_t n;

	mutex_lock(&swap.lock);
	n = scnprintf(buf, len, "%s\n", swap.path);
	mutex_unlock(&swap.lock);
	return n;
}

/**
 * vmarena_swap_alloc() - allocate a run of neighbouring slots.
 * @want:  slots wanted, 1..VMARENA_SWAP_MAX_RUN.
 * @first: out: the first slot of the run.
 *
 * Return: slots in the run (fewer than @want where a run ends), 0 when the
 * device is full or none is attached.
 */
unsigned int vmarena_swap_alloc(unsigned int want, u64 *first)
{
	unsigned int n = 0;

	mutex_lock(&swap.lock);
	if (swap.dev.bdev)
		n = vmarena_slots_alloc(&swap.slots, want, first);
	mutex_unlock(&swap.lock);
	return n;
}

/*
 * A slot's charge ends.  @owner needs no lock: a slot is only charged,
 * uncharged and freed by its holders, under their family's one lock, and
 * the device (with @owner) stays while a slot is in use.
 */
static void swap_uncharge(u64 slot)
{
	struct vmarena_user *user = xchg(&swap.owner[slot], NULL);

	if (!user)
		return;
	vmarena_user_charge(user, -1);
	vmarena_user_put(user);
}

/**
 * vmarena_swap_free() - drop one holder of a slot; the last one gives it
 * back, or retires it after an I/O error.
 * @slot:   the slot.
 * @retire: never hand it out again (when no other holder is left).
 */
void vmarena_swap_free(u64 slot, bool retire)
{
	mutex_lock(&swap.lock);
	if (WARN_ON_ONCE(!swap.dev.bdev || slot >= swap.slots.nr))
		goto out;
	if (swap.extra[slot]) {
		/* Another entry still holds it: a suspect slot is theirs too. */
		if (!--swap.extra[slot])
			atomic64_dec(&vmarena_counters.pages_shared);
		goto out;
	}
	swap_uncharge(slot);
	if (retire) {
		vmarena_slots_retire(&swap.slots, slot);
		swap_tell_users();
	} else {
		vmarena_slots_free(&swap.slots, slot);
	}
out:
	mutex_unlock(&swap.lock);
}

/**
 * vmarena_swap_charge() - only swap entries hold a slot now (its frame
 * was evicted): it is charged to @user, and stays so until a frame takes
 * it back (vmarena_swap_uncharge()) or it is freed.
 * @slot: an allocated slot, charged to nobody.
 * @user: the user charged for the frame it replaces.
 */
void vmarena_swap_charge(u64 slot, struct vmarena_user *user)
{
	if (WARN_ON_ONCE(slot >= READ_ONCE(swap.slots.nr)))
		return;
	/* Charged before it is published: an uncharge finds it whole. */
	vmarena_user_hold(user);
	vmarena_user_charge(user, 1);
	if (WARN_ON_ONCE(cmpxchg(&swap.owner[slot], NULL, user))) {
		vmarena_user_charge(user, -1);
		vmarena_user_put(user);
	}
}

/**
 * vmarena_swap_uncharge() - a frame keeps a slot as its clean copy (a
 * swap-in): the slot's charge ends, the frame's begins.
 * @slot: an allocated slot.
 */
void vmarena_swap_uncharge(u64 slot)
{
	if (!WARN_ON_ONCE(slot >= READ_ONCE(swap.slots.nr)))
		swap_uncharge(slot);
}

/**
 * vmarena_swap_holders() - how many entries hold a slot.
 * @slot: an allocated slot.
 *
 * Return: 1 or more.
 */
unsigned int vmarena_swap_holders(u64 slot)
{
	unsigned int n = 1;

	mutex_lock(&swap.lock);
	if (swap.dev.bdev && slot < swap.slots.nr)
		n += swap.extra[slot];
	mutex_unlock(&swap.lock);
	return n;
}

/**
 * vmarena_swap_dup() - one more swap entry holds a slot (a clone or a
 * checkpoint shares it); vmarena_swap_free() drops one holder.
 * @slot: an allocated slot.
 */
void vmarena_swap_dup(u64 slot)
{
	mutex_lock(&swap.lock);
	if (!WARN_ON_ONCE(!swap.dev.bdev || slot >= swap.slots.nr) &&
	    !swap.extra[slot]++)
		atomic64_inc(&vmarena_counters.pages_shared);
	mutex_unlock(&swap.lock);
}

/*
 * A test knob (debugfs "delay_swap_reads"): microseconds each swap read
 * sleeps before its bio (failed by injection or not), so that a test can
 * act on the pages while they are being read in.
 */
u32 vmarena_swap_read_delay_us;

static bool swap_inject(atomic64_t *fail)
{
	return atomic64_read(fail) && atomic64_dec_if_positive(fail) >= 0;
}

/* One bio over @n frames' pages, or over @page alone if @frames is NULL. */
static struct bio *swap_bio_alloc(blk_opf_t op, u64 slot, const u32 *frames,
				  unsigned int n, struct page *page)
{
	struct bio *bio;
	unsigned int i;

	bio = bio_alloc(swap.dev.bdev, n, op, GFP_NOIO);
	bio->bi_iter.bi_sector = slot << (VMARENA_PAGE_SHIFT - SECTOR_SHIFT);
	for (i = 0; i < n; i++)
		__bio_add_page(bio, frames ? vmarena_frame_page(frames[i]) : page,
			       PAGE_SIZE, 0);
	return bio;
}

/* swap_bio_alloc(), sent, waited for. */
static int swap_bio(blk_opf_t op, u64 slot, const u32 *frames,
		    unsigned int n, struct page *page)
{
	struct bio *bio = swap_bio_alloc(op, slot, frames, n, page);
	int ret;

	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret;
}

/* The rule of a bio over arena pages: the caller locked each. */
static void swap_assert_locked(const u32 *frames, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		VM_WARN_ON_ONCE_PAGE(!PageLocked(vmarena_frame_page(frames[i])),
				     vmarena_frame_page(frames[i]));
}

/*
 * A write is done: its outcome kept, the bio back to its pool at once (a
 * set may be sending more), then the set's count; @w's set may be gone
 * once that count is given up, unless it reached zero (the waiter waits).
 */
static void swap_write_end_io(struct bio *bio)
{
	struct vmarena_swap_write *w = bio->bi_private;
	struct vmarena_swap_io *io = w->set;

	w->ret = blk_status_to_errno(bio->bi_status);
	bio_put(bio);
	if (atomic_dec_and_test(&io->inflight))
		complete(&io->done);
}

/**
 * vmarena_swap_io_init() - a set of writes to be sent, none yet.
 * @io: the set.
 */
void vmarena_swap_io_init(struct vmarena_swap_io *io)
{
	atomic_set(&io->inflight, 1);	/* the sender's, till it waits */
	init_completion(&io->done);
}

/**
 * vmarena_swap_write_start() - send a write of pages to a run of slots, in
 * one bio, without waiting for it: vmarena_swap_io_wait() waits for the
 * set, then vmarena_swap_write_end() tells each write's outcome.
 * @io:     the set it joins.
 * @w:      the write, the caller's until the set is waited for.
 * @slot:   the run's first slot, allocated by the caller.
 * @frames: the pages' frames, their pages locked by the caller until the
 *          set is waited for.
 * @n:      pages, 1..VMARENA_SWAP_MAX_RUN.
 */
void vmarena_swap_write_start(struct vmarena_swap_io *io,
			      struct vmarena_swap_write *w, u64 slot,
			      const u32 *frames, unsigned int n)
{
	struct bio *bio;

	swap_assert_locked(frames, n);
	w->set = io;
	w->n = n;
	w->ret = -EIO;
	if (swap_inject(&swap.fail_writes))
		return;		/* failed before it was sent */
	bio = swap_bio_alloc(REQ_OP_WRITE, slot, frames, n, NULL);
	bio->bi_private = w;
	bio->bi_end_io = swap_write_end_io;
	atomic_inc(&io->inflight);
	submit_bio(bio);
}

/**
 * vmarena_swap_io_wait() - wait until every write of the set is done; the
 * set is then as vmarena_swap_io_init() left it.
 * @io: the set.
 */
void vmarena_swap_io_wait(struct vmarena_swap_io *io)
{
	if (!atomic_dec_and_test(&io->inflight))
		wait_for_completion_io(&io->done);
	vmarena_swap_io_init(io);
}

/**
 * vmarena_swap_write_end() - a write of vmarena_swap_write_start(), done
 * (vmarena_swap_io_wait()): counted.
 * @w: the write.
 *
 * Return: 0 or -EIO.
 */
int vmarena_swap_write_end(const struct vmarena_swap_write *w)
{
	if (w->ret) {
		atomic64_add(w->n, &vmarena_counters.write_errors);
		return -EIO;
	}
	atomic64_add(w->n, &vmarena_counters.swap_outs);
	atomic64_inc(&vmarena_counters.swap_out_bios);
	return 0;
}

/**
 * vmarena_swap_read() - read pages from a run of slots, in one bio.
 * @slot:   the run's first slot, each slot held by the caller.
 * @frames: the pages' frames, their pages locked by the caller.
 * @n:      pages, 1..VMARENA_SWAP_MAX_RUN.
 *
 * Sleeps until the read is done.  Counts the bio, and the first page in
 * swap_ins: the one an access asked for (the caller counts the others).
 *
 * Return: 0 or -EIO.
 */
int vmarena_swap_read(u64 slot, const u32 *frames, unsigned int n)
{
	int ret = -EIO;

	swap_assert_locked(frames, n);
	atomic64_inc(&vmarena_counters.swap_in_bios);
	if (unlikely(READ_ONCE(vmarena_swap_read_delay_us)))
		fsleep(min(READ_ONCE(vmarena_swap_read_delay_us), 100000U));
	if (!swap_inject(&swap.fail_reads))
		ret = swap_bio(REQ_OP_READ, slot, frames, n, NULL);
	if (ret) {
		atomic64_inc(&vmarena_counters.read_errors);
		return -EIO;
	}
	atomic64_inc(&vmarena_counters.swap_ins);
	return 0;
}

/**
 * vmarena_swap_read_page() - read a slot into a page that is not a frame
 * (EXPORT reads a swapped page of a checkpoint into a bounce page).
 * @slot: the slot, held by an entry the caller keeps (its space locked).
 * @page: the page.
 *
 * Return: 0 or -EIO.
 */
int vmarena_swap_read_page(u64 slot, struct page *page)
{
	int ret = -EIO;

	atomic64_inc(&vmarena_counters.swap_in_bios);
	if (!swap_inject(&swap.fail_reads))
		ret = swap_bio(REQ_OP_READ, slot, NULL, 1, page);
	if (ret) {
		atomic64_inc(&vmarena_counters.read_errors);
		return -EIO;
	}
	return 0;
}

/**
 * vmarena_swap_fail_next() - make the next bios fail (debugfs).
 * @write: writes, else reads.
 * @n:     how many.
 */
void vmarena_swap_fail_next(bool write, u64 n)
{
	atomic64_set(write ? &swap.fail_writes : &swap.fail_reads, n);
}

/**
 * vmarena_swap_counts() - the device's slots, for the counters.
 * @nr:      out: slots (0 when none is attached).
 * @used:    out: slots holding a page.
 * @retired: out: slots retired after an I/O error.
 */
void vmarena_swap_counts(u64 *nr, u64 *used, u64 *retired)
{
	*nr = READ_ONCE(swap.slots.nr);
	*used = READ_ONCE(swap.slots.used);
	*retired = READ_ONCE(swap.slots.retired);
}

/**
 * vmarena_swap_show() - debugfs vmarena/swap: "name value" lines.
 * @m:      the seq_file.
 * @unused: unused.
 *
 * Return: 0.
 */
int vmarena_swap_show(struct seq_file *m, void *unused)
{
	mutex_lock(&swap.lock);
	seq_printf(m, "%-14s %s\n", "device", swap.dev.bdev ? swap.path : "-");
	seq_printf(m, "%-14s %llu\n", "slots", swap.slots.nr);
	seq_printf(m, "%-14s %llu\n", "used", swap.slots.used);
	seq_printf(m, "%-14s %llu\n", "free",
		   swap.slots.nr - swap.slots.used - swap.slots.retired);
	seq_printf(m, "%-14s %llu\n", "retired", swap.slots.retired);
	seq_printf(m, "%-14s %llu\n", "bad_frees", swap.slots.double_frees);
	mutex_unlock(&swap.lock);
	seq_printf(m, "%-14s %lld\n", "pages_written",
		   atomic64_read(&vmarena_counters.swap_outs));
	seq_printf(m, "%-14s %lld\n", "write_bios",
		   atomic64_read(&vmarena_counters.swap_out_bios));
	seq_printf(m, "%-14s %lld\n", "pages_read",
		   atomic64_read(&vmarena_counters.swap_ins) +
		   atomic64_read(&vmarena_counters.swap_readahead));
	seq_printf(m, "%-14s %lld\n", "write_errors",
		   atomic64_read(&vmarena_counters.write_errors));
	seq_printf(m, "%-14s %lld\n", "read_errors",
		   atomic64_read(&vmarena_counters.read_errors));
	return 0;
}
