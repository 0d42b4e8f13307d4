/*
 * bench_sqlite_int.h — what the SQLite files of the benchmark share: the
 * handle with its prepared statements, and the regexp() function.
 * Only bench_sqlite*.c include it (and with it sqlite3.h).
 */
#ifndef SK_BENCH_SQLITE_INT_H
#define SK_BENCH_SQLITE_INT_H

#include <sqlite3.h>

#include "bench.h"

/* Statements with and without a link-type condition. */
enum { SQL_ANY = 0, SQL_TYPED = 1 };

struct bench_sql {
    sqlite3 *db;
    sqlite3_stmt *khop[2];     /* ?1 seed, ?2 depth, ?3 link type */
    sqlite3_stmt *net[2];      /* the same parameters */
    sqlite3_stmt *path[2];     /* ?1 from, ?2 to, ?3 max hops, ?4 link type */
    sqlite3_stmt *regex;       /* ?1 type, ?2 regex */
    sqlite3_stmt *regex_prefix; /* ?1 type, ?2 LIKE pattern, ?3 regex */
    sqlite3_stmt *match;       /* ?1 owns, ?2 seen_at, ?3 person, ?4 vehicle,
                                  ?5 location, ?6 limit */
    double timeout;            /* seconds per statement, 0 = none */
    double deadline;           /* bench_now() after which a statement stops */
};

/* Registers regexp(PATTERN, TEXT) on DB, so that "X REGEXP P" works: PCRE2
 * in UTF mode, compiled (and JIT-compiled) once per statement. */
int bench_sql_regexp_register(sqlite3 *db);

/* Prepares every statement of Q on Q->db. */
int bench_sql_prepare(bench_sql *q);

#endif
