/*
 * admin.c — `skein admin CASE …`: the case's access and retention settings.
 *
 *   skein admin CASE                              show the settings
 *   skein admin CASE user NAME [--clearance N]    show or set a clearance
 *   skein admin CASE access-control on|off        named users only
 *   skein admin CASE require-reason on|off        every statement needs --reason
 *   skein admin CASE audit-sync on|off            sync each consultation's entry
 *   skein admin CASE review-years N [--type T]    the review period
 *   (each takes --user NAME and --reason TEXT for the audit log)
 *
 * The settings are case metadata that the query engine reads (see
 * docs/audit.md); they are declared once in the table below with their
 * metadata key. A change and its audit entry (an alteration, "admin") are
 * written in one transaction.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: skein admin CASE                              show the settings\n"
    "       skein admin CASE user NAME [--clearance N]    a user's clearance\n"
    "       skein admin CASE access-control on|off        admit named users only\n"
    "       skein admin CASE require-reason on|off        refuse statements without --reason\n"
    "       skein admin CASE audit-sync on|off            write each consultation before showing it\n"
    "       skein admin CASE review-years N [--type TYPE] the review period\n"
    "       (each also takes --user NAME and --reason TEXT, recorded in the audit log)\n";

typedef enum setting_kind {
    SET_ONOFF,                  /* "1" or "0" */
    SET_YEARS,                  /* a number of years, optionally per type */
} setting_kind;

/* X(command word, metadata key, kind, what it does) */
#define SK_ADMIN_SETTINGS(X)                                                                \
    X("access-control", "access_control", SET_ONOFF,                                        \
      "only users with a clearance may open the case")                                      \
    X("require-reason", "require_reason", SET_ONOFF,                                        \
      "every statement must give a reason (--reason, .reason)")                             \
    X("audit-sync", "audit_sync", SET_ONOFF,                                                \
      "each consultation is on disk before its result is shown (default: group commits)")   \
    X("review-years", "review_years", SET_YEARS,                                            \
      "years after first recording that an entity is due for review (default 6)")

typedef struct setting {
    const char *word, *key;
    setting_kind kind;
    const char *what;
} setting;

static const setting settings[] = {
#define SK_ADMIN_ROW(w, k, kind, what) {w, k, kind, what},
    SK_ADMIN_SETTINGS(SK_ADMIN_ROW)
#undef SK_ADMIN_ROW
};

typedef struct admin_args {
    const char *path;
    const char *words[3];       /* the setting and its values */
    int nwords;
    const char *clearance, *type, *user, *reason;
} admin_args;

static int parse(int argc, char **argv, admin_args *a)
{
    *a = (admin_args){0};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(s, "--clearance") && has)
            a->clearance = argv[++i];
        else if (!strcmp(s, "--type") && has)
            a->type = argv[++i];
        else if (!strcmp(s, "--user") && has)
            a->user = argv[++i];
        else if (!strcmp(s, "--reason") && has)
            a->reason = argv[++i];
        else if (s[0] == '-')
            return 2;
        else if (!a->path)
            a->path = s;
        else if (a->nwords < 3)
            a->words[a->nwords++] = s;
        else
            return 2;
    }
    return a->path ? 0 : 2;
}

/* A whole number in [0, MAX], or -1. */
static long number(const char *s, long max)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v >= 0 && v <= max ? v : -1;
}

/* ---- Writing a setting --------------------------------------------------- */

typedef struct change {
    const char *key, *value;
    const char *user, *reason;
} change;

static int write_change(sk_txn *t, void *ctx)
{
    const change *c = ctx;
    int rc = sk_meta_set(t, c->key, c->value);
    if (rc)
        return rc;
    char detail[512];
    snprintf(detail, sizeof detail, "%s = %s", c->key, c->value);
    sk_audit_entry e = {.time = time(NULL), .user = cli_user_name(c->user),
                        .category = SK_AUDIT_ALTERATION, .action = "admin", .reason = c->reason,
                        .target = c->key, .detail = detail, .count = 1};
    return sk_audit_append(t, &e, NULL);
}

static int apply(sk_store *s, const admin_args *a, const char *key, const char *value)
{
    change c = {key, value, a->user, a->reason};
    int rc = sk_store_write(s, write_change, &c);
    if (rc)
        fprintf(stderr, "skein admin: %s\n", sk_store_errmsg(s));
    else
        printf("%s = %s\n", key, value);
    return rc;
}

/* ---- Showing settings ---------------------------------------------------- */

/* Prints KEY's value, or DEFAULT_TEXT when it is not set. */
static void show_key(sk_txn *t, const char *label, const char *key, const char *default_text)
{
    const char *v;
    size_t n;
    if (sk_meta_get(t, key, &v, &n) == SK_OK)
        printf("%-16s %.*s\n", label, (int)n, v);
    else
        printf("%-16s %s\n", label, default_text);
}

static int show_all(sk_store *s)
{
    sk_txn *t;
    int rc = sk_txn_begin(s, false, &t);
    if (rc) {
        fprintf(stderr, "skein admin: %s\n", sk_store_errmsg(s));
        return rc;
    }
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const setting *st = &settings[i];
        const char *v;
        size_t n;
        bool set = sk_meta_get(t, st->key, &v, &n) == SK_OK;
        if (st->kind == SET_ONOFF)
            printf("%-16s %-4s  %s\n", st->word, set && n == 1 && v[0] == '1' ? "on" : "off",
                   st->what);
        else
            printf("%-16s %-4.*s  %s\n", st->word, set ? (int)n : 1, set ? v : "6", st->what);
    }
    show_key(t, "scale", "scale", "5x5x5");
    show_key(t, "country-code", "country_code", "44");
    printf("clearances: skein admin CASE user NAME shows one user's\n");
    sk_txn_abort(t);
    return SK_OK;
}

static int show_user(sk_store *s, const char *name)
{
    sk_txn *t;
    int rc = sk_txn_begin(s, false, &t);
    if (rc) {
        fprintf(stderr, "skein admin: %s\n", sk_store_errmsg(s));
        return rc;
    }
    char key[300];
    snprintf(key, sizeof key, "clearance:%s", name);
    const char *v;
    size_t n;
    if (sk_meta_get(t, key, &v, &n) == SK_OK)
        printf("%s: clearance %.*s\n", name, (int)n, v);
    else
        printf("%s: no clearance set (unrestricted unless access-control is on)\n", name);
    sk_txn_abort(t);
    return SK_OK;
}

/* ---- The command ------------------------------------------------------------ */

static int run(sk_store *s, const admin_args *a)
{
    if (a->nwords == 0)
        return show_all(s);
    const char *w = a->words[0];
    char key[300], val[32];
    if (!strcmp(w, "user") && a->nwords == 2) {
        if (!a->clearance)
            return show_user(s, a->words[1]);
        long lv = number(a->clearance, 99);
        if (lv < 0) {
            fprintf(stderr, "skein admin: --clearance wants a handling level 0-99\n");
            return SK_EINVAL;
        }
        snprintf(key, sizeof key, "clearance:%s", a->words[1]);
        snprintf(val, sizeof val, "%ld", lv);
        return apply(s, a, key, val);
    }
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const setting *st = &settings[i];
        if (strcmp(w, st->word) || a->nwords != 2)
            continue;
        if (st->kind == SET_ONOFF) {
            if (strcmp(a->words[1], "on") && strcmp(a->words[1], "off"))
                break;
            return apply(s, a, st->key, !strcmp(a->words[1], "on") ? "1" : "0");
        }
        long years = number(a->words[1], 100);
        if (years < 1) {
            fprintf(stderr, "skein admin: %s wants a number of years (1-100)\n", st->word);
            return SK_EINVAL;
        }
        snprintf(val, sizeof val, "%ld", years);
        if (a->type)
            snprintf(key, sizeof key, "%s:%s", st->key, a->type);
        return apply(s, a, a->type ? key : st->key, val);
    }
    fputs(usage, stderr);
    return SK_EINVAL;
}

int cli_admin(int argc, char **argv)
{
    admin_args a;
    if (argc >= 2 && !strcmp(argv[1], "--help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (parse(argc, argv, &a)) {
        fputs(usage, stderr);
        return 2;
    }
    char err[1024];
    sk_store *s;
    sk_open_opts oo = {.flags = a.nwords ? 0 : SK_OPEN_RDONLY};
    if (sk_store_open(a.path, &oo, &s, err, sizeof err) != SK_OK) {
        fprintf(stderr, "skein: %s\n", err);
        return 1;
    }
    int rc = run(s, &a);
    sk_store_close(s);
    return rc == SK_EINVAL ? 2 : rc ? 1 : 0;
}
