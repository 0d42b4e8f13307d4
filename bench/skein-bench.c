/*
 * skein-bench.c — the benchmark runner: generates a POLE-shaped case of the
 * given size and prints figures for each part of skein. Performance is
 * measured here, never asserted in tests.
 *
 *   skein-bench --persons 100000 [--dir DIR] [--only store,…]
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

void bench_figure(const char *label, double value, const char *unit)
{
    printf("  %-48s %12.3f %s\n", label, value, unit);
    fflush(stdout);
}

void bench_section(const char *title)
{
    printf("\n== %s ==\n", title);
}

static bool wanted(const char *only, const char *part)
{
    if (!only)
        return true;
    size_t n = strlen(part);
    for (const char *p = only; (p = strstr(p, part)) != NULL; p += n)
        if ((p == only || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    bench_case bc = {.persons = 10000};
    const char *dir = "bench/out";
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--persons") && i + 1 < argc)
            bc.persons = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "usage: skein-bench --persons N [--dir DIR] [--only store]\n");
            return 2;
        }
    }
    mkdir(dir, 0775);
    snprintf(bc.dir, sizeof bc.dir, "%s", dir);
    snprintf(bc.path, sizeof bc.path, "%s/bench-%llu.skein", dir,
             (unsigned long long)bc.persons);
    printf("skein-bench: %llu persons, case %s\n", (unsigned long long)bc.persons, bc.path);
    int rc = 0;
    if (wanted(only, "store")) {
        bench_section("store (issue 2)");
        rc |= bench_store(&bc);
    }
    return rc;
}
