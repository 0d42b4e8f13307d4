/*
 * stats.c — counts per entity type and link type, and the file's size.
 *
 * Entity counts come from the type index (a duplicate count per type, no
 * scan); link counts per type are counters kept by link.c, because
 * counting links by walking the adjacency would cost a full scan.
 */
#include "store_int.h"

#include <string.h>

typedef struct count_ctx {
    sk_txn *t;
    sk_arena *a;
    sk_count *items;
    size_t n, cap;
    enum sk_dict dict;
    int rc;
} count_ctx;

static int push(count_ctx *cc, sk_sym sym, uint64_t n)
{
    if (cc->n == cc->cap) {
        size_t cap = cc->cap ? cc->cap * 2 : 16;
        sk_count *p = sk_arena_alloc(cc->a, cap * sizeof *p);
        if (!p)
            return SK_ENOMEM;
        if (cc->n)
            memcpy(p, cc->items, cc->n * sizeof *p);
        cc->items = p;
        cc->cap = cap;
    }
    cc->items[cc->n++] = (sk_count){sym, n};
    return SK_OK;
}

static int count_one(const char *name, size_t len, sk_sym sym, void *ctx)
{
    (void)name;
    (void)len;
    count_ctx *cc = ctx;
    uint64_t n = 0;
    if (cc->dict == SK_DICT_ETYPE) {
        MDB_cursor *c;
        if (mdb_cursor_open(cc->t->txn, cc->t->s->dbi[DB_TYPE], &c) == 0) {
            uint8_t k[4];
            be_put(k, sym, 4);
            MDB_val key = {4, k}, val;
            if (mdb_cursor_get(c, &key, &val, MDB_SET) == 0) {
                size_t cnt;
                mdb_cursor_count(c, &cnt);
                n = cnt;
            }
            mdb_cursor_close(c);
        }
    } else {
        n = sk__ltype_total(cc->t, sym);
    }
    if (n && (cc->rc = push(cc, sym, n)) != SK_OK)
        return 1;
    return 0;
}

int sk_stats_get(sk_txn *t, sk_arena *a, sk_stats *out)
{
    *out = (sk_stats){0};
    MDB_stat st;
    mdb_stat(t->txn, t->s->dbi[DB_ENT], &st);
    out->entities = st.ms_entries;
    mdb_stat(t->txn, t->s->dbi[DB_LINK], &st);
    out->links = st.ms_entries;
    mdb_stat(t->txn, t->s->dbi[DB_SRC], &st);
    out->sources = st.ms_entries;

    count_ctx cc = {.t = t, .a = a, .dict = SK_DICT_ETYPE};
    int rc = sk_name_each(t, SK_DICT_ETYPE, count_one, &cc);
    if (rc || cc.rc)
        return rc ? rc : sk_txn_fail(t, cc.rc, "out of memory");
    out->etypes = cc.items;
    out->n_etypes = cc.n;

    cc = (count_ctx){.t = t, .a = a, .dict = SK_DICT_LTYPE};
    rc = sk_name_each(t, SK_DICT_LTYPE, count_one, &cc);
    if (rc || cc.rc)
        return rc ? rc : sk_txn_fail(t, cc.rc, "out of memory");
    out->ltypes = cc.items;
    out->n_ltypes = cc.n;

    MDB_envinfo info;
    mdb_env_info(t->s->env, &info);
    MDB_stat envst;
    mdb_env_stat(t->s->env, &envst);
    out->used_bytes = (uint64_t)(info.me_last_pgno + 1) * envst.ms_psize;
    out->file_bytes = sk_store_file_size(t->s);
    return SK_OK;
}
