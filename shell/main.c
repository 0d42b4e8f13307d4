/*
 * main.c — the skein command line: picks the sub-command and hands over.
 *
 *   skein CASE [-c QUERY | -f FILE] [--format table|csv|json]
 *   skein import CASE FILE… --spec SPEC [options]
 *   skein export CASE 'QUERY' -o FILE [options]
 *   skein stats CASE [--format table|json]
 *   skein audit CASE [verify] [filters]
 *   skein admin CASE [SETTING VALUE]
 *
 * Every sub-command returns an exit status: 0 success, 1 failure (with the
 * message on stderr), 2 wrong usage.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command;

static const command commands[] = {
    {"import", cli_import,
     "skein import CASE FILE… --spec SPEC [--grade CODE] [--handling CODE] [--note TEXT]\n"
     "               [--dry-run] [--rejects FILE] [--encoding ENC] [--timezone ZONE]\n"
     "               [--user NAME] [--reason TEXT]"},
    {"export", cli_export,
     "skein export CASE 'QUERY' -o FILE [--layout L] [--title T] [--force] [--sanitise]\n"
     "               [--user NAME] [--reason TEXT] [--authorised-by \"NAME, ROLE\"]"},
    {"stats", cli_stats, "skein stats CASE [--format table|json]"},
    {"audit", cli_audit,
     "skein audit CASE [verify] [--user U] [--since DATE] [--action A] [--category C]\n"
     "              [--format table|csv|json]"},
    {"admin", cli_admin,
     "skein admin CASE [user NAME --clearance N | access-control on|off |\n"
     "              require-reason on|off | audit-sync on|off | review-years N [--type T]]"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage:\n"
               "  skein CASE                   the interactive shell on a case\n"
               "  skein CASE -c QUERY | -f FILE | < FILE  [--format table|csv|json]\n"
               "             [--user NAME] [--reason TEXT] [--authorised-by \"NAME, ROLE\"]\n"
               "             [--force] [--sanitise]\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("skein %s\n", SKEIN_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    if (argv[1][0] == '-') {
        usage(stderr);
        return 2;
    }
    /* Anything else names a case: skein CASE [options]. */
    return cli_case(argc - 1, argv + 1);
}
