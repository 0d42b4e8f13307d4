/*
 * bench.h — what the parts of the benchmark runner share: the case under
 * test, the clock, the one way figures are printed (so that the output
 * can be pasted into docs/performance.md as it is), series of timings with
 * their medians, and the workload (seeds, pairs, hub) every part asks the
 * same questions about.
 *
 * Parts: bench_store.c (issue 2), bench_query.c with bench_traverse.c and
 * bench_sqlite*.c (issue 4), bench_audit.c (issue 8), bench_analysis.c with
 * igraph_ref.py (issue 5), bench_import.c with specs/ (issue 3). Each part
 * prints its own figures and returns 0, or non-zero when it could not run.
 */
#ifndef SK_BENCH_H
#define SK_BENCH_H

#include "polegen.h"
#include "store.h"

typedef struct bench_case {
    uint64_t persons;        /* size of the generated case */
    char path[1024];         /* the case file */
    char dir[1024];          /* working directory for CSV, SQLite … */
    uint64_t entities, links;
    bool import_sequential;  /* the import part reads and maps on the writing thread */
} bench_case;

double bench_now(void);
/* CPU time of the calling thread, in seconds: on a shared machine the
 * steadier figure beside wall time. */
double bench_cpu_now(void);
/* Prints one figure: "  label .......... value unit". */
void bench_figure(const char *label, double value, const char *unit);
void bench_section(const char *title);
/* Prints a line of text under the current section, indented like figures. */
void bench_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int bench_store(bench_case *bc);
int bench_query(bench_case *bc);
int bench_audit(bench_case *bc);
int bench_analysis(bench_case *bc);
int bench_import(bench_case *bc);

/* ---- Series of timings (bench_series.c) ------------------------------ */

/* Wall and CPU seconds of repeated runs of one question, with the size of
 * each answer (entities, hops or rows) so that implementations can be
 * checked to agree. Grows as needed; free with bench_series_free. */
typedef struct bench_series {
    double *wall, *cpu;
    int64_t *size;           /* answer size of each run; -2: it timed out */
    size_t n, cap;
} bench_series;

int bench_series_add(bench_series *s, double wall, double cpu, int64_t size);
/* Median in milliseconds of the wall (CPU false) or CPU times; NAN when
 * empty. Does not reorder the series. */
double bench_series_median_ms(const bench_series *s, bool cpu);
void bench_series_free(bench_series *s);

/* A stopwatch over both clocks. */
typedef struct bench_clock {
    double wall, cpu;
} bench_clock;
bench_clock bench_clock_start(void);
/* Adds the time since C and SIZE to S. */
int bench_clock_stop(bench_clock c, bench_series *s, int64_t size);

/* One line of a comparison table: the question, then for each
 * implementation its median wall time (CPU time in brackets), in ms, then
 * the ratio of the reference to skein and the target. An implementation
 * not measured is NULL and printed as "-". */
void bench_compare_header(const char *impl_a, const char *impl_b, const char *impl_ref);
void bench_compare(const char *question, const bench_series *a, const bench_series *b,
                   const bench_series *ref, double target_ms);

/* ---- The workload (bench_workload.c) ---------------------------------- */

#define BENCH_SEEDS 100      /* seed persons and person pairs */

/* What every part asks about, drawn deterministically from the case. */
typedef struct bench_workload {
    sk_sym person, phone, vehicle, location;     /* entity types */
    sk_sym knows, owns, seen_at;                  /* link types */
    sk_id seeds[BENCH_SEEDS];                     /* random persons */
    sk_id pairs[BENCH_SEEDS][2];                  /* random pairs of persons */
    sk_id hub;               /* the person with the most knows links */
    uint64_t hub_degree;
    sk_id busy_vehicle;      /* the vehicle with the most seen_at links */
    uint64_t busy_sightings;
    sk_id max_entity;        /* largest entity id in the case */
    uint64_t entities, links;
} bench_workload;

/* Draws the workload from the case S (a read transaction of its own).
 * Returns SK_OK or an SK_E* code with a message on stderr. */
int bench_workload_pick(sk_store *s, bench_workload *w);

/* Opens the case of BC (it must exist), with a message on stderr when it
 * cannot. */
int bench_open_case(const bench_case *bc, sk_store **out);

/* ---- The questions of the query benchmark (bench_questions.c) ----------- */

typedef enum bench_qkind {
    BENCH_Q_KHOP,            /* entities within DEPTH hops of a seed */
    BENCH_Q_NET,             /* the same neighbourhood with every entity's and
                                link's record, as a chart needs it */
    BENCH_Q_PATH,            /* hops of a shortest path between a pair */
    BENCH_Q_REGEX,           /* persons whose name matches a regex */
    BENCH_Q_MATCH,           /* rows of the match pattern */
} bench_qkind;

typedef struct bench_question {
    const char *name;        /* as printed: "2-hop, knows" */
    bench_qkind kind;
    int depth;               /* BENCH_Q_KHOP: hops */
    bool knows;              /* only knows links; else every link type */
    const char *query;       /* skein text; "%llu" stands for ids */
    const char *prefix;      /* BENCH_Q_REGEX: literal prefix, or NULL */
    const char *regex;       /* BENCH_Q_REGEX: the regex in PCRE2 syntax */
    double target_ms;        /* issue 4's target at 100k persons; 0 = none */
} bench_question;

#define BENCH_MATCH_LIMIT 1000
#define BENCH_MAX_HOPS 12    /* path searches, as the query layer's limit */
#define BENCH_REPEATS 20     /* runs of a question that has no seed */

/* The questions, in the order they are printed (a static table). */
const bench_question *bench_questions(size_t *n);
/* Runs of question Q: one per seed or pair, or BENCH_REPEATS. */
int bench_question_runs(const bench_question *q);
/* The skein text of run I of Q on W into BUF. */
void bench_question_text(const bench_question *q, const bench_workload *w, int i, char *buf,
                         size_t cap);

/* What one query answered. */
typedef struct bench_answer {
    int64_t size;            /* hops of a path (-1: none), entities of a graph,
                                rows of a table */
    char notice[160];        /* the result's note that a limit cut it, or "" */
} bench_answer;

/* Runs TEXT through sk_query_exec (audit on or off) into *ANS. Prints the
 * error once per FAILED flag (may be NULL). */
int bench_qapi(sk_store *s, const char *text, bool audit, bench_answer *ans, bool *failed);

/* Persons of type TYPE whose label matches REGEX (PCRE2, JIT), read
 * straight from the store: with PREFIX through the label index, else a
 * scan of the type (bench_scan.c). */
int bench_scan_names(sk_txn *t, sk_sym type, const char *prefix, const char *regex,
                     int64_t *count);

/* ---- Traversal level (bench_traverse.c) -------------------------------- */

/* Searches straight on the adjacency cursor of read transaction T (which
 * must outlive the handle). MAX_ENTITY bounds the ids visited. */
typedef struct bench_trav bench_trav;
int bench_trav_new(sk_txn *t, sk_id max_entity, bench_trav **out);
void bench_trav_free(bench_trav *b);                 /* NULL is fine */
/* Entities within DEPTH hops of SEED (itself included) over links of
 * LTYPE (0 = every type), in either direction. */
int bench_trav_khop(bench_trav *b, sk_id seed, int depth, sk_sym ltype, int64_t *count);
/* Hops of a shortest path FROM → TO over links of LTYPE in either
 * direction (bidirectional breadth-first), -1 when none within MAXHOPS. */
int bench_trav_path(bench_trav *b, sk_id from, sk_id to, int maxhops, sk_sym ltype,
                    int64_t *hops);

/* ---- The same questions in SQLite (bench_sqlite*.c) --------------------- */

/* An SQLite copy of a case: nodes(id, type, key, label) and edges(id, src,
 * dst, type, directed, t) with the case's own ids and interned type
 * numbers, indexed on (src, type, dst), (dst, type, src) and
 * (type, label COLLATE NOCASE); a regexp() function backed by PCRE2 (JIT)
 * serves the REGEXP operator. */
typedef struct bench_sql bench_sql;
/* Copies case S into a new SQLite file at PATH (replacing it) and prints
 * the load figures. Close with bench_sql_close. */
int bench_sql_build(sk_store *s, const char *path, bench_sql **out);
void bench_sql_close(bench_sql *q);                   /* NULL is fine */
/* Each statement is interrupted after SECONDS (0 = never): a recursive
 * query that explodes is reported, not waited for. */
void bench_sql_timeout(bench_sql *q, double seconds);
/* As bench_trav_khop, by a recursive CTE. SK_ECANCELLED on timeout. */
int bench_sql_khop(bench_sql *q, sk_id seed, int depth, sk_sym ltype, int64_t *count);
/* The neighbourhood of bench_sql_khop as rows: every entity reached
 * (id, type, key, label) and every link among them of the walked type(s)
 * (id, type, src, dst, time), each row's columns read; *COUNT gets the
 * entities. */
int bench_sql_net(bench_sql *q, sk_id seed, int depth, sk_sym ltype, int64_t *count);
/* As bench_trav_path, by a breadth-first recursive CTE that stops at the
 * first row reaching TO. */
int bench_sql_path(bench_sql *q, sk_id from, sk_id to, int maxhops, sk_sym ltype,
                   int64_t *hops);
/* Entities of TYPE whose label matches REGEX (PCRE2 syntax); with PREFIX
 * (may be NULL) the LIKE 'PREFIX%' range of the label index narrows the
 * scan first. */
int bench_sql_regex(bench_sql *q, sk_sym type, const char *prefix, const char *regex,
                    int64_t *count);
/* (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location), the ids and
 * labels of p and l, at most LIMIT rows. */
int bench_sql_match(bench_sql *q, const bench_workload *w, int limit, int64_t *rows);

/* ---- Files the parts share (bench_files.c) ----------------------------- */

/* The directory of generated CSV files for BC's size and SEED
 * ("DIR/csv-100000-s1"), written by skein-gen (next to this executable)
 * when absent. Returns 0 with OUT filled, non-zero with a message. */
int bench_csv_dir(const bench_case *bc, uint64_t seed, char *out, size_t cap);
/* Path of a file of the source tree's bench/ folder (specs, scripts). */
void bench_source_path(const char *name, char *out, size_t cap);

#endif
