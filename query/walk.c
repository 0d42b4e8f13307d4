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
 */
#include "exec_int.h"

#include <stdlib.h>
#include <string.h>

int sk_walk_init(sk_exec *x, const sk_ast_clauses *cl, sk_walk *w)
{
    *w = (sk_walk){.dirmask = SK_DIR_ANY, .supernode = SK_QUERY_SUPERNODE};
    sk_idmap_init(&w->avoid);
    sk_idmap_init(&w->types);
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

/* Walks one adjacency range (one link type, or all when LTYPE is 0). */
static int walk_range(sk_exec *x, sk_walk *w, sk_id id, sk_sym ltype, sk_step_fn fn,
                      void *ctx, sk_arena *scratch)
{
    int rc = sk_adj_seek(w->cur, id, ltype, w->dirmask);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    sk_step s = {.from = id};
    size_t n = 0;
    while ((rc = sk_adj_next(w->cur, &s.adj)) == SK_OK) {
        if ((++n & 4095) == 0 && (rc = sk_exec_check(x, x->stmt->span)) != SK_OK)
            return rc;
        if (sk_idmap_has(&w->avoid, s.adj.nb))
            continue;
        /* Material above the user's clearance is not there for them: a
         * walk never passes through it. */
        if (x->clearance >= 0 && !sk_exec_visible_link(x, s.adj.link))
            continue;
        bool pass;
        if ((rc = link_passes(x, w, id, &s.adj, scratch, &pass)) != SK_OK)
            return rc;
        if (!pass)
            continue;
        if (w->netypes) {
            sk_sym t;
            if ((rc = sk_walk_type(x, w, s.adj.nb, &t)) != SK_OK)
                return rc;
            if (!type_allowed(w, t))
                continue;
        }
        rc = fn(ctx, &s);
        if (rc)
            return rc;
    }
    return rc == SK_DONE ? SK_OK : sk_exec_store_fail(x, rc, x->stmt->span);
}

int sk_walk_each(sk_exec *x, sk_walk *w, sk_id id, bool force, sk_step_fn fn, void *ctx)
{
    if (!force && w->supernode) {
        uint64_t deg;
        if (sk_adj_degree(x->t, id, &deg) == SK_OK && deg > w->supernode) {
            w->capped++;
            return SK_OK;
        }
    }
    sk_arena *scratch = w->where_needs_link ? sk_arena_new() : NULL;
    if (w->where_needs_link && !scratch)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    int rc = SK_OK;
    if (w->nltypes == 0) {
        rc = walk_range(x, w, id, 0, fn, ctx, scratch);
    } else {
        for (size_t i = 0; !rc && i < w->nltypes; i++)
            rc = walk_range(x, w, id, w->ltypes[i], fn, ctx, scratch);
    }
    sk_arena_free(scratch);
    return rc == SK_DONE ? SK_OK : rc;
}
