#!/usr/bin/env bash
# bench_serve.sh: the search page under load. Starts `tracuu serve` on a
# free loopback port over an index (TRACUU_BENCH_DB, else the sample corpus
# indexed into a temporary directory), drives it with wrk (apt install wrk):
# CONNECTIONS (default 50) concurrent clients for BENCH_SECONDS (default 20) on
# search pages of a few queries (accents or not, a legal number, a filter),
# then prints requests/s, p50/p90/p99 latency and the server's RSS (now and
# its peak).
#
#   bash bench/bench_serve.sh [BUILD_DIR]     (default: build)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
TRACUU=$BUILD/cli/tracuu
CONNECTIONS=${CONNECTIONS:-50}
SECONDS_RUN=${BENCH_SECONDS:-20}
command -v wrk >/dev/null || { echo "bench_serve: wrk is needed (apt install wrk)" >&2; exit 1; }
[ -x "$TRACUU" ] || { echo "bench_serve: no $TRACUU: build first" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tracuu-bench-serve.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT

DB=${TRACUU_BENCH_DB:-}
if [ -z "$DB" ]; then
  DB=$TMP/db
  "$TRACUU" index --quiet --db "$DB" "$SRC/corpus/sample/records.jsonl"
fi
"$TRACUU" serve --db "$DB" --listen 127.0.0.1:0 2>"$TMP/serve.err" &
PID=$!
for _ in $(seq 200); do grep -q "serving on" "$TMP/serve.err" && break; sleep 0.05; done
PORT=$(sed -n 's|.*serving on http://[0-9.]*:\([0-9]*\)/.*|\1|p' "$TMP/serve.err")
[ -n "$PORT" ] || { echo "bench_serve: serve did not start: $(cat "$TMP/serve.err")" >&2; exit 1; }

cat >"$TMP/paths.lua" <<'LUA'
local paths = {
  "/?q=quyet+dinh",
  "/?q=bang+gia+dat",
  "/?q=b%E1%BA%A3ng+gi%C3%A1+%C4%91%E1%BA%A5t",
  "/?q=2696%2FQ%C4%90-UBND",
  "/?q=phong+chong+dich&from=2021-01-01&sort=date",
  "/?q=chinh+quyen+do+thi&offset=10",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
docs=$("$TRACUU" stats --db "$DB" --json | jq -r .documents 2>/dev/null || echo "?")
echo "tracuu serve: $docs documents, $CONNECTIONS connections, ${SECONDS_RUN}s, $(nproc) cores, 4 worker threads"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --timeout 10s --latency -s "$TMP/paths.lua" "http://127.0.0.1:$PORT" >"$TMP/wrk.out"
grep -E "Requests/sec|Non-2xx|Socket errors" "$TMP/wrk.out" || true
awk '/Latency Distribution/{on=1; next} on && /%/{print "latency p" $1 " " $2} /requests in/{on=0}' "$TMP/wrk.out" |
  sed 's/%//' | grep -E "p50 |p90 |p99 "
rss=$(awk '/VmRSS/{print $2 " " $3}' "/proc/$PID/status")
hwm=$(awk '/VmHWM/{print $2 " " $3}' "/proc/$PID/status")
echo "server RSS: $rss (peak $hwm)"
