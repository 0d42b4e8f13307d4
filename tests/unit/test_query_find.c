/*
 * test_query_find.c — find's planner (query/stmt_find.c) and the label
 * regex filter it reads the label index with (query/label_rx.c).
 *
 * The filter is tested where it can go wrong: labels whose folded index
 * text differs from the display text a regex is tested on (case, accents
 * written as combining marks, ligatures, the Kelvin sign and the long s,
 * full-width letters, doubled and leading spaces, invisible characters,
 * symbols that fold to letters), labels the index does not hold (empty,
 * over 1 KiB), and a few hundred generated labels and regexes. The
 * oracle is always the same query with the planner off (a scan that tests
 * every record): the rows must be identical, a limit included — also after
 * label changes between queries, which core's label snapshot must see.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label_rx.h"
#include "query.h"
#include "ast.h"
#include "test_case.h"

typedef test_case fixture;

/* Display labels chosen to differ from their folded index text. */
static const char *const LABELS[] = {
    "John Smith", "JOHN SMITH", "Jon Doe", "Johnny Cash", "jo hn", "Joan Baez",
    "Jo\xcc\x88n Nilsson",          /* o + combining diaeresis: folds to "jön" */
    "Johann\xcc\x81",               /* a trailing combining acute on the n */
    "\xe2\x84\xaa" "evin Bacon",    /* KELVIN SIGN: PCRE2 matches it caselessly as k */
    "Mo\xc5\xbf" "es Herzog",       /* LONG S: caselessly s */
    "\xef\xbc\xaa\xef\xbd\x8f\xef\xbd\x88\xef\xbd\x8e", /* full-width "John" */
    "Mary  Ann",                    /* two spaces: folded to one */
    " Zed Leading",                 /* a leading space: trimmed */
    "Ab\xe2\x80\x8b" "cd Zwsp",     /* ZERO WIDTH SPACE: removed by folding */
    "\xef\xac\x81" "sher King",     /* the fi ligature: folds to "fi" */
    "\xe2\x84\x96" "john",          /* NUMERO SIGN: folds to "no" */
    "Mohammed Ali", "Muhammad Ali", "MOHAMAD ALI", "Mohamed Salah", "Ahmed Mohammad",
    "Zo\xc3\xab Ball",              /* precomposed e with diaeresis */
    "O'Brien", "Smith-Jones", "Anne-Marie", "Li 2nd", "R2D2", "Ann\tTab",
    "First line\nJoe Second",      /* ^ matches after the newline in multiline mode */
};

static sk_sym sym(sk_txn *t, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    assert_int_equal(sk_name_intern(t, d, name, strlen(name), true, &s), SK_OK);
    return s;
}

static void person(sk_txn *t, const char *key, const char *label)
{
    sk_entity_in in = {.type = sym(t, SK_DICT_ETYPE, "person"), .key = key, .label = label};
    sk_id id;
    assert_int_equal(sk_entity_create(t, &in, &id), SK_OK);
}

/* A small deterministic generator (xorshift), for labels and regexes. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Pieces a generated label is made of: letters in both cases and the
 * characters folding changes. */
static const char *const LABEL_PARTS[] = {
    "a", "b", "j", "o", "h", "n", "m", "e", "d", "A", "J", "O", "H", "N", "M", "E", " ", "  ",
    "-", "'", "1", "\xcc\x88", "\xcc\x81", "\xe2\x84\xaa", "\xc5\xbf", "\xef\xbc\xaa",
    "\xe2\x80\x8b", "\xef\xac\x81", "\xe2\x84\x96", "\xc3\xa9", "\t", ".",
};

static void random_label(uint64_t *r, char *buf, size_t cap)
{
    size_t n = 1 + next_rand(r) % 9, len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *p = LABEL_PARTS[next_rand(r) % (sizeof LABEL_PARTS / sizeof LABEL_PARTS[0])];
        if (len + strlen(p) + 1 < cap) {
            memcpy(buf + len, p, strlen(p) + 1);
            len += strlen(p);
        }
    }
}

static int build(sk_txn *t, void *ctx)
{
    (void)ctx;
    char key[32];
    for (size_t i = 0; i < sizeof LABELS / sizeof LABELS[0]; i++) {
        snprintf(key, sizeof key, "P%03zu", i);
        person(t, key, LABELS[i]);
    }
    uint64_t r = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 400; i++) {
        char label[128];
        random_label(&r, label, sizeof label);
        snprintf(key, sizeof key, "R%03d", i);
        person(t, key, label);
    }
    /* Another type with a `name` property: `name` on persons is still
     * their label. */
    sk_sym name = sym(t, SK_DICT_PROP, "name");
    sk_prop p = {name, {.type = SK_V_STR, .u.str = {"John Camera", 11}}};
    sk_entity_in cam = {.type = sym(t, SK_DICT_ETYPE, "camera"), .key = "C1", .label = "Cam 1",
                        .props = &p, .nprops = 1};
    sk_id id;
    assert_int_equal(sk_entity_create(t, &cam, &id), SK_OK);
    return SK_OK;
}

static int setup(void **state) { return test_case_setup_built(state, "find", build); }

/* ---- Running queries ---- */

typedef struct out {
    char *text;
    size_t len, cap;
    size_t rows;
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        o->cap = (o->len + n + 1) * 2;
        o->text = realloc(o->text, o->cap);
        assert_non_null(o->text);
    }
    memcpy(o->text + o->len, s, n);
    o->len += n;
    o->text[o->len] = '\0';
}

static int collect(void *ctx, const sk_result *r)
{
    out *o = ctx;
    assert_int_equal(r->kind, SK_RESULT_TABLE);
    for (size_t i = 0; i < r->table.nrows; i++) {
        for (size_t c = 0; c < r->table.ncols; c++) {
            const sk_value *v = &r->table.cells[i * r->table.ncols + c];
            char buf[64];
            if (v->type == SK_V_STR) {
                put(o, v->u.str.ptr, v->u.str.len);
            } else {
                int n = snprintf(buf, sizeof buf, "%lld", (long long)v->u.i);
                put(o, buf, (size_t)n);
            }
            put(o, c + 1 < r->table.ncols ? "|" : "\n", 1);
        }
    }
    o->rows += r->table.nrows;
    return SK_OK;
}

/* Runs Q with the planner on or off into O (freed by the caller). */
static void run_q(fixture *f, const char *q, bool off, out *o, bool explain)
{
    *o = (out){0};
    put(o, "", 0);
    sk_query_opts opts = {.no_planner = off, .no_audit = true};
    sk_query_error err = {0};
    int rc = explain ? sk_query_explain(f->s, q, strlen(q), &opts, collect, o, &err)
                     : sk_query_exec(f->s, q, strlen(q), &opts, collect, o, &err);
    if (rc != SK_OK)
        fail_msg("query failed (%s): %s\n%s", sk_strerror(rc), q, err.msg);
}

/* Asserts that Q gives the same rows with the planner on and off, and
 * returns how many. */
static size_t same_rows(fixture *f, const char *q)
{
    out on, off;
    run_q(f, q, false, &on, false);
    run_q(f, q, true, &off, false);
    if (strcmp(on.text, off.text))
        fail_msg("the planner changed the rows of %s:\n%s---\n%s", q, on.text, off.text);
    size_t n = on.rows;
    free(on.text);
    free(off.text);
    return n;
}

static bool plan_has(fixture *f, const char *q, const char *want)
{
    out o;
    run_q(f, q, false, &o, true);
    bool has = strstr(o.text, want) != NULL;
    if (!has)
        print_message("plan of %s:\n%s", q, o.text);
    free(o.text);
    return has;
}

/* ---- The derived filter ---- */

static void test_filter_text(void **state)
{
    (void)state;
    static const struct { const char *rx; unsigned flags; const char *want; const char *prefix; }
        cases[] = {
        {"moham+[ae]d", SK_RX_CASELESS, "moham+.*?d", ""},
        {"^jo(h)?n\\b", SK_RX_CASELESS, "^jo(?:h)?n", "j"},
        {"^Kie", 0, "^kie", "ki"},
        {"^k", 0, "^k", ""},
        {"smith|jones", 0, "smith|jones", ""},
        {"a\\d{2,3}b", 0, "a.*?b", ""},
        {"(?i)al(?=i)i$", 0, "ali", ""},
        {"x{,2}y", 0, "x{0,2}y", ""},
        {"^\\s*zed", 0, "^.*?zed", ""},
        {"(?<first>jo)\\k<first>", 0, "(?:jo).*?", ""},
        {"(?i:mo)ham", 0, "(?:mo)ham", ""},
        {"^ab", SK_RX_MULTILINE, "ab", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sk_lrx *f;
        if (!sk_lrx_new(cases[i].rx, strlen(cases[i].rx), cases[i].flags, &f))
            fail_msg("no filter for /%s/", cases[i].rx);
        if (strcmp(sk_lrx_text(f), cases[i].want))
            fail_msg("/%s/ gave /%s/, not /%s/", cases[i].rx, sk_lrx_text(f), cases[i].want);
        size_t len;
        const char *p = sk_lrx_prefix(f, &len);
        assert_int_equal(len, strlen(cases[i].prefix));
        assert_memory_equal(p, cases[i].prefix, len);
        sk_lrx_free(f);
    }
    /* Constructs the reasoning does not cover, and regexes with no letter. */
    static const char *const none[] = {
        "(?>ab)c", "ab++", "\\Qab\\E", "(?x)a b", "(*ACCEPT)ab", "(?(1)a|b)", "(a)(?1)",
        "\\d+", ".*", "[a-z]+", "(?m)^ab", "a\\gb",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        sk_lrx *f = NULL;
        if (sk_lrx_new(none[i], strlen(none[i]), 0, &f))
            fail_msg("/%s/ should give no filter, gave /%s/", none[i], sk_lrx_text(f));
    }
    sk_lrx *f;
    assert_false(sk_lrx_new("ab", 2, SK_RX_EXTENDED, &f));
}

static void test_filter_decisions(void **state)
{
    (void)state;
    sk_lrx *f;
    assert_true(sk_lrx_new("moham+[ae]d", 11, SK_RX_CASELESS, &f));
    assert_true(sk_lrx_may_match(f, "ahmed mohammad", 14));
    assert_false(sk_lrx_may_match(f, "john smith", 10));
    assert_false(sk_lrx_may_match(f, "mohan", 5));
    /* Text that is not ASCII, or may be a cut prefix, always passes. */
    assert_true(sk_lrx_may_match(f, "j\xc3\xb6n", 4));
    char longtext[400];
    memset(longtext, 'x', sizeof longtext);
    assert_true(sk_lrx_may_match(f, longtext, sizeof longtext));
    sk_lrx_free(f);
    assert_true(sk_lrx_new("^jo(h)?n", 8, SK_RX_CASELESS, &f));
    assert_true(sk_lrx_may_match(f, "john smith", 10));
    assert_true(sk_lrx_may_match(f, "jon", 3));
    assert_false(sk_lrx_may_match(f, "joan", 4));
    assert_false(sk_lrx_may_match(f, "a john", 6));
    sk_lrx_free(f);
}

/* ---- find: the same rows with the planner off ---- */

static void test_tricky_labels(void **state)
{
    fixture *f = *state;
    static const struct { const char *q; size_t rows; } cases[] = {
        {"find person where name ~ /^jo(h)?n\\b/i", 3},     /* John, JOHN, Jon */
        {"find person where label ~ /^jo/i", 0},            /* counted below */
        {"find person where name ~ /^jo/", 0},
        {"find person where name ~ /johann/i", 0},
        {"find person where name ~ /^kevin/i", 0},
        {"find person where name ~ /mos/i", 0},
        {"find person where name ~ /john/i", 0},
        {"find person where name ~ /y  a/i", 0},
        {"find person where name ~ /^ zed/i", 0},
        {"find person where name ~ /ab.cd/i", 0},
        {"find person where name ~ /^.sher/i", 0},
        {"find person where name ~ /\\bjohn/i", 0},
        {"find person where name ~ /moham+[ae]d/i", 0},
        {"find person where name ~ /^mo/i limit 2", 2},
        {"find person where name ~ /zo\xc3\xab/i", 0},
        {"find person where name ~ /n\\tt/i", 0},
        {"find person where name ~ /2/", 0},
        {"find person where label ~ /o'b/i", 0},
        {"find person where name = \"john smith\"", 2},
        {"find person where label = \"MARY ANN\"", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = same_rows(f, cases[i].q);
        if (cases[i].rows)
            assert_int_equal(n, cases[i].rows);
    }
    /* The display labels the folded text would miss are found. */
    assert_true(same_rows(f, "find person where name ~ /^jo/i") >= 8);
    assert_int_equal(same_rows(f, "find person where label = \"Jo\xcc\x88n Nilsson\""), 1);
    assert_true(same_rows(f, "find person where name ~ /^kevin/i") >= 1);
    assert_true(same_rows(f, "find person where name ~ /y  a/i") >= 1);
    assert_true(same_rows(f, "find person where name ~ /^\\x{2116}john/") >= 1);
    assert_int_equal(same_rows(f, "find person where name ~ /^joe s/im"), 1);
}

static void test_generated(void **state)
{
    fixture *f = *state;
    static const char *const atoms[] = {"a", "j", "o", "h", "n", "m", "e", "d", "jo", "mo",
                                        "[ae]", ".", "\\s", " ", "\\b", "(h)?", "n+", "o*",
                                        "(?:a|e)", "\\w", "-", "1"};
    uint64_t r = 12345;
    size_t planned = 0;
    for (int i = 0; i < 200; i++) {
        char rx[128] = "", q[256];
        size_t n = 1 + next_rand(&r) % 4;
        if (next_rand(&r) % 3 == 0)
            strcat(rx, "^");
        for (size_t k = 0; k < n; k++)
            strcat(rx, atoms[next_rand(&r) % (sizeof atoms / sizeof atoms[0])]);
        const char *flags = next_rand(&r) % 2 ? "i" : "";
        snprintf(q, sizeof q, "find person where name ~ /%s/%s%s", rx, flags,
                 next_rand(&r) % 4 == 0 ? " limit 3" : "");
        same_rows(f, q);
        out o;
        run_q(f, q, false, &o, true);
        planned += strstr(o.text, "label index") != NULL;
        free(o.text);
    }
    /* Most generated regexes have a letter, so most use the index. */
    assert_true(planned > 100);
}

static void test_plans(void **state)
{
    fixture *f = *state;
    assert_true(plan_has(f, "find person where name ~ /^jo(h)?n\\b/i",
                         "find person: label index, prefix \"j\", folded text filtered by "
                         "/^jo(?:h)?n/"));
    assert_true(plan_has(f, "find person where name ~ /moham+[ae]d/i",
                         "find person: label index, every entry, folded text filtered by "
                         "/moham+.*?d/"));
    assert_true(plan_has(f, "find person where name ~ /\\d+/", "find person: scan of the type"));
    assert_true(plan_has(f, "find person where label = \"John Smith\"",
                         "find person: label index, exact \"John Smith\""));
    /* On cameras, `name` is a property: a regex on it cannot use labels. */
    assert_true(plan_has(f, "find camera where name ~ /john/i", "find camera: scan of the type"));
    assert_int_equal(same_rows(f, "find camera where name ~ /john/i"), 1);
    assert_int_equal(same_rows(f, "find camera where name = \"john camera\""), 1);
}

/* ---- find after label changes (core's label snapshot is rebuilt) ---- */

typedef struct relabel {
    const char *key, *label; /* label NULL: delete the entity */
} relabel;

static int apply_relabel(sk_txn *t, void *ctx)
{
    const relabel *r = ctx;
    sk_id id;
    int rc = sk_entity_by_key(t, sym(t, SK_DICT_ETYPE, "person"), r->key, strlen(r->key), &id);
    if (rc == SK_ENOTFOUND) {
        person(t, r->key, r->label);
        return SK_OK;
    }
    assert_int_equal(rc, SK_OK);
    return r->label ? sk_entity_set_label(t, id, r->label) : sk_entity_delete(t, id);
}

/* The regex path reads labels from a snapshot kept between queries: each
 * change must show in the next query's rows, counted and checked against
 * the planner-off scan. */
static void test_after_changes(void **state)
{
    fixture *f = *state;
    const char *q = "find person where name ~ /moham+[ae]d/i";
    const char *qa = "find person where name ~ /^zork/i";
    size_t base = same_rows(f, q);
    assert_int_equal(same_rows(f, qa), 0);
    assert_true(base >= 4);
    static const struct { relabel r; size_t rows, rows_a; } steps[] = {
        {{"SNAP1", "Mohamad Zorkov"}, 1, 0},     /* created */
        {{"SNAP1", "Zorkov Mohamad"}, 1, 1},     /* label set */
        {{"SNAP2", "ZORK"}, 1, 2},               /* created, anchored range */
        {{"SNAP1", "Plain Name"}, 0, 1},         /* label set away */
        {{"SNAP2", NULL}, 0, 0},                 /* deleted */
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        assert_int_equal(sk_store_write(f->s, apply_relabel, (void *)&steps[i].r), SK_OK);
        assert_int_equal(same_rows(f, q), base + steps[i].rows);
        assert_int_equal(same_rows(f, qa), steps[i].rows_a);
    }
}

/* Labels the index does not hold (empty, over 1 KiB) send the regex
 * filter back to the scan, which finds them. */
static int add_unindexed(sk_txn *t, void *ctx)
{
    (void)ctx;
    char big[1200];
    memset(big, 'q', sizeof big - 6);
    memcpy(big + sizeof big - 6, "ahmed", 6);
    person(t, "U001", big);
    sk_entity_in in = {.type = sym(t, SK_DICT_ETYPE, "person"), .key = "", .label = ""};
    sk_id id;
    assert_int_equal(sk_entity_create(t, &in, &id), SK_OK);
    return SK_OK;
}

static void test_unindexed_labels(void **state)
{
    fixture *f = *state;
    assert_int_equal(sk_store_write(f->s, add_unindexed, NULL), SK_OK);
    assert_true(plan_has(f, "find person where name ~ /ahmed$/",
                         "some labels are not indexed (empty or very long): scan of the type"));
    assert_int_equal(same_rows(f, "find person where name ~ /ahmed$/"), 1);
    assert_int_equal(same_rows(f, "find person where name ~ /^(?:z)?$/"), 1);
    assert_true(same_rows(f, "find person where name ~ /moham+[ae]d/i") >= 4);
}

/* ---- find over more labels than one window of the snapshot scan ---- */

/* Persons for test_many_labels: generated labels ending in " k", a
 * Mohamed in every thirty, and a long label now and then (passed untested
 * by the filter). */
static int build_many(sk_txn *t, void *ctx)
{
    size_t n = *(const size_t *)ctx;
    uint64_t r = 0xD1B54A32D192ED03ull;
    char key[32], label[400];
    for (size_t i = 0; i < n; i++) {
        random_label(&r, label, 128);
        if (i % 30 == 7)
            strcat(label, i % 60 == 7 ? " Mohamed" : "mohammad");
        strcat(label, " k");
        if (i % 997 == 5) {
            memset(label, 'm', 310);
            memcpy(label + 310, " ahmed", 7);
        }
        snprintf(key, sizeof key, "M%06zu", i);
        person(t, key, label);
    }
    return SK_OK;
}

/* The snapshot scan takes labels a window (65,536) and a span (1,024) at
 * a time: a case with more labels than a window gives the same rows as
 * the scan of records, the limit included. */
static void test_many_labels(void **state)
{
    (void)state;
    fixture big = {0};
    size_t n = 70000;
    assert_int_equal(test_case_open("findmany", big.dir, sizeof big.dir, big.path,
                                    sizeof big.path, &big.s), 0);
    assert_int_equal(sk_store_write(big.s, build_many, &n), SK_OK);
    assert_true(same_rows(&big, "find person where name ~ /moham+[ae]d/i") > 2000);
    assert_true(same_rows(&big, "find person where name ~ /^jo(h)?n\\b/i") > 0);
    assert_true(same_rows(&big, "find person where name ~ /mm+ ahm/") > 50);
    assert_int_equal(same_rows(&big, "find person where name ~ /moham+[ae]d/i limit 70"), 70);
    /* Every entry of every window is seen. */
    assert_true(same_rows(&big, "find person where name ~ /k$/") > n - n / 900);
    same_rows(&big, "find person where name ~ /ed$/");
    same_rows(&big, "find person where name ~ /(john|moham)/i");
    assert_true(plan_has(&big, "find person where name ~ /moham+[ae]d/i",
                         "label index, every entry"));
    assert_int_equal(test_case_close(big.s, big.dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_text),
        cmocka_unit_test(test_filter_decisions),
        cmocka_unit_test(test_tricky_labels),
        cmocka_unit_test(test_generated),
        cmocka_unit_test(test_plans),
        cmocka_unit_test(test_after_changes),
        cmocka_unit_test(test_unindexed_labels),
        cmocka_unit_test(test_many_labels),
    };
    return cmocka_run_group_tests(tests, setup, test_case_teardown);
}
