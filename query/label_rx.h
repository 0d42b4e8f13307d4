/*
 * label_rx.h — a filter on the label index's folded text, derived from a
 * regex that a condition tests on display labels (label_rx.c says why it
 * never rejects a label the regex matches). Private to query/.
 */
#ifndef SK_QUERY_LABEL_RX_H
#define SK_QUERY_LABEL_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sk_lrx sk_lrx;

/* Derives the filter of regex RX (LEN bytes, SK_RX_* FLAGS). Returns true
 * with *OUT set (free with sk_lrx_free) when RX has a filter that tests at
 * least one letter or digit; false when it has none worth using (nothing
 * the index text could show, or a construct the derivation does not
 * cover) or on ENOMEM — the caller then reads records instead. */
bool sk_lrx_new(const char *rx, size_t len, unsigned flags, sk_lrx **out);
void sk_lrx_free(sk_lrx *f);

/* The folded prefix every label RX matches has in the index ("" when RX
 * is not anchored at a literal start): the range to scan. Borrowed from F. */
const char *sk_lrx_prefix(const sk_lrx *f, size_t *len);

/* The derived regex, for explain. Borrowed from F. */
const char *sk_lrx_text(const sk_lrx *f);

/* False only when no label whose folded index text is TEXT (LEN bytes)
 * can match RX. */
bool sk_lrx_may_match(sk_lrx *f, const char *text, size_t len);

/* Receives entry I of a scan; a non-zero return stops the scan. */
typedef int (*sk_lrx_hit_fn)(void *ctx, size_t i);

/* Calls HIT(CTX, I), in order, for each entry I in [LO, HI) of packed
 * folded texts — entry I is TEXT + OFF[I], OFF[I + 1] - OFF[I] bytes, as
 * in a label snapshot — that sk_lrx_may_match passes: the same entries,
 * found a block at a time (label_rx.c says how). Returns HIT's first
 * non-zero result, else 0. TEXT and OFF are only read. */
int sk_lrx_scan(sk_lrx *f, const char *text, const uint32_t *off, size_t lo, size_t hi,
                sk_lrx_hit_fn hit, void *ctx);

#endif /* SK_QUERY_LABEL_RX_H */
