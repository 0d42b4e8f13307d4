/*
 * neo4j.c — neo4j-admin import CSV: node files and relationship files given
 * together, their entity types, keys and properties taken from the headers.
 *
 * Header columns: ":ID" or "name:ID(space)", ":LABEL" (labels split on ';'),
 * ":START_ID(space)", ":END_ID(space)", ":TYPE", ":IGNORE", and properties
 * "name" or "name:type" (int long short byte float double boolean string
 * char date datetime localdatetime; other types and arrays keep their text).
 * neo4j ids are local to the export, so they are mapped to entity ids in an
 * in-memory hash (space + id → entity) that lives for the whole import;
 * node files are therefore read before relationship files (import.c orders
 * them). The spec's `node` rules give each label an entity type, natural
 * key alternatives, a display label and typed extra properties; a label
 * without a rule becomes its lower-cased name with no key, as does a node
 * whose key columns are all empty. `relationship` rules rename link types
 * and may make them undirected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_int.h"

typedef enum ncrole { NC_PROP, NC_ID, NC_LABEL, NC_START, NC_END, NC_TYPE, NC_IGNORE } ncrole;

/* One column of the current file, planned from its header. */
typedef struct ncol {
    ncrole role;
    imp_vkind kind;         /* for NC_PROP (and a named NC_ID) */
    sk_sym sym;             /* property name */
    const char *space;      /* id space of ID / START_ID / END_ID */
    size_t spacelen;
} ncol;

struct imp_neo4j {
    const sk_import_spec *spec;
    imp_mapper m;           /* renders the spec's templates against a row */
    imp_hmap ids;           /* space '\x1f' id → entity id */
    ncol *cols;
    size_t ncols;
    bool rel, lookup;
    int idcol, labelcol, startcol, endcol, typecol;
    sk_sym **node_syms;     /* per node rule: its prop names interned */
    const imp_record *rec;
    /* The prepared row. */
    sk_entity_in ein;
    size_t keylen;          /* of ein.key */
    uint64_t khash;         /* imp_writer_keyhash of ein.key */
    bool known;             /* imp_writer_known found ein.key; REF is its answer */
    uint64_t ref;
    const char *idkey;
    size_t idkeylen;
    imp_field idfield;
    const char *tname;
    size_t tlen;
    sk_link_in lin;
};

/* Whether header cell S (N bytes) is a column of role ROLE (":START_ID"),
 * with or without a name in front and an id space behind. */
static bool has_role(const char *s, size_t n, const char *role)
{
    size_t rl = strlen(role);
    for (size_t i = 0; i + rl <= n; i++)
        if (strncasecmp(s + i, role, rl) == 0 && (i + rl == n || s[i + rl] == '('))
            return true;
    return false;
}

bool imp_neo4j_is_rel(const char *const *names, const size_t *lens, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (has_role(names[i], lens[i], ":START_ID"))
            return true;
    return false;
}

int imp_neo4j_new(imp_neo4j **out, const sk_import_spec *spec, const imp_tz *tz,
                  imp_writer *w)
{
    imp_neo4j *n = calloc(1, sizeof *n);
    if (!n)
        return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
    n->spec = spec;
    imp_hmap_init(&n->ids);
    *out = n;
    int rc = imp_mapper_init(&n->m, spec, tz, w);
    if (rc)
        return rc;
    n->node_syms = calloc(spec->nnodes + 1, sizeof *n->node_syms);
    if (!n->node_syms)
        return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
    for (size_t i = 0; i < spec->nnodes && !rc; i++) {
        const imp_node_rule *r = &spec->nodes[i];
        n->node_syms[i] = calloc(r->nprops + 1, sizeof(sk_sym));
        if (!n->node_syms[i])
            return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
        for (size_t j = 0; j < r->nprops && !rc; j++)
            rc = imp_writer_sym(w, SK_DICT_PROP, r->props[j].name, strlen(r->props[j].name),
                                &n->node_syms[i][j]);
    }
    return rc;
}

void imp_neo4j_free(imp_neo4j *n)
{
    if (!n)
        return;
    if (n->node_syms)
        for (size_t i = 0; i < n->spec->nnodes; i++)
            free(n->node_syms[i]);
    free(n->node_syms);
    free(n->cols);
    imp_hmap_free(&n->ids);
    imp_mapper_free(&n->m);
    free(n);
}

/* The kind of a neo4j property type name. */
static imp_vkind neo_kind(const char *t, size_t n)
{
    static const struct { const char *name; imp_vkind kind; } map[] = {
        {"int", IMP_V_INT}, {"long", IMP_V_INT}, {"short", IMP_V_INT}, {"byte", IMP_V_INT},
        {"float", IMP_V_REAL}, {"double", IMP_V_REAL}, {"boolean", IMP_V_BOOL},
        {"date", IMP_V_DATE}, {"datetime", IMP_V_TIME}, {"localdatetime", IMP_V_TIME},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i].name) == n && strncasecmp(t, map[i].name, n) == 0)
            return map[i].kind;
    return IMP_V_TEXT; /* string, char, arrays, points, durations: their text */
}

/* Splits "name:TYPE(space)" into its parts. */
static void split_header(const char *s, size_t n, const char **name, size_t *nlen,
                         const char **type, size_t *tlen, const char **space, size_t *slen)
{
    const char *colon = NULL;
    for (size_t i = n; i-- > 0 && !colon;)
        if (s[i] == ':')
            colon = s + i;
    /* A colon inside the id space "(…)" does not split. */
    if (colon && memchr(s, '(', n) && colon > (const char *)memchr(s, '(', n)) {
        const char *paren = memchr(s, '(', n);
        colon = NULL;
        for (const char *p = paren; p-- > s && !colon;)
            if (*p == ':')
                colon = p;
    }
    *space = NULL;
    *slen = 0;
    if (!colon) {
        *name = s, *nlen = n, *type = NULL, *tlen = 0;
        return;
    }
    *name = s;
    *nlen = (size_t)(colon - s);
    *type = colon + 1;
    *tlen = n - *nlen - 1;
    const char *paren = memchr(*type, '(', *tlen);
    if (paren && (*type)[*tlen - 1] == ')') {
        *space = paren + 1;
        *slen = (size_t)((*type + *tlen - 1) - *space);
        *tlen = (size_t)(paren - *type);
    }
}

int imp_neo4j_file(imp_neo4j *n, imp_writer *w, const imp_reader *rd, bool lookup,
                   imp_err *e)
{
    free(n->cols);
    n->cols = calloc(rd->nnames + 1, sizeof *n->cols);
    if (!n->cols)
        return imp_err_set(e, 1, 1, SK_ENOMEM, "out of memory");
    n->ncols = rd->nnames;
    n->rel = imp_neo4j_is_rel(rd->names, rd->lens, rd->nnames);
    n->lookup = lookup;
    n->m.colnames = rd->names;
    n->idcol = n->labelcol = n->startcol = n->endcol = n->typecol = -1;
    /* Bind the spec's column references by property name. */
    imp_bind_free(&n->m.bind);
    n->m.bind.n = n->spec->ncols;
    n->m.bind.index = malloc((n->spec->ncols + 1) * sizeof(int));
    if (!n->m.bind.index)
        return imp_err_set(e, 1, 1, SK_ENOMEM, "out of memory");
    for (size_t i = 0; i < n->spec->ncols; i++)
        n->m.bind.index[i] = -1;
    for (size_t i = 0; i < rd->nnames; i++) {
        const char *name, *type, *space;
        size_t nlen, tlen, slen;
        split_header(rd->names[i], rd->lens[i], &name, &nlen, &type, &tlen, &space, &slen);
        ncol *c = &n->cols[i];
        c->role = NC_PROP;
        c->space = space ? space : "";
        c->spacelen = slen;
        int *slot = NULL;
        if (type && tlen) {
            static const struct { const char *w; ncrole r; } roles[] = {
                {"ID", NC_ID}, {"LABEL", NC_LABEL}, {"START_ID", NC_START},
                {"END_ID", NC_END}, {"TYPE", NC_TYPE}, {"IGNORE", NC_IGNORE},
            };
            for (size_t k = 0; k < 6; k++)
                if (strlen(roles[k].w) == tlen && strncasecmp(type, roles[k].w, tlen) == 0)
                    c->role = roles[k].r;
            int *slots[] = {NULL, &n->idcol, &n->labelcol, &n->startcol, &n->endcol,
                            &n->typecol, NULL};
            slot = slots[c->role];
            if (c->role == NC_PROP)
                c->kind = neo_kind(type, tlen);
        }
        if (slot) {
            if (*slot >= 0)
                return imp_err_set(e, 1, 1, SK_EPARSE, "two %.*s columns in the header",
                                   (int)rd->lens[i], rd->names[i]);
            *slot = (int)i;
        }
        if (c->role == NC_ID && nlen > 0)
            c->role = NC_PROP, n->idcol = (int)i, c->kind = IMP_V_TEXT;
        if (c->role == NC_PROP && nlen > 0) {
            int rc = imp_writer_sym(w, SK_DICT_PROP, name, nlen, &c->sym);
            if (rc)
                return imp_err_set(e, 1, 1, rc, "%s", sk_txn_errmsg(w->t));
            for (size_t k = 0; k < n->spec->ncols; k++) {
                const imp_colref *cr = &n->spec->cols[k];
                if (cr->name && strlen(cr->name) == nlen && memcmp(cr->name, name, nlen) == 0)
                    n->m.bind.index[k] = (int)i;
            }
        } else if (c->role == NC_PROP) {
            c->role = NC_IGNORE; /* an unnamed column */
        }
    }
    if (n->rel) {
        if (n->startcol < 0 || n->endcol < 0 || n->typecol < 0)
            return imp_err_set(e, 1, 1, SK_EPARSE, "a relationship file needs :START_ID, "
                               ":END_ID and :TYPE columns");
    } else {
        if (n->idcol < 0)
            return imp_err_set(e, 1, 1, SK_EPARSE, "a node file needs an :ID column (or a "
                               ":START_ID column for relationships)");
        if (n->labelcol < 0)
            return imp_err_set(e, 1, 1, SK_EPARSE, "a node file needs a :LABEL column");
    }
    return SK_OK;
}

static imp_field field_at(const imp_record *rec, int i)
{
    imp_field f = {.p = "", .n = 0, .line = rec->line, .col = 1};
    if (i >= 0 && (size_t)i < rec->n) {
        f = rec->f[i];
        const char *p = f.p;
        size_t len = f.n;
        imp_trim(&p, &len);
        f.p = p;
        f.n = (uint32_t)len;
    }
    return f;
}

/* The id-map key of ID in SPACE, in the row arena. */
static const char *id_key(imp_neo4j *n, const ncol *c, const imp_field *f, size_t *len)
{
    char *k = sk_arena_alloc(n->m.row, c->spacelen + 1 + f->n);
    if (!k)
        return NULL;
    memcpy(k, c->space, c->spacelen);
    k[c->spacelen] = '\x1f';
    memcpy(k + c->spacelen + 1, f->p, f->n);
    *len = c->spacelen + 1 + f->n;
    return k;
}

/* Converts the typed property columns and the rule's extra properties. */
static int row_props(imp_neo4j *n, int rule, sk_prop **out, size_t *nout, imp_err *e)
{
    const imp_record *rec = n->rec;
    size_t extra = rule >= 0 ? n->spec->nodes[rule].nprops : 0;
    sk_prop *props = sk_arena_alloc(n->m.row, (n->ncols + extra + 1) * sizeof *props);
    if (!props)
        return imp_err_set(e, rec->line, 1, SK_ENOMEM, "out of memory");
    size_t np = 0;
    const sk_import_spec *s = n->spec;
    for (size_t i = 0; i < n->ncols && i < rec->n; i++) {
        const ncol *c = &n->cols[i];
        if (c->role != NC_PROP)
            continue;
        imp_field f = field_at(rec, (int)i);
        if (f.n == 0)
            continue; /* neo4j-admin: an empty field is no property */
        sk_value v = {.type = SK_V_NULL};
        int rc = SK_OK;
        switch (c->kind) {
        case IMP_V_INT:
            v.type = SK_V_INT;
            rc = imp_parse_int(f.p, f.n, &s->num, &v.u.i);
            break;
        case IMP_V_REAL:
            v.type = SK_V_REAL;
            rc = imp_parse_real(f.p, f.n, &s->num, &v.u.r);
            break;
        case IMP_V_BOOL:
            v.type = SK_V_BOOL;
            rc = imp_parse_bool(f.p, f.n, &v.u.b);
            break;
        case IMP_V_DATE:
        case IMP_V_TIME: {
            imp_time tm;
            rc = imp_time_parse(f.p, f.n, "iso", n->m.tz, &tm);
            v.type = SK_V_TIME;
            v.u.time.t = tm.t;
            v.u.time.off_min = (int16_t)(tm.off / 60);
            break;
        }
        default:
            v.type = SK_V_STR;
            v.u.str.ptr = f.p;
            v.u.str.len = f.n;
            break;
        }
        if (rc != SK_OK) {
            char q[96];
            static const char *const what[] = {"text", "an integer", "a number", "an amount",
                                               "true or false", "a date-time", "a date"};
            return imp_err_set(e, f.line, f.col, SK_EPARSE, "not %s: %s in column %s",
                               what[c->kind <= IMP_V_DATE ? c->kind : 0],
                               imp_quote(f.p, f.n, q, sizeof q), n->m.colnames
                               ? n->m.colnames[i] : "");
        }
        props[np].name = c->sym;
        props[np++].value = v;
    }
    for (size_t j = 0; j < extra; j++) {
        const imp_prop_rule *pr = &s->nodes[rule].props[j];
        sk_value v;
        int rc = imp_map_value(&n->m, &pr->src, 1000, &v, e);
        if (rc)
            return rc;
        if (v.type == SK_V_NULL)
            continue;
        sk_sym sym = n->node_syms[rule][j];
        size_t k = 0;
        while (k < np && props[k].name != sym)
            k++;
        props[k].name = sym;
        props[k].value = v;
        if (k == np)
            np++;
    }
    *out = props;
    *nout = np;
    return SK_OK;
}

/* The node rule for the labels of a row ("A;B"): the first label with a
 * rule, else -1 with *FIRST the first label. */
static int node_rule(const imp_neo4j *n, const imp_field *f, const char **first, size_t *flen)
{
    const char *p = f->p, *end = f->p + f->n;
    *first = NULL;
    *flen = 0;
    while (p < end) {
        const char *q = memchr(p, ';', (size_t)(end - p));
        if (!q)
            q = end;
        const char *lab = p;
        size_t len = (size_t)(q - p);
        imp_trim(&lab, &len);
        if (len && !*first) {
            *first = lab;
            *flen = len;
        }
        for (size_t i = 0; i < n->spec->nnodes && len; i++) {
            const char *rl = n->spec->nodes[i].label;
            if (strlen(rl) == len && strncasecmp(rl, lab, len) == 0)
                return (int)i;
        }
        p = q + 1;
    }
    return -1;
}

static int map_node(imp_neo4j *n, imp_writer *w, imp_err *e)
{
    const imp_record *rec = n->rec;
    imp_field idf = field_at(rec, n->idcol);
    if (idf.n == 0)
        return imp_err_set(e, idf.line, idf.col, SK_EPARSE, "empty :ID");
    n->idfield = idf;
    n->idkey = id_key(n, &n->cols[n->idcol], &idf, &n->idkeylen);
    if (!n->idkey)
        return imp_err_set(e, rec->line, 1, SK_ENOMEM, "out of memory");
    imp_field lf = field_at(rec, n->labelcol);
    const char *first;
    size_t flen;
    int rule = node_rule(n, &lf, &first, &flen);
    if (!first)
        return imp_err_set(e, lf.line, lf.col, SK_EPARSE, "node %.*s has no :LABEL",
                           (int)idf.n, idf.p);
    const imp_node_rule *r = rule >= 0 ? &n->spec->nodes[rule] : NULL;
    n->tname = r ? r->type : first;
    n->tlen = r ? strlen(r->type) : flen;
    memset(&n->ein, 0, sizeof n->ein);
    int rc = imp_writer_sym(w, SK_DICT_ETYPE, n->tname, n->tlen, &n->ein.type);
    if (rc)
        return imp_err_set(e, rec->line, 1, rc, "%s", sk_txn_errmsg(w->t));
    n->known = false;
    const char *key = NULL;
    size_t klen = 0;
    for (size_t k = 0; r && k < r->nkeys && !key; k++) {
        bool empty;
        int ref;
        imp_field a;
        const char *txt = imp_map_render(&n->m, &r->keys[k], &klen, &empty, &a, &ref);
        if (!txt)
            return imp_err_set(e, rec->line, 1, SK_ENOMEM, "out of memory");
        if (ref >= 0 && n->m.bind.index[ref] < 0)
            return imp_err_set(e, 1, 1, SK_EPARSE, "no column '%s' for the key of label %s "
                               "(spec %s:%u:%u)", n->spec->cols[ref].name, r->label,
                               n->spec->origin, r->keys[k].pos.line, r->keys[k].pos.col);
        if (!empty && klen)
            key = txt;
    }
    n->khash = key ? imp_writer_keyhash(key, klen) : 0;
    if (key && !(n->known = imp_writer_known(w, n->ein.type, key, klen, n->khash, &n->ref))) {
        char why[200];
        if (imp_writer_checkkey(w, n->tname, n->tlen, key, klen, why, sizeof why) != SK_OK) {
            /* A neo4j export is imported as it is: a node whose key does
             * not fit its type's rule ("0-(000)061-7690" is no phone
             * number) keeps its properties but resolves with nothing. */
            key = NULL;
            w->unkeyed++;
        }
    }
    n->ein.key = key;
    n->keylen = key ? klen : 0;
    n->ein.label = NULL;
    if (r && r->display.nparts) {
        bool empty;
        int ref;
        imp_field a;
        size_t dl;
        const char *d = imp_map_render(&n->m, &r->display, &dl, &empty, &a, &ref);
        if (d && dl)
            n->ein.label = d;
    }
    if (!n->ein.label && !key) {
        char *d = sk_arena_alloc(n->m.row, flen + idf.n + 2);
        if (d) {
            memcpy(d, first, flen);
            d[flen] = ' ';
            memcpy(d + flen + 1, idf.p, idf.n);
            d[flen + 1 + idf.n] = '\0';
        }
        n->ein.label = d;
    }
    sk_prop *props;
    size_t np;
    if ((rc = row_props(n, rule, &props, &np, e)))
        return rc;
    n->ein.props = props;
    n->ein.nprops = np;
    return SK_OK;
}

static int map_rel(imp_neo4j *n, imp_writer *w, imp_err *e)
{
    const imp_record *rec = n->rec;
    memset(&n->lin, 0, sizeof n->lin);
    int cols[2] = {n->startcol, n->endcol};
    sk_id ends[2];
    for (int k = 0; k < 2; k++) {
        imp_field f = field_at(rec, cols[k]);
        if (f.n == 0)
            return imp_err_set(e, f.line, f.col, SK_EPARSE, "empty %s",
                               k ? ":END_ID" : ":START_ID");
        size_t kl;
        const char *key = id_key(n, &n->cols[cols[k]], &f, &kl);
        uint64_t v;
        if (!key)
            return imp_err_set(e, rec->line, 1, SK_ENOMEM, "out of memory");
        if (!imp_hmap_get(&n->ids, key, kl, &v)) {
            char q[96];
            return imp_err_set(e, f.line, f.col, SK_EPARSE, "unknown node id %s in %s (no "
                               "node file of this import has it)",
                               imp_quote(f.p, f.n, q, sizeof q), k ? ":END_ID" : ":START_ID");
        }
        ends[k] = v;
    }
    imp_field tf = field_at(rec, n->typecol);
    if (tf.n == 0)
        return imp_err_set(e, tf.line, tf.col, SK_EPARSE, "empty :TYPE");
    const char *tname = tf.p;
    size_t tlen = tf.n;
    bool undirected = false;
    for (size_t i = 0; i < n->spec->nrels; i++) {
        const imp_rel_rule *r = &n->spec->rels[i];
        if (strlen(r->reltype) == tf.n && strncasecmp(r->reltype, tf.p, tf.n) == 0) {
            tname = r->type;
            tlen = strlen(r->type);
            undirected = r->undirected;
            break;
        }
    }
    int rc = imp_writer_sym(w, SK_DICT_LTYPE, tname, tlen, &n->lin.type);
    if (rc)
        return imp_err_set(e, rec->line, 1, rc, "%s", sk_txn_errmsg(w->t));
    n->lin.src = ends[0];
    n->lin.dst = ends[1];
    n->lin.directed = !undirected;
    n->lin.t_start = n->lin.t_end = SK_NO_TIME;
    sk_prop *props;
    size_t np;
    if ((rc = row_props(n, -1, &props, &np, e)))
        return rc;
    n->lin.props = props;
    n->lin.nprops = np;
    return SK_OK;
}

int imp_neo4j_map(imp_neo4j *n, imp_writer *w, const imp_record *rec, imp_err *e)
{
    sk_arena_reset(n->m.row);
    n->rec = rec;
    n->m.rec = rec;
    return n->rel ? map_rel(n, w, e) : map_node(n, w, e);
}

int imp_neo4j_write(imp_neo4j *n, imp_writer *w, imp_err *e)
{
    if (n->rel) {
        sk_link_in in = n->lin;
        in.assert = w->as;
        return imp_writer_link(w, &in);
    }
    sk_id id;
    uint64_t old;
    if (imp_hmap_get(&n->ids, n->idkey, n->idkeylen, &old)) {
        char q[96];
        return imp_err_set(e, n->idfield.line, n->idfield.col, SK_EPARSE,
                           "node id %s appears twice in this import",
                           imp_quote(n->idfield.p, n->idfield.n, q, sizeof q));
    }
    if (n->lookup) {
        if (!n->ein.key) {
            char q[96];
            return imp_err_set(e, n->idfield.line, n->idfield.col, SK_EPARSE,
                               "node %s was imported before and has no natural key, so new "
                               "relationships cannot find it: import the node and "
                               "relationship files again together into a new case",
                               imp_quote(n->idfield.p, n->idfield.n, q, sizeof q));
        }
        int rc = sk_entity_by_key(w->t, n->ein.type, n->ein.key, strlen(n->ein.key), &id);
        if (rc == SK_ENOTFOUND) {
            char q[96];
            return imp_err_set(e, n->idfield.line, n->idfield.col, SK_EPARSE,
                               "node %s was imported before but is no longer in the case",
                               imp_quote(n->idfield.p, n->idfield.n, q, sizeof q));
        }
        if (rc)
            return rc;
    } else {
        sk_entity_in in = n->ein;
        in.assert = w->as;
        int rc = imp_writer_entity(w, &in, n->keylen, n->khash, n->known, n->ref, &id);
        if (rc)
            return rc;
    }
    if (imp_hmap_put(&n->ids, n->idkey, n->idkeylen, id) != SK_OK)
        return sk_txn_fail(w->t, SK_ENOMEM, "out of memory");
    return SK_OK;
}
