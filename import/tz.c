/*
 * tz.c — time zones without the host's TZ: fixed offsets and IANA zones read
 * from their TZif files (RFC 8536) in $TZDIR or /usr/share/zoneinfo.
 *
 * A zone holds its transition table (version 2+ 64-bit data when present)
 * and the POSIX TZ rule of its footer, used for times after the last
 * transition (slim TZif files stop early and rely on it). Nothing touches
 * setenv("TZ") or localtime(), so imports are reproducible on any host and
 * thread-safe. A loaded zone is immutable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_int.h"

/* A POSIX rule date: Jn (1..365, no Feb 29), n (0..365) or Mm.w.d. */
typedef struct tz_rdate {
    char kind;        /* 'J', 'n' or 'M' */
    int m, w, d, n;
    int32_t secs;     /* local time of day of the change */
} tz_rdate;

struct imp_tz {
    char name[64];
    bool fixed;
    int32_t fixed_off;          /* seconds east of UTC */
    int64_t *times;             /* transition instants, ascending */
    uint8_t *idx;               /* type index after each transition */
    size_t ntimes;
    int32_t *utoff;             /* per type */
    uint8_t *isdst;
    size_t ntypes;
    bool has_rule;              /* footer rule present */
    int32_t std_off, dst_off;   /* seconds east of UTC */
    bool rule_dst;              /* the rule has daylight time */
    tz_rdate start, end;
};

const char *imp_tz_name(const imp_tz *tz) { return tz->name; }

void imp_tz_free(imp_tz *tz)
{
    if (!tz)
        return;
    free(tz->times);
    free(tz->idx);
    free(tz->utoff);
    free(tz->isdst);
    free(tz);
}

/* [+-]hh[:mm[:ss]] or hhmm; returns seconds, or INT32_MIN on error. */
static int32_t parse_hms(const char **sp, bool allow_compact)
{
    const char *s = *sp;
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (*s < '0' || *s > '9')
        return INT32_MIN;
    int h = 0, m = 0, sec = 0, nd = 0;
    while (*s >= '0' && *s <= '9' && nd < 4) {
        h = h * 10 + (*s++ - '0');
        nd++;
    }
    if (nd == 4 && allow_compact) {
        m = h % 100;
        h /= 100;
    } else if (nd > 3) {
        return INT32_MIN;
    }
    if (*s == ':') {
        s++;
        if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
            return INT32_MIN;
        m = (s[0] - '0') * 10 + (s[1] - '0');
        s += 2;
        if (*s == ':') {
            s++;
            if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
                return INT32_MIN;
            sec = (s[0] - '0') * 10 + (s[1] - '0');
            s += 2;
        }
    }
    if (h > 167 || m > 59 || sec > 59)
        return INT32_MIN;
    *sp = s;
    return sign * (h * 3600 + m * 60 + sec);
}

/* "UTC", "Z", "GMT", "+01:00", "-0530", "UTC+1": a fixed offset. */
static bool parse_fixed(const char *name, int32_t *off)
{
    const char *s = name;
    if (strcasecmp(s, "UTC") == 0 || strcasecmp(s, "Z") == 0 || strcasecmp(s, "GMT") == 0 ||
        strcasecmp(s, "Etc/UTC") == 0) {
        *off = 0;
        return true;
    }
    if (strncasecmp(s, "UTC", 3) == 0 || strncasecmp(s, "GMT", 3) == 0)
        s += 3;
    if (*s != '+' && *s != '-')
        return false;
    int32_t v = parse_hms(&s, true);
    if (v == INT32_MIN || *s || v < -18 * 3600 || v > 18 * 3600)
        return false;
    *off = v;
    return true;
}

/* ---- POSIX TZ rule (the TZif footer) ------------------------------------ */

static bool parse_tzname(const char **sp)
{
    const char *s = *sp;
    if (*s == '<') {
        while (*s && *s != '>')
            s++;
        if (*s != '>')
            return false;
        *sp = s + 1;
        return true;
    }
    const char *start = s;
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
        s++;
    if (s - start < 3)
        return false;
    *sp = s;
    return true;
}

static bool parse_rdate(const char **sp, tz_rdate *r)
{
    const char *s = *sp;
    char *end;
    if (*s == 'M') {
        r->kind = 'M';
        r->m = (int)strtol(s + 1, &end, 10);
        if (*end != '.')
            return false;
        r->w = (int)strtol(end + 1, &end, 10);
        if (*end != '.')
            return false;
        r->d = (int)strtol(end + 1, &end, 10);
        if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6)
            return false;
    } else if (*s == 'J') {
        r->kind = 'J';
        r->n = (int)strtol(s + 1, &end, 10);
        if (r->n < 1 || r->n > 365)
            return false;
    } else if (*s >= '0' && *s <= '9') {
        r->kind = 'n';
        r->n = (int)strtol(s, &end, 10);
        if (r->n > 365)
            return false;
    } else {
        return false;
    }
    s = end;
    r->secs = 7200;
    if (*s == '/') {
        s++;
        int32_t v = parse_hms(&s, false);
        if (v == INT32_MIN)
            return false;
        r->secs = v;
    }
    *sp = s;
    return true;
}

static bool parse_rule(imp_tz *tz, const char *s)
{
    if (!parse_tzname(&s))
        return false;
    int32_t v = parse_hms(&s, false);
    if (v == INT32_MIN)
        return false;
    tz->std_off = -v; /* POSIX offsets are west-positive */
    tz->dst_off = tz->std_off + 3600;
    tz->rule_dst = false;
    if (*s) {
        if (!parse_tzname(&s))
            return false;
        tz->rule_dst = true;
        if (*s && *s != ',') {
            v = parse_hms(&s, false);
            if (v == INT32_MIN)
                return false;
            tz->dst_off = -v;
        }
        if (*s != ',')
            return false; /* no rules given: not supported (never in TZif footers) */
        s++;
        if (!parse_rdate(&s, &tz->start) || *s != ',')
            return false;
        s++;
        if (!parse_rdate(&s, &tz->end))
            return false;
    }
    tz->has_rule = *s == '\0';
    return tz->has_rule;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local (as-if-UTC) seconds of rule date R in year Y. */
static int64_t rdate_local(const tz_rdate *r, int64_t y)
{
    int64_t day;
    if (r->kind == 'J') {
        int n = r->n;
        day = imp_days_from_civil(y, 1, 1) + n - 1;
        if (is_leap(y) && n >= 60)
            day++;
    } else if (r->kind == 'n') {
        day = imp_days_from_civil(y, 1, 1) + r->n;
    } else {
        int64_t first = imp_days_from_civil(y, (unsigned)r->m, 1);
        int wd = (int)(((first % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
        int64_t d = first + ((r->d - wd + 7) % 7) + 7 * (r->w - 1);
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int dim = mdays[r->m - 1] + (r->m == 2 && is_leap(y));
        while (d >= first + dim)
            d -= 7;
        day = d;
    }
    return day * 86400 + r->secs;
}

static int64_t year_of(int64_t t)
{
    /* Civil year of day number (Howard Hinnant's algorithm). */
    int64_t z = (t >= 0 ? t / 86400 : (t - 86399) / 86400) + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return m <= 2 ? y + 1 : y;
}

static int32_t rule_offset(const imp_tz *tz, int64_t t)
{
    if (!tz->rule_dst)
        return tz->std_off;
    int64_t y = year_of(t + tz->std_off);
    int64_t start = rdate_local(&tz->start, y) - tz->std_off;
    int64_t end = rdate_local(&tz->end, y) - tz->dst_off;
    bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? tz->dst_off : tz->std_off;
}

int32_t imp_tz_offset_utc(const imp_tz *tz, int64_t t)
{
    if (tz->fixed)
        return tz->fixed_off;
    if (tz->ntimes == 0 || t < tz->times[0]) {
        if (tz->ntimes == 0 && tz->has_rule)
            return rule_offset(tz, t);
        /* Before the first transition: the first standard-time type. */
        for (size_t i = 0; i < tz->ntypes; i++)
            if (!tz->isdst[i])
                return tz->utoff[i];
        return tz->ntypes ? tz->utoff[0] : 0;
    }
    if (t >= tz->times[tz->ntimes - 1] && tz->has_rule)
        return rule_offset(tz, t);
    size_t lo = 0, hi = tz->ntimes; /* last transition <= t */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (tz->times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->utoff[tz->idx[lo]];
}

int64_t imp_tz_local_to_utc(const imp_tz *tz, int64_t local, int32_t *off)
{
    if (tz->fixed) {
        *off = tz->fixed_off;
        return local - tz->fixed_off;
    }
    /* Changes are days apart, so the offsets in force a day either side
     * cover every candidate. */
    int32_t cand[3] = {imp_tz_offset_utc(tz, local - 86400), imp_tz_offset_utc(tz, local),
                       imp_tz_offset_utc(tz, local + 86400)};
    bool found = false;
    int64_t best = 0;
    int32_t bestoff = 0;
    for (int i = 0; i < 3; i++) {
        int64_t u = local - cand[i];
        if (imp_tz_offset_utc(tz, u) == cand[i] && (!found || u < best)) {
            found = true;
            best = u;
            bestoff = cand[i];
        }
    }
    if (!found) {
        /* In a gap (clocks went forward): the offset before the change. */
        bestoff = cand[0];
        best = local - bestoff;
    }
    *off = bestoff;
    return best;
}

/* ---- TZif ---------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static bool parse_tzif(imp_tz *tz, const unsigned char *b, size_t n)
{
    if (n < 44 || memcmp(b, "TZif", 4) != 0)
        return false;
    int version = b[4] ? b[4] - '0' : 1;
    uint32_t cnt[6];
    for (int i = 0; i < 6; i++)
        cnt[i] = be32(b + 20 + 4 * i);
    size_t tsize = 4;
    const unsigned char *p = b + 44;
    if (version >= 2) {
        /* Skip the version 1 block and use the 64-bit one. */
        size_t v1 = (size_t)cnt[3] * 5 + (size_t)cnt[4] * 6 + cnt[5] + (size_t)cnt[2] * 8 +
                    cnt[1] + cnt[0];
        if (44 + v1 + 44 > n)
            return false;
        p = b + 44 + v1;
        if (memcmp(p, "TZif", 4) != 0)
            return false;
        for (int i = 0; i < 6; i++)
            cnt[i] = be32(p + 20 + 4 * i);
        p += 44;
        tsize = 8;
    }
    uint32_t isut = cnt[0], isstd = cnt[1], leap = cnt[2], timecnt = cnt[3],
             typecnt = cnt[4], charcnt = cnt[5];
    size_t need = (size_t)timecnt * (tsize + 1) + (size_t)typecnt * 6 + charcnt +
                  (size_t)leap * (tsize + 4) + isstd + isut;
    if (typecnt == 0 || (size_t)(p - b) + need > n)
        return false;
    tz->times = malloc((timecnt ? timecnt : 1) * sizeof *tz->times);
    tz->idx = malloc(timecnt ? timecnt : 1);
    tz->utoff = malloc(typecnt * sizeof *tz->utoff);
    tz->isdst = malloc(typecnt);
    if (!tz->times || !tz->idx || !tz->utoff || !tz->isdst)
        return false;
    for (uint32_t i = 0; i < timecnt; i++)
        tz->times[i] = tsize == 8 ? be64(p + 8 * i) : (int32_t)be32(p + 4 * i);
    p += (size_t)timecnt * tsize;
    for (uint32_t i = 0; i < timecnt; i++) {
        if (p[i] >= typecnt)
            return false;
        tz->idx[i] = p[i];
    }
    p += timecnt;
    for (uint32_t i = 0; i < typecnt; i++) {
        tz->utoff[i] = (int32_t)be32(p + 6 * i);
        tz->isdst[i] = p[6 * i + 4];
    }
    p += (size_t)typecnt * 6 + charcnt + (size_t)leap * (tsize + 4) + isstd + isut;
    tz->ntimes = timecnt;
    tz->ntypes = typecnt;
    if (version >= 2 && (size_t)(p - b) < n && *p == '\n') {
        const unsigned char *q = p + 1;
        const unsigned char *e = memchr(q, '\n', n - (size_t)(q - b));
        if (e && e > q && e - q < 128) {
            char rule[128];
            memcpy(rule, q, (size_t)(e - q));
            rule[e - q] = '\0';
            if (!parse_rule(tz, rule))
                tz->has_rule = false;
        }
    }
    return true;
}

static bool valid_zone_name(const char *name)
{
    if (!*name || name[0] == '/' || strstr(name, "..") || strlen(name) >= 64)
        return false;
    for (const char *s = name; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || strchr("/_+-", *s)))
            return false;
    return true;
}

int imp_tz_load(const char *name, imp_tz **out, char *err, size_t errlen)
{
    *out = NULL;
    imp_tz *tz = calloc(1, sizeof *tz);
    if (!tz)
        return SK_ENOMEM;
    snprintf(tz->name, sizeof tz->name, "%s", name);
    if (parse_fixed(name, &tz->fixed_off)) {
        tz->fixed = true;
        *out = tz;
        return SK_OK;
    }
    if (!valid_zone_name(name)) {
        imp_tz_free(tz);
        snprintf(err, errlen, "unknown time zone '%s' (give an IANA name like "
                 "Europe/London, UTC, or an offset like +01:00)", name);
        return SK_EPARSE;
    }
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        imp_tz_free(tz);
        snprintf(err, errlen, "unknown time zone '%s' (no %s: %s; is tzdata installed?)",
                 name, path, strerror(errno));
        return SK_ENOTFOUND;
    }
    unsigned char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    bool ok = buf && parse_tzif(tz, buf, n);
    free(buf);
    if (!ok) {
        imp_tz_free(tz);
        snprintf(err, errlen, "time zone '%s': %s is not a valid TZif file", name, path);
        return SK_EPARSE;
    }
    *out = tz;
    return SK_OK;
}
