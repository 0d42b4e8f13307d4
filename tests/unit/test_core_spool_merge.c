/*
 * test_core_spool_merge.c — writing spooled index records through sorted
 * runs (core/spool.c, core/spool_merge.c): spills on their own thread,
 * the merge at commit on its own thread handing records over in blocks.
 *
 * Records go straight into the spools of the property index (records with
 * a header) and the time index (fixed size), in random order with many
 * repeats, under a budget small enough that a few hundred sorted runs are
 * spilled; what the databases hold after commit must be exactly the
 * distinct records in LMDB's order. Then the failures: records the writer
 * refuses halfway through a merge stop the merge thread (no hang, nothing
 * left over) and fail the commit; a run cut short on disk is reported as
 * such. Either way the case is as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "test_case.h"
#include "spool_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUDGET (64 * 1024)
#define N_REC 600000 /* several times the merge's ring of blocks */

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* A record as the test knows it: key and data, both short. */
typedef struct rec {
    uint8_t k[8], v[8];
    uint8_t kl, vl;
} rec;

static int rec_order(const void *pa, const void *pb)
{
    const rec *a = pa, *b = pb;
    int c = memcmp(a->k, b->k, a->kl < b->kl ? a->kl : b->kl);
    if (c || a->kl != b->kl)
        return c ? c : a->kl < b->kl ? -1 : 1;
    return memcmp(a->v, b->v, a->vl);
}

/* N records for DB: property keys of 3 to 8 bytes, or time keys of 4;
 * data of the database's size; few distinct values, so records repeat
 * within and across runs. */
static rec *make(enum sk_db db, size_t n, uint64_t seed)
{
    rec *r = calloc(n, sizeof *r);
    assert_non_null(r);
    for (size_t i = 0; i < n; i++) {
        uint64_t x = next(&seed);
        r[i].kl = db == DB_TIME ? 4 : (uint8_t)(3 + x % 6);
        r[i].vl = db == DB_TIME ? TIME_SIZE : IDX_ID;
        for (int j = 0; j < r[i].kl; j++)
            r[i].k[j] = (uint8_t)('a' + (x >> (8 + 3 * j)) % 4);
        uint64_t v = (x >> 40) % 50;
        for (int j = 0; j < r[i].vl; j++)
            r[i].v[j] = (uint8_t)(j == r[i].vl - 1 ? v : 0);
    }
    return r;
}

/* The distinct records of R in order; returns how many. */
static size_t distinct(rec *r, size_t n)
{
    qsort(r, n, sizeof *r, rec_order);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!m || rec_order(&r[m - 1], &r[i]))
            r[m++] = r[i];
    return m;
}

static void spool_all(sk_txn *t, enum sk_db db, const rec *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(sk__spool_add(t, db, r[i].k, r[i].kl, r[i].v, r[i].vl), SK_OK);
}

/* DB holds exactly the N records WANT, in order. */
static void expect_db(sk_store *s, enum sk_db db, const rec *want, size_t n)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    MDB_cursor *c;
    assert_int_equal(mdb_cursor_open(t->txn, s->dbi[db], &c), 0);
    MDB_val k, v;
    size_t i = 0;
    for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT), i++) {
        assert_true(i < n);
        assert_int_equal(k.mv_size, want[i].kl);
        assert_memory_equal(k.mv_data, want[i].k, k.mv_size);
        assert_int_equal(v.mv_size, want[i].vl);
        assert_memory_equal(v.mv_data, want[i].v, v.mv_size);
    }
    assert_int_equal(i, n);
    mdb_cursor_close(c);
    sk_txn_abort(t);
}

static void expect_empty(sk_store *s, enum sk_db db)
{
    expect_db(s, db, NULL, 0);
}

/* A new case and a write transaction on it whose spools spill past a
 * small budget. */
typedef struct fixture {
    char dir[64], path[96];
    sk_store *s;
    sk_txn *t;
} fixture;

static int spilling_txn(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || test_case_open("spoolm", f->dir, sizeof f->dir, f->path, sizeof f->path, &f->s))
        return -1;
    if (sk_txn_begin(f->s, true, &f->t) != SK_OK)
        return -1;
    f->t->budget = BUDGET;
    *state = f;
    return 0;
}

/* Closes the case (the transaction has ended: committed or failed). */
static int case_gone(void **state)
{
    fixture *f = *state;
    int rc = test_case_close(f->s, f->dir);
    free(f);
    return rc;
}

/* Hundreds of runs of two databases, merged at commit: every distinct
 * record once, in LMDB's order. */
static void test_runs_merged(void **state)
{
    fixture *f = *state;
    rec *prop = make(DB_PROP, N_REC, 7), *time = make(DB_TIME, N_REC, 11);
    spool_all(f->t, DB_PROP, prop, N_REC / 2);
    spool_all(f->t, DB_TIME, time, N_REC);
    spool_all(f->t, DB_PROP, prop + N_REC / 2, N_REC - N_REC / 2);
    assert_true(sk__spool_runs(f->t) > 100);
    assert_int_equal(sk_txn_commit(f->t), SK_OK);
    expect_db(f->s, DB_PROP, prop, distinct(prop, N_REC));
    expect_db(f->s, DB_TIME, time, distinct(time, N_REC));
    free(prop);
    free(time);
}

/* Two records of one key whose data differ in size (which the index
 * cannot hold) come first in the merge, with megabytes of records after
 * them: the commit fails with the writer's error, the merge thread is
 * stopped, and the case holds none of it. */
static void test_refused_record_stops_merge(void **state)
{
    fixture *f = *state;
    static const uint8_t v8[8] = {0}, v9[9] = {0};
    assert_int_equal(sk__spool_add(f->t, DB_PROP, "", 0, v8, 8), SK_OK);
    assert_int_equal(sk__spool_add(f->t, DB_PROP, "", 0, v9, 9), SK_OK);
    rec *prop = make(DB_PROP, N_REC, 13);
    spool_all(f->t, DB_PROP, prop, N_REC);
    free(prop);
    assert_true(sk__spool_runs(f->t) > 10);
    assert_int_equal(sk_txn_commit(f->t), SK_ECORRUPT);
    assert_non_null(strstr(sk_store_errmsg(f->s), "index records of unequal size"));
    expect_empty(f->s, DB_PROP);
}

/* A run whose file was cut short (standing in for a disk that lost it):
 * the commit says so and the case is unchanged. */
static void test_truncated_run(void **state)
{
    fixture *f = *state;
    rec *time = make(DB_TIME, N_REC, 17);
    spool_all(f->t, DB_TIME, time, N_REC);
    free(time);
    assert_true(sk__spool_runs(f->t) > 10);
    const sk_spool *sp = f->t->spool[DB_TIME];
    assert_int_equal(ftruncate(sp->fd, sp->fend - 3), 0);
    assert_int_equal(sk_txn_commit(f->t), SK_EIO);
    assert_non_null(strstr(sk_store_errmsg(f->s), "truncated"));
    expect_empty(f->s, DB_TIME);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_runs_merged, spilling_txn, case_gone),
        cmocka_unit_test_setup_teardown(test_refused_record_stops_merge, spilling_txn,
                                        case_gone),
        cmocka_unit_test_setup_teardown(test_truncated_run, spilling_txn, case_gone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
