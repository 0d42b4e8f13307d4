/*
 * test_export_files.c — data exports: GraphML and GEXF read back by
 * networkx (when /usr/bin/python3 has it; skipped otherwise) with the same
 * counts and typed attributes, the CSV pair and table CSV as exact text,
 * JSON files parsed back, sanitising, and all-or-nothing file writes.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "test_export_fixture.h"

static char g_dir[64];

static const char *out_path(const char *name)
{
    static char path[2][256];
    static int k;
    k = !k;
    snprintf(path[k], sizeof path[k], "%s/%s", g_dir, name);
    return path[k];
}

static sk_export_opts opts(void)
{
    sk_export_opts o;
    sk_export_opts_init(&o);
    o.title = "Operation Heron";
    o.created = 1711634700;
    return o;
}

static bool have_networkx(void)
{
    return access("/usr/bin/python3", X_OK) == 0 &&
           system("/usr/bin/python3 -c 'import networkx' >/dev/null 2>&1") == 0;
}

/* Runs the Python SCRIPT on FILE; the script exits non-zero and says why
 * when a check fails. */
static void run_python(const char *script, const char *file)
{
    const char *py = out_path("check.py");
    FILE *fp = fopen(py, "w");
    assert_non_null(fp);
    fputs(script, fp);
    fclose(fp);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s'", py, file);
    int rc = system(cmd);
    if (rc != 0)
        fail_msg("python check of %s failed (status %d)", file, rc);
}

static const char k_graphml_check[] =
    "import sys, networkx as nx\n"
    "G = nx.read_graphml(sys.argv[1])\n"
    "assert G.number_of_nodes() == 7, G.number_of_nodes()\n"
    "assert G.number_of_edges() == 18, G.number_of_edges()\n"
    "j = G.nodes['n1']\n"
    "assert j['type'] == 'person' and j['label'] == 'Jack Powell', j\n"
    "assert j['age'] == 38 and isinstance(j['age'], int), j\n"
    "assert j['dob'] == '1985-03-12T00:00:00Z', j\n"
    "assert j['sources'] == 'cdr_vodafone.csv; phone1.xml', j\n"
    "assert j['grade'] == 'B2', j\n"
    "e = {k: d for u, v, k, d in G.edges(keys=True, data=True)}\n"
    "c = e['l100']\n"
    "assert c['type'] == 'called' and c['directed'] is True, c\n"
    "assert isinstance(c['weight'], float) and c['weight'] == 1.0, c\n"
    "assert c['reliability'] == 0.8 and c['start'] == '2024-03-03T10:00:00Z', c\n"
    "assert e['l10']['directed'] is False and e['l10']['type'] == 'knows'\n"
    "assert G.graph['title'] == 'Operation Heron', G.graph\n"
    "assert G.graph['handling'] == 'OFFICIAL-SENSITIVE', G.graph\n"
    "assert G.graph['created'] == '2024-03-28T14:05:00Z', G.graph\n";

static void test_graphml_networkx(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = fx_network(f);
    sk_export_opts o = opts();
    sk_export_report rep;
    const char *path = out_path("net.graphml");
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_OK);
    assert_int_equal(rep.entities, 7);
    assert_int_equal(rep.links, 18);
    char *xml = fx_slurp(path, NULL);
    assert_non_null(strstr(xml, "<key id=\"np1\" for=\"node\" attr.name=\"age\" attr.type=\"long\"/>"));
    assert_non_null(strstr(xml, "attr.name=\"weight\" attr.type=\"double\""));
    assert_non_null(strstr(xml, "attr.name=\"directed\" attr.type=\"boolean\""));
    free(xml);
    if (!have_networkx()) {
        print_message("networkx not available in /usr/bin/python3: GraphML read-back skipped\n");
        free(f);
        skip();
    }
    run_python(k_graphml_check, path);
    free(f);
}

/* Checks the file against the GEXF 1.3 structure (root, namespaces,
 * element order, declared and well-typed attribute values, edge ends) and,
 * where networkx knows 1.3, reads it back with networkx as well. */
static const char k_gexf_check[] =
    "import sys, xml.etree.ElementTree as ET\n"
    "NS = {'g': 'http://gexf.net/1.3', 'viz': 'http://gexf.net/1.3/viz'}\n"
    "root = ET.parse(sys.argv[1]).getroot()\n"
    "assert root.tag == '{http://gexf.net/1.3}gexf' and root.get('version') == '1.3'\n"
    "kids = [c.tag.split('}')[1] for c in root]\n"
    "assert kids == ['meta', 'graph'], kids\n"
    "graph = root.find('g:graph', NS)\n"
    "assert graph.get('defaultedgetype') in ('directed', 'undirected', 'mutual')\n"
    "kids = [c.tag.split('}')[1] for c in graph]\n"
    "assert kids == ['attributes', 'attributes', 'nodes', 'edges'], kids\n"
    "conv = {'long': int, 'integer': int, 'double': float, 'float': float, 'string': str,\n"
    "        'boolean': lambda v: {'true': True, 'false': False}[v]}\n"
    "decl = {}\n"
    "for attrs in graph.findall('g:attributes', NS):\n"
    "    for a in attrs.findall('g:attribute', NS):\n"
    "        assert a.get('type') in conv, a.attrib\n"
    "        decl[(attrs.get('class'), a.get('id'))] = (a.get('title'), a.get('type'))\n"
    "def values(el, cls):\n"
    "    out = {}\n"
    "    for av in el.findall('g:attvalues/g:attvalue', NS):\n"
    "        title, typ = decl[(cls, av.get('for'))]\n"
    "        out[title] = conv[typ](av.get('value'))\n"
    "    return out\n"
    "nodes = graph.findall('g:nodes/g:node', NS)\n"
    "ids = {n.get('id') for n in nodes}\n"
    "assert len(nodes) == 7 and len(ids) == 7, len(nodes)\n"
    "jack = [n for n in nodes if n.get('id') == '1'][0]\n"
    "assert jack.get('label') == 'Jack Powell'\n"
    "v = values(jack, 'node')\n"
    "assert v['type'] == 'person' and v['age'] == 38, v\n"
    "col = jack.find('viz:color', NS).attrib\n"
    "assert (col['r'], col['g'], col['b']) == ('166', '206', '227'), col\n"
    "edges = graph.findall('g:edges/g:edge', NS)\n"
    "assert len(edges) == 18, len(edges)\n"
    "for e in edges:\n"
    "    assert e.get('source') in ids and e.get('target') in ids, e.attrib\n"
    "    float(e.get('weight'))\n"
    "    values(e, 'edge')\n"
    "call = [e for e in edges if e.get('id') == '100'][0]\n"
    "assert call.get('label') == 'called' and values(call, 'edge')['directed'] is True\n"
    "knows = [e for e in edges if e.get('id') == '10'][0]\n"
    "assert values(knows, 'edge')['directed'] is False\n"
    "import networkx as nx, networkx.readwrite.gexf as gx\n"
    "if '1.3' in gx.GEXF.versions:\n"
    "    G = nx.read_gexf(sys.argv[1], version='1.3')\n"
    "    assert G.number_of_nodes() == 7 and G.number_of_edges() == 18\n"
    "    assert G.nodes['1']['label'] == 'Jack Powell' and G.nodes['1']['age'] == 38\n"
    "else:\n"
    "    print('networkx %s reads no GEXF 1.3: structure checked only' % nx.__version__)\n";

static void test_gexf_networkx(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = fx_network(f);
    sk_export_opts o = opts();
    const char *path = out_path("net.gexf");
    assert_int_equal(sk_export_write(r, path, &o, NULL), SK_OK);
    char *xml = fx_slurp(path, NULL);
    assert_non_null(strstr(xml, "<gexf xmlns=\"http://gexf.net/1.3\""));
    assert_non_null(strstr(xml, "version=\"1.3\""));
    assert_non_null(strstr(xml, "<meta lastmodifieddate=\"2024-03-28\">"));
    /* attributes, then nodes, then edges, as the schema orders them */
    char *attrs = strstr(xml, "<attributes"), *nodes = strstr(xml, "<nodes>"),
         *edges = strstr(xml, "<edges>");
    assert_true(attrs && nodes && edges && attrs < nodes && nodes < edges);
    free(xml);
    if (!have_networkx()) {
        print_message("networkx not available in /usr/bin/python3: GEXF check skipped\n");
        free(f);
        skip();
    }
    run_python(k_gexf_check, path);
    free(f);
}

static void test_csv_pair(void **state)
{
    (void)state;
    fx *f = fx_new();
    static sk_rprop props[] = {{"type", {.type = SK_V_STR, .u.str = {"saloon", 6}}}};
    static const char *src[] = {"anpr, \"north\".csv"};
    fx_node(f, 1, "person", "jo smith", "Smith, Jo");
    sk_rnode *car = fx_node(f, 2, "vehicle", "AB12CDE", "AB12 CDE");
    car->props = props;
    car->nprops = 1;
    car->sources = src;
    car->nsources = 1;
    sk_rlink *l = fx_link(f, 9, 1, 2, "owns", true, T_3MAR_10H);
    l->t_off = 60;
    l->grade = "B2";
    l->reliability = 0.75;
    sk_result *r = fx_graph(f);
    sk_export_opts o = opts();
    sk_export_report rep;
    assert_int_equal(sk_export_write(r, out_path("pair.csv"), &o, &rep), SK_OK);
    assert_non_null(strstr(rep.message, "pair_entities.csv"));
    char *ents = fx_slurp(out_path("pair_entities.csv"), NULL);
    char *links = fx_slurp(out_path("pair_links.csv"), NULL);
    assert_non_null(ents);
    assert_non_null(links);
    assert_string_equal(ents,
        "id,type,key,label,grade,handling,sources,prop:type\r\n"
        "1,person,jo smith,\"Smith, Jo\",,,,\r\n"
        "2,vehicle,AB12CDE,AB12 CDE,,,\"anpr, \"\"north\"\".csv\",saloon\r\n");
    assert_string_equal(links,
        "id,src,dst,type,directed,start,end,weight,grade,reliability,handling,sources\r\n"
        "9,1,2,owns,true,2024-03-03T11:00:00+01:00,2024-03-03T11:00:00+01:00,1,B2,0.75,,\r\n");
    free(ents);
    free(links);
    o.sanitise = true;
    assert_int_equal(sk_export_write(r, out_path("clean.csv"), &o, &rep), SK_OK);
    ents = fx_slurp(out_path("clean_entities.csv"), NULL);
    assert_null(strstr(ents, "sources"));
    assert_null(strstr(ents, "anpr"));
    free(ents);
    free(f);
}

static void test_table_csv_and_json_files(void **state)
{
    (void)state;
    static const char *cols[] = {"id", "n"};
    static sk_value cells[] = {{.type = SK_V_ID, .u.i = 4}, {.type = SK_V_INT, .u.i = 12}};
    sk_result t = {.kind = SK_RESULT_TABLE};
    t.table = (sk_table){2, cols, 1, cells};
    sk_export_report rep;
    assert_int_equal(sk_export_write(&t, out_path("rank.csv"), NULL, &rep), SK_OK);
    assert_string_equal(rep.message + strlen(rep.message) - 8, "rank.csv");
    char *csv = fx_slurp(out_path("rank.csv"), NULL);
    assert_string_equal(csv, "id,n\r\n4,12\r\n");
    free(csv);
    assert_int_equal(sk_export_write(&t, out_path("rank.json"), NULL, &rep), SK_OK);
    json_error_t err;
    json_t *doc = json_load_file(out_path("rank.json"), 0, &err);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_array_get(json_array_get(
                         json_object_get(doc, "rows"), 0), 1)), 12);
    json_decref(doc);
    fx *f = fx_new();
    sk_result *r = fx_network(f);
    assert_int_equal(sk_export_write(r, out_path("net.json"), NULL, &rep), SK_OK);
    assert_int_equal(rep.entities, 7);
    doc = json_load_file(out_path("net.json"), 0, &err);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "links")), 18);
    json_decref(doc);
    free(f);
}

static size_t count_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_all_or_nothing(void **state)
{
    (void)state;
    char dir[64];
    fx_tmpdir(dir, sizeof dir);
    char path[128];
    snprintf(path, sizeof path, "%s/keep.svg", dir);
    FILE *fp = fopen(path, "w");
    fputs("old chart", fp);
    fclose(fp);
    fx *f = fx_new();
    fx_ring(f, 1, 12);
    sk_result *r = fx_graph(f);
    sk_export_opts o = opts();
    o.max_entities = 5;
    assert_int_equal(sk_export_write(r, path, &o, NULL), SK_ELIMIT);
    char *old = fx_slurp(path, NULL);
    assert_string_equal(old, "old chart");
    free(old);
    snprintf(path, sizeof path, "%s/keep.graphml", dir);
    assert_int_equal(sk_export_write(r, path, &o, NULL), SK_OK);
    /* No temporary files are left behind. */
    assert_int_equal(count_files(dir), 2);
    free(f);
    fx_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graphml_networkx),
        cmocka_unit_test(test_gexf_networkx),
        cmocka_unit_test(test_csv_pair),
        cmocka_unit_test(test_table_csv_and_json_files),
        cmocka_unit_test(test_all_or_nothing),
    };
    fx_tmpdir(g_dir, sizeof g_dir);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    fx_rmtree(g_dir);
    return rc;
}
