/*
 * store.h — the skein case store (core/), the one public header of core.
 *
 * A case is one LMDB environment (a single file plus its "-lock" file)
 * holding entities, links, sources and their indexes. Everything that reads
 * or writes goes through a transaction: any number of read transactions
 * (also in other processes) run beside at most one write transaction, and a
 * write transaction commits all of its changes or none.
 *
 * Conventions of this API
 * - Functions return an int status: SK_OK (0) or a negative SK_E* code.
 *   The human-readable message of the last failure lives in the handle:
 *   sk_txn_errmsg() / sk_store_errmsg(); sk_strerror() names a code.
 * - A write transaction that fails is poisoned: every later call on it
 *   returns SK_EPOISONED until it is aborted, so a half-applied change (an
 *   entity without its index entry) can never commit. Validation failures
 *   (SK_EINVAL, SK_EPARSE, SK_ELIMIT, SK_ENOTFOUND, SK_EEXISTS) are found
 *   before anything is written and do not poison.
 * - Ownership: pointers returned inside sk_entity, sk_link, sk_source and
 *   sk_value are BORROWED. Strings may point straight into the memory map
 *   and die when the transaction ends; arrays are allocated in the sk_arena
 *   the caller passed and die when that arena is reset or freed.
 *   Nothing returned through this header is freed by the caller except
 *   the handles, each with its named close/free function.
 * - Names (entity types, link types, property names) are interned to small
 *   integers (sk_sym). Type and link-type names are case-folded; property
 *   names are kept as written.
 * - Times are seconds since 1970-01-01 UTC (int64) with the offset from UTC,
 *   in minutes, that the original data carried.
 */
#ifndef SK_STORE_H
#define SK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Status codes --------------------------------------------------- */

enum sk_status {
    SK_OK = 0,
    SK_DONE = 1,          /* a cursor is exhausted (not an error) */
    SK_ENOTFOUND = -1,    /* no such entity, link, source, name or key */
    SK_EEXISTS = -2,      /* an item with that key already exists */
    SK_EMAPFULL = -3,     /* the map is full; sk_store_write grows and retries */
    SK_EPARSE = -4,       /* text could not be parsed (query, spec, value) */
    SK_EINVAL = -5,       /* an argument or value is invalid */
    SK_EIO = -6,          /* an operating-system I/O error */
    SK_ENOMEM = -7,       /* out of memory */
    SK_EVERSION = -8,     /* the case was written by a newer skein */
    SK_ENOTCASE = -9,     /* the file is not a skein case */
    SK_EBUSY = -10,       /* another process holds the write lock */
    SK_ELIMIT = -11,      /* a declared limit was reached (limits.h) */
    SK_EPOISONED = -12,   /* the write transaction failed earlier */
    SK_EREADONLY = -13,   /* write on a read-only case or transaction */
    SK_ECANCELLED = -14,  /* the operation was cancelled (Ctrl-C) */
    SK_EDISKFULL = -15,   /* no space left (or file size limit) */
    SK_EACCESS = -16,     /* permission denied or not cleared */
    SK_EAMBIGUOUS = -17,  /* a reference matches more than one entity */
    SK_ECORRUPT = -18,    /* stored data failed a consistency check */
};

/* Static English name of a status code; never NULL. */
const char *sk_strerror(int code);

/* ---- Basic types ---------------------------------------------------- */

typedef uint64_t sk_id;   /* entity or link id; 0 means none */
typedef uint32_t sk_sym;  /* interned name; 0 means none */
typedef uint32_t sk_srcid; /* source id; 0 means none */

#define SK_NO_TIME INT64_MIN /* "this link has no time" */

typedef enum sk_vtype {
    SK_V_NULL = 0,
    SK_V_STR,   /* u.str */
    SK_V_INT,   /* u.i */
    SK_V_REAL,  /* u.r */
    SK_V_TIME,  /* u.time */
    SK_V_GEO,   /* u.geo */
    SK_V_BOOL,  /* u.b */
    SK_V_ID,    /* u.i: an entity id (printed #123); used in results */
} sk_vtype;

/* A typed value. A string is NOT NUL-terminated in general: use len. */
typedef struct sk_value {
    sk_vtype type;
    union {
        struct { const char *ptr; size_t len; } str;
        int64_t i;
        double r;
        bool b;
        struct { int64_t t; int16_t off_min; } time; /* UTC seconds, original offset */
        struct { double lat, lon; } geo;
    } u;
} sk_value;

typedef struct sk_prop {
    sk_sym name;   /* interned property name (SK_DICT_PROP) */
    sk_value value;
} sk_prop;

/* One source's assertion of an entity or link, with the grading that
 * source gave it (0 = the source's own default grading). */
typedef struct sk_assert {
    sk_srcid source;
    sk_sym grade;  /* interned grading code (SK_DICT_GRADE), e.g. "B24" */
} sk_assert;

/* A decoded entity. See the ownership note at the top of this file. */
typedef struct sk_entity {
    sk_id id;
    sk_sym type;
    const char *key;   size_t key_len;   /* normalised natural key, may be "" */
    const char *label; size_t label_len; /* display label */
    const sk_prop *props;    size_t nprops;
    const sk_assert *asserts; size_t nasserts;
} sk_entity;

enum sk_dir {
    SK_DIR_OUT = 1,  /* the link leaves this entity (directed) */
    SK_DIR_IN = 2,   /* the link arrives at this entity (directed) */
    SK_DIR_UNDIR = 4, /* undirected link */
    SK_DIR_ANY = 7,
};

/* A decoded link. */
typedef struct sk_link {
    sk_id id;
    sk_id src, dst;
    sk_sym type;
    bool directed;
    int64_t t_start;   /* SK_NO_TIME when the link has no time */
    int64_t t_end;     /* == t_start for an instant */
    int16_t t_off;     /* original UTC offset in minutes */
    double weight;     /* 1.0 unless given */
    const sk_prop *props;     size_t nprops;
    const sk_assert *asserts; size_t nasserts;
} sk_link;

/* A source: one import or one manual entry. */
typedef struct sk_source {
    sk_srcid id;
    const char *name;       /* file name or "manual" */
    uint8_t sha256[32];     /* of the file (all zero for manual entry) */
    uint64_t size;          /* bytes */
    int64_t time;           /* when it was recorded, UTC seconds */
    const char *user;
    sk_sym grade;           /* default grading of what it asserts */
    sk_sym handling;        /* handling code (SK_DICT_GRADE), 0 = from grade */
    const char *note;
} sk_source;

/* ---- Arena: per-statement memory, freed in one call ------------------ */

typedef struct sk_arena sk_arena;
sk_arena *sk_arena_new(void);                  /* NULL on ENOMEM */
void *sk_arena_alloc(sk_arena *a, size_t n);   /* 16-aligned, NULL on ENOMEM */
char *sk_arena_strndup(sk_arena *a, const char *s, size_t n); /* NUL-terminated */
void sk_arena_reset(sk_arena *a);              /* frees all but the first block */
void sk_arena_free(sk_arena *a);               /* NULL is fine */
size_t sk_arena_used(const sk_arena *a);       /* bytes handed out */

/* ---- Large tables (hugemem.c) ----------------------------------------- */

/* N bytes for a table read at random (hash tables of millions of items),
 * zeroed; NULL on ENOMEM. From 2 MiB up the table is mapped by itself,
 * aligned to and advised as huge pages (a hint the kernel may ignore): a
 * lookup in a table of hundreds of megabytes in 4 KiB pages also misses
 * the TLB. Its pages take memory as they are first written. Freed with
 * sk_table_free, given the same N. */
void *sk_table_alloc(size_t n);
void sk_table_free(void *p, size_t n);      /* NULL is fine */

/* ---- Store and transactions ----------------------------------------- */

typedef struct sk_store sk_store;
typedef struct sk_txn sk_txn;

enum sk_open_flags {
    SK_OPEN_CREATE = 1,   /* create the case if absent */
    SK_OPEN_RDONLY = 2,   /* never write */
};

typedef struct sk_open_opts {
    unsigned flags;          /* SK_OPEN_* */
    size_t map_size;         /* initial map size in bytes; 0 = default */
    int write_wait_ms;       /* how long a writer waits for another process's
                                write lock: 0 = default (10 s), <0 = not at all */
} sk_open_opts;

/* Opens (or creates) the case at PATH. On failure returns a code and, when
 * ERRBUF is not NULL, writes a message naming the path and the reason.
 * The caller closes the store with sk_store_close. */
int sk_store_open(const char *path, const sk_open_opts *opts, sk_store **out,
                  char *errbuf, size_t errlen);
void sk_store_close(sk_store *s);           /* NULL is fine */
const char *sk_store_path(const sk_store *s);
const char *sk_store_errmsg(const sk_store *s);
/* Bytes the case file occupies on disk. */
uint64_t sk_store_file_size(const sk_store *s);

/* Begins a transaction. Only one write transaction per store at a time;
 * a write transaction takes the case's write lock (waiting up to
 * write_wait_ms for another process), SK_EBUSY when it cannot. */
int sk_txn_begin(sk_store *s, bool write, sk_txn **out);
/* Commits a write transaction (or ends a read one) and frees the handle.
 * On failure the changes are discarded and the handle is freed as well. */
int sk_txn_commit(sk_txn *t);
void sk_txn_abort(sk_txn *t);               /* NULL is fine */
const char *sk_txn_errmsg(const sk_txn *t);
sk_store *sk_txn_store(sk_txn *t);
bool sk_txn_writable(const sk_txn *t);
/* Puts write transaction T, begun on an empty case (no entities, no
 * links; names, sources and settings may exist), into bulk mode for a
 * large load: entity and link records are written as they come, but every
 * index entry (adjacency, time, type, key, property) is kept back, sorted,
 * and appended at commit, so each page is written once and filled
 * completely. Everything still works in bulk mode — key lookups
 * (sk_entity_by_key, _create, _upsert) and sk_link_upsert see what this
 * transaction created — and the first operation that needs the indexes
 * complete (an adjacency cursor, a scan, a statistic, a delete, a merge, a
 * changed property) writes them out and ends bulk mode. Memory stays near
 * a fixed budget (256 MiB): beyond it, sorted runs go to a temporary file
 * beside the case, merged at commit. Abort leaves the case empty.
 * SK_EINVAL (with a message) when the case is not empty. See
 * docs/storage.md. */
int sk_txn_bulk(sk_txn *t);
/* Sets the message of T (printf-style) and returns CODE; a write
 * transaction is poisoned when CODE is an error. Lets callers above core add
 * context while passing the code up unchanged. */
int sk_txn_fail(sk_txn *t, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Grows the map (address space, not disk) so that about BYTES more than
 * the case holds now fit without sk_store_write running its function
 * again: a large import that starts on the default map would otherwise
 * be aborted and restarted at each doubling, up to twice its time. Only
 * with no transaction open in this process (SK_EBUSY otherwise); SK_OK
 * without a change on a read-only case or when the map is large enough. */
int sk_store_reserve(sk_store *s, uint64_t bytes);

/* Runs FN in a write transaction and commits. When the map fills, the
 * transaction is aborted, the map doubled and FN run again from the start
 * (so FN must be repeatable: it must not consume input it cannot re-read).
 * FN returns SK_OK to commit, anything else to abort with that code.
 * On failure the message is in sk_store_errmsg. */
typedef int (*sk_write_fn)(sk_txn *t, void *ctx);
int sk_store_write(sk_store *s, sk_write_fn fn, void *ctx);

/* ---- Names ----------------------------------------------------------- */

enum sk_dict {
    SK_DICT_ETYPE = 1,  /* entity types: person, vehicle, … (case-folded) */
    SK_DICT_LTYPE = 2,  /* link types: knows, owns, … (case-folded) */
    SK_DICT_PROP = 3,   /* property names (as written) */
    SK_DICT_GRADE = 4,  /* grading and handling codes (as written) */
};

/* Looks NAME up in DICT; with CREATE (write txn) adds it when absent.
 * SK_ENOTFOUND when absent and not created. */
int sk_name_intern(sk_txn *t, enum sk_dict dict, const char *name, size_t len,
                   bool create, sk_sym *out);
/* Name of SYM; borrowed, lives until the transaction ends. */
int sk_name_get(sk_txn *t, enum sk_dict dict, sk_sym sym, const char **name,
                size_t *len);
/* Calls FN for every name of DICT in name order; FN returns non-zero to stop. */
typedef int (*sk_name_fn)(const char *name, size_t len, sk_sym sym, void *ctx);
int sk_name_each(sk_txn *t, enum sk_dict dict, sk_name_fn fn, void *ctx);

/* ---- Key normalisation (normalise.c) --------------------------------- */

/* The rule that turns a raw natural key into the stored key. */
typedef enum sk_keykind {
    SK_KEY_TEXT = 0,   /* NFKC case-fold, whitespace collapsed (default) */
    SK_KEY_NAME,       /* person names: as TEXT, punctuation other than - ' removed */
    SK_KEY_PHONE,      /* international digits, e.g. "447700900123" */
    SK_KEY_PLATE,      /* upper-case A-Z0-9 only */
    SK_KEY_VIN,        /* 17 chars, upper-case, no I O Q */
    SK_KEY_EMAIL,      /* lower-case, trimmed, must contain one @ */
    SK_KEY_IBAN,       /* upper-case, no spaces, mod-97 check */
    SK_KEY_ACCOUNT,    /* digits and letters only, upper-case */
    SK_KEY_IMEI,       /* 15 digits with a valid Luhn check digit (14 accepted, digit added) */
    SK_KEY_POSTCODE,   /* upper-case, single space before the inward code (UK) */
    SK_KEY_EXACT,      /* bytes as given (ids from other systems) */
} sk_keykind;

/* The key rule used for an entity type name ("phone" → SK_KEY_PHONE,
 * "vehicle" → SK_KEY_PLATE, …; unknown types → SK_KEY_TEXT). */
sk_keykind sk_keykind_for_type(const char *type, size_t len);
const char *sk_keykind_name(sk_keykind k);

/* Normalises IN (UTF-8, LEN bytes) by rule K into OUT (a NUL-terminated
 * string of at most OUTCAP-1 bytes). DEFAULT_CC is the country calling code
 * used to make national phone numbers international ("44"); NULL for none.
 * Returns the output length, or SK_EINVAL when the input is not a valid key
 * of that kind (bad UTF-8, failed check digit, no digits …), SK_ELIMIT when
 * OUTCAP is too small. */
int sk_key_normalise(sk_keykind k, const char *in, size_t len,
                     const char *default_cc, char *out, size_t outcap);

/* Normalised text for indexes and comparisons: NFKC case-fold, whitespace
 * collapsed and trimmed. Same return convention as sk_key_normalise. */
int sk_text_fold(const char *in, size_t len, char *out, size_t outcap);

/* ---- Gradings (grading.c) -------------------------------------------- */

/* A grading scale is data: a text definition names its components and the
 * meaning and numeric reliability of each code; see docs/gradings.md.
 * Built-in: "5x5x5" (B24), "3x5x2" (1A P), "admiralty" (B2). */
typedef struct sk_scale sk_scale;

/* Parses a scale definition (TEXT, LEN bytes). On error returns SK_EPARSE
 * and writes "line:col: reason" into ERRBUF. Free with sk_scale_free. */
int sk_scale_parse(const char *text, size_t len, sk_scale **out,
                   char *errbuf, size_t errlen);
/* A built-in scale by name, or NULL. The caller frees it. */
sk_scale *sk_scale_builtin(const char *name);
void sk_scale_free(sk_scale *s);
const char *sk_scale_name(const sk_scale *s);

/* A parsed grading code. */
typedef struct sk_grade {
    char code[16];        /* canonical spelling, e.g. "B24" or "1A P" */
    double reliability;   /* 0..1, product of the components' reliabilities */
    int handling;         /* handling level: 0 = none given; higher = more restricted */
    bool no_dissemination; /* the handling code forbids further dissemination */
} sk_grade;

/* Parses CODE in scale S (case-insensitive, spaces tolerated).
 * SK_EINVAL with a message in ERRBUF naming the component that is wrong. */
int sk_grade_parse(const sk_scale *s, const char *code, sk_grade *out,
                   char *errbuf, size_t errlen);
/* Meaning of each component of a parsed grade, one line each, into BUF. */
int sk_grade_describe(const sk_scale *s, const sk_grade *g, char *buf, size_t cap);

/* ---- Entities -------------------------------------------------------- */

/* What to write for an entity. KEY is the raw key (normalised here by the
 * type's rule and the case's default country code); NULL or "" = no key.
 * LABEL NULL = use the raw key. */
typedef struct sk_entity_in {
    sk_sym type;
    const char *key;
    const char *label;
    const sk_prop *props; size_t nprops;
    sk_assert assert;   /* the source asserting it; source 0 = none */
} sk_entity_in;

/* Creates a new entity; SK_EEXISTS (and *out set to it) when an entity of
 * that type with the same normalised key exists. */
int sk_entity_create(sk_txn *t, const sk_entity_in *in, sk_id *out);
/* Resolves by normalised key or creates. When it exists, the source is
 * added to its assertions, missing properties are added (existing ones are
 * kept), and *created is false. */
int sk_entity_upsert(sk_txn *t, const sk_entity_in *in, sk_id *out, bool *created);
/* Adds AS to existing entity ID's assertions unless it is there already
 * (what sk_entity_upsert does for an entity it finds, without resolving a
 * key). SK_ENOTFOUND when there is no such entity. */
int sk_entity_assert(sk_txn *t, sk_id id, const sk_assert *as);
/* Reads entity ID; arrays are allocated in A. */
int sk_entity_get(sk_txn *t, sk_id id, sk_arena *a, sk_entity *out);
bool sk_entity_exists(sk_txn *t, sk_id id);
/* Whether entity ID was created by write transaction T (ids only grow, so
 * these are the ids from T's first on). False for a read transaction. */
bool sk_txn_made(const sk_txn *t, sk_id id);
/* Type of entity ID, read without decoding the rest of the record. */
int sk_entity_type(sk_txn *t, sk_id id, sk_sym *out);
/* Sets (or with value type SK_V_NULL removes) one property. */
int sk_entity_set_prop(sk_txn *t, sk_id id, sk_sym prop, const sk_value *v);
int sk_entity_set_label(sk_txn *t, sk_id id, const char *label);
/* Deletes the entity, every link it has and every index entry of both. */
int sk_entity_delete(sk_txn *t, sk_id id);
/* Finds by type and raw key (normalised here). */
int sk_entity_by_key(sk_txn *t, sk_sym type, const char *rawkey, size_t len, sk_id *out);
/* Normalises RAWKEY as the store would for TYPE (for display and lookups). */
int sk_entity_normkey(sk_txn *t, sk_sym type, const char *rawkey, size_t len,
                      char *out, size_t outcap);

/* ---- Links ----------------------------------------------------------- */

typedef struct sk_link_in {
    sk_id src, dst;
    sk_sym type;
    bool directed;
    int64_t t_start, t_end;  /* SK_NO_TIME for none; t_end = t_start for an instant */
    int16_t t_off;
    double weight;           /* 0 means 1.0 */
    const sk_prop *props; size_t nprops;
    sk_assert assert;
} sk_link_in;

int sk_link_create(sk_txn *t, const sk_link_in *in, sk_id *out);
/* Finds a link with the same ends, type, direction and time; when one
 * exists adds the assertion to it (*created false), otherwise creates it. */
int sk_link_upsert(sk_txn *t, const sk_link_in *in, sk_id *out, bool *created);
int sk_link_get(sk_txn *t, sk_id id, sk_arena *a, sk_link *out);
int sk_link_set_prop(sk_txn *t, sk_id id, sk_sym prop, const sk_value *v);
int sk_link_delete(sk_txn *t, sk_id id);

/* ---- Adjacency: the traversal primitive ------------------------------ */

/* One adjacency entry, decoded from a fixed-size record with no link
 * record read. */
typedef struct sk_adj {
    sk_id nb;        /* the entity at the other end */
    sk_id link;      /* the link */
    sk_sym ltype;    /* link type */
    uint8_t dir;     /* SK_DIR_OUT, SK_DIR_IN or SK_DIR_UNDIR, seen from the entity */
    int64_t time;    /* link start time, SK_NO_TIME when none */
} sk_adj;

typedef struct sk_adjcur sk_adjcur;
/* Opens a cursor over the links of ENTITY, of link type LTYPE (0 = every
 * type) whose direction is in DIRMASK (SK_DIR_*). Entries come ordered by
 * link type, then direction, then neighbour id. Close with sk_adj_close
 * before the transaction ends. */
int sk_adj_open(sk_txn *t, sk_id entity, sk_sym ltype, unsigned dirmask, sk_adjcur **out);
/* Re-points an open cursor at another entity (cheaper than close + open:
 * traversals keep one cursor and seek it for every entity they visit). */
int sk_adj_seek(sk_adjcur *c, sk_id entity, sk_sym ltype, unsigned dirmask);
/* SK_OK with *out filled, SK_DONE at the end, or an error. */
int sk_adj_next(sk_adjcur *c, sk_adj *out);
void sk_adj_close(sk_adjcur *c);
/* Number of adjacency entries of ENTITY (all types and directions), cheap. */
int sk_adj_degree(sk_txn *t, sk_id entity, uint64_t *out);

/* ---- Scans ----------------------------------------------------------- */

typedef struct sk_idcur sk_idcur;
/* Ids of every entity of TYPE (0 = every entity), in id order. */
int sk_scan_type(sk_txn *t, sk_sym type, sk_idcur **out);
/* Links whose start time lies in [FROM, TO] (inclusive), in time order. */
int sk_scan_time(sk_txn *t, int64_t from, int64_t to, sk_idcur **out);
/* Every link id, in id order. */
int sk_scan_links(sk_txn *t, sk_idcur **out);
/* Entities of TYPE (0 = any) whose property PROP (0 = the label) folded
 * by sk_text_fold equals VALUE (PREFIX false) or starts with it (PREFIX
 * true). VALUE is folded here. Only string properties are indexed. */
int sk_scan_prop(sk_txn *t, sk_sym type, sk_sym prop, const char *value, size_t len,
                 bool prefix, sk_idcur **out);
/* SK_OK with *id filled, SK_DONE at the end. */
int sk_idcur_next(sk_idcur *c, sk_id *id);
/* For sk_scan_prop: the indexed (folded) text of the current entry;
 * borrowed until the next call. */
int sk_idcur_text(sk_idcur *c, const char **s, size_t *len);
void sk_idcur_close(sk_idcur *c);

/* ---- Label snapshots (labelsnap.c) ------------------------------------ */

/* An in-memory copy of the label entries of the property index for one
 * entity type: (id, folded label) pairs in the index's order (folded text
 * by memcmp, then id), so a scan of every label runs over packed memory
 * instead of an LMDB cursor. The store handle keeps one per type and
 * reuses it while the case's labels are unchanged: every commit that adds
 * or removes a label entry increments the meta counter "label_version",
 * and a snapshot whose version differs from the one a transaction sees is
 * rebuilt (so changes made by other handles and processes are seen too).
 * The first use after a change pays for the build, about one index walk. */
typedef struct sk_label_snap sk_label_snap;

/* Largest snapshot kept (ids, offsets and text); a larger type has none. */
#define SK_LABEL_SNAP_MAX ((size_t)256 << 20)

/* Entry i has id id[i] and folded text text + off[i], off[i + 1] - off[i]
 * bytes (not NUL-terminated). Borrowed from the snapshot. */
typedef struct sk_label_view {
    size_t n;
    const sk_id *id;
    const uint32_t *off;   /* n + 1 offsets */
    const char *text;
} sk_label_view;

/* The snapshot of TYPE (non-zero) as T sees the case; *OUT holds a
 * reference the caller gives back with sk_label_snap_release (before
 * closing the store). SK_ENOTFOUND when there is none to give: T itself
 * changed labels not yet committed, the type's labels exceed
 * SK_LABEL_SNAP_MAX, or memory is short; the caller then reads the index
 * (sk_scan_prop). */
int sk_label_snapshot(sk_txn *t, sk_sym type, sk_label_snap **out);
void sk_label_snap_view(const sk_label_snap *s, sk_label_view *out);
/* The entries [*LO, *HI) whose text starts with PREFIX (folded here, as
 * sk_scan_prop does); PREFIX "" gives every entry. */
int sk_label_snap_range(const sk_label_snap *s, const char *prefix, size_t len,
                        size_t *lo, size_t *hi);
void sk_label_snap_release(sk_label_snap *s);

/* ---- Sources --------------------------------------------------------- */

/* Adds a source; fills in->id. SK_EEXISTS (and in->id of the existing
 * one) when a source with the same non-zero SHA-256 exists. */
int sk_source_add(sk_txn *t, sk_source *in);
int sk_source_get(sk_txn *t, sk_srcid id, sk_arena *a, sk_source *out);
int sk_source_by_hash(sk_txn *t, const uint8_t sha256[32], sk_srcid *out);
/* Calls FN for each source in id order; FN returns non-zero to stop. */
typedef int (*sk_source_fn)(const sk_source *s, void *ctx);
int sk_source_each(sk_txn *t, sk_arena *a, sk_source_fn fn, void *ctx);
/* SHA-256 of a whole file (streamed). */
int sk_sha256_file(const char *path, uint8_t out[32], uint64_t *size,
                   char *errbuf, size_t errlen);
/* SHA-256 of a buffer. */
void sk_sha256(const void *data, size_t len, uint8_t out[32]);

/* ---- Case settings and statistics ----------------------------------- */

/* Case-wide settings kept in the metadata (strings). Known keys:
 * "scale" (grading scale name, default "5x5x5"), "scale_def" (the text of
 * a custom scale, docs/gradings.md; it wins over "scale"), "country_code"
 * (default "44"). A changed scale takes effect when the case is next
 * opened. */
int sk_meta_get(sk_txn *t, const char *key, const char **val, size_t *len);
int sk_meta_set(sk_txn *t, const char *key, const char *val);
/* The grading scale of the case (owned by the store, valid until close). */
const sk_scale *sk_store_scale(sk_store *s);

typedef struct sk_count {
    sk_sym sym;
    uint64_t n;
} sk_count;

typedef struct sk_stats {
    uint64_t entities, links, sources;
    sk_count *etypes; size_t n_etypes;   /* in arena */
    sk_count *ltypes; size_t n_ltypes;   /* in arena */
    uint64_t file_bytes;
    uint64_t used_bytes;                 /* pages in use */
} sk_stats;
int sk_stats_get(sk_txn *t, sk_arena *a, sk_stats *out);

/* Where the bytes of a case go: one database's B-tree. Pages of the
 * duplicate sub-trees of the adjacency and index databases are not
 * counted per database (LMDB does not say); they are the used pages that
 * no database claims. */
typedef struct sk_space {
    const char *name;        /* the database's name (static) */
    uint64_t entries;        /* records, duplicates counted */
    uint64_t pages;          /* branch, leaf and overflow pages of its tree */
    unsigned depth;          /* tree depth */
} sk_space;
typedef struct sk_space_total {
    uint64_t page_size;
    uint64_t used_pages;     /* pages in use (the file may hold more) */
    uint64_t free_pages;     /* pages on LMDB's free list: reusable, not returned
                                (read transactions only: 0 in a write one) */
    uint64_t db_pages;       /* pages the databases' trees claim */
} sk_space_total;
/* Fills OUT (room for CAP) with every database, *N with how many there
 * are (more than CAP: only CAP filled), and *TOTAL. */
int sk_store_space(sk_txn *t, sk_space *out, size_t cap, size_t *n, sk_space_total *total);

/* ---- Merge ----------------------------------------------------------- */

/* Merges entity FROM into INTO: every link of FROM is moved to INTO, FROM's
 * sources and the properties INTO lacks are added to INTO, FROM's key then
 * resolves to INTO, and FROM is removed. What is needed to undo it is kept
 * in the case, so sk_entity_unmerge restores both entities and every moved
 * link exactly as they were (the latest merge into INTO is undone first). */
int sk_entity_merge(sk_txn *t, sk_id from, sk_id into);
/* Undoes the latest merge into INTO; *restored gets the id brought back.
 * SK_ENOTFOUND when INTO has no merge to undo. */
int sk_entity_unmerge(sk_txn *t, sk_id into, sk_id *restored);

/* ---- Erasure (purge.c) ----------------------------------------------- */

/* Deletes entity ID with its links and index entries, drops merge records
 * that hold it, and erases the texts of audit entries that quote its label
 * or key (*ERASED gets how many). Follow with sk_store_compact after the
 * commit so no freed page keeps a copy. */
int sk_entity_purge(sk_txn *t, sk_id id, uint64_t *erased);
/* Rewrites the case file keeping only live pages (a compacting copy that
 * replaces the file; the store is reopened). Needs no transaction open in
 * this process; other processes should not have the case open. */
int sk_store_compact(sk_store *s);

/* ---- Audit log (audit.c) ------------------------------------------- */

/* What an entry records, in the categories of data-protection law for
 * police processing (e.g. UK DPA 2018 s.62). */
typedef enum sk_audit_category {
    SK_AUDIT_COLLECTION = 1,   /* import, manual entry */
    SK_AUDIT_ALTERATION = 2,   /* set, delete */
    SK_AUDIT_CONSULTATION = 3, /* every query and show */
    SK_AUDIT_DISCLOSURE = 4,   /* every export */
    SK_AUDIT_COMBINATION = 5,  /* merge, unmerge */
    SK_AUDIT_ERASURE = 6,      /* purge (metadata only, never the content) */
} sk_audit_category;

const char *sk_audit_category_name(sk_audit_category c);
int sk_audit_category_parse(const char *name, sk_audit_category *out);

/* One entry. Strings may be NULL when writing; when read they are "" or
 * text in the arena passed to sk_audit_each. */
typedef struct sk_audit_entry {
    uint64_t seq;               /* 1, 2, …; set when read */
    int64_t time;               /* UTC seconds */
    const char *user;
    sk_audit_category category;
    const char *action;         /* "import", "query", "export", "merge" … */
    const char *reason;         /* the justification given, if any */
    const char *target;         /* what was touched: ids, file, recipient */
    const char *query;          /* the statement text, for queries */
    uint64_t count;             /* results, rows imported, entities exported */
    const char *detail;         /* more: format, handling codes, … */
    bool erased;                /* query and reason texts were erased by a
                                   purge (their digests still verify) */
    uint8_t hash[32];           /* set when read */
} sk_audit_entry;

/* Appends E in transaction T (the one making the change it records).
 * *SEQ (may be NULL) gets its number. */
int sk_audit_append(sk_txn *t, const sk_audit_entry *e, uint64_t *seq);
/* Consultations are written in group commits (audit_queue.c): the entry
 * is copied into a queue on the store handle, and the queue is written and
 * synced in one transaction by sk_audit_flush, by the handle's next
 * sk_store_write (before its own changes), when its oldest entry is older
 * than SK_AUDIT_QUEUE_MS or it holds SK_AUDIT_QUEUE_MAX entries, and by
 * sk_store_close. An entry leaves the queue only when committed; a failed
 * write keeps it and returns the error. A process killed between a result
 * and the flush loses its queued entries: callers that must not lose one
 * (the case setting audit_sync) append in a transaction of their own. */
#define SK_AUDIT_QUEUE_MS 1000
#define SK_AUDIT_QUEUE_MAX 65536
int sk_audit_queue(sk_store *s, const sk_audit_entry *e);
int sk_audit_flush(sk_store *s);
size_t sk_audit_queued(const sk_store *s);
/* The login name of the process's user (who an entry names when no user
 * is given), looked up once per handle; owned by S. */
const char *sk_audit_login(sk_store *s);
/* Calls FN for each entry in order; FN returns non-zero to stop. */
typedef int (*sk_audit_fn)(const sk_audit_entry *e, void *ctx);
int sk_audit_each(sk_txn *t, sk_arena *a, sk_audit_fn fn, void *ctx);
/* Checks the hash chain. SK_OK with *ENTRIES counted, or SK_ECORRUPT with
 * *BAD_SEQ the first entry that was changed, removed or reordered and WHY
 * saying which. */
int sk_audit_verify(sk_txn *t, uint64_t *entries, uint64_t *bad_seq, char *why, size_t cap);
/* Erases the query and reason texts of every entry whose text contains
 * NEEDLE (folded like keys): a purge must not leave the purged content in
 * the log. The chain still verifies; *ERASED gets the count. */
int sk_audit_erase_text(sk_txn *t, const char *needle, uint64_t *erased);

#endif /* SK_STORE_H */
