#!/bin/bash
# shell_pty.sh — drives the interactive shell in a pseudo-terminal (tmux) as
# an analyst would, and checks what the screen shows:
#   - a statement typed over two lines runs when the ';' comes, and its row
#     appears;
#   - TAB completes a name from the case (show person "Ja<TAB> → Jack
#     Powell), a keyword and an entity type;
#   - Ctrl-C at the prompt drops the half-typed line and the shell goes on;
#   - Ctrl-C during a long query (betweenness over a generated graph)
#     cancels it, and the next query runs;
#   - Ctrl-D leaves; the history file survives a restart (Up shows the
#     previous statements, a two-line one as two lines);
#   - colour on a terminal, none with NO_COLOR;
#   - dot-commands: .help, .schema, .mode, .timer, .reason, .export, .audit;
#   - under a sanitizer build, no report from any of it.
# Skips (77) when tmux is missing. Uses a private tmux server (-S), so it
# never touches anyone's sessions.
set -u
: "${SKEIN:?SKEIN must name the skein binary}"
if ! command -v tmux > /dev/null; then
    echo "skip: tmux is not installed"
    exit 77
fi

W=$(mktemp -d)
SOCK="$W/tmux.sock"
tm() { tmux -S "$SOCK" -f /dev/null "$@"; }
cleanup() {
    tm kill-server 2> /dev/null
    rm -rf "$W"
}
trap cleanup EXIT

fails=0
pass() { echo "ok   - $1"; }
fail() {
    echo "FAIL - $1"
    echo "---- screen ----"
    screen
    echo "----------------"
    fails=$((fails + 1))
}

# The visible screen, trailing blank lines dropped (tmux also drops the
# blanks at the end of each line, so a bare prompt reads "ops>").
screen() { tm capture-pane -p -t t 2> /dev/null | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }
# The last non-blank line of the screen.
last_line() { screen | tail -n 1; }
# Waits up to $2 seconds (default 10) for the screen to match regex $1.
wait_for() {
    local i n=$((${2:-10} * 10))
    for ((i = 0; i < n; i++)); do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
# Types text literally (tmux would take a final ';' as its own separator).
type_text() {
    local s="$1"
    if [ "${s%;}" != "$s" ]; then
        tm send-keys -t t -l "${s%;}"
        tm send-keys -t t -l '\;'
    else
        tm send-keys -t t -l "$s"
    fi
    sleep 0.2
}
key() {
    tm send-keys -t t "$@"
    sleep 0.3
}
# Starts the shell on case $1 with the shared history file; extra env in $2.
start_shell() {
    tm kill-session -t t 2> /dev/null
    tm new-session -d -s t -x 110 -y 45 \
        "env HOME=$W INPUTRC=/dev/null SKEIN_HISTORY=$W/history ${2:-NO_COLOR=1} \
             ASAN_OPTIONS=${ASAN_OPTIONS:-}:log_path=$W/asan \
             UBSAN_OPTIONS=${UBSAN_OPTIONS:-}:log_path=$W/ubsan $SKEIN $1"
    wait_for '^(ops|big)>' 10
}
running() { tm has-session -t t 2> /dev/null; }

# ---- A small case, made with manual-entry statements ----------------------
"$SKEIN" "$W/ops.sk" -c 'create person {name: "Jack Powell", dob: 1980-02-03};
create person {name: "Alan Ward"};
create vehicle {plate: "AB12 CDE"};
link person "Jack Powell" -[knows]-> person "Alan Ward"' > /dev/null 2>&1 \
    || { echo "FAIL - could not create the test case"; exit 1; }

start_shell "$W/ops.sk" || fail "the shell shows its prompt"

# ---- A statement over two lines -------------------------------------------
type_text 'find person'
key Enter
if wait_for '^ *-> ?$' 5; then pass "an unfinished statement gets the continuation prompt"
else fail "an unfinished statement gets the continuation prompt"; fi
type_text 'where name ~ /jack/i;'
key Enter
if wait_for '^1 row$' 10 && screen | grep -Eq '^#1 +person +.*Jack Powell' &&
    ! screen | grep -q 'Alan Ward'; then
    pass "the two-line query shows its one row"
else fail "the two-line query shows its one row"; fi

type_text 'find person where name ~ /x;y/ -- no match; none'
key Enter
if wait_for '^ *-> ?$' 5; then pass "a ';' in a regex or a comment does not end the statement"
else fail "a ';' in a regex or a comment does not end the statement"; fi
type_text ';'
key Enter
if wait_for '^0 rows$' 10; then pass "… and the ';' after it does"
else fail "… and the ';' after it does"; fi
key C-l

# ---- Tab completion ---------------------------------------------------------
type_text 'show person "Ja'
key Tab
if wait_for 'show person "Jack Powell" ?$' 5; then pass "TAB completes a name from the case"
else fail "TAB completes a name from the case"; fi
type_text ';'
key Enter
if wait_for 'property +dob +1980-02-03' 10; then pass "the completed name finds the entity"
else fail "the completed name finds the entity"; fi

type_text 'find veh'
key Tab
if wait_for 'ops> find vehicle ?$' 5; then pass "TAB completes an entity type"
else fail "TAB completes an entity type"; fi
key C-u
type_text 'netw'
key Tab
if wait_for 'ops> network ?$' 5; then pass "TAB completes a keyword"
else fail "TAB completes a keyword"; fi

# ---- Ctrl-C at the prompt -------------------------------------------------
key C-u
type_text 'find per'
key C-c
if wait_for '^ops> find per\^C$' 5 && [ "$(last_line)" = "ops>" ]; then
    pass "Ctrl-C at the prompt drops the line and shows a fresh prompt"
else fail "Ctrl-C at the prompt drops the line and shows a fresh prompt"; fi
type_text 'find vehicle;'
key Enter
if wait_for 'AB12 CDE' 10 && running; then pass "the session goes on after Ctrl-C"
else fail "the session goes on after Ctrl-C"; fi

# ---- Ctrl-D leaves; the history survives a restart ----------------------------
key C-d
sleep 0.5
if ! running; then pass "Ctrl-D leaves the shell"
else fail "Ctrl-D leaves the shell"; fi
if [ -f "$W/history" ] && [ "$(stat -c %a "$W/history")" = 600 ]; then
    pass "the history file is written, private (0600)"
else fail "the history file is written, private (0600)"; fi

start_shell "$W/ops.sk" || fail "the shell starts again"
key Up
if wait_for '^ops> find vehicle;$' 5; then pass "Up shows the last statement after a restart"
else fail "Up shows the last statement after a restart"; fi
key Up
key Up
key Up
if wait_for '^ops> find person$' 5 && screen | grep -q '^where name ~ /jack/i;$'; then
    pass "a two-line statement comes back from history as two lines"
else fail "a two-line statement comes back from history as two lines"; fi
key Enter
if wait_for '^1 row$' 10; then pass "the recalled statement runs"
else fail "the recalled statement runs"; fi

# ---- Dot-commands ---------------------------------------------------------------
key C-l
type_text '.help path'
key Enter
if wait_for '^path from REF to REF' 5; then pass ".help shows a statement's synopsis"
else fail ".help shows a statement's synopsis"; fi
type_text '.schema'
key Enter
if wait_for '^entity +person +dob +1$' 5; then pass ".schema lists properties with counts"
else fail ".schema lists properties with counts"; fi
key C-l
type_text '.mode csv'
key Enter
type_text '.timer on'
key Enter
type_text 'network around person "Jack Powell";'
key Enter
if wait_for '^1,person,,Jack Powell' 5 && wait_for '^time [0-9.]+ ms' 5; then
    pass ".mode csv and .timer on apply to the next query"
else fail ".mode csv and .timer on apply to the next query"; fi
type_text '.reason "briefing"'
key Enter
type_text ".export svg $W/net.svg"
key Enter
if wait_for "^wrote .*2 entities.*net\.svg" 10 && grep -q '<svg' "$W/net.svg"; then
    pass ".export writes the last graph as a chart"
else fail ".export writes the last graph as a chart"; fi
type_text '.audit'
key Enter
if wait_for ',disclosure,export,briefing,.*net\.svg' 5; then
    pass ".audit shows the export with the session's reason"
else fail ".audit shows the export with the session's reason"; fi
printf 'source,target,type,time\nAnn Lee,Bob Ray,knows,2024-03-01 10:00:00\n' > "$W/calls.csv"
type_text ".import $W/calls.csv --spec ed"
key Tab
if wait_for 'calls\.csv --spec edges ?$' 5; then pass "TAB after --spec offers the built-in specs"
else fail "TAB after --spec offers the built-in specs"; fi
key Enter
if wait_for '^imported .*calls\.csv as source [0-9]+: 1 rows?' 10 && wait_for '^links created +1$' 5; then
    pass ".import imports a file and prints the summary"
else fail ".import imports a file and prints the summary"; fi
type_text '.mode table'
key Enter
type_text 'show person "Ann Lee";'
key Enter
if wait_for 'calls\.csv' 5; then pass "the imported entity lists its source"
else fail "the imported entity lists its source"; fi
type_text '.nosuch'
key Enter
if wait_for '^unknown command \.nosuch' 5 && running; then pass "an unknown dot-command is refused"
else fail "an unknown dot-command is refused"; fi

type_text '.quit'
key Enter
sleep 0.5
running && fail ".quit leaves the shell"

# ---- Colour only on a terminal, and not with NO_COLOR ---------------------------
start_shell "$W/ops.sk" "TERM=xterm-256color" || fail "the shell starts with colour"
if tm capture-pane -p -e -t t | grep 'ops' | grep -q $'\e\\[1m\e\\[36mops'; then pass "the prompt is coloured on a terminal"
else fail "the prompt is coloured on a terminal"; fi
tm kill-session -t t 2> /dev/null
start_shell "$W/ops.sk" "NO_COLOR=1" || fail "the shell starts without colour"
if ! tm capture-pane -p -e -t t | grep -q $'\e\\['; then pass "NO_COLOR turns colour off"
else fail "NO_COLOR turns colour off"; fi
tm kill-session -t t 2> /dev/null

# ---- Ctrl-C during a long query ------------------------------------------------
# Betweenness over 6,000 people and 30,000 links takes half a minute on
# this machine class, so the query is surely running when Ctrl-C comes.
awk 'BEGIN { srand(42); n = 6000; print "source,target,type,time";
             for (i = 0; i < 30000; i++) { a = int(rand() * n); b = int(rand() * n);
                                           if (a != b) printf "p%d,p%d,knows,\n", a, b } }' \
    > "$W/edges.csv"
"$SKEIN" import "$W/big.sk" "$W/edges.csv" --spec edges > /dev/null 2>&1 \
    || { echo "FAIL - could not import the generated graph"; exit 1; }
start_shell "$W/big.sk" || fail "the shell starts on the generated case"
type_text 'rank betweenness top 3;'
key Enter
sleep 1.5
if screen | grep -q 'rows\?$'; then
    fail "the long query is still running after 1.5 s (make the graph bigger)"
else
    key C-c
    if wait_for '^cancelled$' 15 && wait_for '^big> ?$' 5; then
        pass "Ctrl-C cancels a running query and gives the prompt back"
    else fail "Ctrl-C cancels a running query and gives the prompt back"; fi
    type_text 'find person where name = "p1";'
    key Enter
    if wait_for '^1 row$' 10 && running; then pass "the session goes on after a cancelled query"
    else fail "the session goes on after a cancelled query"; fi
fi
key C-d

# A sanitizer build reports into log files, not onto the screen.
sleep 0.5
for f in "$W"/asan.* "$W"/ubsan.*; do
    # A log listing only the suppressions used is no report.
    [ -e "$f" ] && grep -q 'ERROR\|runtime error' "$f" || continue
    echo "FAIL - sanitizer report $f:"
    cat "$f"
    fails=$((fails + 1))
done

if [ "$fails" -gt 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all shell checks passed"
