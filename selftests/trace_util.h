/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace_util.h - helpers of the tracepoint selftests: switch events of the
 * vmarena system on through tracefs, then look for exact lines in the
 * trace buffer.  Include it after kselftest_harness.h and vm_util.h.
 *
 * Lines are matched on the event's TP_printk text (module/trace.h), as
 * "event: field=value ..." with every field whose value the test knows
 * spelled out, so a wrong value in any of them makes the line go missing.
 */
#ifndef _VMARENA_TRACE_UTIL_H
#define _VMARENA_TRACE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TRACEFS "/sys/kernel/tracing/"
#define TRACE_EVENTS TRACEFS "events/vmarena/"
#define TRACE_LINE 512		/* what trace_count() copies of a line */

/* Switches one event of the vmarena system on or off; 0 or -errno. */
static inline int trace_event(const char *event, bool on)
{
	char path[128];

	snprintf(path, sizeof(path), TRACE_EVENTS "%s/enable", event);
	return write_str(path, on ? "1" : "0");
}

/*
 * Empties the trace buffer and switches @events (NULL-terminated) on;
 * skips the test when tracefs or the events are missing.  Whatever the
 * test does before this call leaves no line.
 */
static inline void trace_start(struct __test_metadata *_metadata,
			       const char *const *events)
{
	char path[128];
	int i;

	for (i = 0; events[i]; i++) {
		snprintf(path, sizeof(path), TRACE_EVENTS "%s/enable", events[i]);
		if (access(path, W_OK))
			SKIP(exit(KSFT_SKIP), "tracefs event vmarena/%s missing",
			     events[i]);
	}
	ASSERT_EQ(0, write_str(TRACE_EVENTS "enable", "0"));
	ASSERT_EQ(0, write_str(TRACEFS "tracing_on", "1"));
	ASSERT_EQ(0, write_str(TRACEFS "trace", ""));
	for (i = 0; events[i]; i++)
		ASSERT_EQ(0, trace_event(events[i], true));
}

/* Every event of the system off (also the teardown of the fixtures). */
static inline void trace_stop(void)
{
	write_str(TRACE_EVENTS "enable", "0");
}

/*
 * Lines of the trace buffer holding @needle, a space and the event's name
 * first: " fault: space=3 vpn=0 frame=17 kind=0 ns=".  The first one is
 * copied to @first (if not NULL, TRACE_LINE bytes).
 */
static inline int trace_lines(char *first, const char *needle)
{
	char line[1024];
	int n = 0;
	FILE *f;

	if (first)
		first[0] = '\0';
	f = fopen(TRACEFS "trace", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, needle))
			continue;
		if (!n++ && first) {
			memcpy(first, line, TRACE_LINE - 1);
			first[TRACE_LINE - 1] = '\0';
		}
	}
	fclose(f);
	return n;
}

/* The value of "@key=" in a trace line, or -1. */
static inline long long trace_field(const char *line, const char *key)
{
	char k[40];
	const char *p;

	snprintf(k, sizeof(k), " %s=", key);
	p = strstr(line, k);
	return p ? strtoll(p + strlen(k), NULL, 10) : -1;
}

/* The sum of field @key over the lines holding @needle, @lines of them. */
static inline long long trace_lines_sum(const char *key, int *lines,
					const char *needle)
{
	char line[1024];
	long long sum = 0;
	FILE *f;

	*lines = 0;
	f = fopen(TRACEFS "trace", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, needle))
			continue;
		(*lines)++;
		sum += trace_field(line, key);
	}
	fclose(f);
	return sum;
}

/*
 * trace_lines() and trace_lines_sum() of a needle made by printf, the
 * space before the event's name added: trace_count(NULL, "fault: ...").
 */
#define trace_count(first, ...) ({					\
	char __needle[256] = " ";					\
	snprintf(__needle + 1, sizeof(__needle) - 1, __VA_ARGS__);	\
	trace_lines(first, __needle);					\
})

#define trace_sum(key, lines, ...) ({					\
	char __needle[256] = " ";					\
	snprintf(__needle + 1, sizeof(__needle) - 1, __VA_ARGS__);	\
	trace_lines_sum(key, lines, __needle);				\
})

/* Milliseconds of CLOCK_MONOTONIC, for deadlines of bounded polling. */
static inline long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Sleeps @ms milliseconds between two looks of a bounded poll. */
static inline void poll_pause(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

#endif /* _VMARENA_TRACE_UTIL_H */
