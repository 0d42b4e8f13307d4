/*
 * ufdr.c — Cellebrite UFDR report.xml, read as a stream with expat so that a
 * report of gigabytes needs memory for one model at a time.
 *
 * What is read (element names without namespace prefix):
 *   project/metadata/item[@name]   device facts: DeviceInfoOwnerName, IMEI,
 *                                  MSISDN, DeviceInfoDetectedModel, …
 *   decodedData/modelType/model    top-level models: Call, SMS, Chat, Contact
 *     field[@name]/value           their fields (Direction, TimeStamp, Body …)
 *     multiModelField / modelField sub-models: Party (Identifier, Name, Role,
 *                                  IsPhoneOwner), InstantMessage in a Chat,
 *                                  PhoneNumber / EmailAddress in a Contact
 * Each becomes one record per other party with the fixed columns of
 * IMP_UFDR_COLUMNS: record (device, call, sms, chat, contact), the party
 * that is not the phone's owner, the direction as seen from the device,
 * and the device's own identity (self: its MSISDN, else its IMEI) so that
 * the spec can draw links from the device side. The device record comes
 * first, when decodedData starts. Other model types are not read.
 * Invariant: records are queued by the expat callbacks and handed out one
 * at a time; a value is capped at SK_IMPORT_FIELD_MAX bytes.
 */
#include <expat.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "import_int.h"

#define UF_BUF (256 * 1024)

/* Fields of a model that are kept. */
enum { F_DIRECTION, F_TIMESTAMP, F_STARTTIME, F_DURATION, F_STATUS, F_SOURCE, F_BODY,
       F_FOLDER, F_NAME, F_IDENTIFIER, F_ROLE, F_ISOWNER, F_VALUE, F_N };
static const char *const field_names[F_N] = {
    "Direction", "TimeStamp", "StartTime", "Duration", "Status", "Source", "Body",
    "Folder", "Name", "Identifier", "Role", "IsPhoneOwner", "Value"};

enum mtype { M_OTHER, M_CALL, M_SMS, M_CHAT, M_IM, M_CONTACT, M_PARTY, M_ENTRY };

typedef struct party {
    const char *id, *name, *role;   /* in the model's arena */
    bool owner;
    int slot;                       /* 0 Parties/Participants, 1 From, 2 To */
} party;

typedef struct model {
    enum mtype type;
    const char *mid, *deleted;
    const char *f[F_N];             /* field values (arena) */
    party *parties;
    size_t nparties, cap;
    const char **entries;           /* contact entries */
    size_t nentries, ecap;
    uint64_t line;
    int field_slot;                 /* how the parent holds it (see party.slot) */
    sk_arena *arena;
} model;

typedef struct qrec {
    uint64_t line;
    size_t off[IMP_UFDR_NCOLS];
    uint32_t len[IMP_UFDR_NCOLS];
} qrec;

struct imp_ufdr {
    XML_Parser p;
    char *buf;
    uint64_t bytes;
    bool eof, device_done, root_checked;
    int depth;
    int err;                        /* an error raised in a callback */
    imp_err e;
    /* Where we are. */
    bool in_meta;                   /* inside project-level metadata */
    int file_depth;                 /* > 0 inside taggedFiles (ignored) */
    char item[64];                  /* metadata item being read */
    int field;                      /* F_* of the field being read, -1 none */
    int fieldmodel;                 /* depth of the model that owns it */
    char sub[32];                   /* name of the enclosing (multi)modelField */
    bool collecting;
    char *text;
    size_t tlen, tcap;
    /* Models: at most three levels are kept (top, message, party/entry). */
    model m[4];
    int nm;
    char imei[64], msisdn[64], owner[256], devmodel[128], devname[256];
    /* Queue of records. */
    qrec *q;
    size_t qn, qcap, qhead;
    char *qb;
    size_t qblen, qbcap;
    imp_field out[IMP_UFDR_NCOLS];
};

uint64_t imp_ufdr_bytes(const imp_ufdr *u) { return u->bytes; }

void imp_ufdr_free(imp_ufdr *u)
{
    if (!u)
        return;
    if (u->p)
        XML_ParserFree(u->p);
    for (int i = 0; i < 4; i++)
        sk_arena_free(u->m[i].arena);
    free(u->buf);
    free(u->text);
    free(u->q);
    free(u->qb);
    free(u);
}

static void fail(imp_ufdr *u, int code, const char *msg)
{
    if (u->err)
        return;
    u->err = code;
    imp_err_set(&u->e, XML_GetCurrentLineNumber(u->p),
                (uint32_t)XML_GetCurrentColumnNumber(u->p) + 1, code, "%s", msg);
    XML_StopParser(u->p, XML_FALSE);
}

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

/* ---- The record queue --------------------------------------------------- */

static bool qput(imp_ufdr *u, qrec *r, int col, const char *s, size_t n)
{
    if (!s)
        return true;
    if (u->qblen + n > u->qbcap) {
        size_t cap = u->qbcap ? u->qbcap : 64 * 1024;
        while (cap < u->qblen + n)
            cap *= 2;
        char *nb = realloc(u->qb, cap);
        if (!nb)
            return false;
        u->qb = nb;
        u->qbcap = cap;
    }
    memcpy(u->qb + u->qblen, s, n);
    r->off[col] = u->qblen;
    r->len[col] = (uint32_t)n;
    u->qblen += n;
    return true;
}

static qrec *qnew(imp_ufdr *u, uint64_t line)
{
    if (u->qn == u->qcap) {
        size_t cap = u->qcap ? u->qcap * 2 : 16;
        qrec *nq = realloc(u->q, cap * sizeof *nq);
        if (!nq)
            return NULL;
        u->q = nq;
        u->qcap = cap;
    }
    qrec *r = &u->q[u->qn++];
    memset(r, 0, sizeof *r);
    r->line = line;
    return r;
}

static bool qstr(imp_ufdr *u, qrec *r, int col, const char *s)
{
    return !s || qput(u, r, col, s, strlen(s));
}

/* Adds the device columns to R. */
static bool qdevice(imp_ufdr *u, qrec *r)
{
    /* The device is keyed by its IMEI when the report has one; otherwise
     * it is an exhibit named by the report. */
    const char *devid = u->imei[0] ? u->imei : u->devname;
    const char *devkind = u->imei[0] ? "device" : "exhibit";
    const char *self = u->msisdn[0] ? u->msisdn : devid;
    const char *kind = u->msisdn[0] ? "phone" : devkind;
    return qstr(u, r, IMP_U_device_imei, u->imei) &&
           qstr(u, r, IMP_U_device_msisdn, u->msisdn) &&
           qstr(u, r, IMP_U_device_owner, u->owner) &&
           qstr(u, r, IMP_U_device_model, u->devmodel) &&
           qstr(u, r, IMP_U_device_name, u->devname) && qstr(u, r, IMP_U_device_id, devid) &&
           qstr(u, r, IMP_U_device_kind, devid[0] ? devkind : "") &&
           qstr(u, r, IMP_U_self, self) && qstr(u, r, IMP_U_self_kind, self[0] ? kind : "");
}

static void emit_device(imp_ufdr *u, uint64_t line)
{
    if (u->device_done)
        return;
    u->device_done = true;
    if (!u->imei[0] && !u->msisdn[0] && !u->owner[0] && !u->devname[0])
        return;
    if (!u->devname[0] && u->devmodel[0])
        snprintf(u->devname, sizeof u->devname, "%s", u->devmodel);
    qrec *r = qnew(u, line);
    if (!r || !qstr(u, r, IMP_U_record, "device") || !qdevice(u, r))
        fail(u, SK_ENOMEM, "out of memory");
}

/* Digits of S, for comparing phone numbers. */
static void digits_of(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++)
        if (*s >= '0' && *s <= '9')
            out[o++] = *s;
    out[o] = '\0';
}

static bool is_owner(const imp_ufdr *u, const party *p)
{
    if (p->owner)
        return true;
    if (!u->msisdn[0] || !p->id)
        return false;
    char a[64], b[64];
    digits_of(p->id, a, sizeof a);
    digits_of(u->msisdn, b, sizeof b);
    size_t la = strlen(a), lb = strlen(b);
    /* The same number written nationally or internationally. */
    return la >= 6 && lb >= 6 && strcmp(a + (la > 9 ? la - 9 : 0), b + (lb > 9 ? lb - 9 : 0)) == 0;
}

static const char *lower_dir(const char *d)
{
    if (!d)
        return NULL;
    if (!strcasecmp(d, "incoming") || !strcasecmp(d, "in") || !strcasecmp(d, "inbox"))
        return "incoming";
    if (!strcasecmp(d, "outgoing") || !strcasecmp(d, "out") || !strcasecmp(d, "sent") ||
        !strcasecmp(d, "outbox"))
        return "outgoing";
    return NULL;
}

/* One record for model M with other party P (NULL: none). */
static void emit(imp_ufdr *u, const model *m, const char *kind, const model *ctx,
                 const party *p, const char *dir)
{
    qrec *r = qnew(u, m->line);
    if (!r) {
        fail(u, SK_ENOMEM, "out of memory");
        return;
    }
    const char *time = m->f[F_TIMESTAMP] ? m->f[F_TIMESTAMP] : m->f[F_STARTTIME];
    const char *source = m->f[F_SOURCE] ? m->f[F_SOURCE] : ctx ? ctx->f[F_SOURCE] : NULL;
    bool ok = qstr(u, r, IMP_U_record, kind) && qstr(u, r, IMP_U_id, m->mid) &&
              qstr(u, r, IMP_U_source, source) && qstr(u, r, IMP_U_time, time) &&
              qstr(u, r, IMP_U_direction, dir) && qstr(u, r, IMP_U_status, m->f[F_STATUS]) &&
              qstr(u, r, IMP_U_duration, m->f[F_DURATION]) &&
              qstr(u, r, IMP_U_body, m->f[F_BODY]) && qstr(u, r, IMP_U_deleted, m->deleted) &&
              qdevice(u, r);
    if (ok && p && p->id && p->id[0]) {
        size_t n = strlen(p->id);
        const char *k = imp_party_kind(p->id, &n);
        ok = qput(u, r, IMP_U_party, p->id, n) && qstr(u, r, IMP_U_party_kind, k) &&
             qstr(u, r, IMP_U_party_name, p->name);
    }
    if (!ok)
        fail(u, SK_ENOMEM, "out of memory");
}

/* Calls and SMS: one record per party that is not the owner. */
static void emit_comm(imp_ufdr *u, const model *m, const char *kind)
{
    const char *dir = lower_dir(m->f[F_DIRECTION]);
    if (!dir)
        dir = lower_dir(m->f[F_FOLDER]);
    size_t n = 0;
    for (size_t i = 0; i < m->nparties; i++) {
        const party *p = &m->parties[i];
        if (is_owner(u, p))
            continue;
        const char *d = dir;
        if (!d && p->role)
            d = !strcasecmp(p->role, "From") ? "incoming" : !strcasecmp(p->role, "To")
                ? "outgoing" : NULL;
        emit(u, m, kind, NULL, p, d);
        n++;
    }
    if (n == 0)
        emit(u, m, kind, NULL, NULL, dir);
}

/* A chat message: from the owner to the others, or from one party in. */
static void emit_message(imp_ufdr *u, const model *im, const model *chat)
{
    const party *from = NULL;
    for (size_t i = 0; i < im->nparties; i++)
        if (im->parties[i].slot == 1)
            from = &im->parties[i];
    if (from && !is_owner(u, from)) {
        emit(u, im, "chat", chat, from, "incoming");
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < im->nparties; i++)
        if (im->parties[i].slot == 2 && !is_owner(u, &im->parties[i])) {
            emit(u, im, "chat", chat, &im->parties[i], "outgoing");
            n++;
        }
    for (size_t i = 0; n == 0 && chat && i < chat->nparties; i++)
        if (!is_owner(u, &chat->parties[i])) {
            emit(u, im, "chat", chat, &chat->parties[i], from ? "outgoing" : NULL);
            n++;
        }
    if (n == 0)
        emit(u, im, "chat", chat, NULL, from ? "outgoing" : NULL);
}

static void emit_contact(imp_ufdr *u, const model *m)
{
    for (size_t i = 0; i < m->nentries; i++) {
        party p = {.id = m->entries[i], .name = m->f[F_NAME]};
        emit(u, m, "contact", NULL, &p, NULL);
    }
    if (m->nentries == 0 && m->f[F_NAME]) {
        party p = {.name = m->f[F_NAME]};
        emit(u, m, "contact", NULL, &p, NULL);
    }
}

/* ---- expat callbacks ------------------------------------------------------ */

static enum mtype mtype_of(const char *t)
{
    static const struct { const char *n; enum mtype t; } map[] = {
        {"Call", M_CALL}, {"SMS", M_SMS}, {"Chat", M_CHAT}, {"InstantMessage", M_IM},
        {"Contact", M_CONTACT}, {"Party", M_PARTY}, {"PhoneNumber", M_ENTRY},
        {"EmailAddress", M_ENTRY}, {"UserID", M_ENTRY},
    };
    for (size_t i = 0; t && i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i].n, t))
            return map[i].t;
    return M_OTHER;
}

static const char *keep(imp_ufdr *u, sk_arena *a, const char *s, size_t n)
{
    char *c = sk_arena_strndup(a, s, n);
    if (!c)
        fail(u, SK_ENOMEM, "out of memory");
    return c;
}

static void start_model(imp_ufdr *u, const char **atts)
{
    enum mtype t = mtype_of(attr(atts, "type"));
    int parent = u->nm - 1;
    /* Keep top-level models of interest and the sub-models inside them. */
    bool wanted = parent < 0 ? (t == M_CALL || t == M_SMS || t == M_CHAT || t == M_CONTACT)
                             : (t == M_PARTY || t == M_ENTRY || t == M_IM);
    if (u->nm >= 4 || (parent >= 0 && u->m[parent].type == M_OTHER))
        wanted = false;
    if (u->nm >= 4) {
        u->nm++;
        return;
    }
    model *m = &u->m[u->nm++];
    sk_arena *a = m->arena;
    memset(m, 0, sizeof *m);
    if (!a)
        a = sk_arena_new();
    else
        sk_arena_reset(a);
    if (!a) {
        fail(u, SK_ENOMEM, "out of memory");
        return;
    }
    m->arena = a;
    m->type = wanted ? t : M_OTHER;
    m->line = XML_GetCurrentLineNumber(u->p);
    const char *id = attr(atts, "id"), *del = attr(atts, "deleted_state");
    if (id)
        m->mid = keep(u, a, id, strlen(id));
    if (del)
        m->deleted = keep(u, a, del, strlen(del));
    m->field_slot = !strcmp(u->sub, "From") ? 1 : !strcmp(u->sub, "To") ? 2 : 0;
}

/* Attaches the finished sub-model M to its parent P. */
static void attach(imp_ufdr *u, model *p, const model *m)
{
    if (m->type == M_PARTY) {
        if (p->nparties == p->cap) {
            size_t cap = p->cap ? p->cap * 2 : 8;
            if (cap > SK_IMPORT_COLUMNS_MAX) {
                fail(u, SK_ELIMIT, "too many parties in one model");
                return;
            }
            party *np = sk_arena_alloc(p->arena, cap * sizeof *np);
            if (!np) {
                fail(u, SK_ENOMEM, "out of memory");
                return;
            }
            if (p->nparties)
                memcpy(np, p->parties, p->nparties * sizeof *np);
            p->parties = np;
            p->cap = cap;
        }
        party *q = &p->parties[p->nparties++];
        const char *f[3] = {m->f[F_IDENTIFIER], m->f[F_NAME], m->f[F_ROLE]};
        const char *c[3];
        for (int i = 0; i < 3; i++)
            c[i] = f[i] ? keep(u, p->arena, f[i], strlen(f[i])) : NULL;
        q->id = c[0], q->name = c[1], q->role = c[2];
        q->owner = m->f[F_ISOWNER] && !strcasecmp(m->f[F_ISOWNER], "true");
        q->slot = m->field_slot;
        if (!q->slot && q->role)
            q->slot = !strcasecmp(q->role, "From") ? 1 : !strcasecmp(q->role, "To") ? 2 : 0;
    } else if (m->type == M_ENTRY && m->f[F_VALUE]) {
        if (p->nentries == p->ecap) {
            size_t cap = p->ecap ? p->ecap * 2 : 8;
            const char **ne = sk_arena_alloc(p->arena, cap * sizeof *ne);
            if (!ne) {
                fail(u, SK_ENOMEM, "out of memory");
                return;
            }
            if (p->nentries)
                memcpy(ne, p->entries, p->nentries * sizeof *ne);
            p->entries = ne;
            p->ecap = cap;
        }
        p->entries[p->nentries++] = keep(u, p->arena, m->f[F_VALUE], strlen(m->f[F_VALUE]));
    }
}

static void end_model(imp_ufdr *u)
{
    u->nm--;
    if (u->nm >= 4)
        return;
    model *m = &u->m[u->nm];
    model *parent = u->nm > 0 ? &u->m[u->nm - 1] : NULL;
    switch (m->type) {
    case M_CALL: emit_comm(u, m, "call"); break;
    case M_SMS: emit_comm(u, m, "sms"); break;
    case M_CONTACT: emit_contact(u, m); break;
    case M_IM:
        if (parent && parent->type == M_CHAT)
            emit_message(u, m, parent);
        break;
    case M_PARTY:
    case M_ENTRY:
        if (parent)
            attach(u, parent, m);
        break;
    default:
        break;
    }
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
    imp_ufdr *u = ud;
    const char *n = local(name);
    if (++u->depth > SK_IMPORT_XML_DEPTH_MAX) {
        fail(u, SK_ELIMIT, "XML nested too deeply");
        return;
    }
    if (!u->root_checked) {
        u->root_checked = true;
        if (strcmp(n, "project") != 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "not a Cellebrite report.xml: the root element is <%.60s>, "
                     "expected <project>", n);
            fail(u, SK_EPARSE, msg);
        }
        return;
    }
    if (u->file_depth || !strcmp(n, "taggedFiles")) {
        u->file_depth++;
        return;
    }
    if (!strcmp(n, "metadata") && u->nm == 0) {
        u->in_meta = true;
    } else if (!strcmp(n, "item") && u->in_meta) {
        const char *in = attr(atts, "name");
        snprintf(u->item, sizeof u->item, "%s", in ? in : "");
        u->collecting = true;
        u->tlen = 0;
    } else if (!strcmp(n, "decodedData")) {
        emit_device(u, XML_GetCurrentLineNumber(u->p));
    } else if (!strcmp(n, "model")) {
        start_model(u, atts);
    } else if (!strcmp(n, "modelField") || !strcmp(n, "multiModelField")) {
        const char *fn = attr(atts, "name");
        snprintf(u->sub, sizeof u->sub, "%s", fn ? fn : "");
    } else if (!strcmp(n, "field") && u->nm > 0 && u->nm <= 4) {
        const char *fn = attr(atts, "name");
        u->field = -1;
        for (int i = 0; fn && i < F_N; i++)
            if (!strcmp(field_names[i], fn))
                u->field = i;
        u->fieldmodel = u->nm;
    } else if (!strcmp(n, "value") && u->field >= 0 && u->fieldmodel == u->nm) {
        u->collecting = true;
        u->tlen = 0;
    }
}

static void XMLCALL on_end(void *ud, const char *name)
{
    imp_ufdr *u = ud;
    const char *n = local(name);
    u->depth--;
    if (u->file_depth) {
        u->file_depth--;
        return;
    }
    if (!strcmp(n, "metadata")) {
        u->in_meta = false;
    } else if (!strcmp(n, "item") && u->collecting) {
        u->collecting = false;
        static const struct { const char *item; size_t off, cap; } items[] = {
            {"DeviceInfoOwnerName", offsetof(imp_ufdr, owner), 256},
            {"IMEI", offsetof(imp_ufdr, imei), 64},
            {"MSISDN", offsetof(imp_ufdr, msisdn), 64},
            {"DeviceInfoDetectedModel", offsetof(imp_ufdr, devmodel), 128},
            {"DeviceInfoDetectedPhoneModel", offsetof(imp_ufdr, devmodel), 128},
            {"DeviceInfoSelectedDeviceName", offsetof(imp_ufdr, devname), 256},
            {"DeviceInfoDeviceName", offsetof(imp_ufdr, devname), 256},
        };
        const char *t = u->text ? u->text : "";
        size_t len = u->tlen;
        imp_trim(&t, &len);
        for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
            char *dst = (char *)u + items[i].off;
            if (!strcmp(items[i].item, u->item) && !dst[0])
                snprintf(dst, items[i].cap, "%.*s", (int)len, t);
        }
    } else if (!strcmp(n, "value") && u->collecting) {
        u->collecting = false;
        model *m = &u->m[u->nm - 1];
        if (!m->f[u->field]) {
            const char *t = u->text ? u->text : "";
            size_t len = u->tlen;
            imp_trim(&t, &len);
            m->f[u->field] = keep(u, m->arena, t, len);
        }
    } else if (!strcmp(n, "field")) {
        u->field = -1;
    } else if (!strcmp(n, "modelField") || !strcmp(n, "multiModelField")) {
        u->sub[0] = '\0';
    } else if (!strcmp(n, "model")) {
        end_model(u);
    } else if (!strcmp(n, "project")) {
        emit_device(u, XML_GetCurrentLineNumber(u->p));
    }
}

static void XMLCALL on_text(void *ud, const char *s, int len)
{
    imp_ufdr *u = ud;
    if (!u->collecting || len <= 0)
        return;
    if (u->tlen + (size_t)len > SK_IMPORT_FIELD_MAX) {
        fail(u, SK_ELIMIT, "field too large (a value of more than 1 MiB)");
        return;
    }
    if (u->tlen + (size_t)len + 1 > u->tcap) {
        size_t cap = u->tcap ? u->tcap * 2 : 4096;
        while (cap < u->tlen + (size_t)len + 1)
            cap *= 2;
        char *nt = realloc(u->text, cap);
        if (!nt) {
            fail(u, SK_ENOMEM, "out of memory");
            return;
        }
        u->text = nt;
        u->tcap = cap;
    }
    memcpy(u->text + u->tlen, s, (size_t)len);
    u->tlen += (size_t)len;
}

int imp_ufdr_open(imp_reader *r, imp_err *e)
{
    imp_ufdr *u = calloc(1, sizeof *u);
    if (!u)
        return imp_err_set(e, 0, 0, SK_ENOMEM, "out of memory");
    r->ufdr = u;
    u->field = -1;
    u->buf = malloc(UF_BUF);
    u->p = XML_ParserCreate(NULL);
    if (!u->buf || !u->p)
        return imp_err_set(e, 0, 0, SK_ENOMEM, "out of memory");
    XML_SetUserData(u->p, u);
    XML_SetElementHandler(u->p, on_start, on_end);
    XML_SetCharacterDataHandler(u->p, on_text);
    return SK_OK;
}

/* Parses the next chunk of the file. */
static int feed(imp_reader *r, imp_err *e)
{
    imp_ufdr *u = r->ufdr;
    ssize_t n = read(r->in.fd, u->buf, UF_BUF);
    if (n < 0)
        return imp_err_set(e, 0, 0, SK_EIO, "read error");
    u->bytes += (uint64_t)n;
    u->eof = n == 0;
    if (XML_Parse(u->p, u->buf, (int)n, u->eof) == XML_STATUS_ERROR) {
        if (u->err) {
            *e = u->e;
            return u->err;
        }
        return imp_err_set(e, XML_GetCurrentLineNumber(u->p),
                           (uint32_t)XML_GetCurrentColumnNumber(u->p) + 1, SK_EPARSE,
                           "not a well-formed report.xml: %s",
                           XML_ErrorString(XML_GetErrorCode(u->p)));
    }
    if (u->eof && !u->root_checked)
        return imp_err_set(e, 1, 1, SK_EPARSE, "not a Cellebrite report.xml: no element");
    return SK_OK;
}

int imp_ufdr_next(imp_reader *r, imp_record *rec, imp_err *e)
{
    imp_ufdr *u = r->ufdr;
    if (u->qhead == u->qn) {
        u->qhead = u->qn = 0;
        u->qblen = 0;
        while (u->qn == 0) {
            if (u->eof)
                return SK_DONE;
            int rc = feed(r, e);
            if (rc)
                return rc;
        }
    }
    const qrec *q = &u->q[u->qhead++];
    for (int i = 0; i < IMP_UFDR_NCOLS; i++) {
        u->out[i].p = q->len[i] ? u->qb + q->off[i] : "";
        u->out[i].n = q->len[i];
        u->out[i].line = q->line;
        u->out[i].col = 1;
    }
    rec->f = u->out;
    rec->n = IMP_UFDR_NCOLS;
    rec->line = q->line;
    return SK_OK;
}
