/*
 * cond.c — conditions: compiled once per statement against the case
 * (property names interned, regexes compiled with PCRE2 in UTF mode and
 * JIT-compiled where the platform allows, grading codes parsed), then
 * evaluated on entities, links and match bindings.
 *
 * Comparison rules (docs/query-language.md): strings compare case- and
 * width-insensitively (both sides folded like keys); a number compares
 * with a number or with a string that reads as one; a date literal covers
 * its whole precision ('= 2024-03-01' is that day); a grading compares by
 * reliability in the case's scale; a missing property makes a comparison
 * false. Special fields: id, type, key, label, grade, source, time.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "exec_int.h"

#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum field {
    F_PROP = 0, F_ID, F_TYPE, F_KEY, F_LABEL, F_GRADE, F_SOURCE, F_TIME,
} field;

static const struct { const char *name; field f; } fields[] = {
    {"id", F_ID}, {"type", F_TYPE}, {"key", F_KEY}, {"label", F_LABEL},
    {"grade", F_GRADE}, {"source", F_SOURCE}, {"time", F_TIME},
};

typedef struct cref {
    const char *qual;   /* NULL: the primary object */
    field f;
    sk_sym prop;        /* F_PROP */
    bool unknown;       /* the property is not in this case: never present */
    bool label_fallback; /* 'name': the property when present, else the label */
} cref;

struct sk_cexpr {
    sk_cond_kind kind;
    sk_cexpr *kids;               /* AND, OR: n; NOT: 1 */
    size_t n;
    cref ref;
    sk_ast_op op;
    const sk_ast_lit *lits;       /* CMP: 1; IN: n; BETWEEN: 2 (lo, hi) */
    size_t nlits;
    char **folded;                /* folded string literals, per lits[] */
    sk_gradeinfo *grades;         /* F_GRADE: parsed literals */
    sk_sym *types;                /* F_TYPE: interned literals (0 = unknown) */
    bool needs_link;
    sk_cond_primary primary;      /* what unqualified names refer to */
};

/* ---- regex cache ---- */

typedef struct rx_entry {
    const sk_ast_lit *lit;
    pcre2_code *code;
    pcre2_match_data *md;
} rx_entry;

struct sk_rxcache {
    rx_entry *v;
    size_t n, cap;
};

void sk_exec_cleanup(sk_exec *x)
{
    if (!x->rx)
        return;
    for (size_t i = 0; i < x->rx->n; i++) {
        pcre2_match_data_free(x->rx->v[i].md);
        pcre2_code_free(x->rx->v[i].code);
    }
    free(x->rx->v);
    free(x->rx);
    x->rx = NULL;
}

static rx_entry *regex(sk_exec *x, const sk_ast_lit *lit)
{
    if (!x->rx && !(x->rx = calloc(1, sizeof *x->rx)))
        return NULL;
    for (size_t i = 0; i < x->rx->n; i++)
        if (x->rx->v[i].lit == lit)
            return &x->rx->v[i];
    if (x->rx->n == x->rx->cap) {
        size_t cap = x->rx->cap ? x->rx->cap * 2 : 8;
        rx_entry *p = realloc(x->rx->v, cap * sizeof *p);
        if (!p)
            return NULL;
        x->rx->v = p;
        x->rx->cap = cap;
    }
    uint32_t opts = PCRE2_UTF | PCRE2_UCP;
    unsigned f = lit->u.rx.flags;
    opts |= (f & SK_RX_CASELESS ? PCRE2_CASELESS : 0) | (f & SK_RX_MULTILINE ? PCRE2_MULTILINE : 0) |
            (f & SK_RX_DOTALL ? PCRE2_DOTALL : 0) | (f & SK_RX_EXTENDED ? PCRE2_EXTENDED : 0);
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)lit->u.rx.ptr, lit->u.rx.len, opts, &err,
                                     &off, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        sk_exec_fail(x, SK_EPARSE, lit->span, "bad regex at offset %zu: %s", (size_t)off,
                     (const char *)msg);
        return NULL;
    }
    /* JIT is an optimisation: without it (or when it fails) matching is
     * interpreted, with the same answers. */
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    rx_entry *e = &x->rx->v[x->rx->n++];
    *e = (rx_entry){lit, code, pcre2_match_data_create_from_pattern(code, NULL)};
    return e;
}

bool sk_exec_regex(sk_exec *x, const sk_ast_lit *lit, const char *subject, size_t len)
{
    rx_entry *e = regex(x, lit);
    if (!e || !e->md)
        return false;
    /* Limits bound catastrophic backtracking: a pathological pattern fails
     * to match instead of hanging the query. */
    int rc = pcre2_match(e->code, (PCRE2_SPTR)subject, len, 0, 0, e->md, NULL);
    return rc >= 0;
}

/* ---- compilation ---- */

static char *fold(sk_exec *x, const char *s, size_t len)
{
    size_t cap = len * 3 + 16;
    char *out = sk_arena_alloc(x->a, cap);
    if (!out)
        return NULL;
    int n = sk_text_fold(s, len, out, cap);
    if (n < 0)
        return NULL;
    return out;
}

static int compile_ref(sk_exec *x, const sk_ast_prop *p, sk_cond_primary primary, cref *r)
{
    *r = (cref){0};
    if (p->qual.len)
        r->qual = p->qual.text;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!strcmp(p->name.text, fields[i].name)) {
            r->f = fields[i].f;
            return SK_OK;
        }
    r->f = F_PROP;
    r->label_fallback = !strcmp(p->name.text, "name");
    int rc = sk_name_intern(x->t, SK_DICT_PROP, p->name.text, p->name.len, false, &r->prop);
    if (rc == SK_ENOTFOUND && r->label_fallback) {
        r->f = F_LABEL; /* no entity has a 'name' property: names are labels */
        return SK_OK;
    }
    if (rc == SK_ENOTFOUND) {
        /* Unknown anywhere in the case: say so, with the closest name. */
        return sk_exec_prop(x, &p->name, &r->prop);
    }
    (void)primary;
    return rc ? sk_exec_store_fail(x, rc, p->span) : SK_OK;
}

static bool refs_link(const cref *r, sk_cond_primary primary)
{
    if (r->qual)
        return strcmp(r->qual, "entity") != 0 && strcmp(r->qual, "node") != 0;
    return primary == SK_PRIMARY_LINK;
}

static int compile_lits(sk_exec *x, sk_cexpr *e)
{
    e->folded = sk_arena_alloc(x->a, e->nlits * sizeof *e->folded);
    if (!e->folded)
        return sk_exec_fail(x, SK_ENOMEM, e->lits[0].span, "out of memory");
    if (e->ref.f == F_GRADE) {
        e->grades = sk_arena_alloc(x->a, e->nlits * sizeof *e->grades);
        if (!e->grades)
            return sk_exec_fail(x, SK_ENOMEM, e->lits[0].span, "out of memory");
    }
    if (e->ref.f == F_TYPE) {
        e->types = sk_arena_alloc(x->a, e->nlits * sizeof *e->types);
        if (!e->types)
            return sk_exec_fail(x, SK_ENOMEM, e->lits[0].span, "out of memory");
    }
    for (size_t i = 0; i < e->nlits; i++) {
        const sk_ast_lit *l = &e->lits[i];
        e->folded[i] = NULL;
        if (l->kind == SK_LIT_STR || l->kind == SK_LIT_WORD)
            e->folded[i] = fold(x, l->u.str.ptr, l->u.str.len);
        if (l->kind == SK_LIT_REGEX && !regex(x, l))
            return x->code;
        if (e->ref.f == F_GRADE && l->kind != SK_LIT_REGEX) {
            if (l->kind != SK_LIT_STR && l->kind != SK_LIT_WORD && l->kind != SK_LIT_INT)
                return sk_exec_fail(x, SK_EINVAL, l->span, "expected a grading code such as B2");
            sk_ast_lit tmp = *l;
            char num[32];
            if (l->kind == SK_LIT_INT) {
                snprintf(num, sizeof num, "%lld", (long long)l->u.i);
                tmp.u.str.ptr = num;
                tmp.u.str.len = strlen(num);
            }
            int rc = sk_exec_grade_lit(x, &tmp, &e->grades[i]);
            if (rc)
                return rc;
        }
        if (e->ref.f == F_TYPE) {
            e->types[i] = 0;
            /* 'type = person' on an entity, 'type = knows' on a link. */
            bool on_link = refs_link(&e->ref, e->primary);
            if (l->kind == SK_LIT_STR || l->kind == SK_LIT_WORD)
                sk_name_intern(x->t, on_link ? SK_DICT_LTYPE : SK_DICT_ETYPE, l->u.str.ptr,
                               l->u.str.len, false, &e->types[i]);
        }
    }
    return SK_OK;
}

static int compile(sk_exec *x, const sk_ast_cond *c, sk_cond_primary primary, sk_cexpr *e)
{
    *e = (sk_cexpr){.kind = c->kind, .primary = primary};
    int rc = SK_OK;
    switch (c->kind) {
    case SK_COND_AND:
    case SK_COND_OR:
        e->n = c->u.list.n;
        e->kids = sk_arena_alloc(x->a, e->n * sizeof *e->kids);
        if (!e->kids)
            return sk_exec_fail(x, SK_ENOMEM, c->span, "out of memory");
        for (size_t i = 0; !rc && i < e->n; i++) {
            rc = compile(x, &c->u.list.v[i], primary, &e->kids[i]);
            e->needs_link = e->needs_link || e->kids[i].needs_link;
        }
        return rc;
    case SK_COND_NOT:
        e->n = 1;
        e->kids = sk_arena_alloc(x->a, sizeof *e->kids);
        if (!e->kids)
            return sk_exec_fail(x, SK_ENOMEM, c->span, "out of memory");
        rc = compile(x, c->u.operand, primary, e->kids);
        e->needs_link = e->kids->needs_link;
        return rc;
    case SK_COND_CMP:
        rc = compile_ref(x, &c->u.cmp.prop, primary, &e->ref);
        e->op = c->u.cmp.op;
        e->lits = &c->u.cmp.value;
        e->nlits = 1;
        break;
    case SK_COND_IN:
        rc = compile_ref(x, &c->u.in.prop, primary, &e->ref);
        e->op = SK_OP_EQ;
        e->lits = c->u.in.v;
        e->nlits = c->u.in.n;
        break;
    case SK_COND_BETWEEN: {
        rc = compile_ref(x, &c->u.between.prop, primary, &e->ref);
        sk_ast_lit *two = sk_arena_alloc(x->a, 2 * sizeof *two);
        if (!two)
            return sk_exec_fail(x, SK_ENOMEM, c->span, "out of memory");
        two[0] = c->u.between.lo;
        two[1] = c->u.between.hi;
        e->lits = two;
        e->nlits = 2;
        break;
    }
    case SK_COND_HAS:
        rc = compile_ref(x, &c->u.has, primary, &e->ref);
        break;
    }
    if (rc)
        return rc;
    e->needs_link = refs_link(&e->ref, primary) &&
                    (e->ref.f == F_PROP || e->ref.f == F_GRADE || e->ref.f == F_SOURCE);
    return e->nlits ? compile_lits(x, e) : SK_OK;
}

int sk_cond_compile(sk_exec *x, const sk_ast_cond *c, sk_cond_primary primary, sk_cexpr **out)
{
    *out = NULL;
    if (!c)
        return SK_OK;
    sk_cexpr *e = sk_arena_alloc(x->a, sizeof *e);
    if (!e)
        return sk_exec_fail(x, SK_ENOMEM, c->span, "out of memory");
    int rc = compile(x, c, primary, e);
    if (rc)
        return rc;
    *out = e;
    return SK_OK;
}

bool sk_cond_needs_link(const sk_cexpr *e) { return e && e->needs_link; }

/* ---- evaluation ---- */

/* The object a reference names: an entity or a link (one is set). */
typedef struct obj {
    const sk_entity *e;
    const sk_link *l;
} obj;

static obj target(const cref *r, const sk_cond_env *env, sk_cond_primary primary)
{
    if (!r->qual)
        return primary == SK_PRIMARY_LINK ? (obj){NULL, env->link} : (obj){env->entity, NULL};
    if (!strcmp(r->qual, "link") || !strcmp(r->qual, "edge"))
        return (obj){NULL, env->link};
    if (!strcmp(r->qual, "entity") || !strcmp(r->qual, "node") || !strcmp(r->qual, "other"))
        return (obj){env->entity, NULL};
    for (size_t i = 0; i < env->nvars; i++)
        if (!strcmp(env->var_names[i], r->qual))
            return (obj){env->var_entities ? env->var_entities[i] : NULL,
                         env->var_links ? env->var_links[i] : NULL};
    return (obj){NULL, NULL};
}

/* Fetches the value a reference names; false when absent. */
static bool fetch(sk_exec *x, const cref *r, obj o, sk_value *v, const sk_assert **as,
                  size_t *nas)
{
    *as = o.e ? o.e->asserts : o.l ? o.l->asserts : NULL;
    *nas = o.e ? o.e->nasserts : o.l ? o.l->nasserts : 0;
    if (!o.e && !o.l)
        return false;
    switch (r->f) {
    case F_ID:
        *v = (sk_value){.type = SK_V_ID, .u.i = (int64_t)(o.e ? o.e->id : o.l->id)};
        return true;
    case F_TYPE:
        *v = (sk_value){.type = SK_V_INT, .u.i = o.e ? o.e->type : o.l->type};
        return true;
    case F_KEY:
        if (!o.e)
            return false;
        *v = (sk_value){.type = SK_V_STR, .u.str = {o.e->key, o.e->key_len}};
        return true;
    case F_LABEL:
        if (!o.e)
            return false;
        *v = (sk_value){.type = SK_V_STR, .u.str = {o.e->label, o.e->label_len}};
        return true;
    case F_TIME:
        if (!o.l || o.l->t_start == SK_NO_TIME)
            return false;
        *v = (sk_value){.type = SK_V_TIME, .u.time = {o.l->t_start, o.l->t_off}};
        return true;
    case F_GRADE:
    case F_SOURCE:
        return *nas > 0;
    case F_PROP: {
        if (r->unknown)
            return false;
        const sk_prop *p = o.e ? o.e->props : o.l->props;
        size_t n = o.e ? o.e->nprops : o.l->nprops;
        for (size_t i = 0; i < n; i++)
            if (p[i].name == r->prop) {
                *v = p[i].value;
                return v->type != SK_V_NULL;
            }
        if (r->label_fallback && o.e) {
            *v = (sk_value){.type = SK_V_STR, .u.str = {o.e->label, o.e->label_len}};
            return true;
        }
        return false;
    }
    }
    (void)x;
    return false;
}

static int sign(double d) { return d < 0 ? -1 : d > 0 ? 1 : 0; }

static bool op_holds(sk_ast_op op, int cmp)
{
    switch (op) {
    case SK_OP_EQ: return cmp == 0;
    case SK_OP_NE: return cmp != 0;
    case SK_OP_LT: return cmp < 0;
    case SK_OP_LE: return cmp <= 0;
    case SK_OP_GT: return cmp > 0;
    case SK_OP_GE: return cmp >= 0;
    default: return false;
    }
}

/* Text of a value for regex matching and string comparison. */
static size_t value_text(const sk_value *v, char *buf, size_t cap, const char **out)
{
    switch (v->type) {
    case SK_V_STR: *out = v->u.str.ptr; return v->u.str.len;
    case SK_V_INT: snprintf(buf, cap, "%lld", (long long)v->u.i); break;
    case SK_V_ID: snprintf(buf, cap, "#%lld", (long long)v->u.i); break;
    case SK_V_REAL: snprintf(buf, cap, "%.15g", v->u.r); break;
    case SK_V_BOOL: snprintf(buf, cap, "%s", v->u.b ? "true" : "false"); break;
    case SK_V_TIME: {
        time_t t = (time_t)(v->u.time.t + v->u.time.off_min * 60);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
        break;
    }
    case SK_V_GEO: snprintf(buf, cap, "%.6f,%.6f", v->u.geo.lat, v->u.geo.lon); break;
    default: buf[0] = '\0'; break;
    }
    *out = buf;
    return strlen(buf);
}

static bool number_of(const sk_value *v, double *d)
{
    switch (v->type) {
    case SK_V_INT: case SK_V_ID: *d = (double)v->u.i; return true;
    case SK_V_REAL: *d = v->u.r; return true;
    case SK_V_BOOL: *d = v->u.b; return true;
    case SK_V_STR: {
        char buf[64];
        if (v->u.str.len == 0 || v->u.str.len >= sizeof buf)
            return false;
        memcpy(buf, v->u.str.ptr, v->u.str.len);
        buf[v->u.str.len] = '\0';
        char *end;
        *d = strtod(buf, &end);
        return *end == '\0' && isfinite(*d);
    }
    default: return false;
    }
}

/* Compares value V with literal I of E for OP. */
static bool compare(sk_exec *x, const sk_cexpr *e, size_t i, sk_ast_op op, const sk_value *v)
{
    const sk_ast_lit *l = &e->lits[i];
    char buf[64];
    const char *s;
    size_t n;
    switch (l->kind) {
    case SK_LIT_REGEX:
        n = value_text(v, buf, sizeof buf, &s);
        return op == SK_OP_NE ? !sk_exec_regex(x, l, s, n) : sk_exec_regex(x, l, s, n);
    case SK_LIT_NULL:
        return op == SK_OP_NE;
    case SK_LIT_TIME: {
        if (v->type != SK_V_TIME)
            return false;
        int64_t first = l->u.time.t, last = sk_ast_datetime_last(&l->u.time);
        int cmp = v->u.time.t < first ? -1 : v->u.time.t > last ? 1 : 0;
        return op_holds(op, cmp);
    }
    case SK_LIT_INT: case SK_LIT_REAL: case SK_LIT_BOOL: case SK_LIT_ID: case SK_LIT_DURATION: {
        double a, b = l->kind == SK_LIT_INT ? (double)l->u.i
                      : l->kind == SK_LIT_REAL ? l->u.r
                      : l->kind == SK_LIT_BOOL ? l->u.b
                      : l->kind == SK_LIT_ID ? (double)l->u.id : (double)l->u.dur;
        if (!number_of(v, &a))
            return op == SK_OP_NE;
        return op_holds(op, sign(a - b));
    }
    case SK_LIT_STR: case SK_LIT_WORD: {
        if (v->type != SK_V_STR) {
            double a, b;
            if (number_of(v, &a)) {
                sk_value lv = {.type = SK_V_STR, .u.str = {l->u.str.ptr, l->u.str.len}};
                if (number_of(&lv, &b))
                    return op_holds(op, sign(a - b));
            }
        }
        n = value_text(v, buf, sizeof buf, &s);
        char stackbuf[1024];
        int fl = n * 3 + 16 <= sizeof stackbuf ? sk_text_fold(s, n, stackbuf, sizeof stackbuf) : -1;
        if (fl < 0 || !e->folded[i])
            return false;
        int cmp = strcmp(stackbuf, e->folded[i]);
        return op_holds(op, cmp);
    }
    default:
        return false;
    }
}

static bool grade_cmp(const sk_cexpr *e, size_t i, sk_ast_op op, const sk_gradeinfo *g)
{
    double a = g->reliability, b = e->grades[i].reliability;
    int cmp = fabs(a - b) < 1e-9 ? 0 : a < b ? -1 : 1;
    if (op == SK_OP_EQ || op == SK_OP_NE) {
        bool same = g->code && e->grades[i].code && !strcmp(g->code, e->grades[i].code);
        return op == SK_OP_EQ ? same : !same;
    }
    return op_holds(op, cmp);
}

static bool eval_leaf(sk_exec *x, const sk_cexpr *e, const sk_cond_env *env,
                      sk_cond_primary primary)
{
    obj o = target(&e->ref, env, primary);
    sk_value v;
    const sk_assert *as;
    size_t nas;
    bool present = fetch(x, &e->ref, o, &v, &as, &nas);
    if (e->kind == SK_COND_HAS)
        return present;
    if (!present)
        return e->kind == SK_COND_CMP && e->op == SK_OP_NE;
    if (e->ref.f == F_GRADE) {
        sk_gradeinfo g;
        sk_exec_grade(x, as, nas, &g);
        if (!g.code)
            return false;
        if (e->kind == SK_COND_BETWEEN)
            return grade_cmp(e, 0, SK_OP_GE, &g) && grade_cmp(e, 1, SK_OP_LE, &g);
        for (size_t i = 0; i < e->nlits; i++)
            if (e->lits[i].kind == SK_LIT_REGEX
                    ? sk_exec_regex(x, &e->lits[i], g.code, strlen(g.code))
                    : grade_cmp(e, i, e->op, &g))
                return true;
        return false;
    }
    if (e->ref.f == F_SOURCE) {
        for (size_t k = 0; k < nas; k++) {
            const char *name = sk_exec_source_name(x, as[k].source);
            sk_value sv = {.type = SK_V_STR, .u.str = {name, strlen(name)}};
            for (size_t i = 0; i < e->nlits; i++)
                if (compare(x, e, i, e->op, &sv))
                    return true;
        }
        return false;
    }
    if (e->ref.f == F_TYPE) {
        for (size_t i = 0; i < e->nlits; i++) {
            if (e->lits[i].kind == SK_LIT_REGEX) {
                const char *name = sk_exec_name(x, o.e ? SK_DICT_ETYPE : SK_DICT_LTYPE,
                                                (sk_sym)v.u.i);
                if (sk_exec_regex(x, &e->lits[i], name, strlen(name)))
                    return true;
            } else if (op_holds(e->op == SK_OP_NE ? SK_OP_NE : SK_OP_EQ,
                                e->types[i] == (sk_sym)v.u.i ? 0 : 1)) {
                return true;
            }
        }
        return false;
    }
    if (e->kind == SK_COND_BETWEEN)
        return compare(x, e, 0, SK_OP_GE, &v) && compare(x, e, 1, SK_OP_LE, &v);
    for (size_t i = 0; i < e->nlits; i++)
        if (compare(x, e, i, e->op, &v))
            return true;
    return false;
}

static bool eval(sk_exec *x, const sk_cexpr *e, const sk_cond_env *env,
                 sk_cond_primary primary)
{
    switch (e->kind) {
    case SK_COND_AND:
        for (size_t i = 0; i < e->n; i++)
            if (!eval(x, &e->kids[i], env, primary))
                return false;
        return true;
    case SK_COND_OR:
        for (size_t i = 0; i < e->n; i++)
            if (eval(x, &e->kids[i], env, primary))
                return true;
        return false;
    case SK_COND_NOT:
        return !eval(x, e->kids, env, primary);
    default:
        return eval_leaf(x, e, env, primary);
    }
}

bool sk_cond_eval(sk_exec *x, const sk_cexpr *e, const sk_cond_env *env)
{
    if (!e)
        return true;
    return eval(x, e, env, e->primary);
}
