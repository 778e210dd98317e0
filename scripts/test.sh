#!/usr/bin/env bash
# The whole test suite: a normal build and a build under AddressSanitizer +
# UndefinedBehaviorSanitizer, each running every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --test

jobs=$(nproc 2>/dev/null || echo 2)
run_suite() { # build-dir extra-cmake-args...
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  (cd "$dir" && ctest --output-on-failure -j"$jobs")
}

echo "== tests (release build)"
run_suite build
echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
# TRACUU_SANITIZED lets a test that indexes a large real corpus use a part
# of it: the sanitizers make indexing about ten times slower.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  TRACUU_SANITIZED=1 run_suite build-asan -DTRACUU_SANITIZE=ON
