/*
 * build.c — turning ids into self-contained results: graph results (each
 * entity and link loaded once, names resolved, strings copied into the
 * result arena) and table results (rows of typed cells, columns that may
 * be added while rows come in).
 *
 * Output order is part of the contract: graph nodes and links are sorted
 * by id, so the same query on the same case prints the same bytes.
 *
 * A graph builder made while the statement's next stage only counts
 * (x->counting) is hollow: it keeps the ids of what is added, deduplicated
 * and filtered by access exactly as a full one, but reads a record only
 * when it needs one — a link's ends when the caller does not give them,
 * and an entity's or link's assertions when the user has a clearance that
 * could hide it. Its counts are therefore the full builder's counts. It
 * keeps the ids in its two id maps only, and lays them out at the end.
 */
#include "exec_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- values ---- */

sk_value sk_exec_str(sk_exec *x, const char *s, size_t len)
{
    char *p = sk_arena_strndup(x->a, s, len);
    return p ? (sk_value){.type = SK_V_STR, .u.str = {p, len}} : (sk_value){0};
}

sk_value sk_exec_time(int64_t t, int16_t off)
{
    return (sk_value){.type = SK_V_TIME, .u.time = {t, off}};
}

/* Copies PROPS into the arena with names resolved and strings owned. */
static int copy_props(sk_exec *x, const sk_prop *props, size_t n, sk_rprop **out)
{
    *out = NULL;
    if (!n)
        return SK_OK;
    sk_rprop *r = sk_arena_alloc(x->a, n * sizeof *r);
    if (!r)
        return SK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        r[i].name = sk_exec_name(x, SK_DICT_PROP, props[i].name);
        r[i].value = props[i].value;
        if (props[i].value.type == SK_V_STR)
            r[i].value = sk_exec_str(x, props[i].value.u.str.ptr, props[i].value.u.str.len);
    }
    *out = r;
    return SK_OK;
}

static int copy_sources(sk_exec *x, const sk_assert *as, size_t n, const char ***out,
                        size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!n)
        return SK_OK;
    const char **s = sk_arena_alloc(x->a, n * sizeof *s);
    if (!s)
        return SK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *name = sk_exec_source_name(x, as[i].source);
        bool dup = false;
        for (size_t k = 0; k < *nout; k++)
            dup = dup || !strcmp(s[k], name);
        if (!dup)
            s[(*nout)++] = name;
    }
    *out = s;
    return SK_OK;
}

/* ---- graph builder ---- */

struct sk_gbuild {
    sk_exec *x;
    sk_rnode *nodes;
    size_t nnodes, capn;
    sk_rlink *links;
    size_t nlinks, capl;
    sk_idmap node_ix, link_ix;
    bool no_dissemination;   /* a node or link forbids further dissemination */
    sk_id **paths;
    size_t *plen;
    size_t npaths, capp;
    sk_arena *scratch;       /* the record being read; made at first use */
    bool hollow;             /* ids only: the result is counted, not shown */
};

int sk_gb_new(sk_exec *x, sk_gbuild **out)
{
    sk_gbuild *b = calloc(1, sizeof *b);
    if (!b)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    b->x = x;
    b->hollow = x->counting;
    sk_idmap_init(&b->node_ix);
    sk_idmap_init(&b->link_ix);
    *out = b;
    return SK_OK;
}

void sk_gb_free(sk_gbuild *b)
{
    if (!b)
        return;
    free(b->nodes);
    free(b->links);
    free(b->paths);
    free(b->plen);
    sk_idmap_free(&b->node_ix);
    sk_idmap_free(&b->link_ix);
    sk_arena_free(b->scratch);
    free(b);
}

/* The scratch arena, emptied for the next record; NULL on ENOMEM
 * (recorded). */
static sk_arena *scratch(sk_gbuild *b)
{
    if (!b->scratch && !(b->scratch = sk_arena_new())) {
        sk_exec_fail(b->x, SK_ENOMEM, b->x->stmt->span, "out of memory");
        return NULL;
    }
    sk_arena_reset(b->scratch);
    return b->scratch;
}

static int grow(sk_exec *x, void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return SK_OK;
    size_t c = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, c * size);
    if (!q)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    *p = q;
    *cap = c;
    return SK_OK;
}

size_t sk_gb_nnodes(const sk_gbuild *b) { return b->nnodes; }

/* Records node ID in a hollow builder: its index in node_ix only. */
static int hollow_node(sk_gbuild *b, sk_id id, size_t *idx)
{
    sk_exec *x = b->x;
    /* Without a clearance nothing is hidden: no record is read. */
    if (x->clearance >= 0 && !sk_exec_visible_entity(x, id)) {
        if (idx)
            *idx = SIZE_MAX;
        return SK_OK;
    }
    if (sk_idmap_put(&b->node_ix, id, b->nnodes) < 0)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    if (idx)
        *idx = b->nnodes;
    b->nnodes++;
    return SK_OK;
}

int sk_gb_node(sk_gbuild *b, sk_id id, size_t *idx)
{
    sk_exec *x = b->x;
    uint64_t *have = sk_idmap_get(&b->node_ix, id);
    if (have) {
        if (idx)
            *idx = (size_t)*have;
        return SK_OK;
    }
    if (b->hollow)
        return hollow_node(b, id, idx);
    int rc = grow(x, (void **)&b->nodes, &b->capn, b->nnodes, sizeof *b->nodes);
    if (rc)
        return rc;
    sk_arena *a = scratch(b);
    if (!a)
        return SK_ENOMEM;
    sk_entity e;
    rc = sk_entity_get(x->t, id, a, &e);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    if (!sk_exec_visible(x, e.asserts, e.nasserts)) {
        if (idx)
            *idx = SIZE_MAX;
        return SK_OK; /* above the user's clearance: not in any result */
    }
    sk_rnode *n = &b->nodes[b->nnodes];
    *n = (sk_rnode){.id = id, .community = -1};
    n->type = sk_exec_name(x, SK_DICT_ETYPE, e.type);
    n->key = sk_arena_strndup(x->a, e.key, e.key_len);
    n->label = sk_arena_strndup(x->a, e.label, e.label_len);
    sk_gradeinfo g;
    sk_exec_grade(x, e.asserts, e.nasserts, &g);
    n->grade = g.code;
    n->handling = g.handling;
    n->handling_code = g.handling_code;
    b->no_dissemination = b->no_dissemination || g.no_dissemination;
    if (!n->key || !n->label || copy_props(x, e.props, e.nprops, &n->props) ||
        copy_sources(x, e.asserts, e.nasserts, &n->sources, &n->nsources))
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    n->nprops = e.nprops;
    if (sk_idmap_put(&b->node_ix, id, b->nnodes) < 0)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    if (idx)
        *idx = b->nnodes;
    b->nnodes++;
    return SK_OK;
}

/* Records link ID in a hollow builder (its index in link_ix only), and its
 * ends SRC and DST. */
static int hollow_link(sk_gbuild *b, sk_id id, sk_id src, sk_id dst)
{
    sk_exec *x = b->x;
    if (sk_idmap_put(&b->link_ix, id, b->nlinks) < 0)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    b->nlinks++;
    int rc = sk_gb_node(b, src, NULL);
    return rc ? rc : sk_gb_node(b, dst, NULL);
}

int sk_gb_link(sk_gbuild *b, sk_id id)
{
    sk_exec *x = b->x;
    if (sk_idmap_has(&b->link_ix, id))
        return SK_OK;
    if (x->clearance >= 0 && !sk_exec_visible_link(x, id))
        return SK_OK;
    int rc = SK_OK;
    if (!b->hollow && (rc = grow(x, (void **)&b->links, &b->capl, b->nlinks, sizeof *b->links)))
        return rc;
    sk_arena *a = scratch(b);
    if (!a)
        return SK_ENOMEM;
    sk_link l;
    rc = sk_link_get(x->t, id, a, &l);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    if (b->hollow)
        return hollow_link(b, id, l.src, l.dst);
    sk_rlink *r = &b->links[b->nlinks];
    *r = (sk_rlink){.id = id, .src = l.src, .dst = l.dst, .directed = l.directed,
                    .t_start = l.t_start, .t_end = l.t_end, .t_off = l.t_off,
                    .weight = l.weight};
    r->type = sk_exec_name(x, SK_DICT_LTYPE, l.type);
    sk_gradeinfo g;
    sk_exec_grade(x, l.asserts, l.nasserts, &g);
    r->grade = g.code;
    r->reliability = g.reliability;
    r->handling = g.handling;
    r->handling_code = g.handling_code;
    b->no_dissemination = b->no_dissemination || g.no_dissemination;
    if (copy_props(x, l.props, l.nprops, &r->props) ||
        copy_sources(x, l.asserts, l.nasserts, &r->sources, &r->nsources))
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    r->nprops = l.nprops;
    if (sk_idmap_put(&b->link_ix, id, b->nlinks) < 0)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    b->nlinks++;
    sk_id src = l.src, dst = l.dst;
    rc = sk_gb_node(b, src, NULL);
    return rc ? rc : sk_gb_node(b, dst, NULL);
}

int sk_gb_adj(sk_gbuild *b, sk_id id, sk_id from, sk_id to)
{
    sk_exec *x = b->x;
    if (!b->hollow)
        return sk_gb_link(b, id);
    if (sk_idmap_has(&b->link_ix, id))
        return SK_OK;
    if (x->clearance >= 0 && !sk_exec_visible_link(x, id))
        return SK_OK;
    return hollow_link(b, id, from, to);
}

int sk_gb_path(sk_gbuild *b, const sk_id *links, const sk_id *nodes, size_t n)
{
    sk_exec *x = b->x;
    int rc = SK_OK;
    if (b->npaths == b->capp) {
        size_t c = b->capp ? b->capp * 2 : 16;
        sk_id **p = realloc(b->paths, c * sizeof *p);
        if (p)
            b->paths = p;
        size_t *q = p ? realloc(b->plen, c * sizeof *q) : NULL;
        if (!q)
            return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
        b->plen = q;
        b->capp = c;
    }
    sk_id *copy = sk_arena_alloc(x->a, (n ? n : 1) * sizeof *copy);
    if (!copy)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    if (n)
        memcpy(copy, links, n * sizeof *copy);
    b->paths[b->npaths] = copy;
    b->plen[b->npaths] = n;
    b->npaths++;
    for (size_t i = 0; !rc && i < n; i++)
        rc = nodes ? sk_gb_adj(b, links[i], nodes[i], nodes[i + 1]) : sk_gb_link(b, links[i]);
    return rc;
}

int sk_gb_graph(sk_gbuild *b, const sk_graph *g)
{
    int rc = SK_OK;
    for (size_t i = 0; !rc && i < g->nnodes; i++)
        rc = sk_gb_node(b, g->nodes[i].id, NULL);
    for (size_t i = 0; !rc && i < g->nlinks; i++)
        rc = sk_gb_link(b, g->links[i].id);
    for (size_t i = 0; !rc && i < g->npaths; i++)
        rc = sk_gb_path(b, g->paths[i], NULL, g->path_len[i]);
    return rc;
}

static int by_node_id(const void *a, const void *b)
{
    sk_id x = ((const sk_rnode *)a)->id, y = ((const sk_rnode *)b)->id;
    return x < y ? -1 : x > y;
}

static int by_link_id(const void *a, const void *b)
{
    sk_id x = ((const sk_rlink *)a)->id, y = ((const sk_rlink *)b)->id;
    return x < y ? -1 : x > y;
}

/* Lays out the ids of a hollow builder (in no particular order). */
static void hollow_finish(sk_gbuild *b, sk_graph *g)
{
    for (size_t i = 0; i < b->node_ix.cap; i++)
        if (b->node_ix.keys[i])
            g->nodes[b->node_ix.vals[i]] = (sk_rnode){.id = b->node_ix.keys[i], .community = -1};
    for (size_t i = 0; i < b->link_ix.cap; i++)
        if (b->link_ix.keys[i])
            g->links[b->link_ix.vals[i]] = (sk_rlink){.id = b->link_ix.keys[i]};
}

int sk_gb_finish(sk_gbuild *b, sk_result *r)
{
    sk_exec *x = b->x;
    *r = (sk_result){.kind = SK_RESULT_GRAPH};
    sk_graph *g = &r->graph;
    g->nodes = sk_arena_alloc(x->a, (b->nnodes ? b->nnodes : 1) * sizeof *g->nodes);
    g->links = sk_arena_alloc(x->a, (b->nlinks ? b->nlinks : 1) * sizeof *g->links);
    g->paths = sk_arena_alloc(x->a, (b->npaths ? b->npaths : 1) * sizeof *g->paths);
    g->path_len = sk_arena_alloc(x->a, (b->npaths ? b->npaths : 1) * sizeof *g->path_len);
    if (!g->nodes || !g->links || !g->paths || !g->path_len)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    if (b->hollow)
        hollow_finish(b, g);
    if (b->nnodes && !b->hollow)
        memcpy(g->nodes, b->nodes, b->nnodes * sizeof *g->nodes);
    if (b->nlinks && !b->hollow)
        memcpy(g->links, b->links, b->nlinks * sizeof *g->links);
    if (b->npaths) {
        memcpy(g->paths, b->paths, b->npaths * sizeof *g->paths);
        memcpy(g->path_len, b->plen, b->npaths * sizeof *g->path_len);
    }
    g->nnodes = b->nnodes;
    g->nlinks = b->nlinks;
    g->npaths = b->npaths;
    r->no_dissemination = b->no_dissemination;
    if (b->hollow) {
        sk_gb_free(b);
        return SK_OK;
    }
    qsort(g->nodes, g->nnodes, sizeof *g->nodes, by_node_id);
    qsort(g->links, g->nlinks, sizeof *g->links, by_link_id);
    for (size_t i = 0; i < g->nnodes; i++)
        if (g->nodes[i].handling > r->handling) {
            r->handling = g->nodes[i].handling;
            r->handling_code = g->nodes[i].handling_code;
        }
    for (size_t i = 0; i < g->nlinks; i++)
        if (g->links[i].handling > r->handling) {
            r->handling = g->links[i].handling;
            r->handling_code = g->links[i].handling_code;
        }
    sk_gb_free(b);
    return SK_OK;
}

/* ---- table builder ---- */

struct sk_tbuild {
    sk_exec *x;
    const char **cols;
    size_t ncols, capc;
    sk_value **rows;      /* each row has room for rowcap[i] cells */
    size_t *rowcap;
    size_t nrows, capr;
    bool full;
};

int sk_tb_new(sk_exec *x, const char *const *cols, size_t ncols, sk_tbuild **out)
{
    sk_tbuild *b = calloc(1, sizeof *b);
    if (!b)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    b->x = x;
    for (size_t i = 0; i < ncols; i++)
        if (sk_tb_col(b, cols[i]) < 0) {
            free(b->cols);
            free(b);
            return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
        }
    *out = b;
    return SK_OK;
}

static void tb_free(sk_tbuild *b)
{
    free(b->cols);
    free(b->rows);
    free(b->rowcap);
    free(b);
}

int sk_tb_col(sk_tbuild *b, const char *name)
{
    if (grow(b->x, (void **)&b->cols, &b->capc, b->ncols, sizeof *b->cols))
        return SK_ENOMEM;
    b->cols[b->ncols] = sk_arena_strndup(b->x->a, name, strlen(name));
    if (!b->cols[b->ncols])
        return SK_ENOMEM;
    return (int)b->ncols++;
}

int sk_tb_find_col(const sk_tbuild *b, const char *name)
{
    for (size_t i = 0; i < b->ncols; i++)
        if (!strcmp(b->cols[i], name))
            return (int)i;
    return -1;
}

sk_value *sk_tb_row(sk_tbuild *b)
{
    sk_exec *x = b->x;
    if (b->nrows >= SK_QUERY_MAX_ROWS) {
        if (!b->full)
            sk_exec_notice(x, "cut at %d rows (limit rows)", SK_QUERY_MAX_ROWS);
        b->full = true;
        return NULL;
    }
    size_t oldcap = b->capr;
    if (grow(x, (void **)&b->rows, &b->capr, b->nrows, sizeof *b->rows))
        return NULL;
    if (b->capr != oldcap) {
        size_t *p = realloc(b->rowcap, b->capr * sizeof *p);
        if (!p) {
            sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
            return NULL;
        }
        b->rowcap = p;
    }
    size_t cap = b->ncols + 4;
    sk_value *row = sk_arena_alloc(x->a, cap * sizeof *row);
    if (!row) {
        sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
        return NULL;
    }
    memset(row, 0, cap * sizeof *row);
    b->rows[b->nrows] = row;
    b->rowcap[b->nrows] = cap;
    b->nrows++;
    return row;
}

int sk_tb_set(sk_tbuild *b, size_t col, sk_value v)
{
    if (!b->nrows)
        return SK_EINVAL;
    size_t r = b->nrows - 1;
    if (col >= b->rowcap[r]) {
        size_t cap = b->ncols + 4;
        sk_value *row = sk_arena_alloc(b->x->a, cap * sizeof *row);
        if (!row)
            return sk_exec_fail(b->x, SK_ENOMEM, b->x->stmt->span, "out of memory");
        memset(row, 0, cap * sizeof *row);
        memcpy(row, b->rows[r], b->rowcap[r] * sizeof *row);
        b->rows[r] = row;
        b->rowcap[r] = cap;
    }
    b->rows[r][col] = v;
    return SK_OK;
}

int sk_tb_entity(sk_tbuild *b, const sk_entity *e)
{
    sk_exec *x = b->x;
    const char *type = sk_exec_name(x, SK_DICT_ETYPE, e->type);
    int rc = sk_tb_set(b, 0, (sk_value){.type = SK_V_ID, .u.i = (int64_t)e->id});
    if (!rc)
        rc = sk_tb_set(b, 1, sk_exec_str(x, type, strlen(type)));
    if (!rc)
        rc = sk_tb_set(b, 2, sk_exec_str(x, e->key, e->key_len));
    if (!rc)
        rc = sk_tb_set(b, 3, sk_exec_str(x, e->label, e->label_len));
    return rc;
}

size_t sk_tb_nrows(const sk_tbuild *b) { return b->nrows; }

void sk_tb_free(sk_tbuild *b)
{
    if (b)
        tb_free(b);
}

int sk_tb_finish(sk_tbuild *b, sk_result *r)
{
    sk_exec *x = b->x;
    *r = (sk_result){.kind = SK_RESULT_TABLE};
    sk_table *t = &r->table;
    t->ncols = b->ncols;
    t->nrows = b->nrows;
    t->cols = sk_arena_alloc(x->a, (b->ncols ? b->ncols : 1) * sizeof *t->cols);
    size_t cells = b->ncols * b->nrows;
    t->cells = sk_arena_alloc(x->a, (cells ? cells : 1) * sizeof *t->cells);
    if (!t->cols || !t->cells) {
        tb_free(b);
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    }
    memcpy(t->cols, b->cols, b->ncols * sizeof *t->cols);
    for (size_t i = 0; i < b->nrows; i++)
        for (size_t c = 0; c < b->ncols; c++)
            t->cells[i * b->ncols + c] = c < b->rowcap[i] ? b->rows[i][c] : (sk_value){0};
    tb_free(b);
    return SK_OK;
}
