/*
 * merge.c — merging two records of one real-world thing, and undoing it.
 *
 * A merge record (database "merge", key into(8) seq(8)) keeps FROM's
 * record, INTO's record as it was, and each moved link with the ends that
 * pointed at FROM. Unmerge puts those back byte for byte, so merge then
 * unmerge leaves the case's content as it was. Nothing is ever merged
 * silently: merges happen only through this API (the `merge` statement).
 *
 * Merge record: from(8) | varint len, FROM record | varint len, INTO record
 *               | varint n | n × (link(8), ends(1): 1 = src was FROM, 2 = dst)
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

enum { END_SRC = 1, END_DST = 2 };

static void put_varint(sk_buf *b, uint64_t v, bool *oom)
{
    sk__put_uv(b, v);
    *oom = *oom || b->oom;
}

static void put_raw(sk_buf *b, const void *p, size_t n, bool *oom)
{
    sk__put_bytes(b, p, n);
    *oom = *oom || b->oom;
}

static uint64_t get_varint(const uint8_t **p, const uint8_t *end, bool *bad)
{
    sk_rd r = {*p, end, false};
    uint64_t v = sk__get_uv(&r);
    *p = r.p;
    *bad = *bad || r.bad;
    return v;
}

static int cmp_id(const void *a, const void *b)
{
    sk_id x = *(const sk_id *)a, y = *(const sk_id *)b;
    return (x > y) - (x < y);
}

static int raw_entity(sk_txn *t, sk_id id, MDB_val *v)
{
    uint8_t k[8];
    be_put(k, id, 8);
    int rc = sk__get(t, DB_ENT, k, 8, v);
    if (rc == SK_ENOTFOUND)
        return sk_txn_fail(t, rc, "no entity #%llu", (unsigned long long)id);
    return rc;
}

/* Moves one end of link ID from entity OLD to NEW; *ends says which ends
 * pointed at OLD. */
static int move_link(sk_txn *t, sk_id id, sk_id old, sk_id new, uint8_t *ends, sk_arena *a)
{
    sk_link l;
    int rc = sk_link_get(t, id, a, &l);
    if (rc)
        return rc;
    rc = sk__adj_link_del(t, &l);
    if (rc)
        return rc;
    uint8_t e = 0;
    if (l.src == old) {
        l.src = new;
        e |= END_SRC;
    }
    if (l.dst == old) {
        l.dst = new;
        e |= END_DST;
    }
    if (ends)
        *ends = e;
    rc = sk__adj_link_add(t, &l);
    return rc ? rc : sk__put_link(t, &l);
}

/* Puts link ID's ENDS back on entity FROM (they now point at INTO). */
static int restore_link(sk_txn *t, sk_id id, uint8_t ends, sk_id from, sk_arena *a)
{
    sk_link l;
    int rc = sk_link_get(t, id, a, &l);
    if (rc == SK_ENOTFOUND)
        return SK_OK; /* deleted since the merge: nothing to restore */
    if (rc)
        return rc;
    if ((rc = sk__adj_link_del(t, &l)) != SK_OK)
        return rc;
    if (ends & END_SRC)
        l.src = from;
    if (ends & END_DST)
        l.dst = from;
    rc = sk__adj_link_add(t, &l);
    return rc ? rc : sk__put_link(t, &l);
}

static bool has_prop(const sk_entity *e, sk_sym name)
{
    for (size_t i = 0; i < e->nprops; i++)
        if (e->props[i].name == name)
            return true;
    return false;
}

/* INTO's record with FROM's sources and missing properties added. */
static int merged_record(sk_txn *t, const sk_entity *from, sk_entity *into, sk_arena *a)
{
    sk_prop *props = sk_arena_alloc(a, (into->nprops + from->nprops + 1) * sizeof *props);
    sk_assert *as = sk_arena_alloc(a, (into->nasserts + from->nasserts + 1) * sizeof *as);
    if (!props || !as)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    if (into->nprops)
        memcpy(props, into->props, into->nprops * sizeof *props);
    if (into->nasserts)
        memcpy(as, into->asserts, into->nasserts * sizeof *as);
    size_t np = into->nprops, na = into->nasserts;
    for (size_t i = 0; i < from->nprops; i++)
        if (!has_prop(into, from->props[i].name))
            props[np++] = from->props[i];
    for (size_t i = 0; i < from->nasserts; i++) {
        bool dup = false;
        for (size_t k = 0; k < na; k++)
            dup = dup || (as[k].source == from->asserts[i].source &&
                          as[k].grade == from->asserts[i].grade);
        if (!dup)
            as[na++] = from->asserts[i];
    }
    into->props = props;
    into->nprops = np;
    into->asserts = as;
    into->nasserts = na;
    return SK_OK;
}

/* Next sequence number of a merge into INTO (1 + the latest). */
static int merge_seq(sk_txn *t, sk_id into, uint64_t *seq, bool latest_only, MDB_val *last)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_MERGE], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "merge");
    uint8_t k[16];
    be_put(k, into, 8);
    memset(k + 8, 0xff, 8);
    MDB_val key = {16, k}, val;
    rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
    rc = rc == 0 ? mdb_cursor_get(c, &key, &val, MDB_PREV)
                 : mdb_cursor_get(c, &key, &val, MDB_LAST);
    *seq = 0;
    bool found = rc == 0 && key.mv_size == 16 && be_get(key.mv_data, 8) == into;
    if (found) {
        *seq = be_get((uint8_t *)key.mv_data + 8, 8);
        if (last)
            *last = val;
    }
    mdb_cursor_close(c);
    if (rc && rc != MDB_NOTFOUND)
        return sk__mdb_fail(t, rc, "merge");
    if (latest_only)
        return found ? SK_OK : SK_ENOTFOUND;
    (*seq)++;
    return SK_OK;
}

int sk_entity_merge(sk_txn *t, sk_id from, sk_id into)
{
    int rc = sk__check_write(t);
    if (!rc)
        rc = sk__spool_settle(t, DB_COUNT);
    if (rc)
        return rc;
    if (from == into)
        return sk_txn_fail(t, SK_EINVAL, "cannot merge #%llu into itself",
                           (unsigned long long)from);
    MDB_val fv, iv;
    if ((rc = raw_entity(t, from, &fv)) || (rc = raw_entity(t, into, &iv)))
        return rc;
    sk_arena *a = sk_arena_new();
    sk_buf rec = {0};
    sk_id *links = NULL;
    size_t n = 0;
    bool oom = !a;
    sk_entity fe = {.id = from}, ie = {.id = into};
    if (!oom) {
        put_raw(&rec, (uint8_t[8]){0}, 8, &oom);
        if (!oom)
            be_put(rec.p, from, 8);
        put_varint(&rec, fv.mv_size, &oom);
        put_raw(&rec, fv.mv_data, fv.mv_size, &oom);
        put_varint(&rec, iv.mv_size, &oom);
        put_raw(&rec, iv.mv_data, iv.mv_size, &oom);
    }
    /* Decode from private copies: the records' pages change below. */
    uint8_t *fcopy = oom ? NULL : sk_arena_alloc(a, fv.mv_size + 1);
    uint8_t *icopy = oom ? NULL : sk_arena_alloc(a, iv.mv_size + 1);
    oom = oom || !fcopy || !icopy;
    if (!oom) {
        memcpy(fcopy, fv.mv_data, fv.mv_size);
        memcpy(icopy, iv.mv_data, iv.mv_size);
    }
    rc = oom ? sk_txn_fail(t, SK_ENOMEM, "out of memory") : SK_OK;
    if (!rc)
        rc = sk__decode_entity(fcopy, fv.mv_size, a, &fe);
    if (!rc)
        rc = sk__decode_entity(icopy, iv.mv_size, a, &ie);
    if (!rc)
        rc = sk__entity_links(t, from, &links, &n);
    /* A self-loop is listed at both of its ends: keep each link once. */
    if (n)
        qsort(links, n, sizeof *links, cmp_id);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || links[u - 1] != links[i])
            links[u++] = links[i];
    n = u;
    put_varint(&rec, n, &oom);
    for (size_t i = 0; !rc && i < n; i++) {
        uint8_t ends = 0, idb[8];
        rc = move_link(t, links[i], from, into, &ends, a);
        be_put(idb, links[i], 8);
        put_raw(&rec, idb, 8, &oom);
        put_raw(&rec, &ends, 1, &oom);
    }
    /* FROM leaves every index; its key then resolves to INTO. */
    if (!rc)
        rc = sk__index_entity(t, &fe, false);
    if (!rc && fe.key_len) {
        uint8_t kk[4 + SK_KEY_MAX], idb[IDX_ID];
        size_t kl = sk__keyidx_key(kk, fe.type, fe.key, fe.key_len);
        be_put(idb, into, IDX_ID);
        rc = sk__put(t, DB_KEY, kk, kl, idb, IDX_ID, 0);
    }
    if (!rc) {
        uint8_t k[8];
        be_put(k, from, 8);
        rc = sk__del(t, DB_ENT, k, 8, NULL, 0);
    }
    /* INTO gains FROM's sources and the properties it lacked. */
    size_t before = ie.nprops;
    if (!rc)
        rc = merged_record(t, &fe, &ie, a);
    for (size_t i = before; !rc && i < ie.nprops; i++)
        rc = sk__index_prop(t, ie.type, ie.props[i].name, &ie.props[i].value, into, true);
    if (!rc)
        rc = sk__put_entity(t, &ie);
    uint64_t seq;
    if (!rc)
        rc = merge_seq(t, into, &seq, false, NULL);
    if (!rc && oom)
        rc = sk_txn_fail(t, SK_ENOMEM, "out of memory");
    if (!rc) {
        uint8_t k[16];
        be_put(k, into, 8);
        be_put(k + 8, seq, 8);
        rc = sk__put(t, DB_MERGE, k, 16, rec.p, rec.len, 0);
    }
    free(links);
    sk__buf_free(&rec);
    sk_arena_free(a);
    return rc;
}

int sk_entity_unmerge(sk_txn *t, sk_id into, sk_id *restored)
{
    int rc = sk__check_write(t);
    if (!rc)
        rc = sk__spool_settle(t, DB_COUNT);
    if (rc)
        return rc;
    uint64_t seq;
    MDB_val mv;
    rc = merge_seq(t, into, &seq, true, &mv);
    if (rc)
        return rc;
    /* Copy: the value lives in the map and the writes below may move it. */
    uint8_t *rec = malloc(mv.mv_size ? mv.mv_size : 1);
    sk_arena *a = sk_arena_new();
    if (!rec || !a) {
        free(rec);
        sk_arena_free(a);
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    }
    memcpy(rec, mv.mv_data, mv.mv_size);
    const uint8_t *p = rec, *end = rec + mv.mv_size;
    bool bad = mv.mv_size < 8;
    sk_id from = bad ? 0 : be_get(p, 8);
    p += 8;
    size_t flen = (size_t)get_varint(&p, end, &bad);
    const uint8_t *frec = p;
    p += flen;
    size_t ilen = bad || p > end ? 0 : (size_t)get_varint(&p, end, &bad);
    const uint8_t *irec = p;
    p += ilen;
    size_t n = bad || p > end ? 0 : (size_t)get_varint(&p, end, &bad);
    if (bad || p > end || (size_t)(end - p) != n * 9) {
        rc = sk_txn_fail(t, SK_ECORRUPT, "the merge record of #%llu is damaged",
                         (unsigned long long)into);
        goto done;
    }
    sk_entity fe = {.id = from}, old_ie = {.id = into}, cur_ie = {.id = into};
    rc = sk__decode_entity(frec, flen, a, &fe);
    if (!rc)
        rc = sk__decode_entity(irec, ilen, a, &old_ie);
    if (!rc)
        rc = sk_entity_get(t, into, a, &cur_ie);
    /* INTO back to its record before the merge, indexes with it. */
    if (!rc)
        rc = sk__index_entity(t, &cur_ie, false);
    if (!rc && fe.key_len) {
        uint8_t kk[4 + SK_KEY_MAX];
        size_t kl = sk__keyidx_key(kk, fe.type, fe.key, fe.key_len);
        rc = sk__del(t, DB_KEY, kk, kl, NULL, 0);
        if (rc == SK_ENOTFOUND)
            rc = SK_OK;
    }
    if (!rc)
        rc = sk__index_entity(t, &old_ie, true);
    if (!rc) {
        uint8_t k[8];
        be_put(k, into, 8);
        rc = sk__put(t, DB_ENT, k, 8, irec, ilen, 0);
    }
    /* FROM comes back with its own record and indexes. */
    if (!rc)
        rc = sk__index_entity(t, &fe, true);
    if (!rc) {
        uint8_t k[8];
        be_put(k, from, 8);
        rc = sk__put(t, DB_ENT, k, 8, frec, flen, 0);
    }
    for (size_t i = 0; !rc && i < n; i++, p += 9)
        rc = restore_link(t, be_get(p, 8), p[8], from, a);
    if (!rc) {
        uint8_t k[16];
        be_put(k, into, 8);
        be_put(k + 8, seq, 8);
        rc = sk__del(t, DB_MERGE, k, 16, NULL, 0);
    }
    if (!rc)
        *restored = from;
done:
    free(rec);
    sk_arena_free(a);
    return rc;
}
