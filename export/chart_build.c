/*
 * chart_build.c — turns the chart model into a cgraph graph with the
 * analyst's styling:
 * - entities: shape and fill per type from the style table, a label with
 *   the display name and the type's key field ("b. 12 Mar 1985", a plate,
 *   a number, an address), a tooltip with properties and sources; size
 *   grows with a piped-in score, fill shows the community when there is
 *   one (the border then keeps the type colour);
 * - count nodes for collapsed hubs: dashed, "37 phones";
 * - lines: one per folded group, labelled with type and date or with count
 *   and date range ("12 calls\n3–28 Mar 2024"), solid / dashed / dotted by
 *   reliability, thicker with more or heavier links, arrows where links are
 *   directed.
 * Every text goes through text_gv first, so quotes, backslashes, newlines
 * and markup in names reach the drawing as literal text.
 */
#include <math.h>
#include <string.h>

#include "chart_int.h"

#define LABEL_COLS 36     /* widest label line, in columns */
#define TIP_PROPS 25      /* properties listed in a tooltip */
#define TIP_LINKS 12      /* folded links listed in a tooltip */

void gv_set(void *obj, const char *name, const char *value)
{
    agsafeset(obj, (char *)name, (char *)value, "");
}

void gv_set_html(Agraph_t *g, void *obj, const char *name, const char *html)
{
    char *h = agstrdup_html(g, (char *)html);
    agsafeset(obj, (char *)name, h, "");
    agstrfree(g, h);
}

const char *chart_line_style(const sk_chart_style *s, bool graded, double r)
{
    if (!graded)
        return "dashed";
    if (r >= s->reliable)
        return "solid";
    return r < s->doubtful ? "dotted" : "dashed";
}

const sk_link_style *chart_link_style(const sk_chart_style *s, const char *type)
{
    for (size_t i = 0; type && i < s->nlinks; i++)
        if (text_ieq(s->links[i].type, type))
            return &s->links[i];
    return NULL;
}

const char *chart_community_fill(long c)
{
    static const char *const k_palette[] = {
        "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
        "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
    };
    size_t n = sizeof k_palette / sizeof k_palette[0];
    return k_palette[(size_t)(c < 0 ? -c : c) % n];
}

/* Appends the value of V for a label: dates as "12 Mar 1985". */
static void field_text(sk_xbuf *b, const sk_value *v)
{
    if (v->type == SK_V_TIME)
        date_human(b, v->u.time.t, v->u.time.off_min);
    else
        value_text(b, v, VMODE_TABLE);
}

/* S folded for comparison: ASCII letters and digits, lower-cased, with
 * other ASCII dropped and non-ASCII bytes kept; leading zeros removed so a
 * national phone number matches its international key. */
static void fold_key(sk_xbuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
            xbuf_putc(b, (char)c);
        else if (c >= 'A' && c <= 'Z')
            xbuf_putc(b, (char)(c - 'A' + 'a'));
    }
    size_t z = 0;
    while (z < b->len && b->p[z] == '0')
        z++;
    if (z) {
        memmove(b->p, b->p + z, b->len - z + 1);
        b->len -= z;
    }
}

/* True when VALUE adds nothing to LABEL: the same letters and digits, or
 * one a long enough tail of the other ("07700 900123" and
 * "447700900123"). */
static bool says_same(const char *label, const char *value)
{
    sk_xbuf a = {0}, b = {0};
    fold_key(&a, label);
    fold_key(&b, value);
    const sk_xbuf *lo = a.len <= b.len ? &a : &b, *hi = a.len <= b.len ? &b : &a;
    bool same = lo->len > 0 &&
                (lo->len == hi->len || lo->len >= 6) &&
                memcmp(hi->p + hi->len - lo->len, lo->p, lo->len) == 0;
    xbuf_free(&a);
    xbuf_free(&b);
    return same;
}

/* The label's second line for entity N, or nothing. */
static void key_field(sk_xbuf *b, const sk_rnode *n, const sk_type_style *ts,
                      const char *label)
{
    sk_xbuf v = {0};
    const char *list = ts->fields;
    while (list && *list && v.len == 0) {
        const char *bar = strchr(list, '|');
        size_t len = bar ? (size_t)(bar - list) : strlen(list);
        char name[64];
        if (len < sizeof name) {
            memcpy(name, list, len);
            name[len] = '\0';
            const sk_value *pv = rprop_find(n->props, n->nprops, name);
            if (pv && pv->type != SK_V_NULL)
                field_text(&v, pv);
        }
        list = bar ? bar + 1 : NULL;
    }
    if (v.len == 0 && ts->key_fallback && n->key)
        xbuf_puts(&v, n->key);
    /* Nothing new when the label already says it. */
    if (v.len && !says_same(label, xbuf_cstr(&v))) {
        sk_xbuf line = {0};
        if (ts->prefix)
            xbuf_puts(&line, ts->prefix);
        xbuf_put(&line, xbuf_cstr(&v), v.len);
        sk_xbuf cut = {0};
        text_cut(&cut, xbuf_cstr(&line), line.len, LABEL_COLS);
        xbuf_puts(b, "\\n");
        text_gv(b, xbuf_cstr(&cut), cut.len);
        xbuf_free(&cut);
        xbuf_free(&line);
    }
    xbuf_free(&v);
}

static void entity_label(sk_xbuf *b, const sk_rnode *n, const sk_type_style *ts)
{
    sk_xbuf name = {0}, cut = {0};
    if (n->label && *n->label)
        xbuf_puts(&name, n->label);
    else if (n->key && *n->key)
        xbuf_puts(&name, n->key);
    else
        xbuf_printf(&name, "#%llu", (unsigned long long)n->id);
    text_cut(&cut, xbuf_cstr(&name), name.len, LABEL_COLS);
    text_gv(b, xbuf_cstr(&cut), cut.len);
    key_field(b, n, ts, xbuf_cstr(&name));
    if (n->collapsed)
        xbuf_printf(b, "\\n+%llu hidden", (unsigned long long)n->collapsed);
    xbuf_free(&name);
    xbuf_free(&cut);
}

static void tip_line(sk_xbuf *b, const char *s)
{
    sk_xbuf cut = {0};
    text_cut(&cut, s, strlen(s), 100);
    text_gv(b, xbuf_cstr(&cut), cut.len);
    xbuf_puts(b, "\\n");
    xbuf_free(&cut);
}

static void tip_sources(sk_xbuf *b, const char *const *src, size_t n)
{
    if (n == 0)
        return;
    sk_xbuf t = {0};
    xbuf_puts(&t, n == 1 ? "source: " : "sources: ");
    for (size_t i = 0; i < n; i++)
        xbuf_printf(&t, "%s%s", i ? ", " : "", src[i] ? src[i] : "");
    tip_line(b, xbuf_cstr(&t));
    xbuf_free(&t);
}

static void entity_tooltip(sk_xbuf *b, const sk_rnode *n, bool sanitise)
{
    sk_xbuf t = {0};
    xbuf_printf(&t, "%s #%llu", n->type ? n->type : "entity", (unsigned long long)n->id);
    tip_line(b, xbuf_cstr(&t));
    if (n->label && *n->label)
        tip_line(b, n->label);
    if (n->key && *n->key) {
        xbuf_clear(&t);
        xbuf_printf(&t, "key: %s", n->key);
        tip_line(b, xbuf_cstr(&t));
    }
    if (n->has_score) {
        xbuf_clear(&t);
        xbuf_puts(&t, "score: ");
        real_text(&t, n->score);
        tip_line(b, xbuf_cstr(&t));
    }
    if (n->community >= 0) {
        xbuf_clear(&t);
        xbuf_printf(&t, "community: %ld", n->community);
        tip_line(b, xbuf_cstr(&t));
    }
    for (size_t i = 0; i < n->nprops && i < TIP_PROPS; i++) {
        xbuf_clear(&t);
        xbuf_printf(&t, "%s: ", n->props[i].name ? n->props[i].name : "?");
        value_text(&t, &n->props[i].value, VMODE_TABLE);
        tip_line(b, xbuf_cstr(&t));
    }
    if (n->nprops > TIP_PROPS) {
        xbuf_clear(&t);
        xbuf_printf(&t, "… %zu more properties", n->nprops - TIP_PROPS);
        tip_line(b, xbuf_cstr(&t));
    }
    if (n->grade || n->handling_code) {
        xbuf_clear(&t);
        xbuf_printf(&t, "grade: %s%s%s", n->grade ? n->grade : "none",
                    n->handling_code ? ", handling: " : "",
                    n->handling_code ? n->handling_code : "");
        tip_line(b, xbuf_cstr(&t));
    }
    if (!sanitise)
        tip_sources(b, n->sources, n->nsources);
    xbuf_free(&t);
}

/* Type name in the plural for count nodes ("phones", "addresses"). */
static void plural(sk_xbuf *b, const char *type, size_t n)
{
    size_t len = strlen(type);
    xbuf_puts(b, type);
    if (n == 1 || len == 0)
        return;
    char last = type[len - 1], prev = len > 1 ? type[len - 2] : 0;
    if (last == 's' || last == 'x' || (last == 'h' && (prev == 'c' || prev == 's')))
        xbuf_puts(b, "es");
    else if (last == 'y' && !strchr("aeiou", prev))
        b->len--, xbuf_puts(b, "ies");
    else
        xbuf_putc(b, 's');
}

static void add_entity(Agraph_t *g, const chart_model *m, const cnode *c,
                       const sk_chart_style *s, bool sanitise)
{
    const sk_rnode *n = c->ent;
    const sk_type_style *ts = sk_chart_style_type(s, c->type);
    Agnode_t *an = agnode(g, (char *)c->name, 1);
    sk_xbuf b = {0};
    entity_label(&b, n, ts);
    gv_set(an, "label", xbuf_cstr(&b));
    xbuf_clear(&b);
    entity_tooltip(&b, n, sanitise);
    gv_set(an, "tooltip", xbuf_cstr(&b));
    gv_set(an, "shape", ts->shape);
    gv_set(an, "style", strcmp(ts->shape, "box") == 0 ? "filled,rounded" : "filled");
    if (m->communities && n->community >= 0) {
        gv_set(an, "fillcolor", chart_community_fill(n->community));
        gv_set(an, "color", ts->fill);
        gv_set(an, "penwidth", "3");
    } else {
        gv_set(an, "fillcolor", ts->fill);
    }
    if (m->scores && n->has_score) {
        double span = m->score_max - m->score_min;
        double t = span > 0 ? (n->score - m->score_min) / span : 0.5;
        char num[32];
        snprintf(num, sizeof num, "%.2f", 0.75 + 1.25 * t);
        gv_set(an, "width", num);
        snprintf(num, sizeof num, "%.2f", 0.5 + 0.6 * t);
        gv_set(an, "height", num);
        snprintf(num, sizeof num, "%.1f", 11 + 7 * t);
        gv_set(an, "fontsize", num);
    }
    gv_set(an, "class", "entity");
    gv_set(an, "id", c->name);
    xbuf_free(&b);
}

static void add_count(Agraph_t *g, const chart_model *m, const cnode *c,
                      const sk_chart_style *s)
{
    const sk_type_style *ts = sk_chart_style_type(s, c->type);
    Agnode_t *an = agnode(g, (char *)c->name, 1);
    sk_xbuf b = {0}, t = {0};
    xbuf_printf(&t, "%zu ", c->count);
    plural(&t, c->type, c->count);
    text_gv(&b, xbuf_cstr(&t), t.len);
    gv_set(an, "label", xbuf_cstr(&b));
    xbuf_clear(&b);
    xbuf_puts(&t, " linked only to ");
    const sk_rnode *hub = m->nodes[c->hub].ent;
    xbuf_puts(&t, hub && hub->label ? hub->label : "this entity");
    xbuf_puts(&t, ", collapsed");
    text_gv(&b, xbuf_cstr(&t), t.len);
    gv_set(an, "tooltip", xbuf_cstr(&b));
    gv_set(an, "shape", ts->shape);
    gv_set(an, "style", "filled,dashed");
    gv_set(an, "fillcolor", ts->fill);
    gv_set(an, "fontsize", "10");
    gv_set(an, "class", "count");
    xbuf_free(&b);
    xbuf_free(&t);
}

/* "called\n3 Mar 2024 14:05" or "12 calls\n3–28 Mar 2024". */
static void edge_label(sk_xbuf *b, const cedge *e, const sk_chart_style *s)
{
    sk_xbuf t = {0};
    const sk_link_style *ls = chart_link_style(s, e->type);
    if (e->count == 1)
        xbuf_puts(&t, e->type);
    else if (ls)
        xbuf_printf(&t, "%zu %s", e->count, ls->many);
    else
        xbuf_printf(&t, "%zu \xC3\x97 %s", e->count, e->type);
    if (e->t_min != SK_NO_TIME) {
        xbuf_putc(&t, '\n');
        int y, mo, d, h, mi, sec;
        bool instant = e->count == 1 && e->t_min == e->t_max;
        date_range_human(&t, e->t_min, e->off_min, e->t_max, e->off_max);
        if (instant && time_fields(e->t_min, e->off_min, &y, &mo, &d, &h, &mi, &sec) &&
            (h || mi))
            xbuf_printf(&t, " %02d:%02d", h, mi);
    }
    text_gv(b, xbuf_cstr(&t), t.len);
    xbuf_free(&t);
}

static void edge_tooltip(sk_xbuf *b, const cedge *e, bool sanitise)
{
    sk_xbuf t = {0};
    for (size_t i = 0; i < e->count && i < TIP_LINKS; i++) {
        const sk_rlink *l = e->links[i];
        xbuf_clear(&t);
        xbuf_printf(&t, "%s #%llu", l->type ? l->type : "link", (unsigned long long)l->id);
        if (l->t_start != SK_NO_TIME) {
            xbuf_putc(&t, ' ');
            time_span_iso(&t, l->t_start, l->t_end, l->t_off);
        }
        if (l->grade)
            xbuf_printf(&t, " grade %s", l->grade);
        if (l->handling_code)
            xbuf_printf(&t, " handling %s", l->handling_code);
        tip_line(b, xbuf_cstr(&t));
        if (!sanitise && i == 0)
            tip_sources(b, l->sources, l->nsources);
    }
    if (e->count > TIP_LINKS) {
        xbuf_clear(&t);
        xbuf_printf(&t, "… %zu more", e->count - TIP_LINKS);
        tip_line(b, xbuf_cstr(&t));
    }
    xbuf_free(&t);
}

static void add_edge(Agraph_t *g, const chart_model *m, const cedge *e,
                     const sk_chart_style *s, bool sanitise)
{
    /* Draw from b to a when every directed link runs that way. */
    bool flip = e->back > 0 && e->fwd == 0;
    const cnode *tail = &m->nodes[flip ? e->b : e->a];
    const cnode *head = &m->nodes[flip ? e->a : e->b];
    Agnode_t *t = agnode(g, (char *)tail->name, 0);
    Agnode_t *h = agnode(g, (char *)head->name, 0);
    Agedge_t *ae = agedge(g, t, h, NULL, 1);
    bool to_count = !tail->ent || !head->ent;
    sk_xbuf b = {0};
    edge_label(&b, e, s);
    gv_set(ae, "label", xbuf_cstr(&b));
    xbuf_clear(&b);
    edge_tooltip(&b, e, sanitise);
    gv_set(ae, "tooltip", xbuf_cstr(&b));
    gv_set(ae, "dir", e->fwd && e->back ? "both" : e->fwd || e->back ? "forward" : "none");
    gv_set(ae, "style", to_count ? "dashed"
                                 : chart_line_style(s, e->graded, e->reliability));
    if (e->weight > 1.0) {
        char num[16];
        double w = 1.0 + 1.5 * log2(e->weight);
        snprintf(num, sizeof num, "%.1f", w > 6.0 ? 6.0 : w);
        gv_set(ae, "penwidth", num);
    }
    gv_set(ae, "color", to_count ? "#999999" : "#505050");
    gv_set(ae, "class", "link");
    xbuf_free(&b);
}

Agraph_t *chart_build(const chart_model *m, const sk_chart_style *s,
                      bool sanitise, const char *engine)
{
    Agraph_t *g = agopen("skein", Agdirected, NULL);
    if (!g)
        return NULL;
    gv_set(g, "fontname", s->fontname);
    gv_set(g, "outputorder", "edgesfirst");
    gv_set(g, "pad", "0.3");
    if (strcmp(engine, "dot") == 0) {
        gv_set(g, "rankdir", m->path ? "LR" : "TB");
        gv_set(g, "nodesep", "0.4");
    } else {
        gv_set(g, "overlap", "false");
        gv_set(g, "sep", "+10");
        /* Straight lines: Graphviz 2.43's spline router (splines=true)
         * corrupts the heap on some neato layouts and is slow besides. */
    }
    agattr(g, AGNODE, "fontname", (char *)s->fontname);
    agattr(g, AGNODE, "fontsize", "11");
    agattr(g, AGNODE, "margin", "0.08,0.04");
    agattr(g, AGEDGE, "fontname", (char *)s->fontname);
    agattr(g, AGEDGE, "fontsize", "9");
    agattr(g, AGEDGE, "fontcolor", "#333333");
    agattr(g, AGEDGE, "arrowsize", "0.7");
    for (size_t i = 0; i < m->nnodes; i++) {
        if (m->nodes[i].ent)
            add_entity(g, m, &m->nodes[i], s, sanitise);
        else
            add_count(g, m, &m->nodes[i], s);
    }
    for (size_t i = 0; i < m->nedges; i++)
        add_edge(g, m, &m->edges[i], s, sanitise);
    return g;
}
