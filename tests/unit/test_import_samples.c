/*
 * test_import_samples.c — every built-in spec on its sample (exact counts),
 * the Neo4j POLE case and the London gang matrix from ../shared/data (their
 * published figures), provenance, identity across sources, idempotent
 * re-import, dry runs and the rejects file.
 */
#include "test_import_util.h"

typedef struct expect {
    const char *name;       /* entity or link type */
    bool link;
    uint64_t n;
} expect;

/* Imports FILES (under samples/import/) with SPEC into a fresh case and
 * checks the totals and per-type counts. */
static void check_sample(const char *spec, const char *const *files, size_t nfiles,
                         uint64_t entities, uint64_t links, const expect *ex, size_t nex)
{
    char *d = tu_mkdtemp();
    sk_store *s = tu_open(d, "case");
    const char *paths[8];
    char buf[8][512];
    for (size_t i = 0; i < nfiles; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "samples/import/%s", files[i]);
        snprintf(buf[i], sizeof buf[i], "%s", tu_src(rel));
        paths[i] = buf[i];
    }
    char msg[1024];
    sk_import_summary sum;
    int rc = tu_import(s, spec, paths, nfiles, NULL, &sum, msg, sizeof msg);
    if (rc != SK_OK)
        fail_msg("%s: %s", spec, msg);
    tu_counts c = tu_stats(s);
    assert_int_equal(c.entities, entities);
    assert_int_equal(c.links, links);
    assert_int_equal(c.sources, nfiles);
    assert_int_equal(sum.entities_created, entities);
    assert_int_equal(sum.files_imported, nfiles);
    for (size_t i = 0; i < nex; i++) {
        uint64_t n = tu_type_count(s, ex[i].name, ex[i].link);
        if (n != ex[i].n)
            fail_msg("%s: %s %s: %llu, expected %llu", spec, ex[i].link ? "link" : "entity",
                     ex[i].name, (unsigned long long)n, (unsigned long long)ex[i].n);
    }
    /* The same files again: nothing changes, and the message says so. */
    rc = tu_import(s, spec, paths, nfiles, NULL, &sum, msg, sizeof msg);
    assert_int_equal(rc, SK_OK);
    tu_contains(msg, "already imported");
    tu_contains(msg, "nothing changed");
    assert_int_equal(sum.files_already, nfiles);
    tu_counts again = tu_stats(s);
    assert_memory_equal(&again, &c, sizeof c);
    sk_store_close(s);
    tu_rmdir(d);
}

static void sample_cdr(void **state)
{
    (void)state;
    const char *f[] = {"cdr/calls.csv"};
    const expect ex[] = {{"phone", false, 3}, {"cell", false, 2}, {"called", true, 4},
                         {"texted", true, 1}, {"used_cell", true, 3}};
    check_sample("cdr", f, 1, 5, 8, ex, 5);
}

static void sample_anpr(void **state)
{
    (void)state;
    const char *f[] = {"anpr/reads.csv"};
    const expect ex[] = {{"vehicle", false, 2}, {"camera", false, 3}, {"seen_at", true, 4}};
    check_sample("anpr", f, 1, 5, 4, ex, 3);
}

static void sample_bank(void **state)
{
    (void)state;
    const char *f[] = {"bank/transactions.csv"};
    const expect ex[] = {{"account", false, 4}, {"paid", true, 4}};
    check_sample("bank", f, 1, 4, 4, ex, 2);
}

static void sample_edges(void **state)
{
    (void)state;
    const char *f[] = {"edges/edges.csv"};
    const expect ex[] = {{"person", false, 4}, {"knows", true, 2}, {"met", true, 2},
                         {"called", true, 1}};
    check_sample("edges", f, 1, 4, 5, ex, 4);
}

static void sample_matrix(void **state)
{
    (void)state;
    const char *f[] = {"edges-matrix/matrix.csv"};
    const expect ex[] = {{"person", false, 4}, {"tie", true, 3}};
    check_sample("edges-matrix", f, 1, 4, 3, ex, 2);
}

static void sample_neo4j(void **state)
{
    (void)state;
    /* Relationship file first on purpose: node files are read first anyway. */
    const char *f[] = {"neo4j/relationships.csv", "neo4j/nodes.Person.csv",
                       "neo4j/nodes.Phone.csv"};
    const expect ex[] = {{"person", false, 3}, {"phone", false, 2}, {"has_phone", true, 2},
                         {"knows", true, 1}, {"family_rel", true, 1}};
    check_sample("neo4j", f, 3, 5, 4, ex, 5);
}

static void sample_xry(void **state)
{
    (void)state;
    const char *f[] = {"xry/calls.txt", "xry/messages.txt"};
    const expect ex[] = {{"device", false, 1}, {"phone", false, 2}, {"called", true, 3},
                         {"messaged", true, 2}};
    check_sample("xry", f, 2, 3, 5, ex, 4);
}

static void sample_ufdr(void **state)
{
    (void)state;
    const char *f[] = {"ufdr/report.xml"};
    const expect ex[] = {{"device", false, 1}, {"person", false, 1}, {"phone", false, 3},
                         {"email", false, 1}, {"owns", true, 1}, {"has_phone", true, 1},
                         {"in_device", true, 1}, {"has_contact", true, 3}, {"called", true, 2},
                         {"texted", true, 1}, {"messaged", true, 2}};
    check_sample("ufdr", f, 1, 6, 11, ex, 11);
}

/* The same phone in a CDR and in a phone extraction is one entity with
 * two sources. */
static void one_phone_two_sources(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    sk_store *s = tu_open(d, "case");
    char msg[1024];
    assert_int_equal(tu_import1(s, "cdr", tu_src("samples/import/cdr/calls.csv"), msg,
                                sizeof msg), SK_OK);
    sk_import_summary sum;
    const char *f = tu_src("samples/import/ufdr/report.xml");
    sk_import_opts o = {.grade = "B24", .note = "exhibit JB/1"};
    assert_int_equal(tu_import(s, "ufdr", &f, 1, &o, &sum, msg, sizeof msg), SK_OK);
    /* 447700900456 and 447700900789 are in both; 447700900123 too. */
    assert_int_equal(sum.entities_merged, 3);
    assert_int_equal(tu_type_count(s, "phone", false), 3);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_sym phone;
    assert_int_equal(sk_name_intern(t, SK_DICT_ETYPE, "phone", 5, false, &phone), SK_OK);
    sk_id id;
    assert_int_equal(sk_entity_by_key(t, phone, "+44 7700 900123", 15, &id), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_entity e;
    assert_int_equal(sk_entity_get(t, id, a, &e), SK_OK);
    assert_int_equal(e.nasserts, 2);
    assert_int_equal(e.asserts[0].source, 1);
    assert_int_equal(e.asserts[1].source, 2);
    sk_source src;
    assert_int_equal(sk_source_get(t, 2, a, &src), SK_OK);
    assert_string_equal(src.name, f);
    assert_string_equal(src.user, "test");
    assert_string_equal(src.note, "exhibit JB/1");
    const char *g;
    size_t gl;
    assert_int_equal(sk_name_get(t, SK_DICT_GRADE, src.grade, &g, &gl), SK_OK);
    assert_int_equal(gl, 3);
    assert_memory_equal(g, "B24", 3);
    uint8_t sha[32];
    uint64_t size;
    char err[256];
    assert_int_equal(sk_sha256_file(f, sha, &size, err, sizeof err), SK_OK);
    assert_memory_equal(src.sha256, sha, 32);
    assert_int_equal(src.size, size);
    sk_arena_free(a);
    sk_txn_abort(t);
    sk_store_close(s);
    tu_rmdir(d);
}

static void dry_run_writes_nothing(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    sk_store *s = tu_open(d, "case");
    char msg[1024];
    sk_import_summary sum;
    const char *f = tu_src("samples/import/cdr/calls.csv");
    sk_import_opts o = {.dry_run = true};
    assert_int_equal(tu_import(s, "cdr", &f, 1, &o, &sum, msg, sizeof msg), SK_OK);
    tu_contains(msg, "dry run, nothing written");
    assert_true(sum.dry_run);
    assert_int_equal(sum.rows_read, 6);
    assert_int_equal(sum.entities_created, 5);
    assert_int_equal(sum.links_created, 8);
    assert_int_equal(sum.links_confirmed, 1);
    tu_counts c = tu_stats(s);
    assert_int_equal(c.entities + c.links + c.sources, 0);
    sk_store_close(s);
    tu_rmdir(d);
}

static void rejects_file_takes_bad_rows(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    sk_store *s = tu_open(d, "case");
    const char *f = tu_text(d, "calls.csv",
                            "a_party,b_party,start,duration,type,cell\n"
                            "07700900123,07700900456,2024-03-01 09:15:00,10,voice,\n"
                            ",07700900456,2024-03-01 09:16:00,10,voice,\n"
                            "07700900123,07700900456,2024-13-01 09:17:00,10,voice,\n"
                            "07700900123,07700900789,2024-03-01 09:18:00,ten,voice,\n"
                            "07700900456,07700900789,2024-03-01 09:19:00,10,voice,\n");
    char rej[600];
    snprintf(rej, sizeof rej, "%s/rejects.csv", d);
    char msg[1024];
    sk_import_summary sum;
    sk_import_opts o = {.rejects = rej};
    assert_int_equal(tu_import(s, "cdr", &f, 1, &o, &sum, msg, sizeof msg), SK_OK);
    assert_int_equal(sum.rows_read, 5);
    assert_int_equal(sum.rows_rejected, 3);
    assert_int_equal(sum.links_created, 2);
    tu_contains(msg, "3 rejected");
    FILE *r = fopen(rej, "r");
    assert_non_null(r);
    char line[1024];
    int n = 0;
    char all[4096] = "";
    while (fgets(line, sizeof line, r)) {
        n++;
        strncat(all, line, sizeof all - strlen(all) - 1);
    }
    fclose(r);
    assert_int_equal(n, 4);
    tu_contains(all, "file,line,column,reason,fields\n");
    tu_contains(all, ",3,1,empty key for entity 'caller' (column 'a_party' is empty),,"
                     "07700900456,");
    tu_contains(all, ",4,25,unparseable time '2024-13-01 09:17:00' in column 'start'");
    tu_contains(all, ",5,45,not a duration: 'ten' in column 'duration',");
    tu_counts c = tu_stats(s);
    assert_int_equal(c.links, 2);
    sk_store_close(s);
    tu_rmdir(d);
}

/* Node files imported earlier are read again (not written) to map the ids
 * of a new relationship file. */
static void neo4j_nodes_then_relationships(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    sk_store *s = tu_open(d, "case");
    char p1[512], p2[512], r[512];
    snprintf(p1, sizeof p1, "%s", tu_src("samples/import/neo4j/nodes.Person.csv"));
    snprintf(p2, sizeof p2, "%s", tu_src("samples/import/neo4j/nodes.Phone.csv"));
    snprintf(r, sizeof r, "%s", tu_src("samples/import/neo4j/relationships.csv"));
    const char *nodes[] = {p1, p2};
    const char *all[] = {p1, p2, r};
    char msg[1024];
    sk_import_summary sum;
    assert_int_equal(tu_import(s, "neo4j", nodes, 2, NULL, &sum, msg, sizeof msg), SK_OK);
    tu_counts c = tu_stats(s);
    assert_int_equal(c.entities, 5);
    assert_int_equal(c.links, 0);
    int rc = tu_import(s, "neo4j", all, 3, NULL, &sum, msg, sizeof msg);
    if (rc)
        fail_msg("%s", msg);
    assert_int_equal(sum.files_imported, 1);
    assert_int_equal(sum.files_already, 2);
    assert_int_equal(sum.rows_read, 4);
    assert_int_equal(sum.entities_created, 0);
    c = tu_stats(s);
    assert_int_equal(c.entities, 5);
    assert_int_equal(c.links, 4);
    assert_int_equal(c.sources, 3);
    /* Typed columns became typed properties. */
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_sym person, age;
    assert_int_equal(sk_name_intern(t, SK_DICT_ETYPE, "person", 6, false, &person), SK_OK);
    assert_int_equal(sk_name_intern(t, SK_DICT_PROP, "age", 3, false, &age), SK_OK);
    sk_id id;
    assert_int_equal(sk_entity_by_key(t, person, "111-22-3333", 11, &id), SK_OK);
    sk_arena *a = sk_arena_new();
    sk_entity e;
    assert_int_equal(sk_entity_get(t, id, a, &e), SK_OK);
    assert_int_equal(e.label_len, 11);
    assert_memory_equal(e.label, "Anna Kovacs", 11);
    bool found = false;
    for (size_t i = 0; i < e.nprops; i++)
        if (e.props[i].name == age) {
            assert_int_equal(e.props[i].value.type, SK_V_INT);
            assert_int_equal(e.props[i].value.u.i, 34);
            found = true;
        }
    assert_true(found);
    sk_arena_free(a);
    sk_txn_abort(t);
    sk_store_close(s);
    tu_rmdir(d);
}

/* Times: the spec's zone, or --timezone over it; a text's own offset wins. */
static void link_times_and_zones(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    sk_store *s = tu_open(d, "case");
    const char *f = tu_text(d, "c.csv", "a_party,b_party,start,duration,type,cell\n"
                            "07700900123,07700900456,2024-07-01 12:00:00,0:02:05,voice,\n");
    char msg[1024];
    sk_import_summary sum;
    sk_import_opts o = {.timezone = "Europe/London"};
    assert_int_equal(tu_import(s, "cdr", &f, 1, &o, &sum, msg, sizeof msg), SK_OK);
    sk_txn *t;
    assert_int_equal(sk_txn_begin(s, false, &t), SK_OK);
    sk_idcur *cur;
    assert_int_equal(sk_scan_links(t, &cur), SK_OK);
    sk_id lid;
    assert_int_equal(sk_idcur_next(cur, &lid), SK_OK);
    sk_idcur_close(cur);
    sk_arena *a = sk_arena_new();
    sk_link l;
    assert_int_equal(sk_link_get(t, lid, a, &l), SK_OK);
    /* 12:00 BST is 11:00 UTC; 2 min 5 s later it ends. */
    assert_int_equal(l.t_start, 1719831600);
    assert_int_equal(l.t_off, 60);
    assert_int_equal(l.t_end, 1719831600 + 125);
    assert_true(l.directed);
    sk_arena_free(a);
    sk_txn_abort(t);
    sk_store_close(s);
    tu_rmdir(d);
}

static const char *shared(const char *rel)
{
    static char path[1024];
    const char *base = getenv("SK_SHARED_DATA");
    if (!base || !*base)
        return NULL;
    snprintf(path, sizeof path, "%s/%s", base, rel);
    return access(path, R_OK) == 0 ? path : NULL;
}

static void neo4j_pole_case(void **state)
{
    (void)state;
    const char *dir = shared("neo4j-pole/crime-investigation.nodes.Person.csv");
    if (!dir) {
        print_message("skipped: SK_SHARED_DATA/neo4j-pole is absent\n");
        skip();
    }
    static const char *const names[] = {
        "nodes.Area", "nodes.Crime", "nodes.Email", "nodes.Location", "nodes.Object",
        "nodes.Officer", "nodes.Person", "nodes.Phone", "nodes.PhoneCall", "nodes.PostCode",
        "nodes.Vehicle", "relationships.CALLED", "relationships.CALLER",
        "relationships.CURRENT_ADDRESS", "relationships.FAMILY_REL", "relationships.HAS_EMAIL",
        "relationships.HAS_PHONE", "relationships.HAS_POSTCODE",
        "relationships.INVESTIGATED_BY", "relationships.INVOLVED_IN", "relationships.KNOWS",
        "relationships.KNOWS_LW", "relationships.KNOWS_PHONE", "relationships.KNOWS_SN",
        "relationships.LOCATION_IN_AREA", "relationships.OCCURRED_AT", "relationships.PARTY_TO",
        "relationships.POSTCODE_IN_AREA"};
    enum { N = sizeof names / sizeof names[0] };
    char paths[N][1024];
    const char *files[N];
    for (size_t i = 0; i < N; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "neo4j-pole/crime-investigation.%s.csv", names[i]);
        snprintf(paths[i], sizeof paths[i], "%s", shared(rel));
        files[i] = paths[i];
    }
    char *d = tu_mkdtemp();
    sk_store *s = tu_open(d, "pole");
    char msg[2048];
    sk_import_summary sum;
    int rc = tu_import(s, "neo4j", files, N, NULL, &sum, msg, sizeof msg);
    if (rc)
        fail_msg("%s", msg);
    tu_counts c = tu_stats(s);
    assert_int_equal(c.entities, 61521);
    assert_int_equal(c.links, 105840);
    assert_int_equal(c.sources, N);
    static const expect ex[] = {
        {"crime", false, 28762}, {"location", false, 14904}, {"postcode", false, 14196},
        {"officer", false, 1000}, {"vehicle", false, 1000}, {"phonecall", false, 534},
        {"person", false, 369}, {"phone", false, 328}, {"email", false, 328},
        {"area", false, 93}, {"object", false, 7}, {"knows", true, 586},
        {"family_rel", true, 155}, {"knows_sn", true, 241}, {"knows_phone", true, 118},
        {"knows_lw", true, 80}, {"party_to", true, 55},
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        uint64_t n = tu_type_count(s, ex[i].name, ex[i].link);
        if (n != ex[i].n)
            fail_msg("%s: %llu, expected %llu", ex[i].name, (unsigned long long)n,
                     (unsigned long long)ex[i].n);
    }
    rc = tu_import(s, "neo4j", files, N, NULL, &sum, msg, sizeof msg);
    assert_int_equal(rc, SK_OK);
    tu_contains(msg, "all 28 files already imported");
    tu_counts again = tu_stats(s);
    assert_memory_equal(&again, &c, sizeof c);
    sk_store_close(s);
    tu_rmdir(d);
}

static void london_gang_matrix(void **state)
{
    (void)state;
    const char *f = shared("london-gang/LONDON_GANG.csv");
    if (!f) {
        print_message("skipped: SK_SHARED_DATA/london-gang is absent\n");
        skip();
    }
    char *d = tu_mkdtemp();
    sk_store *s = tu_open(d, "gang");
    char msg[1024];
    assert_int_equal(tu_import1(s, "edges-matrix", f, msg, sizeof msg), SK_OK);
    tu_counts c = tu_stats(s);
    assert_int_equal(c.entities, 54);
    assert_int_equal(c.links, 315);
    sk_store_close(s);
    tu_rmdir(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sample_cdr),
        cmocka_unit_test(sample_anpr),
        cmocka_unit_test(sample_bank),
        cmocka_unit_test(sample_edges),
        cmocka_unit_test(sample_matrix),
        cmocka_unit_test(sample_neo4j),
        cmocka_unit_test(sample_xry),
        cmocka_unit_test(sample_ufdr),
        cmocka_unit_test(one_phone_two_sources),
        cmocka_unit_test(dry_run_writes_nothing),
        cmocka_unit_test(rejects_file_takes_bad_rows),
        cmocka_unit_test(neo4j_nodes_then_relationships),
        cmocka_unit_test(link_times_and_zones),
        cmocka_unit_test(neo4j_pole_case),
        cmocka_unit_test(london_gang_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
