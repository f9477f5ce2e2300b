// SPDX-License-Identifier: GPL-2.0
/*
 * export.c - EXPORT and IMPORT: a generation as a stream through a file
 * descriptor (the format: stream.c, Documentation/stream.rst).
 *
 * EXPORT plans its records under the space lock (the pages of generation
 * N, or those that differ from generation M), then writes them a batch at
 * a time: under the lock it takes a reference on each resident page's
 * frame (a frame a generation holds is never written again: every write
 * to it copies) and reads swapped pages into bounce pages; then it drops
 * the lock and writes the batch's records and pages in one vectored write,
 * so that a pipe whose reader is a writer of this very space cannot stall
 * it.  The generation is marked busy meanwhile (CKPT_DROP and a re-arming
 * GET_DIRTY get -EBUSY), and a generation never changes otherwise.
 *
 * IMPORT reads and checks the whole stream first, its pages going into
 * frames charged to the space but held by no entry; only when the
 * trailer's checksum matches does it build the new table (a
 * copy-on-write copy of the live one with the stream's pages applied) and
 * install it as RESTORE does.  Any failure before that frees the staged
 * frames and leaves the space as it was.
 */
#include <linux/bvec.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uio.h>

#include "internal.h"
#include "arena.h"
#include "ckpt.h"
#include "export.h"
#include "supply.h"
#include "share.h"
#include "space.h"
#include "counters.h"
#include "stream.h"
#include "swap.h"

/* Pages copied under the lock at a time. */
#define EXPORT_BATCH	16

/* A planned record: its page, and bit 63 for a ZERO record. */
#define EXPORT_ZERO	BIT_ULL(63)

struct export_plan {
	struct vmarena_gen *ck;
	struct vmarena_gen *base;
	u64 *recs;
	u64 n;
};

/* Reads all of @buf; the end of the stream before that is a truncation. */
static int xfer_read(struct file *f, void *buf, size_t len, u64 *bytes)
{
	ssize_t n;

	while (len) {
		n = kernel_read(f, buf, len, &f->f_pos);
		if (n < 0)
			return n;
		if (!n)
			return -EBADMSG;
		buf += n;
		len -= n;
		*bytes += n;
	}
	return 0;
}

static int export_plan_new(void *arg, u64 vpn, u64 *pte)
{
	struct export_plan *p = arg;
	u64 now = vmarena_ckpt_content(*pte);
	u64 old = p->base ? vmarena_pt_get(&p->base->pt, vpn) : 0;

	if (now == vmarena_ckpt_content(old))
		return 0;
	p->recs[p->n++] = vpn | (now ? 0 : EXPORT_ZERO);
	return 0;
}

/* Pages of the base that generation N does not hold: ZERO records. */
static int export_plan_old(void *arg, u64 vpn, u64 *pte)
{
	struct export_plan *p = arg;

	/* Entries generation N holds were planned by export_plan_new(). */
	if (vmarena_ckpt_content(*pte) && !vmarena_pt_get(&p->ck->pt, vpn))
		p->recs[p->n++] = vpn | EXPORT_ZERO;
	return 0;
}

static int export_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a & ~EXPORT_ZERO, y = *(const u64 *)b & ~EXPORT_ZERO;

	return x < y ? -1 : x > y;
}

/* Plans the records and marks the generations busy; space locked. */
static int export_plan(struct vmarena_space *space, struct export_plan *p,
		       u64 gen, u64 base, bool delta)
{
	u64 cap;

	lockdep_assert_held(space->lock);
	p->ck = vmarena_ckpt_find(space, gen);
	p->base = delta ? vmarena_ckpt_find(space, base) : NULL;
	if (!p->ck || (delta && !p->base))
		return -ENOENT;
	cap = p->ck->pt.used + (p->base ? p->base->pt.used : 0);
	p->recs = kvmalloc_array(max_t(u64, cap, 1), sizeof(u64), GFP_KERNEL);
	if (!p->recs)
		return -ENOMEM;
	vmarena_pt_range(&p->ck->pt, 0, VMARENA_MAX_PAGES, export_plan_new, p);
	if (p->base)
		vmarena_pt_range(&p->base->pt, 0, VMARENA_MAX_PAGES,
				 export_plan_old, p);
	sort(p->recs, p->n, sizeof(u64), export_cmp, NULL);
	p->ck->busy++;
	if (p->base)
		p->base->busy++;
	return 0;
}

/*
 * The page whose bytes a record of generation N carries, referenced (so it
 * stays, even if evicted meanwhile): its own frame if resident (a frame a
 * generation holds is never written: every write copies), else @bounce,
 * read from the slot.  @space (@ck's) locked.
 */
static int export_page(struct vmarena_space *space, struct vmarena_gen *ck,
		       u64 vpn, struct page *bounce, struct page **src)
{
	u64 *pte = vmarena_pt_lookup(&ck->pt, vpn);
	u64 slot = vmarena_pte_frame(*pte);
	struct page *page;
	int ret = 0;

	lockdep_assert_held(space->lock);

	if (*pte & VMARENA_PTE_PRESENT) {
		/* A read bringing it in (for a fault) is waited for. */
		page = vmarena_frame_page(slot);
		lock_page(page);
		if (PageUptodate(page)) {
			get_page(page);
			*src = page;
			unlock_page(page);
			return 0;
		}
		/*
		 * That read failed, and its fault waits for our lock to mark
		 * the page lost or put it back in its slot: the slot the frame
		 * keeps still holds the bytes (lost only if they cannot be read).
		 */
		unlock_page(page);
		slot = vmarena_frame_table()[slot].slot;
		if (slot == VMARENA_NO_SLOT)
			return -EIO;
	}
	if (slot == VMARENA_SLOT_LOST)
		return -EIO;
	ret = vmarena_swap_read_page(slot, bounce);
	if (!ret) {
		get_page(bounce);
		*src = bounce;
	}
	return ret;
}

struct export_out {
	struct file *file;
	struct vmarena_stream_writer w;
	struct page *bounce[EXPORT_BATCH];
	struct page *src[EXPORT_BATCH];
	struct page *recpage;	/* the batch's records */
	struct bio_vec bv[2 * EXPORT_BATCH];
	u64 bytes;
};

/*
 * Writes the batch's records and pages in one vectored write (or more);
 * the file has ->write_iter (the ioctl refuses others).
 */
static int export_write(struct export_out *o, unsigned int nbv, size_t len)
{
	struct iov_iter iter;
	ssize_t n;

	iov_iter_bvec(&iter, ITER_SOURCE, o->bv, nbv, len);
	while (iov_iter_count(&iter)) {
		file_start_write(o->file);
		n = vfs_iter_write(o->file, &iter, &o->file->f_pos, 0);
		file_end_write(o->file);
		if (n <= 0)
			return n ? n : -EIO;
		o->bytes += n;
	}
	return 0;
}

static void export_bv(struct export_out *o, unsigned int *nbv, size_t *len,
		      struct page *page, unsigned int off, unsigned int n)
{
	o->bv[*nbv].bv_page = page;
	o->bv[*nbv].bv_offset = off;
	o->bv[*nbv].bv_len = n;
	(*nbv)++;
	*len += n;
}

/* One batch: its pages found under the lock, written without it. */
static int export_batch(struct vmarena_space *space, struct export_plan *p,
			struct export_out *o, u64 first, unsigned int n)
{
	struct vmarena_stream_record *rec = page_address(o->recpage);
	unsigned int i, nbv = 0;
	size_t len = 0;
	int ret = 0;

	lockdep_assert_not_held(space->lock);
	memset(o->src, 0, sizeof(o->src));
	mutex_lock(space->lock);
	for (i = 0; i < n && !ret; i++)
		if (!(p->recs[first + i] & EXPORT_ZERO))
			ret = export_page(space, p->ck, p->recs[first + i],
					  o->bounce[i], &o->src[i]);
	mutex_unlock(space->lock);
	for (i = 0; i < n && !ret; i++) {
		u64 r = p->recs[first + i];

		vmarena_stream_write_record(&o->w, &rec[i], r & ~EXPORT_ZERO,
					    r & EXPORT_ZERO);
		export_bv(o, &nbv, &len, o->recpage, i * sizeof(*rec), sizeof(*rec));
		if (r & EXPORT_ZERO)
			continue;
		vmarena_stream_write_data(&o->w, page_address(o->src[i]));
		export_bv(o, &nbv, &len, o->src[i], 0, PAGE_SIZE);
	}
	if (!ret)
		ret = export_write(o, nbv, len);
	for (i = 0; i < n; i++)
		if (o->src[i])
			vmarena_arena_put_page(o->src[i]);
	return ret;
}

/* A piece of the stream outside the batches (header, trailer). */
static int export_piece(struct export_out *o, const void *buf, size_t len)
{
	memcpy(page_address(o->recpage), buf, len);
	o->bv[0].bv_page = o->recpage;
	o->bv[0].bv_offset = 0;
	o->bv[0].bv_len = len;
	return export_write(o, 1, len);
}

static int export_stream(struct vmarena_space *space, struct export_plan *p,
			 struct export_out *o, u64 gen, u64 base)
{
	struct vmarena_stream_header h;
	struct vmarena_stream_trailer t;
	u64 i;
	int ret;

	vmarena_stream_write_header(&o->w, &h, space->lineage, gen, base,
				    p->base, p->n);
	ret = export_piece(o, &h, sizeof(h));
	for (i = 0; i < p->n && !ret; i += EXPORT_BATCH)
		ret = export_batch(space, p, o, i,
				   min_t(u64, EXPORT_BATCH, p->n - i));
	if (ret)
		return ret;
	vmarena_stream_write_trailer(&o->w, &t);
	return export_piece(o, &t, sizeof(t));
}

static void export_done(struct vmarena_space *space, struct export_plan *p)
{
	mutex_lock(space->lock);
	p->ck->busy--;
	if (p->base)
		p->base->busy--;
	mutex_unlock(space->lock);
	kvfree(p->recs);
}

static void export_bounce_free(struct export_out *o)
{
	unsigned int i;

	for (i = 0; i < EXPORT_BATCH; i++)
		if (o->bounce[i])
			__free_page(o->bounce[i]);
	if (o->recpage)
		__free_page(o->recpage);
}

/**
 * vmarena_export() - EXPORT: write generation @gen (or its delta from
 * @base) to a file.
 * @space: the space (not locked).
 * @file:  open for writing.
 * @gen:   the generation.
 * @base:  with @delta, the older generation.
 * @delta: write only what differs from @base.
 * @pages: out: records written.
 * @bytes: out: bytes written.
 *
 * Return: 0; -ENOENT for a missing generation; -EIO for a page lost to a
 * swap read error; -ENOMEM; or the file's write error (the stream is
 * then incomplete).
 */
int vmarena_export(struct vmarena_space *space, struct file *file, u64 gen,
		   u64 base, bool delta, u64 *pages, u64 *bytes)
{
	struct export_out *o = kzalloc(sizeof(*o), GFP_KERNEL);
	struct export_plan p = { };
	unsigned int i;
	int ret = -ENOMEM;

	lockdep_assert_not_held(space->lock);
	if (!o)
		return -ENOMEM;
	o->file = file;
	o->recpage = alloc_page(GFP_KERNEL);
	if (!o->recpage)
		goto out;
	for (i = 0; i < EXPORT_BATCH; i++) {
		o->bounce[i] = alloc_page(GFP_KERNEL);
		if (!o->bounce[i])
			goto out;
	}
	mutex_lock(space->lock);
	ret = export_plan(space, &p, gen, base, delta);
	mutex_unlock(space->lock);
	if (ret)
		goto out;
	ret = export_stream(space, &p, o, gen, base);
	export_done(space, &p);
	*pages = p.n;
	*bytes = o->bytes;
	atomic64_add(o->bytes, &vmarena_counters.export_bytes);
	if (!ret)
		atomic64_add(p.n, &vmarena_counters.export_pages);
out:
	export_bounce_free(o);
	kfree(o);
	return ret;
}

/* IMPORT's staged pages: frame, or VMARENA_NO_FRAME for a ZERO record. */
struct import_rec {
	u64 vpn;
	u32 frame;
};

struct import_in {
	struct file *file;
	struct vmarena_stream_reader r;
	struct import_rec *recs;
	u64 n;
	u64 bytes;
};

/* The stream's base must be what the space holds now; space locked. */
static int import_base_ok(struct vmarena_space *space,
			  struct vmarena_stream_reader *r)
{
	lockdep_assert_held(space->lock);
	if (!(r->flags & VMARENA_STREAM_DELTA))
		return space->pt.used ? -EINVAL : 0;
	return space->import_gen == r->base && space->import_source == r->source ?
	       0 : -EINVAL;
}

static int import_page(struct vmarena_space *space, struct import_in *in,
		       u64 vpn)
{
	unsigned int tries = VMARENA_RECLAIM_RETRIES;
	struct page *page;
	u32 frame;
	u64 mark;
	int ret;

	do {
		mark = vmarena_injections();
		mutex_lock(space->lock);
		ret = vmarena_space_alloc_frame(space, &frame);
		mutex_unlock(space->lock);
	} while (ret == -ENOMEM && vmarena_supply_retry(mark, &tries));
	if (ret)
		return ret;
	/* Charged while staged, so that every later check counts it. */
	vmarena_user_charge(space->user, 1);
	in->recs[in->n].frame = frame;
	in->n++;
	page = vmarena_frame_page(frame);
	ret = xfer_read(in->file, page_address(page), PAGE_SIZE, &in->bytes);
	if (!ret)
		ret = vmarena_stream_read_data(&in->r, page_address(page));
	SetPageUptodate(page);
	return ret;
}

/* Reads and checks every record; data goes into staged frames. */
static int import_records(struct vmarena_space *space, struct import_in *in)
{
	struct vmarena_stream_record rec;
	u64 i, vpn;
	bool zero;
	int ret;

	for (i = 0; i < in->r.pages; i++) {
		ret = xfer_read(in->file, &rec, sizeof(rec), &in->bytes) ?:
		      vmarena_stream_read_record(&in->r, &rec, &vpn, &zero);
		if (ret)
			return ret;
		in->recs[in->n].vpn = vpn;
		if (zero) {
			in->recs[in->n++].frame = VMARENA_NO_FRAME;
			continue;
		}
		ret = import_page(space, in, vpn);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

static int import_read(struct vmarena_space *space, struct import_in *in)
{
	struct vmarena_stream_trailer t;
	struct vmarena_stream_header h;
	int ret;

	ret = xfer_read(in->file, &h, sizeof(h), &in->bytes) ?:
	      vmarena_stream_read_header(&in->r, &h, READ_ONCE(space->max_pages));
	if (ret)
		return ret;
	mutex_lock(space->lock);
	ret = import_base_ok(space, &in->r);
	mutex_unlock(space->lock);
	if (ret)
		return ret;
	in->recs = kvmalloc_array(max_t(u64, in->r.pages, 1), sizeof(*in->recs),
				  GFP_KERNEL);
	if (!in->recs)
		return -ENOMEM;
	ret = import_records(space, in);
	if (ret)
		return ret;
	return xfer_read(in->file, &t, sizeof(t), &in->bytes) ?:
	       vmarena_stream_read_trailer(&in->r, &t);
}

/* Applies the staged pages to @pt; each frame taken is the table's now. */
static int import_apply(struct vmarena_space *space, struct import_in *in,
			struct vmarena_pt *pt, u64 *taken)
{
	u64 i, *pte, old;
	int ret;

	for (i = 0; i < in->n; i++) {
		struct import_rec *rec = &in->recs[i];

		pte = vmarena_pt_lookup(pt, rec->vpn);
		if (pte && *pte) {
			old = *pte;
			vmarena_pt_clear(pt, rec->vpn);
			vmarena_space_release_entry(space, rec->vpn, &old);
		}
		if (rec->frame == VMARENA_NO_FRAME)
			continue;
		ret = vmarena_pt_set(pt, rec->vpn,
				     vmarena_pte_make(rec->frame, VMARENA_PTE_PRESENT |
						      VMARENA_PTE_DIRTY) |
				     vmarena_space_gen_bits(space));
		if (ret)
			return ret;
		vmarena_user_charge(space->user, -1);	/* charged as taken */
		vmarena_space_take_frame(space, rec->frame, rec->vpn,
					 VMARENA_NO_SLOT);
		rec->frame = VMARENA_NO_FRAME;
		(*taken)++;
	}
	return 0;
}

/*
 * Page-table nodes the staged pages may add to a copy of the live table,
 * at most: one a level for each distinct prefix of their (sorted) pages.
 */
static u64 import_nodes(const struct import_in *in)
{
	unsigned int level, shift;
	u64 i, n = 1;

	for (level = 1; level < VMARENA_PT_LEVELS; level++) {
		shift = (VMARENA_PT_LEVELS - level) * VMARENA_PT_BITS;
		for (i = 0; i < in->n; i++)
			n += !i || in->recs[i].vpn >> shift !=
				   in->recs[i - 1].vpn >> shift;
	}
	return n;
}

/* Builds and installs the new table; space locked. */
static int import_commit(struct vmarena_space *space, struct import_in *in,
			 u64 *taken)
{
	struct vmarena_pt pt;
	u64 swapped = 0, n;
	u32 nodes;
	int ret;

	lockdep_assert_held(space->lock);
	ret = import_base_ok(space, &in->r);
	if (ret)
		return ret;
	if (space->pinned)
		return -EBUSY;
	/*
	 * The nodes the staged pages add, before the copy reserves its own:
	 * no eviction may run once the new table shares the space's pages.
	 */
	n = import_nodes(in);
	ret = vmarena_space_reserve_nodes(space, n, &nodes);
	if (ret)
		return ret;
	/* Charged while reserved, so that the copy's own check counts them. */
	vmarena_user_charge(space->user, n);
	vmarena_pt_init(&pt);
	vmarena_pt_pool(&pt, nodes);
	ret = vmarena_share_copy(space, space, &pt, &swapped, NULL) ?:
	      import_apply(space, in, &pt, taken);
	vmarena_user_charge(space->user, -(s64)n);
	vmarena_space_unreserve(vmarena_pt_unpool(&pt));
	if (ret) {
		vmarena_pt_destroy(&pt, vmarena_space_release_entry, space);
		return ret;
	}
	vmarena_ckpt_install(space, &pt);
	space->import_source = in->r.source;
	space->import_gen = in->r.generation;
	return 0;
}

static void import_free(struct vmarena_space *space, struct import_in *in)
{
	u64 i;

	for (i = 0; i < in->n; i++) {
		if (in->recs[i].frame == VMARENA_NO_FRAME)
			continue;
		vmarena_frames_free(in->recs[i].frame, 0);
		vmarena_user_charge(space->user, -1);
	}
	kvfree(in->recs);
}

/**
 * vmarena_import() - IMPORT: read a stream from a file into a space.
 * @space: the space (not locked).
 * @file:  open for reading.
 * @gen:   out: the stream's generation.
 * @pages: out: records applied.
 * @bytes: out: bytes read.
 *
 * Return: 0; -EBADMSG, -EINVAL or -E2BIG for a stream that is refused
 * (include/uapi/linux/vmarena.h); -EBUSY while pages are pinned; -ENOMEM
 * or -EDQUOT for want of frames; the file's read error.  On failure the
 * space is unchanged.
 */
int vmarena_import(struct vmarena_space *space, struct file *file, u64 *gen,
		   u64 *pages, u64 *bytes)
{
	struct import_in in = { .file = file };
	unsigned int tries = VMARENA_RECLAIM_RETRIES;
	u64 taken = 0, mark;
	int ret;

	lockdep_assert_not_held(space->lock);
	vmarena_stream_reader_init(&in.r);
	ret = import_read(space, &in);
	while (!ret) {
		mark = vmarena_injections();
		mutex_lock(space->lock);
		ret = import_commit(space, &in, &taken);
		mutex_unlock(space->lock);
		/* Short of frames before a staged page was used: again. */
		if (ret != -ENOMEM || taken || !vmarena_supply_retry(mark, &tries))
			break;
		ret = 0;
	}
	import_free(space, &in);
	*bytes = in.bytes;
	atomic64_add(in.bytes, &vmarena_counters.import_bytes);
	if (ret == -EBADMSG || ret == -EINVAL || ret == -E2BIG)
		atomic64_inc(&vmarena_counters.streams_rejected);
	if (ret)
		return ret;
	*gen = in.r.generation;
	*pages = in.n;
	atomic64_add(in.n, &vmarena_counters.import_pages);
	return 0;
}
