/*
 * export.h — printing and exporting query results (export/), the one public
 * header of the module.
 *
 * Two families of functions:
 * - Printers (sk_format_*) turn an sk_result into text — an aligned table,
 *   RFC 4180 CSV or one JSON document — and hand it to a sink. They never
 *   write to stdout by themselves; the caller chooses the FILE* or callback.
 * - Exporters (sk_export_*) write a result to a named file: a chart laid out
 *   and rendered in-process by Graphviz (SVG, PNG, PDF, DOT), or a data file
 *   (GraphML, GEXF 1.3, a pair of CSV files, JSON).
 *
 * Ownership: nothing here keeps a pointer to the result, the options or the
 * sink after returning. Results are read only. Files are written to a
 * temporary name beside the target and renamed into place, so a failed
 * export never leaves a half-written file under the requested name.
 *
 * Errors: functions return SK_OK or a negative SK_E* code from store.h;
 * exporters also write a one-line message into the report.
 */
#ifndef SK_EXPORT_H
#define SK_EXPORT_H

#include <stdio.h>

#include "query.h"

/* ---- Sinks ----------------------------------------------------------- */

/* Where printers send their text. WRITE returns SK_OK, or an error code
 * (SK_EIO) that stops the printer and is passed back to its caller. */
typedef int (*sk_sink_fn)(void *ctx, const char *buf, size_t len);

typedef struct sk_sink {
    sk_sink_fn write;
    void *ctx;
} sk_sink;

/* A sink writing to F (borrowed; the caller keeps it open and closes it). */
sk_sink sk_sink_file(FILE *f);

/* ---- Printing results ------------------------------------------------ */

typedef enum sk_format {
    SK_FORMAT_TABLE = 1, /* aligned columns for people */
    SK_FORMAT_CSV = 2,   /* RFC 4180 */
    SK_FORMAT_JSON = 3,  /* one document; see docs/export.md */
} sk_format;

/* "table", "csv" or "json" (case-insensitive); SK_EINVAL otherwise. */
int sk_format_parse(const char *name, sk_format *out);
const char *sk_format_name(sk_format f);

#define SK_FORMAT_DEFAULT_WIDTH 40 /* widest table cell, in columns */

typedef struct sk_format_opts {
    size_t max_width; /* table: longer cells are cut and end in "…";
                         0 = SK_FORMAT_DEFAULT_WIDTH, at least 2 */
    bool colour;      /* table: ANSI colour (the caller decides whether the
                         terminal supports it) */
    bool pretty;      /* json: indent by two spaces instead of compact */
} sk_format_opts;

/* Prints R in format F to SINK. O may be NULL for the defaults. Returns
 * SK_OK, the sink's error, SK_ENOMEM, or SK_EINVAL for a malformed result
 * (unknown kind). */
int sk_format_emit(const sk_result *r, sk_format f, const sk_format_opts *o,
                   const sk_sink *sink);
/* The same, writing to OUT; a write error gives SK_EIO. */
int sk_format_print(const sk_result *r, sk_format f, const sk_format_opts *o,
                    FILE *out);

/* Formats one value as the table printer shows it (ids as #123, times in
 * ISO 8601 with their original offset, strings as they are) into BUF, NUL
 * terminated and cut to CAP-1 bytes on a UTF-8 boundary. Returns the length
 * the whole text needs (like snprintf). */
size_t sk_format_value(const sk_value *v, char *buf, size_t cap);
/* ISO 8601 text of T (UTC seconds) shown at offset OFF_MIN minutes:
 * "2024-03-01T14:05:00Z" or "…+01:00". Same return rule. */
size_t sk_format_time(int64_t t, int16_t off_min, char *buf, size_t cap);

/* ---- Chart styles ---------------------------------------------------- */

/* How entities of one type look on a chart. */
typedef struct sk_type_style {
    const char *types;  /* type names it applies to, '|'-separated
                           ("organisation|organization|company") */
    const char *shape;  /* Graphviz node shape */
    const char *fill;   /* fill colour, "#rrggbb" */
    const char *fields; /* properties shown under the label, '|'-separated
                           alternatives, the first present wins; NULL none */
    const char *prefix; /* text before that field's value ("b. "); NULL none */
    bool key_fallback;  /* no such property: show the key instead */
} sk_type_style;

/* How parallel links of one type read when folded ("12 calls"). */
typedef struct sk_link_style {
    const char *type;   /* link type name */
    const char *one;    /* noun for one link, "call" */
    const char *many;   /* noun for several, "calls" */
} sk_link_style;

typedef struct sk_chart_style {
    const sk_type_style *types; size_t ntypes; /* first match wins */
    sk_type_style other;        /* for types not in the table */
    const sk_link_style *links; size_t nlinks;
    double reliable;            /* reliability ≥ this: solid line (0.8) */
    double doubtful;            /* reliability < this: dotted line (0.4);
                                   between, or ungraded: dashed */
    const char *fontname;
    const char *banner_fill;    /* handling-code banner colours */
    const char *banner_text;
} sk_chart_style;

/* The built-in style (static, never freed). A caller that wants another
 * look copies it and changes the tables. */
const sk_chart_style *sk_chart_style_default(void);
/* The entry of S that applies to TYPE (its "other" entry when none). */
const sk_type_style *sk_chart_style_type(const sk_chart_style *s, const char *type);

/* ---- Exporting to files ---------------------------------------------- */

/* format, name, file extension, kind (1 = chart through Graphviz, 0 = data) */
#define SK_EXPORT_FORMATS(X)                \
    X(SVG, "svg", ".svg", 1)                \
    X(PNG, "png", ".png", 1)                \
    X(PDF, "pdf", ".pdf", 1)                \
    X(DOT, "dot", ".dot", 1)                \
    X(GRAPHML, "graphml", ".graphml", 0)    \
    X(GEXF, "gexf", ".gexf", 0)             \
    X(CSV, "csv", ".csv", 0)                \
    X(JSON, "json", ".json", 0)

typedef enum sk_export_format {
    SK_EXPORT_NONE = 0,
#define SK_X_ENUM(id, name, ext, chart) SK_EXPORT_##id,
    SK_EXPORT_FORMATS(SK_X_ENUM)
#undef SK_X_ENUM
} sk_export_format;

/* By name ("svg", case-insensitive) or from PATH's extension (".gv" is DOT
 * too); SK_EINVAL when unknown. */
int sk_export_format_parse(const char *name, sk_export_format *out);
int sk_export_format_from_path(const char *path, sk_export_format *out);
const char *sk_export_format_name(sk_export_format f);
/* True for the formats drawn by Graphviz (svg, png, pdf, dot). */
bool sk_export_format_is_chart(sk_export_format f);

#define SK_EXPORT_MAX_ENTITIES 500 /* default chart limit, see force */
#define SK_CHART_DOT_MAX 60        /* automatic layout: dot up to this many */
#define SK_CHART_NEATO_MAX 200     /* … then neato up to this, then sfdp */

typedef struct sk_export_opts {
    sk_export_format format; /* SK_EXPORT_NONE: from the file extension */
    const char *layout;      /* dot|neato|fdp|sfdp|circo|twopi; NULL or
                                "auto": chosen by size */
    const char *title;       /* chart title; NULL none */
    const char *query;       /* query shown on the chart; NULL = r->query */
    int64_t created;         /* when it was made, UTC; SK_NO_TIME or 0 = now */
    int16_t created_off;     /* offset to show it in, minutes */
    bool force;              /* draw even over max_entities */
    size_t max_entities;     /* chart limit; 0 = SK_EXPORT_MAX_ENTITIES */
    size_t collapse;         /* K > 0: an entity with more than K links has
                                the neighbours that hang on it alone folded
                                into count nodes; 0 = never */
    bool sanitise;           /* leave source names out of every file */
    const sk_chart_style *style; /* NULL = sk_chart_style_default() */
} sk_export_opts;

/* Fills O with the defaults (all of the above off or automatic). */
void sk_export_opts_init(sk_export_opts *o);

/* What an export did. */
typedef struct sk_export_report {
    size_t entities;        /* entity nodes written (charts: drawn) */
    size_t links;           /* links written (charts: lines drawn after
                               folding parallel links) */
    size_t hidden;          /* entities folded into count nodes (charts) */
    char layout[16];        /* layout engine used (charts), else "" */
    char message[768];      /* "wrote 12 entities and 15 links to x.svg
                               (layout dot)" or why it failed */
} sk_export_report;

/* Writes R to PATH as O says (O NULL = defaults). REP may be NULL.
 * Returns SK_OK; SK_EINVAL for an unknown format or layout, or a table
 * result given to a format that needs a graph; SK_ELIMIT when a chart
 * would show more than max_entities and force is off (the message suggests
 * a filter, collapsing or force); SK_ENOTFOUND when Graphviz lacks the
 * layout or output plugin (the message names the fix, e.g. `dot -c`);
 * SK_EIO when the file cannot be written; SK_ENOMEM.
 * A CSV export of a graph writes two files: PATH's stem + "_entities.csv"
 * and "_links.csv"; a table result goes to PATH itself. */
int sk_export_write(const sk_result *r, const char *path,
                    const sk_export_opts *o, sk_export_report *rep);

#endif /* SK_EXPORT_H */
