/*
 * ast.c — the name tables of the AST: stage verbs and the clauses each
 * admits, clause keywords, and the spellings of the closed word sets
 * (measures, community methods, export formats, layouts). All of them are
 * generated from the X-macro tables in ast.h and keywords.h, so a new
 * stage, clause or measure is one line there.
 */
#include "ast.h"

static const struct {
    const char *name;
    uint32_t clauses;
} stages[SK_STAGE__COUNT] = {
    [SK_STAGE_NONE] = {"", 0},
#define SK_STAGE_ROW(tag, text, clauses) [SK_STAGE_##tag] = {text, clauses},
    SK_STAGES(SK_STAGE_ROW)
#undef SK_STAGE_ROW
};

static const struct {
    const char *keyword;
    const char *syntax;
} clauses[SK_CL__COUNT] = {
#define SK_CLAUSE_ROW(tag, kw, syntax) [SK_CL_##tag] = {kw, syntax},
    SK_CLAUSES(SK_CLAUSE_ROW)
#undef SK_CLAUSE_ROW
};

const char *sk_stage_name(sk_stage_kind k)
{
    return k > SK_STAGE_NONE && k < SK_STAGE__COUNT ? stages[k].name : "";
}

uint32_t sk_stage_clauses(sk_stage_kind k)
{
    return k > SK_STAGE_NONE && k < SK_STAGE__COUNT ? stages[k].clauses : 0;
}

const char *sk_clause_keyword(sk_clause c)
{
    return c < SK_CL__COUNT ? clauses[c].keyword : "";
}

const char *sk_clause_syntax(sk_clause c)
{
    return c < SK_CL__COUNT ? clauses[c].syntax : "";
}

#define SK_NAME_ROW(tag, text) text,

const char *sk_measure_name(sk_measure m)
{
    static const char *const names[] = {"", SK_MEASURES(SK_NAME_ROW)};
    return (size_t)m < sizeof names / sizeof names[0] ? names[m] : "";
}

const char *sk_method_name(sk_method m)
{
    static const char *const names[] = {"", SK_METHODS(SK_NAME_ROW)};
    return (size_t)m < sizeof names / sizeof names[0] ? names[m] : "";
}

const char *sk_ast_format_name(sk_ast_format f)
{
    static const char *const names[] = {"", SK_FORMATS(SK_NAME_ROW)};
    return (size_t)f < sizeof names / sizeof names[0] ? names[f] : "";
}

const char *sk_layout_name(sk_layout l)
{
    static const char *const names[] = {"", SK_LAYOUTS(SK_NAME_ROW)};
    return (size_t)l < sizeof names / sizeof names[0] ? names[l] : "";
}
