/*
 * stmt_write.c — manual entry: create, link, set and delete, each recorded
 * against a source (the one named with `from "…"`, or a new "manual entry"
 * source) with its grading; and the export stage, which hands its input to
 * the caller's exporter.
 *
 * These run inside the statement's write transaction (exec.c), so a
 * statement that fails half-way changes nothing.
 */
#include "exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *user_name(sk_exec *x) { return sk_exec_user(x); }

/* Interns a grading code written in the query after checking it against
 * the case's scale. */
static int grade_sym(sk_exec *x, const sk_ast_lit *lit, sk_sym *out)
{
    sk_gradeinfo g;
    int rc = sk_exec_grade_lit(x, lit, &g);
    if (rc)
        return rc;
    rc = sk_name_intern(x->t, SK_DICT_GRADE, g.code, strlen(g.code), true, out);
    return rc ? sk_exec_store_fail(x, rc, lit->span) : SK_OK;
}

typedef struct find_src {
    const char *name;
    sk_srcid id;
} find_src;

static int match_source(const sk_source *s, void *ctx)
{
    find_src *f = ctx;
    if (!strcmp(s->name, f->name)) {
        f->id = s->id;
        return 1;
    }
    return 0;
}

/* The source of a manual entry: the one named `from "…"` (created on first
 * use), or a new "manual entry" source for this statement. */
static int entry_source(sk_exec *x, const sk_ast_clauses *cl, sk_sym grade, sk_srcid *out)
{
    const char *name = "manual entry";
    if (sk_ast_has(cl, SK_CL_SOURCE)) {
        name = cl->source.u.str.ptr;
        find_src f = {.name = name};
        int rc = sk_source_each(x->t, x->tmp, match_source, &f);
        if (rc)
            return sk_exec_store_fail(x, rc, cl->span[SK_CL_SOURCE]);
        if (f.id) {
            *out = f.id;
            return SK_OK;
        }
    }
    sk_source s = {.name = name, .time = time(NULL), .user = user_name(x), .grade = grade,
                   .note = "entered in the query language"};
    int rc = sk_source_add(x->t, &s);
    if (rc && rc != SK_EEXISTS)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    *out = s.id;
    return SK_OK;
}

/* Turns a literal into a stored value. */
static int lit_value(sk_exec *x, const sk_ast_lit *l, sk_value *v)
{
    switch (l->kind) {
    case SK_LIT_STR: case SK_LIT_WORD:
        *v = (sk_value){.type = SK_V_STR, .u.str = {l->u.str.ptr, l->u.str.len}};
        return SK_OK;
    case SK_LIT_INT: *v = (sk_value){.type = SK_V_INT, .u.i = l->u.i}; return SK_OK;
    case SK_LIT_REAL: *v = (sk_value){.type = SK_V_REAL, .u.r = l->u.r}; return SK_OK;
    case SK_LIT_BOOL: *v = (sk_value){.type = SK_V_BOOL, .u.b = l->u.b}; return SK_OK;
    case SK_LIT_TIME: *v = sk_exec_time(l->u.time.t, l->u.time.off_min); return SK_OK;
    case SK_LIT_ID: *v = (sk_value){.type = SK_V_ID, .u.i = (int64_t)l->u.id}; return SK_OK;
    case SK_LIT_DURATION: *v = (sk_value){.type = SK_V_INT, .u.i = l->u.dur}; return SK_OK;
    case SK_LIT_NULL: *v = (sk_value){.type = SK_V_NULL}; return SK_OK;
    default:
        return sk_exec_fail(x, SK_EINVAL, l->span, "this value cannot be stored");
    }
}

static int map_props(sk_exec *x, const sk_ast_map *m, sk_prop **out)
{
    *out = sk_arena_alloc(x->tmp, (m->n ? m->n : 1) * sizeof **out);
    if (!*out)
        return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
    for (size_t i = 0; i < m->n; i++) {
        int rc = sk_name_intern(x->t, SK_DICT_PROP, m->v[i].key.text, m->v[i].key.len, true,
                                &(*out)[i].name);
        if (rc)
            return sk_exec_store_fail(x, rc, m->v[i].key.span);
        if ((rc = lit_value(x, &m->v[i].value, &(*out)[i].value)) != SK_OK)
            return rc;
    }
    return SK_OK;
}

static int status_table(sk_exec *x, sk_result *out, const char *what, sk_id id,
                        const char *detail)
{
    const char *cols[] = {"status", "id", "detail"};
    sk_tbuild *tb;
    int rc = sk_tb_new(x, cols, 3, &tb);
    if (rc)
        return rc;
    if (sk_tb_row(tb)) {
        sk_tb_set(tb, 0, sk_exec_str(x, what, strlen(what)));
        if (id)
            sk_tb_set(tb, 1, (sk_value){.type = SK_V_ID, .u.i = (int64_t)id});
        if (detail)
            sk_tb_set(tb, 2, sk_exec_str(x, detail, strlen(detail)));
    }
    return sk_tb_finish(tb, out);
}

static int grading(sk_exec *x, const sk_ast_clauses *cl, sk_sym *grade)
{
    *grade = 0;
    return sk_ast_has(cl, SK_CL_GRADED) ? grade_sym(x, &cl->graded, grade) : SK_OK;
}

int sk_stage_create(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    sk_sym type, grade;
    const sk_ast_name *tn = &st->u.create.type;
    int rc = sk_name_intern(x->t, SK_DICT_ETYPE, tn->text, tn->len, true, &type);
    if (rc)
        return sk_exec_store_fail(x, rc, tn->span);
    sk_prop *props;
    sk_srcid src;
    if ((rc = map_props(x, &st->u.create.props, &props)) != SK_OK ||
        (rc = grading(x, &st->cl, &grade)) != SK_OK ||
        (rc = entry_source(x, &st->cl, grade, &src)) != SK_OK)
        return rc;
    const char *key = st->u.create.key.kind == SK_LIT_STR ? st->u.create.key.u.str.ptr : NULL;
    const char *label = key;
    for (size_t i = 0; i < st->u.create.props.n; i++)
        if (!strcmp(st->u.create.props.v[i].key.text, "name") &&
            props[i].value.type == SK_V_STR)
            label = st->u.create.props.v[i].value.u.str.ptr;
    sk_entity_in e = {.type = type, .key = key, .label = label, .props = props,
                      .nprops = st->u.create.props.n, .assert = {src, grade}};
    sk_id id;
    bool created;
    rc = sk_entity_upsert(x->t, &e, &id, &created);
    if (rc)
        return sk_exec_store_fail(x, rc, st->span);
    return status_table(x, out, created ? "created" : "confirmed", id, NULL);
}

int sk_stage_link(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    sk_id a, b;
    sk_sym type, grade;
    const sk_ast_name *tn = &st->u.link.type;
    int rc = sk_exec_ref(x, &st->u.link.from, &a);
    if (!rc)
        rc = sk_exec_ref(x, &st->u.link.to, &b);
    if (rc)
        return rc;
    rc = sk_name_intern(x->t, SK_DICT_LTYPE, tn->text, tn->len, true, &type);
    if (rc)
        return sk_exec_store_fail(x, rc, tn->span);
    sk_prop *props;
    sk_srcid src;
    if ((rc = map_props(x, &st->u.link.props, &props)) != SK_OK ||
        (rc = grading(x, &st->cl, &grade)) != SK_OK ||
        (rc = entry_source(x, &st->cl, grade, &src)) != SK_OK)
        return rc;
    bool reversed = st->u.link.dir == SK_AST_DIR_IN;
    sk_link_in l = {.src = reversed ? b : a, .dst = reversed ? a : b, .type = type,
                    .directed = st->u.link.dir != SK_AST_DIR_NONE, .t_start = SK_NO_TIME,
                    .t_end = SK_NO_TIME, .props = props, .nprops = st->u.link.props.n,
                    .assert = {src, grade}};
    if (sk_ast_has(&st->cl, SK_CL_AT)) {
        l.t_start = st->cl.at.u.time.t;
        l.t_off = st->cl.at.u.time.off_min;
        l.t_end = st->cl.at_to.kind == SK_LIT_TIME ? sk_ast_datetime_last(&st->cl.at_to.u.time)
                                                   : l.t_start;
    }
    sk_id id;
    bool created;
    rc = sk_link_upsert(x->t, &l, &id, &created);
    if (rc)
        return sk_exec_store_fail(x, rc, st->span);
    return status_table(x, out, created ? "linked" : "confirmed", id, NULL);
}

int sk_stage_set(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    const sk_ast_name *pn = &st->u.set.prop;
    sk_value v;
    int rc = lit_value(x, &st->u.set.value, &v);
    if (rc)
        return rc;
    bool is_link = st->u.set.target.kind == SK_REF_LINK;
    sk_id id = st->u.set.target.u.id;
    if (!is_link && (rc = sk_exec_ref(x, &st->u.set.target, &id)) != SK_OK)
        return rc;
    if (!is_link && !strcmp(pn->text, "label")) {
        if (v.type != SK_V_STR)
            return sk_exec_fail(x, SK_EINVAL, st->u.set.value.span, "a label is text");
        rc = sk_entity_set_label(x->t, id, sk_arena_strndup(x->tmp, v.u.str.ptr, v.u.str.len));
    } else {
        sk_sym prop;
        rc = sk_name_intern(x->t, SK_DICT_PROP, pn->text, pn->len, true, &prop);
        if (!rc)
            rc = is_link ? sk_link_set_prop(x->t, id, prop, &v)
                         : sk_entity_set_prop(x->t, id, prop, &v);
    }
    if (rc)
        return sk_exec_store_fail(x, rc, st->span);
    return status_table(x, out, v.type == SK_V_NULL ? "removed" : "set", is_link ? 0 : id,
                        pn->text);
}

int sk_stage_delete(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    int rc;
    if (st->u.ref.kind == SK_REF_LINK) {
        rc = sk_link_delete(x->t, st->u.ref.u.id);
        if (rc == SK_ENOTFOUND)
            return sk_exec_fail(x, rc, st->u.ref.span, "no link #%llu in this case",
                                (unsigned long long)st->u.ref.u.id);
        if (rc)
            return sk_exec_store_fail(x, rc, st->span);
        char detail[64];
        snprintf(detail, sizeof detail, "link #%llu", (unsigned long long)st->u.ref.u.id);
        return status_table(x, out, "deleted", 0, detail);
    }
    sk_idvec ids = {0};
    rc = sk_exec_refset(x, &st->u.ref, &ids);
    for (size_t i = 0; !rc && i < ids.n; i++)
        if ((rc = sk_entity_delete(x->t, ids.v[i])) != SK_OK)
            rc = sk_exec_store_fail(x, rc, st->span);
    char detail[64];
    snprintf(detail, sizeof detail, "%zu entit%s and their links", ids.n,
             ids.n == 1 ? "y" : "ies");
    sk_id one = ids.n == 1 ? ids.v[0] : 0;
    sk_idvec_free(&ids);
    return rc ? rc : status_table(x, out, "deleted", one, detail);
}

int sk_stage_merge(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    sk_id from = st->u.merge.from.u.id, into = st->u.merge.into.u.id;
    if (from == into)
        return sk_exec_fail(x, SK_EINVAL, st->span, "cannot merge #%llu into itself",
                            (unsigned long long)from);
    int rc = sk_entity_merge(x->t, from, into);
    if (rc)
        return sk_exec_store_fail(x, rc, st->span);
    char detail[96];
    snprintf(detail, sizeof detail, "#%llu merged into #%llu; 'unmerge #%llu' restores both",
             (unsigned long long)from, (unsigned long long)into, (unsigned long long)into);
    return status_table(x, out, "merged", into, detail);
}

int sk_stage_unmerge(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    sk_id into = st->u.merge.into.u.id, restored;
    int rc = sk_entity_unmerge(x->t, into, &restored);
    if (rc == SK_ENOTFOUND)
        return sk_exec_fail(x, rc, st->span, "#%llu has no merge to undo",
                            (unsigned long long)into);
    if (rc)
        return sk_exec_store_fail(x, rc, st->span);
    char detail[64];
    snprintf(detail, sizeof detail, "restored #%llu", (unsigned long long)restored);
    return status_table(x, out, "unmerged", into, detail);
}

int sk_stage_export(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    if (!x->opts || !x->opts->export_fn)
        return sk_exec_fail(x, SK_EINVAL, st->span, "export is not available here");
    /* Handling codes that forbid dissemination need a named authority,
     * which the audit log records with the disclosure. */
    if (in->no_dissemination && !(x->opts->authorised_by && *x->opts->authorised_by))
        return sk_exec_fail(x, SK_EACCESS, st->span,
                            "this result holds material whose handling code (%s) forbids "
                            "further dissemination; export it with --authorised-by \"NAME, "
                            "ROLE\" (recorded in the audit log)",
                            in->handling_code ? in->handling_code : "restricted");
    sk_export_req req = {
        .format = sk_ast_format_name(st->u.export.format),
        .file = st->u.export.file.u.str.ptr,
        .layout = sk_ast_has(&st->cl, SK_CL_LAYOUT) ? sk_layout_name(st->cl.layout) : NULL,
        .title = sk_ast_has(&st->cl, SK_CL_TITLE) ? st->cl.title.u.str.ptr : NULL,
    };
    char msg[1024] = "";
    /* The exporter sees the statement's query text and notices too. */
    sk_result r = *in;
    r.query = sk_arena_strndup(x->a, x->text + x->stmt->span.start,
                               x->stmt->span.end - x->stmt->span.start);
    int rc = x->opts->export_fn(x->opts->export_ctx, &r, &req, msg, sizeof msg);
    if (rc)
        return sk_exec_fail(x, rc, st->span, "%s", msg[0] ? msg : sk_strerror(rc));
    x->disclosed = true;
    x->disclosed_entities = in->kind == SK_RESULT_GRAPH ? in->graph.nnodes : in->table.nrows;
    x->disclosed_handling = in->handling_code;
    const char *cols[] = {"export"};
    sk_tbuild *tb;
    rc = sk_tb_new(x, cols, 1, &tb);
    if (rc)
        return rc;
    if (sk_tb_row(tb))
        sk_tb_set(tb, 0, sk_exec_str(x, msg, strlen(msg)));
    return sk_tb_finish(tb, out);
}
