/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shim.h - the kernel facilities module/internal.h needs, in user space.
 *
 * module/internal.h includes this instead of the kernel's headers when
 * VMARENA_USERSPACE is defined, so the module's pure-logic files compile
 * unchanged into the unit tests (model: tools/testing/radix-tree).  Keep it
 * to what those files use; a warning here is a test failure.
 */
#ifndef _VMARENA_UNIT_SHIM_H
#define _VMARENA_UNIT_SHIM_H

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
static inline u64 shim_align(u64 x, u64 a)
{
	return (x + a - 1) & ~(a - 1);
}

#define ALIGN(x, a) ((__typeof__(x))shim_align(x, a))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Little-endian fields at any alignment (stream.c). */
static inline u32 get_unaligned_le32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline u64 get_unaligned_le64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline void put_unaligned_le32(u32 v, void *p)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put_unaligned_le64(u64 v, void *p)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/* Counted so tests can assert that a planted misuse was caught. */
extern unsigned long shim_warnings;

#define WARN_ON_ONCE(cond) ({					\
	bool __c = !!(cond);					\
	if (__c) {						\
		shim_warnings++;				\
		fprintf(stderr, "WARN_ON_ONCE(%s) at %s:%d\n",	\
			#cond, __FILE__, __LINE__);		\
	}							\
	__c;							\
})
#define WARN_ON(cond) WARN_ON_ONCE(cond)

/* Counted too: tests assert that a report was (or was not) made. */
extern unsigned long shim_errors;
#define pr_err(fmt, ...) \
	(shim_errors++, fprintf(stderr, "vmarena: " fmt, ##__VA_ARGS__))
#define BUG_ON(cond) do { if (cond) abort(); } while (0)

#define __must_hold(x)

#define U16_MAX ((u16)~0U)
#define U32_MAX ((u32)~0U)
/*
 * Single-threaded tests: a plain access is what READ_ONCE() and
 * WRITE_ONCE() amount to, and the barriers order nothing.
 */
#define READ_ONCE(x) (x)
#define WRITE_ONCE(x, val) ((x) = (val))
#define smp_wmb() do { } while (0)	/* one thread: nothing to order */
#define smp_rmb() do { } while (0)	/* one thread: nothing to order */

/*
 * Unit tests are single-threaded: a lock only records that it is held, so
 * a recursive lock, an unlock of a free lock, lockdep_assert_held() on a
 * free lock and lockdep_assert_not_held() on a held one all abort the test.
 */
struct shim_spinlock {
	int held;
};

#define spinlock_t struct shim_spinlock

static inline void spin_lock_init(spinlock_t *l)
{
	l->held = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	BUG_ON(l->held);
	l->held = 1;
}

static inline void spin_unlock(spinlock_t *l)
{
	BUG_ON(!l->held);
	l->held = 0;
}

static inline void lockdep_assert_held(const spinlock_t *l)
{
	BUG_ON(!l->held);
}

static inline void lockdep_assert_not_held(const spinlock_t *l)
{
	BUG_ON(l->held);
}

/* One CPU: per-CPU data is a single instance. */
#define __percpu
#define alloc_percpu(type) ((type *)calloc(1, sizeof(type)))
#define free_percpu(p) free(p)
#define get_cpu_ptr(p) (p)
#define put_cpu_ptr(p) ((void)(p))
#define per_cpu_ptr(p, cpu) ((void)(cpu), (p))
#define for_each_possible_cpu(cpu) \
	for (int shim_once = ((cpu) = 0, 1); shim_once; shim_once = 0)

#endif /* _VMARENA_UNIT_SHIM_H */
