/*
 * test_export_fixture.h — hand-built results for the export tests (the
 * query executor is not needed to test printing and charts), and the
 * LeakSanitizer suppressions for leaks inside Graphviz, fontconfig and
 * pango, which allocate process-lifetime caches the tests cannot free.
 *
 * A fixture owns fixed arrays; results point into it, so a fixture must
 * outlive the result it returns.
 */
#ifndef TEST_EXPORT_FIXTURE_H
#define TEST_EXPORT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"

#define FX_MAXN 640
#define FX_MAXL 1400

typedef struct fx {
    sk_rnode nodes[FX_MAXN];
    size_t nn;
    sk_rlink links[FX_MAXL];
    size_t nl;
    sk_id *paths[4];
    size_t path_len[4];
    size_t npaths;
    sk_result r;
    char text[FX_MAXN][48]; /* labels made up by fx_many */
} fx;

static inline fx *fx_new(void)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    return f;
}

static inline sk_rnode *fx_node(fx *f, sk_id id, const char *type, const char *key,
                                const char *label)
{
    sk_rnode *n = &f->nodes[f->nn++];
    *n = (sk_rnode){.id = id, .type = type, .key = key, .label = label,
                    .community = -1};
    return n;
}

static inline sk_rlink *fx_link(fx *f, sk_id id, sk_id src, sk_id dst,
                                const char *type, bool directed, int64_t t)
{
    sk_rlink *l = &f->links[f->nl++];
    *l = (sk_rlink){.id = id, .src = src, .dst = dst, .type = type,
                    .directed = directed, .t_start = t, .t_end = t,
                    .weight = 1.0, .reliability = 1.0};
    return l;
}

static inline sk_result *fx_graph(fx *f)
{
    f->r = (sk_result){.kind = SK_RESULT_GRAPH};
    f->r.graph = (sk_graph){f->nodes, f->nn, f->links, f->nl,
                            f->npaths ? f->paths : NULL,
                            f->npaths ? f->path_len : NULL, f->npaths};
    return &f->r;
}

/* N people in a ring (ids FIRST…), labelled "Person k". */
static inline void fx_ring(fx *f, sk_id first, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(f->text[f->nn], sizeof f->text[0], "Person %zu", i);
        fx_node(f, first + i, "person", "", f->text[f->nn]);
    }
    for (size_t i = 0; i < n; i++)
        fx_link(f, 100000 + first + i, first + i, first + (i + 1) % n, "knows",
                false, SK_NO_TIME);
}

/* 2024-03-03T10:00:00Z and friends. */
#define T_3MAR_10H 1709460000LL
#define DAY 86400LL

/* The small network the chart and file tests share: three people, two
 * phones with 12 calls between them, a car seen at an address. */
static inline sk_result *fx_network(fx *f)
{
    static sk_rprop jack_props[2];
    static const char *jack_src[] = {"cdr_vodafone.csv", "phone1.xml"};
    static const char *call_src[] = {"cdr_vodafone.csv"};
    jack_props[0] = (sk_rprop){"dob", {.type = SK_V_TIME, .u.time = {479433600, 0}}};
    jack_props[1] = (sk_rprop){"age", {.type = SK_V_INT, .u.i = 38}};
    sk_rnode *jack = fx_node(f, 1, "person", "jack powell", "Jack Powell");
    jack->props = jack_props;
    jack->nprops = 2;
    jack->sources = jack_src;
    jack->nsources = 2;
    jack->grade = "B2";
    fx_node(f, 2, "person", "alan ward", "Alan Ward");
    fx_node(f, 3, "person", "raymond walker", "Raymond Walker");
    fx_node(f, 4, "phone", "447700900123", "07700 900123");
    fx_node(f, 5, "phone", "447700900999", "07700 900999");
    fx_node(f, 6, "vehicle", "AB12CDE", "AB12 CDE");
    fx_node(f, 7, "location", "1 high st m1 1aa", "1 High St, Manchester");
    sk_rlink *l = fx_link(f, 10, 1, 2, "knows", false, SK_NO_TIME);
    l->grade = "B2";
    l->reliability = 0.9;
    l = fx_link(f, 11, 2, 3, "family_rel", true, SK_NO_TIME);
    l->grade = "E5";
    l->reliability = 0.2;
    fx_link(f, 12, 1, 4, "uses", true, SK_NO_TIME);
    fx_link(f, 13, 3, 5, "uses", true, SK_NO_TIME);
    for (int k = 0; k < 12; k++) {
        int64_t t = T_3MAR_10H + (k == 11 ? 25 * DAY : k * 2 * DAY);
        l = fx_link(f, 100 + (sk_id)k, 4, 5, "called", true, t);
        l->grade = "B2";
        l->reliability = 0.8;
        l->sources = call_src;
        l->nsources = 1;
    }
    fx_link(f, 14, 1, 6, "owns", true, SK_NO_TIME);
    fx_link(f, 15, 6, 7, "seen_at", true, T_3MAR_10H + 3600);
    sk_result *r = fx_graph(f);
    r->query = "network around person \"Jack Powell\" depth 2";
    r->handling_code = "OFFICIAL-SENSITIVE";
    r->handling = 2;
    return r;
}

/* Whole file into a NUL-terminated buffer (caller frees), or NULL. */
static inline char *fx_slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

/* A fresh private directory for output files; the caller removes it. */
static inline void fx_tmpdir(char *out, size_t cap)
{
    snprintf(out, cap, "/tmp/skein-export-test-XXXXXX");
    if (!mkdtemp(out))
        abort();
}

static inline bool fx_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static inline void fx_rmtree(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* Graphviz and the font stack keep caches for the life of the process. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libgvc.so\nleak:libcgraph.so\nleak:libcdt.so\n"
           "leak:libgvplugin\nleak:libfontconfig.so\nleak:libpango\n"
           "leak:libcairo.so\nleak:libglib\nleak:libgobject\n"
           "leak:libharfbuzz\nleak:libfreetype\nleak:libpixman\nleak:libexpat\n";
}

#endif /* TEST_EXPORT_FIXTURE_H */
