/*
 * idmap.c — open-addressing hash maps from ids to 64-bit values, and
 * growable id arrays: the visited sets and index maps of every traversal.
 *
 * Linear probing on a power-of-two table kept at most half full; id 0 marks
 * an empty slot (ids are never 0). Hashing is a 64-bit mix (splitmix64's
 * finaliser) so that consecutive ids spread.
 */
#include "exec_int.h"

#include <stdlib.h>
#include <string.h>

static size_t slot(sk_id id, size_t cap)
{
    uint64_t z = id + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (size_t)(z ^ (z >> 31)) & (cap - 1);
}

void sk_idmap_init(sk_idmap *m) { *m = (sk_idmap){0}; }

void sk_idmap_free(sk_idmap *m)
{
    free(m->keys);
    free(m->vals);
    *m = (sk_idmap){0};
}

void sk_idmap_clear(sk_idmap *m)
{
    if (m->cap)
        memset(m->keys, 0, m->cap * sizeof *m->keys);
    m->n = 0;
}

static int grow(sk_idmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    sk_id *keys = calloc(cap, sizeof *keys);
    uint64_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return SK_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = slot(m->keys[i], cap);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return SK_OK;
}

/* Slot of ID: where it is, or the empty slot where it would go. */
static size_t find(const sk_idmap *m, sk_id id)
{
    size_t j = slot(id, m->cap);
    while (m->keys[j] && m->keys[j] != id)
        j = (j + 1) & (m->cap - 1);
    return j;
}

int sk_idmap_put(sk_idmap *m, sk_id id, uint64_t val)
{
    if ((m->n + 1) * 2 > m->cap && grow(m))
        return SK_ENOMEM;
    size_t j = find(m, id);
    if (m->keys[j])
        return 0;
    m->keys[j] = id;
    m->vals[j] = val;
    m->n++;
    return 1;
}

int sk_idmap_set(sk_idmap *m, sk_id id, uint64_t val)
{
    int rc = sk_idmap_put(m, id, val);
    if (rc < 0)
        return rc;
    if (rc == 0)
        m->vals[find(m, id)] = val;
    return SK_OK;
}

uint64_t *sk_idmap_get(const sk_idmap *m, sk_id id)
{
    if (!m->cap)
        return NULL;
    size_t j = find(m, id);
    return m->keys[j] ? &m->vals[j] : NULL;
}

bool sk_idmap_has(const sk_idmap *m, sk_id id) { return sk_idmap_get(m, id) != NULL; }

int sk_idvec_push(sk_idvec *v, sk_id id)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        sk_id *p = realloc(v->v, cap * sizeof *p);
        if (!p)
            return SK_ENOMEM;
        v->v = p;
        v->cap = cap;
    }
    v->v[v->n++] = id;
    return SK_OK;
}

void sk_idvec_free(sk_idvec *v)
{
    free(v->v);
    *v = (sk_idvec){0};
}
