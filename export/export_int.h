/*
 * export_int.h — what the files of export/ share; no other module includes
 * it. Growable buffers, text escaping and width, value formatting, id
 * lookup, atomic file output, and the entry points of each printer and
 * writer that export.c and format.c dispatch to.
 *
 * Memory here is plain malloc/free: every helper says who frees what.
 * A buffer that failed to grow remembers it (oom) and ignores later writes,
 * so callers check once at the end instead of after every append.
 */
#ifndef SK_EXPORT_INT_H
#define SK_EXPORT_INT_H

#include <stdarg.h>

#include "export.h"

/* ---- Growable text buffer (xbuf.c) ----------------------------------- */

typedef struct sk_xbuf {
    char *p;        /* NUL-terminated when len > 0 or after xbuf_cstr */
    size_t len, cap;
    bool oom;       /* a growth failed; contents are incomplete */
} sk_xbuf;

void xbuf_put(sk_xbuf *b, const char *s, size_t n);
void xbuf_puts(sk_xbuf *b, const char *s);
void xbuf_putc(sk_xbuf *b, char c);
void xbuf_printf(sk_xbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void xbuf_vprintf(sk_xbuf *b, const char *fmt, va_list ap);
/* The contents as a C string ("" when empty); owned by the buffer. */
const char *xbuf_cstr(sk_xbuf *b);
void xbuf_clear(sk_xbuf *b);          /* keeps the memory */
void xbuf_free(sk_xbuf *b);
/* Sends the contents to SINK and clears the buffer; SK_ENOMEM if the
 * buffer lost text, else the sink's status. */
int xbuf_flush(sk_xbuf *b, const sk_sink *sink);

/* A pool of strings freed in one call (the printers' temporaries). */
typedef struct sk_spool {
    char **items; size_t n, cap;
    bool oom;
} sk_spool;
/* A NUL-terminated copy of the buffer's text kept in the pool, or NULL. */
const char *spool_keep(sk_spool *p, sk_xbuf *b);
void spool_free(sk_spool *p);

/* ---- UTF-8 text (text.c) --------------------------------------------- */

/* Decodes one code point at S (N bytes left); *adv gets the bytes used
 * (1 for an invalid byte). Returns the code point or -1 when invalid. */
long utf8_decode(const char *s, size_t n, size_t *adv);
/* Terminal columns of code point CP: 0 for combining marks, 2 for wide
 * East Asian characters, else 1. */
int utf8_cpwidth(long cp);
/* Columns of the UTF-8 text S (N bytes); an invalid byte counts as 1. */
size_t utf8_width(const char *s, size_t n);
/* Appends S to B with invalid UTF-8 replaced by U+FFFD. */
void utf8_repair(sk_xbuf *b, const char *s, size_t n);
/* Appends S for a terminal: control characters (C0, DEL, C1) shown as
 * escapes (\n, \t, \x1b), invalid bytes as U+FFFD, cut to MAXW columns
 * with a trailing "…" when longer (MAXW 0 = no limit). */
void text_for_terminal(sk_xbuf *b, const char *s, size_t n, size_t maxw);
/* Appends S escaped for XML text and attribute values; characters that
 * XML 1.0 forbids become U+FFFD. */
void text_xml(sk_xbuf *b, const char *s, size_t n);
/* Appends S as a Graphviz escString (labels, tooltips): backslashes
 * doubled so "\N" stays literal, newlines as "\n", other controls dropped,
 * invalid UTF-8 repaired. */
void text_gv(sk_xbuf *b, const char *s, size_t n);
/* Appends S for an HTML-like Graphviz label: & < > " escaped, newlines as
 * <BR/>, controls dropped, invalid UTF-8 repaired. */
void text_gvhtml(sk_xbuf *b, const char *s, size_t n);
/* Appends S cut to at most MAXW columns (with "…"), UTF-8 repaired. */
void text_cut(sk_xbuf *b, const char *s, size_t n, size_t maxw);
/* ASCII case-insensitive equality. */
bool text_ieq(const char *a, const char *b);
/* True when NAME is one of the '|'-separated names in LIST (ASCII case
 * folded). */
bool text_in_list(const char *list, const char *name);

/* ---- Values (values.c) ----------------------------------------------- */

typedef enum sk_vmode {
    VMODE_TABLE = 1, /* ids as #123 */
    VMODE_DATA = 2,  /* ids as plain numbers (CSV, GraphML …) */
} sk_vmode;

/* Appends the text of V (strings as they are, not escaped). */
void value_text(sk_xbuf *b, const sk_value *v, sk_vmode mode);
/* Shortest decimal text that reads back as D ("0.1", "nan", "inf"). */
void real_text(sk_xbuf *b, double d);
/* ISO 8601 of T at OFF minutes; "" for SK_NO_TIME. */
void time_iso(sk_xbuf *b, int64_t t, int16_t off);
/* ISO 8601 of a link's time: the instant, or "start/end" for an
 * interval; nothing for SK_NO_TIME. */
void time_span_iso(sk_xbuf *b, int64_t start, int64_t end, int16_t off);
/* A date as people read it: "3 Mar 2024". */
void date_human(sk_xbuf *b, int64_t t, int16_t off);
/* A date range: "3 Mar 2024", "3–28 Mar 2024", "28 Feb – 3 Mar 2024",
 * "28 Dec 2023 – 3 Jan 2024". */
void date_range_human(sk_xbuf *b, int64_t from, int16_t from_off,
                      int64_t to, int16_t to_off);
/* Local calendar fields of T at OFF; false when out of range. */
bool time_fields(int64_t t, int16_t off, int *y, int *mon, int *d,
                 int *h, int *min, int *s);
/* The property NAME of a node or link, or NULL. */
const sk_value *rprop_find(const sk_rprop *props, size_t n, const char *name);

/* ---- Id lookup (rindex.c) -------------------------------------------- */

typedef struct sk_ridx {
    struct sk_ridx_ent { sk_id id; size_t i; } *ents;
    size_t n;
} sk_ridx;

/* Index of the nodes / links of G by id; SK_ENOMEM. Free with ridx_free. */
int ridx_nodes(sk_ridx *x, const sk_graph *g);
int ridx_links(sk_ridx *x, const sk_graph *g);
/* Position of ID in the indexed array, or SIZE_MAX. */
size_t ridx_find(const sk_ridx *x, sk_id id);
void ridx_free(sk_ridx *x);

/* ---- Property schema (propschema.c) ---------------------------------- */

/* The distinct property names of a set of nodes or links, in first-seen
 * order, with one value type each (SK_V_STR when the types disagree,
 * SK_V_NULL when every value was null). */
typedef struct sk_pschema {
    struct sk_pcol { const char *name; sk_vtype type; } *cols;
    size_t n, cap;
} sk_pschema;

int pschema_nodes(sk_pschema *s, const sk_graph *g);
int pschema_links(sk_pschema *s, const sk_graph *g);
/* Index of NAME or SIZE_MAX. */
size_t pschema_find(const sk_pschema *s, const char *name);
void pschema_free(sk_pschema *s);

/* ---- Output files (afile.c) ------------------------------------------ */

/* A file written under a temporary name beside PATH and renamed into
 * place by afile_commit; afile_abort removes it. */
typedef struct sk_afile {
    FILE *f;
    char *tmp;
    char *path;
} sk_afile;

/* Opens the temporary file; SK_EIO with the reason in ERR. */
int afile_open(sk_afile *a, const char *path, char *err, size_t errlen);
/* Closes and renames; SK_EIO (and the temporary removed) on failure. */
int afile_commit(sk_afile *a, char *err, size_t errlen);
void afile_abort(sk_afile *a);
/* A sink writing to the file. */
sk_sink afile_sink(sk_afile *a);

/* ---- Printers and writers ---------------------------------------------- */

int table_emit(const sk_result *r, const sk_format_opts *o, const sk_sink *s);
int csv_emit(const sk_result *r, const sk_sink *s);
int json_emit(const sk_result *r, const sk_format_opts *o, const sk_sink *s);

/* Appends S as one CSV field (quoted when it holds , " CR or LF). */
void csv_field(sk_xbuf *b, const char *s, size_t n);

/* Data writers: the whole result, not folded. Each fills REP's counts and
 * message. */
int graphml_write(const sk_result *r, const char *path,
                  const sk_export_opts *o, sk_export_report *rep);
int gexf_write(const sk_result *r, const char *path,
               const sk_export_opts *o, sk_export_report *rep);
int csvpair_write(const sk_result *r, const char *path,
                  const sk_export_opts *o, sk_export_report *rep);

/* Charts (chart_render.c). */
int chart_write(const sk_result *r, const char *path, sk_export_format f,
                const sk_export_opts *o, sk_export_report *rep);

/* Writes a printf-style message (success or failure) into REP when it is
 * not NULL; returns CODE, so failures read "return report_set(…)". */
int report_set(sk_export_report *rep, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* SK_EXPORT_INT_H */
