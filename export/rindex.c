/*
 * rindex.c — id → position lookup over the nodes or links of a graph
 * result, so paths, links and folding can find an entity in O(log n).
 *
 * The index is a sorted copy of (id, position) pairs; the result itself is
 * never reordered. With duplicate ids (which a well-formed result does not
 * have) the first position wins.
 */
#include <stdlib.h>

#include "export_int.h"

static int ent_cmp(const void *a, const void *b)
{
    const struct sk_ridx_ent *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int ridx_build(sk_ridx *x, size_t n, const void *base, size_t stride)
{
    *x = (sk_ridx){0};
    if (n == 0)
        return SK_OK;
    x->ents = malloc(n * sizeof *x->ents);
    if (!x->ents)
        return SK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        /* Both node and link structs start with their sk_id. */
        const sk_id *id = (const sk_id *)((const char *)base + i * stride);
        x->ents[i].id = *id;
        x->ents[i].i = i;
    }
    x->n = n;
    qsort(x->ents, n, sizeof *x->ents, ent_cmp);
    return SK_OK;
}

int ridx_nodes(sk_ridx *x, const sk_graph *g)
{
    return ridx_build(x, g->nnodes, g->nodes, sizeof *g->nodes);
}

int ridx_links(sk_ridx *x, const sk_graph *g)
{
    return ridx_build(x, g->nlinks, g->links, sizeof *g->links);
}

size_t ridx_find(const sk_ridx *x, sk_id id)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->ents[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->n && x->ents[lo].id == id ? x->ents[lo].i : SIZE_MAX;
}

void ridx_free(sk_ridx *x)
{
    free(x->ents);
    *x = (sk_ridx){0};
}
