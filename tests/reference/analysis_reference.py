#!/usr/bin/python3
"""Reference values for skein's network analysis (query/analysis.c).

Reads the third-party networks in ../shared/data with Python's csv module,
builds each one the way docs/analysis.md says skein does (vertices numbered
in entity-id order, self-links dropped, parallel links folded into one edge
whose strength is the sum of theirs, undirected links of a directed network
becoming two arcs, path measures on the distance 1/strength), and computes
every measure with python-igraph. Before printing anything it recomputes
the measures with networkx, an implementation that shares no code with
igraph, and stops with an error when the two disagree.

Usage (run with /usr/bin/python3, which has python3-igraph and networkx):
  analysis_reference.py [--data DIR] --emit-c     C tables for test_query_analysis.c
  analysis_reference.py [--data DIR] --dump CASE  every vertex: "measure<TAB>id<TAB>value"
  analysis_reference.py [--data DIR] --modularity CASE FILE
                                                  networkx modularity of the partition
                                                  in FILE ("id<TAB>community" lines)
  analysis_reference.py [--data DIR] --pole-triangles
                                                  which KNOWS-type links give the guide's
                                                  answer (Deborah Ford 10, Phillip Perry 9)
DIR defaults to $SK_SHARED_DATA, else ../../../shared/data from this file.
"""
import argparse
import csv
import fractions
import math
import os
import random
import sys
import textwrap
import warnings

import igraph
import networkx as nx

# ---- Loading the data sets ---------------------------------------------


def read_csv(path):
    """Rows of a CSV file; a UTF-8 BOM and CRLF line ends are tolerated."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))


def square_matrix(path, directed):
    """A labelled square matrix: ids are row numbers from 1, names the row
    labels; a non-zero cell is a link of that weight (upper triangle only
    when undirected, as the matrices are symmetric)."""
    rows = [r for r in read_csv(path)[1:] if r and r[0] != ""]
    n = len(rows)
    names = {i + 1: rows[i][0] for i in range(n)}
    links = []
    for i in range(n):
        for j in range(n):
            if i == j or (not directed and j < i):
                continue
            cell = rows[i][j + 1]
            if cell not in ("", "0"):
                links.append((i + 1, j + 1, float(cell), directed))
    return names, links


def madrid(data):
    base = os.path.join(data, "madrid-bombing-2004")
    nodes = read_csv(os.path.join(base, "Madrid_Nodes_Public_Version2.csv"))
    names = {int(r[0]): r[0] for r in nodes[1:] if r and r[0]}
    links = []
    for r in read_csv(os.path.join(base, "Madrid_Relations_Public_Version2.csv"))[1:]:
        if len(r) > 3 and r[2] and r[3]:
            links.append((int(r[2]), int(r[3]), 1.0, False))
    return names, links


# Neo4j ids start at 0, which is "no entity" in skein: ids are shifted by 1.
POLE_KNOWS = ["KNOWS"]
POLE_UNION = ["KNOWS", "KNOWS_SN", "KNOWS_PHONE", "KNOWS_LW", "FAMILY_REL"]


def pole(data, types):
    base = os.path.join(data, "neo4j-pole")
    people = read_csv(os.path.join(base, "crime-investigation.nodes.Person.csv"))
    head = people[0]
    col = {h: i for i, h in enumerate(head)}
    names = {int(r[col[":ID"]]) + 1: r[col["name"]] + " " + r[col["surname"]]
             for r in people[1:] if r}
    links = []
    for t in types:
        rows = read_csv(os.path.join(base, "crime-investigation.relationships.%s.csv" % t))
        for r in rows[1:]:
            a, b = int(r[0]) + 1, int(r[1]) + 1
            if a in names and b in names:
                links.append((a, b, 1.0, False))
    return names, links


def dataset(data, case):
    """(names, links, directed, weighted) of a test case."""
    noordin = os.path.join(data, "noordin-top", "csv", "3_Communication_Ties.csv")
    london = os.path.join(data, "london-gang", "LONDON_GANG.csv")
    ciel = os.path.join(data, "ciel", "CIELNET.csv")
    table = {
        "noordin": lambda: square_matrix(noordin, False) + (False, False),
        "london": lambda: square_matrix(london, False) + (False, False),
        "london-w": lambda: square_matrix(london, False) + (False, True),
        "madrid": lambda: madrid(data) + (False, False),
        "pole-knows": lambda: pole(data, POLE_KNOWS) + (False, False),
        "pole-union": lambda: pole(data, POLE_UNION) + (False, False),
        "ciel": lambda: square_matrix(ciel, True) + (True, False),
        "ciel-w": lambda: square_matrix(ciel, True) + (True, True),
    }
    return table[case]()


CASES = ["noordin", "london", "london-w", "madrid", "pole-knows", "pole-union",
         "ciel", "ciel-w"]

# ---- The analysis graph, as docs/analysis.md defines it ------------------


def fold(links, ids, directed, weighted):
    """Simple edge list {(u, v): strength} over vertex numbers."""
    index = {i: k for k, i in enumerate(ids)}
    edges = {}
    for a, b, w, link_directed in links:
        if a == b:
            continue
        w = w if weighted else 1.0
        if w == 0:
            continue
        u, v = index[a], index[b]
        if not directed:
            arcs = [(min(u, v), max(u, v))]
        elif link_directed:
            arcs = [(u, v)]
        else:
            arcs = [(u, v), (v, u)]
        for e in arcs:
            edges[e] = edges.get(e, 0.0) + w
    return edges


class Net:
    def __init__(self, names, links, directed, weighted):
        self.ids = sorted(set(names) | {x for l in links for x in l[:2]})
        self.names = names
        self.directed = directed
        self.weighted = weighted
        self.n = len(self.ids)
        e = fold(links, self.ids, directed, weighted)
        ue = fold(links, self.ids, False, weighted)
        keys = sorted(e)
        ukeys = sorted(ue)
        self.g = igraph.Graph(n=self.n, edges=keys, directed=directed)
        self.g.es["w"] = [e[k] for k in keys]
        self.g.es["d"] = [1.0 / e[k] for k in keys]
        self.u = igraph.Graph(n=self.n, edges=ukeys, directed=False)
        self.u.es["w"] = [ue[k] for k in ukeys]
        self.nx = nx.DiGraph() if directed else nx.Graph()
        self.nx.add_nodes_from(range(self.n))
        # Exact distances: networkx compares path lengths with ==, igraph
        # with a tolerance, so float noise (1/3 + 1/3 + 1/3 against 1) would
        # split ties in networkx that are ties.
        for (a, b), w in e.items():
            self.nx.add_edge(a, b, w=w, d=1 / fractions.Fraction(w))
        self.nxu = nx.Graph()
        self.nxu.add_nodes_from(range(self.n))
        for (a, b), w in ue.items():
            self.nxu.add_edge(a, b, w=w)


def nan0(xs):
    return [0.0 if (x is None or math.isnan(x)) else x for x in xs]


def measures_igraph(net):
    g, w = net.g, ("w" if net.weighted else None)
    d = "d" if net.weighted else None
    uw = "w" if net.weighted else None
    out = {}
    if net.weighted:
        out["degree"] = net.u.strength(weights=uw, loops=False)
        out["indegree"] = g.strength(mode="in", weights=w, loops=False)
        out["outdegree"] = g.strength(mode="out", weights=w, loops=False)
    else:
        out["degree"] = [float(x) for x in net.u.degree(loops=False)]
        out["indegree"] = [float(x) for x in g.degree(mode="in", loops=False)]
        out["outdegree"] = [float(x) for x in g.degree(mode="out", loops=False)]
    out["betweenness"] = g.betweenness(directed=True, weights=d)
    out["closeness"] = nan0(g.closeness(mode="out", weights=d, normalized=True))
    out["harmonic"] = g.harmonic_centrality(mode="out", weights=d, normalized=True)
    with warnings.catch_warnings():
        # igraph warns that weighted directed eigenvector centrality may be
        # ill-defined; skein reports the same warning as a notice.
        warnings.simplefilter("ignore", RuntimeWarning)
        out["eigenvector"] = g.eigenvector_centrality(directed=True, scale=True, weights=w)
    out["pagerank"] = g.pagerank(directed=True, damping=0.85, weights=w,
                                 implementation="prpack")
    tri = [0.0] * net.n
    for t in net.u.list_triangles():
        for v in t:
            tri[v] += 1
    out["triangles"] = tri
    return out


def measures_networkx(net):
    """The same measures from networkx, where its definition matches."""
    G, U = net.nx, net.nxu
    w = "w" if net.weighted else None
    d = "d" if net.weighted else None
    n = net.n
    out = {}
    deg = dict(U.degree(weight=w))
    out["degree"] = [float(deg[i]) for i in range(n)]
    if net.directed:
        ind, outd = dict(G.in_degree(weight=w)), dict(G.out_degree(weight=w))
        out["indegree"] = [float(ind[i]) for i in range(n)]
        out["outdegree"] = [float(outd[i]) for i in range(n)]
    bc = nx.betweenness_centrality(G, normalized=False, weight=d)
    out["betweenness"] = [float(bc[i]) for i in range(n)]
    # networkx measures closeness and harmonic on incoming paths; skein and
    # igraph on outgoing ones: reverse a directed graph first.
    R = G.reverse() if net.directed else G
    cc = nx.closeness_centrality(R, distance=d, wf_improved=False)
    out["closeness"] = [float(cc[i]) for i in range(n)]
    hc = nx.harmonic_centrality(R, distance=d)
    out["harmonic"] = [float(hc[i]) / (n - 1) for i in range(n)]
    pr = nx.pagerank(G, alpha=0.85, weight=w or "none", tol=1e-13, max_iter=100000)
    out["pagerank"] = [pr[i] for i in range(n)]
    # Eigenvector centrality is unique when the adjacency matrix has a simple
    # largest eigenvalue: always so for an undirected graph whose largest
    # component is not repeated, only for strongly connected directed ones.
    if not net.directed or nx.is_strongly_connected(G):
        ev = nx.eigenvector_centrality_numpy(G, weight=w)
        top = max(ev.values())
        out["eigenvector"] = [ev[i] / top for i in range(n)]
    tri = nx.triangles(U)
    out["triangles"] = [float(tri[i]) for i in range(n)]
    return out


def close(a, b, rel=1e-6, absolute=1e-9):
    return abs(a - b) <= max(absolute, rel * max(abs(a), abs(b)))


def cross_check(case, net, ig, nxm):
    bad = []
    for m, ref in nxm.items():
        for i, (a, b) in enumerate(zip(ig[m], ref)):
            if not close(a, b):
                bad.append("%s %s id %d: igraph %r networkx %r" % (case, m, net.ids[i], a, b))
    if bad:
        sys.exit("igraph and networkx disagree:\n  " + "\n  ".join(bad[:20]))
    return sorted(nxm)


# ---- Ranking, components, communities as skein orders them --------------


def quantise(x):
    """The score rounded to 34 significant bits (analysis.c quantise)."""
    if math.isnan(x):
        return -math.inf
    if x == 0 or math.isinf(x):
        return x
    m, e = math.frexp(x)
    return math.ldexp(round(math.ldexp(m, 34)), e - 34)


def ranked(net, scores):
    order = sorted(range(net.n), key=lambda v: (-quantise(scores[v]), net.ids[v]))
    return [(net.ids[v], scores[v]) for v in order]


def canonical(net, membership):
    """Labels renumbered: 0 = largest, ties by smallest id."""
    groups = {}
    for v, c in enumerate(membership):
        groups.setdefault(c, []).append(v)
    order = sorted(groups.values(), key=lambda vs: (-len(vs), vs[0]))
    out = [0] * net.n
    for label, vs in enumerate(order):
        for v in vs:
            out[v] = label
    return out


def components(net):
    mode = "weak"
    memb = net.g.connected_components(mode=mode).membership
    ncomp = len(set(memb))
    nxc = nx.number_weakly_connected_components(net.nx) if net.directed else \
        nx.number_connected_components(net.nx)
    if ncomp != nxc:
        sys.exit("components: igraph %d networkx %d" % (ncomp, nxc))
    return canonical(net, memb)


def modularity_range(net, method, runs=50):
    """Lowest and highest modularity python-igraph's METHOD reaches over
    RUNS seeds of its generator (Python's random module)."""
    w = "w" if net.weighted else None
    qs = []
    for seed in range(runs):
        random.seed(seed)
        c = getattr(net.u, method)(weights=w)
        qs.append(net.u.modularity(c.membership, weights=w))
    return min(qs), max(qs)


def nx_modularity(net, membership):
    groups = {}
    for v, c in enumerate(membership):
        groups.setdefault(c, set()).add(v)
    return nx.community.modularity(net.nxu, list(groups.values()),
                                   weight="w" if net.weighted else None)


# ---- Output ------------------------------------------------------------

MEASURES = ["degree", "indegree", "outdegree", "betweenness", "closeness", "harmonic",
            "eigenvector", "pagerank", "triangles"]


def case_measures(net):
    ms = list(MEASURES)
    if not net.directed:
        ms.remove("indegree")
        ms.remove("outdegree")
    return ms


def load(data, case):
    names, links, directed, weighted = dataset(data, case)
    net = Net(names, links, directed, weighted)
    ig = measures_igraph(net)
    checked = cross_check(case, net, ig, measures_networkx(net))
    return net, ig, checked


def emit_c(data):
    print("/* Generated by tests/reference/analysis_reference.py --emit-c:")
    print(" * python-igraph %s, networkx %s. */" % (igraph.__version__, nx.__version__))
    tables, summaries = [], []
    for case in CASES:
        net, ig, checked = load(data, case)
        for m in case_measures(net):
            top = ranked(net, ig[m])[:10]
            cells = ["{%d, %.17g}" % (i, s) for i, s in top]
            lines, line = [], ""
            for c in cells:
                if line and len(line) + len(c) > 84:
                    lines.append(line)
                    line = ""
                line += c + ", "
            lines.append(line)
            body = "\n      ".join(l.rstrip() for l in lines).rstrip(",")
            tables.append('    {"%s", "%s", %d, {\n      %s}},' % (case, m, len(top), body))
        comp = components(net)
        ncomp = max(comp) + 1
        largest = comp.count(0)
        q = modularity_range(net, "community_multilevel") + \
            modularity_range(net, "community_label_propagation")
        agreed = textwrap.wrap("networkx agrees on " + " ".join(checked), 80)
        summaries.append("    /* %s */" % "\n       ".join(agreed))
        summaries.append('    {"%s", %d, %d, %d, %d, {%.6f, %.6f}, {%.6f, %.6f}},'
                         % ((case, net.n, len(net.g.es), ncomp, largest) + q))
    print("/* {case, measure, rows, {{id, score} in skein's rank order}} */")
    print("static const expected_top expected_tops[] = {")
    print("\n".join(tables))
    print("};")
    print("/* {case, vertices, edges, components, largest component,")
    print(" *  lowest and highest modularity of Louvain, then of label propagation,")
    print(" *  over 50 seeds} */")
    print("static const expected_net expected_nets[] = {")
    print("\n".join(summaries))
    print("};")


def dump(data, case):
    net, ig, _ = load(data, case)
    for m in case_measures(net):
        for v in range(net.n):
            print("%s\t%d\t%.17g" % (m, net.ids[v], ig[m][v]))
    for v, c in enumerate(components(net)):
        print("component\t%d\t%d" % (net.ids[v], c))


def modularity(data, case, path):
    names, links, directed, weighted = dataset(data, case)
    net = Net(names, links, directed, weighted)
    index = {i: k for k, i in enumerate(net.ids)}
    memb = [None] * net.n
    with open(path) as f:
        for line in f:
            i, c = line.split()
            memb[index[int(i)]] = int(c)
    if None in memb:
        sys.exit("partition does not cover every vertex")
    print("%.17g" % nx_modularity(net, memb))


def pole_triangles(data):
    """Which KNOWS-type links reproduce the POLE guide's triangle counts."""
    choices = [["KNOWS"], ["KNOWS_SN", "KNOWS_PHONE", "KNOWS_LW"], POLE_UNION]
    for types in choices:
        names, links = pole(data, types)
        net = Net(names, links, False, False)
        tri = measures_igraph(net)["triangles"]
        want = {n: tri[k] for k, i in enumerate(net.ids)
                for n in [names[i]] if n in ("Deborah Ford", "Phillip Perry")}
        print("%-40s %4d links %4d edges  %s" % ("+".join(types), len(links),
                                                 len(net.g.es), want))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.environ.get(
        "SK_SHARED_DATA", os.path.join(here, "..", "..", "..", "shared", "data")))
    ap.add_argument("--emit-c", action="store_true")
    ap.add_argument("--dump", choices=CASES)
    ap.add_argument("--modularity", nargs=2, metavar=("CASE", "FILE"))
    ap.add_argument("--pole-triangles", action="store_true")
    a = ap.parse_args()
    if a.emit_c:
        emit_c(a.data)
    elif a.dump:
        dump(a.data, a.dump)
    elif a.modularity:
        modularity(a.data, a.modularity[0], a.modularity[1])
    elif a.pole_triangles:
        pole_triangles(a.data)
    else:
        ap.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
