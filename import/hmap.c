/*
 * hmap.c — open-addressing hash tables: byte strings → 64-bit values
 * (imp_hmap) and a set of entity ids (imp_idset).
 *
 * imp_hmap is used for neo4j's file-local node ids (id → entity), the
 * per-import key cache (type + raw key → entity) and interned names. A
 * slot is 32 bytes: hash, value and a key of up to 15 bytes (phone
 * numbers, plates, ids), so a lookup of a short key reads one place in
 * memory; longer keys are copied into one growing byte buffer (at most
 * 4 GiB, so offsets fit 32 bits) and the slot holds their offset and
 * length. Probing is linear and the table doubles at 80% load, so a lookup
 * costs one hash and usually one key comparison, and nothing is allocated
 * per entry. (At 70 % a 1M-person import's 2.95M keys needed the next
 * doubling, 256 MiB, which passed the cache's budget and emptied it just
 * before the links file: 80 % keeps them in 128 MiB, about 6 % faster.)
 * imp_idset holds non-zero ids in a table of 8-byte slots (0 = empty).
 * Clearing either keeps its memory for reuse. Tables of megabytes are
 * asked for in huge pages (sk_table_alloc): a lookup in a large cache is
 * one random read, and without them it also misses the TLB.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

/* A 64-bit hash of N bytes, eight at a time (wyhash-style mixing). */
uint64_t imp_hmap_hash(const void *p, size_t n)
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

_Static_assert(sizeof(imp_hslot) == 32, "two slots to a cache line");

void imp_hmap_init(imp_hmap *m)
{
    memset(m, 0, sizeof *m);
}

void imp_hmap_free(imp_hmap *m)
{
    sk_table_free(m->slots, m->cap * sizeof *m->slots);
    sk_table_free(m->keys, m->kcap);
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
    if (s->hash != h)
        return false;
    if (n <= IMP_HKEY_INLINE)
        return s->len == n && memcmp(s->key, k, n) == 0;
    uint32_t off, len;
    memcpy(&off, s->key, 4);
    memcpy(&len, s->key + 4, 4);
    return s->len == IMP_HKEY_LONG && len == n && memcmp(m->keys + off, k, n) == 0;
}

bool imp_hmap_get(const imp_hmap *m, const void *k, size_t n, uint64_t *val)
{
    return imp_hmap_get_h(m, imp_hmap_hash(k, n), k, n, val);
}

bool imp_hmap_get_h(const imp_hmap *m, uint64_t h, const void *k, size_t n, uint64_t *val)
{
    if (!m->n)
        return false;
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

void imp_hmap_prefetch_h(const imp_hmap *m, uint64_t h)
{
    if (m->n)
        __builtin_prefetch(&m->slots[h & (m->cap - 1)]);
}

size_t imp_hmap_bytes(const imp_hmap *m)
{
    return m->cap * sizeof *m->slots + m->kcap;
}

/* Capacity of a table of CAP slots holding N entries after one more. */
static size_t cap_after(size_t cap, size_t n)
{
    return (n + 1) * 10 > cap * 8 ? (cap ? cap * 2 : 1024) : cap;
}

size_t imp_hmap_bytes_after(const imp_hmap *m, size_t n)
{
    size_t kcap = m->kcap;
    if (n > IMP_HKEY_INLINE && m->klen + n > kcap) {
        kcap = kcap ? kcap * 2 : 64 * 1024;
        while (kcap < m->klen + n)
            kcap *= 2;
    }
    return cap_after(m->cap, m->n) * sizeof *m->slots + kcap;
}

static int grow(imp_hmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 1024;
    imp_hslot *ns = sk_table_alloc(ncap * sizeof *ns);
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
    sk_table_free(m->slots, m->cap * sizeof *m->slots);
    m->slots = ns;
    m->cap = ncap;
    return SK_OK;
}

int imp_hmap_put(imp_hmap *m, const void *k, size_t n, uint64_t val)
{
    return imp_hmap_put_h(m, imp_hmap_hash(k, n), k, n, val);
}

int imp_hmap_put_h(imp_hmap *m, uint64_t h, const void *k, size_t n, uint64_t val)
{
    if ((m->n + 1) * 10 > m->cap * 8 && grow(m) != SK_OK)
        return SK_ENOMEM;
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
    imp_hslot slot = {.hash = h, .val = val, .len = (uint8_t)n};
    if (n <= IMP_HKEY_INLINE) {
        memcpy(slot.key, k, n);
    } else {
        if (n > UINT32_MAX - m->klen)
            return SK_ENOMEM; /* offsets are 32 bits: the owner bounds the map */
        if (m->klen + n > m->kcap) {
            size_t ncap = m->kcap ? m->kcap * 2 : 64 * 1024;
            while (ncap < m->klen + n)
                ncap *= 2;
            char *nk = sk_table_alloc(ncap);
            if (!nk)
                return SK_ENOMEM;
            if (m->klen)
                memcpy(nk, m->keys, m->klen);
            sk_table_free(m->keys, m->kcap);
            m->keys = nk;
            m->kcap = ncap;
        }
        memcpy(m->keys + m->klen, k, n);
        uint32_t off = (uint32_t)m->klen, len = (uint32_t)n;
        slot.len = IMP_HKEY_LONG;
        memcpy(slot.key, &off, 4);
        memcpy(slot.key + 4, &len, 4);
        m->klen += n;
    }
    m->slots[i] = slot;
    m->n++;
    return SK_OK;
}

/* ---- Id set ------------------------------------------------------------ */

static uint64_t mix_id(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void imp_idset_init(imp_idset *s)
{
    memset(s, 0, sizeof *s);
}

void imp_idset_free(imp_idset *s)
{
    sk_table_free(s->slots, s->cap * sizeof *s->slots);
    memset(s, 0, sizeof *s);
}

void imp_idset_clear(imp_idset *s)
{
    if (s->slots)
        memset(s->slots, 0, s->cap * sizeof *s->slots);
    s->n = 0;
}

size_t imp_idset_bytes(const imp_idset *s)
{
    return s->cap * sizeof *s->slots;
}

size_t imp_idset_bytes_after(const imp_idset *s)
{
    return cap_after(s->cap, s->n) * sizeof *s->slots;
}

static int idset_grow(imp_idset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 1024;
    uint64_t *ns = sk_table_alloc(ncap * sizeof *ns);
    if (!ns)
        return SK_ENOMEM;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slots[i])
            continue;
        size_t j = mix_id(s->slots[i]) & (ncap - 1);
        while (ns[j])
            j = (j + 1) & (ncap - 1);
        ns[j] = s->slots[i];
    }
    sk_table_free(s->slots, s->cap * sizeof *s->slots);
    s->slots = ns;
    s->cap = ncap;
    return SK_OK;
}

int imp_idset_add(imp_idset *s, uint64_t id, bool *added)
{
    assert(id != 0);
    *added = false;
    if ((s->n + 1) * 10 > s->cap * 8 && idset_grow(s) != SK_OK)
        return SK_ENOMEM;
    size_t mask = s->cap - 1;
    size_t i = mix_id(id) & mask;
    for (; s->slots[i]; i = (i + 1) & mask)
        if (s->slots[i] == id)
            return SK_OK;
    s->slots[i] = id;
    s->n++;
    *added = true;
    return SK_OK;
}
