/*
 * bench_qapi.c — one question through skein's public query API
 * (sk_query_exec), as an analyst's statement would run: parsed, planned,
 * executed in its own read transaction, its result built with names
 * resolved, and (with audit on) the consultation logged.
 */
#include "bench.h"
#include "query.h"

#include <stdio.h>
#include <string.h>

static int on_result(void *ctx, const sk_result *r)
{
    bench_answer *a = ctx;
    if (r->kind == SK_RESULT_TABLE)
        a->size = (int64_t)r->table.nrows;
    else if (r->graph.npaths || strncmp(r->query, "path", 4) == 0)
        a->size = r->graph.npaths ? (int64_t)r->graph.path_len[0] : -1;
    else
        a->size = (int64_t)r->graph.nnodes;
    snprintf(a->notice, sizeof a->notice, "%s", r->notice ? r->notice : "");
    return SK_OK;
}

int bench_qapi(sk_store *s, const char *text, bool audit, bench_answer *ans, bool *failed)
{
    sk_query_opts o = {.no_audit = !audit, .user = "skein-bench",
                       .reason = audit ? "benchmark" : NULL};
    sk_query_error err = {0};
    *ans = (bench_answer){.size = -1};
    int rc = sk_query_exec(s, text, strlen(text), &o, on_result, ans, &err);
    if (rc && failed && !*failed) {
        fprintf(stderr, "query failed: %s\n%s\n", text, err.msg);
        *failed = true;
    }
    return rc;
}
