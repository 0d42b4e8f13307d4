/*
 * stmt_retention.c — review and retention of what a case holds, and
 * erasure: `review due [before DATE]`, `retain REF until DATE reason "…"`
 * and `purge REF reason "…"`.
 *
 * An entity's review date is its `review_date` property when a decision
 * set one (retain), else the time it was first recorded (its earliest
 * source) plus the case's review period for its type: metadata
 * "review_years:TYPE", else "review_years", else 6 years (the review
 * period of the UK's Management of Police Information for most records).
 */
#include "exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_REVIEW_YEARS 6
#define YEAR_SECONDS (365 * 86400 + 86400 / 4)

static int review_years(sk_exec *x, const char *type)
{
    char key[160];
    const char *v;
    size_t n;
    snprintf(key, sizeof key, "review_years:%s", type);
    if (sk_meta_get(x->t, key, &v, &n) == SK_OK || sk_meta_get(x->t, "review_years", &v, &n) == SK_OK) {
        char buf[16];
        snprintf(buf, sizeof buf, "%.*s", (int)(n < 15 ? n : 15), v);
        int y = atoi(buf);
        if (y > 0)
            return y;
    }
    return DEFAULT_REVIEW_YEARS;
}

/* When entity E was first recorded: its earliest source's time (0 if none). */
static int64_t first_recorded(sk_exec *x, const sk_entity *e)
{
    int64_t first = 0;
    for (size_t i = 0; i < e->nasserts; i++) {
        sk_source s;
        if (sk_source_get(x->t, e->asserts[i].source, x->tmp, &s) == SK_OK &&
            (first == 0 || s.time < first))
            first = s.time;
    }
    return first;
}

int sk_stage_review(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    int64_t due = sk_ast_has(&st->cl, SK_CL_TIME) ? st->cl.time.to : (int64_t)time(NULL);
    sk_sym review_prop = 0;
    sk_name_intern(x->t, SK_DICT_PROP, "review_date", 11, false, &review_prop);
    const char *cols[] = {"id", "type", "key", "label", "review_date", "basis"};
    sk_tbuild *tb;
    int rc = sk_tb_new(x, cols, 6, &tb);
    if (rc)
        return rc;
    sk_idcur *c;
    rc = sk_scan_type(x->t, 0, &c);
    sk_arena *scratch = sk_arena_new();
    uint32_t limit = sk_ast_has(&st->cl, SK_CL_LIMIT) ? st->cl.limit : 0;
    sk_id id;
    while (!rc && scratch && (rc = sk_idcur_next(c, &id)) == SK_OK) {
        sk_arena_reset(scratch);
        sk_entity e;
        if ((rc = sk_entity_get(x->t, id, scratch, &e)) != SK_OK)
            break;
        int64_t when = 0;
        const char *basis = "retention decision";
        for (size_t i = 0; i < e.nprops; i++)
            if (review_prop && e.props[i].name == review_prop &&
                e.props[i].value.type == SK_V_TIME)
                when = e.props[i].value.u.time.t;
        if (!when) {
            const char *type = sk_exec_name(x, SK_DICT_ETYPE, e.type);
            int64_t first = first_recorded(x, &e);
            if (!first)
                continue;
            when = first + (int64_t)review_years(x, type) * YEAR_SECONDS;
            basis = "review period";
        }
        if (when > due)
            continue;
        if ((limit && sk_tb_nrows(tb) >= limit) || !sk_tb_row(tb))
            break;
        sk_tb_entity(tb, &e);
        sk_tb_set(tb, 4, sk_exec_time(when, 0));
        sk_tb_set(tb, 5, sk_exec_str(x, basis, strlen(basis)));
    }
    sk_idcur_close(c);
    sk_arena_free(scratch);
    int frc = sk_tb_finish(tb, out);
    if (rc == SK_DONE || rc == SK_OK)
        return frc;
    return x->code ? x->code : sk_exec_store_fail(x, rc, st->span);
}

static int need_reason(sk_exec *x, const sk_ast_stage *st)
{
    if (!sk_ast_has(&st->cl, SK_CL_REASON) || st->cl.reason.u.str.len == 0)
        return sk_exec_fail(x, SK_EINVAL, st->span, "'%s' needs a reason: add reason \"…\"",
                            sk_stage_name(st->kind));
    return SK_OK;
}

int sk_stage_retain(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    int rc = need_reason(x, st);
    if (rc)
        return rc;
    if (!sk_ast_has(&st->cl, SK_CL_UNTIL))
        return sk_exec_fail(x, SK_EINVAL, st->span, "'retain' needs a date: add until DATE");
    sk_id id;
    if ((rc = sk_exec_ref(x, &st->u.ref, &id)) != SK_OK)
        return rc;
    sk_sym p_date, p_reason;
    rc = sk_name_intern(x->t, SK_DICT_PROP, "review_date", 11, true, &p_date);
    if (!rc)
        rc = sk_name_intern(x->t, SK_DICT_PROP, "retention_reason", 16, true, &p_reason);
    sk_value d = sk_exec_time(st->cl.until.u.time.t, st->cl.until.u.time.off_min);
    sk_value r = {.type = SK_V_STR,
                  .u.str = {st->cl.reason.u.str.ptr, st->cl.reason.u.str.len}};
    if (!rc)
        rc = sk_entity_set_prop(x->t, id, p_date, &d);
    if (!rc)
        rc = sk_entity_set_prop(x->t, id, p_reason, &r);
    if (rc)
        return sk_exec_store_fail(x, rc, st->span);
    const char *cols[] = {"status", "id", "review_date"};
    sk_tbuild *tb;
    if ((rc = sk_tb_new(x, cols, 3, &tb)) != SK_OK)
        return rc;
    if (sk_tb_row(tb)) {
        sk_tb_set(tb, 0, sk_exec_str(x, "retained", 8));
        sk_tb_set(tb, 1, (sk_value){.type = SK_V_ID, .u.i = (int64_t)id});
        sk_tb_set(tb, 2, d);
    }
    x->audit_target = id;
    return sk_tb_finish(tb, out);
}

int sk_stage_purge(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    int rc = need_reason(x, st);
    if (rc)
        return rc;
    sk_idvec ids = {0};
    rc = sk_exec_refset(x, &st->u.ref, &ids);
    uint64_t erased = 0;
    for (size_t i = 0; !rc && i < ids.n; i++) {
        uint64_t n = 0;
        if ((rc = sk_entity_purge(x->t, ids.v[i], &n)) != SK_OK)
            rc = sk_exec_store_fail(x, rc, st->span);
        erased += n;
    }
    x->audit_target = ids.n == 1 ? ids.v[0] : 0;
    x->audit_count = ids.n;
    x->compact = !rc && ids.n > 0;
    char detail[128];
    snprintf(detail, sizeof detail, "%zu entit%s purged; %llu audit entr%s cleared of its text",
             ids.n, ids.n == 1 ? "y" : "ies", (unsigned long long)erased,
             erased == 1 ? "y" : "ies");
    sk_idvec_free(&ids);
    if (rc)
        return rc;
    const char *cols[] = {"status", "detail"};
    sk_tbuild *tb;
    if ((rc = sk_tb_new(x, cols, 2, &tb)) != SK_OK)
        return rc;
    if (sk_tb_row(tb)) {
        sk_tb_set(tb, 0, sk_exec_str(x, "purged", 6));
        sk_tb_set(tb, 1, sk_exec_str(x, detail, strlen(detail)));
    }
    return sk_tb_finish(tb, out);
}
