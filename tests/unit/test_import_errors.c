/*
 * test_import_errors.c — all or nothing: every kind of bad input stops the
 * import with its exact "file:line:column: reason" and leaves the case as
 * it was (counts compared before and after); a writer killed in the middle
 * of a large import leaves the case as it was too.
 */
#include <signal.h>
#include <sys/wait.h>

#include "test_import_util.h"

#include "limits_import.h"

#define HEADER "a_party,b_party,start,duration,type,cell\n"
#define GOOD "07700900123,07700900456,2024-03-01 09:15:00,10,voice,\n"

typedef struct fixture {
    char *dir;
    sk_store *s;
    tu_counts before;
} fixture;

/* A case that already holds the ANPR sample, so "unchanged" is not "empty". */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->s = tu_open(f->dir, "case");
    char msg[1024];
    if (tu_import1(f->s, "anpr", tu_src("samples/import/anpr/reads.csv"), msg, sizeof msg))
        fail_msg("%s", msg);
    f->before = tu_stats(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sk_store_close(f->s);
    tu_rmdir(f->dir);
    free(f);
    return 0;
}

/* Imports PATH with SPEC, expects failure with exactly "PATH" + WANT (or,
 * with CONTAINS, a message holding WANT) and an unchanged case. */
static void expect_error(fixture *f, const char *spec, const char *path, const char *want,
                         bool contains)
{
    char msg[2048];
    int rc = tu_import1(f->s, spec, path, msg, sizeof msg);
    if (rc == SK_OK)
        fail_msg("expected an error, got: %s", msg);
    if (contains) {
        tu_contains(msg, want);
    } else {
        char full[2048];
        snprintf(full, sizeof full, "%s%s", path, want);
        assert_string_equal(msg, full);
    }
    tu_counts after = tu_stats(f->s);
    assert_memory_equal(&after, &f->before, sizeof after);
}

static void bad_quoting(void **state)
{
    fixture *f = *state;
    const char *p = tu_text(f->dir, "q.csv", HEADER GOOD "07700900123,\"0770\"0900456,x,1,v,\n");
    expect_error(f, "cdr", p, ":3:19: unexpected '0' after the closing quote of a field (a "
                 "quote inside a quoted field must be doubled)", false);
}

static void invalid_utf8(void **state)
{
    fixture *f = *state;
    const char *p = tu_text(f->dir, "u.csv", HEADER GOOD "07700900123,07700900456,"
                            "2024-03-01 09:15:00,10,voice,caf\xE9\n");
    expect_error(f, "cdr", p, ":3:57: invalid UTF-8 (byte 0xE9); give the file's encoding, "
                 "e.g. --encoding windows-1252", false);
}

static void missing_key_column(void **state)
{
    fixture *f = *state;
    const char *p = tu_text(f->dir, "k.csv", "a_prty,b_party,start,duration,type,cell\n" GOOD);
    expect_error(f, "cdr", p, ":1:1: no column 'a_party' (spec builtin:cdr:19:9); did you "
                 "mean 'a_prty'? (columns: a_prty, b_party, start, duration, type, cell)",
                 false);
}

static void empty_key(void **state)
{
    fixture *f = *state;
    const char *p = tu_text(f->dir, "e.csv", HEADER GOOD
                            "  ,07700900456,2024-03-01 09:15:00,10,voice,\n");
    expect_error(f, "cdr", p, ":3:1: empty key for entity 'caller' (column 'a_party' is "
                 "empty)", false);
}

static void invalid_key(void **state)
{
    fixture *f = *state;
    const char *p = tu_text(f->dir, "ik.csv", HEADER GOOD
                            "not a number,07700900456,2024-03-01 09:15:00,10,voice,\n");
    expect_error(f, "cdr", p, ":3:1: 'not a number' is not a valid phone key for type phone "
                 "(column 'a_party', entity 'caller')", false);
}

static void unparseable_date(void **state)
{
    fixture *f = *state;
    const char *p = tu_text(f->dir, "d.csv", HEADER GOOD
                            "07700900123,07700900456,2024-13-45 10:00:00,10,voice,\n");
    expect_error(f, "cdr", p, ":3:25: unparseable time '2024-13-45 10:00:00' in column "
                 "'start' (expected %Y-%m-%d %H:%M:%S or %d/%m/%Y %H:%M:%S or %d/%m/%Y %H:%M "
                 "or iso)", false);
}

static void ten_megabyte_field(void **state)
{
    fixture *f = *state;
    size_t big = 10u << 20;
    size_t hl = strlen(HEADER GOOD);
    char *data = malloc(hl + big + 64);
    memcpy(data, HEADER GOOD, hl);
    memcpy(data + hl, "07700900123,", 12);
    memset(data + hl + 12, '7', big);
    memcpy(data + hl + 12 + big, ",x,1,v,\n", 8);
    const char *p = tu_file(f->dir, "big.csv", data, hl + 12 + big + 8);
    free(data);
    expect_error(f, "cdr", p, ":3:13: field too large (more than 1048576 bytes)", false);
}

static void empty_file(void **state)
{
    fixture *f = *state;
    const char *p = tu_file(f->dir, "empty.csv", "", 0);
    expect_error(f, "cdr", p, ": the file is empty", false);
    p = tu_file(f->dir, "bom.csv", "\xEF\xBB\xBF", 3);
    expect_error(f, "cdr", p, ": the file is empty (no header line)", false);
}

static void binary_file(void **state)
{
    fixture *f = *state;
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0,
                                        13, 'I', 'H', 'D', 'R'};
    const char *p = tu_file(f->dir, "photo.csv", png, sizeof png);
    expect_error(f, "cdr", p, ":1:1: invalid UTF-8 (byte 0x89); give the file's encoding, "
                 "e.g. --encoding windows-1252", false);
    static const char nul[] = HEADER "x\0y";
    p = tu_file(f->dir, "nul.csv", nul, sizeof nul - 1);
    expect_error(f, "cdr", p, ":2:2: binary data (a NUL byte): not UTF-8 text; check the "
                 "file and --encoding", false);
    p = tu_file(f->dir, "report.xml", png, sizeof png);
    expect_error(f, "ufdr", p, ":1:1: not a well-formed report.xml: not well-formed (invalid "
                 "token)", false);
}

static void missing_file(void **state)
{
    fixture *f = *state;
    char p[600];
    snprintf(p, sizeof p, "%s/no-such.csv", f->dir);
    expect_error(f, "cdr", p, "No such file or directory", true);
}

static void spec_with_typo(void **state)
{
    fixture *f = *state;
    const char *spec = tu_text(f->dir, "typo.spec", "skein-spec 1\nentity caller phone\n"
                               "    key a_party\n    lable a_party\n");
    const char *p = tu_text(f->dir, "c.csv", HEADER GOOD);
    char want[1024];
    snprintf(want, sizeof want, "%s:4:5: unknown key 'lable', did you mean 'label'?", spec);
    char msg[1024];
    assert_int_equal(tu_import1(f->s, spec, p, msg, sizeof msg), SK_EPARSE);
    assert_string_equal(msg, want);
    tu_counts after = tu_stats(f->s);
    assert_memory_equal(&after, &f->before, sizeof after);
}

static void second_file_fails_first_is_undone(void **state)
{
    fixture *f = *state;
    char one[600];
    snprintf(one, sizeof one, "%s", tu_text(f->dir, "one.csv", HEADER GOOD));
    const char *two = tu_text(f->dir, "two.csv", HEADER GOOD
                              "07700900123,07700900456,yesterday,10,voice,\n");
    const char *files[] = {one, two};
    char msg[1024];
    sk_import_summary sum;
    assert_int_equal(tu_import(f->s, "cdr", files, 2, NULL, &sum, msg, sizeof msg), SK_EPARSE);
    tu_contains(msg, "two.csv:3:25: unparseable time 'yesterday'");
    tu_counts after = tu_stats(f->s);
    assert_memory_equal(&after, &f->before, sizeof after);
    /* The good file alone imports, and a second time changes nothing. */
    assert_int_equal(tu_import1(f->s, "cdr", one, msg, sizeof msg), SK_OK);
    assert_int_equal(tu_import1(f->s, "cdr", one, msg, sizeof msg), SK_OK);
    char want[700];
    snprintf(want, sizeof want, "%s already imported as source 2; nothing changed", one);
    assert_string_equal(msg, want);
}

static void bad_grading_and_zone(void **state)
{
    fixture *f = *state;
    const char *p = tu_text(f->dir, "g.csv", HEADER GOOD);
    char msg[1024];
    sk_import_summary sum;
    sk_import_opts o = {.grade = "Z99"};
    assert_int_equal(tu_import(f->s, "cdr", &p, 1, &o, &sum, msg, sizeof msg), SK_EINVAL);
    tu_contains(msg, "grading 'Z99': ");
    sk_import_opts z = {.timezone = "Nowhere/Land"};
    assert_int_equal(tu_import(f->s, "cdr", &p, 1, &z, &sum, msg, sizeof msg),
                     SK_ENOTFOUND);
    tu_contains(msg, "--timezone: unknown time zone 'Nowhere/Land'");
    tu_counts after = tu_stats(f->s);
    assert_memory_equal(&after, &f->before, sizeof after);
}

static int stop_after_first(const sk_import_progress *p, void *ctx)
{
    int fd = *(int *)ctx;
    if (p->rows > 0 && write(fd, "x", 1) != 1)
        return 1;
    return 0;
}

/* A writer killed in the middle leaves the case as it was. */
static void killed_import(void **state)
{
    fixture *f = *state;
    char path[600];
    snprintf(path, sizeof path, "%s/large.csv", f->dir);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs(HEADER, out);
    for (int i = 0; i < 400000; i++)
        fprintf(out, "0770%07d,0771%07d,2024-03-01 %02d:%02d:%02d,%d,voice,c%d\n", i % 50000,
                (i * 7) % 50000, (i / 3600) % 24, (i / 60) % 60, i % 60, i % 900, i % 300);
    assert_int_equal(fclose(out), 0);
    char casepath[600];
    snprintf(casepath, sizeof casepath, "%s/case", f->dir);
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pipefd[0]);
        sk_import_opts o = {.spec = "cdr", .progress = stop_after_first,
                            .progress_ctx = &pipefd[1], .user = "child"};
        const char *files[] = {path};
        char msg[512];
        sk_import_summary sum;
        sk_import_path(casepath, files, 1, &o, &sum, msg, sizeof msg);
        _exit(0);
    }
    close(pipefd[1]);
    char c;
    /* The child has read SK_IMPORT_PROGRESS_ROWS rows inside its write
     * transaction: kill it there. */
    assert_int_equal(read(pipefd[0], &c, 1), 1);
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    close(pipefd[0]);
    tu_counts after = tu_stats(f->s);
    assert_memory_equal(&after, &f->before, sizeof after);
    /* And the case still takes writes: the lock died with the writer. */
    char msg[1024];
    assert_int_equal(tu_import1(f->s, "cdr", tu_src("samples/import/cdr/calls.csv"), msg,
                                sizeof msg), SK_OK);
    after = tu_stats(f->s);
    assert_int_equal(after.sources, f->before.sources + 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(bad_quoting), T(invalid_utf8), T(missing_key_column), T(empty_key), T(invalid_key),
        T(unparseable_date), T(ten_megabyte_field), T(empty_file), T(binary_file),
        T(missing_file), T(spec_with_typo), T(second_file_fails_first_is_undone),
        T(bad_grading_and_zone), T(killed_import),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
