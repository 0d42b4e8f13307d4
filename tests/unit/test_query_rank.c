/*
 * test_query_rank.c — the analysis statements run through sk_query_exec:
 * rank, communities and components (query/stmt_rank.c) on the whole case
 * streamed from the store and on a piped graph, with via, TIME, weights and
 * 'of TYPE', and the rule that a stage followed by another passes its graph
 * on with scores set; and duplicates (query/stmt_dup.c) on a case of its
 * own with known candidate pairs.
 *
 * The case, worked by hand (all links 'knows', undirected, unless said):
 *
 *   b   c          Ann's star and a tail: degree a 3, d 2, others 1;
 *    \ /           betweenness a 5 (b-c b-d b-e c-d c-e), d 3 (a-e b-e
 *     a - d - e    c-e), others 0.
 *
 *   p1 - p2 - p3 - p1   a triangle, joined to
 *   p3 - q1             a second triangle q1 q2 q3 by one link
 *   q1 - q2 - q3 - q1   (two communities, one component)
 *
 *   s1 -called-> s2 (2024-03-01, weight 5), s1 -called-> s3 (2024-04-01,
 *   weight 1), s3 -called-> s2: phones, a component of their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "query.h"

#define MARCH 1709251200 /* 2024-03-01T00:00:00Z */
#define APRIL 1711929600 /* 2024-04-01T00:00:00Z */

typedef struct fixture {
    char dir[64];
    sk_store *s;
} fixture;

static sk_sym sym(sk_txn *t, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    assert_int_equal(sk_name_intern(t, d, name, strlen(name), true, &s), SK_OK);
    return s;
}

static sk_id entity(sk_txn *t, const char *type, const char *key)
{
    sk_entity_in in = {.type = sym(t, SK_DICT_ETYPE, type), .key = key, .label = key};
    sk_id id = 0;
    assert_int_equal(sk_entity_create(t, &in, &id), SK_OK);
    return id;
}

static void mk_link(sk_txn *t, sk_id a, sk_id b, const char *type, bool directed, int64_t time,
                    double weight)
{
    sk_link_in in = {.src = a, .dst = b, .type = sym(t, SK_DICT_LTYPE, type),
                     .directed = directed, .t_start = time, .t_end = time, .weight = weight};
    sk_id id;
    assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
}

static int build(sk_txn *t, void *ctx)
{
    (void)ctx;
    sk_id a = entity(t, "person", "a"), b = entity(t, "person", "b");
    sk_id c = entity(t, "person", "c"), d = entity(t, "person", "d");
    sk_id e = entity(t, "person", "e");
    mk_link(t, a, b, "knows", false, SK_NO_TIME, 1);
    mk_link(t, a, c, "knows", false, SK_NO_TIME, 1);
    mk_link(t, a, d, "knows", false, SK_NO_TIME, 1);
    mk_link(t, d, e, "knows", false, SK_NO_TIME, 1);
    sk_id p[3], q[3];
    const char *pn[] = {"p1", "p2", "p3"}, *qn[] = {"q1", "q2", "q3"};
    for (int i = 0; i < 3; i++) {
        p[i] = entity(t, "org", pn[i]);
        q[i] = entity(t, "org", qn[i]);
    }
    for (int i = 0; i < 3; i++) {
        mk_link(t, p[i], p[(i + 1) % 3], "knows", false, SK_NO_TIME, 1);
        mk_link(t, q[i], q[(i + 1) % 3], "knows", false, SK_NO_TIME, 1);
    }
    mk_link(t, p[2], q[0], "knows", false, SK_NO_TIME, 1);
    sk_id s1 = entity(t, "phone", "07700900001"), s2 = entity(t, "phone", "07700900002");
    sk_id s3 = entity(t, "phone", "07700900003");
    mk_link(t, s1, s2, "called", true, MARCH, 5);
    mk_link(t, s1, s3, "called", true, APRIL, 1);
    mk_link(t, s3, s2, "called", true, APRIL + 3600, 1);
    return SK_OK;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/skein-rank-XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/case.skein", f->dir);
    sk_open_opts o = {.flags = SK_OPEN_CREATE};
    if (sk_store_open(path, &o, &f->s, err, sizeof err) != SK_OK ||
        sk_store_write(f->s, build, NULL) != SK_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sk_store_close(f->s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* ---- Results as text ------------------------------------------------------ */

typedef struct out {
    char text[8192];
    size_t len;
    int kind;
    size_t rows;
    char exported[2048];   /* what the export callback saw */
} out;

static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += (size_t)n < cap - *len ? (size_t)n : cap - *len - 1;
}

/* Table rows as "label|value|…" without the id column (ids depend on the
 * order of creation, labels are what the hand-worked answers name). */
static int collect(void *ctx, const sk_result *r)
{
    out *o = ctx;
    o->kind = r->kind;
    if (r->kind != SK_RESULT_TABLE) {
        o->rows = r->graph.nnodes;
        put(o->text, sizeof o->text, &o->len, "graph of %zu", r->graph.nnodes);
        return SK_OK;
    }
    const sk_table *t = &r->table;
    for (size_t c = 3; c < t->ncols; c++)
        put(o->text, sizeof o->text, &o->len, "%s%s", c > 3 ? "|" : "", t->cols[c]);
    put(o->text, sizeof o->text, &o->len, "\n");
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t c = 3; c < t->ncols; c++) {
            const sk_value *v = &t->cells[i * t->ncols + c];
            const char *sep = c > 3 ? "|" : "";
            if (v->type == SK_V_STR)
                put(o->text, sizeof o->text, &o->len, "%s%.*s", sep, (int)v->u.str.len, v->u.str.ptr);
            else if (v->type == SK_V_INT)
                put(o->text, sizeof o->text, &o->len, "%s%lld", sep, (long long)v->u.i);
            else if (v->type == SK_V_REAL)
                put(o->text, sizeof o->text, &o->len, "%s%.4g", sep, v->u.r);
            else
                put(o->text, sizeof o->text, &o->len, "%s?", sep);
        }
        put(o->text, sizeof o->text, &o->len, "\n");
    }
    o->rows = t->nrows;
    return SK_OK;
}

/* The export callback: records each node's label with its score or
 * community, in node order. */
static int exported(void *ctx, const sk_result *r, const sk_export_req *req, char *msg,
                    size_t msglen)
{
    out *o = ctx;
    size_t len = 0;
    put(o->exported, sizeof o->exported, &len, "%s %s:", req->format, req->file);
    for (size_t i = 0; r->kind == SK_RESULT_GRAPH && i < r->graph.nnodes; i++) {
        const sk_rnode *n = &r->graph.nodes[i];
        if (n->has_score)
            put(o->exported, sizeof o->exported, &len, " %s=%.4g", n->label, n->score);
        else
            put(o->exported, sizeof o->exported, &len, " %s/%ld", n->label, n->community);
    }
    snprintf(msg, msglen, "wrote %s", req->file);
    return SK_OK;
}

static const char *run(fixture *f, const char *q, out *o)
{
    memset(o, 0, sizeof *o);
    sk_query_opts opts = {.export_fn = exported, .export_ctx = o};
    sk_query_error err = {0};
    int rc = sk_query_exec(f->s, q, strlen(q), &opts, collect, o, &err);
    if (rc != SK_OK)
        fail_msg("query failed (%s): %s\n%s", sk_strerror(rc), q, err.msg);
    return o->text;
}

/* ---- Tests ------------------------------------------------------------------- */

static void test_degree_whole_case(void **state)
{
    out o;
    assert_string_equal(run(*state, "rank degree of person top 3", &o),
                        "label|degree\na|3\nd|2\nb|1\n");
    /* Every entity is a vertex; orgs p3 and q1 have three neighbours. */
    assert_string_equal(run(*state, "rank degree top 4", &o),
                        "label|degree\na|3\nq1|3\np3|3\nd|2\n");
    /* Without top: every entity (14), highest first. */
    run(*state, "rank degree", &o);
    assert_int_equal(o.rows, 14);
}

static void test_betweenness(void **state)
{
    out o;
    assert_string_equal(run(*state, "rank betweenness of person", &o),
                        "label|betweenness\na|5\nd|3\nb|0\nc|0\ne|0\n");
    /* Each end of the bridge lies on the paths of 2 x 3 pairs. */
    assert_string_equal(run(*state, "rank betweenness of org top 2", &o),
                        "label|betweenness\nq1|6\np3|6\n");
}

static void test_piped_graph(void **state)
{
    out o;
    /* Ann's ego network: a, b, c, d and the three links from a. */
    assert_string_equal(run(*state, "network around person \"a\" depth 1 | rank degree", &o),
                        "label|degree\na|3\nb|1\nc|1\nd|1\n");
    assert_int_equal(o.kind, SK_RESULT_TABLE);
    /* Followed by another stage, the graph goes on with scores. */
    run(*state, "network around person \"a\" depth 1 | rank degree | export svg \"x.svg\"", &o);
    assert_string_equal(o.exported, "svg x.svg: a=3 b=1 c=1 d=1");
}

static void test_directions_and_via(void **state)
{
    out o;
    fixture *f = *state;
    /* s2 receives two calls, s3 one; s1 none. */
    assert_string_equal(run(f, "rank indegree of phone", &o),
                        "label|indegree\n07700900002|2\n07700900003|1\n07700900001|0\n");
    assert_string_equal(run(f, "rank outdegree of phone top 1", &o),
                        "label|outdegree\n07700900001|2\n");
    /* via keeps only the calls: the persons are not in that network. */
    run(f, "rank degree via called", &o);
    assert_int_equal(o.rows, 3);
    /* A time window keeps the April calls only. */
    assert_string_equal(run(f, "rank degree via called between 2024-04-01 and 2024-04-30", &o),
                        "label|degree\n07700900003|2\n07700900001|1\n07700900002|1\n");
}

static void test_weighted(void **state)
{
    out o;
    /* Weighted degree is the strength: s1 5 + 1, s2 5 + 1, s3 1 + 1. */
    assert_string_equal(run(*state, "rank degree weighted via called", &o),
                        "label|degree\n07700900001|6\n07700900002|6\n07700900003|2\n");
}

static void test_pagerank_sums_to_one(void **state)
{
    out o;
    run(*state, "rank pagerank", &o);
    double sum = 0;
    for (char *p = strchr(o.text, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
        sum += atof(strchr(p + 1, '|') + 1);
    assert_true(fabs(sum - 1.0) < 1e-3);
}

static void test_communities(void **state)
{
    out o;
    /* The two org triangles are two communities (the larger one first by
     * smallest id: p's); the sizes are 3 each. */
    assert_string_equal(run(*state, "match (x:org)-[r:knows]-(y:org) return graph | communities",
                            &o),
                        "label|community|size\np1|0|3\np2|0|3\np3|0|3\nq1|1|3\nq2|1|3\nq3|1|3\n");
    run(*state, "match (x:org)-[r:knows]-(y:org) return graph | communities "
                "| export json \"c.json\"", &o);
    assert_string_equal(o.exported, "json c.json: p1/0 q1/1 p2/0 q2/1 p3/0 q3/1");
    assert_string_equal(run(*state, "match (x:org)-[r:knows]-(y:org) return graph | "
                                    "communities method leiden", &o),
                        "label|community|size\np1|0|3\np2|0|3\np3|0|3\nq1|1|3\nq2|1|3\nq3|1|3\n");
    /* Label propagation gives some partition of the six. */
    run(*state, "match (x:org)-[r:knows]-(y:org) return graph | communities method labelprop", &o);
    assert_int_equal(o.rows, 6);
}

static void test_components(void **state)
{
    out o;
    /* Three components: 6 orgs, 5 persons, 3 phones. */
    assert_string_equal(run(*state, "components", &o),
                        "label|component|size\n"
                        "p1|0|6\nq1|0|6\np2|0|6\nq2|0|6\np3|0|6\nq3|0|6\n"
                        "a|1|5\nb|1|5\nc|1|5\nd|1|5\ne|1|5\n"
                        "07700900001|2|3\n07700900002|2|3\n07700900003|2|3\n");
}

static void fails(fixture *f, const char *q, int code, const char *msg)
{
    out o = {0};
    sk_query_error err = {0};
    assert_int_equal(sk_query_exec(f->s, q, strlen(q), NULL, collect, &o, &err), code);
    if (!strstr(err.msg, msg))
        fail_msg("expected '%s' in:\n%s", msg, err.msg);
}

static void test_names(void **state)
{
    fails(*state, "rank degree of persn", SK_ENOTFOUND, "did you mean 'person'?");
    fails(*state, "communities via knws", SK_ENOTFOUND, "did you mean 'knows'?");
    fails(*state, "network around person \"a\" | rank degree via knws", SK_ENOTFOUND,
          "unknown link type 'knws'");
}

static void test_not_a_graph(void **state)
{
    out o = {0};
    sk_query_error err = {0};
    const char *q = "find person | rank degree";
    int rc = sk_query_exec(((fixture *)*state)->s, q, strlen(q), NULL, collect, &o, &err);
    assert_int_equal(rc, SK_EINVAL);
    assert_non_null(strstr(err.msg, "'rank' measures a network"));
}

/* ---- duplicates ---------------------------------------------------------------- */

#define DOB_1980 315619200 /* 1980-01-02 */

static sk_id person(sk_txn *t, const char *key, const char *label, int64_t dob, const char *phone)
{
    sk_prop p[2];
    size_t n = 0;
    if (dob != SK_NO_TIME)
        p[n++] = (sk_prop){sym(t, SK_DICT_PROP, "dob"), {.type = SK_V_TIME, .u.time = {dob, 0}}};
    if (phone)
        p[n++] = (sk_prop){sym(t, SK_DICT_PROP, "phone"),
                           {.type = SK_V_STR, .u.str = {phone, strlen(phone)}}};
    sk_entity_in in = {.type = sym(t, SK_DICT_ETYPE, "person"), .key = key, .label = label,
                       .props = p, .nprops = n};
    sk_id id = 0;
    assert_int_equal(sk_entity_create(t, &in, &id), SK_OK);
    return id;
}

static int build_people(sk_txn *t, void *ctx)
{
    (void)ctx;
    person(t, "p1", "John Smith", DOB_1980, "07700 900123");
    person(t, "p2", "Jon Smith", DOB_1980, NULL);
    person(t, "p3", "Smith, John", SK_NO_TIME, "+44 7700 900123");
    person(t, "p4", "John Smith", DOB_1980 + 3650 * 86400LL, NULL);
    /* Same phone entity, different spellings. */
    sk_id mary = person(t, "p5", "Mary Jones", SK_NO_TIME, NULL);
    sk_id mj = person(t, "p6", "M. Jones", SK_NO_TIME, NULL);
    sk_id ph = entity(t, "phone", "07700 900555");
    mk_link(t, mary, ph, "uses", true, SK_NO_TIME, 1);
    mk_link(t, mj, ph, "uses", true, SK_NO_TIME, 1);
    /* Similar names with three friends in common. */
    sk_id peter = person(t, "p7", "Peter Brown", SK_NO_TIME, NULL);
    sk_id pete = person(t, "p8", "Pete Browne", SK_NO_TIME, NULL);
    const char *friends[] = {"f1", "f2", "f3"};
    for (int i = 0; i < 3; i++) {
        sk_id f = person(t, friends[i], friends[i], SK_NO_TIME, NULL);
        mk_link(t, peter, f, "knows", false, SK_NO_TIME, 1);
        mk_link(t, pete, f, "knows", false, SK_NO_TIME, 1);
    }
    /* A name too common to compare pairwise. */
    for (int i = 0; i < 501; i++) {
        char key[32];
        snprintf(key, sizeof key, "zz%d", i);
        person(t, key, "Zed Zulu", SK_NO_TIME, NULL);
    }
    return SK_OK;
}

typedef struct dup_out {
    char text[4096];
    size_t len;
    char notice[512];
} dup_out;

static int collect_dups(void *ctx, const sk_result *r)
{
    dup_out *o = ctx;
    const sk_table *t = &r->table;
    assert_int_equal(t->ncols, 6);
    snprintf(o->notice, sizeof o->notice, "%s", r->notice ? r->notice : "");
    for (size_t i = 0; i < t->nrows; i++) {
        const sk_value *v = &t->cells[i * 6];
        assert_true(v[0].u.i < v[2].u.i);
        put(o->text, sizeof o->text, &o->len, "%s = %s (%.2f): %s\n", v[1].u.str.ptr,
            v[3].u.str.ptr, v[4].u.r, v[5].u.str.ptr);
    }
    return SK_OK;
}

static void test_duplicates(void **state)
{
    (void)state;
    fixture f = {0};
    strcpy(f.dir, "/tmp/skein-dups-XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/case.skein", f.dir);
    sk_open_opts oo = {.flags = SK_OPEN_CREATE};
    assert_int_equal(sk_store_open(path, &oo, &f.s, err, sizeof err), SK_OK);
    assert_int_equal(sk_store_write(f.s, build_people, NULL), SK_OK);
    dup_out o = {0};
    sk_query_error qe = {0};
    const char *q = "duplicates person";
    assert_int_equal(sk_query_exec(f.s, q, strlen(q), NULL, collect_dups, &o, &qe), SK_OK);
    /* The phone written two ways; the shared phone entity; a similar name
     * born the same day; similar names with the same friends. The two John
     * Smiths born ten years apart, and the Zed Zulus, are not proposed. */
    assert_string_equal(o.text,
                        "John Smith = Smith, John (0.90): same phone 447700900123; name 1.00\n"
                        "John Smith = Jon Smith (0.89): name 0.97 and same date of birth\n"
                        "Mary Jones = M. Jones (0.88): same phone 447700900555; name 0.94\n"
                        "Peter Brown = Pete Browne (0.69): name 0.94; 3 shared neighbours "
                        "(Jaccard 1.00)\n");
    assert_non_null(strstr(o.notice, "1 blocks of more than 500 similar entities"));
    /* A higher bar keeps only identifier evidence; a limit cuts. */
    memset(&o, 0, sizeof o);
    q = "duplicates person min 0.84";
    assert_int_equal(sk_query_exec(f.s, q, strlen(q), NULL, collect_dups, &o, &qe), SK_OK);
    assert_non_null(strstr(o.text, "Mary Jones = M. Jones"));
    assert_null(strstr(o.text, "Peter Brown"));
    memset(&o, 0, sizeof o);
    q = "duplicates person limit 1";
    assert_int_equal(sk_query_exec(f.s, q, strlen(q), NULL, collect_dups, &o, &qe), SK_OK);
    assert_int_equal(strchr(o.text, '\n') - o.text + 1, (long)strlen(o.text));
    sk_store_close(f.s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f.dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_degree_whole_case),
        cmocka_unit_test(test_betweenness),
        cmocka_unit_test(test_piped_graph),
        cmocka_unit_test(test_directions_and_via),
        cmocka_unit_test(test_weighted),
        cmocka_unit_test(test_pagerank_sums_to_one),
        cmocka_unit_test(test_communities),
        cmocka_unit_test(test_components),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_not_a_graph),
        cmocka_unit_test(test_duplicates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
