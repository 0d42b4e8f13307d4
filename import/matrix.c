/*
 * matrix.c — an adjacency matrix with labels (the layout of most published
 * criminal-network data sets): a header row of column labels after a corner
 * cell, then one row per label, its first cell the row label.
 *
 * Each non-empty cell other than the spec's `zero` value (default "0", and
 * any number equal to 0) becomes a record with the columns row, column and
 * value. With `square yes` (default) row i must carry the label of column
 * i. With `symmetric yes` only cells above the diagonal become records and
 * every cell below it must equal its mirror — a matrix that is not
 * symmetric is an error, never silently halved. Cells on the diagonal are
 * skipped unless `diagonal yes`.
 */
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

struct imp_matrix {
    char *buf;                /* label bytes */
    imp_field *labels;        /* column labels with their header places */
    size_t nlabels;
    imp_record row;           /* the current CSV row (borrowed from the reader) */
    bool have_row;
    size_t row_idx;           /* 0-based index of the current row */
    size_t cell;              /* next cell of the current row (1-based in the row) */
    imp_field out[3];
    imp_hmap upper;           /* symmetric: (i, j) above the diagonal → value */
    uint64_t matched;         /* upper cells whose mirror was seen */
    uint64_t last_line;
};

void imp_matrix_free(imp_matrix *mx)
{
    if (!mx)
        return;
    free(mx->buf);
    free(mx->labels);
    imp_hmap_free(&mx->upper);
    free(mx);
}

int imp_matrix_open(imp_reader *r, imp_err *e)
{
    imp_matrix *mx = calloc(1, sizeof *mx);
    if (!mx)
        return imp_err_set(e, 0, 0, SK_ENOMEM, "out of memory");
    r->mx = mx;
    imp_hmap_init(&mx->upper);
    imp_record h;
    int rc = SK_OK;
    for (uint32_t i = 0; i <= r->spec->skip_lines && rc == SK_OK; i++)
        rc = imp_csv_next(&r->csv, &h, e);
    if (rc == SK_DONE)
        return imp_err_set(e, 0, 0, SK_EPARSE, "the file is empty (no header row of labels)");
    if (rc)
        return rc;
    if (h.n < 2)
        return imp_err_set(e, h.line, 1, SK_EPARSE, "a matrix header needs a corner cell and "
                           "at least one label");
    if (h.n - 1 > SK_IMPORT_MATRIX_MAX)
        return imp_err_set(e, h.line, 1, SK_ELIMIT, "too many labels (more than %d)",
                           SK_IMPORT_MATRIX_MAX);
    size_t total = 0;
    for (size_t i = 1; i < h.n; i++)
        total += h.f[i].n + 1;
    mx->buf = malloc(total + 1);
    mx->labels = malloc(h.n * sizeof *mx->labels);
    if (!mx->buf || !mx->labels)
        return imp_err_set(e, h.line, 1, SK_ENOMEM, "out of memory");
    char *p = mx->buf;
    for (size_t i = 1; i < h.n; i++) {
        mx->labels[i - 1] = h.f[i];
        memcpy(p, h.f[i].p, h.f[i].n);
        p[h.f[i].n] = '\0';
        mx->labels[i - 1].p = p;
        p += h.f[i].n + 1;
    }
    mx->nlabels = h.n - 1;
    return SK_OK;
}

static bool is_zero(const imp_reader *r, const imp_field *f)
{
    const char *p = f->p;
    size_t n = f->n;
    imp_trim(&p, &n);
    if (n == 0)
        return true;
    if (strlen(r->spec->zero) == n && memcmp(r->spec->zero, p, n) == 0)
        return true;
    double v;
    return imp_parse_real(p, n, &r->spec->num, &v) == SK_OK && v == 0;
}

static double cell_value(const imp_reader *r, const imp_field *f)
{
    const char *p = f->p;
    size_t n = f->n;
    double v;
    imp_trim(&p, &n);
    return imp_parse_real(p, n, &r->spec->num, &v) == SK_OK ? v : 0;
}

/* Reads the next row and checks its label. */
static int next_row(imp_reader *r, imp_err *e)
{
    imp_matrix *mx = r->mx;
    int rc = imp_csv_next(&r->csv, &mx->row, e);
    if (rc == SK_DONE) {
        if (r->spec->symmetric && mx->matched != mx->upper.n)
            return imp_err_set(e, mx->last_line + 1, 1, SK_EPARSE,
                               "the matrix is not symmetric: %llu cells above the diagonal "
                               "have no equal cell below it (say `symmetric no`)",
                               (unsigned long long)(mx->upper.n - mx->matched));
        return SK_DONE;
    }
    if (rc)
        return rc;
    if (mx->have_row)
        mx->row_idx++;
    mx->have_row = true;
    mx->cell = 1;
    mx->last_line = mx->row.line;
    const imp_field *lab = &mx->row.f[0];
    if (r->spec->square) {
        if (mx->row_idx >= mx->nlabels)
            return imp_err_set(e, lab->line, lab->col, SK_EPARSE, "more rows than column "
                               "labels (%zu): a square matrix has one row per label",
                               mx->nlabels);
        const imp_field *want = &mx->labels[mx->row_idx];
        const char *a = lab->p, *b = want->p;
        size_t an = lab->n, bn = want->n;
        imp_trim(&a, &an);
        imp_trim(&b, &bn);
        if (an != bn || memcmp(a, b, an) != 0) {
            char q1[80], q2[80];
            return imp_err_set(e, lab->line, lab->col, SK_EPARSE, "row %zu is labelled %s "
                               "but column %zu is %s (say `square no` for a two-mode matrix)",
                               mx->row_idx + 1, imp_quote(a, an, q1, sizeof q1),
                               mx->row_idx + 1, imp_quote(b, bn, q2, sizeof q2));
        }
    }
    return SK_OK;
}

int imp_matrix_next(imp_reader *r, imp_record *rec, imp_err *e)
{
    imp_matrix *mx = r->mx;
    for (;;) {
        if (!mx->have_row || mx->cell >= mx->row.n) {
            int rc = next_row(r, e);
            if (rc)
                return rc;
            continue;
        }
        size_t j = mx->cell++;
        size_t col = j - 1;
        const imp_field *v = &mx->row.f[j];
        if (col >= mx->nlabels) {
            if (is_zero(r, v))
                continue;
            return imp_err_set(e, v->line, v->col, SK_EPARSE, "a cell beyond the last column "
                               "label (the header has %zu labels)", mx->nlabels);
        }
        bool zero = is_zero(r, v);
        if (r->spec->square && col == mx->row_idx && !r->spec->diagonal)
            continue;
        if (r->spec->symmetric && col < mx->row_idx) {
            /* Below the diagonal: must mirror the cell above it. */
            uint64_t key[2] = {col, mx->row_idx}, bits;
            bool have = imp_hmap_get(&mx->upper, key, sizeof key, &bits);
            double mine = cell_value(r, v), theirs = 0;
            if (have)
                memcpy(&theirs, &bits, sizeof theirs);
            if (zero ? have : (!have || theirs != mine)) {
                char q[64];
                return imp_err_set(e, v->line, v->col, SK_EPARSE,
                                   "the matrix is not symmetric: row %zu column %zu is %s but "
                                   "row %zu column %zu differs (say `symmetric no`)",
                                   mx->row_idx + 1, col + 1,
                                   imp_quote(v->p, v->n, q, sizeof q), col + 1,
                                   mx->row_idx + 1);
            }
            if (have)
                mx->matched++;
            continue;
        }
        if (zero)
            continue;
        if (r->spec->symmetric) {
            uint64_t key[2] = {mx->row_idx, col}, bits;
            double val = cell_value(r, v);
            memcpy(&bits, &val, sizeof bits);
            if (imp_hmap_put(&mx->upper, key, sizeof key, bits) != SK_OK)
                return imp_err_set(e, v->line, v->col, SK_ENOMEM, "out of memory");
        }
        mx->out[IMP_M_row] = mx->row.f[0];
        mx->out[IMP_M_column] = mx->labels[col];
        mx->out[IMP_M_value] = *v;
        rec->f = mx->out;
        rec->n = IMP_MATRIX_NCOLS;
        rec->line = v->line;
        return SK_OK;
    }
}
