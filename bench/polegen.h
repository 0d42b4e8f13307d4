/*
 * polegen.h — a deterministic generator of POLE-shaped graphs for the
 * benchmarks (bench/). "pg" in the names stands for POLE generator.
 *
 * One call, sk_pg_generate, streams a whole case through two callbacks:
 * first every entity (all persons, then phones, vehicles, locations,
 * events), then every link. Nothing is written to disk here: the benchmark
 * runner inserts through the core API, the skein-gen CLI writes CSV.
 *
 * Invariants
 * - The output depends only on (persons, seed): integer arithmetic and a
 *   fixed PRNG (splitmix64 seeding xoshiro256**), no libm, no locale, so it
 *   is byte-identical across machines and runs.
 * - Entities of one type are numbered 0..n-1 (their "index") in the order
 *   they are emitted; a link names both ends by type and index as well as
 *   by key, so a consumer can map index → its own id with an array.
 * - Keys are unique within their type (they come from bijections of the
 *   index, not from random draws).
 * - Every link's ends were emitted before the link.
 *
 * Ownership: every pointer handed to a callback is borrowed and valid only
 * during that callback.
 */
#ifndef SK_POLEGEN_H
#define SK_POLEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest case generated: person indexes are kept in 32 bits, the
 * generator needs 30-50 bytes per person and the location keys (postcodes)
 * run out at about 50M persons. */
#define SK_PG_MAX_PERSONS 50000000u

/* "This link has no time" (same value as SK_NO_TIME in store.h). */
#define SK_PG_NO_TIME INT64_MIN

/* Entity types: enum tag, type name as the store spells it. */
#define SK_PG_ETYPES(X) \
    X(SK_PG_PERSON, "person") \
    X(SK_PG_PHONE, "phone") \
    X(SK_PG_VEHICLE, "vehicle") \
    X(SK_PG_LOCATION, "location") \
    X(SK_PG_EVENT, "event")

typedef enum sk_pg_etype {
#define SK_PG_X(tag, name) tag,
    SK_PG_ETYPES(SK_PG_X)
#undef SK_PG_X
    SK_PG_N_ETYPES
} sk_pg_etype;

/* Link types: tag, name, source type, target type, directed, timed. */
#define SK_PG_LTYPES(X) \
    X(SK_PG_USES, "uses", SK_PG_PERSON, SK_PG_PHONE, true, false) \
    X(SK_PG_OWNS, "owns", SK_PG_PERSON, SK_PG_VEHICLE, true, false) \
    X(SK_PG_LIVES_AT, "lives_at", SK_PG_PERSON, SK_PG_LOCATION, true, false) \
    X(SK_PG_KNOWS, "knows", SK_PG_PERSON, SK_PG_PERSON, false, false) \
    X(SK_PG_CALLED, "called", SK_PG_PHONE, SK_PG_PHONE, true, true) \
    X(SK_PG_MESSAGED, "messaged", SK_PG_PHONE, SK_PG_PHONE, true, true) \
    X(SK_PG_SEEN_AT, "seen_at", SK_PG_VEHICLE, SK_PG_LOCATION, true, true) \
    X(SK_PG_PARTY_TO, "party_to", SK_PG_PERSON, SK_PG_EVENT, true, true) \
    X(SK_PG_OCCURRED_AT, "occurred_at", SK_PG_EVENT, SK_PG_LOCATION, true, true)

typedef enum sk_pg_ltype {
#define SK_PG_X(tag, name, src, dst, directed, timed) tag,
    SK_PG_LTYPES(SK_PG_X)
#undef SK_PG_X
    SK_PG_N_LTYPES
} sk_pg_ltype;

/* Static names of a type; never NULL for a valid tag. */
const char *sk_pg_etype_name(sk_pg_etype t);
const char *sk_pg_ltype_name(sk_pg_ltype t);
bool sk_pg_ltype_directed(sk_pg_ltype t);

/* How a field's typed value is to be read. TEXT is always filled (it is
 * what the CSV holds); the typed member says what a store should keep. */
typedef enum sk_pg_fkind {
    SK_PG_F_STR,   /* text only */
    SK_PG_F_INT,   /* i */
    SK_PG_F_REAL,  /* r */
    SK_PG_F_DATE,  /* i: UTC seconds of midnight; text "YYYY-MM-DD" */
    SK_PG_F_TIME,  /* i: UTC seconds; text "YYYY-MM-DDTHH:MM:SSZ" */
} sk_pg_fkind;

typedef struct sk_pg_field {
    const char *name;   /* static */
    sk_pg_fkind kind;
    const char *text;   /* borrowed */
    int64_t i;          /* SK_PG_F_INT, _DATE, _TIME */
    double r;           /* SK_PG_F_REAL */
} sk_pg_field;

#define SK_PG_MAX_FIELDS 6

typedef struct sk_pg_entity {
    sk_pg_etype type;
    uint64_t index;               /* 0..n-1 within the type */
    const char *key;              /* natural key, unique within the type */
    const char *label;            /* display label */
    const sk_pg_field *fields; size_t nfields;
} sk_pg_entity;

typedef struct sk_pg_link {
    sk_pg_ltype type;
    sk_pg_etype src_type, dst_type;
    uint64_t src_index, dst_index;
    const char *src_key, *dst_key;  /* borrowed */
    bool directed;                  /* false only for knows */
    int64_t time;                   /* UTC seconds, SK_PG_NO_TIME when untimed */
    int64_t duration;               /* seconds of a call; -1 when none */
} sk_pg_link;

/* Field names of each entity type, in the order entities carry them (for
 * CSV headers). Returns the count and sets *names to a static array. */
size_t sk_pg_field_names(sk_pg_etype t, const char *const **names);

/* Receives the stream. A callback returns 0 to go on; any other value
 * stops generation and is returned by sk_pg_generate. */
typedef struct sk_pg_sink {
    int (*entity)(const sk_pg_entity *e, void *ctx);
    int (*link)(const sk_pg_link *l, void *ctx);
    void *ctx;
} sk_pg_sink;

typedef struct sk_pg_config {
    uint64_t persons;   /* 1..SK_PG_MAX_PERSONS */
    uint64_t seed;      /* any value; the same seed gives the same case */
} sk_pg_config;

typedef struct sk_pg_counts {
    uint64_t entities[SK_PG_N_ETYPES];
    uint64_t links[SK_PG_N_LTYPES];
    uint64_t max_knows_degree;   /* the most-connected person's knows links */
} sk_pg_counts;

/* Generates the case CFG describes into SINK. COUNTS (may be NULL) receives
 * what was emitted. Returns 0 (SK_OK), SK_EINVAL for a bad configuration,
 * SK_ENOMEM, or the first non-zero value a callback returned; on an error
 * of its own a message is written into ERRBUF (may be NULL). */
int sk_pg_generate(const sk_pg_config *cfg, const sk_pg_sink *sink,
                   sk_pg_counts *counts, char *errbuf, size_t errlen);

/* Formats UTC seconds T as "YYYY-MM-DDTHH:MM:SSZ" into BUF (at least 21
 * bytes); returns BUF. */
char *sk_pg_format_time(int64_t t, char *buf);

#endif /* SK_POLEGEN_H */
