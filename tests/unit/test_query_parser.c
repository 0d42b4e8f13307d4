/*
 * test_query_parser.c — the query front end: lexer, parser, AST, canonical
 * printer and diagnostics (query/ast.h, lexer.h, diag.h).
 *
 * Table-driven: every example of the language brief and every addition
 * parses and prints to a pinned canonical text, and that text is a fixed
 * point (parse → print → parse → print gives it back); error cases pin
 * the status, the first line of the report (line, column, message) and
 * for some the caret line; AST shape tests check the values the executor
 * reads (UTC seconds, time ranges, hops, spans); pathological inputs
 * must end within a time bound with the limit error limits.h promises.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ast.h"
#include "diag.h"
#include "lexer.h"
#include "limits.h"

/* ---- Helpers ----------------------------------------------------------------- */

static int parse(sk_arena *a, const char *q, size_t len, sk_ast_script **s, sk_diag *d)
{
    return sk_ast_parse(q, len, a, s, d);
}

/* Canonical text of Q, or NULL with the formatted diagnostic in ERR. */
static char *canon(sk_arena *a, const char *q, char *err, size_t errcap)
{
    sk_ast_script *s;
    sk_diag d;
    int rc = parse(a, q, strlen(q), &s, &d);
    if (rc != SK_OK) {
        sk_diag_format(&d, NULL, q, strlen(q), err, errcap);
        return NULL;
    }
    char *t = sk_ast_print_script(s, a);
    assert_non_null(t);
    return t;
}

/* The single statement of Q, which must parse. */
static const sk_ast_stmt *stmt1(sk_arena *a, const char *q)
{
    sk_ast_script *s;
    sk_diag d;
    int rc = parse(a, q, strlen(q), &s, &d);
    if (rc != SK_OK)
        fail_msg("%s\n  -> %s", q, d.msg);
    assert_int_equal(s->n, 1);
    return &s->stmts[0];
}

static const sk_ast_stage *stage1(sk_arena *a, const char *q)
{
    return &stmt1(a, q)->stages[0];
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Text of the span S of Q. */
static void assert_span(const char *q, sk_span s, const char *want)
{
    size_t n = strlen(want);
    if (s.end - s.start != n || memcmp(q + s.start, want, n) != 0)
        fail_msg("span [%u,%u) is '%.*s', want '%s'", s.start, s.end, (int)(s.end - s.start),
                 q + s.start, want);
}

/* ---- Canonical text ----------------------------------------------------------- */

typedef struct canon_case {
    const char *in;
    const char *want; /* NULL: the input is already canonical */
} canon_case;

/* Every example of the design brief, each of which is already canonical. */
static const canon_case brief_examples[] = {
    {"find person where name ~ /^jo(h)?n\\b/i limit 20", NULL},
    {"show vehicle \"AB12 CDE\"", NULL},
    {"network around person \"John Smith\" depth 2 via knows, owns, called since 2024-01-01", NULL},
    {"path from person \"John Smith\" to person \"Jane Doe\" max 6 avoid person \"Bob Ray\"", NULL},
    {"paths from phone \"07700900123\" to phone \"07700900999\" max 4 limit 10", NULL},
    {"shortest 3 paths from person \"A\" to person \"B\"", NULL},
    {"connect person \"A\", person \"B\", vehicle \"XY99ZZZ\" max 4", NULL},
    {"common person \"A\", person \"B\"", NULL},
    {"match (p:person)-[:owns]->(v:vehicle)-[s:seen_at]->(l:location) where l.postcode ~ /^M1 / "
     "and s.time between 2024-03-01 and 2024-03-02 return p.name, v.plate, s.time", NULL},
    {"network around person \"John Smith\" depth 2 | rank betweenness top 5", NULL},
    {"network around person \"John Smith\" depth 3 | communities | export svg \"cell.svg\" layout sfdp",
     NULL},
    {"path from phone \"07700900123\" to phone \"07700900999\" in time order between 2024-03-01 and "
     "2024-03-07", NULL},
    {"colocated vehicle \"AB12 CDE\" within 10m", NULL},
    {"timeline person \"John Smith\" between 2024-03-01 and 2024-03-31", NULL},
    /* The statement table of the brief, one form each. */
    {"find link called where duration > 60", NULL},
    {"find person where age > 30 order by name desc limit 5", NULL},
    {"neighbours person \"John Smith\" via knows since 2024-01-01 where type = \"phone\"", NULL},
    {"network around person \"A\", #12 depth 2 via knows only person, vehicle before 2024-01-01 "
     "where grade >= B2 limit 50", NULL},
    {"paths from #1 to #2 max 4 limit 10", NULL},
    {"rank pagerank of person top 10", NULL},
    {"communities method louvain", NULL},
    {"duplicates person min 0.8", NULL},
    {"merge #12 into #34", NULL},
    {"create person {name: \"John Smith\", dob: 1980-05-01} graded B24 from \"notebook 7\"", NULL},
    {"link person \"A\" -[knows {since: 2019}]-> person \"B\" at 2024-03-01T14:05Z graded B2 "
     "from \"interview\"", NULL},
    {"set #12.name = \"John Smyth\"", NULL},
    {"delete #12", NULL},
    {"find person | export csv \"people.csv\"", NULL},
    {"network around #1 | export png \"x.png\" layout neato title \"Cell A\"", NULL},
};

/* The additions, and inputs whose canonical text differs from them. */
static const canon_case additions[] = {
    /* Case, spacing, comments, ';' and aliases. */
    {"  FIND   Person  WHERE name = \"x\"  LIMIT 3 ; ", "find person where name = \"x\" limit 3"},
    {"Network Around PERSON \"x\" VIA Knows, OWNS", "network around person \"x\" via knows, owns"},
    {"find person -- all of them\n limit 2", "find person limit 2"},
    {"neighbors #1", "neighbours #1"},
    {"shortest path from #1 to #2", "path from #1 to #2"},
    {"show #1;; ;show #2;", "show #1;\nshow #2"},
    {"-- only a comment", ""},
    /* Clauses in any order come back in canonical order. */
    {"network around #1 since 2024-01-01 via knows depth 2", "network around #1 depth 2 via knows "
     "since 2024-01-01"},
    {"rank degree top 3 of person weighted", "rank degree weighted of person top 3"},
    /* Statements. */
    {"explain network around #1 | rank closeness", NULL},
    {"stats", NULL},
    {"network around #1 depth 2 | count", NULL},
    {"network around #1 depth 2 VIA knows | COUNT Entities",
     "network around #1 depth 2 via knows | count entities"},
    {"paths from #1 to #2 | count paths", NULL},
    {"find person | count rows", NULL},
    {"components via knows", NULL},
    {"communities method leiden weighted", NULL},
    {"communities method LabelProp", "communities method labelprop"},
    {"rank betweenness weighted by grade of person top 5 between 2024-01-01 and 2024-06-30",
     "rank betweenness weighted by grade of person between 2024-01-01 and 2024-06-30 top 5"},
    {"rank harmonic", NULL},
    {"rank indegree | where score > 0.5", NULL},
    {"colocated #5 within 90s on 2024-03-01", NULL},
    {"colocated #5 within 3600s", "colocated #5 within 1h"},
    {"convoy vehicle \"AB12CDE\" within 2h min 3 between 2024-03-01T10:00Z and "
     "2024-03-01T18:00+01:00", NULL},
    {"duplicates person min 1", "duplicates person min 1.0"},
    {"unmerge #2", NULL},
    {"create phone \"07700 900123\"", NULL},
    {"create person {}", "create person"},
    {"link #1 <-[owns]- #2", NULL},
    {"link #1 -[related]- #2 at 2024-01-01 to 2024-02-01", NULL},
    {"link #1 -[called {duration: 65}]-> #2 at 2024-03-01T14:05:00+01:00 graded \"1A P\"", NULL},
    {"set person \"John\".age = 40", NULL},
    {"set link #9.note = null", NULL},
    {"set #9.`date of birth` = 1990-01-01", NULL},
    {"delete link #7", NULL},
    {"show link #7", NULL},
    {"path from #1 to #2 most reliable", NULL},
    {"path from #1 to #2 in time order max gap 2h max 5", "path from #1 to #2 max 5 in time order "
     "max gap 2h"},
    {"path from #1 to #2 in time order max 5", "path from #1 to #2 max 5 in time order"},
    {"network around #1 | where type = \"person\" and not has dob | export json \"x.json\"", NULL},
    {"export gexf \"a b.gexf\" layout circo", NULL},
    /* REF forms. */
    {"neighbours person where name ~ /smith/i", "neighbours (person where name ~ /smith/i)"},
    {"neighbours ((person where name ~ /smith/i))", "neighbours (person where name ~ /smith/i)"},
    {"connect (#1), ((person \"A\"))", "connect #1, person \"A\""},
    {"path from person where age > 3 to #2", "path from (person where age > 3) to #2"},
    /* Conditions. */
    {"find person where a = 1 or b = 2 and c = 3", NULL},
    {"find person where (a = 1 or b = 2) and c = 3", NULL},
    {"find person where ((a = 1 and b = 2)) or c = 3", "find person where a = 1 and b = 2 or c = 3"},
    {"find person where not (a = 1 or b = 2)", NULL},
    {"find person where not not a = 1", NULL},
    {"find person where x in (1, 2.5, \"a\", -3, #4, 2024-01-01, B2) and has y", NULL},
    {"find person where age between 18 and 30", NULL},
    {"find person where a != 1 and b < 2 and c <= 3 and d > 4 and e >= 5", NULL},
    {"find link called where link.time >= 2024-03-01T14:05:00Z and source = \"cdr.csv\"", NULL},
    {"find person where grade >= B2 and code = 1A", NULL},
    {"find person where x = -0.5 and y = 1e300 and z = 0.1 and w = 2E-3",
     "find person where x = -0.5 and y = 1e+300 and z = 0.1 and w = 0.002"},
    {"find person where ok = TRUE and gone = false and x = NULL",
     "find person where ok = true and gone = false and x = null"},
    {"find person where `date of birth` < 1990-01-01 and `max` = 1 and x.`limit` = 2",
     "find person where `date of birth` < 1990-01-01 and `max` = 1 and x.limit = 2"},
    {"find person where name ~ /a b # c/xi and note ~ /^x$/msi",
     "find person where name ~ /a b # c/ix and note ~ /^x$/ims"},
    {"find person where name ~ /a\\/b/", NULL},
    {"find person where s = \"tab\\there \\\"q\\\" \\\\ \\u00e9 \\uD83D\\uDE00 \\/\"",
     "find person where s = \"tab\\there \\\"q\\\" \\\\ \xc3\xa9 \xf0\x9f\x98\x80 /\""},
    {"find person where t > 2024-03-01t14:05:00.123z", "find person where t > 2024-03-01T14:05:00Z"},
    {"find person where t > 2024-03-01T14:05+00:00", "find person where t > 2024-03-01T14:05Z"},
    {"find person where t > 2024-03-01T14:05-05:30 and u < 2024-03-01T23:59", NULL},
    {"find person where d = 120s or d = 86400s or d = 1209600s or d = 0s",
     "find person where d = 2m or d = 1d or d = 2w or d = 0s"},
    /* Names that would not read back bare are backquoted. */
    {"find `link`", NULL},
    {"find link `link`", "find link link"},
    {"find person where x = `true` and y = `10m`", NULL},
    {"find `Person Of Interest`", "find `person of interest`"},
    {"create person {since: 2020-01-01, `a b`: 1}", NULL},
    /* match. */
    {"match (a)-[:knows*1..3]-(b:person {name: \"X\"}), (b)<-[e:called|messaged*2..]-(c) "
     "where grade >= B2 return graph", NULL},
    {"match (a:person)-[r*]->(b) return a, b.name as bn order by bn desc limit 5",
     "match (a:person)-[r*]->(b) return a, b.name as bn order by bn desc limit 5"},
    {"match ()-[]-()", NULL},
    {"match ({name: \"x\"})-[{w: 1}]->(:phone)", NULL},
    {"match (a)-[*..3]->(b)-[*2]->(c)-[*0..1]->(d)", "match (a)-[*1..3]->(b)-[*2]->(c)-[*0..1]->(d)"},
    {"match (graph) return `graph`, x", "match (graph) return `graph`, x"},
    {"match (a)-[:KNOWS]->(b:PERSON) return a.Name", "match (a)-[:knows]->(b:person) return a.Name"},
};

static void check_canon(const canon_case *cases, size_t n)
{
    sk_arena *a = sk_arena_new();
    char err[1024];
    for (size_t i = 0; i < n; i++) {
        const char *want = cases[i].want ? cases[i].want : cases[i].in;
        char *got = canon(a, cases[i].in, err, sizeof err);
        if (!got)
            fail_msg("does not parse: %s\n%s", cases[i].in, err);
        if (strcmp(got, want) != 0)
            fail_msg("input: %s\n  got:  %s\n  want: %s", cases[i].in, got, want);
        /* The canonical text is a fixed point of parse → print. */
        char *again = canon(a, got, err, sizeof err);
        if (!again)
            fail_msg("canonical text does not parse: %s\n%s", got, err);
        if (strcmp(again, got) != 0)
            fail_msg("not stable: %s\n  then: %s", got, again);
        sk_arena_reset(a);
    }
    sk_arena_free(a);
}

static void test_brief_examples(void **state)
{
    (void)state;
    check_canon(brief_examples, sizeof brief_examples / sizeof brief_examples[0]);
}

static void test_additions(void **state)
{
    (void)state;
    check_canon(additions, sizeof additions / sizeof additions[0]);
}

/* ---- Errors ------------------------------------------------------------------- */

typedef struct err_case {
    const char *in;
    int rc;
    const char *first; /* the first line of the report */
} err_case;

static const err_case errors[] = {
    /* The example of the brief. */
    {"network around person \"Jo\" via 2024", SK_EPARSE,
     "line 1, column 32: expected a link type after 'via', found '2024'"},
    {"", SK_OK, NULL},
    {"find", SK_EPARSE, "line 1, column 5: expected an entity type after 'find', found end of query"},
    {"fnd person", SK_EPARSE,
     "line 1, column 1: expected a statement (find, show, network around, path, match, rank, …), "
     "found 'fnd'"},
    {"find person depth 2", SK_EPARSE,
     "line 1, column 13: expected where, order by, limit, '|' or end of query after 'person', "
     "found 'depth'"},
    {"find person where x = 1 on 2024-01-01", SK_EPARSE,
     "line 1, column 25: expected order by, limit, '|' or end of query after '1', found 'on'"},
    {"network person \"x\"", SK_EPARSE,
     "line 1, column 9: expected 'around' after 'network', found 'person'"},
    {"network around", SK_EPARSE,
     "line 1, column 15: expected an entity (like person \"Jo\" or #12) after 'around', found end "
     "of query"},
    {"network around person", SK_EPARSE,
     "line 1, column 22: expected a key in quotes or 'where' after 'person', found end of query"},
    {"network around #1 via knows,", SK_EPARSE,
     "line 1, column 29: expected a link type after ',', found end of query"},
    {"network around #1 via since 2024-01-01", SK_EPARSE,
     "line 1, column 23: expected a link type after 'via', found 'since'"},
    {"network around #1 depth 20", SK_ELIMIT,
     "line 1, column 25: depth 20 is over the maximum of 12"},
    {"network around #1 depth 0", SK_EPARSE, "line 1, column 25: depth must be at least 1"},
    {"network around #1 depth 2 depth 3", SK_EPARSE, "line 1, column 27: 'depth' is given twice"},
    {"network around #1 since 2024-01-01 on 2024-02-01", SK_EPARSE,
     "line 1, column 36: only one time filter (between, on, since or before) is allowed"},
    {"find person limit 200000", SK_ELIMIT,
     "line 1, column 19: limit 200000 is over the maximum of 100000"},
    {"find person where", SK_EPARSE,
     "line 1, column 18: expected a condition (like name = \"x\") after 'where', found end of query"},
    {"find person where name", SK_EPARSE,
     "line 1, column 23: expected an operator (=, !=, <, <=, >, >=, ~, in or between) after "
     "'name', found end of query"},
    {"find person where name = ", SK_EPARSE,
     "line 1, column 26: expected a value after '=', found end of query"},
    {"find person where name = /x/", SK_EPARSE,
     "line 1, column 26: expected a value after '=', found '/x/'"},
    {"find person where name ~ \"x\"", SK_EPARSE,
     "line 1, column 26: expected a regex like /…/i after '~', found \"x\""},
    {"find person where (a = 1", SK_EPARSE,
     "line 1, column 25: expected ')' after '1', found end of query"},
    {"find person where x = 1 and", SK_EPARSE,
     "line 1, column 28: expected a condition (like name = \"x\") after 'and', found end of query"},
    {"find person where x in ()", SK_EPARSE,
     "line 1, column 25: expected a value after '(', found ')'"},
    {"find person where x between 1 or 2", SK_EPARSE,
     "line 1, column 31: expected 'and' after '1', found 'or'"},
    {"find person where limit = 3", SK_EPARSE,
     "line 1, column 19: expected a condition (like name = \"x\") after 'where', found 'limit'"},
    /* Literals. */
    {"find person where name ~ /(abc/", SK_EPARSE,
     "line 1, column 31: invalid regex: missing closing parenthesis (at offset 4 of the pattern)"},
    {"find person where name ~ /a{2,1}/", SK_EPARSE,
     "line 1, column 32: invalid regex: numbers out of order in {} quantifier (at offset 5 of the "
     "pattern)"},
    {"find person where name ~ /abc/g", SK_EPARSE,
     "line 1, column 31: unknown regex flag 'g' (the flags are i, m, s and x)"},
    {"find person where name ~ /abc", SK_EPARSE,
     "line 1, column 26: unterminated regex: no closing '/'"},
    {"find person where d > 2024-02-30", SK_EPARSE,
     "line 1, column 23: invalid date '2024-02-30': 2024-02 has 29 days"},
    {"find person where d > 2023-02-29", SK_EPARSE,
     "line 1, column 23: invalid date '2023-02-29': 2023-02 has 28 days"},
    {"find person where d > 2024-13-01", SK_EPARSE,
     "line 1, column 23: invalid date '2024-13-01': month 13 does not exist"},
    {"find person where d > 2024-03-01T25:00", SK_EPARSE,
     "line 1, column 23: invalid date '2024-03-01T25:00': hour 25 is past 23"},
    {"find person where d > 2024-03-01T10:60", SK_EPARSE,
     "line 1, column 23: invalid date '2024-03-01T10:60': minute 60 is past 59"},
    {"find person where d > 2024-03-01T10:00+15:00", SK_EPARSE,
     "line 1, column 23: invalid date '2024-03-01T10:00+15:00': UTC offsets run from -14:00 to "
     "+14:00"},
    {"find person where d > 2024-03-1", SK_EPARSE,
     "line 1, column 23: malformed date '2024-03-1' (write 2024-03-01, 2024-03-01T14:05 or "
     "2024-03-01T14:05:00+01:00)"},
    {"find person where d > 2024-03-01T14", SK_EPARSE,
     "line 1, column 23: malformed date '2024-03-01T14' (write 2024-03-01, 2024-03-01T14:05 or "
     "2024-03-01T14:05:00+01:00)"},
    {"path from #1 to #2 between 2024-03-05 and 2024-03-01", SK_EPARSE,
     "line 1, column 43: the end of the time range is before its start"},
    {"network around #1 since 2024", SK_EPARSE,
     "line 1, column 25: expected a date (like 2024-03-01 or 2024-03-01T14:05:00Z) after 'since', "
     "found '2024'"},
    {"find person where x = \"abc", SK_EPARSE,
     "line 1, column 23: unterminated string: no closing '\"' on this line (write a line break as "
     "\\n)"},
    {"find person where x = \"a\\qb\"", SK_EPARSE,
     "line 1, column 25: unknown escape '\\q' in a string (known: \\n \\t \\r \\\" \\\\ \\uXXXX)"},
    {"find person where x = \"\\uD800\"", SK_EPARSE,
     "line 1, column 24: unpaired surrogate \\uD800 in a string"},
    {"find person where x = \"\\u0000\"", SK_EPARSE,
     "line 1, column 24: \\u0000 is not allowed in a string"},
    {"find person where x = \"\\u12\"", SK_EPARSE,
     "line 1, column 24: \\u must be followed by four hex digits"},
    {"find person where x = \"a\xff\"", SK_EPARSE,
     "line 1, column 25: invalid UTF-8 byte 0xFF in a string"},
    {"find person where x = \"a\x01\"", SK_EPARSE,
     "line 1, column 25: control character 0x01 in a string (write it as \\u0001)"},
    {"find person where x = 99999999999999999999", SK_EPARSE,
     "line 1, column 23: number too large '99999999999999999999' (the largest integer is "
     "9223372036854775807)"},
    {"find person where x = 1.5x", SK_EPARSE, "line 1, column 23: malformed number '1.5x'"},
    {"find person where x = 1e999", SK_EPARSE, "line 1, column 23: number out of range '1e999'"},
    {"colocated #1 within 10", SK_EPARSE,
     "line 1, column 21: expected a duration (like 10m, 2h or 3d) after 'within', found '10'"},
    {"colocated #1 within 10M", SK_EPARSE,
     "line 1, column 21: expected a duration (like 10m, 2h or 3d) after 'within', found '10M'"},
    {"show #0", SK_EPARSE, "line 1, column 6: #0 is not an id: ids start at #1"},
    {"show #", SK_EPARSE, "line 1, column 6: expected digits after '#' (an id is written like #123)"},
    {"show #12ab", SK_EPARSE, "line 1, column 6: malformed id '#12ab'"},
    {"find `date of", SK_EPARSE, "line 1, column 6: unterminated name: no closing '`' on this line"},
    {"find ``", SK_EPARSE, "line 1, column 6: empty name in backquotes"},
    {"find person \xe2\x80\x9cJohn\xe2\x80\x9d", SK_EPARSE,
     "line 1, column 13: unexpected character U+201C, a curly quote: strings go in straight double "
     "quotes \"…\""},
    {"find person\xc2\xa0limit 1", SK_EPARSE,
     "line 1, column 12: unexpected character U+00A0, an invisible or non-breaking space"},
    {"find person \xc3", SK_EPARSE, "line 1, column 13: invalid UTF-8 byte 0xC3"},
    {"find person where name = 'x'", SK_EPARSE,
     "line 1, column 26: unexpected character ''' (strings go in double quotes \"…\")"},
    {"find person where x ! 3", SK_EPARSE,
     "line 1, column 21: unexpected character '!' (not equal is written !=)"},
    {"find person & 1", SK_EPARSE, "line 1, column 13: unexpected character '&'"},
    {"find person\x01", SK_EPARSE, "line 1, column 12: unexpected control character 0x01"},
    /* Stages. */
    {"rank foo", SK_EPARSE,
     "line 1, column 6: expected a measure (degree, indegree, outdegree, betweenness, closeness, "
     "harmonic, eigenvector, pagerank) after 'rank', found 'foo'"},
    {"communities method walktrap", SK_EPARSE,
     "line 1, column 20: expected a community method (louvain, leiden, labelprop) after 'method', "
     "found 'walktrap'"},
    {"export bmp \"x\"", SK_EPARSE,
     "line 1, column 8: expected an export format (svg, png, pdf, dot, graphml, gexf, csv, json) "
     "after 'export', found 'bmp'"},
    {"export svg", SK_EPARSE,
     "line 1, column 11: expected a file name in quotes after 'svg', found end of query"},
    {"export svg \"x\" layout spring", SK_EPARSE,
     "line 1, column 23: expected a layout (dot, neato, fdp, sfdp, circo, twopi) after 'layout', "
     "found 'spring'"},
    {"find person | ", SK_EPARSE,
     "line 1, column 15: expected a stage (rank, communities, where, count, export, …) after '|', found "
     "end of query"},
    {"find person ; show", SK_EPARSE,
     "line 1, column 19: expected an entity (like person \"Jo\" or #12) after 'show', found end of "
     "query"},
    {"shortest paths from #1 to #2", SK_EPARSE,
     "line 1, column 10: expected a number of paths or 'path' after 'shortest', found 'paths'"},
    {"shortest 20000 paths from #1 to #2", SK_ELIMIT,
     "line 1, column 10: shortest 20000 is over the maximum of 10000"},
    {"path from #1 #2", SK_EPARSE, "line 1, column 14: expected 'to' after '#1', found '#2'"},
    {"path from #1 to #2 in order", SK_EPARSE,
     "line 1, column 23: expected 'time' after 'in', found 'order'"},
    {"path from #1 to #2 in time order max gap 0s", SK_EPARSE,
     "line 1, column 42: the largest gap must be more than 0s"},
    {"path from #1 to #2 most", SK_EPARSE,
     "line 1, column 24: expected 'reliable' after 'most', found end of query"},
    {"rank degree weighted by weight", SK_EPARSE,
     "line 1, column 25: expected 'grade' after 'by', found 'weight'"},
    {"merge #1 #2", SK_EPARSE, "line 1, column 10: expected 'into' after '#1', found '#2'"},
    {"merge person \"A\" into #2", SK_EPARSE,
     "line 1, column 7: expected an entity id like #123 after 'merge', found 'person'"},
    {"set #1 name = 2", SK_EPARSE,
     "line 1, column 8: expected '.' and a property name after '#1', found 'name'"},
    {"set #1.name 2", SK_EPARSE, "line 1, column 13: expected '=' after 'name', found '2'"},
    {"create person {name \"x\"}", SK_EPARSE,
     "line 1, column 21: expected ':' after 'name', found \"x\""},
    {"create person {a: 1 b: 2}", SK_EPARSE,
     "line 1, column 21: expected ',' or '}' after '1', found 'b'"},
    {"create person {a: 1, a: 2}", SK_EPARSE, "line 1, column 22: property 'a' is given twice"},
    {"link #1 -[knows]- #2 graded true", SK_EPARSE,
     "line 1, column 29: expected a grading code (like B24 or \"1A P\") after 'graded', found "
     "'true'"},
    {"link #1 -[knows]- #2 at 2024-03-02 to 2024-03-01", SK_EPARSE,
     "line 1, column 39: the time ends before it starts"},
    {"link #1 -> #2", SK_EPARSE, "line 1, column 9: expected a link pattern like -[:knows]-> after "
     "'#1', found '->'"},
    {"link #1 -[]-> #2", SK_EPARSE, "line 1, column 11: expected a link type after '[', found ']'"},
    /* match. */
    {"match (a)-[:x]->", SK_EPARSE,
     "line 1, column 17: expected a node pattern like (p:person) after '->', found end of query"},
    {"match (a)<-[:x]->(b)", SK_EPARSE,
     "line 1, column 16: expected '-' (a link points one way: <-[…]- or -[…]->) after ']', found "
     "'->'"},
    {"match (a)-[*3..2]-(b)", SK_EPARSE, "line 1, column 12: the hop range is empty (3 > 2)"},
    {"match (a)-[*0]-(b)", SK_EPARSE,
     "line 1, column 12: a segment of exactly 0 hops matches nothing: write *0..N"},
    {"match (a)-[*1..13]-(b)", SK_ELIMIT,
     "line 1, column 16: the hop count 13 is over the maximum of 12"},
    {"match (a) return graph, a", SK_EPARSE,
     "line 1, column 23: expected where, order by, limit, '|' or end of query after 'graph', "
     "found ','"},
    {"match (a) return", SK_EPARSE,
     "line 1, column 17: expected a variable or 'graph' after 'return', found end of query"},
};

static void test_errors(void **state)
{
    (void)state;
    sk_arena *a = sk_arena_new();
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        const err_case *c = &errors[i];
        sk_ast_script *s;
        sk_diag d;
        int rc = parse(a, c->in, strlen(c->in), &s, &d);
        if (rc != c->rc)
            fail_msg("%s\n  rc %d (%s), want %d", c->in, rc, d.msg, c->rc);
        if (rc == SK_OK) {
            assert_non_null(s);
            continue;
        }
        assert_null(s);
        char report[1024];
        sk_diag_format(&d, NULL, c->in, strlen(c->in), report, sizeof report);
        size_t first = strcspn(report, "\n");
        if (strlen(c->first) != first || memcmp(report, c->first, first) != 0)
            fail_msg("%s\n  got:  %.*s\n  want: %s", c->in, (int)first, report, c->first);
        sk_arena_reset(a);
    }
    sk_arena_free(a);
}

/* The full three-line report of the brief's example. */
static void test_report_format(void **state)
{
    (void)state;
    sk_arena *a = sk_arena_new();
    const char *q = "network around person \"Jo\" via 2024";
    sk_ast_script *s;
    sk_diag d;
    assert_int_equal(parse(a, q, strlen(q), &s, &d), SK_EPARSE);
    char buf[512];
    size_t n = sk_diag_format(&d, NULL, q, strlen(q), buf, sizeof buf);
    const char *want = "line 1, column 32: expected a link type after 'via', found '2024'\n"
                       "  network around person \"Jo\" via 2024\n"
                       "                                 ^^^^\n";
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));

    /* Second line, origin prefix; the caret line copies tabs. */
    const char *q2 = "find person\n\twhere name ~ /(/";
    assert_int_equal(parse(a, q2, strlen(q2), &s, &d), SK_EPARSE);
    sk_diag_format(&d, "case.skq", q2, strlen(q2), buf, sizeof buf);
    assert_string_equal(buf,
                        "case.skq: line 2, column 17: invalid regex: missing closing parenthesis "
                        "(at offset 1 of the pattern)\n"
                        "  \twhere name ~ /(/\n"
                        "  \t               ^\n");

    /* A short buffer is cut but says how long the report is. */
    char small[16];
    size_t full = sk_diag_format(&d, NULL, q2, strlen(q2), small, sizeof small);
    assert_true(full > sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);

    /* Columns count characters, not bytes. */
    const char *q3 = "find person where n = \"é\" and";
    assert_int_equal(parse(a, q3, strlen(q3), &s, &d), SK_EPARSE);
    sk_diag_format(&d, NULL, q3, strlen(q3), buf, sizeof buf);
    assert_string_equal(buf, "line 1, column 30: expected a condition (like name = \"x\") after "
                             "'and', found end of query\n"
                             "  find person where n = \"é\" and\n"
                             "                               ^\n");
    sk_arena_free(a);
}

static void test_diag_window(void **state)
{
    (void)state;
    /* A long line shows a window around the span, marked with "...". */
    char q[600];
    int n = snprintf(q, sizeof q, "find person where x = \"%0400d\" and", 0);
    sk_diag d = {.span = {(uint32_t)n, (uint32_t)n}};
    snprintf(d.msg, sizeof d.msg, "here");
    char buf[1024];
    sk_diag_format(&d, NULL, q, (size_t)n, buf, sizeof buf);
    const char *l2 = strchr(buf, '\n') + 1;
    const char *l3 = strchr(l2, '\n') + 1;
    assert_memory_equal(l2, "  ...", 5);
    assert_true(strlen(l2) - strlen(l3) < 120);
    /* The caret sits under the end of the text. */
    size_t caret = strcspn(l3, "^");
    size_t textlen = (size_t)(l3 - l2) - 1;
    assert_int_equal(caret, textlen);

    /* Spans outside the text are clamped; a position reports its column. */
    unsigned long line, col;
    sk_diag_locate("ab\ncd", 5, 4, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 2);
    sk_diag_locate("ab\ncd", 5, 99, &line, &col);
    assert_int_equal(col, 3);
    sk_diag far = {.span = {1000, 2000}};
    snprintf(far.msg, sizeof far.msg, "x");
    sk_diag_format(&far, NULL, "ab", 2, buf, sizeof buf);
    assert_string_equal(buf, "line 1, column 3: x\n  ab\n    ^\n");
}

/* ---- AST shape ----------------------------------------------------------------- */

/* 2024-03-01T00:00:00Z */
#define T_2024_03_01 INT64_C(1709251200)

static void test_ast_dates_and_time(void **state)
{
    (void)state;
    sk_arena *a = sk_arena_new();
    const sk_ast_stage *st;

    st = stage1(a, "find x where t = 2024-03-01T14:05:00+01:00");
    const sk_ast_lit *v = &st->cl.where->u.cmp.value;
    assert_int_equal(v->kind, SK_LIT_TIME);
    assert_int_equal(v->u.time.t, T_2024_03_01 + 13 * 3600 + 5 * 60);
    assert_int_equal(v->u.time.off_min, 60);
    assert_int_equal(v->u.time.prec, SK_PREC_SECOND);
    assert_true(v->u.time.zone);

    st = stage1(a, "find x where t = 1969-12-31T23:59-00:30");
    v = &st->cl.where->u.cmp.value;
    assert_int_equal(v->u.time.t, -60 + 30 * 60);
    assert_int_equal(v->u.time.off_min, -30);

    st = stage1(a, "find x where t = 2000-02-29");
    assert_int_equal(st->cl.where->u.cmp.value.u.time.t, INT64_C(951782400));
    assert_false(st->cl.where->u.cmp.value.u.time.zone);

    st = stage1(a, "timeline #1 between 2024-03-01 and 2024-03-02");
    assert_true(sk_ast_has(&st->cl, SK_CL_TIME));
    assert_int_equal(st->cl.time.kind, SK_TIME_BETWEEN);
    assert_int_equal(st->cl.time.from, T_2024_03_01);
    assert_int_equal(st->cl.time.to, T_2024_03_01 + 2 * 86400 - 1);

    st = stage1(a, "timeline #1 on 2024-03-01T14:05Z");
    assert_int_equal(st->cl.time.from, T_2024_03_01 + 14 * 3600 + 300);
    assert_int_equal(st->cl.time.to, T_2024_03_01 + 14 * 3600 + 300 + 59);

    st = stage1(a, "timeline #1 since 2024-03-01");
    assert_int_equal(st->cl.time.from, T_2024_03_01);
    assert_int_equal(st->cl.time.to, INT64_MAX);

    st = stage1(a, "timeline #1 before 2024-03-01");
    assert_int_equal(st->cl.time.from, INT64_MIN);
    assert_int_equal(st->cl.time.to, T_2024_03_01 - 1);

    st = stage1(a, "link #1 -[met]- #2 at 2024-03-01 to 2024-03-01");
    assert_int_equal(st->cl.at.u.time.t, T_2024_03_01);
    assert_int_equal(sk_ast_datetime_last(&st->cl.at_to.u.time), T_2024_03_01 + 86399);
    assert_int_equal(st->u.link.dir, SK_AST_DIR_NONE);

    static const struct {
        const char *q;
        int64_t secs;
    } durs[] = {{"colocated #1 within 90s", 90},      {"colocated #1 within 10m", 600},
                {"colocated #1 within 2h", 7200},     {"colocated #1 within 3d", 259200},
                {"colocated #1 within 1w", 604800}};
    for (size_t i = 0; i < sizeof durs / sizeof durs[0]; i++)
        assert_int_equal(stage1(a, durs[i].q)->cl.within, durs[i].secs);
    sk_arena_free(a);
}

static void test_ast_literals(void **state)
{
    (void)state;
    sk_arena *a = sk_arena_new();
    const char *q = "find x where s = \"a\\n\\t\\\"\\\\\\u00e9\\uD83D\\uDE00\" and i = -42 and "
                    "r = 2.5e3 and b = false and n = null and id = #77 and w = B24 and "
                    "x ~ /^a b$/xi";
    const sk_ast_stage *st = stage1(a, q);
    const sk_ast_cond *w = st->cl.where;
    assert_int_equal(w->kind, SK_COND_AND);
    assert_int_equal(w->u.list.n, 8);
    const sk_ast_lit *s = &w->u.list.v[0].u.cmp.value;
    assert_int_equal(s->kind, SK_LIT_STR);
    assert_int_equal(s->u.str.len, 11);
    assert_memory_equal(s->u.str.ptr, "a\n\t\"\\\xc3\xa9\xf0\x9f\x98\x80", 11);
    assert_int_equal(s->u.str.ptr[11], '\0');
    assert_int_equal(w->u.list.v[1].u.cmp.value.u.i, -42);
    assert_span(q, w->u.list.v[1].u.cmp.value.span, "-42");
    assert_true(w->u.list.v[2].u.cmp.value.u.r == 2500.0);
    assert_int_equal(w->u.list.v[3].u.cmp.value.kind, SK_LIT_BOOL);
    assert_false(w->u.list.v[3].u.cmp.value.u.b);
    assert_int_equal(w->u.list.v[4].u.cmp.value.kind, SK_LIT_NULL);
    assert_int_equal(w->u.list.v[5].u.cmp.value.u.id, 77);
    assert_int_equal(w->u.list.v[6].u.cmp.value.kind, SK_LIT_WORD);
    assert_string_equal(w->u.list.v[6].u.cmp.value.u.str.ptr, "B24");
    const sk_ast_cond *rx = &w->u.list.v[7];
    assert_int_equal(rx->u.cmp.op, SK_OP_MATCH);
    assert_int_equal(rx->u.cmp.value.kind, SK_LIT_REGEX);
    assert_string_equal(rx->u.cmp.value.u.rx.ptr, "^a b$");
    assert_int_equal(rx->u.cmp.value.u.rx.flags, SK_RX_CASELESS | SK_RX_EXTENDED);
    assert_span(q, rx->span, "x ~ /^a b$/xi");
    sk_arena_free(a);
}

static void test_ast_structure(void **state)
{
    (void)state;
    sk_arena *a = sk_arena_new();

    /* Precedence: or of (a) and (and of b, c); 'not' binds tightest. */
    const sk_ast_stage *st = stage1(a, "find x where a = 1 or not b = 2 and c = 3");
    const sk_ast_cond *w = st->cl.where;
    assert_int_equal(w->kind, SK_COND_OR);
    assert_int_equal(w->u.list.n, 2);
    assert_int_equal(w->u.list.v[1].kind, SK_COND_AND);
    assert_int_equal(w->u.list.v[1].u.list.v[0].kind, SK_COND_NOT);
    assert_int_equal(w->u.list.v[1].u.list.v[0].u.operand->kind, SK_COND_CMP);

    /* Spans of names, references and clauses point into the text. */
    const char *q = "network around person \"Jo\", #5 via knows, Owns depth 2";
    st = stage1(a, q);
    assert_int_equal(st->kind, SK_STAGE_NETWORK);
    assert_int_equal(st->u.refs.n, 2);
    assert_int_equal(st->u.refs.v[0].kind, SK_REF_KEY);
    assert_string_equal(st->u.refs.v[0].type.text, "person");
    assert_string_equal(st->u.refs.v[0].u.key.u.str.ptr, "Jo");
    assert_span(q, st->u.refs.v[0].span, "person \"Jo\"");
    assert_int_equal(st->u.refs.v[1].kind, SK_REF_ID);
    assert_int_equal(st->u.refs.v[1].u.id, 5);
    assert_int_equal(st->cl.via.n, 2);
    assert_string_equal(st->cl.via.v[1].text, "Owns");  /* kept as written */
    assert_span(q, st->cl.via.v[1].span, "Owns");
    assert_span(q, st->cl.span[SK_CL_VIA], "via knows, Owns");
    assert_span(q, st->cl.span[SK_CL_DEPTH], "depth 2");
    assert_int_equal(st->cl.present, SK_CLBIT(VIA) | SK_CLBIT(DEPTH));
    assert_int_equal(st->cl.depth, 2);
    assert_span(q, st->span, q);

    /* match: nodes, edges, directions, hops, variables. */
    q = "match (p:person {age: 3})-[:knows|met*1..3]-(q)<-[e:owns]-(:vehicle) return p.name as n, q";
    st = stage1(a, q);
    assert_int_equal(st->u.match.n, 1);
    const sk_ast_pattern *pt = &st->u.match.v[0];
    assert_int_equal(pt->nnodes, 3);
    assert_int_equal(pt->nedges, 2);
    assert_string_equal(pt->nodes[0].var.text, "p");
    assert_string_equal(pt->nodes[0].type.text, "person");
    assert_int_equal(pt->nodes[0].props.n, 1);
    assert_int_equal(pt->nodes[0].props.v[0].value.u.i, 3);
    assert_int_equal(pt->nodes[1].type.len, 0);
    assert_int_equal(pt->nodes[2].var.len, 0);
    assert_int_equal(pt->edges[0].dir, SK_AST_DIR_NONE);
    assert_true(pt->edges[0].varlen);
    assert_int_equal(pt->edges[0].min_hops, 1);
    assert_int_equal(pt->edges[0].max_hops, 3);
    assert_int_equal(pt->edges[0].types.n, 2);
    assert_int_equal(pt->edges[1].dir, SK_AST_DIR_IN);
    assert_false(pt->edges[1].varlen);
    assert_int_equal(pt->edges[1].min_hops, 1);
    assert_int_equal(pt->edges[1].max_hops, 1);
    assert_string_equal(pt->edges[1].var.text, "e");
    assert_span(q, pt->edges[1].span, "<-[e:owns]-");
    assert_int_equal(st->cl.ret.n, 2);
    assert_string_equal(st->cl.ret.v[0].alias.text, "n");
    assert_int_equal(st->cl.ret.v[1].prop.len, 0);

    st = stage1(a, "match (a)-[*]->(b) return graph");
    assert_true(st->cl.ret.graph);
    assert_int_equal(st->u.match.v[0].edges[0].min_hops, 1);
    assert_int_equal(st->u.match.v[0].edges[0].max_hops, 0);

    /* Stage operands. */
    st = stage1(a, "shortest 4 paths from #1 to (person where name ~ /x/)");
    assert_int_equal(st->kind, SK_STAGE_SHORTEST);
    assert_int_equal(st->u.path.k, 4);
    assert_int_equal(st->u.path.to.kind, SK_REF_SET);
    assert_int_equal(st->u.path.to.u.where->kind, SK_COND_CMP);
    st = stage1(a, "find link called");
    assert_true(st->u.find.links);
    st = stage1(a, "delete link #4");
    assert_int_equal(st->u.ref.kind, SK_REF_LINK);
    assert_int_equal(st->u.ref.u.id, 4);
    st = stage1(a, "rank eigenvector weighted by grade");
    assert_int_equal(st->u.measure, SK_MEASURE_EIGENVECTOR);
    assert_int_equal(st->cl.weight, SK_WEIGHT_GRADE);
    st = stage1(a, "export dot \"g.dot\" layout twopi");
    assert_int_equal(st->u.export.format, SK_AST_FORMAT_DOT);
    assert_int_equal(st->cl.layout, SK_LAYOUT_TWOPI);
    st = stage1(a, "convoy #3 min 4");
    assert_true(sk_ast_has(&st->cl, SK_CL_MIN_COUNT));
    assert_int_equal(st->cl.min_count, 4);
    st = stage1(a, "duplicates phone min 0.75");
    assert_true(sk_ast_has(&st->cl, SK_CL_MIN_SCORE));
    assert_true(st->cl.min_score == 0.75);
    st = stage1(a, "path from #1 to #2 in time order max gap 30m");
    assert_int_equal(st->cl.max_gap, 1800);
    st = stage1(a, "merge #1 into #2");
    assert_int_equal(st->u.merge.from.u.id, 1);
    assert_int_equal(st->u.merge.into.u.id, 2);

    /* Statements and scripts. */
    const sk_ast_stmt *s = stmt1(a, "explain find x | where a = 1 | export csv \"o.csv\"");
    assert_true(s->explain);
    assert_int_equal(s->nstages, 3);
    assert_int_equal(s->stages[1].kind, SK_STAGE_FILTER);
    sk_ast_script *sc;
    sk_diag d;
    q = "show #1; -- c\n; find x ;";
    assert_int_equal(parse(a, q, strlen(q), &sc, &d), SK_OK);
    assert_int_equal(sc->n, 2);
    assert_span(q, sc->stmts[1].span, "find x");
    sk_arena_free(a);
}

/* The stage table: every stage has a verb, and the clauses a stage does
 * not admit are refused. */
static void test_stage_table(void **state)
{
    (void)state;
    for (int k = SK_STAGE_NONE + 1; k < SK_STAGE__COUNT; k++)
        assert_true(strlen(sk_stage_name((sk_stage_kind)k)) > 0);
    for (int c = 0; c < SK_CL__COUNT; c++) {
        assert_true(strlen(sk_clause_keyword((sk_clause)c)) > 0);
        assert_true(strlen(sk_clause_syntax((sk_clause)c)) > 0);
    }
    assert_string_equal(sk_measure_name(SK_MEASURE_PAGERANK), "pagerank");
    assert_string_equal(sk_method_name(SK_METHOD_LABELPROP), "labelprop");
    sk_arena *a = sk_arena_new();
    sk_ast_script *s;
    sk_diag d;
    const char *q = "show #1 limit 3";
    assert_int_equal(parse(a, q, strlen(q), &s, &d), SK_EPARSE);
    assert_string_equal(d.msg, "expected '|' or end of query after '#1', found 'limit'");
    sk_arena_free(a);
}

/* ---- Limits and pathological inputs ---------------------------------------------- */

typedef struct patho {
    const char *name;
    char *text; /* malloc'd, NUL-terminated */
    int rc;
    const char *msg; /* a substring of the message, NULL for SK_OK */
} patho;

/* HEAD, N times UNIT, TAIL: a malloc'd string. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    assert_non_null(s);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + ul * n, tail, tl + 1);
    return s;
}

static void run_patho(patho *p)
{
    sk_arena *a = sk_arena_new();
    sk_ast_script *s;
    sk_diag d;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t len = strlen(p->text);
    int rc = parse(a, p->text, len, &s, &d);
    if (rc == SK_OK) {
        /* What parses also prints and parses back. */
        char *t = sk_ast_print_script(s, a);
        assert_non_null(t);
        assert_int_equal(parse(a, t, strlen(t), &s, &d), SK_OK);
    }
    double secs = seconds_since(&t0);
    if (rc != p->rc)
        fail_msg("%s: rc %d (%s), want %d", p->name, rc, rc ? d.msg : "", p->rc);
    if (p->msg && !strstr(d.msg, p->msg))
        fail_msg("%s: message '%s' lacks '%s'", p->name, d.msg, p->msg);
    if (secs > 2.0)
        fail_msg("%s: took %.2f s", p->name, secs);
    /* The report of any error formats without trouble. */
    if (rc != SK_OK) {
        char buf[1024];
        assert_true(sk_diag_format(&d, NULL, p->text, len, buf, sizeof buf) > 0);
    }
    sk_arena_free(a);
    free(p->text);
}

static void test_pathological(void **state)
{
    (void)state;
    patho cases[] = {
        {"10k parentheses in a condition",
         repeat("find person where ", "(", 10000, "a = 1"), SK_ELIMIT, "nested too deeply"},
        {"10k 'not'", repeat("find person where ", "not ", 10000, "a = 1"), SK_ELIMIT,
         "nested too deeply"},
        {"10k parentheses around a reference", repeat("show ", "(", 10000, "#1"), SK_ELIMIT,
         "nested too deeply"},
        {"100 levels are fine",
         repeat("find person where ", "(", SK_QUERY_MAX_DEPTH, "a = 1"), SK_EPARSE,
         "expected ')'"},
        {"10k pipes", repeat("find person", " | where a = 1", 10000, ""), SK_ELIMIT,
         "too many stages in one statement (the limit is 64)"},
        {"64 stages are fine", repeat("find person", " | where a = 1", 63, ""), SK_OK, NULL},
        {"100 KB string", repeat("find person where x = \"", "x", 100000, "\""), SK_ELIMIT,
         "string too long (100000 bytes; the limit is 65536)"},
        {"60 KB string", repeat("find person where x = \"", "\\u00e9", 30000, "\""), SK_OK,
         NULL},
        {"10 MB string", repeat("find person where x = \"", "x", 10000000, "\""), SK_ELIMIT,
         "string too long"},
        {"catastrophic regex", repeat("find person where name ~ /", "(a+)+", 50, "$/i"), 
         SK_OK, NULL},
        {"2000 'and' terms", repeat("find person where a = 1", " and a = 1", 1999, ""), 
         SK_ELIMIT, "too many conditions joined by 'and' (the limit is 1024)"},
        {"1024 'or' terms", repeat("find person where a = 1", " or a = 1", 1023, ""), SK_OK,
         NULL},
        {"2000 link types", repeat("network around #1 via a", ", a", 1999, ""), SK_ELIMIT,
         "too many link types"},
        {"17 pattern nodes", repeat("match (a)", "-[]->(a)", 16, ""), SK_ELIMIT,
         "too many nodes in one match pattern (the limit is 16)"},
        {"long name", repeat("find ", "x", 300, ""), SK_ELIMIT,
         "name too long (300 bytes; the limit is 256)"},
        {"1.1 MB statement", repeat("find person", " ", 1100000, "limit 1"), SK_ELIMIT,
         "statement too long (more than 1048576 bytes)"},
        {"10k statements", repeat("", "show #1; ", 10000, ""), SK_OK, NULL},
        {"huge number", repeat("find person where x = ", "9", 100000, ""), SK_EPARSE,
         "number too large"},
        {"huge hop bound", repeat("match (a)-[*1..", "9", 11, "]-(b)"), SK_ELIMIT,
         "over the maximum"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_patho(&cases[i]);
}

static void test_text_limit(void **state)
{
    (void)state;
    size_t len = (size_t)SK_QUERY_MAX_TEXT + 1;
    char *big = malloc(len);
    assert_non_null(big);
    memset(big, ' ', len);
    sk_arena *a = sk_arena_new();
    sk_ast_script *s;
    sk_diag d;
    assert_int_equal(parse(a, big, len, &s, &d), SK_ELIMIT);
    assert_string_equal(d.msg, "query text too long (16777217 bytes; the limit is 16777216)");
    /* Not NUL-terminated: the parser reads only LEN bytes. */
    memcpy(big, "stats", 5);
    assert_int_equal(parse(a, big, 5, &s, &d), SK_OK);
    assert_int_equal(s->stmts[0].stages[0].kind, SK_STAGE_STATS);
    sk_arena_free(a);
    free(big);
}

/* Every prefix of some valid queries: parses or fails cleanly, never
 * reads past the end (ASan would say). */
static void test_prefixes(void **state)
{
    (void)state;
    static const char *const qs[] = {
        "match (p:person {a: -1.5})-[e:x|y*1..3 {w: #3}]->(q) where e.t between 2024-03-01T10:00:00+01:00 "
        "and 2024-03-02 return p.name as n order by n desc limit 3",
        "link person \"A\\u00e9\" <-[owns {x: `a b`}]- #2 at 2024-03-01 to 2024-03-02 graded \"1A\" "
        "from \"s\"; set link #3.x = null",
        "network around (person where name ~ /^j(o|a)/i and not has x) depth 2 | rank pagerank "
        "weighted by grade top 5 | export svg \"x.svg\" layout sfdp title \"t\"",
    };
    sk_arena *a = sk_arena_new();
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        size_t len = strlen(qs[i]);
        for (size_t k = 0; k <= len; k++) {
            char *copy = malloc(k ? k : 1);
            assert_non_null(copy);
            memcpy(copy, qs[i], k);
            sk_ast_script *s;
            sk_diag d;
            int rc = parse(a, copy, k, &s, &d);
            assert_true(rc == SK_OK || rc == SK_EPARSE);
            if (rc) {
                assert_true(d.span.start <= k && d.span.end <= k);
                assert_true(strlen(d.msg) > 0);
            }
            free(copy);
            sk_arena_reset(a);
        }
    }
    sk_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brief_examples),
        cmocka_unit_test(test_additions),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_report_format),
        cmocka_unit_test(test_diag_window),
        cmocka_unit_test(test_ast_dates_and_time),
        cmocka_unit_test(test_ast_literals),
        cmocka_unit_test(test_ast_structure),
        cmocka_unit_test(test_stage_table),
        cmocka_unit_test(test_pathological),
        cmocka_unit_test(test_text_limit),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
