/*
 * format_json.c — results as one JSON document (libjansson):
 *   table  {"columns":[…],"rows":[[…],…]}
 *   graph  {"nodes":[{"id","type","key","label","props"}],
 *           "links":[{"id","src","dst","type","time","props"}]}
 *          and, for paths, "paths":[[link ids in order],…]
 * plus "notice" when the result is incomplete and "handling" when it
 * carries a handling code. Ids are numbers; times are ISO 8601 strings
 * (an interval as "start/end"); geo points {"lat":…,"lon":…}; NaN and
 * infinities null. Strings that are not valid UTF-8 are repaired, since
 * JSON cannot carry them.
 */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "export_int.h"

static json_t *jstr_n(const char *s, size_t n)
{
    json_t *j = json_stringn(s ? s : "", s ? n : 0);
    if (j)
        return j;
    sk_xbuf b = {0};
    utf8_repair(&b, s, n);
    j = b.oom ? NULL : json_stringn(xbuf_cstr(&b), b.len);
    xbuf_free(&b);
    return j;
}

static json_t *jstr(const char *s)
{
    return s ? jstr_n(s, strlen(s)) : json_null();
}

static json_t *jreal(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

static json_t *jtime(int64_t start, int64_t end, int16_t off)
{
    if (start == SK_NO_TIME)
        return json_null();
    sk_xbuf b = {0};
    time_span_iso(&b, start, end, off);
    json_t *j = b.oom ? NULL : json_stringn(xbuf_cstr(&b), b.len);
    xbuf_free(&b);
    return j;
}

/* A value as JSON; NULL only when out of memory. */
static json_t *jvalue(const sk_value *v)
{
    switch (v->type) {
    case SK_V_NULL: return json_null();
    case SK_V_STR: return jstr_n(v->u.str.ptr, v->u.str.len);
    case SK_V_INT: return json_integer((json_int_t)v->u.i);
    case SK_V_REAL: return jreal(v->u.r);
    case SK_V_TIME: return jtime(v->u.time.t, v->u.time.t, v->u.time.off_min);
    case SK_V_GEO:
        return json_pack("{s:o,s:o}", "lat", jreal(v->u.geo.lat),
                         "lon", jreal(v->u.geo.lon));
    case SK_V_BOOL: return json_boolean(v->u.b);
    case SK_V_ID: return json_integer((json_int_t)v->u.i);
    }
    return json_null();
}

static json_t *jprops(const sk_rprop *p, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++) {
        if (!p[i].name)
            continue;
        json_t *v = jvalue(&p[i].value);
        if (!v || json_object_set_new(o, p[i].name, v) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

/* Appends V (stolen) to array A; false, with A released, on failure. */
static bool jpush(json_t *a, json_t *v)
{
    return v && json_array_append_new(a, v) == 0;
}

static json_t *table_json(const sk_table *t)
{
    json_t *cols = json_array(), *rows = json_array();
    bool ok = cols && rows;
    for (size_t c = 0; ok && c < t->ncols; c++)
        ok = jpush(cols, jstr(t->cols[c] ? t->cols[c] : ""));
    for (size_t r = 0; ok && r < t->nrows; r++) {
        json_t *row = json_array();
        ok = row != NULL;
        for (size_t c = 0; ok && c < t->ncols; c++)
            ok = jpush(row, jvalue(&t->cells[r * t->ncols + c]));
        ok = ok ? jpush(rows, row) : (json_decref(row), false);
    }
    if (!ok) {
        json_decref(cols);
        json_decref(rows);
        return NULL;
    }
    return json_pack("{s:o,s:o}", "columns", cols, "rows", rows);
}

static json_t *node_json(const sk_rnode *n)
{
    return json_pack("{s:I,s:o,s:o,s:o,s:o}", "id", (json_int_t)n->id,
                     "type", jstr(n->type ? n->type : ""),
                     "key", jstr(n->key ? n->key : ""),
                     "label", jstr(n->label ? n->label : ""),
                     "props", jprops(n->props, n->nprops));
}

static json_t *link_json(const sk_rlink *l)
{
    return json_pack("{s:I,s:I,s:I,s:o,s:o,s:o}", "id", (json_int_t)l->id,
                     "src", (json_int_t)l->src, "dst", (json_int_t)l->dst,
                     "type", jstr(l->type ? l->type : ""),
                     "time", jtime(l->t_start, l->t_end, l->t_off),
                     "props", jprops(l->props, l->nprops));
}

static json_t *graph_json(const sk_graph *g)
{
    json_t *doc = json_object(), *nodes = json_array(), *links = json_array();
    bool ok = doc && nodes && links;
    for (size_t i = 0; ok && i < g->nnodes; i++)
        ok = jpush(nodes, node_json(&g->nodes[i]));
    for (size_t i = 0; ok && i < g->nlinks; i++)
        ok = jpush(links, link_json(&g->links[i]));
    ok = ok && json_object_set(doc, "nodes", nodes) == 0 &&
         json_object_set(doc, "links", links) == 0;
    if (ok && g->npaths > 0) {
        json_t *paths = json_array();
        ok = paths != NULL;
        for (size_t p = 0; ok && p < g->npaths; p++) {
            json_t *one = json_array();
            ok = one != NULL;
            for (size_t k = 0; ok && k < g->path_len[p]; k++)
                ok = jpush(one, json_integer((json_int_t)g->paths[p][k]));
            ok = ok ? jpush(paths, one) : (json_decref(one), false);
        }
        ok = ok && json_object_set(doc, "paths", paths) == 0;
        json_decref(paths);
    }
    json_decref(nodes);
    json_decref(links);
    if (!ok) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

typedef struct dump_ctx {
    const sk_sink *sink;
    int rc;
} dump_ctx;

static int dump_cb(const char *buf, size_t size, void *data)
{
    dump_ctx *d = data;
    /* jansson may call again after a failure; the sink is told once. */
    if (d->rc != SK_OK)
        return -1;
    d->rc = d->sink->write(d->sink->ctx, buf, size);
    return d->rc == SK_OK ? 0 : -1;
}

int json_emit(const sk_result *r, const sk_format_opts *o, const sk_sink *s)
{
    json_t *doc = r->kind == SK_RESULT_TABLE ? table_json(&r->table)
                                             : graph_json(&r->graph);
    if (doc && r->notice && json_object_set_new(doc, "notice", jstr(r->notice)) != 0)
        json_decref(doc), doc = NULL;
    if (doc && r->handling_code &&
        json_object_set_new(doc, "handling", jstr(r->handling_code)) != 0)
        json_decref(doc), doc = NULL;
    if (!doc)
        return SK_ENOMEM;
    dump_ctx d = {s, SK_OK};
    size_t flags = (o->pretty ? JSON_INDENT(2) : JSON_COMPACT) |
                   JSON_REAL_PRECISION(15);
    int jrc = json_dump_callback(doc, dump_cb, &d, flags);
    json_decref(doc);
    if (jrc != 0)
        return d.rc != SK_OK ? d.rc : SK_ENOMEM;
    return s->write(s->ctx, "\n", 1);
}
