/*
 * run.c — running query text from the command line: `skein CASE -c QUERY`,
 * `skein CASE -f FILE` and a script on standard input, printing each result
 * in the chosen format and writing the charts export stages ask for.
 *
 * Exit status: 0 when every statement ran, 1 at the first error (the report
 * on stderr, with line, column and caret), 2 for wrong usage.
 */
#include "cli.h"
#include "export.h"
#include "query.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static int print_result(void *ctx, const sk_result *r)
{
    cli_session *cs = ctx;
    sk_format_opts fo = {.colour = cs->colour};
    int rc = sk_format_print(r, cs->format, &fo, stdout);
    if (r->notice && cs->format == SK_FORMAT_TABLE)
        printf("note: %s\n", r->notice);
    cs->results++;
    return rc;
}

int cli_run_text(cli_session *cs, const char *text, size_t len, const char *origin)
{
    sk_query_opts qo = {.export_fn = cli_export_result, .export_ctx = cs,
                        .origin = origin, .user = cs->user, .cancel = cs->cancel};
    sk_query_error err;
    int rc = sk_query_exec(cs->store, text, len, &qo, print_result, cs, &err);
    fflush(stdout);
    if (rc) {
        fprintf(stderr, "%s", err.msg);
        if (err.msg[0] && err.msg[strlen(err.msg) - 1] != '\n')
            fputc('\n', stderr);
    }
    return rc;
}

/* Reads all of F into a malloc'd buffer; NULL on error (errno set). */
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
    int rc = cli_run_text(cs, text, len, strcmp(path, "-") ? path : NULL);
    free(text);
    return rc;
}
