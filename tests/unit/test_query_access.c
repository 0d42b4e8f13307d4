/*
 * test_query_access.c — clearance: material whose handling code is above a
 * user's clearance is not there for that user, in any lookup, traversal,
 * path or result; other users see everything. Counts (`| count`) are built
 * without reading records when nothing can be hidden; with a clearance
 * they must hide the same material, so they equal the full results.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "query.h"
#include "test_case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    char dir[64], path[96];
    sk_store *s;
} fixture;

static sk_sym sym(sk_txn *t, enum sk_dict d, const char *n)
{
    sk_sym s;
    assert_int_equal(sk_name_intern(t, d, n, strlen(n), true, &s), SK_OK);
    return s;
}

/* Alice –(B21)– Bob –(C35)– Carol –(B21)– Dave; Eve known only from the
 * handling-5 source. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || test_case_open("access", f->dir, sizeof f->dir, f->path, sizeof f->path, &f->s))
        return -1;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_sym open_g = sym(t, SK_DICT_GRADE, "B21"), secret = sym(t, SK_DICT_GRADE, "C35");
    sk_source s1 = {.name = "open.csv", .sha256 = {1}, .grade = open_g};
    sk_source s2 = {.name = "secret.csv", .sha256 = {2}, .grade = secret};
    assert_int_equal(sk_source_add(t, &s1), SK_OK);
    assert_int_equal(sk_source_add(t, &s2), SK_OK);
    sk_sym person = sym(t, SK_DICT_ETYPE, "person"), knows = sym(t, SK_DICT_LTYPE, "knows");
    const char *names[] = {"Alice", "Bob", "Carol", "Dave", "Eve"};
    sk_id id[5];
    for (int i = 0; i < 5; i++) {
        sk_entity_in in = {.type = person, .key = names[i],
                           .assert = {i == 4 ? s2.id : s1.id, 0}};
        assert_int_equal(sk_entity_create(t, &in, &id[i]), SK_OK);
    }
    int pairs[][3] = {{0, 1, 1}, {1, 2, 2}, {2, 3, 1}, {3, 4, 1}};
    for (int i = 0; i < 4; i++) {
        sk_link_in l = {.src = id[pairs[i][0]], .dst = id[pairs[i][1]], .type = knows,
                        .t_start = SK_NO_TIME, .assert = {pairs[i][2] == 1 ? s1.id : s2.id, 0}};
        sk_id lid;
        assert_int_equal(sk_link_create(t, &l, &lid), SK_OK);
    }
    assert_int_equal(sk_meta_set(t, "clearance:low", "3"), SK_OK);
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

typedef struct seen {
    size_t rows;
    char labels[512];
    char cells[128];   /* integer cells of a table's first row: "col=v," */
} seen;

static int collect(void *ctx, const sk_result *r)
{
    seen *s = ctx;
    if (r->kind == SK_RESULT_TABLE) {
        s->rows = r->table.nrows;
        for (size_t i = 0; i < r->table.nrows; i++)
            for (size_t c = 0; c < r->table.ncols; c++) {
                const sk_value *v = &r->table.cells[i * r->table.ncols + c];
                if (!strcmp(r->table.cols[c], "label") && v->type == SK_V_STR) {
                    strcat(s->labels, v->u.str.ptr);
                    strcat(s->labels, ",");
                }
                if (i == 0 && v->type == SK_V_INT) {
                    size_t at = strlen(s->cells);
                    snprintf(s->cells + at, sizeof s->cells - at, "%s=%lld,",
                             r->table.cols[c], (long long)v->u.i);
                }
            }
    } else {
        s->rows = r->graph.nnodes;
        for (size_t i = 0; i < r->graph.nnodes; i++) {
            strcat(s->labels, r->graph.nodes[i].label);
            strcat(s->labels, ",");
        }
    }
    return 0;
}

/* Sizes of a graph result into three size_t: nodes, links, paths. */
static int graph_sizes(void *ctx, const sk_result *r)
{
    size_t *z = ctx;
    assert_int_equal(r->kind, SK_RESULT_GRAPH);
    z[0] = r->graph.nnodes;
    z[1] = r->graph.nlinks;
    z[2] = r->graph.npaths;
    return 0;
}

static int run(fixture *f, const char *user, const char *q, seen *s, sk_query_error *err)
{
    memset(s, 0, sizeof *s);
    sk_query_opts o = {.user = user};
    return sk_query_exec(f->s, q, strlen(q), &o, collect, s, err);
}

static void test_find_hides_restricted(void **state)
{
    fixture *f = *state;
    seen s;
    sk_query_error e;
    assert_int_equal(run(f, "high", "find person", &s, &e), SK_OK);
    assert_int_equal(s.rows, 5);
    assert_int_equal(run(f, "low", "find person", &s, &e), SK_OK);
    assert_int_equal(s.rows, 4);
    assert_null(strstr(s.labels, "Eve"));
    assert_int_equal(run(f, "low", "show person \"Eve\"", &s, &e), SK_ENOTFOUND);
    assert_null(strstr(e.msg, "#5")); /* not even listed as a candidate */
}

static void test_walks_do_not_pass_through(void **state)
{
    fixture *f = *state;
    seen s;
    sk_query_error e;
    assert_int_equal(run(f, "high", "network around person \"Alice\" depth 4", &s, &e), SK_OK);
    assert_int_equal(s.rows, 5);
    assert_int_equal(run(f, "low", "network around person \"Alice\" depth 4", &s, &e), SK_OK);
    assert_string_equal(s.labels, "Alice,Bob,");
    assert_int_equal(run(f, "low", "neighbours person \"Carol\"", &s, &e), SK_OK);
    assert_string_equal(s.labels, "Dave,");
    assert_int_equal(run(f, "low", "network around person \"Dave\"", &s, &e), SK_OK);
    assert_string_equal(s.labels, "Carol,Dave,");
    /* A path exists for the cleared user only. */
    assert_int_equal(run(f, "high", "path from person \"Alice\" to person \"Dave\"", &s, &e),
                     SK_OK);
    assert_string_equal(s.labels, "Alice,Bob,Carol,Dave,");
    assert_int_equal(run(f, "low", "path from person \"Alice\" to person \"Dave\"", &s, &e),
                     SK_OK);
    assert_int_equal(s.rows, 0);
}

/* "entities=N,links=M," of the full result of Q for USER, for comparing
 * with its count. */
static void full_sizes(fixture *f, const char *user, const char *q, bool paths, char *out,
                       size_t cap)
{
    sk_query_error e;
    memset(out, 0, cap);
    sk_query_opts o = {.user = user};
    size_t z[3] = {0};
    assert_int_equal(sk_query_exec(f->s, q, strlen(q), &o, graph_sizes, z, &e), SK_OK);
    if (paths)
        snprintf(out, cap, "paths=%zu,entities=%zu,links=%zu,", z[2], z[0], z[1]);
    else
        snprintf(out, cap, "entities=%zu,links=%zu,", z[0], z[1]);
}

static void test_counts_hide_what_results_hide(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *q;
        bool paths;
        const char *low;   /* the count the uncleared user gets */
    } cases[] = {
        {"network around person \"Alice\" depth 4", false, "entities=2,links=1,"},
        {"network around person \"Dave\" depth 2", false, "entities=2,links=1,"},
        {"network around person \"Carol\" depth 1 via knows", false, "entities=2,links=1,"},
        {"path from person \"Alice\" to person \"Dave\"", true,
         "paths=0,entities=0,links=0,"},
        {"path from person \"Carol\" to person \"Dave\"", true,
         "paths=1,entities=2,links=1,"},
        {"connect person \"Alice\", person \"Bob\", person \"Dave\"", true,
         "paths=1,entities=3,links=1,"},
    };
    const char *users[] = {"high", "low"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int u = 0; u < 2; u++) {
            char want[128], q[256];
            full_sizes(f, users[u], cases[i].q, cases[i].paths, want, sizeof want);
            if (u == 1)
                assert_string_equal(want, cases[i].low);
            snprintf(q, sizeof q, "%s | count", cases[i].q);
            seen s;
            sk_query_error e;
            assert_int_equal(run(f, users[u], q, &s, &e), SK_OK);
            assert_string_equal(s.cells, want);
            /* entities only: the same entities */
            snprintf(q, sizeof q, "%s | count entities", cases[i].q);
            assert_int_equal(run(f, users[u], q, &s, &e), SK_OK);
            assert_non_null(strstr(want, s.cells));
        }
    /* Eve, known only from the restricted source, is not counted. */
    seen s;
    sk_query_error e;
    assert_int_equal(run(f, "high", "network around person \"Dave\" | count", &s, &e), SK_OK);
    assert_string_equal(s.cells, "entities=3,links=2,");
}

static void test_access_control_refuses_unknown_users(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    assert_int_equal(sk_meta_set(t, "access_control", "1"), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    seen s;
    sk_query_error e;
    assert_int_equal(run(f, "stranger", "find person", &s, &e), SK_EACCESS);
    assert_non_null(strstr(e.msg, "has no access"));
    assert_int_equal(run(f, "low", "find person", &s, &e), SK_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_find_hides_restricted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_walks_do_not_pass_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts_hide_what_results_hide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_control_refuses_unknown_users, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
