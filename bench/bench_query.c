/*
 * bench_query.c — the query benchmark (issue 4): each question of
 * bench_questions.c asked of skein's query layer (sk_query_exec, audit
 * off: bench_audit.c measures the log), of the traversal level (the store's
 * adjacency cursor with no query layer) and of an SQLite copy of the same
 * case, in the same run, interleaved run by run so that the load of a
 * shared machine falls on all three alike.
 *
 * Every run's answer size is kept: the three implementations must agree
 * (neighbourhood sizes, path lengths, match counts), and the figures say
 * when they do not. A question asked with `| count entities` answers with
 * a one-row table whose cell is the size. SQLite statements stop after SQL_TIMEOUT seconds and a
 * question stops asking SQLite after SQL_BUDGET seconds, so a run stays
 * bounded; the figures say how many runs that cut.
 */
#include "bench.h"

#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQL_TIMEOUT 10.0     /* seconds for one SQLite statement */
#define SQL_BUDGET 60.0      /* seconds of SQLite for one question */
#define WARMUP 5             /* untimed runs before the measured ones */
#define RUN_BUDGET 60.0      /* seconds of skein's query layer for one question:
                                the runs stop there (at least WARMUP done) */

/* The three series of one question. */
typedef struct qseries {
    bench_series api, trav, sql;
    bool cut[BENCH_SEEDS];   /* run i of api was cut by a query limit */
    int ncut;
    char notice[160];        /* the first such notice */
    int sql_timeouts;        /* statements interrupted (counted at the timeout) */
    int sql_skipped;         /* runs not asked once the budget was spent */
} qseries;

typedef struct qctx {
    sk_store *s;
    sk_txn *t;               /* read transaction of the traversal level */
    bench_trav *trav;
    bench_sql *sql;
    bench_workload w;
    bool api_failed;
} qctx;

static int ask_trav(qctx *c, const bench_question *q, int i, int64_t *size)
{
    sk_sym lt = q->knows ? c->w.knows : 0;
    switch (q->kind) {
    case BENCH_Q_KHOP:
    case BENCH_Q_NET:   /* the walk alone: the traversal level reads no records */
        return bench_trav_khop(c->trav, c->w.seeds[i], q->depth, lt, size);
    case BENCH_Q_PATH:
        return bench_trav_path(c->trav, c->w.pairs[i][0], c->w.pairs[i][1], BENCH_MAX_HOPS, lt,
                               size);
    case BENCH_Q_REGEX:
        return bench_scan_names(c->t, c->w.person, q->prefix, q->regex, size);
    case BENCH_Q_MATCH:
        break;
    }
    return SK_EINVAL;   /* no traversal-level form */
}

static int ask_sql(qctx *c, const bench_question *q, int i, int64_t *size)
{
    sk_sym lt = q->knows ? c->w.knows : 0;
    switch (q->kind) {
    case BENCH_Q_KHOP:
        return bench_sql_khop(c->sql, c->w.seeds[i], q->depth, lt, size);
    case BENCH_Q_NET:
        return bench_sql_net(c->sql, c->w.seeds[i], q->depth, lt, size);
    case BENCH_Q_PATH:
        return bench_sql_path(c->sql, c->w.pairs[i][0], c->w.pairs[i][1], BENCH_MAX_HOPS, lt,
                              size);
    case BENCH_Q_REGEX:
        return bench_sql_regex(c->sql, c->w.person, q->prefix, q->regex, size);
    case BENCH_Q_MATCH:
        return bench_sql_match(c->sql, &c->w, BENCH_MATCH_LIMIT, size);
    }
    return SK_EINVAL;
}

/* The answer of a count question: the cell of its one-row table (the
 * entities counted), with the notice. */
static int count_answer(void *ctx, const sk_result *r)
{
    bench_answer *a = ctx;
    if (r->kind == SK_RESULT_TABLE && r->table.nrows == 1 && r->table.ncols == 1 &&
        r->table.cells[0].type == SK_V_INT)
        a->size = r->table.cells[0].u.i;
    snprintf(a->notice, sizeof a->notice, "%s", r->notice ? r->notice : "");
    return SK_OK;
}

/* Asks TEXT of skein's query layer (audit off): a count question here,
 * any other through bench_qapi. */
static int ask_api(qctx *c, const char *text, bench_answer *a)
{
    if (!strstr(text, "| count entities"))
        return bench_qapi(c->s, text, false, a, &c->api_failed);
    sk_query_opts o = {.no_audit = true, .user = "skein-bench"};
    sk_query_error err = {0};
    *a = (bench_answer){.size = -1};
    int rc = sk_query_exec(c->s, text, strlen(text), &o, count_answer, a, &err);
    if (rc && !c->api_failed) {
        fprintf(stderr, "query failed: %s\n%s\n", text, err.msg);
        c->api_failed = true;
    }
    return rc;
}

/* Run I of Q on the three implementations; MEASURE false for warm-up. */
static void run_once(qctx *c, const bench_question *q, int i, qseries *r, bool measure,
                     double *sql_spent)
{
    char text[512];
    bench_question_text(q, &c->w, i, text, sizeof text);
    bench_answer a;
    bench_clock k = bench_clock_start();
    int rc = ask_api(c, text, &a);
    if (rc)
        return;   /* reported once; the series stay aligned run by run */
    if (measure) {
        bench_clock_stop(k, &r->api, a.size);
        /* A result a limit cut (the supernode cap) cannot agree with an
         * implementation that has no such limit: such runs are counted and
         * left out of the agreement. */
        if (a.notice[0] && r->api.n <= BENCH_SEEDS) {
            r->cut[r->api.n - 1] = true;
            if (!r->ncut++)
                snprintf(r->notice, sizeof r->notice, "%s", a.notice);
        }
    }
    int64_t size;
    if (q->kind != BENCH_Q_MATCH) {
        k = bench_clock_start();
        rc = ask_trav(c, q, i, &size);
        if (measure && !rc)
            bench_clock_stop(k, &r->trav, size);
    }
    if (*sql_spent > SQL_BUDGET) {
        r->sql_skipped += measure;
        return;
    }
    k = bench_clock_start();
    rc = ask_sql(c, q, i, &size);
    *sql_spent += bench_now() - k.wall;
    if (measure && rc == SK_ECANCELLED) {
        r->sql_timeouts++;
        bench_series_add(&r->sql, SQL_TIMEOUT, SQL_TIMEOUT, -2);
    } else if (measure && !rc) {
        bench_clock_stop(k, &r->sql, size);
    }
}

/* Runs whose answers agree between A (skein's query layer; runs in CUT
 * left out) and B (both answered). */
static void agreement(const char *what, const bench_series *a, const bool *cut,
                      const bench_series *b)
{
    if (!a->n || !b->n)
        return;
    size_t same = 0, both = 0;
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        if (a->size[i] == -2 || b->size[i] == -2 || (i < BENCH_SEEDS && cut[i]))
            continue;
        both++;
        same += a->size[i] == b->size[i];
    }
    if (same == both)
        printf("    answers %s: %zu of %zu agree\n", what, same, both);
    else
        printf("    answers %s: %zu of %zu agree  <-- DIFFERENT ANSWERS\n", what, same, both);
}

/* Issue 4 states its targets at 100k persons and allows 3x at 1M. */
static double target_ms(const bench_question *q, uint64_t persons)
{
    return q->target_ms * (persons >= 1000000 ? 3 : 1);
}

static void report(const bench_question *q, const qseries *r, uint64_t persons)
{
    bench_compare(q->name, &r->api, &r->trav, &r->sql, target_ms(q, persons));
    double mean = 0;
    size_t n = 0;
    for (size_t i = 0; i < r->api.n; i++)
        if (r->api.size[i] >= 0)
            mean += (double)r->api.size[i], n++;
    const char *unit = q->kind == BENCH_Q_KHOP || q->kind == BENCH_Q_NET ? "entities" : q->kind == BENCH_Q_PATH ? "hops"
                                                                                     : "rows";
    printf("    %zu runs; mean answer %.1f %s", r->api.n, n ? mean / n : 0.0, unit);
    if (q->kind == BENCH_Q_PATH)
        printf(" (%zu of %zu pairs connected within %d)", n, r->api.n, BENCH_MAX_HOPS);
    if (r->sql_timeouts)
        printf("; SQLite: %d timed out at %.0f s (counted as %.0f s)", r->sql_timeouts,
               SQL_TIMEOUT, SQL_TIMEOUT);
    if (r->sql_skipped)
        printf("; SQLite: %d runs not asked (over %.0f s spent)", r->sql_skipped, SQL_BUDGET);
    printf("\n");
    if (r->ncut)
        printf("    %d runs cut by a query limit, left out of the comparison: %s\n", r->ncut,
               r->notice);
    agreement("query = traversal", &r->api, r->cut, &r->trav);
    agreement("query = SQLite", &r->api, r->cut, &r->sql);
}

static void ask(qctx *c, const bench_question *q, uint64_t persons)
{
    qseries r = {0};
    double sql_spent = 0;
    int runs = bench_question_runs(q);
    for (int i = 0; i < WARMUP && i < runs; i++)
        run_once(c, q, i, &r, false, &sql_spent);
    sql_spent = 0;
    double spent = 0;
    for (int i = 0; i < runs && (i < WARMUP || spent < RUN_BUDGET); i++) {
        size_t before = r.api.n;
        run_once(c, q, i, &r, true, &sql_spent);
        if (r.api.n > before)
            spent += r.api.wall[before];
    }
    report(q, &r, persons);
    bench_series_free(&r.api);
    bench_series_free(&r.trav);
    bench_series_free(&r.sql);
}

static void print_workload(const bench_workload *w)
{
    bench_figure("entities", (double)w->entities, "");
    bench_figure("links", (double)w->links, "");
    printf("  workload: %d seed persons, %d pairs (fixed PRNG); hub #%llu with %llu knows"
           " links\n",
           BENCH_SEEDS, BENCH_SEEDS, (unsigned long long)w->hub,
           (unsigned long long)w->hub_degree);
}

int bench_query(bench_case *bc)
{
    qctx c = {0};
    if (bench_open_case(bc, &c.s))
        return 1;
    int rc = bench_workload_pick(c.s, &c.w);
    if (!rc) {
        print_workload(&c.w);
        char path[1100];
        snprintf(path, sizeof path, "%s/bench-%llu.sqlite", bc->dir,
                 (unsigned long long)bc->persons);
        rc = bench_sql_build(c.s, path, &c.sql);
    }
    if (!rc)
        rc = sk_txn_begin(c.s, false, &c.t);
    if (!rc)
        rc = bench_trav_new(c.t, c.w.max_entity, &c.trav);
    if (!rc) {
        bench_sql_timeout(c.sql, SQL_TIMEOUT);
        printf("\n");
        bench_compare_header("skein query", "skein traversal", "SQLite");
        size_t n;
        const bench_question *qs = bench_questions(&n);
        for (size_t i = 0; i < n; i++)
            ask(&c, &qs[i], bc->persons);
    }
    bench_trav_free(c.trav);
    sk_txn_abort(c.t);
    bench_sql_close(c.sql);
    sk_store_close(c.s);
    if (rc)
        fprintf(stderr, "query benchmark: %s\n", sk_strerror(rc));
    return rc != SK_OK;
}
