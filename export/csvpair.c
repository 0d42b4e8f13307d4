/*
 * csvpair.c — CSV export to files. A table goes to the named file as the
 * CSV printer writes it. A graph becomes a pair beside it, named from the
 * file's stem: STEM_entities.csv (id,type,key,label,grade,handling[,score]
 * [,community][,sources] then one column per property) and STEM_links.csv
 * (id,src,dst,type,directed,start,end,weight,grade,reliability,handling
 * [,sources] then properties) — the layout spreadsheet users and graph
 * tools (Gephi, neo4j-admin with a header edit) import directly.
 *
 * A property named like a fixed column is written as "prop:NAME". Sources
 * are joined with "; " and left out when the export is sanitised.
 */
#include <stdlib.h>
#include <string.h>

#include "export_int.h"

static const char *const k_ncols[] = {"id", "type", "key", "label", "grade",
                                      "handling", "score", "community", "sources"};
static const char *const k_lcols[] = {"id", "src", "dst", "type", "directed",
                                      "start", "end", "weight", "grade",
                                      "reliability", "handling", "sources"};

static bool is_fixed(const char *name, const char *const *fixed, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, fixed[i]) == 0)
            return true;
    return false;
}

static void prop_headers(sk_xbuf *b, const sk_pschema *ps,
                         const char *const *fixed, size_t nfixed)
{
    for (size_t i = 0; i < ps->n; i++) {
        xbuf_putc(b, ',');
        sk_xbuf h = {0};
        if (is_fixed(ps->cols[i].name, fixed, nfixed))
            xbuf_puts(&h, "prop:");
        xbuf_puts(&h, ps->cols[i].name);
        csv_field(b, xbuf_cstr(&h), h.len);
        xbuf_free(&h);
    }
}

static void prop_cells(sk_xbuf *b, const sk_pschema *ps, const sk_rprop *p,
                       size_t np)
{
    sk_xbuf t = {0};
    for (size_t i = 0; i < ps->n; i++) {
        xbuf_putc(b, ',');
        const sk_value *v = rprop_find(p, np, ps->cols[i].name);
        if (!v)
            continue;
        xbuf_clear(&t);
        value_text(&t, v, VMODE_DATA);
        csv_field(b, xbuf_cstr(&t), t.len);
    }
    xbuf_free(&t);
}

static void str_cell(sk_xbuf *b, const char *s)
{
    xbuf_putc(b, ',');
    if (s)
        csv_field(b, s, strlen(s));
}

static void sources_cell(sk_xbuf *b, const char *const *src, size_t n)
{
    sk_xbuf j = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            xbuf_puts(&j, "; ");
        xbuf_puts(&j, src[i] ? src[i] : "");
    }
    xbuf_putc(b, ',');
    csv_field(b, xbuf_cstr(&j), j.len);
    xbuf_free(&j);
}

static int entities_csv(const sk_graph *g, bool sanitise, sk_xbuf *b,
                        const sk_sink *s)
{
    bool score = false, comm = false;
    for (size_t i = 0; i < g->nnodes; i++) {
        score |= g->nodes[i].has_score;
        comm |= g->nodes[i].community >= 0;
    }
    sk_pschema ps;
    if (pschema_nodes(&ps, g) != SK_OK)
        return SK_ENOMEM;
    xbuf_puts(b, "id,type,key,label,grade,handling");
    xbuf_puts(b, score ? ",score" : "");
    xbuf_puts(b, comm ? ",community" : "");
    xbuf_puts(b, sanitise ? "" : ",sources");
    prop_headers(b, &ps, k_ncols, sizeof k_ncols / sizeof k_ncols[0]);
    xbuf_puts(b, "\r\n");
    int rc = xbuf_flush(b, s);
    for (size_t i = 0; rc == SK_OK && i < g->nnodes; i++) {
        const sk_rnode *n = &g->nodes[i];
        xbuf_printf(b, "%llu", (unsigned long long)n->id);
        str_cell(b, n->type);
        str_cell(b, n->key);
        str_cell(b, n->label);
        str_cell(b, n->grade);
        str_cell(b, n->handling_code);
        if (score) {
            xbuf_putc(b, ',');
            if (n->has_score)
                real_text(b, n->score);
        }
        if (comm) {
            xbuf_putc(b, ',');
            if (n->community >= 0)
                xbuf_printf(b, "%ld", n->community);
        }
        if (!sanitise)
            sources_cell(b, n->sources, n->nsources);
        prop_cells(b, &ps, n->props, n->nprops);
        xbuf_puts(b, "\r\n");
        rc = xbuf_flush(b, s);
    }
    pschema_free(&ps);
    return rc;
}

static int links_csv(const sk_graph *g, bool sanitise, sk_xbuf *b,
                     const sk_sink *s)
{
    sk_pschema ps;
    if (pschema_links(&ps, g) != SK_OK)
        return SK_ENOMEM;
    xbuf_puts(b, "id,src,dst,type,directed,start,end,weight,grade,reliability,handling");
    xbuf_puts(b, sanitise ? "" : ",sources");
    prop_headers(b, &ps, k_lcols, sizeof k_lcols / sizeof k_lcols[0]);
    xbuf_puts(b, "\r\n");
    int rc = xbuf_flush(b, s);
    for (size_t i = 0; rc == SK_OK && i < g->nlinks; i++) {
        const sk_rlink *l = &g->links[i];
        xbuf_printf(b, "%llu,%llu,%llu", (unsigned long long)l->id,
                    (unsigned long long)l->src, (unsigned long long)l->dst);
        str_cell(b, l->type);
        xbuf_puts(b, l->directed ? ",true," : ",false,");
        time_iso(b, l->t_start, l->t_off);
        xbuf_putc(b, ',');
        time_iso(b, l->t_end, l->t_off);
        xbuf_putc(b, ',');
        real_text(b, l->weight);
        str_cell(b, l->grade);
        xbuf_putc(b, ',');
        real_text(b, l->reliability);
        str_cell(b, l->handling_code);
        if (!sanitise)
            sources_cell(b, l->sources, l->nsources);
        prop_cells(b, &ps, l->props, l->nprops);
        xbuf_puts(b, "\r\n");
        rc = xbuf_flush(b, s);
    }
    pschema_free(&ps);
    return rc;
}

typedef int (*part_fn)(const sk_graph *g, bool sanitise, sk_xbuf *b,
                       const sk_sink *s);

/* Writes one file of the pair (or the table file when G is NULL). */
static int write_part(const char *path, const sk_result *r, part_fn fn,
                      bool sanitise, sk_export_report *rep)
{
    sk_afile af;
    char err[512];
    int rc = afile_open(&af, path, err, sizeof err);
    if (rc != SK_OK)
        return report_set(rep, rc, "%s", err);
    sk_sink s = afile_sink(&af);
    sk_xbuf b = {0};
    rc = fn ? fn(&r->graph, sanitise, &b, &s) : csv_emit(r, &s);
    if (rc == SK_OK)
        rc = xbuf_flush(&b, &s);
    xbuf_free(&b);
    if (rc != SK_OK) {
        afile_abort(&af);
        return report_set(rep, rc, "cannot write \"%s\"%s", path,
                           rc == SK_ENOMEM ? ": out of memory" : "");
    }
    rc = afile_commit(&af, err, sizeof err);
    return rc == SK_OK ? SK_OK : report_set(rep, rc, "%s", err);
}

int csvpair_write(const sk_result *r, const char *path,
                  const sk_export_opts *o, sk_export_report *rep)
{
    if (r->kind == SK_RESULT_TABLE) {
        int rc = write_part(path, r, NULL, o->sanitise, rep);
        if (rc != SK_OK)
            return rc;
        return report_set(rep, SK_OK, "wrote %zu rows to %s", r->table.nrows, path);
    }
    /* The stem: PATH without a final ".csv". */
    size_t n = strlen(path);
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot && text_ieq(dot, ".csv"))
        n = (size_t)(dot - path);
    size_t cap = n + sizeof "_entities.csv";
    char *ents = malloc(cap), *links = malloc(cap);
    if (!ents || !links) {
        free(ents);
        free(links);
        return report_set(rep, SK_ENOMEM, "out of memory");
    }
    snprintf(ents, cap, "%.*s_entities.csv", (int)n, path);
    snprintf(links, cap, "%.*s_links.csv", (int)n, path);
    int rc = write_part(ents, r, entities_csv, o->sanitise, rep);
    if (rc == SK_OK)
        rc = write_part(links, r, links_csv, o->sanitise, rep);
    if (rc == SK_OK) {
        rep->entities = r->graph.nnodes;
        rep->links = r->graph.nlinks;
        report_set(rep, SK_OK, "wrote %zu entities to %s and %zu links to %s",
                    r->graph.nnodes, ents, r->graph.nlinks, links);
    }
    free(ents);
    free(links);
    return rc;
}
