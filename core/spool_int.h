/*
 * spool_int.h — what spool.c and spool_sort.c share: the layout of a
 * spooled record and LMDB's order of records.
 *
 * A record of a database whose records all have one key length and one
 * data length (adjacency, time, type: spool.c's table) is its key and data
 * alone: with keys of one length, key||data compares as LMDB compares the
 * records, so they sort as plain byte strings of one size. A record of
 * another database (natural keys, properties) is klen(2) vlen(2) key data,
 * the lengths in host byte order. Records order as LMDB orders them with
 * its default comparison: key bytes, the shorter first on a tie, then data
 * bytes the same way.
 */
#ifndef SK_SPOOL_INT_H
#define SK_SPOOL_INT_H

#include "store_int.h"

#include <sys/types.h>

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

/* Up to 8 bytes at P (W of them) as a big-endian number. */
static inline uint64_t prefix(const uint8_t *p, size_t w)
{
    uint64_t v = 0;
    for (size_t i = 0; i < w; i++)
        v = v << 8 | p[i];
    return v;
}

/* Compares L bytes at A and B as memcmp does, the first 8 as one number
 * (they decide most comparisons of spooled records). */
static inline int fixed_cmp(const uint8_t *a, const uint8_t *b, size_t l)
{
    if (l >= 8) {
        uint64_t x = prefix(a, 8), y = prefix(b, 8);
        if (x != y)
            return x < y ? -1 : 1;
        return memcmp(a + 8, b + 8, l - 8);
    }
    return memcmp(a, b, l);
}

/* A sorted run in a spool's temporary file. */
struct run {
    off_t off;       /* where the run starts in the file */
    uint64_t len;    /* its bytes */
};

/* The records of one database waiting to be written (spool.c). */
typedef struct sk_spool {
    enum sk_db db;
    size_t fklen;    /* fixed-size records: the key's length */
    size_t fsize;    /* and the record's (key||data); 0: records with a header */
    uint8_t *data;   /* the records in memory, in arrival order */
    size_t len, cap; /* bytes used and allocated in data */
    size_t n;        /* records in data */
    uint8_t *spare;  /* a buffer a spill gave back, for the next one */
    size_t spare_cap;
    /* While a spill runs its thread owns these; the transaction the rest. */
    int fd;          /* the temporary file of the runs; -1 before the first */
    off_t fend;      /* bytes written to fd */
    struct run *runs;
    size_t nruns, caprun;
} sk_spool;

static inline size_t sp_rec_size(size_t fsize, const uint8_t *r)
{
    return fsize ? fsize : rec_size(r);
}

/* Fails T for ERR (an errno) met doing WHAT with the runs' file: a full
 * disk as SK_EDISKFULL, anything else as SK_EIO. */
int sk__spool_io_fail(sk_txn *t, int err, const char *what);

/* Writes every record of SP (its runs and its memory), merged in order,
 * into its database (spool_merge.c). */
int sk__spool_write(sk_txn *t, sk_spool *sp);

/* Sorts the N records (LEN bytes) at *DATA, allocated CAP bytes, into LMDB's
 * order; *DATA and *CAP may be replaced. FIXED_SIZE: the size of every
 * record when they are key||data of one size, 0 for records with the
 * header. Needs LEN bytes of scratch, and for records with the header two
 * references a record. SK_OK or SK_ENOMEM. */
int sk__spool_sort(uint8_t **data, size_t *cap, size_t len, size_t n, size_t fixed_size);

#endif
