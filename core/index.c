/*
 * index.c — the entity indexes: natural key → id, type → ids, and the
 * string-property index (exact and prefix) that also holds labels.
 *
 * Invariant: every entity record has exactly one type entry, one key entry
 * when its key is not empty, one label entry and one entry per indexed
 * string property; sk__index_entity adds or removes all of them together.
 * Strings longer than PROP_INDEX_MAX bytes (report narratives) are not
 * indexed; queries on them scan records instead.
 *
 * In bulk mode (sk_txn_bulk) new entries are spooled (spool.c) and
 * natural keys noted for lookups (lookup.c); removing an entry settles the
 * spools first, which ends bulk mode.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define PROP_INDEX_MAX 1024
#define LABEL_PROP 0

size_t sk__keyidx_key(uint8_t *out, sk_sym etype, const char *key, size_t len)
{
    be_put(out, etype, 4);
    if (len <= SK_KEY_MAX) {
        memcpy(out + 4, key, len);
        return 4 + len;
    }
    /* LMDB keys are at most 511 bytes: keep a prefix (for order) and a
     * hash of the whole key (for identity). */
    size_t keep = SK_KEY_MAX - 32;
    memcpy(out + 4, key, keep);
    sk_sha256(key, len, out + 4 + keep);
    return 4 + SK_KEY_MAX;
}

/* Builds the prop-index key: etype(4) prop(4) folded text. Returns its
 * length, 0 when the value is not indexed. */
static size_t prop_key(uint8_t *out, sk_sym etype, sk_sym prop, const char *s, size_t len)
{
    if (len > PROP_INDEX_MAX)
        return 0;
    be_put(out, etype, 4);
    be_put(out + 4, prop, 4);
    int n = sk_text_fold(s, len, (char *)out + 8, SK_KEY_MAX + 1);
    if (n == SK_ELIMIT) {
        /* Too long once folded: index a prefix cut at a UTF-8 boundary. */
        /* NFKC can grow text a lot (U+FDFA: 3 bytes become 33). */
        size_t cap = len * 18 + 16;
        char *tmp = malloc(cap);
        if (!tmp)
            return 0;
        n = sk_text_fold(s, len, tmp, cap);
        if (n > 0) {
            int cut = SK_KEY_MAX;
            while (cut > 0 && ((unsigned char)tmp[cut] & 0xC0) == 0x80)
                cut--;
            memcpy(out + 8, tmp, (size_t)cut);
            n = cut;
        }
        free(tmp);
    }
    return n < 0 ? 0 : 8 + (size_t)n;
}

int sk__index_prop(sk_txn *t, sk_sym etype, sk_sym prop, const sk_value *v, sk_id id,
                   bool add)
{
    if (v->type != SK_V_STR)
        return SK_OK;
    uint8_t key[8 + SK_KEY_MAX + 8];
    size_t kl = prop_key(key, etype, prop, v->u.str.ptr, v->u.str.len);
    if (kl == 0 || kl == 8)
        return SK_OK;
    uint8_t idb[IDX_ID];
    be_put(idb, id, IDX_ID);
    if (prop == LABEL_PROP)
        t->labels_dirty = true; /* label snapshots must be rebuilt */
    if (add && t->bulk)
        return sk__spool_add(t, DB_PROP, key, kl, idb, IDX_ID);
    int rc = add ? SK_OK : sk__spool_settle(t, DB_PROP);
    if (!rc)
        rc = add ? sk__put(t, DB_PROP, key, kl, idb, IDX_ID, 0) : sk__del(t, DB_PROP, key, kl, idb, IDX_ID);
    return rc == SK_ENOTFOUND && !add ? SK_OK : rc;
}

/* Adds or removes the label and string-property entries of E. */
static int index_props(sk_txn *t, const sk_entity *e, bool add)
{
    sk_value label = {.type = SK_V_STR, .u.str = {e->label, e->label_len}};
    int rc = sk__index_prop(t, e->type, LABEL_PROP, &label, e->id, add);
    for (size_t i = 0; !rc && i < e->nprops; i++)
        rc = sk__index_prop(t, e->type, e->props[i].name, &e->props[i].value, e->id, add);
    return rc;
}

/* Spools the type, key and property entries of new entity E (bulk mode). */
static int spool_entity(sk_txn *t, const sk_entity *e)
{
    uint8_t tk[4], idb[IDX_ID];
    be_put(tk, e->type, 4);
    be_put(idb, e->id, IDX_ID);
    int rc = sk__spool_add(t, DB_TYPE, tk, 4, idb, IDX_ID);
    if (!rc && e->key_len) {
        uint8_t kk[4 + SK_KEY_MAX];
        size_t kl = sk__keyidx_key(kk, e->type, e->key, e->key_len);
        rc = sk__spool_add(t, DB_KEY, kk, kl, idb, IDX_ID);
        if (!rc)
            rc = sk__keys_add(t, e->type, e->key, e->key_len, e->id);
    }
    return rc;
}

/* Writes (ADD) or removes the type and key entries of E. */
static int type_and_key(sk_txn *t, const sk_entity *e, bool add)
{
    uint8_t tk[4], idb[IDX_ID];
    be_put(tk, e->type, 4);
    be_put(idb, e->id, IDX_ID);
    int rc = add ? sk__put(t, DB_TYPE, tk, 4, idb, IDX_ID, 0) : sk__del(t, DB_TYPE, tk, 4, idb, IDX_ID);
    if (rc && !(rc == SK_ENOTFOUND && !add))
        return rc;
    if (e->key_len) {
        uint8_t kk[4 + SK_KEY_MAX];
        size_t kl = sk__keyidx_key(kk, e->type, e->key, e->key_len);
        rc = add ? sk__put(t, DB_KEY, kk, kl, idb, IDX_ID, MDB_NOOVERWRITE)
                 : sk__del(t, DB_KEY, kk, kl, NULL, 0);
        if (rc == SK_EEXISTS)
            return sk_txn_fail(t, SK_EEXISTS, "an entity with key '%.*s' exists",
                               (int)e->key_len, e->key);
        if (rc && !(rc == SK_ENOTFOUND && !add))
            return rc;
    }
    return SK_OK;
}

int sk__index_entity(sk_txn *t, const sk_entity *e, bool add)
{
    int rc;
    if (add && t->bulk)
        rc = spool_entity(t, e);
    else if (add)
        rc = type_and_key(t, e, true);
    else if ((rc = sk__spool_settle(t, DB_TYPE)) == SK_OK)
        rc = type_and_key(t, e, false);
    return rc ? rc : index_props(t, e, add);
}
