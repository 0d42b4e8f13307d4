/*
 * info.c — what the shell tells about the case itself: `.schema` (entity
 * types, link types and the properties each carries, with counts) and
 * `.sources` (every import and manual entry with its grading and file
 * hash).
 *
 * Both build ordinary table results and print them through the same
 * printer as query results, so `.mode csv` and `.mode json` apply to them
 * too. Everything is read in one read transaction; the tables are copied
 * into an arena so nothing points into the map after it ends.
 *
 * Property counts need a pass over every entity and link (the store keeps
 * counts per type, not per property); the pass polls the Ctrl-C flag.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* ---- A table result built row by row --------------------------------- */

typedef struct tbl {
    sk_arena *a;
    sk_result r;
    size_t cap;                 /* rows the cells array holds */
} tbl;

static int tbl_init(tbl *b, sk_arena *a, const char *const *cols, size_t ncols)
{
    *b = (tbl){.a = a, .r = {.kind = SK_RESULT_TABLE}};
    b->r.table.ncols = ncols;
    b->r.table.cols = (const char **)cols;
    return SK_OK;
}

/* A new row of null cells, or NULL on ENOMEM. */
static sk_value *tbl_row(tbl *b)
{
    sk_table *t = &b->r.table;
    if (t->nrows == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        sk_value *v = sk_arena_alloc(b->a, cap * t->ncols * sizeof *v);
        if (!v)
            return NULL;
        if (t->nrows)
            memcpy(v, t->cells, t->nrows * t->ncols * sizeof *v);
        t->cells = v;
        b->cap = cap;
    }
    sk_value *row = t->cells + t->nrows++ * t->ncols;
    memset(row, 0, t->ncols * sizeof *row);
    return row;
}

static sk_value str_val(sk_arena *a, const char *s, size_t len)
{
    sk_value v = {.type = SK_V_NULL};
    char *d = s ? sk_arena_strndup(a, s, len) : NULL;
    if (d) {
        v.type = SK_V_STR;
        v.u.str.ptr = d;
        v.u.str.len = len;
    }
    return v;
}

static sk_value int_val(int64_t i)
{
    return (sk_value){.type = SK_V_INT, .u.i = i};
}

static sk_value name_val(sk_txn *t, sk_arena *a, enum sk_dict d, sk_sym sym)
{
    const char *s;
    size_t n;
    if (!sym || sk_name_get(t, d, sym, &s, &n) != SK_OK)
        return (sk_value){.type = SK_V_NULL};
    return str_val(a, s, n);
}

/* ---- .schema -------------------------------------------------------- */

/* A count of one property on one entity type or link type. */
typedef struct propcount {
    bool link;                  /* on a link type (else an entity type) */
    sk_sym type, prop;
    uint64_t n;                 /* 0 = empty slot */
} propcount;

/* Open addressing on (link, type, prop); a case has few such pairs. */
typedef struct propmap {
    propcount *v;
    size_t cap, used;
} propmap;

static size_t pm_hash(bool link, sk_sym type, sk_sym prop)
{
    uint64_t h = ((uint64_t)type << 32 | prop) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 17) ^ (link ? 0x5bd1e995u : 0);
}

static int pm_add(propmap *m, bool link, sk_sym type, sk_sym prop)
{
    if (m->used * 2 >= m->cap) {
        propmap g = {.cap = m->cap ? m->cap * 2 : 64};
        g.v = calloc(g.cap, sizeof *g.v);
        if (!g.v)
            return SK_ENOMEM;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->v[i].n)
                continue;
            size_t k = pm_hash(m->v[i].link, m->v[i].type, m->v[i].prop) & (g.cap - 1);
            while (g.v[k].n)
                k = (k + 1) & (g.cap - 1);
            g.v[k] = m->v[i];
        }
        g.used = m->used;
        free(m->v);
        *m = g;
    }
    size_t k = pm_hash(link, type, prop) & (m->cap - 1);
    while (m->v[k].n && !(m->v[k].link == link && m->v[k].type == type && m->v[k].prop == prop))
        k = (k + 1) & (m->cap - 1);
    if (!m->v[k].n) {
        m->v[k] = (propcount){.link = link, .type = type, .prop = prop};
        m->used++;
    }
    m->v[k].n++;
    return SK_OK;
}

#define POLL_EVERY 4096 /* records between looks at the Ctrl-C flag */

/* Counts the properties of every entity (LINKS false) or link. */
static int count_props(cli_session *cs, sk_txn *t, bool links, propmap *m)
{
    sk_idcur *cur;
    int rc = links ? sk_scan_links(t, &cur) : sk_scan_type(t, 0, &cur);
    if (rc)
        return rc;
    sk_arena *a = sk_arena_new();
    if (!a) {
        sk_idcur_close(cur);
        return SK_ENOMEM;
    }
    sk_id id;
    uint64_t seen = 0;
    while (rc == SK_OK && (rc = sk_idcur_next(cur, &id)) == SK_OK) {
        if (++seen % POLL_EVERY == 0) {
            if (cs->cancel && *cs->cancel) {
                rc = SK_ECANCELLED;
                break;
            }
            sk_arena_reset(a);
        }
        const sk_prop *p;
        size_t np;
        sk_sym type;
        if (links) {
            sk_link l;
            rc = sk_link_get(t, id, a, &l);
            p = l.props, np = l.nprops, type = l.type;
        } else {
            sk_entity e;
            rc = sk_entity_get(t, id, a, &e);
            p = e.props, np = e.nprops, type = e.type;
        }
        for (size_t i = 0; rc == SK_OK && i < np; i++)
            rc = pm_add(m, links, type, p[i].name);
    }
    sk_idcur_close(cur);
    sk_arena_free(a);
    return rc == SK_DONE ? SK_OK : rc;
}

/* Orders property counts by kind, type name, then property name. */
typedef struct named_count {
    const propcount *c;
    const char *type, *prop;
} named_count;

static int cmp_named(const void *x, const void *y)
{
    const named_count *a = x, *b = y;
    if (a->c->link != b->c->link)
        return a->c->link ? 1 : -1;
    int d = strcmp(a->type, b->type);
    return d ? d : strcmp(a->prop, b->prop);
}

static int props_table(sk_txn *t, sk_arena *a, const propmap *m, tbl *b)
{
    static const char *const cols[] = {"on", "type", "property", "count"};
    tbl_init(b, a, cols, 4);
    named_count *v = m->used ? calloc(m->used, sizeof *v) : NULL;
    if (m->used && !v)
        return SK_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->v[i].n)
            continue;
        sk_value tv = name_val(t, a, m->v[i].link ? SK_DICT_LTYPE : SK_DICT_ETYPE, m->v[i].type);
        sk_value pv = name_val(t, a, SK_DICT_PROP, m->v[i].prop);
        v[n++] = (named_count){&m->v[i], tv.type == SK_V_STR ? tv.u.str.ptr : "?",
                               pv.type == SK_V_STR ? pv.u.str.ptr : "?"};
    }
    qsort(v, n, sizeof *v, cmp_named);
    int rc = SK_OK;
    for (size_t i = 0; i < n && rc == SK_OK; i++) {
        sk_value *row = tbl_row(b);
        if (!row) {
            rc = SK_ENOMEM;
            break;
        }
        const char *on = v[i].c->link ? "link" : "entity";
        row[0] = str_val(a, on, strlen(on));
        row[1] = str_val(a, v[i].type, strlen(v[i].type));
        row[2] = str_val(a, v[i].prop, strlen(v[i].prop));
        row[3] = int_val((int64_t)v[i].c->n);
    }
    free(v);
    return rc;
}

static int counts_table(sk_txn *t, sk_arena *a, enum sk_dict d, const sk_count *c, size_t n,
                        const char *const *cols, tbl *b)
{
    tbl_init(b, a, cols, 2);
    for (size_t i = 0; i < n; i++) {
        sk_value *row = tbl_row(b);
        if (!row)
            return SK_ENOMEM;
        row[0] = name_val(t, a, d, c[i].sym);
        row[1] = int_val((int64_t)c[i].n);
    }
    return SK_OK;
}

static int print_tbl(cli_session *cs, tbl *b)
{
    sk_format_opts fo = {.colour = cs->colour};
    return sk_format_print(&b->r, cs->format, &fo, stdout);
}

static int schema(cli_session *cs, sk_txn *t, sk_arena *a)
{
    static const char *const ecols[] = {"entity type", "entities"};
    static const char *const lcols[] = {"link type", "links"};
    sk_stats st;
    int rc = sk_stats_get(t, a, &st);
    if (rc)
        return rc;
    propmap m = {0};
    rc = count_props(cs, t, false, &m);
    if (rc == SK_OK)
        rc = count_props(cs, t, true, &m);
    tbl b;
    if (rc == SK_OK)
        rc = counts_table(t, a, SK_DICT_ETYPE, st.etypes, st.n_etypes, ecols, &b);
    if (rc == SK_OK && (rc = print_tbl(cs, &b)) == SK_OK)
        rc = counts_table(t, a, SK_DICT_LTYPE, st.ltypes, st.n_ltypes, lcols, &b);
    if (rc == SK_OK && (rc = print_tbl(cs, &b)) == SK_OK)
        rc = props_table(t, a, &m, &b);
    if (rc == SK_OK)
        rc = print_tbl(cs, &b);
    free(m.v);
    return rc;
}

/* Runs FN in a read transaction with an arena, printing a failure. */
static int in_read_txn(cli_session *cs, int (*fn)(cli_session *, sk_txn *, sk_arena *),
                       const char *what)
{
    sk_txn *t;
    sk_arena *a = sk_arena_new();
    int rc = a ? sk_txn_begin(cs->store, false, &t) : SK_ENOMEM;
    if (rc) {
        fprintf(stderr, "%s: %s\n", what, a ? sk_store_errmsg(cs->store) : "out of memory");
        sk_arena_free(a);
        return rc;
    }
    if (cs->cancel)
        *cs->cancel = 0;
    rc = fn(cs, t, a);
    if (rc == SK_ECANCELLED)
        fprintf(stderr, "%s: cancelled\n", what);
    else if (rc)
        fprintf(stderr, "%s: %s\n", what, sk_txn_errmsg(t)[0] ? sk_txn_errmsg(t) : sk_strerror(rc));
    sk_txn_abort(t);
    sk_arena_free(a);
    fflush(stdout);
    return rc;
}

int cli_show_schema(cli_session *cs)
{
    return in_read_txn(cs, schema, ".schema");
}

/* ---- .sources ------------------------------------------------------- */

typedef struct src_ctx {
    sk_txn *t;
    sk_arena *a;
    tbl *b;
    int rc;
} src_ctx;

static int add_source(const sk_source *s, void *ctx)
{
    src_ctx *c = ctx;
    sk_value *row = tbl_row(c->b);
    if (!row) {
        c->rc = SK_ENOMEM;
        return 1;
    }
    bool hashed = false;
    char hex[65];
    for (int i = 0; i < 32; i++) {
        hashed |= s->sha256[i] != 0;
        snprintf(hex + 2 * i, 3, "%02x", s->sha256[i]);
    }
    row[0] = int_val(s->id);
    row[1] = str_val(c->a, s->name, s->name ? strlen(s->name) : 0);
    row[2] = name_val(c->t, c->a, SK_DICT_GRADE, s->grade);
    row[3] = name_val(c->t, c->a, SK_DICT_GRADE, s->handling);
    row[4] = hashed ? str_val(c->a, hex, 64) : (sk_value){.type = SK_V_NULL};
    row[5] = int_val((int64_t)s->size);
    row[6] = (sk_value){.type = SK_V_TIME, .u.time = {s->time, 0}};
    row[7] = str_val(c->a, s->user, s->user ? strlen(s->user) : 0);
    row[8] = s->note && *s->note ? str_val(c->a, s->note, strlen(s->note))
                                 : (sk_value){.type = SK_V_NULL};
    return 0;
}

static int sources(cli_session *cs, sk_txn *t, sk_arena *a)
{
    static const char *const cols[] = {"id", "name", "grade", "handling", "sha256",
                                       "bytes", "recorded", "user", "note"};
    tbl b;
    tbl_init(&b, a, cols, sizeof cols / sizeof cols[0]);
    /* The source records are decoded into their own arena, so the table
     * (in A) is not reset away under them. */
    sk_arena *sa = sk_arena_new();
    if (!sa)
        return SK_ENOMEM;
    src_ctx c = {.t = t, .a = a, .b = &b};
    int rc = sk_source_each(t, sa, add_source, &c);
    sk_arena_free(sa);
    if (rc == SK_OK)
        rc = c.rc;
    return rc ? rc : print_tbl(cs, &b);
}

int cli_show_sources(cli_session *cs)
{
    return in_read_txn(cs, sources, ".sources");
}
