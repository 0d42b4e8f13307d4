/*
 * test_audit_log.h — a case's audit log as a test reads it: the number of
 * entries, the actions and statements of the first eight, and the check
 * that the hash chain verifies over all of them.
 */
#ifndef SK_TEST_AUDIT_LOG_H
#define SK_TEST_AUDIT_LOG_H

#include "store.h"

#include <stdio.h>

typedef struct test_log {
    int n;
    char actions[8][32];
    char queries[8][96];
} test_log;

static inline int test_log_collect(const sk_audit_entry *e, void *ctx)
{
    test_log *v = ctx;
    if (v->n < 8) {
        snprintf(v->actions[v->n], sizeof v->actions[0], "%s", e->action);
        snprintf(v->queries[v->n], sizeof v->queries[0], "%s", e->query);
    }
    v->n++;
    return 0;
}

/* Reads S's log in a read transaction; a failure or a chain that does not
 * verify fails the test. */
static inline test_log test_log_read(sk_store *s)
{
    test_log v = {0};
    sk_txn *t;
    sk_arena *a = sk_arena_new();
    assert_non_null(a);
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    assert_int_equal(sk_audit_each(t, a, test_log_collect, &v), SK_OK);
    uint64_t entries = 0, bad = 0;
    char why[256];
    assert_int_equal(sk_audit_verify(t, &entries, &bad, why, sizeof why), SK_OK);
    assert_int_equal(entries, (uint64_t)v.n);
    sk_txn_abort(t);
    sk_arena_free(a);
    return v;
}

#endif
