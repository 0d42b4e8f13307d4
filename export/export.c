/*
 * export.c — sk_export_write: picks the format (named, or from the file
 * extension), checks that the result suits it and hands over to the chart
 * renderer or one of the data writers. JSON files are written here, as the
 * JSON printer's document in a file.
 *
 * Every writer reports through sk_export_report: counts and a one-line
 * message, on success ("wrote …") as on failure (why, and what to do).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export_int.h"

static const struct {
    sk_export_format f;
    const char *name, *ext;
    bool chart;
} k_export_formats[] = {
#define SK_X_ROW(id, name, ext, chart) {SK_EXPORT_##id, name, ext, chart},
    SK_EXPORT_FORMATS(SK_X_ROW)
#undef SK_X_ROW
};
#define N_EXPORT_FORMATS (sizeof k_export_formats / sizeof k_export_formats[0])

int sk_export_format_parse(const char *name, sk_export_format *out)
{
    for (size_t i = 0; name && i < N_EXPORT_FORMATS; i++) {
        if (text_ieq(name, k_export_formats[i].name)) {
            *out = k_export_formats[i].f;
            return SK_OK;
        }
    }
    if (name && text_ieq(name, "gv")) {
        *out = SK_EXPORT_DOT;
        return SK_OK;
    }
    return SK_EINVAL;
}

int sk_export_format_from_path(const char *path, sk_export_format *out)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot || dot[1] == '\0')
        return SK_EINVAL;
    return sk_export_format_parse(dot + 1, out);
}

const char *sk_export_format_name(sk_export_format f)
{
    for (size_t i = 0; i < N_EXPORT_FORMATS; i++)
        if (k_export_formats[i].f == f)
            return k_export_formats[i].name;
    return "?";
}

bool sk_export_format_is_chart(sk_export_format f)
{
    for (size_t i = 0; i < N_EXPORT_FORMATS; i++)
        if (k_export_formats[i].f == f)
            return k_export_formats[i].chart;
    return false;
}

void sk_export_opts_init(sk_export_opts *o)
{
    *o = (sk_export_opts){0};
    o->created = SK_NO_TIME;
}

int report_set(sk_export_report *rep, int code, const char *fmt, ...)
{
    if (rep) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(rep->message, sizeof rep->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

static int json_write(const sk_result *r, const char *path,
                      sk_export_report *rep)
{
    sk_afile af;
    char err[512];
    int rc = afile_open(&af, path, err, sizeof err);
    if (rc != SK_OK)
        return report_set(rep, rc, "%s", err);
    sk_sink s = afile_sink(&af);
    static const sk_format_opts k_pretty = {.pretty = true};
    rc = json_emit(r, &k_pretty, &s);
    if (rc != SK_OK) {
        afile_abort(&af);
        return report_set(rep, rc, rc == SK_ENOMEM ? "out of memory writing \"%s\""
                                                    : "cannot write \"%s\"", path);
    }
    rc = afile_commit(&af, err, sizeof err);
    if (rc != SK_OK)
        return report_set(rep, rc, "%s", err);
    if (r->kind == SK_RESULT_TABLE)
        return report_set(rep, SK_OK, "wrote %zu rows to %s", r->table.nrows, path);
    rep->entities = r->graph.nnodes;
    rep->links = r->graph.nlinks;
    return report_set(rep, SK_OK, "wrote %zu entities and %zu links to %s",
                       r->graph.nnodes, r->graph.nlinks, path);
}

int sk_export_write(const sk_result *r, const char *path,
                    const sk_export_opts *o, sk_export_report *rep)
{
    sk_export_opts eo;
    sk_export_report scratch;
    if (o)
        eo = *o;
    else
        sk_export_opts_init(&eo);
    /* 0 counts as unset too, so a zero-initialised struct means "now". */
    if (eo.created == SK_NO_TIME || eo.created == 0)
        eo.created = (int64_t)time(NULL);
    o = &eo;
    if (!rep)
        rep = &scratch;
    *rep = (sk_export_report){0};
    if (!path || !*path)
        return report_set(rep, SK_EINVAL, "export needs a file name");
    if (r->kind != SK_RESULT_TABLE && r->kind != SK_RESULT_GRAPH)
        return report_set(rep, SK_EINVAL, "the result is neither a table nor a graph");
    sk_export_format f = o->format;
    if (f == SK_EXPORT_NONE && sk_export_format_from_path(path, &f) != SK_OK)
        return report_set(rep, SK_EINVAL,
                           "cannot tell the format of \"%s\" from its extension: "
                           "name one of svg, png, pdf, dot, graphml, gexf, csv, json",
                           path);
    bool needs_graph = sk_export_format_is_chart(f) || f == SK_EXPORT_GRAPHML ||
                       f == SK_EXPORT_GEXF;
    if (needs_graph && r->kind != SK_RESULT_GRAPH)
        return report_set(rep, SK_EINVAL,
                           "%s needs a graph result (network, path, connect, "
                           "match … return graph); export a table as csv or json",
                           sk_export_format_name(f));
    switch (f) {
    case SK_EXPORT_SVG:
    case SK_EXPORT_PNG:
    case SK_EXPORT_PDF:
    case SK_EXPORT_DOT:
        return chart_write(r, path, f, o, rep);
    case SK_EXPORT_GRAPHML:
        return graphml_write(r, path, o, rep);
    case SK_EXPORT_GEXF:
        return gexf_write(r, path, o, rep);
    case SK_EXPORT_CSV:
        return csvpair_write(r, path, o, rep);
    case SK_EXPORT_JSON:
        return json_write(r, path, rep);
    case SK_EXPORT_NONE:
        break;
    }
    return report_set(rep, SK_EINVAL, "unknown export format");
}
