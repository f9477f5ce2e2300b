// SPDX-License-Identifier: GPL-2.0
/*
 * slots.c - swap slot allocation: a bitmap searched next-fit from a cursor.
 *
 * An allocation asks for up to @want contiguous slots and gets the first
 * free run at or after the cursor (wrapping once), as long as it is; so
 * pages evicted one after another land in neighbouring slots and can be
 * written with one multi-page bio.  A slot whose I/O failed is retired:
 * it stays set in the map and is never handed out again.
 *
 * Pure logic: also compiled by selftests/unit/.
 */
#include "slots.h"

static bool slot_test(const u64 *map, u64 slot)
{
	return map[slot / 64] & BIT_ULL(slot % 64);
}

static void slot_set(u64 *map, u64 slot)
{
	map[slot / 64] |= BIT_ULL(slot % 64);
}

static void slot_clear(u64 *map, u64 slot)
{
	map[slot / 64] &= ~BIT_ULL(slot % 64);
}

/* The first free slot in [from, to), or @to; skips full words whole. */
static u64 slot_find_free(const u64 *map, u64 from, u64 to)
{
	while (from < to) {
		if (!(from % 64) && map[from / 64] == ~0ULL) {
			from += 64;
			continue;
		}
		if (!slot_test(map, from))
			return from;
		from++;
	}
	return to;
}

/**
 * vmarena_slots_init() - an allocator over @nr slots, all free.
 * @s:   the allocator.
 * @map: a zeroed bitmap of vmarena_slots_words(@nr) words.
 * @bad: another one, for retired slots.
 * @nr:  slots.
 */
void vmarena_slots_init(struct vmarena_slots *s, u64 *map, u64 *bad, u64 nr)
{
	memset(s, 0, sizeof(*s));
	spin_lock_init(&s->lock);
	s->map = map;
	s->bad = bad;
	s->nr = nr;
	/* Bits past the last slot read as used, so searches stop there. */
	if (nr % 64)
		map[nr / 64] |= ~0ULL << (nr % 64);
}

/**
 * vmarena_slots_alloc() - allocate a run of up to @want contiguous slots.
 * @s:     the allocator.
 * @want:  slots wanted, at least 1.
 * @first: out: the run's first slot.
 *
 * Return: the run's length (1..@want), or 0 when every slot is taken.
 */
unsigned int vmarena_slots_alloc(struct vmarena_slots *s, unsigned int want,
				 u64 *first)
{
	unsigned int n = 0;
	u64 start;

	spin_lock(&s->lock);
	start = slot_find_free(s->map, s->cursor, s->nr);
	if (start == s->nr)
		start = slot_find_free(s->map, 0, s->cursor);
	if (start < s->nr && !slot_test(s->map, start)) {
		while (n < want && start + n < s->nr && !slot_test(s->map, start + n)) {
			slot_set(s->map, start + n);
			n++;
		}
		s->used += n;
		s->cursor = start + n < s->nr ? start + n : 0;
		*first = start;
	}
	spin_unlock(&s->lock);
	return n;
}

/**
 * vmarena_slots_free() - free an allocated slot.
 * @s:    the allocator.
 * @slot: the slot.
 *
 * Return: 0, or -EINVAL (warned once, counted) for a slot out of range,
 * free, or retired.
 */
int vmarena_slots_free(struct vmarena_slots *s, u64 slot)
{
	int ret = 0;

	spin_lock(&s->lock);
	if (WARN_ON_ONCE(slot >= s->nr || !slot_test(s->map, slot) ||
			 slot_test(s->bad, slot))) {
		s->double_frees++;
		ret = -EINVAL;
	} else {
		slot_clear(s->map, slot);
		s->used--;
	}
	spin_unlock(&s->lock);
	return ret;
}

/**
 * vmarena_slots_retire() - never use an allocated slot again (I/O error).
 * @s:    the allocator.
 * @slot: an allocated slot; it stays taken and leaves the used count.
 *
 * Return: 0, or -EINVAL for a slot that is not allocated.
 */
int vmarena_slots_retire(struct vmarena_slots *s, u64 slot)
{
	int ret = -EINVAL;

	spin_lock(&s->lock);
	if (slot < s->nr && slot_test(s->map, slot) && !slot_test(s->bad, slot)) {
		slot_set(s->bad, slot);
		s->used--;
		s->retired++;
		ret = 0;
	}
	spin_unlock(&s->lock);
	return ret;
}
