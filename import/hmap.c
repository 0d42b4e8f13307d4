/*
 * hmap.c — an open-addressing hash map from byte strings to 64-bit values.
 *
 * Used for neo4j's file-local node ids (id → entity), the per-import entity
 * cache (type + key → entity) and type names taken from columns. Keys are
 * copied into one growing byte buffer, slots hold (hash, offset, length,
 * value), probing is linear and the table doubles at 70% load, so a lookup
 * costs one hash and usually one key comparison, and nothing is allocated
 * per entry. Clearing keeps the memory for reuse.
 */
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

/* A 64-bit hash of N bytes, eight at a time (wyhash-style mixing). */
static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return h | 1; /* 0 marks an empty slot */
}

void imp_hmap_init(imp_hmap *m)
{
    memset(m, 0, sizeof *m);
}

void imp_hmap_free(imp_hmap *m)
{
    free(m->slots);
    free(m->keys);
    memset(m, 0, sizeof *m);
}

void imp_hmap_clear(imp_hmap *m)
{
    if (m->slots)
        memset(m->slots, 0, m->cap * sizeof *m->slots);
    m->n = 0;
    m->klen = 0;
}

static bool slot_eq(const imp_hmap *m, const imp_hslot *s, uint64_t h, const void *k,
                    size_t n)
{
    return s->hash == h && s->len == n && memcmp(m->keys + s->off, k, n) == 0;
}

bool imp_hmap_get(const imp_hmap *m, const void *k, size_t n, uint64_t *val)
{
    if (!m->n)
        return false;
    uint64_t h = hash_bytes(k, n);
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const imp_hslot *s = &m->slots[i];
        if (!s->hash)
            return false;
        if (slot_eq(m, s, h, k, n)) {
            *val = s->val;
            return true;
        }
    }
}

static int grow(imp_hmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 1024;
    imp_hslot *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return SK_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        const imp_hslot *s = &m->slots[i];
        if (!s->hash)
            continue;
        size_t j = s->hash & (ncap - 1);
        while (ns[j].hash)
            j = (j + 1) & (ncap - 1);
        ns[j] = *s;
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return SK_OK;
}

int imp_hmap_put(imp_hmap *m, const void *k, size_t n, uint64_t val)
{
    if ((m->n + 1) * 10 > m->cap * 7 && grow(m) != SK_OK)
        return SK_ENOMEM;
    uint64_t h = hash_bytes(k, n);
    size_t mask = m->cap - 1;
    size_t i = h & mask;
    for (;; i = (i + 1) & mask) {
        imp_hslot *s = &m->slots[i];
        if (!s->hash)
            break;
        if (slot_eq(m, s, h, k, n)) {
            s->val = val;
            return SK_OK;
        }
    }
    if (m->klen + n > m->kcap) {
        size_t ncap = m->kcap ? m->kcap * 2 : 64 * 1024;
        while (ncap < m->klen + n)
            ncap *= 2;
        char *nk = realloc(m->keys, ncap);
        if (!nk)
            return SK_ENOMEM;
        m->keys = nk;
        m->kcap = ncap;
    }
    memcpy(m->keys + m->klen, k, n);
    m->slots[i] = (imp_hslot){.hash = h, .off = m->klen, .len = (uint32_t)n, .val = val};
    m->klen += n;
    m->n++;
    return SK_OK;
}
