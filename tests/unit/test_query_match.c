/*
 * test_query_match.c — the match statement (query/stmt_match.c) run end to
 * end through sk_query_exec on a small case built with the core API:
 * patterns, joins on shared variables, variable-length segments, property
 * maps, where terms, return items, order by and limit, return graph, the
 * planner's choice (explain) and the same rows with the planner off.
 *
 * The case (persons have a name, vehicles a plate, locations a postcode):
 *
 *   Alice -owns-> AB12CDE -seen_at(2024-03-01 10:00)-> Piccadilly (M1 1AA)
 *   Carol -owns-> AB12CDE -seen_at(2024-03-05 09:00)-> Leeds (LS1 4AP)
 *   Bob   -owns-> XY99ZZZ -seen_at(2024-03-01 12:00)-> Piccadilly
 *                         -seen_at(2024-03-03 08:00)-> Piccadilly
 *   Alice -knows- Bob (undirected), Bob -knows-> Carol, Carol -knows-> Dave
 *   Xena -knows- Yuri -knows- Zoe -knows- Xena (an undirected triangle)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "query.h"

#define T0 1709251200 /* 2024-03-01T00:00:00Z */

typedef struct fixture {
    char dir[64];
    sk_store *s;
} fixture;

/* ---- Building the case -------------------------------------------------- */

static sk_sym sym(sk_txn *t, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    assert_int_equal(sk_name_intern(t, d, name, strlen(name), true, &s), SK_OK);
    return s;
}

static sk_id entity(sk_txn *t, const char *type, const char *key, const char *label,
                    const char *prop, const char *value)
{
    sk_prop p = {0};
    if (prop)
        p = (sk_prop){sym(t, SK_DICT_PROP, prop),
                      {.type = SK_V_STR, .u.str = {value, strlen(value)}}};
    sk_entity_in in = {.type = sym(t, SK_DICT_ETYPE, type), .key = key, .label = label,
                       .props = prop ? &p : NULL, .nprops = prop ? 1 : 0};
    sk_id id = 0;
    assert_int_equal(sk_entity_create(t, &in, &id), SK_OK);
    return id;
}

static void mk_link(sk_txn *t, sk_id a, sk_id b, const char *type, bool directed, int64_t time)
{
    sk_link_in in = {.src = a, .dst = b, .type = sym(t, SK_DICT_LTYPE, type),
                     .directed = directed, .t_start = time, .t_end = time, .weight = 1};
    sk_id id;
    assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
}

static int build(sk_txn *t, void *ctx)
{
    (void)ctx;
    sk_id alice = entity(t, "person", "Alice Smith", "Alice Smith", "name", "Alice");
    sk_id bob = entity(t, "person", "Bob Jones", "Bob Jones", "name", "Bob");
    sk_id carol = entity(t, "person", "Carol White", "Carol White", "name", "Carol");
    sk_id dave = entity(t, "person", "Dave Black", "Dave Black", "name", "Dave");
    sk_id v1 = entity(t, "vehicle", "AB12 CDE", "AB12 CDE", "plate", "AB12CDE");
    sk_id v2 = entity(t, "vehicle", "XY99 ZZZ", "XY99 ZZZ", "plate", "XY99ZZZ");
    sk_id l1 = entity(t, "location", "piccadilly", "Piccadilly", "postcode", "M1 1AA");
    sk_id l2 = entity(t, "location", "leeds", "Leeds", "postcode", "LS1 4AP");
    sk_id x = entity(t, "person", "Xena", "Xena", "name", "Xena");
    sk_id y = entity(t, "person", "Yuri", "Yuri", "name", "Yuri");
    sk_id z = entity(t, "person", "Zoe", "Zoe", "name", "Zoe");
    mk_link(t, alice, v1, "owns", true, SK_NO_TIME);
    mk_link(t, carol, v1, "owns", true, SK_NO_TIME);
    mk_link(t, bob, v2, "owns", true, SK_NO_TIME);
    mk_link(t, v1, l1, "seen_at", true, T0 + 10 * 3600);
    mk_link(t, v1, l2, "seen_at", true, T0 + 4 * 86400 + 9 * 3600);
    mk_link(t, v2, l1, "seen_at", true, T0 + 12 * 3600);
    mk_link(t, v2, l1, "seen_at", true, T0 + 2 * 86400 + 8 * 3600);
    mk_link(t, alice, bob, "knows", false, SK_NO_TIME);
    mk_link(t, bob, carol, "knows", true, SK_NO_TIME);
    mk_link(t, carol, dave, "knows", true, SK_NO_TIME);
    mk_link(t, x, y, "knows", false, SK_NO_TIME);
    mk_link(t, y, z, "knows", false, SK_NO_TIME);
    mk_link(t, z, x, "knows", false, SK_NO_TIME);
    return SK_OK;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/skein-match-XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/case.skein", f->dir);
    sk_open_opts o = {.flags = SK_OPEN_CREATE};
    if (sk_store_open(path, &o, &f->s, err, sizeof err) != SK_OK)
        return -1;
    if (sk_store_write(f->s, build, NULL) != SK_OK)
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

/* ---- Running queries and reading results -------------------------------- */

/* What a query returned, as text: a header line of columns, then one line
 * per row, cells separated by '|'; a graph as "nodes: …" and "links: …". */
typedef struct out {
    char text[16384];
    size_t len;
    int kind;
    size_t rows;
    char notice[512];
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->text + o->len, sizeof o->text - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n < sizeof o->text - o->len ? (size_t)n : sizeof o->text - o->len - 1;
}

static void put_value(out *o, const sk_value *v)
{
    switch (v->type) {
    case SK_V_NULL: put(o, "null"); break;
    case SK_V_STR: put(o, "%.*s", (int)v->u.str.len, v->u.str.ptr); break;
    case SK_V_INT: put(o, "%lld", (long long)v->u.i); break;
    case SK_V_REAL: put(o, "%.4g", v->u.r); break;
    case SK_V_ID: put(o, "#%lld", (long long)v->u.i); break;
    case SK_V_BOOL: put(o, "%s", v->u.b ? "true" : "false"); break;
    case SK_V_TIME: {
        time_t t = (time_t)v->u.time.t;
        struct tm tm;
        gmtime_r(&t, &tm);
        char buf[32];
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        put(o, "%s", buf);
        break;
    }
    default: put(o, "?"); break;
    }
}

static int collect(void *ctx, const sk_result *r)
{
    out *o = ctx;
    o->kind = r->kind;
    snprintf(o->notice, sizeof o->notice, "%s", r->notice ? r->notice : "");
    if (r->kind == SK_RESULT_TABLE) {
        for (size_t c = 0; c < r->table.ncols; c++)
            put(o, "%s%s", c ? "|" : "", r->table.cols[c]);
        put(o, "\n");
        for (size_t i = 0; i < r->table.nrows; i++) {
            for (size_t c = 0; c < r->table.ncols; c++) {
                put(o, "%s", c ? "|" : "");
                put_value(o, &r->table.cells[i * r->table.ncols + c]);
            }
            put(o, "\n");
        }
        o->rows = r->table.nrows;
        return SK_OK;
    }
    put(o, "nodes:");
    for (size_t i = 0; i < r->graph.nnodes; i++)
        put(o, " %s", r->graph.nodes[i].label);
    put(o, "\nlinks:");
    for (size_t i = 0; i < r->graph.nlinks; i++)
        put(o, " %s", r->graph.links[i].type);
    put(o, "\n");
    o->rows = r->graph.nnodes;
    return SK_OK;
}

/* Runs Q (planner on unless OFF) and returns its text; fails on error. */
static const char *run_q(fixture *f, const char *q, bool off, out *o)
{
    memset(o, 0, sizeof *o);
    sk_query_opts opts = {.no_planner = off};
    sk_query_error err = {0};
    int rc = sk_query_exec(f->s, q, strlen(q), &opts, collect, o, &err);
    if (rc != SK_OK)
        fail_msg("query failed (%s): %s\n%s", sk_strerror(rc), q, err.msg);
    return o->text;
}

static const char *run(fixture *f, const char *q, out *o)
{
    return run_q(f, q, false, o);
}

/* Runs Q expecting failure CODE with MSG in the report. */
static void fails(fixture *f, const char *q, int code, const char *msg)
{
    out o = {0};
    sk_query_error err = {0};
    int rc = sk_query_exec(f->s, q, strlen(q), NULL, collect, &o, &err);
    assert_int_equal(rc, code);
    if (!strstr(err.msg, msg))
        fail_msg("expected '%s' in:\n%s", msg, err.msg);
}

/* The plan explain gives for Q. */
static const char *plan_of(fixture *f, const char *q, bool off, out *o)
{
    memset(o, 0, sizeof *o);
    sk_query_opts opts = {.no_planner = off};
    sk_query_error err = {0};
    if (sk_query_explain(f->s, q, strlen(q), &opts, collect, o, &err) != SK_OK)
        fail_msg("explain failed: %s", err.msg);
    return o->text;
}

/* ---- Tests --------------------------------------------------------------- */

static void test_brief_example(void **state)
{
    out o;
    const char *q = "match (p:person)-[:owns]->(v:vehicle)-[s:seen_at]->(l:location) "
                    "where l.postcode ~ /^M1 / and s.time between 2024-03-01 and 2024-03-02 "
                    "return p.name, v.plate, s.time";
    assert_string_equal(run(*state, q, &o),
                        "p.name|v.plate|s.time\n"
                        "Alice|AB12CDE|2024-03-01T10:00:00Z\n"
                        "Bob|XY99ZZZ|2024-03-01T12:00:00Z\n"
                        "Carol|AB12CDE|2024-03-01T10:00:00Z\n");
}

static void test_whole_variables(void **state)
{
    out o;
    fixture *f = *state;
    /* A variable gives its id and its label (a link: its id and type). */
    run(f, "match (p:person {name: \"Bob\"})-[o:owns]->(v) return p, o, v.key as plate", &o);
    assert_non_null(strstr(o.text, "p|p.label|o|o.type|plate\n"));
    assert_non_null(strstr(o.text, "|Bob Jones|#"));
    assert_non_null(strstr(o.text, "|owns|XY99ZZZ\n"));
    /* Without return: every named variable. */
    run(f, "match (p:person {name: \"Bob\"})-[:owns]->(v:vehicle)", &o);
    assert_non_null(strstr(o.text, "p|p.label|v|v.label\n"));
    assert_non_null(strstr(o.text, "Bob Jones|#"));
    assert_non_null(strstr(o.text, "|XY99 ZZZ\n"));
    assert_int_equal(o.rows, 1);
}

static void test_property_maps(void **state)
{
    out o;
    fixture *f = *state;
    /* Strings compare folded, as in where. */
    assert_string_equal(run(f, "match (p:person {name: \"alice\"})-[:owns]->(v) return v.plate", &o),
                        "v.plate\nAB12CDE\n");
    /* A key is normalised by the type's rule before comparing. */
    assert_string_equal(run(f, "match (v:vehicle {key: \"ab12 cde\"})<-[:owns]-(p) "
                               "return p.name", &o),
                        "p.name\nAlice\nCarol\n");
    /* A link map. */
    assert_string_equal(run(f, "match (v:vehicle)-[s:seen_at {type: \"seen_at\"}]->"
                               "(:location {postcode: \"LS1 4AP\"}) return v.plate", &o),
                        "v.plate\nAB12CDE\n");
    /* No such value: no rows, not an error. */
    run(f, "match (p:person {name: \"Nobody\"}) return p.name", &o);
    assert_int_equal(o.rows, 0);
}

static void test_joined_patterns(void **state)
{
    out o;
    /* Co-owners: no link is bound twice, so a person is not their own. */
    assert_string_equal(run(*state, "match (a:person)-[:owns]->(v:vehicle), "
                                    "(b:person)-[:owns]->(v) return a.name, b.name, v.plate",
                            &o),
                        "a.name|b.name|v.plate\n"
                        "Alice|Carol|AB12CDE\n"
                        "Carol|Alice|AB12CDE\n");
    /* Two patterns sharing nothing: every combination. */
    run(*state, "match (v:vehicle), (l:location) return v.plate, l.postcode", &o);
    assert_int_equal(o.rows, 4);
}

static void test_variable_length(void **state)
{
    out o;
    fixture *f = *state;
    assert_string_equal(run(f, "match (a:person {name: \"Alice\"})-[:knows*1..3]-(b:person) "
                               "return b.name", &o),
                        "b.name\nBob\nCarol\nDave\n");
    /* A directed pattern follows directions, and undirected links either way. */
    assert_string_equal(run(f, "match (a {name: \"Alice\"})-[:knows*1..3]->(b) return b.name", &o),
                        "b.name\nBob\nCarol\nDave\n");
    assert_string_equal(run(f, "match (d {name: \"Dave\"})<-[:knows*1..2]-(b) return b.name", &o),
                        "b.name\nBob\nCarol\n");
    run(f, "match (d {name: \"Dave\"})-[:knows*1..2]->(b) return b.name", &o);
    assert_int_equal(o.rows, 0);
    /* Round the triangle in three hops, both ways: entities may repeat,
     * links may not (so no X-Y-X-Y). */
    assert_string_equal(run(f, "match (x {name: \"Xena\"})-[:knows*3]-(b) return b.name", &o),
                        "b.name\nXena\nXena\n");
    /* Zero hops binds both ends to the same entity. */
    assert_string_equal(run(f, "match (x {name: \"Xena\"})-[:knows*0..1]-(b) return b.name", &o),
                        "b.name\nXena\nYuri\nZoe\n");
    /* A segment between two bound ends is a check. */
    assert_string_equal(run(f, "match (a {name: \"Alice\"}), (d {name: \"Dave\"}), "
                               "(a)-[:knows*1..3]-(d) return a.name, d.name", &o),
                        "a.name|d.name\nAlice|Dave\n");
}

static void test_return_graph(void **state)
{
    out o;
    assert_string_equal(run(*state, "match (p:person {name: \"Bob\"})-[:owns]->(v)-[:seen_at]->(l) "
                                    "return graph", &o),
                        "nodes: Bob Jones XY99 ZZZ Piccadilly\nlinks: owns seen_at seen_at\n");
    assert_int_equal(o.kind, SK_RESULT_GRAPH);
    /* A segment's links all come with it. */
    assert_string_equal(run(*state, "match (a {name: \"Alice\"})-[r:knows*2]-(c) return graph",
                            &o),
                        "nodes: Alice Smith Bob Jones Carol White\nlinks: knows knows\n");
}

static void test_order_limit(void **state)
{
    out o;
    fixture *f = *state;
    assert_string_equal(run(f, "match (p:person)-[:knows]-(q) return p.name order by p.name desc "
                               "limit 2", &o),
                        "p.name\nZoe\nZoe\n");
    assert_string_equal(run(f, "match (v:vehicle)-[s:seen_at]->(l) return v.plate, s.time as t "
                               "order by t desc limit 3", &o),
                        "v.plate|t\nAB12CDE|2024-03-05T09:00:00Z\nXY99ZZZ|2024-03-03T08:00:00Z\n"
                        "XY99ZZZ|2024-03-01T12:00:00Z\n");
    /* Without order by, rows are sorted on their columns: limit keeps the
     * same rows whatever the plan. */
    assert_string_equal(run(f, "match (p:person) return p.name limit 3", &o),
                        "p.name\nAlice\nBob\nCarol\n");
    /* Ordering by a variable not returned. */
    assert_string_equal(run(f, "match (v:vehicle)-[s:seen_at]->(l) return v.plate order by "
                               "s.time limit 1", &o),
                        "v.plate\nAB12CDE\n");
}

static void test_planner_choice(void **state)
{
    out o;
    fixture *f = *state;
    const char *q = "match (p:person)-[:owns]->(v:vehicle)-[s:seen_at]->(l:location "
                    "{postcode: \"M1 1AA\"}) return p.name";
    assert_non_null(strstr(plan_of(f, q, false, &o),
                           "match: start at (l:location) by property index location.postcode"));
    assert_non_null(strstr(o.text, "match: expand (l) -[s:seen_at]- (v)"));
    assert_non_null(strstr(plan_of(f, q, true, &o),
                           "match: start at (p:person) by scan of type person"));
    assert_non_null(strstr(o.text, "(planner off)"));
    /* Without an index term the smallest type starts (2 vehicles). */
    assert_non_null(strstr(plan_of(f, "match (p:person)-[:owns]->(v:vehicle) return p.name",
                                   false, &o),
                           "start at (v:vehicle) by scan of type vehicle (2 entities)"));
    /* An equality in where is used like a map; a key with its index. */
    assert_non_null(strstr(plan_of(f, "match (p:person)-[:owns]->(v:vehicle) where "
                                      "p.name = \"Carol\" return v.plate", false, &o),
                           "start at (p:person) by property index person.name = \"Carol\""));
    assert_non_null(strstr(plan_of(f, "match (v:vehicle {key: \"xy99zzz\"}) return v", false, &o),
                           "by key index vehicle"));
    /* Numbers never use the string index (they compare as numbers). */
    assert_null(strstr(plan_of(f, "match (p:person) where p.name = \"12\" return p", false, &o),
                       "property index"));
}

static void test_planner_off_same_rows(void **state)
{
    fixture *f = *state;
    static const char *const queries[] = {
        "match (p:person)-[:owns]->(v:vehicle)-[s:seen_at]->(l:location) where l.postcode ~ "
        "/^M1 / and s.time between 2024-03-01 and 2024-03-02 return p.name, v.plate, s.time",
        "match (p:person {name: \"Carol\"})-[:knows*1..3]-(q) return p.name, q.name",
        "match (a:person)-[:owns]->(v), (b:person)-[:owns]->(v) return a, b",
        "match (v:vehicle {key: \"AB12CDE\"})-[s]-(x) return x, s.type order by x desc",
        "match (x)-[:knows]->(y)-[:knows]->(z) where z.name != \"Dave\" return x.name, z.name",
        "match (p:person)-[:knows*2]-(q:person) return p.name, q.name limit 5",
        "match (l:location)<-[:seen_at]-(v) return graph",
        "match (x {name: \"Xena\"})-[:knows*1..3]-(b) return b.name",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        out on, off;
        run_q(f, queries[i], false, &on);
        run_q(f, queries[i], true, &off);
        if (strcmp(on.text, off.text))
            fail_msg("planner changed the rows of %s:\n%s---\n%s", queries[i], on.text, off.text);
        assert_true(on.rows > 0);
    }
}

static void test_where_terms(void **state)
{
    out o;
    fixture *f = *state;
    /* A term over two variables is tested once both are bound. */
    assert_string_equal(run(f, "match (a:person)-[:knows]-(b:person) where a.name < \"D\" and "
                               "(a.name = \"Alice\" or b.name = \"Dave\") return a.name, b.name",
                            &o),
                        "a.name|b.name\nAlice|Bob\nCarol|Dave\n");
    assert_string_equal(run(f, "match (v:vehicle)-[s:seen_at]->(l) where not s.time < "
                               "2024-03-02 return v.plate, l.label", &o),
                        "v.plate|l.label\nAB12CDE|Leeds\nXY99ZZZ|Piccadilly\n");
}

static void test_errors(void **state)
{
    fixture *f = *state;
    fails(f, "match (p:person) return q.name", SK_ENOTFOUND, "'q' is not a variable of the pattern");
    fails(f, "match (p:person) where name = \"x\" return p", SK_EINVAL,
          "qualify a property with a variable");
    fails(f, "match (a)-[r:knows*1..2]-(b) where r.time > 2024-01-01 return a", SK_EINVAL,
          "'r' is a variable-length segment");
    fails(f, "match (a)-[r:knows]-(b), (c)-[r:knows]-(d) return a", SK_EINVAL,
          "the link variable 'r' is used twice");
    fails(f, "match (a)-[a:knows]-(b) return a", SK_EINVAL, "'a' already names an entity");
    fails(f, "match (p:persn) return p", SK_ENOTFOUND, "did you mean 'person'?");
    fails(f, "match (p:person) return graph order by p.name", SK_EINVAL, "'return graph' has none");
    fails(f, "match (p:person) return p order by nothing", SK_EINVAL, "cannot order by 'nothing'");
    fails(f, "match (p:person) return p.nam", SK_ENOTFOUND, "unknown property 'nam'");
}

static void test_two_types(void **state)
{
    out o;
    /* One variable asked to be two types matches nothing. */
    run(*state, "match (p:person)-[:owns]->(v:vehicle), (v:location) return p", &o);
    assert_int_equal(o.rows, 0);
}

/* A hub with more links than the supernode cap is reached but not walked
 * through by a variable-length segment, and the result says so. */
static int build_hub(sk_txn *t, void *ctx)
{
    (void)ctx;
    sk_id a = entity(t, "phone", "07700900001", "A", NULL, NULL);
    sk_id hub = entity(t, "phone", "08000000000", "Switchboard", NULL, NULL);
    mk_link(t, a, hub, "called", true, T0);
    for (int i = 0; i < 10001; i++) {
        char key[32];
        snprintf(key, sizeof key, "0771%07d", i);
        mk_link(t, hub, entity(t, "phone", key, key, NULL, NULL), "called", true, T0 + i);
    }
    return SK_OK;
}

static void test_supernode(void **state)
{
    (void)state;
    fixture f = {0};
    strcpy(f.dir, "/tmp/skein-hub-XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/case.skein", f.dir);
    sk_open_opts oo = {.flags = SK_OPEN_CREATE};
    assert_int_equal(sk_store_open(path, &oo, &f.s, err, sizeof err), SK_OK);
    assert_int_equal(sk_store_write(f.s, build_hub, NULL), SK_OK);
    out o;
    assert_string_equal(run(&f, "match (a:phone {label: \"A\"})-[:called*1..2]->(b) return b.label",
                            &o),
                        "b.label\nSwitchboard\n");
    assert_non_null(strstr(o.notice, "1 entities with more than 10000 links were not walked "
                                     "through (supernode cap)"));
    /* A fixed link pattern is what was asked for: the hub is expanded. */
    run(&f, "match (a:phone {label: \"A\"})-[:called]->(h)-[:called]->(b) return b", &o);
    assert_int_equal(o.rows, 10001);
    assert_string_equal(o.notice, "");
    sk_store_close(f.s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f.dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brief_example),
        cmocka_unit_test(test_whole_variables),
        cmocka_unit_test(test_property_maps),
        cmocka_unit_test(test_joined_patterns),
        cmocka_unit_test(test_variable_length),
        cmocka_unit_test(test_return_graph),
        cmocka_unit_test(test_order_limit),
        cmocka_unit_test(test_planner_choice),
        cmocka_unit_test(test_planner_off_same_rows),
        cmocka_unit_test(test_where_terms),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_two_types),
        cmocka_unit_test(test_supernode),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
