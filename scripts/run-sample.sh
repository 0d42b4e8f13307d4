#!/usr/bin/env bash
# Builds skein (installing missing Debian packages first), imports the
# sample case Operation LANTERN from samples/case/ into build/lantern.skein
# through the real import path, writes the association chart
# build/lantern.svg, and opens the shell on the case when run on a
# terminal (otherwise prints the case's statistics).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DSKEIN_WERROR=ON >/dev/null
cmake --build build -j"${JOBS:-2}" --target skein >/dev/null

SKEIN=build/skein
CASE=build/lantern.skein
rm -f "$CASE" "$CASE-lock"
cd samples/case
for part in persons:persons phones:phones vehicles:vehicles cdr_operator_a:cdr \
            anpr_reads:anpr events:events intel_reports:intel; do
  file=${part%%:*}.csv spec=../specs/${part##*:}.spec
  "../../$SKEIN" import "../../$CASE" "$file" --spec "$spec" --user tour | head -n 1
done
cd ../..
"$SKEIN" "$CASE" --user tour --authorised-by "Tour, sample case" -c 'network around person "Kieran James HALDANE" depth 2 via knows, associate_of, family | export svg "build/lantern.svg" title "Operation LANTERN: the HALDANE network"'
if [ -t 0 ] && [ -t 1 ]; then
  exec "$SKEIN" "$CASE"
else
  "$SKEIN" stats "$CASE"
fi
