/*
 * source.c — sources (one import or manual entry each) and SHA-256.
 *
 * A source with a file hash is unique by that hash: importing the same
 * file twice finds the first source (SK_EEXISTS) instead of adding one.
 * Hashing is OpenSSL's (libcrypto EVP), streamed so a file of any size
 * is hashed in constant memory.
 */
#include "store_int.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static const uint8_t zero_hash[32];

static void src_key(uint8_t k[4], sk_srcid id) { be_put(k, id, 4); }

int sk_source_by_hash(sk_txn *t, const uint8_t sha256[32], sk_srcid *out)
{
    MDB_val v;
    int rc = sk__get(t, DB_SRCH, sha256, 32, &v);
    if (rc)
        return rc;
    *out = (sk_srcid)be_get(v.mv_data, 4);
    return SK_OK;
}

int sk_source_add(sk_txn *t, sk_source *in)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    bool hashed = memcmp(in->sha256, zero_hash, 32) != 0;
    if (hashed && sk_source_by_hash(t, in->sha256, &in->id) == SK_OK)
        return SK_EEXISTS;
    in->id = t->next_source++;
    t->counters_dirty = true;
    sk_buf b = {0};
    rc = sk__encode_source(&b, in);
    uint8_t k[4];
    src_key(k, in->id);
    if (!rc)
        rc = sk__put(t, DB_SRC, k, 4, b.p, b.len, MDB_APPEND);
    sk__buf_free(&b);
    if (!rc && hashed)
        rc = sk__put(t, DB_SRCH, in->sha256, 32, k, 4, 0);
    return rc == SK_ENOMEM ? sk_txn_fail(t, rc, "out of memory") : rc;
}

int sk_source_get(sk_txn *t, sk_srcid id, sk_arena *a, sk_source *out)
{
    uint8_t k[4];
    src_key(k, id);
    MDB_val v;
    int rc = sk__get(t, DB_SRC, k, 4, &v);
    if (rc == SK_ENOTFOUND)
        return sk_txn_fail(t, rc, "no source %u", id);
    if (rc)
        return rc;
    out->id = id;
    rc = sk__decode_source(v.mv_data, v.mv_size, a, out);
    if (rc)
        return sk_txn_fail(t, rc, "%s: source %u: record is damaged", t->s->path, id);
    return SK_OK;
}

int sk_source_each(sk_txn *t, sk_arena *a, sk_source_fn fn, void *ctx)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_SRC], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "sources");
    MDB_val k, v;
    int mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    rc = SK_OK;
    while (mrc == 0) {
        sk_source s = {.id = (sk_srcid)be_get(k.mv_data, 4)};
        rc = sk__decode_source(v.mv_data, v.mv_size, a, &s);
        if (rc) {
            rc = sk_txn_fail(t, rc, "%s: source %u: record is damaged", t->s->path, s.id);
            break;
        }
        if (fn(&s, ctx))
            break;
        mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (mrc && mrc != MDB_NOTFOUND)
        return sk__mdb_fail(t, mrc, "sources");
    return rc;
}

void sk_sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 32;
    EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

int sk_sha256_file(const char *path, uint8_t out[32], uint64_t *size, char *errbuf,
                   size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? SK_ENOTFOUND : errno == EACCES ? SK_EACCESS : SK_EIO;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = SK_OK;
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        snprintf(errbuf, errlen, "%s: cannot start SHA-256", path);
        rc = SK_ENOMEM;
    }
    static const size_t chunk = 1 << 16;
    unsigned char buf[1 << 16];
    uint64_t total = 0;
    size_t n;
    while (!rc && (n = fread(buf, 1, chunk, f)) > 0) {
        EVP_DigestUpdate(ctx, buf, n);
        total += n;
    }
    if (!rc && ferror(f)) {
        snprintf(errbuf, errlen, "%s: read error: %s", path, strerror(errno));
        rc = SK_EIO;
    }
    unsigned int len = 32;
    if (!rc)
        EVP_DigestFinal_ex(ctx, out, &len);
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (size)
        *size = total;
    return rc;
}
