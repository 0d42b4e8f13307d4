/*
 * skein-gen.c — command-line front of the POLE generator: writes a
 * generated case as CSV files into a directory.
 *
 *   skein-gen --persons N --out DIR [--seed S]
 *
 * One file per entity type (persons.csv, phones.csv, vehicles.csv,
 * locations.csv, events.csv: key, label, then the type's fields) and
 * links.csv (src_type, src_key, dst_type, dst_key, type, time, duration).
 * bench/README.md documents the columns. The same N and S always give
 * byte-identical files.
 */
#include "polegen.h"
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Output file of each entity type. */
static const char *const entity_files[SK_PG_N_ETYPES] = {
    [SK_PG_PERSON] = "persons.csv",
    [SK_PG_PHONE] = "phones.csv",
    [SK_PG_VEHICLE] = "vehicles.csv",
    [SK_PG_LOCATION] = "locations.csv",
    [SK_PG_EVENT] = "events.csv",
};
#define LINKS_FILE "links.csv"
#define OUT_BUFFER (1u << 20)

typedef struct gen_out {
    FILE *ent[SK_PG_N_ETYPES];
    FILE *links;
    char *bufs[SK_PG_N_ETYPES + 1];   /* stdio buffers, freed after fclose */
} gen_out;

/* Writes S as one CSV field, quoted only when it must be. */
static void put_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

static int on_entity(const sk_pg_entity *e, void *ctx)
{
    FILE *f = ((gen_out *)ctx)->ent[e->type];
    put_field(f, e->key);
    putc(',', f);
    put_field(f, e->label);
    for (size_t i = 0; i < e->nfields; i++) {
        putc(',', f);
        put_field(f, e->fields[i].text);
    }
    putc('\n', f);
    return ferror(f) ? SK_EIO : SK_OK;
}

static int on_link(const sk_pg_link *l, void *ctx)
{
    FILE *f = ((gen_out *)ctx)->links;
    char when[24] = "";
    if (l->time != SK_PG_NO_TIME)
        sk_pg_format_time(l->time, when);
    /* Keys, type names and times never hold a comma or a quote, so no
     * field here needs quoting; fputs is much cheaper than fprintf over
     * ten million lines. */
    const char *cols[] = {sk_pg_etype_name(l->src_type), l->src_key,
                          sk_pg_etype_name(l->dst_type), l->dst_key,
                          sk_pg_ltype_name(l->type), when};
    for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
        fputs(cols[i], f);
        putc(',', f);
    }
    if (l->duration >= 0)
        fprintf(f, "%" PRId64, l->duration);
    putc('\n', f);
    return ferror(f) ? SK_EIO : SK_OK;
}

/* Opens DIR/NAME for writing with a large buffer; NULL with a message on
 * failure. */
static FILE *open_out(const char *dir, const char *name, char **buf)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "skein-gen: cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    *buf = malloc(OUT_BUFFER);
    if (*buf)
        setvbuf(f, *buf, _IOFBF, OUT_BUFFER);
    return f;
}

static int open_all(const char *dir, gen_out *o)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "skein-gen: cannot create %s: %s\n", dir, strerror(errno));
        return SK_EIO;
    }
    for (int t = 0; t < SK_PG_N_ETYPES; t++) {
        o->ent[t] = open_out(dir, entity_files[t], &o->bufs[t]);
        if (!o->ent[t])
            return SK_EIO;
        const char *const *names;
        size_t n = sk_pg_field_names((sk_pg_etype)t, &names);
        fputs("key,label", o->ent[t]);
        for (size_t i = 0; i < n; i++)
            fprintf(o->ent[t], ",%s", names[i]);
        putc('\n', o->ent[t]);
    }
    o->links = open_out(dir, LINKS_FILE, &o->bufs[SK_PG_N_ETYPES]);
    if (!o->links)
        return SK_EIO;
    fputs("src_type,src_key,dst_type,dst_key,type,time,duration\n", o->links);
    return SK_OK;
}

/* Closes every file; SK_EIO when any write or close failed. */
static int close_all(gen_out *o)
{
    int rc = SK_OK;
    FILE *files[SK_PG_N_ETYPES + 1];
    memcpy(files, o->ent, sizeof(o->ent));
    files[SK_PG_N_ETYPES] = o->links;
    for (int i = 0; i <= SK_PG_N_ETYPES; i++) {
        if (files[i] && (ferror(files[i]) | fclose(files[i])))
            rc = SK_EIO;
        free(o->bufs[i]);
    }
    return rc;
}

/* Parses a count such as "100000", "100k" or "1M". */
static int parse_count(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return SK_EINVAL;
    uint64_t mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1000, end++;
    else if (*end == 'm' || *end == 'M')
        mul = 1000000, end++;
    if (*end || v > UINT64_MAX / mul)
        return SK_EINVAL;
    *out = v * mul;
    return SK_OK;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: skein-gen --persons N --out DIR [--seed S]\n"
               "  Writes a generated POLE case (persons, phones, vehicles, locations,\n"
               "  events and links) as CSV files into DIR. N may end in k or M.\n");
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void report(const sk_pg_counts *c, double secs)
{
    uint64_t ents = 0, links = 0;
    for (int t = 0; t < SK_PG_N_ETYPES; t++) {
        printf("%-10s %12" PRIu64 "\n", sk_pg_etype_name((sk_pg_etype)t), c->entities[t]);
        ents += c->entities[t];
    }
    for (int t = 0; t < SK_PG_N_LTYPES; t++) {
        printf("%-12s %10" PRIu64 "\n", sk_pg_ltype_name((sk_pg_ltype)t), c->links[t]);
        links += c->links[t];
    }
    printf("entities %" PRIu64 ", links %" PRIu64 ", max knows degree %" PRIu64
           ", %.1f s\n", ents, links, c->max_knows_degree, secs);
}

int main(int argc, char **argv)
{
    sk_pg_config cfg = {.persons = 0, .seed = 1};
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--persons") && v && !parse_count(v, &cfg.persons)) {
            i++;
        } else if (!strcmp(a, "--seed") && v && !parse_count(v, &cfg.seed)) {
            i++;
        } else if (!strcmp(a, "--out") && v) {
            out = v;
            i++;
        } else {
            fprintf(stderr, "skein-gen: bad or incomplete argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (!out || cfg.persons == 0) {
        usage(stderr);
        return 2;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    gen_out o = {0};
    int rc = open_all(out, &o);
    sk_pg_counts counts;
    char err[256] = "";
    if (!rc) {
        sk_pg_sink sink = {.entity = on_entity, .link = on_link, .ctx = &o};
        rc = sk_pg_generate(&cfg, &sink, &counts, err, sizeof(err));
        if (rc == SK_EIO)
            snprintf(err, sizeof(err), "writing into %s: %s", out, strerror(errno));
    }
    int crc = close_all(&o);
    if (!rc && crc) {
        rc = crc;
        snprintf(err, sizeof(err), "closing the files in %s: %s", out, strerror(errno));
    }
    if (rc) {
        if (*err)
            fprintf(stderr, "skein-gen: %s\n", err);
        return 1;
    }
    report(&counts, seconds_since(&t0));
    return 0;
}
