/*
 * text.c — UTF-8 decoding, display width and the escaping each output
 * needs (terminal, XML, Graphviz escString, Graphviz HTML-like labels).
 *
 * Result strings come from seized data: they may hold control characters,
 * terminal escape sequences, markup and invalid UTF-8. Every function here
 * produces valid UTF-8 that is inert in its target: nothing a name contains
 * can move the cursor, open an XML tag or expand a Graphviz "\N".
 */
#include <string.h>

#include "export_int.h"

long utf8_decode(const char *s, size_t n, size_t *adv)
{
    const unsigned char *u = (const unsigned char *)s;
    *adv = 1;
    if (n == 0)
        return -1;
    if (u[0] < 0x80)
        return u[0];
    size_t len;
    long cp, min;
    if ((u[0] & 0xE0) == 0xC0) {
        len = 2; cp = u[0] & 0x1F; min = 0x80;
    } else if ((u[0] & 0xF0) == 0xE0) {
        len = 3; cp = u[0] & 0x0F; min = 0x800;
    } else if ((u[0] & 0xF8) == 0xF0) {
        len = 4; cp = u[0] & 0x07; min = 0x10000;
    } else {
        return -1;
    }
    if (n < len)
        return -1;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past Unicode are invalid. */
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *adv = len;
    return cp;
}

/* Ranges of code points whose width is not 1 (after Markus Kuhn's
 * wcwidth, reduced to the scripts analysts meet in names). */
static const struct { long lo, hi; int w; } k_widths[] = {
    {0x0300, 0x036F, 0}, {0x0483, 0x0489, 0}, {0x0591, 0x05BD, 0},
    {0x05BF, 0x05C7, 0}, {0x0610, 0x061A, 0}, {0x064B, 0x065F, 0},
    {0x0670, 0x0670, 0}, {0x06D6, 0x06DC, 0}, {0x06DF, 0x06E4, 0},
    {0x0900, 0x0902, 0}, {0x093C, 0x093C, 0}, {0x0941, 0x0948, 0},
    {0x094D, 0x094D, 0}, {0x0E31, 0x0E31, 0}, {0x0E34, 0x0E3A, 0},
    {0x0E47, 0x0E4E, 0}, {0x1100, 0x115F, 2}, {0x1AB0, 0x1AFF, 0},
    {0x1DC0, 0x1DFF, 0}, {0x200B, 0x200F, 0}, {0x202A, 0x202E, 0},
    {0x2060, 0x2064, 0}, {0x20D0, 0x20FF, 0}, {0x2E80, 0x303E, 2},
    {0x3041, 0x33FF, 2}, {0x3400, 0x4DBF, 2}, {0x4E00, 0x9FFF, 2},
    {0xA000, 0xA4CF, 2}, {0xAC00, 0xD7A3, 2}, {0xF900, 0xFAFF, 2},
    {0xFE00, 0xFE0F, 0}, {0xFE20, 0xFE2F, 0}, {0xFE30, 0xFE4F, 2},
    {0xFEFF, 0xFEFF, 0}, {0xFF00, 0xFF60, 2}, {0xFFE0, 0xFFE6, 2},
    {0x1F300, 0x1F64F, 2}, {0x1F900, 0x1F9FF, 2}, {0x20000, 0x2FFFD, 2},
    {0x30000, 0x3FFFD, 2},
};

int utf8_cpwidth(long cp)
{
    if (cp < 0x300)
        return 1;
    for (size_t i = 0; i < sizeof k_widths / sizeof k_widths[0]; i++) {
        if (cp < k_widths[i].lo)
            break;
        if (cp <= k_widths[i].hi)
            return k_widths[i].w;
    }
    return 1;
}

size_t utf8_width(const char *s, size_t n)
{
    size_t w = 0, adv;
    for (size_t i = 0; i < n; i += adv) {
        long cp = utf8_decode(s + i, n - i, &adv);
        w += cp < 0 ? 1 : (size_t)utf8_cpwidth(cp);
    }
    return w;
}

static const char k_replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

void utf8_repair(sk_xbuf *b, const char *s, size_t n)
{
    size_t adv, start = 0, i = 0;
    while (i < n) {
        if (utf8_decode(s + i, n - i, &adv) >= 0) {
            i += adv;
            continue;
        }
        xbuf_put(b, s + start, i - start);
        xbuf_put(b, k_replacement, 3);
        i += adv;
        start = i;
    }
    xbuf_put(b, s + start, n - start);
}

void text_cut(sk_xbuf *b, const char *s, size_t n, size_t maxw)
{
    sk_xbuf tmp = {0};
    utf8_repair(&tmp, s, n);
    const char *t = xbuf_cstr(&tmp);
    size_t tn = tmp.len;
    if (maxw == 0 || utf8_width(t, tn) <= maxw) {
        xbuf_put(b, t, tn);
        xbuf_free(&tmp);
        return;
    }
    /* Keep whole characters while they fit in maxw-1 columns, then "…". */
    size_t w = 0, i = 0, adv;
    while (i < tn) {
        long cp = utf8_decode(t + i, tn - i, &adv);
        size_t cw = (size_t)utf8_cpwidth(cp);
        if (w + cw > maxw - 1)
            break;
        w += cw;
        i += adv;
    }
    xbuf_put(b, t, i);
    xbuf_puts(b, "\xE2\x80\xA6");
    xbuf_free(&tmp);
}

void text_for_terminal(sk_xbuf *b, const char *s, size_t n, size_t maxw)
{
    sk_xbuf tmp = {0};
    size_t adv;
    for (size_t i = 0; i < n; i += adv) {
        long cp = utf8_decode(s + i, n - i, &adv);
        if (cp < 0)
            xbuf_put(&tmp, k_replacement, 3);
        else if (cp == '\n')
            xbuf_puts(&tmp, "\\n");
        else if (cp == '\t')
            xbuf_puts(&tmp, "\\t");
        else if (cp == '\r')
            xbuf_puts(&tmp, "\\r");
        else if (cp < 0x20 || cp == 0x7F)
            xbuf_printf(&tmp, "\\x%02lx", cp);
        else if (cp >= 0x80 && cp <= 0x9F)
            xbuf_printf(&tmp, "\\u%04lx", cp);
        else
            xbuf_put(&tmp, s + i, adv);
    }
    text_cut(b, xbuf_cstr(&tmp), tmp.len, maxw);
    if (tmp.oom)
        b->oom = true;
    xbuf_free(&tmp);
}

void text_xml(sk_xbuf *b, const char *s, size_t n)
{
    size_t adv;
    for (size_t i = 0; i < n; i += adv) {
        long cp = utf8_decode(s + i, n - i, &adv);
        switch (cp) {
        case '&': xbuf_puts(b, "&amp;"); break;
        case '<': xbuf_puts(b, "&lt;"); break;
        case '>': xbuf_puts(b, "&gt;"); break;
        case '"': xbuf_puts(b, "&quot;"); break;
        case '\n': xbuf_puts(b, "&#10;"); break;
        case '\r': xbuf_puts(b, "&#13;"); break;
        case '\t': xbuf_puts(b, "&#9;"); break;
        default:
            if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
                xbuf_put(b, k_replacement, 3);
            else
                xbuf_put(b, s + i, adv);
        }
    }
}

void text_gv(sk_xbuf *b, const char *s, size_t n)
{
    size_t adv;
    for (size_t i = 0; i < n; i += adv) {
        long cp = utf8_decode(s + i, n - i, &adv);
        if (cp < 0)
            xbuf_put(b, k_replacement, 3);
        else if (cp == '\\')
            xbuf_puts(b, "\\\\");
        else if (cp == '\n')
            xbuf_puts(b, "\\n");
        else if (cp == '\t')
            xbuf_putc(b, ' ');
        else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
            continue;
        else
            xbuf_put(b, s + i, adv);
    }
}

void text_gvhtml(sk_xbuf *b, const char *s, size_t n)
{
    size_t adv;
    for (size_t i = 0; i < n; i += adv) {
        long cp = utf8_decode(s + i, n - i, &adv);
        switch (cp) {
        case -1: xbuf_put(b, k_replacement, 3); break;
        case '&': xbuf_puts(b, "&amp;"); break;
        case '<': xbuf_puts(b, "&lt;"); break;
        case '>': xbuf_puts(b, "&gt;"); break;
        case '"': xbuf_puts(b, "&quot;"); break;
        case '\n': xbuf_puts(b, "<BR/>"); break;
        case '\t': xbuf_putc(b, ' '); break;
        default:
            if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
                break;
            xbuf_put(b, s + i, adv);
        }
    }
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool text_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower(*a) != lower(*b))
            return false;
    return *a == *b;
}

bool text_in_list(const char *list, const char *name)
{
    size_t nl = strlen(name);
    while (list && *list) {
        const char *bar = strchr(list, '|');
        size_t len = bar ? (size_t)(bar - list) : strlen(list);
        if (len == nl) {
            size_t i = 0;
            while (i < len && lower(list[i]) == lower(name[i]))
                i++;
            if (i == len)
                return true;
        }
        list = bar ? bar + 1 : NULL;
    }
    return false;
}
