/*
 * normalise.c — natural keys and folded text (pure functions, no store).
 *
 * A natural key identifies an entity across imports: the phone number
 * written "07700 900123" in one extract and "+44 7700 900123" in another
 * must give the same stored key, or the two records never meet in the
 * graph. Each key kind has one rule, listed with examples in docs/keys.md.
 *
 * Invariants:
 * - Every rule except EXACT first maps the input through Unicode NFKC
 *   (case-folded where the rule ignores case), with default-ignorable
 *   characters and control characters removed and look-alike punctuation
 *   lumped together, so full-width digits, ligatures, no-break spaces and
 *   curly apostrophes compare equal to their plain forms. Invalid UTF-8 is
 *   SK_EINVAL for every rule, EXACT included.
 * - A key is never empty: input with nothing to key on is SK_EINVAL.
 *   (sk_text_fold is not a key rule and may return "".)
 * - Output never goes past OUTCAP, is NUL-terminated, and is "" after any
 *   failure so a caller cannot store half a key.
 * - ASCII tests here are locale-independent (text_int.h).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "store.h"
#include "text_int.h"

/* Inputs beyond this many bytes are refused before utf8proc sees them: no
 * key is that long, and it keeps every length comfortably inside int. */
#define KEY_INPUT_MAX ((size_t)1 << 24)

/* Longest compact form the fixed-length rules (VIN, IBAN, IMEI) look at. */
#define KEY_SHORT_MAX 64

/* Most digits a phone number may have: E.164 allows 15, and a few more
 * cover an extension. More is usually two numbers in one field. */
#define PHONE_DIGITS_MAX 24

typedef int (*key_rule_fn)(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o);

static int rule_text(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o);
static int rule_name(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o);
static int rule_phone(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o);
static int rule_alnum(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o);
static int rule_vin(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o);
static int rule_email(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o);
static int rule_iban(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o);
static int rule_imei(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o);
static int rule_postcode(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o);

/* One row per key kind: its name and how the rule sees its input. EXACT has
 * no rule function: it copies the bytes without Unicode mapping. */
static const struct key_rule {
    const char *name;
    bool casefold;   /* map through NFKC_Casefold rather than plain NFKC */
    key_rule_fn fn;
} key_rules[] = {
    [SK_KEY_TEXT]     = { "text",     true,  rule_text },
    [SK_KEY_NAME]     = { "name",     true,  rule_name },
    [SK_KEY_PHONE]    = { "phone",    false, rule_phone },
    [SK_KEY_PLATE]    = { "plate",    false, rule_alnum },
    [SK_KEY_VIN]      = { "vin",      false, rule_vin },
    [SK_KEY_EMAIL]    = { "email",    true,  rule_email },
    [SK_KEY_IBAN]     = { "iban",     false, rule_iban },
    [SK_KEY_ACCOUNT]  = { "account",  false, rule_alnum },
    [SK_KEY_IMEI]     = { "imei",     false, rule_imei },
    [SK_KEY_POSTCODE] = { "postcode", false, rule_postcode },
    [SK_KEY_EXACT]    = { "exact",    false, NULL },
};
#define N_KEY_RULES (sizeof key_rules / sizeof key_rules[0])

/* Entity type names that carry a key rule; every other type keys as TEXT. */
static const struct type_rule {
    const char *type;
    sk_keykind kind;
} type_rules[] = {
    { "person", SK_KEY_NAME },
    { "phone", SK_KEY_PHONE },       { "msisdn", SK_KEY_PHONE },
    { "mobile", SK_KEY_PHONE },
    { "vehicle", SK_KEY_PLATE },     { "car", SK_KEY_PLATE },
    { "plate", SK_KEY_PLATE },
    { "vin", SK_KEY_VIN },
    { "email", SK_KEY_EMAIL },       { "e-mail", SK_KEY_EMAIL },
    { "iban", SK_KEY_IBAN },
    { "account", SK_KEY_ACCOUNT },   { "bank_account", SK_KEY_ACCOUNT },
    { "imei", SK_KEY_IMEI },         { "device", SK_KEY_IMEI },
    { "handset", SK_KEY_IMEI },
    { "postcode", SK_KEY_POSTCODE }, { "postal_code", SK_KEY_POSTCODE },
};

sk_keykind sk_keykind_for_type(const char *type, size_t len)
{
    assert(type != NULL || len == 0);
    for (size_t i = 0; i < sizeof type_rules / sizeof type_rules[0]; i++) {
        const char *t = type_rules[i].type;
        if (strlen(t) == len && sk_ascii_caseeq(t, type, len))
            return type_rules[i].kind;
    }
    return SK_KEY_TEXT;
}

const char *sk_keykind_name(sk_keykind k)
{
    assert((size_t)k < N_KEY_RULES);
    if ((size_t)k >= N_KEY_RULES)
        return "unknown";
    return key_rules[k].name;
}

/* ---- Unicode helpers ------------------------------------------------ */

/* Maps IN through NFKC (with case folding when CASEFOLD) into a malloc'd
 * buffer the caller frees. Default-ignorables (soft hyphen, zero-width
 * space) and control characters go; line breaks and tabs become spaces;
 * dashes, apostrophes and spaces are lumped to their ASCII forms. */
/* Printable ASCII (0x20-0x7e) is its own NFKC form, has nothing to strip,
 * ignore or lump, and case-folds by A-Z to a-z only; most keys and labels
 * are such text, and skipping utf8proc for them halves the cost of an
 * entity insert. (test_core_normalise checks every printable character
 * against utf8proc.) */
static bool printable_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
    return true;
}

static int nfkc_map(const char *in, size_t len, bool casefold, uint8_t **out, size_t *outlen)
{
    if (len <= KEY_INPUT_MAX && printable_ascii(in ? in : "", len)) {
        uint8_t *buf = malloc(len + 1);
        if (!buf)
            return SK_ENOMEM;
        for (size_t i = 0; i < len; i++) {
            uint8_t c = (uint8_t)in[i];
            buf[i] = casefold && c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
        }
        buf[len] = '\0';
        *out = buf;
        *outlen = len;
        return SK_OK;
    }
    int opts = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_IGNORE
             | UTF8PROC_STRIPCC | UTF8PROC_LUMP;
    if (casefold)
        opts |= UTF8PROC_CASEFOLD;
    if (len > KEY_INPUT_MAX)
        return SK_ELIMIT;
    utf8proc_uint8_t *buf = NULL;
    /* utf8proc reads nothing when the length is 0, but wants a pointer. */
    const char *src = in != NULL ? in : "";
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)src, (utf8proc_ssize_t)len,
                                      &buf, (utf8proc_option_t)opts);
    if (r < 0) {
        free(buf);
        switch (r) {
        case UTF8PROC_ERROR_NOMEM: return SK_ENOMEM;
        case UTF8PROC_ERROR_OVERFLOW: return SK_ELIMIT;
        default: return SK_EINVAL; /* invalid UTF-8 */
        }
    }
    *out = buf;
    *outlen = (size_t)r;
    return SK_OK;
}

/* Decodes the code point at S (N bytes left, valid UTF-8) and returns its
 * length in bytes. Input has been through utf8proc, so it is valid. */
static size_t next_cp(const uint8_t *s, size_t n, utf8proc_int32_t *cp)
{
    utf8proc_ssize_t k = utf8proc_iterate(s, (utf8proc_ssize_t)n, cp);
    assert(k > 0);
    return k > 0 ? (size_t)k : 1;
}

static bool is_space_cp(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return sk_ascii_isspace((int)cp);
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

/* A name keeps letters, marks, digits, hyphens and apostrophes; any other
 * punctuation or symbol separates words like a space, so "Smith,John" and
 * "Smith, John" give the same key. */
static bool is_name_separator(utf8proc_int32_t cp)
{
    if (cp == '-' || cp == '\'')
        return false;
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_SO;
}

/* A letter or digit outside ASCII (with DIGITS_ONLY, a decimal digit):
 * rules that keep only ASCII letters and digits refuse it rather than
 * silently dropping part of the identifier. */
static bool is_foreign_alnum(utf8proc_int32_t cp, bool digits_only)
{
    if (cp < 0x80)
        return false;
    utf8proc_category_t c = utf8proc_category(cp);
    if (digits_only)
        return c == UTF8PROC_CATEGORY_ND;
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO)
        || (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

static bool has_foreign_alnum(const uint8_t *s, size_t n, bool digits_only)
{
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        i += next_cp(s + i, n - i, &cp);
        if (is_foreign_alnum(cp, digits_only))
            return true;
    }
    return false;
}

/* Copies the words of S to O separated by single spaces, dropping leading
 * and trailing space. NAME_RULE also turns punctuation into separators. */
static void emit_words(const uint8_t *s, size_t n, bool name_rule, sk_sbuf *o)
{
    bool gap = false;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        size_t k = next_cp(s + i, n - i, &cp);
        if (is_space_cp(cp) || (name_rule && is_name_separator(cp))) {
            gap = true;
        } else {
            if (gap && o->len > 0)
                sk_sbuf_putc(o, ' ');
            gap = false;
            sk_sbuf_put(o, (const char *)s + i, k);
        }
        i += k;
    }
}

/* ---- Rules ---------------------------------------------------------- */

static int rule_text(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o)
{
    (void)cc;
    emit_words(s, n, false, o);
    return SK_OK;
}

static int rule_name(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o)
{
    (void)cc;
    emit_words(s, n, true, o);
    return SK_OK;
}

/* Country calling code: optional "+", then 1 to 4 digits, the first not
 * 0. NULL or "" is none. */
static int parse_cc(const char *cc, const char **digits, size_t *n)
{
    *digits = "";
    *n = 0;
    if (cc == NULL || cc[0] == '\0')
        return SK_OK;
    const char *d = cc[0] == '+' ? cc + 1 : cc;
    size_t len = strlen(d);
    if (len == 0 || len > 4 || d[0] == '0') /* no calling code starts with 0 */
        return SK_EINVAL;
    for (size_t i = 0; i < len; i++)
        if (!sk_ascii_isdigit((unsigned char)d[i]))
            return SK_EINVAL;
    *digits = d;
    *n = len;
    return SK_OK;
}

/* Phone numbers are decided by their digits alone (and a "+" before the
 * first digit), so every way of punctuating a number gives one key and a
 * key normalises to itself. "+" or leading digits "00" make the number
 * international, and its "(0)" trunk marker ("+44 (0)20 ...") is dropped;
 * no country code starts with 0, so an international number that does is
 * refused. A national number starting with 0 gets the default country
 * code in place of that 0; without a default, or without a leading 0, the
 * digits stay as they are. Odd data such as "0-(070)893-3322" is simply
 * its digits, "00708933322", read as international: "708933322". */
static int rule_phone(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o)
{
    const char *ccd;
    size_t ccn;
    char d[PHONE_DIGITS_MAX + 2]; /* room for an international "00" */
    size_t nd = 0;
    bool plus = false, seen_digit = false;
    if (parse_cc(cc, &ccd, &ccn) != SK_OK || has_foreign_alnum(s, n, true))
        return SK_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+' && !seen_digit)
            plus = true;
        if ((plus || (nd >= 2 && d[0] == '0' && d[1] == '0')) && s[i] == '('
            && i + 2 < n && s[i + 1] == '0' && s[i + 2] == ')') {
            i += 2; /* the trunk marker of "+44 (0)20 ..." */
            continue;
        }
        if (!sk_ascii_isdigit(s[i]))
            continue;
        if (nd == sizeof d)
            return SK_EINVAL; /* more digits than any number: two in one field? */
        d[nd++] = (char)s[i];
        seen_digit = true;
    }
    size_t skip = 0;
    bool intl = plus;
    if (!plus && nd >= 2 && d[0] == '0' && d[1] == '0') {
        intl = true;
        skip = 2;
    }
    if (intl && nd > skip && d[skip] == '0')
        return SK_EINVAL;
    size_t added = 0;
    if (!intl && ccn > 0 && nd > 0 && d[0] == '0') {
        sk_sbuf_put(o, ccd, ccn);
        added = ccn;
        skip = 1;
    }
    /* The limit applies to the key, so that a key always normalises to
     * itself. */
    if (nd - skip < 3 || added + nd - skip > PHONE_DIGITS_MAX)
        return SK_EINVAL;
    sk_sbuf_put(o, d + skip, nd - skip);
    return SK_OK;
}

/* Plates and account numbers: ASCII letters (upper-cased) and digits;
 * spaces, dashes and other punctuation are dropped. */
static int rule_alnum(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o)
{
    (void)cc;
    if (has_foreign_alnum(s, n, false))
        return SK_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (sk_ascii_isalnum(s[i]))
            sk_sbuf_putc(o, (char)sk_ascii_upper(s[i]));
    return SK_OK;
}

/* Collects the ASCII letters and digits of S, upper-cased, into BUF
 * (KEY_SHORT_MAX bytes), skipping whitespace and the characters in SKIP.
 * Any other character, or more than fits, is SK_EINVAL. */
static int compact(const uint8_t *s, size_t n, const char *skip, char *buf, size_t *len)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int c = s[i];
        if (sk_ascii_isspace(c) || (c != 0 && strchr(skip, c) != NULL))
            continue;
        if (!sk_ascii_isalnum(c) || k == KEY_SHORT_MAX)
            return SK_EINVAL;
        buf[k++] = (char)sk_ascii_upper(c);
    }
    *len = k;
    return SK_OK;
}

static int rule_vin(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o)
{
    (void)cc;
    char v[KEY_SHORT_MAX];
    size_t len;
    if (compact(s, n, "-", v, &len) != SK_OK || len != 17)
        return SK_EINVAL;
    /* I, O and Q are never used in a VIN: they read as 1 and 0. */
    if (memchr(v, 'I', len) || memchr(v, 'O', len) || memchr(v, 'Q', len))
        return SK_EINVAL;
    sk_sbuf_put(o, v, len);
    return SK_OK;
}

/* E-mail addresses: trimmed, case-folded, no inner space, exactly one "@"
 * with something on both sides. */
static int rule_email(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o)
{
    (void)cc;
    size_t a = 0, b = n;
    while (a < b && sk_ascii_isspace(s[a]))
        a++;
    while (b > a && sk_ascii_isspace(s[b - 1]))
        b--;
    size_t at = b, nat = 0;
    for (size_t i = a; i < b; i++) {
        if (sk_ascii_isspace(s[i]))
            return SK_EINVAL;
        if (s[i] == '@') {
            at = i;
            nat++;
        }
    }
    if (nat != 1 || at == a || at + 1 == b)
        return SK_EINVAL;
    sk_sbuf_put(o, (const char *)s + a, b - a);
    return SK_OK;
}

/* ISO 13616: two letters, two check digits, up to 30 letters or digits;
 * moved to the end with letters as 10..35, the number is 1 modulo 97. */
static bool iban_valid(const char *v, size_t len)
{
    if (len < 15 || len > 34)
        return false;
    if (!sk_ascii_isupper(v[0]) || !sk_ascii_isupper(v[1])
        || !sk_ascii_isdigit(v[2]) || !sk_ascii_isdigit(v[3]))
        return false;
    unsigned rem = 0;
    for (size_t k = 0; k < len; k++) {
        char c = v[(k + 4) % len];
        if (sk_ascii_isdigit(c))
            rem = (rem * 10 + (unsigned)(c - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
    }
    return rem == 1;
}

static int rule_iban(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o)
{
    (void)cc;
    char v[KEY_SHORT_MAX];
    size_t len;
    if (compact(s, n, "", v, &len) != SK_OK || !iban_valid(v, len))
        return SK_EINVAL;
    sk_sbuf_put(o, v, len);
    return SK_OK;
}

/* Luhn check digit for the LEN digits of BODY. */
static char luhn_digit(const char *body, size_t len)
{
    unsigned sum = 0;
    for (size_t k = 0; k < len; k++) {
        unsigned d = (unsigned)(body[len - 1 - k] - '0');
        if (k % 2 == 0) { /* the digit next to the check digit is doubled */
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

/* IMEI: digits only; 15 with a valid Luhn digit, or the 14-digit body
 * (as printed on some extracts) to which the check digit is added. */
static int rule_imei(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o)
{
    (void)cc;
    char d[16];
    size_t len = 0;
    if (has_foreign_alnum(s, n, true))
        return SK_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!sk_ascii_isdigit(s[i]))
            continue;
        if (len == 15)
            return SK_EINVAL;
        d[len++] = (char)s[i];
    }
    if (len == 14)
        d[len++] = luhn_digit(d, 14);
    else if (len != 15 || luhn_digit(d, 14) != d[14])
        return SK_EINVAL;
    sk_sbuf_put(o, d, len);
    return SK_OK;
}

/* True when the compact V looks like a UK postcode: an outward code that
 * starts with a letter and holds a digit, then a digit and two letters. */
static bool uk_postcode_shape(const char *v, size_t len)
{
    if (len < 5 || len > 7 || !sk_ascii_isupper(v[0]))
        return false;
    bool digit = false;
    for (size_t k = 0; k < len - 3; k++) {
        if (!sk_ascii_isalnum(v[k]))
            return false;
        digit = digit || sk_ascii_isdigit(v[k]);
    }
    return digit && sk_ascii_isdigit(v[len - 3]) && sk_ascii_isupper(v[len - 2])
        && sk_ascii_isupper(v[len - 1]);
}

/* Postcodes: upper-cased, spaces removed; a UK-shaped code gets one space
 * before its inward part. Other countries' codes keep hyphens ("00-950")
 * and stay compact, so a US ZIP "90210" is not split. */
static int rule_postcode(const uint8_t *s, size_t n, const char *cc, sk_sbuf *o)
{
    (void)cc;
    char v[KEY_SHORT_MAX + 1];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int c = s[i];
        if (sk_ascii_isspace(c))
            continue;
        if ((!sk_ascii_isalnum(c) && c != '-') || len == KEY_SHORT_MAX)
            return SK_EINVAL;
        v[len++] = (char)sk_ascii_upper(c);
    }
    if (uk_postcode_shape(v, len)) {
        sk_sbuf_put(o, v, len - 3);
        sk_sbuf_putc(o, ' ');
        sk_sbuf_put(o, v + len - 3, 3);
    } else {
        sk_sbuf_put(o, v, len);
    }
    return SK_OK;
}

/* EXACT: the bytes as given, which must be UTF-8 without NUL. */
static int key_exact(const char *in, size_t len, sk_sbuf *o)
{
    if (len > KEY_INPUT_MAX)
        return SK_ELIMIT;
    const uint8_t *s = (const uint8_t *)in;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0 || cp == 0)
            return SK_EINVAL;
        i += (size_t)k;
    }
    sk_sbuf_put(o, in, len);
    return SK_OK;
}

/* ---- Public entry points ------------------------------------------- */

int sk_key_normalise(sk_keykind k, const char *in, size_t len, const char *default_cc,
                     char *out, size_t outcap)
{
    assert(in != NULL || len == 0);
    assert(out != NULL || outcap == 0);
    sk_sbuf o = sk_sbuf_make(out, outcap);
    if ((size_t)k >= N_KEY_RULES)
        return sk_sbuf_fail(&o, SK_EINVAL);
    int rc;
    if (k == SK_KEY_EXACT) {
        rc = key_exact(in, len, &o);
    } else {
        uint8_t *buf;
        size_t n;
        rc = nfkc_map(in, len, key_rules[k].casefold, &buf, &n);
        if (rc != SK_OK)
            return sk_sbuf_fail(&o, rc);
        rc = key_rules[k].fn(buf, n, default_cc, &o);
        free(buf);
    }
    if (rc != SK_OK)
        return sk_sbuf_fail(&o, rc);
    if (o.len == 0 && !o.full)
        return sk_sbuf_fail(&o, SK_EINVAL); /* nothing to key on */
    return sk_sbuf_finish(&o);
}

/* sk_text_fold of printable ASCII, in one pass and without a copy: what
 * nfkc_map then emit_words give (lower case, runs of spaces one space, none
 * at either end), at a few times their speed. Every label and string
 * property an import writes comes through here. */
static int fold_ascii(const char *in, size_t len, sk_sbuf *o)
{
    bool gap = false;
    for (size_t i = 0; i < len && !o->full; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == ' ') {
            gap = true;
            continue;
        }
        if (gap && o->len > 0)
            sk_sbuf_putc(o, ' ');
        gap = false;
        sk_sbuf_putc(o, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
    return sk_sbuf_finish(o);
}

int sk_text_fold(const char *in, size_t len, char *out, size_t outcap)
{
    assert(in != NULL || len == 0);
    assert(out != NULL || outcap == 0);
    sk_sbuf o = sk_sbuf_make(out, outcap);
    if (len <= KEY_INPUT_MAX && printable_ascii(in ? in : "", len))
        return fold_ascii(in, len, &o);
    uint8_t *buf;
    size_t n;
    int rc = nfkc_map(in, len, true, &buf, &n);
    if (rc != SK_OK)
        return sk_sbuf_fail(&o, rc);
    emit_words(buf, n, false, &o);
    free(buf);
    return sk_sbuf_finish(&o);
}
