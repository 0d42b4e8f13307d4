/*
 * test_query_match_limit.c — match with limit (query/stmt_match.c): a
 * limit without 'order by' stops the enumeration once the first N rows
 * are certain, and 'order by … limit N' keeps a bounded top-N buffer. Both
 * must give exactly the first N rows of the whole, sorted result — the
 * oracle is the same query without a limit — with the planner on and off.
 *
 * The case is generated (a fixed seed): persons own vehicles, vehicles are
 * seen at locations (some many times), persons know persons; labels repeat
 * so that ordering by them has ties.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "test_case.h"

#define NPERSON 80
#define NVEHICLE 40
#define NLOCATION 12

typedef test_case fixture;

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static sk_sym sym(sk_txn *t, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    assert_int_equal(sk_name_intern(t, d, name, strlen(name), true, &s), SK_OK);
    return s;
}

static sk_id entity(sk_txn *t, const char *type, const char *key, const char *label)
{
    sk_entity_in in = {.type = sym(t, SK_DICT_ETYPE, type), .key = key, .label = label};
    sk_id id = 0;
    assert_int_equal(sk_entity_create(t, &in, &id), SK_OK);
    return id;
}

static void link(sk_txn *t, sk_id a, sk_id b, const char *type, bool directed, int64_t time)
{
    sk_link_in in = {.src = a, .dst = b, .type = sym(t, SK_DICT_LTYPE, type),
                     .directed = directed, .t_start = time, .t_end = time, .weight = 1};
    sk_id id;
    assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
}

static int build(sk_txn *t, void *ctx)
{
    (void)ctx;
    static const char *const names[] = {"Ann", "Bob", "Cat", "Dan", "Eve", "Fay"};
    static const char *const places[] = {"Leeds", "Bury", "Oldham", "Wigan"};
    sk_id p[NPERSON], v[NVEHICLE], l[NLOCATION];
    char key[32], label[64];
    /* The first person owns two vehicles; the one met first (the lower id)
     * was seen at the later location: the person's first row in the sorted
     * order is not the first one the walk meets. */
    sk_id first = entity(t, "person", "A00", "Ann");
    sk_id low = entity(t, "location", "A01", "Leeds");
    sk_id high = entity(t, "location", "A02", "Leeds");
    sk_id va = entity(t, "vehicle", "A03", "A03"), vb = entity(t, "vehicle", "A04", "A04");
    link(t, first, va, "owns", true, SK_NO_TIME);
    link(t, first, vb, "owns", true, SK_NO_TIME);
    link(t, va, high, "seen_at", true, 1709251200);
    link(t, vb, low, "seen_at", true, 1709251200);
    /* Types interleaved so that ids of one type are not contiguous. */
    for (int i = 0; i < NPERSON; i++) {
        snprintf(key, sizeof key, "P%02d", i);
        snprintf(label, sizeof label, "%s", names[i % 6]);
        p[i] = entity(t, "person", key, label);
        if (i < NLOCATION) {
            snprintf(key, sizeof key, "L%02d", i);
            l[i] = entity(t, "location", key, places[i % 4]);
        }
        if (i < NVEHICLE) {
            snprintf(key, sizeof key, "V%02d", i);
            v[i] = entity(t, "vehicle", key, key);
        }
    }
    uint64_t r = 0x2545F4914F6CDD1Dull;
    for (int i = 0; i < NVEHICLE; i++) {
        link(t, p[next_rand(&r) % NPERSON], v[i], "owns", true, SK_NO_TIME);
        int seen = (int)(next_rand(&r) % 5);
        for (int k = 0; k < seen; k++)
            link(t, v[i], l[next_rand(&r) % NLOCATION], "seen_at", true,
                 1709251200 + (int64_t)(next_rand(&r) % 86400));
    }
    for (int i = 0; i < 2 * NPERSON; i++)
        link(t, p[next_rand(&r) % NPERSON], p[next_rand(&r) % NPERSON], "knows", false,
             SK_NO_TIME);
    return SK_OK;
}

static int setup(void **state) { return test_case_setup_built(state, "mlimit", build); }

/* ---- Running queries ---- */

typedef struct out {
    char text[1 << 17];
    size_t len;
    size_t rows;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->text + o->len, sizeof o->text - o->len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof o->text - o->len);
    o->len += (size_t)n;
}

static int collect(void *ctx, const sk_result *r)
{
    out *o = ctx;
    if (r->kind == SK_RESULT_GRAPH) {
        for (size_t i = 0; i < r->graph.nnodes; i++)
            put(o, "node %llu\n", (unsigned long long)r->graph.nodes[i].id);
        for (size_t i = 0; i < r->graph.nlinks; i++)
            put(o, "link %llu\n", (unsigned long long)r->graph.links[i].id);
        o->rows = r->graph.nnodes;
        return SK_OK;
    }
    for (size_t i = 0; i < r->table.nrows; i++) {
        for (size_t c = 0; c < r->table.ncols; c++) {
            const sk_value *v = &r->table.cells[i * r->table.ncols + c];
            if (v->type == SK_V_STR)
                put(o, "%.*s", (int)v->u.str.len, v->u.str.ptr);
            else
                put(o, "%lld", (long long)v->u.i);
            put(o, "%s", c + 1 < r->table.ncols ? "|" : "\n");
        }
    }
    o->rows = r->table.nrows;
    return SK_OK;
}

static out *run_q(fixture *f, const char *q, bool off, bool explain)
{
    out *o = calloc(1, sizeof *o);
    assert_non_null(o);
    sk_query_opts opts = {.no_planner = off, .no_audit = true};
    sk_query_error err = {0};
    int rc = explain ? sk_query_explain(f->s, q, strlen(q), &opts, collect, o, &err)
                     : sk_query_exec(f->s, q, strlen(q), &opts, collect, o, &err);
    if (rc != SK_OK)
        fail_msg("query failed (%s): %s\n%s", sk_strerror(rc), q, err.msg);
    return o;
}

/* The first N lines of TEXT. */
static size_t head_len(const char *text, size_t n)
{
    const char *p = text;
    for (size_t i = 0; i < n && *p; i++) {
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
    }
    return (size_t)(p - text);
}

/* Asserts that BASE with " limit N" gives the first N rows of BASE, with
 * the planner on and off. Returns the rows of BASE. */
static size_t limit_is_prefix(fixture *f, const char *base, size_t n)
{
    char q[512];
    snprintf(q, sizeof q, "%s limit %zu", base, n);
    out *all = run_q(f, base, false, false);
    size_t want = head_len(all->text, n);
    for (int off = 0; off < 2; off++) {
        out *lim = run_q(f, q, off, false);
        if (lim->len != want || memcmp(lim->text, all->text, want))
            fail_msg("%s (planner %s) is not the first %zu rows of the whole:\n%s---\n%.*s", q,
                     off ? "off" : "on", n, lim->text, (int)want, all->text);
        free(lim);
    }
    size_t rows = all->rows;
    free(all);
    return rows;
}

static bool plan_has(fixture *f, const char *q, bool off, const char *want)
{
    out *o = run_q(f, q, off, true);
    bool has = strstr(o->text, want) != NULL;
    if (!has)
        print_message("plan of %s:\n%s", q, o->text);
    free(o);
    return has;
}

/* ---- Tests ---- */

static void test_limit_streams(void **state)
{
    fixture *f = *state;
    const char *q = "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) return p, l";
    size_t all = 0;
    static const size_t limits[] = {1, 2, 3, 7, 20, 1000};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        all = limit_is_prefix(f, q, limits[i]);
    /* The case has enough rows for the limits to cut. */
    assert_true(all > 20);
    /* The planner starts at the first column's node and says it stops. */
    assert_true(plan_has(f, "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) "
                            "return p, l limit 5",
                         false, "match: start at (p:person) by scan of type person"));
    assert_true(plan_has(f, "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) "
                            "return p, l limit 5",
                         false, "match: rows come in id order of (p): stop once 5 are certain"));
    assert_true(plan_has(f, "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) "
                            "return p, l limit 5",
                         true, "stop once 5 are certain"));
    /* Without a limit the smallest type starts, and nothing stops. */
    assert_false(plan_has(f, q, false, "stop once"));
    assert_true(plan_has(f, q, false, "start at (l:location)"));
}

static void test_other_leads(void **state)
{
    fixture *f = *state;
    /* The location leads: rows start from it. */
    limit_is_prefix(f, "match (p:person)-[:owns]->(v:vehicle)-[s:seen_at]->(l:location) "
                       "return l, s.time, p", 9);
    assert_true(plan_has(f, "match (p:person)-[:owns]->(v:vehicle)-[s:seen_at]->(l:location) "
                            "return l, s.time, p limit 9",
                         false, "stop once 9"));
    /* A label leads: every row is needed before the first are known. */
    limit_is_prefix(f, "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) "
                       "return p.label, l", 6);
    assert_false(plan_has(f, "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) "
                             "return p.label, l limit 6",
                          false, "stop once"));
    /* An undirected pattern meets each pair both ways. */
    limit_is_prefix(f, "match (p:person)-[:knows]-(q:person) return p, q", 15);
    /* A where term and a second, unjoined pattern. */
    limit_is_prefix(f, "match (p:person)-[:owns]->(v), (l:location) where l.label ~ /^[LB]/ "
                       "return p, v, l",
                    11);
    /* A graph keeps the first matches by the ids bound, slot by slot: the
     * same with the planner off, and fewer nodes than the whole. */
    const char *g = "match (p:person)-[:owns]->(v:vehicle) return graph limit 3";
    out *on = run_q(f, g, false, false), *off = run_q(f, g, true, false);
    assert_string_equal(on->text, off->text);
    assert_int_equal(on->rows, 5);  /* Ann owns two of the three vehicles */
    assert_true(plan_has(f, g, false, "stop once 3"));
    free(on);
    free(off);
}

static void test_order_top_n(void **state)
{
    fixture *f = *state;
    /* Ties on the label are broken by the other columns, so the top N of
     * a long enumeration are exactly the first N of the full sort. */
    static const char *const queries[] = {
        "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) return p, l "
        "order by l.label",
        "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) return p, l "
        "order by l.label desc, p.label",
        "match (p:person)-[:knows]-(q:person) return p, q order by q.label desc",
        "match (p:person)-[:owns]->(v:vehicle)-[s:seen_at]->(l:location) return p, s.time "
        "order by s.time desc",
        "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) return p, l order by p",
    };
    static const size_t limits[] = {1, 4, 13, 60};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
        for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++)
            limit_is_prefix(f, queries[i], limits[k]);
    /* Ordered by the leading node's id, the scan can still stop. */
    assert_true(plan_has(f, "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) "
                            "return l order by p limit 4",
                         false, "stop once 4"));
    limit_is_prefix(f, "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) "
                       "return l order by p",
                    4);
}

static void test_ids_decide_order(void **state)
{
    fixture *f = *state;
    /* Each row order reduces to the ids in it (a label follows its
     * entity's id), so the last step drops a candidate whose ids sort at
     * or after the kept rows' bar before reading its records: a link id
     * in the key, a descending key, a last step that only checks a link
     * between bound entities, an order-only key. The last query cannot be
     * reduced (a label comes before its id) and is the slow path. */
    static const char *const queries[] = {
        "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) return l, p",
        "match (p:person)-[:owns]->(v:vehicle)-[s:seen_at]->(l:location) return p, s, l",
        "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) return p, l "
        "order by l desc",
        "match (p:person)-[:knows]-(q:person)-[:knows]-(p) return p, q",
        "match (p:person)-[:knows]-(q:person) return q, p order by p desc",
        "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) return v order by l, p",
        "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) return p, l.label, l",
    };
    static const size_t limits[] = {1, 4, 13, 60};
    size_t rows = 0;
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
        for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++)
            rows = limit_is_prefix(f, queries[i], limits[k]);
    /* Enough rows past the largest limit that candidates are dropped. */
    assert_true(rows > 60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_streams),
        cmocka_unit_test(test_other_leads),
        cmocka_unit_test(test_order_top_n),
        cmocka_unit_test(test_ids_decide_order),
    };
    return cmocka_run_group_tests(tests, setup, test_case_teardown);
}
