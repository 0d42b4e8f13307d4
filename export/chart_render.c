/*
 * chart_render.c — charts end to end: model, limit, layout engine, the
 * Graphviz context, layout, frame, render to the file, report.
 *
 * Graphviz runs in-process. Debian's libgvc loads its layout and output
 * plugins through the configuration file config6a written by `dot -c`;
 * when it is missing gvContext() still succeeds but knows no engine, so
 * the plugin lists are checked first and the message names the fix.
 * Graphviz's own error messages are captured (agseterr/aglasterr) instead
 * of going to stderr, and the previous error level is restored afterwards.
 *
 * The one piece of process state in export/ lives here: a single Graphviz
 * context, made on first use and kept for the life of the process. It
 * cannot be per call: Graphviz 2.4x's pango text layout caches a pointer
 * into the context's font table (gvtextlayout_pango.c, "fontname"), so
 * measuring text in a second context after the first was freed reads freed
 * memory. Graphviz is not thread-safe in any case; charts are drawn from
 * one thread.
 */
#include <stdlib.h>
#include <string.h>

#include "chart_int.h"

static const char *const k_engines[] = {"dot", "neato", "fdp", "sfdp", "circo", "twopi"};

static bool known_engine(const char *e)
{
    for (size_t i = 0; i < sizeof k_engines / sizeof k_engines[0]; i++)
        if (strcmp(e, k_engines[i]) == 0)
            return true;
    return false;
}

/* The engine for a chart of N nodes: dot while it stays readable as a
 * hierarchy, neato for mid-sized charts, sfdp (multilevel) beyond. */
static const char *auto_engine(size_t n)
{
    if (n <= SK_CHART_DOT_MAX)
        return "dot";
    return n <= SK_CHART_NEATO_MAX ? "neato" : "sfdp";
}

static bool has_plugin(GVC_t *gvc, const char *kind, const char *name, int *total)
{
    int n = 0;
    char **list = gvPluginList(gvc, kind, &n, NULL);
    bool found = false;
    for (int i = 0; i < n; i++) {
        if (list[i] && strcmp(list[i], name) == 0)
            found = true;
        free(list[i]);
    }
    free(list);
    *total = n;
    return found;
}

/* SK_OK when GVC can lay out with ENGINE (and nop2) and write FORMAT. */
static int check_plugins(GVC_t *gvc, const char *engine, const char *format,
                         sk_export_report *rep)
{
    int n;
    bool ok = has_plugin(gvc, "layout", engine, &n);
    if (n == 0) {
        const char *dir = getenv("GVBINDIR");
        return report_set(rep, SK_ENOTFOUND,
                           "Graphviz found no layout plugins: its plugin "
                           "configuration file config6a (in %s) is missing or out "
                           "of date; run `dot -c` as root to create it",
                           dir ? dir : "the Graphviz plugin directory, e.g. "
                                       "/usr/lib/x86_64-linux-gnu/graphviz");
    }
    if (!ok || !has_plugin(gvc, "layout", "nop2", &n))
        return report_set(rep, SK_ENOTFOUND,
                           "Graphviz has no \"%s\" layout plugin; check the "
                           "Graphviz installation and run `dot -c` as root",
                           ok ? "nop2" : engine);
    if (!has_plugin(gvc, "device", format, &n))
        return report_set(rep, SK_ENOTFOUND,
                           "Graphviz cannot write %s: no output plugin for it; "
                           "check the Graphviz installation (the cairo/pango "
                           "plugin for png and pdf) and run `dot -c` as root",
                           format);
    return SK_OK;
}

static const char *gv_error(void)
{
    const char *e = aglasterr();
    return e && *e ? e : "no message\n";
}

/* Lays out, frames and renders G into the open file AF. */
static int render(GVC_t *gvc, Agraph_t *g, const chart_model *m,
                  const sk_chart_style *s, const chart_frame_info *fi,
                  const char *engine, const char *format, FILE *out,
                  sk_export_report *rep)
{
    if (gvLayout(gvc, g, engine) != 0)
        return report_set(rep, SK_EIO, "Graphviz could not lay out the chart with %s: %s",
                           engine, gv_error());
    attach_attrs(g);
    gvFreeLayout(gvc, g);
    /* From here on nop2 must keep coordinates as given: by default it moves
     * the drawing to the origin, but not the legend cluster's box. */
    gv_set(g, "notranslate", "true");
    char err[256];
    int rc = chart_frame(gvc, g, m, s, fi, err, sizeof err);
    if (rc != SK_OK)
        return report_set(rep, rc, "%s", err);
    /* nop2 must compute the bounding box afresh, frame included. */
    gv_set(g, "bb", "");
    if (gvLayout(gvc, g, "nop2") != 0)
        return report_set(rep, SK_EIO, "Graphviz could not place the chart frame: %s",
                           gv_error());
    rc = gvRender(gvc, g, format, out) == 0 ? SK_OK : SK_EIO;
    gvFreeLayout(gvc, g);
    if (rc != SK_OK)
        return report_set(rep, rc, "Graphviz could not render %s: %s", format,
                           gv_error());
    return SK_OK;
}

static GVC_t *shared_gvc(void)
{
    static GVC_t *gvc;
    if (!gvc)
        gvc = gvContext();
    return gvc;
}

static int draw(const chart_model *m, const char *file, const char *format,
                const char *engine, const sk_export_opts *o,
                const chart_frame_info *fi, sk_export_report *rep)
{
    const sk_chart_style *s = o->style ? o->style : sk_chart_style_default();
    GVC_t *gvc = shared_gvc();
    if (!gvc)
        return report_set(rep, SK_ENOMEM, "Graphviz could not start");
    int rc = check_plugins(gvc, engine, format, rep);
    Agraph_t *g = NULL;
    if (rc == SK_OK) {
        g = chart_build(m, s, o->sanitise, engine);
        if (!g)
            rc = report_set(rep, SK_ENOMEM, "out of memory building the chart");
    }
    sk_afile af = {0};
    char err[512];
    if (rc == SK_OK) {
        rc = afile_open(&af, file, err, sizeof err);
        if (rc != SK_OK)
            report_set(rep, rc, "%s", err);
    }
    if (rc == SK_OK) {
        rc = render(gvc, g, m, s, fi, engine, format, af.f, rep);
        if (rc == SK_OK) {
            rc = afile_commit(&af, err, sizeof err);
            if (rc != SK_OK)
                report_set(rep, rc, "%s", err);
        } else {
            afile_abort(&af);
        }
    }
    if (g)
        agclose(g);
    return rc;
}

int chart_write(const sk_result *r, const char *file, sk_export_format f,
                const sk_export_opts *o, sk_export_report *rep)
{
    const char *format = sk_export_format_name(f);
    if (o->layout && *o->layout && strcmp(o->layout, "auto") != 0 &&
        !known_engine(o->layout))
        return report_set(rep, SK_EINVAL,
                           "unknown layout \"%s\": expected dot, neato, fdp, sfdp, "
                           "circo, twopi or auto", o->layout);
    chart_model m;
    if (chart_model_build(&m, &r->graph, o->collapse) != SK_OK)
        return report_set(rep, SK_ENOMEM, "out of memory building the chart");
    size_t limit = o->max_entities ? o->max_entities : SK_EXPORT_MAX_ENTITIES;
    int rc = SK_OK;
    if (m.nnodes == 0) {
        rc = report_set(rep, SK_EINVAL, "nothing to chart: the result has no entities");
    } else if (m.nnodes > limit && !o->force) {
        rc = report_set(rep, SK_ELIMIT,
                         "the chart would show %zu entities, over the limit of %zu: "
                         "narrow the query (a where filter, only TYPE, a smaller "
                         "depth or a time range), collapse busy entities, or force "
                         "the chart", m.nnodes, limit);
    }
    if (rc != SK_OK) {
        chart_model_free(&m);
        return rc;
    }
    const char *engine = o->layout && *o->layout && strcmp(o->layout, "auto") != 0
                             ? o->layout : auto_engine(m.nnodes);
    chart_frame_info fi = {
        .title = o->title,
        .query = o->query ? o->query : r->query,
        .handling = r->handling_code,
        .created = o->created,
        .created_off = o->created_off,
        .notice = r->notice,
    };
    agerrlevel_t old = agseterr(AGMAX);
    rc = draw(&m, file, format, engine, o, &fi, rep);
    agseterr(old);
    if (rc == SK_OK) {
        rep->entities = m.entities;
        rep->links = m.nedges;
        rep->hidden = m.hidden;
        snprintf(rep->layout, sizeof rep->layout, "%s", engine);
        report_set(rep, SK_OK, "wrote a chart of %zu entities and %zu lines to %s "
                    "(layout %s%s%s)", m.entities, m.nedges, file, engine,
                    m.hidden ? ", busy entities collapsed" : "",
                    m.nnodes > limit ? ", over the entity limit by force" : "");
    }
    chart_model_free(&m);
    return rc;
}
