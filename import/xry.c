/*
 * xry.c — MSAB XRY text exports (calls, messages): UTF-16 with a BOM,
 * decoded by decode.c like any text file.
 *
 *   XRY Export                   header: this line, then the report type
 *   <blank or tool lines>        ("Calls", "Messages-SMS", …) and other lines
 *   Calls                        until the first entity line
 *
 *   Calls #	1                  an entity: "<Report> #<tab><n>", then
 *   Call Type:	Dialed             "Key:<tab>Value" lines, and namespace lines
 *   Time:	1/2/2019 1:23:45 PM UTC+1 (Device)   ("From", "To") that put the
 *   To                           following Tel/Number/Name under that party;
 *   Tel:	+447700900123          a blank line ends the entity
 *
 * The examined device is named by an "IMEI:" header line when there is one
 * (device_kind "device", keyed by IMEI), else by a "Device:" line or the
 * file name (device_kind "exhibit").
 * Each entity becomes one record with the fixed columns of IMP_XRY_COLUMNS:
 * the other party (party, party_name, party_kind) and direction are worked
 * out from the namespaces and the Direction / Call Type values; "(Device)"
 * and "(Network)" are dropped from times. A message text may run over
 * several lines. Unknown keys are ignored (they cannot be mapped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_int.h"

/* Internal slots beyond the public columns: the raw parties. */
enum { X_FROM = IMP_XRY_NCOLS, X_TO, X_NUM, X_FROMNAME, X_TONAME, X_NAME, X_DIRRAW,
       X_NSLOTS };

struct imp_xry {
    const char *chunk;
    size_t clen, cpos;
    bool eof;
    uint64_t line;            /* line number of the next line */
    char *l;                  /* the current line (NUL-terminated) */
    size_t ln, lcap;
    uint64_t lline;           /* its number */
    bool held;                /* the current line is not consumed yet */
    char report[64];
    char device[256];
    bool device_imei;         /* the device is named by its IMEI */
    char *v;                  /* values of the current entity */
    size_t vn, vcap;
    size_t off[X_NSLOTS], len[X_NSLOTS];
    uint64_t vline[X_NSLOTS];
    uint32_t vcol[X_NSLOTS];
    bool set[X_NSLOTS];
    char scratch[64];
    imp_field out[IMP_XRY_NCOLS];
};

void imp_xry_free(imp_xry *x)
{
    if (!x)
        return;
    free(x->l);
    free(x->v);
    free(x);
}

/* Reads the next line into x->l. SK_DONE at the end. */
static int read_line(imp_reader *r, imp_err *e)
{
    imp_xry *x = r->xry;
    if (x->held) {
        x->held = false;
        return SK_OK;
    }
    x->ln = 0;
    bool got = false;
    for (;;) {
        if (x->cpos >= x->clen) {
            if (x->eof)
                break;
            int rc = imp_input_read(&r->in, &x->chunk, &x->clen, e);
            if (rc == SK_DONE) {
                x->eof = true;
                break;
            }
            if (rc) {
                if (!e->line) {
                    e->line = x->line;
                    e->col = 1;
                }
                return rc;
            }
            x->cpos = 0;
            continue;
        }
        got = true;
        char c = x->chunk[x->cpos++];
        if (c == '\n' || c == '\r') {
            if (c == '\r' && x->cpos < x->clen && x->chunk[x->cpos] == '\n')
                x->cpos++;
            break;
        }
        if (x->ln + 2 > x->lcap) {
            size_t cap = x->lcap ? x->lcap * 2 : 256;
            if (cap > SK_IMPORT_FIELD_MAX + 2)
                return imp_err_set(e, x->line, 1, SK_ELIMIT, "line too large (more than %u "
                                   "bytes)", (unsigned)SK_IMPORT_FIELD_MAX);
            char *nl = realloc(x->l, cap);
            if (!nl)
                return imp_err_set(e, x->line, 1, SK_ENOMEM, "out of memory");
            x->l = nl;
            x->lcap = cap;
        }
        x->l[x->ln++] = c;
    }
    if (!got && x->eof)
        return SK_DONE;
    if (!x->l) {
        x->l = malloc(16);
        x->lcap = 16;
        if (!x->l)
            return imp_err_set(e, x->line, 1, SK_ENOMEM, "out of memory");
    }
    x->l[x->ln] = '\0';
    x->lline = x->line++;
    return SK_OK;
}

static bool blank(const char *s)
{
    return s[strspn(s, " \t")] == '\0';
}

/* "Calls #<tab>12": the start of an entity. */
static bool entity_start(const char *s)
{
    const char *h = strstr(s, " #");
    if (!h || h == s)
        return false;
    h += 2;
    h += strspn(h, " \t");
    size_t d = strspn(h, "0123456789");
    return d > 0 && blank(h + d);
}

static size_t chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static int put(imp_xry *x, int slot, const char *s, size_t n, uint64_t line, uint32_t col,
               imp_err *e)
{
    /* S may point into x->v itself (a value copied to another slot). */
    bool inside = x->v && s >= x->v && s < x->v + x->vcap;
    size_t soff = inside ? (size_t)(s - x->v) : 0;
    if (x->vn + n + 2 > x->vcap) {
        size_t cap = x->vcap ? x->vcap : 1024;
        while (cap < x->vn + n + 2)
            cap *= 2;
        char *nv = realloc(x->v, cap);
        if (!nv)
            return imp_err_set(e, line, col, SK_ENOMEM, "out of memory");
        x->v = nv;
        x->vcap = cap;
        if (inside)
            s = nv + soff;
    }
    if (x->set[slot] && slot == IMP_X_text) {
        /* A continuation of a message text. */
        if (x->off[slot] + x->len[slot] == x->vn) {
            x->v[x->vn++] = '\n';
            memcpy(x->v + x->vn, s, n);
            x->vn += n;
            x->len[slot] += n + 1;
            if (x->len[slot] > SK_IMPORT_FIELD_MAX)
                return imp_err_set(e, line, col, SK_ELIMIT, "field too large (more than %u "
                                   "bytes)", (unsigned)SK_IMPORT_FIELD_MAX);
            return SK_OK;
        }
    }
    x->off[slot] = x->vn;
    x->len[slot] = n;
    x->vline[slot] = line;
    x->vcol[slot] = col;
    x->set[slot] = true;
    memcpy(x->v + x->vn, s, n);
    x->vn += n;
    return SK_OK;
}

/* The slot of KEY in namespace NS (0 none, 1 from, 2 to), or -1. */
static int slot_of(const char *key, size_t n, int ns)
{
    static const struct { const char *k; int slot; } keys[] = {
        {"time", IMP_X_time}, {"date", IMP_X_time}, {"date/time", IMP_X_time},
        {"direction", X_DIRRAW}, {"call type", IMP_X_call_type}, {"type", IMP_X_call_type},
        {"duration", IMP_X_duration}, {"text", IMP_X_text}, {"message", IMP_X_text},
        {"status", IMP_X_status}, {"deleted", IMP_X_deleted}, {"storage", IMP_X_storage},
        {"index", IMP_X_index}, {"folder", IMP_X_status},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i].k) == n && strncasecmp(key, keys[i].k, n) == 0)
            return keys[i].slot;
    bool number = (n == 3 && !strncasecmp(key, "tel", 3)) ||
                  (n == 6 && !strncasecmp(key, "number", 6)) ||
                  (n == 9 && !strncasecmp(key, "telephone", 9));
    bool name = (n == 4 && !strncasecmp(key, "name", 4)) ||
                (n == 14 && !strncasecmp(key, "name (matched)", 14));
    if (n == 4 && !strncasecmp(key, "from", 4))
        return X_FROM;
    if (n == 2 && !strncasecmp(key, "to", 2))
        return X_TO;
    if (number)
        return ns == 1 ? X_FROM : ns == 2 ? X_TO : X_NUM;
    if (name)
        return ns == 1 ? X_FROMNAME : ns == 2 ? X_TONAME : X_NAME;
    return -1;
}

static int namespace_of(const char *s)
{
    const char *p = s + strspn(s, " \t");
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if ((n == 4 && !strncasecmp(p, "from", 4)) || (n == 6 && !strncasecmp(p, "sender", 6)))
        return 1;
    if ((n == 2 && !strncasecmp(p, "to", 2)) || (n == 9 && !strncasecmp(p, "recipient", 9)) ||
        (n == 11 && !strncasecmp(p, "participant", 11)))
        return 2;
    return 0;
}

int imp_xry_open(imp_reader *r, imp_err *e)
{
    imp_xry *x = calloc(1, sizeof *x);
    if (!x)
        return imp_err_set(e, 0, 0, SK_ENOMEM, "out of memory");
    r->xry = x;
    x->line = 1;
    int rc;
    bool found = false;
    for (int i = 0; i < 20 && !found; i++) {
        if ((rc = read_line(r, e)) == SK_DONE)
            break;
        if (rc)
            return rc;
        const char *p = x->l + strspn(x->l, " \t");
        found = strncasecmp(p, "xry export", 10) == 0 && blank(p + 10);
    }
    if (!found)
        return imp_err_set(e, 1, 1, SK_EPARSE, "not an XRY export: no 'XRY Export' line at "
                           "the top of the file");
    /* The header runs until the first entity line. */
    for (;;) {
        rc = read_line(r, e);
        if (rc == SK_DONE)
            break;
        if (rc)
            return rc;
        if (entity_start(x->l)) {
            x->held = true;
            break;
        }
        const char *p = x->l + strspn(x->l, " \t");
        if (!*p)
            continue;
        const char *colon = strchr(p, ':');
        if (!x->report[0] && !colon) {
            size_t n = strcspn(p, "\t");
            while (n && p[n - 1] == ' ')
                n--;
            for (size_t i = 0; i < n && i + 1 < sizeof x->report; i++)
                x->report[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
        } else if (colon && !strncasecmp(p, "imei", 4)) {
            const char *v = colon + 1 + strspn(colon + 1, " \t");
            snprintf(x->device, sizeof x->device, "%s", v);
            x->device_imei = true;
        } else if (colon && !x->device_imei &&
                   (!strncasecmp(p, "device", 6) || !strncasecmp(p, "phone", 5))) {
            const char *v = colon + 1 + strspn(colon + 1, " \t");
            snprintf(x->device, sizeof x->device, "%s", v);
        }
    }
    if (!x->device[0]) {
        const char *base = strrchr(r->path, '/');
        base = base ? base + 1 : r->path;
        snprintf(x->device, sizeof x->device, "%s", base);
        char *dot = strrchr(x->device, '.');
        if (dot && dot != x->device)
            *dot = '\0';
    }
    return SK_OK;
}

static bool has(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (strncasecmp(s, word, n) == 0)
            return true;
    return false;
}

/* Works out party, direction and kind, and points the record at the values. */
static int finish(imp_reader *r, imp_record *rec, uint64_t start, imp_err *e)
{
    imp_xry *x = r->xry;
    char dir[16] = "";
    int raw = x->set[X_DIRRAW] ? X_DIRRAW : x->set[IMP_X_call_type] ? IMP_X_call_type : -1;
    if (raw >= 0) {
        char d[64];
        snprintf(d, sizeof d, "%.*s", (int)x->len[raw], x->v + x->off[raw]);
        if (has(d, "incoming") || has(d, "received") || has(d, "missed") ||
            has(d, "inbox") || has(d, "read"))
            snprintf(dir, sizeof dir, "incoming");
        if (has(d, "outgoing") || has(d, "dialed") || has(d, "dialled") || has(d, "sent") ||
            has(d, "outbox"))
            snprintf(dir, sizeof dir, "outgoing");
    }
    if (!dir[0] && x->set[X_FROM] != x->set[X_TO])
        snprintf(dir, sizeof dir, "%s", x->set[X_FROM] ? "incoming" : "outgoing");
    int party = -1, pname = -1;
    if (!strcmp(dir, "incoming")) {
        party = x->set[X_FROM] ? X_FROM : X_NUM;
        pname = x->set[X_FROMNAME] ? X_FROMNAME : X_NAME;
    } else if (!strcmp(dir, "outgoing")) {
        party = x->set[X_TO] ? X_TO : X_NUM;
        pname = x->set[X_TONAME] ? X_TONAME : X_NAME;
    } else {
        party = x->set[X_NUM] ? X_NUM : x->set[X_FROM] ? X_FROM : X_TO;
        pname = X_NAME;
    }
    int rc = SK_OK;
    if (x->set[party])
        rc = put(x, IMP_X_party, x->v + x->off[party], x->len[party], x->vline[party],
                 x->vcol[party], e);
    if (!rc && x->set[pname])
        rc = put(x, IMP_X_party_name, x->v + x->off[pname], x->len[pname], x->vline[pname],
                 x->vcol[pname], e);
    if (!rc && dir[0])
        rc = put(x, IMP_X_direction, dir, strlen(dir), start, 1, e);
    if (!rc && x->set[IMP_X_party]) {
        size_t n = x->len[IMP_X_party];
        const char *kind = imp_party_kind(x->v + x->off[IMP_X_party], &n);
        x->len[IMP_X_party] = n;
        rc = put(x, IMP_X_party_kind, kind, strlen(kind), start, 1, e);
    }
    if (!rc)
        rc = put(x, IMP_X_record, x->report, strlen(x->report), start, 1, e);
    if (!rc)
        rc = put(x, IMP_X_device, x->device, strlen(x->device), start, 1, e);
    if (!rc) {
        const char *dk = x->device_imei ? "device" : "exhibit";
        rc = put(x, IMP_X_device_kind, dk, strlen(dk), start, 1, e);
    }
    if (rc)
        return rc;
    if (x->set[IMP_X_time]) {
        /* Drop "(Device)" / "(Network)" after the time. */
        const char *t = x->v + x->off[IMP_X_time];
        const char *paren = memchr(t, '(', x->len[IMP_X_time]);
        if (paren)
            x->len[IMP_X_time] = (size_t)(paren - t);
    }
    for (int i = 0; i < IMP_XRY_NCOLS; i++) {
        x->out[i].p = x->set[i] ? x->v + x->off[i] : "";
        x->out[i].n = x->set[i] ? (uint32_t)x->len[i] : 0;
        x->out[i].line = x->set[i] ? x->vline[i] : start;
        x->out[i].col = x->set[i] ? x->vcol[i] : 1;
    }
    rec->f = x->out;
    rec->n = IMP_XRY_NCOLS;
    rec->line = start;
    return SK_OK;
}

int imp_xry_next(imp_reader *r, imp_record *rec, imp_err *e)
{
    imp_xry *x = r->xry;
    int rc;
    /* Find the next entity line. */
    for (;;) {
        rc = read_line(r, e);
        if (rc)
            return rc;
        if (entity_start(x->l))
            break;
        if (!blank(x->l))
            return imp_err_set(e, x->lline, 1, SK_EPARSE, "expected an entity line like "
                               "'Calls #\t1'");
    }
    uint64_t start = x->lline;
    memset(x->set, 0, sizeof x->set);
    x->vn = 0;
    int ns = 0, last = -1;
    for (;;) {
        rc = read_line(r, e);
        if (rc == SK_DONE)
            break;
        if (rc)
            return rc;
        if (blank(x->l))
            break;
        if (entity_start(x->l)) {
            x->held = true;
            break;
        }
        char *colon = strchr(x->l, ':');
        /* "Time: 10:22" has a colon in its value: the key is before the first. */
        if (!colon || (colon[1] != '\t' && colon[1] != ' ' && colon[1] != '\0' &&
                       last == IMP_X_text)) {
            int n = namespace_of(x->l);
            if (n) {
                ns = n;
                last = -1;
            } else if (last == IMP_X_text && (rc = put(x, IMP_X_text, x->l, x->ln, x->lline,
                                                       1, e))) {
                return rc;
            }
            continue;
        }
        const char *key = x->l + strspn(x->l, " \t");
        size_t klen = (size_t)(colon - key);
        while (klen && (key[klen - 1] == ' ' || key[klen - 1] == '\t'))
            klen--;
        const char *val = colon + 1 + strspn(colon + 1, " \t");
        size_t vlen = strlen(val);
        while (vlen && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
            vlen--;
        int slot = slot_of(key, klen, ns);
        last = slot;
        if (slot < 0 || vlen == 0)
            continue;
        uint32_t col = (uint32_t)chars(x->l, (size_t)(val - x->l)) + 1;
        if ((rc = put(x, slot, val, vlen, x->lline, col, e)))
            return rc;
    }
    return finish(r, rec, start, e);
}
