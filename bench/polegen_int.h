/*
 * polegen_int.h — what the files of the POLE generator share: the PRNG,
 * the month the case covers and the entity formatter.
 *
 * The PRNG is xoshiro256** seeded through splitmix64 (both public-domain
 * algorithms by Blackman and Vigna). Each phase of generation draws from
 * its own stream, seeded from (seed, phase), so changing how one phase
 * draws never shifts what another produces. Entity attributes come from a
 * stream seeded from (seed, type, index): any entity can be rebuilt alone.
 *
 * Rule for callers: never make two draws in one function call's argument
 * list (or any other unsequenced pair). C leaves the order unspecified;
 * gcc and clang evaluate arguments in opposite orders, so the output would
 * depend on the compiler. Draw into locals, one statement each.
 */
#ifndef SK_POLEGEN_INT_H
#define SK_POLEGEN_INT_H

#include "polegen.h"

/* The case covers March 2024, UTC. */
#define PG_MONTH_START INT64_C(1709251200) /* 2024-03-01T00:00:00Z */
#define PG_MONTH_DAYS 31

typedef struct pg_rng {
    uint64_t s[4];
} pg_rng;

/* splitmix64's output function: a bijective 64-bit mix. */
static inline uint64_t pg_mix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* Seeds R from three words; distinct triples give unrelated streams. */
static inline void pg_rng_seed(pg_rng *r, uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t x = pg_mix(seed) ^ pg_mix(a + UINT64_C(0x632be59bd9b4e019)) ^
                 pg_mix(b ^ UINT64_C(0x8cb92ba72f3d8dd7));
    for (int i = 0; i < 4; i++) {
        x = pg_mix(x);
        r->s[i] = x;
    }
}

static inline uint64_t pg_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** next output. */
static inline uint64_t pg_next(pg_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = pg_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = pg_rotl(s[3], 45);
    return out;
}

/* Uniform in [0, n), n > 0. The modulo bias is below 2^-30 for every n
 * this generator uses, and it is the same on every machine. */
static inline uint64_t pg_below(pg_rng *r, uint64_t n)
{
    return pg_next(r) % n;
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double pg_unit(pg_rng *r)
{
    return (double)(pg_next(r) >> 11) * 0x1.0p-53;
}

/* Index in [0, n) skewed towards 0: n * u^power. Only multiplications,
 * so the result is exact IEEE arithmetic and the same everywhere. */
static inline uint64_t pg_skewed(pg_rng *r, uint64_t n, int power)
{
    double u = pg_unit(r), x = u;
    for (int i = 1; i < power; i++)
        x *= u;
    uint64_t k = (uint64_t)(x * (double)n);
    return k < n ? k : n - 1;
}

/* A time in March 2024 with more activity in the afternoon and evening
 * than at night, as call records and ANPR reads have. */
int64_t pg_time_in_month(pg_rng *r);

/* Days since 1970-01-01 of a civil date, and back. */
int64_t pg_days_from_civil(int y, int m, int d);
void pg_civil_from_days(int64_t z, int *y, int *m, int *d);

/* Buffers that one formatted entity borrows from. */
typedef struct pg_ebuf {
    char key[64];
    char label[96];
    char text[SK_PG_MAX_FIELDS][64];
    sk_pg_field fields[SK_PG_MAX_FIELDS];
} pg_ebuf;

/* Writes the natural key of entity INDEX of type T into BUF (64 bytes). */
void pg_key(sk_pg_etype t, uint64_t index, char *buf);
/* Builds the whole entity (key, label, fields) into B and OUT. */
void pg_entity_make(uint64_t seed, sk_pg_etype t, uint64_t index, pg_ebuf *b,
                    sk_pg_entity *out);
/* When event INDEX happened (its links carry this time). */
int64_t pg_event_time(uint64_t seed, uint64_t index);

#endif /* SK_POLEGEN_INT_H */
