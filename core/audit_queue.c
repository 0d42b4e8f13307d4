/*
 * audit_queue.c — group commit of consultation entries.
 *
 * A query holds no write lock and changes nothing, so logging it in a
 * write transaction of its own costs a disk sync per query: more than the
 * query itself for most questions an analyst asks. Consultations are
 * therefore queued on the store handle and written together, chained and
 * synced in one transaction (the "queued write" mode of database audit
 * trails), when
 *   - the caller flushes (the shell does after every command it prints),
 *   - this handle's next write transaction runs (they go in first, so the
 *     log keeps the order in which things happened in this process),
 *   - the oldest queued entry is older than SK_AUDIT_QUEUE_MS or the queue
 *     holds SK_AUDIT_QUEUE_MAX entries (checked when one is queued),
 *   - the store is closed.
 * Entries keep the time they were made, not the time they were written.
 * Invariant: an entry leaves the queue only once a transaction holding it
 * has committed; a failed write keeps it queued and reports the failure.
 */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pwd.h>
#include <unistd.h>

struct sk_audit_queue {
    sk_audit_entry *e;
    size_t n, cap;
    sk_arena *texts;            /* copies of the entries' strings */
    int64_t oldest_ms;          /* monotonic time the first entry was queued */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A copy of S in the queue's arena; NULL stays NULL. *OOM is set on failure. */
static const char *keep(sk_arena *a, const char *s, bool *oom)
{
    if (!s)
        return NULL;
    const char *c = sk_arena_strndup(a, s, strlen(s));
    if (!c)
        *oom = true;
    return c;
}

static int push(sk_store *s, const sk_audit_entry *e)
{
    if (!s->aq && !(s->aq = calloc(1, sizeof *s->aq)))
        return SK_ENOMEM;
    struct sk_audit_queue *q = s->aq;
    if (!q->texts && !(q->texts = sk_arena_new()))
        return SK_ENOMEM;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        sk_audit_entry *ne = realloc(q->e, cap * sizeof *ne);
        if (!ne)
            return SK_ENOMEM;
        q->e = ne;
        q->cap = cap;
    }
    sk_audit_entry c = *e;
    bool oom = false;
    c.user = keep(q->texts, e->user, &oom);
    c.action = keep(q->texts, e->action, &oom);
    c.reason = keep(q->texts, e->reason, &oom);
    c.target = keep(q->texts, e->target, &oom);
    c.query = keep(q->texts, e->query, &oom);
    c.detail = keep(q->texts, e->detail, &oom);
    if (oom)
        return SK_ENOMEM;
    if (q->n == 0)
        q->oldest_ms = now_ms();
    q->e[q->n++] = c;
    return SK_OK;
}

int sk_audit_queue(sk_store *s, const sk_audit_entry *e)
{
    /* A log that cannot be written must not be promised. */
    if (s->rdonly) {
        snprintf(s->errmsg, sizeof s->errmsg,
                 "%s is read-only, so this consultation cannot be logged", s->path);
        return SK_EREADONLY;
    }
    if (push(s, e) != SK_OK) {
        snprintf(s->errmsg, sizeof s->errmsg, "out of memory queueing an audit entry");
        return SK_ENOMEM;
    }
    const struct sk_audit_queue *q = s->aq;
    if (q->n >= SK_AUDIT_QUEUE_MAX || now_ms() - q->oldest_ms >= SK_AUDIT_QUEUE_MS)
        return sk_audit_flush(s);
    return SK_OK;
}

size_t sk_audit_queued(const sk_store *s)
{
    return s->aq ? s->aq->n : 0;
}

int sk__audit_drain(sk_txn *t, size_t *drained)
{
    const struct sk_audit_queue *q = t->s->aq;
    *drained = 0;
    if (!q || q->n == 0)
        return SK_OK;
    int rc = sk__audit_append_many(t, q->e, q->n, NULL);
    if (rc == SK_OK)
        *drained = q->n;
    return rc;
}

void sk__audit_forget(sk_store *s, size_t n)
{
    struct sk_audit_queue *q = s->aq;
    if (!q || n == 0)
        return;
    /* Entries queued after the drain (none today: a handle is used by one
     * thread) would stay, in order. */
    memmove(q->e, q->e + n, (q->n - n) * sizeof *q->e);
    q->n -= n;
    if (q->n == 0)
        sk_arena_reset(q->texts);
    else
        q->oldest_ms = now_ms();
}

static int write_nothing(sk_txn *t, void *ctx)
{
    (void)t;
    (void)ctx;
    return SK_OK;
}

int sk_audit_flush(sk_store *s)
{
    if (!s->aq || s->aq->n == 0)
        return SK_OK;
    /* sk_store_write drains the queue into its transaction. */
    return sk_store_write(s, write_nothing, NULL);
}

const char *sk_audit_login(sk_store *s)
{
    /* getpwuid reads the password database: too slow to ask per query. */
    if (!s->login) {
        const struct passwd *pw = getpwuid(getuid());
        s->login = strdup(pw && pw->pw_name ? pw->pw_name : "unknown");
    }
    return s->login ? s->login : "unknown";
}

void sk__audit_queue_free(sk_store *s)
{
    free(s->login);
    s->login = NULL;
    if (!s->aq)
        return;
    free(s->aq->e);
    sk_arena_free(s->aq->texts);
    free(s->aq);
    s->aq = NULL;
}
