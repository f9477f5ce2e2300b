// SPDX-License-Identifier: GPL-2.0
/*
 * hang_on_load.c - a module whose load sleeps uninterruptibly for five
 * minutes, so that insmod is a hung task once hung_task_timeout_secs is
 * shorter than that, and stays one longer than the guest waits for the
 * host's look at QEMU (120 s at most).
 *
 * Used only by selftests/vm_harness.sh to prove that tools/vm/run ends a
 * run in which a task hangs, showing the blocked task's stack.
 */
#include <linux/delay.h>
#include <linux/module.h>

static int __init hang_on_load_init(void)
{
	msleep(300 * MSEC_PER_SEC);
	return 0;
}

static void __exit hang_on_load_exit(void)
{
}

module_init(hang_on_load_init);
module_exit(hang_on_load_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmarena harness test: five uninterruptible minutes at load");
