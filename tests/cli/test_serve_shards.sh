# tracuu serve over shards behind real xapian-tcpsrv servers: a connection
# the server drops when idle (its --timeout) and a restarted server are
# reconnected on the next request, on every route; a shard that stays down
# answers 503 (JSON under /api/) within --timeout + 1 s, or, with
# --allow-partial, answers from the others and says so, until it is back.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
. "$TRACUU_SRC/tests/web/fixture.sh"
command -v xapian-tcpsrv >/dev/null || { echo "test_serve_shards: xapian-tcpsrv (xapian-tools) is missing" >&2; exit 1; }

# xapian-tcpsrv in a session of its own: it signals its whole process group
# when it stops, which would be this script's.
declare -A TCPSRV
stop_tcpsrv() { # NAME
  local pid=${TCPSRV[$1]:-}
  [ -n "$pid" ] || return 0
  kill -CONT -- "-$pid" 2>/dev/null
  kill -TERM -- "-$pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  TCPSRV[$1]=
}
trap 'stop_serve; for n in "${!TCPSRV[@]}"; do stop_tcpsrv "$n"; done; rm -rf "$TMP"' EXIT
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start_tcpsrv() { # NAME PORT DB: idle connections are dropped after 1 s
  setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$2" --timeout 1000 "$3" >>"$TMP/tcpsrv.log" 2>&1 &
  TCPSRV[$1]=$!
  for _ in $(seq 100); do listening "$2" && return 0; sleep 0.05; done
  fail "xapian-tcpsrv $1 did not start: $(cat "$TMP/tcpsrv.log")"
}
api() { CODE=$(curl -s -o "$TMP/out" -w '%{http_code}' --max-time 20 "$WEB$1"); }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

"$TRACUU" index --quiet --shards 2 --db "$TMP/db" "$TRACUU_SRC/corpus/sample/records.jsonl"
PA=$(free_port)
PB=$(free_port)
start_tcpsrv a "$PA" "$TMP/db/shard-0"
start_tcpsrv b "$PB" "$TMP/db/shard-1"
start_serve --db "tcp:127.0.0.1:$PA" --db "tcp:127.0.0.1:$PB" --timeout 2000
routes=("/api/search?q=cai+cach" "/api/doc/tayho-2019-0031" "/api/so/45%2FKH-UBND" "/doc/tayho-2019-0031" "/so/45%2FKH-UBND" "/?q=cai+cach")
api "/api/search?q=cai+cach"
total=$(jq -r .total "$TMP/out")
expect_eq "$(jq -r .partial "$TMP/out")" false "both shards: not partial"

# 1. xapian-tcpsrv drops idle connections after 1 s: every route still answers.
for round in 1 2; do
  sleep 1.5
  for r in "${routes[@]}"; do
    api "$r"
    expect_eq "$CODE" 200 "after an idle drop (round $round): $r"
  done
done
api "/api/search?q=cai+cach"
expect_eq "$(jq -r .total "$TMP/out")" "$total" "the same answer after reconnecting"

# 2. A shard restarted: the next request reconnects.
stop_tcpsrv a
start_tcpsrv a "$PA" "$TMP/db/shard-0"
for r in "${routes[@]}"; do
  api "$r"
  expect_eq "$CODE" 200 "after a restart: $r"
done

# 3. A shard that stays down: 503 at once when refused, within --timeout + 1 s when it hangs.
stop_tcpsrv a
start=$(date +%s%N)
api "/api/search?q=cai+cach"
expect_eq "$CODE" 503 "a shard down: 503"
if jq -e '.error.code == 503 and (.error.message|test("out of reach"))' "$TMP/out" >/dev/null; then pass; else fail "says a shard is out of reach: $(cat "$TMP/out")"; fi
CODE=$(curl -s -o "$TMP/out" -w '%{http_code}' "$WEB/doc/tayho-2019-0031")
expect_eq "$CODE" 503 "the page too"
start_tcpsrv a "$PA" "$TMP/db/shard-0"
sleep 1.1 # a failed open is tried again after a second
api "/api/search?q=cai+cach"
expect_eq "$CODE" 200 "back when the shard is back"
kill -STOP -- "-${TCPSRV[b]}"
sleep 1.5 # b's connections idle out, the next request meets a server that never answers
start=$(date +%s%N)
api "/api/search?q=cai+cach"
took=$(ms_since "$start")
expect_eq "$CODE" 503 "a hanging shard: 503"
if [ "$took" -le 3000 ]; then pass; else fail "a hanging shard took ${took} ms (--timeout 2000 + 1 s)"; fi
echo "a hanging shard answered 503 after ${took} ms" >&2
start=$(date +%s%N)
api "/api/search?q=cai+cach"
expect_eq "$CODE" 503 "right after: 503 still"
if [ "$(ms_since "$start")" -le 1000 ]; then pass; else fail "the next request waits again"; fi
kill -CONT -- "-${TCPSRV[b]}"
stop_serve

# 4. --allow-partial: the others answer, and say which shard is missing.
stop_tcpsrv a
start_serve --db "tcp:127.0.0.1:$PA" --db "tcp:127.0.0.1:$PB" --timeout 2000 --allow-partial
api "/api/search?q=cai+cach"
expect_eq "$CODE" 200 "partial: 200"
expect_eq "$(jq -r .partial "$TMP/out")" true "partial: says so"
expect_eq "$(jq -r '.left_out|join(",")' "$TMP/out")" "tcp:127.0.0.1:$PA" "partial: names the shard"
CODE=$(curl -s -o "$TMP/out" -w '%{http_code}' "$WEB/?q=cai+cach")
expect_eq "$CODE" 200 "partial page: 200"
if grep -q "Kết quả chưa đầy đủ: 1 phân đoạn" "$TMP/out"; then pass; else fail "the page says the results are partial"; fi
start_tcpsrv a "$PA" "$TMP/db/shard-0"
whole=0
for _ in $(seq 40); do
  api "/api/search?q=cai+cach"
  [ "$(jq -r .partial "$TMP/out")" = false ] && { whole=1; break; }
  sleep 0.1
done
expect_eq "$whole" 1 "whole again within 4 s of the shard's return"
expect_eq "$(jq -r .total "$TMP/out")" "$total" "the whole answer"
stop_serve
finish
