/*
 * test_core_audit_queue.c — group commit of consultation entries: queued
 * entries are not in the log until a flush, a write or a close writes
 * them, in order and chained; a full queue writes itself; a failed write
 * (another process holds the case) keeps every entry queued; a read-only
 * case refuses to queue what it could never write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "test_case.h"
#include "test_audit_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef test_case fixture;

static void queue_query(sk_store *s, int i)
{
    char q[64];
    snprintf(q, sizeof q, "find person where name ~ /q%d/", i);
    sk_audit_entry e = {.time = 1700000000 + i, .user = "ana", .action = "query",
                        .category = SK_AUDIT_CONSULTATION, .query = q, .count = (uint64_t)i};
    assert_int_equal(sk_audit_queue(s, &e), SK_OK);
    /* The queue holds its own copy: the caller's text may go. */
    memset(q, 'x', sizeof q - 1);
}

static void test_flush_writes_queued_in_order(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 3; i++)
        queue_query(f->s, i);
    assert_int_equal(sk_audit_queued(f->s), 3);
    assert_int_equal(test_log_read(f->s).n, 0);
    assert_int_equal(sk_audit_flush(f->s), SK_OK);
    assert_int_equal(sk_audit_queued(f->s), 0);
    test_log sn = test_log_read(f->s);
    assert_int_equal(sn.n, 3);
    assert_string_equal(sn.queries[0], "find person where name ~ /q0/");
    assert_string_equal(sn.queries[2], "find person where name ~ /q2/");
    /* Nothing queued: a flush writes nothing. */
    assert_int_equal(sk_audit_flush(f->s), SK_OK);
    assert_int_equal(test_log_read(f->s).n, 3);
}

static int change_with_entry(sk_txn *t, void *ctx)
{
    (void)ctx;
    sk_audit_entry e = {.time = 1700000100, .user = "ana", .action = "manual entry",
                        .category = SK_AUDIT_COLLECTION, .query = "create person \"A\""};
    return sk_audit_append(t, &e, NULL);
}

static void test_write_takes_queue_first(void **state)
{
    fixture *f = *state;
    queue_query(f->s, 7);
    assert_int_equal(sk_store_write(f->s, change_with_entry, NULL), SK_OK);
    assert_int_equal(sk_audit_queued(f->s), 0);
    test_log sn = test_log_read(f->s);
    assert_int_equal(sn.n, 2);
    assert_string_equal(sn.actions[0], "query");
    assert_string_equal(sn.actions[1], "manual entry");
}

static void test_full_queue_writes_itself(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < SK_AUDIT_QUEUE_MAX - 1; i++)
        queue_query(f->s, i);
    assert_int_equal(test_log_read(f->s).n, 0);
    queue_query(f->s, SK_AUDIT_QUEUE_MAX - 1);
    assert_int_equal(sk_audit_queued(f->s), 0);
    assert_int_equal(test_log_read(f->s).n, SK_AUDIT_QUEUE_MAX);
}

/* A child process takes the write lock and holds it until told to go. */
static pid_t hold_write_lock(const char *path, int *go)
{
    int ready[2], wait_fd[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(wait_fd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        sk_store *cs;
        char err[256];
        sk_txn *t;
        char c;
        if (sk_store_open(path, NULL, &cs, err, sizeof err) != SK_OK ||
            sk_txn_begin(cs, true, &t) != SK_OK || write(ready[1], "x", 1) != 1 ||
            read(wait_fd[0], &c, 1) != 1)
            _exit(3);
        sk_txn_abort(t);
        _exit(0);
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    close(ready[1]);
    close(wait_fd[0]);
    *go = wait_fd[1];
    return pid;
}

static void test_failed_flush_keeps_entries(void **state)
{
    fixture *f = *state;
    sk_store_close(f->s);
    char err[256];
    sk_open_opts oo = {.write_wait_ms = -1};
    assert_int_equal(sk_store_open(f->path, &oo, &f->s, err, sizeof err), SK_OK);
    queue_query(f->s, 1);
    queue_query(f->s, 2);
    int go;
    pid_t pid = hold_write_lock(f->path, &go);
    assert_int_equal(sk_audit_flush(f->s), SK_EBUSY);
    assert_non_null(strstr(sk_store_errmsg(f->s), "being written by another process"));
    assert_int_equal(sk_audit_queued(f->s), 2);
    assert_int_equal(write(go, "x", 1), 1);
    close(go);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* Closing writes what is still queued, in order. */
    sk_store_close(f->s);
    assert_int_equal(sk_store_open(f->path, NULL, &f->s, err, sizeof err), SK_OK);
    test_log sn = test_log_read(f->s);
    assert_int_equal(sn.n, 2);
    assert_string_equal(sn.queries[0], "find person where name ~ /q1/");
    assert_string_equal(sn.queries[1], "find person where name ~ /q2/");
}

static void test_read_only_case_refuses(void **state)
{
    fixture *f = *state;
    sk_store_close(f->s);
    char err[256];
    sk_open_opts oo = {.flags = SK_OPEN_RDONLY};
    assert_int_equal(sk_store_open(f->path, &oo, &f->s, err, sizeof err), SK_OK);
    sk_audit_entry e = {.time = 1, .user = "ana", .action = "query",
                        .category = SK_AUDIT_CONSULTATION, .query = "stats"};
    assert_int_equal(sk_audit_queue(f->s, &e), SK_EREADONLY);
    assert_non_null(strstr(sk_store_errmsg(f->s), "read-only"));
    assert_int_equal(sk_audit_queued(f->s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_flush_writes_queued_in_order, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_write_takes_queue_first, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_full_queue_writes_itself, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_failed_flush_keeps_entries, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_read_only_case_refuses, test_case_setup, test_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
