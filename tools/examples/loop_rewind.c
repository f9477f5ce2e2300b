// SPDX-License-Identifier: GPL-2.0
/*
 * loop_rewind.c - a libFuzzer-style loop with a rewind after each input
 * (Documentation/run.rst, "Rewind"): LLVMFuzzerTestOneInput() called on
 * each file named on the command line, the heap put back after each.
 *
 *   cc -o loop_rewind loop_rewind.c $(pkg-config --cflags --libs libvmarena)
 *   vmarena run -- ./loop_rewind INPUT...
 *
 * It prints the target's answer per input: with the rewind, an input gives
 * the same answer wherever it comes in the list.  The loop's own state (the
 * input buffer, the index) is outside the heap or made before the
 * snapshot; libFuzzer itself could not be used this way, since its corpus
 * and bookkeeping live in the same heap and would be rewound with it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libvmarena.h>

#include "rewind_target.h"

static unsigned char input[1 << 16];
static char out[4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return target_input(data, size);
}

int main(int argc, char **argv)
{
	size_t len;
	FILE *f;
	int i, ret;

	target_setup();
	setvbuf(stdout, out, _IOLBF, sizeof(out));	/* stdio's buffer: not the heap */
	ret = vmarena_snapshot();
	if (ret) {
		fprintf(stderr, "vmarena_snapshot: %s\n", strerror(-ret));
		return 1;
	}
	for (i = 1; i < argc; i++) {
		f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		len = fread(input, 1, sizeof(input), f);
		fclose(f);
		printf("%s: %d\n", argv[i], LLVMFuzzerTestOneInput(input, len));
		ret = vmarena_rewind();
		if (ret) {
			fprintf(stderr, "vmarena_rewind: %s\n", strerror(-ret));
			return 1;
		}
	}
	return 0;
}
