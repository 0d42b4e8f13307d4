/*
 * test_query_similarity.c — Jaro-Winkler and duplicate-candidate scoring
 * (query/similarity.c).
 *
 * The string measures are checked against values published by others:
 * Winkler (1990) and the Jaro-Winkler literature (MARTHA/MARHTA 0.961,
 * DWAYNE/DUANE 0.840, DIXON/DICKSONX 0.813, the census-name pairs of
 * Winkler's table). The scoring is checked for the promises made in
 * similarity.h: a name alone never scores high, each kind of evidence
 * raises the score, conflicting dates of birth lower it, and the reasons
 * say why.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "similarity.h"

static double jaro(const char *a, const char *b)
{
    return sk_sim_jaro(a, strlen(a), b, strlen(b));
}

static double jw(const char *a, const char *b)
{
    return sk_sim_jaro_winkler(a, strlen(a), b, strlen(b));
}

static double name(const char *a, const char *b)
{
    return sk_sim_name(a, strlen(a), b, strlen(b));
}

/* Published values are given to 3 decimals. */
#define assert_3dp(x, want)                                                 \
    do {                                                                    \
        double x_ = (x);                                                    \
        if (fabs(x_ - (want)) > 0.0005)                                     \
            fail_msg("%s = %.4f, published %.3f", #x, x_, (double)(want));  \
    } while (0)

static void test_published_values(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        double jaro, jw;
    } pairs[] = {
        {"MARTHA", "MARHTA", 0.944, 0.961},
        {"DWAYNE", "DUANE", 0.822, 0.840},
        {"DIXON", "DICKSONX", 0.767, 0.813},
        {"JELLYFISH", "SMELLYFISH", 0.896, 0.896},
        /* Winkler (1990), table of census surnames. */
        {"SHACKLEFORD", "SHACKELFORD", 0.970, 0.982},
        {"DUNNINGHAM", "CUNNIGHAM", 0.896, 0.896},
        {"NICHLESON", "NICHULSON", 0.926, 0.956},
        {"JONES", "JOHNSON", 0.790, 0.832},
        {"MASSEY", "MASSIE", 0.889, 0.933},
        {"ABROMS", "ABRAMS", 0.889, 0.922},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        assert_3dp(jaro(pairs[i].a, pairs[i].b), pairs[i].jaro);
        assert_3dp(jw(pairs[i].a, pairs[i].b), pairs[i].jw);
        /* Both measures are symmetric. */
        assert_true(jw(pairs[i].a, pairs[i].b) == jw(pairs[i].b, pairs[i].a));
    }
}

static void test_edges(void **state)
{
    (void)state;
    assert_true(jaro("", "") == 1);
    assert_true(jaro("", "A") == 0);
    assert_true(jw("ABC", "") == 0);
    assert_true(jw("ABC", "ABC") == 1);
    assert_true(jw("ABC", "XYZ") == 0);
    assert_true(jw("A", "A") == 1);
    /* Below 0.7 Jaro there is no prefix bonus (Winkler's threshold). */
    double j = jaro("ABCDEFGH", "ABXXXXXX");
    assert_true(j <= 0.7);
    assert_true(jw("ABCDEFGH", "ABXXXXXX") == j);
    /* The prefix counts at most 4 characters. */
    assert_3dp(jw("ABCDEFGHIJ", "ABCDEFGHXX"), jaro("ABCDEFGHIJ", "ABCDEFGHXX") +
                                                   0.4 * (1 - jaro("ABCDEFGHIJ", "ABCDEFGHXX")));
}

/* Code points, not bytes: é is one character, so "josé"/"jose" is one
 * substitution in four; invalid UTF-8 is one U+FFFD per byte. */
static void test_utf8(void **state)
{
    (void)state;
    assert_3dp(jaro("jos\xC3\xA9", "jose"), (0.75 + 0.75 + 1) / 3);
    assert_3dp(jaro("\xC3\xA9", "\xC3\xA8"), 0);
    assert_true(jw("m\xC3\xBCller", "m\xC3\xBCller") == 1);
    assert_3dp(jaro("a\xFF" "b", "a\xFE" "b"), 1);   /* both U+FFFD */
    assert_3dp(jaro("\xE2\x82", "ab"), 0);           /* truncated sequence */
    /* Longer than SK_SIM_MAX_CHARS: the head decides, nothing overflows. */
    char a[600], b[600];
    memset(a, 'x', sizeof a - 1);
    memset(b, 'x', sizeof b - 1);
    a[599] = b[599] = '\0';
    b[590] = 'y';
    assert_true(jw(a, b) == 1);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(name("john smith", "smith john") == 1);
    assert_true(name("john  smith", "smith john") == 1);
    assert_true(name("jon smith", "smith john") > 0.9);
    assert_true(name("john smith", "john smith") == 1);
    assert_true(name("alice jones", "robert brown") < SK_SIM_NAME_THRESHOLD);
    /* Never below the plain Jaro-Winkler. */
    assert_true(name("martha", "marhta") >= jw("martha", "marhta"));
}

/* ---- Duplicate candidates ------------------------------------------- */

/* Days since 1970 of a civil date, as seconds at noon. */
static int64_t day(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400 + 43200;
}

static sk_sim_entity person(sk_id id, const char *nm, int64_t dob)
{
    return (sk_sim_entity){.id = id, .name = nm, .dob = dob};
}

static sk_sim_score score(const sk_sim_entity *a, const sk_sim_entity *b)
{
    sk_sim_score s, r;
    assert_int_equal(sk_sim_score_pair(a, b, &s), SK_OK);
    assert_int_equal(sk_sim_score_pair(b, a, &r), SK_OK);
    assert_true(fabs(s.score - r.score) < 1e-12);   /* symmetric */
    assert_true(s.score >= 0 && s.score <= 1);
    return s;
}

static void test_name_alone_is_never_high(void **state)
{
    (void)state;
    sk_sim_entity a = person(1, "john smith", SK_NO_TIME);
    sk_sim_entity b = person(2, "john smith", SK_NO_TIME);
    sk_sim_score s = score(&a, &b);
    assert_true(s.score <= SK_SIM_NAME_ALONE_MAX + 1e-12);
    assert_true(s.score > 0);
    assert_int_equal(s.reasons, SK_SIM_BIT(SK_SIM_NAME));
    /* A date of birth on one side only is still a name alone. */
    a.dob = day(1980, 3, 4);
    assert_true(score(&a, &b).score <= SK_SIM_NAME_ALONE_MAX + 1e-12);
    /* Names at or under the threshold count for nothing. */
    a = person(1, "john smith", SK_NO_TIME);
    b = person(2, "robert brown", SK_NO_TIME);
    s = score(&a, &b);
    assert_true(s.score == 0);
    assert_int_equal(s.reasons, 0);
}

static void test_name_and_dob(void **state)
{
    (void)state;
    sk_sim_entity a = person(1, "john smith", day(1980, 3, 4));
    sk_sim_entity b = person(2, "smith john", day(1980, 3, 4) + 3600);
    sk_sim_score same = score(&a, &b);
    assert_true(same.score >= 0.9);
    assert_true(same.reasons & SK_SIM_BIT(SK_SIM_NAME_DOB));
    /* Day and month swapped, or one digit off: near, weaker. */
    int64_t near[] = {day(1980, 4, 3), day(1981, 3, 4), day(1980, 3, 14)};
    for (int i = 0; i < 3; i++) {
        b.dob = near[i];
        sk_sim_score s = score(&a, &b);
        assert_true(s.reasons & SK_SIM_BIT(SK_SIM_NAME_NEAR_DOB));
        assert_true(s.score > SK_SIM_NAME_ALONE_MAX && s.score < same.score);
    }
    /* Different dates: the name counts for nothing and the score halves. */
    b.dob = day(1975, 11, 30);
    sk_sim_score s = score(&a, &b);
    assert_true(s.score == 0);
    assert_true(s.reasons & SK_SIM_BIT(SK_SIM_DOB_DIFFERS));
    /* A weaker name with the same date scores less than an identical one. */
    b = person(2, "jon smyth", day(1980, 3, 4));
    s = score(&a, &b);
    assert_true(s.reasons & SK_SIM_BIT(SK_SIM_NAME_DOB));
    assert_true(s.score < same.score && s.score >= 0.6);
}

static void test_identifiers_and_key(void **state)
{
    (void)state;
    sk_sim_ident ia[] = {{"email", "j.smith@example.org"}, {"phone", "447700900123"}};
    sk_sim_ident ib[] = {{"phone", "447700900123"}, {"phone", "447700900999"}};
    sk_sim_ident ic[] = {{"email", "447700900123"}};   /* same text, other kind */
    sk_sim_entity a = {.id = 1, .name = "john smith", .dob = SK_NO_TIME, .idents = ia,
                       .nidents = 2};
    sk_sim_entity b = {.id = 2, .name = "j smith", .dob = SK_NO_TIME, .idents = ib,
                       .nidents = 2};
    sk_sim_score s = score(&a, &b);
    assert_int_equal(s.shared_idents, 1);
    assert_non_null(s.ident);
    assert_string_equal(s.ident->value, "447700900123");
    assert_true(s.score >= 0.85);
    assert_true(s.reasons & SK_SIM_BIT(SK_SIM_SAME_IDENT));
    b.idents = ic;
    b.nidents = 1;
    assert_int_equal(score(&a, &b).shared_idents, 0);
    /* Two shared identifiers beat one. */
    sk_sim_ident id2[] = {{"phone", "447700900123"}, {"email", "j.smith@example.org"}};
    b.idents = id2;
    b.nidents = 2;
    assert_true(score(&a, &b).score > s.score);
    /* The same key. */
    sk_sim_entity k1 = {.id = 1, .key = "ab12cde", .dob = SK_NO_TIME};
    sk_sim_entity k2 = {.id = 2, .key = "ab12cde", .dob = SK_NO_TIME};
    sk_sim_entity k3 = {.id = 3, .key = "", .dob = SK_NO_TIME};
    assert_true(score(&k1, &k2).score >= 0.9);
    assert_true(score(&k3, &k3).score == 0);   /* empty keys are no evidence */
}

static void test_neighbours(void **state)
{
    (void)state;
    /* 1 and 2 know each other (not evidence) and share 7 and 9. */
    sk_id na[] = {2, 5, 7, 9}, nb[] = {1, 7, 9, 11};
    sk_sim_entity a = {.id = 1, .dob = SK_NO_TIME, .nbrs = na, .nnbrs = 4};
    sk_sim_entity b = {.id = 2, .dob = SK_NO_TIME, .nbrs = nb, .nnbrs = 4};
    sk_sim_score s = score(&a, &b);
    assert_int_equal(s.shared_nbrs, 2);
    assert_true(fabs(s.nbr_jaccard - 2.0 / 4.0) < 1e-12);   /* {5,7,9,11} */
    assert_true(s.reasons & SK_SIM_BIT(SK_SIM_SHARED_NBRS));
    assert_true(s.score > 0 && s.score < 0.6);
    /* More shared neighbours, more evidence. */
    sk_id ma[] = {3, 4, 5, 6}, mb[] = {3, 4, 5, 6};
    a.nbrs = ma;
    b.nbrs = mb;
    sk_sim_score t = score(&a, &b);
    assert_true(t.score > s.score);
    assert_true(fabs(t.score - 0.6) < 1e-12);
    /* A list out of order is refused. */
    sk_id bad[] = {5, 3};
    a.nbrs = bad;
    a.nnbrs = 2;
    sk_sim_score r;
    assert_int_equal(sk_sim_score_pair(&a, &b, &r), SK_EINVAL);
    sk_id dup[] = {3, 3};
    a.nbrs = dup;
    assert_int_equal(sk_sim_score_pair(&a, &b, &r), SK_EINVAL);
}

static void test_evidence_adds_up(void **state)
{
    (void)state;
    sk_sim_ident ph[] = {{"phone", "447700900123"}};
    sk_id nbrs[] = {10, 11, 12};
    sk_sim_entity a = {.id = 1, .name = "john smith", .dob = day(1980, 3, 4)};
    sk_sim_entity b = {.id = 2, .name = "john smith", .dob = day(1980, 3, 4)};
    double prev = score(&a, &b).score;
    a.idents = b.idents = ph;
    a.nidents = b.nidents = 1;
    double more = score(&a, &b).score;
    assert_true(more > prev);
    a.nbrs = b.nbrs = nbrs;
    a.nnbrs = b.nnbrs = 3;
    assert_true(score(&a, &b).score > more);
    assert_true(score(&a, &b).score < 1);
}

static void test_explain(void **state)
{
    (void)state;
    sk_sim_ident ph[] = {{"phone", "447700900123"}};
    sk_id na[] = {10, 11, 12}, nb[] = {10, 11, 12, 13, 14};
    sk_sim_entity a = {.id = 1, .name = "john smith", .dob = day(1980, 3, 4),
                       .idents = ph, .nidents = 1, .nbrs = na, .nnbrs = 3};
    sk_sim_entity b = {.id = 2, .name = "jon smith", .dob = day(1980, 3, 4),
                       .idents = ph, .nidents = 1, .nbrs = nb, .nnbrs = 5};
    sk_sim_score s = score(&a, &b);
    char buf[256];
    size_t n = sk_sim_explain(&s, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    assert_string_equal(buf, "same phone 447700900123; name 0.97 and same date of birth; "
                             "3 shared neighbours (Jaccard 0.60)");
    /* A short buffer is cut but terminated, and the length still told. */
    char small[10];
    assert_int_equal(sk_sim_explain(&s, small, sizeof small), n);
    assert_int_equal(strlen(small), 9);
    assert_int_equal(sk_sim_explain(&s, NULL, 0), n);

    b.dob = day(1990, 1, 1);
    b.idents = NULL;
    b.nidents = 0;
    s = score(&a, &b);
    sk_sim_explain(&s, buf, sizeof buf);
    assert_string_equal(buf, "3 shared neighbours (Jaccard 0.60); different dates of birth");
    assert_string_equal(sk_sim_reason_text(SK_SIM_NAME), "similar name");
    assert_string_equal(sk_sim_reason_text(SK_SIM_NREASONS), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_values),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_name_alone_is_never_high),
        cmocka_unit_test(test_name_and_dob),
        cmocka_unit_test(test_identifiers_and_key),
        cmocka_unit_test(test_neighbours),
        cmocka_unit_test(test_evidence_adds_up),
        cmocka_unit_test(test_explain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
