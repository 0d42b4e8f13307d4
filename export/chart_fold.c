/*
 * chart_fold.c — decides what a chart draws, before Graphviz is involved.
 *
 * Collapsing (collapse = K > 0): an entity with more than K links is a hub;
 * a neighbour whose every link goes to that one hub (and which is not a hub
 * itself) is hidden, and the hidden neighbours of a hub are counted per
 * entity type in one count node ("37 phones"); a lone one stays drawn.
 * Entities that connect elsewhere always stay, so collapsing never cuts a
 * connection.
 *
 * Folding: links of one type between the same two drawn nodes, in either
 * direction, become one line carrying their count, summed weight, best
 * reliability and date range.
 */
#include <stdlib.h>
#include <string.h>

#include "chart_int.h"

#define NONE SIZE_MAX
#define MULTI (SIZE_MAX - 1)

/* Hidden entity V hanging on hub H, with its type for grouping. */
typedef struct hang {
    size_t hub, v;
    const char *type;
} hang;

static int hang_cmp(const void *x, const void *y)
{
    const hang *a = x, *b = y;
    if (a->hub != b->hub)
        return a->hub < b->hub ? -1 : 1;
    int c = strcmp(a->type, b->type);
    return c ? c : (a->v > b->v) - (a->v < b->v);
}

/* A link between drawn nodes a <= b, keyed for folding. */
typedef struct lref {
    size_t a, b;
    const char *type;
    const sk_rlink *l;
    bool fwd;               /* the link's source is drawn as a */
} lref;

static int lref_cmp(const void *x, const void *y)
{
    const lref *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    int c = strcmp(p->type, q->type);
    if (c)
        return c;
    if (p->l->t_start != q->l->t_start)
        return p->l->t_start < q->l->t_start ? -1 : 1;
    return (p->l->id > q->l->id) - (p->l->id < q->l->id);
}

static const char *type_of(const sk_rnode *n)
{
    return n->type ? n->type : "";
}

/* Marks each hidden entity: hidden[v] = its hub's entity index, else NONE. */
static int find_hidden(const sk_graph *g, const size_t *si, const size_t *di,
                       size_t k, size_t *hidden)
{
    size_t *deg = calloc(g->nnodes ? g->nnodes : 1, sizeof *deg);
    size_t *only = malloc((g->nnodes ? g->nnodes : 1) * sizeof *only);
    if (!deg || !only) {
        free(deg);
        free(only);
        return SK_ENOMEM;
    }
    for (size_t v = 0; v < g->nnodes; v++) {
        only[v] = NONE;
        hidden[v] = NONE;
    }
    for (size_t i = 0; i < g->nlinks; i++) {
        size_t a = si[i], b = di[i];
        if (a == NONE || b == NONE)
            continue;
        deg[a]++;
        deg[b]++;
        size_t ends[2][2] = {{a, b}, {b, a}};
        for (int e = 0; e < 2; e++) {
            size_t v = ends[e][0], other = ends[e][1];
            if (other == v)
                only[v] = MULTI;
            else if (only[v] == NONE)
                only[v] = other;
            else if (only[v] != other)
                only[v] = MULTI;
        }
    }
    for (size_t v = 0; k > 0 && v < g->nnodes; v++) {
        size_t h = only[v];
        if (h < MULTI && deg[h] > k && deg[v] <= k)
            hidden[v] = h;
    }
    free(deg);
    free(only);
    return SK_OK;
}

static void model_scores(chart_model *m)
{
    for (size_t i = 0; i < m->nnodes; i++) {
        const sk_rnode *n = m->nodes[i].ent;
        if (!n)
            continue;
        if (n->community >= 0)
            m->communities = true;
        if (!n->has_score)
            continue;
        if (!m->scores || n->score < m->score_min)
            m->score_min = n->score;
        if (!m->scores || n->score > m->score_max)
            m->score_max = n->score;
        m->scores = true;
    }
}

/* Adds the drawn nodes: visible entities, then one count node per
 * (hub, type) of hidden ones. A group of one stays drawn as itself: a
 * count node would hide it without making the chart any smaller. MAP
 * gets each entity's drawn node. */
static int add_nodes(chart_model *m, const sk_graph *g, size_t *hidden,
                     size_t *map)
{
    size_t nh = 0;
    for (size_t v = 0; v < g->nnodes; v++)
        nh += hidden[v] != NONE;
    hang *hs = malloc((nh ? nh : 1) * sizeof *hs);
    m->nodes = malloc((g->nnodes ? g->nnodes : 1) * sizeof *m->nodes);
    if (!hs || !m->nodes) {
        free(hs);
        return SK_ENOMEM;
    }
    nh = 0;
    for (size_t v = 0; v < g->nnodes; v++)
        if (hidden[v] != NONE)
            hs[nh++] = (hang){hidden[v], v, type_of(&g->nodes[v])};
    qsort(hs, nh, sizeof *hs, hang_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < nh;) {
        size_t j = i + 1;
        while (j < nh && hs[j].hub == hs[i].hub && strcmp(hs[j].type, hs[i].type) == 0)
            j++;
        if (j - i == 1)
            hidden[hs[i].v] = NONE;
        else
            for (size_t k = i; k < j; k++)
                hs[kept++] = hs[k];
        i = j;
    }
    nh = kept;
    for (size_t v = 0; v < g->nnodes; v++) {
        if (hidden[v] != NONE)
            continue;
        cnode *c = &m->nodes[m->nnodes];
        *c = (cnode){.ent = &g->nodes[v], .type = type_of(&g->nodes[v])};
        snprintf(c->name, sizeof c->name, "e%llu", (unsigned long long)g->nodes[v].id);
        map[v] = m->nnodes++;
        m->entities++;
    }
    for (size_t i = 0; i < nh; i++) {
        if (i == 0 || hs[i].hub != hs[i - 1].hub || strcmp(hs[i].type, hs[i - 1].type)) {
            cnode *c = &m->nodes[m->nnodes];
            *c = (cnode){.type = hs[i].type, .hub = map[hs[i].hub]};
            snprintf(c->name, sizeof c->name, "c%zu", m->nnodes);
            m->nnodes++;
        }
        m->nodes[m->nnodes - 1].count++;
        map[hs[i].v] = m->nnodes - 1;
    }
    m->hidden = nh;
    free(hs);
    return SK_OK;
}

static void edge_add_link(cedge *e, const lref *r)
{
    const sk_rlink *l = r->l;
    e->links[e->count++] = l;
    if (l->directed && r->a != r->b) {
        if (r->fwd)
            e->fwd++;
        else
            e->back++;
    }
    double w = l->weight > 0 ? l->weight : 1.0;
    e->weight += w;
    /* The line shows the best graded evidence; an ungraded link (whose
     * reliability reads 1) must not make a doubtful line look reliable. */
    if (l->grade && (!e->graded || l->reliability > e->reliability)) {
        e->reliability = l->reliability;
        e->grade = l->grade;
        e->graded = true;
    } else if (!e->graded && (e->count == 1 || l->reliability > e->reliability)) {
        e->reliability = l->reliability;
    }
    if (l->t_start != SK_NO_TIME) {
        int64_t end = l->t_end == SK_NO_TIME ? l->t_start : l->t_end;
        if (e->t_min == SK_NO_TIME || l->t_start < e->t_min) {
            e->t_min = l->t_start;
            e->off_min = l->t_off;
        }
        if (e->t_max == SK_NO_TIME || end > e->t_max) {
            e->t_max = end;
            e->off_max = l->t_off;
        }
    }
}

/* Folds the sorted links into edges, one per run of equal keys. */
static int add_edges(chart_model *m, const lref *rs, size_t nr)
{
    m->edges = calloc(nr ? nr : 1, sizeof *m->edges);
    if (!m->edges)
        return SK_ENOMEM;
    for (size_t i = 0; i < nr; i++) {
        bool same = i > 0 && rs[i].a == rs[i - 1].a && rs[i].b == rs[i - 1].b &&
                    strcmp(rs[i].type, rs[i - 1].type) == 0;
        if (!same) {
            size_t n = 1;
            while (i + n < nr && rs[i + n].a == rs[i].a && rs[i + n].b == rs[i].b &&
                   strcmp(rs[i + n].type, rs[i].type) == 0)
                n++;
            cedge *e = &m->edges[m->nedges++];
            *e = (cedge){.a = rs[i].a, .b = rs[i].b, .type = rs[i].type,
                         .t_min = SK_NO_TIME, .t_max = SK_NO_TIME};
            e->links = malloc(n * sizeof *e->links);
            if (!e->links)
                return SK_ENOMEM;
        }
        edge_add_link(&m->edges[m->nedges - 1], &rs[i]);
    }
    return SK_OK;
}

int chart_model_build(chart_model *m, const sk_graph *g, size_t collapse)
{
    *m = (chart_model){0};
    m->path = g->npaths > 0;
    sk_ridx nx;
    int rc = ridx_nodes(&nx, g);
    if (rc != SK_OK)
        return rc;
    size_t n = g->nnodes ? g->nnodes : 1, nl = g->nlinks ? g->nlinks : 1;
    size_t *si = malloc(nl * sizeof *si), *di = malloc(nl * sizeof *di);
    size_t *hidden = malloc(n * sizeof *hidden), *map = malloc(n * sizeof *map);
    lref *rs = malloc(nl * sizeof *rs);
    rc = si && di && hidden && map && rs ? SK_OK : SK_ENOMEM;
    for (size_t i = 0; rc == SK_OK && i < g->nlinks; i++) {
        si[i] = ridx_find(&nx, g->links[i].src);
        di[i] = ridx_find(&nx, g->links[i].dst);
    }
    if (rc == SK_OK)
        rc = find_hidden(g, si, di, collapse, hidden);
    if (rc == SK_OK)
        rc = add_nodes(m, g, hidden, map);
    size_t nr = 0;
    for (size_t i = 0; rc == SK_OK && i < g->nlinks; i++) {
        if (si[i] == NONE || di[i] == NONE) {
            m->dropped++;
            continue;
        }
        size_t a = map[si[i]], b = map[di[i]];
        rs[nr++] = (lref){a < b ? a : b, a < b ? b : a,
                          g->links[i].type ? g->links[i].type : "",
                          &g->links[i], a <= b};
    }
    if (rc == SK_OK) {
        qsort(rs, nr, sizeof *rs, lref_cmp);
        rc = add_edges(m, rs, nr);
    }
    if (rc == SK_OK)
        model_scores(m);
    free(si);
    free(di);
    free(hidden);
    free(map);
    free(rs);
    ridx_free(&nx);
    if (rc != SK_OK)
        chart_model_free(m);
    return rc;
}

void chart_model_free(chart_model *m)
{
    for (size_t i = 0; i < m->nedges; i++)
        free(m->edges[i].links);
    free(m->nodes);
    free(m->edges);
    *m = (chart_model){0};
}
