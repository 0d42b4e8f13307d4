/*
 * resolve.c — turning what the analyst typed into store identities: type,
 * link-type and property names (with "did you mean" for typos) and entity
 * references (by id, by normalised key, by display label, or a set).
 *
 * A reference by key first tries the natural-key index with the key
 * normalised for its type ("07700 900123" finds phone 447700900123), then
 * the display label folded ("jack powell" finds "Jack Powell"); several
 * matches are an error that lists them, never a silent pick.
 */
#include "exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CANDIDATES 8

/* ---- names ---- */

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Levenshtein distance of two short ASCII-folded names (bytes). */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    if (la > 64 || lb > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            char ca = a[i - 1], cb = b[j - 1];
            if (ca >= 'A' && ca <= 'Z')
                ca = (char)(ca - 'A' + 'a');
            if (cb >= 'A' && cb <= 'Z')
                cb = (char)(cb - 'A' + 'a');
            row[j] = min3(row[j] + 1, row[j - 1] + 1, diag + (ca != cb));
            diag = up;
        }
    }
    return row[lb];
}

typedef struct closest {
    const char *want;
    size_t wlen;
    char best[128];
    size_t dist;
} closest;

static int closest_cb(const char *name, size_t len, sk_sym sym, void *ctx)
{
    (void)sym;
    closest *c = ctx;
    size_t d = edit_distance(c->want, c->wlen, name, len);
    if (d < c->dist && len < sizeof c->best) {
        c->dist = d;
        memcpy(c->best, name, len);
        c->best[len] = '\0';
    }
    return 0;
}

static int lookup(sk_exec *x, enum sk_dict d, const sk_ast_name *n, const char *what,
                  sk_sym *out)
{
    int rc = sk_name_intern(x->t, d, n->text, n->len, false, out);
    if (rc == SK_OK)
        return SK_OK;
    if (rc != SK_ENOTFOUND && rc != SK_EINVAL)
        return sk_exec_store_fail(x, rc, n->span);
    closest c = {.want = n->text, .wlen = n->len, .dist = n->len / 3 + 2};
    sk_name_each(x->t, d, closest_cb, &c);
    if (c.best[0])
        return sk_exec_fail(x, SK_ENOTFOUND, n->span, "unknown %s '%s'; did you mean '%s'?",
                            what, n->text, c.best);
    return sk_exec_fail(x, SK_ENOTFOUND, n->span, "unknown %s '%s' (none in this case)",
                        what, n->text);
}

int sk_exec_etype(sk_exec *x, const sk_ast_name *n, sk_sym *out)
{
    return lookup(x, SK_DICT_ETYPE, n, "entity type", out);
}

int sk_exec_ltype(sk_exec *x, const sk_ast_name *n, sk_sym *out)
{
    return lookup(x, SK_DICT_LTYPE, n, "link type", out);
}

int sk_exec_prop(sk_exec *x, const sk_ast_name *n, sk_sym *out)
{
    return lookup(x, SK_DICT_PROP, n, "property", out);
}

/* Names already copied into x->a, so a result of thousands of nodes and
 * links holds each type and property name once: a small open-addressing
 * table in x->a keyed by dictionary and symbol (never 0: dictionaries
 * start at 1), grown by doubling while at most half full. */
struct sk_namecache {
    uint64_t *keys;
    const char **names;
    size_t cap, n;
};

static uint64_t name_key(enum sk_dict d, sk_sym sym) { return (uint64_t)d << 32 | sym; }

static size_t name_slot(const sk_namecache *c, uint64_t key)
{
    size_t j = (size_t)(key * 0x9e3779b97f4a7c15ull >> 32) & (c->cap - 1);
    while (c->keys[j] && c->keys[j] != key)
        j = (j + 1) & (c->cap - 1);
    return j;
}

/* Makes room for one more name; false on ENOMEM (the cache is then
 * bypassed, not broken). */
static bool names_room(sk_exec *x)
{
    sk_namecache *c = x->names;
    if (!c) {
        if (!(c = sk_arena_alloc(x->a, sizeof *c)))
            return false;
        *c = (sk_namecache){0};
        x->names = c;
    }
    if ((c->n + 1) * 2 <= c->cap)
        return true;
    size_t cap = c->cap ? c->cap * 2 : 64;
    sk_namecache g = {.keys = sk_arena_alloc(x->a, cap * sizeof *g.keys),
                      .names = sk_arena_alloc(x->a, cap * sizeof *g.names), .cap = cap};
    if (!g.keys || !g.names)
        return false;
    memset(g.keys, 0, cap * sizeof *g.keys);
    for (size_t i = 0; i < c->cap; i++)
        if (c->keys[i]) {
            size_t j = name_slot(&g, c->keys[i]);
            g.keys[j] = c->keys[i];
            g.names[j] = c->names[i];
        }
    g.n = c->n;
    *c = g;
    return true;
}

const char *sk_exec_name(sk_exec *x, enum sk_dict d, sk_sym sym)
{
    uint64_t key = name_key(d, sym);
    sk_namecache *c = x->names;
    if (c && c->cap) {
        size_t j = name_slot(c, key);
        if (c->keys[j])
            return c->names[j];
    }
    const char *name;
    size_t len;
    if (sk_name_get(x->t, d, sym, &name, &len) != SK_OK)
        return "?";
    char *s = sk_arena_strndup(x->a, name, len);
    if (!s)
        return "?";
    if (names_room(x)) {
        c = x->names;
        size_t j = name_slot(c, key);
        c->keys[j] = key;
        c->names[j] = s;
        c->n++;
    }
    return s;
}

/* ---- references ---- */

/* Describes entity ID for a list of candidates: "#12 Jack Powell". */
static void describe(sk_exec *x, sk_id id, char *buf, size_t cap)
{
    sk_entity e;
    if (sk_entity_get(x->t, id, x->tmp, &e) == SK_OK)
        snprintf(buf, cap, "#%llu %.*s", (unsigned long long)id, (int)e.label_len, e.label);
    else
        snprintf(buf, cap, "#%llu", (unsigned long long)id);
}

static int ambiguous(sk_exec *x, const sk_ast_ref *r, const sk_idvec *ids, bool more)
{
    char list[1024] = "";
    for (size_t i = 0; i < ids->n; i++) {
        char one[160];
        describe(x, ids->v[i], one, sizeof one);
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", one);
    }
    return sk_exec_fail(x, SK_EAMBIGUOUS, r->span,
                        "%.*s matches %s%zu entities: %s%s; name one by its id",
                        (int)(r->span.end - r->span.start), x->text + r->span.start,
                        more ? "more than " : "", ids->n, list, more ? ", …" : "");
}

/* Entities of TYPE whose folded label equals TEXT (up to MAX_CANDIDATES+1). */
static int by_label(sk_exec *x, sk_sym type, const char *text, size_t len, bool prefix,
                    sk_idvec *out)
{
    sk_idcur *c;
    int rc = sk_scan_prop(x->t, type, 0, text, len, prefix, &c);
    if (rc)
        return rc;
    sk_id id;
    while (out->n <= MAX_CANDIDATES && (rc = sk_idcur_next(c, &id)) == SK_OK) {
        bool seen = !sk_exec_visible_entity(x, id); /* never list what is hidden */
        for (size_t i = 0; i < out->n; i++)
            seen = seen || out->v[i] == id;
        if (!seen && sk_idvec_push(out, id))
            rc = SK_ENOMEM;
    }
    sk_idcur_close(c);
    return rc == SK_DONE || rc == SK_OK ? SK_OK : rc;
}

static int not_found(sk_exec *x, const sk_ast_ref *r, sk_sym type)
{
    /* Offer labels that start with the first word typed. */
    const char *key = r->u.key.u.str.ptr;
    size_t len = strcspn(key, " ");
    sk_idvec near = {0};
    if (len >= 2)
        by_label(x, type, key, len, true, &near);
    char list[600] = "";
    for (size_t i = 0; i < near.n && i < 5; i++) {
        char one[120];
        describe(x, near.v[i], one, sizeof one);
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", one);
    }
    sk_idvec_free(&near);
    return sk_exec_fail(x, SK_ENOTFOUND, r->span, "no %s \"%s\" in this case%s%s%s",
                        r->type.text, key, list[0] ? " (similar: " : "", list,
                        list[0] ? ")" : "");
}

static int resolve_set(sk_exec *x, const sk_ast_ref *r, sk_idvec *out)
{
    sk_sym type;
    int rc = sk_exec_etype(x, &r->type, &type);
    sk_cexpr *cond = NULL;
    if (!rc)
        rc = sk_cond_compile(x, r->u.where, SK_PRIMARY_ENTITY, &cond);
    if (rc)
        return rc;
    sk_idcur *c;
    rc = sk_scan_type(x->t, type, &c);
    if (rc)
        return sk_exec_store_fail(x, rc, r->span);
    sk_arena *scratch = sk_arena_new();
    if (!scratch) {
        sk_idcur_close(c);
        return sk_exec_fail(x, SK_ENOMEM, r->span, "out of memory");
    }
    sk_id id;
    size_t seen = 0;
    while ((rc = sk_idcur_next(c, &id)) == SK_OK) {
        if ((++seen & 1023) == 0 && (rc = sk_exec_check(x, r->span)) != SK_OK)
            break;
        sk_entity e;
        sk_arena_reset(scratch);
        if ((rc = sk_entity_get(x->t, id, scratch, &e)) != SK_OK)
            break;
        sk_cond_env env = {.entity = &e};
        if (sk_cond_eval(x, cond, &env) && sk_idvec_push(out, id)) {
            rc = SK_ENOMEM;
            break;
        }
    }
    sk_idcur_close(c);
    sk_arena_free(scratch);
    if (rc == SK_DONE)
        return SK_OK;
    return x->code ? x->code : sk_exec_store_fail(x, rc, r->span);
}

static int refset(sk_exec *x, const sk_ast_ref *r, sk_idvec *out);

/* What the user may not see is not found. */
int sk_exec_refset(sk_exec *x, const sk_ast_ref *r, sk_idvec *out)
{
    size_t before = out->n;
    int rc = refset(x, r, out);
    if (rc || x->clearance < 0)
        return rc;
    size_t k = before;
    for (size_t i = before; i < out->n; i++)
        if (sk_exec_visible_entity(x, out->v[i]))
            out->v[k++] = out->v[i];
    bool hid = k < out->n;
    out->n = k;
    if (hid && k == before && r->kind != SK_REF_SET)
        return sk_exec_fail(x, SK_ENOTFOUND, r->span, "no entity matches %.*s",
                            (int)(r->span.end - r->span.start), x->text + r->span.start);
    return SK_OK;
}

static int refset(sk_exec *x, const sk_ast_ref *r, sk_idvec *out)
{
    switch (r->kind) {
    case SK_REF_ID:
        if (!sk_entity_exists(x->t, r->u.id))
            return sk_exec_fail(x, SK_ENOTFOUND, r->span, "no entity #%llu in this case",
                                (unsigned long long)r->u.id);
        return sk_idvec_push(out, r->u.id);
    case SK_REF_LINK:
        return sk_exec_fail(x, SK_EINVAL, r->span, "a link cannot stand here; name an entity");
    case SK_REF_SET:
        return resolve_set(x, r, out);
    case SK_REF_KEY:
        break;
    }
    sk_sym type;
    int rc = sk_exec_etype(x, &r->type, &type);
    if (rc)
        return rc;
    const char *key = r->u.key.u.str.ptr;
    size_t len = r->u.key.u.str.len;
    sk_id id;
    rc = sk_entity_by_key(x->t, type, key, len, &id);
    if (rc == SK_OK)
        return sk_idvec_push(out, id);
    if (rc != SK_ENOTFOUND && rc != SK_EINVAL && rc != SK_ELIMIT)
        return sk_exec_store_fail(x, rc, r->span);
    sk_idvec found = {0};
    rc = by_label(x, type, key, len, false, &found);
    if (rc) {
        sk_idvec_free(&found);
        return sk_exec_store_fail(x, rc, r->span);
    }
    if (found.n == 0) {
        sk_idvec_free(&found);
        return not_found(x, r, type);
    }
    if (found.n > 1) {
        bool more = found.n > MAX_CANDIDATES;
        if (more)
            found.n = MAX_CANDIDATES;
        rc = ambiguous(x, r, &found, more);
        sk_idvec_free(&found);
        return rc;
    }
    rc = sk_idvec_push(out, found.v[0]);
    sk_idvec_free(&found);
    return rc;
}

int sk_exec_ref(sk_exec *x, const sk_ast_ref *r, sk_id *out)
{
    sk_idvec ids = {0};
    int rc = sk_exec_refset(x, r, &ids);
    if (!rc && ids.n == 0)
        rc = sk_exec_fail(x, SK_ENOTFOUND, r->span, "no entity matches %.*s",
                          (int)(r->span.end - r->span.start), x->text + r->span.start);
    else if (!rc && ids.n > 1) {
        bool more = ids.n > MAX_CANDIDATES;
        if (more)
            ids.n = MAX_CANDIDATES;
        rc = ambiguous(x, r, &ids, more);
    } else if (!rc)
        *out = ids.v[0];
    sk_idvec_free(&ids);
    return rc;
}
