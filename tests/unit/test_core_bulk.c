/*
 * test_core_bulk.c — the bulk path (sk_txn_bulk) and the deferred index
 * writes (spool.c, lookup.c) give the same case as one-by-one inserts.
 *
 * A generated load (entities with and without keys, repeated keys through
 * upsert, properties, directed, undirected, timed and self links, repeated
 * links through sk_link_upsert) is run in several ways: plainly; with a
 * budget so small that the spools spill sorted runs to disk every few
 * records; the same with a read half way that writes the spools into the
 * case, the rest then going into non-empty databases; in bulk mode; in
 * bulk mode with runs; in bulk mode ended half way by a read. Each case is
 * dumped — every record, every adjacency list, every index as the API
 * reads it — and the dumps must be equal. Then the
 * rules: bulk mode only on an empty case, abort leaves it empty and valid,
 * lookups within the load see what it made, runs on a full disk fail
 * cleanly; and a cursor sought in id order reads what fresh cursors read,
 * and the space report adds up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "test_case.h"
#include "test_textdump.h"
#include "store_int.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_ENT 1500
#define N_LINK 6000

typedef enum mode {
    PLAIN,           /* one by one, default budget */
    PLAIN_SMALL,     /* one by one, sorted runs on disk every few records */
    PLAIN_READ,      /* one by one, runs, and the spools flushed half way by
                        a read: the rest goes into non-empty databases */
    BULK,            /* bulk mode, everything in memory */
    BULK_SPILL,      /* bulk mode, sorted runs on disk */
    BULK_ENDED,      /* bulk mode ended half way by an adjacency read */
} mode;

#define SMALL_BUDGET 4096

/* ---- the load ---- */

static sk_sym intern(sk_txn *t, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    assert_int_equal(sk_name_intern(t, d, name, strlen(name), true, &s), SK_OK);
    return s;
}

static const char *const FIRST[] = {"John", "Mary", "ahmed", "Zoë", "li", "O'Neil"};
static const char *const LAST[] = {"Smith", "JONES", "Khan", "Nguyen", "de la Cruz"};

static void load(sk_txn *t, mode m)
{
    sk_sym person = intern(t, SK_DICT_ETYPE, "person");
    sk_sym phone = intern(t, SK_DICT_ETYPE, "phone");
    sk_sym note = intern(t, SK_DICT_ETYPE, "note");
    sk_sym nick = intern(t, SK_DICT_PROP, "nick");
    sk_sym age = intern(t, SK_DICT_PROP, "age");
    sk_sym knows = intern(t, SK_DICT_LTYPE, "knows");
    sk_sym calls = intern(t, SK_DICT_LTYPE, "calls");
    sk_sym owns = intern(t, SK_DICT_LTYPE, "owns");
    sk_source src = {.name = "extract.csv", .sha256 = {7}, .user = "test"};
    assert_int_equal(sk_source_add(t, &src), SK_OK);
    sk_sym grade = intern(t, SK_DICT_GRADE, "B24");

    uint64_t seed = 42;
    sk_id ids[N_ENT];
    size_t nid = 0;
    for (int i = 0; i < N_ENT; i++) {
        char key[64], label[64], nk[32];
        uint64_t r = next(&seed);
        sk_entity_in in = {.assert = {src.id, r % 3 ? grade : 0}};
        sk_prop props[2];
        size_t np = 0;
        /* Keys repeat (i / 2 and fewer phones): upsert confirms the first. */
        switch (r % 4) {
        case 0: case 1:
            in.type = person;
            snprintf(key, sizeof key, "%s  %s %d", FIRST[(i / 2) % 6], LAST[(i / 3) % 5],
                     (i / 2) % 400);
            in.key = key;
            break;
        case 2:
            in.type = phone;
            snprintf(key, sizeof key, "07700 9%05d", (int)(next(&seed) % 500));
            in.key = key;
            break;
        default:
            in.type = note;
            snprintf(label, sizeof label, "Note %d about %s", i, LAST[i % 5]);
            in.label = label;
        }
        if (r % 5 == 0) {
            snprintf(nk, sizeof nk, "nick-%d", (int)(r % 50));
            props[np++] = (sk_prop){nick, {.type = SK_V_STR, .u.str = {nk, strlen(nk)}}};
        }
        if (r % 7 == 0)
            props[np++] = (sk_prop){age, {.type = SK_V_INT, .u.i = (int64_t)(r % 90)}};
        in.props = props;
        in.nprops = np;
        sk_id id;
        bool created;
        assert_int_equal(sk_entity_upsert(t, &in, &id, &created), SK_OK);
        if (created)
            ids[nid++] = id;
        if (in.key) {
            sk_id again;
            assert_int_equal(sk_entity_by_key(t, in.type, in.key, strlen(in.key), &again), SK_OK);
            assert_int_equal(again, id);
        }
    }
    for (int i = 0; i < N_LINK; i++) {
        uint64_t r = next(&seed);
        if ((m == BULK_ENDED || m == PLAIN_READ) && i == N_LINK / 2) {
            uint64_t deg;
            assert_int_equal(sk_adj_degree(t, ids[0], &deg), SK_OK);
            assert_false(t->bulk);
            assert_int_equal(sk__spool_runs(t), 0);
        }
        sk_link_in in = {
            .src = ids[next(&seed) % nid],
            .dst = r % 17 == 0 ? 0 : ids[next(&seed) % (nid / 3 + 1)],
            .assert = {src.id, grade},
        };
        if (!in.dst)
            in.dst = in.src; /* a self-loop */
        switch (r % 3) {
        case 0: in.type = knows; in.directed = false; in.t_start = SK_NO_TIME; break;
        case 1:
            in.type = calls;
            in.directed = true;
            in.t_start = 1700000000 + (int64_t)(next(&seed) % 5000) * 60;
            in.t_end = in.t_start + (int64_t)(r % 600);
            break;
        default: in.type = owns; in.directed = true; in.t_start = SK_NO_TIME;
        }
        sk_id id;
        bool created;
        /* Half the links are upserts, and some repeat an earlier one
         * (same seed state every run: the same ones in every mode). */
        if (r % 2)
            assert_int_equal(sk_link_create(t, &in, &id), SK_OK);
        else
            assert_int_equal(sk_link_upsert(t, &in, &id, &created), SK_OK);
        if (r % 11 == 0) {
            sk_link_in back = in;
            if (!in.directed) { /* an undirected link is the same either way round */
                back.src = in.dst;
                back.dst = in.src;
            }
            sk_id again;
            assert_int_equal(sk_link_upsert(t, &back, &again, &created), SK_OK);
            assert_false(created);
            /* sk_link_create may have made a twin of an earlier link, and
             * upsert then finds one of the two; after an upsert there is
             * only the one. */
            if (r % 2 == 0)
                assert_int_equal(again, id);
        }
    }
}

/* ---- the dump ---- */

static void dump_value(dump *d, const sk_value *v)
{
    switch (v->type) {
    case SK_V_STR: out(d, "'%.*s'", (int)v->u.str.len, v->u.str.ptr); break;
    case SK_V_INT: out(d, "%lld", (long long)v->u.i); break;
    default: out(d, "type%d", v->type);
    }
}

static void dump_ids(dump *d, sk_idcur *c)
{
    sk_id id;
    int rc;
    while ((rc = sk_idcur_next(c, &id)) == SK_OK)
        out(d, " %llu", (unsigned long long)id);
    assert_int_equal(rc, SK_DONE);
    sk_idcur_close(c);
    out(d, "\n");
}

static void dump_entity(dump *d, sk_txn *t, sk_arena *a, sk_id id)
{
    sk_entity e;
    assert_int_equal(sk_entity_get(t, id, a, &e), SK_OK);
    out(d, "E%llu t%u key '%.*s' label '%.*s'", (unsigned long long)id, e.type,
        (int)e.key_len, e.key, (int)e.label_len, e.label);
    for (size_t i = 0; i < e.nprops; i++) {
        out(d, " p%u=", e.props[i].name);
        dump_value(d, &e.props[i].value);
    }
    for (size_t i = 0; i < e.nasserts; i++)
        out(d, " s%u/%u", e.asserts[i].source, e.asserts[i].grade);
    if (e.key_len) {
        sk_id found;
        assert_int_equal(sk_entity_by_key(t, e.type, e.key, e.key_len, &found), SK_OK);
        out(d, " bykey %llu", (unsigned long long)found);
    }
    /* The label index, exact and by prefix. */
    sk_idcur *c;
    assert_int_equal(sk_scan_prop(t, e.type, 0, e.label, e.label_len, false, &c), SK_OK);
    out(d, " label:");
    dump_ids(d, c);
    dump_adjacency(d, t, id);
    uint64_t deg;
    assert_int_equal(sk_adj_degree(t, id, &deg), SK_OK);
    out(d, "  degree %llu\n", (unsigned long long)deg);
}

static char *dump_case(sk_store *s)
{
    dump d = {0};
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_stats st;
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    out(&d, "entities %llu links %llu sources %llu\n", (unsigned long long)st.entities,
        (unsigned long long)st.links, (unsigned long long)st.sources);
    for (size_t i = 0; i < st.n_etypes; i++)
        out(&d, "etype %u: %llu\n", st.etypes[i].sym, (unsigned long long)st.etypes[i].n);
    for (size_t i = 0; i < st.n_ltypes; i++)
        out(&d, "ltype %u: %llu\n", st.ltypes[i].sym, (unsigned long long)st.ltypes[i].n);
    for (size_t i = 0; i < st.n_etypes; i++) {
        sk_idcur *c;
        assert_int_equal(sk_scan_type(t, st.etypes[i].sym, &c), SK_OK);
        out(&d, "type %u:", st.etypes[i].sym);
        dump_ids(&d, c);
    }
    sk_idcur *c;
    assert_int_equal(sk_scan_type(t, 0, &c), SK_OK);
    sk_id id;
    int rc;
    while ((rc = sk_idcur_next(c, &id)) == SK_OK) {
        sk_arena_reset(a);
        dump_entity(&d, t, a, id);
    }
    assert_int_equal(rc, SK_DONE);
    sk_idcur_close(c);
    dump_links(&d, t, a);
    assert_int_equal(sk_scan_time(t, INT64_MIN / 4, INT64_MAX / 4, &c), SK_OK);
    out(&d, "time:");
    dump_ids(&d, c);
    assert_int_equal(sk_scan_prop(t, 0, 0, "no", 2, true, &c), SK_OK);
    out(&d, "prefix no:");
    dump_ids(&d, c);
    sk_sym nick;
    assert_int_equal(sk_name_intern(t, SK_DICT_PROP, "nick", 4, false, &nick), SK_OK);
    assert_int_equal(sk_scan_prop(t, 0, nick, "nick-1", 6, true, &c), SK_OK);
    out(&d, "nick-1*:");
    dump_ids(&d, c);
    sk_arena_free(a);
    sk_txn_abort(t);
    return d.p;
}

/* Loads the generated case in mode M into a new case and returns its dump. */
static char *load_and_dump(mode m)
{
    char dir[64], path[96];
    sk_store *s;
    assert_int_equal(test_case_open("bulk", dir, sizeof dir, path, sizeof path, &s), 0);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    if (m == PLAIN_SMALL || m == PLAIN_READ || m == BULK_SPILL)
        t->budget = SMALL_BUDGET;
    if (m == BULK || m == BULK_SPILL || m == BULK_ENDED)
        assert_int_equal(sk_txn_bulk(t), SK_OK);
    load(t, m);
    if (m == PLAIN_SMALL || m == PLAIN_READ || m == BULK_SPILL)
        assert_true(sk__spool_runs(t) > 10);
    else
        assert_int_equal(sk__spool_runs(t), 0);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    char *d = dump_case(s);
    assert_int_equal(test_case_close(s, dir), 0);
    return d;
}

static void test_same_case_every_way(void **state)
{
    (void)state;
    char *plain = load_and_dump(PLAIN);
    /* The load is what it claims: links of every kind, repeated keys. */
    assert_non_null(strstr(plain, "entities "));
    assert_non_null(strstr(plain, " d4 "));   /* undirected */
    assert_non_null(strstr(plain, " d2 "));   /* incoming */
    static const mode others[] = {PLAIN_SMALL, PLAIN_READ, BULK, BULK_SPILL, BULK_ENDED};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        char *d = load_and_dump(others[i]);
        if (strcmp(d, plain) != 0)
            fail_msg("mode %d gives another case than plain inserts", (int)others[i]);
        free(d);
    }
    free(plain);
}

/* Appends the adjacency of ENTITY (link type LT) read through C. */
static void dump_adj(dump *d, sk_adjcur *c, sk_id entity, sk_sym lt)
{
    assert_int_equal(sk_adj_seek(c, entity, lt, SK_DIR_ANY), SK_OK);
    sk_adj adj;
    int rc;
    out(d, "%llu/%u:", (unsigned long long)entity, lt);
    while ((rc = sk_adj_next(c, &adj)) == SK_OK)
        out(d, " %u.%u.%llu.%llu", adj.ltype, adj.dir, (unsigned long long)adj.nb,
            (unsigned long long)adj.link);
    assert_int_equal(rc, SK_DONE);
    out(d, "\n");
}

/* One cursor sought from entity to entity — in id order (where it steps
 * to the next key instead of searching), the same entity again, with a
 * link-type filter, backwards, past the last — reads what a new cursor
 * for each entity reads. */
static void test_seek_orders(void **state)
{
    (void)state;
    char dir[64], path[96];
    sk_store *s;
    assert_int_equal(test_case_open("bulk", dir, sizeof dir, path, sizeof path, &s), 0);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    load(t, PLAIN);
    /* Entities without links, between and after the others. */
    sk_entity_in lone = {.type = intern(t, SK_DICT_ETYPE, "note"), .label = "alone"};
    sk_id id;
    for (int i = 0; i < 3; i++)
        assert_int_equal(sk_entity_create(t, &lone, &id), SK_OK);
    assert_int_equal(sk_txn_commit(t), SK_OK);

    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_sym calls;
    assert_int_equal(sk_name_intern(t, SK_DICT_LTYPE, "calls", 5, false, &calls), SK_OK);
    sk_id last = id + 2;
    static const sk_id steps[][2] = {{1, 0}, {1, 0}, {3, 1}, {2, 0}, {5, 0}};
    dump one = {0}, fresh = {0};
    sk_adjcur *c;
    assert_int_equal(sk_adj_open(t, 1, 0, SK_DIR_ANY, &c), SK_OK);
    for (sk_id e = 1; e <= last; e++) {
        dump_adj(&one, c, e, 0);
        sk_adjcur *f;
        assert_int_equal(sk_adj_open(t, e, 0, SK_DIR_ANY, &f), SK_OK);
        dump_adj(&fresh, f, e, 0);
        sk_adj_close(f);
        /* Now and then: again, with a filter, back, then on in order. */
        for (size_t i = 0; e % 7 == 0 && i < sizeof steps / sizeof steps[0]; i++) {
            sk_id x = e > steps[i][0] ? e - steps[i][0] + 1 : 1;
            sk_sym lt = steps[i][1] ? calls : 0;
            dump_adj(&one, c, x, lt);
            assert_int_equal(sk_adj_open(t, x, lt, SK_DIR_ANY, &f), SK_OK);
            dump_adj(&fresh, f, x, lt);
            sk_adj_close(f);
        }
        dump_adj(&one, c, e, 0);
        assert_int_equal(sk_adj_open(t, e, 0, SK_DIR_ANY, &f), SK_OK);
        dump_adj(&fresh, f, e, 0);
        sk_adj_close(f);
    }
    sk_adj_close(c);
    assert_true(one.len > 1000);
    assert_string_equal(one.p, fresh.p);
    free(one.p);
    free(fresh.p);
    sk_txn_abort(t);
    assert_int_equal(test_case_close(s, dir), 0);
}

/* sk_store_space agrees with the counts, and its totals add up. */
static void test_space(void **state)
{
    (void)state;
    char dir[64], path[96];
    sk_store *s;
    assert_int_equal(test_case_open("bulk", dir, sizeof dir, path, sizeof path, &s), 0);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    assert_int_equal(sk_txn_bulk(t), SK_OK);
    load(t, BULK);
    /* In the transaction: the spools are written first. */
    sk_space sp[32];
    size_t n;
    sk_space_total tot;
    assert_int_equal(sk_store_space(t, sp, 32, &n, &tot), SK_OK);
    assert_false(t->bulk);
    assert_int_equal(sk_txn_commit(t), SK_OK);

    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_stats st;
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    assert_int_equal(sk_store_space(t, sp, 32, &n, &tot), SK_OK);
    assert_true(n > 10 && n < 32);
    uint64_t pages = 0;
    bool saw_ent = false, saw_link = false, saw_adj = false;
    for (size_t i = 0; i < n; i++) {
        pages += sp[i].pages;
        if (!strcmp(sp[i].name, "ent")) {
            saw_ent = true;
            assert_int_equal(sp[i].entries, st.entities);
        } else if (!strcmp(sp[i].name, "link")) {
            saw_link = true;
            assert_int_equal(sp[i].entries, st.links);
        } else if (!strcmp(sp[i].name, "adj")) {
            saw_adj = true; /* two records a link, one for an undirected self-loop */
            assert_true(sp[i].entries > 0 && sp[i].entries <= st.entities + 2 * st.links / (ADJ_CHUNK / 2));
            assert_true(sp[i].pages > 0 && sp[i].depth >= 1);
        }
    }
    assert_true(saw_ent && saw_link && saw_adj);
    assert_int_equal(pages, tot.db_pages);
    assert_true(tot.page_size >= 512);
    assert_true(tot.db_pages + tot.free_pages <= tot.used_pages);
    assert_true(tot.used_pages * tot.page_size <= sk_store_file_size(s));
    /* Less room than databases: only that many filled, all counted. */
    size_t n2;
    sk_space_total tot2;
    assert_int_equal(sk_store_space(t, sp, 2, &n2, &tot2), SK_OK);
    assert_int_equal(n2, n);
    assert_int_equal(tot2.db_pages, tot.db_pages);
    sk_arena_free(a);
    sk_txn_abort(t);
    assert_int_equal(test_case_close(s, dir), 0);
}

typedef test_case fixture;

static void test_only_on_empty_case(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    assert_int_equal(sk_txn_bulk(t), SK_EREADONLY);
    sk_txn_abort(t);
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    sk_entity_in in = {.type = intern(t, SK_DICT_ETYPE, "person"), .key = "Ann Lee"};
    sk_id id;
    assert_int_equal(sk_entity_create(t, &in, &id), SK_OK);
    /* Not empty within this transaction either. */
    assert_int_equal(sk_txn_bulk(t), SK_EINVAL);
    assert_non_null(strstr(sk_txn_errmsg(t), "needs an empty case"));
    assert_true(sk_txn_writable(t)); /* refused before anything was written */
    assert_int_equal(sk_txn_commit(t), SK_OK);
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    assert_int_equal(sk_txn_bulk(t), SK_EINVAL);
    assert_non_null(strstr(sk_txn_errmsg(t), "1 entities and 0 links"));
    sk_txn_abort(t);
}

static void test_abort_leaves_case_empty(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    t->budget = SMALL_BUDGET; /* runs on disk too */
    assert_int_equal(sk_txn_bulk(t), SK_OK);
    load(t, BULK_SPILL);
    assert_true(sk__spool_runs(t) > 0);
    sk_txn_abort(t);

    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_stats st;
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    assert_int_equal(st.entities, 0);
    assert_int_equal(st.links, 0);
    assert_int_equal(st.n_etypes, 0);
    sk_adjcur *c;
    assert_int_equal(sk_adj_open(t, 1, 0, SK_DIR_ANY, &c), SK_OK);
    sk_adj adj;
    assert_int_equal(sk_adj_next(c, &adj), SK_DONE);
    sk_adj_close(c);
    sk_arena_free(a);
    sk_txn_abort(t);

    /* And the case takes a bulk load after that. */
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    assert_int_equal(sk_txn_bulk(t), SK_OK);
    load(t, BULK);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

static void test_lookups_within_the_load(void **state)
{
    fixture *f = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, true, &t), SK_OK);
    assert_int_equal(sk_txn_bulk(t), SK_OK);
    sk_sym phone = intern(t, SK_DICT_ETYPE, "phone");
    sk_sym calls = intern(t, SK_DICT_LTYPE, "calls");
    sk_entity_in a = {.type = phone, .key = "+44 7700 900123"};
    sk_entity_in b = {.type = phone, .key = "07700 900456"};
    sk_id ia, ib, again;
    assert_int_equal(sk_entity_create(t, &a, &ia), SK_OK);
    assert_int_equal(sk_entity_create(t, &b, &ib), SK_OK);
    /* The same number written another way is the same entity. */
    sk_entity_in a2 = {.type = phone, .key = "07700900123"};
    assert_int_equal(sk_entity_create(t, &a2, &again), SK_EEXISTS);
    assert_int_equal(again, ia);
    assert_true(sk_txn_writable(t));
    assert_int_equal(sk_entity_by_key(t, phone, "+447700900456", 13, &again), SK_OK);
    assert_int_equal(again, ib);
    assert_int_equal(sk_entity_by_key(t, phone, "07700 900999", 12, &again), SK_ENOTFOUND);
    sk_link_in l = {.src = ia, .dst = ib, .type = calls, .directed = true, .t_start = 1000,
                    .t_end = 1000};
    sk_id li, lj;
    bool created;
    assert_int_equal(sk_link_upsert(t, &l, &li, &created), SK_OK);
    assert_true(created);
    assert_int_equal(sk_link_upsert(t, &l, &lj, &created), SK_OK);
    assert_false(created);
    assert_int_equal(lj, li);
    l.t_start = l.t_end = 1001; /* another call */
    assert_int_equal(sk_link_upsert(t, &l, &lj, &created), SK_OK);
    assert_true(created);
    /* A link to an entity that does not exist is refused in bulk mode too. */
    sk_link_in bad = {.src = ia, .dst = ib + 5, .type = calls, .directed = true,
                      .t_start = SK_NO_TIME};
    assert_int_equal(sk_link_create(t, &bad, &lj), SK_EINVAL);
    assert_true(t->bulk);
    /* Reading the adjacency ends bulk mode and sees everything. */
    uint64_t deg;
    assert_int_equal(sk_adj_degree(t, ia, &deg), SK_OK);
    assert_int_equal(deg, 2);
    assert_false(t->bulk);
    assert_int_equal(sk_entity_by_key(t, phone, "+447700900456", 13, &again), SK_OK);
    assert_int_equal(again, ib);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

/* The child of test_full_disk_runs: a bulk load whose sorted runs meet a
 * file-size limit (standing in for a full disk). Exit 0 when the failure
 * is SK_EDISKFULL with its message and poisons the transaction. */
static int full_disk_child(const char *path)
{
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {256 * 1024, 256 * 1024};
    setrlimit(RLIMIT_FSIZE, &rl);
    char err[512];
    sk_store *s;
    if (sk_store_open(path, NULL, &s, err, sizeof err) != SK_OK)
        return 3;
    sk_txn *t;
    sk_sym person;
    if (sk_txn_begin(s, true, &t) != SK_OK || sk_txn_bulk(t) != SK_OK ||
        sk_name_intern(t, SK_DICT_ETYPE, "person", 6, true, &person) != SK_OK)
        return 4;
    t->budget = SMALL_BUDGET;
    int rc = SK_OK;
    for (int i = 0; rc == SK_OK && i < 100000; i++) {
        char key[32];
        snprintf(key, sizeof key, "person %d", i);
        sk_entity_in in = {.type = person, .key = key};
        sk_id id;
        rc = sk_entity_create(t, &in, &id);
    }
    if (rc != SK_EDISKFULL || !strstr(sk_txn_errmsg(t), "no space left for the sorted runs"))
        return 5;
    sk_entity_in in = {.type = person, .key = "one more"};
    sk_id id;
    if (sk_entity_create(t, &in, &id) != SK_EPOISONED)
        return 6;
    sk_txn_abort(t);
    sk_store_close(s);
    return 0;
}

/* Sorted runs that meet a full disk fail the transaction, which aborts:
 * the case stays empty and valid and no temporary file is left. */
static void test_full_disk_runs(void **state)
{
    fixture *f = *state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(full_disk_child(f->path));
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    sk_txn *t;
    assert_int_equal(sk_txn_begin(f->s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_stats st;
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    assert_int_equal(st.entities, 0);
    sk_arena_free(a);
    sk_txn_abort(t);
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        assert_null(strstr(de->d_name, "skein-bulk"));
    closedir(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_case_every_way),
        cmocka_unit_test(test_seek_orders),
        cmocka_unit_test(test_space),
        cmocka_unit_test_setup_teardown(test_only_on_empty_case, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_case_empty, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_lookups_within_the_load, test_case_setup, test_case_teardown),
        cmocka_unit_test_setup_teardown(test_full_disk_runs, test_case_setup, test_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
