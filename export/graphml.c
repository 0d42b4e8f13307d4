/*
 * graphml.c — GraphML export: the whole graph result (not folded) with
 * every attribute declared as a typed <key> (string, long, double,
 * boolean), so networkx, Gephi, yEd and Cytoscape read numbers as numbers.
 *
 * Fixed node attributes: type, key, label, grade, handling, sources, and
 * score / community when present; edge attributes: type, directed, start,
 * end, weight, grade, reliability, handling, sources; then one key per
 * property name (a name clashing with a fixed one gets "prop:" in front).
 * Times are ISO 8601 strings (GraphML has no time type).
 *
 * Direction: GraphML readers such as networkx refuse a directed="false"
 * edge in a directed graph, so mixed graphs are written directed and each
 * edge carries its direction in the boolean "directed" attribute.
 */
#include <string.h>

#include "export_int.h"

static const char *graphml_type(sk_vtype t)
{
    switch (t) {
    case SK_V_INT:
    case SK_V_ID: return "long";
    case SK_V_REAL: return "double";
    case SK_V_BOOL: return "boolean";
    default: return "string";
    }
}

static void key_decl(sk_xbuf *b, const char *id, const char *dom,
                     const char *prefix, const char *name, const char *type)
{
    xbuf_printf(b, "  <key id=\"%s\" for=\"%s\" attr.name=\"", id, dom);
    if (prefix)
        xbuf_puts(b, prefix);
    text_xml(b, name, strlen(name));
    xbuf_printf(b, "\" attr.type=\"%s\"/>\n", type);
}

static void data_str(sk_xbuf *b, const char *key, const char *s)
{
    if (!s || !*s)
        return;
    xbuf_printf(b, "      <data key=\"%s\">", key);
    text_xml(b, s, strlen(s));
    xbuf_puts(b, "</data>\n");
}

static void data_value(sk_xbuf *b, const char *key, const sk_value *v)
{
    if (v->type == SK_V_NULL)
        return;
    sk_xbuf t = {0};
    value_text(&t, v, VMODE_DATA);
    xbuf_printf(b, "      <data key=\"%s\">", key);
    text_xml(b, xbuf_cstr(&t), t.len);
    xbuf_puts(b, "</data>\n");
    if (t.oom)
        b->oom = true;
    xbuf_free(&t);
}

static void data_sources(sk_xbuf *b, const char *key, const char *const *src,
                         size_t n)
{
    sk_xbuf j = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            xbuf_puts(&j, "; ");
        xbuf_puts(&j, src[i] ? src[i] : "");
    }
    data_str(b, key, xbuf_cstr(&j));
    xbuf_free(&j);
}

static const char *const k_nfixed[] = {"type", "key", "label", "grade", "handling",
                                       "sources", "score", "community"};
static const char *const k_efixed[] = {"type", "directed", "start", "end", "weight",
                                       "grade", "reliability", "handling", "sources"};

static bool clashes(const char *name, const char *const *fixed, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, fixed[i]) == 0)
            return true;
    return false;
}

static void prop_keys(sk_xbuf *b, const sk_pschema *ps, const char *dom,
                      char letter, const char *const *fixed, size_t nfixed)
{
    char id[32];
    for (size_t i = 0; i < ps->n; i++) {
        snprintf(id, sizeof id, "%cp%zu", letter, i);
        key_decl(b, id, dom, clashes(ps->cols[i].name, fixed, nfixed) ? "prop:" : NULL,
                 ps->cols[i].name, graphml_type(ps->cols[i].type));
    }
}

static void prop_data(sk_xbuf *b, const sk_pschema *ps, char letter,
                      const sk_rprop *p, size_t np)
{
    char id[32];
    for (size_t i = 0; i < ps->n; i++) {
        const sk_value *v = rprop_find(p, np, ps->cols[i].name);
        if (!v)
            continue;
        snprintf(id, sizeof id, "%cp%zu", letter, i);
        /* A property declared string because its types disagree is
         * written as text whatever the value's own type. */
        data_value(b, id, v);
    }
}

static void header(sk_xbuf *b, const sk_result *r, const sk_export_opts *o,
                   const sk_pschema *np, const sk_pschema *lp)
{
    bool score = false, comm = false;
    for (size_t i = 0; i < r->graph.nnodes; i++) {
        score |= r->graph.nodes[i].has_score;
        comm |= r->graph.nodes[i].community >= 0;
    }
    xbuf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
                 "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
                 "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
                 "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    static const char *const gkeys[] = {"title", "query", "created", "handling", "notice"};
    for (size_t i = 0; i < sizeof gkeys / sizeof gkeys[0]; i++) {
        char id[16];
        snprintf(id, sizeof id, "g_%s", gkeys[i]);
        key_decl(b, id, "graph", NULL, gkeys[i], "string");
    }
    static const char *const nstr[] = {"type", "key", "label", "grade", "handling"};
    for (size_t i = 0; i < sizeof nstr / sizeof nstr[0]; i++) {
        char id[16];
        snprintf(id, sizeof id, "n_%s", nstr[i]);
        key_decl(b, id, "node", NULL, nstr[i], "string");
    }
    if (!o->sanitise)
        key_decl(b, "n_sources", "node", NULL, "sources", "string");
    if (score)
        key_decl(b, "n_score", "node", NULL, "score", "double");
    if (comm)
        key_decl(b, "n_community", "node", NULL, "community", "long");
    prop_keys(b, np, "node", 'n', k_nfixed, sizeof k_nfixed / sizeof k_nfixed[0]);
    key_decl(b, "e_type", "edge", NULL, "type", "string");
    key_decl(b, "e_directed", "edge", NULL, "directed", "boolean");
    key_decl(b, "e_start", "edge", NULL, "start", "string");
    key_decl(b, "e_end", "edge", NULL, "end", "string");
    key_decl(b, "e_weight", "edge", NULL, "weight", "double");
    key_decl(b, "e_grade", "edge", NULL, "grade", "string");
    key_decl(b, "e_reliability", "edge", NULL, "reliability", "double");
    key_decl(b, "e_handling", "edge", NULL, "handling", "string");
    if (!o->sanitise)
        key_decl(b, "e_sources", "edge", NULL, "sources", "string");
    prop_keys(b, lp, "edge", 'e', k_efixed, sizeof k_efixed / sizeof k_efixed[0]);
}

static void graph_data(sk_xbuf *b, const sk_result *r, const sk_export_opts *o)
{
    sk_xbuf t = {0};
    time_iso(&t, o->created, o->created_off);
    data_str(b, "g_title", o->title);
    data_str(b, "g_query", o->query ? o->query : r->query);
    data_str(b, "g_created", xbuf_cstr(&t));
    data_str(b, "g_handling", r->handling_code);
    data_str(b, "g_notice", r->notice);
    xbuf_free(&t);
}

static void node_xml(sk_xbuf *b, const sk_rnode *n, const sk_pschema *ps,
                     bool sanitise)
{
    xbuf_printf(b, "    <node id=\"n%llu\">\n", (unsigned long long)n->id);
    data_str(b, "n_type", n->type);
    data_str(b, "n_key", n->key);
    data_str(b, "n_label", n->label);
    data_str(b, "n_grade", n->grade);
    data_str(b, "n_handling", n->handling_code);
    if (!sanitise)
        data_sources(b, "n_sources", n->sources, n->nsources);
    if (n->has_score) {
        sk_value v = {.type = SK_V_REAL, .u.r = n->score};
        data_value(b, "n_score", &v);
    }
    if (n->community >= 0)
        xbuf_printf(b, "      <data key=\"n_community\">%ld</data>\n", n->community);
    prop_data(b, ps, 'n', n->props, n->nprops);
    xbuf_puts(b, "    </node>\n");
}

static void link_xml(sk_xbuf *b, const sk_rlink *l, const sk_pschema *ps,
                     bool sanitise)
{
    xbuf_printf(b, "    <edge id=\"l%llu\" source=\"n%llu\" target=\"n%llu\">\n",
                (unsigned long long)l->id, (unsigned long long)l->src,
                (unsigned long long)l->dst);
    data_str(b, "e_type", l->type);
    xbuf_printf(b, "      <data key=\"e_directed\">%s</data>\n",
                l->directed ? "true" : "false");
    if (l->t_start != SK_NO_TIME) {
        sk_value v = {.type = SK_V_TIME, .u.time = {l->t_start, l->t_off}};
        data_value(b, "e_start", &v);
        v.u.time.t = l->t_end == SK_NO_TIME ? l->t_start : l->t_end;
        data_value(b, "e_end", &v);
    }
    sk_value w = {.type = SK_V_REAL, .u.r = l->weight};
    data_value(b, "e_weight", &w);
    data_str(b, "e_grade", l->grade);
    sk_value rel = {.type = SK_V_REAL, .u.r = l->reliability};
    data_value(b, "e_reliability", &rel);
    data_str(b, "e_handling", l->handling_code);
    if (!sanitise)
        data_sources(b, "e_sources", l->sources, l->nsources);
    prop_data(b, ps, 'e', l->props, l->nprops);
    xbuf_puts(b, "    </edge>\n");
}

static int graphml_body(const sk_result *r, const sk_export_opts *o,
                        const sk_sink *s)
{
    const sk_graph *g = &r->graph;
    sk_pschema np = {0}, lp = {0};
    if (pschema_nodes(&np, g) != SK_OK || pschema_links(&lp, g) != SK_OK) {
        pschema_free(&np);
        pschema_free(&lp);
        return SK_ENOMEM;
    }
    bool any_directed = false;
    for (size_t i = 0; i < g->nlinks; i++)
        any_directed |= g->links[i].directed;
    sk_xbuf b = {0};
    header(&b, r, o, &np, &lp);
    xbuf_printf(&b, "  <graph id=\"G\" edgedefault=\"%s\">\n",
                any_directed ? "directed" : "undirected");
    graph_data(&b, r, o);
    int rc = xbuf_flush(&b, s);
    for (size_t i = 0; rc == SK_OK && i < g->nnodes; i++) {
        node_xml(&b, &g->nodes[i], &np, o->sanitise);
        rc = xbuf_flush(&b, s);
    }
    for (size_t i = 0; rc == SK_OK && i < g->nlinks; i++) {
        link_xml(&b, &g->links[i], &lp, o->sanitise);
        rc = xbuf_flush(&b, s);
    }
    if (rc == SK_OK) {
        xbuf_puts(&b, "  </graph>\n</graphml>\n");
        rc = xbuf_flush(&b, s);
    }
    xbuf_free(&b);
    pschema_free(&np);
    pschema_free(&lp);
    return rc;
}

int graphml_write(const sk_result *r, const char *path,
                  const sk_export_opts *o, sk_export_report *rep)
{
    sk_afile af;
    char err[512];
    int rc = afile_open(&af, path, err, sizeof err);
    if (rc != SK_OK)
        return report_set(rep, rc, "%s", err);
    sk_sink s = afile_sink(&af);
    rc = graphml_body(r, o, &s);
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
