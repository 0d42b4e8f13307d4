#!/usr/bin/env bash
# import_samples.sh — `skein import` on every built-in spec's sample: exact
# entity and link counts from `skein stats --format json`, and a second
# import of the same file that changes nothing and says so.
# Needs: $SKEIN (the binary), $SK_SOURCE_DIR. Exit 77 = skipped.
set -u
: "${SKEIN:?}" "${SK_SOURCE_DIR:?}"
if ! "$SKEIN" import --help >/dev/null 2>&1; then
    echo "skipped: this skein has no import command yet"
    exit 77
fi
S="$SK_SOURCE_DIR/samples/import"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0 pass=0

# count CASE KEY: a top-level number of `skein stats CASE --format json`.
count() {
    "$SKEIN" stats "$1" --format json | python3 -c '
import json, sys
print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

check() { # name spec entities links files...
    local name=$1 spec=$2 ents=$3 links=$4
    shift 4
    local case="$work/$name.case"
    if ! out=$("$SKEIN" import "$case" "$@" --spec "$spec" 2>&1); then
        echo "FAIL $name: import failed: $out"; fail=$((fail + 1)); return
    fi
    local e l
    e=$(count "$case" entities) l=$(count "$case" links)
    if [ "$e" != "$ents" ] || [ "$l" != "$links" ]; then
        echo "FAIL $name: $e entities, $l links; expected $ents, $links"
        fail=$((fail + 1)); return
    fi
    if ! again=$("$SKEIN" import "$case" "$@" --spec "$spec" 2>&1) ||
       ! grep -q "already imported" <<<"$again"; then
        echo "FAIL $name: re-import: $again"; fail=$((fail + 1)); return
    fi
    if [ "$(count "$case" entities)" != "$ents" ] || [ "$(count "$case" links)" != "$links" ]; then
        echo "FAIL $name: re-import changed the case"; fail=$((fail + 1)); return
    fi
    echo "ok $name"
    pass=$((pass + 1))
}

check cdr cdr 5 8 "$S/cdr/calls.csv"
check anpr anpr 5 4 "$S/anpr/reads.csv"
check bank bank 4 4 "$S/bank/transactions.csv"
check edges edges 4 5 "$S/edges/edges.csv"
check matrix edges-matrix 4 3 "$S/edges-matrix/matrix.csv"
check neo4j neo4j 5 4 "$S/neo4j/relationships.csv" "$S/neo4j/nodes.Person.csv" \
    "$S/neo4j/nodes.Phone.csv"
check xry xry 3 5 "$S/xry/calls.txt" "$S/xry/messages.txt"
check ufdr ufdr 6 11 "$S/ufdr/report.xml"

# A spec file given by path, and --dry-run writing nothing (not even a new
# case).
case="$work/dry.case"
if out=$("$SKEIN" import "$case" "$S/cdr/calls.csv" --spec "$SK_SOURCE_DIR/import/specs/cdr.spec" --dry-run 2>&1) &&
   grep -q "dry run" <<<"$out" && { [ ! -e "$case" ] || [ "$(count "$case" links)" = 0 ]; }; then
    echo "ok dry-run"; pass=$((pass + 1))
else
    echo "FAIL dry-run: $out"; fail=$((fail + 1))
fi

# Several --spec options, each for the files after it: one import of files
# of different layouts (one source per file), refused when a file comes
# before any of them.
case="$work/mixed.case"
if out=$("$SKEIN" import "$case" --spec cdr "$S/cdr/calls.csv" --spec anpr "$S/anpr/reads.csv" 2>&1) &&
   [ "$(count "$case" entities)" = 10 ] && [ "$(count "$case" links)" = 12 ] &&
   [ "$(count "$case" sources)" = 2 ]; then
    echo "ok a spec per file"; pass=$((pass + 1))
else
    echo "FAIL a spec per file: $out"; fail=$((fail + 1))
fi
case="$work/misplaced.case"
if ! out=$("$SKEIN" import "$case" "$S/cdr/calls.csv" --spec cdr --spec anpr "$S/anpr/reads.csv" 2>&1) &&
   grep -q "calls.csv comes before any --spec" <<<"$out" && [ ! -s "$case" ]; then
    echo "ok a file before several --spec is refused"; pass=$((pass + 1))
else
    echo "FAIL a file before several --spec: $out"; fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
