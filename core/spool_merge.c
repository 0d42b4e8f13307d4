/*
 * spool_merge.c — writing a spool into its database: its sorted runs and
 * the records still in memory merged into one ordered stream and put
 * into LMDB, appended wherever they sort after what the database holds.
 *
 * With runs to merge, the merge runs on a thread of its own and hands the
 * records over in blocks, while the transaction's thread puts them (an
 * LMDB write transaction is one thread's): at a flush the import that
 * filled the spools is over and the second core is free. Without a thread
 * the merge puts each record itself.
 */
#include "spool_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUN_BUF ((size_t)1 << 20)  /* most a merge reads of a run at a time */
#define RUN_BUF_MIN ((size_t)4096) /* least (more than a record) */
#define BLOCK ((size_t)1 << 20)    /* records handed over at a time */
#define NBLOCK 4                   /* blocks between the merge and the puts */
#define ETRUNC (-1)                /* a run ended inside a record */

/* ---- the sources of a merge: the runs and the memory ---- */

typedef struct source {
    const uint8_t *rec;      /* current record; NULL when exhausted */
    size_t fsize;            /* the spool's fixed record size, 0 if none */
    bool in_memory;          /* the records still in memory, else a run */
    const uint8_t *mem, *mem_end;
    /* a run */
    int fd;
    off_t off;               /* next byte to read */
    uint64_t left;           /* bytes of the run not yet read */
    uint8_t *buf;
    size_t blen, bpos, bcap;
} source;

/* Moves S to its next record. 0, an errno, or ETRUNC. */
static int src_next(source *s)
{
    if (s->in_memory) {
        s->rec = s->mem < s->mem_end ? s->mem : NULL;
        if (s->rec)
            s->mem += sp_rec_size(s->fsize, s->rec);
        return 0;
    }
    size_t avail = s->blen - s->bpos;
    size_t least = s->fsize ? s->fsize : REC_HDR;
    if (avail < least || avail < sp_rec_size(s->fsize, s->buf + s->bpos)) {
        if (avail == 0 && s->left == 0) {
            s->rec = NULL;
            return 0;
        }
        memmove(s->buf, s->buf + s->bpos, avail);
        s->blen = avail;
        s->bpos = 0;
        while (s->left && s->blen < s->bcap) {
            size_t want = s->bcap - s->blen < s->left ? s->bcap - s->blen : (size_t)s->left;
            ssize_t r = pread(s->fd, s->buf + s->blen, want, s->off);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return r < 0 ? errno : ETRUNC; /* the file ends inside the run */
            s->blen += (size_t)r;
            s->off += r;
            s->left -= (uint64_t)r;
        }
        avail = s->blen;
        if (avail < least || avail < sp_rec_size(s->fsize, s->buf))
            return ETRUNC;
    }
    s->rec = s->buf + s->bpos;
    s->bpos += sp_rec_size(s->fsize, s->rec);
    return 0;
}

static inline int src_cmp(const source *a, const source *b)
{
    return a->fsize ? fixed_cmp(a->rec, b->rec, a->fsize) : rec_cmp(a->rec, b->rec);
}

/* A binary min-heap of sources by current record. */
static void heap_down(source **h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && src_cmp(h[l], h[m]) < 0)
            m = l;
        if (l + 1 < n && src_cmp(h[l + 1], h[m]) < 0)
            m = l + 1;
        if (m == i)
            return;
        source *x = h[i];
        h[i] = h[m];
        h[m] = x;
        i = m;
    }
}

typedef struct merge {
    source *srcs;
    source **heap;
    size_t nsrc, nh;
} merge;

static void merge_free(merge *m)
{
    for (size_t i = 1; m->srcs && i < m->nsrc; i++)
        free(m->srcs[i].buf);
    free(m->srcs);
    free(m->heap);
}

/* Sets up the merge of SP's runs and memory (sorted). 0, an errno or
 * ETRUNC; M is to be freed either way. */
static int merge_open(sk_txn *t, const sk_spool *sp, merge *m)
{
    *m = (merge){.nsrc = sp->nruns + 1};
    m->srcs = calloc(m->nsrc, sizeof *m->srcs);
    m->heap = calloc(m->nsrc, sizeof *m->heap);
    if (!m->srcs || !m->heap)
        return ENOMEM;
    m->srcs[0] = (source){.in_memory = true, .fsize = sp->fsize, .mem = sp->data,
                          .mem_end = sp->data + sp->len};
    /* The read buffers share the budget; each holds at least a record. */
    size_t bcap = (t->budget ? t->budget : SK_SPOOL_BUDGET) / m->nsrc;
    bcap = bcap < RUN_BUF_MIN ? RUN_BUF_MIN : bcap > RUN_BUF ? RUN_BUF : bcap;
    for (size_t i = 1; i < m->nsrc; i++) {
        m->srcs[i] = (source){.fsize = sp->fsize, .fd = sp->fd, .off = sp->runs[i - 1].off,
                              .left = sp->runs[i - 1].len, .buf = malloc(bcap), .bcap = bcap};
        if (!m->srcs[i].buf)
            return ENOMEM;
    }
    for (size_t i = 0; i < m->nsrc; i++) {
        int err = src_next(&m->srcs[i]);
        if (err)
            return err;
        if (m->srcs[i].rec)
            m->heap[m->nh++] = &m->srcs[i];
    }
    for (size_t i = m->nh; i-- > 0;)
        heap_down(m->heap, m->nh, i);
    return 0;
}

/* Hands each record of M, in order, to EMIT (which returns 0 or stops
 * the merge with its nonzero value). 0, an errno, ETRUNC or EMIT's. */
static int merge_run(merge *m, int (*emit)(void *, const uint8_t *), void *ctx)
{
    while (m->nh) {
        source *s = m->heap[0];
        int err = emit(ctx, s->rec);
        if (!err)
            err = src_next(s);
        if (err)
            return err;
        if (!s->rec)
            m->heap[0] = m->heap[--m->nh];
        heap_down(m->heap, m->nh, 0);
    }
    return 0;
}

static int merge_fail(sk_txn *t, int err)
{
    if (err == ENOMEM)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    if (err == ETRUNC)
        return sk_txn_fail(t, SK_EIO, "%s: a sorted run of the index writes is truncated",
                           t->s->path);
    return sk__spool_io_fail(t, err, "reading a sorted run");
}

/* ---- writing into LMDB ----
 *
 * Records arrive in order. While they sort at or before the database's
 * last key they are put normally; from the first one after it, every key
 * is appended, and the data items of one key go in one MDB_MULTIPLE put
 * (DUPFIXED), appended to the key's run of duplicates. */

typedef struct writer {
    sk_txn *t;
    enum sk_db db;
    size_t fklen, fsize;     /* the spool's record layout (spool_int.h) */
    MDB_cursor *c;
    bool dup;                /* a DUPSORT|DUPFIXED database */
    bool append;             /* every record from here on sorts last */
    uint8_t last[512];       /* the database's last key before the flush */
    size_t lastlen;
    bool empty;              /* the database was empty */
    uint8_t key[512];        /* key of the pending group */
    size_t klen;
    uint8_t *vals;           /* data items of the pending group, contiguous */
    size_t vlen, nvals, capvals;
    bool have;               /* a group is pending */
} writer;

static int put_group(writer *w)
{
    if (!w->have)
        return SK_OK;
    w->have = false;
    MDB_val k = {w->klen, w->key};
    int rc;
    if (w->db == DB_ADJ)
        return sk__adj_put_run(w->t, w->c, be_get(w->key, w->klen), w->vals, w->nvals,
                               w->append);
    if (w->append && w->dup && w->nvals > 1) {
        MDB_val v[2] = {{w->vlen, w->vals}, {w->nvals, NULL}};
        rc = mdb_cursor_put(w->c, &k, v, MDB_APPEND | MDB_APPENDDUP | MDB_MULTIPLE);
    } else {
        rc = 0;
        for (size_t i = 0; !rc && i < w->nvals; i++) {
            MDB_val v = {w->vlen, w->vals + i * w->vlen};
            unsigned flags = !w->append ? 0 : i ? MDB_APPENDDUP : MDB_APPEND;
            rc = mdb_cursor_put(w->c, &k, &v, flags);
        }
    }
    return rc ? sk__mdb_fail(w->t, rc, "writing an index") : SK_OK;
}

static int writer_add(writer *w, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    if (w->have && kl == w->klen && memcmp(k, w->key, kl) == 0) {
        const uint8_t *prev = w->vals + (w->nvals - 1) * w->vlen;
        /* A repeated record (or a repeated key where there are no duplicates). */
        if (!w->dup || (vl == w->vlen && memcmp(prev, v, vl) == 0))
            return SK_OK;
        if (vl != w->vlen)
            return sk_txn_fail(w->t, SK_ECORRUPT, "index records of unequal size");
    } else {
        int rc = put_group(w);
        if (rc)
            return rc;
        if (!w->append && (w->empty || bytes_cmp(k, kl, w->last, w->lastlen) > 0))
            w->append = true;
        memcpy(w->key, k, kl);
        w->klen = kl;
        w->vlen = vl;
        w->nvals = 0;
        w->have = true;
    }
    if ((w->nvals + 1) * vl > w->capvals) {
        size_t cap = w->capvals ? w->capvals * 2 : 4096;
        while (cap < (w->nvals + 1) * vl)
            cap *= 2;
        uint8_t *p = realloc(w->vals, cap);
        if (!p)
            return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
        w->vals = p;
        w->capvals = cap;
    }
    memcpy(w->vals + w->nvals * vl, v, vl);
    w->nvals++;
    return SK_OK;
}

/* Adds spooled record R (its spool's layout). */
static int writer_rec(void *ctx, const uint8_t *r)
{
    writer *w = ctx;
    if (w->fsize)
        return writer_add(w, r, w->fklen, r + w->fklen, w->fsize - w->fklen);
    return writer_add(w, r + REC_HDR, rec_klen(r), r + REC_HDR + rec_klen(r), rec_vlen(r));
}

static int writer_open(sk_txn *t, const sk_spool *sp, writer *w)
{
    /* Adjacency records go into chunks (adjchunk.c), a key's run at once. */
    *w = (writer){.t = t, .db = sp->db, .fklen = sp->fklen, .fsize = sp->fsize,
                  .dup = sp->db != DB_KEY};
    int rc = mdb_cursor_open(t->txn, t->s->dbi[sp->db], &w->c);
    if (rc)
        return sk__mdb_fail(t, rc, "index");
    MDB_val k, v;
    rc = mdb_cursor_get(w->c, &k, &v, MDB_LAST);
    if (rc == MDB_NOTFOUND) {
        w->empty = true;
    } else if (rc) {
        mdb_cursor_close(w->c);
        return sk__mdb_fail(t, rc, "index");
    } else {
        w->lastlen = k.mv_size;
        memcpy(w->last, k.mv_data, k.mv_size);
    }
    return SK_OK;
}

static void writer_close(writer *w)
{
    mdb_cursor_close(w->c);
    free(w->vals);
}

/* ---- the merge on a thread of its own ----
 *
 * A ring of NBLOCK blocks: the merge fills them in turn with whole
 * records and the putting thread empties them in the same order. */

typedef struct handover {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    merge *m;
    size_t fsize;
    uint8_t *blk[NBLOCK];
    size_t blen[NBLOCK];
    size_t filled, emptied;  /* blocks handed over and given back */
    uint8_t *cur;            /* the block being filled, and its bytes */
    size_t curlen;
    bool done;               /* the merge has ended (err says how) */
    bool stop;               /* the puts failed: the merge is to end */
    int err;
} handover;

/* Hands the block being filled over; waits for a free one. 0 or ECANCELED. */
static int hand_block(handover *p)
{
    pthread_mutex_lock(&p->mu);
    p->blen[p->filled % NBLOCK] = p->curlen;
    p->filled++;
    pthread_cond_broadcast(&p->cv);
    while (!p->stop && p->filled - p->emptied == NBLOCK)
        pthread_cond_wait(&p->cv, &p->mu);
    int err = p->stop ? ECANCELED : 0;
    pthread_mutex_unlock(&p->mu);
    p->cur = p->blk[p->filled % NBLOCK];
    p->curlen = 0;
    return err;
}

static int hand_record(void *ctx, const uint8_t *r)
{
    handover *p = ctx;
    size_t n = sp_rec_size(p->fsize, r);
    if (p->curlen + n > BLOCK) {
        int err = hand_block(p);
        if (err)
            return err;
    }
    memcpy(p->cur + p->curlen, r, n);
    p->curlen += n;
    return 0;
}

static void *merge_thread(void *arg)
{
    handover *p = arg;
    int err = merge_run(p->m, hand_record, p);
    if (!err && p->curlen)
        err = hand_block(p);
    pthread_mutex_lock(&p->mu);
    p->done = true;
    p->err = err;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Runs merge M on a thread of its own and puts the blocks it hands over.
 * *RAN false: there was no thread (or no memory for the blocks) and
 * nothing was taken from M. */
static int merge_beside(sk_txn *t, merge *m, writer *w, size_t fsize, bool *ran)
{
    handover p = {.m = m, .fsize = fsize};
    uint8_t *mem = malloc(NBLOCK * BLOCK);
    *ran = false;
    if (!mem)
        return SK_OK;
    for (int i = 0; i < NBLOCK; i++)
        p.blk[i] = mem + (size_t)i * BLOCK;
    p.cur = p.blk[0];
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    pthread_t th;
    *ran = pthread_create(&th, NULL, merge_thread, &p) == 0;
    int rc = SK_OK;
    for (bool more = *ran; more;) {
        pthread_mutex_lock(&p.mu);
        while (p.emptied == p.filled && !p.done)
            pthread_cond_wait(&p.cv, &p.mu);
        more = p.emptied < p.filled;
        pthread_mutex_unlock(&p.mu);
        if (!more)
            break;
        const uint8_t *r = p.blk[p.emptied % NBLOCK], *end = r + p.blen[p.emptied % NBLOCK];
        for (; !rc && r < end; r += sp_rec_size(fsize, r))
            rc = writer_rec(w, r);
        pthread_mutex_lock(&p.mu);
        p.emptied++;
        p.stop = rc != SK_OK;
        more = !p.stop;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
    }
    if (*ran) {
        pthread_join(th, NULL);
        if (!rc && p.err)
            rc = merge_fail(t, p.err);
    }
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    free(mem);
    return rc;
}

/* The merge putting each record itself. */
typedef struct direct {
    writer *w;
    int rc;
} direct;

static int put_direct(void *ctx, const uint8_t *r)
{
    direct *d = ctx;
    d->rc = writer_rec(d->w, r);
    return d->rc ? ECANCELED : 0;
}

int sk__spool_write(sk_txn *t, sk_spool *sp)
{
    int rc = sk__spool_sort(&sp->data, &sp->cap, sp->len, sp->n, sp->fsize);
    if (rc)
        return sk_txn_fail(t, rc, "out of memory");
    merge m;
    int err = merge_open(t, sp, &m);
    writer w;
    rc = err ? merge_fail(t, err) : writer_open(t, sp, &w);
    if (!rc) {
        bool ran = false;
        if (sp->nruns)
            rc = merge_beside(t, &m, &w, sp->fsize, &ran);
        if (!ran) {
            direct d = {.w = &w};
            err = merge_run(&m, put_direct, &d);
            rc = d.rc ? d.rc : err ? merge_fail(t, err) : SK_OK;
        }
        if (!rc)
            rc = put_group(&w);
        writer_close(&w);
    }
    merge_free(&m);
    return rc;
}
