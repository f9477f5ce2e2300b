// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * libvmarena.c - /dev/vmarena's commands as functions (libvmarena.h).
 *
 * Each function fills the command's structure (reserved fields zero),
 * makes the one ioctl, copies the answer out and returns 0, or the
 * negative errno of the call; errno is left as it was.  The kernel's
 * errors per command are in Documentation/abi.rst.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "libvmarena.h"

#define LIBVMARENA_DEV	"/dev/vmarena"

/* One ioctl; its result, or -errno with errno left as it was. */
static int call(int fd, unsigned long cmd, void *arg)
{
	int saved = errno, ret = ioctl(fd, cmd, arg);

	if (ret < 0) {
		ret = -errno;
		errno = saved;
	}
	return ret;
}

static int range_call(int fd, unsigned long cmd, __u64 offset, __u64 length)
{
	struct vmarena_range r = { .offset = offset, .length = length };

	return call(fd, cmd, &r);
}

/**
 * vmarena_open() - open a new, empty address space.
 * @flags: open(2) flags: O_RDWR, O_RDONLY or O_WRONLY, and O_CLOEXEC.
 *
 * The space belongs to the caller's user, who is charged for it.
 *
 * Return: the space's fd; -EACCES (the node's mode), -EDQUOT (the user's
 * page limit), -ENOENT (no module loaded), -ENOMEM.
 */
int vmarena_open(int flags)
{
	int saved = errno, fd = open(LIBVMARENA_DEV, flags);

	if (fd < 0) {
		fd = -errno;
		errno = saved;
	}
	return fd;
}

/**
 * vmarena_info() - the arena and the space (VMARENA_IOC_INFO).
 * @fd:   the space.
 * @info: out: ABI version, page size, arena and free frames, space id.
 *
 * Return: 0 or -errno.
 */
int vmarena_info(int fd, struct vmarena_info *info)
{
	return call(fd, VMARENA_IOC_INFO, info);
}

/**
 * vmarena_stats() - counters (VMARENA_IOC_STATS).
 * @fd:     the space.
 * @which:  VMARENA_STATS_GLOBAL (enum vmarena_global_stat) or
 *          VMARENA_STATS_SPACE (enum vmarena_space_stat, this space's).
 * @values: out: *@count counters, entry i counter i.
 * @count:  in: entries @values holds; out: counters the module has (more
 *          than were written when the module is newer).
 *
 * Return: 0 or -errno.
 */
int vmarena_stats(int fd, unsigned int which, __u64 *values,
		  unsigned int *count)
{
	struct vmarena_stats st = {
		.which = which,
		.count = *count,
		.values = (uintptr_t)values,
	};
	int ret = call(fd, VMARENA_IOC_STATS, &st);

	if (!ret)
		*count = st.count;
	return ret;
}

/**
 * vmarena_set_limit() - the space's caps (VMARENA_IOC_SET_LIMIT).
 * @fd:           the space, open for writing.
 * @max_pages:    pages it may hold; 0 for the default.
 * @max_resident: frames it may hold resident; 0 for no cap.
 *
 * Return: 0; -EPERM above the default without CAP_SYS_ADMIN; -ENOMEM
 * when it could not be brought down to @max_resident (the caps are set);
 * -EBADF on a read-only fd.
 */
int vmarena_set_limit(int fd, __u64 max_pages, __u64 max_resident)
{
	struct vmarena_limit l = {
		.max_pages = max_pages,
		.max_resident = max_resident,
	};

	return call(fd, VMARENA_IOC_SET_LIMIT, &l);
}

/**
 * vmarena_discard() - drop a range: it reads as zeros again
 * (VMARENA_IOC_DISCARD).
 * @fd:     the space, open for writing.
 * @offset: first byte, page aligned.
 * @length: bytes, a non-zero multiple of the page size.
 *
 * Return: 0 or -errno (-EINVAL for a bad range).
 */
int vmarena_discard(int fd, __u64 offset, __u64 length)
{
	return range_call(fd, VMARENA_IOC_DISCARD, offset, length);
}

/**
 * vmarena_pin() - make a range resident and unswappable (VMARENA_IOC_PIN).
 * @fd:     the space, open for writing.
 * @offset: first byte, page aligned.
 * @length: bytes, a non-zero multiple of the page size.
 *
 * Return: 0; -ENOMEM (the arena's pin limit, or no frame), -EDQUOT (the
 * space's caps or the user's limits), -EIO, -EINTR, -EINVAL.
 */
int vmarena_pin(int fd, __u64 offset, __u64 length)
{
	return range_call(fd, VMARENA_IOC_PIN, offset, length);
}

/**
 * vmarena_unpin() - let a range be evicted again (VMARENA_IOC_UNPIN).
 * @fd:     the space, open for writing.
 * @offset: first byte, page aligned.
 * @length: bytes, a non-zero multiple of the page size.
 *
 * Return: 0 or -errno.
 */
int vmarena_unpin(int fd, __u64 offset, __u64 length)
{
	return range_call(fd, VMARENA_IOC_UNPIN, offset, length);
}

/**
 * vmarena_translate() - shadow PTEs of a range (VMARENA_IOC_TRANSLATE).
 * @fd:      the space.
 * @offset:  first byte, page aligned.
 * @pages:   pages, 1..VMARENA_TRANSLATE_MAX.
 * @entries: out: @pages entries; frame numbers only for CAP_SYS_ADMIN.
 *
 * Return: 0 or -errno.
 */
int vmarena_translate(int fd, __u64 offset, __u64 pages,
		      struct vmarena_pte_info *entries)
{
	struct vmarena_translate t = {
		.offset = offset,
		.pages = pages,
		.entries = (uintptr_t)entries,
	};

	return call(fd, VMARENA_IOC_TRANSLATE, &t);
}

/**
 * vmarena_clone() - a copy-on-write clone of the space in a new fd
 * (VMARENA_IOC_CLONE).
 * @fd:       the space.
 * @flags:    VMARENA_CLONE_CLOEXEC or 0.
 * @space_id: out, if not NULL: the clone's id.
 *
 * The clone has the access mode of @fd and belongs to the caller's user.
 *
 * Return: the clone's fd; -ENOMEM, -EDQUOT, -EMLINK, -EMFILE, -EINVAL.
 */
int vmarena_clone(int fd, unsigned int flags, __u64 *space_id)
{
	struct vmarena_clone c = { .flags = flags };
	int ret = call(fd, VMARENA_IOC_CLONE, &c);

	if (ret >= 0 && space_id)
		*space_id = c.space_id;
	return ret;
}

/* CHECKPOINT, RESTORE, CKPT_DROP: the generation in, then the answer out. */
static int ckpt_call(int fd, unsigned long cmd, __u64 *generation,
		     __u64 *pages)
{
	struct vmarena_ckpt c = { .generation = *generation };
	int ret = call(fd, cmd, &c);

	if (!ret) {
		*generation = c.generation;
		if (pages)
			*pages = c.pages;
	}
	return ret;
}

/**
 * vmarena_checkpoint() - take a generation of the space in place
 * (VMARENA_IOC_CHECKPOINT).
 * @fd:         the space, open for writing.
 * @generation: out: its number.
 * @pages:      out, if not NULL: pages it captured.
 *
 * Return: 0; -ENOSPC (VMARENA_CKPT_MAX generations), -ENOMEM, -EDQUOT,
 * -EMLINK.
 */
int vmarena_checkpoint(int fd, __u64 *generation, __u64 *pages)
{
	*generation = 0;
	return ckpt_call(fd, VMARENA_IOC_CHECKPOINT, generation, pages);
}

/**
 * vmarena_restore() - rewind the space to a generation in place
 * (VMARENA_IOC_RESTORE).
 * @fd:         the space, open for writing.
 * @generation: the generation.
 * @pages:      out, if not NULL: pages the space holds afterwards.
 *
 * Return: 0; -ENOENT, -EBUSY (pinned pages), -ENOMEM, -EDQUOT.
 */
int vmarena_restore(int fd, __u64 generation, __u64 *pages)
{
	return ckpt_call(fd, VMARENA_IOC_RESTORE, &generation, pages);
}

/**
 * vmarena_rewind_to() - rewind the space to a generation, copying back in
 * place what changed since (VMARENA_IOC_REWIND).
 * @fd:         the space, open for writing.
 * @generation: the generation (below 2^31 in a 32-bit program).
 * @copied:     out, if not NULL: pages copied back into their own frames.
 *
 * Same contents as vmarena_restore(); its cost grows with the pages
 * written since the space took, or was last rewound to, @generation.  The
 * space's counters rewind_resets and rewind_restores tell what else it
 * did.
 *
 * Return: 0; -ENOENT, -EBUSY (pinned pages), -ENOMEM, -EDQUOT, -EMLINK.
 */
int vmarena_rewind_to(int fd, __u64 generation, __u64 *copied)
{
	int ret;

	if (generation > ~0UL)
		return -ENOENT;	/* out of a 32-bit long's reach */
	ret = call(fd, VMARENA_IOC_REWIND, (void *)(unsigned long)generation);
	if (ret < 0)
		return ret;
	if (copied)
		*copied = ret;
	return 0;
}

/**
 * vmarena_ckpt_drop() - let a generation go (VMARENA_IOC_CKPT_DROP).
 * @fd:         the space, open for writing.
 * @generation: the generation.
 * @freed:      out, if not NULL: pages whose frame or slot it freed.
 *
 * Return: 0; -ENOENT, -EBUSY (an EXPORT reads it).
 */
int vmarena_ckpt_drop(int fd, __u64 generation, __u64 *freed)
{
	return ckpt_call(fd, VMARENA_IOC_CKPT_DROP, &generation, freed);
}

/**
 * vmarena_ckpt_list() - the space's generations (VMARENA_IOC_CKPT_LIST).
 * @fd:      the space.
 * @entries: out: up to @max generations, oldest first.
 * @max:     entries @entries holds (0 to just count).
 * @count:   out: generations the space holds (more than @max when @max
 *           was too small).
 *
 * Return: 0 or -errno.
 */
int vmarena_ckpt_list(int fd, struct vmarena_ckpt_info *entries,
		      unsigned int max, unsigned int *count)
{
	struct vmarena_ckpt_list l = {
		.count = max,
		.entries = (uintptr_t)entries,
	};
	int ret = call(fd, VMARENA_IOC_CKPT_LIST, &l);

	if (!ret)
		*count = l.count;
	return ret;
}

/**
 * vmarena_get_dirty() - the pages of a range that changed since a
 * generation (VMARENA_IOC_GET_DIRTY).
 * @fd:         the space (open for writing with VMARENA_DIRTY_REARM).
 * @generation: the generation.
 * @offset:     first byte, page aligned.
 * @pages:      pages, 1..VMARENA_DIRTY_MAX.
 * @bitmap:     out: (@pages + 63) / 64 words; bit i for page i.
 * @flags:      VMARENA_DIRTY_REARM or 0.
 * @dirty:      out, if not NULL: bits set.
 *
 * Return: 0; -ENOENT, -EBUSY, -ENOMEM, -EDQUOT, -EINVAL, -EFAULT.
 */
int vmarena_get_dirty(int fd, __u64 generation, __u64 offset, __u64 pages,
		      __u64 *bitmap, unsigned int flags, __u64 *dirty)
{
	struct vmarena_dirty d = {
		.generation = generation,
		.offset = offset,
		.pages = pages,
		.bitmap = (uintptr_t)bitmap,
		.flags = flags,
	};
	int ret = call(fd, VMARENA_IOC_GET_DIRTY, &d);

	if (!ret && dirty)
		*dirty = d.dirty;
	return ret;
}

/**
 * vmarena_export() - write a generation as a stream (VMARENA_IOC_EXPORT).
 * @fd:         the space.
 * @out:        where the stream goes: a file, pipe or socket.
 * @generation: the generation.
 * @base:       with VMARENA_EXPORT_DELTA, an older generation; else 0.
 * @flags:      VMARENA_EXPORT_DELTA or 0.
 * @pages:      out, if not NULL: page records written.
 * @bytes:      out, if not NULL: stream bytes written.
 *
 * Return: 0 or -errno (Documentation/stream.rst has the format).
 */
int vmarena_export(int fd, int out, __u64 generation, __u64 base,
		   unsigned int flags, __u64 *pages, __u64 *bytes)
{
	struct vmarena_export e = {
		.fd = out,
		.flags = flags,
		.generation = generation,
		.base = base,
	};
	int ret = call(fd, VMARENA_IOC_EXPORT, &e);

	if (!ret && pages)
		*pages = e.pages;
	if (!ret && bytes)
		*bytes = e.bytes;
	return ret;
}

/**
 * vmarena_import() - read a stream into the space (VMARENA_IOC_IMPORT).
 * @fd:         the space, open for writing: empty for a full stream, the
 *              import of its base for a delta.
 * @in:         where the stream comes from.
 * @generation: out, if not NULL: the stream's generation.
 * @pages:      out, if not NULL: page records applied.
 * @bytes:      out, if not NULL: stream bytes read.
 *
 * Return: 0; -EBADMSG, -EINVAL, -E2BIG (a stream refused; the space
 * unchanged), -EBUSY, -ENOMEM, -EDQUOT, the read errors of @in.
 */
int vmarena_import(int fd, int in, __u64 *generation, __u64 *pages,
		   __u64 *bytes)
{
	struct vmarena_import im = { .fd = in };
	int ret = call(fd, VMARENA_IOC_IMPORT, &im);

	if (!ret && generation)
		*generation = im.generation;
	if (!ret && pages)
		*pages = im.pages;
	if (!ret && bytes)
		*bytes = im.bytes;
	return ret;
}

/**
 * vmarena_map() - map a range of the space, shared (mmap(2)).
 * @fd:     the space.
 * @offset: first byte, page aligned.
 * @length: bytes.
 * @prot:   PROT_READ, optionally with PROT_WRITE (needs an fd open for
 *          reading and writing).
 * @addr:   out: the mapping.
 *
 * Return: 0 or -errno (-EINVAL beyond 2^48 bytes, -EACCES for
 * PROT_WRITE on a read-only fd).
 */
int vmarena_map(int fd, __u64 offset, size_t length, int prot, void **addr)
{
	int saved = errno;
	void *p = mmap(NULL, length, prot, MAP_SHARED, fd, (off_t)offset);

	if (p == MAP_FAILED) {
		int ret = -errno;

		errno = saved;
		return ret;
	}
	*addr = p;
	return 0;
}

/**
 * vmarena_version() - the library's version.
 *
 * Return: "MAJOR.MINOR".
 */
const char *vmarena_version(void)
{
	return "1.2";
}

typedef int (*run_fn)(void);

/*
 * The entry point of `vmarena run`'s allocator, if it is this program's:
 * looked up once (a rewind per fuzzing iteration must not pay dlsym()).
 * Racing first calls store the same pointer.
 */
static int run_call(const char *name, run_fn *cache)
{
	run_fn fn = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
	int saved;

	if (!fn) {
		saved = errno;
		fn = (run_fn)dlsym(RTLD_DEFAULT, name);
		errno = saved;
		if (!fn)
			return -ENXIO;
		__atomic_store_n(cache, fn, __ATOMIC_RELEASE);
	}
	return fn();
}

/**
 * vmarena_snapshot() - remember the heap of a program run by `vmarena run`.
 *
 * The heap (every block malloc and C++ new manage) and the allocator's
 * own state, as they are now, become what vmarena_rewind() puts back; a
 * previous snapshot is forgotten.  Take it after the program's set-up,
 * before the loop (Documentation/run.rst, "Rewind").
 *
 * Return: 0, or -errno: -ENXIO when the program is not running under
 * `vmarena run`, -ENOTSUP when its allocator's state could not be put in
 * the space, or VMARENA_IOC_CHECKPOINT's error (-ENOMEM, -EDQUOT, -ENOSPC).
 */
int vmarena_snapshot(void)
{
	static run_fn fn;

	return run_call("vmarena_run_snapshot", &fn);
}

/**
 * vmarena_rewind() - put the heap back as vmarena_snapshot() found it.
 *
 * Every block allocated since the snapshot is gone, every block freed
 * since is back, and their bytes are the snapshot's.  The program's
 * globals, stack and file descriptors are not touched.
 *
 * Return: 0, or -errno: -ENXIO when the program is not running under
 * `vmarena run`, -ENOENT without a snapshot, or VMARENA_IOC_REWIND's
 * error (-ENOMEM, -EDQUOT, -EBUSY).
 */
int vmarena_rewind(void)
{
	static run_fn fn;

	return run_call("vmarena_run_rewind", &fn);
}
