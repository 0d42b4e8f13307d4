/*
 * parser_match.c — match patterns, 'return' items and the link arrow of
 * the link statement.
 *
 *   match    = "match" pattern { "," pattern }
 *   pattern  = node { edge node }
 *   node     = "(" [ name ] [ ":" name ] [ map ] ")"
 *   edge     = "-" "[" body "]" ( "->" | "-" ) | "<" "-" "[" body "]" "-"
 *   body     = [ name ] [ ":" name { "|" name } ] [ "*" [ int ] [ ".." [ int ] ] ] [ map ]
 *   return   = "graph" | item { "," item }
 *   item     = name [ "." key ] [ "as" name ]
 *
 * '--' starts a comment, so there is no '(a)--(b)' shorthand: write
 * '(a)-[]-(b)'. A pattern has at most SK_QUERY_MAX_PATTERN nodes.
 */
#include <string.h>

#include "parser_int.h"

/* node = "(" [ name ] [ ":" name ] [ map ] ")" */
static int pnode(sk_parser *p, sk_ast_pnode *out)
{
    uint32_t start = p->tok.span.start;
    bool colon;
    memset(out, 0, sizeof *out);
    SK_TRY(sk_p_expect(p, SK_TOK_LPAREN, "a node pattern like (p:person)"));
    if (sk_p_at_name(p))
        SK_TRY(sk_p_name(p, "a variable", &out->var));
    SK_TRY(sk_p_accept(p, SK_TOK_COLON, &colon));
    if (colon)
        SK_TRY(sk_p_name(p, "an entity type", &out->type));
    if (sk_p_is(p, SK_TOK_LBRACE))
        SK_TRY(sk_p_map(p, &out->props));
    SK_TRY(sk_p_expect(p, SK_TOK_RPAREN, "')'"));
    out->span = sk_p_since(p, start);
    return SK_OK;
}

/* "*" [ int ] [ ".." [ int ] ] — after the '*' */
static int hops(sk_parser *p, sk_ast_pedge *e)
{
    uint32_t start = p->prev.span.start;
    bool range, given_min = false;
    e->varlen = true;
    e->min_hops = 1;
    if (sk_p_is(p, SK_TOK_INT)) {
        SK_TRY(sk_p_count(p, "a number of hops", "the hop count", 0, SK_QUERY_MAX_HOPS,
                          &e->min_hops));
        given_min = true;
    }
    SK_TRY(sk_p_accept(p, SK_TOK_DOTDOT, &range));
    if (range && sk_p_is(p, SK_TOK_INT))
        SK_TRY(sk_p_count(p, "a number of hops", "the hop count", 1, SK_QUERY_MAX_HOPS,
                          &e->max_hops));
    else if (!range && given_min)
        e->max_hops = e->min_hops;
    if (e->max_hops != 0 && e->max_hops < e->min_hops)
        return sk_p_fail(p, SK_EPARSE, sk_p_since(p, start), "the hop range is empty (%u > %u)",
                         e->min_hops, e->max_hops);
    if (given_min && !range && e->min_hops == 0)
        return sk_p_fail(p, SK_EPARSE, sk_p_since(p, start),
                         "a segment of exactly 0 hops matches nothing: write *0..N");
    return SK_OK;
}

/* body = [ name ] [ ":" name { "|" name } ] [ hops ] [ map ] */
static int edge_body(sk_parser *p, sk_ast_pedge *e)
{
    bool colon, star;
    if (sk_p_at_name(p))
        SK_TRY(sk_p_name(p, "a variable", &e->var));
    SK_TRY(sk_p_accept(p, SK_TOK_COLON, &colon));
    if (colon) {
        sk_pvec types = {0};
        bool more;
        do {
            sk_ast_name n;
            SK_TRY(sk_p_name(p, "a link type", &n));
            SK_TRY(sk_p_push(p, &types, sizeof n, &n, SK_QUERY_MAX_LIST, "link types"));
            SK_TRY(sk_p_accept(p, SK_TOK_PIPE, &more));
        } while (more);
        e->types.v = types.v;
        e->types.n = types.n;
    }
    e->min_hops = e->max_hops = 1;
    SK_TRY(sk_p_accept(p, SK_TOK_STAR, &star));
    if (star) {
        e->max_hops = 0;
        SK_TRY(hops(p, e));
    }
    if (sk_p_is(p, SK_TOK_LBRACE))
        SK_TRY(sk_p_map(p, &e->props));
    return SK_OK;
}

/* The brackets of an arrow with BODY inside and the direction around
 * them: -[…]->, <-[…]- or -[…]-. */
static int arrow(sk_parser *p, sk_ast_dir *dir, int (*body)(sk_parser *, void *), void *ctx)
{
    bool left, right;
    SK_TRY(sk_p_accept(p, SK_TOK_LT, &left));
    SK_TRY(sk_p_expect(p, SK_TOK_MINUS, left ? "'-['" : "a link pattern like -[:knows]->"));
    SK_TRY(sk_p_expect(p, SK_TOK_LBRACKET, "'['"));
    SK_TRY(body(p, ctx));
    SK_TRY(sk_p_expect(p, SK_TOK_RBRACKET, "']'"));
    if (left) {
        /* '<-[…]->' points both ways: say so rather than guess. */
        SK_TRY(sk_p_expect(p, SK_TOK_MINUS, "'-' (a link points one way: <-[…]- or -[…]->)"));
        *dir = SK_AST_DIR_IN;
        return SK_OK;
    }
    SK_TRY(sk_p_accept(p, SK_TOK_ARROW, &right));
    if (!right)
        SK_TRY(sk_p_expect(p, SK_TOK_MINUS, "'->' or '-'"));
    *dir = right ? SK_AST_DIR_OUT : SK_AST_DIR_NONE;
    return SK_OK;
}

static int edge_body_cb(sk_parser *p, void *ctx)
{
    return edge_body(p, ctx);
}

static bool at_edge(const sk_parser *p)
{
    return sk_p_is(p, SK_TOK_MINUS) || sk_p_is(p, SK_TOK_LT);
}

/* pattern = node { edge node } */
static int pattern(sk_parser *p, sk_ast_pattern *out)
{
    uint32_t start = p->tok.span.start;
    sk_pvec nodes = {0}, edges = {0};
    for (;;) {
        sk_ast_pnode n;
        SK_TRY(pnode(p, &n));
        SK_TRY(sk_p_push(p, &nodes, sizeof n, &n, SK_QUERY_MAX_PATTERN,
                         "nodes in one match pattern"));
        if (!at_edge(p))
            break;
        if (nodes.n >= SK_QUERY_MAX_PATTERN)
            return sk_p_fail(p, SK_ELIMIT, p->tok.span,
                             "too many nodes in one match pattern (the limit is %d)",
                             SK_QUERY_MAX_PATTERN);
        sk_ast_pedge e;
        uint32_t estart = p->tok.span.start;
        memset(&e, 0, sizeof e);
        SK_TRY(arrow(p, &e.dir, edge_body_cb, &e));
        e.span = sk_p_since(p, estart);
        SK_TRY(sk_p_push(p, &edges, sizeof e, &e, SK_QUERY_MAX_PATTERN, "links in one pattern"));
    }
    out->nodes = nodes.v;
    out->nnodes = nodes.n;
    out->edges = edges.v;
    out->nedges = edges.n;
    out->span = sk_p_since(p, start);
    return SK_OK;
}

int sk_p_match(sk_parser *p, sk_ast_stage *st)
{
    sk_pvec pats = {0};
    bool more;
    do {
        sk_ast_pattern pt;
        SK_TRY(pattern(p, &pt));
        SK_TRY(sk_p_push(p, &pats, sizeof pt, &pt, SK_QUERY_MAX_LIST, "patterns"));
        SK_TRY(sk_p_accept(p, SK_TOK_COMMA, &more));
    } while (more);
    st->u.match.v = pats.v;
    st->u.match.n = pats.n;
    return SK_OK;
}

/* return = "graph" | item { "," item } ; item = name [ "." key ] [ "as" name ] */
int sk_p_return(sk_parser *p, sk_ast_return *out)
{
    bool more;
    if (sk_p_is_kw(p, SK_KW_GRAPH)) {
        out->graph = true;
        return sk_p_advance(p);
    }
    sk_pvec items = {0};
    do {
        sk_ast_item it;
        bool dot, as;
        uint32_t start = p->tok.span.start;
        memset(&it, 0, sizeof it);
        SK_TRY(sk_p_name(p, "a variable or 'graph'", &it.var));
        SK_TRY(sk_p_accept(p, SK_TOK_DOT, &dot));
        if (dot)
            SK_TRY(sk_p_key(p, "a property name", &it.prop));
        SK_TRY(sk_p_accept_kw(p, SK_KW_AS, &as));
        if (as)
            SK_TRY(sk_p_name(p, "a column name", &it.alias));
        it.span = sk_p_since(p, start);
        SK_TRY(sk_p_push(p, &items, sizeof it, &it, SK_QUERY_MAX_LIST, "items after 'return'"));
        SK_TRY(sk_p_accept(p, SK_TOK_COMMA, &more));
    } while (more);
    out->v = items.v;
    out->n = items.n;
    return SK_OK;
}

typedef struct link_body {
    sk_ast_name *type;
    sk_ast_map *props;
} link_body;

/* [ LTYPE [ map ] ] of the link statement */
static int link_body_cb(sk_parser *p, void *ctx)
{
    link_body *b = ctx;
    SK_TRY(sk_p_name(p, "a link type", b->type));
    if (sk_p_is(p, SK_TOK_LBRACE))
        SK_TRY(sk_p_map(p, b->props));
    return SK_OK;
}

int sk_p_link_arrow(sk_parser *p, sk_ast_name *type, sk_ast_dir *dir, sk_ast_map *props)
{
    link_body b = {type, props};
    return arrow(p, dir, link_body_cb, &b);
}
