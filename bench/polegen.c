/*
 * polegen.c — the shape of a generated POLE case: how many entities of
 * each type, and which links join them.
 *
 * Per person, on average: 1.2 phones, 0.4 vehicles, 0.3 locations and
 * 0.05 events exist, and about ten links: uses 1.2, owns 0.4, lives_at 1,
 * knows 2.5, called 2.4, messaged 1, seen_at 1.5, party_to 0.15,
 * occurred_at 0.05.
 *
 * The knows graph grows by preferential attachment (Barabási–Albert, with
 * 1-4 links per newcomer and a fifth of the choices uniform), so its degree
 * distribution is heavy-tailed: at 10k persons the best-connected person
 * has hundreds of knows links, at 1M more than a thousand. Calls and
 * messages run along knows links picked uniformly, so a person calls in
 * proportion to the people they know; sightings favour a few busy
 * locations (cameras on main roads) and a few busy vehicles.
 *
 * Memory: 30-50 bytes per person (phone and vehicle offsets, the knows
 * edge list, knows degrees), all freed before sk_pg_generate returns.
 */
#include "polegen_int.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ends of each link type. */
static const struct {
    sk_pg_etype src, dst;
} link_ends[] = {
#define SK_PG_X(tag, name, s, d, directed, timed) [tag] = {s, d},
    SK_PG_LTYPES(SK_PG_X)
#undef SK_PG_X
};

/* Independent PRNG streams, one per phase. */
enum pg_phase {
    PHASE_PLAN = 1,
    PHASE_LIVES,
    PHASE_KNOWS,
    PHASE_CALLS,
    PHASE_SIGHTINGS,
    PHASE_EVENTS,
};

typedef struct pg_gen {
    uint64_t seed;
    const sk_pg_sink *sink;
    sk_pg_counts counts;
    uint64_t n[SK_PG_N_ETYPES];   /* entities of each type */
    uint32_t *phone_off;  /* person p uses phones [phone_off[p], phone_off[p+1]) */
    uint32_t *veh_off;    /* person p owns vehicles [veh_off[p], veh_off[p+1]) */
    uint32_t *ends;       /* knows edges as pairs: ends[2k], ends[2k+1] */
    uint64_t nends, capends;
    uint32_t *degree;     /* knows links per person */
} pg_gen;

static void set_err(char *errbuf, size_t errlen, const char *msg)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s", msg);
}

/* Emits one link of type T between entity indexes SI and DI. */
static int emit_link(pg_gen *g, sk_pg_ltype t, uint64_t si, uint64_t di, int64_t time,
                     int64_t duration)
{
    char sk[64], dk[64];
    pg_key(link_ends[t].src, si, sk);
    pg_key(link_ends[t].dst, di, dk);
    sk_pg_link l = {
        .type = t,
        .src_type = link_ends[t].src,
        .dst_type = link_ends[t].dst,
        .src_index = si,
        .dst_index = di,
        .src_key = sk,
        .dst_key = dk,
        .directed = sk_pg_ltype_directed(t),
        .time = time,
        .duration = duration,
    };
    g->counts.links[t]++;
    return g->sink->link(&l, g->sink->ctx);
}

/* Decides how many phones and vehicles each person has. */
static int plan(pg_gen *g, uint64_t persons)
{
    pg_rng r;
    pg_rng_seed(&r, g->seed, PHASE_PLAN, 0);
    g->phone_off = malloc((persons + 1) * sizeof(uint32_t));
    g->veh_off = malloc((persons + 1) * sizeof(uint32_t));
    g->degree = calloc(persons, sizeof(uint32_t));
    if (!g->phone_off || !g->veh_off || !g->degree)
        return SK_ENOMEM;
    uint64_t phones = 0, vehicles = 0;
    for (uint64_t p = 0; p < persons; p++) {
        g->phone_off[p] = (uint32_t)phones;
        g->veh_off[p] = (uint32_t)vehicles;
        phones += 1 + (pg_below(&r, 5) == 0);   /* 1.2 on average */
        uint64_t v = pg_below(&r, 1000);        /* 0.4 on average */
        vehicles += v < 350 ? 1 : v < 375 ? 2 : 0;
    }
    g->phone_off[persons] = (uint32_t)phones;
    g->veh_off[persons] = (uint32_t)vehicles;
    g->n[SK_PG_PERSON] = persons;
    g->n[SK_PG_PHONE] = phones;
    g->n[SK_PG_VEHICLE] = vehicles;
    g->n[SK_PG_LOCATION] = persons * 3 / 10 ? persons * 3 / 10 : 1;
    g->n[SK_PG_EVENT] = persons / 20 ? persons / 20 : 1;
    return SK_OK;
}

static int emit_entities(pg_gen *g)
{
    pg_ebuf b;
    sk_pg_entity e;
    for (int t = 0; t < SK_PG_N_ETYPES; t++) {
        for (uint64_t i = 0; i < g->n[t]; i++) {
            pg_entity_make(g->seed, (sk_pg_etype)t, i, &b, &e);
            g->counts.entities[t]++;
            int rc = g->sink->entity(&e, g->sink->ctx);
            if (rc)
                return rc;
        }
    }
    return SK_OK;
}

/* uses, owns and lives_at, person by person. */
static int person_links(pg_gen *g)
{
    pg_rng r;
    pg_rng_seed(&r, g->seed, PHASE_LIVES, 0);
    int rc = SK_OK;
    for (uint64_t p = 0; p < g->n[SK_PG_PERSON] && !rc; p++) {
        for (uint32_t k = g->phone_off[p]; k < g->phone_off[p + 1] && !rc; k++)
            rc = emit_link(g, SK_PG_USES, p, k, SK_PG_NO_TIME, -1);
        for (uint32_t k = g->veh_off[p]; k < g->veh_off[p + 1] && !rc; k++)
            rc = emit_link(g, SK_PG_OWNS, p, k, SK_PG_NO_TIME, -1);
        /* Some addresses house many (hostels, trap houses). */
        uint64_t home = pg_skewed(&r, g->n[SK_PG_LOCATION], 2);
        if (!rc)
            rc = emit_link(g, SK_PG_LIVES_AT, p, home, SK_PG_NO_TIME, -1);
    }
    return rc;
}

static int add_edge(pg_gen *g, uint32_t a, uint32_t b)
{
    if (g->nends + 2 > g->capends) {
        uint64_t cap = g->capends ? g->capends * 2 : 1024;
        uint32_t *p = realloc(g->ends, cap * sizeof(uint32_t));
        if (!p)
            return SK_ENOMEM;
        g->ends = p;
        g->capends = cap;
    }
    g->ends[g->nends++] = a;
    g->ends[g->nends++] = b;
    g->degree[a]++;
    g->degree[b]++;
    return SK_OK;
}

/* Preferential attachment: each newcomer links to 1-4 earlier persons,
 * four in five chosen in proportion to their degree (a uniform pick from
 * the list of edge ends), the rest uniformly. */
static int knows(pg_gen *g)
{
    pg_rng r;
    pg_rng_seed(&r, g->seed, PHASE_KNOWS, 0);
    for (uint64_t i = 1; i < g->n[SK_PG_PERSON]; i++) {
        uint32_t picks[4];
        uint64_t want = 1 + pg_below(&r, 4), np = 0;
        if (want > i)
            want = i;
        for (int tries = 0; np < want && tries < 32; tries++) {
            uint32_t t = (g->nends && pg_below(&r, 5) != 0)
                             ? g->ends[pg_below(&r, g->nends)]
                             : (uint32_t)pg_below(&r, i);
            bool dup = false;
            for (uint64_t k = 0; k < np; k++)
                dup |= picks[k] == t;
            if (!dup)
                picks[np++] = t;
        }
        for (uint64_t k = 0; k < np; k++) {
            int rc = add_edge(g, (uint32_t)i, picks[k]);
            if (!rc)
                rc = emit_link(g, SK_PG_KNOWS, i, picks[k], SK_PG_NO_TIME, -1);
            if (rc)
                return rc;
        }
    }
    for (uint64_t p = 0; p < g->n[SK_PG_PERSON]; p++)
        if (g->degree[p] > g->counts.max_knows_degree)
            g->counts.max_knows_degree = g->degree[p];
    return SK_OK;
}

/* A phone of person P. */
static uint64_t phone_of(const pg_gen *g, pg_rng *r, uint32_t p)
{
    uint32_t lo = g->phone_off[p], n = g->phone_off[p + 1] - lo;
    return lo + pg_below(r, n);
}

/* Calls (2.4 per person) and messages (1 per person) along knows links. */
static int calls(pg_gen *g)
{
    if (g->nends == 0)
        return SK_OK;
    pg_rng r;
    pg_rng_seed(&r, g->seed, PHASE_CALLS, 0);
    uint64_t persons = g->n[SK_PG_PERSON];
    uint64_t ncalls = persons * 12 / 5, nmsgs = persons;
    for (uint64_t c = 0; c < ncalls + nmsgs; c++) {
        uint64_t e = pg_below(&r, g->nends / 2), flip = pg_below(&r, 2);
        uint32_t a = g->ends[2 * e + flip], b = g->ends[2 * e + 1 - flip];
        uint64_t pa = phone_of(g, &r, a), pb = phone_of(g, &r, b);
        int64_t t = pg_time_in_month(&r);
        int rc;
        if (c < ncalls)   /* mostly short calls, a few of up to half an hour */
            rc = emit_link(g, SK_PG_CALLED, pa, pb, t, 3 + (int64_t)pg_skewed(&r, 1800, 3));
        else
            rc = emit_link(g, SK_PG_MESSAGED, pa, pb, t, -1);
        if (rc)
            return rc;
    }
    return SK_OK;
}

/* ANPR-style sightings: 1.5 per person. */
static int sightings(pg_gen *g)
{
    uint64_t nveh = g->n[SK_PG_VEHICLE], nloc = g->n[SK_PG_LOCATION];
    if (nveh == 0)
        return SK_OK;
    pg_rng r;
    pg_rng_seed(&r, g->seed, PHASE_SIGHTINGS, 0);
    uint64_t n = g->n[SK_PG_PERSON] * 3 / 2;
    for (uint64_t s = 0; s < n; s++) {
        uint64_t v = pg_skewed(&r, nveh, 2), l = pg_skewed(&r, nloc, 3);
        int rc = emit_link(g, SK_PG_SEEN_AT, v, l, pg_time_in_month(&r), -1);
        if (rc)
            return rc;
    }
    return SK_OK;
}

/* Each event has 1-5 distinct parties and one place. */
static int events(pg_gen *g)
{
    pg_rng r;
    pg_rng_seed(&r, g->seed, PHASE_EVENTS, 0);
    uint64_t persons = g->n[SK_PG_PERSON];
    for (uint64_t e = 0; e < g->n[SK_PG_EVENT]; e++) {
        int64_t t = pg_event_time(g->seed, e);
        uint64_t parties[5], want = 1 + pg_below(&r, 5), np = 0;
        if (want > persons)
            want = persons;
        while (np < want) {
            uint64_t p = pg_below(&r, persons);
            bool dup = false;
            for (uint64_t k = 0; k < np; k++)
                dup |= parties[k] == p;
            if (!dup)
                parties[np++] = p;
        }
        int rc = SK_OK;
        for (uint64_t k = 0; k < np && !rc; k++)
            rc = emit_link(g, SK_PG_PARTY_TO, parties[k], e, t, -1);
        if (!rc)
            rc = emit_link(g, SK_PG_OCCURRED_AT, e,
                           pg_skewed(&r, g->n[SK_PG_LOCATION], 2), t, -1);
        if (rc)
            return rc;
    }
    return SK_OK;
}

int sk_pg_generate(const sk_pg_config *cfg, const sk_pg_sink *sink,
                   sk_pg_counts *counts, char *errbuf, size_t errlen)
{
    if (cfg->persons < 1 || cfg->persons > SK_PG_MAX_PERSONS) {
        char msg[96];
        snprintf(msg, sizeof(msg), "persons must be between 1 and %u", SK_PG_MAX_PERSONS);
        set_err(errbuf, errlen, msg);
        return SK_EINVAL;
    }
    pg_gen g = {.seed = cfg->seed, .sink = sink};
    int rc = plan(&g, cfg->persons);
    if (!rc)
        rc = emit_entities(&g);
    if (!rc)
        rc = person_links(&g);
    if (!rc)
        rc = knows(&g);
    if (!rc)
        rc = calls(&g);
    if (!rc)
        rc = sightings(&g);
    if (!rc)
        rc = events(&g);
    if (rc == SK_ENOMEM)
        set_err(errbuf, errlen, "out of memory generating the case");
    if (counts)
        *counts = g.counts;
    free(g.phone_off);
    free(g.veh_off);
    free(g.ends);
    free(g.degree);
    return rc;
}
