#!/usr/bin/env bash
# bench_crawl.sh: tracuu crawl's throughput on loopback and its memory as
# the site grows. A generated site (tests/server/server.sh's gen_site:
# listing pages of 20, articles of ~6 KB of Vietnamese text) is served by
# tests/server/testserver.py on 127.0.0.1 and crawled with --delay 0:
#
#   full      fetch + store (WARC, fsync) + extract + index, a first crawl
#   no-index  fetch + store only (the same, minus extract and index)
#   revisit   the second crawl of the unchanged site (all 304)
#
# For each site size it prints pages/s (wall clock), the crawler's CPU
# time per page (user + system: steadier than wall time on a busy machine;
# the server's time is not in it) and the peak RSS (GNU time); flat RSS
# across sizes means memory does not grow with the crawl.
#
#   bench/bench_crawl.sh [SIZES...]     (default: 500 2000 4000)
#   TRACUU=path/to/tracuu               (default: build-crawl/cli/tracuu)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
export TRACUU=${TRACUU:-$src/build-crawl/cli/tracuu}
export TRACUU_SRC=$src
[ -x "$TRACUU" ] || { echo "bench_crawl: no tracuu at $TRACUU (set TRACUU)" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tracuu-bench-crawl.XXXXXX")
# shellcheck source=../tests/server/server.sh
. "$src/tests/server/server.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 2000 4000)

# crawl NAME ARGS...: one crawl; prints "fetched seconds pages/s cpu_ms/page rss_mb".
crawl() {
  local name=$1
  shift
  /usr/bin/time -f '%M %U %S' -o "$TMP/time" "$TRACUU" crawl --delay 0 --json "$@" \
    >"$TMP/$name.json" 2>"$TMP/$name.err"
  read -r rss user sys <"$TMP/time"
  jq -r --arg rss "$rss" --arg cpu "$(echo "$user + $sys" | bc)" \
    '"\(.fetched) \(.seconds) \((.fetched / .seconds * 10 | floor) / 10)" +
     " \(($cpu | tonumber) * 1000 / .fetched * 100 | floor / 100)" +
     " \(($rss | tonumber) / 1024 * 10 | floor / 10)"' "$TMP/$name.json"
}

printf '%-7s %-9s %8s %8s %9s %12s %8s\n' pages run fetched seconds pages/s "CPU ms/page" "RSS MB"
for n in "${sizes[@]}"; do
  rm -rf "$TMP/site" "$TMP"/db-* "$TMP"/store-*
  gen_site "$TMP/site" "$n" 20
  start_server "$TMP/site"
  for run in full no-index revisit; do
    case $run in
      full) read -r f s r c m < <(crawl full --db "$TMP/db-full" --store "$TMP/store-full" "$BASE/") ;;
      no-index) read -r f s r c m < <(crawl noidx --no-index --db "$TMP/db-ni" --store "$TMP/store-ni" "$BASE/") ;;
      revisit) read -r f s r c m < <(crawl revisit --db "$TMP/db-full" --store "$TMP/store-full" "$BASE/") ;;
    esac
    printf '%-7s %-9s %8s %8s %9s %12s %8s\n' "$n" "$run" "$f" "$s" "$r" "$c" "$m"
  done
  stop_server
done
echo "(loopback, Python test server with TCP_NODELAY; $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))"
