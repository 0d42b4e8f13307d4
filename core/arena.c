/*
 * arena.c — per-statement memory: a chain of blocks handed out by bumping a
 * pointer and freed in one call. Results of queries, decoded records and
 * parse trees live here, so nothing returned through the public headers has
 * to be freed piece by piece.
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64u * 1024u)
#define ARENA_ALIGN 16u

typedef struct block {
    struct block *next;   /* older block */
    size_t cap;           /* usable bytes after the header */
    size_t used;          /* bytes handed out from this block */
    max_align_t data[];   /* the payload */
} block;

struct sk_arena {
    block *head;          /* newest block; allocation happens here */
    size_t total;         /* bytes handed out in all blocks */
};

static block *block_new(size_t cap, block *next)
{
    block *b = malloc(sizeof *b + cap);
    if (!b)
        return NULL;
    b->next = next;
    b->cap = cap;
    b->used = 0;
    return b;
}

sk_arena *sk_arena_new(void)
{
    sk_arena *a = malloc(sizeof *a);
    if (!a)
        return NULL;
    a->head = block_new(ARENA_BLOCK, NULL);
    if (!a->head) {
        free(a);
        return NULL;
    }
    a->total = 0;
    return a;
}

void *sk_arena_alloc(sk_arena *a, size_t n)
{
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < n)
        return NULL; /* overflow */
    block *b = a->head;
    if (b->cap - b->used < need) {
        /* A large request gets a block of its own so that it does not waste
         * the rest of a normal block. */
        size_t cap = need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK;
        b = block_new(cap, a->head);
        if (!b)
            return NULL;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

char *sk_arena_strndup(sk_arena *a, const char *s, size_t n)
{
    char *p = sk_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void sk_arena_reset(sk_arena *a)
{
    block *b = a->head;
    while (b->next) {
        block *next = b->next;
        free(b);
        b = next;
    }
    b->used = 0;
    a->head = b;
    a->total = 0;
}

void sk_arena_free(sk_arena *a)
{
    if (!a)
        return;
    block *b = a->head;
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

size_t sk_arena_used(const sk_arena *a)
{
    return a->total;
}
