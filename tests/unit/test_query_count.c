/*
 * test_query_count.c — the count stage (`… | count [entities|links|paths|
 * rows]`) and the hollow results it lets traversals build: every count
 * must equal the size of the full result of the same statement without
 * '| count', on a random multigraph with several link and entity types,
 * times, a supernode just over the cap and an entity just at it; plus the
 * stage's columns, its errors and what explain says.
 *
 * The walk's supernode test is also checked here at its boundary: an
 * entity with exactly the cap's number of links is expanded, one with a
 * link more is not, whether the walk follows every link type (the degree
 * is counted while reading) or some (the degree is looked up).
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

#define CAP 10000 /* SK_QUERY_SUPERNODE (query/limits.h) */
#define NPERSON 60
#define NPHONE 20
#define NPLACE 8

typedef struct fixture {
    char dir[64], path[96];
    sk_store *s;
    sk_id person[NPERSON], phone[NPHONE], place[NPLACE];
    sk_id hub;     /* a place with CAP + 1 links */
    sk_id busy;    /* a place with exactly CAP links */
    sk_id lone;    /* a person with no links */
} fixture;

/* ---- the case ---- */

static sk_sym sym(sk_txn *t, enum sk_dict d, const char *n)
{
    sk_sym s;
    assert_int_equal(sk_name_intern(t, d, n, strlen(n), true, &s), SK_OK);
    return s;
}

static sk_id entity(sk_txn *t, const char *type, const char *key)
{
    sk_entity_in in = {.type = sym(t, SK_DICT_ETYPE, type), .key = key};
    sk_id id;
    assert_int_equal(sk_entity_create(t, &in, &id), SK_OK);
    return id;
}

static void link(sk_txn *t, sk_id a, sk_id b, const char *type, int64_t time)
{
    sk_link_in l = {.src = a, .dst = b, .type = sym(t, SK_DICT_LTYPE, type),
                    .directed = strcmp(type, "knows") != 0, .t_start = time, .t_end = time};
    sk_id id;
    assert_int_equal(sk_link_create(t, &l, &id), SK_OK);
}

/* A fixed PRNG (xorshift), so the graph is the same on every run. */
static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || test_case_open("count", f->dir, sizeof f->dir, f->path, sizeof f->path, &f->s))
        return -1;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    char key[32];
    for (int i = 0; i < NPERSON; i++) {
        snprintf(key, sizeof key, "person %d", i);
        f->person[i] = entity(t, "person", key);
    }
    for (int i = 0; i < NPHONE; i++) {
        snprintf(key, sizeof key, "07700 9%05d", i);
        f->phone[i] = entity(t, "phone", key);
    }
    for (int i = 0; i < NPLACE; i++) {
        snprintf(key, sizeof key, "place %d", i);
        f->place[i] = entity(t, "location", key);
    }
    f->lone = entity(t, "person", "nobody");
    uint32_t r = 12345;
    const int64_t t0 = 1709251200; /* 2024-03-01 */
    for (int i = 0; i < 120; i++) {
        sk_id a = f->person[next_rand(&r) % NPERSON], b = f->person[next_rand(&r) % NPERSON];
        link(t, a, b, "knows", i % 3 ? SK_NO_TIME : t0 + i * 3600);
    }
    for (int i = 0; i < 40; i++)
        link(t, f->person[next_rand(&r) % NPERSON], f->phone[next_rand(&r) % NPHONE], "uses",
             SK_NO_TIME);
    for (int i = 0; i < 50; i++)
        link(t, f->phone[next_rand(&r) % NPHONE], f->phone[next_rand(&r) % NPHONE], "calls",
             t0 + i * 600);
    for (int i = 0; i < 30; i++)
        link(t, f->person[next_rand(&r) % NPERSON], f->place[next_rand(&r) % NPLACE],
             "seen_at", t0 + i * 86400);
    /* The hub is over the cap by one link; busy is exactly at it. Both are
     * joined to the graph through persons 0 and 1. */
    f->hub = entity(t, "location", "the station");
    f->busy = entity(t, "location", "the market");
    link(t, f->person[0], f->hub, "seen_at", t0);
    link(t, f->person[1], f->busy, "seen_at", t0);
    for (int i = 0; i < CAP; i++) {
        snprintf(key, sizeof key, "visitor %d", i);
        sk_id v = entity(t, "person", key);
        link(t, v, f->hub, "seen_at", t0 + i);
        if (i < CAP - 1)
            link(t, v, f->busy, "seen_at", t0 + i);
    }
    assert_int_equal(sk_txn_commit(t), SK_OK);
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

/* ---- running queries ---- */

/* What a result was: a graph's sizes, or a table's cells as
 * "col=value,…" (one row), and the notice. */
typedef struct res {
    int kind;
    size_t nodes, links, paths, rows;
    char cells[256];
    char notice[512];
} res;

static int take(void *ctx, const sk_result *r)
{
    res *o = ctx;
    o->kind = r->kind;
    snprintf(o->notice, sizeof o->notice, "%s", r->notice ? r->notice : "");
    if (r->kind == SK_RESULT_GRAPH) {
        o->nodes = r->graph.nnodes;
        o->links = r->graph.nlinks;
        o->paths = r->graph.npaths;
        return 0;
    }
    o->rows = r->table.nrows;
    size_t at = 0;
    for (size_t c = 0; r->table.nrows && c < r->table.ncols && at < sizeof o->cells; c++) {
        const sk_value *v = &r->table.cells[c];
        if (v->type == SK_V_INT)
            at += (size_t)snprintf(o->cells + at, sizeof o->cells - at, "%s%s=%lld",
                                   c ? "," : "", r->table.cols[c], (long long)v->u.i);
        else if (v->type == SK_V_STR)
            at += (size_t)snprintf(o->cells + at, sizeof o->cells - at, "%s%s=%s",
                                   c ? "," : "", r->table.cols[c], v->u.str.ptr);
    }
    return 0;
}

static int run(fixture *f, res *o, sk_query_error *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int run(fixture *f, res *o, sk_query_error *e, const char *fmt, ...)
{
    char q[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q, sizeof q, fmt, ap);
    va_end(ap);
    memset(o, 0, sizeof *o);
    sk_query_opts opts = {.no_audit = true, .user = "tester"};
    int rc = sk_query_exec(f->s, q, strlen(q), &opts, take, o, e);
    if (rc)
        print_message("%s\n%s\n", q, e->msg);
    return rc;
}

#define U(id) ((unsigned long long)(id))

/* Runs Q in full and with each count, and checks every count is the full
 * result's size. Entities-only counts of a network may omit supernodes of
 * its last level from the notice (they hide no entity), so for a network
 * only the entity count is compared there. */
static void same_sizes(fixture *f, const char *q, bool network)
{
    res full, all, ent, lnk;
    sk_query_error e;
    assert_int_equal(run(f, &full, &e, "%s", q), SK_OK);
    assert_int_equal(full.kind, SK_RESULT_GRAPH);
    assert_int_equal(run(f, &all, &e, "%s | count", q), SK_OK);
    char want[256];
    bool paths = !network;
    if (paths)
        snprintf(want, sizeof want, "paths=%zu,entities=%zu,links=%zu", full.paths, full.nodes,
                 full.links);
    else
        snprintf(want, sizeof want, "entities=%zu,links=%zu", full.nodes, full.links);
    if (strcmp(all.cells, want) || strcmp(all.notice, full.notice))
        fail_msg("%s | count: %s [%s], full: %s [%s]", q, all.cells, all.notice, want,
                 full.notice);
    assert_int_equal(run(f, &ent, &e, "%s | count entities", q), SK_OK);
    snprintf(want, sizeof want, "entities=%zu", full.nodes);
    if (strcmp(ent.cells, want) || (!network && strcmp(ent.notice, full.notice)))
        fail_msg("%s | count entities: %s [%s], full: %s [%s]", q, ent.cells, ent.notice, want,
                 full.notice);
    assert_int_equal(run(f, &lnk, &e, "%s | count links", q), SK_OK);
    snprintf(want, sizeof want, "links=%zu", full.links);
    assert_string_equal(lnk.cells, want);
}

/* ---- tests ---- */

static void test_network_counts_equal_full(void **state)
{
    fixture *f = *state;
    const char *clauses[] = {
        "",
        " via knows",
        " via knows, uses",
        " via seen_at",
        " only person",
        " only person, phone via uses, calls",
        " between 2024-03-01 and 2024-03-05",
        " where link.time >= 2024-03-02",
        " avoid #%llu",
        " limit 15",
    };
    char q[256], clause[96];
    for (int seed = 0; seed < NPERSON; seed += 7)
        for (uint32_t depth = 1; depth <= 3; depth++)
            for (size_t c = 0; c < sizeof clauses / sizeof clauses[0]; c++) {
                snprintf(clause, sizeof clause, clauses[c], U(f->person[(seed + 3) % NPERSON]));
                snprintf(q, sizeof q, "network around #%llu depth %u%s", U(f->person[seed]),
                         depth, clause);
                same_sizes(f, q, true);
            }
    /* several seeds at once, and a seed that is a supernode */
    snprintf(q, sizeof q, "network around #%llu, #%llu depth 2", U(f->person[2]),
             U(f->phone[3]));
    same_sizes(f, q, true);
    snprintf(q, sizeof q, "network around #%llu depth 1 via seen_at", U(f->busy));
    same_sizes(f, q, true);
}

static void test_path_counts_equal_full(void **state)
{
    fixture *f = *state;
    const char *forms[] = {
        "path from #%llu to #%llu",
        "path from #%llu to #%llu via knows",
        "path from #%llu to #%llu in time order",
        "path from #%llu to #%llu most reliable",
        "paths from #%llu to #%llu max 3 limit 20",
        "shortest 3 paths from #%llu to #%llu",
        "connect #%llu, #%llu, #%llu",
    };
    char q[256];
    for (int i = 0; i < 12; i++) {
        sk_id a = f->person[(i * 5) % NPERSON], b = f->person[(i * 11 + 1) % NPERSON];
        if (a == b)
            continue;
        for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
            snprintf(q, sizeof q, forms[k], U(a), U(b), U(f->phone[i % NPHONE]));
            same_sizes(f, q, false);
        }
    }
    /* no path at all: a path result still counts its (zero) paths */
    res o;
    sk_query_error e;
    assert_int_equal(run(f, &o, &e, "path from #%llu to #%llu | count", U(f->lone),
                         U(f->person[0])),
                     SK_OK);
    assert_string_equal(o.cells, "paths=0,entities=0,links=0");
    assert_string_equal(o.notice, "no path within 12 hops");
}

/* The supernode cap at its boundary: 'busy' (exactly CAP links) is
 * expanded, the hub (CAP + 1) is not, over every link type and over one. */
static void test_supernode_boundary(void **state)
{
    fixture *f = *state;
    res o;
    sk_query_error e;
    for (int via = 0; via < 2; via++) {
        const char *v = via ? " via seen_at" : "";
        assert_int_equal(run(f, &o, &e, "network around #%llu depth 2%s | count entities",
                             U(f->person[0]), v),
                         SK_OK);
        assert_string_equal(o.notice, "1 entity with more than 10000 links not expanded "
                                      "(supernode cap)");
        size_t capped = (size_t)strtoul(o.cells + strlen("entities="), NULL, 10);
        assert_true(capped < 200); /* the station's visitors are not in it */
        assert_int_equal(run(f, &o, &e, "network around #%llu depth 2%s | count entities",
                             U(f->person[1]), v),
                         SK_OK);
        size_t busy = (size_t)strtoul(o.cells + strlen("entities="), NULL, 10);
        assert_true(busy >= CAP); /* the market's visitors are */
    }
    /* At the last level a supernode hides no entity: counting entities
     * does not walk that level, so does not report it; the full network
     * does (it would have walked it for the links among the outermost). */
    assert_int_equal(run(f, &o, &e, "network around #%llu depth 1 | count entities",
                         U(f->person[0])),
                     SK_OK);
    assert_string_equal(o.notice, "");
    assert_int_equal(run(f, &o, &e, "network around #%llu depth 1", U(f->person[0])), SK_OK);
    assert_string_equal(o.notice, "1 entity with more than 10000 links not expanded "
                                  "(supernode cap)");
}

static void test_tables_and_columns(void **state)
{
    fixture *f = *state;
    res o;
    sk_query_error e;
    assert_int_equal(run(f, &o, &e, "find location | count"), SK_OK);
    assert_string_equal(o.cells, "rows=10");
    assert_int_equal(run(f, &o, &e, "find location | count rows"), SK_OK);
    assert_string_equal(o.cells, "rows=10");
    assert_int_equal(run(f, &o, &e, "neighbours #%llu | count", U(f->busy)), SK_OK);
    assert_string_equal(o.cells, "rows=10000");
    /* a named entity is always expanded, whatever its degree */
    assert_int_equal(run(f, &o, &e, "network around #%llu via seen_at | count", U(f->busy)),
                     SK_OK);
    assert_string_equal(o.cells, "entities=10001,links=10000");
    assert_int_equal(run(f, &o, &e, "network around #%llu | count", U(f->hub)), SK_OK);
    assert_string_equal(o.cells, "entities=10002,links=10001");
}

static void test_errors(void **state)
{
    fixture *f = *state;
    res o;
    sk_query_error e;
    assert_int_equal(run(f, &o, &e, "count"), SK_EPARSE);
    assert_non_null(strstr(e.msg, "'count' needs an input"));
    assert_int_equal(run(f, &o, &e, "find person | count entities"), SK_EINVAL);
    assert_non_null(strstr(e.msg, "the input is a table: it has rows"));
    assert_int_equal(run(f, &o, &e, "network around #%llu | count rows", U(f->person[0])),
                     SK_EINVAL);
    assert_non_null(strstr(e.msg, "the input is a graph"));
    assert_int_equal(run(f, &o, &e, "network around #%llu | count paths", U(f->person[0])),
                     SK_EINVAL);
    assert_non_null(strstr(e.msg, "the input holds no paths"));
    assert_int_equal(run(f, &o, &e, "find person | count people"), SK_EPARSE);
    assert_non_null(strstr(e.msg, "expected what to count (entities, links, paths, rows)"));
    assert_int_equal(run(f, &o, &e, "find person | count rows limit 3"), SK_EPARSE);
}

/* Every row of a one-column table, one a line. */
static int lines(void *ctx, const sk_result *r)
{
    char *out = ctx;
    for (size_t i = 0; r->kind == SK_RESULT_TABLE && i < r->table.nrows; i++)
        if (r->table.cells[i * r->table.ncols].type == SK_V_STR) {
            strcat(out, r->table.cells[i * r->table.ncols].u.str.ptr);
            strcat(out, "\n");
        }
    return 0;
}

static void test_explain(void **state)
{
    fixture *f = *state;
    char q[128], want[512], out[2048] = "";
    snprintf(q, sizeof q, "explain network around #%llu DEPTH 2 | COUNT Entities",
             U(f->person[0]));
    sk_query_opts opts = {.no_audit = true};
    sk_query_error e;
    assert_int_equal(sk_query_exec(f->s, q, strlen(q), &opts, lines, out, &e), SK_OK);
    /* the canonical statement, then what each stage built */
    snprintf(want, sizeof want,
             "network around #%llu depth 2 | count entities\n"
             "network around: breadth-first from 1 entity to depth 2, entities only (counted)\n",
             U(f->person[0]));
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "count: entities\n"));
    out[0] = '\0';
    snprintf(q, sizeof q, "explain path from #%llu to #%llu | count", U(f->person[0]),
             U(f->person[1]));
    assert_int_equal(sk_query_exec(f->s, q, strlen(q), &opts, lines, out, &e), SK_OK);
    assert_non_null(strstr(out, "count: every size of the input\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_network_counts_equal_full),
        cmocka_unit_test(test_path_counts_equal_full),
        cmocka_unit_test(test_supernode_boundary),
        cmocka_unit_test(test_tables_and_columns),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_explain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
