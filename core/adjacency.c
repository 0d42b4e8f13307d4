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

/* Applies FN (put or delete) to both adjacency records and the time entry. */
static int adj_apply(sk_txn *t, const sk_link *l, bool add)
{
    adj_rec a, b;
    uint8_t ka[8], kb[8];
    uint8_t da = l->directed ? SK_DIR_OUT : SK_DIR_UNDIR;
    uint8_t db = l->directed ? SK_DIR_IN : SK_DIR_UNDIR;
    sk__adj_encode(&a, l->type, da, l->dst, l->id, l->t_start);
    sk__adj_encode(&b, l->type, db, l->src, l->id, l->t_start);
    id_key(ka, l->src);
    id_key(kb, l->dst);
    bool same = l->src == l->dst && !l->directed;
    int rc;
    if (add) {
        rc = sk__put(t, DB_ADJ, ka, 8, a.b, ADJ_SIZE, 0);
        if (!rc && !same)
            rc = sk__put(t, DB_ADJ, kb, 8, b.b, ADJ_SIZE, 0);
    } else {
        rc = sk__del(t, DB_ADJ, ka, 8, a.b, ADJ_SIZE);
        if (!rc && !same)
            rc = sk__del(t, DB_ADJ, kb, 8, b.b, ADJ_SIZE);
    }
    if (rc || l->t_start == SK_NO_TIME)
        return rc == SK_ENOTFOUND && !add ? SK_OK : rc;
    uint8_t tk[4], tv[TIME_SIZE];
    time_entry(l, tk, tv);
    rc = add ? sk__put(t, DB_TIME, tk, 4, tv, TIME_SIZE, 0)
             : sk__del(t, DB_TIME, tk, 4, tv, TIME_SIZE);
    return rc == SK_ENOTFOUND && !add ? SK_OK : rc;
}

int sk__adj_link_add(sk_txn *t, const sk_link *l) { return adj_apply(t, l, true); }
int sk__adj_link_del(sk_txn *t, const sk_link *l) { return adj_apply(t, l, false); }

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
