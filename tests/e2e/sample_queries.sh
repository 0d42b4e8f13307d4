#!/usr/bin/env bash
# Imports the sample case (Operation LANTERN) through the real import path,
# runs every example script in samples/queries/ against a fresh copy of it
# and compares what skein prints with tests/e2e/golden/NAME.out.
# SKEIN_UPDATE_GOLDEN=1 rewrites the golden files (review the diff!).
set -euo pipefail
# Sanitizer builds: the leak checker's summary of suppressed library leaks
# would otherwise be part of the output compared.
export LSAN_OPTIONS="print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
: "${SKEIN:?set by ctest}" "${SK_SOURCE_DIR:?set by ctest}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case_file=$work/lantern.skein

cd "$SK_SOURCE_DIR/samples/case"
for part in persons:persons phones:phones vehicles:vehicles cdr_operator_a:cdr \
            anpr_reads:anpr events:events intel_reports:intel; do
  "$SKEIN" import "$case_file" "${part%%:*}.csv" --spec "../specs/${part##*:}.spec" \
    --user tour >/dev/null
done
# The published facts of the sample case (samples/README.md).
stats=$("$SKEIN" stats "$case_file" --format json)
for want in '"person":200' '"phone":187' '"vehicle":80' '"called":2121' '"texted":3631' \
            '"seen_at":4043' '"knows":268'; do
  grep -q "$want" <<<"$stats" || { echo "stats: expected $want in $stats"; exit 1; }
done

fail=0
for script in "$SK_SOURCE_DIR"/samples/queries/*.skq; do
  name=$(basename "$script" .skq)
  run=$work/$name
  mkdir -p "$run"
  cp "$case_file" "$run/case.skein"
  out=$run/out.txt
  (cd "$run" && "$SKEIN" case.skein --user tour --authorised-by "DI Example, SIO" \
     -f "$script" >"$out" 2>&1) || {
    echo "FAIL $name: skein exited non-zero"; cat "$out"; fail=1; continue; }
  golden=$SK_SOURCE_DIR/tests/e2e/golden/$name.out
  if [ "${SKEIN_UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$out" "$golden"
  elif ! diff -u "$golden" "$out"; then
    echo "FAIL $name: output differs from $golden"; fail=1
  fi
done

# A third-party sample shipped with its licence (samples/ATTRIBUTION.md).
tp=$SK_SOURCE_DIR/samples/third-party/anpr-metrics
"$SKEIN" import "$work/anpr.skein" "$tp/example.csv" --spec "$tp/anpr-metrics.spec" \
  --user tour >/dev/null 2>&1
"$SKEIN" "$work/anpr.skein" --user tour -f "$tp/queries.skq" >"$work/anpr.out" 2>&1 || {
  echo "FAIL anpr-metrics: skein exited non-zero"; cat "$work/anpr.out"; fail=1; }
golden=$SK_SOURCE_DIR/tests/e2e/golden/anpr-metrics.out
if [ "${SKEIN_UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$work/anpr.out" "$golden"
elif ! diff -u "$golden" "$work/anpr.out"; then
  echo "FAIL anpr-metrics: output differs from $golden"; fail=1
fi

# The export script's files are what they say they are.
exp=$work/08-export
head -c 5 "$exp/haldane.svg" | grep -q '<?xml' || { echo "haldane.svg is not XML"; fail=1; }
grep -q '<graphml' "$exp/haldane.graphml" || { echo "haldane.graphml is not GraphML"; fail=1; }
if command -v /usr/bin/python3 >/dev/null; then
  /usr/bin/python3 - "$exp/path.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["nodes"]) == 3 and len(d["paths"]) == 1 and len(d["paths"][0]) == 2, d
PY
fi
# Every example in the reference is one of the scripts' statements, so the
# reference cannot drift from what the tests run.
if command -v /usr/bin/python3 >/dev/null; then
  /usr/bin/python3 - "$SK_SOURCE_DIR" <<'PY' || fail=1
import glob, re, sys
root = sys.argv[1]
doc = open(root + "/docs/query-language.md").read()
run = set()
for f in glob.glob(root + "/samples/queries/*.skq"):
    for line in open(f):
        line = line.strip().rstrip(";")
        if line and not line.startswith("--"):
            run.add(line)
missing = [l.strip() for b in re.findall(r"```\n(.*?)```", doc, re.S)
           for l in b.splitlines()
           if l.strip() and not re.match(r"(line \d|\^|find persn)", l.strip())
           and l.strip() not in run]
for l in missing:
    print("docs/query-language.md example not run by samples/queries:", l)
sys.exit(1 if missing else 0)
PY
fi
[ $fail = 0 ] && echo "sample queries: all outputs as expected"
exit $fail
