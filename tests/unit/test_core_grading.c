/*
 * test_core_grading.c — grading scales and codes (grading.c,
 * grading_builtin.c).
 *
 * Covers: every built-in scale parses; grading codes in each scale (case,
 * spaces, partial codes, errors naming the wrong component); a scale a
 * user writes as text, including multi-character codes, separators and a
 * code that only backtracking can read; definition errors with their exact
 * "line:col: reason"; and sk_grade_describe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store.h"

/* ---- Grading codes in the built-in scales ---------------------------- */

typedef struct grade_case {
    int line;
    const char *scale;
    const char *in;
    int rc;
    const char *code;      /* canonical code, or the error message */
    double reliability;
    int handling;
    bool no_dissemination;
} grade_case;

#define G(sc, in, code, rel, h, nd) { __LINE__, sc, in, SK_OK, code, rel, h, nd }
#define GERR(sc, in, msg) { __LINE__, sc, in, SK_EINVAL, msg, 0, 0, false }

static const grade_case grade_cases[] = {
    G("5x5x5", "B24", "B24", 0.64, 4, true),
    G("5x5x5", "b 2 4", "B24", 0.64, 4, true),
    G("5x5x5", " a1 1 ", "A11", 1.0, 1, false),
    G("5x5x5", "A12", "A12", 1.0, 2, false),
    G("5x5x5", "C35", "C35", 0.36, 5, true),
    G("5x5x5", "D53", "D53", 0.04, 3, false),
    G("5x5x5", "E4", "E4", 0.25, 0, false),
    G("5x5x5", "B2", "B2", 0.64, 0, false),
    G("5x5x5", "\tb\n2 ", "B2", 0.64, 0, false),
    GERR("5x5x5", "", "empty grading code"),
    GERR("5x5x5", "   ", "empty grading code"),
    GERR("5x5x5", "Z2", "Source evaluation: \"Z\" is not a code of the 5x5x5 scale "
                        "(expected A, B, C, D or E)"),
    GERR("5x5x5", "2B", "Source evaluation: \"2\" is not a code of the 5x5x5 scale "
                        "(expected A, B, C, D or E)"),
    GERR("5x5x5", "B", "Intelligence assessment is missing (expected 1, 2, 3, 4 or 5)"),
    GERR("5x5x5", "B9", "Intelligence assessment: \"9\" is not a code of the 5x5x5 scale "
                        "(expected 1, 2, 3, 4 or 5)"),
    GERR("5x5x5", "B26", "Handling code: \"6\" is not a code of the 5x5x5 scale "
                         "(expected 1, 2, 3, 4 or 5)"),
    GERR("5x5x5", "B2 P", "Handling code: \"P\" is not a code of the 5x5x5 scale "
                          "(expected 1, 2, 3, 4 or 5)"),
    GERR("5x5x5", "B249", "\"9\" after \"B24\" is not part of a grading code of the 5x5x5 scale"),
    GERR("5x5x5", "B\xC3\xA9", "Intelligence assessment: \"?\" is not a code of the 5x5x5 scale "
                               "(expected 1, 2, 3, 4 or 5)"),

    G("3x5x2", "1A P", "1A P", 1.0, 1, false),
    G("3x5x2", "1ap", "1A P", 1.0, 1, false),
    G("3x5x2", "2 c c", "2C C", 0.3, 2, true),
    G("3x5x2", "3E", "3E", 0.04, 0, false),
    G("3x5x2", "1a", "1A", 1.0, 0, false),
    G("3x5x2", "2D P", "2D P", 0.25, 1, false),
    GERR("3x5x2", "4A", "Source evaluation: \"4\" is not a code of the 3x5x2 scale "
                        "(expected 1, 2 or 3)"),
    GERR("3x5x2", "A1", "Source evaluation: \"A\" is not a code of the 3x5x2 scale "
                        "(expected 1, 2 or 3)"),
    GERR("3x5x2", "1F", "Intelligence assessment: \"F\" is not a code of the 3x5x2 scale "
                        "(expected A, B, C, D or E)"),
    GERR("3x5x2", "1A X", "Handling code: \"X\" is not a code of the 3x5x2 scale "
                          "(expected P or C)"),

    G("admiralty", "B2", "B2", 0.64, 0, false),
    G("admiralty", "f6", "F6", 0.25, 0, false),
    G("admiralty", "A1", "A1", 1.0, 0, false),
    G("admiralty", "E5", "E5", 0.04, 0, false),
    G("admiralty", "F 1", "F1", 0.5, 0, false),
    GERR("admiralty", "B24", "\"4\" after \"B2\" is not part of a grading code of the admiralty scale"),
    GERR("admiralty", "G1", "Source reliability: \"G\" is not a code of the admiralty scale "
                            "(expected A, B, C, D, E or F)"),
    GERR("admiralty", "B7", "Information credibility: \"7\" is not a code of the admiralty "
                            "scale (expected 1, 2, 3, 4, 5 or 6)"),
};

static void check_grade(const sk_scale *s, const grade_case *c)
{
    sk_grade g;
    char err[256] = "untouched";
    int rc = sk_grade_parse(s, c->in, &g, err, sizeof err);
    if (rc != c->rc)
        fail_msg("line %d: \"%s\" gave %d (%s), expected %d", c->line, c->in, rc, err, c->rc);
    if (rc != SK_OK) {
        if (strcmp(err, c->code) != 0)
            fail_msg("line %d: message\n  \"%s\", expected\n  \"%s\"", c->line, err, c->code);
        return;
    }
    if (strcmp(g.code, c->code) != 0 || g.handling != c->handling
        || g.no_dissemination != c->no_dissemination
        || g.reliability < c->reliability - 1e-9 || g.reliability > c->reliability + 1e-9)
        fail_msg("line %d: \"%s\" gave %s r=%g h=%d nd=%d", c->line, c->in, g.code,
                 g.reliability, g.handling, g.no_dissemination);
    /* The canonical code reads back as itself. */
    sk_grade again;
    assert_int_equal(sk_grade_parse(s, g.code, &again, NULL, 0), SK_OK);
    assert_string_equal(again.code, g.code);
}

static void test_builtin_grades(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof grade_cases / sizeof grade_cases[0]; i++) {
        sk_scale *s = sk_scale_builtin(grade_cases[i].scale);
        assert_non_null(s);
        check_grade(s, &grade_cases[i]);
        sk_scale_free(s);
    }
}

static void test_builtin_lookup(void **state)
{
    (void)state;
    static const char *const names[] = { "5x5x5", "3x5x2", "admiralty" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        sk_scale *s = sk_scale_builtin(names[i]);
        assert_non_null(s);
        assert_string_equal(sk_scale_name(s), names[i]);
        sk_scale_free(s);
    }
    sk_scale *s = sk_scale_builtin("ADMIRALTY");
    assert_non_null(s);
    assert_string_equal(sk_scale_name(s), "admiralty");
    sk_scale_free(s);
    assert_null(sk_scale_builtin("6x6"));
    assert_null(sk_scale_builtin(""));
    sk_scale_free(NULL);
}

/* Every code of every component must have its own meaning in a 5x5x5
 * description, and a partial code says the handling was not given. */
static void test_describe(void **state)
{
    (void)state;
    sk_scale *s = sk_scale_builtin("5x5x5");
    sk_grade g;
    char buf[512];
    assert_int_equal(sk_grade_parse(s, "B24", &g, NULL, 0), SK_OK);
    const char *want =
        "Source evaluation: B - Mostly reliable\n"
        "Intelligence assessment: 2 - Known personally to the source but not to the officer\n"
        "Handling code: 4 - May be disseminated within the originating agency only\n";
    int n = sk_grade_describe(s, &g, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, (int)strlen(want));
    /* Exactly enough room, and one byte less. */
    assert_int_equal(sk_grade_describe(s, &g, buf, strlen(want) + 1), n);
    memset(buf, 'x', sizeof buf);
    assert_int_equal(sk_grade_describe(s, &g, buf, strlen(want)), SK_ELIMIT);
    assert_string_equal(buf, "");
    assert_int_equal(buf[strlen(want)], 'x');

    assert_int_equal(sk_grade_parse(s, "e4", &g, NULL, 0), SK_OK);
    const char *partial = "Source evaluation: E - Untested source\n"
                          "Intelligence assessment: 4 - Cannot be judged\n"
                          "Handling code: not given\n";
    assert_int_equal(sk_grade_describe(s, &g, buf, sizeof buf), (int)strlen(partial));
    assert_string_equal(buf, partial);

    /* A grade of another scale is not described as if it were this one. */
    sk_scale *other = sk_scale_builtin("3x5x2");
    assert_int_equal(sk_grade_parse(other, "1A P", &g, NULL, 0), SK_OK);
    assert_int_equal(sk_grade_describe(s, &g, buf, sizeof buf), SK_EINVAL);
    n = sk_grade_describe(other, &g, buf, sizeof buf);
    assert_int_equal(n, (int)strlen(buf));
    assert_non_null(strstr(buf, "Handling code: P - Lawful sharing permitted\n"));
    sk_scale_free(other);
    sk_scale_free(s);
}

/* ---- A scale defined by a user, as text only ------------------------- */

static const char custom_scale[] =
    "# A fraud unit's own 4x4 grading, with restriction codes.\r\n"
    "scale fraud-4x4   # the name a case refers to\r\n"
    "title \"Fraud unit 4x4 (with \\\"H\\\" restrictions)\"\r\n"
    "written \"{source}{info}/{restriction}\"\r\n"
    "\r\n"
    "component source \"Source reliability\"\r\n"
    "  code A 1 \"No doubt about the source\"\r\n"
    "  code B .75 \"Mostly proved reliable\"\r\n"
    "  code C 0.25 \"Mostly proved unreliable\"\r\n"
    "  code X 0.5 \"Cannot be assessed # not a comment\"\r\n"
    "component info \"Information\"\r\n"
    "  code 1 1.0 \"No doubt about its accuracy\"\r\n"
    "  code 2 0.75 \"Known to the source\"\r\n"
    "  code 3 0.5 \"Corroborated\"\r\n"
    "  code 4 0.25 \"Cannot be corroborated\"\r\n"
    "handling restriction \"Restriction\"\r\n"
    "  code H0 1 \"Not for use as evidence without the provider's permission\"\r\n"
    "  code H1 3 no-dissemination \"Not to be passed on without the provider's permission\"\r\n"
    "  code H2 2 \"Other conditions: see the provider's note\"";

static void test_custom_scale(void **state)
{
    (void)state;
    sk_scale *s = NULL;
    char err[256];
    int rc = sk_scale_parse(custom_scale, strlen(custom_scale), &s, err, sizeof err);
    if (rc != SK_OK)
        fail_msg("custom scale: %s", err);
    assert_string_equal(sk_scale_name(s), "fraud-4x4");
    static const grade_case rows[] = {
        G("", "B2/H1", "B2/H1", 0.5625, 3, true),
        G("", "b2h1", "B2/H1", 0.5625, 3, true),
        G("", "x 4 / h2", "X4/H2", 0.125, 2, false),
        G("", "A1", "A1", 1.0, 0, false),
        G("", "A1/", "A1", 1.0, 0, false),
        G("", "c3 H0", "C3/H0", 0.125, 1, false),
        GERR("", "B2/H9", "Restriction: \"H9\" is not a code of the fraud-4x4 scale "
                          "(expected H0, H1 or H2)"),
        GERR("", "E2", "Source reliability: \"E\" is not a code of the fraud-4x4 scale "
                       "(expected A, B, C or X)"),
        GERR("", "B2/H1/", "\"/\" after \"B2/H1\" is not part of a grading code of the "
                           "fraud-4x4 scale"),
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check_grade(s, &rows[i]);
    sk_grade g;
    char buf[512];
    assert_int_equal(sk_grade_parse(s, "X3", &g, NULL, 0), SK_OK);
    assert_true(sk_grade_describe(s, &g, buf, sizeof buf) > 0);
    assert_string_equal(buf, "Source reliability: X - Cannot be assessed # not a comment\n"
                             "Information: 3 - Corroborated\n"
                             "Restriction: not given\n");
    sk_scale_free(s);
}

/* Codes of different lengths that only a backtracking reading can split:
 * "123" is "1" then "23", because "12" leaves "3", which is no code. The
 * handling component comes first and may still be left out. */
static void test_backtracking(void **state)
{
    (void)state;
    static const char text[] =
        "scale bt\n"
        "written \"{h}:{a}{b}\"\n"
        "component a \"A\"\n"
        "code 1 1 \"one\"\n"
        "code 12 0.5 \"twelve\"\n"
        "component b \"B\"\n"
        "code 2 1 \"two\"\n"
        "code 23 0.5 \"twenty-three\"\n"
        "handling h \"H\"\n"
        "code R 7 no-dissemination \"red\"\n";
    sk_scale *s = NULL;
    char err[256];
    assert_int_equal(sk_scale_parse(text, strlen(text), &s, err, sizeof err), SK_OK);
    static const grade_case rows[] = {
        G("", "123", "123", 0.5, 0, false),
        G("", "122", "122", 0.5, 0, false),
        G("", "12", "12", 1.0, 0, false),
        G("", "r:1223", "R:1223", 0.25, 7, true),
        G("", "R123", "R:123", 0.5, 7, true),
        GERR("", "124", "B: \"4\" is not a code of the bt scale (expected 2 or 23)"),
        GERR("", "R:", "A is missing (expected 1 or 12)"),
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check_grade(s, &rows[i]);
    sk_scale_free(s);
}

/* ---- Definition errors ----------------------------------------------- */

typedef struct def_case {
    int line;
    const char *text;
    const char *err;   /* the exact message */
} def_case;

#define HEAD "scale x\nwritten \"{s}\"\n"   /* lines 1-2 of most rows */
#define COMP "component s \"S\"\n"          /* line 3 */

static const def_case def_cases[] = {
    { __LINE__, "", "1:1: missing \"scale NAME\"" },
    { __LINE__, "# only a comment\n", "2:1: missing \"scale NAME\"" },
    { __LINE__, "scal 5x5x5\n", "1:1: unknown statement \"scal\" (expected scale, title, "
                                "written, component, handling or code)" },
    { __LINE__, "  \"scale\" x\n", "1:3: unknown statement \"scale\" (expected scale, title, "
                                   "written, component, handling or code)" },
    { __LINE__, "scale x\nscale y\n", "2:1: the scale is already named \"x\"" },
    { __LINE__, "scale\n", "1:6: expected the scale's name, found end of line" },
    { __LINE__, "scale \"x\"\n", "1:7: expected the scale's name, found string \"x\"" },
    { __LINE__, "scale a b\n", "1:9: unexpected \"b\" at the end of the line" },
    { __LINE__, "scale a/b\n", "1:7: scale name \"a/b\" must be 1 to 32 letters, digits, "
                               "'_', '-' or '.'" },
    { __LINE__, "scale x\ntitle \"abc\n", "2:7: unterminated string" },
    { __LINE__, "scale x\ntitle \"a\\qb\"\n", "2:9: unknown escape in string (only \\\" and \\\\)" },
    { __LINE__, "scale x\ntitle \"a\"\ntitle \"b\"\n", "3:1: the scale already has a title" },
    { __LINE__, "scale x\ntitle \"\xC3\xA9t\xC3\xA9\" more\n",
      "2:13: unexpected \"more\" at the end of the line" },
    { __LINE__, "scale x\ntitle \"bad \xC3\x28\"\n", "2:12: invalid UTF-8" },
    { __LINE__, "scale x\ntitle \"a\x01\"\n", "2:9: control character 0x01" },
    { __LINE__, "scale x\ncode A 1 \"m\"\n", "2:1: \"code\" before any component or handling line" },
    { __LINE__, HEAD COMP "code A 1.5 \"m\"\n",
      "4:8: expected a reliability from 0 to 1, found \"1.5\"" },
    { __LINE__, HEAD COMP "code A high \"m\"\n",
      "4:8: expected a reliability from 0 to 1, found \"high\"" },
    { __LINE__, HEAD COMP "code A 0.5\n",
      "4:11: expected the meaning as a \"string\", found end of line" },
    { __LINE__, "scale x\r\nwritten \"{s}\"\r\n" COMP "code A 0.5\r\n",
      "4:11: expected the meaning as a \"string\", found end of line" },
    { __LINE__, "scale x\ry\n", "1:8: control character 0x0d" },
    { __LINE__, HEAD COMP "code A 0.5 \"m\"\ncode a 0.4 \"n\"\n",
      "5:6: code \"A\" is already in component \"s\"" },
    { __LINE__, HEAD COMP "code TOOLONGCODE 0.5 \"m\"\n",
      "4:6: a code is 1 to 8 printable ASCII characters other than { }" },
    { __LINE__, HEAD COMP "code A 0.5 \"m\" # fine\ncode {B} 0.5 \"m\"\n",
      "5:6: a code is 1 to 8 printable ASCII characters other than { }" },
    { __LINE__, HEAD "handling s \"H\"\ncode 1 0 \"m\"\n",
      "4:8: expected a handling level from 1 to 99, found \"0\"" },
    { __LINE__, HEAD "handling s \"H\"\ncode 1 100 \"m\"\n",
      "4:8: expected a handling level from 1 to 99, found \"100\"" },
    { __LINE__, HEAD "handling s \"H\"\ncode 1 2 nodissem \"m\"\n",
      "4:10: expected no-dissemination or the meaning, found \"nodissem\"" },
    { __LINE__, HEAD "handling s \"H\"\ncode 1 1 \"m\"\nhandling t \"T\"\n",
      "5:1: a scale has one handling component; \"s\" is on line 3" },
    { __LINE__, HEAD COMP "component s \"again\"\n",
      "4:11: component \"s\" is already declared on line 3" },
    { __LINE__, HEAD "component \"S\"\n", "3:11: expected the component's id, found string \"S\"" },
    { __LINE__, HEAD "component s S\n",
      "3:13: expected the component's title as a \"string\", found \"S\"" },
    { __LINE__, HEAD COMP "code A 1 \"m\"\ncomponent t \"T\"\n",
      "5:1: component \"t\" has no codes" },
    { __LINE__, "scale x\n" COMP "code A 1 \"m\"\n", "4:1: missing \"written\": how codes are "
      "written, e.g. written \"{source}{intelligence}\"" },
    { __LINE__, "scale x\n" COMP "code A 1 \"m\"", "3:13: missing \"written\": how codes are "
      "written, e.g. written \"{source}{intelligence}\"" },
    { __LINE__, "scale x\nwritten \"{s}{sauce}\"\n" COMP "code A 1 \"m\"\n",
      "2:13: the written form names \"sauce\", which is not a component" },
    { __LINE__, "scale x\nwritten \"{s}-{s}\"\n" COMP "code A 1 \"m\"\n",
      "2:14: the written form places component \"s\" twice" },
    { __LINE__, "scale x\nwritten \"{s}\"\n" COMP "code A 1 \"m\"\ncomponent t \"T\"\n"
      "code 1 1 \"m\"\n", "2:9: the written form does not place component \"t\"" },
    { __LINE__, "scale x\nwritten \"{s\"\n", "2:10: unclosed \"{\" in the written form" },
    { __LINE__, "scale x\nwritten \"s}\"\n", "2:11: unmatched \"}\" in the written form" },
    { __LINE__, "scale x\nwritten \"{}\"\n", "2:10: empty {} in the written form: name a component" },
    { __LINE__, "scale x\nwritten \"{a b}\"\n", "2:10: \"{a b}\" is not a component name" },
    { __LINE__, "scale x\nwritten \"\"\n", "2:9: the written form is empty" },
    { __LINE__, "scale x\nwritten \"{s}\xC2\xA7\"\n",
      "2:13: only printable ASCII may stand between components" },
    { __LINE__, "scale x\nwritten \"{s}\"\nwritten \"{s}\"\n",
      "3:1: the written form is already given on line 2" },
    { __LINE__, "scale x\nwritten \"{a}{b}\"\ncomponent a \"A\"\ncode LONGCODE 1 \"m\"\n"
      "component b \"B\"\ncode 1 1 \"m\"\ncode 12345678 1 \"m\"\n",
      "2:9: codes written this way can be 16 characters long; at most 15 fit" },
    { __LINE__, "scale x\nwritten \"{s}\"\n", "3:1: a scale needs at least one component" },
    { __LINE__, "scale x\ncode\n", "2:1: \"code\" before any component or handling line" },
    { __LINE__, "scale x y z a b c d e f\n", "1:21: too many words on one line (at most 8)" },
};

static void test_definition_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof def_cases / sizeof def_cases[0]; i++) {
        const def_case *c = &def_cases[i];
        sk_scale *s = (sk_scale *)&s; /* must be reset to NULL on failure */
        char err[256] = "";
        int rc = sk_scale_parse(c->text, strlen(c->text), &s, err, sizeof err);
        if (rc != SK_EPARSE)
            fail_msg("line %d: parse gave %d, expected SK_EPARSE", c->line, rc);
        assert_null(s);
        if (strcmp(err, c->err) != 0)
            fail_msg("line %d: message\n  \"%s\", expected\n  \"%s\"", c->line, err, c->err);
    }
}

/* A definition error with no room for a message still fails cleanly, and
 * a short buffer gets a truncated, terminated message. */
static void test_error_buffers(void **state)
{
    (void)state;
    sk_scale *s = NULL;
    assert_int_equal(sk_scale_parse("scal x\n", 7, &s, NULL, 0), SK_EPARSE);
    char small[8];
    memset(small, 'x', sizeof small);
    assert_int_equal(sk_scale_parse("scal x\n", 7, &s, small, sizeof small), SK_EPARSE);
    assert_string_equal(small, "1:1: un");
    sk_scale *b = sk_scale_builtin("5x5x5");
    sk_grade g;
    assert_int_equal(sk_grade_parse(b, "Q", &g, NULL, 0), SK_EINVAL);
    assert_int_equal(sk_grade_parse(b, "Q", &g, small, sizeof small), SK_EINVAL);
    assert_string_equal(small, "Source ");
    char longcode[100];
    memset(longcode, 'A', sizeof longcode - 1);
    longcode[sizeof longcode - 1] = '\0';
    char err[128];
    assert_int_equal(sk_grade_parse(b, longcode, &g, err, sizeof err), SK_EINVAL);
    assert_string_equal(err, "grading code too long (at most 64 characters)");
    sk_scale_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_grades),
        cmocka_unit_test(test_builtin_lookup),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_custom_scale),
        cmocka_unit_test(test_backtracking),
        cmocka_unit_test(test_definition_errors),
        cmocka_unit_test(test_error_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
