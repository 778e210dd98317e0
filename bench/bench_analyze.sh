#!/usr/bin/env bash
# bench_analyze.sh: tracuu analyze on a large text against ICU's uconv
# folding the same file (issue 19: 5 MB took 8 s where uconv takes 0.8 s).
# The text is the first MB of ../shared's phapdien articles (5 by default),
# cut after a line end, made in a temporary directory. Rows:
#
#   analyze         tracuu analyze FILE's text, the plain output
#   analyze --json  the same as one JSON object
#   uconv fold      uconv -x ':: NFD; :: [:Nonspacing Mark:] Remove; :: Lower; :: NFC;'
#                   (the folded form of every word; no tokens, offsets,
#                   references or dates: a floor, not the same work)
#
# Each row is the best of RUNS (default 3) runs: CPU seconds (user +
# system, steadier than wall time on a shared machine), wall seconds, peak
# RSS (GNU time), output MB, and its CPU time over uconv's. OLD_TRACUU=path
# adds the rows of another tracuu binary (e.g. a build before a change).
#
#   bench/bench_analyze.sh [MB]         TRACUU=path (default build/cli/tracuu)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
TRACUU=${TRACUU:-$src/build/cli/tracuu}
SHARED_DIR=${TRACUU_SHARED:-$src/../shared}
RUNS=${RUNS:-3}
mb=${1:-5}
[ -x "$TRACUU" ] || { echo "bench_analyze: no tracuu at $TRACUU (set TRACUU)" >&2; exit 1; }
for tool in uconv python3; do
  command -v "$tool" >/dev/null || { echo "bench_analyze: $tool is needed (scripts/deps.sh)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench_analyze: GNU time (/usr/bin/time) is needed" >&2; exit 1; }
ls "$SHARED_DIR"/corpus/phapdien/*.csv >/dev/null 2>&1 ||
  { echo "bench_analyze: no $SHARED_DIR/corpus/phapdien" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tracuu-bench-analyze.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

python3 "$src/tests/text/phapdien_text.py" "$SHARED_DIR"/corpus/phapdien "$mb" >"$TMP/text"

# best NAME CMD...: runs CMD (stdin the text) RUNS times; prints
# "cpu wall rss_mb out_mb" of the run of least CPU time.
best() {
  local name=$1 i
  shift
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f '%U %S %e %M' -o "$TMP/time" "$@" <"$TMP/text" >"$TMP/out" ||
      { echo "bench_analyze: $name failed" >&2; exit 1; }
    read -r user sys wall rss <"$TMP/time"
    echo "$(echo "$user + $sys" | bc) $wall $rss $(stat -c %s "$TMP/out")"
  done | sort -n | head -n1 | awk '{ printf "%.2f %.2f %.1f %.1f\n", $1, $2, $3 / 1024, $4 / 1e6 }'
}

fold=':: NFD; :: [:Nonspacing Mark:] Remove; :: Lower; :: NFC;'
read -r ucpu uwall urss uout < <(best uconv uconv -f utf-8 -t utf-8 -x "$fold")
echo "input: $(stat -c %s "$TMP/text") bytes of phapdien articles; best of $RUNS runs"
printf '%-22s %8s %8s %8s %8s %10s\n' run "CPU s" "wall s" "RSS MB" "out MB" "CPU/uconv"
row() { # NAME CMD...
  local name=$1 cpu wall rss out
  shift
  read -r cpu wall rss out < <(best "$name" "$@")
  printf '%-22s %8s %8s %8s %8s %10s\n' "$name" "$cpu" "$wall" "$rss" "$out" \
    "$(awk -v a="$cpu" -v b="$ucpu" 'BEGIN { printf (b > 0 ? "%.2fx" : "-"), a / b }')"
}
row "analyze" "$TRACUU" analyze
row "analyze --json" "$TRACUU" analyze --json
if [ -n "${OLD_TRACUU:-}" ]; then
  row "old analyze" "$OLD_TRACUU" analyze
  row "old analyze --json" "$OLD_TRACUU" analyze --json
fi
printf '%-22s %8s %8s %8s %8s %10s\n' "uconv fold" "$ucpu" "$uwall" "$urss" "$uout" 1.00x
echo "($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))"
