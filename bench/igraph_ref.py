#!/usr/bin/python3
"""igraph_ref.py - the analysis benchmark's reference (issue 5): the same
measures as skein's, computed by python3-igraph on the same generated case,
read from the CSV files skein-gen wrote (bench/README.md), load included.

    igraph_ref.py CSV_DIR HUB_KEY VEHICLE_KEY WINDOW_SECONDS

HUB_KEY and VEHICLE_KEY are skein's normalised keys of the hub person and
the vehicle; they are matched to the CSV keys loosely (letters and digits
only, case-blind), which is unique for the generator's key formats.

The graph follows skein's analysis graph (docs/analysis.md): every entity
is a vertex, each link an arc (knows, the one undirected type, both ways),
parallel arcs folded and self-loops dropped. pagerank is directed
(damping 0.85, PRPACK); components are weak; betweenness runs on the
undirected induced network within 2 hops of the hub. colocated has no
igraph form: it is plain Python over the timed links at locations, as skein
defines it (other entities with a timed link to a place the vehicle was
seen at, within the window, inclusive; the vehicle's consecutive reads at
one place within the window count as one stop, the first).

Prints one fact per line for skein-bench to read:
    time OP WALL_SECONDS CPU_SECONDS
    size OP N [M]
    top OP RANK TYPE SCORE RAWKEY
"""
import bisect
import calendar
import collections
import csv
import re
import sys
import time

import igraph as ig

ENTITY_FILES = (("person", "persons.csv"), ("phone", "phones.csv"),
                ("vehicle", "vehicles.csv"), ("location", "locations.csv"),
                ("event", "events.csv"))
PLACES = {"location"}


def loose(key):
    return re.sub(r"[^0-9a-z]", "", key.lower())


def load(csv_dir):
    index, names = {}, []
    for typ, name in ENTITY_FILES:
        with open(f"{csv_dir}/{name}", newline="", encoding="utf-8") as fh:
            rows = csv.reader(fh)
            next(rows)
            for row in rows:
                index[(typ, row[0])] = len(names)
                names.append((typ, row[0]))
    edges = []
    at_place = collections.defaultdict(list)   # place vertex -> [(time, entity)]
    with open(f"{csv_dir}/links.csv", newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        next(rows)
        for st, sk, dt, dk, typ, when, _ in rows:
            s, d = index[(st, sk)], index[(dt, dk)]
            edges.append((s, d))
            if typ == "knows":
                edges.append((d, s))
            if when and (dt in PLACES or st in PLACES):
                t = calendar.timegm((int(when[0:4]), int(when[5:7]), int(when[8:10]),
                                     int(when[11:13]), int(when[14:16]), int(when[17:19])))
                if dt in PLACES:
                    at_place[d].append((t, s))
                else:
                    at_place[s].append((t, d))
    g = ig.Graph(n=len(names), edges=edges, directed=True)
    g.simplify(multiple=True, loops=True)
    for v in at_place.values():
        v.sort()
    return g, names, at_place


def find(names, typ, key):
    want = loose(key)
    for i, (t, k) in enumerate(names):
        if t == typ and loose(k) == want:
            return i
    sys.exit(f"igraph_ref.py: no {typ} with key {key}")


def top(op, names, scores, n=10):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:n]
    for rank, i in enumerate(order, 1):
        print(f"top {op} {rank} {names[i][0]} {scores[i]:.10g} {names[i][1]}")


def colocated(names, at_place, veh, window):
    # The vehicle's sightings in time order; consecutive reads at one place
    # within the window are one stop, the first of them (skein's rule).
    mine = sorted((t, place) for place, sightings in at_place.items()
                  for t, e in sightings if e == veh)
    stops = []
    for t, place in mine:
        if stops and stops[-1][1] == place and t - stops[-1][0] <= window:
            continue
        stops.append((t, place))
    seen = collections.Counter()
    for t, place in stops:
        sightings = at_place[place]
        lo = bisect.bisect_left(sightings, (t - window, -1))
        hi = bisect.bisect_right(sightings, (t + window, len(names)))
        for _, e in sightings[lo:hi]:
            if e != veh:
                seen[e] += 1
    return seen


def timed(op, fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    print(f"time {op} {time.perf_counter() - t0:.6f} {time.process_time() - c0:.6f}",
          flush=True)
    return out


def main():
    csv_dir, hub_key, veh_key, window = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    g, names, at_place = timed("load", lambda: load(csv_dir))
    print(f"size graph {g.vcount()} {g.ecount()}")
    pr = timed("pagerank", lambda: g.pagerank(damping=0.85))
    top("pagerank", names, pr)
    comps = timed("components", lambda: g.connected_components(mode="weak"))
    print(f"size components {len(comps)} {max(comps.sizes())}")
    hub = find(names, "person", hub_key)

    def ego():
        # The network around the hub as skein builds it: entities within two
        # hops in either direction, and every link among them, undirected.
        vs = sorted(g.neighborhood(hub, order=2, mode="all"))
        pos = {v: i for i, v in enumerate(vs)}
        edges = {(pos[v], pos[w]) for v in vs for w in g.neighbors(v, mode="all")
                 if w in pos and pos[v] < pos[w]}
        sub = ig.Graph(n=len(vs), edges=list(edges))
        return vs, sub, sub.betweenness(directed=False)
    vs, sub, bt = timed("betweenness", ego)
    print(f"size ego {sub.vcount()} {sub.ecount()}")
    top("betweenness", [names[v] for v in vs], bt)
    veh = find(names, "vehicle", veh_key)
    seen = timed("colocated", lambda: colocated(names, at_place, veh, window))
    print(f"size colocated {len(seen)}")


if __name__ == "__main__":
    main()
