/*
 * pipeline.c — one file's records on their way from the reader to the
 * writer, in batches: reading, decoding, the row rules and the mapping
 * (everything that does not need the write transaction) run on a producer
 * thread while the caller's thread resolves and writes the batch before.
 * Without a thread (cfg.threaded false, or none could be started) the
 * same batches are filled on the caller's thread when it needs the next
 * one, so both ways run the same code and give the same items.
 *
 * Ownership: the pipe has SK_IMPORT_BATCHES batches and each is, at any
 * moment, in exactly one place: the free queue, being filled (the
 * producer's), the full queue, or being read (the consumer's). Batches
 * change place only under LOCK, so no two threads touch one batch; a
 * batch's arena is reset by the producer when it takes the batch, so its
 * memory is allocated and freed on one thread. Until imp_pipe_stop
 * returns, the reader and the mapper's per-record state (rec, cur, piece,
 * row, md) are the producer's; the consumer reads only the mapper's
 * per-file constants (imp_map_resolve).
 *
 * Order and stopping: items come out in the order the records were read,
 * and END is the last. The producer stops after END, or when the consumer
 * stops the pipe: it looks at CANCEL before each batch and each record,
 * and a producer waiting for a free batch is woken, so imp_pipe_stop
 * returns promptly whatever state the producer is in. Memory is bounded
 * by the batches (SK_IMPORT_BATCH_ROWS records, closed early past
 * SK_IMPORT_BATCH_BYTES), not by the file.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

typedef struct batch {
    sk_arena *arena;           /* the pieces, errors and fields of its items */
    imp_item *items;
    size_t n, cap;             /* items held, and room for */
    size_t records;            /* RECORD items among them */
    struct batch *next;        /* in a queue */
} batch;

struct imp_pipe {
    imp_pipe_cfg cfg;          /* batch_rows set */
    batch batches[SK_IMPORT_BATCHES];
    pthread_mutex_t lock;
    pthread_cond_t more;       /* signalled: a batch is full, or the producer finished */
    pthread_cond_t room;       /* signalled: a batch is free, or the consumer stops */
    /* Under LOCK: */
    batch *free_q;             /* batches the producer may fill */
    batch *full_head, *full_tail; /* filled batches, oldest first */
    bool finished;             /* the producer will queue nothing more */
    atomic_bool cancel;        /* the consumer stops the pipe (also read without LOCK) */
    /* The producer's: */
    bool done;                 /* END has been produced */
    /* The consumer's: */
    bool threaded;             /* THREAD runs the producer */
    pthread_t thread;
    batch *cur;                /* the batch being read */
    size_t pos;                /* its next item */
};

/* ---- Filling a batch (the producer's side) ------------------------------ */

/* A new item at the end of B, zeroed; NULL on ENOMEM. A batch always
 * keeps room for one more item, so that END can be added when memory
 * runs out. */
static imp_item *push(batch *b, imp_item_kind kind)
{
    if (b->n + 1 == b->cap) {
        size_t cap = b->cap * 2;
        imp_item *it = realloc(b->items, cap * sizeof *it);
        if (!it)
            return NULL;
        b->items = it;
        b->cap = cap;
    }
    imp_item *it = &b->items[b->n++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    return it;
}

/* Sets IT's error to a copy of E (only RC when E cannot be copied: the
 * consumer then says "out of memory"). */
static void set_err(batch *b, imp_item *it, int rc, const imp_err *e)
{
    it->rc = rc;
    it->err = sk_arena_alloc(b->arena, sizeof *it->err);
    if (it->err)
        *it->err = *e;
}

/* Copies REC's fields, with their text, into B's arena. */
static bool keep_fields(batch *b, imp_item *it, const imp_record *rec)
{
    imp_field *f = sk_arena_alloc(b->arena, (rec->n ? rec->n : 1) * sizeof *f);
    if (!f)
        return false;
    for (size_t i = 0; i < rec->n; i++) {
        f[i] = rec->f[i];
        if (!(f[i].p = sk_arena_strndup(b->arena, rec->f[i].p, rec->f[i].n)))
            return false;
    }
    it->f = f;
    it->nf = rec->n;
    return true;
}

/* Rows longer than the header must only have empty extra fields; shorter
 * rows are padded unless the spec says `ragged error`. */
static bool ragged(const imp_mapper *m, const imp_reader *rd, const imp_record *rec,
                   imp_err *e)
{
    if (!rd->nnames || m->spec->format != IMP_FMT_CSV)
        return false;
    if (rec->n > rd->nnames) {
        for (size_t i = rd->nnames; i < rec->n; i++)
            if (rec->f[i].n) {
                imp_err_set(e, rec->f[i].line, rec->f[i].col, SK_EPARSE,
                            "row has %zu fields but the header has %zu", rec->n, rd->nnames);
                return true;
            }
    } else if (rec->n < rd->nnames && m->spec->ragged_error) {
        imp_err_set(e, rec->line, 1, SK_EPARSE, "row has %zu fields but the header has %zu "
                    "(the spec says `ragged error`)", rec->n, rd->nnames);
        return true;
    }
    return false;
}

/* Out of memory while reading the record whose items start at FIRST: they
 * are dropped, and the file ends there with that error (in the slot push
 * keeps free). */
static void nomem(imp_pipe *p, batch *b, size_t first)
{
    b->n = first;
    imp_item *it = &b->items[b->n++];
    memset(it, 0, sizeof *it);
    it->kind = IMP_ITEM_END;
    it->rc = SK_ENOMEM;
    p->done = true;
}

/* Reads one record into B: a RECORD item, then a PIECE item per value of
 * its split key (up to the first bad one) — or END. */
static void produce_record(imp_pipe *p, batch *b)
{
    imp_reader *rd = p->cfg.rd;
    imp_mapper *m = p->cfg.m;
    size_t first = b->n;
    imp_record rec;
    imp_err e;
    IMP_ERR_EMPTY(&e);
    int rc = imp_reader_next(rd, &rec, &e);
    imp_item *it = push(b, rc == SK_OK ? IMP_ITEM_RECORD : IMP_ITEM_END);
    if (!it) {
        nomem(p, b, first);
        return;
    }
    if (rc != SK_OK) {
        if (rc == SK_DONE)
            it->rc = SK_DONE;
        else
            set_err(b, it, rc, &e);
        p->done = true;
        return;
    }
    b->records++;
    it->line = rec.line;
    it->bytes = imp_reader_bytes(rd);
    if (p->cfg.keep_fields && !keep_fields(b, it, &rec)) {
        nomem(p, b, first);
        return;
    }
    bool keep = true;
    m->piece = 0;
    if (ragged(m, rd, &rec, &e) || imp_map_rows_rule(m, &rec, &keep, &e) != SK_OK) {
        set_err(b, it, SK_EPARSE, &e);
        return;
    }
    if (!keep) {
        it->skip = true;
        return;
    }
    /* A split key ("N1;N2;N3") maps the row once per value; the first
     * piece tells how many there are. */
    m->npieces = 1;
    for (size_t piece = 0; piece < m->npieces; piece++) {
        m->piece = piece;
        imp_item *pi = push(b, IMP_ITEM_PIECE);
        if (!pi) {
            nomem(p, b, first);
            return;
        }
        if (imp_map_record(m, &rec, &pi->piece, &e) != SK_OK) {
            set_err(b, pi, SK_EPARSE, &e);
            break;
        }
    }
}

/* Fills B with records until it holds batch_rows of them, passes
 * SK_IMPORT_BATCH_BYTES, or the file ends. */
static void fill(imp_pipe *p, batch *b)
{
    sk_arena_reset(b->arena);
    b->n = b->records = 0;
    p->cfg.m->row = b->arena;
    while (!p->done && b->records < p->cfg.batch_rows &&
           sk_arena_used(b->arena) < SK_IMPORT_BATCH_BYTES &&
           !atomic_load_explicit(&p->cancel, memory_order_relaxed))
        produce_record(p, b);
}

/* ---- The producer thread ------------------------------------------------- */

static void *producer(void *arg)
{
    imp_pipe *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->done && !atomic_load(&p->cancel)) {
        while (!p->free_q && !atomic_load(&p->cancel))
            pthread_cond_wait(&p->room, &p->lock);
        if (atomic_load(&p->cancel))
            break;
        batch *b = p->free_q;
        p->free_q = b->next;
        pthread_mutex_unlock(&p->lock);
        fill(p, b);
        pthread_mutex_lock(&p->lock);
        b->next = NULL;
        if (p->full_tail)
            p->full_tail->next = b;
        else
            p->full_head = b;
        p->full_tail = b;
        pthread_cond_signal(&p->more);
    }
    p->finished = true;
    pthread_cond_signal(&p->more);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---- The consumer's side ------------------------------------------------- */

int imp_pipe_start(const imp_pipe_cfg *cfg, imp_pipe **out)
{
    *out = NULL;
    imp_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return SK_ENOMEM;
    p->cfg = *cfg;
    if (!p->cfg.batch_rows)
        p->cfg.batch_rows = SK_IMPORT_BATCH_ROWS;
    atomic_init(&p->cancel, false);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->more, NULL);
    pthread_cond_init(&p->room, NULL);
    /* Without a thread one batch is enough: it is filled when it is read out. */
    size_t nb = cfg->threaded ? SK_IMPORT_BATCHES : 1;
    for (size_t i = 0; i < nb; i++) {
        batch *b = &p->batches[i];
        b->cap = 64;
        b->arena = sk_arena_new();
        b->items = malloc(b->cap * sizeof *b->items);
        if (!b->arena || !b->items) {
            imp_pipe_stop(p);
            return SK_ENOMEM;
        }
        b->next = p->free_q;
        p->free_q = b;
    }
    p->threaded = cfg->threaded && pthread_create(&p->thread, NULL, producer, p) == 0;
    *out = p;
    return SK_OK;
}

/* The next batch to read, or NULL when the producer has finished. */
static batch *next_batch(imp_pipe *p)
{
    if (!p->threaded) {
        if (p->done)
            return NULL;
        fill(p, &p->batches[0]);
        return &p->batches[0];
    }
    pthread_mutex_lock(&p->lock);
    if (p->cur) {
        p->cur->next = p->free_q;
        p->free_q = p->cur;
        pthread_cond_signal(&p->room);
    }
    while (!p->full_head && !p->finished)
        pthread_cond_wait(&p->more, &p->lock);
    batch *b = p->full_head;
    if (b) {
        p->full_head = b->next;
        if (!p->full_head)
            p->full_tail = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    return b;
}

imp_item *imp_pipe_next(imp_pipe *p)
{
    while (!p->cur || p->pos == p->cur->n) {
        if (p->cur && p->pos && p->cur->items[p->pos - 1].kind == IMP_ITEM_END)
            return NULL;
        batch *b = next_batch(p);
        p->cur = b;
        p->pos = 0;
        if (!b)
            return NULL;
    }
    return &p->cur->items[p->pos++];
}

imp_item *imp_pipe_peek(imp_pipe *p, size_t ahead)
{
    if (!p->cur || !p->pos || p->pos - 1 + ahead >= p->cur->n)
        return NULL;
    return &p->cur->items[p->pos - 1 + ahead];
}

void imp_pipe_stop(imp_pipe *p)
{
    if (!p)
        return;
    if (p->threaded) {
        pthread_mutex_lock(&p->lock);
        atomic_store(&p->cancel, true);
        pthread_cond_signal(&p->room);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->thread, NULL);
    }
    /* The mapper's arena again, for whoever maps with it next. */
    p->cfg.m->row = p->cfg.m->own_row;
    for (size_t i = 0; i < SK_IMPORT_BATCHES; i++) {
        sk_arena_free(p->batches[i].arena);
        free(p->batches[i].items);
    }
    pthread_cond_destroy(&p->room);
    pthread_cond_destroy(&p->more);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
