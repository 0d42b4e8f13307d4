/*
 * access.c — what a user may see. A case may hold users with a clearance:
 * the most restrictive handling level each may receive (metadata
 * "clearance:NAME" = level). Material whose handling code is above it is
 * invisible to that user everywhere: in lookups, in every traversal (a path
 * never passes through it) and so in every result and export.
 *
 * Without a clearance for the user the case is unrestricted, unless the
 * case is set to named users only ("access_control" = "1").
 */
#include "exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sk_exec_access(sk_exec *x)
{
    x->clearance = -1;
    const char *user = sk_exec_user(x);
    char key[300];
    snprintf(key, sizeof key, "clearance:%s", user);
    const char *v;
    size_t n;
    if (sk_meta_get(x->t, key, &v, &n) == SK_OK) {
        char buf[16];
        snprintf(buf, sizeof buf, "%.*s", (int)(n < 15 ? n : 15), v);
        x->clearance = atoi(buf);
        return SK_OK;
    }
    if (sk_meta_get(x->t, "access_control", &v, &n) == SK_OK && n == 1 && v[0] == '1')
        return sk_exec_fail(x, SK_EACCESS, x->stmt->span,
                            "user '%s' has no access to this case (ask its administrator for a "
                            "clearance)", user);
    return SK_OK;
}

bool sk_exec_visible(sk_exec *x, const sk_assert *as, size_t n)
{
    if (x->clearance < 0)
        return true;
    sk_gradeinfo g;
    sk_exec_grade(x, as, n, &g);
    return g.handling <= x->clearance;
}

bool sk_exec_visible_entity(sk_exec *x, sk_id id)
{
    if (x->clearance < 0)
        return true;
    sk_arena *a = sk_arena_new();
    sk_entity e;
    bool ok = a && sk_entity_get(x->t, id, a, &e) == SK_OK && sk_exec_visible(x, e.asserts, e.nasserts);
    sk_arena_free(a);
    return ok;
}

bool sk_exec_visible_link(sk_exec *x, sk_id id)
{
    if (x->clearance < 0)
        return true;
    sk_arena *a = sk_arena_new();
    sk_link l;
    bool ok = a && sk_link_get(x->t, id, a, &l) == SK_OK && sk_exec_visible(x, l.asserts, l.nasserts);
    sk_id src = ok ? l.src : 0, dst = ok ? l.dst : 0;
    sk_arena_free(a);
    return ok && sk_exec_visible_entity(x, src) && sk_exec_visible_entity(x, dst);
}
