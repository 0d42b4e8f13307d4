/*
 * parser_stmt.c — stages and their clauses.
 *
 *   stage    = verb operands { clause }
 *   clause   = one of SK_CLAUSES, each at most once, in any order, and only
 *              those the stage admits (SK_STAGES)
 *
 * A stage's verb picks the rule for its operands from the verbs table
 * below; the clauses follow in a loop, so analysts may write them in the
 * order they think of them ('via knows depth 2' as well as 'depth 2 via
 * knows'). The printer writes them back in one canonical order. A stage
 * must end at '|', ';' or the end of the text: anything else is an error
 * listing the clauses that could still come.
 */
#include <stdio.h>
#include <string.h>

#include "parser_int.h"

static const char *const ENTITY = "an entity (like person \"Jo\" or #12)";

/* ---- Closed word sets ----------------------------------------------------------- */

#define SK_P_NAME_ROW(tag, text) text,
static const char *const measures[] = {"", SK_MEASURES(SK_P_NAME_ROW)};
static const char *const methods[] = {"", SK_METHODS(SK_P_NAME_ROW)};
static const char *const formats[] = {"", SK_FORMATS(SK_P_NAME_ROW)};
static const char *const layouts[] = {"", SK_LAYOUTS(SK_P_NAME_ROW)};
static const char *const countables[] = {"", SK_COUNTABLES(SK_P_NAME_ROW)};
#undef SK_P_NAME_ROW
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool same_word(const char *a, size_t alen, const char *lower)
{
    if (alen != strlen(lower))
        return false;
    for (size_t i = 0; i < alen; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        if (c != lower[i])
            return false;
    }
    return true;
}

/* One word of NAMES[1..N) (any case) into *OUT; otherwise "expected NOUN
 * (a, b, c)". */
static int pick(sk_parser *p, const char *noun, const char *const *names, size_t n, int *out)
{
    if (sk_p_is(p, SK_TOK_WORD) && !p->tok.quoted) {
        for (size_t i = 1; i < n; i++) {
            if (same_word(p->tok.v.str.ptr, p->tok.v.str.len, names[i])) {
                *out = (int)i;
                return sk_p_advance(p);
            }
        }
    }
    char what[SK_QUERY_MAX_DIAG / 2];
    size_t at = (size_t)snprintf(what, sizeof what, "%s (", noun);
    for (size_t i = 1; i < n && at < sizeof what; i++)
        at += (size_t)snprintf(what + at, sizeof what - at, "%s%s", names[i],
                               i + 1 < n ? ", " : ")");
    return sk_p_expected(p, what);
}

/* ---- Operands ------------------------------------------------------------------------ */

typedef int (*operand_fn)(sk_parser *p, sk_ast_stage *st);

static int op_none(sk_parser *p, sk_ast_stage *st)
{
    (void)p, (void)st;
    return SK_OK;
}

/* find [link] TYPE */
static int op_find(sk_parser *p, sk_ast_stage *st)
{
    SK_TRY(sk_p_accept_kw(p, SK_KW_LINK, &st->u.find.links));
    return sk_p_name(p, st->u.find.links ? "a link type" : "an entity type", &st->u.find.type);
}

/* REF */
static int op_ref(sk_parser *p, sk_ast_stage *st)
{
    return sk_p_ref(p, ENTITY, &st->u.ref);
}

/* REF | link #ID  (show, delete, and the target of set) */
static int target(sk_parser *p, sk_ast_ref *out)
{
    if (sk_p_is_kw(p, SK_KW_LINK)) {
        const sk_token *next;
        SK_TRY(sk_p_peek(p, &next));
        if (next->kind == SK_TOK_ID) {
            uint32_t start = p->tok.span.start;
            SK_TRY(sk_p_advance(p));
            out->kind = SK_REF_LINK;
            out->u.id = p->tok.v.id;
            SK_TRY(sk_p_advance(p));
            out->span = sk_p_since(p, start);
            return SK_OK;
        }
    }
    return sk_p_ref(p, ENTITY, out);
}

static int op_target(sk_parser *p, sk_ast_stage *st)
{
    return target(p, &st->u.ref);
}

/* REF, … */
static int op_refs(sk_parser *p, sk_ast_stage *st)
{
    return sk_p_ref_list(p, ENTITY, &st->u.refs);
}

/* network around REF, … */
static int op_network(sk_parser *p, sk_ast_stage *st)
{
    SK_TRY(sk_p_expect_kw(p, SK_KW_AROUND, "'around'"));
    return op_refs(p, st);
}

/* from REF to REF */
static int op_path(sk_parser *p, sk_ast_stage *st)
{
    SK_TRY(sk_p_expect_kw(p, SK_KW_FROM, "'from'"));
    SK_TRY(sk_p_ref(p, ENTITY, &st->u.path.from));
    SK_TRY(sk_p_expect_kw(p, SK_KW_TO, "'to'"));
    return sk_p_ref(p, ENTITY, &st->u.path.to);
}

/* shortest K paths from REF to REF | shortest path from REF to REF */
static int op_shortest(sk_parser *p, sk_ast_stage *st)
{
    if (sk_p_is_kw(p, SK_KW_PATH)) {
        st->kind = SK_STAGE_PATH;
        SK_TRY(sk_p_advance(p));
        return op_path(p, st);
    }
    if (!sk_p_is(p, SK_TOK_INT))
        return sk_p_expected(p, "a number of paths or 'path'");
    SK_TRY(sk_p_count(p, "a number of paths", "shortest", 1, SK_QUERY_MAX_PATHS, &st->u.path.k));
    SK_TRY(sk_p_expect_kw(p, SK_KW_PATHS, "'paths'"));
    return op_path(p, st);
}

static int op_match(sk_parser *p, sk_ast_stage *st)
{
    return sk_p_match(p, st);
}

static int op_rank(sk_parser *p, sk_ast_stage *st)
{
    int m;
    SK_TRY(pick(p, "a measure", measures, COUNT(measures), &m));
    st->u.measure = (sk_measure)m;
    return SK_OK;
}

static int op_type(sk_parser *p, sk_ast_stage *st)
{
    return sk_p_name(p, "an entity type", &st->u.type);
}

/* merge #A into #B */
static int op_merge(sk_parser *p, sk_ast_stage *st)
{
    SK_TRY(sk_p_id(p, "an entity id like #123", &st->u.merge.from));
    SK_TRY(sk_p_expect_kw(p, SK_KW_INTO, "'into'"));
    return sk_p_id(p, "an entity id like #123", &st->u.merge.into);
}

/* unmerge #B */
static int op_unmerge(sk_parser *p, sk_ast_stage *st)
{
    return sk_p_id(p, "an entity id like #123", &st->u.merge.into);
}

/* create TYPE ["KEY"] [{PROP: VALUE, …}] */
static int op_create(sk_parser *p, sk_ast_stage *st)
{
    SK_TRY(sk_p_name(p, "an entity type", &st->u.create.type));
    if (sk_p_is(p, SK_TOK_STRING))
        SK_TRY(sk_p_string(p, "a key in quotes", &st->u.create.key));
    if (sk_p_is(p, SK_TOK_LBRACE))
        SK_TRY(sk_p_map(p, &st->u.create.props));
    return SK_OK;
}

/* link REF -[LTYPE {…}]-> REF */
static int op_link(sk_parser *p, sk_ast_stage *st)
{
    SK_TRY(sk_p_ref(p, ENTITY, &st->u.link.from));
    SK_TRY(sk_p_link_arrow(p, &st->u.link.type, &st->u.link.dir, &st->u.link.props));
    return sk_p_ref(p, ENTITY, &st->u.link.to);
}

/* set TARGET.PROP = VALUE */
static int op_set(sk_parser *p, sk_ast_stage *st)
{
    SK_TRY(target(p, &st->u.set.target));
    SK_TRY(sk_p_expect(p, SK_TOK_DOT, "'.' and a property name"));
    SK_TRY(sk_p_key(p, "a property name", &st->u.set.prop));
    SK_TRY(sk_p_expect(p, SK_TOK_EQ, "'='"));
    return sk_p_value(p, "a value", &st->u.set.value);
}

/* export FORMAT "FILE" */
static int op_export(sk_parser *p, sk_ast_stage *st)
{
    int f;
    SK_TRY(pick(p, "an export format", formats, COUNT(formats), &f));
    st->u.export.format = (sk_ast_format)f;
    return sk_p_string(p, "a file name in quotes", &st->u.export.file);
}

/* review due — the only form of review */
static int op_review(sk_parser *p, sk_ast_stage *st)
{
    (void)st;
    return sk_p_expect_kw(p, SK_KW_DUE, "'due'");
}

/* where COND, as a stage of its own */
static int op_filter(sk_parser *p, sk_ast_stage *st)
{
    return sk_p_cond(p, &st->u.filter);
}

/* count [WHAT]: WHAT is optional, so only a word of the set is taken */
static int op_count(sk_parser *p, sk_ast_stage *st)
{
    st->u.count = SK_COUNT_ALL;
    if (sk_p_is(p, SK_TOK_PIPE) || sk_p_is(p, SK_TOK_SEMI) || sk_p_is(p, SK_TOK_EOF))
        return SK_OK;
    int c;
    SK_TRY(pick(p, "what to count", countables, COUNT(countables), &c));
    st->u.count = (sk_countable)c;
    return SK_OK;
}

static const struct {
    sk_kw kw;
    sk_stage_kind kind;
    operand_fn operands;
} verbs[] = {
    {SK_KW_FIND, SK_STAGE_FIND, op_find},
    {SK_KW_SHOW, SK_STAGE_SHOW, op_target},
    {SK_KW_NEIGHBOURS, SK_STAGE_NEIGHBOURS, op_ref},
    {SK_KW_NEIGHBORS, SK_STAGE_NEIGHBOURS, op_ref},
    {SK_KW_NETWORK, SK_STAGE_NETWORK, op_network},
    {SK_KW_PATH, SK_STAGE_PATH, op_path},
    {SK_KW_PATHS, SK_STAGE_PATHS, op_path},
    {SK_KW_SHORTEST, SK_STAGE_SHORTEST, op_shortest},
    {SK_KW_CONNECT, SK_STAGE_CONNECT, op_refs},
    {SK_KW_COMMON, SK_STAGE_COMMON, op_refs},
    {SK_KW_MATCH, SK_STAGE_MATCH, op_match},
    {SK_KW_RANK, SK_STAGE_RANK, op_rank},
    {SK_KW_COMMUNITIES, SK_STAGE_COMMUNITIES, op_none},
    {SK_KW_COMPONENTS, SK_STAGE_COMPONENTS, op_none},
    {SK_KW_TIMELINE, SK_STAGE_TIMELINE, op_refs},
    {SK_KW_COLOCATED, SK_STAGE_COLOCATED, op_ref},
    {SK_KW_CONVOY, SK_STAGE_CONVOY, op_ref},
    {SK_KW_DUPLICATES, SK_STAGE_DUPLICATES, op_type},
    {SK_KW_MERGE, SK_STAGE_MERGE, op_merge},
    {SK_KW_UNMERGE, SK_STAGE_UNMERGE, op_unmerge},
    {SK_KW_CREATE, SK_STAGE_CREATE, op_create},
    {SK_KW_LINK, SK_STAGE_LINK, op_link},
    {SK_KW_SET, SK_STAGE_SET, op_set},
    {SK_KW_DELETE, SK_STAGE_DELETE, op_target},
    {SK_KW_EXPORT, SK_STAGE_EXPORT, op_export},
    {SK_KW_STATS, SK_STAGE_STATS, op_none},
    {SK_KW_WHERE, SK_STAGE_FILTER, op_filter},
    {SK_KW_PURGE, SK_STAGE_PURGE, op_ref},
    {SK_KW_RETAIN, SK_STAGE_RETAIN, op_ref},
    {SK_KW_REVIEW, SK_STAGE_REVIEW, op_review},
    {SK_KW_COUNT, SK_STAGE_COUNT, op_count},
};

/* ---- Clauses ----------------------------------------------------------------------------- */

typedef int (*clause_fn)(sk_parser *p, sk_ast_clauses *cl);

static int cl_depth(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_count(p, "a number of hops", "depth", 1, SK_QUERY_MAX_HOPS, &cl->depth);
}

static int cl_max(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_count(p, "a number of hops", "max", 1, SK_QUERY_MAX_HOPS, &cl->max_hops);
}

static int cl_via(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_name_list(p, "a link type", "link types", &cl->via);
}

static int cl_only(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_name_list(p, "an entity type", "entity types", &cl->only);
}

static int cl_avoid(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_ref_list(p, ENTITY, &cl->avoid);
}

/* weighted [by grade] */
static int cl_weighted(sk_parser *p, sk_ast_clauses *cl)
{
    bool by;
    SK_TRY(sk_p_advance(p));
    SK_TRY(sk_p_accept_kw(p, SK_KW_BY, &by));
    if (by)
        SK_TRY(sk_p_expect_kw(p, SK_KW_GRADE, "'grade'"));
    cl->weight = by ? SK_WEIGHT_GRADE : SK_WEIGHT_LINK;
    return SK_OK;
}

static int cl_of(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_name(p, "an entity type", &cl->of);
}

static int cl_method(sk_parser *p, sk_ast_clauses *cl)
{
    int m;
    SK_TRY(sk_p_advance(p));
    SK_TRY(pick(p, "a community method", methods, COUNT(methods), &m));
    cl->method = (sk_method)m;
    return SK_OK;
}

static int cl_within(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_duration(p, "a duration (like 10m, 2h or 3d)", &cl->within);
}

static int cl_min_count(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_count(p, "a number of sightings", "min", 1, SK_QUERY_MAX_ROWS, &cl->min_count);
}

static int cl_min_score(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    if (sk_p_is(p, SK_TOK_INT))
        cl->min_score = (double)p->tok.v.i;
    else if (sk_p_is(p, SK_TOK_REAL))
        cl->min_score = p->tok.v.r;
    else
        return sk_p_expected(p, "a score (like 0.8)");
    return sk_p_advance(p);
}

/* in time order [max gap DURATION] */
static int cl_time_order(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    SK_TRY(sk_p_expect_kw(p, SK_KW_TIME, "'time'"));
    SK_TRY(sk_p_expect_kw(p, SK_KW_ORDER, "'order'"));
    if (!sk_p_is_kw(p, SK_KW_MAX))
        return SK_OK;
    const sk_token *next;
    SK_TRY(sk_p_peek(p, &next));
    if (next->kind != SK_TOK_WORD || next->quoted || next->kw != SK_KW_GAP)
        return SK_OK;  /* 'max N' is the hop clause */
    SK_TRY(sk_p_advance(p));
    SK_TRY(sk_p_advance(p));
    SK_TRY(sk_p_duration(p, "a duration (like 10m, 2h or 3d)", &cl->max_gap));
    if (cl->max_gap == 0)
        return sk_p_fail(p, SK_EPARSE, p->prev.span, "the largest gap must be more than 0s");
    return SK_OK;
}

static int cl_reliable(sk_parser *p, sk_ast_clauses *cl)
{
    (void)cl;
    SK_TRY(sk_p_advance(p));
    return sk_p_expect_kw(p, SK_KW_RELIABLE, "'reliable'");
}

static int cl_time(sk_parser *p, sk_ast_clauses *cl)
{
    return sk_p_time(p, &cl->time);
}

static int cl_where(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_cond(p, &cl->where);
}

static int cl_return(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_return(p, &cl->ret);
}

/* order by PROP [asc|desc], … */
static int cl_order(sk_parser *p, sk_ast_clauses *cl)
{
    sk_pvec keys = {0};
    bool more;
    SK_TRY(sk_p_advance(p));
    SK_TRY(sk_p_expect_kw(p, SK_KW_BY, "'by'"));
    do {
        sk_ast_order_key k = {0};
        bool took;
        SK_TRY(sk_p_prop(p, &k.prop));
        SK_TRY(sk_p_accept_kw(p, SK_KW_DESC, &k.desc));
        if (!k.desc)
            SK_TRY(sk_p_accept_kw(p, SK_KW_ASC, &took));
        SK_TRY(sk_p_push(p, &keys, sizeof k, &k, SK_QUERY_MAX_LIST, "sort keys"));
        SK_TRY(sk_p_accept(p, SK_TOK_COMMA, &more));
    } while (more);
    cl->order = keys.v;
    cl->norder = keys.n;
    return SK_OK;
}

static int cl_top(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_count(p, "a number of rows", "top", 1, SK_QUERY_MAX_ROWS, &cl->top);
}

static int cl_limit(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_count(p, "a number of rows", "limit", 1, SK_QUERY_MAX_ROWS, &cl->limit);
}

/* at DATE [to DATE] */
static int cl_at(sk_parser *p, sk_ast_clauses *cl)
{
    bool to;
    SK_TRY(sk_p_advance(p));
    SK_TRY(sk_p_date(p, "a date (like 2024-03-01T14:05)", &cl->at));
    SK_TRY(sk_p_accept_kw(p, SK_KW_TO, &to));
    if (!to)
        return SK_OK;
    SK_TRY(sk_p_date(p, "a date (like 2024-03-01T14:05)", &cl->at_to));
    if (sk_ast_datetime_last(&cl->at_to.u.time) < cl->at.u.time.t)
        return sk_p_fail(p, SK_EPARSE, cl->at_to.span, "the time ends before it starts");
    return SK_OK;
}

/* graded CODE: a word (B24, 1A) or a string ("1A P") */
static int cl_graded(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    if (sk_p_is(p, SK_TOK_STRING))
        return sk_p_string(p, "a grading code", &cl->graded);
    if (!sk_p_is(p, SK_TOK_WORD) || sk_kw_reserved(p->tok.quoted ? SK_KW_NONE : p->tok.kw))
        return sk_p_expected(p, "a grading code (like B24 or \"1A P\")");
    return sk_p_value(p, "a grading code", &cl->graded);
}

static int cl_source(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_string(p, "a source name in quotes", &cl->source);
}

static int cl_layout(sk_parser *p, sk_ast_clauses *cl)
{
    int l;
    SK_TRY(sk_p_advance(p));
    SK_TRY(pick(p, "a layout", layouts, COUNT(layouts), &l));
    cl->layout = (sk_layout)l;
    return SK_OK;
}

static int cl_title(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_string(p, "a title in quotes", &cl->title);
}

static int cl_until(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_date(p, "a date (like 2027-03-01)", &cl->until);
}

static int cl_reason(sk_parser *p, sk_ast_clauses *cl)
{
    SK_TRY(sk_p_advance(p));
    return sk_p_string(p, "a reason in quotes", &cl->reason);
}

static const clause_fn clause_fns[SK_CL__COUNT] = {
    [SK_CL_UNTIL] = cl_until,         [SK_CL_REASON] = cl_reason,
    [SK_CL_DEPTH] = cl_depth,         [SK_CL_MAX] = cl_max,
    [SK_CL_VIA] = cl_via,             [SK_CL_ONLY] = cl_only,
    [SK_CL_AVOID] = cl_avoid,         [SK_CL_WEIGHTED] = cl_weighted,
    [SK_CL_OF] = cl_of,               [SK_CL_METHOD] = cl_method,
    [SK_CL_WITHIN] = cl_within,       [SK_CL_MIN_COUNT] = cl_min_count,
    [SK_CL_MIN_SCORE] = cl_min_score, [SK_CL_TIME_ORDER] = cl_time_order,
    [SK_CL_RELIABLE] = cl_reliable,   [SK_CL_TIME] = cl_time,
    [SK_CL_WHERE] = cl_where,         [SK_CL_RETURN] = cl_return,
    [SK_CL_ORDER] = cl_order,         [SK_CL_TOP] = cl_top,
    [SK_CL_LIMIT] = cl_limit,         [SK_CL_AT] = cl_at,
    [SK_CL_GRADED] = cl_graded,       [SK_CL_SOURCE] = cl_source,
    [SK_CL_LAYOUT] = cl_layout,       [SK_CL_TITLE] = cl_title,
};

/* The clause the current token starts, or -1. 'min' means a count or a
 * score depending on the stage (ALLOWED). */
static int clause_at(const sk_parser *p, uint32_t allowed)
{
    if (!sk_p_is(p, SK_TOK_WORD) || p->tok.quoted)
        return -1;
    switch (p->tok.kw) {
    case SK_KW_DEPTH: return SK_CL_DEPTH;
    case SK_KW_MAX: return SK_CL_MAX;
    case SK_KW_VIA: return SK_CL_VIA;
    case SK_KW_ONLY: return SK_CL_ONLY;
    case SK_KW_AVOID: return SK_CL_AVOID;
    case SK_KW_WEIGHTED: return SK_CL_WEIGHTED;
    case SK_KW_OF: return SK_CL_OF;
    case SK_KW_METHOD: return SK_CL_METHOD;
    case SK_KW_WITHIN: return SK_CL_WITHIN;
    case SK_KW_MIN: return allowed & SK_CLBIT(MIN_SCORE) ? SK_CL_MIN_SCORE : SK_CL_MIN_COUNT;
    case SK_KW_IN: return SK_CL_TIME_ORDER;
    case SK_KW_MOST: return SK_CL_RELIABLE;
    case SK_KW_BETWEEN:
    case SK_KW_ON:
    case SK_KW_SINCE:
    case SK_KW_BEFORE: return SK_CL_TIME;
    case SK_KW_WHERE: return SK_CL_WHERE;
    case SK_KW_RETURN: return SK_CL_RETURN;
    case SK_KW_ORDER: return SK_CL_ORDER;
    case SK_KW_TOP: return SK_CL_TOP;
    case SK_KW_LIMIT: return SK_CL_LIMIT;
    case SK_KW_AT: return SK_CL_AT;
    case SK_KW_GRADED: return SK_CL_GRADED;
    case SK_KW_FROM: return SK_CL_SOURCE;
    case SK_KW_LAYOUT: return SK_CL_LAYOUT;
    case SK_KW_TITLE: return SK_CL_TITLE;
    case SK_KW_UNTIL: return SK_CL_UNTIL;
    case SK_KW_REASON: return SK_CL_REASON;
    default: return -1;
    }
}

/* "expected via, where, limit, '|' or end of query …": what may still come. */
static int stage_end_error(sk_parser *p, const sk_ast_stage *st)
{
    char what[SK_QUERY_MAX_DIAG / 2];
    size_t at = 0;
    uint32_t open = sk_stage_clauses(st->kind) & ~st->cl.present;
    what[0] = '\0';
    for (int c = 0; c < SK_CL__COUNT && at < sizeof what; c++)
        if (open & (1u << c))
            at += (size_t)snprintf(what + at, sizeof what - at, "%s, ",
                                   sk_clause_keyword((sk_clause)c));
    if (at < sizeof what)
        snprintf(what + at, sizeof what - at, "'|' or end of query");
    return sk_p_expected(p, what);
}

static int parse_clauses(sk_parser *p, sk_ast_stage *st)
{
    uint32_t allowed = sk_stage_clauses(st->kind);
    for (;;) {
        int c = clause_at(p, allowed);
        if (c < 0 || !(allowed & (1u << c)))
            break;
        if (st->cl.present & (1u << c)) {
            if (c == SK_CL_TIME)
                return sk_p_fail(p, SK_EPARSE, p->tok.span,
                                 "only one time filter (between, on, since or before) is allowed");
            return sk_p_fail(p, SK_EPARSE, p->tok.span, "'%s' is given twice",
                             sk_clause_keyword((sk_clause)c));
        }
        uint32_t start = p->tok.span.start;
        SK_TRY(clause_fns[c](p, &st->cl));
        st->cl.present |= 1u << c;
        st->cl.span[c] = sk_p_since(p, start);
    }
    if (sk_p_is(p, SK_TOK_PIPE) || sk_p_is(p, SK_TOK_SEMI) || sk_p_is(p, SK_TOK_EOF))
        return SK_OK;
    return stage_end_error(p, st);
}

/* stage = verb operands { clause } */
int sk_p_stage(sk_parser *p, sk_ast_stage *st)
{
    uint32_t start = p->tok.span.start;
    for (size_t i = 0; i < COUNT(verbs); i++) {
        if (!sk_p_is_kw(p, verbs[i].kw))
            continue;
        st->kind = verbs[i].kind;
        SK_TRY(sk_p_advance(p));
        SK_TRY(verbs[i].operands(p, st));
        SK_TRY(parse_clauses(p, st));
        st->span = sk_p_since(p, start);
        return SK_OK;
    }
    if (p->have_prev && p->prev.kind == SK_TOK_PIPE)
        return sk_p_expected(p, "a stage (rank, communities, where, count, export, …)");
    return sk_p_expected(p, "a statement (find, show, network around, path, match, rank, …)");
}
