/*
 * gexf.c — GEXF 1.3 export (Gephi's format): the whole graph result with
 * typed attribute declarations, edge weights and labels, and viz colours
 * and shapes from the chart style so the file opens in Gephi looking like
 * the chart.
 *
 * Element order follows the 1.3 schema: meta, then graph with attributes
 * (node, edge), nodes, edges. Like GraphML, a graph whose links are not all
 * of one kind is written directed with a boolean "directed" attribute per
 * edge, because readers (networkx) refuse undirected edges in a directed
 * graph.
 */
#include <stdlib.h>
#include <string.h>

#include "export_int.h"

static const char *gexf_type(sk_vtype t)
{
    switch (t) {
    case SK_V_INT:
    case SK_V_ID: return "long";
    case SK_V_REAL: return "double";
    case SK_V_BOOL: return "boolean";
    default: return "string";
    }
}

static void attr_decl(sk_xbuf *b, const char *id, const char *title,
                      const char *type)
{
    xbuf_printf(b, "      <attribute id=\"%s\" title=\"", id);
    text_xml(b, title, strlen(title));
    xbuf_printf(b, "\" type=\"%s\"/>\n", type);
}

static void attv_str(sk_xbuf *b, const char *id, const char *s)
{
    if (!s || !*s)
        return;
    xbuf_printf(b, "          <attvalue for=\"%s\" value=\"", id);
    text_xml(b, s, strlen(s));
    xbuf_puts(b, "\"/>\n");
}

static void attv_value(sk_xbuf *b, const char *id, const sk_value *v)
{
    if (v->type == SK_V_NULL)
        return;
    sk_xbuf t = {0};
    value_text(&t, v, VMODE_DATA);
    attv_str(b, id, xbuf_cstr(&t));
    if (t.oom)
        b->oom = true;
    xbuf_free(&t);
}

static void attv_sources(sk_xbuf *b, const char *id, const char *const *src,
                         size_t n)
{
    sk_xbuf j = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            xbuf_puts(&j, "; ");
        xbuf_puts(&j, src[i] ? src[i] : "");
    }
    attv_str(b, id, xbuf_cstr(&j));
    xbuf_free(&j);
}

/* Titles of the fixed attributes; a property of the same name is
 * declared as "prop:NAME" so readers keep both. */
static const char *const k_fixed = "type|key|grade|handling|sources|score|"
                                   "community|directed|start|end|reliability";

static void props_decl(sk_xbuf *b, const sk_pschema *ps, char letter)
{
    char id[32];
    sk_xbuf title = {0};
    for (size_t i = 0; i < ps->n; i++) {
        snprintf(id, sizeof id, "%cp%zu", letter, i);
        xbuf_clear(&title);
        if (text_in_list(k_fixed, ps->cols[i].name))
            xbuf_puts(&title, "prop:");
        xbuf_puts(&title, ps->cols[i].name);
        attr_decl(b, id, xbuf_cstr(&title), gexf_type(ps->cols[i].type));
    }
    xbuf_free(&title);
}

static void props_values(sk_xbuf *b, const sk_pschema *ps, char letter,
                         const sk_rprop *p, size_t np)
{
    char id[32];
    for (size_t i = 0; i < ps->n; i++) {
        const sk_value *v = rprop_find(p, np, ps->cols[i].name);
        if (v) {
            snprintf(id, sizeof id, "%cp%zu", letter, i);
            attv_value(b, id, v);
        }
    }
}

/* The viz shape nearest to a Graphviz shape. */
static const char *viz_shape(const char *gv)
{
    if (strstr(gv, "box") || strcmp(gv, "rect") == 0 || strcmp(gv, "note") == 0 ||
        strcmp(gv, "folder") == 0 || strcmp(gv, "tab") == 0 ||
        strcmp(gv, "cylinder") == 0)
        return "square";
    if (strcmp(gv, "diamond") == 0)
        return "diamond";
    if (strstr(gv, "triangle"))
        return "triangle";
    return "disc";
}

static void node_viz(sk_xbuf *b, const sk_rnode *n, const sk_chart_style *st)
{
    const sk_type_style *ts = sk_chart_style_type(st, n->type ? n->type : "");
    unsigned rgb;
    if (ts->fill && ts->fill[0] == '#' && sscanf(ts->fill + 1, "%6x", &rgb) == 1)
        xbuf_printf(b, "        <viz:color r=\"%u\" g=\"%u\" b=\"%u\"/>\n",
                    (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
    xbuf_printf(b, "        <viz:shape value=\"%s\"/>\n", viz_shape(ts->shape));
}

static void node_xml(sk_xbuf *b, const sk_rnode *n, const sk_pschema *ps,
                     const sk_export_opts *o, const sk_chart_style *st)
{
    const char *label = n->label && *n->label ? n->label : n->key ? n->key : "";
    xbuf_printf(b, "      <node id=\"%llu\" label=\"", (unsigned long long)n->id);
    text_xml(b, label, strlen(label));
    xbuf_puts(b, "\">\n        <attvalues>\n");
    attv_str(b, "type", n->type);
    attv_str(b, "key", n->key);
    attv_str(b, "grade", n->grade);
    attv_str(b, "handling", n->handling_code);
    if (!o->sanitise)
        attv_sources(b, "sources", n->sources, n->nsources);
    if (n->has_score) {
        sk_value v = {.type = SK_V_REAL, .u.r = n->score};
        attv_value(b, "score", &v);
    }
    if (n->community >= 0)
        xbuf_printf(b, "          <attvalue for=\"community\" value=\"%ld\"/>\n",
                    n->community);
    props_values(b, ps, 'n', n->props, n->nprops);
    xbuf_puts(b, "        </attvalues>\n");
    node_viz(b, n, st);
    xbuf_puts(b, "      </node>\n");
}

static void edge_xml(sk_xbuf *b, const sk_rlink *l, const sk_pschema *ps,
                     const sk_export_opts *o, bool mixed)
{
    const char *type = l->type ? l->type : "";
    xbuf_printf(b, "      <edge id=\"%llu\" source=\"%llu\" target=\"%llu\"",
                (unsigned long long)l->id, (unsigned long long)l->src,
                (unsigned long long)l->dst);
    xbuf_puts(b, " label=\"");
    text_xml(b, type, strlen(type));
    xbuf_puts(b, "\" weight=\"");
    real_text(b, l->weight > 0 ? l->weight : 1.0);
    xbuf_puts(b, "\">\n        <attvalues>\n");
    attv_str(b, "type", type);
    if (mixed || l->directed)
        xbuf_printf(b, "          <attvalue for=\"directed\" value=\"%s\"/>\n",
                    l->directed ? "true" : "false");
    if (l->t_start != SK_NO_TIME) {
        sk_value v = {.type = SK_V_TIME, .u.time = {l->t_start, l->t_off}};
        attv_value(b, "start", &v);
        v.u.time.t = l->t_end == SK_NO_TIME ? l->t_start : l->t_end;
        attv_value(b, "end", &v);
    }
    attv_str(b, "grade", l->grade);
    sk_value rel = {.type = SK_V_REAL, .u.r = l->reliability};
    attv_value(b, "reliability", &rel);
    attv_str(b, "handling", l->handling_code);
    if (!o->sanitise)
        attv_sources(b, "sources", l->sources, l->nsources);
    props_values(b, ps, 'e', l->props, l->nprops);
    xbuf_puts(b, "        </attvalues>\n      </edge>\n");
}

static void gexf_head(sk_xbuf *b, const sk_result *r, const sk_export_opts *o,
                      const sk_pschema *np, const sk_pschema *lp,
                      const char *edgetype)
{
    int y, mo, d, h, mi, s;
    xbuf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<gexf xmlns=\"http://gexf.net/1.3\" "
                 "xmlns:viz=\"http://gexf.net/1.3/viz\" "
                 "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                 "xsi:schemaLocation=\"http://gexf.net/1.3 "
                 "http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n");
    if (time_fields(o->created, 0, &y, &mo, &d, &h, &mi, &s))
        xbuf_printf(b, "  <meta lastmodifieddate=\"%04d-%02d-%02d\">\n", y, mo, d);
    else
        xbuf_puts(b, "  <meta>\n");
    xbuf_puts(b, "    <creator>skein</creator>\n");
    sk_xbuf desc = {0};
    if (o->title)
        xbuf_printf(&desc, "%s\n", o->title);
    if (o->query || r->query)
        xbuf_printf(&desc, "%s\n", o->query ? o->query : r->query);
    if (r->handling_code)
        xbuf_printf(&desc, "handling: %s\n", r->handling_code);
    if (r->notice)
        xbuf_printf(&desc, "notice: %s\n", r->notice);
    if (desc.len) {
        xbuf_puts(b, "    <description>");
        text_xml(b, xbuf_cstr(&desc), desc.len - 1);
        xbuf_puts(b, "</description>\n");
    }
    xbuf_free(&desc);
    xbuf_printf(b, "  </meta>\n  <graph defaultedgetype=\"%s\" mode=\"static\">\n",
                edgetype);
    xbuf_puts(b, "    <attributes class=\"node\" mode=\"static\">\n");
    attr_decl(b, "type", "type", "string");
    attr_decl(b, "key", "key", "string");
    attr_decl(b, "grade", "grade", "string");
    attr_decl(b, "handling", "handling", "string");
    if (!o->sanitise)
        attr_decl(b, "sources", "sources", "string");
    attr_decl(b, "score", "score", "double");
    attr_decl(b, "community", "community", "long");
    props_decl(b, np, 'n');
    xbuf_puts(b, "    </attributes>\n    <attributes class=\"edge\" mode=\"static\">\n");
    attr_decl(b, "type", "type", "string");
    attr_decl(b, "directed", "directed", "boolean");
    attr_decl(b, "start", "start", "string");
    attr_decl(b, "end", "end", "string");
    attr_decl(b, "grade", "grade", "string");
    attr_decl(b, "reliability", "reliability", "double");
    attr_decl(b, "handling", "handling", "string");
    if (!o->sanitise)
        attr_decl(b, "sources", "sources", "string");
    props_decl(b, lp, 'e');
    xbuf_puts(b, "    </attributes>\n");
}

static int gexf_body(const sk_result *r, const sk_export_opts *o,
                     const sk_sink *s)
{
    const sk_graph *g = &r->graph;
    const sk_chart_style *st = o->style ? o->style : sk_chart_style_default();
    sk_pschema np = {0}, lp = {0};
    if (pschema_nodes(&np, g) != SK_OK || pschema_links(&lp, g) != SK_OK) {
        pschema_free(&np);
        pschema_free(&lp);
        return SK_ENOMEM;
    }
    size_t ndir = 0;
    for (size_t i = 0; i < g->nlinks; i++)
        ndir += g->links[i].directed;
    bool mixed = ndir > 0 && ndir < g->nlinks;
    sk_xbuf b = {0};
    gexf_head(&b, r, o, &np, &lp, ndir ? "directed" : "undirected");
    xbuf_puts(&b, "    <nodes>\n");
    int rc = xbuf_flush(&b, s);
    for (size_t i = 0; rc == SK_OK && i < g->nnodes; i++) {
        node_xml(&b, &g->nodes[i], &np, o, st);
        rc = xbuf_flush(&b, s);
    }
    xbuf_puts(&b, "    </nodes>\n    <edges>\n");
    for (size_t i = 0; rc == SK_OK && i < g->nlinks; i++) {
        edge_xml(&b, &g->links[i], &lp, o, mixed);
        rc = xbuf_flush(&b, s);
    }
    if (rc == SK_OK) {
        xbuf_puts(&b, "    </edges>\n  </graph>\n</gexf>\n");
        rc = xbuf_flush(&b, s);
    }
    xbuf_free(&b);
    pschema_free(&np);
    pschema_free(&lp);
    return rc;
}

int gexf_write(const sk_result *r, const char *path, const sk_export_opts *o,
               sk_export_report *rep)
{
    sk_afile af;
    char err[512];
    int rc = afile_open(&af, path, err, sizeof err);
    if (rc != SK_OK)
        return report_set(rep, rc, "%s", err);
    sk_sink s = afile_sink(&af);
    rc = gexf_body(r, o, &s);
    if (rc != SK_OK) {
        afile_abort(&af);
        return report_set(rep, rc, "cannot write \"%s\"%s", path,
                           rc == SK_ENOMEM ? ": out of memory" : "");
    }
    rc = afile_commit(&af, err, sizeof err);
    if (rc != SK_OK)
        return report_set(rep, rc, "%s", err);
    rep->entities = r->graph.nnodes;
    rep->links = r->graph.nlinks;
    return report_set(rep, SK_OK, "wrote %zu entities and %zu links to %s",
                       r->graph.nnodes, r->graph.nlinks, path);
}
