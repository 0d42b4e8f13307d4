/*
 * map.c — one record through the spec's entity and link rules.
 *
 * imp_map_record converts and checks everything a record says (keys, types,
 * labels, typed properties, times, durations, weights, conditions) into a
 * piece without the transaction, so it can run on the reading thread;
 * imp_map_resolve (on the writer's thread) then does what needs the
 * transaction — intern the names a column gave, resolve or check each key
 * — in the order the mapping met them, and imp_map_write writes the piece.
 * Every error a row can cause is found before its first write, which is
 * what lets a bad row go to the rejects file. Values are trimmed; an empty
 * value is an absent property (an empty key is an error unless the entity
 * is optional). Per-record memory comes from m->row, which the caller
 * resets (per record, or per batch of records).
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

int imp_mapper_init(imp_mapper *m, const sk_import_spec *spec, const imp_tz *tz,
                    imp_writer *w)
{
    memset(m, 0, sizeof *m);
    m->spec = spec;
    m->tz = tz;
    m->own_row = m->row = sk_arena_new();
    m->md = imp_regex_match_data();
    m->scale = sk_store_scale(sk_txn_store(w->t));
    if (!m->row || !m->md)
        return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
    int rc = imp_writer_sym(w, SK_DICT_PROP, "duration", 8, &m->dur_sym);
    /* Literal types are interned once here, not once per row. */
    for (size_t i = 0; i < spec->nents && !rc; i++) {
        const imp_tmpl *t = &spec->ents[i].type;
        if (t->nparts == 1 && t->parts[0].lit)
            rc = imp_writer_sym(w, SK_DICT_ETYPE, t->parts[0].lit, t->parts[0].litlen,
                                &m->ent_type[i]);
    }
    for (size_t i = 0; i < spec->nlinks && !rc; i++) {
        const imp_tmpl *t = &spec->links[i].type;
        if (t->nparts == 1 && t->parts[0].lit)
            rc = imp_writer_sym(w, SK_DICT_LTYPE, t->parts[0].lit, t->parts[0].litlen,
                                &m->link_type[i]);
    }
    for (size_t i = 0; i < spec->nents && !rc; i++) {
        const imp_entity_rule *r = &spec->ents[i];
        m->prop_ent[i] = calloc(r->nprops + 1, sizeof(sk_sym));
        if (!m->prop_ent[i])
            return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
        for (size_t j = 0; j < r->nprops && !rc; j++)
            rc = imp_writer_sym(w, SK_DICT_PROP, r->props[j].name, strlen(r->props[j].name),
                                &m->prop_ent[i][j]);
    }
    for (size_t i = 0; i < spec->nlinks && !rc; i++) {
        const imp_link_rule *r = &spec->links[i];
        m->prop_link[i] = calloc(r->nprops + 1, sizeof(sk_sym));
        if (!m->prop_link[i])
            return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
        for (size_t j = 0; j < r->nprops && !rc; j++)
            rc = imp_writer_sym(w, SK_DICT_PROP, r->props[j].name, strlen(r->props[j].name),
                                &m->prop_link[i][j]);
    }
    return rc;
}

void imp_mapper_free(imp_mapper *m)
{
    for (size_t i = 0; i < SK_IMPORT_RULES_MAX; i++) {
        free(m->prop_ent[i]);
        free(m->prop_link[i]);
    }
    imp_regex_match_data_free(m->md);
    sk_arena_free(m->own_row);
    imp_bind_free(&m->bind);
    memset(m, 0, sizeof *m);
}

/* ---- Fields and templates -------------------------------------------- */

imp_field imp_map_field(const imp_mapper *m, int ref)
{
    const imp_record *r = m->rec;
    int idx = ref >= 0 && (size_t)ref < m->bind.n ? m->bind.index[ref] : -1;
    if (idx < 0 || (size_t)idx >= r->n) {
        /* Absent (a ragged row): place it after the last field. */
        imp_field f = {.p = "", .n = 0, .line = r->line, .col = 1};
        if (r->n) {
            f.line = r->f[r->n - 1].line;
            f.col = r->f[r->n - 1].col + r->f[r->n - 1].n;
        }
        return f;
    }
    imp_field f = r->f[idx];
    const char *p = f.p;
    size_t n = f.n;
    imp_trim(&p, &n);
    f.p = p;
    f.n = (uint32_t)n;
    return f;
}

/* The spec's name for column reference REF, for messages. */
static const char *col_name(const imp_mapper *m, int ref, char *buf, size_t cap)
{
    const imp_colref *c = &m->spec->cols[ref];
    if (c->name)
        return c->name;
    int idx = m->bind.index[ref];
    if (m->colnames && idx >= 0)
        snprintf(buf, cap, "#%d (%s)", c->number, m->colnames[idx]);
    else
        snprintf(buf, cap, "#%d", c->number);
    return buf;
}

/* Renders T into the row arena (NUL-terminated). */
const char *imp_map_render(imp_mapper *m, const imp_tmpl *t, size_t *len, bool *any_empty,
                           imp_field *at, int *first_ref)
{
    size_t total = 0;
    imp_field fs[SK_IMPORT_KEYCOLS_MAX * 4];
    size_t nf = 0;
    *any_empty = false;
    *first_ref = -1;
    for (size_t i = 0; i < t->nparts; i++) {
        if (t->parts[i].lit) {
            total += t->parts[i].litlen;
            continue;
        }
        imp_field f = imp_map_field(m, t->parts[i].ref);
        if (nf == 0) {
            *at = f;
            *first_ref = t->parts[i].ref;
        }
        if (f.n == 0)
            *any_empty = true;
        if (nf < sizeof fs / sizeof fs[0])
            fs[nf++] = f;
        total += f.n;
    }
    if (*first_ref < 0) {
        at->line = m->rec->line;
        at->col = 1;
    }
    char *out = sk_arena_alloc(m->row, total + 1);
    if (!out)
        return NULL;
    size_t o = 0, k = 0;
    for (size_t i = 0; i < t->nparts; i++) {
        if (t->parts[i].lit) {
            memcpy(out + o, t->parts[i].lit, t->parts[i].litlen);
            o += t->parts[i].litlen;
        } else if (k < nf) {
            memcpy(out + o, fs[k].p, fs[k].n);
            o += fs[k].n;
            k++;
        }
    }
    out[o] = '\0';
    *len = o;
    return out;
}

/* ---- Conditions ------------------------------------------------------- */

static int eval_cond(imp_mapper *m, const imp_cond *c, bool *out, imp_err *e)
{
    imp_field f = imp_map_field(m, c->ref);
    switch (c->op) {
    case IMP_OP_EMPTY: *out = f.n == 0; return SK_OK;
    case IMP_OP_NOTEMPTY: *out = f.n != 0; return SK_OK;
    case IMP_OP_EQ: *out = f.n == c->len && memcmp(f.p, c->text, f.n) == 0; return SK_OK;
    case IMP_OP_NE: *out = !(f.n == c->len && memcmp(f.p, c->text, f.n) == 0); return SK_OK;
    case IMP_OP_MATCH:
    case IMP_OP_NOMATCH: {
        int r = imp_regex_match(c->re, m->md, f.p, f.n);
        if (r < 0)
            return imp_err_set(e, f.line, f.col, SK_EPARSE, "regular expression failed on "
                               "this value (PCRE2 error %d)", r);
        *out = (r == 1) == (c->op == IMP_OP_MATCH);
        return SK_OK;
    }
    default: {
        if (f.n == 0) {
            *out = false;
            return SK_OK;
        }
        double v;
        if (imp_parse_amount(f.p, f.n, &m->spec->num, &v) != SK_OK) {
            char q[96], nb[64];
            return imp_err_set(e, f.line, f.col, SK_EPARSE, "not a number: %s in column '%s'",
                               imp_quote(f.p, f.n, q, sizeof q),
                               col_name(m, c->ref, nb, sizeof nb));
        }
        *out = c->op == IMP_OP_LT ? v < c->num : c->op == IMP_OP_LE ? v <= c->num
             : c->op == IMP_OP_GT ? v > c->num : v >= c->num;
        return SK_OK;
    }
    }
}

static int eval_conds(imp_mapper *m, const imp_conds *cs, bool *out, imp_err *e)
{
    *out = true;
    for (size_t i = 0; i < cs->n && *out; i++) {
        int rc = eval_cond(m, &cs->c[i], out, e);
        if (rc)
            return rc;
    }
    return SK_OK;
}

int imp_map_rows_rule(imp_mapper *m, const imp_record *rec, bool *keep, imp_err *e)
{
    const sk_import_spec *s = m->spec;
    m->rec = rec;
    *keep = true;
    for (size_t i = 0; i < s->ninclude && *keep; i++) {
        int rc = eval_conds(m, &s->include[i], keep, e);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < s->nexclude && *keep; i++) {
        bool hit;
        int rc = eval_conds(m, &s->exclude[i], &hit, e);
        if (rc)
            return rc;
        *keep = !hit;
    }
    return SK_OK;
}

/* ---- Values ----------------------------------------------------------- */

static const char *kind_word(imp_vkind k)
{
    static const char *const w[] = {"text", "integer", "number", "amount", "yes/no value",
                                    "time", "date", "coordinate", "duration", "amount"};
    return w[k];
}

/* The formats tried for a time or date value. */
static void formats_of(const imp_mapper *m, const imp_vsrc *v, const char *const **f,
                       size_t *n)
{
    static const char *const iso[] = {"iso"};
    static const char *const ymd[] = {"%Y-%m-%d", "iso"};
    if (v->nfmts) {
        *f = v->fmts;
        *n = v->nfmts;
    } else if (v->kind == IMP_V_DATE && m->spec->ndate_fmts) {
        *f = m->spec->date_fmts;
        *n = m->spec->ndate_fmts;
    } else if (m->spec->ntime_fmts && v->kind == IMP_V_TIME) {
        *f = m->spec->time_fmts;
        *n = m->spec->ntime_fmts;
    } else if (v->kind == IMP_V_DATE) {
        *f = ymd;
        *n = 2;
    } else {
        *f = iso;
        *n = 1;
    }
}

static int time_of(imp_mapper *m, const imp_vsrc *v, const char *s, size_t len,
                   const imp_field *at, int ref, imp_time *out, imp_err *e)
{
    const char *const *fmts;
    size_t nf;
    formats_of(m, v, &fmts, &nf);
    bool nozone = false;
    for (size_t i = 0; i < nf; i++) {
        int rc = imp_time_parse(s, len, fmts[i], m->tz, out);
        if (rc == SK_OK) {
            if (out->t < -IMP_TIME_LIMIT || out->t > IMP_TIME_LIMIT)
                break;
            return SK_OK;
        }
        nozone = nozone || rc == SK_EINVAL;
    }
    char q[96], nb[64], want[160] = "";
    for (size_t i = 0; i < nf; i++) {
        strncat(want, i ? " or " : "", sizeof want - strlen(want) - 1);
        strncat(want, fmts[i], sizeof want - strlen(want) - 1);
    }
    imp_quote(s, len, q, sizeof q);
    if (nozone)
        return imp_err_set(e, at->line, at->col, SK_EPARSE,
                           "time %s in column '%s' has no UTC offset and no timezone was "
                           "given (add `timezone ZONE` to the spec or --timezone)", q,
                           col_name(m, ref, nb, sizeof nb));
    return imp_err_set(e, at->line, at->col, SK_EPARSE,
                       "unparseable %s %s in column '%s' (expected %s)", kind_word(v->kind),
                       q, col_name(m, ref, nb, sizeof nb), want);
}

/* For a duration OUT is an SK_V_INT of milliseconds (UNIT_MS per number). */
int imp_map_value(imp_mapper *m, const imp_vsrc *v, int64_t unit_ms, sk_value *out,
                  imp_err *e)
{
    size_t len[2] = {0, 0};
    bool empty[2];
    imp_field at[2];
    int ref[2] = {-1, -1};
    const char *txt[2] = {NULL, NULL};
    out->type = SK_V_NULL;
    for (int i = 0; i < v->n; i++) {
        txt[i] = imp_map_render(m, &v->t[i], &len[i], &empty[i], &at[i], &ref[i]);
        if (!txt[i])
            return imp_err_set(e, m->rec->line, 1, SK_ENOMEM, "out of memory");
    }
    if (len[0] == 0 && (v->n == 1 || len[1] == 0))
        return SK_OK;
    int r0 = ref[0] >= 0 ? ref[0] : 0;
    char q[96], nb[64];
    const sk_import_spec *s = m->spec;
    switch (v->kind) {
    case IMP_V_TEXT:
        if (v->n == 2) {
            char *j = sk_arena_alloc(m->row, len[0] + len[1] + 2);
            if (!j)
                return imp_err_set(e, at[0].line, at[0].col, SK_ENOMEM, "out of memory");
            memcpy(j, txt[0], len[0]);
            j[len[0]] = ' ';
            memcpy(j + len[0] + 1, txt[1], len[1] + 1);
            txt[0] = j;
            len[0] += len[1] + 1;
        }
        out->type = SK_V_STR;
        out->u.str.ptr = txt[0];
        out->u.str.len = len[0];
        return SK_OK;
    case IMP_V_INT:
        if (imp_parse_int(txt[0], len[0], &s->num, &out->u.i) != SK_OK)
            break;
        out->type = SK_V_INT;
        return SK_OK;
    case IMP_V_REAL:
    case IMP_V_AMOUNT:
    case IMP_V_MAGNITUDE: {
        int rc = v->kind == IMP_V_REAL ? imp_parse_real(txt[0], len[0], &s->num, &out->u.r)
                                       : imp_parse_amount(txt[0], len[0], &s->num, &out->u.r);
        if (rc != SK_OK)
            break;
        if (v->kind == IMP_V_MAGNITUDE)
            out->u.r = fabs(out->u.r);
        out->type = SK_V_REAL;
        return SK_OK;
    }
    case IMP_V_BOOL:
        if (imp_parse_bool(txt[0], len[0], &out->u.b) != SK_OK)
            break;
        out->type = SK_V_BOOL;
        return SK_OK;
    case IMP_V_TIME:
    case IMP_V_DATE: {
        const char *t = txt[0];
        size_t tl = len[0];
        if (v->n == 2) {
            char *j = sk_arena_alloc(m->row, len[0] + len[1] + 2);
            if (!j)
                return imp_err_set(e, at[0].line, at[0].col, SK_ENOMEM, "out of memory");
            memcpy(j, txt[0], len[0]);
            j[len[0]] = ' ';
            memcpy(j + len[0] + 1, txt[1], len[1] + 1);
            t = j;
            tl = len[0] + len[1] + 1;
        }
        imp_time tm;
        int rc = time_of(m, v, t, tl, &at[0], r0, &tm, e);
        if (rc)
            return rc;
        out->type = SK_V_TIME;
        out->u.time.t = tm.t;
        out->u.time.off_min = (int16_t)(tm.off / 60);
        return SK_OK;
    }
    case IMP_V_GEO: {
        double lat, lon;
        if (imp_parse_real(txt[0], len[0], &s->num, &lat) != SK_OK || lat < -90 || lat > 90)
            break;
        if (imp_parse_real(txt[1], len[1], &s->num, &lon) != SK_OK || lon < -180 ||
            lon > 180) {
            int r1 = ref[1] >= 0 ? ref[1] : 0;
            return imp_err_set(e, at[1].line, at[1].col, SK_EPARSE,
                               "not a longitude: %s in column '%s'",
                               imp_quote(txt[1], len[1], q, sizeof q),
                               col_name(m, r1, nb, sizeof nb));
        }
        out->type = SK_V_GEO;
        out->u.geo.lat = lat;
        out->u.geo.lon = lon;
        return SK_OK;
    }
    case IMP_V_DURATION: {
        int64_t ms;
        bool clock;
        if (imp_duration_parse(txt[0], len[0], &ms, &clock) != SK_OK)
            break;
        out->type = SK_V_INT;
        out->u.i = clock ? ms : ms / 1000 * unit_ms + (ms % 1000) * unit_ms / 1000;
        return SK_OK;
    }
    }
    bool an = v->kind == IMP_V_INT || v->kind == IMP_V_AMOUNT || v->kind == IMP_V_MAGNITUDE;
    return imp_err_set(e, at[0].line, at[0].col, SK_EPARSE, "not a%s %s: %s in column '%s'",
                       an ? "n" : "",
                       kind_word(v->kind), imp_quote(txt[0], len[0], q, sizeof q),
                       col_name(m, r0, nb, sizeof nb));
}

/* Converts PROPS (N rules, names SYMS) into an array in the row arena. */
static int convert_props(imp_mapper *m, const imp_prop_rule *props, size_t n,
                         const sk_sym *syms, sk_prop **out, size_t *nout, imp_err *e)
{
    *out = NULL;
    *nout = 0;
    if (!n)
        return SK_OK;
    sk_prop *arr = sk_arena_alloc(m->row, n * sizeof *arr);
    if (!arr)
        return imp_err_set(e, m->rec->line, 1, SK_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        sk_value v;
        int rc = imp_map_value(m, &props[i].src, 1000, &v, e);
        if (rc)
            return rc;
        if (v.type == SK_V_NULL)
            continue;
        if (props[i].src.kind == IMP_V_DURATION)
            v.u.i /= 1000; /* durations are stored in seconds */
        arr[k].name = syms[i];
        arr[k++].value = v;
    }
    *out = arr;
    *nout = k;
    return SK_OK;
}

/* ---- Entities and links ---------------------------------------------- */

/* The type of a rule: its literal (interned by imp_mapper_init: *SYM), or
 * the (non-empty) text of its column (*NAMED: imp_map_resolve interns it). */
static int type_of(imp_mapper *m, const imp_tmpl *t, enum sk_dict dict, sk_sym cached,
                   sk_sym *sym, const char **name, size_t *nlen, bool *named, imp_err *e)
{
    *named = false;
    if (t->nparts == 1 && t->parts[0].lit) {
        assert(cached);
        *name = t->parts[0].lit;
        *nlen = t->parts[0].litlen;
        *sym = cached;
        return SK_OK;
    } else {
        bool empty;
        imp_field at;
        int ref;
        *name = imp_map_render(m, t, nlen, &empty, &at, &ref);
        if (!*name)
            return imp_err_set(e, m->rec->line, 1, SK_ENOMEM, "out of memory");
        if (*nlen == 0) {
            char nb[64];
            return imp_err_set(e, at.line, at.col, SK_EPARSE, "empty %s type in column '%s'",
                               dict == SK_DICT_ETYPE ? "entity" : "link",
                               col_name(m, ref >= 0 ? ref : 0, nb, sizeof nb));
        }
        if (*nlen > 64) {
            char q[96];
            return imp_err_set(e, at.line, at.col, SK_EPARSE, "type name too long: %s",
                               imp_quote(*name, *nlen, q, sizeof q));
        }
    }
    *named = true;
    return SK_OK;
}

/* The M->piece-th value of KEY split on SEP, trimmed (in the row arena);
 * NULL when there are fewer values. Sets m->npieces. */
static const char *split_piece(imp_mapper *m, const char *sep, const char *key, size_t *len)
{
    size_t seplen = strlen(sep), n = 0;
    const char *p = key, *end = key + *len, *found = NULL;
    size_t flen = 0;
    while (p <= end) {
        const char *q = p;
        while (q < end && !(q + seplen <= end && memcmp(q, sep, seplen) == 0))
            q++;
        const char *a = p, *b = q;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (b > a) {
            if (n == m->piece) {
                found = a;
                flen = (size_t)(b - a);
            }
            n++;
        }
        p = q + seplen;
    }
    if (n > m->npieces)
        m->npieces = n;
    if (!found)
        return NULL;
    *len = flen;
    return sk_arena_strndup(m->row, found, flen);
}

/* The row's grading code from SRC (none given: NULL, the source's
 * grading), checked against the case's scale; its canonical spelling goes
 * to *OUT (row arena) for imp_map_resolve to intern. */
static int grading(imp_mapper *m, const imp_vsrc *src, const char **out, imp_err *e)
{
    *out = NULL;
    if (!src->n)
        return SK_OK;
    bool empty;
    imp_field at;
    int ref;
    size_t len;
    const char *txt = imp_map_render(m, &src->t[0], &len, &empty, &at, &ref);
    if (!txt)
        return imp_err_set(e, m->rec->line, 1, SK_ENOMEM, "out of memory");
    if (len == 0)
        return SK_OK;
    sk_grade g;
    char why[200];
    if (sk_grade_parse(m->scale, txt, &g, why, sizeof why) != SK_OK)
        return imp_err_set(e, at.line, at.col, SK_EPARSE,
                           "'%s' is not a grading of the %s scale: %s", txt,
                           sk_scale_name(m->scale), why);
    if (!(*out = sk_arena_strndup(m->row, g.code, strlen(g.code))))
        return imp_err_set(e, at.line, at.col, SK_ENOMEM, "out of memory");
    return SK_OK;
}

static int map_entity(imp_mapper *m, size_t i, imp_err *e)
{
    const imp_entity_rule *r = &m->spec->ents[i];
    imp_ment *me = &m->cur->ents[i];
    memset(me, 0, sizeof *me);
    bool on;
    int rc = eval_conds(m, &r->when, &on, e);
    if (rc || !on)
        return rc;
    const char *key = NULL;
    size_t klen = 0;
    imp_field at = {0};
    int ref = -1;
    if (!r->keyless) {
        for (size_t k = 0; k < r->nkeys && !key; k++) {
            bool empty;
            imp_field a;
            int rf;
            const char *txt = imp_map_render(m, &r->keys[k], &klen, &empty, &a, &rf);
            if (!txt)
                return imp_err_set(e, m->rec->line, 1, SK_ENOMEM, "out of memory");
            if (k == 0) {
                at = a;
                ref = rf;
            }
            if (!empty && klen > 0) {
                key = txt;
                at = a;
                ref = rf;
            }
        }
        if (!key) {
            if (r->optional)
                return SK_OK;
            char nb[64];
            return imp_err_set(e, at.line, at.col, SK_EPARSE,
                               "empty key for entity '%s' (column '%s' is empty)", r->name,
                               col_name(m, ref >= 0 ? ref : 0, nb, sizeof nb));
        }
        if (r->split && !(key = split_piece(m, r->split, key, &klen)))
            return SK_OK; /* this pass has no value for it */
        if (klen > SK_IMPORT_TEXT_MAX)
            return imp_err_set(e, at.line, at.col, SK_ELIMIT,
                               "key too long for entity '%s' (%zu bytes, at most %d)", r->name,
                               klen, SK_IMPORT_TEXT_MAX);
    }
    if ((rc = type_of(m, &r->type, SK_DICT_ETYPE, m->ent_type[i], &me->type, &me->tname,
                      &me->tlen, &me->type_named, e)))
        return rc;
    /* The key is checked by imp_map_resolve, through the writer's cache. */
    me->check = key != NULL;
    me->key = key;
    me->keylen = klen;
    me->khash = key ? imp_writer_keyhash(key, klen) : 0;
    me->kat = at;
    me->kref = ref >= 0 ? ref : 0;
    if (r->label.nparts) {
        bool empty;
        imp_field a;
        int rf;
        size_t llen;
        me->label = imp_map_render(m, &r->label, &llen, &empty, &a, &rf);
        if (!me->label)
            return imp_err_set(e, m->rec->line, 1, SK_ENOMEM, "out of memory");
        if (llen == 0 || (empty && r->label.nparts == 1))
            me->label = NULL;
    }
    if ((rc = convert_props(m, r->props, r->nprops, m->prop_ent[i], &me->props, &me->nprops,
                            e)))
        return rc;
    if ((rc = grading(m, &r->grading, &me->gcode, e)))
        return rc;
    me->present = true;
    return SK_OK;
}

static int map_link(imp_mapper *m, size_t i, imp_err *e)
{
    const imp_link_rule *r = &m->spec->links[i];
    imp_mlink *ml = &m->cur->links[i];
    memset(ml, 0, sizeof *ml);
    if (!m->cur->ents[r->from].present || !m->cur->ents[r->to].present)
        return SK_OK;
    bool on;
    int rc = eval_conds(m, &r->when, &on, e);
    if (rc || !on)
        return rc;
    bool rev = false;
    if (r->reverse.n && (rc = eval_conds(m, &r->reverse, &rev, e)))
        return rc;
    sk_link_in *in = &ml->in;
    if ((rc = type_of(m, &r->type, SK_DICT_LTYPE, m->link_type[i], &in->type, &ml->tname,
                      &ml->tlen, &ml->type_named, e)))
        return rc;
    in->directed = r->directed;
    in->t_start = in->t_end = SK_NO_TIME;
    sk_value v;
    if (r->time.n) {
        if ((rc = imp_map_value(m, &r->time, 1000, &v, e)))
            return rc;
        if (v.type == SK_V_TIME) {
            in->t_start = in->t_end = v.u.time.t;
            in->t_off = v.u.time.off_min;
        }
    }
    int64_t dur_ms = -1;
    if (r->duration.n) {
        if ((rc = imp_map_value(m, &r->duration, r->dur_unit_ms, &v, e)))
            return rc;
        if (v.type == SK_V_INT)
            dur_ms = v.u.i;
    }
    if (r->end.n) {
        if ((rc = imp_map_value(m, &r->end, 1000, &v, e)))
            return rc;
        if (v.type == SK_V_TIME && in->t_start != SK_NO_TIME) {
            if (v.u.time.t < in->t_start) {
                imp_field f = imp_map_field(m, r->end.t[0].parts[0].ref);
                return imp_err_set(e, f.line, f.col, SK_EPARSE,
                                   "the end time is before the start time");
            }
            in->t_end = v.u.time.t;
        }
    } else if (dur_ms >= 0 && in->t_start != SK_NO_TIME) {
        in->t_end = in->t_start + (dur_ms + 999) / 1000;
        if (in->t_end > IMP_TIME_LIMIT)
            in->t_end = IMP_TIME_LIMIT;
    }
    if (r->weight.n) {
        if ((rc = imp_map_value(m, &r->weight, 1000, &v, e)))
            return rc;
        if (v.type == SK_V_REAL)
            in->weight = fabs(v.u.r);
        else if (v.type == SK_V_INT)
            in->weight = (double)(v.u.i < 0 ? -v.u.i : v.u.i);
    }
    size_t np;
    if ((rc = convert_props(m, r->props, r->nprops, m->prop_link[i], &ml->props, &np, e)))
        return rc;
    if (dur_ms >= 0) {
        sk_prop *arr = sk_arena_alloc(m->row, (np + 1) * sizeof *arr);
        if (!arr)
            return imp_err_set(e, m->rec->line, 1, SK_ENOMEM, "out of memory");
        if (np)
            memcpy(arr, ml->props, np * sizeof *arr);
        arr[np].name = m->dur_sym;
        arr[np].value.type = SK_V_INT;
        arr[np++].value.u.i = (dur_ms + 500) / 1000;
        ml->props = arr;
    }
    in->props = ml->props;
    in->nprops = np;
    if ((rc = grading(m, &r->grading, &ml->gcode, e)))
        return rc;
    /* The ends are filled in by imp_map_write; remember the orientation. */
    in->src = rev ? (sk_id)r->to : (sk_id)r->from;
    in->dst = rev ? (sk_id)r->from : (sk_id)r->to;
    ml->present = true;
    return SK_OK;
}

int imp_map_record(imp_mapper *m, const imp_record *rec, imp_piece *out, imp_err *e)
{
    const sk_import_spec *s = m->spec;
    m->rec = rec;
    m->cur = out;
    m->npieces = 1;
    memset(out, 0, sizeof *out);
    out->line = rec->line;
    if ((s->nents && !(out->ents = sk_arena_alloc(m->row, s->nents * sizeof *out->ents))) ||
        (s->nlinks && !(out->links = sk_arena_alloc(m->row, s->nlinks * sizeof *out->links))))
        return imp_err_set(e, rec->line, 1, SK_ENOMEM, "out of memory");
    /* NENTS / NLINKS count the rules reached, for imp_map_resolve. */
    for (size_t i = 0; i < s->nents; i++) {
        out->nents = i + 1;
        int rc = map_entity(m, i, e);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < s->nlinks; i++) {
        out->nlinks = i + 1;
        int rc = map_link(m, i, e);
        if (rc)
            return rc;
    }
    return SK_OK;
}

/* Interns NAME in DICT for the piece at LINE; a failure is the store's. */
static int resolve_name(imp_writer *w, enum sk_dict dict, const char *name, size_t len,
                        uint64_t line, sk_sym *out, imp_err *e)
{
    int rc = imp_writer_sym(w, dict, name, len, out);
    return rc ? imp_err_set(e, line, 1, rc, "%s", sk_txn_errmsg(w->t)) : SK_OK;
}

/* A raw key this import has written before is valid: no need to normalise
 * it again. Otherwise it is checked here, before anything is written. */
static int resolve_key(const imp_mapper *m, imp_writer *w, size_t i, imp_ment *me,
                       imp_err *e)
{
    if ((me->known = imp_writer_known(w, me->type, me->key, me->keylen, me->khash, &me->ref)))
        return SK_OK;
    char why[200];
    if (imp_writer_checkkey(w, me->tname, me->tlen, me->key, me->keylen, why,
                            sizeof why) == SK_OK)
        return SK_OK;
    char nb[64];
    return imp_err_set(e, me->kat.line, me->kat.col, SK_EPARSE,
                       "%s (column '%s', entity '%s')", why,
                       col_name(m, me->kref, nb, sizeof nb), m->spec->ents[i].name);
}

int imp_map_resolve(const imp_mapper *m, imp_writer *w, imp_piece *p, imp_err *e)
{
    int rc = SK_OK;
    for (size_t i = 0; i < p->nents && !rc; i++) {
        imp_ment *me = &p->ents[i];
        if (me->type_named)
            rc = resolve_name(w, SK_DICT_ETYPE, me->tname, me->tlen, p->line, &me->type, e);
        if (!rc && me->check)
            rc = resolve_key(m, w, i, me, e);
        if (!rc && me->gcode)
            rc = resolve_name(w, SK_DICT_GRADE, me->gcode, strlen(me->gcode), p->line,
                              &me->grade, e);
    }
    for (size_t i = 0; i < p->nlinks && !rc; i++) {
        imp_mlink *ml = &p->links[i];
        if (ml->type_named)
            rc = resolve_name(w, SK_DICT_LTYPE, ml->tname, ml->tlen, p->line, &ml->in.type, e);
        if (!rc && ml->gcode)
            rc = resolve_name(w, SK_DICT_GRADE, ml->gcode, strlen(ml->gcode), p->line,
                              &ml->grade, e);
    }
    return rc;
}

void imp_map_prefetch(imp_writer *w, imp_piece *p)
{
    for (size_t i = 0; i < p->nents; i++) {
        imp_ment *me = &p->ents[i];
        if (me->type_named && (me->type = imp_writer_sym_known(w, SK_DICT_ETYPE, me->tname,
                                                               me->tlen)))
            me->type_named = false;
        if (me->check && !me->type_named)
            imp_writer_prefetch(w, me->type, me->keylen, me->khash);
    }
    for (size_t i = 0; i < p->nlinks; i++) {
        imp_mlink *ml = &p->links[i];
        if (ml->type_named && (ml->in.type = imp_writer_sym_known(w, SK_DICT_LTYPE, ml->tname,
                                                                  ml->tlen)))
            ml->type_named = false;
    }
}

int imp_map_write(imp_writer *w, imp_piece *p)
{
    for (size_t i = 0; i < p->nents; i++) {
        imp_ment *me = &p->ents[i];
        if (!me->present)
            continue;
        sk_entity_in in = {
            .type = me->type, .key = me->key, .label = me->label,
            .props = me->props, .nprops = me->nprops,
            .assert = {w->as.source, me->grade ? me->grade : w->as.grade},
        };
        int rc = imp_writer_entity(w, &in, me->keylen, me->khash, me->known, me->ref, &me->id);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < p->nlinks; i++) {
        imp_mlink *ml = &p->links[i];
        if (!ml->present)
            continue;
        sk_link_in in = ml->in;
        in.src = p->ents[ml->in.src].id;
        in.dst = p->ents[ml->in.dst].id;
        in.assert = (sk_assert){w->as.source, ml->grade ? ml->grade : w->as.grade};
        int rc = imp_writer_link(w, &in);
        if (rc)
            return rc;
    }
    return SK_OK;
}
