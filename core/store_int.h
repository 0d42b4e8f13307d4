/*
 * store_int.h — what the files of core/ share and no other module sees:
 * the handles' layouts, the LMDB databases and the key encodings.
 *
 * Layout (docs/storage.md is the reference):
 *   meta   string key → value          format version, counters, settings
 *   names  dict(1) name → sym(4)       interning
 *   syms   dict(1) sym(4) → name       reverse interning
 *   ent    id(8) → entity record       codec.c
 *   link   id>>6 (8) → bucket of up to 64 link records   linkrec.c, codec.c
 *   adj    id(5) [rec] → ADJ_SIZE records in chunks (adjchunk.c)   traversal,
 *          sorted (ltype, dir, nb, link)
 *   key    etype(4) normkey → id(5)    natural-key index
 *   type   etype(4) → id(5) dups       entities by type
 *   prop   etype(4) prop(4) text → id(5) dups   exact/prefix string index
 *   time   hour(4) → (sec-in-hour(2) link(5)) dups   links by start time
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
#include <string.h>

/* 2: link records packed 64 to a bucket, adjacency in chunks of 17-byte
 * records (1: one LMDB record per link, 20-byte DUPSORT adjacency). */
#define SK_FORMAT_VERSION 2u
#define SK_MAGIC "skein-case"
#define SK_ERRMSG 512

#define SK_ID_MAX ((sk_id)1 << 40)   /* ids are stored in 5 bytes (adjacency) */
#define SK_LTYPE_MAX 0x3fffu          /* link types: 14 bits beside a 2-bit direction */
#define SK_KEY_MAX 400                /* longer keys are stored hashed */

/* An adjacency record: ltype·dir(2) nb(5) link(5) time(5) (adjacency.c). */
#define ADJ_SIZE 17
/* A time-index record: second-in-hour(2) link(5). */
#define TIME_SIZE 7
/* An entity id as the value of the key, type and property indexes. */
#define IDX_ID 5

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
    unsigned txns_open;          /* transactions of this process not yet ended */
    sk_scale *scale;             /* the case's grading scale */
    struct sk_audit_queue *aq;   /* consultations not yet written (audit_queue.c) */
    char *login;                 /* the process user's login name, looked up once */
    struct sk_label_snap **lsnap; /* label snapshots, one per type (labelsnap.c) */
    size_t nlsnap;
    char errmsg[SK_ERRMSG];
};

/* ---- audit.c, audit_queue.c: consultations waiting for a group commit ---- */
/* Appends N entries in T, chained in order, with one write of the head;
 * *LAST (may be NULL) gets the last one's number. */
int sk__audit_append_many(sk_txn *t, const sk_audit_entry *e, size_t n, uint64_t *last);
/* Appends the queued consultation entries in T; *DRAINED gets how many. */
int sk__audit_drain(sk_txn *t, size_t *drained);
/* Drops the first N queued entries once the transaction holding them has
 * committed. */
void sk__audit_forget(sk_store *s, size_t n);
void sk__audit_queue_free(sk_store *s);

/* A table from a hash to ids created in this transaction (lookup.c): an
 * open-addressing index whose slots hold an id (as an offset from BASE)
 * and 32 bits of its item's hash, so a probe reads one place in memory; a
 * hit is a candidate the caller verifies against the record. */
typedef struct sk_idtab {
    uint64_t *slot;              /* hash << 32 | id - base + 1; 0 = empty */
    size_t cap, n;               /* slots (a power of two), used */
    sk_id base;                  /* the first id added */
    bool full;                   /* dropped at its budget: ask the store */
} sk_idtab;

typedef struct sk_buf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
} sk_buf;

struct sk_txn {
    sk_store *s;
    MDB_txn *txn;
    bool write;
    bool poisoned;               /* a write failed: only abort is allowed */
    bool counters_dirty;         /* next_* must be written back at commit */
    bool bulk;                   /* bulk mode (sk_txn_bulk): every index spooled */
    bool labels_dirty;           /* a label index entry was added or removed:
                                    label_version is incremented at commit */
    sk_id next_entity, next_link;
    sk_srcid next_source;
    sk_id fresh_first;           /* entities from this id on were made by this
                                    transaction (sk_entity_exists needs no read) */
    bool ent_gaps;               /* an id below next_entity has no record: this
                                    transaction deleted one, or failed to make it */
    uint64_t *ent_seen;          /* one bit per entity id this write transaction
                                    read or wrote and has not deleted since */
    size_t ent_seen_words;
    struct sk_spool *spool[DB_COUNT]; /* index records not yet written (spool.c) */
    struct sk_spill *spill;      /* spools being sorted and written to runs */
    size_t spooled;              /* bytes the spools hold in memory */
    size_t spool_scratch;        /* the most one spool's sort needs besides (spool.c) */
    size_t budget;               /* spooled bytes that force a spill or flush */
    sk_idtab keys;               /* bulk: natural key hash → entity (lookup.c) */
    sk_idtab links;              /* links whose adjacency is spooled (lookup.c) */
    sk_id links_from;            /* the first of those links; 0 = none */
    bool links_on;               /* the links table is built and kept up */
    size_t lookup_budget;        /* bytes each lookup.c table may take; 0 =
                                    SK_LOOKUP_BUDGET (tests set less) */
    struct sk_linkfilter *lf;    /* links that may exist (linkfilter.c) */
    size_t lf_budget;            /* its bytes; 0 = the default, under 128: none
                                    (tests compare) */
    sk_buf rec;                  /* scratch for encoding records (link.c, entity.c) */
    MDB_cursor *tail[DB_COUNT];  /* cursors left at the end of ent and link for
                                    appends (sk__append); closed at the end */
    struct sk_lbucket *lb;       /* the link bucket being changed (linkrec.c) */
    sk_id lb_end;                /* buckets from this number on are not stored */
    bool lb_end_known;           /* lb_end has been looked up */
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
/* Appends a record whose key sorts after every key of DB, through a cursor
 * kept at the database's end: no search from the root for each record. */
int sk__append(sk_txn *t, enum sk_db db, const void *k, size_t kl, const void *v,
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
/* The 8 bytes at P as a big-endian number (one load, not eight). */
static inline uint64_t be_get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
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
/* Finds a link of ENTITY with type LTYPE, direction DIR, neighbour NB and
 * start time TIME (SK_NO_TIME matches untimed links); SK_ENOTFOUND if none. */
int sk__adj_find(sk_txn *t, sk_id entity, sk_sym ltype, uint8_t dir, sk_id nb,
                 int64_t time, sk_id *link);

/* ---- adjchunk.c: an entity's adjacency records in chunks ---- */
#define ADJ_CHUNK 96 /* records a chunk holds at most */
#define ADJ_KEY 5    /* an entity id as the key of its first chunk */
/* Puts cursor C (on DB_ADJ) on the chunk of ENTITY that holds or would
 * hold record REC (ADJ_SIZE bytes; NULL: the first chunk), *K and *V
 * getting it; MDB_NOTFOUND when ENTITY has no records (the cursor is then
 * anywhere), or another LMDB error. */
int sk__adj_locate(MDB_cursor *c, sk_id entity, const uint8_t *rec, MDB_val *k, MDB_val *v);
/* Adds the N sorted, distinct records RECS to ENTITY through cursor C,
 * merged into its chunks; APPEND: ENTITY sorts after every key of the
 * database, so its chunks are appended. */
int sk__adj_put_run(sk_txn *t, MDB_cursor *c, sk_id entity, const uint8_t *recs, size_t n,
                    bool append);
/* Removes record REC of ENTITY; SK_ENOTFOUND when it is not there. */
int sk__adj_del_rec(sk_txn *t, sk_id entity, const uint8_t *rec);

/* ---- spool.c: deferred, sorted index writes ---- */
#define SK_SPOOL_BUDGET ((size_t)256 << 20)
/* Spools one record (key K, data V) of DB, written at the next flush. */
int sk__spool_add(sk_txn *t, enum sk_db db, const void *k, size_t kl, const void *v,
                  size_t vl);
/* Writes every spooled record, sorted, appended where the database allows,
 * and ends bulk mode. Called by whatever reads or deletes index entries
 * (through sk__spool_settle) and at commit. */
int sk__spool_flush(sk_txn *t);
/* Flushes when DB (DB_COUNT: any database) has spooled records, or the
 * transaction is in bulk mode. */
int sk__spool_settle(sk_txn *t, enum sk_db db);
/* Frees the spools, their runs and the lookup tables (abort, commit). */
void sk__spool_discard(sk_txn *t);
/* Sorted runs written to disk so far in this transaction (bulk mode),
 * once the spill in progress has ended. */
size_t sk__spool_runs(sk_txn *t);

/* ---- lookup.c: what a transaction finds before its indexes are written ---- */
/* Bytes each table may take; past it the table is dropped and the spools
 * are flushed at the next look-up, which then searches the store. */
#define SK_LOOKUP_BUDGET ((size_t)256 << 20) /* a 2M-person load fits (links: 256 MiB) */
/* Bulk mode: natural key (etype, normalised key) of entity ID. */
int sk__keys_add(sk_txn *t, sk_sym etype, const char *key, size_t len, sk_id id);
/* SK_OK with *OUT, SK_ENOTFOUND, or an error reading the candidate. */
int sk__keys_find(sk_txn *t, sk_sym etype, const char *key, size_t len, sk_id *out);
/* Link L, whose adjacency is spooled, for sk_link_upsert. */
int sk__links_add(sk_txn *t, const sk_link *l);
int sk__links_find(sk_txn *t, sk_id src, sk_id dst, sk_sym ltype, uint8_t dir,
                   int64_t time, sk_id *out);
/* Before a look-up in the store: flushes the spools when the table of T
 * that would have answered (keys, links) was dropped at its budget, so
 * that the store holds everything. */
int sk__lookup_settle(sk_txn *t, const sk_idtab *tab);
void sk__idtab_free(sk_idtab *tab);

/* ---- linkfilter.c: which links may exist, to skip duplicate searches ---- */
enum { SK_LF_ABSENT, SK_LF_MAYBE, SK_LF_UNCOVERED };
/* Whether ENTITY may have record REC (its link id ignored): SK_LF_ABSENT
 * (exact), SK_LF_MAYBE (search), or SK_LF_UNCOVERED: search all of the
 * entity's stored records, passing each to sk__lf_cover_add, then call
 * sk__lf_cover_done. */
int sk__lf_check(sk_txn *t, sk_id entity, const uint8_t *rec);
void sk__lf_cover_add(sk_txn *t, sk_id entity, const uint8_t *rec);
void sk__lf_cover_done(sk_txn *t, sk_id entity);
/* Notes adjacency record REC of ENTITY, added in this transaction; END:
 * 0 at the link's source, 1 at its target. */
void sk__lf_note(sk_txn *t, sk_id entity, const uint8_t *rec, unsigned end);
/* The link made in this transaction that ENTITY's record REC stands for:
 * *KNOWN says whether the filter can tell (then SK_OK with *LINK, or
 * SK_ENOTFOUND); an error reading a candidate is returned as it is. */
int sk__lf_find(sk_txn *t, sk_id entity, const uint8_t *rec, bool *known, sk_id *link);
void sk__lf_free(sk_txn *t);

/* ---- linkrec.c: link records, 64 to a bucket ---- */
/* A stored bucket, parsed: which slots are present and where they end. */
typedef struct sk_lbkt {
    uint64_t bits;               /* bit i: link 64·bucket + i is present */
    unsigned w, n;               /* width of an end offset; records present */
    const uint8_t *ends, *recs;  /* the end offsets; the records */
    size_t size;                 /* bytes of the records */
} sk_lbkt;
/* SK_OK, or SK_ECORRUPT when P, N is not a well-formed bucket. */
int sk__lbkt_parse(sk_lbkt *b, const uint8_t *p, size_t n);
/* The record of SLOT (borrowed from the bucket); SK_ENOTFOUND if absent. */
int sk__lbkt_rec(const sk_lbkt *b, unsigned slot, const uint8_t **p, size_t *n);
/* The record of link ID. It is borrowed until the next write of the
 * transaction; *PENDING says it lives in the transaction's own memory (a
 * bucket not yet written) rather than in the map. */
int sk__linkrec_get(sk_txn *t, sk_id id, const uint8_t **p, size_t *n, bool *pending);
/* Creates or replaces the record of link ID (copied). */
int sk__linkrec_put(sk_txn *t, sk_id id, const uint8_t *p, size_t n);
/* Removes the record of link ID; SK_ENOTFOUND if there is none. */
int sk__linkrec_del(sk_txn *t, sk_id id);
/* Writes the pending bucket: before the link database is read as a whole
 * (scans, counts) and at commit. */
int sk__linkrec_settle(sk_txn *t);
void sk__linkrec_free(sk_txn *t);

/* ---- codec.c: record encodings ---- */
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
/* Only the type and the normalised key (borrowed from the record). */
int sk__decode_entity_key(const uint8_t *p, size_t n, sk_sym *type, const char **key,
                          size_t *len);
int sk__encode_link(sk_buf *b, const sk_link *l);
int sk__decode_link(const uint8_t *p, size_t n, sk_arena *a, sk_link *l);
/* Only ends, type, direction and times: no properties, no assertions. */
int sk__decode_link_head(const uint8_t *p, size_t n, sk_link *l);
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
/* Forgets that entity ID exists (its record is being deleted). */
void sk__ent_seen_clear(sk_txn *t, sk_id id);
/* Writes the record of L as it is (adjacency is the caller's business). */
int sk__put_link(sk_txn *t, const sk_link *l);

/* ---- store.c ---- */
extern const char *const sk__db_names[DB_COUNT];
/* Opens the environment again after the file was replaced (compaction). */
int sk__store_reopen(sk_store *s);

/* ---- labelsnap.c ---- */
/* Increments the meta counter "label_version" (at commit, when T changed
 * a label index entry). */
int sk__label_version_bump(sk_txn *t);
/* Drops the handle's references to its snapshots (close, reopen). */
void sk__label_snaps_drop(sk_store *s);

/* ---- meta.c ---- */
int sk__meta_init(sk_txn *t);
int sk__meta_check(sk_txn *t, char *errbuf, size_t errlen);
int sk__counters_load(sk_txn *t);
int sk__counters_save(sk_txn *t);
/* Adds DELTA to the link count of LTYPE (flushed at commit). */
int sk__ltype_count(sk_txn *t, sk_sym ltype, int64_t delta);
/* Stored link count of LTYPE (as of the last commit plus this txn). */
uint64_t sk__ltype_total(sk_txn *t, sk_sym ltype);
/* Links in the case: the per-type counts summed. */
int sk__link_total(sk_txn *t, uint64_t *out);

#endif /* SK_STORE_INT_H */
