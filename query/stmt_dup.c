/*
 * stmt_dup.c — `duplicates TYPE [min SCORE] [limit N]`: pairs of entities
 * of one type that may be the same real person, phone or vehicle, with a
 * score and the evidence behind it. It proposes; it never merges.
 *
 * How. One pass reads every entity of TYPE into a compact record: its
 * normalised name (person rules for types keyed by name, folded text
 * otherwise), key, date of birth, and identifiers — identifier properties
 * (phone, email, passport …, normalised by their key rule) and linked
 * identifier entities (a phone, e-mail, account … it is linked to, by that
 * entity's key). Records are then BLOCKED: only entities that share a
 * blocking key are compared, so 100k persons cost a few hundred thousand
 * comparisons, not five billion. The keys are
 *   - the first two letters of the first and of the last word of the name
 *     (in either order, so "smith john" meets "john smith"),
 *   - the date of birth with the first letter of the name,
 *   - the last nine digits of the key (phone-like keys written two ways),
 *   - each identifier.
 * A block larger than BLOCK_MAX (a very common name) is not compared and
 * the result says so. Each candidate pair is scored by similarity.c with
 * the shared neighbours read from the adjacency index (identifier entities
 * count as identifiers, not as neighbours; supernodes are left out).
 *
 * Rows: a, a_label, b, b_label, score, reasons — a's id below b's, highest
 * score first, then by ids; pairs under SCORE (default DEFAULT_MIN, so a
 * similar name alone, worth at most SK_SIM_NAME_ALONE_MAX, never shows).
 */
#include "exec_int.h"
#include "similarity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Score a pair needs by default. */
#define DEFAULT_MIN 0.5
/* Members of one block compared pairwise at most; a bigger block (a name
 * shared by thousands) would cost its square and is reported instead. */
#define BLOCK_MAX 500
/* Identifiers kept per entity. */
#define IDENTS_MAX 16

/* Identifier properties: name as stored, the kind reported, the key rule. */
static const struct {
    const char *prop, *kind;
    sk_keykind rule;
} IDENT_PROPS[] = {
    {"phone", "phone", SK_KEY_PHONE},          {"mobile", "phone", SK_KEY_PHONE},
    {"telephone", "phone", SK_KEY_PHONE},      {"email", "email", SK_KEY_EMAIL},
    {"e_mail", "email", SK_KEY_EMAIL},         {"passport", "passport", SK_KEY_ACCOUNT},
    {"passport_number", "passport", SK_KEY_ACCOUNT},
    {"national_id", "national id", SK_KEY_ACCOUNT},
    {"ni_number", "national insurance", SK_KEY_ACCOUNT},
    {"nino", "national insurance", SK_KEY_ACCOUNT},
    {"driving_licence", "driving licence", SK_KEY_ACCOUNT},
    {"iban", "iban", SK_KEY_IBAN},             {"account", "account", SK_KEY_ACCOUNT},
    {"imei", "imei", SK_KEY_IMEI},             {"vin", "vin", SK_KEY_VIN},
    {"ssn", "social security", SK_KEY_ACCOUNT},
};
#define NIDENT_PROPS (sizeof IDENT_PROPS / sizeof IDENT_PROPS[0])

/* Date-of-birth properties (date-time values). */
static const char *const DOB_PROPS[] = {"dob", "date_of_birth", "birth_date", "birthdate",
                                        "born"};
#define NDOB_PROPS (sizeof DOB_PROPS / sizeof DOB_PROPS[0])

/* One entity as the scorer needs it; strings live in the stage's arena. */
typedef struct drec {
    sk_id id;
    const char *label;
    const char *name;
    const char *key;
    int64_t dob;
    sk_sim_ident *idents;
    size_t nidents;
    size_t nbr_off;   /* its neighbours in dctx.nbrs, once read */
    size_t nnbr;
    bool nbr_read;
} drec;

typedef struct bkey {
    uint64_t h;       /* hash of the blocking key */
    uint32_t rec;
} bkey;

typedef struct dctx {
    sk_exec *x;
    const sk_ast_stage *st;
    sk_arena *a;                  /* records' strings */
    sk_sym type;
    bool person;                  /* names normalised as person names */
    sk_sym ident_props[NIDENT_PROPS];
    sk_sym dob_props[NDOB_PROPS];
    sk_idmap kinds;               /* entity type → 1 + index of ident type name, or 0 */
    sk_idmap etypes;              /* entity id → type (cache) */
    sk_idmap degrees;             /* entity id → degree (cache) */
    sk_adjcur *cur;
    drec *recs;
    size_t nrecs, caprecs;
    bkey *keys;
    size_t nkeys, capkeys;
    uint64_t *pairs;              /* rec i << 32 | rec j */
    size_t npairs, cappairs;
    sk_id *nbrs;
    size_t nnbrs, capnbrs;
    size_t scored;                /* pairs handed to the scorer */
    size_t big_blocks;            /* blocks left out (BLOCK_MAX) */
    size_t biggest;
} dctx;

static int nomem(dctx *d)
{
    return sk_exec_fail(d->x, SK_ENOMEM, d->st->span, "out of memory");
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

/* qsort, which must not be handed a null array even when it is empty. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* ---- Identifier entity types ------------------------------------------------ */

/* Whether entity type T names identifiers (a phone, an e-mail address …):
 * such neighbours count as identifiers. *KIND gets its name. */
static int ident_type(dctx *d, sk_sym t, const char **kind)
{
    uint64_t *v = sk_idmap_get(&d->kinds, t);
    if (!v) {
        const char *name = sk_exec_name(d->x, SK_DICT_ETYPE, t);
        sk_keykind k = sk_keykind_for_type(name, strlen(name));
        static const char *const docs[] = {"passport", "document", "id_card", "licence",
                                           "driving_licence"};
        bool is = k == SK_KEY_PHONE || k == SK_KEY_EMAIL || k == SK_KEY_IBAN ||
                  k == SK_KEY_IMEI || k == SK_KEY_ACCOUNT;
        for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
            is = is || !strcmp(name, docs[i]);
        /* The value keeps the name's pointer (in x->a, alive all statement). */
        if (sk_idmap_set(&d->kinds, t, is ? (uint64_t)(uintptr_t)name : 0) != SK_OK)
            return nomem(d);
        v = sk_idmap_get(&d->kinds, t);
    }
    *kind = (const char *)(uintptr_t)*v;
    return SK_OK;
}

static int type_of(dctx *d, sk_id id, sk_sym *out)
{
    uint64_t *v = sk_idmap_get(&d->etypes, id);
    if (v) {
        *out = (sk_sym)*v;
        return SK_OK;
    }
    int rc = sk_entity_type(d->x->t, id, out);
    if (rc)
        return sk_exec_store_fail(d->x, rc, d->st->span);
    return sk_idmap_put(&d->etypes, id, *out) < 0 ? nomem(d) : SK_OK;
}

/* ---- Records -------------------------------------------------------------------- */

/* Normalised copy of S by RULE into the arena; NULL when it does not
 * normalise (an invalid phone number is no identifier). */
static const char *normalised(dctx *d, sk_keykind rule, const char *s, size_t len)
{
    char buf[1024];
    int n = rule == SK_KEY_TEXT ? sk_text_fold(s, len, buf, sizeof buf)
                                : sk_key_normalise(rule, s, len, "44", buf, sizeof buf);
    if (n <= 0)
        return NULL;
    return sk_arena_strndup(d->a, buf, (size_t)n);
}

static int add_ident(dctx *d, drec *r, sk_sim_ident *tmp, const char *kind, const char *value)
{
    if (!value || r->nidents >= IDENTS_MAX)
        return SK_OK;
    for (size_t i = 0; i < r->nidents; i++)
        if (!strcmp(tmp[i].kind, kind) && !strcmp(tmp[i].value, value))
            return SK_OK;
    tmp[r->nidents++] = (sk_sim_ident){kind, value};
    (void)d;
    return SK_OK;
}

/* Identifiers of E from its linked identifier entities. */
static int linked_idents(dctx *d, const sk_entity *e, drec *r, sk_sim_ident *tmp,
                         sk_arena *scratch)
{
    int rc = sk_adj_seek(d->cur, e->id, 0, SK_DIR_ANY);
    if (rc)
        return sk_exec_store_fail(d->x, rc, d->st->span);
    sk_adj a;
    while ((rc = sk_adj_next(d->cur, &a)) == SK_OK && r->nidents < IDENTS_MAX) {
        sk_sym t;
        const char *kind;
        if ((rc = type_of(d, a.nb, &t)) != SK_OK || (rc = ident_type(d, t, &kind)) != SK_OK)
            return rc;
        if (!kind)
            continue;
        sk_entity nb;
        if ((rc = sk_entity_get(d->x->t, a.nb, scratch, &nb)) != SK_OK)
            return sk_exec_store_fail(d->x, rc, d->st->span);
        if (nb.key_len)
            add_ident(d, r, tmp, kind, sk_arena_strndup(d->a, nb.key, nb.key_len));
    }
    return rc == SK_OK || rc == SK_DONE ? SK_OK : sk_exec_store_fail(d->x, rc, d->st->span);
}

/* Builds the record of entity E. */
static int add_record(dctx *d, const sk_entity *e, sk_arena *scratch)
{
    if (!grow((void **)&d->recs, &d->caprecs, d->nrecs + 1, sizeof *d->recs))
        return nomem(d);
    drec *r = &d->recs[d->nrecs];
    *r = (drec){.id = e->id, .dob = SK_NO_TIME};
    r->label = sk_arena_strndup(d->a, e->label, e->label_len);
    r->name = normalised(d, d->person ? SK_KEY_NAME : SK_KEY_TEXT, e->label, e->label_len);
    r->key = e->key_len ? sk_arena_strndup(d->a, e->key, e->key_len) : NULL;
    if (!r->label)
        return nomem(d);
    sk_sim_ident tmp[IDENTS_MAX];
    for (size_t i = 0; i < e->nprops; i++) {
        const sk_prop *p = &e->props[i];
        for (size_t k = 0; k < NDOB_PROPS; k++)
            if (d->dob_props[k] == p->name && p->value.type == SK_V_TIME && r->dob == SK_NO_TIME)
                r->dob = p->value.u.time.t;
        for (size_t k = 0; k < NIDENT_PROPS; k++)
            if (d->ident_props[k] == p->name && p->value.type == SK_V_STR)
                add_ident(d, r, tmp, IDENT_PROPS[k].kind,
                          normalised(d, IDENT_PROPS[k].rule, p->value.u.str.ptr,
                                     p->value.u.str.len));
    }
    int rc = linked_idents(d, e, r, tmp, scratch);
    if (rc)
        return rc;
    if (r->nidents) {
        r->idents = sk_arena_alloc(d->a, r->nidents * sizeof *r->idents);
        if (!r->idents)
            return nomem(d);
        memcpy(r->idents, tmp, r->nidents * sizeof *tmp);
    }
    d->nrecs++;
    return SK_OK;
}

static int read_records(dctx *d)
{
    sk_exec *x = d->x;
    sk_idcur *c;
    int rc = sk_scan_type(x->t, d->type, &c);
    if (rc)
        return sk_exec_store_fail(x, rc, d->st->span);
    sk_arena *scratch = sk_arena_new();
    if (!scratch)
        rc = nomem(d);
    sk_id id;
    uint64_t n = 0;
    while (!rc && (rc = sk_idcur_next(c, &id)) == SK_OK) {
        if ((++n & 1023) == 0 && (rc = sk_exec_check(x, d->st->span)) != SK_OK)
            break;
        sk_entity e;
        sk_arena_reset(scratch);
        if ((rc = sk_entity_get(x->t, id, scratch, &e)) != SK_OK) {
            rc = sk_exec_store_fail(x, rc, d->st->span);
            break;
        }
        rc = add_record(d, &e, scratch);
    }
    if (rc == SK_DONE)
        rc = SK_OK;
    else if (rc > 0)
        rc = sk_exec_store_fail(x, SK_EIO, d->st->span);
    sk_arena_free(scratch);
    sk_idcur_close(c);
    return rc;
}

/* ---- Blocking ------------------------------------------------------------------- */

/* FNV-1a of TAG and S. Two keys that collide only put a few more pairs to
 * the scorer, which decides on the evidence. */
static uint64_t hash(char tag, const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    h = (h ^ (unsigned char)tag) * 1099511628211ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int push_key(dctx *d, uint32_t rec, char tag, const char *s, size_t len)
{
    if (!grow((void **)&d->keys, &d->capkeys, d->nkeys + 1, sizeof *d->keys))
        return nomem(d);
    d->keys[d->nkeys++] = (bkey){hash(tag, s, len), rec};
    return SK_OK;
}

/* Bytes of the first N code points of S (LEN bytes). */
static size_t prefix_bytes(const char *s, size_t len, size_t n)
{
    size_t i = 0;
    while (i < len && n) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        n--;
    }
    return i;
}

/* The name keys of record R: first two letters of its first and last
 * words (ordered, so word order does not matter), and the date of birth
 * with the first letter of the alphabetically first word. */
static int name_keys(dctx *d, uint32_t rec)
{
    const drec *r = &d->recs[rec];
    if (!r->name || !*r->name)
        return SK_OK;
    const char *s = r->name, *sp = strchr(s, ' '), *last = strrchr(s, ' ');
    size_t flen = sp ? (size_t)(sp - s) : strlen(s);
    const char *l = last ? last + 1 : s;
    size_t llen = strlen(l);
    size_t fb = prefix_bytes(s, flen, 2), lb = prefix_bytes(l, llen, 2);
    const char *p = s, *q = l;
    size_t pb = fb, qb = lb;
    int c = memcmp(s, l, fb < lb ? fb : lb);
    if (c > 0 || (c == 0 && fb > lb)) {
        p = l, q = s;
        pb = lb, qb = fb;
    }
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.*s|%.*s", (int)pb, p, (int)qb, q);
    int rc = push_key(d, rec, 'n', buf, (size_t)n);
    if (rc || r->dob == SK_NO_TIME)
        return rc;
    n = snprintf(buf, sizeof buf, "%lld|%.*s", (long long)(r->dob / 86400),
                 (int)prefix_bytes(p, pb, 1), p);
    return push_key(d, rec, 'd', buf, (size_t)n);
}

static int record_keys(dctx *d, uint32_t rec)
{
    const drec *r = &d->recs[rec];
    int rc = name_keys(d, rec);
    if (!rc && r->key) {
        char digits[32];
        size_t nd = 0;
        for (const char *p = r->key; *p; p++)
            if (*p >= '0' && *p <= '9') {
                if (nd == sizeof digits)
                    memmove(digits, digits + 1, --nd);
                digits[nd++] = *p;
            }
        if (nd >= 7)
            rc = push_key(d, rec, 'k', digits + (nd > 9 ? nd - 9 : 0), nd > 9 ? 9 : nd);
    }
    for (size_t i = 0; !rc && i < r->nidents; i++) {
        char buf[600];
        int n = snprintf(buf, sizeof buf, "%s=%s", r->idents[i].kind, r->idents[i].value);
        rc = push_key(d, rec, 'i', buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
    }
    return rc;
}

static int cmp_key(const void *a, const void *b)
{
    const bkey *p = a, *q = b;
    if (p->h != q->h)
        return p->h < q->h ? -1 : 1;
    return (p->rec > q->rec) - (p->rec < q->rec);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t p = *(const uint64_t *)a, q = *(const uint64_t *)b;
    return (p > q) - (p < q);
}

/* Candidate pairs: every two records sharing a blocking key, each once. */
static int make_pairs(dctx *d)
{
    int rc = SK_OK;
    for (uint32_t i = 0; !rc && i < d->nrecs; i++)
        rc = record_keys(d, i);
    if (rc)
        return rc;
    sort(d->keys, d->nkeys, sizeof *d->keys, cmp_key);
    for (size_t lo = 0; !rc && lo < d->nkeys;) {
        size_t hi = lo + 1;
        while (hi < d->nkeys && d->keys[hi].h == d->keys[lo].h)
            hi++;
        size_t size = hi - lo;
        if (size > BLOCK_MAX) {
            d->big_blocks++;
            if (size > d->biggest)
                d->biggest = size;
        } else {
            for (size_t i = lo; !rc && i < hi; i++)
                for (size_t j = i + 1; !rc && j < hi; j++) {
                    if (d->keys[i].rec == d->keys[j].rec)
                        continue;
                    if (!grow((void **)&d->pairs, &d->cappairs, d->npairs + 1, sizeof *d->pairs))
                        rc = nomem(d);
                    else
                        d->pairs[d->npairs++] = (uint64_t)d->keys[i].rec << 32 | d->keys[j].rec;
                }
            rc = rc ? rc : sk_exec_check(d->x, d->st->span);
        }
        lo = hi;
    }
    if (rc)
        return rc;
    sort(d->pairs, d->npairs, sizeof *d->pairs, cmp_u64);
    size_t k = 0;
    for (size_t i = 0; i < d->npairs; i++)
        if (!k || d->pairs[i] != d->pairs[k - 1])
            d->pairs[k++] = d->pairs[i];
    d->npairs = k;
    return SK_OK;
}

/* ---- Scoring ---------------------------------------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
    sk_id p = *(const sk_id *)a, q = *(const sk_id *)b;
    return (p > q) - (p < q);
}

/* Whether entity ID has more links than the supernode cap (cached). */
static int supernode(dctx *d, sk_id id, bool *out)
{
    uint64_t *v = sk_idmap_get(&d->degrees, id);
    uint64_t deg = 0;
    if (v) {
        deg = *v;
    } else {
        int rc = sk_adj_degree(d->x->t, id, &deg);
        if (rc)
            return sk_exec_store_fail(d->x, rc, d->st->span);
        if (sk_idmap_put(&d->degrees, id, deg) < 0)
            return nomem(d);
    }
    *out = deg > SK_QUERY_SUPERNODE;
    return SK_OK;
}

/* The neighbours of record R (ascending, no repeats, without identifier
 * entities and supernodes), read once. */
static int neighbours(dctx *d, drec *r)
{
    if (r->nbr_read)
        return SK_OK;
    size_t start = d->nnbrs;
    int rc = sk_adj_seek(d->cur, r->id, 0, SK_DIR_ANY);
    if (rc)
        return sk_exec_store_fail(d->x, rc, d->st->span);
    sk_adj a;
    while ((rc = sk_adj_next(d->cur, &a)) == SK_OK) {
        sk_sym t;
        const char *kind;
        bool hub = false;
        if ((rc = type_of(d, a.nb, &t)) != SK_OK || (rc = ident_type(d, t, &kind)) != SK_OK ||
            (rc = supernode(d, a.nb, &hub)) != SK_OK)
            return rc;
        if (kind || hub)
            continue;
        if (!grow((void **)&d->nbrs, &d->capnbrs, d->nnbrs + 1, sizeof *d->nbrs))
            return nomem(d);
        d->nbrs[d->nnbrs++] = a.nb;
    }
    if (rc != SK_DONE)
        return sk_exec_store_fail(d->x, rc, d->st->span);
    sort(d->nbrs + start, d->nnbrs - start, sizeof *d->nbrs, cmp_id);
    size_t k = start;
    for (size_t i = start; i < d->nnbrs; i++)
        if (k == start || d->nbrs[i] != d->nbrs[k - 1])
            d->nbrs[k++] = d->nbrs[i];
    d->nnbrs = k;
    r->nbr_off = start;
    r->nnbr = k - start;
    r->nbr_read = true;
    return SK_OK;
}

static sk_sim_entity sim_of(const dctx *d, const drec *r)
{
    return (sk_sim_entity){.id = r->id, .key = r->key, .name = r->name, .dob = r->dob,
                           .idents = r->idents, .nidents = r->nidents,
                           .nbrs = r->nnbr ? d->nbrs + r->nbr_off : NULL, .nnbrs = r->nnbr};
}

/* A pair kept for the result. */
typedef struct dpair {
    uint32_t a, b;
    double score;
    char *reasons;   /* in x->tmp */
} dpair;

static int by_score(const void *p, const void *q)
{
    const dpair *x = p, *y = q;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

/* Whether A and B have any evidence besides their names: a key, dates of
 * birth on both, an identifier or a neighbour in common. Without any, the
 * scorer gives a name at most SK_SIM_NAME_ALONE_MAX (similarity.h), so a
 * bar above that lets the pair be skipped before the costlier name
 * comparison — most pairs of a common name end here. */
static bool more_than_names(const dctx *d, const drec *a, const drec *b)
{
    if ((a->key && b->key && !strcmp(a->key, b->key)) ||
        (a->dob != SK_NO_TIME && b->dob != SK_NO_TIME))
        return true;
    for (size_t i = 0; i < a->nidents; i++)
        for (size_t j = 0; j < b->nidents; j++)
            if (!strcmp(a->idents[i].kind, b->idents[j].kind) &&
                !strcmp(a->idents[i].value, b->idents[j].value))
                return true;
    const sk_id *x = d->nbrs + a->nbr_off, *y = d->nbrs + b->nbr_off;
    for (size_t i = 0, j = 0; i < a->nnbr && j < b->nnbr;) {
        if (x[i] == y[j] && x[i] != a->id && x[i] != b->id)
            return true;
        if (x[i] <= y[j])
            i++;
        else
            j++;
    }
    return false;
}

static int score_pairs(dctx *d, double min, dpair **out, size_t *nout)
{
    dpair *kept = NULL;
    size_t n = 0, cap = 0;
    int rc = SK_OK;
    for (size_t i = 0; !rc && i < d->npairs; i++) {
        if ((i & 1023) == 1023 && (rc = sk_exec_check(d->x, d->st->span)) != SK_OK)
            break;
        drec *a = &d->recs[d->pairs[i] >> 32], *b = &d->recs[d->pairs[i] & 0xffffffffu];
        if ((rc = neighbours(d, a)) != SK_OK || (rc = neighbours(d, b)) != SK_OK)
            break;
        if (min > SK_SIM_NAME_ALONE_MAX && !more_than_names(d, a, b))
            continue;
        d->scored++;
        sk_sim_entity sa = sim_of(d, a), sb = sim_of(d, b);
        sk_sim_score s;
        if (sk_sim_score_pair(&sa, &sb, &s) != SK_OK) {
            rc = sk_exec_fail(d->x, SK_ECORRUPT, d->st->span, "neighbour list out of order");
            break;
        }
        if (s.score < min)
            continue;
        char why[512];
        sk_sim_explain(&s, why, sizeof why);
        if (!grow((void **)&kept, &cap, n + 1, sizeof *kept)) {
            rc = nomem(d);
            break;
        }
        kept[n] = (dpair){(uint32_t)(a - d->recs), (uint32_t)(b - d->recs), s.score,
                          sk_arena_strndup(d->x->tmp, why, strlen(why))};
        if (!kept[n].reasons) {
            rc = nomem(d);
            break;
        }
        n++;
    }
    if (rc) {
        free(kept);
        return rc;
    }
    sort(kept, n, sizeof *kept, by_score);
    *out = kept;
    *nout = n;
    return SK_OK;
}

static int dup_rows(dctx *d, const dpair *p, size_t n, sk_result *out)
{
    sk_exec *x = d->x;
    const char *cols[] = {"a", "a_label", "b", "b_label", "score", "reasons"};
    sk_tbuild *b;
    int rc = sk_tb_new(x, cols, 6, &b);
    if (rc)
        return rc;
    size_t limit = sk_ast_has(&d->st->cl, SK_CL_LIMIT) ? d->st->cl.limit : n;
    for (size_t i = 0; !rc && i < n && i < limit; i++) {
        if (!sk_tb_row(b)) {
            rc = x->code;
            break;
        }
        const drec *ra = &d->recs[p[i].a], *rb = &d->recs[p[i].b];
        sk_value cells[] = {
            {.type = SK_V_ID, .u.i = (int64_t)ra->id},
            sk_exec_str(x, ra->label, strlen(ra->label)),
            {.type = SK_V_ID, .u.i = (int64_t)rb->id},
            sk_exec_str(x, rb->label, strlen(rb->label)),
            {.type = SK_V_REAL, .u.r = p[i].score},
            sk_exec_str(x, p[i].reasons, strlen(p[i].reasons)),
        };
        for (size_t c = 0; !rc && c < 6; c++)
            rc = sk_tb_set(b, c, cells[c]);
    }
    if (rc) {
        sk_result junk;
        sk_tb_finish(b, &junk);
        return rc;
    }
    return sk_tb_finish(b, out);
}

static int dctx_init(dctx *d, sk_exec *x, const sk_ast_stage *st)
{
    *d = (dctx){.x = x, .st = st};
    sk_idmap_init(&d->kinds);
    sk_idmap_init(&d->etypes);
    sk_idmap_init(&d->degrees);
    int rc = sk_exec_etype(x, &st->u.type, &d->type);
    if (rc)
        return rc;
    const char *tname = sk_exec_name(x, SK_DICT_ETYPE, d->type);
    d->person = sk_keykind_for_type(tname, strlen(tname)) == SK_KEY_NAME;
    for (size_t i = 0; i < NIDENT_PROPS; i++)
        if (sk_name_intern(x->t, SK_DICT_PROP, IDENT_PROPS[i].prop, strlen(IDENT_PROPS[i].prop),
                           false, &d->ident_props[i]) != SK_OK)
            d->ident_props[i] = 0;
    for (size_t i = 0; i < NDOB_PROPS; i++)
        if (sk_name_intern(x->t, SK_DICT_PROP, DOB_PROPS[i], strlen(DOB_PROPS[i]), false,
                           &d->dob_props[i]) != SK_OK)
            d->dob_props[i] = 0;
    if (!(d->a = sk_arena_new()))
        return nomem(d);
    rc = sk_adj_open(x->t, 0, 0, SK_DIR_ANY, &d->cur);
    return rc ? sk_exec_store_fail(x, rc, st->span) : SK_OK;
}

static void dctx_free(dctx *d)
{
    sk_adj_close(d->cur);
    sk_arena_free(d->a);
    sk_idmap_free(&d->kinds);
    sk_idmap_free(&d->etypes);
    sk_idmap_free(&d->degrees);
    free(d->recs);
    free(d->keys);
    free(d->pairs);
    free(d->nbrs);
}

int sk_stage_duplicates(sk_exec *x, const sk_ast_stage *st, const sk_result *in, sk_result *out)
{
    (void)in;
    dctx d;
    double min = sk_ast_has(&st->cl, SK_CL_MIN_SCORE) ? st->cl.min_score : DEFAULT_MIN;
    dpair *kept = NULL;
    size_t nkept = 0;
    int rc = dctx_init(&d, x, st);
    if (!rc)
        rc = read_records(&d);
    if (!rc)
        rc = make_pairs(&d);
    if (!rc)
        rc = score_pairs(&d, min, &kept, &nkept);
    if (!rc) {
        sk_exec_plan(x, "duplicates: %zu entities, %zu blocking keys, %zu candidate pairs, "
                     "%zu with more than a name scored, %zu at or above %.2f", d.nrecs, d.nkeys,
                     d.npairs, d.scored, nkept, min);
        if (d.big_blocks)
            sk_exec_notice(x, "%zu blocks of more than %d similar entities were not compared "
                           "(the largest has %zu); look at them with find",
                           d.big_blocks, BLOCK_MAX, d.biggest);
        rc = dup_rows(&d, kept, nkept, out);
    }
    free(kept);
    dctx_free(&d);
    return rc;
}
