/*
 * values.c — numbers, amounts and booleans from text, by the spec's number
 * format (decimal point or comma, thousands separator, sign convention).
 *
 * Parsing never consults the C locale (a shell may have set one): digits
 * are accumulated here and scaled by exact powers of ten, which is
 * correctly rounded for up to 15 significant digits and exponents within
 * ±22 — every amount and coordinate seen in practice; longer numbers fall
 * back to strtod on a normalised copy. Surrounding blanks are ignored.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_int.h"

void imp_trim(const char **sp, size_t *lenp)
{
    const unsigned char *s = (const unsigned char *)*sp;
    size_t len = *lenp;
    for (;;) {
        if (len && (s[0] == ' ' || s[0] == '\t')) {
            s++, len--;
        } else if (len >= 2 && s[0] == 0xC2 && s[1] == 0xA0) {
            s += 2, len -= 2;
        } else {
            break;
        }
    }
    for (;;) {
        if (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                    s[len - 1] == '\n')) {
            len--;
        } else if (len >= 2 && s[len - 2] == 0xC2 && s[len - 1] == 0xA0) {
            len -= 2;
        } else {
            break;
        }
    }
    *sp = (const char *)s;
    *lenp = len;
}

/* Digits with optional thousands separators between groups of three, an
 * optional fraction and exponent, into a clean ASCII copy ("-1234.5e3"). */
static int normalise_number(const char *s, size_t len, const imp_numfmt *nf, bool want_int,
                            char *out, size_t cap)
{
    size_t o = 0, i = 0;
    if (i < len && (s[i] == '-' || s[i] == '+')) {
        if (s[i] == '-')
            out[o++] = '-';
        i++;
    }
    size_t ndig = 0, group = 0;
    bool seps = false;
    for (; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (o + 2 >= cap)
                return SK_EPARSE;
            out[o++] = c;
            ndig++;
            group++;
        } else if (nf->thousands && c == nf->thousands && ndig > 0 && i + 1 < len &&
                   s[i + 1] >= '0' && s[i + 1] <= '9') {
            if (seps && group != 3)
                return SK_EPARSE;
            if (!seps && group > 3)
                return SK_EPARSE;
            seps = true;
            group = 0;
        } else {
            break;
        }
    }
    if (seps && group != 3)
        return SK_EPARSE;
    if (ndig == 0 && !(i < len && s[i] == nf->decimal))
        return SK_EPARSE;
    if (i < len && s[i] == nf->decimal && !want_int) {
        out[o++] = '.';
        i++;
        size_t nf_dig = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            if (o + 2 >= cap)
                return SK_EPARSE;
            out[o++] = s[i];
            nf_dig++;
        }
        if (nf_dig == 0 && ndig == 0)
            return SK_EPARSE;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E') && !want_int) {
        out[o++] = 'e';
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            out[o++] = s[i++];
        size_t ne = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9' && o + 2 < cap; i++, ne++)
            out[o++] = s[i];
        if (ne == 0)
            return SK_EPARSE;
    }
    if (i != len)
        return SK_EPARSE;
    out[o] = '\0';
    return SK_OK;
}

int imp_parse_int(const char *s, size_t len, const imp_numfmt *nf, int64_t *out)
{
    imp_trim(&s, &len);
    char buf[64];
    if (len == 0 || normalise_number(s, len, nf, true, buf, sizeof buf) != SK_OK)
        return SK_EPARSE;
    const char *p = buf;
    bool neg = *p == '-';
    p += neg;
    uint64_t v = 0;
    for (; *p; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return SK_EPARSE;
        v = v * 10 + d;
    }
    if (v > (uint64_t)INT64_MAX + neg)
        return SK_EPARSE;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return SK_OK;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The clean text of normalise_number to a double. */
static int to_double(const char *buf, double *out)
{
    const char *p = buf;
    bool neg = *p == '-';
    p += neg;
    uint64_t m = 0;
    int sig = 0, exp10 = 0;
    bool exact = true;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (sig < 15) {
            m = m * 10 + (uint64_t)(*p - '0');
            if (m)
                sig++;
        } else {
            exact = false;
        }
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            if (sig < 15) {
                m = m * 10 + (uint64_t)(*p - '0');
                if (m)
                    sig++;
                exp10--;
            } else if (*p != '0') {
                exact = false;
            }
        }
    }
    if (*p == 'e') {
        p++;
        int es = 1, ev = 0;
        if (*p == '-' || *p == '+')
            es = *p++ == '-' ? -1 : 1;
        for (; *p >= '0' && *p <= '9'; p++)
            if (ev < 10000)
                ev = ev * 10 + (*p - '0');
        exp10 += es * ev;
    }
    if (exact && exp10 >= -22 && exp10 <= 22) {
        double v = (double)m;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
        *out = neg ? -v : v;
        return SK_OK;
    }
    char *end;
    double v = strtod(buf, &end);
    if (!isfinite(v))
        return SK_EPARSE;
    *out = v;
    return SK_OK;
}

int imp_parse_real(const char *s, size_t len, const imp_numfmt *nf, double *out)
{
    imp_trim(&s, &len);
    char buf[128];
    if (len == 0 || normalise_number(s, len, nf, false, buf, sizeof buf) != SK_OK)
        return SK_EPARSE;
    return to_double(buf, out);
}

int imp_parse_amount(const char *s, size_t len, const imp_numfmt *nf, double *out)
{
    imp_trim(&s, &len);
    bool neg = false;
    if (len >= 2 && s[0] == '(' && s[len - 1] == ')') {
        neg = true;
        s++, len -= 2;
        imp_trim(&s, &len);
    }
    if (len >= 2 && (strncasecmp(s + len - 2, "DR", 2) == 0 ||
                     strncasecmp(s + len - 2, "CR", 2) == 0)) {
        neg = neg != (s[len - 2] == 'D' || s[len - 2] == 'd');
        len -= 2;
        imp_trim(&s, &len);
    }
    if (len >= 1 && s[len - 1] == '-') {
        neg = !neg;
        len--;
        imp_trim(&s, &len);
    }
    if (len >= 1 && (s[0] == '-' || s[0] == '+')) {
        if (s[0] == '-')
            neg = !neg;
        s++, len--;
    }
    /* A currency symbol in front: £ € $ ¥ (UTF-8) or a three-letter code. */
    static const char *const sym[] = {"\xC2\xA3", "\xE2\x82\xAC", "$", "\xC2\xA5"};
    for (size_t k = 0; k < 4; k++) {
        size_t sl = strlen(sym[k]);
        if (len >= sl && memcmp(s, sym[k], sl) == 0) {
            s += sl, len -= sl;
            break;
        }
    }
    if (len > 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
        s[2] >= 'A' && s[2] <= 'Z' && (s[3] == ' ' || (s[3] >= '0' && s[3] <= '9'))) {
        s += 3, len -= 3;
    }
    imp_trim(&s, &len);
    if (len && (s[0] == '-' || s[0] == '+'))
        return SK_EPARSE; /* two signs */
    double v;
    int rc = imp_parse_real(s, len, nf, &v);
    if (rc != SK_OK)
        return rc;
    if (neg)
        v = -v;
    if (nf->inverted)
        v = -v;
    *out = v;
    return SK_OK;
}

int imp_parse_bool(const char *s, size_t len, bool *out)
{
    imp_trim(&s, &len);
    static const char *const yes[] = {"true", "yes", "y", "1", "t"};
    static const char *const no[] = {"false", "no", "n", "0", "f"};
    for (size_t i = 0; i < 5; i++) {
        if (len == strlen(yes[i]) && strncasecmp(s, yes[i], len) == 0) {
            *out = true;
            return SK_OK;
        }
        if (len == strlen(no[i]) && strncasecmp(s, no[i], len) == 0) {
            *out = false;
            return SK_OK;
        }
    }
    return SK_EPARSE;
}

const char *imp_party_kind(const char *s, size_t *len)
{
    const char *at = memchr(s, '@', *len);
    if (at) {
        /* "447700900123@s.whatsapp.net": a phone number behind a chat id. */
        size_t n = (size_t)(at - s), digits = 0;
        bool phone = n > 0;
        for (size_t i = 0; i < n && phone; i++) {
            if (s[i] >= '0' && s[i] <= '9')
                digits++;
            else if (!(i == 0 && s[i] == '+'))
                phone = false;
        }
        if (phone && digits >= 5 && *len - n > 1 && memchr(at, '.', *len - n) &&
            strncasecmp(at + 1, "s.whatsapp.net", *len - n - 1) == 0) {
            *len = n;
            return "phone";
        }
        return "email";
    }
    size_t digits = 0;
    for (size_t i = 0; i < *len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (!strchr("+ ()-./", c))
            return "account";
    }
    return digits >= 3 ? "phone" : "account";
}
