/*
 * spool_int.h — what spool.c and spool_sort.c share: the layout of a
 * spooled record and LMDB's order of records.
 *
 * A record is klen(2) vlen(2) key data, the lengths in host byte order.
 * Records order as LMDB orders them with its default comparison: key
 * bytes, the shorter first on a tie, then data bytes the same way.
 */
#ifndef SK_SPOOL_INT_H
#define SK_SPOOL_INT_H

#include "store_int.h"

#define REC_HDR 4
#define MAX_REC (REC_HDR + 512 + 512)   /* LMDB keys and duplicates: 511 bytes */

static inline size_t rec_klen(const uint8_t *r)
{
    uint16_t k;
    memcpy(&k, r, 2);
    return k;
}

static inline size_t rec_vlen(const uint8_t *r)
{
    uint16_t v;
    memcpy(&v, r + 2, 2);
    return v;
}

static inline size_t rec_size(const uint8_t *r) { return REC_HDR + rec_klen(r) + rec_vlen(r); }

/* LMDB's default order: bytes, then the shorter first. */
static inline int bytes_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : (al > bl) - (al < bl);
}

static inline int rec_cmp(const uint8_t *a, const uint8_t *b)
{
    size_t ak = rec_klen(a), bk = rec_klen(b);
    int c = bytes_cmp(a + REC_HDR, ak, b + REC_HDR, bk);
    if (c)
        return c;
    return bytes_cmp(a + REC_HDR + ak, rec_vlen(a), b + REC_HDR + bk, rec_vlen(b));
}

/* Sorts the N records (LEN bytes) at *DATA, allocated CAP bytes, into LMDB's
 * order; *DATA and *CAP may be replaced. FIXED_SIZE: the size of every
 * record, 0 when they differ; FIXED_KEY: every key has one length.
 * SK_OK or SK_ENOMEM. */
int sk__spool_sort(uint8_t **data, size_t *cap, size_t len, size_t n, size_t fixed_size,
                   bool fixed_key);

#endif
