/*
 * run.c — running query text: `skein CASE -c QUERY`, `skein CASE -f FILE`,
 * a script on standard input, and each statement typed into the shell.
 * Prints each result in the session's format, writes the charts export
 * stages ask for, and reports errors with line, column and caret.
 *
 * Exit status of the callers: 0 when every statement ran, 1 at the first
 * error (the report on stderr), 2 for wrong usage.
 */
#include "cli.h"
#include "export.h"
#include "query.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A one-column table carries messages ("wrote 12 entities and 15 links to
 * cell.svg …"), which must not be cut like a long cell of a wide table. */
#define MESSAGE_WIDTH 1000

#define C_RED "\x1b[31m"
#define C_DIM "\x1b[2m"
#define C_OFF "\x1b[0m"

void cli_session_free(cli_session *cs)
{
    free(cs->user_owned);
    free(cs->reason);
    free(cs->authorised_by);
    cli_kept_clear(&cs->last);
    cli_kept_clear(&cs->graph);
    cs->user_owned = cs->reason = cs->authorised_by = NULL;
}

double cli_elapsed(const cli_session *cs)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - cs->mark.tv_sec) + (now.tv_nsec - cs->mark.tv_nsec) / 1e9;
}

int cli_export_result(void *ctx, const sk_result *r, const sk_export_req *req, char *msg,
                      size_t msglen)
{
    const cli_session *cs = ctx;
    sk_export_opts o;
    sk_export_opts_init(&o);
    if (req->format && sk_export_format_parse(req->format, &o.format) != SK_OK) {
        snprintf(msg, msglen, "unknown export format '%s'", req->format);
        return SK_EINVAL;
    }
    o.layout = req->layout;
    o.title = req->title;
    o.force = cs && cs->force;
    o.sanitise = cs && cs->sanitise;
    sk_export_report rep;
    int rc = sk_export_write(r, req->file, &o, &rep);
    snprintf(msg, msglen, "%s", rep.message);
    return rc;
}

/* True for the report of an export stage: one column named "export",
 * one line per chart written. */
static bool is_export_report(const sk_result *r)
{
    return r->kind == SK_RESULT_TABLE && r->table.ncols == 1 &&
           !strcmp(r->table.cols[0], "export");
}

/* Prints an export report as the lines it holds, the way `skein export`
 * reports: "wrote a chart of 12 entities and 15 links to cell.svg …". */
static int print_report(const sk_result *r)
{
    for (size_t i = 0; i < r->table.nrows; i++) {
        const sk_value *v = &r->table.cells[i];
        if (v->type == SK_V_STR)
            printf("%.*s\n", (int)v->u.str.len, v->u.str.ptr);
    }
    return ferror(stdout) ? SK_EIO : SK_OK;
}

int cli_print_result(cli_session *cs, const sk_result *r)
{
    sk_format_opts fo = {.colour = cs->colour};
    if (r->kind == SK_RESULT_TABLE && r->table.ncols == 1)
        fo.max_width = MESSAGE_WIDTH;
    int rc = cs->format == SK_FORMAT_TABLE && is_export_report(r)
                 ? print_report(r)
                 : sk_format_print(r, cs->format, &fo, stdout);
    if (r->notice && cs->format == SK_FORMAT_TABLE)
        printf("note: %s\n", r->notice);
    if (cs->timer) {
        double s = cli_elapsed(cs);
        printf("%stime %.1f ms%s\n", cs->colour ? C_DIM : "", s * 1e3, cs->colour ? C_OFF : "");
    }
    cs->results++;
    /* A result that cannot be kept is still printed; .export then says
     * there is nothing to write rather than writing an older result. */
    if (cs->keep && !is_export_report(r)) {
        cli_kept *k = r->kind == SK_RESULT_GRAPH ? &cs->graph : &cs->last;
        if (cli_keep(k, r) != SK_OK)
            cli_kept_clear(k);
        if (r->kind == SK_RESULT_GRAPH)
            cli_kept_clear(&cs->last);
    }
    fflush(stdout);
    clock_gettime(CLOCK_MONOTONIC, &cs->mark);
    return rc;
}

static int print_cb(void *ctx, const sk_result *r)
{
    return cli_print_result(ctx, r);
}

void cli_print_error(const cli_session *cs, const char *msg)
{
    size_t n = strlen(msg);
    bool colour = cs && cs->err_colour;
    /* The first line says what is wrong; the source line and caret follow. */
    const char *nl = memchr(msg, '\n', n);
    size_t first = nl ? (size_t)(nl - msg) : n;
    fprintf(stderr, "%s%.*s%s%s", colour ? C_RED : "", (int)first, msg, colour ? C_OFF : "",
            msg + first);
    if (n == 0 || msg[n - 1] != '\n')
        fputc('\n', stderr);
}

int cli_audit_flush(cli_session *cs)
{
    int rc = sk_audit_flush(cs->store);
    if (rc)
        fprintf(stderr, "skein: the audit log could not be written: %s\n",
                sk_store_errmsg(cs->store));
    return rc;
}

int cli_run_text(cli_session *cs, const char *text, size_t len, const char *origin)
{
    sk_query_opts qo = {.export_fn = cli_export_result, .export_ctx = cs,
                        .origin = origin, .user = cs->user, .reason = cs->reason,
                        .authorised_by = cs->authorised_by, .cancel = cs->cancel};
    sk_query_error err;
    clock_gettime(CLOCK_MONOTONIC, &cs->mark);
    int rc = sk_query_exec(cs->store, text, len, &qo, print_cb, cs, &err);
    fflush(stdout);
    /* At the prompt, what was shown is logged before the next command. */
    int frc = cs->keep ? cli_audit_flush(cs) : SK_OK;
    /* Ctrl-C needs no caret: the terminal has echoed ^C, and the line
     * goes under it. */
    if (rc == SK_ECANCELLED)
        fprintf(stderr, "%scancelled\n", isatty(STDERR_FILENO) ? "\n" : "");
    else if (rc)
        cli_print_error(cs, err.msg[0] ? err.msg : sk_strerror(rc));
    return rc ? rc : frc;
}

char *cli_slurp(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                return NULL;
            }
            buf = p;
        }
    }
    if (buf && ferror(f)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

int cli_run_file(cli_session *cs, const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "skein: cannot read %s: %s\n", path, strerror(errno));
        return SK_EIO;
    }
    size_t len;
    char *text = cli_slurp(f, &len);
    int err = errno;
    if (f != stdin)
        fclose(f);
    if (!text) {
        fprintf(stderr, "skein: cannot read %s: %s\n", path, strerror(err));
        return SK_EIO;
    }
    int rc = SK_OK;
    if (!cli_blank(text, len))
        rc = cli_run_text(cs, text, len, strcmp(path, "-") ? path : NULL);
    free(text);
    return rc;
}
