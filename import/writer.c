/*
 * writer.c — the write side of one import attempt: names interned once,
 * keys checked before anything is written, entities resolved through a
 * per-import cache, and the created / merged / confirmed counters.
 *
 * Invariants: a key is checked (imp_writer_checkkey) before the row writes
 * anything, so a bad key can go to the rejects file without poisoning the
 * transaction. The cache maps (type, normalised key) to
 *     entity id << 16 | created-by-this-import << 15 | file index (15 bits)
 * so each distinct entity is counted once, as created or as merged, and is
 * upserted again only for a new file of the import (to add that source) or
 * when the row brings properties (the store adds the missing ones). The
 * cache is emptied at SK_IMPORT_CACHE_MAX entries to bound memory; after
 * that an entity this import created may be counted again as merged.
 */
#include <stdio.h>
#include <string.h>

#include "import_int.h"

int imp_writer_init(imp_writer *w, sk_txn *t)
{
    memset(w, 0, sizeof *w);
    w->t = t;
    imp_hmap_init(&w->ecache);
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
    imp_hmap_free(&w->ecache);
    imp_hmap_free(&w->syms);
}

int imp_writer_sym(imp_writer *w, enum sk_dict dict, const char *name, size_t len,
                   sk_sym *out)
{
    char key[256];
    if (len + 1 > sizeof key)
        return sk_name_intern(w->t, dict, name, len, true, out);
    key[0] = (char)dict;
    memcpy(key + 1, name, len);
    uint64_t v;
    if (imp_hmap_get(&w->syms, key, len + 1, &v)) {
        *out = (sk_sym)v;
        return SK_OK;
    }
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

int imp_writer_entity(imp_writer *w, const sk_entity_in *in, const char *norm,
                      size_t normlen, sk_id *out)
{
    bool created;
    int rc;
    if (!norm) {
        rc = sk_entity_upsert(w->t, in, out, &created);
        if (rc == SK_OK)
            w->ent_created++;
        return rc;
    }
    char key[4 + 4 * SK_IMPORT_TEXT_MAX + 64];
    memcpy(key, &in->type, 4);
    memcpy(key + 4, norm, normlen);
    uint64_t v;
    bool hit = imp_hmap_get(&w->ecache, key, 4 + normlen, &v);
    uint32_t file = w->file_idx & 0x7FFF;
    if (hit && (v & 0x7FFF) == file && in->nprops == 0) {
        *out = v >> 16;
        return SK_OK;
    }
    rc = sk_entity_upsert(w->t, in, out, &created);
    if (rc != SK_OK)
        return rc;
    if (!hit) {
        if (created)
            w->ent_created++;
        else
            w->ent_merged++;
        if (w->ecache.n >= SK_IMPORT_CACHE_MAX)
            imp_hmap_clear(&w->ecache);
    }
    bool was_created = hit ? (v >> 15 & 1) : created;
    uint64_t nv = *out << 16 | (uint64_t)was_created << 15 | file;
    if (imp_hmap_put(&w->ecache, key, 4 + normlen, nv) != SK_OK)
        return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
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
