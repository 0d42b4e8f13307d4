/*
 * bench_files.c — the files the parts share outside the case: the CSV
 * files of a generated case (written by skein-gen, built beside this
 * executable, when absent) and the specs and script in the source tree's
 * bench/ folder.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

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
