/*
 * test_query_paths.c — the path statements (path, paths, shortest K paths,
 * connect, common) run through sk_query_exec on small cases built with the
 * core API: exact paths and their order, parallel links, filters, time
 * order, reliability, notices, limits, supernodes, a 10k-hop chain, and a
 * differential check of paths / shortest K paths / path against a brute-
 * force enumeration written here on random multigraphs.
 *
 * Results are rendered to text ("nodes=… links=… paths=[…];[…]", or
 * "cols=… rows=[…];[…]") so each check is one string comparison.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "query.h"
#include "store.h"
#include "test_case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- fixture: an empty case in a temporary directory ---- */

typedef struct fixture {
    char dir[64];
    char path[96];
    sk_store *s;
    sk_txn *t;          /* the write transaction while a graph is built */
    sk_srcid src;       /* a source for graded links */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (!f || test_case_open("paths", f->dir, sizeof f->dir, f->path, sizeof f->path, &f->s))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    int rc = test_case_close(f->s, f->dir);
    free(f);
    return rc;
}

static void begin(fixture *f)
{
    assert_int_equal(sk_txn_begin(f->s, true, &f->t), SK_OK);
}

static void commit(fixture *f)
{
    assert_int_equal(sk_txn_commit(f->t), SK_OK);
    f->t = NULL;
}

static sk_sym intern(fixture *f, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    assert_int_equal(sk_name_intern(f->t, d, name, strlen(name), true, &s), SK_OK);
    return s;
}

static sk_id ent(fixture *f, const char *type, const char *key, const char *label)
{
    sk_entity_in in = {.type = intern(f, SK_DICT_ETYPE, type), .key = key, .label = label};
    sk_id id = 0;
    assert_int_equal(sk_entity_create(f->t, &in, &id), SK_OK);
    return id;
}

static sk_id person(fixture *f, const char *name)
{
    return ent(f, "person", name, name);
}

/* A link of TYPE (undirected unless DIRECTED), at TIME (SK_NO_TIME for
 * none), graded GRADE by the fixture's source (NULL: no assertion). */
static sk_id link_full(fixture *f, sk_id a, sk_id b, const char *type, bool directed,
                       int64_t time, const char *grade)
{
    sk_link_in in = {.src = a, .dst = b, .type = intern(f, SK_DICT_LTYPE, type),
                     .directed = directed, .t_start = time, .t_end = time};
    if (grade) {
        if (!f->src) {
            sk_source s = {.name = "test", .user = "tester", .note = ""};
            assert_int_equal(sk_source_add(f->t, &s), SK_OK);
            f->src = s.id;
        }
        in.assert = (sk_assert){f->src, intern(f, SK_DICT_GRADE, grade)};
    }
    sk_id id = 0;
    assert_int_equal(sk_link_create(f->t, &in, &id), SK_OK);
    return id;
}

static sk_id knows(fixture *f, sk_id a, sk_id b)
{
    return link_full(f, a, b, "knows", false, SK_NO_TIME, NULL);
}

static sk_id timed(fixture *f, sk_id a, sk_id b, int64_t t)
{
    return link_full(f, a, b, "called", true, t, NULL);
}

/* ---- running queries and rendering results ---- */

typedef struct strbuf {
    char *p;
    size_t n, cap;
} strbuf;

static void put(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (b->p && (size_t)n < b->cap - b->n) {
            b->n += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
        if (b->n == 0)
            b->p[0] = '\0';
    }
}

typedef struct res {
    int rc;
    strbuf text;        /* rendering of the last result */
    char notice[600];
    char err[2048];
    size_t npaths, nnodes, nlinks, nrows;
} res;

static void render_value(strbuf *b, const sk_value *v)
{
    switch (v->type) {
    case SK_V_NULL: put(b, "null"); break;
    case SK_V_STR: put(b, "%.*s", (int)v->u.str.len, v->u.str.ptr); break;
    case SK_V_INT: put(b, "%lld", (long long)v->u.i); break;
    case SK_V_ID: put(b, "#%lld", (long long)v->u.i); break;
    default: put(b, "?"); break;
    }
}

static int capture(void *ctx, const sk_result *r)
{
    res *o = ctx;
    o->text.n = 0;
    if (o->text.p)
        o->text.p[0] = '\0';
    snprintf(o->notice, sizeof o->notice, "%s", r->notice ? r->notice : "");
    if (r->kind == SK_RESULT_GRAPH) {
        const sk_graph *g = &r->graph;
        o->npaths = g->npaths;
        o->nnodes = g->nnodes;
        o->nlinks = g->nlinks;
        put(&o->text, "nodes=");
        for (size_t i = 0; i < g->nnodes; i++)
            put(&o->text, "%s%llu", i ? "," : "", (unsigned long long)g->nodes[i].id);
        put(&o->text, " links=");
        for (size_t i = 0; i < g->nlinks; i++)
            put(&o->text, "%s%llu", i ? "," : "", (unsigned long long)g->links[i].id);
        put(&o->text, " paths=");
        for (size_t i = 0; i < g->npaths; i++) {
            put(&o->text, "%s[", i ? ";" : "");
            for (size_t k = 0; k < g->path_len[i]; k++)
                put(&o->text, "%s%llu", k ? "," : "", (unsigned long long)g->paths[i][k]);
            put(&o->text, "]");
        }
    } else {
        const sk_table *t = &r->table;
        o->nrows = t->nrows;
        put(&o->text, "cols=");
        for (size_t c = 0; c < t->ncols; c++)
            put(&o->text, "%s%s", c ? "," : "", t->cols[c]);
        put(&o->text, " rows=");
        for (size_t i = 0; i < t->nrows; i++) {
            put(&o->text, "%s[", i ? ";" : "");
            for (size_t c = 0; c < t->ncols; c++) {
                if (c)
                    put(&o->text, ",");
                render_value(&o->text, &t->cells[i * t->ncols + c]);
            }
            put(&o->text, "]");
        }
    }
    return SK_OK;
}

static int vrun(fixture *f, res *o, bool quiet, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* Runs the printf-formatted query into O (freed by the caller with
 * res_free); returns the status. A failure is printed unless QUIET. */
static int vrun(fixture *f, res *o, bool quiet, const char *fmt, va_list ap)
{
    char q[1024];
    vsnprintf(q, sizeof q, fmt, ap);
    o->notice[0] = o->err[0] = '\0';
    o->text.n = 0;
    if (o->text.p)
        o->text.p[0] = '\0';
    sk_query_error err = {0};
    o->rc = sk_query_exec(f->s, q, strlen(q), NULL, capture, o, &err);
    snprintf(o->err, sizeof o->err, "%s", err.msg);
    if (o->rc && !quiet)
        print_message("query %s\nfailed: %s\n", q, err.msg);
    return o->rc;
}

static int run(fixture *f, res *o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int run(fixture *f, res *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vrun(f, o, false, fmt, ap);
    va_end(ap);
    return rc;
}

/* Runs a query that must fail; returns its status. */
static int fails(fixture *f, res *o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fails(fixture *f, res *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vrun(f, o, true, fmt, ap);
    va_end(ap);
    return rc;
}

static void res_free(res *o)
{
    free(o->text.p);
    o->text = (strbuf){0};
}

/* Expected rendering of a graph: ids given as printf arguments. */
static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    static char buf[4][2048];
    static int k;
    char *b = buf[k++ & 3];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, sizeof buf[0], f, ap);
    va_end(ap);
    return b;
}

#define U(x) ((unsigned long long)(x))

/* Whether the rendered graph TEXT lists link ID among its links. */
static bool has_link(const char *text, sk_id id)
{
    const char *p = strstr(text, "links=");
    assert_non_null(p);
    p += strlen("links=");
    while (*p && *p != ' ') {
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (v == id)
            return true;
        p = *end == ',' ? end + 1 : end;
    }
    return false;
}

/* ---- path ---- */

/* A diamond with a parallel link: the first shortest path by link ids,
 * the parallel link shown but not listed, and 'paths' counts entity
 * sequences, not link choices. */
static void test_path_diamond(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id a = person(f, "Ann"), b = person(f, "Ben"), c = person(f, "Cat"),
          d = person(f, "Dan");
    sk_id ac = knows(f, a, c), ab = knows(f, a, b), cd = knows(f, c, d), bd = knows(f, b, d);
    sk_id ab2 = link_full(f, a, b, "family", false, SK_NO_TIME, NULL);
    commit(f);
    res o = {0};
    assert_int_equal(run(f, &o, "path from #%llu to #%llu", U(a), U(d)), SK_OK);
    /* ac < ab: the path through Cat comes first */
    assert_string_equal(o.text.p, fmt("nodes=%llu,%llu,%llu links=%llu,%llu paths=[%llu,%llu]",
                                      U(a), U(c), U(d), U(ac), U(cd), U(ac), U(cd)));
    assert_string_equal(o.notice, "");
    /* the other way round starts from Dan: cd < bd */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu", U(d), U(a)), SK_OK);
    assert_string_equal(o.text.p, fmt("nodes=%llu,%llu,%llu links=%llu,%llu paths=[%llu,%llu]",
                                      U(a), U(c), U(d), U(ac), U(cd), U(cd), U(ac)));
    /* via family and knows: Ann–Ben carries two links; the chart shows both */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu avoid #%llu", U(a), U(d), U(c)),
                     SK_OK);
    assert_string_equal(o.text.p,
                        fmt("nodes=%llu,%llu,%llu links=%llu,%llu,%llu paths=[%llu,%llu]", U(a),
                            U(b), U(d), U(ab), U(bd), U(ab2), U(ab), U(bd)));
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu", U(a), U(d)), SK_OK);
    assert_int_equal(o.npaths, 2);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu];[%llu,%llu]", U(ac), U(cd), U(ab),
                                         U(bd))));
    /* 'shortest path' is path */
    assert_int_equal(run(f, &o, "shortest path from #%llu to #%llu via family, knows", U(a),
                         U(d)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(ac), U(cd))));
    /* via family alone: Ann–Ben only */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu via family", U(a), U(b)), SK_OK);
    assert_string_equal(o.text.p, fmt("nodes=%llu,%llu links=%llu paths=[%llu]", U(a), U(b),
                                      U(ab2), U(ab2)));
    res_free(&o);
}

static void test_path_none_and_errors(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id a = person(f, "Ann"), b = person(f, "Ben"), c = person(f, "Cat"),
          z = person(f, "Zed");
    knows(f, a, b);
    knows(f, b, c);
    (void)z;
    commit(f);
    res o = {0};
    assert_int_equal(run(f, &o, "path from person \"Ann\" to person \"Zed\""), SK_OK);
    assert_string_equal(o.text.p, "nodes= links= paths=");
    assert_string_equal(o.notice, "no path within 12 hops");
    assert_int_equal(run(f, &o, "path from #%llu to #%llu max 1", U(a), U(c)), SK_OK);
    assert_string_equal(o.notice, "no path within 1 hop");
    assert_int_equal(run(f, &o, "path from #%llu to #%llu max 2", U(a), U(c)), SK_OK);
    assert_int_equal(o.npaths, 1);
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu", U(a), U(z)), SK_OK);
    assert_string_equal(o.notice, "no path within 4 hops");
    assert_int_equal(run(f, &o, "shortest 3 paths from #%llu to #%llu", U(a), U(z)), SK_OK);
    assert_string_equal(o.notice, "no path within 12 hops");
    /* errors */
    assert_int_equal(fails(f, &o, "path from #%llu to person \"ann\"", U(a)), SK_EINVAL);
    assert_non_null(strstr(o.err, "start and end at the same entity"));
    char q[128], col[32];
    snprintf(q, sizeof q, "path from #%llu to #%llu avoid #%llu", U(a), U(c), U(c));
    snprintf(col, sizeof col, "column %d:", (int)(strstr(q, "avoid") - q) + 1);
    assert_int_equal(fails(f, &o, "%s", q), SK_EINVAL);
    assert_non_null(strstr(o.err, "'avoid' names"));
    assert_non_null(strstr(o.err, col));
    assert_int_equal(fails(f, &o, "path from #%llu to #%llu most reliable in time order", U(a),
                           U(c)),
                     SK_EINVAL);
    assert_non_null(strstr(o.err, "cannot be combined"));
    assert_int_equal(fails(f, &o, "path from #%llu to #%llu via knws", U(a), U(c)),
                     SK_ENOTFOUND);
    assert_non_null(strstr(o.err, "did you mean 'knows'"));
    res_free(&o);
}

/* via, only (the ends exempt) and avoid. */
static void test_path_filters(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id p1 = person(f, "Pat"), p2 = person(f, "Quin"), p3 = person(f, "Rae");
    sk_id ph = ent(f, "phone", "07700900123", "07700 900123");
    sk_id u1 = link_full(f, p1, ph, "uses", true, SK_NO_TIME, NULL);
    sk_id u2 = link_full(f, p2, ph, "uses", true, SK_NO_TIME, NULL);
    sk_id k1 = knows(f, p1, p3), k2 = knows(f, p3, p2);
    commit(f);
    res o = {0};
    char via_phone[64], via_rae[64];
    snprintf(via_phone, sizeof via_phone, "paths=[%llu,%llu]", U(u1), U(u2));
    snprintf(via_rae, sizeof via_rae, "paths=[%llu,%llu]", U(k1), U(k2));
    assert_int_equal(run(f, &o, "path from #%llu to #%llu", U(p1), U(p2)), SK_OK);
    assert_non_null(strstr(o.text.p, via_phone));
    assert_int_equal(run(f, &o, "path from #%llu to #%llu via knows", U(p1), U(p2)), SK_OK);
    assert_non_null(strstr(o.text.p, via_rae));
    assert_int_equal(run(f, &o, "path from #%llu to #%llu only person", U(p1), U(p2)), SK_OK);
    assert_non_null(strstr(o.text.p, via_rae));
    assert_int_equal(run(f, &o, "path from #%llu to #%llu avoid phone \"07700 900123\"", U(p1),
                         U(p2)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, via_rae));
    /* the phone is an end: 'only person' does not shut it out */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu only person", U(p1), U(ph)), SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu]", U(u1))));
    assert_int_equal(run(f, &o, "path from #%llu to #%llu only person", U(ph), U(p3)), SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(u1), U(k1))));
    /* where on links */
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu where type = \"knows\"", U(p1),
                         U(p2)),
                     SK_OK);
    assert_int_equal(o.npaths, 1);
    assert_non_null(strstr(o.text.p, via_rae));
    /* common: the phone and Rae both link Pat and Quin */
    assert_int_equal(run(f, &o, "common #%llu, #%llu", U(p1), U(p2)), SK_OK);
    assert_string_equal(o.text.p,
                        fmt("cols=id,type,key,label,Pat,Quin rows=[#%llu,person,rae,Rae,1,1];"
                            "[#%llu,phone,447700900123,07700 900123,1,1]",
                            U(p3), U(ph)));
    assert_int_equal(run(f, &o, "common #%llu, #%llu only phone", U(p1), U(p2)), SK_OK);
    assert_int_equal(o.nrows, 1);
    res_free(&o);
}

/* ---- time order ---- */

#define T0 1709251200 /* 2024-03-01T00:00:00Z */
#define H 3600

static void test_time_order(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id a = person(f, "A"), b = person(f, "B"), c = person(f, "C"), d = person(f, "D"),
          e = person(f, "E"), g1 = person(f, "F"), g2 = person(f, "G"), g3 = person(f, "H");
    sk_id ac = knows(f, a, c); /* untimed: never in time order */
    sk_id ab = timed(f, a, b, T0 + 3 * H);
    sk_id bc1 = timed(f, b, c, T0 + 1 * H);
    sk_id bc5 = timed(f, b, c, T0 + 5 * H);
    /* a later id but an earlier time: it represents B–C after 03:00 */
    sk_id bc45 = timed(f, b, c, T0 + 4 * H + 1800);
    sk_id ad = timed(f, a, d, T0 + 1 * H), de = timed(f, d, e, T0 + 2 * H),
          ec = timed(f, e, c, T0 + 6 * H);
    sk_id af = timed(f, a, g1, T0 + 1 * H), fg = timed(f, g1, g2, T0 + 2 * H),
          gh = timed(f, g2, g3, T0 + 3 * H), hc = timed(f, g3, c, T0 + 4 * H);
    commit(f);
    res o = {0};
    assert_int_equal(run(f, &o, "path from #%llu to #%llu", U(a), U(c)), SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu]", U(ac))));
    /* earliest arrival: 04:00 over four hops beats 05:00 over two */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu in time order", U(a), U(c)), SK_OK);
    assert_string_equal(o.text.p, fmt("nodes=%llu,%llu,%llu,%llu,%llu links=%llu,%llu,%llu,%llu "
                                      "paths=[%llu,%llu,%llu,%llu]",
                                      U(a), U(c), U(g1), U(g2), U(g3), U(af), U(fg), U(gh), U(hc),
                                      U(af), U(fg), U(gh), U(hc)));
    assert_int_equal(run(f, &o, "path from #%llu to #%llu max 3 in time order", U(a), U(c)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(ab), U(bc45))));
    /* the time window drops the 04:30 and 05:00 calls */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu max 3 in time order "
                                "between 2024-03-01T00:00 and 2024-03-01T04:15",
                         U(a), U(c)),
                     SK_OK);
    assert_string_equal(o.notice, "no path in time order within 3 hops");
    /* with at most an hour between hops only the F–G–H chain is left */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu max 3 in time order max gap 1h",
                         U(a), U(c)),
                     SK_OK);
    assert_string_equal(o.notice, "no path in time order within 3 hops");
    assert_int_equal(run(f, &o, "path from #%llu to #%llu in time order max gap 1h", U(a),
                         U(c)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu,%llu,%llu]", U(af), U(fg), U(gh),
                                         U(hc))));
    /* every time-ordered path: the B–C hop is represented by its 04:30
     * link, the earliest after the 03:00 A–B call */
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu in time order", U(a), U(c)), SK_OK);
    assert_non_null(strstr(o.text.p,
                           fmt("paths=[%llu,%llu];[%llu,%llu,%llu];[%llu,%llu,%llu,%llu]", U(ab),
                               U(bc45), U(ad), U(de), U(ec), U(af), U(fg), U(gh), U(hc))));
    /* no parallel links in time order: the other B–C calls are not shown */
    assert_false(has_link(o.text.p, bc1));
    assert_false(has_link(o.text.p, bc5));
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu in time order max gap 2h", U(a),
                         U(c)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu];[%llu,%llu,%llu,%llu]", U(ab),
                                         U(bc45), U(af), U(fg), U(gh), U(hc))));
    /* untimed paths see every link, and show the parallel ones */
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu max 2", U(a), U(c)), SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu];[%llu,%llu]", U(ac), U(ab), U(bc1))));
    assert_true(has_link(o.text.p, bc5) && has_link(o.text.p, bc45));
    res_free(&o);
}

/* With a gap the best route may need a choice of link that is not the
 * earliest: A–B at 01:00 and 05:00, B–C at 06:00, max gap 2h. */
static void test_time_gap_choice(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id a = person(f, "A"), b = person(f, "B"), c = person(f, "C");
    timed(f, a, b, T0 + 1 * H);
    sk_id ab5 = timed(f, a, b, T0 + 5 * H);
    sk_id bc = timed(f, b, c, T0 + 6 * H);
    commit(f);
    res o = {0};
    assert_int_equal(run(f, &o, "path from #%llu to #%llu in time order max gap 2h", U(a),
                         U(c)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(ab5), U(bc))));
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu in time order max gap 2h", U(a),
                         U(c)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(ab5), U(bc))));
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu in time order max gap 30m", U(a),
                         U(c)),
                     SK_OK);
    assert_string_equal(o.notice, "no path in time order within 4 hops");

    /* The schedule is chosen from the end: arrive as early as possible
     * (05:30), then each earlier hop as early as the gap allows (04:00). */
    begin(f);
    sk_id p = person(f, "P"), q = person(f, "Q"), r = person(f, "R");
    sk_id pq5 = timed(f, p, q, T0 + 5 * H), pq4 = timed(f, p, q, T0 + 4 * H);
    sk_id qr65 = timed(f, q, r, T0 + 6 * H + 1800), qr55 = timed(f, q, r, T0 + 5 * H + 1800);
    commit(f);
    (void)pq5;
    (void)qr65;
    const char *want = fmt("paths=[%llu,%llu]", U(pq4), U(qr55));
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu in time order max gap 2h", U(p),
                         U(r)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, want));
    assert_int_equal(o.npaths, 1);
    assert_int_equal(run(f, &o, "path from #%llu to #%llu in time order max gap 2h", U(p),
                         U(r)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, want));
    res_free(&o);
}

/* ---- most reliable ---- */

static void test_most_reliable(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id r1 = person(f, "R1"), r2 = person(f, "R2"), r3 = person(f, "R3"),
          r4 = person(f, "R4"), r5 = person(f, "R5");
    sk_id a = link_full(f, r1, r2, "knows", false, SK_NO_TIME, "A1");
    sk_id b = link_full(f, r2, r4, "knows", false, SK_NO_TIME, "D5");
    sk_id c = link_full(f, r1, r3, "knows", false, SK_NO_TIME, "B2");
    sk_id d = link_full(f, r3, r5, "knows", false, SK_NO_TIME, "B2");
    sk_id e = link_full(f, r5, r4, "knows", false, SK_NO_TIME, "B1");
    commit(f);
    res o = {0};
    /* 0.64 × 0.64 × 0.8 = 0.33 beats 1.0 × 0.04 */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu most reliable", U(r1), U(r4)), SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu,%llu]", U(c), U(d), U(e))));
    assert_string_equal(o.notice, fmt("weakest link: #%llu knows B2", U(c)));
    assert_int_equal(run(f, &o, "path from #%llu to #%llu max 2 most reliable", U(r1), U(r4)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(a), U(b))));
    assert_string_equal(o.notice, fmt("weakest link: #%llu knows D5", U(b)));
    /* the shortest path ignores gradings */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu", U(r1), U(r4)), SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(a), U(b))));
    /* the where clause sees gradings */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu where grade >= B2", U(r1), U(r4)),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu,%llu]", U(c), U(d), U(e))));
    res_free(&o);
}

/* ---- paths, shortest K, limits ---- */

/* A, then 101 entities, then 101 more all linked to the first 101, then B:
 * 10,201 paths of three hops. */
static void test_paths_limits(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id a = person(f, "Start"), b = person(f, "End");
    sk_id m1[101], m2[101];
    char name[32];
    for (int i = 0; i < 101; i++) {
        snprintf(name, sizeof name, "L%d", i);
        m1[i] = person(f, name);
        snprintf(name, sizeof name, "M%d", i);
        m2[i] = person(f, name);
    }
    for (int i = 0; i < 101; i++) {
        knows(f, a, m1[i]);
        knows(f, m2[i], b);
        for (int j = 0; j < 101; j++)
            knows(f, m1[i], m2[j]);
    }
    commit(f);
    res o = {0};
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu", U(a), U(b)), SK_OK);
    assert_int_equal(o.npaths, 100);
    assert_string_equal(o.notice, "cut at 100 paths (the default limit; write 'limit N' for more)");
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu limit 7", U(a), U(b)), SK_OK);
    assert_int_equal(o.npaths, 7);
    assert_string_equal(o.notice, "cut at 7 paths (limit 7)");
    char *first7 = strdup(strstr(o.text.p, "paths="));
    assert_int_equal(run(f, &o, "shortest 7 paths from #%llu to #%llu", U(a), U(b)), SK_OK);
    assert_string_equal(strstr(o.text.p, "paths="), first7);
    assert_string_equal(o.notice, "");
    free(first7);
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu limit 20000", U(a), U(b)), SK_OK);
    assert_int_equal(o.npaths, 10000);
    assert_string_equal(o.notice, "cut at 10000 paths (limit paths)");
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu max 2", U(a), U(b)), SK_OK);
    assert_string_equal(o.notice, "no path within 2 hops");
    /* connect: one shortest path between the two */
    assert_int_equal(run(f, &o, "connect #%llu, #%llu", U(a), U(b)), SK_OK);
    assert_int_equal(o.npaths, 1);
    assert_int_equal(o.nnodes, 4);
    /* common at depth 2: the 101 L at 1 hop from Start, 2 from End */
    assert_int_equal(run(f, &o, "common #%llu, #%llu depth 2 limit 3", U(a), U(b)), SK_OK);
    assert_int_equal(o.nrows, 3);
    assert_string_equal(o.notice, "cut at 3 rows (limit 3)");
    assert_non_null(strstr(o.text.p, fmt("[#%llu,person,l0,L0,1,2]", U(m1[0]))));
    res_free(&o);
}

static void test_shortest_k_small(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id a = person(f, "A"), b = person(f, "B"), c = person(f, "C"), d = person(f, "D"),
          e = person(f, "E");
    sk_id ab = knows(f, a, b), bd = knows(f, b, d), ac = knows(f, a, c), cd = knows(f, c, d),
          be = knows(f, b, e), ed = knows(f, e, d), ce = knows(f, c, e);
    commit(f);
    res o = {0};
    assert_int_equal(run(f, &o, "shortest 10 paths from #%llu to #%llu", U(a), U(d)), SK_OK);
    /* 2 hops: ab-bd, ac-cd; 3: ab-be-ed, ac-ce-ed; 4: ab-be-ec-cd, ac-ce-eb-bd */
    assert_non_null(strstr(o.text.p,
                           fmt("paths=[%llu,%llu];[%llu,%llu];[%llu,%llu,%llu];[%llu,%llu,%llu];"
                               "[%llu,%llu,%llu,%llu];[%llu,%llu,%llu,%llu]",
                               U(ab), U(bd), U(ac), U(cd), U(ab), U(be), U(ed), U(ac), U(ce),
                               U(ed), U(ab), U(be), U(ce), U(cd), U(ac), U(ce), U(be), U(bd))));
    assert_string_equal(o.notice, "only 6 paths within 12 hops");
    assert_int_equal(run(f, &o, "shortest 3 paths from #%llu to #%llu max 2", U(a), U(d)),
                     SK_OK);
    assert_int_equal(o.npaths, 2);
    assert_string_equal(o.notice, "only 2 paths within 2 hops");
    res_free(&o);
}

/* ---- connect and common ---- */

static void test_connect_common(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id a = person(f, "Alice"), b = person(f, "Bob"), c = person(f, "Carol"),
          x = person(f, "Xav"), y = person(f, "Yan"), z = person(f, "Zoe"), w = person(f, "Wes");
    sk_id ax = knows(f, a, x), xb = knows(f, x, b);
    knows(f, a, y);
    knows(f, b, y);
    knows(f, a, z);
    knows(f, z, w);
    knows(f, w, b);
    sk_id a2 = person(f, "Al");
    link_full(f, a2, x, "knows", false, SK_NO_TIME, NULL);
    commit(f);
    res o = {0};
    assert_int_equal(run(f, &o, "connect #%llu, #%llu, #%llu", U(a), U(b), U(c)), SK_OK);
    assert_string_equal(o.text.p, fmt("nodes=%llu,%llu,%llu,%llu links=%llu,%llu paths=[%llu,%llu]",
                                      U(a), U(b), U(c), U(x), U(ax), U(xb), U(ax), U(xb)));
    assert_string_equal(o.notice, fmt("not connected within 12 hops: #%llu Alice and #%llu Carol; "
                                      "#%llu Bob and #%llu Carol",
                                      U(a), U(c), U(b), U(c)));
    assert_int_equal(fails(f, &o, "connect #%llu", U(a)), SK_EINVAL);
    assert_non_null(strstr(o.err, "at least two entities"));
    assert_int_equal(run(f, &o, "common #%llu, #%llu", U(a), U(b)), SK_OK);
    assert_string_equal(o.text.p, fmt("cols=id,type,key,label,Alice,Bob rows=[#%llu,person,xav,"
                                      "Xav,1,1];[#%llu,person,yan,Yan,1,1]",
                                      U(x), U(y)));
    assert_int_equal(run(f, &o, "common #%llu, #%llu depth 2", U(a), U(b)), SK_OK);
    assert_string_equal(o.text.p,
                        fmt("cols=id,type,key,label,Alice,Bob rows=[#%llu,person,xav,Xav,1,1];"
                            "[#%llu,person,yan,Yan,1,1];[#%llu,person,zoe,Zoe,1,2];"
                            "[#%llu,person,wes,Wes,2,1];[#%llu,person,al,Al,2,2]",
                            U(x), U(y), U(z), U(w), U(a2)));
    /* a set reference names several entities: one column each */
    assert_int_equal(run(f, &o, "common (person where label ~ /^Al/), #%llu", U(b)), SK_OK);
    assert_string_equal(o.text.p, fmt("cols=id,type,key,label,Alice,Al,Bob rows=[#%llu,person,"
                                      "xav,Xav,1,1,1]",
                                      U(x)));
    res_free(&o);
}

/* ---- supernodes and long chains ---- */

static void test_supernode(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id hub = ent(f, "phone", "0800 000000", "switchboard");
    sk_id l1 = person(f, "leaf one"), l2 = person(f, "leaf two");
    knows(f, l1, hub);
    knows(f, l2, hub);
    /* a second neighbour makes the search grow from leaf two next, so the
     * two sides meet at the switchboard, which must not join them */
    knows(f, l1, person(f, "friend"));
    char name[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(name, sizeof name, "leaf %d", i);
        knows(f, person(f, name), hub);
    }
    commit(f);
    res o = {0};
    assert_int_equal(run(f, &o, "path from #%llu to #%llu", U(l1), U(l2)), SK_OK);
    assert_int_equal(o.npaths, 0);
    assert_string_equal(o.notice, "no path within 12 hops; 1 entity with more than 10000 links "
                                  "not expanded (supernode cap)");
    /* an end is always expanded */
    assert_int_equal(run(f, &o, "path from #%llu to #%llu", U(hub), U(l2)), SK_OK);
    assert_int_equal(o.npaths, 1);
    assert_string_equal(o.notice, "");
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu", U(l1), U(l2)), SK_OK);
    assert_int_equal(o.npaths, 0);
    assert_int_equal(run(f, &o, "common #%llu, #%llu", U(l1), U(l2)), SK_OK);
    assert_int_equal(o.nrows, 1); /* the switchboard itself is linked to both */
    res_free(&o);
}

static void test_long_chain(void **state)
{
    fixture *f = *state;
    enum { N = 10001 };
    sk_id *c = malloc(N * sizeof *c);
    assert_non_null(c);
    begin(f);
    char name[32];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "n%d", i);
        c[i] = person(f, name);
        if (i)
            knows(f, c[i - 1], c[i]);
    }
    commit(f);
    res o = {0};
    clock_t t0 = clock();
    assert_int_equal(run(f, &o, "path from #%llu to #%llu", U(c[0]), U(c[12])), SK_OK);
    assert_int_equal(o.npaths, 1);
    assert_int_equal(o.nlinks, 12);
    assert_int_equal(run(f, &o, "path from #%llu to #%llu", U(c[0]), U(c[N - 1])), SK_OK);
    assert_string_equal(o.notice, "no path within 12 hops");
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu max 12", U(c[5000]), U(c[5012])),
                     SK_OK);
    assert_int_equal(o.npaths, 1);
    assert_int_equal(run(f, &o, "shortest 5 paths from #%llu to #%llu", U(c[0]), U(c[N - 1])),
                     SK_OK);
    assert_int_equal(o.npaths, 0);
    assert_int_equal(run(f, &o, "connect #%llu, #%llu, #%llu max 12", U(c[0]), U(c[6]),
                         U(c[N - 1])),
                     SK_OK);
    assert_int_equal(o.npaths, 1);
    assert_int_equal(run(f, &o, "common #%llu, #%llu depth 12", U(c[100]), U(c[110])), SK_OK);
    assert_int_equal(o.nrows, 9 + 2 * 2); /* between them, and 2 beyond each end */
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 10.0);
    free(c);
    res_free(&o);
}

/* The work budget: 40 entities all linked at 02:00 and a target whose one
 * link is at 01:00, so no time-ordered path reaches it, yet every ordering
 * of the 40 could be tried. The search must stop and say so. */
static void test_work_budget(void **state)
{
    fixture *f = *state;
    enum { K = 40 };
    sk_id v[K];
    begin(f);
    char name[32];
    for (int i = 0; i < K; i++) {
        snprintf(name, sizeof name, "k%d", i);
        v[i] = person(f, name);
    }
    for (int i = 0; i < K; i++)
        for (int j = i + 1; j < K; j++)
            timed(f, v[i], v[j], T0 + 2 * H);
    sk_id target = person(f, "target");
    timed(f, v[K - 1], target, T0 + H);
    commit(f);
    res o = {0};
    clock_t t0 = clock();
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu max 12 in time order", U(v[0]),
                         U(target)),
                     SK_OK);
    assert_int_equal(o.npaths, 0);
    assert_string_equal(o.notice, "search stopped after examining 20000000 links (limit steps); "
                                  "there may be paths it did not reach");
    print_message("work budget reached in %.1f s\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
    /* without time order the same question is answered at once */
    assert_int_equal(run(f, &o, "paths from #%llu to #%llu max 12 limit 5", U(v[0]), U(target)),
                     SK_OK);
    assert_int_equal(o.npaths, 5);
    res_free(&o);
}

/* ---- differential: random multigraphs against brute force ---- */

enum { RN = 36, RL = 80, RMAX = 5 };

typedef struct rgraph {
    sk_id id[RN];
    sk_id minlink[RN][RN];   /* smallest link id between two entities; 0 none */
} rgraph;

typedef struct rpath {
    int hops;
    sk_id links[RMAX];
} rpath;

typedef struct rpaths {
    rpath *v;
    size_t n, cap;
} rpaths;

static uint64_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

static void brute(const rgraph *g, int u, int t, int depth, int *onpath, sk_id *links,
                  rpaths *out)
{
    for (int v = 0; v < RN; v++) {
        if (!g->minlink[u][v] || onpath[v])
            continue;
        links[depth] = g->minlink[u][v];
        if (v == t) {
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 64;
                out->v = realloc(out->v, out->cap * sizeof *out->v);
                assert_non_null(out->v);
            }
            rpath *p = &out->v[out->n++];
            p->hops = depth + 1;
            memcpy(p->links, links, (size_t)(depth + 1) * sizeof *links);
            continue;
        }
        if (depth + 1 < RMAX) {
            onpath[v] = 1;
            brute(g, v, t, depth + 1, onpath, links, out);
            onpath[v] = 0;
        }
    }
}

static int by_rpath(const void *a, const void *b)
{
    const rpath *p = a, *q = b;
    if (p->hops != q->hops)
        return p->hops - q->hops;
    for (int i = 0; i < p->hops; i++)
        if (p->links[i] != q->links[i])
            return p->links[i] < q->links[i] ? -1 : 1;
    return 0;
}

/* "[l,l];[l,l,l]" of the first K paths. */
static void render_rpaths(const rpaths *ps, size_t k, strbuf *b)
{
    b->n = 0;
    put(b, "paths=");
    for (size_t i = 0; i < ps->n && i < k; i++) {
        put(b, "%s[", i ? ";" : "");
        for (int j = 0; j < ps->v[i].hops; j++)
            put(b, "%s%llu", j ? "," : "", U(ps->v[i].links[j]));
        put(b, "]");
    }
}

static void test_random_differential(void **state)
{
    fixture *f = *state;
    uint64_t seed = 20240301;
    rgraph g;
    memset(&g, 0, sizeof g);
    begin(f);
    char name[32];
    for (int i = 0; i < RN; i++) {
        if (i % 5) {
            snprintf(name, sizeof name, "r%d", i);
            g.id[i] = person(f, name);
        } else {
            snprintf(name, sizeof name, "07700 9%05d", i);
            g.id[i] = ent(f, "phone", name, name);
        }
    }
    for (int k = 0; k < RL; k++) {
        int a = (int)(rnd(&seed) % RN), b = (int)(rnd(&seed) % RN);
        if (k % 9 == 0)
            b = a; /* self-links lie on no path */
        const char *type = rnd(&seed) % 3 ? "knows" : "called";
        sk_id l = link_full(f, g.id[a], g.id[b], type, rnd(&seed) % 2, SK_NO_TIME, NULL);
        if (a != b) {
            if (!g.minlink[a][b] || l < g.minlink[a][b])
                g.minlink[a][b] = g.minlink[b][a] = l;
        }
    }
    commit(f);
    res o = {0}, again = {0};
    strbuf want = {0};
    int nonempty = 0;
    for (int q = 0; q < 24; q++) {
        int s = (int)(rnd(&seed) % RN), t = (int)(rnd(&seed) % RN);
        if (s == t)
            continue;
        rpaths ps = {0};
        int onpath[RN] = {0};
        sk_id links[RMAX];
        onpath[s] = 1;
        brute(&g, s, t, 0, onpath, links, &ps);
        if (ps.n)
            qsort(ps.v, ps.n, sizeof *ps.v, by_rpath);
        nonempty += ps.n > 0;

        render_rpaths(&ps, ps.n, &want);
        assert_int_equal(run(f, &o, "paths from #%llu to #%llu max %d limit 100000", U(g.id[s]),
                             U(g.id[t]), RMAX),
                         SK_OK);
        assert_string_equal(strstr(o.text.p, "paths="), want.p);
        /* the same query, the same answer */
        assert_int_equal(run(f, &again, "paths from #%llu to #%llu max %d limit 100000",
                             U(g.id[s]), U(g.id[t]), RMAX),
                         SK_OK);
        assert_string_equal(again.text.p, o.text.p);

        size_t k = 1 + (size_t)(rnd(&seed) % 12);
        render_rpaths(&ps, k, &want);
        assert_int_equal(run(f, &o, "shortest %zu paths from #%llu to #%llu max %d", k,
                             U(g.id[s]), U(g.id[t]), RMAX),
                         SK_OK);
        assert_string_equal(strstr(o.text.p, "paths="), want.p);

        render_rpaths(&ps, 1, &want);
        assert_int_equal(run(f, &o, "path from #%llu to #%llu max %d", U(g.id[s]), U(g.id[t]),
                             RMAX),
                         SK_OK);
        assert_string_equal(strstr(o.text.p, "paths="), want.p);

        /* limit L returns the first L */
        size_t lim = 1 + (size_t)(rnd(&seed) % 20);
        render_rpaths(&ps, lim, &want);
        assert_int_equal(run(f, &o, "paths from #%llu to #%llu max %d limit %zu", U(g.id[s]),
                             U(g.id[t]), RMAX, lim),
                         SK_OK);
        assert_string_equal(strstr(o.text.p, "paths="), want.p);
        free(ps.v);
    }
    assert_true(nonempty >= 10);
    free(want.p);
    res_free(&o);
    res_free(&again);
}

/* ---- the examples of docs/query-paths.md, verbatim ---- */

static void test_doc_examples(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id john = person(f, "John Smith"), jane = person(f, "Jane Doe"),
          bob = person(f, "Bob Ray"), ann = person(f, "Ann Other"), xav = person(f, "Xav Eve");
    knows(f, john, bob);
    knows(f, bob, jane);
    sk_id ja = knows(f, john, ann), ax = knows(f, ann, xav), xj = knows(f, xav, jane);
    sk_id p1 = ent(f, "phone", "07700900123", "07700 900123"),
          p2 = ent(f, "phone", "07700900999", "07700 900999"),
          p3 = ent(f, "phone", "07700900555", "07700 900555");
    sk_id c13 = timed(f, p1, p3, T0 + 86400 + 10 * H), c32 = timed(f, p3, p2, T0 + 2 * 86400);
    timed(f, p3, p1, T0 + 9 * 86400); /* after the window */
    sk_id a = person(f, "A"), b = person(f, "B"), c = person(f, "C");
    sk_id ab = timed(f, a, b, T0 + 10 * H), bc = timed(f, b, c, T0 + 11 * H);
    knows(f, a, c); /* untimed: no use in time order */
    sk_id car = ent(f, "vehicle", "XY99 ZZZ", "Ford Focus XY99 ZZZ");
    link_full(f, a, car, "owns", true, SK_NO_TIME, NULL);
    sk_id r1 = person(f, "R1"), r2 = person(f, "R2"), r4 = person(f, "R4");
    sk_id g12 = link_full(f, r1, r2, "knows", false, SK_NO_TIME, "B2");
    sk_id g24 = link_full(f, r2, r4, "knows", false, SK_NO_TIME, "A1");
    commit(f);
    res o = {0};
    assert_int_equal(run(f, &o, "path from person \"John Smith\" to person \"Jane Doe\" max 6 "
                                "avoid person \"Bob Ray\""),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu,%llu]", U(ja), U(ax), U(xj))));
    assert_int_equal(run(f, &o, "path from phone \"07700900123\" to phone \"07700900999\" in "
                                "time order between 2024-03-01 and 2024-03-07"),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(c13), U(c32))));
    assert_int_equal(run(f, &o, "path from person \"A\" to person \"C\" in time order max gap "
                                "2h"),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(ab), U(bc))));
    assert_int_equal(run(f, &o, "path from person \"R1\" to person \"R4\" most reliable"),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(g12), U(g24))));
    assert_string_equal(o.notice, fmt("weakest link: #%llu knows B2", U(g12)));
    assert_int_equal(run(f, &o, "paths from phone \"07700900123\" to phone \"07700900999\" max 4 "
                                "limit 10"),
                     SK_OK);
    assert_int_equal(o.npaths, 1);
    assert_int_equal(run(f, &o, "paths from person \"A\" to person \"C\" in time order max gap "
                                "2h"),
                     SK_OK);
    assert_non_null(strstr(o.text.p, fmt("paths=[%llu,%llu]", U(ab), U(bc))));
    assert_int_equal(run(f, &o, "shortest 3 paths from person \"A\" to person \"B\""), SK_OK);
    assert_int_equal(o.npaths, 2);
    assert_string_equal(o.notice, "only 2 paths within 12 hops");
    assert_int_equal(run(f, &o, "shortest 5 paths from person \"John Smith\" to person "
                                "\"Jane Doe\" max 4 via knows"),
                     SK_OK);
    assert_int_equal(o.npaths, 2);
    assert_int_equal(run(f, &o, "connect person \"A\", person \"B\", vehicle \"XY99ZZZ\" max 4"),
                     SK_OK);
    assert_int_equal(o.npaths, 3);
    assert_string_equal(o.notice, "");
    assert_int_equal(run(f, &o, "common person \"A\", person \"B\""), SK_OK);
    assert_string_equal(o.text.p, fmt("cols=id,type,key,label,A,B rows=[#%llu,person,c,C,1,1]",
                                      U(c)));
    res_free(&o);
}

/* ---- explain ---- */

static int capture_plan(void *ctx, const sk_result *r)
{
    strbuf *b = ctx;
    for (size_t i = 0; i < r->table.nrows; i++)
        put(b, "%.*s\n", (int)r->table.cells[i].u.str.len, r->table.cells[i].u.str.ptr);
    return SK_OK;
}

static void test_explain(void **state)
{
    fixture *f = *state;
    begin(f);
    sk_id a = person(f, "A"), b = person(f, "B");
    knows(f, a, b);
    commit(f);
    strbuf plan = {0};
    char q[128];
    snprintf(q, sizeof q, "explain shortest 2 paths from #%llu to #%llu", U(a), U(b));
    sk_query_error err;
    assert_int_equal(sk_query_exec(f->s, q, strlen(q), NULL, capture_plan, &plan, &err), SK_OK);
    assert_non_null(strstr(plan.p, "Yen's algorithm"));
    free(plan.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_path_diamond, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_none_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_gap_choice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_most_reliable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paths_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shortest_k_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_common, setup, teardown),
        cmocka_unit_test_setup_teardown(test_supernode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_work_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_differential, setup, teardown),
        cmocka_unit_test_setup_teardown(test_doc_examples, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explain, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
