/*
 * paths_bfs.c — shortest paths by bidirectional breadth-first search, and
 * distances to a target (the bound that prunes the enumeration of all
 * paths).
 *
 * The search grows two visited sets level by level, always the side whose
 * frontier is smaller, until a level adds an entity the other side has
 * already reached. Before that level no entity was in both sets, so no
 * path is shorter than the two depths together; every entity where the
 * sets first meet therefore lies on a shortest path. Those meeting
 * entities are then walked back to both ends to mark every entity of
 * every shortest path with its position, and the path returned is built
 * from the start by always taking the smallest link id that leads to the
 * next position: the lexicographically first shortest path. This is what
 * makes 'path', the first of 'paths' and the first of 'shortest K paths'
 * the same path, and Yen's algorithm exact with ties.
 *
 * An entity over the supernode cap may be reached but is never crossed:
 * it is not expanded, and it is refused as a meeting point unless it is
 * an end.
 */
#include "paths.h"

static int put(sk_pctx *pc, sk_idmap *m, sk_id id, uint64_t v)
{
    if (sk_idmap_put(m, id, v) < 0)
        return sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    return SK_OK;
}

static int push(sk_pctx *pc, sk_idvec *v, sk_id id)
{
    if (sk_idvec_push(v, id))
        return sk_exec_fail(pc->x, SK_ENOMEM, pc->span, "out of memory");
    return SK_OK;
}

static bool dist_is(const sk_idmap *m, sk_id id, uint64_t d)
{
    const uint64_t *v = sk_idmap_get(m, id);
    return v && *v == d;
}

/* Marks the entities of every shortest path from S to T with their
 * position 0..D in b->pos and b->level[], starting from the meeting
 * entities already in b->level[K0]. SIDE 1 walks back towards S over the
 * forward distances, SIDE 0 on towards T over the backward ones. */
static int mark(sk_pctx *pc, sk_id s, sk_id t, uint32_t k0, uint32_t d)
{
    sk_pbfs *b = &pc->bfs;
    int rc = SK_OK;
    for (uint32_t p = k0; !rc && p >= 1; p--) {
        for (size_t i = 0; !rc && i < b->level[p].n; i++) {
            rc = sk_pctx_expand(pc, 1, b->level[p].v[i], false, &b->buf);
            for (size_t k = 0; !rc && k < b->buf.n; k++) {
                sk_id u = b->buf.v[k].nb;
                bool ok = u == s;
                if (!dist_is(&b->dist[0], u, p - 1) || sk_idmap_has(&b->pos, u))
                    continue;
                if (!ok && (rc = sk_pctx_interior_ok(pc, u, &ok)) != SK_OK)
                    break;
                if (ok && !(rc = put(pc, &b->pos, u, p - 1)))
                    rc = push(pc, &b->level[p - 1], u);
            }
        }
    }
    for (uint32_t p = k0; !rc && p < d; p++) {
        for (size_t i = 0; !rc && i < b->level[p].n; i++) {
            rc = sk_pctx_expand(pc, 0, b->level[p].v[i], false, &b->buf);
            for (size_t k = 0; !rc && k < b->buf.n; k++) {
                sk_id w = b->buf.v[k].nb;
                bool ok = w == t;
                if (!dist_is(&b->dist[1], w, d - p - 1) || sk_idmap_has(&b->pos, w))
                    continue;
                if (!ok && (rc = sk_pctx_interior_ok(pc, w, &ok)) != SK_OK)
                    break;
                if (ok && !(rc = put(pc, &b->pos, w, p + 1)))
                    rc = push(pc, &b->level[p + 1], w);
            }
        }
    }
    return rc;
}

/* Builds the lexicographically first shortest path of D hops from S: marks
 * the shortest paths through the meeting entities (those of MEET at K0
 * hops from S and D - K0 from T), then follows the smallest link ids. */
static int rebuild(sk_pctx *pc, sk_id s, sk_id t, const sk_idvec *meet, uint32_t k0,
                   uint32_t d, sk_idvec *nodes, sk_idvec *links)
{
    sk_pbfs *b = &pc->bfs;
    sk_idmap_clear(&b->pos);
    for (uint32_t p = 0; p <= d; p++)
        b->level[p].n = 0;
    int rc = SK_OK;
    for (size_t i = 0; !rc && i < meet->n; i++) {
        sk_id v = meet->v[i];
        if (dist_is(&b->dist[0], v, k0) && dist_is(&b->dist[1], v, d - k0) &&
            !sk_idmap_has(&b->pos, v)) {
            bool ok = v == s || v == t;
            if (!ok)
                rc = sk_pctx_interior_ok(pc, v, &ok);
            if (!rc && ok && !(rc = put(pc, &b->pos, v, k0)))
                rc = push(pc, &b->level[k0], v);
        }
    }
    if (!rc)
        rc = mark(pc, s, t, k0, d);
    if (!rc)
        rc = push(pc, nodes, s);
    sk_id u = s;
    for (uint32_t i = 0; !rc && i < d; i++) {
        rc = sk_pctx_expand(pc, 0, u, false, &b->buf);
        const sk_pstep *best = NULL;
        for (size_t k = 0; !rc && k < b->buf.n; k++) {
            const sk_pstep *st = &b->buf.v[k];
            if (dist_is(&b->pos, st->nb, i + 1) && (!best || st->link < best->link))
                best = st;
        }
        if (!rc && !best)
            return sk_exec_fail(pc->x, SK_ECORRUPT, pc->span,
                                "internal error: shortest path from #%llu lost at hop %u",
                                (unsigned long long)s, i + 1);
        if (!rc)
            rc = push(pc, links, best->link);
        if (!rc)
            rc = push(pc, nodes, best->nb);
        if (!rc)
            u = best->nb;
    }
    return rc;
}

/* Expands one level of SIDE; *MET is set when it reached an entity the
 * other side holds that may lie on a path. */
static int grow_level(sk_pctx *pc, int side, uint32_t depth, bool *met)
{
    sk_pbfs *b = &pc->bfs;
    int rc = SK_OK;
    b->next.n = 0;
    for (size_t i = 0; !rc && i < b->front[side].n; i++) {
        rc = sk_pctx_expand(pc, side, b->front[side].v[i], false, &b->buf);
        for (size_t k = 0; !rc && k < b->buf.n; k++) {
            sk_id v = b->buf.v[k].nb;
            if (sk_idmap_has(&b->dist[side], v))
                continue;
            if ((rc = put(pc, &b->dist[side], v, depth + 1)) != SK_OK ||
                (rc = push(pc, &b->next, v)) != SK_OK)
                break;
            if (!*met && sk_idmap_has(&b->dist[!side], v))
                rc = sk_pctx_interior_ok(pc, v, met);
        }
    }
    sk_idvec tmp = b->front[side];
    b->front[side] = b->next;
    b->next = tmp;
    return rc;
}

int sk_pfind(sk_pctx *pc, sk_id s, sk_id t, uint32_t maxhops, sk_idvec *nodes,
             sk_idvec *links)
{
    sk_pbfs *b = &pc->bfs;
    nodes->n = links->n = 0;
    if (maxhops > SK_QUERY_MAX_HOPS)
        maxhops = SK_QUERY_MAX_HOPS;
    for (int side = 0; side < 2; side++) {
        sk_idmap_clear(&b->dist[side]);
        b->front[side].n = 0;
    }
    int rc = put(pc, &b->dist[0], s, 0);
    if (!rc)
        rc = put(pc, &b->dist[1], t, 0);
    if (!rc)
        rc = push(pc, &b->front[0], s);
    if (!rc)
        rc = push(pc, &b->front[1], t);
    uint32_t k[2] = {0, 0};
    /* Marking and rebuilding the path expand again what the search did. */
    pc->memo.fill = true;
    while (!rc && k[0] + k[1] < maxhops && b->front[0].n && b->front[1].n) {
        int side = b->front[0].n <= b->front[1].n ? 0 : 1;
        bool met = false;
        rc = grow_level(pc, side, k[side], &met);
        k[side]++;
        if (!rc && met) {
            rc = rebuild(pc, s, t, &b->front[side], k[0], k[0] + k[1], nodes, links);
            pc->memo.fill = false;
            return rc;
        }
    }
    pc->memo.fill = false;
    return rc ? rc : SK_DONE;
}

int sk_pdist_to(sk_pctx *pc, sk_id t, uint32_t maxd, sk_idmap *dist)
{
    sk_pbfs *b = &pc->bfs;
    sk_idmap_clear(dist);
    b->front[1].n = 0;
    int rc = put(pc, dist, t, 0);
    if (!rc)
        rc = push(pc, &b->front[1], t);
    for (uint32_t d = 0; !rc && d < maxd && b->front[1].n; d++) {
        b->next.n = 0;
        for (size_t i = 0; !rc && i < b->front[1].n; i++) {
            rc = sk_pctx_expand(pc, 1, b->front[1].v[i], false, &b->buf);
            for (size_t k = 0; !rc && k < b->buf.n; k++) {
                sk_id v = b->buf.v[k].nb;
                if (sk_idmap_has(dist, v))
                    continue;
                if (!(rc = put(pc, dist, v, d + 1)))
                    rc = push(pc, &b->next, v);
            }
        }
        sk_idvec tmp = b->front[1];
        b->front[1] = b->next;
        b->next = tmp;
    }
    return rc;
}
