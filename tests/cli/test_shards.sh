#!/usr/bin/env bash
# test_shards: a sharded index answers exactly like one index -- the same
# ids in the same order with the same scores -- whether its shards are local,
# behind xapian-tcpsrv, or merged again by `tracuu compact`; a shard that
# stops answering gives a one-line error within the timeout (exit 7), or
# with --allow-partial results from the others, marked as partial (exit 1).
. "$(dirname "$0")/lib.sh"

SAMPLE=$TRACUU_SRC/corpus/sample/records.jsonl
TIMEOUT_MS=1000
# Words without and with accents, a legal number, a common word (many
# near-ties, where only global statistics keep the order), and a long question
# (ranked by its rarest parts, counted over all the shards).
QUERIES=("chinh quyen do thi" "phòng chống dịch" "2696/QĐ-UBND" "ubnd"
  "ủy ban nhân dân quận yêu cầu các phòng ban đơn vị triển khai kế hoạch cải cách hành chính và báo cáo kết quả thực hiện trước ngày 15 hằng tháng")
command -v xapian-tcpsrv >/dev/null || { echo "test_shards: xapian-tcpsrv (xapian-tools) is missing" >&2; exit 1; }

# ---- xapian-tcpsrv on 127.0.0.1, each in a session of its own: it signals
# its whole process group when it stops, which would be this script's.
SERVER_PIDS=()
stop_servers() {
  for pid in "${SERVER_PIDS[@]}"; do
    kill -CONT -- "-$pid" 2>/dev/null
    kill -TERM -- "-$pid" 2>/dev/null
  done
}
trap 'stop_servers; rm -rf "$TMP"' EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_server DB: sets PORT and PID, or fails the test.
start_server() {
  local try i
  for try in 1 2 3 4 5; do
    PORT=$(free_port)
    setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$PORT" "$1" >>"$TMP/tcpsrv.log" 2>&1 &
    PID=$!
    SERVER_PIDS+=("$PID")
    for i in $(seq 100); do
      listening "$PORT" && return 0
      kill -0 "$PID" 2>/dev/null || break # the port was taken meanwhile: another one
      sleep 0.05
    done
  done
  fail "xapian-tcpsrv for $1 did not start: $(cat "$TMP/tcpsrv.log")"
  finish
  exit 1
}

# hits ARGS...: "id score" per hit of tracuu search --json ARGS, the score
# to 10 significant digits (shards add the same numbers in another order).
hits() {
  "$TRACUU" search --json --limit 20 "$@" 2>"$TMP/err" |
    sed -n 's/^{"rank":[0-9]*,"id":"\([^"]*\)".*"score":\([^,]*\),.*/\1 \2/p' |
    awk '{ printf "%s %.10g\n", $1, $2 }'
}

# same_as_single WHAT DB-ARGS...: every query in both sorts gives what the
# single index gives (asked once, kept in EXPECTED).
declare -A EXPECTED
same_as_single() {
  local what=$1 q sort expected got
  shift
  for q in "${QUERIES[@]}"; do
    for sort in relevance blend; do
      [ -n "${EXPECTED[$sort $q]:-}" ] || EXPECTED[$sort $q]=$(hits --db "$TMP/one" --sort "$sort" "$q")
      expected=${EXPECTED[$sort $q]}
      got=$(hits "$@" --sort "$sort" "$q")
      if [ -n "$expected" ] && [ "$got" = "$expected" ]; then pass
      else fail "$what, --sort $sort \"$q\": got [$got], expected [$expected] ($(cat "$TMP/err"))"; fi
    done
  done
}

# elapsed_ms CMD...: runs CMD like run, and sets MS to its wall time.
elapsed_ms() {
  local t0 t1
  t0=$(date +%s%N)
  run "$@"
  t1=$(date +%s%N)
  MS=$(( (t1 - t0) / 1000000 ))
}

# 1. One index, and three shards placed by a hash of the id.
run "$TRACUU" index --quiet --db "$TMP/one" "$SAMPLE"
expect_rc 0 "index into one database"
run "$TRACUU" index --quiet --shards 3 --db "$TMP/sh" "$SAMPLE"
expect_rc 0 "index into 3 shards"
expect_eq "$(grep -c '^auto shard-' "$TMP/sh/tracuu.stub")" 3 "the stub lists 3 shards"
n0=$("$TRACUU" stats --json --db "$TMP/sh/shard-0" | sed 's/.*"documents":\([0-9]*\).*/\1/')
n1=$("$TRACUU" stats --json --db "$TMP/sh/shard-1" | sed 's/.*"documents":\([0-9]*\).*/\1/')
n2=$("$TRACUU" stats --json --db "$TMP/sh/shard-2" | sed 's/.*"documents":\([0-9]*\).*/\1/')
expect_eq "$((n0 + n1 + n2))" 50 "the shards hold the 50 records between them"
for n in "$n0" "$n1" "$n2"; do
  if [ "$n" -ge 8 ]; then pass; else fail "a shard holds only $n of 50 records: the hash spreads badly"; fi
done
# Indexing again keeps the count and the placement: replaced, not doubled.
run "$TRACUU" index --quiet --db "$TMP/sh" "$SAMPLE"
expect_rc 0 "re-index a sharded index without --shards"
run "$TRACUU" stats --json --db "$TMP/sh"
expect_out '"documents":50' "re-indexing replaced every record in its own shard"
run "$TRACUU" index --quiet --shards 2 --db "$TMP/sh" "$SAMPLE"
expect_rc 2 "another shard count is refused"
expect_err "holds 3 shards, not 2" "the refusal says why"

# 2. Local shards: the directory (its stub found), the stub, repeated --db.
same_as_single "--db DIR (stub found)" --db "$TMP/sh"
same_as_single "--db DIR/tracuu.stub" --db "$TMP/sh/tracuu.stub"
same_as_single "--db repeated" --db "$TMP/sh/shard-0" --db "$TMP/sh/shard-1" --db "$TMP/sh/shard-2"

# 3. Two shards behind xapian-tcpsrv, the third local.
start_server "$TMP/sh/shard-0"
PORT_A=$PORT PID_A=$PID
start_server "$TMP/sh/shard-1"
PORT_B=$PORT
same_as_single "2 remote + 1 local" --db "tcp:127.0.0.1:$PORT_A" --db "tcp:127.0.0.1:$PORT_B" \
  --db "$TMP/sh/shard-2" --timeout "$TIMEOUT_MS"
printf '# two remote shards and a local one\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\nauto sh/shard-2\n' \
  "$PORT_A" "$PORT_B" >"$TMP/mixed.stub"
same_as_single "a stub with remote lines" --db "$TMP/mixed.stub" --timeout "$TIMEOUT_MS"
# The ssh way without ssh: Xapian runs the program and talks over its pipes
# ("remote :ssh HOST xapian-progsrv PATH" in production).
printf 'remote :xapian-progsrv %s\nauto sh/shard-1\nauto sh/shard-2\n' "$TMP/sh/shard-0" >"$TMP/prog.stub"
same_as_single "a stub with a program line" --db "$TMP/prog.stub"
printf 'remote :tcp 127.0.0.1:%s\n' "$PORT_A" >"$TMP/wrong.stub"
run "$TRACUU" search --db "$TMP/wrong.stub" ubnd
expect_rc 2 "\"remote :tcp\" (a program line) is refused"
expect_err 'write "remote HOST:PORT"' "the refusal shows the right line"

# 4. A server that stops answering (SIGSTOP: it accepts, never replies).
# The bounds allow the timeout, plus what the same search costs on the
# healthy shards right now (measured here: under a loaded machine a process
# start and an open take a good part of a second), plus a second.
elapsed_ms "$TRACUU" search --db "tcp:127.0.0.1:$PORT_B" --db "$TMP/sh/shard-2" --timeout "$TIMEOUT_MS" ubnd
BASE_MS=$MS
kill -STOP -- "-$PID_A"
elapsed_ms "$TRACUU" search --db "$TMP/mixed.stub" --timeout "$TIMEOUT_MS" ubnd
expect_rc 7 "a hung shard fails the search"
expect_one_line_err "a hung shard"
expect_err "a shard is out of reach" "the message says which failure"
if [ "$MS" -lt $((TIMEOUT_MS + BASE_MS + 1000)) ]; then pass
else fail "the error took $MS ms with --timeout $TIMEOUT_MS (a healthy search: $BASE_MS ms)"; fi

elapsed_ms "$TRACUU" search --json --limit 50 --db "$TMP/mixed.stub" --timeout "$TIMEOUT_MS" --allow-partial ubnd
expect_rc 1 "--allow-partial answers from the others, exit code 1"
expect_err "left out, results are partial" "a warning names the shard left out"
expect_err "partial results: 1 shard left out" "and the results are marked partial"
# (the partial search opens the index again without the shard and repeats)
if [ "$MS" -lt $((TIMEOUT_MS + 2 * BASE_MS + 1000)) ]; then pass
else fail "the partial search took $MS ms with --timeout $TIMEOUT_MS (a healthy search: $BASE_MS ms)"; fi
partial_ids=$(sed -n 's/^{"rank":[0-9]*,"id":"\([^"]*\)".*/\1/p' "$TMP/out")
shard0_ids=$("$TRACUU" search --json --limit 50 --db "$TMP/sh/shard-0" ubnd |
  sed -n 's/^{"rank":[0-9]*,"id":"\([^"]*\)".*/\1/p')
if [ -n "$partial_ids" ] && ! grep -qxF -f <(echo "$shard0_ids") <<<"$partial_ids"; then pass
else fail "partial results hold hits of the stopped shard: [$partial_ids]"; fi

# 5. A server that is gone: refused at once.
kill -CONT -- "-$PID_A"
kill -TERM -- "-$PID_A"
wait "$PID_A" 2>/dev/null
elapsed_ms "$TRACUU" search --db "tcp:127.0.0.1:$PORT_A" --db "tcp:127.0.0.1:$PORT_B" \
  --db "$TMP/sh/shard-2" --timeout "$TIMEOUT_MS" ubnd
expect_rc 7 "a stopped server fails the search"
expect_one_line_err "a stopped server"
expect_err "tcp:127.0.0.1:$PORT_A" "the message names the shard"
if [ "$MS" -lt $((TIMEOUT_MS + BASE_MS + 1000)) ]; then pass; else fail "the error took $MS ms"; fi

# 6. Compaction: the shards merged give the single index's answers, and
# --swap moves a symlink (or a stub) over in one rename.
run "$TRACUU" compact --db "$TMP/sh" --out "$TMP/merged"
expect_rc 0 "compact 3 shards into one"
same_as_single "the compacted shards" --db "$TMP/merged"
run "$TRACUU" compact --db "$TMP/sh" --out "$TMP/merged"
expect_rc 2 "compact never writes over an existing directory"
ln -s "$TMP/one" "$TMP/current"
run "$TRACUU" compact --db "$TMP/current" --out "$TMP/v2" --swap "$TMP/current"
expect_rc 0 "compact --swap a symlink"
expect_eq "$(readlink "$TMP/current")" "$(cd "$TMP/v2" && pwd -P)" "the symlink points at the new index"
same_as_single "through the swapped symlink" --db "$TMP/current"
printf 'auto %s\n' "$TMP/one" >"$TMP/live.stub"
run "$TRACUU" compact --db "$TMP/sh/shard-0" --db "$TMP/sh/shard-1" --db "$TMP/sh/shard-2" \
  --out "$TMP/v3" --swap "$TMP/live.stub"
expect_rc 0 "compact --swap a stub file"
expect_eq "$(cat "$TMP/live.stub")" "auto $(cd "$TMP/v3" && pwd -P)" "the stub names the new index"
same_as_single "through the rewritten stub" --db "$TMP/live.stub"

finish
