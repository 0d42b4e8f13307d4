#!/bin/bash
# cli_basics.sh — the skein command line on a tiny case: -c, -f and
# standard input; --format table, csv and json with exact output; paths
# printed readably; export statements reporting what they wrote; `skein
# export` and `skein import`; and the failures: exit status, the message
# on stderr (with the caret under a bad query), an unknown case, a file
# that is not a case, wrong usage.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
: "${SKEIN:?SKEIN must name the skein binary}"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1

source "$HERE/lib/check.sh"

# ---- The tiny case ----------------------------------------------------------
run tiny.sk -c 'create person "Jack Powell" {dob: 1980-02-03};
create person "Alan Ward";
create vehicle "AB12 CDE" {colour: "blue"};
link person "Jack Powell" -[knows]-> person "Alan Ward";
link person "Jack Powell" -[owns]-> vehicle "AB12 CDE"'
check "creating the case succeeds" "0" "$rc"
check "a new case is announced on stderr" "skein: created a new, empty case tiny.sk" "$err"

# ---- -c in each format --------------------------------------------------------
run tiny.sk -c 'find person order by label'
check "-c prints an aligned table (no colour when piped)" \
'id  type    key          label        dob
--  ------  -----------  -----------  --------------------
#2  person  alan ward    Alan Ward
#1  person  jack powell  Jack Powell  1980-02-03T00:00:00Z
2 rows' "$out"
check "-c exits 0" "0" "$rc"

run tiny.sk -c 'find person order by label' --format csv
# CSV is RFC 4180: every line ends in CRLF.
crlf() { printf '%s\r\n' "$@"; }
check "--format csv (RFC 4180, CRLF)" "$(crlf 'id,type,key,label,dob' \
    '2,person,alan ward,Alan Ward,' \
    '1,person,jack powell,Jack Powell,1980-02-03T00:00:00Z')" "$out"

run tiny.sk -c 'find person order by label' --format json
check "--format json" \
'{"columns":["id","type","key","label","dob"],"rows":[[2,"person","alan ward","Alan Ward",null],[1,"person","jack powell","Jack Powell","1980-02-03T00:00:00Z"]]}' \
    "$out"

run tiny.sk -c 'path from person "Alan Ward" to vehicle "AB12 CDE"' --format json
check "a path as JSON keeps its links in order" \
'{"nodes":[{"id":1,"type":"person","key":"jack powell","label":"Jack Powell","props":{"dob":"1980-02-03T00:00:00Z"}},{"id":2,"type":"person","key":"alan ward","label":"Alan Ward","props":{}},{"id":3,"type":"vehicle","key":"AB12CDE","label":"AB12 CDE","props":{"colour":"blue"}}],"links":[{"id":1,"src":1,"dst":2,"type":"knows","time":null,"props":{}},{"id":2,"src":1,"dst":3,"type":"owns","time":null,"props":{}}],"paths":[[1,2]]}' \
    "$out"

run tiny.sk -c 'path from person "Alan Ward" to vehicle "AB12 CDE"'
check "a path prints readably in a table" \
    "Alan Ward <-[knows]- Jack Powell -[owns]-> AB12 CDE" "$(printf '%s\n' "$out" | grep -- '-\[')"

# ---- -f and standard input ------------------------------------------------------
printf 'find vehicle;\n-- a comment; with a semicolon\nfind person where label ~ /^jack/i;\n' > two.skq
run tiny.sk -f two.skq
expected='id  type     key      label     colour
--  -------  -------  --------  ------
#3  vehicle  AB12CDE  AB12 CDE  blue
1 row
id  type    key          label        dob
--  ------  -----------  -----------  --------------------
#1  person  jack powell  Jack Powell  1980-02-03T00:00:00Z
1 row'
check "-f runs every statement of the file" "$expected" "$out"
check "-f exits 0" "0" "$rc"
out=$("$SKEIN" tiny.sk < two.skq 2> "$W/stderr")
rc=$?
check "a script on standard input runs the same" "$expected" "$out"
check "standard input exits 0" "0" "$rc"
out=$(: | "$SKEIN" tiny.sk 2>&1)
rc=$?
check "an empty script does nothing and succeeds" "0:" "$rc:$out"

# ---- Export statements and skein export ------------------------------------------
printf 'network around person "Jack Powell" | export svg "net.svg" title "Jack";\nfind person | export csv "people.csv";\n' > charts.skq
run tiny.sk -f charts.skq
check "each export statement reports the file and its counts" "0
2" "$rc
$(printf '%s\n' "$out" | grep -c '^wrote .*\(net\.svg\|people\.csv\)')"
printf '%s\n' "$out" | grep -q '3 entities.*net\.svg'
check "the chart report counts the entities drawn" "0" "$?"
head -c 400 net.svg | grep -q '<svg'
check "the chart is an SVG file" "0" "$?"

run export tiny.sk 'network around vehicle "AB12 CDE" depth 2' -o chart.svg --title "AB12 CDE"
check "skein export exits 0" "0" "$rc"
printf '%s\n' "$out" | grep -q '^wrote .*3 entities.*chart\.svg'
check "skein export reports the file and the counts" "0" "$?"
grep -q '<svg' chart.svg
check "skein export writes the SVG" "0" "$?"
run export tiny.sk 'find person' -o people.json
check "skein export of a table as JSON" "0:1" "$rc:$(grep -c '"Alan Ward"' people.json)"
run export tiny.sk 'find person' -o chart.xyz
check "skein export refuses an unknown extension (usage)" "2" "$rc"
run export tiny.sk 'find person' -o table.svg
check "skein export of a table as a chart fails" "1" "$rc"
[ -n "$err" ] && [ ! -e table.svg ]
check "… with a message and no file" "0" "$?"

# ---- The audit log: queries and exports, with the user and the reason --------
run export tiny.sk 'network around person "Jack Powell"' -o brief.svg --user alice \
    --reason "briefing for op lantern"
check "skein export with --user and --reason" "0" "$rc"
run tiny.sk -c 'find vehicle' --user bob --reason "vehicle check"
run audit tiny.sk --format csv
printf '%s\n' "$out" | tr -d '\r' | grep -q '^[0-9]*,[^,]*,alice,disclosure,export,briefing for op lantern,brief\.svg,3,'
check "the export is in the audit log as a disclosure, with user, reason, file and count" "0" "$?"
printf '%s\n' "$out" | tr -d '\r' | grep -q ',bob,consultation,query,vehicle check,,1,find vehicle,'
check "a query is in the audit log with its user and reason" "0" "$?"
run audit tiny.sk verify
check "skein audit verify" "0" "$rc"
printf '%s\n' "$out" | grep -q '^audit log intact: [0-9]* entries'
check "… says the chain is intact" "0" "$?"

# ---- Errors ---------------------------------------------------------------------
run tiny.sk -c 'find person where name ~ /x/ foo'
check "a bad query exits 1" "1" "$rc"
check "a bad query prints nothing on stdout" "" "$out"
check "a bad query: source line and caret on stderr" \
'  find person where name ~ /x/ foo
                               ^^^' "$(printf '%s\n' "$err" | tail -n 2)"
printf '%s\n' "$err" | head -n 1 | grep -q '^line 1, column 30: .*found .foo.'
check "a bad query: line, column and what was found" "0" "$?"

printf 'find person;\nfind person where name = ;\n' > bad.skq
run tiny.sk -f bad.skq
check "a bad script exits 1" "1" "$rc"
printf '%s\n' "$err" | grep -q 'bad\.skq.*line 2, column 26'
check "a bad script names the file, line and column" "0" "$?"
out=$("$SKEIN" tiny.sk < bad.skq 2> "$W/stderr")
rc=$?
check "a bad script on standard input exits 1" "1" "$rc"
grep -q 'line 2, column 26' "$W/stderr"
check "… with the error on stderr" "0" "$?"

run tiny.sk -c 'find vehicle; show person "Nobody Known"'
check "a failing second statement exits 1" "1" "$rc"
printf '%s\n' "$out" | grep -q 'AB12 CDE'
check "… after the first statement's result" "0" "$?"
printf '%s\n' "$err" | grep -q 'Nobody Known'
check "… naming what was not found" "0" "$?"

run stats tiny.sk --space
check "stats --space succeeds" "0" "$rc"
links=$("$SKEIN" stats tiny.sk --format json | sed 's/.*"links":\([0-9]*\).*/\1/')
check "… and counts every link record in the link database" "$links" \
    "$(printf '%s\n' "$out" | awk '$1 == "link" {print $2}')"
run stats missing.sk
check "an unknown case: stats exits 1" "1:skein: no case at missing.sk" "$rc:$err"
run export missing.sk 'find person' -o x.svg
check "an unknown case: export exits 1" "1" "$rc"
[ ! -e missing.sk ] && [ ! -e x.svg ]
check "… and creates nothing" "0" "$?"
run "$W/no/such/dir/case.sk" -c 'find person'
check "a case in a missing directory exits 1" "1" "$rc"
printf '%s\n' "$err" | grep -q 'no/such/dir/case.sk'
check "… naming the path" "0" "$?"

printf 'Name,Phone\nJack,07700 900123\n' > notes.csv
cp notes.csv notes.orig
run notes.csv -c 'find person'
check "a file that is not a case exits 1" "1" "$rc"
printf '%s\n' "$err" | grep -q 'notes.csv is not a skein case'
check "… saying it is not a case" "0" "$?"
cmp -s notes.csv notes.orig
check "… and leaves the file as it was" "0" "$?"

run
check "no arguments: usage, exit 2" "2" "$rc"
run tiny.sk --format xml -c 'find person'
check "an unknown format: exit 2" "2:skein: unknown format 'xml' (table, csv or json)" "$rc:$err"
run tiny.sk -x
check "an unknown option: exit 2" "2" "$rc"
run export tiny.sk 'find person'
check "export without -o: exit 2" "2" "$rc"
run import tiny.sk
check "import without files: exit 2" "2" "$rc"
run --version
check "--version" "0" "$rc"
printf '%s\n' "$out" | grep -q '^skein [0-9]'
check "--version names the version" "0" "$?"

# ---- skein import ------------------------------------------------------------------
printf 'source,target,type,time\nAnn Lee,Bob Ray,knows,2024-03-01 10:00:00\nCy Dee,Di Eve,knows,not a date\n' > edges.csv
run import imp.sk edges.csv --spec edges
check "an import with a bad row exits 1" "1" "$rc"
printf '%s\n' "$err" | grep -q '^edges\.csv:3:[0-9]*: '
check "… reporting file:line:column: reason" "0" "$?"
[ ! -e imp.sk ]
check "… and leaves no case behind" "0" "$?"
run import imp.sk edges.csv --spec edges --dry-run --rejects rejects.csv
check "a dry run exits 0" "0" "$rc"
[ ! -e imp.sk ]
check "… and writes no case" "0" "$?"
run import imp.sk edges.csv --spec edges --rejects rejects.csv --grade B2 --note "test"
check "an import with --rejects exits 0" "0" "$rc"
printf '%s\n' "$out" | grep -q '^rows rejected *1$'
check "… counting the rejected row in the summary" "0" "$?"
grep -q 'not a date' rejects.csv
check "… which is in the rejects file" "0" "$?"
run import imp.sk edges.csv --spec edges --rejects rejects.csv
check "importing the same file again changes nothing" "0" "$rc"
printf '%s\n' "$out" | grep -q 'already imported'
check "… and says so" "0" "$?"
run imp.sk -c 'find person order by label' --format csv
check "the imported rows are in the case" "$(crlf 'id,type,key,label' \
    '1,person,ann lee,Ann Lee' '2,person,bob ray,Bob Ray')" "$out"

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
