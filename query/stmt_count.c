/*
 * stmt_count.c — the count stage: `… | count [entities|links|paths|rows]`
 * turns the piped result into a one-row table of its sizes.
 *
 *   graph         entities, links (and paths first, for a path result)
 *   table         rows
 *   count WHAT    that one column; WHAT must apply to the input
 *
 * A path result is one made by path, paths, shortest or connect, or any
 * graph that carries paths: its columns do not depend on whether a path
 * was found.
 *
 * The stage before a count runs knowing it (exec.c sets x->counting), and
 * the traversal stages then build a hollow graph: the same ids, filtered
 * by access in the same way, without reading the records a count does not
 * show (build.c). So the count is the size of the full result the same
 * statement gives without '| count'. A count shows no material, so it
 * carries no handling code.
 */
#include "exec_int.h"

static bool path_stage(sk_stage_kind k)
{
    return k == SK_STAGE_PATH || k == SK_STAGE_PATHS || k == SK_STAGE_SHORTEST ||
           k == SK_STAGE_CONNECT;
}

/* Whether the input is a path result: see the opening comment. */
static bool is_path_result(const sk_exec *x, const sk_ast_stage *st, const sk_result *in)
{
    if (in->graph.npaths)
        return true;
    const sk_ast_stage *first = x->stmt->stages;
    return st > first && path_stage(st[-1].kind);
}

/* Checks that WHAT applies to IN; the reason when it does not. */
static int check_what(sk_exec *x, const sk_ast_stage *st, const sk_result *in, bool paths)
{
    sk_countable what = st->u.count;
    bool table = in->kind == SK_RESULT_TABLE;
    if (table && what != SK_COUNT_ALL && what != SK_COUNT_ROWS)
        return sk_exec_fail(x, SK_EINVAL, st->span,
                            "the input is a table: it has rows, not entities, links or paths "
                            "(write 'count' or 'count rows')");
    if (!table && what == SK_COUNT_ROWS)
        return sk_exec_fail(x, SK_EINVAL, st->span,
                            "the input is a graph: it has entities and links, not rows "
                            "(write 'count', 'count entities' or 'count links')");
    if (!table && what == SK_COUNT_PATHS && !paths)
        return sk_exec_fail(x, SK_EINVAL, st->span,
                            "the input holds no paths: only path, paths, shortest and "
                            "connect give paths to count");
    return SK_OK;
}

/* One column of the count: its name and value. */
typedef struct size_col {
    const char *name;
    int64_t value;
} size_col;

/* The columns IN gets for WHAT (checked by check_what) into COLS. */
static size_t size_cols(const sk_result *in, sk_countable what, bool paths, size_col *cols)
{
    bool all = what == SK_COUNT_ALL;
    size_t n = 0;
    if (in->kind == SK_RESULT_TABLE) {
        cols[n++] = (size_col){"rows", (int64_t)in->table.nrows};
        return n;
    }
    if (paths && (all || what == SK_COUNT_PATHS))
        cols[n++] = (size_col){"paths", (int64_t)in->graph.npaths};
    if (all || what == SK_COUNT_ENTITIES)
        cols[n++] = (size_col){"entities", (int64_t)in->graph.nnodes};
    if (all || what == SK_COUNT_LINKS)
        cols[n++] = (size_col){"links", (int64_t)in->graph.nlinks};
    return n;
}

int sk_stage_count(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    bool paths = in->kind == SK_RESULT_GRAPH && is_path_result(x, st, in);
    int rc = check_what(x, st, in, paths);
    if (rc)
        return rc;
    size_col cols[3];
    size_t n = size_cols(in, st->u.count, paths, cols);
    const char *names[3];
    for (size_t i = 0; i < n; i++)
        names[i] = cols[i].name;
    sk_tbuild *tb;
    if ((rc = sk_tb_new(x, names, n, &tb)) != SK_OK)
        return rc;
    if (!sk_tb_row(tb)) {
        sk_tb_free(tb);
        return x->code ? x->code : sk_exec_fail(x, SK_ENOMEM, st->span, "out of memory");
    }
    for (size_t i = 0; !rc && i < n; i++)
        rc = sk_tb_set(tb, i, (sk_value){.type = SK_V_INT, .u.i = cols[i].value});
    if (rc) {
        sk_tb_free(tb);
        return rc;
    }
    sk_exec_plan(x, "count: %s",
                 st->u.count == SK_COUNT_ALL ? "every size of the input" : names[0]);
    return sk_tb_finish(tb, out);
}
