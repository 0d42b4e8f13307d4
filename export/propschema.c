/*
 * propschema.c — the columns a data export needs for properties: every
 * distinct property name of the nodes (or links), in first-seen order, with
 * one value type. GraphML and GEXF declare typed keys from it and the CSV
 * pair writes one column per name.
 *
 * A name whose values have different types is declared as a string (every
 * value then written as text); nulls do not decide a type.
 */
#include <stdlib.h>
#include <string.h>

#include "export_int.h"

size_t pschema_find(const sk_pschema *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->cols[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

static int pschema_add(sk_pschema *s, const sk_rprop *p)
{
    if (!p->name)
        return SK_OK;
    size_t i = pschema_find(s, p->name);
    if (i != SIZE_MAX) {
        sk_vtype *t = &s->cols[i].type;
        if (*t == SK_V_NULL)
            *t = p->value.type;
        else if (p->value.type != SK_V_NULL && p->value.type != *t)
            *t = SK_V_STR;
        return SK_OK;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        struct sk_pcol *c = realloc(s->cols, cap * sizeof *c);
        if (!c)
            return SK_ENOMEM;
        s->cols = c;
        s->cap = cap;
    }
    s->cols[s->n].name = p->name;
    s->cols[s->n].type = p->value.type;
    s->n++;
    return SK_OK;
}

int pschema_nodes(sk_pschema *s, const sk_graph *g)
{
    *s = (sk_pschema){0};
    for (size_t i = 0; i < g->nnodes; i++)
        for (size_t j = 0; j < g->nodes[i].nprops; j++)
            if (pschema_add(s, &g->nodes[i].props[j]) != SK_OK)
                return SK_ENOMEM;
    return SK_OK;
}

int pschema_links(sk_pschema *s, const sk_graph *g)
{
    *s = (sk_pschema){0};
    for (size_t i = 0; i < g->nlinks; i++)
        for (size_t j = 0; j < g->links[i].nprops; j++)
            if (pschema_add(s, &g->links[i].props[j]) != SK_OK)
                return SK_ENOMEM;
    return SK_OK;
}

void pschema_free(sk_pschema *s)
{
    free(s->cols);
    *s = (sk_pschema){0};
}
