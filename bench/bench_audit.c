/*
 * bench_audit.c — the audit benchmark (issue 8): the query benchmark's
 * questions through sk_query_exec with the consultation log on and off
 * (sk_query_opts.no_audit), alternating run by run, and the ratio of the
 * medians. Target: within 5 %.
 *
 * With the log on, every query appends one entry in a short write
 * transaction of its own after the read (query/exec.c), so the entries
 * written here stay in the benchmark's case; that is what an analyst's
 * case accumulates too.
 */
#include "bench.h"

#include <math.h>
#include <stdio.h>

#define AUDIT_TARGET 1.05
#define RUN_BUDGET 60.0      /* seconds for one question, both modes together:
                                the runs stop there (at least MIN_RUNS done) */
#define MIN_RUNS 6

/* Sums of log ratios over the questions, for their geometric mean: one
 * question's median moves by several per cent between runs on this
 * machine, the mean over all of them much less. */
typedef struct ratio_sum {
    double log_wall, log_cpu;
    double on_cpu, off_cpu;  /* total CPU seconds: the group commits count here */
    int n;
} ratio_sum;

static double total(const double *v, size_t n)
{
    double t = 0;
    for (size_t i = 0; i < n; i++)
        t += v[i];
    return t;
}

static int measure(sk_store *s, const bench_workload *w, const bench_question *q,
                   ratio_sum *sum)
{
    bench_series on = {0}, off = {0};
    bool failed = false;
    int runs = bench_question_runs(q);
    int rc = SK_OK;
    double t0 = bench_now();
    for (int i = 0; i < runs && !rc && (i < MIN_RUNS || bench_now() - t0 < RUN_BUDGET); i++) {
        char text[512];
        bench_question_text(q, w, i, text, sizeof text);
        /* The first run of a question touches pages of the map for the
         * first time (minor faults: at 1M most of a 2-hop's cost), the
         * second does not; alternating which mode goes first is not
         * enough, as the seeds of even and odd runs differ. So one
         * untimed run warms each question first. */
        bench_answer warm;
        rc = bench_qapi(s, text, false, &warm, &failed);
        for (int k = 0; k < 2 && !rc; k++) {
            bool audit = (i + k) % 2 == 0;
            bench_answer a;
            bench_clock c = bench_clock_start();
            rc = bench_qapi(s, text, audit, &a, &failed);
            if (!rc)
                bench_clock_stop(c, audit ? &on : &off, a.size);
        }
    }
    if (on.n && off.n) {
        double mon = bench_series_median_ms(&on, false), moff = bench_series_median_ms(&off, false);
        double con = bench_series_median_ms(&on, true), coff = bench_series_median_ms(&off, true);
        printf("  %-34s %12.3f %12.3f %8.2f %-6s (cpu %.3f / %.3f = %.2f; %zu runs each)\n",
               q->name, mon, moff, mon / moff, mon / moff <= AUDIT_TARGET ? "met" : "MISSED",
               con, coff, con / coff, on.n);
        fflush(stdout);
        sum->log_wall += log(mon / moff);
        sum->log_cpu += log(con / coff);
        sum->on_cpu += total(on.cpu, on.n);
        sum->off_cpu += total(off.cpu, off.n);
        sum->n++;
    }
    bench_series_free(&on);
    bench_series_free(&off);
    return rc;
}

int bench_audit(bench_case *bc)
{
    sk_store *s;
    if (bench_open_case(bc, &s))
        return 1;
    bench_workload w;
    int rc = bench_workload_pick(s, &w);
    if (!rc) {
        printf("  %-34s %12s %12s %8s (target <= %.2f)\n", "median ms wall", "audit on",
               "audit off", "on/off", AUDIT_TARGET);
        size_t n;
        const bench_question *qs = bench_questions(&n);
        /* A failing question is reported (bench_qapi) and the others go on. */
        ratio_sum sum = {0};
        for (size_t i = 0; i < n; i++)
            if (measure(s, &w, &qs[i], &sum))
                printf("  %-34s failed\n", qs[i].name);
        if (sum.n) {
            printf("  %-34s %25s %8.3f (cpu %.3f; geometric mean of %d questions)\n",
                   "all questions", "", exp(sum.log_wall / sum.n), exp(sum.log_cpu / sum.n),
                   sum.n);
            /* Medians leave out the runs that wrote a group of entries;
             * the totals do not. */
            printf("  %-34s %12.3f %12.3f %8.3f (CPU seconds of every run, group commits "
                   "included)\n",
                   "total CPU time", sum.on_cpu, sum.off_cpu, sum.on_cpu / sum.off_cpu);
        }
    }
    sk_store_close(s);
    return rc != SK_OK;
}
