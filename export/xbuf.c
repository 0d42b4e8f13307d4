/*
 * xbuf.c — growable text buffers and string pools for the printers.
 *
 * Invariant: after any append, p[len] == '\0' (when p is not NULL), so the
 * contents can be used as a C string at any time. Once a growth fails the
 * buffer is marked oom and stays so until freed; appends are then ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_int.h"

static bool xbuf_grow(sk_xbuf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void xbuf_put(sk_xbuf *b, const char *s, size_t n)
{
    if (!xbuf_grow(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void xbuf_puts(sk_xbuf *b, const char *s)
{
    xbuf_put(b, s, strlen(s));
}

void xbuf_putc(sk_xbuf *b, char c)
{
    xbuf_put(b, &c, 1);
}

void xbuf_vprintf(sk_xbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !xbuf_grow(b, (size_t)n))
        return;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void xbuf_printf(sk_xbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    xbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *xbuf_cstr(sk_xbuf *b)
{
    return b->p && !b->oom ? b->p : "";
}

void xbuf_clear(sk_xbuf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void xbuf_free(sk_xbuf *b)
{
    free(b->p);
    *b = (sk_xbuf){0};
}

int xbuf_flush(sk_xbuf *b, const sk_sink *sink)
{
    if (b->oom)
        return SK_ENOMEM;
    int rc = SK_OK;
    if (b->len)
        rc = sink->write(sink->ctx, b->p, b->len);
    xbuf_clear(b);
    return rc;
}

const char *spool_keep(sk_spool *p, sk_xbuf *b)
{
    if (p->oom || b->oom) {
        p->oom = true;
        return NULL;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        char **items = realloc(p->items, cap * sizeof *items);
        if (!items) {
            p->oom = true;
            return NULL;
        }
        p->items = items;
        p->cap = cap;
    }
    char *s = malloc(b->len + 1);
    if (!s) {
        p->oom = true;
        return NULL;
    }
    if (b->len)
        memcpy(s, b->p, b->len);
    s[b->len] = '\0';
    p->items[p->n++] = s;
    return s;
}

void spool_free(sk_spool *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i]);
    free(p->items);
    *p = (sk_spool){0};
}
