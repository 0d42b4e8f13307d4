/*
 * bench_workload.c — the workload every part asks about, drawn from the
 * case: seed persons, person pairs, the best-connected person and the
 * busiest vehicle.
 *
 * The workload is a pure function of the case: the same case gives the
 * same seeds, pairs, hub and vehicle on every run and machine (a fixed
 * splitmix64 stream over persons in id order), so figures of different
 * runs answer the same questions.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Ids of every entity of TYPE, in id order, into a malloc'd array. */
static int ids_of(sk_txn *t, sk_sym type, sk_id **out, size_t *n)
{
    sk_idcur *c;
    int rc = sk_scan_type(t, type, &c);
    if (rc)
        return rc;
    size_t cap = 1024, k = 0;
    sk_id *v = malloc(cap * sizeof *v), id;
    while (v && (rc = sk_idcur_next(c, &id)) == SK_OK) {
        if (k == cap) {
            sk_id *p = realloc(v, (cap *= 2) * sizeof *v);
            if (!p) {
                free(v);
                v = NULL;
                break;
            }
            v = p;
        }
        v[k++] = id;
    }
    sk_idcur_close(c);
    if (!v)
        return SK_ENOMEM;
    *out = v;
    *n = k;
    return rc == SK_DONE ? SK_OK : rc;
}

/* The entity of IDS with the most links of LTYPE (DIRMASK), and that count. */
static int busiest(sk_txn *t, const sk_id *ids, size_t n, sk_sym ltype, unsigned dirmask,
                   sk_id *best, uint64_t *most)
{
    sk_adjcur *c;
    int rc = sk_adj_open(t, n ? ids[0] : 1, ltype, dirmask, &c);
    if (rc)
        return rc;
    *best = 0;
    *most = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = sk_adj_seek(c, ids[i], ltype, dirmask);
        uint64_t k = 0;
        sk_adj a;
        while (!rc && (rc = sk_adj_next(c, &a)) == SK_OK)
            k++;
        if (rc == SK_DONE)
            rc = SK_OK;
        if (k > *most) {
            *most = k;
            *best = ids[i];
        }
    }
    sk_adj_close(c);
    return rc;
}

static int names(sk_txn *t, bench_workload *w)
{
    struct {
        enum sk_dict d;
        const char *name;
        sk_sym *out;
    } want[] = {
        {SK_DICT_ETYPE, "person", &w->person},  {SK_DICT_ETYPE, "phone", &w->phone},
        {SK_DICT_ETYPE, "vehicle", &w->vehicle}, {SK_DICT_ETYPE, "location", &w->location},
        {SK_DICT_LTYPE, "knows", &w->knows},    {SK_DICT_LTYPE, "owns", &w->owns},
        {SK_DICT_LTYPE, "seen_at", &w->seen_at},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int rc = sk_name_intern(t, want[i].d, want[i].name, strlen(want[i].name), false,
                                want[i].out);
        if (rc) {
            fprintf(stderr, "workload: the case has no '%s'\n", want[i].name);
            return rc;
        }
    }
    return SK_OK;
}

static int pick(sk_txn *t, bench_workload *w)
{
    int rc = names(t, w);
    sk_id *persons = NULL, *vehicles = NULL, *all = NULL;
    size_t np = 0, nv = 0, na = 0;
    if (!rc)
        rc = ids_of(t, w->person, &persons, &np);
    if (!rc)
        rc = ids_of(t, w->vehicle, &vehicles, &nv);
    if (!rc)
        rc = ids_of(t, 0, &all, &na);
    if (!rc && np < 2)
        rc = SK_EINVAL;
    if (!rc) {
        w->max_entity = na ? all[na - 1] : 0;
        uint64_t st = 42;
        for (int i = 0; i < BENCH_SEEDS; i++) {
            w->seeds[i] = persons[splitmix64(&st) % np];
            w->pairs[i][0] = persons[splitmix64(&st) % np];
            do
                w->pairs[i][1] = persons[splitmix64(&st) % np];
            while (w->pairs[i][1] == w->pairs[i][0]);
        }
        rc = busiest(t, persons, np, w->knows, SK_DIR_ANY, &w->hub, &w->hub_degree);
    }
    if (!rc)
        rc = busiest(t, vehicles, nv, w->seen_at, SK_DIR_OUT, &w->busy_vehicle,
                     &w->busy_sightings);
    if (!rc) {
        sk_arena *a = sk_arena_new();
        sk_stats st;
        rc = a ? sk_stats_get(t, a, &st) : SK_ENOMEM;
        if (!rc) {
            w->entities = st.entities;
            w->links = st.links;
        }
        sk_arena_free(a);
    }
    free(persons);
    free(vehicles);
    free(all);
    return rc;
}

int bench_workload_pick(sk_store *s, bench_workload *w)
{
    *w = (bench_workload){0};
    sk_txn *t;
    int rc = sk_txn_begin(s, false, &t);
    if (!rc) {
        rc = pick(t, w);
        sk_txn_abort(t);
    }
    if (rc)
        fprintf(stderr, "workload: %s\n", sk_strerror(rc));
    return rc;
}

int bench_open_case(const bench_case *bc, sk_store **out)
{
    char err[512];
    sk_open_opts o = {0};
    int rc = sk_store_open(bc->path, &o, out, err, sizeof err);
    if (rc)
        fprintf(stderr, "%s\n", err);
    return rc;
}
