/*
 * test_import_util.h — helpers shared by the import tests: temporary
 * directories and files, opening a fresh case, importing with a spec, and a
 * snapshot of a case's counts to prove "the case is unchanged".
 * Header-only (static functions) so that each test stays one executable.
 */
#ifndef SK_TEST_IMPORT_UTIL_H
#define SK_TEST_IMPORT_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "import.h"
#include "store.h"

/* A fresh directory under $TMPDIR for one test; removed by tu_rmdir. */
static inline char *tu_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char *path = malloc(512);
    assert_non_null(path);
    snprintf(path, 512, "%s/skein-import-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(path));
    return path;
}

static inline void tu_rmdir(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

/* Writes LEN bytes of DATA to DIR/NAME and returns the path (static buffer
 * rotation: four at a time). */
static inline const char *tu_file(const char *dir, const char *name, const void *data, size_t len)
{
    static char paths[4][512];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, 512, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}

static inline const char *tu_text(const char *dir, const char *name, const char *text)
{
    return tu_file(dir, name, text, strlen(text));
}

/* The path of a file under the source tree (samples, specs). */
static inline const char *tu_src(const char *rel)
{
    static char paths[4][1024];
    static int next;
    char *p = paths[next++ % 4];
    const char *root = getenv("SK_SOURCE_DIR");
    snprintf(p, 1024, "%s/%s", root && *root ? root : "..", rel);
    return p;
}

/* The counts of a case: what "unchanged" is checked against. */
typedef struct tu_counts {
    uint64_t entities, links, sources;
} tu_counts;

static inline tu_counts tu_stats(sk_store *s)
{
    tu_counts c = {0};
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_stats st;
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    c.entities = st.entities;
    c.links = st.links;
    c.sources = st.sources;
    sk_arena_free(a);
    sk_txn_abort(t);
    return c;
}

/* Count of entity type (or, with LINKS, link type) NAME in S. */
static inline uint64_t tu_type_count(sk_store *s, const char *name, bool links)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_stats st;
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    uint64_t n = 0;
    sk_sym sym;
    enum sk_dict d = links ? SK_DICT_LTYPE : SK_DICT_ETYPE;
    if (sk_name_intern(t, d, name, strlen(name), false, &sym) == SK_OK) {
        const sk_count *c = links ? st.ltypes : st.etypes;
        size_t nc = links ? st.n_ltypes : st.n_etypes;
        for (size_t i = 0; i < nc; i++)
            if (c[i].sym == sym)
                n = c[i].n;
    }
    sk_arena_free(a);
    sk_txn_abort(t);
    return n;
}

static inline sk_store *tu_open(const char *dir, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    sk_open_opts o = {.flags = SK_OPEN_CREATE, .write_wait_ms = -1};
    sk_store *s = NULL;
    char err[256];
    int rc = sk_store_open(path, &o, &s, err, sizeof err);
    if (rc != SK_OK)
        fail_msg("cannot open %s: %s", path, err);
    return s;
}

/* Imports FILES with SPEC (and options O when not NULL); the message goes to
 * MSG. Returns the status. */
static inline int tu_import(sk_store *s, const char *spec, const char *const *files, size_t n,
                     const sk_import_opts *o, sk_import_summary *sum, char *msg,
                     size_t msglen)
{
    sk_import_opts opts = o ? *o : (sk_import_opts){0};
    opts.spec = spec;
    if (!opts.user)
        opts.user = "test";
    return sk_import_files(s, files, n, &opts, sum, msg, msglen);
}

static inline int tu_import1(sk_store *s, const char *spec, const char *file, char *msg, size_t cap)
{
    sk_import_summary sum;
    return tu_import(s, spec, &file, 1, NULL, &sum, msg, cap);
}

/* Fails with the message unless it contains WANT. */
static inline void tu_contains(const char *msg, const char *want)
{
    if (!strstr(msg, want))
        fail_msg("expected \"%s\" in \"%s\"", want, msg);
}

#endif /* SK_TEST_IMPORT_UTIL_H */
