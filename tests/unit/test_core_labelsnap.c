/*
 * test_core_labelsnap.c — label snapshots (core/labelsnap.c).
 *
 * The oracle is always a fresh walk of the label index (sk_scan_prop with
 * an empty prefix): after every kind of label change — create (plain and
 * bulk), set label, delete, purge, merge, unmerge, an aborted change, a
 * change through another handle — the snapshot a later transaction gets
 * must hold exactly the walk's entries in the walk's order, so a stale
 * snapshot reused past a change fails. Changes that touch no label must
 * not cost a rebuild (the same snapshot comes back).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_case.h"

static sk_sym sym(sk_txn *t, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    assert_int_equal(sk_name_intern(t, d, name, strlen(name), true, &s), SK_OK);
    return s;
}

static sk_sym person_type(sk_store *s)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    sk_sym p = sym(t, SK_DICT_ETYPE, "person");
    assert_int_equal(sk_txn_commit(t), SK_OK);
    return p;
}

/* Asserts that SNAP holds what a walk of TYPE's label index in T gives. */
static void assert_matches_walk(sk_txn *t, sk_sym type, const sk_label_snap *snap)
{
    sk_label_view v;
    sk_label_snap_view(snap, &v);
    sk_idcur *c;
    assert_int_equal(sk_scan_prop(t, type, 0, "", 0, true, &c), SK_OK);
    size_t i = 0;
    sk_id id;
    int rc;
    while ((rc = sk_idcur_next(c, &id)) == SK_OK) {
        const char *s;
        size_t n;
        assert_int_equal(sk_idcur_text(c, &s, &n), SK_OK);
        if (i >= v.n)
            fail_msg("the snapshot lacks entry %zu (id %llu)", i, (unsigned long long)id);
        assert_int_equal(v.id[i], id);
        assert_int_equal(v.off[i + 1] - v.off[i], n);
        assert_memory_equal(v.text + v.off[i], s, n);
        i++;
    }
    assert_int_equal(rc, SK_DONE);
    sk_idcur_close(c);
    assert_int_equal(i, v.n);
}

/* Takes TYPE's snapshot in a new read transaction of S, checks it against
 * the walk and returns it (the caller releases it). */
static sk_label_snap *checked_snap(sk_store *s, sk_sym type)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_label_snap *snap;
    assert_int_equal(sk_label_snapshot(t, type, &snap), SK_OK);
    assert_matches_walk(t, type, snap);
    sk_txn_abort(t);
    return snap;
}

/* Whether SNAP holds entity ID with folded text TEXT. */
static bool holds(const sk_label_snap *snap, sk_id id, const char *text)
{
    sk_label_view v;
    sk_label_snap_view(snap, &v);
    for (size_t i = 0; i < v.n; i++)
        if (v.id[i] == id && v.off[i + 1] - v.off[i] == strlen(text) &&
            memcmp(v.text + v.off[i], text, strlen(text)) == 0)
            return true;
    return false;
}

static bool holds_id(const sk_label_snap *snap, sk_id id)
{
    sk_label_view v;
    sk_label_snap_view(snap, &v);
    for (size_t i = 0; i < v.n; i++)
        if (v.id[i] == id)
            return true;
    return false;
}

typedef struct made {
    sk_id id[64];
    size_t n;
    bool bulk;
} made;

static const char *const NAMES[] = {"John Smith", "Jon Doe", "Mary Ann", "JOHN SMITH",
                                    "Joan Baez", "Mohammed Ali", "Zoë Ball", "Ahmed"};

static int make_people(sk_txn *t, void *ctx)
{
    made *m = ctx;
    if (m->bulk)
        assert_int_equal(sk_txn_bulk(t), SK_OK);
    sk_sym p = sym(t, SK_DICT_ETYPE, "person");
    for (size_t i = 0; i < 16; i++) {
        char key[32];
        snprintf(key, sizeof key, "%s-%zu-%zu", m->bulk ? "B" : "P", m->n, i);
        sk_entity_in in = {.type = p, .key = key, .label = NAMES[i % 8]};
        assert_int_equal(sk_entity_create(t, &in, &m->id[m->n++]), SK_OK);
    }
    return SK_OK;
}

/* One change to the labels, run by sk_store_write. */
typedef struct change {
    enum { SET_LABEL, DELETE, PURGE, MERGE, UNMERGE, SET_PROP } kind;
    sk_id id, other;
    const char *label;
} change;

static int apply(sk_txn *t, void *ctx)
{
    change *c = ctx;
    uint64_t erased;
    sk_value v = {.type = SK_V_STR, .u.str = {"blue", 4}};
    switch (c->kind) {
    case SET_LABEL: return sk_entity_set_label(t, c->id, c->label);
    case DELETE: return sk_entity_delete(t, c->id);
    case PURGE: return sk_entity_purge(t, c->id, &erased);
    case MERGE: return sk_entity_merge(t, c->id, c->other);
    case UNMERGE: return sk_entity_unmerge(t, c->other, &c->id);
    case SET_PROP: return sk_entity_set_prop(t, c->id, sym(t, SK_DICT_PROP, "colour"), &v);
    }
    return SK_EINVAL;
}

static void test_changes(void **state)
{
    test_case *tc = *state;
    sk_store *s = tc->s;
    sk_sym p = person_type(s);
    made m = {.bulk = true}; /* bulk mode needs an empty case: first */
    assert_int_equal(sk_store_write(s, make_people, &m), SK_OK);
    m.bulk = false;
    assert_int_equal(sk_store_write(s, make_people, &m), SK_OK);

    sk_label_snap *a = checked_snap(s, p);
    sk_label_view v;
    sk_label_snap_view(a, &v);
    assert_int_equal(v.n, 32);
    /* Unchanged labels: the same snapshot comes back. */
    sk_label_snap *b = checked_snap(s, p);
    assert_ptr_equal(a, b);
    sk_label_snap_release(b);

    /* A change that touches no label keeps it too. */
    change c = {.kind = SET_PROP, .id = m.id[0]};
    assert_int_equal(sk_store_write(s, apply, &c), SK_OK);
    b = checked_snap(s, p);
    assert_ptr_equal(a, b);
    sk_label_snap_release(b);

    c = (change){.kind = SET_LABEL, .id = m.id[1], .label = "Kevin Bacon"};
    assert_int_equal(sk_store_write(s, apply, &c), SK_OK);
    b = checked_snap(s, p);
    assert_true(holds(b, m.id[1], "kevin bacon"));
    /* The old snapshot, still held, is still readable (and stale). */
    assert_false(holds(a, m.id[1], "kevin bacon"));
    sk_label_snap_release(a);
    sk_label_snap_release(b);

    c = (change){.kind = DELETE, .id = m.id[2]};
    assert_int_equal(sk_store_write(s, apply, &c), SK_OK);
    b = checked_snap(s, p);
    assert_false(holds_id(b, m.id[2]));
    sk_label_snap_release(b);

    c = (change){.kind = PURGE, .id = m.id[20]};
    assert_int_equal(sk_store_write(s, apply, &c), SK_OK);
    b = checked_snap(s, p);
    assert_false(holds_id(b, m.id[20]));
    sk_label_snap_release(b);

    c = (change){.kind = MERGE, .id = m.id[3], .other = m.id[4]};
    assert_int_equal(sk_store_write(s, apply, &c), SK_OK);
    b = checked_snap(s, p);
    assert_false(holds_id(b, m.id[3]));
    sk_label_snap_release(b);

    c = (change){.kind = UNMERGE, .other = m.id[4]};
    assert_int_equal(sk_store_write(s, apply, &c), SK_OK);
    b = checked_snap(s, p);
    assert_true(holds_id(b, c.id));
    sk_label_snap_release(b);
}

/* A write transaction that changed labels gets no snapshot; an aborted
 * change leaves the snapshot valid. */
static void test_uncommitted(void **state)
{
    test_case *tc = *state;
    sk_store *s = tc->s;
    sk_sym p = person_type(s);
    made m = {0};
    assert_int_equal(sk_store_write(s, make_people, &m), SK_OK);
    sk_label_snap *a = checked_snap(s, p);

    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    sk_label_snap *b;
    /* Before any label change the committed snapshot serves. */
    assert_int_equal(sk_label_snapshot(t, p, &b), SK_OK);
    assert_ptr_equal(a, b);
    sk_label_snap_release(b);
    assert_int_equal(sk_entity_set_label(t, m.id[0], "Changed Name"), SK_OK);
    assert_int_equal(sk_label_snapshot(t, p, &b), SK_ENOTFOUND);
    assert_null(b);
    sk_txn_abort(t);

    b = checked_snap(s, p);
    assert_ptr_equal(a, b);
    assert_false(holds(b, m.id[0], "changed name"));
    sk_label_snap_release(a);
    sk_label_snap_release(b);
}

/* A change through another handle on the same file is seen. */
static void test_other_handle(void **state)
{
    test_case *tc = *state;
    sk_sym p = person_type(tc->s);
    made m = {0};
    assert_int_equal(sk_store_write(tc->s, make_people, &m), SK_OK);
    sk_label_snap *a = checked_snap(tc->s, p);
    sk_label_snap_release(a);

    sk_store *other;
    char err[256];
    assert_int_equal(sk_store_open(tc->path, NULL, &other, err, sizeof err), SK_OK);
    change c = {.kind = SET_LABEL, .id = m.id[5], .label = "Somebody Else"};
    assert_int_equal(sk_store_write(other, apply, &c), SK_OK);
    sk_store_close(other);

    sk_label_snap *b = checked_snap(tc->s, p);
    assert_true(holds(b, m.id[5], "somebody else"));
    sk_label_snap_release(b);
}

/* A prefix range holds what a prefix scan of the index gives. */
static void test_range(void **state)
{
    test_case *tc = *state;
    sk_sym p = person_type(tc->s);
    made m = {0};
    assert_int_equal(sk_store_write(tc->s, make_people, &m), SK_OK);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(tc->s, false, &t), SK_OK);
    sk_label_snap *snap;
    assert_int_equal(sk_label_snapshot(t, p, &snap), SK_OK);
    sk_label_view v;
    sk_label_snap_view(snap, &v);
    static const char *const prefixes[] = {"", "J", "jo", "john smith", "john smithx", "z",
                                           "zz", "a", "0", "\xc3\xbf"};
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        const char *pre = prefixes[k];
        size_t lo, hi;
        assert_int_equal(sk_label_snap_range(snap, pre, strlen(pre), &lo, &hi), SK_OK);
        sk_idcur *c;
        assert_int_equal(sk_scan_prop(t, p, 0, pre, strlen(pre), true, &c), SK_OK);
        size_t i = lo;
        sk_id id;
        while (sk_idcur_next(c, &id) == SK_OK) {
            assert_true(i < hi);
            assert_int_equal(v.id[i], id);
            i++;
        }
        sk_idcur_close(c);
        if (i != hi)
            fail_msg("prefix \"%s\": range [%zu, %zu), scan ended at %zu", pre, lo, hi, i);
    }
    sk_label_snap_release(snap);
    /* No type, or a type without labels. */
    assert_int_equal(sk_label_snapshot(t, 0, &snap), SK_ENOTFOUND);
    sk_txn_abort(t);
    assert_int_equal(sk_txn_begin(tc->s, true, &t), SK_OK);
    sk_sym empty = sym(t, SK_DICT_ETYPE, "vehicle");
    assert_int_equal(sk_txn_commit(t), SK_OK);
    snap = checked_snap(tc->s, empty);
    sk_label_snap_view(snap, &v);
    assert_int_equal(v.n, 0);
    size_t lo, hi;
    assert_int_equal(sk_label_snap_range(snap, "a", 1, &lo, &hi), SK_OK);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 0);
    sk_label_snap_release(snap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_changes, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_uncommitted, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_other_handle, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_range, test_case_setup, test_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
