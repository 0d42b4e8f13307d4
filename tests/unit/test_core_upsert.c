/*
 * test_core_upsert.c — the fast paths of an import into a case that holds
 * a graph give the same case as the slow ones:
 *   - the filter of links that may exist (linkfilter.c), against no filter
 *     and a filter so small that it answers "maybe" to nearly everything,
 *     with and without its chains of the links made (a budget too small
 *     for them);
 *   - the lookup tables of lookup.c capped at a tiny budget (dropped, the
 *     spools flushed, the store asked), against the default budget, in a
 *     bulk load and in a load into the existing case;
 *   - an entity confirmed by reading and rewriting its record through one
 *     cursor: every source listed once, properties kept, a repeat changes
 *     nothing.
 * A first transaction loads a graph (in bulk, or one by one); a second, as
 * a second file would, confirms its entities with another source, repeats
 * some of its links in either direction, makes new ones, repeats those,
 * and reads the adjacency half way (a flush) in some modes. Every mode's
 * case is dumped through the API and must equal the plain one, and each
 * upsert's answer (created or not, which id) is checked against a model.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_ENT 600
#define N_LINK 3000

typedef struct mode {
    const char *name;
    bool bulk;            /* the first load in bulk mode */
    size_t lf_budget;     /* sk_txn.lf_budget in both transactions */
    size_t lookup_budget; /* sk_txn.lookup_budget in both transactions */
    bool flush_midway;    /* the second load reads adjacency half way */
} mode;

static const mode MODES[] = {
    {"no filter, default tables", false, 1, 0, false},
    {"filter", false, 0, 0, false},
    {"filter, bulk", true, 0, 0, false},
    {"filter, bulk, flushed half way", true, 0, 0, true},
    {"tiny filter", false, 256, 0, false},
    {"tiny filter, bulk, flushed half way", true, 256, 0, true},
    {"tiny tables, bulk", true, 0, 1, false},
    {"tiny tables, no filter, bulk", true, 1, 1, true},
    {"tiny tables and filter", false, 256, 1, true},
    {"filter, tiny tables (no chains)", false, 0, 1, false},
};
#define NMODES (sizeof MODES / sizeof MODES[0])

static sk_sym intern(sk_txn *t, enum sk_dict d, const char *name)
{
    sk_sym s = 0;
    assert_int_equal(sk_name_intern(t, d, name, strlen(name), true, &s), SK_OK);
    return s;
}

/* ---- the two loads ---- */

typedef struct syms {
    sk_sym person, phone, knows, calls, owns, nick, grade;
} syms;

static syms get_syms(sk_txn *t)
{
    return (syms){
        intern(t, SK_DICT_ETYPE, "person"), intern(t, SK_DICT_ETYPE, "phone"),
        intern(t, SK_DICT_LTYPE, "knows"),  intern(t, SK_DICT_LTYPE, "calls"),
        intern(t, SK_DICT_LTYPE, "owns"),   intern(t, SK_DICT_PROP, "nick"),
        intern(t, SK_DICT_GRADE, "B24"),
    };
}

/* Upserts entity I (person or phone by its key) with source SRC. */
static sk_id upsert_entity(sk_txn *t, const syms *y, int i, sk_srcid src, bool *created)
{
    char key[32], nk[16];
    sk_entity_in in = {.assert = {src, y->grade}};
    if (i % 3) {
        in.type = y->person;
        snprintf(key, sizeof key, "Person %d", i);
    } else {
        in.type = y->phone;
        snprintf(key, sizeof key, "07700 9%05d", i);
    }
    in.key = key;
    sk_prop p = {y->nick, {.type = SK_V_STR, .u.str = {nk, 0}}};
    if (i % 4 == 0) {
        snprintf(nk, sizeof nk, "nick-%d", i % 7);
        p.value.u.str.len = strlen(nk);
        in.props = &p;
        in.nprops = 1;
    }
    sk_id id;
    assert_int_equal(sk_entity_upsert(t, &in, &id, created), SK_OK);
    return id;
}

/* Link number K of the generated set between the entities IDS. */
static sk_link_in gen_link(const syms *y, const sk_id *ids, uint64_t k, sk_srcid src)
{
    uint64_t s = k * 7919 + 17, r = next(&s);
    sk_link_in in = {
        .src = ids[next(&s) % N_ENT],
        .dst = r % 13 == 0 ? 0 : ids[next(&s) % (N_ENT / 4)],
        .assert = {src, y->grade},
    };
    if (!in.dst)
        in.dst = in.src;
    switch (r % 3) {
    case 0: in.type = y->knows; in.directed = false; in.t_start = SK_NO_TIME; break;
    case 1:
        in.type = y->calls;
        in.directed = true;
        in.t_start = 1700000000 + (int64_t)(r % 40) * 60; /* repeats ends, other times */
        in.t_end = in.t_start + 30;
        break;
    default: in.type = y->owns; in.directed = true; in.t_start = SK_NO_TIME;
    }
    return in;
}

/* The model: the id each generated link got (0 = none yet). Links of the
 * set may coincide (same ends, type, time): the model finds the first. */
typedef struct model {
    sk_link_in in[3 * N_LINK]; /* the first load's, then the second's */
    sk_id id[3 * N_LINK];
    size_t n;
} model;

static bool same(const sk_link_in *a, const sk_link_in *b)
{
    bool ends = (a->src == b->src && a->dst == b->dst) ||
                (!a->directed && a->src == b->dst && a->dst == b->src);
    return ends && a->type == b->type && a->directed == b->directed &&
           a->t_start == b->t_start;
}

static sk_id model_find(const model *m, const sk_link_in *in)
{
    for (size_t i = 0; i < m->n; i++)
        if (same(&m->in[i], in))
            return m->id[i];
    return 0;
}

/* Upserts IN and checks the answer against the model. */
static void upsert_link(sk_txn *t, model *m, const sk_link_in *in)
{
    sk_id want = model_find(m, in), id;
    bool created;
    assert_int_equal(sk_link_upsert(t, in, &id, &created), SK_OK);
    assert_int_equal(created, want == 0);
    if (want)
        assert_int_equal(id, want);
    else {
        m->in[m->n] = *in;
        m->id[m->n++] = id;
    }
}

static void set_mode(sk_txn *t, const mode *md)
{
    t->lf_budget = md->lf_budget;
    t->lookup_budget = md->lookup_budget;
}

static void load(sk_store *s, const mode *md, model *m)
{
    sk_txn *t;
    sk_id ids[N_ENT];
    /* The first file: the graph. */
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    set_mode(t, md);
    if (md->bulk)
        assert_int_equal(sk_txn_bulk(t), SK_OK);
    syms y = get_syms(t);
    sk_source a = {.name = "first.csv", .sha256 = {1}, .user = "test"};
    assert_int_equal(sk_source_add(t, &a), SK_OK);
    for (int i = 0; i < N_ENT; i++) {
        bool created;
        ids[i] = upsert_entity(t, &y, i, a.id, &created);
        assert_true(created);
        assert_int_equal(upsert_entity(t, &y, i, a.id, &created), ids[i]); /* a repeat */
        assert_false(created);
    }
    for (uint64_t k = 0; k < N_LINK; k++) {
        sk_link_in in = gen_link(&y, ids, k, a.id);
        upsert_link(t, m, &in);
    }
    assert_int_equal(sk_txn_commit(t), SK_OK);

    /* The second file: every entity again, old links (some reversed), new
     * links and repeats of those. */
    assert_int_equal(sk_txn_begin(s, true, &t), SK_OK);
    set_mode(t, md);
    sk_source b = {.name = "second.csv", .sha256 = {2}, .user = "test"};
    assert_int_equal(sk_source_add(t, &b), SK_OK);
    for (int i = 0; i < N_ENT; i++) {
        bool created;
        assert_int_equal(upsert_entity(t, &y, i, b.id, &created), ids[i]);
        assert_false(created);
    }
    for (uint64_t k = 0; k < 2 * N_LINK; k++) {
        if (md->flush_midway && k == N_LINK) {
            uint64_t deg;
            assert_int_equal(sk_adj_degree(t, ids[1], &deg), SK_OK);
        }
        /* Every third is an old link, the rest new ones; every fifth
         * repeats one of this load's earlier ones. */
        uint64_t which = k % 3 == 0 ? k / 3 : k % 5 == 0 ? N_LINK + k / 2 : N_LINK + k;
        sk_link_in in = gen_link(&y, ids, which, b.id);
        if (!in.directed && k % 2) {
            sk_id x = in.src;
            in.src = in.dst;
            in.dst = x;
        }
        upsert_link(t, m, &in);
    }
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

/* ---- the dump ---- */

static void dump_entity(dump *d, sk_txn *t, sk_arena *a, sk_id id)
{
    sk_entity e;
    assert_int_equal(sk_entity_get(t, id, a, &e), SK_OK);
    out(d, "E%llu t%u key '%.*s' label '%.*s'", (unsigned long long)id, e.type,
        (int)e.key_len, e.key, (int)e.label_len, e.label);
    for (size_t i = 0; i < e.nprops; i++)
        out(d, " p%u='%.*s'", e.props[i].name, (int)e.props[i].value.u.str.len,
            e.props[i].value.u.str.ptr);
    for (size_t i = 0; i < e.nasserts; i++)
        out(d, " s%u/%u", e.asserts[i].source, e.asserts[i].grade);
    sk_id found;
    assert_int_equal(sk_entity_by_key(t, e.type, e.key, e.key_len, &found), SK_OK);
    assert_int_equal(found, id);
    out(d, "\n");
    dump_adjacency(d, t, id);
}

static char *dump_case(sk_store *s)
{
    dump d = {0};
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_stats st;
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    out(&d, "entities %llu links %llu\n", (unsigned long long)st.entities,
        (unsigned long long)st.links);
    for (size_t i = 0; i < st.n_ltypes; i++)
        out(&d, "ltype %u: %llu\n", st.ltypes[i].sym, (unsigned long long)st.ltypes[i].n);
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
    sk_arena_free(a);
    sk_txn_abort(t);
    return d.p;
}

static char *load_and_dump(const mode *md)
{
    char dir[64], path[96];
    sk_store *s;
    assert_int_equal(test_case_open("upsert", dir, sizeof dir, path, sizeof path, &s), 0);
    model *m = calloc(1, sizeof *m);
    assert_non_null(m);
    load(s, md, m);
    /* The model counted every distinct link once. */
    sk_txn *t;
    uint64_t n = 0;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_stats st;
    assert_int_equal(sk_stats_get(t, a, &st), SK_OK);
    n = st.links;
    sk_arena_free(a);
    sk_txn_abort(t);
    assert_int_equal(n, m->n);
    free(m);
    char *d = dump_case(s);
    assert_int_equal(test_case_close(s, dir), 0);
    return d;
}

static void test_modes_agree(void **state)
{
    (void)state;
    char *plain = load_and_dump(&MODES[0]);
    /* Every entity lists both sources, once each. */
    assert_non_null(strstr(plain, " s1/"));
    assert_non_null(strstr(plain, " s2/"));
    for (size_t i = 1; i < NMODES; i++) {
        char *d = load_and_dump(&MODES[i]);
        if (strcmp(plain, d) != 0)
            fail_msg("mode '%s' differs from '%s'", MODES[i].name, MODES[0].name);
        free(d);
    }
    free(plain);
}

/* An entity confirmed through the cursor: each source once, a repeat of
 * the same source and grade changes nothing, a new property is added and
 * indexed, an existing one is kept. */
static void test_confirm_rewrites_once(void **state)
{
    test_case *c = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(c->s, true, &t), SK_OK);
    syms y = get_syms(t);
    sk_source a = {.name = "a.csv", .sha256 = {1}, .user = "test"};
    sk_source b = {.name = "b.csv", .sha256 = {2}, .user = "test"};
    assert_int_equal(sk_source_add(t, &a), SK_OK);
    assert_int_equal(sk_source_add(t, &b), SK_OK);
    bool created;
    sk_id id = upsert_entity(t, &y, 4, a.id, &created); /* with nick-4 */
    assert_true(created);
    assert_int_equal(sk_txn_commit(t), SK_OK);

    assert_int_equal(sk_txn_begin(c->s, true, &t), SK_OK);
    sk_arena *ar = sk_arena_new();
    sk_entity e;
    for (int round = 0; round < 2; round++) {
        assert_int_equal(upsert_entity(t, &y, 4, b.id, &created), id);
        assert_false(created);
        sk_arena_reset(ar);
        assert_int_equal(sk_entity_get(t, id, ar, &e), SK_OK);
        assert_int_equal(e.nasserts, 2);
        assert_int_equal(e.asserts[0].source, a.id);
        assert_int_equal(e.asserts[1].source, b.id);
        assert_int_equal(e.nprops, 1);
    }
    /* A property the record lacks is added and indexed. */
    sk_sym age = intern(t, SK_DICT_PROP, "alias");
    sk_prop p = {age, {.type = SK_V_STR, .u.str = {"Bob", 3}}};
    sk_entity_in in = {.type = y.person, .key = "Person 4", .props = &p, .nprops = 1,
                       .assert = {b.id, y.grade}};
    sk_id again;
    assert_int_equal(sk_entity_upsert(t, &in, &again, &created), SK_OK);
    assert_int_equal(again, id);
    sk_arena_reset(ar);
    assert_int_equal(sk_entity_get(t, id, ar, &e), SK_OK);
    assert_int_equal(e.nprops, 2);
    assert_int_equal(e.nasserts, 2);
    sk_idcur *ic;
    assert_int_equal(sk_scan_prop(t, y.person, age, "bob", 3, false, &ic), SK_OK);
    sk_id found;
    assert_int_equal(sk_idcur_next(ic, &found), SK_OK);
    assert_int_equal(found, id);
    sk_idcur_close(ic);
    sk_arena_free(ar);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

/* The filter made after links of the transaction were created (they are
 * in no filter until a flush) still finds them; links noted after it are
 * found from either end of an undirected link, and other times are other
 * links. */
static void test_filter_late_and_exact(void **state)
{
    test_case *c = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(c->s, true, &t), SK_OK);
    syms y = get_syms(t);
    sk_id ids[8];
    for (int i = 0; i < 8; i++) {
        bool created;
        ids[i] = upsert_entity(t, &y, i + 1, 0, &created);
    }
    sk_link_in in = {.src = ids[0], .dst = ids[1], .type = y.calls, .directed = true,
                     .t_start = 1000, .t_end = 1000};
    sk_id first, id;
    bool created;
    assert_int_equal(sk_link_create(t, &in, &first), SK_OK);
    assert_null(t->lf);
    assert_int_equal(sk_link_upsert(t, &in, &id, &created), SK_OK);
    assert_false(created);
    assert_int_equal(id, first);
    in.t_start = in.t_end = 1001; /* another time: another link */
    assert_int_equal(sk_link_upsert(t, &in, &id, &created), SK_OK);
    assert_true(created);
    sk_link_in k = {.src = ids[2], .dst = ids[3], .type = y.knows, .t_start = SK_NO_TIME};
    sk_id kid;
    assert_int_equal(sk_link_upsert(t, &k, &kid, &created), SK_OK);
    assert_true(created);
    k.src = ids[3];
    k.dst = ids[2];
    assert_int_equal(sk_link_upsert(t, &k, &id, &created), SK_OK);
    assert_false(created);
    assert_int_equal(id, kid);
    assert_int_equal(sk_txn_commit(t), SK_OK);
    /* A new transaction covers the entities from the store. */
    assert_int_equal(sk_txn_begin(c->s, true, &t), SK_OK);
    for (int round = 0; round < 2; round++) {
        assert_int_equal(sk_link_upsert(t, &k, &id, &created), SK_OK);
        assert_false(created);
        assert_int_equal(id, kid);
        in.t_start = in.t_end = 1000;
        assert_int_equal(sk_link_upsert(t, &in, &id, &created), SK_OK);
        assert_false(created);
        assert_int_equal(id, first);
    }
    assert_non_null(t->lf);
    in.t_start = in.t_end = 1002;
    assert_int_equal(sk_link_upsert(t, &in, &id, &created), SK_OK);
    assert_true(created);
    sk_id third = id;
    assert_int_equal(sk_link_upsert(t, &in, &id, &created), SK_OK);
    assert_false(created);
    assert_int_equal(id, third);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

/* A lookup table dropped at its budget: the transaction leaves bulk mode at
 * the next look-up and the store answers. */
static void test_tables_dropped_at_budget(void **state)
{
    test_case *c = *state;
    sk_txn *t;
    assert_int_equal(sk_txn_begin(c->s, true, &t), SK_OK);
    t->lookup_budget = 1;
    assert_int_equal(sk_txn_bulk(t), SK_OK);
    syms y = get_syms(t);
    bool created;
    sk_id a = upsert_entity(t, &y, 1, 0, &created);
    assert_true(t->keys.full);
    assert_true(t->bulk);
    sk_id b = upsert_entity(t, &y, 2, 0, &created);
    assert_true(created);
    assert_false(t->bulk); /* the look-up flushed */
    assert_int_equal(upsert_entity(t, &y, 1, 0, &created), a);
    assert_false(created);
    sk_link_in in = {.src = a, .dst = b, .type = y.owns, .directed = true,
                     .t_start = SK_NO_TIME};
    sk_id l1, l2;
    assert_int_equal(sk_link_upsert(t, &in, &l1, &created), SK_OK);
    assert_true(created);
    t->lf_budget = 1; /* no filter: the links table must answer */
    sk__lf_free(t);
    assert_int_equal(sk_link_upsert(t, &in, &l2, &created), SK_OK);
    assert_false(created);
    assert_int_equal(l2, l1);
    assert_int_equal(sk_txn_commit(t), SK_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modes_agree),
        cmocka_unit_test_setup_teardown(test_confirm_rewrites_once, test_case_setup,
                                        test_case_teardown),
        cmocka_unit_test_setup_teardown(test_filter_late_and_exact, test_case_setup,
                                        test_case_teardown),
        cmocka_unit_test_setup_teardown(test_tables_dropped_at_budget, test_case_setup,
                                        test_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
