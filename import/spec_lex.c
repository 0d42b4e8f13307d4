/*
 * spec_lex.c — the tokens of a mapping specification, and typo suggestions.
 *
 * A spec is line-oriented: a line end is a token (IMP_T_NL), '#' starts a
 * comment unless a digit follows ("#3" is column 3), strings are in double
 * quotes with \" \\ \t \n escapes, "{name}" is a column template used where
 * a type or key may come from a column. Words run over letters, digits and
 * _ . : / + - @ % so that "Europe/London", "+01:00" and "a_party" are one
 * token; "->" and "--" are operators. Every token carries its line and
 * column (1-based, in characters) for messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "import_int.h"

void imp_lex_init(imp_lex *lx, const char *src, size_t len, const char *origin,
                  sk_arena *a, char *err, size_t errlen)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    lx->col = 1;
    lx->arena = a;
    lx->err = err;
    lx->errlen = errlen;
    lx->origin = origin;
}

int imp_lex_error(imp_lex *lx, imp_pos pos, const char *fmt, ...)
{
    if (!lx->err || lx->errlen == 0)
        return SK_EPARSE;
    int n = snprintf(lx->err, lx->errlen, "%s:%u:%u: ", lx->origin, pos.line, pos.col);
    if (n < 0 || (size_t)n >= lx->errlen)
        return SK_EPARSE;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return SK_EPARSE;
}

static int peekc(const imp_lex *lx, size_t ahead)
{
    return lx->i + ahead < lx->len ? (unsigned char)lx->src[lx->i + ahead] : -1;
}

/* Consumes one byte, keeping line and column. */
static void bump(imp_lex *lx)
{
    unsigned char c = (unsigned char)lx->src[lx->i++];
    if (c == '\n') {
        lx->line++;
        lx->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        lx->col++;
    }
}

static bool word_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '-' ||
           c == '@' || c == '%' || c >= 0x80;
}

static int lex_string(imp_lex *lx)
{
    imp_pos start = {lx->line, lx->col};
    bump(lx); /* opening quote */
    size_t cap = 0, n = 0;
    for (size_t j = lx->i; j < lx->len && lx->src[j] != '\n'; j++)
        cap++;
    char *out = sk_arena_alloc(lx->arena, cap + 1);
    if (!out)
        return imp_lex_error(lx, start, "out of memory");
    for (;;) {
        int c = peekc(lx, 0);
        if (c < 0 || c == '\n' || c == '\r')
            return imp_lex_error(lx, start, "unterminated string: a \" is missing");
        if (c == '"') {
            bump(lx);
            break;
        }
        if (c == '\\') {
            int d = peekc(lx, 1);
            char ch;
            switch (d) {
            case '"': ch = '"'; break;
            case '\\': ch = '\\'; break;
            case 't': ch = '\t'; break;
            case 'n': ch = '\n'; break;
            default:
                /* Anything else stays as written: regexes need \d, \s … */
                out[n++] = '\\';
                bump(lx);
                continue;
            }
            bump(lx);
            bump(lx);
            out[n++] = ch;
            continue;
        }
        out[n++] = (char)c;
        bump(lx);
    }
    out[n] = '\0';
    lx->tok.kind = IMP_T_STRING;
    lx->tok.p = out;
    lx->tok.n = n;
    lx->tok.pos = start;
    return SK_OK;
}

static int lex_op(imp_lex *lx, int c)
{
    int d = peekc(lx, 1);
    int op = 0, len = 1;
    switch (c) {
    case '=': op = IMP_O_EQ; break;
    case '~': op = IMP_O_MATCH; break;
    case '|': op = IMP_O_BAR; break;
    case ',': op = IMP_O_COMMA; break;
    case '<': op = d == '=' ? (len = 2, IMP_O_LE) : IMP_O_LT; break;
    case '>': op = d == '=' ? (len = 2, IMP_O_GE) : IMP_O_GT; break;
    case '!':
        if (d == '=') op = IMP_O_NE, len = 2;
        else if (d == '~') op = IMP_O_NOMATCH, len = 2;
        break;
    case '-':
        if (d == '>') op = IMP_O_ARROW, len = 2;
        else if (d == '-') op = IMP_O_UNDIR, len = 2;
        break;
    default:
        break;
    }
    if (!op)
        return 0;
    lx->tok.kind = IMP_T_OP;
    lx->tok.op = op;
    lx->tok.p = lx->src + lx->i;
    lx->tok.n = (size_t)len;
    for (int k = 0; k < len; k++)
        bump(lx);
    return 1;
}

int imp_lex_next(imp_lex *lx)
{
    for (;;) {
        int c = peekc(lx, 0);
        if (c == ' ' || c == '\t' || c == '\r') {
            bump(lx);
            continue;
        }
        if (c == '#' && !(peekc(lx, 1) >= '0' && peekc(lx, 1) <= '9')) {
            while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n')
                bump(lx);
            continue;
        }
        break;
    }
    lx->tok.pos.line = lx->line;
    lx->tok.pos.col = lx->col;
    lx->tok.op = 0;
    int c = peekc(lx, 0);
    if (c < 0) {
        lx->tok.kind = IMP_T_EOF;
        lx->tok.p = "";
        lx->tok.n = 0;
        return SK_OK;
    }
    if (c == '\n') {
        lx->tok.kind = IMP_T_NL;
        lx->tok.p = "\n";
        lx->tok.n = 1;
        bump(lx);
        return SK_OK;
    }
    if (c == '"')
        return lex_string(lx);
    if (c == '#') {
        bump(lx);
        size_t start = lx->i;
        while (peekc(lx, 0) >= '0' && peekc(lx, 0) <= '9')
            bump(lx);
        lx->tok.kind = IMP_T_COLNUM;
        lx->tok.p = lx->src + start;
        lx->tok.n = lx->i - start;
        return SK_OK;
    }
    if (c == '{') {
        imp_pos at = lx->tok.pos;
        bump(lx);
        size_t start = lx->i;
        while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '}' && peekc(lx, 0) != '\n')
            bump(lx);
        if (peekc(lx, 0) != '}')
            return imp_lex_error(lx, at, "unterminated {column}: a } is missing");
        lx->tok.kind = IMP_T_BRACE;
        lx->tok.p = lx->src + start;
        lx->tok.n = lx->i - start;
        bump(lx);
        return SK_OK;
    }
    if (lex_op(lx, c))
        return SK_OK;
    if (word_char(c)) {
        size_t start = lx->i;
        while (word_char(peekc(lx, 0))) {
            /* "a->b" and "a--b": stop a word before an arrow. */
            if (peekc(lx, 0) == '-' && (peekc(lx, 1) == '>' || peekc(lx, 1) == '-') &&
                lx->i > start)
                break;
            bump(lx);
        }
        lx->tok.kind = IMP_T_WORD;
        lx->tok.p = lx->src + start;
        lx->tok.n = lx->i - start;
        return SK_OK;
    }
    char q[16];
    return imp_lex_error(lx, lx->tok.pos, "unexpected character %s",
                         imp_quote(lx->src + lx->i, 1, q, sizeof q));
}

const char *imp_tok_describe(const imp_tok *t, char *buf, size_t cap)
{
    char q[80];
    switch (t->kind) {
    case IMP_T_EOF: snprintf(buf, cap, "the end of the file"); break;
    case IMP_T_NL: snprintf(buf, cap, "the end of the line"); break;
    case IMP_T_STRING:
        snprintf(buf, cap, "string \"%.*s\"", t->n > 40 ? 40 : (int)t->n, t->p);
        break;
    case IMP_T_BRACE: snprintf(buf, cap, "{%.*s}", t->n > 40 ? 40 : (int)t->n, t->p); break;
    case IMP_T_COLNUM: snprintf(buf, cap, "#%.*s", (int)t->n, t->p); break;
    default: snprintf(buf, cap, "%s", imp_quote(t->p, t->n, q, sizeof q)); break;
    }
    return buf;
}

int imp_edit_distance(const char *a, size_t alen, const char *b, size_t blen, int cap)
{
    /* Optimal string alignment: insertions, deletions, substitutions and
     * swaps of two neighbours ("kye" → "key") each cost one; case is
     * ignored. */
    if (alen > 64 || blen > 64)
        return cap + 1;
    int d[3][65];
    int *pp = d[0], *prev = d[1], *cur = d[2];
    for (size_t j = 0; j <= blen; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= alen; i++) {
        cur[0] = (int)i;
        int best = cur[0];
        char x = a[i - 1];
        if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
        for (size_t j = 1; j <= blen; j++) {
            char y = b[j - 1];
            if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
            int v = prev[j - 1] + (x != y);
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            if (i > 1 && j > 1) {
                char x0 = a[i - 2], y0 = b[j - 2];
                if (x0 >= 'A' && x0 <= 'Z') x0 = (char)(x0 + 32);
                if (y0 >= 'A' && y0 <= 'Z') y0 = (char)(y0 + 32);
                if (x == y0 && x0 == y && pp[j - 2] + 1 < v)
                    v = pp[j - 2] + 1;
            }
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > cap + 1)
            return cap + 1;
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[blen] > cap ? cap + 1 : prev[blen];
}

const char *imp_suggest(const char *word, size_t len, const char *const *cands, size_t n)
{
    const char *best = NULL;
    int bestd = 3;
    /* Short words tolerate one edit only, or everything looks alike. */
    int cap = len <= 3 ? 1 : 2;
    for (size_t i = 0; i < n; i++) {
        int d = imp_edit_distance(word, len, cands[i], strlen(cands[i]), cap);
        if (d <= cap && d < bestd) {
            bestd = d;
            best = cands[i];
        }
    }
    return best;
}
