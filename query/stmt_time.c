/*
 * stmt_time.c — the stages that read the case along time: timeline (the
 * dated links of some entities in order, with the gaps between them),
 * colocated (who was seen at the same places as REF at about the same
 * times) and convoy (who passed the same places as REF in the same order).
 *
 * Sightings. A sighting of an entity is one of its timed links whose other
 * end is a place: an entity of type location, camera, cell, address or site
 * (PLACE_TYPES). Its time is the link's start time, from the adjacency
 * record, so no link record is read to find sightings.
 *
 * Matching others to REF's sightings reads each place REF was seen at once:
 * its whole adjacency range (20-byte records, no link record decoded),
 * keeping the timed entries within the tolerance of one of REF's times at
 * that place (binary search in REF's sorted times); REF's repeated reads
 * at one place within the tolerance count as one stop. The cost is the degree
 * of the places REF visited, not the size of the case or of the time index,
 * which is what lets a month of ANPR reads for 100k vehicles answer fast.
 *
 * Determinism: every list is sorted on a total order (time, then ids)
 * before it becomes rows, so the same case prints the same rows.
 */
#include "exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Entity types a sighting's other end may have. */
static const char *const PLACE_TYPES[] = {"location", "camera", "cell", "address", "site"};
#define NPLACE_TYPES (sizeof PLACE_TYPES / sizeof PLACE_TYPES[0])

/* Defaults of the clauses (docs/query-analysis.md). */
#define COLOCATED_WITHIN (10 * 60)
#define CONVOY_WITHIN (5 * 60)
#define CONVOY_MIN 3
/* Places named in a convoy's route column before it is shortened. */
#define ROUTE_MAX 8
/* Evidence strings in a colocated row. */
#define EVIDENCE_MAX 3

/* ---- Small helpers ------------------------------------------------------ */

/* A table builder has no free function of its own: finishing it into a
 * throw-away result releases it on an error path. */
static int tb_drop(sk_tbuild *b, int rc)
{
    sk_result junk;
    if (b)
        sk_tb_finish(b, &junk);
    return rc;
}

/* ISO 8601 text of T in its original offset OFF (minutes). */
static void fmt_time(char *buf, size_t cap, int64_t t, int16_t off)
{
    int64_t s = t + (int64_t)off * 60;
    int64_t days = s / 86400, rem = s % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    /* Civil date from days since 1970 (Howard Hinnant's algorithm). */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    long long y = (long long)(yoe + era * 400 + (m <= 2));
    char zone[8] = "Z";
    if (off)
        snprintf(zone, sizeof zone, "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 60,
                 abs(off) % 60);
    snprintf(buf, cap, "%04lld-%02d-%02dT%02d:%02d:%02d%s", y, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60), zone);
}

/* A duration as an analyst reads it: "2d 3h 4m 5s", zero parts left out. */
static void fmt_gap(char *buf, size_t cap, int64_t secs)
{
    static const struct { int64_t s; char unit; } parts[] = {
        {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < 4 && n + 1 < cap; i++) {
        int64_t k = secs / parts[i].s;
        secs %= parts[i].s;
        if (k)
            n += (size_t)snprintf(buf + n, cap - n, "%s%lld%c", n ? " " : "", (long long)k,
                                  parts[i].unit);
    }
    if (!buf[0])
        snprintf(buf, cap, "0s");
}

static sk_value id_value(sk_id id)
{
    return (sk_value){.type = SK_V_ID, .u.i = (int64_t)id};
}

static sk_value text_value(sk_exec *x, const char *s)
{
    return sk_exec_str(x, s, strlen(s));
}

/* A growable array of fixed-size items (malloc). */
typedef struct vec {
    void *v;
    size_t n, cap, size;
} vec;

static void *vec_push(vec *a)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        void *p = realloc(a->v, cap * a->size);
        if (!p)
            return NULL;
        a->v = p;
        a->cap = cap;
    }
    return (char *)a->v + a->n++ * a->size;
}

/* Index sorting through sk_sort_ix with a plain comparison of items. */
typedef struct by_items {
    const void *base;
    size_t size;
    int (*cmp)(const void *, const void *);
} by_items;

static int items_cmp(void *ctx, size_t a, size_t b)
{
    const by_items *o = ctx;
    return o->cmp((const char *)o->base + a * o->size, (const char *)o->base + b * o->size);
}

/* Sorts A in place (stable) by CMP. */
static int vec_sort(vec *a, int (*cmp)(const void *, const void *))
{
    if (a->n < 2)
        return SK_OK;
    size_t *ix = malloc(a->n * sizeof *ix);
    char *copy = malloc(a->n * a->size);
    if (!ix || !copy) {
        free(ix);
        free(copy);
        return SK_ENOMEM;
    }
    for (size_t i = 0; i < a->n; i++)
        ix[i] = i;
    by_items o = {a->v, a->size, cmp};
    int rc = sk_sort_ix(ix, a->n, items_cmp, &o);
    if (!rc) {
        for (size_t i = 0; i < a->n; i++)
            memcpy(copy + i * a->size, (char *)a->v + ix[i] * a->size, a->size);
        memcpy(a->v, copy, a->n * a->size);
    }
    free(ix);
    free(copy);
    return rc;
}

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* Label of entity ID copied into x->a ("#ID" when it cannot be read). */
static const char *label_of(sk_exec *x, sk_id id)
{
    sk_entity e;
    char buf[32];
    const char *s;
    if (sk_entity_get(x->t, id, x->tmp, &e) == SK_OK) {
        s = sk_arena_strndup(x->a, e.label, e.label_len);
    } else {
        snprintf(buf, sizeof buf, "#%llu", (unsigned long long)id);
        s = sk_arena_strndup(x->a, buf, strlen(buf));
    }
    return s ? s : "?";
}

/* ---- Sightings ------------------------------------------------------------ */

typedef struct sighting {
    int64_t t;
    sk_id place;
    sk_id link;
} sighting;

static int by_time(const void *a, const void *b)
{
    const sighting *p = a, *q = b;
    int c = CMP(p->t, q->t);
    c = c ? c : CMP(p->place, q->place);
    return c ? c : CMP(p->link, q->link);
}

/* What colocated and convoy share while they run. */
typedef struct seen {
    sk_exec *x;
    const sk_ast_stage *st;
    sk_walk w;                      /* TIME clause, type cache, cursor */
    sk_sym places[NPLACE_TYPES];    /* interned place types (0: not in the case) */
    sk_id ref;
    int64_t within;                 /* tolerance, seconds */
    vec stops;                      /* sighting: REF's, in time order */
} seen;

static int is_place(seen *s, sk_id id, bool *out)
{
    sk_sym t;
    int rc = sk_walk_type(s->x, &s->w, id, &t);
    *out = false;
    for (size_t i = 0; !rc && i < NPLACE_TYPES; i++)
        *out = *out || (s->places[i] && s->places[i] == t);
    return rc;
}

/* REF's sightings (within the TIME clause) into s->stops, in time order. */
static int ref_sightings(seen *s)
{
    sk_exec *x = s->x;
    int rc = sk_adj_seek(s->w.cur, s->ref, 0, SK_DIR_ANY);
    if (rc)
        return sk_exec_store_fail(x, rc, s->st->span);
    sk_adj a;
    while ((rc = sk_adj_next(s->w.cur, &a)) == SK_OK) {
        if (a.time == SK_NO_TIME || a.nb == s->ref)
            continue;
        if (s->w.timed && (a.time < s->w.from || a.time > s->w.to))
            continue;
        bool place;
        if ((rc = is_place(s, a.nb, &place)) != SK_OK)
            return rc;
        if (!place)
            continue;
        sighting *p = vec_push(&s->stops);
        if (!p)
            return sk_exec_fail(x, SK_ENOMEM, s->st->span, "out of memory");
        *p = (sighting){a.time, a.nb, a.link};
    }
    if (rc != SK_DONE)
        return sk_exec_store_fail(x, rc, s->st->span);
    if (vec_sort(&s->stops, by_time))
        return sk_exec_fail(x, SK_ENOMEM, s->st->span, "out of memory");
    return SK_OK;
}

/* One other entity seen near one of REF's stops. */
typedef struct match {
    sk_id who;
    size_t stop;     /* index into s->stops */
    int64_t t;       /* when WHO was seen there */
    int64_t dt;      /* |t - the stop's time| */
    sk_id link;
} match;

static int by_who_stop(const void *a, const void *b)
{
    const match *p = a, *q = b;
    int c = CMP(p->who, q->who);
    c = c ? c : CMP(p->stop, q->stop);
    c = c ? c : CMP(p->dt, q->dt);
    c = c ? c : CMP(p->t, q->t);
    return c ? c : CMP(p->link, q->link);
}

/* A stop index with its place and time, for grouping stops by place. */
typedef struct placed {
    sk_id place;
    int64_t t;
    size_t stop;
} placed;

static int by_place_time(const void *a, const void *b)
{
    const placed *p = a, *q = b;
    int c = CMP(p->place, q->place);
    c = c ? c : CMP(p->t, q->t);
    return c ? c : CMP(p->stop, q->stop);
}

/* First index of G[lo..hi) whose time is >= T. */
static size_t lower_bound(const placed *g, size_t lo, size_t hi, int64_t t)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g[mid].t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Reads the adjacency of PLACE once and records every timed entry of
 * another entity that lies within the tolerance of one of REF's stops
 * G[lo..hi) at that place. */
static int scan_place(seen *s, const placed *g, size_t lo, size_t hi, vec *out)
{
    sk_exec *x = s->x;
    sk_id place = g[lo].place;
    int rc = sk_adj_seek(s->w.cur, place, 0, SK_DIR_ANY);
    if (rc)
        return sk_exec_store_fail(x, rc, s->st->span);
    sk_adj a;
    uint64_t n = 0;
    while ((rc = sk_adj_next(s->w.cur, &a)) == SK_OK) {
        if ((++n & 65535) == 0 && (rc = sk_exec_check(x, s->st->span)) != SK_OK)
            return rc;
        if (a.time == SK_NO_TIME || a.nb == s->ref || a.nb == place)
            continue;
        int64_t from = a.time > INT64_MIN + s->within ? a.time - s->within : INT64_MIN;
        for (size_t j = lower_bound(g, lo, hi, from);
             j < hi && g[j].t - a.time <= s->within; j++) {
            match *m = vec_push(out);
            if (!m)
                return sk_exec_fail(x, SK_ENOMEM, s->st->span, "out of memory");
            int64_t dt = g[j].t - a.time;
            *m = (match){a.nb, g[j].stop, a.time, dt < 0 ? -dt : dt, a.link};
        }
    }
    return rc == SK_DONE ? SK_OK : sk_exec_store_fail(x, rc, s->st->span);
}

/* Everyone seen within the tolerance of one of REF's stops, into OUT
 * (sorted by who, stop, closeness in time). */
static int match_stops(seen *s, vec *out)
{
    vec g = {.size = sizeof(placed)};
    const sighting *st = s->stops.v;
    int rc = SK_OK;
    for (size_t i = 0; !rc && i < s->stops.n; i++) {
        placed *p = vec_push(&g);
        if (!p)
            rc = sk_exec_fail(s->x, SK_ENOMEM, s->st->span, "out of memory");
        else
            *p = (placed){st[i].place, st[i].t, i};
    }
    if (!rc && vec_sort(&g, by_place_time))
        rc = sk_exec_fail(s->x, SK_ENOMEM, s->st->span, "out of memory");
    const placed *pv = g.v;
    for (size_t lo = 0; !rc && lo < g.n;) {
        size_t hi = lo + 1;
        while (hi < g.n && pv[hi].place == pv[lo].place)
            hi++;
        rc = scan_place(s, pv, lo, hi, out);
        lo = hi;
    }
    free(g.v);
    if (!rc && vec_sort(out, by_who_stop))
        rc = sk_exec_fail(s->x, SK_ENOMEM, s->st->span, "out of memory");
    return rc;
}

/* Sets S up for stage ST: REF resolved, place types interned, tolerance. */
static int seen_init(sk_exec *x, const sk_ast_stage *st, int64_t within, seen *s)
{
    *s = (seen){.x = x, .st = st, .within = within, .stops = {.size = sizeof(sighting)}};
    if (sk_ast_has(&st->cl, SK_CL_WITHIN))
        s->within = st->cl.within;
    int rc = sk_walk_init(x, &st->cl, &s->w);
    if (rc)
        return rc;
    for (size_t i = 0; i < NPLACE_TYPES; i++)
        if (sk_name_intern(x->t, SK_DICT_ETYPE, PLACE_TYPES[i], strlen(PLACE_TYPES[i]), false,
                           &s->places[i]) != SK_OK)
            s->places[i] = 0;
    rc = sk_exec_ref(x, &st->u.ref, &s->ref);
    if (!rc)
        rc = ref_sightings(s);
    return rc;
}

static void seen_free(seen *s)
{
    sk_walk_free(&s->w);
    free(s->stops.v);
}

/* Label and offset lookups for evidence, one link read per use. */
static int16_t link_offset(sk_exec *x, sk_id link)
{
    sk_link l;
    return sk_link_get(x->t, link, x->tmp, &l) == SK_OK ? l.t_off : 0;
}

/* Collapses REF's repeated reads: consecutive sightings at one place within
 * the tolerance are one stop (the first of them). */
static void collapse_stops(seen *s)
{
    sighting *v = s->stops.v;
    size_t k = 0;
    for (size_t i = 0; i < s->stops.n; i++) {
        if (k && v[k - 1].place == v[i].place && v[i].t - v[k - 1].t <= s->within)
            continue;
        v[k++] = v[i];
    }
    s->stops.n = k;
}

/* ---- colocated ------------------------------------------------------------ */

/* One row of colocated: an entity and what it shares with REF. */
typedef struct coloc {
    sk_id who;
    size_t count;          /* REF's stops it was seen near */
    int64_t first, last;   /* its earliest and latest such sighting */
    sk_id first_link, last_link;
    size_t m0, m1;         /* its matches [m0, m1) */
} coloc;

static int by_count(const void *a, const void *b)
{
    const coloc *p = a, *q = b;
    int c = CMP(q->count, p->count);
    c = c ? c : CMP(p->first, q->first);
    return c ? c : CMP(p->who, q->who);
}

/* "place @ time" for up to EVIDENCE_MAX of C's matches, earliest first. */
static int evidence(seen *s, const coloc *c, const match *m, char *buf, size_t cap)
{
    sk_exec *x = s->x;
    const sighting *stops = s->stops.v;
    /* The best match per stop, then the earliest of those. */
    size_t pick[EVIDENCE_MAX], np = 0;
    for (size_t i = c->m0; i < c->m1; i++) {
        if (i > c->m0 && m[i].stop == m[i - 1].stop)
            continue;
        size_t k = np < EVIDENCE_MAX ? np++ : EVIDENCE_MAX;
        if (k == EVIDENCE_MAX) {
            /* Keep the earliest: replace the latest kept when this is earlier. */
            size_t late = 0;
            for (size_t j = 1; j < EVIDENCE_MAX; j++)
                if (m[pick[j]].t > m[pick[late]].t)
                    late = j;
            if (m[i].t >= m[pick[late]].t)
                continue;
            k = late;
        }
        pick[k] = i;
    }
    for (size_t i = 1; i < np; i++)
        for (size_t j = i; j > 0 && m[pick[j - 1]].t > m[pick[j]].t; j--) {
            size_t t = pick[j];
            pick[j] = pick[j - 1];
            pick[j - 1] = t;
        }
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < np && n + 1 < cap; i++) {
        char when[40];
        fmt_time(when, sizeof when, m[pick[i]].t, link_offset(x, m[pick[i]].link));
        n += (size_t)snprintf(buf + n, cap - n, "%s%s @ %s", i ? "; " : "",
                              label_of(x, stops[m[pick[i]].stop].place), when);
    }
    return SK_OK;
}

/* Starts a row of B with the four entity columns of WHO. */
static int entity_row(seen *s, sk_tbuild *b, sk_id who)
{
    sk_exec *x = s->x;
    if (!sk_tb_row(b))
        return x->code ? x->code : SK_DONE; /* the row limit: noted, not an error */
    sk_entity e;
    int rc = sk_entity_get(x->t, who, x->tmp, &e);
    if (rc)
        return sk_exec_store_fail(x, rc, s->st->span);
    return sk_tb_entity(b, &e);
}

static int coloc_rows(seen *s, const vec *rows, const vec *matches, sk_result *out)
{
    sk_exec *x = s->x;
    const char *cols[] = {"id", "type", "key", "label", "count", "first", "last", "places"};
    sk_tbuild *b;
    int rc = sk_tb_new(x, cols, 8, &b);
    if (rc)
        return rc;
    const coloc *r = rows->v;
    size_t limit = sk_ast_has(&s->st->cl, SK_CL_LIMIT) ? s->st->cl.limit : rows->n;
    for (size_t i = 0; !rc && i < rows->n && i < limit; i++) {
        if ((rc = entity_row(s, b, r[i].who)) != SK_OK) {
            if (rc == SK_DONE)
                rc = SK_OK;
            break;
        }
        char places[1024];
        if (!rc)
            rc = sk_tb_set(b, 4, (sk_value){.type = SK_V_INT, .u.i = (int64_t)r[i].count});
        if (!rc)
            rc = sk_tb_set(b, 5, sk_exec_time(r[i].first, link_offset(x, r[i].first_link)));
        if (!rc)
            rc = sk_tb_set(b, 6, sk_exec_time(r[i].last, link_offset(x, r[i].last_link)));
        if (!rc)
            rc = evidence(s, &r[i], matches->v, places, sizeof places);
        if (!rc)
            rc = sk_tb_set(b, 7, text_value(x, places));
    }
    return rc ? tb_drop(b, rc) : sk_tb_finish(b, out);
}

int sk_stage_colocated(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    seen s;
    vec matches = {.size = sizeof(match)}, rows = {.size = sizeof(coloc)};
    int rc = seen_init(x, st, COLOCATED_WITHIN, &s);
    if (!rc) {
        collapse_stops(&s);
        rc = match_stops(&s, &matches);
    }
    const match *m = matches.v;
    for (size_t i = 0; !rc && i < matches.n;) {
        coloc *c = vec_push(&rows);
        if (!c) {
            rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
            break;
        }
        *c = (coloc){.who = m[i].who, .first = m[i].t, .last = m[i].t, .m0 = i,
                     .first_link = m[i].link, .last_link = m[i].link};
        for (; i < matches.n && m[i].who == c->who; i++) {
            if (i == c->m0 || m[i].stop != m[i - 1].stop)
                c->count++;
            if (m[i].t < c->first || (m[i].t == c->first && m[i].link < c->first_link)) {
                c->first = m[i].t;
                c->first_link = m[i].link;
            }
            if (m[i].t > c->last || (m[i].t == c->last && m[i].link > c->last_link)) {
                c->last = m[i].t;
                c->last_link = m[i].link;
            }
        }
        c->m1 = i;
    }
    if (!rc && vec_sort(&rows, by_count))
        rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    if (!rc) {
        sk_exec_plan(x, "colocated: %zu sightings of #%llu at places, within %llds; "
                     "each place's adjacency read once", s.stops.n, (unsigned long long)s.ref,
                     (long long)s.within);
        rc = coloc_rows(&s, &rows, &matches, out);
    }
    free(matches.v);
    free(rows.v);
    seen_free(&s);
    return rc;
}

/* ---- convoy ----------------------------------------------------------------- */

/* One candidate's best sighting per stop, in stop order. */
typedef struct hit {
    size_t stop;
    sk_id place;
    int64_t t;
    sk_id link;
} hit;

/* The longest chain of H[0..n) (stops already increasing) whose times
 * never go back and whose consecutive places differ — passing one camera
 * twice is not a route. Its length, and its members' indexes in CHAIN.
 * Dynamic programming, O(n^2) in the stops one candidate shares with REF:
 * the few that share many are the convoys being looked for. */
static size_t longest_chain(const hit *h, size_t n, size_t *len, size_t *prev, size_t *chain)
{
    size_t best = 0;
    for (size_t i = 0; i < n; i++) {
        len[i] = 1;
        prev[i] = SIZE_MAX;
        for (size_t j = 0; j < i; j++)
            if (h[j].t <= h[i].t && h[j].place != h[i].place && len[j] + 1 > len[i]) {
                len[i] = len[j] + 1;
                prev[i] = j;
            }
        if (len[i] > len[best])
            best = i;
    }
    size_t k = n ? len[best] : 0;
    for (size_t at = best, m = k; m > 0; m--) {
        chain[m - 1] = at;
        at = prev[at];
    }
    return k;
}

typedef struct convoy_row {
    sk_id who;
    size_t stops;
    int64_t first, last;
    sk_id first_link, last_link;
    char *route;   /* in x->tmp */
} convoy_row;

static int by_stops(const void *a, const void *b)
{
    const convoy_row *p = a, *q = b;
    int c = CMP(q->stops, p->stops);
    c = c ? c : CMP(p->first, q->first);
    return c ? c : CMP(p->who, q->who);
}

/* "A → B → C" of the places of CHAIN, shortened after ROUTE_MAX. */
static char *route_text(seen *s, const hit *h, const size_t *chain, size_t len)
{
    const sighting *stops = s->stops.v;
    char buf[2048];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < len && n + 1 < sizeof buf; k++) {
        if (k == ROUTE_MAX && len > ROUTE_MAX + 1) {
            n += (size_t)snprintf(buf + n, sizeof buf - n, " → … (%zu more) → %s",
                                  len - ROUTE_MAX - 1,
                                  label_of(s->x, stops[h[chain[len - 1]].stop].place));
            break;
        }
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", k ? " → " : "",
                              label_of(s->x, stops[h[chain[k]].stop].place));
    }
    return sk_arena_strndup(s->x->tmp, buf, strlen(buf));
}

/* Reduces the matches of one candidate M[lo..hi) to a convoy row when its
 * chain reaches MIN stops. */
static int convoy_candidate(seen *s, const match *m, size_t lo, size_t hi, size_t min,
                            vec *rows)
{
    size_t n = 0;
    for (size_t i = lo; i < hi; i++)
        n += i == lo || m[i].stop != m[i - 1].stop;
    if (n < min)
        return SK_OK;
    hit *h = malloc(n * sizeof *h);
    size_t *work = malloc(3 * n * sizeof *work);
    int rc = h && work ? SK_OK : sk_exec_fail(s->x, SK_ENOMEM, s->st->span, "out of memory");
    size_t k = 0;
    for (size_t i = lo; !rc && i < hi; i++)
        if (i == lo || m[i].stop != m[i - 1].stop)
            h[k++] = (hit){m[i].stop, ((const sighting *)s->stops.v)[m[i].stop].place, m[i].t,
                           m[i].link};
    size_t len = rc ? 0 : longest_chain(h, n, work, work + n, work + 2 * n);
    if (!rc && len >= min) {
        const size_t *chain = work + 2 * n;
        convoy_row *r = vec_push(rows);
        if (!r)
            rc = sk_exec_fail(s->x, SK_ENOMEM, s->st->span, "out of memory");
        else
            *r = (convoy_row){m[lo].who, len, h[chain[0]].t, h[chain[len - 1]].t,
                              h[chain[0]].link, h[chain[len - 1]].link,
                              route_text(s, h, chain, len)};
    }
    free(h);
    free(work);
    return rc;
}

static int convoy_rows(seen *s, const vec *rows, sk_result *out)
{
    sk_exec *x = s->x;
    const char *cols[] = {"id", "type", "key", "label", "stops", "first", "last", "route"};
    sk_tbuild *b;
    int rc = sk_tb_new(x, cols, 8, &b);
    if (rc)
        return rc;
    const convoy_row *r = rows->v;
    size_t limit = sk_ast_has(&s->st->cl, SK_CL_LIMIT) ? s->st->cl.limit : rows->n;
    for (size_t i = 0; !rc && i < rows->n && i < limit; i++) {
        if ((rc = entity_row(s, b, r[i].who)) == SK_DONE) {
            rc = SK_OK;
            break;
        }
        if (!rc)
            rc = sk_tb_set(b, 4, (sk_value){.type = SK_V_INT, .u.i = (int64_t)r[i].stops});
        if (!rc)
            rc = sk_tb_set(b, 5, sk_exec_time(r[i].first, link_offset(x, r[i].first_link)));
        if (!rc)
            rc = sk_tb_set(b, 6, sk_exec_time(r[i].last, link_offset(x, r[i].last_link)));
        if (!rc)
            rc = sk_tb_set(b, 7, text_value(x, r[i].route ? r[i].route : ""));
    }
    return rc ? tb_drop(b, rc) : sk_tb_finish(b, out);
}

int sk_stage_convoy(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    seen s;
    vec matches = {.size = sizeof(match)}, rows = {.size = sizeof(convoy_row)};
    size_t min = sk_ast_has(&st->cl, SK_CL_MIN_COUNT) ? st->cl.min_count : CONVOY_MIN;
    int rc = seen_init(x, st, CONVOY_WITHIN, &s);
    if (!rc) {
        collapse_stops(&s);
        rc = match_stops(&s, &matches);
    }
    const match *m = matches.v;
    for (size_t lo = 0; !rc && lo < matches.n;) {
        size_t hi = lo + 1;
        while (hi < matches.n && m[hi].who == m[lo].who)
            hi++;
        rc = convoy_candidate(&s, m, lo, hi, min ? min : 1, &rows);
        lo = hi;
    }
    if (!rc && vec_sort(&rows, by_stops))
        rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    if (!rc) {
        sk_exec_plan(x, "convoy: %zu stops of #%llu, tolerance %llds, at least %zu stops in "
                     "order", s.stops.n, (unsigned long long)s.ref, (long long)s.within, min);
        rc = convoy_rows(&s, &rows, out);
    }
    free(matches.v);
    free(rows.v);
    seen_free(&s);
    return rc;
}

/* ---- timeline ----------------------------------------------------------------- */

/* One dated event of one of the entities. */
typedef struct event {
    int64_t t;
    int16_t off;
    bool off_known;  /* the offset has been read (link or event entity) */
    sk_id entity, link, other;
    sk_sym ltype;
    uint8_t dir;
} event;

static int by_event(const void *a, const void *b)
{
    const event *p = a, *q = b;
    int c = CMP(p->t, q->t);
    c = c ? c : CMP(p->entity, q->entity);
    return c ? c : CMP(p->link, q->link);
}

/* What the timeline collects with. */
typedef struct tl_ctx {
    sk_exec *x;
    sk_walk w;            /* via and TIME, the cursor */
    sk_sym event_type;    /* the type "event" (0: not in the case) */
    sk_idmap links;       /* links already listed */
    sk_arena *scratch;
    vec ev;               /* event */
} tl_ctx;

/* The time an untimed link takes from an event at its other end: the
 * event's first date-time property. Other entities lend no time (a
 * person's date of birth is not when they met someone). */
static int event_time(tl_ctx *c, sk_id other, bool *found, int64_t *t, int16_t *off)
{
    sk_entity e;
    *found = false;
    if (!c->event_type)
        return SK_OK;
    sk_arena_reset(c->scratch);
    int rc = sk_entity_get(c->x->t, other, c->scratch, &e);
    if (rc)
        return sk_exec_store_fail(c->x, rc, c->x->stmt->span);
    for (size_t i = 0; e.type == c->event_type && i < e.nprops; i++)
        if (e.props[i].value.type == SK_V_TIME) {
            *found = true;
            *t = e.props[i].value.u.time.t;
            *off = e.props[i].value.u.time.off_min;
            return SK_OK;
        }
    return SK_OK;
}

/* Adds the events of entity ID, each link once. */
static int entity_events(tl_ctx *c, sk_id id)
{
    sk_exec *x = c->x;
    sk_walk *w = &c->w;
    size_t nranges = w->nltypes ? w->nltypes : 1;
    for (size_t r = 0; r < nranges; r++) {
        int rc = sk_adj_seek(w->cur, id, w->nltypes ? w->ltypes[r] : 0, SK_DIR_ANY);
        if (rc)
            return sk_exec_store_fail(x, rc, x->stmt->span);
        sk_adj a;
        while ((rc = sk_adj_next(w->cur, &a)) == SK_OK) {
            event e = {a.time, 0, false, id, a.link, a.nb, a.ltype, a.dir};
            if (a.time == SK_NO_TIME) {
                bool found;
                if ((rc = event_time(c, a.nb, &found, &e.t, &e.off)) != SK_OK)
                    return rc;
                if (!found)
                    continue;
                e.off_known = true;
            }
            if (w->timed && (e.t < w->from || e.t > w->to))
                continue;
            int put = sk_idmap_put(&c->links, a.link, 0);
            if (put < 0)
                return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
            if (put == 0)
                continue;
            event *p = vec_push(&c->ev);
            if (!p)
                return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
            *p = e;
        }
        if (rc != SK_DONE)
            return sk_exec_store_fail(x, rc, x->stmt->span);
    }
    return SK_OK;
}

static const char *dir_name(uint8_t dir)
{
    return dir == SK_DIR_OUT ? "out" : dir == SK_DIR_IN ? "in" : "none";
}

/* Fills the row of event E; PREV is the time of the row before, or
 * SK_NO_TIME for the first row. */
static int event_row(sk_exec *x, sk_tbuild *b, const event *e, int64_t prev)
{
    sk_link l;
    int rc = sk_link_get(x->t, e->link, x->tmp, &l);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    sk_entity self, other;
    if ((rc = sk_entity_get(x->t, e->entity, x->tmp, &self)) != SK_OK ||
        (rc = sk_entity_get(x->t, e->other, x->tmp, &other)) != SK_OK)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    sk_gradeinfo g;
    sk_exec_grade(x, l.asserts, l.nasserts, &g);
    char gap[64];
    if (prev != SK_NO_TIME)
        fmt_gap(gap, sizeof gap, e->t - prev);
    sk_value cells[] = {
        sk_exec_time(e->t, e->off_known ? e->off : l.t_off),
        id_value(e->entity),
        sk_exec_str(x, self.label, self.label_len),
        text_value(x, sk_exec_name(x, SK_DICT_LTYPE, e->ltype)),
        text_value(x, dir_name(e->dir)),
        id_value(e->other),
        text_value(x, sk_exec_name(x, SK_DICT_ETYPE, other.type)),
        sk_exec_str(x, other.label, other.label_len),
        g.code ? text_value(x, g.code) : (sk_value){.type = SK_V_NULL},
        prev != SK_NO_TIME ? text_value(x, gap) : (sk_value){.type = SK_V_NULL},
    };
    for (size_t c = 0; !rc && c < sizeof cells / sizeof cells[0]; c++)
        rc = sk_tb_set(b, c, cells[c]);
    return rc;
}

/* Collects the events of every entity the REFs of ST name into C->ev,
 * sorted; *NENT gets the number of entities. */
static int collect_events(tl_ctx *c, const sk_ast_stage *st, size_t *nent)
{
    sk_exec *x = c->x;
    sk_idmap ents;
    sk_idmap_init(&ents);
    int rc = SK_OK;
    for (size_t i = 0; !rc && i < st->u.refs.n; i++) {
        sk_idvec ids = {0};
        rc = sk_exec_refset(x, &st->u.refs.v[i], &ids);
        for (size_t k = 0; !rc && k < ids.n; k++) {
            int put = sk_idmap_put(&ents, ids.v[k], 0);
            if (put < 0)
                rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
            else if (put == 1)
                rc = entity_events(c, ids.v[k]);
            if (!rc)
                rc = sk_exec_check(x, st->span);
        }
        sk_idvec_free(&ids);
    }
    *nent = ents.n;
    sk_idmap_free(&ents);
    if (!rc && vec_sort(&c->ev, by_event))
        rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    return rc;
}

int sk_stage_timeline(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    tl_ctx c = {.x = x, .ev = {.size = sizeof(event)}};
    int rc = sk_walk_init(x, &st->cl, &c.w);
    if (rc)
        return rc;
    sk_idmap_init(&c.links);
    if (sk_name_intern(x->t, SK_DICT_ETYPE, "event", 5, false, &c.event_type) != SK_OK)
        c.event_type = 0;
    if (!(c.scratch = sk_arena_new()))
        rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    size_t nent = 0;
    if (!rc)
        rc = collect_events(&c, st, &nent);
    if (!rc)
        sk_exec_plan(x, "timeline: %zu entities, %zu dated links", nent, c.ev.n);
    const char *cols[] = {"time", "entity", "entity_label", "link", "dir", "other",
                          "other_type", "other_label", "grade", "gap"};
    sk_tbuild *b = NULL;
    if (!rc)
        rc = sk_tb_new(x, cols, sizeof cols / sizeof cols[0], &b);
    const event *e = c.ev.v;
    size_t limit = sk_ast_has(&st->cl, SK_CL_LIMIT) ? st->cl.limit : c.ev.n;
    for (size_t i = 0; !rc && i < c.ev.n && i < limit; i++) {
        if (!sk_tb_row(b)) {
            rc = x->code;
            break;
        }
        rc = event_row(x, b, &e[i], i ? e[i - 1].t : SK_NO_TIME);
    }
    if (b)
        rc = rc ? tb_drop(b, rc) : sk_tb_finish(b, out);
    free(c.ev.v);
    sk_arena_free(c.scratch);
    sk_idmap_free(&c.links);
    sk_walk_free(&c.w);
    return rc;
}
