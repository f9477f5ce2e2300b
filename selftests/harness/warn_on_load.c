// SPDX-License-Identifier: GPL-2.0
/*
 * warn_on_load.c - a module whose load triggers WARN_ON(1).
 *
 * Used only by selftests/vm_harness.sh to prove that tools/vm/run fails a
 * run whose kernel log shows a warning.
 */
#include <linux/module.h>

static int __init warn_on_load_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit warn_on_load_exit(void)
{
}

module_init(warn_on_load_init);
module_exit(warn_on_load_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmarena harness test: WARN_ON(1) at load");
