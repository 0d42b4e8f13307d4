/*
 * test_import_pipeline.c — reading and mapping on a producer thread, in
 * batches, gives exactly what the sequential path gives.
 *
 * The same files are imported with the pipeline on (default batches,
 * batches of one and of three records) and off (the caller's thread, a
 * batch at a time, and a record at a time), and each time compared with
 * the sequential import: every record of the case (test_import_dump.h),
 * every name of every dictionary with its number (so names are interned in
 * the same order, those met in rows later rejected included), the
 * summary's counts, the rejects file byte for byte, and every progress
 * call. The data has what could go wrong across threads and batches: types
 * and link types taken from columns, per-row gradings, split keys whose
 * second value is bad (the first is written, the row rejected), bad keys,
 * bad times, empty types and bad gradings in the middle of files, and
 * more rows than a progress period. Then, with the pipeline on: the first
 * bad row in the middle of a file stops the import with the sequential
 * path's exact message and the case unchanged; an unreadable byte in the
 * middle of a file likewise; a progress callback that cancels leaves the
 * case unchanged; a dry run writes nothing and counts what the import
 * does.
 */
#include "test_import_util.h"
#include "test_import_dump.h"
#include "test_import_gen.h"

/* ---- A file with names from columns, gradings and bad rows ------------- */

#define NMIXED 17000 /* more than a progress period (16,384 rows) */

static const char MIXED_SPEC[] =
    "skein-spec 1\n"
    "name t-mixed\n"
    "format csv\n"
    "delimiter comma\n"
    "header yes\n"
    "timezone UTC\n"
    "entity a {atype}\n"
    "    key akey\n"
    "    grading grade\n"
    "entity b {btype}\n"
    "    key bkey\n"
    "    split \";\"\n"
    "link {ltype} a -> b\n"
    "    time when\n"
    "    grading grade\n";

/* Row I of mixed.csv: mostly a person calling or texting phones, with
 * every few dozen rows one of the faults the header comment lists. */
static size_t mixed_row(char *s, size_t cap, unsigned i)
{
    char atype[32] = "person", akey[64], btype[32] = "phone", bkey[64], ltype[32] = "called";
    char when[40], grade[8] = "";
    snprintf(akey, sizeof akey, "Person %u", i % 700);
    snprintf(bkey, sizeof bkey, "07700 900%03u;+447700900%03u", i % 500, (i * 7) % 500);
    snprintf(when, sizeof when, "2024-05-%02uT%02u:%02u:00Z", 1 + i % 28, i % 24, i % 60);
    if (i % 3 == 1)
        snprintf(ltype, sizeof ltype, "texted");
    if (i % 4 == 2)
        snprintf(grade, sizeof grade, "B24");
    if (i % 97 == 13) { /* a new type, in a row whose time is bad */
        snprintf(atype, sizeof atype, "boat%u", i % 5);
        snprintf(when, sizeof when, "yesterday");
    }
    if (i % 61 == 5) /* not a grading */
        snprintf(grade, sizeof grade, "ZZ9");
    if (i % 89 == 3) /* the second value of the split key is bad */
        snprintf(bkey, sizeof bkey, "07700 900%03u;12", i % 500);
    if (i % 71 == 9) /* an empty type */
        btype[0] = '\0';
    if (i % 83 == 11) { /* a new link type in a row whose key is bad: never met */
        snprintf(ltype, sizeof ltype, "never%u", i % 7);
        snprintf(bkey, sizeof bkey, "x");
    }
    if (i % 79 == 2) { /* a new link type in a row whose time is bad: interned */
        snprintf(ltype, sizeof ltype, "late%u", i % 7);
        snprintf(when, sizeof when, "2024-13-01T00:00:00Z");
    }
    return (size_t)snprintf(s, cap, "%s,%s,%s,%s,%s,%s,%s\n", atype, akey, btype, bkey, ltype,
                            when, grade);
}

/* Writes mixed.csv (and its spec) into DIR; with a row BAD (> 0) made
 * unreadable (an invalid UTF-8 byte), or bad but readable when BAD_KEY. */
static void write_mixed(const char *dir, char *csv, size_t ccap, char *spec, size_t scap,
                        unsigned bad, bool bad_key)
{
    size_t cap = (size_t)NMIXED * 160 + 64, at = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    at += (size_t)snprintf(s, cap, "atype,akey,btype,bkey,ltype,when,grade\n");
    for (unsigned i = 0; i < NMIXED; i++) {
        if (bad && i == bad)
            at += (size_t)snprintf(s + at, cap - at, bad_key
                                   ? "person,P,phone,99,called,,\n"
                                   : "person,P\xC3\x28,phone,07700 900100,called,,\n");
        else
            at += mixed_row(s + at, cap - at, i);
    }
    snprintf(csv, ccap, "%s", tu_file(dir, "mixed.csv", s, at));
    snprintf(spec, scap, "%s", tu_text(dir, "mixed.spec", MIXED_SPEC));
    free(s);
}

/* ---- One import, and all it leaves behind --------------------------------- */

#define MAXCALLS 64

typedef struct progress_log {
    sk_import_progress calls[MAXCALLS];
    size_t n;
    size_t cancel_at;          /* call number that cancels (0: none) */
} progress_log;

static int log_progress(const sk_import_progress *p, void *ctx)
{
    progress_log *l = ctx;
    assert_true(l->n < MAXCALLS);
    l->calls[l->n++] = *p;
    return l->cancel_at && l->n == l->cancel_at;
}

/* What an import left: the case, its names, the summary, the message,
 * the rejects file and the progress calls. */
typedef struct outcome {
    int rc;
    char msg[1024];
    sk_import_summary sum;
    char *dump, *names, *rejects;
    progress_log log;
} outcome;

static int put_name(const char *name, size_t len, sk_sym sym, void *ctx)
{
    lines *l = ctx;
    char line[256];
    snprintf(line, sizeof line, "%u %.*s", sym, (int)len, name);
    add_line(l, line);
    return 0;
}

/* Every name of every dictionary with its number, one line each. */
static char *names_dump(sk_store *s)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    lines l = {0};
    static const enum sk_dict dicts[] = {SK_DICT_ETYPE, SK_DICT_LTYPE, SK_DICT_PROP,
                                         SK_DICT_GRADE};
    for (size_t d = 0; d < 4; d++) {
        char head[32];
        snprintf(head, sizeof head, "dict %d", (int)dicts[d]);
        add_line(&l, head);
        assert_int_equal(sk_name_each(t, dicts[d], put_name, &l), SK_OK);
    }
    sk_txn_abort(t);
    size_t total = 1;
    for (size_t i = 0; i < l.n; i++)
        total += strlen(l.v[i]) + 1;
    char *out = malloc(total), *p = out;
    assert_non_null(out);
    for (size_t i = 0; i < l.n; i++) {
        p += sprintf(p, "%s\n", l.v[i]);
        free(l.v[i]);
    }
    *p = '\0';
    free(l.v);
    return out;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("(no file)");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* The ways of running an import compared here. */
typedef struct way {
    const char *name;
    bool sequential;
    size_t batch_rows;
} way;

static const way WAYS[] = {
    {"pipeline", false, 0},
    {"pipeline, batches of 1", false, 1},
    {"pipeline, batches of 3", false, 3},
    {"sequential, batches", true, 0},
};
static const way SEQUENTIAL = {"sequential, record by record", true, 1};

/* Imports PATHS (with SPECS) into a fresh case DIR/NAME the way W, with
 * the options O (rejects, dry run, cancellation) and records the outcome;
 * with PRE, the case first gets PRE's files (one sequential import). */
static outcome run(const char *dir, const char *name, const way *w, const char *const *paths,
                   const char *const *specs, size_t n, const char *rejects, bool dry_run,
                   size_t cancel_at, const files *pre)
{
    outcome o = {0};
    sk_store *s = tu_open(dir, name);
    if (pre) {
        const char *pf[] = {pre->people}, *ps[] = {pre->people_spec};
        sk_import_opts po = {.specs = ps, .user = "test", .sequential = true};
        assert_int_equal(sk_import_files(s, pf, 1, &po, NULL, o.msg, sizeof o.msg), SK_OK);
    }
    if (rejects)
        remove(rejects);
    o.log.cancel_at = cancel_at;
    sk_import_opts opts = {.specs = specs, .user = "test", .rejects = rejects,
                           .dry_run = dry_run, .progress = log_progress,
                           .progress_ctx = &o.log, .sequential = w->sequential,
                           .batch_rows = w->batch_rows};
    o.rc = sk_import_files(s, paths, n, &opts, &o.sum, o.msg, sizeof o.msg);
    o.dump = dump(s, 0);
    o.names = names_dump(s);
    o.rejects = rejects ? slurp(rejects) : strdup("");
    sk_store_close(s);
    return o;
}

static void outcome_free(outcome *o)
{
    free(o->dump);
    free(o->names);
    free(o->rejects);
}

/* Fails unless B (the way W) left exactly what A left. */
static void same_outcome(const outcome *a, const outcome *b, const way *w)
{
    /* A failure's message is compared whole; a success's holds the time. */
    if (a->rc != b->rc || (a->rc != SK_OK && strcmp(a->msg, b->msg) != 0))
        fail_msg("%s: rc %d \"%s\", sequential rc %d \"%s\"", w->name, b->rc, b->msg, a->rc,
                 a->msg);
    same_dump(a->dump, b->dump);
    same_dump(a->names, b->names);
    same_dump(a->rejects, b->rejects);
    const sk_import_summary *x = &a->sum, *y = &b->sum;
    assert_int_equal(x->rows_read, y->rows_read);
    assert_int_equal(x->rows_skipped, y->rows_skipped);
    assert_int_equal(x->rows_rejected, y->rows_rejected);
    assert_int_equal(x->entities_created, y->entities_created);
    assert_int_equal(x->entities_merged, y->entities_merged);
    assert_int_equal(x->links_created, y->links_created);
    assert_int_equal(x->links_confirmed, y->links_confirmed);
    assert_int_equal(x->files_imported, y->files_imported);
    assert_int_equal(a->log.n, b->log.n);
    for (size_t i = 0; i < a->log.n; i++) {
        const sk_import_progress *p = &a->log.calls[i], *q = &b->log.calls[i];
        assert_string_equal(p->file, q->file);
        assert_int_equal(p->file_index, q->file_index);
        assert_int_equal(p->rows, q->rows);
        assert_int_equal(p->file_bytes, q->file_bytes);
        assert_int_equal(p->all_bytes, q->all_bytes);
        assert_int_equal(p->done, q->done);
    }
}

/* The three files of most tests: people.csv, calls.csv, mixed.csv. */
typedef struct three {
    files f;
    char mixed[600], mixed_spec[600];
    const char *paths[3], *specs[3];
} three;

static void three_files(three *t, unsigned bad, bool bad_key)
{
    t->f = make_files();
    write_mixed(t->f.dir, t->mixed, sizeof t->mixed, t->mixed_spec, sizeof t->mixed_spec, bad,
                bad_key);
    t->paths[0] = t->f.people;
    t->paths[1] = t->f.calls;
    t->paths[2] = t->mixed;
    t->specs[0] = t->f.people_spec;
    t->specs[1] = t->f.calls_spec;
    t->specs[2] = t->mixed_spec;
}

/* Runs the import every way and compares each with the sequential one;
 * returns the sequential outcome. */
static outcome every_way(three *t, const char *rejects, bool dry_run, size_t cancel_at,
                         const files *pre)
{
    outcome want = run(t->f.dir, "seq", &SEQUENTIAL, t->paths, t->specs, 3, rejects, dry_run,
                       cancel_at, pre);
    for (size_t i = 0; i < sizeof WAYS / sizeof WAYS[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "way%zu", i);
        outcome got = run(t->f.dir, name, &WAYS[i], t->paths, t->specs, 3, rejects, dry_run,
                          cancel_at, pre);
        same_outcome(&want, &got, &WAYS[i]);
        outcome_free(&got);
    }
    return want;
}

/* ---- Tests -------------------------------------------------------------- */

/* With a rejects file: the same case, names, counts, rejects and progress
 * every way; the data has the faults it is meant to have, and the rejects
 * come in file order, then line order. */
static void pipeline_gives_the_sequential_case(void **state)
{
    (void)state;
    three t;
    three_files(&t, 0, false);
    outcome want = every_way(&t, t.f.rejects, false, 0, NULL);
    assert_int_equal(want.rc, SK_OK);
    assert_int_equal(want.sum.rows_read, NPEOPLE * 2 + NCALLS + NMIXED);
    assert_true(want.log.n >= 2); /* one period of rows and the last call */
    assert_true(want.sum.rows_rejected > 4 + NMIXED / 100);
    tu_contains(want.names, " boat"); /* met only in rejected rows */
    tu_contains(want.names, " late");
    assert_null(strstr(want.names, " never"));
    tu_contains(want.names, " B24");
    tu_contains(want.rejects, "is not a grading of the");
    tu_contains(want.rejects, "empty entity type in column 'btype'");
    tu_contains(want.rejects, "'12' is not a valid phone key");
    /* Rejects in file order, then line order: (file, line) rises. */
    unsigned long long last = 0;
    size_t rows = 0;
    for (const char *p = strchr(want.rejects, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
        const char *comma = strchr(p + 1, ',');
        assert_non_null(comma);
        size_t plen = (size_t)(comma - (p + 1));
        unsigned long long file = plen == strlen(t.f.calls) &&
                                  memcmp(p + 1, t.f.calls, plen) == 0 ? 1 : 2;
        if (file == 2)
            assert_memory_equal(p + 1, t.mixed, plen);
        unsigned long long at = file << 32 | strtoull(comma + 1, NULL, 10);
        assert_true(at > last);
        last = at;
        rows++;
    }
    assert_int_equal(rows, want.sum.rows_rejected);
    outcome_free(&want);
    tu_rmdir(t.f.dir);
}

/* Without a rejects file the first bad row, in the middle of the third
 * file and of a batch, stops the import with the sequential path's exact
 * message; the case (which held people.csv) is as it was. */
static void bad_row_mid_file_leaves_case_unchanged(void **state)
{
    (void)state;
    three t;
    three_files(&t, 0, false);
    /* people.csv is in the case already; calls.csv has its first bad row
     * at line 502 ('12'). */
    outcome want = every_way(&t, NULL, false, 0, &t.f);
    assert_int_equal(want.rc, SK_EPARSE);
    char expect[1024];
    snprintf(expect, sizeof expect, "%s:502:18: '12' is not a valid phone key for type phone "
             "(column 'b', entity 'b')", t.f.calls);
    assert_string_equal(want.msg, expect);
    /* Unchanged: just what the first import wrote (an import of no file
     * after it changes nothing). */
    outcome before = run(t.f.dir, "before", &SEQUENTIAL, t.paths, t.specs, 0, NULL, false, 0,
                         &t.f);
    same_dump(before.dump, want.dump);
    outcome_free(&before);
    outcome_free(&want);
    tu_rmdir(t.f.dir);
}

/* The same with the bad row deep in a long file: after several batches,
 * and once a bad key, once a byte that is not UTF-8 (the reader's error). */
static void late_bad_row_and_bad_byte(void **state)
{
    (void)state;
    static const struct {
        bool bad_key;
        const char *why;
        unsigned col;
    } cases[] = {
        {true, "'99' is not a valid phone key for type phone (column 'bkey', "
               "entity 'b')", 16},
        {false, "invalid UTF-8 (byte 0xC3)", 9},
    };
    for (size_t c = 0; c < 2; c++) {
        three t;
        three_files(&t, 0, false);
        /* Only people.csv and mixed.csv, mixed.csv bad at row 12345 (line 12347). */
        write_mixed(t.f.dir, t.mixed, sizeof t.mixed, t.mixed_spec, sizeof t.mixed_spec, 12345,
                    cases[c].bad_key);
        t.paths[1] = t.mixed;
        t.specs[1] = t.mixed_spec;
        /* Rows before 12345 have faults of their own, so the import runs
         * with a rejects file: the bad key at line 12347 is one more row
         * in it, the unreadable byte stops the import. */
        outcome want = run(t.f.dir, "seq", &SEQUENTIAL, t.paths, t.specs, 2, t.f.rejects, false,
                           0, NULL);
        for (size_t i = 0; i < sizeof WAYS / sizeof WAYS[0]; i++) {
            char name[32];
            snprintf(name, sizeof name, "way%zu", i);
            outcome got = run(t.f.dir, name, &WAYS[i], t.paths, t.specs, 2, t.f.rejects, false,
                              0, NULL);
            same_outcome(&want, &got, &WAYS[i]);
            outcome_free(&got);
        }
        if (cases[c].bad_key) {
            assert_int_equal(want.rc, SK_OK);
            char line[1024];
            snprintf(line, sizeof line, "%s,12347,%u,\"%s\"", t.mixed, cases[c].col,
                     cases[c].why);
            tu_contains(want.rejects, line);
        } else {
            /* An unreadable byte stops the import even with a rejects file. */
            assert_int_equal(want.rc, SK_EPARSE);
            char head[700];
            snprintf(head, sizeof head, "%s:12347:%u: ", t.mixed, cases[c].col);
            tu_contains(want.msg, head);
            tu_contains(want.msg, cases[c].why);
            assert_int_equal(strlen(want.dump), 0);
        }
        outcome_free(&want);
        tu_rmdir(t.f.dir);
    }
}

/* A progress callback that cancels (at its first call, after 16,384 rows,
 * in the middle of mixed.csv) leaves the case as it was, every way. */
static void cancel_from_progress(void **state)
{
    (void)state;
    three t;
    three_files(&t, 0, false);
    outcome want = every_way(&t, t.f.rejects, false, 1, &t.f);
    assert_int_equal(want.rc, SK_ECANCELLED);
    tu_contains(want.msg, "import cancelled; the case is unchanged");
    assert_int_equal(want.log.n, 1);
    assert_int_equal(want.log.calls[0].rows, 16384);
    outcome before = run(t.f.dir, "before", &SEQUENTIAL, t.paths, t.specs, 0, NULL, false, 0,
                         &t.f);
    same_dump(before.dump, want.dump);
    same_dump(before.names, want.names);
    outcome_free(&before);
    outcome_free(&want);
    tu_rmdir(t.f.dir);
}

/* A dry run writes nothing and counts what the import does, every way. */
static void dry_run_counts_and_writes_nothing(void **state)
{
    (void)state;
    three t;
    three_files(&t, 0, false);
    outcome dry = every_way(&t, t.f.rejects, true, 0, NULL);
    assert_int_equal(dry.rc, SK_OK);
    assert_true(dry.sum.dry_run);
    assert_int_equal(strlen(dry.dump), 0);
    outcome real = run(t.f.dir, "real", &WAYS[0], t.paths, t.specs, 3, t.f.rejects, false, 0,
                       NULL);
    assert_int_equal(real.rc, SK_OK);
    assert_int_equal(dry.sum.rows_rejected, real.sum.rows_rejected);
    assert_int_equal(dry.sum.entities_created, real.sum.entities_created);
    assert_int_equal(dry.sum.links_created, real.sum.links_created);
    assert_int_equal(dry.sum.links_confirmed, real.sum.links_confirmed);
    same_dump(dry.rejects, real.rejects);
    outcome_free(&real);
    outcome_free(&dry);
    tu_rmdir(t.f.dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_gives_the_sequential_case),
        cmocka_unit_test(bad_row_mid_file_leaves_case_unchanged),
        cmocka_unit_test(late_bad_row_and_bad_byte),
        cmocka_unit_test(cancel_from_progress),
        cmocka_unit_test(dry_run_counts_and_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
