/*
 * sort.c — a stable sort of indexes with a comparison that takes a
 * context. qsort is neither stable nor given a context, and results must
 * come out in the same order every time (ties keep their arrival order).
 */
#include "exec_int.h"

#include <stdlib.h>
#include <string.h>

static void merge(size_t *ix, size_t *tmp, size_t lo, size_t mid, size_t hi,
                  sk_ix_cmp cmp, void *ctx)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        tmp[k++] = cmp(ctx, ix[j], ix[i]) < 0 ? ix[j++] : ix[i++];
    while (i < mid)
        tmp[k++] = ix[i++];
    while (j < hi)
        tmp[k++] = ix[j++];
    memcpy(ix + lo, tmp + lo, (hi - lo) * sizeof *ix);
}

int sk_sort_ix(size_t *ix, size_t n, sk_ix_cmp cmp, void *ctx)
{
    if (n < 2)
        return SK_OK;
    size_t *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return SK_ENOMEM;
    /* Bottom-up: runs of 1, 2, 4 … merged pairwise; no recursion. */
    for (size_t width = 1; width < n; width *= 2)
        for (size_t lo = 0; lo < n - width; lo += 2 * width) {
            size_t mid = lo + width;
            size_t hi = mid + width < n ? mid + width : n;
            merge(ix, tmp, lo, mid, hi, cmp, ctx);
        }
    free(tmp);
    return SK_OK;
}
