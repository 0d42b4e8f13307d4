/*
 * values.c — typed values as text: numbers in their shortest exact form,
 * times in ISO 8601 at the offset the original data carried, and dates as
 * people read them on a chart ("3–28 Mar 2024").
 *
 * Times are UTC seconds plus an offset in minutes; the local calendar is
 * that of t + offset. Out-of-range times never fail: they print as
 * "@<seconds>" so nothing is lost.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export_int.h"

static const char *const k_months[12] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

void real_text(sk_xbuf *b, double d)
{
    if (isnan(d)) {
        xbuf_puts(b, "nan");
        return;
    }
    if (isinf(d)) {
        xbuf_puts(b, d < 0 ? "-inf" : "inf");
        return;
    }
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    xbuf_puts(b, tmp);
}

bool time_fields(int64_t t, int16_t off, int *y, int *mon, int *d,
                 int *h, int *min, int *s)
{
    int64_t local;
    if (t == SK_NO_TIME || __builtin_add_overflow(t, (int64_t)off * 60, &local))
        return false;
    time_t tt = (time_t)local;
    struct tm tm;
    if ((int64_t)tt != local || !gmtime_r(&tt, &tm))
        return false;
    *y = tm.tm_year + 1900;
    *mon = tm.tm_mon + 1;
    *d = tm.tm_mday;
    *h = tm.tm_hour;
    *min = tm.tm_min;
    *s = tm.tm_sec;
    return true;
}

void time_iso(sk_xbuf *b, int64_t t, int16_t off)
{
    int y, mon, d, h, mi, s;
    if (t == SK_NO_TIME)
        return;
    if (!time_fields(t, off, &y, &mon, &d, &h, &mi, &s)) {
        xbuf_printf(b, "@%lld", (long long)t);
        return;
    }
    xbuf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d", y, mon, d, h, mi, s);
    if (off == 0) {
        xbuf_putc(b, 'Z');
    } else {
        int a = off < 0 ? -off : off;
        xbuf_printf(b, "%c%02d:%02d", off < 0 ? '-' : '+', a / 60, a % 60);
    }
}

void time_span_iso(sk_xbuf *b, int64_t start, int64_t end, int16_t off)
{
    time_iso(b, start, off);
    if (start != SK_NO_TIME && end != SK_NO_TIME && end != start) {
        xbuf_putc(b, '/');
        time_iso(b, end, off);
    }
}

void date_human(sk_xbuf *b, int64_t t, int16_t off)
{
    int y, mon, d, h, mi, s;
    if (!time_fields(t, off, &y, &mon, &d, &h, &mi, &s)) {
        time_iso(b, t, off);
        return;
    }
    xbuf_printf(b, "%d %s %d", d, k_months[mon - 1], y);
}

void date_range_human(sk_xbuf *b, int64_t from, int16_t from_off,
                      int64_t to, int16_t to_off)
{
    int y1, m1, d1, y2, m2, d2, h, mi, s;
    if (!time_fields(from, from_off, &y1, &m1, &d1, &h, &mi, &s) ||
        !time_fields(to, to_off, &y2, &m2, &d2, &h, &mi, &s)) {
        time_iso(b, from, from_off);
        if (to != from) {
            xbuf_puts(b, " \xE2\x80\x93 ");
            time_iso(b, to, to_off);
        }
        return;
    }
    if (y1 == y2 && m1 == m2 && d1 == d2)
        xbuf_printf(b, "%d %s %d", d1, k_months[m1 - 1], y1);
    else if (y1 == y2 && m1 == m2)
        xbuf_printf(b, "%d\xE2\x80\x93%d %s %d", d1, d2, k_months[m1 - 1], y1);
    else if (y1 == y2)
        xbuf_printf(b, "%d %s \xE2\x80\x93 %d %s %d", d1, k_months[m1 - 1],
                    d2, k_months[m2 - 1], y1);
    else
        xbuf_printf(b, "%d %s %d \xE2\x80\x93 %d %s %d", d1, k_months[m1 - 1],
                    y1, d2, k_months[m2 - 1], y2);
}

void value_text(sk_xbuf *b, const sk_value *v, sk_vmode mode)
{
    switch (v->type) {
    case SK_V_NULL:
        break;
    case SK_V_STR:
        if (v->u.str.len)
            xbuf_put(b, v->u.str.ptr, v->u.str.len);
        break;
    case SK_V_INT:
        xbuf_printf(b, "%lld", (long long)v->u.i);
        break;
    case SK_V_REAL:
        /* People read six significant digits; files keep every digit. */
        if (mode == VMODE_TABLE && isfinite(v->u.r))
            xbuf_printf(b, "%.6g", v->u.r);
        else
            real_text(b, v->u.r);
        break;
    case SK_V_TIME:
        time_iso(b, v->u.time.t, v->u.time.off_min);
        break;
    case SK_V_GEO:
        real_text(b, v->u.geo.lat);
        xbuf_putc(b, ',');
        real_text(b, v->u.geo.lon);
        break;
    case SK_V_BOOL:
        xbuf_puts(b, v->u.b ? "true" : "false");
        break;
    case SK_V_ID:
        xbuf_printf(b, mode == VMODE_TABLE ? "#%llu" : "%llu",
                    (unsigned long long)v->u.i);
        break;
    }
}

const sk_value *rprop_find(const sk_rprop *props, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (props[i].name && strcmp(props[i].name, name) == 0)
            return &props[i].value;
    return NULL;
}

/* Copies TEXT into BUF like snprintf, cutting on a UTF-8 boundary. */
static size_t copy_out(const sk_xbuf *t, char *buf, size_t cap)
{
    if (cap == 0)
        return t->len;
    size_t n = t->len < cap - 1 ? t->len : cap - 1;
    while (n > 0 && n < t->len && ((unsigned char)t->p[n] & 0xC0) == 0x80)
        n--;
    if (n)
        memcpy(buf, t->p, n);
    buf[n] = '\0';
    return t->len;
}

size_t sk_format_value(const sk_value *v, char *buf, size_t cap)
{
    sk_xbuf t = {0};
    value_text(&t, v, VMODE_TABLE);
    size_t n = t.oom ? 0 : copy_out(&t, buf, cap);
    if (t.oom && cap)
        buf[0] = '\0';
    xbuf_free(&t);
    return n;
}

size_t sk_format_time(int64_t tm, int16_t off_min, char *buf, size_t cap)
{
    sk_xbuf t = {0};
    time_iso(&t, tm, off_min);
    size_t n = t.oom ? 0 : copy_out(&t, buf, cap);
    if (t.oom && cap)
        buf[0] = '\0';
    xbuf_free(&t);
    return n;
}
