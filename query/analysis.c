/*
 * analysis.c — the network-analysis engine: a compact simple graph built in
 * one streaming pass, measured through igraph. The only file of skein that
 * includes igraph.h.
 *
 * Building. Entity ids map to dense vertex numbers through an open-
 * addressing hash (linear probing, id 0 marks an empty slot). Each link is
 * kept as one 64-bit word: bit 63 = directed, bits 32..62 and 0..30 the two
 * vertex numbers, plus its strength when weighted. sk_analysis_finish
 * renumbers the vertices in id order, turns every link into one key per
 * edge (two arcs for an undirected link of a directed graph), sorts the keys
 * by radix, folds equal neighbours into one edge and calls igraph_create
 * once. Reading costs 8 bytes per link (16 weighted) and 12 per entity;
 * finishing adds 16 (32 weighted) per edge for the sort, then igraph keeps
 * about 32 per edge. A directed graph keeps its links so the undirected
 * form that degree, triangles and communities need can be built on demand.
 *
 * The file is long because igraph.h may appear in one file only; its
 * sections (names, handle, guard, building, finishing, measures,
 * communities, ranking) are in that order.
 *
 * igraph's process state. The Debian igraph is built without thread-local
 * storage, so its error handler, warning handler, interruption handler,
 * default random-number generator and FINALLY clean-up stack are shared by
 * the whole process. `guard` below is this module's only mutable static
 * state and exists for that reason: every call into igraph runs between
 * ig_enter and ig_leave, holding guard.lock; the handlers are installed once
 * (call_once) and write into guard, which only the lock holder reads.
 * - Errors: igraph's handler copies the reason and frees igraph's clean-up
 *   stack, as igraph_error_handler_ignore does; every return code is checked
 *   and mapped to an SK_E* code with the reason in the graph's message.
 * - Cancellation: igraph calls the interruption handler from its long loops;
 *   the handler asks the cancel hook of the graph being measured and, to
 *   stop, frees igraph's clean-up stack and returns IGRAPH_INTERRUPTED
 *   (igraph itself returns that code without calling the error handler).
 * - Randomness: the community methods shuffle vertices with igraph's default
 *   generator. Each call makes a local PCG32 generator seeded with
 *   opts.seed, makes it the default for the call and restores the previous
 *   default afterwards.
 */
#include "analysis.h"

#include <igraph.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <threads.h>

/* Vertex numbers live in 31 bits of a link word. */
#define MAX_VERTICES ((size_t)INT32_MAX)
#define LINK_DIRECTED (UINT64_C(1) << 63)
#define LINK_VERTEX_MASK UINT64_C(0x7fffffff)
/* How often (in links) the build asks the cancel hook. */
#define CANCEL_EVERY 65536u

/* ---- Names ------------------------------------------------------------ */

static const struct {
    const char *name, *help;
} measures[SK_ANALYSIS_NMEASURES] = {
#define SK_ANALYSIS_X(e, name, help) [SK_ANALYSIS_##e] = {name, help},
    SK_ANALYSIS_MEASURES(SK_ANALYSIS_X)
#undef SK_ANALYSIS_X
};

static const char *const methods[SK_ANALYSIS_NMETHODS] = {
#define SK_ANALYSIS_X(e, name) [SK_ANALYSIS_##e] = name,
    SK_ANALYSIS_METHODS(SK_ANALYSIS_X)
#undef SK_ANALYSIS_X
};

const char *sk_analysis_measure_name(sk_analysis_measure m)
{
    return (unsigned)m < SK_ANALYSIS_NMEASURES ? measures[m].name : "?";
}

const char *sk_analysis_measure_help(sk_analysis_measure m)
{
    return (unsigned)m < SK_ANALYSIS_NMEASURES ? measures[m].help : "?";
}

const char *sk_analysis_method_name(sk_analysis_method m)
{
    return (unsigned)m < SK_ANALYSIS_NMETHODS ? methods[m] : "?";
}

static bool name_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

int sk_analysis_measure_parse(const char *name, size_t len, sk_analysis_measure *out)
{
    for (int m = 0; m < SK_ANALYSIS_NMEASURES; m++) {
        if (name_is(name, len, measures[m].name)) {
            *out = (sk_analysis_measure)m;
            return SK_OK;
        }
    }
    return SK_ENOTFOUND;
}

int sk_analysis_method_parse(const char *name, size_t len, sk_analysis_method *out)
{
    for (int m = 0; m < SK_ANALYSIS_NMETHODS; m++) {
        if (name_is(name, len, methods[m])) {
            *out = (sk_analysis_method)m;
            return SK_OK;
        }
    }
    return SK_ENOTFOUND;
}

/* ---- The graph handle ------------------------------------------------- */

enum gstate { BUILDING, READY, FAILED };

/* An igraph graph with the strength of each edge (weighted graphs only). */
typedef struct iggraph {
    bool made;
    igraph_t g;
    igraph_vector_t str;   /* strength per edge id, when weighted */
} iggraph;

struct sk_analysis_graph {
    sk_analysis_opts opts;
    enum gstate state;
    int fail_code;            /* the code a FAILED graph keeps returning */
    char errmsg[320];
    char notice[256];

    /* id -> vertex: open addressing, capacity a power of two, at most half
     * full; slot_id 0 = empty. */
    sk_id *slot_id;
    uint32_t *slot_v;
    size_t slot_cap;

    sk_id *ids;               /* vertex -> id (in id order once READY) */
    size_t nv, ids_cap;

    uint64_t *links;          /* one word per kept link, see the top */
    double *link_w;           /* strengths, when weighted */
    size_t nlinks, links_cap, w_cap;

    sk_analysis_stats stats;

    iggraph main;             /* the graph as asked (directed or not) */
    iggraph undirected;       /* directed graphs: built on demand */
    igraph_vector_t dist;     /* 1/strength per edge of main, on demand */
    bool has_dist;
};

static bool weighted(const sk_analysis_graph *g)
{
    return g->opts.weight != SK_ANALYSIS_UNWEIGHTED;
}

static int fail(sk_analysis_graph *g, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(sk_analysis_graph *g, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->errmsg, sizeof g->errmsg, fmt, ap);
    va_end(ap);
    return code;
}

/* A failure while building poisons the graph: its links are incomplete. */
static int poison(sk_analysis_graph *g, int code)
{
    g->state = FAILED;
    g->fail_code = code;
    return code;
}

static bool cancelled(const sk_analysis_graph *g)
{
    return g->opts.cancel && g->opts.cancel(g->opts.cancel_ctx);
}

/* ---- igraph guard: the module's process state, see the top ------------ */

static struct {
    once_flag once;
    bool ok;                         /* the mutex exists */
    mtx_t lock;
    sk_analysis_graph *current;      /* graph of the running call */
    char reason[256];                /* igraph's last error reason */
    char warning[256];               /* igraph's last warning */
} guard = {.once = ONCE_FLAG_INIT};

static void on_igraph_error(const char *reason, const char *file, int line,
                            igraph_error_t err)
{
    (void)file;
    (void)line;
    (void)err;
    snprintf(guard.reason, sizeof guard.reason, "%s", reason);
    IGRAPH_FINALLY_FREE();
}

static void on_igraph_warning(const char *reason, const char *file, int line)
{
    (void)file;
    (void)line;
    snprintf(guard.warning, sizeof guard.warning, "%s", reason);
}

/* Frees igraph's clean-up stack here, while the interrupted function's
 * frame (which the stack points into) is still alive: igraph returns
 * IGRAPH_INTERRUPTED without calling the error handler, and by the time a
 * caller's IGRAPH_CHECK does, that frame is gone (python-igraph's hook does
 * the same). */
static igraph_error_t on_igraph_interrupt(void *data)
{
    (void)data;
    if (!guard.current || !cancelled(guard.current))
        return IGRAPH_SUCCESS;
    IGRAPH_FINALLY_FREE();
    return IGRAPH_INTERRUPTED;
}

static void guard_init(void)
{
    guard.ok = mtx_init(&guard.lock, mtx_plain) == thrd_success;
    igraph_set_error_handler(on_igraph_error);
    igraph_set_warning_handler(on_igraph_warning);
    igraph_set_interruption_handler(on_igraph_interrupt);
}

/* One call into igraph: the lock, and a seeded generator as the default. */
typedef struct igcall {
    igraph_rng_t rng;
    igraph_rng_t *prev_rng;
} igcall;

static int ig_enter(sk_analysis_graph *g, igcall *c)
{
    call_once(&guard.once, guard_init);
    if (!guard.ok)
        return fail(g, SK_ENOMEM, "cannot create the analysis lock");
    mtx_lock(&guard.lock);
    guard.current = g;
    guard.reason[0] = guard.warning[0] = '\0';
    if (igraph_rng_init(&c->rng, &igraph_rngtype_pcg32) != IGRAPH_SUCCESS) {
        guard.current = NULL;
        mtx_unlock(&guard.lock);
        return fail(g, SK_ENOMEM, "cannot create a random-number generator");
    }
    if (igraph_rng_seed(&c->rng, (igraph_uint_t)g->opts.seed) != IGRAPH_SUCCESS) {
        igraph_rng_destroy(&c->rng);
        guard.current = NULL;
        mtx_unlock(&guard.lock);
        return fail(g, SK_EINVAL, "cannot seed the random-number generator");
    }
    c->prev_rng = igraph_rng_default();
    igraph_rng_set_default(&c->rng);
    return SK_OK;
}

static void ig_leave(sk_analysis_graph *g, igcall *c)
{
    igraph_rng_set_default(c->prev_rng);
    igraph_rng_destroy(&c->rng);
    snprintf(g->notice, sizeof g->notice, "%s", guard.warning);
    guard.current = NULL;
    mtx_unlock(&guard.lock);
}

/* Maps an igraph failure to an SK_E* code with WHAT and igraph's reason in
 * the message. igraph's clean-up stack is already empty: the error handler
 * or the interruption handler freed it. */
static int ig_fail(sk_analysis_graph *g, igraph_error_t e, const char *what)
{
    switch (e) {
    case IGRAPH_INTERRUPTED:
        return fail(g, SK_ECANCELLED, "%s cancelled", what);
    case IGRAPH_ENOMEM:
        return fail(g, SK_ENOMEM, "%s: out of memory", what);
    case IGRAPH_EOVERFLOW:
        return fail(g, SK_ELIMIT, "%s: the graph is too large (%s)", what,
                    guard.reason[0] ? guard.reason : igraph_strerror(e));
    default:
        return fail(g, SK_EINVAL, "%s failed: %s%s%s%s", what, igraph_strerror(e),
                    guard.reason[0] ? " (" : "", guard.reason,
                    guard.reason[0] ? ")" : "");
    }
}

/* ---- Building --------------------------------------------------------- */

void sk_analysis_opts_init(sk_analysis_opts *o)
{
    memset(o, 0, sizeof *o);
    o->weight = SK_ANALYSIS_UNWEIGHTED;
    o->combine = SK_ANALYSIS_SUM;
    o->seed = 1;
}

int sk_analysis_new(const sk_analysis_opts *opts, sk_analysis_graph **out)
{
    *out = NULL;
    if ((unsigned)opts->weight > SK_ANALYSIS_RELIABILITY ||
        (unsigned)opts->combine > SK_ANALYSIS_MAX || isnan(opts->cutoff))
        return SK_EINVAL;
    sk_analysis_graph *g = calloc(1, sizeof *g);
    if (!g)
        return SK_ENOMEM;
    g->opts = *opts;
    g->state = BUILDING;
    *out = g;
    return SK_OK;
}

static void ig_free(iggraph *x)
{
    if (!x->made)
        return;
    igraph_destroy(&x->g);
    igraph_vector_destroy(&x->str);
    x->made = false;
}

void sk_analysis_free(sk_analysis_graph *g)
{
    if (!g)
        return;
    /* Destroying touches none of igraph's process state: no lock needed. */
    ig_free(&g->main);
    ig_free(&g->undirected);
    if (g->has_dist)
        igraph_vector_destroy(&g->dist);
    free(g->slot_id);
    free(g->slot_v);
    free(g->ids);
    free(g->links);
    free(g->link_w);
    free(g);
}

const char *sk_analysis_errmsg(const sk_analysis_graph *g)
{
    return g->errmsg;
}

const char *sk_analysis_notice(const sk_analysis_graph *g)
{
    return g->notice;
}

/* splitmix64's finaliser: ids from a counter spread over every slot. */
static size_t hash_id(sk_id id)
{
    uint64_t x = id;
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return (size_t)(x ^ (x >> 31));
}

/* Slot of ID: where it is, or the empty slot where it would go. */
static size_t slot_of(const sk_analysis_graph *g, sk_id id)
{
    size_t mask = g->slot_cap - 1, i = hash_id(id) & mask;
    while (g->slot_id[i] != 0 && g->slot_id[i] != id)
        i = (i + 1) & mask;
    return i;
}

static int grow_slots(sk_analysis_graph *g)
{
    size_t cap = g->slot_cap ? g->slot_cap * 2 : 1024;
    sk_id *old_id = g->slot_id;
    uint32_t *old_v = g->slot_v;
    size_t old_cap = g->slot_cap;
    sk_id *nid = calloc(cap, sizeof *nid);
    uint32_t *nvx = malloc(cap * sizeof *nvx);
    if (!nid || !nvx) {
        free(nid);
        free(nvx);
        return fail(g, SK_ENOMEM, "out of memory for %zu vertices", g->nv);
    }
    g->slot_id = nid;
    g->slot_v = nvx;
    g->slot_cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old_id[i] == 0)
            continue;
        size_t s = slot_of(g, old_id[i]);
        g->slot_id[s] = old_id[i];
        g->slot_v[s] = old_v[i];
    }
    free(old_id);
    free(old_v);
    return SK_OK;
}

/* P (of *CAP elements of SIZE bytes) grown to hold at least NEED: the
 * array to use from now on, or NULL (P and *CAP untouched) on ENOMEM. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *q = realloc(p, n * size);
    if (q)
        *cap = n;
    return q;
}

/* Vertex of ID, added when new. */
static int vertex(sk_analysis_graph *g, sk_id id, uint32_t *v)
{
    if (id == 0)
        return fail(g, SK_EINVAL, "entity id 0 cannot be a vertex");
    if ((g->nv + 1) * 2 > g->slot_cap) {
        int rc = grow_slots(g);
        if (rc != SK_OK)
            return rc;
    }
    size_t s = slot_of(g, id);
    if (g->slot_id[s] == id) {
        *v = g->slot_v[s];
        return SK_OK;
    }
    size_t limit = g->opts.max_vertices ? g->opts.max_vertices : MAX_VERTICES;
    if (limit > MAX_VERTICES)
        limit = MAX_VERTICES;
    if (g->nv >= limit)
        return fail(g, SK_ELIMIT, "too many entities for analysis (limit %zu)", limit);
    sk_id *ids = grow(g->ids, &g->ids_cap, g->nv + 1, sizeof *ids);
    if (!ids)
        return fail(g, SK_ENOMEM, "out of memory for %zu vertices", g->nv + 1);
    g->ids = ids;
    g->ids[g->nv] = id;
    g->slot_id[s] = id;
    g->slot_v[s] = (uint32_t)g->nv;
    *v = (uint32_t)g->nv++;
    return SK_OK;
}

static int check_building(sk_analysis_graph *g)
{
    if (g->state == FAILED)
        return g->fail_code;
    if (g->state != BUILDING)
        return fail(g, SK_EINVAL, "the analysis graph is already finished");
    return SK_OK;
}

int sk_analysis_add_vertex(sk_analysis_graph *g, sk_id id)
{
    int rc = check_building(g);
    if (rc != SK_OK)
        return rc;
    uint32_t v;
    rc = vertex(g, id, &v);
    return rc == SK_OK ? SK_OK : poison(g, rc);
}

static int add_link(sk_analysis_graph *g, const sk_analysis_edge *e)
{
    if (g->opts.max_links && g->stats.links >= g->opts.max_links)
        return fail(g, SK_ELIMIT, "too many links for analysis (limit %zu)",
                    g->opts.max_links);
    if (++g->stats.links % CANCEL_EVERY == 0 && cancelled(g))
        return fail(g, SK_ECANCELLED, "analysis cancelled while reading links");
    double w = weighted(g) ? e->weight : 1.0;
    if (!isfinite(w) || w < 0)
        return fail(g, SK_EINVAL,
                    "link #%llu-#%llu has weight %g; weights must be finite and not negative",
                    (unsigned long long)e->src, (unsigned long long)e->dst, w);
    /* Both ends are vertices even when the link itself is dropped. */
    uint32_t u, v;
    int rc = vertex(g, e->src, &u);
    if (rc == SK_OK)
        rc = vertex(g, e->dst, &v);
    if (rc != SK_OK)
        return rc;
    if (u == v) {
        g->stats.self_links++;
        return SK_OK;
    }
    if (w == 0) {
        g->stats.zero_links++;
        return SK_OK;
    }
    uint64_t *links = grow(g->links, &g->links_cap, g->nlinks + 1, sizeof *links);
    if (links)
        g->links = links;
    double *lw = links && weighted(g) ? grow(g->link_w, &g->w_cap, g->nlinks + 1, sizeof *lw)
                                      : NULL;
    if (lw)
        g->link_w = lw;
    if (!links || (weighted(g) && !lw))
        return fail(g, SK_ENOMEM, "out of memory for %zu links", g->nlinks + 1);
    g->links[g->nlinks] = (e->directed ? LINK_DIRECTED : 0) | (uint64_t)u << 32 | v;
    if (weighted(g))
        g->link_w[g->nlinks] = w;
    g->nlinks++;
    return SK_OK;
}

int sk_analysis_add_edge(sk_analysis_graph *g, const sk_analysis_edge *e)
{
    int rc = check_building(g);
    if (rc != SK_OK)
        return rc;
    rc = add_link(g, e);
    return rc == SK_OK ? SK_OK : poison(g, rc);
}

int sk_analysis_add_stream(sk_analysis_graph *g, sk_analysis_edge_fn next, void *ctx)
{
    int rc = check_building(g);
    if (rc != SK_OK)
        return rc;
    for (;;) {
        sk_analysis_edge e = {0};
        rc = next(ctx, &e);
        if (rc == SK_DONE)
            return SK_OK;
        if (rc != SK_OK) {
            fail(g, rc, "reading links for analysis: %s", sk_strerror(rc));
            return poison(g, rc);
        }
        rc = add_link(g, &e);
        if (rc != SK_OK)
            return poison(g, rc);
    }
}

static double link_strength(const sk_analysis_graph *g, const sk_rlink *l)
{
    switch (g->opts.weight) {
    case SK_ANALYSIS_LINK_WEIGHT: return l->weight;
    case SK_ANALYSIS_RELIABILITY: return l->reliability;
    case SK_ANALYSIS_UNWEIGHTED: break;
    }
    return 1.0;
}

int sk_analysis_add_graph(sk_analysis_graph *g, const sk_graph *rg)
{
    int rc = check_building(g);
    if (rc != SK_OK)
        return rc;
    for (size_t i = 0; i < rg->nnodes; i++) {
        uint32_t v;
        if ((rc = vertex(g, rg->nodes[i].id, &v)) != SK_OK)
            return poison(g, rc);
    }
    for (size_t i = 0; i < rg->nlinks; i++) {
        const sk_rlink *l = &rg->links[i];
        sk_analysis_edge e = {l->src, l->dst, link_strength(g, l), l->directed};
        if ((rc = add_link(g, &e)) != SK_OK)
            return poison(g, rc);
    }
    return SK_OK;
}

/* ---- Finishing: renumber, sort, fold, hand to igraph ------------------ */

typedef struct idpos {
    sk_id id;
    uint32_t old;
} idpos;

static int cmp_idpos(const void *a, const void *b)
{
    sk_id x = ((const idpos *)a)->id, y = ((const idpos *)b)->id;
    return (x > y) - (x < y);
}

/* Renumbers the vertices in id order, in the id array, the hash and the
 * links, so every result is independent of the order of arrival. */
static int renumber(sk_analysis_graph *g)
{
    if (g->nv == 0)
        return SK_OK;
    idpos *p = malloc(g->nv * sizeof *p);
    uint32_t *to = malloc(g->nv * sizeof *to);
    if (!p || !to) {
        free(p);
        free(to);
        return fail(g, SK_ENOMEM, "out of memory numbering %zu vertices", g->nv);
    }
    for (size_t i = 0; i < g->nv; i++)
        p[i] = (idpos){g->ids[i], (uint32_t)i};
    qsort(p, g->nv, sizeof *p, cmp_idpos);
    for (size_t i = 0; i < g->nv; i++) {
        g->ids[i] = p[i].id;
        to[p[i].old] = (uint32_t)i;
    }
    for (size_t s = 0; s < g->slot_cap; s++)
        if (g->slot_id[s] != 0)
            g->slot_v[s] = to[g->slot_v[s]];
    for (size_t i = 0; i < g->nlinks; i++) {
        uint64_t l = g->links[i];
        uint64_t u = to[(l >> 32) & LINK_VERTEX_MASK], v = to[l & LINK_VERTEX_MASK];
        g->links[i] = (l & LINK_DIRECTED) | u << 32 | v;
    }
    free(p);
    free(to);
    return SK_OK;
}

/* Sorts K[0..n) by their low BITS bits, least significant digit first,
 * carrying W (may be NULL) along; TK and TW are scratch of the same size.
 * Stops with false when the cancel hook fires between passes. */
static bool radix_sort(const sk_analysis_graph *g, uint64_t *k, double *w, size_t n,
                       unsigned bits, uint64_t *tk, double *tw)
{
    enum { DIGIT = 11, BUCKETS = 1 << DIGIT };
    static const uint64_t mask = BUCKETS - 1;
    uint64_t *k0 = k;
    double *w0 = w;
    size_t count[BUCKETS];
    for (unsigned shift = 0; shift < bits; shift += DIGIT) {
        if (cancelled(g))
            return false;
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(k[i] >> shift) & mask]++;
        size_t sum = 0;
        for (size_t d = 0; d < BUCKETS; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(k[i] >> shift) & mask]++;
            tk[at] = k[i];
            if (w)
                tw[at] = w[i];
        }
        uint64_t *sk = k; k = tk; tk = sk;
        double *sw = w; w = tw; tw = sw;
    }
    if (k != k0) {
        memcpy(k0, k, n * sizeof *k);
        if (w0)
            memcpy(w0, w, n * sizeof *w);
    }
    return true;
}

static unsigned bits_for(size_t n)
{
    unsigned b = 1;
    while (b < 63 && ((size_t)1 << b) < n)
        b++;
    return b;
}

/* Edge keys of every link: (from << B | to), canonical (low, high) when
 * DIRECTED is false, both arcs for an undirected link when it is true. */
static size_t make_keys(const sk_analysis_graph *g, bool directed, unsigned b,
                        uint64_t *k, double *w)
{
    size_t m = 0;
    for (size_t i = 0; i < g->nlinks; i++) {
        uint64_t l = g->links[i];
        uint64_t u = (l >> 32) & LINK_VERTEX_MASK, v = l & LINK_VERTEX_MASK;
        double s = w ? g->link_w[i] : 0;
        if (!directed) {
            k[m] = u < v ? u << b | v : v << b | u;
        } else {
            k[m] = u << b | v;
            if (!(l & LINK_DIRECTED)) {
                if (w)
                    w[m] = s;
                k[++m] = v << b | u;
            }
        }
        if (w)
            w[m] = s;
        m++;
    }
    return m;
}

/* Folds runs of equal keys (sorted) into one edge; returns the count. */
static size_t fold(const sk_analysis_graph *g, uint64_t *k, double *w, size_t m)
{
    size_t out = 0;
    for (size_t i = 0; i < m; i++) {
        if (out > 0 && k[out - 1] == k[i]) {
            if (w)
                w[out - 1] = g->opts.combine == SK_ANALYSIS_MAX ? fmax(w[out - 1], w[i])
                                                                : w[out - 1] + w[i];
            continue;
        }
        k[out] = k[i];
        if (w)
            w[out] = w[i];
        out++;
    }
    return out;
}

/* Hands the M folded keys (and strengths) to igraph as graph X. */
static int ig_create(sk_analysis_graph *g, bool directed, unsigned b, const uint64_t *k,
                     const double *w, size_t m, iggraph *x)
{
    igraph_vector_int_t ev;
    igcall c;
    int rc = ig_enter(g, &c);
    if (rc != SK_OK)
        return rc;
    igraph_error_t e = igraph_vector_int_init(&ev, (igraph_integer_t)(2 * m));
    if (e == IGRAPH_SUCCESS) {
        uint64_t low = (UINT64_C(1) << b) - 1;
        for (size_t i = 0; i < m; i++) {
            VECTOR(ev)[2 * i] = (igraph_integer_t)(k[i] >> b);
            VECTOR(ev)[2 * i + 1] = (igraph_integer_t)(k[i] & low);
        }
        e = igraph_vector_init(&x->str, w ? (igraph_integer_t)m : 0);
        if (e == IGRAPH_SUCCESS) {
            if (w)
                memcpy(VECTOR(x->str), w, m * sizeof *w);
            e = igraph_create(&x->g, &ev, (igraph_integer_t)g->nv, directed);
            if (e != IGRAPH_SUCCESS)
                igraph_vector_destroy(&x->str);
        }
        igraph_vector_int_destroy(&ev);
    }
    x->made = e == IGRAPH_SUCCESS;
    rc = e == IGRAPH_SUCCESS ? SK_OK : ig_fail(g, e, "building the analysis graph");
    ig_leave(g, &c);
    return rc;
}

/* Builds X from the links: directed or not, parallel links folded. */
static int build(sk_analysis_graph *g, bool directed, iggraph *x, size_t *merged)
{
    size_t cap = 0;
    for (size_t i = 0; i < g->nlinks; i++)
        cap += directed && !(g->links[i] & LINK_DIRECTED) ? 2 : 1;
    unsigned b = bits_for(g->nv);
    size_t alloc = cap ? cap : 1;
    uint64_t *k = malloc(alloc * sizeof *k), *tk = malloc(alloc * sizeof *tk);
    double *w = NULL, *tw = NULL;
    if (weighted(g)) {
        w = malloc(alloc * sizeof *w);
        tw = malloc(alloc * sizeof *tw);
    }
    int rc = SK_OK;
    if (!k || !tk || (weighted(g) && (!w || !tw))) {
        rc = fail(g, SK_ENOMEM, "out of memory sorting %zu edges", cap);
    } else {
        size_t m = make_keys(g, directed, b, k, w);
        if (!radix_sort(g, k, w, m, 2 * b, tk, tw)) {
            rc = fail(g, SK_ECANCELLED, "analysis cancelled while sorting links");
        } else {
            size_t folded = fold(g, k, w, m);
            *merged = m - folded;
            free(tk);
            free(tw);
            tk = NULL;
            tw = NULL;
            rc = ig_create(g, directed, b, k, w, folded, x);
        }
    }
    free(k);
    free(tk);
    free(w);
    free(tw);
    return rc;
}

int sk_analysis_finish(sk_analysis_graph *g)
{
    int rc = check_building(g);
    if (rc != SK_OK)
        return rc;
    if ((rc = renumber(g)) != SK_OK ||
        (rc = build(g, g->opts.directed, &g->main, &g->stats.merged)) != SK_OK)
        return poison(g, rc);
    g->stats.vertices = g->nv;
    g->stats.edges = (size_t)igraph_ecount(&g->main.g);
    if (!g->opts.directed) {
        /* Only the directed form needs the links again. */
        free(g->links);
        free(g->link_w);
        g->links = NULL;
        g->link_w = NULL;
        g->nlinks = g->links_cap = g->w_cap = 0;
    }
    g->state = READY;
    return SK_OK;
}

void sk_analysis_stats_get(const sk_analysis_graph *g, sk_analysis_stats *out)
{
    *out = g->stats;
}

size_t sk_analysis_nvertices(const sk_analysis_graph *g)
{
    return g->nv;
}

sk_id sk_analysis_vertex_id(const sk_analysis_graph *g, size_t v)
{
    return v < g->nv ? g->ids[v] : 0;
}

int sk_analysis_vertex_of(const sk_analysis_graph *g, sk_id id, size_t *v)
{
    if (id == 0 || g->slot_cap == 0)
        return SK_ENOTFOUND;
    size_t s = slot_of(g, id);
    if (g->slot_id[s] != id)
        return SK_ENOTFOUND;
    *v = g->slot_v[s];
    return SK_OK;
}

/* ---- Measures --------------------------------------------------------- */

static int check_ready(sk_analysis_graph *g)
{
    if (g->state == FAILED)
        return g->fail_code;
    if (g->state != READY)
        return fail(g, SK_EINVAL, "the analysis graph is not finished");
    g->notice[0] = '\0';
    return SK_OK;
}

/* The undirected form: the graph itself, or built once from the links.
 * Takes the guard itself, so it is called before ig_enter. */
static int undirected(sk_analysis_graph *g, iggraph **out)
{
    if (!g->opts.directed) {
        *out = &g->main;
        return SK_OK;
    }
    if (!g->undirected.made) {
        size_t merged;
        int rc = build(g, false, &g->undirected, &merged);
        if (rc != SK_OK)
            return rc;
    }
    *out = &g->undirected;
    return SK_OK;
}

static const igraph_vector_t *strengths(const sk_analysis_graph *g, const iggraph *x)
{
    return weighted(g) ? &x->str : NULL;
}

/* Distances 1/strength for the path measures (NULL: every edge counts 1). */
static int distances(sk_analysis_graph *g, const igraph_vector_t **out)
{
    *out = NULL;
    if (!weighted(g))
        return SK_OK;
    if (!g->has_dist) {
        igraph_integer_t m = igraph_vector_size(&g->main.str);
        igraph_error_t e = igraph_vector_init(&g->dist, m);
        if (e != IGRAPH_SUCCESS)
            return ig_fail(g, e, "weighted distances");
        for (igraph_integer_t i = 0; i < m; i++)
            VECTOR(g->dist)[i] = 1.0 / VECTOR(g->main.str)[i];
        g->has_dist = true;
    }
    *out = &g->dist;
    return SK_OK;
}

static igraph_error_t degree_of(const igraph_t *ig, const igraph_vector_t *w,
                                igraph_neimode_t mode, igraph_vector_t *res)
{
    if (w)
        return igraph_strength(ig, res, igraph_vss_all(), mode, false, w);
    igraph_vector_int_t d;
    igraph_error_t e = igraph_vector_int_init(&d, 0);
    if (e != IGRAPH_SUCCESS)
        return e;
    e = igraph_degree(ig, &d, igraph_vss_all(), mode, false);
    if (e == IGRAPH_SUCCESS)
        e = igraph_vector_resize(res, igraph_vector_int_size(&d));
    if (e == IGRAPH_SUCCESS)
        for (igraph_integer_t i = 0; i < igraph_vector_int_size(&d); i++)
            VECTOR(*res)[i] = (igraph_real_t)VECTOR(d)[i];
    igraph_vector_int_destroy(&d);
    return e;
}

/* Runs measure M into RES; the caller holds the guard. */
static int measure_locked(sk_analysis_graph *g, sk_analysis_measure m, iggraph *u,
                          igraph_vector_t *res)
{
    const igraph_t *ig = &g->main.g;
    const igraph_vector_t *str = strengths(g, &g->main), *dist = NULL;
    igraph_real_t cut = g->opts.cutoff > 0 ? g->opts.cutoff : -1;
    igraph_real_t value;
    igraph_arpack_options_t arpack;
    int rc = SK_OK;
    igraph_error_t e = IGRAPH_SUCCESS;

    if (m == SK_ANALYSIS_BETWEENNESS || m == SK_ANALYSIS_CLOSENESS || m == SK_ANALYSIS_HARMONIC)
        rc = distances(g, &dist);
    if (rc != SK_OK)
        return rc;
    switch (m) {
    case SK_ANALYSIS_DEGREE:
        /* Neighbours, not arcs: a pair linked both ways counts once. */
        e = degree_of(&u->g, strengths(g, u), IGRAPH_ALL, res);
        break;
    case SK_ANALYSIS_INDEGREE:
        e = degree_of(ig, str, IGRAPH_IN, res);
        break;
    case SK_ANALYSIS_OUTDEGREE:
        e = degree_of(ig, str, IGRAPH_OUT, res);
        break;
    case SK_ANALYSIS_BETWEENNESS:
        e = igraph_betweenness_cutoff(ig, res, igraph_vss_all(), true, dist, cut);
        break;
    case SK_ANALYSIS_CLOSENESS:
        e = igraph_closeness_cutoff(ig, res, NULL, NULL, igraph_vss_all(), IGRAPH_OUT,
                                    dist, true, cut);
        break;
    case SK_ANALYSIS_HARMONIC:
        e = igraph_harmonic_centrality_cutoff(ig, res, igraph_vss_all(), IGRAPH_OUT,
                                              dist, true, cut);
        break;
    case SK_ANALYSIS_EIGENVECTOR:
        igraph_arpack_options_init(&arpack);
        e = igraph_eigenvector_centrality(ig, res, &value, true, true, str, &arpack);
        break;
    case SK_ANALYSIS_PAGERANK:
        e = igraph_pagerank(ig, IGRAPH_PAGERANK_ALGO_PRPACK, res, &value, igraph_vss_all(),
                            true, 0.85, str, NULL);
        break;
    case SK_ANALYSIS_NMEASURES:
        break;
    }
    return e == IGRAPH_SUCCESS ? SK_OK : ig_fail(g, e, sk_analysis_measure_name(m));
}

int sk_analysis_compute(sk_analysis_graph *g, sk_analysis_measure m, double *scores)
{
    int rc = check_ready(g);
    if (rc != SK_OK)
        return rc;
    if ((unsigned)m >= SK_ANALYSIS_NMEASURES)
        return fail(g, SK_EINVAL, "unknown measure %d", (int)m);
    iggraph *u = NULL;
    if (m == SK_ANALYSIS_DEGREE && (rc = undirected(g, &u)) != SK_OK)
        return rc;
    igcall c;
    if ((rc = ig_enter(g, &c)) != SK_OK)
        return rc;
    igraph_vector_t res;
    igraph_error_t e = igraph_vector_init(&res, 0);
    if (e != IGRAPH_SUCCESS) {
        rc = ig_fail(g, e, sk_analysis_measure_name(m));
    } else {
        rc = measure_locked(g, m, u, &res);
        if (rc == SK_OK && (size_t)igraph_vector_size(&res) != g->nv)
            rc = fail(g, SK_EINVAL, "%s gave %lld scores for %zu vertices",
                      sk_analysis_measure_name(m), (long long)igraph_vector_size(&res), g->nv);
        /* Closeness is undefined (NaN) for a vertex that reaches none. */
        for (size_t i = 0; rc == SK_OK && i < g->nv; i++)
            scores[i] = isnan(VECTOR(res)[i]) && m == SK_ANALYSIS_CLOSENESS ? 0 : VECTOR(res)[i];
        igraph_vector_destroy(&res);
    }
    ig_leave(g, &c);
    return rc;
}

int sk_analysis_triangles(sk_analysis_graph *g, double *counts)
{
    int rc = check_ready(g);
    if (rc != SK_OK)
        return rc;
    iggraph *u;
    igcall c;
    if ((rc = undirected(g, &u)) != SK_OK || (rc = ig_enter(g, &c)) != SK_OK)
        return rc;
    igraph_vector_t res;
    igraph_error_t e = igraph_vector_init(&res, 0);
    if (e == IGRAPH_SUCCESS) {
        e = igraph_adjacent_triangles(&u->g, &res, igraph_vss_all());
        if (e == IGRAPH_SUCCESS)
            memcpy(counts, VECTOR(res), g->nv * sizeof *counts);
        igraph_vector_destroy(&res);
    }
    if (e != IGRAPH_SUCCESS)
        rc = ig_fail(g, e, "triangles");
    ig_leave(g, &c);
    return rc;
}

/* ---- Communities and components -------------------------------------- */

typedef struct commrank {
    size_t size;
    size_t first;    /* smallest vertex, hence smallest entity id */
    size_t label;    /* igraph's label */
} commrank;

static int cmp_commrank(const void *a, const void *b)
{
    const commrank *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return (x->first > y->first) - (x->first < y->first);
}

/* Renumbers igraph's labels MEMB: 0 = largest, ties by smallest id. */
static int canonical(sk_analysis_graph *g, const igraph_vector_int_t *memb, long *out,
                     sk_analysis_partition *info)
{
    size_t n = g->nv, k = 0;
    for (size_t i = 0; i < n; i++)
        if ((size_t)VECTOR(*memb)[i] + 1 > k)
            k = (size_t)VECTOR(*memb)[i] + 1;
    commrank *r = calloc(k ? k : 1, sizeof *r);
    size_t *to = malloc((k ? k : 1) * sizeof *to);
    if (!r || !to) {
        free(r);
        free(to);
        return fail(g, SK_ENOMEM, "out of memory numbering communities");
    }
    for (size_t c = 0; c < k; c++)
        r[c] = (commrank){0, SIZE_MAX, c};
    for (size_t i = 0; i < n; i++) {
        commrank *x = &r[VECTOR(*memb)[i]];
        if (x->size++ == 0)
            x->first = i;
    }
    qsort(r, k, sizeof *r, cmp_commrank);
    for (size_t c = 0; c < k; c++)
        to[r[c].label] = c;
    for (size_t i = 0; i < n; i++)
        out[i] = (long)to[VECTOR(*memb)[i]];
    info->count = 0;
    for (size_t c = 0; c < k; c++)
        info->count += r[c].size > 0;
    info->largest = k ? r[0].size : 0;
    free(r);
    free(to);
    return SK_OK;
}

/* Runs METHOD on the undirected graph U into MEMB; the guard is held. */
static igraph_error_t detect(const sk_analysis_graph *g, const iggraph *u,
                             sk_analysis_method method, igraph_vector_int_t *memb)
{
    const igraph_vector_t *w = strengths(g, u);
    switch (method) {
    case SK_ANALYSIS_LOUVAIN:
        return igraph_community_multilevel(&u->g, w, 1.0, memb, NULL, NULL);
    case SK_ANALYSIS_LABELPROP:
        return igraph_community_label_propagation(&u->g, memb, IGRAPH_ALL, w, NULL, NULL);
    case SK_ANALYSIS_LEIDEN:
        break;
    default:
        return IGRAPH_EINVAL;
    }
    /* Leiden optimises modularity when node weights are the strengths and
     * the resolution is 1/(2m), m the total edge strength (igraph manual). */
    igraph_vector_t nodew;
    igraph_error_t e = igraph_vector_init(&nodew, 0);
    if (e != IGRAPH_SUCCESS)
        return e;
    e = igraph_strength(&u->g, &nodew, igraph_vss_all(), IGRAPH_ALL, false, w);
    if (e == IGRAPH_SUCCESS) {
        igraph_real_t total = igraph_vector_sum(&nodew) / 2;
        igraph_integer_t nb;
        igraph_real_t quality;
        e = igraph_community_leiden(&u->g, w, &nodew, 1.0 / (2 * total), 0.01, false, -1,
                                    memb, &nb, &quality);
    }
    igraph_vector_destroy(&nodew);
    return e;
}

/* Shared tail of communities and components: canonical ids, and the
 * modularity of the partition on U (NULL: not wanted, left NaN). */
static int finish_partition(sk_analysis_graph *g, const iggraph *u, igraph_vector_int_t *memb,
                            long *membership, sk_analysis_partition *info)
{
    sk_analysis_partition local;
    if (!info)
        info = &local;
    info->modularity = NAN;
    if (u && igraph_ecount(&u->g) > 0) {
        igraph_error_t e = igraph_modularity(&u->g, memb, strengths(g, u), 1.0, false,
                                             &info->modularity);
        if (e != IGRAPH_SUCCESS)
            return ig_fail(g, e, "modularity");
    }
    return canonical(g, memb, membership, info);
}

/* Every vertex alone: what any method finds on a graph without edges,
 * where leiden's resolution 1/(2m) would be infinite. */
static igraph_error_t singletons(const sk_analysis_graph *g, igraph_vector_int_t *memb)
{
    igraph_error_t e = igraph_vector_int_resize(memb, (igraph_integer_t)g->nv);
    for (size_t i = 0; e == IGRAPH_SUCCESS && i < g->nv; i++)
        VECTOR(*memb)[i] = (igraph_integer_t)i;
    return e;
}

int sk_analysis_communities(sk_analysis_graph *g, sk_analysis_method method,
                            long *membership, sk_analysis_partition *info)
{
    int rc = check_ready(g);
    if (rc != SK_OK)
        return rc;
    if ((unsigned)method >= SK_ANALYSIS_NMETHODS)
        return fail(g, SK_EINVAL, "unknown community method %d", (int)method);
    iggraph *u;
    igcall c;
    if ((rc = undirected(g, &u)) != SK_OK || (rc = ig_enter(g, &c)) != SK_OK)
        return rc;
    igraph_vector_int_t memb;
    igraph_error_t e = igraph_vector_int_init(&memb, 0);
    if (e == IGRAPH_SUCCESS) {
        e = igraph_ecount(&u->g) == 0 ? singletons(g, &memb) : detect(g, u, method, &memb);
        if (e == IGRAPH_SUCCESS)
            rc = finish_partition(g, u, &memb, membership, info);
        igraph_vector_int_destroy(&memb);
    }
    if (e != IGRAPH_SUCCESS)
        rc = ig_fail(g, e, sk_analysis_method_name(method));
    ig_leave(g, &c);
    return rc;
}

int sk_analysis_components(sk_analysis_graph *g, bool strong, long *membership,
                           sk_analysis_partition *info)
{
    int rc = check_ready(g);
    if (rc != SK_OK)
        return rc;
    igcall c;
    if ((rc = ig_enter(g, &c)) != SK_OK)
        return rc;
    igraph_vector_int_t memb;
    igraph_error_t e = igraph_vector_int_init(&memb, 0);
    if (e == IGRAPH_SUCCESS) {
        e = igraph_connected_components(&g->main.g, &memb, NULL, NULL,
                                        strong ? IGRAPH_STRONG : IGRAPH_WEAK);
        if (e == IGRAPH_SUCCESS)
            rc = finish_partition(g, NULL, &memb, membership, info);
        igraph_vector_int_destroy(&memb);
    }
    if (e != IGRAPH_SUCCESS)
        rc = ig_fail(g, e, "components");
    ig_leave(g, &c);
    return rc;
}

/* ---- Ranking and results --------------------------------------------- */

typedef struct rankkey {
    double q;        /* the score rounded to 34 significant bits; NaN last */
    uint32_t v;
} rankkey;

/* Rounds X to 34 significant bits (about 10 decimal digits), so scores
 * that differ only by rounding noise compare equal and fall back to id. */
static double quantise(double x)
{
    if (!isfinite(x) || x == 0)
        return isnan(x) ? -INFINITY : x;
    int e;
    double m = frexp(x, &e);
    return ldexp(nearbyint(ldexp(m, 34)), e - 34);
}

static int cmp_rankkey(const void *a, const void *b)
{
    const rankkey *x = a, *y = b;
    if (x->q != y->q)
        return x->q < y->q ? 1 : -1;
    return (x->v > y->v) - (x->v < y->v);
}

int sk_analysis_top(sk_analysis_graph *g, const double *scores, size_t top,
                    sk_analysis_keep_fn keep, void *ctx,
                    sk_analysis_ranked *out, size_t *nout)
{
    *nout = 0;
    int rc = check_ready(g);
    if (rc != SK_OK)
        return rc;
    rankkey *r = malloc((g->nv ? g->nv : 1) * sizeof *r);
    if (!r)
        return fail(g, SK_ENOMEM, "out of memory ranking %zu vertices", g->nv);
    for (size_t i = 0; i < g->nv; i++)
        r[i] = (rankkey){quantise(scores[i]), (uint32_t)i};
    qsort(r, g->nv, sizeof *r, cmp_rankkey);
    size_t want = top ? top : g->nv;
    for (size_t i = 0; i < g->nv && *nout < want; i++) {
        sk_id id = g->ids[r[i].v];
        int k = keep ? keep(ctx, id) : 1;
        if (k < 0) {
            free(r);
            return k;
        }
        if (k > 0)
            out[(*nout)++] = (sk_analysis_ranked){id, r[i].v, scores[r[i].v]};
    }
    free(r);
    return SK_OK;
}

void sk_analysis_apply_scores(const sk_analysis_graph *g, const double *scores, sk_graph *rg)
{
    for (size_t i = 0; i < rg->nnodes; i++) {
        size_t v;
        if (sk_analysis_vertex_of(g, rg->nodes[i].id, &v) == SK_OK) {
            rg->nodes[i].has_score = true;
            rg->nodes[i].score = scores[v];
        }
    }
}

void sk_analysis_apply_membership(const sk_analysis_graph *g, const long *membership,
                                  sk_graph *rg)
{
    for (size_t i = 0; i < rg->nnodes; i++) {
        size_t v;
        rg->nodes[i].community =
            sk_analysis_vertex_of(g, rg->nodes[i].id, &v) == SK_OK ? membership[v] : -1;
    }
}
