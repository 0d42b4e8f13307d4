/*
 * writer.c — the write side of one import attempt: names interned once,
 * keys checked before anything is written, entities resolved through a
 * per-import key cache, and the created / merged / confirmed counters.
 *
 * Invariants: a key is checked (imp_writer_checkkey) before the row writes
 * anything, so a bad key can go to the rejects file without poisoning the
 * transaction. The key cache maps (type, raw key as the row gave it) to
 *     entity id << 16 | index of the file that last upserted it
 * and is filled only after the store has resolved that key, so a raw key
 * found there needs neither normalising nor a key-index lookup: the store
 * normalises a raw key the same way every time in one import (same type
 * rule, same country code). Each entity is upserted again only for a new
 * file of the import (to add that file's source) or when the row brings
 * properties (the store adds the missing ones). Two spellings of one key
 * ("07700 900123", "+447700900123") are two cache entries; each entity
 * counts once, as created (the store says so) or as merged, the set SEEN
 * of the case's earlier entities this import met making the latter exact
 * (entities the transaction made need no set: sk_txn_made). The cache is
 * emptied rather than grown past cache_max bytes (with SEEN, some 16 bytes
 * an entity, only when that alone would not fit), so memory is
 * bounded by that and not by the file; an emptied cache costs lookups in
 * the store, never a different case, and an emptied SEEN only the
 * exactness of the counts (an entity counted again as merged).
 */
#include <stdio.h>
#include <string.h>

#include "import_int.h"

int imp_writer_init(imp_writer *w, sk_txn *t, size_t cache_max)
{
    memset(w, 0, sizeof *w);
    w->t = t;
    w->cache_max = cache_max ? cache_max : SK_IMPORT_CACHE_BYTES;
    imp_hmap_init(&w->keys);
    imp_idset_init(&w->seen);
    imp_hmap_init(&w->syms);
    const char *cc;
    size_t len;
    if (sk_meta_get(t, "country_code", &cc, &len) == SK_OK && len > 0 && len < sizeof w->cc)
        memcpy(w->cc, cc, len);
    else
        memcpy(w->cc, "44", 3);
    return SK_OK;
}

void imp_writer_free(imp_writer *w)
{
    imp_hmap_free(&w->keys);
    imp_idset_free(&w->seen);
    imp_hmap_free(&w->syms);
}

/* The key of NAME in DICT in the symbol cache, into KEY (256 bytes);
 * 0 when too long to be cached. */
static size_t sym_key(char *key, enum sk_dict dict, const char *name, size_t len)
{
    if (len + 1 > 256)
        return 0;
    key[0] = (char)dict;
    memcpy(key + 1, name, len);
    return len + 1;
}

/* The memo entry NAME of DICT would be in (any, for an empty name). */
static imp_symmemo *memo_slot(imp_writer *w, enum sk_dict dict, const char *name, size_t len)
{
    /* The dictionary, the length and the first and last two bytes: the
     * POLE types and link types all land apart (a weaker mix had person,
     * phone and event share an entry, and thrash it). */
    const unsigned char *s = (const unsigned char *)name;
    uint32_t ends = len ? (uint32_t)s[0] | (uint32_t)s[len > 1] << 8 |
                              (uint32_t)s[len > 1 ? len - 2 : 0] << 16 |
                              (uint32_t)s[len - 1] << 24
                        : 0;
    uint32_t h = (uint32_t)dict * 0x9E3779B1u ^ (uint32_t)len * 0x85EBCA6Bu ^
                 ends * 0xC2B2AE35u;
    h ^= h >> 15;
    return &w->memo[h & (IMP_SYMMEMO - 1)];
}

static bool memo_has(const imp_symmemo *e, enum sk_dict dict, const char *name, size_t len)
{
    return e->sym && e->dict == dict && e->len == len && memcmp(e->name, name, len) == 0;
}

static void memo_put(imp_symmemo *e, enum sk_dict dict, const char *name, size_t len,
                     sk_sym sym)
{
    if (len > sizeof e->name)
        return;
    *e = (imp_symmemo){.sym = sym, .dict = (uint8_t)dict, .len = (uint8_t)len};
    memcpy(e->name, name, len);
}

sk_sym imp_writer_sym_known(imp_writer *w, enum sk_dict dict, const char *name, size_t len)
{
    imp_symmemo *e = memo_slot(w, dict, name, len);
    if (memo_has(e, dict, name, len))
        return e->sym;
    char key[256];
    size_t n = sym_key(key, dict, name, len);
    uint64_t v;
    if (!n || !imp_hmap_get(&w->syms, key, n, &v))
        return 0;
    memo_put(e, dict, name, len, (sk_sym)v);
    return (sk_sym)v;
}

int imp_writer_sym(imp_writer *w, enum sk_dict dict, const char *name, size_t len,
                   sk_sym *out)
{
    if ((*out = imp_writer_sym_known(w, dict, name, len)) != 0)
        return SK_OK;
    char key[256];
    if (!sym_key(key, dict, name, len))
        return sk_name_intern(w->t, dict, name, len, true, out);
    int rc = sk_name_intern(w->t, dict, name, len, true, out);
    if (rc == SK_OK && imp_hmap_put(&w->syms, key, len + 1, *out) != SK_OK)
        return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
    return rc;
}

int imp_writer_checkkey(imp_writer *w, const char *type, size_t tlen, const char *key,
                        size_t len, char *why, size_t whylen)
{
    sk_keykind kind = sk_keykind_for_type(type, tlen);
    int n = sk_key_normalise(kind, key, len, w->cc[0] ? w->cc : NULL, w->norm,
                             sizeof w->norm);
    if (n == SK_ELIMIT) {
        snprintf(why, whylen, "key too long (%zu bytes)", len);
        return SK_ELIMIT;
    }
    if (n < 0 || n == 0) {
        char q[120];
        snprintf(why, whylen, "%s is not a valid %s key for type %.*s",
                 imp_quote(key, len, q, sizeof q), sk_keykind_name(kind), (int)tlen, type);
        return SK_EINVAL;
    }
    w->normlen = (size_t)n;
    return SK_OK;
}

/* The cache key of raw KEY of TYPE into BUF: the type as a varint (one
 * byte for the first 127 types), then the bytes, so that a phone number
 * fits in a hash slot (hmap.c). */
static size_t cache_key(char *buf, sk_sym type, const char *key, size_t len)
{
    size_t n = 0;
    do {
        buf[n++] = (char)((type & 0x7F) | (type > 0x7F ? 0x80 : 0));
        type >>= 7;
    } while (type);
    memcpy(buf + n, key, len);
    return n + len;
}

#define CACHE_KEY_CAP (5 + SK_IMPORT_TEXT_MAX)
#define REF_FILE 0xFFFFu

uint64_t imp_writer_keyhash(const char *key, size_t len)
{
    return imp_hmap_hash(key, len);
}

/* The cache's hash of raw key KHASH (imp_writer_keyhash) of TYPE: the
 * key's bytes are hashed where the row is mapped, off this thread. */
static uint64_t cache_hash(uint64_t khash, sk_sym type)
{
    uint64_t z = khash ^ ((uint64_t)type * 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 31)) * 0xBF58476D1CE4E5B9ull;
    return (z ^ (z >> 29)) | 1;
}

bool imp_writer_known(imp_writer *w, sk_sym type, const char *key, size_t len,
                      uint64_t khash, uint64_t *ref)
{
    char buf[CACHE_KEY_CAP];
    if (len > SK_IMPORT_TEXT_MAX)
        return false;
    return imp_hmap_get_h(&w->keys, cache_hash(khash, type), buf,
                          cache_key(buf, type, key, len), ref);
}

void imp_writer_prefetch(const imp_writer *w, sk_sym type, size_t len, uint64_t khash)
{
    if (len <= SK_IMPORT_TEXT_MAX)
        imp_hmap_prefetch_h(&w->keys, cache_hash(khash, type));
}

/* Empties the key cache when one more key of N bytes and one more id
 * would take it past cache_max; the (smaller) set of ids only when it
 * alone would, since emptying it makes the counts inexact. */
static void make_room(imp_writer *w, size_t n)
{
    size_t ids = imp_idset_bytes_after(&w->seen);
    if (imp_hmap_bytes_after(&w->keys, n) + ids <= w->cache_max)
        return;
    imp_hmap_clear(&w->keys);
    if (imp_hmap_bytes_after(&w->keys, n) + ids > w->cache_max)
        imp_idset_clear(&w->seen);
}

int imp_writer_entity(imp_writer *w, const sk_entity_in *in, size_t keylen, uint64_t khash,
                      bool known, uint64_t ref, sk_id *out)
{
    bool created;
    int rc;
    if (!in->key || !keylen) {
        rc = sk_entity_upsert(w->t, in, out, &created);
        if (rc == SK_OK)
            w->ent_created++;
        return rc;
    }
    if (known && (ref & REF_FILE) == (w->file_idx & REF_FILE) && in->nprops == 0) {
        *out = ref >> 16;
        return SK_OK;
    }
    if (known && in->nprops == 0) {
        /* Only this file's source to add: the entity is known, its key
         * needs neither normalising nor looking up again. */
        *out = ref >> 16;
        created = false;
        rc = sk_entity_assert(w->t, *out, &in->assert);
    } else {
        rc = sk_entity_upsert(w->t, in, out, &created);
    }
    if (rc != SK_OK)
        return rc;
    /* Keys longer than SK_IMPORT_TEXT_MAX (map.c refuses them) are not cached. */
    bool cache = keylen <= SK_IMPORT_TEXT_MAX;
    char buf[CACHE_KEY_CAP];
    size_t n = cache ? cache_key(buf, in->type, in->key, keylen) : 0;
    make_room(w, n);
    /* Each entity counts once. One this transaction made was counted as it
     * was created; one the case held before counts as merged the first
     * time, which SEEN (holding those only) remembers. A known key's
     * entity was counted when its key went in (SEEN is only ever emptied
     * together with the keys). */
    bool count = created;
    if (!created && !known && !sk_txn_made(w->t, *out) &&
        imp_idset_add(&w->seen, *out, &count) != SK_OK)
        return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
    if (cache && imp_hmap_put_h(&w->keys, cache_hash(khash, in->type), buf, n,
                                *out << 16 | (w->file_idx & REF_FILE)))
        return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
    if (count) {
        if (created)
            w->ent_created++;
        else
            w->ent_merged++;
    }
    return SK_OK;
}

int imp_writer_link(imp_writer *w, const sk_link_in *in)
{
    sk_id id;
    bool created;
    int rc = sk_link_upsert(w->t, in, &id, &created);
    if (rc == SK_OK) {
        if (created)
            w->link_created++;
        else
            w->link_confirmed++;
    }
    return rc;
}
