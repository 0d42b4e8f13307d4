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

#include "store.h"

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

/* Every adjacency record of entity ID, a line each. */
static void dump_adjacency(dump *d, sk_txn *t, sk_id id)
{
    sk_adjcur *ac;
    assert_int_equal(sk_adj_open(t, id, 0, SK_DIR_ANY, &ac), SK_OK);
    sk_adj adj;
    int rc;
    while ((rc = sk_adj_next(ac, &adj)) == SK_OK)
        out(d, "  A lt%u d%u nb%llu l%llu t%lld\n", adj.ltype, adj.dir,
            (unsigned long long)adj.nb, (unsigned long long)adj.link, (long long)adj.time);
    assert_int_equal(rc, SK_DONE);
    sk_adj_close(ac);
}

/* Every link record of the case in id order, a line each (A is reset). */
static void dump_links(dump *d, sk_txn *t, sk_arena *a)
{
    sk_idcur *c;
    assert_int_equal(sk_scan_links(t, &c), SK_OK);
    sk_id id;
    int rc;
    while ((rc = sk_idcur_next(c, &id)) == SK_OK) {
        sk_arena_reset(a);
        sk_link l;
        assert_int_equal(sk_link_get(t, id, a, &l), SK_OK);
        out(d, "L%llu %llu-%llu t%u dir%d %lld..%lld", (unsigned long long)id,
            (unsigned long long)l.src, (unsigned long long)l.dst, l.type, l.directed,
            (long long)l.t_start, (long long)l.t_end);
        for (size_t i = 0; i < l.nasserts; i++)
            out(d, " s%u/%u", l.asserts[i].source, l.asserts[i].grade);
        out(d, "\n");
    }
    assert_int_equal(rc, SK_DONE);
    sk_idcur_close(c);
}

#endif
