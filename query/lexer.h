/*
 * lexer.h — the tokens of the query language (private to query/).
 *
 * The lexer turns bytes into tokens on demand, one call per token, so a
 * large text never needs a token array. Literals are decoded here, at the
 * boundary: strings are unescaped and checked to be UTF-8, numbers and ids
 * converted with overflow checks, dates validated and turned into UTC
 * seconds, durations into seconds, regexes compiled once with PCRE2 so a bad
 * one fails with PCRE2's message at its place in the query. Whitespace and
 * comments ('--' to the end of the line) separate tokens.
 *
 * A word is a name or keyword: [A-Za-z_] or any non-ASCII character, then
 * letters, digits and '_'; or any text in backquotes (`date of birth`),
 * which is never a keyword. A run of digits and letters that is not a
 * number or duration (1A, the grading code) is a word too; the parser
 * refuses it where a name must start with a letter.
 */
#ifndef SK_QUERY_LEXER_H
#define SK_QUERY_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"

/* Punctuation: X(NAME, "spelling") */
#define SK_PUNCTS(X)   \
    X(LPAREN, "(")     \
    X(RPAREN, ")")     \
    X(LBRACKET, "[")   \
    X(RBRACKET, "]")   \
    X(LBRACE, "{")     \
    X(RBRACE, "}")     \
    X(COMMA, ",")      \
    X(SEMI, ";")       \
    X(PIPE, "|")       \
    X(DOTDOT, "..")    \
    X(DOT, ".")        \
    X(COLON, ":")      \
    X(STAR, "*")       \
    X(EQ, "=")         \
    X(NE, "!=")        \
    X(LE, "<=")        \
    X(LT, "<")         \
    X(GE, ">=")        \
    X(GT, ">")         \
    X(TILDE, "~")      \
    X(ARROW, "->")     \
    X(MINUS, "-")

typedef enum sk_tok_kind {
    SK_TOK_EOF = 0,
    SK_TOK_WORD,      /* v.str: points into the text (not NUL-terminated) */
    SK_TOK_STRING,    /* v.str: decoded, NUL-terminated, in the arena */
    SK_TOK_INT,       /* v.i >= 0 (a sign is the parser's '-') */
    SK_TOK_REAL,      /* v.r, finite, >= 0 */
    SK_TOK_DATE,      /* v.time */
    SK_TOK_DURATION,  /* v.dur: seconds */
    SK_TOK_ID,        /* v.id >= 1 */
    SK_TOK_REGEX,     /* v.rx: pattern points into the text */
#define SK_TOK_PUNCT_ENUM(name, text) SK_TOK_##name,
    SK_PUNCTS(SK_TOK_PUNCT_ENUM)
#undef SK_TOK_PUNCT_ENUM
} sk_tok_kind;

typedef struct sk_token {
    sk_tok_kind kind;
    sk_span span;     /* the whole token, quotes and slashes included */
    sk_kw kw;         /* WORD only: its keyword, SK_KW_NONE for a name */
    bool quoted;      /* WORD only: written in backquotes */
    union {
        struct { const char *ptr; size_t len; } str;
        int64_t i;
        double r;
        sk_ast_datetime time;
        int64_t dur;
        sk_id id;
        struct { const char *ptr; size_t len; unsigned flags; } rx;
    } v;
} sk_token;

typedef struct sk_lexer {
    const char *src;  /* the text, LEN bytes; borrowed for the lexer's life */
    size_t len;
    size_t pos;       /* next byte to read */
    sk_arena *arena;  /* decoded strings go here */
    sk_diag *diag;    /* filled when sk_lex_next fails */
} sk_lexer;

void sk_lex_init(sk_lexer *lx, const char *src, size_t len, sk_arena *a,
                 sk_diag *diag);

/* Reads the next token into *OUT. Returns SK_OK (an SK_TOK_EOF token at the
 * end, as often as asked), SK_EPARSE for a malformed token, SK_ELIMIT for
 * a name or string over its limit, SK_ENOMEM; on failure the lexer's diag
 * says why and where. */
int sk_lex_next(sk_lexer *lx, sk_token *out);

/* The keyword spelled S (LEN bytes, any case), or SK_KW_NONE. */
sk_kw sk_kw_lookup(const char *s, size_t len);
const char *sk_kw_text(sk_kw kw);
bool sk_kw_reserved(sk_kw kw);

/* How a token reads in a message: 'via', '2024', "John Smith", end of
 * query — quoted, shortened to a few dozen characters, control characters
 * replaced. Writes into BUF (always NUL-terminated) and returns BUF. */
const char *sk_tok_describe(const sk_lexer *lx, const sk_token *t, char *buf,
                            size_t cap);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back; days in
 * a month (1..12). Shared by the lexer (dates) and the printer. */
int64_t sk_days_from_civil(int64_t y, unsigned m, unsigned d);
void sk_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
unsigned sk_days_in_month(int64_t y, unsigned m);

#endif /* SK_QUERY_LEXER_H */
