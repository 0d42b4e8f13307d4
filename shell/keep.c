/*
 * keep.c — keeping a result after its statement has finished.
 *
 * A result handed to the shell lives in the engine's arena and dies when
 * the callback returns. `.export` writes the last result after the fact,
 * and `skein export` writes the result of the query's last statement, so
 * the shell copies a result — every string, property, source list and
 * path — into an arena of its own. A kept result points only into that
 * arena (never into the engine's memory or the store's map).
 */
#include "cli.h"

#include <string.h>

/* Copies N bytes of S (NULL stays NULL) and a terminating NUL. */
static const char *dup_str(sk_arena *a, const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *d = sk_arena_strndup(a, s, strlen(s));
    if (!d)
        *oom = true;
    return d;
}

static void *dup_mem(sk_arena *a, const void *p, size_t n, bool *oom)
{
    if (!p || n == 0)
        return NULL;
    void *d = sk_arena_alloc(a, n);
    if (!d) {
        *oom = true;
        return NULL;
    }
    memcpy(d, p, n);
    return d;
}

/* A value's string (results keep them NUL-terminated) is copied; other
 * kinds hold no pointers. */
static void dup_value(sk_arena *a, sk_value *v, bool *oom)
{
    if (v->type != SK_V_STR || !v->u.str.ptr)
        return;
    char *d = sk_arena_strndup(a, v->u.str.ptr, v->u.str.len);
    if (!d)
        *oom = true;
    v->u.str.ptr = d;
}

static sk_rprop *dup_props(sk_arena *a, const sk_rprop *p, size_t n, bool *oom)
{
    sk_rprop *d = dup_mem(a, p, n * sizeof *p, oom);
    for (size_t i = 0; d && i < n; i++) {
        d[i].name = dup_str(a, p[i].name, oom);
        dup_value(a, &d[i].value, oom);
    }
    return d;
}

static const char **dup_strs(sk_arena *a, const char *const *v, size_t n, bool *oom)
{
    const char **d = dup_mem(a, v, n * sizeof *v, oom);
    for (size_t i = 0; d && i < n; i++)
        d[i] = dup_str(a, v[i], oom);
    return d;
}

static void dup_table(sk_arena *a, sk_table *t, bool *oom)
{
    t->cols = dup_strs(a, t->cols, t->ncols, oom);
    t->cells = dup_mem(a, t->cells, t->nrows * t->ncols * sizeof *t->cells, oom);
    for (size_t i = 0; t->cells && i < t->nrows * t->ncols; i++)
        dup_value(a, &t->cells[i], oom);
}

static void dup_graph(sk_arena *a, sk_graph *g, bool *oom)
{
    g->nodes = dup_mem(a, g->nodes, g->nnodes * sizeof *g->nodes, oom);
    for (size_t i = 0; g->nodes && i < g->nnodes; i++) {
        sk_rnode *n = &g->nodes[i];
        n->type = dup_str(a, n->type, oom);
        n->key = dup_str(a, n->key, oom);
        n->label = dup_str(a, n->label, oom);
        n->props = dup_props(a, n->props, n->nprops, oom);
        n->sources = dup_strs(a, n->sources, n->nsources, oom);
        n->grade = dup_str(a, n->grade, oom);
        n->handling_code = dup_str(a, n->handling_code, oom);
    }
    g->links = dup_mem(a, g->links, g->nlinks * sizeof *g->links, oom);
    for (size_t i = 0; g->links && i < g->nlinks; i++) {
        sk_rlink *l = &g->links[i];
        l->type = dup_str(a, l->type, oom);
        l->props = dup_props(a, l->props, l->nprops, oom);
        l->sources = dup_strs(a, l->sources, l->nsources, oom);
        l->grade = dup_str(a, l->grade, oom);
        l->handling_code = dup_str(a, l->handling_code, oom);
    }
    sk_id **paths = dup_mem(a, g->paths, g->npaths * sizeof *g->paths, oom);
    for (size_t i = 0; paths && i < g->npaths; i++)
        paths[i] = dup_mem(a, g->paths[i], g->path_len[i] * sizeof **g->paths, oom);
    g->paths = paths;
    g->path_len = dup_mem(a, g->path_len, g->npaths * sizeof *g->path_len, oom);
}

int cli_keep(cli_kept *k, const sk_result *r)
{
    sk_arena *a = sk_arena_new();
    if (!a)
        return SK_ENOMEM;
    bool oom = false;
    sk_result c = *r;
    c.query = dup_str(a, r->query, &oom);
    c.notice = dup_str(a, r->notice, &oom);
    c.handling_code = dup_str(a, r->handling_code, &oom);
    if (r->kind == SK_RESULT_TABLE)
        dup_table(a, &c.table, &oom);
    else if (r->kind == SK_RESULT_GRAPH)
        dup_graph(a, &c.graph, &oom);
    if (oom) {
        sk_arena_free(a);
        return SK_ENOMEM;
    }
    cli_kept_clear(k);
    k->a = a;
    k->r = c;
    k->set = true;
    return SK_OK;
}

void cli_kept_clear(cli_kept *k)
{
    sk_arena_free(k->a);
    *k = (cli_kept){0};
}
