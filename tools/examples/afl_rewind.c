// SPDX-License-Identifier: GPL-2.0
/*
 * afl_rewind.c - an AFL++ persistent-mode harness that rewinds its
 * target's heap after every input (Documentation/run.rst, "Rewind").
 *
 *   afl-clang-fast -O0 -o afl_rewind afl_rewind.c $(pkg-config --cflags --libs libvmarena)
 *   AFL_PRELOAD=/usr/local/lib/vmarena/libvmarena-run.so \
 *       afl-fuzz -i in -o out -- ./afl_rewind
 *
 * The four lines marked "vmarena" are all a harness needs: a snapshot once
 * the set-up is done (after __AFL_INIT, so in each process the fork server
 * starts), a rewind after each input.  AFL_REWIND=0 in the environment
 * leaves them out, to see the target's state leak (AFL++'s stability
 * figure drops below 100%).
 *
 * AFL_LOOP_COUNT=N runs N inputs per process (default 100000); 1 makes it
 * a fork-server harness, a fresh process per input (make bench compares).
 *
 * -O0: optimised, this loop alone (a target with no state at all, no
 * vmarena) shows a stability of 66-75% under AFL++ 4.04c, measured in the
 * VM, since the optimised loop's first pass runs other blocks than the
 * next ones; unoptimised, 100%.  The target's own instability is then the
 * only one left to see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libvmarena.h>

#include "rewind_target.h"

__AFL_FUZZ_INIT();

int main(void)
{
	const char *env = getenv("AFL_REWIND"), *loops = getenv("AFL_LOOP_COUNT");
	int rewind = !env || strcmp(env, "0");
	int count = loops ? atoi(loops) : 100000;
	unsigned char *buf;
	int ret;

	target_setup();
	__AFL_INIT();
	buf = __AFL_FUZZ_TESTCASE_BUF;
	if (rewind) {
		ret = vmarena_snapshot();				/* vmarena */
		if (ret) {						/* vmarena */
			fprintf(stderr, "vmarena_snapshot: %s\n", strerror(-ret));
			abort();
		}
	}
	while (__AFL_LOOP(count)) {
		target_input(buf, __AFL_FUZZ_TESTCASE_LEN);
		if (rewind && vmarena_rewind())				/* vmarena */
			abort();
	}
	return 0;
}
