// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs.c - the vmarena/ directory in debugfs (Documentation/debugfs.rst).
 *
 *	stats		global counters, "name value" lines
 *	buddyinfo	free blocks per order and fragmentation indices
 *	slabinfo	one line per slab cache
 *	swap		the backing device, its slots and I/O counts
 *	reclaim		policy, watermarks, per-policy scans and evictions
 *	users		per-user limits, and each user's charge
 *	fail_frames	write N: the next N frame allocations fail
 *	fail_frames_skip write K: ... after K more have succeeded
 *	fail_swap_reads	write N: the next N swap read bios fail (-EIO)
 *	fail_swap_writes write N: the next N swap write bios fail (-EIO)
 *	slab/<cache>/debug	read/write: none, redzone or poison
 *	slab/<cache>/fail_next	write N: the next N allocations fail
 *	spaces/<id>/stats	a space's counters, "name value" lines
 *	spaces/<id>/pagetable	a space's page-table nodes and entries
 *
 * debugfs failures are not errors (the files are for humans and tests), so
 * init returns nothing, as the debugfs API intends.
 */
#include <linux/debugfs.h>
#include <linux/kstrtox.h>
#include <linux/uaccess.h>

#include "access.h"
#include "arena.h"
#include "bench.h"
#include "caches.h"
#include "ckpt.h"
#include "debugfs.h"
#include "reclaim.h"
#include "space.h"
#include "stats.h"
#include "swap.h"
#include "user.h"

static struct dentry *vmarena_debugfs_root;
static struct dentry *vmarena_debugfs_spaces;

DEFINE_SHOW_ATTRIBUTE(vmarena_stats);
DEFINE_SHOW_ATTRIBUTE(vmarena_swap);
DEFINE_SHOW_ATTRIBUTE(vmarena_reclaim);
DEFINE_SHOW_ATTRIBUTE(vmarena_users);

/* Prints a value in thousandths as a decimal with three places. */
static void seq_thousandths(struct seq_file *m, int v)
{
	seq_printf(m, " %s%d.%03d", v < 0 ? "-" : " ", abs(v) / 1000, abs(v) % 1000);
}

static int vmarena_buddyinfo_show(struct seq_file *m, void *unused)
{
	u64 nr_free[VMARENA_NR_ORDERS], buddy_free = 0;
	unsigned int o;

	vmarena_buddy_free_counts(vmarena_arena_buddy(), nr_free);
	seq_puts(m, "order      ");
	for (o = 0; o < VMARENA_NR_ORDERS; o++)
		seq_printf(m, " %7u", o);
	seq_puts(m, "\nfree_blocks");
	for (o = 0; o < VMARENA_NR_ORDERS; o++) {
		seq_printf(m, " %7llu", nr_free[o]);
		buddy_free += nr_free[o] << o;
	}
	seq_puts(m, "\nunusable   ");
	for (o = 0; o < VMARENA_NR_ORDERS; o++)
		seq_thousandths(m, vmarena_unusable_free_index(nr_free, o));
	seq_puts(m, "\nfragindex  ");
	for (o = 0; o < VMARENA_NR_ORDERS; o++)
		seq_thousandths(m, vmarena_fragmentation_index(nr_free, o));
	seq_printf(m, "\nbuddy_free_frames %llu\n", buddy_free);
	seq_printf(m, "pcp_free_frames %llu\n", vmarena_arena_pcp_frames());
	seq_printf(m, "zeroed_free_frames %llu\n",
		   vmarena_arena_free_frames() - vmarena_arena_pcp_frames() -
		   READ_ONCE(vmarena_arena_buddy()->free_frames));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmarena_buddyinfo);

static const char *slab_debug_name(unsigned int debug)
{
	if (debug & VMARENA_SLAB_POISON)
		return "poison";
	return debug & VMARENA_SLAB_RED_ZONE ? "redzone" : "none";
}

static int vmarena_slabinfo_show(struct seq_file *m, void *unused)
{
	struct vmarena_slab_info info;
	int i;

	seq_puts(m, "# name        object_size  size objs_per_slab frames_per_slab  active_objs   total_objs    slabs  waste_bytes debug\n");
	for (i = 0; i < VMARENA_NR_CACHES; i++) {
		struct vmarena_slab_cache *c = &vmarena_caches[i];

		vmarena_slab_info(c, &info);
		seq_printf(m, "%-14s %11u %5u %13u %15u %12llu %12llu %8llu %12llu %s\n",
			   c->name, info.object_size, info.size,
			   info.objs_per_slab, info.frames_per_slab,
			   info.active, info.total, info.slabs, info.waste,
			   slab_debug_name(READ_ONCE(c->debug)));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmarena_slabinfo);

static int fail_frames_set(void *data, u64 val)
{
	vmarena_arena_fail_next(val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fail_frames_fops, NULL, fail_frames_set, "%llu\n");

static int fail_frames_skip_set(void *data, u64 val)
{
	vmarena_arena_fail_skip(val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fail_frames_skip_fops, NULL, fail_frames_skip_set,
			 "%llu\n");

static int fail_swap_reads_set(void *data, u64 val)
{
	vmarena_swap_fail_next(false, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fail_swap_reads_fops, NULL, fail_swap_reads_set,
			 "%llu\n");

static int fail_swap_writes_set(void *data, u64 val)
{
	vmarena_swap_fail_next(true, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fail_swap_writes_fops, NULL, fail_swap_writes_set,
			 "%llu\n");

static int zeroed_target_get(void *data, u64 *val)
{
	*val = vmarena_arena_zeroed_target();
	return 0;
}

static int zeroed_target_set(void *data, u64 val)
{
	vmarena_arena_set_zeroed_target(min_t(u64, val, U32_MAX));
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(zeroed_target_fops, zeroed_target_get,
			 zeroed_target_set, "%llu\n");

static int slab_fail_set(void *data, u64 val)
{
	vmarena_slab_fail_next(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(slab_fail_fops, NULL, slab_fail_set, "%llu\n");

static int slab_debug_show(struct seq_file *m, void *unused)
{
	struct vmarena_slab_cache *c = m->private;

	seq_printf(m, "%s\n", slab_debug_name(READ_ONCE(c->debug)));
	return 0;
}

static int slab_debug_open(struct inode *inode, struct file *file)
{
	return single_open(file, slab_debug_show, inode->i_private);
}

static ssize_t slab_debug_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct vmarena_slab_cache *c = file_inode(file)->i_private;
	char buf[16] = {};
	unsigned int flags;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	if (sysfs_streq(buf, "none"))
		flags = 0;
	else if (sysfs_streq(buf, "redzone"))
		flags = VMARENA_SLAB_RED_ZONE;
	else if (sysfs_streq(buf, "poison"))
		flags = VMARENA_SLAB_RED_ZONE | VMARENA_SLAB_POISON;
	else
		return -EINVAL;
	vmarena_slab_set_debug(c, flags);
	return len;
}

static const struct file_operations slab_debug_fops = {
	.owner = THIS_MODULE,
	.open = slab_debug_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = slab_debug_write,
};

static void vmarena_debugfs_slab_init(void)
{
	struct dentry *slab = debugfs_create_dir("slab", vmarena_debugfs_root);
	int i;

	for (i = 0; i < VMARENA_NR_CACHES; i++) {
		struct vmarena_slab_cache *c = &vmarena_caches[i];
		struct dentry *dir = debugfs_create_dir(c->name, slab);

		debugfs_create_file("debug", 0600, dir, c, &slab_debug_fops);
		debugfs_create_file_unsafe("fail_next", 0200, dir, c,
					   &slab_fail_fops);
	}
}

static int space_stats_show(struct seq_file *m, void *unused)
{
	u64 v[VMARENA_NR_SPACE_STATS];
	int i;

	vmarena_space_stats(m->private, v);
	for (i = 0; i < VMARENA_NR_SPACE_STATS; i++)
		seq_printf(m, "%-20s %llu\n", vmarena_space_stat_names[i], v[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(space_stats);

static int pagetable_entry_show(void *arg, u64 vpn, u64 *pte)
{
	u64 e = *pte;

	seq_printf(arg, "%llu %llu %c%c%c%c%c%c%c %llu\n", vpn,
		   e & (VMARENA_PTE_PRESENT | VMARENA_PTE_SWAP) ? vmarena_pte_frame(e) : 0,
		   e & VMARENA_PTE_PRESENT ? 'p' : '-',
		   e & VMARENA_PTE_SWAP ? 's' : '-',
		   e & VMARENA_PTE_DIRTY ? 'd' : '-',
		   e & VMARENA_PTE_ACCESSED ? 'a' : '-',
		   e & VMARENA_PTE_WRITE ? 'w' : '-',
		   e & VMARENA_PTE_COW ? 'c' : '-',
		   e & VMARENA_PTE_PINNED ? 'n' : '-',
		   (e & VMARENA_PTE_GEN_MASK) >> VMARENA_PTE_GEN_SHIFT);
	return 0;
}

static int space_pagetable_show(struct seq_file *m, void *unused)
{
	struct vmarena_space *space = m->private;
	unsigned int level;

	mutex_lock(space->lock);
	for (level = 0; level < VMARENA_PT_LEVELS; level++)
		seq_printf(m, "# level %u nodes %llu\n", level, space->pt.nodes[level]);
	seq_puts(m, "# page frame flags generation\n");
	vmarena_pt_range(&space->pt, 0, VMARENA_PT_MAX_VPN, pagetable_entry_show, m);
	mutex_unlock(space->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(space_pagetable);

/* spaces/<id>/checkpoints: one line per generation, oldest first. */
static int space_checkpoints_show(struct seq_file *m, void *unused)
{
	struct vmarena_ckpt_info *info;
	u32 i, n;

	info = kcalloc(VMARENA_CKPT_MAX, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	vmarena_ckpt_list(m->private, info, VMARENA_CKPT_MAX, &n);
	seq_puts(m, "# generation pages private pinned_bytes created_ns\n");
	for (i = 0; i < n; i++)
		seq_printf(m, "%llu %llu %llu %llu %llu\n", info[i].generation,
			   info[i].pages, info[i].private, info[i].pinned_bytes,
			   info[i].created_ns);
	kfree(info);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(space_checkpoints);

/**
 * vmarena_debugfs_space_add() - create spaces/<id>/ for a new space.
 * @space: the space; its files go before it does
 *         (vmarena_debugfs_space_remove() waits for their readers).
 */
void vmarena_debugfs_space_add(struct vmarena_space *space)
{
	char name[24];

	snprintf(name, sizeof(name), "%llu", space->id);
	space->debugfs = debugfs_create_dir(name, vmarena_debugfs_spaces);
	debugfs_create_file("stats", 0400, space->debugfs, space, &space_stats_fops);
	debugfs_create_file("pagetable", 0400, space->debugfs, space,
			    &space_pagetable_fops);
	debugfs_create_file("checkpoints", 0400, space->debugfs, space,
			    &space_checkpoints_fops);
}

void vmarena_debugfs_space_remove(struct vmarena_space *space)
{
	debugfs_remove_recursive(space->debugfs);
	space->debugfs = NULL;
}

void vmarena_debugfs_init(void)
{
	struct dentry *root = debugfs_create_dir("vmarena", NULL);

	vmarena_debugfs_root = root;
	debugfs_create_file("stats", 0400, root, NULL, &vmarena_stats_fops);
	debugfs_create_file("buddyinfo", 0400, root, NULL, &vmarena_buddyinfo_fops);
	debugfs_create_file("slabinfo", 0400, root, NULL, &vmarena_slabinfo_fops);
	debugfs_create_file("swap", 0400, root, NULL, &vmarena_swap_fops);
	debugfs_create_file("reclaim", 0400, root, NULL, &vmarena_reclaim_fops);
	debugfs_create_file("users", 0400, root, NULL, &vmarena_users_fops);
	debugfs_create_file_unsafe("fail_frames", 0200, root, NULL,
				   &fail_frames_fops);
	debugfs_create_file_unsafe("fail_frames_skip", 0200, root, NULL,
				   &fail_frames_skip_fops);
	debugfs_create_file_unsafe("fail_swap_reads", 0200, root, NULL,
				   &fail_swap_reads_fops);
	debugfs_create_file_unsafe("fail_swap_writes", 0200, root, NULL,
				   &fail_swap_writes_fops);
	debugfs_create_u32("delay_unlocked_faults", 0600, root,
			   &vmarena_fault_unlocked_delay_us);
	debugfs_create_file_unsafe("zeroed_target", 0600, root, NULL,
				   &zeroed_target_fops);
	debugfs_create_u32("swap_readahead", 0600, root, &vmarena_swap_readahead);
	debugfs_create_u32("delay_swap_reads", 0600, root,
			   &vmarena_swap_read_delay_us);
	vmarena_debugfs_slab_init();
	vmarena_debugfs_spaces = debugfs_create_dir("spaces", root);
	vmarena_bench_debugfs_init(root);
}

void vmarena_debugfs_exit(void)
{
	debugfs_remove_recursive(vmarena_debugfs_root);
	vmarena_debugfs_root = NULL;
}
