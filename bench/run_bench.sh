#!/usr/bin/env bash
# Builds tracuu's benchmarks in Release and runs every one of them, printing
# their figures.
#
#   bench/run_bench.sh [--shared DIR] [BENCH...]
#
# The benchmarks are the bench_* executables declared in bench/CMakeLists.txt
# (a new one is picked up without editing this script), or only the BENCH
# names given (e.g. bench_index). Each runs with its defaults, which point at
# the shared data folder given to CMake (TRACUU_SHARED_DIR, default
# ../shared; --shared DIR sets it). The build goes to $BUILD_DIR (default
# build-bench at the top of the repository).
#
# The indexing figures of issue 17 (bulk N jobs and 1 job, sequential, plain
# Xapian, FTS5, the top 10 check):   bash bench/run_bench.sh bench_index
# The million documents (bulk builds into 4 shards, then the queries),
# resumable: a bulk build per 100,000 kept in DIR, and the same command run
# again after a kill goes on at the first chunk missing:
#   BENCH_SCALE_DOCS=1000000 BENCH_SCALE_OUT=DIR nice bash bench/run_bench.sh bench_scale
# (about 40 core-minutes on a quiet 2-core machine, ~15 GB of disk at the
# peak; BENCH_SCALE_ARGS adds flags, e.g. "--skip-remote --jobs 2").
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-bench}
cmake_args=(-DCMAKE_BUILD_TYPE=Release)
declared=$(sed -n 's/^add_executable(\(bench_[A-Za-z0-9_]*\).*/\1/p' "$src/bench/CMakeLists.txt")
benches=""

while [ $# -gt 0 ]; do
  case $1 in
    --shared)
      [ -d "${2:-}" ] || { echo "run_bench.sh: --shared wants a directory" >&2; exit 2; }
      cmake_args+=("-DTRACUU_SHARED_DIR=$(cd "$2" && pwd)"); shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    bench_*)
      grep -qx "$1" <<<"$declared" || { echo "run_bench.sh: no benchmark \"$1\"" >&2; exit 2; }
      benches="$benches $1"; shift ;;
    *) echo "run_bench.sh: bad argument \"$1\"" >&2; exit 2 ;;
  esac
done

benches=${benches:-$declared}
[ -n "$benches" ] || { echo "run_bench.sh: no bench_* executable in bench/CMakeLists.txt" >&2; exit 1; }

cmake -S "$src" -B "$build" "${cmake_args[@]}" >/dev/null
# shellcheck disable=SC2086  # one target name per word
cmake --build "$build" -j"$(nproc)" --target $benches >/dev/null

# The figures mean little without the machine and the code they came from.
echo "tracuu $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"

# bench_scale makes a million documents by default, hours on 2 cores: here it
# makes BENCH_SCALE_DOCS (default 100,000; 1000000 for the full run).
scale_args=(--docs "${BENCH_SCALE_DOCS:-100000}")
# shellcheck disable=SC2206  # flags, split on spaces on purpose
[ -n "${BENCH_SCALE_ARGS:-}" ] && scale_args+=(${BENCH_SCALE_ARGS})
[ -n "${BENCH_SCALE_OUT:-}" ] && scale_args+=(--resume --out "$BENCH_SCALE_OUT")

status=0
for b in $benches; do
  echo
  echo "== $b =="
  args=()
  [ "$b" = bench_scale ] && args=("${scale_args[@]}")
  "$build/bench/$b" "${args[@]}" || { echo "run_bench.sh: $b failed" >&2; status=1; }
done
exit $status
