/*
 * import.c — an import from start to end: checks, sources, the one write
 * transaction, bad rows, progress and the summary.
 *
 * Before the transaction: the spec, time zone and grading are checked, every
 * file is hashed (a missing file stops here), files whose SHA-256 is already
 * a source are set aside ("already imported"), and every header is bound to
 * the spec, so a wrong column name is reported before any row is read.
 * The transaction (sk_store_write) may run more than once when the map has
 * to grow, so import_fn starts from nothing each time: it reopens the files
 * and the rejects file and rebuilds every cache. A bad row either stops the
 * import — the transaction is poisoned with "file:line:column: reason" and
 * the case stays as it was — or, with a rejects file, is written there with
 * its place and reason and counted. A dry run does all the work and then
 * aborts the transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "import_int.h"

typedef struct imp_file {
    const char *path;
    const sk_import_spec *spec; /* its spec (owned by the caller or imp_ctx) */
    const imp_tz *tz;       /* the zone in force for it (option over spec), may be NULL */
    char grade[32];         /* canonical grading code of its source, "" = none */
    const char *handling;   /* handling code of its source, NULL = none */
    uint8_t sha[32];
    uint64_t size;
    sk_srcid existing;      /* already a source of the case */
    bool dup;               /* given earlier in this same import */
    bool neo_rel;           /* neo4j: a relationship file */
    sk_srcid src;           /* its new source in the current attempt */
} imp_file;

typedef struct imp_ctx {
    sk_store *s;
    const sk_import_spec *spec; /* the first file's (neo4j: every file's) */
    const sk_import_opts *o;
    imp_tz *opt_tz;         /* --timezone, loaded (owned), or NULL */
    sk_import_spec **owned; /* specs loaded here, freed at the end */
    size_t nowned;
    imp_file *files;
    size_t nfiles;
    size_t *order;          /* processing order (neo4j: node files first) */
    const char *user;
    int64_t now;
    struct timespec t0;
    uint64_t all_size;
    sk_import_summary sum;  /* counters of the current attempt */
    FILE *rej;
    uint64_t bytes_before;  /* bytes of the files finished in this attempt */
    char msg[1024];         /* why the import failed */
    bool dry_done;
} imp_ctx;

static double elapsed(const imp_ctx *c)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - c->t0.tv_sec) + (double)(t.tv_nsec - c->t0.tv_nsec) / 1e9;
}

/* Records the failure as "FILE:LINE:COL: reason" and poisons T. */
static int fail_at(imp_ctx *c, sk_txn *t, const char *path, const imp_err *e, int code)
{
    if (e->line)
        snprintf(c->msg, sizeof c->msg, "%s:%llu:%u: %s", path, (unsigned long long)e->line,
                 e->col, e->msg);
    else
        snprintf(c->msg, sizeof c->msg, "%s: %s", path, e->msg);
    if (code == SK_OK || code == SK_DONE)
        code = SK_EPARSE;
    return t ? sk_txn_fail(t, code, "%s", c->msg) : code;
}

/* Writes S as one CSV field. */
static void csv_field(FILE *f, const char *s, size_t n)
{
    bool q = memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) ||
             memchr(s, '\r', n);
    if (!q) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

/* A bad record (its fields F, NF; line LINE): to the rejects file, or the
 * end of the import. */
static int bad_row(imp_ctx *c, sk_txn *t, const imp_file *f, const imp_field *fs, size_t nf,
                   uint64_t line, const imp_err *e)
{
    if (!c->rej)
        return fail_at(c, t, f->path, e, SK_EPARSE);
    csv_field(c->rej, f->path, strlen(f->path));
    fprintf(c->rej, ",%llu,%u,", (unsigned long long)(e->line ? e->line : line),
            e->line ? e->col : 1);
    csv_field(c->rej, e->msg, strlen(e->msg));
    for (size_t i = 0; i < nf; i++) {
        fputc(',', c->rej);
        csv_field(c->rej, fs[i].p, fs[i].n);
    }
    fputc('\n', c->rej);
    if (ferror(c->rej)) {
        snprintf(c->msg, sizeof c->msg, "%s: cannot write: %s", c->o->rejects, strerror(errno));
        return sk_txn_fail(t, SK_EIO, "%s", c->msg);
    }
    c->sum.rows_rejected++;
    return SK_OK;
}

/* Calls the progress callback every SK_IMPORT_PROGRESS_ROWS rows; BYTES
 * of file K have been read. */
static int progress(imp_ctx *c, sk_txn *t, size_t k, uint64_t bytes, bool done)
{
    if (!c->o->progress || (!done && c->sum.rows_read % SK_IMPORT_PROGRESS_ROWS))
        return SK_OK;
    sk_import_progress p = {
        .file = c->files[c->order[k]].path, .file_index = k, .nfiles = c->nfiles,
        .file_bytes = bytes,
        .file_size = c->files[c->order[k]].size,
        .all_bytes = c->bytes_before + bytes,
        .all_size = c->all_size, .rows = c->sum.rows_read, .seconds = elapsed(c),
        .done = done,
    };
    if (c->o->progress(&p, c->o->progress_ctx) != 0) {
        snprintf(c->msg, sizeof c->msg, "import cancelled; the case is unchanged");
        return sk_txn_fail(t, SK_ECANCELLED, "%s", c->msg);
    }
    return SK_OK;
}

/* The error of a bad item (E itself when the pipe had no memory to copy
 * it into). */
static const imp_err *item_err(const imp_item *it, imp_err *e)
{
    if (it->err)
        return it->err;
    imp_err_set(e, 0, 0, it->rc, "out of memory reading the file");
    return e;
}

/* One item of file K's pipe; REC is the last RECORD item (the one a piece
 * belongs to). */
static int consume(imp_ctx *c, sk_txn *t, imp_writer *w, const imp_mapper *m, size_t k,
                   imp_item *it, const imp_item **rec)
{
    const imp_file *f = &c->files[c->order[k]];
    imp_err e;
    IMP_ERR_EMPTY(&e);
    int rc;
    switch (it->kind) {
    case IMP_ITEM_RECORD:
        c->sum.rows_read++;
        if ((rc = progress(c, t, k, it->bytes, false)))
            return rc;
        *rec = it;
        if (it->rc)
            return bad_row(c, t, f, it->f, it->nf, it->line, item_err(it, &e));
        if (it->skip)
            c->sum.rows_skipped++;
        return SK_OK;
    case IMP_ITEM_PIECE:
        /* Resolving may find a bad key before the mapping's own error. */
        if (imp_map_resolve(m, w, &it->piece, &e) != SK_OK)
            return bad_row(c, t, f, (*rec)->f, (*rec)->nf, (*rec)->line, &e);
        if (it->rc)
            return bad_row(c, t, f, (*rec)->f, (*rec)->nf, (*rec)->line, item_err(it, &e));
        if ((rc = imp_map_write(w, &it->piece)))
            snprintf(c->msg, sizeof c->msg, "%s:%llu: %s", f->path,
                     (unsigned long long)(*rec)->line, sk_txn_errmsg(t));
        return rc;
    case IMP_ITEM_END:
        return it->rc == SK_DONE ? SK_OK : fail_at(c, t, f->path, item_err(it, &e), it->rc);
    }
    return SK_OK;
}

/* Items (about two a row) between a piece's prefetch and its resolving:
 * enough for the memory to answer, few enough to stay in the cache. */
#define PREFETCH_AHEAD 4

/* One file through the spec's entity and link rules: read and mapped by
 * the pipe (on its own thread unless the options say otherwise), resolved
 * and written here. */
static int run_file(imp_ctx *c, sk_txn *t, imp_writer *w, imp_mapper *m, size_t k)
{
    imp_file *f = &c->files[c->order[k]];
    imp_reader rd;
    imp_err e = {0};
    int rc = imp_reader_open(&rd, f->spec, f->path, c->o->encoding, &e);
    if (rc) {
        imp_reader_close(&rd);
        return fail_at(c, t, f->path, &e, rc);
    }
    imp_bind_free(&m->bind);
    bool named = f->spec->format != IMP_FMT_CSV || f->spec->header;
    rc = imp_bind_columns(f->spec, named ? rd.names : NULL, rd.lens, rd.nnames, &m->bind, &e);
    if (rc) {
        imp_reader_close(&rd);
        return fail_at(c, t, f->path, &e, rc);
    }
    m->colnames = named ? rd.names : NULL;
    imp_pipe_cfg cfg = {.rd = &rd, .m = m, .keep_fields = c->rej != NULL,
                        .threaded = !c->o->sequential, .batch_rows = c->o->batch_rows};
    imp_pipe *p;
    if ((rc = imp_pipe_start(&cfg, &p))) {
        imp_reader_close(&rd);
        snprintf(c->msg, sizeof c->msg, "out of memory");
        return sk_txn_fail(t, rc, "%s", c->msg);
    }
    const imp_item *rec = NULL;
    imp_item *it;
    while (!rc && (it = imp_pipe_next(p))) {
        /* A piece a few rows on gets its key-cache slots on the way. */
        imp_item *ahead = imp_pipe_peek(p, PREFETCH_AHEAD);
        if (ahead && ahead->kind == IMP_ITEM_PIECE)
            imp_map_prefetch(w, &ahead->piece);
        rc = consume(c, t, w, m, k, it, &rec);
    }
    imp_pipe_stop(p);
    c->bytes_before += imp_reader_bytes(&rd);
    imp_reader_close(&rd);
    return rc;
}

static int run_neo4j_file(imp_ctx *c, sk_txn *t, imp_writer *w, imp_neo4j *n, size_t k,
                          bool lookup)
{
    imp_file *f = &c->files[c->order[k]];
    imp_reader rd;
    imp_err e = {0};
    int rc = imp_reader_open(&rd, c->spec, f->path, c->o->encoding, &e);
    if (!rc)
        rc = imp_neo4j_file(n, w, &rd, lookup, &e);
    if (rc) {
        imp_reader_close(&rd);
        return fail_at(c, t, f->path, &e, rc);
    }
    imp_record rec;
    while ((rc = imp_reader_next(&rd, &rec, &e)) == SK_OK) {
        if (!lookup) {
            c->sum.rows_read++;
            if ((rc = progress(c, t, k, imp_reader_bytes(&rd), false)))
                break;
        }
        rc = imp_neo4j_map(n, w, &rec, &e);
        if (rc == SK_OK) {
            rc = imp_neo4j_write(n, w, &e);
            if (rc && rc != SK_EPARSE) {
                /* The store failed: the transaction is lost. */
                snprintf(c->msg, sizeof c->msg, "%s:%llu: %s", f->path,
                         (unsigned long long)rec.line, sk_txn_errmsg(t));
                break;
            }
        }
        if (rc) {
            /* A bad row: nothing of it was written. */
            if (lookup) {
                rc = fail_at(c, t, f->path, &e, SK_EPARSE);
                break;
            }
            if ((rc = bad_row(c, t, f, rec.f, rec.n, rec.line, &e)))
                break;
        }
    }
    if (rc == SK_DONE)
        rc = SK_OK;
    else if (rc != SK_OK && !c->msg[0])
        rc = fail_at(c, t, f->path, &e, rc);
    if (!lookup)
        c->bytes_before += imp_reader_bytes(&rd);
    imp_reader_close(&rd);
    return rc;
}

/* neo4j: node files, then relationship files. Node files imported before
 * are read again in lookup mode when a new relationship file needs them. */
static int run_neo4j(imp_ctx *c, sk_txn *t, imp_writer *w)
{
    bool new_rel = false;
    for (size_t i = 0; i < c->nfiles; i++)
        new_rel = new_rel || (c->files[i].neo_rel && !c->files[i].existing && !c->files[i].dup);
    imp_neo4j *n = NULL;
    int rc = imp_neo4j_new(&n, c->spec, c->files[0].tz, w);
    for (size_t k = 0; k < c->nfiles && !rc; k++) {
        imp_file *f = &c->files[c->order[k]];
        bool old = f->existing || f->dup;
        if (old && (f->neo_rel || !new_rel || f->dup))
            continue;
        w->as = (sk_assert){.source = f->src};
        w->file_idx = (uint32_t)c->order[k];
        rc = run_neo4j_file(c, t, w, n, k, old);
    }
    imp_neo4j_free(n);
    return rc;
}

/* Every new file through its spec; a mapper serves the files that share
 * a spec and zone. */
static int run_generic(imp_ctx *c, sk_txn *t, imp_writer *w)
{
    imp_mapper m;
    bool have = false;
    int rc = SK_OK;
    for (size_t k = 0; k < c->nfiles && !rc; k++) {
        imp_file *f = &c->files[c->order[k]];
        if (f->existing || f->dup)
            continue;
        if (!have || m.spec != f->spec || m.tz != f->tz) {
            if (have)
                imp_mapper_free(&m);
            have = true;
            if ((rc = imp_mapper_init(&m, f->spec, f->tz, w)))
                break;
        }
        w->as = (sk_assert){.source = f->src};
        w->file_idx = (uint32_t)c->order[k];
        rc = run_file(c, t, w, &m, k);
    }
    if (have)
        imp_mapper_free(&m);
    return rc;
}

/* Adds a source for each new file. */
static int add_sources(imp_ctx *c, sk_txn *t)
{
    int rc = SK_OK;
    for (size_t i = 0; i < c->nfiles && !rc; i++) {
        imp_file *f = &c->files[i];
        f->src = 0;
        if (f->existing || f->dup)
            continue;
        sk_sym grade = 0, handling = 0;
        if (f->grade[0])
            rc = sk_name_intern(t, SK_DICT_GRADE, f->grade, strlen(f->grade), true, &grade);
        if (!rc && f->handling)
            rc = sk_name_intern(t, SK_DICT_GRADE, f->handling, strlen(f->handling), true,
                                &handling);
        if (rc)
            break;
        sk_source src = {
            .name = f->path, .size = f->size, .time = c->now, .user = c->user,
            .grade = grade, .handling = handling, .note = c->o->note ? c->o->note : "",
        };
        memcpy(src.sha256, f->sha, 32);
        rc = sk_source_add(t, &src);
        f->src = src.id;
        if (rc)
            break;
        if (!c->sum.first_source)
            c->sum.first_source = src.id;
        c->sum.files_imported++;
    }
    if (rc && !c->msg[0])
        snprintf(c->msg, sizeof c->msg, "recording the sources: %s", sk_txn_errmsg(t));
    return rc;
}

/* The collection entry of the audit log, in the import's own transaction:
 * the files, the sources they became and what they brought. */
static int audit(imp_ctx *c, sk_txn *t)
{
    char target[1024] = "", specs[256] = "", detail[512];
    size_t at = 0, sp = 0;
    for (size_t i = 0; i < c->nfiles && at < sizeof target; i++)
        at += (size_t)snprintf(target + at, sizeof target - at, "%s%s", i ? ", " : "",
                               c->files[i].path);
    for (size_t i = 0; i < c->nfiles && sp < sizeof specs; i++) {
        const sk_import_spec *s = c->files[i].spec;
        bool again = false;
        for (size_t j = 0; j < i; j++)
            again = again || c->files[j].spec == s;
        if (!again)
            sp += (size_t)snprintf(specs + sp, sizeof specs - sp, "%s%s", sp ? ", " : "",
                                   s->name ? s->name : "?");
    }
    snprintf(detail, sizeof detail,
             "spec %s; %llu rows; %llu entities created, %llu merged; %llu links created, "
             "%llu confirmed; %llu rejected",
             specs, (unsigned long long)c->sum.rows_read,
             (unsigned long long)c->sum.entities_created,
             (unsigned long long)c->sum.entities_merged,
             (unsigned long long)c->sum.links_created,
             (unsigned long long)c->sum.links_confirmed,
             (unsigned long long)c->sum.rows_rejected);
    sk_audit_entry e = {.time = c->now, .user = c->user,
                        .category = SK_AUDIT_COLLECTION, .action = "import",
                        .reason = c->o->reason, .target = target,
                        .count = c->sum.rows_read, .detail = detail};
    return sk_audit_append(t, &e, NULL);
}

/* Into an empty case the store loads in bulk (sk_txn_bulk): records are
 * written as they come and every index entry is sorted and appended at
 * commit. The transaction is the same one, so the import stays all or
 * nothing. A case that holds entities or links refuses (SK_EINVAL, which
 * leaves the transaction usable) and is written one item at a time. */
static int start_bulk(imp_ctx *c, sk_txn *t)
{
    int rc = sk_txn_bulk(t);
    c->sum.bulk = rc == SK_OK;
    return rc == SK_EINVAL ? SK_OK : rc;
}

/* The whole import in one write transaction; run again from the start when
 * the map grows. */
static int import_fn(sk_txn *t, void *vctx)
{
    imp_ctx *c = vctx;
    size_t files = c->sum.files, already = c->sum.files_already;
    sk_srcid already_src = c->sum.already_source;
    memset(&c->sum, 0, sizeof c->sum);
    c->sum.files = files;
    c->sum.files_already = already;
    c->sum.already_source = already_src;
    c->sum.dry_run = c->o->dry_run;
    c->msg[0] = '\0';
    c->bytes_before = 0;
    if (c->o->rejects) {
        if (c->rej)
            fclose(c->rej);
        c->rej = fopen(c->o->rejects, "w");
        if (!c->rej) {
            snprintf(c->msg, sizeof c->msg, "%s: cannot write the rejects file: %s",
                     c->o->rejects, strerror(errno));
            return sk_txn_fail(t, SK_EIO, "%s", c->msg);
        }
        fputs("file,line,column,reason,fields\n", c->rej);
    }
    imp_writer w;
    int rc = imp_writer_init(&w, t, c->o->cache_bytes);
    if (!rc)
        rc = start_bulk(c, t);
    if (!rc)
        rc = add_sources(c, t);
    if (!rc)
        rc = c->spec->format == IMP_FMT_NEO4J ? run_neo4j(c, t, &w) : run_generic(c, t, &w);
    c->sum.entities_created = w.ent_created;
    c->sum.entities_merged = w.ent_merged;
    c->sum.links_created = w.link_created;
    c->sum.links_confirmed = w.link_confirmed;
    c->sum.entities_unkeyed = w.unkeyed;
    imp_writer_free(&w);
    if (c->rej && fflush(c->rej) != 0 && !rc) {
        snprintf(c->msg, sizeof c->msg, "%s: cannot write: %s", c->o->rejects, strerror(errno));
        rc = sk_txn_fail(t, SK_EIO, "%s", c->msg);
    }
    if (rc)
        return rc;
    if (c->nfiles)
        progress(c, t, c->nfiles - 1, 0, true);
    if (c->o->dry_run) {
        c->dry_done = true;
        return SK_ECANCELLED;
    }
    return audit(c, t);
}

/* ---- Checks before the transaction ------------------------------------- */

/* Hashes the files and sets aside those already in the case. */
static int check_files(imp_ctx *c, char *msg, size_t msglen)
{
    for (size_t i = 0; i < c->nfiles; i++) {
        imp_file *f = &c->files[i];
        char err[300];
        int rc = sk_sha256_file(f->path, f->sha, &f->size, err, sizeof err);
        if (rc) {
            snprintf(msg, msglen, "%s", err);
            return rc;
        }
        if (f->size == 0) {
            snprintf(msg, msglen, "%s: the file is empty", f->path);
            return SK_EPARSE;
        }
        c->all_size += f->size;
        for (size_t j = 0; j < i; j++)
            if (memcmp(c->files[j].sha, f->sha, 32) == 0)
                f->dup = true;
    }
    sk_txn *t;
    int rc = sk_txn_begin(c->s, false, &t);
    if (rc) {
        snprintf(msg, msglen, "%s", sk_store_errmsg(c->s));
        return rc;
    }
    for (size_t i = 0; i < c->nfiles && !rc; i++) {
        rc = sk_source_by_hash(t, c->files[i].sha, &c->files[i].existing);
        if (rc == SK_ENOTFOUND) {
            c->files[i].existing = 0;
            rc = SK_OK;
        }
        if (c->files[i].existing || c->files[i].dup) {
            c->sum.files_already++;
            if (!c->sum.already_source)
                c->sum.already_source = c->files[i].existing;
        }
    }
    if (rc)
        snprintf(msg, msglen, "%s", sk_txn_errmsg(t));
    sk_txn_abort(t);
    return rc;
}

/* Opens every file once to bind its header to the spec (and, for neo4j,
 * to tell node files from relationship files), so that a wrong column is
 * reported before any row is read. */
static int check_headers(imp_ctx *c, char *msg, size_t msglen)
{
    size_t nodes = 0;
    for (size_t i = 0; i < c->nfiles; i++) {
        imp_file *f = &c->files[i];
        if (f->dup)
            continue;
        imp_reader rd;
        imp_err e = {0};
        int rc = imp_reader_open(&rd, f->spec, f->path, c->o->encoding, &e);
        if (!rc && f->spec->format == IMP_FMT_NEO4J) {
            f->neo_rel = imp_neo4j_is_rel(rd.names, rd.lens, rd.nnames);
        } else if (!rc && !f->existing) {
            imp_bind b;
            bool named = f->spec->format != IMP_FMT_CSV || f->spec->header;
            rc = imp_bind_columns(f->spec, named ? rd.names : NULL, rd.lens, rd.nnames, &b,
                                  &e);
            imp_bind_free(&b);
        }
        imp_reader_close(&rd);
        if (rc) {
            if (e.line)
                snprintf(msg, msglen, "%s:%llu:%u: %s", f->path, (unsigned long long)e.line,
                         e.col, e.msg);
            else
                snprintf(msg, msglen, "%s: %s", f->path, e.msg);
            return rc;
        }
        nodes += !f->neo_rel;
    }
    /* Node files first (stable), for neo4j; given order otherwise. */
    size_t a = 0, b = nodes;
    for (size_t i = 0; i < c->nfiles; i++)
        c->order[c->files[i].neo_rel ? b++ : a++] = i;
    (void)b;
    return SK_OK;
}

static void fmt_count(uint64_t v, char *buf, size_t cap)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < cap; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
}

int sk_import_summary_format(const sk_import_summary *s, char *buf, size_t cap)
{
    char r[32], sk[32], rj[32], ec[32], em[32], lc[32], lf[32];
    fmt_count(s->rows_read, r, sizeof r);
    fmt_count(s->rows_skipped, sk, sizeof sk);
    fmt_count(s->rows_rejected, rj, sizeof rj);
    fmt_count(s->entities_created, ec, sizeof ec);
    fmt_count(s->entities_merged, em, sizeof em);
    fmt_count(s->links_created, lc, sizeof lc);
    fmt_count(s->links_confirmed, lf, sizeof lf);
    const char *would = s->dry_run ? " (would be)" : "";
    int n = snprintf(buf, cap,
                     "rows read          %s\n"
                     "rows skipped       %s\n"
                     "rows rejected      %s\n"
                     "entities created   %s%s\n"
                     "entities merged    %s%s\n"
                     "links created      %s%s\n"
                     "links confirmed    %s%s\n"
                     "time               %.2f s",
                     r, sk, rj, ec, would, em, would, lc, would, lf, would, s->seconds);
    return n < 0 ? SK_EINVAL : (size_t)n >= cap ? SK_ELIMIT : SK_OK;
}

/* The one-paragraph message of a finished import. */
static void success_message(const imp_ctx *c, char *msg, size_t msglen)
{
    const sk_import_summary *s = &c->sum;
    char r[32], ec[32], em[32], lc[32], lf[32], rj[32];
    fmt_count(s->rows_read, r, sizeof r);
    fmt_count(s->entities_created, ec, sizeof ec);
    fmt_count(s->entities_merged, em, sizeof em);
    fmt_count(s->links_created, lc, sizeof lc);
    fmt_count(s->links_confirmed, lf, sizeof lf);
    fmt_count(s->rows_rejected, rj, sizeof rj);
    char head[512];
    if (s->dry_run) {
        snprintf(head, sizeof head, "dry run, nothing written: %zu file%s would be imported",
                 s->files_imported, s->files_imported == 1 ? "" : "s");
    } else if (s->files_imported == 1) {
        const char *name = "";
        for (size_t i = 0; i < c->nfiles; i++)
            if (c->files[i].src == s->first_source)
                name = c->files[i].path;
        snprintf(head, sizeof head, "imported %s as source %u", name, s->first_source);
    } else {
        snprintf(head, sizeof head, "imported %zu files as sources %u-%u", s->files_imported,
                 s->first_source, s->first_source + (sk_srcid)s->files_imported - 1);
    }
    int n = snprintf(msg, msglen, "%s: %s rows, %s entities created, %s merged, %s links "
                     "created, %s confirmed, %s rejected, %.2f s", head, r, ec, em, lc, lf, rj,
                     s->seconds);
    if (s->files_already && n > 0 && (size_t)n < msglen)
        snprintf(msg + n, msglen - (size_t)n, " (%zu file%s already imported, not read)",
                 s->files_already, s->files_already == 1 ? "" : "s");
    if (s->rows_rejected && c->o->rejects) {
        size_t l = strlen(msg);
        snprintf(msg + l, msglen - l, "; rejected rows are in %s", c->o->rejects);
    }
}

static void already_message(const imp_ctx *c, char *msg, size_t msglen)
{
    if (c->nfiles == 1) {
        snprintf(msg, msglen, "%s already imported as source %u; nothing changed",
                 c->files[0].path, c->files[0].existing);
        return;
    }
    size_t o = (size_t)snprintf(msg, msglen, "all %zu files already imported (", c->nfiles);
    for (size_t i = 0; i < c->nfiles && o < msglen; i++) {
        const imp_file *f = &c->files[i];
        if (f->dup)
            o += (size_t)snprintf(msg + o, msglen - o, "%s%s given twice", i ? "; " : "",
                                  f->path);
        else
            o += (size_t)snprintf(msg + o, msglen - o, "%s%s as source %u", i ? "; " : "",
                                  f->path, f->existing);
    }
    if (o < msglen)
        snprintf(msg + o, msglen - o, "); nothing changed");
}

/* Resolves the grading and handling codes of F's source (option over
 * spec). */
static int check_grading(imp_ctx *c, imp_file *f, char *msg, size_t msglen)
{
    const char *g = c->o->grade ? c->o->grade : f->spec->grade;
    f->handling = c->o->handling ? c->o->handling : f->spec->handling;
    if (!g)
        return SK_OK;
    const sk_scale *sc = sk_store_scale(c->s);
    sk_grade gr;
    char err[256];
    if (sc && sk_grade_parse(sc, g, &gr, err, sizeof err) != SK_OK) {
        snprintf(msg, msglen, "grading '%s': %s", g, err);
        return SK_EINVAL;
    }
    snprintf(f->grade, sizeof f->grade, "%s", sc ? gr.code : g);
    return SK_OK;
}

/* Loads spec NAME, or finds it among those loaded for earlier files. */
static int spec_named(imp_ctx *c, size_t i, const char *name, const sk_import_spec **out,
                      char *msg, size_t msglen)
{
    for (size_t j = 0; j < i; j++)
        if (c->o->specs && c->o->specs[j] && strcmp(c->o->specs[j], name) == 0) {
            *out = c->files[j].spec;
            return SK_OK;
        }
    sk_import_spec *sp;
    int rc = sk_import_spec_load(name, &sp, msg, msglen);
    if (rc)
        return rc;
    c->owned[c->nowned++] = sp;
    *out = sp;
    return SK_OK;
}

/* The spec, zone and grading of every file: its own spec (opts->specs) or
 * the import's. neo4j node and relationship files are read together, so
 * a neo4j spec must be every file's. */
static int check_specs(imp_ctx *c, char *msg, size_t msglen)
{
    const sk_import_opts *o = c->o;
    const sk_import_spec *common = o->spec_obj;
    int rc = SK_OK;
    c->owned = calloc(c->nfiles + 1, sizeof *c->owned);
    if (!c->owned) {
        snprintf(msg, msglen, "out of memory");
        return SK_ENOMEM;
    }
    bool all_own = o->specs != NULL;
    for (size_t i = 0; all_own && i < c->nfiles; i++)
        all_own = o->specs[i] != NULL;
    if (!common && !all_own) {
        if (!o->spec) {
            snprintf(msg, msglen, "no spec given: name a built-in spec (--spec cdr) or a "
                     ".spec file");
            return SK_EINVAL;
        }
        if ((rc = sk_import_spec_load(o->spec, &c->owned[c->nowned], msg, msglen)))
            return rc;
        common = c->owned[c->nowned++];
    }
    for (size_t i = 0; i < c->nfiles && !rc; i++) {
        imp_file *f = &c->files[i];
        if (o->specs && o->specs[i])
            rc = spec_named(c, i, o->specs[i], &f->spec, msg, msglen);
        else
            f->spec = common;
    }
    if (rc)
        return rc;
    c->spec = c->files[0].spec;
    for (size_t i = 0; i < c->nfiles; i++)
        if ((c->files[i].spec->format == IMP_FMT_NEO4J) != (c->spec->format == IMP_FMT_NEO4J) ||
            (c->spec->format == IMP_FMT_NEO4J && c->files[i].spec != c->spec)) {
            snprintf(msg, msglen, "%s: a neo4j import reads its node and relationship files "
                     "with one spec; give every file the same one", c->files[i].path);
            return SK_EINVAL;
        }
    if (o->timezone) {
        char err[256];
        if ((rc = imp_tz_load(o->timezone, &c->opt_tz, err, sizeof err))) {
            snprintf(msg, msglen, "--timezone: %s", err);
            return rc;
        }
    }
    for (size_t i = 0; i < c->nfiles && !rc; i++) {
        imp_file *f = &c->files[i];
        f->tz = c->opt_tz ? c->opt_tz : f->spec->tz;
        rc = check_grading(c, f, msg, msglen);
    }
    return rc;
}

int sk_import_files(sk_store *s, const char *const *files, size_t nfiles,
                    const sk_import_opts *opts, sk_import_summary *sum, char *msg,
                    size_t msglen)
{
    char dummy[8];
    if (!msg || !msglen) {
        msg = dummy;
        msglen = sizeof dummy;
    }
    msg[0] = '\0';
    imp_ctx c = {.s = s, .o = opts, .nfiles = nfiles};
    clock_gettime(CLOCK_MONOTONIC, &c.t0);
    c.now = (int64_t)time(NULL);
    if (nfiles == 0 || nfiles > SK_IMPORT_FILES_MAX) {
        snprintf(msg, msglen, nfiles ? "too many files (at most %d in one import)"
                                     : "no file to import", SK_IMPORT_FILES_MAX);
        return SK_EINVAL;
    }
    int rc = SK_OK;
    c.files = calloc(nfiles, sizeof *c.files);
    c.order = calloc(nfiles, sizeof *c.order);
    if (!c.files || !c.order) {
        rc = SK_ENOMEM;
        snprintf(msg, msglen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nfiles; i++) {
        c.files[i].path = files[i];
        c.order[i] = i;
    }
    if ((rc = check_specs(&c, msg, msglen)))
        goto out;
    char userbuf[64];
    c.user = opts->user && *opts->user ? opts->user : getenv("SKEIN_USER");
    if (!c.user || !*c.user)
        c.user = getenv("USER");
    if (!c.user || !*c.user) {
        snprintf(userbuf, sizeof userbuf, "uid %ld", (long)getuid());
        c.user = userbuf;
    }
    c.sum.files = nfiles;
    if ((rc = check_files(&c, msg, msglen)))
        goto out;
    if (c.sum.files_already == nfiles) {
        already_message(&c, msg, msglen);
        c.sum.seconds = elapsed(&c);
        goto out;
    }
    if ((rc = check_headers(&c, msg, msglen)))
        goto out;
    /* Room in the map up front: running out of it restarts the import. A
     * failure here only means the map grows when it fills. */
    (void)sk_store_reserve(s, c.all_size * SK_IMPORT_MAP_PER_BYTE);
    rc = sk_store_write(s, import_fn, &c);
    if (c.rej)
        fclose(c.rej);
    c.rej = NULL;
    c.sum.seconds = elapsed(&c);
    if (rc == SK_ECANCELLED && c.dry_done)
        rc = SK_OK;
    if (rc == SK_OK) {
        success_message(&c, msg, msglen);
    } else if (c.msg[0]) {
        snprintf(msg, msglen, "%s", c.msg);
    } else {
        snprintf(msg, msglen, "%s", sk_store_errmsg(s));
    }
out:
    if (sum)
        *sum = c.sum;
    free(c.files);
    free(c.order);
    imp_tz_free(c.opt_tz);
    for (size_t i = 0; i < c.nowned; i++)
        sk_import_spec_free(c.owned[i]);
    free(c.owned);
    return rc;
}

int sk_import_path(const char *case_path, const char *const *files, size_t nfiles,
                   const sk_import_opts *opts, sk_import_summary *sum, char *msg,
                   size_t msglen)
{
    sk_store *s;
    sk_open_opts oo = {.flags = SK_OPEN_CREATE, .write_wait_ms = -1};
    int rc = sk_store_open(case_path, &oo, &s, msg, msglen);
    if (rc)
        return rc;
    rc = sk_import_files(s, files, nfiles, opts, sum, msg, msglen);
    sk_store_close(s);
    return rc;
}
