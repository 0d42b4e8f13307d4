/*
 * cli_export.c — `skein export CASE 'QUERY' -o FILE [--layout L]
 * [--title T] [--force] [--sanitise] [--user U] [--reason TEXT]
 * [--authorised-by "NAME, ROLE"]`: runs a
 * query on a case and writes the result of its last statement to FILE,
 * in the format FILE's extension names (.svg .png .pdf .dot .graphml
 * .gexf .csv .json).
 *
 * The case is opened for writing only because the audit log records the
 * query and the disclosure; nothing else in it changes. Prints the
 * exporter's one-line report ("wrote a chart of 12 entities and 15 links
 * to cell.svg (layout dot)"); on failure the reason on stderr and exit
 * status 1. The chart limit and its --force are the exporter's.
 */
#include "cli.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: skein export CASE 'QUERY' -o FILE [--layout L] [--title T] [--force]\n"
    "                    [--sanitise] [--user NAME] [--reason TEXT]\n"
    "                    [--authorised-by \"NAME, ROLE\"]\n"
    "       (the format follows FILE's extension: .svg .png .pdf .dot .graphml .gexf .csv "
    ".json)\n";

typedef struct export_args {
    const char *path, *query, *out, *layout, *title, *user, *reason, *authorised_by;
    bool force, sanitise;
} export_args;

/* The options that take a value, each stored in one field of export_args. */
static const struct {
    const char *name;
    size_t field;
} value_opts[] = {
    {"-o", offsetof(export_args, out)},          {"--output", offsetof(export_args, out)},
    {"--layout", offsetof(export_args, layout)}, {"--title", offsetof(export_args, title)},
    {"--user", offsetof(export_args, user)},     {"--reason", offsetof(export_args, reason)},
    {"--authorised-by", offsetof(export_args, authorised_by)},
};

static int parse(int argc, char **argv, export_args *a)
{
    *a = (export_args){0};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        size_t k = 0, nv = sizeof value_opts / sizeof value_opts[0];
        while (k < nv && strcmp(s, value_opts[k].name))
            k++;
        if (k < nv) {
            if (i + 1 >= argc)
                return 2;
            *(const char **)((char *)a + value_opts[k].field) = argv[++i];
        } else if (!strcmp(s, "--force")) {
            a->force = true;
        } else if (!strcmp(s, "--sanitise") || !strcmp(s, "--sanitize")) {
            a->sanitise = true;
        } else if (s[0] == '-' && s[1] != '\0') {
            return 2;
        } else if (!a->path) {
            a->path = s;
        } else if (!a->query) {
            a->query = s;
        } else {
            return 2;
        }
    }
    return a->path && a->query && a->out ? 0 : 2;
}

/* Keeps each statement's result; the last one kept is exported. */
static int keep_cb(void *ctx, const sk_result *r)
{
    return cli_keep(ctx, r);
}

/* Runs the query and exports its last result; returns an SK_* code with
 * the message printed. */
static int run(cli_session *cs, const export_args *a, sk_export_opts *o)
{
    cli_kept last = {0};
    sk_query_opts qo = {.export_fn = cli_export_result, .export_ctx = cs, .user = cs->user,
                        .reason = cs->reason, .authorised_by = cs->authorised_by,
                        .cancel = cs->cancel};
    sk_query_error err;
    int rc = sk_query_exec(cs->store, a->query, strlen(a->query), &qo, keep_cb, &last, &err);
    if (rc) {
        cli_print_error(cs, err.msg[0] ? err.msg : sk_strerror(rc));
        cli_kept_clear(&last);
        return rc;
    }
    if (!last.set) {
        fprintf(stderr, "skein export: the query gave no result to export\n");
        return SK_EINVAL;
    }
    sk_export_report rep;
    rc = cli_export_audited(cs, &last.r, a->out, o, &rep);
    if (rc)
        fprintf(stderr, "skein export: %s\n", rep.message[0] ? rep.message : sk_strerror(rc));
    else
        printf("%s\n", rep.message);
    cli_kept_clear(&last);
    return rc;
}

int cli_export(int argc, char **argv)
{
    export_args a;
    if (argc >= 2 && !strcmp(argv[1], "--help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (parse(argc, argv, &a)) {
        fputs(usage, stderr);
        return 2;
    }
    sk_export_opts o;
    sk_export_opts_init(&o);
    if (sk_export_format_from_path(a.out, &o.format) != SK_OK) {
        fprintf(stderr, "skein export: cannot tell the format of '%s' from its extension "
                        "(.svg .png .pdf .dot .graphml .gexf .csv .json)\n", a.out);
        return 2;
    }
    o.layout = a.layout;
    o.title = a.title;
    o.force = a.force;
    o.sanitise = a.sanitise;
    cli_session cs = {.path = a.path, .force = a.force, .sanitise = a.sanitise,
                      .user = a.user, .reason = a.reason ? strdup(a.reason) : NULL,
                      .authorised_by = a.authorised_by ? strdup(a.authorised_by) : NULL};
    if ((a.reason && !cs.reason) || (a.authorised_by && !cs.authorised_by)) {
        fprintf(stderr, "skein: out of memory\n");
        cli_session_free(&cs);
        return 1;
    }
    char err[1024];
    sk_open_opts oo = {0};
    if (sk_store_open(a.path, &oo, &cs.store, err, sizeof err) != SK_OK) {
        fprintf(stderr, "skein: %s\n", err);
        cli_session_free(&cs);
        return 1;
    }
    cs.cancel = cli_sigint_install();
    int rc = run(&cs, &a, &o);
    if (cli_audit_flush(&cs) != SK_OK)
        rc = 1;
    sk_store_close(cs.store);
    cli_session_free(&cs);
    return rc ? 1 : 0;
}
