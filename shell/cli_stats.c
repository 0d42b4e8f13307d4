/*
 * cli_stats.c — `skein stats CASE [--format table|json]`: counts per entity
 * type and link type, sources, and the size of the case file.
 */
#include "cli.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

static void print_counts(sk_txn *t, enum sk_dict dict, const sk_count *c, size_t n,
                         bool json)
{
    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t len;
        if (sk_name_get(t, dict, c[i].sym, &name, &len) != SK_OK) {
            name = "?";
            len = 1;
        }
        if (json)
            printf("%s\"%.*s\":%llu", i ? "," : "", (int)len, name,
                   (unsigned long long)c[i].n);
        else
            printf("  %-24.*s %12llu\n", (int)len, name, (unsigned long long)c[i].n);
    }
}

int cli_stats(int argc, char **argv)
{
    const char *path = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
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
            fprintf(stderr, "usage: skein stats CASE [--format table|json]\n");
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: skein stats CASE [--format table|json]\n");
        return 2;
    }
    char err[512];
    sk_store *s;
    sk_open_opts o = {.flags = SK_OPEN_RDONLY};
    if (sk_store_open(path, &o, &s, err, sizeof err) != SK_OK) {
        fprintf(stderr, "skein: %s\n", err);
        return 1;
    }
    sk_txn *t;
    sk_arena *a = sk_arena_new();
    sk_stats st;
    int rc = a ? sk_txn_begin(s, false, &t) : SK_ENOMEM;
    if (rc) {
        fprintf(stderr, "skein: %s\n", a ? sk_store_errmsg(s) : "out of memory");
        sk_arena_free(a);
        sk_store_close(s);
        return 1;
    }
    rc = sk_stats_get(t, a, &st);
    if (rc) {
        fprintf(stderr, "skein: %s\n", sk_txn_errmsg(t));
    } else if (json) {
        printf("{\"case\":\"%s\",\"entities\":%llu,\"links\":%llu,\"sources\":%llu,"
               "\"file_bytes\":%llu,\"entity_types\":{",
               path, (unsigned long long)st.entities, (unsigned long long)st.links,
               (unsigned long long)st.sources, (unsigned long long)st.file_bytes);
        print_counts(t, SK_DICT_ETYPE, st.etypes, st.n_etypes, true);
        printf("},\"link_types\":{");
        print_counts(t, SK_DICT_LTYPE, st.ltypes, st.n_ltypes, true);
        printf("}}\n");
    } else {
        printf("case %s\n", path);
        printf("entities %llu, links %llu, sources %llu, file %.1f MiB\n",
               (unsigned long long)st.entities, (unsigned long long)st.links,
               (unsigned long long)st.sources, st.file_bytes / 1048576.0);
        printf("entity types:\n");
        print_counts(t, SK_DICT_ETYPE, st.etypes, st.n_etypes, false);
        printf("link types:\n");
        print_counts(t, SK_DICT_LTYPE, st.ltypes, st.n_ltypes, false);
    }
    sk_txn_abort(t);
    sk_arena_free(a);
    sk_store_close(s);
    return rc ? 1 : 0;
}
