/*
 * parser.c — the parse entry point, scripts and statements, and the token,
 * error and memory helpers every rule uses.
 *
 *   script     = { ";" } [ statement { ";" { ";" } statement } ] { ";" } EOF
 *   statement  = [ "explain" ] stage { "|" stage }
 *
 * Stages and clauses are in parser_stmt.c, expressions in parser_expr.c,
 * match patterns in parser_match.c. The parser stops at the first error:
 * one precise message beats a cascade of guesses.
 */
#include <stdio.h>
#include <string.h>

#include "parser_int.h"

/* ---- Tokens ---------------------------------------------------------------- */

int sk_p_advance(sk_parser *p)
{
    p->prev = p->tok;
    p->have_prev = true;
    if (p->have_ahead) {
        p->tok = p->ahead;
        p->have_ahead = false;
    } else {
        SK_TRY(sk_lex_next(&p->lx, &p->tok));
    }
    /* A statement starts after ';'; its length is checked as it grows so a
     * huge one stops early. */
    if (p->prev.kind == SK_TOK_SEMI)
        p->stmt_start = p->tok.span.start;
    if (p->tok.span.end - p->stmt_start > SK_QUERY_MAX_STATEMENT)
        return sk_p_fail(p, SK_ELIMIT, p->tok.span,
                         "statement too long (more than %d bytes)", SK_QUERY_MAX_STATEMENT);
    return SK_OK;
}

int sk_p_peek(sk_parser *p, const sk_token **out)
{
    if (!p->have_ahead) {
        SK_TRY(sk_lex_next(&p->lx, &p->ahead));
        p->have_ahead = true;
    }
    *out = &p->ahead;
    return SK_OK;
}

bool sk_p_is(const sk_parser *p, sk_tok_kind k)
{
    return p->tok.kind == k;
}

bool sk_p_is_kw(const sk_parser *p, sk_kw kw)
{
    return p->tok.kind == SK_TOK_WORD && !p->tok.quoted && p->tok.kw == kw;
}

int sk_p_accept(sk_parser *p, sk_tok_kind k, bool *took)
{
    *took = sk_p_is(p, k);
    return *took ? sk_p_advance(p) : SK_OK;
}

int sk_p_accept_kw(sk_parser *p, sk_kw kw, bool *took)
{
    *took = sk_p_is_kw(p, kw);
    return *took ? sk_p_advance(p) : SK_OK;
}

int sk_p_expect(sk_parser *p, sk_tok_kind k, const char *what)
{
    return sk_p_is(p, k) ? sk_p_advance(p) : sk_p_expected(p, what);
}

int sk_p_expect_kw(sk_parser *p, sk_kw kw, const char *what)
{
    return sk_p_is_kw(p, kw) ? sk_p_advance(p) : sk_p_expected(p, what);
}

sk_span sk_p_since(const sk_parser *p, uint32_t start)
{
    uint32_t end = p->have_prev && p->prev.span.end > start ? p->prev.span.end : start;
    return (sk_span){start, end};
}

/* ---- Errors ------------------------------------------------------------------ */

int sk_p_fail(sk_parser *p, int code, sk_span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sk_diag_vset(p->diag, span, fmt, ap);
    va_end(ap);
    return code;
}

int sk_p_expected(sk_parser *p, const char *what)
{
    char found[64], after[64];
    sk_tok_describe(&p->lx, &p->tok, found, sizeof found);
    if (p->have_prev && p->prev.kind != SK_TOK_SEMI) {
        sk_tok_describe(&p->lx, &p->prev, after, sizeof after);
        return sk_p_fail(p, SK_EPARSE, p->tok.span, "expected %s after %s, found %s", what,
                         after, found);
    }
    return sk_p_fail(p, SK_EPARSE, p->tok.span, "expected %s, found %s", what, found);
}

int sk_p_nomem(sk_parser *p)
{
    return sk_p_fail(p, SK_ENOMEM, p->tok.span, "out of memory");
}

int sk_p_enter(sk_parser *p)
{
    if (p->depth >= SK_QUERY_MAX_DEPTH)
        return sk_p_fail(p, SK_ELIMIT, p->tok.span,
                         "nested too deeply (more than %d levels of parentheses or 'not')",
                         SK_QUERY_MAX_DEPTH);
    p->depth++;
    return SK_OK;
}

void sk_p_leave(sk_parser *p)
{
    p->depth--;
}

/* ---- Memory ------------------------------------------------------------------- */

void *sk_p_alloc(sk_parser *p, size_t n)
{
    void *m = sk_arena_alloc(p->arena, n);
    if (!m) {
        sk_p_nomem(p);
        return NULL;
    }
    memset(m, 0, n);
    return m;
}

int sk_p_push(sk_parser *p, sk_pvec *vec, size_t size, const void *item, size_t max,
              const char *what)
{
    if (vec->n >= max)
        return sk_p_fail(p, SK_ELIMIT, p->prev.span, "too many %s (the limit is %zu)", what,
                         max);
    if (vec->n == vec->cap) {
        /* Doubling in the arena leaves the old copy behind; the total stays
         * under twice the final size. */
        size_t cap = vec->cap ? vec->cap * 2 : 4;
        void *grown = sk_arena_alloc(p->arena, cap * size);
        if (!grown)
            return sk_p_nomem(p);
        if (vec->n)
            memcpy(grown, vec->v, vec->n * size);
        vec->v = grown;
        vec->cap = cap;
    }
    memcpy((char *)vec->v + vec->n * size, item, size);
    vec->n++;
    return SK_OK;
}

/* ---- Statements ----------------------------------------------------------------- */

/* statement = [ "explain" ] stage { "|" stage } */
static int parse_statement(sk_parser *p, sk_ast_stmt *out)
{
    uint32_t start = p->tok.span.start;
    bool took;
    SK_TRY(sk_p_accept_kw(p, SK_KW_EXPLAIN, &took));
    out->explain = took;
    sk_pvec stages = {0};
    do {
        if (stages.n >= SK_QUERY_MAX_STAGES)
            return sk_p_fail(p, SK_ELIMIT, p->tok.span,
                             "too many stages in one statement (the limit is %d)",
                             SK_QUERY_MAX_STAGES);
        sk_ast_stage st;
        memset(&st, 0, sizeof st);
        SK_TRY(sk_p_stage(p, &st));
        SK_TRY(sk_p_push(p, &stages, sizeof st, &st, SK_QUERY_MAX_STAGES, "stages"));
        SK_TRY(sk_p_accept(p, SK_TOK_PIPE, &took));
    } while (took);
    out->stages = stages.v;
    out->nstages = stages.n;
    out->span = sk_p_since(p, start);
    return SK_OK;
}

/* script = { ";" } [ statement { ";" … } ] EOF */
static int parse_script(sk_parser *p, sk_ast_script *out)
{
    sk_pvec stmts = {0};
    for (;;) {
        bool took;
        do {
            SK_TRY(sk_p_accept(p, SK_TOK_SEMI, &took));
        } while (took);
        if (sk_p_is(p, SK_TOK_EOF))
            break;
        sk_ast_stmt st = {0};
        SK_TRY(parse_statement(p, &st));
        SK_TRY(sk_p_push(p, &stmts, sizeof st, &st, SIZE_MAX, "statements"));
        /* A stage ends only at '|', ';' or the end (parser_stmt.c checks). */
        if (!sk_p_is(p, SK_TOK_SEMI))
            break;
    }
    out->stmts = stmts.v;
    out->n = stmts.n;
    return SK_OK;
}

int sk_ast_parse(const char *text, size_t len, sk_arena *a, sk_ast_script **out, sk_diag *diag)
{
    *out = NULL;
    sk_diag_set(diag, (sk_span){0, 0}, "no error");
    if (len > SK_QUERY_MAX_TEXT) {
        sk_diag_set(diag, (sk_span){0, 0}, "query text too long (%zu bytes; the limit is %d)",
                    len, SK_QUERY_MAX_TEXT);
        return SK_ELIMIT;
    }
    sk_parser p;
    memset(&p, 0, sizeof p);
    p.arena = a;
    p.diag = diag;
    sk_lex_init(&p.lx, text, len, a, diag);
    SK_TRY(sk_lex_next(&p.lx, &p.tok));
    p.stmt_start = p.tok.span.start;
    sk_ast_script *script = sk_p_alloc(&p, sizeof *script);
    if (!script)
        return SK_ENOMEM;
    SK_TRY(parse_script(&p, script));
    *out = script;
    return SK_OK;
}
