/*
 * help.c — `.help` and `.help TOPIC`.
 *
 * The statements' synopses are declared once in SK_HELP_STATEMENTS, with
 * the clauses each admits as the parser's stage table (query/ast.h
 * SK_STAGES) lists them; the dot-commands' help comes from their own table
 * in dot.c. Other topics explain the shared parts of the language
 * (references, time windows, conditions) and the keys of the shell.
 */
#include "cli.h"

#include <string.h>
#include <strings.h>

/* X(topic, synopsis, what it gives) */
#define SK_HELP_STATEMENTS(X)                                                              \
    X("find", "find TYPE [where COND] [order by PROP [asc|desc], …] [limit N]\n"           \
              "find link LTYPE [where COND] [order by …] [limit N]",                      \
      "table: the entities (or links) of a type that meet the condition")                  \
    X("show", "show REF | show link #ID",                                                  \
      "table: an entity's card — properties, sources with grading, links per type")        \
    X("neighbours", "neighbours REF [via LTYPE, …] [only TYPE, …] [TIME] [where COND] "     \
                    "[limit N]",                                                           \
      "table: one hop out, with link type, direction, time and grading")                   \
    X("network", "network around REF[, REF …] [depth N] [via LTYPE, …] [only TYPE, …]\n"   \
                 "        [avoid REF, …] [TIME] [where COND] [limit N]",                   \
      "graph: the N-hop network around the entities (depth 1 unless given)")               \
    X("path", "path from REF to REF [max N] [via …] [only …] [avoid REF, …] [TIME]\n"      \
              "     [in time order [max gap DURATION]] [most reliable]",                  \
      "graph: a shortest path; 'in time order' makes each hop no earlier than the last")   \
    X("paths", "paths from REF to REF [max N] [limit K] [via …] [only …] [avoid …] [TIME]\n" \
               "      [in time order [max gap DURATION]]",                                 \
      "graph: every simple path up to N hops, shortest first")                             \
    X("shortest", "shortest K paths from REF to REF [max N] [via …] [only …] [avoid …] "    \
                  "[TIME]",                                                                \
      "graph: the K shortest loop-free paths")                                             \
    X("connect", "connect REF, REF[, …] [max N] [via …] [only …] [avoid …] [TIME]",         \
      "graph: the network joining the entities (shortest paths between every pair)")       \
    X("common", "common REF, REF[, …] [depth N] [via …] [only …] [avoid …] [TIME] "         \
                "[limit N]",                                                               \
      "table: entities linked to all of the given within N hops")                          \
    X("match", "match PATTERN[, …] [where COND] [return ITEMS | return graph]\n"           \
               "      [order by …] [limit N]\n"                                            \
               "  PATTERN: (p:person)-[o:owns]->(v:vehicle)-[:seen_at*1..3]-(l:location)",  \
      "table (or graph with 'return graph'): every match of the pattern")                  \
    X("rank", "rank MEASURE [of TYPE] [via …] [TIME] [weighted [by grade]] [top N]\n"      \
              "  MEASURE: degree indegree outdegree betweenness closeness harmonic\n"      \
              "           eigenvector pagerank",                                           \
      "table: entities of the piped graph (or the whole case) by the measure")             \
    X("communities", "communities [method louvain|leiden|labelprop] [weighted] [via …] "    \
                     "[TIME]",                                                             \
      "table: a community id per entity of the piped graph or the case")                   \
    X("components", "components [via …] [TIME]",                                          \
      "table: a connected-component id per entity")                                        \
    X("timeline", "timeline REF[, …] [via …] [TIME] [limit N]",                            \
      "table: dated links and events of the entities in time order")                       \
    X("colocated", "colocated REF [within DURATION] [TIME] [limit N]",                     \
      "table: who or what was seen at the same place within the window")                   \
    X("convoy", "convoy REF [within DURATION] [min N] [TIME] [limit N]",                   \
      "table: what travelled with the entity: seen with it at least N times")              \
    X("duplicates", "duplicates TYPE [min SCORE] [limit N]",                               \
      "table: pairs of entities that may be one, with a score and the reasons")            \
    X("merge", "merge #A into #B",                                                         \
      "makes A part of B, keeping both histories and every source (undo: unmerge)")        \
    X("unmerge", "unmerge #B", "undoes the latest merge into B")                           \
    X("create", "create TYPE [\"KEY\"] [{PROP: VALUE, …}] [graded G] [from \"SOURCE\"]",    \
      "manual entry of an entity")                                                         \
    X("link", "link REF -[LTYPE {PROP: VALUE, …}]-> REF [at DATE [to DATE]] [graded G]\n"  \
              "     [from \"SOURCE\"]      (-[…]- for an undirected link)",                \
      "manual entry of a link")                                                            \
    X("set", "set REF.PROP = VALUE", "sets (or with null removes) a property")             \
    X("delete", "delete REF | delete link #ID", "deletes an entity with its links, or a link") \
    X("export", "… | export FORMAT \"FILE\" [layout L] [title \"TEXT\"]\n"                  \
                "  FORMAT: svg png pdf dot graphml gexf csv json\n"                        \
                "  L: dot neato fdp sfdp circo twopi",                                     \
      "writes the piped result as a chart or data file and says how many it shows")        \
    X("review", "review due [before DATE] [limit N]",                                      \
      "table: entities whose review date has come (retention decision or case period)")    \
    X("retain", "retain REF until DATE reason \"TEXT\"",                                    \
      "records a decision to keep the entity until DATE, with the reason")                 \
    X("purge", "purge REF reason \"TEXT\"",                                                 \
      "erases the entity, its links and audit texts quoting it; logged without content")   \
    X("stats", "stats", "table: counts per entity type and link type")                     \
    X("where", "… | where COND", "keeps the rows or entities of the piped result that meet COND") \
    X("explain", "explain STATEMENT", "table: the plan the statement would run")

/* X(topic, text) */
#define SK_HELP_TOPICS(X)                                                                  \
    X("refs", "REF names an entity:\n"                                                     \
              "  person \"Jack Powell\"     by key or label of that type\n"                \
              "  phone \"07700 900123\"    keys are normalised per type\n"                  \
              "  #1234                    by id\n"                                         \
              "A name matching several entities is an error listing them with their ids.") \
    X("time", "TIME restricts link (and event) times:\n"                                  \
              "  between 2024-03-01 and 2024-03-31    on 2024-03-01\n"                     \
              "  since 2024-03-01T14:05:00Z           before 2024-03-01\n"                 \
              "DURATION: 90s 10m 2h 3d")                                                   \
    X("cond", "COND: PROP OP VALUE with = != < <= > >= ~ (regex /…/i), in (…), has PROP,\n" \
              "joined by and, or, not and parentheses. Qualified: l.postcode, link.time.\n" \
              "grade >= B2 compares gradings; source = \"…\" filters by provenance.")      \
    X("keys", "Enter        run the statement when it ends with ';' (else continue it)\n"  \
              "Tab          complete keywords, types, link types, properties, and\n"       \
              "             entity names inside quotes: show person \"Ja<Tab>\n"           \
              "Up / Down    history (kept in ~/.skein_history or $SKEIN_HISTORY)\n"         \
              "Ctrl-R       search the history\n"                                          \
              "Ctrl-C       cancel the running query, or discard the line being typed\n"   \
              "Ctrl-D       leave the shell (on an empty line)")

typedef struct help_entry {
    const char *topic, *synopsis, *what;
} help_entry;

static const help_entry statements[] = {
#define SK_HELP_ROW(t, s, w) {t, s, w},
    SK_HELP_STATEMENTS(SK_HELP_ROW)
#undef SK_HELP_ROW
};

static const help_entry topics[] = {
#define SK_TOPIC_ROW(t, text) {t, text, NULL},
    SK_HELP_TOPICS(SK_TOPIC_ROW)
#undef SK_TOPIC_ROW
};

static const char *const topic_names[] = {
#define SK_HELP_NAME(t, s, w) t,
    SK_HELP_STATEMENTS(SK_HELP_NAME)
#undef SK_HELP_NAME
#define SK_TOPIC_NAME(t, text) t,
    SK_HELP_TOPICS(SK_TOPIC_NAME)
#undef SK_TOPIC_NAME
};

const char *const *cli_help_topics(size_t *n)
{
    *n = sizeof topic_names / sizeof topic_names[0];
    return topic_names;
}

#define C_BOLD "\x1b[1m"
#define C_OFF "\x1b[0m"

static void overview(const cli_session *cs, FILE *out)
{
    const char *b = cs && cs->colour ? C_BOLD : "", *o = cs && cs->colour ? C_OFF : "";
    fprintf(out, "%sStatements%s end with ';' and may span lines; stages chain with '|'.\n", b,
            o);
    size_t col = 2;
    fputs("  ", out);
    for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++) {
        size_t w = strlen(statements[i].topic) + 1;
        if (col + w > 78) {
            fputs("\n  ", out);
            col = 2;
        }
        fprintf(out, "%s ", statements[i].topic);
        col += w;
    }
    fprintf(out, "\n\n%sCommands%s (one line, no ';'):\n", b, o);
    size_t n;
    const cli_dot *d = cli_dots(&n);
    for (size_t i = 0; i < n; i++) {
        char head[128];
        snprintf(head, sizeof head, "%s %s", d[i].name, d[i].args);
        if (strlen(head) > 24)
            fprintf(out, "  %s\n  %-24s  %s\n", head, "", d[i].help);
        else
            fprintf(out, "  %-24s  %s\n", head, d[i].help);
    }
    fprintf(out, "\n%sMore%s: .help STATEMENT (.help path), .help refs, .help time, "
                 ".help cond, .help keys\n", b, o);
}

int cli_help(const cli_session *cs, const char *topic, FILE *out)
{
    if (!topic) {
        overview(cs, out);
        return SK_OK;
    }
    const char *b = cs && cs->colour ? C_BOLD : "", *o = cs && cs->colour ? C_OFF : "";
    for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++) {
        if (strcasecmp(topic, statements[i].topic))
            continue;
        fprintf(out, "%s%s%s\n  %s\n", b, statements[i].synopsis, o, statements[i].what);
        return SK_OK;
    }
    for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++) {
        if (strcasecmp(topic, topics[i].topic))
            continue;
        fprintf(out, "%s\n", topics[i].synopsis);
        return SK_OK;
    }
    char dotted[64];
    snprintf(dotted, sizeof dotted, "%s%s", topic[0] == '.' ? "" : ".", topic);
    const cli_dot *d = cli_dot_find(dotted, strlen(dotted));
    if (!d)
        return SK_ENOTFOUND;
    fprintf(out, "%s%s %s%s\n  %s\n", b, d->name, d->args, o, d->help);
    return SK_OK;
}
