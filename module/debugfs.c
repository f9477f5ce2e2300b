// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs.c - the vmarena/ directory in debugfs.
 *
 * debugfs failures are not errors (the files are for humans and tests), so
 * init returns nothing, as the debugfs API intends.
 */
#include <linux/debugfs.h>

#include "debugfs.h"
#include "stats.h"

static struct dentry *vmarena_debugfs_root;

DEFINE_SHOW_ATTRIBUTE(vmarena_stats);

void vmarena_debugfs_init(void)
{
	vmarena_debugfs_root = debugfs_create_dir("vmarena", NULL);
	debugfs_create_file("stats", 0400, vmarena_debugfs_root, NULL,
			    &vmarena_stats_fops);
}

void vmarena_debugfs_exit(void)
{
	debugfs_remove_recursive(vmarena_debugfs_root);
	vmarena_debugfs_root = NULL;
}
