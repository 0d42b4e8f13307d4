/*
 * diag.c — messages with a place: setting an imp_err and quoting input
 * text safely inside a message (control characters escaped, long values
 * shortened with "…", never cutting a UTF-8 character in two).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "import_int.h"

int imp_err_set(imp_err *e, uint64_t line, uint32_t col, int code, const char *fmt, ...)
{
    e->line = line;
    e->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *imp_quote(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    if (cap < 8) {
        if (cap)
            out[0] = '\0';
        return out;
    }
    out[o++] = '\'';
    size_t i = 0;
    /* Room for the closing quote, an ellipsis (3 bytes) and the NUL. */
    size_t limit = cap - 6;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t clen = 1;
        if (c >= 0xF0) clen = 4;
        else if (c >= 0xE0) clen = 3;
        else if (c >= 0xC0) clen = 2;
        size_t need = (c < 0x20 || c == 0x7F) ? 4 : clen;
        if (o + need > limit) {
            memcpy(out + o, "\xE2\x80\xA6", 3); /* … */
            o += 3;
            break;
        }
        if (c < 0x20 || c == 0x7F) {
            const char *esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
            if (esc) {
                memcpy(out + o, esc, 2);
                o += 2;
            } else {
                o += (size_t)snprintf(out + o, cap - o, "\\x%02X", c);
            }
            i++;
            continue;
        }
        if (i + clen > len)
            clen = len - i;
        memcpy(out + o, s + i, clen);
        o += clen;
        i += clen;
    }
    out[o++] = '\'';
    out[o] = '\0';
    return out;
}
