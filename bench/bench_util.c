/*
 * bench_util.c — what the benchmark parts share: series of timings and
 * their medians, the comparison table, the workload drawn from the case,
 * and the generated CSV files and source-tree files the parts read.
 *
 * The workload is a pure function of the case: the same case gives the
 * same seeds, pairs, hub and vehicle on every run and machine (a fixed
 * splitmix64 stream over persons in id order), so figures of different
 * runs answer the same questions.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- Series ------------------------------------------------------------ */

int bench_series_add(bench_series *s, double wall, double cpu, int64_t size)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 128;
        double *w = realloc(s->wall, cap * sizeof *w);
        if (!w)
            return SK_ENOMEM;
        s->wall = w;
        double *c = realloc(s->cpu, cap * sizeof *c);
        if (!c)
            return SK_ENOMEM;
        s->cpu = c;
        int64_t *z = realloc(s->size, cap * sizeof *z);
        if (!z)
            return SK_ENOMEM;
        s->size = z;
        s->cap = cap;
    }
    s->wall[s->n] = wall;
    s->cpu[s->n] = cpu;
    s->size[s->n] = size;
    s->n++;
    return SK_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_series_median_ms(const bench_series *s, bool cpu)
{
    if (!s || !s->n)
        return NAN;
    double *v = malloc(s->n * sizeof *v);
    if (!v)
        return NAN;
    memcpy(v, cpu ? s->cpu : s->wall, s->n * sizeof *v);
    qsort(v, s->n, sizeof *v, cmp_double);
    double m = s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
    free(v);
    return m * 1e3;
}

void bench_series_free(bench_series *s)
{
    free(s->wall);
    free(s->cpu);
    free(s->size);
    *s = (bench_series){0};
}

bench_clock bench_clock_start(void)
{
    return (bench_clock){bench_now(), bench_cpu_now()};
}

int bench_clock_stop(bench_clock c, bench_series *s, int64_t size)
{
    double cpu = bench_cpu_now() - c.cpu;
    double wall = bench_now() - c.wall;
    return bench_series_add(s, wall, cpu, size);
}

/* ---- The comparison table ---------------------------------------------- */

static void cell(const bench_series *s)
{
    char buf[64];
    if (!s || !s->n)
        snprintf(buf, sizeof buf, "-");
    else
        snprintf(buf, sizeof buf, "%.3f (%.3f)", bench_series_median_ms(s, false),
                 bench_series_median_ms(s, true));
    printf(" %20s", buf);
}

void bench_compare_header(const char *impl_a, const char *impl_b, const char *impl_ref)
{
    printf("  %-34s %20s %20s %20s %8s %14s\n", "median ms wall (cpu)", impl_a, impl_b,
           impl_ref, "ref/a", "target");
}

void bench_compare(const char *question, const bench_series *a, const bench_series *b,
                   const bench_series *ref, double target_ms)
{
    printf("  %-34s", question);
    cell(a);
    cell(b);
    cell(ref);
    double ma = a && a->n ? bench_series_median_ms(a, false) : NAN;
    double mr = ref && ref->n ? bench_series_median_ms(ref, false) : NAN;
    if (isnan(ma) || isnan(mr) || ma <= 0)
        printf(" %8s", "-");
    else
        printf(" %8.1f", mr / ma);
    if (target_ms > 0 && !isnan(ma))
        printf("   <= %-5g %s", target_ms, ma <= target_ms ? "met" : "MISSED");
    printf("\n");
    fflush(stdout);
}

/* ---- The workload ------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Ids of every entity of TYPE, in id order, into a malloc'd array. */
static int ids_of(sk_txn *t, sk_sym type, sk_id **out, size_t *n)
{
    sk_idcur *c;
    int rc = sk_scan_type(t, type, &c);
    if (rc)
        return rc;
    size_t cap = 1024, k = 0;
    sk_id *v = malloc(cap * sizeof *v), id;
    while (v && (rc = sk_idcur_next(c, &id)) == SK_OK) {
        if (k == cap) {
            sk_id *p = realloc(v, (cap *= 2) * sizeof *v);
            if (!p) {
                free(v);
                v = NULL;
                break;
            }
            v = p;
        }
        v[k++] = id;
    }
    sk_idcur_close(c);
    if (!v)
        return SK_ENOMEM;
    *out = v;
    *n = k;
    return rc == SK_DONE ? SK_OK : rc;
}

/* The entity of IDS with the most links of LTYPE (DIRMASK), and that count. */
static int busiest(sk_txn *t, const sk_id *ids, size_t n, sk_sym ltype, unsigned dirmask,
                   sk_id *best, uint64_t *most)
{
    sk_adjcur *c;
    int rc = sk_adj_open(t, n ? ids[0] : 1, ltype, dirmask, &c);
    if (rc)
        return rc;
    *best = 0;
    *most = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = sk_adj_seek(c, ids[i], ltype, dirmask);
        uint64_t k = 0;
        sk_adj a;
        while (!rc && (rc = sk_adj_next(c, &a)) == SK_OK)
            k++;
        if (rc == SK_DONE)
            rc = SK_OK;
        if (k > *most) {
            *most = k;
            *best = ids[i];
        }
    }
    sk_adj_close(c);
    return rc;
}

static int names(sk_txn *t, bench_workload *w)
{
    struct {
        enum sk_dict d;
        const char *name;
        sk_sym *out;
    } want[] = {
        {SK_DICT_ETYPE, "person", &w->person},  {SK_DICT_ETYPE, "phone", &w->phone},
        {SK_DICT_ETYPE, "vehicle", &w->vehicle}, {SK_DICT_ETYPE, "location", &w->location},
        {SK_DICT_LTYPE, "knows", &w->knows},    {SK_DICT_LTYPE, "owns", &w->owns},
        {SK_DICT_LTYPE, "seen_at", &w->seen_at},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int rc = sk_name_intern(t, want[i].d, want[i].name, strlen(want[i].name), false,
                                want[i].out);
        if (rc) {
            fprintf(stderr, "workload: the case has no '%s'\n", want[i].name);
            return rc;
        }
    }
    return SK_OK;
}

static int pick(sk_txn *t, bench_workload *w)
{
    int rc = names(t, w);
    sk_id *persons = NULL, *vehicles = NULL, *all = NULL;
    size_t np = 0, nv = 0, na = 0;
    if (!rc)
        rc = ids_of(t, w->person, &persons, &np);
    if (!rc)
        rc = ids_of(t, w->vehicle, &vehicles, &nv);
    if (!rc)
        rc = ids_of(t, 0, &all, &na);
    if (!rc && np < 2)
        rc = SK_EINVAL;
    if (!rc) {
        w->max_entity = na ? all[na - 1] : 0;
        uint64_t st = 42;
        for (int i = 0; i < BENCH_SEEDS; i++) {
            w->seeds[i] = persons[splitmix64(&st) % np];
            w->pairs[i][0] = persons[splitmix64(&st) % np];
            do
                w->pairs[i][1] = persons[splitmix64(&st) % np];
            while (w->pairs[i][1] == w->pairs[i][0]);
        }
        rc = busiest(t, persons, np, w->knows, SK_DIR_ANY, &w->hub, &w->hub_degree);
    }
    if (!rc)
        rc = busiest(t, vehicles, nv, w->seen_at, SK_DIR_OUT, &w->busy_vehicle,
                     &w->busy_sightings);
    if (!rc) {
        sk_arena *a = sk_arena_new();
        sk_stats st;
        rc = a ? sk_stats_get(t, a, &st) : SK_ENOMEM;
        if (!rc) {
            w->entities = st.entities;
            w->links = st.links;
        }
        sk_arena_free(a);
    }
    free(persons);
    free(vehicles);
    free(all);
    return rc;
}

int bench_workload_pick(sk_store *s, bench_workload *w)
{
    *w = (bench_workload){0};
    sk_txn *t;
    int rc = sk_txn_begin(s, false, &t);
    if (!rc) {
        rc = pick(t, w);
        sk_txn_abort(t);
    }
    if (rc)
        fprintf(stderr, "workload: %s\n", sk_strerror(rc));
    return rc;
}

int bench_open_case(const bench_case *bc, sk_store **out)
{
    char err[512];
    sk_open_opts o = {0};
    int rc = sk_store_open(bc->path, &o, out, err, sizeof err);
    if (rc)
        fprintf(stderr, "%s\n", err);
    return rc;
}

/* ---- Files ---------------------------------------------------------------- */

void bench_source_path(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", SK_BENCH_SOURCE_DIR, name);
}

/* Runs ARGV[0] with ARGV, its output to /dev/null, and waits; returns its
 * exit status or -1. */
static int run(char *const argv[])
{
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc) {
        fprintf(stderr, "%s: %s\n", argv[0], strerror(rc));
        return -1;
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int bench_csv_dir(const bench_case *bc, uint64_t seed, char *out, size_t cap)
{
    snprintf(out, cap, "%s/csv-%llu-s%llu", bc->dir, (unsigned long long)bc->persons,
             (unsigned long long)seed);
    char probe[PATH_MAX + 16];
    struct stat st;
    snprintf(probe, sizeof probe, "%s/links.csv", out);
    if (stat(probe, &st) == 0)
        return 0;
    /* skein-gen is built beside this executable. */
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 16);
    if (n <= 0)
        return fprintf(stderr, "cannot find this executable: %s\n", strerror(errno)), 1;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    snprintf(slash ? slash + 1 : self, 16, "skein-gen");
    char persons[32], seeds[32];
    snprintf(persons, sizeof persons, "%llu", (unsigned long long)bc->persons);
    snprintf(seeds, sizeof seeds, "%llu", (unsigned long long)seed);
    char *argv[] = {self, "--persons", persons, "--seed", seeds, "--out", out, NULL};
    printf("  (writing %s with skein-gen)\n", out);
    fflush(stdout);
    if (run(argv) != 0)
        return fprintf(stderr, "skein-gen failed for %s\n", out), 1;
    return 0;
}
