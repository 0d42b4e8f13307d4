/*
 * ast.h — the abstract syntax tree of the query language, the parse entry
 * point and the canonical printer (private to query/).
 *
 * Shape. A query text is a SCRIPT: statements separated by ';'. A STATEMENT
 * is a pipeline of STAGES joined by '|', optionally prefixed by 'explain'.
 * A stage is one verb (find, network around, path, rank, export, …): its
 * OPERANDS (the entities, types or pattern it works on, in the stage's union
 * member) and its CLAUSES (optional modifiers such as depth, via, where,
 * limit, in one sk_ast_clauses shared by every stage kind). The grammar is
 * in docs/query-grammar.md.
 *
 * Invariants the planner and executor may rely on:
 * - Tagged unions: each `kind` enum says which union member is valid; no
 *   other member is meaningful.
 * - Every node carries a byte span [start, end) into the text that was
 *   parsed, so a later error points at the right place (sk_diag_format).
 * - All memory is in the sk_arena given to sk_ast_parse; the tree points
 *   into no other memory (names and strings are copied, NUL-terminated), so
 *   the text may be freed after parsing — but spans refer to it, so keep it
 *   for reporting errors. The tree dies with the arena.
 * - A clause is present iff its bit is set in sk_ast_clauses.present, and
 *   only clauses allowed for the stage kind (SK_STAGES) can be present.
 *   Fields of absent clauses are zero.
 * - Names are kept as written. Keywords, entity types and link types are
 *   case-insensitive: the executor interns types and link types with case
 *   folding (sk_name_intern does). Property names are case-sensitive.
 * - The parser validates syntax, literals (dates exist, strings are valid
 *   UTF-8, regexes compile under PCRE2 in UTF mode) and the limits of
 *   limits.h (hops, rows, list lengths, depth). It resolves nothing: whether
 *   a type, property or entity exists, and what a clause means for a stage,
 *   are decided after parsing.
 */
#ifndef SK_QUERY_AST_H
#define SK_QUERY_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "keywords.h"
#include "store.h"

/* ---- Names ------------------------------------------------------------ */

/* A name: entity type, link type, property, variable or alias. */
typedef struct sk_ast_name {
    const char *text;  /* NUL-terminated copy as written (backquotes removed) */
    size_t len;        /* 0 when an optional name is absent */
    sk_span span;
} sk_ast_name;

typedef struct sk_ast_names {
    sk_ast_name *v;
    size_t n;
} sk_ast_names;

/* A property reference: `name` or qualified `var.name` (l.postcode,
 * link.time, s.time). */
typedef struct sk_ast_prop {
    sk_ast_name qual;  /* the qualifier; len 0 when unqualified */
    sk_ast_name name;
    sk_span span;
} sk_ast_prop;

/* ---- Literals ----------------------------------------------------------- */

/* How much of a date-time was written; it sets the interval the value
 * covers ('on 2024-03-01' is the whole day). */
typedef enum sk_time_prec {
    SK_PREC_DAY = 0,     /* 2024-03-01 */
    SK_PREC_MINUTE = 1,  /* 2024-03-01T14:05 */
    SK_PREC_SECOND = 2,  /* 2024-03-01T14:05:00 (a fraction is dropped) */
} sk_time_prec;

typedef struct sk_ast_datetime {
    int64_t t;        /* UTC seconds since 1970 of its first second */
    int16_t off_min;  /* the UTC offset written, in minutes (+01:00 → 60) */
    uint8_t prec;     /* sk_time_prec */
    bool zone;        /* 'Z' or ±hh:mm was written; without one: UTC */
} sk_ast_datetime;

/* Last second a date-time covers at its precision: t + 86399 for a day,
 * t + 59 for a minute, t for a second. */
int64_t sk_ast_datetime_last(const sk_ast_datetime *d);

/* Regex flags written after the closing '/'. */
enum sk_rx_flag {
    SK_RX_CASELESS = 1,   /* i */
    SK_RX_MULTILINE = 2,  /* m */
    SK_RX_DOTALL = 4,     /* s */
    SK_RX_EXTENDED = 8,   /* x */
};

typedef enum sk_lit_kind {
    SK_LIT_NONE = 0,  /* absent (optional literal not written) */
    SK_LIT_NULL,      /* null */
    SK_LIT_STR,       /* u.str: decoded, valid UTF-8, no NUL byte */
    SK_LIT_INT,       /* u.i */
    SK_LIT_REAL,      /* u.r (finite) */
    SK_LIT_BOOL,      /* u.b */
    SK_LIT_TIME,      /* u.time */
    SK_LIT_DURATION,  /* u.dur: seconds, >= 0 */
    SK_LIT_ID,        /* u.id: #123, >= 1 */
    SK_LIT_WORD,      /* u.str: an unquoted word kept as text, such as a
                         grading code (B2, 1A) or a type name; the executor
                         accepts it only where a code or name makes sense */
    SK_LIT_REGEX,     /* u.rx: pattern text as written between the slashes
                         (compiles under PCRE2 with PCRE2_UTF) */
} sk_lit_kind;

typedef struct sk_ast_lit {
    sk_lit_kind kind;
    sk_span span;
    union {
        struct { const char *ptr; size_t len; } str; /* NUL-terminated */
        int64_t i;
        double r;
        bool b;
        sk_ast_datetime time;
        int64_t dur;
        sk_id id;
        struct { const char *ptr; size_t len; unsigned flags; } rx; /* SK_RX_* */
    } u;
} sk_ast_lit;

/* {prop: value, …} — keys are distinct. */
typedef struct sk_ast_kv {
    sk_ast_name key;
    sk_ast_lit value;
} sk_ast_kv;

typedef struct sk_ast_map {
    sk_ast_kv *v;
    size_t n;
} sk_ast_map;

/* ---- Conditions ----------------------------------------------------------- */

#define SK_OPS(X)           \
    X(EQ, "=")              \
    X(NE, "!=")             \
    X(LT, "<")              \
    X(LE, "<=")             \
    X(GT, ">")              \
    X(GE, ">=")             \
    X(MATCH, "~")

typedef enum sk_ast_op {
    SK_OP_NONE = 0,
#define SK_OP_ENUM(name, text) SK_OP_##name,
    SK_OPS(SK_OP_ENUM)
#undef SK_OP_ENUM
} sk_ast_op;

typedef enum sk_cond_kind {
    SK_COND_AND = 1,  /* u.list: every term holds (n >= 2) */
    SK_COND_OR,       /* u.list: some term holds (n >= 2) */
    SK_COND_NOT,      /* u.operand */
    SK_COND_CMP,      /* u.cmp: PROP OP VALUE; value is a REGEX iff op is MATCH */
    SK_COND_IN,       /* u.in: PROP in (VALUE, …), n >= 1 */
    SK_COND_BETWEEN,  /* u.between: PROP between LO and HI (inclusive) */
    SK_COND_HAS,      /* u.has: has PROP (the property is present) */
} sk_cond_kind;

typedef struct sk_ast_cond sk_ast_cond;
struct sk_ast_cond {
    sk_cond_kind kind;
    sk_span span;
    union {
        struct { sk_ast_cond *v; size_t n; } list;
        sk_ast_cond *operand;
        struct { sk_ast_prop prop; sk_ast_op op; sk_ast_lit value; } cmp;
        struct { sk_ast_prop prop; sk_ast_lit *v; size_t n; } in;
        struct { sk_ast_prop prop; sk_ast_lit lo, hi; } between;
        sk_ast_prop has;
    } u;
};

/* ---- Entity references (REF) ------------------------------------------------ */

typedef enum sk_ref_kind {
    SK_REF_KEY = 1,  /* TYPE "key": u.key (a STR literal, the raw key as
                        written; the executor normalises it for TYPE and
                        falls back to the display label) */
    SK_REF_ID,       /* #123: u.id */
    SK_REF_SET,      /* TYPE where COND: u.where (a set of entities) */
    SK_REF_LINK,     /* link #123: u.id is a link id (show, set, delete only) */
} sk_ref_kind;

typedef struct sk_ast_ref {
    sk_ref_kind kind;
    sk_span span;
    sk_ast_name type;  /* KEY and SET; len 0 otherwise */
    union {
        sk_ast_lit key;
        sk_id id;
        sk_ast_cond *where;
    } u;
} sk_ast_ref;

typedef struct sk_ast_refs {
    sk_ast_ref *v;
    size_t n;
} sk_ast_refs;

/* ---- Time filter (TIME) ------------------------------------------------------- */

typedef enum sk_time_kind {
    SK_TIME_BETWEEN = 1,  /* between A and B: from A's first to B's last second */
    SK_TIME_ON,           /* on A: A's first to A's last second */
    SK_TIME_SINCE,        /* since A: from A's first second on */
    SK_TIME_BEFORE,       /* before A: everything before A's first second */
} sk_time_kind;

typedef struct sk_ast_time {
    sk_time_kind kind;
    sk_span span;
    sk_ast_lit a, b;    /* TIME literals; b only for BETWEEN (b ends no earlier than a starts) */
    int64_t from, to;   /* the inclusive UTC range admitted, derived from the
                           above; INT64_MIN / INT64_MAX when open */
} sk_ast_time;

/* ---- match patterns -------------------------------------------------------------- */

/* Direction of a link pattern as written. In match: OUT -[]->, IN <-[]-,
 * NONE -[]- (either direction, or undirected). In the link statement: NONE
 * creates an undirected link. */
typedef enum sk_ast_dir {
    SK_AST_DIR_OUT = 1,
    SK_AST_DIR_IN = 2,
    SK_AST_DIR_NONE = 3,
} sk_ast_dir;

/* (var:type {prop: value}) */
typedef struct sk_ast_pnode {
    sk_span span;
    sk_ast_name var;   /* len 0: anonymous */
    sk_ast_name type;  /* len 0: any type */
    sk_ast_map props;  /* equality constraints */
} sk_ast_pnode;

/* -[var:t1|t2*min..max {prop: value}]-> */
typedef struct sk_ast_pedge {
    sk_span span;
    sk_ast_name var;     /* len 0: anonymous (a variable-length segment has
                            a variable only for 'return graph') */
    sk_ast_names types;  /* alternatives; n 0: any link type */
    sk_ast_dir dir;
    bool varlen;         /* '*' was written */
    uint32_t min_hops;   /* 1 unless varlen; may be 0 ('*0..2') */
    uint32_t max_hops;   /* 1 unless varlen; 0 = no upper bound written (the
                            executor stops at SK_QUERY_MAX_HOPS) */
    sk_ast_map props;
} sk_ast_pedge;

/* One path pattern: nodes[0] edges[0] nodes[1] … ; nedges == nnodes - 1. */
typedef struct sk_ast_pattern {
    sk_span span;
    sk_ast_pnode *nodes; size_t nnodes;
    sk_ast_pedge *edges; size_t nedges;
} sk_ast_pattern;

/* One item after 'return': var, var.prop, optionally 'as alias'. */
typedef struct sk_ast_item {
    sk_span span;
    sk_ast_name var;
    sk_ast_name prop;   /* len 0: the whole entity or link */
    sk_ast_name alias;  /* len 0: none */
} sk_ast_item;

typedef struct sk_ast_return {
    bool graph;         /* return graph */
    sk_ast_item *v;     /* otherwise the items, n >= 1 */
    size_t n;
} sk_ast_return;

typedef struct sk_ast_order_key {
    sk_ast_prop prop;
    bool desc;
} sk_ast_order_key;

/* ---- Closed word sets ----------------------------------------------------------- */

typedef enum sk_measure {
    SK_MEASURE_NONE = 0,
#define SK_MEASURE_ENUM(name, text) SK_MEASURE_##name,
    SK_MEASURES(SK_MEASURE_ENUM)
#undef SK_MEASURE_ENUM
} sk_measure;

typedef enum sk_method {
    SK_METHOD_NONE = 0,
#define SK_METHOD_ENUM(name, text) SK_METHOD_##name,
    SK_METHODS(SK_METHOD_ENUM)
#undef SK_METHOD_ENUM
} sk_method;

typedef enum sk_ast_format {
    SK_AST_FORMAT_NONE = 0,
#define SK_AST_FORMAT_ENUM(name, text) SK_AST_FORMAT_##name,
    SK_FORMATS(SK_AST_FORMAT_ENUM)
#undef SK_AST_FORMAT_ENUM
} sk_ast_format;

typedef enum sk_countable {
    SK_COUNT_ALL = 0,  /* bare 'count' */
#define SK_COUNTABLE_ENUM(name, text) SK_COUNT_##name,
    SK_COUNTABLES(SK_COUNTABLE_ENUM)
#undef SK_COUNTABLE_ENUM
} sk_countable;

typedef enum sk_layout {
    SK_LAYOUT_NONE = 0,
#define SK_LAYOUT_ENUM(name, text) SK_LAYOUT_##name,
    SK_LAYOUTS(SK_LAYOUT_ENUM)
#undef SK_LAYOUT_ENUM
} sk_layout;

/* Spelling of a value of each set ("betweenness"); "" for NONE. */
const char *sk_measure_name(sk_measure m);
const char *sk_method_name(sk_method m);
const char *sk_ast_format_name(sk_ast_format f);
const char *sk_layout_name(sk_layout l);

typedef enum sk_weight {
    SK_WEIGHT_NONE = 0,
    SK_WEIGHT_LINK,   /* weighted: by link weight */
    SK_WEIGHT_GRADE,  /* weighted by grade: by the reliability of the grading */
} sk_weight;

/* ---- Clauses ----------------------------------------------------------------------- */

/* X(NAME, "keyword(s) that start it", "how it is written"), in canonical
 * order: the printer writes clauses in this order whatever order they were
 * typed in. */
#define SK_CLAUSES(X)                                                     \
    X(DEPTH, "depth", "depth N")                                          \
    X(MAX, "max", "max N")                                                \
    X(VIA, "via", "via LTYPE, …")                                         \
    X(ONLY, "only", "only TYPE, …")                                       \
    X(AVOID, "avoid", "avoid REF, …")                                     \
    X(METHOD, "method", "method M")                                       \
    X(WEIGHTED, "weighted", "weighted [by grade]")                        \
    X(OF, "of", "of TYPE")                                                \
    X(WITHIN, "within", "within DURATION")                                \
    X(MIN_COUNT, "min", "min N")                                          \
    X(MIN_SCORE, "min", "min SCORE")                                      \
    X(TIME_ORDER, "in time order", "in time order [max gap DURATION]")    \
    X(RELIABLE, "most reliable", "most reliable")                         \
    X(TIME, "between, on, since, before", "between/on/since/before DATE") \
    X(WHERE, "where", "where COND")                                       \
    X(RETURN, "return", "return ITEMS | return graph")                    \
    X(ORDER, "order by", "order by PROP [asc|desc], …")                   \
    X(TOP, "top", "top N")                                                \
    X(LIMIT, "limit", "limit N")                                          \
    X(AT, "at", "at DATE [to DATE]")                                      \
    X(GRADED, "graded", "graded G")                                       \
    X(SOURCE, "from", "from \"SOURCE\"")                                  \
    X(LAYOUT, "layout", "layout L")                                       \
    X(TITLE, "title", "title \"TEXT\"")                                  \
    X(UNTIL, "until", "until DATE")                                       \
    X(REASON, "reason", "reason \"TEXT\"")

typedef enum sk_clause {
#define SK_CLAUSE_ENUM(name, kw, syntax) SK_CL_##name,
    SK_CLAUSES(SK_CLAUSE_ENUM)
#undef SK_CLAUSE_ENUM
    SK_CL__COUNT
} sk_clause;

#define SK_CLBIT(name) (1u << SK_CL_##name)

/* The optional modifiers of a stage. Counts are >= 1 when present. */
typedef struct sk_ast_clauses {
    uint32_t present;            /* SK_CLBIT(x) set when clause x was written */
    sk_span span[SK_CL__COUNT];  /* of each written clause, keyword to end */
    uint32_t depth;              /* DEPTH: 1..SK_QUERY_MAX_HOPS */
    uint32_t max_hops;           /* MAX: 1..SK_QUERY_MAX_HOPS */
    sk_ast_names via;            /* VIA: link types */
    sk_ast_names only;           /* ONLY: entity types admitted */
    sk_ast_refs avoid;           /* AVOID: entities a path must not cross */
    sk_weight weight;            /* WEIGHTED */
    sk_ast_name of;              /* OF: entity type ranked */
    sk_method method;            /* METHOD */
    int64_t within;              /* WITHIN: seconds */
    uint32_t min_count;          /* MIN_COUNT (convoy): sightings together */
    double min_score;            /* MIN_SCORE (duplicates): similarity */
    int64_t max_gap;             /* TIME_ORDER: seconds between hops; 0 = no bound */
    sk_ast_time time;            /* TIME */
    sk_ast_cond *where;          /* WHERE */
    sk_ast_return ret;           /* RETURN */
    sk_ast_order_key *order;     /* ORDER: keys in priority order */
    size_t norder;
    uint32_t top;                /* TOP: 1..SK_QUERY_MAX_ROWS */
    uint32_t limit;              /* LIMIT: 1..SK_QUERY_MAX_ROWS */
    sk_ast_lit at, at_to;        /* AT: TIME literals; at_to NONE for an instant */
    sk_ast_lit graded;           /* GRADED: a WORD (B24) or STR ("1A P") code */
    sk_ast_lit source;           /* SOURCE: STR */
    sk_layout layout;            /* LAYOUT */
    sk_ast_lit title;            /* TITLE: STR */
    sk_ast_lit until;            /* UNTIL: TIME */
    sk_ast_lit reason;           /* REASON: STR */
} sk_ast_clauses;

static inline bool sk_ast_has(const sk_ast_clauses *c, sk_clause cl)
{
    return (c->present >> cl) & 1u;
}

/* ---- Stages ------------------------------------------------------------------------- */

/* Every stage: X(NAME, "verb as printed", clauses allowed). */
#define SK_CL_WALK (SK_CLBIT(VIA) | SK_CLBIT(ONLY) | SK_CLBIT(AVOID) | \
                    SK_CLBIT(TIME) | SK_CLBIT(WHERE))
#define SK_STAGES(X)                                                              \
    X(FIND, "find", SK_CLBIT(WHERE) | SK_CLBIT(ORDER) | SK_CLBIT(LIMIT))          \
    X(SHOW, "show", 0)                                                            \
    X(NEIGHBOURS, "neighbours", SK_CLBIT(VIA) | SK_CLBIT(ONLY) | SK_CLBIT(TIME) | \
      SK_CLBIT(WHERE) | SK_CLBIT(LIMIT))                                          \
    X(NETWORK, "network around", SK_CLBIT(DEPTH) | SK_CL_WALK | SK_CLBIT(LIMIT))  \
    X(PATH, "path", SK_CLBIT(MAX) | SK_CL_WALK | SK_CLBIT(TIME_ORDER) |           \
      SK_CLBIT(RELIABLE))                                                         \
    X(PATHS, "paths", SK_CLBIT(MAX) | SK_CL_WALK | SK_CLBIT(TIME_ORDER) |         \
      SK_CLBIT(LIMIT))                                                            \
    X(SHORTEST, "shortest", SK_CLBIT(MAX) | SK_CL_WALK)                           \
    X(CONNECT, "connect", SK_CLBIT(MAX) | SK_CL_WALK)                             \
    X(COMMON, "common", SK_CLBIT(DEPTH) | SK_CL_WALK | SK_CLBIT(LIMIT))           \
    X(MATCH, "match", SK_CLBIT(WHERE) | SK_CLBIT(RETURN) | SK_CLBIT(ORDER) |      \
      SK_CLBIT(LIMIT))                                                            \
    X(RANK, "rank", SK_CLBIT(WEIGHTED) | SK_CLBIT(OF) | SK_CLBIT(VIA) |           \
      SK_CLBIT(TIME) | SK_CLBIT(TOP))                                             \
    X(COMMUNITIES, "communities", SK_CLBIT(METHOD) | SK_CLBIT(WEIGHTED) |         \
      SK_CLBIT(VIA) | SK_CLBIT(TIME))                                             \
    X(COMPONENTS, "components", SK_CLBIT(VIA) | SK_CLBIT(TIME))                   \
    X(TIMELINE, "timeline", SK_CLBIT(VIA) | SK_CLBIT(TIME) | SK_CLBIT(LIMIT))     \
    X(COLOCATED, "colocated", SK_CLBIT(WITHIN) | SK_CLBIT(TIME) | SK_CLBIT(LIMIT)) \
    X(CONVOY, "convoy", SK_CLBIT(WITHIN) | SK_CLBIT(MIN_COUNT) | SK_CLBIT(TIME) | \
      SK_CLBIT(LIMIT))                                                            \
    X(DUPLICATES, "duplicates", SK_CLBIT(MIN_SCORE) | SK_CLBIT(LIMIT))            \
    X(MERGE, "merge", 0)                                                          \
    X(UNMERGE, "unmerge", 0)                                                      \
    X(CREATE, "create", SK_CLBIT(GRADED) | SK_CLBIT(SOURCE))                      \
    X(LINK, "link", SK_CLBIT(AT) | SK_CLBIT(GRADED) | SK_CLBIT(SOURCE))           \
    X(SET, "set", 0)                                                              \
    X(DELETE, "delete", 0)                                                        \
    X(EXPORT, "export", SK_CLBIT(LAYOUT) | SK_CLBIT(TITLE))                       \
    X(STATS, "stats", 0)                                                          \
    X(FILTER, "where", 0)                                                         \
    X(PURGE, "purge", SK_CLBIT(REASON))                                           \
    X(RETAIN, "retain", SK_CLBIT(UNTIL) | SK_CLBIT(REASON))                       \
    X(REVIEW, "review due", SK_CLBIT(TIME) | SK_CLBIT(LIMIT))                     \
    X(COUNT, "count", 0)

typedef enum sk_stage_kind {
    SK_STAGE_NONE = 0,
#define SK_STAGE_ENUM(name, text, clauses) SK_STAGE_##name,
    SK_STAGES(SK_STAGE_ENUM)
#undef SK_STAGE_ENUM
    SK_STAGE__COUNT
} sk_stage_kind;

/* The verb of a stage as printed ("network around"), and the clauses it
 * admits (SK_CLBIT mask). */
const char *sk_stage_name(sk_stage_kind k);
uint32_t sk_stage_clauses(sk_stage_kind k);
/* The keyword(s) that start a clause ("order by"), and its syntax
 * ("order by PROP [asc|desc], …"), for messages and help. */
const char *sk_clause_keyword(sk_clause c);
const char *sk_clause_syntax(sk_clause c);

/*
 * One stage. Operands by kind (the member of u that is valid):
 *
 *   FIND         find [link] TYPE                        u.find
 *   SHOW         show REF | show link #ID                u.ref
 *   NEIGHBOURS   neighbours REF                          u.ref
 *   NETWORK      network around REF, …                   u.refs
 *   PATH         path from REF to REF                    u.path (k 0)
 *   PATHS        paths from REF to REF                   u.path (k 0)
 *   SHORTEST     shortest K paths from REF to REF        u.path (k >= 1)
 *   CONNECT      connect REF, …                          u.refs
 *   COMMON       common REF, …                           u.refs
 *   MATCH        match PATTERN, …                        u.match
 *   RANK         rank MEASURE                            u.measure
 *   COMMUNITIES  communities                             (none)
 *   COMPONENTS   components                              (none)
 *   TIMELINE     timeline REF, …                         u.refs
 *   COLOCATED    colocated REF                           u.ref
 *   CONVOY       convoy REF                              u.ref
 *   DUPLICATES   duplicates TYPE                         u.type
 *   MERGE        merge #A into #B                        u.merge
 *   UNMERGE      unmerge #B                              u.merge (into)
 *   CREATE       create TYPE ["KEY"] [{…}]               u.create
 *   LINK         link REF -[LTYPE {…}]-> REF             u.link
 *   SET          set REF.PROP = VALUE                    u.set
 *   DELETE       delete REF | delete link #ID            u.ref
 *   EXPORT       export FORMAT "FILE"                    u.export
 *   STATS        stats                                   (none)
 *   FILTER       where COND (a stage after '|')          u.filter
 *   PURGE        purge REF reason "…"                    u.ref
 *   RETAIN       retain REF until DATE reason "…"        u.ref
 *   REVIEW       review due [before DATE]                (none)
 *   COUNT        count [entities|links|paths|rows]       u.count (a stage after '|')
 *
 * 'shortest path from …' parses as PATH. Stages that work on "the piped
 * graph or the whole store" (rank, communities, components, export, where)
 * carry nothing saying which: that is the position in the pipeline.
 * 'count' always takes the piped result.
 */
typedef struct sk_ast_stage {
    sk_stage_kind kind;
    sk_span span;
    union {
        struct { bool links; sk_ast_name type; } find;  /* links: 'find link' */
        sk_ast_ref ref;
        sk_ast_refs refs;                               /* n >= 1 */
        struct { uint32_t k; sk_ast_ref from, to; } path;
        struct { sk_ast_pattern *v; size_t n; } match;  /* n >= 1 */
        sk_measure measure;
        sk_ast_name type;
        struct { sk_ast_lit from, into; } merge;        /* ID literals; from NONE for UNMERGE */
        struct { sk_ast_name type; sk_ast_lit key; sk_ast_map props; } create; /* key STR or NONE */
        struct {
            sk_ast_ref from, to;  /* as written: for IN (<-[]-) the link runs to → from */
            sk_ast_name type;     /* link type */
            sk_ast_dir dir;
            sk_ast_map props;
        } link;
        struct { sk_ast_ref target; sk_ast_name prop; sk_ast_lit value; } set; /* value NULL removes */
        struct { sk_ast_format format; sk_ast_lit file; } export;  /* file STR */
        sk_ast_cond *filter;
        sk_countable count;
    } u;
    sk_ast_clauses cl;
} sk_ast_stage;

/* ---- Statements and scripts ----------------------------------------------------------- */

typedef struct sk_ast_stmt {
    sk_span span;          /* from its first token to its last (';' excluded) */
    bool explain;          /* 'explain' prefix: plan, do not run */
    sk_ast_stage *stages;  /* 1..SK_QUERY_MAX_STAGES, in pipeline order */
    size_t nstages;
} sk_ast_stmt;

typedef struct sk_ast_script {
    sk_ast_stmt *stmts;    /* empty statements (';;', comments only) are skipped */
    size_t n;
} sk_ast_script;

/* ---- Entry points ------------------------------------------------------------------------ */

/*
 * Parses TEXT (LEN bytes, need not be NUL-terminated) into a script whose
 * memory is in A. Returns SK_OK with *OUT set, or
 *   SK_EPARSE  a syntax or literal error,
 *   SK_ELIMIT  a limit of limits.h was reached ("nested too deeply", …),
 *   SK_ENOMEM  the arena could not grow,
 * with DIAG filled (span and message) and *OUT NULL. Never reads past LEN.
 */
int sk_ast_parse(const char *text, size_t len, sk_arena *a, sk_ast_script **out,
                 sk_diag *diag);

/*
 * Canonical text of a statement or script, NUL-terminated, in A (NULL when
 * A cannot grow). Canonical means: keywords, types and link types in lower
 * case, one space between tokens, clauses in SK_CLAUSES order, literals in
 * one spelling (durations in their largest exact unit, dates as written up
 * to the precision given, strings with minimal escapes), parentheses only
 * where needed, entity sets in parentheses. Parsing the canonical text gives
 * the same tree (spans aside), so printing it again gives the same text.
 * Statements of a script are joined by ";\n".
 */
char *sk_ast_print_stmt(const sk_ast_stmt *s, sk_arena *a);
char *sk_ast_print_script(const sk_ast_script *s, sk_arena *a);

#endif /* SK_QUERY_AST_H */
