/*
 * stats.c — counts per entity type and link type, and the file's size.
 *
 * Entity counts come from the type index (a duplicate count per type, no
 * scan); link counts per type are counters kept by link.c, because
 * counting links by walking the adjacency would cost a full scan (and the
 * link database holds buckets of 64, not links: linkrec.c). Space
 * per database comes from LMDB's own statistics and its free list.
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
    int rc = sk__spool_settle(t, DB_TYPE);
    if (rc)
        return rc;
    MDB_stat st;
    mdb_stat(t->txn, t->s->dbi[DB_ENT], &st);
    out->entities = st.ms_entries;
    /* The link database holds buckets, not links: the count is kept. */
    rc = sk__link_total(t, &out->links);
    if (rc)
        return rc;
    mdb_stat(t->txn, t->s->dbi[DB_SRC], &st);
    out->sources = st.ms_entries;

    count_ctx cc = {.t = t, .a = a, .dict = SK_DICT_ETYPE};
    rc = sk_name_each(t, SK_DICT_ETYPE, count_one, &cc);
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

/* Pages on the free list: each record of LMDB's free database (dbi 0)
 * holds a list of page numbers whose first word is its length. */
static int free_pages(sk_txn *t, uint64_t *out)
{
    *out = 0;
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, 0, &c);
    if (rc)
        return sk__mdb_fail(t, rc, "free list");
    MDB_val k, v;
    while ((rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
        size_t first;
        if (v.mv_size >= sizeof first) {
            memcpy(&first, v.mv_data, sizeof first);
            *out += first;
        }
    }
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND ? SK_OK : sk__mdb_fail(t, rc, "free list");
}

int sk_store_space(sk_txn *t, sk_space *out, size_t cap, size_t *n, sk_space_total *total)
{
    *total = (sk_space_total){0};
    int rc = sk__spool_settle(t, DB_COUNT);
    if (!rc && t->write)
        rc = sk__linkrec_settle(t);
    if (rc)
        return rc;
    MDB_envinfo info;
    MDB_stat st;
    mdb_env_info(t->s->env, &info);
    mdb_env_stat(t->s->env, &st);
    total->page_size = st.ms_psize;
    total->used_pages = info.me_last_pgno + 1;
    *n = DB_COUNT;
    for (int i = 0; i < DB_COUNT; i++) {
        rc = mdb_stat(t->txn, t->s->dbi[i], &st);
        if (rc)
            return sk__mdb_fail(t, rc, "statistics");
        uint64_t pages = st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages;
        total->db_pages += pages;
        uint64_t entries = st.ms_entries;
        /* Link records are packed 64 to an LMDB record: count the links. */
        if (i == DB_LINK && (rc = sk__link_total(t, &entries)) != SK_OK)
            return rc;
        if ((size_t)i < cap)
            out[i] = (sk_space){sk__db_names[i], entries, pages, st.ms_depth};
    }
    /* LMDB refuses a cursor on its free list in a write transaction. */
    return t->write ? SK_OK : free_pages(t, &total->free_pages);
}
