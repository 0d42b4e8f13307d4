/*
 * cli_stats.c — `skein stats CASE [--format table|json]` and the shell's
 * `.stats`: counts per entity type and link type, sources, and the size
 * of the case file.
 */
#include "cli.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

static const char usage[] = "usage: skein stats CASE [--format table|json] [--space]\n";

/* Writes S (LEN bytes) as a JSON string body: quotes, backslashes and
 * control characters escaped, so odd type names cannot break the document. */
static void json_text(FILE *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
}

static void print_counts(sk_txn *t, enum sk_dict dict, const sk_count *c, size_t n,
                         bool json, FILE *out)
{
    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t len;
        if (sk_name_get(t, dict, c[i].sym, &name, &len) != SK_OK) {
            name = "?";
            len = 1;
        }
        if (json) {
            fprintf(out, "%s\"", i ? "," : "");
            json_text(out, name, len);
            fprintf(out, "\":%llu", (unsigned long long)c[i].n);
        } else {
            fprintf(out, "  %-24.*s %12llu\n", (int)len, name, (unsigned long long)c[i].n);
        }
    }
}

int cli_stats_print(sk_store *s, const char *path, bool json, FILE *out)
{
    sk_txn *t;
    sk_arena *a = sk_arena_new();
    sk_stats st;
    int rc = a ? sk_txn_begin(s, false, &t) : SK_ENOMEM;
    if (rc) {
        fprintf(stderr, "skein: %s\n", a ? sk_store_errmsg(s) : "out of memory");
        sk_arena_free(a);
        return rc;
    }
    rc = sk_stats_get(t, a, &st);
    if (rc) {
        fprintf(stderr, "skein: %s\n", sk_txn_errmsg(t));
    } else if (json) {
        fprintf(out, "{\"case\":\"");
        json_text(out, path, strlen(path));
        fprintf(out, "\",\"entities\":%llu,\"links\":%llu,\"sources\":%llu,"
                     "\"file_bytes\":%llu,\"entity_types\":{",
                (unsigned long long)st.entities, (unsigned long long)st.links,
                (unsigned long long)st.sources, (unsigned long long)st.file_bytes);
        print_counts(t, SK_DICT_ETYPE, st.etypes, st.n_etypes, true, out);
        fprintf(out, "},\"link_types\":{");
        print_counts(t, SK_DICT_LTYPE, st.ltypes, st.n_ltypes, true, out);
        fprintf(out, "}}\n");
    } else {
        fprintf(out, "case %s\n", path);
        fprintf(out, "entities %llu, links %llu, sources %llu, file %.1f MiB\n",
                (unsigned long long)st.entities, (unsigned long long)st.links,
                (unsigned long long)st.sources, st.file_bytes / 1048576.0);
        fprintf(out, "entity types:\n");
        print_counts(t, SK_DICT_ETYPE, st.etypes, st.n_etypes, false, out);
        fprintf(out, "link types:\n");
        print_counts(t, SK_DICT_LTYPE, st.ltypes, st.n_ltypes, false, out);
    }
    sk_txn_abort(t);
    sk_arena_free(a);
    fflush(out);
    return rc;
}

/* Where the file's bytes go: each database's pages, records and depth,
 * and per link, so that a case's size can be explained and compared with
 * docs/performance.md. */
static int print_space(sk_store *s, bool json, FILE *out)
{
    sk_txn *t;
    int rc = sk_txn_begin(s, false, &t);
    if (rc) {
        fprintf(stderr, "skein: %s\n", sk_store_errmsg(s));
        return rc;
    }
    sk_space sp[32];
    size_t n = 0;
    sk_space_total tot;
    sk_stats st;
    sk_arena *a = sk_arena_new();
    rc = a ? sk_store_space(t, sp, 32, &n, &tot) : SK_ENOMEM;
    if (!rc)
        rc = sk_stats_get(t, a, &st);
    if (rc) {
        fprintf(stderr, "skein: %s\n", a ? sk_txn_errmsg(t) : "out of memory");
    } else {
        double per = st.links ? (double)tot.page_size / (double)st.links : 0;
        if (json)
            fprintf(out, "{\"page_size\":%llu,\"used_pages\":%llu,\"free_pages\":%llu,"
                         "\"databases\":[",
                    (unsigned long long)tot.page_size, (unsigned long long)tot.used_pages,
                    (unsigned long long)tot.free_pages);
        else
            fprintf(out, "%-12s %12s %10s %6s %12s\n", "database", "records", "pages", "depth",
                    "bytes/link");
        for (size_t i = 0; i < n && i < 32; i++) {
            if (json)
                fprintf(out, "%s{\"name\":\"%s\",\"entries\":%llu,\"pages\":%llu,"
                             "\"depth\":%u}",
                        i ? "," : "", sp[i].name, (unsigned long long)sp[i].entries,
                        (unsigned long long)sp[i].pages, sp[i].depth);
            else
                fprintf(out, "%-12s %12llu %10llu %6u %12.1f\n", sp[i].name,
                        (unsigned long long)sp[i].entries, (unsigned long long)sp[i].pages,
                        sp[i].depth, (double)sp[i].pages * per);
        }
        if (json)
            fprintf(out, "]}\n");
        else
            fprintf(out, "%-12s %12s %10llu %6s %12.1f\n%-12s %12s %10llu %6s %12.1f\n",
                    "(other)", "", (unsigned long long)(tot.used_pages - tot.db_pages), "",
                    (double)(tot.used_pages - tot.db_pages) * per, "free list", "",
                    (unsigned long long)tot.free_pages, "", (double)tot.free_pages * per);
    }
    sk_txn_abort(t);
    sk_arena_free(a);
    return rc;
}

int cli_stats(int argc, char **argv)
{
    const char *path = NULL;
    bool json = false, space = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--space")) {
            space = true;
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            const char *f = argv[++i];
            if (!strcmp(f, "json"))
                json = true;
            else if (strcmp(f, "table") != 0) {
                fprintf(stderr, "skein stats: unknown format '%s' (table or json)\n", f);
                return 2;
            }
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (!path) {
        fputs(usage, stderr);
        return 2;
    }
    char err[512];
    sk_store *s;
    sk_open_opts o = {.flags = SK_OPEN_RDONLY};
    if (sk_store_open(path, &o, &s, err, sizeof err) != SK_OK) {
        fprintf(stderr, "skein: %s\n", err);
        return 1;
    }
    int rc = space ? print_space(s, json, stdout) : cli_stats_print(s, path, json, stdout);
    sk_store_close(s);
    return rc ? 1 : 0;
}
