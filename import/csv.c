/*
 * csv.c — a small RFC 4180 reader over decoded UTF-8 chunks.
 *
 * Handles quoted fields with embedded delimiters, quotes ("" inside quotes)
 * and line breaks; CRLF, LF and CR-only line ends; empty fields; blank
 * lines (skipped); any one-byte delimiter, sniffed from the first line when
 * not given. A quote inside an unquoted field is taken literally (5'11");
 * anything but a delimiter or a line end after a closing quote is an error.
 * Invariants: every field carries the line and column (in characters) of
 * its first character; no field exceeds SK_IMPORT_FIELD_MAX bytes and no
 * record SK_IMPORT_RECORD_MAX bytes or SK_IMPORT_COLUMNS_MAX fields — the
 * reader stops with "field too large" instead of growing without bound.
 */
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

/* Reader states: START = before the first field of a record (blank lines
 * are skipped here), AFTER_DELIM = a field was opened by a delimiter,
 * PLAIN / QUOTED = inside a field, QUOTE_SEEN = a quote inside a quoted field. */
enum { ST_START, ST_AFTER_DELIM, ST_PLAIN, ST_QUOTED, ST_QUOTE_SEEN };

void imp_csv_init(imp_csv *c, imp_input *in, char delim, char quote)
{
    memset(c, 0, sizeof *c);
    c->in = in;
    c->delim = delim;
    c->quote = quote;
    c->line = 1;
    c->col = 1;
}

void imp_csv_reset(imp_csv *c)
{
    c->chunk = NULL;
    c->clen = c->cpos = 0;
    c->at_eof = false;
    c->line = 1;
    c->col = 1;
    c->after_cr = false;
    c->blen = 0;
    c->nfields = 0;
    c->records = 0;
}

void imp_csv_free(imp_csv *c)
{
    free(c->buf);
    free(c->fields);
    c->buf = NULL;
    c->fields = NULL;
}

char imp_csv_sniff(const char *s, size_t n, char quote)
{
    static const char cand[] = {',', ';', '\t', '|'};
    size_t count[4] = {0};
    bool inq = false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (quote && ch == quote) {
            inq = !inq;
            continue;
        }
        if (inq)
            continue;
        if (ch == '\n' || ch == '\r')
            break;
        for (int k = 0; k < 4; k++)
            if (ch == cand[k])
                count[k]++;
    }
    int best = 0;
    for (int k = 1; k < 4; k++)
        if (count[k] > count[best])
            best = k;
    return cand[best];
}

/* Makes room for one more byte in the record buffer. */
static bool buf_grow(imp_csv *c, size_t need)
{
    if (c->blen + need <= c->bcap)
        return true;
    size_t cap = c->bcap ? c->bcap : 4096;
    while (cap < c->blen + need)
        cap *= 2;
    char *nb = realloc(c->buf, cap);
    if (!nb)
        return false;
    c->buf = nb;
    c->bcap = cap;
    return true;
}

/* Starts a field at the current place; its offset goes in n until the
 * record is complete (see finish_record). */
static int field_begin(imp_csv *c, imp_err *e)
{
    if (c->nfields >= SK_IMPORT_COLUMNS_MAX)
        return imp_err_set(e, c->line, c->col, SK_ELIMIT,
                           "too many columns (more than %u in one row)",
                           (unsigned)SK_IMPORT_COLUMNS_MAX);
    if (c->nfields == c->fcap) {
        size_t cap = c->fcap ? c->fcap * 2 : 64;
        imp_field *nf = realloc(c->fields, cap * sizeof *nf);
        if (!nf)
            return imp_err_set(e, c->line, c->col, SK_ENOMEM, "out of memory");
        c->fields = nf;
        c->fcap = cap;
    }
    imp_field *f = &c->fields[c->nfields++];
    f->p = NULL;
    f->n = (uint32_t)c->blen; /* start offset for now */
    f->line = c->line;
    f->col = c->col;
    return SK_OK;
}

/* Turns the start offsets into pointers and lengths. */
static void finish_record(imp_csv *c, imp_record *rec)
{
    for (size_t i = 0; i < c->nfields; i++) {
        size_t start = c->fields[i].n;
        size_t end = i + 1 < c->nfields ? c->fields[i + 1].n : c->blen;
        /* Empty fields of a record with no bytes at all: buf may be NULL. */
        c->fields[i].p = c->buf ? c->buf + start : "";
        c->fields[i].n = (uint32_t)(end - start);
    }
    rec->f = c->fields;
    rec->n = c->nfields;
    rec->line = c->nfields ? c->fields[0].line : c->line;
    c->records++;
}

/* Fetches the next chunk; false at the end of the input. */
static int next_chunk(imp_csv *c, imp_err *e)
{
    const char *p;
    size_t n;
    int rc = imp_input_read(c->in, &p, &n, e);
    if (rc == SK_DONE) {
        c->at_eof = true;
        return SK_DONE;
    }
    if (rc != SK_OK) {
        /* The decoder knows what is wrong; we know where. */
        if (e->line == 0) {
            e->line = c->line;
            e->col = c->col;
        }
        return rc;
    }
    c->chunk = p;
    c->clen = n;
    c->cpos = 0;
    if (c->delim == 0)
        c->delim = imp_csv_sniff(p, n, c->quote);
    return SK_OK;
}

static int too_large(imp_csv *c, imp_err *e)
{
    const imp_field *f = &c->fields[c->nfields - 1];
    return imp_err_set(e, f->line, f->col, SK_ELIMIT,
                       "field too large (more than %u bytes)",
                       (unsigned)SK_IMPORT_FIELD_MAX);
}

/* Copies the chunk's bytes from cpos up to END into the current field,
 * within the field and record limits. */
static int take_run(imp_csv *c, size_t end, imp_err *e)
{
    size_t run = end - c->cpos;
    if (c->blen - c->fields[c->nfields - 1].n + run > SK_IMPORT_FIELD_MAX)
        return too_large(c, e);
    if (c->blen + run > SK_IMPORT_RECORD_MAX)
        return imp_err_set(e, c->fields[0].line, c->fields[0].col, SK_ELIMIT,
                           "record too large (more than %u bytes)",
                           (unsigned)SK_IMPORT_RECORD_MAX);
    if (!buf_grow(c, run))
        return imp_err_set(e, c->line, c->col, SK_ENOMEM, "out of memory");
    memcpy(c->buf + c->blen, c->chunk + c->cpos, run);
    c->blen += run;
    c->cpos = end;
    return SK_OK;
}

/* Advances line and column over byte B. */
static inline void advance(imp_csv *c, unsigned char b)
{
    if (b == '\n') {
        if (!c->after_cr) {
            c->line++;
            c->col = 1;
        }
        c->after_cr = false;
    } else if (b == '\r') {
        c->line++;
        c->col = 1;
        c->after_cr = true;
    } else {
        c->after_cr = false;
        if ((b & 0xC0) != 0x80)
            c->col++;
    }
}

int imp_csv_next(imp_csv *c, imp_record *rec, imp_err *e)
{
    int st = ST_START;
    uint64_t qline = 0;           /* where the open quote is */
    uint32_t qcol = 0;
    c->blen = 0;
    c->nfields = 0;
    if (!c->chunk && !c->at_eof) {
        /* The first chunk is needed before the loop: it may decide the
         * delimiter. */
        int rc = next_chunk(c, e);
        if (rc != SK_OK && rc != SK_DONE)
            return rc;
    }
    const char delim = c->delim ? c->delim : ',', quote = c->quote;
    for (;;) {
        if (c->cpos >= c->clen) {
            if (c->at_eof)
                goto eof;
            int rc = next_chunk(c, e);
            if (rc == SK_DONE)
                goto eof;
            if (rc != SK_OK)
                return rc;
            continue;
        }
        unsigned char b = (unsigned char)c->chunk[c->cpos];
        if (st == ST_START) {
            /* A record skips leading line ends (blank lines). */
            if (c->nfields == 0 && (b == '\n' || b == '\r')) {
                advance(c, b);
                c->cpos++;
                continue;
            }
            int rc = field_begin(c, e);
            if (rc != SK_OK)
                return rc;
            if (quote && b == (unsigned char)quote) {
                qline = c->line;
                qcol = c->col;
                advance(c, b);
                c->cpos++;
                st = ST_QUOTED;
                continue;
            }
            st = ST_PLAIN;
        }
        if (st == ST_PLAIN) {
            /* Copy the run of ordinary bytes in one go. */
            size_t i = c->cpos;
            const char *s = c->chunk;
            while (i < c->clen) {
                unsigned char d = (unsigned char)s[i];
                if (d == (unsigned char)delim || d == '\n' || d == '\r')
                    break;
                if ((d & 0xC0) != 0x80)
                    c->col++;
                i++;
            }
            if (i > c->cpos) {
                c->after_cr = false;
                int rc = take_run(c, i, e);
                if (rc != SK_OK)
                    return rc;
            }
            if (i >= c->clen)
                continue;
            advance(c, b = (unsigned char)s[i]);
            c->cpos++;
            if (b == (unsigned char)delim) {
                /* A delimiter at the end of the line still opens a field. */
                int rc = field_begin(c, e);
                if (rc != SK_OK)
                    return rc;
                st = ST_AFTER_DELIM;
                continue;
            }
            goto record_done;
        }
        if (st == ST_AFTER_DELIM) {
            /* The field opened by the delimiter: quoted or plain. */
            if (quote && b == (unsigned char)quote) {
                qline = c->line;
                qcol = c->col;
                advance(c, b);
                c->cpos++;
                st = ST_QUOTED;
                continue;
            }
            st = ST_PLAIN;
            continue;
        }
        if (st == ST_QUOTED) {
            size_t i = c->cpos;
            const char *s = c->chunk;
            while (i < c->clen && (unsigned char)s[i] != (unsigned char)quote) {
                advance(c, (unsigned char)s[i]);
                i++;
            }
            if (i > c->cpos) {
                int rc = take_run(c, i, e);
                if (rc != SK_OK)
                    return rc;
            }
            if (i >= c->clen)
                continue;
            advance(c, (unsigned char)quote);
            c->cpos++;
            st = ST_QUOTE_SEEN;
            continue;
        }
        /* ST_QUOTE_SEEN: a doubled quote, the end of the field, or an error. */
        if (b == (unsigned char)quote) {
            if (!buf_grow(c, 1))
                return imp_err_set(e, c->line, c->col, SK_ENOMEM, "out of memory");
            c->buf[c->blen++] = quote;
            advance(c, b);
            c->cpos++;
            st = ST_QUOTED;
            continue;
        }
        if (b == (unsigned char)delim) {
            advance(c, b);
            c->cpos++;
            int rc = field_begin(c, e);
            if (rc != SK_OK)
                return rc;
            st = ST_AFTER_DELIM;
            continue;
        }
        if (b == '\n' || b == '\r') {
            advance(c, b);
            c->cpos++;
            goto record_done;
        }
        {
            char q[16];
            return imp_err_set(e, c->line, c->col, SK_EPARSE,
                               "unexpected %s after the closing quote of a field "
                               "(a quote inside a quoted field must be doubled)",
                               imp_quote(c->chunk + c->cpos, 1, q, sizeof q));
        }
    }
record_done:
    /* A CRLF's LF is consumed here so that the next record starts clean. */
    if (c->after_cr && c->cpos < c->clen && c->chunk[c->cpos] == '\n') {
        advance(c, '\n');
        c->cpos++;
    }
    finish_record(c, rec);
    return SK_OK;
eof:
    if (st == ST_QUOTED)
        return imp_err_set(e, qline, qcol, SK_EPARSE,
                           "unterminated quoted field: this quote is never closed");
    if (c->nfields == 0)
        return SK_DONE;
    finish_record(c, rec);
    return SK_OK;
}
