/*
 * format_csv.c — results as RFC 4180 CSV: CRLF line ends, a header line,
 * fields quoted when they hold a comma, a double quote, CR or LF, and
 * quotes inside doubled. Values are written as data, not for the eye:
 * ids as plain numbers, times in ISO 8601, nulls as empty fields, strings
 * exactly as stored (invalid UTF-8 repaired).
 *
 * A graph prints as two CSV blocks separated by an empty line — entities
 * (id,type,key,label) then links (id,src,dst,type,time,grade) — and a
 * path result adds a third block (path,step,link), one row per hop.
 */
#include <string.h>

#include "export_int.h"

void csv_field(sk_xbuf *b, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    sk_xbuf fixed = {0};
    utf8_repair(&fixed, s, n);
    const char *t = xbuf_cstr(&fixed);
    if (!quote) {
        xbuf_put(b, t, fixed.len);
    } else {
        xbuf_putc(b, '"');
        for (size_t i = 0; i < fixed.len; i++) {
            if (t[i] == '"')
                xbuf_putc(b, '"');
            xbuf_putc(b, t[i]);
        }
        xbuf_putc(b, '"');
    }
    if (fixed.oom)
        b->oom = true;
    xbuf_free(&fixed);
}

static void csv_str(sk_xbuf *b, const char *s)
{
    if (s)
        csv_field(b, s, strlen(s));
}

static void csv_value(sk_xbuf *b, const sk_value *v)
{
    sk_xbuf t = {0};
    value_text(&t, v, VMODE_DATA);
    csv_field(b, xbuf_cstr(&t), t.len);
    if (t.oom)
        b->oom = true;
    xbuf_free(&t);
}

static void csv_header(sk_xbuf *b, const char *const *cols, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        if (c)
            xbuf_putc(b, ',');
        csv_str(b, cols[c] ? cols[c] : "");
    }
    xbuf_puts(b, "\r\n");
}

static int table_csv(const sk_table *t, sk_xbuf *b, const sk_sink *s)
{
    csv_header(b, t->cols, t->ncols);
    int rc = xbuf_flush(b, s);
    for (size_t r = 0; rc == SK_OK && r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                xbuf_putc(b, ',');
            csv_value(b, &t->cells[r * t->ncols + c]);
        }
        xbuf_puts(b, "\r\n");
        rc = xbuf_flush(b, s);
    }
    return rc;
}

static int graph_csv(const sk_graph *g, sk_xbuf *b, const sk_sink *s)
{
    static const char *const ncols[] = {"id", "type", "key", "label"};
    static const char *const lcols[] = {"id", "src", "dst", "type", "time", "grade"};
    static const char *const pcols[] = {"path", "step", "link"};
    csv_header(b, ncols, 4);
    int rc = xbuf_flush(b, s);
    for (size_t i = 0; rc == SK_OK && i < g->nnodes; i++) {
        const sk_rnode *n = &g->nodes[i];
        xbuf_printf(b, "%llu,", (unsigned long long)n->id);
        csv_str(b, n->type);
        xbuf_putc(b, ',');
        csv_str(b, n->key);
        xbuf_putc(b, ',');
        csv_str(b, n->label);
        xbuf_puts(b, "\r\n");
        rc = xbuf_flush(b, s);
    }
    xbuf_puts(b, "\r\n");
    csv_header(b, lcols, 6);
    for (size_t i = 0; rc == SK_OK && i < g->nlinks; i++) {
        const sk_rlink *l = &g->links[i];
        xbuf_printf(b, "%llu,%llu,%llu,", (unsigned long long)l->id,
                    (unsigned long long)l->src, (unsigned long long)l->dst);
        csv_str(b, l->type);
        xbuf_putc(b, ',');
        time_span_iso(b, l->t_start, l->t_end, l->t_off);
        xbuf_putc(b, ',');
        csv_str(b, l->grade);
        xbuf_puts(b, "\r\n");
        rc = xbuf_flush(b, s);
    }
    if (rc == SK_OK && g->npaths > 0) {
        xbuf_puts(b, "\r\n");
        csv_header(b, pcols, 3);
        for (size_t p = 0; p < g->npaths; p++)
            for (size_t k = 0; k < g->path_len[p]; k++)
                xbuf_printf(b, "%zu,%zu,%llu\r\n", p + 1, k + 1,
                            (unsigned long long)g->paths[p][k]);
        rc = xbuf_flush(b, s);
    }
    return rc;
}

int csv_emit(const sk_result *r, const sk_sink *s)
{
    sk_xbuf b = {0};
    int rc = r->kind == SK_RESULT_TABLE ? table_csv(&r->table, &b, s)
                                        : graph_csv(&r->graph, &b, s);
    if (rc == SK_OK)
        rc = xbuf_flush(&b, s);
    xbuf_free(&b);
    return rc;
}
