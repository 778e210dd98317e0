#!/usr/bin/env bash
# bench_serve.sh: `tracuu serve` under load, against the server it replaced.
#
#   bash bench/bench_serve.sh [--shared] [--repeat N] [--baseline REV|none] [BUILD]
#   bash bench/bench_serve.sh --long [--shared] [BUILD]
#
# BUILD is the build directory of the tracuu to measure (default: build).
#
# Throughput (the default). wrk drives CONNECTIONS (default 50) keep-alive
# clients for BENCH_SECONDS (default 20) on three workloads: "search"
# (search pages: accents or not, a legal number, a filter, a second page),
# "mixed" (the routes of the long run: the search page and API, documents,
# number pages, their ids and numbers taken from the index) and "doc" (the
# document routes alone, /doc/ID and /api/doc/ID: cheap answers, where the
# HTTP side's own cost shows most). Each run starts
# a fresh server and prints requests/s (answers 200 only: an error answer
# is not throughput), p50/p99 latency, the server's CPU time per request
# (the figure least skewed by other work on the machine), its RSS after the
# run and its peak, and the load average. The same runs are made with the
# baseline, the tracuu of commit REV (default e352d1b: the libmicrohttpd
# server, before issue 18), built once from a temporary git worktree into
# the work directory; the two alternate, --repeat N times (default 3), and
# the summary gives each median and the ratio new/baseline.
#
# The index: the sample corpus (indexed afresh by each tracuu), or with
# --shared the 27,535 documents of ../shared (TRACUU_SHARED), built by each
# tracuu's own bench_index --out (the index schema changed since the
# baseline) and kept in the work directory for the next run, or
# TRACUU_BENCH_DB=DIR (the baseline then serves TRACUU_BENCH_BASELINE_DB,
# or is left out: it reads another schema).
#
# Long run (--long): the new server alone under steady, bounded load
# (tests/server/load.py: LONG_CLIENTS keep-alive clients, default 8, over
# the mixed routes) for LONG_SECONDS (default 300) while the writers of
# tests/cli/test_serve_longrun.sh (tests/server/writers.sh: tracuu index,
# tracuu crawl of a growing loopback site, compact --swap) change a copy of
# the index. Every LONG_SAMPLE seconds (default LONG_SECONDS / 10) it prints
# requests/s, p50/p99, RSS and open descriptors; at the end the totals, the
# trend of RSS and descriptors, the worst time for a new document to be
# visible after its commit, and what the writers took.
#
# WORKLOADS (default "search mixed doc") chooses among them. BENCH_WORK
# (default BUILD/bench-serve) keeps the baseline and the shared
# indexes. Needs wrk, jq, curl, git; on a 2-core machine shared with other
# work, use nice and repeat: the summary's medians and the CPU figures are
# the ones to quote.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
LONG=0 SHARED=0 REPEAT=3 BASELINE=e352d1b BUILD=
while [ $# -gt 0 ]; do
  case $1 in
    --long) LONG=1; shift ;;
    --shared) SHARED=1; shift ;;
    --repeat) REPEAT=${2:?--repeat needs a number}; shift 2 ;;
    --baseline) BASELINE=${2:?--baseline needs a revision or none}; shift 2 ;;
    -h | --help) sed -n '2,44p' "$0"; exit 0 ;;
    -*) echo "bench_serve: unknown option \"$1\"" >&2; exit 2 ;;
    *) BUILD=$1; shift ;;
  esac
done
BUILD=$(cd "${BUILD:-$SRC/build}" && pwd)
TRACUU=$BUILD/cli/tracuu
CONNECTIONS=${CONNECTIONS:-50}
BENCH_SECONDS=${BENCH_SECONDS:-20}
LONG_SECONDS=${LONG_SECONDS:-300}
LONG_CLIENTS=${LONG_CLIENTS:-8}
LONG_SAMPLE=${LONG_SAMPLE:-$(awk -v s="$LONG_SECONDS" 'BEGIN { x = s / 10; print (x < 1 ? 1 : x) }')}
SHARED_DIR=${TRACUU_SHARED:-$SRC/../shared}
WORKLOADS=${WORKLOADS:-search mixed doc}
WORK=${BENCH_WORK:-$BUILD/bench-serve}
for tool in wrk jq curl git python3; do
  command -v "$tool" >/dev/null || { echo "bench_serve: $tool is needed (apt install $tool)" >&2; exit 1; }
done
[ -x "$TRACUU" ] || { echo "bench_serve: no $TRACUU: build first" >&2; exit 1; }
[ "$SHARED" = 0 ] || [ -d "$SHARED_DIR/corpus" ] || { echo "bench_serve: no $SHARED_DIR/corpus" >&2; exit 1; }
mkdir -p "$WORK"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tracuu-bench-serve.XXXXXX")
PID=
stop() { if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; PID=; }
trap 'stop; rm -rf "$TMP"' EXIT
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- the two programs and their indexes ----

# baseline_build REV: WORK/baseline-REV/{tracuu,bench_index}, built once.
baseline_build() {
  local rev=$1 dir=$WORK/baseline-$1 src=$WORK/baseline-src build_type t0
  if [ -x "$dir/tracuu" ] && { [ "$SHARED" = 0 ] || [ -x "$dir/bench_index" ]; }; then return; fi
  t0=$(ms)
  echo "building the baseline tracuu of $rev (once; kept in $dir) ..." >&2
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
  rm -rf "$src" "$WORK/baseline-build"
  git -C "$SRC" worktree add -q --detach "$src" "$rev"
  cmake -S "$src" -B "$WORK/baseline-build" -DCMAKE_BUILD_TYPE="${build_type:-RelWithDebInfo}" \
    -DTRACUU_SHARED_DIR="$SHARED_DIR" >"$WORK/baseline-build.log" 2>&1
  nice cmake --build "$WORK/baseline-build" -j"$(nproc)" --target tracuu bench_index >>"$WORK/baseline-build.log" 2>&1 ||
    { echo "bench_serve: the baseline does not build: $WORK/baseline-build.log" >&2; exit 1; }
  mkdir -p "$dir"
  cp "$WORK/baseline-build/cli/tracuu" "$WORK/baseline-build/bench/bench_index" "$dir/"
  git -C "$SRC" worktree remove --force "$src"
  rm -rf "$WORK/baseline-build"
  echo "baseline built in $((($(ms) - t0) / 1000)) s" >&2
}

# index_for NAME TRACUU BENCH_INDEX: the index NAME ("new" or "base") serves.
index_for() {
  local name=$1 tracuu=$2 bench_index=$3
  if [ -n "${TRACUU_BENCH_DB:-}" ]; then
    if [ "$name" = new ]; then echo "$TRACUU_BENCH_DB"; else echo "$TRACUU_BENCH_BASELINE_DB"; fi
    return
  fi
  if [ "$SHARED" = 0 ]; then
    rm -rf "$TMP/$name-db"
    "$tracuu" index --quiet --db "$TMP/$name-db" "$SRC/corpus/sample/records.jsonl"
    echo "$TMP/$name-db"
    return
  fi
  local dir=$WORK/$name-shared stamp
  stamp="$(cksum <"$bench_index")"
  if [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "indexing the shared corpus with $bench_index (once; kept in $dir) ..." >&2
    rm -rf "$dir"
    # Its exit code also says whether its own speed goals were met: what
    # counts here is the index it leaves.
    nice "$bench_index" --shared "$SHARED_DIR" --out "$dir" >"$WORK/$name-bench_index.log" 2>&1 || true
    [ -d "$dir/tracuu-index" ] ||
      { echo "bench_serve: $bench_index left no index: $WORK/$name-bench_index.log" >&2; exit 1; }
    echo "$stamp" >"$dir/stamp"
  fi
  echo "$dir/tracuu-index"
}

# start TRACUU DB: a server on a free loopback port; sets PID and PORT.
start() {
  rm -f "$TMP/serve.err" # else the last server's port may be read before the new one writes
  "$1" serve --db "$2" --listen 127.0.0.1:0 2>"$TMP/serve.err" &
  PID=$!
  PORT=
  for _ in $(seq 200); do
    PORT=$(sed -n 's|.*serving on http://[0-9.]*:\([0-9]*\)/.*|\1|p' "$TMP/serve.err" 2>/dev/null || true)
    [ -n "$PORT" ] && return
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "bench_serve: $1 serve did not start: $(cat "$TMP/serve.err")" >&2
  exit 1
}

# The paths: search pages, and the mixed routes with ids and numbers from the index.
QUERIES=("quyet dinh" "bảng giá đất" "thue thu nhap ca nhan" "phòng chống dịch" "cải cách hành chính"
  "xu phat vi pham hanh chinh" "giáo dục đào tạo" "2696/QĐ-UBND")
uri() { jq -rn --arg s "$1" '$s|@uri'; }
make_paths() { # DB
  : >"$TMP/search.paths"
  : >"$TMP/mixed.paths"
  local q e
  for q in "${QUERIES[@]}"; do
    e=$(uri "$q")
    echo "/?q=$e" >>"$TMP/search.paths"
    printf '/?q=%s\n/api/search?q=%s\n' "$e" "$e" >>"$TMP/mixed.paths"
    "$TRACUU" search --json --limit 2 --db "$1" "$q" 2>/dev/null |
      jq -r '"/doc/" + (.id|@uri), "/api/doc/" + (.id|@uri),
             (select(.number != null and .number != "") | "/so/" + (.number|@uri), "/api/so/" + (.number|@uri))' \
        >>"$TMP/mixed.paths" || true
  done
  printf '%s\n' "/?q=quyet+dinh&sort=date" "/?q=chinh+quyen&offset=10" "/?q=dat+dai&from=2020-01-01" >>"$TMP/search.paths"
  grep -E '^/(api/)?doc/' "$TMP/mixed.paths" >"$TMP/doc.paths" || true
}

# keep_answered FILE: drops the paths a server does not answer with 200 (the
# running one: called for each program); says how many went.
keep_answered() {
  local f=$1 p n=0
  : >"$f.ok"
  while IFS= read -r p; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$p")" = 200 ]; then echo "$p" >>"$f.ok"; else n=$((n + 1)); fi
  done <"$f"
  mv "$f.ok" "$f"
  [ "$n" = 0 ] || echo "note: $n path(s) of $(basename "$f" .paths) not answered 200 by $NAME: left out" >&2
}

lua_for() { # PATHS-FILE: a wrk script going round the paths
  echo "local paths = {"
  sed 's/.*/  "&",/' "$1"
  echo "}"
  echo 'local i = math.random(#paths)'
  echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
to_ms() { # wrk's "46.12ms", "3.60s", "812.00us"
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.1f", n }'
}

# run_wrk NAME TRACUU DB WORKLOAD: one measured run on a fresh server; one
# line of figures, also appended to $TMP/results.
run_wrk() {
  local name=$1 tracuu=$2 db=$3 workload=$4 c0 c1 hz out reqs non2xx secs sockerr
  NAME=$name
  start "$tracuu" "$db"
  lua_for "$TMP/$workload.paths" >"$TMP/wrk.lua"
  while IFS= read -r p; do curl -s -o /dev/null "http://127.0.0.1:$PORT$p"; done <"$TMP/$workload.paths" # warm
  local load_before
  load_before=$(loadavg)
  c0=$(cpu_ticks)
  wrk -t2 -c"$CONNECTIONS" -d"${BENCH_SECONDS}s" --timeout 10s --latency -s "$TMP/wrk.lua" \
    "http://127.0.0.1:$PORT" >"$TMP/wrk.out" 2>&1 || true
  c1=$(cpu_ticks)
  hz=$(getconf CLK_TCK)
  out=$TMP/wrk.out
  reqs=$(sed -n 's/^ *\([0-9]*\) requests in \([0-9.]*\)\([a-z]*\).*/\1/p' "$out")
  secs=$(sed -n 's/^ *[0-9]* requests in \([0-9.]*\)s.*/\1/p' "$out")
  non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$out")
  sockerr=$(sed -n 's/^ *Socket errors: *//p' "$out")
  local ok=$((${reqs:-0} - ${non2xx:-0}))
  local rps p50 p99 cpu rss hwm
  rps=$(awk -v n="$ok" -v s="${secs:-$BENCH_SECONDS}" 'BEGIN { printf "%.1f", n / s }')
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  cpu=$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="${reqs:-0}" 'BEGIN { printf "%.2f", n ? t * 1000 / hz / n : 0 }')
  rss=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$PID/status")
  hwm=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$PID/status")
  stop
  printf '%-8s %-6s %9s req/s  p50 %8s ms  p99 %8s ms  CPU %6s ms/req  RSS %5s MB (peak %5s)  errors %s%s  load %s\n' \
    "$name" "$workload" "$rps" "$p50" "$p99" "$cpu" "$rss" "$hwm" "${non2xx:-0}" \
    "${sockerr:+, sockets: $sockerr}" "$load_before"
  echo "$name $workload $rps $p50 $p99 $cpu $rss $hwm" >>"$TMP/results"
}

median() { sort -g | awk '{a[NR] = $1} END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
col() { awk -v n="$1" -v w="$2" -v c="$3" '$1 == n && $2 == w {print $c}' "$TMP/results" | median; }

throughput() {
  local base_tracuu="" base_db="" new_db
  if [ -n "${TRACUU_BENCH_DB:-}" ] && [ -z "${TRACUU_BENCH_BASELINE_DB:-}" ]; then
    echo "note: TRACUU_BENCH_DB without TRACUU_BENCH_BASELINE_DB: no baseline" >&2
    BASELINE=none
  fi
  if [ "$BASELINE" != none ]; then
    baseline_build "$BASELINE"
    base_tracuu=$WORK/baseline-$BASELINE/tracuu
  fi
  new_db=$(index_for new "$TRACUU" "$BUILD/bench/bench_index")
  [ -z "$base_tracuu" ] || base_db=$(index_for "base-$BASELINE" "$base_tracuu" "$WORK/baseline-$BASELINE/bench_index")
  make_paths "$new_db"
  local w
  for w in $WORKLOADS; do
    NAME=new; start "$TRACUU" "$new_db"; keep_answered "$TMP/$w.paths"; stop
    if [ -n "$base_tracuu" ]; then NAME=$BASELINE; start "$base_tracuu" "$base_db"; keep_answered "$TMP/$w.paths"; stop; fi
  done
  local docs
  docs=$("$TRACUU" stats --db "$new_db" --json 2>/dev/null | jq -r .documents 2>/dev/null || echo "?")
  echo "tracuu serve: $docs documents, $CONNECTIONS connections (wrk), ${BENCH_SECONDS}s a run, $REPEAT rounds;" \
    "paths: $(for w in $WORKLOADS; do printf '%s %s ' "$w" "$(wc -l <"$TMP/$w.paths")"; done)"
  echo "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1); load average $(loadavg)" \
    "(other work on the machine skews wall time: CPU ms/req is the steadier figure)"
  echo "new: $(git -C "$SRC" rev-parse --short HEAD) ($TRACUU); baseline: ${base_tracuu:-none}"
  : >"$TMP/results"
  local r
  for r in $(seq "$REPEAT"); do
    for w in $WORKLOADS; do
      # Alternate who goes first, so a change in the machine's load hits both.
      if [ $((r % 2)) = 1 ] || [ -z "$base_tracuu" ]; then
        run_wrk new "$TRACUU" "$new_db" "$w"
        [ -z "$base_tracuu" ] || run_wrk "$BASELINE" "$base_tracuu" "$base_db" "$w"
      else
        run_wrk "$BASELINE" "$base_tracuu" "$base_db" "$w"
        run_wrk new "$TRACUU" "$new_db" "$w"
      fi
    done
  done
  echo
  echo "medians of $REPEAT runs; ratio = new / $BASELINE (for req/s higher is better, for the rest lower)"
  local what c n b
  for w in $WORKLOADS; do
    for what in "req/s:3" "p50 ms:4" "p99 ms:5" "CPU ms/req:6" "RSS MB:7" "peak RSS MB:8"; do
      c=${what##*:}
      n=$(col new "$w" "$c")
      if [ -n "$base_tracuu" ]; then
        b=$(col "$BASELINE" "$w" "$c")
        printf '%-6s %-12s new %9s   %s %9s   ratio %s\n' "$w" "${what%:*}" "$n" "$BASELINE" "$b" \
          "$(awk -v n="$n" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", n / b; else print "-" }')"
      else
        printf '%-6s %-12s new %9s\n' "$w" "${what%:*}" "$n"
      fi
    done
  done
}

# ---- the long run ----

long_run() {
  local db
  db=$(index_for new "$TRACUU" "$BUILD/bench/bench_index")
  make_paths "$db"
  TRACUU_SRC=$SRC
  # shellcheck source=../tests/server/server.sh
  . "$SRC/tests/server/server.sh"
  # shellcheck source=../tests/server/writers.sh
  . "$SRC/tests/server/writers.sh"
  trap 'stop; stop_server; rm -rf "$TMP"' EXIT
  mkdir -p "$TMP/idx"
  cp -r "$db" "$TMP/idx/v1"
  ln -s v1 "$TMP/idx/current"
  gen_site "$TMP/site" 20
  start_server "$TMP/site"
  "$TRACUU" crawl --delay 0 --db "$TMP/idx/current" --store "$TMP/store" "$BASE/" >/dev/null 2>&1
  NAME=new
  start "$TRACUU" "$TMP/idx/current"
  keep_answered "$TMP/mixed.paths"
  local docs
  docs=$("$TRACUU" stats --db "$TMP/idx/current" --json 2>/dev/null | jq -r .documents 2>/dev/null || echo "?")
  echo "tracuu serve, long run: $docs documents, $LONG_CLIENTS clients (tests/server/load.py) over" \
    "$(wc -l <"$TMP/mixed.paths") paths for ${LONG_SECONDS}s, a sample every ${LONG_SAMPLE}s, while tracuu index," \
    "tracuu crawl and compact --swap write (tests/server/writers.sh)"
  echo "new: $(git -C "$SRC" rev-parse --short HEAD); $(nproc) cores; load average $(loadavg)"
  : >"$TMP/commits"
  nice python3 "$SRC/tests/server/load.py" --port "$PORT" --pid "$PID" --clients "$LONG_CLIENTS" \
    --seconds "$LONG_SECONDS" --sample "$LONG_SAMPLE" --paths "$TMP/mixed.paths" --commits "$TMP/commits" \
    --ready "$TMP/ready" >"$TMP/load.json" &
  local load=$!
  for _ in $(seq 200); do [ -e "$TMP/ready" ] && break; sleep 0.05; done
  write_while "$load" "$TMP/idx" "$TMP/site" 20
  wait "$load"
  local cpu_s
  cpu_s=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$PID/stat")
  stop
  local j=$TMP/load.json
  printf '%7s %8s %9s %9s %9s %5s\n' "t (s)" "req/s" "p50 ms" "p99 ms" "RSS MB" "fds"
  jq -r '.timeline[] | [.t, .rps, .p50_ms, .p99_ms, (.rss_kb / 1024 * 10 | round / 10), .fds] | @tsv' "$j" |
    awk -F'\t' '{printf "%7s %8s %9s %9s %9s %5s\n", $1, $2, $3, $4, $5, $6}'
  echo "total: $(jq -r '"\(.requests) requests, \(.rps) req/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, \(.errors) errors"' "$j")," \
    "server CPU ${cpu_s} s"
  echo "trend over the samples: RSS $(jq -r '.rss_trend_kb / 1024 * 10 | round / 10' "$j") MB," \
    "open descriptors $(jq -r .fds_trend "$j") (the least-squares line's rise from the first sample to the last)"
  echo "new documents: $(jq -r .visible "$j") checked, the slowest visible $(jq -r .visible_max_ms "$j") ms after its commit;" \
    "over 2 s: $(jq -r '.visible_over_2s|length' "$j")"
  echo "writers: $WRITE_ROUNDS rounds, $WRITE_SWAPS swaps, $WRITE_FAILURES failures; median/max ms:" \
    "$(for k in index crawl compact; do
      printf '%s %s/%s ' "$k" "$(awk -v k="$k" '{for (i = 1; i < NF; i++) if ($i == k && $(i + 1) != "-") print $(i + 1)}' "$TMP/writers.log" | median)" \
        "$(awk -v k="$k" '{for (i = 1; i < NF; i++) if ($i == k && $(i + 1) != "-") print $(i + 1)}' "$TMP/writers.log" | sort -g | tail -1)"
    done)"
  [ "$(jq -r .errors "$j")" = 0 ] || echo "error answers: $(jq -c '.error_examples[:3]' "$j")"
  echo "load average at the end: $(loadavg)"
}

if [ "$LONG" = 1 ]; then long_run; else throughput; fi
