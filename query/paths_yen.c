/*
 * paths_yen.c — the K shortest simple paths between two entities (Yen's
 * algorithm, with Lawler's saving), on hop count with ties in path order.
 *
 * Yen's algorithm keeps the paths found (A) and a heap of candidates (B).
 * The next path is the best candidate; from it, for each spur entity i
 * from where it left its parent (Lawler: earlier spurs were tried from the
 * parent already), the root is its first i hops, the entities of the root
 * before i are banned, and so is every hop out of the spur entity that a
 * path of A with the same root takes; the best remaining path from the
 * spur entity, appended to the root, is a new candidate. The spur search
 * is sk_pfind, which returns the lexicographically first shortest path,
 * so candidates compete on (hops, link ids) and the output is exactly the
 * first K simple paths in path order — the first K of 'paths' with the
 * same bound.
 *
 * Lookups that would be quadratic in K use hashes of entity sequences:
 * one table finds the paths of A that share a root, another keeps a
 * candidate from being found twice.
 */
#include "paths.h"

#include <stdlib.h>
#include <string.h>

/* Hash of an entity sequence; never 0 (the id maps' empty mark). */
static sk_id seq_hash(const sk_id *v, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= v[i];
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    return h ? h : 1;
}

/* Chained hash table from a sequence hash to entries (a path index). */
typedef struct chain {
    sk_idmap head;     /* hash → first entry + 1 */
    size_t *path, *next;
    size_t n, cap;
} chain;

static int chain_add(chain *c, sk_id h, size_t path)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        size_t *p = realloc(c->path, cap * sizeof *p);
        if (!p)
            return SK_ENOMEM;
        c->path = p;
        size_t *q = realloc(c->next, cap * sizeof *q);
        if (!q)
            return SK_ENOMEM;
        c->next = q;
        c->cap = cap;
    }
    uint64_t *hd = sk_idmap_get(&c->head, h);
    c->path[c->n] = path;
    c->next[c->n] = hd ? (size_t)*hd : 0;
    if (sk_idmap_set(&c->head, h, c->n + 1))
        return SK_ENOMEM;
    c->n++;
    return SK_OK;
}

/* First entry + 1 for hash H, 0 when none; follow with c->next[e - 1]. */
static size_t chain_first(const chain *c, sk_id h)
{
    const uint64_t *hd = sk_idmap_get(&c->head, h);
    return hd ? (size_t)*hd : 0;
}

static void chain_free(chain *c)
{
    sk_idmap_free(&c->head);
    free(c->path);
    free(c->next);
}

typedef struct yen {
    sk_pctx *pc;
    sk_plist *a;          /* paths found, in order (the output) */
    sk_plist b;           /* every candidate ever made */
    uint32_t *dev;        /* candidate → index of its spur entity */
    size_t devcap;
    size_t *heap, nheap, cap;   /* candidates not yet taken, best first */
    chain roots;          /* hash of the first i+1 entities of a path of A */
    chain seen;           /* hash of a candidate's entities */
    sk_idmap banned, ban_to;
    sk_idvec sn, sl;      /* a spur path */
    sk_idvec cn, cl;      /* a candidate being assembled */
} yen;

static bool less(const yen *y, size_t i, size_t j)
{
    return sk_plist_cmp(&y->b, y->heap[i], &y->b, y->heap[j]) < 0;
}

static void heap_swap(yen *y, size_t i, size_t j)
{
    size_t t = y->heap[i];
    y->heap[i] = y->heap[j];
    y->heap[j] = t;
}

static int heap_push(yen *y, size_t cand)
{
    if (y->nheap == y->cap) {
        size_t cap = y->cap ? y->cap * 2 : 64;
        size_t *h = realloc(y->heap, cap * sizeof *h);
        if (!h)
            return SK_ENOMEM;
        y->heap = h;
        y->cap = cap;
    }
    size_t i = y->nheap++;
    y->heap[i] = cand;
    while (i && less(y, i, (i - 1) / 2)) {
        heap_swap(y, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
    return SK_OK;
}

static size_t heap_pop(yen *y)
{
    size_t top = y->heap[0];
    y->heap[0] = y->heap[--y->nheap];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < y->nheap && less(y, l, m))
            m = l;
        if (r < y->nheap && less(y, r, m))
            m = r;
        if (m == i)
            break;
        heap_swap(y, i, m);
        i = m;
    }
    return top;
}

/* Adds the path in y->cn/y->cl as a candidate deviating at DEV, unless it
 * was a candidate before. */
static int candidate(yen *y, uint32_t dev)
{
    size_t hops = y->cl.n;
    sk_id h = seq_hash(y->cn.v, hops + 1);
    for (size_t e = chain_first(&y->seen, h); e; e = y->seen.next[e - 1]) {
        size_t c = y->seen.path[e - 1];
        if (y->b.hops[c] == hops &&
            !memcmp(sk_plist_nodes(&y->b, c), y->cn.v, (hops + 1) * sizeof(sk_id)))
            return SK_OK;
    }
    size_t c = y->b.n;
    if (c == y->devcap) {
        size_t cap = y->devcap ? y->devcap * 2 : 64;
        uint32_t *d = realloc(y->dev, cap * sizeof *d);
        if (!d)
            return SK_ENOMEM;
        y->dev = d;
        y->devcap = cap;
    }
    y->dev[c] = dev;
    if (sk_plist_add(&y->b, y->cn.v, y->cl.v, hops) || chain_add(&y->seen, h, c) ||
        heap_push(y, c))
        return SK_ENOMEM;
    return SK_OK;
}

/* Bans, for the root of path P of A up to entity I, the next entity of
 * every path of A with that root. */
static int ban_hops(yen *y, size_t p, uint32_t i)
{
    const sk_id *root = sk_plist_nodes(y->a, p);
    sk_idmap_clear(&y->ban_to);
    sk_id h = seq_hash(root, i + 1);
    for (size_t e = chain_first(&y->roots, h); e; e = y->roots.next[e - 1]) {
        size_t q = y->roots.path[e - 1];
        const sk_id *qn = sk_plist_nodes(y->a, q);
        if (y->a->hops[q] > i && !memcmp(qn, root, (i + 1) * sizeof(sk_id)) &&
            sk_idmap_put(&y->ban_to, qn[i + 1], 0) < 0)
            return SK_ENOMEM;
    }
    return SK_OK;
}

/* Makes the candidates that deviate from path P of A at or after DEV. */
static int spurs(yen *y, size_t p, uint32_t dev, uint32_t maxhops)
{
    sk_pctx *pc = y->pc;
    uint32_t hops = y->a->hops[p];
    sk_idmap_clear(&y->banned);
    int rc = SK_OK;
    for (uint32_t i = 0; !rc && i < hops; i++) {
        const sk_id *pn = sk_plist_nodes(y->a, p), *pl = sk_plist_links(y->a, p);
        if (i < dev) {
            if (sk_idmap_put(&y->banned, pn[i], 0) < 0)
                rc = SK_ENOMEM;
            continue;
        }
        if ((rc = ban_hops(y, p, i)) != SK_OK)
            break;
        pc->banned = &y->banned;
        pc->ban_from = pn[i];
        pc->ban_to = &y->ban_to;
        rc = sk_pfind(pc, pn[i], pn[hops], maxhops - i, &y->sn, &y->sl);
        pc->banned = pc->ban_to = NULL;
        pc->ban_from = 0;
        if (rc == SK_OK) {
            y->cn.n = y->cl.n = 0;
            for (uint32_t k = 0; !rc && k < i; k++)
                rc = sk_idvec_push(&y->cn, pn[k]) || sk_idvec_push(&y->cl, pl[k]) ? SK_ENOMEM
                                                                                   : SK_OK;
            for (size_t k = 0; !rc && k < y->sn.n; k++)
                rc = sk_idvec_push(&y->cn, y->sn.v[k]) ? SK_ENOMEM : SK_OK;
            for (size_t k = 0; !rc && k < y->sl.n; k++)
                rc = sk_idvec_push(&y->cl, y->sl.v[k]) ? SK_ENOMEM : SK_OK;
            if (!rc)
                rc = candidate(y, i);
        } else if (rc == SK_DONE) {
            rc = SK_OK;
        }
        if (!rc && sk_idmap_put(&y->banned, pn[i], 0) < 0)
            rc = SK_ENOMEM;
    }
    return rc;
}

/* Moves candidate C to the end of A and indexes its roots. */
static int accept(yen *y, size_t c)
{
    size_t p = y->a->n;
    uint32_t hops = y->b.hops[c];
    if (sk_plist_add(y->a, sk_plist_nodes(&y->b, c), sk_plist_links(&y->b, c), hops))
        return SK_ENOMEM;
    const sk_id *n = sk_plist_nodes(y->a, p);
    for (uint32_t i = 0; i < hops; i++)
        if (chain_add(&y->roots, seq_hash(n, i + 1), p))
            return SK_ENOMEM;
    return SK_OK;
}

int sk_pyen(sk_pctx *pc, sk_id s, sk_id t, uint32_t maxhops, size_t k, sk_plist *out)
{
    yen *y = calloc(1, sizeof *y);
    if (!y)
        return sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    y->pc = pc;
    y->a = out;
    int rc = sk_pfind(pc, s, t, maxhops, &y->cn, &y->cl);
    if (rc == SK_OK)
        rc = candidate(y, 0);
    while (rc == SK_OK && out->n < k && y->nheap) {
        size_t c = heap_pop(y);
        uint32_t dev = y->dev[c];
        rc = accept(y, c);
        if (!rc && out->n < k)
            rc = spurs(y, out->n - 1, dev, maxhops);
    }
    if (rc == SK_ENOMEM && !pc->x->code)
        rc = sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    if (rc == SK_DONE)
        rc = SK_OK;
    sk_plist_free(&y->b);
    free(y->dev);
    free(y->heap);
    chain_free(&y->roots);
    chain_free(&y->seen);
    sk_idmap_free(&y->banned);
    sk_idmap_free(&y->ban_to);
    sk_idvec_free(&y->sn);
    sk_idvec_free(&y->sl);
    sk_idvec_free(&y->cn);
    sk_idvec_free(&y->cl);
    free(y);
    return rc;
}
