/*
 * adjacency.c — the traversal primitive: per-entity sorted runs of
 * fixed-size link records, and the time index of links.
 *
 * Each link has one adjacency record at each end (one in all for an
 * undirected self-loop). The 17-byte record is ltype(14 bits) dir(2 bits)
 * nb(5) link(5) time(5), big-endian, so the records of one entity sort
 * by link type, then direction, then neighbour: "all links of type T of
 * X" is one contiguous range, kept in chunks (adjchunk.c) read a chunk at a
 * time straight from the map and decoded without touching the link records.
 *
 * Times in adjacency records are biased by 2^39 into 5 bytes (about
 * ±17,000 years); 0 means no time. The time index keys links by hour and
 * keeps second-in-hour and link id as a 7-byte duplicate.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define TIME_BIAS ((int64_t)1 << 39)

/* The direction as 2 bits, in the order OUT < IN < UNDIR of SK_DIR_*. */
static unsigned dir_code(uint8_t dir) { return dir == SK_DIR_IN ? 1 : dir == SK_DIR_UNDIR ? 2 : 0; }

void sk__adj_encode(adj_rec *r, sk_sym ltype, uint8_t dir, sk_id nb, sk_id link,
                    int64_t time)
{
    be_put(r->b, (uint64_t)ltype << 2 | dir_code(dir), 2);
    be_put(r->b + 2, nb, 5);
    be_put(r->b + 7, link, 5);
    be_put(r->b + 12, time == SK_NO_TIME ? 0 : (uint64_t)(time + TIME_BIAS), 5);
}

/* The link type and direction of record B. */
static inline sk_sym rec_ltype(const uint8_t *b) { return (sk_sym)(b[0] << 6 | b[1] >> 2); }
static inline uint8_t rec_dir(const uint8_t *b) { return (uint8_t)(1u << (b[1] & 3)); }

/* Each field comes from one 8-byte load that stays inside the 17-byte
 * record: bytes 0..7 (type, direction, neighbour), 4..11 (link), 9..16
 * (time). */
static inline void adj_decode(const uint8_t *b, sk_adj *out)
{
    const uint64_t m40 = (UINT64_C(1) << 40) - 1;
    out->ltype = rec_ltype(b);
    out->dir = rec_dir(b);
    out->nb = be_get64(b) >> 8 & m40;
    out->link = be_get64(b + 4) & m40;
    uint64_t tv = be_get64(b + 9) & m40;
    out->time = tv == 0 ? SK_NO_TIME : (int64_t)tv - TIME_BIAS;
}

void sk__adj_decode(const uint8_t *b, sk_adj *out) { adj_decode(b, out); }

/* The key of an entity's first chunk (adjchunk.c). */
static void id_key(uint8_t k[ADJ_KEY], sk_id id) { be_put(k, id, ADJ_KEY); }

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
    be_put(val + 2, l->id, 5);
}

/* ---- deferred writes ----
 *
 * Links created in a write transaction do not put their adjacency and time
 * records at once: the records are spooled (spool.c) and written sorted at
 * the next flush (in chunks: adjchunk.c), appended where they sort last.
 * Anything that reads or
 * deletes adjacency settles the spools first, so readers never see the
 * difference; sk__adj_find consults the links created since (lookup.c).
 */

int sk__adj_link_add(sk_txn *t, const sk_link *l)
{
    adj_rec a, b;
    uint8_t da = l->directed ? SK_DIR_OUT : SK_DIR_UNDIR;
    uint8_t db = l->directed ? SK_DIR_IN : SK_DIR_UNDIR;
    sk__adj_encode(&a, l->type, da, l->dst, l->id, l->t_start);
    sk__adj_encode(&b, l->type, db, l->src, l->id, l->t_start);
    sk__lf_note(t, l->src, a.b, 0);
    if (!(l->src == l->dst && !l->directed))
        sk__lf_note(t, l->dst, b.b, 1);
    uint8_t k[ADJ_KEY];
    id_key(k, l->src);
    int rc = sk__spool_add(t, DB_ADJ, k, ADJ_KEY, a.b, ADJ_SIZE);
    if (!rc && !(l->src == l->dst && !l->directed)) {
        id_key(k, l->dst);
        rc = sk__spool_add(t, DB_ADJ, k, ADJ_KEY, b.b, ADJ_SIZE);
    }
    if (!rc && l->t_start != SK_NO_TIME) {
        uint8_t tk[4], tv[TIME_SIZE];
        time_entry(l, tk, tv);
        rc = sk__spool_add(t, DB_TIME, tk, 4, tv, TIME_SIZE);
    }
    /* Last: a flush the spools made on the way has reset the table. */
    return rc ? rc : sk__links_add(t, l);
}

int sk__adj_link_del(sk_txn *t, const sk_link *l)
{
    int rc = sk__spool_settle(t, DB_ADJ);
    if (rc)
        return rc;
    adj_rec a, b;
    sk__adj_encode(&a, l->type, l->directed ? SK_DIR_OUT : SK_DIR_UNDIR, l->dst, l->id,
                   l->t_start);
    sk__adj_encode(&b, l->type, l->directed ? SK_DIR_IN : SK_DIR_UNDIR, l->src, l->id,
                   l->t_start);
    rc = sk__adj_del_rec(t, l->src, a.b);
    if ((!rc || rc == SK_ENOTFOUND) && !(l->src == l->dst && !l->directed))
        rc = sk__adj_del_rec(t, l->dst, b.b);
    if ((rc && rc != SK_ENOTFOUND) || l->t_start == SK_NO_TIME)
        return rc == SK_ENOTFOUND ? SK_OK : rc;
    uint8_t tk[4], tv[TIME_SIZE];
    time_entry(l, tk, tv);
    rc = sk__del(t, DB_TIME, tk, 4, tv, TIME_SIZE);
    return rc == SK_ENOTFOUND ? SK_OK : rc;
}

/* ---- cursor ----
 *
 * The cursor reads an entity's chunks (adjchunk.c) one after the other,
 * each a batch of records straight from the map. After the last chunk of
 * one entity the LMDB cursor sits on the next key, so a scan that visits
 * entities in id order takes the next entity from there with no search. */

struct sk_adjcur {
    sk_txn *t;
    MDB_cursor *c;
    sk_sym ltype;            /* 0 = all types */
    unsigned mask;           /* SK_DIR_* accepted */
    const uint8_t *page;     /* current chunk of records (in the map) */
    size_t n, pos;           /* records in the chunk, next one */
    bool done;
    sk_id entity;            /* the entity being read */
    sk_id at;                /* the LMDB cursor is on this entity's first
                                chunk (not yet read); 0 = not known */
    sk_id after;             /* with AT: the entity read before it; none
                                between the two has records */
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

/* Notes where the LMDB cursor stands after it left the entity's chunks
 * for key K (MRC: how the step went). */
static void note_next(sk_adjcur *c, int mrc, const MDB_val *k)
{
    c->at = mrc == 0 && k->mv_size == ADJ_KEY ? be_get(k->mv_data, ADJ_KEY) : 0;
    c->after = c->entity;
}

int sk_adj_seek(sk_adjcur *c, sk_id entity, sk_sym ltype, unsigned dirmask)
{
    int frc = c->t->write ? sk__spool_settle(c->t, DB_ADJ) : SK_OK;
    if (frc)
        return frc;
    c->ltype = ltype;
    c->mask = dirmask ? dirmask : SK_DIR_ANY;
    c->page = NULL;
    c->n = c->pos = 0;
    c->done = false;
    c->entity = entity;
    MDB_val key, val;
    int rc;
    /* Where the last read left the cursor, unless this transaction can
     * have written the adjacency since. */
    sk_id at = c->t->write ? 0 : c->at;
    c->at = 0;
    bool located = false; /* the cursor is on the chunk to read (or none) */
    if (ltype) {
        adj_rec first;
        sk__adj_encode(&first, ltype, 0, 0, 0, SK_NO_TIME);
        rc = sk__adj_locate(c->c, entity, first.b, &key, &val);
        located = true;
    } else if (at && entity == at) {
        /* Entities visited in id order: the cursor is on this one already. */
        rc = mdb_cursor_get(c->c, &key, &val, MDB_GET_CURRENT);
        located = rc == 0 && key.mv_size == ADJ_KEY && be_get(key.mv_data, ADJ_KEY) == entity;
    } else if (at && entity > c->after && entity < at) {
        /* Between the last entity read and the key after it: no records,
         * and the cursor stays where the next one starts. */
        c->at = at;
        c->done = true;
        return SK_OK;
    }
    if (!located)
        rc = sk__adj_locate(c->c, entity, NULL, &key, &val);
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
                /* A chunk may begin before the link type sought. */
                sk_sym lt = rec_ltype(b);
                if (lt < c->ltype)
                    continue;
                if (lt > c->ltype) {
                    c->done = true;
                    return SK_DONE;
                }
            }
            if (!(c->mask & rec_dir(b)))
                continue;
            adj_decode(b, out);
            return SK_OK;
        }
        MDB_val key, val;
        int rc = mdb_cursor_get(c->c, &key, &val, MDB_NEXT);
        if (rc == 0 && key.mv_size == ADJ_KEY + ADJ_SIZE &&
            be_get(key.mv_data, ADJ_KEY) == c->entity) {
            c->page = val.mv_data;
            c->n = val.mv_size / ADJ_SIZE;
            c->pos = 0;
            continue;
        }
        if (rc && rc != MDB_NOTFOUND)
            return sk__mdb_fail(c->t, rc, "adjacency");
        note_next(c, rc, &key);
        c->done = true;
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
    int frc = sk__spool_settle(t, DB_ADJ);
    if (frc)
        return frc;
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_ADJ], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "adjacency");
    MDB_val key, val;
    rc = sk__adj_locate(c, entity, NULL, &key, &val);
    while (rc == 0 && key.mv_size >= ADJ_KEY && be_get(key.mv_data, ADJ_KEY) == entity) {
        *out += val.mv_size / ADJ_SIZE;
        rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (rc && rc != MDB_NOTFOUND)
        return sk__mdb_fail(t, rc, "adjacency");
    return SK_OK;
}

/* Looks for WANT (bytes 0..6) with start time TIME among the records of
 * ENTITY's chunks from where cursor C stands (*KEY, *VAL and MRC: its
 * position), for sk__adj_find. COVER: every chunk of the entity is read
 * from its first, each record passed to the filter (linkfilter.c);
 * otherwise the search stops past the records of WANT. */
static int adj_scan(sk_txn *t, MDB_cursor *c, sk_id entity, const adj_rec *want,
                    int64_t time, bool cover, int mrc, MDB_val *key, MDB_val *val,
                    sk_id *link)
{
    int found = SK_ENOTFOUND;
    bool past = false;
    /* Records of one (ltype, dir, nb) are adjacent: bytes 0..6 agree. They
     * may run on into the next chunk. */
    while (mrc == 0) {
        const uint8_t *p = val->mv_data;
        size_t n = val->mv_size / ADJ_SIZE;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *r = p + i * ADJ_SIZE;
            if (cover)
                sk__lf_cover_add(t, entity, r);
            if (past)
                continue;
            int cmp = memcmp(r, want->b, 7);
            if (cmp < 0)
                continue;
            if (cmp == 0) {
                sk_adj a;
                sk__adj_decode(r, &a);
                if (a.time != time)
                    continue;
                *link = a.link;
                found = SK_OK;
            }
            past = true;
            if (!cover)
                break;
        }
        if (past && !cover)
            break;
        mrc = mdb_cursor_get(c, key, val, MDB_NEXT);
        if (mrc == 0 &&
            (key->mv_size != ADJ_KEY + ADJ_SIZE || be_get(key->mv_data, ADJ_KEY) != entity))
            break;
    }
    if (mrc && mrc != MDB_NOTFOUND)
        return sk__mdb_fail(t, mrc, "adjacency");
    if (cover)
        sk__lf_cover_done(t, entity);
    return found;
}

/* Searches the store for ENTITY's record WANT with start time TIME;
 * COVER: reading all of the entity's records into the filter on the way. */
static int store_find(sk_txn *t, sk_id entity, const adj_rec *want, int64_t time,
                      bool cover, sk_id *link)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_ADJ], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "adjacency");
    MDB_val key, val;
    int mrc = sk__adj_locate(c, entity, cover ? NULL : want->b, &key, &val);
    rc = adj_scan(t, c, entity, want, time, cover, mrc, &key, &val, link);
    mdb_cursor_close(c);
    return rc;
}

int sk__adj_find(sk_txn *t, sk_id entity, sk_sym ltype, uint8_t dir, sk_id nb,
                 int64_t time, sk_id *link)
{
    /* A links table dropped at its budget: the store must hold them all. */
    int rc = sk__lookup_settle(t, &t->links);
    if (rc)
        return rc;
    adj_rec want;
    sk__adj_encode(&want, ltype, dir, nb, 0, time);
    /* Most links an import checks are new: the filter says so exactly for
     * an entity whose records it holds, and covers one it does not yet
     * with the one read of its chunks the search needs anyway. */
    int lf = sk__lf_check(t, entity, want.b);
    if (lf == SK_LF_ABSENT)
        return SK_ENOTFOUND;
    bool cover = lf == SK_LF_UNCOVERED;
    rc = store_find(t, entity, &want, time, cover, link);
    if (rc != SK_ENOTFOUND)
        return rc;
    /* Links created since the last flush are not in the database yet: the
     * filter knows those of a covered entity and lists the links made
     * since it was; else the links table. */
    if (cover && sk__lf_check(t, entity, want.b) == SK_LF_ABSENT)
        return SK_ENOTFOUND;
    bool known;
    rc = sk__lf_find(t, entity, want.b, &known, link);
    if (known)
        return rc;
    rc = sk__links_find(t, entity, nb, ltype, dir, time, link);
    if (rc == SK_ENOTFOUND && t->links.full) {
        /* The table passed its budget as it was built: flush, and the
         * store answers for every link. */
        rc = sk__lookup_settle(t, &t->links);
        if (!rc)
            rc = store_find(t, entity, &want, time, false, link);
    }
    return rc;
}
