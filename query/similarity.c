/*
 * similarity.c — Jaro-Winkler name similarity and duplicate-candidate
 * scoring (see similarity.h). Pure functions: no store, no allocation, no
 * state; every buffer is on the stack and bounded by SK_SIM_MAX_CHARS.
 *
 * The evidence table below is the whole scoring model. Each piece of
 * evidence has a fixed strength and the pieces combine as independent
 * signals, score = 1 - prod(1 - strength), so any one strong signal
 * dominates and weak ones add up slowly. A similar name on its own is
 * capped at SK_SIM_NAME_ALONE_MAX; contradicting dates of birth halve the
 * result, because two people of the same name born on different days are
 * the commonest false match.
 */
#include "similarity.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Evidence strengths (docs/analysis.md explains each) -------------- */

static const struct {
    double key;           /* the same normalised key of the same type */
    double ident;         /* each identifier both carry */
    double name_dob;      /* name at the threshold, same date of birth … */
    double name_dob_top;  /* … rising by this much to an identical name */
    double name_near;     /* name at the threshold, near date of birth … */
    double name_near_top;
    double name_top;      /* a name alone: 0 at the threshold to this */
    double nbrs;          /* neighbour Jaccard 1 with at least nbrs_full shared */
    double nbrs_full;
    double dob_conflict;  /* the score is multiplied by this */
} weights = {
    .key = 0.90,
    .ident = 0.85,
    .name_dob = 0.60,
    .name_dob_top = 0.35,
    .name_near = 0.40,
    .name_near_top = 0.25,
    .name_top = SK_SIM_NAME_ALONE_MAX,
    .nbrs = 0.60,
    .nbrs_full = 3,
    .dob_conflict = 0.5,
};

static const char *const reason_text[SK_SIM_NREASONS] = {
#define SK_SIM_X(e, text) [SK_SIM_##e] = text,
    SK_SIM_REASONS(SK_SIM_X)
#undef SK_SIM_X
};

const char *sk_sim_reason_text(sk_sim_reason r)
{
    return (unsigned)r < SK_SIM_NREASONS ? reason_text[r] : "?";
}

/* ---- Jaro and Jaro-Winkler ------------------------------------------ */

/* Decodes up to SK_SIM_MAX_CHARS code points of S into OUT; an invalid
 * or truncated sequence becomes U+FFFD and consumes one byte. */
static size_t decode(const char *s, size_t len, uint32_t *out)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t n = 0;
    while (p < end && n < SK_SIM_MAX_CHARS) {
        unsigned c = *p;
        /* Continuation bytes to follow; 9 = not a valid lead byte. */
        size_t k = c < 0x80 ? 0 : c >= 0xF5 ? 9 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 9;
        uint32_t cp = k == 0 ? c : k == 1 ? c & 0x1F : k == 2 ? c & 0x0F : c & 0x07;
        bool ok = k != 9 && (size_t)(end - p) > k;
        for (size_t i = 1; ok && i <= k; i++) {
            ok = (p[i] & 0xC0) == 0x80;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        /* Overlong forms, surrogates and values past U+10FFFF. */
        ok = ok && !(k == 2 && cp < 0x800) && !(k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) &&
             !(cp >= 0xD800 && cp <= 0xDFFF);
        out[n++] = ok ? cp : 0xFFFD;
        p += ok ? k + 1 : 1;
    }
    return n;
}

static double jaro_cp(const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
    if (la == 0 && lb == 0)
        return 1;
    if (la == 0 || lb == 0)
        return 0;
    size_t longer = la > lb ? la : lb;
    size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0;
    bool am[SK_SIM_MAX_CHARS] = {false}, bm[SK_SIM_MAX_CHARS] = {false};
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > window ? i - window : 0, hi = i + window + 1 < lb ? i + window + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (!bm[j] && a[i] == b[j]) {
                am[i] = bm[j] = true;
                m++;
                break;
            }
        }
    }
    if (m == 0)
        return 0;
    /* Half the matched characters that appear in a different order. */
    size_t out_of_order = 0;
    for (size_t i = 0, j = 0; i < la; i++) {
        if (!am[i])
            continue;
        while (!bm[j])
            j++;
        out_of_order += a[i] != b[j++];
    }
    double dm = (double)m, t = (double)(out_of_order / 2);
    return (dm / (double)la + dm / (double)lb + (dm - t) / dm) / 3;
}

static double winkler(double jaro, const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
    if (jaro <= 0.7)
        return jaro;
    size_t l = 0;
    while (l < 4 && l < la && l < lb && a[l] == b[l])
        l++;
    return jaro + (double)l * 0.1 * (1 - jaro);
}

double sk_sim_jaro(const char *a, size_t alen, const char *b, size_t blen)
{
    uint32_t ca[SK_SIM_MAX_CHARS], cb[SK_SIM_MAX_CHARS];
    size_t la = decode(a, alen, ca), lb = decode(b, blen, cb);
    return jaro_cp(ca, la, cb, lb);
}

double sk_sim_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen)
{
    uint32_t ca[SK_SIM_MAX_CHARS], cb[SK_SIM_MAX_CHARS];
    size_t la = decode(a, alen, ca), lb = decode(b, blen, cb);
    return winkler(jaro_cp(ca, la, cb, lb), ca, la, cb, lb);
}

/* ---- Names -------------------------------------------------------------- */

enum { SORTED_MAX = 256, WORDS_MAX = 32 };

typedef struct word {
    const char *p;
    size_t len;
} word;

static int cmp_word(const void *x, const void *y)
{
    const word *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->p, b->p, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* The words of S (split at spaces) sorted and joined by one space into
 * OUT; false when S is too long or has too many words. */
static bool sort_words(const char *s, size_t len, char *out, size_t *outlen)
{
    word w[WORDS_MAX];
    size_t n = 0, at = 0;
    if (len >= SORTED_MAX)
        return false;
    for (size_t i = 0; i < len;) {
        while (i < len && s[i] == ' ')
            i++;
        size_t start = i;
        while (i < len && s[i] != ' ')
            i++;
        if (i > start) {
            if (n == WORDS_MAX)
                return false;
            w[n++] = (word){s + start, i - start};
        }
    }
    qsort(w, n, sizeof *w, cmp_word);
    for (size_t k = 0; k < n; k++) {
        if (k)
            out[at++] = ' ';
        memcpy(out + at, w[k].p, w[k].len);
        at += w[k].len;
    }
    *outlen = at;
    return true;
}

double sk_sim_name(const char *a, size_t alen, const char *b, size_t blen)
{
    double best = sk_sim_jaro_winkler(a, alen, b, blen);
    char sa[SORTED_MAX], sb[SORTED_MAX];
    size_t la, lb;
    if (sort_words(a, alen, sa, &la) && sort_words(b, blen, sb, &lb)) {
        double sorted = sk_sim_jaro_winkler(sa, la, sb, lb);
        if (sorted > best)
            best = sorted;
    }
    return best;
}

/* ---- Dates of birth ----------------------------------------------------- */

typedef struct ymd {
    long y;
    int m, d;
} ymd;

/* Civil date of a day count since 1970-01-01 (H. Hinnant's algorithm). */
static ymd civil(int64_t days)
{
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (ymd){(long)(yoe + era * 400 + (m <= 2)), m, d};
}

/* True when X and Y differ in exactly one decimal digit. */
static bool one_digit_apart(long x, long y)
{
    int diff = 0;
    for (; x > 0 || y > 0; x /= 10, y /= 10)
        diff += x % 10 != y % 10;
    return diff == 1;
}

enum dob_rel { DOB_UNKNOWN, DOB_SAME, DOB_NEAR, DOB_DIFFERENT };

/* SAME the same day; NEAR a likely keying error (day and month swapped,
 * or one of year, month, day off by one digit); DIFFERENT otherwise. */
static enum dob_rel compare_dob(int64_t a, int64_t b)
{
    if (a == SK_NO_TIME || b == SK_NO_TIME)
        return DOB_UNKNOWN;
    int64_t da = a / 86400 - (a % 86400 < 0), db = b / 86400 - (b % 86400 < 0);
    if (da == db)
        return DOB_SAME;
    ymd x = civil(da), y = civil(db);
    if (x.y == y.y && x.m == y.d && x.d == y.m)
        return DOB_NEAR;
    int differ = (x.y != y.y) + (x.m != y.m) + (x.d != y.d);
    bool near = differ == 1 && ((x.y != y.y && one_digit_apart(x.y, y.y)) ||
                                (x.m != y.m && one_digit_apart(x.m, y.m)) ||
                                (x.d != y.d && one_digit_apart(x.d, y.d)));
    return near ? DOB_NEAR : DOB_DIFFERENT;
}

/* ---- Scoring ------------------------------------------------------------ */

static bool has_text(const char *s)
{
    return s && *s;
}

static bool ascending(const sk_id *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (v[i] <= v[i - 1])
            return false;
    return true;
}

/* Shared neighbours of A and B and their Jaccard index, leaving A and B
 * themselves out: a link between the two says nothing about sameness. */
static void neighbours(const sk_sim_entity *a, const sk_sim_entity *b, sk_sim_score *s)
{
    size_t i = 0, j = 0, shared = 0, na = 0, nb = 0;
    while (i < a->nnbrs || j < b->nnbrs) {
        /* Merge step: take the smaller head, or both when equal. */
        bool from_a = j == b->nnbrs || (i < a->nnbrs && a->nbrs[i] <= b->nbrs[j]);
        bool from_b = i == a->nnbrs || (j < b->nnbrs && b->nbrs[j] <= a->nbrs[i]);
        sk_id v = from_a ? a->nbrs[i] : b->nbrs[j];
        if (v != a->id && v != b->id) {
            na += from_a;
            nb += from_b;
            shared += from_a && from_b;
        }
        i += from_a;
        j += from_b;
    }
    s->shared_nbrs = shared;
    size_t all = na + nb - shared;
    s->nbr_jaccard = all ? (double)shared / (double)all : 0;
}

static void identifiers(const sk_sim_entity *a, const sk_sim_entity *b, sk_sim_score *s)
{
    for (size_t i = 0; i < a->nidents; i++) {
        const sk_sim_ident *x = &a->idents[i];
        for (size_t j = 0; j < b->nidents; j++) {
            const sk_sim_ident *y = &b->idents[j];
            if (has_text(x->value) && strcmp(x->kind, y->kind) == 0 &&
                strcmp(x->value, y->value) == 0) {
                if (s->shared_idents++ == 0)
                    s->ident = x;
                break;
            }
        }
    }
}

/* Folds evidence of STRENGTH for REASON into S. */
static void add(sk_sim_score *s, double *keep, sk_sim_reason reason, double strength)
{
    if (strength <= 0)
        return;
    *keep *= 1 - strength;
    s->reasons |= SK_SIM_BIT(reason);
}

/* Strength of the name evidence given how the dates of birth relate. */
static void name_evidence(sk_sim_score *s, double *keep, enum dob_rel dob)
{
    if (s->name < SK_SIM_NAME_THRESHOLD)
        return;
    double t = (s->name - SK_SIM_NAME_THRESHOLD) / (1 - SK_SIM_NAME_THRESHOLD);
    switch (dob) {
    case DOB_SAME:
        add(s, keep, SK_SIM_NAME_DOB, weights.name_dob + weights.name_dob_top * t);
        break;
    case DOB_NEAR:
        add(s, keep, SK_SIM_NAME_NEAR_DOB, weights.name_near + weights.name_near_top * t);
        break;
    case DOB_UNKNOWN:
        /* At the threshold a name is worth nothing; identical, the cap. */
        if (t > 0)
            add(s, keep, SK_SIM_NAME, weights.name_top * t);
        break;
    case DOB_DIFFERENT:
        break;
    }
}

int sk_sim_score_pair(const sk_sim_entity *a, const sk_sim_entity *b, sk_sim_score *out)
{
    memset(out, 0, sizeof *out);
    if (!ascending(a->nbrs, a->nnbrs) || !ascending(b->nbrs, b->nnbrs))
        return SK_EINVAL;
    double keep = 1;   /* product of (1 - strength) */
    if (has_text(a->key) && has_text(b->key) && strcmp(a->key, b->key) == 0)
        add(out, &keep, SK_SIM_SAME_KEY, weights.key);
    identifiers(a, b, out);
    for (size_t i = 0; i < out->shared_idents; i++)
        add(out, &keep, SK_SIM_SAME_IDENT, weights.ident);
    if (has_text(a->name) && has_text(b->name))
        out->name = sk_sim_name(a->name, strlen(a->name), b->name, strlen(b->name));
    enum dob_rel dob = compare_dob(a->dob, b->dob);
    name_evidence(out, &keep, dob);
    neighbours(a, b, out);
    double full = (double)out->shared_nbrs / weights.nbrs_full;
    add(out, &keep, SK_SIM_SHARED_NBRS, weights.nbrs * out->nbr_jaccard * (full < 1 ? full : 1));
    out->score = 1 - keep;
    if (dob == DOB_DIFFERENT) {
        out->score *= weights.dob_conflict;
        out->reasons |= SK_SIM_BIT(SK_SIM_DOB_DIFFERS);
    }
    return SK_OK;
}

/* Appends printf-style text at *AT of BUF (CAP bytes), counting what
 * would have been written so the caller can learn the length it needs. */
static void put(char *buf, size_t cap, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t cap, size_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*at < cap ? buf + *at : NULL, *at < cap ? cap - *at : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *at += (size_t)n;
}

size_t sk_sim_explain(const sk_sim_score *s, char *buf, size_t cap)
{
    size_t at = 0;
    const char *sep = "";
    if (cap)
        buf[0] = '\0';
    if (s->reasons & SK_SIM_BIT(SK_SIM_SAME_KEY)) {
        put(buf, cap, &at, "same key");
        sep = "; ";
    }
    if (s->ident) {
        put(buf, cap, &at, "%ssame %s %s", sep, s->ident->kind, s->ident->value);
        if (s->shared_idents > 1)
            put(buf, cap, &at, " (and %zu more)", s->shared_idents - 1);
        sep = "; ";
    }
    static const sk_sim_reason named[] = {SK_SIM_NAME_DOB, SK_SIM_NAME_NEAR_DOB, SK_SIM_NAME};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (s->reasons & SK_SIM_BIT(named[i])) {
            /* "similar name and …" reads "name 0.96 and …" */
            put(buf, cap, &at, "%sname %.2f%s", sep, s->name,
                sk_sim_reason_text(named[i]) + strlen("similar name"));
            sep = "; ";
        }
    }
    if (s->reasons & SK_SIM_BIT(SK_SIM_SHARED_NBRS)) {
        put(buf, cap, &at, "%s%zu shared neighbour%s (Jaccard %.2f)", sep, s->shared_nbrs,
            s->shared_nbrs == 1 ? "" : "s", s->nbr_jaccard);
        sep = "; ";
    }
    if (s->reasons & SK_SIM_BIT(SK_SIM_DOB_DIFFERS))
        put(buf, cap, &at, "%s%s", sep, sk_sim_reason_text(SK_SIM_DOB_DIFFERS));
    return at;
}
