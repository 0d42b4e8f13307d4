/*
 * linkrec.c — link records packed 64 to an LMDB record ("bucket").
 *
 * Links get consecutive ids, so the records of ids 64·b … 64·b+63 share
 * one record of the link database under the key b (8 bytes, big-endian).
 * A bucket is
 *
 *   bits(8)  w(1)  ends[n](w each)  records
 *
 * where bit i of bits (big-endian u64) says that id 64·b+i exists, n is
 * the number of bits set, and ends[k] (big-endian, w = 2 or 4 bytes) is
 * where the k-th present record ends, counted from the start of the
 * records. One LMDB node per 64 links instead of one per link saves most
 * of LMDB's 16 bytes of node and key per record, and a bulk load makes one
 * put per 64 links. A record of any size fits (w = 4 past 64 KiB of
 * records; LMDB moves a large bucket to overflow pages).
 *
 * A write transaction holds one bucket in memory, decoded (the pending
 * bucket): creates, updates and deletes change it there, and it is written
 * back when another bucket is changed, before anything reads the link
 * database as a whole (sk__linkrec_settle) and at commit. Reads of one
 * record look at the pending bucket first. Invariants: a stored bucket
 * holds at least one record (an emptied one is deleted); every bucket
 * number from lb_end on is absent from the database, so it is appended.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define SLOTS 64
#define HDR 9 /* bits(8) w(1) */

struct sk_lbucket {
    sk_id no;                /* the bucket's number (id >> 6) */
    bool valid;              /* holds bucket NO (else nothing) */
    bool dirty;              /* changed since it was read or written */
    uint64_t bits;           /* records present */
    uint32_t off[SLOTS];     /* where slot i's record starts in data */
    uint32_t len[SLOTS];     /* and its length */
    uint8_t *data;           /* the records, in any order, with dead bytes */
    size_t used, cap;        /* bytes used and allocated in data */
    size_t live;             /* bytes of the present records */
    sk_buf enc;              /* the encoded bucket, when written */
};

static void bucket_key(uint8_t k[8], sk_id no) { be_put(k, no, 8); }

/* ---- the stored form ---- */

int sk__lbkt_parse(sk_lbkt *b, const uint8_t *p, size_t n)
{
    if (n < HDR)
        return SK_ECORRUPT;
    b->bits = be_get64(p);
    b->w = p[8];
    b->n = (unsigned)__builtin_popcountll(b->bits);
    if ((b->w != 2 && b->w != 4) || b->n == 0 || n < HDR + (size_t)b->n * b->w)
        return SK_ECORRUPT;
    b->ends = p + HDR;
    b->recs = b->ends + (size_t)b->n * b->w;
    b->size = n - (size_t)(b->recs - p);
    if (be_get(b->ends + (size_t)(b->n - 1) * b->w, b->w) != b->size)
        return SK_ECORRUPT;
    return SK_OK;
}

int sk__lbkt_rec(const sk_lbkt *b, unsigned slot, const uint8_t **p, size_t *n)
{
    if (!(b->bits >> slot & 1))
        return SK_ENOTFOUND;
    unsigned k = (unsigned)__builtin_popcountll(b->bits & ((UINT64_C(1) << slot) - 1));
    uint64_t start = k ? be_get(b->ends + (size_t)(k - 1) * b->w, b->w) : 0;
    uint64_t end = be_get(b->ends + (size_t)k * b->w, b->w);
    if (start > end || end > b->size)
        return SK_ECORRUPT;
    *p = b->recs + start;
    *n = (size_t)(end - start);
    return SK_OK;
}

/* ---- the pending bucket ---- */

static int data_reserve(sk_txn *t, struct sk_lbucket *lb, size_t more)
{
    if (lb->used + more <= lb->cap)
        return SK_OK;
    if (lb->used + more > UINT32_MAX)
        return sk_txn_fail(t, SK_ELIMIT, "link records of one bucket exceed 4 GiB");
    size_t cap = lb->cap ? lb->cap * 2 : 4096;
    while (cap < lb->used + more)
        cap *= 2;
    uint8_t *p = realloc(lb->data, cap);
    if (!p)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    lb->data = p;
    lb->cap = cap;
    return SK_OK;
}

/* Puts SLOT's record (N bytes at P) at the end of the data. P must not
 * point into the data. */
static int slot_set(sk_txn *t, struct sk_lbucket *lb, unsigned slot, const uint8_t *p,
                    size_t n)
{
    int rc = data_reserve(t, lb, n);
    if (rc)
        return rc;
    if (lb->bits >> slot & 1)
        lb->live -= lb->len[slot];
    memcpy(lb->data + lb->used, p, n);
    lb->off[slot] = (uint32_t)lb->used;
    lb->len[slot] = (uint32_t)n;
    lb->used += n;
    lb->live += n;
    lb->bits |= UINT64_C(1) << slot;
    return SK_OK;
}

/* One past the highest bucket number in the database, looked up once. */
static int find_top(sk_txn *t)
{
    if (t->lb_end_known)
        return SK_OK;
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_LINK], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "links");
    MDB_val k, v;
    rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
    mdb_cursor_close(c);
    if (rc && rc != MDB_NOTFOUND)
        return sk__mdb_fail(t, rc, "links");
    t->lb_end = rc == 0 && k.mv_size == 8 ? be_get64(k.mv_data) + 1 : 0;
    t->lb_end_known = true;
    return SK_OK;
}

/* Makes bucket NO the pending one, writing back the one it replaces. */
static int load(sk_txn *t, sk_id no)
{
    struct sk_lbucket *lb = t->lb;
    if (lb && lb->valid && lb->no == no)
        return SK_OK;
    int rc = sk__linkrec_settle(t);
    if (!rc)
        rc = find_top(t);
    if (rc)
        return rc;
    if (!lb) {
        lb = t->lb = calloc(1, sizeof *lb);
        if (!lb)
            return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    }
    lb->no = no;
    lb->valid = false;
    lb->bits = 0;
    lb->used = lb->live = 0;
    lb->dirty = false;
    uint8_t k[8];
    bucket_key(k, no);
    MDB_val v;
    rc = no >= t->lb_end ? SK_ENOTFOUND : sk__get(t, DB_LINK, k, 8, &v);
    if (rc == SK_ENOTFOUND) {
        lb->valid = true;
        return SK_OK;
    }
    sk_lbkt b;
    if (!rc && sk__lbkt_parse(&b, v.mv_data, v.mv_size))
        rc = sk_txn_fail(t, SK_ECORRUPT, "%s: links #%llu…: bucket is damaged", t->s->path,
                         (unsigned long long)(no * SLOTS));
    if (!rc)
        rc = data_reserve(t, lb, b.size);
    for (unsigned i = 0; !rc && i < SLOTS; i++) {
        const uint8_t *p;
        size_t n;
        int r = sk__lbkt_rec(&b, i, &p, &n);
        if (r == SK_OK)
            rc = slot_set(t, lb, i, p, n);
        else if (r != SK_ENOTFOUND)
            rc = sk_txn_fail(t, SK_ECORRUPT, "%s: link #%llu: record is damaged", t->s->path,
                             (unsigned long long)(no * SLOTS + i));
    }
    lb->valid = rc == SK_OK; /* nothing half-loaded is ever read */
    return rc;
}

/* Encodes the pending bucket into lb->enc, records in slot order. */
static int encode(sk_txn *t, struct sk_lbucket *lb)
{
    sk_buf *e = &lb->enc;
    sk__buf_reset(e);
    uint8_t w = lb->live <= 0xffff ? 2 : 4;
    uint8_t hdr[HDR];
    be_put(hdr, lb->bits, 8);
    hdr[8] = w;
    sk__put_bytes(e, hdr, HDR);
    size_t end = 0;
    for (unsigned i = 0; i < SLOTS; i++)
        if (lb->bits >> i & 1) {
            uint8_t b[4];
            end += lb->len[i];
            be_put(b, end, w);
            sk__put_bytes(e, b, w);
        }
    for (unsigned i = 0; i < SLOTS; i++)
        if (lb->bits >> i & 1)
            sk__put_bytes(e, lb->data + lb->off[i], lb->len[i]);
    return e->oom ? sk_txn_fail(t, SK_ENOMEM, "out of memory") : SK_OK;
}

int sk__linkrec_settle(sk_txn *t)
{
    struct sk_lbucket *lb = t->lb;
    if (!lb || !lb->valid || !lb->dirty)
        return SK_OK;
    int rc = find_top(t);
    if (rc)
        return rc;
    uint8_t k[8];
    bucket_key(k, lb->no);
    if (!lb->bits) {
        rc = lb->no >= t->lb_end ? SK_OK : sk__del(t, DB_LINK, k, 8, NULL, 0);
        if (rc == SK_ENOTFOUND)
            rc = SK_OK;
    } else {
        rc = encode(t, lb);
        if (!rc && lb->no >= t->lb_end) {
            rc = sk__append(t, DB_LINK, k, 8, lb->enc.p, lb->enc.len);
            t->lb_end = lb->no + 1;
        } else if (!rc) {
            rc = sk__put(t, DB_LINK, k, 8, lb->enc.p, lb->enc.len, 0);
        }
    }
    if (!rc)
        lb->dirty = false;
    return rc;
}

void sk__linkrec_free(sk_txn *t)
{
    if (!t->lb)
        return;
    free(t->lb->data);
    sk__buf_free(&t->lb->enc);
    free(t->lb);
    t->lb = NULL;
}

/* ---- records ---- */

int sk__linkrec_get(sk_txn *t, sk_id id, const uint8_t **p, size_t *n, bool *pending)
{
    unsigned slot = (unsigned)(id % SLOTS);
    struct sk_lbucket *lb = t->lb;
    *pending = false;
    if (lb && lb->valid && lb->no == id / SLOTS) {
        if (!(lb->bits >> slot & 1))
            return SK_ENOTFOUND;
        *p = lb->data + lb->off[slot];
        *n = lb->len[slot];
        *pending = true;
        return SK_OK;
    }
    uint8_t k[8];
    bucket_key(k, id / SLOTS);
    MDB_val v;
    int rc = sk__get(t, DB_LINK, k, 8, &v);
    if (rc)
        return rc;
    sk_lbkt b;
    rc = sk__lbkt_parse(&b, v.mv_data, v.mv_size);
    if (!rc)
        rc = sk__lbkt_rec(&b, slot, p, n);
    if (rc == SK_ECORRUPT)
        return sk_txn_fail(t, rc, "%s: link #%llu: bucket is damaged", t->s->path,
                           (unsigned long long)id);
    return rc;
}

/* Copies the present records of LB into a new buffer of their size. */
static int compact(sk_txn *t, struct sk_lbucket *lb)
{
    uint8_t *p = malloc(lb->live ? lb->live : 1);
    if (!p)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    size_t used = 0;
    for (unsigned i = 0; i < SLOTS; i++)
        if (lb->bits >> i & 1) {
            memcpy(p + used, lb->data + lb->off[i], lb->len[i]);
            lb->off[i] = (uint32_t)used;
            used += lb->len[i];
        }
    free(lb->data);
    lb->data = p;
    lb->used = lb->cap = used;
    if (!lb->cap)
        lb->cap = 1;
    return SK_OK;
}

int sk__linkrec_put(sk_txn *t, sk_id id, const uint8_t *p, size_t n)
{
    int rc = load(t, id / SLOTS);
    if (rc)
        return rc;
    struct sk_lbucket *lb = t->lb;
    /* Rewritten records leave dead bytes; drop them once they dominate. */
    if (lb->used - lb->live > 65536 && lb->used - lb->live > lb->live && (rc = compact(t, lb)))
        return rc;
    rc = slot_set(t, lb, (unsigned)(id % SLOTS), p, n);
    if (!rc)
        lb->dirty = true;
    return rc;
}

int sk__linkrec_del(sk_txn *t, sk_id id)
{
    int rc = load(t, id / SLOTS);
    if (rc)
        return rc;
    struct sk_lbucket *lb = t->lb;
    unsigned slot = (unsigned)(id % SLOTS);
    if (!(lb->bits >> slot & 1))
        return SK_ENOTFOUND;
    lb->bits &= ~(UINT64_C(1) << slot);
    lb->live -= lb->len[slot];
    lb->dirty = true;
    return SK_OK;
}
