/*
 * bench_sqlite.c — the query benchmark's questions asked of SQLite, in the
 * SQL a careful engineer would write for them: recursive CTEs for k-hop
 * neighbourhoods and shortest paths, the label index and REGEXP for name
 * searches, joins for the match pattern.
 *
 * Both directions of a link are followed by two recursive SELECTs (one per
 * index). A CTE's UNION removes duplicate (entity, depth) rows, not
 * duplicate entities, so an entity reached at several depths is expanded
 * at each: this is the cost SQL pays for having no visited set. The
 * shortest path relies on SQLite's queue being first-in first-out (no
 * ORDER BY): rows come out breadth-first, so the first row that reaches
 * the target has the shortest length and LIMIT 1 stops the search there.
 */
#include "bench_sqlite_int.h"

#include <stdio.h>

/* The recursive part of a k-hop or path CTE: r(id, d) from ?1 up to MAXD
 * hops, over links of type TYPE (a parameter) when TYPED. */
#define WALK(MAXD, TYPE)                                                                   \
    "WITH RECURSIVE r(id, d) AS (SELECT ?1, 0"                                             \
    " UNION SELECT e.dst, r.d + 1 FROM r JOIN edges e ON e.src = r.id" TYPE                \
    " WHERE r.d < " MAXD                                                                   \
    " UNION SELECT e.src, r.d + 1 FROM r JOIN edges e ON e.dst = r.id" TYPE                \
    " WHERE r.d < " MAXD ")"

static const char *const KHOP_SQL[2] = {
    [SQL_ANY] = WALK("?2", "") " SELECT count(DISTINCT id) FROM r",
    [SQL_TYPED] = WALK("?2", " AND e.type = ?3") " SELECT count(DISTINCT id) FROM r",
};
/* The whole network: the entities reached, then the links among them
 * (column 0 tells which). s is materialised once; "+e.dst" keeps SQLite
 * from driving the link search by the IN list on dst (|s|^2 probes) rather
 * than by edges_src from each entity. */
#define NET(TYPE)                                                                          \
    ", s(id) AS MATERIALIZED (SELECT DISTINCT id FROM r)"                                  \
    " SELECT 0, n.id, n.type, n.key, n.label, NULL FROM s JOIN nodes n ON n.id = s.id"     \
    " UNION ALL SELECT 1, e.id, e.type, e.src, e.dst, e.t FROM s"                          \
    " JOIN edges e ON e.src = s.id" TYPE " WHERE +e.dst IN s"
static const char *const NET_SQL[2] = {
    [SQL_ANY] = WALK("?2", "") NET(""),
    [SQL_TYPED] = WALK("?2", " AND e.type = ?3") NET(" AND e.type = ?3"),
};
static const char *const PATH_SQL[2] = {
    [SQL_ANY] = WALK("?3", "") " SELECT d FROM r WHERE id = ?2 LIMIT 1",
    [SQL_TYPED] = WALK("?3", " AND e.type = ?4") " SELECT d FROM r WHERE id = ?2 LIMIT 1",
};
/* A name search returns the entities (id, key, label), as skein's find
 * does: counting in SQL would answer from the label index alone and skip
 * the row reads skein's result needs. */
static const char *const REGEX_SQL =
    "SELECT id, key, label FROM nodes WHERE type = ?1 AND label REGEXP ?2";
static const char *const REGEX_PREFIX_SQL =
    "SELECT id, key, label FROM nodes WHERE type = ?1 AND label LIKE ?2 AND label REGEXP ?3";
static const char *const MATCH_SQL =
    "SELECT p.id, p.label, l.id, l.label FROM edges o"
    " JOIN nodes p ON p.id = o.src AND p.type = ?3"
    " JOIN nodes v ON v.id = o.dst AND v.type = ?4"
    " JOIN edges s ON s.src = o.dst AND s.type = ?2"
    " JOIN nodes l ON l.id = s.dst AND l.type = ?5"
    " WHERE o.type = ?1 LIMIT ?6";

/* Interrupts a statement that runs past the deadline. */
static int progress(void *ctx)
{
    bench_sql *q = ctx;
    return q->timeout > 0 && bench_now() > q->deadline;
}

int bench_sql_prepare(bench_sql *q)
{
    struct {
        const char *sql;
        sqlite3_stmt **st;
    } all[] = {
        {KHOP_SQL[SQL_ANY], &q->khop[SQL_ANY]},   {KHOP_SQL[SQL_TYPED], &q->khop[SQL_TYPED]},
        {NET_SQL[SQL_ANY], &q->net[SQL_ANY]},     {NET_SQL[SQL_TYPED], &q->net[SQL_TYPED]},
        {PATH_SQL[SQL_ANY], &q->path[SQL_ANY]},   {PATH_SQL[SQL_TYPED], &q->path[SQL_TYPED]},
        {REGEX_SQL, &q->regex},                   {REGEX_PREFIX_SQL, &q->regex_prefix},
        {MATCH_SQL, &q->match},
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (sqlite3_prepare_v2(q->db, all[i].sql, -1, all[i].st, NULL)) {
            fprintf(stderr, "sqlite: %s: %s\n", all[i].sql, sqlite3_errmsg(q->db));
            return SK_EINVAL;
        }
    sqlite3_progress_handler(q->db, 10000, progress, q);
    return SK_OK;
}

void bench_sql_timeout(bench_sql *q, double seconds)
{
    q->timeout = seconds;
}

/* Steps ST to its first row; *V gets column 0 (-1 when there is no row).
 * Rows after the first are not read. Resets ST. */
static int first_value(bench_sql *q, sqlite3_stmt *st, int64_t *v)
{
    q->deadline = bench_now() + q->timeout;
    int rc = sqlite3_step(st);
    int out = SK_OK;
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_DONE)
        *v = -1;
    else if (rc == SQLITE_INTERRUPT)
        out = SK_ECANCELLED;
    else {
        fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(q->db));
        out = SK_EIO;
    }
    sqlite3_reset(st);
    return out;
}

/* Binds a walk's parameters (WALK: ?1 seed, ?2 depth, ?3 link type) to the
 * typed or untyped statement of PAIR and returns it. */
static sqlite3_stmt *bind_walk(sqlite3_stmt *const pair[2], sk_id seed, int depth, sk_sym ltype)
{
    sqlite3_stmt *st = pair[ltype ? SQL_TYPED : SQL_ANY];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seed);
    sqlite3_bind_int(st, 2, depth);
    if (ltype)
        sqlite3_bind_int64(st, 3, ltype);
    return st;
}

int bench_sql_khop(bench_sql *q, sk_id seed, int depth, sk_sym ltype, int64_t *count)
{
    return first_value(q, bind_walk(q->khop, seed, depth, ltype), count);
}

int bench_sql_path(bench_sql *q, sk_id from, sk_id to, int maxhops, sk_sym ltype,
                   int64_t *hops)
{
    sqlite3_stmt *st = q->path[ltype ? SQL_TYPED : SQL_ANY];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
    sqlite3_bind_int(st, 3, maxhops);
    if (ltype)
        sqlite3_bind_int64(st, 4, ltype);
    return first_value(q, st, hops);
}

/* Steps ST to the end, reading the text of the NCOLS columns COLS of each
 * row (as a caller that shows them would: skein's results carry the
 * labels); *ROWS gets the number of rows, or with MARKER >= 0 of the rows
 * whose column MARKER is 0. */
static int read_rows(bench_sql *q, sqlite3_stmt *st, const int *cols, int ncols, int marker,
                     int64_t *rows)
{
    q->deadline = bench_now() + q->timeout;
    int rc;
    int64_t n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++)
            (void)sqlite3_column_text(st, cols[i]);
        n += marker < 0 || sqlite3_column_int(st, marker) == 0;
    }
    sqlite3_reset(st);
    *rows = n;
    if (rc == SQLITE_INTERRUPT)
        return SK_ECANCELLED;
    if (rc != SQLITE_DONE)
        return fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(q->db)), SK_EIO;
    return SK_OK;
}

int bench_sql_net(bench_sql *q, sk_id seed, int depth, sk_sym ltype, int64_t *count)
{
    static const int cols[] = {1, 2, 3, 4, 5};
    return read_rows(q, bind_walk(q->net, seed, depth, ltype), cols, 5, 0, count);
}

int bench_sql_regex(bench_sql *q, sk_sym type, const char *prefix, const char *regex,
                    int64_t *count)
{
    sqlite3_stmt *st = prefix ? q->regex_prefix : q->regex;
    sqlite3_bind_int64(st, 1, type);
    if (prefix) {
        char like[256];
        snprintf(like, sizeof like, "%s%%", prefix);
        sqlite3_bind_text(st, 2, like, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, regex, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_text(st, 2, regex, -1, SQLITE_STATIC);
    }
    static const int cols[] = {1, 2};
    return read_rows(q, st, cols, 2, -1, count);
}

int bench_sql_match(bench_sql *q, const bench_workload *w, int limit, int64_t *rows)
{
    sqlite3_stmt *st = q->match;
    sqlite3_bind_int64(st, 1, w->owns);
    sqlite3_bind_int64(st, 2, w->seen_at);
    sqlite3_bind_int64(st, 3, w->person);
    sqlite3_bind_int64(st, 4, w->vehicle);
    sqlite3_bind_int64(st, 5, w->location);
    sqlite3_bind_int(st, 6, limit);
    static const int cols[] = {1, 3};
    return read_rows(q, st, cols, 2, -1, rows);
}
