/*
 * test_query_time.c — timeline, colocated and convoy (query/stmt_time.c)
 * run through sk_query_exec, on crafted ANPR-like reads whose answers are
 * worked out below, and on ../shared/data/anpr-metrics-example (16 plates
 * read at camera 131 at 12:00 and at camera 130 at 12:05; plate 1 once more
 * the next day), loaded here through the core API.
 *
 * Crafted reads, T = 2024-03-01T08:00Z, minutes after T:
 *
 *              Camera 1   Camera 2   Camera 3   Camera 4
 *   AA00AAA    0, 0.5     10         20         30        (the subject)
 *   BB11BBB    1          11         21         31        convoy, 4 stops
 *   CC22CCC    2                     22                   2 places
 *   DD33DDD    -60        12                              1 place (C1 too early)
 *   EE44EEE    8          2          20         30        order broken at C1/C2
 *   AA00AAA    60                                         (back at Camera 1)
 *   GG66GGG    2, 61                                      Camera 1 twice: no route
 *
 * The subject's reads at Camera 1 at 0 and 0.5 are one stop. colocated
 * (10m): BB 4, EE 4 (ties go to the earlier first read: BB 08:01, EE
 * 08:02), CC 2, GG 2 (CC has the smaller id), the person John (seen at
 * Camera 1 at 08:05) 1, DD 1. convoy (5m, min 3): BB only — EE's reads at
 * C1 and C2 are 8 minutes off. convoy within 10m: BB 4, EE 3 (C1 C3 C4:
 * its C1 read comes after its C2 read). GG shares two stops with the
 * subject, both at Camera 1: never a convoy.
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

#define T 1709280000 /* 2024-03-01T08:00:00Z */
#define MIN 60

typedef struct fixture {
    char dir[64];
    sk_store *s;
} fixture;

/* ---- Building cases --------------------------------------------------------- */

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
    int rc = sk_entity_upsert(t, &in, &id, &(bool){false});
    assert_int_equal(rc, SK_OK);
    return id;
}

static sk_id mk_link(sk_txn *t, sk_id a, sk_id b, const char *type, int64_t time)
{
    sk_link_in in = {.src = a, .dst = b, .type = sym(t, SK_DICT_LTYPE, type), .directed = true,
                     .t_start = time, .t_end = time, .weight = 1};
    sk_id id;
    assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
    return id;
}

static int build(sk_txn *t, void *ctx)
{
    (void)ctx;
    sk_id cam[4];
    const char *names[] = {"Camera 1", "Camera 2", "Camera 3", "Camera 4"};
    for (int i = 0; i < 4; i++)
        cam[i] = entity(t, "camera", names[i], names[i]);
    static const struct { const char *plate; int cam; int sec; } reads[] = {
        {"AA00AAA", 0, 0},       {"AA00AAA", 0, 30},      {"AA00AAA", 1, 10 * MIN},
        {"AA00AAA", 2, 20 * MIN}, {"AA00AAA", 3, 30 * MIN},
        {"BB11BBB", 0, 1 * MIN}, {"BB11BBB", 1, 11 * MIN}, {"BB11BBB", 2, 21 * MIN},
        {"BB11BBB", 3, 31 * MIN},
        {"CC22CCC", 0, 2 * MIN}, {"CC22CCC", 2, 22 * MIN},
        {"DD33DDD", 0, -60 * MIN}, {"DD33DDD", 1, 12 * MIN},
        {"EE44EEE", 0, 8 * MIN}, {"EE44EEE", 1, 2 * MIN}, {"EE44EEE", 2, 20 * MIN},
        {"EE44EEE", 3, 30 * MIN},
        {"AA00AAA", 0, 60 * MIN}, {"GG66GGG", 0, 2 * MIN}, {"GG66GGG", 0, 61 * MIN},
    };
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        sk_id v = entity(t, "vehicle", reads[i].plate, reads[i].plate);
        mk_link(t, v, cam[reads[i].cam], "seen_at", T + reads[i].sec);
    }
    /* A timed link to something that is not a place is no sighting. */
    sk_id john = entity(t, "person", "John Smith", "John Smith");
    sk_id jane = entity(t, "person", "Jane Doe", "Jane Doe");
    mk_link(t, entity(t, "vehicle", "AA00AAA", "AA00AAA"), john, "driven_by", T + 5 * MIN);
    /* Timeline: a graded acquaintance, a sighting, an event with a date. */
    sk_source src = {.name = "intel.csv", .user = "test", .time = T};
    assert_int_equal(sk_source_add(t, &src), SK_OK);
    sk_link_in kn = {.src = john, .dst = jane, .type = sym(t, SK_DICT_LTYPE, "knows"),
                     .directed = true, .t_start = 1706745600 /* 2024-02-01 */,
                     .t_end = 1706745600, .weight = 1,
                     .assert = {src.id, sym(t, SK_DICT_GRADE, "B24")}};
    sk_id id;
    assert_int_equal(sk_link_create(t, &kn, &id), SK_OK);
    mk_link(t, john, cam[0], "seen_at", T + 5 * MIN);
    mk_link(t, jane, cam[1], "seen_at", T + 40 * MIN);
    sk_prop date = {sym(t, SK_DICT_PROP, "date"),
                    {.type = SK_V_TIME, .u.time = {T + 86400 + 2 * 3600, 0}}};
    sk_entity_in ev = {.type = sym(t, SK_DICT_ETYPE, "event"), .key = "burglary 1",
                       .label = "Burglary", .props = &date, .nprops = 1};
    sk_id burglary;
    assert_int_equal(sk_entity_create(t, &ev, &burglary), SK_OK);
    sk_link_in party = {.src = john, .dst = burglary, .type = sym(t, SK_DICT_LTYPE, "party_to"),
                        .directed = true, .t_start = SK_NO_TIME, .t_end = SK_NO_TIME};
    assert_int_equal(sk_link_create(t, &party, &id), SK_OK);
    /* An untimed link to a person lends no time (no date of birth). */
    sk_prop dob = {sym(t, SK_DICT_PROP, "dob"), {.type = SK_V_TIME, .u.time = {0, 0}}};
    sk_entity_in bro = {.type = sym(t, SK_DICT_ETYPE, "person"), .key = "Jim Smith",
                        .label = "Jim Smith", .props = &dob, .nprops = 1};
    sk_id jim;
    assert_int_equal(sk_entity_create(t, &bro, &jim), SK_OK);
    sk_link_in fam = {.src = john, .dst = jim, .type = sym(t, SK_DICT_LTYPE, "family"),
                      .t_start = SK_NO_TIME, .t_end = SK_NO_TIME};
    assert_int_equal(sk_link_create(t, &fam, &id), SK_OK);
    return SK_OK;
}

static int open_case(fixture *f, const char *tag)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/skein-%s-XXXXXX", tag);
    if (!mkdtemp(f->dir))
        return -1;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/case.skein", f->dir);
    sk_open_opts o = {.flags = SK_OPEN_CREATE};
    return sk_store_open(path, &o, &f->s, err, sizeof err) == SK_OK ? 0 : -1;
}

static void close_case(fixture *f)
{
    sk_store_close(f->s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || open_case(f, "time") || sk_store_write(f->s, build, NULL) != SK_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    close_case(*state);
    free(*state);
    return 0;
}

/* ---- Results as text ----------------------------------------------------------- */

typedef struct out {
    char text[16384];
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
    if (n > 0)
        o->len += (size_t)n < sizeof o->text - o->len ? (size_t)n : sizeof o->text - o->len - 1;
}

/* Rows as "cell|cell|…", ids left out (column "id", "entity", "other"),
 * times as ISO text. */
static int collect(void *ctx, const sk_result *r)
{
    out *o = ctx;
    assert_int_equal(r->kind, SK_RESULT_TABLE);
    const sk_table *t = &r->table;
    for (size_t i = 0; i < t->nrows; i++) {
        bool first = true;
        for (size_t c = 0; c < t->ncols; c++) {
            const sk_value *v = &t->cells[i * t->ncols + c];
            if (v->type == SK_V_ID)
                continue;
            put(o, "%s", first ? "" : "|");
            first = false;
            if (v->type == SK_V_STR) {
                put(o, "%.*s", (int)v->u.str.len, v->u.str.ptr);
            } else if (v->type == SK_V_INT) {
                put(o, "%lld", (long long)v->u.i);
            } else if (v->type == SK_V_TIME) {
                time_t tt = (time_t)v->u.time.t;
                struct tm tm;
                char buf[32];
                gmtime_r(&tt, &tm);
                strftime(buf, sizeof buf, "%m-%dT%H:%M:%S", &tm);
                put(o, "%s", buf);
            } else if (v->type == SK_V_NULL) {
                put(o, "-");
            } else {
                put(o, "?");
            }
        }
        put(o, "\n");
    }
    o->rows = t->nrows;
    return SK_OK;
}

static const char *run(sk_store *s, const char *q, out *o)
{
    memset(o, 0, sizeof *o);
    sk_query_error err = {0};
    int rc = sk_query_exec(s, q, strlen(q), NULL, collect, o, &err);
    if (rc != SK_OK)
        fail_msg("query failed (%s): %s\n%s", sk_strerror(rc), q, err.msg);
    return o->text;
}

/* ---- colocated ------------------------------------------------------------------- */

static void test_colocated(void **state)
{
    fixture *f = *state;
    out o;
    assert_string_equal(
        run(f->s, "colocated vehicle \"AA00AAA\"", &o),
        "vehicle|BB11BBB|BB11BBB|4|03-01T08:01:00|03-01T08:31:00|Camera 1 @ "
        "2024-03-01T08:01:00Z; Camera 2 @ 2024-03-01T08:11:00Z; Camera 3 @ 2024-03-01T08:21:00Z\n"
        "vehicle|EE44EEE|EE44EEE|4|03-01T08:02:00|03-01T08:30:00|Camera 2 @ "
        "2024-03-01T08:02:00Z; Camera 1 @ 2024-03-01T08:08:00Z; Camera 3 @ 2024-03-01T08:20:00Z\n"
        "vehicle|CC22CCC|CC22CCC|2|03-01T08:02:00|03-01T08:22:00|Camera 1 @ "
        "2024-03-01T08:02:00Z; Camera 3 @ 2024-03-01T08:22:00Z\n"
        "vehicle|GG66GGG|GG66GGG|2|03-01T08:02:00|03-01T09:01:00|Camera 1 @ "
        "2024-03-01T08:02:00Z; Camera 1 @ 2024-03-01T09:01:00Z\n"
        "person|john smith|John Smith|1|03-01T08:05:00|03-01T08:05:00|Camera 1 @ "
        "2024-03-01T08:05:00Z\n"
        "vehicle|DD33DDD|DD33DDD|1|03-01T08:12:00|03-01T08:12:00|Camera 2 @ "
        "2024-03-01T08:12:00Z\n");
    /* A narrower window: DD's read is 2 minutes off, CC's too; EE's C1 and
     * C2 reads fall out. */
    assert_string_equal(run(f->s, "colocated vehicle \"AA00AAA\" within 90s limit 2", &o),
                        "vehicle|BB11BBB|BB11BBB|4|03-01T08:01:00|03-01T08:31:00|Camera 1 @ "
                        "2024-03-01T08:01:00Z; Camera 2 @ 2024-03-01T08:11:00Z; Camera 3 @ "
                        "2024-03-01T08:21:00Z\n"
                        "vehicle|EE44EEE|EE44EEE|2|03-01T08:20:00|03-01T08:30:00|Camera 3 @ "
                        "2024-03-01T08:20:00Z; Camera 4 @ 2024-03-01T08:30:00Z\n");
    /* TIME picks the subject's sightings: C3, C4 and C1 at 09:00 (the
     * minute 09:00 is inside 'and 09:00'). */
    run(f->s, "colocated vehicle \"AA00AAA\" between 2024-03-01T08:15 and 2024-03-01T09:00", &o);
    assert_int_equal(o.rows, 4);
    assert_non_null(strstr(o.text, "GG66GGG|GG66GGG|1|03-01T09:01:00|"));
    assert_non_null(strstr(o.text, "CC22CCC|CC22CCC|1|"));
    /* People at the camera count as well: John within 10 minutes of C1. */
    run(f->s, "colocated person \"John Smith\" within 10m", &o);
    assert_non_null(strstr(o.text, "vehicle|AA00AAA|AA00AAA|1|03-01T08:00:00|"));
    assert_int_equal(o.rows, 5);
}

/* ---- convoy ----------------------------------------------------------------------- */

static void test_convoy(void **state)
{
    fixture *f = *state;
    out o;
    assert_string_equal(run(f->s, "convoy vehicle \"AA00AAA\"", &o),
                        "vehicle|BB11BBB|BB11BBB|4|03-01T08:01:00|03-01T08:31:00|"
                        "Camera 1 → Camera 2 → Camera 3 → Camera 4\n");
    assert_string_equal(run(f->s, "convoy vehicle \"AA00AAA\" min 2", &o),
                        "vehicle|BB11BBB|BB11BBB|4|03-01T08:01:00|03-01T08:31:00|"
                        "Camera 1 → Camera 2 → Camera 3 → Camera 4\n"
                        "vehicle|CC22CCC|CC22CCC|2|03-01T08:02:00|03-01T08:22:00|"
                        "Camera 1 → Camera 3\n"
                        "vehicle|EE44EEE|EE44EEE|2|03-01T08:20:00|03-01T08:30:00|"
                        "Camera 3 → Camera 4\n");
    /* Wider tolerance: EE matches all four places, but its C1 read comes
     * after its C2 read, so its ordered run is three (of the equally long
     * runs, the one on the subject's earliest stops). */
    assert_string_equal(run(f->s, "convoy vehicle \"AA00AAA\" within 10m", &o),
                        "vehicle|BB11BBB|BB11BBB|4|03-01T08:01:00|03-01T08:31:00|"
                        "Camera 1 → Camera 2 → Camera 3 → Camera 4\n"
                        "vehicle|EE44EEE|EE44EEE|3|03-01T08:08:00|03-01T08:30:00|"
                        "Camera 1 → Camera 3 → Camera 4\n");
    /* A window before the second camera leaves too few stops. */
    run(f->s, "convoy vehicle \"AA00AAA\" before 2024-03-01T08:05", &o);
    assert_int_equal(o.rows, 0);
}

/* ---- timeline ----------------------------------------------------------------------- */

static void test_timeline(void **state)
{
    fixture *f = *state;
    out o;
    /* The family link has no time and Jim is not an event: not listed. */
    assert_string_equal(run(f->s, "timeline person \"John Smith\"", &o),
                        "02-01T00:00:00|John Smith|knows|out|person|Jane Doe|B24|-\n"
                        "03-01T08:05:00|John Smith|driven_by|in|vehicle|AA00AAA|-|29d 8h 5m\n"
                        "03-01T08:05:00|John Smith|seen_at|out|camera|Camera 1|-|0s\n"
                        "03-02T10:00:00|John Smith|party_to|out|event|Burglary|-|1d 1h 55m\n");
    /* Two entities: a link between them is listed once. */
    assert_string_equal(run(f->s, "timeline person \"John Smith\", person \"Jane Doe\" "
                                  "between 2024-02-01 and 2024-03-01", &o),
                        "02-01T00:00:00|John Smith|knows|out|person|Jane Doe|B24|-\n"
                        "03-01T08:05:00|John Smith|driven_by|in|vehicle|AA00AAA|-|29d 8h 5m\n"
                        "03-01T08:05:00|John Smith|seen_at|out|camera|Camera 1|-|0s\n"
                        "03-01T08:40:00|Jane Doe|seen_at|out|camera|Camera 2|-|35m\n");
    assert_string_equal(run(f->s, "timeline person \"John Smith\" via party_to, knows limit 1",
                            &o),
                        "02-01T00:00:00|John Smith|knows|out|person|Jane Doe|B24|-\n");
}

/* ---- The ANPR example (third-party data) ------------------------------------------- */

static int parse_time(const char *s, int64_t *when)
{
    struct tm tm = {0};
    if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *when = (int64_t)timegm(&tm);
    return 0;
}

typedef struct csvload {
    const char *path;
    size_t reads;
} csvload;

/* Plate,Latitude,Longitude,TimeStamp,DeviceId,Name — a vehicle per plate,
 * a camera per device (labelled with its name), a seen_at link per read. */
static int load_anpr(sk_txn *t, void *ctx)
{
    csvload *c = ctx;
    FILE *fp = fopen(c->path, "r");
    if (!fp)
        return SK_EIO;
    char line[512];
    c->reads = 0;
    bool header = true;
    while (fgets(line, sizeof line, fp)) {
        if (header) {
            header = false;
            continue;
        }
        char *field[6] = {0};
        char *p = line;
        for (int i = 0; i < 6 && p; i++) {
            field[i] = p;
            p = strchr(p, ',');
            if (p)
                *p++ = '\0';
        }
        if (!field[5])
            continue;
        field[5][strcspn(field[5], "\r\n")] = '\0';
        char *name = field[5];
        if (*name == '"') {
            name++;
            name[strcspn(name, "\"")] = '\0';
        }
        int64_t when;
        if (parse_time(field[3], &when))
            continue;
        sk_id v = entity(t, "vehicle", field[0], field[0]);
        sk_id cam = entity(t, "camera", field[4], name);
        mk_link(t, v, cam, "seen_at", when);
        c->reads++;
    }
    fclose(fp);
    return SK_OK;
}

static void test_anpr_example(void **state)
{
    (void)state;
    const char *data = getenv("SK_SHARED_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/anpr-metrics-example/example.csv", data ? data : "");
    if (!data || access(path, R_OK) != 0) {
        print_message("skipped: SK_SHARED_DATA/anpr-metrics-example is absent\n");
        skip();
    }
    fixture f = {0};
    assert_int_equal(open_case(&f, "anpr"), 0);
    csvload c = {path, 0};
    assert_int_equal(sk_store_write(f.s, load_anpr, &c), SK_OK);
    assert_int_equal(c.reads, 33);
    out o;
    /* Every other plate was at both cameras with plate 1. */
    run(f.s, "colocated vehicle \"1\"", &o);
    assert_int_equal(o.rows, 15);
    assert_non_null(strstr(o.text, "vehicle|2|2|2|02-04T12:00:00|02-04T12:05:00|"
                                   "Kortrijk Pottelberg @ 2020-02-04T12:00:00Z; "
                                   "Heule Oude Ieperseweg @ 2020-02-04T12:05:00Z\n"));
    for (char *p = o.text; *p; p = strchr(p, '\n') + 1)
        assert_int_equal(strncmp(strchr(strchr(strchr(p, '|') + 1, '|') + 1, '|') + 1, "2|", 2), 0);
    /* Plate 1's reading the next day has no company. */
    run(f.s, "colocated vehicle \"1\" on 2020-02-05", &o);
    assert_int_equal(o.rows, 0);
    /* The convoy: the same two cameras in the same order, 5 minutes apart. */
    run(f.s, "convoy vehicle \"1\" min 2", &o);
    assert_int_equal(o.rows, 15);
    assert_non_null(strstr(o.text, "vehicle|16|16|2|02-04T12:00:00|02-04T12:05:00|"
                                   "Kortrijk Pottelberg → Heule Oude Ieperseweg\n"));
    run(f.s, "convoy vehicle \"7\" within 1m min 2", &o);
    assert_int_equal(o.rows, 15);
    /* Two places are not three. */
    run(f.s, "convoy vehicle \"1\"", &o);
    assert_int_equal(o.rows, 0);
    close_case(&f);
}

static void test_not_found(void **state)
{
    fixture *f = *state;
    out o = {0};
    sk_query_error err = {0};
    const char *q = "colocated vehicle \"ZZ99ZZZ\"";
    assert_int_equal(sk_query_exec(f->s, q, strlen(q), NULL, collect, &o, &err), SK_ENOTFOUND);
    assert_non_null(strstr(err.msg, "ZZ99ZZZ"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colocated),
        cmocka_unit_test(test_convoy),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_anpr_example),
        cmocka_unit_test(test_not_found),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
