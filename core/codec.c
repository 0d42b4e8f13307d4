/*
 * codec.c — the compact, versioned binary encodings of entity, link and
 * source records.
 *
 * Every record starts with a version byte (RECORD_V1; LINK_V2 for links,
 * whose fields at their defaults take no byte). Integers are
 * LEB128 varints (signed ones zig-zag encoded), reals are 8 bytes
 * little-endian IEEE 754, strings are a varint length then the bytes.
 * Decoding checks every length against the record size, so a damaged
 * record is SK_ECORRUPT, never a read past the end.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define RECORD_V1 1
/* Link records of case format 2: a field left at its default (offset 0,
 * no properties, no assertions) takes no byte, a flag says so. */
#define LINK_V2 2

/* What a link record holds beyond its ends and type. */
enum {
    LF_DIRECTED = 1, LF_TIME = 2, LF_WEIGHT = 4, LF_INTERVAL = 8,
    LF_OFFSET = 16, LF_PROPS = 32, LF_ASSERTS = 64,
};

/* ---- growing buffer ---- */

void sk__buf_free(sk_buf *b)
{
    free(b->p);
    *b = (sk_buf){0};
}

void sk__buf_reset(sk_buf *b)
{
    b->len = 0;
    b->oom = false;
}

static uint8_t *buf_room(sk_buf *b, size_t n)
{
    if (b->oom)
        return NULL;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return NULL;
        }
        b->p = p;
        b->cap = cap;
    }
    return b->p + b->len;
}

void sk__put_bytes(sk_buf *b, const void *src, size_t n)
{
    uint8_t *p = buf_room(b, n);
    if (p) {
        if (n)
            memcpy(p, src, n);
        b->len += n;
    }
}

void sk__put_uv(sk_buf *b, uint64_t v)
{
    if (!b->oom && b->cap - b->len >= 10) {
        /* Room for the longest varint: write in place. */
        uint8_t *p = b->p + b->len;
        while (v >= 0x80) {
            *p++ = (uint8_t)(v | 0x80);
            v >>= 7;
        }
        *p++ = (uint8_t)v;
        b->len = (size_t)(p - b->p);
        return;
    }
    uint8_t tmp[10];
    int n = 0;
    do {
        tmp[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            tmp[n] |= 0x80;
        n++;
    } while (v);
    sk__put_bytes(b, tmp, (size_t)n);
}

static void put_sv(sk_buf *b, int64_t v)
{
    sk__put_uv(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void put_real(sk_buf *b, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    uint8_t tmp[8];
    for (int i = 0; i < 8; i++)
        tmp[i] = (uint8_t)(u >> (8 * i));
    sk__put_bytes(b, tmp, 8);
}

void sk__put_str(sk_buf *b, const char *s, size_t n)
{
    sk__put_uv(b, n);
    sk__put_bytes(b, s, n);
}

/* ---- reader ---- */


uint64_t sk__get_uv(sk_rd *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) {
            r->bad = true;
            return 0;
        }
        uint8_t c = *r->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

static int64_t get_sv(sk_rd *r)
{
    uint64_t u = sk__get_uv(r);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

const uint8_t *sk__get_bytes(sk_rd *r, size_t n)
{
    if ((size_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    return p;
}

static double get_real(sk_rd *r)
{
    const uint8_t *p = sk__get_bytes(r, 8);
    if (!p)
        return 0;
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)p[i] << (8 * i);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

const char *sk__get_str(sk_rd *r, size_t *len)
{
    uint64_t n = sk__get_uv(r);
    const uint8_t *p = sk__get_bytes(r, (size_t)n);
    *len = p ? (size_t)n : 0;
    return p ? (const char *)p : "";
}

/* ---- values, properties, assertions ---- */

static void put_value(sk_buf *b, const sk_value *v)
{
    uint8_t tag = (uint8_t)v->type;
    sk__put_bytes(b, &tag, 1);
    switch (v->type) {
    case SK_V_NULL: break;
    case SK_V_STR: sk__put_str(b, v->u.str.ptr, v->u.str.len); break;
    case SK_V_INT: put_sv(b, v->u.i); break;
    case SK_V_ID: sk__put_uv(b, (uint64_t)v->u.i); break;
    case SK_V_REAL: put_real(b, v->u.r); break;
    case SK_V_TIME: put_sv(b, v->u.time.t); put_sv(b, v->u.time.off_min); break;
    case SK_V_GEO: put_real(b, v->u.geo.lat); put_real(b, v->u.geo.lon); break;
    case SK_V_BOOL: { uint8_t c = v->u.b; sk__put_bytes(b, &c, 1); } break;
    }
}

static void get_value(sk_rd *r, sk_value *v)
{
    const uint8_t *tag = sk__get_bytes(r, 1);
    *v = (sk_value){0};
    if (!tag)
        return;
    v->type = (sk_vtype)*tag;
    switch (v->type) {
    case SK_V_NULL: break;
    case SK_V_STR: v->u.str.ptr = sk__get_str(r, &v->u.str.len); break;
    case SK_V_INT: v->u.i = get_sv(r); break;
    case SK_V_ID: v->u.i = (int64_t)sk__get_uv(r); break;
    case SK_V_REAL: v->u.r = get_real(r); break;
    case SK_V_TIME:
        v->u.time.t = get_sv(r);
        v->u.time.off_min = (int16_t)get_sv(r);
        break;
    case SK_V_GEO:
        v->u.geo.lat = get_real(r);
        v->u.geo.lon = get_real(r);
        break;
    case SK_V_BOOL: {
        const uint8_t *c = sk__get_bytes(r, 1);
        v->u.b = c && *c;
    } break;
    default: r->bad = true;
    }
}

static void put_props(sk_buf *b, const sk_prop *p, size_t n)
{
    sk__put_uv(b, n);
    for (size_t i = 0; i < n; i++) {
        sk__put_uv(b, p[i].name);
        put_value(b, &p[i].value);
    }
}

static void put_asserts(sk_buf *b, const sk_assert *a, size_t n)
{
    sk__put_uv(b, n);
    for (size_t i = 0; i < n; i++) {
        sk__put_uv(b, a[i].source);
        sk__put_uv(b, a[i].grade);
    }
}

/* Counts are checked against the bytes left (each item takes at least two
 * bytes) before anything is allocated. */
static const sk_prop *get_props(sk_rd *r, sk_arena *a, size_t *n)
{
    uint64_t cnt = sk__get_uv(r);
    *n = 0;
    if (r->bad || cnt > (uint64_t)(r->end - r->p) / 2) {
        r->bad = r->bad || cnt > 0;
        return NULL;
    }
    if (cnt == 0)
        return NULL;
    sk_prop *p = sk_arena_alloc(a, (size_t)cnt * sizeof *p);
    if (!p) {
        r->bad = true;
        return NULL;
    }
    for (uint64_t i = 0; i < cnt && !r->bad; i++) {
        p[i].name = (sk_sym)sk__get_uv(r);
        get_value(r, &p[i].value);
    }
    *n = (size_t)cnt;
    return p;
}

static const sk_assert *get_asserts(sk_rd *r, sk_arena *a, size_t *n)
{
    uint64_t cnt = sk__get_uv(r);
    *n = 0;
    if (r->bad || cnt > (uint64_t)(r->end - r->p) / 2) {
        r->bad = r->bad || cnt > 0;
        return NULL;
    }
    if (cnt == 0)
        return NULL;
    sk_assert *s = sk_arena_alloc(a, (size_t)cnt * sizeof *s);
    if (!s) {
        r->bad = true;
        return NULL;
    }
    for (uint64_t i = 0; i < cnt && !r->bad; i++) {
        s[i].source = (sk_srcid)sk__get_uv(r);
        s[i].grade = (sk_sym)sk__get_uv(r);
    }
    *n = (size_t)cnt;
    return s;
}

static int finish(sk_buf *b)
{
    return b->oom ? SK_ENOMEM : SK_OK;
}

static int check(sk_rd *r)
{
    return r->bad || r->p != r->end ? SK_ECORRUPT : SK_OK;
}

static bool version_is(sk_rd *r, uint8_t want)
{
    const uint8_t *v = sk__get_bytes(r, 1);
    if (!v || *v != want) {
        r->bad = true;
        return false;
    }
    return true;
}

static bool version_ok(sk_rd *r) { return version_is(r, RECORD_V1); }

/* ---- entity ---- */

int sk__encode_entity(sk_buf *b, const sk_entity *e)
{
    sk__buf_reset(b);
    uint8_t v = RECORD_V1;
    sk__put_bytes(b, &v, 1);
    sk__put_uv(b, e->type);
    sk__put_str(b, e->key, e->key_len);
    sk__put_str(b, e->label, e->label_len);
    put_props(b, e->props, e->nprops);
    put_asserts(b, e->asserts, e->nasserts);
    return finish(b);
}

int sk__decode_entity(const uint8_t *p, size_t n, sk_arena *a, sk_entity *e)
{
    sk_rd r = {p, p + n, false};
    sk_id id = e->id;
    *e = (sk_entity){.id = id};
    if (!version_ok(&r))
        return SK_ECORRUPT;
    e->type = (sk_sym)sk__get_uv(&r);
    e->key = sk__get_str(&r, &e->key_len);
    e->label = sk__get_str(&r, &e->label_len);
    e->props = get_props(&r, a, &e->nprops);
    e->asserts = get_asserts(&r, a, &e->nasserts);
    return check(&r);
}

int sk__decode_entity_type(const uint8_t *p, size_t n, sk_sym *type)
{
    sk_rd r = {p, p + n, false};
    if (!version_ok(&r))
        return SK_ECORRUPT;
    *type = (sk_sym)sk__get_uv(&r);
    return r.bad ? SK_ECORRUPT : SK_OK;
}

int sk__decode_entity_key(const uint8_t *p, size_t n, sk_sym *type, const char **key,
                          size_t *len)
{
    sk_rd r = {p, p + n, false};
    if (!version_ok(&r))
        return SK_ECORRUPT;
    *type = (sk_sym)sk__get_uv(&r);
    *key = sk__get_str(&r, len);
    return r.bad ? SK_ECORRUPT : SK_OK;
}

/* ---- link ---- */

int sk__encode_link(sk_buf *b, const sk_link *l)
{
    sk__buf_reset(b);
    uint8_t v = LINK_V2;
    sk__put_bytes(b, &v, 1);
    bool timed = l->t_start != SK_NO_TIME;
    uint8_t flags = (l->directed ? LF_DIRECTED : 0) | (timed ? LF_TIME : 0) |
                    (l->weight != 1.0 ? LF_WEIGHT : 0) |
                    (timed && l->t_end != l->t_start ? LF_INTERVAL : 0) |
                    (timed && l->t_off ? LF_OFFSET : 0) | (l->nprops ? LF_PROPS : 0) |
                    (l->nasserts ? LF_ASSERTS : 0);
    sk__put_bytes(b, &flags, 1);
    sk__put_uv(b, l->src);
    sk__put_uv(b, l->dst);
    sk__put_uv(b, l->type);
    if (flags & LF_TIME)
        put_sv(b, l->t_start);
    if (flags & LF_OFFSET)
        put_sv(b, l->t_off);
    if (flags & LF_INTERVAL)
        put_sv(b, l->t_end - l->t_start);
    if (flags & LF_WEIGHT)
        put_real(b, l->weight);
    if (flags & LF_PROPS)
        put_props(b, l->props, l->nprops);
    if (flags & LF_ASSERTS)
        put_asserts(b, l->asserts, l->nasserts);
    return finish(b);
}

/* The fields before the properties; R is left at the properties, *FLAGS
 * gets the record's flags. */
static bool decode_link_head(sk_rd *r, sk_link *l, uint8_t *flags)
{
    sk_id id = l->id;
    *l = (sk_link){.id = id, .t_start = SK_NO_TIME, .t_end = SK_NO_TIME, .weight = 1.0};
    if (!version_is(r, LINK_V2))
        return false;
    const uint8_t *fp = sk__get_bytes(r, 1);
    *flags = fp ? *fp : 0;
    l->directed = *flags & LF_DIRECTED;
    l->src = sk__get_uv(r);
    l->dst = sk__get_uv(r);
    l->type = (sk_sym)sk__get_uv(r);
    if (*flags & LF_TIME)
        l->t_start = l->t_end = get_sv(r);
    if (*flags & LF_OFFSET)
        l->t_off = (int16_t)get_sv(r);
    if (*flags & LF_INTERVAL)
        l->t_end = l->t_start + get_sv(r);
    if (*flags & LF_WEIGHT)
        l->weight = get_real(r);
    return !r->bad;
}

int sk__decode_link_head(const uint8_t *p, size_t n, sk_link *l)
{
    sk_rd r = {p, p + n, false};
    uint8_t flags;
    return decode_link_head(&r, l, &flags) ? SK_OK : SK_ECORRUPT;
}

int sk__decode_link(const uint8_t *p, size_t n, sk_arena *a, sk_link *l)
{
    sk_rd r = {p, p + n, false};
    uint8_t flags;
    if (!decode_link_head(&r, l, &flags))
        return SK_ECORRUPT;
    if (flags & LF_PROPS) {
        l->props = get_props(&r, a, &l->nprops);
        r.bad = r.bad || l->nprops == 0;
    }
    if (flags & LF_ASSERTS) {
        l->asserts = get_asserts(&r, a, &l->nasserts);
        r.bad = r.bad || l->nasserts == 0;
    }
    return check(&r);
}

/* ---- source ---- */

int sk__encode_source(sk_buf *b, const sk_source *s)
{
    sk__buf_reset(b);
    uint8_t v = RECORD_V1;
    sk__put_bytes(b, &v, 1);
    const char *name = s->name ? s->name : "";
    const char *user = s->user ? s->user : "";
    const char *note = s->note ? s->note : "";
    sk__put_str(b, name, strlen(name));
    sk__put_bytes(b, s->sha256, 32);
    sk__put_uv(b, s->size);
    put_sv(b, s->time);
    sk__put_str(b, user, strlen(user));
    sk__put_uv(b, s->grade);
    sk__put_uv(b, s->handling);
    sk__put_str(b, note, strlen(note));
    return finish(b);
}

int sk__decode_source(const uint8_t *p, size_t n, sk_arena *a, sk_source *s)
{
    sk_rd r = {p, p + n, false};
    sk_srcid id = s->id;
    *s = (sk_source){.id = id};
    if (!version_ok(&r))
        return SK_ECORRUPT;
    size_t len;
    const char *str = sk__get_str(&r, &len);
    s->name = sk_arena_strndup(a, str, len);
    const uint8_t *h = sk__get_bytes(&r, 32);
    if (h)
        memcpy(s->sha256, h, 32);
    s->size = sk__get_uv(&r);
    s->time = get_sv(&r);
    str = sk__get_str(&r, &len);
    s->user = sk_arena_strndup(a, str, len);
    s->grade = (sk_sym)sk__get_uv(&r);
    s->handling = (sk_sym)sk__get_uv(&r);
    str = sk__get_str(&r, &len);
    s->note = sk_arena_strndup(a, str, len);
    if (!s->name || !s->user || !s->note)
        return SK_ENOMEM;
    return check(&r);
}
