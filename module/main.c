// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module parameters and the ordered bring-up of vmarena.
 *
 * Each subsystem has an init step, called in order; a failure unwinds the
 * steps already done through labels named after them.  Exit is the exact
 * reverse of init.  The device comes last: once it is registered, users can
 * reach everything before it.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "internal.h"
#include "arena.h"
#include "caches.h"
#include "debugfs.h"
#include "dev.h"
#include "fault.h"
#include "reclaim.h"
#include "space.h"
#include "swap.h"
#include "user.h"
#include "supply.h"

static unsigned int arena_mb = 64;
module_param(arena_mb, uint, 0444);
MODULE_PARM_DESC(arena_mb, "Size of the arena of page frames in MiB (default 64)");

module_param_named(space_max_pages, vmarena_space_max_pages, ulong, 0644);
MODULE_PARM_DESC(space_max_pages,
		 "Default cap on a space's pages; 0 for half the arena (default 0)");

/* zero_page=Y is refused where the kernel refuses its zero page (compat.h). */
static int zero_page_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	if (on && !VMARENA_ZERO_PAGE_MAPPABLE)
		return -EINVAL;
	WRITE_ONCE(vmarena_zero_page, on);
	return 0;
}

static const struct kernel_param_ops zero_page_ops = {
	.set = zero_page_set,
	.get = param_get_bool,
};

module_param_cb(zero_page, &zero_page_ops, &vmarena_zero_page, 0644);
MODULE_PARM_DESC(zero_page,
		 "A read of a page never written maps the kernel's zero page, no frame (default Y; N and only N on Linux 6.12)");

static char *swap_dev;
module_param(swap_dev, charp, 0444);
MODULE_PARM_DESC(swap_dev, "Block device to attach as backing store at load (default none)");

static char *policy = "clock";
module_param(policy, charp, 0444);
MODULE_PARM_DESC(policy,
		 "Replacement policy at load: fifo, random, clock, lru, clean-first (default clock)");

static ulong watermark_low;
module_param(watermark_low, ulong, 0444);
MODULE_PARM_DESC(watermark_low,
		 "Free frames below which the page-out daemon wakes; 0 for 1/32 of the arena (default 0)");

static ulong watermark_high;
module_param(watermark_high, ulong, 0444);
MODULE_PARM_DESC(watermark_high,
		 "Free frames at which the page-out daemon stops; 0 for 1/16 of the arena (default 0)");

static ulong user_max_pages;
module_param(user_max_pages, ulong, 0444);
MODULE_PARM_DESC(user_max_pages,
		 "Pages (frames and swap slots) one user other than root may hold; 0 for half of the arena plus swap (default 0)");

static ulong user_max_pinned;
module_param(user_max_pinned, ulong, 0444);
MODULE_PARM_DESC(user_max_pinned,
		 "Pages one user other than root may pin; 0 for a quarter of the arena (default 0)");

static ushort dev_mode = 0600;
module_param(dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "Permission bits of /dev/vmarena (default 0600)");

static int __init vmarena_init(void)
{
	int ret;

	if (dev_mode & ~0666) {
		pr_err("dev_mode=%#o has bits beyond 0666\n", dev_mode);
		return -EINVAL;
	}
	ret = vmarena_arena_init(arena_mb);
	if (ret)
		return ret;
	ret = vmarena_caches_init();
	if (ret)
		goto err_arena;
	if (swap_dev && *swap_dev) {
		ret = vmarena_swap_attach(swap_dev);
		if (ret) {
			pr_err("swap_dev=%s cannot be attached: %d\n", swap_dev, ret);
			goto err_caches;
		}
	}
	vmarena_user_init(user_max_pages, user_max_pinned);
	vmarena_debugfs_init();
	ret = vmarena_reclaim_init(policy, watermark_low, watermark_high);
	if (ret) {
		pr_err("policy=%s watermark_low=%lu watermark_high=%lu refused: %d\n",
		       policy, watermark_low, watermark_high, ret);
		goto err_debugfs;
	}
	ret = vmarena_dev_init(dev_mode);
	if (ret)
		goto err_reclaim;
	pr_info("loaded: %u MiB arena, ABI %u\n", arena_mb, VMARENA_ABI_VERSION);
	return 0;

err_reclaim:
	vmarena_reclaim_exit();
err_debugfs:
	vmarena_debugfs_exit();
	vmarena_swap_exit();
err_caches:
	vmarena_caches_exit();
err_arena:
	vmarena_arena_exit();
	return ret;
}

static void __exit vmarena_exit(void)
{
	vmarena_dev_exit();
	vmarena_reclaim_exit();
	vmarena_debugfs_exit();
	vmarena_swap_exit();
	vmarena_caches_exit();
	vmarena_arena_exit();
	pr_info("unloaded\n");
}

module_init(vmarena_init);
module_exit(vmarena_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmarena: a self-contained virtual-memory system behind /dev/vmarena");
MODULE_AUTHOR("The vmarena developers");
