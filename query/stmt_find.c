/*
 * stmt_find.c — the statements that look things up: find (with the
 * planner's choice of index), show (the entity card), stats, and the
 * piped filter `| where COND`.
 *
 * The planner for find: an equality on the key or label uses the key or
 * label index; a regex anchored at the start with a literal prefix, or an
 * equality on an indexed string property, uses a prefix or exact scan of
 * the property index; anything else scans the type. The condition is
 * always evaluated on every candidate, so an index only narrows, never
 * decides — which is what lets the differential test turn the planner off.
 */
#include "exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- find: candidates ---- */

typedef struct access {
    enum { ACC_TYPE, ACC_KEY, ACC_PROP } how;
    sk_sym prop;            /* ACC_PROP: 0 = label */
    const char *text;       /* value or prefix */
    size_t len;
    bool prefix;
} access;

/* The literal prefix of an anchored regex ("^jo(h)?n" → "jo"), if any. */
static size_t regex_prefix(const sk_ast_lit *l, char *buf, size_t cap)
{
    const char *p = l->u.rx.ptr;
    size_t n = l->u.rx.len, k = 0;
    if (n == 0 || p[0] != '^' || (l->u.rx.flags & SK_RX_EXTENDED))
        return 0;
    for (size_t i = 1; i < n && k + 1 < cap; i++) {
        char c = p[i];
        if (strchr("\\.[]()*+?{}|^$", c))
            break;
        /* A quantifier applies to the character before it. */
        if (i + 1 < n && strchr("*?{", p[i + 1]))
            break;
        buf[k++] = c;
    }
    buf[k] = '\0';
    return k;
}

/* Picks the access path for the where clause's top-level conjuncts. */
static void plan_find(sk_exec *x, const sk_ast_cond *c, access *acc, char *buf, size_t cap)
{
    *acc = (access){.how = ACC_TYPE};
    if (!c || x->planner_off)
        return;
    const sk_ast_cond *terms = c;
    size_t n = 1;
    if (c->kind == SK_COND_AND) {
        terms = c->u.list.v;
        n = c->u.list.n;
    }
    for (size_t i = 0; i < n; i++) {
        const sk_ast_cond *t = &terms[i];
        if (t->kind != SK_COND_CMP || t->u.cmp.prop.qual.len)
            continue;
        const char *name = t->u.cmp.prop.name.text;
        const sk_ast_lit *v = &t->u.cmp.value;
        bool is_key = !strcmp(name, "key");
        bool is_label = !strcmp(name, "label") || !strcmp(name, "name");
        sk_sym prop = 0;
        if (!is_key && !is_label &&
            sk_name_intern(x->t, SK_DICT_PROP, name, strlen(name), false, &prop) != SK_OK)
            continue;
        if (t->u.cmp.op == SK_OP_EQ && v->kind == SK_LIT_STR) {
            *acc = (access){is_key ? ACC_KEY : ACC_PROP, prop, v->u.str.ptr, v->u.str.len, false};
            if (!is_label || !strcmp(name, "label"))
                return;
        } else if (t->u.cmp.op == SK_OP_MATCH && v->kind == SK_LIT_REGEX && !is_key &&
                   acc->how == ACC_TYPE) {
            size_t k = regex_prefix(v, buf, cap);
            /* A caseless prefix is safe: the index holds folded text. */
            if (k >= 1)
                *acc = (access){ACC_PROP, prop, buf, k, true};
        }
    }
}

typedef struct find_ctx {
    sk_exec *x;
    const sk_ast_stage *st;
    sk_cexpr *cond;
    sk_tbuild *tb;
    sk_arena *scratch;
    uint32_t limit;
    size_t seen;
} find_ctx;

/* Adds E as a row (with a column per property) when it satisfies COND. */
static int consider(find_ctx *f, sk_id id, sk_sym type)
{
    sk_exec *x = f->x;
    if ((++f->seen & 1023) == 0) {
        int rc = sk_exec_check(x, f->st->span);
        if (rc)
            return rc;
    }
    sk_arena_reset(f->scratch);
    sk_entity e;
    int rc = sk_entity_get(x->t, id, f->scratch, &e);
    if (rc)
        return sk_exec_store_fail(x, rc, f->st->span);
    if ((type && e.type != type) || !sk_exec_visible(x, e.asserts, e.nasserts))
        return SK_OK;
    sk_cond_env env = {.entity = &e};
    if (!sk_cond_eval(x, f->cond, &env))
        return x->code;
    if (f->limit && sk_tb_nrows(f->tb) >= f->limit)
        return SK_DONE;
    if (!sk_tb_row(f->tb))
        return x->code ? x->code : SK_DONE;
    rc = sk_tb_entity(f->tb, &e);
    for (size_t i = 0; !rc && i < e.nprops; i++) {
        const char *name = sk_exec_name(x, SK_DICT_PROP, e.props[i].name);
        int col = sk_tb_find_col(f->tb, name);
        if (col < 0)
            col = sk_tb_col(f->tb, name);
        if (col < 0)
            return sk_exec_fail(x, SK_ENOMEM, f->st->span, "out of memory");
        sk_value v = e.props[i].value;
        if (v.type == SK_V_STR)
            v = sk_exec_str(x, v.u.str.ptr, v.u.str.len);
        rc = sk_tb_set(f->tb, (size_t)col, v);
    }
    return rc;
}

static int cmp_values(const sk_value *a, const sk_value *b)
{
    if (a->type == SK_V_NULL || b->type == SK_V_NULL)
        return (a->type == SK_V_NULL) - (b->type == SK_V_NULL);
    if (a->type == SK_V_STR && b->type == SK_V_STR) {
        size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
        int c = memcmp(a->u.str.ptr, b->u.str.ptr, n);
        return c ? c : (a->u.str.len > b->u.str.len) - (a->u.str.len < b->u.str.len);
    }
    double x = a->type == SK_V_REAL ? a->u.r : a->type == SK_V_TIME ? (double)a->u.time.t
                                                                    : (double)a->u.i;
    double y = b->type == SK_V_REAL ? b->u.r : b->type == SK_V_TIME ? (double)b->u.time.t
                                                                    : (double)b->u.i;
    return (x > y) - (x < y);
}

typedef struct order_ctx {
    const sk_table *t;
    int *cols;
    bool *desc;
    size_t n;
} order_ctx;

/* Rows are sorted through an index array with a stable sort, so ties keep
 * the order rows arrived in (by id). */
static int row_cmp(void *ctx, size_t a, size_t b)
{
    const order_ctx *o = ctx;
    for (size_t k = 0; k < o->n; k++) {
        if (o->cols[k] < 0)
            continue;
        int c = cmp_values(&o->t->cells[a * o->t->ncols + (size_t)o->cols[k]],
                           &o->t->cells[b * o->t->ncols + (size_t)o->cols[k]]);
        if (c)
            return o->desc[k] ? -c : c;
    }
    return 0;
}

static int order_rows(sk_exec *x, const sk_ast_clauses *cl, sk_table *t)
{
    order_ctx o = {.t = t, .n = cl->norder};
    o.cols = sk_arena_alloc(x->tmp, cl->norder * sizeof *o.cols);
    o.desc = sk_arena_alloc(x->tmp, cl->norder * sizeof *o.desc);
    size_t *ix = sk_arena_alloc(x->tmp, (t->nrows ? t->nrows : 1) * sizeof *ix);
    size_t ncells = t->nrows * t->ncols;
    sk_value *cells = sk_arena_alloc(x->a, (ncells ? ncells : 1) * sizeof *cells);
    if (!o.cols || !o.desc || !ix || !cells)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    for (size_t k = 0; k < cl->norder; k++) {
        o.cols[k] = -1;
        o.desc[k] = cl->order[k].desc;
        for (size_t c = 0; c < t->ncols; c++)
            if (!strcmp(t->cols[c], cl->order[k].prop.name.text))
                o.cols[k] = (int)c;
        if (o.cols[k] < 0 && t->nrows)
            return sk_exec_fail(x, SK_EINVAL, cl->order[k].prop.span,
                                "cannot order by '%s': no such column in the result",
                                cl->order[k].prop.name.text);
    }
    for (size_t i = 0; i < t->nrows; i++)
        ix[i] = i;
    if (sk_sort_ix(ix, t->nrows, row_cmp, &o))
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    for (size_t i = 0; i < t->nrows; i++)
        memcpy(&cells[i * t->ncols], &t->cells[ix[i] * t->ncols], t->ncols * sizeof *cells);
    t->cells = cells;
    return SK_OK;
}

static int find_links(sk_exec *x, const sk_ast_stage *st, sk_result *out);

int sk_stage_find(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    if (st->u.find.links)
        return find_links(x, st, out);
    sk_sym type;
    int rc = sk_exec_etype(x, &st->u.find.type, &type);
    find_ctx f = {.x = x, .st = st};
    if (!rc)
        rc = sk_cond_compile(x, st->cl.where, SK_PRIMARY_ENTITY, &f.cond);
    const char *cols[] = {"id", "type", "key", "label"};
    if (!rc)
        rc = sk_tb_new(x, cols, 4, &f.tb);
    if (rc)
        return rc;
    bool ordered = sk_ast_has(&st->cl, SK_CL_ORDER);
    /* With 'order by', every match is needed before the limit applies. */
    f.limit = sk_ast_has(&st->cl, SK_CL_LIMIT) && !ordered ? st->cl.limit : 0;
    f.scratch = sk_arena_new();
    char prefix[256];
    access acc;
    plan_find(x, st->cl.where, &acc, prefix, sizeof prefix);
    sk_idcur *c = NULL;
    sk_id id;
    if (acc.how == ACC_KEY) {
        sk_exec_plan(x, "find %s: key index, exact \"%.*s\"", st->u.find.type.text,
                     (int)acc.len, acc.text);
        rc = sk_entity_by_key(x->t, type, acc.text, acc.len, &id);
        rc = rc == SK_OK ? consider(&f, id, type)
             : rc == SK_ENOTFOUND || rc == SK_EINVAL ? SK_OK
                                                     : sk_exec_store_fail(x, rc, st->span);
    } else {
        if (acc.how == ACC_PROP) {
            sk_exec_plan(x, "find %s: %s index, %s \"%.*s\"", st->u.find.type.text,
                         acc.prop ? "property" : "label", acc.prefix ? "prefix" : "exact",
                         (int)acc.len, acc.text);
            rc = sk_scan_prop(x->t, type, acc.prop, acc.text, acc.len, acc.prefix, &c);
        } else {
            sk_exec_plan(x, "find %s: scan of the type", st->u.find.type.text);
            rc = sk_scan_type(x->t, type, &c);
        }
        if (rc)
            rc = sk_exec_store_fail(x, rc, st->span);
        /* An index scan may return an entity once per matching value. */
        sk_idmap seen;
        sk_idmap_init(&seen);
        while (!rc && (rc = sk_idcur_next(c, &id)) == SK_OK) {
            if (acc.how == ACC_PROP && sk_idmap_put(&seen, id, 0) == 0)
                continue;
            rc = consider(&f, id, 0);
        }
        sk_idmap_free(&seen);
        sk_idcur_close(c);
        if (rc == SK_DONE)
            rc = SK_OK;
    }
    sk_arena_free(f.scratch);
    if (rc) {
        sk_tb_free(f.tb);
        return rc;
    }
    rc = sk_tb_finish(f.tb, out);
    if (!rc && acc.how == ACC_PROP) {
        /* Index order is by value; present rows by id like a scan. */
        sk_ast_clauses byid = {0};
        sk_ast_order_key key = {.prop.name = {.text = "id", .len = 2}};
        byid.order = &key;
        byid.norder = 1;
        rc = order_rows(x, &byid, &out->table);
    }
    if (!rc && ordered)
        rc = order_rows(x, &st->cl, &out->table);
    if (!rc && ordered && sk_ast_has(&st->cl, SK_CL_LIMIT) && out->table.nrows > st->cl.limit)
        out->table.nrows = st->cl.limit;
    return rc;
}

/* find link TYPE [where COND]: links of a type, by id. */
static int find_links(sk_exec *x, const sk_ast_stage *st, sk_result *out)
{
    sk_sym type;
    int rc = sk_exec_ltype(x, &st->u.find.type, &type);
    sk_cexpr *cond = NULL;
    if (!rc)
        rc = sk_cond_compile(x, st->cl.where, SK_PRIMARY_LINK, &cond);
    const char *cols[] = {"id", "type", "src", "src_label", "dst", "dst_label", "time", "grade"};
    sk_tbuild *tb;
    if (!rc)
        rc = sk_tb_new(x, cols, 8, &tb);
    if (rc)
        return rc;
    sk_exec_plan(x, "find link %s: scan of all links", st->u.find.type.text);
    sk_idcur *c;
    rc = sk_scan_links(x->t, &c);
    sk_arena *scratch = sk_arena_new();
    sk_id id;
    uint32_t limit = sk_ast_has(&st->cl, SK_CL_LIMIT) ? st->cl.limit : 0;
    size_t n = 0;
    while (!rc && (rc = sk_idcur_next(c, &id)) == SK_OK) {
        if ((++n & 1023) == 0 && (rc = sk_exec_check(x, st->span)) != SK_OK)
            break;
        sk_arena_reset(scratch);
        sk_link l;
        if ((rc = sk_link_get(x->t, id, scratch, &l)) != SK_OK) {
            rc = sk_exec_store_fail(x, rc, st->span);
            break;
        }
        if (l.type != type || (x->clearance >= 0 && !sk_exec_visible_link(x, l.id)))
            continue;
        sk_cond_env env = {.link = &l};
        if (!sk_cond_eval(x, cond, &env))
            continue;
        if ((limit && sk_tb_nrows(tb) >= limit) || !sk_tb_row(tb))
            break;
        sk_entity a, b;
        if (sk_entity_get(x->t, l.src, scratch, &a) || sk_entity_get(x->t, l.dst, scratch, &b)) {
            rc = sk_exec_store_fail(x, SK_ECORRUPT, st->span);
            break;
        }
        sk_gradeinfo g;
        sk_exec_grade(x, l.asserts, l.nasserts, &g);
        sk_tb_set(tb, 0, (sk_value){.type = SK_V_INT, .u.i = (int64_t)l.id});
        sk_tb_set(tb, 1, sk_exec_str(x, st->u.find.type.text, st->u.find.type.len));
        sk_tb_set(tb, 2, (sk_value){.type = SK_V_ID, .u.i = (int64_t)l.src});
        sk_tb_set(tb, 3, sk_exec_str(x, a.label, a.label_len));
        sk_tb_set(tb, 4, (sk_value){.type = SK_V_ID, .u.i = (int64_t)l.dst});
        sk_tb_set(tb, 5, sk_exec_str(x, b.label, b.label_len));
        if (l.t_start != SK_NO_TIME)
            sk_tb_set(tb, 6, sk_exec_time(l.t_start, l.t_off));
        if (g.code)
            sk_tb_set(tb, 7, sk_exec_str(x, g.code, strlen(g.code)));
    }
    sk_idcur_close(c);
    sk_arena_free(scratch);
    int frc = sk_tb_finish(tb, out);
    if (rc == SK_DONE || rc == SK_OK)
        return frc;
    return x->code ? x->code : rc;
}

/* ---- show ---- */

typedef struct card {
    sk_exec *x;
    sk_tbuild *tb;
} card;

static void card_row(card *c, const char *section, const char *name, sk_value v)
{
    if (!sk_tb_row(c->tb))
        return;
    sk_tb_set(c->tb, 0, sk_exec_str(c->x, section, strlen(section)));
    sk_tb_set(c->tb, 1, sk_exec_str(c->x, name, strlen(name)));
    sk_tb_set(c->tb, 2, v);
}

static sk_value text(sk_exec *x, const char *s)
{
    return sk_exec_str(x, s ? s : "", s ? strlen(s) : 0);
}

static void card_sources(card *c, const sk_assert *as, size_t n)
{
    sk_exec *x = c->x;
    for (size_t i = 0; i < n; i++) {
        sk_gradeinfo g;
        sk_exec_grade(x, &as[i], 1, &g);
        char buf[512];
        snprintf(buf, sizeof buf, "%s%s%s", sk_exec_source_name(x, as[i].source),
                 g.code ? ", graded " : "", g.code ? g.code : "");
        card_row(c, "source", "", text(x, buf));
    }
}

static void card_props(card *c, const sk_prop *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sk_value v = p[i].value;
        if (v.type == SK_V_STR)
            v = sk_exec_str(c->x, v.u.str.ptr, v.u.str.len);
        card_row(c, "property", sk_exec_name(c->x, SK_DICT_PROP, p[i].name), v);
    }
}

/* Link counts per type and direction, from the adjacency alone. */
static int card_links(card *c, sk_id id)
{
    sk_exec *x = c->x;
    sk_adjcur *cur;
    int rc = sk_adj_open(x->t, id, 0, SK_DIR_ANY, &cur);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    sk_adj a;
    sk_sym last = 0;
    uint8_t lastdir = 0;
    int64_t n = 0;
    for (;;) {
        rc = sk_adj_next(cur, &a);
        if (rc != SK_OK || a.ltype != last || a.dir != lastdir) {
            if (n) {
                char name[300];
                snprintf(name, sizeof name, "%s (%s)", sk_exec_name(x, SK_DICT_LTYPE, last),
                         lastdir == SK_DIR_OUT ? "out" : lastdir == SK_DIR_IN ? "in" : "both");
                card_row(c, "links", name, (sk_value){.type = SK_V_INT, .u.i = n});
            }
            if (rc != SK_OK)
                break;
            last = a.ltype;
            lastdir = a.dir;
            n = 0;
        }
        n++;
    }
    sk_adj_close(cur);
    return rc == SK_DONE ? SK_OK : sk_exec_store_fail(x, rc, x->stmt->span);
}

int sk_stage_show(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    const char *cols[] = {"section", "name", "value"};
    card c = {.x = x};
    int rc = sk_tb_new(x, cols, 3, &c.tb);
    if (rc)
        return rc;
    if (st->u.ref.kind == SK_REF_LINK) {
        sk_link l;
        rc = sk_link_get(x->t, st->u.ref.u.id, x->a, &l);
        if (rc) {
            sk_tb_finish(c.tb, out);
            return sk_exec_fail(x, rc, st->u.ref.span, "no link #%llu in this case",
                                (unsigned long long)st->u.ref.u.id);
        }
        card_row(&c, "link", "id", (sk_value){.type = SK_V_INT, .u.i = (int64_t)l.id});
        card_row(&c, "link", "type", text(x, sk_exec_name(x, SK_DICT_LTYPE, l.type)));
        card_row(&c, "link", "from", (sk_value){.type = SK_V_ID, .u.i = (int64_t)l.src});
        card_row(&c, "link", "to", (sk_value){.type = SK_V_ID, .u.i = (int64_t)l.dst});
        card_row(&c, "link", "directed", (sk_value){.type = SK_V_BOOL, .u.b = l.directed});
        if (l.t_start != SK_NO_TIME) {
            card_row(&c, "link", "time", sk_exec_time(l.t_start, l.t_off));
            if (l.t_end != l.t_start)
                card_row(&c, "link", "until", sk_exec_time(l.t_end, l.t_off));
        }
        card_row(&c, "link", "weight", (sk_value){.type = SK_V_REAL, .u.r = l.weight});
        card_props(&c, l.props, l.nprops);
        card_sources(&c, l.asserts, l.nasserts);
        return sk_tb_finish(c.tb, out);
    }
    sk_id id;
    rc = sk_exec_ref(x, &st->u.ref, &id);
    sk_entity e;
    if (!rc && (rc = sk_entity_get(x->t, id, x->a, &e)) != SK_OK)
        rc = sk_exec_store_fail(x, rc, st->span);
    if (rc) {
        sk_tb_finish(c.tb, out);
        return rc;
    }
    card_row(&c, "entity", "id", (sk_value){.type = SK_V_ID, .u.i = (int64_t)id});
    card_row(&c, "entity", "type", text(x, sk_exec_name(x, SK_DICT_ETYPE, e.type)));
    card_row(&c, "entity", "key", sk_exec_str(x, e.key, e.key_len));
    card_row(&c, "entity", "label", sk_exec_str(x, e.label, e.label_len));
    card_props(&c, e.props, e.nprops);
    card_sources(&c, e.asserts, e.nasserts);
    rc = card_links(&c, id);
    int frc = sk_tb_finish(c.tb, out);
    return rc ? rc : frc;
}

/* ---- stats ---- */

int sk_stage_stats(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    sk_stats s;
    int rc = sk_stats_get(x->t, x->tmp, &s);
    if (rc)
        return sk_exec_store_fail(x, rc, st->span);
    const char *cols[] = {"kind", "name", "count"};
    sk_tbuild *tb;
    rc = sk_tb_new(x, cols, 3, &tb);
    if (rc)
        return rc;
    struct { const char *kind; enum sk_dict d; const sk_count *c; size_t n; } parts[] = {
        {"entity type", SK_DICT_ETYPE, s.etypes, s.n_etypes},
        {"link type", SK_DICT_LTYPE, s.ltypes, s.n_ltypes},
    };
    struct { const char *name; uint64_t n; } totals[] = {
        {"entities", s.entities}, {"links", s.links}, {"sources", s.sources},
    };
    for (size_t i = 0; i < 3 && sk_tb_row(tb); i++) {
        sk_tb_set(tb, 0, text(x, "total"));
        sk_tb_set(tb, 1, text(x, totals[i].name));
        sk_tb_set(tb, 2, (sk_value){.type = SK_V_INT, .u.i = (int64_t)totals[i].n});
    }
    for (size_t p = 0; p < 2; p++)
        for (size_t i = 0; i < parts[p].n && sk_tb_row(tb); i++) {
            sk_tb_set(tb, 0, text(x, parts[p].kind));
            sk_tb_set(tb, 1, text(x, sk_exec_name(x, parts[p].d, parts[p].c[i].sym)));
            sk_tb_set(tb, 2, (sk_value){.type = SK_V_INT, .u.i = (int64_t)parts[p].c[i].n});
        }
    return sk_tb_finish(tb, out);
}

/* ---- | where COND ---- */

int sk_stage_filter(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    sk_cexpr *cond;
    int rc = sk_cond_compile(x, st->u.filter, SK_PRIMARY_ENTITY, &cond);
    if (rc)
        return rc;
    if (in->kind == SK_RESULT_TABLE) {
        /* Rows whose first column is an entity are tested on that entity. */
        const sk_table *t = &in->table;
        if (!t->ncols || strcmp(t->cols[0], "id") != 0)
            return sk_exec_fail(x, SK_EINVAL, st->span,
                                "'where' after '|' needs entities: this table has no id column");
        sk_table *o = &out->table;
        *out = (sk_result){.kind = SK_RESULT_TABLE};
        *o = *t;
        o->cells = sk_arena_alloc(x->a, (t->nrows * t->ncols + 1) * sizeof *o->cells);
        if (!o->cells)
            return sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
        o->nrows = 0;
        for (size_t r = 0; r < t->nrows; r++) {
            const sk_value *row = &t->cells[r * t->ncols];
            sk_entity e;
            if (row[0].type != SK_V_ID || sk_entity_get(x->t, (sk_id)row[0].u.i, x->tmp, &e))
                continue;
            sk_cond_env env = {.entity = &e};
            if (sk_cond_eval(x, cond, &env))
                memcpy(&o->cells[o->nrows++ * t->ncols], row, t->ncols * sizeof *row);
        }
        return x->code;
    }
    const sk_graph *g = &in->graph;
    sk_gbuild *b;
    rc = sk_gb_new(x, &b);
    if (rc)
        return rc;
    sk_idmap keep;
    sk_idmap_init(&keep);
    for (size_t i = 0; !rc && i < g->nnodes; i++) {
        sk_entity e;
        if ((rc = sk_entity_get(x->t, g->nodes[i].id, x->tmp, &e)) != SK_OK) {
            rc = sk_exec_store_fail(x, rc, st->span);
            break;
        }
        sk_cond_env env = {.entity = &e};
        if (sk_cond_eval(x, cond, &env)) {
            if (sk_idmap_put(&keep, e.id, 0) < 0)
                rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
            else
                rc = sk_gb_node(b, e.id, NULL);
        }
    }
    for (size_t i = 0; !rc && i < g->nlinks; i++)
        if (sk_idmap_has(&keep, g->links[i].src) && sk_idmap_has(&keep, g->links[i].dst))
            rc = sk_gb_link(b, g->links[i].id);
    sk_idmap_free(&keep);
    if (rc) {
        sk_gb_free(b);
        return rc;
    }
    return sk_gb_finish(b, out);
}
