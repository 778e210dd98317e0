# A damaged index on which Xapian 1.4.22 loops for ever: the leaf blocks of
# docdata.glass with their directory end one byte short (one byte each: the
# smallest damage found that does it; tests/damage/damage_blocks.py
# --dir-end). Looking up the last document of such a block from a fresh
# handle never returns (found by test_damaged_index: `tracuu stats` ran 40
# minutes inside Document::get_data). What must happen instead:
#   - a reader ends after CLI_HANG_SECONDS (10) of CPU inside that one read,
#     exit 5, one line naming the index and "tracuu check";
#   - tracuu check calls the index damaged;
#   - tracuu serve answers that request 500 with the rebuild message and
#     closes it, says so in one line, answers the next request, and, stopped
#     with a worker still inside Xapian, exits 5.
. "$(dirname "$0")/lib.sh"
SERVE_PID=
trap '[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null; rm -rf "$TMP"' EXIT

awk 'BEGIN {
  for (i = 1; i <= 200; i++)
    printf "{\"id\":\"d-%03d\",\"title\":\"Quyết định số %d/QĐ-UBND về cải cách hành chính\"," \
           "\"body\":\"Ủy ban nhân dân yêu cầu các phòng ban thực hiện chuyển đổi số đợt %d.\"}\n", i, i, i
}' >"$TMP/records.jsonl"
"$TRACUU" index --quiet --db "$TMP/good" "$TMP/records.jsonl" || { fail "build the index"; finish; exit; }
python3 "$TRACUU_SRC/tests/damage/damage_blocks.py" --dir-end "$TMP/good" "$TMP/bad" docdata.glass >"$TMP/damage"
[ -s "$TMP/damage" ] && pass || fail "no leaf block of docdata.glass to damage"

# The last document indexed is the last key of the last leaf: its lookup
# from a fresh handle is the one that never returns.
LAST="200/QĐ-UBND"
run timeout 120 "$TRACUU" search --json "so:$LAST" --db "$TMP/good"
expect_rc 0 "the sound index answers"
expect_out '"id":"d-200"' "the sound index finds the last document"

for cmd in "search --json so:$LAST" "ref --json $LAST"; do
  # shellcheck disable=SC2086 # the words of the command
  run timeout 600 "$TRACUU" $cmd --db "$TMP/bad"
  [ "$RC" = 124 ] && ERR="no answer in 600 s: the loop was not stopped"
  expect_rc 5 "$cmd on the looping index: the damaged-index code ($ERR)"
  expect_one_line_err "$cmd on the looping index"
  expect_err "no answer from Xapian after 10 s of CPU in one read of the index $TMP/bad" "$cmd says what happened"
  expect_err "\"tracuu check --db $TMP/bad\" tells" "$cmd names tracuu check"
done

run timeout 120 "$TRACUU" check --db "$TMP/bad"
expect_rc 5 "tracuu check calls the looping index damaged"
expect_err "$TMP/bad is damaged:" "check names the index"

"$TRACUU" serve --listen 127.0.0.1:0 --threads 2 --db "$TMP/bad" --store "$TMP/nostore" 2>"$TMP/serve.err" &
SERVE_PID=$!
port=$(serve_port "$TMP/serve.err" "$SERVE_PID")
[ -n "$port" ] || { fail "serve did not start: $(cat "$TMP/serve.err")"; finish; exit; }
code=$(curl -sS --max-time 600 -o "$TMP/page" -w '%{http_code}' "http://127.0.0.1:$port/api/so/200%2FQ%C4%90-UBND" 2>"$TMP/curl.err")
expect_eq "$code" 500 "serve answers the looping request 500 ($(cat "$TMP/curl.err"))"
jq -e '.error.message | contains("tracuu check")' "$TMP/page" >/dev/null && pass ||
  fail "the 500 names tracuu check: $(head -c 300 "$TMP/page")"
grep -q "without an answer.*1 of 2 workers left.*tracuu check --db $TMP/bad" "$TMP/serve.err" && pass ||
  fail "serve says in one line that a worker was given up: $(cat "$TMP/serve.err")"
code=$(curl -sS --max-time 30 -o "$TMP/page" -w '%{http_code}' "http://127.0.0.1:$port/api/so/5%2FQ%C4%90-UBND" 2>"$TMP/curl.err")
expect_eq "$code" 200 "serve answers the next request ($(cat "$TMP/curl.err"))"
kill "$SERVE_PID"
wait "$SERVE_PID"
expect_eq "$?" 5 "serve stopped with a worker inside Xapian exits 5"
SERVE_PID=
grep -q "stopping with 1 worker" "$TMP/serve.err" && pass || fail "serve says why it exits 5: $(cat "$TMP/serve.err")"
finish
