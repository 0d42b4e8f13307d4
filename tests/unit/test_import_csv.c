/*
 * test_import_csv.c — the RFC 4180 reader and the decoder under it: quoting,
 * line ends, delimiters, BOM and encodings, places of fields and errors,
 * and the field size limit.
 */
#include "test_import_util.h"

#include "import_int.h"

/* Reads every record of FILE into OUT as "a|b|c\n" lines; returns the
 * status of the last read (SK_DONE when all went well). */
static int read_all(const char *file, const char *encoding, char delim, char *out,
                    size_t cap, imp_err *e)
{
    imp_input in;
    int rc = imp_input_open(&in, file, encoding, e);
    if (rc)
        return rc;
    imp_csv c;
    imp_csv_init(&c, &in, delim, '"');
    imp_record r;
    size_t o = 0;
    out[0] = '\0';
    while ((rc = imp_csv_next(&c, &r, e)) == SK_OK) {
        for (size_t i = 0; i < r.n; i++)
            o += (size_t)snprintf(out + o, cap - o, "%s%.*s", i ? "|" : "", (int)r.f[i].n,
                                  r.f[i].p);
        o += (size_t)snprintf(out + o, cap - o, "\n");
    }
    imp_csv_free(&c);
    imp_input_close(&in);
    return rc;
}

static void quoting(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    char out[1024];
    imp_err e = {0};
    const char *f = tu_text(d, "q.csv",
                            "a,b,c\n\"x,1\",\"he said \"\"hi\"\"\",\"two\nlines\"\n,,\n");
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "a|b|c\nx,1|he said \"hi\"|two\nlines\n||\n");
    tu_rmdir(d);
}

static void line_ends_and_blank_lines(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    char out[1024];
    imp_err e = {0};
    const char *f = tu_text(d, "crlf.csv", "a,b\r\n1,2\r\n\r\n3,4\r\n");
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "a|b\n1|2\n3|4\n");
    f = tu_text(d, "cr.csv", "a,b\r1,2\r3,\"x\ry\"\r");
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "a|b\n1|2\n3|x\ry\n");
    f = tu_text(d, "noeol.csv", "a,b\n1,2");
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "a|b\n1|2\n");
    tu_rmdir(d);
}

static void sniffed_delimiters(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    char out[1024];
    imp_err e = {0};
    const char *f = tu_text(d, "semi.csv", "a;b;\"c,d\"\n1;2,5;3\n");
    assert_int_equal(read_all(f, NULL, 0, out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "a|b|c,d\n1|2,5|3\n");
    f = tu_text(d, "tab.csv", "a\tb\tc\n1\t\t3\n");
    assert_int_equal(read_all(f, NULL, 0, out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "a|b|c\n1||3\n");
    assert_int_equal(imp_csv_sniff("x|y|z\n", 6, '"'), '|');
    assert_int_equal(imp_csv_sniff("\"a;b\",c\n", 8, '"'), ',');
    tu_rmdir(d);
}

static void ragged_rows_keep_their_fields(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    char out[1024];
    imp_err e = {0};
    const char *f = tu_text(d, "r.csv", "a,b,c\n1\n1,2,3,4\n");
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "a|b|c\n1\n1|2|3|4\n");
    tu_rmdir(d);
}

static void bom_and_encodings(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    char out[1024];
    imp_err e = {0};
    const char *f = tu_file(d, "bom.csv", "\xEF\xBB\xBF" "a,b\n1,2\n", 11);
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "a|b\n1|2\n");
    /* UTF-16LE with BOM: "é,x\n" */
    static const char u16[] = "\xFF\xFE\xE9\x00,\x00x\x00\n\x00";
    f = tu_file(d, "u16.csv", u16, sizeof u16 - 1);
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "\xC3\xA9|x\n");
    /* UTF-16BE with BOM. */
    static const char u16be[] = "\xFE\xFF\x00\xE9\x00,\x00y\x00\n";
    f = tu_file(d, "u16be.csv", u16be, sizeof u16be - 1);
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "\xC3\xA9|y\n");
    /* Windows-1252: 0x80 is the euro sign, 0xE9 é. */
    f = tu_file(d, "w.csv", "\x80,\xE9\n", 4);
    assert_int_equal(read_all(f, "windows-1252", ',', out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "\xE2\x82\xAC|\xC3\xA9\n");
    assert_int_equal(read_all(f, "latin-1", ',', out, sizeof out, &e), SK_DONE);
    assert_string_equal(out, "\xC2\x80|\xC3\xA9\n");
    assert_int_equal(read_all(f, "klingon-8", ',', out, sizeof out, &e), SK_EINVAL);
    tu_contains(e.msg, "unknown encoding 'klingon-8'");
    tu_rmdir(d);
}

static void places_of_fields(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    imp_err e = {0};
    const char *f = tu_text(d, "p.csv", "h1,h2\n\"multi\nline\",\xC3\xA9t\xC3\xA9,z\n");
    imp_input in;
    assert_int_equal(imp_input_open(&in, f, NULL, &e), SK_OK);
    imp_csv c;
    imp_csv_init(&c, &in, ',', '"');
    imp_record r;
    assert_int_equal(imp_csv_next(&c, &r, &e), SK_OK);
    assert_int_equal(r.f[1].line, 1);
    assert_int_equal(r.f[1].col, 4);
    assert_int_equal(imp_csv_next(&c, &r, &e), SK_OK);
    assert_int_equal(r.line, 2);
    assert_int_equal(r.f[1].line, 3);
    assert_int_equal(r.f[1].col, 7);
    assert_int_equal(r.f[2].col, 11); /* columns count characters, not bytes */
    imp_csv_free(&c);
    imp_input_close(&in);
    tu_rmdir(d);
}

static void bad_quoting_is_placed(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    char out[1024];
    imp_err e = {0};
    const char *f = tu_text(d, "bad.csv", "a,b\n1,\"x\"y\n");
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_EPARSE);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 6);
    assert_string_equal(e.msg, "unexpected 'y' after the closing quote of a field (a quote "
                               "inside a quoted field must be doubled)");
    f = tu_text(d, "open.csv", "a,b\n1,\"never closed\n2,3\n");
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_EPARSE);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 3);
    tu_contains(e.msg, "unterminated quoted field");
    tu_rmdir(d);
}

static void invalid_utf8_and_binary(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    char out[1024];
    imp_err e = {0};
    const char *f = tu_file(d, "bad8.csv", "a,b\nok,caf\xE9!\n", 14);
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_EPARSE);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 7);
    assert_string_equal(e.msg, "invalid UTF-8 (byte 0xE9); give the file's encoding, e.g. "
                               "--encoding windows-1252");
    f = tu_file(d, "bin.csv", "a,b\n\x01\x00\x02", 7);
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_EPARSE);
    tu_contains(e.msg, "binary data (a NUL byte)");
    assert_int_equal(e.line, 2);
    f = tu_file(d, "empty.csv", "", 0);
    assert_int_equal(read_all(f, NULL, ',', out, sizeof out, &e), SK_EPARSE);
    assert_string_equal(e.msg, "the file is empty");
    assert_int_equal(read_all("/nonexistent/x.csv", NULL, ',', out, sizeof out, &e),
                     SK_ENOTFOUND);
    assert_string_equal(e.msg, "cannot open: No such file or directory");
    tu_rmdir(d);
}

static void utf8_validation_edges(void **state)
{
    (void)state;
    bool bad;
    /* Overlong, surrogate, beyond U+10FFFF: invalid; a cut sequence: not bad. */
    assert_int_equal(imp_utf8_valid_prefix((const unsigned char *)"ab\xC0\x80", 4, &bad), 2);
    assert_true(bad);
    assert_int_equal(imp_utf8_valid_prefix((const unsigned char *)"\xED\xA0\x80", 3, &bad), 0);
    assert_true(bad);
    assert_int_equal(imp_utf8_valid_prefix((const unsigned char *)"\xF4\x90\x80\x80", 4, &bad),
                     0);
    assert_true(bad);
    assert_int_equal(imp_utf8_valid_prefix((const unsigned char *)"x\xE2\x82", 3, &bad), 1);
    assert_false(bad);
    assert_int_equal(imp_utf8_valid_prefix((const unsigned char *)"\xF0\x9F\x98\x80z", 5, &bad),
                     5);
    assert_false(bad);
}

static void a_ten_megabyte_field_is_refused(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    size_t big = 10u << 20;
    char *data = malloc(big + 64);
    assert_non_null(data);
    memcpy(data, "a,b\nx,", 6);
    memset(data + 6, 'z', big);
    memcpy(data + 6 + big, "\n", 1);
    const char *f = tu_file(d, "big.csv", data, big + 7);
    free(data);
    char out[256];
    imp_err e = {0};
    imp_input in;
    assert_int_equal(imp_input_open(&in, f, NULL, &e), SK_OK);
    imp_csv c;
    imp_csv_init(&c, &in, ',', '"');
    imp_record r;
    assert_int_equal(imp_csv_next(&c, &r, &e), SK_OK);
    assert_int_equal(imp_csv_next(&c, &r, &e), SK_ELIMIT);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 3);
    assert_string_equal(e.msg, "field too large (more than 1048576 bytes)");
    imp_csv_free(&c);
    imp_input_close(&in);
    (void)out;
    tu_rmdir(d);
}

static void rewind_reads_again(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    imp_err e = {0};
    const char *f = tu_text(d, "rw.csv", "a;b\n1;2\n");
    imp_input in;
    assert_int_equal(imp_input_open(&in, f, NULL, &e), SK_OK);
    imp_csv c;
    imp_csv_init(&c, &in, 0, '"');
    imp_record r;
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(imp_csv_next(&c, &r, &e), SK_OK);
        assert_int_equal(r.n, 2);
        assert_int_equal(imp_csv_next(&c, &r, &e), SK_OK);
        assert_int_equal(r.line, 2);
        assert_int_equal(imp_csv_next(&c, &r, &e), SK_DONE);
        assert_int_equal(imp_input_rewind(&in, &e), SK_OK);
        imp_csv_reset(&c);
    }
    imp_csv_free(&c);
    imp_input_close(&in);
    tu_rmdir(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoting),
        cmocka_unit_test(line_ends_and_blank_lines),
        cmocka_unit_test(sniffed_delimiters),
        cmocka_unit_test(ragged_rows_keep_their_fields),
        cmocka_unit_test(bom_and_encodings),
        cmocka_unit_test(places_of_fields),
        cmocka_unit_test(bad_quoting_is_placed),
        cmocka_unit_test(invalid_utf8_and_binary),
        cmocka_unit_test(utf8_validation_edges),
        cmocka_unit_test(a_ten_megabyte_field_is_refused),
        cmocka_unit_test(rewind_reads_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
