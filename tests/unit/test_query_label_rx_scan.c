/*
 * test_query_label_rx_scan.c — the block scan of packed label texts
 * (sk_lrx_scan, query/label_rx.c) against its definition: the entries
 * sk_lrx_may_match passes one by one, in the same order.
 *
 * The packed texts are built where the scan could go wrong: entries that
 * pass untested (non-ASCII, CUT bytes or longer — 299, 300 and 301 bytes
 * around the cut), empty entries, the required run straddling two
 * entries or split by a span's end, runs at the very start and end of
 * the text, runs longer than a word step, one-letter runs and regexes
 * with no required run; over ranges that start and end off the 64-entry
 * groups and the spans; an accented entry at every place of the
 * search's word step. The text buffer is allocated to its exact size,
 * so that a read past the last entry shows under AddressSanitizer.
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

/* Packed entries as a label snapshot holds them. */
typedef struct packed {
    char *text;          /* exactly off[n] bytes (one when empty) */
    uint32_t *off;       /* n + 1 */
    size_t n;
} packed;

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* What generated entries are made of: the runs the regexes below need,
 * their pieces (so that a run may straddle two entries) and other
 * letters; then non-ASCII characters, used only by some stretches. */
static const char *const PARTS[] = {
    "moham", "mohammed", "muhamad", "mo", "ham", "m", "ad", "ed", " ", "jo", "john", "jon",
    "h", "n", "a", "e", "x", "q", "zz", "abcdefghijklmnopqrstuvwxyz", "abcdefghij", "klmnop",
    "1", "-", "\xc3\xb6", "\xe2\x84\xaa",
};
#define ASCII_PARTS (sizeof PARTS / sizeof PARTS[0] - 2)

/* Entry I of a generated set. Stretches of 700 entries take turns: ASCII
 * names only (the scan's quickest path), ASCII names and some long
 * entries (299, 300 or 301 bytes, around the cut), and everything,
 * non-ASCII characters and empty entries included. */
static size_t make_entry(uint64_t *r, size_t i, char *buf, size_t cap)
{
    unsigned stretch = (unsigned)(i / 700 % 3);
    uint64_t kind = next_rand(r) % 100;
    if (stretch > 0 && kind < 3) {
        size_t len = 299 + next_rand(r) % 3;
        for (size_t k = 0; k < len; k++)
            buf[k] = "mohamed "[next_rand(r) % 8];
        return len;
    }
    if (stretch == 2 && kind < 6)
        return 0;
    size_t nparts = stretch == 2 ? sizeof PARTS / sizeof PARTS[0] : ASCII_PARTS;
    size_t n = 1 + next_rand(r) % 5, len = 0;
    for (size_t k = 0; k < n; k++) {
        const char *p = PARTS[next_rand(r) % nparts];
        size_t l = strlen(p);
        if (len + l <= cap) {
            memcpy(buf + len, p, l);
            len += l;
        }
    }
    return len;
}

static void pack(packed *pk, size_t n, uint64_t seed)
{
    uint64_t r = seed;
    char buf[512];
    size_t total = 0;
    pk->n = n;
    pk->off = malloc((n + 1) * sizeof *pk->off);
    assert_non_null(pk->off);
    /* Two passes with the same seed: the sizes, then the text. */
    for (size_t i = 0; i < n; i++)
        total += make_entry(&r, i, buf, sizeof buf);
    pk->text = malloc(total ? total : 1);
    assert_non_null(pk->text);
    r = seed;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = make_entry(&r, i, buf, sizeof buf);
        pk->off[i] = (uint32_t)at;
        memcpy(pk->text + at, buf, len);
        at += len;
    }
    pk->off[n] = (uint32_t)at;
}

static void unpack(packed *pk)
{
    free(pk->text);
    free(pk->off);
}

/* The entries a scan handed on. */
typedef struct seen {
    size_t *v;
    size_t n, cap;
    size_t stop_at;      /* stop (return 7) at this many; 0: never */
} seen;

static int record(void *ctx, size_t i)
{
    seen *s = ctx;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        assert_non_null(s->v);
    }
    s->v[s->n++] = i;
    return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

/* Asserts that scanning [LO, HI) of PK with F hands on exactly the
 * entries sk_lrx_may_match passes, in order; returns how many. */
static size_t same_entries(sk_lrx *f, const packed *pk, size_t lo, size_t hi, const char *rx)
{
    seen got = {0};
    assert_int_equal(sk_lrx_scan(f, pk->text, pk->off, lo, hi, record, &got), 0);
    size_t k = 0;
    for (size_t i = lo; i < hi; i++) {
        if (!sk_lrx_may_match(f, pk->text + pk->off[i], pk->off[i + 1] - pk->off[i]))
            continue;
        if (k >= got.n || got.v[k] != i)
            fail_msg("/%s/ over [%zu, %zu): entry %zu (\"%.*s\") passes one by one, the scan "
                     "gave %zu", rx, lo, hi, i, (int)(pk->off[i + 1] - pk->off[i]),
                     pk->text + pk->off[i], k < got.n ? got.v[k] : (size_t)-1);
        k++;
    }
    if (k != got.n)
        fail_msg("/%s/ over [%zu, %zu): the scan gave %zu entries, one by one %zu", rx, lo, hi,
                 got.n, k);
    free(got.v);
    return k;
}

static const struct {
    const char *rx;
    unsigned flags;
} REGEXES[] = {
    {"moham+[ae]d", SK_RX_CASELESS},
    {"moham", 0},
    {"^jo(h)?n\\b", SK_RX_CASELESS},
    {"m", 0},                              /* a one-letter run */
    {"h.d", 0},
    {"abcdefghijklmnopqrstuvwxyz", 0},     /* a run longer than a word step */
    {"mo(ham|x)", 0},
    {"(john|moham)", 0},                   /* no required run: one by one */
    {"j|q", SK_RX_CASELESS},
    {"zz$", 0},
    {"\\x{f6}h", 0},
};

static void test_scan_generated(void **state)
{
    (void)state;
    packed pk;
    pack(&pk, 5000, 0x2545F4914F6CDD1Dull);
    uint64_t r = 99;
    size_t passed = 0;
    for (size_t q = 0; q < sizeof REGEXES / sizeof REGEXES[0]; q++) {
        sk_lrx *f;
        if (!sk_lrx_new(REGEXES[q].rx, strlen(REGEXES[q].rx), REGEXES[q].flags, &f))
            fail_msg("/%s/ gave no filter", REGEXES[q].rx);
        passed += same_entries(f, &pk, 0, pk.n, REGEXES[q].rx);
        /* Ranges off the groups and spans, empty and one-entry ones. */
        for (int k = 0; k < 20; k++) {
            size_t lo = next_rand(&r) % pk.n, hi = lo + next_rand(&r) % (pk.n - lo + 1);
            same_entries(f, &pk, lo, hi, REGEXES[q].rx);
        }
        same_entries(f, &pk, 63, 1089, REGEXES[q].rx);
        same_entries(f, &pk, 1024, 1025, REGEXES[q].rx);
        same_entries(f, &pk, 7, 7, REGEXES[q].rx);
        sk_lrx_free(f);
    }
    /* The generated text gives the filters something to pass and to
     * reject. */
    assert_true(passed > 1000 && passed < 5000 * (sizeof REGEXES / sizeof REGEXES[0]) / 2);
    unpack(&pk);
}

/* Entries written out, for the cases a generator may miss. */
static void pack_list(packed *pk, const char *const *v, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += strlen(v[i]);
    pk->n = n;
    pk->text = malloc(total ? total : 1);
    pk->off = malloc((n + 1) * sizeof *pk->off);
    assert_non_null(pk->text);
    assert_non_null(pk->off);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        pk->off[i] = (uint32_t)at;
        memcpy(pk->text + at, v[i], strlen(v[i]));
        at += strlen(v[i]);
    }
    pk->off[n] = (uint32_t)at;
}

static void test_scan_edges(void **state)
{
    (void)state;
    static const char *const entries[] = {
        "mohamed",                   /* the run at the text's start */
        "ali mo", "hamed",           /* the run straddling two entries */
        "", "mohamad", "",
        "x moh", "amed mohammed y",  /* straddling, then a match in the next */
        "m\xc3\xb6hamed",            /* non-ASCII: passes untested */
        "ahmed", "moh", "am",
        "muhammad mohamed",          /* the run at the text's end */
    };
    packed pk;
    pack_list(&pk, entries, sizeof entries / sizeof entries[0]);
    sk_lrx *f;
    assert_true(sk_lrx_new("moham+[ae]d", 11, SK_RX_CASELESS, &f));
    seen got = {0};
    assert_int_equal(sk_lrx_scan(f, pk.text, pk.off, 0, pk.n, record, &got), 0);
    static const size_t want[] = {0, 4, 7, 8, 12};
    assert_int_equal(got.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < got.n; i++)
        assert_int_equal(got.v[i], want[i]);
    free(got.v);
    same_entries(f, &pk, 0, pk.n, "moham+[ae]d");
    for (size_t lo = 0; lo <= pk.n; lo++)
        for (size_t hi = lo; hi <= pk.n; hi++)
            same_entries(f, &pk, lo, hi, "moham+[ae]d");
    /* A non-zero return stops the scan and is passed back. */
    seen two = {.stop_at = 2};
    assert_int_equal(sk_lrx_scan(f, pk.text, pk.off, 0, pk.n, record, &two), 7);
    assert_int_equal(two.n, 2);
    assert_int_equal(two.v[1], 4);
    free(two.v);
    sk_lrx_free(f);
    unpack(&pk);
    /* ASCII but for an entry whose accent comes after the run, and a long
     * entry: both pass. */
    char longest[302];
    memset(longest, 'x', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    const char *const plain[] = {"ali", "x mohamqq \xc3\xb6", "zz", longest, "mohamed", "moha"};
    pack_list(&pk, plain, sizeof plain / sizeof plain[0]);
    assert_true(sk_lrx_new("moham+[ae]d", 11, SK_RX_CASELESS, &f));
    got = (seen){0};
    assert_int_equal(sk_lrx_scan(f, pk.text, pk.off, 0, pk.n, record, &got), 0);
    assert_int_equal(got.n, 3);
    assert_int_equal(got.v[0], 1);
    assert_int_equal(got.v[1], 3);
    assert_int_equal(got.v[2], 4);
    free(got.v);
    sk_lrx_free(f);
    unpack(&pk);
    /* No entries, and only empty ones. */
    static const char *const empty[] = {"", ""};
    pack_list(&pk, empty, 2);
    assert_true(sk_lrx_new("moham", 5, 0, &f));
    assert_int_equal(same_entries(f, &pk, 0, 2, "moham"), 0);
    assert_int_equal(same_entries(f, &pk, 0, 0, "moham"), 0);
    sk_lrx_free(f);
    unpack(&pk);
}

/* One accented entry among ASCII ones, its bytes moved through every
 * place of the search's sixteen-byte step: it always passes. */
static void test_scan_accent_anywhere(void **state)
{
    (void)state;
    sk_lrx *f;
    assert_true(sk_lrx_new("moham+[ae]d", 11, SK_RX_CASELESS, &f));
    for (size_t shift = 0; shift < 40; shift++) {
        char filler[48];
        memset(filler, 'a', shift);
        filler[shift] = '\0';
        const char *const v[] = {filler, "zz", "q\xc3\xb6", "zzzz zzzz zzzz zzzz zzzz zzzz",
                                 "mohamed", "zzzz zzzz zzzz zzzz zzzz zzzz"};
        packed pk;
        pack_list(&pk, v, sizeof v / sizeof v[0]);
        seen got = {0};
        assert_int_equal(sk_lrx_scan(f, pk.text, pk.off, 0, pk.n, record, &got), 0);
        assert_int_equal(got.n, 2);
        assert_int_equal(got.v[0], 2);
        assert_int_equal(got.v[1], 4);
        free(got.v);
        unpack(&pk);
    }
    sk_lrx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_generated),
        cmocka_unit_test(test_scan_edges),
        cmocka_unit_test(test_scan_accent_anywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
