/*
 * query.h — the skein query language (query/), its one public header.
 *
 * A query text is one statement or several stages joined by '|'. Running it
 * yields a result: a TABLE (rows × columns) or a GRAPH (entities + links;
 * paths keep their order). Results are self-contained: every string and
 * array lives in the sk_arena the caller passed, with names resolved, so a
 * result outlives the transaction that produced it and can be printed or
 * charted by export/ without touching the store.
 *
 * Ownership: the caller owns the arena and frees it (sk_arena_free); the
 * result and everything it points to die with it.
 */
#ifndef SK_QUERY_H
#define SK_QUERY_H

#include <signal.h>

#include "store.h"

/* ---- Results --------------------------------------------------------- */

/* A property on a result node or link, with its name resolved. */
typedef struct sk_rprop {
    const char *name;
    sk_value value;          /* strings NUL-terminated, in the arena */
} sk_rprop;

/* An entity in a graph result. */
typedef struct sk_rnode {
    sk_id id;
    const char *type;        /* entity type name, e.g. "person" */
    const char *key;         /* normalised key, "" when none */
    const char *label;       /* display label */
    sk_rprop *props; size_t nprops;
    const char **sources; size_t nsources;  /* source names asserting it */
    const char *grade;       /* best grading code of its assertions, or NULL */
    int handling;            /* most restrictive handling level, 0 = none */
    const char *handling_code; /* its spelling, or NULL */
    bool has_score;          /* a rank measure was piped in */
    double score;
    long community;          /* community or component id, -1 = none */
    uint64_t collapsed;      /* >0: this node stands for N hidden neighbours */
} sk_rnode;

/* A link in a graph result. */
typedef struct sk_rlink {
    sk_id id;
    sk_id src, dst;          /* entity ids; both are nodes of the graph */
    const char *type;        /* link type name */
    bool directed;
    int64_t t_start, t_end;  /* SK_NO_TIME when none */
    int16_t t_off;
    double weight;
    sk_rprop *props; size_t nprops;
    const char **sources; size_t nsources;
    const char *grade;       /* best grading code, or NULL */
    double reliability;      /* of that grade, 0..1; 1 when ungraded */
    int handling;
    const char *handling_code;
} sk_rlink;

typedef struct sk_graph {
    sk_rnode *nodes; size_t nnodes;
    sk_rlink *links; size_t nlinks;
    /* Paths, each an ordered list of link ids (path results only). */
    sk_id **paths; size_t *path_len; size_t npaths;
} sk_graph;

typedef struct sk_table {
    size_t ncols;
    const char **cols;
    size_t nrows;
    sk_value *cells;         /* row-major: cells[row * ncols + col] */
} sk_table;

typedef enum sk_rkind {
    SK_RESULT_TABLE = 1,
    SK_RESULT_GRAPH = 2,
} sk_rkind;

typedef struct sk_result {
    sk_rkind kind;
    sk_table table;          /* valid when kind == SK_RESULT_TABLE */
    sk_graph graph;          /* valid when kind == SK_RESULT_GRAPH */
    const char *query;       /* the statement text that made it */
    const char *notice;      /* NULL, or why the result is incomplete
                                ("cut at 1000 rows (limit rows)") */
    int handling;            /* most restrictive handling level shown */
    const char *handling_code; /* its spelling, or NULL */
    bool no_dissemination;   /* something in it may not be passed on without
                                the originator's authority */
} sk_result;

/* ---- Running queries -------------------------------------------------- */

/* An export stage (`… | export svg "x.svg" layout sfdp title "…"`) asks the
 * caller to write its input: the query layer does not depend on export/.
 * FORMAT and LAYOUT are lower-case names ("svg", "sfdp"; LAYOUT NULL when
 * not given), TITLE NULL when not given. The function writes a one-line
 * report ("wrote x.svg: 12 entities, 15 links") or the reason it failed
 * into MSG and returns SK_OK or an SK_E* code. */
typedef struct sk_export_req {
    const char *format;
    const char *file;
    const char *layout;
    const char *title;
} sk_export_req;
typedef int (*sk_export_fn)(void *ctx, const sk_result *r, const sk_export_req *req,
                            char *msg, size_t msglen);

typedef struct sk_query_opts {
    const volatile sig_atomic_t *cancel; /* set non-zero (from a signal handler) to
                                    stop a running query: SK_ECANCELLED */
    bool no_planner;             /* never pick an index: scan (for tests that
                                    check the planner changes no answer) */
    sk_export_fn export_fn;      /* NULL: export stages fail with a message */
    void *export_ctx;
    const char *origin;          /* prefix for error reports ("charts.skq") */
    const char *user;            /* who runs it (audit log, manual entry
                                    sources); NULL: $SKEIN_USER or the login */
    const char *reason;          /* the justification, recorded in the audit
                                    log; a case may require one */
    bool no_audit;               /* do not log consultations (benchmarks
                                    only; changes are always logged) */
    const char *authorised_by;   /* who authorised disseminating material
                                    whose handling code forbids it (export) */
} sk_query_opts;

/* Receives each statement's result; returns SK_OK to go on. The result
 * and its arena are valid only during the call. */
typedef int (*sk_result_fn)(void *ctx, const sk_result *r);

/* Error of a failed query: the code and a report naming line and column
 * with the source line and a caret under the offending text. */
typedef struct sk_query_error {
    int code;
    char msg[2048];
} sk_query_error;

/* Parses TEXT (LEN bytes; one or more statements separated by ';') and runs
 * the statements in order, each in its own transaction (a read transaction,
 * or a write transaction for create, link, set, delete, merge, unmerge),
 * handing each result to FN. Stops at the first error: statements before it
 * are committed, the failing one changed nothing. Returns SK_OK or the
 * error code with ERR filled. */
int sk_query_exec(sk_store *s, const char *text, size_t len, const sk_query_opts *opts,
                  sk_result_fn fn, void *ctx, sk_query_error *err);

/* The plan of each statement of TEXT (what `explain` prints), one table
 * result per statement handed to FN. */
int sk_query_explain(sk_store *s, const char *text, size_t len, const sk_query_opts *opts,
                     sk_result_fn fn, void *ctx, sk_query_error *err);

/* The words of the language, for completion: every keyword, rank measure,
 * community method, export format and layout name, in lower case. A static
 * table of *N entries, in no particular order; a word may appear twice
 * ("dot" is a format and a layout). */
const char *const *sk_query_keywords(size_t *n);

#endif /* SK_QUERY_H */
