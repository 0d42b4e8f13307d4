/*
 * bench_store.c — the store benchmark: a generated POLE case inserted one
 * entity and one link at a time through the public API (every index
 * maintained), then key lookups, link reads by id, adjacency scans from a
 * warm map, and the bytes the case takes on disk per link.
 *
 * Inserts are committed every BATCH operations, as an import of many files
 * would be, or all in one transaction, or in one bulk-mode transaction
 * (sk_txn_bulk: indexes sorted and appended at commit); the figure is links
 * per second over the whole link phase, commit included, in wall time and
 * in CPU time of this thread.
 *
 * That figure includes the benchmark's own work: generating each link and
 * mapping its ends' generator indexes to store ids (cache misses at 1M
 * persons). The "links pre-generated" loads take the generator out: the
 * links are generated and resolved to store ids first, kept as 24-byte
 * entries, and only the sk_link_create calls and the commit are timed —
 * the store's own insert rate.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 200000
#define LOOKUPS 200000

/* A link resolved to store ids, before the clock starts: 24 bytes, so 10M
 * links take 240 MB. Ids are at most 2^40 (store.h). */
typedef struct pre_link {
    int64_t t_start;         /* SK_NO_TIME when untimed */
    uint32_t dur;            /* t_end - t_start */
    uint8_t src[5], dst[5];  /* little-endian ids */
    uint8_t type;            /* generator link type */
    uint8_t directed;
} pre_link;

typedef struct load_mode {
    const char *what;        /* the figures' label */
    uint64_t batch;          /* operations per transaction */
    bool bulk;               /* sk_txn_bulk */
    bool pregen;             /* links generated before the clock starts */
    bool keep;               /* run the read benchmarks on the case */
    bool compact;            /* report the bytes per link after sk_store_compact */
} load_mode;

typedef struct load_ctx {
    sk_store *s;
    sk_txn *t;
    sk_sym etype[SK_PG_N_ETYPES];
    sk_sym ltype[SK_PG_N_LTYPES];
    sk_id *ids[SK_PG_N_ETYPES];     /* generator index → store id */
    size_t cap[SK_PG_N_ETYPES];
    uint64_t ops, links, entities;
    char **sample_keys;             /* person keys kept for lookups */
    size_t nsample;
    double t_links_start, cpu_links_start;
    uint64_t batch;                 /* operations per transaction */
    pre_link *pre;                  /* pregen: the links, resolved */
    size_t npre, cappre;
    int rc;
} load_ctx;

static int cycle(load_ctx *c)
{
    if (++c->ops % c->batch)
        return SK_OK;
    int rc = sk_txn_commit(c->t);
    c->t = NULL;
    if (!rc)
        rc = sk_txn_begin(c->s, true, &c->t);
    return rc;
}

static sk_sym intern(sk_txn *t, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    sk_name_intern(t, d, name, strlen(name), true, &s);
    return s;
}

static int on_entity(const sk_pg_entity *e, void *ctx)
{
    load_ctx *c = ctx;
    if (e->index >= c->cap[e->type]) {
        size_t cap = c->cap[e->type] ? c->cap[e->type] * 2 : 1024;
        while (cap <= e->index)
            cap *= 2;
        sk_id *p = realloc(c->ids[e->type], cap * sizeof *p);
        if (!p)
            return SK_ENOMEM;
        c->ids[e->type] = p;
        c->cap[e->type] = cap;
    }
    sk_entity_in in = {.type = c->etype[e->type], .key = e->key, .label = e->label};
    sk_id id;
    int rc = sk_entity_create(c->t, &in, &id);
    if (rc) {
        fprintf(stderr, "entity %s: %s\n", e->key, sk_txn_errmsg(c->t));
        return rc;
    }
    c->ids[e->type][e->index] = id;
    c->entities++;
    if (e->type == SK_PG_PERSON && c->nsample < LOOKUPS && e->index % 3 == 0)
        c->sample_keys[c->nsample++] = strdup(e->key);
    return cycle(c);
}

static void id5_put(uint8_t *p, sk_id id)
{
    for (int i = 0; i < 5; i++)
        p[i] = (uint8_t)(id >> (8 * i));
}

static sk_id id5_get(const uint8_t *p)
{
    sk_id id = 0;
    for (int i = 5; i-- > 0;)
        id = id << 8 | p[i];
    return id;
}

/* pregen: keeps the link, resolved to store ids, for later. */
static int keep_link(const sk_pg_link *l, void *ctx)
{
    load_ctx *c = ctx;
    if (c->npre == c->cappre) {
        size_t cap = c->cappre ? c->cappre * 2 : (size_t)1 << 16;
        pre_link *p = realloc(c->pre, cap * sizeof *p);
        if (!p)
            return SK_ENOMEM;
        c->pre = p;
        c->cappre = cap;
    }
    int64_t dur = l->duration > 0 ? l->duration : 0;
    if (dur > UINT32_MAX || l->type > UINT8_MAX)
        return SK_ELIMIT;
    pre_link *p = &c->pre[c->npre++];
    *p = (pre_link){
        .t_start = l->time == SK_PG_NO_TIME ? SK_NO_TIME : l->time,
        .dur = l->time == SK_PG_NO_TIME ? 0 : (uint32_t)dur,
        .type = (uint8_t)l->type,
        .directed = l->directed,
    };
    id5_put(p->src, c->ids[l->src_type][l->src_index]);
    id5_put(p->dst, c->ids[l->dst_type][l->dst_index]);
    return SK_OK;
}

/* Creates link IN, counts it and commits every batch (cycle). */
static int create_link(load_ctx *c, const sk_link_in *in)
{
    sk_id id;
    int rc = sk_link_create(c->t, in, &id);
    if (rc) {
        fprintf(stderr, "link: %s\n", sk_txn_errmsg(c->t));
        return rc;
    }
    c->links++;
    return cycle(c);
}

/* pregen: creates the kept links; the clock starts here. */
static int create_kept(load_ctx *c)
{
    c->t_links_start = bench_now();
    c->cpu_links_start = bench_cpu_now();
    for (size_t i = 0; i < c->npre; i++) {
        const pre_link *p = &c->pre[i];
        sk_link_in in = {
            .src = id5_get(p->src),
            .dst = id5_get(p->dst),
            .type = c->ltype[p->type],
            .directed = p->directed,
            .t_start = p->t_start,
            .t_end = p->t_start == SK_NO_TIME ? SK_NO_TIME : p->t_start + p->dur,
        };
        int rc = create_link(c, &in);
        if (rc)
            return rc;
    }
    return SK_OK;
}

static int on_link(const sk_pg_link *l, void *ctx)
{
    load_ctx *c = ctx;
    if (c->links == 0) {
        c->t_links_start = bench_now();
        c->cpu_links_start = bench_cpu_now();
    }
    sk_link_in in = {
        .src = c->ids[l->src_type][l->src_index],
        .dst = c->ids[l->dst_type][l->dst_index],
        .type = c->ltype[l->type],
        .directed = l->directed,
        .t_start = l->time == SK_PG_NO_TIME ? SK_NO_TIME : l->time,
        .t_end = l->time == SK_PG_NO_TIME ? SK_NO_TIME
                 : l->time + (l->duration > 0 ? l->duration : 0),
    };
    return create_link(c, &in);
}

static void scan_adjacency(bench_case *bc, sk_store *s)
{
    sk_txn *t;
    if (sk_txn_begin(s, false, &t))
        return;
    uint64_t n = 0;
    double t0 = bench_now(), c0 = bench_cpu_now();
    /* Two passes: the first warms the map, the second is measured. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            n = 0;
            t0 = bench_now();
            c0 = bench_cpu_now();
        }
        sk_adjcur *cur;
        if (sk_adj_open(t, 1, 0, SK_DIR_ANY, &cur))
            break;
        for (sk_id id = 1; id <= bc->entities; id++) {
            if (sk_adj_seek(cur, id, 0, SK_DIR_ANY))
                break;
            sk_adj a;
            while (sk_adj_next(cur, &a) == SK_OK)
                n++;
        }
        sk_adj_close(cur);
    }
    double dt = bench_now() - t0, dc = bench_cpu_now() - c0;
    bench_figure("adjacency scan (warm, all entities)", n / dt / 1e6, "M links/s");
    bench_figure("adjacency scan (warm, all entities), CPU", n / dc / 1e6, "M links/s");
    sk_txn_abort(t);
}

static void key_lookups(load_ctx *c)
{
    sk_txn *t;
    if (sk_txn_begin(c->s, false, &t))
        return;
    double t0 = bench_now(), c0 = bench_cpu_now();
    size_t found = 0;
    for (int rep = 0; rep < 2; rep++)
        for (size_t i = 0; i < c->nsample; i++) {
            sk_id id;
            found += sk_entity_by_key(t, c->etype[SK_PG_PERSON], c->sample_keys[i],
                                      strlen(c->sample_keys[i]), &id) == SK_OK;
        }
    double dt = bench_now() - t0, dc = bench_cpu_now() - c0;
    bench_figure("key lookup (person name, normalised)", dt / (2.0 * c->nsample) * 1e6, "us");
    bench_figure("key lookup (person name, normalised), CPU", dc / (2.0 * c->nsample) * 1e6,
                 "us");
    if (found != 2 * c->nsample)
        fprintf(stderr, "warning: %zu of %zu lookups failed\n", 2 * c->nsample - found,
                2 * c->nsample);
    sk_txn_abort(t);
}

/* Reads LOOKUPS links by id, in a scattered order (a multiplicative step
 * through the ids), twice: the figure is the second pass, from a warm map. */
static void link_gets(load_ctx *c)
{
    sk_txn *t;
    if (!c->links || sk_txn_begin(c->s, false, &t))
        return;
    sk_arena *a = sk_arena_new();
    double t0 = 0, c0 = 0;
    size_t found = 0;
    for (int pass = 0; pass < 2 && a; pass++) {
        t0 = bench_now();
        c0 = bench_cpu_now();
        found = 0;
        for (uint64_t i = 0; i < LOOKUPS; i++) {
            sk_id id = 1 + (i * 2654435761u) % c->links;
            sk_link l;
            found += sk_link_get(t, id, a, &l) == SK_OK;
            if ((i & 255) == 255)
                sk_arena_reset(a);
        }
    }
    double dt = bench_now() - t0, dc = bench_cpu_now() - c0;
    bench_figure("link get (by id, scattered)", dt / LOOKUPS * 1e6, "us");
    bench_figure("link get (by id, scattered), CPU", dc / LOOKUPS * 1e6, "us");
    if (found != LOOKUPS)
        fprintf(stderr, "warning: %zu of %d link gets failed\n", LOOKUPS - found, LOOKUPS);
    sk_arena_free(a);
    sk_txn_abort(t);
}

/* Where the bytes went: pages of each database per link, the duplicate
 * sub-trees LMDB does not assign to a database, and the free list. */
static void space_report(sk_store *s, uint64_t links)
{
    sk_txn *t;
    if (sk_txn_begin(s, false, &t))
        return;
    sk_space sp[32];
    size_t n;
    sk_space_total tot;
    if (sk_store_space(t, sp, 32, &n, &tot) == SK_OK) {
        char line[512];
        int at = snprintf(line, sizeof line, "bytes per link:");
        double per = (double)tot.page_size / (double)links;
        for (size_t i = 0; i < n && i < 32 && at < (int)sizeof line; i++)
            if (sp[i].pages * per >= 0.5)
                at += snprintf(line + at, sizeof line - (size_t)at, " %s %.1f", sp[i].name,
                               sp[i].pages * per);
        bench_note("%s; duplicate sub-trees and LMDB's own %.1f, free list %.1f", line,
                   (double)(tot.used_pages - tot.db_pages - tot.free_pages) * per,
                   (double)tot.free_pages * per);
    }
    sk_txn_abort(t);
}

/* The file's bytes per link after sk_store_compact (the free pages of
 * the load given back). */
static void compact_report(load_ctx *c, const char *what)
{
    double t0 = bench_now();
    int rc = sk_store_compact(c->s);
    if (rc) {
        fprintf(stderr, "compact: %s %s\n", sk_strerror(rc), sk_store_errmsg(c->s));
        return;
    }
    char label[160];
    snprintf(label, sizeof label, "%s: bytes on disk per link after sk_store_compact", what);
    bench_figure(label, (double)sk_store_file_size(c->s) / c->links, "B");
    bench_note("compact took %.1f s", bench_now() - t0);
    space_report(c->s, c->links);
}

/* Loads the generated case into a new store as M says. The case is left
 * at bc->path either way. */
static int load(bench_case *bc, const load_mode *m)
{
    load_ctx c = {.batch = m->batch};
    char err[512];
    /* A map big enough for 1M persons: plain transactions do not grow it. */
    sk_open_opts o = {.flags = SK_OPEN_CREATE, .map_size = (size_t)64 << 30};
    remove(bc->path);
    char lock[1100];
    snprintf(lock, sizeof lock, "%s-lock", bc->path);
    remove(lock);
    if (sk_store_open(bc->path, &o, &c.s, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    c.sample_keys = calloc(LOOKUPS, sizeof *c.sample_keys);
    int rc = sk_txn_begin(c.s, true, &c.t);
    if (!rc && m->bulk && (rc = sk_txn_bulk(c.t)) != SK_OK)
        fprintf(stderr, "bulk: %s\n", sk_txn_errmsg(c.t));
    for (int i = 0; !rc && i < SK_PG_N_ETYPES; i++)
        c.etype[i] = intern(c.t, SK_DICT_ETYPE, sk_pg_etype_name(i));
    for (int i = 0; !rc && i < SK_PG_N_LTYPES; i++)
        c.ltype[i] = intern(c.t, SK_DICT_LTYPE, sk_pg_ltype_name(i));
    sk_pg_config cfg = {.persons = bc->persons, .seed = 1};
    sk_pg_sink sink = {on_entity, m->pregen ? keep_link : on_link, &c};
    double t0 = bench_now();
    if (!rc)
        rc = sk_pg_generate(&cfg, &sink, NULL, err, sizeof err);
    if (!rc && m->pregen)
        rc = create_kept(&c);
    if (!rc)
        rc = sk_txn_commit(c.t);
    else
        sk_txn_abort(c.t);
    double t1 = bench_now(), cpu1 = bench_cpu_now();
    free(c.pre);
    if (rc) {
        fprintf(stderr, "insert failed: %s %s\n", sk_strerror(rc), sk_store_errmsg(c.s));
        return 1;
    }
    bc->entities = c.entities;
    bc->links = c.links;
    char label[160];
    const char *what = m->what;
    snprintf(label, sizeof label, "%s: links phase", what);
    bench_figure(label, c.links / (t1 - c.t_links_start) / 1e3, "k links/s");
    snprintf(label, sizeof label, "%s: links phase, CPU", what);
    bench_figure(label, c.links / (cpu1 - c.cpu_links_start) / 1e3, "k links/s");
    if (!m->pregen) {
        snprintf(label, sizeof label, "%s: whole case", what);
        bench_figure(label, c.links / (t1 - t0) / 1e3, "k links/s");
    }
    uint64_t bytes = sk_store_file_size(c.s);
    snprintf(label, sizeof label, "%s: bytes on disk per link", what);
    bench_figure(label, (double)bytes / c.links, "B");
    space_report(c.s, c.links);
    if (m->compact)
        compact_report(&c, what);
    if (m->keep) {
        bench_figure("entities", (double)c.entities, "");
        bench_figure("links", (double)c.links, "");
        key_lookups(&c);
        link_gets(&c);
        scan_adjacency(bc, c.s);
    }
    for (size_t i = 0; i < c.nsample; i++)
        free(c.sample_keys[i]);
    free(c.sample_keys);
    for (int i = 0; i < SK_PG_N_ETYPES; i++)
        free(c.ids[i]);
    sk_store_close(c.s);
    return 0;
}

int bench_store(bench_case *bc)
{
    static const load_mode modes[] = {
        /* Commits every BATCH operations, like a series of imports. */
        {"insert one by one, 200k per commit", BATCH, false, false, false, false},
        /* One bulk-mode transaction into the new case, as an import runs. */
        {"bulk (sk_txn_bulk), one transaction", UINT64_MAX, true, false, true, false},
        /* The same, the store alone: sk_link_create calls and commit. */
        {"bulk (sk_txn_bulk), links pre-generated (store only)", UINT64_MAX, true, true,
         false, false},
        /* One plain transaction, the store alone, then compacted. */
        {"insert one by one, one transaction, links pre-generated (store only)", UINT64_MAX,
         false, true, false, true},
        /* One transaction, like one import into a new case; this case stays
         * for the parts that read it. */
        {"insert one by one, one transaction", UINT64_MAX, false, false, true, false},
    };
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof modes / sizeof modes[0]; i++)
        rc = load(bc, &modes[i]);
    return rc;
}
