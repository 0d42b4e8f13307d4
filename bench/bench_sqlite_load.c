/*
 * bench_sqlite_load.c — copies a case into an SQLite file for the query
 * benchmark's comparison: the same entities and links, with the case's own
 * ids and interned type numbers, so both engines answer the same questions
 * about the same ids.
 *
 * SQLite is given its best chance: rows inserted in one transaction with
 * the journal off, the indexes built afterwards, covering indexes for both
 * directions of a traversal, a 1 GiB page cache and the whole file
 * memory-mapped (as LMDB maps the case). ANALYZE is NOT run: with its
 * statistics SQLite 3.40 puts a Bloom filter on the edges inside the
 * recursive step of a CTE, rebuilt (a scan of the index) at every step,
 * which made a typed 2-hop query 100 times slower; without statistics
 * every statement here gets the plan one would write by hand (covering
 * index searches; checked with EXPLAIN QUERY PLAN).
 */
#include "bench_sqlite_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static const char *const SCHEMA =
    "PRAGMA journal_mode=OFF;"
    "PRAGMA synchronous=OFF;"
    "PRAGMA cache_size=-1048576;"
    "PRAGMA mmap_size=17179869184;"
    "PRAGMA temp_store=MEMORY;"
    "CREATE TABLE nodes(id INTEGER PRIMARY KEY, type INTEGER NOT NULL, key TEXT,"
    " label TEXT);"
    "CREATE TABLE edges(id INTEGER PRIMARY KEY, src INTEGER NOT NULL,"
    " dst INTEGER NOT NULL, type INTEGER NOT NULL, directed INTEGER NOT NULL, t INTEGER);";

static const char *const INDEXES =
    "CREATE INDEX edges_src ON edges(src, type, dst);"
    "CREATE INDEX edges_dst ON edges(dst, type, src);"
    "CREATE INDEX nodes_label ON nodes(type, label COLLATE NOCASE);";

static int sql_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "sqlite: %s: %s\n", what, sqlite3_errmsg(db));
    return SK_EIO;
}

static int copy_nodes(sk_txn *t, sqlite3 *db, sk_arena *a, uint64_t *n)
{
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db, "INSERT INTO nodes VALUES(?1, ?2, ?3, ?4)", -1, &ins, NULL))
        return sql_fail(db, "prepare");
    sk_idcur *c;
    int rc = sk_scan_type(t, 0, &c);
    sk_id id;
    while (!rc && (rc = sk_idcur_next(c, &id)) == SK_OK) {
        sk_arena_reset(a);
        sk_entity e;
        if ((rc = sk_entity_get(t, id, a, &e)) != SK_OK)
            break;
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)e.id);
        sqlite3_bind_int64(ins, 2, e.type);
        sqlite3_bind_text(ins, 3, e.key, (int)e.key_len, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, e.label, (int)e.label_len, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = sql_fail(db, "insert node");
        sqlite3_reset(ins);
        (*n)++;
    }
    sk_idcur_close(c);
    sqlite3_finalize(ins);
    return rc == SK_DONE ? SK_OK : rc;
}

static int copy_edges(sk_txn *t, sqlite3 *db, sk_arena *a, uint64_t *n)
{
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db, "INSERT INTO edges VALUES(?1, ?2, ?3, ?4, ?5, ?6)", -1, &ins,
                           NULL))
        return sql_fail(db, "prepare");
    sk_idcur *c;
    int rc = sk_scan_links(t, &c);
    sk_id id;
    while (!rc && (rc = sk_idcur_next(c, &id)) == SK_OK) {
        sk_arena_reset(a);
        sk_link l;
        if ((rc = sk_link_get(t, id, a, &l)) != SK_OK)
            break;
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)l.id);
        sqlite3_bind_int64(ins, 2, (sqlite3_int64)l.src);
        sqlite3_bind_int64(ins, 3, (sqlite3_int64)l.dst);
        sqlite3_bind_int64(ins, 4, l.type);
        sqlite3_bind_int(ins, 5, l.directed);
        if (l.t_start == SK_NO_TIME)
            sqlite3_bind_null(ins, 6);
        else
            sqlite3_bind_int64(ins, 6, l.t_start);
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = sql_fail(db, "insert edge");
        sqlite3_reset(ins);
        (*n)++;
    }
    sk_idcur_close(c);
    sqlite3_finalize(ins);
    return rc == SK_DONE ? SK_OK : rc;
}

/* Copies every entity and link of S into DB in one transaction. */
static int copy_case(sk_store *s, sqlite3 *db, uint64_t *nodes, uint64_t *edges)
{
    sk_txn *t;
    int rc = sk_txn_begin(s, false, &t);
    if (rc)
        return rc;
    sk_arena *a = sk_arena_new();
    if (!a)
        rc = SK_ENOMEM;
    if (!rc && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL))
        rc = sql_fail(db, "begin");
    if (!rc)
        rc = copy_nodes(t, db, a, nodes);
    if (!rc)
        rc = copy_edges(t, db, a, edges);
    if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
        rc = sql_fail(db, "commit");
    sk_arena_free(a);
    sk_txn_abort(t);
    return rc;
}

static int build(bench_sql *q, sk_store *s, const char *path)
{
    if (sqlite3_open(path, &q->db))
        return sql_fail(q->db, path);
    if (sqlite3_exec(q->db, SCHEMA, NULL, NULL, NULL))
        return sql_fail(q->db, "schema");
    if (bench_sql_regexp_register(q->db))
        return sql_fail(q->db, "regexp()");
    uint64_t nodes = 0, edges = 0;
    double t0 = bench_now();
    int rc = copy_case(s, q->db, &nodes, &edges);
    if (rc)
        return rc;
    double t1 = bench_now();
    if (sqlite3_exec(q->db, INDEXES, NULL, NULL, NULL))
        return sql_fail(q->db, "indexes");
    double t2 = bench_now();
    bench_figure("SQLite: copy of the case, rows inserted", (nodes + edges) / (t1 - t0) / 1e3,
                 "k rows/s");
    bench_figure("SQLite: building the indexes", t2 - t1, "s");
    bench_figure("SQLite: links per second, rows and indexes", edges / (t2 - t0) / 1e3,
                 "k links/s");
    struct stat st;
    if (edges && stat(path, &st) == 0)
        bench_figure("SQLite: bytes on disk per link", (double)st.st_size / edges, "B");
    return bench_sql_prepare(q);
}

int bench_sql_build(sk_store *s, const char *path, bench_sql **out)
{
    remove(path);
    bench_sql *q = calloc(1, sizeof *q);
    if (!q)
        return SK_ENOMEM;
    int rc = build(q, s, path);
    if (rc) {
        bench_sql_close(q);
        return rc;
    }
    *out = q;
    return SK_OK;
}

void bench_sql_close(bench_sql *q)
{
    if (!q)
        return;
    sqlite3_stmt **all[] = {&q->khop[0], &q->khop[1], &q->net[0],  &q->net[1],
                            &q->path[0], &q->path[1], &q->regex, &q->regex_prefix,
                            &q->match};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(*all[i]);
    sqlite3_close(q->db);
    free(q);
}
