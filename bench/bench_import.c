/*
 * bench_import.c — the import benchmark (issue 3): the CSV files skein-gen
 * writes, imported end to end through the import module's public API
 * (sk_import_files: parse, normalise, resolve, write every index, commit),
 * first into a new case, then — a second generated case over the same keys
 * (seed 2: the same persons, phones, vehicles … with other links) — into
 * the case that already holds the first graph.
 *
 * Each entity file has its own columns and links.csv names both ends by
 * type and key, so each file has its own specification
 * (bench/specs/pole-*.spec, given per file through sk_import_opts.specs).
 * The six files are one import, as an analyst loads a case: six sources,
 * one transaction, all or nothing. Into the new case that is one bulk load
 * (sk_txn_bulk); the summary says whether the store took that path.
 *
 * Each scenario runs in a child process, so that its peak memory
 * (getrusage ru_maxrss, read by the parent through wait4) is the import's
 * own. ru_maxrss counts the resident pages of the memory-mapped case file
 * too, which the kernel can drop at will; the memory the import itself
 * holds (heap, LMDB's dirty pages, index buffers) is the anonymous part,
 * which a thread of the child samples from /proc/self/status.
 */
#include "bench.h"
#include "import.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The files in the order they are imported (entities before links), with
 * the spec of each. */
static const struct {
    const char *file, *spec;
} FILES[] = {
    {"persons.csv", "specs/pole-persons.spec"},   {"phones.csv", "specs/pole-phones.spec"},
    {"vehicles.csv", "specs/pole-vehicles.spec"}, {"locations.csv", "specs/pole-locations.spec"},
    {"events.csv", "specs/pole-events.spec"},     {"links.csv", "specs/pole-links.spec"},
};
#define NFILES (sizeof FILES / sizeof FILES[0])
#define MAP_SIZE ((size_t)64 << 30)   /* address space, not disk */

/* Samples the process's anonymous resident memory (RssAnon) every 20 ms
 * and keeps the largest value, until STOP is set. */
typedef struct anon_sampler {
    pthread_t th;
    atomic_bool stop;
    long peak_kib;
} anon_sampler;

static long rss_anon_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "RssAnon: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

static void *sample_anon(void *arg)
{
    anon_sampler *a = arg;
    const struct timespec tick = {.tv_nsec = 20 * 1000 * 1000};
    while (!atomic_load(&a->stop)) {
        long kib = rss_anon_kib();
        if (kib > a->peak_kib)
            a->peak_kib = kib;
        nanosleep(&tick, NULL);
    }
    return NULL;
}

/* CPU seconds of every thread of the process: the import may work on
 * more than one thread. */
static double process_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The child: imports every file of DIR, in one import, into the case at
 * CASE_PATH and prints the figures. Returns the exit status. */
static int scenario(const char *case_path, const char *dir, const char *what, bool sequential)
{
    char err[512], msg[2048];
    char paths[NFILES][1200], specs[NFILES][1200];
    const char *files[NFILES], *spec_of[NFILES];
    for (size_t i = 0; i < NFILES; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s", dir, FILES[i].file);
        bench_source_path(FILES[i].spec, specs[i], sizeof specs[i]);
        files[i] = paths[i];
        spec_of[i] = specs[i];
    }
    sk_store *s;
    /* A map large enough for the whole case from the start: a case opened
     * with the default map (1 GiB) that fills up aborts the import and
     * runs it again on a doubled map (sk_store_write), which would be
     * measured here as import time. */
    sk_open_opts oo = {.flags = SK_OPEN_CREATE, .map_size = MAP_SIZE};
    if (sk_store_open(case_path, &oo, &s, err, sizeof err))
        return fprintf(stderr, "%s\n", err), 1;
    sk_import_opts o = {.specs = spec_of, .user = "skein-bench", .note = "skein-bench",
                        .sequential = sequential};
    sk_import_summary sum = {0};
    anon_sampler an = {.peak_kib = rss_anon_kib()};
    bool sampling = pthread_create(&an.th, NULL, sample_anon, &an) == 0;
    double t0 = bench_now(), c0 = process_cpu_now();
    int rc = sk_import_files(s, files, NFILES, &o, &sum, msg, sizeof msg);
    double dt = bench_now() - t0, cpu = process_cpu_now() - c0;
    if (sampling) {
        atomic_store(&an.stop, true);
        pthread_join(an.th, NULL);
    }
    if (rc) {
        fprintf(stderr, "import %s: %s\n", dir, msg);
    } else {
        char label[160];
        snprintf(label, sizeof label, "%s: 6 files rows/s", what);
        bench_figure(label, sum.rows_read / dt / 1e3, "k rows/s");
        snprintf(label, sizeof label, "%s: 6 files links/s (end to end)", what);
        bench_figure(label, sum.links_created / dt / 1e3, "k links/s");
        snprintf(label, sizeof label, "%s: links/s of CPU time", what);
        bench_figure(label, sum.links_created / cpu / 1e3, "k links/s");
        snprintf(label, sizeof label, "%s: wall / cpu", what);
        printf("  %-48s %8.2f s / %.2f s (%s, %s)\n", label, dt, cpu,
               sum.bulk ? "bulk load" : "one by one",
               sequential ? "one thread" : "reading beside writing");
        printf("  %-48s %llu rows; %llu entities created, %llu merged; %llu links created,"
               " %llu confirmed\n",
               "", (unsigned long long)sum.rows_read,
               (unsigned long long)sum.entities_created,
               (unsigned long long)sum.entities_merged,
               (unsigned long long)sum.links_created,
               (unsigned long long)sum.links_confirmed);
        snprintf(label, sizeof label, "%s: case file", what);
        bench_figure(label, sk_store_file_size(s) / 1048576.0, "MiB");
        if (sampling) {
            snprintf(label, sizeof label, "%s: peak anonymous memory (RssAnon)", what);
            bench_figure(label, an.peak_kib / 1024.0, "MiB");
        }
    }
    sk_store_close(s);
    fflush(stdout);
    return rc ? 1 : 0;
}

/* Runs one scenario in a child process and prints its peak memory. */
static int in_child(const char *case_path, const char *dir, const char *what, bool sequential)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return perror("fork"), 1;
    if (pid == 0)
        _exit(scenario(case_path, dir, what, sequential));
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        return perror("wait4"), 1;
    char label[160];
    snprintf(label, sizeof label, "%s: peak memory (ru_maxrss)", what);
    bench_figure(label, ru.ru_maxrss / 1024.0, "MiB");
    return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

int bench_import(bench_case *bc)
{
    char first[1100], second[1100], case_path[1200], lock[1300];
    if (bench_csv_dir(bc, 1, first, sizeof first) || bench_csv_dir(bc, 2, second, sizeof second))
        return 1;
    snprintf(case_path, sizeof case_path, "%s/import-%llu.skein", bc->dir,
             (unsigned long long)bc->persons);
    snprintf(lock, sizeof lock, "%s-lock", case_path);
    remove(case_path);
    remove(lock);
    bench_note("new case: %s/*.csv into %s (removed first)", first, case_path);
    int rc = in_child(case_path, first, "new case", bc->import_sequential);
    if (!rc) {
        bench_note("existing case: %s/*.csv (seed 2: the same keys, other links) into"
                   " the case holding the first graph", second);
        rc = in_child(case_path, second, "existing case", bc->import_sequential);
    }
    return rc;
}
