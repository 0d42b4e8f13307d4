/*
 * names.c — interning of entity types, link types, property names and
 * grading codes to small integers, one numbering per dictionary.
 *
 * Entity and link type names are case-folded on the way in (keywords and
 * types are case-insensitive in the query language); property names and
 * grading codes are kept as written. Link-type numbers must fit the 14
 * bits an adjacency record gives them (SK_LTYPE_MAX).
 */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

#define NAME_MAX_LEN 200

/* Folds type names; other dictionaries keep the bytes as given. */
static int canon(enum sk_dict d, const char *name, size_t len, char *out, size_t cap)
{
    if (len == 0 || len > NAME_MAX_LEN)
        return SK_EINVAL;
    if (d == SK_DICT_ETYPE || d == SK_DICT_LTYPE) {
        int n = sk_text_fold(name, len, out, cap);
        if (n <= 0)
            return n < 0 ? n : SK_EINVAL;
        for (int i = 0; i < n; i++)
            if (out[i] == ' ')
                out[i] = '_';
        return n;
    }
    memcpy(out, name, len);
    out[len] = '\0';
    return (int)len;
}

int sk_name_intern(sk_txn *t, enum sk_dict dict, const char *name, size_t len, bool create,
                   sk_sym *out)
{
    uint8_t key[1 + NAME_MAX_LEN * 3 + 8];
    int n = canon(dict, name, len, (char *)key + 1, sizeof key - 1);
    if (n < 0)
        return sk_txn_fail(t, SK_EINVAL, "invalid name '%.*s'", (int)(len > 60 ? 60 : len),
                           name);
    key[0] = (uint8_t)dict;
    MDB_val v;
    int rc = sk__get(t, DB_NAMES, key, (size_t)n + 1, &v);
    if (rc == SK_OK) {
        *out = (sk_sym)be_get(v.mv_data, 4);
        return SK_OK;
    }
    if (rc != SK_ENOTFOUND || !create)
        return rc;

    char ckey[16];
    snprintf(ckey, sizeof ckey, "sym:%d", (int)dict);
    MDB_val cv;
    uint32_t next = 1;
    rc = sk__get(t, DB_META, ckey, strlen(ckey), &cv);
    if (rc == SK_OK)
        next = (uint32_t)be_get(cv.mv_data, 4);
    else if (rc != SK_ENOTFOUND)
        return rc;
    if (dict == SK_DICT_LTYPE && next > SK_LTYPE_MAX)
        return sk_txn_fail(t, SK_ELIMIT, "too many link types (at most %u)", SK_LTYPE_MAX);

    uint8_t symb[4], next_b[4], rkey[5];
    be_put(symb, next, 4);
    be_put(next_b, next + 1, 4);
    rkey[0] = (uint8_t)dict;
    memcpy(rkey + 1, symb, 4);
    rc = sk__put(t, DB_NAMES, key, (size_t)n + 1, symb, 4, 0);
    if (!rc)
        rc = sk__put(t, DB_SYMS, rkey, 5, key + 1, (size_t)n, 0);
    if (!rc)
        rc = sk__put(t, DB_META, ckey, strlen(ckey), next_b, 4, 0);
    if (rc)
        return rc;
    *out = next;
    return SK_OK;
}

int sk_name_get(sk_txn *t, enum sk_dict dict, sk_sym sym, const char **name, size_t *len)
{
    uint8_t rkey[5];
    rkey[0] = (uint8_t)dict;
    be_put(rkey + 1, sym, 4);
    MDB_val v;
    int rc = sk__get(t, DB_SYMS, rkey, 5, &v);
    if (rc)
        return rc;
    *name = v.mv_data;
    *len = v.mv_size;
    return SK_OK;
}

int sk_name_each(sk_txn *t, enum sk_dict dict, sk_name_fn fn, void *ctx)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_NAMES], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "names");
    uint8_t d = (uint8_t)dict;
    MDB_val k = {1, &d}, v;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0) {
        const uint8_t *kb = k.mv_data;
        if (k.mv_size < 1 || kb[0] != d)
            break;
        if (fn((const char *)kb + 1, k.mv_size - 1, (sk_sym)be_get(v.mv_data, 4), ctx))
            break;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (rc && rc != MDB_NOTFOUND)
        return sk__mdb_fail(t, rc, "names");
    return SK_OK;
}
