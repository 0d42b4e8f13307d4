/*
 * test_export_format.c — the result printers: table, CSV and JSON output
 * of small hand-built results, compared as exact strings, and the JSON
 * parsed back with jansson.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "test_export_fixture.h"

#define STR(s) {.type = SK_V_STR, .u.str = {s, sizeof(s) - 1}}
#define ID(n) {.type = SK_V_ID, .u.i = n}
#define REAL(x) {.type = SK_V_REAL, .u.r = x}
#define BOOL(x) {.type = SK_V_BOOL, .u.b = x}
#define TIME(t, off) {.type = SK_V_TIME, .u.time = {t, off}}
#define NUL {.type = SK_V_NULL}

/* Prints R in format F into a string (caller frees). */
static char *print(const sk_result *r, sk_format f, const sk_format_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    assert_int_equal(sk_format_print(r, f, o, fp), SK_OK);
    fclose(fp);
    return buf;
}

static const char *k_cols[] = {"id", "name", "born", "score", "ok"};
static sk_value k_cells[] = {
    ID(1), STR("Jack Powell"), TIME(479430000, 60), REAL(0.5), BOOL(true),
    ID(123), STR("Li"), NUL, REAL(12), BOOL(false),
    ID(45), STR("A very long name that is cut"), TIME(1709460000, 0), REAL(-1.25), BOOL(true),
};

static sk_result table_result(void)
{
    sk_result r = {.kind = SK_RESULT_TABLE};
    r.table = (sk_table){5, k_cols, 3, k_cells};
    return r;
}

static void test_table_aligned(void **state)
{
    (void)state;
    sk_result r = table_result();
    sk_format_opts o = {.max_width = 20};
    char *out = print(&r, SK_FORMAT_TABLE, &o);
    assert_string_equal(out,
        "  id  name                  born                       score  ok\n"
        "----  --------------------  -------------------------  -----  -----\n"
        "  #1  Jack Powell           1985-03-12T00:00:00+01:00    0.5  true\n"
        "#123  Li                                                  12  false\n"
        " #45  A very long name th\xE2\x80\xA6  2024-03-03T10:00:00Z       -1.25  true\n"
        "3 rows\n");
    free(out);
}

static void test_table_notice_and_singular(void **state)
{
    (void)state;
    static const char *cols[] = {"n"};
    static sk_value cells[] = {{.type = SK_V_INT, .u.i = 7}};
    sk_result r = {.kind = SK_RESULT_TABLE, .notice = "cut at 1 row (limit rows)"};
    r.table = (sk_table){1, cols, 1, cells};
    char *out = print(&r, SK_FORMAT_TABLE, NULL);
    assert_string_equal(out, "n\n-\n7\n1 row\nnotice: cut at 1 row (limit rows)\n");
    free(out);
    r.table.nrows = 0;
    r.notice = NULL;
    out = print(&r, SK_FORMAT_TABLE, NULL);
    assert_string_equal(out, "n\n-\n0 rows\n");
    free(out);
}

static void test_table_inert_and_wide(void **state)
{
    (void)state;
    static const char *cols[] = {"who", "x"};
    static sk_value cells[] = {
        STR("Evil\x1b[31mRed\nX\xC2\x9B"), STR("a"),
        STR("\xE6\x9D\x8E\xE5\xB0\x8F\xE9\xBE\x99"), STR("b"), /* 李小龙: 6 columns */
        STR("bad\xFF"), STR("c"),
    };
    sk_result r = {.kind = SK_RESULT_TABLE};
    r.table = (sk_table){2, cols, 3, cells};
    char *out = print(&r, SK_FORMAT_TABLE, NULL);
    assert_string_equal(out,
        "who                       x\n"
        "------------------------  -\n"
        "Evil\\x1b[31mRed\\nX\\u009b  a\n"
        "\xE6\x9D\x8E\xE5\xB0\x8F\xE9\xBE\x99                    b\n"
        "bad\xEF\xBF\xBD                      c\n"
        "3 rows\n");
    assert_null(strchr(out, '\x1b'));
    free(out);
}

static void test_table_colour(void **state)
{
    (void)state;
    static const char *cols[] = {"id", "name"};
    static sk_value cells[] = {ID(9), STR("Al")};
    sk_result r = {.kind = SK_RESULT_TABLE};
    r.table = (sk_table){2, cols, 1, cells};
    sk_format_opts o = {.colour = true};
    char *out = print(&r, SK_FORMAT_TABLE, &o);
    assert_string_equal(out,
        "\x1b[1mid\x1b[0m  \x1b[1mname\x1b[0m\n"
        "\x1b[2m--  ----\x1b[0m\n"
        "\x1b[36m#9\x1b[0m  Al\n"
        "\x1b[2m1 row\x1b[0m\n");
    free(out);
}

/* Jack -knows- Alan -family_rel-> Raymond, as a path. */
static sk_result *path_fixture(fx *f)
{
    static sk_rprop props[] = {{"dob", TIME(479433600, 0)}, {"age", {.type = SK_V_INT, .u.i = 38}}};
    static sk_id path[] = {10, 11};
    sk_rnode *n = fx_node(f, 1, "person", "jack powell", "Jack Powell");
    n->props = props;
    n->nprops = 2;
    fx_node(f, 2, "person", "alan ward", "Alan Ward");
    fx_node(f, 3, "person", "", "Raymond Walker");
    sk_rlink *l = fx_link(f, 10, 2, 1, "knows", false, SK_NO_TIME);
    l->grade = "B2";
    l = fx_link(f, 11, 2, 3, "family_rel", true, T_3MAR_10H);
    l->t_off = -300;
    l->t_end = T_3MAR_10H + 3600;
    f->paths[0] = path;
    f->path_len[0] = 2;
    f->npaths = 1;
    return fx_graph(f);
}

static void test_graph_table_and_path(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = path_fixture(f);
    char *out = print(r, SK_FORMAT_TABLE, NULL);
    assert_string_equal(out,
        "id  type    key          label\n"
        "--  ------  -----------  --------------\n"
        "#1  person  jack powell  Jack Powell\n"
        "#2  person  alan ward    Alan Ward\n"
        "#3  person               Raymond Walker\n"
        "3 entities\n"
        "\n"
        " id  src  dst  type        time                                                 grade\n"
        "---  ---  ---  ----------  ---------------------------------------------------  -----\n"
        "#10   #2   #1  knows                                                            B2\n"
        "#11   #2   #3  family_rel  2024-03-03T05:00:00-05:00/2024-03-03T06:00:00-05:00\n"
        "2 links\n"
        "\n"
        "Jack Powell -[knows]- Alan Ward -[family_rel]-> Raymond Walker\n"
        "1 path\n");
    free(out);
    free(f);
}

static void test_path_backwards(void **state)
{
    (void)state;
    fx *f = fx_new();
    static sk_id path[] = {21, 20};
    fx_node(f, 1, "phone", "", "A");
    fx_node(f, 2, "phone", "", "B");
    fx_node(f, 3, "phone", "", "C");
    fx_link(f, 20, 1, 2, "called", true, SK_NO_TIME);
    fx_link(f, 21, 2, 3, "called", true, SK_NO_TIME);
    f->paths[0] = path;
    f->path_len[0] = 2;
    f->npaths = 1;
    sk_result *r = fx_graph(f);
    char *out = print(r, SK_FORMAT_TABLE, NULL);
    assert_non_null(strstr(out, "\nC <-[called]- B <-[called]- A\n1 path\n"));
    free(out);
    free(f);
}

static void test_csv_table(void **state)
{
    (void)state;
    static const char *cols[] = {"id", "name", "born", "score", "where"};
    static sk_value cells[] = {
        ID(1), STR("Smith, \"Jo\"\nX"), TIME(479430000, 60), REAL(0.1),
        {.type = SK_V_GEO, .u.geo = {51.5074, -0.1278}},
        ID(2), STR("plain"), NUL, REAL(1e21), NUL,
    };
    sk_result r = {.kind = SK_RESULT_TABLE};
    r.table = (sk_table){5, cols, 2, cells};
    char *out = print(&r, SK_FORMAT_CSV, NULL);
    assert_string_equal(out,
        "id,name,born,score,where\r\n"
        "1,\"Smith, \"\"Jo\"\"\nX\",1985-03-12T00:00:00+01:00,0.1,\"51.5074,-0.1278\"\r\n"
        "2,plain,,1e+21,\r\n");
    free(out);
}

static void test_csv_graph(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = path_fixture(f);
    char *out = print(r, SK_FORMAT_CSV, NULL);
    assert_string_equal(out,
        "id,type,key,label\r\n"
        "1,person,jack powell,Jack Powell\r\n"
        "2,person,alan ward,Alan Ward\r\n"
        "3,person,,Raymond Walker\r\n"
        "\r\n"
        "id,src,dst,type,time,grade\r\n"
        "10,2,1,knows,,B2\r\n"
        "11,2,3,family_rel,2024-03-03T05:00:00-05:00/2024-03-03T06:00:00-05:00,\r\n"
        "\r\n"
        "path,step,link\r\n"
        "1,1,10\r\n"
        "1,2,11\r\n");
    free(out);
    free(f);
}

static void test_json_table(void **state)
{
    (void)state;
    sk_result r = table_result();
    r.notice = "cut at 3 rows";
    char *out = print(&r, SK_FORMAT_JSON, NULL);
    assert_string_equal(out,
        "{\"columns\":[\"id\",\"name\",\"born\",\"score\",\"ok\"],\"rows\":["
        "[1,\"Jack Powell\",\"1985-03-12T00:00:00+01:00\",0.5,true],"
        "[123,\"Li\",null,12.0,false],"
        "[45,\"A very long name that is cut\",\"2024-03-03T10:00:00Z\",-1.25,true]],"
        "\"notice\":\"cut at 3 rows\"}\n");
    free(out);
}

static void test_json_graph(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = path_fixture(f);
    char *out = print(r, SK_FORMAT_JSON, NULL);
    assert_string_equal(out,
        "{\"nodes\":["
        "{\"id\":1,\"type\":\"person\",\"key\":\"jack powell\",\"label\":\"Jack Powell\","
        "\"props\":{\"dob\":\"1985-03-12T00:00:00Z\",\"age\":38}},"
        "{\"id\":2,\"type\":\"person\",\"key\":\"alan ward\",\"label\":\"Alan Ward\",\"props\":{}},"
        "{\"id\":3,\"type\":\"person\",\"key\":\"\",\"label\":\"Raymond Walker\",\"props\":{}}],"
        "\"links\":["
        "{\"id\":10,\"src\":2,\"dst\":1,\"type\":\"knows\",\"time\":null,\"props\":{}},"
        "{\"id\":11,\"src\":2,\"dst\":3,\"type\":\"family_rel\","
        "\"time\":\"2024-03-03T05:00:00-05:00/2024-03-03T06:00:00-05:00\",\"props\":{}}],"
        "\"paths\":[[10,11]]}\n");
    free(out);
    free(f);
}

static void test_json_parses_back(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = fx_network(f);
    r->notice = "cut at 20 links";
    sk_format_opts o = {.pretty = true};
    char *out = print(r, SK_FORMAT_JSON, &o);
    json_error_t err;
    json_t *doc = json_loads(out, 0, &err);
    assert_non_null(doc);
    json_t *nodes = json_object_get(doc, "nodes"), *links = json_object_get(doc, "links");
    assert_int_equal(json_array_size(nodes), f->nn);
    assert_int_equal(json_array_size(links), f->nl);
    json_t *jack = json_array_get(nodes, 0);
    assert_true(json_is_integer(json_object_get(jack, "id")));
    assert_int_equal(json_integer_value(json_object_get(jack, "id")), 1);
    assert_string_equal(json_string_value(json_object_get(jack, "label")), "Jack Powell");
    json_t *props = json_object_get(jack, "props");
    assert_int_equal(json_integer_value(json_object_get(props, "age")), 38);
    json_t *call = json_array_get(links, 4);
    assert_int_equal(json_integer_value(json_object_get(call, "src")), 4);
    assert_string_equal(json_string_value(json_object_get(call, "time")),
                        "2024-03-03T10:00:00Z");
    assert_string_equal(json_string_value(json_object_get(doc, "notice")), "cut at 20 links");
    assert_string_equal(json_string_value(json_object_get(doc, "handling")),
                        "OFFICIAL-SENSITIVE");
    assert_null(json_object_get(doc, "paths"));
    json_decref(doc);
    free(out);
    free(f);
}

static void test_json_repairs_utf8(void **state)
{
    (void)state;
    static const char *cols[] = {"s"};
    static sk_value cells[] = {STR("ok\xFF\"<>"), {.type = SK_V_REAL, .u.r = 0.0 / 0.0}};
    sk_result r = {.kind = SK_RESULT_TABLE};
    r.table = (sk_table){1, cols, 2, cells};
    char *out = print(&r, SK_FORMAT_JSON, NULL);
    assert_string_equal(out, "{\"columns\":[\"s\"],\"rows\":[[\"ok\xEF\xBF\xBD\\\"<>\"],[null]]}\n");
    free(out);
}

static int failing_sink(void *ctx, const char *buf, size_t len)
{
    (void)buf;
    (void)len;
    int *calls = ctx;
    return ++*calls >= 2 ? SK_EIO : SK_OK;
}

static void test_sink_error_stops(void **state)
{
    (void)state;
    sk_result r = table_result();
    for (int f = SK_FORMAT_TABLE; f <= SK_FORMAT_JSON; f++) {
        int calls = 0;
        sk_sink s = {failing_sink, &calls};
        assert_int_equal(sk_format_emit(&r, (sk_format)f, NULL, &s), SK_EIO);
        assert_int_equal(calls, 2);
    }
}

static void test_value_helpers(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(sk_format_time(0, -330, buf, sizeof buf), 25);
    assert_string_equal(buf, "1969-12-31T18:30:00-05:30");
    sk_value id = ID(77);
    assert_int_equal(sk_format_value(&id, buf, sizeof buf), 3);
    assert_string_equal(buf, "#77");
    sk_value cjk = STR("\xE6\x9D\x8E\xE5\xB0\x8F");
    /* Cut on a character boundary, never inside one. */
    assert_int_equal(sk_format_value(&cjk, buf, 5), 6);
    assert_string_equal(buf, "\xE6\x9D\x8E");
    /* People read six significant digits; CSV and JSON keep every digit. */
    sk_value r = REAL(0.1 + 0.2);
    sk_format_value(&r, buf, sizeof buf);
    assert_string_equal(buf, "0.3");
    sk_value third = REAL(198.0 + 2.0 / 3.0);
    sk_format_value(&third, buf, sizeof buf);
    assert_string_equal(buf, "198.667");
    sk_format f;
    assert_int_equal(sk_format_parse("JSON", &f), SK_OK);
    assert_int_equal(f, SK_FORMAT_JSON);
    assert_int_equal(sk_format_parse("xml", &f), SK_EINVAL);
    assert_string_equal(sk_format_name(SK_FORMAT_CSV), "csv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_aligned),
        cmocka_unit_test(test_table_notice_and_singular),
        cmocka_unit_test(test_table_inert_and_wide),
        cmocka_unit_test(test_table_colour),
        cmocka_unit_test(test_graph_table_and_path),
        cmocka_unit_test(test_path_backwards),
        cmocka_unit_test(test_csv_table),
        cmocka_unit_test(test_csv_graph),
        cmocka_unit_test(test_json_table),
        cmocka_unit_test(test_json_graph),
        cmocka_unit_test(test_json_parses_back),
        cmocka_unit_test(test_json_repairs_utf8),
        cmocka_unit_test(test_sink_error_stops),
        cmocka_unit_test(test_value_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
