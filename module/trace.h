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
 * notify) and the time spent in the handler.
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

#endif /* _VMARENA_TRACE_H */

/* Out-of-tree: the header is found beside trace.c (CFLAGS_trace.o). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
