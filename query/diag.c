/*
 * diag.c — turns a diagnostic (byte span + message) into the report a user
 * reads: "line L, column C: message", the source line, a caret underline.
 * The format is described in diag.h.
 *
 * Invariants: never reads outside [src, src+len) whatever the span says
 * (spans are clamped); never writes past the caller's buffer; the output
 * holds no control characters other than the tabs copied from the source
 * line and the line breaks it ends its lines with.
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "utf8.h"

/* Characters of the source line shown around the span. */
enum { WINDOW = 100, BEFORE = 30 };

void sk_diag_vset(sk_diag *d, sk_span span, const char *fmt, va_list ap)
{
    d->span = span;
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
}

void sk_diag_set(sk_diag *d, sk_span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sk_diag_vset(d, span, fmt, ap);
    va_end(ap);
}

/* Length of the character at S (1 for an invalid byte, which prints as
 * one '?' column). */
static size_t char_len(const char *s, size_t n)
{
    uint32_t cp;
    size_t k = sk_utf8_decode((const unsigned char *)s, n, &cp);
    return k ? k : 1;
}

void sk_diag_locate(const char *src, size_t len, size_t offset, unsigned long *line,
                    unsigned long *col)
{
    if (offset > len)
        offset = len;
    unsigned long l = 1, c = 1;
    for (size_t i = 0; i < offset;) {
        if (src[i] == '\n') {
            l++, c = 1, i++;
        } else {
            size_t k = char_len(src + i, offset - i);
            c++, i += k;
        }
    }
    *line = l, *col = c;
}

/* A bounded writer: keeps counting past the end like snprintf. */
typedef struct out {
    char *buf;
    size_t cap, n;
} out;

static void put(out *o, const char *s, size_t k)
{
    for (size_t i = 0; i < k; i++, o->n++)
        if (o->n + 1 < o->cap)
            o->buf[o->n] = s[i];
}

static void puts_(out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* Moves P back (or forward) by up to N characters within [lo, hi). */
static size_t back_chars(const char *src, size_t lo, size_t p, size_t n)
{
    while (n-- > 0 && p > lo) {
        p--;
        while (p > lo && ((unsigned char)src[p] & 0xC0) == 0x80)
            p--;
    }
    return p;
}

static size_t fwd_chars(const char *src, size_t p, size_t hi, size_t n)
{
    while (n-- > 0 && p < hi)
        p += char_len(src + p, hi - p);
    return p;
}

/* The source line [a, b) with control bytes and invalid UTF-8 as '?'. */
static void put_line(out *o, const char *src, size_t a, size_t b)
{
    for (size_t i = a; i < b;) {
        unsigned char c = (unsigned char)src[i];
        uint32_t cp;
        size_t k = c < 0x80 ? 1 : sk_utf8_decode((const unsigned char *)src + i, b - i, &cp);
        if (k == 0 || (c < 0x20 && c != '\t') || c == 0x7F) {
            put(o, "?", 1);
            i++;
        } else {
            put(o, src + i, k);
            i += k;
        }
    }
}

size_t sk_diag_format(const sk_diag *d, const char *origin, const char *src, size_t len,
                      char *buf, size_t cap)
{
    out o = {buf, cap, 0};
    size_t start = d->span.start < len ? d->span.start : len;
    size_t end = d->span.end < start ? start : d->span.end > len ? len : d->span.end;
    unsigned long line, col;
    sk_diag_locate(src, len, start, &line, &col);

    char head[64];
    if (origin) {
        puts_(&o, origin);
        puts_(&o, ": ");
    }
    snprintf(head, sizeof head, "line %lu, column %lu: ", line, col);
    puts_(&o, head);
    puts_(&o, d->msg);
    puts_(&o, "\n");

    size_t ls = start, le = start;
    while (ls > 0 && src[ls - 1] != '\n')
        ls--;
    while (le < len && src[le] != '\n')
        le++;
    if (le > ls && src[le - 1] == '\r')
        le--;
    /* The window: from a little before the span to a screen's width. */
    size_t ws = back_chars(src, ls, start > le ? le : start, BEFORE);
    size_t we = fwd_chars(src, ws, le, WINDOW);
    if (we - ws < (size_t)WINDOW && ws > ls)
        ws = back_chars(src, ls, ws, WINDOW - (we - ws));

    puts_(&o, "  ");
    if (ws > ls)
        puts_(&o, "...");
    put_line(&o, src, ws, we);
    if (we < le)
        puts_(&o, "...");
    puts_(&o, "\n  ");
    if (ws > ls)
        puts_(&o, "   ");
    for (size_t i = ws; i < start && i < we; i += char_len(src + i, we - i))
        put(&o, src[i] == '\t' ? "\t" : " ", 1);
    size_t carets = 0;
    for (size_t i = start; i < end && i < we; i += char_len(src + i, we - i))
        carets++;
    if (carets == 0)
        carets = 1;
    for (size_t i = 0; i < carets; i++)
        put(&o, "^", 1);
    puts_(&o, "\n");

    if (cap > 0)
        buf[o.n < cap ? o.n : cap - 1] = '\0';
    return o.n;
}
