# check.sh — sourced by end-to-end scripts that compare the skein binary's
# output with expected text. Needs $SKEIN and $W (the script's work
# directory). A script ends with: echo "$checks checks, $fails failed";
# [ "$fails" -eq 0 ]
fails=0
checks=0
# check NAME EXPECTED ACTUAL: counts, prints ok or FAIL with a diff.
check() {
    checks=$((checks + 1))
    if [ "$2" == "$3" ]; then
        echo "ok   - $1"
    else
        echo "FAIL - $1"
        diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/    /'
        fails=$((fails + 1))
    fi
}
# run ARGS…: runs skein; sets out, err and rc.
run() {
    out=$("$SKEIN" "$@" 2> "$W/stderr")
    rc=$?
    err=$(cat "$W/stderr")
}
