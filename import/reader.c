/*
 * reader.c — one input file as a stream of records, whatever its format.
 *
 * CSV (and neo4j, which is CSV with a typed header) is read here: the
 * spec's leading rows are skipped and the header is copied, NUL-terminated,
 * into r->names. Matrix, XRY and UFDR files are handed to their readers,
 * which expose their fixed column names the same way. Invariant: after
 * imp_reader_open (or _rewind) the next record returned is the first data
 * record of the file.
 */
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

/* Copies the header record into NUL-terminated names. */
static int keep_header(imp_reader *r, const imp_record *rec, imp_err *e)
{
    size_t total = 0;
    for (size_t i = 0; i < rec->n; i++)
        total += rec->f[i].n + 1;
    free(r->hdr_buf);
    free(r->names);
    free(r->lens);
    r->hdr_buf = malloc(total + 1);
    r->names = malloc((rec->n + 1) * sizeof *r->names);
    r->lens = malloc((rec->n + 1) * sizeof *r->lens);
    if (!r->hdr_buf || !r->names || !r->lens)
        return imp_err_set(e, rec->line, 1, SK_ENOMEM, "out of memory");
    char *p = r->hdr_buf;
    for (size_t i = 0; i < rec->n; i++) {
        memcpy(p, rec->f[i].p, rec->f[i].n);
        p[rec->f[i].n] = '\0';
        r->names[i] = p;
        r->lens[i] = rec->f[i].n;
        p += rec->f[i].n + 1;
    }
    r->nnames = rec->n;
    return SK_OK;
}

/* Skips the spec's leading rows and reads the header. */
static int csv_start(imp_reader *r, imp_err *e)
{
    imp_record rec;
    for (uint32_t i = 0; i < r->spec->skip_lines; i++) {
        int rc = imp_csv_next(&r->csv, &rec, e);
        if (rc == SK_DONE)
            return imp_err_set(e, 0, 0, SK_EPARSE, "the file ends within the %u rows the "
                               "spec skips", r->spec->skip_lines);
        if (rc)
            return rc;
    }
    if (!r->spec->header && r->spec->format == IMP_FMT_CSV)
        return SK_OK;
    int rc = imp_csv_next(&r->csv, &rec, e);
    if (rc == SK_DONE)
        return imp_err_set(e, 0, 0, SK_EPARSE, "the file is empty (no header line)");
    if (rc)
        return rc;
    return keep_header(r, &rec, e);
}

/* Fixed column names of a format as the reader's names. */
static int fixed_names(imp_reader *r, imp_err *e)
{
    size_t n;
    const char *const *names = imp_format_columns(r->spec->format, &n);
    r->names = malloc(n * sizeof *r->names);
    r->lens = malloc(n * sizeof *r->lens);
    if (!r->names || !r->lens)
        return imp_err_set(e, 0, 0, SK_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        r->names[i] = names[i];
        r->lens[i] = strlen(names[i]);
    }
    r->nnames = n;
    return SK_OK;
}

static int start(imp_reader *r, imp_err *e)
{
    r->records = 0;
    switch (r->spec->format) {
    case IMP_FMT_CSV:
    case IMP_FMT_NEO4J:
        imp_csv_init(&r->csv, &r->in, r->spec->delimiter, r->spec->quote);
        return csv_start(r, e);
    case IMP_FMT_MATRIX:
        imp_csv_init(&r->csv, &r->in, r->spec->delimiter, r->spec->quote);
        return imp_matrix_open(r, e);
    case IMP_FMT_XRY:
        return imp_xry_open(r, e);
    case IMP_FMT_UFDR:
        return imp_ufdr_open(r, e);
    }
    return SK_EINVAL;
}

int imp_reader_open(imp_reader *r, const sk_import_spec *spec, const char *path,
                    const char *encoding, imp_err *e)
{
    memset(r, 0, sizeof *r);
    r->spec = spec;
    r->path = path;
    r->encoding = encoding ? encoding : spec->encoding;
    int rc = imp_input_open(&r->in, path, r->encoding, e);
    if (rc)
        return rc;
    r->in_open = true;
    if (spec->format == IMP_FMT_XRY || spec->format == IMP_FMT_UFDR ||
        spec->format == IMP_FMT_MATRIX)
        if ((rc = fixed_names(r, e)))
            return rc;
    return start(r, e);
}

int imp_reader_rewind(imp_reader *r, imp_err *e)
{
    int rc = imp_input_rewind(&r->in, e);
    if (rc)
        return rc;
    imp_csv_free(&r->csv);
    imp_matrix_free(r->mx);
    r->mx = NULL;
    imp_xry_free(r->xry);
    r->xry = NULL;
    imp_ufdr_free(r->ufdr);
    r->ufdr = NULL;
    return start(r, e);
}

int imp_reader_next(imp_reader *r, imp_record *rec, imp_err *e)
{
    int rc;
    switch (r->spec->format) {
    case IMP_FMT_MATRIX: rc = imp_matrix_next(r, rec, e); break;
    case IMP_FMT_XRY: rc = imp_xry_next(r, rec, e); break;
    case IMP_FMT_UFDR: rc = imp_ufdr_next(r, rec, e); break;
    default: rc = imp_csv_next(&r->csv, rec, e); break;
    }
    if (rc == SK_OK)
        r->records++;
    return rc;
}

uint64_t imp_reader_bytes(const imp_reader *r)
{
    if (r->ufdr)
        return imp_ufdr_bytes(r->ufdr);
    return r->in.raw_done;
}

uint64_t imp_reader_size(const imp_reader *r)
{
    return r->in.size;
}

void imp_reader_close(imp_reader *r)
{
    imp_csv_free(&r->csv);
    imp_matrix_free(r->mx);
    imp_xry_free(r->xry);
    imp_ufdr_free(r->ufdr);
    if (r->in_open)
        imp_input_close(&r->in);
    free(r->hdr_buf);
    free(r->names);
    free(r->lens);
    memset(r, 0, sizeof *r);
}
