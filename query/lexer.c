/*
 * lexer.c — bytes to tokens for the query language.
 *
 * Each call to sk_lex_next skips blanks and comments and reads one token.
 * The lexer never reads past the length it was given (the text need not be
 * NUL-terminated) and never accepts a byte it does not understand: invalid
 * UTF-8, control characters in literals and stray punctuation are errors
 * pointing at the byte. Literal values are decoded here (see lexer.h);
 * dates are in datetime.c. After an error the lexer should not be called
 * again: the parser stops at the first error.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "limits.h"
#include "utf8.h"

/* Lexes the date or date-time at lx->pos (datetime.c). */
int sk_lex_date(sk_lexer *lx, sk_token *t);

static const struct {
    const char *text;
    bool reserved;
} kw_table[SK_KW__COUNT] = {
    [SK_KW_NONE] = {"", false},
#define SK_KW_ROW(name, text, reserved) [SK_KW_##name] = {text, reserved},
    SK_KEYWORDS(SK_KW_ROW)
#undef SK_KW_ROW
};

void sk_lex_init(sk_lexer *lx, const char *src, size_t len, sk_arena *a, sk_diag *diag)
{
    *lx = (sk_lexer){.src = src, .len = len, .pos = 0, .arena = a, .diag = diag};
}

sk_kw sk_kw_lookup(const char *s, size_t len)
{
    char low[16];
    if (len == 0 || len >= sizeof low)
        return SK_KW_NONE;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    for (int k = 1; k < SK_KW__COUNT; k++) {
        if (kw_table[k].text[0] == low[0] && strlen(kw_table[k].text) == len &&
            memcmp(kw_table[k].text, low, len) == 0)
            return (sk_kw)k;
    }
    return SK_KW_NONE;
}

const char *sk_kw_text(sk_kw kw)
{
    return kw > SK_KW_NONE && kw < SK_KW__COUNT ? kw_table[kw].text : "";
}

bool sk_kw_reserved(sk_kw kw)
{
    return kw > SK_KW_NONE && kw < SK_KW__COUNT && kw_table[kw].reserved;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Non-ASCII bytes count as word characters; sequences are validated where
 * a word is scanned. */
static bool is_word_char(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || c == '_' || c >= 0x80;
}

static sk_span span_of(size_t a, size_t b)
{
    return (sk_span){(uint32_t)a, (uint32_t)b};
}

static int lex_fail(sk_lexer *lx, int code, size_t a, size_t b, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int lex_fail(sk_lexer *lx, int code, size_t a, size_t b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sk_diag_vset(lx->diag, span_of(a, b), fmt, ap);
    va_end(ap);
    return code;
}

/* Characters that paste in from word processors and look like syntax. */
static const char *confusable(uint32_t cp)
{
    if (cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019)
        return "a curly quote: strings go in straight double quotes \"…\"";
    if (cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200F) || cp == 0x2028 ||
        cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF)
        return "an invisible or non-breaking space";
    return NULL;
}

/* Checks the non-ASCII character at P; returns its length, or 0 after
 * filling the diagnostic. */
static size_t check_utf8(sk_lexer *lx, size_t p, int *rc)
{
    uint32_t cp;
    size_t n = sk_utf8_decode((const unsigned char *)lx->src + p, lx->len - p, &cp);
    if (n == 0) {
        *rc = lex_fail(lx, SK_EPARSE, p, p + 1, "invalid UTF-8 byte 0x%02X",
                       (unsigned char)lx->src[p]);
        return 0;
    }
    const char *why = confusable(cp);
    if (why) {
        *rc = lex_fail(lx, SK_EPARSE, p, p + n, "unexpected character U+%04X, %s",
                       (unsigned)cp, why);
        return 0;
    }
    return n;
}

/* Scans word characters from P; *END gets the first byte after them. */
static int scan_word(sk_lexer *lx, size_t p, size_t *end)
{
    int rc = SK_OK;
    while (p < lx->len && is_word_char((unsigned char)lx->src[p])) {
        if ((unsigned char)lx->src[p] < 0x80) {
            p++;
            continue;
        }
        size_t n = check_utf8(lx, p, &rc);
        if (n == 0)
            return rc;
        p += n;
    }
    *end = p;
    return SK_OK;
}

static int finish_word(sk_lexer *lx, sk_token *t, size_t start, size_t end,
                       const char *text, size_t len)
{
    if (len > SK_QUERY_MAX_NAME)
        return lex_fail(lx, SK_ELIMIT, start, end,
                        "name too long (%zu bytes; the limit is %d)", len, SK_QUERY_MAX_NAME);
    t->kind = SK_TOK_WORD;
    t->span = span_of(start, end);
    t->v.str.ptr = text;
    t->v.str.len = len;
    lx->pos = end;
    return SK_OK;
}

static int lex_word(sk_lexer *lx, sk_token *t)
{
    size_t start = lx->pos, end;
    int rc = scan_word(lx, start, &end);
    if (rc)
        return rc;
    rc = finish_word(lx, t, start, end, lx->src + start, end - start);
    if (rc == SK_OK)
        t->kw = sk_kw_lookup(t->v.str.ptr, t->v.str.len);
    return rc;
}

/* `any name`: no escapes, no line breaks, no control characters. */
static int lex_quoted_name(sk_lexer *lx, sk_token *t)
{
    size_t start = lx->pos, p = start + 1;
    int rc = SK_OK;
    while (p < lx->len && lx->src[p] != '`') {
        unsigned char c = (unsigned char)lx->src[p];
        if (c == '\n' || c == '\r')
            break;
        if (c < 0x20 || c == 0x7F)
            return lex_fail(lx, SK_EPARSE, p, p + 1, "control character 0x%02X in a name", c);
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t n = check_utf8(lx, p, &rc);
        if (n == 0)
            return rc;
        p += n;
    }
    if (p >= lx->len || lx->src[p] != '`')
        return lex_fail(lx, SK_EPARSE, start, start + 1,
                        "unterminated name: no closing '`' on this line");
    if (p == start + 1)
        return lex_fail(lx, SK_EPARSE, start, p + 1, "empty name in backquotes");
    rc = finish_word(lx, t, start, p + 1, lx->src + start + 1, p - start - 1);
    t->quoted = true;
    return rc;
}

/* Integer value of digits [a, b), or -1 on overflow. */
static int64_t digits_value(const char *s, size_t a, size_t b)
{
    int64_t v = 0;
    for (size_t i = a; i < b; i++) {
        int d = s[i] - '0';
        if (v > (INT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    return v;
}

static int64_t unit_seconds(char u)
{
    switch (u) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    case 'w': return 604800;
    default: return 0;
    }
}

static int lex_real(sk_lexer *lx, sk_token *t, size_t start, size_t end)
{
    char *copy = sk_arena_strndup(lx->arena, lx->src + start, end - start);
    if (!copy)
        return lex_fail(lx, SK_ENOMEM, start, end, "out of memory");
    double r = strtod(copy, NULL);
    if (!isfinite(r))
        return lex_fail(lx, SK_EPARSE, start, end, "number out of range '%.*s'",
                        (int)(end - start > 40 ? 40 : end - start), lx->src + start);
    t->kind = SK_TOK_REAL;
    t->v.r = r;
    return SK_OK;
}

/* A 4-digit year then '-' and a digit starts a date (there is no
 * subtraction in the language, so nothing else reads that way). */
static bool starts_date(const char *s, size_t n)
{
    return n >= 6 && is_digit((unsigned char)s[0]) && is_digit((unsigned char)s[1]) &&
           is_digit((unsigned char)s[2]) && is_digit((unsigned char)s[3]) && s[4] == '-' &&
           is_digit((unsigned char)s[5]);
}

/* Numbers: 12, 1.5, 2e-3; durations: 90s 10m 2h 3d 1w (lower-case units);
 * digits followed by letters otherwise (1A) are a word. */
static int lex_number(sk_lexer *lx, sk_token *t)
{
    const char *s = lx->src;
    size_t start = lx->pos, p = start, n = lx->len;
    if (starts_date(s + p, n - p))
        return sk_lex_date(lx, t);
    while (p < n && is_digit((unsigned char)s[p]))
        p++;
    size_t int_end = p;
    bool real = false;
    if (p + 1 < n && s[p] == '.' && is_digit((unsigned char)s[p + 1])) {
        real = true;
        for (p++; p < n && is_digit((unsigned char)s[p]); p++) {
        }
    }
    if (p < n && (s[p] == 'e' || s[p] == 'E')) {
        size_t q = p + 1;
        if (q < n && (s[q] == '+' || s[q] == '-'))
            q++;
        if (q < n && is_digit((unsigned char)s[q])) {
            real = true;
            for (p = q; p < n && is_digit((unsigned char)s[p]); p++) {
            }
        }
    }
    int64_t unit = !real && p < n ? unit_seconds(s[p]) : 0;
    if (unit && (p + 1 >= n || !is_word_char((unsigned char)s[p + 1]))) {
        int64_t v = digits_value(s, start, int_end);
        if (v < 0 || v > INT64_MAX / unit)
            return lex_fail(lx, SK_EPARSE, start, p + 1, "duration too long '%.*s'",
                            (int)(p + 1 - start > 40 ? 40 : p + 1 - start), s + start);
        t->kind = SK_TOK_DURATION;
        t->v.dur = v * unit;
        t->span = span_of(start, p + 1);
        lx->pos = p + 1;
        return SK_OK;
    }
    if (p < n && is_word_char((unsigned char)s[p])) {
        size_t end;
        int rc = scan_word(lx, p, &end);
        if (rc)
            return rc;
        if (!real)
            return finish_word(lx, t, start, end, s + start, end - start);
        return lex_fail(lx, SK_EPARSE, start, end, "malformed number '%.*s'",
                        (int)(end - start > 40 ? 40 : end - start), s + start);
    }
    t->span = span_of(start, p);
    lx->pos = p;
    if (real)
        return lex_real(lx, t, start, p);
    int64_t v = digits_value(s, start, p);
    if (v < 0)
        return lex_fail(lx, SK_EPARSE, start, p,
                        "number too large '%.*s' (the largest integer is %lld)",
                        (int)(p - start > 40 ? 40 : p - start), s + start, (long long)INT64_MAX);
    t->kind = SK_TOK_INT;
    t->v.i = v;
    return SK_OK;
}

static int lex_id(sk_lexer *lx, sk_token *t)
{
    const char *s = lx->src;
    size_t start = lx->pos, p = start + 1;
    while (p < lx->len && is_digit((unsigned char)s[p]))
        p++;
    if (p == start + 1)
        return lex_fail(lx, SK_EPARSE, start, start + 1,
                        "expected digits after '#' (an id is written like #123)");
    if (p < lx->len && is_word_char((unsigned char)s[p])) {
        size_t end;
        int rc = scan_word(lx, p, &end);
        if (rc)
            return rc;
        return lex_fail(lx, SK_EPARSE, start, end, "malformed id '%.*s'",
                        (int)(end - start > 40 ? 40 : end - start), s + start);
    }
    int64_t v = digits_value(s, start + 1, p);
    if (v < 0)
        return lex_fail(lx, SK_EPARSE, start, p, "id too large '%.*s'",
                        (int)(p - start > 40 ? 40 : p - start), s + start);
    if (v == 0)
        return lex_fail(lx, SK_EPARSE, start, p, "#0 is not an id: ids start at #1");
    t->kind = SK_TOK_ID;
    t->v.id = (sk_id)v;
    t->span = span_of(start, p);
    lx->pos = p;
    return SK_OK;
}

static int hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)s[i];
        int d = is_digit(c) ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (uint32_t)d;
    }
    *out = v;
    return 0;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* \uXXXX at P (P points at the backslash), with a surrogate pair allowed
 * as two escapes. Writes the character to OUT, returns its length and sets
 * *NEXT past the escape(s); 0 after a diagnostic. */
static size_t unicode_escape(sk_lexer *lx, size_t p, char *out, size_t *next, int *rc)
{
    const char *s = lx->src;
    uint32_t cp, lo;
    if (p + 6 > lx->len || hex4(s + p + 2, &cp) < 0) {
        *rc = lex_fail(lx, SK_EPARSE, p, p + 2, "\\u must be followed by four hex digits");
        return 0;
    }
    size_t end = p + 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end + 6 > lx->len || s[end] != '\\' || s[end + 1] != 'u' ||
            hex4(s + end + 2, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) {
            *rc = lex_fail(lx, SK_EPARSE, p, end, "unpaired surrogate \\u%04X in a string",
                           (unsigned)cp);
            return 0;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        end += 6;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        *rc = lex_fail(lx, SK_EPARSE, p, end, "unpaired surrogate \\u%04X in a string",
                       (unsigned)cp);
        return 0;
    } else if (cp == 0) {
        *rc = lex_fail(lx, SK_EPARSE, p, end, "\\u0000 is not allowed in a string");
        return 0;
    }
    *next = end;
    return utf8_encode(cp, out);
}

static char simple_escape(char c)
{
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'b': return '\b';
    case 'f': return '\f';
    default: return 0;
    }
}

/* Finds the closing quote of the string at START; 0 after a diagnostic. */
static size_t string_end(sk_lexer *lx, size_t start, int *rc)
{
    for (size_t p = start + 1; p < lx->len; p++) {
        char c = lx->src[p];
        if (c == '"')
            return p;
        if (c == '\n' || c == '\r')
            break;
        if (c == '\\' && p + 1 < lx->len && lx->src[p + 1] != '\n')
            p++;
    }
    *rc = lex_fail(lx, SK_EPARSE, start, start + 1,
                   "unterminated string: no closing '\"' on this line (write a line break as \\n)");
    return 0;
}

/* Decodes the string body [P, CLOSE) into OUT (*N bytes); SK_OK or a
 * diagnostic at the offending escape or byte. */
static int decode_string(sk_lexer *lx, size_t p, size_t close, char *out, size_t *n)
{
    const char *s = lx->src;
    int rc = SK_OK;
    while (p < close) {
        unsigned char c = (unsigned char)s[p];
        if (c == '\\' && s[p + 1] == 'u') {
            size_t k = unicode_escape(lx, p, out + *n, &p, &rc);
            if (k == 0)
                return rc;
            *n += k;
        } else if (c == '\\') {
            unsigned char e = (unsigned char)s[p + 1];
            char d = simple_escape((char)e);
            if (!d)
                return lex_fail(lx, SK_EPARSE, p, p + 2,
                                "unknown escape '\\%c' in a string (known: \\n \\t \\r \\\" "
                                "\\\\ \\uXXXX)",
                                e >= 0x20 && e < 0x7F ? e : '?');
            out[(*n)++] = d;
            p += 2;
        } else if ((c < 0x20 && c != '\t') || c == 0x7F) {
            return lex_fail(lx, SK_EPARSE, p, p + 1,
                            "control character 0x%02X in a string (write it as \\u%04X)", c, c);
        } else {
            uint32_t cp;
            size_t k = sk_utf8_decode((const unsigned char *)s + p, close - p, &cp);
            if (k == 0)
                return lex_fail(lx, SK_EPARSE, p, p + 1, "invalid UTF-8 byte 0x%02X in a string",
                                c);
            memcpy(out + *n, s + p, k);
            *n += k;
            p += k;
        }
    }
    return SK_OK;
}

static int lex_string(sk_lexer *lx, sk_token *t)
{
    size_t start = lx->pos;
    int rc = SK_OK;
    size_t close = string_end(lx, start, &rc);
    if (close == 0)
        return rc;
    /* Decoding never lengthens the text, so the raw length bounds the
     * buffer; an escape is at most six bytes per decoded byte, so a raw
     * text six times the limit is too long whatever it holds. */
    size_t cap = close - start;
    if (cap - 1 > 6 * (size_t)SK_QUERY_MAX_STRING)
        return lex_fail(lx, SK_ELIMIT, start, start + 1,
                        "string too long (%zu bytes; the limit is %d)", cap - 1,
                        SK_QUERY_MAX_STRING);
    char *out = sk_arena_alloc(lx->arena, cap);
    if (!out)
        return lex_fail(lx, SK_ENOMEM, start, close + 1, "out of memory");
    size_t n = 0;
    rc = decode_string(lx, start + 1, close, out, &n);
    if (rc)
        return rc;
    if (n > SK_QUERY_MAX_STRING)
        return lex_fail(lx, SK_ELIMIT, start, close + 1,
                        "string too long (%zu bytes; the limit is %d)", n, SK_QUERY_MAX_STRING);
    out[n] = '\0';
    t->kind = SK_TOK_STRING;
    t->span = span_of(start, close + 1);
    t->v.str.ptr = out;
    t->v.str.len = n;
    lx->pos = close + 1;
    return SK_OK;
}

/* Compiles the pattern once so a bad regex is a parse error carrying
 * PCRE2's message at the right column; the executor compiles it again. */
static int check_regex(sk_lexer *lx, size_t pat, size_t len, unsigned flags)
{
    uint32_t opts = PCRE2_UTF;
    if (flags & SK_RX_CASELESS)
        opts |= PCRE2_CASELESS;
    if (flags & SK_RX_MULTILINE)
        opts |= PCRE2_MULTILINE;
    if (flags & SK_RX_DOTALL)
        opts |= PCRE2_DOTALL;
    if (flags & SK_RX_EXTENDED)
        opts |= PCRE2_EXTENDED;
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)(lx->src + pat), len, opts, &err, &off, NULL);
    if (re) {
        pcre2_code_free(re);
        return SK_OK;
    }
    if (err == PCRE2_ERROR_HEAP_FAILED)
        return lex_fail(lx, SK_ENOMEM, pat, pat + len, "out of memory compiling a regex");
    PCRE2_UCHAR msg[160];
    if (pcre2_get_error_message(err, msg, sizeof msg) < 0)
        snprintf((char *)msg, sizeof msg, "error %d", err);
    size_t at = pat + (off < len ? off : len);
    return lex_fail(lx, SK_EPARSE, at, at + 1, "invalid regex: %s (at offset %zu of the pattern)",
                    (const char *)msg, (size_t)off);
}

static unsigned rx_flag(char c)
{
    switch (c) {
    case 'i': return SK_RX_CASELESS;
    case 'm': return SK_RX_MULTILINE;
    case 's': return SK_RX_DOTALL;
    case 'x': return SK_RX_EXTENDED;
    default: return 0;
    }
}

static int lex_regex(sk_lexer *lx, sk_token *t)
{
    const char *s = lx->src;
    size_t start = lx->pos, p = start + 1;
    while (p < lx->len && s[p] != '/') {
        unsigned char c = (unsigned char)s[p];
        size_t step = c == '\\' && p + 1 < lx->len ? 2 : 1;
        for (size_t i = p; i < p + step; i++) {
            unsigned char b = (unsigned char)s[i];
            if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F)
                return lex_fail(lx, SK_EPARSE, i, i + 1,
                                "control character 0x%02X in a regex (write it as \\x{%02X})", b, b);
        }
        p += step;
    }
    if (p >= lx->len)
        return lex_fail(lx, SK_EPARSE, start, start + 1, "unterminated regex: no closing '/'");
    size_t pat = start + 1, patlen = p - pat;
    unsigned flags = 0;
    for (p++; p < lx->len && is_word_char((unsigned char)s[p]); p++) {
        unsigned f = rx_flag(s[p]);
        if (!f)
            return lex_fail(lx, SK_EPARSE, p, p + 1,
                            "unknown regex flag '%c' (the flags are i, m, s and x)",
                            (unsigned char)s[p] < 0x80 ? s[p] : '?');
        flags |= f;
    }
    int rc = check_regex(lx, pat, patlen, flags);
    if (rc)
        return rc;
    t->kind = SK_TOK_REGEX;
    t->span = span_of(start, p);
    t->v.rx.ptr = s + pat;
    t->v.rx.len = patlen;
    t->v.rx.flags = flags;
    lx->pos = p;
    return SK_OK;
}

/* Punctuation; two-character tokens first. */
static int lex_punct(sk_lexer *lx, sk_token *t)
{
    static const struct {
        const char *text;
        sk_tok_kind kind;
    } puncts[] = {
#define SK_PUNCT_ROW(name, text) {text, SK_TOK_##name},
        SK_PUNCTS(SK_PUNCT_ROW)
#undef SK_PUNCT_ROW
    };
    const char *s = lx->src + lx->pos;
    size_t left = lx->len - lx->pos;
    for (size_t i = 0; i < sizeof puncts / sizeof puncts[0]; i++) {
        size_t n = strlen(puncts[i].text);
        if (n <= left && memcmp(s, puncts[i].text, n) == 0) {
            t->kind = puncts[i].kind;
            t->span = span_of(lx->pos, lx->pos + n);
            lx->pos += n;
            return SK_OK;
        }
    }
    unsigned char c = (unsigned char)s[0];
    size_t p = lx->pos;
    if (c == '!')
        return lex_fail(lx, SK_EPARSE, p, p + 1,
                        "unexpected character '!' (not equal is written !=)");
    if (c == '\'')
        return lex_fail(lx, SK_EPARSE, p, p + 1,
                        "unexpected character ''' (strings go in double quotes \"…\")");
    if (c >= 0x21 && c < 0x7F)
        return lex_fail(lx, SK_EPARSE, p, p + 1, "unexpected character '%c'", c);
    return lex_fail(lx, SK_EPARSE, p, p + 1, "unexpected control character 0x%02X", c);
}

/* Skips blanks and '--' comments. */
static void skip_blanks(sk_lexer *lx)
{
    const char *s = lx->src;
    while (lx->pos < lx->len) {
        char c = s[lx->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            lx->pos++;
        } else if (c == '-' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '-') {
            while (lx->pos < lx->len && s[lx->pos] != '\n')
                lx->pos++;
        } else {
            break;
        }
    }
}

int sk_lex_next(sk_lexer *lx, sk_token *t)
{
    skip_blanks(lx);
    *t = (sk_token){.kind = SK_TOK_EOF, .span = span_of(lx->pos, lx->pos)};
    if (lx->pos >= lx->len)
        return SK_OK;
    unsigned char c = (unsigned char)lx->src[lx->pos];
    if (c >= 0x80) {
        int rc = SK_OK;
        if (check_utf8(lx, lx->pos, &rc) == 0)
            return rc;
        return lex_word(lx, t);
    }
    if (is_alpha(c) || c == '_')
        return lex_word(lx, t);
    if (is_digit(c))
        return lex_number(lx, t);
    switch (c) {
    case '"': return lex_string(lx, t);
    case '/': return lex_regex(lx, t);
    case '#': return lex_id(lx, t);
    case '`': return lex_quoted_name(lx, t);
    default: return lex_punct(lx, t);
    }
}

/* Appends S (N bytes) to BUF, replacing control bytes, cutting at a
 * character boundary when it does not fit. */
static size_t put_clean(char *buf, size_t at, size_t cap, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && at + 1 < cap) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t k = c < 0x80 ? 1 : sk_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0 || c < 0x20 || c == 0x7F) {
            buf[at++] = '?';
            i++;
            continue;
        }
        if (at + k >= cap)
            break;
        memcpy(buf + at, s + i, k);
        at += k;
        i += k;
    }
    buf[at] = '\0';
    return at;
}

const char *sk_tok_describe(const sk_lexer *lx, const sk_token *t, char *buf, size_t cap)
{
    enum { SHOW = 40 };
    if (cap == 0)
        return buf;
    if (t->kind == SK_TOK_EOF) {
        snprintf(buf, cap, "end of query");
        return buf;
    }
    const char *s = lx->src + t->span.start;
    size_t n = t->span.end - t->span.start, at = 0;
    bool quote = t->kind != SK_TOK_STRING;
    bool cut = n > SHOW;
    if (quote)
        at = put_clean(buf, at, cap, "'", 1);
    at = put_clean(buf, at, cap, s, cut ? SHOW - 4 : n);
    if (cut)
        at = put_clean(buf, at, cap, t->kind == SK_TOK_STRING ? "...\"" : "...", 3 + !quote);
    if (quote)
        put_clean(buf, at, cap, "'", 1);
    return buf;
}
