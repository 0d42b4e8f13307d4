/*
 * cli_import.c — `skein import CASE FILE… --spec SPEC [options]` and the
 * shell's `.import FILE… --spec SPEC [options]`: one argument parser and
 * one runner for both, over the import module's public API.
 *
 * One --spec applies to every file, wherever it stands. Several --spec
 * options each apply to the files after them (`--spec pole-person
 * persons.csv --spec pole-phone phones.csv`), so that files of different
 * layouts load as one import: one transaction, and a bulk load when the
 * case is new.
 *
 * The import itself (one transaction, all or nothing, provenance) is the
 * import module's; this file only reads the command line, draws the
 * progress bar on a terminal and prints the outcome: the summary on
 * stdout, or `file:line:column: reason` on stderr with exit status 1.
 */
#include "cli.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: skein import CASE FILE… --spec SPEC [--grade CODE] [--handling CODE]\n"
    "                    [--note TEXT] [--dry-run] [--rejects FILE] [--encoding ENC]\n"
    "                    [--timezone ZONE] [--user NAME] [--reason TEXT]\n"
    "       skein import CASE --spec SPEC FILE… --spec SPEC FILE… [options]\n"
    "                    (several --spec: each applies to the files after it)\n";

/* The options that take a value, each stored in one field of sk_import_opts. */
static const struct {
    const char *name;
    size_t field;               /* offsetof a const char * member */
} value_opts[] = {
    {"--spec", offsetof(sk_import_opts, spec)},
    {"--grade", offsetof(sk_import_opts, grade)},
    {"--handling", offsetof(sk_import_opts, handling)},
    {"--note", offsetof(sk_import_opts, note)},
    {"--rejects", offsetof(sk_import_opts, rejects)},
    {"--encoding", offsetof(sk_import_opts, encoding)},
    {"--timezone", offsetof(sk_import_opts, timezone)},
    {"--user", offsetof(sk_import_opts, user)},
    {"--reason", offsetof(sk_import_opts, reason)},
};

/* Matches "--name value" and "--name=value"; *I moves past what it used. */
static int value_opt(int argc, char **argv, int *i, sk_import_opts *o)
{
    const char *a = argv[*i];
    for (size_t k = 0; k < sizeof value_opts / sizeof value_opts[0]; k++) {
        size_t n = strlen(value_opts[k].name);
        if (strncmp(a, value_opts[k].name, n) != 0 || (a[n] != '\0' && a[n] != '='))
            continue;
        const char *v = a[n] == '=' ? a + n + 1 : NULL;
        if (!v) {
            if (*i + 1 >= argc) {
                fprintf(stderr, "skein import: %s needs a value\n", value_opts[k].name);
                return 2;
            }
            v = argv[++*i];
        }
        *(const char **)((char *)o + value_opts[k].field) = v;
        return 0;
    }
    return -1;
}

/* With several --spec options, gives each file the last one before it. */
static int spec_per_file(cli_import_args *out, const char **spec_at, int nspecs)
{
    if (nspecs < 2)
        return 0;
    out->specs = calloc(out->nfiles, sizeof *out->specs);
    if (!out->specs) {
        fprintf(stderr, "skein import: out of memory\n");
        return 2;
    }
    for (size_t f = 0; f < out->nfiles; f++) {
        if (!spec_at[f]) {
            fprintf(stderr,
                    "skein import: %s comes before any --spec: with several --spec options, "
                    "each applies to the files after it\n",
                    out->files[f]);
            return 2;
        }
        out->specs[f] = spec_at[f];
    }
    out->opts.specs = out->specs;
    return 0;
}

int cli_import_parse(int argc, char **argv, cli_import_args *out)
{
    *out = (cli_import_args){.progress = isatty(STDERR_FILENO)};
    size_t cap = argc > 0 ? (size_t)argc : 1;
    out->files = calloc(cap, sizeof *out->files);
    const char **spec_at = calloc(cap, sizeof *spec_at); /* the spec before each file */
    if (!out->files || !spec_at) {
        fprintf(stderr, "skein import: out of memory\n");
        free(spec_at);
        cli_import_args_free(out);
        return 2;
    }
    bool options_done = false;
    int nspecs = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || !strcmp(a, "-")) {
            spec_at[out->nfiles] = nspecs ? out->opts.spec : NULL;
            out->files[out->nfiles++] = a;
            continue;
        }
        const char *before = out->opts.spec;
        int rc = value_opt(argc, argv, &i, &out->opts);
        if (rc > 0)
            goto bad;
        if (rc == 0) {
            nspecs += out->opts.spec != before;
            continue;
        }
        if (!strcmp(a, "--dry-run"))
            out->opts.dry_run = true;
        else if (!strcmp(a, "--"))
            options_done = true;
        else {
            fprintf(stderr, "skein import: unknown option '%s'\n", a);
            goto bad;
        }
    }
    if (!out->nfiles || !out->opts.spec) {
        fprintf(stderr, "skein import: %s\n",
                !out->nfiles ? "no file to import" : "no --spec given (a built-in name such "
                                                    "as cdr, or a .spec file)");
        goto bad;
    }
    if (spec_per_file(out, spec_at, nspecs))
        goto bad;
    free(spec_at);
    return 0;
bad:
    free(spec_at);
    cli_import_args_free(out);
    return 2;
}

void cli_import_args_free(cli_import_args *a)
{
    free(a->files);
    free(a->specs);
    a->files = NULL;
    a->specs = NULL;
    a->opts.specs = NULL;
    a->nfiles = 0;
}

int cli_import_run(sk_store *s, cli_import_args *a, volatile sig_atomic_t *cancel)
{
    cli_progress_ctx pc = {.cancel = cancel, .draw = a->progress};
    a->opts.progress = cli_progress;
    a->opts.progress_ctx = &pc;
    if (cancel)
        *cancel = 0;
    sk_import_summary sum;
    char msg[4096];
    int rc = sk_import_files(s, a->files, a->nfiles, &a->opts, &sum, msg, sizeof msg);
    a->opts.progress_ctx = NULL; /* PC dies with this call */
    if (a->progress)
        fputs("\r\x1b[K", stderr);
    if (rc) {
        fprintf(stderr, "%s\n", msg[0] ? msg : sk_strerror(rc));
        return rc;
    }
    printf("%s\n", msg);
    char block[1024];
    if (sum.files_imported && sk_import_summary_format(&sum, block, sizeof block) == SK_OK)
        printf("%s\n", block);
    fflush(stdout);
    return SK_OK;
}

/* Removes a case file this command created for a dry run. */
static void remove_case(const char *path)
{
    char lock[4096];
    unlink(path);
    if ((size_t)snprintf(lock, sizeof lock, "%s-lock", path) < sizeof lock)
        unlink(lock);
}

int cli_import(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        fputs(usage, argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
        return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : 2;
    }
    const char *path = argv[1];
    cli_import_args a;
    if (cli_import_parse(argc - 2, argv + 2, &a)) {
        fputs(usage, stderr);
        return 2;
    }
    bool existed = access(path, F_OK) == 0;
    char err[1024];
    sk_store *s;
    sk_open_opts oo = {.flags = SK_OPEN_CREATE};
    if (sk_store_open(path, &oo, &s, err, sizeof err) != SK_OK) {
        fprintf(stderr, "skein: %s\n", err);
        cli_import_args_free(&a);
        return 1;
    }
    volatile sig_atomic_t *cancel = cli_sigint_install();
    int rc = cli_import_run(s, &a, cancel);
    sk_store_close(s);
    /* A dry run writes nothing, not even the empty case it needed. */
    if (!existed && a.opts.dry_run)
        remove_case(path);
    else if (!existed && rc == SK_OK)
        fprintf(stderr, "skein: created a new case %s\n", path);
    else if (!existed)
        remove_case(path);
    cli_import_args_free(&a);
    return rc ? 1 : 0;
}
