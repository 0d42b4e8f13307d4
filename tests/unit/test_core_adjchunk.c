/*
 * test_core_adjchunk.c — adjacency records in chunks (core/adjchunk.c)
 * against a model: a hub with thousands of links, created and deleted in
 * random order over many transactions (chunks merged, split, emptied,
 * first chunks replaced), must read back exactly as the model says —
 * whole, by link type, by direction, by degree and by upsert — and the
 * chunks must keep their invariants.
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

#define NENT 40
#define MAXL 6000

typedef struct mlink {
    sk_id id, src, dst;
    sk_sym type;
    bool directed, alive;
    int64_t time;
} mlink;

typedef struct model {
    sk_id ents[NENT];        /* ents[0] is the hub */
    sk_sym types[3];
    mlink l[MAXL];
    size_t n;
    uint64_t rng;
} model;

static uint64_t rnd(model *m)
{
    m->rng ^= m->rng << 13;
    m->rng ^= m->rng >> 7;
    m->rng ^= m->rng << 17;
    return m->rng;
}

static int cmp_rec(const void *a, const void *b) { return memcmp(a, b, ADJ_SIZE); }

/* The records the model says entity E has, sorted, into OUT; returns n. */
static size_t expect(const model *m, sk_id e, uint8_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++) {
        const mlink *l = &m->l[i];
        if (!l->alive)
            continue;
        adj_rec r;
        if (l->src == e) {
            sk__adj_encode(&r, l->type, l->directed ? SK_DIR_OUT : SK_DIR_UNDIR, l->dst, l->id,
                           l->time);
            memcpy(out + n++ * ADJ_SIZE, r.b, ADJ_SIZE);
        }
        if (l->dst == e && !(l->src == l->dst && !l->directed)) {
            sk__adj_encode(&r, l->type, l->directed ? SK_DIR_IN : SK_DIR_UNDIR, l->src, l->id,
                           l->time);
            memcpy(out + n++ * ADJ_SIZE, r.b, ADJ_SIZE);
        }
    }
    qsort(out, n, ADJ_SIZE, cmp_rec);
    return n;
}

/* Reads entity E through a cursor filtered by LT and MASK and compares
 * with the model's records that pass the same filter. */
static void check_cursor(sk_txn *t, sk_adjcur *c, const uint8_t *want, size_t nwant, sk_id e,
                         sk_sym lt, unsigned mask)
{
    assert_int_equal(sk_adj_seek(c, e, lt, mask), SK_OK);
    size_t i = 0;
    sk_adj a;
    while (sk_adj_next(c, &a) == SK_OK) {
        sk_adj w;
        do {
            assert_true(i < nwant);
            sk__adj_decode(want + i++ * ADJ_SIZE, &w);
        } while ((lt && w.ltype != lt) || !(mask & w.dir));
        assert_int_equal(a.ltype, w.ltype);
        assert_int_equal(a.dir, w.dir);
        assert_int_equal(a.nb, w.nb);
        assert_int_equal(a.link, w.link);
        assert_int_equal(a.time, w.time);
    }
    for (; i < nwant; i++) { /* nothing that passes the filter is left */
        sk_adj w;
        sk__adj_decode(want + i * ADJ_SIZE, &w);
        assert_false((!lt || w.ltype == lt) && (mask & w.dir));
    }
    (void)t;
}

/* The chunks' invariants, over the whole database. */
static void check_chunks(sk_txn *t)
{
    MDB_cursor *c;
    assert_int_equal(mdb_cursor_open(t->txn, t->s->dbi[DB_ADJ], &c), 0);
    MDB_val k, v;
    sk_id cur = 0;
    uint8_t last[ADJ_SIZE];
    int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    while (rc == 0) {
        assert_true(k.mv_size == ADJ_KEY || k.mv_size == ADJ_KEY + ADJ_SIZE);
        sk_id e = be_get(k.mv_data, ADJ_KEY);
        size_t n = v.mv_size / ADJ_SIZE;
        assert_int_equal(v.mv_size % ADJ_SIZE, 0);
        assert_true(n >= 1 && n <= ADJ_CHUNK);
        const uint8_t *p = v.mv_data;
        if (e != cur) {
            assert_int_equal(k.mv_size, ADJ_KEY); /* an entity starts at its id */
            cur = e;
        } else {
            assert_int_equal(k.mv_size, ADJ_KEY + ADJ_SIZE);
            const uint8_t *bound = (const uint8_t *)k.mv_data + ADJ_KEY;
            assert_true(memcmp(last, bound, ADJ_SIZE) < 0);
            assert_true(memcmp(bound, p, ADJ_SIZE) <= 0);
        }
        for (size_t i = 0; i < n; i++) {
            if (i || k.mv_size > ADJ_KEY)
                assert_true(memcmp(i ? p + (i - 1) * ADJ_SIZE : last, p + i * ADJ_SIZE,
                                   ADJ_SIZE) < 0);
        }
        memcpy(last, p + (n - 1) * ADJ_SIZE, ADJ_SIZE);
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    assert_int_equal(rc, MDB_NOTFOUND);
    mdb_cursor_close(c);
}

static void check_all(sk_txn *t, const model *m)
{
    uint8_t *want = malloc(2 * MAXL * ADJ_SIZE);
    sk_adjcur *c;
    assert_int_equal(sk_adj_open(t, m->ents[0], 0, SK_DIR_ANY, &c), SK_OK);
    /* In id order (the scan path), then the hub again by type and direction. */
    for (int i = 0; i < NENT; i++) {
        size_t n = expect(m, m->ents[i], want);
        check_cursor(t, c, want, n, m->ents[i], 0, SK_DIR_ANY);
        uint64_t deg;
        assert_int_equal(sk_adj_degree(t, m->ents[i], &deg), SK_OK);
        assert_int_equal(deg, n);
    }
    size_t n = expect(m, m->ents[0], want);
    for (int ti = 0; ti < 3; ti++)
        for (unsigned mask = 1; mask <= SK_DIR_ANY; mask++)
            check_cursor(t, c, want, n, m->ents[0], m->types[ti], mask);
    for (int i = NENT - 1; i >= 0; i -= 3) { /* backwards: every seek searches */
        size_t k = expect(m, m->ents[i], want);
        check_cursor(t, c, want, k, m->ents[i], 0, SK_DIR_ANY);
    }
    sk_adj_close(c);
    check_chunks(t);
    free(want);
}

static void add_links(sk_txn *t, model *m, int count)
{
    for (int i = 0; i < count && m->n < MAXL; i++) {
        mlink l = {.type = m->types[rnd(m) % 3], .directed = rnd(m) % 4 != 0, .alive = true};
        /* Most links touch the hub, a few are self-loops or between others. */
        uint64_t r = rnd(m) % 20;
        l.src = m->ents[r == 0 ? rnd(m) % NENT : 0];
        l.dst = m->ents[r == 1 ? 0 : rnd(m) % NENT];
        if (r == 2)
            l.src = l.dst;
        l.time = rnd(m) % 3 ? (int64_t)(rnd(m) % 1000000) - 500000 : SK_NO_TIME;
        sk_link_in in = {.src = l.src, .dst = l.dst, .type = l.type, .directed = l.directed,
                         .t_start = l.time, .t_end = l.time};
        assert_int_equal(sk_link_create(t, &in, &l.id), SK_OK);
        m->l[m->n++] = l;
    }
}

static void del_links(sk_txn *t, model *m, int count)
{
    for (int i = 0; i < count; i++) {
        mlink *l = &m->l[rnd(m) % m->n];
        if (!l->alive)
            continue;
        assert_int_equal(sk_link_delete(t, l->id), SK_OK);
        l->alive = false;
    }
}

static void test_hub_against_model(void **state)
{
    fixture *f = *state;
    static model m;
    memset(&m, 0, sizeof m);
    m.rng = 0x9e3779b97f4a7c15ull;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_sym person;
    assert_int_equal(sk_name_intern(t, SK_DICT_ETYPE, "person", 6, true, &person), SK_OK);
    const char *tn[3] = {"calls", "knows", "meets"};
    for (int i = 0; i < 3; i++)
        assert_int_equal(sk_name_intern(t, SK_DICT_LTYPE, tn[i], 5, true, &m.types[i]), SK_OK);
    for (int i = 0; i < NENT; i++) {
        char key[16];
        snprintf(key, sizeof key, "e%d", i);
        sk_entity_in in = {.type = person, .key = key};
        assert_int_equal(sk_entity_create(t, &in, &m.ents[i]), SK_OK);
    }
    assert_int_equal(sk_txn_commit(t), SK_OK);

    for (int round = 0; round < 12; round++) {
        assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
        add_links(t, &m, 400);
        if (round % 3 == 1) /* read in the middle: the adds are merged now */
            check_all(t, &m);
        del_links(t, &m, round < 8 ? 60 : 400);
        add_links(t, &m, 50);
        assert_int_equal(sk_txn_commit(t), SK_OK);
        assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
        check_all(t, &m);
        sk_txn_abort(t);
    }
    /* An upsert finds links wherever they are in the hub's chunks. */
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    int found = 0;
    for (size_t i = 0; i < m.n; i += 7) {
        const mlink *l = &m.l[i];
        if (!l->alive)
            continue;
        sk_link_in in = {.src = l->src, .dst = l->dst, .type = l->type, .directed = l->directed,
                         .t_start = l->time, .t_end = l->time};
        sk_id id;
        bool created;
        assert_int_equal(sk_link_upsert(t, &in, &id, &created), SK_OK);
        assert_false(created);
        sk_arena *a = sk_arena_new();
        sk_link got;
        assert_int_equal(sk_link_get(t, id, a, &got), SK_OK);
        assert_int_equal(got.type, l->type);
        assert_int_equal(got.t_start, l->time);
        sk_arena_free(a);
        found++;
    }
    assert_true(found > 100);
    /* Deleting every link of the hub empties its chunks. */
    for (size_t i = 0; i < m.n; i++)
        if (m.l[i].alive && (m.l[i].src == m.ents[0] || m.l[i].dst == m.ents[0])) {
            assert_int_equal(sk_link_delete(t, m.l[i].id), SK_OK);
            m.l[i].alive = false;
        }
    check_all(t, &m);
    uint64_t deg;
    assert_int_equal(sk_adj_degree(t, m.ents[0], &deg), SK_OK);
    assert_int_equal(deg, 0);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

/* The same links loaded in bulk and one by one make the same chunks'
 * records (chunk boundaries may differ: the bulk load cuts evenly). */
static void test_bulk_same_records(void **state)
{
    fixture *f = *state;
    static model m;
    memset(&m, 0, sizeof m);
    m.rng = 12345;
    char dir[64], path[96];
    sk_store *bulk;
    assert_int_equal(test_case_open("adjbulk", dir, sizeof dir, path, sizeof path, &bulk), 0);
    sk_store *stores[2] = {f->s, bulk};
    model *mm[2] = {&m, NULL};
    static model m2;
    mm[1] = &m2;
    for (int s = 0; s < 2; s++) {
        memset(mm[s], 0, sizeof *mm[s]);
        mm[s]->rng = 12345;
        sk_txn *t;
        assert_int_equal(sk_txn_begin(stores[s], true, &t), SK_OK);
        if (s == 1)
            assert_int_equal(sk_txn_bulk(t), SK_OK);
        sk_sym person;
        assert_int_equal(sk_name_intern(t, SK_DICT_ETYPE, "person", 6, true, &person), SK_OK);
        const char *tn[3] = {"calls", "knows", "meets"};
        for (int i = 0; i < 3; i++)
            assert_int_equal(sk_name_intern(t, SK_DICT_LTYPE, tn[i], 5, true, &mm[s]->types[i]),
                             SK_OK);
        for (int i = 0; i < NENT; i++) {
            char key[16];
            snprintf(key, sizeof key, "e%d", i);
            sk_entity_in in = {.type = person, .key = key};
            assert_int_equal(sk_entity_create(t, &in, &mm[s]->ents[i]), SK_OK);
        }
        if (s == 0) { /* one by one, flushed every 500 links */
            for (int k = 0; k < 6; k++) {
                add_links(t, mm[s], 500);
                uint64_t deg;
                assert_int_equal(sk_adj_degree(t, mm[s]->ents[0], &deg), SK_OK);
            }
        } else {
            add_links(t, mm[s], 3000);
        }
        assert_int_equal(sk_txn_commit(t), SK_OK);
    }
    sk_txn *t0, *t1;
    assert_int_equal(sk_txn_begin(f->s, false, &t0), SK_OK);
    assert_int_equal(sk_txn_begin(bulk, false, &t1), SK_OK);
    check_all(t0, &m);
    check_all(t1, &m2);
    sk_adjcur *c0, *c1;
    assert_int_equal(sk_adj_open(t0, m.ents[0], 0, SK_DIR_ANY, &c0), SK_OK);
    assert_int_equal(sk_adj_open(t1, m2.ents[0], 0, SK_DIR_ANY, &c1), SK_OK);
    for (int i = 0; i < NENT; i++) {
        assert_int_equal(sk_adj_seek(c0, m.ents[i], 0, SK_DIR_ANY), SK_OK);
        assert_int_equal(sk_adj_seek(c1, m2.ents[i], 0, SK_DIR_ANY), SK_OK);
        sk_adj a, b;
        int r0, r1;
        while ((r0 = sk_adj_next(c0, &a)) == SK_OK) {
            r1 = sk_adj_next(c1, &b);
            assert_int_equal(r1, SK_OK);
            assert_int_equal(a.ltype, b.ltype);
            assert_int_equal(a.dir, b.dir);
            assert_int_equal(a.nb, b.nb);
            assert_int_equal(a.link, b.link);
            assert_int_equal(a.time, b.time);
        }
        assert_int_equal(sk_adj_next(c1, &b), SK_DONE);
    }
    sk_adj_close(c0);
    sk_adj_close(c1);
    sk_txn_abort(t0);
    sk_txn_abort(t1);
    assert_int_equal(test_case_close(bulk, dir), 0);
}

/* The 17-byte record keeps every field at its limits, and sorts by link
 * type, then direction (out, in, undirected), then neighbour. */
static void test_record_limits_and_order(void **state)
{
    (void)state;
    const int64_t tlim = ((int64_t)1 << 39) - 1;
    const sk_id idmax = SK_ID_MAX - 1;
    struct { sk_sym lt; uint8_t dir; sk_id nb, link; int64_t time; } v[] = {
        {1, SK_DIR_OUT, 1, 1, SK_NO_TIME},
        {1, SK_DIR_OUT, 2, idmax, -tlim},
        {1, SK_DIR_IN, 1, 7, tlim},
        {1, SK_DIR_UNDIR, 0, 1, 0},
        {2, SK_DIR_OUT, idmax, 3, 1},
        {SK_LTYPE_MAX, SK_DIR_IN, idmax, idmax, tlim},
        {SK_LTYPE_MAX, SK_DIR_UNDIR, 1, 1, -1},
    };
    size_t n = sizeof v / sizeof v[0];
    adj_rec prev;
    for (size_t i = 0; i < n; i++) {
        adj_rec r;
        sk__adj_encode(&r, v[i].lt, v[i].dir, v[i].nb, v[i].link, v[i].time);
        sk_adj a;
        sk__adj_decode(r.b, &a);
        assert_int_equal(a.ltype, v[i].lt);
        assert_int_equal(a.dir, v[i].dir);
        assert_int_equal(a.nb, v[i].nb);
        assert_int_equal(a.link, v[i].link);
        assert_int_equal(a.time, v[i].time);
        if (i)
            assert_true(memcmp(prev.b, r.b, ADJ_SIZE) < 0);
        prev = r;
    }
}

static uint64_t count_seek(sk_adjcur *c, sk_id e)
{
    assert_int_equal(sk_adj_seek(c, e, 0, SK_DIR_ANY), SK_OK);
    sk_adj a;
    uint64_t n = 0;
    while (sk_adj_next(c, &a) == SK_OK)
        n++;
    return n;
}

/* A cursor walking entities in id order skips those without links with no
 * search; a write between two seeks (links of an entity in the gap it
 * skipped) must still be seen. */
static void test_scan_in_id_order_sees_writes(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_sym person, knows;
    assert_int_equal(sk_name_intern(t, SK_DICT_ETYPE, "person", 6, true, &person), SK_OK);
    assert_int_equal(sk_name_intern(t, SK_DICT_LTYPE, "knows", 5, true, &knows), SK_OK);
    sk_id e[10];
    for (int i = 0; i < 10; i++) {
        char key[8];
        snprintf(key, sizeof key, "g%d", i);
        sk_entity_in in = {.type = person, .key = key};
        assert_int_equal(sk_entity_create(t, &in, &e[i]), SK_OK);
    }
    sk_link_in in = {.src = e[0], .dst = e[9], .type = knows, .directed = true,
                     .t_start = SK_NO_TIME, .t_end = SK_NO_TIME};
    sk_id id;
    assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);

    /* Read: e1..e8 have nothing, e9 one record, in id order and again. */
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    sk_adjcur *c;
    assert_int_equal(sk_adj_open(t, e[0], 0, SK_DIR_ANY, &c), SK_OK);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 10; i++)
            assert_int_equal(count_seek(c, e[i]), i == 0 || i == 9 ? 1 : 0);
    sk_adj_close(c);
    sk_txn_abort(t);

    /* Write: a link of e3 and e5 made after the cursor passed e1. */
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    assert_int_equal(sk_adj_open(t, e[0], 0, SK_DIR_ANY, &c), SK_OK);
    assert_int_equal(count_seek(c, e[0]), 1);
    assert_int_equal(count_seek(c, e[1]), 0);
    in.src = e[3], in.dst = e[5];
    assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
    assert_int_equal(count_seek(c, e[2]), 0);
    assert_int_equal(count_seek(c, e[3]), 1);
    assert_int_equal(count_seek(c, e[4]), 0);
    assert_int_equal(count_seek(c, e[5]), 1);
    assert_int_equal(count_seek(c, e[9]), 1);
    sk_adj_close(c);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

/* Link types must fit the record's 14 bits: the one past is refused. */
static void test_link_type_limit(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    char name[32];
    sk_sym sym = 0;
    for (unsigned i = 1; i <= SK_LTYPE_MAX; i++) {
        int n = snprintf(name, sizeof name, "lt%u", i);
        assert_int_equal(sk_name_intern(t, SK_DICT_LTYPE, name, (size_t)n, true, &sym), SK_OK);
    }
    assert_int_equal(sym, SK_LTYPE_MAX);
    int n = snprintf(name, sizeof name, "one-too-many");
    assert_int_equal(sk_name_intern(t, SK_DICT_LTYPE, name, (size_t)n, true, &sym), SK_ELIMIT);
    assert_non_null(strstr(sk_txn_errmsg(t), "too many link types"));
    sk_txn_abort(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_limits_and_order),
        cmocka_unit_test_setup_teardown(test_link_type_limit, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_scan_in_id_order_sees_writes, test_case_setup,
                                        test_case_teardown),
        cmocka_unit_test_setup_teardown(test_hub_against_model, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_bulk_same_records, test_case_setup, test_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
