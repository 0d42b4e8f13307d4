#!/usr/bin/env bash
# paths_pole.sh — the path statements on the Neo4j POLE case agree with an
# independent implementation (python3-networkx) computed from the same CSV
# files, and the POLE guide's published answer holds: the shortest
# KNOWS/FAMILY_REL/KNOWS_LW/KNOWS_SN/KNOWS_PHONE path from Jack Powell to
# Raymond Walker has 3 hops, and there are 3 such paths.
#
# For 30 sampled pairs of persons (18 of them two or three social hops
# apart, so that there are paths to count) it compares: shortest-path
# lengths over every link; the exact entity sequences of all simple paths
# up to 6 hops over the social links (paths) and the first five of them
# (shortest 5 paths); the entities within 1–3 hops of a person (network
# around, over every link, by count) and within 2 social hops (by id);
# common neighbours at depth 2 with their distances; and which pairs of
# three persons connect can join within 4 hops.
#
# A path in skein is a sequence of entities (parallel links between two
# entities do not make separate paths), so the reference is a simple
# networkx Graph with every link undirected — skein follows links in both
# directions unless a clause says otherwise.
#
# Needs: $SKEIN, $SK_SHARED_DATA, /usr/bin/python3 with networkx.
# Exit 77 = skipped.
set -u
: "${SKEIN:?}"
dir="${SK_SHARED_DATA:-}/neo4j-pole"
if [ ! -r "$dir/crime-investigation.nodes.Person.csv" ]; then
    echo "skipped: $dir is absent"; exit 77
fi
if ! "$SKEIN" import --help >/dev/null 2>&1; then
    echo "skipped: this skein has no import command yet"; exit 77
fi
if ! /usr/bin/python3 -c 'import networkx' 2>/dev/null; then
    echo "skipped: python3-networkx is not installed (apt-get install python3-networkx)"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case="$work/pole.case"
if ! "$SKEIN" import "$case" "$dir"/crime-investigation.*.csv --spec neo4j \
        >"$work/import.log" 2>&1; then
    cat "$work/import.log"
    echo "FAIL: the import failed"
    exit 1
fi

exec /usr/bin/python3 - "$SKEIN" "$case" "$dir" <<'PY'
import csv
import glob
import json
import os
import random
import subprocess
import sys

import networkx as nx

skein, case, data = sys.argv[1:4]
SOCIAL = ["KNOWS", "FAMILY_REL", "KNOWS_LW", "KNOWS_SN", "KNOWS_PHONE"]
VIA = "via " + ", ".join(t.lower() for t in SOCIAL)
MAX_HOPS = 12        # SK_QUERY_MAX_HOPS: the default 'max' of path
passed, failed = 0, 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def query(text):
    r = subprocess.run([skein, case, "-c", text, "--format", "json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("FAIL: %s\nexit %d: %s" % (text, r.returncode, r.stderr.strip()))
    return json.loads(r.stdout)


def num(v):
    return int(str(v).lstrip("#"))


# ---- the reference graphs, from the CSV files ----
persons = {}                       # csv id → row
g_all, g_soc, g_fk = nx.Graph(), nx.Graph(), nx.Graph()
for path in sorted(glob.glob(os.path.join(data, "*.nodes.*.csv"))):
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            g_all.add_node(row[":ID"])
            if row[":LABEL"] == "Person":
                persons[row[":ID"]] = row
                g_soc.add_node(row[":ID"])
                g_fk.add_node(row[":ID"])
for path in sorted(glob.glob(os.path.join(data, "*.relationships.*.csv"))):
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            a, b, t = row[":START_ID"], row[":END_ID"], row[":TYPE"]
            if a != b:
                g_all.add_edge(a, b)
                if t in SOCIAL:
                    g_soc.add_edge(a, b)
                if t in ("KNOWS", "FAMILY_REL"):
                    g_fk.add_edge(a, b)

# ---- persons as entities: by their key (the NHS number), else label ----
doc = query("find person limit 100000")
cols = doc["columns"]
ci, ck, cl = cols.index("id"), cols.index("key"), cols.index("label")
by_key = {str(r[ck]).lower(): num(r[ci]) for r in doc["rows"]}
by_label = {}
for r in doc["rows"]:
    by_label.setdefault(str(r[cl]).lower(), []).append(num(r[ci]))
ent = {}                           # csv id → entity id
for cid, p in persons.items():
    e = by_key.get(p["nhs_no"].lower())
    if e is None:
        same = by_label.get(("%s %s" % (p["name"], p["surname"])).lower(), [])
        e = same[0] if len(same) == 1 else None
    if e is not None:
        ent[cid] = e
check(len(ent) == len(persons) and len(set(ent.values())) == len(ent),
      "mapped %d of %d persons to distinct entities" % (len(ent), len(persons)))
csv_of = {e: c for c, e in ent.items()}


def entity_paths(doc, start):
    """The entity sequences of a path result, from its link ids."""
    ends = {l["id"]: (l["src"], l["dst"]) for l in doc.get("links", [])}
    out = []
    for p in doc.get("paths", []):
        seq = [start]
        for lid in p:
            s, d = ends[lid]
            seq.append(d if seq[-1] == s else s)
        out.append(tuple(seq))
    return out


def ref_paths(a, b, cutoff):
    return sorted((tuple(ent[n] for n in p) for p in nx.all_simple_paths(g_soc, a, b, cutoff)),
                  key=len)


# ---- the published answer ----
def find_person(name, surname):
    return next(c for c, p in persons.items() if p["name"] == name and p["surname"] == surname)


jack, ray = find_person("Jack", "Powell"), find_person("Raymond", "Walker")
ends = 'from person "Jack Powell" to person "Raymond Walker"'
doc = query("path %s %s" % (ends, VIA))
check(len(doc.get("paths", [])) == 1 and len(doc["paths"][0]) == 3,
      "the shortest Jack Powell–Raymond Walker path has 3 hops: %s" % doc.get("paths"))
doc = query("paths %s max 3 %s" % (ends, VIA))
got = entity_paths(doc, ent[jack])
check(len(got) == 3 and all(len(p) == 4 for p in got),
      "3 paths of 3 hops from Jack Powell to Raymond Walker: %s" % got)
check(set(got) == set(ref_paths(jack, ray, 3)), "the same three paths as networkx")
again = query("paths %s max 3 %s" % (ends, VIA))
check(again == doc, "the same query gives the same answer")
# docs/query-paths.md: what Jack and Raymond share within two hops
doc = query('common person "Jack Powell", person "Raymond Walker" depth 2 '
            'via knows, family_rel')
dj = nx.single_source_shortest_path_length(g_fk, jack, cutoff=2)
dr = nx.single_source_shortest_path_length(g_fk, ray, cutoff=2)
want = {ent[n]: (dj[n], dr[n]) for n in dj if n in dr and n not in (jack, ray)}
got = {num(r[0]): (r[-2], r[-1]) for r in doc["rows"]}
check(got == want and doc["columns"][-2:] == ["Jack Powell", "Raymond Walker"],
      "common Jack Powell, Raymond Walker: %s, networkx %s" % (got, want))

# ---- sampled pairs: 18 persons 2 or 3 social hops apart, 12 at random ----
rng = random.Random(20240301)
ids = sorted(persons, key=int)
social = [c for c in ids if g_soc.degree(c) > 0]
pairs = []
while len(pairs) < 18:
    a = rng.choice(social)
    near = sorted((n for n, d in nx.single_source_shortest_path_length(g_soc, a, cutoff=3).items()
                   if d >= 2), key=int)
    if near:
        pairs.append((a, rng.choice(near)))
pairs += [tuple(rng.sample(ids, 2)) for _ in range(12)]
npaths = []
for a, b in pairs:
    A, B = ent[a], ent[b]
    tag = "#%d–#%d" % (A, B)

    # shortest path length over every link
    try:
        want = nx.shortest_path_length(g_all, a, b)
    except nx.NetworkXNoPath:
        want = None
    if want is not None and want > MAX_HOPS:
        want = None
    doc = query("path from #%d to #%d" % (A, B))
    got = len(doc["paths"][0]) if doc.get("paths") else None
    check(got == want, "%s: shortest path %s hops, networkx %s" % (tag, got, want))

    # every simple path up to 6 social hops, and the first five
    want = ref_paths(a, b, 6)
    doc = query("paths from #%d to #%d max 6 limit 10000 %s" % (A, B, VIA))
    got = entity_paths(doc, A)
    check(sorted(got) == sorted(want) and "cut" not in doc.get("notice", ""),
          "%s: %d paths up to 6 hops, networkx %d" % (tag, len(got), len(want)))
    check([len(p) for p in got] == sorted(len(p) for p in got),
          "%s: paths come shortest first" % tag)
    npaths.append(len(got))
    doc5 = query("shortest 5 paths from #%d to #%d max 6 %s" % (A, B, VIA))
    check(entity_paths(doc5, A) == got[:5],
          "%s: shortest 5 paths are the first five of paths" % tag)

    # neighbourhoods over every link (counts) and social links (ids)
    for k in (1, 2, 3):
        want = len(nx.single_source_shortest_path_length(g_all, a, cutoff=k))
        doc = query("network around #%d depth %d" % (A, k))
        check(len(doc["nodes"]) == want,
              "%s: %d entities within %d hops, networkx %d" % (tag, len(doc["nodes"]), k, want))
    want = {ent[n] for n in nx.single_source_shortest_path_length(g_soc, a, cutoff=2)}
    doc = query("network around #%d depth 2 %s" % (A, VIA))
    check({n["id"] for n in doc["nodes"]} == want, "%s: persons within 2 social hops" % tag)

    # common neighbours within 2 social hops, with distances
    da = nx.single_source_shortest_path_length(g_soc, a, cutoff=2)
    db = nx.single_source_shortest_path_length(g_soc, b, cutoff=2)
    want = {ent[n]: (da[n], db[n]) for n in da if n in db and n not in (a, b)}
    doc = query("common #%d, #%d depth 2 %s" % (A, B, VIA))
    got = {num(r[0]): (r[-2], r[-1]) for r in doc["rows"]}
    check(got == want, "%s: common within 2 hops: %d, networkx %d" % (tag, len(got), len(want)))

# ---- connect: three persons, which pairs join within 4 social hops ----
for i in range(0, 18, 3):
    trio = [pairs[i][0], pairs[i][1], pairs[i + 1][0]]
    if len(set(trio)) < 3:
        continue
    doc = query("connect %s max 4 %s" % (", ".join("#%d" % ent[c] for c in trio), VIA))
    joined = apart = 0
    for x in range(3):
        for y in range(x + 1, 3):
            try:
                d = nx.shortest_path_length(g_soc, trio[x], trio[y])
            except nx.NetworkXNoPath:
                d = None
            if d is not None and d <= 4:
                joined += 1
            else:
                apart += 1
                check("#%d " % ent[trio[x]] in doc.get("notice", "") and
                      "#%d " % ent[trio[y]] in doc.get("notice", ""),
                      "connect names the unconnected pair #%d, #%d" % (ent[trio[x]], ent[trio[y]]))
    check(len(doc.get("paths", [])) == joined,
          "connect found %d paths, networkx %d pairs within 4 hops"
          % (len(doc.get("paths", [])), joined))
    check(all(ent[c] in {n["id"] for n in doc["nodes"]} for c in trio),
          "connect shows every entity named")

# the comparison means something only if there were paths to compare
check(sum(npaths) >= 100 and sum(1 for n in npaths if n > 0) >= 18,
      "the sampled pairs have paths to compare: %s" % npaths)
print("paths per pair: %s" % npaths)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
