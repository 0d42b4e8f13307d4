/*
 * label_rx.c — lets `find TYPE where label ~ /RE/` read the label index
 * (one short folded string per entity, no record) and decode only the
 * entities that may match, instead of every record of the type.
 *
 * The index holds fold(L) for each display label L (sk_text_fold: NFKC
 * with case folding, control and default-ignorable characters removed,
 * whitespace collapsed and trimmed); the condition tests RE on L itself.
 * So the filter is built to err only towards "may match":
 *
 *   if RE matches L, fold(L) is ASCII and shorter than CUT bytes, then
 *   the derived regex RE' matches fold(L); any other text passes.
 *
 * RE' keeps what folding preserves: ASCII letters and digits, matched
 * caselessly (folding lower-cases them, and the characters PCRE2 matches
 * caselessly with one — the Kelvin sign, the long s — fold to it), groups,
 * alternation, quantifiers, and '^' outside multiline mode (the match then
 * starts L, and nothing before it was trimmed). Every other item that
 * consumes characters (., classes, escapes, spaces, punctuation,
 * back-references, non-ASCII literals) becomes '.*?', which matches
 * whatever those characters folded to; zero-width items (\b, $,
 * lookarounds) are dropped. Why ASCII only: when fold(L) is ASCII, no
 * accent was composed onto a letter, so each letter a literal matched sits
 * in fold(L) as its lower-case self, in order, next to its neighbours
 * (folding works character by character, and the spaces it collapses are
 * never matched by a literal letter). Why CUT: the index keeps only a
 * prefix of a very long folded label. Constructs this reasoning does not
 * cover (atomic groups, possessive quantifiers, conditionals, recursion,
 * verbs, \Q…\E, the x option, multiline option groups) give no filter.
 *
 * Two cheap tests run before RE': the longest run of letters every match
 * must contain ("moham" in /moham+[ae]d/), and for a regex anchored at a
 * literal start that start ("jo" in /^jo(h)?n/). The range to scan is that
 * start less its last letter, whose accent — a combining mark after it —
 * folding may compose onto it (o + U+0308 folds to ö).
 *
 * A scan over a label snapshot's packed text (sk_lrx_scan) passes the
 * same entries sk_lrx_may_match would, SPAN entries at a time. The
 * required run is searched for in the span's text as one string, sixteen
 * positions per step (a word test of each position's first and last
 * byte), and only the entries holding an occurrence get the full test.
 * An occurrence that straddles two entries is in neither: the full test
 * of the entry it starts in rejects it, and the search goes on from the
 * next entry. The search also gathers the high bits of the bytes it
 * reads, every byte of the span but those of entries already tested; so
 * the entries that pass untested (not ASCII, or CUT bytes or longer) are
 * looked for only in a span where it saw a high bit or where the
 * offsets show a long entry.
 */
#include "label_rx.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include "ast.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Folded index texts this long may be a cut prefix (the store keeps at
 * most 400 bytes of a folded value): they always pass. */
#define CUT 300
/* Letters kept for a run; longer runs are cut (still required). */
#define RUN_MAX 64
/* Group nesting followed; deeper regexes get no filter. */
#define DEPTH_MAX 64
#define WILD ".*?"
/* Entries a scan marks before handing them on (a bit each). */
#define SPAN 1024
#define WORD_BYTES(c) (0x0101010101010101u * (uint64_t)(unsigned char)(c))
#define HIGH_BITS WORD_BYTES(0x80)

struct sk_lrx {
    pcre2_code *code;          /* RE', caseless, dotall, not UTF */
    pcre2_match_data *md;
    char *text;                /* RE' as written */
    char start[RUN_MAX];       /* an ASCII text must start with this */
    size_t slen;
    char need[RUN_MAX];        /* and contain this */
    size_t nlen;
};

/* The derivation's state: the regex read, RE' written. */
typedef struct rxp {
    const char *p, *end;
    bool multiline;
    bool fail;                 /* a construct the derivation does not cover */
    char *out;                 /* RE' */
    size_t n, cap;
    size_t letters;            /* literal letters and digits written */
    /* runs of literal letters of the top-level sequence */
    char run[RUN_MAX];
    size_t rlen;
    bool run_at_start;         /* the current run began right after '^' */
    char best[RUN_MAX];
    size_t blen;
    char start[RUN_MAX];
    size_t slen;
    bool top_alt;              /* the top level has '|': no run is required */
} rxp;

static void put(rxp *r, const char *s, size_t len)
{
    if (r->fail)
        return;
    if (r->n + len + 1 > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        while (cap < r->n + len + 1)
            cap *= 2;
        char *q = realloc(r->out, cap);
        if (!q) {
            r->fail = true;
            return;
        }
        r->out = q;
        r->cap = cap;
    }
    memcpy(r->out + r->n, s, len);
    r->n += len;
    r->out[r->n] = '\0';
}

/* A wildcard, unless RE' already ends with one (consecutive wildcards
 * match the same texts as one, and a quantified wildcard is one). */
static void wild(rxp *r)
{
    size_t w = strlen(WILD);
    if (r->n >= w && !memcmp(r->out + r->n - w, WILD, w))
        return;
    put(r, WILD, w);
}

static void end_run(rxp *r)
{
    if (r->run_at_start && !r->slen) {
        memcpy(r->start, r->run, r->rlen);
        r->slen = r->rlen;
    }
    if (r->rlen > r->blen) {
        memcpy(r->best, r->run, r->rlen);
        r->blen = r->rlen;
    }
    r->rlen = 0;
    r->run_at_start = false;
}

static bool at(const rxp *r, size_t k, char c) { return r->p + k < r->end && r->p[k] == c; }

/* Skips from an opening delimiter at r->p to just past CLOSE. */
static void skip_to(rxp *r, char close)
{
    while (r->p < r->end && *r->p != close)
        r->p++;
    if (r->p == r->end)
        r->fail = true;
    else
        r->p++;
}

/* A quantifier after an item, if any: *MIN gets its lower bound, QUANT
 * its text without lazy or possessive marks. False when there is none. */
static bool quantifier(rxp *r, unsigned *min, char *quant, size_t cap)
{
    if (r->p >= r->end)
        return false;
    char c = *r->p;
    if (c == '?' || c == '*' || c == '+') {
        *min = c == '+';
        quant[0] = c;
        quant[1] = '\0';
        r->p++;
    } else if (c == '{') {
        /* {n}, {n,}, {n,m} (and {,m}, spaces allowed, in newer PCRE2);
         * anything else is a literal '{'. */
        const char *s = r->p + 1;
        unsigned lo = 0;
        bool digits = false, comma = false;
        size_t k = 0;
        quant[k++] = '{';
        for (; s < r->end && *s != '}'; s++) {
            if (*s == ' ')
                continue;
            if (*s == ',' && !comma) {
                comma = true;
            } else if (isdigit((unsigned char)*s)) {
                digits = true;
                if (!comma && lo < 100000)
                    lo = lo * 10 + (unsigned)(*s - '0');
            } else {
                return false;
            }
            if (k + 2 >= cap)
                return false;
            quant[k++] = *s;
        }
        if (s == r->end || !digits)
            return false;
        if (quant[1] == ',') {
            /* {,m} is {0,m} */
            memmove(quant + 2, quant + 1, k - 1);
            quant[1] = '0';
            k++;
        }
        quant[k++] = '}';
        quant[k] = '\0';
        *min = lo;
        r->p = s + 1;
    } else {
        return false;
    }
    if (r->p < r->end && *r->p == '+')
        r->fail = true;   /* possessive: may refuse what the filter accepts */
    else if (r->p < r->end && *r->p == '?')
        r->p++;           /* lazy: the same texts match */
    return true;
}

/* Skips a character class [...] whose '[' is at r->p. */
static void skip_class(rxp *r)
{
    r->p++;
    if (at(r, 0, '^'))
        r->p++;
    if (at(r, 0, ']'))
        r->p++;
    while (r->p < r->end && *r->p != ']') {
        if (*r->p == '\\') {
            r->p += 2;
            if (r->p < r->end && *r->p == '{' && strchr("xpPNo", r->p[-1]))
                skip_to(r, '}');
        } else if (*r->p == '[' && r->p + 1 < r->end && strchr(":.=", r->p[1])) {
            char close = r->p[1];
            r->p += 2;
            while (r->p + 1 < r->end && !(r->p[0] == close && r->p[1] == ']'))
                r->p++;
            r->p += 2;
        } else {
            r->p++;
        }
    }
    if (r->p >= r->end)
        r->fail = true;
    else
        r->p++;
}

typedef enum item { IT_NONE, IT_LETTER, IT_WILD, IT_GROUP, IT_START } item;

/* An escape at r->p ('\\'): a wildcard, nothing (zero width), or a fail. */
static item escape(rxp *r)
{
    r->p++;
    if (r->p >= r->end) {
        r->fail = true;
        return IT_NONE;
    }
    unsigned char e = (unsigned char)*r->p++;
    if (e >= 0x80) {
        while (r->p < r->end && ((unsigned char)*r->p & 0xC0) == 0x80)
            r->p++;
        return IT_WILD;
    }
    if (!isalnum(e))
        return IT_WILD;  /* an escaped punctuation character */
    if (strchr("bBAzZGK", e))
        return IT_NONE;
    if (strchr("dDwWsShHvVRXCaefnrt", e))
        return IT_WILD;
    if (isdigit(e)) {
        while (r->p < r->end && isdigit((unsigned char)*r->p))
            r->p++;
        return IT_WILD;  /* an octal character or a back-reference */
    }
    switch (e) {
    case 'N': case 'p': case 'P': case 'o': case 'x':
        if (at(r, 0, '{'))
            skip_to(r, '}');
        else if (e == 'p' || e == 'P')
            r->p += r->p < r->end;
        else if (e == 'x')
            for (int k = 0; k < 2 && r->p < r->end && isxdigit((unsigned char)*r->p); k++)
                r->p++;
        return IT_WILD;
    case 'c':
        r->p += r->p < r->end;
        return IT_WILD;
    case 'k':
        if (at(r, 0, '<'))
            skip_to(r, '>');
        else if (at(r, 0, '\''))
            r->p++, skip_to(r, '\'');
        else if (at(r, 0, '{'))
            skip_to(r, '}');
        else
            r->fail = true;
        return IT_WILD;
    case 'g':
        if (at(r, 0, '{'))
            skip_to(r, '}');
        else if (at(r, 0, '-') || at(r, 0, '+') || (r->p < r->end && isdigit((unsigned char)*r->p)))
            for (r->p++; r->p < r->end && isdigit((unsigned char)*r->p);)
                r->p++;
        else
            r->fail = true;  /* \g<…>: a subroutine call */
        return IT_WILD;
    default:
        r->fail = true;  /* \Q…\E and anything unknown */
        return IT_NONE;
    }
}

static void alternation(rxp *r, unsigned depth);

/* A group whose '(' is at r->p: written as a non-capturing group, or
 * dropped (comments, option settings, lookarounds). */
static item group(rxp *r, unsigned depth)
{
    if (depth >= DEPTH_MAX) {
        r->fail = true;
        return IT_NONE;
    }
    r->p++;
    bool drop = false;
    if (at(r, 0, '*')) {
        r->fail = true;  /* (*VERB) and (*positive_lookahead: …) */
        return IT_NONE;
    }
    if (at(r, 0, '?')) {
        r->p++;
        char c = r->p < r->end ? *r->p : '\0';
        if (c == '#') {
            skip_to(r, ')');
            return IT_NONE;
        }
        if (c == ':' || c == '|') {
            r->p++;
        } else if (c == '=' || c == '!') {
            r->p++;
            drop = true;
        } else if (c == '<' && (at(r, 1, '=') || at(r, 1, '!'))) {
            r->p += 2;
            drop = true;
        } else if (c == '<' || (c == 'P' && at(r, 1, '<'))) {
            skip_to(r, '>');
        } else if (c == '\'') {
            r->p++;
            skip_to(r, '\'');
        } else if (isalpha((unsigned char)c) || c == '-' || c == '^') {
            /* Option settings: only those that change nothing RE' relies on. */
            while (r->p < r->end && (isalpha((unsigned char)*r->p) || *r->p == '-' ||
                                     *r->p == '^')) {
                if (!strchr("isnUJ-^", *r->p))
                    r->fail = true;
                r->p++;
            }
            if (at(r, 0, ')')) {
                r->p++;
                return IT_NONE;
            }
            if (!at(r, 0, ':'))
                r->fail = true;
            r->p++;
        } else {
            r->fail = true;  /* atomic, conditional, recursion, callout, … */
            return IT_NONE;
        }
    }
    if (r->fail)
        return IT_NONE;
    size_t mark = r->n, letters = r->letters;
    put(r, "(?:", 3);
    alternation(r, depth + 1);
    if (!at(r, 0, ')')) {
        r->fail = true;
        return IT_NONE;
    }
    r->p++;
    put(r, ")", 1);
    if (drop) {
        r->n = mark;
        r->letters = letters;
        if (r->out)
            r->out[r->n] = '\0';
        return IT_NONE;
    }
    return IT_GROUP;
}

/* One item and its quantifier, written to RE'; runs are kept at TOP. */
static void piece(rxp *r, unsigned depth, bool top)
{
    unsigned char c = (unsigned char)*r->p;
    size_t mark = r->n;
    item it;
    char letter = '\0';
    if (c == '(') {
        it = group(r, depth);
    } else if (c == '[') {
        skip_class(r);
        it = IT_WILD;
    } else if (c == '\\') {
        it = escape(r);
    } else if (c == '.') {
        r->p++;
        it = IT_WILD;
    } else if (c == '^') {
        r->p++;
        it = r->multiline ? IT_NONE : IT_START;
    } else if (c == '$') {
        r->p++;
        it = IT_NONE;
    } else if (c == '*' || c == '+' || c == '?') {
        r->fail = true;  /* a quantifier with nothing before it */
        return;
    } else if (c < 0x80 && isalnum(c)) {
        r->p++;
        letter = (char)tolower(c);
        it = IT_LETTER;
    } else {
        /* Any other literal: ASCII punctuation or space, or one UTF-8
         * character. */
        r->p++;
        while (c >= 0x80 && r->p < r->end && ((unsigned char)*r->p & 0xC0) == 0x80)
            r->p++;
        it = IT_WILD;
    }
    if (r->fail)
        return;
    unsigned min = 1;
    char quant[32];
    bool quantified = quantifier(r, &min, quant, sizeof quant);
    if (r->fail)
        return;
    switch (it) {
    case IT_NONE:
        break;
    case IT_START:
        /* A quantified '^' may match nowhere: dropping it only widens. */
        if (!quantified)
            put(r, "^", 1);
        break;
    case IT_WILD:
        wild(r);
        break;
    case IT_LETTER:
        put(r, &letter, 1);
        r->letters++;
        if (quantified)
            put(r, quant, strlen(quant));
        break;
    case IT_GROUP:
        if (quantified)
            put(r, quant, strlen(quant));
        break;
    }
    if (!top)
        return;
    /* Runs: letters that every match holds next to each other. */
    if (it == IT_LETTER && min > 0 && r->rlen < RUN_MAX) {
        if (r->rlen == 0)
            r->run_at_start = mark == 1 && r->out[0] == '^';
        r->run[r->rlen++] = letter;
    }
    if (it != IT_LETTER || quantified) {
        if (it == IT_START && !quantified && r->rlen == 0)
            return;
        end_run(r);
    }
}

/* alternation: sequence ('|' sequence)* — stops at ')' or the end. */
static void alternation(rxp *r, unsigned depth)
{
    bool top = depth == 0;
    while (!r->fail && r->p < r->end && *r->p != ')') {
        if (*r->p == '|') {
            r->p++;
            put(r, "|", 1);
            if (top) {
                r->top_alt = true;
                end_run(r);
            }
            continue;
        }
        piece(r, depth, top);
    }
    if (top)
        end_run(r);
}

static bool compile_filter(sk_lrx *f)
{
    int err;
    PCRE2_SIZE off;
    f->code = pcre2_compile((PCRE2_SPTR)f->text, PCRE2_ZERO_TERMINATED,
                            PCRE2_CASELESS | PCRE2_DOTALL, &err, &off, NULL);
    if (!f->code)
        return false;
    pcre2_jit_compile(f->code, PCRE2_JIT_COMPLETE);
    f->md = pcre2_match_data_create_from_pattern(f->code, NULL);
    return f->md != NULL;
}

bool sk_lrx_new(const char *rx, size_t len, unsigned flags, sk_lrx **out)
{
    *out = NULL;
    if (flags & SK_RX_EXTENDED)
        return false;
    rxp r = {.p = rx, .end = rx + len, .multiline = (flags & SK_RX_MULTILINE) != 0};
    put(&r, "", 0);
    alternation(&r, 0);
    if (r.fail || r.p != r.end || r.letters == 0) {
        free(r.out);
        return false;
    }
    sk_lrx *f = calloc(1, sizeof *f);
    if (!f) {
        free(r.out);
        return false;
    }
    f->text = r.out;
    if (!r.top_alt) {
        memcpy(f->start, r.start, r.slen);
        f->slen = r.slen;
        memcpy(f->need, r.best, r.blen);
        f->nlen = r.blen;
    }
    if (!compile_filter(f)) {
        sk_lrx_free(f);
        return false;
    }
    *out = f;
    return true;
}

void sk_lrx_free(sk_lrx *f)
{
    if (!f)
        return;
    pcre2_match_data_free(f->md);
    pcre2_code_free(f->code);
    free(f->text);
    free(f);
}

const char *sk_lrx_prefix(const sk_lrx *f, size_t *len)
{
    *len = f->slen > 1 ? f->slen - 1 : 0;
    return f->start;
}

const char *sk_lrx_text(const sk_lrx *f) { return f->text; }

/* Whether NEEDLE (N > 0 bytes) occurs in TEXT. Index texts are a few
 * bytes long: a plain loop beats memmem's and memchr's set-up. */
static bool contains(const char *text, size_t len, const char *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (text[i] == needle[0] && !memcmp(text + i + 1, needle + 1, n - 1))
            return true;
    return false;
}

static bool is_ascii(const char *s, size_t len)
{
    uint64_t high = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        high |= w;
    }
    for (; i < len; i++)
        high |= (unsigned char)s[i];
    return (high & 0x8080808080808080ull) == 0;
}

/* sk_lrx_may_match for a TEXT known to be ASCII and shorter than CUT. */
static bool plain_may_match(sk_lrx *f, const char *text, size_t len)
{
    if (f->slen && (len < f->slen || memcmp(text, f->start, f->slen)))
        return false;
    if (f->nlen && !contains(text, len, f->need, f->nlen))
        return false;
    int rc = pcre2_match(f->code, (PCRE2_SPTR)text, len, 0, 0, f->md, NULL);
    /* A match error (a limit reached) decides nothing: let it through. */
    return rc != PCRE2_ERROR_NOMATCH;
}

bool sk_lrx_may_match(sk_lrx *f, const char *text, size_t len)
{
    if (len >= CUT || !is_ascii(text, len))
        return true;
    return plain_may_match(f, text, len);
}

static uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* 0x80 in each byte of X that is zero, 0 in the others (exact: no carry
 * crosses a byte). */
static uint64_t zero_bytes(uint64_t x)
{
    return ~(((x & ~HIGH_BITS) + ~HIGH_BITS) | x) & HIGH_BITS;
}

static bool run_at(const sk_lrx *f, const char *p)
{
    return p[0] == f->need[0] && !memcmp(p + 1, f->need + 1, f->nlen - 1);
}

/* The first occurrence of F's required run (nlen > 0) in [P, END), or
 * NULL; *HIGH gets the high bits of the bytes looked at (OR). Sixteen
 * positions a step: a word test says whether any of them has the run's
 * first and last byte in place, and only then are they looked at one by
 * one (in order, whatever the byte order of words). */
static const char *find_need(const sk_lrx *f, const char *p, const char *end, uint64_t *high)
{
    size_t m = f->nlen;
    uint64_t first = WORD_BYTES(f->need[0]), last = WORD_BYTES(f->need[m - 1]);
    for (; (size_t)(end - p) >= m + 15; p += 16) {
        uint64_t a = load8(p), b = load8(p + 8);
        *high |= a | b;
        uint64_t maybe = (zero_bytes(a ^ first) & zero_bytes(load8(p + m - 1) ^ last)) |
                         (zero_bytes(b ^ first) & zero_bytes(load8(p + m + 7) ^ last));
        for (size_t k = 0; maybe && k < 16; k++)
            if (run_at(f, p + k))
                return p + k;
    }
    for (; p < end; p++) {
        *high |= (unsigned char)*p;
        if ((size_t)(end - p) >= m && run_at(f, p))
            return p;
    }
    return NULL;
}

static void set_bit(uint64_t *bits, size_t k) { bits[k / 64] |= (uint64_t)1 << (k % 64); }

/* Whether an entry of [S, E) is CUT bytes or longer. Eight entries at a
 * time first: if together they are shorter, none of them is long. */
static bool any_long(const uint32_t *off, size_t s, size_t e)
{
    for (size_t g = s; g < e; g += 8) {
        size_t ge = e - g > 8 ? g + 8 : e;
        if (off[ge] - off[g] < CUT)
            continue;
        for (size_t i = g; i < ge; i++)
            if (off[i + 1] - off[i] >= CUT)
                return true;
    }
    return false;
}

/* Marks in PASS (bit i - A) the entries i of [A, B) that pass untested:
 * not ASCII, or CUT bytes or longer. */
static void mark_odd(const char *text, const uint32_t *off, size_t a, size_t b, uint64_t *pass)
{
    for (size_t s = a; s < b; s += 64) {
        size_t e = b - s > 64 ? s + 64 : b;
        if (!any_long(off, s, e) && is_ascii(text + off[s], off[e] - off[s]))
            continue;
        for (size_t i = s; i < e; i++) {
            size_t len = off[i + 1] - off[i];
            if (len >= CUT || !is_ascii(text + off[i], len))
                set_bit(pass, i - a);
        }
    }
}

/* Marks in PASS (bit i - A) the entries i of [A, B) that hold F's
 * required run (nlen > 0) and pass sk_lrx_may_match. Returns whether
 * [A, B) may also hold entries that pass untested: a byte the search read
 * has its high bit set, or an entry is CUT bytes or longer. */
static bool mark_runs(sk_lrx *f, const char *text, const uint32_t *off, size_t a, size_t b,
                      uint64_t *pass)
{
    const char *p = text + off[a], *end = text + off[b];
    uint64_t high = 0;
    size_t i = a;
    while ((p = find_need(f, p, end, &high)) != NULL) {
        size_t at = (size_t)(p - text);
        while (off[i + 1] <= at)
            i++;
        if (sk_lrx_may_match(f, text + off[i], off[i + 1] - off[i]))
            set_bit(pass, i - a);
        p = text + off[i + 1];
    }
    return (high & HIGH_BITS) != 0 || any_long(off, a, b);
}

int sk_lrx_scan(sk_lrx *f, const char *text, const uint32_t *off, size_t lo, size_t hi,
                sk_lrx_hit_fn hit, void *ctx)
{
    uint64_t pass[SPAN / 64];
    for (size_t a = lo; a < hi; a += SPAN) {
        size_t b = hi - a > SPAN ? a + SPAN : hi;
        memset(pass, 0, sizeof pass);
        if (f->nlen) {
            if (mark_runs(f, text, off, a, b, pass))
                mark_odd(text, off, a, b, pass);
        } else {
            for (size_t i = a; i < b; i++)
                if (sk_lrx_may_match(f, text + off[i], off[i + 1] - off[i]))
                    set_bit(pass, i - a);
        }
        for (size_t w = 0; w < SPAN / 64; w++)
            for (size_t i = a + w * 64; pass[w]; i++, pass[w] >>= 1) {
                int rc = (pass[w] & 1) ? hit(ctx, i) : 0;
                if (rc)
                    return rc;
            }
    }
    return 0;
}
