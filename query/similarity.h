/*
 * similarity.h — name similarity and the scoring of duplicate candidates
 * for `duplicates TYPE [min SCORE]` (private to query/).
 *
 * Pure functions over what the caller read from the store: no store access,
 * no allocation, no global state. Names and keys must already be
 * normalised (sk_key_normalise with SK_KEY_NAME for names, the type's rule
 * for keys and identifiers); comparison here is exact on code points.
 *
 * Scoring combines independent pieces of evidence, each worth a fixed
 * strength (the table in similarity.c, documented in docs/analysis.md), as
 * score = 1 - prod(1 - strength). A name alone is worth at most
 * SK_SIM_NAME_ALONE_MAX, so two different people who share a common name
 * never look like one: a duplicate needs a date of birth, an identifier, a
 * key or shared neighbours as well. Nothing here merges anything.
 */
#ifndef SK_QUERY_SIMILARITY_H
#define SK_QUERY_SIMILARITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Names are compared on their first SK_SIM_MAX_CHARS code points. */
#define SK_SIM_MAX_CHARS 128
/* The most a name without any other evidence can score. */
#define SK_SIM_NAME_ALONE_MAX 0.35
/* Below this Jaro-Winkler similarity two names count as different. */
#define SK_SIM_NAME_THRESHOLD 0.85

/* Jaro similarity of two UTF-8 strings (A: ALEN bytes, B: BLEN bytes),
 * 0..1, by code point; invalid UTF-8 bytes count as U+FFFD. Two empty
 * strings are identical (1); one empty string matches nothing (0). */
double sk_sim_jaro(const char *a, size_t alen, const char *b, size_t blen);

/* Jaro-Winkler: Jaro raised for a common prefix of up to 4 code points by
 * 0.1 per code point, when the Jaro similarity exceeds 0.7 (Winkler 1990).
 * MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.840, DIXON/DICKSONX 0.813. */
double sk_sim_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen);

/* Similarity of two normalised person names: the better of Jaro-Winkler on
 * the names as written and on their words sorted, so "smith john" matches
 * "john smith". Names longer than 255 bytes are compared as written only. */
double sk_sim_name(const char *a, size_t alen, const char *b, size_t blen);

/* ---- Duplicate candidates ------------------------------------------- */

/* An identifier an entity carries: a phone number, an e-mail address, a
 * passport or account number … */
typedef struct sk_sim_ident {
    const char *kind;    /* "phone", "email", "passport", … (compared exactly) */
    const char *value;   /* normalised value, NUL-terminated */
} sk_sim_ident;

/* What the scorer knows about one entity. All pointers are borrowed for
 * the duration of the call. */
typedef struct sk_sim_entity {
    sk_id id;
    const char *key;              /* normalised natural key; NULL or "" = none */
    const char *name;             /* normalised name; NULL or "" = none */
    int64_t dob;                  /* date of birth, UTC seconds at any time of
                                     that day; SK_NO_TIME = unknown */
    const sk_sim_ident *idents;   /* identifiers, any order */
    size_t nidents;
    const sk_id *nbrs;            /* neighbour ids, ascending, no repeats */
    size_t nnbrs;
} sk_sim_entity;

/* X(ENUM, what it says). Reasons a pair was scored as it was. */
#define SK_SIM_REASONS(X)                                       \
    X(SAME_KEY,      "same key")                                \
    X(SAME_IDENT,    "same identifier")                         \
    X(NAME_DOB,      "similar name and same date of birth")     \
    X(NAME_NEAR_DOB, "similar name and near date of birth")     \
    X(NAME,          "similar name")                            \
    X(SHARED_NBRS,   "shared neighbours")                       \
    X(DOB_DIFFERS,   "different dates of birth")

typedef enum sk_sim_reason {
#define SK_SIM_X(e, text) SK_SIM_##e,
    SK_SIM_REASONS(SK_SIM_X)
#undef SK_SIM_X
    SK_SIM_NREASONS
} sk_sim_reason;

#define SK_SIM_BIT(r) (1u << (r))

/* The score of a pair and the evidence behind it. */
typedef struct sk_sim_score {
    double score;                 /* 0..1 */
    unsigned reasons;             /* SK_SIM_BIT(reason) for each that applied */
    double name;                  /* name similarity; 0 when a name is missing */
    size_t shared_idents;         /* identifiers both carry */
    const sk_sim_ident *ident;    /* the first of them (borrowed from A), or NULL */
    size_t shared_nbrs;           /* neighbours both have, not counting A and B */
    double nbr_jaccard;           /* shared / all distinct neighbours */
} sk_sim_score;

/* Scores A and B as candidates for being one entity. SK_EINVAL when a
 * neighbour list is not ascending without repeats; SK_OK otherwise. */
int sk_sim_score_pair(const sk_sim_entity *a, const sk_sim_entity *b, sk_sim_score *out);

/* Static text of a reason ("?" when out of range). */
const char *sk_sim_reason_text(sk_sim_reason r);

/* The reasons of S as one line an analyst reads, e.g.
 * "same phone 447700900123; name 0.96 and same date of birth; 3 shared
 * neighbours (Jaccard 0.60)", into BUF (always NUL-terminated when CAP > 0).
 * Returns the length it needed, like snprintf. */
size_t sk_sim_explain(const sk_sim_score *s, char *buf, size_t cap);

#endif /* SK_QUERY_SIMILARITY_H */
