/*
 * parser_expr.c — the expression rules: names, literals, property maps,
 * entity references (REF), time filters (TIME) and conditions (COND).
 *
 *   name     = word that is not reserved and starts with a letter | `any`
 *   key      = word that starts with a letter | `any`  (reserved words too)
 *   prop     = name [ "." key ]
 *   value    = string | ["-"] number | date | duration | id | true | false
 *            | null | word
 *   map      = "{" [ key ":" value { "," key ":" value } ] "}"
 *   ref      = "(" ref ")" | "#" digits | name string | name "where" cond
 *   time     = "between" date "and" date | "on" date | "since" date
 *            | "before" date
 *   cond     = and { "or" and }
 *   and      = not { "and" not }
 *   not      = "not" not | primary
 *   primary  = "(" cond ")" | "has" prop | prop op value | prop "~" regex
 *            | prop "in" "(" value { "," value } ")"
 *            | prop "between" value "and" value
 *
 * 'and' and 'or' chains are kept flat (one node with n terms), so a long
 * chain costs no recursion; only parentheses and 'not' nest, and they go
 * through sk_p_enter. Parentheses around a REF are counted in a loop, not
 * recursed into.
 */
#include <string.h>

#include "parser_int.h"

/* ---- Names ---------------------------------------------------------------------- */

bool sk_p_at_name(const sk_parser *p)
{
    if (!sk_p_is(p, SK_TOK_WORD))
        return false;
    if (p->tok.quoted)
        return true;
    unsigned char c = (unsigned char)p->tok.v.str.ptr[0];
    return !sk_kw_reserved(p->tok.kw) && !(c >= '0' && c <= '9');
}

/* After '.' and before ':' a word cannot be read as a keyword, so there
 * reserved words are names too ({since: 2020-01-01}, s.order). */
static bool at_key(const sk_parser *p)
{
    if (!sk_p_is(p, SK_TOK_WORD))
        return false;
    unsigned char c = (unsigned char)p->tok.v.str.ptr[0];
    return p->tok.quoted || !(c >= '0' && c <= '9');
}

static int copy_name(sk_parser *p, const sk_token *t, sk_ast_name *out)
{
    char *text = sk_arena_strndup(p->arena, t->v.str.ptr, t->v.str.len);
    if (!text)
        return sk_p_nomem(p);
    *out = (sk_ast_name){.text = text, .len = t->v.str.len, .span = t->span};
    return SK_OK;
}

int sk_p_name(sk_parser *p, const char *what, sk_ast_name *out)
{
    if (!sk_p_at_name(p))
        return sk_p_expected(p, what);
    SK_TRY(copy_name(p, &p->tok, out));
    return sk_p_advance(p);
}

int sk_p_key(sk_parser *p, const char *what, sk_ast_name *out)
{
    if (!at_key(p))
        return sk_p_expected(p, what);
    SK_TRY(copy_name(p, &p->tok, out));
    return sk_p_advance(p);
}

int sk_p_name_list(sk_parser *p, const char *what, const char *plural, sk_ast_names *out)
{
    sk_pvec names = {0};
    bool more;
    do {
        sk_ast_name n;
        SK_TRY(sk_p_name(p, what, &n));
        SK_TRY(sk_p_push(p, &names, sizeof n, &n, SK_QUERY_MAX_LIST, plural));
        SK_TRY(sk_p_accept(p, SK_TOK_COMMA, &more));
    } while (more);
    out->v = names.v;
    out->n = names.n;
    return SK_OK;
}

/* prop = name [ "." key ] */
int sk_p_prop(sk_parser *p, sk_ast_prop *out)
{
    uint32_t start = p->tok.span.start;
    bool dot;
    memset(out, 0, sizeof *out);
    SK_TRY(sk_p_name(p, "a property name", &out->name));
    SK_TRY(sk_p_accept(p, SK_TOK_DOT, &dot));
    if (dot) {
        out->qual = out->name;
        SK_TRY(sk_p_key(p, "a property name", &out->name));
    }
    out->span = sk_p_since(p, start);
    return SK_OK;
}

/* ---- Literals -------------------------------------------------------------------- */

static int lit_from_token(sk_parser *p, sk_ast_lit *out)
{
    const sk_token *t = &p->tok;
    memset(out, 0, sizeof *out);
    out->span = t->span;
    switch (t->kind) {
    case SK_TOK_STRING:
        /* Already decoded into the arena by the lexer. */
        out->kind = SK_LIT_STR;
        out->u.str.ptr = t->v.str.ptr;
        out->u.str.len = t->v.str.len;
        break;
    case SK_TOK_INT: out->kind = SK_LIT_INT, out->u.i = t->v.i; break;
    case SK_TOK_REAL: out->kind = SK_LIT_REAL, out->u.r = t->v.r; break;
    case SK_TOK_DATE: out->kind = SK_LIT_TIME, out->u.time = t->v.time; break;
    case SK_TOK_DURATION: out->kind = SK_LIT_DURATION, out->u.dur = t->v.dur; break;
    case SK_TOK_ID: out->kind = SK_LIT_ID, out->u.id = t->v.id; break;
    case SK_TOK_REGEX: {
        char *pat = sk_arena_strndup(p->arena, t->v.rx.ptr, t->v.rx.len);
        if (!pat)
            return sk_p_nomem(p);
        out->kind = SK_LIT_REGEX;
        out->u.rx.ptr = pat;
        out->u.rx.len = t->v.rx.len;
        out->u.rx.flags = t->v.rx.flags;
        break;
    }
    case SK_TOK_WORD: {
        sk_kw kw = t->quoted ? SK_KW_NONE : t->kw;
        if (kw == SK_KW_TRUE || kw == SK_KW_FALSE) {
            out->kind = SK_LIT_BOOL;
            out->u.b = kw == SK_KW_TRUE;
        } else if (kw == SK_KW_NULL) {
            out->kind = SK_LIT_NULL;
        } else {
            char *w = sk_arena_strndup(p->arena, t->v.str.ptr, t->v.str.len);
            if (!w)
                return sk_p_nomem(p);
            out->kind = SK_LIT_WORD;
            out->u.str.ptr = w;
            out->u.str.len = t->v.str.len;
        }
        break;
    }
    default:
        return sk_p_expected(p, "a value");
    }
    return sk_p_advance(p);
}

/* A word is a value unless reserved (true, false and null are values). */
static bool at_word_value(const sk_parser *p)
{
    if (!sk_p_is(p, SK_TOK_WORD))
        return false;
    sk_kw kw = p->tok.quoted ? SK_KW_NONE : p->tok.kw;
    return !sk_kw_reserved(kw) || kw == SK_KW_TRUE || kw == SK_KW_FALSE || kw == SK_KW_NULL;
}

int sk_p_value(sk_parser *p, const char *what, sk_ast_lit *out)
{
    switch (p->tok.kind) {
    case SK_TOK_STRING:
    case SK_TOK_INT:
    case SK_TOK_REAL:
    case SK_TOK_DATE:
    case SK_TOK_DURATION:
    case SK_TOK_ID:
        return lit_from_token(p, out);
    case SK_TOK_WORD:
        if (at_word_value(p))
            return lit_from_token(p, out);
        return sk_p_expected(p, what);
    case SK_TOK_MINUS: {
        const sk_token *next;
        SK_TRY(sk_p_peek(p, &next));
        if (next->kind != SK_TOK_INT && next->kind != SK_TOK_REAL)
            return sk_p_expected(p, what);
        uint32_t start = p->tok.span.start;
        SK_TRY(sk_p_advance(p));
        SK_TRY(lit_from_token(p, out));
        if (out->kind == SK_LIT_INT)
            out->u.i = -out->u.i;
        else
            out->u.r = -out->u.r;
        out->span.start = start;
        return SK_OK;
    }
    default:
        return sk_p_expected(p, what);
    }
}

static int lit_of_kind(sk_parser *p, sk_tok_kind k, const char *what, sk_ast_lit *out)
{
    if (!sk_p_is(p, k))
        return sk_p_expected(p, what);
    return lit_from_token(p, out);
}

int sk_p_string(sk_parser *p, const char *what, sk_ast_lit *out)
{
    return lit_of_kind(p, SK_TOK_STRING, what, out);
}

int sk_p_date(sk_parser *p, const char *what, sk_ast_lit *out)
{
    return lit_of_kind(p, SK_TOK_DATE, what, out);
}

int sk_p_id(sk_parser *p, const char *what, sk_ast_lit *out)
{
    return lit_of_kind(p, SK_TOK_ID, what, out);
}

int sk_p_duration(sk_parser *p, const char *what, int64_t *out)
{
    if (!sk_p_is(p, SK_TOK_DURATION))
        return sk_p_expected(p, what);
    *out = p->tok.v.dur;
    return sk_p_advance(p);
}

int sk_p_count(sk_parser *p, const char *what, const char *noun, int64_t min, int64_t max,
               uint32_t *out)
{
    if (!sk_p_is(p, SK_TOK_INT))
        return sk_p_expected(p, what);
    int64_t v = p->tok.v.i;
    if (v < min)
        return sk_p_fail(p, SK_EPARSE, p->tok.span, "%s must be at least %lld", noun,
                         (long long)min);
    if (v > max)
        return sk_p_fail(p, SK_ELIMIT, p->tok.span, "%s %lld is over the maximum of %lld",
                         noun, (long long)v, (long long)max);
    *out = (uint32_t)v;
    return sk_p_advance(p);
}

/* map = "{" [ key ":" value { "," key ":" value } ] "}" */
int sk_p_map(sk_parser *p, sk_ast_map *out)
{
    sk_pvec kvs = {0};
    bool done;
    SK_TRY(sk_p_expect(p, SK_TOK_LBRACE, "'{'"));
    SK_TRY(sk_p_accept(p, SK_TOK_RBRACE, &done));
    while (!done) {
        sk_ast_kv kv;
        SK_TRY(sk_p_key(p, "a property name", &kv.key));
        for (size_t i = 0; i < kvs.n; i++) {
            const sk_ast_kv *seen = (const sk_ast_kv *)kvs.v + i;
            if (seen->key.len == kv.key.len && memcmp(seen->key.text, kv.key.text, kv.key.len) == 0)
                return sk_p_fail(p, SK_EPARSE, kv.key.span, "property '%s' is given twice",
                                 kv.key.text);
        }
        SK_TRY(sk_p_expect(p, SK_TOK_COLON, "':'"));
        SK_TRY(sk_p_value(p, "a value", &kv.value));
        SK_TRY(sk_p_push(p, &kvs, sizeof kv, &kv, SK_QUERY_MAX_LIST, "properties"));
        bool comma;
        SK_TRY(sk_p_accept(p, SK_TOK_COMMA, &comma));
        if (!comma)
            SK_TRY(sk_p_expect(p, SK_TOK_RBRACE, "',' or '}'"));
        done = !comma;
    }
    out->v = kvs.v;
    out->n = kvs.n;
    return SK_OK;
}

/* ---- Entity references ----------------------------------------------------------------- */

/* ref = "(" ref ")" | "#" digits | name string | name "where" cond */
int sk_p_ref(sk_parser *p, const char *what, sk_ast_ref *out)
{
    uint32_t start = p->tok.span.start;
    unsigned parens = 0;
    memset(out, 0, sizeof *out);
    while (sk_p_is(p, SK_TOK_LPAREN)) {
        if (parens >= SK_QUERY_MAX_DEPTH)
            return sk_p_fail(p, SK_ELIMIT, p->tok.span,
                             "nested too deeply (more than %d levels of parentheses)",
                             SK_QUERY_MAX_DEPTH);
        parens++;
        SK_TRY(sk_p_advance(p));
    }
    if (sk_p_is(p, SK_TOK_ID)) {
        out->kind = SK_REF_ID;
        out->u.id = p->tok.v.id;
        SK_TRY(sk_p_advance(p));
    } else if (sk_p_at_name(p)) {
        bool where;
        SK_TRY(sk_p_name(p, what, &out->type));
        if (sk_p_is(p, SK_TOK_STRING)) {
            out->kind = SK_REF_KEY;
            SK_TRY(lit_from_token(p, &out->u.key));
        } else {
            SK_TRY(sk_p_accept_kw(p, SK_KW_WHERE, &where));
            if (!where)
                return sk_p_expected(p, "a key in quotes or 'where'");
            out->kind = SK_REF_SET;
            SK_TRY(sk_p_cond(p, &out->u.where));
        }
    } else {
        return sk_p_expected(p, what);
    }
    while (parens-- > 0)
        SK_TRY(sk_p_expect(p, SK_TOK_RPAREN, "')'"));
    out->span = sk_p_since(p, start);
    return SK_OK;
}

int sk_p_ref_list(sk_parser *p, const char *what, sk_ast_refs *out)
{
    sk_pvec refs = {0};
    bool more;
    do {
        sk_ast_ref r;
        SK_TRY(sk_p_ref(p, what, &r));
        SK_TRY(sk_p_push(p, &refs, sizeof r, &r, SK_QUERY_MAX_LIST, "entities"));
        SK_TRY(sk_p_accept(p, SK_TOK_COMMA, &more));
    } while (more);
    out->v = refs.v;
    out->n = refs.n;
    return SK_OK;
}

/* ---- Time filter ----------------------------------------------------------------------- */

/* time = "between" date "and" date | "on" date | "since" date | "before" date */
int sk_p_time(sk_parser *p, sk_ast_time *out)
{
    static const char *const DATE = "a date (like 2024-03-01 or 2024-03-01T14:05:00Z)";
    uint32_t start = p->tok.span.start;
    sk_kw kw = p->tok.kw;
    memset(out, 0, sizeof *out);
    SK_TRY(sk_p_advance(p));
    SK_TRY(sk_p_date(p, DATE, &out->a));
    const sk_ast_datetime *a = &out->a.u.time;
    switch (kw) {
    case SK_KW_BETWEEN:
        out->kind = SK_TIME_BETWEEN;
        SK_TRY(sk_p_expect_kw(p, SK_KW_AND, "'and'"));
        SK_TRY(sk_p_date(p, DATE, &out->b));
        out->from = a->t;
        out->to = sk_ast_datetime_last(&out->b.u.time);
        if (out->to < out->from)
            return sk_p_fail(p, SK_EPARSE, out->b.span,
                             "the end of the time range is before its start");
        break;
    case SK_KW_ON:
        out->kind = SK_TIME_ON;
        out->from = a->t;
        out->to = sk_ast_datetime_last(a);
        break;
    case SK_KW_SINCE:
        out->kind = SK_TIME_SINCE;
        out->from = a->t;
        out->to = INT64_MAX;
        break;
    default:
        out->kind = SK_TIME_BEFORE;
        out->from = INT64_MIN;
        out->to = a->t - 1;
        break;
    }
    out->span = sk_p_since(p, start);
    return SK_OK;
}

/* ---- Conditions -------------------------------------------------------------------------- */

static int cond_or(sk_parser *p, sk_ast_cond *out);

static sk_ast_op op_of(sk_tok_kind k)
{
    switch (k) {
    case SK_TOK_EQ: return SK_OP_EQ;
    case SK_TOK_NE: return SK_OP_NE;
    case SK_TOK_LT: return SK_OP_LT;
    case SK_TOK_LE: return SK_OP_LE;
    case SK_TOK_GT: return SK_OP_GT;
    case SK_TOK_GE: return SK_OP_GE;
    case SK_TOK_TILDE: return SK_OP_MATCH;
    default: return SK_OP_NONE;
    }
}

/* prop "in" "(" value { "," value } ")" — after 'in' */
static int cond_in(sk_parser *p, sk_ast_cond *out)
{
    sk_pvec vals = {0};
    bool more;
    SK_TRY(sk_p_expect(p, SK_TOK_LPAREN, "'(' and a list of values"));
    do {
        sk_ast_lit v;
        SK_TRY(sk_p_value(p, "a value", &v));
        SK_TRY(sk_p_push(p, &vals, sizeof v, &v, SK_QUERY_MAX_LIST, "values in a list"));
        SK_TRY(sk_p_accept(p, SK_TOK_COMMA, &more));
    } while (more);
    SK_TRY(sk_p_expect(p, SK_TOK_RPAREN, "',' or ')'"));
    out->kind = SK_COND_IN;
    out->u.in.v = vals.v;
    out->u.in.n = vals.n;
    return SK_OK;
}

/* The comparison after a property: op value, ~ regex, in (…), between … and … */
static int cond_compare(sk_parser *p, sk_ast_prop *prop, sk_ast_cond *out)
{
    sk_ast_op op = op_of(p->tok.kind);
    if (op == SK_OP_MATCH) {
        SK_TRY(sk_p_advance(p));
        out->kind = SK_COND_CMP;
        out->u.cmp.prop = *prop;
        out->u.cmp.op = op;
        return lit_of_kind(p, SK_TOK_REGEX, "a regex like /…/i", &out->u.cmp.value);
    }
    if (op != SK_OP_NONE) {
        SK_TRY(sk_p_advance(p));
        out->kind = SK_COND_CMP;
        out->u.cmp.prop = *prop;
        out->u.cmp.op = op;
        return sk_p_value(p, "a value", &out->u.cmp.value);
    }
    bool took;
    SK_TRY(sk_p_accept_kw(p, SK_KW_IN, &took));
    if (took) {
        SK_TRY(cond_in(p, out));
        out->u.in.prop = *prop;
        return SK_OK;
    }
    SK_TRY(sk_p_accept_kw(p, SK_KW_BETWEEN, &took));
    if (took) {
        out->kind = SK_COND_BETWEEN;
        out->u.between.prop = *prop;
        SK_TRY(sk_p_value(p, "a value", &out->u.between.lo));
        SK_TRY(sk_p_expect_kw(p, SK_KW_AND, "'and'"));
        return sk_p_value(p, "a value", &out->u.between.hi);
    }
    return sk_p_expected(p, "an operator (=, !=, <, <=, >, >=, ~, in or between)");
}

/* primary = "(" cond ")" | "has" prop | prop comparison */
static int cond_primary(sk_parser *p, sk_ast_cond *out)
{
    uint32_t start = p->tok.span.start;
    bool took;
    memset(out, 0, sizeof *out);
    if (sk_p_is(p, SK_TOK_LPAREN)) {
        SK_TRY(sk_p_enter(p));
        SK_TRY(sk_p_advance(p));
        SK_TRY(cond_or(p, out));
        SK_TRY(sk_p_expect(p, SK_TOK_RPAREN, "')'"));
        sk_p_leave(p);
    } else {
        SK_TRY(sk_p_accept_kw(p, SK_KW_HAS, &took));
        if (took) {
            out->kind = SK_COND_HAS;
            SK_TRY(sk_p_prop(p, &out->u.has));
        } else {
            if (!sk_p_at_name(p))
                return sk_p_expected(p, "a condition (like name = \"x\")");
            sk_ast_prop prop;
            SK_TRY(sk_p_prop(p, &prop));
            SK_TRY(cond_compare(p, &prop, out));
        }
    }
    out->span = sk_p_since(p, start);
    return SK_OK;
}

/* not = "not" not | primary */
static int cond_not(sk_parser *p, sk_ast_cond *out)
{
    if (!sk_p_is_kw(p, SK_KW_NOT))
        return cond_primary(p, out);
    uint32_t start = p->tok.span.start;
    SK_TRY(sk_p_enter(p));
    SK_TRY(sk_p_advance(p));
    sk_ast_cond *operand = sk_p_alloc(p, sizeof *operand);
    if (!operand)
        return SK_ENOMEM;
    SK_TRY(cond_not(p, operand));
    sk_p_leave(p);
    memset(out, 0, sizeof *out);
    out->kind = SK_COND_NOT;
    out->u.operand = operand;
    out->span = sk_p_since(p, start);
    return SK_OK;
}

typedef int (*cond_rule)(sk_parser *p, sk_ast_cond *out);

/* TERM { KW TERM }, kept as one flat node of kind KIND when there are
 * several terms. */
static int cond_chain(sk_parser *p, sk_kw kw, sk_cond_kind kind, cond_rule term,
                      sk_ast_cond *out)
{
    uint32_t start = p->tok.span.start;
    SK_TRY(term(p, out));
    if (!sk_p_is_kw(p, kw))
        return SK_OK;
    sk_pvec terms = {0};
    bool more;
    SK_TRY(sk_p_push(p, &terms, sizeof *out, out, SK_QUERY_MAX_LIST, "conditions"));
    SK_TRY(sk_p_accept_kw(p, kw, &more));
    while (more) {
        sk_ast_cond c;
        SK_TRY(term(p, &c));
        SK_TRY(sk_p_push(p, &terms, sizeof c, &c, SK_QUERY_MAX_LIST,
                         kind == SK_COND_AND ? "conditions joined by 'and'"
                                             : "conditions joined by 'or'"));
        SK_TRY(sk_p_accept_kw(p, kw, &more));
    }
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->u.list.v = terms.v;
    out->u.list.n = terms.n;
    out->span = sk_p_since(p, start);
    return SK_OK;
}

static int cond_and(sk_parser *p, sk_ast_cond *out)
{
    return cond_chain(p, SK_KW_AND, SK_COND_AND, cond_not, out);
}

static int cond_or(sk_parser *p, sk_ast_cond *out)
{
    return cond_chain(p, SK_KW_OR, SK_COND_OR, cond_and, out);
}

int sk_p_cond(sk_parser *p, sk_ast_cond **out)
{
    sk_ast_cond *c = sk_p_alloc(p, sizeof *c);
    if (!c)
        return SK_ENOMEM;
    SK_TRY(cond_or(p, c));
    *out = c;
    return SK_OK;
}
