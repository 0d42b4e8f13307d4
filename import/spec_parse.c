/*
 * spec_parse.c — the grammar of a mapping specification (docs/import.md).
 *
 *   spec      := "skein-spec" VERSION NL { line NL }
 *   line      := directive args          (one directive per line)
 *   block     := ("entity" | "link" | "node" | "relationship") header
 *                { block-directive }     (key, label, prop, time, …)
 *
 * A top-level directive ends the block above it; a block directive outside
 * a block of its kind is an error that says where it belongs. The table of
 * directives (SPEC_DIRECTIVES) gives each its context, handler and the
 * words used for "did you mean" suggestions. The parser only builds the
 * spec; cross-checks (links naming entities, columns of fixed formats) are
 * in spec_check.c. Everything is allocated in the spec's arena.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_int.h"

enum ctx { CX_TOP = 1, CX_ENTITY = 2, CX_LINK = 4, CX_NODE = 8, CX_REL = 16 };

typedef struct parser {
    imp_lex lx;
    sk_import_spec *s;
    int ctx;                     /* the block we are in (CX_TOP when none) */
    size_t cap_ents, cap_links, cap_nodes, cap_rels, cap_cols, cap_inc, cap_exc;
    size_t cap_props, cap_keys;  /* of the current block */
    size_t cap_tfmt, cap_dfmt;
    bool saw_format;
    imp_pos dpos;                /* where the current directive starts */
} parser;

#define TOK (p->lx.tok)

/* Grows an arena array by one zeroed element. */
static void *vec_push(sk_arena *a, void *arrp, size_t *n, size_t *cap, size_t elem)
{
    void **arr = arrp;
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        void *nv = sk_arena_alloc(a, ncap * elem);
        if (!nv)
            return NULL;
        if (*n)
            memcpy(nv, *arr, *n * elem);
        *arr = nv;
        *cap = ncap;
    }
    char *slot = (char *)*arr + *n * elem;
    memset(slot, 0, elem);
    (*n)++;
    return slot;
}

static int next(parser *p)
{
    return imp_lex_next(&p->lx);
}

static int err_at(parser *p, imp_pos pos, const char *what)
{
    char d[96];
    return imp_lex_error(&p->lx, pos, "%s, found %s", what,
                         imp_tok_describe(&TOK, d, sizeof d));
}

static int oom(parser *p)
{
    return imp_lex_error(&p->lx, TOK.pos, "out of memory");
}

static const char *tok_str(parser *p)
{
    return sk_arena_strndup(p->s->arena, TOK.p, TOK.n);
}

static bool tok_is(parser *p, const char *word)
{
    return TOK.kind == IMP_T_WORD && TOK.n == strlen(word) &&
           strncasecmp(TOK.p, word, TOK.n) == 0;
}

/* A name-like argument: a word or a string. */
static int want_text(parser *p, const char *what, const char **out)
{
    if (TOK.kind != IMP_T_WORD && TOK.kind != IMP_T_STRING)
        return err_at(p, TOK.pos, what);
    *out = tok_str(p);
    return *out ? next(p) : oom(p);
}

/* Picks one of WORDS (N) for the current word; suggests on a typo. */
static int want_choice(parser *p, const char *what, const char *const *words, size_t n,
                       int *out)
{
    *out = 0; /* callers may store the choice before looking at the status */
    if (TOK.kind == IMP_T_WORD || TOK.kind == IMP_T_STRING) {
        for (size_t i = 0; i < n; i++)
            if (TOK.n == strlen(words[i]) && strncasecmp(TOK.p, words[i], TOK.n) == 0) {
                *out = (int)i;
                return next(p);
            }
        const char *sug = imp_suggest(TOK.p, TOK.n, words, n);
        char d[96];
        if (sug)
            return imp_lex_error(&p->lx, TOK.pos, "unknown %s %s, did you mean '%s'?", what,
                                 imp_tok_describe(&TOK, d, sizeof d), sug);
        char list[256] = "";
        for (size_t i = 0; i < n; i++) {
            strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, words[i], sizeof list - strlen(list) - 1);
        }
        return imp_lex_error(&p->lx, TOK.pos, "unknown %s %s (expected one of: %s)", what,
                             imp_tok_describe(&TOK, d, sizeof d), list);
    }
    return err_at(p, TOK.pos, what);
}

static int want_bool(parser *p, bool *out)
{
    static const char *const w[] = {"yes", "no", "true", "false"};
    int k;
    int rc = want_choice(p, "yes/no value", w, 4, &k);
    *out = k == 0 || k == 2;
    return rc;
}

/* ---- Column references and templates ---------------------------------- */

static int add_colref(parser *p, const char *name, size_t len, int number, imp_pos pos)
{
    imp_colref *c = vec_push(p->s->arena, &p->s->cols, &p->s->ncols, &p->cap_cols,
                             sizeof *c);
    if (!c)
        return -1;
    c->name = name ? sk_arena_strndup(p->s->arena, name, len) : NULL;
    c->number = number;
    c->ref = (int)(p->s->ncols - 1);
    c->pos = pos;
    return c->ref;
}

/* Parses the template text S (from a string token at POS) into T. */
static int parse_template_text(parser *p, const char *s, size_t n, imp_pos pos, imp_tmpl *t)
{
    size_t maxparts = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '{')
            maxparts += 2;
    t->parts = sk_arena_alloc(p->s->arena, maxparts * sizeof *t->parts);
    if (!t->parts)
        return oom(p);
    t->nparts = 0;
    t->pos = pos;
    size_t i = 0;
    while (i < n) {
        if (s[i] == '{') {
            size_t j = i + 1;
            while (j < n && s[j] != '}')
                j++;
            if (j >= n)
                return imp_lex_error(&p->lx, pos, "unterminated {column} in a template: "
                                     "a } is missing");
            if (j == i + 1)
                return imp_lex_error(&p->lx, pos, "empty {} in a template");
            int number = 0;
            const char *name = s + i + 1;
            size_t nlen = j - i - 1;
            if (name[0] == '#') {
                for (size_t k = 1; k < nlen; k++) {
                    if (name[k] < '0' || name[k] > '9' || number > SK_IMPORT_COLUMNS_MAX)
                        return imp_lex_error(&p->lx, pos, "bad column number {%.*s}: columns "
                                             "are numbered #1 to #%d", (int)nlen, name,
                                             SK_IMPORT_COLUMNS_MAX);
                    number = number * 10 + (name[k] - '0');
                }
                if (number < 1)
                    return imp_lex_error(&p->lx, pos, "column numbers start at #1");
                name = NULL;
            }
            int ref = add_colref(p, name, nlen, number, pos);
            if (ref < 0)
                return oom(p);
            t->parts[t->nparts].lit = NULL;
            t->parts[t->nparts++].ref = ref;
            i = j + 1;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != '{')
            j++;
        t->parts[t->nparts].lit = s + i;
        t->parts[t->nparts].litlen = j - i;
        t->parts[t->nparts++].ref = -1;
        i = j;
    }
    return SK_OK;
}

/* One column reference as a template of one part: WORD, #N, {name} or a
 * string (a template when it holds braces, else a column name). */
static int parse_part(parser *p, imp_tmpl *t)
{
    imp_pos pos = TOK.pos;
    if (TOK.kind == IMP_T_STRING && memchr(TOK.p, '{', TOK.n)) {
        int rc = parse_template_text(p, TOK.p, TOK.n, pos, t);
        return rc ? rc : next(p);
    }
    int ref;
    if (TOK.kind == IMP_T_WORD || TOK.kind == IMP_T_BRACE || TOK.kind == IMP_T_STRING) {
        ref = add_colref(p, TOK.p, TOK.n, 0, pos);
    } else if (TOK.kind == IMP_T_COLNUM) {
        int number = 0;
        for (size_t k = 0; k < TOK.n; k++) {
            if (number > SK_IMPORT_COLUMNS_MAX)
                return imp_lex_error(&p->lx, pos, "bad column number: columns are numbered "
                                     "#1 to #%d", SK_IMPORT_COLUMNS_MAX);
            number = number * 10 + (TOK.p[k] - '0');
        }
        if (number < 1)
            return imp_lex_error(&p->lx, pos, "column numbers start at #1");
        ref = add_colref(p, NULL, 0, number, pos);
    } else {
        return err_at(p, pos, "expected a column (name, #number or \"{template}\")");
    }
    if (ref < 0)
        return oom(p);
    t->parts = sk_arena_alloc(p->s->arena, sizeof *t->parts);
    if (!t->parts)
        return oom(p);
    t->parts[0].lit = NULL;
    t->parts[0].ref = ref;
    t->nparts = 1;
    t->pos = pos;
    return next(p);
}

static bool at_part(parser *p)
{
    return TOK.kind == IMP_T_WORD || TOK.kind == IMP_T_STRING || TOK.kind == IMP_T_BRACE ||
           TOK.kind == IMP_T_COLNUM;
}

/* Several parts joined by single spaces ("key name surname"). */
static int parse_joined(parser *p, imp_tmpl *t, bool in_value)
{
    imp_tmpl parts[SK_IMPORT_KEYCOLS_MAX];
    size_t n = 0;
    imp_pos pos = TOK.pos;
    while (at_part(p)) {
        /* In a value, "as TYPE" and "in UNIT" end the columns. */
        if (in_value && (tok_is(p, "as") || tok_is(p, "in")))
            break;
        if (n == SK_IMPORT_KEYCOLS_MAX)
            return imp_lex_error(&p->lx, TOK.pos, "too many columns (at most %d)",
                                 SK_IMPORT_KEYCOLS_MAX);
        int rc = parse_part(p, &parts[n++]);
        if (rc)
            return rc;
    }
    if (n == 0)
        return err_at(p, pos, "expected a column");
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += parts[i].nparts + 1;
    t->parts = sk_arena_alloc(p->s->arena, total * sizeof *t->parts);
    if (!t->parts)
        return oom(p);
    t->nparts = 0;
    t->pos = pos;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            t->parts[t->nparts].lit = " ";
            t->parts[t->nparts].litlen = 1;
            t->parts[t->nparts++].ref = -1;
        }
        memcpy(t->parts + t->nparts, parts[i].parts, parts[i].nparts * sizeof *t->parts);
        t->nparts += parts[i].nparts;
    }
    return SK_OK;
}

/* A type: a word ("phone") or a column ({kind}). */
static int parse_type(parser *p, imp_tmpl *t, const char *what)
{
    if (TOK.kind == IMP_T_BRACE)
        return parse_part(p, t);
    if (TOK.kind != IMP_T_WORD && TOK.kind != IMP_T_STRING)
        return err_at(p, TOK.pos, what);
    t->parts = sk_arena_alloc(p->s->arena, sizeof *t->parts);
    if (!t->parts)
        return oom(p);
    t->parts[0].lit = tok_str(p);
    t->parts[0].litlen = TOK.n;
    t->parts[0].ref = -1;
    t->nparts = 1;
    t->pos = TOK.pos;
    return next(p);
}

/* ---- Values ----------------------------------------------------------- */

static const char *const kind_names[] = {"text", "int", "real", "amount", "bool",
                                         "time", "date", "geo", "duration", "magnitude"};

/* vsrc := part [',' part] ['as' KIND] {FORMAT-STRING} */
static int parse_vsrc(parser *p, imp_vsrc *v, imp_vkind deflt)
{
    v->pos = TOK.pos;
    v->kind = deflt;
    int rc = parse_joined(p, &v->t[0], true);
    if (rc)
        return rc;
    v->n = 1;
    if (TOK.kind == IMP_T_OP && TOK.op == IMP_O_COMMA) {
        if ((rc = next(p)) || (rc = parse_joined(p, &v->t[1], true)))
            return rc;
        v->n = 2;
    }
    if (tok_is(p, "as")) {
        int k;
        if ((rc = next(p)) ||
            (rc = want_choice(p, "value type", kind_names,
                              sizeof kind_names / sizeof kind_names[0], &k)))
            return rc;
        v->kind = (imp_vkind)k;
    }
    size_t cap = 0;
    while (TOK.kind == IMP_T_STRING || (TOK.kind == IMP_T_WORD && (tok_is(p, "iso") ||
                                        tok_is(p, "epoch") || tok_is(p, "epoch-ms")))) {
        const char *f = tok_str(p);
        const char *why = imp_time_format_check(f);
        if (why)
            return imp_lex_error(&p->lx, TOK.pos, "bad time format \"%s\": %s", f, why);
        const char **slot = vec_push(p->s->arena, &v->fmts, &v->nfmts, &cap, sizeof *slot);
        if (!slot)
            return oom(p);
        *slot = f;
        if ((rc = next(p)))
            return rc;
    }
    if (v->kind == IMP_V_GEO && v->n != 2)
        return imp_lex_error(&p->lx, v->pos, "a geo value needs two columns: "
                             "latitude, longitude");
    if (v->nfmts && v->kind != IMP_V_TIME && v->kind != IMP_V_DATE)
        return imp_lex_error(&p->lx, v->pos, "formats are only for time and date values");
    if (v->kind == IMP_V_TIME || v->kind == IMP_V_DATE)
        p->s->uses_time = true;
    return SK_OK;
}

/* ---- Conditions ------------------------------------------------------- */

static int compile_regex(parser *p, imp_cond *c, imp_pos pos)
{
    char m[160];
    size_t eo = 0;
    c->re = imp_regex_compile(c->text, c->len, &eo, m, sizeof m);
    if (!c->re) {
        imp_pos at = {pos.line, pos.col + 1 + (uint32_t)eo};
        return imp_lex_error(&p->lx, at, "bad regular expression: %s", m);
    }
    return SK_OK;
}

/* cond := column (op value | "is" ["not"] "empty") */
static int parse_cond(parser *p, imp_cond *c)
{
    imp_tmpl t;
    c->pos = TOK.pos;
    int rc = parse_part(p, &t);
    if (rc)
        return rc;
    if (t.nparts != 1 || t.parts[0].lit)
        return imp_lex_error(&p->lx, c->pos, "a condition tests one column, not a template");
    c->ref = t.parts[0].ref;
    if (tok_is(p, "is")) {
        if ((rc = next(p)))
            return rc;
        c->op = IMP_OP_EMPTY;
        if (tok_is(p, "not")) {
            c->op = IMP_OP_NOTEMPTY;
            if ((rc = next(p)))
                return rc;
        }
        if (!tok_is(p, "empty"))
            return err_at(p, TOK.pos, "expected 'empty'");
        return next(p);
    }
    if (TOK.kind != IMP_T_OP || TOK.op == IMP_O_ARROW || TOK.op == IMP_O_UNDIR ||
        TOK.op == IMP_O_BAR || TOK.op == IMP_O_COMMA)
        return err_at(p, TOK.pos, "expected =, !=, ~, !~, <, <=, >, >= or 'is empty'");
    static const imp_op map[] = {
        [IMP_O_EQ] = IMP_OP_EQ, [IMP_O_NE] = IMP_OP_NE, [IMP_O_MATCH] = IMP_OP_MATCH,
        [IMP_O_NOMATCH] = IMP_OP_NOMATCH, [IMP_O_LT] = IMP_OP_LT, [IMP_O_LE] = IMP_OP_LE,
        [IMP_O_GT] = IMP_OP_GT, [IMP_O_GE] = IMP_OP_GE,
    };
    c->op = map[TOK.op];
    if ((rc = next(p)))
        return rc;
    imp_pos vpos = TOK.pos;
    if (TOK.kind != IMP_T_STRING && TOK.kind != IMP_T_WORD)
        return err_at(p, vpos, "expected a value (a \"string\" or a number)");
    c->text = tok_str(p);
    c->len = TOK.n;
    if (!c->text)
        return oom(p);
    if (c->op >= IMP_OP_LT && c->op <= IMP_OP_GE) {
        char *end;
        c->num = strtod(c->text, &end);
        if (end == c->text || *end)
            return imp_lex_error(&p->lx, vpos, "expected a number after the comparison");
    }
    if (c->op == IMP_OP_MATCH || c->op == IMP_OP_NOMATCH)
        if ((rc = compile_regex(p, c, vpos)))
            return rc;
    return next(p);
}

/* conds := cond { "and" cond } */
static int parse_conds(parser *p, imp_conds *cs)
{
    size_t cap = cs->n;
    for (;;) {
        imp_cond *c;
        if (cs->n >= SK_IMPORT_RULES_MAX)
            return imp_lex_error(&p->lx, TOK.pos, "too many conditions (at most %d)",
                                 SK_IMPORT_RULES_MAX);
        /* Conditions accumulate over several lines: copy to grow. */
        if (cs->n == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            imp_cond *nc = sk_arena_alloc(p->s->arena, ncap * sizeof *nc);
            if (!nc)
                return oom(p);
            if (cs->n)
                memcpy(nc, cs->c, cs->n * sizeof *nc);
            cs->c = nc;
            cap = ncap;
        }
        c = &cs->c[cs->n++];
        memset(c, 0, sizeof *c);
        int rc = parse_cond(p, c);
        if (rc)
            return rc;
        if (!tok_is(p, "and"))
            return SK_OK;
        if ((rc = next(p)))
            return rc;
    }
}

/* ---- Directive handlers ----------------------------------------------- */

#define S (p->s)

static imp_entity_rule *cur_ent(parser *p) { return &S->ents[S->nents - 1]; }
static imp_link_rule *cur_link(parser *p) { return &S->links[S->nlinks - 1]; }
static imp_node_rule *cur_node(parser *p) { return &S->nodes[S->nnodes - 1]; }

static int d_name(parser *p) { return want_text(p, "expected a name", &S->name); }
static int d_description(parser *p)
{
    return want_text(p, "expected a description", &S->description);
}

static int d_format(parser *p)
{
    static const char *const w[] = {"csv", "neo4j", "matrix", "ufdr", "xry"};
    int k;
    int rc = want_choice(p, "format", w, 5, &k);
    S->format = (imp_format)k;
    p->saw_format = true;
    return rc;
}

static int d_delimiter(parser *p)
{
    static const char *const w[] = {"auto", "comma", "semicolon", "tab", "pipe"};
    static const char ch[] = {0, ',', ';', '\t', '|'};
    if (TOK.kind == IMP_T_STRING) {
        if (TOK.n != 1 || TOK.p[0] == '\n' || TOK.p[0] == '\r' || TOK.p[0] == '"')
            return imp_lex_error(&p->lx, TOK.pos, "a delimiter is one character other "
                                 "than a quote or a line end");
        S->delimiter = TOK.p[0];
        return next(p);
    }
    int k;
    int rc = want_choice(p, "delimiter", w, 5, &k);
    S->delimiter = ch[k];
    return rc;
}

static int d_header(parser *p) { return want_bool(p, &S->header); }

static int d_quote(parser *p)
{
    if (tok_is(p, "none")) {
        S->quote = 0;
        return next(p);
    }
    if (TOK.kind != IMP_T_STRING || TOK.n != 1)
        return err_at(p, TOK.pos, "expected one quote character in a string, or none");
    S->quote = TOK.p[0];
    return next(p);
}

static int d_encoding(parser *p) { return want_text(p, "expected an encoding", &S->encoding); }

static int d_timezone(parser *p)
{
    imp_pos pos = TOK.pos;
    int rc = want_text(p, "expected a time zone (an IANA name or an offset like +01:00)",
                       &S->tz_name);
    if (rc)
        return rc;
    char e[200];
    imp_tz_free(S->tz);
    S->tz = NULL;
    if (imp_tz_load(S->tz_name, &S->tz, e, sizeof e) != SK_OK)
        return imp_lex_error(&p->lx, pos, "%s", e);
    return SK_OK;
}

static int parse_fmt_list(parser *p, const char ***arr, size_t *n, size_t *cap)
{
    *n = 0;
    imp_pos pos = TOK.pos;
    while (TOK.kind == IMP_T_STRING || TOK.kind == IMP_T_WORD) {
        const char *f = tok_str(p);
        const char *why = imp_time_format_check(f);
        if (why)
            return imp_lex_error(&p->lx, TOK.pos, "bad time format \"%s\": %s", f, why);
        const char **slot = vec_push(S->arena, arr, n, cap, sizeof *slot);
        if (!slot)
            return oom(p);
        *slot = f;
        int rc = next(p);
        if (rc)
            return rc;
    }
    if (*n == 0)
        return err_at(p, pos, "expected one or more formats like \"%d/%m/%Y %H:%M\"");
    return SK_OK;
}

static int d_time_format(parser *p)
{
    return parse_fmt_list(p, &S->time_fmts, &S->ntime_fmts, &p->cap_tfmt);
}
static int d_date_format(parser *p)
{
    return parse_fmt_list(p, &S->date_fmts, &S->ndate_fmts, &p->cap_dfmt);
}

static int d_decimal(parser *p)
{
    if ((TOK.kind != IMP_T_STRING && TOK.kind != IMP_T_WORD) || TOK.n != 1 ||
        (TOK.p[0] != '.' && TOK.p[0] != ','))
        return err_at(p, TOK.pos, "expected \".\" or \",\"");
    S->num.decimal = TOK.p[0];
    return next(p);
}

static int d_thousands(parser *p)
{
    if (tok_is(p, "none")) {
        S->num.thousands = 0;
        return next(p);
    }
    if (TOK.kind != IMP_T_STRING || TOK.n != 1 || !strchr(",. '", TOK.p[0]))
        return err_at(p, TOK.pos, "expected none, \",\", \".\", \" \" or \"'\"");
    S->num.thousands = TOK.p[0];
    return next(p);
}

static int d_amount_sign(parser *p)
{
    static const char *const w[] = {"normal", "inverted"};
    int k;
    int rc = want_choice(p, "amount sign", w, 2, &k);
    S->num.inverted = k == 1;
    return rc;
}

static int d_ragged(parser *p)
{
    static const char *const w[] = {"pad", "error"};
    int k;
    int rc = want_choice(p, "ragged-row rule", w, 2, &k);
    S->ragged_error = k == 1;
    return rc;
}

static int d_skip(parser *p)
{
    if (TOK.kind != IMP_T_WORD || TOK.n > 6 || strspn(TOK.p, "0123456789") < TOK.n)
        return err_at(p, TOK.pos, "expected a number of lines");
    S->skip_lines = (uint32_t)strtoul(TOK.p, NULL, 10);
    return next(p);
}

static int d_grade(parser *p) { return want_text(p, "expected a grading code", &S->grade); }
static int d_handling(parser *p)
{
    return want_text(p, "expected a handling code", &S->handling);
}

static int d_rowrule(parser *p, imp_conds **arr, size_t *n, size_t *cap)
{
    if (!tok_is(p, "where"))
        return err_at(p, TOK.pos, "expected 'where'");
    int rc = next(p);
    if (rc)
        return rc;
    imp_conds *cs = vec_push(S->arena, arr, n, cap, sizeof *cs);
    return cs ? parse_conds(p, cs) : oom(p);
}
static int d_include(parser *p) { return d_rowrule(p, &S->include, &S->ninclude, &p->cap_inc); }
static int d_exclude(parser *p) { return d_rowrule(p, &S->exclude, &S->nexclude, &p->cap_exc); }

static int d_symmetric(parser *p) { return want_bool(p, &S->symmetric); }
static int d_diagonal(parser *p) { return want_bool(p, &S->diagonal); }
static int d_square(parser *p) { return want_bool(p, &S->square); }
static int d_zero(parser *p) { return want_text(p, "expected the no-tie value", &S->zero); }

/* entity NAME TYPE */
static int d_entity(parser *p)
{
    if (S->nents >= SK_IMPORT_RULES_MAX)
        return imp_lex_error(&p->lx, TOK.pos, "too many entities (at most %d)",
                             SK_IMPORT_RULES_MAX);
    imp_entity_rule *e = vec_push(S->arena, &S->ents, &S->nents, &p->cap_ents, sizeof *e);
    if (!e)
        return oom(p);
    e->pos = p->dpos;
    if (TOK.kind != IMP_T_WORD)
        return err_at(p, TOK.pos, "expected the entity's name (used by links)");
    for (size_t i = 0; i + 1 < S->nents; i++)
        if (strlen(S->ents[i].name) == TOK.n && strncmp(S->ents[i].name, TOK.p, TOK.n) == 0)
            return imp_lex_error(&p->lx, TOK.pos, "entity '%s' is defined twice (first at "
                                 "line %u)", S->ents[i].name, S->ents[i].pos.line);
    e->name = tok_str(p);
    int rc = next(p);
    if (rc || (rc = parse_type(p, &e->type, "expected the entity type (e.g. person, "
                               "phone) or a {column}")))
        return rc;
    p->ctx = CX_ENTITY;
    p->cap_props = p->cap_keys = 0;
    return SK_OK;
}

/* link TYPE FROM (-> | --) TO */
static int d_link(parser *p)
{
    if (S->nlinks >= SK_IMPORT_RULES_MAX)
        return imp_lex_error(&p->lx, TOK.pos, "too many links (at most %d)",
                             SK_IMPORT_RULES_MAX);
    imp_link_rule *l = vec_push(S->arena, &S->links, &S->nlinks, &p->cap_links, sizeof *l);
    if (!l)
        return oom(p);
    l->pos = p->dpos;
    l->dur_unit_ms = 1000;
    int rc = parse_type(p, &l->type, "expected the link type (e.g. called) or a {column}");
    if (rc)
        return rc;
    /* FROM and TO are resolved to entity indexes by spec_check.c, so that
     * links may come before the entities they join. */
    if (TOK.kind != IMP_T_WORD)
        return err_at(p, TOK.pos, "expected the name of the entity the link leaves");
    l->from_name = tok_str(p);
    l->from_pos = TOK.pos;
    if ((rc = next(p)))
        return rc;
    if (TOK.kind != IMP_T_OP || (TOK.op != IMP_O_ARROW && TOK.op != IMP_O_UNDIR))
        return err_at(p, TOK.pos, "expected -> (directed) or -- (undirected)");
    l->directed = TOK.op == IMP_O_ARROW;
    if ((rc = next(p)))
        return rc;
    if (TOK.kind != IMP_T_WORD)
        return err_at(p, TOK.pos, "expected the name of the entity the link reaches");
    l->to_name = tok_str(p);
    l->to_pos = TOK.pos;
    if (!l->from_name || !l->to_name)
        return oom(p);
    p->ctx = CX_LINK;
    p->cap_props = 0;
    return next(p);
}

/* node LABEL TYPE */
static int d_node(parser *p)
{
    imp_node_rule *n = vec_push(S->arena, &S->nodes, &S->nnodes, &p->cap_nodes, sizeof *n);
    if (!n)
        return oom(p);
    n->pos = p->dpos;
    int rc = want_text(p, "expected the neo4j label", &n->label);
    if (rc || (rc = want_text(p, "expected the entity type for that label", &n->type)))
        return rc;
    p->ctx = CX_NODE;
    p->cap_props = p->cap_keys = 0;
    return SK_OK;
}

/* relationship TYPE LINKTYPE [undirected] */
static int d_relationship(parser *p)
{
    imp_rel_rule *r = vec_push(S->arena, &S->rels, &S->nrels, &p->cap_rels, sizeof *r);
    if (!r)
        return oom(p);
    r->pos = p->dpos;
    int rc = want_text(p, "expected the neo4j relationship type", &r->reltype);
    if (rc || (rc = want_text(p, "expected the link type for it", &r->type)))
        return rc;
    if (tok_is(p, "undirected")) {
        r->undirected = true;
        rc = next(p);
    } else if (tok_is(p, "directed")) {
        rc = next(p);
    }
    p->ctx = CX_REL;
    return rc;
}

/* key none | alt { '|' alt } */
static int d_key(parser *p)
{
    imp_tmpl **keys;
    size_t *nkeys;
    if (p->ctx == CX_ENTITY) {
        keys = &cur_ent(p)->keys;
        nkeys = &cur_ent(p)->nkeys;
        if (tok_is(p, "none")) {
            cur_ent(p)->keyless = true;
            return next(p);
        }
    } else {
        keys = &cur_node(p)->keys;
        nkeys = &cur_node(p)->nkeys;
        if (tok_is(p, "none"))
            return next(p);
    }
    for (;;) {
        imp_tmpl *t = vec_push(S->arena, keys, nkeys, &p->cap_keys, sizeof *t);
        if (!t)
            return oom(p);
        int rc = parse_joined(p, t, false);
        if (rc)
            return rc;
        if (!(TOK.kind == IMP_T_OP && TOK.op == IMP_O_BAR))
            return SK_OK;
        if ((rc = next(p)))
            return rc;
    }
}

static int d_label(parser *p)
{
    imp_tmpl *t = p->ctx == CX_ENTITY ? &cur_ent(p)->label : &cur_node(p)->display;
    return parse_joined(p, t, false);
}

/* prop NAME = vsrc */
static int d_prop(parser *p)
{
    imp_prop_rule **arr;
    size_t *n;
    if (p->ctx == CX_ENTITY) {
        arr = &cur_ent(p)->props, n = &cur_ent(p)->nprops;
    } else if (p->ctx == CX_LINK) {
        arr = &cur_link(p)->props, n = &cur_link(p)->nprops;
    } else {
        arr = &cur_node(p)->props, n = &cur_node(p)->nprops;
    }
    if (*n >= SK_IMPORT_PROPS_MAX)
        return imp_lex_error(&p->lx, TOK.pos, "too many properties (at most %d)",
                             SK_IMPORT_PROPS_MAX);
    imp_prop_rule *pr = vec_push(S->arena, arr, n, &p->cap_props, sizeof *pr);
    if (!pr)
        return oom(p);
    int rc = want_text(p, "expected the property name", &pr->name);
    if (rc)
        return rc;
    if (TOK.kind != IMP_T_OP || TOK.op != IMP_O_EQ)
        return err_at(p, TOK.pos, "expected = after the property name");
    if ((rc = next(p)))
        return rc;
    return parse_vsrc(p, &pr->src, IMP_V_TEXT);
}

/* grading COLUMN: the grading code of each row's facts */
static int d_grading(parser *p)
{
    imp_vsrc *v = p->ctx == CX_ENTITY ? &cur_ent(p)->grading : &cur_link(p)->grading;
    return parse_vsrc(p, v, IMP_V_TEXT);
}

/* split "SEP": the key column holds several values */
static int d_split(parser *p)
{
    if (TOK.kind != IMP_T_STRING || TOK.n == 0)
        return err_at(p, TOK.pos, "expected the separator in quotes, e.g. split \";\"");
    char *sep = sk_arena_strndup(S->arena, TOK.p, TOK.n);
    if (!sep)
        return oom(p);
    cur_ent(p)->split = sep;
    return next(p);
}

static int d_optional(parser *p)
{
    cur_ent(p)->optional = true;
    return SK_OK;
}

static int d_when(parser *p)
{
    imp_conds *cs = p->ctx == CX_ENTITY ? &cur_ent(p)->when : &cur_link(p)->when;
    return parse_conds(p, cs);
}

static int d_reverse(parser *p)
{
    if (!tok_is(p, "when"))
        return err_at(p, TOK.pos, "expected 'when'");
    int rc = next(p);
    return rc ? rc : parse_conds(p, &cur_link(p)->reverse);
}

static int d_time(parser *p) { return parse_vsrc(p, &cur_link(p)->time, IMP_V_TIME); }
static int d_end(parser *p) { return parse_vsrc(p, &cur_link(p)->end, IMP_V_TIME); }
static int d_weight(parser *p) { return parse_vsrc(p, &cur_link(p)->weight, IMP_V_REAL); }

/* duration SRC [in s|ms|min|h] */
static int d_duration(parser *p)
{
    imp_link_rule *l = cur_link(p);
    int rc = parse_vsrc(p, &l->duration, IMP_V_DURATION);
    if (rc || !tok_is(p, "in"))
        return rc;
    static const char *const w[] = {"s", "ms", "min", "h"};
    static const int64_t ms[] = {1000, 1, 60000, 3600000};
    int k;
    if ((rc = next(p)) || (rc = want_choice(p, "duration unit", w, 4, &k)))
        return rc;
    l->dur_unit_ms = ms[k];
    return SK_OK;
}

#undef S

/* Every directive: name, where it may appear, handler, one-line help. */
#define SPEC_DIRECTIVES(X)                                                              \
    X("name", CX_TOP, d_name, "name WORD")                                             \
    X("description", CX_TOP, d_description, "description \"TEXT\"")                   \
    X("format", CX_TOP, d_format, "format csv|neo4j|matrix|ufdr|xry")                  \
    X("delimiter", CX_TOP, d_delimiter, "delimiter auto|comma|semicolon|tab|pipe|\"c\"") \
    X("header", CX_TOP, d_header, "header yes|no")                                     \
    X("quote", CX_TOP, d_quote, "quote \"\\\"\"|none")                                 \
    X("encoding", CX_TOP, d_encoding, "encoding auto|utf-8|latin-1|windows-1252|utf-16") \
    X("timezone", CX_TOP, d_timezone, "timezone Europe/London|+01:00|UTC")             \
    X("time-format", CX_TOP, d_time_format, "time-format \"%d/%m/%Y %H:%M\" …")        \
    X("date-format", CX_TOP, d_date_format, "date-format \"%d/%m/%Y\" …")              \
    X("decimal", CX_TOP, d_decimal, "decimal \".\"|\",\"")                             \
    X("thousands", CX_TOP, d_thousands, "thousands none|\",\"|\".\"|\" \"")            \
    X("amount-sign", CX_TOP, d_amount_sign, "amount-sign normal|inverted")             \
    X("ragged", CX_TOP, d_ragged, "ragged pad|error")                                  \
    X("skip", CX_TOP, d_skip, "skip N")                                                \
    X("grade", CX_TOP, d_grade, "grade CODE")                                          \
    X("handling", CX_TOP, d_handling, "handling CODE")                                 \
    X("include", CX_TOP, d_include, "include where COND")                              \
    X("exclude", CX_TOP, d_exclude, "exclude where COND")                              \
    X("symmetric", CX_TOP, d_symmetric, "symmetric yes|no")                            \
    X("diagonal", CX_TOP, d_diagonal, "diagonal yes|no")                               \
    X("square", CX_TOP, d_square, "square yes|no")                                     \
    X("zero", CX_TOP, d_zero, "zero \"0\"")                                            \
    X("entity", CX_TOP, d_entity, "entity NAME TYPE")                                  \
    X("link", CX_TOP, d_link, "link TYPE FROM -> TO")                                  \
    X("node", CX_TOP, d_node, "node LABEL TYPE")                                       \
    X("relationship", CX_TOP, d_relationship, "relationship TYPE LINKTYPE [undirected]") \
    X("key", CX_ENTITY | CX_NODE, d_key, "key COLUMN… [| COLUMN…] | none")             \
    X("label", CX_ENTITY | CX_NODE, d_label, "label COLUMN… | \"{template}\"")         \
    X("prop", CX_ENTITY | CX_LINK | CX_NODE, d_prop, "prop NAME = COLUMN [as TYPE]")   \
    X("optional", CX_ENTITY, d_optional, "optional")                                   \
    X("grading", CX_ENTITY | CX_LINK, d_grading, "grading COLUMN")                     \
    X("split", CX_ENTITY, d_split, "split \"SEP\"")                                    \
    X("when", CX_ENTITY | CX_LINK, d_when, "when COND [and COND]")                     \
    X("time", CX_LINK, d_time, "time COLUMN [, COLUMN] [\"format\"]")                  \
    X("end", CX_LINK, d_end, "end COLUMN")                                             \
    X("duration", CX_LINK, d_duration, "duration COLUMN [in s|ms|min|h]")              \
    X("weight", CX_LINK, d_weight, "weight COLUMN")                                    \
    X("reverse", CX_LINK, d_reverse, "reverse when COND")

typedef struct directive {
    const char *name;
    int ctx;
    int (*fn)(parser *p);
    const char *help;
} directive;

#define X_ENTRY(n, c, f, h) {n, c, f, h},
static const directive directives[] = {SPEC_DIRECTIVES(X_ENTRY)};
#undef X_ENTRY
#define X_NAME(n, c, f, h) n,
static const char *const directive_names[] = {SPEC_DIRECTIVES(X_NAME)};
#undef X_NAME
#define NDIRECTIVES (sizeof directives / sizeof directives[0])

static const char *ctx_name(int ctx)
{
    if (ctx & CX_ENTITY) return (ctx & CX_NODE) ? "an entity or node block" : "an entity block";
    if (ctx & CX_LINK) return "a link block";
    if (ctx & CX_NODE) return "a node block";
    return "a relationship block";
}

static int parse_line(parser *p)
{
    if (TOK.kind != IMP_T_WORD)
        return err_at(p, TOK.pos, "expected a directive such as 'entity' or 'link'");
    const directive *d = NULL;
    for (size_t i = 0; i < NDIRECTIVES; i++)
        if (TOK.n == strlen(directives[i].name) &&
            strncasecmp(TOK.p, directives[i].name, TOK.n) == 0)
            d = &directives[i];
    if (!d) {
        char q[80];
        const char *sug = imp_suggest(TOK.p, TOK.n, directive_names, NDIRECTIVES);
        imp_quote(TOK.p, TOK.n, q, sizeof q);
        if (sug)
            return imp_lex_error(&p->lx, TOK.pos, "unknown key %s, did you mean '%s'?", q, sug);
        return imp_lex_error(&p->lx, TOK.pos, "unknown key %s", q);
    }
    imp_pos pos = TOK.pos;
    p->dpos = pos;
    if (d->ctx == CX_TOP) {
        p->ctx = CX_TOP;
    } else if (!(d->ctx & p->ctx)) {
        return imp_lex_error(&p->lx, pos, "'%s' belongs in %s (after its `%s` line)",
                             d->name, ctx_name(d->ctx),
                             (d->ctx & CX_ENTITY) ? "entity" : (d->ctx & CX_LINK) ? "link"
                             : (d->ctx & CX_NODE) ? "node" : "relationship");
    }
    int rc = next(p);
    if (rc || (rc = d->fn(p)))
        return rc;
    if (TOK.kind != IMP_T_NL && TOK.kind != IMP_T_EOF) {
        char dd[96];
        return imp_lex_error(&p->lx, TOK.pos, "unexpected %s after '%s' (usage: %s)",
                             imp_tok_describe(&TOK, dd, sizeof dd), d->name, d->help);
    }
    return SK_OK;
}

/* skein-spec VERSION */
static int parse_version(parser *p)
{
    while (TOK.kind == IMP_T_NL)
        if (next(p))
            return SK_EPARSE;
    if (!tok_is(p, "skein-spec"))
        return err_at(p, TOK.pos, "a spec starts with the line 'skein-spec 1'; expected "
                      "'skein-spec'");
    if (next(p))
        return SK_EPARSE;
    if (TOK.kind != IMP_T_WORD || TOK.n != 1 || TOK.p[0] < '0' || TOK.p[0] > '9')
        return err_at(p, TOK.pos, "expected the spec version (1)");
    p->s->version = TOK.p[0] - '0';
    if (p->s->version != 1)
        return imp_lex_error(&p->lx, TOK.pos, "spec version %d is not known to this skein "
                             "(it reads version 1)", p->s->version);
    if (next(p))
        return SK_EPARSE;
    if (TOK.kind != IMP_T_NL && TOK.kind != IMP_T_EOF)
        return err_at(p, TOK.pos, "expected the end of the line after 'skein-spec 1'");
    return SK_OK;
}

int sk_import_spec_parse(const char *text, size_t len, const char *origin,
                         sk_import_spec **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (len > SK_IMPORT_SPEC_MAX) {
        if (errbuf)
            snprintf(errbuf, errlen, "%s: spec too large (more than %u bytes)", origin,
                     (unsigned)SK_IMPORT_SPEC_MAX);
        return SK_ELIMIT;
    }
    sk_arena *a = sk_arena_new();
    if (!a)
        return SK_ENOMEM;
    sk_import_spec *s = sk_arena_alloc(a, sizeof *s);
    char *copy = sk_arena_strndup(a, text, len);
    if (!s || !copy) {
        sk_arena_free(a);
        return SK_ENOMEM;
    }
    memset(s, 0, sizeof *s);
    s->arena = a;
    s->origin = sk_arena_strndup(a, origin, strlen(origin));
    s->header = true;
    s->quote = '"';
    s->num.decimal = '.';
    s->square = true;
    s->zero = "0";
    parser p = {.s = s, .ctx = CX_TOP};
    imp_lex_init(&p.lx, copy, len, s->origin, a, errbuf, errlen);
    int rc = imp_lex_next(&p.lx);
    if (rc == SK_OK)
        rc = parse_version(&p);
    while (rc == SK_OK) {
        while (rc == SK_OK && p.lx.tok.kind == IMP_T_NL)
            rc = imp_lex_next(&p.lx);
        if (rc != SK_OK || p.lx.tok.kind == IMP_T_EOF)
            break;
        rc = parse_line(&p);
    }
    if (rc == SK_OK)
        rc = imp_spec_check(s, &p.lx);
    if (rc != SK_OK) {
        sk_import_spec_free(s);
        return rc == SK_ENOMEM ? rc : SK_EPARSE;
    }
    if (!s->name)
        s->name = s->origin;
    if (!s->description)
        s->description = "";
    *out = s;
    return SK_OK;
}

void sk_import_spec_free(sk_import_spec *s)
{
    if (!s)
        return;
    imp_conds *lists[2] = {s->include, s->exclude};
    size_t nl[2] = {s->ninclude, s->nexclude};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < nl[k]; i++)
            for (size_t j = 0; j < lists[k][i].n; j++)
                imp_regex_free(lists[k][i].c[j].re);
    for (size_t i = 0; i < s->nents; i++)
        for (size_t j = 0; j < s->ents[i].when.n; j++)
            imp_regex_free(s->ents[i].when.c[j].re);
    for (size_t i = 0; i < s->nlinks; i++) {
        for (size_t j = 0; j < s->links[i].when.n; j++)
            imp_regex_free(s->links[i].when.c[j].re);
        for (size_t j = 0; j < s->links[i].reverse.n; j++)
            imp_regex_free(s->links[i].reverse.c[j].re);
    }
    imp_tz_free(s->tz);
    sk_arena_free(s->arena);
}

const char *sk_import_spec_name(const sk_import_spec *s) { return s->name; }
const char *sk_import_spec_description(const sk_import_spec *s) { return s->description; }
