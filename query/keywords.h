/*
 * keywords.h — the words of the query language, declared once (private to
 * query/).
 *
 * SK_KEYWORDS lists every keyword: its enum name, its spelling (lower case;
 * the lexer matches case-insensitively) and whether it is RESERVED.
 * Keywords are contextual: the lexer tags a word with its keyword and the
 * parser decides what it means where it stands. A reserved word starts a
 * clause or is an operator, so it can never be a name (type, link type,
 * property, variable) or a bare value: `via knows, since 2024-01-01` must
 * stop the list at 'since'. Unreserved keywords (time, link, grade, …) are
 * ordinary names wherever a name is expected, so `link.time` and
 * `grade >= B2` read as written. A name that collides with a reserved word
 * is written in backquotes: `max`.
 *
 * The other tables are closed sets of words that follow a keyword (rank
 * MEASURE, method M, export FORMAT, layout L, count WHAT); they are matched by spelling,
 * case-insensitively, and are not keywords.
 */
#ifndef SK_QUERY_KEYWORDS_H
#define SK_QUERY_KEYWORDS_H

/* X(NAME, "spelling", reserved) */
#define SK_KEYWORDS(X)                 \
    X(AND, "and", 1)                   \
    X(AROUND, "around", 0)             \
    X(AS, "as", 0)                     \
    X(ASC, "asc", 0)                   \
    X(AT, "at", 0)                     \
    X(AVOID, "avoid", 1)               \
    X(BEFORE, "before", 1)             \
    X(BETWEEN, "between", 1)           \
    X(BY, "by", 0)                     \
    X(COLOCATED, "colocated", 0)       \
    X(COMMON, "common", 0)             \
    X(COMMUNITIES, "communities", 0)   \
    X(COMPONENTS, "components", 0)     \
    X(CONNECT, "connect", 0)           \
    X(CONVOY, "convoy", 0)             \
    X(COUNT, "count", 0)               \
    X(CREATE, "create", 0)             \
    X(DELETE, "delete", 0)             \
    X(DEPTH, "depth", 1)               \
    X(DESC, "desc", 0)                 \
    X(DUE, "due", 0)                   \
    X(DUPLICATES, "duplicates", 0)     \
    X(EXPLAIN, "explain", 0)           \
    X(EXPORT, "export", 0)             \
    X(FALSE, "false", 1)               \
    X(FIND, "find", 0)                 \
    X(FROM, "from", 0)                 \
    X(GAP, "gap", 0)                   \
    X(GRADE, "grade", 0)               \
    X(GRADED, "graded", 1)             \
    X(GRAPH, "graph", 0)               \
    X(HAS, "has", 1)                   \
    X(IN, "in", 1)                     \
    X(INTO, "into", 0)                 \
    X(LAYOUT, "layout", 1)             \
    X(LIMIT, "limit", 1)               \
    X(LINK, "link", 0)                 \
    X(MATCH, "match", 0)               \
    X(MAX, "max", 1)                   \
    X(MERGE, "merge", 0)               \
    X(METHOD, "method", 1)             \
    X(MIN, "min", 1)                   \
    X(MOST, "most", 1)                 \
    X(NEIGHBORS, "neighbors", 0)       \
    X(NEIGHBOURS, "neighbours", 0)     \
    X(NETWORK, "network", 0)           \
    X(NOT, "not", 1)                   \
    X(NULL, "null", 1)                 \
    X(OF, "of", 1)                     \
    X(ON, "on", 1)                     \
    X(ONLY, "only", 1)                 \
    X(OR, "or", 1)                     \
    X(ORDER, "order", 1)               \
    X(PATH, "path", 0)                 \
    X(PATHS, "paths", 0)               \
    X(PURGE, "purge", 0)               \
    X(RANK, "rank", 0)                 \
    X(REASON, "reason", 0)             \
    X(RELIABLE, "reliable", 0)         \
    X(RETAIN, "retain", 0)             \
    X(RETURN, "return", 1)             \
    X(REVIEW, "review", 0)             \
    X(SET, "set", 0)                   \
    X(SHORTEST, "shortest", 0)         \
    X(SHOW, "show", 0)                 \
    X(SINCE, "since", 1)               \
    X(STATS, "stats", 0)               \
    X(TIME, "time", 0)                 \
    X(TIMELINE, "timeline", 0)         \
    X(TITLE, "title", 1)               \
    X(TO, "to", 0)                     \
    X(TOP, "top", 1)                   \
    X(TRUE, "true", 1)                 \
    X(UNMERGE, "unmerge", 0)           \
    X(UNTIL, "until", 0)               \
    X(VIA, "via", 1)                   \
    X(WEIGHTED, "weighted", 1)         \
    X(WHERE, "where", 1)               \
    X(WITHIN, "within", 1)

typedef enum sk_kw {
    SK_KW_NONE = 0, /* not a keyword (or a name written in backquotes) */
#define SK_KW_ENUM(name, text, reserved) SK_KW_##name,
    SK_KEYWORDS(SK_KW_ENUM)
#undef SK_KW_ENUM
    SK_KW__COUNT
} sk_kw;

/* rank MEASURE: X(NAME, "spelling") */
#define SK_MEASURES(X)              \
    X(DEGREE, "degree")             \
    X(INDEGREE, "indegree")         \
    X(OUTDEGREE, "outdegree")       \
    X(BETWEENNESS, "betweenness")   \
    X(CLOSENESS, "closeness")       \
    X(HARMONIC, "harmonic")         \
    X(EIGENVECTOR, "eigenvector")   \
    X(PAGERANK, "pagerank")

/* communities method M */
#define SK_METHODS(X)               \
    X(LOUVAIN, "louvain")           \
    X(LEIDEN, "leiden")             \
    X(LABELPROP, "labelprop")

/* export FORMAT "FILE" */
#define SK_FORMATS(X)               \
    X(SVG, "svg")                   \
    X(PNG, "png")                   \
    X(PDF, "pdf")                   \
    X(DOT, "dot")                   \
    X(GRAPHML, "graphml")           \
    X(GEXF, "gexf")                 \
    X(CSV, "csv")                   \
    X(JSON, "json")

/* count WHAT: what a count stage counts (bare 'count' counts every
 * one that applies to its input) */
#define SK_COUNTABLES(X)            \
    X(ENTITIES, "entities")         \
    X(LINKS, "links")               \
    X(PATHS, "paths")               \
    X(ROWS, "rows")

/* export … layout L (Graphviz layout engines) */
#define SK_LAYOUTS(X)               \
    X(DOT, "dot")                   \
    X(NEATO, "neato")               \
    X(FDP, "fdp")                   \
    X(SFDP, "sfdp")                 \
    X(CIRCO, "circo")               \
    X(TWOPI, "twopi")

#endif /* SK_QUERY_KEYWORDS_H */
