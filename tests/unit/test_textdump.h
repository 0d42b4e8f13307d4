/*
 * test_textdump.h — a growing text buffer that unit tests print a case
 * into (so two cases compare as two strings, and a difference shows as
 * text), and the small fixed PRNG they draw generated data from. Shared by
 * the core tests that load the same data several ways and compare.
 * Include after cmocka.h.
 */
#ifndef SK_TEST_TEXTDUMP_H
#define SK_TEST_TEXTDUMP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The text printed so far: P (malloc'd, the caller frees), LEN bytes. */
typedef struct dump {
    char *p;
    size_t len, cap;
} dump;

static void out(dump *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(dump *d, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(d->p ? d->p + d->len : NULL, d->p ? d->cap - d->len : 0, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (d->p && d->len + (size_t)n < d->cap) {
            d->len += (size_t)n;
            return;
        }
        d->cap = d->cap ? d->cap * 2 : 1 << 16;
        while (d->cap < d->len + (size_t)n + 1)
            d->cap *= 2;
        d->p = realloc(d->p, d->cap);
        assert_non_null(d->p);
    }
}

/* A 64-bit LCG: the same sequence on every machine, 31 bits a draw. */
static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

#endif
