/*
 * bench_analysis.c — the analysis benchmark (issue 5): pagerank and
 * components over the whole case, betweenness on the 2-hop network of the
 * best-connected person, and colocated for the busiest vehicle over the
 * month of generated data, each through skein's query API; then the same
 * measures by python3-igraph (bench/igraph_ref.py) on the same graph read
 * from the generated CSV files in the same run, load included.
 *
 * Besides the times, the answers are compared: the top-10 entities of each
 * ranking (python's keys looked up in the case), the number and largest
 * size of the components, the size of the 2-hop network and the number of
 * co-located entities.
 */
#include "bench.h"
#include "query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP 10
#define COLOCATE_WINDOW 600   /* seconds: "within 10m" */

/* One analysis, as asked of skein and as answered by Python. */
typedef struct op {
    const char *name;          /* python's name for it */
    char query[256];
    bench_series skein;
    int64_t size, size2;       /* skein: rows, or components and the largest */
    char notice[160];          /* skein's note that the result was cut, or "" */
    sk_id top[TOP];            /* skein: top entities of a ranking */
    double top_score;
    double py_seconds;         /* wall; -1 when Python did not report it */
    double py_cpu;             /* CPU seconds of the Python process */
    int64_t py_size, py_size2;
    sk_id py_top[TOP];
    double py_top_score;
    size_t py_ntop;
} op;

/* ---- skein ------------------------------------------------------------- */

static int col_index(const sk_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i], name))
            return (int)i;
    return -1;
}

static double num(const sk_value *v)
{
    return v->type == SK_V_REAL ? v->u.r : v->type == SK_V_INT || v->type == SK_V_ID
                                               ? (double)v->u.i : NAN;
}

static int on_result(void *ctx, const sk_result *r)
{
    op *o = ctx;
    if (r->kind != SK_RESULT_TABLE)
        return SK_EINVAL;
    const sk_table *t = &r->table;
    o->size = (int64_t)t->nrows;
    snprintf(o->notice, sizeof o->notice, "%s", r->notice ? r->notice : "");
    int comp = col_index(t, "component"), size = col_index(t, "size");
    if (comp >= 0 && size >= 0) {
        /* Components are numbered from 0, the largest first. */
        int64_t ncomp = 0;
        for (size_t i = 0; i < t->nrows; i++) {
            int64_t c = (int64_t)num(&t->cells[i * t->ncols + (size_t)comp]);
            if (c + 1 > ncomp)
                ncomp = c + 1;
        }
        o->size = ncomp;
        o->size2 = t->nrows ? (int64_t)num(&t->cells[(size_t)size]) : 0;
        return SK_OK;
    }
    for (size_t i = 0; i < t->nrows && i < TOP; i++)
        o->top[i] = (sk_id)t->cells[i * t->ncols].u.i;
    if (t->nrows && t->ncols > 4)
        o->top_score = num(&t->cells[t->ncols - 1]);
    return SK_OK;
}

static int run_skein(sk_store *s, op *o, int runs)
{
    for (int i = 0; i < runs; i++) {
        sk_query_opts opts = {.no_audit = true};
        sk_query_error err = {0};
        bench_clock c = bench_clock_start();
        int rc = sk_query_exec(s, o->query, strlen(o->query), &opts, on_result, o, &err);
        if (rc) {
            printf("  %-44s failed: %s\n", o->query, err.msg);
            return rc;
        }
        bench_clock_stop(c, &o->skein, o->size);
    }
    return SK_OK;
}

/* ---- python3-igraph --------------------------------------------------------- */

static op *op_named(op *ops, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ops[i].name, name))
            return &ops[i];
    return NULL;
}

/* Reads one line of igraph_ref.py's output into OPS; TOP lines name the
 * entity by type and raw key, looked up in the case. */
static void python_line(sk_txn *t, char *line, op *ops, size_t n, double load[2])
{
    char kind[16], name[32], etype[32], key[256];
    double v, cpu = -1;
    long long a, b = 0;
    int rank, got;
    if (sscanf(line, "time %31s %lf %lf", name, &v, &cpu) >= 2) {
        op *o = op_named(ops, n, name);
        if (o) {
            o->py_seconds = v;
            o->py_cpu = cpu;
        } else if (!strcmp(name, "load")) {
            load[0] = v;
            load[1] = cpu;
        }
    } else if ((got = sscanf(line, "size %31s %lld %lld", name, &a, &b)) >= 2) {
        op *o = op_named(ops, n, name);
        if (o) {
            o->py_size = a;
            o->py_size2 = got == 3 ? b : 0;
        } else if (!strcmp(name, "graph")) {
            printf("  python-igraph graph: %lld vertices, %lld arcs after folding\n", a, b);
        } else if (!strcmp(name, "ego")) {
            op *bt = op_named(ops, n, "betweenness");
            if (bt)
                bt->py_size = a;
        }
    } else if (sscanf(line, "%15s %31s %d %31s %lf %255[^\n]", kind, name, &rank, etype, &v,
                      key) == 6 &&
               !strcmp(kind, "top")) {
        op *o = op_named(ops, n, name);
        sk_sym ty;
        sk_id id = 0;
        if (!o || rank < 1 || rank > TOP)
            return;
        if (sk_name_intern(t, SK_DICT_ETYPE, etype, strlen(etype), false, &ty) == SK_OK)
            sk_entity_by_key(t, ty, key, strlen(key), &id);
        o->py_top[rank - 1] = id;
        if (rank == 1)
            o->py_top_score = v;
        if ((size_t)rank > o->py_ntop)
            o->py_ntop = (size_t)rank;
    }
}

static void quote(char *out, size_t cap, const char *s)
{
    snprintf(out, cap, "'%s'", s);  /* paths with a quote are refused below */
}

static int run_python(sk_store *s, const char *csv, const char *hub, const char *veh, op *ops,
                      size_t n, double load[2], double *total)
{
    char script[1100], qs[1200], qc[1200], qh[300], qv[300], cmd[4096];
    bench_source_path("igraph_ref.py", script, sizeof script);
    if (strchr(script, '\'') || strchr(csv, '\'') || strchr(hub, '\'') || strchr(veh, '\''))
        return fprintf(stderr, "analysis: a path or key holds a quote\n"), 1;
    quote(qs, sizeof qs, script);
    quote(qc, sizeof qc, csv);
    quote(qh, sizeof qh, hub);
    quote(qv, sizeof qv, veh);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s %s %d", qs, qc, qh, qv,
             COLOCATE_WINDOW);
    double t0 = bench_now();
    FILE *p = popen(cmd, "r");
    if (!p)
        return fprintf(stderr, "analysis: cannot run %s\n", cmd), 1;
    sk_txn *t;
    int rc = sk_txn_begin(s, false, &t);
    char line[1024];
    while (fgets(line, sizeof line, p))
        if (!rc)
            python_line(t, line, ops, n, load);
    if (!rc)
        sk_txn_abort(t);
    int status = pclose(p);
    *total = bench_now() - t0;
    if (status != 0)
        return fprintf(stderr, "analysis: %s failed (status %d)\n", cmd, status), 1;
    return rc;
}

/* ---- Report -------------------------------------------------------------- */

static void report(const op *o)
{
    double ms = bench_series_median_ms(&o->skein, false);
    printf("  %-12s %12.1f %12.1f", o->name, ms, bench_series_median_ms(&o->skein, true));
    if (o->py_seconds >= 0)
        printf(" %12.1f %12.1f %8.1f", o->py_seconds * 1e3, o->py_cpu * 1e3,
               o->py_seconds * 1e3 / ms);
    else
        printf(" %12s %12s %8s", "-", "-", "-");
    printf("   %s\n", o->query);
    if (o->py_ntop) {
        size_t same = 0;
        for (size_t i = 0; i < o->py_ntop; i++)
            for (size_t j = 0; j < TOP; j++)
                same += o->py_top[i] && o->py_top[i] == o->top[j];
        printf("    top %zu: %zu the same entities; first score skein %.10g, igraph %.10g",
               o->py_ntop, same, o->top_score, o->py_top_score);
        if (o->py_size)   /* betweenness: the size of the 2-hop network */
            printf("; network of %lld entities (igraph %lld)", (long long)o->size2,
                   (long long)o->py_size);
        printf("\n");
    } else if (o->py_seconds >= 0) {
        /* A cut table (components of a case over the row limit) still
         * holds the largest component first, but not every component. */
        bool cut = o->notice[0] != '\0';
        printf("    skein %s%lld", cut ? "at least " : "", (long long)o->size);
        if (o->size2)
            printf(" (largest %lld)", (long long)o->size2);
        printf(", python %lld", (long long)o->py_size);
        if (o->py_size2)
            printf(" (largest %lld)", (long long)o->py_size2);
        bool agree = o->size2 == o->py_size2 && (cut ? o->size <= o->py_size
                                                     : o->size == o->py_size);
        printf("%s\n", agree ? " - agree" : " - DIFFERENT");
    }
    if (o->notice[0])
        printf("    skein's notice: %s\n", o->notice);
}

/* Normalised key of entity ID into BUF. */
static int key_of(sk_store *s, sk_id id, char *buf, size_t cap)
{
    sk_txn *t;
    int rc = sk_txn_begin(s, false, &t);
    if (rc)
        return rc;
    sk_arena *a = sk_arena_new();
    sk_entity e;
    rc = a ? sk_entity_get(t, id, a, &e) : SK_ENOMEM;
    if (!rc)
        snprintf(buf, cap, "%.*s", (int)e.key_len, e.key);
    sk_arena_free(a);
    sk_txn_abort(t);
    return rc;
}

/* The size of the network betweenness ran on: skein's 2-hop network. */
static int64_t ego_size(sk_store *s, sk_id hub)
{
    char q[128];
    snprintf(q, sizeof q, "network around #%llu depth 2", (unsigned long long)hub);
    bench_answer a;
    return bench_qapi(s, q, false, &a, NULL) ? -1 : a.size;
}

int bench_analysis(bench_case *bc)
{
    sk_store *s;
    if (bench_open_case(bc, &s))
        return 1;
    bench_workload w;
    char csv[1100], hub[256], veh[256];
    int rc = bench_workload_pick(s, &w);
    if (!rc)
        rc = key_of(s, w.hub, hub, sizeof hub) || key_of(s, w.busy_vehicle, veh, sizeof veh);
    if (!rc)
        rc = bench_csv_dir(bc, 1, csv, sizeof csv);
    if (rc) {
        sk_store_close(s);
        return 1;
    }
    printf("  hub #%llu (%s, %llu knows links); vehicle #%llu (%s, %llu sightings)\n",
           (unsigned long long)w.hub, hub, (unsigned long long)w.hub_degree,
           (unsigned long long)w.busy_vehicle, veh, (unsigned long long)w.busy_sightings);
    op ops[4] = {{.name = "pagerank"}, {.name = "components"}, {.name = "betweenness"},
                 {.name = "colocated"}};
    snprintf(ops[0].query, sizeof ops[0].query, "rank pagerank top %d", TOP);
    snprintf(ops[1].query, sizeof ops[1].query, "components");
    snprintf(ops[2].query, sizeof ops[2].query,
             "network around #%llu depth 2 | rank betweenness top %d",
             (unsigned long long)w.hub, TOP);
    snprintf(ops[3].query, sizeof ops[3].query,
             "colocated #%llu within 10m between 2024-03-01 and 2024-03-31",
             (unsigned long long)w.busy_vehicle);
    int runs = bc->persons >= 1000000 ? 1 : 3;
    for (size_t i = 0; i < 4; i++) {
        ops[i].py_seconds = -1;
        run_skein(s, &ops[i], runs);
    }
    ops[2].size2 = ego_size(s, w.hub);
    double load[2] = {-1, -1}, total = -1;
    rc = run_python(s, csv, hub, veh, ops, 4, load, &total);
    printf("\n  %-12s %12s %12s %12s %12s %8s\n", "median ms", "skein wall", "skein cpu",
           "igraph wall", "igraph cpu", "igraph/skein (wall)");
    for (size_t i = 0; i < 4; i++)
        report(&ops[i]);
    if (!rc) {
        double sum = 0;
        for (size_t i = 0; i < 4; i++)
            sum += bench_series_median_ms(&ops[i].skein, false);
        bench_figure("python-igraph: load (CSV, graph, fold), wall", load[0], "s");
        bench_figure("python-igraph: load (CSV, graph, fold), cpu", load[1], "s");
        bench_figure("python-igraph: whole run incl. start-up", total, "s");
        bench_figure("skein: the four analyses (no load: the case is the store)", sum / 1e3,
                     "s");
        bench_figure("ratio: python-igraph incl. load / skein", total / (sum / 1e3), "x");
    }
    for (size_t i = 0; i < 4; i++)
        bench_series_free(&ops[i].skein);
    sk_store_close(s);
    return rc != 0;
}
