/*
 * stmt_match.c — the match statement: patterns of entities and links,
 * joined on shared variables, with where conditions, variable-length
 * segments, and a table or graph of what matched.
 *
 *   match (p:person)-[:owns]->(v:vehicle)-[s:seen_at]->(l:location)
 *   where l.postcode ~ /^M1 / and s.time between 2024-03-01 and 2024-03-02
 *   return p.name, v.plate, s.time
 *
 * Model. Every distinct node variable (and every anonymous node) is a SLOT
 * that binds one entity; every link pattern is an EDGE between two slots
 * that binds one link (or, for '*min..max', one path of links). Patterns
 * separated by commas share slots through their variables.
 *
 * Plan. The planner picks the slot to start from — an id or key in a
 * property map, else an indexed string equality (property map or a where
 * term `v.prop = "text"`), else the type with the fewest entities by the
 * case statistics (but with a limit, when no index gives the start and a
 * node's id leads the row order, as in `return p, l limit 1000`, that
 * node) — then extends along edges in pattern order, both ways, taking at
 * each step the first edge that touches a bound slot; an edge
 * whose two ends are bound becomes a check. A pattern not joined to the
 * others starts again from its most selective slot. With the planner off,
 * the start is the first node written, by a type scan. Every where term is
 * tested as soon as the variables it names are bound, and an index only
 * narrows the candidates (the terms are still tested), so both plans give
 * the same rows.
 *
 * Semantics (docs/query-analysis.md): a directed pattern also matches an
 * undirected link; no link is bound twice in one match (Cypher's rule), so
 * in particular a variable-length segment never repeats a link; the
 * intermediate entities of a segment are unconstrained, and one above the
 * supernode cap is not walked through (reported). Rows come out sorted by
 * 'order by', then by every column, so the same case gives the same rows
 * whatever the plan; 'limit N' keeps the first N of that order. When the
 * start scan meets the leading node in id order, rows arrive in that order
 * too, and the run stops once N rows are in and the scan moves on to the
 * next entity: no later row can sort before them.
 *
 * Execution is iterative (an explicit stack of steps, each with its list
 * of candidates), so a long pattern cannot overflow the C stack. Bound
 * entities and links are decoded into one arena per slot, reset on every
 * new binding — a record only return items read is decoded when a row is
 * emitted, not for every binding — and rows are kept in a bounded top-N
 * buffer (rowstore). When the row order reduces to the ids in it (every
 * other value follows its slot's id), rows compare by ids alone, and with
 * a limit the last step drops a candidate whose ids do not sort before
 * the buffer's bar without reading its records.
 *
 * The file is long because planning, binding and the row buffer share one
 * context (mctx) private to this statement; the sections below are the
 * seams along which it would split (plan, bind and expand, rows).
 */
#include "exec_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Entities counted in the property index, at most, to estimate a start. */
#define ESTIMATE_CAP 1000
/* Paths a variable-length segment may walk from one entity (those that
 * end where it wants are bounded by SK_QUERY_MAX_PATHS). */
#define VARLEN_WALK_MAX (100 * (size_t)SK_QUERY_MAX_PATHS)

/* ---- Slots, edges, steps ------------------------------------------------- */

typedef enum access_kind {
    ACC_TYPE = 0,  /* every entity of the slot's type (or every entity) */
    ACC_ID,        /* one id */
    ACC_KEY,       /* the natural-key index */
    ACC_PROP,      /* the string-property index, exact */
} access_kind;

typedef struct access {
    access_kind how;
    sk_id id;              /* ACC_ID */
    sk_sym prop;           /* ACC_PROP: 0 = the label */
    const char *text;      /* ACC_KEY: raw key; ACC_PROP: value */
    size_t len;
    uint64_t estimate;     /* entities expected */
} access;

typedef struct mnode {
    const char *name;            /* variable, or "_nK" for an anonymous node */
    bool named;
    const sk_ast_pnode *at;      /* first occurrence */
    sk_sym type;                 /* 0: any type */
    bool impossible;             /* two different types were asked of it */
    const sk_ast_lit *key;       /* {key: "…"}: compared after normalising */
    bool need_entity;            /* conditions or its key read its record: read
                                    when it is bound */
    bool item_entity;            /* only return items read it: read when a row
                                    is emitted (most bindings never are) */
    bool loaded;                 /* ENT holds the record of ID */
    size_t bound_at;             /* the step that binds it */
    sk_id id;                    /* binding */
    sk_entity ent;
    sk_arena *arena;             /* the decoded record's arrays */
} mnode;

typedef struct medge {
    const sk_ast_pedge *at;
    const char *name;            /* variable, or "_eK" */
    bool named;
    size_t a, b;                 /* slots written before and after it */
    sk_sym *ltypes;              /* allowed link types, sorted; none = any */
    size_t nltypes;
    bool varlen;
    uint32_t min, max;
    bool need_link;              /* conditions or items read the link record */
    sk_cexpr *hop_cond;          /* {…} of a variable-length segment, per hop */
    size_t bound_at;
    sk_link link;                /* binding of a fixed edge */
    sk_arena *arena;
    const sk_id *path;           /* binding of a variable-length segment */
    size_t plen;
} medge;

/* One way to bind the next slot or edge. */
typedef struct cand {
    sk_id node;      /* the entity reached */
    sk_id link;      /* fixed edge: the link */
    sk_id from;      /* the bound entity the link was read from */
    uint8_t dir;     /* direction seen from FROM */
    sk_sym ltype;
    int64_t time;
    size_t path;     /* varlen: offset in the step's path store */
    size_t plen;
} cand;

typedef enum step_kind { S_SCAN, S_EXPAND } step_kind;

typedef struct mstep {
    step_kind kind;
    size_t node;         /* SCAN: the slot bound; EXPAND: the slot reached */
    access acc;          /* SCAN */
    size_t edge;         /* EXPAND */
    bool forward;        /* EXPAND: walks from edge.a to edge.b */
    bool check;          /* EXPAND: the slot reached is already bound */
    size_t *conds;       /* conditions complete once this step binds */
    size_t nconds;
    /* state while running */
    sk_idcur *cur;       /* SCAN by type or property */
    bool started;
    cand *c;             /* EXPAND candidates */
    size_t nc, capc, pos;
    sk_id *paths;        /* varlen links, CAND.path indexes here */
    size_t npaths, cappaths;
} mstep;

/* A where term (or a property-map entry) and when it can be tested. */
typedef struct mcond {
    const sk_ast_cond *ast;
    sk_cexpr *e;
    size_t level;        /* the step after which all its variables are bound */
} mcond;

/* What a column (or an order key) shows. */
typedef enum item_what {
    I_ID, I_TYPE, I_KEY, I_LABEL, I_GRADE, I_TIME, I_WEIGHT, I_SRC, I_DST, I_PROP,
} item_what;

typedef struct mitem {
    bool edge;           /* of an edge slot (else a node slot) */
    size_t slot;
    item_what what;
    sk_sym prop;         /* I_PROP */
} mitem;

/* Rows kept while matching: sorted and cut back to KEEP when the buffer
 * first holds KEEP rows and whenever it reaches twice that, so memory
 * stays bounded; once sorted, the last row kept is a bar that a new row
 * must sort before to be kept at all (a top-N buffer: most rows of a long
 * enumeration cost a comparison, not a copy). */
typedef struct rowstore {
    size_t width;        /* values per row */
    size_t keep;
    sk_value **rows;
    size_t n, cap;
    sk_arena *arena;     /* the rows' values and strings */
    bool cut;            /* rows were dropped */
    bool sorted;         /* no row was added since the last sort */
    const sk_value *bar; /* rows[keep - 1] after a cut back, else NULL */
    const bool *desc;    /* per leading order key */
    const size_t *okey;  /* value index of each order key */
    size_t nokeys;
    /* The same order reduced to id values (see plan_idkeys), or NULL: the
     * value index of each id and whether it sorts descending. */
    const size_t *idk;
    const bool *idk_desc;
    size_t nidk;
} rowstore;

typedef struct mctx {
    sk_exec *x;
    const sk_ast_stage *st;
    mnode *nodes;
    size_t nnodes, capn;
    medge *edges;
    size_t nedges, cape;
    mcond *conds;
    size_t nconds, capcond;
    mstep *steps;
    size_t nsteps;
    /* the variables conditions see: node slots, then fixed edges */
    const char **vnames;
    const sk_entity **vents;
    const sk_link **vlinks;
    size_t nvars;
    sk_cond_env env;
    /* output */
    bool graph;
    mitem *items;        /* values of a row: columns, then order keys */
    size_t nitems, ncols, capitems;
    const char **colnames;
    rowstore rs;
    sk_adjcur *cur;
    uint64_t capped;     /* entities not walked through (supernodes) */
    bool paths_cut;      /* a segment had more paths than SK_QUERY_MAX_PATHS */
    sk_stats stats;
    bool have_stats;
    size_t lead;         /* the slot whose id leads the row order, ascending;
                            SIZE_MAX when none does */
    bool stream;         /* the start scan meets rows in their order: stop
                            once the limit is certain */
    bool prune;          /* the last step drops a candidate whose row's ids
                            sort at or after the bar before reading records */
    char *pathbuf;       /* SK_QUERY_MAX_HOPS * 8 bytes per edge (emit) */
    struct { enum sk_dict d; sk_sym sym; const char *name; } names[32];
    size_t nnames;       /* type names already copied into x->a */
} mctx;

/* ---- Small helpers ----------------------------------------------------------- */

static int nomem(mctx *m)
{
    return sk_exec_fail(m->x, SK_ENOMEM, m->st->span, "out of memory");
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 8;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

static const char *synth_name(mctx *m, char kind, size_t i)
{
    char buf[32];
    /* '#' cannot start a variable, so a made-up name never meets one. */
    snprintf(buf, sizeof buf, "#%c%zu", kind, i + 1);
    return sk_arena_strndup(m->x->tmp, buf, strlen(buf));
}

static bool reserved_qualifier(const char *name)
{
    static const char *const words[] = {"link", "edge", "entity", "node", "other"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(name, words[i]))
            return true;
    return false;
}

/* Finds variable NAME among the slots and edges (made-up names too). */
static bool find_var(const mctx *m, const char *name, bool *edge, size_t *idx)
{
    for (size_t i = 0; i < m->nnodes; i++)
        if (!strcmp(m->nodes[i].name, name)) {
            *edge = false;
            *idx = i;
            return true;
        }
    for (size_t i = 0; i < m->nedges; i++)
        if (!strcmp(m->edges[i].name, name)) {
            *edge = true;
            *idx = i;
            return true;
        }
    return false;
}

/* ---- Building slots and edges from the patterns -------------------------------- */

static int node_slot(mctx *m, const sk_ast_pnode *pn, size_t *out)
{
    sk_exec *x = m->x;
    if (pn->var.len) {
        if (reserved_qualifier(pn->var.text))
            return sk_exec_fail(x, SK_EINVAL, pn->var.span,
                                "'%s' is a reserved qualifier; name the variable otherwise",
                                pn->var.text);
        bool edge;
        size_t i;
        if (find_var(m, pn->var.text, &edge, &i)) {
            if (edge)
                return sk_exec_fail(x, SK_EINVAL, pn->var.span,
                                    "'%s' already names a link; a variable is an entity or "
                                    "a link, not both", pn->var.text);
            *out = i;
            return SK_OK;
        }
    }
    if (!grow((void **)&m->nodes, &m->capn, m->nnodes + 1, sizeof *m->nodes))
        return nomem(m);
    mnode *n = &m->nodes[m->nnodes];
    *n = (mnode){.at = pn, .named = pn->var.len > 0};
    n->name = n->named ? pn->var.text : synth_name(m, 'n', m->nnodes);
    if (!n->name)
        return nomem(m);
    *out = m->nnodes++;
    return SK_OK;
}

/* Adds the constraints of one occurrence PN of slot S: its type. */
static int node_type(mctx *m, const sk_ast_pnode *pn, size_t s)
{
    if (!pn->type.len)
        return SK_OK;
    sk_sym t;
    int rc = sk_exec_etype(m->x, &pn->type, &t);
    if (rc)
        return rc;
    mnode *n = &m->nodes[s];
    if (n->type && n->type != t)
        n->impossible = true;
    n->type = t;
    return SK_OK;
}

static int cmp_sym(const void *a, const void *b)
{
    sk_sym p = *(const sk_sym *)a, q = *(const sk_sym *)b;
    return (p > q) - (p < q);
}

static int add_edge(mctx *m, const sk_ast_pedge *pe, size_t a, size_t b)
{
    sk_exec *x = m->x;
    if (pe->var.len) {
        bool edge;
        size_t i;
        if (reserved_qualifier(pe->var.text))
            return sk_exec_fail(x, SK_EINVAL, pe->var.span,
                                "'%s' is a reserved qualifier; name the variable otherwise",
                                pe->var.text);
        if (find_var(m, pe->var.text, &edge, &i))
            return sk_exec_fail(x, SK_EINVAL, pe->var.span,
                                edge ? "the link variable '%s' is used twice; a link variable "
                                       "names one link"
                                     : "'%s' already names an entity; a variable is an entity "
                                       "or a link, not both",
                                pe->var.text);
    }
    if (!grow((void **)&m->edges, &m->cape, m->nedges + 1, sizeof *m->edges))
        return nomem(m);
    medge *e = &m->edges[m->nedges];
    *e = (medge){.at = pe, .named = pe->var.len > 0, .a = a, .b = b, .varlen = pe->varlen,
                 .min = pe->min_hops, .max = pe->max_hops};
    if (e->varlen && e->max == 0)
        e->max = SK_QUERY_MAX_HOPS;
    e->name = e->named ? pe->var.text : synth_name(m, 'e', m->nedges);
    if (!e->name)
        return nomem(m);
    if (pe->types.n) {
        e->ltypes = sk_arena_alloc(x->tmp, pe->types.n * sizeof *e->ltypes);
        if (!e->ltypes)
            return nomem(m);
        for (size_t i = 0; i < pe->types.n; i++) {
            int rc = sk_exec_ltype(x, &pe->types.v[i], &e->ltypes[e->nltypes]);
            if (rc)
                return rc;
            bool dup = false;
            for (size_t k = 0; k < e->nltypes; k++)
                dup = dup || e->ltypes[k] == e->ltypes[e->nltypes];
            e->nltypes += !dup;
        }
        qsort(e->ltypes, e->nltypes, sizeof *e->ltypes, cmp_sym);
    }
    m->nedges++;
    return SK_OK;
}

static int build_slots(mctx *m)
{
    const sk_ast_stage *st = m->st;
    for (size_t p = 0; p < st->u.match.n; p++) {
        const sk_ast_pattern *pt = &st->u.match.v[p];
        size_t prev = 0;
        for (size_t i = 0; i < pt->nnodes; i++) {
            size_t s = 0;
            int rc = node_slot(m, &pt->nodes[i], &s);
            if (!rc)
                rc = node_type(m, &pt->nodes[i], s);
            if (!rc && i > 0)
                rc = add_edge(m, &pt->edges[i - 1], prev, s);
            if (rc)
                return rc;
            prev = s;
        }
    }
    return SK_OK;
}

/* ---- Conditions ---------------------------------------------------------------- */

/* Calls FN on every property reference of C. */
typedef int (*prop_fn)(mctx *m, const sk_ast_prop *p, void *ctx);

static int each_prop(mctx *m, const sk_ast_cond *c, prop_fn fn, void *ctx)
{
    int rc = SK_OK;
    switch (c->kind) {
    case SK_COND_AND:
    case SK_COND_OR:
        for (size_t i = 0; !rc && i < c->u.list.n; i++)
            rc = each_prop(m, &c->u.list.v[i], fn, ctx);
        return rc;
    case SK_COND_NOT:
        return each_prop(m, c->u.operand, fn, ctx);
    case SK_COND_CMP:
        return fn(m, &c->u.cmp.prop, ctx);
    case SK_COND_IN:
        return fn(m, &c->u.in.prop, ctx);
    case SK_COND_BETWEEN:
        return fn(m, &c->u.between.prop, ctx);
    case SK_COND_HAS:
        return fn(m, &c->u.has, ctx);
    }
    return SK_OK;
}

/* Resolves the qualifier of P to a variable whose value a condition or an
 * item can read. */
static int resolve_qual(mctx *m, const sk_ast_name *var, sk_span span, bool *edge, size_t *idx)
{
    sk_exec *x = m->x;
    if (!var->len)
        return sk_exec_fail(x, SK_EINVAL, span,
                            "in match, qualify a property with a variable of the pattern, "
                            "as in p.name");
    if (!find_var(m, var->text, edge, idx))
        return sk_exec_fail(x, SK_ENOTFOUND, var->span,
                            "'%s' is not a variable of the pattern", var->text);
    if (*edge && m->edges[*idx].varlen)
        return sk_exec_fail(x, SK_EINVAL, var->span,
                            "'%s' is a variable-length segment: it has no single link to "
                            "test or show (use it with 'return graph')", var->text);
    return SK_OK;
}

typedef struct level_ctx {
    size_t level;
    bool needs_link;     /* the compiled condition reads link records */
    bool mark;           /* set need_entity / need_link on what it names */
} level_ctx;

static int cond_var(mctx *m, const sk_ast_prop *p, void *ctx)
{
    level_ctx *l = ctx;
    bool edge;
    size_t i;
    int rc = resolve_qual(m, &p->qual, p->span, &edge, &i);
    if (rc)
        return rc;
    size_t at = edge ? m->edges[i].bound_at : m->nodes[i].bound_at;
    if (at > l->level || l->level == SIZE_MAX)
        l->level = at;
    if (l->mark && edge)
        m->edges[i].need_link = m->edges[i].need_link || l->needs_link;
    if (l->mark && !edge)
        m->nodes[i].need_entity = true;
    return SK_OK;
}

static int add_cond(mctx *m, const sk_ast_cond *c)
{
    if (c->kind == SK_COND_AND) {
        for (size_t i = 0; i < c->u.list.n; i++) {
            int rc = add_cond(m, &c->u.list.v[i]);
            if (rc)
                return rc;
        }
        return SK_OK;
    }
    /* Names are checked before compiling so the message is about match. */
    level_ctx l = {0};
    int rc = each_prop(m, c, cond_var, &l);
    if (rc)
        return rc;
    if (!grow((void **)&m->conds, &m->capcond, m->nconds + 1, sizeof *m->conds))
        return nomem(m);
    mcond *mc = &m->conds[m->nconds];
    *mc = (mcond){.ast = c};
    rc = sk_cond_compile(m->x, c, SK_PRIMARY_ENTITY, &mc->e);
    if (rc)
        return rc;
    m->nconds++;
    l = (level_ctx){.needs_link = sk_cond_needs_link(mc->e), .mark = true};
    return each_prop(m, c, cond_var, &l);
}

/* A condition `VAR.KEY = VALUE` (VAR NULL: `KEY = VALUE`) made from a
 * property-map entry. */
static sk_ast_cond *map_cond(mctx *m, const char *var, const sk_ast_kv *kv)
{
    sk_ast_cond *c = sk_arena_alloc(m->x->tmp, sizeof *c);
    if (!c)
        return NULL;
    *c = (sk_ast_cond){.kind = SK_COND_CMP, .span = kv->key.span};
    if (var)
        c->u.cmp.prop.qual = (sk_ast_name){.text = var, .len = strlen(var), .span = kv->key.span};
    c->u.cmp.prop.name = kv->key;
    c->u.cmp.prop.span = kv->key.span;
    c->u.cmp.op = SK_OP_EQ;
    c->u.cmp.value = kv->value;
    return c;
}

/* The map of edge E: conditions on its link, or for a variable-length
 * segment one condition (all entries) tested on the link of every hop. */
static int edge_map(mctx *m, medge *e, const sk_ast_map *map)
{
    if (!map->n)
        return SK_OK;
    if (!e->varlen) {
        for (size_t k = 0; k < map->n; k++) {
            sk_ast_cond *c = map_cond(m, e->name, &map->v[k]);
            if (!c)
                return nomem(m);
            int rc = add_cond(m, c);
            if (rc)
                return rc;
        }
        return SK_OK;
    }
    sk_ast_cond *v = sk_arena_alloc(m->x->tmp, map->n * sizeof *v);
    sk_ast_cond *all = sk_arena_alloc(m->x->tmp, sizeof *all);
    if (!v || !all)
        return nomem(m);
    for (size_t k = 0; k < map->n; k++) {
        sk_ast_cond *one = map_cond(m, NULL, &map->v[k]);
        if (!one)
            return nomem(m);
        v[k] = *one;
    }
    *all = map->n == 1 ? v[0]
                       : (sk_ast_cond){.kind = SK_COND_AND, .span = e->at->span,
                                       .u.list = {v, map->n}};
    return sk_cond_compile(m->x, all, SK_PRIMARY_LINK, &e->hop_cond);
}

/* The property maps of the pattern become conditions (the same rules as
 * where); {key: …} on a node is compared after normalising (node_key_ok),
 * and the map of a variable-length segment is tested on every hop. */
static int add_map_conds(mctx *m)
{
    const sk_ast_stage *st = m->st;
    for (size_t p = 0, e = 0; p < st->u.match.n; p++) {
        const sk_ast_pattern *pt = &st->u.match.v[p];
        for (size_t i = 0; i < pt->nnodes; i++) {
            const sk_ast_pnode *pn = &pt->nodes[i];
            size_t s = SIZE_MAX;
            for (size_t k = 0; k < m->nnodes && s == SIZE_MAX; k++)
                if (m->nodes[k].at == pn || (pn->var.len && m->nodes[k].named &&
                                             !strcmp(m->nodes[k].name, pn->var.text)))
                    s = k;
            for (size_t k = 0; k < pn->props.n; k++) {
                const sk_ast_kv *kv = &pn->props.v[k];
                if (!strcmp(kv->key.text, "key")) {
                    if (kv->value.kind != SK_LIT_STR && kv->value.kind != SK_LIT_WORD)
                        return sk_exec_fail(m->x, SK_EINVAL, kv->value.span,
                                            "a key is text: write {key: \"…\"}");
                    m->nodes[s].key = &kv->value;
                    m->nodes[s].need_entity = true;
                    continue;
                }
                sk_ast_cond *c = map_cond(m, m->nodes[s].name, kv);
                if (!c)
                    return nomem(m);
                int rc = add_cond(m, c);
                if (rc)
                    return rc;
            }
        }
        for (size_t i = 0; i < pt->nedges; i++, e++) {
            int rc = edge_map(m, &m->edges[e], &pt->edges[i].props);
            if (rc)
                return rc;
        }
    }
    return SK_OK;
}

/* ---- Return items and order keys --------------------------------------------- */

static int add_item(mctx *m, mitem it)
{
    if (!grow((void **)&m->items, &m->capitems, m->nitems + 1, sizeof *m->items))
        return nomem(m);
    m->items[m->nitems++] = it;
    if (it.edge && it.what != I_ID && it.what != I_TYPE)
        m->edges[it.slot].need_link = true;
    if (!it.edge && it.what != I_ID)
        m->nodes[it.slot].item_entity = true;
    return SK_OK;
}

/* The item VAR.PROP (PROP len 0: VAR itself, WHAT set to I_ID). */
static int parse_item(mctx *m, const sk_ast_name *var, const sk_ast_name *prop, sk_span span,
                      mitem *out)
{
    bool edge;
    size_t idx;
    int rc = resolve_qual(m, var, span, &edge, &idx);
    if (rc)
        return rc;
    *out = (mitem){.edge = edge, .slot = idx, .what = I_ID};
    if (!prop->len)
        return SK_OK;
    static const struct { const char *name; item_what what; bool node, edge; } special[] = {
        {"id", I_ID, true, true},         {"type", I_TYPE, true, true},
        {"key", I_KEY, true, false},      {"label", I_LABEL, true, false},
        {"grade", I_GRADE, true, true},   {"time", I_TIME, false, true},
        {"weight", I_WEIGHT, false, true}, {"src", I_SRC, false, true},
        {"dst", I_DST, false, true},
    };
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        if (!strcmp(prop->text, special[i].name) && (edge ? special[i].edge : special[i].node)) {
            out->what = special[i].what;
            return SK_OK;
        }
    out->what = I_PROP;
    return sk_exec_prop(m->x, prop, &out->prop);
}

static int add_column(mctx *m, const char *name, size_t len, const char *suffix)
{
    size_t sl = suffix ? strlen(suffix) : 0;
    char *s = sk_arena_alloc(m->x->tmp, len + sl + 1);
    if (!s)
        return nomem(m);
    memcpy(s, name, len);
    if (sl)
        memcpy(s + len, suffix, sl);
    s[len + sl] = '\0';
    m->colnames[m->ncols++] = s;
    return SK_OK;
}

/* One return item: VAR gives two columns (the id, and the label of an
 * entity or the type of a link), VAR.PROP one. */
static int return_item(mctx *m, const sk_ast_name *var, const sk_ast_name *prop,
                       const sk_ast_name *alias, sk_span span)
{
    mitem it;
    int rc = parse_item(m, var, prop, span, &it);
    if (rc)
        return rc;
    const char *name = alias && alias->len ? alias->text : NULL;
    if (!name && prop->len) {
        char *full = sk_arena_alloc(m->x->tmp, var->len + prop->len + 2);
        if (!full)
            return nomem(m);
        snprintf(full, var->len + prop->len + 2, "%s.%s", var->text, prop->text);
        name = full;
    }
    if (!name)
        name = var->text;
    if ((rc = add_item(m, it)) || (rc = add_column(m, name, strlen(name), NULL)))
        return rc;
    if (prop->len)
        return SK_OK;
    it.what = it.edge ? I_TYPE : I_LABEL;
    if ((rc = add_item(m, it)))
        return rc;
    return add_column(m, name, strlen(name), it.edge ? ".type" : ".label");
}

static int plan_items(mctx *m)
{
    const sk_ast_clauses *cl = &m->st->cl;
    m->graph = sk_ast_has(cl, SK_CL_RETURN) && cl->ret.graph;
    if (m->graph) {
        if (sk_ast_has(cl, SK_CL_ORDER))
            return sk_exec_fail(m->x, SK_EINVAL, cl->span[SK_CL_ORDER],
                                "'order by' orders rows; 'return graph' has none");
        return SK_OK;
    }
    size_t most = 2 * (m->nnodes + m->nedges + (sk_ast_has(cl, SK_CL_RETURN) ? cl->ret.n : 0));
    m->colnames = sk_arena_alloc(m->x->tmp, (most ? most : 1) * sizeof *m->colnames);
    if (!m->colnames)
        return nomem(m);
    int rc = SK_OK;
    if (sk_ast_has(cl, SK_CL_RETURN)) {
        for (size_t i = 0; !rc && i < cl->ret.n; i++)
            rc = return_item(m, &cl->ret.v[i].var, &cl->ret.v[i].prop, &cl->ret.v[i].alias,
                             cl->ret.v[i].span);
        return rc;
    }
    /* No return clause: every named variable, entities first. */
    sk_ast_name none = {0};
    bool any = false;
    for (size_t i = 0; !rc && i < m->nnodes + m->nedges; i++) {
        bool edge = i >= m->nnodes;
        size_t k = edge ? i - m->nnodes : i;
        if (edge ? !m->edges[k].named || m->edges[k].varlen : !m->nodes[k].named)
            continue;
        const char *name = edge ? m->edges[k].name : m->nodes[k].name;
        sk_ast_name v = {.text = name, .len = strlen(name), .span = m->st->span};
        rc = return_item(m, &v, &none, NULL, m->st->span);
        any = true;
    }
    if (!any && !rc) {
        /* Only anonymous nodes: show them all, by their made-up names. */
        for (size_t k = 0; !rc && k < m->nnodes; k++) {
            mitem it = {.slot = k, .what = I_ID};
            if (!(rc = add_item(m, it)))
                rc = add_column(m, m->nodes[k].name, strlen(m->nodes[k].name), NULL);
        }
    }
    return rc;
}

/* Order keys: a return column by name or alias, or VAR.PROP. */
static int plan_order(mctx *m, size_t **okey, bool **desc)
{
    const sk_ast_clauses *cl = &m->st->cl;
    *okey = NULL;
    *desc = NULL;
    if (!sk_ast_has(cl, SK_CL_ORDER))
        return SK_OK;
    *okey = sk_arena_alloc(m->x->tmp, cl->norder * sizeof **okey);
    *desc = sk_arena_alloc(m->x->tmp, cl->norder * sizeof **desc);
    if (!*okey || !*desc)
        return nomem(m);
    for (size_t k = 0; k < cl->norder; k++) {
        const sk_ast_prop *p = &cl->order[k].prop;
        (*desc)[k] = cl->order[k].desc;
        char full[2 * SK_QUERY_MAX_NAME + 2];
        snprintf(full, sizeof full, "%s%s%s", p->qual.len ? p->qual.text : "",
                 p->qual.len ? "." : "", p->name.text);
        size_t col = SIZE_MAX;
        for (size_t c = 0; c < m->ncols && col == SIZE_MAX; c++)
            if (!strcmp(m->colnames[c], full))
                col = c;
        if (col == SIZE_MAX) {
            const sk_ast_name *var = p->qual.len ? &p->qual : &p->name;
            const sk_ast_name none = {0};
            mitem it;
            bool edge;
            size_t idx;
            if (!p->qual.len && !find_var(m, p->name.text, &edge, &idx))
                return sk_exec_fail(m->x, SK_EINVAL, p->span,
                                    "cannot order by '%s': name a return column or VAR.PROP",
                                    full);
            int rc = parse_item(m, var, p->qual.len ? &p->name : &none, p->span, &it);
            if (!rc)
                rc = add_item(m, it);
            if (rc)
                return rc;
            col = m->nitems - 1;
        }
        (*okey)[k] = col;
    }
    return SK_OK;
}

/* ---- Planning ------------------------------------------------------------------------ */

/* Whether an equality on TEXT may use the string-property index: the index
 * holds folded strings only, so TEXT must be one no number, date-time, id,
 * boolean or point can print as (cond.c compares those through their text),
 * and short enough that the index holds it whole. */
static bool index_safe(const char *s, size_t len)
{
    if (len == 0 || len > 300 || strchr("0123456789+-.#", s[0]))
        return false;
    if ((len == 4 && !strncasecmp(s, "true", 4)) || (len == 5 && !strncasecmp(s, "false", 5)))
        return false;
    char buf[64];
    if (len < sizeof buf) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        char *end;
        strtod(buf, &end);
        if (*end == '\0')
            return false;
    }
    return true;
}

static int ensure_stats(mctx *m)
{
    if (m->have_stats)
        return SK_OK;
    int rc = sk_stats_get(m->x->t, m->x->tmp, &m->stats);
    if (rc)
        return sk_exec_store_fail(m->x, rc, m->st->span);
    m->have_stats = true;
    return SK_OK;
}

static uint64_t type_count(const mctx *m, sk_sym type)
{
    if (!type)
        return m->stats.entities;
    for (size_t i = 0; i < m->stats.n_etypes; i++)
        if (m->stats.etypes[i].sym == type)
            return m->stats.etypes[i].n;
    return 0;
}

/* Entities of TYPE whose PROP equals TEXT in the index, counted up to
 * ESTIMATE_CAP. */
static int prop_estimate(mctx *m, sk_sym type, sk_sym prop, const char *text, size_t len,
                         uint64_t *out)
{
    sk_idcur *c;
    int rc = sk_scan_prop(m->x->t, type, prop, text, len, false, &c);
    if (rc)
        return sk_exec_store_fail(m->x, rc, m->st->span);
    sk_id id;
    *out = 0;
    while (*out < ESTIMATE_CAP && (rc = sk_idcur_next(c, &id)) == SK_OK)
        (*out)++;
    sk_idcur_close(c);
    return rc == SK_OK || rc == SK_DONE ? SK_OK : sk_exec_store_fail(m->x, rc, m->st->span);
}

/* Considers the equality term C as an access path for slot S. */
static int consider_term(mctx *m, size_t s, const sk_ast_cond *c, access *best)
{
    if (c->kind != SK_COND_CMP || c->u.cmp.op != SK_OP_EQ)
        return SK_OK;
    const sk_ast_prop *p = &c->u.cmp.prop;
    const sk_ast_lit *v = &c->u.cmp.value;
    if (!p->qual.len || strcmp(p->qual.text, m->nodes[s].name))
        return SK_OK;
    const char *name = p->name.text;
    if (!strcmp(name, "id") && (v->kind == SK_LIT_ID || v->kind == SK_LIT_INT)) {
        sk_id id = v->kind == SK_LIT_ID ? v->u.id : (sk_id)v->u.i;
        if (best->estimate > 1)
            *best = (access){.how = ACC_ID, .id = id, .estimate = 1};
        return SK_OK;
    }
    if ((v->kind != SK_LIT_STR && v->kind != SK_LIT_WORD) ||
        !index_safe(v->u.str.ptr, v->u.str.len))
        return SK_OK;
    static const char *const special[] = {"id", "type", "key", "grade", "source", "time"};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        if (!strcmp(name, special[i]))
            return SK_OK;
    sk_sym prop = 0;
    if (strcmp(name, "label") &&
        sk_name_intern(m->x->t, SK_DICT_PROP, name, strlen(name), false, &prop) != SK_OK)
        return SK_OK;
    uint64_t n = 0;
    int rc = prop_estimate(m, m->nodes[s].type, prop, v->u.str.ptr, v->u.str.len, &n);
    if (!rc && n < best->estimate)
        *best = (access){.how = ACC_PROP, .prop = prop, .text = v->u.str.ptr,
                         .len = v->u.str.len, .estimate = n};
    return rc;
}

/* The cheapest way to find the candidates of slot S. */
static int best_access(mctx *m, size_t s, access *best)
{
    mnode *n = &m->nodes[s];
    int rc = ensure_stats(m);
    if (rc)
        return rc;
    *best = (access){.how = ACC_TYPE, .estimate = type_count(m, n->type)};
    if (m->x->planner_off)
        return SK_OK;
    if (n->key && n->type && best->estimate > 1)
        *best = (access){.how = ACC_KEY, .text = n->key->u.str.ptr, .len = n->key->u.str.len,
                         .estimate = 1};
    for (size_t i = 0; !rc && i < m->nconds; i++)
        rc = consider_term(m, s, m->conds[i].ast, best);
    return rc;
}

static void describe_access(mctx *m, const mstep *sp)
{
    const mnode *n = &m->nodes[sp->node];
    const char *type = n->type ? sk_exec_name(m->x, SK_DICT_ETYPE, n->type) : "";
    const char *how = "";
    char what[512];
    switch (sp->acc.how) {
    case ACC_TYPE:
        snprintf(what, sizeof what, "scan of %s%s (%llu %s)", n->type ? "type " : "every entity",
                 type, (unsigned long long)sp->acc.estimate,
                 sp->acc.estimate == 1 ? "entity" : "entities");
        how = m->x->planner_off ? " (planner off)" : "";
        break;
    case ACC_ID:
        snprintf(what, sizeof what, "id #%llu", (unsigned long long)sp->acc.id);
        break;
    case ACC_KEY:
        snprintf(what, sizeof what, "key index %s \"%.*s\"", type, (int)sp->acc.len, sp->acc.text);
        break;
    case ACC_PROP:
        snprintf(what, sizeof what, "property index %s.%s = \"%.*s\" (%s%llu %s)", type,
                 sp->acc.prop ? sk_exec_name(m->x, SK_DICT_PROP, sp->acc.prop) : "label",
                 (int)sp->acc.len, sp->acc.text, sp->acc.estimate >= ESTIMATE_CAP ? ">= " : "",
                 (unsigned long long)sp->acc.estimate,
                 sp->acc.estimate == 1 ? "entity" : "entities");
        break;
    }
    sk_exec_plan(m->x, "match: start at (%s%s%s) by %s%s", n->named ? n->name : "",
                 n->type ? ":" : "", type, what, how);
}

static void describe_expand(mctx *m, const mstep *sp)
{
    const medge *e = &m->edges[sp->edge];
    const mnode *from = &m->nodes[sp->forward ? e->a : e->b];
    const mnode *to = &m->nodes[sp->forward ? e->b : e->a];
    char types[256] = "";
    for (size_t i = 0, n = 0; i < e->nltypes && n < sizeof types; i++)
        n += (size_t)snprintf(types + n, sizeof types - n, "%s%s", i ? "|" : ":",
                              sk_exec_name(m->x, SK_DICT_LTYPE, e->ltypes[i]));
    char hops[32] = "";
    if (e->varlen)
        snprintf(hops, sizeof hops, "*%u..%u", e->min, e->max);
    sk_exec_plan(m->x, "match: %s (%s) -[%s%s%s]- (%s)%s", sp->check ? "check" : "expand",
                 from->name, e->named ? e->name : "", types, hops, to->name,
                 sp->check ? "" : (to->type ? " by adjacency, type tested" : " by adjacency"));
}

/* Orders the work: a start slot, then edges in pattern order as they
 * touch bound slots, a new start for each pattern not joined to them. */
static int plan_steps(mctx *m)
{
    size_t total = m->nnodes + m->nedges;
    m->steps = calloc(total ? total : 1, sizeof *m->steps);
    bool *bound = calloc(m->nnodes ? m->nnodes : 1, sizeof *bound);
    bool *used = calloc(m->nedges ? m->nedges : 1, sizeof *used);
    int rc = m->steps && bound && used ? SK_OK : nomem(m);
    size_t nbound = 0;
    while (!rc && m->nsteps < total) {
        size_t pick = SIZE_MAX;
        for (size_t i = 0; i < m->nedges && pick == SIZE_MAX; i++)
            if (!used[i] && (bound[m->edges[i].a] || bound[m->edges[i].b]))
                pick = i;
        mstep *sp = &m->steps[m->nsteps];
        if (pick != SIZE_MAX) {
            medge *e = &m->edges[pick];
            used[pick] = true;
            *sp = (mstep){.kind = S_EXPAND, .edge = pick, .forward = bound[e->a]};
            sp->node = sp->forward ? e->b : e->a;
            sp->check = bound[sp->node];
            e->bound_at = m->nsteps;
            describe_expand(m, sp);
        } else {
            /* A new start: the most selective unbound slot. */
            access best = {0}, a;
            size_t s = SIZE_MAX;
            for (size_t i = 0; !rc && i < m->nnodes; i++) {
                if (bound[i])
                    continue;
                rc = best_access(m, i, &a);
                if (!rc && (s == SIZE_MAX || a.estimate < best.estimate)) {
                    best = a;
                    s = i;
                }
                if (m->x->planner_off)
                    break;
            }
            if (rc || s == SIZE_MAX)
                break;  /* every slot and edge is placed */
            /* With a limit and no index to start from, starting at the
             * slot that leads the row order lets the scan stop early. */
            if (m->nsteps == 0 && !m->x->planner_off && best.how == ACC_TYPE &&
                m->lead != SIZE_MAX && m->lead != s && sk_ast_has(&m->st->cl, SK_CL_LIMIT)) {
                rc = best_access(m, m->lead, &a);
                if (rc)
                    break;
                if (a.how == ACC_TYPE) {
                    best = a;
                    s = m->lead;
                }
            }
            *sp = (mstep){.kind = S_SCAN, .node = s, .acc = best};
            describe_access(m, sp);
        }
        if (!sp->check && !bound[sp->node]) {
            bound[sp->node] = true;
            m->nodes[sp->node].bound_at = m->nsteps;
            nbound++;
        }
        m->nsteps++;
    }
    free(bound);
    free(used);
    return rc;
}

/* Gives each condition its level and each step the conditions it ends. */
static int place_conds(mctx *m)
{
    size_t *count = calloc(m->nsteps ? m->nsteps : 1, sizeof *count);
    if (!count)
        return nomem(m);
    int rc = SK_OK;
    for (size_t i = 0; !rc && i < m->nconds; i++) {
        level_ctx l = {.level = 0};
        rc = each_prop(m, m->conds[i].ast, cond_var, &l);
        m->conds[i].level = l.level;
        if (!rc)
            count[l.level]++;
    }
    for (size_t s = 0; !rc && s < m->nsteps; s++) {
        m->steps[s].conds = sk_arena_alloc(m->x->tmp, (count[s] ? count[s] : 1) * sizeof(size_t));
        if (!m->steps[s].conds)
            rc = nomem(m);
    }
    for (size_t i = 0; !rc && i < m->nconds; i++) {
        mstep *sp = &m->steps[m->conds[i].level];
        sp->conds[sp->nconds++] = i;
    }
    free(count);
    return rc;
}

/* The variables conditions see. */
static int plan_env(mctx *m)
{
    size_t n = m->nnodes + m->nedges;
    sk_arena *a = m->x->tmp;
    m->vnames = sk_arena_alloc(a, (n ? n : 1) * sizeof *m->vnames);
    m->vents = sk_arena_alloc(a, (n ? n : 1) * sizeof *m->vents);
    m->vlinks = sk_arena_alloc(a, (n ? n : 1) * sizeof *m->vlinks);
    if (!m->vnames || !m->vents || !m->vlinks)
        return nomem(m);
    for (size_t i = 0; i < m->nnodes; i++) {
        m->vnames[m->nvars] = m->nodes[i].name;
        m->vents[m->nvars] = NULL;
        m->vlinks[m->nvars++] = NULL;
    }
    for (size_t i = 0; i < m->nedges; i++) {
        if (m->edges[i].varlen)
            continue;
        m->vnames[m->nvars] = m->edges[i].name;
        m->vents[m->nvars] = NULL;
        m->vlinks[m->nvars++] = &m->edges[i].link;
    }
    m->env = (sk_cond_env){.var_names = m->vnames, .var_entities = m->vents,
                           .var_links = m->vlinks, .nvars = m->nvars};
    for (size_t i = 0; i < m->nnodes; i++) {
        mnode *nd = &m->nodes[i];
        /* Bound by the last step, every binding that holds becomes a row:
         * reading the record then saves a separate type test. */
        if (nd->item_entity && m->nsteps && nd->bound_at == m->nsteps - 1)
            nd->need_entity = true;
        if ((nd->need_entity || nd->item_entity) && !(nd->arena = sk_arena_new()))
            return nomem(m);
    }
    for (size_t i = 0; i < m->nedges; i++)
        if (m->edges[i].need_link && !(m->edges[i].arena = sk_arena_new()))
            return nomem(m);
    return SK_OK;
}

/* ---- Binding -------------------------------------------------------------------------- */

/* Whether entity ENT has the key the {key: …} of slot N asks for: the
 * literal normalised by the entity's type, compared exactly. */
static bool node_key_ok(mctx *m, const mnode *n)
{
    char norm[512];
    int len = sk_entity_normkey(m->x->t, n->ent.type, n->key->u.str.ptr, n->key->u.str.len, norm,
                                sizeof norm);
    return len >= 0 && (size_t)len == n->ent.key_len &&
           (len == 0 || !memcmp(norm, n->ent.key, (size_t)len));
}

/* Binds slot S to entity ID; *OK false when ID does not fit the slot. */
static int bind_node(mctx *m, size_t s, sk_id id, bool type_known, bool *ok)
{
    mnode *n = &m->nodes[s];
    *ok = false;
    n->loaded = false;
    if (n->need_entity) {
        sk_arena_reset(n->arena);
        int rc = sk_entity_get(m->x->t, id, n->arena, &n->ent);
        if (rc == SK_ENOTFOUND)
            return SK_OK;
        if (rc)
            return sk_exec_store_fail(m->x, rc, m->st->span);
        if (n->type && n->ent.type != n->type)
            return SK_OK;
        if (n->key && !node_key_ok(m, n))
            return SK_OK;
        m->vents[s] = &n->ent;
        n->loaded = true;
    } else if (n->type && !type_known) {
        sk_sym t;
        int rc = sk_entity_type(m->x->t, id, &t);
        if (rc == SK_ENOTFOUND)
            return SK_OK;
        if (rc)
            return sk_exec_store_fail(m->x, rc, m->st->span);
        if (t != n->type)
            return SK_OK;
    }
    n->id = id;
    *ok = true;
    return SK_OK;
}

static void unbind_node(mctx *m, size_t s)
{
    m->nodes[s].id = 0;
    m->nodes[s].loaded = false;
    m->vents[s] = NULL;
}

/* Index of edge E among the condition variables. */
static size_t edge_var(const mctx *m, size_t e)
{
    size_t v = m->nnodes;
    for (size_t i = 0; i < e; i++)
        v += !m->edges[i].varlen;
    return v;
}

/* Whether LINK is already bound by another edge than SKIP. */
static bool link_taken(const mctx *m, sk_id link, size_t skip)
{
    for (size_t i = 0; i < m->nedges; i++) {
        const medge *e = &m->edges[i];
        if (i == skip)
            continue;
        if (!e->varlen && e->link.id == link)
            return true;
        for (size_t k = 0; e->varlen && k < e->plen; k++)
            if (e->path[k] == link)
                return true;
    }
    return false;
}

/* Binds the edge of step SP to candidate C. */
static int bind_edge(mctx *m, mstep *sp, const cand *c, bool *ok)
{
    medge *e = &m->edges[sp->edge];
    *ok = false;
    if (e->varlen) {
        const sk_id *path = c->plen ? sp->paths + c->path : NULL;
        for (size_t k = 0; k < c->plen; k++)
            if (link_taken(m, path[k], sp->edge))
                return SK_OK;
        e->path = path;
        e->plen = c->plen;
        *ok = true;
        return SK_OK;
    }
    if (link_taken(m, c->link, sp->edge))
        return SK_OK;
    if (e->need_link) {
        sk_arena_reset(e->arena);
        int rc = sk_link_get(m->x->t, c->link, e->arena, &e->link);
        if (rc)
            return sk_exec_store_fail(m->x, rc, m->st->span);
    } else {
        /* Built from the adjacency record: id, ends, type and time. */
        bool in = c->dir == SK_DIR_IN;
        e->link = (sk_link){.id = c->link, .src = in ? c->node : c->from,
                            .dst = in ? c->from : c->node, .type = c->ltype,
                            .directed = c->dir != SK_DIR_UNDIR, .t_start = c->time,
                            .t_end = c->time, .weight = 1.0};
    }
    m->vlinks[edge_var(m, sp->edge)] = &e->link;
    *ok = true;
    return SK_OK;
}

static void unbind_edge(mctx *m, const mstep *sp)
{
    medge *e = &m->edges[sp->edge];
    if (e->varlen) {
        e->path = NULL;
        e->plen = 0;
    } else {
        e->link.id = 0;
    }
}

/* ---- Candidates of an expansion --------------------------------------------------------- */

/* Directions to follow from the entity written before (FORWARD) or after
 * the link pattern; a directed pattern also matches an undirected link. */
static unsigned dirmask(const medge *e, bool forward)
{
    switch (e->at->dir) {
    case SK_AST_DIR_OUT: return (forward ? SK_DIR_OUT : SK_DIR_IN) | SK_DIR_UNDIR;
    case SK_AST_DIR_IN: return (forward ? SK_DIR_IN : SK_DIR_OUT) | SK_DIR_UNDIR;
    default: return SK_DIR_ANY;
    }
}

static int push_cand(mctx *m, mstep *sp, const cand *c)
{
    if (!grow((void **)&sp->c, &sp->capc, sp->nc + 1, sizeof *sp->c))
        return nomem(m);
    sp->c[sp->nc++] = *c;
    return SK_OK;
}

/* Reads the links of FROM that edge E may follow into OUT (entries). */
typedef struct adjvec {
    sk_adj *v;
    size_t n, cap;
} adjvec;

static int read_adj(mctx *m, const medge *e, bool forward, sk_id from, adjvec *out)
{
    out->n = 0;
    size_t ranges = e->nltypes ? e->nltypes : 1;
    unsigned mask = dirmask(e, forward);
    sk_arena *scratch = NULL;
    int rc = SK_OK;
    for (size_t r = 0; !rc && r < ranges; r++) {
        rc = sk_adj_seek(m->cur, from, e->nltypes ? e->ltypes[r] : 0, mask);
        if (rc)
            return sk_exec_store_fail(m->x, rc, m->st->span);
        sk_adj a;
        while ((rc = sk_adj_next(m->cur, &a)) == SK_OK) {
            if (e->hop_cond) {
                sk_link l;
                if (!scratch && !(scratch = sk_arena_new()))
                    return nomem(m);
                sk_arena_reset(scratch);
                if ((rc = sk_link_get(m->x->t, a.link, scratch, &l)) != SK_OK)
                    break;
                sk_cond_env env = {.link = &l};
                if (!sk_cond_eval(m->x, e->hop_cond, &env))
                    continue;
            }
            if (!grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v)) {
                sk_arena_free(scratch);
                return nomem(m);
            }
            out->v[out->n++] = a;
        }
        rc = rc == SK_DONE ? SK_OK : sk_exec_store_fail(m->x, rc, m->st->span);
    }
    sk_arena_free(scratch);
    return rc ? rc : m->x->code;
}

/* Every path of a variable-length segment from FROM (ending at TARGET when
 * it is not 0), depth first with an explicit stack; no link twice. */
static int varlen_cands(mctx *m, mstep *sp, sk_id from, sk_id target)
{
    medge *e = &m->edges[sp->edge];
    if (e->min == 0 && (!target || target == from)) {
        cand c = {.node = from, .from = from, .path = sp->npaths, .plen = 0};
        int rc = push_cand(m, sp, &c);
        if (rc)
            return rc;
    }
    if (e->max == 0)
        return SK_OK;
    adjvec lv[SK_QUERY_MAX_HOPS] = {{0}};
    size_t pos[SK_QUERY_MAX_HOPS] = {0};
    sk_id path[SK_QUERY_MAX_HOPS];
    size_t found = 0, depth = 0, walked = 0;
    int rc = read_adj(m, e, sp->forward, from, &lv[0]);
    while (!rc) {
        if (pos[depth] == lv[depth].n) {
            if (depth == 0)
                break;
            depth--;
            continue;
        }
        const sk_adj *a = &lv[depth].v[pos[depth]++];
        bool repeat = false;
        for (size_t k = 0; k < depth && !repeat; k++)
            repeat = path[k] == a->link;
        if (repeat)
            continue;
        path[depth] = a->link;
        size_t len = depth + 1;
        /* A check (TARGET set) may walk many paths that do not end where
         * it wants: the walk itself is bounded and can be cancelled. */
        if ((++walked & 4095) == 0 && (rc = sk_exec_check(m->x, m->st->span)) != SK_OK)
            break;
        if (walked > VARLEN_WALK_MAX) {
            m->paths_cut = true;
            break;
        }
        if (len >= e->min && (!target || a->nb == target)) {
            if (++found > SK_QUERY_MAX_PATHS) {
                m->paths_cut = true;
                break;
            }
            if (!grow((void **)&sp->paths, &sp->cappaths, sp->npaths + len, sizeof *sp->paths)) {
                rc = nomem(m);
                break;
            }
            memcpy(sp->paths + sp->npaths, path, len * sizeof *path);
            cand c = {.node = a->nb, .from = from, .path = sp->npaths, .plen = len};
            sp->npaths += len;
            if ((rc = push_cand(m, sp, &c)) != SK_OK)
                break;
        }
        if (len < e->max) {
            uint64_t deg = 0;
            if (sk_adj_degree(m->x->t, a->nb, &deg) == SK_OK && deg > SK_QUERY_SUPERNODE) {
                m->capped++;
                continue;
            }
            if ((rc = read_adj(m, e, sp->forward, a->nb, &lv[depth + 1])) != SK_OK)
                break;
            pos[++depth] = 0;
        }
    }
    for (size_t i = 0; i < SK_QUERY_MAX_HOPS; i++)
        free(lv[i].v);
    return rc;
}

/* Fills the candidates of expansion step SP from the bound slot. */
static int expand_cands(mctx *m, mstep *sp)
{
    medge *e = &m->edges[sp->edge];
    sk_id from = m->nodes[sp->forward ? e->a : e->b].id;
    sk_id target = sp->check ? m->nodes[sp->node].id : 0;
    sp->nc = sp->pos = sp->npaths = 0;
    if (e->varlen)
        return varlen_cands(m, sp, from, target);
    adjvec av = {0};
    int rc = read_adj(m, e, sp->forward, from, &av);
    for (size_t i = 0; !rc && i < av.n; i++) {
        if (target && av.v[i].nb != target)
            continue;
        cand c = {.node = av.v[i].nb, .link = av.v[i].link, .from = from, .dir = av.v[i].dir,
                  .ltype = av.v[i].ltype, .time = av.v[i].time};
        rc = push_cand(m, sp, &c);
    }
    free(av.v);
    return rc;
}

/* ---- Rows ------------------------------------------------------------------------------ */

static int value_rank(sk_vtype t)
{
    switch (t) {
    case SK_V_BOOL: return 1;
    case SK_V_INT: case SK_V_REAL: return 2;
    case SK_V_TIME: return 3;
    case SK_V_STR: return 4;
    case SK_V_ID: return 5;
    case SK_V_GEO: return 6;
    default: return 9;  /* NULL last */
    }
}

/* A total order on values: by kind, then value; NULL after everything. */
static int cmp_value(const sk_value *a, const sk_value *b)
{
    int ra = value_rank(a->type), rb = value_rank(b->type);
    if (ra != rb)
        return (ra > rb) - (ra < rb);
    switch (a->type) {
    case SK_V_BOOL: return (a->u.b > b->u.b) - (a->u.b < b->u.b);
    case SK_V_INT:
    case SK_V_REAL:
        if (a->type == SK_V_INT && b->type == SK_V_INT)
            return (a->u.i > b->u.i) - (a->u.i < b->u.i);
        {
            double x = a->type == SK_V_INT ? (double)a->u.i : a->u.r;
            double y = b->type == SK_V_INT ? (double)b->u.i : b->u.r;
            return (x > y) - (x < y);
        }
    case SK_V_TIME: return (a->u.time.t > b->u.time.t) - (a->u.time.t < b->u.time.t);
    case SK_V_STR: {
        size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
        int c = n ? memcmp(a->u.str.ptr, b->u.str.ptr, n) : 0;
        return c ? (c > 0) - (c < 0) : (a->u.str.len > b->u.str.len) - (a->u.str.len < b->u.str.len);
    }
    case SK_V_ID: {
        uint64_t x = (uint64_t)a->u.i, y = (uint64_t)b->u.i;
        return (x > y) - (x < y);
    }
    case SK_V_GEO: {
        int c = (a->u.geo.lat > b->u.geo.lat) - (a->u.geo.lat < b->u.geo.lat);
        return c ? c : (a->u.geo.lon > b->u.geo.lon) - (a->u.geo.lon < b->u.geo.lon);
    }
    default: return 0;
    }
}

/* The row order: the 'order by' keys, then every value left to right. */
static int vals_cmp(const rowstore *rs, const sk_value *a, const sk_value *b)
{
    if (rs->idk) {
        for (size_t k = 0; k < rs->nidk; k++) {
            int c = cmp_value(&a[rs->idk[k]], &b[rs->idk[k]]);
            if (c)
                return rs->idk_desc[k] ? -c : c;
        }
        return 0;  /* the same entities and links: the same values */
    }
    for (size_t k = 0; k < rs->nokeys; k++) {
        int c = cmp_value(&a[rs->okey[k]], &b[rs->okey[k]]);
        if (c)
            return rs->desc[k] ? -c : c;
    }
    for (size_t k = 0; k < rs->width; k++) {
        int c = cmp_value(&a[k], &b[k]);
        if (c)
            return c;
    }
    return 0;
}

static int row_cmp(void *ctx, size_t i, size_t j)
{
    const rowstore *rs = ctx;
    return vals_cmp(rs, rs->rows[i], rs->rows[j]);
}

static bool copy_row(sk_arena *a, const sk_value *src, size_t width, sk_value **out)
{
    sk_value *r = sk_arena_alloc(a, (width ? width : 1) * sizeof *r);
    if (!r)
        return false;
    for (size_t k = 0; k < width; k++) {
        r[k] = src[k];
        if (src[k].type == SK_V_STR) {
            char *s = sk_arena_strndup(a, src[k].u.str.ptr, src[k].u.str.len);
            if (!s)
                return false;
            r[k].u.str.ptr = s;
        }
    }
    *out = r;
    return true;
}

/* Sorts the rows and keeps the first rs->keep. When some are dropped the
 * kept ones are copied into a fresh arena so the memory of the dropped
 * ones is returned; when none is, only the row pointers are reordered. */
static int rs_trim(rowstore *rs)
{
    if (rs->sorted)
        return SK_OK;
    size_t *ix = malloc((rs->n ? rs->n : 1) * sizeof *ix);
    if (!ix)
        return SK_ENOMEM;
    for (size_t i = 0; i < rs->n; i++)
        ix[i] = i;
    int rc = sk_sort_ix(ix, rs->n, row_cmp, rs);
    size_t keep = rs->n < rs->keep ? rs->n : rs->keep;
    bool dropping = rs->n > keep;
    sk_arena *fresh = rc || !dropping ? NULL : sk_arena_new();
    sk_value **rows = rc || (dropping && !fresh) ? NULL
                                                 : malloc((rs->cap ? rs->cap : 1) * sizeof *rows);
    if (!rows)
        rc = rc ? rc : SK_ENOMEM;
    for (size_t i = 0; !rc && i < keep; i++) {
        if (!dropping)
            rows[i] = rs->rows[ix[i]];
        else if (!copy_row(fresh, rs->rows[ix[i]], rs->width, &rows[i]))
            rc = SK_ENOMEM;
    }
    free(ix);
    if (rc) {
        sk_arena_free(fresh);
        free(rows);
        return rc;
    }
    if (dropping) {
        rs->cut = true;
        sk_arena_free(rs->arena);
        rs->arena = fresh;
    }
    free(rs->rows);
    rs->rows = rows;
    rs->n = keep;
    rs->sorted = true;
    /* Sorted and full: a row not before the last one cannot be kept. */
    rs->bar = keep && keep == rs->keep ? rows[keep - 1] : NULL;
    return SK_OK;
}

static int rs_add(rowstore *rs, const sk_value *vals)
{
    /* A row that ties with the bar arrived later, so it sorts after it. */
    if (rs->keep == 0 || (rs->bar && vals_cmp(rs, vals, rs->bar) >= 0)) {
        rs->cut = true;
        return SK_OK;
    }
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        if (cap > 2 * rs->keep + 1)
            cap = 2 * rs->keep + 1;
        sk_value **p = realloc(rs->rows, cap * sizeof *p);
        if (!p)
            return SK_ENOMEM;
        rs->rows = p;
        rs->cap = cap;
    }
    if (!copy_row(rs->arena, vals, rs->width, &rs->rows[rs->n]))
        return SK_ENOMEM;
    rs->n++;
    rs->sorted = false;
    /* The first sort sets the bar early; later ones only bound memory. */
    return rs->n > 2 * rs->keep || (rs->n == rs->keep && !rs->bar) ? rs_trim(rs) : SK_OK;
}

static void rs_free(rowstore *rs)
{
    sk_arena_free(rs->arena);
    free(rs->rows);
}

/* A string value borrowed from a record (copied when the row is kept). */
static sk_value str_value(const char *s, size_t len)
{
    return (sk_value){.type = SK_V_STR, .u.str = {s, len}};
}

static sk_value prop_value(const sk_prop *props, size_t n, sk_sym prop)
{
    for (size_t i = 0; i < n; i++)
        if (props[i].name == prop)
            return props[i].value;
    return (sk_value){.type = SK_V_NULL};
}

static sk_value grade_value(mctx *m, const sk_assert *as, size_t n)
{
    sk_gradeinfo g;
    sk_exec_grade(m->x, as, n, &g);
    return g.code ? str_value(g.code, strlen(g.code)) : (sk_value){.type = SK_V_NULL};
}

/* Name of SYM, copied into x->a once per statement. */
static const char *cached_name(mctx *m, enum sk_dict d, sk_sym sym)
{
    for (size_t i = 0; i < m->nnames; i++)
        if (m->names[i].d == d && m->names[i].sym == sym)
            return m->names[i].name;
    const char *name = sk_exec_name(m->x, d, sym);
    if (m->nnames < sizeof m->names / sizeof m->names[0]) {
        m->names[m->nnames].d = d;
        m->names[m->nnames].sym = sym;
        m->names[m->nnames++].name = name;
    }
    return name;
}

static sk_value item_value(mctx *m, const mitem *it)
{
    if (!it->edge) {
        const mnode *n = &m->nodes[it->slot];
        const sk_entity *e = &n->ent;
        switch (it->what) {
        case I_ID: return (sk_value){.type = SK_V_ID, .u.i = (int64_t)n->id};
        case I_TYPE: {
            const char *t = cached_name(m, SK_DICT_ETYPE, e->type);
            return str_value(t, strlen(t));
        }
        case I_KEY: return str_value(e->key, e->key_len);
        case I_LABEL: return str_value(e->label, e->label_len);
        case I_GRADE: return grade_value(m, e->asserts, e->nasserts);
        case I_PROP: return prop_value(e->props, e->nprops, it->prop);
        default: return (sk_value){.type = SK_V_NULL};
        }
    }
    const sk_link *l = &m->edges[it->slot].link;
    switch (it->what) {
    case I_ID: return (sk_value){.type = SK_V_ID, .u.i = (int64_t)l->id};
    case I_TYPE: {
        const char *t = cached_name(m, SK_DICT_LTYPE, l->type);
        return str_value(t, strlen(t));
    }
    case I_TIME:
        return l->t_start == SK_NO_TIME ? (sk_value){.type = SK_V_NULL}
                                        : sk_exec_time(l->t_start, l->t_off);
    case I_WEIGHT: return (sk_value){.type = SK_V_REAL, .u.r = l->weight};
    case I_SRC: return (sk_value){.type = SK_V_ID, .u.i = (int64_t)l->src};
    case I_DST: return (sk_value){.type = SK_V_ID, .u.i = (int64_t)l->dst};
    case I_GRADE: return grade_value(m, l->asserts, l->nasserts);
    case I_PROP: return prop_value(l->props, l->nprops, it->prop);
    default: return (sk_value){.type = SK_V_NULL};
    }
}

/* Emits the current binding as a row: the items, or for 'return graph'
 * the bound ids (nodes, links, then each segment's links as bytes, so
 * rows compare as id sequences). */
static int emit(mctx *m, sk_value *vals)
{
    for (size_t i = 0; !m->graph && i < m->nnodes; i++) {
        mnode *n = &m->nodes[i];
        if (!n->item_entity || n->loaded)
            continue;
        sk_arena_reset(n->arena);
        int rc = sk_entity_get(m->x->t, n->id, n->arena, &n->ent);
        if (rc)
            return sk_exec_store_fail(m->x, rc, m->st->span);
        n->loaded = true;
    }
    if (!m->graph) {
        for (size_t i = 0; i < m->nitems; i++)
            vals[i] = item_value(m, &m->items[i]);
    } else {
        size_t k = 0;
        for (size_t i = 0; i < m->nnodes; i++)
            vals[k++] = (sk_value){.type = SK_V_ID, .u.i = (int64_t)m->nodes[i].id};
        for (size_t i = 0; i < m->nedges; i++) {
            const medge *e = &m->edges[i];
            if (!e->varlen) {
                vals[k++] = (sk_value){.type = SK_V_ID, .u.i = (int64_t)e->link.id};
                continue;
            }
            /* Big-endian bytes so memcmp orders like the id sequence. */
            char *b = m->pathbuf + i * SK_QUERY_MAX_HOPS * 8;
            for (size_t h = 0; h < e->plen; h++)
                for (int s = 0; s < 8; s++)
                    b[h * 8 + (size_t)s] = (char)(e->path[h] >> (56 - 8 * s));
            vals[k++] = str_value(b, e->plen * 8);
        }
    }
    return rs_add(&m->rs, vals) ? nomem(m) : SK_OK;
}

/* ---- The engine ------------------------------------------------------------------------- */

static bool conds_hold(mctx *m, const mstep *sp)
{
    for (size_t i = 0; i < sp->nconds; i++)
        if (!sk_cond_eval(m->x, m->conds[sp->conds[i]].e, &m->env))
            return false;
    return true;
}

/* Opens the scan of a start step. */
static int scan_open(mctx *m, mstep *sp)
{
    sp->started = false;
    if (sp->acc.how == ACC_ID || sp->acc.how == ACC_KEY)
        return SK_OK;
    int rc = sp->acc.how == ACC_PROP
                 ? sk_scan_prop(m->x->t, m->nodes[sp->node].type, sp->acc.prop, sp->acc.text,
                                sp->acc.len, false, &sp->cur)
                 : sk_scan_type(m->x->t, m->nodes[sp->node].type, &sp->cur);
    return rc ? sk_exec_store_fail(m->x, rc, m->st->span) : SK_OK;
}

/* The next candidate of a start step into *ID; SK_DONE at the end. */
static int scan_next(mctx *m, mstep *sp, sk_id *id)
{
    if (sp->acc.how == ACC_ID || sp->acc.how == ACC_KEY) {
        if (sp->started)
            return SK_DONE;
        sp->started = true;
        if (sp->acc.how == ACC_ID) {
            *id = sp->acc.id;
            return sk_entity_exists(m->x->t, *id) ? SK_OK : SK_DONE;
        }
        int rc = sk_entity_by_key(m->x->t, m->nodes[sp->node].type, sp->acc.text, sp->acc.len,
                                  id);
        if (rc == SK_ENOTFOUND || rc == SK_EINVAL)
            return SK_DONE;
        return rc ? sk_exec_store_fail(m->x, rc, m->st->span) : SK_OK;
    }
    int rc = sk_idcur_next(sp->cur, id);
    return rc == SK_OK || rc == SK_DONE ? rc : sk_exec_store_fail(m->x, rc, m->st->span);
}

/* Prepares step S to produce its candidates. */
static int step_enter(mctx *m, size_t s)
{
    mstep *sp = &m->steps[s];
    if (sp->kind == S_SCAN) {
        sk_idcur_close(sp->cur);
        sp->cur = NULL;
        return scan_open(m, sp);
    }
    return expand_cands(m, sp);
}

/* Whether the row that candidate C of the last step SP would complete
 * sorts before the bar, judged by ids alone (rs.idk): a candidate that
 * does not is dropped before its records are read, as rs_add would drop
 * its row (a tie arrives later, so it sorts after the bar). */
static bool before_bar(const mctx *m, const mstep *sp, const cand *c)
{
    const rowstore *rs = &m->rs;
    for (size_t k = 0; k < rs->nidk; k++) {
        const mitem *it = &m->items[rs->idk[k]];
        sk_id id;
        if (it->edge)
            id = it->slot == sp->edge ? c->link : m->edges[it->slot].link.id;
        else
            id = !sp->check && it->slot == sp->node ? c->node : m->nodes[it->slot].id;
        sk_id bar = (sk_id)rs->bar[rs->idk[k]].u.i;
        if (id != bar)
            return (id < bar) != rs->idk_desc[k];
    }
    return false;
}

static void step_undo(mctx *m, size_t s);

/* Binds the next candidate of step S; *GOT false when there is none left
 * (and then nothing of S is bound). */
static int step_next(mctx *m, size_t s, bool *got)
{
    mstep *sp = &m->steps[s];
    *got = false;
    for (;;) {
        bool ok = false;
        int rc;
        if (sp->kind == S_SCAN) {
            sk_id id;
            rc = scan_next(m, sp, &id);
            if (rc == SK_DONE)
                return SK_OK;
            if (!rc)
                rc = bind_node(m, sp->node, id, sp->acc.how == ACC_TYPE ||
                               sp->acc.how == ACC_PROP, &ok);
        } else {
            if (sp->pos == sp->nc)
                return SK_OK;
            const cand *c = &sp->c[sp->pos++];
            if (m->prune && m->rs.bar && s + 1 == m->nsteps && !before_bar(m, sp, c)) {
                m->rs.cut = true;
                continue;
            }
            rc = bind_edge(m, sp, c, &ok);
            if (!rc && ok && !sp->check) {
                rc = bind_node(m, sp->node, c->node, false, &ok);
                if (!ok)
                    unbind_edge(m, sp);
            }
        }
        if (rc)
            return rc;
        if (ok && conds_hold(m, sp)) {
            *got = true;
            return m->x->code;
        }
        if (ok)
            step_undo(m, s);
        if (m->x->code)
            return m->x->code;
    }
}

static void step_undo(mctx *m, size_t s)
{
    mstep *sp = &m->steps[s];
    if (sp->kind == S_EXPAND)
        unbind_edge(m, sp);
    if (sp->kind == S_SCAN || !sp->check)
        unbind_node(m, sp->node);
}

/* Runs the steps depth first: every full binding becomes a row. */
static int run(mctx *m)
{
    size_t width = m->graph ? m->nnodes + m->nedges : m->nitems;
    sk_value *vals = malloc((width ? width : 1) * sizeof *vals);
    if (!vals)
        return nomem(m);
    int rc = m->nsteps ? step_enter(m, 0) : SK_OK;
    size_t level = 0;
    uint64_t n = 0;
    bool impossible = false;
    for (size_t i = 0; i < m->nnodes; i++)
        impossible = impossible || m->nodes[i].impossible;
    while (!rc && m->nsteps && !impossible) {
        if ((++n & 1023) == 0 && (rc = sk_exec_check(m->x, m->st->span)) != SK_OK)
            break;
        /* Every row of the start entities so far is in; the rest sort
         * after them. */
        if (level == 0 && m->stream && m->rs.n >= m->rs.keep)
            break;
        bool got;
        if ((rc = step_next(m, level, &got)) != SK_OK)
            break;
        if (!got) {
            if (level == 0)
                break;
            step_undo(m, --level);
            continue;
        }
        if (level + 1 == m->nsteps) {
            rc = emit(m, vals);
            step_undo(m, level);
            continue;
        }
        rc = step_enter(m, ++level);
    }
    free(vals);
    return rc;
}

/* ---- Results -------------------------------------------------------------------------- */

static int table_result(mctx *m, sk_result *out)
{
    sk_exec *x = m->x;
    sk_tbuild *b;
    int rc = sk_tb_new(x, m->colnames, m->ncols, &b);
    for (size_t i = 0; !rc && i < m->rs.n; i++) {
        if (!sk_tb_row(b)) {
            rc = x->code;
            break;
        }
        for (size_t c = 0; !rc && c < m->ncols; c++) {
            sk_value v = m->rs.rows[i][c];
            if (v.type == SK_V_STR)
                v = sk_exec_str(x, v.u.str.ptr, v.u.str.len);
            rc = sk_tb_set(b, c, v);
        }
    }
    if (rc) {
        if (!b)
            return rc;
        sk_result junk;
        sk_tb_finish(b, &junk);
        return rc;
    }
    return sk_tb_finish(b, out);
}

static int graph_result(mctx *m, sk_result *out)
{
    sk_gbuild *b;
    int rc = sk_gb_new(m->x, &b);
    for (size_t i = 0; !rc && i < m->rs.n; i++) {
        const sk_value *r = m->rs.rows[i];
        for (size_t k = 0; !rc && k < m->nnodes; k++)
            rc = sk_gb_node(b, (sk_id)r[k].u.i, NULL);
        for (size_t k = 0; !rc && k < m->nedges; k++) {
            const sk_value *v = &r[m->nnodes + k];
            if (v->type == SK_V_ID) {
                rc = sk_gb_link(b, (sk_id)v->u.i);
                continue;
            }
            for (size_t h = 0; !rc && h < v->u.str.len / 8; h++) {
                sk_id id = 0;
                for (size_t s = 0; s < 8; s++)
                    id = id << 8 | (unsigned char)v->u.str.ptr[h * 8 + s];
                rc = sk_gb_link(b, id);
            }
        }
    }
    if (rc) {
        sk_gb_free(b);
        return rc;
    }
    return sk_gb_finish(b, out);
}

static void free_ctx(mctx *m)
{
    for (size_t i = 0; i < m->nsteps; i++) {
        sk_idcur_close(m->steps[i].cur);
        free(m->steps[i].c);
        free(m->steps[i].paths);
    }
    for (size_t i = 0; i < m->nnodes; i++)
        sk_arena_free(m->nodes[i].arena);
    for (size_t i = 0; i < m->nedges; i++)
        sk_arena_free(m->edges[i].arena);
    sk_adj_close(m->cur);
    rs_free(&m->rs);
    free(m->steps);
    free(m->nodes);
    free(m->edges);
    free(m->conds);
    free(m->items);
    free(m->pathbuf);
}

/* Reduces the row order (order keys, then every value) to the ids in it
 * when it can: a value of a slot whose id came earlier in that sequence
 * is equal whenever everything before it is, so comparing the ids alone
 * orders rows the same way. Then, with a limit, the last step can judge
 * a candidate against the bar before reading any record (m->prune). */
static int plan_idkeys(mctx *m, const size_t *okey, const bool *desc)
{
    rowstore *rs = &m->rs;
    size_t total = rs->nokeys + rs->width;
    size_t *idk = sk_arena_alloc(m->x->tmp, (total ? total : 1) * sizeof *idk);
    bool *idesc = sk_arena_alloc(m->x->tmp, (total ? total : 1) * sizeof *idesc);
    bool *seen = sk_arena_alloc(m->x->tmp, (m->nnodes + m->nedges + 1) * sizeof *seen);
    if (!idk || !idesc || !seen)
        return nomem(m);
    memset(seen, 0, (m->nnodes + m->nedges + 1) * sizeof *seen);
    size_t n = 0;
    for (size_t k = 0; k < total; k++) {
        size_t v = k < rs->nokeys ? okey[k] : k - rs->nokeys;
        const mitem *it = &m->items[v];
        if (it->edge && m->edges[it->slot].varlen)
            return SK_OK;  /* a segment binds a path, not one link */
        size_t slot = it->edge ? m->nnodes + it->slot : it->slot;
        if (it->what == I_ID) {
            idk[n] = v;
            idesc[n++] = k < rs->nokeys && desc[k];
            seen[slot] = true;
        } else if (!seen[slot]) {
            return SK_OK;
        }
    }
    rs->idk = idk;
    rs->idk_desc = idesc;
    rs->nidk = n;
    m->prune = sk_ast_has(&m->st->cl, SK_CL_LIMIT) && m->nsteps &&
               m->steps[m->nsteps - 1].kind == S_EXPAND;
    return SK_OK;
}

/* Sets up the row buffer: what a row holds and how rows are ordered. */
static int plan_rows(mctx *m, const size_t *okey, const bool *desc)
{
    const sk_ast_clauses *cl = &m->st->cl;
    bool limited = sk_ast_has(cl, SK_CL_LIMIT);
    m->rs = (rowstore){.width = m->graph ? m->nnodes + m->nedges : m->nitems,
                       .keep = limited ? cl->limit : SK_QUERY_MAX_ROWS,
                       .okey = okey, .desc = desc,
                       .nokeys = okey ? cl->norder : 0};
    m->rs.arena = sk_arena_new();
    if (!m->rs.arena)
        return nomem(m);
    return m->graph ? SK_OK : plan_idkeys(m, okey, desc);
}

/* The slot whose id leads the row order — the first 'order by' key, else
 * the first value of a row — when it leads ascending; SIZE_MAX otherwise. */
static size_t lead_slot(const mctx *m, const size_t *okey, const bool *desc)
{
    size_t first = 0;
    if (okey) {
        if (desc[0])
            return SIZE_MAX;
        first = okey[0];
    }
    if (m->graph)
        return m->nnodes ? 0 : SIZE_MAX;  /* a graph row starts with slot 0's id */
    if (first >= m->nitems)
        return SIZE_MAX;
    const mitem *it = &m->items[first];
    return !it->edge && it->what == I_ID ? it->slot : SIZE_MAX;
}

/* Whether the start scan meets the lead slot's entities in id order, so
 * that rows arrive in their order and the run can stop at the limit. */
static void plan_stream(mctx *m)
{
    if (!m->nsteps || !sk_ast_has(&m->st->cl, SK_CL_LIMIT))
        return;
    const mstep *sp = &m->steps[0];
    m->stream = m->lead == sp->node &&
                (sp->acc.how == ACC_TYPE || (sp->acc.how == ACC_PROP && m->nodes[sp->node].type));
    if (m->stream)
        sk_exec_plan(m->x, "match: rows come in id order of (%s): stop once %u are certain",
                     m->nodes[sp->node].name, m->st->cl.limit);
}

static int plan(mctx *m, size_t **okey, bool **desc)
{
    int rc = build_slots(m);
    if (!rc && sk_ast_has(&m->st->cl, SK_CL_WHERE))
        rc = add_cond(m, m->st->cl.where);
    if (!rc)
        rc = add_map_conds(m);
    if (!rc)
        rc = plan_items(m);
    if (!rc)
        rc = plan_order(m, okey, desc);
    if (!rc) {
        m->lead = lead_slot(m, *okey, *desc);
        rc = plan_steps(m);
    }
    if (!rc)
        plan_stream(m);
    if (!rc)
        rc = place_conds(m);
    if (!rc)
        rc = plan_env(m);
    if (!rc)
        rc = plan_rows(m, *okey, *desc);
    if (!rc && m->graph && !(m->pathbuf = malloc((m->nedges ? m->nedges : 1) *
                                                 SK_QUERY_MAX_HOPS * 8)))
        rc = nomem(m);
    if (!rc && (rc = sk_adj_open(m->x->t, 0, 0, SK_DIR_ANY, &m->cur)) != SK_OK)
        rc = sk_exec_store_fail(m->x, rc, m->st->span);
    return rc;
}

int sk_stage_match(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    mctx m = {.x = x, .st = st};
    size_t *okey;
    bool *desc;
    int rc = plan(&m, &okey, &desc);
    for (size_t i = 0; !rc && i < m.nnodes; i++)
        if (m.nodes[i].impossible)
            sk_exec_plan(x, "match: (%s) is asked to have two types: nothing can match",
                         m.nodes[i].name);
    if (!rc)
        rc = run(&m);
    if (!rc && rs_trim(&m.rs))
        rc = nomem(&m);
    if (!rc && m.rs.cut && !sk_ast_has(&st->cl, SK_CL_LIMIT))
        sk_exec_notice(x, "cut at %d %s (limit rows)", SK_QUERY_MAX_ROWS,
                       m.graph ? "matches" : "rows");
    if (!rc && m.capped)
        sk_exec_notice(x, "%llu entities with more than %d links were not walked through "
                       "(supernode cap)", (unsigned long long)m.capped, SK_QUERY_SUPERNODE);
    if (!rc && m.paths_cut)
        sk_exec_notice(x, "a variable-length segment was cut at %d paths, or %zu walked "
                       "(limit paths)", SK_QUERY_MAX_PATHS, VARLEN_WALK_MAX);
    if (!rc)
        rc = m.graph ? graph_result(&m, out) : table_result(&m, out);
    free_ctx(&m);
    return rc;
}
