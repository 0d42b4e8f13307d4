/*
 * audit.c — the case's audit log: append-only, written in the transaction
 * of the change it records, and tamper-evident.
 *
 * Entry n is stored under key n (8 bytes, from 1, no gaps). Its record is
 *   version(1) | hash(32) | prev(32) | body
 * where body holds time, user, category, action, reason, targets, query
 * and counts, and hash = SHA-256(prev || body). prev is the hash of entry
 * n-1 (zeros for entry 1). Verification walks the log from 1: a changed
 * body breaks its own hash, a removed entry leaves a gap or breaks the
 * next entry's prev, two swapped entries break both — and it names the
 * first entry where the chain fails. The count and hash of the last entry
 * are also kept in the metadata, so cutting entries off the end shows too.
 * The chain is evidence against edits by hand, not a signature: someone
 * who can rewrite the whole file can rewrite the whole chain.
 */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT_V1 1
#define HDR (1 + 32 + 32)

static const char *const categories[] = {
    [SK_AUDIT_COLLECTION] = "collection",   [SK_AUDIT_ALTERATION] = "alteration",
    [SK_AUDIT_CONSULTATION] = "consultation", [SK_AUDIT_DISCLOSURE] = "disclosure",
    [SK_AUDIT_COMBINATION] = "combination", [SK_AUDIT_ERASURE] = "erasure",
};

const char *sk_audit_category_name(sk_audit_category c)
{
    return c >= SK_AUDIT_COLLECTION && c <= SK_AUDIT_ERASURE ? categories[c] : "?";
}

int sk_audit_category_parse(const char *name, sk_audit_category *out)
{
    for (int c = SK_AUDIT_COLLECTION; c <= SK_AUDIT_ERASURE; c++)
        if (!strcmp(name, categories[c])) {
            *out = (sk_audit_category)c;
            return SK_OK;
        }
    return SK_EINVAL;
}

/* ---- body encoding: varints and length-prefixed strings ---- */

static void put_uv(sk_buf *b, uint64_t v)
{
    do {
        uint8_t c = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (b->len == b->cap) {
            size_t cap = b->cap ? b->cap * 2 : 256;
            uint8_t *p = realloc(b->p, cap);
            if (!p) {
                b->oom = true;
                return;
            }
            b->p = p;
            b->cap = cap;
        }
        b->p[b->len++] = (uint8_t)(c | (v ? 0x80 : 0));
    } while (v);
}

static void put_str(sk_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_uv(b, n);
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
}

typedef struct rd {
    const uint8_t *p, *end;
    bool bad;
} rd;

static uint64_t get_uv(rd *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && r->p < r->end; shift += 7) {
        uint8_t c = *r->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

static const char *get_str(rd *r, sk_arena *a)
{
    uint64_t n = get_uv(r);
    if (r->bad || n > (uint64_t)(r->end - r->p)) {
        r->bad = true;
        return "";
    }
    const char *s = sk_arena_strndup(a, (const char *)r->p, (size_t)n);
    r->p += n;
    return s ? s : "";
}

static void encode_body(sk_buf *b, const sk_audit_entry *e)
{
    put_uv(b, (uint64_t)e->time);
    put_str(b, e->user);
    put_uv(b, (uint64_t)e->category);
    put_str(b, e->action);
    put_str(b, e->reason);
    put_str(b, e->target);
    put_str(b, e->query);
    put_uv(b, e->count);
    put_str(b, e->detail);
}

static int decode_body(const uint8_t *p, size_t n, sk_arena *a, sk_audit_entry *e)
{
    rd r = {p, p + n, false};
    e->time = (int64_t)get_uv(&r);
    e->user = get_str(&r, a);
    e->category = (sk_audit_category)get_uv(&r);
    e->action = get_str(&r, a);
    e->reason = get_str(&r, a);
    e->target = get_str(&r, a);
    e->query = get_str(&r, a);
    e->count = get_uv(&r);
    e->detail = get_str(&r, a);
    return r.bad || r.p != r.end ? SK_ECORRUPT : SK_OK;
}

static void chain_hash(const uint8_t prev[32], const uint8_t *body, size_t n, uint8_t out[32])
{
    uint8_t *buf = malloc(32 + n);
    if (!buf) {
        memset(out, 0, 32);
        return;
    }
    memcpy(buf, prev, 32);
    memcpy(buf + 32, body, n);
    sk_sha256(buf, 32 + n, out);
    free(buf);
}

/* The last entry's sequence number and hash (0 and zeros when empty). */
static int last_entry(sk_txn *t, uint64_t *seq, uint8_t hash[32])
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_AUDIT], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "audit log");
    MDB_val k, v;
    rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
    *seq = 0;
    memset(hash, 0, 32);
    if (rc == 0 && k.mv_size == 8 && v.mv_size >= HDR) {
        *seq = be_get(k.mv_data, 8);
        memcpy(hash, (const uint8_t *)v.mv_data + 1, 32);
    }
    mdb_cursor_close(c);
    if (rc && rc != MDB_NOTFOUND)
        return sk__mdb_fail(t, rc, "audit log");
    return SK_OK;
}

int sk_audit_append(sk_txn *t, const sk_audit_entry *e, uint64_t *seq_out)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    uint64_t seq;
    uint8_t prev[32];
    if ((rc = last_entry(t, &seq, prev)) != SK_OK)
        return rc;
    sk_buf b = {0};
    /* Header first, filled in once the body is known. */
    for (int i = 0; i < HDR; i++)
        put_uv(&b, 0);
    encode_body(&b, e);
    if (b.oom) {
        sk__buf_free(&b);
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    }
    b.p[0] = AUDIT_V1;
    memcpy(b.p + 1 + 32, prev, 32);
    chain_hash(prev, b.p + HDR, b.len - HDR, b.p + 1);
    uint8_t k[8], head[40];
    be_put(k, seq + 1, 8);
    be_put(head, seq + 1, 8);
    memcpy(head + 8, b.p + 1, 32);
    rc = sk__put(t, DB_AUDIT, k, 8, b.p, b.len, MDB_APPEND);
    /* The head (count and last hash) kept apart shows a cut-off tail. */
    if (!rc)
        rc = sk__put(t, DB_META, "audit_head", 10, head, 40, 0);
    sk__buf_free(&b);
    if (!rc && seq_out)
        *seq_out = seq + 1;
    return rc;
}

int sk_audit_each(sk_txn *t, sk_arena *a, sk_audit_fn fn, void *ctx)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_AUDIT], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "audit log");
    MDB_val k, v;
    int mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    rc = SK_OK;
    while (mrc == 0) {
        sk_audit_entry e = {0};
        e.seq = k.mv_size == 8 ? be_get(k.mv_data, 8) : 0;
        if (v.mv_size < HDR || decode_body((const uint8_t *)v.mv_data + HDR, v.mv_size - HDR,
                                           a, &e) != SK_OK) {
            rc = sk_txn_fail(t, SK_ECORRUPT, "audit entry %llu is damaged",
                             (unsigned long long)e.seq);
            break;
        }
        memcpy(e.hash, (const uint8_t *)v.mv_data + 1, 32);
        if (fn(&e, ctx))
            break;
        mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (mrc && mrc != MDB_NOTFOUND)
        return sk__mdb_fail(t, mrc, "audit log");
    return rc;
}

int sk_audit_verify(sk_txn *t, uint64_t *entries, uint64_t *bad_seq, char *why, size_t cap)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_AUDIT], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "audit log");
    uint8_t prev[32] = {0};
    uint64_t expect = 1;
    *entries = 0;
    *bad_seq = 0;
    MDB_val k, v;
    int mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    rc = SK_OK;
    for (; mrc == 0; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT), expect++) {
        uint64_t seq = k.mv_size == 8 ? be_get(k.mv_data, 8) : 0;
        const uint8_t *r = v.mv_data;
        const char *problem = NULL;
        uint8_t h[32];
        if (seq != expect)
            problem = seq > expect ? "an entry before it is missing" : "the entry numbering is broken";
        else if (v.mv_size < HDR || r[0] != AUDIT_V1)
            problem = "the entry is damaged";
        else if (memcmp(r + 33, prev, 32) != 0)
            problem = "it does not follow the entry before it (removed or reordered)";
        else {
            chain_hash(prev, r + HDR, v.mv_size - HDR, h);
            if (memcmp(h, r + 1, 32) != 0)
                problem = "its content was changed after it was written";
        }
        if (problem) {
            *bad_seq = seq ? (seq < expect ? seq : expect) : expect;
            snprintf(why, cap, "audit entry %llu: %s", (unsigned long long)*bad_seq, problem);
            rc = SK_ECORRUPT;
            break;
        }
        memcpy(prev, r + 1, 32);
        (*entries)++;
    }
    mdb_cursor_close(c);
    if (!rc && mrc && mrc != MDB_NOTFOUND)
        return sk__mdb_fail(t, mrc, "audit log");
    MDB_val hv;
    if (!rc && sk__get(t, DB_META, "audit_head", 10, &hv) == SK_OK && hv.mv_size == 40) {
        uint64_t n = be_get(hv.mv_data, 8);
        if (n != *entries || (n && memcmp((const uint8_t *)hv.mv_data + 8, prev, 32) != 0)) {
            *bad_seq = *entries + 1;
            snprintf(why, cap, "audit entry %llu: the log ends early (entries after %llu were "
                     "removed)", (unsigned long long)*bad_seq, (unsigned long long)*entries);
            rc = SK_ECORRUPT;
        }
    }
    return rc;
}
