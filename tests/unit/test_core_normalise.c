/*
 * test_core_normalise.c — key normalisation and text folding (normalise.c).
 *
 * Table-driven: each row is one input with the key it must give or the
 * error it must fail with. Properties checked over the whole table: the
 * output never goes past OUTCAP (canary bytes), a failure leaves "", a key
 * normalises to itself, and one byte too little room is SK_ELIMIT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "store.h"

typedef struct key_case {
    int line;          /* source line of the row, for failure messages */
    sk_keykind kind;
    const char *in;
    size_t len;        /* input length; 0 = strlen(in) */
    const char *cc;    /* default country code */
    int rc;            /* expected: the key's length, or an SK_E* code */
    const char *out;   /* expected key when rc >= 0 */
} key_case;

#define OK(k, in, cc, out) { __LINE__, k, in, 0, cc, (int)sizeof(out) - 1, out }
#define BAD(k, in, cc) { __LINE__, k, in, 0, cc, SK_EINVAL, "" }
#define BADN(k, in, len) { __LINE__, k, in, len, NULL, SK_EINVAL, "" }

static const key_case key_cases[] = {
    /* TEXT: NFKC case-fold, white space collapsed and trimmed. */
    OK(SK_KEY_TEXT, "  Hello   WORLD  ", NULL, "hello world"),
    OK(SK_KEY_TEXT, "\xEF\xBC\xA6ull\xE3\x80\x80Width", NULL, "full width"), /* Ｆull　W */
    OK(SK_KEY_TEXT, "\xEF\xAC\x81le", NULL, "file"),                          /* ﬁ ligature */
    OK(SK_KEY_TEXT, "Stra\xC3\x9F" "e", NULL, "strasse"),
    OK(SK_KEY_TEXT, "a\tb\nc\r\nd", NULL, "a b c d"),
    OK(SK_KEY_TEXT, "soft\xC2\xADhyphen", NULL, "softhyphen"),
    OK(SK_KEY_TEXT, "zero\xE2\x80\x8Bwidth", NULL, "zerowidth"),
    OK(SK_KEY_TEXT, "Cafe\xCC\x81", NULL, "caf\xC3\xA9"),                     /* e + U+0301 */
    OK(SK_KEY_TEXT, "no\xC2\xA0" "break", NULL, "no break"),
    OK(SK_KEY_TEXT, "O'Neil, John", NULL, "o'neil, john"),
    BAD(SK_KEY_TEXT, "   ", NULL),
    BAD(SK_KEY_TEXT, "", NULL),
    BAD(SK_KEY_TEXT, "\xC3\x28", NULL),                 /* bad continuation */
    BAD(SK_KEY_TEXT, "a\xED\xA0\x80" "b", NULL),        /* UTF-16 surrogate */
    BAD(SK_KEY_TEXT, "a\xC0\xAF" "b", NULL),            /* overlong "/" */
    BAD(SK_KEY_TEXT, "abc\xE2\x82", NULL),              /* cut short */
    BAD(SK_KEY_TEXT, "\xFF", NULL),

    /* NAME: as TEXT, punctuation other than - and ' separates words. */
    OK(SK_KEY_NAME, "O'Neil, John", NULL, "o'neil john"),
    OK(SK_KEY_NAME, "O\xE2\x80\x99NEIL,JOHN", NULL, "o'neil john"),           /* ’ */
    OK(SK_KEY_NAME, "Smith-Jones, Mary-Ann", NULL, "smith-jones mary-ann"),
    OK(SK_KEY_NAME, "Dr. J.R. Smith (Jnr)", NULL, "dr j r smith jnr"),
    OK(SK_KEY_NAME, "Zo\xC3\xAB  \xC3\x85ngstr\xC3\xB6m", NULL, "zo\xC3\xAB \xC3\xA5ngstr\xC3\xB6m"),
    OK(SK_KEY_NAME, "Mar\xC3\xAD" "a\xE2\x80\x90Jos\xC3\xA9", NULL, "mar\xC3\xAD" "a-jos\xC3\xA9"),
    OK(SK_KEY_NAME, "\"Big\" Tony", NULL, "big tony"),
    BAD(SK_KEY_NAME, "!!! ...", NULL),
    BAD(SK_KEY_NAME, "J\xC3", NULL),

    /* PHONE, with the UK default country code unless noted. */
    OK(SK_KEY_PHONE, "07700 900123", "44", "447700900123"),
    OK(SK_KEY_PHONE, "+44 7700 900123", "44", "447700900123"),
    OK(SK_KEY_PHONE, "+44 (0)7700 900123", "44", "447700900123"),
    OK(SK_KEY_PHONE, "0044 7700 900123", "44", "447700900123"),
    OK(SK_KEY_PHONE, "0044 (0)7700 900123", "44", "447700900123"),
    OK(SK_KEY_PHONE, "(+44) 7700-900-123", "44", "447700900123"),
    OK(SK_KEY_PHONE, "tel: 020 7946 0000", "44", "442079460000"),
    OK(SK_KEY_PHONE, "07700 900123", NULL, "07700900123"),
    OK(SK_KEY_PHONE, "07700 900123", "", "07700900123"),
    OK(SK_KEY_PHONE, "06 12 34 56 78", "+33", "33612345678"),
    OK(SK_KEY_PHONE, "7700 900123", "44", "7700900123"),
    OK(SK_KEY_PHONE, "+1 (555) 010-9999", "44", "15550109999"),
    OK(SK_KEY_PHONE, "0-(070)893-3322", "44", "708933322"),   /* neo4j POLE sample */
    OK(SK_KEY_PHONE, "0-(070)893-3322", NULL, "708933322"),
    OK(SK_KEY_PHONE, "0-(1524)467-9947", "44", "4415244679947"),
    OK(SK_KEY_PHONE, "\xEF\xBC\x90\xEF\xBC\x97\xEF\xBC\x97\xEF\xBC\x90\xEF\xBC\x90 900123", "44",
       "447700900123"),                                          /* full-width digits */
    OK(SK_KEY_PHONE, "999", "44", "999"),
    OK(SK_KEY_PHONE, "T\xC3\xA9l: 0612345678", "33", "33612345678"),
    BAD(SK_KEY_PHONE, "12", "44"),
    BAD(SK_KEY_PHONE, "+4", "44"),
    BAD(SK_KEY_PHONE, "0012", "44"),
    BAD(SK_KEY_PHONE, "000 123 456", "44"),      /* no country code starts with 0 */
    BAD(SK_KEY_PHONE, "+0 7700 900123", "44"),
    BAD(SK_KEY_PHONE, "no number", "44"),
    BAD(SK_KEY_PHONE, "07700 900123", "4a"),      /* bad default country code */
    BAD(SK_KEY_PHONE, "07700 900123", "+"),
    BAD(SK_KEY_PHONE, "07700 900123", "12345"),
    BAD(SK_KEY_PHONE, "\xD9\xA0\xD9\xA7\xD9\xA7\xD9\xA0\xD9\xA0", "44"),  /* Arabic-Indic digits */
    BAD(SK_KEY_PHONE, "07700 900123 / 07700 900124 / 0770", "44"),        /* too many digits */
    OK(SK_KEY_PHONE, "01234 567890 123456 7890 12", "44", "441234567890123456789012"), /* 24 */
    BAD(SK_KEY_PHONE, "01234 567890 123456 7890 123", "44"),                /* 25 with "44" */
    BAD(SK_KEY_PHONE, "07700 900123", "0"),
    BAD(SK_KEY_PHONE, "07700\xC3\x28", "44"),

    /* PLATE: A-Z0-9 only. */
    OK(SK_KEY_PLATE, "ab12 cde", NULL, "AB12CDE"),
    OK(SK_KEY_PLATE, "AB-12-CDE", NULL, "AB12CDE"),
    OK(SK_KEY_PLATE, "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\x91\xEF\xBC\x92 CDE", NULL, "AB12CDE"),
    BAD(SK_KEY_PLATE, "M\xC3\x9C 123", NULL),     /* MÜ: a letter outside A-Z */
    BAD(SK_KEY_PLATE, " - ", NULL),

    /* VIN: 17 letters and digits, no I O Q. */
    OK(SK_KEY_VIN, "1hgcm82633a004352", NULL, "1HGCM82633A004352"),
    OK(SK_KEY_VIN, "1HG CM826-33A004352", NULL, "1HGCM82633A004352"),
    BAD(SK_KEY_VIN, "1HGCM82633A00435", NULL),
    BAD(SK_KEY_VIN, "1HGCM82633A0043521", NULL),
    BAD(SK_KEY_VIN, "1HGCM82633I004352", NULL),
    BAD(SK_KEY_VIN, "1HGCM82633O004352", NULL),
    BAD(SK_KEY_VIN, "1hgcm82633q004352", NULL),
    BAD(SK_KEY_VIN, "1HGCM82633A00435!", NULL),

    /* EMAIL: trimmed, lower-case, one @. */
    OK(SK_KEY_EMAIL, "  John.Smith@Example.COM  ", NULL, "john.smith@example.com"),
    OK(SK_KEY_EMAIL, "a@b", NULL, "a@b"),
    OK(SK_KEY_EMAIL, "\xC3\x89LODIE@EXAMPLE.FR", NULL, "\xC3\xA9lodie@example.fr"),
    BAD(SK_KEY_EMAIL, "noatsign", NULL),
    BAD(SK_KEY_EMAIL, "a@b@c", NULL),
    BAD(SK_KEY_EMAIL, "@example.com", NULL),
    BAD(SK_KEY_EMAIL, "john@", NULL),
    BAD(SK_KEY_EMAIL, "john smith@example.com", NULL),
    BAD(SK_KEY_EMAIL, "   ", NULL),

    /* IBAN: mod-97 check. */
    OK(SK_KEY_IBAN, "GB82 WEST 1234 5698 7654 32", NULL, "GB82WEST12345698765432"),
    OK(SK_KEY_IBAN, "gb82west12345698765432", NULL, "GB82WEST12345698765432"),
    OK(SK_KEY_IBAN, "DE89 3704 0044 0532 0130 00", NULL, "DE89370400440532013000"),
    OK(SK_KEY_IBAN, "NO93 8601 1117 947", NULL, "NO9386011117947"),
    OK(SK_KEY_IBAN, "MT84MALT011000012345MTLCAST001S", NULL, "MT84MALT011000012345MTLCAST001S"),
    BAD(SK_KEY_IBAN, "GB82 WEST 1234 5698 7654 33", NULL),    /* check digits fail */
    BAD(SK_KEY_IBAN, "GB28 WEST 1234 5698 7654 32", NULL),    /* swapped check digits */
    BAD(SK_KEY_IBAN, "GB82-WEST-1234-5698-7654-32", NULL),
    BAD(SK_KEY_IBAN, "GB82 WEST", NULL),                      /* too short */
    BAD(SK_KEY_IBAN, "1282WEST12345698765432", NULL),          /* no country */
    BAD(SK_KEY_IBAN, "GBX2WEST12345698765432", NULL),

    /* ACCOUNT: letters and digits, upper-case. */
    OK(SK_KEY_ACCOUNT, "12-34-56 12345678", NULL, "12345612345678"),
    OK(SK_KEY_ACCOUNT, "acc no. 0012ab", NULL, "ACCNO0012AB"),
    BAD(SK_KEY_ACCOUNT, "--", NULL),

    /* IMEI: 15 digits with the Luhn digit; 14 get it added. */
    OK(SK_KEY_IMEI, "49-015420-323751-8", NULL, "490154203237518"),
    OK(SK_KEY_IMEI, "49015420323751", NULL, "490154203237518"),
    OK(SK_KEY_IMEI, "35 209900 176148 1", NULL, "352099001761481"),
    OK(SK_KEY_IMEI, "IMEI: 356938035643809", NULL, "356938035643809"),
    BAD(SK_KEY_IMEI, "490154203237519", NULL),      /* Luhn fails */
    BAD(SK_KEY_IMEI, "352099001761482", NULL),
    BAD(SK_KEY_IMEI, "4901542032375", NULL),        /* 13 digits */
    BAD(SK_KEY_IMEI, "4901542032375180", NULL),     /* 16 digits (IMEISV) */
    BAD(SK_KEY_IMEI, "", NULL),

    /* POSTCODE: UK codes get one space before the inward code. */
    OK(SK_KEY_POSTCODE, "m11aa", NULL, "M1 1AA"),
    OK(SK_KEY_POSTCODE, "sw1a1aa", NULL, "SW1A 1AA"),
    OK(SK_KEY_POSTCODE, "SW1A   1AA", NULL, "SW1A 1AA"),
    OK(SK_KEY_POSTCODE, " ec1a 1bb ", NULL, "EC1A 1BB"),
    OK(SK_KEY_POSTCODE, "b338th", NULL, "B33 8TH"),
    OK(SK_KEY_POSTCODE, "CR2 6XH", NULL, "CR2 6XH"),
    OK(SK_KEY_POSTCODE, "90210", NULL, "90210"),        /* a US ZIP is not split */
    OK(SK_KEY_POSTCODE, "k1a 0b6", NULL, "K1A0B6"),
    OK(SK_KEY_POSTCODE, "00-950", NULL, "00-950"),
    OK(SK_KEY_POSTCODE, "1012 ab", NULL, "1012AB"),
    BAD(SK_KEY_POSTCODE, "SW1A 1AA!", NULL),
    BAD(SK_KEY_POSTCODE, "  ", NULL),

    /* EXACT: bytes as given, but still UTF-8 without NUL. */
    OK(SK_KEY_EXACT, "  AbC-123  ", NULL, "  AbC-123  "),
    OK(SK_KEY_EXACT, "Stra\xC3\x9F" "e", NULL, "Stra\xC3\x9F" "e"),
    BAD(SK_KEY_EXACT, "ab\xC3\x28", NULL),
    BADN(SK_KEY_EXACT, "ab\0cd", 5),
    BAD(SK_KEY_EXACT, "", NULL),
};
#define N_KEY_CASES (sizeof key_cases / sizeof key_cases[0])

#define CANARY 0x5A

static size_t case_len(const key_case *c)
{
    return c->len != 0 ? c->len : strlen(c->in);
}

/* Runs C with OUTCAP bytes of room in a canary-filled buffer; checks that
 * nothing beyond OUTCAP was touched. */
static int run(const key_case *c, char *buf, size_t bufsize, size_t outcap)
{
    memset(buf, CANARY, bufsize);
    int rc = sk_key_normalise(c->kind, c->in, case_len(c), c->cc, buf, outcap);
    for (size_t i = outcap; i < bufsize; i++)
        if ((unsigned char)buf[i] != CANARY)
            fail_msg("line %d: byte %zu written past outcap %zu", c->line, i, outcap);
    return rc;
}

static void test_key_table(void **state)
{
    (void)state;
    char buf[256];
    for (size_t i = 0; i < N_KEY_CASES; i++) {
        const key_case *c = &key_cases[i];
        int rc = run(c, buf, sizeof buf, 128);
        if (rc != c->rc)
            fail_msg("line %d: %s rule gave %d (\"%s\"), expected %d", c->line,
                     sk_keykind_name(c->kind), rc, rc >= 0 ? buf : "", c->rc);
        if (rc >= 0 && strcmp(buf, c->out) != 0)
            fail_msg("line %d: got \"%s\", expected \"%s\"", c->line, buf, c->out);
        if (rc < 0 && buf[0] != '\0')
            fail_msg("line %d: failure left \"%s\" in the output", c->line, buf);
    }
}

/* A stored key looked up again, or typed back as displayed, must find
 * itself: normalising a key gives the same key. */
static void test_key_idempotent(void **state)
{
    (void)state;
    char again[256];
    for (size_t i = 0; i < N_KEY_CASES; i++) {
        const key_case *c = &key_cases[i];
        if (c->rc < 0)
            continue;
        int rc = sk_key_normalise(c->kind, c->out, strlen(c->out), c->cc, again, sizeof again);
        if (rc != c->rc || strcmp(again, c->out) != 0)
            fail_msg("line %d: \"%s\" normalised again gave %d \"%s\"", c->line, c->out, rc,
                     rc >= 0 ? again : "");
    }
}

/* Every successful row, given exactly one byte too little room, fails
 * with SK_ELIMIT and writes nothing past the room it was given. */
static void test_key_outcap(void **state)
{
    (void)state;
    char buf[256];
    for (size_t i = 0; i < N_KEY_CASES; i++) {
        const key_case *c = &key_cases[i];
        if (c->rc < 0)
            continue;
        size_t need = (size_t)c->rc + 1;
        int rc = run(c, buf, sizeof buf, need - 1);
        if (rc != SK_ELIMIT)
            fail_msg("line %d: outcap %zu gave %d, expected SK_ELIMIT", c->line, need - 1, rc);
        if (need > 1 && buf[0] != '\0')
            fail_msg("line %d: SK_ELIMIT left \"%.*s\"", c->line, (int)(need - 1), buf);
        rc = run(c, buf, sizeof buf, need);
        if (rc != c->rc || strcmp(buf, c->out) != 0)
            fail_msg("line %d: outcap %zu gave %d, expected %d", c->line, need, rc, c->rc);
    }
    /* No room at all: nothing may be written. */
    const key_case zero = OK(SK_KEY_TEXT, "x", NULL, "x");
    assert_int_equal(run(&zero, buf, sizeof buf, 0), SK_ELIMIT);
}

static void test_key_bad_kind(void **state)
{
    (void)state;
    char buf[16];
    assert_int_equal(sk_key_normalise((sk_keykind)99, "abc", 3, NULL, buf, sizeof buf),
                     SK_EINVAL);
    assert_string_equal(buf, "");
}

static void test_keykind_for_type(void **state)
{
    (void)state;
    static const struct { const char *type; sk_keykind kind; } rows[] = {
        { "person", SK_KEY_NAME },        { "Person", SK_KEY_NAME },
        { "PHONE", SK_KEY_PHONE },        { "msisdn", SK_KEY_PHONE },
        { "Mobile", SK_KEY_PHONE },       { "vehicle", SK_KEY_PLATE },
        { "car", SK_KEY_PLATE },          { "plate", SK_KEY_PLATE },
        { "VIN", SK_KEY_VIN },            { "email", SK_KEY_EMAIL },
        { "E-Mail", SK_KEY_EMAIL },       { "iban", SK_KEY_IBAN },
        { "account", SK_KEY_ACCOUNT },    { "bank_account", SK_KEY_ACCOUNT },
        { "imei", SK_KEY_IMEI },          { "device", SK_KEY_IMEI },
        { "Handset", SK_KEY_IMEI },       { "postcode", SK_KEY_POSTCODE },
        { "postal_code", SK_KEY_POSTCODE },
        { "location", SK_KEY_TEXT },      { "persons", SK_KEY_TEXT },
        { "pers", SK_KEY_TEXT },          { "", SK_KEY_TEXT },
        { "event", SK_KEY_TEXT },         { "organisation", SK_KEY_TEXT },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        sk_keykind k = sk_keykind_for_type(rows[i].type, strlen(rows[i].type));
        if (k != rows[i].kind)
            fail_msg("type \"%s\" gave %s, expected %s", rows[i].type, sk_keykind_name(k),
                     sk_keykind_name(rows[i].kind));
    }
    /* Only LEN bytes count: the type need not be NUL-terminated. */
    assert_int_equal(sk_keykind_for_type("phone_number", 5), SK_KEY_PHONE);
    assert_int_equal(sk_keykind_for_type("phone", 4), SK_KEY_TEXT);
}

static void test_keykind_name(void **state)
{
    (void)state;
    static const char *const names[] = {
        [SK_KEY_TEXT] = "text",       [SK_KEY_NAME] = "name",   [SK_KEY_PHONE] = "phone",
        [SK_KEY_PLATE] = "plate",     [SK_KEY_VIN] = "vin",     [SK_KEY_EMAIL] = "email",
        [SK_KEY_IBAN] = "iban",       [SK_KEY_ACCOUNT] = "account",
        [SK_KEY_IMEI] = "imei",       [SK_KEY_POSTCODE] = "postcode",
        [SK_KEY_EXACT] = "exact",
    };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        assert_string_equal(sk_keykind_name((sk_keykind)k), names[k]);
}

/* normalise.c maps printable ASCII without utf8proc, on the premise that
 * utf8proc's NFKC mapping (with the options keys use) leaves each such
 * character alone, case-folding only A-Z. Checked here for every one. */
static void test_ascii_fast_path(void **state)
{
    (void)state;
    int base = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_IGNORE |
               UTF8PROC_STRIPCC | UTF8PROC_LUMP;
    for (int fold = 0; fold < 2; fold++) {
        for (int c = 0x20; c <= 0x7e; c++) {
            utf8proc_uint8_t in[4] = {'x', (utf8proc_uint8_t)c, 'Y', 0}, *out = NULL;
            int opts = base | (fold ? UTF8PROC_CASEFOLD : 0);
            utf8proc_ssize_t n = utf8proc_map(in, 3, &out, (utf8proc_option_t)opts);
            assert_int_equal(n, 3);
            char want[4] = {'x', (char)c, fold ? 'y' : 'Y', 0};
            if (fold && c >= 'A' && c <= 'Z')
                want[1] = (char)(c + 32);
            assert_memory_equal(out, want, 3);
            free(out);
        }
    }
    /* And through the public functions, against a non-ASCII twin that
     * takes utf8proc's path: the same words fold alike. */
    char a[64], b[64];
    assert_int_equal(sk_text_fold("  Jo  O'Brien-Smith ", 20, a, sizeof a),
                     sk_text_fold("  Jo  O'Brien-Smith \xc2\xa0", 22, b, sizeof b));
    assert_string_equal(a, b);
    /* Random printable text (spaces and capitals often) against its twin
     * with a no-break space behind, which ends the text as a space does;
     * every output room from none to enough. */
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 5000; i++) {
        char in[40];
        size_t n = 0, len = (size_t)(i % 37);
        for (; n < len; n++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            unsigned r = (unsigned)(seed >> 33);
            in[n] = r % 3 == 0 ? ' ' : r % 3 == 1 ? (char)('A' + r / 3 % 26)
                                                  : (char)(0x20 + r / 3 % 95);
        }
        memcpy(in + n, "\xc2\xa0", 2);
        size_t cap = (size_t)(i % 41);
        int fast = sk_text_fold(in, n, a, cap), slow = sk_text_fold(in, n + 2, b, cap);
        if (fast != slow || (cap && strcmp(a, b) != 0))
            fail_msg("'%.*s' in %zu bytes: %d '%s', utf8proc %d '%s'", (int)n, in, cap, fast,
                     cap ? a : "", slow, cap ? b : "");
    }
    assert_int_equal(sk_key_normalise(SK_KEY_NAME, "Mary  ANN", 9, NULL, a, sizeof a),
                     sk_key_normalise(SK_KEY_NAME, "Mary\xc2\xa0 ANN", 10, NULL, b, sizeof b));
    assert_string_equal(a, b);
}

static void test_text_fold(void **state)
{
    (void)state;
    static const struct { const char *in; int rc; const char *out; } rows[] = {
        { "  Hello   World ", 11, "hello world" },
        { "O'Neil, John", 12, "o'neil, john" },
        { "\xEF\xBC\xA8\xEF\xBC\xA9", 2, "hi" },      /* full-width ＨＩ */
        { "\xCE\xA3\xCE\x91\xCE\xA3", 6, "\xCF\x83\xCE\xB1\xCF\x83" }, /* ΣΑΣ → σασ */
        { "", 0, "" },
        { " \t\n ", 0, "" },
        { "bad \xC3\x28", SK_EINVAL, "" },
        { "\xF4\x90\x80\x80", SK_EINVAL, "" },           /* beyond U+10FFFF */
    };
    char buf[64];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        memset(buf, CANARY, sizeof buf);
        int rc = sk_text_fold(rows[i].in, strlen(rows[i].in), buf, sizeof buf);
        if (rc != rows[i].rc || strcmp(buf, rows[i].out) != 0)
            fail_msg("row %zu: got %d \"%s\", expected %d \"%s\"", i, rc, buf, rows[i].rc,
                     rows[i].out);
    }
    memset(buf, CANARY, sizeof buf);
    assert_int_equal(sk_text_fold("Hello World", 11, buf, 11), SK_ELIMIT);
    assert_string_equal(buf, "");
    assert_int_equal((unsigned char)buf[11], CANARY);
    assert_int_equal(sk_text_fold("Hello World", 11, buf, 12), 11);
    assert_int_equal(sk_text_fold(NULL, 0, buf, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_table),
        cmocka_unit_test(test_key_idempotent),
        cmocka_unit_test(test_key_outcap),
        cmocka_unit_test(test_key_bad_kind),
        cmocka_unit_test(test_keykind_for_type),
        cmocka_unit_test(test_keykind_name),
        cmocka_unit_test(test_text_fold),
        cmocka_unit_test(test_ascii_fast_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
