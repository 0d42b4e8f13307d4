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
 * A case is compared through a canonical dump: every entity by type and
 * key with its label, properties and sources; every link by the keys of its
 * ends, type, direction, times, weight, properties and sources; every
 * source. Ids do not appear, so cases built in another order compare equal.
 */
#include "test_import_util.h"

/* ---- Data ------------------------------------------------------------- */

#define NPHONES 300
#define NCALLS 4000
#define NPEOPLE 250

static const char CALLS_SPEC[] =
    "skein-spec 1\n"
    "name t-calls\n"
    "format csv\n"
    "delimiter comma\n"
    "header yes\n"
    "timezone UTC\n"
    "entity a phone\n"
    "    key a\n"
    "entity b phone\n"
    "    key b\n"
    "link called a -> b\n"
    "    time start\n"
    "    duration dur\n";

static const char PEOPLE_SPEC[] =
    "skein-spec 1\n"
    "name t-people\n"
    "format csv\n"
    "delimiter comma\n"
    "header yes\n"
    "entity p person\n"
    "    key name\n"
    "    prop age = age as int\n"
    "entity ph phone\n"
    "    key phones\n"
    "    split \";\"\n"
    "    optional\n"
    "link uses p -> ph\n";

/* Phone I written in spelling K: national, international, 00-prefixed. */
static void phone(char *buf, size_t cap, unsigned i, unsigned k)
{
    static const char *const fmt[] = {"07700 900%03u", "+447700900%03u", "0044 7700 900%03u"};
    snprintf(buf, cap, fmt[k % 3], i % NPHONES);
}

/* Calls between the phones, in varying spellings; every 7th row repeats
 * an earlier call (same ends and time), every 997th has a bad number. */
static char *calls_csv(void)
{
    size_t cap = (size_t)NCALLS * 96 + 64, at = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    at += (size_t)snprintf(s, cap, "a,b,start,dur\n");
    for (unsigned i = 0; i < NCALLS; i++) {
        unsigned r = i % 7 == 6 ? i - 3 : i; /* a repeat of row i-3 */
        char a[32], b[32];
        phone(a, sizeof a, r * 7, i);
        phone(b, sizeof b, r * 13 + 5, i / 3);
        if (i % 997 == 500)
            snprintf(b, sizeof b, "12");
        at += (size_t)snprintf(s + at, cap - at, "%s,%s,2024-03-01T%02u:%02u:00Z,%u\n", a, b,
                               r / 60 % 24, r % 60, r % 100);
    }
    return s;
}

/* People with their phones ("N1;N2"); a person's name differs in case and
 * spacing between rows, and some rows repeat a person with other phones. */
static char *people_csv(void)
{
    size_t cap = (size_t)NPEOPLE * 2 * 96 + 64, at = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    at += (size_t)snprintf(s, cap, "name,age,phones\n");
    for (unsigned i = 0; i < NPEOPLE * 2; i++) {
        unsigned p = i % NPEOPLE;
        char a[32], b[32];
        phone(a, sizeof a, p * 11, i);
        phone(b, sizeof b, p * 11 + 1, i + 1);
        const char *name = i < NPEOPLE ? "Person  %u Smith" : "person %u SMITH";
        char nm[64];
        snprintf(nm, sizeof nm, name, p);
        if (i % 5 == 0)
            at += (size_t)snprintf(s + at, cap - at, "%s,%u,\n", nm, 20 + p % 50);
        else
            at += (size_t)snprintf(s + at, cap - at, "%s,%u,%s;%s\n", nm, 20 + p % 50, a, b);
    }
    return s;
}

/* The files of one test: the two CSV files and their specs. */
typedef struct files {
    char *dir;
    char calls[600], people[600], calls_spec[600], people_spec[600], rejects[600];
} files;

static void write_at(char *path, size_t cap, const char *dir, const char *name,
                     const char *text)
{
    snprintf(path, cap, "%s", tu_text(dir, name, text));
}

static files make_files(void)
{
    files f = {.dir = tu_mkdtemp()};
    char *c = calls_csv(), *p = people_csv();
    write_at(f.calls, sizeof f.calls, f.dir, "calls.csv", c);
    write_at(f.people, sizeof f.people, f.dir, "people.csv", p);
    write_at(f.calls_spec, sizeof f.calls_spec, f.dir, "calls.spec", CALLS_SPEC);
    write_at(f.people_spec, sizeof f.people_spec, f.dir, "people.spec", PEOPLE_SPEC);
    snprintf(f.rejects, sizeof f.rejects, "%s/rejects.csv", f.dir);
    free(c);
    free(p);
    return f;
}

/* ---- The canonical dump of a case --------------------------------------- */

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static void add_line(lines *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    l->v[l->n] = strdup(s);
    assert_non_null(l->v[l->n]);
    l->n++;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void put(char *buf, size_t cap, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *at, cap - *at, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < cap - *at);
    *at += (size_t)n;
}

static const char *name_of(sk_txn *t, enum sk_dict d, sk_sym sym, char *buf, size_t cap)
{
    const char *s;
    size_t n;
    if (sym == 0)
        return "-";
    assert_int_equal(sk_name_get(t, d, sym, &s, &n), SK_OK);
    snprintf(buf, cap, "%.*s", (int)n, s);
    return buf;
}

/* Properties (sorted by name) and assertions (in order) of a record. */
static void put_props(sk_txn *t, char *buf, size_t cap, size_t *at, const sk_prop *p,
                      size_t n, const sk_assert *as, size_t nas)
{
    lines l = {0};
    for (size_t i = 0; i < n; i++) {
        char nm[128], one[512];
        const sk_value *v = &p[i].value;
        name_of(t, SK_DICT_PROP, p[i].name, nm, sizeof nm);
        switch (v->type) {
        case SK_V_STR:
            snprintf(one, sizeof one, "%s=s:%.*s", nm, (int)v->u.str.len, v->u.str.ptr);
            break;
        case SK_V_INT: snprintf(one, sizeof one, "%s=i:%lld", nm, (long long)v->u.i); break;
        case SK_V_REAL: snprintf(one, sizeof one, "%s=r:%.17g", nm, v->u.r); break;
        case SK_V_TIME:
            snprintf(one, sizeof one, "%s=t:%lld%+d", nm, (long long)v->u.time.t,
                     v->u.time.off_min);
            break;
        default: snprintf(one, sizeof one, "%s=type%d", nm, (int)v->type); break;
        }
        add_line(&l, one);
    }
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_str);
    for (size_t i = 0; i < l.n; i++) {
        put(buf, cap, at, " %s", l.v[i]);
        free(l.v[i]);
    }
    free(l.v);
    for (size_t i = 0; i < nas; i++) {
        char g[64];
        put(buf, cap, at, " src%u/%s", as[i].source,
            name_of(t, SK_DICT_GRADE, as[i].grade, g, sizeof g));
    }
}

/* "type:key" of entity ID (its label when keyless). */
static const char *ent_ref(sk_txn *t, sk_arena *a, sk_id id, char *buf, size_t cap)
{
    sk_entity e;
    char ty[64];
    assert_int_equal(sk_entity_get(t, id, a, &e), SK_OK);
    snprintf(buf, cap, "%s:%.*s", name_of(t, SK_DICT_ETYPE, e.type, ty, sizeof ty),
             (int)(e.key_len ? e.key_len : e.label_len), e.key_len ? e.key : e.label);
    return buf;
}

static int put_source(const sk_source *s, void *ctx)
{
    lines *l = ctx;
    char line[1024];
    snprintf(line, sizeof line, "S %u %s size %llu sha %02x%02x%02x%02x user %s note %s",
             s->id, s->name, (unsigned long long)s->size, s->sha256[0], s->sha256[1],
             s->sha256[2], s->sha256[31], s->user, s->note);
    add_line(l, line);
    return 0;
}

/* Every entity, link and source of S, one sorted line each, joined; the
 * entity SKIP (0: none) is left out. The caller frees the result. */
static char *dump(sk_store *s, sk_id skip)
{
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_arena *a = sk_arena_new();
    lines l = {0};
    sk_idcur *c;
    sk_id id;
    char buf[4096], ty[64];
    assert_int_equal(sk_scan_type(t, 0, &c), SK_OK);
    while (sk_idcur_next(c, &id) == SK_OK) {
        if (id == skip)
            continue;
        sk_entity e;
        assert_int_equal(sk_entity_get(t, id, a, &e), SK_OK);
        size_t at = 0;
        put(buf, sizeof buf, &at, "E %s:%.*s label=%.*s",
            name_of(t, SK_DICT_ETYPE, e.type, ty, sizeof ty), (int)e.key_len, e.key,
            (int)e.label_len, e.label);
        put_props(t, buf, sizeof buf, &at, e.props, e.nprops, e.asserts, e.nasserts);
        add_line(&l, buf);
        sk_arena_reset(a);
    }
    sk_idcur_close(c);
    assert_int_equal(sk_scan_links(t, &c), SK_OK);
    while (sk_idcur_next(c, &id) == SK_OK) {
        sk_link k;
        assert_int_equal(sk_link_get(t, id, a, &k), SK_OK);
        char from[256], to[256];
        size_t at = 0;
        put(buf, sizeof buf, &at, "L %s %s %s %s t=%lld..%lld%+d w=%.17g",
            ent_ref(t, a, k.src, from, sizeof from),
            k.directed ? "->" : "--", ent_ref(t, a, k.dst, to, sizeof to),
            name_of(t, SK_DICT_LTYPE, k.type, ty, sizeof ty), (long long)k.t_start,
            (long long)k.t_end, k.t_off, k.weight);
        put_props(t, buf, sizeof buf, &at, k.props, k.nprops, k.asserts, k.nasserts);
        add_line(&l, buf);
        sk_arena_reset(a);
    }
    sk_idcur_close(c);
    assert_int_equal(sk_source_each(t, a, put_source, &l), SK_OK);
    sk_arena_free(a);
    sk_txn_abort(t);
    qsort(l.v, l.n, sizeof *l.v, cmp_str);
    size_t total = 1;
    for (size_t i = 0; i < l.n; i++)
        total += strlen(l.v[i]) + 1;
    char *out = malloc(total), *p = out;
    assert_non_null(out);
    for (size_t i = 0; i < l.n; i++) {
        size_t n = strlen(l.v[i]);
        memcpy(p, l.v[i], n);
        p[n] = '\n';
        p += n + 1;
        free(l.v[i]);
    }
    *p = '\0';
    free(l.v);
    return out;
}

/* Fails naming the first line where dumps A and B differ. */
static void same_dump(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return;
    size_t line = 1, i = 0;
    while (a[i] && a[i] == b[i])
        line += a[i++] == '\n';
    const char *la = a + i, *lb = b + i;
    while (la > a && la[-1] != '\n')
        la--;
    while (lb > b && lb[-1] != '\n')
        lb--;
    int na = (int)strcspn(la, "\n"), nb = (int)strcspn(lb, "\n");
    fail_msg("cases differ at line %zu:\n  %.*s\n  %.*s", line, na, la, nb, lb);
}

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
