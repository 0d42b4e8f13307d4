/*
 * bench_questions.c — the questions of the query benchmark (issue 4),
 * declared once: what each asks, the skein text that asks it, and issue
 * 4's target for it. The query part asks them of skein's query layer, of
 * the traversal level and of SQLite; the audit part asks them with the
 * audit log on and off.
 *
 * The k-hop and path questions come twice: over knows links only (the
 * person network, what graph benchmarks usually mean) and over every link
 * type (the whole POLE graph: addresses, phones, vehicles and events join
 * people too). The targets are read as applying to both.
 *
 * The k-hop question is the neighbourhood's size (SQLite answers it with
 * COUNT): skein asks it as `network around … | count entities`, which
 * builds no records. The same neighbourhood as a whole network (every
 * entity and link record read, as a chart shows it) is asked too, labelled
 * "whole network", so both figures exist; its answer is its entities, and
 * SQLite answers it with the rows of those entities and of the links among
 * them (BENCH_Q_NET). The issue sets no target for it.
 *
 * Regexes: with a prefix the store level and SQLite narrow the search to
 * that range of the label index first; the unanchored regex has the empty
 * prefix, so both read every person's label from the index (skein's
 * folded label text, SQLite's covering index) instead of from each record.
 * The query layer chooses its own plan (`explain` shows it).
 */
#include "bench.h"

#include <stdio.h>

static const bench_question QUESTIONS[] = {
    {"2-hop, knows", BENCH_Q_KHOP, 2, true,
     "network around #%llu depth 2 via knows | count entities", NULL, NULL, 0.1},
    {"3-hop, knows", BENCH_Q_KHOP, 3, true,
     "network around #%llu depth 3 via knows | count entities", NULL, NULL, 1.0},
    {"2-hop, all link types", BENCH_Q_KHOP, 2, false,
     "network around #%llu depth 2 | count entities", NULL, NULL, 0.1},
    {"3-hop, all link types", BENCH_Q_KHOP, 3, false,
     "network around #%llu depth 3 | count entities", NULL, NULL, 1.0},
    {"2-hop, knows, whole network", BENCH_Q_NET, 2, true,
     "network around #%llu depth 2 via knows", NULL, NULL, 0},
    {"3-hop, knows, whole network", BENCH_Q_NET, 3, true,
     "network around #%llu depth 3 via knows", NULL, NULL, 0},
    {"2-hop, all types, whole network", BENCH_Q_NET, 2, false, "network around #%llu depth 2",
     NULL, NULL, 0},
    {"3-hop, all types, whole network", BENCH_Q_NET, 3, false, "network around #%llu depth 3",
     NULL, NULL, 0},
    {"shortest path, knows", BENCH_Q_PATH, 0, true, "path from #%llu to #%llu via knows", NULL,
     NULL, 1.0},
    {"shortest path, all link types", BENCH_Q_PATH, 0, false, "path from #%llu to #%llu", NULL,
     NULL, 1.0},
    {"regex, anchored /^jo(h)?n\\b/i", BENCH_Q_REGEX, 0, false,
     "find person where name ~ /^jo(h)?n\\b/i", "jo", "(?i)^jo(h)?n\\b", 10.0},
    {"regex, unanchored /moham+[ae]d/i", BENCH_Q_REGEX, 0, false,
     "find person where name ~ /moham+[ae]d/i", "", "(?i)moham+[ae]d", 10.0},
    {"match owns/seen_at, limit 1000", BENCH_Q_MATCH, 0, false,
     "match (p:person)-[:owns]->(v:vehicle)-[:seen_at]->(l:location) return p, l limit 1000",
     NULL, NULL, 0},
};

const bench_question *bench_questions(size_t *n)
{
    *n = sizeof QUESTIONS / sizeof QUESTIONS[0];
    return QUESTIONS;
}

int bench_question_runs(const bench_question *q)
{
    return q->kind == BENCH_Q_KHOP || q->kind == BENCH_Q_NET || q->kind == BENCH_Q_PATH
               ? BENCH_SEEDS
               : BENCH_REPEATS;
}

void bench_question_text(const bench_question *q, const bench_workload *w, int i, char *buf,
                         size_t cap)
{
    switch (q->kind) {
    case BENCH_Q_KHOP:
    case BENCH_Q_NET:
        snprintf(buf, cap, q->query, (unsigned long long)w->seeds[i]);
        break;
    case BENCH_Q_PATH:
        snprintf(buf, cap, q->query, (unsigned long long)w->pairs[i][0],
                 (unsigned long long)w->pairs[i][1]);
        break;
    case BENCH_Q_REGEX:
    case BENCH_Q_MATCH:
        snprintf(buf, cap, "%s", q->query);
        break;
    }
}
