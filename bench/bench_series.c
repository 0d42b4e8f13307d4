/*
 * bench_series.c — series of timings (wall and CPU time of each run, with
 * the size of its answer), their medians, and the comparison table the
 * query part prints from them.
 */
#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
