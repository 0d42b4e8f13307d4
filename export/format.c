/*
 * format.c — the printers' front door: format names, the FILE* sink and
 * dispatch of sk_format_emit to the table, CSV and JSON printers.
 */
#include <errno.h>

#include "export_int.h"

static const struct {
    sk_format f;
    const char *name;
} k_formats[] = {
    {SK_FORMAT_TABLE, "table"},
    {SK_FORMAT_CSV, "csv"},
    {SK_FORMAT_JSON, "json"},
};

int sk_format_parse(const char *name, sk_format *out)
{
    for (size_t i = 0; i < sizeof k_formats / sizeof k_formats[0]; i++) {
        if (text_ieq(name, k_formats[i].name)) {
            *out = k_formats[i].f;
            return SK_OK;
        }
    }
    return SK_EINVAL;
}

const char *sk_format_name(sk_format f)
{
    for (size_t i = 0; i < sizeof k_formats / sizeof k_formats[0]; i++)
        if (k_formats[i].f == f)
            return k_formats[i].name;
    return "?";
}

static int file_write(void *ctx, const char *buf, size_t len)
{
    FILE *f = ctx;
    return fwrite(buf, 1, len, f) == len ? SK_OK : SK_EIO;
}

sk_sink sk_sink_file(FILE *f)
{
    return (sk_sink){file_write, f};
}

int sk_format_emit(const sk_result *r, sk_format f, const sk_format_opts *o,
                   const sk_sink *sink)
{
    static const sk_format_opts k_defaults = {0};
    if (!o)
        o = &k_defaults;
    if (r->kind != SK_RESULT_TABLE && r->kind != SK_RESULT_GRAPH)
        return SK_EINVAL;
    switch (f) {
    case SK_FORMAT_TABLE: return table_emit(r, o, sink);
    case SK_FORMAT_CSV: return csv_emit(r, sink);
    case SK_FORMAT_JSON: return json_emit(r, o, sink);
    }
    return SK_EINVAL;
}

int sk_format_print(const sk_result *r, sk_format f, const sk_format_opts *o,
                    FILE *out)
{
    sk_sink s = sk_sink_file(out);
    int rc = sk_format_emit(r, f, o, &s);
    if (rc == SK_OK && fflush(out) != 0)
        rc = SK_EIO;
    return rc;
}
