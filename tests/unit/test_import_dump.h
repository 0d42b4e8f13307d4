/*
 * test_import_dump.h — the canonical dump of a case, for tests that prove
 * two ways of importing give the same case: every entity by type and key
 * with its label, properties and sources; every link by the keys of its
 * ends, type, direction, times, weight, properties and sources; every
 * source. Ids do not appear, so cases built in another order compare
 * equal. same_dump fails naming the first line that differs.
 * Header-only (static functions), after test_import_util.h.
 */
#ifndef SK_TEST_IMPORT_DUMP_H
#define SK_TEST_IMPORT_DUMP_H

#include "test_import_util.h"

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static void add_line(lines *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    l->v[l->n] = strdup(s);
    assert_non_null(l->v[l->n]);
    l->n++;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void put(char *buf, size_t cap, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *at, cap - *at, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < cap - *at);
    *at += (size_t)n;
}

static const char *name_of(sk_txn *t, enum sk_dict d, sk_sym sym, char *buf, size_t cap)
{
    const char *s;
    size_t n;
    if (sym == 0)
        return "-";
    assert_int_equal(sk_name_get(t, d, sym, &s, &n), SK_OK);
    snprintf(buf, cap, "%.*s", (int)n, s);
    return buf;
}

/* Properties (sorted by name) and assertions (in order) of a record. */
static void put_props(sk_txn *t, char *buf, size_t cap, size_t *at, const sk_prop *p,
                      size_t n, const sk_assert *as, size_t nas)
{
    lines l = {0};
    for (size_t i = 0; i < n; i++) {
        char nm[128], one[512];
        const sk_value *v = &p[i].value;
        name_of(t, SK_DICT_PROP, p[i].name, nm, sizeof nm);
        switch (v->type) {
        case SK_V_STR:
            snprintf(one, sizeof one, "%s=s:%.*s", nm, (int)v->u.str.len, v->u.str.ptr);
            break;
        case SK_V_INT: snprintf(one, sizeof one, "%s=i:%lld", nm, (long long)v->u.i); break;
        case SK_V_REAL: snprintf(one, sizeof one, "%s=r:%.17g", nm, v->u.r); break;
        case SK_V_TIME:
            snprintf(one, sizeof one, "%s=t:%lld%+d", nm, (long long)v->u.time.t,
                     v->u.time.off_min);
            break;
        default: snprintf(one, sizeof one, "%s=type%d", nm, (int)v->type); break;
        }
        add_line(&l, one);
    }
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_str);
    for (size_t i = 0; i < l.n; i++) {
        put(buf, cap, at, " %s", l.v[i]);
        free(l.v[i]);
    }
    free(l.v);
    for (size_t i = 0; i < nas; i++) {
        char g[64];
        put(buf, cap, at, " src%u/%s", as[i].source,
            name_of(t, SK_DICT_GRADE, as[i].grade, g, sizeof g));
    }
}

/* "type:key" of entity ID (its label when keyless). */
static const char *ent_ref(sk_txn *t, sk_arena *a, sk_id id, char *buf, size_t cap)
{
    sk_entity e;
    char ty[64];
    assert_int_equal(sk_entity_get(t, id, a, &e), SK_OK);
    snprintf(buf, cap, "%s:%.*s", name_of(t, SK_DICT_ETYPE, e.type, ty, sizeof ty),
             (int)(e.key_len ? e.key_len : e.label_len), e.key_len ? e.key : e.label);
    return buf;
}

static int put_source(const sk_source *s, void *ctx)
{
    lines *l = ctx;
    char line[1024];
    snprintf(line, sizeof line, "S %u %s size %llu sha %02x%02x%02x%02x user %s note %s",
             s->id, s->name, (unsigned long long)s->size, s->sha256[0], s->sha256[1],
             s->sha256[2], s->sha256[31], s->user, s->note);
    add_line(l, line);
    return 0;
}

/* Every entity, link and source of S, one sorted line each, joined; the
 * entity SKIP (0: none) is left out. The caller frees the result. */
static char *dump(sk_store *s, sk_id skip)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    lines l = {0};
    sk_idcur *c;
    sk_id id;
    char buf[4096], ty[64];
    assert_int_equal(sk_scan_type(t, 0, &c), SK_OK);
    while (sk_idcur_next(c, &id) == SK_OK) {
        if (id == skip)
            continue;
        sk_entity e;
        assert_int_equal(sk_entity_get(t, id, a, &e), SK_OK);
        size_t at = 0;
        put(buf, sizeof buf, &at, "E %s:%.*s label=%.*s",
            name_of(t, SK_DICT_ETYPE, e.type, ty, sizeof ty), (int)e.key_len, e.key,
            (int)e.label_len, e.label);
        put_props(t, buf, sizeof buf, &at, e.props, e.nprops, e.asserts, e.nasserts);
        add_line(&l, buf);
        sk_arena_reset(a);
    }
    sk_idcur_close(c);
    assert_int_equal(sk_scan_links(t, &c), SK_OK);
    while (sk_idcur_next(c, &id) == SK_OK) {
        sk_link k;
        assert_int_equal(sk_link_get(t, id, a, &k), SK_OK);
        char from[256], to[256];
        size_t at = 0;
        put(buf, sizeof buf, &at, "L %s %s %s %s t=%lld..%lld%+d w=%.17g",
            ent_ref(t, a, k.src, from, sizeof from),
            k.directed ? "->" : "--", ent_ref(t, a, k.dst, to, sizeof to),
            name_of(t, SK_DICT_LTYPE, k.type, ty, sizeof ty), (long long)k.t_start,
            (long long)k.t_end, k.t_off, k.weight);
        put_props(t, buf, sizeof buf, &at, k.props, k.nprops, k.asserts, k.nasserts);
        add_line(&l, buf);
        sk_arena_reset(a);
    }
    sk_idcur_close(c);
    assert_int_equal(sk_source_each(t, a, put_source, &l), SK_OK);
    sk_arena_free(a);
    sk_txn_abort(t);
    if (l.n) /* an empty case has no lines (and l.v is NULL) */
        qsort(l.v, l.n, sizeof *l.v, cmp_str);
    size_t total = 1;
    for (size_t i = 0; i < l.n; i++)
        total += strlen(l.v[i]) + 1;
    char *out = malloc(total), *p = out;
    assert_non_null(out);
    for (size_t i = 0; i < l.n; i++) {
        size_t n = strlen(l.v[i]);
        memcpy(p, l.v[i], n);
        p[n] = '\n';
        p += n + 1;
        free(l.v[i]);
    }
    *p = '\0';
    free(l.v);
    return out;
}

/* Fails naming the first line where dumps A and B differ. */
static void same_dump(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return;
    size_t line = 1, i = 0;
    while (a[i] && a[i] == b[i])
        line += a[i++] == '\n';
    const char *la = a + i, *lb = b + i;
    while (la > a && la[-1] != '\n')
        la--;
    while (lb > b && lb[-1] != '\n')
        lb--;
    int na = (int)strcspn(la, "\n"), nb = (int)strcspn(lb, "\n");
    fail_msg("cases differ at line %zu:\n  %.*s\n  %.*s", line, na, la, nb, lb);
}

#endif /* SK_TEST_IMPORT_DUMP_H */
