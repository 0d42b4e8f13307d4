/*
 * stmt_walk.c — the statements that expand from entities: neighbours (one
 * hop, as a table of links) and network around (the N-hop ego network, as
 * a graph), both with every walk filter applied while walking.
 *
 * network around is a breadth-first search: level by level from the given
 * entities, each entity expanded once, every link followed from an entity
 * closer than DEPTH kept, and then the links among the entities reached
 * (the induced network, as a chart shows it). Entities with more links than the supernode cap
 * are shown but not expanded, and the result says how many were left so.
 *
 * When only its entities are counted (`| count entities`), the last level
 * is not walked: the links among the outermost entities add no entity.
 * Its supernodes then go unreported, as they hide nothing from that count.
 */
#include "exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- neighbours ---- */

typedef struct nb_ctx {
    sk_exec *x;
    sk_tbuild *tb;
    sk_arena *scratch;
    uint32_t limit;
    sk_cexpr *cond;
    sk_walk *w;
} nb_ctx;

static int nb_row(void *ctx, const sk_step *s)
{
    nb_ctx *c = ctx;
    sk_exec *x = c->x;
    if (c->limit && sk_tb_nrows(c->tb) >= c->limit)
        return SK_DONE;
    sk_arena_reset(c->scratch);
    sk_entity e;
    sk_link l;
    int rc = sk_entity_get(x->t, s->adj.nb, c->scratch, &e);
    if (!rc)
        rc = sk_link_get(x->t, s->adj.link, c->scratch, &l);
    if (rc)
        return sk_exec_store_fail(x, rc, x->stmt->span);
    if (!sk_tb_row(c->tb))
        return x->code ? x->code : SK_DONE;
    rc = sk_tb_entity(c->tb, &e);
    sk_gradeinfo g;
    sk_exec_grade(x, l.asserts, l.nasserts, &g);
    const char *lt = sk_exec_name(x, SK_DICT_LTYPE, l.type);
    const char *dir = s->adj.dir == SK_DIR_OUT ? "out" : s->adj.dir == SK_DIR_IN ? "in" : "both";
    if (!rc)
        rc = sk_tb_set(c->tb, 4, (sk_value){.type = SK_V_INT, .u.i = (int64_t)l.id});
    if (!rc)
        rc = sk_tb_set(c->tb, 5, sk_exec_str(x, lt, strlen(lt)));
    if (!rc)
        rc = sk_tb_set(c->tb, 6, sk_exec_str(x, dir, strlen(dir)));
    if (!rc && l.t_start != SK_NO_TIME)
        rc = sk_tb_set(c->tb, 7, sk_exec_time(l.t_start, l.t_off));
    if (!rc && g.code)
        rc = sk_tb_set(c->tb, 8, sk_exec_str(x, g.code, strlen(g.code)));
    return rc;
}

int sk_stage_neighbours(sk_exec *x, const sk_ast_stage *st, const sk_result *in,
                        sk_result *out)
{
    (void)in;
    sk_id id;
    int rc = sk_exec_ref(x, &st->u.ref, &id);
    sk_walk w;
    if (rc || (rc = sk_walk_init(x, &st->cl, &w)) != SK_OK)
        return rc;
    const char *cols[] = {"id", "type", "key", "label", "link", "link_type", "direction",
                          "time", "grade"};
    nb_ctx c = {.x = x, .w = &w};
    c.limit = sk_ast_has(&st->cl, SK_CL_LIMIT) ? st->cl.limit : 0;
    rc = sk_tb_new(x, cols, 9, &c.tb);
    c.scratch = sk_arena_new();
    if (!rc && !c.scratch)
        rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    sk_exec_plan(x, "neighbours: adjacency of #%llu%s", (unsigned long long)id,
                 w.nltypes ? ", one range per link type" : "");
    /* The start entity is always expanded, however many links it has. */
    if (!rc)
        rc = sk_walk_each(x, &w, id, true, nb_row, &c);
    sk_arena_free(c.scratch);
    sk_walk_free(&w);
    if (rc == SK_DONE)
        rc = SK_OK;
    int frc = c.tb ? sk_tb_finish(c.tb, out) : SK_OK;
    return rc ? rc : frc;
}

/* ---- network around ---- */

typedef struct net_ctx {
    sk_exec *x;
    sk_gbuild *b;
    sk_idmap *depth;      /* entity → hop distance */
    sk_idvec *next;       /* the frontier being built */
    uint32_t level;       /* hop distance of the entities being expanded */
    uint32_t limit;       /* most entities; 0 = no limit */
    bool cut;
} net_ctx;

/* The last level is not expanded, but the links among the entities
 * already in the network are added: the chart shows who among a person's
 * contacts know each other. */
static int net_close(void *ctx, const sk_step *s)
{
    net_ctx *c = ctx;
    return sk_idmap_has(c->depth, s->adj.nb) ? sk_gb_adj(c->b, s->adj.link, s->from, s->adj.nb)
                                             : SK_OK;
}

static int net_step(void *ctx, const sk_step *s)
{
    net_ctx *c = ctx;
    sk_exec *x = c->x;
    if (!sk_idmap_has(c->depth, s->adj.nb)) {
        if (c->limit && c->depth->n >= c->limit) {
            c->cut = true;
            return SK_OK;
        }
        if (sk_idmap_put(c->depth, s->adj.nb, c->level + 1) < 0 ||
            sk_idvec_push(c->next, s->adj.nb))
            return sk_exec_fail(x, SK_ENOMEM, x->stmt->span, "out of memory");
        /* Counting entities only: the entity is what counts, not its link
         * (a link the walk passed is visible, and so are both its ends). */
        if (x->count_entities_only)
            return sk_gb_node(c->b, s->adj.nb, NULL);
    }
    if (x->count_entities_only)
        return SK_OK;
    return sk_gb_adj(c->b, s->adj.link, s->from, s->adj.nb);
}

int sk_stage_network(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    uint32_t depth = sk_ast_has(&st->cl, SK_CL_DEPTH) ? st->cl.depth : 1;
    sk_idvec frontier = {0}, next = {0};
    sk_idmap seen;
    sk_idmap_init(&seen);
    sk_walk w;
    sk_gbuild *b = NULL;
    int rc = SK_OK;
    for (size_t i = 0; !rc && i < st->u.refs.n; i++)
        rc = sk_exec_refset(x, &st->u.refs.v[i], &frontier);
    if (!rc)
        rc = sk_walk_init(x, &st->cl, &w);
    if (rc) {
        sk_idvec_free(&frontier);
        return rc;
    }
    rc = sk_gb_new(x, &b);
    net_ctx c = {.x = x, .b = b, .depth = &seen, .next = &next};
    c.limit = sk_ast_has(&st->cl, SK_CL_LIMIT) ? st->cl.limit : 0;
    for (size_t i = 0; !rc && i < frontier.n; i++) {
        if (sk_idmap_put(&seen, frontier.v[i], 0) < 0)
            rc = sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
        else
            rc = sk_gb_node(b, frontier.v[i], NULL);
    }
    sk_exec_plan(x, "network around: breadth-first from %zu entit%s to depth %u%s", frontier.n,
                 frontier.n == 1 ? "y" : "ies", depth,
                 x->count_entities_only ? ", entities only (counted)"
                 : x->counting          ? ", ids only (counted)"
                                        : "");
    for (uint32_t level = 0; !rc && level < depth && frontier.n; level++) {
        c.level = level;
        next.n = 0;
        for (size_t i = 0; !rc && i < frontier.n; i++) {
            /* The named entities are always expanded; others only when
             * they are not supernodes. */
            rc = sk_walk_each(x, &w, frontier.v[i], level == 0, net_step, &c);
        }
        sk_idvec tmp = frontier;
        frontier = next;
        next = tmp;
    }
    for (size_t i = 0; !rc && !x->count_entities_only && i < frontier.n; i++)
        rc = sk_walk_each(x, &w, frontier.v[i], false, net_close, &c);
    if (!rc && w.capped)
        sk_exec_notice(x, "%llu entit%s with more than %llu links not expanded (supernode cap)",
                       (unsigned long long)w.capped, w.capped == 1 ? "y" : "ies",
                       (unsigned long long)w.supernode);
    if (!rc && c.cut)
        sk_exec_notice(x, "cut at %u entities (limit)", c.limit);
    sk_walk_free(&w);
    sk_idmap_free(&seen);
    sk_idvec_free(&frontier);
    sk_idvec_free(&next);
    if (rc) {
        sk_gb_free(b);
        return rc;
    }
    return sk_gb_finish(b, out);
}
