/*
 * paths_dfs.c — every simple path between two entities up to a length, by
 * depth-first search pruned with the distance to the target.
 *
 * Before the search, a breadth-first search from the target gives each
 * entity within reach its distance to it; the depth-first search never
 * enters an entity that cannot reach the target in the hops left, so it
 * only walks where paths are. At each entity the neighbours are tried in
 * the order of their representative link (the smallest link id of the
 * hop, or for time order the earliest usable link), so paths of one
 * length are found in path order: the first LIMIT of each length are
 * kept, and as soon as more than LIMIT paths are known up to some length
 * L, longer paths are no longer needed and the bound drops. The work is
 * then proportional to the paths returned, not to all paths that exist.
 *
 * Time order ('in time order'): a hop may only use a link with a time,
 * no earlier than the previous hop's link (and with 'max gap' no later
 * than it plus the gap). Without a gap, taking the earliest usable link
 * of each hop never loses a continuation, so that link represents the
 * hop. With a gap an earlier link can be too early for the next hop, so
 * the search carries the set of usable links of each hop, and a path's
 * schedule is chosen when it reaches the target, from the last hop back
 * (earliest arrival, each hop as early as the next allows); such paths
 * are sorted once found, and at most SK_QUERY_MAX_PATHS of one length are
 * compared (the result says when there were more).
 */
#include "paths.h"

#include <stdlib.h>

/* A hop to one neighbour: the run of steps leading there. */
typedef struct pgroup {
    sk_id nb;
    sk_id rep;         /* representative link (its order key) */
    int64_t rep_time;
    size_t start, n;   /* the run in the depth's step buffer */
} pgroup;

typedef struct pgroups {
    pgroup *v;
    size_t n, cap;
} pgroups;

typedef struct denum {
    sk_pctx *pc;
    const sk_penum *o;
    sk_id t;
    bool gap;                          /* time order with a maximum gap */
    sk_idmap dist;                     /* entity → hops to t */
    uint32_t maxlen;                   /* current bound on path length */
    size_t keep;                       /* paths kept per length */
    sk_plist bucket[SK_QUERY_MAX_HOPS + 1];
    uint64_t seen[SK_QUERY_MAX_HOPS + 1];
    sk_id nodes[SK_QUERY_MAX_HOPS + 1];
    sk_id links[SK_QUERY_MAX_HOPS];
    int64_t arrive[SK_QUERY_MAX_HOPS + 1];    /* time order, no gap */
    sk_psteps buf[SK_QUERY_MAX_HOPS + 1];     /* steps of the entity at each depth */
    pgroups groups[SK_QUERY_MAX_HOPS + 1];
    sk_psteps usable[SK_QUERY_MAX_HOPS + 1];  /* gap: usable links of the hop into depth i */
} denum;

static bool on_path(const denum *e, uint32_t depth, sk_id v)
{
    for (uint32_t i = 0; i <= depth; i++)
        if (e->nodes[i] == v)
            return true;
    return false;
}

/* Whether a link at TIME may be the hop out of the entity at DEPTH. */
static bool usable(const denum *e, uint32_t depth, int64_t time)
{
    if (!e->o->time_order)
        return true;
    if (time == SK_NO_TIME)
        return false;
    if (depth == 0)
        return true;
    if (!e->gap)
        return time >= e->arrive[depth];
    const sk_psteps *in = &e->usable[depth];
    for (size_t i = 0; i < in->n; i++)
        if (in->v[i].time <= time && time <= in->v[i].time + e->o->max_gap)
            return true;
    return false;
}

static int by_rep(const void *a, const void *b)
{
    const pgroup *p = a, *q = b;
    return p->rep < q->rep ? -1 : p->rep > q->rep;
}

/* Groups the steps at DEPTH (sorted by neighbour, then link) into hops,
 * keeps those with a usable link, and orders them by representative. */
static int make_groups(denum *e, uint32_t depth)
{
    const sk_psteps *b = &e->buf[depth];
    pgroups *g = &e->groups[depth];
    g->n = 0;
    for (size_t i = 0; i < b->n;) {
        size_t j = i;
        pgroup h = {.nb = b->v[i].nb, .start = i, .rep_time = INT64_MAX};
        for (; j < b->n && b->v[j].nb == h.nb; j++) {
            const sk_pstep *s = &b->v[j];
            if (!usable(e, depth, s->time))
                continue;
            if (!h.rep || (e->o->time_order && s->time < h.rep_time)) {
                h.rep = s->link;
                h.rep_time = s->time;
            }
        }
        h.n = j - i;
        i = j;
        if (!h.rep)
            continue;
        if (g->n == g->cap) {
            size_t cap = g->cap ? g->cap * 2 : 16;
            pgroup *v = realloc(g->v, cap * sizeof *v);
            if (!v)
                return sk_exec_fail(e->pc->x, SK_ENOMEM, e->pc->span, "out of memory");
            g->v = v;
            g->cap = cap;
        }
        g->v[g->n++] = h;
    }
    if (g->n > 1)
        qsort(g->v, g->n, sizeof *g->v, by_rep);
    return SK_OK;
}

static int by_time_link(const void *a, const void *b)
{
    const sk_pstep *p = a, *q = b;
    if (p->time != q->time)
        return p->time < q->time ? -1 : 1;
    return p->link < q->link ? -1 : p->link > q->link;
}

/* Gap mode: the usable links of hop G out of DEPTH, by time, into
 * e->usable[depth + 1]. */
static int take_usable(denum *e, uint32_t depth, const pgroup *g)
{
    sk_psteps *u = &e->usable[depth + 1];
    u->n = 0;
    for (size_t k = g->start; k < g->start + g->n; k++) {
        const sk_pstep *s = &e->buf[depth].v[k];
        if (!usable(e, depth, s->time))
            continue;
        if (u->n == u->cap) {
            size_t cap = u->cap ? u->cap * 2 : 8;
            sk_pstep *v = realloc(u->v, cap * sizeof *v);
            if (!v)
                return sk_exec_fail(e->pc->x, SK_ENOMEM, e->pc->span, "out of memory");
            u->v = v;
            u->cap = cap;
        }
        u->v[u->n++] = *s;
    }
    if (u->n > 1)
        qsort(u->v, u->n, sizeof *u->v, by_time_link);
    return SK_OK;
}

/* Gap mode: the schedule of a path of HOPS hops, from the last hop back. */
static void schedule(const denum *e, uint32_t hops, sk_id *out)
{
    int64_t next = e->usable[hops].v[0].time;
    out[hops - 1] = e->usable[hops].v[0].link;
    for (uint32_t j = hops - 1; j >= 1; j--) {
        const sk_psteps *u = &e->usable[j];
        for (size_t k = 0; k < u->n; k++)
            if (u->v[k].time <= next && next <= u->v[k].time + e->o->max_gap) {
                out[j - 1] = u->v[k].link;
                next = u->v[k].time;
                break;
            }
    }
}

/* A path of HOPS hops reached the target: count it, keep it if its
 * length still needs paths, and lower the bound once more than LIMIT
 * paths are known up to some length. */
static int record(denum *e, uint32_t hops)
{
    e->seen[hops]++;
    if (e->bucket[hops].n < e->keep) {
        sk_id sched[SK_QUERY_MAX_HOPS];
        const sk_id *links = e->links;
        if (e->gap) {
            schedule(e, hops, sched);
            links = sched;
        }
        if (sk_plist_add(&e->bucket[hops], e->nodes, links, hops))
            return sk_exec_fail(e->pc->x, SK_ENOMEM, e->pc->span, "out of memory");
    }
    uint64_t cum = 0;
    for (uint32_t l = 1; l <= e->maxlen; l++) {
        cum += e->seen[l];
        if (cum > e->o->limit) {
            /* In path order the first paths of length l are kept already;
             * with a gap they are sorted at the end, so l is still needed. */
            e->maxlen = e->gap ? l : l - 1;
            break;
        }
    }
    return SK_OK;
}

static int by_nb_link(const void *a, const void *b)
{
    const sk_pstep *p = a, *q = b;
    if (p->nb != q->nb)
        return p->nb < q->nb ? -1 : 1;
    return p->link < q->link ? -1 : p->link > q->link;
}

/* Keeps the steps at DEPTH that lead to the target or to an entity off
 * the path that can still reach it in time, then sorts them by neighbour
 * and link: most steps of a search are pruned here, before any sorting. */
static void prune(denum *e, uint32_t depth)
{
    sk_psteps *b = &e->buf[depth];
    size_t kept = 0;
    for (size_t i = 0; i < b->n; i++) {
        sk_id v = b->v[i].nb;
        if (v != e->t) {
            const uint64_t *d = sk_idmap_get(&e->dist, v);
            if (!d || depth + 1 + *d > e->maxlen || on_path(e, depth, v))
                continue;
        }
        b->v[kept++] = b->v[i];
    }
    b->n = kept;
    if (kept > 1)
        qsort(b->v, kept, sizeof *b->v, by_nb_link);
}

static int dfs(denum *e, uint32_t depth)
{
    int rc = sk_pctx_expand(e->pc, 0, e->nodes[depth], false, &e->buf[depth]);
    if (!rc) {
        prune(e, depth);
        rc = make_groups(e, depth);
    }
    const pgroups *g = &e->groups[depth];
    for (size_t i = 0; !rc && i < g->n && depth + 1 <= e->maxlen; i++) {
        const pgroup *h = &g->v[i];
        sk_id v = h->nb;
        /* the bound may have dropped since prune() */
        if (v != e->t && depth + 1 + *sk_idmap_get(&e->dist, v) > e->maxlen)
            continue;
        e->nodes[depth + 1] = v;
        e->links[depth] = h->rep;
        e->arrive[depth + 1] = h->rep_time;
        if (e->gap && (rc = take_usable(e, depth, h)) != SK_OK)
            break;
        rc = v == e->t ? record(e, depth + 1) : dfs(e, depth + 1);
    }
    return rc;
}

/* A path of a bucket, for sorting: its links and its place. */
typedef struct pref {
    const sk_id *links;
    uint32_t hops;
    size_t ix;
} pref;

static int by_links(const void *a, const void *b)
{
    const pref *p = a, *q = b;
    for (uint32_t k = 0; k < p->hops; k++)
        if (p->links[k] != q->links[k])
            return p->links[k] < q->links[k] ? -1 : 1;
    return 0;
}

/* Copies bucket L into OUT in path order (gap mode). */
static int sort_bucket(denum *e, uint32_t l, sk_plist *out)
{
    sk_plist *b = &e->bucket[l];
    pref *r = malloc((b->n ? b->n : 1) * sizeof *r);
    if (!r)
        return sk_exec_fail(e->pc->x, SK_ENOMEM, e->pc->span, "out of memory");
    for (size_t i = 0; i < b->n; i++)
        r[i] = (pref){sk_plist_links(b, i), l, i};
    if (b->n > 1)
        qsort(r, b->n, sizeof *r, by_links);
    int rc = SK_OK;
    for (size_t i = 0; !rc && i < b->n; i++)
        rc = sk_plist_add(out, sk_plist_nodes(b, r[i].ix), r[i].links, l);
    free(r);
    return rc ? sk_exec_fail(e->pc->x, SK_ENOMEM, e->pc->span, "out of memory") : SK_OK;
}

/* Moves the first LIMIT paths, shortest first, into OUT. */
static int collect_paths(denum *e, sk_plist *out, bool *more)
{
    uint64_t total = 0;
    int rc = SK_OK;
    for (uint32_t l = 1; l <= e->o->maxhops; l++)
        total += e->seen[l];
    *more = total > e->o->limit;
    for (uint32_t l = 1; !rc && l <= e->o->maxhops && out->n < e->o->limit; l++) {
        sk_plist sorted = {0};
        const sk_plist *b = &e->bucket[l];
        if (e->gap) {
            if (e->seen[l] > b->n)
                sk_exec_notice(e->pc->x,
                               "more than %zu time-ordered paths of %u hops: those listed "
                               "are the first found, not certainly the first in order",
                               e->keep, l);
            rc = sort_bucket(e, l, &sorted);
            b = &sorted;
        }
        for (size_t i = 0; !rc && i < b->n && out->n < e->o->limit; i++)
            if (sk_plist_add(out, sk_plist_nodes(b, i), sk_plist_links(b, i), l))
                rc = sk_exec_fail(e->pc->x, SK_ENOMEM, e->pc->span, "out of memory");
        sk_plist_free(&sorted);
    }
    return rc;
}

int sk_penumerate(sk_pctx *pc, sk_id s, sk_id t, const sk_penum *o, sk_plist *out,
                  bool *more)
{
    denum *e = calloc(1, sizeof *e);
    if (!e)
        return sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    e->pc = pc;
    e->o = o;
    e->t = t;
    e->gap = o->time_order && o->max_gap > 0;
    e->maxlen = o->maxhops > SK_QUERY_MAX_HOPS ? SK_QUERY_MAX_HOPS : o->maxhops;
    e->keep = e->gap ? SK_QUERY_MAX_PATHS : o->limit;
    e->nodes[0] = s;
    *more = false;
    sk_idmap_init(&e->dist);
    /* A cheap bidirectional search first: when the ends are too far
     * apart, there is nothing to enumerate and no ball to grow. */
    sk_idvec n = {0}, l = {0};
    int rc = sk_pfind(pc, s, t, e->maxlen, &n, &l);
    sk_idvec_free(&n);
    sk_idvec_free(&l);
    if (rc == SK_OK)
        rc = sk_pdist_to(pc, t, e->maxlen - 1, &e->dist);
    if (rc == SK_OK)
        rc = dfs(e, 0);
    if (rc == SK_OK || rc == SK_PSTOP) {
        int crc = collect_paths(e, out, more);
        if (crc)
            rc = crc;
    }
    if (rc == SK_DONE)
        rc = SK_OK;
    sk_idmap_free(&e->dist);
    for (size_t i = 0; i <= SK_QUERY_MAX_HOPS; i++) {
        sk_plist_free(&e->bucket[i]);
        sk_psteps_free(&e->buf[i]);
        sk_psteps_free(&e->usable[i]);
        free(e->groups[i].v);
    }
    free(e);
    return rc;
}
