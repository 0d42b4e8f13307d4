/*
 * grading.c — intelligence grading scales as data, and grading codes.
 *
 * A scale (5x5x5, 3x5x2, Admiralty, or one a force defines for itself) is
 * read from the line-oriented text format of docs/gradings.md; nothing
 * about a particular scale is compiled in (the built-in ones are text too,
 * in grading_builtin.c). A scale is an ordered list of components — say
 * source evaluation, intelligence assessment, handling code — each a list
 * of codes with a meaning and either a reliability (0..1) or, for the one
 * optional handling component, a restriction level and a no-dissemination
 * flag; plus a "written" template saying how a full code is spelt ("B24",
 * "1A P").
 *
 * Invariants of a parsed sk_scale:
 * - every component has at least one code, codes are unique within their
 *   component ignoring ASCII case, and the template places every component
 *   exactly once, so a grade parses to exactly one choice per component;
 * - the longest code the template can spell fits sk_grade.code;
 * - all strings live in one pool owned by the scale, which is immutable
 *   after parsing and so safe to share between threads.
 *
 * Grading codes are matched case-insensitively with white space ignored,
 * by a small backtracking matcher over the template; the handling
 * component may be left out ("B2" in 5x5x5 is handling 0, not given).
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "store.h"
#include "text_int.h"

#define SCALE_MAX_COMPONENTS 8
#define SCALE_MAX_CODES 40        /* per component */
#define SCALE_CODE_MAX 8          /* bytes of one code */
#define SCALE_ID_MAX 32           /* bytes of a scale name or component id */
#define SCALE_MAX_PIECES (2 * SCALE_MAX_COMPONENTS + 1)
#define SCALE_LEVEL_MAX 99
#define SCALE_MAX_TOKENS 8        /* words on one definition line */
#define GRADE_CODE_MAX (sizeof ((sk_grade *)0)->code - 1)
#define GRADE_INPUT_MAX 64        /* non-space bytes of a code to parse */

typedef struct scale_code {
    char text[SCALE_CODE_MAX + 1]; /* canonical spelling, as defined */
    size_t len;
    double reliability;     /* reliability components: 0..1 */
    int level;              /* handling component: 1..SCALE_LEVEL_MAX */
    bool no_dissemination;  /* handling component: forbids passing it on */
    const char *meaning;    /* in the pool */
} scale_code;

typedef struct scale_comp {
    char id[SCALE_ID_MAX + 1]; /* name used in the written template */
    const char *title;         /* "Source evaluation"; in the pool */
    bool handling;             /* the handling component (at most one) */
    int line, col;             /* where it was declared, for messages */
    scale_code codes[SCALE_MAX_CODES];
    size_t ncodes;
    /* Codes by decreasing length, so "10" is tried before "1". */
    unsigned char order[SCALE_MAX_CODES];
} scale_comp;

/* One part of the written template: a component or literal text. */
typedef struct scale_piece {
    int comp;                         /* component index, or -1: literal */
    char lit[GRADE_CODE_MAX + 1];     /* literal as written, e.g. " " */
    size_t litlen;
    char key[GRADE_CODE_MAX + 1];     /* the literal without white space */
    size_t keylen;
} scale_piece;

struct sk_scale {
    char name[SCALE_ID_MAX + 1];
    const char *title;               /* may be NULL */
    scale_comp comps[SCALE_MAX_COMPONENTS];
    size_t ncomps;
    scale_piece pieces[SCALE_MAX_PIECES];
    size_t npieces;
    char *pool;                      /* every string of the scale */
    size_t poolcap, poolused;
};

/* ---- Errors --------------------------------------------------------- */

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (errbuf == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

/* Copies up to MAX bytes of S into BUF (MAX+1 bytes) for quoting in a
 * message, with anything but printable ASCII shown as '?'. */
static const char *quote(char *buf, size_t max, const char *s, size_t n)
{
    size_t k = n < max ? n : max;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    buf[k] = '\0';
    return buf;
}

/* ---- Definition lexer ----------------------------------------------- */

typedef enum tok_kind { T_WORD, T_STRING } tok_kind;

typedef struct token {
    tok_kind kind;
    const char *s;   /* WORD: the word; STRING: the text inside the quotes, raw */
    size_t n;
    size_t pos;      /* byte offset of the token in the definition */
} token;

typedef struct parser {
    const char *text;
    size_t len;
    size_t line_start;   /* byte offset where the current line begins */
    size_t eol;          /* byte offset of its end (before "\n" or "\r\n") */
    int line;            /* 1-based number of the current line */
    sk_scale *s;
    int cur;             /* component that "code" lines add to, -1 = none */
    bool have_title;
    int written_line, written_col;  /* 0 until "written" is seen */
    /* Component names used in the template, resolved at the end. */
    struct { char id[SCALE_ID_MAX + 1]; int line, col; } refs[SCALE_MAX_PIECES];
    char *err;
    size_t errlen;
} parser;

/* Column (1-based, in characters) of byte offset POS on the current line. */
static int col_of(const parser *p, size_t pos)
{
    int col = 1;
    for (size_t i = p->line_start; i < pos && i < p->len; i++)
        if (((unsigned char)p->text[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static int perr_at(parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes "LINE:COL: message" and returns SK_EPARSE. */
static int perr_at(parser *p, int line, int col, const char *fmt, ...)
{
    if (p->err != NULL && p->errlen > 0) {
        int k = snprintf(p->err, p->errlen, "%d:%d: ", line, col);
        if (k >= 0 && (size_t)k < p->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(p->err + k, p->errlen - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return SK_EPARSE;
}

#define perr(p, pos, ...) perr_at((p), (p)->line, col_of((p), (pos)), __VA_ARGS__)

/* Checks that the current line is UTF-8 without control characters. */
static int check_line_bytes(parser *p)
{
    const unsigned char *t = (const unsigned char *)p->text;
    for (size_t i = p->line_start; i < p->eol;) {
        if (t[i] < 0x80) {
            if (t[i] < 0x20 && t[i] != '\t')
                return perr(p, i, "control character 0x%02x", t[i]);
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(t + i, (utf8proc_ssize_t)(p->eol - i), &cp);
        if (k <= 0)
            return perr(p, i, "invalid UTF-8");
        i += (size_t)k;
    }
    return SK_OK;
}

static bool word_char(char c)
{
    return c != ' ' && c != '\t' && c != '"' && c != '#';
}

/* Splits the current line into tokens; a "#" outside a string starts a
 * comment. Strings are "..." with \" and \\ as the only escapes. */
static int lex_line(parser *p, token *toks, size_t *ntok)
{
    int rc = check_line_bytes(p);
    if (rc != SK_OK)
        return rc;
    const char *t = p->text;
    size_t i = p->line_start, n = 0;
    while (i < p->eol) {
        char c = t[i];
        if (c == ' ' || c == '\t') {
            i++;
            continue;
        }
        if (c == '#')
            break;
        if (n == SCALE_MAX_TOKENS)
            return perr(p, i, "too many words on one line (at most %d)", SCALE_MAX_TOKENS);
        token *k = &toks[n++];
        k->pos = i;
        if (c == '"') {
            size_t j = i + 1;
            while (j < p->eol && t[j] != '"') {
                if (t[j] == '\\') {
                    if (j + 1 >= p->eol || (t[j + 1] != '"' && t[j + 1] != '\\'))
                        return perr(p, j, "unknown escape in string (only \\\" and \\\\)");
                    j++;
                }
                j++;
            }
            if (j >= p->eol)
                return perr(p, i, "unterminated string");
            k->kind = T_STRING;
            k->s = t + i + 1;
            k->n = j - i - 1;
            i = j + 1;
        } else {
            size_t j = i;
            while (j < p->eol && word_char(t[j]))
                j++;
            k->kind = T_WORD;
            k->s = t + i;
            k->n = j - i;
            i = j;
        }
    }
    *ntok = n;
    return SK_OK;
}

/* Copies the string token T, escapes resolved, into the scale's pool. */
static const char *pool_string(sk_scale *s, const token *t)
{
    char *d = s->pool + s->poolused;
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (t->s[i] == '\\')
            i++;
        d[k++] = t->s[i];
    }
    d[k] = '\0';
    s->poolused += k + 1;
    assert(s->poolused <= s->poolcap);
    return d;
}

/* ---- Argument checks ------------------------------------------------- */

static int expect(parser *p, const token *t, size_t n, size_t i, tok_kind kind, const char *what)
{
    char q[24];
    if (i >= n)
        return perr(p, p->eol, "expected %s, found end of line", what);
    if (t[i].kind != kind)
        return perr(p, t[i].pos, "expected %s, found %s\"%s\"", what,
                    t[i].kind == T_STRING ? "string " : "", quote(q, 20, t[i].s, t[i].n));
    return SK_OK;
}

static int no_more(parser *p, const token *t, size_t n, size_t i)
{
    char q[24];
    if (i < n)
        return perr(p, t[i].pos, "unexpected \"%s\" at the end of the line",
                    quote(q, 20, t[i].s, t[i].n));
    return SK_OK;
}

/* Names and component ids: letters, digits, "_", "-" and "."; short. */
static bool id_char(char c)
{
    return sk_ascii_isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static int check_id(parser *p, const token *t, const char *what)
{
    char q[24];
    bool ok = t->n > 0 && t->n <= SCALE_ID_MAX;
    for (size_t i = 0; ok && i < t->n; i++)
        ok = id_char(t->s[i]);
    if (!ok)
        return perr(p, t->pos, "%s \"%s\" must be 1 to %d letters, digits, '_', '-' or '.'",
                    what, quote(q, 20, t->s, t->n), SCALE_ID_MAX);
    return SK_OK;
}

/* A reliability: a decimal from 0 to 1 ("0.8", "1", ".25"). Parsed by
 * hand because strtod follows LC_NUMERIC. */
static bool parse_unit(const char *s, size_t n, double *out)
{
    unsigned long mant = 0, div = 1;
    size_t i = 0, digits = 0, frac = 0;
    for (; i < n && sk_ascii_isdigit((unsigned char)s[i]) && digits < 3; i++, digits++)
        mant = mant * 10 + (unsigned long)(s[i] - '0');
    if (i < n && s[i] == '.') {
        for (i++; i < n && sk_ascii_isdigit((unsigned char)s[i]) && frac < 6; i++, frac++) {
            mant = mant * 10 + (unsigned long)(s[i] - '0');
            div *= 10;
        }
    }
    if (digits + frac == 0 || i != n || mant > div)
        return false;
    *out = (double)mant / (double)div;
    return true;
}

static bool parse_level(const char *s, size_t n, int *out)
{
    int v = 0;
    if (n == 0 || n > 2)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!sk_ascii_isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return v >= 1 && v <= SCALE_LEVEL_MAX;
}

/* ---- Statements ------------------------------------------------------ */

/* scale NAME */
static int st_scale(parser *p, const token *t, size_t n)
{
    int rc;
    if (p->s->name[0] != '\0')
        return perr(p, t[0].pos, "the scale is already named \"%s\"", p->s->name);
    if ((rc = expect(p, t, n, 1, T_WORD, "the scale's name")) != SK_OK
        || (rc = check_id(p, &t[1], "scale name")) != SK_OK
        || (rc = no_more(p, t, n, 2)) != SK_OK)
        return rc;
    memcpy(p->s->name, t[1].s, t[1].n);
    p->s->name[t[1].n] = '\0';
    return SK_OK;
}

/* title "TEXT" */
static int st_title(parser *p, const token *t, size_t n)
{
    int rc;
    if (p->have_title)
        return perr(p, t[0].pos, "the scale already has a title");
    if ((rc = expect(p, t, n, 1, T_STRING, "the title as a \"string\"")) != SK_OK
        || (rc = no_more(p, t, n, 2)) != SK_OK)
        return rc;
    p->s->title = pool_string(p->s, &t[1]);
    p->have_title = true;
    return SK_OK;
}

static bool template_literal_char(char c)
{
    return c >= 0x20 && c < 0x7f && c != '{' && c != '}';
}

/* Appends literal character C to the template's last piece. */
static int template_lit(parser *p, size_t pos, char c)
{
    sk_scale *s = p->s;
    if (s->npieces == 0 || s->pieces[s->npieces - 1].comp >= 0) {
        if (s->npieces == SCALE_MAX_PIECES)
            return perr(p, pos, "the written form has too many parts");
        s->pieces[s->npieces++] = (scale_piece){ .comp = -1 };
    }
    scale_piece *pc = &s->pieces[s->npieces - 1];
    if (pc->litlen == GRADE_CODE_MAX)
        return perr(p, pos, "literal text in the written form is too long");
    pc->lit[pc->litlen++] = c;
    if (!sk_ascii_isspace((unsigned char)c))
        pc->key[pc->keylen++] = c;
    return SK_OK;
}

/* Adds the placeholder "{ID}" whose "{" is at byte POS, ID at [A, B). */
static int template_ref(parser *p, size_t pos, size_t a, size_t b)
{
    sk_scale *s = p->s;
    char q[40];
    if (b == a)
        return perr(p, pos, "empty {} in the written form: name a component");
    for (size_t i = a; i < b; i++)
        if (!id_char(p->text[i]) || b - a > SCALE_ID_MAX)
            return perr(p, pos, "\"{%s}\" is not a component name",
                        quote(q, 32, p->text + a, b - a));
    if (s->npieces == SCALE_MAX_PIECES)
        return perr(p, pos, "the written form has too many parts");
    size_t k = s->npieces++;
    s->pieces[k] = (scale_piece){ .comp = (int)k };
    memcpy(p->refs[k].id, p->text + a, b - a);
    p->refs[k].id[b - a] = '\0';
    p->refs[k].line = p->line;
    p->refs[k].col = col_of(p, pos);
    return SK_OK;
}

/* written "TEMPLATE": "{component}" placeholders and literal text. The
 * names are resolved once every component is known (finish_template). */
static int st_written(parser *p, const token *t, size_t n)
{
    int rc;
    if (p->written_line != 0)
        return perr(p, t[0].pos, "the written form is already given on line %d", p->written_line);
    if ((rc = expect(p, t, n, 1, T_STRING, "the written form as a \"string\"")) != SK_OK
        || (rc = no_more(p, t, n, 2)) != SK_OK)
        return rc;
    p->written_line = p->line;
    p->written_col = col_of(p, t[1].pos);
    size_t base = t[1].pos + 1, end = base + t[1].n;
    for (size_t i = base; i < end; i++) {
        char c = p->text[i];
        if (c == '{') {
            size_t j = i + 1;
            while (j < end && p->text[j] != '}' && p->text[j] != '{')
                j++;
            if (j >= end || p->text[j] != '}')
                return perr(p, i, "unclosed \"{\" in the written form");
            if ((rc = template_ref(p, i, i + 1, j)) != SK_OK)
                return rc;
            i = j;
        } else if (c == '}') {
            return perr(p, i, "unmatched \"}\" in the written form");
        } else {
            if (c == '\\')
                c = p->text[++i];
            if (!template_literal_char(c))
                return perr(p, i, "only printable ASCII may stand between components");
            if ((rc = template_lit(p, i, c)) != SK_OK)
                return rc;
        }
    }
    if (p->s->npieces == 0)
        return perr(p, t[1].pos, "the written form is empty");
    return SK_OK;
}

/* component ID "TITLE" and handling ID "TITLE" */
static int add_component(parser *p, const token *t, size_t n, bool handling)
{
    sk_scale *s = p->s;
    int rc;
    if ((rc = expect(p, t, n, 1, T_WORD, "the component's id")) != SK_OK
        || (rc = check_id(p, &t[1], "component id")) != SK_OK
        || (rc = expect(p, t, n, 2, T_STRING, "the component's title as a \"string\"")) != SK_OK
        || (rc = no_more(p, t, n, 3)) != SK_OK)
        return rc;
    for (size_t i = 0; i < s->ncomps; i++) {
        if (strlen(s->comps[i].id) == t[1].n && memcmp(s->comps[i].id, t[1].s, t[1].n) == 0)
            return perr(p, t[1].pos, "component \"%s\" is already declared on line %d",
                        s->comps[i].id, s->comps[i].line);
        if (handling && s->comps[i].handling)
            return perr(p, t[0].pos, "a scale has one handling component; \"%s\" is on line %d",
                        s->comps[i].id, s->comps[i].line);
    }
    if (s->ncomps == SCALE_MAX_COMPONENTS)
        return perr(p, t[0].pos, "too many components (at most %d)", SCALE_MAX_COMPONENTS);
    scale_comp *c = &s->comps[s->ncomps];
    memcpy(c->id, t[1].s, t[1].n);
    c->id[t[1].n] = '\0';
    c->title = pool_string(s, &t[2]);
    c->handling = handling;
    c->line = p->line;
    c->col = col_of(p, t[0].pos);
    p->cur = (int)s->ncomps++;
    return SK_OK;
}

static int st_component(parser *p, const token *t, size_t n)
{
    return add_component(p, t, n, false);
}

static int st_handling(parser *p, const token *t, size_t n)
{
    return add_component(p, t, n, true);
}

/* code CODE RELIABILITY "MEANING"
 * code CODE LEVEL [no-dissemination] "MEANING"   (handling component) */
static int st_code(parser *p, const token *t, size_t n)
{
    char q[24];
    int rc;
    if (p->cur < 0)
        return perr(p, t[0].pos, "\"code\" before any component or handling line");
    scale_comp *c = &p->s->comps[p->cur];
    if ((rc = expect(p, t, n, 1, T_WORD, "the code")) != SK_OK)
        return rc;
    bool ok = t[1].n <= SCALE_CODE_MAX;
    for (size_t i = 0; ok && i < t[1].n; i++)
        ok = template_literal_char(t[1].s[i]);
    if (!ok)
        return perr(p, t[1].pos, "a code is 1 to %d printable ASCII characters other than { }",
                    SCALE_CODE_MAX);
    for (size_t i = 0; i < c->ncodes; i++)
        if (c->codes[i].len == t[1].n && sk_ascii_caseeq(c->codes[i].text, t[1].s, t[1].n))
            return perr(p, t[1].pos, "code \"%s\" is already in component \"%s\"",
                        c->codes[i].text, c->id);
    if (c->ncodes == SCALE_MAX_CODES)
        return perr(p, t[0].pos, "too many codes in component \"%s\" (at most %d)",
                    c->id, SCALE_MAX_CODES);
    scale_code code = { .len = t[1].n };
    memcpy(code.text, t[1].s, t[1].n);
    size_t i = 2;
    if (c->handling) {
        if ((rc = expect(p, t, n, i, T_WORD, "a handling level from 1 to 99")) != SK_OK)
            return rc;
        if (!parse_level(t[i].s, t[i].n, &code.level))
            return perr(p, t[i].pos, "expected a handling level from 1 to 99, found \"%s\"",
                        quote(q, 20, t[i].s, t[i].n));
        i++;
        if (i < n && t[i].kind == T_WORD) {
            if (t[i].n != 16 || memcmp(t[i].s, "no-dissemination", 16) != 0)
                return perr(p, t[i].pos, "expected no-dissemination or the meaning, found \"%s\"",
                            quote(q, 20, t[i].s, t[i].n));
            code.no_dissemination = true;
            i++;
        }
    } else {
        if ((rc = expect(p, t, n, i, T_WORD, "a reliability from 0 to 1")) != SK_OK)
            return rc;
        if (!parse_unit(t[i].s, t[i].n, &code.reliability))
            return perr(p, t[i].pos, "expected a reliability from 0 to 1, found \"%s\"",
                        quote(q, 20, t[i].s, t[i].n));
        i++;
    }
    if ((rc = expect(p, t, n, i, T_STRING, "the meaning as a \"string\"")) != SK_OK
        || (rc = no_more(p, t, n, i + 1)) != SK_OK)
        return rc;
    code.meaning = pool_string(p->s, &t[i]);
    c->codes[c->ncodes++] = code;
    return SK_OK;
}

typedef int (*stmt_fn)(parser *p, const token *t, size_t n);

/* The statements of the definition format (docs/gradings.md). */
static const struct stmt {
    const char *keyword;
    stmt_fn fn;
} stmts[] = {
    { "scale", st_scale },
    { "title", st_title },
    { "written", st_written },
    { "component", st_component },
    { "handling", st_handling },
    { "code", st_code },
};

static int statement(parser *p, const token *t, size_t n)
{
    char q[24];
    if (t[0].kind == T_WORD)
        for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
            if (strlen(stmts[i].keyword) == t[0].n && memcmp(stmts[i].keyword, t[0].s, t[0].n) == 0)
                return stmts[i].fn(p, t, n);
    return perr(p, t[0].pos, "unknown statement \"%s\" (expected scale, title, written, "
                "component, handling or code)", quote(q, 20, t[0].s, t[0].n));
}

/* ---- Whole-scale checks ---------------------------------------------- */

/* Resolves the template's component names and checks that every
 * component is placed exactly once and that the longest code fits. */
static int finish_template(parser *p, int end_line, int end_col)
{
    sk_scale *s = p->s;
    int placed[SCALE_MAX_COMPONENTS] = { 0 };
    size_t longest = 0;
    if (p->written_line == 0)
        return perr_at(p, end_line, end_col, "missing \"written\": how codes are written, "
                       "e.g. written \"{source}{intelligence}\"");
    for (size_t k = 0; k < s->npieces; k++) {
        scale_piece *pc = &s->pieces[k];
        if (pc->comp < 0) {
            longest += pc->litlen;
            continue;
        }
        const char *id = p->refs[k].id;
        size_t c = 0;
        while (c < s->ncomps && strcmp(s->comps[c].id, id) != 0)
            c++;
        if (c == s->ncomps)
            return perr_at(p, p->refs[k].line, p->refs[k].col,
                           "the written form names \"%s\", which is not a component", id);
        if (placed[c]++)
            return perr_at(p, p->refs[k].line, p->refs[k].col,
                           "the written form places component \"%s\" twice", id);
        pc->comp = (int)c;
        size_t w = 0;
        for (size_t i = 0; i < s->comps[c].ncodes; i++)
            w = s->comps[c].codes[i].len > w ? s->comps[c].codes[i].len : w;
        longest += w;
    }
    for (size_t c = 0; c < s->ncomps; c++)
        if (!placed[c])
            return perr_at(p, p->written_line, p->written_col,
                           "the written form does not place component \"%s\"", s->comps[c].id);
    if (longest > GRADE_CODE_MAX)
        return perr_at(p, p->written_line, p->written_col,
                       "codes written this way can be %zu characters long; at most %zu fit",
                       longest, GRADE_CODE_MAX);
    return SK_OK;
}

static int finish_scale(parser *p, int end_line, int end_col)
{
    sk_scale *s = p->s;
    if (s->name[0] == '\0')
        return perr_at(p, end_line, end_col, "missing \"scale NAME\"");
    if (s->ncomps == 0)
        return perr_at(p, end_line, end_col, "a scale needs at least one component");
    for (size_t c = 0; c < s->ncomps; c++) {
        scale_comp *comp = &s->comps[c];
        if (comp->ncodes == 0)
            return perr_at(p, comp->line, comp->col, "component \"%s\" has no codes", comp->id);
        /* Insertion sort of the code order by decreasing length. */
        for (size_t i = 0; i < comp->ncodes; i++) {
            size_t j = i;
            for (; j > 0 && comp->codes[comp->order[j - 1]].len < comp->codes[i].len; j--)
                comp->order[j] = comp->order[j - 1];
            comp->order[j] = (unsigned char)i;
        }
    }
    return finish_template(p, end_line, end_col);
}

int sk_scale_parse(const char *text, size_t len, sk_scale **out, char *errbuf, size_t errlen)
{
    assert(text != NULL || len == 0);
    assert(out != NULL);
    *out = NULL;
    seterr(errbuf, errlen, "%s", "");
    sk_scale *s = calloc(1, sizeof *s);
    if (s == NULL || (s->pool = malloc(len + 1)) == NULL) {
        free(s);
        seterr(errbuf, errlen, "out of memory");
        return SK_ENOMEM;
    }
    s->poolcap = len + 1;
    parser p = { .text = text, .len = len, .line = 0, .s = s, .cur = -1,
                 .err = errbuf, .errlen = errlen };
    int rc = SK_OK;
    size_t pos = 0;
    while (rc == SK_OK && pos < len) {
        p.line++;
        p.line_start = pos;
        const char *nl = memchr(text + pos, '\n', len - pos);
        p.eol = nl != NULL ? (size_t)(nl - text) : len;
        pos = nl != NULL ? p.eol + 1 : len;
        if (p.eol > p.line_start && text[p.eol - 1] == '\r')
            p.eol--; /* a "\r\n" line end */
        token toks[SCALE_MAX_TOKENS];
        size_t ntok = 0;
        rc = lex_line(&p, toks, &ntok);
        if (rc == SK_OK && ntok > 0)
            rc = statement(&p, toks, ntok);
    }
    if (rc == SK_OK) {
        /* Whole-scale problems are reported where the text ends. */
        bool ends_nl = len > 0 && text[len - 1] == '\n';
        int end_line = ends_nl || p.line == 0 ? p.line + 1 : p.line;
        int end_col = ends_nl || p.line == 0 ? 1 : col_of(&p, len);
        rc = finish_scale(&p, end_line, end_col);
    }
    if (rc != SK_OK) {
        sk_scale_free(s);
        return rc;
    }
    *out = s;
    return SK_OK;
}

void sk_scale_free(sk_scale *s)
{
    if (s == NULL)
        return;
    free(s->pool);
    free(s);
}

const char *sk_scale_name(const sk_scale *s)
{
    assert(s != NULL);
    return s->name;
}

/* ---- Grading codes -------------------------------------------------- */

/* State of one match of a compact code against a scale's template. */
typedef struct match {
    const sk_scale *s;
    const char *in;     /* the code with white space removed */
    size_t n;
    char buf[GRADE_INPUT_MAX]; /* IN points here */
    int choice[SCALE_MAX_COMPONENTS]; /* code index per component, -1 = absent */
    bool failed;        /* a failure has been noted */
    size_t fail_pos;    /* the furthest position where matching failed */
    int fail_comp;      /* the component expected there, -1 = the end */
} match;

/* Keeps the failure furthest into the input: the best guess at what the
 * user got wrong when every way of reading the code fails. */
static void note_fail(match *m, size_t pos, int comp)
{
    if (!m->failed || pos > m->fail_pos) {
        m->failed = true;
        m->fail_pos = pos;
        m->fail_comp = comp;
    }
}

/* True when the input from POS matches the template from piece K on. */
static bool match_from(match *m, size_t k, size_t pos)
{
    const sk_scale *s = m->s;
    if (k == s->npieces) {
        if (pos == m->n)
            return true;
        note_fail(m, pos, -1);
        return false;
    }
    const scale_piece *pc = &s->pieces[k];
    if (pc->comp < 0) {
        /* Literal separators may be typed or left out: "1A P" = "1AP". */
        if (pc->keylen > 0 && pc->keylen <= m->n - pos
            && sk_ascii_caseeq(m->in + pos, pc->key, pc->keylen)
            && match_from(m, k + 1, pos + pc->keylen))
            return true;
        return match_from(m, k + 1, pos);
    }
    const scale_comp *c = &s->comps[pc->comp];
    for (size_t i = 0; i < c->ncodes; i++) {
        const scale_code *code = &c->codes[c->order[i]];
        if (code->len <= m->n - pos && sk_ascii_caseeq(m->in + pos, code->text, code->len)) {
            m->choice[pc->comp] = c->order[i];
            if (match_from(m, k + 1, pos + code->len))
                return true;
        }
    }
    m->choice[pc->comp] = -1;
    note_fail(m, pos, pc->comp);
    return c->handling && match_from(m, k + 1, pos);
}

/* Writes "A, B, C or D" — the codes of component C — into BUF. */
static void list_codes(const scale_comp *c, char *buf, size_t cap)
{
    sk_sbuf b = sk_sbuf_make(buf, cap);
    for (size_t i = 0; i < c->ncodes; i++) {
        if (i > 0)
            sk_sbuf_put(&b, i + 1 == c->ncodes ? " or " : ", ", i + 1 == c->ncodes ? 4 : 2);
        sk_sbuf_put(&b, c->codes[i].text, c->codes[i].len);
    }
    if (b.full && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
}

/* Words the furthest failure of M: the component that is wrong, what was
 * found there (as much as its longest code) and which codes it takes. */
static int grade_error(const match *m, char *errbuf, size_t errlen)
{
    char found[GRADE_INPUT_MAX + 1], expected[200];
    const char *rest = m->in + m->fail_pos;
    size_t nrest = m->n - m->fail_pos;
    if (m->fail_comp < 0) {
        char before[GRADE_INPUT_MAX + 1];
        seterr(errbuf, errlen, "\"%s\" after \"%s\" is not part of a grading code of the %s scale",
               quote(found, GRADE_INPUT_MAX, rest, nrest),
               quote(before, GRADE_INPUT_MAX, m->in, m->fail_pos), m->s->name);
        return SK_EINVAL;
    }
    const scale_comp *c = &m->s->comps[m->fail_comp];
    size_t longest = 0;
    for (size_t i = 0; i < c->ncodes; i++)
        longest = c->codes[i].len > longest ? c->codes[i].len : longest;
    list_codes(c, expected, sizeof expected);
    if (nrest == 0)
        seterr(errbuf, errlen, "%s is missing (expected %s)", c->title, expected);
    else
        seterr(errbuf, errlen, "%s: \"%s\" is not a code of the %s scale (expected %s)", c->title,
               quote(found, longest, rest, nrest), m->s->name, expected);
    return SK_EINVAL;
}

/* Matches CODE in S, filling M; SK_EINVAL with a message when it does not. */
static int grade_match(const sk_scale *s, const char *code, match *m, char *errbuf, size_t errlen)
{
    *m = (match){ .s = s, .in = m->buf };
    for (size_t i = 0; code[i] != '\0'; i++) {
        if (sk_ascii_isspace((unsigned char)code[i]))
            continue;
        if (m->n == GRADE_INPUT_MAX) {
            seterr(errbuf, errlen, "grading code too long (at most %d characters)",
                   GRADE_INPUT_MAX);
            return SK_EINVAL;
        }
        m->buf[m->n++] = code[i];
    }
    if (m->n == 0) {
        seterr(errbuf, errlen, "empty grading code");
        return SK_EINVAL;
    }
    for (size_t c = 0; c < SCALE_MAX_COMPONENTS; c++)
        m->choice[c] = -1;
    if (!match_from(m, 0, 0))
        return grade_error(m, errbuf, errlen);
    return SK_OK;
}

/* Spells the matched code as the template writes it. A literal next to a
 * left-out component goes with it, so partial "1A P" is "1A", not "1A ". */
static void write_canonical(const match *m, char *out, size_t cap)
{
    const sk_scale *s = m->s;
    sk_sbuf b = sk_sbuf_make(out, cap);
    for (size_t k = 0; k < s->npieces; k++) {
        const scale_piece *pc = &s->pieces[k];
        if (pc->comp >= 0) {
            int i = m->choice[pc->comp];
            if (i >= 0)
                sk_sbuf_put(&b, s->comps[pc->comp].codes[i].text, s->comps[pc->comp].codes[i].len);
            continue;
        }
        bool next_absent = k + 1 < s->npieces && s->pieces[k + 1].comp >= 0
                        && m->choice[s->pieces[k + 1].comp] < 0;
        bool prev_absent = k > 0 && s->pieces[k - 1].comp >= 0
                        && m->choice[s->pieces[k - 1].comp] < 0;
        if (next_absent || (prev_absent && b.len == 0))
            continue;
        sk_sbuf_put(&b, pc->lit, pc->litlen);
    }
    assert(!b.full); /* sk_scale_parse checked that the longest code fits */
}

int sk_grade_parse(const sk_scale *s, const char *code, sk_grade *out, char *errbuf, size_t errlen)
{
    assert(s != NULL && code != NULL && out != NULL);
    match m;
    seterr(errbuf, errlen, "%s", "");
    memset(out, 0, sizeof *out);
    int rc = grade_match(s, code, &m, errbuf, errlen);
    if (rc != SK_OK)
        return rc;
    out->reliability = 1.0;
    for (size_t c = 0; c < s->ncomps; c++) {
        const scale_comp *comp = &s->comps[c];
        if (m.choice[c] < 0)
            continue; /* only the handling component may be left out */
        const scale_code *sc = &comp->codes[m.choice[c]];
        if (comp->handling) {
            out->handling = sc->level;
            out->no_dissemination = sc->no_dissemination;
        } else {
            out->reliability *= sc->reliability;
        }
    }
    write_canonical(&m, out->code, sizeof out->code);
    return SK_OK;
}

int sk_grade_describe(const sk_scale *s, const sk_grade *g, char *buf, size_t cap)
{
    assert(s != NULL && g != NULL);
    assert(buf != NULL || cap == 0);
    match m;
    sk_sbuf b = sk_sbuf_make(buf, cap);
    char code[sizeof g->code + 1];
    /* The grade may come from outside: never trust its code to be
     * terminated. */
    memcpy(code, g->code, sizeof g->code);
    code[sizeof g->code] = '\0';
    if (grade_match(s, code, &m, NULL, 0) != SK_OK)
        return sk_sbuf_fail(&b, SK_EINVAL);
    for (size_t c = 0; c < s->ncomps; c++) {
        const scale_comp *comp = &s->comps[c];
        sk_sbuf_put(&b, comp->title, strlen(comp->title));
        if (m.choice[c] < 0) {
            sk_sbuf_put(&b, ": not given\n", 12);
            continue;
        }
        const scale_code *sc = &comp->codes[m.choice[c]];
        sk_sbuf_put(&b, ": ", 2);
        sk_sbuf_put(&b, sc->text, sc->len);
        sk_sbuf_put(&b, " - ", 3);
        sk_sbuf_put(&b, sc->meaning, strlen(sc->meaning));
        sk_sbuf_putc(&b, '\n');
    }
    return sk_sbuf_finish(&b);
}
