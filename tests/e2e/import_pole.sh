#!/usr/bin/env bash
# import_pole.sh — the Neo4j POLE case from ../shared/data imports as it is
# through `skein import --spec neo4j` and reproduces its published counts
# (61,521 nodes, 105,840 relationships); importing it again changes nothing.
# Needs: $SKEIN, $SK_SHARED_DATA. Exit 77 = skipped.
set -u
: "${SKEIN:?}"
dir="${SK_SHARED_DATA:-}/neo4j-pole"
if [ ! -r "$dir/crime-investigation.nodes.Person.csv" ]; then
    echo "skipped: $dir is absent"; exit 77
fi
if ! "$SKEIN" import --help >/dev/null 2>&1; then
    echo "skipped: this skein has no import command yet"; exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case="$work/pole.case"
"$SKEIN" import "$case" "$dir"/crime-investigation.*.csv --spec neo4j || exit 1
count() { "$SKEIN" stats "$case" --format json | python3 -c '
import json, sys
print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
e=$(count entities) l=$(count links)
[ "$e" = 61521 ] && [ "$l" = 105840 ] || { echo "FAIL: $e entities, $l links"; exit 1; }
out=$("$SKEIN" import "$case" "$dir"/crime-investigation.*.csv --spec neo4j 2>&1) || { echo "FAIL: $out"; exit 1; }
grep -q "already imported" <<<"$out" || { echo "FAIL: re-import said: $out"; exit 1; }
[ "$(count entities)" = 61521 ] || { echo "FAIL: re-import changed the case"; exit 1; }
echo "1 passed, 0 failed"
