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

/* A case per test for cmocka's setup and teardown: *STATE becomes a
 * test_case that test_case_teardown closes, removes and frees. */
typedef struct test_case {
    char dir[64], path[96];
    sk_store *s;
} test_case;

static inline int test_case_setup(void **state)
{
    test_case *c = calloc(1, sizeof *c);
    if (!c || test_case_open("unit", c->dir, sizeof c->dir, c->path, sizeof c->path, &c->s)) {
        free(c);
        return -1;
    }
    *state = c;
    return 0;
}

/* test_case_setup with TAG in the directory name, and the case filled by
 * BUILD in one write transaction: the group setup of tests that query one
 * fixed case. */
static inline int test_case_setup_built(void **state, const char *tag, sk_write_fn build)
{
    test_case *c = calloc(1, sizeof *c);
    if (!c || test_case_open(tag, c->dir, sizeof c->dir, c->path, sizeof c->path, &c->s)) {
        free(c);
        return -1;
    }
    *state = c;
    return sk_store_write(c->s, build, NULL) == SK_OK ? 0 : -1;
}

static inline int test_case_teardown(void **state)
{
    test_case *c = *state;
    int rc = test_case_close(c->s, c->dir);
    free(c);
    return rc;
}

#endif
