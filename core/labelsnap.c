/*
 * labelsnap.c — label snapshots: per store handle and entity type, a
 * packed in-memory copy of the label entries of the prop index (prop 0),
 * reused by later transactions while the case's labels are unchanged.
 *
 * Invariants:
 * - A snapshot holds exactly the (folded text, id) label entries of its
 *   type as committed when the meta counter "label_version" had the value
 *   it records, in index order. Every commit that adds or removes a label
 *   entry increments the counter (index.c flags the transaction, txn.c
 *   calls sk__label_version_bump), so equal counters mean equal entries.
 *   The counter lives in the file: commits by other handles or processes
 *   are seen like our own. A case without the key has version 0.
 * - A write transaction that changed labels sees entries the counter does
 *   not yet count: it gets no snapshot.
 * - Snapshots are reference-counted: the handle holds one reference to the
 *   current snapshot of each type, each caller one until it releases it;
 *   a rebuild replaces the handle's reference, so a caller's snapshot stays
 *   valid (if stale) until released.
 * - A type whose snapshot would pass SK_LABEL_SNAP_MAX bytes is remembered
 *   as too big at that version, so callers fall back without a walk. Out
 *   of memory, there is no snapshot either (and no error: it is a cache).
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define LABEL_VERSION_KEY "label_version"

struct sk_label_snap {
    sk_sym type;
    uint64_t version;
    size_t refs;
    bool too_big;          /* no entries kept: over SK_LABEL_SNAP_MAX */
    size_t n, cap;         /* entries, allocated entries */
    sk_id *id;
    uint32_t *off;         /* cap + 1 */
    char *text;
    size_t tlen, tcap;
};

static void snap_free(sk_label_snap *s)
{
    free(s->id);
    free(s->off);
    free(s->text);
    free(s);
}

void sk_label_snap_release(sk_label_snap *s)
{
    if (s && --s->refs == 0)
        snap_free(s);
}

void sk__label_snaps_drop(sk_store *s)
{
    for (size_t i = 0; i < s->nlsnap; i++)
        sk_label_snap_release(s->lsnap[i]);
    free(s->lsnap);
    s->lsnap = NULL;
    s->nlsnap = 0;
}

/* The label version T sees (0 when the case has none yet). */
static int label_version(sk_txn *t, uint64_t *v)
{
    MDB_val val;
    int rc = sk__get(t, DB_META, LABEL_VERSION_KEY, strlen(LABEL_VERSION_KEY), &val);
    *v = 0;
    if (rc == SK_ENOTFOUND)
        return SK_OK;
    if (rc)
        return rc;
    if (val.mv_size != 8)
        return sk_txn_fail(t, SK_ECORRUPT, "%s: metadata '%s' is damaged", t->s->path,
                           LABEL_VERSION_KEY);
    *v = be_get(val.mv_data, 8);
    return SK_OK;
}

int sk__label_version_bump(sk_txn *t)
{
    uint64_t v;
    int rc = label_version(t, &v);
    if (rc)
        return rc;
    uint8_t b[8];
    be_put(b, v + 1, 8);
    return sk__put(t, DB_META, LABEL_VERSION_KEY, strlen(LABEL_VERSION_KEY), b, 8, 0);
}

/* Appends one entry; false when S would pass the size cap or on ENOMEM
 * (*OOM set). */
static bool snap_add(sk_label_snap *s, sk_id id, const char *text, size_t len, bool *oom)
{
    size_t need = (s->n + 1) * (sizeof *s->id + sizeof *s->off) + s->tlen + len;
    if (need > SK_LABEL_SNAP_MAX)
        return false;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        sk_id *ids = realloc(s->id, cap * sizeof *ids);
        if (ids)
            s->id = ids;
        uint32_t *offs = ids ? realloc(s->off, (cap + 1) * sizeof *offs) : NULL;
        if (!offs)
            return !(*oom = true);
        s->off = offs;
        s->cap = cap;
    }
    if (s->tlen + len > s->tcap) {
        size_t cap = s->tcap ? s->tcap * 2 : 16384;
        while (cap < s->tlen + len)
            cap *= 2;
        char *p = realloc(s->text, cap);
        if (!p)
            return !(*oom = true);
        s->text = p;
        s->tcap = cap;
    }
    memcpy(s->text + s->tlen, text, len);
    s->id[s->n] = id;
    s->off[s->n] = (uint32_t)s->tlen;
    s->tlen += len;
    s->n++;
    s->off[s->n] = (uint32_t)s->tlen;
    return true;
}

/* Gives back what the doubling growth left unused, once the build is
 * over (the snapshot lives as long as the labels do not change; cap and
 * tcap are not read again). A failed shrink keeps the block. */
static void snap_trim(sk_label_snap *s)
{
    if (s->n == 0)
        return;
    sk_id *ids = realloc(s->id, s->n * sizeof *ids);
    if (ids)
        s->id = ids;
    uint32_t *offs = realloc(s->off, (s->n + 1) * sizeof *offs);
    if (offs)
        s->off = offs;
    char *text = s->tlen ? realloc(s->text, s->tlen) : NULL;
    if (text)
        s->text = text;
}

/* Reads the label entries of S->type from the index into S. */
static int snap_build(sk_txn *t, sk_label_snap *s)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_PROP], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "label snapshot");
    uint8_t prefix[8];
    be_put(prefix, s->type, 4);
    be_put(prefix + 4, 0, 4); /* prop 0: the label */
    MDB_val k = {sizeof prefix, prefix}, v;
    bool oom = false, capped = false;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0 && k.mv_size >= 8 && memcmp(k.mv_data, prefix, 8) == 0) {
        if (!snap_add(s, be_get(v.mv_data, IDX_ID), (const char *)k.mv_data + 8, k.mv_size - 8,
                      &oom)) {
            capped = !oom;
            break;
        }
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (oom)
        return SK_ENOMEM; /* no message: the caller does without */
    if (rc && rc != MDB_NOTFOUND)
        return sk__mdb_fail(t, rc, "label snapshot");
    if (!capped) {
        snap_trim(s);
        return SK_OK;
    }
    /* Stopped at the cap: keep only the verdict. */
    s->too_big = true;
    free(s->id);
    free(s->off);
    free(s->text);
    s->id = NULL;
    s->off = NULL;
    s->text = NULL;
    s->n = s->cap = s->tlen = s->tcap = 0;
    return SK_OK;
}

/* The handle's slot for TYPE, made when missing; NULL on ENOMEM. */
static sk_label_snap **slot(sk_store *s, sk_sym type)
{
    for (size_t i = 0; i < s->nlsnap; i++)
        if (s->lsnap[i]->type == type)
            return &s->lsnap[i];
    sk_label_snap **p = realloc(s->lsnap, (s->nlsnap + 1) * sizeof *p);
    if (!p)
        return NULL;
    s->lsnap = p;
    sk_label_snap *fresh = calloc(1, sizeof *fresh);
    if (!fresh)
        return NULL;
    /* An empty, too-big placeholder at no version anyone has: rebuilt on
     * first use (versions are below UINT64_MAX). */
    fresh->type = type;
    fresh->version = UINT64_MAX;
    fresh->refs = 1;
    fresh->too_big = true;
    s->lsnap[s->nlsnap++] = fresh;
    return &s->lsnap[s->nlsnap - 1];
}

int sk_label_snapshot(sk_txn *t, sk_sym type, sk_label_snap **out)
{
    *out = NULL;
    if (type == 0 || t->labels_dirty)
        return SK_ENOTFOUND;
    uint64_t version;
    int rc = label_version(t, &version);
    if (rc)
        return rc;
    /* Short of memory, a cache is done without: the caller walks the
     * index, and a write transaction is not poisoned for it. */
    sk_label_snap **sl = slot(t->s, type);
    if (!sl)
        return SK_ENOTFOUND;
    if ((*sl)->version != version) {
        sk_label_snap *fresh = calloc(1, sizeof *fresh);
        if (!fresh)
            return SK_ENOTFOUND;
        fresh->type = type;
        fresh->version = version;
        fresh->refs = 1;
        if ((rc = snap_build(t, fresh)) != SK_OK) {
            snap_free(fresh);
            return rc == SK_ENOMEM ? SK_ENOTFOUND : rc;
        }
        sk_label_snap_release(*sl);
        *sl = fresh;
    }
    if ((*sl)->too_big)
        return SK_ENOTFOUND;
    (*sl)->refs++;
    *out = *sl;
    return SK_OK;
}

void sk_label_snap_view(const sk_label_snap *s, sk_label_view *out)
{
    static const uint32_t zero = 0; /* the one offset of an empty snapshot */
    out->n = s->n;
    out->id = s->id;
    out->off = s->off ? s->off : &zero;
    out->text = s->text;
}

/* Entry I against PREFIX: 0 when it starts with it, else its order. */
static int cmp_prefix(const sk_label_snap *s, size_t i, const char *p, size_t plen)
{
    size_t el = s->off[i + 1] - s->off[i];
    int r = memcmp(s->text + s->off[i], p, el < plen ? el : plen);
    if (r)
        return r;
    return el >= plen ? 0 : -1;
}

/* The first entry whose cmp_prefix is above BELOW (0: >= 0, 1: > 0). */
static size_t bound(const sk_label_snap *s, const char *p, size_t plen, int below)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_prefix(s, mid, p, plen) < below)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int sk_label_snap_range(const sk_label_snap *s, const char *prefix, size_t len,
                        size_t *lo, size_t *hi)
{
    char fold[SK_KEY_MAX + 1];
    int n = len ? sk_text_fold(prefix, len, fold, sizeof fold) : 0;
    if (n < 0)
        return n;
    *lo = bound(s, fold, (size_t)n, 0);
    *hi = bound(s, fold, (size_t)n, 1);
    return SK_OK;
}
