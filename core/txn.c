/*
 * txn.c — transactions: begin, commit, abort, the cross-process write lock,
 * the poisoning rule and the mapping of LMDB errors to SK codes.
 *
 * The write lock: LMDB serialises writers itself but would make a second
 * writer wait forever. Before starting a write transaction we take an
 * exclusive flock() on the case file, polling for write_wait_ms, so a
 * second writer fails with a clear message instead. LMDB never flocks the
 * data file, so the two locks do not interfere.
 */
#include "store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <libgen.h>
#include <time.h>
#include <unistd.h>

static int lmdb_code(int rc)
{
    switch (rc) {
    case MDB_MAP_FULL: return SK_EMAPFULL;
    case MDB_NOTFOUND: return SK_ENOTFOUND;
    case MDB_KEYEXIST: return SK_EEXISTS;
    case MDB_CORRUPTED: case MDB_PAGE_NOTFOUND: case MDB_BAD_TXN: return SK_ECORRUPT;
    case MDB_TXN_FULL: return SK_ELIMIT;
    case MDB_READERS_FULL: return SK_EBUSY;
    case ENOSPC: case EFBIG: case EDQUOT: return SK_EDISKFULL;
    case EACCES: case EPERM: case EROFS: return SK_EREADONLY;
    case ENOMEM: return SK_ENOMEM;
    default: return SK_EIO;
    }
}

int sk_txn_fail(sk_txn *t, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->errmsg, sizeof t->errmsg, fmt, ap);
    va_end(ap);
    /* Validation failures are reported before anything is written, so
     * they leave the transaction usable (an import with --rejects goes on
     * after a bad row); anything else may have left a half-applied change. */
    switch (code) {
    case SK_OK: case SK_DONE: case SK_ENOTFOUND: case SK_EEXISTS: case SK_EINVAL:
    case SK_EPARSE: case SK_ELIMIT: case SK_EAMBIGUOUS:
        break;
    default:
        if (t->write)
            t->poisoned = true;
    }
    return code;
}

int sk__mdb_fail(sk_txn *t, int rc, const char *what)
{
    int code = lmdb_code(rc);
    if (code == SK_EDISKFULL)
        return sk_txn_fail(t, code, "%s: no space left for the case (%s); nothing was written",
                           t->s->path, what);
    return sk_txn_fail(t, code, "%s: %s: %s", t->s->path, what, mdb_strerror(rc));
}

int sk__check_write(sk_txn *t)
{
    if (!t->write)
        return sk_txn_fail(t, SK_EREADONLY, "%s: write in a read-only transaction", t->s->path);
    if (t->poisoned)
        return SK_EPOISONED;
    return SK_OK;
}

int sk__get(sk_txn *t, enum sk_db db, const void *k, size_t kl, MDB_val *v)
{
    MDB_val key = {kl, (void *)k};
    int rc = mdb_get(t->txn, t->s->dbi[db], &key, v);
    if (rc == MDB_NOTFOUND)
        return SK_ENOTFOUND;
    if (rc)
        return sk__mdb_fail(t, rc, "read");
    return SK_OK;
}

int sk__put(sk_txn *t, enum sk_db db, const void *k, size_t kl, const void *v,
            size_t vl, unsigned flags)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
    rc = mdb_put(t->txn, t->s->dbi[db], &key, &val, flags);
    if (rc == MDB_KEYEXIST)
        return SK_EEXISTS;
    if (rc)
        return sk__mdb_fail(t, rc, "write");
    return SK_OK;
}

int sk__del(sk_txn *t, enum sk_db db, const void *k, size_t kl, const void *v, size_t vl)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
    if (db == DB_ENT) {
        t->ent_gaps = true;
        sk__ent_seen_clear(t, be_get(k, 8));
    }
    rc = mdb_del(t->txn, t->s->dbi[db], &key, v ? &val : NULL);
    if (rc == MDB_NOTFOUND)
        return SK_ENOTFOUND;
    if (rc)
        return sk__mdb_fail(t, rc, "delete");
    return SK_OK;
}

int sk__append(sk_txn *t, enum sk_db db, const void *k, size_t kl, const void *v, size_t vl)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    if (!t->tail[db] && (rc = mdb_cursor_open(t->txn, t->s->dbi[db], &t->tail[db])) != 0)
        return sk__mdb_fail(t, rc, "write");
    MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
    rc = mdb_cursor_put(t->tail[db], &key, &val, MDB_APPEND);
    if (rc == MDB_KEYEXIST)
        return SK_EEXISTS;
    if (rc)
        return sk__mdb_fail(t, rc, "write");
    return SK_OK;
}

/* Closes the append cursors (before the LMDB transaction ends). */
static void close_tails(sk_txn *t)
{
    for (int i = 0; i < DB_COUNT; i++)
        if (t->tail[i]) {
            mdb_cursor_close(t->tail[i]);
            t->tail[i] = NULL;
        }
}

/* Takes the cross-process write lock, polling up to write_wait_ms. */
static int take_write_lock(sk_store *s)
{
    if (s->lock_fd < 0) {
        int fd;
        if (mdb_env_get_fd(s->env, &fd) != 0 || (s->lock_fd = dup(fd)) < 0) {
            snprintf(s->errmsg, sizeof s->errmsg, "%s: cannot lock the case: %s", s->path,
                     strerror(errno));
            return SK_EIO;
        }
    }
    int waited = 0;
    for (;;) {
        if (flock(s->lock_fd, LOCK_EX | LOCK_NB) == 0)
            return SK_OK;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            snprintf(s->errmsg, sizeof s->errmsg, "%s: cannot lock the case: %s", s->path,
                     strerror(errno));
            return SK_EIO;
        }
        if (waited >= s->write_wait_ms) {
            snprintf(s->errmsg, sizeof s->errmsg,
                     "%s is being written by another process (waited %d ms); try again when "
                     "it has finished",
                     s->path, waited);
            return SK_EBUSY;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        waited += 20;
    }
}

static void drop_write_lock(sk_store *s)
{
    if (s->lock_fd >= 0)
        flock(s->lock_fd, LOCK_UN);
    s->writer_active = false;
}

int sk_txn_begin(sk_store *s, bool write, sk_txn **out)
{
    *out = NULL;
    if (write && s->rdonly) {
        snprintf(s->errmsg, sizeof s->errmsg,
                 "%s is read-only (file permissions or opened read-only); nothing was changed",
                 s->path);
        return SK_EREADONLY;
    }
    if (write && s->writer_active) {
        snprintf(s->errmsg, sizeof s->errmsg, "%s: a write transaction is already open",
                 s->path);
        return SK_EBUSY;
    }
    sk_txn *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(s->errmsg, sizeof s->errmsg, "out of memory");
        return SK_ENOMEM;
    }
    t->s = s;
    t->write = write;
    if (write) {
        int rc = take_write_lock(s);
        if (rc) {
            free(t);
            return rc;
        }
        s->writer_active = true;
    }
    int rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
    if (rc == MDB_MAP_RESIZED) {
        /* Another process grew the map: adopt its size and retry. */
        mdb_env_set_mapsize(s->env, 0);
        rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
    }
    if (rc) {
        int code = lmdb_code(rc);
        snprintf(s->errmsg, sizeof s->errmsg, "%s: cannot begin a transaction: %s", s->path,
                 mdb_strerror(rc));
        if (write)
            drop_write_lock(s);
        free(t);
        return code;
    }
    s->txns_open++;
    if (write) {
        rc = sk__counters_load(t);
        if (rc) {
            snprintf(s->errmsg, sizeof s->errmsg, "%s", t->errmsg);
            sk_txn_abort(t);
            return rc;
        }
        t->fresh_first = t->next_entity;
    }
    const char *cc;
    size_t cclen;
    if (sk_meta_get(t, "country_code", &cc, &cclen) == SK_OK && cclen < sizeof t->country_code)
        memcpy(t->country_code, cc, cclen);
    *out = t;
    return SK_OK;
}

/* LMDB reports a short write as EIO, which is how a full disk or a file
 * size limit usually shows itself; tell those apart from a real I/O
 * error by looking at the space left and the limit. */
static int diagnose_eio(sk_store *s, const char **why)
{
    struct rlimit rl;
    struct stat st;
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        stat(s->path, &st) == 0 && (uint64_t)st.st_size + (1u << 20) >= rl.rlim_cur) {
        *why = "the file size limit (ulimit -f) was reached";
        return SK_EDISKFULL;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", s->path);
    struct statvfs vfs;
    if (statvfs(dirname(dir), &vfs) == 0 &&
        (uint64_t)vfs.f_bavail * vfs.f_frsize < ((uint64_t)16 << 20)) {
        *why = "no space left on the device";
        return SK_EDISKFULL;
    }
    *why = "input/output error";
    return SK_EIO;
}

/* Frees T once its LMDB transaction has ended, and lets the case go. */
static void txn_free(sk_txn *t)
{
    if (t->write)
        drop_write_lock(t->s);
    t->s->txns_open--;
    free(t->lt_delta);
    free(t->ent_seen);
    sk__buf_free(&t->rec);
    sk__spool_discard(t);
    sk__linkrec_free(t);
    sk__lf_free(t);
    free(t);
}

int sk_txn_commit(sk_txn *t)
{
    sk_store *s = t->s;
    int rc = SK_OK;
    if (t->poisoned) {
        rc = SK_EPOISONED;
        snprintf(s->errmsg, sizeof s->errmsg, "%s", t->errmsg);
        sk_txn_abort(t);
        return rc;
    }
    if (t->write) {
        rc = sk__spool_settle(t, DB_COUNT);
        if (!rc)
            rc = sk__linkrec_settle(t);
        if (rc) {
            snprintf(s->errmsg, sizeof s->errmsg, "%s", t->errmsg);
            sk_txn_abort(t);
            return rc;
        }
    }
    if (t->write && t->labels_dirty && (rc = sk__label_version_bump(t)) != SK_OK) {
        snprintf(s->errmsg, sizeof s->errmsg, "%s", t->errmsg);
        sk_txn_abort(t);
        return rc;
    }
    if (t->write && t->counters_dirty) {
        rc = sk__counters_save(t);
        if (rc) {
            snprintf(s->errmsg, sizeof s->errmsg, "%s", t->errmsg);
            sk_txn_abort(t);
            return rc;
        }
    }
    close_tails(t);
    int mrc = mdb_txn_commit(t->txn);
    if (mrc) {
        rc = lmdb_code(mrc);
        const char *why = NULL;
        if (mrc == EIO)
            rc = diagnose_eio(s, &why);
        if (why)
            snprintf(s->errmsg, sizeof s->errmsg, "%s: cannot write the case: %s; nothing was changed",
                     s->path, why);
        else if (rc == SK_EDISKFULL)
            snprintf(s->errmsg, sizeof s->errmsg,
                     "%s: no space left to write the case (%s); nothing was changed", s->path,
                     mdb_strerror(mrc));
        else
            snprintf(s->errmsg, sizeof s->errmsg, "%s: commit failed: %s; nothing was changed",
                     s->path, mdb_strerror(mrc));
    }
    txn_free(t);
    return rc;
}

void sk_txn_abort(sk_txn *t)
{
    if (!t)
        return;
    close_tails(t);
    mdb_txn_abort(t->txn);
    txn_free(t);
}

const char *sk_txn_errmsg(const sk_txn *t) { return t->errmsg; }
sk_store *sk_txn_store(sk_txn *t) { return t->s; }
bool sk_txn_writable(const sk_txn *t) { return t->write && !t->poisoned; }
