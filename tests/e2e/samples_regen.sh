#!/usr/bin/env bash
# samples_regen.sh — the committed sample case (samples/case/*.csv and the
# "Expected answers" in samples/README.md) is exactly what
# samples/generate.py writes, and it holds together: every number, plate
# and nominal referred to is in the file that lists them, numbers are in
# the Ofcom drama range, plates are unissuable, the case is small.
# Needs SK_SOURCE_DIR and python3; skips (77) without them.
set -euo pipefail

src="${SK_SOURCE_DIR:-}"
py=$(command -v /usr/bin/python3 || command -v python3 || true)
if [[ -z "$src" || ! -f "$src/samples/generate.py" || -z "$py" ]]; then
    echo "skip: needs SK_SOURCE_DIR and python3"
    exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/samples/README.md" "$work/README.md"
"$py" "$src/samples/generate.py" --out "$work/case" --readme "$work/README.md"

fails=0
if ! diff -r "$src/samples/case" "$work/case" >"$work/diff.txt"; then
    echo "FAIL: samples/case differs from what generate.py writes:"
    head -20 "$work/diff.txt"
    fails=$((fails + 1))
fi
if ! diff "$src/samples/README.md" "$work/README.md" >"$work/diff.txt"; then
    echo "FAIL: samples/README.md expected answers are stale:"
    head -20 "$work/diff.txt"
    fails=$((fails + 1))
fi

# Consistency of the files as an importer sees them.
"$py" - "$src/samples/case" <<'EOF' || fails=$((fails + 1))
import csv, os, re, sys

case = sys.argv[1]
def rows(name):
    with open(os.path.join(case, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))

def digits(s):
    d = re.sub(r"\D", "", s)
    if d.startswith("00"):
        d = d[2:]
    elif d.startswith("0"):
        d = "44" + d[1:]
    return d

bad = []
def check(ok, what):
    if not ok:
        bad.append(what)

persons = {r["id"] for r in rows("persons.csv")}
check(len(persons) == 200, "200 distinct nominal numbers")
phones = {digits(r["msisdn"]) for r in rows("phones.csv")}
check(all(re.fullmatch(r"447700900\d{3}", p) for p in phones), "phones in the drama range")
plates = {r["plate"].replace(" ", "").upper() for r in rows("vehicles.csv")}
check(all(re.search(r"[IQ]", p[-3:]) for p in plates), "every plate has I or Q in its last letters")
cdr = rows("cdr_operator_a.csv")
check(5000 <= len(cdr) <= 8000, "5k-8k call records")
check(all(digits(r["a_party"]) in phones and digits(r["b_party"]) in phones for r in cdr),
      "every called number is in phones.csv")
check(all(re.fullmatch(r"2024-0[34]-\d\d \d\d:\d\d:\d\d", r["start"]) for r in cdr), "local times")
anpr = rows("anpr_reads.csv")
check(3000 <= len(anpr) <= 5000, "3k-5k ANPR reads")
check(all(r["plate"].upper() in plates for r in anpr), "every read plate is in vehicles.csv")
check(all(r["timestamp"].endswith("Z") for r in anpr), "ANPR times in UTC")
for e in rows("events.csv"):
    check(all(p in persons for p in e["persons"].split(";")), "event persons exist: " + e["event_id"])
events = {e["event_id"] for e in rows("events.csv")}
for r in rows("intel_reports.csv"):
    check(re.fullmatch(r"[A-E][1-5][1-5]", r["grading"]) is not None, "grading " + r["report_id"])
    for t, s in ((r["subject_type"], r["subject"]), (r["related_type"], r["related_subject"])):
        if t == "person":
            check(s in persons, "intel person exists: " + r["report_id"])
        elif t == "phone":
            check(digits(s) in phones, "intel phone exists: " + r["report_id"])
        elif t == "vehicle":
            check(s.replace(" ", "").upper() in plates, "intel plate exists: " + r["report_id"])
        elif t == "event":
            check(s in events, "intel event exists: " + r["report_id"])
size = sum(os.path.getsize(os.path.join(case, f)) for f in os.listdir(case))
check(size < 1_500_000, "case under 1.5 MB")
for b in bad:
    print("FAIL:", b)
print("consistency: %d problems" % len(bad))
sys.exit(1 if bad else 0)
EOF

echo "$((3 - fails)) passed, $fails failed"
((fails == 0))
