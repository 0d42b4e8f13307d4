/*
 * purge.c — erasure: deleting an entity so that nothing of it is left in
 * the case file, and compacting the file so that freed pages holding old
 * copies of it are gone too.
 *
 * Deleting in LMDB frees pages but leaves their bytes in the file until
 * they are reused; a purge therefore ends with a compacting copy that
 * replaces the case file (sk_store_compact). The audit log keeps the
 * fact of the erasure (who, when, why, which id) but never the content:
 * texts of earlier entries that quote the purged entity are erased too
 * (sk_audit_erase_text), and merge records that hold it are dropped.
 */
#include "store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Drops merge records that hold ID (as the entity merged or merged into).
 * Keys are collected first: deleting under a walking cursor is not safe. */
static int drop_merges(sk_txn *t, sk_id id)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_MERGE], &c);
    if (rc)
        return sk__mdb_fail(t, rc, "merge");
    uint8_t (*keys)[16] = NULL;
    size_t n = 0, cap = 0;
    MDB_val k, v;
    int mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    for (; mrc == 0; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        bool hit = (k.mv_size == 16 && be_get(k.mv_data, 8) == id) ||
                   (v.mv_size >= 8 && be_get(v.mv_data, 8) == id);
        if (!hit || k.mv_size != 16)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            void *p = realloc(keys, cap * sizeof *keys);
            if (!p) {
                rc = SK_ENOMEM;
                break;
            }
            keys = p;
        }
        memcpy(keys[n++], k.mv_data, 16);
    }
    mdb_cursor_close(c);
    if (rc) {
        free(keys);
        return sk_txn_fail(t, rc, "out of memory");
    }
    if (mrc && mrc != MDB_NOTFOUND) {
        free(keys);
        return sk__mdb_fail(t, mrc, "merge");
    }
    for (size_t i = 0; !rc && i < n; i++)
        rc = sk__del(t, DB_MERGE, keys[i], 16, NULL, 0);
    free(keys);
    return rc;
}

int sk_entity_purge(sk_txn *t, sk_id id, uint64_t *erased_entries)
{
    int rc = sk__check_write(t);
    if (!rc)
        rc = sk__spool_settle(t, DB_COUNT);
    if (rc)
        return rc;
    sk_arena *a = sk_arena_new();
    if (!a)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    sk_entity e;
    rc = sk_entity_get(t, id, a, &e);
    char *label = NULL, *key = NULL;
    if (!rc) {
        /* Copies: the record's page changes when it is deleted. */
        label = sk_arena_strndup(a, e.label, e.label_len);
        key = sk_arena_strndup(a, e.key, e.key_len);
        if (!label || !key)
            rc = sk_txn_fail(t, SK_ENOMEM, "out of memory");
    }
    if (!rc)
        rc = sk_entity_delete(t, id);
    if (!rc)
        rc = drop_merges(t, id);
    uint64_t n1 = 0, n2 = 0;
    if (!rc && *label)
        rc = sk_audit_erase_text(t, label, &n1);
    if (!rc && *key && strcmp(key, label) != 0)
        rc = sk_audit_erase_text(t, key, &n2);
    if (!rc && erased_entries)
        *erased_entries = n1 + n2;
    sk_arena_free(a);
    return rc;
}

int sk_store_compact(sk_store *s)
{
    if (s->rdonly) {
        snprintf(s->errmsg, sizeof s->errmsg, "%s is read-only; it cannot be compacted",
                 s->path);
        return SK_EREADONLY;
    }
    /* Hold the write lock: no writer may commit between copy and rename. */
    sk_txn *t;
    int rc = sk_txn_begin(s, true, &t);
    if (rc)
        return rc;
    size_t n = strlen(s->path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        sk_txn_abort(t);
        return SK_ENOMEM;
    }
    snprintf(tmp, n + 16, "%s.compact", s->path);
    unlink(tmp);
    rc = mdb_env_copy2(s->env, tmp, MDB_CP_COMPACT);
    if (rc) {
        snprintf(s->errmsg, sizeof s->errmsg, "%s: cannot write a compacted copy: %s", s->path,
                 mdb_strerror(rc));
        unlink(tmp);
        free(tmp);
        sk_txn_abort(t);
        return rc == ENOSPC ? SK_EDISKFULL : SK_EIO;
    }
    if (rename(tmp, s->path) != 0) {
        snprintf(s->errmsg, sizeof s->errmsg, "%s: cannot replace the case: %s", s->path,
                 strerror(errno));
        unlink(tmp);
        free(tmp);
        sk_txn_abort(t);
        return SK_EIO;
    }
    free(tmp);
    sk_txn_abort(t);
    /* The environment still maps the old file: open the new one. */
    mdb_env_close(s->env);
    s->env = NULL;
    if (s->lock_fd >= 0) {
        close(s->lock_fd);
        s->lock_fd = -1;
    }
    return sk__store_reopen(s);
}
