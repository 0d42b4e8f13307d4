/*
 * chart_frame.c — what surrounds the network on a chart: a header with the
 * handling-code banner, the title, the query and when it was made; a legend
 * of the entity types and line styles used; and the banner again at the
 * bottom.
 *
 * Why after layout: only dot and fdp draw clusters and no engine puts a
 * second label at the bottom, so the frame is placed by hand around the
 * laid-out drawing and the whole is rendered by the "nop2" engine, which
 * keeps every given position. The frame's nodes are first laid out where
 * they stand to learn their sizes (text widths depend on the fonts), then
 * moved into place. Frame node names start with '_' and never clash with
 * entity ("e…") or count ("c…") nodes; their class is "frame" or "legend".
 */
#include <stdlib.h>
#include <string.h>

#include "chart_int.h"

#define GAP 18.0          /* points between the drawing and its frame */
#define LEGEND_TYPES 16   /* types listed before "… more" */
#define QUERY_COLS 90     /* the query is wrapped at this width */

typedef struct fbox {
    double x0, y0, x1, y1;
} fbox;

static bool read_bb(Agraph_t *g, fbox *b)
{
    char *bb = agget(g, "bb");
    return bb && sscanf(bb, "%lf,%lf,%lf,%lf", &b->x0, &b->y0, &b->x1, &b->y1) == 4;
}

static void node_size(Agnode_t *n, double *w, double *h)
{
    char *ws = agget(n, "width"), *hs = agget(n, "height");
    *w = ws && *ws ? atof(ws) * 72.0 : 54.0;
    *h = hs && *hs ? atof(hs) * 72.0 : 36.0;
}

static void place(Agnode_t *n, double x, double y)
{
    char pos[64];
    snprintf(pos, sizeof pos, "%.2f,%.2f!", x, y);
    gv_set(n, "pos", pos);
}

static Agnode_t *frame_node(Agraph_t *g, const char *name, const char *cls)
{
    Agnode_t *n = agnode(g, (char *)name, 1);
    gv_set(n, "shape", "plaintext");
    gv_set(n, "margin", "0");
    gv_set(n, "class", cls);
    gv_set(n, "pos", "0,0");
    gv_set(n, "label", "");
    return n;
}

/* The query, escaped and wrapped at spaces into lines of QUERY_COLS. */
static void query_html(sk_xbuf *b, const char *q)
{
    size_t n = strlen(q), col = 0, i = 0;
    while (i < n) {
        size_t word = i;
        while (word < n && q[word] != ' ' && q[word] != '\n')
            word++;
        size_t w = utf8_width(q + i, word - i);
        if (col > 0 && col + 1 + w > QUERY_COLS) {
            xbuf_puts(b, "<BR/>");
            col = 0;
        } else if (col > 0) {
            xbuf_putc(b, ' ');
            col++;
        }
        text_gvhtml(b, q + i, word - i);
        col += w;
        if (word < n && q[word] == '\n') {
            xbuf_puts(b, "<BR/>");
            col = 0;
        }
        i = word + 1;
    }
}

static void banner_row(sk_xbuf *b, const sk_chart_style *s, const char *code,
                       double width)
{
    xbuf_printf(b, "<TR><TD BGCOLOR=\"%s\" CELLPADDING=\"4\"", s->banner_fill);
    if (width > 0)
        xbuf_printf(b, " WIDTH=\"%.0f\"", width);
    xbuf_printf(b, "><FONT COLOR=\"%s\" POINT-SIZE=\"14\"><B>", s->banner_text);
    text_gvhtml(b, code, strlen(code));
    xbuf_puts(b, "</B></FONT></TD></TR>");
}

static void header_html(sk_xbuf *b, const chart_model *m, const sk_chart_style *s,
                        const chart_frame_info *fi, double width)
{
    xbuf_puts(b, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\">");
    if (fi->handling)
        banner_row(b, s, fi->handling, width);
    if (fi->title && *fi->title) {
        xbuf_puts(b, "<TR><TD><FONT POINT-SIZE=\"18\"><B>");
        text_gvhtml(b, fi->title, strlen(fi->title));
        xbuf_puts(b, "</B></FONT></TD></TR>");
    }
    if (fi->query && *fi->query) {
        xbuf_puts(b, "<TR><TD><FONT FACE=\"Courier\" POINT-SIZE=\"10\">");
        query_html(b, fi->query);
        xbuf_puts(b, "</FONT></TD></TR>");
    }
    sk_xbuf t = {0};
    xbuf_puts(&t, "made ");
    time_iso(&t, fi->created, fi->created_off);
    xbuf_printf(&t, " \xC2\xB7 %zu %s, %zu %s", m->entities,
                m->entities == 1 ? "entity" : "entities", m->nedges,
                m->nedges == 1 ? "line" : "lines");
    if (m->hidden)
        xbuf_printf(&t, " \xC2\xB7 %zu collapsed into count nodes", m->hidden);
    xbuf_puts(b, "<TR><TD><FONT POINT-SIZE=\"9\" COLOR=\"#555555\">");
    text_gvhtml(b, xbuf_cstr(&t), t.len);
    xbuf_puts(b, "</FONT></TD></TR>");
    if (fi->notice) {
        xbuf_puts(b, "<TR><TD><FONT POINT-SIZE=\"9\" COLOR=\"#b30000\">incomplete: ");
        text_gvhtml(b, fi->notice, strlen(fi->notice));
        xbuf_puts(b, "</FONT></TD></TR>");
    }
    xbuf_puts(b, "</TABLE>");
    xbuf_free(&t);
}

/* One legend row: the node N, or a line sample (A, B) and its text T. */
typedef struct lrow {
    Agnode_t *n;
    Agnode_t *a, *b, *t;
} lrow;

typedef struct legend {
    lrow rows[LEGEND_TYPES + 12];
    size_t nrows;
    Agraph_t *g;
} legend;

static Agnode_t *legend_text(legend *lg, const char *text, bool bold)
{
    char name[32];
    snprintf(name, sizeof name, "_legend_t%zu", lg->nrows);
    Agnode_t *n = frame_node(lg->g, name, "legend");
    gv_set(n, "height", "0.25"); /* rows as tall as their text */
    sk_xbuf b = {0};
    xbuf_puts(&b, bold ? "<B>" : "<FONT POINT-SIZE=\"10\">");
    text_gvhtml(&b, text, strlen(text));
    xbuf_puts(&b, bold ? "</B>" : "</FONT>");
    gv_set_html(lg->g, n, "label", xbuf_cstr(&b));
    xbuf_free(&b);
    return n;
}

static void legend_type(legend *lg, const char *type, const sk_chart_style *s,
                        bool count)
{
    const sk_type_style *ts = sk_chart_style_type(s, type);
    char name[32];
    snprintf(name, sizeof name, "_legend_n%zu", lg->nrows);
    Agnode_t *n = agnode(lg->g, name, 1);
    sk_xbuf b = {0};
    if (count) {
        xbuf_puts(&b, "count of hidden");
    } else {
        text_gv(&b, type, strlen(type));
    }
    gv_set(n, "label", xbuf_cstr(&b));
    gv_set(n, "shape", ts->shape);
    gv_set(n, "style", count ? "filled,dashed"
                     : strcmp(ts->shape, "fbox") == 0 ? "filled,rounded" : "filled");
    gv_set(n, "fillcolor", count ? "#ffffff" : ts->fill);
    gv_set(n, "fontsize", "10");
    gv_set(n, "class", "legend");
    gv_set(n, "pos", "0,0");
    lg->rows[lg->nrows++] = (lrow){.n = n};
    xbuf_free(&b);
}

static void legend_line(legend *lg, const char *style, const char *text)
{
    char name[32];
    lrow r = {0};
    snprintf(name, sizeof name, "_legend_a%zu", lg->nrows);
    r.a = agnode(lg->g, name, 1);
    snprintf(name, sizeof name, "_legend_b%zu", lg->nrows);
    r.b = agnode(lg->g, name, 1);
    Agnode_t *ends[2] = {r.a, r.b};
    for (int i = 0; i < 2; i++) {
        gv_set(ends[i], "shape", "point");
        gv_set(ends[i], "width", "0.03");
        gv_set(ends[i], "class", "legend");
        gv_set(ends[i], "pos", "0,0");
        gv_set(ends[i], "label", "");
    }
    Agedge_t *e = agedge(lg->g, r.a, r.b, NULL, 1);
    gv_set(e, "style", style);
    gv_set(e, "dir", "none");
    gv_set(e, "color", "#505050");
    gv_set(e, "class", "legend");
    gv_set(e, "label", "");
    gv_set(e, "tooltip", "");
    r.t = legend_text(lg, text, false);
    lg->rows[lg->nrows++] = r;
}

static bool seen_type(const chart_model *m, size_t upto, const char *type)
{
    for (size_t i = 0; i < upto; i++)
        if (strcmp(m->nodes[i].type, type) == 0)
            return true;
    return false;
}

static void legend_build(legend *lg, const chart_model *m, const sk_chart_style *s)
{
    lg->rows[lg->nrows] = (lrow){.n = legend_text(lg, "Legend", true)};
    lg->nrows++;
    size_t ntypes = 0, more = 0;
    bool counts = false;
    for (size_t i = 0; i < m->nnodes; i++) {
        counts |= m->nodes[i].ent == NULL;
        if (seen_type(m, i, m->nodes[i].type))
            continue;
        if (ntypes++ < LEGEND_TYPES)
            legend_type(lg, m->nodes[i].type, s, false);
        else
            more++;
    }
    if (more) {
        char t[48];
        snprintf(t, sizeof t, "\xE2\x80\xA6 %zu more types", more);
        lg->rows[lg->nrows] = (lrow){.n = legend_text(lg, t, false)};
        lg->nrows++;
    }
    if (counts)
        legend_type(lg, "other", s, true);
    bool used[3] = {false, false, false};
    static const char *const styles[3] = {"solid", "dashed", "dotted"};
    for (size_t i = 0; i < m->nedges; i++) {
        const cedge *e = &m->edges[i];
        if (!m->nodes[e->a].ent || !m->nodes[e->b].ent)
            continue;
        const char *st = chart_line_style(s, e->graded, e->reliability);
        for (int k = 0; k < 3; k++)
            used[k] |= strcmp(st, styles[k]) == 0;
    }
    char text[3][64];
    snprintf(text[0], sizeof text[0], "reliable (\xE2\x89\xA5 %g)", s->reliable);
    snprintf(text[1], sizeof text[1], "ungraded or medium");
    snprintf(text[2], sizeof text[2], "doubtful (< %g)", s->doubtful);
    for (int k = 0; k < 3; k++)
        if (used[k])
            legend_line(lg, styles[k], text[k]);
    if (m->scores)
        lg->rows[lg->nrows++] = (lrow){.n = legend_text(lg, "size: score", false)};
    if (m->communities)
        lg->rows[lg->nrows++] =
            (lrow){.n = legend_text(lg, "fill: community, border: type", false)};
}

/* Width of the legend column and its height. */
static void legend_measure(const legend *lg, double *w, double *h)
{
    *w = 0;
    *h = 0;
    for (size_t i = 0; i < lg->nrows; i++) {
        double nw, nh;
        if (lg->rows[i].n) {
            node_size(lg->rows[i].n, &nw, &nh);
        } else {
            node_size(lg->rows[i].t, &nw, &nh);
            nw += 48;
            nh = nh < 14 ? 14 : nh;
        }
        *w = nw > *w ? nw : *w;
        *h += nh + 6;
    }
}

/* Places the legend rows in a column whose top left corner is (X, TOP);
 * returns the y of its bottom. */
static double legend_place(legend *lg, double x, double top, double colw)
{
    double y = top;
    for (size_t i = 0; i < lg->nrows; i++) {
        lrow *r = &lg->rows[i];
        double nw, nh;
        if (r->n) {
            node_size(r->n, &nw, &nh);
            /* The title and notes sit left; type samples are centred. */
            bool text = strncmp(agnameof(r->n), "_legend_t", 9) == 0;
            place(r->n, text ? x + nw / 2 : x + colw / 2, y - nh / 2);
        } else {
            node_size(r->t, &nw, &nh);
            nh = nh < 14 ? 14 : nh;
            place(r->a, x + 4, y - nh / 2);
            place(r->b, x + 40, y - nh / 2);
            place(r->t, x + 48 + nw / 2, y - nh / 2);
        }
        y -= nh + 6;
    }
    return y;
}

static void legend_cluster(Agraph_t *g, const legend *lg, fbox b)
{
    Agraph_t *c = agsubg(g, "cluster_legend", 1);
    char bb[96];
    snprintf(bb, sizeof bb, "%.2f,%.2f,%.2f,%.2f", b.x0, b.y0, b.x1, b.y1);
    gv_set(c, "bb", bb);
    gv_set(c, "style", "rounded");
    gv_set(c, "color", "#999999");
    gv_set(c, "class", "legend");
    for (size_t i = 0; i < lg->nrows; i++) {
        const lrow *r = &lg->rows[i];
        Agnode_t *ns[4] = {r->n, r->a, r->b, r->t};
        for (int k = 0; k < 4; k++)
            if (ns[k])
                agsubnode(c, ns[k], 1);
        if (r->a)
            agsubedge(c, agedge(g, r->a, r->b, NULL, 0), 1);
    }
}

int chart_frame(GVC_t *gvc, Agraph_t *g, const chart_model *m,
                const sk_chart_style *s, const chart_frame_info *fi,
                char *err, size_t errlen)
{
    fbox main;
    if (!read_bb(g, &main)) {
        snprintf(err, errlen, "Graphviz gave the chart no bounding fbox");
        return SK_EIO;
    }
    legend lg = {.g = g};
    sk_xbuf html = {0};
    Agnode_t *head = frame_node(g, "_header", "frame");
    header_html(&html, m, s, fi, 0);
    gv_set_html(g, head, "label", xbuf_cstr(&html));
    Agnode_t *foot = NULL;
    if (fi->handling) {
        foot = frame_node(g, "_footer", "frame");
        xbuf_clear(&html);
        xbuf_puts(&html, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\">");
        banner_row(&html, s, fi->handling, 0);
        xbuf_puts(&html, "</TABLE>");
        gv_set_html(g, foot, "label", xbuf_cstr(&html));
    }
    legend_build(&lg, m, s);
    /* Sizing pass: lay out where everything stands to learn frame sizes. */
    if (gvLayout(gvc, g, "nop2") != 0) {
        xbuf_free(&html);
        snprintf(err, errlen, "Graphviz could not size the chart frame");
        return SK_EIO;
    }
    attach_attrs(g);
    /* The sizing pass routed the legend's sample lines between points that
     * all stood at the origin; let the final pass route them afresh. */
    for (size_t i = 0; i < lg.nrows; i++)
        if (lg.rows[i].a)
            gv_set(agedge(g, lg.rows[i].a, lg.rows[i].b, NULL, 0), "pos", "");
    double lw, lh, hw, hh, fw = 0, fh = 0;
    legend_measure(&lg, &lw, &lh);
    node_size(head, &hw, &hh);
    if (foot)
        node_size(foot, &fw, &fh);
    gvFreeLayout(gvc, g);

    double lx = main.x1 + 2 * GAP;
    double lbottom = legend_place(&lg, lx, main.y1, lw);
    fbox lbox = {lx - 8, lbottom - 2, lx + lw + 8, main.y1 + 8};
    legend_cluster(g, &lg, lbox);
    double left = main.x0, right = lbox.x1, cx = (left + right) / 2;
    double width = right - left;
    /* The banners span the whole drawing. */
    xbuf_clear(&html);
    header_html(&html, m, s, fi, width);
    gv_set_html(g, head, "label", xbuf_cstr(&html));
    double top = main.y1 > lbox.y1 ? main.y1 : lbox.y1;
    place(head, cx, top + GAP + hh / 2);
    if (foot) {
        xbuf_clear(&html);
        xbuf_puts(&html, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\">");
        banner_row(&html, s, fi->handling, width);
        xbuf_puts(&html, "</TABLE>");
        gv_set_html(g, foot, "label", xbuf_cstr(&html));
        double bottom = main.y0 < lbox.y0 ? main.y0 : lbox.y0;
        place(foot, cx, bottom - GAP - fh / 2);
    }
    bool oom = html.oom;
    xbuf_free(&html);
    if (oom) {
        snprintf(err, errlen, "out of memory");
        return SK_ENOMEM;
    }
    return SK_OK;
}
