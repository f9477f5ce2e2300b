/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swap.h - the backing block device whose 4 KiB blocks are swap slots.
 */
#ifndef _VMARENA_SWAP_H
#define _VMARENA_SWAP_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/mm_types.h>
#include <linux/seq_file.h>
#include <linux/types.h>

struct vmarena_user;

/* Writes in flight together (vmarena_swap_write_start()). */
struct vmarena_swap_io {
	atomic_t inflight;
	struct completion done;
};

/* One write of a set, and its outcome once the set is waited for. */
struct vmarena_swap_write {
	struct vmarena_swap_io *set;
	unsigned int n;
	int ret;
};

/* A device smaller than this many slots is refused. */
#define VMARENA_SWAP_MIN_SLOTS	16
#define VMARENA_SWAP_PATH_MAX	256
/* Pages in one write bio at most. */
#define VMARENA_SWAP_MAX_RUN	128

int vmarena_swap_attach(const char *path);
int vmarena_swap_detach(void);
void vmarena_swap_exit(void);
ssize_t vmarena_swap_path(char *buf, size_t len);
int vmarena_swap_show(struct seq_file *m, void *unused);
unsigned int vmarena_swap_alloc(unsigned int want, u64 *first);
void vmarena_swap_free(u64 slot, bool retire);
void vmarena_swap_dup(u64 slot);
void vmarena_swap_charge(u64 slot, struct vmarena_user *user);
void vmarena_swap_uncharge(u64 slot);
unsigned int vmarena_swap_holders(u64 slot);
void vmarena_swap_io_init(struct vmarena_swap_io *io);
void vmarena_swap_write_start(struct vmarena_swap_io *io,
			      struct vmarena_swap_write *w, u64 slot,
			      const u32 *frames, unsigned int n);
void vmarena_swap_io_wait(struct vmarena_swap_io *io);
int vmarena_swap_write_end(const struct vmarena_swap_write *w);
int vmarena_swap_read(u64 slot, const u32 *frames, unsigned int n);
int vmarena_swap_read_page(u64 slot, struct page *page);
void vmarena_swap_fail_next(bool write, u64 n);
extern u32 vmarena_swap_read_delay_us;
void vmarena_swap_counts(u64 *nr, u64 *used, u64 *retired);

#endif /* _VMARENA_SWAP_H */
