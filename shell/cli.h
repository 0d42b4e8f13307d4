/*
 * cli.h — what the files of the skein binary share: the session (the open
 * case and the output settings) and the sub-commands, one function each.
 * A sub-command takes the arguments after its name (argv[0] is the name)
 * and returns the process exit status.
 */
#ifndef SK_CLI_H
#define SK_CLI_H

#include <stdbool.h>
#include <signal.h>
#include <stdio.h>

#include "export.h"
#include "query.h"

typedef struct cli_session {
    sk_store *store;
    const char *path;           /* the case file */
    sk_format format;           /* how results print */
    bool colour;                /* ANSI colour in tables */
    bool force;                 /* draw charts over the size limit */
    bool sanitise;              /* leave source names out of exports */
    const char *user;           /* --user, or NULL for $SKEIN_USER / login */
    const volatile sig_atomic_t *cancel; /* set by the SIGINT handler */
    unsigned long results;      /* results printed so far */
} cli_session;

int cli_stats(int argc, char **argv);
/* skein CASE [-c QUERY | -f FILE] [--format F] … */
int cli_case(int argc, char **argv);

/* Runs query text; prints results to stdout and errors to stderr. */
int cli_run_text(cli_session *cs, const char *text, size_t len, const char *origin);
/* Runs a script file ("-" = standard input). */
int cli_run_file(cli_session *cs, const char *path);
/* Reads a whole stream into a malloc'd buffer. */
char *cli_slurp(FILE *f, size_t *len);
/* The export callback handed to the query engine (CTX is a cli_session). */
int cli_export_result(void *ctx, const sk_result *r, const sk_export_req *req, char *msg,
                      size_t msglen);

#endif
