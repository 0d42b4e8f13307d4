/*
 * test_import_spec.c — the mapping-specification language: what a good spec
 * parses into, and that every mistake is reported with its line, column and,
 * for a misspelt name, the closest valid one — before any data is read.
 */
#include "test_import_util.h"

#include "import_int.h"

/* Parses TEXT expecting failure; returns the message. */
static const char *bad(const char *text)
{
    static char err[512];
    sk_import_spec *s = NULL;
    int rc = sk_import_spec_parse(text, strlen(text), "t.spec", &s, err, sizeof err);
    if (rc == SK_OK) {
        sk_import_spec_free(s);
        fail_msg("expected an error for:\n%s", text);
    }
    assert_int_equal(rc, SK_EPARSE);
    assert_null(s);
    return err;
}

static void a_full_spec_parses(void **state)
{
    (void)state;
    const char *text =
        "skein-spec 1\n"
        "# comment\n"
        "name calls\n"
        "description \"test calls\"\n"
        "format csv\n"
        "delimiter semicolon\n"
        "timezone +01:00\n"
        "time-format \"%d/%m/%Y %H:%M\" iso\n"
        "decimal \",\"\n"
        "thousands \".\"\n"
        "skip 2\n"
        "include where kind ~ \"^(call|sms)$\" and from is not empty\n"
        "exclude where to = \"withheld\"\n"
        "entity caller phone\n"
        "    key from\n"
        "    label \"{name} ({from})\"\n"
        "    prop seen = #7 as int\n"
        "entity callee {kind2}\n"
        "    key to | \"alt {x}\"\n"
        "    optional\n"
        "link called caller -> callee\n"
        "    time day, hour \"%d/%m/%Y %H:%M\"\n"
        "    duration secs in min\n"
        "    weight cost as magnitude\n"
        "    reverse when dir = \"in\"\n"
        "link {kind} callee -- caller\n";
    char err[512];
    sk_import_spec *s;
    assert_int_equal(sk_import_spec_parse(text, strlen(text), "t.spec", &s, err, sizeof err),
                     SK_OK);
    assert_string_equal(sk_import_spec_name(s), "calls");
    assert_string_equal(sk_import_spec_description(s), "test calls");
    assert_int_equal(s->format, IMP_FMT_CSV);
    assert_int_equal(s->delimiter, ';');
    assert_int_equal(s->num.decimal, ',');
    assert_int_equal(s->num.thousands, '.');
    assert_int_equal(s->skip_lines, 2);
    assert_int_equal(s->ninclude, 1);
    assert_int_equal(s->include[0].n, 2);
    assert_int_equal(s->nents, 2);
    assert_int_equal(s->ents[1].nkeys, 2);
    assert_true(s->ents[1].optional);
    assert_int_equal(s->nlinks, 2);
    assert_int_equal(s->links[0].from, 0);
    assert_int_equal(s->links[0].to, 1);
    assert_true(s->links[0].directed);
    assert_false(s->links[1].directed);
    assert_int_equal(s->links[0].dur_unit_ms, 60000);
    assert_int_equal(s->links[0].time.n, 2);
    assert_int_equal(s->links[0].weight.kind, IMP_V_MAGNITUDE);
    assert_int_equal(s->links[0].reverse.n, 1);
    assert_int_equal(s->ntime_fmts, 2);
    sk_import_spec_free(s);
}

static void typos_are_suggested(void **state)
{
    (void)state;
    assert_string_equal(bad("skein-spec 1\nentity a phone\n    kye x\n"),
                        "t.spec:3:5: unknown key 'kye', did you mean 'key'?");
    assert_string_equal(bad("skein-spec 1\nformat cvs\n"),
                        "t.spec:2:8: unknown format 'cvs', did you mean 'csv'?");
    assert_string_equal(bad("skein-spec 1\nentity caller phone\n key a\n"
                            "entity callee phone\n key b\nlink called caller -> calee\n"),
                        "t.spec:6:23: unknown entity 'calee', did you mean 'callee'?");
    assert_string_equal(bad("skein-spec 1\nentity a phone\n key x\n prop p = y as dat\n"),
                        "t.spec:4:16: unknown value type 'dat', did you mean 'date'?");
}

static void mistakes_are_placed(void **state)
{
    (void)state;
    assert_string_equal(bad("name x\n"), "t.spec:1:1: a spec starts with the line "
                                         "'skein-spec 1'; expected 'skein-spec', found 'name'");
    assert_string_equal(bad("skein-spec 2\n"), "t.spec:1:12: spec version 2 is not known to "
                                               "this skein (it reads version 1)");
    assert_string_equal(bad("skein-spec 1\ntime start\n"),
                        "t.spec:2:1: 'time' belongs in a link block (after its `link` line)");
    assert_string_equal(bad("skein-spec 1\nentity a phone\n key x\n when y ~ \"(ab\"\n"),
                        "t.spec:4:15: bad regular expression: missing closing parenthesis");
    assert_string_equal(bad("skein-spec 1\ntimezone Mars/Olympus\n"),
                        "t.spec:2:10: unknown time zone 'Mars/Olympus' (no "
                        "/usr/share/zoneinfo/Mars/Olympus: No such file or directory; is "
                        "tzdata installed?)");
    assert_string_equal(bad("skein-spec 1\ntime-format \"%d/%q\"\n"),
                        "t.spec:2:13: bad time format \"%d/%q\": unknown conversion (known: %Y "
                        "%y %m %d %e %H %I %M %S %f %p %b %B %a %A %z %Z %s %T %F %%)");
    assert_string_equal(bad("skein-spec 1\nentity a phone\n"),
                        "t.spec:2:1: entity 'a' has no key: add `key COLUMN` (or `key none` to "
                        "make a new entity for every row)");
    assert_string_equal(bad("skein-spec 1\nentity a phone key x\n"),
                        "t.spec:2:16: unexpected 'key' after 'entity' (usage: entity NAME TYPE)");
    assert_string_equal(bad("skein-spec 1\nname \"unterminated\n"),
                        "t.spec:2:6: unterminated string: a \" is missing");
    assert_string_equal(bad("skein-spec 1\nformat ufdr\nentity a phone\n key prty\n"),
                        "t.spec:4:6: unknown column 'prty' for format ufdr, did you mean "
                        "'party'?");
    assert_string_equal(bad("skein-spec 1\nheader no\nentity a phone\n key caller\n"),
                        "t.spec:4:6: the file has no header (header no): refer to column "
                        "'caller' by number, like #1");
    assert_string_equal(bad("skein-spec 1\nformat neo4j\nentity a phone\n key x\n"),
                        "t.spec:3:1: format neo4j takes its entities and links from the file "
                        "headers: use `node` and `relationship` rules instead");
    assert_string_equal(bad("skein-spec 1\nentity a phone\n key x\nentity a phone\n key y\n"),
                        "t.spec:4:8: entity 'a' is defined twice (first at line 2)");
}

static void spec_files_and_builtins(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    char err[512];
    sk_import_spec *s;
    const char *p = tu_text(d, "my.spec", "skein-spec 1\nentity a phone\n    lable x\n");
    assert_int_equal(sk_import_spec_load(p, &s, err, sizeof err), SK_EPARSE);
    char want[700];
    snprintf(want, sizeof want, "%s:3:5: unknown key 'lable', did you mean 'label'?", p);
    assert_string_equal(err, want);
    assert_int_equal(sk_import_spec_load("cdrr", &s, err, sizeof err), SK_ENOTFOUND);
    tu_contains(err, "unknown spec 'cdrr', did you mean 'cdr'?");
    size_t n;
    const sk_import_builtin *b = sk_import_builtins(&n);
    assert_int_equal(n, 8);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(sk_import_spec_load(b[i].name, &s, err, sizeof err), SK_OK);
        assert_string_equal(sk_import_spec_name(s), b[i].name);
        assert_true(strlen(b[i].description) > 10);
        sk_import_spec_free(s);
    }
    tu_rmdir(d);
}

static void header_binding_suggests(void **state)
{
    (void)state;
    const char *text = "skein-spec 1\nentity a phone\n    key a_prty\n";
    char err[512];
    sk_import_spec *s;
    assert_int_equal(sk_import_spec_parse(text, strlen(text), "t.spec", &s, err, sizeof err),
                     SK_OK);
    const char *names[] = {"a_party", "b_party"};
    size_t lens[] = {7, 7};
    imp_bind b;
    imp_err e;
    assert_int_equal(imp_bind_columns(s, names, lens, 2, &b, &e), SK_EPARSE);
    assert_string_equal(e.msg, "no column 'a_prty' (spec t.spec:3:9); did you mean 'a_party'? "
                               "(columns: a_party, b_party)");
    const char *upper[] = {"B_PARTY", " A_PRTY "};
    size_t ulens[] = {7, 8};
    assert_int_equal(imp_bind_columns(s, upper, ulens, 2, &b, &e), SK_OK);
    assert_int_equal(b.index[0], 1);
    imp_bind_free(&b);
    sk_import_spec_free(s);
}

static void limits_are_errors(void **state)
{
    (void)state;
    size_t cap = SK_IMPORT_SPEC_MAX + 100;
    char *big = malloc(cap);
    assert_non_null(big);
    memset(big, '#', cap);
    memcpy(big, "skein-spec 1\n", 13);
    char err[256];
    sk_import_spec *s;
    assert_int_equal(sk_import_spec_parse(big, cap, "big.spec", &s, err, sizeof err),
                     SK_ELIMIT);
    assert_string_equal(err, "big.spec: spec too large (more than 262144 bytes)");
    free(big);
    char text[8192] = "skein-spec 1\n";
    for (int i = 0; i <= SK_IMPORT_RULES_MAX; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "entity e%d phone\n key x\n",
                 i);
    tu_contains(bad(text), "too many entities (at most 64)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_full_spec_parses),
        cmocka_unit_test(typos_are_suggested),
        cmocka_unit_test(mistakes_are_placed),
        cmocka_unit_test(spec_files_and_builtins),
        cmocka_unit_test(header_binding_suggests),
        cmocka_unit_test(limits_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
