/*
 * fuzz_import_csv.c — libFuzzer target for the decoder and the CSV reader:
 * any bytes, read with the delimiter sniffed and under each encoding path
 * (UTF-8 validation, UTF-16 via a BOM in the input, Windows-1252 via
 * iconv), must end in a record stream or a placed error, never a crash, a
 * leak or a field beyond SK_IMPORT_FIELD_MAX. The input goes through a
 * file because the reader reads files; one scratch file is reused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const char *path, const char *encoding, char delim)
{
    imp_err e;
    imp_input in;
    if (imp_input_open(&in, path, encoding, &e) != SK_OK)
        return;
    imp_csv c;
    imp_csv_init(&c, &in, delim, '"');
    imp_record r;
    int rc;
    while ((rc = imp_csv_next(&c, &r, &e)) == SK_OK) {
        for (size_t i = 0; i < r.n; i++)
            if (r.f[i].n > SK_IMPORT_FIELD_MAX || r.f[i].line == 0 || r.f[i].col == 0)
                abort();
    }
    if (rc != SK_DONE && e.msg[0] == '\0')
        abort(); /* every error says what is wrong */
    imp_csv_free(&c);
    imp_input_close(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/skein-fuzz-csv-%ld", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    char delim = size ? (char)(data[0] % 4 == 0 ? 0 : ",;\t"[data[0] % 3]) : 0;
    read_all(path, NULL, delim);
    read_all(path, "windows-1252", ',');
    remove(path);
    return 0;
}
