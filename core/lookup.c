/*
 * lookup.c — what a write transaction must find before the index entries
 * that would tell it are written: the natural keys of entities created in
 * bulk mode (sk_entity_create, _upsert and _by_key resolve keys while the
 * key index is still spooled), and the links whose adjacency is spooled
 * (sk_link_upsert recognises a repeated link).
 *
 * Ids created in one transaction are consecutive, so a table keeps, in
 * an open-addressing index at most two thirds full, 8-byte slots of a
 * 32-bit id offset and 32 bits of the item's hash: 12 to 24 bytes per
 * item however long its key. A probe reads one place in memory, where a
 * separate array of hashes by id would cost a second cache miss. A match
 * of the 32-bit hash is only a candidate: the entity or link record,
 * written at once and so always readable,
 * decides. An undirected link is hashed on its ends in id order, so one
 * entry finds it from either end.
 *
 * The links table is built on the first sk_link_upsert that needs it, from
 * the link records created since the last flush, and kept up from then
 * on: a load that only creates links never pays for it.
 *
 * Memory is bounded: a table that would pass its budget (SK_LOOKUP_BUDGET,
 * or t->lookup_budget) is dropped and marked full; the next look-up that
 * needs it flushes the spools first (sk__lookup_settle: that writes every
 * index entry and ends bulk mode) and asks the store, as it does for a
 * transaction that is not in bulk mode. Slower, never a wrong answer.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* 32 bits of a hash of N bytes (FNV-1a, then mixed). */
static uint32_t hash_bytes(const void *p, size_t n, uint64_t seed)
{
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325ull ^ seed;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return (uint32_t)(mix(h) >> 32);
}

void sk__idtab_free(sk_idtab *tab)
{
    sk_table_free(tab->slot, tab->cap * sizeof *tab->slot);
    *tab = (sk_idtab){0};
}

#define SLOT_HASH(v) ((uint32_t)((v) >> 32))
#define SLOT_AT(v) ((uint32_t)(v))

/* Whether TAB would pass T's budget with CAP slots; if so it is dropped
 * (the look-ups it would have answered go to the store, after a flush:
 * sk__lookup_settle). */
static bool over_budget(sk_txn *t, sk_idtab *tab, size_t cap)
{
    size_t budget = t->lookup_budget ? t->lookup_budget : SK_LOOKUP_BUDGET;
    if (cap * sizeof *tab->slot <= budget)
        return false;
    sk__idtab_free(tab);
    tab->full = true;
    return true;
}

static int grow_index(sk_txn *t, sk_idtab *tab)
{
    size_t cap = tab->cap ? tab->cap * 2 : 1024;
    if (over_budget(t, tab, cap))
        return SK_OK;
    uint64_t *s = sk_table_alloc(cap * sizeof *s);
    if (!s)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    for (size_t i = 0; i < tab->cap; i++) {
        uint64_t v = tab->slot[i];
        if (!v)
            continue;
        size_t j = SLOT_HASH(v) & (cap - 1);
        while (s[j])
            j = (j + 1) & (cap - 1);
        s[j] = v;
    }
    sk_table_free(tab->slot, tab->cap * sizeof *tab->slot);
    tab->slot = s;
    tab->cap = cap;
    return SK_OK;
}

int sk__lookup_settle(sk_txn *t, const sk_idtab *tab)
{
    return tab->full ? sk__spool_flush(t) : SK_OK;
}

/* Adds ID (not below any id added before) with hash H; nothing once TAB
 * was dropped at its budget. At most two thirds of the slots are used:
 * a miss then reads about three slots, in one or two cache lines. */
static int idtab_add(sk_txn *t, sk_idtab *tab, uint32_t h, sk_id id)
{
    if (tab->full)
        return SK_OK;
    if (!tab->n)
        tab->base = id;
    if (id < tab->base || id - tab->base >= UINT32_MAX - 1)
        return sk_txn_fail(t, SK_ELIMIT, "too many items created in one transaction");
    if ((tab->n + 1) * 3 > tab->cap * 2) {
        int rc = grow_index(t, tab);
        if (rc || tab->full)
            return rc;
    }
    size_t j = h & (tab->cap - 1);
    while (tab->slot[j])
        j = (j + 1) & (tab->cap - 1);
    tab->slot[j] = (uint64_t)h << 32 | (uint32_t)(id - tab->base + 1);
    tab->n++;
    return SK_OK;
}

/* Calls MATCH for each id whose hash is H until it returns other than
 * SK_ENOTFOUND (found, or an error). */
typedef int (*match_fn)(sk_txn *t, sk_id id, const void *want);
static int idtab_find(sk_txn *t, const sk_idtab *tab, uint32_t h, match_fn match,
                      const void *want, sk_id *out)
{
    if (!tab->n)
        return SK_ENOTFOUND;
    for (size_t j = h & (tab->cap - 1); tab->slot[j]; j = (j + 1) & (tab->cap - 1)) {
        uint64_t v = tab->slot[j];
        if (SLOT_HASH(v) != h)
            continue;
        sk_id id = tab->base + SLOT_AT(v) - 1;
        int rc = match(t, id, want);
        if (rc == SK_OK)
            *out = id;
        if (rc != SK_ENOTFOUND)
            return rc;
    }
    return SK_ENOTFOUND;
}

/* ---- natural keys ---- */

typedef struct key_want {
    sk_sym etype;
    const char *key;
    size_t len;
} key_want;

static uint32_t key_hash(sk_sym etype, const char *key, size_t len)
{
    return hash_bytes(key, len, mix(etype));
}

static int key_match(sk_txn *t, sk_id id, const void *want)
{
    const key_want *w = want;
    uint8_t k[8];
    be_put(k, id, 8);
    MDB_val v;
    int rc = sk__get(t, DB_ENT, k, 8, &v);
    if (rc)
        return rc;
    sk_sym type;
    const char *key;
    size_t len;
    if (sk__decode_entity_key(v.mv_data, v.mv_size, &type, &key, &len))
        return sk_txn_fail(t, SK_ECORRUPT, "%s: entity #%llu: record is damaged", t->s->path,
                           (unsigned long long)id);
    return type == w->etype && len == w->len && memcmp(key, w->key, len) == 0 ? SK_OK
                                                                             : SK_ENOTFOUND;
}

int sk__keys_add(sk_txn *t, sk_sym etype, const char *key, size_t len, sk_id id)
{
    return idtab_add(t, &t->keys, key_hash(etype, key, len), id);
}

int sk__keys_find(sk_txn *t, sk_sym etype, const char *key, size_t len, sk_id *out)
{
    if (t->keys.full)
        return SK_ENOTFOUND; /* the caller settles first (sk__lookup_settle) */
    key_want w = {etype, key, len};
    return idtab_find(t, &t->keys, key_hash(etype, key, len), key_match, &w, out);
}

/* ---- links ---- */

typedef struct link_want {
    sk_id src, dst;   /* in id order when undirected */
    sk_sym ltype;
    bool directed;
    int64_t time;
} link_want;

static link_want link_identity(sk_id src, sk_id dst, sk_sym ltype, bool directed, int64_t time)
{
    if (!directed && dst < src) {
        sk_id x = src;
        src = dst;
        dst = x;
    }
    return (link_want){src, dst, ltype, directed, time};
}

static uint32_t link_hash(const link_want *w)
{
    uint64_t h = mix(w->src * 0x9e3779b97f4a7c15ull ^ mix(w->dst) ^ ((uint64_t)w->ltype << 40) ^
                     ((uint64_t)w->directed << 63) ^ mix((uint64_t)w->time));
    return (uint32_t)(h >> 32);
}

static int link_match(sk_txn *t, sk_id id, const void *want)
{
    const link_want *w = want;
    const uint8_t *p;
    size_t n;
    bool pending;
    int rc = sk__linkrec_get(t, id, &p, &n, &pending);
    if (rc)
        return rc;
    sk_link l;
    if (sk__decode_link_head(p, n, &l))
        return sk_txn_fail(t, SK_ECORRUPT, "%s: link #%llu: record is damaged", t->s->path,
                           (unsigned long long)id);
    link_want got = link_identity(l.src, l.dst, l.type, l.directed, l.t_start);
    bool same = got.src == w->src && got.dst == w->dst && got.ltype == w->ltype &&
                got.directed == w->directed && got.time == w->time;
    return same ? SK_OK : SK_ENOTFOUND;
}

int sk__links_add(sk_txn *t, const sk_link *l)
{
    if (!t->links_from)
        t->links_from = l->id;
    if (!t->links_on)
        return SK_OK;
    link_want w = link_identity(l->src, l->dst, l->type, l->directed, l->t_start);
    return idtab_add(t, &t->links, link_hash(&w), l->id);
}

/* Fills the links table from the records of the links created since the
 * last flush (ids from links_from on, which sort last in the database). */
static int links_build(sk_txn *t)
{
    t->links_on = true;
    int rc = sk__linkrec_settle(t);
    if (rc)
        return rc;
    MDB_cursor *c;
    rc = mdb_cursor_open(t->txn, t->s->dbi[DB_LINK], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "links");
    uint8_t k[8];
    be_put(k, t->links_from / 64, 8);
    MDB_val key = {8, k}, val;
    int mrc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
    rc = SK_OK;
    while (!rc && mrc == 0) {
        sk_id first = be_get(key.mv_data, 8) * 64;
        sk_lbkt b;
        if (key.mv_size != 8 || sk__lbkt_parse(&b, val.mv_data, val.mv_size))
            rc = sk_txn_fail(t, SK_ECORRUPT, "%s: links #%llu…: bucket is damaged", t->s->path,
                             (unsigned long long)first);
        for (unsigned i = 0; !rc && i < 64; i++) {
            const uint8_t *p;
            size_t n;
            sk_link l = {.id = first + i};
            int r = l.id < t->links_from ? SK_ENOTFOUND : sk__lbkt_rec(&b, i, &p, &n);
            if (r == SK_ENOTFOUND)
                continue;
            if (r || sk__decode_link_head(p, n, &l)) {
                rc = sk_txn_fail(t, SK_ECORRUPT, "%s: link #%llu: record is damaged",
                                 t->s->path, (unsigned long long)l.id);
                break;
            }
            link_want w = link_identity(l.src, l.dst, l.type, l.directed, l.t_start);
            rc = idtab_add(t, &t->links, link_hash(&w), l.id);
        }
        if (!rc)
            mrc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (!rc && mrc != MDB_NOTFOUND)
        rc = sk__mdb_fail(t, mrc, "links");
    return rc;
}

int sk__links_find(sk_txn *t, sk_id src, sk_id dst, sk_sym ltype, uint8_t dir, int64_t time,
                   sk_id *out)
{
    if (!t->links_from || t->links.full)
        return SK_ENOTFOUND;
    if (!t->links_on) {
        int rc = links_build(t);
        if (rc)
            return rc;
    }
    link_want w = link_identity(src, dst, ltype, dir != SK_DIR_UNDIR, time);
    return idtab_find(t, &t->links, link_hash(&w), link_match, &w, out);
}
