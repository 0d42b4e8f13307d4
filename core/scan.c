/*
 * scan.c — id cursors over the indexes: entities by type, links by time,
 * all links, and entities by string property (exact or prefix).
 *
 * One cursor type serves all four so that callers (the planner) treat
 * every index alike: open, next until SK_DONE, close.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

enum scan_kind { SCAN_TYPE, SCAN_ALLENT, SCAN_TIME, SCAN_LINKS, SCAN_PROP };

struct sk_idcur {
    sk_txn *t;
    MDB_cursor *c;
    enum scan_kind kind;
    bool started, done;
    /* SCAN_TIME */
    int64_t from, to;
    /* SCAN_LINKS: the links of the current bucket not yet returned */
    uint64_t bits;
    sk_id first;
    /* SCAN_PROP: the key prefix to match, the types still to visit */
    uint8_t prefix[8 + SK_KEY_MAX + 8];
    size_t plen;
    bool exact;
    sk_sym *types;
    size_t ntypes, tpos;
    const char *text;
    size_t textlen;
};

static int cur_new(sk_txn *t, enum sk_db db, enum scan_kind kind, sk_idcur **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    (*out)->t = t;
    (*out)->kind = kind;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[db], &(*out)->c);
    if (rc) {
        free(*out);
        *out = NULL;
        return sk__mdb_fail(t, rc, "scan");
    }
    return SK_OK;
}

void sk_idcur_close(sk_idcur *c)
{
    if (!c)
        return;
    if (c->c)
        mdb_cursor_close(c->c);
    free(c->types);
    free(c);
}

int sk_scan_type(sk_txn *t, sk_sym type, sk_idcur **out)
{
    sk_idcur *c;
    int rc = type ? sk__spool_settle(t, DB_TYPE) : SK_OK;
    if (rc)
        return rc;
    rc = cur_new(t, type ? DB_TYPE : DB_ENT, type ? SCAN_TYPE : SCAN_ALLENT, &c);
    if (rc)
        return rc;
    be_put(c->prefix, type, 4);
    *out = c;
    return SK_OK;
}

int sk_scan_links(sk_txn *t, sk_idcur **out)
{
    int rc = t->write ? sk__linkrec_settle(t) : SK_OK;
    return rc ? rc : cur_new(t, DB_LINK, SCAN_LINKS, out);
}

/* The ids of each bucket's links, bucket after bucket: those present when
 * the bucket was read (a link the caller deletes from the bucket being
 * walked is still returned). */
static int next_link(sk_idcur *c, sk_id *id)
{
    while (!c->bits) {
        /* A caller that changes links between calls leaves a pending bucket. */
        int rc = c->t->write ? sk__linkrec_settle(c->t) : SK_OK;
        if (rc)
            return rc;
        MDB_val k, v;
        int mrc = mdb_cursor_get(c->c, &k, &v, c->started ? MDB_NEXT : MDB_FIRST);
        c->started = true;
        if (mrc == MDB_NOTFOUND)
            return SK_DONE;
        if (mrc)
            return sk__mdb_fail(c->t, mrc, "scan");
        sk_lbkt b;
        if (k.mv_size != 8 || sk__lbkt_parse(&b, v.mv_data, v.mv_size))
            return sk_txn_fail(c->t, SK_ECORRUPT, "%s: a bucket of link records is damaged",
                               c->t->s->path);
        c->bits = b.bits;
        c->first = be_get64(k.mv_data) * 64;
    }
    int slot = __builtin_ctzll(c->bits);
    c->bits &= c->bits - 1;
    *id = c->first + (sk_id)slot;
    return SK_OK;
}

int sk_scan_time(sk_txn *t, int64_t from, int64_t to, sk_idcur **out)
{
    int rc = sk__spool_settle(t, DB_TIME);
    if (rc)
        return rc;
    rc = cur_new(t, DB_TIME, SCAN_TIME, out);
    if (rc)
        return rc;
    (*out)->from = from;
    (*out)->to = to;
    return SK_OK;
}

/* Collects every entity type that has entities, for an any-type scan. */
static int all_types(sk_txn *t, sk_idcur *c)
{
    MDB_cursor *tc;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_TYPE], &tc);
    if (rc)
        return sk__mdb_fail(t, rc, "scan");
    size_t cap = 0;
    MDB_val k, v;
    rc = mdb_cursor_get(tc, &k, &v, MDB_FIRST);
    while (rc == 0) {
        if (c->ntypes == cap) {
            cap = cap ? cap * 2 : 16;
            sk_sym *p = realloc(c->types, cap * sizeof *p);
            if (!p) {
                mdb_cursor_close(tc);
                return sk_txn_fail(t, SK_ENOMEM, "out of memory");
            }
            c->types = p;
        }
        c->types[c->ntypes++] = (sk_sym)be_get(k.mv_data, 4);
        rc = mdb_cursor_get(tc, &k, &v, MDB_NEXT_NODUP);
    }
    mdb_cursor_close(tc);
    return rc == MDB_NOTFOUND ? SK_OK : sk__mdb_fail(t, rc, "scan");
}

int sk_scan_prop(sk_txn *t, sk_sym type, sk_sym prop, const char *value, size_t len,
                 bool prefix, sk_idcur **out)
{
    sk_idcur *c;
    int rc = sk__spool_settle(t, DB_PROP);
    if (rc)
        return rc;
    rc = cur_new(t, DB_PROP, SCAN_PROP, &c);
    if (rc)
        return rc;
    c->exact = !prefix;
    be_put(c->prefix + 4, prop, 4);
    int n = len ? sk_text_fold(value, len, (char *)c->prefix + 8, SK_KEY_MAX + 1) : 0;
    if (n < 0) {
        sk_idcur_close(c);
        return sk_txn_fail(t, n, "cannot search for '%.*s': %s", (int)(len > 40 ? 40 : len),
                           value, sk_strerror(n));
    }
    c->plen = 8 + (size_t)n;
    if (type) {
        c->types = malloc(sizeof *c->types);
        if (!c->types) {
            sk_idcur_close(c);
            return sk_txn_fail(t, SK_ENOMEM, "out of memory");
        }
        c->types[0] = type;
        c->ntypes = 1;
    } else if ((rc = all_types(t, c)) != SK_OK) {
        sk_idcur_close(c);
        return rc;
    }
    *out = c;
    return SK_OK;
}

static int next_prop(sk_idcur *c, sk_id *id)
{
    MDB_val k, v;
    int rc;
    for (;;) {
        if (!c->started) {
            if (c->tpos >= c->ntypes)
                return SK_DONE;
            be_put(c->prefix, c->types[c->tpos++], 4);
            k = (MDB_val){c->plen, c->prefix};
            rc = mdb_cursor_get(c->c, &k, &v, c->exact ? MDB_SET_KEY : MDB_SET_RANGE);
            c->started = true;
        } else {
            rc = mdb_cursor_get(c->c, &k, &v, c->exact ? MDB_NEXT_DUP : MDB_NEXT);
        }
        if (rc == 0 && k.mv_size >= c->plen && memcmp(k.mv_data, c->prefix, c->plen) == 0) {
            *id = be_get(v.mv_data, IDX_ID);
            c->text = (const char *)k.mv_data + 8;
            c->textlen = k.mv_size - 8;
            return SK_OK;
        }
        if (rc && rc != MDB_NOTFOUND)
            return sk__mdb_fail(c->t, rc, "scan");
        c->started = false; /* this type is done; go on with the next */
    }
}

static int64_t floor_hour(int64_t t)
{
    int64_t q = t / 3600;
    return (t % 3600 != 0 && t < 0) ? q - 1 : q;
}

static int next_time(sk_idcur *c, sk_id *id)
{
    MDB_val k, v;
    int rc;
    for (;;) {
        if (!c->started) {
            uint8_t kb[4];
            be_put(kb, (uint64_t)(floor_hour(c->from) + ((int64_t)1 << 31)), 4);
            k = (MDB_val){4, kb};
            rc = mdb_cursor_get(c->c, &k, &v, MDB_SET_RANGE);
            c->started = true;
        } else {
            rc = mdb_cursor_get(c->c, &k, &v, MDB_NEXT);
        }
        if (rc == MDB_NOTFOUND)
            return SK_DONE;
        if (rc)
            return sk__mdb_fail(c->t, rc, "scan");
        int64_t hour = (int64_t)be_get(k.mv_data, 4) - ((int64_t)1 << 31);
        int64_t when = hour * 3600 + (int64_t)be_get(v.mv_data, 2);
        if (hour * 3600 > c->to)
            return SK_DONE;
        if (when < c->from || when > c->to)
            continue;
        *id = be_get((const uint8_t *)v.mv_data + 2, 5);
        return SK_OK;
    }
}

int sk_idcur_next(sk_idcur *c, sk_id *id)
{
    if (c->done)
        return SK_DONE;
    MDB_val k, v;
    int rc, mrc;
    switch (c->kind) {
    case SCAN_PROP:
        rc = next_prop(c, id);
        break;
    case SCAN_TIME:
        rc = next_time(c, id);
        break;
    case SCAN_LINKS:
        rc = next_link(c, id);
        break;
    case SCAN_TYPE:
        if (!c->started) {
            k = (MDB_val){4, c->prefix};
            mrc = mdb_cursor_get(c->c, &k, &v, MDB_SET_KEY);
        } else {
            mrc = mdb_cursor_get(c->c, &k, &v, MDB_NEXT_DUP);
        }
        c->started = true;
        if (mrc == 0)
            *id = be_get(v.mv_data, IDX_ID);
        rc = mrc == 0 ? SK_OK : mrc == MDB_NOTFOUND ? SK_DONE : sk__mdb_fail(c->t, mrc, "scan");
        break;
    default: /* SCAN_ALLENT: keys of the entity database */
        mrc = mdb_cursor_get(c->c, &k, &v, c->started ? MDB_NEXT : MDB_FIRST);
        c->started = true;
        if (mrc == 0)
            *id = be_get(k.mv_data, 8);
        rc = mrc == 0 ? SK_OK : mrc == MDB_NOTFOUND ? SK_DONE : sk__mdb_fail(c->t, mrc, "scan");
        break;
    }
    if (rc == SK_DONE)
        c->done = true;
    return rc;
}

int sk_idcur_text(sk_idcur *c, const char **s, size_t *len)
{
    if (c->kind != SCAN_PROP || !c->text)
        return SK_EINVAL;
    *s = c->text;
    *len = c->textlen;
    return SK_OK;
}
