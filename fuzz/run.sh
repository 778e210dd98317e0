#!/usr/bin/env bash
# fuzz/run.sh: every libFuzzer target in turn, N seconds each, then one line
# per target with its executions and coverage. The documented long run:
#
#   bash fuzz/run.sh 600              # ten minutes per target (~1.5 h on 2 cores)
#   bash fuzz/run.sh 20 text query    # some targets only
#   JOBS=1 BUILD=/path/to/build-fuzz bash fuzz/run.sh 60
#
# It configures and builds BUILD (default build-fuzz in the source tree) with
# clang and -DTRACUU_FUZZ=ON when needed, writes the seed corpora from the
# project's fixtures (fuzz/make_corpus.py), and keeps each target's growing
# corpus in BUILD/fuzz-corpus/TARGET, so a later run starts where this one
# ended. Crashes, leaks, timeouts and broken contracts are saved as
# BUILD/fuzz-artifacts/TARGET/crash-* (reproduce: BUILD/fuzz/fuzz_TARGET FILE);
# then the script exits 1. Each one found becomes a regression test
# (tests/unit/test_regressions.c) and is fixed at its root.
#
# JOBS targets run side by side (default: the number of cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
secs=${1:-60}
shift || true
build=${BUILD:-$src/build-fuzz}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
all_targets="text refs dates encoding extract robots sitemap record query http pdf docx legacy"
targets=${*:-$all_targets}

# Per target: the dictionary and the longest input worth trying.
dict_of() {
  case $1 in
    text | refs | dates | query) echo text.dict ;;
    extract) echo html.dict ;;
    sitemap) echo xml.dict ;;
    robots) echo robots.dict ;;
    record) echo json.dict ;;
    http) echo http.dict ;;
    pdf) echo pdf.dict ;;
    docx) echo docx.dict ;;
    legacy) echo rtf.dict ;;
    *) echo "" ;;
  esac
}
max_len_of() {
  case $1 in
    extract) echo 16384 ;; # pages are larger, but 16 KB runs ~4x more inputs
    sitemap | encoding | record | robots | pdf | docx | legacy) echo 16384 ;;
    http) echo 40000 ;; # past HTTP_MAX_HEAD (32 KB): the limits are part of the contract
    *) echo 4096 ;;
  esac
}

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DTRACUU_FUZZ=ON >/dev/null
fi
fuzz_bins=""
for t in $targets; do fuzz_bins="$fuzz_bins fuzz_$t"; done
# shellcheck disable=SC2086
cmake --build "$build" -j"$jobs" --target $fuzz_bins >/dev/null

seeds=$build/fuzz-seeds
rm -rf "$seeds"
python3 "$here/make_corpus.py" "$seeds" >/dev/null
logs=$build/fuzz-logs
mkdir -p "$logs"

run_one() { # TARGET
  local t=$1 dict corpus art
  dict=$(dict_of "$t")
  corpus=$build/fuzz-corpus/$t
  art=$build/fuzz-artifacts/$t
  mkdir -p "$corpus" "$art" "$seeds/$t"
  local args=(-max_total_time="$secs" -max_len="$(max_len_of "$t")" -timeout=10
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1
    -artifact_prefix="$art/")
  [ -n "$dict" ] && args+=(-dict="$here/$dict")
  # -close_fd_mask=1: the targets never print; keep stdout for the summary.
  "$build/fuzz/fuzz_$t" "${args[@]}" -close_fd_mask=1 "$corpus" "$seeds/$t" >"$logs/$t.log" 2>&1
}

summary() { # TARGET RC
  local t=$1 rc=$2 log=$logs/$1.log execs cov ft corp
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$( (grep -o 'cov: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  ft=$( (grep -o 'ft: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  corp=$( (grep -o 'corp: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  local verdict=ok
  [ "$rc" = 0 ] || verdict="FAILED (exit $rc): see $log and $build/fuzz-artifacts/$t/"
  printf '%-9s %12s execs  %6s edges  %7s features  %6s corpus  %s\n' \
    "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$verdict"
  # Where the artifacts are out of reach (CI's throw-away root), the log's
  # verdict and the input itself (base64) are enough to reproduce it.
  if [ "$rc" != 0 ]; then
    (grep -E 'contract broken|ERROR: |SUMMARY: |^INFO: Seed|^Base64: ' "$log" || true) |
      head -8 | sed 's/^/    /'
  fi
  echo "$t ${execs:-0} $rc" >>"$logs/summary"
}

rm -f "$logs/summary"
echo "fuzzing $(echo $targets | wc -w) targets, ${secs}s each, $jobs at a time (logs: $logs)"
set -- $targets
while [ $# -gt 0 ]; do
  pids=() names=()
  for _ in $(seq "$jobs"); do
    [ $# -gt 0 ] || break
    run_one "$1" & pids+=($!) names+=("$1")
    shift
  done
  for i in "${!pids[@]}"; do
    rc=0
    wait "${pids[$i]}" || rc=$?
    summary "${names[$i]}" "$rc"
  done
done
total=$(awk '{s += $2} END {print s + 0}' "$logs/summary")
failed=$(awk '$3 != 0' "$logs/summary" | wc -l)
echo "total: $total executions; $failed target(s) failed"
[ "$failed" = 0 ]
