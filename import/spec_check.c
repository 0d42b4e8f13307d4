/*
 * spec_check.c — what a parsed specification must satisfy beyond its
 * grammar, and the binding of its column references to a file's columns.
 *
 * Checked before any data is read: links name defined entities; the rules
 * fit the format (entity/link rules for csv, matrix, ufdr and xry; node and
 * relationship rules for neo4j); columns of the fixed-schema formats exist;
 * a headerless file is addressed by column numbers. Every message names the
 * spec line and column and, for a misspelt name, the closest valid one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_int.h"

#define X_STR(name) #name,
static const char *const ufdr_cols[] = {IMP_UFDR_COLUMNS(X_STR)};
static const char *const xry_cols[] = {IMP_XRY_COLUMNS(X_STR)};
static const char *const matrix_cols[] = {IMP_MATRIX_COLUMNS(X_STR)};
#undef X_STR

const char *const *imp_format_columns(imp_format f, size_t *n)
{
    switch (f) {
    case IMP_FMT_UFDR: *n = IMP_UFDR_NCOLS; return ufdr_cols;
    case IMP_FMT_XRY: *n = IMP_XRY_NCOLS; return xry_cols;
    case IMP_FMT_MATRIX: *n = IMP_MATRIX_NCOLS; return matrix_cols;
    default: *n = 0; return NULL;
    }
}

const char *imp_format_name(imp_format f)
{
    static const char *const names[] = {"csv", "neo4j", "matrix", "ufdr", "xry"};
    return names[f];
}

static int resolve_entity(const sk_import_spec *s, imp_lex *lx, const char *name,
                          imp_pos pos, int *out)
{
    for (size_t i = 0; i < s->nents; i++)
        if (strcmp(s->ents[i].name, name) == 0) {
            *out = (int)i;
            return SK_OK;
        }
    const char *cands[SK_IMPORT_RULES_MAX];
    for (size_t i = 0; i < s->nents; i++)
        cands[i] = s->ents[i].name;
    const char *sug = imp_suggest(name, strlen(name), cands, s->nents);
    if (sug)
        return imp_lex_error(lx, pos, "unknown entity '%s', did you mean '%s'?", name, sug);
    return imp_lex_error(lx, pos, "unknown entity '%s': define it with an `entity %s TYPE` "
                         "line", name, name);
}

/* Checks each column reference against fixed column names. */
static int check_fixed_columns(const sk_import_spec *s, imp_lex *lx)
{
    size_t n;
    const char *const *names = imp_format_columns(s->format, &n);
    for (size_t i = 0; i < s->ncols; i++) {
        const imp_colref *c = &s->cols[i];
        if (!c->name) {
            if ((size_t)c->number > n)
                return imp_lex_error(lx, c->pos, "column #%d does not exist: format %s has "
                                     "%zu columns", c->number, imp_format_name(s->format), n);
            continue;
        }
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = strcasecmp(names[k], c->name) == 0;
        if (found)
            continue;
        const char *sug = imp_suggest(c->name, strlen(c->name), names, n);
        if (sug)
            return imp_lex_error(lx, c->pos, "unknown column '%s' for format %s, did you "
                                 "mean '%s'?", c->name, imp_format_name(s->format), sug);
        char list[512] = "";
        for (size_t k = 0; k < n; k++) {
            strncat(list, k ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, names[k], sizeof list - strlen(list) - 1);
        }
        return imp_lex_error(lx, c->pos, "unknown column '%s' for format %s (its columns "
                             "are: %s)", c->name, imp_format_name(s->format), list);
    }
    return SK_OK;
}

int imp_spec_check(sk_import_spec *s, imp_lex *lx)
{
    imp_pos top = {1, 1};
    bool neo = s->format == IMP_FMT_NEO4J;
    if (neo && (s->nents || s->nlinks)) {
        imp_pos at = s->nents ? s->ents[0].pos : s->links[0].pos;
        return imp_lex_error(lx, at, "format neo4j takes its entities and links from the "
                             "file headers: use `node` and `relationship` rules instead");
    }
    if (!neo && (s->nnodes || s->nrels)) {
        imp_pos at = s->nnodes ? s->nodes[0].pos : s->rels[0].pos;
        return imp_lex_error(lx, at, "`node` and `relationship` rules are for format neo4j "
                             "(this spec reads %s)", imp_format_name(s->format));
    }
    if (!neo && s->nents == 0)
        return imp_lex_error(lx, top, "the spec defines no entity: add an `entity NAME TYPE` "
                             "block");
    for (size_t i = 0; i < s->nlinks; i++) {
        imp_link_rule *l = &s->links[i];
        int rc = resolve_entity(s, lx, l->from_name, l->from_pos, &l->from);
        if (rc || (rc = resolve_entity(s, lx, l->to_name, l->to_pos, &l->to)))
            return rc;
    }
    for (size_t i = 0; i < s->nents; i++) {
        const imp_entity_rule *e = &s->ents[i];
        if (!e->keyless && e->nkeys == 0)
            return imp_lex_error(lx, e->pos, "entity '%s' has no key: add `key COLUMN` "
                                 "(or `key none` to make a new entity for every row)", e->name);
    }
    if (s->format == IMP_FMT_UFDR || s->format == IMP_FMT_XRY || s->format == IMP_FMT_MATRIX)
        return check_fixed_columns(s, lx);
    if (s->format == IMP_FMT_CSV && !s->header)
        for (size_t i = 0; i < s->ncols; i++)
            if (s->cols[i].name)
                return imp_lex_error(lx, s->cols[i].pos, "the file has no header (header "
                                     "no): refer to column '%s' by number, like #1",
                                     s->cols[i].name);
    return SK_OK;
}

/* ---- Binding ----------------------------------------------------------- */

static int find_column(const char *name, const char *const *names, const size_t *lens,
                       size_t n)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < n; i++)
        if (lens[i] == len && memcmp(names[i], name, len) == 0)
            return (int)i;
    for (size_t i = 0; i < n; i++)
        if (lens[i] == len && strncasecmp(names[i], name, len) == 0)
            return (int)i;
    /* Headers often carry stray blanks. */
    for (size_t i = 0; i < n; i++) {
        const char *p = names[i];
        size_t l = lens[i];
        imp_trim(&p, &l);
        if (l == len && strncasecmp(p, name, len) == 0)
            return (int)i;
    }
    return -1;
}

int imp_bind_columns(const sk_import_spec *spec, const char *const *names,
                     const size_t *lens, size_t n, imp_bind *out, imp_err *e)
{
    out->n = spec->ncols;
    out->index = calloc(spec->ncols ? spec->ncols : 1, sizeof *out->index);
    if (!out->index)
        return imp_err_set(e, 1, 1, SK_ENOMEM, "out of memory");
    for (size_t i = 0; i < spec->ncols; i++) {
        const imp_colref *c = &spec->cols[i];
        if (!c->name) {
            /* A number beyond the header is allowed: ragged rows may have it. */
            out->index[i] = c->number - 1;
            continue;
        }
        int k = names ? find_column(c->name, names, lens, n) : -1;
        if (k >= 0) {
            out->index[i] = k;
            continue;
        }
        char list[300] = "";
        for (size_t j = 0; j < n && names; j++) {
            char one[64];
            snprintf(one, sizeof one, "%s%.*s", j ? ", " : "",
                     (int)(lens[j] > 40 ? 40 : lens[j]), names[j]);
            if (strlen(list) + strlen(one) + 8 >= sizeof list) {
                strncat(list, ", …", sizeof list - strlen(list) - 1);
                break;
            }
            strncat(list, one, sizeof list - strlen(list) - 1);
        }
        /* Suggest the closest header name. */
        int best = -1, bestd = 3;
        for (size_t j = 0; j < n && names; j++) {
            int d = imp_edit_distance(c->name, strlen(c->name), names[j], lens[j], 2);
            if (d <= 2 && d < bestd) {
                bestd = d;
                best = (int)j;
            }
        }
        imp_bind_free(out);
        if (best >= 0)
            return imp_err_set(e, 1, 1, SK_EPARSE,
                               "no column '%s' (spec %s:%u:%u); did you mean '%.*s'? "
                               "(columns: %s)", c->name, spec->origin, c->pos.line,
                               c->pos.col, (int)lens[best], names[best], list);
        return imp_err_set(e, 1, 1, SK_EPARSE, "no column '%s' (spec %s:%u:%u) (columns: %s)",
                           c->name, spec->origin, c->pos.line, c->pos.col, list);
    }
    return SK_OK;
}

void imp_bind_free(imp_bind *b)
{
    free(b->index);
    b->index = NULL;
    b->n = 0;
}

/* ---- Loading ------------------------------------------------------------ */

int sk_import_spec_load(const char *name_or_path, sk_import_spec **out, char *errbuf,
                        size_t errlen)
{
    *out = NULL;
    size_t len = strlen(name_or_path);
    bool is_path = strchr(name_or_path, '/') ||
                   (len > 5 && strcmp(name_or_path + len - 5, ".spec") == 0);
    if (!is_path) {
        size_t n;
        const sk_import_builtin *b = sk_import_builtins(&n);
        for (size_t i = 0; i < n; i++)
            if (strcasecmp(b[i].name, name_or_path) == 0) {
                char origin[64];
                snprintf(origin, sizeof origin, "builtin:%s", b[i].name);
                return sk_import_spec_parse(b[i].text, strlen(b[i].text), origin, out,
                                            errbuf, errlen);
            }
        const char *names[32];
        size_t k = 0;
        char list[256] = "";
        for (size_t i = 0; i < n && k < 32; i++) {
            names[k++] = b[i].name;
            strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, b[i].name, sizeof list - strlen(list) - 1);
        }
        const char *sug = imp_suggest(name_or_path, len, names, k);
        if (errbuf) {
            if (sug)
                snprintf(errbuf, errlen, "unknown spec '%s', did you mean '%s'? (built-in "
                         "specs: %s; or give the path of a .spec file)", name_or_path, sug,
                         list);
            else
                snprintf(errbuf, errlen, "unknown spec '%s' (built-in specs: %s; or give "
                         "the path of a .spec file)", name_or_path, list);
        }
        return SK_ENOTFOUND;
    }
    FILE *f = fopen(name_or_path, "rb");
    if (!f) {
        if (errbuf)
            snprintf(errbuf, errlen, "%s: cannot open the spec: %s", name_or_path,
                     strerror(errno));
        return SK_EIO;
    }
    char *buf = malloc(SK_IMPORT_SPEC_MAX + 1);
    if (!buf) {
        fclose(f);
        return SK_ENOMEM;
    }
    size_t got = fread(buf, 1, SK_IMPORT_SPEC_MAX + 1, f);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        if (errbuf)
            snprintf(errbuf, errlen, "%s: cannot read the spec", name_or_path);
        return SK_EIO;
    }
    if (got > SK_IMPORT_SPEC_MAX) {
        free(buf);
        if (errbuf)
            snprintf(errbuf, errlen, "%s: spec too large (more than %u bytes)", name_or_path,
                     (unsigned)SK_IMPORT_SPEC_MAX);
        return SK_ELIMIT;
    }
    /* A UTF-8 BOM from an editor is fine. */
    size_t off = got >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    bool invalid;
    if (imp_utf8_valid_prefix((const unsigned char *)buf + off, got - off, &invalid) !=
            got - off || memchr(buf + off, 0, got - off)) {
        free(buf);
        if (errbuf)
            snprintf(errbuf, errlen, "%s: a spec must be UTF-8 text", name_or_path);
        return SK_EPARSE;
    }
    int rc = sk_import_spec_parse(buf + off, got - off, name_or_path, out, errbuf, errlen);
    free(buf);
    return rc;
}
