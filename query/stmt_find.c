/*
 * stmt_find.c — the statements that look things up: find (with the
 * planner's choice of index), show (the entity card), stats, and the
 * piped filter `| where COND`.
 *
 * The planner for find picks one top-level conjunct of the where clause:
 * an equality on the key uses the key index; an equality on the label (or
 * on `name` when no entity of the type has a `name` property, so that it
 * means the label) or on a string property uses the property index, exact;
 * a regex
 * on the label reads the label index's folded text and keeps the entries
 * its derived filter lets through (label_rx.c), over the range of its
 * anchored literal start when it has one — from core's in-memory label
 * snapshot of the type when it has one, else through the index; anything
 * else scans the type.
 * An index only narrows: the whole condition is evaluated on the record of
 * every candidate, and candidates are visited in id order like a scan, so
 * the rows (and which rows a limit keeps) are the same with the planner
 * off — the differential tests check it. A label filter that cannot see
 * every entity of the type (an empty or very long label is not indexed)
 * gives way to the scan.
 */
#include "exec_int.h"
#include "label_rx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- find: the plan ---- */

typedef enum access_kind {
    ACC_TYPE = 0,   /* every entity of the type, in id order */
    ACC_KEY,        /* the natural-key index: one entity */
    ACC_PROP,       /* the property index (prop 0: the label), exact */
    ACC_LABEL_RX,   /* the label index, filtered by a regex's derived filter */
} access_kind;

typedef struct access {
    access_kind how;
    sk_sym prop;            /* ACC_PROP: 0 = label */
    const char *text;       /* ACC_KEY, ACC_PROP: the value */
    size_t len;
    sk_lrx *rx;             /* ACC_LABEL_RX: owned, sk_lrx_free */
} access;

/* Whether an equality with TEXT may be answered from the property index:
 * the index holds folded strings only, so TEXT must fold to something and
 * be short enough to be held whole, and — for a property, which may hold
 * numbers — be no text a number, date, id or boolean could print as, since
 * those compare through their value (cond.c). */
static bool eq_indexable(const char *s, size_t len, bool label)
{
    char buf[1024];
    int n = len && len <= 300 ? sk_text_fold(s, len, buf, sizeof buf) : -1;
    if (n <= 0 || n >= 300)
        return false;
    if (label)
        return true;
    if (strchr("0123456789+-.#", s[0]) || !strcmp(buf, "true") || !strcmp(buf, "false"))
        return false;
    char *end;
    strtod(buf, &end);
    return *end != '\0';
}

/* Whether the unqualified name NAME means the label of entities of TYPE.
 * cond.c's rule: `name` is the `name` property where an entity has one,
 * else the label. So it is the label when the case has no `name` property,
 * or when no entity of TYPE has one in the property index — which holds
 * every string value up to 1 KiB; a `name` that is a number, date or
 * boolean (set so by hand or by an import spec) is not seen, and such a
 * value is then tested as the label would be. */
static bool names_label(sk_exec *x, sk_sym type, const char *name)
{
    if (!strcmp(name, "label"))
        return true;
    sk_sym sym;
    if (strcmp(name, "name") || sk_name_intern(x->t, SK_DICT_PROP, "name", 4, false, &sym))
        return !strcmp(name, "name");
    sk_idcur *c;
    if (sk_scan_prop(x->t, type, sym, "", 0, true, &c) != SK_OK)
        return false;
    sk_id id;
    bool none = sk_idcur_next(c, &id) == SK_DONE;
    sk_idcur_close(c);
    return none;
}

/* Whether NAME is a field cond.c reads from the record, not a property. */
static bool special_field(const char *name)
{
    static const char *const fields[] = {"id", "type", "key", "label", "grade", "source",
                                         "time", "name"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!strcmp(name, fields[i]))
            return true;
    return false;
}

/* Picks the access path for the where clause's top-level conjuncts: the
 * key, else an exact index entry, else a label regex, else the type. */
static void plan_find(sk_exec *x, sk_sym type, const sk_ast_cond *c, access *acc)
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
    for (size_t i = 0; i < n && acc->how != ACC_KEY; i++) {
        const sk_ast_cond *t = &terms[i];
        if (t->kind != SK_COND_CMP || t->u.cmp.prop.qual.len)
            continue;
        const char *name = t->u.cmp.prop.name.text;
        const sk_ast_lit *v = &t->u.cmp.value;
        bool label = names_label(x, type, name);
        sk_sym prop = 0;
        if (t->u.cmp.op == SK_OP_EQ && v->kind == SK_LIT_STR) {
            if (!strcmp(name, "key")) {
                sk_lrx_free(acc->rx);
                *acc = (access){ACC_KEY, 0, v->u.str.ptr, v->u.str.len, NULL};
            } else if (acc->how != ACC_PROP && eq_indexable(v->u.str.ptr, v->u.str.len, label) &&
                       (label || (!special_field(name) &&
                                  sk_name_intern(x->t, SK_DICT_PROP, name, strlen(name), false,
                                                 &prop) == SK_OK))) {
                sk_lrx_free(acc->rx);
                *acc = (access){ACC_PROP, prop, v->u.str.ptr, v->u.str.len, NULL};
            }
        } else if (t->u.cmp.op == SK_OP_MATCH && v->kind == SK_LIT_REGEX && label &&
                   acc->how == ACC_TYPE) {
            sk_lrx *rx;
            if (sk_lrx_new(v->u.rx.ptr, v->u.rx.len, v->u.rx.flags, &rx))
                *acc = (access){.how = ACC_LABEL_RX, .rx = rx};
        }
    }
}

/* ---- find: rows ---- */

/* A property name and its column, so that each row does not look the
 * name up in the store again. */
typedef struct propcol {
    sk_sym sym;
    int col;
} propcol;

typedef struct find_ctx {
    sk_exec *x;
    const sk_ast_stage *st;
    sk_sym type;
    sk_value type_name;     /* the type column's value, copied once */
    sk_cexpr *cond;
    sk_tbuild *tb;
    sk_arena *scratch;
    uint32_t limit;
    size_t seen;
    propcol cols[64];
    size_t ncols;
} find_ctx;

/* The column of property SYM, added when first met. */
static int prop_col(find_ctx *f, sk_sym sym)
{
    for (size_t i = 0; i < f->ncols; i++)
        if (f->cols[i].sym == sym)
            return f->cols[i].col;
    const char *name = sk_exec_name(f->x, SK_DICT_PROP, sym);
    int col = sk_tb_find_col(f->tb, name);
    if (col < 0)
        col = sk_tb_col(f->tb, name);
    if (col >= 0 && f->ncols < sizeof f->cols / sizeof f->cols[0])
        f->cols[f->ncols++] = (propcol){sym, col};
    return col;
}

/* Adds E as a row: id, type, key, label, then a column per property. */
static int add_row(find_ctx *f, const sk_entity *e)
{
    sk_exec *x = f->x;
    if (!sk_tb_row(f->tb))
        return x->code ? x->code : SK_DONE;
    sk_value type = f->type_name;
    if (e->type != f->type) {
        const char *t = sk_exec_name(x, SK_DICT_ETYPE, e->type);
        type = sk_exec_str(x, t, strlen(t));
    }
    int rc = sk_tb_set(f->tb, 0, (sk_value){.type = SK_V_ID, .u.i = (int64_t)e->id});
    if (!rc)
        rc = sk_tb_set(f->tb, 1, type);
    if (!rc)
        rc = sk_tb_set(f->tb, 2, sk_exec_str(x, e->key, e->key_len));
    if (!rc)
        rc = sk_tb_set(f->tb, 3, sk_exec_str(x, e->label, e->label_len));
    for (size_t i = 0; !rc && i < e->nprops; i++) {
        int col = prop_col(f, e->props[i].name);
        if (col < 0)
            return sk_exec_fail(x, SK_ENOMEM, f->st->span, "out of memory");
        sk_value v = e->props[i].value;
        if (v.type == SK_V_STR)
            v = sk_exec_str(x, v.u.str.ptr, v.u.str.len);
        rc = sk_tb_set(f->tb, (size_t)col, v);
    }
    return rc;
}

/* Adds entity ID as a row when it satisfies the condition; SK_DONE once
 * the limit is reached. */
static int consider(find_ctx *f, sk_id id)
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
    if (e.type != f->type || !sk_exec_visible(x, e.asserts, e.nasserts))
        return SK_OK;
    sk_cond_env env = {.entity = &e};
    if (!sk_cond_eval(x, f->cond, &env))
        return x->code;
    if (f->limit && sk_tb_nrows(f->tb) >= f->limit)
        return SK_DONE;
    return add_row(f, &e);
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

/* ---- find: candidates ---- */

/* Sorts the N ids of V in place, a byte at a time from the lowest,
 * through TMP (room for N): a regex on labels may pass tens of thousands
 * of entries, in label order, and this is several times quicker than
 * qsort. Bytes above the highest id's are not sorted on. */
static void sort_ids(sk_id *v, size_t n, sk_id *tmp)
{
    sk_id all = 0;
    for (size_t i = 0; i < n; i++)
        all |= v[i];
    sk_id *from = v, *to = tmp;
    for (unsigned shift = 0; shift < 64 && (all >> shift) != 0; shift += 8) {
        size_t at[256] = {0};
        for (size_t i = 0; i < n; i++)
            at[from[i] >> shift & 255]++;
        for (size_t d = 0, sum = 0; d < 256; d++) {
            size_t c = at[d];
            at[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            to[at[from[i] >> shift & 255]++] = from[i];
        sk_id *t = from;
        from = to;
        to = t;
    }
    if (from != v)
        memcpy(v, from, n * sizeof *v);
}

/* Entities of F's type whose label does not reach the label index. */
static int unindexed_labels(find_ctx *f, uint64_t indexed, bool *any)
{
    sk_stats s;
    int rc = sk_stats_get(f->x->t, f->x->tmp, &s);
    if (rc)
        return sk_exec_store_fail(f->x, rc, f->st->span);
    uint64_t n = 0;
    for (size_t i = 0; i < s.n_etypes; i++)
        if (s.etypes[i].sym == f->type)
            n = s.etypes[i].n;
    *any = indexed < n;
    return SK_OK;
}

/* Entries of a label snapshot filtered between two checks for a cancel
 * or a limit (a millisecond or so). */
#define SNAP_WINDOW 65536

/* Where label_snap_ids' filter puts the ids of the entries it passes. */
typedef struct snap_hits {
    sk_label_view v;
    sk_idvec *ids;
} snap_hits;

static int snap_hit(void *ctx, size_t i)
{
    snap_hits *h = ctx;
    return sk_idvec_push(h->ids, h->v.id[i]);
}

/* The label regex path over the type's label snapshot (core keeps it
 * while labels are unchanged): the entries index_walk would read, in the
 * same order, from packed memory. SK_ENOTFOUND when core has no snapshot
 * to give; the caller walks the index. */
static int label_snap_ids(find_ctx *f, const access *acc, sk_idvec *ids, uint64_t *entries)
{
    sk_exec *x = f->x;
    sk_label_snap *snap;
    int rc = sk_label_snapshot(x->t, f->type, &snap);
    if (rc)
        return rc == SK_ENOTFOUND ? rc : sk_exec_store_fail(x, rc, f->st->span);
    size_t len, lo, hi;
    const char *text = sk_lrx_prefix(acc->rx, &len);
    if (sk_label_snap_range(snap, text, len, &lo, &hi) != SK_OK) {
        /* A prefix that cannot be folded: the walk reports it. */
        sk_label_snap_release(snap);
        return SK_ENOTFOUND;
    }
    snap_hits h = {.ids = ids};
    sk_label_snap_view(snap, &h.v);
    /* The filter scans a window at a time, so that a cancel or a limit
     * is seen between windows. */
    for (size_t a = lo; !rc && a < hi; a += SNAP_WINDOW) {
        size_t b = hi - a > SNAP_WINDOW ? a + SNAP_WINDOW : hi;
        if (a > lo && (rc = sk_exec_check(x, f->st->span)) != SK_OK)
            break;
        if (sk_lrx_scan(acc->rx, h.v.text, h.v.off, a, b, snap_hit, &h))
            rc = sk_exec_fail(x, SK_ENOMEM, f->st->span, "out of memory");
    }
    sk_label_snap_release(snap);
    *entries = hi - lo;
    return rc && x->code ? x->code : rc;
}

/* The ids of the index entries ACC names, through an LMDB cursor; ENTRIES
 * counts the entries read. */
static int index_walk(find_ctx *f, const access *acc, sk_idvec *ids, uint64_t *entries)
{
    sk_exec *x = f->x;
    const char *text = acc->text;
    size_t len = acc->len;
    if (acc->how == ACC_LABEL_RX)
        text = sk_lrx_prefix(acc->rx, &len);
    sk_idcur *c;
    int rc = sk_scan_prop(x->t, f->type, acc->prop, text, len, acc->how == ACC_LABEL_RX, &c);
    if (rc)
        return sk_exec_store_fail(x, rc, f->st->span);
    sk_id id;
    *entries = 0;
    while ((rc = sk_idcur_next(c, &id)) == SK_OK) {
        if ((++*entries & 4095) == 0 && (rc = sk_exec_check(x, f->st->span)) != SK_OK)
            break;
        const char *s;
        size_t n;
        if (acc->how == ACC_LABEL_RX &&
            (sk_idcur_text(c, &s, &n) != SK_OK || !sk_lrx_may_match(acc->rx, s, n)))
            continue;
        if (sk_idvec_push(ids, id)) {
            rc = sk_exec_fail(x, SK_ENOMEM, f->st->span, "out of memory");
            break;
        }
    }
    sk_idcur_close(c);
    if (rc != SK_DONE)
        return x->code ? x->code : sk_exec_store_fail(x, rc, f->st->span);
    return SK_OK;
}

/* The ids an index path yields, sorted and without repeats (an index scan
 * may give an entity once per matching value). *COMPLETE is false when a
 * label filter could not see every entity of the type. */
static int index_ids(find_ctx *f, const access *acc, sk_idvec *ids, bool *complete)
{
    uint64_t entries = 0;
    int rc = SK_ENOTFOUND;
    if (acc->how == ACC_LABEL_RX && acc->prop == 0)
        rc = label_snap_ids(f, acc, ids, &entries);
    if (rc == SK_ENOTFOUND)
        rc = index_walk(f, acc, ids, &entries);
    if (rc)
        return rc;
    size_t len = 0;
    if (acc->how == ACC_LABEL_RX)
        sk_lrx_prefix(acc->rx, &len);
    *complete = true;
    if (acc->how == ACC_LABEL_RX && len == 0) {
        bool missing = false;
        if ((rc = unindexed_labels(f, entries, &missing)) != SK_OK)
            return rc;
        *complete = !missing;
    }
    if (ids->n > 1) {
        sk_id *tmp = malloc(ids->n * sizeof *tmp);
        if (!tmp)
            return sk_exec_fail(f->x, SK_ENOMEM, f->st->span, "out of memory");
        sort_ids(ids->v, ids->n, tmp);
        free(tmp);
    }
    size_t k = 0;
    for (size_t i = 0; i < ids->n; i++)
        if (k == 0 || ids->v[k - 1] != ids->v[i])
            ids->v[k++] = ids->v[i];
    ids->n = k;
    return SK_OK;
}

static void describe(find_ctx *f, const access *acc)
{
    sk_exec *x = f->x;
    const char *type = f->st->u.find.type.text;
    size_t len;
    const char *prefix;
    switch (acc->how) {
    case ACC_KEY:
        sk_exec_plan(x, "find %s: key index, exact \"%.*s\"", type, (int)acc->len, acc->text);
        break;
    case ACC_PROP:
        sk_exec_plan(x, "find %s: %s index, exact \"%.*s\"", type,
                     acc->prop ? "property" : "label", (int)acc->len, acc->text);
        break;
    case ACC_LABEL_RX:
        prefix = sk_lrx_prefix(acc->rx, &len);
        sk_exec_plan(x, "find %s: label index, %s%.*s%s, folded text filtered by /%s/", type,
                     len ? "prefix \"" : "every entry", (int)len, prefix, len ? "\"" : "",
                     sk_lrx_text(acc->rx));
        break;
    case ACC_TYPE:
        sk_exec_plan(x, "find %s: scan of the type", type);
        break;
    }
}

/* Runs the candidates of ACC through consider(), in id order. */
static int find_rows(find_ctx *f, access *acc)
{
    sk_exec *x = f->x;
    int rc;
    describe(f, acc);
    if (acc->how == ACC_KEY) {
        sk_id id;
        rc = sk_entity_by_key(x->t, f->type, acc->text, acc->len, &id);
        if (rc == SK_ENOTFOUND || rc == SK_EINVAL)
            return SK_OK;
        return rc ? sk_exec_store_fail(x, rc, f->st->span) : consider(f, id);
    }
    if (acc->how != ACC_TYPE) {
        sk_idvec ids = {0};
        bool complete = false;
        rc = index_ids(f, acc, &ids, &complete);
        for (size_t i = 0; !rc && complete && i < ids.n; i++)
            rc = consider(f, ids.v[i]);
        sk_idvec_free(&ids);
        if (rc || complete)
            return rc;
        sk_exec_plan(x, "find %s: some labels are not indexed (empty or very long): "
                        "scan of the type instead", f->st->u.find.type.text);
    }
    sk_idcur *c;
    if ((rc = sk_scan_type(x->t, f->type, &c)) != SK_OK)
        return sk_exec_store_fail(x, rc, f->st->span);
    sk_id id;
    while ((rc = sk_idcur_next(c, &id)) == SK_OK && (rc = consider(f, id)) == SK_OK)
        ;
    sk_idcur_close(c);
    if (rc < 0 && !x->code)
        rc = sk_exec_store_fail(x, rc, f->st->span);
    return rc;
}

static int find_links(sk_exec *x, const sk_ast_stage *st, sk_result *out);

int sk_stage_find(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    if (st->u.find.links)
        return find_links(x, st, out);
    find_ctx f = {.x = x, .st = st};
    int rc = sk_exec_etype(x, &st->u.find.type, &f.type);
    if (!rc)
        rc = sk_cond_compile(x, st->cl.where, SK_PRIMARY_ENTITY, &f.cond);
    const char *cols[] = {"id", "type", "key", "label"};
    if (!rc)
        rc = sk_tb_new(x, cols, 4, &f.tb);
    if (rc)
        return rc;
    const char *tname = sk_exec_name(x, SK_DICT_ETYPE, f.type);
    f.type_name = sk_exec_str(x, tname, strlen(tname));
    bool ordered = sk_ast_has(&st->cl, SK_CL_ORDER);
    /* With 'order by', every match is needed before the limit applies. */
    f.limit = sk_ast_has(&st->cl, SK_CL_LIMIT) && !ordered ? st->cl.limit : 0;
    f.scratch = sk_arena_new();
    access acc;
    plan_find(x, f.type, st->cl.where, &acc);
    rc = f.scratch ? find_rows(&f, &acc) : sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    sk_lrx_free(acc.rx);
    sk_arena_free(f.scratch);
    if (rc == SK_DONE)
        rc = SK_OK;
    if (rc) {
        sk_tb_free(f.tb);
        return rc;
    }
    rc = sk_tb_finish(f.tb, out);
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
