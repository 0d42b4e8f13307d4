/*
 * test_query_audit.c — how statements reach the audit log: a query's
 * consultation is queued for the next group commit (and written, in front
 * of it, by the next change); with the case setting audit_sync each one is
 * in the log before its result is delivered; a change is logged in its own
 * transaction; no_audit logs no consultation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "query.h"
#include "test_case.h"
#include "test_audit_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef test_case fixture;

static int setup(void **state)
{
    if (test_case_setup(state))
        return -1;
    fixture *f = *state;
    sk_txn *t;
    sk_sym person;
    if (sk_txn_begin(f->s, true, &t) != SK_OK ||
        sk_name_intern(t, SK_DICT_ETYPE, "person", 6, true, &person) != SK_OK ||
        sk_txn_commit(t) != SK_OK)
        return -1;
    return 0;
}

/* Delivery sees the log as it is when the result is handed over. */
static int count_at_delivery(void *ctx, const sk_result *r)
{
    (void)r;
    int *n = ((int **)ctx)[0];
    sk_store *s = ((sk_store **)ctx)[1];
    *n = test_log_read(s).n;
    return SK_OK;
}

static void run(sk_store *s, const char *q, bool no_audit, int *logged_at_delivery)
{
    sk_query_opts o = {.user = "ana", .no_audit = no_audit};
    sk_query_error err;
    void *ctx[2] = {logged_at_delivery, s};
    int rc = sk_query_exec(s, q, strlen(q), &o, count_at_delivery, ctx, &err);
    if (rc)
        fail_msg("%s: %s", q, err.msg);
}

static void set_meta(sk_store *s, const char *k, const char *v)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    assert_int_equal(sk_meta_set(t, k, v), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

static void test_consultation_is_group_committed(void **state)
{
    fixture *f = *state;
    int at = -1;
    run(f->s, "find person", false, &at);
    assert_int_equal(at, 0);
    assert_int_equal(sk_audit_queued(f->s), 1);
    run(f->s, "stats", false, &at);
    assert_int_equal(sk_audit_queued(f->s), 2);
    /* A change writes the queued consultations first, then its own entry. */
    run(f->s, "create person \"Ann Lee\"", false, &at);
    assert_int_equal(sk_audit_queued(f->s), 0);
    test_log v = test_log_read(f->s);
    assert_int_equal(v.n, 3);
    assert_string_equal(v.queries[0], "find person");
    assert_string_equal(v.queries[1], "stats");
    assert_string_equal(v.actions[2], "manual entry");
}

static void test_audit_sync_writes_before_delivery(void **state)
{
    fixture *f = *state;
    set_meta(f->s, "audit_sync", "1");
    int at = -1;
    run(f->s, "find person", false, &at);
    assert_int_equal(at, 1);
    assert_int_equal(sk_audit_queued(f->s), 0);
    set_meta(f->s, "audit_sync", "0");
    run(f->s, "find person", false, &at);
    assert_int_equal(at, 1);
    assert_int_equal(sk_audit_flush(f->s), SK_OK);
    assert_int_equal(test_log_read(f->s).n, 2);
}

static void test_no_audit_logs_no_consultation(void **state)
{
    fixture *f = *state;
    int at = -1;
    run(f->s, "find person", true, &at);
    assert_int_equal(sk_audit_queued(f->s), 0);
    assert_int_equal(sk_audit_flush(f->s), SK_OK);
    assert_int_equal(test_log_read(f->s).n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_consultation_is_group_committed, setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_audit_sync_writes_before_delivery, setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_no_audit_logs_no_consultation, setup, test_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
