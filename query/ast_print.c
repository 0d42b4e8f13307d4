/*
 * ast_print.c — the canonical text of a statement, for 'explain', for
 * tests, and wherever a query is shown back (chart captions, the audit
 * log).
 *
 * Invariant: parsing what this prints gives the same tree (spans aside),
 * so print(parse(print(parse(q)))) == print(parse(q)); the fuzz target
 * checks it on every input that parses. What "canonical" means is in
 * ast.h. Names are written bare when they would lex back as the same name
 * and in backquotes otherwise (spaces, reserved words, 'link' after find).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "lexer.h"

/* Text grown in the arena; OOM is sticky and reported at the end. */
typedef struct pbuf {
    sk_arena *a;
    char *s;
    size_t n, cap;
    bool oom;
} pbuf;

static void put(pbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *grown = sk_arena_alloc(b->a, cap);
        if (!grown) {
            b->oom = true;
            return;
        }
        if (b->n)
            memcpy(grown, b->s, b->n);
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void puts_(pbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(pbuf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(b, tmp, n < 0 ? 0 : (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- Names ------------------------------------------------------------------------ */

/* Does TEXT lex back as one unquoted word that reads as a name? DIGIT_OK
 * for values (1A), not for names; RESERVED_OK where no keyword can stand
 * (after '.', before ':'). */
static bool bare_word(sk_arena *a, const char *text, size_t len, bool digit_ok,
                      bool reserved_ok)
{
    if (len == 0)
        return false;
    if (!digit_ok && text[0] >= '0' && text[0] <= '9')
        return false;
    sk_diag d;
    sk_lexer lx;
    sk_token t;
    sk_lex_init(&lx, text, len, a, &d);
    if (sk_lex_next(&lx, &t) != SK_OK || t.kind != SK_TOK_WORD || t.span.start != 0 ||
        t.span.end != len)
        return false;
    return reserved_ok || !sk_kw_reserved(t.kw);
}

/* A name, lower-cased when LOWER (types and link types are
 * case-insensitive); backquoted when it would not read back. */
static void name_as(pbuf *b, const sk_ast_name *n, bool lower, sk_kw also_quote)
{
    char small[64];
    char *text = (char *)n->text;
    if (lower) {
        text = n->len < sizeof small ? small : sk_arena_alloc(b->a, n->len + 1);
        if (!text) {
            b->oom = true;
            return;
        }
        for (size_t i = 0; i <= n->len; i++) {
            char c = n->text[i];
            text[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
    }
    bool bare = bare_word(b->a, text, n->len, false, false) &&
                (also_quote == SK_KW_NONE || sk_kw_lookup(text, n->len) != also_quote);
    if (!bare)
        put(b, "`", 1);
    put(b, text, n->len);
    if (!bare)
        put(b, "`", 1);
}

/* A name after '.' or before ':', where reserved words read as names. */
static void key(pbuf *b, const sk_ast_name *n)
{
    bool bare = bare_word(b->a, n->text, n->len, false, true);
    if (!bare)
        put(b, "`", 1);
    put(b, n->text, n->len);
    if (!bare)
        put(b, "`", 1);
}

static void name(pbuf *b, const sk_ast_name *n)
{
    name_as(b, n, false, SK_KW_NONE);
}

static void type_name(pbuf *b, const sk_ast_name *n)
{
    name_as(b, n, true, SK_KW_NONE);
}

static void names(pbuf *b, const sk_ast_names *ns, const char *sep)
{
    for (size_t i = 0; i < ns->n; i++) {
        if (i)
            puts_(b, sep);
        type_name(b, &ns->v[i]);
    }
}

static void prop(pbuf *b, const sk_ast_prop *p)
{
    if (p->qual.len) {
        name(b, &p->qual);
        put(b, ".", 1);
        key(b, &p->name);
    } else {
        name(b, &p->name);
    }
}

/* ---- Literals --------------------------------------------------------------------- */

static void string(pbuf *b, const char *s, size_t n)
{
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': puts_(b, "\\\""); break;
        case '\\': puts_(b, "\\\\"); break;
        case '\n': puts_(b, "\\n"); break;
        case '\t': puts_(b, "\\t"); break;
        case '\r': puts_(b, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7F)
                putf(b, "\\u%04X", c);
            else
                put(b, s + i, 1);
        }
    }
    put(b, "\"", 1);
}

/* The shortest decimal that reads back as R, always with '.' or 'e' so
 * it lexes as a real. */
static void real(pbuf *b, double r)
{
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, r);
        if (strtod(tmp, NULL) == r)
            break;
    }
    puts_(b, tmp);
    if (!strpbrk(tmp, ".e"))
        puts_(b, ".0");
}

static void duration(pbuf *b, int64_t secs)
{
    static const struct {
        int64_t secs;
        char unit;
    } units[] = {{604800, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (secs != 0 && secs % units[i].secs == 0) {
            putf(b, "%lld%c", (long long)(secs / units[i].secs), units[i].unit);
            return;
        }
    }
    putf(b, "%llds", (long long)secs);
}

/* The date-time in the zone it was written in, to its precision. */
static void datetime(pbuf *b, const sk_ast_datetime *d)
{
    int64_t local = d->t + (int64_t)d->off_min * 60;
    int64_t days = local / 86400, rem = local % 86400;
    if (rem < 0)
        days--, rem += 86400;
    int64_t y;
    unsigned m, day;
    sk_civil_from_days(days, &y, &m, &day);
    putf(b, "%04lld-%02u-%02u", (long long)y, m, day);
    if (d->prec == SK_PREC_DAY)
        return;
    putf(b, "T%02d:%02d", (int)(rem / 3600), (int)(rem / 60 % 60));
    if (d->prec == SK_PREC_SECOND)
        putf(b, ":%02d", (int)(rem % 60));
    if (!d->zone)
        return;
    if (d->off_min == 0) {
        put(b, "Z", 1);
    } else {
        int off = d->off_min < 0 ? -d->off_min : d->off_min;
        putf(b, "%c%02d:%02d", d->off_min < 0 ? '-' : '+', off / 60, off % 60);
    }
}

static void lit(pbuf *b, const sk_ast_lit *l)
{
    switch (l->kind) {
    case SK_LIT_NONE: break;
    case SK_LIT_NULL: puts_(b, "null"); break;
    case SK_LIT_STR: string(b, l->u.str.ptr, l->u.str.len); break;
    case SK_LIT_INT: putf(b, "%lld", (long long)l->u.i); break;
    case SK_LIT_REAL: real(b, l->u.r); break;
    case SK_LIT_BOOL: puts_(b, l->u.b ? "true" : "false"); break;
    case SK_LIT_TIME: datetime(b, &l->u.time); break;
    case SK_LIT_DURATION: duration(b, l->u.dur); break;
    case SK_LIT_ID: putf(b, "#%llu", (unsigned long long)l->u.id); break;
    case SK_LIT_WORD: {
        bool bare = bare_word(b->a, l->u.str.ptr, l->u.str.len, true, false);
        if (!bare)
            put(b, "`", 1);
        put(b, l->u.str.ptr, l->u.str.len);
        if (!bare)
            put(b, "`", 1);
        break;
    }
    case SK_LIT_REGEX:
        put(b, "/", 1);
        put(b, l->u.rx.ptr, l->u.rx.len);
        put(b, "/", 1);
        if (l->u.rx.flags & SK_RX_CASELESS)
            put(b, "i", 1);
        if (l->u.rx.flags & SK_RX_MULTILINE)
            put(b, "m", 1);
        if (l->u.rx.flags & SK_RX_DOTALL)
            put(b, "s", 1);
        if (l->u.rx.flags & SK_RX_EXTENDED)
            put(b, "x", 1);
        break;
    }
}

/* {k: v, …}, after a space when SPACE; nothing for an empty map. */
static void map(pbuf *b, const sk_ast_map *m, bool space)
{
    if (m->n == 0)
        return;
    puts_(b, space ? " {" : "{");
    for (size_t i = 0; i < m->n; i++) {
        if (i)
            puts_(b, ", ");
        key(b, &m->v[i].key);
        puts_(b, ": ");
        lit(b, &m->v[i].value);
    }
    puts_(b, "}");
}

/* ---- Conditions ------------------------------------------------------------------- */

static const char *op_text(sk_ast_op op)
{
    static const char *const text[] = {
        "",
#define SK_OP_TEXT(name, t) t,
        SK_OPS(SK_OP_TEXT)
#undef SK_OP_TEXT
    };
    return (size_t)op < sizeof text / sizeof text[0] ? text[op] : "?";
}

/* PARENT is the kind of the enclosing node (0 at the top): an and/or node
 * needs parentheses inside another and/or (except 'and' inside 'or') and
 * under 'not'. */
static void cond(pbuf *b, const sk_ast_cond *c, int parent)
{
    switch (c->kind) {
    case SK_COND_AND:
    case SK_COND_OR: {
        bool paren = parent != 0 && !(parent == SK_COND_OR && c->kind == SK_COND_AND);
        if (paren)
            put(b, "(", 1);
        for (size_t i = 0; i < c->u.list.n; i++) {
            if (i)
                puts_(b, c->kind == SK_COND_AND ? " and " : " or ");
            cond(b, &c->u.list.v[i], c->kind);
        }
        if (paren)
            put(b, ")", 1);
        break;
    }
    case SK_COND_NOT:
        puts_(b, "not ");
        cond(b, c->u.operand, SK_COND_NOT);
        break;
    case SK_COND_CMP:
        prop(b, &c->u.cmp.prop);
        putf(b, " %s ", op_text(c->u.cmp.op));
        lit(b, &c->u.cmp.value);
        break;
    case SK_COND_IN:
        prop(b, &c->u.in.prop);
        puts_(b, " in (");
        for (size_t i = 0; i < c->u.in.n; i++) {
            if (i)
                puts_(b, ", ");
            lit(b, &c->u.in.v[i]);
        }
        put(b, ")", 1);
        break;
    case SK_COND_BETWEEN:
        prop(b, &c->u.between.prop);
        puts_(b, " between ");
        lit(b, &c->u.between.lo);
        puts_(b, " and ");
        lit(b, &c->u.between.hi);
        break;
    case SK_COND_HAS:
        puts_(b, "has ");
        prop(b, &c->u.has);
        break;
    }
}

/* ---- References, time, patterns ------------------------------------------------------ */

static void ref(pbuf *b, const sk_ast_ref *r)
{
    switch (r->kind) {
    case SK_REF_KEY:
        type_name(b, &r->type);
        put(b, " ", 1);
        lit(b, &r->u.key);
        break;
    case SK_REF_ID: putf(b, "#%llu", (unsigned long long)r->u.id); break;
    case SK_REF_LINK: putf(b, "link #%llu", (unsigned long long)r->u.id); break;
    case SK_REF_SET:
        put(b, "(", 1);
        type_name(b, &r->type);
        puts_(b, " where ");
        cond(b, r->u.where, 0);
        put(b, ")", 1);
        break;
    }
}

static void refs(pbuf *b, const sk_ast_refs *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        if (i)
            puts_(b, ", ");
        ref(b, &rs->v[i]);
    }
}

static void time_filter(pbuf *b, const sk_ast_time *t)
{
    static const char *const kw[] = {"", "between ", "on ", "since ", "before "};
    puts_(b, kw[t->kind]);
    lit(b, &t->a);
    if (t->kind == SK_TIME_BETWEEN) {
        puts_(b, " and ");
        lit(b, &t->b);
    }
}

static void pnode(pbuf *b, const sk_ast_pnode *n)
{
    put(b, "(", 1);
    if (n->var.len)
        name(b, &n->var);
    if (n->type.len) {
        put(b, ":", 1);
        type_name(b, &n->type);
    }
    map(b, &n->props, n->var.len || n->type.len);
    put(b, ")", 1);
}

static void pedge(pbuf *b, const sk_ast_pedge *e)
{
    puts_(b, e->dir == SK_AST_DIR_IN ? "<-[" : "-[");
    if (e->var.len)
        name(b, &e->var);
    if (e->types.n) {
        put(b, ":", 1);
        names(b, &e->types, "|");
    }
    if (e->varlen) {
        put(b, "*", 1);
        if (e->max_hops == 0 && e->min_hops != 1)
            putf(b, "%u..", e->min_hops);
        else if (e->max_hops == e->min_hops)
            putf(b, "%u", e->min_hops);
        else if (e->max_hops != 0)
            putf(b, "%u..%u", e->min_hops, e->max_hops);
    }
    map(b, &e->props, e->var.len || e->types.n || e->varlen);
    puts_(b, e->dir == SK_AST_DIR_OUT ? "]->" : "]-");
}

static void pattern(pbuf *b, const sk_ast_pattern *p)
{
    for (size_t i = 0; i < p->nnodes; i++) {
        if (i)
            pedge(b, &p->edges[i - 1]);
        pnode(b, &p->nodes[i]);
    }
}

static void ret(pbuf *b, const sk_ast_return *r)
{
    if (r->graph) {
        puts_(b, "graph");
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        const sk_ast_item *it = &r->v[i];
        if (i)
            puts_(b, ", ");
        /* A lone variable called graph would read as 'return graph'. */
        name_as(b, &it->var, false, i == 0 && !it->prop.len ? SK_KW_GRAPH : SK_KW_NONE);
        if (it->prop.len) {
            put(b, ".", 1);
            key(b, &it->prop);
        }
        if (it->alias.len) {
            puts_(b, " as ");
            name(b, &it->alias);
        }
    }
}

/* ---- Clauses and stages -------------------------------------------------------------- */

static void clause(pbuf *b, const sk_ast_clauses *cl, sk_clause c)
{
    put(b, " ", 1);
    switch (c) {
    case SK_CL_DEPTH: putf(b, "depth %u", cl->depth); break;
    case SK_CL_MAX: putf(b, "max %u", cl->max_hops); break;
    case SK_CL_VIA: puts_(b, "via "), names(b, &cl->via, ", "); break;
    case SK_CL_ONLY: puts_(b, "only "), names(b, &cl->only, ", "); break;
    case SK_CL_AVOID: puts_(b, "avoid "), refs(b, &cl->avoid); break;
    case SK_CL_WEIGHTED:
        puts_(b, cl->weight == SK_WEIGHT_GRADE ? "weighted by grade" : "weighted");
        break;
    case SK_CL_OF: puts_(b, "of "), type_name(b, &cl->of); break;
    case SK_CL_METHOD: putf(b, "method %s", sk_method_name(cl->method)); break;
    case SK_CL_WITHIN: puts_(b, "within "), duration(b, cl->within); break;
    case SK_CL_MIN_COUNT: putf(b, "min %u", cl->min_count); break;
    case SK_CL_MIN_SCORE: puts_(b, "min "), real(b, cl->min_score); break;
    case SK_CL_TIME_ORDER:
        puts_(b, "in time order");
        if (cl->max_gap)
            puts_(b, " max gap "), duration(b, cl->max_gap);
        break;
    case SK_CL_RELIABLE: puts_(b, "most reliable"); break;
    case SK_CL_TIME: time_filter(b, &cl->time); break;
    case SK_CL_WHERE: puts_(b, "where "), cond(b, cl->where, 0); break;
    case SK_CL_RETURN: puts_(b, "return "), ret(b, &cl->ret); break;
    case SK_CL_ORDER:
        puts_(b, "order by ");
        for (size_t i = 0; i < cl->norder; i++) {
            if (i)
                puts_(b, ", ");
            prop(b, &cl->order[i].prop);
            if (cl->order[i].desc)
                puts_(b, " desc");
        }
        break;
    case SK_CL_TOP: putf(b, "top %u", cl->top); break;
    case SK_CL_LIMIT: putf(b, "limit %u", cl->limit); break;
    case SK_CL_AT:
        puts_(b, "at "), lit(b, &cl->at);
        if (cl->at_to.kind != SK_LIT_NONE)
            puts_(b, " to "), lit(b, &cl->at_to);
        break;
    case SK_CL_GRADED: puts_(b, "graded "), lit(b, &cl->graded); break;
    case SK_CL_SOURCE: puts_(b, "from "), lit(b, &cl->source); break;
    case SK_CL_LAYOUT: putf(b, "layout %s", sk_layout_name(cl->layout)); break;
    case SK_CL_TITLE: puts_(b, "title "), lit(b, &cl->title); break;
    case SK_CL_UNTIL: puts_(b, "until "), lit(b, &cl->until); break;
    case SK_CL_REASON: puts_(b, "reason "), lit(b, &cl->reason); break;
    case SK_CL__COUNT: break;
    }
}

/* Spelling of what a count stage counts ("entities"). */
static const char *countable_name(sk_countable c)
{
#define SK_COUNTABLE_ROW(tag, text) [SK_COUNT_##tag] = text,
    static const char *const names[] = {[SK_COUNT_ALL] = "", SK_COUNTABLES(SK_COUNTABLE_ROW)};
#undef SK_COUNTABLE_ROW
    return (size_t)c < sizeof names / sizeof names[0] ? names[c] : "";
}

static void path_operands(pbuf *b, const sk_ast_stage *st)
{
    puts_(b, " from ");
    ref(b, &st->u.path.from);
    puts_(b, " to ");
    ref(b, &st->u.path.to);
}

static void operands(pbuf *b, const sk_ast_stage *st)
{
    switch (st->kind) {
    case SK_STAGE_FIND:
        put(b, " ", 1);
        if (st->u.find.links)
            puts_(b, "link ");
        name_as(b, &st->u.find.type, true, st->u.find.links ? SK_KW_NONE : SK_KW_LINK);
        break;
    case SK_STAGE_SHOW:
    case SK_STAGE_NEIGHBOURS:
    case SK_STAGE_COLOCATED:
    case SK_STAGE_CONVOY:
    case SK_STAGE_DELETE:
    case SK_STAGE_PURGE:
    case SK_STAGE_RETAIN: put(b, " ", 1), ref(b, &st->u.ref); break;
    case SK_STAGE_NETWORK:
    case SK_STAGE_CONNECT:
    case SK_STAGE_COMMON:
    case SK_STAGE_TIMELINE: put(b, " ", 1), refs(b, &st->u.refs); break;
    case SK_STAGE_PATH:
    case SK_STAGE_PATHS: path_operands(b, st); break;
    case SK_STAGE_SHORTEST:
        putf(b, " %u paths", st->u.path.k);
        path_operands(b, st);
        break;
    case SK_STAGE_MATCH:
        for (size_t i = 0; i < st->u.match.n; i++) {
            puts_(b, i ? ", " : " ");
            pattern(b, &st->u.match.v[i]);
        }
        break;
    case SK_STAGE_RANK: putf(b, " %s", sk_measure_name(st->u.measure)); break;
    case SK_STAGE_DUPLICATES: put(b, " ", 1), type_name(b, &st->u.type); break;
    case SK_STAGE_MERGE:
        put(b, " ", 1), lit(b, &st->u.merge.from);
        puts_(b, " into "), lit(b, &st->u.merge.into);
        break;
    case SK_STAGE_UNMERGE: put(b, " ", 1), lit(b, &st->u.merge.into); break;
    case SK_STAGE_CREATE:
        put(b, " ", 1), type_name(b, &st->u.create.type);
        if (st->u.create.key.kind != SK_LIT_NONE)
            put(b, " ", 1), lit(b, &st->u.create.key);
        map(b, &st->u.create.props, true);
        break;
    case SK_STAGE_LINK:
        put(b, " ", 1), ref(b, &st->u.link.from);
        puts_(b, st->u.link.dir == SK_AST_DIR_IN ? " <-[" : " -[");
        type_name(b, &st->u.link.type);
        map(b, &st->u.link.props, true);
        puts_(b, st->u.link.dir == SK_AST_DIR_OUT ? "]-> " : "]- ");
        ref(b, &st->u.link.to);
        break;
    case SK_STAGE_SET:
        put(b, " ", 1), ref(b, &st->u.set.target);
        put(b, ".", 1), key(b, &st->u.set.prop);
        puts_(b, " = "), lit(b, &st->u.set.value);
        break;
    case SK_STAGE_EXPORT:
        putf(b, " %s ", sk_ast_format_name(st->u.export.format));
        lit(b, &st->u.export.file);
        break;
    case SK_STAGE_FILTER: put(b, " ", 1), cond(b, st->u.filter, 0); break;
    case SK_STAGE_COUNT:
        if (st->u.count != SK_COUNT_ALL)
            putf(b, " %s", countable_name(st->u.count));
        break;
    case SK_STAGE_COMMUNITIES:
    case SK_STAGE_COMPONENTS:
    case SK_STAGE_STATS:
    case SK_STAGE_REVIEW:
    case SK_STAGE_NONE:
    case SK_STAGE__COUNT: break;
    }
}

static void stage(pbuf *b, const sk_ast_stage *st)
{
    puts_(b, sk_stage_name(st->kind));
    operands(b, st);
    for (int c = 0; c < SK_CL__COUNT; c++)
        if (sk_ast_has(&st->cl, (sk_clause)c))
            clause(b, &st->cl, (sk_clause)c);
}

static void stmt(pbuf *b, const sk_ast_stmt *s)
{
    if (s->explain)
        puts_(b, "explain ");
    for (size_t i = 0; i < s->nstages; i++) {
        if (i)
            puts_(b, " | ");
        stage(b, &s->stages[i]);
    }
}

static char *finish(pbuf *b)
{
    put(b, "", 0);
    return b->oom ? NULL : b->s;
}

char *sk_ast_print_stmt(const sk_ast_stmt *s, sk_arena *a)
{
    pbuf b = {.a = a};
    stmt(&b, s);
    return finish(&b);
}

char *sk_ast_print_script(const sk_ast_script *s, sk_arena *a)
{
    pbuf b = {.a = a};
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            puts_(&b, ";\n");
        stmt(&b, &s->stmts[i]);
    }
    return finish(&b);
}
