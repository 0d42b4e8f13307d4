/*
 * linkfilter.c — a write transaction's filter of the links that may exist,
 * so that sk_link_upsert learns "no such link" without a B-tree search.
 *
 * An import into a case that holds a graph checks every new link for a
 * duplicate, and almost every check finds none: a B-tree search of the
 * adjacency (through the transaction's dirty-page list at each level) and
 * a probe of the table of links created since the last flush (lookup.c),
 * both to learn nothing. The filter answers most of those checks with one
 * cache line.
 *
 * It is a blocked Bloom filter over link identities as seen from the
 * source, (entity, link type, direction, neighbour, start time) of the out
 * and undirected adjacency records (an entity's all in one cache line),
 * and a bit per entity saying the entity is *covered*. Invariants, which
 * make a negative answer exact for a covered entity:
 *   - every such record added since the filter was made is in it
 *     (sk__adj_link_add calls sk__lf_note);
 *   - a covered entity's stored records were all added to it when it was
 *     covered (sk__lf_cover_add, from the one scan that answered the
 *     entity's first check);
 *   - links created before the filter and not yet flushed are in no
 *     filter: until a flush writes them (links_from is then 0 or past
 *     them) the filter answers nothing.
 * A "maybe" that the store does not confirm is settled by the chains: the
 * links made since the filter, listed by the block of their source (and of
 * the target, undirected), each candidate checked against its record.
 * Deleting a link leaves its identity in the filter and its chain: a stale
 * "maybe" or candidate only costs a look.
 *
 * Memory is fixed: a filter of LF_BYTES (or lf_budget), allocated on the
 * first check (its pages are touched only as keys land in them), the
 * covered bits, one per entity id of the case, and the chains, 8 bytes a
 * link made, up to the lookup budget (then the links table of lookup.c
 * answers, itself capped). When the filter holds as many keys as it can
 * answer for well, no further entity is covered; the covered ones stay
 * exact, answering "maybe" a little more often. A bulk load (empty case)
 * makes no filter: there is nothing stored to spare searches of.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define LF_BYTES ((size_t)64 << 20) /* 47M keys: a 1M-person case and its import */
#define BLOCK_WORDS 8                 /* one cache line: 7 words of filter
                                         and the head of the block's chain */
#define BLOOM_WORDS 7
#define HEAD 7
#define PROBES 6                      /* bits set per key */
#define BITS_PER_KEY 10               /* about 1 % false "maybe" */
#define CHAIN_WALK 16                 /* candidates read at most per check */

struct sk_linkfilter {
    uint64_t *bits;                   /* blocks of BLOCK_WORDS words */
    size_t nblocks;                   /* a power of two */
    size_t keys, max_keys;            /* added, and the most that cover well */
    uint64_t *covered;                /* a bit per entity id */
    size_t covered_words;
    sk_id first_link;                 /* links from this id on were noted */
    uint32_t *next;                   /* the chains of links made since (below) */
    size_t nnext, capnext;            /* entries used, allocated */
    bool chains_full;                 /* dropped at the lookup budget */
};

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A record's direction bits (adjacency.c: 0 out, 1 in, 2 undirected). */
static bool rec_is_in(const uint8_t *rec) { return (rec[1] & 3) == 1; }

/* The block of ENTITY's records: one cache line holds them all, so a
 * check, the note of the link it then creates, and the cover of the
 * entity touch one line. (An entity with hundreds of records fills its
 * block and is answered "maybe": a search, as without the filter.) */
static size_t rec_block(const struct sk_linkfilter *f, sk_id entity)
{
    return (size_t)(mix(entity) & (f->nblocks - 1));
}

/* The hash of ENTITY's record REC without its link id: bytes 0..6 (type,
 * direction, neighbour) and 12..16 (time). */
static uint64_t rec_hash(sk_id entity, const uint8_t *rec)
{
    const uint64_t m40 = (UINT64_C(1) << 40) - 1;
    uint64_t head = be_get64(rec) >> 8, time = be_get64(rec + 9) & m40;
    return mix(mix(entity ^ (head << 40)) ^ (head >> 24) ^ mix(time + 0x9e3779b97f4a7c15ull));
}

static void filter_add(struct sk_linkfilter *f, sk_id entity, const uint8_t *rec)
{
    uint64_t *b = f->bits + rec_block(f, entity) * BLOCK_WORDS;
    uint64_t g = rec_hash(entity, rec);
    for (int i = 0; i < PROBES; i++, g >>= 9)
        b[(g >> 6) % BLOOM_WORDS] |= UINT64_C(1) << (g & 63);
    f->keys++;
}

static bool filter_has(const struct sk_linkfilter *f, sk_id entity, const uint8_t *rec)
{
    const uint64_t *b = f->bits + rec_block(f, entity) * BLOCK_WORDS;
    uint64_t g = rec_hash(entity, rec);
    for (int i = 0; i < PROBES; i++, g >>= 9)
        if (!(b[(g >> 6) % BLOOM_WORDS] >> (g & 63) & 1))
            return false;
    return true;
}

static bool is_covered(const struct sk_linkfilter *f, sk_id id)
{
    size_t w = (size_t)(id / 64);
    return w < f->covered_words && (f->covered[w] >> (id % 64) & 1);
}

void sk__lf_free(sk_txn *t)
{
    if (!t->lf)
        return;
    sk_table_free(t->lf->bits, t->lf->nblocks * BLOCK_WORDS * sizeof(uint64_t));
    free(t->lf->covered);
    free(t->lf->next);
    free(t->lf);
    t->lf = NULL;
}

/* The filter of T, made on first use; NULL when it cannot be had (out of
 * memory only costs the searches). */
static struct sk_linkfilter *filter(sk_txn *t)
{
    /* A bulk load has no stored adjacency to spare searches of: the table
     * of links it created answers (lookup.c). */
    if (t->lf || !t->write || t->bulk)
        return t->lf;
    size_t bytes = t->lf_budget ? t->lf_budget : LF_BYTES;
    if (bytes < 2 * BLOCK_WORDS * sizeof(uint64_t))
        return NULL; /* no filter: every check searches (tests compare) */
    struct sk_linkfilter *f = calloc(1, sizeof *f);
    size_t nblocks = 1;
    while (nblocks * 2 * BLOCK_WORDS * sizeof(uint64_t) <= bytes)
        nblocks *= 2;
    if (f)
        f->bits = sk_table_alloc(nblocks * BLOCK_WORDS * sizeof(uint64_t));
    if (!f || !f->bits) {
        free(f);
        return NULL;
    }
    f->nblocks = nblocks;
    f->max_keys = nblocks * BLOOM_WORDS * 64 / BITS_PER_KEY;
    f->first_link = t->next_link;
    t->lf = f;
    return f;
}

/* Whether T's filter may answer: no link made before it is still spooled. */
static bool trusted(const sk_txn *t, const struct sk_linkfilter *f)
{
    return f && (t->links_from == 0 || t->links_from >= f->first_link);
}

/* Chains: the links made since the filter, listed by the block of each
 * end whose record the filter keeps, so that a "maybe" for a covered
 * entity is settled by the few links its block lists rather than a table
 * of every link made (kept up link by link, a cache miss each). Entry
 * 2·(link − first_link) + END (0: the source's record, 1: the target's,
 * undirected) holds the block's previous head; a head or next of 0 ends
 * the chain, else it is the entry + 1. */
static void chain(sk_txn *t, struct sk_linkfilter *f, sk_id entity, const uint8_t *rec,
                  unsigned end)
{
    if (f->chains_full)
        return;
    if (t->links_on) {
        /* The links table is kept up now (a long chain sent a check
         * there): it answers for every link, the chains are dropped. */
        free(f->next);
        f->next = NULL;
        f->chains_full = true;
        return;
    }
    sk_id link = be_get64(rec + 4) & ((UINT64_C(1) << 40) - 1);
    size_t e = (size_t)(link - f->first_link) * 2 + end;
    if (link < f->first_link || e >= UINT32_MAX - 1) {
        f->chains_full = true;
        return;
    }
    if (e >= f->capnext) {
        size_t cap = f->capnext ? f->capnext * 2 : 4096;
        while (cap <= e)
            cap *= 2;
        size_t budget = t->lookup_budget ? t->lookup_budget : SK_LOOKUP_BUDGET;
        uint32_t *p = cap * sizeof *p <= budget ? realloc(f->next, cap * sizeof *p) : NULL;
        if (!p) {
            f->chains_full = true; /* past the budget: the links table answers */
            free(f->next);
            f->next = NULL;
            return;
        }
        f->next = p;
        f->capnext = cap;
    }
    /* Entries skipped (links made without a note: none today) end nothing. */
    for (size_t i = f->nnext; i < e; i++)
        f->next[i] = 0;
    uint64_t *head = f->bits + rec_block(f, entity) * BLOCK_WORDS + HEAD;
    f->next[e] = (uint32_t)*head;
    *head = e + 1;
    if (e + 1 > f->nnext)
        f->nnext = e + 1;
}

/* Only records seen from the link's source are kept (out, undirected):
 * sk_link_upsert checks from there, and half the records take no room. */
void sk__lf_note(sk_txn *t, sk_id entity, const uint8_t *rec, unsigned end)
{
    if (!t->lf || rec_is_in(rec))
        return;
    filter_add(t->lf, entity, rec);
    chain(t, t->lf, entity, rec, end);
}

/* Whether link ID is the one ENTITY's record REC stands for. */
static int chain_match(sk_txn *t, sk_id id, sk_id entity, const uint8_t *rec)
{
    const uint8_t *p;
    size_t n;
    bool pending;
    int rc = sk__linkrec_get(t, id, &p, &n, &pending);
    if (rc)
        return rc; /* SK_ENOTFOUND: deleted since */
    sk_link l;
    if (sk__decode_link_head(p, n, &l))
        return sk_txn_fail(t, SK_ECORRUPT, "%s: link #%llu: record is damaged", t->s->path,
                           (unsigned long long)id);
    sk_adj a;
    sk__adj_decode(rec, &a);
    bool ends = a.dir == SK_DIR_OUT ? l.directed && l.src == entity && l.dst == a.nb
                                    : !l.directed && ((l.src == entity && l.dst == a.nb) ||
                                                      (l.dst == entity && l.src == a.nb));
    return ends && l.type == a.ltype && l.t_start == a.time ? SK_OK : SK_ENOTFOUND;
}

int sk__lf_find(sk_txn *t, sk_id entity, const uint8_t *rec, bool *known, sk_id *link)
{
    struct sk_linkfilter *f = t->lf;
    *known = false;
    /* Only for an entity the filter covers, whose "maybe" is rare: a chain
     * lists every link made from its block, each checked by its record,
     * too many to read for every check of an uncovered one. */
    if (rec_is_in(rec) || !trusted(t, f) || f->chains_full || !is_covered(f, entity))
        return SK_OK;
    /* A block with a busy entity has a long chain, and its filter bits
     * are mostly set: past a few candidates the links table answers
     * instead (reading every candidate for every check is quadratic). */
    uint64_t e = f->bits[rec_block(f, entity) * BLOCK_WORDS + HEAD];
    for (int i = 0; e && i < CHAIN_WALK; i++, e = f->next[e - 1])
        ;
    if (e)
        return SK_OK;
    *known = true;
    e = f->bits[rec_block(f, entity) * BLOCK_WORDS + HEAD];
    while (e) {
        sk_id id = f->first_link + (e - 1) / 2;
        int rc = chain_match(t, id, entity, rec);
        if (rc == SK_OK) {
            *link = id;
            return SK_OK;
        }
        if (rc != SK_ENOTFOUND)
            return rc;
        e = f->next[e - 1];
    }
    return SK_ENOTFOUND;
}

int sk__lf_check(sk_txn *t, sk_id entity, const uint8_t *rec)
{
    if (rec_is_in(rec))
        return SK_LF_MAYBE;
    struct sk_linkfilter *f = filter(t);
    if (!trusted(t, f))
        return SK_LF_MAYBE;
    if (!is_covered(f, entity))
        return f->keys < f->max_keys ? SK_LF_UNCOVERED : SK_LF_MAYBE;
    return filter_has(f, entity, rec) ? SK_LF_MAYBE : SK_LF_ABSENT;
}

void sk__lf_cover_add(sk_txn *t, sk_id entity, const uint8_t *rec)
{
    if (!rec_is_in(rec))
        filter_add(t->lf, entity, rec);
}

void sk__lf_cover_done(sk_txn *t, sk_id entity)
{
    struct sk_linkfilter *f = t->lf;
    size_t w = (size_t)(entity / 64);
    if (w >= f->covered_words) {
        size_t n = f->covered_words ? f->covered_words : 1024;
        while (n <= w)
            n *= 2;
        uint64_t *p = realloc(f->covered, n * sizeof *p);
        if (!p)
            return; /* not covered: only costs searches */
        memset(p + f->covered_words, 0, (n - f->covered_words) * sizeof *p);
        f->covered = p;
        f->covered_words = n;
    }
    f->covered[w] |= UINT64_C(1) << (entity % 64);
}
