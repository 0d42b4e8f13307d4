/*
 * import_int.h — what the files of import/ share; no other module includes it.
 *
 * The import is a pipeline:
 *   imp_input (decode.c)   bytes of a file → validated UTF-8 chunks (iconv)
 *   readers                chunks → records (imp_record: fields with line:col)
 *     csv.c                RFC 4180 rows
 *     neo4j.c              neo4j-admin headers on top of csv.c
 *     matrix.c             adjacency-matrix cells on top of csv.c
 *     xry.c                XRY key/value blocks
 *     ufdr.c               Cellebrite report.xml models (expat, raw bytes)
 *   spec_*.c               the mapping specification (parsed once, const)
 *   values.c, datetime.c,  field text → typed values
 *   tz.c
 *   map.c                  a record → checked entities and links (no writes)
 *   import.c               sources, the write transaction, rejects, summary
 * Every reader reports its errors as (line, column, message) so that the
 * import prints "file:line:column: reason". Records and their fields are
 * borrowed: they live until the next call on the reader.
 */
#ifndef SK_IMPORT_INT_H
#define SK_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "import.h"
#include "limits_import.h"
#include "store.h"

/* ---- Errors with a place ---------------------------------------------- */

/* A message with the place in the input it refers to (line 0 = the file as
 * a whole). Readers and the mapper fill one; import.c prefixes the file. */
typedef struct imp_err {
    uint64_t line;
    uint32_t col;
    char msg[480];
} imp_err;

/* An empty error, for the per-row paths: zeroing all of MSG for every row
 * cost a few per cent of an import's writing thread. */
#define IMP_ERR_EMPTY(e) ((e)->line = 0, (e)->col = 0, (e)->msg[0] = '\0')

int imp_err_set(imp_err *e, uint64_t line, uint32_t col, int code,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Writes at most CAP-1 bytes of S (LEN bytes) into OUT quoted for a message
 * ("'abc…'", control characters escaped) and returns OUT. */
const char *imp_quote(const char *s, size_t len, char *out, size_t cap);

/* ---- Input: bytes → UTF-8 (decode.c) --------------------------------- */

typedef enum imp_enc {
    IMP_ENC_AUTO = 0,  /* BOM decides, else UTF-8 */
    IMP_ENC_UTF8,
    IMP_ENC_OTHER,     /* through iconv, named in imp_input.enc_name */
} imp_enc;

typedef struct imp_input {
    int fd;
    const char *path;        /* borrowed */
    uint64_t size;           /* file size in bytes */
    uint64_t raw_done;       /* raw bytes consumed so far */
    char enc_name[32];       /* the encoding in use, for messages */
    bool use_iconv;
    void *cd;                /* iconv_t when use_iconv */
    unsigned char *raw;      /* raw chunk */
    size_t raw_len, raw_pos;
    char *out;               /* decoded chunk handed out */
    size_t out_cap;
    unsigned char carry[8];  /* incomplete UTF-8 sequence kept for the next chunk */
    size_t ncarry;
    bool eof;
    bool bom_done;
    int pending;             /* error to report on the next read (after the valid prefix) */
    char pending_msg[200];
    const char *req_enc;     /* requested encoding (borrowed), NULL = auto */
} imp_input;

/* Opens PATH for decoding from ENCODING (NULL or "auto": a BOM decides,
 * else UTF-8). Errors (missing file, unknown encoding, a directory) go into
 * E with line 0. */
int imp_input_open(imp_input *in, const char *path, const char *encoding, imp_err *e);
/* Back to the first byte (for a retried transaction). */
int imp_input_rewind(imp_input *in, imp_err *e);
/* The next chunk of valid UTF-8 without NUL bytes: *P, *N (borrowed until
 * the next call). SK_DONE at the end. An invalid byte sequence is reported
 * only after the valid bytes before it were handed out: SK_EPARSE with the
 * reason in E->msg (the caller knows the position). */
int imp_input_read(imp_input *in, const char **p, size_t *n, imp_err *e);
void imp_input_close(imp_input *in);

/* Validates UTF-8 in S[0..N): returns the length of the longest valid
 * prefix that ends on a character boundary; *BAD is set when an invalid
 * sequence (not merely a truncated one at the end) follows that prefix. */
size_t imp_utf8_valid_prefix(const unsigned char *s, size_t n, bool *bad);

/* ---- Records ------------------------------------------------------------ */

/* One field of a record: UTF-8 text (not NUL-terminated) and its place. */
typedef struct imp_field {
    const char *p;
    uint32_t n;
    uint32_t col;     /* 1-based column (characters) of its first character */
    uint64_t line;    /* line of its first character */
} imp_field;

/* A record: fields in column order, borrowed until the reader's next call. */
typedef struct imp_record {
    const imp_field *f;
    size_t n;
    uint64_t line;    /* line where the record starts */
} imp_record;

/* ---- CSV reader (csv.c) ------------------------------------------------- */

typedef struct imp_csv {
    imp_input *in;
    char delim;              /* 0 = sniff from the first line */
    char quote;              /* 0 = no quoting */
    const char *chunk;       /* current decoded chunk */
    size_t clen, cpos;
    bool at_eof;
    uint64_t line;           /* place of the next character */
    uint32_t col;
    bool after_cr;           /* the last character was CR (CRLF counts once) */
    char *buf;               /* bytes of the record being built */
    size_t blen, bcap;
    imp_field *fields;
    size_t nfields, fcap;
    uint64_t records;        /* records returned so far */
} imp_csv;

void imp_csv_init(imp_csv *c, imp_input *in, char delim, char quote);
/* Back to the start (after imp_input_rewind). */
void imp_csv_reset(imp_csv *c);
/* Next record: SK_OK, SK_DONE at the end, or SK_EPARSE / SK_ELIMIT with
 * the place and reason in E. Blank lines are skipped. */
int imp_csv_next(imp_csv *c, imp_record *rec, imp_err *e);
void imp_csv_free(imp_csv *c);
/* The delimiter most frequent outside quotes in the first line of S. */
char imp_csv_sniff(const char *s, size_t n, char quote);


/* ---- Time zones (tz.c) ------------------------------------------------ */

/* A time zone: a fixed offset, or the rules of an IANA zone read from its
 * TZif file (never the host's TZ setting). Immutable once loaded. */
typedef struct imp_tz imp_tz;

/* Loads NAME: "UTC", "Z", a fixed offset ("+01:00", "-0530", "UTC+1") or
 * an IANA name ("Europe/London") from $TZDIR or /usr/share/zoneinfo.
 * SK_ENOTFOUND / SK_EPARSE with a message in ERR. Free with imp_tz_free. */
int imp_tz_load(const char *name, imp_tz **out, char *err, size_t errlen);
void imp_tz_free(imp_tz *tz);
const char *imp_tz_name(const imp_tz *tz);
/* Offset from UTC in seconds at UTC time T. */
int32_t imp_tz_offset_utc(const imp_tz *tz, int64_t t);
/* UTC time of local wall-clock time LOCAL (seconds as if UTC). In a gap
 * (clocks forward) the offset before the change is used; when ambiguous
 * (clocks back) the earlier instant. *OFF gets the offset used. */
int64_t imp_tz_local_to_utc(const imp_tz *tz, int64_t local, int32_t *off);

/* ---- Date and time parsing (datetime.c) ------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t imp_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The result of parsing a date or time. */
typedef struct imp_time {
    int64_t t;        /* UTC seconds */
    int32_t off;      /* the offset the text carried or the zone gave, seconds */
} imp_time;

/* Checks a strptime-like format ("%d/%m/%Y %H:%M") or one of the names
 * "iso", "epoch", "epoch-ms". Returns NULL when fine, else what is wrong. */
const char *imp_time_format_check(const char *fmt);
/* Parses S (LEN bytes) by FMT; when the text has no offset, TZ gives it.
 * Returns SK_OK or SK_EPARSE. Surrounding blanks and one pair of
 * surrounding double quotes are ignored. */
int imp_time_parse(const char *s, size_t len, const char *fmt, const imp_tz *tz,
                   imp_time *out);
/* As imp_time_parse, returning SK_EINVAL (not SK_EPARSE) when the text
 * matched but carries no offset and TZ is NULL. */
/* A duration: a number ("93", "93.5", in the caller's unit: *CLOCK false)
 * or a clock ("1:33", "00:01:33.609": *CLOCK true). *OUT is the number
 * times 1000 (milliseconds for a clock). SK_EPARSE when neither. */
int imp_duration_parse(const char *s, size_t len, int64_t *out, bool *clock);

/* ---- Numbers (values.c) ------------------------------------------------- */

typedef struct imp_numfmt {
    char decimal;      /* '.' or ',' */
    char thousands;    /* 0 = none, or ',', '.', ' ', '\'' */
    bool inverted;     /* amounts: positive means money out */
} imp_numfmt;

int imp_parse_int(const char *s, size_t len, const imp_numfmt *nf, int64_t *out);
int imp_parse_real(const char *s, size_t len, const imp_numfmt *nf, double *out);
/* An amount: as a real, also "(12.50)", "12.50-", "12.50 DR" / "CR", and a
 * leading currency symbol; the sign flipped when NF->inverted. */
int imp_parse_amount(const char *s, size_t len, const imp_numfmt *nf, double *out);
int imp_parse_bool(const char *s, size_t len, bool *out);
/* S without surrounding blanks (spaces, tabs, NBSP). */
void imp_trim(const char **s, size_t *len);


/* ---- Hash map: bytes → uint64, and a set of ids (hmap.c) ---------------- */

/* A key of up to IMP_HKEY_INLINE bytes lives in its slot (one memory
 * read finds and checks it); a longer one in the map's key buffer. */
#define IMP_HKEY_INLINE 15
typedef struct imp_hslot {
    uint64_t hash;        /* 0 = empty */
    uint64_t val;
    uint8_t len;          /* key length, or IMP_HKEY_LONG */
    char key[IMP_HKEY_INLINE]; /* the key; when long, offset(4) and length(4)
                                  of its bytes in the key buffer */
} imp_hslot;
#define IMP_HKEY_LONG 0xFF

typedef struct imp_hmap {
    imp_hslot *slots;
    size_t cap, n;        /* cap is a power of two */
    char *keys;
    size_t klen, kcap;
} imp_hmap;

void imp_hmap_init(imp_hmap *m);
void imp_hmap_free(imp_hmap *m);
void imp_hmap_clear(imp_hmap *m);
bool imp_hmap_get(const imp_hmap *m, const void *k, size_t n, uint64_t *val);
int imp_hmap_put(imp_hmap *m, const void *k, size_t n, uint64_t val);
/* The hash the two above use (never 0). A caller may hash its keys its own
 * way, on another thread, and use the _h forms below: one map must then be
 * used through them only, with the hash always computed the same way. */
uint64_t imp_hmap_hash(const void *k, size_t n);
bool imp_hmap_get_h(const imp_hmap *m, uint64_t h, const void *k, size_t n, uint64_t *val);
int imp_hmap_put_h(imp_hmap *m, uint64_t h, const void *k, size_t n, uint64_t val);
/* Asks the CPU to fetch the slot where a key of hash H would be, so that a
 * lookup a little later does not wait for memory. Changes nothing. */
void imp_hmap_prefetch_h(const imp_hmap *m, uint64_t h);
/* Bytes of memory the map holds (slots and key bytes), and would hold
 * after adding a new key of N bytes. */
size_t imp_hmap_bytes(const imp_hmap *m);
size_t imp_hmap_bytes_after(const imp_hmap *m, size_t n);

typedef struct imp_idset {
    uint64_t *slots;      /* 0 = empty */
    size_t cap, n;        /* cap is a power of two */
} imp_idset;

void imp_idset_init(imp_idset *s);
void imp_idset_free(imp_idset *s);
void imp_idset_clear(imp_idset *s);
/* Adds ID (not 0); *ADDED false when it was there already. SK_ENOMEM. */
int imp_idset_add(imp_idset *s, uint64_t id, bool *added);
/* Bytes the set holds, and would hold after adding one more id. */
size_t imp_idset_bytes(const imp_idset *s);
size_t imp_idset_bytes_after(const imp_idset *s);


/* ---- Specifications (spec_lex.c, spec_parse.c, spec_check.c) ---------- */

typedef enum imp_format {
    IMP_FMT_CSV = 0,
    IMP_FMT_NEO4J,
    IMP_FMT_MATRIX,
    IMP_FMT_UFDR,
    IMP_FMT_XRY,
} imp_format;

/* A place in the spec text, for messages. */
typedef struct imp_pos {
    uint32_t line, col;
} imp_pos;

/* A column reference. Resolution to an index happens per file, against its
 * header (see imp_bind), through REF, the reference's number in the spec. */
typedef struct imp_colref {
    const char *name;   /* column name, or NULL when given by number */
    int number;         /* 1-based column number when NAME is NULL */
    int ref;            /* index into a binding's column table */
    imp_pos pos;
} imp_colref;

/* A template: literal text and column values, e.g. "{name} {surname}". A
 * plain column reference is a template of one column part. */
typedef struct imp_tpart {
    const char *lit; size_t litlen; /* literal text, or NULL for a column */
    int ref;                        /* column reference when lit is NULL */
} imp_tpart;

typedef struct imp_tmpl {
    imp_tpart *parts;
    size_t nparts;
    imp_pos pos;
} imp_tmpl;

typedef enum imp_vkind {
    IMP_V_TEXT = 0, IMP_V_INT, IMP_V_REAL, IMP_V_AMOUNT, IMP_V_BOOL,
    IMP_V_TIME, IMP_V_DATE, IMP_V_GEO, IMP_V_DURATION,
    IMP_V_MAGNITUDE,          /* an amount without its sign */
} imp_vkind;

/* Where a value comes from: one template, or two joined by a space (date
 * and time columns) or taken as latitude and longitude (geo). */
typedef struct imp_vsrc {
    imp_tmpl t[2];
    int n;                  /* 0 = not given */
    imp_vkind kind;
    const char **fmts;      /* time/date formats tried in order; NULL = spec's */
    size_t nfmts;
    imp_pos pos;
} imp_vsrc;

typedef struct imp_prop_rule {
    const char *name;       /* property name */
    imp_vsrc src;
} imp_prop_rule;

typedef enum imp_op {
    IMP_OP_EQ, IMP_OP_NE, IMP_OP_MATCH, IMP_OP_NOMATCH,
    IMP_OP_LT, IMP_OP_LE, IMP_OP_GT, IMP_OP_GE, IMP_OP_EMPTY, IMP_OP_NOTEMPTY,
} imp_op;

/* A condition on one column. A regex is compiled once (pcre2_code *). */
typedef struct imp_cond {
    int ref;
    imp_op op;
    const char *text; size_t len;   /* for = != ~ !~ */
    double num;                     /* for < <= > >= */
    void *re;                       /* pcre2_code * for ~ !~ */
    imp_pos pos;
} imp_cond;

/* A conjunction of conditions ("a = 1 and b ~ x"). */
typedef struct imp_conds {
    imp_cond *c;
    size_t n;
} imp_conds;

typedef struct imp_entity_rule {
    const char *name;          /* name within the spec, used by links */
    imp_tmpl type;             /* entity type: literal or from a column */
    imp_tmpl *keys;            /* alternatives: the first whose columns are all non-empty */
    size_t nkeys;
    bool keyless;              /* `key none`: each record makes a new entity */
    imp_tmpl label;            /* nparts 0 = the raw key */
    imp_prop_rule *props;
    size_t nprops;
    imp_conds when;            /* the entity exists only when these hold */
    bool optional;             /* an empty key means no entity, not an error */
    imp_vsrc grading;          /* per-row grading code (n 0: the source's) */
    const char *split;         /* the key holds several values separated by
                                  this; one entity per value (NULL: one) */
    imp_pos pos;
} imp_entity_rule;

typedef struct imp_link_rule {
    imp_tmpl type;
    int from, to;              /* entity rule indexes (set by spec_check.c) */
    const char *from_name, *to_name; /* as written */
    imp_pos from_pos, to_pos;
    bool directed;
    imp_vsrc time, end, duration, weight;
    int64_t dur_unit_ms;       /* duration unit in milliseconds (1000 = s) */
    imp_prop_rule *props;
    size_t nprops;
    imp_conds when;            /* the link exists only when these hold */
    imp_conds reverse;         /* when these hold, from and to swap */
    imp_vsrc grading;          /* per-row grading code (n 0: the source's) */
    imp_pos pos;
} imp_link_rule;

/* neo4j: how a node label becomes an entity type and key. */
typedef struct imp_node_rule {
    const char *label;         /* neo4j label, as written */
    const char *type;          /* skein entity type */
    imp_tmpl *keys; size_t nkeys; /* alternatives, by property name; 0 = keyless */
    imp_tmpl display;          /* label template; nparts 0 = the key */
    imp_prop_rule *props;      /* typed properties added or overriding columns */
    size_t nprops;
    imp_pos pos;
} imp_node_rule;

/* neo4j: how a relationship type becomes a link type. */
typedef struct imp_rel_rule {
    const char *reltype;
    const char *type;
    bool undirected;
    imp_pos pos;
} imp_rel_rule;

struct sk_import_spec {
    sk_arena *arena;           /* owns everything below */
    const char *origin;        /* file name or "builtin:NAME" */
    const char *name, *description;
    int version;
    imp_format format;
    char delimiter;            /* 0 = auto */
    char quote;                /* 0 = none */
    bool header;
    bool ragged_error;         /* short rows are errors (default: padded) */
    const char *encoding;      /* NULL = auto */
    const char *tz_name;       /* NULL = none given */
    imp_tz *tz;                /* loaded from tz_name (NULL when none) */
    const char **time_fmts; size_t ntime_fmts;
    const char **date_fmts; size_t ndate_fmts;
    imp_numfmt num;
    uint32_t skip_lines;
    const char *grade, *handling;
    imp_conds *include; size_t ninclude;  /* each must hold */
    imp_conds *exclude; size_t nexclude;  /* any holding skips the record */
    imp_entity_rule *ents; size_t nents;
    imp_link_rule *links; size_t nlinks;
    imp_node_rule *nodes; size_t nnodes;
    imp_rel_rule *rels; size_t nrels;
    bool symmetric;            /* matrix: undirected, upper triangle read */
    bool diagonal;             /* matrix: keep cells on the diagonal */
    bool square;               /* matrix: rows and columns are one set */
    const char *zero;          /* matrix: the value meaning "no tie" */
    /* All column references, numbered by imp_colref.ref. */
    imp_colref *cols; size_t ncols;
    bool uses_time;            /* some value is a time or date */
};

/* Column names of the fixed-schema formats, declared once. */
#define IMP_UFDR_COLUMNS(X) X(record) X(id) X(source) X(time) X(direction) X(status) \
    X(duration) X(party) X(party_name) X(party_kind) X(self) X(self_kind) X(body)     \
    X(device_imei) X(device_msisdn) X(device_owner) X(device_model) X(device_name)     \
    X(device_id) X(device_kind) X(deleted)
#define IMP_XRY_COLUMNS(X) X(record) X(index) X(time) X(direction) X(call_type)        \
    X(party) X(party_name) X(party_kind) X(duration) X(text) X(status) X(deleted)      \
    X(storage) X(device) X(device_kind)
#define IMP_MATRIX_COLUMNS(X) X(row) X(column) X(value)
#define IMP_COL_U(name) IMP_U_##name,
#define IMP_COL_X(name) IMP_X_##name,
#define IMP_COL_M(name) IMP_M_##name,
enum imp_ufdr_col { IMP_UFDR_COLUMNS(IMP_COL_U) IMP_UFDR_NCOLS };
enum imp_xry_col { IMP_XRY_COLUMNS(IMP_COL_X) IMP_XRY_NCOLS };
enum imp_matrix_col { IMP_MATRIX_COLUMNS(IMP_COL_M) IMP_MATRIX_NCOLS };
#undef IMP_COL_U
#undef IMP_COL_X
#undef IMP_COL_M

/* Regular expressions (regex.c): a compiled pattern, NULL with the reason
 * in ERR and the offset in *ERROFF; matching returns 1, 0, or a negative
 * PCRE2 error. */
void *imp_regex_compile(const char *pat, size_t len, size_t *erroff, char *err, size_t errlen);
void imp_regex_free(void *re);
void *imp_regex_match_data(void);
void imp_regex_match_data_free(void *md);
int imp_regex_match(void *re, void *md, const char *s, size_t len);

/* Levenshtein distance of A and B, capped at CAP+1. */
int imp_edit_distance(const char *a, size_t alen, const char *b, size_t blen, int cap);
/* The candidate of CANDS (N names) closest to WORD within distance 2, or NULL. */
const char *imp_suggest(const char *word, size_t len, const char *const *cands, size_t n);

/* The fixed column names of a non-CSV format (ufdr, xry, matrix), or NULL
 * for formats whose columns come from the file's header. */
const char *const *imp_format_columns(imp_format f, size_t *n);
const char *imp_format_name(imp_format f);


/* ---- Spec lexer (spec_lex.c), shared by the parser only ---------------- */

typedef enum imp_tk {
    IMP_T_EOF = 0, IMP_T_NL, IMP_T_WORD, IMP_T_STRING, IMP_T_BRACE, IMP_T_COLNUM,
    IMP_T_OP,
} imp_tk;

typedef enum imp_tok_op {
    IMP_O_EQ = 1, IMP_O_NE, IMP_O_MATCH, IMP_O_NOMATCH, IMP_O_LT, IMP_O_LE,
    IMP_O_GT, IMP_O_GE, IMP_O_ARROW, IMP_O_UNDIR, IMP_O_BAR, IMP_O_COMMA,
} imp_tok_op;

typedef struct imp_tok {
    imp_tk kind;
    const char *p; size_t n;  /* WORD: as written; STRING: unescaped (arena);
                                 BRACE: inside the braces; COLNUM: digits */
    int op;                   /* IMP_O_* for IMP_T_OP */
    imp_pos pos;
} imp_tok;

typedef struct imp_lex {
    const char *src; size_t len, i;
    uint32_t line, col;
    sk_arena *arena;
    imp_tok tok;              /* the current token */
    char *err; size_t errlen; /* message buffer ("origin:line:col: …") */
    const char *origin;
} imp_lex;

void imp_lex_init(imp_lex *lx, const char *src, size_t len, const char *origin,
                  sk_arena *a, char *err, size_t errlen);
/* Reads the next token into lx->tok. SK_EPARSE on a lexical error. */
int imp_lex_next(imp_lex *lx);
/* Writes "origin:line:col: message" and returns SK_EPARSE. */
int imp_lex_error(imp_lex *lx, imp_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *imp_tok_describe(const imp_tok *t, char *buf, size_t cap);

/* Cross-checks a parsed spec (links name entities, columns of fixed
 * formats exist, rules fit the format). SK_EPARSE with the message in LX. */
int imp_spec_check(sk_import_spec *s, imp_lex *lx);


/* ---- Bindings: a spec's column references resolved for one file --------- */

typedef struct imp_bind {
    int *index;                /* per spec column reference: 0-based column, -1 absent */
    size_t n;
} imp_bind;

/* Resolves every column reference of SPEC against the header NAMES (N of
 * them; NULL with N = number of columns for a file without header). An
 * unknown column is an error naming the spec line and suggesting the
 * closest header name. */
int imp_bind_columns(const sk_import_spec *spec, const char *const *names,
                     const size_t *lens, size_t n, imp_bind *out, imp_err *e);
void imp_bind_free(imp_bind *b);


/* ---- Readers: one file → records (reader.c dispatches by format) ------- */

typedef struct imp_matrix imp_matrix; /* matrix.c */
typedef struct imp_xry imp_xry;       /* xry.c */
typedef struct imp_ufdr imp_ufdr;     /* ufdr.c */

typedef struct imp_reader {
    const sk_import_spec *spec;
    const char *path;          /* borrowed */
    const char *encoding;      /* borrowed, NULL = the spec's */
    imp_input in;
    bool in_open;
    imp_csv csv;
    /* Column names for binding: the header (csv, neo4j; copied into
     * hdr_buf, NUL-terminated) or the format's fixed names. */
    const char **names;
    size_t *lens;
    size_t nnames;
    char *hdr_buf;             /* owns the header copies */
    imp_matrix *mx;
    imp_xry *xry;
    imp_ufdr *ufdr;
    uint64_t records;          /* records returned so far */
} imp_reader;

/* Opens PATH and reads what precedes the records (skipped lines, header),
 * so that r->names is ready for binding. */
int imp_reader_open(imp_reader *r, const sk_import_spec *spec, const char *path,
                    const char *encoding, imp_err *e);
/* Back to the first record (a retried transaction). */
int imp_reader_rewind(imp_reader *r, imp_err *e);
/* SK_OK with a record, SK_DONE at the end, or an error with its place. */
int imp_reader_next(imp_reader *r, imp_record *rec, imp_err *e);
/* Bytes of the file consumed so far (for progress). */
uint64_t imp_reader_bytes(const imp_reader *r);
uint64_t imp_reader_size(const imp_reader *r);
void imp_reader_close(imp_reader *r);

/* The format readers behind imp_reader. */
int imp_matrix_open(imp_reader *r, imp_err *e);
int imp_matrix_next(imp_reader *r, imp_record *rec, imp_err *e);
void imp_matrix_free(imp_matrix *mx);
int imp_xry_open(imp_reader *r, imp_err *e);
int imp_xry_next(imp_reader *r, imp_record *rec, imp_err *e);
void imp_xry_free(imp_xry *x);
int imp_ufdr_open(imp_reader *r, imp_err *e);
int imp_ufdr_next(imp_reader *r, imp_record *rec, imp_err *e);
uint64_t imp_ufdr_bytes(const imp_ufdr *u);
void imp_ufdr_free(imp_ufdr *u);
/* Guesses the kind of an identifier: "phone", "email" or "account"; a
 * WhatsApp-style "447700900123@s.whatsapp.net" is a phone (its number is
 * returned through *LEN). */
const char *imp_party_kind(const char *s, size_t *len);


/* ---- The write side of one import attempt (writer.c) -------------------- */

/* A name interned lately: rows of a file name the same few types over and
 * over, and comparing a short name here is cheaper than hashing it. */
typedef struct imp_symmemo {
    sk_sym sym;                /* 0 = empty */
    uint8_t dict, len;
    char name[26];
} imp_symmemo;
#define IMP_SYMMEMO 64         /* entries, a power of two */

/* What every mapping path writes through: interned names, key checks, the
 * entity cache and the counters. One per transaction attempt. */
typedef struct imp_writer {
    sk_txn *t;
    char cc[8];                /* the case's country code for phone keys */
    imp_hmap keys;             /* type sym + raw key → entity id << 16 | file (writer.c) */
    imp_idset seen;            /* entities this import wrote, each counted once */
    size_t cache_max;          /* bytes KEYS and SEEN may hold before they are emptied */
    imp_hmap syms;             /* dict + name → sym */
    imp_symmemo memo[IMP_SYMMEMO]; /* the latest names of SYMS, by a hash of a few bytes */
    sk_assert as;              /* the source asserting what is written now */
    uint32_t file_idx;         /* index of that source's file in the import */
    uint64_t ent_created, ent_merged, link_created, link_confirmed;
    uint64_t unkeyed;          /* neo4j nodes kept without their (invalid) key */
    char norm[4 * SK_IMPORT_TEXT_MAX + 64];  /* the last checked key, normalised */
    size_t normlen;
} imp_writer;

/* CACHE_MAX: bytes the key cache may hold (0 = SK_IMPORT_CACHE_BYTES). */
int imp_writer_init(imp_writer *w, sk_txn *t, size_t cache_max);
void imp_writer_free(imp_writer *w);
/* NAME interned in DICT (created when absent), cached. */
int imp_writer_sym(imp_writer *w, enum sk_dict dict, const char *name, size_t len,
                   sk_sym *out);
/* The symbol of NAME in DICT when this import has interned it already, else
 * 0. Nothing is created. */
sk_sym imp_writer_sym_known(imp_writer *w, enum sk_dict dict, const char *name, size_t len);
/* The hash of raw KEY (LEN bytes) that the key cache's calls below take:
 * computed where the row is mapped, on the reading thread. */
uint64_t imp_writer_keyhash(const char *key, size_t len);
/* Prefetches the key-cache slot of a raw key of TYPE, LEN bytes, hash
 * KHASH (imp_writer_known). */
void imp_writer_prefetch(const imp_writer *w, sk_sym type, size_t len, uint64_t khash);
/* Checks KEY (LEN bytes) as a key of entity type TYPE (TLEN bytes): SK_OK
 * with the normalised key in w->norm, or SK_EINVAL / SK_ELIMIT with the
 * reason in WHY. No write happens, so a bad key can be rejected. */
int imp_writer_checkkey(imp_writer *w, const char *type, size_t tlen, const char *key,
                        size_t len, char *why, size_t whylen);
/* True when this import has written an entity of TYPE under the raw KEY
 * (LEN bytes): the key is known to be valid and *REF is what
 * imp_writer_entity needs to resolve it without the store. */
bool imp_writer_known(imp_writer *w, sk_sym type, const char *key, size_t len,
                      uint64_t khash, uint64_t *ref);
/* Upserts an entity whose key (in->key, KEYLEN bytes; NULL for a keyless
 * entity) was checked or is KNOWN (REF from imp_writer_known), going
 * through the cache; counts each entity once, as created or merged. */
int imp_writer_entity(imp_writer *w, const sk_entity_in *in, size_t keylen, uint64_t khash,
                      bool known, uint64_t ref, sk_id *out);
int imp_writer_link(imp_writer *w, const sk_link_in *in);

/* Latest time a link may carry (the store's range), in seconds either side. */
#define IMP_TIME_LIMIT (((int64_t)1 << 39) - 1)

/* ---- Spec-driven mapping of one record (map.c) -------------------------- */

/* Mapping is split in two so that it can run on another thread than the
 * writes: imp_map_record reads only the record, the spec and the mapper's
 * per-file constants, and leaves to imp_map_resolve (the writer's side)
 * everything that needs the transaction: interning names that come from
 * columns, and resolving each key through the key cache or checking it.
 * imp_map_resolve replays those steps in the order the mapping met them,
 * so names are interned and errors found exactly as if one function did
 * both. */

typedef struct imp_ment {
    bool present;              /* the entity exists in this row */
    sk_sym type;               /* its type; set by imp_map_resolve when TYPE_NAMED */
    const char *tname;         /* the type's name (spec or row arena) */
    size_t tlen;
    bool type_named;           /* the type came from a column: resolve interns TNAME */
    bool check;                /* the mapping reached the key: resolve looks KEY up in
                                  the cache and checks it when absent */
    const char *key;           /* raw key (NUL-terminated, row arena) or NULL */
    size_t keylen;
    uint64_t khash;            /* imp_writer_keyhash of KEY */
    imp_field kat;             /* where the key came from, and its column reference */
    int kref;
    bool known;                /* imp_writer_known found the key; REF is its answer */
    uint64_t ref;
    const char *label;
    sk_prop *props; size_t nprops;
    const char *gcode;         /* per-row grading code for resolve to intern, or NULL */
    sk_sym grade;              /* per-row grading, 0 = the source's */
    sk_id id;                  /* set by imp_map_write */
} imp_ment;

typedef struct imp_mlink {
    bool present;
    sk_link_in in;             /* in.type set by resolve when TYPE_NAMED; in.src and
                                  in.dst hold entity rule indexes until the write */
    const char *tname;         /* the type's name (spec or row arena) */
    size_t tlen;
    bool type_named;           /* the type came from a column: resolve interns TNAME */
    sk_prop *props;
    const char *gcode;         /* per-row grading code for resolve to intern, or NULL */
    sk_sym grade;              /* per-row grading, 0 = the source's */
} imp_mlink;

/* One mapped piece of a record (a record whose key is split maps once per
 * value): the entity and link rules the mapping reached, in rule order,
 * in the row arena. A rule after NENTS / NLINKS was not reached (the
 * mapping stopped at an error) and is absent. */
typedef struct imp_piece {
    imp_ment *ents; size_t nents;
    imp_mlink *links; size_t nlinks;
    uint64_t line;             /* the record's first line */
} imp_piece;

typedef struct imp_mapper {
    const sk_import_spec *spec;
    const imp_tz *tz;          /* the zone in force (option over spec), may be NULL */
    const sk_scale *scale;     /* the case's grading scale (owned by the store) */
    imp_bind bind;             /* the spec's columns in the current file */
    const char *const *colnames; /* header names of the current file, for messages */
    void *md;                  /* pcre2_match_data * */
    sk_arena *own_row;         /* the mapper's own per-record arena */
    sk_arena *row;             /* where per-record memory goes: OWN_ROW, or an arena the
                                  caller points it at (a batch's) while that lives */
    const imp_record *rec;
    imp_piece *cur;            /* the piece imp_map_record is filling */
    /* Per-file constants, interned by imp_mapper_init: */
    sk_sym *prop_ent[SK_IMPORT_RULES_MAX];  /* property names per rule */
    sk_sym *prop_link[SK_IMPORT_RULES_MAX];
    sk_sym dur_sym;            /* "duration" */
    sk_sym ent_type[SK_IMPORT_RULES_MAX];   /* literal types (0: from a column) */
    sk_sym link_type[SK_IMPORT_RULES_MAX];
    size_t piece;              /* which value of the split key this pass maps */
    size_t npieces;            /* how many values the split key holds (1: none) */
} imp_mapper;

/* Interns the spec's literal names through W (so on the writer's thread). */
int imp_mapper_init(imp_mapper *m, const sk_import_spec *spec, const imp_tz *tz,
                    imp_writer *w);
void imp_mapper_free(imp_mapper *m);
/* True when the record passes the spec's include / exclude rules. */
int imp_map_rows_rule(imp_mapper *m, const imp_record *rec, bool *keep, imp_err *e);
/* Checks and converts piece m->piece of REC into *OUT (allocated in m->row,
 * which is not reset here) without the transaction. A bad value is
 * SK_EPARSE (or SK_EINVAL / SK_ELIMIT) with its place in E; *OUT then
 * holds the rules reached, for imp_map_resolve to replay. */
int imp_map_record(imp_mapper *m, const imp_record *rec, imp_piece *out, imp_err *e);
/* The writer's half of mapping P: interns the names taken from columns,
 * resolves each key through the key cache or checks it, in the order the
 * mapping met them. A bad key is SK_EPARSE with its place in E. Reads only
 * the per-file constants of M, so the mapping may go on meanwhile. */
int imp_map_resolve(const imp_mapper *m, imp_writer *w, imp_piece *p, imp_err *e);
/* Prepares P, still to be resolved, so that resolving it later waits less
 * for memory: names this import has interned already are resolved now (so
 * resolving them again, a lookup without effect, is skipped), and the
 * key-cache slots of its keys are prefetched. Changes nothing else. */
void imp_map_prefetch(imp_writer *w, imp_piece *p);
/* Writes a resolved piece. Errors here are the store's. */
int imp_map_write(imp_writer *w, imp_piece *p);
/* The text of a column reference in REC, trimmed; empty when absent. */
imp_field imp_map_field(const imp_mapper *m, int ref);
/* Renders template T for the current record into the row arena; *ANY_EMPTY
 * when one of its columns is empty, *AT the first column's field. */
const char *imp_map_render(imp_mapper *m, const imp_tmpl *t, size_t *len, bool *any_empty,
                           imp_field *at, int *first_ref);
/* Converts value source V for the current record (SK_V_NULL when empty). */
int imp_map_value(imp_mapper *m, const imp_vsrc *v, int64_t unit_ms, sk_value *out,
                  imp_err *e);

/* ---- Records from reading to writing (pipeline.c) ------------------------ */

/* What the reading side hands the writing side, in file order:
 *   RECORD  a record was read: count it, report progress, and remember it
 *           (a bad row names it); RC is its own error (ragged, row rules)
 *   PIECE   one mapped piece of the last record, to resolve and write; RC
 *           is the mapping's error, reported after any resolve finds
 *   END     the file ended (RC SK_DONE) or could not be read further */
typedef enum imp_item_kind { IMP_ITEM_RECORD, IMP_ITEM_PIECE, IMP_ITEM_END } imp_item_kind;

typedef struct imp_item {
    imp_item_kind kind;
    int rc;                    /* SK_OK, or the error in ERR */
    imp_err *err;              /* when RC is an error (batch arena) */
    bool skip;                 /* RECORD: left out by the row rules */
    uint64_t line;             /* RECORD: where it starts */
    uint64_t bytes;            /* RECORD: bytes of the file read once it was read */
    const imp_field *f;        /* RECORD: its fields, kept only when bad rows go to a */
    size_t nf;                 /*   rejects file (batch arena) */
    imp_piece piece;           /* PIECE */
} imp_item;

/* One file's records, read and mapped on a producer thread (or, when
 * THREADED is false or no thread can be had, on the caller's, a batch at
 * a time) and handed over in a fixed number of bounded batches. */
typedef struct imp_pipe imp_pipe;

typedef struct imp_pipe_cfg {
    imp_reader *rd;            /* open, header bound; read only by the pipe until stopped */
    imp_mapper *m;             /* initialised for the file; the pipe maps with it */
    bool keep_fields;          /* copy each record's fields (for the rejects file) */
    bool threaded;             /* read and map on a second thread */
    size_t batch_rows;         /* records per batch (0 = SK_IMPORT_BATCH_ROWS) */
} imp_pipe_cfg;

/* Starts reading. SK_ENOMEM only. Free with imp_pipe_stop. */
int imp_pipe_start(const imp_pipe_cfg *cfg, imp_pipe **out);
/* The next item, in file order; the caller may change it (resolving a
 * piece) and it lives until the next call. NULL after END. */
imp_item *imp_pipe_next(imp_pipe *p);
/* The item AHEAD places after the one imp_pipe_next returned last, when it
 * is ready in the same batch (else NULL), to be prepared while it waits;
 * it lives as long as that one. */
imp_item *imp_pipe_peek(imp_pipe *p, size_t ahead);
/* Stops the reading side (promptly, if it is still going), waits for it
 * and frees every batch. NULL is fine. */
void imp_pipe_stop(imp_pipe *p);

/* ---- neo4j-admin CSV (neo4j.c) ------------------------------------------ */

typedef struct imp_neo4j imp_neo4j;

/* True when a header (NAMES, LENS, N) is a relationship file's (:START_ID). */
bool imp_neo4j_is_rel(const char *const *names, const size_t *lens, size_t n);
int imp_neo4j_new(imp_neo4j **out, const sk_import_spec *spec, const imp_tz *tz,
                  imp_writer *w);
void imp_neo4j_free(imp_neo4j *n);
/* Plans the columns of the file open in RD (node or relationship file).
 * LOOKUP: the file was imported before; its nodes are only looked up (to
 * map their ids for new relationship files), nothing is written. */
int imp_neo4j_file(imp_neo4j *n, imp_writer *w, const imp_reader *rd, bool lookup,
                   imp_err *e);
/* Checks and converts one row (no writes). */
int imp_neo4j_map(imp_neo4j *n, imp_writer *w, const imp_record *rec, imp_err *e);
/* Writes (or in lookup mode resolves) what imp_neo4j_map prepared. A node
 * that cannot be resolved in lookup mode is an error in E (SK_EPARSE). */
int imp_neo4j_write(imp_neo4j *n, imp_writer *w, imp_err *e);

#endif /* SK_IMPORT_INT_H */
