/*
 * test_case.h — a new, empty case in a temporary directory for a unit test,
 * and its removal. Shared by the test files that build small cases with the
 * core API.
 */
#ifndef SK_TEST_CASE_H
#define SK_TEST_CASE_H

#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes DIR (a "/tmp/skein-TAG-XXXXXX" directory, DIRCAP bytes) and opens
 * a new case PATH (PATHCAP bytes) in it into *S. Returns 0, or -1 with the
 * reason on stderr. */
static inline int test_case_open(const char *tag, char *dir, size_t dircap, char *path,
                                 size_t pathcap, sk_store **s)
{
    snprintf(dir, dircap, "/tmp/skein-%s-XXXXXX", tag);
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, pathcap, "%s/case.skein", dir);
    char err[512];
    sk_open_opts o = {.flags = SK_OPEN_CREATE};
    if (sk_store_open(path, &o, s, err, sizeof err) != SK_OK) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

/* Closes S and removes DIR with everything in it. Returns 0 or -1. */
static inline int test_case_close(sk_store *s, const char *dir)
{
    sk_store_close(s);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
