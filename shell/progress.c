/*
 * progress.c — the import progress bar.
 *
 * Drawn on stderr, on one line rewritten in place:
 *
 *   calls.csv  [##########..........]  48%  120,000 rows  61,204 rows/s  0:02 left
 *
 * The share and the time left come from the bytes read, which track the
 * work far better than rows when row lengths vary. The bar is drawn only
 * when stderr is a terminal, so a script's log stays clean; the callback
 * runs either way, because it is also how Ctrl-C reaches the import:
 * returning non-zero cancels it (the case is unchanged).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define BAR 20

/* 1234567 → "1,234,567". */
static void thousands(uint64_t v, char *buf, size_t cap)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < cap; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
}

/* The last path component, so a long path does not push the bar off the line. */
static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int cli_progress(const sk_import_progress *p, void *ctx)
{
    const cli_progress_ctx *c = ctx;
    bool stop = c->cancel && *c->cancel;
    if (!c->draw)
        return stop;
    if (p->done) {
        fputs("\r\x1b[K", stderr);
        fflush(stderr);
        return 0;
    }
    double share = p->all_size ? (double)p->all_bytes / (double)p->all_size : 0.0;
    if (share > 1.0)
        share = 1.0;
    char bar[BAR + 1];
    size_t filled = (size_t)(share * BAR);
    for (size_t i = 0; i < BAR; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[BAR] = '\0';
    char rows[32], rate[32], left[32] = "";
    thousands(p->rows, rows, sizeof rows);
    thousands(p->seconds > 0 ? (uint64_t)(p->rows / p->seconds) : 0, rate, sizeof rate);
    if (share > 0.01 && p->seconds > 0.5) {
        long s = (long)(p->seconds / share - p->seconds + 0.5);
        snprintf(left, sizeof left, "  %ld:%02ld left", s / 60, s % 60);
    }
    char which[32] = "";
    if (p->nfiles > 1)
        snprintf(which, sizeof which, " (%zu/%zu)", p->file_index + 1, p->nfiles);
    fprintf(stderr, "\r\x1b[K%.40s%s  [%s] %3d%%  %s rows  %s rows/s%s", base(p->file), which,
            bar, (int)(share * 100), rows, rate, left);
    fflush(stderr);
    return stop;
}
