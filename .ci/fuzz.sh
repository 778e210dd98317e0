#!/usr/bin/env bash
# CI's fuzzing: every libFuzzer target for a short fixed budget (the long run
# is `bash fuzz/run.sh 600`, see fuzz/run.sh). A crash, leak or broken
# contract fails; the input is in build-fuzz/fuzz-artifacts/TARGET/.
# Installs clang and its runtime first (as root, like scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
missing=()
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "== fuzzing (${FUZZ_SECONDS:-10} s per target)"
BUILD=build-fuzz bash fuzz/run.sh "${FUZZ_SECONDS:-10}"
