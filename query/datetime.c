/*
 * datetime.c — ISO 8601 date and date-time literals of the query language,
 * and the calendar arithmetic behind them.
 *
 * Accepted forms (a subset of ISO 8601 / RFC 3339, the ones analysts type):
 *     2024-03-01                    a day (read as UTC)
 *     2024-03-01T14:05              a minute
 *     2024-03-01T14:05:00           a second; a fraction (.123) is dropped
 * each time form optionally followed by Z or an offset ±hh:mm. 'T' and 'Z'
 * may be lower case. A time without a zone is read as UTC. Every field is
 * range-checked against the real calendar (2024-02-30 is an error pointing
 * at the token), so a literal that lexes is a real instant. Calendar maths
 * is the proleptic Gregorian calendar (Howard Hinnant's days_from_civil),
 * exact for every year 0000–9999 a literal can hold.
 */
#include <stdio.h>

#include "lexer.h"

int sk_lex_date(sk_lexer *lx, sk_token *t);

int64_t sk_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void sk_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

unsigned sk_days_in_month(int64_t y, unsigned m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int64_t sk_ast_datetime_last(const sk_ast_datetime *d)
{
    switch (d->prec) {
    case SK_PREC_DAY: return d->t + 86399;
    case SK_PREC_MINUTE: return d->t + 59;
    default: return d->t;
    }
}

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Value of N digits at S, or -1 when one is not a digit. */
static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* The fields as written; -1 where absent. */
typedef struct dt_fields {
    int y, mo, d, h, mi, s;
    int off_sign, off_h, off_m;  /* off_sign 0: no offset */
    bool zone;
    sk_time_prec prec;
} dt_fields;

/* Reads the fields of S (N bytes); returns the length of the literal, or
 * 0 when it is not a well-formed date. */
static size_t read_fields(const char *s, size_t n, dt_fields *f)
{
    *f = (dt_fields){.h = -1, .mi = -1, .s = -1};
    if (n < 10 || s[4] != '-' || s[7] != '-')
        return 0;
    f->y = num(s, 4), f->mo = num(s + 5, 2), f->d = num(s + 8, 2);
    if (f->y < 0 || f->mo < 0 || f->d < 0)
        return 0;
    size_t p = 10;
    f->prec = SK_PREC_DAY;
    if (p + 6 <= n && (s[p] == 'T' || s[p] == 't') && s[p + 3] == ':' &&
        num(s + p + 1, 2) >= 0 && num(s + p + 4, 2) >= 0) {
        f->h = num(s + p + 1, 2), f->mi = num(s + p + 4, 2);
        f->prec = SK_PREC_MINUTE;
        p += 6;
        if (p + 3 <= n && s[p] == ':' && num(s + p + 1, 2) >= 0) {
            f->s = num(s + p + 1, 2);
            f->prec = SK_PREC_SECOND;
            p += 3;
            if (p + 1 < n && s[p] == '.' && digit(s[p + 1]))
                for (p++; p < n && digit(s[p]); p++) {
                }
        }
        if (p < n && (s[p] == 'Z' || s[p] == 'z')) {
            f->zone = true;
            p++;
        } else if (p + 6 <= n && (s[p] == '+' || s[p] == '-') && s[p + 3] == ':' &&
                   num(s + p + 1, 2) >= 0 && num(s + p + 4, 2) >= 0) {
            f->zone = true;
            f->off_sign = s[p] == '+' ? 1 : -1;
            f->off_h = num(s + p + 1, 2), f->off_m = num(s + p + 4, 2);
            p += 6;
        }
    }
    return p;
}

/* Checks every field against the calendar; SK_OK or a diagnostic naming
 * the field that is wrong. */
static int check_fields(sk_lexer *lx, const dt_fields *f, size_t start, size_t end)
{
    char why[96] = "";
    unsigned dim = f->mo >= 1 && f->mo <= 12 ? sk_days_in_month(f->y, (unsigned)f->mo) : 0;
    if (dim == 0)
        snprintf(why, sizeof why, "month %02d does not exist", f->mo);
    else if (f->d < 1 || (unsigned)f->d > dim)
        snprintf(why, sizeof why, "%04d-%02d has %u days", f->y, f->mo, dim);
    else if (f->h > 23)
        snprintf(why, sizeof why, "hour %02d is past 23", f->h);
    else if (f->mi > 59)
        snprintf(why, sizeof why, "minute %02d is past 59", f->mi);
    else if (f->s > 59)
        snprintf(why, sizeof why, "second %02d is past 59", f->s);
    else if (f->off_sign && (f->off_m > 59 || f->off_h * 60 + f->off_m > 14 * 60))
        snprintf(why, sizeof why, "UTC offsets run from -14:00 to +14:00");
    if (!why[0])
        return SK_OK;
    sk_diag_set(lx->diag, (sk_span){(uint32_t)start, (uint32_t)end}, "invalid date '%.*s': %s",
                (int)(end - start), lx->src + start, why);
    return SK_EPARSE;
}

/* Characters that may continue a malformed date, so its whole run is shown. */
static bool date_char(const char *s, size_t i, size_t n)
{
    char c = s[i];
    if (c == '-')
        return !(i + 1 < n && s[i + 1] == '-');  /* a comment follows */
    return digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           c == ':' || c == '+' || c == '.';
}

int sk_lex_date(sk_lexer *lx, sk_token *t)
{
    const char *s = lx->src + lx->pos;
    size_t start = lx->pos, n = lx->len - lx->pos;
    dt_fields f;
    size_t len = read_fields(s, n, &f);
    /* Whatever follows must end the token; otherwise show the whole run. */
    size_t end = len;
    while (end < n && date_char(s, end, n) && !(s[end] == '.' && len == 10))
        end++;
    if (len == 0 || end != len) {
        sk_diag_set(lx->diag, (sk_span){(uint32_t)start, (uint32_t)(start + end)},
                    "malformed date '%.*s' (write 2024-03-01, 2024-03-01T14:05 or "
                    "2024-03-01T14:05:00+01:00)",
                    (int)(end > 40 ? 40 : end), s);
        return SK_EPARSE;
    }
    int rc = check_fields(lx, &f, start, start + len);
    if (rc)
        return rc;
    int off = f.off_sign * (f.off_h * 60 + f.off_m);
    int64_t secs = sk_days_from_civil(f.y, (unsigned)f.mo, (unsigned)f.d) * 86400;
    if (f.prec >= SK_PREC_MINUTE)
        secs += f.h * 3600 + f.mi * 60;
    if (f.prec == SK_PREC_SECOND)
        secs += f.s;
    t->kind = SK_TOK_DATE;
    t->span = (sk_span){(uint32_t)start, (uint32_t)(start + len)};
    t->v.time = (sk_ast_datetime){
        .t = secs - (int64_t)off * 60, .off_min = (int16_t)off, .prec = (uint8_t)f.prec,
        .zone = f.zone};
    lx->pos = start + len;
    return SK_OK;
}
