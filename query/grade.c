/*
 * grade.c — gradings and sources as the executor sees them: the best
 * grading among a fact's assertions (a grade of 0 falls back to the
 * source's default), the most restrictive handling code, and source names.
 *
 * Sources and parsed grading codes are looked up once per statement and
 * kept in a small cache: a traversal asks about the same few sources for
 * thousands of links.
 */
#include "exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct src_entry {
    sk_srcid id;
    const char *name;
    sk_sym grade, handling;
} src_entry;

typedef struct grade_entry {
    sk_sym sym;
    sk_gradeinfo info;
} grade_entry;

struct sk_srccache {
    src_entry *src;
    size_t nsrc;
    grade_entry *grades;
    size_t ngrades;
};

static sk_srccache *cache(sk_exec *x)
{
    if (!x->src) {
        x->src = sk_arena_alloc(x->a, sizeof *x->src);
        if (x->src)
            memset(x->src, 0, sizeof *x->src);
    }
    return x->src;
}

static const src_entry *source(sk_exec *x, sk_srcid id)
{
    sk_srccache *c = cache(x);
    if (!c)
        return NULL;
    for (size_t i = 0; i < c->nsrc; i++)
        if (c->src[i].id == id)
            return &c->src[i];
    sk_source s;
    if (sk_source_get(x->t, id, x->a, &s) != SK_OK)
        return NULL;
    src_entry *n = sk_arena_alloc(x->a, (c->nsrc + 1) * sizeof *n);
    if (!n)
        return NULL;
    if (c->nsrc)
        memcpy(n, c->src, c->nsrc * sizeof *n);
    n[c->nsrc] = (src_entry){id, s.name, s.grade, s.handling};
    c->src = n;
    return &c->src[c->nsrc++];
}

/* The handling line of a grade's description, shortened for a banner:
 * "Handling code: 5 - No further dissemination: refer to the originator". */
static const char *handling_text(sk_exec *x, const sk_grade *g)
{
    char buf[2048];
    if (sk_grade_describe(sk_store_scale(x->s), g, buf, sizeof buf) < 0)
        return NULL;
    for (char *line = buf; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (!strncmp(line, "Handling", 8)) {
            line[strcspn(line, ";")] = '\0';
            return sk_arena_strndup(x->a, line, strlen(line));
        }
        line = end ? end + 1 : NULL;
    }
    return NULL;
}

/* Parses the grading code named by SYM in the case's scale (cached). */
static const sk_gradeinfo *grade_of(sk_exec *x, sk_sym sym)
{
    sk_srccache *c = cache(x);
    if (!c || !sym)
        return NULL;
    for (size_t i = 0; i < c->ngrades; i++)
        if (c->grades[i].sym == sym)
            return &c->grades[i].info;
    const char *code;
    size_t len;
    if (sk_name_get(x->t, SK_DICT_GRADE, sym, &code, &len) != SK_OK)
        return NULL;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)len, code);
    sk_gradeinfo info = {.reliability = 1.0};
    sk_grade g;
    char err[128];
    if (sk_grade_parse(sk_store_scale(x->s), buf, &g, err, sizeof err) == SK_OK) {
        info.code = sk_arena_strndup(x->a, g.code, strlen(g.code));
        info.reliability = g.reliability;
        info.handling = g.handling;
        info.handling_code = g.handling ? handling_text(x, &g) : NULL;
        info.no_dissemination = g.no_dissemination;
    } else {
        /* Kept as written: a code from another scale is shown, not used. */
        info.code = sk_arena_strndup(x->a, buf, strlen(buf));
    }
    grade_entry *n = sk_arena_alloc(x->a, (c->ngrades + 1) * sizeof *n);
    if (!n)
        return NULL;
    if (c->ngrades)
        memcpy(n, c->grades, c->ngrades * sizeof *n);
    n[c->ngrades] = (grade_entry){sym, info};
    c->grades = n;
    return &c->grades[c->ngrades++].info;
}

void sk_exec_grade(sk_exec *x, const sk_assert *asserts, size_t n, sk_gradeinfo *out)
{
    *out = (sk_gradeinfo){.reliability = 1.0};
    bool graded = false;
    for (size_t i = 0; i < n; i++) {
        const src_entry *s = asserts[i].source ? source(x, asserts[i].source) : NULL;
        sk_sym gsym = asserts[i].grade ? asserts[i].grade : s ? s->grade : 0;
        const sk_gradeinfo *g = grade_of(x, gsym);
        if (g && (!graded || g->reliability > out->reliability)) {
            out->code = g->code;
            out->reliability = g->reliability;
            graded = true;
        }
        /* Handling: the grade's own handling part, or the source's code. */
        const sk_gradeinfo *h = g;
        if ((!h || !h->handling) && s && s->handling)
            h = grade_of(x, s->handling);
        if (h && h->handling > out->handling) {
            out->handling = h->handling;
            out->handling_code = h->handling_code;
        }
        if (h && h->no_dissemination)
            out->no_dissemination = true;
    }
}

int sk_exec_grade_lit(sk_exec *x, const sk_ast_lit *lit, sk_gradeinfo *out)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)lit->u.str.len, lit->u.str.ptr);
    sk_grade g;
    char err[256];
    if (sk_grade_parse(sk_store_scale(x->s), buf, &g, err, sizeof err) != SK_OK)
        return sk_exec_fail(x, SK_EINVAL, lit->span, "'%s' is not a grading of the %s scale: %s",
                            buf, sk_scale_name(sk_store_scale(x->s)), err);
    *out = (sk_gradeinfo){
        .code = sk_arena_strndup(x->a, g.code, strlen(g.code)),
        .reliability = g.reliability,
        .handling = g.handling,
        .no_dissemination = g.no_dissemination,
    };
    return SK_OK;
}

const char *sk_exec_source_name(sk_exec *x, sk_srcid id)
{
    const src_entry *s = source(x, id);
    return s ? s->name : "?";
}
