/*
 * exec.c — running a script: parse, then for each statement open one
 * transaction, run its stages in pipeline order (each stage's result is
 * the next one's input) and hand the last result to the caller.
 *
 * Statements that write (create, link, set, delete, merge, unmerge) run
 * through sk_store_write, so a statement either commits whole or changes
 * nothing, and a full map is grown and the statement re-run from the
 * start. Every other statement runs in a read transaction and never blocks
 * or is blocked by a writer.
 *
 * `explain` runs a read statement and returns, instead of its rows, what
 * the planner chose for each stage and how many rows each produced.
 */
#include "exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const sk_stage_fn handlers[SK_STAGE__COUNT] = {
    [SK_STAGE_FIND] = sk_stage_find,
    [SK_STAGE_SHOW] = sk_stage_show,
    [SK_STAGE_NEIGHBOURS] = sk_stage_neighbours,
    [SK_STAGE_NETWORK] = sk_stage_network,
    [SK_STAGE_PATH] = sk_stage_path,
    [SK_STAGE_PATHS] = sk_stage_paths,
    [SK_STAGE_SHORTEST] = sk_stage_shortest,
    [SK_STAGE_CONNECT] = sk_stage_connect,
    [SK_STAGE_COMMON] = sk_stage_common,
    [SK_STAGE_MATCH] = sk_stage_match,
    [SK_STAGE_RANK] = sk_stage_rank,
    [SK_STAGE_COMMUNITIES] = sk_stage_communities,
    [SK_STAGE_COMPONENTS] = sk_stage_components,
    [SK_STAGE_TIMELINE] = sk_stage_timeline,
    [SK_STAGE_COLOCATED] = sk_stage_colocated,
    [SK_STAGE_CONVOY] = sk_stage_convoy,
    [SK_STAGE_DUPLICATES] = sk_stage_duplicates,
    [SK_STAGE_MERGE] = sk_stage_merge,
    [SK_STAGE_UNMERGE] = sk_stage_unmerge,
    [SK_STAGE_CREATE] = sk_stage_create,
    [SK_STAGE_LINK] = sk_stage_link,
    [SK_STAGE_SET] = sk_stage_set,
    [SK_STAGE_DELETE] = sk_stage_delete,
    [SK_STAGE_EXPORT] = sk_stage_export,
    [SK_STAGE_STATS] = sk_stage_stats,
    [SK_STAGE_FILTER] = sk_stage_filter,
    [SK_STAGE_COUNT] = sk_stage_count,
    [SK_STAGE_PURGE] = sk_stage_purge,
    [SK_STAGE_RETAIN] = sk_stage_retain,
    [SK_STAGE_REVIEW] = sk_stage_review,
};

/* Stages that take a piped result; of those, export and where need one,
 * while rank, communities and components run on the whole case when they
 * come first. */
static bool takes_input(sk_stage_kind k)
{
    switch (k) {
    case SK_STAGE_RANK: case SK_STAGE_COMMUNITIES: case SK_STAGE_COMPONENTS:
    case SK_STAGE_EXPORT: case SK_STAGE_FILTER: case SK_STAGE_COUNT:
        return true;
    default:
        return false;
    }
}

static bool needs_input(sk_stage_kind k)
{
    return k == SK_STAGE_EXPORT || k == SK_STAGE_FILTER || k == SK_STAGE_COUNT;
}

/* Stages whose graph, when only counted, may hold ids alone: they build
 * it with the graph builder and read nothing back from it, so a hollow
 * result (build.c) gives the count they would have given in full. */
static bool counts_hollow(sk_stage_kind k)
{
    switch (k) {
    case SK_STAGE_NETWORK: case SK_STAGE_PATH: case SK_STAGE_PATHS: case SK_STAGE_SHORTEST:
    case SK_STAGE_CONNECT:
        return true;
    default:
        return false;
    }
}

static bool writes(const sk_ast_stmt *st)
{
    for (size_t i = 0; i < st->nstages; i++)
        switch (st->stages[i].kind) {
        case SK_STAGE_CREATE: case SK_STAGE_LINK: case SK_STAGE_SET: case SK_STAGE_DELETE:
        case SK_STAGE_MERGE: case SK_STAGE_UNMERGE: case SK_STAGE_PURGE: case SK_STAGE_RETAIN:
            return true;
        default:
            break;
        }
    return false;
}

int sk_exec_fail(sk_exec *x, int code, sk_span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sk_diag_vset(&x->diag, span, fmt, ap);
    va_end(ap);
    x->code = code;
    return code;
}

int sk_exec_store_fail(sk_exec *x, int code, sk_span span)
{
    const char *m = sk_txn_errmsg(x->t);
    return sk_exec_fail(x, code, span, "%s", m && *m ? m : sk_strerror(code));
}

static void append(char *buf, size_t cap, const char *sep, const char *fmt, va_list ap)
{
    size_t n = strlen(buf);
    if (n && n + strlen(sep) < cap) {
        strcpy(buf + n, sep);
        n += strlen(sep);
    }
    if (n < cap)
        vsnprintf(buf + n, cap - n, fmt, ap);
}

void sk_exec_notice(sk_exec *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    append(x->notice, sizeof x->notice, "; ", fmt, ap);
    va_end(ap);
}

void sk_exec_plan(sk_exec *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    append(x->plan, sizeof x->plan, "\n", fmt, ap);
    va_end(ap);
}

int sk_exec_check(sk_exec *x, sk_span span)
{
    if (x->opts && x->opts->cancel && *x->opts->cancel)
        return sk_exec_fail(x, SK_ECANCELLED, span, "cancelled");
    if (sk_arena_used(x->a) + sk_arena_used(x->tmp) > (size_t)SK_QUERY_MAX_MEMORY)
        return sk_exec_fail(x, SK_ELIMIT, span,
                            "the query needs more than %d MiB of memory; narrow it with "
                            "a type, 'via', 'depth' or 'limit'",
                            SK_QUERY_MAX_MEMORY >> 20);
    return SK_OK;
}

/* Runs the stages of X->stmt; the last result goes to *OUT. */
static int run_stages(sk_exec *x, sk_result *out)
{
    const sk_ast_stmt *st = x->stmt;
    sk_result prev = {0}, cur = {0};
    int arc = sk_exec_access(x);
    if (arc)
        return arc;
    for (size_t i = 0; i < st->nstages; i++) {
        const sk_ast_stage *sg = &st->stages[i];
        bool first = i == 0;
        if (first && needs_input(sg->kind))
            return sk_exec_fail(x, SK_EPARSE, sg->span,
                                "'%s' needs an input: put it after a statement and '|'",
                                sk_stage_name(sg->kind));
        if (!first && !takes_input(sg->kind))
            return sk_exec_fail(x, SK_EPARSE, sg->span,
                                "'%s' reads the case and cannot take piped input; start a "
                                "new statement",
                                sk_stage_name(sg->kind));
        int rc = sk_exec_check(x, sg->span);
        if (rc)
            return rc;
        cur = (sk_result){0};
        /* Followed by 'count': build only what the count needs. */
        const sk_ast_stage *next = i + 1 < st->nstages ? &st->stages[i + 1] : NULL;
        x->counting = next && next->kind == SK_STAGE_COUNT && counts_hollow(sg->kind);
        x->count_entities_only = x->counting && next->u.count == SK_COUNT_ENTITIES;
        rc = handlers[sg->kind](x, sg, first ? NULL : &prev, &cur);
        x->counting = x->count_entities_only = false;
        if (rc) {
            if (!x->code)
                sk_exec_fail(x, rc, sg->span, "%s", sk_strerror(rc));
            return x->code;
        }
        size_t rows = cur.kind == SK_RESULT_TABLE ? cur.table.nrows : cur.graph.nnodes;
        sk_exec_plan(x, "stage %zu: %s → %zu %s", i + 1, sk_stage_name(sg->kind), rows,
                     cur.kind == SK_RESULT_TABLE ? "rows" : "entities");
        prev = cur;
    }
    *out = prev;
    return SK_OK;
}

static void finish_result(sk_exec *x, sk_result *r)
{
    const sk_ast_stmt *st = x->stmt;
    r->query = sk_arena_strndup(x->a, x->text + st->span.start, st->span.end - st->span.start);
    if (x->notice[0])
        r->notice = sk_arena_strndup(x->a, x->notice, strlen(x->notice));
}

/* ---- the audit log ---- */

const char *sk_exec_user(const sk_exec *x)
{
    const sk_query_opts *o = x->opts;
    if (o && o->user && *o->user)
        return o->user;
    const char *u = getenv("SKEIN_USER");
    if (u && *u)
        return u;
    return sk_audit_login(x->s);
}

/* The category of what a statement does, by its strongest stage. */
static sk_audit_category category(const sk_ast_stmt *st, const char **action)
{
    sk_audit_category c = SK_AUDIT_CONSULTATION;
    *action = "query";
    for (size_t i = 0; i < st->nstages; i++)
        switch (st->stages[i].kind) {
        case SK_STAGE_CREATE: case SK_STAGE_LINK:
            c = SK_AUDIT_COLLECTION;
            *action = "manual entry";
            break;
        case SK_STAGE_SET: case SK_STAGE_DELETE: case SK_STAGE_RETAIN:
            c = SK_AUDIT_ALTERATION;
            *action = st->stages[i].kind == SK_STAGE_SET      ? "set"
                      : st->stages[i].kind == SK_STAGE_DELETE ? "delete"
                                                              : "retain";
            break;
        case SK_STAGE_PURGE:
            c = SK_AUDIT_ERASURE;
            *action = "purge";
            break;
        case SK_STAGE_MERGE: case SK_STAGE_UNMERGE:
            c = SK_AUDIT_COMBINATION;
            *action = st->stages[i].kind == SK_STAGE_MERGE ? "merge" : "unmerge";
            break;
        case SK_STAGE_EXPORT:
            c = SK_AUDIT_DISCLOSURE;
            *action = "export";
            break;
        default:
            break;
        }
    return c;
}

static uint64_t result_size(const sk_result *r)
{
    return r->kind == SK_RESULT_TABLE ? r->table.nrows : r->graph.nnodes;
}

/* Texts an entry points into while it is written or queued. */
typedef struct audit_text {
    char target[256], detail[512];
} audit_text;

/* Fills E with the statement's entry; its strings live in X's arenas and
 * in TXT. */
static void audit_entry(sk_exec *x, const sk_result *r, sk_audit_entry *e, audit_text *txt)
{
    const sk_ast_stmt *st = x->stmt;
    char *target = txt->target, *detail = txt->detail;
    target[0] = detail[0] = '\0';
    *e = (sk_audit_entry){.time = time(NULL), .user = sk_exec_user(x),
                          .reason = x->opts ? x->opts->reason : NULL,
                          .count = r ? result_size(r) : 0};
    e->category = category(st, &e->action);
    e->query = sk_arena_strndup(x->tmp, x->text + st->span.start, st->span.end - st->span.start);
    for (size_t i = 0; i < st->nstages; i++) {
        const sk_ast_stage *sg = &st->stages[i];
        if (sg->kind == SK_STAGE_EXPORT)
            snprintf(target, sizeof txt->target, "%s", sg->u.export.file.u.str.ptr);
    }
    if (x->audit_target)
        snprintf(target, sizeof txt->target, "#%llu", (unsigned long long)x->audit_target);
    /* An erasure is logged as metadata only: the statement names what was
     * erased, so its text is not kept (nor is the reason's). */
    if (e->category == SK_AUDIT_ERASURE) {
        e->query = "purge";
        e->count = x->audit_count;
        snprintf(detail, sizeof txt->detail, "%llu entit%s erased",
                 (unsigned long long)x->audit_count, x->audit_count == 1 ? "y" : "ies");
    }
    if (e->category == SK_AUDIT_DISCLOSURE && x->disclosed) {
        const char *auth = x->opts ? x->opts->authorised_by : NULL;
        snprintf(detail, sizeof txt->detail, "%zu entities, handling %s%s%s",
                 x->disclosed_entities,
                 x->disclosed_handling ? x->disclosed_handling : "none",
                 auth && *auth ? "; authorised by " : "", auth && *auth ? auth : "");
        e->count = x->disclosed_entities;
    }
    e->target = target;
    e->detail = detail;
}

/* Appends the statement's entry in T (the statement's own transaction for
 * changes, a short one of its own for consultations when the case wants
 * each synced). */
static int audit(sk_exec *x, sk_txn *t, const sk_result *r)
{
    sk_audit_entry e;
    audit_text txt;
    audit_entry(x, r, &e, &txt);
    int rc = sk_audit_append(t, &e, NULL);
    if (rc)
        return sk_exec_fail(x, rc, x->stmt->span, "cannot write the audit log: %s",
                            sk_txn_errmsg(t));
    return SK_OK;
}

typedef struct audit_ctx {
    sk_exec *x;
    const sk_result *r;
} audit_ctx;

static int audit_write(sk_txn *t, void *ctx)
{
    audit_ctx *a = ctx;
    return audit(a->x, t, a->r);
}

typedef struct write_ctx {
    sk_exec *x;
    sk_result *out;
} write_ctx;

static int write_stmt(sk_txn *t, void *ctx)
{
    write_ctx *w = ctx;
    sk_exec *x = w->x;
    /* A retry after the map grew starts from nothing. */
    sk_exec_cleanup(x);
    sk_arena_reset(x->a);
    sk_arena_reset(x->tmp);
    x->src = NULL;
    x->names = NULL;
    x->t = t;
    x->code = SK_OK;
    x->notice[0] = x->plan[0] = '\0';
    x->audit_target = x->audit_count = 0;
    x->compact = false;
    int rc = run_stages(x, w->out);
    if (!rc)
        rc = audit(x, t, w->out);
    x->t = NULL;
    return rc;
}

/* Builds the explain table: one row per line of the plan. */
static int explain_result(sk_exec *x, sk_result *r)
{
    const char *cols[] = {"plan"};
    sk_tbuild *b;
    int rc = sk_tb_new(x, cols, 1, &b);
    if (rc)
        return rc;
    char *canon = sk_ast_print_stmt(x->stmt, x->tmp);
    if (canon && sk_tb_row(b))
        sk_tb_set(b, 0, sk_exec_str(x, canon, strlen(canon)));
    for (const char *p = x->plan; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (sk_tb_row(b))
            sk_tb_set(b, 0, sk_exec_str(x, p, n));
        p += n + (e ? 1 : 0);
    }
    return sk_tb_finish(b, r);
}

/* The case's settings for statements (metadata, docs/audit.md): whether
 * a justification is required ("require_reason") and whether each
 * consultation must be on disk before its result is returned
 * ("audit_sync"; otherwise consultations are group-committed). */
typedef struct stmt_settings {
    bool require_reason, audit_sync;
} stmt_settings;

static bool meta_on(sk_txn *t, const char *key)
{
    const char *v;
    size_t n;
    return sk_meta_get(t, key, &v, &n) == SK_OK && n == 1 && v[0] == '1';
}

static stmt_settings read_settings(sk_store *s)
{
    stmt_settings st = {0};
    sk_txn *t;
    if (sk_txn_begin(s, false, &t) != SK_OK)
        return st;
    st.require_reason = meta_on(t, "require_reason");
    st.audit_sync = meta_on(t, "audit_sync");
    sk_txn_abort(t);
    return st;
}

/* Logs a consultation or disclosure after its read: queued for the next
 * group commit, or in a short write of its own when the case says so. */
static int log_read(sk_exec *x, const sk_result *r, bool sync)
{
    if (sync) {
        audit_ctx ac = {x, r};
        return sk_store_write(x->s, audit_write, &ac);
    }
    sk_audit_entry e;
    audit_text txt;
    audit_entry(x, r, &e, &txt);
    return sk_audit_queue(x->s, &e);
}

static int run_stmt(sk_store *s, const char *text, size_t len, const sk_ast_stmt *st,
                    const sk_query_opts *opts, bool explain, sk_result_fn fn, void *ctx,
                    sk_query_error *err)
{
    sk_exec x = {.s = s, .text = text, .len = len, .opts = opts, .stmt = st};
    x.a = sk_arena_new();
    x.tmp = sk_arena_new();
    x.planner_off = opts && opts->no_planner;
    int rc = x.a && x.tmp ? SK_OK : SK_ENOMEM;
    sk_result r = {0};
    explain = explain || st->explain;
    stmt_settings set = read_settings(s);
    if (!rc && !(opts && opts->reason && *opts->reason) && set.require_reason) {
        rc = sk_exec_fail(&x, SK_EACCESS, st->span,
                          "this case requires a reason for every statement: give --reason "
                          "\"…\" (or .reason in the shell)");
    } else if (rc) {
        sk_diag_set(&x.diag, st->span, "out of memory");
    } else if (writes(st) && explain) {
        sk_exec_plan(&x, "writes: not run under explain");
    } else if (writes(st)) {
        write_ctx w = {&x, &r};
        rc = sk_store_write(s, write_stmt, &w);
        if (rc && !x.code)
            sk_exec_fail(&x, rc, st->span, "%s", sk_store_errmsg(s));
        /* Freed pages still hold what was purged until the file is
         * rewritten without them. */
        if (!rc && x.compact && (rc = sk_store_compact(s)) != SK_OK)
            sk_exec_fail(&x, rc, st->span, "purged, but the file could not be compacted: %s",
                         sk_store_errmsg(s));
    } else {
        rc = sk_txn_begin(s, false, &x.t);
        if (rc) {
            sk_exec_fail(&x, rc, st->span, "%s", sk_store_errmsg(s));
        } else {
            rc = run_stages(&x, &r);
            sk_txn_abort(x.t);
            x.t = NULL;
        }
        /* Consultation is logged after the read, in its own short write:
         * a query never holds the write lock while it runs. */
        bool log = !(opts && opts->no_audit) || x.disclosed;
        if (!rc && log && !explain) {
            rc = log_read(&x, &r, set.audit_sync || x.disclosed);
            if (rc && !x.code)
                sk_exec_fail(&x, rc, st->span, "cannot write the audit log: %s",
                             sk_store_errmsg(s));
        }
    }
    if (!rc && explain)
        rc = explain_result(&x, &r);
    if (!rc) {
        finish_result(&x, &r);
        rc = fn ? fn(ctx, &r) : SK_OK;
        if (rc && err) {
            err->code = rc;
            snprintf(err->msg, sizeof err->msg, "%s", sk_strerror(rc));
        }
    } else if (err) {
        err->code = x.code ? x.code : rc;
        sk_diag_format(&x.diag, opts ? opts->origin : NULL, text, len, err->msg,
                       sizeof err->msg);
    }
    sk_exec_cleanup(&x);
    sk_arena_free(x.a);
    sk_arena_free(x.tmp);
    return rc;
}

static int run_script(sk_store *s, const char *text, size_t len, const sk_query_opts *opts,
                      bool explain, sk_result_fn fn, void *ctx, sk_query_error *err)
{
    sk_query_error dummy;
    if (!err)
        err = &dummy;
    err->code = SK_OK;
    err->msg[0] = '\0';
    sk_arena *pa = sk_arena_new();
    if (!pa) {
        err->code = SK_ENOMEM;
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return SK_ENOMEM;
    }
    sk_ast_script *script;
    sk_diag d;
    int rc = sk_ast_parse(text, len, pa, &script, &d);
    if (rc) {
        err->code = rc;
        sk_diag_format(&d, opts ? opts->origin : NULL, text, len, err->msg, sizeof err->msg);
    }
    for (size_t i = 0; !rc && i < script->n; i++)
        rc = run_stmt(s, text, len, &script->stmts[i], opts, explain, fn, ctx, err);
    sk_arena_free(pa);
    return rc;
}

int sk_query_exec(sk_store *s, const char *text, size_t len, const sk_query_opts *opts,
                  sk_result_fn fn, void *ctx, sk_query_error *err)
{
    return run_script(s, text, len, opts, false, fn, ctx, err);
}

int sk_query_explain(sk_store *s, const char *text, size_t len, const sk_query_opts *opts,
                     sk_result_fn fn, void *ctx, sk_query_error *err)
{
    return run_script(s, text, len, opts, true, fn, ctx, err);
}
