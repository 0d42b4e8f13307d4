/*
 * adjacency.c — the traversal primitive: per-entity sorted runs of
 * fixed-size link records, and the time index of links.
 *
 * Each link has one adjacency record at each end (one in all for an
 * undirected self-loop). The 20-byte record is ltype(2) dir(1) nb(6)
 * link(6) time(5), big-endian, so the LMDB duplicates of one entity sort
 * by link type, then direction, then neighbour: "all links of type T of
 * X" is one contiguous range, read a page at a time with MDB_GET_MULTIPLE
 * and decoded without touching the link records.
 *
 * Times in adjacency records are biased by 2^39 into 5 bytes (about
 * ±17,000 years); 0 means no time. The time index keys links by hour and
 * keeps second-in-hour and link id as an 8-byte duplicate.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define TIME_BIAS ((int64_t)1 << 39)

void sk__adj_encode(adj_rec *r, sk_sym ltype, uint8_t dir, sk_id nb, sk_id link,
                    int64_t time)
{
    be_put(r->b, ltype, 2);
    r->b[2] = dir;
    be_put(r->b + 3, nb, 6);
    be_put(r->b + 9, link, 6);
    be_put(r->b + 15, time == SK_NO_TIME ? 0 : (uint64_t)(time + TIME_BIAS), 5);
}

void sk__adj_decode(const uint8_t *b, sk_adj *out)
{
    out->ltype = (sk_sym)be_get(b, 2);
    out->dir = b[2];
    out->nb = be_get(b + 3, 6);
    out->link = be_get(b + 9, 6);
    uint64_t tv = be_get(b + 15, 5);
    out->time = tv == 0 ? SK_NO_TIME : (int64_t)tv - TIME_BIAS;
}

static void id_key(uint8_t k[8], sk_id id) { be_put(k, id, 8); }

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void time_entry(const sk_link *l, uint8_t key[4], uint8_t val[TIME_SIZE])
{
    int64_t hour = floor_div(l->t_start, 3600);
    be_put(key, (uint64_t)(hour + ((int64_t)1 << 31)), 4);
    be_put(val, (uint64_t)(l->t_start - hour * 3600), 2);
    be_put(val + 2, l->id, 6);
}

/* ---- deferred writes ----
 *
 * Links created in a write transaction do not put their adjacency and time
 * records at once: the records are kept in memory and written sorted at
 * the next flush. Sorted puts touch each page once instead of at random,
 * and into a new case they are appended, filling every page. Anything that
 * reads or deletes adjacency flushes first, so readers never see the
 * difference; sk__adj_find consults the in-memory links itself.
 */

#define FLUSH_AT (8u << 20) /* pending records that force a flush (memory bound) */

struct adj_pending {
    sk_id entity;
    adj_rec rec;
};

struct time_pending {
    uint8_t key[4];
    uint8_t val[TIME_SIZE];
};

struct new_link {
    sk_id src, dst, link;  /* link 0: empty slot */
    int64_t time;
    sk_sym ltype;
    uint8_t dir;
};

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t fresh_slot(sk_id src, sk_id dst, sk_sym lt, uint8_t dir, int64_t time, size_t cap)
{
    uint64_t h = mix(src * 0x9e3779b97f4a7c15ull ^ mix(dst) ^ ((uint64_t)lt << 40) ^
                     ((uint64_t)dir << 56) ^ mix((uint64_t)time));
    return (size_t)h & (cap - 1);
}

static int fresh_add(sk_txn *t, const sk_link *l, uint8_t dir)
{
    if ((t->nfresh + 1) * 2 > t->capfresh) {
        size_t cap = t->capfresh ? t->capfresh * 2 : 1024;
        struct new_link *n = calloc(cap, sizeof *n);
        if (!n)
            return sk_txn_fail(t, SK_ENOMEM, "out of memory");
        for (size_t i = 0; i < t->capfresh; i++) {
            struct new_link *o = &t->fresh[i];
            if (!o->link)
                continue;
            size_t j = fresh_slot(o->src, o->dst, o->ltype, o->dir, o->time, cap);
            while (n[j].link)
                j = (j + 1) & (cap - 1);
            n[j] = *o;
        }
        free(t->fresh);
        t->fresh = n;
        t->capfresh = cap;
    }
    size_t j = fresh_slot(l->src, l->dst, l->type, dir, l->t_start, t->capfresh);
    while (t->fresh[j].link)
        j = (j + 1) & (t->capfresh - 1);
    t->fresh[j] = (struct new_link){l->src, l->dst, l->id, l->t_start, l->type, dir};
    t->nfresh++;
    return SK_OK;
}

static bool fresh_find(const sk_txn *t, sk_id src, sk_id dst, sk_sym lt, uint8_t dir,
                       int64_t time, sk_id *link)
{
    if (!t->nfresh)
        return false;
    size_t j = fresh_slot(src, dst, lt, dir, time, t->capfresh);
    for (; t->fresh[j].link; j = (j + 1) & (t->capfresh - 1)) {
        const struct new_link *f = &t->fresh[j];
        if (f->src == src && f->dst == dst && f->ltype == lt && f->dir == dir && f->time == time) {
            *link = f->link;
            return true;
        }
    }
    return false;
}

static int grow_array(sk_txn *t, void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return SK_OK;
    size_t c = *cap ? *cap * 2 : 4096;
    void *q = realloc(*p, c * size);
    if (!q)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    *p = q;
    *cap = c;
    return SK_OK;
}

static int pend_adj(sk_txn *t, sk_id entity, const adj_rec *r)
{
    int rc = grow_array(t, (void **)&t->pend, &t->cappend, t->npend, sizeof *t->pend);
    if (rc)
        return rc;
    t->pend[t->npend].entity = entity;
    t->pend[t->npend].rec = *r;
    t->npend++;
    return SK_OK;
}

static int cmp_pend(const void *a, const void *b)
{
    const struct adj_pending *x = a, *y = b;
    if (x->entity != y->entity)
        return x->entity < y->entity ? -1 : 1;
    return memcmp(x->rec.b, y->rec.b, ADJ_SIZE);
}

static int cmp_tpend(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct time_pending));
}

/* Puts N sorted records of SIZE bytes (key KL bytes first) into DB,
 * appending when they all sort after the database's last key. */
static int put_sorted(sk_txn *t, enum sk_db db, const uint8_t *recs, size_t n, size_t size,
                      size_t kl)
{
    if (!n)
        return SK_OK;
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[db], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "index");
    MDB_val k, v;
    rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
    bool append =
        rc == MDB_NOTFOUND || (rc == 0 && k.mv_size == kl && memcmp(k.mv_data, recs, kl) < 0);
    rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const uint8_t *r = recs + i * size;
        k = (MDB_val){kl, (void *)r};
        v = (MDB_val){size - kl, (void *)(r + kl)};
        /* Appending: a new key goes at the end of the database, a further
         * duplicate of the same key at the end of its run. */
        unsigned flags = !append ? 0
                         : i && memcmp(r - size, r, kl) == 0 ? MDB_APPENDDUP
                                                             : MDB_APPEND;
        rc = mdb_cursor_put(c, &k, &v, flags);
    }
    mdb_cursor_close(c);
    return rc ? sk__mdb_fail(t, rc, "write") : SK_OK;
}

int sk__adj_flush(sk_txn *t)
{
    if (t->poisoned)
        return SK_EPOISONED;
    int rc = SK_OK;
    if (t->npend) {
        qsort(t->pend, t->npend, sizeof *t->pend, cmp_pend);
        /* Re-encode in place as key(8) + record, the layout put_sorted wants. */
        uint8_t *flat = malloc(t->npend * (8 + ADJ_SIZE));
        if (!flat)
            return sk_txn_fail(t, SK_ENOMEM, "out of memory");
        for (size_t i = 0; i < t->npend; i++) {
            be_put(flat + i * (8 + ADJ_SIZE), t->pend[i].entity, 8);
            memcpy(flat + i * (8 + ADJ_SIZE) + 8, t->pend[i].rec.b, ADJ_SIZE);
        }
        rc = put_sorted(t, DB_ADJ, flat, t->npend, 8 + ADJ_SIZE, 8);
        free(flat);
    }
    if (!rc && t->ntpend) {
        qsort(t->tpend, t->ntpend, sizeof *t->tpend, cmp_tpend);
        rc = put_sorted(t, DB_TIME, (const uint8_t *)t->tpend, t->ntpend,
                        sizeof *t->tpend, 4);
    }
    sk__adj_discard(t);
    return rc;
}

void sk__adj_discard(sk_txn *t)
{
    free(t->pend);
    free(t->tpend);
    free(t->fresh);
    t->pend = NULL;
    t->tpend = NULL;
    t->fresh = NULL;
    t->npend = t->cappend = t->ntpend = t->captpend = t->nfresh = t->capfresh = 0;
}

int sk__adj_link_add(sk_txn *t, const sk_link *l)
{
    adj_rec a, b;
    uint8_t da = l->directed ? SK_DIR_OUT : SK_DIR_UNDIR;
    uint8_t db = l->directed ? SK_DIR_IN : SK_DIR_UNDIR;
    sk__adj_encode(&a, l->type, da, l->dst, l->id, l->t_start);
    sk__adj_encode(&b, l->type, db, l->src, l->id, l->t_start);
    int rc = pend_adj(t, l->src, &a);
    if (!rc && !(l->src == l->dst && !l->directed))
        rc = pend_adj(t, l->dst, &b);
    if (!rc)
        rc = fresh_add(t, l, da);
    if (!rc && !l->directed && l->src != l->dst) {
        /* An undirected link is found from either end. */
        sk_link r = *l;
        r.src = l->dst;
        r.dst = l->src;
        rc = fresh_add(t, &r, da);
    }
    if (!rc && l->t_start != SK_NO_TIME) {
        rc = grow_array(t, (void **)&t->tpend, &t->captpend, t->ntpend, sizeof *t->tpend);
        if (!rc) {
            time_entry(l, t->tpend[t->ntpend].key, t->tpend[t->ntpend].val);
            t->ntpend++;
        }
    }
    if (!rc && t->npend >= FLUSH_AT)
        rc = sk__adj_flush(t);
    return rc;
}

int sk__adj_link_del(sk_txn *t, const sk_link *l)
{
    int rc = t->npend || t->ntpend ? sk__adj_flush(t) : SK_OK;
    if (rc)
        return rc;
    adj_rec a, b;
    uint8_t k1[8], k2[8];
    sk__adj_encode(&a, l->type, l->directed ? SK_DIR_OUT : SK_DIR_UNDIR, l->dst, l->id,
                   l->t_start);
    sk__adj_encode(&b, l->type, l->directed ? SK_DIR_IN : SK_DIR_UNDIR, l->src, l->id,
                   l->t_start);
    id_key(k1, l->src);
    id_key(k2, l->dst);
    rc = sk__del(t, DB_ADJ, k1, 8, a.b, ADJ_SIZE);
    if ((!rc || rc == SK_ENOTFOUND) && !(l->src == l->dst && !l->directed))
        rc = sk__del(t, DB_ADJ, k2, 8, b.b, ADJ_SIZE);
    if ((rc && rc != SK_ENOTFOUND) || l->t_start == SK_NO_TIME)
        return rc == SK_ENOTFOUND ? SK_OK : rc;
    uint8_t tk[4], tv[TIME_SIZE];
    time_entry(l, tk, tv);
    rc = sk__del(t, DB_TIME, tk, 4, tv, TIME_SIZE);
    return rc == SK_ENOTFOUND ? SK_OK : rc;
}

/* ---- cursor ---- */

struct sk_adjcur {
    sk_txn *t;
    MDB_cursor *c;
    sk_sym ltype;            /* 0 = all types */
    unsigned mask;           /* SK_DIR_* accepted */
    const uint8_t *page;     /* current batch of records (in the map) */
    size_t n, pos;           /* records in the batch, next one */
    bool done;
};

int sk_adj_open(sk_txn *t, sk_id entity, sk_sym ltype, unsigned dirmask, sk_adjcur **out)
{
    *out = NULL;
    sk_adjcur *c = calloc(1, sizeof *c);
    if (!c)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    c->t = t;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_ADJ], &c->c);
    if (rc) {
        free(c);
        return sk__mdb_fail(t, rc, "adjacency");
    }
    rc = sk_adj_seek(c, entity, ltype, dirmask);
    if (rc) {
        sk_adj_close(c);
        return rc;
    }
    *out = c;
    return SK_OK;
}

int sk_adj_seek(sk_adjcur *c, sk_id entity, sk_sym ltype, unsigned dirmask)
{
    if (c->t->npend || c->t->ntpend) {
        int frc = sk__adj_flush(c->t);
        if (frc)
            return frc;
    }
    c->ltype = ltype;
    c->mask = dirmask ? dirmask : SK_DIR_ANY;
    c->page = NULL;
    c->n = c->pos = 0;
    c->done = false;
    uint8_t k[8];
    id_key(k, entity);
    MDB_val key = {8, k}, val;
    adj_rec first;
    int rc;
    if (ltype) {
        sk__adj_encode(&first, ltype, 0, 0, 0, SK_NO_TIME);
        val = (MDB_val){ADJ_SIZE, first.b};
        rc = mdb_cursor_get(c->c, &key, &val, MDB_GET_BOTH_RANGE);
    } else {
        rc = mdb_cursor_get(c->c, &key, &val, MDB_SET);
    }
    if (rc == 0) {
        /* GET_MULTIPLE leaves VAL untouched when the entity has a single
         * record (no duplicate page); read that one with GET_CURRENT. */
        val = (MDB_val){0, NULL};
        rc = mdb_cursor_get(c->c, &key, &val, MDB_GET_MULTIPLE);
        if (rc == 0 && val.mv_size == 0)
            rc = mdb_cursor_get(c->c, &key, &val, MDB_GET_CURRENT);
    }
    if (rc == MDB_NOTFOUND) {
        c->done = true;
        return SK_OK;
    }
    if (rc)
        return sk__mdb_fail(c->t, rc, "adjacency");
    c->page = val.mv_data;
    c->n = val.mv_size / ADJ_SIZE;
    return SK_OK;
}

int sk_adj_next(sk_adjcur *c, sk_adj *out)
{
    while (!c->done) {
        while (c->pos < c->n) {
            const uint8_t *b = c->page + ADJ_SIZE * c->pos++;
            if (c->ltype) {
                /* A batch is a whole LMDB page, which may begin before the
                 * position GET_BOTH_RANGE found. */
                sk_sym lt = (sk_sym)be_get(b, 2);
                if (lt < c->ltype)
                    continue;
                if (lt > c->ltype) {
                    c->done = true;
                    return SK_DONE;
                }
            }
            if (!(c->mask & b[2]))
                continue;
            sk__adj_decode(b, out);
            return SK_OK;
        }
        MDB_val key, val;
        int rc = mdb_cursor_get(c->c, &key, &val, MDB_NEXT_MULTIPLE);
        if (rc == MDB_NOTFOUND) {
            c->done = true;
            break;
        }
        if (rc)
            return sk__mdb_fail(c->t, rc, "adjacency");
        c->page = val.mv_data;
        c->n = val.mv_size / ADJ_SIZE;
        c->pos = 0;
    }
    return SK_DONE;
}

void sk_adj_close(sk_adjcur *c)
{
    if (!c)
        return;
    if (c->c)
        mdb_cursor_close(c->c);
    free(c);
}

int sk_adj_degree(sk_txn *t, sk_id entity, uint64_t *out)
{
    *out = 0;
    if (t->npend || t->ntpend) {
        int frc = sk__adj_flush(t);
        if (frc)
            return frc;
    }
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_ADJ], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "adjacency");
    uint8_t k[8];
    id_key(k, entity);
    MDB_val key = {8, k}, val;
    rc = mdb_cursor_get(c, &key, &val, MDB_SET);
    if (rc == 0) {
        size_t n;
        rc = mdb_cursor_count(c, &n);
        *out = n;
    }
    mdb_cursor_close(c);
    if (rc && rc != MDB_NOTFOUND)
        return sk__mdb_fail(t, rc, "adjacency");
    return SK_OK;
}

int sk__adj_find(sk_txn *t, sk_id entity, sk_sym ltype, uint8_t dir, sk_id nb,
                 int64_t time, sk_id *link)
{
    /* Links created since the last flush are only in memory. */
    if (fresh_find(t, entity, nb, ltype, dir, time, link))
        return SK_OK;
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_ADJ], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "adjacency");
    uint8_t k[8];
    id_key(k, entity);
    adj_rec want;
    sk__adj_encode(&want, ltype, dir, nb, 0, SK_NO_TIME);
    MDB_val key = {8, k}, val = {ADJ_SIZE, want.b};
    rc = mdb_cursor_get(c, &key, &val, MDB_GET_BOTH_RANGE);
    int found = SK_ENOTFOUND;
    /* Records of one (ltype, dir, nb) are adjacent: bytes 0..8 agree. */
    while (rc == 0 && memcmp(val.mv_data, want.b, 9) == 0) {
        sk_adj a;
        sk__adj_decode(val.mv_data, &a);
        if (a.time == time) {
            *link = a.link;
            found = SK_OK;
            break;
        }
        rc = mdb_cursor_get(c, &key, &val, MDB_NEXT_DUP);
    }
    mdb_cursor_close(c);
    if (rc && rc != MDB_NOTFOUND)
        return sk__mdb_fail(t, rc, "adjacency");
    return found;
}
