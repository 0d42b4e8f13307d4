/*
 * limits.h — every limit of the query engine, declared once (private to query/).
 *
 * A limit protects the engine from a query (or a case) that would take too
 * long, too much memory or too deep a stack. Each one is reached with a clear
 * "too many …" / "too long" / "too deeply" error (status SK_ELIMIT), never a
 * crash or a silent cut, and each has a test that reaches it. Values are
 * plain integer constants so they can size arrays and appear in messages
 * with %d / %u.
 *
 * Add new limits here, with a comment saying what is counted and why the
 * value is what it is.
 */
#ifndef SK_QUERY_LIMITS_H
#define SK_QUERY_LIMITS_H

/* ---- Text and parsing ------------------------------------------------ */

/* Bytes of one query text handed to the parser (a script of statements).
 * Spans are 32-bit byte offsets; this keeps them far from overflow. */
#define SK_QUERY_MAX_TEXT (16 * 1024 * 1024)

/* Bytes of one statement (from its first token to its last). A query an
 * analyst types is a few hundred bytes; a megabyte is generous even for
 * generated queries listing many ids. */
#define SK_QUERY_MAX_STATEMENT (1024 * 1024)

/* Nesting depth of parentheses and 'not' in a condition. The parser
 * recurses once per level, so this bounds its stack: 10,000 '(' give a
 * "nested too deeply" error instead of a stack overflow. */
#define SK_QUERY_MAX_DEPTH 100

/* Stages in one pipeline (stage | stage | …). */
#define SK_QUERY_MAX_STAGES 64

/* Items in one list: entities after 'around' or 'avoid', link types after
 * 'via', values in 'in (…)', terms joined by 'and' or 'or', properties in
 * '{…}', items after 'return' or 'order by', paths in a match. */
#define SK_QUERY_MAX_LIST 1024

/* Node patterns in one match path: (a)-[]->(b)-[]->(c) has three. */
#define SK_QUERY_MAX_PATTERN 16

/* Bytes of one string literal after its escapes are decoded. Property
 * values are names, numbers and notes, not documents. */
#define SK_QUERY_MAX_STRING (64 * 1024)

/* Bytes of one name (type, link type, property, variable). */
#define SK_QUERY_MAX_NAME 256

/* Bytes of one diagnostic message (sk_diag.msg), NUL included. */
#define SK_QUERY_MAX_DIAG 384

/* ---- Execution --------------------------------------------------------- */

/* Hops of a traversal: 'depth N', 'max N', and the upper bound of a
 * variable-length match segment '*1..N'. Beyond six hops nearly every
 * entity of a real case is reachable, so twelve is already a lot. */
#define SK_QUERY_MAX_HOPS 12

/* Rows of a table result, and the largest 'limit N' / 'top N'. */
#define SK_QUERY_MAX_ROWS 100000

/* Paths enumerated by 'paths' and 'shortest K paths' (K included). */
#define SK_QUERY_MAX_PATHS 10000

/* Bytes the arena of one query may grow to before it stops with an error. */
#define SK_QUERY_MAX_MEMORY (512 * 1024 * 1024)

/* Supernode cap: a traversal does not expand an entity with more links
 * than this (a call centre, a busy address); the result shows it
 * collapsed with the count of hidden neighbours instead. */
#define SK_QUERY_SUPERNODE 10000

/* Adjacency entries that one 'paths', 'shortest K paths', 'in time order'
 * or 'most reliable' search may examine before it stops and reports what
 * it found. A plain shortest path needs no such bound: its memory is two
 * visited sets, at most the size of the case. Enumerations can revisit the
 * same entities exponentially often; twenty million entries is a few
 * seconds. */
#define SK_PATHS_MAX_STEPS 20000000

#endif /* SK_QUERY_LIMITS_H */
