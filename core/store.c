/*
 * store.c — opening and closing a case: the LMDB environment, its named
 * databases, the format check, the map size, and the write lock.
 *
 * Invariants: a case file is an LMDB environment in one file (MDB_NOSUBDIR)
 * whose meta database carries SK_MAGIC and a format version; anything else
 * is refused before a write can touch it. The map grows by doubling (see
 * sk_store_write); readers in other processes adopt the new size when LMDB
 * tells them it changed.
 */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_MAP_SIZE ((size_t)1 << 30)   /* 1 GiB of address space */
#define DEFAULT_WRITE_WAIT_MS 10000

const char *const sk__db_names[DB_COUNT] = {
    [DB_META] = "meta", [DB_NAMES] = "names", [DB_SYMS] = "syms",
    [DB_ENT] = "ent",   [DB_LINK] = "link",   [DB_ADJ] = "adj",
    [DB_KEY] = "key",   [DB_TYPE] = "type",   [DB_PROP] = "prop",
    [DB_TIME] = "time", [DB_SRC] = "src",     [DB_SRCH] = "srch",
    [DB_MERGE] = "merge", [DB_AUDIT] = "audit",
};

static unsigned db_flags(enum sk_db db)
{
    switch (db) {
    case DB_TYPE: case DB_PROP: case DB_TIME:
        return MDB_DUPSORT | MDB_DUPFIXED;
    default:
        return 0;
    }
}

static int errf(char *buf, size_t len, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int errf(char *buf, size_t len, int code, const char *fmt, ...)
{
    if (buf && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, len, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Maps an errno-style or LMDB code met while opening to an SK code. */
static int open_code(int rc)
{
    switch (rc) {
    case MDB_INVALID: return SK_ENOTCASE;
    case MDB_VERSION_MISMATCH: return SK_EVERSION;
    case ENOENT: return SK_ENOTFOUND;
    case EACCES: case EPERM: return SK_EACCESS;
    case ENOSPC: case EFBIG: return SK_EDISKFULL;
    case ENOMEM: return SK_ENOMEM;
    case EAGAIN: return SK_EBUSY;
    default: return SK_EIO;
    }
}

/* Opens the named databases and checks or writes the format record. */
static int open_dbs(sk_store *s, bool create, char *errbuf, size_t errlen)
{
    MDB_txn *txn;
    bool rd = s->rdonly || !create;
    int rc = mdb_txn_begin(s->env, NULL, rd ? MDB_RDONLY : 0, &txn);
    if (rc)
        return errf(errbuf, errlen, open_code(rc), "%s: cannot start a transaction: %s",
                    s->path, mdb_strerror(rc));
    for (int i = 0; i < DB_COUNT; i++) {
        rc = mdb_dbi_open(txn, sk__db_names[i], db_flags(i) | (rd ? 0 : MDB_CREATE),
                          &s->dbi[i]);
        if (rc == MDB_NOTFOUND) {
            mdb_txn_abort(txn);
            return errf(errbuf, errlen, SK_ENOTCASE,
                        "%s is not a skein case (an LMDB file without skein's databases)",
                        s->path);
        }
        if (rc == MDB_INCOMPATIBLE) {
            mdb_txn_abort(txn);
            return errf(errbuf, errlen, SK_ENOTCASE,
                        "%s is not a skein case (database '%s' has another layout)",
                        s->path, sk__db_names[i]);
        }
        if (rc) {
            mdb_txn_abort(txn);
            return errf(errbuf, errlen, open_code(rc), "%s: cannot open database '%s': %s",
                        s->path, sk__db_names[i], mdb_strerror(rc));
        }
    }
    sk_txn t = {.s = s, .txn = txn, .write = !rd};
    rc = sk__meta_check(&t, errbuf, errlen);
    if (rc == SK_ENOTFOUND && !rd)
        rc = sk__meta_init(&t);
    else if (rc == SK_ENOTFOUND)
        rc = errf(errbuf, errlen, SK_ENOTCASE, "%s is not a skein case (no format record)",
                  s->path);
    if (rc) {
        if (rc != SK_ENOTCASE && rc != SK_EVERSION && errbuf && !*errbuf)
            errf(errbuf, errlen, rc, "%s: %s", s->path, t.errmsg);
        mdb_txn_abort(txn);
        return rc;
    }
    rc = mdb_txn_commit(txn);
    if (rc)
        return errf(errbuf, errlen, open_code(rc), "%s: cannot initialise: %s", s->path,
                    mdb_strerror(rc));
    return SK_OK;
}

/* Loads the case's grading scale: a definition stored in the case
 * ("scale_def", see docs/gradings.md) or a built-in one by name. */
static int load_scale(sk_store *s, char *errbuf, size_t errlen)
{
    sk_txn *t;
    int rc = sk_txn_begin(s, false, &t);
    if (rc)
        return errf(errbuf, errlen, rc, "%s", s->errmsg);
    const char *def;
    size_t deflen;
    if (sk_meta_get(t, "scale_def", &def, &deflen) == SK_OK) {
        char perr[256];
        rc = sk_scale_parse(def, deflen, &s->scale, perr, sizeof perr);
        sk_txn_abort(t);
        if (rc)
            return errf(errbuf, errlen, SK_ECORRUPT, "%s: the case's grading scale: %s",
                        s->path, perr);
        return SK_OK;
    }
    const char *name = "5x5x5";
    size_t len = 5;
    char buf[64];
    if (sk_meta_get(t, "scale", &name, &len) != SK_OK) {
        name = "5x5x5";
        len = 5;
    }
    snprintf(buf, sizeof buf, "%.*s", (int)len, name);
    sk_txn_abort(t);
    s->scale = sk_scale_builtin(buf);
    if (!s->scale)
        return errf(errbuf, errlen, SK_ECORRUPT, "%s: unknown grading scale '%s'", s->path,
                    buf);
    return SK_OK;
}

static int env_open(sk_store *s, size_t map)
{
    int rc = mdb_env_create(&s->env);
    if (!rc)
        rc = mdb_env_set_maxdbs(s->env, DB_COUNT + 2);
    if (!rc)
        rc = mdb_env_set_maxreaders(s->env, 254);
    if (!rc)
        rc = mdb_env_set_mapsize(s->env, map);
    unsigned envflags = MDB_NOSUBDIR | MDB_NOTLS | (s->rdonly ? MDB_RDONLY : 0);
    if (!rc)
        rc = mdb_env_open(s->env, s->path, envflags, 0664);
    return rc;
}

int sk__store_reopen(sk_store *s)
{
    /* The file was replaced: nothing read from the old one is kept. */
    sk__label_snaps_drop(s);
    struct stat st;
    size_t map = DEFAULT_MAP_SIZE;
    if (stat(s->path, &st) == 0 && (size_t)st.st_size * 2 > map)
        map = (size_t)st.st_size * 2;
    int rc = env_open(s, map);
    char err[512] = "";
    if (rc) {
        snprintf(s->errmsg, sizeof s->errmsg, "cannot reopen case %s: %s", s->path,
                 mdb_strerror(rc));
        return open_code(rc);
    }
    rc = open_dbs(s, false, err, sizeof err);
    if (rc)
        snprintf(s->errmsg, sizeof s->errmsg, "%s", err);
    return rc;
}

int sk_store_open(const char *path, const sk_open_opts *opts, sk_store **out,
                  char *errbuf, size_t errlen)
{
    sk_open_opts o = opts ? *opts : (sk_open_opts){0};
    if (errbuf && errlen)
        errbuf[0] = '\0';
    *out = NULL;

    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (!exists && !(o.flags & SK_OPEN_CREATE))
        return errf(errbuf, errlen, SK_ENOTFOUND, "no case at %s", path);
    if (exists && !S_ISREG(st.st_mode))
        return errf(errbuf, errlen, SK_ENOTCASE, "%s is not a skein case (not a file)", path);
    if (exists && st.st_size == 0)
        return errf(errbuf, errlen, SK_ENOTCASE, "%s is not a skein case (empty file)", path);

    sk_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return errf(errbuf, errlen, SK_ENOMEM, "out of memory opening %s", path);
    }
    s->lock_fd = -1;
    s->flags = o.flags;
    s->write_wait_ms = o.write_wait_ms == 0  ? DEFAULT_WRITE_WAIT_MS
                       : o.write_wait_ms < 0 ? 0
                                             : o.write_wait_ms;
    s->rdonly = (o.flags & SK_OPEN_RDONLY) || (exists && access(path, W_OK) != 0);

    size_t map = o.map_size ? o.map_size : DEFAULT_MAP_SIZE;
    if (exists && (size_t)st.st_size >= map)
        map = (size_t)st.st_size * 2;
    char lockpath[4096];
    snprintf(lockpath, sizeof lockpath, "%s-lock", path);
    bool had_lock = access(lockpath, F_OK) == 0;
    int rc, mrc = env_open(s, map);
    if (mrc) {
        rc = open_code(mrc);
        if (rc == SK_ENOTCASE)
            errf(errbuf, errlen, rc, "%s is not a skein case (not an LMDB file)", path);
        else
            errf(errbuf, errlen, rc, "cannot open case %s: %s", path, mdb_strerror(mrc));
    } else {
        rc = open_dbs(s, !exists, errbuf, errlen);
        if (!rc)
            rc = load_scale(s, errbuf, errlen);
    }
    if (rc) {
        sk_store_close(s);
        /* Refusing a file leaves nothing behind: not LMDB's lock file, nor
         * a case file this call created. */
        if (!had_lock && rc != SK_EBUSY)
            unlink(lockpath);
        if (!exists)
            unlink(path);
        return rc;
    }
    *out = s;
    return SK_OK;
}

void sk_store_close(sk_store *s)
{
    if (!s)
        return;
    /* Last chance for queued consultations; callers that must know
     * whether they were written call sk_audit_flush first. */
    if (s->env && sk_audit_queued(s))
        sk_audit_flush(s);
    sk__audit_queue_free(s);
    sk__label_snaps_drop(s);
    if (s->env)
        mdb_env_close(s->env);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    sk_scale_free(s->scale);
    free(s->path);
    free(s);
}

const char *sk_store_path(const sk_store *s) { return s->path; }
const char *sk_store_errmsg(const sk_store *s) { return s->errmsg; }
const sk_scale *sk_store_scale(sk_store *s) { return s->scale; }

uint64_t sk_store_file_size(const sk_store *s)
{
    struct stat st;
    return stat(s->path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* The largest map sk_store_reserve asks for: address space, but a bound
 * keeps a wild estimate from failing the mmap. */
#define RESERVE_MAX ((size_t)1 << 40)

/* Sets the map to MAP bytes. Only legal with no transaction open in this
 * process. */
static int set_map(sk_store *s, size_t map)
{
    int rc = mdb_env_set_mapsize(s->env, map);
    if (rc) {
        snprintf(s->errmsg, sizeof s->errmsg, "%s: cannot grow the map to %zu bytes: %s",
                 s->path, map, mdb_strerror(rc));
        return SK_EMAPFULL;
    }
    return SK_OK;
}

static size_t map_size(sk_store *s)
{
    MDB_envinfo info;
    mdb_env_info(s->env, &info);
    return info.me_mapsize;
}

int sk_store_reserve(sk_store *s, uint64_t bytes)
{
    if (s->rdonly)
        return SK_OK;
    if (s->txns_open) {
        snprintf(s->errmsg, sizeof s->errmsg,
                 "%s: the map cannot change while a transaction is open", s->path);
        return SK_EBUSY;
    }
    uint64_t want = sk_store_file_size(s) + bytes;
    size_t now = map_size(s), map = now;
    while (map < want && map < RESERVE_MAX)
        map *= 2;
    return map == now ? SK_OK : set_map(s, map);
}

int sk_store_write(sk_store *s, sk_write_fn fn, void *ctx)
{
    for (int attempt = 0; attempt < 40; attempt++) {
        sk_txn *t;
        int rc = sk_txn_begin(s, true, &t);
        if (rc)
            return rc;
        /* Queued consultations go first, so that the log keeps the order
         * in which things happened. */
        size_t drained = 0;
        rc = sk__audit_drain(t, &drained);
        if (rc == SK_OK)
            rc = fn(t, ctx);
        if (rc == SK_OK) {
            rc = sk_txn_commit(t);
            if (rc == SK_OK)
                sk__audit_forget(s, drained);
            if (rc != SK_EMAPFULL)
                return rc;
        } else {
            if (rc != SK_EMAPFULL)
                snprintf(s->errmsg, sizeof s->errmsg, "%s", t->errmsg);
            sk_txn_abort(t);
            if (rc != SK_EMAPFULL)
                return rc;
        }
        rc = set_map(s, map_size(s) * 2);
        if (rc)
            return rc;
    }
    snprintf(s->errmsg, sizeof s->errmsg, "%s: the map could not be grown enough", s->path);
    return SK_EMAPFULL;
}
