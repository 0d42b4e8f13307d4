/*
 * spool_sort.c — sorting spooled records into LMDB's order (spool_int.h).
 *
 * Records of one size with keys of one length (adjacency, time, type:
 * key||data without a header) are sorted in place as byte strings; others
 * through references, then gathered in order. Both are most-significant-first radix sorts on 8-byte
 * chunks, least-significant-first within a chunk, with the ties on a
 * chunk sorted on the next one and small groups insertion-sorted. A
 * large spool is sorted as two halves on two threads, then merged.
 */
#include "spool_int.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_SORT 24              /* groups this small are insertion-sorted */

typedef struct ref {
    uint64_t pfx;    /* 8 bytes of the sort string at the current depth */
    const uint8_t *rec;
} ref;

/* ---- sorting through references ----
 *
 * An MSD radix sort on 8-byte chunks of each record's key zero-padded
 * (which orders as LMDB does or ties), LSD radix within a chunk; ties on a
 * chunk are sorted on the next one, small groups and groups past the end
 * of every key with the exact comparison.
 */

static uint64_t chunk(const uint8_t *rec, unsigned depth, size_t *len)
{
    size_t sl = rec_klen(rec);
    size_t at = (size_t)depth * 8;
    *len = sl;
    if (at >= sl)
        return 0;
    const uint8_t *s = rec + REC_HDR + at;
    size_t n = sl - at < 8 ? sl - at : 8;
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v = (v << 8) | (i < n ? s[i] : 0);
    return v;
}

static void insertion_sort(ref *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        ref x = a[i];
        size_t j = i;
        while (j > 0 && rec_cmp(a[j - 1].rec, x.rec) > 0) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

static int ref_cmp(const void *x, const void *y)
{
    return rec_cmp(((const ref *)x)->rec, ((const ref *)y)->rec);
}

/* Stable LSD radix sort of A by pfx, TMP as scratch; skips the bytes every
 * record shares. */
static void radix(ref *a, ref *tmp, size_t n)
{
    size_t cnt[8][256] = {{0}};
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            cnt[b][(a[i].pfx >> (8 * b)) & 255]++;
    ref *src = a, *dst = tmp;
    for (int b = 0; b < 8; b++) {
        if (cnt[b][(a[0].pfx >> (8 * b)) & 255] == n)
            continue;
        size_t pos = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = cnt[b][d];
            cnt[b][d] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[cnt[b][(src[i].pfx >> (8 * b)) & 255]++] = src[i];
        ref *sw = src;
        src = dst;
        dst = sw;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

static void sort_refs(ref *a, ref *tmp, size_t n, unsigned depth)
{
    if (n <= SMALL_SORT) {
        insertion_sort(a, n);
        return;
    }
    size_t maxlen = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        a[i].pfx = chunk(a[i].rec, depth, &len);
        if (len > maxlen)
            maxlen = len;
    }
    if ((size_t)depth * 8 >= maxlen) {
        /* Equal sort strings (variable keys): order by length, then data.
         * The radix passes keep arrival order, and a property's records
         * mostly arrive in id order (ids only grow), so a group of one
         * value (thousands of phones on one network) is usually in order
         * already: one pass to see it, instead of a comparison sort. */
        size_t i = 1;
        while (i < n && ref_cmp(&a[i - 1], &a[i]) <= 0)
            i++;
        if (i < n)
            qsort(a, n, sizeof *a, ref_cmp);
        return;
    }
    radix(a, tmp, n);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && a[j].pfx == a[i].pfx)
            j++;
        if (j - i > 1)
            sort_refs(a + i, tmp + i, j - i, depth + 1);
        i = j;
    }
}

/* ---- sorting records of one size ----
 *
 * When every record of a spool has one size (adjacency, time and type
 * records do), its key has one length too, so key||data orders as LMDB
 * orders the records: they are sorted in place as plain byte strings,
 * radix passes reading the digits straight from the records. Sorting
 * pointers instead would fetch every record from a random place, twice. */

/* Copies one record of RSZ bytes. The sizes of the fixed-size spools
 * (adjacency, time, type) get a copy of constant size, which the compiler
 * turns into a few moves instead of a call. */
static inline void copy_rec(uint8_t *dst, const uint8_t *src, size_t rsz)
{
    enum { ADJ_REC = ADJ_KEY + ADJ_SIZE, TIME_REC = 4 + TIME_SIZE, TYPE_REC = 4 + IDX_ID };
    switch (rsz) {
    case ADJ_REC: memcpy(dst, src, ADJ_REC); break;
    case TIME_REC: memcpy(dst, src, TIME_REC); break;
    case TYPE_REC: memcpy(dst, src, TYPE_REC); break;
    default: memcpy(dst, src, rsz); break;
    }
}

/* Insertion sort of N records of RSZ bytes on their bytes from OFF on. */
static void insertion_fixed(uint8_t *a, size_t n, size_t rsz, size_t off)
{
    uint8_t x[MAX_REC];
    for (size_t i = 1; i < n; i++) {
        if (fixed_cmp(a + (i - 1) * rsz + off, a + i * rsz + off, rsz - off) <= 0)
            continue;
        copy_rec(x, a + i * rsz, rsz);
        size_t j = i;
        while (j > 0 && fixed_cmp(a + (j - 1) * rsz + off, x + off, rsz - off) > 0) {
            copy_rec(a + j * rsz, a + (j - 1) * rsz, rsz);
            j--;
        }
        copy_rec(a + j * rsz, x, rsz);
    }
}

/* Sorts N records of RSZ bytes at A (TMP as scratch) on their bytes from
 * OFF on, knowing they agree before OFF. Records that arrive in order
 * (type entries: ids only grow) are found so with one look at each. */
static void sort_fixed(uint8_t *a, uint8_t *tmp, size_t n, size_t rsz, size_t off)
{
    size_t w = rsz - off < 8 ? rsz - off : 8;   /* bytes in this chunk */
    if (n <= SMALL_SORT || w == 0) {
        insertion_fixed(a, n, rsz, off);
        return;
    }
    size_t sorted = 1;
    while (sorted < n && fixed_cmp(a + (sorted - 1) * rsz + off, a + sorted * rsz + off,
                                   rsz - off) <= 0)
        sorted++;
    if (sorted == n)
        return;
    size_t cnt[8][256];
    memset(cnt, 0, w * sizeof cnt[0]);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *r = a + i * rsz + off;
        for (size_t b = 0; b < w; b++)
            cnt[b][r[b]]++;
    }
    uint8_t *src = a, *dst = tmp;
    for (size_t b = w; b-- > 0;) {   /* least significant byte first */
        if (cnt[b][a[off + b]] == n)
            continue;
        size_t pos = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = cnt[b][d];
            cnt[b][d] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++) {
            const uint8_t *r = src + i * rsz;
            copy_rec(dst + cnt[b][r[off + b]]++ * rsz, r, rsz);
        }
        uint8_t *sw = src;
        src = dst;
        dst = sw;
    }
    if (src != a)
        memcpy(a, src, n * rsz);
    if (off + w >= rsz)
        return;
    for (size_t i = 0; i < n;) {
        uint64_t p = prefix(a + i * rsz + off, w);
        size_t j = i + 1;
        while (j < n && prefix(a + j * rsz + off, w) == p)
            j++;
        if (j - i > 1)
            sort_fixed(a + i * rsz, tmp + i * rsz, j - i, rsz, off + w);
        i = j;
    }
}

/* ---- two halves on two threads ----
 *
 * A spool's sort is most of a bulk load's commit, when the import's
 * reading thread has finished and a core is idle: a large spool is sorted
 * as two halves, the second on a thread of its own, and the halves merged
 * into the scratch the sort needs anyway, so no more memory is used than
 * sorting on one thread. Without a thread (pthread_create fails) both
 * halves are sorted here. */

#define PARALLEL_MIN ((size_t)1 << 16) /* records: smaller sorts stay on one thread */

typedef struct half {
    uint8_t *a, *tmp;  /* fixed-size records and their scratch, or */
    ref *r, *rtmp;     /* references and theirs */
    size_t n, rsz;
} half;

static void sort_half(half *h)
{
    if (h->a)
        sort_fixed(h->a, h->tmp, h->n, h->rsz, 0);
    else
        sort_refs(h->r, h->rtmp, h->n, 0);
}

static void *sort_half_thread(void *arg)
{
    sort_half(arg);
    return NULL;
}

/* Sorts LO and HI, HI on a second thread when one can be had. */
static void sort_halves(half *lo, half *hi)
{
    pthread_t th;
    bool threaded = lo->n + hi->n >= PARALLEL_MIN &&
                    pthread_create(&th, NULL, sort_half_thread, hi) == 0;
    sort_half(lo);
    if (threaded)
        pthread_join(th, NULL);
    else
        sort_half(hi);
}

/* Merges the sorted runs of N1 and N2 records of RSZ bytes at A and B into
 * OUT. */
static void merge_fixed(uint8_t *out, const uint8_t *a, size_t n1, const uint8_t *b, size_t n2,
                        size_t rsz)
{
    while (n1 && n2) {
        if (fixed_cmp(a, b, rsz) <= 0) {
            copy_rec(out, a, rsz);
            a += rsz;
            n1--;
        } else {
            copy_rec(out, b, rsz);
            b += rsz;
            n2--;
        }
        out += rsz;
    }
    memcpy(out, n1 ? a : b, (n1 ? n1 : n2) * rsz);
}

/* Copies the records of the sorted references A (N1) and B (N2), merged,
 * into OUT. */
static void merge_gather(uint8_t *out, const ref *a, size_t n1, const ref *b, size_t n2)
{
    while (n1 || n2) {
        const uint8_t *r;
        if (n1 && (!n2 || rec_cmp(a->rec, b->rec) <= 0)) {
            r = a++->rec;
            n1--;
        } else {
            r = b++->rec;
            n2--;
        }
        size_t sz = rec_size(r);
        memcpy(out, r, sz);
        out += sz;
    }
}

int sk__spool_sort(uint8_t **data, size_t *cap, size_t len, size_t n, size_t fixed_size)
{
    if (n < 2)
        return SK_OK;
    size_t n1 = n / 2;
    if (fixed_size) {
        uint8_t *tmp = malloc(len);
        if (!tmp)
            return SK_ENOMEM;
        uint8_t *a = *data;
        size_t off = n1 * fixed_size;
        half lo = {.a = a, .tmp = tmp, .n = n1, .rsz = fixed_size};
        half hi = {.a = a + off, .tmp = tmp + off, .n = n - n1, .rsz = fixed_size};
        sort_halves(&lo, &hi);
        /* The merged records land in the scratch, which becomes the data. */
        merge_fixed(tmp, a, n1, a + off, n - n1, fixed_size);
        free(a);
        *data = tmp;
        *cap = len;
        return SK_OK;
    }
    ref *a = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *tmp);
    uint8_t *out = malloc(len);
    if (!a || !tmp || !out) {
        free(a);
        free(tmp);
        free(out);
        return SK_ENOMEM;
    }
    const uint8_t *p = *data;
    for (size_t i = 0; i < n; i++) {
        a[i].rec = p;
        p += rec_size(p);
    }
    half lo = {.r = a, .rtmp = tmp, .n = n1};
    half hi = {.r = a + n1, .rtmp = tmp + n1, .n = n - n1};
    sort_halves(&lo, &hi);
    merge_gather(out, a, n1, a + n1, n - n1);
    free(a);
    free(tmp);
    free(*data);
    *data = out;
    *cap = len;
    return SK_OK;
}
