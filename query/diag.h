/*
 * diag.h — diagnostics of the query engine: a byte span of the query text
 * and a message, and the printer that turns them into what a user reads
 * (private to query/).
 *
 * The parser, and later the planner and executor, report an error by
 * filling an sk_diag: the span of the offending text and a message saying
 * what was expected and what was found. sk_diag_format prints it as
 *
 *     line 1, column 32: expected a link type after 'via', found '2024'
 *       network around person "Jo" via 2024
 *                                      ^^^^
 *
 * Lines and columns count from 1; a column counts characters (UTF-8 code
 * points), not bytes. The source line is indented by two spaces; a tab in
 * it is copied into the caret line so the carets stay aligned; control
 * bytes and invalid UTF-8 print as '?'. A line longer than a screen is
 * shown as a window around the span, cut ends marked "...". The carets
 * cover the span on its first line (at least one caret; a span at the end
 * of the text puts one caret just past the last character).
 */
#ifndef SK_QUERY_DIAG_H
#define SK_QUERY_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* Bytes [start, end) of a query text. end == start marks a position
 * (the end of the text, for instance). */
typedef struct sk_span {
    uint32_t start;
    uint32_t end;
} sk_span;

typedef struct sk_diag {
    sk_span span;                 /* where the problem is */
    char msg[SK_QUERY_MAX_DIAG];  /* NUL-terminated, no trailing newline */
} sk_diag;

/* Fills D with SPAN and the printf-style message (truncated to fit). */
void sk_diag_set(sk_diag *d, sk_span span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sk_diag_vset(sk_diag *d, sk_span span, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Line and column (both from 1) of byte OFFSET in SRC (LEN bytes); an
 * offset past the end is clamped to LEN. */
void sk_diag_locate(const char *src, size_t len, size_t offset,
                    unsigned long *line, unsigned long *col);

/* Writes the three-line report of D against the text SRC (LEN bytes) into
 * BUF (CAP bytes, always NUL-terminated when CAP > 0), each line ending in
 * '\n'. ORIGIN, when not NULL, prefixes the first line ("script.skq: line
 * 3, column 5: …"). Returns the length the full report has, like
 * snprintf, so a caller can tell that BUF was too small. */
size_t sk_diag_format(const sk_diag *d, const char *origin, const char *src,
                      size_t len, char *buf, size_t cap);

#endif /* SK_QUERY_DIAG_H */
