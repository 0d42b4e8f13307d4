/*
 * dot.c — the shell's dot-commands, declared once in one table: name,
 * arguments, help, what TAB completes after it, and the handler.
 *
 * A dot-command is a line starting with '.', read whole (no ';' needed)
 * and split into words with "double quotes" for words holding spaces. A
 * handler returns SK_OK, an SK_E* code after printing why, or CLI_QUIT.
 * `.help` and the completer read the same table, so a command cannot be
 * added without its help.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int dot_help(cli_session *cs, int argc, char **argv);
static int dot_schema(cli_session *cs, int argc, char **argv);
static int dot_stats(cli_session *cs, int argc, char **argv);
static int dot_mode(cli_session *cs, int argc, char **argv);
static int dot_timer(cli_session *cs, int argc, char **argv);
static int dot_import(cli_session *cs, int argc, char **argv);
static int dot_export(cli_session *cs, int argc, char **argv);
static int dot_sources(cli_session *cs, int argc, char **argv);
static int dot_reason(cli_session *cs, int argc, char **argv);
static int dot_user(cli_session *cs, int argc, char **argv);
static int dot_audit(cli_session *cs, int argc, char **argv);
static int dot_authority(cli_session *cs, int argc, char **argv);
static int dot_quit(cli_session *cs, int argc, char **argv);

static const cli_dot dots[] = {
    {".help", "[TOPIC]", "help on the shell, a statement (.help path) or a dot-command",
     CLI_ARG_TOPIC, dot_help},
    {".schema", "", "entity types, link types and properties, with counts", CLI_ARG_NONE,
     dot_schema},
    {".stats", "", "counts per type, sources and the size of the case file", CLI_ARG_NONE,
     dot_stats},
    {".mode", "[table|csv|json]", "how results print (no argument: the current mode)",
     CLI_ARG_MODE, dot_mode},
    {".timer", "[on|off]", "show how long each statement takes", CLI_ARG_ONOFF, dot_timer},
    {".import", "FILE… --spec SPEC [--grade G] [--dry-run] …",
     "import files into the case, as `skein import` does", CLI_ARG_FILES, dot_import},
    {".export", "[FORMAT] FILE [--layout L] [--title T] [--force]",
     "write the last result to FILE (svg png pdf dot graphml gexf csv json)", CLI_ARG_EXPORT,
     dot_export},
    {".sources", "", "the case's sources: files and manual entries, grading, hash",
     CLI_ARG_NONE, dot_sources},
    {".reason", "[\"TEXT\"]", "why you are working on the case: logged with each statement",
     CLI_ARG_NONE, dot_reason},
    {".audit", "[verify] [--user U] [--since DATE] [--action A] [--category C]",
     "the case's audit log, or a check of its hash chain", CLI_ARG_VERIFY, dot_audit},
    {".authority", "[\"NAME, ROLE\"]",
     "who authorised exporting material whose handling code forbids it", CLI_ARG_NONE,
     dot_authority},
    {".user", "[NAME]", "who you are: recorded on manual entries and imports", CLI_ARG_NONE,
     dot_user},
    {".quit", "", "leave the shell (Ctrl-D does the same)", CLI_ARG_NONE, dot_quit},
    {".exit", "", "leave the shell", CLI_ARG_NONE, dot_quit},
};

const cli_dot *cli_dots(size_t *n)
{
    *n = sizeof dots / sizeof dots[0];
    return dots;
}

const cli_dot *cli_dot_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof dots / sizeof dots[0]; i++)
        if (strlen(dots[i].name) == len && !strncmp(dots[i].name, name, len))
            return &dots[i];
    return NULL;
}

/* ---- Word splitting ------------------------------------------------- */

int cli_split_words(const char *line, char ***argv, char *err, size_t errlen)
{
    size_t len = strlen(line);
    /* Words never outnumber half the bytes plus one; the text never grows. */
    size_t maxw = len / 2 + 2;
    char **v = malloc(maxw * sizeof *v + len + maxw);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char *out = (char *)(v + maxw);
    int n = 0;
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        v[n++] = out;
        bool quoted = false;
        while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r'))) {
            if (*p == '"') {
                quoted = !quoted;
                p++;
            } else if (*p == '\\' && quoted && p[1]) {
                char e = p[1];
                *out++ = e == 'n' ? '\n' : e == 't' ? '\t' : e;
                p += 2;
            } else {
                *out++ = *p++;
            }
        }
        *out++ = '\0';
        if (quoted) {
            free(v);
            snprintf(err, errlen, "no closing '\"'");
            return -1;
        }
    }
    v[n] = NULL;
    *argv = v;
    return n;
}

int cli_dot_run(cli_session *cs, const char *line)
{
    char **argv, err[128];
    int argc = cli_split_words(line, &argv, err, sizeof err);
    if (argc < 0) {
        fprintf(stderr, "%s\n", err);
        return SK_EPARSE;
    }
    if (argc == 0) {
        free(argv);
        return SK_OK;
    }
    const cli_dot *d = cli_dot_find(argv[0], strlen(argv[0]));
    int rc;
    if (!d) {
        fprintf(stderr, "unknown command %s (.help lists them)\n", argv[0]);
        rc = SK_EINVAL;
    } else {
        rc = d->run(cs, argc, argv);
    }
    free(argv);
    fflush(stdout);
    return rc;
}

/* Complains about ARGV[0]'s arguments with its synopsis. */
static int usage(const char *name)
{
    const cli_dot *d = cli_dot_find(name, strlen(name));
    fprintf(stderr, "usage: %s %s\n", name, d ? d->args : "");
    return SK_EINVAL;
}

/* ---- Handlers ----------------------------------------------------------- */

static int dot_help(cli_session *cs, int argc, char **argv)
{
    if (argc > 2)
        return usage(argv[0]);
    int rc = cli_help(cs, argc == 2 ? argv[1] : NULL, stdout);
    if (rc == SK_ENOTFOUND)
        fprintf(stderr, "no help on '%s' (.help lists the topics)\n", argv[1]);
    return rc;
}

static int dot_schema(cli_session *cs, int argc, char **argv)
{
    return argc == 1 ? cli_show_schema(cs) : usage(argv[0]);
}

static int dot_stats(cli_session *cs, int argc, char **argv)
{
    if (argc != 1)
        return usage(argv[0]);
    return cli_stats_print(cs->store, cs->path, cs->format == SK_FORMAT_JSON, stdout);
}

static int dot_sources(cli_session *cs, int argc, char **argv)
{
    return argc == 1 ? cli_show_sources(cs) : usage(argv[0]);
}

static int dot_mode(cli_session *cs, int argc, char **argv)
{
    if (argc == 1) {
        printf("%s\n", sk_format_name(cs->format));
        return SK_OK;
    }
    if (argc != 2 || sk_format_parse(argv[1], &cs->format) != SK_OK)
        return usage(argv[0]);
    return SK_OK;
}

static int dot_timer(cli_session *cs, int argc, char **argv)
{
    if (argc == 1) {
        printf("%s\n", cs->timer ? "on" : "off");
        return SK_OK;
    }
    if (argc != 2 || (strcasecmp(argv[1], "on") && strcasecmp(argv[1], "off")))
        return usage(argv[0]);
    cs->timer = !strcasecmp(argv[1], "on");
    return SK_OK;
}

static int dot_import(cli_session *cs, int argc, char **argv)
{
    cli_import_args a;
    if (cli_import_parse(argc - 1, argv + 1, &a))
        return usage(argv[0]);
    if (!a.opts.user)
        a.opts.user = cs->user;
    if (!a.opts.reason)
        a.opts.reason = cs->reason;
    int rc = cli_import_run(cs->store, &a, cs->cancel);
    cli_import_args_free(&a);
    return rc;
}

/* The kept result a format can take: charts and graph formats need a
 * graph; CSV and JSON take the most recent result of either kind. */
static const sk_result *export_source(const cli_session *cs, sk_export_format f)
{
    bool graph_only = sk_export_format_is_chart(f) || f == SK_EXPORT_GRAPHML ||
                      f == SK_EXPORT_GEXF;
    if (!graph_only && cs->last.set)
        return &cs->last.r;
    return cs->graph.set ? &cs->graph.r : NULL;
}

static int dot_export(cli_session *cs, int argc, char **argv)
{
    sk_export_opts o;
    sk_export_opts_init(&o);
    o.force = cs->force;
    o.sanitise = cs->sanitise;
    const char *words[2];
    int nw = 0;
    for (int i = 1; i < argc; i++) {
        bool has = i + 1 < argc;
        if (!strcmp(argv[i], "--layout") && has)
            o.layout = argv[++i];
        else if (!strcmp(argv[i], "--title") && has)
            o.title = argv[++i];
        else if (!strcmp(argv[i], "--force"))
            o.force = true;
        else if (!strcmp(argv[i], "--sanitise") || !strcmp(argv[i], "--sanitize"))
            o.sanitise = true;
        else if (argv[i][0] != '-' && nw < 2)
            words[nw++] = argv[i];
        else
            return usage(argv[0]);
    }
    if (nw == 0)
        return usage(argv[0]);
    const char *file = words[nw - 1];
    int rc = nw == 2 ? sk_export_format_parse(words[0], &o.format)
                     : sk_export_format_from_path(file, &o.format);
    if (rc) {
        fprintf(stderr, nw == 2 ? "unknown export format '%s'" : "cannot tell the format of "
                "'%s' from its extension", words[0]);
        fprintf(stderr, " (svg png pdf dot graphml gexf csv json)\n");
        return rc;
    }
    const sk_result *r = export_source(cs, o.format);
    if (!r) {
        fprintf(stderr, ".export: no %sresult to export yet (run a query first)\n",
                cs->last.set ? "graph " : "");
        return SK_ENOTFOUND;
    }
    sk_export_report rep;
    rc = cli_export_audited(cs, r, file, &o, &rep);
    if (rc)
        cli_print_error(cs, rep.message[0] ? rep.message : sk_strerror(rc));
    else
        printf("%s\n", rep.message);
    return rc;
}

/* Shows *FIELD, or sets it to the one argument (a malloc'd copy). */
static int text_setting(char **field, int argc, char **argv, const char *unset)
{
    if (argc == 1) {
        printf("%s\n", *field ? *field : unset);
        return SK_OK;
    }
    if (argc != 2 || !argv[1][0])
        return usage(argv[0]);
    char *r = strdup(argv[1]);
    if (!r)
        return SK_ENOMEM;
    free(*field);
    *field = r;
    return SK_OK;
}

static int dot_reason(cli_session *cs, int argc, char **argv)
{
    return text_setting(&cs->reason, argc, argv, "no reason given (.reason \"TEXT\")");
}

static int dot_authority(cli_session *cs, int argc, char **argv)
{
    return text_setting(&cs->authorised_by, argc, argv,
                        "no authority given (.authority \"NAME, ROLE\")");
}

static int dot_user(cli_session *cs, int argc, char **argv)
{
    if (argc == 1) {
        const char *u = cs->user ? cs->user : getenv("SKEIN_USER");
        if (!u || !*u)
            u = getenv("USER");
        printf("%s\n", u && *u ? u : "(the login name)");
        return SK_OK;
    }
    if (argc != 2 || !argv[1][0])
        return usage(argv[0]);
    char *u = strdup(argv[1]);
    if (!u)
        return SK_ENOMEM;
    free(cs->user_owned);
    cs->user = cs->user_owned = u;
    return SK_OK;
}

static int dot_audit(cli_session *cs, int argc, char **argv)
{
    cli_audit_filter f;
    if (cli_audit_parse(argc, argv, &f, NULL))
        return usage(argv[0]);
    return cli_audit_show(cs, &f);
}

static int dot_quit(cli_session *cs, int argc, char **argv)
{
    (void)cs;
    return argc == 1 ? CLI_QUIT : usage(argv[0]);
}
