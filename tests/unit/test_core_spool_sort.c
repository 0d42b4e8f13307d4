/*
 * test_core_spool_sort.c — sorting spooled index records
 * (core/spool_sort.c) against a plain merge sort with LMDB's comparison:
 * fixed-size records (key||data, the adjacency, time and type shapes and
 * an odd size) and records with a header (variable keys), in random,
 * sorted, reversed, nearly sorted, all-equal and few-distinct-keys orders,
 * small (insertion sort) and large (radix passes, ties on later chunks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spool_int.h"

#include <stdlib.h>
#include <string.h>

enum order { RANDOM, SORTED, REVERSED, NEARLY, ALL_EQUAL, FEW_KEYS, ORDERS };

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* The reference: a stable merge sort of record pointers. RSZ: the size
 * of fixed-size records, 0 for records with a header. */
static int ref_cmp(const uint8_t *a, const uint8_t *b, size_t rsz)
{
    return rsz ? memcmp(a, b, rsz) : rec_cmp(a, b);
}

static void merge_sort(const uint8_t **p, const uint8_t **tmp, size_t n, size_t rsz)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(p, tmp, h, rsz);
    merge_sort(p + h, tmp, n - h, rsz);
    size_t i = 0, j = h, k = 0;
    while (i < h || j < n)
        tmp[k++] = j == n || (i < h && ref_cmp(p[i], p[j], rsz) <= 0) ? p[i++] : p[j++];
    memcpy(p, tmp, n * sizeof *p);
}

/* Sorts the N records at DATA (LEN bytes) both ways and compares. */
static void check(uint8_t *data, size_t len, size_t n, size_t rsz)
{
    const uint8_t **p = malloc((n + 1) * sizeof *p), **tmp = malloc((n + 1) * sizeof *tmp);
    uint8_t *want = malloc(len + 1);
    assert_non_null(p);
    assert_non_null(tmp);
    assert_non_null(want);
    const uint8_t *r = data;
    for (size_t i = 0; i < n; i++) {
        p[i] = r;
        r += rsz ? rsz : rec_size(r);
    }
    merge_sort(p, tmp, n, rsz);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t sz = rsz ? rsz : rec_size(p[i]);
        memcpy(want + at, p[i], sz);
        at += sz;
    }
    assert_int_equal(at, len);
    size_t cap = len;
    assert_int_equal(sk__spool_sort(&data, &cap, len, n, rsz), SK_OK);
    assert_memory_equal(data, want, len);
    free(data);
    free(want);
    free(p);
    free(tmp);
}

/* Fills record I of RSZ bytes (an id-like key of KL bytes, then data). */
static void fill_fixed(uint8_t *r, size_t i, size_t n, size_t rsz, size_t kl, enum order o,
                       uint64_t *x)
{
    uint64_t v = next(x);
    for (size_t b = 0; b < rsz; b++)
        r[b] = (uint8_t)(next(x) >> 24);
    /* Keys are dense ids, like entity ids, hours and types: big-endian,
     * the high bytes zero. */
    uint64_t key = o == ALL_EQUAL ? 7 : o == FEW_KEYS ? v % 3 : v % (n / 4 + 1);
    if (o == SORTED || o == NEARLY)
        key = i;
    else if (o == REVERSED)
        key = n - i;
    if (o == NEARLY && v % 50 == 0)
        key = v % (n + 1);
    for (size_t b = 0; b < kl; b++)
        r[b] = (uint8_t)(key >> (8 * (kl - 1 - b)));
    if (o == ALL_EQUAL)
        memset(r + kl, 0x5a, rsz - kl);
    else if (o == FEW_KEYS && rsz > kl + 2)
        r[kl + 1] = (uint8_t)(v % 2); /* more ties on the data */
    if (o == SORTED || o == REVERSED)
        memset(r + kl, 0, rsz - kl);
}

static void test_fixed_size(void **state)
{
    (void)state;
    static const size_t shapes[][2] = {
        {ADJ_KEY + ADJ_SIZE, ADJ_KEY}, {4 + TIME_SIZE, 4}, {4 + IDX_ID, 4}, {13, 6}, {3, 2},
    };
    static const size_t sizes[] = {0, 1, 2, 5, 24, 25, 200, 3000, 65536, 70001};
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
            for (int o = 0; o < ORDERS; o++) {
                size_t rsz = shapes[s][0], kl = shapes[s][1], n = sizes[z];
                uint8_t *data = malloc(n * rsz + 1);
                assert_non_null(data);
                for (size_t i = 0; i < n; i++)
                    fill_fixed(data + i * rsz, i, n, rsz, kl, (enum order)o, &x);
                check(data, n * rsz, n, rsz);
            }
}

/* Records with a header: keys of 0 to 40 bytes drawn from a small
 * alphabet (many share prefixes, some are prefixes of others), data of 5
 * bytes, often repeated. */
static void test_with_header(void **state)
{
    (void)state;
    /* 65,537 and up are sorted as two halves on two threads. */
    static const size_t sizes[] = {0, 1, 2, 24, 25, 500, 20000, 65537};
    uint64_t x = 12345;
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
        for (int o = 0; o < ORDERS; o++) {
            size_t n = sizes[z];
            uint8_t *data = malloc(n * (REC_HDR + 40 + 5) + 1);
            assert_non_null(data);
            size_t len = 0;
            for (size_t i = 0; i < n; i++) {
                uint64_t v = next(&x);
                uint16_t kl = (uint16_t)(o == ALL_EQUAL ? 12 : v % 41), vl = 5;
                uint8_t *r = data + len;
                memcpy(r, &kl, 2);
                memcpy(r + 2, &vl, 2);
                for (size_t b = 0; b < kl; b++)
                    r[REC_HDR + b] = o == ALL_EQUAL ? 'a' : (uint8_t)('a' + next(&x) % 3);
                if (o == SORTED && kl >= 4)
                    for (size_t b = 0; b < 4; b++)
                        r[REC_HDR + b] = (uint8_t)(i >> (8 * (3 - b)));
                for (size_t b = 0; b < vl; b++)
                    r[REC_HDR + kl + b] = o == FEW_KEYS ? 1 : (uint8_t)(next(&x) % 4);
                len += REC_HDR + kl + vl;
            }
            check(data, len, n, 0);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_size),
        cmocka_unit_test(test_with_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
