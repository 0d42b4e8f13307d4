/*
 * paths.h — what the path-finding files share (private to query/, used by
 * stmt_path.c and the paths_*.c files only): the context of one path
 * search, the filtered and ordered expansion of an entity, path lists, and
 * the searches themselves.
 *
 * What a path is. A path is a sequence of distinct entities, each joined
 * to the next by at least one link that passes the statement's filters
 * (via, only, avoid, time, where). Parallel links between the same two
 * entities (a "knows" and a "family_rel") do not make different paths:
 * each hop is represented by one link — the one with the smallest id, or
 * for time-ordered paths the one the schedule uses — and the chart shows
 * the others beside it. Paths are ordered by hop count, then
 * lexicographically by their representative link ids; every search here
 * returns paths in that order, so the same query on the same case always
 * gives the same paths.
 *
 * Direction. Links are followed in the directions the walk allows (every
 * direction unless a clause says otherwise); a search from the far end
 * uses a second walk with the directions mirrored, so both ends see the
 * same links.
 *
 * The named entities (the ends of a path, the entities to connect or
 * compare) are "exempt": always expanded whatever their degree, and
 * admitted whatever 'only' says. Any other entity with more links than the
 * supernode cap is reached but never crossed, so it can end a path but not
 * lie inside one; such entities are counted once each and reported.
 *
 * Memory: the searches malloc what they need and free it before they
 * return (or in sk_pctx_free / sk_plist_free); the statement's arenas
 * receive only what the walks and the result builders put there.
 */
#ifndef SK_QUERY_PATHS_H
#define SK_QUERY_PATHS_H

#include "exec_int.h"

/* SK_PATHS_MAX_STEPS: see limits.h. */

/* Default 'max' of the 'paths' statement: all simple paths grow
 * exponentially with length, and four hops covers "a friend of a friend of
 * a friend". The other path statements default to SK_QUERY_MAX_HOPS. */
#define SK_PATHS_DEFAULT_MAX 4

/* Default 'limit' of the 'paths' statement. */
#define SK_PATHS_DEFAULT_LIMIT 100

/* Status of a search that stopped because the work budget ran out (not an
 * error: the caller reports what it has). Positive, distinct from SK_DONE. */
#define SK_PSTOP 2

/* ---- Steps ------------------------------------------------------------ */

/* One filtered adjacency entry of the entity being expanded. */
typedef struct sk_pstep {
    sk_id nb;       /* the entity reached */
    sk_id link;     /* the link followed */
    int64_t time;   /* link start time, SK_NO_TIME when none */
    sk_sym ltype;   /* link type */
} sk_pstep;

typedef struct sk_psteps {
    sk_pstep *v;
    size_t n, cap;
} sk_psteps;

void sk_psteps_free(sk_psteps *s);

/* ---- Path lists --------------------------------------------------------- */

/* Paths stored end to end: path i has hops[i] links starting at
 * links.v[at[i]] and hops[i] + 1 entities starting at nodes.v[at[i] + i]. */
typedef struct sk_plist {
    sk_idvec nodes, links;
    size_t *at;
    uint32_t *hops;
    size_t n, cap;
} sk_plist;

int sk_plist_add(sk_plist *l, const sk_id *nodes, const sk_id *links, size_t hops);
void sk_plist_free(sk_plist *l);
static inline const sk_id *sk_plist_links(const sk_plist *l, size_t i)
{
    return l->links.v + l->at[i];
}
static inline const sk_id *sk_plist_nodes(const sk_plist *l, size_t i)
{
    return l->nodes.v + l->at[i] + i;
}
/* Path order: fewer hops first, then representative link ids. */
int sk_plist_cmp(const sk_plist *a, size_t i, const sk_plist *b, size_t j);

/* ---- Search context ------------------------------------------------------ */

/* Most steps the expansion memo keeps (32 bytes each): a shortest-path
 * search that examines more than this (one that finds no path in a big
 * component) re-walks instead of holding the whole component. */
#define SK_PATHS_MEMO_STEPS (1u << 20)

/* Expansions already made. An entity's filtered steps depend only on the
 * walk and the named entities, both fixed for a statement, unless a
 * search restricts them (Yen's bans): so while none does, a search that
 * expands an entity again (marking the shortest paths, rebuilding one,
 * emitting its parallel links) reads the steps kept here. */
typedef struct sk_pmemo {
    sk_idmap at;            /* key (see memo_key in paths_ctx.c) → index into span */
    sk_psteps pool;         /* the steps, end to end */
    size_t (*span)[2];      /* [offset into pool, count] of each entity */
    size_t nspan, capspan;
    bool fill;              /* record new expansions (sk_pfind sets it) */
} sk_pmemo;

/* Scratch of the bidirectional search (paths_bfs.c), kept between calls
 * so Yen's many spur searches reuse their tables. */
typedef struct sk_pbfs {
    sk_idmap dist[2];   /* entity → hops from the start [0] / to the target [1] */
    sk_idmap pos;       /* entity → position on a shortest path (reconstruction) */
    sk_idvec front[2], next;
    sk_idvec level[SK_QUERY_MAX_HOPS + 1];
    sk_psteps buf;
} sk_pbfs;

typedef struct sk_pctx {
    sk_exec *x;
    const sk_ast_stage *st;     /* the stage being run */
    sk_span span;               /* the stage: where errors point */
    sk_walk w[2];               /* [0] as the clauses say, [1] mirrored */
    bool have_walks;
    const sk_sym *etypes;       /* 'only', applied here so named entities are exempt */
    size_t netypes;
    sk_idmap exempt;            /* the named entities */
    sk_idmap capped;            /* entities left unexpanded, each once */
    /* Restrictions of one search (Yen's spur paths); NULL/0 when none. */
    const sk_idmap *banned;     /* entities a path may not enter */
    sk_id ban_from;             /* hops ban_from–v for v in ban_to are excluded */
    const sk_idmap *ban_to;
    uint64_t steps;             /* adjacency entries examined */
    uint64_t max_steps;         /* 0: no budget */
    bool exhausted;             /* the budget ran out (reported by the stage) */
    sk_pbfs bfs;
    sk_pmemo memo;
} sk_pctx;

/* Builds the walks from the stage's clauses. Returns SK_OK or the error
 * recorded in X. Free with sk_pctx_free even on failure. */
int sk_pctx_init(sk_exec *x, const sk_ast_stage *st, sk_pctx *pc);
void sk_pctx_free(sk_pctx *pc);
/* Marks ID as named by the statement; SK_EINVAL (recorded) when 'avoid'
 * lists it. */
int sk_pctx_exempt(sk_pctx *pc, sk_id id);
bool sk_pctx_is_exempt(const sk_pctx *pc, sk_id id);
/* Whether ID may lie inside a path: named, or within the supernode cap. */
int sk_pctx_interior_ok(sk_pctx *pc, sk_id id, bool *ok);

/* Fills OUT with the steps of entity U that pass every filter, following
 * walk SIDE (0 forward, 1 mirrored): self-links and banned entities and
 * hops are left out, and a capped entity yields no steps. With SORTED the
 * steps come by neighbour then link id; otherwise in adjacency order
 * (deterministic as well). Returns SK_OK, SK_PSTOP when the work budget
 * ran out, or an error (recorded in X). */
int sk_pctx_expand(sk_pctx *pc, int side, sk_id u, bool sorted, sk_psteps *out);

/* Adds the path to B: its representative links as a path, then for an
 * untimed path every other filtered link between consecutive entities
 * (PARALLEL). */
int sk_pctx_emit(sk_pctx *pc, sk_gbuild *b, const sk_id *nodes, const sk_id *links,
                 size_t hops, bool parallel);

/* Appends the supernode and budget notes to the statement's notice. */
void sk_pctx_report(sk_pctx *pc);

/* ---- Searches ---------------------------------------------------------------- */

/* Shortest path from S to T (S != T) of at most MAXHOPS hops and, among
 * the shortest, the one with the smallest representative link ids
 * (paths_bfs.c). Bidirectional breadth-first search, level by level from
 * the smaller frontier. Fills NODES and LINKS (cleared first). Returns
 * SK_OK, SK_DONE when there is none, SK_PSTOP, or an error. */
int sk_pfind(sk_pctx *pc, sk_id s, sk_id t, uint32_t maxhops, sk_idvec *nodes,
             sk_idvec *links);

/* Hops from every entity to T within MAXD hops, following the walk
 * backwards (entities farther away are absent). DIST is cleared first. */
int sk_pdist_to(sk_pctx *pc, sk_id t, uint32_t maxd, sk_idmap *dist);

/* Options of the enumeration of all simple paths (paths_dfs.c). */
typedef struct sk_penum {
    uint32_t maxhops;
    size_t limit;          /* paths wanted */
    bool time_order;       /* each hop no earlier than the one before */
    int64_t max_gap;       /* with time_order: seconds between hops; 0 none */
} sk_penum;

/* All simple paths from S to T of at most O->maxhops hops, the first
 * O->limit in path order, into OUT. *MORE is set when there were more.
 * Returns SK_OK, SK_PSTOP (OUT holds what was found), or an error. */
int sk_penumerate(sk_pctx *pc, sk_id s, sk_id t, const sk_penum *o, sk_plist *out,
                  bool *more);

/* The K shortest simple paths from S to T of at most MAXHOPS hops, in path
 * order (Yen, paths_yen.c). Returns SK_OK, SK_PSTOP or an error. */
int sk_pyen(sk_pctx *pc, sk_id s, sk_id t, uint32_t maxhops, size_t k, sk_plist *out);

/* Best-first searches over links (paths_best.c). */
typedef enum sk_pbest_mode {
    SK_PBEST_TIME = 1,     /* earliest arrival over time-respecting hops */
    SK_PBEST_RELIABLE,     /* greatest product of link reliabilities */
} sk_pbest_mode;

typedef struct sk_pbest {
    sk_pbest_mode mode;
    uint32_t maxhops;
    int64_t max_gap;       /* TIME: seconds between hops; 0 = no bound */
    /* out, RELIABLE: the weakest link of the path found */
    sk_id weakest;
    double weakest_rel;
} sk_pbest;

/* Fills NODES and LINKS with the best path from S to T. Returns SK_OK,
 * SK_DONE when there is none, SK_PSTOP, or an error. */
int sk_pbest_find(sk_pctx *pc, sk_id s, sk_id t, sk_pbest *o, sk_idvec *nodes,
                  sk_idvec *links);

#endif /* SK_QUERY_PATHS_H */
