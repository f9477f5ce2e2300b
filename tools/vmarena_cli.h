/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmarena_cli.h - what the CLI's files share (vmarena.c, vmarena_cow.c,
 * vmarena_run.c).
 */
#ifndef _VMARENA_CLI_H
#define _VMARENA_CLI_H

#include "lib/vmarena/libvmarena.h"

int open_space(void);
void show_space(int fd);
void show_translate(int fd, unsigned long pages);
void usage(void) __attribute__((noreturn));

int cmd_clone(const char *arg);
int cmd_ckpt(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_run(int argc, char **argv);

#endif /* _VMARENA_CLI_H */
