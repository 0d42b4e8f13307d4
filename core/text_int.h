/*
 * text_int.h — small text helpers shared by normalise.c and grading.c.
 *
 * Everything here is ASCII-only and locale-independent on purpose: keys and
 * grading codes must normalise the same way whatever locale the shell sets
 * (isalpha/toupper follow LC_CTYPE, and strtod follows LC_NUMERIC).
 *
 * sk_sbuf is a bounded writer: it never writes past its capacity, always
 * leaves room for the terminating NUL, and remembers that output was cut so
 * the caller can report SK_ELIMIT instead of a silently truncated result.
 */
#ifndef SK_TEXT_INT_H
#define SK_TEXT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "store.h"

static inline bool sk_ascii_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool sk_ascii_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline bool sk_ascii_islower(int c) { return c >= 'a' && c <= 'z'; }
static inline bool sk_ascii_isalpha(int c) { return sk_ascii_isupper(c) || sk_ascii_islower(c); }
static inline bool sk_ascii_isalnum(int c) { return sk_ascii_isalpha(c) || sk_ascii_isdigit(c); }
static inline bool sk_ascii_isspace(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
static inline int sk_ascii_upper(int c) { return sk_ascii_islower(c) ? c - 'a' + 'A' : c; }
static inline int sk_ascii_lower(int c) { return sk_ascii_isupper(c) ? c - 'A' + 'a' : c; }

/* True when the N bytes at A and B are equal ignoring ASCII case. */
static inline bool sk_ascii_caseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (sk_ascii_lower((unsigned char)a[i]) != sk_ascii_lower((unsigned char)b[i]))
            return false;
    return true;
}

/* A bounded output buffer over caller memory. */
typedef struct sk_sbuf {
    char *buf;   /* caller's memory, CAP bytes; may be NULL when CAP is 0 */
    size_t cap;  /* capacity including the terminating NUL */
    size_t len;  /* bytes written so far (excluding the NUL) */
    bool full;   /* something did not fit */
} sk_sbuf;

static inline sk_sbuf sk_sbuf_make(char *buf, size_t cap)
{
    sk_sbuf b = { buf, cap, 0, cap == 0 };
    if (cap > 0)
        buf[0] = '\0';
    return b;
}

static inline void sk_sbuf_put(sk_sbuf *b, const char *s, size_t n)
{
    if (b->full || n > b->cap - 1 - b->len) {
        b->full = true;
        return;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static inline void sk_sbuf_putc(sk_sbuf *b, char c) { sk_sbuf_put(b, &c, 1); }

/* Ends the output: the length written, or SK_ELIMIT (and an empty string)
 * when something did not fit. Lengths beyond INT_MAX count as not fitting
 * because the public API returns the length as an int. */
static inline int sk_sbuf_finish(sk_sbuf *b)
{
    if (b->full || b->len > (size_t)0x7fffffff) {
        if (b->cap > 0)
            b->buf[0] = '\0';
        return SK_ELIMIT;
    }
    return (int)b->len;
}

/* Empties the output after a failure so no half-normalised key is left. */
static inline int sk_sbuf_fail(sk_sbuf *b, int code)
{
    if (b->cap > 0)
        b->buf[0] = '\0';
    b->len = 0;
    return code;
}

#endif /* SK_TEXT_INT_H */
