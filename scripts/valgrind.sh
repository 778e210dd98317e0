#!/usr/bin/env bash
# scripts/valgrind.sh: the unit tests and a few real command-line runs under
# valgrind memcheck (uninitialised reads, invalid accesses, leaks), as a
# second opinion next to the ASan + UBSan suite of scripts/test.sh (valgrind
# sees uninstrumented code too: ICU, libxml2, json-c, Xapian, SQLite).
#
#   bash scripts/valgrind.sh              # builds build-valgrind, runs everything
#   BUILD=build-hard bash scripts/valgrind.sh   # reuse a normal (not ASan) build
#
# Every program runs with --error-exitcode (99, so that it cannot be taken for
# the program's own exit code) and --leak-check=full; the script
# prints one line per program and exits 1 if any of them had an error (the
# full report is in BUILD/valgrind/NAME.log). Needs valgrind (apt-get install
# valgrind).
set -uo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=${BUILD:-build-valgrind}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed" >&2; exit 2; }
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 2
fi
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null || exit 2
logs=$build/valgrind
rm -rf "$logs"
mkdir -p "$logs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tracuu-valgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME=$tmp/data TRACUU_DB=$tmp/db
mkdir -p "$HOME"

failed=0
# vg NAME PROGRAM ARGS...: one program under memcheck. --quiet leaves the log
# empty unless valgrind found something; the program's own exit code (1 for
# a run that skipped input, 2, 3, 8 on purpose below) is reported as is.
vg() {
  local name=$1 rc t0=$SECONDS
  shift
  # Leaks: definite and indirect ones count. "Possibly lost" blocks are ICU's
  # own caches (the transliterator registry test_text uses as an oracle),
  # released only by u_cleanup at exit: not shown.
  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect --track-origins=yes --log-file="$logs/$name.log" "$@" \
    >"$logs/$name.out" 2>"$logs/$name.err"
  rc=$?
  if [ "$rc" = 99 ] || [ -s "$logs/$name.log" ]; then
    printf '%-24s FAILED: %s\n' "$name" \
      "$(grep -m1 -E '^==[0-9]+== [A-Z]' "$logs/$name.log" | cut -d' ' -f2-) (see $logs/$name.log)"
    failed=$((failed + 1))
  else
    printf '%-24s clean (exit %s, %ss)\n' "$name" "$rc" "$((SECONDS - t0))"
  fi
}

# 1. Every unit test (ctest knows them; the shell tests run below by hand).
for t in "$build"/tests/test_*; do
  [ -x "$t" ] && [ -f "$t" ] || continue
  case $(basename "$t") in
  test_bench_corpus) continue ;; # reads ../shared (minutes under valgrind): not a memory test
  esac
  vg "$(basename "$t")" "$t"
done

# 2. The command line on real files: index (the sample and the broken
#    corpus), search, ref, analyze, stats, and an error path.
T=$build/cli/tracuu
vg cli_index_sample "$T" index --quiet "$src/corpus/sample/records.jsonl"
vg cli_index_broken "$T" index --quiet --db "$tmp/broken" "$src/corpus/broken/records.jsonl"
vg cli_search "$T" search --json --facets "quyết định phòng chống dịch"
vg cli_search_number "$T" search 2696/QĐ-UBND
vg cli_search_filters "$T" search --from 2021-01-01 --sort date --limit 100 "thông báo"
vg cli_search_paged "$T" search --sort relevance --offset 3 --limit 5 --issuer ubnd "quyết định"
vg cli_search_long "$T" search "ủy ban nhân dân quận yêu cầu các phòng ban đơn vị triển khai kế hoạch cải cách hành chính và báo cáo kết quả thực hiện"
vg cli_ref "$T" ref 2696/QĐ-UBND
vg cli_analyze "$T" analyze "Quyết định số 2696/QĐ-UBND ngày 21/6/2021"
vg cli_stats "$T" stats --json
vg cli_bad_query "$T" search so:abc
vg cli_no_index "$T" search --db "$tmp/nope" thuế

# 3. A crawl of the sample site (libcurl, libxml2, SQLite, the WARC store),
#    served by the crawl tests' server, then the index rebuilt from its store.
if command -v python3 >/dev/null; then
  python3 tests/server/testserver.py --root corpus/site --log "$tmp/server.log" \
    --port-file "$tmp/port" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
  vg cli_crawl "$T" crawl --db "$tmp/crawl-db" --store "$tmp/store" --delay 0 \
    "http://127.0.0.1:$(cat "$tmp/port")/"
  vg cli_index_from_store "$T" index --quiet --db "$tmp/store-db" --from-store "$tmp/store"
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
fi

echo "valgrind: $failed program(s) with errors (logs: $logs)"
[ "$failed" = 0 ]
