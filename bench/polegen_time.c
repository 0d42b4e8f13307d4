/*
 * polegen_time.c — calendar arithmetic and the time-of-day pattern of the
 * POLE generator.
 *
 * Everything is integer arithmetic on UTC seconds, so no time zone, locale
 * or libc time function can make two machines disagree. The civil-date
 * conversions are Howard Hinnant's public-domain algorithms (proleptic
 * Gregorian calendar).
 */
#include "polegen_int.h"

#include <stdio.h>

/* Relative activity per hour of day (UTC): quiet at night, busiest in the
 * late afternoon and evening. */
static const unsigned hour_weight[24] = {
    4, 3, 2, 1, 1, 1, 2, 4, 6, 7, 8, 9,
    10, 10, 10, 11, 12, 13, 13, 12, 11, 9, 7, 5,
};

int64_t pg_time_in_month(pg_rng *r)
{
    unsigned total = 0;
    for (int h = 0; h < 24; h++)
        total += hour_weight[h];
    uint64_t pick = pg_below(r, total);
    int hour = 0;
    while (pick >= hour_weight[hour]) {
        pick -= hour_weight[hour];
        hour++;
    }
    int64_t day = (int64_t)pg_below(r, PG_MONTH_DAYS);
    int64_t sec = (int64_t)pg_below(r, 3600);
    return PG_MONTH_START + day * 86400 + hour * 3600 + sec;
}

int64_t pg_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void pg_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

char *sk_pg_format_time(int64_t t, char *buf)
{
    int64_t days = t / 86400, sec = t % 86400;
    if (sec < 0) {
        sec += 86400;
        days--;
    }
    int y, m, d;
    pg_civil_from_days(days, &y, &m, &d);
    snprintf(buf, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(sec / 3600),
             (int)(sec / 60 % 60), (int)(sec % 60));
    return buf;
}
