#!/bin/bash
# cli_audit.sh — the audit log as the command line and the shell write and
# show it: an entry for every class of statement (collection, alteration,
# consultation, disclosure, combination, erasure) from -c, -f, skein
# import, skein export, skein admin and the shell (in tmux, when present),
# each with its user and reason; the listing's filters; verify; the case
# settings of skein admin (require-reason, clearance) taking effect; and
# the authority needed to export material whose handling code forbids it.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
: "${SKEIN:?SKEIN must name the skein binary}"
W=$(mktemp -d)
SOCK="$W/tmux.sock"
cleanup() {
    command -v tmux > /dev/null && tmux -S "$SOCK" kill-server 2> /dev/null
    rm -rf "$W"
}
trap cleanup EXIT
cd "$W" || exit 1

source "$HERE/lib/check.sh"
# The log as CSV without the CR of RFC 4180 line ends.
log() { "$SKEIN" audit case.sk --format csv "$@" | tr -d '\r'; }
# has_entry REGEX: an entry line of the log matches.
has_entry() { log | grep -Eq -- "$1"; }

# ---- Collection: manual entry (-c) and import --------------------------------
run case.sk --user ann --reason "op lantern" -c 'create person "Jack Powell";
create person "Jack Powel"; create person "Ann Lee";
link person "Jack Powell" -[knows]-> person "Ann Lee"'
check "manual entry from -c succeeds" "0" "$rc"
has_entry '^1,[^,]*,ann,collection,manual entry,op lantern,,1,"create person ""Jack Powell"""'
check "-c: collection entry with user, reason and statement" "0" "$?"
printf 'source,target,type,time\nJack Powell,Cy Dee,called,2024-03-01 10:00:00\n' > calls.csv
run import case.sk calls.csv --spec edges --user bob --reason "cdr received"
check "skein import succeeds" "0" "$rc"
has_entry ',bob,collection,import,cdr received,'
check "import: collection entry with user and reason" "0" "$?"

# ---- Every other class from a script (-f) -----------------------------------------
cat > work.skq << 'EOF'
find person;
set person "Jack Powell".dob = 1980-02-03;
merge #2 into #1;
unmerge #1;
retain person "Jack Powell" until 2031-01-01 reason "ongoing";
network around person "Jack Powell" | export json "net.json";
EOF
SKEIN_USER=carol "$SKEIN" case.sk -f work.skq --reason "briefing" > /dev/null 2> "$W/stderr"
check "the script runs" "0" "$?"
for want in 'carol,consultation,query,briefing,,[0-9]+,find person' \
    'carol,alteration,set,briefing,' \
    'carol,combination,merge,briefing,' \
    'carol,combination,unmerge,briefing,' \
    'carol,alteration,retain,briefing,' \
    'carol,disclosure,export,briefing,net\.json,'; do
    has_entry "$want"
    check "-f: an entry $want" "0" "$?"
done

# ---- Disclosure through skein export, alteration through skein admin ------------
run export case.sk 'find person' -o people.csv --user dave --reason "for CPS"
check "skein export succeeds" "0" "$rc"
has_entry ',dave,disclosure,export,for CPS,people\.csv,[0-9]+,find person,'
check "skein export: a disclosure entry" "0" "$?"
run admin case.sk review-years 3 --type person --user eve --reason "force policy"
check "skein admin sets a value" "0:review_years:person = 3" "$rc:$out"
has_entry ',eve,alteration,admin,force policy,review_years:person,1,,review_years:person = 3'
check "skein admin: an alteration entry" "0" "$?"

# ---- Erasure: logged without the content ------------------------------------------
run case.sk -c 'purge person "Ann Lee" reason "no longer needed"' --user frank
check "purge succeeds" "0" "$rc"
has_entry ',frank,erasure,purge,'
check "purge: an erasure entry" "0" "$?"
log | grep -q 'Ann Lee'
check "the erased name is nowhere in the log" "1" "$?"

# ---- Filters and verify ----------------------------------------------------------------
check "--user keeps one user's entries" "carol carol carol carol carol carol" \
    "$(log --user carol | tail -n +2 | cut -d, -f3 | tr '\n' ' ' | sed 's/ $//')"
check "--category keeps one category" "disclosure disclosure" \
    "$(log --category disclosure | tail -n +2 | cut -d, -f4 | tr '\n' ' ' | sed 's/ $//')"
check "--action" "2" "$(log --action export | tail -n +2 | wc -l)"
check "--since a future date lists nothing" "1" "$(log --since 2999-01-01 | wc -l)"
run audit case.sk --since yesterday
check "--since refuses a bad date" "2" "$rc"
run audit case.sk verify
check "verify: intact" "0" "$rc"
printf '%s\n' "$out" | grep -q '^audit log intact: [0-9]* entries, hash chain verified$'
check "verify says so" "0" "$?"

# ---- Settings take effect ---------------------------------------------------------------
run admin case.sk require-reason on --reason "policy"
run case.sk -c 'find person'
check "require-reason: a statement without a reason fails" "1" "$rc"
printf '%s\n' "$err" | grep -q 'requires a reason'
check "… saying a reason is needed" "0" "$?"
run case.sk -c 'find person' --reason "check"
check "… and with one it runs" "0" "$rc"
run admin case.sk require-reason off --reason "policy"
# Consultations of a script are written together when the case is closed,
# each with its own statement, in order.
printf 'find person where label ~ /ann/i;\nfind person where label ~ /jack/i;\n' > two.skq
run case.sk --user ivy -f two.skq
check "a script's queries run" "0" "$rc"
check "… and each is logged, in order" "find person where label ~ /ann/i|find person where label ~ /jack/i" \
    "$(log --user ivy | tail -n +2 | cut -d, -f9 | tr '\n' '|' | sed 's/|$//')"
run admin case.sk audit-sync on --reason "policy"
run admin case.sk
printf '%s\n' "$out" | grep -q '^audit-sync *on'
check "audit-sync is a setting" "0" "$?"
run case.sk --user hal -c 'find person where label ~ /ann/i'
check "audit-sync: the query runs" "0" "$rc"
has_entry ',hal,consultation,query,,,[0-9]+,find person where label'
check "audit-sync: its consultation is logged" "0" "$?"
run admin case.sk audit-sync off --reason "policy"
run admin case.sk user alice --clearance 2 --reason "vetting"
run admin case.sk user alice
check "a clearance is recorded" "alice: clearance 2" "$out"
run admin case.sk
printf '%s\n' "$out" | grep -q '^require-reason *off'
check "skein admin shows the settings" "0" "$?"

# ---- Handling codes that forbid dissemination ---------------------------------------------
run case.sk -c 'create person "Rex Hale" graded B24; link person "Rex Hale" -[knows]-> person "Jack Powell" graded B24'
run export case.sk 'network around person "Rex Hale"' -o rex.svg
check "exporting handling-code-4 material without an authority fails" "1" "$rc"
[ ! -e rex.svg ] && printf '%s\n' "$err" | grep -q -- '--authorised-by'
check "… writes nothing and names --authorised-by" "0" "$?"
run export case.sk 'network around person "Rex Hale"' -o rex.svg --authorised-by "DI Jones, SIO"
check "… and with an authority it is written" "0" "$rc"
has_entry ',disclosure,export,,rex\.svg,2,.*authorised by DI Jones, SIO'
check "… the authority is in the disclosure entry" "0" "$?"

# ---- The shell: a consultation and a disclosure ------------------------------------------
if command -v tmux > /dev/null; then
    tmux -S "$SOCK" -f /dev/null new-session -d -s t -x 120 -y 40 \
        "env HOME=$W SKEIN_HISTORY= NO_COLOR=1 SKEIN_USER=gina $SKEIN case.sk"
    # A final ';' is sent on its own as '\;' (tmux reads a bare one as
    # its own command separator).
    send() {
        local s="$1"
        tmux -S "$SOCK" send-keys -t t -l "${s%;}"
        [ "${s%;}" != "$s" ] && tmux -S "$SOCK" send-keys -t t -l '\;'
        tmux -S "$SOCK" send-keys -t t Enter
        sleep 0.5
    }
    sleep 0.5
    send '.reason "shell work"'
    send 'find person where label ~ /jack/i;'
    send '.export csv shell.csv'
    send '.quit'
    sleep 0.5
    has_entry ',gina,consultation,query,shell work,,[0-9]+,find person where label'
    check "the shell: a consultation with the session's reason" "0" "$?"
    has_entry ',gina,disclosure,export,shell work,shell\.csv,'
    check "the shell: .export is a disclosure" "0" "$?"
else
    echo "skip - the shell part (tmux is not installed)"
fi

run audit case.sk verify
check "the log still verifies at the end" "0" "$rc"
echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
