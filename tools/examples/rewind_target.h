/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rewind_target.h - the target both rewind examples fuzz: a parser that
 * keeps a cache in its heap, so that its state leaks from one input to the
 * next (a counter of inputs seen, a list of the words it has met).  Its
 * branches depend on that state, as many real targets' do: the same input
 * takes other paths the second time, which AFL++ sees as instability.
 */
#ifndef REWIND_TARGET_H
#define REWIND_TARGET_H

#include <stdlib.h>
#include <string.h>

struct word {
	struct word *next;
	char text[16];
};

struct cache {
	unsigned long inputs;
	struct word *words;
};

/*
 * Made at set-up, before the snapshot.  Not static: clang turns one malloc
 * stored in a file-static pointer into a static object (GlobalOpt), which
 * would make the cache a global, out of the heap and of the rewind.
 */
struct cache *cache;

static void target_setup(void)
{
	cache = calloc(1, sizeof(*cache));
	if (!cache)
		abort();
}

static int seen(const char *text)
{
	struct word *w;

	for (w = cache->words; w; w = w->next)
		if (!strcmp(w->text, text))
			return 1;
	return 0;
}

/* One input: words separated by spaces; new ones go in the cache. */
static int target_input(const unsigned char *data, size_t len)
{
	char text[16];
	size_t i = 0, k;
	int found = 0;

	if (++cache->inputs % 3 == 0)
		found += 100;		/* every third input takes another path */
	while (i < len) {
		for (k = 0; i < len && data[i] != ' ' && k < sizeof(text) - 1; i++)
			text[k++] = (char)data[i];
		text[k] = 0;
		i++;
		if (!k)
			continue;
		if (seen(text)) {
			found++;	/* a word met before, in this input or any earlier one */
		} else {
			struct word *w = calloc(1, sizeof(*w));

			if (!w)
				abort();
			memcpy(w->text, text, k + 1);
			w->next = cache->words;
			cache->words = w;
		}
	}
	return found;
}

#endif /* REWIND_TARGET_H */
