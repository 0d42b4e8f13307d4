/*
 * entity.c — creating, resolving, reading, changing and deleting entities.
 *
 * Keys are normalised here by the rule of the entity's type, so every
 * caller (import, manual entry, queries) agrees on what "the same phone"
 * is. Every change rewrites the record and keeps the indexes in step
 * (index.c); deleting an entity deletes its links first.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define KEYBUF (SK_KEY_MAX * 4 + 64)

static void id_key(uint8_t k[8], sk_id id) { be_put(k, id, 8); }

int sk_entity_normkey(sk_txn *t, sk_sym type, const char *rawkey, size_t len, char *out,
                      size_t outcap)
{
    const char *tname;
    size_t tlen;
    int rc = sk_name_get(t, SK_DICT_ETYPE, type, &tname, &tlen);
    if (rc)
        return sk_txn_fail(t, rc == SK_ENOTFOUND ? SK_EINVAL : rc, "unknown entity type #%u",
                           type);
    sk_keykind kind = sk_keykind_for_type(tname, tlen);
    int n = sk_key_normalise(kind, rawkey, len, t->country_code[0] ? t->country_code : NULL,
                             out, outcap);
    if (n == SK_EINVAL)
        return sk_txn_fail(t, SK_EINVAL, "'%.*s' is not a valid %s key for type %.*s",
                           (int)(len > 80 ? 80 : len), rawkey, sk_keykind_name(kind),
                           (int)tlen, tname);
    if (n == SK_ELIMIT)
        return sk_txn_fail(t, SK_ELIMIT, "key '%.*s…' is too long", 40, rawkey);
    return n;
}

/* The entity of type TYPE with normalised key NORM: from the key index, or
 * in bulk mode, while the key index is spooled, from the keys created. */
static int find_key(sk_txn *t, sk_sym type, const char *norm, size_t len, sk_id *out)
{
    int rc = t->bulk ? sk__lookup_settle(t, &t->keys) : SK_OK;
    if (rc)
        return rc;
    if (t->bulk)
        return sk__keys_find(t, type, norm, len, out);
    uint8_t kk[4 + SK_KEY_MAX];
    size_t kl = sk__keyidx_key(kk, type, norm, len);
    MDB_val v;
    rc = sk__get(t, DB_KEY, kk, kl, &v);
    if (rc)
        return rc;
    *out = be_get(v.mv_data, IDX_ID);
    return SK_OK;
}

int sk_entity_by_key(sk_txn *t, sk_sym type, const char *rawkey, size_t len, sk_id *out)
{
    char norm[KEYBUF];
    int n = sk_entity_normkey(t, type, rawkey, len, norm, sizeof norm);
    if (n < 0)
        return n;
    return find_key(t, type, norm, (size_t)n, out);
}

/* A write transaction remembers, one bit per id, the entities it has read
 * or written, so that sk_entity_exists answers again without a B-tree
 * search through the transaction's dirty pages: an import into a case that
 * holds the graph checks both ends of every link, and the same entities
 * come back again and again. The bit goes when the record is deleted
 * (sk__del); failing to grow the bitmap only costs the search. */
static void seen_mark(sk_txn *t, sk_id id)
{
    if (!t->write)
        return;
    size_t w = (size_t)(id / 64);
    if (w >= t->ent_seen_words) {
        size_t n = t->ent_seen_words ? t->ent_seen_words : 1024;
        while (n <= w)
            n *= 2;
        uint64_t *p = realloc(t->ent_seen, n * sizeof *p);
        if (!p)
            return;
        memset(p + t->ent_seen_words, 0, (n - t->ent_seen_words) * sizeof *p);
        t->ent_seen = p;
        t->ent_seen_words = n;
    }
    t->ent_seen[w] |= UINT64_C(1) << (id % 64);
}

static bool seen(const sk_txn *t, sk_id id)
{
    size_t w = (size_t)(id / 64);
    return w < t->ent_seen_words && (t->ent_seen[w] >> (id % 64) & 1);
}

void sk__ent_seen_clear(sk_txn *t, sk_id id)
{
    size_t w = (size_t)(id / 64);
    if (w < t->ent_seen_words)
        t->ent_seen[w] &= ~(UINT64_C(1) << (id % 64));
}

int sk_entity_get(sk_txn *t, sk_id id, sk_arena *a, sk_entity *out)
{
    uint8_t k[8];
    id_key(k, id);
    MDB_val v;
    int rc = sk__get(t, DB_ENT, k, 8, &v);
    if (rc == SK_ENOTFOUND)
        return sk_txn_fail(t, rc, "no entity #%llu", (unsigned long long)id);
    if (rc)
        return rc;
    out->id = id;
    rc = sk__decode_entity(v.mv_data, v.mv_size, a, out);
    if (rc)
        return sk_txn_fail(t, rc, "%s: entity #%llu: record is damaged", t->s->path,
                           (unsigned long long)id);
    seen_mark(t, id);
    return SK_OK;
}

bool sk_txn_made(const sk_txn *t, sk_id id)
{
    return t->write && t->fresh_first && id >= t->fresh_first;
}

bool sk_entity_exists(sk_txn *t, sk_id id)
{
    /* An entity this transaction made exists unless one of its ids has no
     * record: no read (a read in a large write transaction searches its
     * dirty pages). */
    if (t->write && !t->ent_gaps && id >= t->fresh_first && id < t->next_entity &&
        t->fresh_first)
        return true;
    if (t->write && seen(t, id))
        return true;
    uint8_t k[8];
    id_key(k, id);
    MDB_val v;
    if (sk__get(t, DB_ENT, k, 8, &v) != SK_OK)
        return false;
    seen_mark(t, id);
    return true;
}

int sk_entity_type(sk_txn *t, sk_id id, sk_sym *out)
{
    uint8_t k[8];
    id_key(k, id);
    MDB_val v;
    int rc = sk__get(t, DB_ENT, k, 8, &v);
    if (rc)
        return rc;
    return sk__decode_entity_type(v.mv_data, v.mv_size, out);
}

/* Writes the record of E (which must already be indexed as it now is). */
static int put_entity(sk_txn *t, const sk_entity *e, unsigned flags)
{
    sk_buf *b = &t->rec;
    int rc = sk__encode_entity(b, e);
    if (rc)
        return sk_txn_fail(t, rc, "out of memory");
    uint8_t k[8];
    id_key(k, e->id);
    rc = flags == MDB_APPEND ? sk__append(t, DB_ENT, k, 8, b->p, b->len)
                             : sk__put(t, DB_ENT, k, 8, b->p, b->len, flags);
    if (!rc)
        seen_mark(t, e->id);
    return rc;
}

int sk__put_entity(sk_txn *t, const sk_entity *e) { return put_entity(t, e, 0); }

int sk_entity_create(sk_txn *t, const sk_entity_in *in, sk_id *out)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    char norm[KEYBUF];
    int n = 0;
    size_t rawlen = in->key ? strlen(in->key) : 0;
    if (rawlen) {
        n = sk_entity_normkey(t, in->type, in->key, rawlen, norm, sizeof norm);
        if (n < 0)
            return n;
        rc = find_key(t, in->type, norm, (size_t)n, out);
        if (rc == SK_OK)
            return SK_EEXISTS;
        if (rc != SK_ENOTFOUND)
            return rc;
    } else {
        /* sk_entity_normkey checks the type; do it here when there is no key. */
        const char *tn;
        size_t tl;
        if (sk_name_get(t, SK_DICT_ETYPE, in->type, &tn, &tl) != SK_OK)
            return sk_txn_fail(t, SK_EINVAL, "unknown entity type #%u", in->type);
    }
    if (t->next_entity >= SK_ID_MAX)
        return sk_txn_fail(t, SK_ELIMIT, "too many entities");
    const char *label = in->label ? in->label : (in->key ? in->key : "");
    sk_entity e = {
        .id = t->next_entity++,
        .type = in->type,
        .key = norm, .key_len = (size_t)n,
        .label = label, .label_len = strlen(label),
        .props = in->props, .nprops = in->nprops,
        .asserts = &in->assert, .nasserts = in->assert.source ? 1 : 0,
    };
    t->counters_dirty = true;
    rc = sk__index_entity(t, &e, true);
    if (!rc)
        rc = put_entity(t, &e, MDB_APPEND);
    if (!rc)
        *out = e.id;
    else
        t->ent_gaps = true;
    return rc;
}

static bool has_assert(const sk_entity *e, const sk_assert *a)
{
    for (size_t i = 0; i < e->nasserts; i++)
        if (e->asserts[i].source == a->source && e->asserts[i].grade == a->grade)
            return true;
    return false;
}

static bool has_prop(const sk_prop *p, size_t n, sk_sym name)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].name == name)
            return true;
    return false;
}

/* Adds IN's assertion and missing properties to E, the record of entity
 * ID as decoded into arena A; *CHANGED says whether anything was added. */
static int confirm_add(sk_txn *t, sk_id id, const sk_entity_in *in, sk_arena *a,
                       sk_entity *e, bool *changed)
{
    bool add_src = in->assert.source && !has_assert(e, &in->assert);
    size_t extra = 0;
    for (size_t i = 0; i < in->nprops; i++)
        extra += !has_prop(e->props, e->nprops, in->props[i].name);
    *changed = add_src || extra > 0;
    if (!*changed)
        return SK_OK;
    sk_prop *props = sk_arena_alloc(a, (e->nprops + extra + 1) * sizeof *props);
    sk_assert *as = sk_arena_alloc(a, (e->nasserts + 1) * sizeof *as);
    if (!props || !as)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    if (e->nprops)
        memcpy(props, e->props, e->nprops * sizeof *props);
    size_t np = e->nprops;
    int rc = SK_OK;
    for (size_t i = 0; i < in->nprops && !rc; i++) {
        if (has_prop(props, np, in->props[i].name))
            continue;
        props[np++] = in->props[i];
        rc = sk__index_prop(t, e->type, in->props[i].name, &in->props[i].value, id, true);
    }
    if (e->nasserts)
        memcpy(as, e->asserts, e->nasserts * sizeof *as);
    if (add_src)
        as[e->nasserts++] = in->assert;
    e->props = props;
    e->nprops = np;
    e->asserts = as;
    return rc;
}

/* Adds IN's assertion and missing properties to the existing entity ID.
 * The record is read and rewritten through one cursor: one search of the
 * entity B-tree instead of two (an import into a case holding the graph
 * confirms every entity it mentions). */
static int confirm(sk_txn *t, sk_id id, const sk_entity_in *in)
{
    sk_arena *a = sk_arena_new();
    if (!a)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_ENT], &c);
    if (rc) {
        sk_arena_free(a);
        return sk__mdb_fail(t, rc, "entities");
    }
    uint8_t k[8];
    id_key(k, id);
    MDB_val key = {8, k}, val;
    sk_entity e = {.id = id};
    bool changed = false;
    rc = mdb_cursor_get(c, &key, &val, MDB_SET_KEY);
    if (rc == MDB_NOTFOUND)
        rc = sk_txn_fail(t, SK_ENOTFOUND, "no entity #%llu", (unsigned long long)id);
    else if (rc)
        rc = sk__mdb_fail(t, rc, "entities");
    else if (sk__decode_entity(val.mv_data, val.mv_size, a, &e))
        rc = sk_txn_fail(t, SK_ECORRUPT, "%s: entity #%llu: record is damaged", t->s->path,
                         (unsigned long long)id);
    else
        rc = confirm_add(t, id, in, a, &e, &changed);
    if (!rc && changed && (rc = sk__encode_entity(&t->rec, &e)) != SK_OK)
        rc = sk_txn_fail(t, rc, "out of memory");
    if (!rc && changed) {
        MDB_val nv = {t->rec.len, t->rec.p};
        key = (MDB_val){8, k};
        int mrc = mdb_cursor_put(c, &key, &nv, MDB_CURRENT);
        if (mrc)
            rc = sk__mdb_fail(t, mrc, "entities");
    }
    if (!rc)
        seen_mark(t, id);
    mdb_cursor_close(c);
    sk_arena_free(a);
    return rc;
}

int sk_entity_assert(sk_txn *t, sk_id id, const sk_assert *as)
{
    int rc = sk__check_write(t);
    sk_entity_in in = {.assert = *as};
    return rc ? rc : confirm(t, id, &in);
}

int sk_entity_upsert(sk_txn *t, const sk_entity_in *in, sk_id *out, bool *created)
{
    int rc = sk_entity_create(t, in, out);
    *created = rc == SK_OK;
    if (rc != SK_EEXISTS)
        return rc;
    return confirm(t, *out, in);
}

int sk_entity_set_prop(sk_txn *t, sk_id id, sk_sym prop, const sk_value *v)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    sk_arena *a = sk_arena_new();
    if (!a)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    sk_entity e;
    rc = sk_entity_get(t, id, a, &e);
    sk_prop *props = rc ? NULL : sk_arena_alloc(a, (e.nprops + 1) * sizeof *props);
    if (!rc && !props)
        rc = sk_txn_fail(t, SK_ENOMEM, "out of memory");
    size_t np = 0;
    for (size_t i = 0; !rc && i < e.nprops; i++) {
        if (e.props[i].name == prop)
            rc = sk__index_prop(t, e.type, prop, &e.props[i].value, id, false);
        else
            props[np++] = e.props[i];
    }
    if (!rc && v->type != SK_V_NULL) {
        props[np++] = (sk_prop){prop, *v};
        rc = sk__index_prop(t, e.type, prop, v, id, true);
    }
    if (!rc) {
        e.props = props;
        e.nprops = np;
        rc = put_entity(t, &e, 0);
    }
    sk_arena_free(a);
    return rc;
}

int sk_entity_set_label(sk_txn *t, sk_id id, const char *label)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    sk_arena *a = sk_arena_new();
    if (!a)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    sk_entity e;
    rc = sk_entity_get(t, id, a, &e);
    if (!rc) {
        sk_value old = {.type = SK_V_STR, .u.str = {e.label, e.label_len}};
        sk_value new = {.type = SK_V_STR, .u.str = {label, strlen(label)}};
        rc = sk__index_prop(t, e.type, 0, &old, id, false);
        if (!rc)
            rc = sk__index_prop(t, e.type, 0, &new, id, true);
        e.label = label;
        e.label_len = strlen(label);
        if (!rc)
            rc = put_entity(t, &e, 0);
    }
    sk_arena_free(a);
    return rc;
}

/* Collects the link ids of ID first: deleting while a cursor walks the
 * same duplicate run is not safe. */
int sk__entity_links(sk_txn *t, sk_id id, sk_id **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    sk_adjcur *c;
    int rc = sk_adj_open(t, id, 0, SK_DIR_ANY, &c);
    if (rc)
        return rc;
    sk_adj adj;
    while ((rc = sk_adj_next(c, &adj)) == SK_OK) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            sk_id *p = realloc(*out, cap * sizeof *p);
            if (!p) {
                rc = sk_txn_fail(t, SK_ENOMEM, "out of memory");
                break;
            }
            *out = p;
        }
        (*out)[(*n)++] = adj.link;
    }
    sk_adj_close(c);
    return rc == SK_DONE ? SK_OK : rc;
}

int sk_entity_delete(sk_txn *t, sk_id id)
{
    int rc = sk__check_write(t);
    if (!rc)
        rc = sk__spool_settle(t, DB_COUNT);
    if (rc)
        return rc;
    sk_arena *a = sk_arena_new();
    if (!a)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    sk_entity e;
    sk_id *links = NULL;
    size_t n = 0;
    rc = sk_entity_get(t, id, a, &e);
    if (!rc)
        rc = sk__entity_links(t, id, &links, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = sk_link_delete(t, links[i]);
        if (rc == SK_ENOTFOUND) /* a self-loop is listed twice */
            rc = SK_OK;
    }
    if (!rc)
        rc = sk__index_entity(t, &e, false);
    if (!rc) {
        uint8_t k[8];
        id_key(k, id);
        rc = sk__del(t, DB_ENT, k, 8, NULL, 0);
    }
    free(links);
    sk_arena_free(a);
    return rc;
}
