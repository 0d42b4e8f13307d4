/*
 * test_export_chart.c — charts through Graphviz: SVG parsed as XML (expat)
 * with one entity node group per drawn entity, DOT read back by cgraph with
 * the same counts, PNG and PDF signatures, names that try to break out of
 * their labels, the entity limit and force, collapsing of busy entities,
 * folding of parallel links, the automatic layout and refused inputs.
 *
 * expat is reached through dlopen: libgvc itself depends on it, so it is
 * on every machine that can run these tests, but the test executables are
 * not linked against it.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <expat.h>
#include <graphviz/cgraph.h>

#include "test_export_fixture.h"

/* ---- expat, loaded at run time --------------------------------------- */

typedef XML_Parser (*create_fn)(const XML_Char *);
typedef void (*handlers_fn)(XML_Parser, XML_StartElementHandler, XML_EndElementHandler);
typedef void (*chardata_fn)(XML_Parser, XML_CharacterDataHandler);
typedef void (*userdata_fn)(XML_Parser, void *);
typedef enum XML_Status (*parse_fn)(XML_Parser, const char *, int, int);
typedef enum XML_Error (*errcode_fn)(XML_Parser);
typedef const XML_LChar *(*errstr_fn)(enum XML_Error);
typedef XML_Size (*line_fn)(XML_Parser);
typedef void (*free_fn)(XML_Parser);

static struct {
    void *lib;
    create_fn create;
    handlers_fn handlers;
    chardata_fn chardata;
    userdata_fn userdata;
    parse_fn parse;
    errcode_fn errcode;
    errstr_fn errstr;
    line_fn line;
    free_fn free;
} X;

static void sym(void *out, const char *name)
{
    void *p = dlsym(X.lib, name);
    assert_non_null(p);
    memcpy(out, &p, sizeof p); /* ISO C has no object-to-function cast */
}

static int load_expat(void **state)
{
    (void)state;
    X.lib = dlopen("libexpat.so.1", RTLD_NOW);
    if (!X.lib)
        return -1;
    sym(&X.create, "XML_ParserCreate");
    sym(&X.handlers, "XML_SetElementHandler");
    sym(&X.chardata, "XML_SetCharacterDataHandler");
    sym(&X.userdata, "XML_SetUserData");
    sym(&X.parse, "XML_Parse");
    sym(&X.errcode, "XML_GetErrorCode");
    sym(&X.errstr, "XML_ErrorString");
    sym(&X.line, "XML_GetCurrentLineNumber");
    sym(&X.free, "XML_ParserFree");
    return 0;
}

static int unload_expat(void **state)
{
    (void)state;
    if (X.lib)
        dlclose(X.lib);
    return 0;
}

/* What the SVG walk collects. */
typedef struct svg_stats {
    int entity_nodes, count_nodes, link_edges, legend_nodes, frame_nodes;
    int depth_in_text;
    char text[16384]; /* all <text> content, '|'-separated */
    size_t tlen;
    char titles[8192]; /* xlink:title attributes (tooltips), '|'-separated */
    size_t ttlen;
} svg_stats;

static void append(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
    if (*len + n + 1 < cap) {
        memcpy(buf + *len, s, n);
        *len += n;
        buf[*len] = '\0';
    }
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    svg_stats *st = ud;
    for (int i = 0; atts[i]; i += 2) {
        if (strcmp(name, "g") == 0 && strcmp(atts[i], "class") == 0) {
            st->entity_nodes += strcmp(atts[i + 1], "node entity") == 0;
            st->count_nodes += strcmp(atts[i + 1], "node count") == 0;
            st->link_edges += strcmp(atts[i + 1], "edge link") == 0;
            st->legend_nodes += strcmp(atts[i + 1], "node legend") == 0;
            st->frame_nodes += strcmp(atts[i + 1], "node frame") == 0;
        }
        if (strcmp(atts[i], "xlink:title") == 0) {
            append(st->titles, sizeof st->titles, &st->ttlen, atts[i + 1], strlen(atts[i + 1]));
            append(st->titles, sizeof st->titles, &st->ttlen, "|", 1);
        }
    }
    if (strcmp(name, "text") == 0)
        st->depth_in_text++;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    svg_stats *st = ud;
    if (strcmp(name, "text") == 0) {
        st->depth_in_text--;
        append(st->text, sizeof st->text, &st->tlen, "|", 1);
    }
}

static void XMLCALL on_chars(void *ud, const XML_Char *s, int len)
{
    svg_stats *st = ud;
    if (st->depth_in_text > 0)
        append(st->text, sizeof st->text, &st->tlen, s, (size_t)len);
}

/* Parses the SVG file at PATH; fails the test when it is not well formed. */
static void parse_svg(const char *path, svg_stats *st)
{
    size_t len = 0;
    char *svg = fx_slurp(path, &len);
    assert_non_null(svg);
    memset(st, 0, sizeof *st);
    XML_Parser p = X.create(NULL);
    X.userdata(p, st);
    X.handlers(p, on_start, on_end);
    X.chardata(p, on_chars);
    if (X.parse(p, svg, (int)len, 1) != XML_STATUS_OK) {
        fail_msg("%s is not well-formed XML: line %lu: %s", path,
                 (unsigned long)X.line(p), X.errstr(X.errcode(p)));
    }
    X.free(p);
    free(svg);
}

/* ---- helpers ----------------------------------------------------------- */

static char g_dir[64];

static int make_dir(void **state)
{
    (void)state;
    fx_tmpdir(g_dir, sizeof g_dir);
    return 0;
}

static int remove_dir(void **state)
{
    (void)state;
    fx_rmtree(g_dir);
    return 0;
}

static const char *out_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    return path;
}

static sk_export_opts opts(void)
{
    sk_export_opts o;
    sk_export_opts_init(&o);
    o.title = "Operation Heron";
    o.created = 1711634700; /* 2024-03-28T14:05:00Z */
    return o;
}

static int count_substr(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* ---- tests ------------------------------------------------------------- */

static void test_svg_network(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = fx_network(f);
    sk_export_opts o = opts();
    sk_export_report rep;
    const char *path = out_path("net.svg");
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_OK);
    assert_string_equal(rep.layout, "dot");
    assert_int_equal(rep.entities, 7);
    /* 12 calls fold into one line: 7 lines in all. */
    assert_int_equal(rep.links, 7);
    assert_non_null(strstr(rep.message, "7 entities"));
    svg_stats st;
    parse_svg(path, &st);
    assert_int_equal(st.entity_nodes, 7);
    assert_int_equal(st.link_edges, 7);
    assert_int_equal(st.count_nodes, 0);
    assert_true(st.legend_nodes > 0);
    /* The handling code at the top and at the bottom. */
    assert_int_equal(count_substr(st.text, "OFFICIAL-SENSITIVE"), 2);
    assert_non_null(strstr(st.text, "Operation Heron"));
    assert_non_null(strstr(st.text, "network around person \"Jack Powell\" depth 2"));
    assert_non_null(strstr(st.text, "made 2024-03-28T14:05:00Z"));
    /* Labels with key fields, folded links with count and date range. */
    assert_non_null(strstr(st.text, "|b. 12 Mar 1985|"));
    assert_non_null(strstr(st.text, "|12 calls|3\xE2\x80\x93" "28 Mar 2024|"));
    assert_non_null(strstr(st.text, "|seen_at|3 Mar 2024 11:00|"));
    /* Tooltips carry properties and sources. */
    assert_non_null(strstr(st.titles, "age: 38"));
    assert_non_null(strstr(st.titles, "sources: cdr_vodafone.csv, phone1.xml"));
    free(f);
}

static void test_svg_line_styles(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = fx_network(f);
    sk_export_opts o = opts();
    assert_int_equal(sk_export_write(r, out_path("styles.dot"), &o, NULL), SK_OK);
    char *dot = fx_slurp(out_path("styles.dot"), NULL);
    assert_non_null(dot);
    FILE *fp = fopen(out_path("styles.dot"), "r");
    Agraph_t *g = agread(fp, NULL);
    fclose(fp);
    assert_non_null(g);
    int seen = 0;
    for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
        for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e)) {
            const char *t = agnameof(agtail(e)), *h = agnameof(aghead(e));
            const char *style = agget(e, "style");
            if (strcmp(t, "e2") == 0 && strcmp(h, "e3") == 0) {
                assert_string_equal(style, "dotted"); /* E5, reliability 0.2 */
                seen++;
            } else if (strcmp(t, "e1") == 0 && strcmp(h, "e2") == 0) {
                assert_string_equal(style, "solid"); /* B2, 0.9 */
                assert_string_equal(agget(e, "dir"), "none");
                seen++;
            } else if (strcmp(t, "e1") == 0 && strcmp(h, "e4") == 0) {
                assert_string_equal(style, "dashed"); /* ungraded */
                seen++;
            } else if (strcmp(t, "e4") == 0 && strcmp(h, "e5") == 0) {
                assert_string_equal(style, "solid"); /* 12 calls at 0.8 */
                assert_true(atof(agget(e, "penwidth")) > 4.0);
                seen++;
            }
        }
    }
    assert_int_equal(seen, 4);
    agclose(g);
    free(dot);
    free(f);
    /* An ungraded link folded with a doubtful one keeps the line dotted. */
    f = fx_new();
    fx_node(f, 1, "person", "", "A");
    fx_node(f, 2, "person", "", "B");
    sk_rlink *l = fx_link(f, 7, 1, 2, "knows", false, SK_NO_TIME);
    l->grade = "E5";
    l->reliability = 0.2;
    fx_link(f, 8, 2, 1, "knows", false, SK_NO_TIME);
    r = fx_graph(f);
    assert_int_equal(sk_export_write(r, out_path("mixed.dot"), &o, NULL), SK_OK);
    FILE *mf = fopen(out_path("mixed.dot"), "r");
    g = agread(mf, NULL);
    fclose(mf);
    Agedge_t *e = agedge(g, agnode(g, "e1", 0), agnode(g, "e2", 0), NULL, 0);
    assert_non_null(e);
    assert_string_equal(agget(e, "style"), "dotted");
    assert_string_equal(agget(e, "label"), "2 \xC3\x97 knows");
    agclose(g);
    free(f);
}

static void test_dot_reads_back(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = fx_network(f);
    sk_export_opts o = opts();
    sk_export_report rep;
    const char *path = out_path("net.dot");
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_OK);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    Agraph_t *g = agread(fp, NULL);
    fclose(fp);
    assert_non_null(g);
    int entities = 0, links = 0, others = 0;
    for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
        if (agnameof(n)[0] == 'e')
            entities++;
        else
            others++;
        for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e))
            links += strcmp(agget(e, "class"), "link") == 0;
    }
    assert_int_equal(entities, (int)rep.entities);
    assert_int_equal(links, (int)rep.links);
    assert_true(others > 0); /* header, footer and legend */
    assert_int_equal(agnnodes(g), entities + others);
    /* Positions are included, so neato -n2 reproduces the chart. */
    assert_non_null(agget(agnode(g, "e1", 0), "pos"));
    assert_true(strlen(agget(agnode(g, "e1", 0), "pos")) > 2);
    agclose(g);
    free(f);
}

static void check_signature(const char *path, const char *magic, size_t n,
                            long min_size)
{
    size_t len = 0;
    char *data = fx_slurp(path, &len);
    assert_non_null(data);
    assert_true(len > (size_t)min_size);
    assert_memory_equal(data, magic, n);
    free(data);
}

static void test_png_and_pdf(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = fx_network(f);
    sk_export_opts o = opts();
    assert_int_equal(sk_export_write(r, out_path("net.png"), &o, NULL), SK_OK);
    check_signature(out_path("net.png"), "\x89PNG\r\n\x1a\n", 8, 5000);
    assert_int_equal(sk_export_write(r, out_path("net.pdf"), &o, NULL), SK_OK);
    check_signature(out_path("net.pdf"), "%PDF", 4, 2000);
    /* The format may be named whatever the extension. */
    o.format = SK_EXPORT_PNG;
    assert_int_equal(sk_export_write(r, out_path("chart.out"), &o, NULL), SK_OK);
    check_signature(out_path("chart.out"), "\x89PNG", 4, 5000);
    free(f);
}

static const char *const k_nasty[] = {
    "Say \"hi\" <b>bold</b> & 'quoted'",
    "C:\\Nasty\\N \\G \\E \\L",
    "two\nlines\r\tand tab",
    "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF \xD8\xB9\xD9\x84\xD9\x8A", /* Arabic */
    "\xE6\x9D\x8E\xE5\xB0\x8F\xE9\xBE\x99",                    /* CJK */
    "esc\x1b[31m red \xFF\xFE bad bytes",
    "]]><!-- --><script>alert(1)</script>",
};

static void test_nasty_names(void **state)
{
    (void)state;
    fx *f = fx_new();
    size_t n = sizeof k_nasty / sizeof k_nasty[0];
    for (size_t i = 0; i < n; i++)
        fx_node(f, i + 1, "person", k_nasty[i], k_nasty[i]);
    for (size_t i = 0; i + 1 < n; i++)
        fx_link(f, 50 + i, i + 1, i + 2, k_nasty[(i + 3) % n], true, SK_NO_TIME);
    sk_result *r = fx_graph(f);
    r->query = "find person where name ~ /<\"&\\\\>/";
    r->handling_code = "SECRET <UK> & \"EYES\"";
    sk_export_opts o = opts();
    o.title = "Title with </TD> & <B>tags</B>";
    const char *svg = out_path("nasty.svg");
    assert_int_equal(sk_export_write(r, svg, &o, NULL), SK_OK);
    svg_stats st;
    parse_svg(svg, &st);
    assert_int_equal(st.entity_nodes, (int)n);
    /* Markup and escapes arrive as literal text. */
    assert_non_null(strstr(st.text, "Say \"hi\" <b>bold</b> & 'quoted'"));
    assert_non_null(strstr(st.text, "C:\\Nasty\\N \\G \\E \\L"));
    assert_non_null(strstr(st.text, "|two|lines"));
    assert_non_null(strstr(st.text, "Title with </TD> & <B>tags</B>"));
    assert_non_null(strstr(st.text, "SECRET <UK> & \"EYES\""));
    assert_non_null(strstr(st.text, "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF"));
    assert_non_null(strstr(st.text, "]]><!-- --><script>"));
    assert_null(strstr(st.text, "\x1b"));
    /* DOT and PNG survive the same names. */
    assert_int_equal(sk_export_write(r, out_path("nasty.dot"), &o, NULL), SK_OK);
    FILE *fp = fopen(out_path("nasty.dot"), "r");
    Agraph_t *g = agread(fp, NULL);
    fclose(fp);
    assert_non_null(g);
    assert_string_equal(agget(agnode(g, "e2", 0), "label"), "C:\\\\Nasty\\\\N \\\\G \\\\E \\\\L");
    agclose(g);
    assert_int_equal(sk_export_write(r, out_path("nasty.png"), &o, NULL), SK_OK);
    check_signature(out_path("nasty.png"), "\x89PNG", 4, 1000);
    free(f);
}

static void test_limit_and_force(void **state)
{
    (void)state;
    fx *f = fx_new();
    fx_ring(f, 1, 30);
    sk_result *r = fx_graph(f);
    sk_export_opts o = opts();
    o.max_entities = 20;
    sk_export_report rep;
    const char *path = out_path("big.svg");
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_ELIMIT);
    assert_non_null(strstr(rep.message, "30 entities"));
    assert_non_null(strstr(rep.message, "limit of 20"));
    assert_non_null(strstr(rep.message, "force"));
    assert_false(fx_exists(path));
    o.force = true;
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_OK);
    assert_int_equal(rep.entities, 30);
    assert_non_null(strstr(rep.message, "by force"));
    svg_stats st;
    parse_svg(path, &st);
    assert_int_equal(st.entity_nodes, 30);
    free(f);
}

static void test_default_limit(void **state)
{
    (void)state;
    fx *f = fx_new();
    fx_ring(f, 1, SK_EXPORT_MAX_ENTITIES + 1);
    sk_result *r = fx_graph(f);
    sk_export_opts o = opts();
    sk_export_report rep;
    assert_int_equal(sk_export_write(r, out_path("huge.png"), &o, &rep), SK_ELIMIT);
    assert_non_null(strstr(rep.message, "limit of 500"));
    /* Data exports have no chart limit. */
    assert_int_equal(sk_export_write(r, out_path("huge.graphml"), &o, &rep), SK_OK);
    assert_int_equal(rep.entities, SK_EXPORT_MAX_ENTITIES + 1);
    free(f);
}

/* A hub with 10 phones hanging on it alone and two friends who know each
 * other: collapsing at 5 hides the phones in one count node, and leaves
 * the friends (who connect elsewhere) and a lone vehicle drawn. */
static void test_collapse(void **state)
{
    (void)state;
    fx *f = fx_new();
    fx_node(f, 1, "person", "", "Hub");
    fx_node(f, 2, "person", "", "Friend A");
    fx_node(f, 3, "person", "", "Friend B");
    fx_link(f, 900, 1, 2, "knows", false, SK_NO_TIME);
    fx_link(f, 901, 1, 3, "knows", false, SK_NO_TIME);
    fx_link(f, 902, 2, 3, "knows", false, SK_NO_TIME);
    for (sk_id i = 0; i < 10; i++) {
        snprintf(f->text[f->nn], sizeof f->text[0], "0770090%04d", (int)i);
        fx_node(f, 10 + i, "phone", "", f->text[f->nn]);
        fx_link(f, 100 + i, 1, 10 + i, "uses", true, SK_NO_TIME);
    }
    /* A lone vehicle on the hub stays itself: "1 vehicle" saves nothing. */
    fx_node(f, 30, "vehicle", "", "AB12 CDE");
    fx_link(f, 130, 1, 30, "owns", true, SK_NO_TIME);
    sk_result *r = fx_graph(f);
    sk_export_opts o = opts();
    o.collapse = 5;
    sk_export_report rep;
    const char *path = out_path("collapsed.svg");
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_OK);
    assert_int_equal(rep.entities, 4);
    assert_int_equal(rep.hidden, 10);
    assert_int_equal(rep.links, 5);
    svg_stats st;
    parse_svg(path, &st);
    assert_int_equal(st.entity_nodes, 4);
    assert_int_equal(st.count_nodes, 1);
    assert_non_null(strstr(st.text, "|10 phones|"));
    assert_non_null(strstr(st.text, "|10 \xC3\x97 uses|"));
    /* Without collapsing every phone is drawn. */
    o.collapse = 0;
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_OK);
    assert_int_equal(rep.entities, 14);
    assert_int_equal(rep.hidden, 0);
    /* The limit counts what is drawn, so collapsing can bring a chart in. */
    o.max_entities = 5;
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_ELIMIT);
    o.collapse = 5;
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_OK);
    free(f);
}

static void test_layout_choice(void **state)
{
    (void)state;
    fx *f = fx_new();
    fx_ring(f, 1, SK_CHART_DOT_MAX + 5);
    sk_result *r = fx_graph(f);
    sk_export_opts o = opts();
    sk_export_report rep;
    assert_int_equal(sk_export_write(r, out_path("ring.svg"), &o, &rep), SK_OK);
    assert_string_equal(rep.layout, "neato");
    o.layout = "circo";
    assert_int_equal(sk_export_write(r, out_path("ring.svg"), &o, &rep), SK_OK);
    assert_string_equal(rep.layout, "circo");
    o.layout = "sfdp";
    assert_int_equal(sk_export_write(r, out_path("ring.svg"), &o, &rep), SK_OK);
    svg_stats st;
    parse_svg(out_path("ring.svg"), &st);
    assert_int_equal(st.entity_nodes, SK_CHART_DOT_MAX + 5);
    o.layout = "hairball";
    assert_int_equal(sk_export_write(r, out_path("ring.svg"), &o, &rep), SK_EINVAL);
    assert_non_null(strstr(rep.message, "unknown layout \"hairball\""));
    free(f);
}

static void test_scores_and_communities(void **state)
{
    (void)state;
    fx *f = fx_new();
    fx_ring(f, 1, 6);
    for (size_t i = 0; i < 6; i++) {
        f->nodes[i].has_score = true;
        f->nodes[i].score = (double)i / 5.0;
        f->nodes[i].community = (long)(i / 3);
    }
    sk_result *r = fx_graph(f);
    sk_export_opts o = opts();
    assert_int_equal(sk_export_write(r, out_path("sna.dot"), &o, NULL), SK_OK);
    FILE *fp = fopen(out_path("sna.dot"), "r");
    Agraph_t *g = agread(fp, NULL);
    fclose(fp);
    assert_non_null(g);
    Agnode_t *lo = agnode(g, "e1", 0), *hi = agnode(g, "e6", 0);
    assert_true(atof(agget(hi, "width")) > atof(agget(lo, "width")));
    assert_string_not_equal(agget(agnode(g, "e1", 0), "fillcolor"),
                            agget(agnode(g, "e4", 0), "fillcolor"));
    assert_string_equal(agget(agnode(g, "e1", 0), "fillcolor"),
                        agget(agnode(g, "e2", 0), "fillcolor"));
    agclose(g);
    free(f);
}

static void test_sanitise_drops_sources(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = fx_network(f);
    sk_export_opts o = opts();
    o.sanitise = true;
    const char *path = out_path("clean.svg");
    assert_int_equal(sk_export_write(r, path, &o, NULL), SK_OK);
    char *svg = fx_slurp(path, NULL);
    assert_non_null(svg);
    assert_null(strstr(svg, "cdr_vodafone.csv"));
    assert_null(strstr(svg, "phone1.xml"));
    free(svg);
    free(f);
}

static void test_refusals(void **state)
{
    (void)state;
    static const char *cols[] = {"n"};
    static sk_value cells[] = {{.type = SK_V_INT, .u.i = 1}};
    sk_result t = {.kind = SK_RESULT_TABLE};
    t.table = (sk_table){1, cols, 1, cells};
    sk_export_opts o = opts();
    sk_export_report rep;
    assert_int_equal(sk_export_write(&t, out_path("t.svg"), &o, &rep), SK_EINVAL);
    assert_non_null(strstr(rep.message, "needs a graph"));
    assert_int_equal(sk_export_write(&t, out_path("t.graphml"), &o, &rep), SK_EINVAL);
    assert_int_equal(sk_export_write(&t, out_path("t.unknown"), &o, &rep), SK_EINVAL);
    assert_non_null(strstr(rep.message, "svg, png, pdf"));
    fx *f = fx_new();
    sk_result *empty = fx_graph(f);
    assert_int_equal(sk_export_write(empty, out_path("e.svg"), &o, &rep), SK_EINVAL);
    assert_non_null(strstr(rep.message, "nothing to chart"));
    assert_false(fx_exists(out_path("e.svg")));
    sk_result *net = fx_network(f);
    assert_int_equal(sk_export_write(net, "/nonexistent-dir/x.svg", &o, &rep), SK_EIO);
    assert_non_null(strstr(rep.message, "/nonexistent-dir/x.svg"));
    free(f);
}

static void test_format_names(void **state)
{
    (void)state;
    sk_export_format f;
    assert_int_equal(sk_export_format_from_path("a/b.c/chart.SVG", &f), SK_OK);
    assert_int_equal(f, SK_EXPORT_SVG);
    assert_int_equal(sk_export_format_from_path("net.gv", &f), SK_OK);
    assert_int_equal(f, SK_EXPORT_DOT);
    assert_int_equal(sk_export_format_from_path("dir.svg/noext", &f), SK_EINVAL);
    assert_int_equal(sk_export_format_parse("gexf", &f), SK_OK);
    assert_false(sk_export_format_is_chart(f));
    assert_true(sk_export_format_is_chart(SK_EXPORT_PDF));
    assert_string_equal(sk_export_format_name(SK_EXPORT_GRAPHML), "graphml");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svg_network),
        cmocka_unit_test(test_svg_line_styles),
        cmocka_unit_test(test_dot_reads_back),
        cmocka_unit_test(test_png_and_pdf),
        cmocka_unit_test(test_nasty_names),
        cmocka_unit_test(test_limit_and_force),
        cmocka_unit_test(test_default_limit),
        cmocka_unit_test(test_collapse),
        cmocka_unit_test(test_layout_choice),
        cmocka_unit_test(test_scores_and_communities),
        cmocka_unit_test(test_sanitise_drops_sources),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_format_names),
    };
    if (load_expat(NULL) != 0) {
        fprintf(stderr, "libexpat.so.1 not found: cannot check SVG\n");
        return 77;
    }
    make_dir(NULL);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    remove_dir(NULL);
    unload_expat(NULL);
    return rc;
}
