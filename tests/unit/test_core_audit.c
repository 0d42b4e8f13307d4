/*
 * test_core_audit.c — the audit log's hash chain (an untouched log
 * verifies; a changed, removed, swapped or cut-off entry is found and
 * named) and merge/unmerge (the case's content is the same, byte for
 * byte, after a merge and its undo).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "test_case.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>



typedef test_case fixture;

static void append_n(sk_store *s, int n)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    for (int i = 0; i < n; i++) {
        char q[64];
        snprintf(q, sizeof q, "find person where name ~ /x%d/", i);
        sk_audit_entry e = {.time = 1700000000 + i, .user = "ana", .action = "query",
                            .category = SK_AUDIT_CONSULTATION, .query = q, .count = (uint64_t)i};
        uint64_t seq;
        assert_int_equal(sk_audit_append(t, &e, &seq), SK_OK);
        assert_int_equal(seq, (uint64_t)i + 1);
    }
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

static int verify(sk_store *s, uint64_t *bad, char *why, size_t cap)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    uint64_t n;
    int rc = sk_audit_verify(t, &n, bad, why, cap);
    sk_txn_abort(t);
    return rc;
}

/* Rewrites entry SEQ's stored bytes with FN (a test of tampering). */
static void tamper(sk_store *s, uint64_t seq, void (*fn)(sk_txn *, uint64_t))
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    fn(t, seq);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

static void flip_byte(sk_txn *t, uint64_t seq)
{
    uint8_t k[8];
    be_put(k, seq, 8);
    MDB_val v;
    assert_int_equal(sk__get(t, DB_AUDIT, k, 8, &v), SK_OK);
    uint8_t *copy = malloc(v.mv_size);
    memcpy(copy, v.mv_data, v.mv_size);
    copy[v.mv_size - 3] ^= 0x20; /* inside the body: the query text */
    assert_int_equal(sk__put(t, DB_AUDIT, k, 8, copy, v.mv_size, 0), SK_OK);
    free(copy);
}

static void remove_entry(sk_txn *t, uint64_t seq)
{
    uint8_t k[8];
    be_put(k, seq, 8);
    assert_int_equal(sk__del(t, DB_AUDIT, k, 8, NULL, 0), SK_OK);
}

static void swap_next(sk_txn *t, uint64_t seq)
{
    uint8_t k1[8], k2[8];
    be_put(k1, seq, 8);
    be_put(k2, seq + 1, 8);
    MDB_val a, b;
    assert_int_equal(sk__get(t, DB_AUDIT, k1, 8, &a), SK_OK);
    uint8_t *ca = malloc(a.mv_size);
    size_t la = a.mv_size;
    memcpy(ca, a.mv_data, la);
    assert_int_equal(sk__get(t, DB_AUDIT, k2, 8, &b), SK_OK);
    uint8_t *cb = malloc(b.mv_size);
    size_t lb = b.mv_size;
    memcpy(cb, b.mv_data, lb);
    assert_int_equal(sk__put(t, DB_AUDIT, k1, 8, cb, lb, 0), SK_OK);
    assert_int_equal(sk__put(t, DB_AUDIT, k2, 8, ca, la, 0), SK_OK);
    free(ca);
    free(cb);
}

static void test_untouched_log_verifies(void **state)
{
    fixture *f = *state;
    append_n(f->s, 50);
    uint64_t bad;
    char why[256];
    assert_int_equal(verify(f->s, &bad, why, sizeof why), SK_OK);
}

static void test_changed_entry(void **state)
{
    fixture *f = *state;
    append_n(f->s, 10);
    tamper(f->s, 4, flip_byte);
    uint64_t bad;
    char why[256];
    assert_int_equal(verify(f->s, &bad, why, sizeof why), SK_ECORRUPT);
    assert_int_equal(bad, 4);
    assert_non_null(strstr(why, "changed"));
}

static void test_removed_entry(void **state)
{
    fixture *f = *state;
    append_n(f->s, 10);
    tamper(f->s, 6, remove_entry);
    uint64_t bad;
    char why[256];
    assert_int_equal(verify(f->s, &bad, why, sizeof why), SK_ECORRUPT);
    assert_int_equal(bad, 6);
    assert_non_null(strstr(why, "missing"));
}

static void test_swapped_entries(void **state)
{
    fixture *f = *state;
    append_n(f->s, 10);
    tamper(f->s, 3, swap_next);
    uint64_t bad;
    char why[256];
    assert_int_equal(verify(f->s, &bad, why, sizeof why), SK_ECORRUPT);
    assert_int_equal(bad, 3);
}

static void test_cut_tail(void **state)
{
    fixture *f = *state;
    append_n(f->s, 10);
    tamper(f->s, 10, remove_entry);
    uint64_t bad;
    char why[256];
    assert_int_equal(verify(f->s, &bad, why, sizeof why), SK_ECORRUPT);
    assert_int_equal(bad, 10);
    assert_non_null(strstr(why, "ends early"));
}

typedef struct seen {
    int erased, with_x7;
} seen;

static int count_entries(const sk_audit_entry *e, void *ctx)
{
    seen *s = ctx;
    s->erased += e->erased;
    s->with_x7 += strstr(e->query, "x7") != NULL;
    return 0;
}

static void test_erased_text_still_verifies(void **state)
{
    fixture *f = *state;
    append_n(f->s, 10);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    uint64_t n;
    assert_int_equal(sk_audit_erase_text(t, "X7", &n), SK_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    uint64_t bad;
    char why[256];
    assert_int_equal(verify(f->s, &bad, why, sizeof why), SK_OK);
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    seen s = {0};
    assert_int_equal(sk_audit_each(t, a, count_entries, &s), SK_OK);
    assert_int_equal(s.erased, 1);
    assert_int_equal(s.with_x7, 0);
    sk_arena_free(a);
    sk_txn_abort(t);
}

/* ---- merge / unmerge ---- */

/* A digest of every record in the content databases. */
static void content_digest(sk_store *s, uint8_t out[32])
{
    enum sk_db dbs[] = {DB_ENT, DB_LINK, DB_ADJ, DB_KEY, DB_TYPE, DB_PROP, DB_TIME, DB_SRC};
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (size_t d = 0; d < sizeof dbs / sizeof dbs[0]; d++) {
        MDB_cursor *c;
        assert_int_equal(mdb_cursor_open(t->txn, s->dbi[dbs[d]], &c), 0);
        MDB_val k, v;
        int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
        while (rc == 0) {
            while (len + k.mv_size + v.mv_size + 16 > cap)
                buf = realloc(buf, cap *= 2);
            memcpy(buf + len, k.mv_data, k.mv_size);
            len += k.mv_size;
            memcpy(buf + len, v.mv_data, v.mv_size);
            len += v.mv_size;
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
        }
        mdb_cursor_close(c);
    }
    sk_sha256(buf, len, out);
    free(buf);
    sk_txn_abort(t);
}

static sk_sym sym(sk_txn *t, enum sk_dict d, const char *n)
{
    sk_sym s;
    assert_int_equal(sk_name_intern(t, d, n, strlen(n), true, &s), SK_OK);
    return s;
}

static void test_merge_unmerge_restores_content(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_source s1 = {.name = "a.csv", .sha256 = {1}}, s2 = {.name = "b.csv", .sha256 = {2}};
    assert_int_equal(sk_source_add(t, &s1), SK_OK);
    assert_int_equal(sk_source_add(t, &s2), SK_OK);
    sk_sym person = sym(t, SK_DICT_ETYPE, "person"), knows = sym(t, SK_DICT_LTYPE, "knows");
    sk_sym called = sym(t, SK_DICT_LTYPE, "called"), dob = sym(t, SK_DICT_PROP, "dob");
    sk_prop p1 = {dob, {.type = SK_V_STR, .u.str = {"1980-01-01", 10}}};
    sk_entity_in a = {.type = person, .key = "John Smith", .assert = {s1.id, 0}};
    sk_entity_in b = {.type = person, .key = "Jon Smith", .props = &p1, .nprops = 1,
                      .assert = {s2.id, 0}};
    sk_entity_in c = {.type = person, .key = "Mary Jones", .assert = {s1.id, 0}};
    sk_id ia, ib, ic, l;
    assert_int_equal(sk_entity_create(t, &a, &ia), SK_OK);
    assert_int_equal(sk_entity_create(t, &b, &ib), SK_OK);
    assert_int_equal(sk_entity_create(t, &c, &ic), SK_OK);
    sk_link_in l1 = {.src = ib, .dst = ic, .type = knows, .t_start = SK_NO_TIME};
    sk_link_in l2 = {.src = ic, .dst = ib, .type = called, .directed = true,
                     .t_start = 1709300000, .t_end = 1709300060};
    sk_link_in l3 = {.src = ia, .dst = ib, .type = knows, .t_start = SK_NO_TIME};
    assert_int_equal(sk_link_create(t, &l1, &l), SK_OK);
    assert_int_equal(sk_link_create(t, &l2, &l), SK_OK);
    assert_int_equal(sk_link_create(t, &l3, &l), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);

    uint8_t before[32], merged[32], after[32];
    content_digest(f->s, before);
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    assert_int_equal(sk_entity_merge(t, ib, ia), SK_OK);
    /* B's key now resolves to A; B is gone; A has B's links and dob. */
    sk_id found;
    assert_int_equal(sk_entity_by_key(t, person, "jon smith", 9, &found), SK_OK);
    assert_int_equal(found, ia);
    assert_false(sk_entity_exists(t, ib));
    sk_arena *ar = sk_arena_new();
    sk_entity e;
    assert_int_equal(sk_entity_get(t, ia, ar, &e), SK_OK);
    assert_int_equal(e.nprops, 1);
    assert_int_equal(e.nasserts, 2);
    uint64_t deg;
    assert_int_equal(sk_adj_degree(t, ia, &deg), SK_OK);
    assert_int_equal(deg, 3); /* knows C, called by C, knows-self (A–B became A–A) */
    sk_arena_free(ar);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    content_digest(f->s, merged);
    assert_memory_not_equal(before, merged, 32);

    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_id restored;
    assert_int_equal(sk_entity_unmerge(t, ia, &restored), SK_OK);
    assert_int_equal(restored, ib);
    assert_int_equal(sk_entity_unmerge(t, ia, &restored), SK_ENOTFOUND);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    content_digest(f->s, after);
    assert_memory_equal(before, after, 32);
}

/* Whether the file at PATH contains NEEDLE anywhere in its bytes. */
static bool file_contains(const char *path, const char *needle)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    size_t m = strlen(needle);
    bool found = false;
    for (size_t i = 0; !found && i + m <= (size_t)n; i++)
        found = memcmp(buf + i, needle, m) == 0;
    free(buf);
    return found;
}

static void test_purge_leaves_no_trace(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_sym person = sym(t, SK_DICT_ETYPE, "person"), knows = sym(t, SK_DICT_LTYPE, "knows");
    sk_sym note = sym(t, SK_DICT_PROP, "note");
    sk_prop p = {note, {.type = SK_V_STR, .u.str = {"Quixote-Zebulon lives here", 26}}};
    sk_entity_in a = {.type = person, .key = "Zebulon Quixote", .props = &p, .nprops = 1};
    sk_entity_in b = {.type = person, .key = "Mary Jones"};
    sk_id ia, ib, l;
    assert_int_equal(sk_entity_create(t, &a, &ia), SK_OK);
    assert_int_equal(sk_entity_create(t, &b, &ib), SK_OK);
    sk_link_in ln = {.src = ia, .dst = ib, .type = knows, .t_start = 1700000000,
                     .t_end = 1700000000};
    assert_int_equal(sk_link_create(t, &ln, &l), SK_OK);
    sk_audit_entry e = {.time = 1, .user = "ana", .category = SK_AUDIT_CONSULTATION,
                        .action = "query", .query = "show person \"Zebulon Quixote\""};
    assert_int_equal(sk_audit_append(t, &e, NULL), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    assert_true(file_contains(f->path, "Zebulon Quixote"));

    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    uint64_t erased;
    assert_int_equal(sk_entity_purge(t, ia, &erased), SK_OK);
    assert_int_equal(erased, 1);
    sk_audit_entry er = {.time = 2, .user = "ana", .category = SK_AUDIT_ERASURE,
                         .action = "purge", .target = "#1", .reason = "retention ended"};
    assert_int_equal(sk_audit_append(t, &er, NULL), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    assert_int_equal(sk_store_compact(f->s), SK_OK);
    const char *needles[] = {"Zebulon Quixote", "zebulon quixote", "Quixote-Zebulon",
                             "quixote-zebulon"};
    for (size_t i = 0; i < 4; i++)
        assert_false(file_contains(f->path, needles[i]));
    /* The rest is intact and the log still verifies. */
    uint64_t bad;
    char why[256];
    assert_int_equal(verify(f->s, &bad, why, sizeof why), SK_OK);
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    assert_true(sk_entity_exists(t, ib));
    assert_false(sk_entity_exists(t, ia));
    uint64_t deg;
    assert_int_equal(sk_adj_degree(t, ib, &deg), SK_OK);
    assert_int_equal(deg, 0);
    sk_txn_abort(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_untouched_log_verifies, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_changed_entry, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_removed_entry, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_swapped_entries, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_cut_tail, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_erased_text_still_verifies, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_merge_unmerge_restores_content, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_purge_leaves_no_trace, test_case_setup, test_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
