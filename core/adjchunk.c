/*
 * adjchunk.c — where adjacency records live: sorted runs per entity, cut
 * into chunks of at most ADJ_CHUNK records, one LMDB record per chunk.
 *
 * An entity's first chunk is keyed by its id(5); each further chunk by
 * id(5) followed by a lower bound of its records (the first record it was
 * written with). A chunk holds the records from its key up to the next
 * chunk's key, sorted, with no gaps (count = size / ADJ_SIZE). So the
 * records of one entity are one sorted sequence read chunk after chunk,
 * and the chunk that holds (or would hold) a record is the last one whose
 * key is at most id||record.
 *
 * Why not LMDB's sorted duplicates: a DUPSORT entity costs a sub-page
 * header and room for up to three more records, and LMDB puts duplicates
 * one at a time; a chunk is one put and one node per ADJ_CHUNK records.
 *
 * Invariants: an entity with records has a first chunk (key = id alone);
 * no chunk is empty; a chunk has at most ADJ_CHUNK records (so it stays
 * on the leaf page, never an overflow page, with 4 KiB pages).
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define CKEY (ADJ_KEY + ADJ_SIZE) /* the key of a further chunk */

int sk__adj_locate(MDB_cursor *c, sk_id entity, const uint8_t *rec, MDB_val *k, MDB_val *v)
{
    uint8_t kb[CKEY];
    be_put(kb, entity, ADJ_KEY);
    size_t kl = ADJ_KEY;
    if (rec) {
        memcpy(kb + ADJ_KEY, rec, ADJ_SIZE);
        kl = CKEY;
    }
    *k = (MDB_val){kl, kb};
    int rc = mdb_cursor_get(c, k, v, MDB_SET_RANGE);
    if (rc == 0 && k->mv_size == kl && memcmp(k->mv_data, kb, kl) == 0)
        return 0;
    if (rc == MDB_NOTFOUND)
        rc = mdb_cursor_get(c, k, v, MDB_LAST);
    else if (rc == 0)
        rc = mdb_cursor_get(c, k, v, MDB_PREV);
    if (rc)
        return rc;
    return k->mv_size >= ADJ_KEY && be_get(k->mv_data, ADJ_KEY) == entity ? 0 : MDB_NOTFOUND;
}

/* Writes the N records at R (sorted) as new chunks of ENTITY, cut evenly;
 * the first under KEY (KL bytes: the entity's id, or the key of the chunk
 * they replace), the others under id||first record. */
static int put_pieces(sk_txn *t, MDB_cursor *c, sk_id entity, const uint8_t *key, size_t kl,
                      const uint8_t *r, size_t n, unsigned flags)
{
    size_t pieces = (n + ADJ_CHUNK - 1) / ADJ_CHUNK;
    size_t done = 0;
    for (size_t p = 0; p < pieces; p++) {
        size_t m = (n - done) / (pieces - p);
        uint8_t kb[CKEY];
        MDB_val k = {kl, (void *)key}, v = {m * ADJ_SIZE, (void *)(r + done * ADJ_SIZE)};
        if (p) {
            be_put(kb, entity, ADJ_KEY);
            memcpy(kb + ADJ_KEY, r + done * ADJ_SIZE, ADJ_SIZE);
            k = (MDB_val){CKEY, kb};
        }
        int rc = mdb_cursor_put(c, &k, &v, flags);
        if (rc)
            return sk__mdb_fail(t, rc, "writing the adjacency");
        done += m;
    }
    return SK_OK;
}

/* Merges the sorted runs A (NA records) and B (NB) into OUT, dropping a
 * record of B equal to one of A; returns the records written. */
static size_t merge(const uint8_t *a, size_t na, const uint8_t *b, size_t nb, uint8_t *out)
{
    size_t i = 0, j = 0, n = 0;
    while (i < na || j < nb) {
        int cmp = i == na ? 1 : j == nb ? -1 : memcmp(a + i * ADJ_SIZE, b + j * ADJ_SIZE, ADJ_SIZE);
        const uint8_t *src = cmp <= 0 ? a + i++ * ADJ_SIZE : b + j++ * ADJ_SIZE;
        if (cmp == 0)
            j++;
        memcpy(out + n++ * ADJ_SIZE, src, ADJ_SIZE);
    }
    return n;
}

int sk__adj_put_run(sk_txn *t, MDB_cursor *c, sk_id entity, const uint8_t *recs, size_t n,
                    bool append)
{
    uint8_t id[ADJ_KEY];
    be_put(id, entity, ADJ_KEY);
    if (append)
        return put_pieces(t, c, entity, id, ADJ_KEY, recs, n, MDB_APPEND);
    uint8_t *buf = NULL;
    size_t cap = 0;
    int rc = SK_OK;
    for (size_t i = 0; !rc && i < n;) {
        MDB_val k, v;
        int mrc = sk__adj_locate(c, entity, recs + i * ADJ_SIZE, &k, &v);
        if (mrc == MDB_NOTFOUND) {
            rc = put_pieces(t, c, entity, id, ADJ_KEY, recs + i * ADJ_SIZE, n - i, 0);
            break;
        }
        if (mrc) {
            rc = sk__mdb_fail(t, mrc, "adjacency");
            break;
        }
        /* The chunk and the new records that fall before the next chunk,
         * copied: the puts below move what LMDB handed out. */
        size_t have = v.mv_size / ADJ_SIZE, kl = k.mv_size;
        uint8_t key[CKEY], bound[ADJ_SIZE];
        memcpy(key, k.mv_data, kl);
        size_t need = (have + (n - i)) * ADJ_SIZE * 2;
        if (need > cap) {
            uint8_t *p = realloc(buf, need);
            if (!p) {
                rc = sk_txn_fail(t, SK_ENOMEM, "out of memory");
                break;
            }
            buf = p;
            cap = need;
        }
        memcpy(buf, v.mv_data, have * ADJ_SIZE);
        mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
        bool bounded = mrc == 0 && k.mv_size == CKEY && be_get(k.mv_data, ADJ_KEY) == entity;
        if (mrc && mrc != MDB_NOTFOUND) {
            rc = sk__mdb_fail(t, mrc, "adjacency");
            break;
        }
        if (bounded)
            memcpy(bound, (const uint8_t *)k.mv_data + ADJ_KEY, ADJ_SIZE);
        size_t j = i;
        while (j < n && (!bounded || memcmp(recs + j * ADJ_SIZE, bound, ADJ_SIZE) < 0))
            j++;
        uint8_t *out = buf + have * ADJ_SIZE;
        size_t m = merge(buf, have, recs + i * ADJ_SIZE, j - i, out);
        if (m > have)
            rc = put_pieces(t, c, entity, key, kl, out, m, 0);
        i = j;
    }
    free(buf);
    return rc;
}

int sk__adj_del_rec(sk_txn *t, sk_id entity, const uint8_t *rec)
{
    MDB_cursor *c;
    int mrc = mdb_cursor_open(t->txn, t->s->dbi[DB_ADJ], &c);
    if (mrc)
        return sk__mdb_fail(t, mrc, "adjacency");
    MDB_val k, v;
    int rc = SK_ENOTFOUND;
    mrc = sk__adj_locate(c, entity, rec, &k, &v);
    size_t n = mrc ? 0 : v.mv_size / ADJ_SIZE, at = n;
    const uint8_t *p = v.mv_data;
    for (size_t i = 0; i < n && at == n; i++)
        if (memcmp(p + i * ADJ_SIZE, rec, ADJ_SIZE) == 0)
            at = i;
    if (at < n && n > 1) {
        /* The chunk without the record; its key stays a lower bound. */
        uint8_t *buf = malloc((n - 1) * ADJ_SIZE), key[CKEY];
        size_t kl = k.mv_size;
        memcpy(key, k.mv_data, kl);
        if (!buf) {
            rc = sk_txn_fail(t, SK_ENOMEM, "out of memory");
        } else {
            memcpy(buf, p, at * ADJ_SIZE);
            memcpy(buf + at * ADJ_SIZE, p + (at + 1) * ADJ_SIZE, (n - at - 1) * ADJ_SIZE);
            MDB_val nk = {kl, key}, nv = {(n - 1) * ADJ_SIZE, buf};
            mrc = mdb_cursor_put(c, &nk, &nv, 0);
            rc = mrc ? sk__mdb_fail(t, mrc, "adjacency") : SK_OK;
            free(buf);
        }
    } else if (at < n) {
        /* The chunk's last record: the chunk goes. A first chunk is
         * replaced by the next one, so the entity still starts at its id. */
        bool first = k.mv_size == ADJ_KEY;
        mrc = mdb_cursor_del(c, 0);
        uint8_t id[ADJ_KEY];
        be_put(id, entity, ADJ_KEY);
        if (!mrc && first) {
            k = (MDB_val){ADJ_KEY, id};
            mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
            if (mrc == 0 && k.mv_size == CKEY && be_get(k.mv_data, ADJ_KEY) == entity) {
                uint8_t *buf = malloc(v.mv_size);
                size_t len = v.mv_size;
                if (!buf) {
                    mdb_cursor_close(c);
                    return sk_txn_fail(t, SK_ENOMEM, "out of memory");
                }
                memcpy(buf, v.mv_data, len);
                mrc = mdb_cursor_del(c, 0);
                MDB_val nk = {ADJ_KEY, id}, nv = {len, buf};
                if (!mrc)
                    mrc = mdb_cursor_put(c, &nk, &nv, 0);
                free(buf);
            } else if (mrc == MDB_NOTFOUND || mrc == 0) {
                mrc = 0;
            }
        }
        rc = mrc ? sk__mdb_fail(t, mrc, "adjacency") : SK_OK;
    }
    mdb_cursor_close(c);
    return rc;
}
