/*
 * stmt_rank.c — the network-analysis stages: rank MEASURE, communities and
 * components, on the piped graph or, as the first stage, on the whole case.
 *
 * The measures themselves are igraph's, through analysis.h; this file only
 * decides which network is measured and how the answer is shown.
 *
 * Which network. A piped graph is measured as it is: every node is a
 * vertex, and its links pass through 'via' (link types) and the TIME
 * clause. The whole case is streamed from the adjacency index, one cursor
 * re-seeked per entity, each link taken once (from the OUT or UNDIRECTED
 * record of one end, so no link record is read unless a weight is wanted).
 * Without via or TIME every entity is a vertex (isolated ones included);
 * with them only the entities that have a qualifying link are, so a
 * 'via knows' network is the knows network and not a million singletons.
 *
 * Directions: indegree, outdegree and pagerank follow link directions (an
 * undirected link counts both ways); every other measure, communities and
 * components ignore them. Weights: 'weighted' uses link weights, summed
 * over parallel links (volume); 'weighted by grade' uses the reliability of
 * each link's best grading, the best of parallel links counting (evidence).
 *
 * What comes out (docs/query-analysis.md). A stage that ends its statement
 * returns a TABLE: id, type, key, label and the measure (rank: highest
 * first, 'top N' rows, 'of TYPE' keeps that type only) or the community /
 * component and its size. When the input is a graph and another stage
 * follows ('… | rank betweenness | export svg "x.svg"'), the stage passes
 * that graph on instead, with the score or community set on every node, so
 * the chart can size or colour by it; 'top' and 'of' then only matter to a
 * table and are ignored.
 */
#include "analysis.h"
#include "exec_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Building the network --------------------------------------------- */

static int cancel_hook(void *ctx)
{
    const sk_exec *x = ctx;
    return x->opts && x->opts->cancel && *x->opts->cancel;
}

/* The measure of ST (rank) as analysis.h numbers it. */
static sk_analysis_measure measure_of(sk_measure m)
{
    const char *name = sk_measure_name(m);
    sk_analysis_measure am = SK_ANALYSIS_DEGREE;
    sk_analysis_measure_parse(name, strlen(name), &am);
    return am;
}

static bool follows_direction(sk_analysis_measure m)
{
    return m == SK_ANALYSIS_INDEGREE || m == SK_ANALYSIS_OUTDEGREE || m == SK_ANALYSIS_PAGERANK;
}

static int analysis_fail(sk_exec *x, const sk_ast_stage *st, sk_analysis_graph *g, int rc)
{
    if (rc == SK_ECANCELLED)
        return sk_exec_fail(x, rc, st->span, "cancelled");
    const char *m = g ? sk_analysis_errmsg(g) : "";
    return sk_exec_fail(x, rc, st->span, "%s", m && *m ? m : sk_strerror(rc));
}

/* What the walk over the whole case needs while it adds links. */
typedef struct case_ctx {
    sk_exec *x;
    const sk_ast_stage *st;
    sk_analysis_graph *g;
    sk_weight weight;
    sk_arena *scratch;  /* link records read for their weight */
} case_ctx;

/* Strength of the link of step S, as the weighting asks. */
static int link_strength(case_ctx *c, const sk_step *s, double *out)
{
    *out = 1.0;
    if (c->weight == SK_WEIGHT_NONE)
        return SK_OK;
    sk_link l;
    sk_arena_reset(c->scratch);
    int rc = sk_link_get(c->x->t, s->adj.link, c->scratch, &l);
    if (rc)
        return sk_exec_store_fail(c->x, rc, c->x->stmt->span);
    if (c->weight == SK_WEIGHT_LINK) {
        *out = l.weight;
    } else {
        sk_gradeinfo gi;
        sk_exec_grade(c->x, l.asserts, l.nasserts, &gi);
        *out = gi.reliability;
    }
    return SK_OK;
}

static int case_step(void *ctx, const sk_step *s)
{
    case_ctx *c = ctx;
    /* Each link once: the walk follows OUT and UNDIRECTED records only, and
     * an undirected link is taken from the end with the smaller id. */
    if (s->adj.dir == SK_DIR_UNDIR && s->adj.nb < s->from)
        return SK_OK;
    sk_analysis_edge e = {.src = s->from, .dst = s->adj.nb, .weight = 1.0,
                          .directed = s->adj.dir == SK_DIR_OUT};
    int rc = link_strength(c, s, &e.weight);
    if (rc)
        return rc;
    rc = sk_analysis_add_edge(c->g, &e);
    return rc ? analysis_fail(c->x, c->st, c->g, rc) : SK_OK;
}

/* Streams the whole case into G through the adjacency index. */
static int add_case(sk_exec *x, const sk_ast_stage *st, sk_analysis_graph *g)
{
    sk_walk w;
    int rc = sk_walk_init(x, &st->cl, &w);
    if (rc)
        return rc;
    w.dirmask = SK_DIR_OUT | SK_DIR_UNDIR;
    bool every = !w.nltypes && !w.timed;
    case_ctx c = {x, st, g, st->cl.weight, NULL};
    sk_idcur *ents = NULL;
    if (c.weight != SK_WEIGHT_NONE && !(c.scratch = sk_arena_new()))
        rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    if (!rc && (rc = sk_scan_type(x->t, 0, &ents)) != SK_OK)
        rc = sk_exec_store_fail(x, rc, st->span);
    uint64_t n = 0;
    while (!rc) {
        sk_id id;
        int more = sk_idcur_next(ents, &id);
        if (more == SK_DONE)
            break;
        if (more != SK_OK) {
            rc = sk_exec_store_fail(x, more, st->span);
            break;
        }
        if ((++n & 1023) == 0 && (rc = sk_exec_check(x, st->span)) != SK_OK)
            break;
        if (every && (rc = sk_analysis_add_vertex(g, id)) != SK_OK) {
            rc = analysis_fail(x, st, g, rc);
            break;
        }
        /* Forced: a supernode is part of the network being measured. */
        rc = sk_walk_each(x, &w, id, true, case_step, &c);
    }
    sk_idcur_close(ents);
    sk_arena_free(c.scratch);
    sk_walk_free(&w);
    sk_exec_plan(x, "%s: the whole case, streamed from the adjacency index%s",
                 sk_stage_name(st->kind), every ? "" : " (links that pass via/time)");
    return rc;
}

/* Canonical names of the link types of 'via' (to compare with sk_rlink.type). */
static int via_names(sk_exec *x, const sk_ast_clauses *cl, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!sk_ast_has(cl, SK_CL_VIA))
        return SK_OK;
    const char **v = sk_arena_alloc(x->tmp, cl->via.n * sizeof *v);
    if (!v)
        return sk_exec_fail(x, SK_ENOMEM, cl->span[SK_CL_VIA], "out of memory");
    for (size_t i = 0; i < cl->via.n; i++) {
        sk_sym sym;
        int rc = sk_exec_ltype(x, &cl->via.v[i], &sym);
        if (rc)
            return rc;
        v[i] = sk_exec_name(x, SK_DICT_LTYPE, sym);
    }
    *out = v;
    *n = cl->via.n;
    return SK_OK;
}

static bool link_admitted(const sk_rlink *l, const char **via, size_t nvia,
                          const sk_ast_clauses *cl)
{
    if (sk_ast_has(cl, SK_CL_TIME) &&
        (l->t_start == SK_NO_TIME || l->t_start < cl->time.from || l->t_start > cl->time.to))
        return false;
    if (!nvia)
        return true;
    for (size_t i = 0; i < nvia; i++)
        if (!strcmp(via[i], l->type))
            return true;
    return false;
}

/* Adds the piped graph RG to G: every node, and the links that pass via
 * and TIME with the strength the weighting asks for. */
static int add_piped(sk_exec *x, const sk_ast_stage *st, const sk_graph *rg,
                     sk_analysis_graph *g)
{
    const char **via;
    size_t nvia;
    int rc = via_names(x, &st->cl, &via, &nvia);
    for (size_t i = 0; !rc && i < rg->nnodes; i++)
        if ((rc = sk_analysis_add_vertex(g, rg->nodes[i].id)) != SK_OK)
            return analysis_fail(x, st, g, rc);
    for (size_t i = 0; !rc && i < rg->nlinks; i++) {
        const sk_rlink *l = &rg->links[i];
        if (!link_admitted(l, via, nvia, &st->cl))
            continue;
        sk_analysis_edge e = {.src = l->src, .dst = l->dst, .directed = l->directed,
                              .weight = st->cl.weight == SK_WEIGHT_LINK    ? l->weight
                                        : st->cl.weight == SK_WEIGHT_GRADE ? l->reliability
                                                                           : 1.0};
        if ((rc = sk_analysis_add_edge(g, &e)) != SK_OK)
            return analysis_fail(x, st, g, rc);
    }
    if (!rc)
        sk_exec_plan(x, "%s: the piped graph (%zu entities, %zu links)", sk_stage_name(st->kind),
                     rg->nnodes, rg->nlinks);
    return rc;
}

/* Builds and finishes the network of stage ST (IN's graph or the case). */
static int network(sk_exec *x, const sk_ast_stage *st, const sk_result *in, bool directed,
                   sk_analysis_graph **out)
{
    *out = NULL;
    if (in && in->kind != SK_RESULT_GRAPH)
        return sk_exec_fail(x, SK_EINVAL, st->span,
                            "'%s' measures a network: pipe a graph into it (network, path, "
                            "connect, match … return graph) or start the statement with it",
                            sk_stage_name(st->kind));
    sk_analysis_opts o;
    sk_analysis_opts_init(&o);
    o.directed = directed;
    o.weight = st->cl.weight == SK_WEIGHT_LINK    ? SK_ANALYSIS_LINK_WEIGHT
               : st->cl.weight == SK_WEIGHT_GRADE ? SK_ANALYSIS_RELIABILITY
                                                  : SK_ANALYSIS_UNWEIGHTED;
    o.combine = st->cl.weight == SK_WEIGHT_GRADE ? SK_ANALYSIS_MAX : SK_ANALYSIS_SUM;
    o.cancel = cancel_hook;
    o.cancel_ctx = x;
    sk_analysis_graph *g;
    int rc = sk_analysis_new(&o, &g);
    if (rc)
        return analysis_fail(x, st, NULL, rc);
    rc = in ? add_piped(x, st, &in->graph, g) : add_case(x, st, g);
    if (!rc && (rc = sk_analysis_finish(g)) != SK_OK)
        rc = analysis_fail(x, st, g, rc);
    if (rc) {
        sk_analysis_free(g);
        return rc;
    }
    sk_analysis_stats s;
    sk_analysis_stats_get(g, &s);
    sk_exec_plan(x, "%s: %zu vertices, %zu edges%s%s", sk_stage_name(st->kind), s.vertices,
                 s.edges, directed ? " (directed)" : "",
                 st->cl.weight == SK_WEIGHT_GRADE  ? ", weighted by grade"
                 : st->cl.weight == SK_WEIGHT_LINK ? ", weighted" : "");
    *out = g;
    return SK_OK;
}

/* ---- Results --------------------------------------------------------- */

/* Whether the stage passes a graph on instead of returning its table. */
static bool passes_graph(const sk_exec *x, const sk_ast_stage *st, const sk_result *in)
{
    if (!in || in->kind != SK_RESULT_GRAPH)
        return false;
    size_t i = (size_t)(st - x->stmt->stages);
    return i + 1 < x->stmt->nstages;
}

/* OUT becomes a copy of IN's graph whose nodes may be written. */
static int copy_graph(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    *out = *in;
    out->notice = NULL;
    out->query = NULL;
    sk_rnode *nodes = NULL;
    if (in->graph.nnodes) {
        nodes = sk_arena_alloc(x->a, in->graph.nnodes * sizeof *nodes);
        if (!nodes)
            return sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
        memcpy(nodes, in->graph.nodes, in->graph.nnodes * sizeof *nodes);
    }
    out->graph.nodes = nodes;
    return SK_OK;
}

/* Ends table builder B: into OUT when RC is SK_OK, else thrown away (a
 * builder has no free function of its own) and RC returned. */
static int tb_end(sk_tbuild *b, int rc, sk_result *out)
{
    if (!b)
        return rc;
    if (!rc)
        return sk_tb_finish(b, out);
    sk_result junk;
    sk_tb_finish(b, &junk);
    return rc;
}

/* Index of each node of a piped graph by id (for rows and 'of'). */
static int index_nodes(sk_exec *x, const sk_ast_stage *st, const sk_graph *rg, sk_idmap *m)
{
    sk_idmap_init(m);
    for (size_t i = 0; i < rg->nnodes; i++)
        if (sk_idmap_set(m, rg->nodes[i].id, i) != SK_OK) {
            sk_idmap_free(m);
            return sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
        }
    return SK_OK;
}

/* Fills the entity columns of the last row: from the piped node when there
 * is one, else from the store. */
static int entity_cells(sk_exec *x, sk_tbuild *b, const sk_graph *rg, const sk_idmap *idx,
                        sk_id id)
{
    if (rg) {
        const uint64_t *i = sk_idmap_get(idx, id);
        if (!i)
            return sk_tb_set(b, 0, (sk_value){.type = SK_V_ID, .u.i = (int64_t)id});
        const sk_rnode *n = &rg->nodes[*i];
        int rc = sk_tb_set(b, 0, (sk_value){.type = SK_V_ID, .u.i = (int64_t)id});
        if (!rc)
            rc = sk_tb_set(b, 1, sk_exec_str(x, n->type, strlen(n->type)));
        if (!rc)
            rc = sk_tb_set(b, 2, sk_exec_str(x, n->key ? n->key : "", n->key ? strlen(n->key) : 0));
        if (!rc)
            rc = sk_tb_set(b, 3, sk_exec_str(x, n->label, strlen(n->label)));
        return rc;
    }
    sk_entity e;
    int rc = sk_entity_get(x->t, id, x->tmp, &e);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    return sk_tb_entity(b, &e);
}

/* ---- rank --------------------------------------------------------------- */

typedef struct keep_ctx {
    sk_exec *x;
    sk_sym type;            /* of TYPE: wanted type (store) */
    const char *type_name;  /* its name (piped graph) */
    const sk_graph *rg;
    const sk_idmap *idx;
} keep_ctx;

static int keep_of_type(void *ctx, sk_id id)
{
    keep_ctx *k = ctx;
    if (k->rg) {
        const uint64_t *i = sk_idmap_get(k->idx, id);
        return i && !strcmp(k->rg->nodes[*i].type, k->type_name);
    }
    sk_sym t;
    int rc = sk_entity_type(k->x->t, id, &t);
    if (rc)
        return sk_exec_store_fail(k->x, rc, k->x->stmt->span);
    return t == k->type;
}

/* Whether scores of M are whole numbers worth printing as such. */
static bool integral(sk_analysis_measure m, sk_weight w)
{
    return w == SK_WEIGHT_NONE && (m == SK_ANALYSIS_DEGREE || m == SK_ANALYSIS_INDEGREE ||
                                   m == SK_ANALYSIS_OUTDEGREE);
}

static int rank_table(sk_exec *x, const sk_ast_stage *st, const sk_result *in,
                      sk_analysis_graph *g, const double *scores, sk_analysis_measure m,
                      sk_result *out)
{
    const sk_graph *rg = in ? &in->graph : NULL;
    sk_idmap idx;
    int rc = index_nodes(x, st, rg ? rg : &(sk_graph){0}, &idx);
    if (rc)
        return rc;
    keep_ctx k = {.x = x, .rg = rg, .idx = &idx};
    bool of = sk_ast_has(&st->cl, SK_CL_OF);
    if (of && (rc = sk_exec_etype(x, &st->cl.of, &k.type)) == SK_OK)
        k.type_name = sk_exec_name(x, SK_DICT_ETYPE, k.type);
    /* Without 'top' every vertex is listed, up to the row limit (one more
     * is asked for so the table builder can say the list was cut). */
    size_t nv = sk_analysis_nvertices(g);
    size_t top = sk_ast_has(&st->cl, SK_CL_TOP) ? st->cl.top : (size_t)SK_QUERY_MAX_ROWS + 1;
    size_t room = top < nv ? top : nv;
    sk_analysis_ranked *ranked = NULL;
    size_t nr = 0;
    if (!rc && room && !(ranked = malloc(room * sizeof *ranked)))
        rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    if (!rc && (rc = sk_analysis_top(g, scores, top, of ? keep_of_type : NULL, &k, ranked,
                                     &nr)) != SK_OK && !x->code)
        rc = analysis_fail(x, st, g, rc);
    const char *cols[] = {"id", "type", "key", "label", sk_analysis_measure_name(m)};
    sk_tbuild *b = NULL;
    if (!rc)
        rc = sk_tb_new(x, cols, 5, &b);
    for (size_t i = 0; !rc && i < nr; i++) {
        if (!sk_tb_row(b)) {
            rc = x->code;
            break;
        }
        rc = entity_cells(x, b, rg, &idx, ranked[i].id);
        sk_value v = integral(m, st->cl.weight)
                         ? (sk_value){.type = SK_V_INT, .u.i = (int64_t)llround(ranked[i].score)}
                         : (sk_value){.type = SK_V_REAL, .u.r = ranked[i].score};
        if (!rc)
            rc = sk_tb_set(b, 4, v);
    }
    rc = tb_end(b, rc, out);
    free(ranked);
    sk_idmap_free(&idx);
    return rc;
}

int sk_stage_rank(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    sk_analysis_measure m = measure_of(st->u.measure);
    sk_analysis_graph *g;
    int rc = network(x, st, in, follows_direction(m), &g);
    if (rc)
        return rc;
    size_t nv = sk_analysis_nvertices(g);
    double *scores = malloc((nv ? nv : 1) * sizeof *scores);
    if (!scores)
        rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    if (!rc && (rc = sk_analysis_compute(g, m, scores)) != SK_OK)
        rc = analysis_fail(x, st, g, rc);
    if (!rc && *sk_analysis_notice(g))
        sk_exec_plan(x, "rank %s: %s", sk_analysis_measure_name(m), sk_analysis_notice(g));
    if (!rc && passes_graph(x, st, in)) {
        rc = copy_graph(x, st, in, out);
        if (!rc)
            sk_analysis_apply_scores(g, scores, &out->graph);
    } else if (!rc) {
        rc = rank_table(x, st, in, g, scores, m, out);
    }
    free(scores);
    sk_analysis_free(g);
    return rc;
}

/* ---- communities and components ---------------------------------------- */

/* The table of a partition: entities ordered by community (0 is the
 * largest), then id; COL names the community column. */
static int partition_table(sk_exec *x, const sk_ast_stage *st, const sk_result *in,
                           sk_analysis_graph *g, const long *memb, size_t count,
                           const char *col, sk_result *out)
{
    const sk_graph *rg = in ? &in->graph : NULL;
    size_t nv = sk_analysis_nvertices(g);
    /* Counting sort by community: vertices are already in id order. */
    size_t *size = calloc(count + 1, sizeof *size);
    size_t *start = calloc(count + 1, sizeof *start);
    size_t *order = malloc((nv ? nv : 1) * sizeof *order);
    sk_idmap idx;
    sk_idmap_init(&idx);
    int rc = size && start && order ? SK_OK : sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    for (size_t v = 0; !rc && v < nv; v++)
        if (memb[v] < 0 || (size_t)memb[v] >= count)
            rc = sk_exec_fail(x, SK_ECORRUPT, st->span, "partition numbered out of range");
    for (size_t v = 0; !rc && v < nv; v++)
        size[memb[v]]++;
    for (size_t c = 1; !rc && c <= count; c++)
        start[c] = start[c - 1] + size[c - 1];
    for (size_t v = 0; !rc && v < nv; v++)
        order[start[memb[v]]++] = v;
    if (!rc && rg)
        rc = index_nodes(x, st, rg, &idx);
    const char *cols[] = {"id", "type", "key", "label", col, "size"};
    sk_tbuild *b = NULL;
    if (!rc)
        rc = sk_tb_new(x, cols, 6, &b);
    for (size_t i = 0; !rc && i < nv; i++) {
        if ((i & 1023) == 1023 && (rc = sk_exec_check(x, st->span)) != SK_OK)
            break;
        size_t v = order[i];
        if (!sk_tb_row(b)) {
            rc = x->code;
            break;
        }
        rc = entity_cells(x, b, rg, &idx, sk_analysis_vertex_id(g, v));
        if (!rc)
            rc = sk_tb_set(b, 4, (sk_value){.type = SK_V_INT, .u.i = memb[v]});
        if (!rc)
            rc = sk_tb_set(b, 5, (sk_value){.type = SK_V_INT, .u.i = (int64_t)size[memb[v]]});
    }
    rc = tb_end(b, rc, out);
    sk_idmap_free(&idx);
    free(size);
    free(start);
    free(order);
    return rc;
}

/* Runs a partition (communities when COMMUNITY, else components). */
static int partition(sk_exec *x, const sk_ast_stage *st, const sk_result *in, bool community,
                     sk_result *out)
{
    sk_analysis_graph *g;
    int rc = network(x, st, in, false, &g);
    if (rc)
        return rc;
    size_t nv = sk_analysis_nvertices(g);
    long *memb = malloc((nv ? nv : 1) * sizeof *memb);
    sk_analysis_partition info = {0};
    sk_analysis_method method = SK_ANALYSIS_LOUVAIN;
    if (community && st->cl.method != SK_METHOD_NONE) {
        const char *name = sk_method_name(st->cl.method);
        sk_analysis_method_parse(name, strlen(name), &method);
    }
    if (!memb)
        rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    else if (community)
        rc = sk_analysis_communities(g, method, memb, &info);
    else
        rc = sk_analysis_components(g, false, memb, &info);
    if (rc && !x->code)
        rc = analysis_fail(x, st, g, rc);
    if (!rc) {
        if (community)
            sk_exec_plan(x, "communities: method %s, %zu communities, largest %zu, "
                         "modularity %.4f", sk_analysis_method_name(method), info.count,
                         info.largest, info.modularity);
        else
            sk_exec_plan(x, "components: %zu, largest %zu", info.count, info.largest);
    }
    if (!rc && passes_graph(x, st, in)) {
        rc = copy_graph(x, st, in, out);
        if (!rc)
            sk_analysis_apply_membership(g, memb, &out->graph);
    } else if (!rc) {
        rc = partition_table(x, st, in, g, memb, info.count, community ? "community" : "component",
                             out);
    }
    free(memb);
    sk_analysis_free(g);
    return rc;
}

int sk_stage_communities(sk_exec *x, const sk_ast_stage *st, const sk_result *in,
                         sk_result *out)
{
    return partition(x, st, in, true, out);
}

int sk_stage_components(sk_exec *x, const sk_ast_stage *st, const sk_result *in,
                        sk_result *out)
{
    return partition(x, st, in, false, out);
}
