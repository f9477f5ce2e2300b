/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - tracepoints of the vmarena system (Documentation/tracepoints.rst).
 *
 * Fields are numbers (space ids, page numbers, frames, slots, generations,
 * nanoseconds), never pointers, so bpftrace scripts stay stable.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmarena

#if !defined(_VMARENA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VMARENA_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(vmarena_space_class,
		    TP_PROTO(u64 space),
		    TP_ARGS(space),
		    TP_STRUCT__entry(__field(u64, space)),
		    TP_fast_assign(__entry->space = space;),
		    TP_printk("space=%llu", __entry->space)
);

/* A space was created by open() of /dev/vmarena. */
DEFINE_EVENT(vmarena_space_class, space_create,
	     TP_PROTO(u64 space),
	     TP_ARGS(space)
);

/* The last reference to a space went away and it was freed. */
DEFINE_EVENT(vmarena_space_class, space_destroy,
	     TP_PROTO(u64 space),
	     TP_ARGS(space)
);

DECLARE_EVENT_CLASS(vmarena_frames_class,
		    TP_PROTO(u32 frame, unsigned int order),
		    TP_ARGS(frame, order),
		    TP_STRUCT__entry(__field(u32, frame)
				     __field(u32, order)),
		    TP_fast_assign(__entry->frame = frame;
				   __entry->order = order;),
		    TP_printk("frame=%u order=%u", __entry->frame, __entry->order)
);

/* A block of 2^order frames was allocated from the arena. */
DEFINE_EVENT(vmarena_frames_class, frames_alloc,
	     TP_PROTO(u32 frame, unsigned int order),
	     TP_ARGS(frame, order)
);

/* A block of 2^order frames is being freed to the arena. */
DEFINE_EVENT(vmarena_frames_class, frames_free,
	     TP_PROTO(u32 frame, unsigned int order),
	     TP_ARGS(frame, order)
);

/*
 * A page fault of a mapping of a space: the page, the frame that backs it,
 * the kind (enum vmarena_fault_kind: 0 first touch, 1 minor, 2 write
 * notify, 3 swap-in, 4 copy-on-write, 5 zero page: a read of a hole, no
 * frame: 4294967295) and the time spent in the handler (a swap-in's
 * includes its read).
 */
TRACE_EVENT(fault,
	    TP_PROTO(u64 space, u64 vpn, u32 frame, int kind, u64 ns),
	    TP_ARGS(space, vpn, frame, kind, ns),
	    TP_STRUCT__entry(__field(u64, space)
			     __field(u64, vpn)
			     __field(u64, ns)
			     __field(u32, frame)
			     __field(int, kind)),
	    TP_fast_assign(__entry->space = space;
			   __entry->vpn = vpn;
			   __entry->ns = ns;
			   __entry->frame = frame;
			   __entry->kind = kind;),
	    TP_printk("space=%llu vpn=%llu frame=%u kind=%d ns=%llu",
		      __entry->space, __entry->vpn, __entry->frame,
		      __entry->kind, __entry->ns)
);

/*
 * A page left its frame: the page, the frame, the slot that now holds it
 * (U64_MAX: none, it held zeros and became a hole), the policy that chose
 * it (enum vmarena_policy) and how it went (0 written, 1 dropped clean,
 * 2 dropped as zeros).
 */
TRACE_EVENT(evict,
	    TP_PROTO(u64 space, u64 vpn, u32 frame, u64 slot, int policy,
		     int how),
	    TP_ARGS(space, vpn, frame, slot, policy, how),
	    TP_STRUCT__entry(__field(u64, space)
			     __field(u64, vpn)
			     __field(u64, slot)
			     __field(u32, frame)
			     __field(int, policy)
			     __field(int, how)),
	    TP_fast_assign(__entry->space = space;
			   __entry->vpn = vpn;
			   __entry->slot = slot == U32_MAX ? U64_MAX : slot;
			   __entry->frame = frame;
			   __entry->policy = policy;
			   __entry->how = how;),
	    TP_printk("space=%llu vpn=%llu frame=%u slot=%lld policy=%d how=%d",
		      __entry->space, __entry->vpn, __entry->frame,
		      (s64)__entry->slot, __entry->policy, __entry->how)
);

/* A write bio of @pages pages to the slots from @slot on, and its time. */
TRACE_EVENT(swap_out,
	    TP_PROTO(u64 space, u64 slot, unsigned int pages, u64 ns, int error),
	    TP_ARGS(space, slot, pages, ns, error),
	    TP_STRUCT__entry(__field(u64, space)
			     __field(u64, slot)
			     __field(u64, ns)
			     __field(u32, pages)
			     __field(int, error)),
	    TP_fast_assign(__entry->space = space;
			   __entry->slot = slot;
			   __entry->ns = ns;
			   __entry->pages = pages;
			   __entry->error = error;),
	    TP_printk("space=%llu slot=%llu pages=%u ns=%llu error=%d",
		      __entry->space, __entry->slot, __entry->pages,
		      __entry->ns, __entry->error)
);

/* A page read back from its slot into a frame, and the read's time. */
TRACE_EVENT(swap_in,
	    TP_PROTO(u64 space, u64 vpn, u32 frame, u64 slot, u64 ns, int error),
	    TP_ARGS(space, vpn, frame, slot, ns, error),
	    TP_STRUCT__entry(__field(u64, space)
			     __field(u64, vpn)
			     __field(u64, slot)
			     __field(u64, ns)
			     __field(u32, frame)
			     __field(int, error)),
	    TP_fast_assign(__entry->space = space;
			   __entry->vpn = vpn;
			   __entry->slot = slot;
			   __entry->ns = ns;
			   __entry->frame = frame;
			   __entry->error = error;),
	    TP_printk("space=%llu vpn=%llu frame=%u slot=%llu ns=%llu error=%d",
		      __entry->space, __entry->vpn, __entry->frame,
		      __entry->slot, __entry->ns, __entry->error)
);

/* The page-out daemon woke: free frames and the watermarks. */
TRACE_EVENT(reclaim_wake,
	    TP_PROTO(u64 free, u64 low, u64 high),
	    TP_ARGS(free, low, high),
	    TP_STRUCT__entry(__field(u64, free)
			     __field(u64, low)
			     __field(u64, high)),
	    TP_fast_assign(__entry->free = free;
			   __entry->low = low;
			   __entry->high = high;),
	    TP_printk("free=%llu low=%llu high=%llu",
		      __entry->free, __entry->low, __entry->high)
);

/*
 * A reclaim ended: its kind (0 daemon, 1 direct, 2 a space's cap), the
 * space that asked (0 for the daemon), pages evicted and the time taken.
 */
TRACE_EVENT(reclaim,
	    TP_PROTO(int kind, u64 space, u64 evicted, u64 ns),
	    TP_ARGS(kind, space, evicted, ns),
	    TP_STRUCT__entry(__field(u64, space)
			     __field(u64, evicted)
			     __field(u64, ns)
			     __field(int, kind)),
	    TP_fast_assign(__entry->space = space;
			   __entry->evicted = evicted;
			   __entry->ns = ns;
			   __entry->kind = kind;),
	    TP_printk("kind=%d space=%llu evicted=%llu ns=%llu",
		      __entry->kind, __entry->space, __entry->evicted,
		      __entry->ns)
);

/*
 * A write to a shared page copied it: the space, the page, the frame it
 * left (still held by others) and its own new frame, and the time taken.
 */
TRACE_EVENT(cow_break,
	    TP_PROTO(u64 space, u64 vpn, u32 old, u32 new, u64 ns),
	    TP_ARGS(space, vpn, old, new, ns),
	    TP_STRUCT__entry(__field(u64, space)
			     __field(u64, vpn)
			     __field(u64, ns)
			     __field(u32, old)
			     __field(u32, new)),
	    TP_fast_assign(__entry->space = space;
			   __entry->vpn = vpn;
			   __entry->ns = ns;
			   __entry->old = old;
			   __entry->new = new;),
	    TP_printk("space=%llu vpn=%llu old=%u new=%u ns=%llu",
		      __entry->space, __entry->vpn, __entry->old, __entry->new,
		      __entry->ns)
);

/*
 * Generations: a checkpoint was taken, or a space rewound to one.  The
 * space, the generation, its pages (for restore: the space's pages
 * afterwards) and the time taken.
 */
DECLARE_EVENT_CLASS(vmarena_gen_class,
		    TP_PROTO(u64 space, u64 gen, u64 pages, u64 ns),
		    TP_ARGS(space, gen, pages, ns),
		    TP_STRUCT__entry(__field(u64, space)
				     __field(u64, gen)
				     __field(u64, pages)
				     __field(u64, ns)),
		    TP_fast_assign(__entry->space = space;
				   __entry->gen = gen;
				   __entry->pages = pages;
				   __entry->ns = ns;),
		    TP_printk("space=%llu gen=%llu pages=%llu ns=%llu",
			      __entry->space, __entry->gen, __entry->pages,
			      __entry->ns)
);

DEFINE_EVENT(vmarena_gen_class, checkpoint,
	     TP_PROTO(u64 space, u64 gen, u64 pages, u64 ns),
	     TP_ARGS(space, gen, pages, ns)
);

DEFINE_EVENT(vmarena_gen_class, restore,
	     TP_PROTO(u64 space, u64 gen, u64 pages, u64 ns),
	     TP_ARGS(space, gen, pages, ns)
);

/*
 * REWIND put a space back to generation @gen: @copied pages copied back in
 * place, @reset entries set back to the generation's; @full when it was
 * done as a RESTORE instead.
 */
TRACE_EVENT(rewind,
	    TP_PROTO(u64 space, u64 gen, u64 copied, u64 reset, bool full,
		     u64 ns),
	    TP_ARGS(space, gen, copied, reset, full, ns),
	    TP_STRUCT__entry(__field(u64, space)
			     __field(u64, gen)
			     __field(u64, copied)
			     __field(u64, reset)
			     __field(bool, full)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->space = space;
			   __entry->gen = gen;
			   __entry->copied = copied;
			   __entry->reset = reset;
			   __entry->full = full;
			   __entry->ns = ns;),
	    TP_printk("space=%llu gen=%llu copied=%llu reset=%llu full=%d ns=%llu",
		      __entry->space, __entry->gen, __entry->copied,
		      __entry->reset, __entry->full, __entry->ns)
);

/* CLONE made space @child sharing @pages pages with @space, in @ns. */
TRACE_EVENT(clone,
	    TP_PROTO(u64 space, u64 child, u64 pages, u64 ns),
	    TP_ARGS(space, child, pages, ns),
	    TP_STRUCT__entry(__field(u64, space)
			     __field(u64, child)
			     __field(u64, pages)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->space = space;
			   __entry->child = child;
			   __entry->pages = pages;
			   __entry->ns = ns;),
	    TP_printk("space=%llu child=%llu pages=%llu ns=%llu",
		      __entry->space, __entry->child, __entry->pages,
		      __entry->ns)
);

#endif /* _VMARENA_TRACE_H */

/* Out-of-tree: the header is found beside trace.c (CFLAGS_trace.o). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
