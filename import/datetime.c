/*
 * datetime.c — dates, times and durations from text, by strptime-like
 * formats, without libc's locale or time-zone state.
 *
 * Conversions: %Y %y %m %d %e %H %I %M %S %f (fraction, dropped) %p (AM/PM)
 * %b %B (English month names) %a %A (weekday names, skipped) %z (Z, +hh,
 * +hhmm, +hh:mm, UTC+4, GMT-7) %Z (a zone abbreviation, skipped) %s (epoch
 * seconds) %T (= %H:%M:%S) %F (= %Y-%m-%d) %% (a percent sign); a blank
 * in the format matches any run of blanks. Named formats: "iso" (ISO 8601
 * with optional seconds, fraction and offset), "epoch", "epoch-ms".
 * Invariant: a result is a valid instant; a text with an offset keeps it,
 * otherwise the zone decides (never the host's TZ).
 */
#include <string.h>
#include <strings.h>

#include "import_int.h"

int64_t imp_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int64_t y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return md[m - 1] + (m == 2 && leap);
}

static const char *const months[] = {"january", "february", "march", "april", "may",
                                     "june", "july", "august", "september", "october",
                                     "november", "december"};
static const char *const wdays[] = {"monday", "tuesday", "wednesday", "thursday",
                                    "friday", "saturday", "sunday"};

const char *imp_time_format_check(const char *fmt)
{
    if (!strcmp(fmt, "iso") || !strcmp(fmt, "epoch") || !strcmp(fmt, "epoch-ms"))
        return NULL;
    bool any = false;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%')
            continue;
        f++;
        if (!*f)
            return "a lone % at the end";
        if (!strchr("YymdeHIMSfpbBaAzZsTF%", *f))
            return "unknown conversion (known: %Y %y %m %d %e %H %I %M %S %f %p %b %B %a "
                   "%A %z %Z %s %T %F %%)";
        if (*f != '%')
            any = true;
    }
    return any ? NULL : "no date or time conversion in the format";
}

/* Reads 1..MAXD digits. */
static bool digits(const char **sp, const char *e, int maxd, int64_t *out)
{
    const char *s = *sp;
    int64_t v = 0;
    int n = 0;
    while (s < e && n < maxd && *s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        n++;
    }
    if (n == 0)
        return false;
    *sp = s;
    *out = v;
    return true;
}

/* A name of CANDS matched by its first three letters or in full. */
static int name_match(const char **sp, const char *e, const char *const *cands, int n)
{
    const char *s = *sp;
    for (int i = 0; i < n; i++) {
        size_t full = strlen(cands[i]);
        if ((size_t)(e - s) >= full && strncasecmp(s, cands[i], full) == 0) {
            *sp = s + full;
            return i;
        }
    }
    for (int i = 0; i < n; i++)
        if (e - s >= 3 && strncasecmp(s, cands[i], 3) == 0) {
            s += 3;
            if (s < e && *s == '.')
                s++;
            *sp = s;
            return i;
        }
    return -1;
}

/* Z, +hh, +hhmm, +hh:mm, with an optional UTC/GMT in front. */
static bool parse_offset(const char **sp, const char *e, int32_t *off)
{
    const char *s = *sp;
    if (s < e && (*s == 'Z' || *s == 'z')) {
        *sp = s + 1;
        *off = 0;
        return true;
    }
    if (e - s >= 3 && (strncasecmp(s, "UTC", 3) == 0 || strncasecmp(s, "GMT", 3) == 0)) {
        s += 3;
        if (s >= e || (*s != '+' && *s != '-')) {
            *sp = s;
            *off = 0;
            return true;
        }
    }
    if (s >= e || (*s != '+' && *s != '-'))
        return false;
    int sign = *s++ == '-' ? -1 : 1;
    int64_t h, m = 0;
    const char *hs = s;
    if (!digits(&s, e, 2, &h))
        return false;
    if (s - hs == 2 && s < e && *s == ':') {
        s++;
        if (!digits(&s, e, 2, &m))
            return false;
    } else if (s - hs == 2 && e - s >= 2 && s[0] >= '0' && s[0] <= '9') {
        if (!digits(&s, e, 2, &m))
            return false;
    }
    if (h > 18 || m > 59)
        return false;
    *off = (int32_t)(sign * (h * 3600 + m * 60));
    *sp = s;
    return true;
}

typedef struct fields {
    int64_t y, mo, d, h, mi, sec;
    int pm;            /* -1 none, 0 AM, 1 PM */
    bool has_off, has_epoch, twelve;
    int32_t off;
    int64_t epoch;
} fields;

static bool match_format(const char *s, const char *e, const char *fmt, fields *f)
{
    for (const char *p = fmt; *p; p++) {
        if (*p == ' ') {
            while (s < e && (*s == ' ' || *s == '\t'))
                s++;
            continue;
        }
        if (*p != '%') {
            if (s >= e || *s != *p)
                return false;
            s++;
            continue;
        }
        p++;
        int64_t v;
        switch (*p) {
        case 'Y': {
            bool neg = s < e && *s == '-';
            if (neg)
                s++;
            if (!digits(&s, e, 4, &v))
                return false;
            f->y = neg ? -v : v;
            break;
        }
        case 'y':
            if (!digits(&s, e, 2, &v))
                return false;
            f->y = v < 69 ? 2000 + v : 1900 + v;
            break;
        case 'm': if (!digits(&s, e, 2, &f->mo)) return false; break;
        case 'd': case 'e':
            while (*p == 'e' && s < e && *s == ' ')
                s++;
            if (!digits(&s, e, 2, &f->d))
                return false;
            break;
        case 'H': if (!digits(&s, e, 2, &f->h)) return false; break;
        case 'I': if (!digits(&s, e, 2, &f->h)) return false; f->twelve = true; break;
        case 'M': if (!digits(&s, e, 2, &f->mi)) return false; break;
        case 'S': if (!digits(&s, e, 2, &f->sec)) return false; break;
        case 'f': if (!digits(&s, e, 12, &v)) return false; break;
        case 'p':
            if (e - s >= 2 && (s[1] == 'M' || s[1] == 'm') &&
                (s[0] == 'A' || s[0] == 'a' || s[0] == 'P' || s[0] == 'p')) {
                f->pm = s[0] == 'P' || s[0] == 'p';
                s += 2;
            } else {
                return false;
            }
            break;
        case 'b': case 'B': {
            int k = name_match(&s, e, months, 12);
            if (k < 0)
                return false;
            f->mo = k + 1;
            break;
        }
        case 'a': case 'A':
            if (name_match(&s, e, wdays, 7) < 0)
                return false;
            if (s < e && *s == ',')
                s++;
            break;
        case 'z':
            if (!parse_offset(&s, e, &f->off))
                return false;
            f->has_off = true;
            break;
        case 'Z':
            while (s < e && ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
                s++;
            break;
        case 's': {
            bool neg = s < e && *s == '-';
            if (neg)
                s++;
            if (!digits(&s, e, 18, &v))
                return false;
            f->epoch = neg ? -v : v;
            f->has_epoch = true;
            break;
        }
        case 'T': case 'F':
            return false; /* expanded before matching (see expand) */
        case '%':
            if (s >= e || *s != '%')
                return false;
            s++;
            break;
        default:
            return false;
        }
    }
    return s == e;
}

/* Expands %T and %F so that match_format stays a single pass. */
static const char *expand(const char *fmt, char *buf, size_t cap)
{
    if (!strstr(fmt, "%T") && !strstr(fmt, "%F"))
        return fmt;
    size_t o = 0;
    for (const char *p = fmt; *p && o + 10 < cap; p++) {
        if (p[0] == '%' && (p[1] == 'T' || p[1] == 'F')) {
            const char *r = p[1] == 'T' ? "%H:%M:%S" : "%Y-%m-%d";
            memcpy(buf + o, r, 8);
            o += 8;
            p++;
        } else if (p[0] == '%' && p[1]) {
            buf[o++] = *p++;
            buf[o++] = *p;
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* ISO 8601: date, optional [T ]time with optional seconds and fraction,
 * optional offset. */
static bool match_iso(const char *s, const char *e, fields *f)
{
    if (!digits(&s, e, 4, &f->y) || s >= e || *s++ != '-' || !digits(&s, e, 2, &f->mo) ||
        s >= e || *s++ != '-' || !digits(&s, e, 2, &f->d))
        return false;
    if (s == e)
        return true;
    if (*s != 'T' && *s != 't' && *s != ' ')
        return false;
    s++;
    if (!digits(&s, e, 2, &f->h) || s >= e || *s++ != ':' || !digits(&s, e, 2, &f->mi))
        return false;
    if (s < e && *s == ':') {
        s++;
        if (!digits(&s, e, 2, &f->sec))
            return false;
        if (s < e && (*s == '.' || *s == ',')) {
            int64_t frac;
            s++;
            if (!digits(&s, e, 12, &frac))
                return false;
        }
    }
    if (s < e) {
        if (!parse_offset(&s, e, &f->off))
            return false;
        f->has_off = true;
    }
    return s == e;
}

int imp_time_parse(const char *s, size_t len, const char *fmt, const imp_tz *tz,
                   imp_time *out)
{
    imp_trim(&s, &len);
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        s++;
        len -= 2;
        imp_trim(&s, &len);
    }
    if (len == 0)
        return SK_EPARSE;
    const char *e = s + len;
    fields f = {.y = 1970, .mo = 1, .d = 1, .pm = -1};
    if (!strcmp(fmt, "epoch") || !strcmp(fmt, "epoch-ms")) {
        bool neg = *s == '-';
        const char *p = s + neg;
        int64_t v;
        if (!digits(&p, e, 18, &v))
            return SK_EPARSE;
        if (p < e && *p == '.') {
            int64_t frac;
            p++;
            if (!digits(&p, e, 12, &frac))
                return SK_EPARSE;
        }
        if (p != e)
            return SK_EPARSE;
        if (fmt[5])
            v /= 1000;
        out->t = neg ? -v : v;
        out->off = tz ? imp_tz_offset_utc(tz, out->t) : 0;
        return SK_OK;
    }
    char buf[128];
    bool ok = !strcmp(fmt, "iso") ? match_iso(s, e, &f)
                                  : match_format(s, e, expand(fmt, buf, sizeof buf), &f);
    if (!ok)
        return SK_EPARSE;
    if (f.has_epoch) {
        out->t = f.epoch;
        out->off = f.has_off ? f.off : tz ? imp_tz_offset_utc(tz, f.epoch) : 0;
        return SK_OK;
    }
    if (f.twelve) {
        if (f.h < 1 || f.h > 12 || f.pm < 0)
            return SK_EPARSE;
        f.h = f.h % 12 + (f.pm == 1 ? 12 : 0);
    } else if (f.pm >= 0) {
        if (f.h < 1 || f.h > 12)
            return SK_EPARSE;
        f.h = f.h % 12 + (f.pm == 1 ? 12 : 0);
    }
    if (f.mo < 1 || f.mo > 12 || f.d < 1 || f.d > days_in_month(f.y, (int)f.mo) ||
        f.h > 23 || f.mi > 59 || f.sec > 60)
        return SK_EPARSE;
    if (f.sec == 60)
        f.sec = 59; /* a leap second is kept in its minute */
    int64_t local = imp_days_from_civil(f.y, (unsigned)f.mo, (unsigned)f.d) * 86400 +
                    f.h * 3600 + f.mi * 60 + f.sec;
    if (f.has_off) {
        out->t = local - f.off;
        out->off = f.off;
        return SK_OK;
    }
    if (!tz)
        return SK_EINVAL;
    out->t = imp_tz_local_to_utc(tz, local, &out->off);
    return SK_OK;
}

int imp_duration_parse(const char *s, size_t len, int64_t *out, bool *clock)
{
    imp_trim(&s, &len);
    const char *e = s + len;
    if (len == 0)
        return SK_EPARSE;
    int64_t part[3];
    int n = 0;
    const char *p = s;
    for (;;) {
        if (n == 3 || !digits(&p, e, 12, &part[n]))
            return SK_EPARSE;
        n++;
        if (p < e && *p == ':') {
            p++;
            continue;
        }
        break;
    }
    /* A fraction: up to milliseconds are kept. */
    int64_t ms = 0;
    if (p < e && *p == '.') {
        p++;
        int scale = 100;
        const char *q = p;
        while (p < e && *p >= '0' && *p <= '9') {
            if (scale) {
                ms += (*p - '0') * scale;
                scale /= 10;
            }
            p++;
        }
        if (p == q)
            return SK_EPARSE;
    }
    if (p != e)
        return SK_EPARSE;
    *clock = n > 1;
    int64_t secs = n == 1 ? part[0] : n == 2 ? part[0] * 60 + part[1]
                                             : part[0] * 3600 + part[1] * 60 + part[2];
    if (n > 1 && part[n - 1] > 59)
        return SK_EPARSE;
    *out = secs * 1000 + ms;
    return SK_OK;
}
