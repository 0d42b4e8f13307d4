/*
 * skein-bench.c — the benchmark runner: generates a POLE-shaped case of the
 * given size and prints figures for each part of skein. Performance is
 * measured here, never asserted in tests.
 *
 *   skein-bench --persons 100k [--dir DIR] [--only store,query,audit,analysis,import]
 *               [--case FILE] [--import-sequential]
 *
 * The parts that read a case (query, audit, analysis) use the one the store
 * part leaves at bench_case.path, and run the store part first when that
 * file does not exist. --case names another case holding the generated
 * graph of that size (e.g. one made by `skein import` of skein-gen's CSV
 * files); the store part is then not run, so it cannot replace that file.
 * --import-sequential makes the import part read and map on the thread
 * that writes, as on a one-core machine (sk_import_opts.sequential).
 */
#include "bench.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

double bench_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

/* The parts, in the order they run. NEEDS_CASE: the part reads the case
 * the store part leaves at bench_case.path. */
static const struct {
    const char *name, *title;
    int (*run)(bench_case *bc);
    bool needs_case;
} PARTS[] = {
    {"store", "store (issue 2)", bench_store, false},
    {"query", "query (issue 4): skein against SQLite", bench_query, true},
    {"audit", "audit (issue 8): queries with the audit log on and off", bench_audit, true},
    {"analysis", "analysis (issue 5): skein against python3-igraph", bench_analysis, true},
    {"import", "import (issue 3)", bench_import, false},
};
#define NPARTS (sizeof PARTS / sizeof PARTS[0])

void bench_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("  ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    fflush(stdout);
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

/* Every name in ONLY is a part. */
static bool valid_only(const char *only)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", only);
    for (char *save, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        bool known = false;
        for (size_t i = 0; i < NPARTS; i++)
            known |= !strcmp(w, PARTS[i].name);
        if (!known)
            return false;
    }
    return true;
}

/* "10k", "100k", "1M" or a number. */
static uint64_t parse_count(const char *s)
{
    char *end;
    uint64_t n = strtoull(s, &end, 10);
    if (*end == 'k' || *end == 'K')
        n *= 1000, end++;
    else if (*end == 'M' || *end == 'm')
        n *= 1000000, end++;
    return *end ? 0 : n;
}

static void machine(void)
{
    struct utsname u;
    double load[3] = {0, 0, 0};
    if (uname(&u) == 0)
        printf("machine: %s %s, %ld cores online", u.sysname, u.machine,
               sysconf(_SC_NPROCESSORS_ONLN));
    if (getloadavg(load, 3) == 3)
        printf(", load average %.2f %.2f %.2f", load[0], load[1], load[2]);
    printf("\n");
}

static int usage(void)
{
    fprintf(stderr, "usage: skein-bench --persons N [--dir DIR] [--only PART,…] [--case FILE]"
                    " [--import-sequential]\n"
                    "parts: store, query, audit, analysis, import (default: all)\n");
    return 2;
}

int main(int argc, char **argv)
{
    bench_case bc = {.persons = 10000};
    const char *dir = "bench/out";
    const char *only = NULL, *case_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--persons") && i + 1 < argc)
            bc.persons = parse_count(argv[++i]);
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--case") && i + 1 < argc)
            case_path = argv[++i];
        else if (!strcmp(argv[i], "--import-sequential"))
            bc.import_sequential = true;
        else
            return usage();
    }
    if (!bc.persons || (only && !valid_only(only)))
        return usage();
    mkdir(dir, 0775);
    snprintf(bc.dir, sizeof bc.dir, "%s", dir);
    if (case_path)
        snprintf(bc.path, sizeof bc.path, "%s", case_path);
    else
        snprintf(bc.path, sizeof bc.path, "%s/bench-%llu.skein", dir,
                 (unsigned long long)bc.persons);
    printf("skein-bench: %llu persons, case %s\n", (unsigned long long)bc.persons, bc.path);
    machine();
    if (case_path && access(case_path, R_OK) != 0) {
        fprintf(stderr, "skein-bench: cannot read %s\n", case_path);
        return 1;
    }
    int rc = 0;
    bool have_case = access(bc.path, F_OK) == 0;
    for (size_t i = 0; i < NPARTS; i++) {
        bool is_store = PARTS[i].run == bench_store;
        if (!wanted(only, PARTS[i].name) || (is_store && case_path))
            continue;
        if (PARTS[i].needs_case && !have_case) {
            /* The case is made by the store part; make it when it was not asked for. */
            bench_section("store (issue 2), to make the case");
            if (bench_store(&bc))
                return 1;
            have_case = true;
        }
        bench_section(PARTS[i].title);
        double t0 = bench_now();
        int part = PARTS[i].run(&bc);
        printf("  (%s part: %.1f s%s)\n", PARTS[i].name, bench_now() - t0,
               part ? ", FAILED" : "");
        rc |= part;
        /* A failed store part leaves no case the other parts could trust. */
        if (is_store && part)
            return 1;
        if (is_store)
            have_case = true;
    }
    return rc;
}
