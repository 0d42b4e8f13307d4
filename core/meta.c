/*
 * meta.c — the case's metadata: the format record that identifies a skein
 * case, the id counters, and the case settings (grading scale, default
 * country code).
 *
 * Counters are read once when a write transaction begins and written back
 * at commit, so allocating an id costs no database access.
 */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sk_meta_get(sk_txn *t, const char *key, const char **val, size_t *len)
{
    MDB_val v;
    int rc = sk__get(t, DB_META, key, strlen(key), &v);
    if (rc)
        return rc;
    *val = v.mv_data;
    *len = v.mv_size;
    return SK_OK;
}

int sk_meta_set(sk_txn *t, const char *key, const char *val)
{
    return sk__put(t, DB_META, key, strlen(key), val, strlen(val), 0);
}

static int put_u64(sk_txn *t, const char *key, uint64_t v)
{
    uint8_t b[8];
    be_put(b, v, 8);
    return sk__put(t, DB_META, key, strlen(key), b, 8, 0);
}

static int get_u64(sk_txn *t, const char *key, uint64_t *v)
{
    MDB_val val;
    int rc = sk__get(t, DB_META, key, strlen(key), &val);
    if (rc)
        return rc;
    if (val.mv_size != 8)
        return sk_txn_fail(t, SK_ECORRUPT, "%s: metadata '%s' is damaged", t->s->path, key);
    *v = be_get(val.mv_data, 8);
    return SK_OK;
}

int sk__meta_init(sk_txn *t)
{
    int rc = sk_meta_set(t, "magic", SK_MAGIC);
    if (!rc)
        rc = put_u64(t, "format", SK_FORMAT_VERSION);
    if (!rc)
        rc = sk_meta_set(t, "scale", "5x5x5");
    if (!rc)
        rc = sk_meta_set(t, "country_code", "44");
    t->next_entity = t->next_link = 1;
    t->next_source = 1;
    if (!rc)
        rc = sk__counters_save(t);
    return rc;
}

int sk__meta_check(sk_txn *t, char *errbuf, size_t errlen)
{
    const char *magic;
    size_t len;
    int rc = sk_meta_get(t, "magic", &magic, &len);
    if (rc == SK_ENOTFOUND) {
        /* A new environment has an empty meta database; anything else in
         * it means the file belongs to some other program. */
        MDB_stat st;
        mdb_stat(t->txn, t->s->dbi[DB_META], &st);
        if (st.ms_entries == 0)
            return SK_ENOTFOUND;
    }
    if (rc || len != strlen(SK_MAGIC) || memcmp(magic, SK_MAGIC, len) != 0) {
        snprintf(errbuf, errlen, "%s is not a skein case (no skein format record)",
                 t->s->path);
        return SK_ENOTCASE;
    }
    uint64_t format;
    rc = get_u64(t, "format", &format);
    if (rc) {
        snprintf(errbuf, errlen, "%s is not a skein case (format record damaged)", t->s->path);
        return SK_ENOTCASE;
    }
    if (format > SK_FORMAT_VERSION) {
        snprintf(errbuf, errlen,
                 "%s was written by a newer skein (case format %llu, this skein reads up to "
                 "%u); upgrade skein to open it",
                 t->s->path, (unsigned long long)format, SK_FORMAT_VERSION);
        return SK_EVERSION;
    }
    if (format < SK_FORMAT_VERSION) {
        snprintf(errbuf, errlen,
                 "%s was written by an older skein (case format %llu; this skein reads format "
                 "%u, which stores link records differently); import its data again into a "
                 "new case, or open it with the skein that wrote it",
                 t->s->path, (unsigned long long)format, SK_FORMAT_VERSION);
        return SK_EVERSION;
    }
    return SK_OK;
}

int sk__counters_load(sk_txn *t)
{
    uint64_t e, l, s;
    int rc = get_u64(t, "next_entity", &e);
    if (!rc)
        rc = get_u64(t, "next_link", &l);
    if (!rc)
        rc = get_u64(t, "next_source", &s);
    if (rc == SK_ENOTFOUND) {
        /* Before the format record is written (case creation). */
        t->next_entity = t->next_link = 1;
        t->next_source = 1;
        return SK_OK;
    }
    if (rc)
        return rc;
    t->next_entity = e;
    t->next_link = l;
    t->next_source = (sk_srcid)s;
    return SK_OK;
}

int sk__ltype_count(sk_txn *t, sk_sym ltype, int64_t delta)
{
    if (ltype >= t->lt_cap) {
        size_t cap = t->lt_cap ? t->lt_cap : 64;
        while (cap <= ltype)
            cap *= 2;
        int64_t *p = realloc(t->lt_delta, cap * sizeof *p);
        if (!p)
            return sk_txn_fail(t, SK_ENOMEM, "out of memory");
        memset(p + t->lt_cap, 0, (cap - t->lt_cap) * sizeof *p);
        t->lt_delta = p;
        t->lt_cap = cap;
    }
    t->lt_delta[ltype] += delta;
    t->counters_dirty = true;
    return SK_OK;
}

static void lcount_key(char *buf, size_t cap, sk_sym ltype)
{
    snprintf(buf, cap, "lcount:%u", ltype);
}

uint64_t sk__ltype_total(sk_txn *t, sk_sym ltype)
{
    char key[32];
    uint64_t v = 0;
    lcount_key(key, sizeof key, ltype);
    if (get_u64(t, key, &v) != SK_OK)
        v = 0;
    if (ltype < t->lt_cap)
        v += (uint64_t)t->lt_delta[ltype];
    return v;
}

int sk__link_total(sk_txn *t, uint64_t *out)
{
    static const char prefix[] = "lcount:";
    uint64_t n = 0;
    for (size_t i = 0; i < t->lt_cap; i++)
        n += (uint64_t)t->lt_delta[i];
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_META], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "metadata");
    MDB_val k = {sizeof prefix - 1, (void *)prefix}, v;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0 && k.mv_size >= sizeof prefix - 1 &&
           memcmp(k.mv_data, prefix, sizeof prefix - 1) == 0) {
        if (v.mv_size != 8) {
            mdb_cursor_close(c);
            return sk_txn_fail(t, SK_ECORRUPT, "%s: metadata '%.*s' is damaged", t->s->path,
                               (int)k.mv_size, (const char *)k.mv_data);
        }
        n += be_get(v.mv_data, 8);
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (rc && rc != MDB_NOTFOUND)
        return sk__mdb_fail(t, rc, "metadata");
    *out = n;
    return SK_OK;
}

int sk__counters_save(sk_txn *t)
{
    for (sk_sym lt = 0; lt < t->lt_cap; lt++) {
        if (!t->lt_delta[lt])
            continue;
        char key[32];
        uint64_t v = 0;
        lcount_key(key, sizeof key, lt);
        int rc = get_u64(t, key, &v);
        if (rc && rc != SK_ENOTFOUND)
            return rc;
        rc = put_u64(t, key, v + (uint64_t)t->lt_delta[lt]);
        if (rc)
            return rc;
        t->lt_delta[lt] = 0;
    }
    int rc = put_u64(t, "next_entity", t->next_entity);
    if (!rc)
        rc = put_u64(t, "next_link", t->next_link);
    if (!rc)
        rc = put_u64(t, "next_source", t->next_source);
    return rc;
}
