/*
 * link.c — creating, confirming, reading, changing and deleting links.
 *
 * A link record lives in a bucket of the link database (linkrec.c); its two adjacency records and
 * its time entry (adjacency.c) are written and removed with it, and the
 * per-type link count is kept in step (meta.c). A link is "the same" as
 * an existing one when ends, type, direction and start time agree: that is
 * what sk_link_upsert confirms instead of duplicating.
 */
#include "store_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TIME_LIMIT (((int64_t)1 << 39) - 1)

static int put_link(sk_txn *t, const sk_link *l)
{
    sk_buf *b = &t->rec;
    int rc = sk__check_write(t);
    if (!rc && (rc = sk__encode_link(b, l)) != SK_OK)
        return sk_txn_fail(t, rc, "out of memory");
    return rc ? rc : sk__linkrec_put(t, l->id, b->p, b->len);
}

int sk__put_link(sk_txn *t, const sk_link *l) { return put_link(t, l); }

static int validate(sk_txn *t, const sk_link_in *in)
{
    if (in->type == 0 || in->type > SK_LTYPE_MAX)
        return sk_txn_fail(t, SK_EINVAL, "invalid link type #%u", in->type);
    if (in->t_start != SK_NO_TIME &&
        (in->t_start < -TIME_LIMIT || in->t_start > TIME_LIMIT || in->t_end < in->t_start ||
         in->t_end > TIME_LIMIT))
        return sk_txn_fail(t, SK_EINVAL, "link time out of range or ends before it starts");
    if (!isfinite(in->weight))
        return sk_txn_fail(t, SK_EINVAL, "link weight is not a finite number");
    if (!sk_entity_exists(t, in->src))
        return sk_txn_fail(t, SK_EINVAL, "link from #%llu: no such entity",
                           (unsigned long long)in->src);
    if (in->dst != in->src && !sk_entity_exists(t, in->dst))
        return sk_txn_fail(t, SK_EINVAL, "link to #%llu: no such entity",
                           (unsigned long long)in->dst);
    return SK_OK;
}

int sk_link_create(sk_txn *t, const sk_link_in *in, sk_id *out)
{
    int rc = sk__check_write(t);
    if (!rc)
        rc = validate(t, in);
    if (rc)
        return rc;
    if (t->next_link >= SK_ID_MAX)
        return sk_txn_fail(t, SK_ELIMIT, "too many links");
    sk_link l = {
        .id = t->next_link++,
        .src = in->src, .dst = in->dst, .type = in->type, .directed = in->directed,
        .t_start = in->t_start,
        .t_end = in->t_start == SK_NO_TIME ? SK_NO_TIME : in->t_end,
        .t_off = in->t_off,
        .weight = in->weight == 0 ? 1.0 : in->weight,
        .props = in->props, .nprops = in->nprops,
        .asserts = &in->assert, .nasserts = in->assert.source ? 1 : 0,
    };
    t->counters_dirty = true;
    rc = put_link(t, &l);
    if (!rc)
        rc = sk__adj_link_add(t, &l);
    if (!rc)
        rc = sk__ltype_count(t, l.type, 1);
    if (!rc)
        *out = l.id;
    return rc;
}

int sk_link_get(sk_txn *t, sk_id id, sk_arena *a, sk_link *out)
{
    const uint8_t *p;
    size_t n;
    bool pending;
    int rc = sk__linkrec_get(t, id, &p, &n, &pending);
    if (rc == SK_ENOTFOUND)
        return sk_txn_fail(t, rc, "no link #%llu", (unsigned long long)id);
    if (rc)
        return rc;
    if (pending) {
        /* The decoded strings borrow from the record: a record in the
         * pending bucket would move with the bucket's next change, so the
         * caller gets a copy in its arena. */
        uint8_t *copy = sk_arena_alloc(a, n ? n : 1);
        if (!copy)
            return sk_txn_fail(t, SK_ENOMEM, "out of memory");
        p = memcpy(copy, p, n);
    }
    out->id = id;
    rc = sk__decode_link(p, n, a, out);
    if (rc)
        return sk_txn_fail(t, rc, "%s: link #%llu: record is damaged", t->s->path,
                           (unsigned long long)id);
    return SK_OK;
}

/* Adds IN's assertion to link ID unless it is there already. */
static int confirm(sk_txn *t, sk_id id, const sk_assert *as)
{
    if (!as->source)
        return SK_OK;
    sk_arena *a = sk_arena_new();
    if (!a)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    sk_link l;
    int rc = sk_link_get(t, id, a, &l);
    bool have = false;
    for (size_t i = 0; !rc && i < l.nasserts; i++)
        have = have || (l.asserts[i].source == as->source && l.asserts[i].grade == as->grade);
    if (!rc && !have) {
        sk_assert *n = sk_arena_alloc(a, (l.nasserts + 1) * sizeof *n);
        if (!n) {
            rc = sk_txn_fail(t, SK_ENOMEM, "out of memory");
        } else {
            if (l.nasserts)
                memcpy(n, l.asserts, l.nasserts * sizeof *n);
            n[l.nasserts++] = *as;
            l.asserts = n;
            rc = put_link(t, &l);
        }
    }
    sk_arena_free(a);
    return rc;
}

int sk_link_upsert(sk_txn *t, const sk_link_in *in, sk_id *out, bool *created)
{
    *created = false;
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    uint8_t dir = in->directed ? SK_DIR_OUT : SK_DIR_UNDIR;
    rc = sk__adj_find(t, in->src, in->type, dir, in->dst, in->t_start, out);
    if (rc == SK_OK)
        return confirm(t, *out, &in->assert);
    if (rc != SK_ENOTFOUND)
        return rc;
    rc = sk_link_create(t, in, out);
    *created = rc == SK_OK;
    return rc;
}

int sk_link_set_prop(sk_txn *t, sk_id id, sk_sym prop, const sk_value *v)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    sk_arena *a = sk_arena_new();
    if (!a)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    sk_link l;
    rc = sk_link_get(t, id, a, &l);
    sk_prop *props = rc ? NULL : sk_arena_alloc(a, (l.nprops + 1) * sizeof *props);
    if (!rc && !props)
        rc = sk_txn_fail(t, SK_ENOMEM, "out of memory");
    if (!rc) {
        size_t np = 0;
        for (size_t i = 0; i < l.nprops; i++)
            if (l.props[i].name != prop)
                props[np++] = l.props[i];
        if (v->type != SK_V_NULL)
            props[np++] = (sk_prop){prop, *v};
        l.props = props;
        l.nprops = np;
        rc = put_link(t, &l);
    }
    sk_arena_free(a);
    return rc;
}

int sk_link_delete(sk_txn *t, sk_id id)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    sk_arena *a = sk_arena_new();
    if (!a)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    sk_link l;
    rc = sk_link_get(t, id, a, &l);
    if (!rc)
        rc = sk__adj_link_del(t, &l);
    if (!rc)
        rc = sk__linkrec_del(t, id);
    if (!rc)
        rc = sk__ltype_count(t, l.type, -1);
    sk_arena_free(a);
    return rc;
}
