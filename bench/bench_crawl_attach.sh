#!/usr/bin/env bash
# bench_crawl_attach.sh: memory and CPU of a crawl that reads attachments
# (OCR on), on a folder of pages and files served on 127.0.0.1 (default
# ../shared/corpus/portal-pages: 71 pages, 29 files, 13 of them scans).
#
#   bash bench/bench_crawl_attach.sh [BUILD] [FOLDER]
#
# Prints the crawl's summary counts, its CPU time (the crawler and the
# reader children it waited for: /usr/bin/time), the crawler's own peak
# RSS, the largest reader child's peak RSS, and the peak RSS of the whole
# process tree (the crawler and its children summed, sampled every 50 ms
# from /proc), against the bound of 300 MB. Then the same crawl with
# --no-ocr, as a baseline for what OCR costs.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
folder=${2:-$src/../shared/corpus/portal-pages}
tracuu=$build/cli/tracuu
[ -x "$tracuu" ] || { echo "bench_crawl_attach: no $tracuu" >&2; exit 2; }
[ -d "$folder" ] || { echo "bench_crawl_attach: no $folder (skipped)" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tracuu-bench-attach.XXXXXX")
python3 "$src/tests/server/testserver.py" --root "$folder" --port-file "$tmp/port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$tmp/port")

# The RSS (kB) of pid and every descendant, summed.
tree_rss() {
  local pids=$1 all=$1 kids
  while [ -n "$pids" ]; do
    kids=$(for p in $pids; do cat /proc/"$p"/task/*/children 2>/dev/null; done | tr '\n' ' ')
    all="$all $kids"
    pids=$(echo "$kids" | xargs)
  done
  for p in $all; do awk '/^VmRSS:/ {print $2}' /proc/"$p"/status 2>/dev/null; done | awk '{s += $1} END {print s + 0}'
}

run() { # NAME FLAGS...
  local name=$1
  shift
  /usr/bin/time -f '%U %S %M' -o "$tmp/$name.time" \
    "$tracuu" crawl --delay 0 --json --db "$tmp/$name-db" --store "$tmp/$name-store" "$@" \
    "$base/index.html" >"$tmp/$name.json" 2>"$tmp/$name.err" &
  local pid=$! peak=0 child=0 r
  while kill -0 "$pid" 2>/dev/null; do
    r=$(tree_rss "$pid")
    [ "$r" -gt "$peak" ] && peak=$r
    for k in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
      for g in $k $(cat /proc/"$k"/task/*/children 2>/dev/null); do
        r=$(awk '/^VmHWM:/ {print $2}' /proc/"$g"/status 2>/dev/null || echo 0)
        [ "${r:-0}" -gt "$child" ] && child=$r
      done
    done
    sleep 0.05
  done
  wait "$pid" || true
  read -r user sys maxrss <"$tmp/$name.time"
  printf '%-7s %s\n' "$name" "$(jq -r '"\(.fetched) fetched, \(.attachments) files read (\(.attachment_pages) pages, \(.ocr_pages) by OCR), \(.attachments_failed) not read, \(.indexed) indexed, \(.seconds) s wall"' "$tmp/$name.json")"
  printf '%-7s CPU %.1f s (user %.1f + sys %.1f; crawler and readers); peak RSS: tree %d MB (sampled), largest reader %d MB, the crawl process %d MB (/usr/bin/time: the largest of it and its children)\n' \
    "$name" "$(echo "$user + $sys" | bc)" "$user" "$sys" $((peak / 1024)) $((child / 1024)) $((maxrss / 1024))
}

echo "bench_crawl_attach: $folder, load $(cut -d' ' -f1-3 /proc/loadavg)"
run ocr
run no-ocr --no-ocr
echo "bound: 300 MB for the tree (the crawler's caps, plus a reader child's RLIMIT_AS: see README Attachments)"
