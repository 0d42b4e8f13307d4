/*
 * bench_scan.c — the name search at the store level, with no query layer:
 * the persons' labels read straight from the store (through the label
 * index's range for an anchored regex, else by a scan of the type) and
 * matched with PCRE2 (JIT), compiled once per search as the query layer
 * compiles once per query.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "bench.h"

/* Matches each candidate's label: from the index entry when it holds the
 * (folded) text, else from the entity record. */
static int count_matches(sk_txn *t, sk_idcur *c, bool from_index, pcre2_code *re,
                         pcre2_match_data *md, int64_t *count)
{
    sk_arena *a = sk_arena_new();
    if (!a)
        return SK_ENOMEM;
    int rc;
    sk_id id;
    int64_t n = 0;
    while ((rc = sk_idcur_next(c, &id)) == SK_OK) {
        const char *s;
        size_t len;
        if (from_index) {
            rc = sk_idcur_text(c, &s, &len);
        } else {
            sk_entity e;
            sk_arena_reset(a);
            rc = sk_entity_get(t, id, a, &e);
            s = e.label;
            len = e.label_len;
        }
        if (rc)
            break;
        n += pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL) >= 0;
    }
    sk_arena_free(a);
    *count = n;
    return rc == SK_DONE ? SK_OK : rc;
}

int bench_scan_names(sk_txn *t, sk_sym type, const char *prefix, const char *regex,
                     int64_t *count)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err,
                                   &off, NULL);
    if (!re)
        return SK_EPARSE;
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    sk_idcur *c = NULL;
    int rc = md ? SK_OK : SK_ENOMEM;
    if (!rc)
        rc = prefix ? sk_scan_prop(t, type, 0, prefix, strlen(prefix), true, &c)
                    : sk_scan_type(t, type, &c);
    if (!rc)
        rc = count_matches(t, c, prefix != NULL, re, md, count);
    sk_idcur_close(c);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc;
}
