/*
 * format_table.c — results as aligned text for people at a terminal.
 *
 * A table prints as a header, a rule and one line per row, columns two
 * spaces apart, then a count line ("3 rows"). Numeric columns (integers,
 * reals, ids) are right-aligned; text cells and headers are cut to
 * max_width columns with "…" (numbers and times never are). Cell text is made inert first (control characters shown as
 * escapes) so seized data cannot drive the terminal. A graph prints as two
 * such tables, entities then links, and a path result adds one readable
 * line per path: "Jack Powell -[knows]- Alan Ward -[family_rel]-> Raymond
 * Walker". Colour (bold header, cyan ids) only when the caller asks.
 */
#include <stdlib.h>
#include <string.h>

#include "export_int.h"

#define C_BOLD "\x1b[1m"
#define C_DIM "\x1b[2m"
#define C_ID "\x1b[36m"
#define C_OFF "\x1b[0m"

/* Rendered cells of one table: text in one buffer, spans per cell. */
typedef struct grid {
    sk_xbuf text;
    size_t *off, *len, *width; /* (nrows + 1) * ncols; row 0 = header */
    size_t *colw;
    bool *right;
} grid;

static size_t cell_max(const sk_format_opts *o)
{
    size_t w = o->max_width ? o->max_width : SK_FORMAT_DEFAULT_WIDTH;
    return w < 2 ? 2 : w;
}

static bool is_numeric(sk_vtype t)
{
    return t == SK_V_INT || t == SK_V_REAL || t == SK_V_ID;
}

static void grid_free(grid *g)
{
    xbuf_free(&g->text);
    free(g->off);
    free(g->len);
    free(g->width);
    free(g->colw);
    free(g->right);
}

static void grid_cell(grid *g, size_t k, const char *s, size_t n, size_t maxw)
{
    size_t start = g->text.len;
    text_for_terminal(&g->text, s, n, maxw);
    g->off[k] = start;
    g->len[k] = g->text.len - start;
    g->width[k] = g->text.oom ? 0 : utf8_width(g->text.p + start, g->len[k]);
}

/* Renders T; text cells are cut to MAXW except in column NOCUT. */
static int grid_build(grid *g, const sk_table *t, size_t maxw, size_t nocut)
{
    *g = (grid){0};
    size_t cells = (t->nrows + 1) * t->ncols;
    g->off = calloc(cells ? cells : 1, sizeof *g->off);
    g->len = calloc(cells ? cells : 1, sizeof *g->len);
    g->width = calloc(cells ? cells : 1, sizeof *g->width);
    g->colw = calloc(t->ncols ? t->ncols : 1, sizeof *g->colw);
    g->right = calloc(t->ncols ? t->ncols : 1, sizeof *g->right);
    if (!g->off || !g->len || !g->width || !g->colw || !g->right)
        return SK_ENOMEM;
    sk_xbuf v = {0};
    for (size_t c = 0; c < t->ncols; c++) {
        const char *name = t->cols[c] ? t->cols[c] : "";
        grid_cell(g, c, name, strlen(name), maxw);
        bool numeric = false, other = false;
        for (size_t r = 0; r < t->nrows; r++) {
            const sk_value *cv = &t->cells[r * t->ncols + c];
            xbuf_clear(&v);
            value_text(&v, cv, VMODE_TABLE);
            /* Only text is cut: a time or number cut short would mislead. */
            grid_cell(g, (r + 1) * t->ncols + c, xbuf_cstr(&v), v.len,
                      cv->type == SK_V_STR && c != nocut ? maxw : 0);
            if (is_numeric(cv->type))
                numeric = true;
            else if (cv->type != SK_V_NULL)
                other = true;
        }
        g->right[c] = numeric && !other;
        for (size_t r = 0; r <= t->nrows; r++)
            if (g->width[r * t->ncols + c] > g->colw[c])
                g->colw[c] = g->width[r * t->ncols + c];
    }
    bool oom = v.oom || g->text.oom;
    xbuf_free(&v);
    return oom ? SK_ENOMEM : SK_OK;
}

static void pad(sk_xbuf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        xbuf_putc(b, ' ');
}

/* One line of the grid; ROW 0 is the header. */
static void grid_line(sk_xbuf *out, const grid *g, const sk_table *t,
                      size_t row, bool colour)
{
    for (size_t c = 0; c < t->ncols; c++) {
        size_t k = row * t->ncols + c;
        size_t gap = g->colw[c] - g->width[k];
        bool last = c + 1 == t->ncols;
        const char *on = NULL;
        if (colour && row == 0)
            on = C_BOLD;
        else if (colour && t->cells[(row - 1) * t->ncols + c].type == SK_V_ID)
            on = C_ID;
        if (c)
            xbuf_puts(out, "  ");
        if (g->right[c])
            pad(out, gap);
        if (on)
            xbuf_puts(out, on);
        xbuf_put(out, g->text.p + g->off[k], g->len[k]);
        if (on)
            xbuf_puts(out, C_OFF);
        if (!g->right[c] && !last)
            pad(out, gap);
    }
    /* An empty last cell leaves the separator behind: no trailing blanks. */
    while (out->len > 0 && out->p[out->len - 1] == ' ')
        out->len--;
    xbuf_putc(out, '\n');
}

static int count_line(sk_xbuf *out, size_t n, const char *one,
                      const char *many, bool colour, const sk_sink *s)
{
    if (colour)
        xbuf_puts(out, C_DIM);
    xbuf_printf(out, "%zu %s", n, n == 1 ? one : many);
    if (colour)
        xbuf_puts(out, C_OFF);
    xbuf_putc(out, '\n');
    return xbuf_flush(out, s);
}

/* Prints table T and its count line; column NOCUT (or SIZE_MAX) holds
 * text that must not be cut, such as time intervals. */
static int grid_emit(const sk_table *t, const char *one, const char *many,
                     size_t nocut, const sk_format_opts *o, sk_xbuf *out,
                     const sk_sink *s)
{
    grid g;
    int rc = grid_build(&g, t, cell_max(o), nocut);
    if (rc == SK_OK && t->ncols > 0) {
        grid_line(out, &g, t, 0, o->colour);
        if (o->colour)
            xbuf_puts(out, C_DIM);
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                xbuf_puts(out, "  ");
            for (size_t i = 0; i < g.colw[c]; i++)
                xbuf_putc(out, '-');
        }
        if (o->colour)
            xbuf_puts(out, C_OFF);
        xbuf_putc(out, '\n');
        rc = xbuf_flush(out, s);
        for (size_t r = 1; rc == SK_OK && r <= t->nrows; r++) {
            grid_line(out, &g, t, r, o->colour);
            rc = xbuf_flush(out, s);
        }
    }
    grid_free(&g);
    if (rc == SK_OK)
        rc = count_line(out, t->nrows, one, many, o->colour, s);
    return rc;
}

static sk_value v_str(const char *s)
{
    sk_value v = {.type = s ? SK_V_STR : SK_V_NULL};
    if (s) {
        v.u.str.ptr = s;
        v.u.str.len = strlen(s);
    }
    return v;
}

static sk_value v_id(sk_id id)
{
    return (sk_value){.type = SK_V_ID, .u.i = (int64_t)id};
}

static int entities_emit(const sk_graph *gr, const sk_format_opts *o,
                         sk_xbuf *out, const sk_sink *s)
{
    static const char *const cols[] = {"id", "type", "key", "label"};
    sk_table t = {4, (const char **)cols, gr->nnodes, NULL};
    t.cells = calloc(gr->nnodes ? gr->nnodes * 4 : 1, sizeof *t.cells);
    if (!t.cells)
        return SK_ENOMEM;
    for (size_t i = 0; i < gr->nnodes; i++) {
        const sk_rnode *n = &gr->nodes[i];
        sk_value *row = &t.cells[i * 4];
        row[0] = v_id(n->id);
        row[1] = v_str(n->type);
        row[2] = v_str(n->key);
        row[3] = v_str(n->label);
    }
    int rc = grid_emit(&t, "entity", "entities", SIZE_MAX, o, out, s);
    free(t.cells);
    return rc;
}

static int links_emit(const sk_graph *gr, const sk_format_opts *o,
                      sk_xbuf *out, const sk_sink *s)
{
    static const char *const cols[] = {"id", "src", "dst", "type", "time", "grade"};
    sk_table t = {6, (const char **)cols, gr->nlinks, NULL};
    sk_spool pool = {0};
    sk_xbuf tb = {0};
    t.cells = calloc(gr->nlinks ? gr->nlinks * 6 : 1, sizeof *t.cells);
    if (!t.cells)
        return SK_ENOMEM;
    for (size_t i = 0; i < gr->nlinks; i++) {
        const sk_rlink *l = &gr->links[i];
        sk_value *row = &t.cells[i * 6];
        xbuf_clear(&tb);
        time_span_iso(&tb, l->t_start, l->t_end, l->t_off);
        row[0] = v_id(l->id);
        row[1] = v_id(l->src);
        row[2] = v_id(l->dst);
        row[3] = v_str(l->type);
        row[4] = tb.len ? v_str(spool_keep(&pool, &tb)) : v_str(NULL);
        row[5] = v_str(l->grade);
    }
    int rc = pool.oom ? SK_ENOMEM : grid_emit(&t, "link", "links", 4, o, out, s);
    spool_free(&pool);
    xbuf_free(&tb);
    free(t.cells);
    return rc;
}

static void node_name(sk_xbuf *b, const sk_rnode *n, size_t maxw)
{
    const char *s = n->label && *n->label ? n->label
                  : n->key && *n->key ? n->key : NULL;
    if (s)
        text_for_terminal(b, s, strlen(s), maxw);
    else
        xbuf_printf(b, "#%llu", (unsigned long long)n->id);
}

/* The entity a path starts from: the end of its first link that the second
 * link does not touch (the source when the path has one link). */
static sk_id path_start(const sk_rlink *first, const sk_rlink *second)
{
    if (second && (first->src == second->src || first->src == second->dst))
        return first->dst;
    return first->src;
}

static void path_line(sk_xbuf *b, const sk_graph *gr, const sk_ridx *nx,
                      const sk_ridx *lx, size_t p, size_t maxw)
{
    size_t len = gr->path_len[p];
    const sk_id *ids = gr->paths[p];
    if (len == 0) {
        xbuf_puts(b, "(empty path)\n");
        return;
    }
    size_t i0 = ridx_find(lx, ids[0]);
    size_t i1 = len > 1 ? ridx_find(lx, ids[1]) : SIZE_MAX;
    if (i0 == SIZE_MAX) {
        xbuf_printf(b, "(link #%llu is not in the result)\n", (unsigned long long)ids[0]);
        return;
    }
    sk_id at = path_start(&gr->links[i0], i1 == SIZE_MAX ? NULL : &gr->links[i1]);
    size_t ni = ridx_find(nx, at);
    if (ni != SIZE_MAX)
        node_name(b, &gr->nodes[ni], maxw);
    else
        xbuf_printf(b, "#%llu", (unsigned long long)at);
    for (size_t k = 0; k < len; k++) {
        size_t li = ridx_find(lx, ids[k]);
        if (li == SIZE_MAX) {
            xbuf_printf(b, " -[#%llu?]- …", (unsigned long long)ids[k]);
            break;
        }
        const sk_rlink *l = &gr->links[li];
        bool fwd = l->src == at;
        sk_id next = fwd ? l->dst : l->src;
        const char *type = l->type ? l->type : "";
        xbuf_puts(b, l->directed && !fwd ? " <-[" : " -[");
        text_for_terminal(b, type, strlen(type), maxw);
        xbuf_puts(b, l->directed && fwd ? "]-> " : "]- ");
        ni = ridx_find(nx, next);
        if (ni != SIZE_MAX)
            node_name(b, &gr->nodes[ni], maxw);
        else
            xbuf_printf(b, "#%llu", (unsigned long long)next);
        at = next;
    }
    xbuf_putc(b, '\n');
}

static int paths_emit(const sk_graph *gr, const sk_format_opts *o,
                      sk_xbuf *out, const sk_sink *s)
{
    sk_ridx nx, lx;
    int rc = ridx_nodes(&nx, gr);
    if (rc == SK_OK)
        rc = ridx_links(&lx, gr);
    else
        lx = (sk_ridx){0};
    for (size_t p = 0; rc == SK_OK && p < gr->npaths; p++) {
        path_line(out, gr, &nx, &lx, p, cell_max(o));
        rc = xbuf_flush(out, s);
    }
    ridx_free(&nx);
    ridx_free(&lx);
    if (rc == SK_OK)
        rc = count_line(out, gr->npaths, "path", "paths", o->colour, s);
    return rc;
}

int table_emit(const sk_result *r, const sk_format_opts *o, const sk_sink *s)
{
    sk_xbuf out = {0};
    int rc;
    if (r->kind == SK_RESULT_TABLE) {
        rc = grid_emit(&r->table, "row", "rows", SIZE_MAX, o, &out, s);
    } else {
        rc = entities_emit(&r->graph, o, &out, s);
        if (rc == SK_OK) {
            xbuf_putc(&out, '\n');
            rc = links_emit(&r->graph, o, &out, s);
        }
        if (rc == SK_OK && r->graph.npaths > 0) {
            xbuf_putc(&out, '\n');
            rc = paths_emit(&r->graph, o, &out, s);
        }
    }
    if (rc == SK_OK && r->notice) {
        xbuf_puts(&out, "notice: ");
        text_for_terminal(&out, r->notice, strlen(r->notice), 0);
        xbuf_putc(&out, '\n');
        rc = xbuf_flush(&out, s);
    }
    xbuf_free(&out);
    return rc;
}
