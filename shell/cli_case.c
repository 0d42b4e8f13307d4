/*
 * cli_case.c — `skein CASE [options]`: opens the case and runs a query
 * (-c), a script (-f, or standard input when it is not a terminal), or the
 * interactive shell (standard input a terminal).
 *
 * A case that does not exist is created: after asking on a terminal, with
 * a notice on stderr otherwise (so a mistyped name is noticed).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: skein CASE [-c QUERY | -f FILE] [--format table|csv|json] [--user NAME]\n"
    "                  [--reason TEXT] [--authorised-by \"NAME, ROLE\"] [--force] [--sanitise]\n";

/* Asks on the terminal whether to create PATH; true for y or yes. */
static bool ask_create(const char *path)
{
    fprintf(stderr, "skein: there is no case %s; create it? [y/N] ", path);
    fflush(stderr);
    char answer[16];
    if (!fgets(answer, sizeof answer, stdin))
        return false;
    return !strcmp(answer, "y\n") || !strcmp(answer, "Y\n") || !strcmp(answer, "yes\n") ||
           !strcmp(answer, "YES\n");
}

static int parse(int argc, char **argv, cli_session *cs, const char **query, const char **file)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "-c") && has && !*query && !*file)
            *query = argv[++i];
        else if (!strcmp(a, "-f") && has && !*query && !*file)
            *file = argv[++i];
        else if (!strcmp(a, "--format") && has) {
            if (sk_format_parse(argv[++i], &cs->format) != SK_OK) {
                fprintf(stderr, "skein: unknown format '%s' (table, csv or json)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--user") && has)
            cs->user = argv[++i];
        else if ((!strcmp(a, "--reason") || !strcmp(a, "--authorised-by")) && has) {
            char **field = !strcmp(a, "--reason") ? &cs->reason : &cs->authorised_by;
            free(*field);
            if (!(*field = strdup(argv[++i]))) {
                fprintf(stderr, "skein: out of memory\n");
                return 1;
            }
        }
        else if (!strcmp(a, "--force"))
            cs->force = true;
        else if (!strcmp(a, "--sanitise") || !strcmp(a, "--sanitize"))
            cs->sanitise = true;
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    return 0;
}

int cli_case(int argc, char **argv)
{
    cli_session cs = {.path = argv[0], .format = SK_FORMAT_TABLE};
    const char *query = NULL, *file = NULL;
    int rc = parse(argc, argv, &cs, &query, &file);
    if (rc) {
        cli_session_free(&cs);
        return rc;
    }
    bool interactive = !query && !file && isatty(STDIN_FILENO);
    bool existed = access(cs.path, F_OK) == 0;
    if (!existed && interactive && !ask_create(cs.path)) {
        fprintf(stderr, "skein: no case created\n");
        cli_session_free(&cs);
        return 1;
    }
    char err[1024];
    sk_open_opts oo = {.flags = SK_OPEN_CREATE};
    if (sk_store_open(cs.path, &oo, &cs.store, err, sizeof err) != SK_OK) {
        fprintf(stderr, "skein: %s\n", err);
        cli_session_free(&cs);
        return 1;
    }
    if (!existed)
        fprintf(stderr, "skein: created a new, empty case %s\n", cs.path);
    cs.cancel = cli_sigint_install();
    bool no_colour = getenv("NO_COLOR") && *getenv("NO_COLOR");
    cs.colour = isatty(STDOUT_FILENO) && !no_colour;
    cs.err_colour = isatty(STDERR_FILENO) && !no_colour;
    if (query)
        rc = cli_run_text(&cs, query, strlen(query), NULL);
    else if (file)
        rc = cli_run_file(&cs, file);
    else if (!interactive)
        rc = cli_run_file(&cs, "-");
    else {
        cs.keep = true;
        rc = cli_repl(&cs);
    }
    if (cli_audit_flush(&cs) != SK_OK)
        rc = 1;
    sk_store_close(cs.store);
    cli_session_free(&cs);
    return rc ? 1 : 0;
}
