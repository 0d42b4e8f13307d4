/*
 * bench_traverse.c — the traversal-level answers to the query benchmark's
 * questions: k-hop neighbourhood sizes and shortest-path lengths computed
 * straight on the store's adjacency cursor, with none of the query layer
 * (no parsing, planning, result building or name resolution).
 *
 * They show how much of a query's time is the traversal itself, and they
 * are an independent check of the query layer's answers. Visited sets are
 * arrays indexed by entity id with an epoch stamp, so starting a new search
 * costs nothing; the case's entity ids are dense (1..max_entity).
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

struct bench_trav {
    sk_txn *t;
    sk_adjcur *cur;          /* one cursor, re-seeked for every entity */
    sk_id max;               /* largest entity id the arrays hold */
    uint32_t epoch;          /* current search; stamps equal to it are set */
    uint32_t *seen[2];       /* per side: epoch stamp of each entity */
    uint16_t *dist[2];       /* per side: hops from that side's end */
    sk_id *front[2], *next;  /* frontiers (each holds at most max entities) */
};

int bench_trav_new(sk_txn *t, sk_id max_entity, bench_trav **out)
{
    bench_trav *b = calloc(1, sizeof *b);
    if (!b)
        return SK_ENOMEM;
    b->t = t;
    b->max = max_entity;
    size_t n = (size_t)max_entity + 1;
    for (int i = 0; i < 2; i++) {
        b->seen[i] = calloc(n, sizeof *b->seen[i]);
        b->dist[i] = malloc(n * sizeof *b->dist[i]);
        b->front[i] = malloc(n * sizeof *b->front[i]);
    }
    b->next = malloc(n * sizeof *b->next);
    int rc = SK_OK;
    for (int i = 0; i < 2; i++)
        if (!b->seen[i] || !b->dist[i] || !b->front[i])
            rc = SK_ENOMEM;
    if (!b->next)
        rc = SK_ENOMEM;
    if (!rc)
        rc = sk_adj_open(t, 1, 0, SK_DIR_ANY, &b->cur);
    if (rc) {
        bench_trav_free(b);
        return rc;
    }
    *out = b;
    return SK_OK;
}

void bench_trav_free(bench_trav *b)
{
    if (!b)
        return;
    sk_adj_close(b->cur);
    for (int i = 0; i < 2; i++) {
        free(b->seen[i]);
        free(b->dist[i]);
        free(b->front[i]);
    }
    free(b->next);
    free(b);
}

/* Marks ID seen on SIDE at distance D; false when it was already. */
static bool mark(bench_trav *b, int side, sk_id id, uint16_t d)
{
    if (id > b->max || b->seen[side][id] == b->epoch)
        return false;
    b->seen[side][id] = b->epoch;
    b->dist[side][id] = d;
    return true;
}

static void new_search(bench_trav *b)
{
    if (++b->epoch == 0) {  /* wrapped: clear the stamps once */
        for (int i = 0; i < 2; i++)
            memset(b->seen[i], 0, ((size_t)b->max + 1) * sizeof *b->seen[i]);
        b->epoch = 1;
    }
}

int bench_trav_khop(bench_trav *b, sk_id seed, int depth, sk_sym ltype, int64_t *count)
{
    new_search(b);
    /* Two of the owned arrays, swapped level by level. */
    sk_id *front = b->front[0], *next = b->next;
    size_t nf = 0, total = 0;
    if (mark(b, 0, seed, 0))
        front[nf++] = seed, total++;
    for (int d = 0; d < depth && nf; d++) {
        size_t nn = 0;
        for (size_t i = 0; i < nf; i++) {
            int rc = sk_adj_seek(b->cur, front[i], ltype, SK_DIR_ANY);
            sk_adj a;
            while (!rc && (rc = sk_adj_next(b->cur, &a)) == SK_OK)
                if (mark(b, 0, a.nb, (uint16_t)(d + 1)))
                    next[nn++] = a.nb;
            if (rc != SK_DONE)
                return rc;
        }
        sk_id *tmp = front;
        front = next;
        next = tmp;
        nf = nn;
        total += nn;
    }
    *count = (int64_t)total;
    return SK_OK;
}

/* Expands one level of SIDE's frontier; *MEET gets the shortest length
 * through an entity the other side has reached (INT64_MAX when none). */
static int expand(bench_trav *b, int side, size_t *nf, uint16_t d, sk_sym ltype, int64_t *meet)
{
    int other = !side;
    size_t nn = 0;
    *meet = INT64_MAX;
    for (size_t i = 0; i < *nf; i++) {
        int rc = sk_adj_seek(b->cur, b->front[side][i], ltype, SK_DIR_ANY);
        sk_adj a;
        while (!rc && (rc = sk_adj_next(b->cur, &a)) == SK_OK) {
            if (a.nb <= b->max && b->seen[other][a.nb] == b->epoch) {
                int64_t len = (int64_t)d + 1 + b->dist[other][a.nb];
                if (len < *meet)
                    *meet = len;
            }
            if (mark(b, side, a.nb, (uint16_t)(d + 1)))
                b->next[nn++] = a.nb;
        }
        if (rc != SK_DONE)
            return rc;
    }
    sk_id *tmp = b->front[side];
    b->front[side] = b->next;
    b->next = tmp;
    *nf = nn;
    return SK_OK;
}

int bench_trav_path(bench_trav *b, sk_id from, sk_id to, int maxhops, sk_sym ltype,
                    int64_t *hops)
{
    *hops = -1;
    if (from == to) {
        *hops = 0;
        return SK_OK;
    }
    new_search(b);
    size_t nf[2] = {0, 0};
    uint16_t depth[2] = {0, 0};
    if (mark(b, 0, from, 0))
        b->front[0][nf[0]++] = from;
    if (mark(b, 1, to, 0))
        b->front[1][nf[1]++] = to;
    /* Level by level, always the smaller frontier: the first level that
     * reaches the other side gives the shortest length (the minimum over
     * the meeting entities of that level). */
    while (nf[0] && nf[1] && depth[0] + depth[1] < maxhops) {
        int side = nf[0] <= nf[1] ? 0 : 1;
        int64_t meet;
        int rc = expand(b, side, &nf[side], depth[side], ltype, &meet);
        if (rc)
            return rc;
        depth[side]++;
        if (meet != INT64_MAX) {
            *hops = meet <= maxhops ? meet : -1;
            return SK_OK;
        }
    }
    return SK_OK;
}
