/*
 * exec_int.h — what the executor's files share (private to query/): the
 * execution context of one statement, id sets, name and reference
 * resolution, compiled conditions, traversal filters, and the builders
 * that turn ids into self-contained results.
 *
 * Life of a statement (exec.c): parse → for each stage, run its handler
 * (one function per stage kind, in the stmt_*.c files) with the previous
 * stage's result as input → hand the last result to the caller's sink.
 * Every handler reads the store through x->t (one transaction for the
 * whole statement), allocates what outlives the stage in x->a (the
 * result arena) and scratch in x->tmp, and reports a failure with
 * sk_exec_fail (a span into the query text and a message).
 *
 * Ownership: an sk_exec lives for one statement. Id sets, builders and
 * compiled conditions allocate in the statement's arenas unless their own
 * free function says otherwise.
 */
#ifndef SK_QUERY_EXEC_INT_H
#define SK_QUERY_EXEC_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "limits.h"
#include "query.h"

/* ---- Execution context ------------------------------------------------ */

typedef struct sk_rxcache sk_rxcache;   /* compiled PCRE2 patterns (cond.c) */
typedef struct sk_srccache sk_srccache; /* sources and grades (grade.c) */
typedef struct sk_namecache sk_namecache; /* resolved symbol names (resolve.c) */

typedef struct sk_exec {
    sk_store *s;
    sk_txn *t;                /* the statement's transaction */
    sk_arena *a;              /* the result arena (outlives the statement) */
    sk_arena *tmp;            /* scratch, freed when the statement ends */
    const char *text;         /* the whole query text (spans point into it) */
    size_t len;
    const sk_query_opts *opts;
    const sk_ast_stmt *stmt;  /* the statement being run */
    sk_diag diag;             /* the failure, when code != SK_OK */
    int code;
    char notice[512];         /* why a result is incomplete; "" when complete */
    sk_rxcache *rx;
    sk_srccache *src;
    bool planner_off;         /* opts->no_planner: scan, never pick an index */
    char plan[2048];          /* what the planner chose, for explain */
    bool disclosed;           /* an export stage wrote a file */
    size_t disclosed_entities; /* how many entities left in it */
    const char *disclosed_handling; /* the most restrictive handling code shown */
    sk_id audit_target;       /* the entity a change touched, for the log */
    uint64_t audit_count;     /* how many it touched */
    bool compact;             /* a purge ran: compact the file after commit */
    int clearance;            /* most restrictive handling level the user may
                                 see; -1 = no restriction (access.c) */
    sk_namecache *names;      /* names already copied into x->a */
    bool counting;            /* the next stage only counts this one's graph:
                                 the builder keeps ids and reads no record
                                 the count does not need (build.c) */
    bool count_entities_only; /* ... and counts its entities only: links
                                 need not be gathered */
} sk_exec;

/* Who runs the query: opts->user, $SKEIN_USER, or the login name. */
const char *sk_exec_user(const sk_exec *x);

/* Records a failure at SPAN (x->code, x->diag) and returns CODE. */
int sk_exec_fail(sk_exec *x, int code, sk_span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records a store failure (the transaction's message) at SPAN. */
int sk_exec_store_fail(sk_exec *x, int code, sk_span span);
/* Appends to x->notice ("; " between notes). */
void sk_exec_notice(sk_exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a line to x->plan (explain). */
void sk_exec_plan(sk_exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* SK_ECANCELLED (recorded at SPAN) when the user pressed Ctrl-C. Cheap:
 * call it in every loop that may run long. */
int sk_exec_check(sk_exec *x, sk_span span);

/* ---- Id sets and maps (idmap.c) -------------------------------------- */

/* An open-addressing hash map from id to a 64-bit value; ids are never 0.
 * Owns its memory (malloc): free with sk_idmap_free. */
typedef struct sk_idmap {
    sk_id *keys;
    uint64_t *vals;
    size_t cap, n;
} sk_idmap;

void sk_idmap_init(sk_idmap *m);
void sk_idmap_free(sk_idmap *m);
/* Inserts ID → VAL unless present. Returns 1 when inserted, 0 when it was
 * there (VAL not changed), SK_ENOMEM. */
int sk_idmap_put(sk_idmap *m, sk_id id, uint64_t val);
/* Sets ID → VAL, inserting or overwriting; SK_OK or SK_ENOMEM. */
int sk_idmap_set(sk_idmap *m, sk_id id, uint64_t val);
/* Pointer to the value of ID, NULL when absent (valid until the next put). */
uint64_t *sk_idmap_get(const sk_idmap *m, sk_id id);
bool sk_idmap_has(const sk_idmap *m, sk_id id);
void sk_idmap_clear(sk_idmap *m);

/* A growable array of ids (malloc; free with sk_idvec_free). */
typedef struct sk_idvec {
    sk_id *v;
    size_t n, cap;
} sk_idvec;
int sk_idvec_push(sk_idvec *v, sk_id id);
void sk_idvec_free(sk_idvec *v);

/* A stable sort of the indexes IX[0..n) by CMP (negative: A before B). */
typedef int (*sk_ix_cmp)(void *ctx, size_t a, size_t b);
int sk_sort_ix(size_t *ix, size_t n, sk_ix_cmp cmp, void *ctx);

/* ---- Names (resolve.c) ------------------------------------------------ */

/* Interns an entity type, link type or property named in the query. When
 * the name is unknown to the case: SK_ENOTFOUND recorded at the name's span
 * with the closest known name suggested ("unknown entity type 'persn'; did
 * you mean 'person'?"). */
int sk_exec_etype(sk_exec *x, const sk_ast_name *n, sk_sym *out);
int sk_exec_ltype(sk_exec *x, const sk_ast_name *n, sk_sym *out);
int sk_exec_prop(sk_exec *x, const sk_ast_name *n, sk_sym *out);
/* Name of a symbol, NUL-terminated, copied into x->a ("?" if unknown). */
const char *sk_exec_name(sk_exec *x, enum sk_dict d, sk_sym sym);

/* ---- Entity references (resolve.c) ----------------------------------- */

/* Resolves REF to exactly one entity: by id, by normalised key of its type,
 * or by display label (folded) when no key matches. No match: SK_ENOTFOUND
 * ("no person "Jo Smith" in this case"); several: SK_EAMBIGUOUS listing the
 * candidates with their ids; a set (TYPE where …) must match exactly one. */
int sk_exec_ref(sk_exec *x, const sk_ast_ref *r, sk_id *out);
/* Resolves REF to every entity it names (a set may hold many, or none). */
int sk_exec_refset(sk_exec *x, const sk_ast_ref *r, sk_idvec *out);

/* ---- Conditions (cond.c) ---------------------------------------------- */

/* A condition compiled against the case: property names interned, regexes
 * compiled (PCRE2, UTF, JIT when available), grading codes parsed. */
typedef struct sk_cexpr sk_cexpr;

/* What a condition is tested against. Unqualified properties and the
 * special fields (id, type, key, label, grade, source, time) are looked up
 * on the PRIMARY object; a qualifier picks the other ('link.time',
 * 'entity.name') or a match variable (VARS). */
typedef enum sk_cond_primary {
    SK_PRIMARY_ENTITY = 1,
    SK_PRIMARY_LINK = 2,
} sk_cond_primary;

/* The objects a condition sees; any may be NULL. */
typedef struct sk_cond_env {
    const sk_entity *entity;
    const sk_link *link;
    /* match variables: names and their bound entity or link */
    const char *const *var_names;
    const sk_entity *const *var_entities;  /* NULL entry: a link variable */
    const sk_link *const *var_links;
    size_t nvars;
} sk_cond_env;

/* Compiles C (NULL gives NULL: always true). */
int sk_cond_compile(sk_exec *x, const sk_ast_cond *c, sk_cond_primary primary,
                    sk_cexpr **out);
/* True when the objects of ENV satisfy E (NULL E: true). A property that is
 * absent makes a comparison false (and 'not' of it true). */
bool sk_cond_eval(sk_exec *x, const sk_cexpr *e, const sk_cond_env *env);
/* Whether E refers to the link (needs link records loaded) or only to
 * fields of the adjacency record (type, time). */
bool sk_cond_needs_link(const sk_cexpr *e);
/* Frees what conditions compiled outside the arenas (regexes). */
void sk_exec_cleanup(sk_exec *x);
/* A PCRE2 match of SUBJECT against the compiled regex literal LIT. */
bool sk_exec_regex(sk_exec *x, const sk_ast_lit *lit, const char *subject, size_t len);

/* ---- Gradings and sources (grade.c) ----------------------------------- */

typedef struct sk_gradeinfo {
    const char *code;        /* canonical spelling (in x->a), NULL if ungraded */
    double reliability;      /* 1.0 when ungraded */
    int handling;            /* 0 = none */
    const char *handling_code;
    bool no_dissemination;
} sk_gradeinfo;

/* The best grading among ASSERTS (a grade of 0 means the source's default)
 * and the most restrictive handling. */
void sk_exec_grade(sk_exec *x, const sk_assert *asserts, size_t n, sk_gradeinfo *out);
/* Parses a grading code written in the query (grade >= B2). */
int sk_exec_grade_lit(sk_exec *x, const sk_ast_lit *lit, sk_gradeinfo *out);
/* ---- Access (access.c) ------------------------------------------------ */

/* Looks up the user's clearance (metadata "clearance:USER"); fails with
 * SK_EACCESS when the case is restricted to named users ("access_control"
 * = "1") and the user is not one of them. */
int sk_exec_access(sk_exec *x);
/* Whether facts asserted by AS may be shown to the user. */
bool sk_exec_visible(sk_exec *x, const sk_assert *as, size_t n);
/* Whether entity ID (and so everything through it) may be shown. */
bool sk_exec_visible_entity(sk_exec *x, sk_id id);
/* Whether link ID may be shown: its own grading and both of its ends. */
bool sk_exec_visible_link(sk_exec *x, sk_id id);

/* Name of source ID (in x->a), "?" when unknown. */
const char *sk_exec_source_name(sk_exec *x, sk_srcid id);

/* ---- Traversal filters (walk.c) --------------------------------------- */

/* The clauses that restrict a walk: via, only, avoid, time, where. */
typedef struct sk_walk {
    sk_sym *ltypes; size_t nltypes;   /* via: allowed link types (none = all) */
    sk_sym *etypes; size_t netypes;   /* only: allowed entity types (none = all) */
    sk_idmap avoid;                   /* entities never entered */
    bool timed;                       /* a TIME clause was given */
    int64_t from, to;                 /* its inclusive range */
    sk_cexpr *where;                  /* tested on each link (primary LINK) */
    bool where_needs_link;
    unsigned dirmask;                 /* SK_DIR_* followed; default ANY */
    sk_adjcur *cur;                   /* one cursor re-seeked for each entity */
    sk_idmap types;                   /* cache: entity id → type */
    sk_idmap degrees;                 /* cache: entity id → degree (see sk_walk_degree) */
    bool cache_degrees;               /* keep them: the same entities are expanded
                                         again (path searches); a walk that expands
                                         each entity once does not */
    sk_arena *scratch;                /* link records the where condition reads */
    sk_adj *buf;                      /* entries of the entity being walked whole */
    size_t nbuf, capbuf;
    uint64_t supernode;               /* degree above which an entity is not expanded */
    uint64_t capped;                  /* entities left unexpanded (reported) */
} sk_walk;

/* Builds the filters from CL (only the clauses the stage admits are set). */
int sk_walk_init(sk_exec *x, const sk_ast_clauses *cl, sk_walk *w);
void sk_walk_free(sk_walk *w);

/* One step of a walk: the link and the entity it leads to. */
typedef struct sk_step {
    sk_id from;
    sk_adj adj;        /* adj.nb is the entity reached, adj.link the link */
} sk_step;

/* Calls FN for each link of ID that passes the filters (link type, time,
 * where, the type and avoid-list of the entity reached). FN returns SK_OK
 * to go on, SK_DONE to stop early, or an error. An entity whose degree is
 * above the supernode cap is not expanded (counted in w->capped) unless
 * FORCE. Returns SK_OK, or FN's error. */
typedef int (*sk_step_fn)(void *ctx, const sk_step *s);
int sk_walk_each(sk_exec *x, sk_walk *w, sk_id id, bool force, sk_step_fn fn, void *ctx);
/* Entity type of ID (cached). */
int sk_walk_type(sk_exec *x, sk_walk *w, sk_id id, sk_sym *out);
/* Degree of ID (every link, any type or direction), cached; above the
 * supernode cap it may be given as cap + 1, which is all the cap needs. */
int sk_walk_degree(sk_exec *x, sk_walk *w, sk_id id, uint64_t *out);

/* ---- Result builders (build.c) ----------------------------------------- */

/* Builds a graph result: nodes and links are added by id (each once),
 * loaded from the store and resolved to names in x->a. */
typedef struct sk_gbuild sk_gbuild;
int sk_gb_new(sk_exec *x, sk_gbuild **out);
void sk_gb_free(sk_gbuild *b);
/* Adds entity ID; *idx (may be NULL) gets its index among the nodes. */
int sk_gb_node(sk_gbuild *b, sk_id id, size_t *idx);
/* Adds link ID and both of its ends. */
int sk_gb_link(sk_gbuild *b, sk_id id);
/* Adds link ID whose ends FROM and TO are known (an adjacency entry): the
 * same as sk_gb_link, but a hollow builder reads no record for it. */
int sk_gb_adj(sk_gbuild *b, sk_id id, sk_id from, sk_id to);
/* Adds a path (its N links in order) and its links. NODES, when not NULL,
 * holds its N + 1 entities in order (link i joins nodes[i] and
 * nodes[i + 1]), so a hollow builder need not read the links. */
int sk_gb_path(sk_gbuild *b, const sk_id *links, const sk_id *nodes, size_t n);
/* Adds every node and link of G (a piped result). */
int sk_gb_graph(sk_gbuild *b, const sk_graph *g);
size_t sk_gb_nnodes(const sk_gbuild *b);
/* Fills R (kind GRAPH): nodes ordered by id, links by id, paths as added;
 * the handling level of R is the most restrictive of what it holds.
 * A hollow builder (made while x->counting) fills only the ids, unordered,
 * and no handling: the result is for counting, never shown. */
int sk_gb_finish(sk_gbuild *b, sk_result *r);

/* Builds a table result row by row. */
typedef struct sk_tbuild sk_tbuild;
/* Columns are copied. */
int sk_tb_new(sk_exec *x, const char *const *cols, size_t ncols, sk_tbuild **out);
/* Adds a column after creation (for find: one per property met). Returns
 * its index; earlier rows get NULL in it. */
int sk_tb_col(sk_tbuild *b, const char *name);
/* Index of column NAME, or -1. */
int sk_tb_find_col(const sk_tbuild *b, const char *name);
/* A new row of NULL cells (room for the columns known now and later);
 * NULL when the row limit is reached (noted in x->notice) or on ENOMEM
 * (x->code set). */
sk_value *sk_tb_row(sk_tbuild *b);
/* Sets a cell of the last row (grows it when columns were added). */
int sk_tb_set(sk_tbuild *b, size_t col, sk_value v);
/* Fills the four entity columns (id, type, key, label) of the last row,
 * which must be columns 0..3. */
int sk_tb_entity(sk_tbuild *b, const sk_entity *e);
size_t sk_tb_nrows(const sk_tbuild *b);
/* Fills R (kind TABLE) and frees the builder. */
int sk_tb_finish(sk_tbuild *b, sk_result *r);
/* Frees a builder whose table is not wanted (an error path). NULL is fine. */
void sk_tb_free(sk_tbuild *b);

/* Value helpers: a string value copied into x->a; a time value. */
sk_value sk_exec_str(sk_exec *x, const char *s, size_t len);
sk_value sk_exec_time(int64_t t, int16_t off);

/* ---- Stage handlers (stmt_*.c) ----------------------------------------- */

/* Runs one stage. IN is the previous stage's result (NULL for the first
 * stage); OUT receives this stage's result. */
typedef int (*sk_stage_fn)(sk_exec *x, const sk_ast_stage *st, const sk_result *in,
                           sk_result *out);

int sk_stage_find(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_show(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_neighbours(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_network(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_path(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_paths(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_shortest(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_connect(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_common(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_match(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_rank(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_communities(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_components(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_timeline(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_colocated(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_convoy(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_duplicates(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_merge(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_unmerge(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_create(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_link(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_set(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_delete(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_export(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_stats(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_filter(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_purge(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_retain(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_review(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);
int sk_stage_count(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out);

#endif /* SK_QUERY_EXEC_INT_H */
