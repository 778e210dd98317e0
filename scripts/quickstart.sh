#!/usr/bin/env bash
# The first command of the README: install what is missing, build, then run
# the main job on the bundled sample: index it and search it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target tracuu >/dev/null
tracuu=$PWD/build/cli/tracuu
export TRACUU_DB=$PWD/out/demo-db
rm -rf "$TRACUU_DB"

echo "== tracuu index corpus/sample/records.jsonl"
"$tracuu" index corpus/sample/records.jsonl
for q in "chinh quyen do thi" "32/2021/NĐ-CP" "quyết định 1120/qd-ubnd" "phòng chống dịch --from 2021-01-01"; do
  echo
  echo "== tracuu search $q"
  # shellcheck disable=SC2086  # the last example passes a flag on purpose
  "$tracuu" search --limit 3 $q
done
echo
echo "== tracuu ref 09/CT-UBND"
"$tracuu" ref 09/CT-UBND
echo
echo "The index is in $TRACUU_DB; try: TRACUU_DB=$TRACUU_DB $tracuu search --help"
