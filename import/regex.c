/*
 * regex.c — the one place import/ meets PCRE2: compiling a spec's regular
 * expressions (UTF-8, JIT when the platform has it) and matching a field.
 * Compiled patterns belong to the spec; match data to the mapper.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>

#include "import_int.h"

void *imp_regex_compile(const char *pat, size_t len, size_t *erroff, char *err, size_t errlen)
{
    int ec;
    PCRE2_SIZE eo = 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_UTF, &ec, &eo, NULL);
    if (!re) {
        PCRE2_UCHAR m[160];
        pcre2_get_error_message(ec, m, sizeof m);
        snprintf(err, errlen, "%s", (const char *)m);
        *erroff = eo;
        return NULL;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* a speed-up only; fine if absent */
    return re;
}

void imp_regex_free(void *re)
{
    pcre2_code_free(re);
}

void *imp_regex_match_data(void)
{
    return pcre2_match_data_create(4, NULL);
}

void imp_regex_match_data_free(void *md)
{
    pcre2_match_data_free(md);
}

int imp_regex_match(void *re, void *md, const char *s, size_t len)
{
    int r = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
    return r >= 0 ? 1 : r == PCRE2_ERROR_NOMATCH ? 0 : r;
}
