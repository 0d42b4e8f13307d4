/*
 * parser_int.h — what the files of the recursive-descent parser share
 * (private to parser*.c): the parser state, token helpers, error helpers
 * and the rule functions one file calls in another.
 *
 * parser.c         entry point, script, statement; the helpers below
 * parser_stmt.c    stages (their operands) and clauses
 * parser_expr.c    names, literals, REF, TIME and COND
 * parser_match.c   match patterns and 'return'
 *
 * Conventions: every rule function returns SK_OK or the status of the first
 * error (the diagnostic is then filled and parsing stops); it is entered
 * with the current token at the first token of its rule and leaves the
 * current token at the first token after it. Rules that recurse go through
 * sk_p_enter/sk_p_leave so nesting is bounded by SK_QUERY_MAX_DEPTH.
 */
#ifndef SK_QUERY_PARSER_INT_H
#define SK_QUERY_PARSER_INT_H

#include "ast.h"
#include "lexer.h"

typedef struct sk_parser {
    sk_lexer lx;
    sk_token tok;        /* the current token */
    sk_token ahead;      /* the token after it, when have_ahead */
    bool have_ahead;
    sk_token prev;       /* the last token consumed (for "after 'via'") */
    bool have_prev;
    sk_arena *arena;
    sk_diag *diag;
    unsigned depth;      /* current nesting of sk_p_enter */
    uint32_t stmt_start; /* first byte of the statement being parsed */
} sk_parser;

#define SK_TRY(expr)              \
    do {                          \
        int sk_rc_ = (expr);      \
        if (sk_rc_ != SK_OK)      \
            return sk_rc_;        \
    } while (0)

/* ---- Tokens ------------------------------------------------------------------- */

int sk_p_advance(sk_parser *p);
/* The token after the current one (lexed on first use). */
int sk_p_peek(sk_parser *p, const sk_token **out);
bool sk_p_is(const sk_parser *p, sk_tok_kind k);
bool sk_p_is_kw(const sk_parser *p, sk_kw kw);
/* Consumes the current token when it is K / keyword KW; *took says so. */
int sk_p_accept(sk_parser *p, sk_tok_kind k, bool *took);
int sk_p_accept_kw(sk_parser *p, sk_kw kw, bool *took);
/* Consumes the current token when it is K / KW, otherwise fails with
 * "expected WHAT after 'PREV', found 'CUR'". */
int sk_p_expect(sk_parser *p, sk_tok_kind k, const char *what);
int sk_p_expect_kw(sk_parser *p, sk_kw kw, const char *what);
/* The span from START to the end of the last token consumed. */
sk_span sk_p_since(const sk_parser *p, uint32_t start);

/* ---- Errors --------------------------------------------------------------------- */

/* "expected WHAT after 'PREV', found 'CUR'" at the current token;
 * returns SK_EPARSE. */
int sk_p_expected(sk_parser *p, const char *what);
/* A message of our own at SPAN; returns CODE. */
int sk_p_fail(sk_parser *p, int code, sk_span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int sk_p_nomem(sk_parser *p);
/* Nesting guard: "nested too deeply" past SK_QUERY_MAX_DEPTH. */
int sk_p_enter(sk_parser *p);
void sk_p_leave(sk_parser *p);

/* ---- Memory --------------------------------------------------------------------- */

void *sk_p_alloc(sk_parser *p, size_t n);  /* zeroed; NULL after a diagnostic */

/* A growable array in the arena; WHAT names the items for the "too many"
 * error. Pushing past SK_QUERY_MAX_LIST fails with SK_ELIMIT. */
typedef struct sk_pvec {
    void *v;
    size_t n, cap;
} sk_pvec;
int sk_p_push(sk_parser *p, sk_pvec *vec, size_t size, const void *item, size_t max,
              const char *what);

/* ---- Rules in parser_stmt.c --------------------------------------------------- */

/* One stage: its verb, operands and clauses; ends at '|', ';' or the end. */
int sk_p_stage(sk_parser *p, sk_ast_stage *st);

/* ---- Rules in parser_expr.c --------------------------------------------------- */

/* A name (not a reserved word, starting with a letter or backquoted);
 * WHAT for the error ("a link type"). */
int sk_p_name(sk_parser *p, const char *what, sk_ast_name *out);
bool sk_p_at_name(const sk_parser *p);
/* A name where no keyword can stand (after '.', before ':'): reserved
 * words are accepted. */
int sk_p_key(sk_parser *p, const char *what, sk_ast_name *out);
int sk_p_name_list(sk_parser *p, const char *what, const char *plural, sk_ast_names *out);
int sk_p_prop(sk_parser *p, sk_ast_prop *out);
/* A value literal (no regex: that goes only after '~'). */
int sk_p_value(sk_parser *p, const char *what, sk_ast_lit *out);
int sk_p_string(sk_parser *p, const char *what, sk_ast_lit *out);
int sk_p_date(sk_parser *p, const char *what, sk_ast_lit *out);
int sk_p_duration(sk_parser *p, const char *what, int64_t *out);
/* An integer literal in [MIN, MAX]; NOUN names it in range errors. */
int sk_p_count(sk_parser *p, const char *what, const char *noun, int64_t min, int64_t max,
               uint32_t *out);
int sk_p_id(sk_parser *p, const char *what, sk_ast_lit *out);
int sk_p_map(sk_parser *p, sk_ast_map *out);
int sk_p_ref(sk_parser *p, const char *what, sk_ast_ref *out);
int sk_p_ref_list(sk_parser *p, const char *what, sk_ast_refs *out);
/* TIME, entered at its keyword (between, on, since or before). */
int sk_p_time(sk_parser *p, sk_ast_time *out);
int sk_p_cond(sk_parser *p, sk_ast_cond **out);

/* ---- Rules in parser_match.c --------------------------------------------------- */

int sk_p_match(sk_parser *p, sk_ast_stage *st);
int sk_p_return(sk_parser *p, sk_ast_return *out);
/* -[TYPE {…}]-> / <-[…]- / -[…]- of the link statement. */
int sk_p_link_arrow(sk_parser *p, sk_ast_name *type, sk_ast_dir *dir, sk_ast_map *props);

#endif /* SK_QUERY_PARSER_INT_H */
