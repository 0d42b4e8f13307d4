/*
 * cli_case.c — `skein CASE [options]`: opens the case and runs a query
 * (-c), a script (-f, or standard input when it is not a terminal), or the
 * interactive shell.
 */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: skein CASE [-c QUERY | -f FILE] [--format table|csv|json] [--user NAME]\n"
    "                  [--force] [--sanitise]\n";

/* The one piece of process state: a flag the SIGINT handler sets so the
 * running query stops (sig_atomic_t semantics; read through a pointer). */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

int cli_case(int argc, char **argv)
{
    cli_session cs = {.path = argv[0], .format = SK_FORMAT_TABLE};
    const char *query = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "-c") && has)
            query = argv[++i];
        else if (!strcmp(a, "-f") && has)
            file = argv[++i];
        else if (!strcmp(a, "--format") && has) {
            if (sk_format_parse(argv[++i], &cs.format) != SK_OK) {
                fprintf(stderr, "skein: unknown format '%s' (table, csv or json)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--user") && has)
            cs.user = argv[++i];
        else if (!strcmp(a, "--force"))
            cs.force = true;
        else if (!strcmp(a, "--sanitise") || !strcmp(a, "--sanitize"))
            cs.sanitise = true;
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    char err[1024];
    bool interactive = !query && !file && isatty(STDIN_FILENO);
    sk_open_opts oo = {.flags = SK_OPEN_CREATE};
    bool existed = access(cs.path, F_OK) == 0;
    if (sk_store_open(cs.path, &oo, &cs.store, err, sizeof err) != SK_OK) {
        fprintf(stderr, "skein: %s\n", err);
        return 1;
    }
    /* Said on stderr so that a mistyped case name is noticed. */
    if (!existed && !interactive)
        fprintf(stderr, "skein: created a new, empty case %s\n", cs.path);
    struct sigaction sa = {.sa_handler = on_sigint};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    cs.cancel = &interrupted;
    cs.colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    int rc;
    if (query)
        rc = cli_run_text(&cs, query, strlen(query), NULL);
    else if (file)
        rc = cli_run_file(&cs, file);
    else if (!interactive)
        rc = cli_run_file(&cs, "-");
    else {
        fprintf(stderr, "skein: the interactive shell is not built yet; use -c or -f\n");
        rc = 1;
    }
    sk_store_close(cs.store);
    return rc ? 1 : 0;
}
