/*
 * complete.c — what TAB offers in the shell.
 *
 * Given the line being edited and the word under the cursor, this file
 * decides what kind of word is wanted and lists the candidates; repl.c
 * hands them to readline. Nothing here depends on readline, so the rules
 * can be exercised without a terminal.
 *
 * The rules, first match wins:
 * - the first word of a line starting with '.': the dot-commands; later
 *   words: what that command takes (its cli_argkind);
 * - inside "quotes": after an entity type, the labels of that type's
 *   entities starting with the text (the label index, by prefix; at most
 *   CLI_COMPLETE_MAX); after an export format, file names; after `from`
 *   (the source of a manual entry), source names; otherwise labels of any
 *   type;
 * - `(v:` and after `find`, `of`, `only`, `duplicates`, `create`: entity
 *   types; `-[`, `[v:` and after `via`: link types; `x.` before the word:
 *   property names qualified by x;
 * - anywhere else: keywords, entity types, link types and property names.
 * A list after a keyword (`via knows, cal`) counts as following the keyword.
 * Matching ignores case; labels come back as stored, with `"` and `\`
 * escaped for the string they complete.
 */
#include "cli.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- Candidate lists ---------------------------------------------------- */

void cli_cands_free(cli_cands *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i]);
    free(c->v);
    *c = (cli_cands){0};
}

/* Adds PRE + S[0..LEN) unless present; SK_ENOMEM on failure. */
static int cand_add(cli_cands *c, const char *pre, const char *s, size_t len)
{
    size_t pl = strlen(pre);
    for (size_t i = 0; i < c->n; i++)
        if (strlen(c->v[i]) == pl + len && !strncmp(c->v[i], pre, pl) &&
            !strncmp(c->v[i] + pl, s, len))
            return SK_OK;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        char **v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return SK_ENOMEM;
        c->v = v;
        c->cap = cap;
    }
    char *d = malloc(pl + len + 1);
    if (!d)
        return SK_ENOMEM;
    memcpy(d, pre, pl);
    memcpy(d + pl, s, len);
    d[pl + len] = '\0';
    c->v[c->n++] = d;
    return SK_OK;
}

static bool has_prefix(const char *s, size_t len, const char *p, size_t plen)
{
    return plen <= len && strncasecmp(s, p, plen) == 0;
}

/* Adds the words of a static list that start with P. */
static int add_words(cli_cands *c, const char *const *w, size_t n, const char *p, size_t plen)
{
    int rc = SK_OK;
    for (size_t i = 0; i < n && rc == SK_OK; i++)
        if (has_prefix(w[i], strlen(w[i]), p, plen))
            rc = cand_add(c, "", w[i], strlen(w[i]));
    return rc;
}

/* ---- Names from the case ------------------------------------------------ */

typedef struct name_ctx {
    cli_cands *c;
    const char *pre;            /* qualifier put back in front ("l.") */
    const char *p;              /* prefix wanted */
    size_t plen;
    int rc;
} name_ctx;

static int name_cb(const char *name, size_t len, sk_sym sym, void *ctx)
{
    (void)sym;
    name_ctx *n = ctx;
    if (has_prefix(name, len, n->p, n->plen))
        n->rc = cand_add(n->c, n->pre, name, len);
    return n->rc != SK_OK;
}

static int add_names(sk_txn *t, enum sk_dict d, cli_cands *c, const char *pre, const char *p,
                     size_t plen)
{
    name_ctx n = {c, pre, p, plen, SK_OK};
    int rc = sk_name_each(t, d, name_cb, &n);
    return n.rc ? n.rc : rc;
}

/* Labels of entities of TYPE (0 = any) whose folded label starts with P,
 * escaped for a double-quoted string. */
static int add_labels(sk_txn *t, sk_sym type, cli_cands *c, const char *p, size_t plen)
{
    sk_idcur *cur;
    int rc = sk_scan_prop(t, type, 0, p, plen, true, &cur);
    if (rc)
        return rc == SK_EINVAL ? SK_OK : rc; /* text that cannot be folded: no match */
    sk_arena *a = sk_arena_new();
    if (!a) {
        sk_idcur_close(cur);
        return SK_ENOMEM;
    }
    sk_id id;
    while (c->n < CLI_COMPLETE_MAX && (rc = sk_idcur_next(cur, &id)) == SK_OK) {
        sk_entity e;
        if (sk_entity_get(t, id, a, &e) != SK_OK || !e.label_len)
            continue;
        /* Escaping at most doubles the length. */
        char *esc = malloc(2 * e.label_len + 1);
        if (!esc) {
            rc = SK_ENOMEM;
            break;
        }
        size_t n = 0;
        for (size_t i = 0; i < e.label_len; i++) {
            if (e.label[i] == '"' || e.label[i] == '\\')
                esc[n++] = '\\';
            esc[n++] = e.label[i];
        }
        rc = cand_add(c, "", esc, n);
        free(esc);
        sk_arena_reset(a);
        if (rc)
            break;
    }
    sk_idcur_close(cur);
    sk_arena_free(a);
    return rc == SK_DONE ? SK_OK : rc;
}

typedef struct src_ctx {
    cli_cands *c;
    const char *p;
    size_t plen;
    int rc;
} src_ctx;

static int source_cb(const sk_source *s, void *ctx)
{
    src_ctx *x = ctx;
    if (s->name && has_prefix(s->name, strlen(s->name), x->p, x->plen))
        x->rc = cand_add(x->c, "", s->name, strlen(s->name));
    return x->rc != SK_OK || x->c->n >= CLI_COMPLETE_MAX;
}

static int add_sources(sk_txn *t, cli_cands *c, const char *p, size_t plen)
{
    sk_arena *a = sk_arena_new();
    if (!a)
        return SK_ENOMEM;
    src_ctx x = {c, p, plen, SK_OK};
    int rc = sk_source_each(t, a, source_cb, &x);
    sk_arena_free(a);
    return x.rc ? x.rc : rc;
}

/* ---- Reading the line backwards ------------------------------------------ */

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* The word ending before AT (blanks skipped) in *W, *WLEN; returns its
 * start, or AT with *WLEN 0 when no word is there. */
static size_t word_before(const char *line, size_t at, const char **w, size_t *wlen)
{
    size_t e = at;
    while (e > 0 && (line[e - 1] == ' ' || line[e - 1] == '\t'))
        e--;
    size_t s = e;
    while (s > 0 && word_char(line[s - 1]))
        s--;
    *w = line + s;
    *wlen = e - s;
    return *wlen ? s : at;
}

/* The keyword governing a list the cursor is in: the word before the
 * run of "name ," pairs that ends at AT. */
static void governing_word(const char *line, size_t at, const char **w, size_t *wlen)
{
    size_t p = at;
    for (;;) {
        size_t e = p;
        while (e > 0 && (line[e - 1] == ' ' || line[e - 1] == '\t'))
            e--;
        if (e == 0 || line[e - 1] != ',') {
            word_before(line, p, w, wlen);
            return;
        }
        const char *x;
        size_t xl;
        p = word_before(line, e - 1, &x, &xl);
        if (!xl) {
            *wlen = 0;
            return;
        }
    }
}

static bool is_word(const char *w, size_t len, const char *k)
{
    return strlen(k) == len && strncasecmp(w, k, len) == 0;
}

static bool in_set(const char *w, size_t len, const char *const *set)
{
    for (; *set; set++)
        if (is_word(w, len, *set))
            return true;
    return false;
}

/* Kinds of word the rules above can ask for. */
typedef enum want {
    WANT_ANY, WANT_ETYPE, WANT_LTYPE, WANT_PROP,
} want;

/* What the unquoted word at START calls for; *QUAL gets the length of a
 * "x." qualifier at the start of the word. */
static want unquoted_want(const char *line, size_t start, size_t end, size_t *qual)
{
    static const char *const etype_words[] = {"find", "of", "only", "duplicates", "create",
                                              NULL};
    static const char *const ltype_words[] = {"via", NULL};
    *qual = 0;
    for (size_t i = end; i > start; i--)
        if (line[i - 1] == '.') {
            *qual = i - start;
            return WANT_PROP;
        }
    if (start > 0 && line[start - 1] == '[')
        return WANT_LTYPE;
    if (start > 0 && line[start - 1] == ':') {
        for (size_t i = start - 1; i > 0; i--) {
            if (line[i - 1] == '(')
                return WANT_ETYPE;
            if (line[i - 1] == '[')
                return WANT_LTYPE;
            if (line[i - 1] == ')' || line[i - 1] == ']')
                break;
        }
    }
    const char *w;
    size_t wl;
    governing_word(line, start, &w, &wl);
    if (in_set(w, wl, etype_words))
        return WANT_ETYPE;
    if (in_set(w, wl, ltype_words))
        return WANT_LTYPE;
    return WANT_ANY;
}

static int complete_unquoted(sk_txn *t, const char *line, size_t start, size_t end,
                             cli_cands *out)
{
    size_t qual;
    want k = unquoted_want(line, start, end, &qual);
    char pre[128] = "";
    if (qual && qual < sizeof pre)
        memcpy(pre, line + start, qual), pre[qual] = '\0';
    const char *p = line + start + qual;
    size_t plen = end - start - qual;
    /* Inside a pattern a ')' or ']' follows the name, not a blank. */
    out->no_space = start > 0 && (line[start - 1] == ':' || line[start - 1] == '[');
    switch (k) {
    case WANT_ETYPE: {
        int rc = add_names(t, SK_DICT_ETYPE, out, "", p, plen);
        const char *w;
        size_t wl;
        word_before(line, start, &w, &wl);
        if (rc == SK_OK && is_word(w, wl, "find") && has_prefix("link", 4, p, plen))
            rc = cand_add(out, "", "link", 4);
        return rc;
    }
    case WANT_LTYPE:
        return add_names(t, SK_DICT_LTYPE, out, "", p, plen);
    case WANT_PROP:
        return add_names(t, SK_DICT_PROP, out, pre, p, plen);
    case WANT_ANY:
        break;
    }
    size_t nw;
    const char *const *w = sk_query_keywords(&nw);
    int rc = add_words(out, w, nw, p, plen);
    if (rc == SK_OK)
        rc = add_names(t, SK_DICT_ETYPE, out, "", p, plen);
    if (rc == SK_OK)
        rc = add_names(t, SK_DICT_LTYPE, out, "", p, plen);
    if (rc == SK_OK)
        rc = add_names(t, SK_DICT_PROP, out, "", p, plen);
    return rc;
}

/* Inside "…": what the word before the opening quote asks for. */
static int complete_quoted(sk_txn *t, const char *line, size_t start, size_t end,
                           cli_cands *out)
{
    size_t q = start > 0 && line[start - 1] == '"' ? start - 1 : start;
    const char *w;
    size_t wl;
    word_before(line, q, &w, &wl);
    const char *p = line + start;
    size_t plen = end - start;
    sk_export_format f;
    char word[64];
    if (wl && wl < sizeof word) {
        memcpy(word, w, wl);
        word[wl] = '\0';
        if (sk_export_format_parse(word, &f) == SK_OK) {
            out->files = true;
            return SK_OK;
        }
    }
    if (is_word(w, wl, "title"))
        return SK_OK;
    if (is_word(w, wl, "from"))
        return add_sources(t, out, p, plen);
    sk_sym type = 0;
    if (wl && sk_name_intern(t, SK_DICT_ETYPE, w, wl, false, &type) != SK_OK)
        type = 0;
    return add_labels(t, type, out, p, plen);
}

/* ---- Dot-commands ------------------------------------------------------- */

static int add_dot_names(cli_cands *out, const char *p, size_t plen)
{
    size_t n;
    const cli_dot *d = cli_dots(&n);
    int rc = SK_OK;
    for (size_t i = 0; i < n && rc == SK_OK; i++)
        if (has_prefix(d[i].name, strlen(d[i].name), p, plen))
            rc = cand_add(out, "", d[i].name, strlen(d[i].name));
    return rc;
}

/* An argument of dot-command CMD; FIRST_ARG when no argument precedes it,
 * PREV the word before it. */
static int dot_argument(const cli_dot *cmd, bool first_arg, const char *prev, size_t pl,
                        const char *p, size_t plen, cli_cands *out)
{
    static const char *const modes[] = {"table", "csv", "json"};
    static const char *const onoff[] = {"on", "off"};
    static const char *const verify[] = {"verify"};
    static const char *const formats[] = {
#define SK_X_NAME(id, name, ext, chart) name,
        SK_EXPORT_FORMATS(SK_X_NAME)
#undef SK_X_NAME
    };
    size_t n = 0;
    int rc = SK_OK;
    switch (cmd->complete) {
    case CLI_ARG_NONE:
        break;
    case CLI_ARG_MODE:
        rc = add_words(out, modes, 3, p, plen);
        break;
    case CLI_ARG_ONOFF:
        rc = add_words(out, onoff, 2, p, plen);
        break;
    case CLI_ARG_VERIFY:
        if (first_arg)
            rc = add_words(out, verify, 1, p, plen);
        break;
    case CLI_ARG_TOPIC: {
        const char *const *topics = cli_help_topics(&n);
        rc = add_words(out, topics, n, p, plen);
        if (rc == SK_OK)
            rc = add_dot_names(out, p, plen);
        break;
    }
    case CLI_ARG_EXPORT:
        /* A format first, unless what is typed already looks like a path. */
        if (first_arg && !memchr(p, '/', plen) && !memchr(p, '.', plen))
            rc = add_words(out, formats, sizeof formats / sizeof formats[0], p, plen);
        out->files = true;
        break;
    case CLI_ARG_FILES: {
        /* After --spec: the built-in specifications, else files. */
        bool spec = pl == 4 && !strncmp(prev, "spec", 4) && prev[-1] == '-' && prev[-2] == '-';
        const sk_import_builtin *bi = spec ? sk_import_builtins(&n) : NULL;
        for (size_t i = 0; bi && i < n && rc == SK_OK; i++)
            if (has_prefix(bi[i].name, strlen(bi[i].name), p, plen))
                rc = cand_add(out, "", bi[i].name, strlen(bi[i].name));
        out->files = true;
        break;
    }
    }
    return rc;
}

/* A line starting with '.': the command name, then its arguments. */
static int complete_dot(const char *line, size_t start, size_t end, cli_cands *out)
{
    const char *p = line + start;
    size_t plen = end - start;
    size_t b = 0;
    while (line[b] == ' ' || line[b] == '\t')
        b++;
    size_t e = b;
    while (line[e] && line[e] != ' ' && line[e] != '\t')
        e++;
    if (start <= b)
        return add_dot_names(out, p, plen);
    const cli_dot *cmd = cli_dot_find(line + b, e - b);
    if (!cmd)
        return SK_OK;
    const char *prev;
    size_t pl;
    word_before(line, start, &prev, &pl);
    /* PREV lies inside the command word only when no argument came yet;
     * "--spec" has its two dashes before it, after the command word. */
    bool first_arg = prev + pl <= line + e;
    if (first_arg)
        pl = 0;
    return dot_argument(cmd, first_arg, prev, pl, p, plen, out);
}

/* ---- Entry point -------------------------------------------------------- */

int cli_complete(cli_session *cs, const char *line, size_t start, size_t end, char quote,
                 bool at_stmt_start, cli_cands *out)
{
    *out = (cli_cands){0};
    size_t b = 0;
    while (line[b] == ' ' || line[b] == '\t')
        b++;
    if (at_stmt_start && line[b] == '.')
        return complete_dot(line, start, end, out);
    sk_txn *t;
    int rc = sk_txn_begin(cs->store, false, &t);
    if (rc)
        return rc;
    if (quote == '"')
        rc = complete_quoted(t, line, start, end, out);
    else
        rc = complete_unquoted(t, line, start, end, out);
    sk_txn_abort(t);
    return rc;
}
