#!/usr/bin/env bash
# bench_gen.sh — the benchmark generator (bench/skein-gen) is deterministic
# and makes a plausible POLE case: the same seed twice gives byte-identical
# files, another seed gives other files, keys are unique, every link's ends
# exist, the counts per person are near their targets and the knows graph
# is heavy-tailed. Needs SK_BUILD_DIR; skips (77) when skein-gen is not built.
set -euo pipefail

gen="${SK_BUILD_DIR:-}/bench/skein-gen"
if [[ -z "${SK_BUILD_DIR:-}" || ! -x "$gen" ]]; then
    echo "skip: skein-gen not built (SK_BUILD_DIR=${SK_BUILD_DIR:-unset})"
    exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
passes=0
check() {   # check DESCRIPTION COMMAND... — runs COMMAND, counts the result
    local what=$1
    shift
    if "$@"; then
        passes=$((passes + 1))
    else
        echo "FAIL: $what"
        fails=$((fails + 1))
    fi
}

"$gen" --persons 10k --out "$work/a" >/dev/null
"$gen" --persons 10000 --out "$work/b" --seed 1 >/dev/null
"$gen" --persons 10k --out "$work/c" --seed 2 >/dev/null

files="persons.csv phones.csv vehicles.csv locations.csv events.csv links.csv"
sums() { (cd "$1" && sha256sum $files); }
check "same seed gives identical files" test "$(sums "$work/a")" = "$(sums "$work/b")"
# Golden digests of the 10k case with seed 1: the same bytes on every
# machine and compiler. After a deliberate change to the generator,
# update them (and the figures in bench/README.md).
golden="e106d30213c288b89b8b97fb57ad90faca0ff0bca234c965287ef29d3db635dd  persons.csv
04715e8a959222df0cfacb485a4073a56d517022a97d6931b02989a488db9cba  links.csv"
check "10k case matches the golden digests" \
    test "$(cd "$work/a" && sha256sum persons.csv links.csv)" = "$golden"
check "another seed gives other links" \
    test "$(sha256sum <"$work/a/links.csv")" != "$(sha256sum <"$work/c/links.csv")"

rows() { echo $(($(wc -l <"$work/a/$1") - 1)); }
between() { (($2 >= $1 && $2 <= $3)); }
check "10000 persons" test "$(rows persons.csv)" -eq 10000
check "0.3 locations per person" test "$(rows locations.csv)" -eq 3000
check "0.05 events per person" test "$(rows events.csv)" -eq 500
check "about 1.2 phones per person" between 11000 "$(rows phones.csv)" 13000
check "about 0.4 vehicles per person" between 3500 "$(rows vehicles.csv)" 4500
check "about 10 links per person" between 90000 "$(rows links.csv)" 115000

for f in persons phones vehicles locations events; do
    dups=$(tail -n +2 "$work/a/$f.csv" | cut -d, -f1 | sort | uniq -d | wc -l)
    check "$f keys are unique" test "$dups" -eq 0
done

# Every link end is an entity of the named type.
dangling=$(awk -F, '
    FNR == 1 { next }
    FILENAME ~ /persons/ { have["person\t" $1] = 1; next }
    FILENAME ~ /phones/ { have["phone\t" $1] = 1; next }
    FILENAME ~ /vehicles/ { have["vehicle\t" $1] = 1; next }
    FILENAME ~ /locations/ { have["location\t" $1] = 1; next }
    FILENAME ~ /events/ { have["event\t" $1] = 1; next }
    !((($1 "\t" $2) in have) && (($3 "\t" $4) in have)) { bad++ }
    END { print bad + 0 }' \
    "$work/a/persons.csv" "$work/a/phones.csv" "$work/a/vehicles.csv" \
    "$work/a/locations.csv" "$work/a/events.csv" "$work/a/links.csv")
check "every link end exists" test "$dangling" -eq 0

# Heavy tail: someone has at least 100 knows links while the median is small.
maxdeg=$(awk -F, '$5 == "knows" { d[$2]++; d[$4]++ }
    END { m = 0; for (k in d) if (d[k] > m) m = d[k]; print m }' "$work/a/links.csv")
check "a hub with at least 100 knows links (got $maxdeg)" test "$maxdeg" -ge 100

# Timed links carry ISO UTC times in March 2024; untimed ones none.
badtime=$(awk -F, 'NR > 1 {
        timed = ($5 == "called" || $5 == "messaged" || $5 == "seen_at" ||
                 $5 == "party_to" || $5 == "occurred_at")
        if (timed && $6 !~ /^2024-03-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$/) bad++
        if (!timed && $6 != "") bad++
    } END { print bad + 0 }' "$work/a/links.csv")
check "link times are ISO UTC in March 2024" test "$badtime" -eq 0

if "$gen" --persons 0 --out "$work/d" >/dev/null 2>&1; then
    check "--persons 0 is refused" false
else
    check "--persons 0 is refused" true
fi

echo "$passes passed, $fails failed"
((fails == 0))
