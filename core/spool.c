/*
 * spool.c — deferred index writes: records of the adjacency, time, type,
 * property and key databases kept in memory and written sorted, appended
 * (MDB_APPEND / MDB_APPENDDUP) wherever they sort after what the database
 * already holds. Sorted writes touch each page once; appended ones fill
 * every page.
 *
 * A write transaction always spools adjacency and time records; in bulk
 * mode (sk_txn_bulk) it spools every index record. When the records held
 * in memory pass half the transaction's budget, they are handed to a
 * thread of their own (a spill) which sorts each spool's records and
 * writes them as a sorted run to a temporary file beside the case
 * (unlinked as soon as it is made, so nothing is left behind by a crash),
 * while the transaction fills the spools again. A flush — at
 * commit, or at the first operation that reads or deletes index entries —
 * merges each database's runs with what is still in memory and writes the
 * result in one ordered pass. A flush ends bulk mode.
 *
 * Invariants: records are ordered as LMDB orders them (spool_int.h);
 * identical records are written once, as LMDB keeps one copy of a
 * duplicate; the memory the spools hold and the largest one sort needs
 * (t->spooled + t->spool_scratch, see sort_scratch) stays under half the
 * budget between calls, and so does that of the spill in progress; one
 * spill runs at a time.
 */
#include "spool_int.h"

#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The records of one spool a spill sorts and writes. */
typedef struct spill_part {
    sk_spool *sp;
    uint8_t *data;
    size_t len, cap, n;
} spill_part;

typedef struct sk_spill {
    pthread_t th;
    bool running;    /* started and not yet waited for */
    bool threaded;   /* on its own thread (else it ran when started) */
    spill_part part[DB_COUNT];
    size_t nparts;
    int err;         /* errno of a failed write, ENOMEM, or 0 */
} sk_spill;

/* The databases whose every record has one key length and one data
 * length, spooled as key||data without a header (spool_int.h). */
static const struct {
    uint8_t klen, vlen;
} FIXED[DB_COUNT] = {
    [DB_ADJ] = {ADJ_KEY, ADJ_SIZE},
    [DB_TIME] = {4, TIME_SIZE},
    [DB_TYPE] = {4, IDX_ID},
};

/* The scratch sorting SP needs besides its records: a copy of fixed-size
 * records, or two 16-byte references per record and a copy. The spools
 * are sorted one at a time, each scratch freed before the next sort, so
 * the memory of a transaction's spools is what their records hold plus
 * the largest one scratch (t->spooled + t->spool_scratch). (The room the
 * records' buffer may grow into is address space, not memory: pages are
 * only used once written.) */
static size_t sort_scratch(const sk_spool *sp)
{
    size_t refs = 2 * sp->n * (sizeof(uint64_t) + sizeof(void *));
    return sp->fsize ? sp->len : sp->len + refs;
}

/* ---- runs in a temporary file ---- */

int sk__spool_io_fail(sk_txn *t, int err, const char *what)
{
    if (err == ENOSPC || err == EFBIG || err == EDQUOT)
        return sk_txn_fail(t, SK_EDISKFULL,
                           "%s: no space left for the sorted runs of the index writes (%s); "
                           "nothing was written to the case",
                           t->s->path, what);
    return sk_txn_fail(t, SK_EIO, "%s: sorted runs of the index writes: %s: %s", t->s->path,
                       what, strerror(err));
}

/* A temporary file beside the case (the same disk), unlinked at once. */
static int open_runs(sk_txn *t, sk_spool *sp)
{
    char dir[4096], tmpl[4200];
    snprintf(dir, sizeof dir, "%s", t->s->path);
    snprintf(tmpl, sizeof tmpl, "%s/.skein-bulk-XXXXXX", dirname(dir));
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return sk__spool_io_fail(t, errno, "cannot make a temporary file");
    unlink(tmpl);
    sp->fd = fd;
    sp->fend = 0;
    return SK_OK;
}

/* 0, or the errno of a failed write. */
static int write_fd(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : ENOSPC;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* ---- spilling, on a thread of its own ---- */

/* Sorts the records of P and appends them to its spool's file as a run
 * (room for which was made when the spill started). 0 or an errno. */
static int spill_part_write(spill_part *p)
{
    sk_spool *sp = p->sp;
    if (sk__spool_sort(&p->data, &p->cap, p->len, p->n, sp->fsize))
        return ENOMEM;
    int err = write_fd(sp->fd, p->data, p->len);
    if (err)
        return err;
    sp->runs[sp->nruns++] = (struct run){sp->fend, p->len};
    sp->fend += (off_t)p->len;
    return 0;
}

static void *spill_run(void *arg)
{
    sk_spill *j = arg;
    for (size_t i = 0; i < j->nparts && !j->err; i++)
        j->err = spill_part_write(&j->part[i]);
    return NULL;
}

/* Waits for the spill in progress, gives its buffers back to their spools
 * for the next one, and fails T with the spill's error. */
static int spill_wait(sk_txn *t)
{
    sk_spill *j = t->spill;
    if (!j || !j->running)
        return SK_OK;
    if (j->threaded)
        pthread_join(j->th, NULL);
    j->running = false;
    for (size_t i = 0; i < j->nparts; i++) {
        spill_part *p = &j->part[i];
        if (!p->sp->spare) {
            p->sp->spare = p->data;
            p->sp->spare_cap = p->cap;
        } else {
            free(p->data);
        }
    }
    j->nparts = 0;
    if (!j->err)
        return SK_OK;
    int err = j->err;
    j->err = 0;
    return err == ENOMEM ? sk_txn_fail(t, SK_ENOMEM, "out of memory")
                         : sk__spool_io_fail(t, err, "writing a sorted run");
}

/* Readies SP's file and list of runs for one more run. */
static int spill_room(sk_txn *t, sk_spool *sp)
{
    int rc = sp->fd < 0 ? open_runs(t, sp) : SK_OK;
    if (rc || sp->nruns < sp->caprun)
        return rc;
    size_t cap = sp->caprun ? sp->caprun * 2 : 8;
    struct run *r = realloc(sp->runs, cap * sizeof *r);
    if (!r)
        return sk_txn_fail(t, SK_ENOMEM, "out of memory");
    sp->runs = r;
    sp->caprun = cap;
    return SK_OK;
}

/* Hands every spool's records to a spill (once the last one has ended)
 * and starts the spools again on their spare buffers. Without a thread
 * the spill runs here. */
static int spill_all(sk_txn *t)
{
    int rc = spill_wait(t);
    if (!rc && !t->spill && !(t->spill = calloc(1, sizeof *t->spill)))
        rc = sk_txn_fail(t, SK_ENOMEM, "out of memory");
    for (int i = 0; !rc && i < DB_COUNT; i++) {
        sk_spool *sp = t->spool[i];
        if (!sp || !sp->n || (rc = spill_room(t, sp)) != SK_OK)
            continue;
        t->spill->part[t->spill->nparts++] =
            (spill_part){.sp = sp, .data = sp->data, .len = sp->len, .cap = sp->cap, .n = sp->n};
        sp->data = sp->spare;
        sp->cap = sp->spare_cap;
        sp->spare = NULL;
        sp->spare_cap = sp->len = sp->n = 0;
    }
    if (rc)
        return rc; /* the parts taken are freed with the transaction */
    t->spooled = t->spool_scratch = 0;
    sk_spill *j = t->spill;
    j->running = true;
    j->threaded = pthread_create(&j->th, NULL, spill_run, j) == 0;
    if (!j->threaded)
        spill_run(j);
    return SK_OK;
}

/* ---- the spools of a transaction ---- */

static void spool_free(sk_spool *sp)
{
    if (!sp)
        return;
    if (sp->fd >= 0)
        close(sp->fd);
    free(sp->data);
    free(sp->spare);
    free(sp->runs);
    free(sp);
}

void sk__spool_discard(sk_txn *t)
{
    /* A spill in progress uses the spools: it ends first. Its error, if
     * any, no longer matters (the transaction has failed or ended). */
    if (t->spill) {
        if (t->spill->running && t->spill->threaded)
            pthread_join(t->spill->th, NULL);
        for (size_t i = 0; i < t->spill->nparts; i++)
            free(t->spill->part[i].data);
        free(t->spill);
        t->spill = NULL;
    }
    for (int i = 0; i < DB_COUNT; i++) {
        spool_free(t->spool[i]);
        t->spool[i] = NULL;
    }
    t->spooled = t->spool_scratch = 0;
    t->bulk = false;
    sk__idtab_free(&t->keys);
    sk__idtab_free(&t->links);
    t->links_from = 0;
    t->links_on = false;
}

int sk__spool_add(sk_txn *t, enum sk_db db, const void *k, size_t kl, const void *v,
                  size_t vl)
{
    sk_spool *sp = t->spool[db];
    if (!sp) {
        sp = calloc(1, sizeof *sp);
        if (!sp)
            return sk_txn_fail(t, SK_ENOMEM, "out of memory");
        sp->db = db;
        sp->fklen = FIXED[db].klen;
        sp->fsize = FIXED[db].klen + FIXED[db].vlen;
        sp->fd = -1;
        t->spool[db] = sp;
    }
    if (sp->fsize && (kl != sp->fklen || kl + vl != sp->fsize))
        return sk_txn_fail(t, SK_ECORRUPT, "an index record of %zu + %zu bytes where %zu + %zu "
                           "belong", kl, vl, sp->fklen, sp->fsize - sp->fklen);
    size_t sz = (sp->fsize ? 0 : REC_HDR) + kl + vl;
    if (sp->len + sz > sp->cap) {
        size_t cap = sp->cap ? sp->cap * 2 : 65536;
        while (cap < sp->len + sz)
            cap *= 2;
        uint8_t *p = realloc(sp->data, cap);
        if (!p)
            return sk_txn_fail(t, SK_ENOMEM, "out of memory");
        sp->data = p;
        sp->cap = cap;
    }
    uint8_t *r = sp->data + sp->len;
    if (!sp->fsize) {
        uint16_t k16 = (uint16_t)kl, v16 = (uint16_t)vl;
        memcpy(r, &k16, 2);
        memcpy(r + 2, &v16, 2);
        r += REC_HDR;
    }
    memcpy(r, k, kl);
    memcpy(r + kl, v, vl);
    sp->len += sz;
    sp->n++;
    t->spooled += sz;
    size_t scratch = sort_scratch(sp);
    if (scratch > t->spool_scratch)
        t->spool_scratch = scratch;
    if (t->spooled + t->spool_scratch <= (t->budget ? t->budget : SK_SPOOL_BUDGET) / 2)
        return SK_OK;
    return spill_all(t);
}

int sk__spool_flush(sk_txn *t)
{
    if (t->poisoned)
        return SK_EPOISONED;
    int rc = spill_wait(t);
    for (int i = 0; !rc && i < DB_COUNT; i++) {
        sk_spool *sp = t->spool[i];
        if (sp && (sp->n || sp->nruns))
            rc = sk__spool_write(t, sp);
    }
    size_t budget = t->budget;
    sk__spool_discard(t);
    t->budget = budget;
    return rc;
}

size_t sk__spool_runs(sk_txn *t)
{
    if (spill_wait(t))
        return 0;
    size_t n = 0;
    for (int i = 0; i < DB_COUNT; i++)
        n += t->spool[i] ? t->spool[i]->nruns : 0;
    return n;
}

int sk__spool_settle(sk_txn *t, enum sk_db db)
{
    int rc = spill_wait(t);
    if (rc)
        return rc;
    if (!t->bulk) {
        bool any = false;
        for (int i = 0; i < DB_COUNT && !any; i++) {
            const sk_spool *sp = t->spool[i];
            any = sp && (db == DB_COUNT || (int)db == i) && (sp->n || sp->nruns);
        }
        if (!any)
            return SK_OK;
    }
    return sk__spool_flush(t);
}

int sk_txn_bulk(sk_txn *t)
{
    int rc = sk__check_write(t);
    if (rc)
        return rc;
    if (t->bulk)
        return SK_OK;
    MDB_stat ent, link;
    uint64_t nlinks = 0;
    rc = sk__linkrec_settle(t);
    if (!rc)
        rc = sk__link_total(t, &nlinks);
    if (rc)
        return rc;
    rc = mdb_stat(t->txn, t->s->dbi[DB_ENT], &ent);
    if (!rc)
        rc = mdb_stat(t->txn, t->s->dbi[DB_LINK], &link);
    if (rc)
        return sk__mdb_fail(t, rc, "bulk");
    if (ent.ms_entries || link.ms_entries || nlinks)
        return sk_txn_fail(t, SK_EINVAL,
                           "%s: a bulk load needs an empty case (this one holds %llu entities "
                           "and %llu links)",
                           t->s->path, (unsigned long long)ent.ms_entries,
                           (unsigned long long)nlinks);
    t->bulk = true;
    return SK_OK;
}
