/*
 * stmt_path.c — the path statements: path, paths, shortest K paths,
 * connect and common. Each resolves the entities it names, runs one of
 * the searches of paths.h under the stage's filters, and builds its
 * result; what the searches could not do (no path within the bound, a
 * result cut at its limit, supernodes not crossed, the work budget spent)
 * goes into the notice, never silently.
 *
 *   path      one shortest path (graph); 'in time order' the earliest
 *             arriving time-respecting one, 'most reliable' the one whose
 *             links' reliabilities multiply highest
 *   paths     every simple path up to 'max' hops (default 4), shortest
 *             first, at most 'limit' (default 100)
 *   shortest  the K shortest simple paths (Yen)
 *   connect   the union of a shortest path between every pair
 *   common    a table of the entities within 'depth' hops (default 1) of
 *             every one named, with the hops to each
 *
 * Paths come in path order (hops, then representative link ids), so the
 * same query on the same case returns the same paths.
 */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t max_hops(const sk_ast_stage *st, uint32_t dflt)
{
    return sk_ast_has(&st->cl, SK_CL_MAX) ? st->cl.max_hops : dflt;
}

/* "#12 Jack Powell" (or "#12" when it has no label), for notices. */
static void describe(sk_exec *x, sk_id id, char *buf, size_t cap)
{
    sk_entity e;
    if (sk_entity_get(x->t, id, x->tmp, &e) == SK_OK && e.label_len)
        snprintf(buf, cap, "#%llu %.*s", (unsigned long long)id, (int)e.label_len, e.label);
    else
        snprintf(buf, cap, "#%llu", (unsigned long long)id);
}

/* Resolves the ends of a path statement and sets up its context. */
static int path_start(sk_exec *x, const sk_ast_stage *st, sk_pctx *pc, sk_id *a, sk_id *b)
{
    int rc = sk_exec_ref(x, &st->u.path.from, a);
    if (!rc)
        rc = sk_exec_ref(x, &st->u.path.to, b);
    if (!rc && *a == *b)
        rc = sk_exec_fail(x, SK_EINVAL, st->u.path.to.span,
                          "the path would start and end at the same entity (#%llu)",
                          (unsigned long long)*a);
    if (!rc)
        rc = sk_pctx_init(x, st, pc);
    if (!rc)
        rc = sk_pctx_exempt(pc, *a);
    if (!rc)
        rc = sk_pctx_exempt(pc, *b);
    return rc;
}

/* Resolves every reference of a list statement to distinct entities, in
 * the order written. */
static int entity_list(sk_exec *x, const sk_ast_refs *refs, sk_idvec *out)
{
    sk_idmap seen;
    sk_idmap_init(&seen);
    sk_idvec one = {0};
    int rc = SK_OK;
    for (size_t i = 0; !rc && i < refs->n; i++) {
        one.n = 0;
        rc = sk_exec_refset(x, &refs->v[i], &one);
        for (size_t k = 0; !rc && k < one.n; k++) {
            int put = sk_idmap_put(&seen, one.v[k], 0);
            if (put < 0 || (put == 1 && sk_idvec_push(out, one.v[k])))
                rc = SK_ENOMEM;
        }
    }
    sk_idvec_free(&one);
    sk_idmap_free(&seen);
    if (rc == SK_ENOMEM && !x->code)
        rc = sk_exec_fail(x, SK_ENOMEM, refs->v[0].span, "out of memory");
    return rc;
}

/* Finishes a graph stage: the builder's result, or the error. */
static int graph_done(int rc, sk_gbuild *gb, sk_result *out)
{
    if (rc || !gb) {
        sk_gb_free(gb);
        return rc;
    }
    return sk_gb_finish(gb, out);
}

/* ---- path ---- */

static int weakest_notice(sk_exec *x, const sk_pbest *o)
{
    sk_link l;
    int rc = sk_link_get(x->t, o->weakest, x->tmp, &l);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    sk_gradeinfo g;
    sk_exec_grade(x, l.asserts, l.nasserts, &g);
    sk_exec_notice(x, "weakest link: #%llu %s %s", (unsigned long long)l.id,
                   sk_exec_name(x, SK_DICT_LTYPE, l.type), g.code ? g.code : "ungraded");
    return SK_OK;
}

int sk_stage_path(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    const sk_ast_clauses *cl = &st->cl;
    bool timed = sk_ast_has(cl, SK_CL_TIME_ORDER), reliable = sk_ast_has(cl, SK_CL_RELIABLE);
    if (timed && reliable)
        return sk_exec_fail(x, SK_EINVAL, cl->span[SK_CL_RELIABLE],
                            "'most reliable' cannot be combined with 'in time order'; "
                            "ask for one, then filter with a time range");
    uint32_t hops = max_hops(st, SK_QUERY_MAX_HOPS);
    sk_pctx pc = {0};
    sk_id a, b;
    sk_idvec nodes = {0}, links = {0};
    sk_gbuild *gb = NULL;
    sk_pbest o = {.mode = timed ? SK_PBEST_TIME : SK_PBEST_RELIABLE, .maxhops = hops,
                  .max_gap = timed ? cl->max_gap : 0};
    int rc = path_start(x, st, &pc, &a, &b);
    if (!rc && (timed || reliable)) {
        sk_exec_plan(x, "path: %s search from #%llu to #%llu, at most %u hops",
                     timed ? "earliest-arrival time-ordered" : "most reliable (Dijkstra)",
                     (unsigned long long)a, (unsigned long long)b, hops);
        pc.max_steps = SK_PATHS_MAX_STEPS;
        rc = sk_pbest_find(&pc, a, b, &o, &nodes, &links);
    } else if (!rc) {
        sk_exec_plan(x, "path: bidirectional breadth-first search from #%llu to #%llu, "
                        "at most %u hops",
                     (unsigned long long)a, (unsigned long long)b, hops);
        rc = sk_pfind(&pc, a, b, hops, &nodes, &links);
    }
    bool found = rc == SK_OK;
    if (rc == SK_DONE || rc == SK_PSTOP)
        rc = SK_OK;
    if (!rc)
        rc = sk_gb_new(x, &gb);
    if (!rc && found)
        rc = sk_pctx_emit(&pc, gb, nodes.v, links.v, links.n, !timed && !reliable);
    if (!rc && found && reliable)
        rc = weakest_notice(x, &o);
    if (!rc && !found && !pc.exhausted)
        sk_exec_notice(x, "no path%s within %u hop%s", timed ? " in time order" : "", hops,
                       hops == 1 ? "" : "s");
    if (!rc)
        sk_pctx_report(&pc);
    sk_pctx_free(&pc);
    sk_idvec_free(&nodes);
    sk_idvec_free(&links);
    return graph_done(rc, gb, out);
}

/* ---- paths and shortest K paths ---- */

/* Adds every path of L to a new graph result. */
static int emit_all(sk_pctx *pc, const sk_plist *l, bool parallel, sk_gbuild **gb)
{
    int rc = sk_gb_new(pc->x, gb);
    for (size_t i = 0; !rc && i < l->n; i++)
        rc = sk_pctx_emit(pc, *gb, sk_plist_nodes(l, i), sk_plist_links(l, i), l->hops[i],
                          parallel);
    return rc;
}

int sk_stage_paths(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    const sk_ast_clauses *cl = &st->cl;
    bool timed = sk_ast_has(cl, SK_CL_TIME_ORDER), given = sk_ast_has(cl, SK_CL_LIMIT);
    size_t asked = given ? cl->limit : SK_PATHS_DEFAULT_LIMIT;
    sk_penum o = {.maxhops = max_hops(st, SK_PATHS_DEFAULT_MAX),
                  .limit = asked < SK_QUERY_MAX_PATHS ? asked : SK_QUERY_MAX_PATHS,
                  .time_order = timed, .max_gap = timed ? cl->max_gap : 0};
    sk_pctx pc = {0};
    sk_id a, b;
    sk_plist l = {0};
    sk_gbuild *gb = NULL;
    bool more = false;
    int rc = path_start(x, st, &pc, &a, &b);
    if (!rc) {
        sk_exec_plan(x, "paths: depth-first search of simple%s paths from #%llu to #%llu up "
                        "to %u hops, pruned by the distance to #%llu; first %zu",
                     timed ? " time-ordered" : "", (unsigned long long)a,
                     (unsigned long long)b, o.maxhops, (unsigned long long)b, o.limit);
        pc.max_steps = SK_PATHS_MAX_STEPS;
        rc = sk_penumerate(&pc, a, b, &o, &l, &more);
        if (rc == SK_PSTOP)
            rc = SK_OK;
    }
    if (!rc)
        rc = emit_all(&pc, &l, !timed, &gb);
    if (!rc && more) {
        if (asked > SK_QUERY_MAX_PATHS)
            sk_exec_notice(x, "cut at %d paths (limit paths)", SK_QUERY_MAX_PATHS);
        else if (given)
            sk_exec_notice(x, "cut at %zu paths (limit %zu)", o.limit, asked);
        else
            sk_exec_notice(x, "cut at %zu paths (the default limit; write 'limit N' for more)",
                           o.limit);
    }
    if (!rc && l.n == 0 && !pc.exhausted)
        sk_exec_notice(x, "no path%s within %u hop%s", timed ? " in time order" : "",
                       o.maxhops, o.maxhops == 1 ? "" : "s");
    if (!rc)
        sk_pctx_report(&pc);
    sk_pctx_free(&pc);
    sk_plist_free(&l);
    return graph_done(rc, gb, out);
}

int sk_stage_shortest(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    uint32_t k = st->u.path.k, hops = max_hops(st, SK_QUERY_MAX_HOPS);
    if (k > SK_QUERY_MAX_PATHS)
        return sk_exec_fail(x, SK_ELIMIT, st->span,
                            "too many paths: 'shortest K paths' finds at most %d",
                            SK_QUERY_MAX_PATHS);
    sk_pctx pc = {0};
    sk_id a, b;
    sk_plist l = {0};
    sk_gbuild *gb = NULL;
    int rc = path_start(x, st, &pc, &a, &b);
    if (!rc) {
        sk_exec_plan(x, "shortest %u paths: Yen's algorithm over bidirectional searches "
                        "from #%llu to #%llu, at most %u hops",
                     k, (unsigned long long)a, (unsigned long long)b, hops);
        pc.max_steps = SK_PATHS_MAX_STEPS;
        rc = sk_pyen(&pc, a, b, hops, k, &l);
        if (rc == SK_PSTOP)
            rc = SK_OK;
    }
    if (!rc)
        rc = emit_all(&pc, &l, true, &gb);
    if (!rc && l.n == 0 && !pc.exhausted)
        sk_exec_notice(x, "no path within %u hop%s", hops, hops == 1 ? "" : "s");
    else if (!rc && l.n < k && !pc.exhausted)
        sk_exec_notice(x, "only %zu path%s within %u hop%s", l.n, l.n == 1 ? "" : "s", hops,
                       hops == 1 ? "" : "s");
    if (!rc)
        sk_pctx_report(&pc);
    sk_pctx_free(&pc);
    sk_plist_free(&l);
    return graph_done(rc, gb, out);
}

/* ---- connect ---- */

/* Notes the pairs that could not be connected (the first few by name). */
static void unconnected_notice(sk_exec *x, const sk_idvec *pairs, uint32_t hops)
{
    enum { SHOWN = 4 };
    char list[400] = "";
    size_t npairs = pairs->n / 2;
    for (size_t i = 0; i < npairs && i < SHOWN; i++) {
        char p[96], q[96];
        describe(x, pairs->v[2 * i], p, sizeof p);
        describe(x, pairs->v[2 * i + 1], q, sizeof q);
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s and %s", i ? "; " : "", p, q);
    }
    if (npairs > SHOWN)
        sk_exec_notice(x, "not connected within %u hop%s: %s; and %zu more pairs", hops,
                       hops == 1 ? "" : "s", list, npairs - SHOWN);
    else
        sk_exec_notice(x, "not connected within %u hop%s: %s", hops, hops == 1 ? "" : "s",
                       list);
}

int sk_stage_connect(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    uint32_t hops = max_hops(st, SK_QUERY_MAX_HOPS);
    sk_idvec ids = {0}, nodes = {0}, links = {0}, apart = {0};
    sk_gbuild *gb = NULL;
    sk_pctx pc = {0};
    int rc = entity_list(x, &st->u.refs, &ids);
    if (!rc && ids.n < 2)
        rc = sk_exec_fail(x, SK_EINVAL, st->span,
                          "connect needs at least two entities; these references name %s",
                          ids.n ? "only one" : "none");
    if (!rc)
        rc = sk_pctx_init(x, st, &pc);
    for (size_t i = 0; !rc && i < ids.n; i++)
        rc = sk_pctx_exempt(&pc, ids.v[i]);
    if (!rc) {
        sk_exec_plan(x, "connect: bidirectional breadth-first search for each of %zu pairs, "
                        "at most %u hops",
                     ids.n * (ids.n - 1) / 2, hops);
        rc = sk_gb_new(x, &gb);
    }
    for (size_t i = 0; !rc && i < ids.n; i++)
        rc = sk_gb_node(gb, ids.v[i], NULL);
    for (size_t i = 0; !rc && i < ids.n; i++)
        for (size_t j = i + 1; !rc && j < ids.n; j++) {
            rc = sk_pfind(&pc, ids.v[i], ids.v[j], hops, &nodes, &links);
            if (rc == SK_OK)
                rc = sk_pctx_emit(&pc, gb, nodes.v, links.v, links.n, true);
            else if (rc == SK_DONE)
                rc = sk_idvec_push(&apart, ids.v[i]) || sk_idvec_push(&apart, ids.v[j])
                         ? sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory")
                         : SK_OK;
        }
    if (!rc && apart.n)
        unconnected_notice(x, &apart, hops);
    if (!rc)
        sk_pctx_report(&pc);
    sk_pctx_free(&pc);
    sk_idvec_free(&ids);
    sk_idvec_free(&nodes);
    sk_idvec_free(&links);
    sk_idvec_free(&apart);
    return graph_done(rc, gb, out);
}

/* ---- common ---- */

typedef struct crow {
    sk_id id;
    uint32_t sum;     /* hops to all the given entities together */
    size_t at;        /* its distances: dist[at * n .. at * n + n) */
} crow;

static int by_sum_id(const void *a, const void *b)
{
    const crow *p = a, *q = b;
    if (p->sum != q->sum)
        return p->sum < q->sum ? -1 : 1;
    return p->id < q->id ? -1 : p->id > q->id;
}

/* Column names: each given entity's label, or its id when it has none or
 * shares it with another. */
static int common_columns(sk_exec *x, const sk_idvec *ids, const char ***cols)
{
    const char **c = sk_arena_alloc(x->tmp, (ids->n + 4) * sizeof *c);
    if (!c)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    static const char *const fixed[4] = {"id", "type", "key", "label"};
    memcpy(c, fixed, sizeof fixed);
    for (size_t i = 0; i < ids->n; i++) {
        sk_entity e;
        int rc = sk_entity_get(x->t, ids->v[i], x->tmp, &e);
        if (rc)
            return sk_exec_store_fail(x, rc, x->stmt->span);
        c[4 + i] = e.label_len ? sk_arena_strndup(x->tmp, e.label, e.label_len) : "";
        if (!c[4 + i])
            return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    }
    for (size_t i = 0; i < ids->n; i++) {
        bool clash = !*c[4 + i];
        for (size_t j = 0; j < ids->n + 4 && !clash; j++)
            clash = j != 4 + i && !strcmp(c[j], c[4 + i]);
        if (clash) {
            char buf[200];
            snprintf(buf, sizeof buf, *c[4 + i] ? "%s (#%llu)" : "%s#%llu", c[4 + i],
                     (unsigned long long)ids->v[i]);
            if (!(c[4 + i] = sk_arena_strndup(x->tmp, buf, strlen(buf))))
                return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
        }
    }
    *cols = c;
    return SK_OK;
}

/* The entities within DEPTH hops of every one of IDS, other than those,
 * with their distances (*DIST, N per row), unordered. */
static int common_rows(sk_pctx *pc, const sk_idvec *ids, uint32_t depth, crow **rows,
                       size_t *nrows, uint8_t **dist)
{
    size_t n = ids->n;
    sk_idmap ball;
    sk_idmap_init(&ball);
    int rc = sk_pdist_to(pc, ids->v[0], depth, &ball);
    size_t cap = rc ? 0 : ball.n;
    crow *r = malloc((cap ? cap : 1) * sizeof *r);
    uint8_t *d = malloc((cap ? cap : 1) * n);
    size_t m = 0;
    if (!rc && (!r || !d))
        rc = sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    for (size_t s = 0; !rc && s < ball.cap; s++)
        if (ball.keys[s] && !sk_pctx_is_exempt(pc, ball.keys[s])) {
            r[m] = (crow){.id = ball.keys[s], .sum = (uint32_t)ball.vals[s], .at = m};
            d[m * n] = (uint8_t)ball.vals[s];
            m++;
        }
    for (size_t i = 1; !rc && i < n && m; i++) {
        rc = sk_pdist_to(pc, ids->v[i], depth, &ball);
        size_t kept = 0;
        for (size_t k = 0; !rc && k < m; k++) {
            const uint64_t *h = sk_idmap_get(&ball, r[k].id);
            if (!h)
                continue;
            /* rows only move down, so the distance rows can move with them */
            memmove(d + kept * n, d + r[k].at * n, i);
            d[kept * n + i] = (uint8_t)*h;
            r[kept] = (crow){.id = r[k].id, .sum = r[k].sum + (uint32_t)*h, .at = kept};
            kept++;
        }
        m = kept;
    }
    sk_idmap_free(&ball);
    if (rc) {
        free(r);
        free(d);
        return rc;
    }
    *rows = r;
    *nrows = m;
    *dist = d;
    return SK_OK;
}

/* Writes the first LIMIT rows (sorted) into TB. */
static int common_emit(sk_exec *x, sk_tbuild *tb, const crow *rows, size_t nrows,
                       const uint8_t *dist, size_t n, size_t limit)
{
    sk_arena *scratch = sk_arena_new();
    if (!scratch)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    int rc = SK_OK;
    for (size_t k = 0; !rc && k < nrows && k < limit; k++) {
        sk_entity e;
        sk_arena_reset(scratch);
        if ((rc = sk_entity_get(x->t, rows[k].id, scratch, &e)) != SK_OK) {
            rc = sk_exec_store_fail(x, rc, x->stmt->span);
            break;
        }
        if (!sk_tb_row(tb)) {
            rc = x->code; /* SK_OK when the row limit was reached (noted) */
            break;
        }
        rc = sk_tb_entity(tb, &e);
        for (size_t i = 0; !rc && i < n; i++)
            rc = sk_tb_set(tb, 4 + i,
                           (sk_value){.type = SK_V_INT, .u.i = dist[rows[k].at * n + i]});
    }
    sk_arena_free(scratch);
    if (!rc && nrows > limit)
        sk_exec_notice(x, "cut at %zu row%s (limit %zu)", limit, limit == 1 ? "" : "s", limit);
    return rc;
}

int sk_stage_common(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    const sk_ast_clauses *cl = &st->cl;
    uint32_t depth = sk_ast_has(cl, SK_CL_DEPTH) ? cl->depth : 1;
    size_t limit = sk_ast_has(cl, SK_CL_LIMIT) ? cl->limit : SK_QUERY_MAX_ROWS;
    sk_idvec ids = {0};
    sk_pctx pc = {0};
    crow *rows = NULL;
    uint8_t *dist = NULL;
    size_t nrows = 0;
    const char **cols = NULL;
    sk_tbuild *tb = NULL;
    int rc = entity_list(x, &st->u.refs, &ids);
    if (!rc && ids.n == 0)
        rc = sk_exec_fail(x, SK_ENOTFOUND, st->span,
                          "common needs at least one entity; these references name none");
    if (!rc)
        rc = sk_pctx_init(x, st, &pc);
    for (size_t i = 0; !rc && i < ids.n; i++)
        rc = sk_pctx_exempt(&pc, ids.v[i]);
    if (!rc) {
        sk_exec_plan(x, "common: breadth-first search to depth %u from each of %zu entities, "
                        "intersected",
                     depth, ids.n);
        rc = common_rows(&pc, &ids, depth, &rows, &nrows, &dist);
    }
    if (!rc)
        rc = common_columns(x, &ids, &cols);
    if (!rc)
        rc = sk_tb_new(x, cols, ids.n + 4, &tb);
    if (!rc) {
        qsort(rows, nrows, sizeof *rows, by_sum_id);
        rc = common_emit(x, tb, rows, nrows, dist, ids.n, limit);
    }
    if (!rc)
        sk_pctx_report(&pc);
    sk_pctx_free(&pc);
    sk_idvec_free(&ids);
    free(rows);
    free(dist);
    if (rc && tb) {
        /* The table builder has no free of its own: finishing releases it
         * (into the arena, which the failed statement discards). */
        sk_result dropped;
        sk_tb_finish(tb, &dropped);
    }
    return rc ? rc : sk_tb_finish(tb, out);
}
