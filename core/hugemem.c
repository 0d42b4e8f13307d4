/*
 * hugemem.c — memory for large tables read at random, in huge pages where
 * the kernel gives them (sk_table_alloc).
 *
 * A table of 2 MiB or more is its own anonymous mapping, so its pages are
 * zero and take memory only when first written (a filter sized for a
 * large case costs little in a small one), and it can start on a 2 MiB
 * boundary: a mapping one huge page longer is trimmed at both ends.
 */
#include "store.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

static size_t mapped_len(size_t n) { return (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1); }

void *sk_table_alloc(size_t n)
{
    if (n < HUGE_PAGE)
        return calloc(1, n ? n : 1);
    size_t len = mapped_len(n);
    if (len < n || len + HUGE_PAGE < len)
        return NULL;
    uint8_t *p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    size_t lead = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (lead)
        munmap(p, lead);
    munmap(p + lead + len, HUGE_PAGE - lead);
    p += lead;
#ifdef MADV_HUGEPAGE
    madvise(p, len, MADV_HUGEPAGE);
#endif
    return p;
}

void sk_table_free(void *p, size_t n)
{
    if (!p)
        return;
    if (n < HUGE_PAGE)
        free(p);
    else
        munmap(p, mapped_len(n));
}
