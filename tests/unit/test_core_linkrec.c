/*
 * test_core_linkrec.c — link records packed 64 to a bucket (core/linkrec.c):
 * every link reads back across bucket edges, updates and deletes rewrite
 * one bucket, an emptied bucket disappears, a record of any size fits,
 * scans return ids in order, counts follow deletes, an abort leaves the
 * buckets as they were, damaged buckets are errors, and a case of the
 * previous format is refused.
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

#define NLINKS 300 /* ids 1..300: buckets 0 (1..63) to 4 (256..300) */

static sk_sym intern(sk_txn *t, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    assert_int_equal(sk_name_intern(t, d, name, strlen(name), true, &s), SK_OK);
    return s;
}

/* Link I of the test set: ends, type, time and weight all follow from I,
 * so a read can be checked against what was written. */
static sk_link_in link_in(sk_txn *t, const sk_id *ents, int i)
{
    return (sk_link_in){.src = ents[i % 7], .dst = ents[(i * 3 + 1) % 7],
                        .type = intern(t, SK_DICT_LTYPE, i % 2 ? "calls" : "knows"),
                        .directed = i % 3 != 0, .t_start = 1000 * i, .t_end = 1000 * i + 5,
                        .weight = 1.0 + i};
}

static void check_link(sk_txn *t, const sk_id *ents, sk_id id, int i)
{
    sk_arena *a = sk_arena_new();
    sk_link l;
    assert_int_equal(sk_link_get(t, id, a, &l), SK_OK);
    sk_link_in want = link_in(t, ents, i);
    assert_int_equal(l.id, id);
    assert_int_equal(l.src, want.src);
    assert_int_equal(l.dst, want.dst);
    assert_int_equal(l.type, want.type);
    assert_int_equal(l.directed, want.directed);
    assert_int_equal(l.t_start, want.t_start);
    assert_int_equal(l.t_end, want.t_end);
    assert_true(l.weight == want.weight);
    sk_arena_free(a);
}

/* Makes 7 entities and NLINKS links (link i has id i), committed. */
static void build(sk_store *s, sk_id ents[7])
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    for (int i = 0; i < 7; i++) {
        char key[16];
        snprintf(key, sizeof key, "p%d", i);
        sk_entity_in in = {.type = intern(t, SK_DICT_ETYPE, "person"), .key = key};
        assert_int_equal(sk_entity_create(t, &in, &ents[i]), SK_OK);
    }
    for (int i = 1; i <= NLINKS; i++) {
        sk_link_in in = link_in(t, ents, i);
        sk_id id;
        assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
        assert_int_equal(id, (sk_id)i);
        if (i % 50 == 0) /* read back while the bucket is still pending */
            check_link(t, ents, id, i);
    }
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

/* Whether the link database holds a record for bucket NO. */
static bool bucket_stored(sk_txn *t, sk_id no)
{
    uint8_t k[8];
    be_put(k, no, 8);
    MDB_val v;
    return sk__get(t, DB_LINK, k, 8, &v) == SK_OK;
}

static uint64_t link_count(sk_txn *t)
{
    sk_arena *a = sk_arena_new();
    sk_stats st;
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    sk_arena_free(a);
    return st.links;
}

/* Ids a scan of all links returns, in order, into OUT (room for CAP). */
static size_t scan_ids(sk_txn *t, sk_id *out, size_t cap)
{
    sk_idcur *c;
    assert_int_equal(sk_scan_links(t, &c), SK_OK);
    size_t n = 0;
    sk_id id;
    while (sk_idcur_next(c, &id) == SK_OK) {
        assert_true(n < cap);
        out[n++] = id;
    }
    sk_idcur_close(c);
    return n;
}

static void test_buckets_read_write(void **state)
{
    fixture *f = *state;
    sk_id ents[7];
    build(f->s, ents);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    for (int i = 1; i <= NLINKS; i++)
        check_link(t, ents, (sk_id)i, i);
    sk_arena *a = sk_arena_new();
    sk_link l;
    assert_int_equal(sk_link_get(t, 0, a, &l), SK_ENOTFOUND);
    assert_int_equal(sk_link_get(t, NLINKS + 1, a, &l), SK_ENOTFOUND);
    assert_int_equal(sk_link_get(t, 64 * 100, a, &l), SK_ENOTFOUND);
    sk_arena_free(a);
    for (sk_id b = 0; b <= NLINKS / 64; b++)
        assert_true(bucket_stored(t, b));
    assert_false(bucket_stored(t, NLINKS / 64 + 1));
    assert_int_equal(link_count(t), NLINKS);
    sk_id ids[NLINKS + 8];
    assert_int_equal(scan_ids(t, ids, NLINKS + 8), NLINKS);
    for (int i = 0; i < NLINKS; i++)
        assert_int_equal(ids[i], (sk_id)i + 1);
    sk_txn_abort(t);
}

static void test_update_delete_edges(void **state)
{
    fixture *f = *state;
    sk_id ents[7];
    build(f->s, ents);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_sym note = intern(t, SK_DICT_PROP, "note");
    /* A bucket's first and last ids, changed in place. */
    sk_id edges[] = {63, 64, 127, 128, 255, 256};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        char text[32];
        snprintf(text, sizeof text, "edge %llu", (unsigned long long)edges[i]);
        sk_value v = {.type = SK_V_STR, .u.str = {text, strlen(text)}};
        assert_int_equal(sk_link_set_prop(t, edges[i], note, &v), SK_OK);
    }
    /* Deletes: the first and last of bucket 1, all of bucket 2 (128..191). */
    assert_int_equal(sk_link_delete(t, 64), SK_OK);
    assert_int_equal(sk_link_delete(t, 127), SK_OK);
    for (sk_id id = 128; id <= 191; id++)
        assert_int_equal(sk_link_delete(t, id), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_link l;
    assert_int_equal(sk_link_get(t, 64, a, &l), SK_ENOTFOUND);
    assert_int_equal(sk_link_delete(t, 64), SK_ENOTFOUND);
    assert_int_equal(link_count(t), NLINKS - 66);
    assert_int_equal(sk_txn_commit(t), SK_OK);

    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    assert_false(bucket_stored(t, 2)); /* emptied: gone */
    assert_true(bucket_stored(t, 1) && bucket_stored(t, 3));
    for (int i = 1; i <= NLINKS; i++) {
        bool gone = i == 64 || i == 127 || (i >= 128 && i <= 191);
        if (gone) {
            assert_int_equal(sk_link_get(t, (sk_id)i, a, &l), SK_ENOTFOUND);
            continue;
        }
        check_link(t, ents, (sk_id)i, i);
    }
    const sk_id kept[] = {63, 255, 256};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(sk_link_get(t, kept[i], a, &l), SK_OK);
        assert_int_equal(l.nprops, 1);
        char text[32];
        snprintf(text, sizeof text, "edge %llu", (unsigned long long)kept[i]);
        assert_int_equal(l.props[0].value.u.str.len, strlen(text));
        assert_memory_equal(l.props[0].value.u.str.ptr, text, strlen(text));
    }
    assert_int_equal(link_count(t), NLINKS - 66);
    sk_space sp[32];
    size_t n;
    sk_space_total tot;
    assert_int_equal(sk_store_space(t, sp, 32, &n, &tot), SK_OK);
    assert_int_equal(sp[DB_LINK].entries, NLINKS - 66);
    sk_id ids[NLINKS];
    size_t got = scan_ids(t, ids, NLINKS);
    assert_int_equal(got, NLINKS - 66);
    for (size_t i = 1; i < got; i++)
        assert_true(ids[i] > ids[i - 1]);
    assert_int_equal(ids[62], 63);
    assert_int_equal(ids[63], 65);
    sk_arena_free(a);
    sk_txn_abort(t);

    /* New links go on after the highest id ever made, in a new bucket. */
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_link_in in = link_in(t, ents, 1);
    sk_id id;
    assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
    assert_int_equal(id, NLINKS + 1);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    check_link(t, ents, id, 1);
    assert_int_equal(link_count(t), NLINKS - 65);
    sk_txn_abort(t);
}

/* A bucket's raw bytes, copied (malloc'd), or NULL when it is absent. */
static uint8_t *bucket_copy(sk_store *s, sk_id no, size_t *len)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    uint8_t k[8];
    be_put(k, no, 8);
    MDB_val v;
    uint8_t *p = NULL;
    *len = 0;
    if (sk__get(t, DB_LINK, k, 8, &v) == SK_OK) {
        p = malloc(v.mv_size);
        memcpy(p, v.mv_data, v.mv_size);
        *len = v.mv_size;
    }
    sk_txn_abort(t);
    return p;
}

static void test_abort_leaves_buckets(void **state)
{
    fixture *f = *state;
    sk_id ents[7];
    build(f->s, ents);
    size_t len1, len4;
    uint8_t *b1 = bucket_copy(f->s, 1, &len1), *b4 = bucket_copy(f->s, 4, &len4);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_sym note = intern(t, SK_DICT_PROP, "note");
    sk_value v = {.type = SK_V_STR, .u.str = {"x", 1}};
    assert_int_equal(sk_link_set_prop(t, 70, note, &v), SK_OK);
    assert_int_equal(sk_link_delete(t, 71), SK_OK);
    for (int i = 0; i < 200; i++) { /* fills bucket 4, makes 5 to 7 */
        sk_link_in in = link_in(t, ents, i + 1);
        sk_id id;
        assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
    }
    sk_id ids[NLINKS + 300];
    assert_int_equal(scan_ids(t, ids, NLINKS + 300), NLINKS + 199);
    sk_txn_abort(t);
    size_t l1, l4;
    uint8_t *a1 = bucket_copy(f->s, 1, &l1), *a4 = bucket_copy(f->s, 4, &l4);
    assert_int_equal(l1, len1);
    assert_memory_equal(a1, b1, len1);
    assert_int_equal(l4, len4);
    assert_memory_equal(a4, b4, len4);
    size_t l5;
    assert_null(bucket_copy(f->s, 5, &l5));
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    assert_int_equal(link_count(t), NLINKS);
    sk_txn_abort(t);
    free(a1), free(a4), free(b1), free(b4);

    /* An aborted first load leaves no bucket at all. */
    char dir[64], path[96];
    sk_store *s;
    assert_int_equal(test_case_open("linkrec", dir, sizeof dir, path, sizeof path, &s), 0);
    sk_id e2[7];
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    for (int i = 0; i < 7; i++) {
        char key[16];
        snprintf(key, sizeof key, "q%d", i);
        sk_entity_in in = {.type = intern(t, SK_DICT_ETYPE, "person"), .key = key};
        assert_int_equal(sk_entity_create(t, &in, &e2[i]), SK_OK);
    }
    for (int i = 1; i <= 100; i++) {
        sk_link_in in = link_in(t, e2, i);
        sk_id id;
        assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
    }
    sk_txn_abort(t);
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    MDB_stat st;
    assert_int_equal(mdb_stat(t->txn, s->dbi[DB_LINK], &st), 0);
    assert_int_equal(st.ms_entries, 0);
    assert_int_equal(link_count(t), 0);
    sk_txn_abort(t);
    assert_int_equal(test_case_close(s, dir), 0);
}

static void test_huge_record(void **state)
{
    fixture *f = *state;
    sk_id ents[7];
    build(f->s, ents);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    /* 300 KiB of text and 2,000 properties: past 64 KiB, so 4-byte ends. */
    size_t big = 300 * 1024;
    char *text = malloc(big);
    for (size_t i = 0; i < big; i++)
        text[i] = (char)('a' + i % 26);
    enum { NPROPS = 2000 };
    sk_prop *props = calloc(NPROPS, sizeof *props);
    props[0] = (sk_prop){intern(t, SK_DICT_PROP, "text"), {.type = SK_V_STR, .u.str = {text, big}}};
    for (int i = 1; i < NPROPS; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        props[i] = (sk_prop){intern(t, SK_DICT_PROP, name), {.type = SK_V_INT, .u.i = i * 7}};
    }
    sk_link_in in = link_in(t, ents, NLINKS + 1);
    in.props = props;
    in.nprops = NPROPS;
    sk_id huge;
    assert_int_equal(sk_link_create(t, &in, &huge), SK_OK);
    assert_int_equal(huge, NLINKS + 1); /* in bucket 4 with 256..300 */
    sk_link_in after = link_in(t, ents, NLINKS + 2);
    sk_id next;
    assert_int_equal(sk_link_create(t, &after, &next), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);

    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_link l;
    assert_int_equal(sk_link_get(t, huge, a, &l), SK_OK);
    assert_int_equal(l.nprops, NPROPS);
    bool saw_text = false;
    for (size_t i = 0; i < l.nprops; i++)
        if (l.props[i].value.type == SK_V_STR) {
            saw_text = true;
            assert_int_equal(l.props[i].value.u.str.len, big);
            assert_memory_equal(l.props[i].value.u.str.ptr, text, big);
        }
    assert_true(saw_text);
    check_link(t, ents, 256, 256);
    check_link(t, ents, 300, 300);
    check_link(t, ents, next, NLINKS + 2);
    /* A change next to it rewrites the bucket with it. */
    sk_value v = {.type = SK_V_INT, .u.i = 42};
    assert_int_equal(sk_link_set_prop(t, 300, intern(t, SK_DICT_PROP, "n"), &v), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);

    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_arena_reset(a);
    assert_int_equal(sk_link_get(t, huge, a, &l), SK_OK);
    assert_int_equal(l.nprops, NPROPS);
    assert_int_equal(sk_link_get(t, 300, a, &l), SK_OK);
    assert_int_equal(l.nprops, 1);
    assert_int_equal(l.props[0].value.u.i, 42);
    check_link(t, ents, next, NLINKS + 2);
    assert_int_equal(sk_link_delete(t, huge), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    assert_int_equal(sk_link_get(t, huge, a, &l), SK_ENOTFOUND);
    check_link(t, ents, 299, 299);
    check_link(t, ents, next, NLINKS + 2);
    size_t len;
    uint8_t *b = bucket_copy(f->s, 4, &len);
    sk_lbkt pk;
    assert_int_equal(sk__lbkt_parse(&pk, b, len), SK_OK);
    assert_int_equal(pk.w, 2); /* small again */
    free(b);
    sk_txn_abort(t);
    sk_arena_free(a);
    free(props);
    free(text);
}

/* Upserts within one transaction find links whose bucket is pending. */
static void test_pending_bucket_lookups(void **state)
{
    fixture *f = *state;
    sk_id ents[7];
    build(f->s, ents);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_srcid src;
    sk_source so = {.name = "extract.csv"};
    assert_int_equal(sk_source_add(t, &so), SK_OK);
    src = so.id;
    for (int i = NLINKS + 1; i <= NLINKS + 40; i++) {
        sk_link_in in = link_in(t, ents, i);
        sk_id id;
        bool created;
        assert_int_equal(sk_link_upsert(t, &in, &id, &created), SK_OK);
        assert_true(created);
        in.assert.source = src;
        sk_id again;
        assert_int_equal(sk_link_upsert(t, &in, &again, &created), SK_OK);
        assert_false(created);
        assert_int_equal(again, id);
    }
    sk_arena *a = sk_arena_new();
    sk_link l;
    assert_int_equal(sk_link_get(t, NLINKS + 40, a, &l), SK_OK);
    assert_int_equal(l.nasserts, 1);
    assert_int_equal(l.asserts[0].source, src);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    sk_arena_reset(a);
    assert_int_equal(sk_link_get(t, NLINKS + 40, a, &l), SK_OK);
    assert_int_equal(l.nasserts, 1);
    assert_int_equal(link_count(t), NLINKS + 40);
    sk_arena_free(a);
    sk_txn_abort(t);
}

static void test_damaged_buckets(void **state)
{
    fixture *f = *state;
    uint8_t ok[9 + 2 + 3] = {0, 0, 0, 0, 0, 0, 0, 0x02, 2, 0, 3, 'a', 'b', 'c'};
    sk_lbkt b;
    assert_int_equal(sk__lbkt_parse(&b, ok, sizeof ok), SK_OK);
    const uint8_t *p;
    size_t n;
    assert_int_equal(sk__lbkt_rec(&b, 1, &p, &n), SK_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(p, "abc", 3);
    assert_int_equal(sk__lbkt_rec(&b, 0, &p, &n), SK_ENOTFOUND);
    assert_int_equal(sk__lbkt_parse(&b, ok, 8), SK_ECORRUPT);           /* short */
    assert_int_equal(sk__lbkt_parse(&b, ok, sizeof ok - 1), SK_ECORRUPT); /* end past */
    uint8_t bad[sizeof ok];
    memcpy(bad, ok, sizeof ok);
    bad[8] = 3; /* no such width */
    assert_int_equal(sk__lbkt_parse(&b, bad, sizeof bad), SK_ECORRUPT);
    memcpy(bad, ok, sizeof ok);
    bad[7] = 0; /* no record */
    assert_int_equal(sk__lbkt_parse(&b, bad, sizeof bad), SK_ECORRUPT);

    sk_id ents[7];
    build(f->s, ents);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    uint8_t k[8];
    be_put(k, 1, 8);
    assert_int_equal(sk__put(t, DB_LINK, k, 8, bad, sizeof bad, 0), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_link l;
    assert_int_equal(sk_link_get(t, 70, a, &l), SK_ECORRUPT);
    assert_non_null(strstr(sk_txn_errmsg(t), "damaged"));
    check_link(t, ents, 63, 63);
    sk_arena_free(a);
    sk_txn_abort(t);
}

static void test_old_format_refused(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    uint8_t v[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    assert_int_equal(sk__put(t, DB_META, "format", 6, v, 8, 0), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    sk_store_close(f->s);
    f->s = NULL;
    char err[512];
    assert_int_equal(sk_store_open(f->path, NULL, &f->s, err, sizeof err), SK_EVERSION);
    assert_null(f->s);
    assert_non_null(strstr(err, "older skein"));
    assert_non_null(strstr(err, "case format 1"));
    char want[64];
    snprintf(want, sizeof want, "reads format %u", SK_FORMAT_VERSION);
    assert_non_null(strstr(err, want));
    assert_non_null(strstr(err, "import its data again"));
}

/* Every combination of the fields a link record may leave out reads back
 * as written, and a record cut short or padded is damaged. */
static void test_record_fields(void **state)
{
    (void)state;
    sk_prop props[2] = {{3, {.type = SK_V_STR, .u.str = {"abc", 3}}},
                        {4, {.type = SK_V_INT, .u.i = -5}}};
    sk_assert asserts[2] = {{7, 9}, {8, 0}};
    sk_buf b = {0};
    sk_arena *a = sk_arena_new();
    for (unsigned m = 0; m < 64; m++) {
        sk_link l = {.id = 5, .src = 300, .dst = 1u << 30, .type = 77, .directed = m & 1,
                     .t_start = SK_NO_TIME, .t_end = SK_NO_TIME, .weight = m & 4 ? 2.5 : 1.0};
        if (m & 2) {
            l.t_start = l.t_end = -86400 * 365;
            l.t_end += m & 8 ? 3600 : 0;
            l.t_off = m & 16 ? -300 : 0;
        }
        if (m & 32) {
            l.props = props, l.nprops = 2;
            l.asserts = asserts, l.nasserts = 2;
        } else if (m & 16) {
            l.asserts = asserts, l.nasserts = 1;
        }
        assert_int_equal(sk__encode_link(&b, &l), SK_OK);
        sk_link d = {.id = 5};
        assert_int_equal(sk__decode_link(b.p, b.len, a, &d), SK_OK);
        assert_int_equal(d.src, l.src);
        assert_int_equal(d.dst, l.dst);
        assert_int_equal(d.type, l.type);
        assert_int_equal(d.directed, l.directed);
        assert_int_equal(d.t_start, l.t_start);
        assert_int_equal(d.t_end, l.t_end);
        assert_int_equal(d.t_off, l.t_off);
        assert_true(d.weight == l.weight);
        assert_int_equal(d.nprops, l.nprops);
        for (size_t i = 0; i < d.nprops; i++)
            assert_int_equal(d.props[i].name, props[i].name);
        assert_int_equal(d.nasserts, l.nasserts);
        for (size_t i = 0; i < d.nasserts; i++) {
            assert_int_equal(d.asserts[i].source, asserts[i].source);
            assert_int_equal(d.asserts[i].grade, asserts[i].grade);
        }
        assert_int_equal(sk__decode_link(b.p, b.len - 1, a, &d), SK_ECORRUPT);
        uint8_t longer[256];
        memcpy(longer, b.p, b.len);
        longer[b.len] = 0;
        assert_int_equal(sk__decode_link(longer, b.len + 1, a, &d), SK_ECORRUPT);
    }
    sk_arena_free(a);
    sk__buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_fields),
        cmocka_unit_test_setup_teardown(test_buckets_read_write, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_update_delete_edges, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_buckets, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_huge_record, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_pending_bucket_lookups, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_damaged_buckets, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_old_format_refused, test_case_setup, test_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
