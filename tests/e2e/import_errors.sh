#!/usr/bin/env bash
# import_errors.sh — `skein import` on bad input: a non-zero exit, the exact
# "file:line:column: reason" on stderr, and a case left as it was; and
# --rejects taking the bad rows while the rest is imported.
# Needs: $SKEIN, $SK_SOURCE_DIR. Exit 77 = skipped.
set -u
: "${SKEIN:?}" "${SK_SOURCE_DIR:?}"
if ! "$SKEIN" import --help >/dev/null 2>&1; then
    echo "skipped: this skein has no import command yet"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0 pass=0
case="$work/c.case"
"$SKEIN" import "$case" "$SK_SOURCE_DIR/samples/import/anpr/reads.csv" --spec anpr >/dev/null || exit 1
stats() { "$SKEIN" stats "$case" --format json; }
before=$(stats)
H='a_party,b_party,start,duration,type,cell'
G='07700900123,07700900456,2024-03-01 09:15:00,10,voice,'

expect() { # name file want [spec]
    local name=$1 file=$2 want=$3 spec=${4:-cdr}
    local out
    if out=$("$SKEIN" import "$case" "$file" --spec "$spec" 2>&1); then
        echo "FAIL $name: succeeded: $out"; fail=$((fail + 1)); return
    fi
    if ! grep -qF -- "$want" <<<"$out"; then
        echo "FAIL $name: got: $out"; echo "     want: $want"; fail=$((fail + 1)); return
    fi
    if [ "$(stats)" != "$before" ]; then
        echo "FAIL $name: the case changed"; fail=$((fail + 1)); return
    fi
    echo "ok $name"; pass=$((pass + 1))
}

printf '%s\n%s\n07700900123,"0770"0900456,x,1,v,\n' "$H" "$G" > "$work/q.csv"
expect bad-quoting "$work/q.csv" "$work/q.csv:3:19: unexpected '0' after the closing quote"
printf '%s\n%s\n07700900123,07700900456,2024-13-45 10:00:00,10,voice,\n' "$H" "$G" > "$work/d.csv"
expect bad-date "$work/d.csv" "$work/d.csv:3:25: unparseable time '2024-13-45 10:00:00' in column 'start'"
printf '%s\n%s\n07700900123,caf\xe9,x,1,v,\n' "$H" "$G" > "$work/u.csv"
expect bad-utf8 "$work/u.csv" "$work/u.csv:3:16: invalid UTF-8 (byte 0xE9)"
printf 'a_prty,b_party,start,duration,type,cell\n%s\n' "$G" > "$work/k.csv"
expect missing-key-column "$work/k.csv" "$work/k.csv:1:1: no column 'a_party'"
: > "$work/empty.csv"
expect empty-file "$work/empty.csv" "$work/empty.csv: the file is empty"
printf '\x89PNG\r\n\x1a\n\0\0' >> "$work/png.csv"
expect binary-file "$work/png.csv" "$work/png.csv:1:1: invalid UTF-8 (byte 0x89)"
expect missing-file "$work/nothere.csv" "No such file or directory"
printf 'skein-spec 1\nentity caller phone\n    key a_party\n    lable a_party\n' > "$work/typo.spec"
printf '%s\n%s\n' "$H" "$G" > "$work/ok.csv"
expect spec-typo "$work/ok.csv" "$work/typo.spec:4:5: unknown key 'lable', did you mean 'label'?" "$work/typo.spec"
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' '7' > "$work/big.txt"
{ printf '%s\n07700900123,' "$H"; cat "$work/big.txt"; printf ',x,1,v,\n'; } > "$work/big.csv"
expect ten-megabyte-field "$work/big.csv" "$work/big.csv:2:13: field too large"

# --rejects: bad rows go to the file, the rest is imported.
printf '%s\n%s\n,07700900456,2024-03-01 09:16:00,1,voice,\n07700900456,07700900789,2024-03-01 09:19:00,10,voice,\n' \
    "$H" "$G" > "$work/mixed.csv"
if out=$("$SKEIN" import "$case" "$work/mixed.csv" --spec cdr --rejects "$work/rej.csv" 2>&1) &&
   [ "$(wc -l < "$work/rej.csv")" = 2 ] && grep -q ",3,1,empty key for entity 'caller'" "$work/rej.csv"; then
    echo "ok rejects"; pass=$((pass + 1))
else
    echo "FAIL rejects: $out"; fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
