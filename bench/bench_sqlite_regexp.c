/*
 * bench_sqlite_regexp.c — the regexp() SQL function SQLite's REGEXP
 * operator calls, backed by PCRE2 like skein's own `~`, so that the regex
 * question costs both engines the same matching work.
 *
 * The compiled pattern (with its JIT code and match data) is kept as the
 * statement's auxiliary data for argument 0: it is compiled once per
 * statement execution, not once per row.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdlib.h>

#include "bench_sqlite_int.h"

typedef struct rx {
    pcre2_code *code;
    pcre2_match_data *md;
} rx;

static void rx_free(void *p)
{
    rx *r = p;
    pcre2_match_data_free(r->md);
    pcre2_code_free(r->code);
    free(r);
}

static rx *rx_compile(sqlite3_context *ctx, const char *pat, int len)
{
    int err;
    PCRE2_SIZE off;
    rx *r = calloc(1, sizeof *r);
    if (!r) {
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    r->code = pcre2_compile((PCRE2_SPTR)pat, (PCRE2_SIZE)len, PCRE2_UTF, &err, &off, NULL);
    if (!r->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        char *m = sqlite3_mprintf("regexp: %s at offset %d", (char *)msg, (int)off);
        sqlite3_result_error(ctx, m, -1);
        sqlite3_free(m);
        free(r);
        return NULL;
    }
    pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);  /* optional: falls back */
    r->md = pcre2_match_data_create_from_pattern(r->code, NULL);
    if (!r->md) {
        rx_free(r);
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    return r;
}

static void regexp_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *text = sqlite3_value_text(argv[1]);
    if (!text) {
        sqlite3_result_null(ctx);
        return;
    }
    rx *r = sqlite3_get_auxdata(ctx, 0);
    bool fresh = !r;
    if (fresh) {
        const char *pat = (const char *)sqlite3_value_text(argv[0]);
        if (!pat || !(r = rx_compile(ctx, pat, sqlite3_value_bytes(argv[0]))))
            return;
    }
    int rc = pcre2_match(r->code, text, (PCRE2_SIZE)sqlite3_value_bytes(argv[1]), 0, 0, r->md,
                         NULL);
    sqlite3_result_int(ctx, rc >= 0);
    /* Hands R to SQLite, which keeps it while the pattern stays the same
     * (a bound parameter does) or frees it at once. */
    if (fresh)
        sqlite3_set_auxdata(ctx, 0, r, rx_free);
}

int bench_sql_regexp_register(sqlite3 *db)
{
    return sqlite3_create_function(db, "regexp", 2,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, regexp_fn,
                                   NULL, NULL);
}
