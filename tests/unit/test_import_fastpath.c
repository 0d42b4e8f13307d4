/*
 * test_import_fastpath.c — the import's fast paths give the case the slow
 * paths give, fact for fact.
 *
 * Three fast paths are checked against their slow twins on generated data
 * that exercises what they could get wrong: one phone written three ways,
 * a person named in two cases, keys in two files, split keys, repeated
 * links (confirmed, not duplicated) and bad keys (rejected):
 *   - the key cache (raw key → entity): the default budget, a budget so
 *     small that the cache is emptied every few hundred keys, and one so
 *     small that nothing stays in it;
 *   - the store's bulk mode, taken for an import into an empty case,
 *     against the same import into a case that already holds an entity;
 *   - several files with their own specs in one import, against one import
 *     per file.
 * A case is compared through a canonical dump (test_import_dump.h).
 */
#include "test_import_util.h"
#include "test_import_dump.h"
#include "test_import_gen.h"

/* ---- Imports ------------------------------------------------------------ */

/* Imports people.csv then calls.csv as one import with a spec per file. */
static void import_both(sk_store *s, const files *f, size_t cache_bytes,
                        sk_import_summary *sum)
{
    const char *paths[] = {f->people, f->calls};
    const char *specs[] = {f->people_spec, f->calls_spec};
    sk_import_opts o = {.specs = specs, .user = "test", .rejects = f->rejects,
                        .cache_bytes = cache_bytes};
    char msg[1024];
    int rc = sk_import_files(s, paths, 2, &o, sum, msg, sizeof msg);
    if (rc != SK_OK)
        fail_msg("import: %s", msg);
}

/* A case holding one entity no file mentions (so not empty: no bulk mode);
 * its id goes to *EXTRA. */
static void add_unrelated(sk_store *s, sk_id *extra)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    sk_sym ty;
    assert_int_equal(sk_name_intern(t, SK_DICT_ETYPE, "vehicle", 7, true, &ty), SK_OK);
    sk_entity_in in = {.type = ty, .key = "ZZ99 ZZZ"};
    assert_int_equal(sk_entity_create(t, &in, extra), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

static void same_counts(const sk_import_summary *a, const sk_import_summary *b)
{
    assert_int_equal(a->rows_read, b->rows_read);
    assert_int_equal(a->rows_rejected, b->rows_rejected);
    assert_int_equal(a->entities_created, b->entities_created);
    assert_int_equal(a->entities_merged, b->entities_merged);
    assert_int_equal(a->links_created, b->links_created);
    assert_int_equal(a->links_confirmed, b->links_confirmed);
}

/* ---- Tests -------------------------------------------------------------- */

/* The data means what the test says: aliases collapse, repeats confirm,
 * bad keys are rejected, and the bulk path was taken into the empty case. */
static void data_is_what_the_tests_need(void **state)
{
    (void)state;
    files f = make_files();
    sk_store *s = tu_open(f.dir, "case");
    sk_import_summary sum;
    import_both(s, &f, 0, &sum);
    assert_true(sum.bulk);
    assert_int_equal(sum.rows_read, NPEOPLE * 2 + NCALLS);
    assert_int_equal(sum.rows_rejected, 4); /* rows 500, 1497, 2494, 3491 */
    /* 300 phones (three spellings each) and 250 people (two spellings). */
    assert_int_equal(tu_type_count(s, "phone", false), NPHONES);
    assert_int_equal(tu_type_count(s, "person", false), NPEOPLE);
    assert_int_equal(sum.entities_created, NPHONES + NPEOPLE);
    assert_int_equal(sum.entities_merged, 0);
    assert_true(sum.links_confirmed > 500);
    assert_int_equal(tu_stats(s).links, sum.links_created);
    sk_store_close(s);
    tu_rmdir(f.dir);
}

/* A key cache emptied now and then, or holding nothing at all, gives the
 * same case; counts stay exact while the set of entities seen fits. The
 * 1,400 raw keys (900 phone spellings, 500 names) need a table of 2,048
 * slots; 120 KiB holds one of 1,024 (32 KiB), the key buffer of the long
 * names (64 KiB) and the ids (8 KiB) but not the next doubling, so the
 * keys are emptied every 716 and the ids kept. */
static void key_cache_changes_nothing(void **state)
{
    (void)state;
    files f = make_files();
    static const size_t budgets[] = {0, 120 << 10, 1};
    char *want = NULL;
    sk_import_summary first;
    for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "case%zu", i);
        sk_store *s = tu_open(f.dir, name);
        sk_import_summary sum;
        import_both(s, &f, budgets[i], &sum);
        char *got = dump(s, 0);
        if (!want) {
            want = got;
            first = sum;
        } else {
            same_dump(want, got);
            free(got);
            assert_int_equal(sum.links_created, first.links_created);
            assert_int_equal(sum.links_confirmed, first.links_confirmed);
            assert_int_equal(sum.rows_rejected, first.rows_rejected);
            if (budgets[i] > 1)
                same_counts(&sum, &first);
        }
        sk_store_close(s);
    }
    free(want);
    tu_rmdir(f.dir);
}

/* An import into an empty case (the store's bulk mode) gives the case the
 * same import gives one item at a time. */
static void bulk_load_changes_nothing(void **state)
{
    (void)state;
    files f = make_files();
    sk_store *a = tu_open(f.dir, "bulk"), *b = tu_open(f.dir, "onebyone");
    sk_id extra;
    add_unrelated(b, &extra);
    sk_import_summary sa, sb;
    import_both(a, &f, 0, &sa);
    import_both(b, &f, 0, &sb);
    assert_true(sa.bulk);
    assert_false(sb.bulk);
    same_counts(&sa, &sb);
    char *da = dump(a, 0), *db = dump(b, extra);
    same_dump(da, db);
    free(da);
    free(db);
    sk_store_close(a);
    sk_store_close(b);
    tu_rmdir(f.dir);
}

/* Files with their own specs in one import give the case one import per
 * file gives; and a second import of the same files changes nothing. */
static void specs_per_file_changes_nothing(void **state)
{
    (void)state;
    files f = make_files();
    sk_store *a = tu_open(f.dir, "together"), *b = tu_open(f.dir, "apart");
    sk_import_summary sum;
    import_both(a, &f, 0, &sum);
    char msg[1024];
    sk_import_opts o = {.rejects = f.rejects};
    const char *people = f.people, *calls = f.calls;
    assert_int_equal(tu_import(b, f.people_spec, &people, 1, &o, &sum, msg, sizeof msg),
                     SK_OK);
    assert_int_equal(tu_import(b, f.calls_spec, &calls, 1, &o, &sum, msg, sizeof msg),
                     SK_OK);
    char *da = dump(a, 0), *db = dump(b, 0);
    same_dump(da, db);
    import_both(a, &f, 0, &sum);
    assert_int_equal(sum.files_already, 2);
    char *again = dump(a, 0);
    same_dump(da, again);
    free(again);
    free(da);
    free(db);
    sk_store_close(a);
    sk_store_close(b);
    tu_rmdir(f.dir);
}

/* A bulk load that fails on its last row leaves the case empty, and the
 * next import into it is a bulk load again. */
static void failed_bulk_load_leaves_nothing(void **state)
{
    (void)state;
    files f = make_files();
    sk_store *s = tu_open(f.dir, "case");
    const char *paths[] = {f.people, f.calls};
    const char *specs[] = {f.people_spec, f.calls_spec};
    sk_import_opts o = {.specs = specs, .user = "test"}; /* no rejects file */
    sk_import_summary sum;
    char msg[1024];
    assert_int_equal(sk_import_files(s, paths, 2, &o, &sum, msg, sizeof msg), SK_EPARSE);
    tu_contains(msg, "calls.csv:502:");
    tu_contains(msg, "'12' is not a valid phone key");
    tu_counts c = tu_stats(s);
    assert_int_equal(c.entities + c.links + c.sources, 0);
    o.rejects = f.rejects;
    assert_int_equal(sk_import_files(s, paths, 2, &o, &sum, msg, sizeof msg), SK_OK);
    assert_true(sum.bulk);
    assert_int_equal(tu_stats(s).entities, NPHONES + NPEOPLE);
    sk_store_close(s);
    tu_rmdir(f.dir);
}

/* A neo4j spec reads node and relationship files together: it cannot be
 * one file's spec among others. */
static void neo4j_spec_must_be_every_files(void **state)
{
    (void)state;
    files f = make_files();
    sk_store *s = tu_open(f.dir, "case");
    const char *paths[] = {f.people, f.calls};
    const char *specs[] = {f.people_spec, "neo4j"};
    sk_import_opts o = {.specs = specs, .user = "test"};
    char msg[1024];
    assert_int_equal(sk_import_files(s, paths, 2, &o, NULL, msg, sizeof msg), SK_EINVAL);
    tu_contains(msg, "calls.csv: a neo4j import reads its node and relationship files "
                     "with one spec");
    const char *none[] = {f.people_spec, NULL};
    o.specs = none;
    assert_int_equal(sk_import_files(s, paths, 2, &o, NULL, msg, sizeof msg), SK_EINVAL);
    tu_contains(msg, "no spec given");
    assert_int_equal(tu_stats(s).sources, 0);
    sk_store_close(s);
    tu_rmdir(f.dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(data_is_what_the_tests_need),
        cmocka_unit_test(key_cache_changes_nothing),
        cmocka_unit_test(bulk_load_changes_nothing),
        cmocka_unit_test(specs_per_file_changes_nothing),
        cmocka_unit_test(failed_bulk_load_leaves_nothing),
        cmocka_unit_test(neo4j_spec_must_be_every_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
