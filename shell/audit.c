/*
 * audit.c — the shell's part of the case's audit log: disclosures it makes
 * itself, and reading the log back.
 *
 * Queries are logged by the engine. `.export` and `skein export` write a
 * result the shell kept, outside the engine, so the shell logs those
 * disclosures: the file is written inside the write transaction that
 * appends the entry, and a file whose entry cannot be committed is removed
 * again — no export leaves the case without its record.
 *
 * `skein audit CASE [verify]` and `.audit [verify]` list the log (as a
 * table result, so every output format applies) or check its hash chain.
 */
#include "cli.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *cli_user_name(const char *user)
{
    if (user && *user)
        return user;
    const char *u = getenv("SKEIN_USER");
    if (u && *u)
        return u;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : "unknown";
}

/* ---- Disclosures ------------------------------------------------------- */

typedef struct disclose_ctx {
    const cli_session *cs;
    const sk_result *r;
    const char *path;
    const sk_export_opts *o;
    sk_export_report *rep;
    int export_rc;              /* the exporter's own outcome */
    bool written;               /* the file exists (remove it on abort) */
} disclose_ctx;

static int disclose(sk_txn *t, void *ctx)
{
    disclose_ctx *c = ctx;
    const char *auth = c->cs->authorised_by;
    /* As the engine's export stage: material whose handling code forbids
     * dissemination leaves only with a named authority. */
    if (c->r->no_dissemination && !(auth && *auth)) {
        snprintf(c->rep->message, sizeof c->rep->message,
                 "this result holds material whose handling code (%s) forbids further "
                 "dissemination; export it with --authorised-by \"NAME, ROLE\" (.authority in "
                 "the shell; recorded in the audit log)",
                 c->r->handling_code ? c->r->handling_code : "restricted");
        return c->export_rc = SK_EACCESS;
    }
    c->export_rc = sk_export_write(c->r, c->path, c->o, c->rep);
    if (c->export_rc)
        return c->export_rc;
    c->written = true;
    char detail[256];
    bool graph = c->r->kind == SK_RESULT_GRAPH;
    size_t n = graph ? c->rep->entities : c->r->table.nrows;
    snprintf(detail, sizeof detail, "%zu %s, handling %s%s%s (%s)", n,
             graph ? "entities" : n == 1 ? "row" : "rows",
             c->r->handling_code ? c->r->handling_code : "none",
             auth && *auth ? "; authorised by " : "", auth && *auth ? auth : "",
             sk_export_format_name(c->o->format));
    sk_audit_entry e = {
        .time = time(NULL), .user = cli_user_name(c->cs->user), .reason = c->cs->reason,
        .category = SK_AUDIT_DISCLOSURE, .action = "export", .target = c->path,
        .query = c->r->query, .detail = detail, .count = n,
    };
    return sk_audit_append(t, &e, NULL);
}

/* Removes what an export to PATH wrote: the file, or for a graph as CSV
 * the pair PATH's stem + "_entities.csv" / "_links.csv". */
static void remove_export(const char *path, const sk_result *r, sk_export_format f)
{
    if (f != SK_EXPORT_CSV || r->kind != SK_RESULT_GRAPH) {
        unlink(path);
        return;
    }
    size_t n = strlen(path);
    const char *dot = strrchr(path, '.');
    size_t stem = dot && !strchr(dot, '/') ? (size_t)(dot - path) : n;
    char buf[4096];
    static const char *const tails[] = {"_entities.csv", "_links.csv"};
    for (size_t i = 0; i < 2; i++)
        if ((size_t)snprintf(buf, sizeof buf, "%.*s%s", (int)stem, path, tails[i]) < sizeof buf)
            unlink(buf);
}

int cli_export_audited(cli_session *cs, const sk_result *r, const char *path,
                       sk_export_opts *o, sk_export_report *rep)
{
    if (o->format == SK_EXPORT_NONE && sk_export_format_from_path(path, &o->format) != SK_OK) {
        snprintf(rep->message, sizeof rep->message,
                 "cannot tell the format of '%s' from its extension", path);
        return SK_EINVAL;
    }
    disclose_ctx c = {.cs = cs, .r = r, .path = path, .o = o, .rep = rep};
    rep->message[0] = '\0';
    int rc = sk_store_write(cs->store, disclose, &c);
    if (rc == SK_OK)
        return SK_OK;
    if (c.export_rc)
        return c.export_rc;
    if (c.written)
        remove_export(path, r, o->format);
    snprintf(rep->message, sizeof rep->message,
             "not exported: the audit log could not record it (%s)",
             sk_store_errmsg(cs->store));
    return rc;
}

/* ---- Reading the log ---------------------------------------------------- */

static const char *const audit_cols[] = {"seq", "time", "user", "category", "action",
                                         "reason", "target", "count", "query", "detail"};
#define AUDIT_NCOLS (sizeof audit_cols / sizeof audit_cols[0])

typedef struct list_ctx {
    const cli_audit_filter *f;
    sk_arena *a;                /* the table's cells and strings */
    sk_value *cells;
    size_t nrows, cap;
    int rc;
} list_ctx;

static sk_value text(sk_arena *a, const char *s)
{
    if (!s || !*s)
        return (sk_value){.type = SK_V_NULL};
    char *d = sk_arena_strndup(a, s, strlen(s));
    return d ? (sk_value){.type = SK_V_STR, .u.str = {d, strlen(d)}}
             : (sk_value){.type = SK_V_NULL};
}

static bool wanted(const cli_audit_filter *f, const sk_audit_entry *e)
{
    return (!f->user || !strcmp(f->user, e->user ? e->user : "")) &&
           (!f->action || !strcmp(f->action, e->action ? e->action : "")) &&
           (!f->category || f->category == e->category) &&
           (!f->has_since || e->time >= f->since);
}

static int add_entry(const sk_audit_entry *e, void *ctx)
{
    list_ctx *c = ctx;
    if (!wanted(c->f, e))
        return 0;
    if (c->nrows == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        sk_value *v = sk_arena_alloc(c->a, cap * AUDIT_NCOLS * sizeof *v);
        if (!v) {
            c->rc = SK_ENOMEM;
            return 1;
        }
        if (c->nrows)
            memcpy(v, c->cells, c->nrows * AUDIT_NCOLS * sizeof *v);
        c->cells = v;
        c->cap = cap;
    }
    sk_value *row = c->cells + c->nrows++ * AUDIT_NCOLS;
    row[0] = (sk_value){.type = SK_V_INT, .u.i = (int64_t)e->seq};
    row[1] = (sk_value){.type = SK_V_TIME, .u.time = {e->time, 0}};
    row[2] = text(c->a, e->user);
    row[3] = text(c->a, sk_audit_category_name(e->category));
    row[4] = text(c->a, e->action);
    row[5] = e->erased ? text(c->a, "(erased)") : text(c->a, e->reason);
    row[6] = text(c->a, e->target);
    row[7] = (sk_value){.type = SK_V_INT, .u.i = (int64_t)e->count};
    row[8] = e->erased ? text(c->a, "(erased)") : text(c->a, e->query);
    row[9] = text(c->a, e->detail);
    return 0;
}

static int list(cli_session *cs, sk_txn *t, sk_arena *a, const cli_audit_filter *f)
{
    list_ctx c = {.f = f, .a = a};
    sk_arena *ea = sk_arena_new();
    if (!ea)
        return SK_ENOMEM;
    int rc = sk_audit_each(t, ea, add_entry, &c);
    sk_arena_free(ea);
    if (rc == SK_OK)
        rc = c.rc;
    if (rc)
        return rc;
    sk_result r = {.kind = SK_RESULT_TABLE,
                   .table = {.ncols = AUDIT_NCOLS, .cols = (const char **)audit_cols,
                             .nrows = c.nrows, .cells = c.cells}};
    sk_format_opts fo = {.colour = cs->colour};
    return sk_format_print(&r, cs->format, &fo, stdout);
}

static int verify(cli_session *cs, sk_txn *t)
{
    uint64_t n = 0, bad = 0;
    char why[512] = "";
    int rc = sk_audit_verify(t, &n, &bad, why, sizeof why);
    if (rc == SK_OK)
        printf("audit log intact: %llu entr%s, hash chain verified\n", (unsigned long long)n,
               n == 1 ? "y" : "ies");
    else if (rc == SK_ECORRUPT)
        cli_print_error(cs, why[0] ? why : "the audit log has been altered");
    return rc;
}

int cli_audit_show(cli_session *cs, const cli_audit_filter *f)
{
    sk_txn *t;
    sk_arena *a = sk_arena_new();
    int rc = a ? sk_txn_begin(cs->store, false, &t) : SK_ENOMEM;
    if (rc) {
        fprintf(stderr, "audit: %s\n", a ? sk_store_errmsg(cs->store) : "out of memory");
        sk_arena_free(a);
        return rc;
    }
    rc = f->verify ? verify(cs, t) : list(cs, t, a, f);
    if (rc && rc != SK_ECORRUPT)
        fprintf(stderr, "audit: %s\n", sk_txn_errmsg(t)[0] ? sk_txn_errmsg(t) : sk_strerror(rc));
    sk_txn_abort(t);
    sk_arena_free(a);
    fflush(stdout);
    return rc;
}

/* ---- Arguments: skein audit and .audit ----------------------------------- */

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS][Z]", read as UTC. */
static bool parse_date(const char *s, int64_t *out)
{
    struct tm tm = {0};
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
        return false;
    const char *p = s + n;
    if (*p == 'T' || *p == ' ') {
        int k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &k) != 2)
            return false;
        p += 1 + k;
        if (*p == ':' && sscanf(p + 1, "%2d%n", &tm.tm_sec, &k) == 1)
            p += 1 + k;
        if (*p == 'Z')
            p++;
    }
    if (*p || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (int64_t)timegm(&tm);
    return true;
}

int cli_audit_parse(int argc, char **argv, cli_audit_filter *f, const char **path)
{
    *f = (cli_audit_filter){0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "--user") && has) {
            f->user = argv[++i];
        } else if (!strcmp(a, "--action") && has) {
            f->action = argv[++i];
        } else if (!strcmp(a, "--category") && has) {
            if (sk_audit_category_parse(argv[++i], &f->category) != SK_OK) {
                fprintf(stderr, "audit: unknown category '%s' (collection, alteration, "
                                "consultation, disclosure, combination, erasure)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--since") && has) {
            if (!parse_date(argv[++i], &f->since)) {
                fprintf(stderr, "audit: --since wants a date, 2024-03-01 or "
                                "2024-03-01T14:05Z\n");
                return 2;
            }
            f->has_since = true;
        } else if (!strcmp(a, "verify") && !f->verify && (!path || *path)) {
            f->verify = true;
        } else if (path && !*path && a[0] != '-') {
            *path = a;
        } else {
            return 2;
        }
    }
    return 0;
}

/* ---- skein audit ------------------------------------------------------- */

static const char usage[] =
    "usage: skein audit CASE [verify] [--user U] [--since DATE] [--action A]\n"
    "                   [--category C] [--format table|csv|json]\n";

int cli_audit(int argc, char **argv)
{
    cli_session cs = {.format = SK_FORMAT_TABLE};
    /* --format is the listing's; the filters are shared with .audit. */
    char **rest = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *rest);
    if (!rest) {
        fprintf(stderr, "skein audit: out of memory\n");
        return 1;
    }
    int nrest = 0, bad = 0;
    for (int i = 0; i < argc && !bad; i++) {
        if (i > 0 && !strcmp(argv[i], "--format") && i + 1 < argc) {
            bad = sk_format_parse(argv[++i], &cs.format) != SK_OK;
            if (bad)
                fprintf(stderr, "skein audit: unknown format '%s' (table, csv or json)\n",
                        argv[i]);
        } else {
            rest[nrest++] = argv[i];
        }
    }
    cli_audit_filter f;
    if (!bad && (cli_audit_parse(nrest, rest, &f, &cs.path) || !cs.path)) {
        fputs(usage, stderr);
        bad = 1;
    }
    free(rest);
    if (bad)
        return 2;
    char err[1024];
    sk_open_opts oo = {.flags = SK_OPEN_RDONLY};
    if (sk_store_open(cs.path, &oo, &cs.store, err, sizeof err) != SK_OK) {
        fprintf(stderr, "skein: %s\n", err);
        return 1;
    }
    bool no_colour = getenv("NO_COLOR") && *getenv("NO_COLOR");
    cs.colour = isatty(STDOUT_FILENO) && !no_colour;
    cs.err_colour = isatty(STDERR_FILENO) && !no_colour;
    int rc = cli_audit_show(&cs, &f);
    sk_store_close(cs.store);
    return rc ? 1 : 0;
}
