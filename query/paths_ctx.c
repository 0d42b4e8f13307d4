/*
 * paths_ctx.c — the context every path search runs in: the forward and
 * mirrored walks built from the stage's clauses, the named entities that
 * are exempt from 'only' and the supernode cap, the filtered expansion of
 * one entity (with the restrictions of Yen's spur searches and the work
 * budget), how a found path goes into a graph result, and lists of paths.
 *
 * Invariant: every search expands entities only through sk_pctx_expand,
 * so all of them apply the same filters, count the same work and see the
 * same supernodes. An expansion read back from the memo (paths.h) is
 * counted as work like a new one, so budgets stop searches at the same
 * point whether or not the memo served them.
 */
#include "paths.h"

#include <stdlib.h>
#include <string.h>

/* ---- step buffers and path lists ---- */

void sk_psteps_free(sk_psteps *s)
{
    free(s->v);
    *s = (sk_psteps){0};
}

static int psteps_push(sk_psteps *s, const sk_pstep *p)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        sk_pstep *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return SK_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = *p;
    return SK_OK;
}

int sk_plist_add(sk_plist *l, const sk_id *nodes, const sk_id *links, size_t hops)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        size_t *at = realloc(l->at, cap * sizeof *at);
        if (!at)
            return SK_ENOMEM;
        l->at = at;
        uint32_t *h = realloc(l->hops, cap * sizeof *h);
        if (!h)
            return SK_ENOMEM;
        l->hops = h;
        l->cap = cap;
    }
    l->at[l->n] = l->links.n;
    l->hops[l->n] = (uint32_t)hops;
    for (size_t i = 0; i < hops; i++)
        if (sk_idvec_push(&l->links, links[i]))
            return SK_ENOMEM;
    for (size_t i = 0; i <= hops; i++)
        if (sk_idvec_push(&l->nodes, nodes[i]))
            return SK_ENOMEM;
    l->n++;
    return SK_OK;
}

void sk_plist_free(sk_plist *l)
{
    sk_idvec_free(&l->nodes);
    sk_idvec_free(&l->links);
    free(l->at);
    free(l->hops);
    *l = (sk_plist){0};
}

int sk_plist_cmp(const sk_plist *a, size_t i, const sk_plist *b, size_t j)
{
    if (a->hops[i] != b->hops[j])
        return a->hops[i] < b->hops[j] ? -1 : 1;
    const sk_id *x = sk_plist_links(a, i), *y = sk_plist_links(b, j);
    for (uint32_t k = 0; k < a->hops[i]; k++)
        if (x[k] != y[k])
            return x[k] < y[k] ? -1 : 1;
    return 0;
}

/* ---- context ---- */

/* The directions seen from the other end of each link. */
static unsigned mirror(unsigned dirmask)
{
    return (dirmask & SK_DIR_UNDIR) | ((dirmask & SK_DIR_OUT) ? SK_DIR_IN : 0) |
           ((dirmask & SK_DIR_IN) ? SK_DIR_OUT : 0);
}

int sk_pctx_init(sk_exec *x, const sk_ast_stage *st, sk_pctx *pc)
{
    *pc = (sk_pctx){.x = x, .st = st, .span = st->span};
    int rc = sk_walk_init(x, &st->cl, &pc->w[0]);
    if (rc)
        return rc;
    rc = sk_walk_init(x, &st->cl, &pc->w[1]);
    if (rc) {
        sk_walk_free(&pc->w[0]);
        return rc;
    }
    pc->have_walks = true;
    pc->w[0].cache_degrees = pc->w[1].cache_degrees = true;
    /* 'only' is applied in collect(), where the named entities can be let
     * through; the walks themselves admit every type. */
    pc->etypes = pc->w[0].etypes;
    pc->netypes = pc->w[0].netypes;
    pc->w[0].netypes = pc->w[1].netypes = 0;
    pc->w[1].dirmask = mirror(pc->w[0].dirmask);
    return SK_OK;
}

void sk_pctx_free(sk_pctx *pc)
{
    if (pc->have_walks) {
        sk_walk_free(&pc->w[0]);
        sk_walk_free(&pc->w[1]);
        pc->have_walks = false;
    }
    sk_idmap_free(&pc->exempt);
    sk_idmap_free(&pc->capped);
    sk_pbfs *b = &pc->bfs;
    sk_idmap_free(&b->dist[0]);
    sk_idmap_free(&b->dist[1]);
    sk_idmap_free(&b->pos);
    sk_idvec_free(&b->front[0]);
    sk_idvec_free(&b->front[1]);
    sk_idvec_free(&b->next);
    for (size_t i = 0; i <= SK_QUERY_MAX_HOPS; i++)
        sk_idvec_free(&b->level[i]);
    sk_psteps_free(&b->buf);
    sk_idmap_free(&pc->memo.at);
    sk_psteps_free(&pc->memo.pool);
    free(pc->memo.span);
    pc->memo = (sk_pmemo){0};
}

int sk_pctx_exempt(sk_pctx *pc, sk_id id)
{
    sk_exec *x = pc->x;
    if (sk_idmap_has(&pc->w[0].avoid, id))
        return sk_exec_fail(x, SK_EINVAL, pc->st->cl.span[SK_CL_AVOID],
                            "'avoid' names #%llu, one of the entities the statement is "
                            "about; it cannot also be avoided",
                            (unsigned long long)id);
    if (sk_idmap_put(&pc->exempt, id, 0) < 0)
        return sk_exec_fail(x, SK_ENOMEM, pc->span, "out of memory");
    return SK_OK;
}

bool sk_pctx_is_exempt(const sk_pctx *pc, sk_id id)
{
    return sk_idmap_has(&pc->exempt, id);
}

int sk_pctx_interior_ok(sk_pctx *pc, sk_id id, bool *ok)
{
    *ok = true;
    if (sk_pctx_is_exempt(pc, id))
        return SK_OK;
    if (sk_idmap_has(&pc->capped, id)) {
        *ok = false;
        return SK_OK;
    }
    if (!pc->w[0].supernode)
        return SK_OK;
    uint64_t deg;
    int rc = sk_walk_degree(pc->x, &pc->w[0], id, &deg);
    if (rc)
        return rc;
    *ok = deg <= pc->w[0].supernode;
    return SK_OK;
}

typedef struct collect_ctx {
    sk_pctx *pc;
    int side;
    sk_psteps *out;
} collect_ctx;

static bool type_allowed(const sk_pctx *pc, sk_sym t)
{
    for (size_t i = 0; i < pc->netypes; i++)
        if (pc->etypes[i] == t)
            return true;
    return false;
}

static int collect(void *ctx, const sk_step *s)
{
    collect_ctx *c = ctx;
    sk_pctx *pc = c->pc;
    sk_id from = s->from, nb = s->adj.nb;
    /* A path never returns to the entity it stands on. */
    if (nb == from)
        return SK_OK;
    if (pc->banned && sk_idmap_has(pc->banned, nb))
        return SK_OK;
    if (pc->ban_to && ((from == pc->ban_from && sk_idmap_has(pc->ban_to, nb)) ||
                       (nb == pc->ban_from && sk_idmap_has(pc->ban_to, from))))
        return SK_OK;
    if (pc->netypes && !sk_pctx_is_exempt(pc, nb)) {
        sk_sym t;
        int rc = sk_walk_type(pc->x, &pc->w[c->side], nb, &t);
        if (rc)
            return rc;
        if (!type_allowed(pc, t))
            return SK_OK;
    }
    sk_pstep p = {.nb = nb, .link = s->adj.link, .time = s->adj.time, .ltype = s->adj.ltype};
    if (psteps_push(c->out, &p))
        return sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    return SK_OK;
}

static int by_nb_link(const void *a, const void *b)
{
    const sk_pstep *p = a, *q = b;
    if (p->nb != q->nb)
        return p->nb < q->nb ? -1 : 1;
    return p->link < q->link ? -1 : p->link > q->link;
}

/* The memo's key of U walked on SIDE: the two walks give the same steps
 * when their directions are the same (every direction, the default). */
static uint64_t memo_key(const sk_pctx *pc, int side, sk_id u)
{
    bool same = pc->w[0].dirmask == pc->w[1].dirmask;
    return u * 2 + (same ? 0 : (uint64_t)side);
}

/* Copies the kept steps of U into OUT; false when there are none. */
static bool memo_get(sk_pctx *pc, int side, sk_id u, sk_psteps *out, int *rc)
{
    *rc = SK_OK;
    if (pc->banned || pc->ban_to || !pc->memo.nspan)
        return false;
    const uint64_t *i = sk_idmap_get(&pc->memo.at, memo_key(pc, side, u));
    if (!i)
        return false;
    const size_t *span = pc->memo.span[*i];
    for (size_t k = 0; k < span[1] && !*rc; k++)
        if (psteps_push(out, &pc->memo.pool.v[span[0] + k]))
            *rc = sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    return true;
}

/* Keeps the steps OUT of U while the memo is being filled and has room. */
static int memo_put(sk_pctx *pc, int side, sk_id u, const sk_psteps *out)
{
    sk_pmemo *m = &pc->memo;
    if (!m->fill || pc->banned || pc->ban_to || m->pool.n + out->n > SK_PATHS_MEMO_STEPS)
        return SK_OK;
    if (m->nspan == m->capspan) {
        size_t cap = m->capspan ? m->capspan * 2 : 64;
        size_t(*s)[2] = realloc(m->span, cap * sizeof *s);
        if (!s)
            return sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
        m->span = s;
        m->capspan = cap;
    }
    int put = sk_idmap_put(&m->at, memo_key(pc, side, u), m->nspan);
    if (put < 0)
        return sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    if (put == 0)
        return SK_OK;
    m->span[m->nspan][0] = m->pool.n;
    m->span[m->nspan][1] = out->n;
    m->nspan++;
    for (size_t k = 0; k < out->n; k++)
        if (psteps_push(&m->pool, &out->v[k]))
            return sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    return SK_OK;
}

int sk_pctx_expand(sk_pctx *pc, int side, sk_id u, bool sorted, sk_psteps *out)
{
    sk_exec *x = pc->x;
    out->n = 0;
    int rc = sk_exec_check(x, pc->span);
    if (rc)
        return rc;
    if (!memo_get(pc, side, u, out, &rc)) {
        sk_walk *w = &pc->w[side];
        uint64_t before = w->capped;
        collect_ctx c = {pc, side, out};
        rc = sk_walk_each(x, w, u, sk_pctx_is_exempt(pc, u), collect, &c);
        if (rc)
            return x->code ? x->code : rc;
        if (w->capped != before && sk_idmap_put(&pc->capped, u, 0) < 0)
            return sk_exec_fail(x, SK_ENOMEM, pc->span, "out of memory");
        rc = memo_put(pc, side, u, out);
    }
    if (rc)
        return rc;
    pc->steps += out->n + 1;
    if (pc->max_steps && pc->steps > pc->max_steps) {
        pc->exhausted = true;
        return SK_PSTOP;
    }
    if (sorted && out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, by_nb_link);
    return SK_OK;
}

int sk_pctx_emit(sk_pctx *pc, sk_gbuild *b, const sk_id *nodes, const sk_id *links,
                 size_t hops, bool parallel)
{
    int rc = sk_gb_path(b, links, nodes, hops);
    if (rc || !parallel)
        return rc;
    /* The other links of each hop: found by the same filters, outside any
     * work budget (the path is already found). */
    uint64_t budget = pc->max_steps;
    pc->max_steps = 0;
    sk_psteps buf = {0};
    for (size_t i = 0; !rc && i < hops; i++) {
        rc = sk_pctx_expand(pc, 0, nodes[i], false, &buf);
        for (size_t k = 0; !rc && k < buf.n; k++)
            if (buf.v[k].nb == nodes[i + 1] && buf.v[k].link != links[i])
                rc = sk_gb_adj(b, buf.v[k].link, nodes[i], nodes[i + 1]);
    }
    sk_psteps_free(&buf);
    pc->max_steps = budget;
    return rc;
}

void sk_pctx_report(sk_pctx *pc)
{
    sk_exec *x = pc->x;
    if (pc->capped.n)
        sk_exec_notice(x, "%zu entit%s with more than %llu links not expanded (supernode cap)",
                       pc->capped.n, pc->capped.n == 1 ? "y" : "ies",
                       (unsigned long long)pc->w[0].supernode);
    if (pc->exhausted)
        sk_exec_notice(x, "search stopped after examining %d links (limit steps); "
                          "there may be paths it did not reach",
                       SK_PATHS_MAX_STEPS);
}
