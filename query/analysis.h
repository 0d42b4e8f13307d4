/*
 * analysis.h — social-network analysis for the query engine (private to
 * query/). The implementation, analysis.c, is the only file of skein that
 * includes igraph.h; nothing of igraph crosses this header.
 *
 * An sk_analysis_graph is a compact copy of a network made for measuring
 * it. It is filled once — from a result graph (sk_analysis_add_graph) or
 * streamed from an edge source such as the store (sk_analysis_add_stream,
 * or sk_analysis_add_edge one at a time) — then finished, then measured any
 * number of times:
 *
 *     sk_analysis_opts o; sk_analysis_opts_init(&o); o.directed = true;
 *     sk_analysis_new(&o, &g);
 *     sk_analysis_add_stream(g, next_link, ctx);   (or add_graph / add_edge)
 *     sk_analysis_finish(g);
 *     sk_analysis_compute(g, SK_ANALYSIS_BETWEENNESS, scores);
 *     sk_analysis_top(g, scores, 10, keep_person, ctx, top, &ntop);
 *     sk_analysis_free(g);
 *
 * Invariants of a finished graph
 * - Vertex v (0 <= v < nvertices) is the v-th smallest entity id that was
 *   added, so results depend on the network only, never on the order in
 *   which entities and links arrived.
 * - It is simple: self-links are dropped and the parallel links between two
 *   entities (several "called", a "knows" and an "owns", …) become one edge
 *   whose strength is the sum (or maximum, SK_ANALYSIS_MAX) of their
 *   weights. Unweighted graphs count a pair once.
 * - Directed graphs turn an undirected link into two opposite arcs.
 *   Undirected graphs ignore the direction of every link.
 * - Weighted graphs: a link's weight is a STRENGTH (how close two entities
 *   are: link weight, or the reliability of its best grading). Measures
 *   built on shortest paths (betweenness, closeness, harmonic) use the
 *   distance 1/strength; the others use the strength itself. A weight of 0
 *   leaves the link out; a negative, infinite or NaN weight is refused.
 *
 * Errors: every function returning int returns SK_OK or a negative SK_E*
 * code (store.h) with the message in sk_analysis_errmsg(g). A graph whose
 * construction failed is poisoned: later calls return the same code.
 *
 * Threads and process state: igraph (Debian build) is not thread-safe and
 * keeps its error handler, interruption handler, random-number generator
 * and clean-up stack per process. analysis.c serialises every call into
 * igraph with one mutex and sets igraph's error and warning handlers once;
 * see docs/analysis.md. Different graphs may be used from different threads.
 *
 * Ownership: the graph owns its memory; sk_analysis_free releases it.
 * Arrays passed in (scores, membership, out) belong to the caller and must
 * hold nvertices entries unless said otherwise. Nothing returned borrows
 * from the inputs after the call returns.
 */
#ifndef SK_QUERY_ANALYSIS_H
#define SK_QUERY_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query.h"

/* ---- Measures, methods and their names -------------------------------- */

/* X(ENUM, name, what it tells an analyst). The names are the query
 * language's keywords: rank MEASURE. */
#define SK_ANALYSIS_MEASURES(X)                                              \
    X(DEGREE,      "degree",      "how many others it is linked to")         \
    X(INDEGREE,    "indegree",    "how many links arrive at it")             \
    X(OUTDEGREE,   "outdegree",   "how many links leave it")                 \
    X(BETWEENNESS, "betweenness", "how many shortest paths pass through it") \
    X(CLOSENESS,   "closeness",   "how near it is to those it can reach")    \
    X(HARMONIC,    "harmonic",    "how near it is to everyone")              \
    X(EIGENVECTOR, "eigenvector", "how well linked its neighbours are")      \
    X(PAGERANK,    "pagerank",    "how much attention flows to it")

typedef enum sk_analysis_measure {
#define SK_ANALYSIS_X(e, name, help) SK_ANALYSIS_##e,
    SK_ANALYSIS_MEASURES(SK_ANALYSIS_X)
#undef SK_ANALYSIS_X
    SK_ANALYSIS_NMEASURES
} sk_analysis_measure;

/* X(ENUM, name). Community detection methods: communities method NAME. */
#define SK_ANALYSIS_METHODS(X) \
    X(LOUVAIN,   "louvain")    \
    X(LEIDEN,    "leiden")     \
    X(LABELPROP, "labelprop")

typedef enum sk_analysis_method {
#define SK_ANALYSIS_X(e, name) SK_ANALYSIS_##e,
    SK_ANALYSIS_METHODS(SK_ANALYSIS_X)
#undef SK_ANALYSIS_X
    SK_ANALYSIS_NMETHODS
} sk_analysis_method;

/* Static names; never NULL ("?" for an out-of-range value). */
const char *sk_analysis_measure_name(sk_analysis_measure m);
const char *sk_analysis_measure_help(sk_analysis_measure m);
const char *sk_analysis_method_name(sk_analysis_method m);
/* Case-insensitive lookup of NAME (LEN bytes); SK_ENOTFOUND when unknown. */
int sk_analysis_measure_parse(const char *name, size_t len, sk_analysis_measure *out);
int sk_analysis_method_parse(const char *name, size_t len, sk_analysis_method *out);

/* ---- Options --------------------------------------------------------- */

/* Where sk_analysis_add_graph takes each link's strength from. The edge
 * stream gives the strength itself; only "weighted or not" matters there. */
typedef enum sk_analysis_weight {
    SK_ANALYSIS_UNWEIGHTED = 0,  /* every link counts 1 */
    SK_ANALYSIS_LINK_WEIGHT,     /* sk_rlink.weight */
    SK_ANALYSIS_RELIABILITY,     /* sk_rlink.reliability of its best grading */
} sk_analysis_weight;

/* How the strengths of parallel links between two entities combine. */
typedef enum sk_analysis_combine {
    SK_ANALYSIS_SUM = 0,  /* volume: 12 calls are stronger than one */
    SK_ANALYSIS_MAX,      /* best evidence: the most reliable link counts */
} sk_analysis_combine;

/* Returns non-zero when the running operation must stop (Ctrl-C). Called
 * from inside igraph's loops and between the build passes, so it must be
 * cheap and must not call back into this module. */
typedef int (*sk_analysis_cancel_fn)(void *ctx);

typedef struct sk_analysis_opts {
    bool directed;               /* keep link directions (default false) */
    sk_analysis_weight weight;   /* default SK_ANALYSIS_UNWEIGHTED */
    sk_analysis_combine combine; /* default SK_ANALYSIS_SUM */
    size_t max_vertices;         /* 0 = no limit; beyond it SK_ELIMIT */
    size_t max_links;            /* links added, 0 = no limit; SK_ELIMIT */
    double cutoff;               /* longest path (in hops, or in distance
                                    when weighted) that betweenness,
                                    closeness and harmonic consider;
                                    <= 0 = every path (default) */
    uint64_t seed;               /* seed of the random-number generator the
                                    community methods use (default 1) */
    sk_analysis_cancel_fn cancel; /* NULL = never cancelled */
    void *cancel_ctx;
} sk_analysis_opts;

/* Fills O with the defaults noted above. */
void sk_analysis_opts_init(sk_analysis_opts *o);

/* ---- Building -------------------------------------------------------- */

typedef struct sk_analysis_graph sk_analysis_graph;

/* Creates an empty graph with a copy of OPTS. SK_ENOMEM or SK_EINVAL (bad
 * option) with *out NULL; free with sk_analysis_free. */
int sk_analysis_new(const sk_analysis_opts *opts, sk_analysis_graph **out);
void sk_analysis_free(sk_analysis_graph *g);   /* NULL is fine */
/* Message of the last failure, "" when none; lives as long as G. */
const char *sk_analysis_errmsg(const sk_analysis_graph *g);
/* A remark about the last measure (igraph's warning, e.g. that the graph
 * is disconnected), "" when none; lives as long as G. */
const char *sk_analysis_notice(const sk_analysis_graph *g);

/* Adds entity ID as a vertex (so an entity without links still counts).
 * Adding an id twice is harmless. SK_EINVAL for id 0. */
int sk_analysis_add_vertex(sk_analysis_graph *g, sk_id id);

/* One link of the network, as an edge source yields it. */
typedef struct sk_analysis_edge {
    sk_id src, dst;   /* entity ids, both non-zero */
    double weight;    /* strength; ignored when the graph is unweighted */
    bool directed;    /* the link has a direction (src -> dst) */
} sk_analysis_edge;

/* Adds one link; its ends become vertices. */
int sk_analysis_add_edge(sk_analysis_graph *g, const sk_analysis_edge *e);

/* An edge source: fills *out and returns SK_OK, returns SK_DONE after the
 * last link, or an error code (passed up unchanged; the source keeps its
 * own message). */
typedef int (*sk_analysis_edge_fn)(void *ctx, sk_analysis_edge *out);
/* Pulls every link of NEXT into G. */
int sk_analysis_add_stream(sk_analysis_graph *g, sk_analysis_edge_fn next, void *ctx);

/* Adds every node of RG as a vertex and every link as an edge, its
 * strength chosen by opts.weight. RG is only read. */
int sk_analysis_add_graph(sk_analysis_graph *g, const sk_graph *rg);

/* Ends the building: numbers the vertices by id, merges parallel links and
 * hands the edge list to igraph in one call. No vertex or edge may be added
 * afterwards. */
int sk_analysis_finish(sk_analysis_graph *g);

/* What the build kept and left out (valid after finish). */
typedef struct sk_analysis_stats {
    size_t vertices;
    size_t edges;          /* edges of the simple graph (arcs when directed) */
    size_t links;          /* links added */
    size_t self_links;     /* dropped: both ends the same entity */
    size_t zero_links;     /* dropped: weighted with strength 0 */
    size_t merged;         /* edges folded into a parallel one */
} sk_analysis_stats;
void sk_analysis_stats_get(const sk_analysis_graph *g, sk_analysis_stats *out);

size_t sk_analysis_nvertices(const sk_analysis_graph *g);
/* Entity id of vertex V (V < nvertices). */
sk_id sk_analysis_vertex_id(const sk_analysis_graph *g, size_t v);
/* Vertex of entity ID; SK_ENOTFOUND when it is not in the graph. */
int sk_analysis_vertex_of(const sk_analysis_graph *g, sk_id id, size_t *v);

/* ---- Measures -------------------------------------------------------- */

/* Computes measure M for every vertex into SCORES[nvertices]:
 * - degree, indegree, outdegree: distinct neighbours (weighted: the summed
 *   strength of its edges); on an undirected graph all three are equal.
 * - betweenness: the number of shortest paths between other pairs that
 *   pass through the vertex (each unordered pair once when undirected),
 *   not normalised.
 * - closeness: 1 / mean distance to the vertices it can reach (following
 *   arcs outward when directed); 0 for a vertex that reaches none.
 * - harmonic: mean of 1/distance over all other vertices (0 if unreached).
 * - eigenvector: scaled so the largest is 1; arcs point at the vertex
 *   they raise when directed.
 * - pagerank: damping 0.85; the scores sum to 1.
 * SK_ECANCELLED when opts.cancel stopped it. */
int sk_analysis_compute(sk_analysis_graph *g, sk_analysis_measure m, double *scores);

/* Number of triangles each vertex is part of, into COUNTS[nvertices],
 * directions ignored. */
int sk_analysis_triangles(sk_analysis_graph *g, double *counts);

/* ---- Communities and components ------------------------------------- */

typedef struct sk_analysis_partition {
    size_t count;        /* number of communities or components */
    size_t largest;      /* size of the largest */
    double modularity;   /* communities: of the partition on the undirected
                            graph, NaN when it has no edge; components: NaN */
} sk_analysis_partition;

/* Community of every vertex into MEMBERSHIP[nvertices], by METHOD, on the
 * undirected form of the graph. Community 0 is the largest; ties go to the
 * community holding the smaller entity id. The methods visit vertices in a
 * random order drawn from a generator seeded with opts.seed, so the same
 * graph and seed give the same communities on every run. */
int sk_analysis_communities(sk_analysis_graph *g, sk_analysis_method method,
                            long *membership, sk_analysis_partition *info);

/* Connected components (weakly connected when directed and STRONG is
 * false; strongly connected when STRONG and directed), numbered as the
 * communities are. INFO may be NULL. */
int sk_analysis_components(sk_analysis_graph *g, bool strong, long *membership,
                           sk_analysis_partition *info);

/* ---- Ranking and results -------------------------------------------- */

/* One row of a ranking. */
typedef struct sk_analysis_ranked {
    sk_id id;       /* entity */
    size_t vertex;  /* its vertex */
    double score;
} sk_analysis_ranked;

/* Decides whether entity ID is reported: returns 1 to keep it, 0 to skip
 * it, or a negative SK_E* code to stop (passed up unchanged). */
typedef int (*sk_analysis_keep_fn)(void *ctx, sk_id id);

/* Orders the vertices by SCORES (highest first; equal scores by ascending
 * entity id; scores are compared to 10 significant digits, so rounding
 * noise never reorders ties; NaN sorts last) and writes the first TOP that
 * KEEP accepts (all of them when KEEP is NULL; TOP 0 = no limit) into OUT,
 * which has room for min(TOP, nvertices) entries. *NOUT gets the count.
 * KEEP is only asked about vertices in rank order until TOP are kept, so a
 * costly filter (an entity-type lookup in the store) runs on few ids. */
int sk_analysis_top(sk_analysis_graph *g, const double *scores, size_t top,
                    sk_analysis_keep_fn keep, void *ctx,
                    sk_analysis_ranked *out, size_t *nout);

/* Writes SCORES into the nodes of RG that are vertices of G (has_score,
 * score); other nodes are left as they are. */
void sk_analysis_apply_scores(const sk_analysis_graph *g, const double *scores,
                              sk_graph *rg);
/* Writes MEMBERSHIP into sk_rnode.community of the nodes of RG that are
 * vertices of G; other nodes get -1. */
void sk_analysis_apply_membership(const sk_analysis_graph *g, const long *membership,
                                  sk_graph *rg);

#endif /* SK_QUERY_ANALYSIS_H */
