/*
 * store_int.h — what the files of core/ share and no other module sees:
 * the handles' layouts, the LMDB databases and the key encodings.
 *
 * Layout (docs/storage.md is the reference):
 *   meta   string key → value          format version, counters, settings
 *   names  dict(1) name → sym(4)       interning
 *   syms   dict(1) sym(4) → name       reverse interning
 *   ent    id(8) → entity record       codec.c
 *   link   id(8) → link record         codec.c
 *   adj    id(8) → ADJ_SIZE dups       traversal, sorted (ltype, dir, nb, link)
 *   key    etype(4) normkey → id(8)    natural-key index
 *   type   etype(4) → id(8) dups       entities by type
 *   prop   etype(4) prop(4) text → id(8) dups   exact/prefix string index
 *   time   hour(4) → (sec-in-hour(2) link(6)) dups   links by start time
 *   src    srcid(4) → source record
 *   srch   sha256(32) → srcid(4)
 *   merge  into(8) seq(8) → what sk_entity_unmerge needs to undo a merge
 * All integers in keys are big-endian so memcmp order is numeric order.
 */
#ifndef SK_STORE_INT_H
#define SK_STORE_INT_H

#include "store.h"

#include <lmdb.h>
#include <stdarg.h>

#define SK_FORMAT_VERSION 1u
#define SK_MAGIC "skein-case"
#define SK_ERRMSG 512

#define SK_ID_MAX ((sk_id)1 << 48)   /* ids are stored in 6 bytes */
#define SK_LTYPE_MAX 0xffffu          /* link types are stored in 2 bytes */
#define SK_KEY_MAX 400                /* longer keys are stored hashed */

/* An adjacency record: ltype(2) dir(1) nb(6) link(6) time(5). */
#define ADJ_SIZE 20
/* A time-index record: second-in-hour(2) link(6). */
#define TIME_SIZE 8

enum sk_db {
    DB_META, DB_NAMES, DB_SYMS, DB_ENT, DB_LINK, DB_ADJ, DB_KEY, DB_TYPE,
    DB_PROP, DB_TIME, DB_SRC, DB_SRCH, DB_MERGE, DB_AUDIT, DB_COUNT
};

struct sk_store {
    MDB_env *env;
    MDB_dbi dbi[DB_COUNT];
    char *path;
    unsigned flags;              /* SK_OPEN_* as opened */
    bool rdonly;                 /* opened read-only (flag or permissions) */
    int write_wait_ms;           /* how long a writer waits for the lock */
    int lock_fd;                 /* fd flock()ed while a write txn runs */
    bool writer_active;          /* this process has a write txn open */
    sk_scale *scale;             /* the case's grading scale */
    char errmsg[SK_ERRMSG];
};

struct sk_txn {
    sk_store *s;
    MDB_txn *txn;
    bool write;
    bool poisoned;               /* a write failed: only abort is allowed */
    bool counters_dirty;         /* next_* must be written back at commit */
    sk_id next_entity, next_link;
    sk_srcid next_source;
    struct adj_pending *pend;    /* adjacency records not yet written (adjacency.c) */
    size_t npend, cappend;
    struct time_pending *tpend;  /* time-index records not yet written */
    size_t ntpend, captpend;
    struct new_link *fresh;      /* hash of links created since the last flush */
    size_t nfresh, capfresh;
    int64_t *lt_delta;           /* links created minus deleted, per link type */
    size_t lt_cap;               /* entries in lt_delta */
    char country_code[8];        /* case default for phone keys */
    char errmsg[SK_ERRMSG];
};

/* ---- txn.c ---- */
/* Records an LMDB failure as an SK_* code with a message; poisons T. */
int sk__mdb_fail(sk_txn *t, int mdb_rc, const char *what);
/* Refuses when T is poisoned or read-only. */
int sk__check_write(sk_txn *t);
/* Thin wrappers that map LMDB errors through sk__mdb_fail. */
int sk__get(sk_txn *t, enum sk_db db, const void *k, size_t kl, MDB_val *v);
int sk__put(sk_txn *t, enum sk_db db, const void *k, size_t kl, const void *v,
            size_t vl, unsigned flags);
int sk__del(sk_txn *t, enum sk_db db, const void *k, size_t kl, const void *v,
            size_t vl);

/* ---- big-endian helpers ---- */
static inline void be_put(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}
static inline uint64_t be_get(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* ---- adjacency.c ---- */
typedef struct adj_rec {
    uint8_t b[ADJ_SIZE];
} adj_rec;
void sk__adj_encode(adj_rec *r, sk_sym ltype, uint8_t dir, sk_id nb, sk_id link,
                    int64_t time);
void sk__adj_decode(const uint8_t *b, sk_adj *out);
/* Adds or removes both sides of a link's adjacency and its time entry. */
int sk__adj_link_add(sk_txn *t, const sk_link *l);
int sk__adj_link_del(sk_txn *t, const sk_link *l);
/* Writes the deferred adjacency and time records, sorted (appended when
 * they all sort after what the database holds). Called before anything
 * reads or deletes adjacency in this transaction, and at commit. */
int sk__adj_flush(sk_txn *t);
/* Frees the deferred records (abort). */
void sk__adj_discard(sk_txn *t);
/* Finds a link of ENTITY with type LTYPE, direction DIR, neighbour NB and
 * start time TIME (SK_NO_TIME matches untimed links); SK_ENOTFOUND if none. */
int sk__adj_find(sk_txn *t, sk_id entity, sk_sym ltype, uint8_t dir, sk_id nb,
                 int64_t time, sk_id *link);

/* ---- codec.c: record encodings ---- */
typedef struct sk_buf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
} sk_buf;
void sk__buf_free(sk_buf *b);
void sk__buf_reset(sk_buf *b);
/* The primitives every record encoding is made of (records, merge and
 * audit entries): raw bytes, LEB128 varints, length-prefixed strings. A
 * buffer that cannot grow sets oom and ignores later writes. */
void sk__put_bytes(sk_buf *b, const void *src, size_t n);
void sk__put_uv(sk_buf *b, uint64_t v);
void sk__put_str(sk_buf *b, const char *s, size_t n);
/* A bounds-checked reader: any read past END sets bad and yields zeros. */
typedef struct sk_rd {
    const uint8_t *p, *end;
    bool bad;
} sk_rd;
uint64_t sk__get_uv(sk_rd *r);
const uint8_t *sk__get_bytes(sk_rd *r, size_t n);
const char *sk__get_str(sk_rd *r, size_t *len); /* borrowed from the record */
int sk__encode_entity(sk_buf *b, const sk_entity *e);
int sk__decode_entity(const uint8_t *p, size_t n, sk_arena *a, sk_entity *e);
/* Only the type of an entity record (the first field after the version). */
int sk__decode_entity_type(const uint8_t *p, size_t n, sk_sym *type);
int sk__encode_link(sk_buf *b, const sk_link *l);
int sk__decode_link(const uint8_t *p, size_t n, sk_arena *a, sk_link *l);
int sk__encode_source(sk_buf *b, const sk_source *s);
int sk__decode_source(const uint8_t *p, size_t n, sk_arena *a, sk_source *s);

/* ---- index.c ---- */
/* Key index key for (etype, normalised key); returns its length. */
size_t sk__keyidx_key(uint8_t *out, sk_sym etype, const char *key, size_t len);
int sk__index_entity(sk_txn *t, const sk_entity *e, bool add);
/* Index entries of one property value (string values only). */
int sk__index_prop(sk_txn *t, sk_sym etype, sk_sym prop, const sk_value *v,
                   sk_id id, bool add);

/* ---- entity.c ---- */
/* Ids of every link of entity ID (malloc'd; the caller frees *OUT). */
int sk__entity_links(sk_txn *t, sk_id id, sk_id **out, size_t *n);
/* Writes the record of E as it is (indexes are the caller's business). */
int sk__put_entity(sk_txn *t, const sk_entity *e);
/* Writes the record of L as it is (adjacency is the caller's business). */
int sk__put_link(sk_txn *t, const sk_link *l);

/* ---- store.c ---- */
/* Opens the environment again after the file was replaced (compaction). */
int sk__store_reopen(sk_store *s);

/* ---- meta.c ---- */
int sk__meta_init(sk_txn *t);
int sk__meta_check(sk_txn *t, char *errbuf, size_t errlen);
int sk__counters_load(sk_txn *t);
int sk__counters_save(sk_txn *t);
/* Adds DELTA to the link count of LTYPE (flushed at commit). */
int sk__ltype_count(sk_txn *t, sk_sym ltype, int64_t delta);
/* Stored link count of LTYPE (as of the last commit plus this txn). */
uint64_t sk__ltype_total(sk_txn *t, sk_sym ltype);

#endif /* SK_STORE_INT_H */
