/*
 * paths_best.c — best-first searches over links: the earliest-arriving
 * time-respecting path ('in time order [max gap D]') and the most
 * reliable path ('most reliable').
 *
 * Both are label-setting searches (Dijkstra) over labels (entity, key,
 * hops), taken from a heap in order of key, then hops, then creation:
 *   time order     key = the time of the last link (arrival); a hop needs
 *                  a timed link no earlier than the arrival (and with a
 *                  gap no later than arrival + gap); the first hop any.
 *   most reliable  key = sum of -log(reliability) of the links, where a
 *                  link's reliability is that of its best grading
 *                  (1.0 when ungraded, a link of reliability 0 is unusable);
 *                  the most reliable path maximises the product.
 * The first label of the target taken from the heap is the answer.
 *
 * Pruning keeps 'max N' exact: a label is useless when one already taken
 * at the same entity had no more hops (its key was no worse, since labels
 * leave the heap in key order). This also makes every path found simple.
 * With a maximum gap that argument fails — arriving later can open a
 * later window — so labels are then told apart by the link they arrived
 * over, and the route found is the earliest-arriving time-respecting
 * walk: it may pass an entity twice when only that keeps every wait
 * within the gap (finding the best such route that never repeats an
 * entity is NP-hard).
 *
 * Each search runs under the work budget of the context.
 */
#include "paths.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NO_PARENT UINT32_MAX

typedef struct label {
    sk_id node;
    sk_id link;         /* the link it arrived over; 0 at the start */
    int64_t t;          /* TIME: arrival time */
    double cost;        /* RELIABLE: -log of the product of reliabilities */
    uint32_t hops;
    uint32_t parent;    /* the label it extends, NO_PARENT at the start */
} label;

typedef struct best {
    sk_pctx *pc;
    sk_pbest *o;
    label *v;
    size_t n, cap;
    uint32_t *heap;
    size_t nheap, hcap;
    sk_idmap done;      /* entity (or arrival link, with a gap) → fewest hops taken */
    sk_idmap rel;       /* link → reliability (bits of a double) */
    sk_arena *scratch;
    sk_psteps buf;
} best;

static bool before(const best *b, uint32_t i, uint32_t j)
{
    const label *p = &b->v[i], *q = &b->v[j];
    if (p->cost != q->cost)
        return p->cost < q->cost;
    if (p->t != q->t)
        return p->t < q->t;
    if (p->hops != q->hops)
        return p->hops < q->hops;
    return i < j;
}

static int push(best *b, const label *l)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        label *v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return SK_ENOMEM;
        b->v = v;
        b->cap = cap;
    }
    if (b->nheap == b->hcap) {
        size_t cap = b->hcap ? b->hcap * 2 : 256;
        uint32_t *h = realloc(b->heap, cap * sizeof *h);
        if (!h)
            return SK_ENOMEM;
        b->heap = h;
        b->hcap = cap;
    }
    uint32_t li = (uint32_t)b->n;
    b->v[b->n++] = *l;
    size_t i = b->nheap++;
    b->heap[i] = li;
    while (i && before(b, b->heap[i], b->heap[(i - 1) / 2])) {
        uint32_t t = b->heap[i];
        b->heap[i] = b->heap[(i - 1) / 2];
        b->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return SK_OK;
}

static uint32_t pop(best *b)
{
    uint32_t top = b->heap[0];
    b->heap[0] = b->heap[--b->nheap];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < b->nheap && before(b, b->heap[l], b->heap[m]))
            m = l;
        if (r < b->nheap && before(b, b->heap[r], b->heap[m]))
            m = r;
        if (m == i)
            break;
        uint32_t t = b->heap[i];
        b->heap[i] = b->heap[m];
        b->heap[m] = t;
        i = m;
    }
    return top;
}

/* Reliability of LINK's best grading (cached). */
static int reliability(best *b, sk_id link, double *out)
{
    uint64_t *have = sk_idmap_get(&b->rel, link);
    if (have) {
        memcpy(out, have, sizeof *out);
        return SK_OK;
    }
    sk_exec *x = b->pc->x;
    sk_link l;
    sk_arena_reset(b->scratch);
    int rc = sk_link_get(x->t, link, b->scratch, &l);
    if (rc)
        return sk_exec_store_fail(x, rc, b->pc->span);
    sk_gradeinfo g;
    sk_exec_grade(x, l.asserts, l.nasserts, &g);
    *out = g.reliability;
    uint64_t bits;
    memcpy(&bits, out, sizeof bits);
    if (sk_idmap_put(&b->rel, link, bits) < 0)
        return SK_ENOMEM;
    return SK_OK;
}

/* The key under which labels at ENTITY arriving over LINK from FROM are
 * compared: the entity, or with a gap the link and which end of it (link
 * ids are never 0, so these keys are never 0 either). 0 for the start
 * label under a gap: nothing is compared with it. */
static sk_id done_key(const best *b, sk_id entity, sk_id link, sk_id from)
{
    if (b->o->mode != SK_PBEST_TIME || !b->o->max_gap)
        return entity;
    return link ? (link << 1) | (entity > from) : 0;
}

/* Whether a label under KEY with HOPS hops is beaten by one taken. */
static bool beaten(const best *b, sk_id key, uint32_t hops)
{
    if (!key)
        return false;
    const uint64_t *h = sk_idmap_get(&b->done, key);
    return h && *h <= hops;
}

/* Extends label LI (a copy in L) over every usable step. */
static int extend(best *b, uint32_t li, const label *l)
{
    int rc = sk_pctx_expand(b->pc, 0, l->node, false, &b->buf);
    for (size_t k = 0; !rc && k < b->buf.n; k++) {
        const sk_pstep *s = &b->buf.v[k];
        label n = {.node = s->nb, .link = s->link, .hops = l->hops + 1, .parent = li};
        if (b->o->mode == SK_PBEST_TIME) {
            if (s->time == SK_NO_TIME)
                continue;
            if (l->parent != NO_PARENT &&
                (s->time < l->t || (b->o->max_gap && s->time - l->t > b->o->max_gap)))
                continue;
            n.t = s->time;
        } else {
            double r;
            if ((rc = reliability(b, s->link, &r)) != SK_OK)
                break;
            if (!(r > 0))
                continue;
            n.cost = l->cost - log(r);
        }
        if (beaten(b, done_key(b, n.node, n.link, l->node), n.hops))
            continue;
        rc = push(b, &n);
    }
    return rc;
}

/* Writes the path ending at label LI into NODES and LINKS. */
static int trace(best *b, uint32_t li, sk_idvec *nodes, sk_idvec *links)
{
    uint32_t hops = b->v[li].hops;
    nodes->n = links->n = 0;
    for (uint32_t i = 0; i <= hops; i++)
        if (sk_idvec_push(nodes, 0) || (i < hops && sk_idvec_push(links, 0)))
            return SK_ENOMEM;
    for (uint32_t i = li, k = hops;; i = b->v[i].parent, k--) {
        nodes->v[k] = b->v[i].node;
        if (b->v[i].parent == NO_PARENT)
            break;
        links->v[k - 1] = b->v[i].link;
    }
    if (b->o->mode == SK_PBEST_RELIABLE) {
        b->o->weakest = 0;
        b->o->weakest_rel = 2;
        for (size_t k = 0; k < links->n; k++) {
            double r;
            int rc = reliability(b, links->v[k], &r);
            if (rc)
                return rc;
            if (r < b->o->weakest_rel) {
                b->o->weakest = links->v[k];
                b->o->weakest_rel = r;
            }
        }
    }
    return SK_OK;
}

static int search(best *b, sk_id s, sk_id t, sk_idvec *nodes, sk_idvec *links)
{
    label start = {.node = s, .t = b->o->mode == SK_PBEST_TIME ? INT64_MIN : 0,
                   .parent = NO_PARENT};
    int rc = push(b, &start);
    while (!rc && b->nheap) {
        uint32_t li = pop(b);
        label l = b->v[li];
        if (l.node == t)
            return trace(b, li, nodes, links);
        sk_id from = l.parent == NO_PARENT ? 0 : b->v[l.parent].node;
        sk_id key = done_key(b, l.node, l.link, from);
        if (beaten(b, key, l.hops))
            continue;
        if (key && sk_idmap_set(&b->done, key, l.hops))
            return SK_ENOMEM;
        if (l.hops < b->o->maxhops)
            rc = extend(b, li, &l);
    }
    return rc ? rc : SK_DONE;
}

int sk_pbest_find(sk_pctx *pc, sk_id s, sk_id t, sk_pbest *o, sk_idvec *nodes,
                  sk_idvec *links)
{
    best b = {.pc = pc, .o = o};
    sk_idmap_init(&b.done);
    sk_idmap_init(&b.rel);
    b.scratch = sk_arena_new();
    int rc = b.scratch ? search(&b, s, t, nodes, links) : SK_ENOMEM;
    if (rc == SK_ENOMEM && !pc->x->code)
        rc = sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    free(b.v);
    free(b.heap);
    sk_idmap_free(&b.done);
    sk_idmap_free(&b.rel);
    sk_arena_free(b.scratch);
    sk_psteps_free(&b.buf);
    return rc;
}
