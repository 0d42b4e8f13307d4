/*
 * test_core_store.c — the case store's contract: entities, links,
 * adjacency, indexes, sources, counts, and the behaviour that must hold
 * under failure (atomic commit, killed writer, second writer, map growth,
 * full disk, read-only file, foreign and newer files).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "test_case.h"
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef test_case fixture;

static sk_sym intern(sk_txn *t, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    assert_int_equal(sk_name_intern(t, d, name, strlen(name), true, &s), SK_OK);
    return s;
}

static sk_id mk_entity(sk_txn *t, const char *type, const char *key, const char *label)
{
    sk_entity_in in = {.type = intern(t, SK_DICT_ETYPE, type), .key = key, .label = label};
    sk_id id = 0;
    assert_int_equal(sk_entity_create(t, &in, &id), SK_OK);
    return id;
}

static sk_id mk_link(sk_txn *t, sk_id a, sk_id b, const char *type, bool directed,
                     int64_t time)
{
    sk_link_in in = {.src = a, .dst = b, .type = intern(t, SK_DICT_LTYPE, type),
                     .directed = directed, .t_start = time, .t_end = time};
    sk_id id = 0;
    assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
    return id;
}

static uint64_t count_adj(sk_txn *t, sk_id e, sk_sym ltype, unsigned mask)
{
    sk_adjcur *c;
    assert_int_equal(sk_adj_open(t, e, ltype, mask, &c), SK_OK);
    sk_adj a;
    uint64_t n = 0;
    int rc;
    while ((rc = sk_adj_next(c, &a)) == SK_OK)
        n++;
    assert_int_equal(rc, SK_DONE);
    sk_adj_close(c);
    return n;
}

static void test_entity_roundtrip(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_sym person = intern(t, SK_DICT_ETYPE, "Person");
    sk_sym dob = intern(t, SK_DICT_PROP, "dob");
    sk_sym age = intern(t, SK_DICT_PROP, "age");
    sk_prop props[] = {
        {dob, {.type = SK_V_TIME, .u.time = {-86400 * 365, 60}}},
        {age, {.type = SK_V_INT, .u.i = -42}},
    };
    sk_entity_in in = {.type = person, .key = "  John   SMITH ", .label = "John Smith",
                       .props = props, .nprops = 2};
    sk_id id;
    assert_int_equal(sk_entity_create(t, &in, &id), SK_OK);
    sk_id again;
    assert_int_equal(sk_entity_create(t, &in, &again), SK_EEXISTS);
    assert_int_equal(again, id);
    assert_true(sk_txn_writable(t)); /* EEXISTS does not poison */
    assert_int_equal(sk_txn_commit(t), SK_OK);

    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_entity e;
    assert_int_equal(sk_entity_get(t, id, a, &e), SK_OK);
    assert_int_equal(e.type, person);
    assert_int_equal(e.key_len, strlen("john smith"));
    assert_memory_equal(e.key, "john smith", e.key_len);
    assert_int_equal(e.nprops, 2);
    assert_int_equal(e.props[0].value.u.time.t, -86400 * 365);
    assert_int_equal(e.props[0].value.u.time.off_min, 60);
    assert_int_equal(e.props[1].value.u.i, -42);
    sk_id found;
    assert_int_equal(sk_entity_by_key(t, person, "JOHN smith", 10, &found), SK_OK);
    assert_int_equal(found, id);
    const char *name;
    size_t len;
    assert_int_equal(sk_name_get(t, SK_DICT_ETYPE, person, &name, &len), SK_OK);
    assert_memory_equal(name, "person", len); /* type names are case-folded */
    sk_arena_free(a);
    sk_txn_abort(t);
}

static void test_upsert_sources(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_source s1 = {.name = "cdr.csv", .sha256 = {1}, .user = "ana"};
    sk_source s2 = {.name = "ufdr.xml", .sha256 = {2}, .user = "ana"};
    assert_int_equal(sk_source_add(t, &s1), SK_OK);
    assert_int_equal(sk_source_add(t, &s2), SK_OK);
    sk_source dup = {.name = "again.csv", .sha256 = {1}};
    assert_int_equal(sk_source_add(t, &dup), SK_EEXISTS);
    assert_int_equal(dup.id, s1.id);

    sk_sym phone = intern(t, SK_DICT_ETYPE, "phone");
    sk_entity_in a = {.type = phone, .key = "07700 900123", .assert = {s1.id, 0}};
    sk_entity_in b = {.type = phone, .key = "+44 7700 900123", .assert = {s2.id, 0}};
    sk_id ida, idb;
    bool created;
    assert_int_equal(sk_entity_upsert(t, &a, &ida, &created), SK_OK);
    assert_true(created);
    assert_int_equal(sk_entity_upsert(t, &b, &idb, &created), SK_OK);
    assert_false(created);
    assert_int_equal(ida, idb);
    assert_int_equal(sk_entity_upsert(t, &b, &idb, &created), SK_OK); /* idempotent */

    sk_arena *ar = sk_arena_new();
    sk_entity e;
    assert_int_equal(sk_entity_get(t, ida, ar, &e), SK_OK);
    assert_int_equal(e.nasserts, 2);
    assert_memory_equal(e.key, "447700900123", e.key_len);

    /* An assertion by id: once per source and grading, as an upsert. */
    sk_source s3 = {.name = "anpr.csv", .sha256 = {3}, .user = "ana"};
    assert_int_equal(sk_source_add(t, &s3), SK_OK);
    sk_assert as3 = {s3.id, 0};
    assert_int_equal(sk_entity_assert(t, ida, &as3), SK_OK);
    assert_int_equal(sk_entity_assert(t, ida, &as3), SK_OK);
    assert_int_equal(sk_entity_assert(t, ida, &a.assert), SK_OK);
    assert_int_equal(sk_entity_get(t, ida, ar, &e), SK_OK);
    assert_int_equal(e.nasserts, 3);
    assert_int_equal(e.asserts[2].source, s3.id);
    assert_int_equal(sk_entity_assert(t, ida + 1000, &as3), SK_ENOTFOUND);

    /* Links confirm instead of duplicating. */
    sk_id other = mk_entity(t, "phone", "07700 900999", NULL);
    sk_link_in l = {.src = ida, .dst = other, .type = intern(t, SK_DICT_LTYPE, "called"),
                    .directed = true, .t_start = 1709300000, .t_end = 1709300060,
                    .assert = {s1.id, 0}};
    sk_id l1, l2;
    assert_int_equal(sk_link_upsert(t, &l, &l1, &created), SK_OK);
    assert_true(created);
    l.assert.source = s2.id;
    assert_int_equal(sk_link_upsert(t, &l, &l2, &created), SK_OK);
    assert_false(created);
    assert_int_equal(l1, l2);
    sk_link got;
    assert_int_equal(sk_link_get(t, l1, ar, &got), SK_OK);
    assert_int_equal(got.nasserts, 2);
    assert_int_equal(got.t_end - got.t_start, 60);
    l.t_start = l.t_end = 1709300999; /* another call: another link */
    assert_int_equal(sk_link_upsert(t, &l, &l2, &created), SK_OK);
    assert_true(created);
    assert_int_not_equal(l1, l2);
    sk_arena_free(ar);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

static void test_adjacency_and_delete(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_id hub = mk_entity(t, "person", "Hub", NULL);
    sk_id p[50];
    for (int i = 0; i < 50; i++) {
        char k[16];
        snprintf(k, sizeof k, "P%d", i);
        p[i] = mk_entity(t, "person", k, NULL);
        mk_link(t, hub, p[i], i % 2 ? "knows" : "calls", i % 3 == 0, 1700000000 + i * 4000);
    }
    mk_link(t, hub, hub, "knows", false, SK_NO_TIME); /* self-loop */
    sk_sym knows = intern(t, SK_DICT_LTYPE, "knows");
    sk_sym calls = intern(t, SK_DICT_LTYPE, "calls");
    assert_int_equal(count_adj(t, hub, 0, SK_DIR_ANY), 51);
    assert_int_equal(count_adj(t, hub, knows, SK_DIR_ANY), 26);
    assert_int_equal(count_adj(t, hub, calls, SK_DIR_ANY), 25);
    /* i%3==0 directed out of hub: of the knows (odd i) ones: 3,9,15,…,45 = 8 */
    assert_int_equal(count_adj(t, hub, knows, SK_DIR_OUT), 8);
    assert_int_equal(count_adj(t, p[3], knows, SK_DIR_IN), 1);
    assert_int_equal(count_adj(t, p[3], knows, SK_DIR_OUT), 0);
    uint64_t deg;
    assert_int_equal(sk_adj_degree(t, hub, &deg), SK_OK);
    assert_int_equal(deg, 51);

    /* Time scan: links i = 0..9 fall in [1700000000, 1700036000]. */
    sk_idcur *c;
    assert_int_equal(sk_scan_time(t, 1700000000, 1700036000, &c), SK_OK);
    sk_id id;
    int n = 0;
    while (sk_idcur_next(c, &id) == SK_OK)
        n++;
    sk_idcur_close(c);
    assert_int_equal(n, 10);

    /* Delete the hub: no link, adjacency, time or index entry remains. */
    assert_int_equal(sk_entity_delete(t, hub), SK_OK);
    assert_false(sk_entity_exists(t, hub));
    for (int i = 0; i < 50; i++)
        assert_int_equal(count_adj(t, p[i], 0, SK_DIR_ANY), 0);
    assert_int_equal(sk_scan_time(t, INT64_MIN / 4, INT64_MAX / 4, &c), SK_OK);
    assert_int_equal(sk_idcur_next(c, &id), SK_DONE);
    sk_idcur_close(c);
    assert_int_equal(sk_scan_links(t, &c), SK_OK);
    assert_int_equal(sk_idcur_next(c, &id), SK_DONE);
    sk_idcur_close(c);
    sk_sym person = intern(t, SK_DICT_ETYPE, "person");
    assert_int_equal(sk_entity_by_key(t, person, "hub", 3, &id), SK_ENOTFOUND);
    assert_int_equal(sk_scan_prop(t, person, 0, "hub", 3, false, &c), SK_OK);
    assert_int_equal(sk_idcur_next(c, &id), SK_DONE);
    sk_idcur_close(c);
    sk_stats st;
    sk_arena *a = sk_arena_new();
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    assert_int_equal(st.entities, 50);
    assert_int_equal(st.links, 0);
    for (size_t i = 0; i < st.n_ltypes; i++)
        assert_int_equal(st.ltypes[i].n, 0);
    sk_arena_free(a);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

static void test_prop_index(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    const char *names[] = {"Jack Powell", "Jackie Moss", "Alan Ward", "Zoë Jackson"};
    for (int i = 0; i < 4; i++)
        mk_entity(t, "person", names[i], NULL);
    sk_sym person = intern(t, SK_DICT_ETYPE, "person");
    sk_idcur *c;
    assert_int_equal(sk_scan_prop(t, person, 0, "JACK", 4, true, &c), SK_OK);
    sk_id id;
    int n = 0;
    while (sk_idcur_next(c, &id) == SK_OK)
        n++;
    sk_idcur_close(c);
    assert_int_equal(n, 2);
    assert_int_equal(sk_scan_prop(t, 0, 0, "zoë jackson", strlen("zoë jackson"), false, &c),
                     SK_OK);
    assert_int_equal(sk_idcur_next(c, &id), SK_OK);
    const char *txt;
    size_t len;
    assert_int_equal(sk_idcur_text(c, &txt, &len), SK_OK);
    assert_memory_equal(txt, "zoë jackson", len);
    sk_idcur_close(c);
    /* Changing a property moves its index entry. */
    sk_sym nick = intern(t, SK_DICT_PROP, "nickname");
    sk_value v = {.type = SK_V_STR, .u.str = {"Big Al", 6}};
    sk_id al;
    assert_int_equal(sk_entity_by_key(t, person, "alan ward", 9, &al), SK_OK);
    assert_int_equal(sk_entity_set_prop(t, al, nick, &v), SK_OK);
    v.u.str.ptr = "Little Al";
    v.u.str.len = 9;
    assert_int_equal(sk_entity_set_prop(t, al, nick, &v), SK_OK);
    assert_int_equal(sk_scan_prop(t, person, nick, "big al", 6, false, &c), SK_OK);
    assert_int_equal(sk_idcur_next(c, &id), SK_DONE);
    sk_idcur_close(c);
    assert_int_equal(sk_scan_prop(t, person, nick, "little", 6, true, &c), SK_OK);
    assert_int_equal(sk_idcur_next(c, &id), SK_OK);
    assert_int_equal(id, al);
    sk_idcur_close(c);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

static void test_abort_leaves_nothing(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    mk_entity(t, "vehicle", "AB12 CDE", NULL);
    sk_txn_abort(t);
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    sk_stats st;
    sk_arena *a = sk_arena_new();
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    assert_int_equal(st.entities, 0);
    sk_arena_free(a);
    sk_txn_abort(t);
}

static void test_invalid_link_does_not_poison(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_id a = mk_entity(t, "person", "A", NULL);
    sk_link_in in = {.src = a, .dst = 999, .type = intern(t, SK_DICT_LTYPE, "knows"),
                     .t_start = SK_NO_TIME};
    sk_id id;
    assert_int_equal(sk_link_create(t, &in, &id), SK_EINVAL);
    assert_non_null(strstr(sk_txn_errmsg(t), "no such entity"));
    assert_true(sk_txn_writable(t));
    sk_entity_in bad = {.type = intern(t, SK_DICT_ETYPE, "imei"), .key = "490154203237519"};
    assert_int_equal(sk_entity_create(t, &bad, &id), SK_EINVAL);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

/* A write transaction remembers which entities it found (entity.c), so
 * that checking the ends of many links reads each entity once; an entity
 * deleted or merged away after being found must stop existing at once. */
static void test_exists_forgets_deleted(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_id a = mk_entity(t, "person", "A", NULL), b = mk_entity(t, "person", "B", NULL);
    sk_id c = mk_entity(t, "person", "C", NULL), d = mk_entity(t, "person", "D", NULL);
    assert_int_equal(sk_txn_commit(t), SK_OK);

    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    assert_false(sk_txn_made(t, d));           /* a reader makes nothing */
    sk_txn_abort(t);
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_id e = mk_entity(t, "person", "E", NULL);
    assert_false(sk_txn_made(t, a));
    assert_false(sk_txn_made(t, d));
    assert_true(sk_txn_made(t, e));
    sk_txn_abort(t);

    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    for (int round = 0; round < 2; round++)   /* the second round is answered from memory */
        for (sk_id id = a; id <= d; id++)
            assert_true(sk_entity_exists(t, id));
    assert_false(sk_entity_exists(t, d + 1));
    mk_link(t, a, b, "knows", false, SK_NO_TIME);
    assert_int_equal(sk_entity_delete(t, a), SK_OK);
    assert_false(sk_entity_exists(t, a));
    assert_int_equal(sk_entity_merge(t, b, c), SK_OK);   /* b goes into c */
    assert_false(sk_entity_exists(t, b));
    assert_true(sk_entity_exists(t, c));
    sk_link_in in = {.src = d, .dst = b, .type = intern(t, SK_DICT_LTYPE, "knows"),
                     .t_start = SK_NO_TIME};
    sk_id id;
    assert_int_equal(sk_link_create(t, &in, &id), SK_EINVAL);
    assert_non_null(strstr(sk_txn_errmsg(t), "no such entity"));
    in.dst = a;
    assert_int_equal(sk_link_create(t, &in, &id), SK_EINVAL);
    in.dst = c;
    assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

/* ---- failure behaviour ---- */

static int fill(sk_txn *t, void *ctx)
{
    int n = *(int *)ctx;
    sk_sym person;
    int rc = sk_name_intern(t, SK_DICT_ETYPE, "person", 6, true, &person);
    sk_sym knows;
    if (!rc)
        rc = sk_name_intern(t, SK_DICT_LTYPE, "knows", 5, true, &knows);
    sk_id prev = 0;
    for (int i = 0; !rc && i < n; i++) {
        char key[32];
        snprintf(key, sizeof key, "person %d", i);
        sk_entity_in in = {.type = person, .key = key};
        sk_id id;
        rc = sk_entity_create(t, &in, &id);
        if (!rc && prev) {
            sk_link_in l = {.src = prev, .dst = id, .type = knows, .t_start = SK_NO_TIME};
            sk_id lid;
            rc = sk_link_create(t, &l, &lid);
        }
        prev = id;
    }
    return rc;
}

static uint64_t entities_in(const char *path)
{
    sk_store *s;
    char err[256];
    sk_open_opts o = {.flags = SK_OPEN_RDONLY};
    assert_int_equal(sk_store_open(path, &o, &s, err, sizeof err), SK_OK);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_stats st;
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    sk_arena_free(a);
    sk_txn_abort(t);
    sk_store_close(s);
    return st.entities;
}

static void test_map_grows(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/tiny.skein", f->dir);
    sk_store *s;
    char err[256];
    sk_open_opts o = {.flags = SK_OPEN_CREATE, .map_size = 256 * 1024};
    assert_int_equal(sk_store_open(path, &o, &s, err, sizeof err), SK_OK);
    int n = 20000;
    assert_int_equal(sk_store_write(s, fill, &n), SK_OK);
    sk_store_close(s);
    assert_int_equal(entities_in(path), 20000);
}

typedef struct counted {
    int n, calls;
} counted;

static int fill_counted(sk_txn *t, void *ctx)
{
    counted *c = ctx;
    c->calls++;
    return fill(t, &c->n);
}

/* A write that outgrows the map runs again on a doubled one; room
 * reserved first spares those runs. */
static void test_map_reserve(void **state)
{
    fixture *f = *state;
    char path[2][128];
    for (int reserve = 0; reserve < 2; reserve++) {
        snprintf(path[reserve], sizeof path[reserve], "%s/tiny%d.skein", f->dir, reserve);
        sk_store *s;
        char err[256];
        sk_open_opts o = {.flags = SK_OPEN_CREATE, .map_size = 256 * 1024};
        assert_int_equal(sk_store_open(path[reserve], &o, &s, err, sizeof err), SK_OK);
        if (reserve) {
            sk_txn *t;
            assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
            assert_int_equal(sk_store_reserve(s, 64u << 20), SK_EBUSY);
            assert_non_null(strstr(sk_store_errmsg(s), "transaction is open"));
            sk_txn_abort(t);
            assert_int_equal(sk_store_reserve(s, 64u << 20), SK_OK);
        }
        counted c = {.n = 20000};
        assert_int_equal(sk_store_write(s, fill_counted, &c), SK_OK);
        if (reserve)
            assert_int_equal(c.calls, 1);
        else
            assert_true(c.calls > 2);
        sk_store_close(s);
        assert_int_equal(entities_in(path[reserve]), 20000);
    }
}

/* Tables of 2 MiB and more are mappings of their own on a huge-page
 * boundary; every size comes zeroed and writable. */
static void test_table_alloc(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 4096, (2u << 20) - 1, 2u << 20, (5u << 20) + 3};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        uint8_t *p = sk_table_alloc(n);
        assert_non_null(p);
        if (n >= (2u << 20))
            assert_int_equal((uintptr_t)p % (2u << 20), 0);
        for (size_t k = 0; k < n; k += 4093)
            assert_int_equal(p[k], 0);
        if (n) {
            assert_int_equal(p[n - 1], 0);
            memset(p, 0xa5, n);
        }
        sk_table_free(p, n);
    }
    sk_table_free(NULL, 0);
}

static void test_killed_writer(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/killed.skein", f->dir);
    sk_store *s;
    char err[256];
    sk_open_opts o = {.flags = SK_OPEN_CREATE};
    assert_int_equal(sk_store_open(path, &o, &s, err, sizeof err), SK_OK);
    int n = 1000;
    assert_int_equal(sk_store_write(s, fill, &n), SK_OK);
    sk_store_close(s);

    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        sk_store *cs;
        if (sk_store_open(path, NULL, &cs, err, sizeof err) != SK_OK)
            _exit(3);
        sk_txn *t;
        if (sk_txn_begin(cs, true, &t) != SK_OK)
            _exit(4);
        int m = 1000;
        fill(t, &m); /* same keys: fails at once with EEXISTS; write fresh ones */
        sk_sym person;
        sk_name_intern(t, SK_DICT_ETYPE, "person", 6, true, &person);
        for (int i = 0;; i++) {
            char key[32];
            snprintf(key, sizeof key, "new %d", i);
            sk_entity_in in = {.type = person, .key = key};
            sk_id id;
            if (sk_entity_create(t, &in, &id) != SK_OK)
                _exit(5);
            if (i == 50000 && write(pipefd[1], "x", 1) != 1)
                _exit(6);
        }
    }
    close(pipefd[1]);
    char c;
    assert_int_equal(read(pipefd[0], &c, 1), 1); /* the child is mid-write */
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    close(pipefd[0]);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(entities_in(path), 1000);
}

static void test_second_writer(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    pid_t pid = fork();
    if (pid == 0) {
        sk_store *cs;
        char err[256];
        sk_open_opts o = {.write_wait_ms = 200};
        if (sk_store_open(f->path, &o, &cs, err, sizeof err) != SK_OK)
            _exit(3);
        /* Readers are not blocked by the writer. */
        sk_txn *rt;
        if (sk_txn_begin(cs, false, &rt) != SK_OK)
            _exit(4);
        sk_txn_abort(rt);
        sk_txn *wt;
        int rc = sk_txn_begin(cs, true, &wt);
        if (rc == SK_EBUSY && strstr(sk_store_errmsg(cs), "being written by another process"))
            _exit(0);
        _exit(5);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    sk_txn_abort(t);
}

static void test_disk_full(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/full.skein", f->dir);
    sk_store *s;
    char err[256];
    sk_open_opts o = {.flags = SK_OPEN_CREATE};
    assert_int_equal(sk_store_open(path, &o, &s, err, sizeof err), SK_OK);
    int n = 100;
    assert_int_equal(sk_store_write(s, fill, &n), SK_OK);
    sk_store_close(s);
    pid_t pid = fork();
    if (pid == 0) {
        /* A file-size limit stands in for a full disk: writes past it fail
         * with EFBIG exactly as they would with ENOSPC. */
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {256 * 1024, 256 * 1024};
        setrlimit(RLIMIT_FSIZE, &rl);
        sk_store *cs;
        if (sk_store_open(path, NULL, &cs, err, sizeof err) != SK_OK)
            _exit(3);
        sk_txn *t;
        if (sk_txn_begin(cs, true, &t) != SK_OK)
            _exit(4);
        sk_sym person;
        sk_name_intern(t, SK_DICT_ETYPE, "person", 6, true, &person);
        for (int i = 0; i < 20000; i++) {
            char key[32];
            snprintf(key, sizeof key, "more %d", i);
            sk_entity_in in = {.type = person, .key = key};
            sk_id id;
            if (sk_entity_create(t, &in, &id) != SK_OK)
                _exit(5);
        }
        int rc = sk_txn_commit(t);
        if (rc == SK_EDISKFULL && strstr(sk_store_errmsg(cs), "nothing was changed"))
            _exit(0);
        fprintf(stderr, "commit: %d %s\n", rc, sk_store_errmsg(cs));
        _exit(6);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(entities_in(path), 100);
}

static void test_readonly_and_foreign_files(void **state)
{
    fixture *f = *state;
    char path[128], err[512];
    sk_store *s;
    /* A read-only case opens for reading and refuses writes clearly. */
    snprintf(path, sizeof path, "%s/ro.skein", f->dir);
    sk_open_opts o = {.flags = SK_OPEN_CREATE};
    assert_int_equal(sk_store_open(path, &o, &s, err, sizeof err), SK_OK);
    sk_store_close(s);
    chmod(path, 0444);
    if (geteuid() != 0) { /* root ignores file permissions */
        assert_int_equal(sk_store_open(path, NULL, &s, err, sizeof err), SK_OK);
        sk_txn *t;
        assert_int_equal(sk_txn_begin(s, true, &t), SK_EREADONLY);
        assert_non_null(strstr(sk_store_errmsg(s), "read-only"));
        sk_store_close(s);
    }
    sk_open_opts ro = {.flags = SK_OPEN_RDONLY};
    assert_int_equal(sk_store_open(path, &ro, &s, err, sizeof err), SK_OK);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_EREADONLY);
    sk_store_close(s);

    /* Not a case at all. */
    snprintf(path, sizeof path, "%s/notes.txt", f->dir);
    FILE *fp = fopen(path, "w");
    for (int i = 0; i < 1000; i++)
        fputs("this is not an LMDB file\n", fp);
    fclose(fp);
    assert_int_equal(sk_store_open(path, NULL, &s, err, sizeof err), SK_ENOTCASE);
    assert_non_null(strstr(err, "is not a skein case"));
    char lock[160];
    snprintf(lock, sizeof lock, "%s-lock", path);
    assert_int_not_equal(access(lock, F_OK), 0); /* nothing left behind */
    snprintf(path, sizeof path, "%s/absent.skein", f->dir);
    assert_int_equal(sk_store_open(path, NULL, &s, err, sizeof err), SK_ENOTFOUND);
    assert_non_null(strstr(err, "no case at"));

    /* A newer format is refused without being touched. */
    snprintf(path, sizeof path, "%s/new.skein", f->dir);
    assert_int_equal(sk_store_open(path, &o, &s, err, sizeof err), SK_OK);
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    uint8_t v[8] = {0, 0, 0, 0, 0, 0, 0, 99};
    assert_int_equal(sk__put(t, DB_META, "format", 6, v, 8, 0), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    sk_store_close(s);
    assert_int_equal(sk_store_open(path, NULL, &s, err, sizeof err), SK_EVERSION);
    assert_non_null(strstr(err, "newer skein"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_entity_roundtrip, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_upsert_sources, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_adjacency_and_delete, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_prop_index, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_link_does_not_poison, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_exists_forgets_deleted, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_map_grows, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_map_reserve, test_case_setup, test_case_teardown),
        cmocka_unit_test(test_table_alloc),
        cmocka_unit_test_setup_teardown(test_killed_writer, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_second_writer, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_disk_full, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_readonly_and_foreign_files, test_case_setup, test_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
