/*
 * utf8.h — strict UTF-8 decoding for the query front end (private to
 * query/): the lexer validates text with it, the diagnostic printer counts
 * columns in characters with it.
 *
 * Strict means RFC 3629: no overlong forms, no surrogates (U+D800..DFFF),
 * nothing above U+10FFFF. One static inline function, so each file that
 * needs it shares the one definition.
 */
#ifndef SK_QUERY_UTF8_H
#define SK_QUERY_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the character at S (N >= 1 bytes available). Returns its length
 * in bytes (1..4) and its code point in *CP, or 0 when the bytes are not a
 * valid UTF-8 sequence. */
static inline size_t sk_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

#endif /* SK_QUERY_UTF8_H */
