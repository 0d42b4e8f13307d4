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

static void chain_hash(const uint8_t prev[32], const uint8_t *body, size_t n, uint8_t out[32]);

/* ---- encoding (the primitives are codec.c's) ---- */

static void put_raw(sk_buf *b, const void *p, size_t n) { sk__put_bytes(b, p, n); }
static void put_uv(sk_buf *b, uint64_t v) { sk__put_uv(b, v); }

static void put_str(sk_buf *b, const char *s)
{
    sk__put_str(b, s ? s : "", s ? strlen(s) : 0);
}

static void put_digest(sk_buf *b, const char *s)
{
    uint8_t h[32];
    sk_sha256(s ? s : "", s ? strlen(s) : 0, h);
    put_raw(b, h, 32);
}

typedef sk_rd rd;
static uint64_t get_uv(rd *r) { return sk__get_uv(r); }

/* A string of the record, copied into A (or "" without an arena). */
static const char *get_str(rd *r, sk_arena *a)
{
    size_t n;
    const char *p = sk__get_str(r, &n);
    const char *s = a && !r->bad ? sk_arena_strndup(a, p, n) : "";
    return s ? s : "";
}

/*
 * Record: version(1) hash(32) prev(32) | varint body length | body | texts
 *   body  = time user category action target count detail
 *           sha256(query) sha256(reason)          ← what the chain covers
 *   texts = query reason erased(1)                ← erasable by purge
 * The chain covers the texts through their digests, so erasing a text
 * that held purged content leaves the chain intact and still proves the
 * entry was not otherwise changed.
 */
static void encode(sk_buf *b, const sk_audit_entry *e, const uint8_t prev[32])
{
    sk_buf body = {0};
    put_uv(&body, (uint64_t)e->time);
    put_str(&body, e->user);
    put_uv(&body, (uint64_t)e->category);
    put_str(&body, e->action);
    put_str(&body, e->target);
    put_uv(&body, e->count);
    put_str(&body, e->detail);
    put_digest(&body, e->query);
    put_digest(&body, e->reason);
    uint8_t ver = AUDIT_V1, hash[32];
    if (!body.oom)
        chain_hash(prev, body.p, body.len, hash);
    put_raw(b, &ver, 1);
    put_raw(b, hash, 32);
    put_raw(b, prev, 32);
    put_uv(b, body.len);
    put_raw(b, body.p, body.len);
    put_str(b, e->query);
    put_str(b, e->reason);
    uint8_t erased = e->erased;
    put_raw(b, &erased, 1);
    b->oom = b->oom || body.oom;
    sk__buf_free(&body);
}

/* Splits a record; fills E when A is given. */
typedef struct parts {
    const uint8_t *hash, *prev, *body, *digests;
    size_t body_len;
} parts;

static int decode(const uint8_t *p, size_t n, sk_arena *a, sk_audit_entry *e, parts *pt)
{
    if (n < HDR + 1 || p[0] != AUDIT_V1)
        return SK_ECORRUPT;
    rd r = {p + HDR, p + n, false};
    uint64_t blen = get_uv(&r);
    if (r.bad || blen > (uint64_t)(r.end - r.p) || blen < 64)
        return SK_ECORRUPT;
    *pt = (parts){p + 1, p + 33, r.p, r.p + blen - 64, (size_t)blen};
    rd b = {r.p, r.p + blen - 64, false};
    e->time = (int64_t)get_uv(&b);
    e->user = get_str(&b, a);
    e->category = (sk_audit_category)get_uv(&b);
    e->action = get_str(&b, a);
    e->target = get_str(&b, a);
    e->count = get_uv(&b);
    e->detail = get_str(&b, a);
    if (b.bad || b.p != b.end)
        return SK_ECORRUPT;
    r.p += blen;
    e->query = get_str(&r, a);
    e->reason = get_str(&r, a);
    e->erased = r.p < r.end && *r.p == 1;
    memcpy(e->hash, p + 1, 32);
    return r.bad ? SK_ECORRUPT : SK_OK;
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
    return sk__audit_append_many(t, e, 1, seq_out);
}

int sk__audit_append_many(sk_txn *t, const sk_audit_entry *e, size_t n, uint64_t *last)
{
    int rc = sk__check_write(t);
    if (rc || n == 0)
        return rc;
    uint64_t seq;
    uint8_t prev[32];
    if ((rc = last_entry(t, &seq, prev)) != SK_OK)
        return rc;
    sk_buf b = {0};
    for (size_t i = 0; i < n && !rc; i++) {
        b.len = 0;
        encode(&b, &e[i], prev);
        if (b.oom) {
            sk__buf_free(&b);
            return sk_txn_fail(t, SK_ENOMEM, "out of memory");
        }
        uint8_t k[8];
        be_put(k, ++seq, 8);
        memcpy(prev, b.p + 1, 32);
        rc = sk__put(t, DB_AUDIT, k, 8, b.p, b.len, MDB_APPEND);
    }
    sk__buf_free(&b);
    /* The head (count and last hash) kept apart shows a cut-off tail. */
    uint8_t head[40];
    be_put(head, seq, 8);
    memcpy(head + 8, prev, 32);
    if (!rc)
        rc = sk__put(t, DB_META, "audit_head", 10, head, 40, 0);
    if (!rc && last)
        *last = seq;
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
        parts pt;
        e.seq = k.mv_size == 8 ? be_get(k.mv_data, 8) : 0;
        if (decode(v.mv_data, v.mv_size, a, &e, &pt) != SK_OK) {
            rc = sk_txn_fail(t, SK_ECORRUPT, "audit entry %llu is damaged",
                             (unsigned long long)e.seq);
            break;
        }
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
    sk_arena *scratch = sk_arena_new();
    if (!scratch) {
        mdb_cursor_close(c);
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    }
    *bad_seq = 0;
    MDB_val k, v;
    int mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    rc = SK_OK;
    for (; mrc == 0; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT), expect++) {
        uint64_t seq = k.mv_size == 8 ? be_get(k.mv_data, 8) : 0;
        const uint8_t *r = v.mv_data;
        const char *problem = NULL;
        uint8_t h[32];
        sk_audit_entry e;
        parts pt;
        sk_arena_reset(scratch);
        if (seq != expect)
            problem = seq > expect ? "an entry before it is missing" : "the entry numbering is broken";
        else if (decode(r, v.mv_size, scratch, &e, &pt) != SK_OK)
            problem = "the entry is damaged";
        else if (memcmp(pt.prev, prev, 32) != 0)
            problem = "it does not follow the entry before it (removed or reordered)";
        else {
            chain_hash(prev, pt.body, pt.body_len, h);
            uint8_t qd[32], rdg[32];
            sk_sha256(e.query, strlen(e.query), qd);
            sk_sha256(e.reason, strlen(e.reason), rdg);
            bool texts_ok = e.erased || (memcmp(qd, pt.digests, 32) == 0 &&
                                         memcmp(rdg, pt.digests + 32, 32) == 0);
            if (memcmp(h, pt.hash, 32) != 0 || !texts_ok)
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
    sk_arena_free(scratch);
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

int sk_audit_erase_text(sk_txn *t, const char *needle, uint64_t *erased)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    *erased = 0;
    size_t nl = strlen(needle);
    if (nl == 0)
        return SK_OK;
    char *fold = malloc(nl * 18 + 16);
    int fl = fold ? sk_text_fold(needle, nl, fold, nl * 18 + 16) : -1;
    sk_arena *a = sk_arena_new();
    MDB_cursor *c = NULL;
    if (fl <= 0 || !a || (rc = mdb_cursor_open(t->txn, t->s->dbi[DB_AUDIT], &c)) != 0) {
        free(fold);
        sk_arena_free(a);
        return rc ? sk__mdb_fail(t, rc, "audit log") : sk_txn_fail(t, SK_ENOMEM, "out of memory");
    }
    /* Collect first: rewriting while the cursor walks is not safe. */
    uint64_t *hits = NULL;
    size_t nhits = 0, cap = 0;
    MDB_val k, v;
    int mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    for (; mrc == 0; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        sk_audit_entry e;
        parts pt;
        sk_arena_reset(a);
        if (decode(v.mv_data, v.mv_size, a, &e, &pt) != SK_OK || e.erased)
            continue;
        bool hit = false;
        const char *texts[2] = {e.query, e.reason};
        for (int i = 0; i < 2 && !hit; i++) {
            size_t n = strlen(texts[i]);
            char *f = sk_arena_alloc(a, n * 18 + 16);
            hit = f && sk_text_fold(texts[i], n, f, n * 18 + 16) >= 0 && strstr(f, fold);
        }
        if (!hit)
            continue;
        if (nhits == cap) {
            cap = cap ? cap * 2 : 16;
            uint64_t *p = realloc(hits, cap * sizeof *p);
            if (!p)
                break;
            hits = p;
        }
        hits[nhits++] = be_get(k.mv_data, 8);
    }
    mdb_cursor_close(c);
    for (size_t i = 0; !rc && i < nhits; i++) {
        uint8_t key[8];
        be_put(key, hits[i], 8);
        MDB_val rv;
        if ((rc = sk__get(t, DB_AUDIT, key, 8, &rv)) != SK_OK)
            break;
        sk_audit_entry e;
        parts pt;
        sk_arena_reset(a);
        uint8_t *copy = sk_arena_alloc(a, rv.mv_size);
        if (!copy) {
            rc = sk_txn_fail(t, SK_ENOMEM, "out of memory");
            break;
        }
        memcpy(copy, rv.mv_data, rv.mv_size);
        decode(copy, rv.mv_size, a, &e, &pt);
        /* Same header and body; the texts replaced by nothing, marked erased. */
        sk_buf b = {0};
        size_t keep = (size_t)(pt.body - copy) + pt.body_len;
        put_raw(&b, copy, keep);
        put_str(&b, "");
        put_str(&b, "");
        uint8_t one = 1;
        put_raw(&b, &one, 1);
        rc = b.oom ? sk_txn_fail(t, SK_ENOMEM, "out of memory")
                   : sk__put(t, DB_AUDIT, key, 8, b.p, b.len, 0);
        sk__buf_free(&b);
        if (!rc)
            (*erased)++;
    }
    free(hits);
    free(fold);
    sk_arena_free(a);
    return rc;
}
