/*
 * walk.c — the filters every traversal applies while it walks, not after:
 * link types (via), entity types (only), entities to avoid, the time
 * window, and the where condition on links (gradings included), plus the
 * supernode cap.
 *
 * Each entity is expanded through one adjacency cursor that is re-seeked,
 * once per allowed link type (each is one contiguous range of the sorted
 * adjacency). Link records are read only when the where condition needs
 * them; type and time come from the adjacency record itself.
 *
 * The supernode test needs an entity's degree before it is expanded. A
 * walk over every link type and direction reads the whole adjacency of
 * the entity anyway, so it gathers the entries first and counts them
 * (stopping past the cap); other walks look the degree up. Path searches
 * expand the same entities repeatedly, so their walks cache degrees.
 */
#include "exec_int.h"

#include <stdlib.h>
#include <string.h>

int sk_walk_init(sk_exec *x, const sk_ast_clauses *cl, sk_walk *w)
{
    *w = (sk_walk){.dirmask = SK_DIR_ANY, .supernode = SK_QUERY_SUPERNODE};
    sk_idmap_init(&w->avoid);
    sk_idmap_init(&w->types);
    sk_idmap_init(&w->degrees);
    int rc = SK_OK;
    if (sk_ast_has(cl, SK_CL_VIA)) {
        w->ltypes = sk_arena_alloc(x->a, cl->via.n * sizeof *w->ltypes);
        if (!w->ltypes)
            return sk_exec_fail(x, SK_ENOMEM, cl->span[SK_CL_VIA], "out of memory");
        for (size_t i = 0; !rc && i < cl->via.n; i++)
            rc = sk_exec_ltype(x, &cl->via.v[i], &w->ltypes[w->nltypes++]);
        /* Sorted so the walk visits the adjacency ranges in order. */
        for (size_t i = 1; i < w->nltypes; i++)
            for (size_t j = i; j > 0 && w->ltypes[j - 1] > w->ltypes[j]; j--) {
                sk_sym t = w->ltypes[j];
                w->ltypes[j] = w->ltypes[j - 1];
                w->ltypes[j - 1] = t;
            }
    }
    if (!rc && sk_ast_has(cl, SK_CL_ONLY)) {
        w->etypes = sk_arena_alloc(x->a, cl->only.n * sizeof *w->etypes);
        if (!w->etypes)
            return sk_exec_fail(x, SK_ENOMEM, cl->span[SK_CL_ONLY], "out of memory");
        for (size_t i = 0; !rc && i < cl->only.n; i++)
            rc = sk_exec_etype(x, &cl->only.v[i], &w->etypes[w->netypes++]);
    }
    for (size_t i = 0; !rc && sk_ast_has(cl, SK_CL_AVOID) && i < cl->avoid.n; i++) {
        sk_idvec ids = {0};
        rc = sk_exec_refset(x, &cl->avoid.v[i], &ids);
        for (size_t k = 0; !rc && k < ids.n; k++)
            if (sk_idmap_put(&w->avoid, ids.v[k], 0) < 0)
                rc = sk_exec_fail(x, SK_ENOMEM, cl->avoid.v[i].span, "out of memory");
        sk_idvec_free(&ids);
    }
    if (!rc && sk_ast_has(cl, SK_CL_TIME)) {
        w->timed = true;
        w->from = cl->time.from;
        w->to = cl->time.to;
    }
    if (!rc && sk_ast_has(cl, SK_CL_WHERE)) {
        rc = sk_cond_compile(x, cl->where, SK_PRIMARY_LINK, &w->where);
        w->where_needs_link = sk_cond_needs_link(w->where);
    }
    if (!rc) {
        rc = sk_adj_open(x->t, 0, 0, SK_DIR_ANY, &w->cur);
        if (rc)
            rc = sk_exec_store_fail(x, rc, x->stmt->span);
    }
    if (rc)
        sk_walk_free(w);
    return rc;
}

void sk_walk_free(sk_walk *w)
{
    sk_adj_close(w->cur);
    w->cur = NULL;
    sk_idmap_free(&w->avoid);
    sk_idmap_free(&w->types);
    sk_idmap_free(&w->degrees);
    sk_arena_free(w->scratch);
    w->scratch = NULL;
    free(w->buf);
    w->buf = NULL;
    w->nbuf = w->capbuf = 0;
}

int sk_walk_type(sk_exec *x, sk_walk *w, sk_id id, sk_sym *out)
{
    uint64_t *v = sk_idmap_get(&w->types, id);
    if (v) {
        *out = (sk_sym)*v;
        return SK_OK;
    }
    int rc = sk_entity_type(x->t, id, out);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    if (sk_idmap_put(&w->types, id, *out) < 0)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    return SK_OK;
}

/* Whether the link of adjacency entry A passes the time and where tests. */
static int link_passes(sk_exec *x, sk_walk *w, sk_id from, const sk_adj *a, sk_arena *scratch,
                       bool *pass)
{
    *pass = true;
    if (w->timed && (a->time == SK_NO_TIME || a->time < w->from || a->time > w->to)) {
        *pass = false;
        return SK_OK;
    }
    if (!w->where)
        return SK_OK;
    sk_link l = {.id = a->link, .src = from, .dst = a->nb, .type = a->ltype,
                 .directed = a->dir != SK_DIR_UNDIR, .t_start = a->time, .t_end = a->time,
                 .weight = 1.0};
    if (w->where_needs_link) {
        sk_arena_reset(scratch);
        int rc = sk_link_get(x->t, a->link, scratch, &l);
        if (rc)
            return sk_exec_store_fail(x, rc, x->stmt->span);
    }
    sk_cond_env env = {.link = &l};
    *pass = sk_cond_eval(x, w->where, &env);
    return x->code;
}

static bool type_allowed(const sk_walk *w, sk_sym t)
{
    if (!w->netypes)
        return true;
    for (size_t i = 0; i < w->netypes; i++)
        if (w->etypes[i] == t)
            return true;
    return false;
}

/* Passes entry A of entity ID through the filters and on to FN; N counts
 * the entries seen, for the cancellation check. */
static int visit(sk_exec *x, sk_walk *w, sk_id id, const sk_adj *a, size_t *n, sk_step_fn fn,
                 void *ctx, sk_arena *scratch)
{
    int rc;
    if ((++*n & 4095) == 0 && (rc = sk_exec_check(x, x->stmt->span)) != SK_OK)
        return rc;
    if (w->avoid.n && sk_idmap_has(&w->avoid, a->nb))
        return SK_OK;
    /* Material above the user's clearance is not there for them: a walk
     * never passes through it. */
    if (x->clearance >= 0 && !sk_exec_visible_link(x, a->link))
        return SK_OK;
    bool pass;
    if ((rc = link_passes(x, w, id, a, scratch, &pass)) != SK_OK || !pass)
        return rc;
    if (w->netypes) {
        sk_sym t;
        if ((rc = sk_walk_type(x, w, a->nb, &t)) != SK_OK)
            return rc;
        if (!type_allowed(w, t))
            return SK_OK;
    }
    sk_step s = {.from = id, .adj = *a};
    return fn(ctx, &s);
}

/* Walks one adjacency range (one link type, or all when LTYPE is 0). */
static int walk_range(sk_exec *x, sk_walk *w, sk_id id, sk_sym ltype, sk_step_fn fn,
                      void *ctx, sk_arena *scratch)
{
    int rc = sk_adj_seek(w->cur, id, ltype, w->dirmask);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    sk_adj a;
    size_t n = 0;
    while ((rc = sk_adj_next(w->cur, &a)) == SK_OK)
        if ((rc = visit(x, w, id, &a, &n, fn, ctx, scratch)) != SK_OK)
            return rc;
    return rc == SK_DONE ? SK_OK : sk_exec_store_fail(x, rc, x->stmt->span);
}

static int cache_degree(sk_exec *x, sk_walk *w, sk_id id, uint64_t deg)
{
    if (w->cache_degrees && sk_idmap_set(&w->degrees, id, deg))
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    return SK_OK;
}

int sk_walk_degree(sk_exec *x, sk_walk *w, sk_id id, uint64_t *out)
{
    const uint64_t *v = sk_idmap_get(&w->degrees, id);
    if (v) {
        *out = *v;
        return SK_OK;
    }
    int rc = sk_adj_degree(x->t, id, out);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    return cache_degree(x, w, id, *out);
}

/* Walks every entry of ID when the walk follows every link type and
 * direction: the entries read are then the entity's degree, so they are
 * gathered first (at most the cap + 1 of them) and the supernode test
 * needs no lookup of its own. *CAPPED is set when ID is over the cap. */
static int walk_whole(sk_exec *x, sk_walk *w, sk_id id, sk_step_fn fn, void *ctx,
                      sk_arena *scratch, bool *capped)
{
    *capped = false;
    int rc = sk_adj_seek(w->cur, id, 0, SK_DIR_ANY);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    w->nbuf = 0;
    for (;;) {
        if (w->nbuf == w->capbuf) {
            size_t cap = w->capbuf ? w->capbuf * 2 : 256;
            sk_adj *b = realloc(w->buf, cap * sizeof *b);
            if (!b)
                return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
            w->buf = b;
            w->capbuf = cap;
        }
        rc = sk_adj_next(w->cur, &w->buf[w->nbuf]);
        if (rc == SK_DONE)
            break;
        if (rc)
            return sk_exec_store_fail(x, rc, x->stmt->span);
        if (++w->nbuf > w->supernode) {
            *capped = true;
            return cache_degree(x, w, id, w->supernode + 1);
        }
    }
    if ((rc = cache_degree(x, w, id, w->nbuf)) != SK_OK)
        return rc;
    size_t n = 0;
    for (size_t i = 0; !rc && i < w->nbuf; i++)
        rc = visit(x, w, id, &w->buf[i], &n, fn, ctx, scratch);
    return rc;
}

int sk_walk_each(sk_exec *x, sk_walk *w, sk_id id, bool force, sk_step_fn fn, void *ctx)
{
    bool whole = !force && w->supernode && w->nltypes == 0 && w->dirmask == SK_DIR_ANY;
    int rc = SK_OK;
    if (!force && w->supernode && !whole) {
        uint64_t deg;
        if ((rc = sk_walk_degree(x, w, id, &deg)) != SK_OK)
            return rc;
        if (deg > w->supernode) {
            w->capped++;
            return SK_OK;
        }
    }
    if (w->where_needs_link && !w->scratch && !(w->scratch = sk_arena_new()))
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    sk_arena *scratch = w->scratch;
    if (whole) {
        bool capped;
        rc = walk_whole(x, w, id, fn, ctx, scratch, &capped);
        w->capped += capped;
    } else if (w->nltypes == 0) {
        rc = walk_range(x, w, id, 0, fn, ctx, scratch);
    } else {
        for (size_t i = 0; !rc && i < w->nltypes; i++)
            rc = walk_range(x, w, id, w->ltypes[i], fn, ctx, scratch);
    }
    return rc == SK_DONE ? SK_OK : rc;
}
