/*
 * decode.c — the bytes of an input file turned into validated UTF-8 chunks.
 *
 * A byte-order mark decides the encoding when present (UTF-8, UTF-16LE,
 * UTF-16BE) and is dropped; otherwise the requested encoding is used, and
 * without one the file must be UTF-8. Other encodings go through iconv
 * (glibc). Invariants: every chunk handed out is valid UTF-8 that ends on a
 * character boundary and holds no NUL byte (a NUL means a binary file or a
 * wrong encoding); an error is reported only after the valid bytes before
 * it were handed out, so the reader above knows its line and column.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import_int.h"

/* Room kept in front of the raw chunk for the carried incomplete sequence,
 * so that the carry and the new bytes are contiguous. */
#define CARRY_ROOM 8

/* Canonical iconv names of the encodings people type. */
static const struct { const char *alias, *iconv; } enc_alias[] = {
    {"utf-8", "UTF-8"},           {"utf8", "UTF-8"},
    {"latin-1", "ISO-8859-1"},    {"latin1", "ISO-8859-1"},
    {"iso-8859-1", "ISO-8859-1"}, {"iso8859-1", "ISO-8859-1"},
    {"windows-1252", "WINDOWS-1252"}, {"cp1252", "WINDOWS-1252"},
    {"utf-16", "UTF-16LE"},       {"utf-16le", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"},     {"utf16", "UTF-16LE"},
};

static const char *iconv_name(const char *enc)
{
    for (size_t i = 0; i < sizeof enc_alias / sizeof enc_alias[0]; i++)
        if (strcasecmp(enc, enc_alias[i].alias) == 0)
            return enc_alias[i].iconv;
    return enc;
}

size_t imp_utf8_valid_prefix(const unsigned char *s, size_t n, bool *bad)
{
    size_t i = 0;
    *bad = false;
    while (i < n) {
        /* ASCII runs are the common case: skip them 8 bytes at a time. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;          /* no overlongs */
            if (c == 0xED) hi = 0x9F;          /* no surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;          /* at most U+10FFFF */
        } else {
            *bad = true;
            return i;
        }
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n)
                return i;                      /* truncated: not (yet) bad */
            unsigned char d = s[i + k];
            unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
            if (d < l || d > h) {
                *bad = true;
                return i;
            }
        }
        i += len;
    }
    return i;
}

int imp_input_open(imp_input *in, const char *path, const char *encoding, imp_err *e)
{
    memset(in, 0, sizeof *in);
    in->fd = -1;
    in->path = path;
    in->req_enc = (encoding && *encoding && strcasecmp(encoding, "auto") != 0) ? encoding : NULL;
    in->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0)
        return imp_err_set(e, 0, 0, errno == ENOENT ? SK_ENOTFOUND : SK_EIO,
                           "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = errno;
        close(in->fd);
        in->fd = -1;
        return imp_err_set(e, 0, 0, SK_EIO, "cannot read: %s",
                           S_ISDIR(st.st_mode) ? "is a directory" : strerror(err));
    }
    in->size = (uint64_t)st.st_size;
    if (in->size == 0) {
        close(in->fd);
        in->fd = -1;
        return imp_err_set(e, 0, 0, SK_EPARSE, "the file is empty");
    }
    in->raw = malloc(CARRY_ROOM + SK_IMPORT_CHUNK);
    /* Four output bytes per input byte cover every encoding (a UTF-16 unit
     * becomes at most three bytes, a Windows-1252 byte at most three). */
    in->out_cap = 4 * (size_t)SK_IMPORT_CHUNK + 16;
    if (!in->raw) {
        imp_input_close(in);
        return imp_err_set(e, 0, 0, SK_ENOMEM, "out of memory");
    }
    if (in->req_enc) {
        const char *name = iconv_name(in->req_enc);
        if (strcmp(name, "UTF-8") != 0) {
            iconv_t cd = iconv_open("UTF-8", name);
            if (cd == (iconv_t)-1) {
                imp_input_close(in);
                return imp_err_set(e, 0, 0, SK_EINVAL,
                                   "unknown encoding '%s' (try utf-8, latin-1, "
                                   "windows-1252, utf-16le, utf-16be)", in->req_enc);
            }
            iconv_close(cd);
        }
    }
    return SK_OK;
}

void imp_input_close(imp_input *in)
{
    if (in->use_iconv && in->cd)
        iconv_close((iconv_t)in->cd);
    if (in->fd >= 0)
        close(in->fd);
    free(in->raw);
    free(in->out);
    in->raw = NULL;
    in->out = NULL;
    in->cd = NULL;
    in->use_iconv = false;
    in->fd = -1;
}

int imp_input_rewind(imp_input *in, imp_err *e)
{
    if (lseek(in->fd, 0, SEEK_SET) != 0)
        return imp_err_set(e, 0, 0, SK_EIO, "cannot rewind: %s", strerror(errno));
    if (in->use_iconv && in->cd)
        iconv_close((iconv_t)in->cd);
    in->cd = NULL;
    in->use_iconv = false;
    in->raw_done = 0;
    in->raw_len = in->raw_pos = 0;
    in->ncarry = 0;
    in->eof = false;
    in->bom_done = false;
    in->pending = 0;
    return SK_OK;
}

/* Reads the next raw chunk behind the carried bytes (which are copied just
 * in front of it). Returns bytes read, 0 at the end, -1 on error. */
static ssize_t fill_raw(imp_input *in, imp_err *e)
{
    memcpy(in->raw + CARRY_ROOM - in->ncarry, in->carry, in->ncarry);
    ssize_t r;
    do {
        r = read(in->fd, in->raw + CARRY_ROOM, SK_IMPORT_CHUNK);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        imp_err_set(e, 0, 0, SK_EIO, "read error: %s", strerror(errno));
        return -1;
    }
    in->raw_done += (uint64_t)r;
    in->raw_len = (size_t)r;
    in->raw_pos = 0;
    if (r == 0)
        in->eof = true;
    return r;
}

/* Looks at the first bytes for a byte-order mark and sets up the decoder. */
static int start_decoding(imp_input *in, imp_err *e)
{
    const unsigned char *p = in->raw + CARRY_ROOM;
    size_t n = in->raw_len;
    const char *from = in->req_enc ? iconv_name(in->req_enc) : "UTF-8";
    size_t skip = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        from = "UTF-8", skip = 3;
    } else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        from = "UTF-16LE", skip = 2;
    } else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        from = "UTF-16BE", skip = 2;
    }
    in->raw_pos = skip;
    snprintf(in->enc_name, sizeof in->enc_name, "%s", from);
    in->bom_done = true;
    if (strcmp(from, "UTF-8") == 0)
        return SK_OK;
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return imp_err_set(e, 0, 0, SK_EINVAL, "unknown encoding '%s'", from);
    if (!in->out) {
        in->out = malloc(in->out_cap);
        if (!in->out) {
            iconv_close(cd);
            return imp_err_set(e, 0, 0, SK_ENOMEM, "out of memory");
        }
    }
    in->cd = cd;
    in->use_iconv = true;
    return SK_OK;
}

/* Cuts N at the first NUL byte of P and records the error for later. */
static size_t cut_at_nul(imp_input *in, const char *p, size_t n)
{
    const char *z = memchr(p, 0, n);
    if (!z)
        return n;
    in->pending = SK_EPARSE;
    snprintf(in->pending_msg, sizeof in->pending_msg,
             "binary data (a NUL byte): not %s text; check the file and --encoding",
             in->enc_name);
    return (size_t)(z - p);
}

/* Validates SRC[0..LEN) as UTF-8: keeps an incomplete tail for later and
 * notes an invalid sequence as pending. Returns the bytes to hand out. */
static size_t take_utf8(imp_input *in, const unsigned char *src, size_t len)
{
    bool bad;
    size_t ok = imp_utf8_valid_prefix(src, len, &bad);
    if (bad) {
        in->pending = SK_EPARSE;
        snprintf(in->pending_msg, sizeof in->pending_msg,
                 "invalid UTF-8 (byte 0x%02X); give the file's encoding, "
                 "e.g. --encoding windows-1252", src[ok]);
    } else if (ok < len) {
        in->ncarry = len - ok;
        memcpy(in->carry, src + ok, in->ncarry);
    }
    return ok;
}

/* Converts SRC[0..LEN) through iconv into in->out. Returns the bytes
 * written; sets how much of the raw chunk is left. */
static size_t take_iconv(imp_input *in, char *src, size_t len, imp_err *e, int *rc)
{
    char *dst = in->out;
    size_t dstlen = in->out_cap;
    size_t srclen = len;
    size_t r = iconv((iconv_t)in->cd, &src, &srclen, &dst, &dstlen);
    int err = r == (size_t)-1 ? errno : 0;
    *rc = SK_OK;
    if (err == EINVAL) {
        /* An incomplete character at the end: carry it over. */
        in->ncarry = srclen;
        memcpy(in->carry, src, srclen);
    } else if (err == EILSEQ) {
        in->pending = SK_EPARSE;
        snprintf(in->pending_msg, sizeof in->pending_msg,
                 "invalid %s data (byte 0x%02X); check --encoding", in->enc_name,
                 (unsigned char)*src);
    } else if (err == E2BIG) {
        /* The output is full: the rest stays in the raw chunk for next time.
         * The carry (at most a few bytes) is always converted first. */
        in->raw_pos = in->raw_len - srclen;
        return (size_t)(dst - in->out);
    } else if (err) {
        *rc = imp_err_set(e, 0, 0, SK_EIO, "decoding %s: %s", in->enc_name, strerror(err));
    }
    in->raw_pos = in->raw_len;
    return (size_t)(dst - in->out);
}

int imp_input_read(imp_input *in, const char **p, size_t *n, imp_err *e)
{
    for (;;) {
        if (in->pending)
            return imp_err_set(e, 0, 0, in->pending, "%s", in->pending_msg);
        if (in->raw_pos >= in->raw_len) {
            ssize_t r = fill_raw(in, e);
            if (r < 0)
                return SK_EIO;
            if (!in->bom_done) {
                if (r == 0)
                    return imp_err_set(e, 0, 0, SK_EPARSE, "the file is empty");
                int rc = start_decoding(in, e);
                if (rc != SK_OK)
                    return rc;
            }
            if (r == 0) {
                if (in->ncarry)
                    return imp_err_set(e, 0, 0, SK_EPARSE,
                                       "truncated %s character at the end of the file",
                                       in->enc_name);
                return SK_DONE;
            }
        }
        size_t keep = in->ncarry;
        in->ncarry = 0;
        char *src = (char *)in->raw + CARRY_ROOM + in->raw_pos - keep;
        size_t len = in->raw_len - in->raw_pos + keep;
        const char *out;
        size_t got;
        if (in->use_iconv) {
            int rc;
            got = take_iconv(in, src, len, e, &rc);
            if (rc != SK_OK)
                return rc;
            out = in->out;
        } else {
            got = take_utf8(in, (const unsigned char *)src, len);
            in->raw_pos = in->raw_len;
            out = src;
        }
        got = cut_at_nul(in, out, got);
        if (got == 0)
            continue;
        *p = out;
        *n = got;
        return SK_OK;
    }
}
