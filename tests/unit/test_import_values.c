/*
 * test_import_values.c — text to typed values: dates and times by format,
 * time zones from TZif files (no host TZ), numbers with decimal commas and
 * thousands separators, amounts with their sign conventions, durations,
 * booleans and the party-kind guess.
 */
#include "test_import_util.h"

#include "import_int.h"

/* 2024-03-31 01:00 UTC: the UK clocks go forward. */
#define SPRING_2024 1711846800LL

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    return imp_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

static void formats(void **state)
{
    (void)state;
    imp_tz *z;
    char err[256];
    assert_int_equal(imp_tz_load("UTC", &z, err, sizeof err), SK_OK);
    imp_time t;
    assert_int_equal(imp_time_parse("24/08/2017", 10, "%d/%m/%Y", z, &t), SK_OK);
    assert_int_equal(t.t, utc(2017, 8, 24, 0, 0, 0));
    assert_int_equal(imp_time_parse(" 2017-08-24 13:05:09 ", 21, "%Y-%m-%d %H:%M:%S", z, &t),
                     SK_OK);
    assert_int_equal(t.t, utc(2017, 8, 24, 13, 5, 9));
    assert_int_equal(imp_time_parse("\"2022-10-11T10:40:29\"", 21, "iso", z, &t), SK_OK);
    assert_int_equal(t.t, utc(2022, 10, 11, 10, 40, 29));
    assert_int_equal(imp_time_parse("2024-03-01T11:40:00.250+01:00", 29, "iso", NULL, &t),
                     SK_OK);
    assert_int_equal(t.t, utc(2024, 3, 1, 10, 40, 0));
    assert_int_equal(t.off, 3600);
    assert_int_equal(imp_time_parse("1/3/1990 1:23:54 PM UTC+4", 25, "%m/%d/%Y %I:%M:%S %p %z",
                                    NULL, &t), SK_OK);
    assert_int_equal(t.t, utc(1990, 1, 3, 9, 23, 54));
    assert_int_equal(imp_time_parse("12 Mar 2024 08:00", 17, "%d %b %Y %H:%M", z, &t), SK_OK);
    assert_int_equal(t.t, utc(2024, 3, 12, 8, 0, 0));
    assert_int_equal(imp_time_parse("1449158574", 10, "epoch", z, &t), SK_OK);
    assert_int_equal(t.t, 1449158574);
    assert_int_equal(imp_time_parse("01/20/15", 8, "%m/%d/%y", z, &t), SK_OK);
    assert_int_equal(t.t, utc(2015, 1, 20, 0, 0, 0));
    /* Not a date, a wrong day, a wrong format, and no offset without a zone. */
    assert_int_equal(imp_time_parse("2015-13-45", 10, "%Y-%m-%d", z, &t), SK_EPARSE);
    assert_int_equal(imp_time_parse("2023-02-29", 10, "%Y-%m-%d", z, &t), SK_EPARSE);
    assert_int_equal(imp_time_parse("24/08/2017 x", 12, "%d/%m/%Y", z, &t), SK_EPARSE);
    assert_int_equal(imp_time_parse("2017-08-24T10:00", 16, "iso", NULL, &t), SK_EINVAL);
    assert_null(imp_time_format_check("%F %T"));
    assert_non_null(imp_time_format_check("%Q"));
    assert_non_null(imp_time_format_check("literal only"));
    imp_tz_free(z);
}

static void zones(void **state)
{
    (void)state;
    if (access("/usr/share/zoneinfo/Europe/London", R_OK) != 0 && !getenv("TZDIR"))
        skip();
    imp_tz *z;
    char err[256];
    assert_int_equal(imp_tz_load("Europe/London", &z, err, sizeof err), SK_OK);
    assert_int_equal(imp_tz_offset_utc(z, SPRING_2024 - 1), 0);
    assert_int_equal(imp_tz_offset_utc(z, SPRING_2024), 3600);
    imp_time t;
    /* Summer: BST. */
    assert_int_equal(imp_time_parse("24/08/2017", 10, "%d/%m/%Y", z, &t), SK_OK);
    assert_int_equal(t.t, utc(2017, 8, 23, 23, 0, 0));
    assert_int_equal(t.off, 3600);
    /* In the gap (01:30 does not exist): the offset before the change. */
    assert_int_equal(imp_time_parse("2024-03-31 01:30", 16, "%Y-%m-%d %H:%M", z, &t), SK_OK);
    assert_int_equal(t.t, utc(2024, 3, 31, 1, 30, 0));
    /* Ambiguous (01:30 happens twice): the earlier instant, BST. */
    assert_int_equal(imp_time_parse("2024-10-27 01:30", 16, "%Y-%m-%d %H:%M", z, &t), SK_OK);
    assert_int_equal(t.t, utc(2024, 10, 27, 0, 30, 0));
    /* Far beyond the table: the footer rule (BST in July 2100). */
    assert_int_equal(imp_tz_offset_utc(z, utc(2100, 7, 1, 12, 0, 0)), 3600);
    assert_int_equal(imp_tz_offset_utc(z, utc(2100, 12, 1, 12, 0, 0)), 0);
    imp_tz_free(z);
    assert_int_equal(imp_tz_load("America/New_York", &z, err, sizeof err), SK_OK);
    assert_int_equal(imp_tz_offset_utc(z, utc(2024, 7, 1, 0, 0, 0)), -4 * 3600);
    assert_int_equal(imp_tz_offset_utc(z, utc(2024, 1, 1, 0, 0, 0)), -5 * 3600);
    imp_tz_free(z);
    assert_int_equal(imp_tz_load("Australia/Sydney", &z, err, sizeof err), SK_OK);
    assert_int_equal(imp_tz_offset_utc(z, utc(2024, 1, 1, 0, 0, 0)), 11 * 3600);
    assert_int_equal(imp_tz_offset_utc(z, utc(2090, 1, 1, 0, 0, 0)), 11 * 3600);
    assert_int_equal(imp_tz_offset_utc(z, utc(2090, 7, 1, 0, 0, 0)), 10 * 3600);
    imp_tz_free(z);
}

static void fixed_offsets_and_bad_zones(void **state)
{
    (void)state;
    imp_tz *z;
    char err[256];
    assert_int_equal(imp_tz_load("+05:30", &z, err, sizeof err), SK_OK);
    assert_int_equal(imp_tz_offset_utc(z, 0), 19800);
    imp_tz_free(z);
    assert_int_equal(imp_tz_load("UTC-3", &z, err, sizeof err), SK_OK);
    assert_int_equal(imp_tz_offset_utc(z, 0), -10800);
    imp_tz_free(z);
    assert_int_equal(imp_tz_load("../../etc/passwd", &z, err, sizeof err), SK_EPARSE);
    tu_contains(err, "unknown time zone '../../etc/passwd'");
    assert_int_equal(imp_tz_load("+25:00", &z, err, sizeof err), SK_EPARSE);
}

static void numbers(void **state)
{
    (void)state;
    imp_numfmt uk = {.decimal = '.', .thousands = ','};
    imp_numfmt eu = {.decimal = ',', .thousands = '.'};
    int64_t i;
    double r;
    assert_int_equal(imp_parse_int(" 1,234,567 ", 11, &uk, &i), SK_OK);
    assert_int_equal(i, 1234567);
    assert_int_equal(imp_parse_int("1,23", 4, &uk, &i), SK_EPARSE);
    assert_int_equal(imp_parse_int("12.5", 4, &uk, &i), SK_EPARSE);
    assert_int_equal(imp_parse_int("-9223372036854775808", 20, &uk, &i), SK_OK);
    assert_int_equal(imp_parse_int("9223372036854775808", 19, &uk, &i), SK_EPARSE);
    assert_int_equal(imp_parse_real("1.234,56", 8, &eu, &r), SK_OK);
    assert_true(r == 1234.56);
    assert_int_equal(imp_parse_real("53.530988", 9, &uk, &r), SK_OK);
    assert_true(r == 53.530988);
    assert_int_equal(imp_parse_real("-2.61741", 8, &uk, &r), SK_OK);
    assert_true(r == -2.61741);
    assert_int_equal(imp_parse_real("1e3", 3, &uk, &r), SK_OK);
    assert_true(r == 1000);
    assert_int_equal(imp_parse_real("abc", 3, &uk, &r), SK_EPARSE);
    assert_int_equal(imp_parse_real("", 0, &uk, &r), SK_EPARSE);
}

static void amounts(void **state)
{
    (void)state;
    imp_numfmt uk = {.decimal = '.', .thousands = ','};
    imp_numfmt inv = {.decimal = '.', .thousands = ',', .inverted = true};
    double r;
    static const struct { const char *s; double v; } ok[] = {
        {"-1,250.00", -1250}, {"(80.00)", -80}, {"12.50-", -12.5}, {"45.50 DR", -45.5},
        {"45.50 CR", 45.5}, {"\xC2\xA3" "3,500", 3500}, {"GBP 10", 10}, {"+7", 7},
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        assert_int_equal(imp_parse_amount(ok[k].s, strlen(ok[k].s), &uk, &r), SK_OK);
        assert_true(r == ok[k].v);
    }
    assert_int_equal(imp_parse_amount("10", 2, &inv, &r), SK_OK);
    assert_true(r == -10);
    assert_int_equal(imp_parse_amount("--10", 4, &uk, &r), SK_EPARSE);
    assert_int_equal(imp_parse_amount("ten", 3, &uk, &r), SK_EPARSE);
}

static void durations_booleans_parties(void **state)
{
    (void)state;
    int64_t ms;
    bool clock, b;
    assert_int_equal(imp_duration_parse("125", 3, &ms, &clock), SK_OK);
    assert_int_equal(ms, 125000);
    assert_false(clock);
    assert_int_equal(imp_duration_parse("0:45", 4, &ms, &clock), SK_OK);
    assert_int_equal(ms, 45000);
    assert_true(clock);
    assert_int_equal(imp_duration_parse("00:00:33.6090010", 16, &ms, &clock), SK_OK);
    assert_int_equal(ms, 33609);
    assert_int_equal(imp_duration_parse("1:75", 4, &ms, &clock), SK_EPARSE);
    assert_int_equal(imp_duration_parse("x", 1, &ms, &clock), SK_EPARSE);
    assert_int_equal(imp_parse_bool("Yes", 3, &b), SK_OK);
    assert_true(b);
    assert_int_equal(imp_parse_bool("false", 5, &b), SK_OK);
    assert_false(b);
    assert_int_equal(imp_parse_bool("maybe", 5, &b), SK_EPARSE);
    size_t n = 27;
    assert_string_equal(imp_party_kind("447700900789@s.whatsapp.net", &n), "phone");
    assert_int_equal(n, 12);
    n = 13;
    assert_string_equal(imp_party_kind("lee@mail.test", &n), "email");
    n = 14;
    assert_string_equal(imp_party_kind("+44 (0)7700 90", &n), "phone");
    n = 6;
    assert_string_equal(imp_party_kind("jj_bad", &n), "account");
}

static void hash_map(void **state)
{
    (void)state;
    imp_hmap m;
    imp_hmap_init(&m);
    char k[32];
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(k, sizeof k, "key%d", i);
        assert_int_equal(imp_hmap_put(&m, k, (size_t)n, (uint64_t)i * 3), SK_OK);
    }
    assert_int_equal(m.n, 100000);
    uint64_t v;
    for (int i = 0; i < 100000; i += 997) {
        int n = snprintf(k, sizeof k, "key%d", i);
        assert_true(imp_hmap_get(&m, k, (size_t)n, &v));
        assert_int_equal(v, (uint64_t)i * 3);
    }
    assert_false(imp_hmap_get(&m, "nokey", 5, &v));
    assert_int_equal(imp_hmap_put(&m, "key7", 4, 1), SK_OK);
    assert_true(imp_hmap_get(&m, "key7", 4, &v));
    assert_int_equal(v, 1);
    assert_int_equal(m.n, 100000);
    imp_hmap_clear(&m);
    assert_false(imp_hmap_get(&m, "key7", 4, &v));
    imp_hmap_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats),
        cmocka_unit_test(zones),
        cmocka_unit_test(fixed_offsets_and_bad_zones),
        cmocka_unit_test(numbers),
        cmocka_unit_test(amounts),
        cmocka_unit_test(durations_booleans_parties),
        cmocka_unit_test(hash_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
